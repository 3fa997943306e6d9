import { CaseRepository } from '../adapters/case-repository.js';
import { CounterRepository } from '../adapters/counter-repository.js';
import type { Deps } from '../adapters/deps.js';
import { GridRepository } from '../adapters/grid-repository.js';
import { MeetingRepository } from '../adapters/meeting-repository.js';
import { NotificationRepository } from '../adapters/notification-repository.js';
import { logger } from '../adapters/observability.js';
import type { Publisher } from '../adapters/publisher.js';
import { ReceptionRepository } from '../adapters/reception-repository.js';
import { ReportRepository } from '../adapters/report-repository.js';
import { SettingsRepository } from '../adapters/settings-repository.js';
import { backlogLedger } from '../domain/backlog.js';
import type { CaseRecord } from '../domain/case.js';
import { beijingDate, eachDay } from '../domain/deadlines.js';
import { hideSmallSamples, indicators, sumTotals } from '../domain/indicators.js';
import { handOffFigures, mediationFigures } from '../domain/mediation-figures.js';
import {
  type DecisionRecord,
  decisionSupervisionNotice,
  decisionTally,
  type MonthWords,
  meetingsByChair,
  missedDecisionLine,
  missedDecisionsSummary,
} from '../domain/meeting.js';
import { type Notification, toOutbox } from '../domain/notification.js';
import {
  type Period,
  parsePeriod,
  periodEnd,
  periodStart,
  previousPeriod,
  type ReportKind,
  runPeriod,
} from '../domain/periods.js';
import { receptionSummary, receptionTotals } from '../domain/reception.js';
import {
  bulletinMessage,
  type CaseList,
  caseLine,
  type DailyReport,
  type Metrics,
  type MonthlyReport,
  monthText,
  newCases,
  type PageContext,
  patrolCoverage,
  type Report,
  rateChange,
  responsibleOf,
  subtreeTotals,
  supervisionNotice,
  totalsByGrid,
  type WeeklyReport,
} from '../domain/report.js';
import { yearlySummary, yearRange } from '../domain/yearly.js';
import { publishOutbox } from './sweep.js';

/**
 * The bulletins of 日收集、周通报、月督办 and the indicators behind them. Numbers come from the counters (a Query per
 * day, whatever the number of cases); lists come from the index of open cases by deadline and from the relations
 * index, capped. Every report says how many items DynamoDB returned to make it.
 */

interface ReportDeps {
  cases: CaseRepository;
  counters: CounterRepository;
  grids: GridRepository;
  reports: ReportRepository;
  notifications: NotificationRepository;
  settings: SettingsRepository;
  publisher: Publisher;
  meetings: MeetingRepository;
  receptions: ReceptionRepository;
  now: () => Date;
}

export const reportDeps = (deps: Deps): ReportDeps => ({
  cases: new CaseRepository(deps.db, deps.tables.cases),
  counters: new CounterRepository(deps.db, deps.tables.cases),
  grids: new GridRepository(deps.db, deps.tables.grids),
  reports: new ReportRepository(deps.db, deps.tables.cases),
  notifications: new NotificationRepository(deps.db, deps.tables.cases),
  settings: new SettingsRepository(deps.db, deps.tables.grids),
  publisher: deps.publisher,
  meetings: new MeetingRepository(deps.db, deps.tables.cases),
  receptions: new ReceptionRepository(deps.db, deps.tables),
  now: deps.now,
});

/** At most this many cases in each list of a report. */
const LIST_LIMIT = 20;
const OWNED_PER_LEADER = 10;
const MAX_LEADERS = 20;
const AT_RISK_DAYS = 3;
const DAY_MS = 24 * 60 * 60 * 1000;
/** A long range of counters is read as chunks of days in parallel. */
const CHUNK_DAYS = 7;
/** The most late cases one monthly run sends notices for; a town with more has a problem no notice fixes. */
const SUPERVISION_MAX = 1000;
/** A notice is an inbox and an outbox item: 50 stay within DynamoDB's 100 actions per transaction. */
const NOTICES_PER_TRANSACTION = 50;

