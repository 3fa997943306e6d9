import { CaseRepository } from '../adapters/case-repository.js';
import { CounterRepository } from '../adapters/counter-repository.js';
import { type Deps, depsFromEnv } from '../adapters/deps.js';
import { GridRepository } from '../adapters/grid-repository.js';
import { MinuteLimiter } from '../adapters/minute-limiter.js';
import { NotificationRepository } from '../adapters/notification-repository.js';
import { townSettings } from '../adapters/settings-repository.js';
import { DEFAULT_CATEGORY_CODES } from '../domain/catalog.js';
import { citizenView } from '../domain/citizen.js';
import { NotFoundError, RuleViolationError } from '../domain/errors.js';
import type { Principal } from '../domain/roles.js';
import { createApiHandler, lazyHandler } from '../http/api.js';
import { requireRole } from '../http/auth.js';
import { idempotencyLayer } from '../http/idempotency.js';
import { citizenCasesQuery, claimBody, inboxQuery } from '../http/me-schemas.js';
import { throttledProblem } from '../http/problem.js';
import { onlinePetitionBody } from '../http/schemas.js';
import { parseWith } from '../http/validation.js';
import { countedRegistrationWrites } from '../usecases/case-writes.js';
import { lookUpQueryCode } from '../usecases/query-code.js';
import {
  prepareRegistration,
  registrationDepsOf,
  replayedQueryCode,
  seedOf,
  writeRegistration,
} from '../usecases/register-case.js';

export function createMeHandler(deps: Deps) {
  const notifications = new NotificationRepository(deps.db, deps.tables.cases);
  const cases = new CaseRepository(deps.db, deps.tables.cases);
  const grids = new GridRepository(deps.db, deps.tables.grids);
  const counters = new CounterRepository(deps.db, deps.tables.cases);
  const limiter = new MinuteLimiter(deps.db, deps.tables.cases);
  const settings = townSettings(deps);
  const registrationDeps = registrationDepsOf(deps, cases, grids);

  /** The caller's own case, or not found (someone else's looks exactly like a missing one). */
  const ownCase = async (principal: Principal, id: string) => {
    const record = await cases.get(principal.town, id);
    if (!record || record.petitionerUserId !== principal.userId) throw new NotFoundError();
    return record;
  };

  return createApiHandler({
    family: 'me',
    deps,
    idempotency: idempotencyLayer('me', deps),
    routes: {
      'GET /v1/me/notifications': {
        async handle(request) {
          const { town, userId } = request.principal;
          const query = parseWith(inboxQuery, request.query, request.language);
          const page = await notifications.inbox(
            town,
            userId,
            query.limit,
            query.cursor,
            query.unread === 'true',
          );
          const items = page.items.map(({ town: _town, ...n }) => n);
          return {
            status: 200,
            body: { items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) },
          };
        },
      },
      'POST /v1/public/petitions': {
        async handle(request) {
          requireRole(request.principal, ['petitioner']);
          const now = deps.now();
          const { policy, calendar, profile } = await settings.get(request.principal.town);
          const body = request.body(onlinePetitionBody({ now, policy, categories: DEFAULT_CATEGORY_CODES }));
          const prepared = await prepareRegistration(
            registrationDeps,
            { ...body, channel: 'online' },
            { principal: request.principal, now, policy, calendar, profile, ...seedOf(request) },
          );
          const record = await writeRegistration(
            cases,
            prepared,
            countedRegistrationWrites({ cases, notifications, counters }, prepared),
          );
          return {
            status: 201,
            body: citizenView(record),
            headers: { location: `/v1/me/cases/${record.id}`, etag: `"${record.version}"` },
            secret: { queryCode: prepared.queryCode },
          };
        },
        replaySecret: (request) => replayedQueryCode(deps.mac, request),
      },
      'GET /v1/me/cases': {
        async handle(request) {
          requireRole(request.principal, ['petitioner']);
          const query = parseWith(citizenCasesQuery, request.query, request.language);
          const plan = {
            sources: [
              {
                index: 'related' as const,
                userId: request.principal.userId,
                relation: 'petitioner' as const,
                skipGridPaths: [],
              },
            ],
            filters: {},
          };
          const page = await cases.list(request.principal.town, plan, query.limit, query.cursor);
          return {
            status: 200,
            body: {
              items: page.items.map((record) => citizenView(record)),
              ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
            },
          };
        },
      },
      'GET /v1/me/cases/{id}': {
        async handle(request) {
          const record = await ownCase(request.principal, request.params.id ?? '');
          const events = await cases.timeline(record.town, record.id);
          return { status: 200, body: citizenView(record, events), headers: { etag: `"${record.version}"` } };
        },
      },
      'POST /v1/me/cases/claim': {
        // the body is the query code, which no store keeps even hashed; a repeated claim answers the same anyway
        idempotent: false,
        async handle(request) {
          requireRole(request.principal, ['petitioner']);
          const { queryCode } = request.body(claimBody);
          const lookup = await lookUpQueryCode(
            { cases, limiter, mac: deps.mac },
            queryCode,
            request.event.requestContext.http.sourceIp,
            deps.now(),
          );
          if ('retryAfter' in lookup) throw throttledProblem(lookup.retryAfter);
          // a code of another town's case is as unknown as a wrong one
          if ('missing' in lookup || lookup.found.town !== request.principal.town) throw new NotFoundError();
          const record = lookup.found;
          if (record.petitionerUserId === request.principal.userId)
            return { status: 200, body: citizenView(record) };
          if (record.petitionerUserId !== undefined || !(await cases.claim(record, request.principal.userId)))
            throw new RuleViolationError('already-claimed');
          return {
            status: 200,
            body: citizenView({ ...record, petitionerUserId: request.principal.userId }),
          };
        },
      },
      'POST /v1/me/notifications/{id}/read': {
        async handle(request) {
          const { town, userId } = request.principal;
          const ok = await notifications.markRead(
            town,
            userId,
            request.params.id ?? '',
            deps.now().toISOString(),
          );
          if (!ok) throw new NotFoundError();
          return { status: 204 };
        },
      },
    },
  });
}

export const handler = lazyHandler(() => createMeHandler(depsFromEnv()));
