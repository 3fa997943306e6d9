import * as z from 'zod/mini';
import type { BacklogLedger } from './backlog.js';
import type { CaseRecord } from './case.js';
import { CHANNEL_CODES, KIND_CODES, STATUS_CODES } from './catalog.js';
import type { CounterName } from './counter-names.js';
import { GRID_LEVELS, type GridRecord } from './grid.js';
import { type Indicators, indicators, sumTotals, type Totals } from './indicators.js';
import { watchedDeadline } from './ladder.js';
import { lastDayText } from './last-day.js';
import { handOffFiguresSchema, mediationFiguresSchema } from './mediation-figures.js';
import { missedDecisionSchema } from './meeting.js';
import { type Notification, notificationId, type OutboxMessage } from './notification.js';
import { type Period, parsePeriod, periodEnd } from './periods.js';
import { receptionSectionSchema } from './reception.js';

/**
 * The bulletins of the cadence 日收集、周通报、月督办, as data: numbers from the counters, and lists of cases by number,
 * status, deadline and the staff member who answers for them. Never a title, a name or anything else personal.
 */

export type IndicatorName = keyof Indicators;
export const INDICATOR_NAMES = Object.keys(indicators({})) as [IndicatorName, ...IndicatorName[]];

const count = z.number().check(z.int());
const indicatorSchema = z.object({
  numerator: count,
  denominator: count,
  rate: z.nullable(z.number()),
});
const indicatorsSchema = z.record(z.enum(INDICATOR_NAMES), indicatorSchema);
const totalsSchema = z.partialRecord(z.string(), z.number());
/** Each rate minus the previous period's (a difference of fractions); null where either rate is null. */
const changeSchema = z.record(z.enum(INDICATOR_NAMES), z.nullable(z.number()));

const caseLineSchema = z.object({
  id: z.string(),
  number: z.string(),
  kind: z.enum(KIND_CODES),
  status: z.enum(STATUS_CODES),
  firstTime: z.boolean(),
  gridId: z.optional(z.string()),
  /** The deadline staff must meet next. */
  deadline: z.optional(z.object({ kind: z.enum(['acknowledge', 'reply', 'review']), due: z.string() })),
  /** That deadline had passed when the report was made. */
  late: z.boolean(),
  /** Staff user id: the assignee, else the owner (包案领导), else the registrar. */
  responsible: z.optional(z.string()),
});
type CaseLine = z.infer<typeof caseLineSchema>;

/** The first cases of a list (at most the report's cap) and how many there are in all. */
export const caseListSchema = z.object({ total: count, items: z.array(caseLineSchema) });
export type CaseList = z.infer<typeof caseListSchema>;

const gridRef = {
  gridId: z.string(),
  name: z.optional(z.string()),
  level: z.optional(z.enum(GRID_LEVELS)),
};

const common = {
  period: z.string(),
  from: z.string(),
  to: z.string(),
  generatedAt: z.string(),
  /** Items DynamoDB returned to make the report (its read cost). */
  itemsRead: count,
  /** When the scheduled run stored it; absent for a report made on request. */
  storedAt: z.optional(z.string()),
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
  /** Leaders' receptions (领导接访) of the week against the roster; absent in reports stored before. */
  reception: z.optional(receptionSectionSchema),
  /** People's mediation and the hand-offs of the week, as the metrics count them; absent in reports stored before. */
  mediation: z.optional(mediationFiguresSchema),
  handOffs: z.optional(handOffFiguresSchema),
});

export const monthlyReportSchema = z.object({
  kind: z.literal('monthly'),
  ...common,
  repeatPetitions: count,
  /** Open cases whose deadline passed during the month; backlog: before it began. */
  overdue: caseListSchema,
  backlog: caseListSchema,
  /** Meeting decisions still open after their last day, as of the month's end; absent in reports stored before. */
  missedDecisions: z.optional(z.object({ total: count, items: z.array(missedDecisionSchema) })),
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
}) satisfies z.ZodMiniType<BacklogLedger>;

