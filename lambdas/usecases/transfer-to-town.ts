import { relationChanges } from '../adapters/case-items.js';
import type { CaseRepository } from '../adapters/case-repository.js';
import type { GridRepository } from '../adapters/grid-repository.js';
import type { PersonalVault } from '../adapters/personal-vault.js';
import type { CaseLink, CaseRecord } from '../domain/case.js';
import { QUERY_CODE_FIELD } from '../domain/citizen.js';
import type { CommandRequest } from '../domain/command-bodies.js';
import { commandCounts } from '../domain/counters.js';
import { ContentionError, StaleVersionError } from '../domain/errors.js';
import { applyCommand } from '../domain/lifecycle.js';
import { toOutbox } from '../domain/notification.js';
import { type Principal, primaryRole } from '../domain/roles.js';
import { chainEvent } from '../domain/timeline.js';
import {
  firstReceivedAtOf,
  TRANSFER_REGISTRAR,
  townLabel,
  transferNotice,
  transferRecipients,
  transferredRegistration,
} from '../domain/transfer.js';
import { countedRegistrationWrites, milestoneWrites } from './case-writes.js';
import type { CommandPorts } from './give-command.js';
import { prepareRegistration, type RegistrationPorts, seededCaseId } from './register-case.js';

/**
 * A transfer to another town of the deployment (`POST /v1/cases/{id}/transfer` with `toTown`, 转送): the matter is
 * registered in the receiving town through the registration use case, with the sending case's facts and its
 * personal data sealed again under the receiving case's own data key, and the sending case becomes `transferred`.
 * The sending case's change (conditioned on its version and timeline head), both timeline events, every item of the
 * receiving case and the notices to the receiving town's clerks and petition office are one transaction; the
 * receiving number is taken before it with the atomic counter (a failed transfer leaves a gap).
 */

interface TransferPorts {
  cases: RegistrationPorts['cases'] & Pick<CaseRepository, 'get' | 'applyChange'>;
  grids: Pick<GridRepository, 'staff' | 'dutyLeaders'>;
  counters: CommandPorts['counters'];
  notifications: CommandPorts['notifications'];
  settings: CommandPorts['settings'];
  vault: Pick<PersonalVault, 'seal' | 'open'>;
  mac: CommandPorts['mac'];
}

/** The sending case as the command found it, and the town's rules it was checked under. */
interface TransferOnCase {
  record: CaseRecord;
  now: Date;
  settings: Awaited<ReturnType<TransferPorts['settings']['get']>>;
}

type TownTransfer = CommandRequest<'transfer'> & { toTown: string };

/** Concurrent notes or sweeps can move the sending case's timeline head without a version change: retry those. */
const HEAD_RETRIES = 3;

/** The sending case's clear personal data, but its query code: the receiving case has a code of its own. */
async function openedFields(
  vault: TransferPorts['vault'],
  record: CaseRecord,
): Promise<Record<string, string>> {
  const personal = record.personal;
  if (personal?.state !== 'sealed') return {};
  const paths = Object.keys(personal.fields).filter((path) => path !== QUERY_CODE_FIELD);
  return vault.open(record.town, record.id, personal, paths);
}

/** The transfer this sending case records already, when it is the one this request (by its seed) made. */
const madeBy = (record: CaseRecord | undefined, receivingId: string | undefined) =>
  receivingId !== undefined && record?.transferredTo?.caseId === receivingId ? record : undefined;

/**
 * Transfers the case on the version the caller decided on. `seed` (town, caller, path and Idempotency-Key) gives the
 * receiving case its id, so a retry whose first attempt committed finds its transfer made and answers with it.
 */
export async function transferToTown(
  ports: TransferPorts,
  principal: Principal,
  on: TransferOnCase,
  request: TownTransfer,
  expectedVersion: number | undefined,
  seed?: string,
): Promise<{ kind: 'given'; record: CaseRecord }> {
  const { now } = on;
  const at = now.toISOString();
  let record = on.record;
  const fromTown = record.town;
  const receivingId = seed ? await seededCaseId(ports.mac, seed) : undefined;
  if (expectedVersion !== record.version) {
    const made = madeBy(record, receivingId);
    if (made) return { kind: 'given', record: made };
    throw new StaleVersionError();
  }
  // the status and the caller's right first (409, 403): nothing is read or numbered for a refused transfer
  applyCommand(record, request, { principal, now, ...on.settings });

  // the sending town's names came with its rules, which the command was checked under
  const fromProfile = on.settings.profile;
  const [opened, rules, staff] = await Promise.all([
    openedFields(ports.vault, record),
    ports.settings.get(request.toTown),
    ports.grids.staff(request.toTown),
  ]);
  const from = {
    zh: townLabel(fromTown, fromProfile, 'zh'),
    en: townLabel(fromTown, fromProfile, 'en'),
    number: record.number,
  };
  const transferredFrom: CaseLink = { town: fromTown, caseId: record.id, number: record.number };
  const registrar: Principal = {
    kind: 'staff',
    userId: TRANSFER_REGISTRAR.id,
    town: request.toTown,
    roles: [],
  };
  const prepared = await prepareRegistration(
    {
      cases: ports.cases,
      mac: ports.mac,
      vault: ports.vault,
      dutyLeaders: (town, grid) => ports.grids.dutyLeaders(town, grid),
    },
    transferredRegistration(record, opened, { townName: from.zh }, now),
    { principal: registrar, now, ...rules, ...(seed ? { seed } : {}), transferredFrom },
  );
  prepared.record.firstReceivedAt = firstReceivedAtOf(record);
  const transferredTo: CaseLink = {
    town: request.toTown,
    caseId: prepared.record.id,
    number: prepared.record.number,
  };
  const receivingWrites = countedRegistrationWrites(ports, prepared);

  for (let attempt = 0; attempt < HEAD_RETRIES; attempt++) {
    const effect = applyCommand(record, request, { principal, now, ...on.settings });
    const next: CaseRecord = { ...effect.record, transferredTo };
    const event = await chainEvent(
      record.timelineHead,
      {
        at,
        actor: { id: principal.userId, role: primaryRole(principal) },
        action: effect.action,
        fromStatus: effect.fromStatus,
        toStatus: effect.toStatus,
        ...(effect.note ? { note: effect.note } : {}),
        transfer: { direction: 'to', ...transferredTo },
      },
      ports.mac,
    );
    const sendingWrites = [
      ...ports.counters.updates(fromTown, record.id, commandCounts(record, effect, now)),
      ...milestoneWrites(ports.notifications, next, 'transfer', at),
    ];
    // the sending case's own put and event, and its relation changes, beside what goes with them
    const others =
      sendingWrites.length + receivingWrites.length + relationChanges('', record, next).length + 2;
    const notices = transferRecipients(staff, others).flatMap(({ userId, role }) => {
      const notice = transferNotice(prepared.record, from, userId, at);
      return [ports.notifications.inboxPut(notice), ports.notifications.outboxPut(toOutbox(notice, role))];
    });
    const stored = await ports.cases.applyChange(record, next, event, [
      ...sendingWrites,
      ...receivingWrites,
      ...notices,
    ]);
    if (stored) return { kind: 'given', record: stored };
    const current = await ports.cases.get(fromTown, record.id);
    const made = madeBy(current, receivingId);
    if (made) return { kind: 'given', record: made };
    if (!current || current.version !== record.version) throw new StaleVersionError();
    record = current;
  }
  throw new ContentionError();
}

/** `TOWNS=town-a,town-b`: the towns of the deployment a case may be transferred to (read here, not from the reports). */
export const deploymentTowns = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((town) => town.trim())
    .filter(Boolean);
