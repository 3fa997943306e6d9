import { Cron } from 'croner';
import type { Deps } from '../adapters/deps.js';
import { logger } from '../adapters/observability.js';
import { REPORT_KINDS } from '../domain/periods.js';
import { SCHEDULES } from '../domain/schedules.js';
import { reportDeps, runScheduledReports, townsFrom } from '../usecases/reports.js';
import { runSweep } from '../usecases/sweep.js';
import { sweepDeps } from '../usecases/sweep-deps.js';
import { DEFAULT_TOWN } from './identity.js';

/** The stack's schedules, fired in-process by the local host, in Beijing time like EventBridge Scheduler. */
export function startLocalSchedules(deps: Deps): Cron[] {
  const sweep = sweepDeps(deps);
  const reports = reportDeps(deps);
  // the towns whose bulletins run here: TOWNS (comma-separated), else the demo town
  const listed = townsFrom(process.env.TOWNS);
  const towns = listed.length ? listed : [DEFAULT_TOWN];
  return [
    new Cron(SCHEDULES.sweep.cron, { timezone: SCHEDULES.timeZone, protect: true }, async () => {
      try {
        logger.info('deadline sweep', { ...(await runSweep(sweep, deps.now())) });
      } catch (error) {
        logger.error('deadline sweep failed', { error: error as Error });
      }
    }),
    ...REPORT_KINDS.map(
      (kind) =>
        new Cron(SCHEDULES[kind].cron, { timezone: SCHEDULES.timeZone, protect: true }, async () => {
          try {
            logger.info('scheduled reports', {
              kind,
              ...(await runScheduledReports(reports, towns, kind, deps.now())),
            });
          } catch (error) {
            logger.error('scheduled reports failed', { kind, error: error as Error });
          }
        }),
    ),
  ];
}
