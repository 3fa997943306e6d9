import { CaseRepository } from '../adapters/case-repository.js';
import { type Deps, depsFromEnv } from '../adapters/deps.js';
import { GridRepository } from '../adapters/grid-repository.js';
import { HelperRepository } from '../adapters/helper-repository.js';
import { townSettings } from '../adapters/settings-repository.js';
import { caseListPlan } from '../domain/access.js';
import type { CaseRecord } from '../domain/case.js';
import { DEFAULT_CATEGORY_CODES } from '../domain/catalog.js';
import { ForbiddenError, NotFoundError, StaleVersionError } from '../domain/errors.js';
import type { GridRecord } from '../domain/grid.js';
import { commandBodySchemas, commandRequest } from '../domain/command-bodies.js';
import { teamHelpers } from '../domain/helper.js';
import { applyCommand, type CommandInput, isCommandName, mayGive } from '../domain/lifecycle.js';
import { hasAnyRole, type Principal, primaryRole, STAFF_ROLES } from '../domain/roles.js';
import { chainEvent, type TimelineFields, verifyChain } from '../domain/timeline.js';
import { type ApiRequest, createApiHandler, lazyHandler } from '../http/api.js';
import { requireRole } from '../http/auth.js';
import { noteBody, parseIfMatch, requireIfMatch, timelineQuery } from '../http/command-schemas.js';
import { inactiveHelperProblem, unknownHelpersProblem } from '../http/helper-schemas.js';
import { HttpProblem, registerRuleTitles, validationProblem } from '../http/problem.js';
import { listCasesQuery, registerCaseBody } from '../http/schemas.js';
import { parseWith } from '../http/validation.js';
import { caseView } from '../http/views.js';
import { assignmentWrites, countedRegistrationWrites, milestoneWrites } from '../usecases/case-writes.js';
import {
  prepareRegistration,
  registrationDepsOf,
  lookUpEarlierCase,
  replayedQueryCode,
  seededCaseId,
  seedOf,
  writeRegistration,
} from '../usecases/register-case.js';
import { citizenView, isMilestone } from '../domain/citizen.js';
import { findVisibleByNumber, loadVisibleCase, workerGridPaths } from '../usecases/visible-case.js';
import { CounterRepository } from '../adapters/counter-repository.js';
import { commandCounts } from '../domain/counters.js';
import { NotificationRepository } from '../adapters/notification-repository.js';
import { repeatProblem } from '../http/case-problems.js';
import { linkRepeat, repeatAtWindow } from '../usecases/repeat-at-window.js';

registerRuleTitles({
  'past-upper-level-due': {
    zh: '延期不得超过上级交办的办理期限',
    en: 'An extension may not end after the due date the level above set',
  },
  'delivered-before-request': {
    zh: '复查（复核）意见送达时间不得早于申请时间',
    en: 'A review opinion cannot be delivered before the review was asked for',
  },
});

const REGISTRARS = ['clerk', 'grid_worker', 'leader', 'supervisor'] as const;
/** Concurrent notes or sweeps can move the timeline head without changing the version: retry those a few times. */
const HEAD_RETRIES = 3;

const etag = (record: CaseRecord) => ({ etag: `"${record.version}"` });

const member = (raw: unknown, name: string): unknown =>
  typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>)[name] : undefined;
/** A registration body that enters a carried case (积案). */
const isCarried = (raw: unknown) => member(raw, 'backlog') !== undefined;
/** A registration body that links the matter to the petitioner's open case. */
const isLink = (raw: unknown) => member(member(raw, 'repeatOfOpenCase'), 'action') === 'link';

const actorOf = (principal: Principal) => ({ id: principal.userId, role: primaryRole(principal) });

