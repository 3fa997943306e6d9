import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  beijingDate,
  beijingDateTime,
  isCalendarDate,
  isoWeek,
  isoWeekMonday,
  lastDayOfMonth,
  startOfBeijingDay,
} from '../../lambdas/domain/beijing-time.js';

// luxon with the zone database is the oracle; the fixed offset holds from 1992 on
const ZONE = { zone: 'Asia/Shanghai' };
const FROM = Date.UTC(1992, 0, 1);
const TO = Date.UTC(2101, 0, 1) - 1;
const instants = fc.integer({ min: FROM, max: TO });
const dates = instants.map((ms) => new Date(ms).toISOString().slice(0, 10));
const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** What the luxon code read from a string: its Beijing date, or the error it threw. */
function luxonDate(s: string): string {
  if (!/T\d{2}(?::?\d{2})*(?:[.,]\d+)?(?:Z|[+-]\d{2}(?::?\d{2})?)$/i.test(s.trim()))
    return `instant needs an explicit offset or Z: ${JSON.stringify(s)}`;
  const dt = DateTime.fromISO(s.trim(), ZONE);
  return dt.isValid ? (dt.toISODate() as string) : `not a valid instant: ${s}`;
}

function ours(read: () => string): string {
  try {
    return read();
  } catch (e) {
    return (e as Error).message;
  }
}

/** ISO 8601 instants in every form luxon read, some with fields out of range. */
const isoInstants = fc
  .record({
    year: fc.integer({ min: 1992, max: 2100 }),
    form: fc.constantFrom('calendar', 'week', 'ordinal'),
    month: fc.integer({ min: 0, max: 13 }),
    day: fc.integer({ min: 0, max: 32 }),
    week: fc.integer({ min: 0, max: 54 }),
    weekday: fc.option(fc.integer({ min: 0, max: 8 })),
    ordinal: fc.integer({ min: 0, max: 367 }),
    basic: fc.boolean(),
    t: fc.constantFrom('T', 't'),
    hour: fc.integer({ min: 0, max: 25 }),
    minute: fc.option(fc.integer({ min: 0, max: 60 })),
    second: fc.option(fc.integer({ min: 0, max: 60 })),
    fraction: fc.option(fc.stringMatching(/^[.,]\d{1,12}$/)),
    offset: fc.oneof(
      fc.constantFrom('Z', 'z', ''),
      fc
        .tuple(fc.constantFrom('+', '-'), fc.integer({ min: 0, max: 14 }), fc.integer({ min: 0, max: 59 }))
        .chain(([sign, h, m]) =>
          fc.constantFrom(`${sign}${pad(h)}`, `${sign}${pad(h)}${pad(m)}`, `${sign}${pad(h)}:${pad(m)}`),
        ),
    ),
    padding: fc.constantFrom('', ' ', '\n'),
  })
  .map((f) => {
    const sep = f.basic ? '' : '-';
    const date =
      f.form === 'calendar'
        ? `${f.year}${sep}${pad(f.month)}${sep}${pad(f.day)}`
        : f.form === 'week'
          ? `${f.year}${sep}W${pad(f.week)}${f.weekday === null ? '' : `${sep}${f.weekday}`}`
          : `${f.year}${sep}${pad(f.ordinal, 3)}`;
    let time = pad(f.hour);
    if (f.minute !== null) {
      time += `${f.basic ? '' : ':'}${pad(f.minute)}`;
      if (f.second !== null) time += `${f.basic ? '' : ':'}${pad(f.second)}${f.fraction ?? ''}`;
    }
    return `${f.padding}${date}${f.t}${time}${f.offset}${f.padding}`;
  });

