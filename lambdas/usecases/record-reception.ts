import { randomBytes } from 'node:crypto';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { CaseRepository } from '../adapters/case-repository.js';
import type { CounterRepository } from '../adapters/counter-repository.js';
import type { GridRepository } from '../adapters/grid-repository.js';
import type { NotificationRepository } from '../adapters/notification-repository.js';
import type { PersonalVault } from '../adapters/personal-vault.js';
import type { ReceptionRepository } from '../adapters/reception-repository.js';
import type { TownSettings } from '../adapters/settings-repository.js';
import { canSeeCase } from '../domain/access.js';
import { registrationCounts } from '../domain/counters.js';
import { ContentionError, ForbiddenError, InvalidFieldError } from '../domain/errors.js';
import {
  type Period,
  type ReceptionRecord,
  type ReceptionVisit,
  receivedNote,
  receptionCounts,
} from '../domain/reception.js';
import type { RegistrationInput } from '../domain/registration.js';
import { hasAnyRole, type Principal } from '../domain/roles.js';
import { chainEvent, type MacFunction } from '../domain/timeline.js';
import { registrationWrites } from './case-writes.js';
import { leadersOf } from './reception-roster.js';
import { lookUpEarlierCase, type PreparedCase, prepareRegistration, seededCaseId } from './register-case.js';
import { repeatAtWindow } from './repeat-at-window.js';
import { type WorkerGrids, workerGridPaths } from './visible-case.js';

/**
 * A leader's reception (接访记录): the visits received, each a batch with its headcount, on a case already registered
 * (which gets a `received` event on its timeline) or on one registered with it through the same registration as the
 * window's. The reception, the events, the new cases and the counters are one transaction: all of it or nothing.
 */

export interface ReceptionInput {
  date: string;
  leaderId: string;
  period: Period;
  visits: {
    caseId?: string | undefined;
    registration?: Omit<RegistrationInput, 'channel' | 'gridId'> | undefined;
    headcount: number;
    onTheSpot: ReceptionVisit['onTheSpot'];
  }[];
}

interface ReceptionPorts {
  cases: Pick<
    CaseRepository,
    | 'get'
    | 'appendItems'
    | 'transact'
    | 'findEarlierCase'
    | 'findByDeploymentIndex'
    | 'nextSequence'
    | 'creationItems'
    | 'queryCodePut'
    | 'petitionerPartitions'
  >;
  grids: WorkerGrids & Pick<GridRepository, 'staff' | 'dutyLeaders'>;
  receptions: Pick<ReceptionRepository, 'receptionPut' | 'reception'>;
  counters: Pick<CounterRepository, 'updates'>;
  notifications: Pick<NotificationRepository, 'inboxPut' | 'outboxPut'>;
  vault: Pick<PersonalVault, 'seal'>;
  mac: MacFunction;
}

/** Concurrent commands or notes can move a linked case's timeline head: the whole reception is built again. */
const ATTEMPTS = 3;

const newReceptionId = (): string => randomBytes(12).toString('base64url');
const seededReceptionId = async (mac: MacFunction, seed: string): Promise<string> =>
  Buffer.from(await mac(`reception-id\n${seed}`), 'hex')
    .subarray(0, 12)
    .toString('base64url');

/** The leader records their own receptions; a clerk records them for any leader of the town. */
export function requireRecorder(principal: Principal, leaderId: string): void {
  if (hasAnyRole(principal, ['clerk'])) return;
  if (principal.userId !== leaderId) throw new ForbiddenError('reception-own');
}

