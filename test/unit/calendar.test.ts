import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import shippedJson from '../../data/calendars.json' with { type: 'json' };
import {
  calendarFromOfficialJson,
  calendarGaps,
  calendarsFromShippedJson,
  shippedCalendars,
  WorkingCalendar,
} from '../../lambdas/domain/calendar.js';

const calendar2026Json = shippedJson.years.find((y) => y.year === 2026);

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

  it('ships 2025 from the State Council’s notice, with its five swapped working days', () => {
    const c = shippedCalendars.get(2025);
    expect(c?.provisional).toBeUndefined();
    expect(c?.source).toMatch(/State Council/);
    expect(c?.holidays).toHaveLength(28);
    expect(c?.swappedWorkdays).toEqual([
      '2025-01-26',
      '2025-02-08',
      '2025-04-27',
      '2025-09-28',
      '2025-10-11',
    ]);
  });

  it('ships 2027 as provisional: the statutory holidays of the holiday law only, no make-up days', () => {
    const c = shippedCalendars.get(2027);
    expect(c?.provisional).toBe(true);
    expect(c?.swappedWorkdays).toEqual([]);
    expect(c?.holidays).toEqual([
      '2027-01-01',
      '2027-02-05',
      '2027-02-06',
      '2027-02-07',
      '2027-02-08',
      '2027-04-05',
      '2027-05-01',
      '2027-05-02',
      '2027-06-09',
      '2027-09-15',
      '2027-10-01',
      '2027-10-02',
      '2027-10-03',
    ]);
    expect(new WorkingCalendar(shippedCalendars.values()).isProvisional(2027)).toBe(true);
    expect(new WorkingCalendar(shippedCalendars.values()).isProvisional(2026)).toBe(false);
  });

  it('reads every shipped year from one document, and refuses a year given twice or a bad provisional', () => {
    expect(calendarsFromShippedJson(shippedJson).map((c) => c.year)).toEqual([2025, 2026, 2027]);
    const year = { year: 2030, holidays: [], swappedWorkdays: [] };
    expect(() => calendarsFromShippedJson({ years: [year, year] })).toThrow(/2030 is given twice/);
    expect(() => calendarsFromShippedJson([year])).toThrow(Error);
    expect(() => calendarFromOfficialJson({ ...year, provisional: 'yes' })).toThrow(/provisional/);
    expect(() => calendarFromOfficialJson({ ...year, source: 7 })).toThrow(/source/);
    expect(calendarFromOfficialJson({ ...year, provisional: false })).toEqual(year);
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
    expect(cal.hasYear(2025)).toBe(true);
    expect(cal.hasYear(2026)).toBe(true);
    expect(cal.hasYear(2027)).toBe(true);
    expect(cal.hasYear(2028)).toBe(false);
    expect(cal.missingYears('2026-01-01', '2026-12-31')).toEqual([]);
    expect(cal.missingYears('2026-12-20', '2027-01-10')).toEqual([]);
    expect(cal.missingYears('2028-03-01', '2024-06-01')).toEqual([2024, 2028]);
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
    ['2027-01-01', false], // New Year's Day, a Friday (2027 provisional)
    ['2027-01-02', false], // Saturday
    ['2027-01-04', true], // Monday
    ['2027-02-08', false], // Monday, Spring Festival
    ['2025-01-26', true], // swapped working Sunday before the 2025 Spring Festival
    ['2025-02-04', false], // Tuesday, last day of the 2025 Spring Festival
    ['2028-01-03', true], // no 2028 calendar: weekdays count
    ['2028-01-01', false], // Saturday
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

  it('crosses into 2027 past its New Year’s Day', () => {
    // 12-31 Thu (1), 2027-01-01 Fri holiday, 01-04 Mon (2), 01-05 Tue (3).
    expect(cal.addWorkingDays('2026-12-30', 3)).toBe('2027-01-05');
  });

  it('crosses into a year without data using weekends only', () => {
    // 2027-12-31 Fri (1), 2028-01-03 Mon (2, no 2028 data), 01-04 Tue (3).
    expect(cal.addWorkingDays('2027-12-30', 3)).toBe('2028-01-04');
  });

  it('finds the next working day on or after a date', () => {
    expect(cal.nextWorkingDayOnOrAfter('2026-02-13')).toBe('2026-02-13');
    expect(cal.nextWorkingDayOnOrAfter('2026-02-15')).toBe('2026-02-24');
    expect(cal.nextWorkingDayOnOrAfter('2026-10-01')).toBe('2026-10-08');
    expect(cal.nextWorkingDayOnOrAfter('2026-12-26')).toBe('2026-12-28');
    expect(cal.nextWorkingDayOnOrAfter('2028-02-26')).toBe('2028-02-28');
  });

  it('names the years that need the admin: missing ones always, a provisional one once its notice is due', () => {
    expect(calendarGaps(cal, '2026-06-01')).toEqual([]);
    expect(calendarGaps(cal, '2026-10-31')).toEqual([]);
    expect(calendarGaps(cal, '2026-11-01')).toEqual([{ year: 2027, state: 'provisional' }]);
    expect(calendarGaps(cal, '2027-01-01')).toEqual([
      { year: 2027, state: 'provisional' },
      { year: 2028, state: 'missing' },
    ]);
    expect(calendarGaps(new WorkingCalendar([]), '2026-03-01')).toEqual([
      { year: 2026, state: 'missing' },
      { year: 2027, state: 'missing' },
    ]);
    expect(() => calendarGaps(cal, 'soon')).toThrow(Error);
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