describe('Beijing time against luxon', () => {
  it('reads an instant as the Beijing date and time luxon gave', () => {
    fc.assert(
      fc.property(instants, (ms) => {
        const dt = DateTime.fromMillis(ms, ZONE);
        expect(beijingDate(new Date(ms))).toBe(dt.toISODate());
        expect(beijingDateTime(new Date(ms))).toBe(dt.toFormat('yyyy-MM-dd HH:mm'));
        expect(beijingDate(new Date(ms).toISOString())).toBe(dt.toISODate());
      }),
      { numRuns: 2000 },
    );
  });

  it('reads ISO strings, and refuses them, as luxon did', () => {
    fc.assert(
      fc.property(isoInstants, (s) => {
        expect(ours(() => beijingDate(s))).toBe(luxonDate(s));
      }),
      { numRuns: 5000 },
    );
  });

  it('starts a Beijing day and adds days to a date as luxon did', () => {
    fc.assert(
      fc.property(dates, fc.integer({ min: -800, max: 800 }), (date, days) => {
        const dt = DateTime.fromISO(date, ZONE);
        expect(startOfBeijingDay(date).getTime()).toBe(dt.toMillis());
        expect(addDays(date, days)).toBe(dt.plus({ days }).toISODate());
      }),
      { numRuns: 2000 },
    );
  });

  it('gives the ISO week and the month end luxon gave', () => {
    fc.assert(
      fc.property(dates, (date) => {
        const dt = DateTime.fromISO(date, ZONE);
        expect(isoWeek(date)).toEqual({
          year: dt.weekYear,
          week: dt.weekNumber,
          from: dt.startOf('week').toISODate(),
          to: dt.endOf('week').toISODate(),
        });
        expect(lastDayOfMonth(date)).toBe(dt.endOf('month').toISODate());
      }),
      { numRuns: 2000 },
    );
  });

  it('knows the weeks of the year ends and the month ends', () => {
    for (let year = 1992; year <= 2100; year++) {
      for (const week of [0, 1, 52, 53, 54]) {
        const dt = DateTime.fromObject({ weekYear: year, weekNumber: week, weekday: 1 }, ZONE);
        expect(isoWeekMonday(year, week), `${year}-W${week}`).toBe(dt.isValid ? dt.toISODate() : undefined);
      }
      for (const date of [`${year}-01-01`, `${year}-01-04`, `${year}-12-28`, `${year}-12-31`]) {
        const dt = DateTime.fromISO(date, ZONE);
        expect(isoWeek(date)).toMatchObject({ year: dt.weekYear, week: dt.weekNumber });
      }
      for (let month = 1; month <= 12; month++) {
        const first = `${year}-${pad(month)}-01`;
        expect(lastDayOfMonth(first)).toBe(DateTime.fromISO(first, ZONE).endOf('month').toISODate());
      }
    }
    const longYears = Array.from({ length: 15 }, (_, i) => 2020 + i).filter((y) => isoWeekMonday(y, 53));
    expect(longYears).toEqual([2020, 2026, 2032]);
    expect(isoWeek('2027-01-03')).toEqual({ year: 2026, week: 53, from: '2026-12-28', to: '2027-01-03' });
    expect(isoWeek('2024-12-30')).toMatchObject({ year: 2025, week: 1 });
  });

  it('takes only real calendar dates, as luxon did', () => {
    const candidates = fc
      .tuple(
        fc.integer({ min: 1992, max: 2100 }),
        fc.integer({ min: 0, max: 13 }),
        fc.integer({ min: 0, max: 32 }),
      )
      .map(([y, m, d]) => `${y}-${pad(m)}-${pad(d)}`);
    fc.assert(
      fc.property(candidates, (date) => {
        expect(isCalendarDate(date)).toBe(DateTime.fromISO(date, ZONE).isValid);
      }),
      { numRuns: 3000 },
    );
    for (const bad of [
      '2026-02-30',
      '2027-02-29',
      '2026-9-1',
      '20261128',
      '2026-11-28T00:00Z',
      ' 2026-11-28',
    ])
      expect(isCalendarDate(bad), bad).toBe(false);
    expect(isCalendarDate('2028-02-29')).toBe(true);
    expect(() => addDays('2026-02-30', 1)).toThrow('not a calendar date (YYYY-MM-DD): "2026-02-30"');
  });

  it('refuses an instant without its offset, and an invalid date', () => {
    expect(() => beijingDate('2026-11-20T10:00:00')).toThrow(
      'instant needs an explicit offset or Z: "2026-11-20T10:00:00"',
    );
    expect(() => beijingDate('2026-02-30T10:00:00Z')).toThrow('not a valid instant: 2026-02-30T10:00:00Z');
    expect(() => beijingDateTime(new Date(Number.NaN))).toThrow('not a valid instant: Invalid Date');
    expect(beijingDateTime('2026-11-28T16:05:00Z')).toBe('2026-11-29 00:05');
  });
});
