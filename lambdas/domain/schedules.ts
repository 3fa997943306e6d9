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
} as const;