/** Indicators over any range of days, for the town or a grid subtree; `byGrid` ranks, so small samples are hidden. */
export const metricsSchema = z.object({
  from: z.string(),
  to: z.string(),
  gridId: z.optional(z.string()),
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
  /** Meetings (联席会议、会商) held in the period, and the town's meeting decisions open and overdue now. */
  meetings: count,
  /** Meetings held in the period by their chair (a leader, by staff id, with the directory's name). */
  meetingsByChair: z.array(z.object({ chairId: z.string(), name: z.optional(z.string()), held: count })),
  decisions: z.object({
    open: count,
    overdue: count,
    byOwner: z.array(
      z.object({ ownerId: z.string(), name: z.optional(z.string()), open: count, overdue: count }),
    ),
  }),
  /** Leaders' receptions (领导接访) in the period, the town's whatever grid is asked for. */
  reception: z.object({ receptions: count, batches: count, personTimes: count, settledOnTheSpot: count }),
  /** People's mediation (人民调解) in the period: success and performance rates with their samples. */
  mediation: mediationFiguresSchema,
  /** Hand-offs to the window's other lines (五位一体) in the period, and their returns. */
  handOffs: handOffFiguresSchema,
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
      zh: `月督办（${monthText(month.id, 'zh')}）：案件 ${record.number} 已超过${DEADLINE_NAMES[watched.kind]}期限（${lastDayText(due, 'zh')}），请抓紧办理并报告进展。`,
      en: `Monthly supervision (${monthText(month.id, 'en')}): case ${record.number} missed its ${DEADLINE_NAMES_EN[watched.kind]} deadline (${lastDayText(due, 'en')}); please act and report progress.`,
    },
    at,
    read: false,
  };
}

/** The bulletin for the `bulletins` topic: the period and its indicator numbers, nothing else. */
export function bulletinMessage(
  town: string,
  profile: TownProfile,
  report: Report,
  at: string,
): OutboxMessage {
  const heading = (language: Language) =>
    fullTitle(bulletinHeading(report, townNames(profile, language).town, language), language);
  return {
    id: notificationId(report.to, 'bulletin', town, report.kind, report.period),
    topic: 'bulletins',
    subject: heading('zh'),
    body: {
      kind: 'bulletin',
      report: report.kind,
      title: { zh: heading('zh'), en: heading('en') },
      period: report.period,
      from: report.from,
      to: report.to,
      indicators: report.indicators,
    },
    attributes: { town, recipient: '*', role: 'staff', severity: 'notice' },
    at,
  };
}

type Language = 'zh' | 'en';

/**
 * How a town names itself on its bulletins: set by its admin, with defaults until then. The English forms fall back to
 * the Chinese ones, as a place's own name stays what it is.
 */
export interface TownProfile {
  townName: string;
  issuingOffice: string;
  townNameEn?: string;
  issuingOfficeEn?: string;
}

/** What a printed page adds to a report: the town's names, staff names by user id, the smallest sample ranked. */
export interface PageContext {
  profile: TownProfile;
  staffNames: ReadonlyMap<string, string>;
  rankingMinimum: number;
}

export const DEFAULT_TOWN_PROFILE: TownProfile = { townName: '本镇', issuingOffice: '本镇信访办公室' };
const DEFAULT_NAMES_EN = { town: 'Town', office: 'Town Petition Office' };

/** The town's name and its issuing office in one language. */
export function townNames(profile: TownProfile, language: Language): { town: string; office: string } {
  if (language === 'zh') return { town: profile.townName, office: profile.issuingOffice };
  const isDefault = (value: string, fallback: string) => value === fallback;
  return {
    town:
      profile.townNameEn ??
      (isDefault(profile.townName, DEFAULT_TOWN_PROFILE.townName) ? DEFAULT_NAMES_EN.town : profile.townName),
    office:
      profile.issuingOfficeEn ??
      (isDefault(profile.issuingOffice, DEFAULT_TOWN_PROFILE.issuingOffice)
        ? DEFAULT_NAMES_EN.office
        : profile.issuingOffice),
  };
}

const EN_MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const;

const parts = (date: string) => date.split('-').map(Number) as [number, number, number];

