import { DateTime } from 'luxon';
import { z } from 'zod';
import type { BacklogLedger } from './backlog.js';
import type { CaseRecord } from './case.js';
import { CHANNEL_CODES, KIND_CODES, STATUS_CODES } from './catalog.js';
import type { CounterName } from './counter-names.js';
import { TIME_ZONE } from './deadlines.js';
import { GRID_LEVELS, type GridRecord } from './grid.js';
import { type Indicators, indicators, sumTotals, type Totals } from './indicators.js';
import { watchedDeadline } from './ladder.js';
import { type Notification, notificationId, type OutboxMessage } from './notification.js';
import { type Period, periodEnd, type ReportKind } from './periods.js';

/**
 * The bulletins of the cadence 日收集、周通报、月督办, as data: numbers from the counters, and lists of cases by number,
 * status, deadline and the staff member who answers for them. Never a title, a name or anything else personal.
 */

export type IndicatorName = keyof Indicators;
export const INDICATOR_NAMES = Object.keys(indicators({})) as [IndicatorName, ...IndicatorName[]];

const count = z.number().int();
const indicatorSchema = z.object({
  numerator: count,
  denominator: count,
  rate: z.number().nullable(),
});
const indicatorsSchema = z.record(z.enum(INDICATOR_NAMES), indicatorSchema);
const totalsSchema = z.partialRecord(z.string(), z.number());
/** Each rate minus the previous period's (a difference of fractions); null where either rate is null. */
const changeSchema = z.record(z.enum(INDICATOR_NAMES), z.number().nullable());

const caseLineSchema = z.object({
  id: z.string(),
  number: z.string(),
  kind: z.enum(KIND_CODES),
  status: z.enum(STATUS_CODES),
  firstTime: z.boolean(),
  gridId: z.string().optional(),
  /** The deadline staff must meet next. */
  deadline: z.object({ kind: z.enum(['acknowledge', 'reply', 'review']), due: z.string() }).optional(),
  /** That deadline had passed when the report was made. */
  late: z.boolean(),
  /** Staff user id: the assignee, else the owner (包案领导), else the registrar. */
  responsible: z.string().optional(),
});
type CaseLine = z.infer<typeof caseLineSchema>;

/** The first cases of a list (at most the report's cap) and how many there are in all. */
export const caseListSchema = z.object({ total: count, items: z.array(caseLineSchema) });
export type CaseList = z.infer<typeof caseListSchema>;

const gridRef = {
  gridId: z.string(),
  name: z.string().optional(),
  level: z.enum(GRID_LEVELS).optional(),
};

const common = {
  period: z.string(),
  from: z.string(),
  to: z.string(),
  generatedAt: z.string(),
  /** Items DynamoDB returned to make the report (its read cost). */
  itemsRead: count,
  /** When the scheduled run stored it; absent for a report made on request. */
  storedAt: z.string().optional(),
  totals: totalsSchema,
  indicators: indicatorsSchema,
};

export const dailyReportSchema = z.object({
  kind: z.literal('daily'),
  ...common,
  newCases: z.object({
    total: count,
    byGrid: z.array(z.object({ ...gridRef, registered: count, petitions: count, disputes: count })),
    byChannel: z.array(z.object({ channel: z.enum(CHANNEL_CODES), count })),
  }),
  patrolCoverage: z.object({ coverage: indicatorSchema, unpatrolled: z.array(z.object(gridRef)) }),
  firstTimeAtRisk: caseListSchema,
});

export const weeklyReportSchema = z.object({
  kind: z.literal('weekly'),
  ...common,
  previous: z.object({ period: z.string(), from: z.string(), to: z.string(), indicators: indicatorsSchema }),
  change: changeSchema,
  byVillage: z.array(
    z.object({
      gridId: z.string(),
      name: z.string(),
      indicators: indicatorsSchema,
      previous: indicatorsSchema,
      change: changeSchema,
    }),
  ),
  overdue: caseListSchema,
  atRisk: caseListSchema,
  leaderOwned: z.array(z.object({ leaderId: z.string(), items: z.array(caseLineSchema), more: z.boolean() })),
});

