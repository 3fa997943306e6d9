import { randomBytes } from 'node:crypto';
import { CaseRepository } from '../adapters/case-repository.js';
import { type Deps, depsFromEnv } from '../adapters/deps.js';
import { GridRepository } from '../adapters/grid-repository.js';
import { SettingsRepository, TownSettingsCache } from '../adapters/settings-repository.js';
import { canSeeCase, caseListPlan } from '../domain/access.js';
import {
  type CaseRecord,
  formatCaseNumber,
  numberPrefix,
  petitionerIdentifiers,
  registerCase,
} from '../domain/case.js';
import { DEFAULT_CATEGORY_CODES } from '../domain/catalog.js';
import { beijingDate } from '../domain/deadlines.js';
import { ForbiddenError, NotFoundError, StaleVersionError } from '../domain/errors.js';
import { intakeLevel } from '../domain/grid.js';
import { applyCommand, type CommandInput, isCommandName, mayGive } from '../domain/lifecycle.js';
import { type Principal, primaryRole, STAFF_ROLES } from '../domain/roles.js';
import { chainEvent, type TimelineFields, verifyChain } from '../domain/timeline.js';
import { type ApiRequest, createApiHandler, lazyHandler } from '../http/api.js';
import { requireRole } from '../http/auth.js';
import { commandBodySchemas, noteBody, parseIfMatch } from '../http/command-schemas.js';
import { HttpProblem, validationProblem } from '../http/problem.js';
import { listCasesQuery, registerCaseBody } from '../http/schemas.js';
import { parseWith, z } from '../http/validation.js';
import { caseView } from '../http/views.js';

const REGISTRARS = ['clerk', 'grid_worker', 'leader', 'supervisor'] as const;
/** Concurrent notes or sweeps can move the timeline head without changing the version: retry those a few times. */
const HEAD_RETRIES = 3;

/** Opaque, unguessable case ids: 128 random bits. */
const newCaseId = (): string => randomBytes(16).toString('base64url');

const etag = (record: CaseRecord) => ({ etag: `"${record.version}"` });

const actorOf = (principal: Principal) => ({ id: principal.userId, role: primaryRole(principal) });

export function createCasesHandler(deps: Deps) {
  const cases = new CaseRepository(deps.db, deps.tables.cases);
  const grids = new GridRepository(deps.db, deps.tables.grids);
  const settings = new TownSettingsCache(
    new SettingsRepository(deps.db, deps.tables.grids),
    deps.now,
    deps.settingsCacheMs,
  );
  const blindIndex = (identifier: string) => deps.mac(`petitioner\n${identifier}`);

  const loadVisible = async (request: ApiRequest): Promise<CaseRecord> => {
    const record = await cases.get(request.principal.town, request.params.id ?? '');
    if (!record || !canSeeCase(request.principal, record)) throw new NotFoundError();
    return record;
  };

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
          const now = deps.now();
          const { policy, calendar } = await settings.get(request.principal.town);
          const body = request.body(registerCaseBody({ now, policy, categories: DEFAULT_CATEGORY_CODES }));
          const grid = body.gridId ? await grids.get(request.principal.town, body.gridId) : undefined;
          if (body.gridId && !grid)
            throw validationProblem([{ path: 'gridId', message: 'is not a grid of this town' }]);

          const blindIndexes = await Promise.all(petitionerIdentifiers(body.petitioners).map(blindIndex));
          const repeatOf = await cases.findEarlierCase(request.principal.town, body.category, blindIndexes);
          const day = beijingDate(now);
          const sequence = await cases.nextSequence(request.principal.town, numberPrefix(body.kind), day);
          const event = await chainEvent(
            undefined,
            {
              at: now.toISOString(),
              actor: actorOf(request.principal),
              action: 'register',
              toStatus: 'registered',
            },
            deps.mac,
          );
          const record = registerCase(body, {
            id: newCaseId(),
            number: formatCaseNumber(body.kind, day, sequence),
            now,
            principal: request.principal,
            policy,
            calendar,
            firstTime: repeatOf === undefined,
            ...(repeatOf ? { repeatOf } : {}),
            level: intakeLevel(grid),
            ...(grid ? { gridPath: grid.path } : {}),
            timelineHead: { seq: event.seq, hash: event.hash },
          });
          await cases.create(record, event, blindIndexes);
          return {
            status: 201,
            body: caseView(record),
            headers: { location: `/v1/cases/${record.id}`, ...etag(record) },
          };
        },
      },
      'GET /v1/cases': {
        async handle(request) {
          requireRole(request.principal, STAFF_ROLES);
          const query = parseWith(listCasesQuery, request.query, request.language);
          const grid = query.gridId ? await grids.get(request.principal.town, query.gridId) : undefined;
          // an unknown grid has no cases: an empty list, not an error
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
          const record = await loadVisible(request);
          return { status: 200, body: caseView(record), headers: etag(record) };
        },
      },
      'GET /v1/cases/{id}/timeline': {
        async handle(request) {
          const record = await loadVisible(request);
          const query = parseWith(
            z.strictObject({ verify: z.enum(['true', 'false']).optional() }),
            request.query,
            request.language,
          );
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
          const ifMatch = request.header('if-match');
          if (ifMatch === undefined)
            throw new HttpProblem('precondition-required', {
              zh: '命令须带 If-Match 头（案件版本）',
              en: 'Commands need an If-Match header with the case version',
            });
          const now = deps.now();
          const { policy, calendar } = await settings.get(record.town);
          const parsed = parseWith(commandBodySchemas(policy, now)[command], raw, request.language);
          const input = { command, ...parsed } as CommandInput;
          if (parseIfMatch(ifMatch) !== record.version) throw new StaleVersionError();
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
            const stored = await cases.applyChange(record, effect.record, event);
            if (stored) return { status: 200, body: caseView(stored), headers: etag(stored) };
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
