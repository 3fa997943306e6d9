import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../lambdas/adapters/table-model.js';
import { indicators } from '../../lambdas/domain/indicators.js';
import type { DailyReport, MonthlyReport, WeeklyReport } from '../../lambdas/domain/report.js';
import { reportDeps, runScheduledReports } from '../../lambdas/usecases/reports.js';
import { caseBody, createHarness, type Harness, validIdNumber } from '../support/harness.js';

/**
 * A week across a holiday, driven through the API with a moving clock, every number worked out by hand.
 *
 * Week 2026-W40 runs Monday 28 September to Sunday 4 October; National Day is 1–7 October. Under the default policy a
 * period that ends on a holiday keeps its date (`holidayRule: keep`), so a reply due on 1 October and given on the 2nd
 * is late. Deadlines: acknowledge within 15 days of receipt, reply within 60 days of acceptance, the day of receipt
 * or acceptance not counted, each ending at 24:00 Beijing (16:00Z).
 *
 * Grids: comprehensive C; villages 东村 (V1) and 西村 (V2) under it; unit 东村一组 (U1) under V1.
 *
 * | case | kind, grid | what happens (Beijing dates, 10:00 unless said) |
 * |---|---|---|
 * | E0 | petition, V1, petitioner P1 | registered 07-01; never acted on: acknowledgement due 07-16 |
 * | C  | petition, U1, P1 again → repeat of E0 | registered 07-20; accepted 07-21 (handler-1; reply due 09-19); owned by leader-1 07-22; extended 30 days by leader-1 09-10 (due 10-19); replied 09-30 partially resolved; rated basically satisfied 10-01 |
 * | E  | petition, V2, P4 | registered 08-01; accepted 08-02 (reply due 10-01, a holiday); replied 10-02 not resolved (late); rated dissatisfied 10-02 |
 * | B  | petition, V1, P3 | registered 09-15 (acknowledgement due 09-30); accepted late 10-02 |
 * | A  | petition, U1, P2 | registered 09-16 (due 10-01); accepted 09-29 (reply due 11-28); replied 10-02 resolved; rated satisfied 10-03 |
 * | F  | petition, no grid, P6 | registered 09-21, accepted 09-22 |
 * | K  | petition, V2, P8 | registered 09-22 (acknowledgement due 10-07) |
 * | G  | petition, V1, P7 | registered 09-24, declined the same day |
 * | D  | dispute by phone, V2, P5 | registered 09-28 (due 10-13) |
 *
 * Counters land on the day of the act when it is on time, on the deadline's day when it is late:
 * - W39 (09-21..09-27): registered F, K, G (3, all petitions by visit); acknowledged on time F (09-22), G (09-24): 2.
 * - W40 (09-28..10-04): registered D (1 dispute by phone); acknowledged on time A (09-29); missed B (counted on 09-30,
 *   its deadline, when it is accepted on 10-02); replied on time C (09-30, thanks to the extension) and A (10-02);
 *   replied late E (counted on 10-01, its deadline); outcomes: A resolved (at village level, a unit grid), C partially,
 *   E not resolved; ratings: C basically satisfied (10-01), E dissatisfied (10-02), A satisfied (10-03).
 */

const TOWN = 'town-a';
let h: Harness;
let admin: string;
let clerk: string;
let handler: string;
let leader: string;
let supervisor: string;
const g = { c: '', v1: '', u1: '', v2: '' };
const cases: Record<string, { id: string; number: string; version: number }> = {};
let daily: DailyReport;
let monthly: MonthlyReport;
let weekly: WeeklyReport;
let monthlyRerun: { stored: boolean; notices: number };
let weeklyRerun: { stored: boolean };

/** Beijing wall time → the instant. */
const beijing = (local: string) => new Date(`${local}+08:00`);

const petitioners = (n: number) => [
  { name: `村民${n}`, idNumber: validIdNumber(200 + n), phone: `1390000${String(n).padStart(4, '0')}` },
];

async function register(name: string, when: string, body: Record<string, unknown>) {
  h.setNow(beijing(when));
  const response = await h.request('POST', '/v1/cases', { token: clerk, body: caseBody(body) });
  expect(response.status, response.text).toBe(201);
  cases[name] = { id: response.body.id, number: response.body.number, version: response.body.version };
  return response.body;
}

