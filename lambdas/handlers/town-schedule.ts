import type { Metrics } from '@aws-lambda-powertools/metrics';
import { Cron } from 'croner';
import { type Deps, depsFromEnv } from '../adapters/deps.js';
import { withEvidence } from '../adapters/evidence-store.js';
import { cloudMetrics, publishCounts } from '../adapters/metrics.js';
import { logger } from '../adapters/observability.js';
import type { ReportKind } from '../domain/periods.js';
import { SCHEDULES, TOWN_WORK, type TownWork } from '../domain/schedules.js';
import { nightlyDeadlineUpkeep } from '../usecases/deadline-upkeep.js';
import { eraseExpiredInTowns } from '../usecases/erase-personal-data.js';
import { sendRosterNoticesInTowns } from '../usecases/reception-roster.js';
import { reportDeps, runScheduledReports, townsFrom } from '../usecases/reports.js';

const isTownWork = (value: unknown): value is TownWork => TOWN_WORK.includes(value as TownWork);
const isReport = (kind: TownWork): kind is ReportKind => kind !== 'retention' && kind !== 'reception';

/** How long after its minute a run still belongs to that schedule (Scheduler's and Lambda's retries come later). */
const RUN_WINDOW_MS = 3 * 60 * 60 * 1000;

/** The schedules (SCHEDULES, Beijing time) of this function whose latest run time is at most RUN_WINDOW_MS before `now`. */
export function dueTownWork(now: Date): TownWork[] {
  return TOWN_WORK.filter((kind) => {
    const cron = new Cron(SCHEDULES[kind].cron, { timezone: SCHEDULES.timeZone, paused: true });
    // previousRuns leaves out a run at the very reference instant
    const [last] = cron.previousRuns(1, new Date(now.getTime() + 1000));
    return last !== undefined && now.getTime() - last.getTime() <= RUN_WINDOW_MS;
  });
}

/** `{kind}` names the work; a schedule that sends no input is matched by the time it fired. */
export interface TownScheduleEvent {
  kind?: TownWork;
}

/**
 * The scheduled town work (EventBridge Scheduler, Asia/Shanghai): the bulletins, each due kind for every town, stored
 * and published once per period (the monthly run also sends the supervision notices); and the nightly retention
 * erasure, with the deadline upkeep (calendar gaps told to the admins, an unfinished recomputation carried on); each
 * afternoon, every leader with reception duty tomorrow hears of it in their inbox. A
 * failed town or publish fails the run, so the scheduler's retry and alarm see it; a retry repeats nothing already done.
 */
export function createTownScheduleHandler(deps: Deps, towns: readonly string[], metrics?: Metrics) {
  if (towns.length === 0) throw new Error('TOWNS names no town');
  const reports = reportDeps(deps);
  /** One kind of work for every town: what it did, and whether any town or publish failed. */
  const run = async (kind: TownWork, now: Date) => {
    if (kind === 'reception') {
      const result = { kind, ...(await sendRosterNoticesInTowns(deps, towns, now)) };
      logger.info('reception duty notices', result);
      return { result, failed: result.failed.length > 0 };
    }
    if (!isReport(kind)) {
      const erasure = await eraseExpiredInTowns(deps, towns, now);
      // the night's other care: the calendars this year and next, and a recomputation of deadlines left unfinished
      const deadlines = await nightlyDeadlineUpkeep(deps, towns, now);
      const result = { kind, ...erasure, deadlines };
      logger.info('retention erasure and deadline upkeep', result);
      if (metrics)
        publishCounts(metrics, {
          personalDataErased: result.erased,
          calendarYearsMissing: deadlines.calendarsMissing,
          calendarYearsProvisional: deadlines.calendarsProvisional,
          deadlinesRecomputed: deadlines.casesRecomputed,
        });
      return { result, failed: erasure.failed.length > 0 || deadlines.failed.length > 0 };
    }
    const result = { kind, ...(await runScheduledReports(reports, towns, kind, now)) };
    logger.info('scheduled reports', result);
    return { result, failed: result.failed.length > 0 || result.publishFailed > 0 };
  };
  return async (event: TownScheduleEvent | undefined) => {
    const now = deps.now();
    const asked = event?.kind;
    if (asked !== undefined && !isTownWork(asked)) throw new Error('unknown scheduled work');
    const runs = [];
    for (const kind of asked ? [asked] : dueTownWork(now)) runs.push(await run(kind, now));
    const failures = runs.filter((r) => r.failed);
    if (failures.length > 0)
      throw new Error(`scheduled work failed: ${failures.map((r) => r.result.kind).join(', ')}`);
    return runs.map((r) => r.result);
  };
}

let made: ReturnType<typeof createTownScheduleHandler> | undefined;
export const handler = (event: TownScheduleEvent | undefined) => {
  // retention erases the cases' files too
  made ??= createTownScheduleHandler(
    withEvidence(depsFromEnv()),
    townsFrom(process.env.TOWNS),
    cloudMetrics(),
  );
  return made(event);
};
