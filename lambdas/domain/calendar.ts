/**
 * The official Chinese working-day calendar (holidays and swapped working weekend days, 调休) as data.
 * Each year's schedule is published by the State Council, usually in November; a year without data falls back to
 * weekends-only, and callers must log that loudly (see `missingYears`).
 */
// every shipped year in one file, so that shipping a year is a data edit (and the bundles still carry it)

import * as z from 'zod/mini';
import shippedJson from '../../data/calendars.json' with { type: 'json' };

/** One year's schedule. Dates are Beijing calendar dates, `YYYY-MM-DD`. */
export interface YearCalendar {
  year: number;
  holidays: string[];
  swappedWorkdays: string[];
  /** Statutory holidays only, without the make-up days: the State Council's notice for the year is still to come. */
  provisional?: boolean;
  /** Where the schedule comes from (the notice, or the holiday law for a provisional year). */
  source?: string;
}

/** The years a calendar may be stored for. */
export const calendarYear = z.number().check(z.int(), z.gte(2000), z.lte(2100));

/** A year's calendar as an admin stores it. */
export const calendarSchema = z
  .strictObject({
    year: calendarYear,
    holidays: z.array(z.iso.date()).check(z.maxLength(60)),
    swappedWorkdays: z.array(z.iso.date()).check(z.maxLength(20)),
    fallback: z.optional(z.boolean()),
    provisional: z.optional(
      z.boolean().check(
        z.meta({
          description:
            'The statutory holidays only, without make-up working days, until the State Council’s notice is stored; ' +
            'a stored calendar is not provisional unless it says so',
        }),
      ),
    ),
    source: z.optional(
      z
        .string()
        .check(
          z.trim(),
          z.minLength(1),
          z.maxLength(500),
          z.meta({ description: 'Where the schedule comes from (the notice, its date)' }),
        ),
    ),
  })
  .check(z.meta({ id: 'WorkingCalendar' }));

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

/** Days since 1970-01-01 for a `YYYY-MM-DD` date, or undefined if it is not a real date. */
function dayNumberOrUndefined(date: string): number | undefined {
  const m = DATE_RE.exec(date);
  if (!m) return undefined;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  // setUTCFullYear, unlike Date.UTC, does not map years 0–99 to 1900–1999.
  const t = new Date(0);
  t.setUTCFullYear(y, mo - 1, d);
  if (t.getUTCFullYear() !== y || t.getUTCMonth() !== mo - 1 || t.getUTCDate() !== d) return undefined;
  return Math.round(t.getTime() / MS_PER_DAY);
}

function dayNumber(date: string): number {
  const n = dayNumberOrUndefined(date);
  if (n === undefined) throw new Error(`not a calendar date (YYYY-MM-DD): ${JSON.stringify(date)}`);
  return n;
}