async function command(name: string, when: string, token: string, verb: string, body: unknown) {
  h.setNow(beijing(when));
  const target = cases[name]!;
  const response = await h.request('POST', `/v1/cases/${target.id}/${verb}`, {
    token,
    body,
    headers: { 'if-match': `"${target.version}"` },
  });
  expect(response.status, `${name} ${verb}: ${response.text}`).toBe(200);
  target.version = response.body.version;
  return response.body;
}

async function createGrid(body: Record<string, unknown>) {
  const response = await h.request('POST', '/v1/grids', { token: admin, body });
  expect(response.status, response.text).toBe(201);
  return response.body.id as string;
}

beforeAll(async () => {
  h = await createHarness({ now: beijing('2026-06-30T09:00') });
  const reports = reportDeps(h.deps);
  const run = async (kind: 'daily' | 'weekly' | 'monthly', at: Date) => {
    const result = await runScheduledReports(reports, [TOWN], kind, at);
    expect(result.failed).toEqual([]);
    const done = result.runs[0]!;
    return { ...done, report: await reports.reports.get(TOWN, kind, done.period) };
  };
  admin = await h.token('admin', 'admin-1');
  clerk = await h.token('clerk', 'clerk-1');
  handler = await h.token('handler', 'handler-1');
  leader = await h.token('leader', 'leader-1');
  supervisor = await h.token('supervisor', 'supervisor-1');
  const worker = await h.token('grid_worker', 'worker-1');

  g.c = await createGrid({ name: '第一综合网格', level: 'comprehensive' });
  g.v1 = await createGrid({ name: '东村', level: 'village', parentId: g.c });
  g.u1 = await createGrid({ name: '东村一组', level: 'unit', parentId: g.v1 });
  g.v2 = await createGrid({ name: '西村', level: 'village', parentId: g.c });
  const staff = await h.request('PUT', '/v1/staff/leader-1', {
    token: admin,
    body: { name: '王镇长', roles: ['leader'] },
  });
  expect(staff.status, staff.text).toBe(200);
  expect((await h.request('PUT', `/v1/grids/${g.v1}/workers/worker-1`, { token: admin })).status).toBe(200);

  await register('E0', '2026-07-01T10:00', { gridId: g.v1, petitioners: petitioners(1) });
  // E0 is still open: the clerk opens C beside it with a reason (Art 19)
  const repeat = await register('C', '2026-07-20T10:00', {
    gridId: g.u1,
    petitioners: petitioners(1),
    repeatOfOpenCase: { reason: '新的欠薪事实' },
  });
  expect(repeat.firstTime).toBe(false);
  const acceptedC = await command('C', '2026-07-21T10:00', clerk, 'accept', {
    track: 'supervised',
    assigneeId: 'handler-1',
  });
  expect(acceptedC.deadlines.replyBy).toBe('2026-09-19T16:00:00.000Z');
  await command('C', '2026-07-22T10:00', leader, 'own', {
    leaderId: 'leader-1',
    team: ['handler-1'],
    plan: { tasks: ['核实欠薪'], responsibilities: ['劳动保障所'], measures: ['约谈用工方'] },
  });
  await register('E', '2026-08-01T10:00', { gridId: g.v2, petitioners: petitioners(4) });
  const acceptedE = await command('E', '2026-08-02T10:00', clerk, 'accept', {
    track: 'immediate',
    assigneeId: 'handler-1',
  });
  expect(acceptedE.deadlines.replyBy).toBe('2026-10-01T16:00:00.000Z');
  const extended = await command('C', '2026-09-10T10:00', leader, 'extend', {
    days: 30,
    reason: '需调取工资台账',
  });
  expect(extended.deadlines.extendedTo).toBe('2026-10-19T16:00:00.000Z');
  const b = await register('B', '2026-09-15T10:00', { gridId: g.v1, petitioners: petitioners(3) });
  expect(b.deadlines.acknowledgeBy).toBe('2026-09-30T16:00:00.000Z');
  await register('A', '2026-09-16T10:00', { gridId: g.u1, petitioners: petitioners(2) });
  await register('F', '2026-09-21T10:00', { petitioners: petitioners(6) });
  await command('F', '2026-09-22T10:00', clerk, 'accept', { track: 'immediate', assigneeId: 'handler-1' });
  await register('K', '2026-09-22T11:00', { gridId: g.v2, petitioners: petitioners(8) });
  await register('G', '2026-09-24T10:00', { gridId: g.v1, petitioners: petitioners(7) });
  await command('G', '2026-09-24T11:00', clerk, 'decline', { reason: '不属于信访受理范围' });
  await register('D', '2026-09-28T10:00', {
    kind: 'dispute',
    channel: 'phone',
    category: 'neighbor',
    gridId: g.v2,
    petitioners: petitioners(5),
  });
  const patrol = await h.request('POST', `/v1/grids/${g.v1}/patrols`, {
    token: worker,
    body: { date: '2026-09-28', households: 20 },
  });
  expect(patrol.status, patrol.text).toBe(201);
  daily = (await run('daily', beijing('2026-09-28T18:00'))).report as DailyReport;

  await command('A', '2026-09-29T10:00', clerk, 'accept', { track: 'immediate', assigneeId: 'handler-1' });
  await command('C', '2026-09-30T10:00', handler, 'reply', {
    outcome: 'partially_resolved',
    opinion: '已督促支付部分工资',
  });
  const monthRun = await run('monthly', beijing('2026-10-01T09:00'));
  monthly = monthRun.report as MonthlyReport;
  expect(monthRun).toMatchObject({ stored: true, notices: 2 });
  monthlyRerun = await run('monthly', beijing('2026-10-01T09:30'));

  await command('C', '2026-10-01T10:00', clerk, 'rate', { rating: 'basically_satisfied' });
  await command('B', '2026-10-02T10:00', clerk, 'accept', { track: 'coordinated', assigneeId: 'handler-1' });
  await command('A', '2026-10-02T11:00', handler, 'reply', { outcome: 'resolved', opinion: '已支付' });
  await command('E', '2026-10-02T12:00', handler, 'reply', {
    outcome: 'not_resolved',
    opinion: '双方未达成一致',
  });
  await command('E', '2026-10-02T15:00', clerk, 'rate', { rating: 'dissatisfied' });
  await command('A', '2026-10-03T10:00', clerk, 'rate', { rating: 'satisfied' });

  const weekRun = await run('weekly', beijing('2026-10-05T09:00'));
  expect(weekRun.stored).toBe(true);
  weekly = weekRun.report as WeeklyReport;
  weeklyRerun = await run('weekly', beijing('2026-10-05T09:10'));
  h.setNow(beijing('2026-10-05T10:00'));
}, 120_000);

