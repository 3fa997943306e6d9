import type { CaseRepository } from '../adapters/case-repository.js';
import type { CounterRepository } from '../adapters/counter-repository.js';
import type { GridRepository } from '../adapters/grid-repository.js';
import type { HelperRepository } from '../adapters/helper-repository.js';
import type { NotificationRepository } from '../adapters/notification-repository.js';
import type { TownSettings, TownSettingsCache } from '../adapters/settings-repository.js';
import type { CaseRecord } from '../domain/case.js';
import { isMilestone } from '../domain/citizen.js';
import { type CommandBodies, type CommandRequest, commandBodySchemas } from '../domain/command-bodies.js';
import { commandCounts } from '../domain/counters.js';
import {
  ContentionError,
  ForbiddenError,
  InvalidFieldError,
  NotFoundError,
  StaleVersionError,
} from '../domain/errors.js';
import { type HelperProblem, type HelperRecord, teamHelpers } from '../domain/helper.js';
import {
  applyCommand,
  type CommandInput,
  type CommandName,
  isCommandName,
  mayGive,
} from '../domain/lifecycle.js';
import type { Mediator } from '../domain/mediation.js';
import type { StaffRecord } from '../domain/patrol.js';
import { type Principal, primaryRole } from '../domain/roles.js';
import { chainEvent, type MacFunction } from '../domain/timeline.js';
import { assignmentWrites, milestoneWrites } from './case-writes.js';
import { loadVisibleCase, type WorkerGrids } from './visible-case.js';

/**
 * A command given on a case (`POST /v1/cases/{id}/{command}`), in two steps around the reading of its body: first the
 * case and whether the caller may give the command at all, then the command itself, checked against the case as it
 * is and written with its timeline event, counters and notices in one transaction.
 */

export interface CommandPorts {
  cases: Pick<CaseRepository, 'get' | 'applyChange'>;
  grids: WorkerGrids & Pick<GridRepository, 'staff'>;
  helpers: Pick<HelperRepository, 'getMany'>;
  counters: Pick<CounterRepository, 'updates'>;
  notifications: Pick<NotificationRepository, 'inboxPut' | 'outboxPut'>;
  settings: Pick<TownSettingsCache, 'get'>;
  mac: MacFunction;
}

/** Concurrent notes or sweeps can move the timeline head without changing the version: retry those a few times. */
const HEAD_RETRIES = 3;

/**
 * The mediators a mediation names, each found in the staff directory (a staff user id) or the helpers directory (an
 * active helper: the grid's mediators, 三官一律); an id in neither is refused by its place in the list.
 */
async function mediatorsOf(
  ports: Pick<CommandPorts, 'grids' | 'helpers'>,
  town: string,
  ids: readonly string[],
): Promise<Mediator[]> {
  const unique = [...new Set(ids)];
  const [staff, helpers] = await Promise.all([ports.grids.staff(town), ports.helpers.getMany(town, unique)]);
  const staffById = new Map<string, StaffRecord>(staff.map((s) => [s.userId, s]));
  return unique.map((id) => {
    const member = staffById.get(id);
    if (member) return { id, source: 'staff', name: member.name };
    const helper: HelperRecord | undefined = helpers.get(id);
    if (helper?.active) return { id, source: 'helper', name: helper.name };
    throw new InvalidFieldError(`mediatorIds.${ids.indexOf(id)}`, 'not-a-mediator');
  });
}

/** A command the caller may give on a case they see, and the body it takes there. */
interface CommandOnCase {
  record: CaseRecord;
  command: CommandName;
  now: Date;
  settings: TownSettings;
  /** The body's schema: its limits come from the town's policy and the case (when its review was asked for). */
  body: CommandBodies[CommandName];
}

/**
 * The case and the command, or 404 (an unseen case, an unknown command) or 403 (not the caller's to give). `towns`:
 * the towns of the deployment, which a transfer may name (转送).
 */
