import { lastBeijingDay } from './beijing-time.js';

/** A deadline as people read it: the last Beijing day it includes, in words (`beijing-time.ts` reckons the day). */

export { lastBeijingDay };

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

/** The last day in words: `2027年1月31日`, or `31 Jan 2027, Beijing time`. */
export function lastDayText(instant: string | Date, language: 'zh' | 'en'): string {
  const [year, month, day] = lastBeijingDay(instant).split('-').map(Number) as [number, number, number];
  return language === 'zh'
    ? `${year}年${month}月${day}日`
    : `${day} ${EN_MONTHS[month - 1]} ${year}, Beijing time`;
}
