import { randomBytes } from 'node:crypto';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { CaseRepository } from '../adapters/case-repository.js';
import type { CounterRepository } from '../adapters/counter-repository.js';
import type { CrossTownWrites } from '../adapters/cross-town-items.js';
import type { Deps } from '../adapters/deps.js';
import type { GridRepository } from '../adapters/grid-repository.js';
import type { NotificationRepository } from '../adapters/notification-repository.js';
import { PersonalVault } from '../adapters/personal-vault.js';
import { backlogEntryNote } from '../domain/backlog.js';
import type { WorkingCalendar } from '../domain/calendar.js';
import {
  type CaseLink,
  type CaseRecord,
  formatCaseNumber,
  numberPrefix,
  petitionerIdentifiers,
} from '../domain/case.js';
import {
  newQueryCode,
  normaliseQueryCode,
  QUERY_CODE_FIELD,
  queryCodeFromDigest,
  queryCodeMacInput,
} from '../domain/citizen.js';
import { beijingDate } from '../domain/deadlines.js';
import { type GridRecord, intakeLevel } from '../domain/grid.js';
import { collectiveNotice, type Notification } from '../domain/notification.js';
import { personalFields } from '../domain/personal.js';
import type { DeadlinePolicy } from '../domain/policy.js';
import { type RegistrationInput, registerCase } from '../domain/registration.js';
import type { TownProfile } from '../domain/report.js';
import { type Principal, primaryRole } from '../domain/roles.js';
import { chainEvent, type MacFunction, type TimelineEvent } from '../domain/timeline.js';
import { TRANSFER_REGISTRAR } from '../domain/transfer.js';
import { lookUpElsewhere } from './cross-town-repeats.js';

/** The id of the case a request with this seed (its Idempotency-Key) registers, whichever attempt writes it. */
export const seededCaseId = async (mac: MacFunction, seed: string): Promise<string> =>
  Buffer.from(await mac(`case-id\n${seed}`), 'hex')
    .subarray(0, 16)
    .toString('base64url');

/** Opaque, unguessable case ids: 128 random bits. */
const newCaseId = (): string => randomBytes(16).toString('base64url');

export interface PreparedCase {
  record: CaseRecord;
  event: TimelineEvent;
  blindIndexes: string[];
  /** The deployment blind indexes, and the earlier cases of other towns this one marks (repeats across towns). */
  crossTown: CrossTownWrites;
  /** Who must hear of it at once: the duty leaders, for a collective petition (集体访). */
  notices: Notification[];
  /** Shown once, to whoever registered the case, to hand to the petitioner. */
  queryCode: string;
  queryCodeHash: string;
}

/** The petitioners' keyed blind indexes, and the newest earlier case of any of them in the category. */
export interface EarlierCaseLookup {
  blindIndexes: string[];
  repeatOf?: string;
}

export async function lookUpEarlierCase(
  deps: { cases: Pick<CaseRepository, 'findEarlierCase'>; mac: MacFunction },
  town: string,
  input: Pick<RegistrationInput, 'petitioners' | 'category'>,
): Promise<EarlierCaseLookup> {
  const blindIndexes = await Promise.all(
    petitionerIdentifiers(input.petitioners).map((identifier) => deps.mac(`petitioner\n${identifier}`)),
  );
  const repeatOf = await deps.cases.findEarlierCase(town, input.category, blindIndexes);
  return { blindIndexes, ...(repeatOf ? { repeatOf } : {}) };
}

/** What registering a case reads and writes through, whoever registers it (the window, a patrol). */
export interface RegistrationPorts {
  cases: Pick<
    CaseRepository,
    | 'findEarlierCase'
    | 'nextSequence'
    | 'transact'
    | 'creationItems'
    | 'queryCodePut'
    | 'findByDeploymentIndex'
  >;
  grids: Pick<GridRepository, 'dutyLeaders'>;
  counters: Pick<CounterRepository, 'updates'>;
  notifications: Pick<NotificationRepository, 'inboxPut' | 'outboxPut'>;
  mac: MacFunction;
  vault: Pick<PersonalVault, 'seal'>;
}

/**
 * Everything a new case needs before its transaction: the repeat lookup by blind index, a number, the first
 * timeline event, the personal data sealed under a new data key, and the record. The caller writes it, alone or together with what it came with (a patrol).
 */
