/**
 * Beijing calendar arithmetic on a fixed offset. Beijing has kept UTC+8 with no daylight saving since 1991; it had
 * some from 1986 to 1991, and local mean time before 1901, so instants and dates before 1992 are out of scope here.
 * Dates are `YYYY-MM-DD` strings, reckoned as days since 1970-01-01 (proleptic Gregorian).
 */
const DAY_MS = 86_400_000;
const BEIJING_OFFSET_MS = 8 * 3_600_000;

// An instant given as a string must say which instant it is: a bare local time would be read in the host's zone.
const EXPLICIT_OFFSET_RE = /T\d{2}(?::?\d{2})*(?:[.,]\d+)?(?:Z|[+-]\d{2}(?::?\d{2})?)$/i;
// ISO 8601 with a time and an offset, in the calendar, week and ordinal forms, extended or basic
const TIME = String.raw`[Tt](\d\d)(?::?(\d\d)(?::?(\d\d)(?:[.,](\d{1,30}))?)?)?(?:([Zz])|([+-]\d\d)(?::?(\d\d))?)$`;
const CALENDAR_INSTANT = new RegExp(String.raw`^([+-]\d{6}|\d{4})(?:-?(\d\d)(?:-?(\d\d))?)?${TIME}`);
const WEEK_INSTANT = new RegExp(String.raw`^(\d{4})-?W(\d\d)(?:-?(\d))?${TIME}`);
const ORDINAL_INSTANT = new RegExp(String.raw`^(\d{4})-?(\d{3})${TIME}`);
const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

const int = (digits: string | undefined, fallback: number): number =>
  digits === undefined ? fallback : Number.parseInt(digits, 10);
const between = (n: number, low: number, high: number): boolean =>
  Number.isInteger(n) && n >= low && n <= high;

