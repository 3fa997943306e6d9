import type { CaseRecord } from './case.js';
import type { Counter, CounterName } from './counter-names.js';
import { beijingDate } from './deadlines.js';
import type { WatchedKind } from './ladder.js';
import type { CommandEffect } from './lifecycle.js';

/**
 * What each act adds to the town's counters (by Beijing day and grid), so that reports sum counters and never read
 * cases for numbers. A case counts in the period of the earlier of its act and its deadline: an act on time counts on
 * its own day; a deadline missed counts once, on the deadline's day, whether the sweep saw it first or a late act did.
 */

export interface CountDelta {
  day: string;
  gridId: string;
  counts: Partial<Record<CounterName, number>>;
}

/** Cases outside any grid count under this grid id (taken up at the window). */
export const NO_GRID = '-';

/** The Beijing day a deadline instant closes (the instant is the midnight that ends it). */
export const deadlineDay = (deadline: string): string =>
  beijingDate(new Date(new Date(deadline).getTime() - 1));

const gridOf = (record: CaseRecord) => record.gridId ?? NO_GRID;

export function registrationCounts(record: CaseRecord): CountDelta[] {
  // a carried case (积案) is no new intake: the backlog ledger counts it, not the day's registrations
  if (record.backlog) return [];
  return [
    {
      day: beijingDate(record.createdAt),
      gridId: gridOf(record),
      counts: {
        registered: 1,
        [record.kind === 'petition' ? 'petitions' : 'disputes']: 1,
        [`channel_${record.channel}`]: 1,
        ...(record.collective ? { collective: 1 } : {}),
        ...(record.firstTime ? {} : { repeat: 1 }),
      },
    },
  ];
}

const ON_TIME: Record<WatchedKind, Counter> = {
  acknowledge: 'ackOnTime',
  reply: 'replyOnTime',
  review: 'reviewOnTime',
  mediation: 'mediationOnTime',
  callback: 'callbackOnTime',
  hand_off: 'handOffOnTime',
};
const MISSED: Record<WatchedKind, Counter> = {
  acknowledge: 'ackMissed',
  reply: 'replyMissed',
  review: 'reviewMissed',
  mediation: 'mediationMissed',
  callback: 'callbackMissed',
  hand_off: 'handOffMissed',
};

/** A deadline met or missed by an act: on time on the act's day; missed on the deadline's day, unless already counted. */
function deadlineMet(
  record: CaseRecord,
  kind: WatchedKind,
  deadline: string | undefined,
  now: Date,
): CountDelta[] {
  if (!deadline) return [];
  if (now.getTime() < new Date(deadline).getTime())
    return [{ day: beijingDate(now), gridId: gridOf(record), counts: { [ON_TIME[kind]]: 1 } }];
  const alreadyMissed = record.overdue?.some((o) => o.kind === kind && o.due === deadline);
  return alreadyMissed
    ? []
    : [{ day: deadlineDay(deadline), gridId: gridOf(record), counts: { [MISSED[kind]]: 1 } }];
}

/** What the sweep counts when a deadline passes unmet. */
export function missedCounts(record: CaseRecord, kind: WatchedKind, due: string): CountDelta[] {
  return [{ day: deadlineDay(due), gridId: gridOf(record), counts: { overdue: 1, [MISSED[kind]]: 1 } }];
}

const OUTCOME_COUNTER = {
  resolved: 'resolved',
  partially_resolved: 'partiallyResolved',
  not_resolved: 'notResolved',
  referred: 'referred',
} as const;

const RATING_COUNTER = {
  satisfied: 'ratedSatisfied',
  basically_satisfied: 'ratedBasicallySatisfied',
  dissatisfied: 'ratedDissatisfied',
} as const;

const PERFORMANCE_COUNTER = {
  performed: 'performed',
  partly: 'partlyPerformed',
  not_performed: 'notPerformed',
} as const;

const LEVEL_COUNTER = { village: 'resolvedVillage', town: 'resolvedTown', county: 'resolvedCounty' } as const;

