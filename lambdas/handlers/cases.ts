import { CaseRepository } from '../adapters/case-repository.js';
import { CounterRepository } from '../adapters/counter-repository.js';
import { type Deps, depsFromEnv } from '../adapters/deps.js';
import { GridRepository } from '../adapters/grid-repository.js';
import { HelperRepository } from '../adapters/helper-repository.js';
import { NotificationRepository } from '../adapters/notification-repository.js';
import { PersonalVault } from '../adapters/personal-vault.js';
import { townSettings } from '../adapters/settings-repository.js';
import type { CaseRecord } from '../domain/case.js';
import { DEFAULT_CATEGORY_CODES } from '../domain/catalog.js';
import { citizenView } from '../domain/citizen.js';
import { type CommandRequest, commandRequest } from '../domain/command-bodies.js';
import { ForbiddenError } from '../domain/errors.js';
import { hasAnyRole, type Principal, primaryRole, STAFF_ROLES } from '../domain/roles.js';
import type { TimelineEvent } from '../domain/timeline.js';
import { type ApiRequest, createApiHandler, lazyHandler } from '../http/api.js';
import { requireRole } from '../http/auth.js';
import { repeatProblem } from '../http/case-problems.js';
import { noteBody, parseIfMatch, requireIfMatch, timelineQuery } from '../http/command-schemas.js';
import { inactiveHelperProblem, unknownHelpersProblem } from '../http/helper-schemas.js';
import { idempotencyLayer } from '../http/idempotency.js';
import { sessionBody } from '../http/mediation-schemas.js';
import { fieldProblem } from '../http/problem.js';
import { listCasesQuery, registerCaseBody } from '../http/schemas.js';
import { parseWith } from '../http/validation.js';
import { caseView, timelineEventView } from '../http/views.js';
import { appendNote, readTimeline } from '../usecases/case-timeline.js';
import { commandOnCase, giveCommand } from '../usecases/give-command.js';
import { mediationCase, recordSession } from '../usecases/mediation-sessions.js';
import { registerAtWindow } from '../usecases/register-at-window.js';
import { replayedQueryCode, seedOf } from '../usecases/register-case.js';
import { townsOfDeployment } from '../usecases/town-names.js';
import { deploymentTowns, transferToTown } from '../usecases/transfer-to-town.js';
import { findVisibleByNumber, listVisibleCases, loadVisibleCase } from '../usecases/visible-case.js';

const REGISTRARS = ['clerk', 'grid_worker', 'leader', 'supervisor'] as const;

const etag = (record: CaseRecord) => ({ etag: `"${record.version}"` });

const member = (raw: unknown, name: string): unknown =>
  typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>)[name] : undefined;
/** A registration body that enters a carried case (积案). */
const isCarried = (raw: unknown) => member(raw, 'backlog') !== undefined;
/** A registration body that links the matter to the petitioner's open case. */
const isLink = (raw: unknown) => member(member(raw, 'repeatOfOpenCase'), 'action') === 'link';

const actorOf = (principal: Principal) => ({ id: principal.userId, role: primaryRole(principal) });

/** A transfer to another town of the deployment (转送), rather than to a body outside it. */
const isTownTransfer = (
  command: CommandRequest,
): command is CommandRequest<'transfer'> & { toTown: string } =>
  command.command === 'transfer' && command.toTown !== undefined;