export const monthlyReportSchema = z.object({
  kind: z.literal('monthly'),
  ...common,
  repeatPetitions: count,
  /** Open cases whose deadline passed during the month; backlog: before it began. */
  overdue: caseListSchema,
  backlog: caseListSchema,
});

export const reportSchema = z.discriminatedUnion('kind', [
  dailyReportSchema,
  weeklyReportSchema,
  monthlyReportSchema,
]);
export type DailyReport = z.infer<typeof dailyReportSchema>;
export type WeeklyReport = z.infer<typeof weeklyReportSchema>;
export type MonthlyReport = z.infer<typeof monthlyReportSchema>;
export type Report = z.infer<typeof reportSchema>;

/** The backlog ledger (积案) of a period: `openAtStart + entered - resolved - otherwiseConcluded = remaining`. */
const backlogLedgerSchema = z.object({
  openAtStart: count,
  entered: count,
  resolved: count,
  otherwiseConcluded: count,
  remaining: count,
}) satisfies z.ZodType<BacklogLedger>;

/** Indicators over any range of days, for the town or a grid subtree; `byGrid` ranks, so small samples are hidden. */
export const metricsSchema = z.object({
  from: z.string(),
  to: z.string(),
  gridId: z.string().optional(),
  totals: totalsSchema,
  indicators: indicatorsSchema,
  /** Carried cases (积案): open when the period began, entered, resolved and concluded in it, remaining at its end. */
  backlog: backlogLedgerSchema,
  byGrid: z.array(
    z.object({
      gridId: z.string(),
      name: z.string(),
      level: z.enum(GRID_LEVELS),
      indicators: indicatorsSchema,
    }),
  ),
  itemsRead: count,
});
export type Metrics = z.infer<typeof metricsSchema>;

/** Each grid's counters, summed over days and shards. */
export function totalsByGrid(rows: readonly { gridId: string; counts: Totals }[]): Map<string, Totals> {
  const grouped = new Map<string, Totals[]>();
  for (const row of rows) grouped.set(row.gridId, [...(grouped.get(row.gridId) ?? []), row.counts]);
  return new Map([...grouped].map(([gridId, counts]) => [gridId, sumTotals(counts)]));
}

/** A grid's counters together with those of every grid below it. */
export const subtreeTotals = (byGrid: Map<string, Totals>, tree: readonly GridRecord[], grid: GridRecord) =>
  sumTotals(tree.filter((g) => g.path.startsWith(grid.path)).map((g) => byGrid.get(g.id) ?? {}));

export function rateChange(current: Indicators, previous: Indicators): Record<IndicatorName, number | null> {
  return Object.fromEntries(
    INDICATOR_NAMES.map((name) => {
      const now = current[name].rate;
      const before = previous[name].rate;
      return [name, now === null || before === null ? null : now - before];
    }),
  ) as Record<IndicatorName, number | null>;
}

/** Who answers for a case; a case filed online has no staff registrar to fall back on. */
export const responsibleOf = (record: CaseRecord): string | undefined =>
  record.assignee ??
  record.owner ??
  (record.registeredBy.role === 'petitioner' ? undefined : record.registeredBy.id);

export function caseLine(record: CaseRecord, asOf: Date): CaseLine {
  const watched = watchedDeadline(record);
  const responsible = responsibleOf(record);
  return {
    id: record.id,
    number: record.number,
    kind: record.kind,
    status: record.status,
    firstTime: record.firstTime,
    ...(record.gridId ? { gridId: record.gridId } : {}),
    ...(watched ? { deadline: { kind: watched.kind, due: watched.due.toISOString() } } : {}),
    late: watched !== undefined && watched.due.getTime() <= asOf.getTime(),
    ...(responsible ? { responsible } : {}),
  };
}

const n = (totals: Totals | undefined, name: CounterName) => totals?.[name] ?? 0;

