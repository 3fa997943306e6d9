import * as z from 'zod/mini';
import { addDays, beijingDate } from './beijing-time.js';
import { type CatalogEntry, labelOf, TRACK_CODES, TRACKS } from './catalog.js';
import { type CountDelta, NO_GRID } from './counters.js';
import type { Totals } from './indicators.js';
import { type Notification, notificationId } from './notification.js';

/**
 * Leaders at the window (领导接访): the roster of who receives when and where, and the record of each reception with
 * the batches (批次) and person-times (人次) received.
 */

export const PERIODS = ['morning', 'afternoon', 'day'] as const;
export type Period = (typeof PERIODS)[number];
export const RECEPTION_KINDS = ['window', 'village', 'appointment'] as const;

const PERIOD_LABELS: readonly CatalogEntry[] = [
  { code: 'morning', zh: '上午', en: 'morning' },
  { code: 'afternoon', zh: '下午', en: 'afternoon' },
  { code: 'day', zh: '全天', en: 'all day' },
];
const RECEPTION_KIND_LABELS: readonly CatalogEntry[] = [
  { code: 'window', zh: '接访', en: 'reception' },
  { code: 'village', zh: '下访', en: 'visit to a village' },
  { code: 'appointment', zh: '约访', en: 'reception by appointment' },
];

/** Two slots of one leader on one day clash when either is the whole day or both are the same half-day. */
const periodsOverlap = (a: Period, b: Period): boolean => a === 'day' || b === 'day' || a === b;

export const rosterSlotSchema = z.object({
  leaderId: z.string(),
  period: z.enum(PERIODS),
  place: z.string(),
  kind: z.enum(RECEPTION_KINDS),
});
export type RosterSlot = z.infer<typeof rosterSlotSchema>;

/** One day of the roster as it is kept: the day's slots, replaced whole. */
export const rosterDaySchema = z.object({
  town: z.string(),
  date: z.string(),
  slots: z.array(rosterSlotSchema),
  version: z.number().check(z.int()),
  updatedAt: z.string(),
  updatedBy: z.string(),
});
export type RosterDay = z.infer<typeof rosterDaySchema>;

/** Index of the first slot that clashes with an earlier slot of the same leader, if any. */
export function clashingSlot(slots: readonly Pick<RosterSlot, 'leaderId' | 'period'>[]): number | undefined {
  const at = slots.findIndex((slot, i) =>
    slots.slice(0, i).some((o) => o.leaderId === slot.leaderId && periodsOverlap(o.period, slot.period)),
  );
  return at < 0 ? undefined : at;
}

export const receptionVisitSchema = z.object({
  caseId: z.string(),
  /** The visit registered the case (rather than joining one already registered). */
  registered: z.boolean(),
  headcount: z.number().check(z.int()),
  onTheSpot: z.object({ measure: z.string(), track: z.optional(z.enum(TRACK_CODES)) }),
});
export type ReceptionVisit = z.infer<typeof receptionVisitSchema>;

/** A reception as it is kept: no personal data, only the cases the visits are on. */
export const receptionRecordSchema = z.object({
  id: z.string(),
  town: z.string(),
  date: z.string(),
  leaderId: z.string(),
  period: z.enum(PERIODS),
  visits: z.array(receptionVisitSchema),
  batches: z.number().check(z.int()),
  personTimes: z.number().check(z.int()),
  recordedBy: z.string(),
  createdAt: z.string(),
});
export type ReceptionRecord = z.infer<typeof receptionRecordSchema>;

/** A visit settled on the spot (就地化解): its matter was put on the immediate track (马上办) at the reception. */
const settledOnTheSpot = (visit: Pick<ReceptionVisit, 'onTheSpot'>): boolean =>
  visit.onTheSpot.track === 'immediate';

/** What a reception adds to the town's counters, on its own Beijing date (window level, no grid). */
export function receptionCounts(record: ReceptionRecord): CountDelta[] {
  const settled = record.visits.filter(settledOnTheSpot).length;
  return [
    {
      day: record.date,
      gridId: NO_GRID,
      counts: {
        receptions: 1,
        receptionBatches: record.batches,
        receptionPersonTimes: record.personTimes,
        ...(settled ? { receptionSettled: settled } : {}),
      },
    },
  ];
}

/** The words of a timeline event on a case received at a reception: who received it and what was done there. */
export function receivedNote(
  leader: { name: string; title?: string | undefined },
  visit: Pick<ReceptionVisit, 'headcount' | 'onTheSpot'>,
  period: Period,
): string {
  const who = leader.title ? `${leader.title}${leader.name}` : leader.name;
  const track = visit.onTheSpot.track ? `；${labelOf(TRACKS, visit.onTheSpot.track, 'zh')}` : '';
  return `${who}${labelOf(PERIOD_LABELS, period, 'zh')}接访（${visit.headcount} 人次）：${visit.onTheSpot.measure}${track}`;
}

/** The Beijing date a run at `now` tells leaders about: tomorrow's slots. */
export const noticeDateFor = (now: Date): string => addDays(beijingDate(now), 1);