/** `towns`: the deployment's towns, which a case may be transferred to (转送). */
export function createCasesHandler(deps: Deps, options: { towns?: readonly string[] } = {}) {
  const towns = options.towns ?? [];
  const cases = new CaseRepository(deps.db, deps.tables.cases);
  const grids = new GridRepository(deps.db, deps.tables.grids);
  const helpers = new HelperRepository(deps.db, deps.tables.grids);
  const notifications = new NotificationRepository(deps.db, deps.tables.cases);
  const counters = new CounterRepository(deps.db, deps.tables.cases);
  const settings = townSettings(deps);
  const vault = new PersonalVault(deps.dataKeys);
  const ports = { cases, grids, helpers, notifications, counters, settings, vault, mac: deps.mac };

  /** The names of the other towns a timeline's transfers name. */
  const townProfiles = async (events: readonly TimelineEvent[]) => {
    const named = [...new Set(events.flatMap((event) => (event.transfer ? [event.transfer.town] : [])))];
    return new Map(
      await Promise.all(named.map(async (town) => [town, await settings.townProfile(town)] as const)),
    );
  };

  const loadVisible = (request: ApiRequest): Promise<CaseRecord> =>
    loadVisibleCase(ports, request.principal, request.params.id ?? '');

  return createApiHandler({
    family: 'cases',
    deps,
    idempotency: idempotencyLayer('cases', deps),
    routes: {
      'POST /v1/cases': {
        async handle(request) {
          requireRole(request.principal, REGISTRARS);
          const raw = request.json();
          // the backlog ledger (积案) is the petition office's to keep
          if (isCarried(raw) && !hasAnyRole(request.principal, ['supervisor']))
            throw new ForbiddenError('carried-case-supervisor-only');
          const now = deps.now();
          const townRules = await settings.get(request.principal.town);
          const { repeatOfOpenCase: choice, ...body } = parseWith(
            registerCaseBody({ now, policy: townRules.policy, categories: DEFAULT_CATEGORY_CODES }),
            raw,
            request.language,
          );
          const outcome = await registerAtWindow(ports, {
            principal: request.principal,
            body,
            ...(choice ? { choice } : {}),
            now,
            settings: townRules,
            ...seedOf(request),
          });
          switch (outcome.kind) {
            case 'linked':
              return {
                status: 200,
                body: {
                  ...caseView(outcome.record, request.principal, request.language),
                  linked: outcome.linked,
                },
                headers: { 'content-location': `/v1/cases/${outcome.record.id}`, ...etag(outcome.record) },
              };
            case 'registered':
              return {
                status: 201,
                body: caseView(outcome.record, request.principal, request.language),
                headers: { location: `/v1/cases/${outcome.record.id}`, ...etag(outcome.record) },
                // the query code is shown this once, for the clerk to hand over; it is kept only sealed
                secret: { queryCode: outcome.queryCode },
              };
            default:
              throw repeatProblem(outcome);
          }
        },
        // a linked repeat made no case, so its replayed answer has no query code
        replaySecret: async (request) => (isLink(request.json()) ? {} : replayedQueryCode(deps.mac, request)),
      },
      'GET /v1/towns': {
        async handle(request) {
          requireRole(request.principal, STAFF_ROLES);
          return { status: 200, body: await townsOfDeployment(settings, request.principal.town, towns) };
        },
      },
      'GET /v1/cases': {
        async handle(request) {
          requireRole(request.principal, STAFF_ROLES);
          const query = parseWith(listCasesQuery, request.query, request.language);
          if (query.number !== undefined) {
            const { number, limit: _limit, ...others } = query;
            if (Object.keys(others).length > 0) throw fieldProblem('number', (m) => m.field['number-alone']);
            const found = await findVisibleByNumber(ports, request.principal, number);
            return {
              status: 200,
              body: { items: found ? [caseView(found, request.principal, request.language)] : [] },
            };
          }
          const { limit, cursor, ...filters } = query;
          const page = await listVisibleCases(ports, request.principal, filters, {
            limit,
            ...(cursor ? { cursor } : {}),
          });
          return {
            status: 200,
            body: {
              items: page.items.map((item) => caseView(item, request.principal, request.language)),
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
          return {
            status: 200,
            body: caseView(record, request.principal, request.language),
            headers: etag(record),
          };
        },
      },
      'GET /v1/cases/{id}/timeline': {
        async handle(request) {
          const record = await loadVisible(request);
          requireRole(request.principal, STAFF_ROLES);
          const query = parseWith(timelineQuery, request.query, request.language);
          const timeline = await readTimeline(ports, record, query.verify === 'true');
          const named = await townProfiles(timeline.items);
          const items = timeline.items.map((event) => timelineEventView(event, request.language, named));
          return { status: 200, body: { ...timeline, items } };
        },
      },
      'POST /v1/cases/{id}/notes': {
        async handle(request) {
          await loadVisible(request);
          requireRole(request.principal, STAFF_ROLES);
          const body = request.body(noteBody);
          const event = await appendNote(ports, request.principal, request.params.id ?? '', {
            at: deps.now().toISOString(),
            actor: actorOf(request.principal),
            action: 'note',
            note: body.text,
          });
          return { status: 201, body: event };
        },
      },
      'POST /v1/cases/{id}/mediation/sessions': {
        async handle(request) {
          await mediationCase(ports, request.principal, request.params.id ?? '');
          const now = deps.now();
          const { agreed, ...session } = request.body(sessionBody(now));
          const event = await recordSession(
            ports,
            request.principal,
            request.params.id ?? '',
            { ...session, ...(agreed ? { agreed } : {}) },
            now,
          );
          return { status: 201, body: event };
        },
      },
      'POST /v1/cases/{id}/{command}': {
        async handle(request) {
          const { principal, language } = request;
          const on = await commandOnCase(
            ports,
            principal,
            request.params.id ?? '',
            request.params.command ?? '',
            deps.now(),
            towns,
          );
          const raw = request.json();
          const ifMatch = requireIfMatch(request);
          const command = commandRequest(on.command, parseWith(on.body, raw, language));
          const outcome = isTownTransfer(command)
            ? await transferToTown(ports, principal, on, command, parseIfMatch(ifMatch), seedOf(request).seed)
            : await giveCommand(ports, principal, on, command, parseIfMatch(ifMatch));
          if (outcome.kind === 'unknown-helpers') throw unknownHelpersProblem(outcome.missing);
          if (outcome.kind === 'inactive-helper') throw inactiveHelperProblem(outcome.helper);
          const { record } = outcome;
          return {
            status: 200,
            body:
              principal.kind === 'petitioner' ? citizenView(record) : caseView(record, principal, language),
            headers: etag(record),
          };
        },
      },
    },
  });
}

export const handler = lazyHandler(() =>
  createCasesHandler(depsFromEnv(), { towns: deploymentTowns(process.env.TOWNS) }),
);
