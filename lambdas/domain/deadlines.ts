/**
 * Deadline arithmetic. Periods run in Beijing calendar days; the day on which a period starts is not counted, and a
 * period ends at 24:00 Beijing time of its last day. Deadlines are instants, kept in UTC.
 */
import { addDays, beijingDate, startOfBeijingDay } from './beijing-time.js';
import type { WorkingCalendar } from './calendar.js';

export { beijingDate };

/** Inputs may be up to this far in the future, for clock skew between a client and the service. */
export const CLOCK_SKEW_MS = 60_000;

/** The instant at which the Beijing day `date` ends, i.e. 00:00 Beijing of the next day. */
export const endOfBeijingDay = (date: string): Date => startOfBeijingDay(addDays(date, 1));

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
  let last = addDays(beijingDate(start), days);
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
  // adding no days checks that `from` is a date
  for (let day = addDays(from, 0); day <= to; day = addDays(day, 1)) days.push(day);
  return days;
}