/**
 * A leader's notice of their slots of one day, sent the day before. Its id depends only on the town, the day, the
 * leader and the slots, so a retried run writes nothing twice and a changed roster is told again.
 */
export function rosterNotice(
  town: string,
  date: string,
  leaderId: string,
  slots: readonly RosterSlot[],
  at: string,
): Notification {
  const zh = slots
    .map(
      (s) =>
        `${labelOf(PERIOD_LABELS, s.period, 'zh')}在${s.place}${labelOf(RECEPTION_KIND_LABELS, s.kind, 'zh')}`,
    )
    .join('；');
  const en = slots
    .map(
      (s) =>
        `${labelOf(PERIOD_LABELS, s.period, 'en')}: ${labelOf(RECEPTION_KIND_LABELS, s.kind, 'en')} at ${s.place}`,
    )
    .join('; ');
  const digest = slots.map((s) => `${s.period}|${s.place}|${s.kind}`).join('||');
  return {
    // dated at the start of the day before, whichever run writes it
    id: notificationId(`${addDays(date, -1)}T00:00:00.000Z`, town, 'reception', date, leaderId, digest),
    town,
    recipient: leaderId,
    kind: 'reception',
    severity: 'notice',
    text: {
      zh: `领导接访安排：${date}（明天）${zh}。`,
      en: `Your reception duty tomorrow, ${date}: ${en}.`,
    },
    at,
    read: false,
  };
}

/** The town's reception figures over any range, from its counters: `GET /v1/metrics`'s `reception`. */
export const receptionTotals = (totals: Totals) => ({
  receptions: totals.receptions ?? 0,
  batches: totals.receptionBatches ?? 0,
  personTimes: totals.receptionPersonTimes ?? 0,
  settledOnTheSpot: totals.receptionSettled ?? 0,
});

const count = z.number().check(z.int());
const leaderFigures = {
  /** Half-day or day slots the roster gave them. */
  rostered: count,
  /** Of those, the slots a reception was recorded for (same date, same or overlapping half-day). */
  held: count,
  receptions: count,
  batches: count,
  personTimes: count,
  settledOnTheSpot: count,
};

/** The weekly bulletin's reception section: receptions against the roster, per leader and for the town. */
export const receptionSectionSchema = z.object({
  ...leaderFigures,
  /** Visits settled on the spot over all visits (batches), with its sample. */
  settledShare: z.object({ numerator: count, denominator: count, rate: z.nullable(z.number()) }),
  leaders: z.array(z.object({ leaderId: z.string(), name: z.optional(z.string()), ...leaderFigures })),
});
type ReceptionSection = z.infer<typeof receptionSectionSchema>;

/** One leader's reception figures over a period, against the roster. */
interface LeaderReceptions {
  leaderId: string;
  rostered: number;
  held: number;
  receptions: number;
  batches: number;
  personTimes: number;
  settledOnTheSpot: number;
}

/** The reception figures of a period: per leader, and the town's totals with the share settled on the spot. */
export function receptionSummary(
  roster: readonly RosterDay[],
  receptions: readonly ReceptionRecord[],
  nameOf: (userId: string) => string | undefined = () => undefined,
): ReceptionSection {
  const byLeader = new Map<string, LeaderReceptions>();
  const of = (leaderId: string) => {
    let row = byLeader.get(leaderId);
    if (!row) {
      row = {
        leaderId,
        rostered: 0,
        held: 0,
        receptions: 0,
        batches: 0,
        personTimes: 0,
        settledOnTheSpot: 0,
      };
      byLeader.set(leaderId, row);
    }
    return row;
  };
  for (const day of roster)
    for (const slot of day.slots) {
      const row = of(slot.leaderId);
      row.rostered += 1;
      if (
        receptions.some(
          (r) => r.date === day.date && r.leaderId === slot.leaderId && periodsOverlap(r.period, slot.period),
        )
      )
        row.held += 1;
    }
  for (const r of receptions) {
    const row = of(r.leaderId);
    row.receptions += 1;
    row.batches += r.batches;
    row.personTimes += r.personTimes;
    row.settledOnTheSpot += r.visits.filter(settledOnTheSpot).length;
  }
  const leaders = [...byLeader.values()]
    .sort((a, b) => a.leaderId.localeCompare(b.leaderId))
    .map((row) => {
      const name = nameOf(row.leaderId);
      return { ...row, ...(name ? { name } : {}) };
    });
  const sum = (pick: (row: LeaderReceptions) => number) => leaders.reduce((n, row) => n + pick(row), 0);
  const batches = sum((r) => r.batches);
  const settled = sum((r) => r.settledOnTheSpot);
  return {
    rostered: sum((r) => r.rostered),
    held: sum((r) => r.held),
    receptions: sum((r) => r.receptions),
    batches,
    personTimes: sum((r) => r.personTimes),
    settledOnTheSpot: settled,
    settledShare: { numerator: settled, denominator: batches, rate: batches ? settled / batches : null },
    leaders,
  };
}
