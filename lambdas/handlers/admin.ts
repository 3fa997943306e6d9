import { CaseRepository } from '../adapters/case-repository.js';
import { type Deps, depsFromEnv } from '../adapters/deps.js';
import { Open311Repository } from '../adapters/open311-repository.js';
import { SettingsRepository } from '../adapters/settings-repository.js';
import { calendarFromOfficialJson, calendarSchema } from '../domain/calendar.js';
import { NotFoundError } from '../domain/errors.js';
import { DEFAULT_TOWN_PROFILE } from '../domain/report.js';
import { settingsBody, yearParam } from '../http/admin-schemas.js';
import { createApiHandler, lazyHandler, refuseIdempotencyKey } from '../http/api.js';
import { requireRole } from '../http/auth.js';
import { idempotencyLayer } from '../http/idempotency.js';
import { fieldProblem } from '../http/problem.js';
import { parseWith } from '../http/validation.js';
import { issueApiKey, keyIdParam, open311KeyBody } from '../open311/keys.js';
import { INLINE_BUDGET, runRecompute, startRecompute } from '../usecases/recompute-deadlines.js';

export function createAdminHandler(deps: Deps) {
  const settings = new SettingsRepository(deps.db, deps.tables.grids);
  const open311 = new Open311Repository(deps.db, deps.tables.cases);
  const recomputeDeps = { cases: new CaseRepository(deps.db, deps.tables.cases), settings, mac: deps.mac };

  /** New settings take effect on the open cases: as many as the request's budget allows now, the rest tonight. */
  const recomputeAfterStoring = async (town: string, reason: string, now: Date) => {
    await startRecompute(settings, town, reason, now);
    return runRecompute(recomputeDeps, town, now, INLINE_BUDGET);
  };

  return createApiHandler({
    family: 'admin',
    deps,
    idempotency: idempotencyLayer('admin', deps),
    routes: {
      'GET /v1/admin/policy': {
        async handle(request) {
          requireRole(request.principal, ['admin']);
          const { policy, profile } = await settings.settings(request.principal.town);
          return { status: 200, body: { ...policy, ...profile } };
        },
      },
      'PUT /v1/admin/policy': {
        async handle(request) {
          requireRole(request.principal, ['admin']);
          const { townName, issuingOffice, townNameEn, issuingOfficeEn, ...policy } =
            request.body(settingsBody);
          const given = { townName, issuingOffice, townNameEn, issuingOfficeEn };
          const profile = Object.fromEntries(
            Object.entries(given).filter(([, value]) => value !== undefined),
          );
          const now = deps.now();
          await settings.putPolicy(
            request.principal.town,
            policy,
            profile,
            request.principal.userId,
            now.toISOString(),
          );
          const recompute = await recomputeAfterStoring(request.principal.town, 'policy stored', now);
          return {
            status: 200,
            body: { ...policy, ...DEFAULT_TOWN_PROFILE, ...profile, recompute },
          };
        },
      },
      'GET /v1/admin/calendar/{year}': {
        async handle(request) {
          requireRole(request.principal, ['admin']);
          const { year } = parseWith(yearParam, request.params, request.language);
          const calendar = (await settings.calendars(request.principal.town)).find((c) => c.year === year);
          return {
            status: 200,
            body: calendar
              ? { ...calendar, provisional: calendar.provisional ?? false }
              : { year, holidays: [], swappedWorkdays: [], fallback: true },
          };
        },
      },
      'PUT /v1/admin/calendar/{year}': {
        async handle(request) {
          requireRole(request.principal, ['admin']);
          const { year } = parseWith(yearParam, request.params, request.language);
          const body = request.body(calendarSchema);
          if (body.year !== year) throw fieldProblem('year', (m) => m.field['year-mismatch']);
          let calendar: ReturnType<typeof calendarFromOfficialJson>;
          try {
            calendar = calendarFromOfficialJson({
              year,
              holidays: [{ name: 'holidays', days: body.holidays }],
              swappedWorkdays: body.swappedWorkdays,
              // the notice stored by the admin replaces the statutory-holidays-only year that shipped
              provisional: body.provisional ?? false,
              ...(body.source ? { source: body.source } : {}),
            });
          } catch {
            throw fieldProblem('holidays', (m) => m.field['calendar-conflict']);
          }
          const now = deps.now();
          await settings.putCalendar(
            request.principal.town,
            calendar,
            request.principal.userId,
            now.toISOString(),
          );
          const recompute = await recomputeAfterStoring(
            request.principal.town,
            `calendar ${year} stored`,
            now,
          );
          return {
            status: 200,
            body: { ...calendar, provisional: calendar.provisional ?? false, recompute },
          };
        },
      },
      'POST /v1/admin/open311-keys': {
        // the idempotency layer would keep the response, and the key in it
        idempotent: false,
        async handle(request) {
          requireRole(request.principal, ['admin']);
          refuseIdempotencyKey(request, (m) => m.detail['key-on-issue']);
          const { name } = request.body(open311KeyBody);
          const issued = await issueApiKey(
            { repository: open311, mac: deps.mac },
            {
              town: request.principal.town,
              name,
              issuedBy: request.principal.userId,
              at: deps.now().toISOString(),
            },
          );
          return { status: 201, body: issued, headers: { 'cache-control': 'no-store' } };
        },
      },
      'GET /v1/admin/open311-keys': {
        async handle(request) {
          requireRole(request.principal, ['admin']);
          return { status: 200, body: { items: await open311.listKeys(request.principal.town) } };
        },
      },
      'DELETE /v1/admin/open311-keys/{keyId}': {
        async handle(request) {
          requireRole(request.principal, ['admin']);
          const { keyId } = parseWith(keyIdParam, request.params, request.language);
          const revoked = await open311.revokeKey(
            request.principal.town,
            keyId,
            request.principal.userId,
            deps.now().toISOString(),
          );
          // another town's key is as unknown as a key never issued
          if (!revoked) throw new NotFoundError();
          return { status: 200, body: revoked };
        },
      },
    },
  });
}

export const handler = lazyHandler(() => createAdminHandler(depsFromEnv()));
