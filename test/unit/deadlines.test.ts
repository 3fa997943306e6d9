import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shippedCalendars, WorkingCalendar } from '../../lambdas/domain/calendar.js';
import {
  beijingDate,
  calendarDaysDeadline,
  earliest,
  endOfBeijingDay,
  isLate,
  workingDaysDeadline,
} from '../../lambdas/domain/deadlines.js';

const calendar = new WorkingCalendar(shippedCalendars.values());
const keep = { calendar, holidayRule: 'keep' } as const;
const moveOn = { calendar, holidayRule: 'next_working_day' } as const;

const iso = (d: Date | undefined) => d?.toISOString();

describe('beijingDate', () => {
  it('switches date at Beijing midnight, 16:00 UTC', () => {
    expect(beijingDate('2026-11-20T15:59:59Z')).toBe('2026-11-20');
    expect(beijingDate('2026-11-20T15:59:59.999Z')).toBe('2026-11-20');
    expect(beijingDate('2026-11-20T16:00:00Z')).toBe('2026-11-21');
    expect(beijingDate('2026-11-20T16:00:01Z')).toBe('2026-11-21');
    expect(beijingDate(new Date('2026-11-20T16:00:00Z'))).toBe('2026-11-21');
  });

  it('reads offsets in strings', () => {
    expect(beijingDate('2026-11-20T23:30:00+08:00')).toBe('2026-11-20');
    expect(beijingDate('2026-11-20T00:00:00+08:00')).toBe('2026-11-20');
    expect(beijingDate('2026-11-20T10:00:00-08:00')).toBe('2026-11-21');
  });

  it('rejects strings that are not unambiguous instants', () => {
    expect(() => beijingDate('2026-11-20')).toThrow(Error);
    expect(() => beijingDate('2026-11-20T10:00:00')).toThrow(Error);
    expect(() => beijingDate('yesterday')).toThrow(Error);
    expect(() => beijingDate(new Date(Number.NaN))).toThrow(Error);
  });
});

describe('endOfBeijingDay', () => {
  it('is the next Beijing midnight in UTC', () => {
    expect(iso(endOfBeijingDay('2026-12-05'))).toBe('2026-12-05T16:00:00.000Z');
    expect(iso(endOfBeijingDay('2026-12-31'))).toBe('2026-12-31T16:00:00.000Z');
    expect(iso(endOfBeijingDay('2028-02-29'))).toBe('2028-02-29T16:00:00.000Z');
  });

  it('rejects non-dates', () => {
    expect(() => endOfBeijingDay('2027-02-29')).toThrow(Error);
    expect(() => endOfBeijingDay('2026-12-05T00:00:00Z')).toThrow(Error);
  });
});

