import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indexEntries, itemBytes, itemKind, loadTowns, type ScaleLoad } from '../../bench/scale-load.js';
import { CaseRepository } from '../../lambdas/adapters/case-repository.js';
import { CounterRepository } from '../../lambdas/adapters/counter-repository.js';
import { makeValidIdNumber } from '../../lambdas/domain/id-number.js';
import { runSweep } from '../../lambdas/usecases/sweep.js';
import { sweepDeps } from '../../lambdas/usecases/sweep-deps.js';
import { createHarness, type Harness } from '../support/harness.js';

/** A Saturday morning in Beijing: the instant the loaded steps are due by. */
const NOW = new Date('2026-11-28T02:00:00.000Z');
const TOWNS = ['scale-a', 'scale-b', 'scale-c'];
const PER_TOWN = 40;

describe('the bench’s scale loader', () => {
  let h: Harness;
  let load: ScaleLoad;

  beforeAll(async () => {
    h = await createHarness({ now: NOW });
    load = await loadTowns(h.deps, {
      towns: TOWNS,
      casesPerTown: PER_TOWN,
      now: NOW,
      due: (i) => i % 10 === 3,
    });
  });
  afterAll(() => h?.close());

  it('writes each case as a registration does: the case, its first event, its blind index and query code', () => {
    expect(load).toMatchObject({ towns: 3, cases: 120, due: 12, outboxPerCase: 1 });
    for (const kind of ['case', 'event', 'petitionerIndex', 'queryCode'] as const)
      expect(load.kinds[kind]?.items).toBe(120);
    // the case item is in the indexes of all cases, by status, by grid, the alert index and open cases by due
    expect(load.kinds.case!.indexEntries / 120).toBeGreaterThanOrEqual(4);
    expect(load.kinds.counter!.items).toBeGreaterThan(0);
    expect(load.items).toBe(Object.values(load.kinds).reduce((sum, k) => sum + k.items, 0));
  });

  it('leaves counters the reports read: every town’s registrations counted once', async () => {
    const counters = new CounterRepository(h.deps.db, h.deps.tables.cases);
    for (const town of TOWNS) {
      const { rows } = await counters.read(town, '2026-11-10', '2026-11-28');
      expect(rows.reduce((sum, row) => sum + (row.counts.registered ?? 0), 0)).toBe(PER_TOWN);
    }
  });

  it('leaves blind indexes the repeat lookup finds, in the petitioner’s town only', async () => {
    const cases = new CaseRepository(h.deps.db, h.deps.tables.cases);
    // case 4 of each town: a petition (not every fifth) on wages (every other)
    const blind = await h.deps.mac(`petitioner\nid:${makeValidIdNumber('330681', '19800101', '004')}`);
    const earlier = await cases.findEarlierCase('scale-b', 'labor_wages', [blind]);
    expect(earlier).toBeDefined();
    expect((await cases.get('scale-b', earlier!))?.title).toBe('规模测试 scale-b 4');
    expect(await cases.get('scale-a', earlier!)).toBeUndefined();
  });

  it('has a sweep at that instant find exactly the due steps, reading nothing else, then none', async () => {
    const sweep = await runSweep(sweepDeps(h.deps), NOW);
    expect(sweep).toMatchObject({ due: load.due, itemsRead: load.due, warned: load.due, publishFailed: 0 });
    expect(await runSweep(sweepDeps(h.deps), NOW)).toMatchObject({ due: 0, itemsRead: 0 });
  });
});

describe('item sizes as DynamoDB counts them', () => {
  it('counts names and values in UTF-8, numbers by their digits, maps and lists with their overhead', () => {
    expect(itemBytes({ pk: 'ab' })).toBe(4);
    expect(itemBytes({ name: '张三' })).toBe(4 + 6);
    expect(itemBytes({ n: 12345 })).toBe(1 + 4);
    expect(itemBytes({ ok: true, no: null })).toBe(2 + 1 + 2 + 1);
    expect(itemBytes({ m: { a: 'x' } })).toBe(1 + 3 + 1 + 1 + 1);
    expect(itemBytes({ l: ['x', 'yz'] })).toBe(1 + 3 + (1 + 1) + (1 + 2));
  });

  it('knows the kinds and index entries of the items a registration writes', () => {
    expect(itemKind({ pk: 'T#a#C#1', sk: 'CASE' })).toBe('case');
    expect(itemKind({ pk: 'T#a#C#1', sk: 'EV#000001' })).toBe('event');
    expect(itemKind({ pk: 'T#a#CNT#2026-11-28', sk: 'g1#0' })).toBe('counter');
    expect(itemKind({ pk: 'QC#abc', sk: 'QC' })).toBe('queryCode');
    expect(itemKind({ pk: 'T#a#C#1', sk: 'LINK#x' })).toBe('other');
    expect(indexEntries({ pk: 'p', gsi1pk: 'a', gsi1sk: 'b', gsi6pk: 'c', gsi6sk: 'd' })).toBe(2);
  });
});