afterAll(() => h.close());

const line = (name: string, extra: Record<string, unknown>) => ({
  id: cases[name]!.id,
  number: cases[name]!.number,
  ...extra,
});

describe('daily collection 2026-09-28 (run at 18:00)', () => {
  it('counts the new case by grid and channel, and patrol coverage', () => {
    expect(daily.period).toBe('2026-09-28');
    expect(daily.totals).toEqual({ registered: 1, disputes: 1, channel_phone: 1, patrols: 1 });
    expect(daily.newCases.total).toBe(1);
    expect(daily.newCases.byGrid).toEqual([
      { gridId: g.v2, name: '西村', level: 'village', registered: 1, petitions: 0, disputes: 1 },
    ]);
    expect(daily.newCases.byChannel.find((c) => c.channel === 'phone')?.count).toBe(1);
    expect(daily.newCases.byChannel.reduce((sum, c) => sum + c.count, 0)).toBe(1);
    // V1 patrolled; U1 and V2 not: 1 of the 3 village grids and units
    expect(daily.patrolCoverage.coverage).toEqual({ numerator: 1, denominator: 3, rate: 1 / 3 });
    expect(daily.patrolCoverage.unpatrolled.map((u) => u.gridId).sort()).toEqual([g.u1, g.v2].sort());
  });

  it('lists first-time petitions due within three days (E0 already late, then B; A is due 10-01 24:00, after)', () => {
    expect(daily.firstTimeAtRisk.total).toBe(2);
    expect(daily.firstTimeAtRisk.items).toEqual([
      line('E0', {
        kind: 'petition',
        status: 'registered',
        firstTime: true,
        gridId: g.v1,
        deadline: { kind: 'acknowledge', due: '2026-07-16T16:00:00.000Z' },
        late: true,
        responsible: 'clerk-1',
      }),
      line('B', {
        kind: 'petition',
        status: 'registered',
        firstTime: true,
        gridId: g.v1,
        deadline: { kind: 'acknowledge', due: '2026-09-30T16:00:00.000Z' },
        late: false,
        responsible: 'clerk-1',
      }),
    ]);
  });
});