describe('calendarDaysDeadline', () => {
  it("matches the contract's example: received any hour of 2026-11-20 Beijing, 15 days", () => {
    for (const receivedAt of [
      '2026-11-19T16:00:00Z', // 00:00 Beijing
      '2026-11-20T02:00:00Z',
      '2026-11-20T23:30:00+08:00',
      '2026-11-20T15:59:59Z', // 23:59:59 Beijing
    ]) {
      expect(iso(calendarDaysDeadline(receivedAt, 15, keep))).toBe('2026-12-05T16:00:00.000Z');
    }
  });

  it('starts counting from the next Beijing day after midnight', () => {
    expect(iso(calendarDaysDeadline('2026-11-20T16:00:00Z', 15, keep))).toBe('2026-12-06T16:00:00.000Z');
    expect(iso(calendarDaysDeadline('2026-11-20T16:30:00Z', 15, keep))).toBe('2026-12-06T16:00:00.000Z');
    expect(iso(calendarDaysDeadline(new Date('2026-11-20T16:00:00Z'), 15, keep))).toBe(
      '2026-12-06T16:00:00.000Z',
    );
  });

  it('2026-12-05 is a Saturday: the general rule moves the end to Monday', () => {
    expect(iso(calendarDaysDeadline('2026-11-20T02:00:00Z', 15, moveOn))).toBe('2026-12-07T16:00:00.000Z');
  });

  it('across the 2026 Spring Festival (holidays 02-15..23, swapped Saturdays 02-14 and 02-28)', () => {
    // 02-05 + 15 = 02-20, a holiday Friday; the next working day is Tuesday 02-24 (02-23 is still a holiday).
    expect(iso(calendarDaysDeadline('2026-02-05T03:00:00Z', 15, keep))).toBe('2026-02-20T16:00:00.000Z');
    expect(iso(calendarDaysDeadline('2026-02-05T03:00:00Z', 15, moveOn))).toBe('2026-02-24T16:00:00.000Z');
    // 01-30 + 15 = 02-14, a swapped working Saturday: nothing moves.
    expect(iso(calendarDaysDeadline('2026-01-30T03:00:00Z', 15, keep))).toBe('2026-02-14T16:00:00.000Z');
    expect(iso(calendarDaysDeadline('2026-01-30T03:00:00Z', 15, moveOn))).toBe('2026-02-14T16:00:00.000Z');
    // 02-13 + 15 = 02-28, a swapped working Saturday.
    expect(iso(calendarDaysDeadline('2026-02-13T03:00:00Z', 15, moveOn))).toBe('2026-02-28T16:00:00.000Z');
    // 02-14 + 15 = 03-01, an ordinary Sunday: Monday 03-02.
    expect(iso(calendarDaysDeadline('2026-02-14T03:00:00Z', 15, keep))).toBe('2026-03-01T16:00:00.000Z');
    expect(iso(calendarDaysDeadline('2026-02-14T03:00:00Z', 15, moveOn))).toBe('2026-03-02T16:00:00.000Z');
  });

  it('across a leap day: 15 days from 2028-02-20 end on 2028-03-06', () => {
    expect(iso(calendarDaysDeadline('2028-02-20T01:00:00Z', 15, keep))).toBe('2028-03-06T16:00:00.000Z');
    // A Monday, so the general rule changes nothing.
    expect(iso(calendarDaysDeadline('2028-02-20T01:00:00Z', 15, moveOn))).toBe('2028-03-06T16:00:00.000Z');
    expect(iso(calendarDaysDeadline('2028-02-14T01:00:00Z', 15, keep))).toBe('2028-02-29T16:00:00.000Z');
  });

  it('rolls over the year end', () => {
    // 12-20 + 15 = 2027-01-04 (Monday).
    expect(iso(calendarDaysDeadline('2026-12-20T01:00:00Z', 15, keep))).toBe('2027-01-04T16:00:00.000Z');
    // Received 2026-12-31T16:30Z is 2027-01-01 Beijing; +60 = 2027-03-02.
    expect(iso(calendarDaysDeadline('2026-12-31T16:30:00Z', 60, keep))).toBe('2027-03-02T16:00:00.000Z');
    expect(iso(calendarDaysDeadline('2026-12-31T15:30:00Z', 1, keep))).toBe('2027-01-01T16:00:00.000Z');
  });

  it('in a year without a calendar, only weekends move the end', () => {
    // 2028-01-15 + 15 = 2028-01-30, a Sunday: Monday 01-31 by the weekends-only fallback.
    expect(calendar.missingYears('2028-01-15', '2028-01-30')).toEqual([2028]);
    expect(iso(calendarDaysDeadline('2028-01-15T01:00:00Z', 15, moveOn))).toBe('2028-01-31T16:00:00.000Z');
    // 2027-12-17 + 15 = 2028-01-01, a Saturday: Monday 01-03.
    expect(iso(calendarDaysDeadline('2027-12-17T01:00:00Z', 15, moveOn))).toBe('2028-01-03T16:00:00.000Z');
  });

  it('in the provisional 2027: New Year’s Day is a holiday', () => {
    // 2026-12-17 + 15 = 2027-01-01, a Friday and a holiday: Monday 01-04.
    expect(iso(calendarDaysDeadline('2026-12-17T01:00:00Z', 15, moveOn))).toBe('2027-01-04T16:00:00.000Z');
    expect(iso(calendarDaysDeadline('2026-12-17T01:00:00Z', 15, keep))).toBe('2027-01-01T16:00:00.000Z');
  });

  it('rejects bad period lengths', () => {
    expect(() => calendarDaysDeadline('2026-11-20T02:00:00Z', -1, keep)).toThrow(Error);
    expect(() => calendarDaysDeadline('2026-11-20T02:00:00Z', 1.5, keep)).toThrow(Error);
  });
});

