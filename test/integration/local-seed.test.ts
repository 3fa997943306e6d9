import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, beijingDate } from '../../lambdas/domain/beijing-time.js';
import { DEMO_STAFF, hasStaff, seedDemoGrids, seedDemoTown } from '../../lambdas/local/seed.js';
import { createHarness, type Harness } from '../support/harness.js';

/** The demo town's seed over the API of a harness: once, and what a town seeded by an earlier version lacks. */

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h.close());

describe('the demo town seed', () => {
  it('tells a town with no staff, seeds it once, and answers what the banner shows', async () => {
    expect(await seedDemoGrids(h.deps, 'town-s')).toBe(true);
    // what an earlier version left: the grids, and no one in the directory
    expect(await hasStaff(h.deps, 'town-s')).toBe(false);
    const seeded = await seedDemoTown(h.baseUrl, h.keys, 'town-s');
    expect(seeded.cases).toBe(8);
    expect(seeded.open311Key).toMatch(/^[\w-]{43}$/);
    expect(await hasStaff(h.deps, 'town-s')).toBe(true);
    expect(await seedDemoGrids(h.deps, 'town-s')).toBe(false);

    const office = await h.token('supervisor', 'supervisor-1', 'town-s');
    const staff = await h.request('GET', '/v1/staff', { token: office });
    expect(staff.body.items.map((s: { userId: string }) => s.userId).sort()).toEqual(
      DEMO_STAFF.map((s) => s.userId).sort(),
    );
    const cases = await h.request('GET', '/v1/cases?limit=50', { token: office });
    // numbered in the order received (petitions XF-, disputes JF-): the earliest first
    const items = cases.body.items as { number: string; receivedAt: string }[];
    for (const prefix of ['XF-', 'JF-']) {
      const numbered = items
        .filter((c) => c.number.startsWith(prefix))
        .sort((a, b) => a.number.localeCompare(b.number));
      const received = numbered.map((c) => c.receivedAt);
      expect(received.length).toBeGreaterThan(1);
      expect(received).toEqual([...received].sort());
    }
    // the reception roster of today and tomorrow, and a reception this morning
    const today = beijingDate(new Date());
    const roster = await h.request('GET', `/v1/reception/roster?from=${today}&to=${addDays(today, 1)}`, {
      token: office,
    });
    expect(roster.body.items).toHaveLength(2);
    expect(roster.body.items[0].leader).toEqual({ name: '赵志强', title: '镇党委副书记' });
    const receptions = await h.request('GET', `/v1/receptions?from=${today}&to=${today}`, { token: office });
    expect(receptions.body.items).toMatchObject([{ leaderId: 'leader-1', batches: 1, personTimes: 3 }]);
  });
});
