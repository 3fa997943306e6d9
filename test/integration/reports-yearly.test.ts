import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseBody, createHarness, type Harness, validIdNumber } from '../support/harness.js';

/**
 * The yearly summary (年度总结): the figures a town's report on its year quotes, summed from the counters, checked
 * against a year whose every act the test made.
 */

const TOWN = 'town-y';
let h: Harness;
let clerk: string;
let handler: string;
let leader: string;
let supervisor: string;

const command = async (token: string, id: string, name: string, version: number, body: unknown) => {
  const response = await h.request('POST', `/v1/cases/${id}/${name}`, {
    token,
    body,
    headers: { 'if-match': `"${version}"` },
  });
  expect(response.status, response.text).toBe(200);
  return response.body.version as number;
};

const register = async (body: Record<string, unknown>) => {
  const created = await h.request('POST', '/v1/cases', { token: clerk, body });
  expect(created.status, created.text).toBe(201);
  return created.body.id as string;
};

/** Accepted with handler-1 as assignee, then replied to by them, resolved. */
const resolve = async (id: string, version: number) => {
  const v = await command(clerk, id, 'accept', version, { track: 'immediate', assigneeId: 'handler-1' });
  return command(handler, id, 'reply', v, { outcome: 'resolved', opinion: '已协调解决' });
};

beforeAll(async () => {
  h = await createHarness({ now: new Date('2026-12-01T02:00:00Z') });
  [clerk, handler, leader, supervisor] = await Promise.all([
    h.token('clerk', 'clerk-1', TOWN),
    h.token('handler', 'handler-1', TOWN),
    h.token('leader', 'leader-1', TOWN),
    h.token('supervisor', 'supervisor-1', TOWN),
  ]);
  const admin = await h.token('admin', 'admin-1', TOWN);
  const staffed = await h.request('PUT', '/v1/staff/leader-1', {
    token: admin,
    body: { name: '王建国', title: '镇党委书记', roles: ['leader'] },
  });
  expect(staffed.status).toBe(200);

  // a repeat petition: the same petitioner and category as a withdrawn case, replied to and resolved
  const petitioner = { name: '张三', idNumber: validIdNumber(777) };
  const first = await register(caseBody({ petitioners: [petitioner] }));
  await command(clerk, first, 'withdraw', 1, { reason: '已私下和解' });
  const repeat = await register(caseBody({ petitioners: [petitioner] }));
  await resolve(repeat, 1);
  // a key matter, resolved
  const key = await register(caseBody());
  const accepted = await command(clerk, key, 'accept', 1, { track: 'supervised', assigneeId: 'handler-1' });
  const marked = await command(leader, key, 'mark-key', accepted, { reason: '群体性欠薪' });
  await command(handler, key, 'reply', marked, { outcome: 'partially_resolved', opinion: '部分解决' });
  // a reception: 2 batches, 9 person-times, one settled on the spot
  const { channel: _channel, ...registration } = caseBody({ headcount: 7 });
  const received = await h.request('POST', '/v1/receptions', {
    token: clerk,
    body: {
      date: '2026-12-01',
      leaderId: 'leader-1',
      period: 'morning',
      visits: [
        { caseId: first, headcount: 2, onTheSpot: { measure: '释法说理', track: 'immediate' } },
        { registration, headcount: 7, onTheSpot: { measure: '登记交办', track: 'coordinated' } },
      ],
    },
  });
  expect(received.status, received.text).toBe(201);
});
afterAll(() => h?.close());

describe('GET /v1/reports/yearly/{year}', () => {
  it('gives the year’s batches, person-times, repeat petitions and key matters resolved, and the resolution rate', async () => {
    const response = await h.request('GET', '/v1/reports/yearly/2026', { token: supervisor });
    expect(response.status, response.text).toBe(200);
    expect(response.body).toMatchObject({
      kind: 'yearly',
      year: '2026',
      from: '2026-01-01',
      // the year still runs: up to today
      to: '2026-12-01',
      registered: { total: 4, petitions: 4, disputes: 0, collective: 1 },
      reception: { receptions: 1, batches: 2, personTimes: 9, settledOnTheSpot: 1 },
      repeatPetitions: { registered: 1, replied: 1, resolved: 1 },
      keyMatters: { marked: 1, replied: 1, resolved: 0 },
      resolution: { numerator: 1, denominator: 2, rate: 0.5 },
    });
    expect(response.body.itemsRead).toBeGreaterThan(0);
    const before = await h.request('GET', '/v1/reports/yearly/2025', { token: leader });
    expect(before.body).toMatchObject({
      to: '2025-12-31',
      reception: { batches: 0 },
      resolution: { rate: null },
    });
  });

  it('prints the page in words, in Chinese and English', async () => {
    const zh = await h.request('GET', '/v1/reports/yearly/2026', {
      token: leader,
      headers: { accept: 'text/html' },
    });
    expect(zh.status).toBe(200);
    expect(zh.text).toContain('2026年信访工作年度总结');
    expect(zh.text).toContain(
      '全年接待来访群众 2 批 9 人次（领导接访 1 次，当场化解 1 批）；化解重复信访 1 件，化解重点信访矛盾 0 件；化解率 50.0%（1/2）。',
    );
    const en = await h.request('GET', '/v1/reports/yearly/2026', {
      token: leader,
      headers: { accept: 'text/html', 'accept-language': 'en' },
    });
    expect(en.text).toContain('In the year: 2 batches of visitors, 9 person-times received');
  });

  it('refuses a year that is no year, or has not begun, naming it; and other roles', async () => {
    for (const [year, message] of [
      ['26', 'is not a year (YYYY, from 2000)'],
      ['1999', 'is not a year (YYYY, from 2000)'],
      ['2026x', 'is not a year (YYYY, from 2000)'],
      ['2027', 'has not begun yet'],
    ]) {
      const response = await h.request('GET', `/v1/reports/yearly/${year}`, {
        token: supervisor,
        headers: { 'accept-language': 'en' },
      });
      expect(response.status, year).toBe(400);
      expect(response.body.errors, year).toEqual([{ path: 'year', message }]);
    }
    for (const token of [clerk, handler])
      expect((await h.request('GET', '/v1/reports/yearly/2026', { token })).status).toBe(403);
  });
});