const atRiskUntil = (now: Date) => new Date(now.getTime() + AT_RISK_DAYS * DAY_MS);
/** Just after `at`: a deadline at `at` itself has passed by then (an act at the deadline is late). */
const through = (at: Date) => new Date(at.getTime() + 1);

/** A town's counters over `from`..`to`, in chunks of days read in parallel (the city's bulletin reads them too). */
export async function readCounters(deps: ReportDeps, town: string, from: string, to: string) {
  const days = eachDay(from, to);
  const chunks: string[][] = [];
  for (let i = 0; i < days.length; i += CHUNK_DAYS) chunks.push(days.slice(i, i + CHUNK_DAYS));
  const reads = await Promise.all(chunks.map((c) => deps.counters.read(town, c[0]!, c.at(-1)!)));
  return {
    rows: reads.flatMap((r) => r.rows),
    itemsRead: reads.reduce((sum, r) => sum + r.itemsRead, 0),
  };
}

const caseList = (found: { items: CaseRecord[]; total: number }, asOf: Date): CaseList => ({
  total: found.total,
  items: found.items.map((record) => caseLine(record, asOf)),
});

const periodFields = (period: Period) => ({ period: period.id, from: period.from, to: period.to });

async function dailyReport(deps: ReportDeps, town: string, period: Period, now: Date): Promise<DailyReport> {
  const [counters, tree, atRisk] = await Promise.all([
    readCounters(deps, town, period.from, period.to),
    deps.grids.tree(town),
    deps.cases.dueBefore(town, atRiskUntil(now), LIST_LIMIT, { firstTimePetitions: true }),
  ]);
  const totals = sumTotals(counters.rows.map((row) => row.counts));
  const byGrid = totalsByGrid(counters.rows);
  return {
    kind: 'daily',
    ...periodFields(period),
    generatedAt: now.toISOString(),
    itemsRead: counters.itemsRead + tree.length + atRisk.itemsRead,
    totals,
    indicators: indicators(totals),
    newCases: newCases(totals, byGrid, tree),
    patrolCoverage: patrolCoverage(byGrid, tree),
    firstTimeAtRisk: caseList(atRisk, now),
  };
}

/** The newest cases each leader owns (包案), through the relations index; at most MAX_LEADERS leaders. */
async function leaderOwned(deps: ReportDeps, town: string, now: Date) {
  const staff = await deps.grids.staff(town);
  const leaders = staff.filter((s) => s.roles.includes('leader')).slice(0, MAX_LEADERS);
  const pages = await Promise.all(
    leaders.map(async ({ userId }) => ({
      leaderId: userId,
      page: await deps.cases.list(
        town,
        { sources: [{ index: 'related', userId, relation: 'owner', skipGridPaths: [] }], filters: {} },
        OWNED_PER_LEADER,
      ),
    })),
  );
  return {
    owned: pages
      .filter(({ page }) => page.items.length > 0)
      .map(({ leaderId, page }) => ({
        leaderId,
        items: page.items.map((record) => caseLine(record, now)),
        more: page.nextCursor !== undefined,
      })),
    itemsRead: staff.length + pages.reduce((sum, { page }) => sum + page.itemsRead, 0),
  };
}