export function createCasesHandler(deps: Deps) {
  const cases = new CaseRepository(deps.db, deps.tables.cases);
  const grids = new GridRepository(deps.db, deps.tables.grids);
  const helpers = new HelperRepository(deps.db, deps.tables.grids);
  const settings = townSettings(deps);

  const scopeGridPaths = (principal: Principal) => workerGridPaths(grids, principal);

  /** A grid worker registers only in their own grids (or below); the town's other registrars anywhere. */
  const requireRegistrableGrid = async (principal: Principal, grid: GridRecord | undefined) => {
    if (hasAnyRole(principal, ['clerk', 'leader', 'supervisor'])) return;
    if (!grid)
      throw validationProblem([{ path: 'gridId', message: 'is required when a grid worker registers' }]);
    const paths = await scopeGridPaths(principal);
    if (!paths.some((path) => grid.path.startsWith(path)))
      throw new ForbiddenError('grid workers register cases only in their own grids');
  };

  const notifications = new NotificationRepository(deps.db, deps.tables.cases);
  const counters = new CounterRepository(deps.db, deps.tables.cases);
  const registrationDeps = registrationDepsOf(deps, cases, grids);

  const loadVisible = (request: ApiRequest): Promise<CaseRecord> =>
    loadVisibleCase({ cases, grids }, request.principal, request.params.id ?? '');

  /** Appends an event that changes nothing else, retrying if another event took the head first. */
  const appendNote = async (request: ApiRequest, fields: TimelineFields) => {
    for (let attempt = 0; attempt < HEAD_RETRIES; attempt++) {
      const record = await loadVisible(request);
      const event = await chainEvent(record.timelineHead, fields, deps.mac);
      if (await cases.appendEvent(record, event)) return event;
    }
    throw new HttpProblem('unavailable', {}, { headers: { 'retry-after': '1' } });
  };

  return createApiHandler({
    family: 'cases',
    deps,
    routes: {
      'POST /v1/cases': {
        async handle(request) {
          requireRole(request.principal, REGISTRARS);
          const raw = request.json();
          // the backlog ledger (积案) is the petition office's to keep
          if (isCarried(raw) && !hasAnyRole(request.principal, ['supervisor']))
            throw new ForbiddenError('only the petition office (supervisor) enters a carried case');
          const now = deps.now();
          const { policy, calendar } = await settings.get(request.principal.town);
          const { repeatOfOpenCase: choice, ...body } = parseWith(
            registerCaseBody({ now, policy, categories: DEFAULT_CATEGORY_CODES }),
            raw,
            request.language,
          );
          const grid = body.gridId ? await grids.get(request.principal.town, body.gridId) : undefined;
          if (body.gridId && !grid)
            throw validationProblem([{ path: 'gridId', message: 'is not a grid of this town' }]);
          await requireRegistrableGrid(request.principal, grid);

          // Art 19: a repeat of a case still open is linked to it, unless the registrar says why not
          const lookup = await lookUpEarlierCase(registrationDeps, request.principal.town, body);
          const { seed } = seedOf(request);
          // the earlier case may be this very request's, written by an attempt whose answer was lost: not a repeat
          const ownRetry = seed !== undefined && lookup.repeatOf === (await seededCaseId(deps.mac, seed));
          const decision = ownRetry
            ? { kind: 'register' as const }
            : await repeatAtWindow({ cases, grids }, request.principal, body, lookup, choice);
          if (decision.kind === 'link') {
            const { record, linked } = await linkRepeat(
              { cases, counters, mac: deps.mac },
              request.principal,
              decision.openCase,
              body,
              { now, ...seedOf(request) },
            );
            return {
              status: 200,
              body: { ...caseView(record, request.principal), linked },
              headers: { 'content-location': `/v1/cases/${record.id}`, ...etag(record) },
            };
          }
          if (decision.kind !== 'register' && decision.kind !== 'second-track') throw repeatProblem(decision);

          const prepared = await prepareRegistration(registrationDeps, body, {
            principal: request.principal,
            now,
            policy,
            calendar,
            ...(grid ? { grid } : {}),
            ...seedOf(request),
            lookup,
            ...(decision.kind === 'second-track' ? { secondTrackReason: decision.reason } : {}),
          });
          const record = await writeRegistration(
            cases,
            prepared,
            countedRegistrationWrites({ cases, notifications, counters }, prepared),
          );
          return {
            status: 201,
            body: caseView(record, request.principal),
            headers: { location: `/v1/cases/${record.id}`, ...etag(record) },
            // the query code is shown this once, for the clerk to hand over; it is kept only sealed
            secret: { queryCode: prepared.queryCode },
          };
        },
        // a linked repeat made no case, so its replayed answer has no query code
        replaySecret: async (request) => (isLink(request.json()) ? {} : replayedQueryCode(deps.mac, request)),
      },
      'GET /v1/cases': {
        async handle(request) {
          requireRole(request.principal, STAFF_ROLES);
          const query = parseWith(listCasesQuery, request.query, request.language);
          if (query.number !== undefined) {
            const { number, limit: _limit, ...others } = query;
            if (Object.keys(others).length > 0)
              throw validationProblem([
                { path: 'number', message: 'finds one case: it takes no other filter and no cursor' },
              ]);
            const found = await findVisibleByNumber({ cases, grids }, request.principal, number);
            return { status: 200, body: { items: found ? [caseView(found, request.principal)] : [] } };
          }
          const grid = query.gridId ? await grids.get(request.principal.town, query.gridId) : undefined;
          // an unknown grid has no cases: an empty list, not an error
          const plan =
            query.gridId && !grid
              ? { sources: [], filters: {} }
              : caseListPlan(request.principal, query, await scopeGridPaths(request.principal), grid?.path);
          const page = await cases.list(request.principal.town, plan, query.limit, query.cursor);
          return {
            status: 200,
            body: {
              items: page.items.map((item) => caseView(item, request.principal)),
              ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
            },
          };
        },
      },
      'GET /v1/cases/{id}': {
        async handle(request) {
          const record = await loadVisible(request);
          // citizens read their cases at /v1/me/cases, without staff fields
          requireRole(request.principal, STAFF_ROLES);
          return { status: 200, body: caseView(record, request.principal), headers: etag(record) };
        },
      },
      'GET /v1/cases/{id}/timeline': {
        async handle(request) {
          const record = await loadVisible(request);
          requireRole(request.principal, STAFF_ROLES);
          const query = parseWith(timelineQuery, request.query, request.language);
          const items = await cases.timeline(record.town, record.id);
          if (query.verify !== 'true') return { status: 200, body: { items } };
          const verdict = await verifyChain(items, record.timelineHead, deps.mac);
          return { status: 200, body: { ...verdict, items } };
        },
      },
      'POST /v1/cases/{id}/notes': {
        async handle(request) {
          await loadVisible(request);
          requireRole(request.principal, STAFF_ROLES);
          const body = request.body(noteBody);
          const event = await appendNote(request, {
            at: deps.now().toISOString(),
            actor: actorOf(request.principal),
            action: 'note',
            note: body.text,
          });
          return { status: 201, body: event };
        },
      },
      'POST /v1/cases/{id}/{command}': {
        async handle(request) {
          const command = request.params.command ?? '';
          let record = await loadVisible(request);
          if (!isCommandName(command)) throw new NotFoundError();
          if (!mayGive(request.principal, command, record))
            throw new ForbiddenError(`${command} is not yours to give`);
          const raw = request.json();
          const ifMatch = requireIfMatch(request);
          const now = deps.now();
          const { policy, calendar } = await settings.get(record.town);
          const about = { reviewRequestedAt: record.reviews?.at(-1)?.requestedAt };
          const parsed = commandRequest(
            command,
            parseWith(commandBodySchemas(policy, now, about)[command], raw, request.language),
          );
          // helpers who are not staff join a team by their id in the town's directory: an unknown one is a 400,
          // an inactive one a rule (409, after the version)
          const helperIds = parsed.command === 'own' ? (parsed.helpers ?? []) : [];
          const team = helperIds.length
            ? teamHelpers(helperIds, await helpers.getMany(record.town, helperIds))
            : { refs: [] };
          if ('missing' in team) throw unknownHelpersProblem(team.missing, request.language);
          if (parseIfMatch(ifMatch) !== record.version) throw new StaleVersionError();
          if ('inactive' in team) throw inactiveHelperProblem(team.inactive, request.language);
          const input: CommandInput = parsed.command === 'own' ? { ...parsed, helpers: team.refs } : parsed;
          if (input.command === 'classify' && input.repeatOf !== null) {
            const earlier = await cases.get(record.town, input.repeatOf);
            if (!earlier)
              throw validationProblem([{ path: 'repeatOf', message: 'is not a case of this town' }]);
          }

          for (let attempt = 0; attempt < HEAD_RETRIES; attempt++) {
            const effect = applyCommand(record, input, {
              principal: request.principal,
              now,
              policy,
              calendar,
            });
            const event = await chainEvent(
              record.timelineHead,
              {
                at: now.toISOString(),
                actor: actorOf(request.principal),
                action: effect.action,
                fromStatus: effect.fromStatus,
                toStatus: effect.toStatus,
                ...(effect.note ? { note: effect.note } : {}),
              },
              deps.mac,
            );
            const stored = await cases.applyChange(record, effect.record, event, [
              ...counters.updates(record.town, record.id, commandCounts(record, effect, now)),
              ...(isMilestone(effect.action)
                ? milestoneWrites(notifications, effect.record, effect.action, now.toISOString())
                : []),
              ...assignmentWrites(notifications, record, effect.record, now),
            ]);
            if (stored)
              return {
                status: 200,
                body:
                  request.principal.kind === 'petitioner'
                    ? citizenView(stored)
                    : caseView(stored, request.principal),
                headers: etag(stored),
              };
            const current = await cases.get(record.town, record.id);
            if (!current || current.version !== record.version) throw new StaleVersionError();
            record = current;
          }
          throw new HttpProblem('unavailable', {}, { headers: { 'retry-after': '1' } });
        },
      },
    },
  });
}

export const handler = lazyHandler(() => createCasesHandler(depsFromEnv()));