describe('workingDaysDeadline', () => {
  it('counts working days after the Beijing date of the start', () => {
    // 2026-02-12 (Thu): 02-13 Fri (1), 02-14 swapped Sat (2), 02-15..23 holiday, 02-24 (3), 02-25 (4), 02-26 (5).
    expect(iso(workingDaysDeadline('2026-02-12T03:00:00Z', 5, calendar))).toBe('2026-02-26T16:00:00.000Z');
    // 23:30 Beijing on 02-12 is still 02-12.
    expect(iso(workingDaysDeadline('2026-02-12T15:30:00Z', 5, calendar))).toBe('2026-02-26T16:00:00.000Z');
    // 00:30 Beijing on 02-13: 02-14 (1), 02-24 (2) … 02-27 (5).
    expect(iso(workingDaysDeadline('2026-02-12T16:30:00Z', 5, calendar))).toBe('2026-02-27T16:00:00.000Z');
  });

  it('across National Day: received Wednesday 2026-09-30, 5 working days', () => {
    // 10-01..07 holiday, 10-08 Thu (1), 10-09 Fri (2), 10-10 swapped Sat (3), 10-12 Mon (4), 10-13 Tue (5).
    expect(iso(workingDaysDeadline('2026-09-30T02:00:00Z', 5, calendar))).toBe('2026-10-13T16:00:00.000Z');
  });

  it('across the year end into 2027, whose New Year’s Day is a holiday', () => {
    // 12-30 Wed: 12-31 (1), 2027-01-01 Fri holiday, 01-04 (2), 01-05 (3), 01-06 (4), 01-07 (5).
    expect(calendar.missingYears('2026-12-30', '2027-01-07')).toEqual([]);
    expect(iso(workingDaysDeadline('2026-12-30T02:00:00Z', 5, calendar))).toBe('2027-01-07T16:00:00.000Z');
  });

  it('across the year end into a year without a calendar', () => {
    // 2027-12-29 Wed: 12-30 (1), 12-31 (2), 2028-01-03 Mon (3, weekends-only fallback), 01-04 (4), 01-05 (5).
    expect(calendar.missingYears('2027-12-29', '2028-01-05')).toEqual([2028]);
    expect(iso(workingDaysDeadline('2027-12-29T02:00:00Z', 5, calendar))).toBe('2028-01-05T16:00:00.000Z');
  });
});

describe('isLate and earliest', () => {
  const deadline = new Date('2026-12-05T16:00:00.000Z');

  it('an act at the deadline instant or later is late', () => {
    expect(isLate(new Date('2026-12-05T15:59:59.999Z'), deadline)).toBe(false);
    expect(isLate(new Date('2026-12-05T16:00:00.000Z'), deadline)).toBe(true);
    expect(isLate(new Date('2026-12-05T16:00:00.001Z'), deadline)).toBe(true);
  });

  it('earliest ignores undefined', () => {
    const a = new Date('2026-12-05T16:00:00Z');
    const b = new Date('2026-11-05T16:00:00Z');
    expect(earliest()).toBeUndefined();
    expect(earliest(undefined, undefined)).toBeUndefined();
    expect(earliest(a, undefined, b)).toBe(b);
    expect(earliest(undefined, a)).toBe(a);
  });
});

describe('properties', () => {
  const instants = fc.date({
    min: new Date('2025-06-01T00:00:00Z'),
    max: new Date('2028-06-01T00:00:00Z'),
    noInvalidDate: true,
  });
  const periods = fc.integer({ min: 0, max: 120 });
  const isBeijingMidnight = (d: Date) => d.toISOString().endsWith('T16:00:00.000Z');

  it('calendar-day deadlines are Beijing midnights after the start; the general rule is never earlier', () => {
    fc.assert(
      fc.property(instants, periods, (start, days) => {
        const kept = calendarDaysDeadline(start, days, keep);
        const moved = calendarDaysDeadline(start, days, moveOn);
        for (const d of [kept, moved]) {
          expect(isBeijingMidnight(d)).toBe(true);
          expect(d.getTime()).toBeGreaterThan(start.getTime());
        }
        expect(moved.getTime()).toBeGreaterThanOrEqual(kept.getTime());
        expect(calendar.isWorkingDay(beijingDate(new Date(moved.getTime() - 1)))).toBe(true);
      }),
    );
  });

  it("with 'keep' the last day is exactly `days` Beijing days after the start's day", () => {
    fc.assert(
      fc.property(instants, periods, (start, days) => {
        const deadline = calendarDaysDeadline(start, days, keep);
        const startDay = Date.parse(`${beijingDate(start)}T00:00:00Z`);
        const lastDay = Date.parse(`${beijingDate(new Date(deadline.getTime() - 1))}T00:00:00Z`);
        expect((lastDay - startDay) / 86_400_000).toBe(days);
      }),
    );
  });

  it('working-day deadlines are Beijing midnights ending a working day, monotone in n', () => {
    fc.assert(
      fc.property(
        instants,
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 40 }),
        (start, a, b) => {
          const da = workingDaysDeadline(start, a, calendar);
          expect(isBeijingMidnight(da)).toBe(true);
          expect(da.getTime()).toBeGreaterThan(start.getTime());
          expect(calendar.isWorkingDay(beijingDate(new Date(da.getTime() - 1)))).toBe(true);
          if (a < b) expect(workingDaysDeadline(start, b, calendar).getTime()).toBeGreaterThan(da.getTime());
        },
      ),
    );
  });

  it('endOfBeijingDay ends the day beijingDate names', () => {
    fc.assert(
      fc.property(instants, (t) => {
        const end = endOfBeijingDay(beijingDate(t));
        expect(end.getTime()).toBeGreaterThan(t.getTime());
        expect(end.getTime() - t.getTime()).toBeLessThanOrEqual(86_400_000);
        expect(beijingDate(end)).not.toBe(beijingDate(t));
      }),
    );
  });
});
