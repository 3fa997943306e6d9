/**
 * Deadline arithmetic. Periods run in Beijing calendar days; the day on which a period starts is not counted, and a
 * period ends at 24:00 Beijing time of its last day. Deadlines are instants, kept in UTC.
 */
import { DateTime } from 'luxon';
import type { WorkingCalendar } from './calendar.js';

export const TIME_ZONE = 'Asia/Shanghai';

/** Inputs may be up to this far in the future, for clock skew between a client and the service. */
export const CLOCK_SKEW_MS = 60_000;

// An instant given as a string must say which instant it is: a bare local time would be read in the host's zone.
const EXPLICIT_OFFSET_RE = /T\d{2}(?::?\d{2})*(?:[.,]\d+)?(?:Z|[+-]\d{2}(?::?\d{2})?)$/i;

function toBeijing(instant: Date | string): DateTime {
  let dt: DateTime;
  if (typeof instant === 'string') {
    if (!EXPLICIT_OFFSET_RE.test(instant.trim())) {
      throw new Error(`instant needs an explicit offset or Z: ${JSON.stringify(instant)}`);
    }
    dt = DateTime.fromISO(instant.trim(), { zone: TIME_ZONE });
  } else {
    dt = DateTime.fromJSDate(instant, { zone: TIME_ZONE });
  }
  if (!dt.isValid) throw new Error(`not a valid instant: ${String(instant)}`);
  return dt;
}

function beijingDay(date: string): DateTime {
  const dt = /^\d{4}-\d{2}-\d{2}$/.test(date) ? DateTime.fromISO(date, { zone: TIME_ZONE }) : undefined;
  if (!dt?.isValid) throw new Error(`not a calendar date (YYYY-MM-DD): ${JSON.stringify(date)}`);
  return dt;
}

function isoDate(dt: DateTime): string {
  const s = dt.toISODate();
  if (s === null) throw new Error('invalid date');
  return s;
}

/** The Beijing calendar date (`YYYY-MM-DD`) of an instant. */
export function beijingDate(instant: Date | string): string {
  return isoDate(toBeijing(instant));
}

/** The instant at which the Beijing day `date` ends, i.e. 00:00 Beijing of the next day. */
export function endOfBeijingDay(date: string): Date {
  return beijingDay(date).plus({ days: 1 }).startOf('day').toJSDate();
}

function nonNegativeInteger(n: number, what: string): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${what} must be a non-negative integer, got ${n}`);
}

/**
 * End of a period of `days` calendar days from `start`. With `next_working_day` (the general procedural rule) a
 * last day that is not a working day moves to the next working day; `keep` (the stricter default) does not move it.
 */
export function calendarDaysDeadline(
  start: Date | string,
  days: number,
  opts: { calendar: WorkingCalendar; holidayRule: 'keep' | 'next_working_day' },
): Date {
  nonNegativeInteger(days, 'days');
  let last = isoDate(toBeijing(start).startOf('day').plus({ days }));
  if (opts.holidayRule === 'next_working_day') last = opts.calendar.nextWorkingDayOnOrAfter(last);
  return endOfBeijingDay(last);
}

/** End of the n-th working day after the Beijing date of `start`. */
export function workingDaysDeadline(start: Date | string, n: number, calendar: WorkingCalendar): Date {
  nonNegativeInteger(n, 'working days');
  return endOfBeijingDay(calendar.addWorkingDays(beijingDate(start), n));
}

/** An act at the deadline instant or later is late. */
export function isLate(actAt: Date, deadline: Date): boolean {
  return actAt.getTime() >= deadline.getTime();
}

export function earliest(...d: (Date | undefined)[]): Date | undefined {
  let min: Date | undefined;
  for (const x of d) if (x !== undefined && (min === undefined || x.getTime() < min.getTime())) min = x;
  return min;
}

/** Every calendar date from `from` to `to`, inclusive. */
export function eachDay(from: string, to: string): string[] {
  const days: string[] = [];
  for (let day = beijingDay(from); isoDate(day) <= to; day = day.plus({ days: 1 })) days.push(isoDate(day));
  return days;
}
