/**
 * A deadline as people read it: the last Beijing calendar day it includes. Deadlines are kept as the instant the
 * period ends (24:00 Beijing time of its last day, which is 00:00 of the next), so the last day is the Beijing date of
 * the moment just before. Beijing has kept one offset, UTC+8, with no daylight saving since 1991, so no zone database
 * is needed for it.
 */
const BEIJING_OFFSET_MS = 8 * 60 * 60 * 1000;
// an ISO 8601 instant with its offset: anything looser, Date.parse reads in its own way
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})$/;
const EN_MONTHS = [
  'Jan',
  'Feb',
  'Mar',
  'Apr',
  'May',
  'Jun',
  'Jul',
  'Aug',
  'Sep',
  'Oct',
  'Nov',
  'Dec',
] as const;

/** `2027-01-31` for a deadline at 2027-01-31T16:00:00Z (24:00 Beijing time on 31 January). */
export function lastBeijingDay(instant: string | Date): string {
  const ms =
    typeof instant === 'string'
      ? ISO_INSTANT.test(instant)
        ? Date.parse(instant)
        : Number.NaN
      : instant.getTime();
  if (Number.isNaN(ms)) throw new Error(`not a valid instant: ${String(instant)}`);
  return new Date(ms + BEIJING_OFFSET_MS - 1).toISOString().slice(0, 10);
}

/** The last day in words: `2027年1月31日`, or `31 Jan 2027, Beijing time`. */
export function lastDayText(instant: string | Date, language: 'zh' | 'en'): string {
  const [year, month, day] = lastBeijingDay(instant).split('-').map(Number) as [number, number, number];
  return language === 'zh'
    ? `${year}年${month}月${day}日`
    : `${day} ${EN_MONTHS[month - 1]} ${year}, Beijing time`;
}