export async function weeklyReport(
  deps: ReportDeps,
  town: string,
  period: Period,
  now: Date,
): Promise<WeeklyReport> {
  const previous = previousPeriod(period);
  const [counters, tree, policy, overdue, atRisk, owned, reception] = await Promise.all([
    readCounters(deps, town, previous.from, period.to),
    deps.grids.tree(town),
    deps.settings.policy(town),
    deps.cases.dueBefore(town, through(now), LIST_LIMIT),
    deps.cases.dueBefore(town, atRiskUntil(now), LIST_LIMIT, { from: through(now) }),
    leaderOwned(deps, town, now),
    weekReceptions(deps, town, period),
  ]);
  const thisWeek = counters.rows.filter((row) => row.day >= period.from);
  const lastWeek = counters.rows.filter((row) => row.day < period.from);
  const totals = sumTotals(thisWeek.map((row) => row.counts));
  const current = indicators(totals);
  const before = indicators(sumTotals(lastWeek.map((row) => row.counts)));
  const [gridsNow, gridsBefore] = [totalsByGrid(thisWeek), totalsByGrid(lastWeek)];
  const ranked = (byGrid: typeof gridsNow, grid: (typeof tree)[number]) =>
    hideSmallSamples(indicators(subtreeTotals(byGrid, tree, grid)), policy.rankingMinimum);
  return {
    kind: 'weekly',
    ...periodFields(period),
    generatedAt: now.toISOString(),
    itemsRead:
      counters.itemsRead +
      tree.length +
      overdue.itemsRead +
      atRisk.itemsRead +
      owned.itemsRead +
      reception.itemsRead,
    totals,
    indicators: current,
    previous: { ...periodFields(previous), indicators: before },
    change: rateChange(current, before),
    byVillage: tree
      .filter((grid) => grid.level === 'village')
      .sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'))
      .map((village) => {
        const latest = ranked(gridsNow, village);
        const prior = ranked(gridsBefore, village);
        return {
          gridId: village.id,
          name: village.name,
          indicators: latest,
          previous: prior,
          change: rateChange(latest, prior),
        };
      }),
    overdue: caseList(overdue, now),
    atRisk: caseList(atRisk, now),
    leaderOwned: owned.owned,
    reception: reception.section,
    mediation: mediationFigures(
      totals,
      tree
        .filter((grid) => grid.level === 'village')
        .map((grid) => ({ grid, totals: subtreeTotals(gridsNow, tree, grid) })),
    ),
    handOffs: handOffFigures(totals),
  };
}

/** The week's receptions against its roster (a week's roster days and receptions: a Query per month each). */
async function weekReceptions(deps: ReportDeps, town: string, period: Period) {
  const [roster, receptions, staff] = await Promise.all([
    deps.receptions.roster(town, period.from, period.to),
    deps.receptions.receptions(town, period.from, period.to),
    deps.grids.staff(town),
  ]);
  return {
    section: receptionSummary(roster, receptions, staffNames(staff)),
    itemsRead: roster.length + receptions.length + staff.length,
  };
}

/**
 * Lists of cases still open, late as of the month's end (or now, in the current month): overdue, a deadline on a day of
 * the month; backlog, on a day before it.
 */
async function monthlyReport(
  deps: ReportDeps,
  town: string,
  period: Period,
  now: Date,
): Promise<MonthlyReport> {
  const start = periodStart(period);
  const asOf = new Date(Math.min(now.getTime(), periodEnd(period).getTime()));
  const [counters, overdue, backlog, missed, staff] = await Promise.all([
    readCounters(deps, town, period.from, period.to),
    deps.cases.dueBefore(town, through(asOf), LIST_LIMIT, { from: through(start) }),
    deps.cases.dueBefore(town, through(start), LIST_LIMIT),
    deps.meetings.missedBefore(town, through(asOf), LIST_LIMIT),
    deps.grids.staff(town),
  ]);
  const names = staffNames(staff);
  const totals = sumTotals(counters.rows.map((row) => row.counts));
  return {
    kind: 'monthly',
    ...periodFields(period),
    generatedAt: now.toISOString(),
    itemsRead: counters.itemsRead + overdue.itemsRead + backlog.itemsRead + missed.itemsRead + staff.length,
    totals,
    indicators: indicators(totals),
    // second tracks registered and repeats linked to their open case alike
    repeatPetitions: (totals.repeat ?? 0) + (totals.repeatLinked ?? 0),
    overdue: caseList(overdue, now),
    backlog: caseList(backlog, now),
    missedDecisions: {
      total: missed.total,
      items: missed.items.map((decision) => missedDecisionLine(decision, names(decision.ownerId))),
    },
  };
}

