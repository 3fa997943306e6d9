import { describe, expect, it } from 'vitest';
import type { CaseRecord } from '../../lambdas/domain/case.js';
import type { GridRecord } from '../../lambdas/domain/grid.js';
import { hideSmallSamples, indicators, sumTotals, type Totals } from '../../lambdas/domain/indicators.js';
import { parsePeriod } from '../../lambdas/domain/periods.js';
import {
  bulletinMessage,
  caseLine,
  patrolCoverage,
  rateChange,
  responsibleOf,
  subtreeTotals,
  supervisionNotice,
  totalsByGrid,
} from '../../lambdas/domain/report.js';

/**
 * The indicators from summed counters, and the pure parts of the bulletins. The counts are those of the holiday week
 * in test/integration/reports-week.test.ts (2026-W40, National Day 10-01..10-07), worked out there case by case.
 */

const WEEK: Totals = {
  registered: 1,
  disputes: 1,
  channel_phone: 1,
  ackOnTime: 1,
  ackMissed: 1,
  replyOnTime: 2,
  replyMissed: 1,
  replied: 3,
  resolved: 1,
  partiallyResolved: 1,
  notResolved: 1,
  resolvedVillage: 1,
  ratedSatisfied: 1,
  ratedBasicallySatisfied: 1,
  ratedDissatisfied: 1,
};

describe('indicators', () => {
  it('computes each rate with its numerator and denominator', () => {
    const values = indicators(WEEK);
    // acknowledged in time: A; missed: B → 1 of 2
    expect(values.timelyAcknowledgement).toEqual({ numerator: 1, denominator: 2, rate: 0.5 });
    // replied by the (extended) deadline: C, A; late: E → 2 of 3
    expect(values.onTimeReply).toEqual({ numerator: 2, denominator: 3, rate: 2 / 3 });
    // all three replies rated
    expect(values.ratingParticipation).toEqual({ numerator: 3, denominator: 3, rate: 1 });
    // satisfied (A) and basically satisfied (C) of three ratings
    expect(values.satisfaction).toEqual({ numerator: 2, denominator: 3, rate: 2 / 3 });
    expect(values.satisfiedOnly).toEqual({ numerator: 1, denominator: 3, rate: 1 / 3 });
    expect(values.resolution).toEqual({ numerator: 1, denominator: 3, rate: 1 / 3 });
    expect(values.repeat).toEqual({ numerator: 0, denominator: 1, rate: 0 });
    expect(values.resolvedInVillage).toEqual({ numerator: 1, denominator: 1, rate: 1 });
    expect(values.resolvedInTown).toEqual({ numerator: 1, denominator: 1, rate: 1 });
  });

  it('counts each review’s answer as eligible for rating, like each reply', () => {
    const values = indicators({ ...WEEK, reviewAnswered: 1, ratedDissatisfied: 2 });
    expect(values.ratingParticipation).toEqual({ numerator: 4, denominator: 4, rate: 1 });
    expect(indicators({ ...WEEK, reviewAnswered: 1 }).ratingParticipation).toEqual({
      numerator: 3,
      denominator: 4,
      rate: 0.75,
    });
  });

  it('gives a null rate, never NaN, over an empty denominator', () => {
    for (const value of Object.values(indicators({})))
      expect(value).toEqual({ numerator: 0, denominator: 0, rate: null });
  });

  it('sums rows of counters, shards and days alike', () => {
    expect(sumTotals([{ ackOnTime: 2, repeat: 1 }, { ackOnTime: 3 }, {}])).toEqual({
      ackOnTime: 5,
      repeat: 1,
    });
  });

  it('hides a rate over fewer cases than the minimum and keeps its counts', () => {
    const values = indicators({ ackOnTime: 4, ackMissed: 1, replyOnTime: 3, replyMissed: 1 });
    const ranked = hideSmallSamples(values, 5);
    // 5 due for acknowledgement: shown; 4 due for reply: hidden
    expect(ranked.timelyAcknowledgement).toEqual({ numerator: 4, denominator: 5, rate: 0.8 });
    expect(ranked.onTimeReply).toEqual({ numerator: 3, denominator: 4, rate: null });
    expect(hideSmallSamples(values, 4).onTimeReply.rate).toBe(0.75);
  });

  it('reports the change of each rate, null where either side has none', () => {
    const change = rateChange(indicators(WEEK), indicators({ ackOnTime: 2, registered: 3 }));
    expect(change.timelyAcknowledgement).toBe(-0.5);
    expect(change.repeat).toBe(0);
    expect(change.onTimeReply).toBeNull();
  });
});

const grid = (id: string, level: GridRecord['level'], path: string): GridRecord => ({
  id,
  town: 't',
  name: id,
  level,
  path,
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
});
const TREE = [
  grid('c', 'comprehensive', '/c/'),
  grid('v1', 'village', '/c/v1/'),
  grid('u1', 'unit', '/c/v1/u1/'),
  grid('v2', 'village', '/c/v2/'),
];

