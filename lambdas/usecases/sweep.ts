import type { CaseRepository } from '../adapters/case-repository.js';
import type { CounterRepository } from '../adapters/counter-repository.js';
import type { GridRepository } from '../adapters/grid-repository.js';
import type { MeetingRepository } from '../adapters/meeting-repository.js';
import type { NotificationRepository } from '../adapters/notification-repository.js';
import { logger } from '../adapters/observability.js';
import type { Publisher } from '../adapters/publisher.js';
import type { TownSettingsCache } from '../adapters/settings-repository.js';
import { ALERT_SHARDS } from '../adapters/table-model.js';
import type { CaseRecord } from '../domain/case.js';
import { missedCounts } from '../domain/counters.js';
import {
  fireDue,
  isOverdueStep,
  type LadderStep,
  nextAlert,
  type Recipient,
  type WatchedKind,
} from '../domain/ladder.js';
import { staffMediators } from '../domain/mediation.js';
import { type DecisionRecord, decisionNotice, fireDecisionStep } from '../domain/meeting.js';
import { deadlineNotice, toOutbox } from '../domain/notification.js';
import type { StaffRecord } from '../domain/patrol.js';
import { isStaffRole, type StaffRole } from '../domain/roles.js';

/**
 * The deadline sweep: reads the alert steps that are due (and nothing else), sends each to the right people once,
 * moves each case's alert on, flags what is overdue for supervision, then publishes the outbox.
 */

export interface SweepDeps {
  cases: CaseRepository;
  grids: GridRepository;
  notifications: NotificationRepository;
  settings: TownSettingsCache;
  publisher: Publisher;
  counters: CounterRepository;
  /** Meeting decisions: their alerts move on beside the cases'. */
  meetings: Pick<MeetingRepository, 'advanceAlert'>;
  /** The clock the outbox leases are taken by (the injected one, so a test's or the CLI's time holds for them too). */
  now: () => Date;
}

export interface SweepResult {
  itemsRead: number;
  due: number;
  warned: number;
  escalated: number;
  overdue: number;
  published: number;
  publishFailed: number;
}

/** At most this many people hear of one step, so a step's writes stay well inside one transaction. */
const MAX_RECIPIENTS = 40;

/** Who a recipient role names for this case and this deadline, with the relation each is told as. */
async function resolveRecipients(
  record: CaseRecord,
  kind: WatchedKind,
  step: LadderStep,
  staffOf: (town: string) => Promise<StaffRecord[]>,
  leaderOfGrid: (record: CaseRecord) => Promise<string | undefined>,
): Promise<Map<string, Recipient>> {
  const recipients = new Map<string, Recipient>();
  const add = (userId: string | undefined, as: Recipient) => {
    if (userId && !recipients.has(userId) && recipients.size < MAX_RECIPIENTS) recipients.set(userId, as);
  };
  const withRole = async (role: StaffRole) =>
    (await staffOf(record.town)).filter((s) => s.roles.includes(role)).map((s) => s.userId);
  const supervisors = () => withRole('supervisor');
  // the clerk who registered the case; a case no clerk registered (a citizen's own petition, a matter transferred
  // from another town) is the window's, so its clerks hear instead of the citizen or the system
  const registrars = async () =>
    isStaffRole(record.registeredBy.role) ? [record.registeredBy.id] : withRole('clerk');
  for (const role of step.notify) {
    // whoever must meet the deadline: a review is answered by the supervisors (record-review); otherwise the
    // assignee, and before anyone is assigned, the clerk who registered the case
    if (role === 'assignee' && kind === 'review') for (const id of await supervisors()) add(id, 'supervisor');
    // a mediation and its callback are the mediators' to meet, when they have accounts
    else if (
      role === 'assignee' &&
      (kind === 'mediation' || kind === 'callback') &&
      staffMediators(record).length
    )
      for (const id of staffMediators(record)) add(id, 'mediator');
    else if (role === 'assignee' && record.assignee) add(record.assignee, role);
    else if (role === 'assignee') for (const id of await registrars()) add(id, role);
    if (role === 'owner') add(record.owner, role);
    if (role === 'registrar') for (const id of await registrars()) add(id, role);
    if (role === 'leader') {
      // the grid's leader in charge (包片领导) first; without one, the town's leaders
      const gridLeader = await leaderOfGrid(record);
      if (gridLeader) add(gridLeader, role);
      else for (const s of await staffOf(record.town)) if (s.roles.includes('leader')) add(s.userId, role);
    }
    if (role === 'supervisor') for (const id of await supervisors()) add(id, role);
  }
  return recipients;
}