/** Staff names by id; someone the directory does not know has none (and is never shown by id). */
const staffNames =
  (staff: readonly { userId: string; name: string }[]) =>
  (userId: string): string | undefined =>
    staff.find((member) => member.userId === userId)?.name;

function generateReport(deps: ReportDeps, town: string, period: Period, now: Date): Promise<Report> {
  switch (period.kind) {
    case 'daily':
      return dailyReport(deps, town, period, now);
    case 'weekly':
      return weeklyReport(deps, town, period, now);
    case 'monthly':
      return monthlyReport(deps, town, period, now);
  }
}

/** The stored report of the period, or one made now when the scheduled run has not stored it. */
export async function reportFor(deps: ReportDeps, town: string, period: Period, now: Date): Promise<Report> {
  return (
    (await deps.reports.get(town, period.kind, period.id)) ?? (await generateReport(deps, town, period, now))
  );
}

async function pageContext(deps: ReportDeps, town: string): Promise<PageContext> {
  const [{ policy, profile }, staff] = await Promise.all([
    deps.settings.settings(town),
    deps.grids.staff(town),
  ]);
  return {
    profile,
    staffNames: new Map(staff.map((member) => [member.userId, member.name])),
    rankingMinimum: policy.rankingMinimum,
  };
}

/** The report of the period with what its printed page needs. */
export async function bulletinFor(deps: ReportDeps, town: string, period: Period, now: Date) {
  const [report, context] = await Promise.all([reportFor(deps, town, period, now), pageContext(deps, town)]);
  return { report, context };
}

/** The metrics with what their printed page needs; undefined as for `metrics`. */
/** The yearly summary of a year begun: its days' counters, summed (a Query per day, read in chunks in parallel). */
export async function yearlyReport(deps: ReportDeps, town: string, year: string, now: Date) {
  const range = yearRange(year, beijingDate(now));
  const counters = await readCounters(deps, town, range.from, range.to);
  return yearlySummary(year, range, sumTotals(counters.rows.map((row) => row.counts)), {
    generatedAt: now.toISOString(),
    itemsRead: counters.itemsRead,
  });
}

/** The yearly summary with what its printed page shows beside it. */
export async function yearlyPage(deps: ReportDeps, town: string, year: string, now: Date) {
  const [report, context] = await Promise.all([yearlyReport(deps, town, year, now), pageContext(deps, town)]);
  return { report, context };
}

export async function metricsPage(
  deps: ReportDeps,
  town: string,
  range: { from: string; to: string; gridId?: string },
) {
  const [body, context] = await Promise.all([metrics(deps, town, range), pageContext(deps, town)]);
  return body && { metrics: body, context };
}