describe('grids', () => {
  const byGrid = totalsByGrid([
    { gridId: 'v1', counts: { ackMissed: 1 } },
    { gridId: 'u1', counts: { ackOnTime: 1, patrols: 1 } },
    { gridId: 'u1', counts: { ackOnTime: 1 } },
    { gridId: '-', counts: { ackOnTime: 5 } },
  ]);

  it('adds a village grid and its units, and leaves cases outside any grid to the town', () => {
    expect(subtreeTotals(byGrid, TREE, TREE[1]!)).toEqual({ ackMissed: 1, ackOnTime: 2, patrols: 1 });
    expect(subtreeTotals(byGrid, TREE, TREE[0]!)).toEqual({ ackMissed: 1, ackOnTime: 2, patrols: 1 });
    expect(subtreeTotals(byGrid, TREE, TREE[3]!)).toEqual({});
  });

  it('covers village grids and units by the patrols logged on them', () => {
    expect(patrolCoverage(byGrid, TREE)).toEqual({
      coverage: { numerator: 1, denominator: 3, rate: 1 / 3 },
      unpatrolled: [
        { gridId: 'v1', name: 'v1', level: 'village' },
        { gridId: 'v2', name: 'v2', level: 'village' },
      ],
    });
  });
});

const record = (overrides: Partial<CaseRecord> = {}): CaseRecord => ({
  id: 'case-1',
  town: 't',
  number: 'XF-20260916-0001',
  version: 2,
  kind: 'petition',
  channel: 'visit',
  type: 'claim',
  category: 'labor_wages',
  title: '拖欠工资',
  description: '工地拖欠三个月工资',
  receivedAt: '2026-09-16T02:00:00.000Z',
  petitioners: [{ name: '张三' }],
  headcount: 1,
  collective: false,
  status: 'registered',
  firstTime: true,
  deadlines: { acknowledgeBy: '2026-10-01T16:00:00.000Z' },
  registeredBy: { id: 'clerk-1', role: 'clerk' },
  timelineHead: { seq: 1, hash: 'h' },
  createdAt: '2026-09-16T02:00:00.000Z',
  updatedAt: '2026-09-16T02:00:00.000Z',
  ...overrides,
});

describe('cases in reports', () => {
  it('names who answers: the assignee, else the owner, else a staff registrar', () => {
    expect(responsibleOf(record({ assignee: 'h-1', owner: 'l-1' }))).toBe('h-1');
    expect(responsibleOf(record({ owner: 'l-1' }))).toBe('l-1');
    expect(responsibleOf(record())).toBe('clerk-1');
    expect(responsibleOf(record({ registeredBy: { id: 'citizen-9', role: 'petitioner' } }))).toBeUndefined();
  });

  it('shows a case by number, status and deadline, late from the deadline instant on, never its title', () => {
    const due = new Date('2026-10-01T16:00:00.000Z');
    const line = caseLine(record(), due);
    expect(line).toEqual({
      id: 'case-1',
      number: 'XF-20260916-0001',
      kind: 'petition',
      status: 'registered',
      firstTime: true,
      deadline: { kind: 'acknowledge', due: '2026-10-01T16:00:00.000Z' },
      late: true,
      responsible: 'clerk-1',
    });
    expect(caseLine(record(), new Date(due.getTime() - 1)).late).toBe(false);
    expect(JSON.stringify(line)).not.toMatch(/拖欠|张三/);
  });

  it('gives a supervision notice an id of the month and the case only', () => {
    const september = parsePeriod('monthly', '2026-09')!;
    const first = supervisionNotice(record(), 'clerk-1', september, '2026-10-01T01:00:00.000Z');
    const again = supervisionNotice(record(), 'clerk-1', september, '2026-10-01T03:00:00.000Z');
    expect(first?.id).toBe(again?.id);
    // the deadline ends 1 October at 24:00 Beijing time: its last day is 1 October, not the 2nd
    expect(first?.text.zh).toBe(
      '月督办（2026年9月）：案件 XF-20260916-0001 已超过告知受理期限（2026年10月1日），请抓紧办理并报告进展。',
    );
    expect(first?.text.en).toBe(
      'Monthly supervision (September 2026): case XF-20260916-0001 missed its acknowledgement deadline ' +
        '(1 Oct 2026, Beijing time); please act and report progress.',
    );
    const october = parsePeriod('monthly', '2026-10')!;
    expect(supervisionNotice(record(), 'clerk-1', october, '2026-11-01T01:00:00.000Z')?.id).not.toBe(
      first?.id,
    );
    expect(supervisionNotice(record({ status: 'closed' }), 'clerk-1', september, 'x')).toBeUndefined();
  });

  it('publishes a bulletin with the period and the indicator numbers only', () => {
    const message = bulletinMessage(
      'town-a',
      { townName: '某镇', issuingOffice: '某镇信访办公室' },
      {
        kind: 'monthly',
        period: '2026-09',
        from: '2026-09-01',
        to: '2026-09-30',
        generatedAt: '2026-10-01T01:00:00.000Z',
        itemsRead: 12,
        totals: WEEK,
        indicators: indicators(WEEK),
        repeatPetitions: 0,
        overdue: { total: 1, items: [caseLine(record(), new Date('2026-10-02T00:00:00Z'))] },
        backlog: { total: 0, items: [] },
      },
      '2026-10-01T01:00:00.000Z',
    );
    expect(message.topic).toBe('bulletins');
    expect(message.subject).toBe('某镇信访工作月报 2026年9月');
    expect(message.body.title).toEqual({
      zh: '某镇信访工作月报 2026年9月',
      en: 'Monthly Petition Work Report, 某镇: September 2026',
    });
    expect(Object.keys(message.body).sort()).toEqual([
      'from',
      'indicators',
      'kind',
      'period',
      'report',
      'title',
      'to',
    ]);
    expect(JSON.stringify(message)).not.toMatch(/XF-|clerk-1|case-1/);
  });
});
