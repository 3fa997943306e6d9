import { CaseRepository } from '../adapters/case-repository.js';
import { CounterRepository } from '../adapters/counter-repository.js';
import { type Deps, depsFromEnv } from '../adapters/deps.js';
import { GridRepository } from '../adapters/grid-repository.js';
import { NotificationRepository } from '../adapters/notification-repository.js';
import { PersonalVault } from '../adapters/personal-vault.js';
import { ReceptionRepository } from '../adapters/reception-repository.js';
import { townSettings } from '../adapters/settings-repository.js';
import { DEFAULT_CATEGORY_CODES } from '../domain/catalog.js';
import type { RosterDay } from '../domain/reception.js';
import { STAFF_ROLES } from '../domain/roles.js';
import { createApiHandler, lazyHandler } from '../http/api.js';
import { requireRole } from '../http/auth.js';
import { parseIfMatch } from '../http/command-schemas.js';
import { idempotencyLayer } from '../http/idempotency.js';
import { fieldProblem } from '../http/problem.js';
import {
  publicRosterQuery,
  receptionBody,
  receptionsQuery,
  rosterBody,
  rosterDateProblem,
  rosterQuery,
} from '../http/reception-schemas.js';
import { parseWith } from '../http/validation.js';
import { planRosterDay, readRoster } from '../usecases/reception-roster.js';
import { recordReception, requireRecorder } from '../usecases/record-reception.js';
import { seedOf } from '../usecases/register-case.js';

/** Who plans the roster: the petition office and the administrator. */
const PLANNERS = ['supervisor', 'admin'] as const;
/** Who records a reception: the receiving leader, or a clerk of the window for them. */
const RECORDERS = ['leader', 'clerk'] as const;
const TOWN = /^[\w.-]{1,64}$/;

const dayView = ({ town: _town, updatedBy: _by, ...day }: RosterDay) => day;

interface ReceptionOptions {
  /** The towns the deployment serves (`TOWNS`): the public roster names one when there are several. */
  towns?: readonly string[];
}

export function createReceptionHandler(deps: Deps, options: ReceptionOptions = {}) {
  const cases = new CaseRepository(deps.db, deps.tables.cases);
  const grids = new GridRepository(deps.db, deps.tables.grids);
  const receptions = new ReceptionRepository(deps.db, deps.tables);
  const notifications = new NotificationRepository(deps.db, deps.tables.cases);
  const counters = new CounterRepository(deps.db, deps.tables.cases);
  const settings = townSettings(deps);
  const vault = new PersonalVault(deps.dataKeys);
  const ports = { cases, grids, receptions, notifications, counters, vault, mac: deps.mac };
  const towns = (options.towns ?? []).filter((town) => TOWN.test(town));

  /** The town a public caller asks for: one the deployment serves, or the only one when it names none. */
  const publicTown = (asked: string | undefined): string => {
    if (asked !== undefined) {
      if (!TOWN.test(asked) || (towns.length > 0 && !towns.includes(asked)))
        throw fieldProblem('town', (m) => m.field['unknown-town']);
      return asked;
    }
    if (towns.length === 1) return towns[0]!;
    throw fieldProblem('town', (m) => m.field.required);
  };

  return createApiHandler({
    family: 'reception',
    deps,
    idempotency: idempotencyLayer('reception', deps),
    routes: {
      'PUT /v1/reception/roster/{date}': {
        async handle(request) {
          requireRole(request.principal, PLANNERS);
          const now = deps.now();
          const date = request.params.date ?? '';
          const problem = rosterDateProblem(date, now);
          if (problem) throw fieldProblem('date', (m) => m.field[problem]);
          const { slots } = request.body(rosterBody);
          const ifMatch = request.header('if-match');
          // an If-Match that names no version matches none (412), as on the other conditional writes
          const expected = ifMatch === undefined ? undefined : (parseIfMatch(ifMatch) ?? -1);
          const day = await planRosterDay(ports, request.principal, date, slots, {
            now,
            ...(expected !== undefined ? { expected } : {}),
          });
          return { status: 200, body: dayView(day), headers: { etag: `"${day.version}"` } };
        },
      },
      'GET /v1/reception/roster': {
        async handle(request) {
          requireRole(request.principal, STAFF_ROLES);
          const { from, to } = parseWith(rosterQuery, request.query, request.language);
          return { status: 200, body: { items: await readRoster(ports, request.principal.town, from, to) } };
        },
      },
      'GET /v1/public/reception/roster': {
        authorized: false,
        async handle(request) {
          const query = parseWith(publicRosterQuery, request.query, request.language);
          const town = publicTown(query.town);
          const items = (await readRoster(ports, town, query.from, query.to)).map(
            ({ leaderId: _id, ...entry }) => entry,
          );
          return { status: 200, body: { items }, headers: { 'cache-control': 'public, max-age=300' } };
        },
      },
      'POST /v1/receptions': {
        async handle(request) {
          const { principal } = request;
          requireRole(principal, RECORDERS);
          const now = deps.now();
          const townRules = await settings.get(principal.town);
          const body = request.body(
            receptionBody({ now, policy: townRules.policy, categories: DEFAULT_CATEGORY_CODES }),
          );
          requireRecorder(principal, body.leaderId);
          const record = await recordReception(ports, principal, body, {
            now,
            settings: townRules,
            ...seedOf(request),
          });
          return {
            status: 201,
            body: {
              id: record.id,
              batches: record.batches,
              personTimes: record.personTimes,
              visits: record.visits.map((visit) => ({ caseId: visit.caseId })),
            },
            headers: {
              location: `/v1/receptions?from=${record.date}&to=${record.date}&leaderId=${encodeURIComponent(record.leaderId)}`,
            },
          };
        },
      },
      'GET /v1/receptions': {
        async handle(request) {
          requireRole(request.principal, STAFF_ROLES);
          const { from, to, leaderId } = parseWith(receptionsQuery, request.query, request.language);
          const items = (await receptions.receptions(request.principal.town, from, to, leaderId)).map(
            ({ town: _town, ...record }) => record,
          );
          return { status: 200, body: { items } };
        },
      },
    },
  });
}

/** `TOWNS=town-a,town-b`, read here rather than from the reports module, which this bundle does not need. */
const configuredTowns = () =>
  (process.env.TOWNS ?? '')
    .split(',')
    .map((town) => town.trim())
    .filter(Boolean);

export const handler = lazyHandler(() => createReceptionHandler(depsFromEnv(), { towns: configuredTowns() }));
