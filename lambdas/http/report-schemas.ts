import * as z from 'zod/mini';
import type { ReportKind } from '../domain/periods.js';
import {
  dailyReportSchema,
  metricsSchema,
  monthlyReportSchema,
  weeklyReportSchema,
} from '../domain/report.js';
import { dateRangeCheck } from './date-range.js';

/** The longest range the metrics are summed over at once: a year, leap day included. */
export const MAX_METRICS_DAYS = 366;
const isoDate = z.iso.date();

/** A metrics range: `from` before or on `to`, at most `MAX_METRICS_DAYS` days, both included. */
export const checkMetricsRange = dateRangeCheck(MAX_METRICS_DAYS);

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
