import { Cron } from 'croner';
import type { Deps } from '../adapters/deps.js';
import { logger } from '../adapters/observability.js';
import { SCHEDULES, TOWN_WORK } from '../domain/schedules.js';
import { createSweepHandler } from '../handlers/sweep.js';
import { createTownScheduleHandler } from '../handlers/town-schedule.js';
import { localTowns } from './app.js';

/**
 * The stack's schedules, fired in-process by the local host, in Beijing time like EventBridge Scheduler, calling the
 * very handlers the schedules invoke in the cloud (which log what each run did).
 */
export function startLocalSchedules(deps: Deps): Cron[] {
  const sweep = createSweepHandler(deps);
  const townWork = createTownScheduleHandler(deps, localTowns());
  const every = (cron: string, name: string, run: () => Promise<unknown>) =>
    new Cron(cron, { timezone: SCHEDULES.timeZone, protect: true }, async () => {
      try {
        await run();
      } catch (error) {
        logger.error('scheduled work failed', { name, error: error as Error });
      }
    });
  return [
    every(SCHEDULES.sweep.cron, 'sweep', sweep),
    ...TOWN_WORK.map((kind) => every(SCHEDULES[kind].cron, kind, () => townWork({ kind }))),
  ];
}