function formatDay(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/** 0 = Sunday … 6 = Saturday. */
function weekday(day: number): number {
  return new Date(day * MS_PER_DAY).getUTCDay();
}

function isWeekend(day: number): boolean {
  const w = weekday(day);
  return w === 0 || w === 6;
}

function yearOf(date: string): number {
  return Number(date.slice(0, 4));
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function dateList(v: unknown, what: string, year: number): string[] {
  if (!Array.isArray(v)) throw new Error(`calendar ${year}: ${what} must be an array of dates`);
  return v.map((d, i) => {
    if (typeof d !== 'string' || dayNumberOrUndefined(d) === undefined) {
      throw new Error(`calendar ${year}: ${what}[${i}] is not a YYYY-MM-DD date: ${JSON.stringify(d)}`);
    }
    // A schedule may reach into the neighbouring year (a New Year break starting 30 December); anything further
    // away is a typo.
    if (Math.abs(yearOf(d) - year) > 1)
      throw new Error(`calendar ${year}: ${what}[${i}] ${d} is not near ${year}`);
    return d;
  });
}

/**
 * Parses the published-schedule shape of one year of `data/calendars.json`:
 * `{ year, holidays: [{ name, days: [...] }], swappedWorkdays: [...], provisional?, source? }` (other fields are
 * ignored).
 */
export function calendarFromOfficialJson(json: unknown): YearCalendar {
  if (!isRecord(json)) throw new Error('calendar: expected an object');
  const year = json.year;
  if (typeof year !== 'number' || !Number.isInteger(year) || year < 1900 || year > 9999) {
    throw new Error(`calendar: year must be an integer year, got ${JSON.stringify(year)}`);
  }
  if (!Array.isArray(json.holidays)) throw new Error(`calendar ${year}: holidays must be an array`);
  const holidays: string[] = [];
  json.holidays.forEach((h: unknown, i) => {
    if (!isRecord(h) || typeof h.name !== 'string') {
      throw new Error(`calendar ${year}: holidays[${i}] must be { name: string, days: string[] }`);
    }
    holidays.push(...dateList(h.days, `holidays[${i}].days`, year));
  });
  const swappedWorkdays = dateList(json.swappedWorkdays, 'swappedWorkdays', year);
  if (json.provisional !== undefined && typeof json.provisional !== 'boolean')
    throw new Error(`calendar ${year}: provisional must be true or false`);
  if (json.source !== undefined && typeof json.source !== 'string')
    throw new Error(`calendar ${year}: source must be a string`);
  const holidaySet = new Set(holidays);
  for (const d of swappedWorkdays) {
    if (holidaySet.has(d)) throw new Error(`calendar ${year}: ${d} is both a holiday and a swapped workday`);
    if (!isWeekend(dayNumber(d)))
      throw new Error(`calendar ${year}: swapped workday ${d} is not a weekend day`);
  }
  return {
    year,
    holidays: [...holidaySet].sort(),
    swappedWorkdays: [...new Set(swappedWorkdays)].sort(),
    ...(json.provisional ? { provisional: true } : {}),
    ...(typeof json.source === 'string' ? { source: json.source } : {}),
  };
}

function frozen(c: YearCalendar): YearCalendar {
  Object.freeze(c.holidays);
  Object.freeze(c.swappedWorkdays);
  return Object.freeze(c);
}

/** The years of a shipped-calendars document (`{ years: [...] }`), each parsed; a year given twice is a typo. */
export function calendarsFromShippedJson(json: unknown): YearCalendar[] {
  if (!isRecord(json) || !Array.isArray(json.years)) throw new Error('calendars: expected { years: [...] }');
  const calendars = json.years.map((year: unknown) => calendarFromOfficialJson(year));
  const years = calendars.map((c) => c.year);
  const twice = years.find((y, i) => years.indexOf(y) !== i);
  if (twice !== undefined) throw new Error(`calendars: ${twice} is given twice`);
  return calendars;
}

/** Calendars shipped with the code, by year (`data/calendars.json`: add next year's entry there). */
export const shippedCalendars: ReadonlyMap<number, YearCalendar> = new Map(
  calendarsFromShippedJson(shippedJson).map((c) => [c.year, frozen(c)] as const),
);

export class WorkingCalendar {
  private readonly years = new Set<number>();
  private readonly holidays = new Set<string>();
  private readonly swapped = new Set<string>();
  private readonly provisionalYears = new Set<number>();

  /** A later calendar for the same year replaces an earlier one (shipped data first, then overrides). */
  constructor(calendars: Iterable<YearCalendar>) {
    const byYear = new Map<number, YearCalendar>();
    for (const c of calendars) byYear.set(c.year, c);
    for (const c of byYear.values()) {
      this.years.add(c.year);
      if (c.provisional) this.provisionalYears.add(c.year);
      for (const d of c.holidays) this.holidays.add(formatDay(dayNumber(d)));
      for (const d of c.swappedWorkdays) this.swapped.add(formatDay(dayNumber(d)));
    }
  }

  hasYear(year: number): boolean {
    return this.years.has(year);
  }

  /** Years whose calendar holds the statutory holidays only, still waiting for the State Council's notice. */
  isProvisional(year: number): boolean {
    return this.provisionalYears.has(year);
  }

  /** Years touched by the inclusive range (in either order) that have no calendar: only weekends count there. */
  missingYears(fromDate: string, toDate: string): number[] {
    dayNumber(fromDate);
    dayNumber(toDate);
    const a = yearOf(fromDate);
    const b = yearOf(toDate);
    const out: number[] = [];
    for (let y = Math.min(a, b); y <= Math.max(a, b); y++) if (!this.years.has(y)) out.push(y);
    return out;
  }

  isWorkingDay(date: string): boolean {
    return this.isWorkingDayNumber(dayNumber(date), date);
  }

  private isWorkingDayNumber(day: number, date = formatDay(day)): boolean {
    if (this.swapped.has(date)) return true;
    return !isWeekend(day) && !this.holidays.has(date);
  }

  /** The n-th working day after `date` (which itself is not counted); n = 0 gives `date` back. */
  addWorkingDays(date: string, n: number): string {
    if (!Number.isSafeInteger(n) || n < 0)
      throw new Error(`working days must be a non-negative integer, got ${n}`);
    let day = dayNumber(date);
    for (let left = n; left > 0; ) {
      day += 1;
      if (this.isWorkingDayNumber(day)) left -= 1;
    }
    return formatDay(day);
  }

  nextWorkingDayOnOrAfter(date: string): string {
    let day = dayNumber(date);
    while (!this.isWorkingDayNumber(day)) day += 1;
    return formatDay(day);
  }
}

/** A year the town's deadlines depend on whose calendar needs the admin: none at all, or statutory holidays only. */
export interface CalendarGap {
  year: number;
  state: 'missing' | 'provisional';
}

/**
 * This year's and next year's calendars as of the Beijing date `today`: a missing year always, a provisional one once
 * its notice is due (from November of the year before; this year's at once).
 */
export function calendarGaps(calendar: WorkingCalendar, today: string): CalendarGap[] {
  dayNumber(today);
  const year = yearOf(today);
  const gaps: CalendarGap[] = [];
  for (const y of [year, year + 1]) {
    if (!calendar.hasYear(y)) gaps.push({ year: y, state: 'missing' });
    else if (calendar.isProvisional(y) && (y === year || today >= `${year}-11-01`))
      gaps.push({ year: y, state: 'provisional' });
  }
  return gaps;
}