export async function prepareRegistration(
  deps: {
    cases: Pick<CaseRepository, 'findEarlierCase' | 'nextSequence' | 'findByDeploymentIndex'>;
    mac: MacFunction;
    vault: Pick<PersonalVault, 'seal'>;
    dutyLeaders: (town: string, grid: GridRecord | undefined) => Promise<string[]>;
  },
  input: RegistrationInput,
  ctx: {
    principal: Principal;
    now: Date;
    policy: DeadlinePolicy;
    calendar: WorkingCalendar;
    grid?: GridRecord;
    /** What identifies this request across retries: town, caller, path and Idempotency-Key. */
    seed?: string;
    /** The repeat lookup, when the caller made it already (the window decides on it first, Art 19). */
    lookup?: EarlierCaseLookup;
    /** Why a second track is opened beside the petitioner's open case: kept on the case and its first event. */
    secondTrackReason?: string;
    /** The registering town's names, which the cases of other towns it is found from show. */
    profile?: TownProfile | undefined;
    /** The case of another town of the deployment this matter is transferred from (转送), kept on the case and event 1. */
    transferredFrom?: CaseLink;
  },
): Promise<PreparedCase> {
  const { principal, now, grid } = ctx;
  const { blindIndexes, repeatOf } = ctx.lookup ?? (await lookUpEarlierCase(deps, principal.town, input));
  // a transfer is the same matter moving, not a repeat: the case it comes from is not an earlier case elsewhere
  const crossTown = await lookUpElsewhere(deps, principal.town, input, ctx.profile, ctx.transferredFrom);
  const backlogNote = input.backlog
    ? backlogEntryNote(input.backlog, input.receivedAt ?? now.toISOString())
    : undefined;
  const firstNote = [ctx.secondTrackReason, backlogNote].filter(Boolean).join('\n');
  const day = beijingDate(now);
  const sequence = await deps.cases.nextSequence(principal.town, numberPrefix(input.kind), day);
  const event = await chainEvent(
    undefined,
    {
      at: now.toISOString(),
      actor: ctx.transferredFrom
        ? TRANSFER_REGISTRAR
        : { id: principal.userId, role: primaryRole(principal) },
      action: 'register',
      // a carried case (积案) enters in the status it was carried in
      toStatus: input.backlog?.status ?? 'registered',
      ...(firstNote ? { note: firstNote } : {}),
      ...(ctx.transferredFrom ? { transfer: { direction: 'from' as const, ...ctx.transferredFrom } } : {}),
    },
    deps.mac,
  );
  // a retry of the same request (same Idempotency-Key) must land on the same case, not make a second one
  const id = ctx.seed ? await seededCaseId(deps.mac, ctx.seed) : newCaseId();
  // the query code is kept sealed (for sending again) and found by its keyed hash
  const queryCode = ctx.seed ? await seededQueryCode(deps.mac, ctx.seed) : newQueryCode();
  const queryCodeHash = await deps.mac(queryCodeMacInput(normaliseQueryCode(queryCode)!));
  const personal = await deps.vault.seal(principal.town, id, {
    ...personalFields(input),
    [QUERY_CODE_FIELD]: queryCode,
  });
  const record = registerCase(input, {
    id,
    ...(personal ? { personal } : {}),
    number: formatCaseNumber(input.kind, day, sequence),
    now,
    principal,
    policy: ctx.policy,
    calendar: ctx.calendar,
    firstTime: repeatOf === undefined,
    ...(repeatOf ? { repeatOf } : {}),
    ...(ctx.secondTrackReason ? { secondTrackReason: ctx.secondTrackReason } : {}),
    level: intakeLevel(grid),
    ...(grid ? { gridPath: grid.path } : {}),
    timelineHead: { seq: event.seq, hash: event.hash },
  });
  // transferred from another town (转送): the service registers it here, linked to the case it was there
  if (ctx.transferredFrom)
    Object.assign(record, { transferredFrom: ctx.transferredFrom, registeredBy: TRANSFER_REGISTRAR });
  if (crossTown.earlier.length) record.earlierElsewhere = [...crossTown.earlier];
  const notices = record.collective
    ? (await deps.dutyLeaders(principal.town, grid)).map((leader) =>
        collectiveNotice(record, leader, record.createdAt),
      )
    : [];
  return { record, event, blindIndexes, crossTown, notices, queryCode, queryCodeHash };
}

/**
 * The seed of a registration's id and query code when the request carries an Idempotency-Key: the same request
 * retried (same town, caller, path and key) gives the same ones.
 */
export function seedOf(request: {
  principal: Principal;
  event: { rawPath: string };
  header(name: string): string | undefined;
}) {
  const key = request.header('idempotency-key');
  return key
    ? { seed: [request.principal.town, request.principal.userId, request.event.rawPath, key].join('\n') }
    : {};
}

/** The query code of a registration sent with an Idempotency-Key: the same request gives the same code. */
const seededQueryCode = async (mac: MacFunction, seed: string): Promise<string> =>
  queryCodeFromDigest(await mac(`query-code\n${seed}`));

/**
 * The query code of a registration's answer replayed by the idempotency layer, which stores the answer without it:
 * derived again from the request, it is the code the first answer showed.
 */
export async function replayedQueryCode(
  mac: MacFunction,
  request: Parameters<typeof seedOf>[0],
): Promise<{ queryCode: string }> {
  const { seed } = seedOf(request);
  if (!seed) throw new Error('only an answer to a request with an Idempotency-Key is replayed');
  return { queryCode: await seededQueryCode(mac, seed) };
}

/**
 * Writes a registration. A retry whose first attempt did commit (its answer lost) finds its own case there, by the
 * same id, and answers with it instead of failing or making a second case.
 */
export async function writeRegistration(
  cases: Pick<CaseRepository, 'transact' | 'get'>,
  prepared: PreparedCase,
  writes: readonly Record<string, unknown>[],
): Promise<CaseRecord> {
  try {
    await cases.transact(writes);
    return prepared.record;
  } catch (error) {
    const caseExists =
      error instanceof TransactionCanceledException &&
      error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed';
    const existing = caseExists ? await cases.get(prepared.record.town, prepared.record.id) : undefined;
    if (existing && existing.registeredBy.id === prepared.record.registeredBy.id) return existing;
    throw error;
  }
}

/** What registration needs, over a function's dependencies and repositories. */
export const registrationDepsOf = (
  deps: Pick<Deps, 'mac' | 'dataKeys'>,
  cases: CaseRepository,
  grids: GridRepository,
) => ({
  cases,
  mac: deps.mac,
  vault: new PersonalVault(deps.dataKeys),
  dutyLeaders: grids.dutyLeaders.bind(grids),
});
