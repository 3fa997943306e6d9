import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import calendar2026Json from '../../data/calendars/2026.json' with { type: 'json' };
import {
  calendarFromOfficialJson,
  shippedCalendars,
  WorkingCalendar,
} from '../../lambdas/domain/calendar.js';

const cal = new WorkingCalendar(shippedCalendars.values());

function plusDays(date: string, n: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

describe('calendarFromOfficialJson', () => {
  it('parses the shipped 2026 schedule', () => {
    const c = calendarFromOfficialJson(calendar2026Json);
    expect(c.year).toBe(2026);
    expect(c.holidays).toHaveLength(33);
    expect(c.holidays).toContain('2026-02-15');
    expect(c.holidays).toContain('2026-10-07');
    expect(c.swappedWorkdays).toEqual([
      '2026-01-04',
      '2026-02-14',
      '2026-02-28',
      '2026-05-09',
      '2026-09-20',
      '2026-10-10',
    ]);
  });

  it('is what shippedCalendars holds, frozen', () => {
    const shipped = shippedCalendars.get(2026);
    expect(shipped).toEqual(calendarFromOfficialJson(calendar2026Json));
    expect(Object.isFrozen(shipped?.holidays)).toBe(true);
  });

  it.each([
    ['not an object', 'x'],
    ['an array', []],
    ['no year', { holidays: [], swappedWorkdays: [] }],
    ['fractional year', { year: 2026.5, holidays: [], swappedWorkdays: [] }],
    ['holidays not an array', { year: 2026, holidays: {}, swappedWorkdays: [] }],
    ['holiday without name', { year: 2026, holidays: [{ days: ['2026-01-01'] }], swappedWorkdays: [] }],
    [
      'holiday days not an array',
      { year: 2026, holidays: [{ name: 'x', days: '2026-01-01' }], swappedWorkdays: [] },
    ],
    ['impossible date', { year: 2026, holidays: [{ name: 'x', days: ['2026-02-30'] }], swappedWorkdays: [] }],
    [
      'badly written date',
      { year: 2026, holidays: [{ name: 'x', days: ['2026-1-1'] }], swappedWorkdays: [] },
    ],
    [
      'date far from the year',
      { year: 2026, holidays: [{ name: 'x', days: ['2062-01-01'] }], swappedWorkdays: [] },
    ],
    ['swappedWorkdays missing', { year: 2026, holidays: [] }],
    ['swapped workday on a weekday', { year: 2026, holidays: [], swappedWorkdays: ['2026-02-16'] }],
    [
      'day both holiday and workday',
      { year: 2026, holidays: [{ name: 'x', days: ['2026-02-14'] }], swappedWorkdays: ['2026-02-14'] },
    ],
  ])('rejects %s', (_label, json) => {
    expect(() => calendarFromOfficialJson(json)).toThrow(Error);
  });

  it('accepts a schedule reaching into the previous year', () => {
    const c = calendarFromOfficialJson({
      year: 2019,
      holidays: [{ name: '元旦', days: ['2018-12-30', '2018-12-31', '2019-01-01'] }],
      swappedWorkdays: ['2018-12-29'],
    });
    expect(new WorkingCalendar([c]).isWorkingDay('2018-12-29')).toBe(true);
    expect(new WorkingCalendar([c]).isWorkingDay('2018-12-31')).toBe(false);
  });
});

describe('WorkingCalendar', () => {
  it('knows which years it has', () => {
    expect(cal.hasYear(2026)).toBe(true);
    expect(cal.hasYear(2027)).toBe(false);
    expect(cal.missingYears('2026-01-01', '2026-12-31')).toEqual([]);
    expect(cal.missingYears('2026-12-20', '2027-01-10')).toEqual([2027]);
    expect(cal.missingYears('2028-03-01', '2025-06-01')).toEqual([2025, 2027, 2028]);
  });

  it.each([
    ['2026-02-13', true], // Friday before the Spring Festival
    ['2026-02-14', true], // swapped working Saturday
    ['2026-02-15', false], // Sunday, first day of the holiday
    ['2026-02-16', false], // Monday, holiday
    ['2026-02-23', false], // Monday, last day of the holiday
    ['2026-02-24', true], // Tuesday
    ['2026-02-28', true], // swapped working Saturday
    ['2026-03-01', false], // ordinary Sunday
    ['2026-01-04', true], // swapped working Sunday after New Year
    ['2026-10-10', true], // swapped working Saturday after National Day
    ['2026-10-08', true], // Thursday after National Day
    ['2027-01-01', true], // no 2027 calendar: a Friday counts as working
    ['2027-01-02', false], // Saturday
  ])('isWorkingDay(%s) = %s', (date, expected) => {
    expect(cal.isWorkingDay(date)).toBe(expected);
  });

  it('treats every weekday as working when it has no data at all', () => {
    const empty = new WorkingCalendar([]);
    expect(empty.isWorkingDay('2026-02-16')).toBe(true);
    expect(empty.isWorkingDay('2026-02-14')).toBe(false);
    expect(empty.missingYears('2026-01-01', '2026-01-01')).toEqual([2026]);
  });

  it('lets a later calendar for the same year replace an earlier one', () => {
    const override = { year: 2026, holidays: ['2026-03-02'], swappedWorkdays: [] };
    const c = new WorkingCalendar([...shippedCalendars.values(), override]);
    expect(c.isWorkingDay('2026-03-02')).toBe(false);
    expect(c.isWorkingDay('2026-02-16')).toBe(true);
    expect(c.isWorkingDay('2026-02-14')).toBe(false);
  });

  it('adds working days across the Spring Festival', () => {
    // From Thursday 2026-02-12: 02-13 Fri (1), 02-14 swapped Sat (2), 02-15..23 holiday, 02-24 Tue (3),
    // 02-25 (4), 02-26 (5).
    expect(cal.addWorkingDays('2026-02-12', 1)).toBe('2026-02-13');
    expect(cal.addWorkingDays('2026-02-12', 2)).toBe('2026-02-14');
    expect(cal.addWorkingDays('2026-02-12', 3)).toBe('2026-02-24');
    expect(cal.addWorkingDays('2026-02-12', 5)).toBe('2026-02-26');
    expect(cal.addWorkingDays('2026-02-12', 0)).toBe('2026-02-12');
  });

  it('counts a swapped working Sunday', () => {
    // 01-02 and 01-03 are holidays, 01-04 (Sunday) is worked.
    expect(cal.addWorkingDays('2026-01-01', 1)).toBe('2026-01-04');
  });

  it('crosses into a year without data using weekends only', () => {
    // 12-31 Thu (1), 2027-01-01 Fri (2, no 2027 data), 01-04 Mon (3).
    expect(cal.addWorkingDays('2026-12-30', 3)).toBe('2027-01-04');
  });

  it('finds the next working day on or after a date', () => {
    expect(cal.nextWorkingDayOnOrAfter('2026-02-13')).toBe('2026-02-13');
    expect(cal.nextWorkingDayOnOrAfter('2026-02-15')).toBe('2026-02-24');
    expect(cal.nextWorkingDayOnOrAfter('2026-10-01')).toBe('2026-10-08');
    expect(cal.nextWorkingDayOnOrAfter('2026-12-26')).toBe('2026-12-28');
    expect(cal.nextWorkingDayOnOrAfter('2028-02-26')).toBe('2028-02-28');
  });

  it('rejects bad input', () => {
    expect(() => cal.isWorkingDay('2026-02-30')).toThrow(Error);
    expect(() => cal.isWorkingDay('20260214')).toThrow(Error);
    expect(() => cal.addWorkingDays('2026-02-12', -1)).toThrow(Error);
    expect(() => cal.addWorkingDays('2026-02-12', 1.5)).toThrow(Error);
    expect(() => cal.missingYears('2026-01-01', 'soon')).toThrow(Error);
  });

  describe('properties', () => {
    const dates = fc
      .date({
        min: new Date('2025-01-01T00:00:00Z'),
        max: new Date('2028-12-31T00:00:00Z'),
        noInvalidDate: true,
      })
      .map((d) => d.toISOString().slice(0, 10));

    it('addWorkingDays lands on a working day after the start, and is strictly monotone in n', () => {
      fc.assert(
        fc.property(dates, fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 60 }), (date, a, b) => {
          const ra = cal.addWorkingDays(date, a);
          expect(cal.isWorkingDay(ra)).toBe(true);
          expect(ra > date).toBe(true);
          if (a < b) expect(cal.addWorkingDays(date, b) > ra).toBe(true);
          if (a === b) expect(cal.addWorkingDays(date, b)).toBe(ra);
        }),
      );
    });

    it('addWorkingDays(d, n) has exactly n working days in (d, result]', () => {
      fc.assert(
        fc.property(dates, fc.integer({ min: 0, max: 40 }), (date, n) => {
          const end = cal.addWorkingDays(date, n);
          let count = 0;
          for (let d = plusDays(date, 1); d <= end; d = plusDays(d, 1)) if (cal.isWorkingDay(d)) count++;
          expect(count).toBe(n);
        }),
      );
    });

    it('nextWorkingDayOnOrAfter is a working day with only non-working days before it', () => {
      fc.assert(
        fc.property(dates, (date) => {
          const next = cal.nextWorkingDayOnOrAfter(date);
          expect(cal.isWorkingDay(next)).toBe(true);
          for (let d = date; d < next; d = plusDays(d, 1)) expect(cal.isWorkingDay(d)).toBe(false);
        }),
      );
    });
  });
});
