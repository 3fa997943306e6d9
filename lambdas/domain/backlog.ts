import type { WorkingCalendar } from './calendar.js';
import type { BacklogStatus, CaseRecord, HistoryEntry } from './case.js';
import { OPEN_STATUSES, type Track } from './catalog.js';
import { beijingDate, calendarDaysDeadline, endOfBeijingDay } from './deadlines.js';
import type { DeadlinePolicy } from './policy.js';

/**
 * The backlog ledger (积案): matters the town carried from before the system, entered with their history, and
 * followed until none remains (积案化解零存量). A carried case is an ordinary case from its entry on, marked `backlog`
 * with the day it first reached the town.
 */

/** What the petition office enters besides the case fields. */
export interface BacklogInput {
  status: BacklogStatus;
  /** Required when the carried status is `accepted`: an accepted case is on a track. */
  track?: Track;
  history: HistoryEntry[];
}

/**
 * A registered record made a carried one. Its deadlines run from the entry, not from the day the matter first came:
 * those passed before the system existed, and counting them would put misses on days no one could act in it. An
 * accepted carried case is acknowledged at its entry and owes its reply within the policy's days from then.
 */
export function carryBacklog(
  record: CaseRecord,
  input: BacklogInput,
  ctx: { now: Date; policy: DeadlinePolicy; calendar: WorkingCalendar },
): CaseRecord {
  const carried: CaseRecord = {
    ...record,
    backlog: {
      since: beijingDate(record.receivedAt),
      carriedStatus: input.status,
      history: [...input.history].sort((a, b) => a.date.localeCompare(b.date)),
    },
  };
  if (input.status === 'registered') return carried;
  const replyBy = calendarDaysDeadline(ctx.now, ctx.policy.replyDays, {
    calendar: ctx.calendar,
    holidayRule: ctx.policy.holidayRule,
  });
  return {
    ...carried,
    status: 'accepted',
    acknowledgedAt: ctx.now.toISOString(),
    ...(input.track ? { track: input.track } : {}),
    deadlines: { ...carried.deadlines, replyBy: replyBy.toISOString() },
  };
}

/** The register event's note for a carried case: where it came from, and how much history came with it. */
export function backlogEntryNote(backlog: Pick<BacklogInput, 'history'>, receivedAt: string): string {
  const since = beijingDate(receivedAt);
  const n = backlog.history.length;
  return `积案录入：${since} 首次受理，既往记录 ${n} 条 / backlog entry: first received ${since}, ${n} earlier entries`;
}

/**
 * When a case left the open statuses: closed, withdrawn, or declined, transferred or returned at the window (those
 * three acknowledge it at that moment). Undefined while it is open.
 */
export function concludedAt(record: CaseRecord): string | undefined {
  if (OPEN_STATUSES.includes(record.status)) return undefined;
  switch (record.status) {
    case 'closed':
      return record.closedAt;
    case 'withdrawn':
      return record.withdrawal?.at;
    default:
      return record.acknowledgedAt ?? record.updatedAt;
  }
}

/**
 * The ledger over a period: carried cases open when it began, entered during it, resolved (closed, 办结) during it,
 * concluded otherwise (withdrawn, declined, transferred, returned) during it, and remaining open when it ended.
 * `openAtStart + entered - resolved - otherwiseConcluded = remaining`.
 */
export interface BacklogLedger {
  openAtStart: number;
  entered: number;
  resolved: number;
  otherwiseConcluded: number;
  remaining: number;
}

/** The ledger of `from`..`to` (Beijing dates, both included) over the town's carried cases. Pure. */
export function backlogLedger(records: readonly CaseRecord[], from: string, to: string): BacklogLedger {
  const start = endOfBeijingDay(from).getTime() - 24 * 60 * 60 * 1000;
  const end = endOfBeijingDay(to).getTime();
  const ledger: BacklogLedger = {
    openAtStart: 0,
    entered: 0,
    resolved: 0,
    otherwiseConcluded: 0,
    remaining: 0,
  };
  for (const record of records) {
    if (!record.backlog) continue;
    const entered = Date.parse(record.createdAt);
    const concludedIso = concludedAt(record);
    const concluded = concludedIso ? Date.parse(concludedIso) : Number.POSITIVE_INFINITY;
    if (entered >= end) continue;
    if (entered < start && concluded >= start) ledger.openAtStart += 1;
    if (entered >= start) ledger.entered += 1;
    if (concluded >= start && concluded < end) {
      if (record.status === 'closed') ledger.resolved += 1;
      else ledger.otherwiseConcluded += 1;
    }
    if (concluded >= end) ledger.remaining += 1;
  }
  return ledger;
}
