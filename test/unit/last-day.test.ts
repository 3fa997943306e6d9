import { describe, expect, it } from 'vitest';
import { lastBeijingDay, lastDayText } from '../../lambdas/domain/last-day.js';

describe('a deadline as people read it', () => {
  it('names the day that 24:00 Beijing time ends, not the next one', () => {
    expect(lastBeijingDay('2027-01-31T16:00:00.000Z')).toBe('2027-01-31');
    expect(lastDayText('2027-01-31T16:00:00.000Z', 'zh')).toBe('2027年1月31日');
    expect(lastDayText('2027-01-31T16:00:00.000Z', 'en')).toBe('31 Jan 2027, Beijing time');
  });

  it('reads an instant inside a day as that Beijing day, across the UTC date line', () => {
    expect(lastBeijingDay('2026-12-31T17:30:00Z')).toBe('2027-01-01');
    expect(lastBeijingDay(new Date('2026-12-31T15:59:59Z'))).toBe('2026-12-31');
    expect(lastDayText('2027-02-28T12:00:00+08:00', 'zh')).toBe('2027年2月28日');
  });

  it('refuses what is not an instant', () => {
    expect(() => lastBeijingDay('2027-13-45T00:00:00Z')).toThrow(/not a valid instant/);
    expect(() => lastBeijingDay('31 January')).toThrow(/explicit offset/);
  });
});