describe('monthly supervision 2026-09 (run 10-01 09:00)', () => {
  it('counts the month and lists late cases with who answers for them', () => {
    // registered B, A, F, K, G (petitions) and D (dispute); acknowledged on time F, G, A; C extended on 09-10 and
    // replied on time on 09-30. B's missed acknowledgement is not counted yet: B is accepted only on 10-02.
    expect(monthly.totals).toEqual({
      registered: 6,
      petitions: 5,
      disputes: 1,
      channel_visit: 5,
      channel_phone: 1,
      ackOnTime: 3,
      extended: 1,
      patrols: 1,
      replyOnTime: 1,
      replied: 1,
      partiallyResolved: 1,
      petitionsReplied: 1,
      // C, a repeat petition, replied 09-30
      repeatReplied: 1,
    });
    expect(monthly.indicators.timelyAcknowledgement).toEqual({ numerator: 3, denominator: 3, rate: 1 });
    expect(monthly.indicators.onTimeReply).toEqual({ numerator: 1, denominator: 1, rate: 1 });
    expect(monthly.indicators.resolution).toEqual({ numerator: 0, denominator: 1, rate: 0 });
    expect(monthly.repeatPetitions).toBe(0);
    // B was due on 30 September (a day of the month); E0 on 16 July (backlog)
    expect(monthly.overdue).toEqual({
      total: 1,
      items: [expect.objectContaining({ id: cases.B!.id, late: true, responsible: 'clerk-1' })],
    });
    expect(monthly.backlog).toEqual({
      total: 1,
      items: [expect.objectContaining({ id: cases.E0!.id, late: true, responsible: 'clerk-1' })],
    });
  });

  it('sends each responsible person one notice per late case, once', async () => {
    expect(monthlyRerun).toMatchObject({ stored: false, notices: 0 });
    const inbox = await h.request('GET', '/v1/me/notifications', { token: clerk });
    const notices = inbox.body.items.filter((n: { kind: string }) => n.kind === 'supervision');
    expect(notices.map((n: { caseNumber: string }) => n.caseNumber).sort()).toEqual(
      [cases.B!.number, cases.E0!.number].sort(),
    );
    expect(JSON.stringify(notices)).not.toMatch(/村民|拖欠/);
  });

  it('serves the stored month as it was, while the counters have since learnt of B', async () => {
    const stored = await h.request('GET', '/v1/reports/monthly/2026-09', { token: supervisor });
    expect(stored.status).toBe(200);
    expect(stored.body).toEqual(monthly);
    expect(monthly.storedAt).toBe('2026-10-01T01:00:00.000Z');
    const now = await h.request('GET', '/v1/metrics?from=2026-09-01&to=2026-09-30', { token: supervisor });
    expect(now.body.indicators.timelyAcknowledgement).toEqual({ numerator: 3, denominator: 4, rate: 0.75 });
  });

  it('makes a month no run stored on request: July has the one repeat petition, C', async () => {
    const july = await h.request('GET', '/v1/reports/monthly/2026-07', { token: leader });
    expect(july.status).toBe(200);
    expect(july.body.storedAt).toBeUndefined();
    expect(july.body.repeatPetitions).toBe(1);
    // E0 and C registered; C acknowledged on 07-21
    expect(july.body.indicators.repeat).toEqual({ numerator: 1, denominator: 2, rate: 0.5 });
    expect(july.body.indicators.timelyAcknowledgement).toEqual({ numerator: 1, denominator: 1, rate: 1 });
  });
});