export async function commandOnCase(
  ports: Pick<CommandPorts, 'cases' | 'grids' | 'settings'>,
  principal: Principal,
  caseId: string,
  command: string,
  now: Date,
  towns: readonly string[] = [],
): Promise<CommandOnCase> {
  const record = await loadVisibleCase(ports, principal, caseId);
  if (!isCommandName(command)) throw new NotFoundError();
  if (!mayGive(principal, command, record)) throw new ForbiddenError('not-your-command', { command });
  const settings = await ports.settings.get(record.town);
  const reviewRequestedAt = record.reviews?.at(-1)?.requestedAt;
  const mediationStartedAt = record.mediation?.startedAt;
  const about = {
    ...(reviewRequestedAt !== undefined ? { reviewRequestedAt } : {}),
    ...(mediationStartedAt !== undefined ? { mediationStartedAt } : {}),
    town: record.town,
    towns,
  };
  return { record, command, now, settings, body: commandBodySchemas(settings.policy, now, about)[command] };
}

/** The case as the command left it, or a team's helper the directory refuses (for the caller to be told why). */
type CommandOutcome =
  | { kind: 'given'; record: CaseRecord }
  | { kind: 'unknown-helpers'; missing: HelperProblem[] }
  | { kind: 'inactive-helper'; helper: HelperProblem };

/**
 * Gives the command on the version the caller decided on. Helpers who are not staff join a team by their id in the
 * town's directory: an unknown one is refused before the version is compared, an inactive one after it.
 */
export async function giveCommand(
  ports: CommandPorts,
  principal: Principal,
  on: CommandOnCase,
  request: CommandRequest,
  expectedVersion: number | undefined,
): Promise<CommandOutcome> {
  const { now, settings } = on;
  let record = on.record;
  const helperIds = request.command === 'own' ? (request.helpers ?? []) : [];
  const team = helperIds.length
    ? teamHelpers(helperIds, await ports.helpers.getMany(record.town, helperIds))
    : { refs: [] };
  if ('missing' in team) return { kind: 'unknown-helpers', missing: team.missing };
  const mediators =
    request.command === 'mediate' ? await mediatorsOf(ports, record.town, request.mediatorIds) : [];
  if (expectedVersion !== record.version) throw new StaleVersionError();
  if ('inactive' in team) return { kind: 'inactive-helper', helper: team.inactive };
  let input: CommandInput;
  if (request.command === 'own') input = { ...request, helpers: team.refs };
  else if (request.command === 'mediate') {
    const { mediatorIds: _ids, ...rest } = request;
    input = { ...rest, mediators };
  } else input = request;
  if (input.command === 'classify' && input.repeatOf !== null) {
    if (!(await ports.cases.get(record.town, input.repeatOf)))
      throw new InvalidFieldError('repeatOf', 'unknown-case');
  }

  for (let attempt = 0; attempt < HEAD_RETRIES; attempt++) {
    const effect = applyCommand(record, input, { principal, now, ...settings });
    const event = await chainEvent(
      record.timelineHead,
      {
        at: now.toISOString(),
        actor: { id: principal.userId, role: primaryRole(principal) },
        action: effect.action,
        fromStatus: effect.fromStatus,
        toStatus: effect.toStatus,
        ...(effect.note ? { note: effect.note } : {}),
      },
      ports.mac,
    );
    const stored = await ports.cases.applyChange(record, effect.record, event, [
      ...ports.counters.updates(record.town, record.id, commandCounts(record, effect, now)),
      ...(isMilestone(effect.action)
        ? milestoneWrites(ports.notifications, effect.record, effect.action, now.toISOString())
        : []),
      ...assignmentWrites(ports.notifications, record, effect.record, now),
    ]);
    if (stored) return { kind: 'given', record: stored };
    const current = await ports.cases.get(record.town, record.id);
    if (!current || current.version !== record.version) throw new StaleVersionError();
    record = current;
  }
  throw new ContentionError();
}
