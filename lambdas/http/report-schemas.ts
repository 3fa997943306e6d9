import * as z from 'zod/mini';
import { because } from '../domain/errors.js';
import type { ReportKind } from '../domain/periods.js';
import {
  dailyReportSchema,
  metricsSchema,
  monthlyReportSchema,
  weeklyReportSchema,
} from '../domain/report.js';

/** The longest range the metrics are summed over at once: a year, leap day included. */
export const MAX_METRICS_DAYS = 366;
const DAY_MS = 24 * 60 * 60 * 1000;
const isoDate = z.iso.date();

/** A metrics range: `from` before or on `to`, at most `MAX_METRICS_DAYS` days, both included. */
export function checkMetricsRange(query: { from: string; to: string }, ctx: z.core.$RefinementCtx): void {
  // a date already refused needs no range check
  if (!isoDate.safeParse(query.from).success || !isoDate.safeParse(query.to).success) return;
  const days = (Date.parse(query.to) - Date.parse(query.from)) / DAY_MS + 1;
  if (days < 1) ctx.addIssue({ code: 'custom', path: ['to'], ...because('before-from') });
  else if (days > MAX_METRICS_DAYS)
    ctx.addIssue({ code: 'custom', path: ['to'], ...because('range-too-long', { days: MAX_METRICS_DAYS }) });
}

/** `from` and `to`: Beijing dates, both included; `gridId` includes the grids below it. */
export const metricsQuery = z
  .strictObject({
    from: isoDate,
    to: isoDate,
    gridId: z.optional(z.string().check(z.minLength(1), z.maxLength(128))),
  })
  .check(z.superRefine(checkMetricsRange));

export const PERIOD_PARAMS: Record<
  ReportKind,
  { name: string; form: 'not-a-date' | 'not-a-week' | 'not-a-month' }
> = {
  daily: { name: 'date', form: 'not-a-date' },
  weekly: { name: 'week', form: 'not-a-week' },
  monthly: { name: 'month', form: 'not-a-month' },
};

export const metricsResponseSchema = metricsSchema.check(z.meta({ id: 'Metrics' }));
export const REPORT_RESPONSE_SCHEMAS = {
  daily: dailyReportSchema.check(z.meta({ id: 'DailyReport' })),
  weekly: weeklyReportSchema.check(z.meta({ id: 'WeeklyReport' })),
  monthly: monthlyReportSchema.check(z.meta({ id: 'MonthlyReport' })),
} as const;