describe('weekly bulletin 2026-W40 (run Monday 10-05 09:00)', () => {
  it('has each indicator of the town equal to the hand count', () => {
    expect(weekly.period).toBe('2026-W40');
    expect([weekly.from, weekly.to]).toEqual(['2026-09-28', '2026-10-04']);
    expect(weekly.totals).toEqual({
      registered: 1,
      disputes: 1,
      channel_phone: 1,
      patrols: 1,
      ackOnTime: 1,
      ackMissed: 1,
      replyOnTime: 2,
      replyMissed: 1,
      replied: 3,
      resolved: 1,
      partiallyResolved: 1,
      notResolved: 1,
      // the three replies are petitions' (A, C, E)
      petitionsReplied: 3,
      petitionsResolved: 1,
      // of them C is a repeat petition, partially resolved
      repeatReplied: 1,
      resolvedVillage: 1,
      ratedSatisfied: 1,
      ratedBasicallySatisfied: 1,
      ratedDissatisfied: 1,
    });
    expect(weekly.indicators).toEqual({
      timelyAcknowledgement: { numerator: 1, denominator: 2, rate: 0.5 }, // A in time, B missed
      onTimeReply: { numerator: 2, denominator: 3, rate: 2 / 3 }, // C (extended), A; E late on a holiday
      ratingParticipation: { numerator: 3, denominator: 3, rate: 1 },
      satisfaction: { numerator: 2, denominator: 3, rate: 2 / 3 }, // A satisfied, C basically
      satisfiedOnly: { numerator: 1, denominator: 3, rate: 1 / 3 },
      resolution: { numerator: 1, denominator: 3, rate: 1 / 3 }, // A
      petitionResolution: { numerator: 1, denominator: 3, rate: 1 / 3 },
      disputeResolution: { numerator: 0, denominator: 0, rate: null }, // D is not replied yet
      keyResolution: { numerator: 0, denominator: 0, rate: null },
      repeat: { numerator: 0, denominator: 1, rate: 0 }, // D is first-time
      resolvedInVillage: { numerator: 1, denominator: 1, rate: 1 },
      resolvedInTown: { numerator: 1, denominator: 1, rate: 1 },
    });
  });

  it('compares with the week before: F and G acknowledged in time, three registered, none repeat', () => {
    expect(weekly.previous).toMatchObject({ period: '2026-W39', from: '2026-09-21', to: '2026-09-27' });
    expect(weekly.previous.indicators).toEqual(
      indicators({ registered: 3, petitions: 3, channel_visit: 3, ackOnTime: 2 }),
    );
    expect(weekly.change.timelyAcknowledgement).toBe(-0.5);
    expect(weekly.change.repeat).toBe(0);
    expect(weekly.change.onTimeReply).toBeNull();
  });

  it('ranks village grids with their units, hiding rates under the minimum sample (5) but not their counts', () => {
    const east = weekly.byVillage.find((v) => v.gridId === g.v1)!;
    const west = weekly.byVillage.find((v) => v.gridId === g.v2)!;
    expect(weekly.byVillage).toHaveLength(2);
    // 东村 with 东村一组: A (U1) in time and B (V1) missed; C and A replied in time, both rated
    expect(east.name).toBe('东村');
    expect(east.indicators.timelyAcknowledgement).toEqual({ numerator: 1, denominator: 2, rate: null });
    expect(east.indicators.onTimeReply).toEqual({ numerator: 2, denominator: 2, rate: null });
    expect(east.indicators.satisfaction).toEqual({ numerator: 2, denominator: 2, rate: null });
    expect(east.previous.timelyAcknowledgement).toEqual({ numerator: 1, denominator: 1, rate: null }); // G
    // 西村: E replied late and rated dissatisfied; D registered
    expect(west.indicators.onTimeReply).toEqual({ numerator: 0, denominator: 1, rate: null });
    expect(west.indicators.repeat).toEqual({ numerator: 0, denominator: 1, rate: null });
    expect(Object.values(east.change).every((c) => c === null)).toBe(true);
  });

  it('lists overdue and at-risk cases and the cases leaders own', () => {
    expect(weekly.overdue).toEqual({
      total: 1,
      items: [expect.objectContaining({ id: cases.E0!.id, late: true, responsible: 'clerk-1' })],
    });
    // K: acknowledgement due 10-07 24:00, within three days of Monday 09:00
    expect(weekly.atRisk).toEqual({
      total: 1,
      items: [
        line('K', {
          kind: 'petition',
          status: 'registered',
          firstTime: true,
          gridId: g.v2,
          deadline: { kind: 'acknowledge', due: '2026-10-07T16:00:00.000Z' },
          late: false,
          responsible: 'clerk-1',
        }),
      ],
    });
    expect(weekly.leaderOwned).toEqual([
      {
        leaderId: 'leader-1',
        items: [
          line('C', {
            kind: 'petition',
            status: 'replied',
            firstTime: false,
            gridId: g.u1,
            late: false,
            responsible: 'handler-1',
          }),
        ],
        more: false,
      },
    ]);
    expect(weekly.itemsRead).toBeGreaterThan(0);
  });

  it('is stored and published once, the bulletin carrying numbers only', async () => {
    expect(weeklyRerun.stored).toBe(false);
    const stored = await h.request('GET', '/v1/reports/weekly/2026-W40', { token: leader });
    expect(stored.body).toEqual(weekly);
    expect(weekly.storedAt).toBe('2026-10-05T01:00:00.000Z');
    const published = await h.deps.db.send(
      new QueryCommand({
        TableName: h.tables.cases,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.localPublished },
      }),
    );
    const bulletins = (published.Items ?? []).filter((m) => m.topic === 'bulletins');
    expect(bulletins.map((m) => m.body.period).sort()).toEqual(['2026-09', '2026-09-28', '2026-W40']);
    const text = JSON.stringify(bulletins);
    for (const c of Object.values(cases)) expect(text).not.toContain(c.number);
    expect(text).not.toMatch(/村民|拖欠|clerk-1|handler-1/);
    expect(bulletins.find((m) => m.body.period === '2026-W40')?.body.indicators).toEqual(weekly.indicators);
  });
});

