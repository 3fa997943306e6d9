import type { Metrics } from '@aws-lambda-powertools/metrics';
import { type Deps, depsFromEnv } from '../adapters/deps.js';
import { cloudMetrics, publishCounts } from '../adapters/metrics.js';
import { logger } from '../adapters/observability.js';
import { runSweep, type SweepResult } from '../usecases/sweep.js';
import { sweepDeps } from '../usecases/sweep-deps.js';

/**
 * The scheduled deadline sweep (EventBridge Scheduler, every 15 minutes, Asia/Shanghai). With `metrics`, each run's
 * counts become CloudWatch metrics (an alarm watches `CasesOverdue`).
 */
export function createSweepHandler(deps: Deps, metrics?: Metrics) {
  const sweep = sweepDeps(deps);
  return async (): Promise<SweepResult> => {
    const result = await runSweep(sweep, deps.now());
    logger.info('deadline sweep', { ...result });
    if (metrics)
      publishCounts(metrics, {
        stepsDue: result.due,
        casesOverdue: result.overdue,
        casesEscalated: result.escalated,
        messagesPublished: result.published,
        publishFailures: result.publishFailed,
      });
    // a failed publish stays in the outbox for the next run; failing this one lets Lambda retry and the alarm see it
    if (result.publishFailed > 0)
      throw new Error(`${result.publishFailed} message(s) could not be published`);
    return result;
  };
}

let made: ReturnType<typeof createSweepHandler> | undefined;
export const handler = () => {
  made ??= createSweepHandler(depsFromEnv(), cloudMetrics());
  return made();
};
