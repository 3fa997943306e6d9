import { DateTime } from 'luxon';
import { endOfBeijingDay, TIME_ZONE } from './deadlines.js';

/**
 * The periods of the cadence 日收集、周通报、月督办: a Beijing day (`2026-11-28`), an ISO week (`2026-W48`, Monday to
 * Sunday) and a calendar month (`2026-11`).
 */

export const REPORT_KINDS = ['daily', 'weekly', 'monthly'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

export interface Period {
  kind: ReportKind;
  /** As in the URL: `2026-11-28`, `2026-W48`, `2026-11`. */
  id: string;
  /** First and last Beijing dates, both included. */
  from: string;
  to: string;
}

const SHAPE: Record<ReportKind, RegExp> = {
  daily: /^\d{4}-\d{2}-\d{2}$/,
  weekly: /^\d{4}-W\d{2}$/,
  monthly: /^\d{4}-\d{2}$/,
};

const UNIT = { daily: 'day', weekly: 'week', monthly: 'month' } as const;

const date = (dt: DateTime): string => dt.toISODate() ?? '';

function periodAt(kind: ReportKind, start: DateTime): Period {
  const first = start.startOf(UNIT[kind]);
  const id =
    kind === 'daily'
      ? date(first)
      : kind === 'weekly'
        ? `${first.weekYear}-W${String(first.weekNumber).padStart(2, '0')}`
        : first.toFormat('yyyy-MM');
  return { kind, id, from: date(first), to: date(first.endOf(UNIT[kind])) };
}

/** The period a URL names, or undefined when the name is malformed or names no such period (`2026-02-30`, `2025-W53`). */
export function parsePeriod(kind: ReportKind, id: string): Period | undefined {
  if (!SHAPE[kind].test(id)) return undefined;
  const start = DateTime.fromISO(id, { zone: TIME_ZONE });
  return start.isValid ? periodAt(kind, start) : undefined;
}

/** The period of this kind that contains the instant. */
export const periodOf = (kind: ReportKind, at: Date): Period =>
  periodAt(kind, DateTime.fromJSDate(at, { zone: TIME_ZONE }));

export const previousPeriod = (period: Period): Period =>
  periodAt(period.kind, DateTime.fromISO(period.from, { zone: TIME_ZONE }).minus({ [UNIT[period.kind]]: 1 }));

/**
 * What a scheduled run at `now` reports on: the daily run (18:00) collects its own day; the weekly and monthly runs
 * (Monday and the 1st, 09:00) report on the week or month that has just ended.
 */
export function runPeriod(kind: ReportKind, now: Date): Period {
  const current = periodOf(kind, now);
  return kind === 'daily' ? current : previousPeriod(current);
}

/** The instant the period begins (Beijing midnight) and the instant it ends. */
export const periodStart = (period: Period): Date =>
  DateTime.fromISO(period.from, { zone: TIME_ZONE }).toJSDate();
export const periodEnd = (period: Period): Date => endOfBeijingDay(period.to);
