import { Cron } from 'croner';
import type { Deps } from '../adapters/deps.js';
import { logger } from '../adapters/observability.js';
import { SCHEDULES } from '../domain/schedules.js';
import { runSweep } from '../usecases/sweep.js';
import { sweepDeps } from '../usecases/sweep-deps.js';

/** The stack's schedules, fired in-process by the local host, in Beijing time like EventBridge Scheduler. */
export function startLocalSchedules(deps: Deps): Cron[] {
  const sweep = sweepDeps(deps);
  return [
    new Cron(SCHEDULES.sweep.cron, { timezone: SCHEDULES.timeZone, protect: true }, async () => {
      try {
        logger.info('deadline sweep', { ...(await runSweep(sweep, deps.now())) });
      } catch (error) {
        logger.error('deadline sweep failed', { error: error as Error });
      }
    }),
  ];
}
