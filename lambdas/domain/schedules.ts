import { REPORT_KINDS } from './periods.js';

/**
 * When the scheduled work runs, in Beijing time: the same table for EventBridge Scheduler in the stack and for the
 * local host's in-process scheduler. Cron fields: minute hour day-of-month month day-of-week.
 */
export const SCHEDULES = {
  timeZone: 'Asia/Shanghai',
  sweep: { cron: '*/15 * * * *', description: 'Deadline sweep: warnings, escalation, overdue' },
  daily: { cron: '0 18 * * *', description: 'Daily collection (日收集)' },
  weekly: { cron: '0 9 * * 1', description: 'Weekly bulletin (周通报)' },
  monthly: { cron: '0 9 1 * *', description: 'Monthly supervision (月督办)' },
  // in the afternoon, so that a leader hears of tomorrow's reception duty with the working day still ahead; more than
  // three hours from the other town work, so that a run is never taken for another's
  reception: { cron: '30 14 * * *', description: 'Leaders told of tomorrow’s reception duty (领导接访提醒)' },
  // at night, away from the working day's traffic
  retention: {
    cron: '30 2 * * *',
    description: 'Retention: erase personal data kept past the town’s policy',
  },
} as const;

/**
 * What the town-work function does on its schedules, for every town: the three reports, the leaders' reception notices,
 * and retention erasure.
 */
export const TOWN_WORK = [...REPORT_KINDS, 'reception', 'retention'] as const;
export type TownWork = (typeof TOWN_WORK)[number];
