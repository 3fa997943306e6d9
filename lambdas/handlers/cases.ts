import { randomBytes } from 'node:crypto';
import { CaseRepository } from '../adapters/case-repository.js';
import { type Deps, depsFromEnv } from '../adapters/deps.js';
import { GridRepository } from '../adapters/grid-repository.js';
import { intakeLevel } from '../domain/grid.js';
import { STAFF_ROLES } from '../domain/roles.js';
import { validationProblem } from '../http/problem.js';
import { type CaseRecord, formatCaseNumber, numberPrefix, registerCase } from '../domain/case.js';
import { DEFAULT_CATEGORY_CODES } from '../domain/catalog.js';
import { shippedCalendars, WorkingCalendar } from '../domain/calendar.js';
import { beijingDate } from '../domain/deadlines.js';
import { NotFoundError } from '../domain/errors.js';
import { DEFAULT_POLICY } from '../domain/policy.js';
import { canSeeCase, caseListPlan } from '../domain/access.js';
import { type ApiRequest, createApiHandler, lazyHandler } from '../http/api.js';
import { requireRole } from '../http/auth.js';
import { listCasesQuery, registerCaseBody } from '../http/schemas.js';
import { parseWith } from '../http/validation.js';
import { caseView } from '../http/views.js';

const REGISTRARS = ['clerk', 'grid_worker', 'leader', 'supervisor'] as const;

/** Opaque, unguessable case ids: 128 random bits. */
const newCaseId = (): string => randomBytes(16).toString('base64url');

const withEtag = (record: CaseRecord) => ({ etag: `"${record.version}"` });

export function createCasesHandler(deps: Deps) {
  const cases = new CaseRepository(deps.db, deps.tables.cases);
  const grids = new GridRepository(deps.db, deps.tables.grids);
  const calendar = new WorkingCalendar(shippedCalendars.values());
  const policy = DEFAULT_POLICY;

  const loadVisible = async (request: ApiRequest, id: string): Promise<CaseRecord> => {
    const record = await cases.get(request.principal.town, id);
    if (!record || !canSeeCase(request.principal, record)) throw new NotFoundError();
    return record;
  };

  return createApiHandler({
    family: 'cases',
    deps,
    routes: {
      'POST /v1/cases': {
        async handle(request) {
          requireRole(request.principal, REGISTRARS);
          const now = deps.now();
          const body = request.body(registerCaseBody({ now, policy, categories: DEFAULT_CATEGORY_CODES }));
          const grid = body.gridId ? await grids.get(request.principal.town, body.gridId) : undefined;
          if (body.gridId && !grid)
            throw validationProblem([{ path: 'gridId', message: 'is not a grid of this town' }]);
          const day = beijingDate(now);
          const sequence = await cases.nextSequence(request.principal.town, numberPrefix(body.kind), day);
          const record = registerCase(body, {
            id: newCaseId(),
            number: formatCaseNumber(body.kind, day, sequence),
            now,
            principal: request.principal,
            policy,
            calendar,
            firstTime: true,
            level: intakeLevel(grid),
          });
          await cases.create(record, grid?.path);
          return {
            status: 201,
            body: caseView(record),
            headers: { location: `/v1/cases/${record.id}`, ...withEtag(record) },
          };
        },
      },
      'GET /v1/cases': {
        async handle(request) {
          const query = parseWith(listCasesQuery, request.query, request.language);
          requireRole(request.principal, STAFF_ROLES);
          const grid = query.gridId ? await grids.get(request.principal.town, query.gridId) : undefined;
          // an unknown grid has no cases; say so with an empty list rather than an error
          const plan =
            query.gridId && !grid
              ? ({ index: 'empty' } as const)
              : caseListPlan(request.principal, query, grid?.path);
          const page = await cases.list(request.principal.town, plan, query.limit, query.cursor);
          return {
            status: 200,
            body: {
              items: page.items.map(caseView),
              ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
            },
          };
        },
      },
      'GET /v1/cases/{id}': {
        async handle(request) {
          const record = await loadVisible(request, request.params.id ?? '');
          return { status: 200, body: caseView(record), headers: withEtag(record) };
        },
      },
    },
  });
}

export const handler = lazyHandler(() => createCasesHandler(depsFromEnv()));
