import type { CaseRepository } from '../adapters/case-repository.js';
import type { GridRepository } from '../adapters/grid-repository.js';
import type { TownSettings } from '../adapters/settings-repository.js';
import type { CaseRecord } from '../domain/case.js';
import { ForbiddenError, InvalidFieldError } from '../domain/errors.js';
import type { GridRecord } from '../domain/grid.js';
import type { RegistrationInput } from '../domain/registration.js';
import type { RepeatChoice, RepeatDecision } from '../domain/repeat.js';
import { hasAnyRole, type Principal } from '../domain/roles.js';
import { countedRegistrationWrites } from './case-writes.js';
import {
  lookUpEarlierCase,
  prepareRegistration,
  type RegistrationPorts,
  seededCaseId,
  writeRegistration,
} from './register-case.js';
import { linkRepeat, repeatAtWindow } from './repeat-at-window.js';
import { type WorkerGrids, workerGridPaths } from './visible-case.js';

/**
 * Staff register a matter (`POST /v1/cases`): in a grid they may register in, and by Art 19 either as a new case, as
 * a second case beside the petitioner's open one (with the reason), or linked to that open case.
 */

interface WindowPorts extends RegistrationPorts {
  cases: RegistrationPorts['cases'] &
    Pick<CaseRepository, 'get' | 'petitionerPartitions' | 'appendLinkedRepeat'>;
  grids: WorkerGrids & Pick<GridRepository, 'get' | 'dutyLeaders'>;
}

interface Registration {
  principal: Principal;
  body: RegistrationInput;
  /** The registrar's answer to an open case of the petitioner's: link to it, or a second case and why. */
  choice?: RepeatChoice;
  now: Date;
  settings: TownSettings;
  /** What identifies this request across retries: town, caller, path and Idempotency-Key. */
  seed?: string;
}

/** A new case (with its query code, shown once), the open case the matter joined, or why the window refused it. */
type RegistrationOutcome =
  | { kind: 'registered'; record: CaseRecord; queryCode: string }
  | { kind: 'linked'; record: CaseRecord; linked: { seq: number; at: string } }
  | Extract<RepeatDecision, { kind: 'refused' | 'invalid' | 'not-open' }>;

/** A grid worker registers only in their own grids (or below); the town's other registrars anywhere. */
async function requireRegistrableGrid(
  grids: WorkerGrids,
  principal: Principal,
  grid: GridRecord | undefined,
): Promise<void> {
  if (hasAnyRole(principal, ['clerk', 'leader', 'supervisor'])) return;
  if (!grid) throw new InvalidFieldError('gridId', 'grid-required');
  const paths = await workerGridPaths(grids, principal);
  if (!paths.some((path) => grid.path.startsWith(path))) throw new ForbiddenError('grid-worker-own-grids');
}

export async function registerAtWindow(
  ports: WindowPorts,
  registration: Registration,
): Promise<RegistrationOutcome> {
  const { cases, grids } = ports;
  const { principal, body, choice, now, seed } = registration;
  const grid = body.gridId ? await grids.get(principal.town, body.gridId) : undefined;
  if (body.gridId && !grid) throw new InvalidFieldError('gridId', 'unknown-grid');
  await requireRegistrableGrid(grids, principal, grid);

  // Art 19: a repeat of a case still open is linked to it, unless the registrar says why not
  const lookup = await lookUpEarlierCase(ports, principal.town, body);
  // the earlier case may be this very request's, written by an attempt whose answer was lost: not a repeat
  const ownRetry = seed !== undefined && lookup.repeatOf === (await seededCaseId(ports.mac, seed));
  const decision = ownRetry
    ? { kind: 'register' as const }
    : await repeatAtWindow(ports, principal, body, lookup, choice);
  if (decision.kind === 'link')
    return linkRepeat(ports, principal, decision.openCase, body, { now, ...(seed ? { seed } : {}) });
  if (decision.kind !== 'register' && decision.kind !== 'second-track') return decision;

  const prepared = await prepareRegistration(
    {
      cases,
      mac: ports.mac,
      vault: ports.vault,
      dutyLeaders: (town, at) => grids.dutyLeaders(town, at),
    },
    body,
    {
      principal,
      now,
      ...registration.settings,
      ...(grid ? { grid } : {}),
      ...(seed ? { seed } : {}),
      lookup,
      ...(decision.kind === 'second-track' ? { secondTrackReason: decision.reason } : {}),
    },
  );
  const record = await writeRegistration(cases, prepared, countedRegistrationWrites(ports, prepared));
  return { kind: 'registered', record, queryCode: prepared.queryCode };
}
