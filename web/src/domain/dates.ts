/** Dates as the town reads them: Beijing time (UTC+8 all year), deadlines as their last day. */

const BEIJING_OFFSET_MS = 8 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The Beijing calendar day of an instant, `YYYY-MM-DD`. */
export function beijingDate(at: Date | string = new Date()): string {
  return new Date(new Date(at).getTime() + BEIJING_OFFSET_MS).toISOString().slice(0, 10);
}

/** A day shifted by whole days, `YYYY-MM-DD`. */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** A calendar day in words: 2026年12月5日, or 5 Dec 2026. */
export function dayText(date: string, language: 'zh-CN' | 'en'): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return language === 'en' ? `${d} ${MONTHS[m - 1]} ${y}` : `${y}年${m}月${d}日`;
}

/** An instant in Beijing time, to the minute: 2026-12-05 09:30. */
export function instantText(at: string): string {
  return new Date(new Date(at).getTime() + BEIJING_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
}

type Urgency = 'overdue' | 'due_soon' | 'on_time';

/** How urgent a deadline is now: passed, within three days, or further off. */
export function urgencyOf(deadlineAt: string, now: Date = new Date()): Urgency {
  const left = Date.parse(deadlineAt) - now.getTime();
  if (left <= 0) return 'overdue';
  return left <= 3 * DAY_MS ? 'due_soon' : 'on_time';
}

/** The ISO week of a Beijing day, `YYYY-Www` (the weekly bulletin's name). */
export function isoWeek(date: string): string {
  const day = new Date(`${date}T00:00:00Z`);
  const weekday = day.getUTCDay() || 7;
  const thursday = new Date(day.getTime() + (4 - weekday) * DAY_MS);
  const yearStart = Date.UTC(thursday.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((thursday.getTime() - yearStart) / DAY_MS + 1) / 7);
  return `${thursday.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

/** The last Beijing day a deadline instant (24:00 of that day) includes. */
export function lastDayOf(deadlineAt: string): string {
  return beijingDate(new Date(Date.parse(deadlineAt) - 1));
}
