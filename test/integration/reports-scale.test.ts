import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportDeps, weeklyBulletinItemsRead } from '../../lambdas/usecases/reports.js';
import { caseBody, createHarness, type Harness, validIdNumber } from '../support/harness.js';

/**
 * The read cost of a weekly bulletin follows the counters of the two weeks it compares and the few cases it lists,
 * not the number of cases: 5 cases in the week, then 495 more registered the Monday after in the same grids, and the
 * bulletin of the week reads exactly as many items as before.
 */

const TOWN = 'town-a';
const WEEK = '2026-W45'; // 2 to 8 November; the week before it is compared
// Tuesday 10 November, 09:00 in Beijing
const MEASURED_AT = new Date('2026-11-10T01:00:00Z');

let h: Harness;
let clerk: string;
const grids: string[] = [];

async function registerMany(count: number, at: string, firstSeq: number, concurrency = 16) {
  h.setNow(at);
  for (let start = 0; start < count; start += concurrency) {
    const batch = Array.from(
      { length: Math.min(concurrency, count - start) },
      (_, i) => firstSeq + start + i,
    );
    const responses = await Promise.all(
      batch.map((seq) =>
        h.request('POST', '/v1/cases', {
          token: clerk,
          body: caseBody({
            gridId: grids[seq % grids.length],
            petitioners: [
              { name: `来访人${seq}`, idNumber: validIdNumber(seq % 1000, `19${50 + (seq % 40)}0101`) },
            ],
          }),
        }),
      ),
    );
    for (const response of responses) expect(response.status, response.text).toBe(201);
  }
}

beforeAll(async () => {
  h = await createHarness({ now: new Date('2026-11-02T02:00:00Z') });
  clerk = await h.token('clerk', 'clerk-1');
  const admin = await h.token('admin', 'admin-1');
  const c = await h.request('POST', '/v1/grids', {
    token: admin,
    body: { name: '综合网格', level: 'comprehensive' },
  });
  for (const name of ['东村', '西村']) {
    const village = await h.request('POST', '/v1/grids', {
      token: admin,
      body: { name, level: 'village', parentId: c.body.id },
    });
    grids.push(village.body.id);
  }
  await h.request('PUT', '/v1/staff/leader-1', { token: admin, body: { name: '王镇长', roles: ['leader'] } });
  // the week: five cases on Monday 2 November, two of them accepted, one owned by a leader
  await registerMany(5, '2026-11-02T02:00:00Z', 1);
  const listed = await h.request('GET', '/v1/cases?limit=2', { token: clerk });
  const leader = await h.token('leader', 'leader-1');
  for (const c of listed.body.items) {
    const accepted = await h.request('POST', `/v1/cases/${c.id}/accept`, {
      token: clerk,
      body: { track: 'supervised', assigneeId: 'handler-1' },
      headers: { 'if-match': `"${c.version}"` },
    });
    expect(accepted.status, accepted.text).toBe(200);
  }
  const owned = await h.request('POST', `/v1/cases/${listed.body.items[0].id}/own`, {
    token: leader,
    body: {
      leaderId: 'leader-1',
      team: [],
      plan: { tasks: ['核实'], responsibilities: ['综治办'], measures: ['走访'] },
    },
    headers: { 'if-match': '"2"' },
  });
  expect(owned.status, owned.text).toBe(200);
}, 60_000);
afterAll(() => h.close());

describe('weekly bulletin read cost', () => {
  it('stays the same when the town has a hundred times as many cases', async () => {
    const reports = reportDeps(h.deps);
    const small = await weeklyBulletinItemsRead(reports, TOWN, WEEK, MEASURED_AT);
    h.setNow(MEASURED_AT);
    const served = await h.request('GET', `/v1/reports/weekly/${WEEK}`, {
      token: await h.token('supervisor', 's-1'),
    });
    expect(served.body.itemsRead).toBe(small);
    expect(served.body.totals).toMatchObject({ registered: 5, ackOnTime: 2 });

    // 495 more on Monday 9 November, in the same grids: counters of another week, deadlines well after the lists'
    await registerMany(495, '2026-11-09T02:00:00Z', 6);
    const day = await h.request('GET', '/v1/metrics?from=2026-11-09&to=2026-11-09', {
      token: await h.token('leader', 'leader-1'),
    });
    expect(day.body.totals.registered).toBe(495);

    const large = await weeklyBulletinItemsRead(reports, TOWN, WEEK, MEASURED_AT);
    console.log(`weekly bulletin ${WEEK}: items read with 5 cases ${small}, with 500 cases ${large}`);
    expect(large).toBe(small);
  }, 90_000);
});
