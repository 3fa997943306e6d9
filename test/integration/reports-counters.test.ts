import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSweep } from '../../lambdas/usecases/sweep.js';
import { sweepDeps } from '../../lambdas/usecases/sweep-deps.js';
import { caseBody, createHarness, type Harness, validIdNumber } from '../support/harness.js';

/**
 * Counters are updated in the transactions of the acts they count, so they stay right when acts race, and a missed
 * deadline counts once whether the sweep or a late act sees it first.
 */

let h: Harness;
let clerk: string;
let leader: string;
beforeAll(async () => {
  // Monday 2 November 2026, 10:00 in Beijing
  h = await createHarness({ now: new Date('2026-11-02T02:00:00Z') });
  clerk = await h.token('clerk', 'clerk-1');
  leader = await h.token('leader', 'leader-1');
});
afterAll(() => h.close());

const metrics = async (from: string, to: string) => {
  const response = await h.request('GET', `/v1/metrics?from=${from}&to=${to}`, { token: leader });
  expect(response.status, response.text).toBe(200);
  return response.body;
};

const register = async (seq: number) => {
  const response = await h.request('POST', '/v1/cases', {
    token: clerk,
    body: caseBody({ petitioners: [{ name: `来访人${seq}`, idNumber: validIdNumber(300 + seq) }] }),
  });
  expect(response.status, response.text).toBe(201);
  return response.body as { id: string; version: number };
};

describe('counters', () => {
  it('count ten acceptances given at once as ten acknowledgements in time', async () => {
    const created = await Promise.all(Array.from({ length: 10 }, (_, i) => register(i)));
    const accepted = await Promise.all(
      created.map((c) =>
        h.request('POST', `/v1/cases/${c.id}/accept`, {
          token: clerk,
          body: { track: 'immediate' },
          headers: { 'if-match': `"${c.version}"` },
        }),
      ),
    );
    expect(accepted.map((r) => r.status)).toEqual(Array(10).fill(200));
    const day = await metrics('2026-11-02', '2026-11-02');
    expect(day.totals).toMatchObject({ registered: 10, petitions: 10, channel_visit: 10, ackOnTime: 10 });
    expect(day.indicators.timelyAcknowledgement).toEqual({ numerator: 10, denominator: 10, rate: 1 });
  });

  it("count the sweep's overdue once, on the deadline's day, when a late act follows", async () => {
    // registered 2 November: acknowledgement due at the end of 17 November (16:00Z)
    const late = await register(99);
    const sweep = sweepDeps(h.deps);
    const first = await runSweep(sweep, new Date('2026-11-17T16:00:00Z'));
    expect(first.overdue).toBe(1);
    expect(await runSweep(sweep, new Date('2026-11-17T16:30:00Z'))).toMatchObject({ overdue: 0 });

    h.setNow('2026-11-18T02:00:00Z');
    const read = await h.request('GET', `/v1/cases/${late.id}`, { token: clerk });
    const accepted = await h.request('POST', `/v1/cases/${late.id}/accept`, {
      token: clerk,
      body: { track: 'immediate' },
      headers: { 'if-match': `"${read.body.version}"` },
    });
    expect(accepted.status, accepted.text).toBe(200);
    await runSweep(sweep, new Date('2026-11-18T03:00:00Z'));

    const deadlineDay = await metrics('2026-11-17', '2026-11-17');
    expect(deadlineDay.totals).toEqual({ ackMissed: 1, overdue: 1 });
    // the late acceptance added nothing on its own day
    expect((await metrics('2026-11-18', '2026-11-18')).totals).toEqual({});
    // the month: the ten in time and the one missed
    const month = await metrics('2026-11-01', '2026-11-30');
    expect(month.indicators.timelyAcknowledgement).toEqual({ numerator: 10, denominator: 11, rate: 10 / 11 });
    expect(month.totals.overdue).toBe(1);
  });
});