/** Days since 1970-01-01 of a proleptic Gregorian date, or undefined when there is no such date (`2026-02-30`). */
function dayOf(year: number, month: number, day: number): number | undefined {
  if (!between(month, 1, 12) || !between(day, 1, daysInMonth(year, month))) return undefined;
  // setUTCFullYear, unlike Date.UTC, does not map years 0–99 to 1900–1999
  const t = new Date(0);
  t.setUTCFullYear(year, month - 1, day);
  const ms = t.getTime();
  return Number.isNaN(ms) ? undefined : ms / DAY_MS;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function dateOfDay(day: number): string {
  const t = new Date(day * DAY_MS);
  if (Number.isNaN(t.getTime())) throw new Error('invalid date');
  return t.toISOString().slice(0, 10);
}

function calendarDay(date: string): number | undefined {
  const m = CALENDAR_DATE.exec(date);
  return m ? dayOf(Number(m[1]), Number(m[2]), Number(m[3])) : undefined;
}

function dayNumber(date: string): number {
  const day = calendarDay(date);
  if (day === undefined) throw new Error(`not a calendar date (YYYY-MM-DD): ${JSON.stringify(date)}`);
  return day;
}

/** Whether `date` is a real calendar date written `YYYY-MM-DD`. */
export const isCalendarDate = (date: string): boolean => calendarDay(date) !== undefined;

/** 1 for Monday to 7 for Sunday; 1970-01-01 was a Thursday. */
const weekdayOfDay = (day: number): number => ((((day + 3) % 7) + 7) % 7) + 1;

/** The ISO week of a day: the week (Monday to Sunday) belongs to the year of its Thursday. */
function weekOfDay(day: number): { year: number; week: number } {
  const thursday = day - weekdayOfDay(day) + 4;
  const year = new Date(thursday * DAY_MS).getUTCFullYear();
  const firstJanuary = dayOf(year, 1, 1) as number;
  return { year, week: Math.floor((thursday - firstJanuary) / 7) + 1 };
}

/** The Monday of an ISO week, or undefined when the year has no such week (`2025-W53`). */
function mondayOfWeek(year: number, week: number): number | undefined {
  // 4 January is always in week 1
  const fourthJanuary = dayOf(year, 1, 4);
  if (fourthJanuary === undefined || week < 1) return undefined;
  const monday = fourthJanuary - weekdayOfDay(fourthJanuary) + 1 + (week - 1) * 7;
  return weekOfDay(monday).week === week ? monday : undefined;
}

/** Milliseconds into a day, less the offset, of a time's fields from `at` on; undefined if out of range. */
function timeOfDay(m: RegExpExecArray, at: number): number | undefined {
  const hour = int(m[at], 0);
  const minute = int(m[at + 1], 0);
  const second = int(m[at + 2], 0);
  const fraction = m[at + 3];
  const ms = fraction === undefined ? 0 : Math.floor(Number.parseFloat(`0.${fraction}`) * 1000);
  const valid =
    (between(hour, 0, 23) || (hour === 24 && minute === 0 && second === 0 && ms === 0)) &&
    between(minute, 0, 59) &&
    between(second, 0, 59) &&
    between(ms, 0, 999);
  if (!valid) return undefined;
  // as the service has always read an offset: its minutes take the sign of its hours (`-00:30` too), unbounded
  const offset = m[at + 5];
  const offsetMinutes = offset === undefined ? 0 : Number.parseInt(offset, 10) * 60;
  const sign = offset?.startsWith('-') ? -1 : 1;
  return ((hour * 60 + minute - offsetMinutes - sign * int(m[at + 6], 0)) * 60 + second) * 1000 + ms;
}

const READERS: [RegExp, (m: RegExpExecArray) => number | undefined][] = [
  [CALENDAR_INSTANT, (m) => dayOf(Number(m[1]), int(m[2], 1), int(m[3], 1))],
  [
    WEEK_INSTANT,
    (m) => {
      const monday = mondayOfWeek(Number(m[1]), Number(m[2]));
      const weekday = int(m[3], 1);
      return monday !== undefined && between(weekday, 1, 7) ? monday + weekday - 1 : undefined;
    },
  ],
  [
    ORDINAL_INSTANT,
    (m) => {
      const year = Number(m[1]);
      const ordinal = Number(m[2]);
      const first = dayOf(year, 1, 1);
      const days = daysInMonth(year, 2) === 29 ? 366 : 365;
      return first !== undefined && between(ordinal, 1, days) ? first + ordinal - 1 : undefined;
    },
  ],
];

/** The milliseconds of an ISO 8601 instant with an offset, or NaN; the first form whose shape it has decides. */
function parseInstant(s: string): number {
  for (const [shape, dayOfMatch] of READERS) {
    const m = shape.exec(s);
    if (!m) continue;
    const day = dayOfMatch(m);
    const time = timeOfDay(m, shape === ORDINAL_INSTANT ? 3 : 4);
    return day === undefined || time === undefined ? Number.NaN : new Date(day * DAY_MS + time).getTime();
  }
  return Number.NaN;
}

/** The milliseconds of an instant; a string must be ISO 8601 with its offset or Z. */
function instantMs(instant: Date | string): number {
  let ms: number;
  if (typeof instant === 'string') {
    const s = instant.trim();
    if (!EXPLICIT_OFFSET_RE.test(s))
      throw new Error(`instant needs an explicit offset or Z: ${JSON.stringify(instant)}`);
    ms = parseInstant(s);
  } else ms = instant.getTime();
  if (Number.isNaN(ms)) throw new Error(`not a valid instant: ${String(instant)}`);
  return ms;
}

const beijingDay = (instant: Date | string): number =>
  Math.floor((instantMs(instant) + BEIJING_OFFSET_MS) / DAY_MS);

/** The Beijing calendar date (`YYYY-MM-DD`) of an instant. */
export const beijingDate = (instant: Date | string): string => dateOfDay(beijingDay(instant));

/**
 * The last Beijing day a deadline includes: `2027-01-31` for 2027-01-31T16:00:00Z. A deadline is kept as the instant
 * its period ends (24:00 Beijing time of its last day, which is 00:00 of the next), so it is the day of the moment
 * just before.
 */
export const lastBeijingDay = (instant: Date | string): string =>
  dateOfDay(Math.floor((instantMs(instant) + BEIJING_OFFSET_MS - 1) / DAY_MS));

/** `2026-11-28 09:30`: an instant as a Beijing date and time of day. */
export function beijingDateTime(instant: Date | string): string {
  const local = new Date(instantMs(instant) + BEIJING_OFFSET_MS).toISOString();
  return `${local.slice(0, 10)} ${local.slice(11, 16)}`;
}

/** The instant the Beijing day `date` begins: its 00:00 Beijing time. */
export const startOfBeijingDay = (date: string): Date =>
  new Date(dayNumber(date) * DAY_MS - BEIJING_OFFSET_MS);

/** The date `days` calendar days after `date` (before it, for a negative number). */
export const addDays = (date: string, days: number): string => dateOfDay(dayNumber(date) + days);

/** The ISO week of a date, with the year it belongs to (2027-01-01 is in `2026-W53`), from Monday to Sunday. */
export function isoWeek(date: string): { year: number; week: number; from: string; to: string } {
  const day = dayNumber(date);
  const monday = day - weekdayOfDay(day) + 1;
  return { ...weekOfDay(day), from: dateOfDay(monday), to: dateOfDay(monday + 6) };
}

/** The Monday of an ISO week, or undefined when the year has no such week (`2025-W53`). */
export function isoWeekMonday(year: number, week: number): string | undefined {
  const monday = mondayOfWeek(year, week);
  return monday === undefined ? undefined : dateOfDay(monday);
}

/** The last date of the month of `date`: `2024-02-29` for `2024-02-10`. */
export function lastDayOfMonth(date: string): string {
  dayNumber(date);
  const [year, month] = date.split('-').map(Number) as [number, number];
  return `${date.slice(0, 7)}-${daysInMonth(year, month)}`;
}