/** Indicators over `from`..`to` for the town or a grid's subtree; undefined when `gridId` is no grid of the town. */
export async function metrics(
  deps: ReportDeps,
  town: string,
  range: { from: string; to: string; gridId?: string },
): Promise<Metrics | undefined> {
  const [tree, policy] = await Promise.all([deps.grids.tree(town), deps.settings.policy(town)]);
  const root = range.gridId ? tree.find((grid) => grid.id === range.gridId) : undefined;
  if (range.gridId && !root) return undefined;
  // the backlog ledger is read whole: it holds the carried cases only, entered once
  const [counters, carried, held, open, staff] = await Promise.all([
    readCounters(deps, town, range.from, range.to),
    deps.cases.backlogCases(town),
    deps.meetings.list(town, range.from, range.to),
    deps.meetings.openDecisions(town),
    deps.grids.staff(town),
  ]);
  const names = staffNames(staff);
  const named = <T>(id: string, fields: T) => {
    const name = names(id);
    return { ...fields, ...(name ? { name } : {}) };
  };
  const decisions = decisionTally(open, deps.now());
  const inScope = carried.items.filter((record) => !root || record.gridPath?.startsWith(root.path));
  const byGrid = totalsByGrid(counters.rows);
  // by path, so each subtree reads together
  const scope = tree
    .filter((grid) => !root || grid.path.startsWith(root.path))
    .sort((a, b) => a.path.localeCompare(b.path));
  const totals = root ? subtreeTotals(byGrid, tree, root) : sumTotals(counters.rows.map((row) => row.counts));
  return {
    from: range.from,
    to: range.to,
    ...(root ? { gridId: root.id } : {}),
    totals,
    indicators: indicators(totals),
    backlog: backlogLedger(inScope, range.from, range.to),
    byGrid: scope.map((grid) => ({
      gridId: grid.id,
      name: grid.name,
      level: grid.level,
      indicators: hideSmallSamples(indicators(subtreeTotals(byGrid, tree, grid)), policy.rankingMinimum),
    })),
    // meetings and their decisions are the town's, whatever grid is asked for
    meetings: held.length,
    meetingsByChair: meetingsByChair(held).map((chair) => named(chair.chairId, chair)),
    decisions: { ...decisions, byOwner: decisions.byOwner.map((owner) => named(owner.ownerId, owner)) },
    // the leaders' receptions are the town's too (counted at the window level, outside any grid)
    reception: receptionTotals(sumTotals(counters.rows.map((row) => row.counts))),
    mediation: mediationFigures(
      totals,
      scope
        .filter((grid) => grid.level === 'village')
        .map((grid) => ({ grid, totals: subtreeTotals(byGrid, tree, grid) })),
    ),
    handOffs: handOffFigures(totals),
    itemsRead:
      counters.itemsRead + tree.length + carried.itemsRead + held.length + open.length + staff.length,
  };
}

/**
 * Sends one transaction of notices, an inbox and an outbox item each. Notices already in their inbox (a run repeated)
 * are left out and the rest tried again: each refusal names at least one, so this ends.
 */
async function sendNew(deps: ReportDeps, notices: Notification[]): Promise<number> {
  let pending = notices;
  while (pending.length > 0) {
    const items = pending.flatMap((notice) => [
      deps.notifications.inboxPut(notice),
      deps.notifications.outboxPut(toOutbox(notice, 'responsible')),
    ]);
    const existing = new Set((await deps.reports.writeNew(items)).map((i) => Math.floor(i / 2)));
    if (existing.size === 0) return pending.length;
    pending = pending.filter((_, i) => !existing.has(i));
  }
  return 0;
}

/** 月督办: every open case late at the month's end, to the person who answers for it; one transaction per person. */
async function sendSupervision(deps: ReportDeps, town: string, month: Period, now: Date): Promise<number> {
  const asOf = new Date(Math.min(now.getTime(), periodEnd(month).getTime()));
  const late = await deps.cases.dueBefore(town, through(asOf), SUPERVISION_MAX);
  if (late.total > late.items.length)
    logger.warn('more late cases than one supervision run notices', { town, total: late.total });
  const at = now.toISOString();
  const byPerson = new Map<string, Notification[]>();
  for (const record of late.items) {
    const recipient = responsibleOf(record);
    const notice = recipient ? supervisionNotice(record, recipient, month, at) : undefined;
    if (recipient && notice) byPerson.set(recipient, [...(byPerson.get(recipient) ?? []), notice]);
  }
  let sent = 0;
  for (const notices of byPerson.values())
    for (let i = 0; i < notices.length; i += NOTICES_PER_TRANSACTION)
      sent += await sendNew(deps, notices.slice(i, i + NOTICES_PER_TRANSACTION));
  return sent + (await superviseDecisions(deps, town, month, asOf, at));
}