describe('metrics', () => {
  it('gives the week the same indicators as the bulletin', async () => {
    const response = await h.request('GET', '/v1/metrics?from=2026-09-28&to=2026-10-04', { token: leader });
    expect(response.status).toBe(200);
    expect(response.body.indicators).toEqual(weekly.indicators);
    expect(response.body.totals).toEqual(weekly.totals);
    expect(response.body.itemsRead).toBeGreaterThan(0);
  });

  it('shows a grid rate only over at least rankingMinimum cases', async () => {
    const policy = await h.request('GET', '/v1/admin/policy', { token: admin });
    expect(policy.body.rankingMinimum).toBe(5);
    const hidden = await h.request('GET', '/v1/metrics?from=2026-09-28&to=2026-10-04', { token: leader });
    const row = (body: { byGrid: { gridId: string; indicators: Record<string, unknown> }[] }, id: string) =>
      body.byGrid.find((r) => r.gridId === id)!;
    // the comprehensive grid holds every case of the week with a grid: 3 replies due, still under 5
    expect(row(hidden.body, g.c).indicators.onTimeReply).toEqual({
      numerator: 2,
      denominator: 3,
      rate: null,
    });

    const put = await h.request('PUT', '/v1/admin/policy', {
      token: admin,
      body: { ...policy.body, rankingMinimum: 2 },
    });
    expect(put.status, put.text).toBe(200);
    const shown = await h.request('GET', '/v1/metrics?from=2026-09-28&to=2026-10-04', { token: leader });
    expect(shown.body.byGrid.map((r: { gridId: string }) => r.gridId).sort()).toEqual(
      [g.c, g.v1, g.u1, g.v2].sort(),
    );
    expect(row(shown.body, g.c).indicators.onTimeReply).toEqual({
      numerator: 2,
      denominator: 3,
      rate: 2 / 3,
    });
    expect(row(shown.body, g.v1).indicators.timelyAcknowledgement).toEqual({
      numerator: 1,
      denominator: 2,
      rate: 0.5,
    });
    expect(row(shown.body, g.v1).indicators.onTimeReply).toEqual({ numerator: 2, denominator: 2, rate: 1 });
    // one case resolved: a sample of 1 stays hidden
    expect(row(shown.body, g.v1).indicators.resolvedInVillage).toEqual({
      numerator: 1,
      denominator: 1,
      rate: null,
    });
    expect(row(shown.body, g.u1).indicators.timelyAcknowledgement).toEqual({
      numerator: 1,
      denominator: 1,
      rate: null,
    });
    expect(row(shown.body, g.v2).indicators.onTimeReply).toEqual({
      numerator: 0,
      denominator: 1,
      rate: null,
    });
  });

  it('narrows to a grid and the grids below it', async () => {
    const response = await h.request('GET', `/v1/metrics?from=2026-09-28&to=2026-10-04&gridId=${g.v1}`, {
      token: supervisor,
    });
    expect(response.status).toBe(200);
    expect(response.body.gridId).toBe(g.v1);
    expect(response.body.byGrid.map((r: { gridId: string }) => r.gridId)).toEqual([g.v1, g.u1]);
    expect(response.body.indicators.timelyAcknowledgement).toEqual({
      numerator: 1,
      denominator: 2,
      rate: 0.5,
    });
    expect(response.body.indicators.onTimeReply).toEqual({ numerator: 2, denominator: 2, rate: 1 });
    expect(response.body.totals.registered).toBeUndefined();
  });
});