const emptyResult = (): SweepResult => ({
  itemsRead: 0,
  due: 0,
  warned: 0,
  escalated: 0,
  overdue: 0,
  published: 0,
  publishFailed: 0,
});

/** What a sweep run knows of the towns it meets: each town's staff read once, however many shards meet it. */
interface SweepRun {
  staffOf: (town: string) => Promise<StaffRecord[]>;
}

const newSweepRun = (deps: Pick<SweepDeps, 'grids'>): SweepRun => {
  const staff = new Map<string, Promise<StaffRecord[]>>();
  return {
    staffOf: (town) => {
      if (!staff.has(town)) staff.set(town, deps.grids.staff(town));
      return staff.get(town)!;
    },
  };
};

/**
 * One shard of the alert index swept: each step due there sent once and its alert moved on. Nothing is published;
 * a step sends once because its alert moves conditionally, so a shard swept twice (a retried message, two runs at
 * once) sends nothing twice.
 */
async function sweepShardSteps(
  deps: SweepDeps,
  shard: number,
  now: Date,
  run: SweepRun = newSweepRun(deps),
): Promise<SweepResult> {
  const result = emptyResult();
  const { staffOf } = run;
  const leaderOfGrid = async (record: CaseRecord) =>
    record.gridId ? (await deps.grids.get(record.town, record.gridId))?.leaderId : undefined;

  const { cases: records, decisions } = await deps.cases.dueSteps(shard, now);
  result.itemsRead += records.length + decisions.length;
  for (const decision of decisions) await sweepDecision(deps, decision, now, staffOf, result);
  for (const record of records) {
    if (!record.alert) continue;
    result.due += 1;
    const { policy } = await deps.settings.get(record.town);
    const fired = fireDue(record, policy.escalation, record.alert, now);
    if (!fired) {
      // the policy changed under the alert: set it where the policy now puts it, sending nothing
      await deps.cases.advanceAlert(
        record,
        nextAlert(record, policy.escalation, record.alert),
        undefined,
        [],
      );
      continue;
    }
    const at = now.toISOString();
    const recipients = await resolveRecipients(record, record.alert.kind, fired.step, staffOf, leaderOfGrid);
    const puts: Record<string, unknown>[] = [...recipients].flatMap(([userId, as]) => {
      const notice = deadlineNotice(record, fired.step, record.alert!.kind, record.alert!.due, userId, at);
      return [deps.notifications.inboxPut(notice), deps.notifications.outboxPut(toOutbox(notice, as))];
    });
    const overdue = isOverdueStep(fired.step)
      ? { kind: record.alert.kind, due: record.alert.due, at }
      : undefined;
    if (overdue)
      puts.push(
        ...deps.counters.updates(record.town, record.id, missedCounts(record, overdue.kind, overdue.due)),
      );
    if (recipients.size === 0)
      logger.warn('a ladder step has nobody to tell', { caseId: record.id, step: fired.step.id });
    if (!(await deps.cases.advanceAlert(record, fired.next, overdue, puts))) continue;
    if (fired.step.severity === 'overdue') result.overdue += 1;
    else if (fired.step.severity === 'urgent') result.escalated += 1;
    else result.warned += 1;
  }
  return result;
}

/** What a shard worker does with one message: its shard swept, then the outbox published. */
export async function sweepShard(deps: SweepDeps, shard: number, now: Date): Promise<SweepResult> {
  const result = await sweepShardSteps(deps, shard, now);
  const published = await publishOutbox(deps);
  return { ...result, published: published.published, publishFailed: published.failed };
}

/** The shards of the alert index, each the work of one shard worker. */
const sweepShards = (): number[] => Array.from({ length: ALERT_SHARDS }, (_, shard) => shard);