export async function recordReception(
  ports: ReceptionPorts,
  principal: Principal,
  input: ReceptionInput,
  ctx: { now: Date; settings: TownSettings; seed?: string },
): Promise<ReceptionRecord> {
  const { town } = principal;
  const leader = (await leadersOf(ports.grids, town)).get(input.leaderId);
  if (!leader) throw new InvalidFieldError('leaderId', 'not-a-leader');
  const id = ctx.seed ? await seededReceptionId(ports.mac, ctx.seed) : newReceptionId();
  // a retry whose first attempt committed (its answer lost) finds its reception
  const done = ctx.seed ? await ports.receptions.reception(town, input.date, id) : undefined;
  if (done) return done;

  const gridPaths = await workerGridPaths(ports.grids, principal);
  const registrationDeps = {
    cases: ports.cases,
    mac: ports.mac,
    vault: ports.vault,
    dutyLeaders: (t: string) => ports.grids.dutyLeaders(t, undefined),
  };
  const at = ctx.now.toISOString();
  const actor = { id: input.leaderId, role: 'leader' as const };
  // new cases are prepared once (numbers, sealed data), so that a rebuilt attempt writes the same ones
  const prepared = new Map<number, PreparedCase>();

  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const visits: ReceptionVisit[] = [];
    const writes: Record<string, unknown>[] = [];
    for (const [i, visit] of input.visits.entries()) {
      const base = { headcount: visit.headcount, onTheSpot: visit.onTheSpot };
      if (visit.caseId !== undefined) {
        const note = receivedNote(leader, visit, input.period);
        const record = await ports.cases.get(town, visit.caseId);
        if (!record || !canSeeCase(principal, record, gridPaths))
          throw new InvalidFieldError(`visits.${i}.caseId`, 'unknown-case');
        const event = await chainEvent(
          record.timelineHead,
          { at, actor, action: 'received', note },
          ports.mac,
        );
        writes.push(...ports.cases.appendItems(record, event));
        visits.push({ caseId: record.id, registered: false, ...base });
        continue;
      }
      let made = prepared.get(i);
      if (!made) {
        made = await prepareVisitCase(ports, registrationDeps, principal, visit, i, ctx);
        prepared.set(i, made);
      }
      writes.push(...registrationWrites(ports, made));
      visits.push({ caseId: made.record.id, registered: true, ...base });
    }
    const record: ReceptionRecord = {
      id,
      town,
      date: input.date,
      leaderId: input.leaderId,
      period: input.period,
      visits,
      batches: visits.length,
      personTimes: visits.reduce((n, v) => n + v.headcount, 0),
      recordedBy: principal.userId,
      createdAt: at,
    };
    const counts = ports.counters.updates(town, id, [
      ...receptionCounts(record),
      ...[...prepared.values()].flatMap((p) => registrationCounts(p.record)),
    ]);
    try {
      // the reception first: a retry that finds it there committed before
      await ports.cases.transact([ports.receptions.receptionPut(record), ...writes, ...counts]);
      return record;
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      if (error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') {
        const existing = await ports.receptions.reception(town, input.date, id);
        if (existing) return existing;
      }
      // a linked case moved meanwhile (its head, or DynamoDB's TransactionConflict): read it again
    }
  }
  throw new ContentionError();
}

/** A visit's new case, through the window's registration: channel visit, the visit's headcount, Art 19 first. */
async function prepareVisitCase(
  ports: ReceptionPorts,
  registrationDeps: Parameters<typeof prepareRegistration>[0],
  principal: Principal,
  visit: ReceptionInput['visits'][number],
  i: number,
  ctx: { now: Date; settings: TownSettings; seed?: string },
): Promise<PreparedCase> {
  const body: RegistrationInput = { ...visit.registration!, channel: 'visit', headcount: visit.headcount };
  const seed = ctx.seed ? `${ctx.seed}\nvisit\n${i}` : undefined;
  const lookup = await lookUpEarlierCase(ports, principal.town, body);
  const ownRetry = seed !== undefined && lookup.repeatOf === (await seededCaseId(ports.mac, seed));
  if (!ownRetry && lookup.repeatOf) {
    // Art 19: a matter whose case is still open joins it; the visit must name that case
    const decision = await repeatAtWindow(ports, principal, body, lookup, undefined);
    if (decision.kind === 'refused')
      throw new InvalidFieldError(`visits.${i}.registration`, 'open-case-of-petitioner', {
        number: decision.openCase?.number ?? '',
      });
  }
  return prepareRegistration(registrationDeps, body, {
    principal,
    now: ctx.now,
    ...ctx.settings,
    ...(seed ? { seed } : {}),
    lookup,
  });
}
