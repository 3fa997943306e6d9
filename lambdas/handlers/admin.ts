import { type Deps, depsFromEnv } from '../adapters/deps.js';
import { SettingsRepository } from '../adapters/settings-repository.js';
import { calendarFromOfficialJson } from '../domain/calendar.js';
import { createApiHandler, lazyHandler } from '../http/api.js';
import { requireRole } from '../http/auth.js';
import { calendarSchema, policySchema } from '../http/admin-schemas.js';
import { validationProblem } from '../http/problem.js';
import { parseWith, z } from '../http/validation.js';

const yearParam = z.strictObject({ year: z.coerce.number().int().min(2000).max(2100) });

export function createAdminHandler(deps: Deps) {
  const settings = new SettingsRepository(deps.db, deps.tables.grids);

  return createApiHandler({
    family: 'admin',
    deps,
    routes: {
      'GET /v1/admin/policy': {
        async handle(request) {
          requireRole(request.principal, ['admin']);
          return { status: 200, body: await settings.policy(request.principal.town) };
        },
      },
      'PUT /v1/admin/policy': {
        async handle(request) {
          requireRole(request.principal, ['admin']);
          const policy = request.body(policySchema);
          await settings.putPolicy(
            request.principal.town,
            policy,
            request.principal.userId,
            deps.now().toISOString(),
          );
          return { status: 200, body: policy };
        },
      },
      'GET /v1/admin/calendar/{year}': {
        async handle(request) {
          requireRole(request.principal, ['admin']);
          const { year } = parseWith(yearParam, request.params, request.language);
          const calendar = (await settings.calendars(request.principal.town)).find((c) => c.year === year);
          return {
            status: 200,
            body: calendar ?? { year, holidays: [], swappedWorkdays: [], fallback: true },
          };
        },
      },
      'PUT /v1/admin/calendar/{year}': {
        async handle(request) {
          requireRole(request.principal, ['admin']);
          const { year } = parseWith(yearParam, request.params, request.language);
          const body = request.body(calendarSchema);
          if (body.year !== year)
            throw validationProblem([{ path: 'year', message: 'must equal the year in the path' }]);
          let calendar: ReturnType<typeof calendarFromOfficialJson>;
          try {
            calendar = calendarFromOfficialJson({
              year,
              holidays: [{ name: 'holidays', days: body.holidays }],
              swappedWorkdays: body.swappedWorkdays,
            });
          } catch (error) {
            throw validationProblem([{ path: 'holidays', message: (error as Error).message }]);
          }
          await settings.putCalendar(
            request.principal.town,
            calendar,
            request.principal.userId,
            deps.now().toISOString(),
          );
          return { status: 200, body: calendar };
        },
      },
    },
  });
}

export const handler = lazyHandler(() => createAdminHandler(depsFromEnv()));
