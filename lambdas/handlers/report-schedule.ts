import { Cron } from 'croner';
import { type Deps, depsFromEnv } from '../adapters/deps.js';
import { logger } from '../adapters/observability.js';
import { REPORT_KINDS, type ReportKind } from '../domain/periods.js';
import { SCHEDULES } from '../domain/schedules.js';
import { reportDeps, runScheduledReports, townsFrom } from '../usecases/reports.js';

/** How long after its minute a run still belongs to that schedule (Scheduler's and Lambda's retries come later). */
const RUN_WINDOW_MS = 3 * 60 * 60 * 1000;

/** The report schedules (SCHEDULES, Beijing time) whose latest run time is at most RUN_WINDOW_MS before `now`. */
export function dueReportKinds(now: Date): ReportKind[] {
  return REPORT_KINDS.filter((kind) => {
    const cron = new Cron(SCHEDULES[kind].cron, { timezone: SCHEDULES.timeZone, paused: true });
    // previousRuns leaves out a run at the very reference instant
    const [last] = cron.previousRuns(1, new Date(now.getTime() + 1000));
    return last !== undefined && now.getTime() - last.getTime() <= RUN_WINDOW_MS;
  });
}

/** `{kind}` names the report; a schedule that sends no input is matched by the time it fired. */
export interface ReportScheduleEvent {
  kind?: ReportKind;
}

/**
 * The scheduled bulletins (EventBridge Scheduler, Asia/Shanghai): each due kind for every town, stored and published
 * once per period; the monthly run also sends the supervision notices. A failed town or publish fails the run, so the
 * scheduler's retry and alarm see it; a retry repeats nothing already done.
 */
export function createReportScheduleHandler(deps: Deps, towns: readonly string[]) {
  if (towns.length === 0) throw new Error('TOWNS names no town');
  const reports = reportDeps(deps);
  return async (event: ReportScheduleEvent | undefined) => {
    const now = deps.now();
    const asked = event?.kind;
    if (asked !== undefined && !REPORT_KINDS.includes(asked)) throw new Error('unknown report kind');
    const results = [];
    for (const kind of asked ? [asked] : dueReportKinds(now)) {
      const result = { kind, ...(await runScheduledReports(reports, towns, kind, now)) };
      logger.info('scheduled reports', result);
      results.push(result);
    }
    const failures = results.filter((r) => r.failed.length > 0 || r.publishFailed > 0);
    if (failures.length > 0)
      throw new Error(`scheduled reports failed: ${failures.map((r) => r.kind).join(', ')}`);
    return results;
  };
}

let made: ReturnType<typeof createReportScheduleHandler> | undefined;
export const handler = (event: ReportScheduleEvent | undefined) => {
  made ??= createReportScheduleHandler(depsFromEnv(), townsFrom(process.env.TOWNS));
  return made(event);
};