export const addResults = (a: SweepResult, b: SweepResult): SweepResult => ({
  itemsRead: a.itemsRead + b.itemsRead,
  due: a.due + b.due,
  warned: a.warned + b.warned,
  escalated: a.escalated + b.escalated,
  overdue: a.overdue + b.overdue,
  published: a.published + b.published,
  publishFailed: a.publishFailed + b.publishFailed,
});

interface RunSweepOptions {
  /** How many shards are swept at once: every one by default (the fan-out), 1 for one shard after another. */
  concurrency?: number;
}

/**
 * A whole sweep in one process: the shards fanned out as the cloud's shard workers take them, `concurrency` at a
 * time, then the outbox published once.
 */
export async function runSweep(
  deps: SweepDeps,
  now: Date,
  options: RunSweepOptions = {},
): Promise<SweepResult> {
  const run = newSweepRun(deps);
  const queue = sweepShards();
  const swept: SweepResult[] = [];
  const workers = Math.max(1, Math.min(options.concurrency ?? ALERT_SHARDS, ALERT_SHARDS));
  // every worker runs to its end before the run answers, a failed one included: no shard is still sweeping after
  // a failure is reported (a caller's next run would race it)
  const settled = await Promise.allSettled(
    Array.from({ length: workers }, async () => {
      for (let shard = queue.shift(); shard !== undefined; shard = queue.shift())
        swept.push(await sweepShardSteps(deps, shard, now, run));
    }),
  );
  const failed = settled.find((outcome) => outcome.status === 'rejected');
  if (failed) throw failed.reason;
  const result = swept.reduce(addResults, emptyResult());
  const published = await publishOutbox(deps);
  return { ...result, published: published.published, publishFailed: published.failed };
}

/**
 * A meeting decision's due step: its owner warned before its last day ends, the town's supervisors (and the owner)
 * told when it is missed, once each; the decision's alert moves on in the same transaction as the notices.
 */
async function sweepDecision(
  deps: SweepDeps,
  decision: DecisionRecord,
  now: Date,
  staffOf: (town: string) => Promise<StaffRecord[]>,
  result: SweepResult,
): Promise<void> {
  result.due += 1;
  const fired = fireDecisionStep(decision, now);
  if (!fired) return;
  const staff = await staffOf(decision.town);
  const recipients = new Map<string, Recipient>();
  for (const role of fired.step.notify) {
    if (role === 'owner') recipients.set(decision.ownerId, role);
    if (role === 'supervisor')
      for (const s of staff)
        if (s.roles.includes('supervisor') && !recipients.has(s.userId)) recipients.set(s.userId, role);
  }
  const ownerName = staff.find((s) => s.userId === decision.ownerId)?.name ?? decision.ownerId;
  const at = now.toISOString();
  const puts = [...recipients].slice(0, MAX_RECIPIENTS).flatMap(([userId, as]) => {
    const notice = decisionNotice(decision, fired.step, userId, ownerName, at);
    return [deps.notifications.inboxPut(notice), deps.notifications.outboxPut(toOutbox(notice, as))];
  });
  const missed = isOverdueStep(fired.step) ? at : undefined;
  if (!(await deps.meetings.advanceAlert(decision, fired.next, missed, puts))) return;
  if (missed) result.overdue += 1;
  else result.warned += 1;
}

/** Publishes what waits in the outbox; a failure stays there for the next run, never dropped. */
export async function publishOutbox(
  deps: Pick<SweepDeps, 'notifications' | 'publisher' | 'now'>,
): Promise<{ published: number; failed: number }> {
  let published = 0;
  let failed = 0;
  const now = deps.now();
  for (const message of await deps.notifications.pending()) {
    // of two overlapping runs, only the one holding the lease publishes a message
    if (!(await deps.notifications.lease(message, now))) continue;
    try {
      await deps.publisher.publish(message);
      await deps.notifications.delivered(message);
      published += 1;
    } catch (error) {
      await deps.notifications.release(message);
      failed += 1;
      logger.warn('publishing failed; it stays in the outbox', {
        messageId: message.id,
        error: error as Error,
      });
    }
  }
  return { published, failed };
}