/** The day's new cases by grid (busiest first) and by channel. */
export function newCases(totals: Totals, byGrid: Map<string, Totals>, tree: readonly GridRecord[]) {
  const grids = new Map(tree.map((g) => [g.id, g]));
  return {
    total: n(totals, 'registered'),
    byGrid: [...byGrid]
      .filter(([, t]) => n(t, 'registered') > 0)
      .map(([gridId, t]) => {
        const grid = grids.get(gridId);
        return {
          gridId,
          ...(grid ? { name: grid.name, level: grid.level } : {}),
          registered: n(t, 'registered'),
          petitions: n(t, 'petitions'),
          disputes: n(t, 'disputes'),
        };
      })
      .sort((a, b) => b.registered - a.registered || a.gridId.localeCompare(b.gridId)),
    byChannel: CHANNEL_CODES.map((channel) => ({ channel, count: n(totals, `channel_${channel}`) })),
  };
}

/** Village grids and grid units patrolled that day (a patrol counts for the grid it was logged on). */
export function patrolCoverage(byGrid: Map<string, Totals>, tree: readonly GridRecord[]) {
  const patrollable = tree.filter((g) => g.level !== 'comprehensive');
  const unpatrolled = patrollable.filter((g) => n(byGrid.get(g.id), 'patrols') === 0);
  const patrolled = patrollable.length - unpatrolled.length;
  return {
    coverage: {
      numerator: patrolled,
      denominator: patrollable.length,
      rate: patrollable.length === 0 ? null : patrolled / patrollable.length,
    },
    unpatrolled: unpatrolled.map((g) => ({ gridId: g.id, name: g.name, level: g.level })),
  };
}

/** A deadline as people read it: a midnight that ends a day is "that day, 24:00". */
export function beijingDeadline(iso: string): string {
  const at = DateTime.fromISO(iso, { zone: TIME_ZONE });
  if (at.hour === 0 && at.minute === 0) return `${at.minus({ days: 1 }).toISODate()} 24:00`;
  return at.toFormat('yyyy-MM-dd HH:mm');
}

const DEADLINE_NAMES = { acknowledge: '告知受理', reply: '答复', review: '复查复核答复' } as const;
const DEADLINE_NAMES_EN = {
  acknowledge: 'acknowledgement',
  reply: 'reply',
  review: 'review answer',
} as const;

/**
 * The monthly supervision notice (月督办) of one late case. Its id depends on the month and the case alone, so a run
 * repeated for the same month finds it already in the inbox and sends nothing twice.
 */
export function supervisionNotice(
  record: CaseRecord,
  recipient: string,
  month: Period,
  at: string,
): Notification | undefined {
  const watched = watchedDeadline(record);
  if (!watched) return undefined;
  const due = watched.due.toISOString();
  return {
    id: notificationId(periodEnd(month).toISOString(), 'supervision', month.id, record.id),
    town: record.town,
    recipient,
    kind: 'supervision',
    severity: 'overdue',
    caseId: record.id,
    caseNumber: record.number,
    text: {
      zh: `月督办（${month.id}）：案件 ${record.number} 已超过${DEADLINE_NAMES[watched.kind]}期限（${beijingDeadline(due)}），请抓紧办理并报告进展。`,
      en: `Monthly supervision (${month.id}): case ${record.number} missed its ${DEADLINE_NAMES_EN[watched.kind]} deadline (${due}); please act and report progress.`,
    },
    at,
    read: false,
  };
}

export const REPORT_TITLES: Record<ReportKind, string> = {
  daily: '日收集',
  weekly: '周通报',
  monthly: '月督办',
};

/** The bulletin for the `bulletins` topic: the period and its indicator numbers, nothing else. */
export function bulletinMessage(town: string, report: Report, at: string): OutboxMessage {
  return {
    id: notificationId(report.to, 'bulletin', town, report.kind, report.period),
    topic: 'bulletins',
    subject: `${REPORT_TITLES[report.kind]} ${report.period}`,
    body: {
      kind: 'bulletin',
      report: report.kind,
      period: report.period,
      from: report.from,
      to: report.to,
      indicators: report.indicators,
    },
    attributes: { town, recipient: '*', role: 'staff', severity: 'notice' },
    at,
  };
}