/** What a command adds to the counters, given the case before it. */
export function commandCounts(before: CaseRecord, effect: CommandEffect, now: Date): CountDelta[] {
  const after = effect.record;
  const today = { day: beijingDate(now), gridId: gridOf(after) };
  switch (effect.action) {
    case 'accept':
    case 'decline':
    case 'transfer':
    case 'return':
      return deadlineMet(before, 'acknowledge', before.deadlines.acknowledgeBy, now);
    case 'extend':
      return [{ ...today, counts: { extended: 1 } }];
    case 'reply': {
      const deadline = before.deadlines.extendedTo ?? before.deadlines.replyBy;
      const met = deadlineMet(before, 'reply', deadline, now);
      const outcome = after.reply?.outcome;
      const day = met[0]?.day ?? deadlineDay(deadline ?? now.toISOString());
      const resolvedAt =
        outcome === 'resolved' && after.reply?.level ? LEVEL_COUNTER[after.reply.level] : undefined;
      const resolved = outcome === 'resolved';
      const byKind =
        after.kind === 'petition'
          ? { petitionsReplied: 1, ...(resolved ? { petitionsResolved: 1 } : {}) }
          : { disputesReplied: 1, ...(resolved ? { disputesResolved: 1 } : {}) };
      return [
        ...met,
        {
          day,
          gridId: gridOf(after),
          counts: {
            replied: 1,
            ...(outcome ? { [OUTCOME_COUNTER[outcome]]: 1 } : {}),
            ...(resolvedAt ? { [resolvedAt]: 1 } : {}),
            ...byKind,
            ...(after.key ? { keyReplied: 1, ...(resolved ? { keyResolved: 1 } : {}) } : {}),
            ...(after.kind === 'petition' && !after.firstTime
              ? { repeatReplied: 1, ...(resolved ? { repeatResolved: 1 } : {}) }
              : {}),
          },
        },
      ];
    }
    case 'record-review':
      return [
        ...deadlineMet(before, 'review', before.deadlines.reviewAnswerBy, now),
        // a review's answer may be rated, like the reply
        { ...today, counts: { reviewAnswered: 1 } },
      ];
    case 'rate':
      return after.rating ? [{ ...today, counts: { [RATING_COUNTER[after.rating.rating]]: 1 } }] : [];
    case 'close':
      return [{ ...today, counts: { closed: 1 } }];
    case 'mark-key':
      return [{ ...today, counts: { keyMarked: 1 } }];
    case 'unmark-key':
      return [{ ...today, counts: { keyUnmarked: 1 } }];
    case 'mediate':
      return [{ ...today, counts: { mediations: 1 } }];
    case 'agree':
    case 'mediation-failed': {
      const mediation = after.mediation;
      const met = deadlineMet(before, 'mediation', before.mediation?.dueBy, now);
      const outcome = mediation?.agreement
        ? {
            agreements: 1,
            [mediation.committee === 'village' ? 'agreementsVillage' : 'agreementsTown']: 1,
          }
        : { mediationsFailed: 1 };
      return [...met, { ...today, counts: { mediationsConcluded: 1, ...outcome } }];
    }
    case 'callback': {
      const result = after.mediation?.callback?.result;
      const met = deadlineMet(before, 'callback', before.mediation?.agreement?.callbackBy, now);
      return result ? [...met, { ...today, counts: { [PERFORMANCE_COUNTER[result]]: 1 } }] : met;
    }
    case 'hand-off':
      return [{ ...today, counts: { handOffs: 1 } }];
    case 'hand-off-result': {
      const returned = after.handOffs?.find((h, i) => h.returned && !before.handOffs?.[i]?.returned);
      return returned ? deadlineMet(before, 'hand_off', returned.dueBy, now) : [];
    }
    default:
      return [];
  }
}

/** A repeat linked to the open case it repeats, on the day it was received at the window. */
export const linkedRepeatCounts = (record: CaseRecord, now: Date): CountDelta[] => [
  { day: beijingDate(now), gridId: gridOf(record), counts: { repeatLinked: 1 } },
];

export const patrolCounts = (gridId: string, date: string): CountDelta[] => [
  { day: date, gridId, counts: { patrols: 1 } },
];

/** Deltas that land on the same counter item add up: a transaction may touch each item once. */
export function mergeDeltas(deltas: readonly CountDelta[]): CountDelta[] {
  const merged = new Map<string, CountDelta>();
  for (const delta of deltas) {
    const key = `${delta.day}|${delta.gridId}`;
    const into = merged.get(key) ?? { day: delta.day, gridId: delta.gridId, counts: {} };
    for (const [name, n] of Object.entries(delta.counts) as [CounterName, number][])
      into.counts[name] = (into.counts[name] ?? 0) + n;
    merged.set(key, into);
  }
  return [...merged.values()];
}