/** A Beijing date in words: `2026年12月3日` or `3 Dec 2026`; without the year, `12月3日` or `3 Dec`. */
export function dateText(date: string, language: Language, withYear = true): string {
  const [year, month, day] = parts(date);
  if (language === 'zh') return `${withYear ? `${year}年` : ''}${month}月${day}日`;
  return `${day} ${EN_MONTHS[month - 1]?.slice(0, 3)}${withYear ? ` ${year}` : ''}`;
}

/** A month (`2026-12`) in words: `2026年12月` or `December 2026`. */
export function monthText(month: string, language: Language): string {
  const [year, number] = parts(month);
  return language === 'zh' ? `${year}年${number}月` : `${EN_MONTHS[number - 1]} ${year}`;
}

/**
 * From one date to another, the year said once when both fall in it (`2026年11月1日—12月3日`, `1 Nov – 3 Dec 2026`);
 * `short` leaves out a year both share, for a title that already gives it. One day is that day.
 */
export function rangeText(from: string, to: string, language: Language, short = false): string {
  if (from === to) return dateText(from, language, !short);
  const sameYear = from.slice(0, 4) === to.slice(0, 4);
  return language === 'zh'
    ? `${dateText(from, 'zh', !sameYear || !short)}—${dateText(to, 'zh', !sameYear)}`
    : `${dateText(from, 'en', !sameYear)} – ${dateText(to, 'en', !sameYear || !short)}`;
}

const KIND_TITLES = {
  daily: { zh: '信访工作日报', en: 'Daily Petition Work Report' },
  weekly: { zh: '信访工作周通报', en: 'Weekly Petition Work Bulletin' },
  monthly: { zh: '信访工作月报', en: 'Monthly Petition Work Report' },
} as const;

/**
 * The official title of a bulletin and the period it covers: 某镇信访工作周通报, 2026年第49周（11月30日—12月6日）.
 */
export function bulletinHeading(
  report: Pick<Report, 'kind' | 'period' | 'from' | 'to'>,
  town: string,
  language: Language,
): { title: string; subtitle: string } {
  const kind = KIND_TITLES[report.kind];
  const title = language === 'zh' ? `${town}${kind.zh}` : `${kind.en}, ${town}`;
  if (report.kind === 'daily') return { title, subtitle: dateText(report.from, language) };
  if (report.kind === 'monthly') return { title, subtitle: monthText(report.period, language) };
  const [weekYear, week] = report.period.split('-W').map(Number) as [number, number];
  const range = rangeText(report.from, report.to, language, true);
  return {
    title,
    subtitle:
      language === 'zh' ? `${weekYear}年第${week}周（${range}）` : `${weekYear}, week ${week} (${range})`,
  };
}

/** Title and subtitle on one line: `某镇信访工作月报 2026年9月`, `Monthly Petition Work Report, 某镇: September 2026`. */
export const fullTitle = (heading: { title: string; subtitle: string }, language: Language): string =>
  `${heading.title}${language === 'zh' ? ' ' : ': '}${heading.subtitle}`;

/**
 * The issue number: the period's place in its year (the day of the year, the ISO week, the month), so the number
 * follows from the period alone and a bulletin made again keeps it.
 */
export function issueNumber(report: Pick<Report, 'kind' | 'period' | 'from'>): number {
  if (report.kind === 'weekly') return Number(report.period.split('-W')[1]);
  if (report.kind === 'monthly') return Number(report.period.slice(5, 7));
  const [year, month, day] = parts(report.from);
  return Math.round((Date.UTC(year, month - 1, day) - Date.UTC(year, 0, 1)) / 86_400_000) + 1;
}

/** Whether the period had not ended when the report was made, so its numbers run only to then. */
export function periodOngoing(report: Pick<Report, 'kind' | 'period' | 'generatedAt'>): boolean {
  const period = parsePeriod(report.kind, report.period);
  return period !== undefined && new Date(report.generatedAt).getTime() < periodEnd(period).getTime();
}

/** The opening line's counts: new registrations, acknowledgements (受理 or not), replies, deadlines missed. */
export function openingCounts(totals: Totals) {
  return {
    registered: n(totals, 'registered'),
    acknowledged: n(totals, 'ackOnTime') + n(totals, 'ackMissed'),
    replied: n(totals, 'replied'),
    missed: n(totals, 'ackMissed') + n(totals, 'replyMissed') + n(totals, 'reviewMissed'),
  };
}
