import {
  addDays,
  beijingDate,
  isCalendarDate,
  isoWeek,
  isoWeekMonday,
  lastDayOfMonth,
  startOfBeijingDay,
} from './beijing-time.js';
import { endOfBeijingDay } from './deadlines.js';

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

const weekId = (year: number, week: number): string => `${year}-W${String(week).padStart(2, '0')}`;

/** The period of this kind that contains the date. */
function periodAt(kind: ReportKind, date: string): Period {
  if (kind === 'daily') return { kind, id: date, from: date, to: date };
  if (kind === 'weekly') {
    const { year, week, from, to } = isoWeek(date);
    return { kind, id: weekId(year, week), from, to };
  }
  return { kind, id: date.slice(0, 7), from: `${date.slice(0, 7)}-01`, to: lastDayOfMonth(date) };
}

/** The period a URL names, or undefined when the name is malformed or names no such period (`2026-02-30`, `2025-W53`). */
export function parsePeriod(kind: ReportKind, id: string): Period | undefined {
  if (!SHAPE[kind].test(id)) return undefined;
  const first =
    kind === 'weekly'
      ? isoWeekMonday(Number(id.slice(0, 4)), Number(id.slice(6)))
      : kind === 'daily'
        ? id
        : `${id}-01`;
  return first !== undefined && isCalendarDate(first) ? periodAt(kind, first) : undefined;
}

/** The period of this kind that contains the instant. */
export const periodOf = (kind: ReportKind, at: Date): Period => periodAt(kind, beijingDate(at));

/** The period just before: the one that holds the day before this one begins. */
export const previousPeriod = (period: Period): Period => periodAt(period.kind, addDays(period.from, -1));

/**
 * What a scheduled run at `now` reports on: the daily run (18:00) collects its own day; the weekly and monthly runs
 * (Monday and the 1st, 09:00) report on the week or month that has just ended.
 */
export function runPeriod(kind: ReportKind, now: Date): Period {
  const current = periodOf(kind, now);
  return kind === 'daily' ? current : previousPeriod(current);
}

/** The instant the period begins (Beijing midnight) and the instant it ends. */
export const periodStart = (period: Period): Date => startOfBeijingDay(period.from);
export const periodEnd = (period: Period): Date => endOfBeijingDay(period.to);
