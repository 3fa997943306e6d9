import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSweep } from '../../lambdas/usecases/sweep.js';
import { sweepDeps } from '../../lambdas/usecases/sweep-deps.js';
import { caseBody, createHarness, type Harness } from '../support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ now: new Date('2026-11-28T02:00:00Z') });
});
afterAll(() => h.close());

describe('deadline sweep', () => {
  it('fires each step once, reading only what is due, and flags the overdue case', async () => {
    const clerk = await h.token('clerk', 'clerk-1');
    const created = await h.request('POST', '/v1/cases', { token: clerk, body: caseBody() });
    expect(created.status).toBe(201);
    expect(created.body.deadlines.acknowledgeBy).toBe('2026-12-13T16:00:00.000Z');
    const sweep = sweepDeps(h.deps);

    const early = await runSweep(sweep, new Date('2026-11-29T00:00:00Z'));
    expect(early).toMatchObject({ itemsRead: 0, due: 0, warned: 0 });

    // half-time (7.5 days), one day earlier for a first-time petition
    const half = await runSweep(sweep, new Date('2026-12-05T00:00:00Z'));
    expect(half).toMatchObject({ itemsRead: 1, due: 1, warned: 1, published: 1 });
    expect(await runSweep(sweep, new Date('2026-12-05T00:00:00Z'))).toMatchObject({
      itemsRead: 0,
      warned: 0,
    });

    const late = await runSweep(sweep, new Date('2026-12-13T16:00:00Z'));
    expect(late).toMatchObject({ itemsRead: 1, due: 1, overdue: 1 });
    const read = await h.request('GET', `/v1/cases/${created.body.id}`, { token: clerk });
    expect(read.body.overdue).toEqual([
      { kind: 'acknowledge', due: '2026-12-13T16:00:00.000Z', at: '2026-12-13T16:00:00.000Z' },
    ]);
    expect(read.body.version).toBe(1);
    const inbox = await h.request('GET', '/v1/me/notifications', { token: clerk });
    expect(inbox.body.items.map((n: { severity: string }) => n.severity)).toEqual(['overdue', 'notice']);
  });
});