/**
 * 月督办 of meeting decisions: each open one past its last day at the month's end to its owner, and to the petition
 * office one notice naming them all with who answers for each.
 */
async function superviseDecisions(
  deps: ReportDeps,
  town: string,
  month: Period,
  asOf: Date,
  at: string,
): Promise<number> {
  const missed = await deps.meetings.missedBefore(town, through(asOf), SUPERVISION_MAX);
  if (missed.total === 0) return 0;
  const staff = await deps.grids.staff(town);
  const names = staffNames(staff);
  const words: MonthWords = {
    id: month.id,
    zh: monthText(month.id, 'zh'),
    en: monthText(month.id, 'en'),
    end: periodEnd(month).toISOString(),
  };
  const named = missed.items.map((decision: DecisionRecord) => ({
    decision,
    ownerName: names(decision.ownerId),
  }));
  const notices = [
    ...missed.items.map((decision) => decisionSupervisionNotice(decision, words, at)),
    ...staff
      .filter((member) => member.roles.includes('supervisor'))
      .map((member) => missedDecisionsSummary(town, named, missed.total, member.userId, words, at)),
  ];
  let sent = 0;
  for (let i = 0; i < notices.length; i += NOTICES_PER_TRANSACTION)
    sent += await sendNew(deps, notices.slice(i, i + NOTICES_PER_TRANSACTION));
  return sent;
}

interface ScheduledRun {
  town: string;
  kind: ReportKind;
  period: string;
  /** False when the period was already stored (and published) by an earlier run. */
  stored: boolean;
  notices: number;
  itemsRead: number;
}

/**
 * A scheduled run for one town: makes the period's report, stores it and queues its bulletin in one transaction
 * (once per period), and for the monthly run sends the supervision notices.
 */
async function runScheduledReport(
  deps: ReportDeps,
  town: string,
  kind: ReportKind,
  now: Date,
): Promise<ScheduledRun> {
  const period = runPeriod(kind, now);
  const [report, profile] = await Promise.all([
    generateReport(deps, town, period, now),
    deps.settings.townProfile(town),
  ]);
  const at = now.toISOString();
  const existing = await deps.reports.writeNew([
    deps.reports.put(town, { ...report, storedAt: at }),
    deps.notifications.outboxPut(bulletinMessage(town, profile, report, at)),
  ]);
  const notices = kind === 'monthly' ? await sendSupervision(deps, town, period, now) : 0;
  return {
    town,
    kind,
    period: period.id,
    stored: existing.length === 0,
    notices,
    itemsRead: report.itemsRead,
  };
}

/** Every town's run, then the outbox published. A town that fails does not stop the others; the run reports it. */
export async function runScheduledReports(
  deps: ReportDeps,
  towns: readonly string[],
  kind: ReportKind,
  now: Date,
) {
  const runs: ScheduledRun[] = [];
  const failed: string[] = [];
  for (const town of towns) {
    try {
      runs.push(await runScheduledReport(deps, town, kind, now));
    } catch (error) {
      failed.push(town);
      logger.error('scheduled report failed', { town, kind, error: error as Error });
    }
  }
  const outbox = await publishOutbox(deps);
  return { runs, failed, published: outbox.published, publishFailed: outbox.failed };
}

/** `TOWNS=town-a,town-b`: the towns a deployment serves. */
export const townsFrom = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((town) => town.trim())
    .filter(Boolean);

/** For the benchmark: the items DynamoDB returns to make one weekly bulletin (nothing is stored or sent). */
export async function weeklyBulletinItemsRead(
  deps: ReportDeps,
  town: string,
  week: string,
  now: Date,
): Promise<number> {
  const period = parsePeriod('weekly', week);
  if (!period) throw new Error(`not an ISO week: ${week}`);
  return (await weeklyReport(deps, town, period, now)).itemsRead;
}
