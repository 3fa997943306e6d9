import { describe, expect, it } from 'vitest';
import {
  clashingSlot,
  noticeDateFor,
  type ReceptionRecord,
  receptionCounts,
  receptionSummary,
  rosterNotice,
} from '../../lambdas/domain/reception.js';

const reception = (overrides: Partial<ReceptionRecord> = {}): ReceptionRecord => ({
  id: 'r1',
  town: 't',
  date: '2026-12-01',
  leaderId: 'l1',
  period: 'morning',
  visits: [
    { caseId: 'c1', registered: false, headcount: 2, onTheSpot: { measure: '释法', track: 'immediate' } },
    { caseId: 'c2', registered: true, headcount: 5, onTheSpot: { measure: '登记' } },
  ],
  batches: 2,
  personTimes: 7,
  recordedBy: 'clerk-1',
  createdAt: '2026-12-01T02:00:00.000Z',
  ...overrides,
});

describe('the roster', () => {
  it('finds the slot that clashes with an earlier one of the same leader: the same half-day, or the whole day', () => {
    expect(
      clashingSlot([
        { leaderId: 'a', period: 'morning' },
        { leaderId: 'a', period: 'afternoon' },
      ]),
    ).toBe(undefined);
    expect(
      clashingSlot([
        { leaderId: 'a', period: 'morning' },
        { leaderId: 'b', period: 'day' },
      ]),
    ).toBe(undefined);
    expect(
      clashingSlot([
        { leaderId: 'a', period: 'afternoon' },
        { leaderId: 'a', period: 'day' },
      ]),
    ).toBe(1);
    expect(
      clashingSlot([
        { leaderId: 'a', period: 'morning' },
        { leaderId: 'b', period: 'morning' },
        { leaderId: 'b', period: 'morning' },
      ]),
    ).toBe(2);
  });

  it('tells tomorrow’s slots, the notice id the same whenever the run writes it and new when the slots change', () => {
    expect(noticeDateFor(new Date('2026-12-31T06:30:00Z'))).toBe('2027-01-01');
    // 23:30 UTC is already the next Beijing day
    expect(noticeDateFor(new Date('2026-12-01T23:30:00Z'))).toBe('2026-12-03');
    const slots = [{ leaderId: 'l1', period: 'day' as const, place: '东村', kind: 'village' as const }];
    const first = rosterNotice('t', '2026-12-02', 'l1', slots, '2026-12-01T06:30:00.000Z');
    const retried = rosterNotice('t', '2026-12-02', 'l1', slots, '2026-12-01T06:41:00.000Z');
    expect(retried.id).toBe(first.id);
    expect(first.text.zh).toBe('领导接访安排：2026-12-02（明天）全天在东村下访。');
    expect(first.text.en).toBe(
      'Your reception duty tomorrow, 2026-12-02: all day: visit to a village at 东村.',
    );
    const moved = rosterNotice('t', '2026-12-02', 'l1', [{ ...slots[0]!, place: '西村' }], first.at);
    expect(moved.id).not.toBe(first.id);
  });
});

describe('the counts', () => {
  it('counts a reception on its own day, outside any grid, with its batches, person-times and settled visits', () => {
    expect(receptionCounts(reception())).toEqual([
      {
        day: '2026-12-01',
        gridId: '-',
        counts: { receptions: 1, receptionBatches: 2, receptionPersonTimes: 7, receptionSettled: 1 },
      },
    ]);
  });

  it('sums a period against the roster: a day reception holds both half-day slots; per leader and for the town', () => {
    const roster = [
      {
        town: 't',
        date: '2026-12-01',
        version: 1,
        updatedAt: '',
        updatedBy: '',
        slots: [
          { leaderId: 'l1', period: 'morning' as const, place: 'x', kind: 'window' as const },
          { leaderId: 'l1', period: 'afternoon' as const, place: 'x', kind: 'window' as const },
          { leaderId: 'l2', period: 'morning' as const, place: 'y', kind: 'village' as const },
        ],
      },
    ];
    const summary = receptionSummary(
      roster,
      [reception({ period: 'day' }), reception({ id: 'r2', date: '2026-12-02', leaderId: 'l3' })],
      (id) => (id === 'l1' ? '王建国' : undefined),
    );
    expect(summary).toMatchObject({
      rostered: 3,
      held: 2,
      receptions: 2,
      batches: 4,
      personTimes: 14,
      settledOnTheSpot: 2,
      settledShare: { numerator: 2, denominator: 4, rate: 0.5 },
    });
    expect(summary.leaders).toEqual([
      {
        leaderId: 'l1',
        name: '王建国',
        rostered: 2,
        held: 2,
        receptions: 1,
        batches: 2,
        personTimes: 7,
        settledOnTheSpot: 1,
      },
      {
        leaderId: 'l2',
        rostered: 1,
        held: 0,
        receptions: 0,
        batches: 0,
        personTimes: 0,
        settledOnTheSpot: 0,
      },
      {
        leaderId: 'l3',
        rostered: 0,
        held: 0,
        receptions: 1,
        batches: 2,
        personTimes: 7,
        settledOnTheSpot: 1,
      },
    ]);
    expect(receptionSummary([], []).settledShare.rate).toBeNull();
  });
});
