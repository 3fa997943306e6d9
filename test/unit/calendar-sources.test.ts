import chineseDays from 'chinese-days';
import { describe, expect, it } from 'vitest';
import { shippedCalendars } from '../../lambdas/domain/calendar.js';

/**
 * The shipped calendars against an independent, maintained source: chinese-days (1.5.7) holds the State Council's
 * notices up to 2026, and computes lunar dates and solar terms for any year, which is what a provisional year needs.
 */

const { getHolidaysInRange, getSolarDateFromLunar, getSolarTermDate, isWorkday } = chineseDays;

const daysOf = (year: number): string[] => {
  const days: string[] = [];
  for (let d = new Date(Date.UTC(year, 0, 1)); d.getUTCFullYear() === year; d.setUTCDate(d.getUTCDate() + 1))
    days.push(d.toISOString().slice(0, 10));
  return days;
};
const isWeekend = (date: string) => [0, 6].includes(new Date(`${date}T00:00:00Z`).getUTCDay());
const plusDays = (date: string, n: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

describe.each([2025, 2026])('the shipped %i calendar', (year) => {
  const shipped = shippedCalendars.get(year);

  it('is the State Council notice itself, not provisional', () => {
    expect(shipped?.provisional).toBeUndefined();
    expect(shipped?.source).toMatch(new RegExp(`State Council.*${year}`));
  });

  it('has the holidays chinese-days has', () => {
    // without weekends: the days its notice gives off, weekends inside a break included
    expect(shipped?.holidays).toEqual(getHolidaysInRange(`${year}-01-01`, `${year}-12-31`, false));
  });

  it('has the make-up working days chinese-days has', () => {
    const makeUp = daysOf(year).filter((d) => isWeekend(d) && isWorkday(d));
    expect(makeUp.length).toBeGreaterThan(0);
    expect(shipped?.swappedWorkdays).toEqual(makeUp);
  });
});

describe('the shipped 2027 calendar', () => {
  const shipped = shippedCalendars.get(2027);
  const lunar = (monthDay: string) => getSolarDateFromLunar(`2027-${monthDay}`).date;

  it('is provisional: no notice was found, so no make-up working days are guessed', () => {
    expect(shipped?.provisional).toBe(true);
    expect(shipped?.swappedWorkdays).toEqual([]);
    expect(shipped?.source).toMatch(/^Provisional: .*2027 notice .*could not be found/);
  });

  it('has the lunar dates chinese-days computes: Spring Festival on 6 February', () => {
    const springFestival = lunar('01-01');
    expect(springFestival).toBe('2027-02-06');
    expect(lunar('05-05')).toBe('2027-06-09');
    expect(lunar('08-15')).toBe('2027-09-15');
    expect(getSolarTermDate(2027, 4, 'pure_brightness')).toBe('2027-04-05');
  });

  it('holds exactly the statutory holidays of the 2024 holiday law for 2027', () => {
    const springFestival = lunar('01-01');
    const statutory = [
      '2027-01-01',
      // 春节: 除夕 (the day before 初一) and 初一 to 初三
      ...[-1, 0, 1, 2].map((n) => plusDays(springFestival, n)),
      getSolarTermDate(2027, 4, 'pure_brightness'),
      '2027-05-01',
      '2027-05-02',
      lunar('05-05'),
      lunar('08-15'),
      '2027-10-01',
      '2027-10-02',
      '2027-10-03',
    ].sort();
    expect(statutory).toHaveLength(13);
    expect(shipped?.holidays).toEqual(statutory);
  });
});
