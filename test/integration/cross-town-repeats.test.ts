import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, assert, beforeAll, describe, expect, it } from 'vitest';
import { CaseRepository } from '../../lambdas/adapters/case-repository.js';
import { keys } from '../../lambdas/adapters/table-model.js';
import { chainEvent } from '../../lambdas/domain/timeline.js';
import { caseBody, createHarness, type Harness, validIdNumber } from '../support/harness.js';

/**
 * Repeats across the towns of one deployment: the same person (by ID number) on the same matter (category) in two
 * towns is found through a keyed blind index scoped to the deployment, and recorded on both cases. Each town's staff
 * see only that a case exists in another town and which town; the citizen sees nothing of it; the town's own Art 19
 * rule is untouched; erasure takes the deployment index away with the town's.
 */

const NOW = new Date('2026-11-28T02:00:00Z');
const TOWNS = ['town-a', 'town-b', 'town-c'] as const;
type Town = (typeof TOWNS)[number];

let h: Harness;
const clerks = {} as Record<Town, string>;
const admins = {} as Record<Town, string>;

beforeAll(async () => {
  h = await createHarness({ now: NOW, towns: TOWNS });
  for (const town of TOWNS) {
    clerks[town] = await h.token('clerk', `clerk-${town}`, town);
    admins[town] = await h.token('admin', `admin-${town}`, town);
  }
  // town A and town B have names; town C never gave one
  const name = async (town: Town, names: Record<string, string>) => {
    const current = await h.request('GET', '/v1/admin/policy', { token: admins[town] });
    expect(current.status, current.text).toBe(200);
    const put = await h.request('PUT', '/v1/admin/policy', {
      token: admins[town],
      body: { ...current.body, ...names },
    });
    expect(put.status, put.text).toBe(200);
  };
  await name('town-a', {
    townName: '甲镇',
    issuingOffice: '甲镇信访办公室',
    townNameEn: 'Jia Town',
    issuingOfficeEn: 'Jia Town Petition Office',
  });
  await name('town-b', { townName: '乙镇', issuingOffice: '乙镇信访办公室' });
});
afterAll(() => h.close());

let seq = 0;
/** A petitioner of the test's own (born 1975, which no other file's numbers meet). */
const person = () => {
  seq += 1;
  return { name: `跨镇${seq}号`, idNumber: validIdNumber(700 + seq, '19750505'), phone: '13600001111' };
};

const register = async (town: Town, body: Record<string, unknown>, language = 'zh') => {
  const response = await h.request('POST', '/v1/cases', {
    token: clerks[town],
    body,
    headers: { 'accept-language': language },
  });
  expect(response.status, response.text).toBe(201);
  return response.body as Record<string, unknown> & { id: string; number: string; version: number };
};

const read = async (town: Town, id: string, language = 'zh') => {
  const response = await h.request('GET', `/v1/cases/${id}`, {
    token: clerks[town],
    headers: { 'accept-language': language },
  });
  expect(response.status, response.text).toBe(200);
  return response.body as Record<string, unknown> & { version: number };
};

/** The items in a case's partition whose sort key begins so (`PI#`: its petitioners' blind-index items). */
const partitionItems = async (town: Town, id: string, prefix: string) =>
  (
    await h.deps.db.send(
      new QueryCommand({
        TableName: h.tables.cases,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': keys.caseItem(town, id).pk, ':prefix': prefix },
        ConsistentRead: true,
      }),
    )
  ).Items ?? [];

const EARLIER_IN_A = {
  town: 'town-a',
  townName: '甲镇',
  townNameEn: 'Jia Town',
  relation: 'earlier',
  notice: '该信访人在其他乡镇（甲镇）另有同一事项的信访件，登记早于本件',
};

describe('the same person on the same matter in two towns', () => {
  const p = person();
  const description = '甲镇工地拖欠三个月工资，多次讨要无果';
  let a: { id: string; number: string; version: number };
  let b: { id: string; number: string };

  it('shows town B’s new case that town A holds an earlier one, and nothing of that case', async () => {
    a = await register('town-a', caseBody({ petitioners: [p], title: '甲镇欠薪', description }));
    expect(a).not.toHaveProperty('elsewhere');
    h.setNow(new Date(NOW.getTime() + 60_000));
    const created = await register('town-b', caseBody({ petitioners: [p], title: '乙镇欠薪' }));
    b = created;
    expect(created.elsewhere).toEqual([EARLIER_IN_A]);
    // the town rule is the town's own: a first case in town B, not a repeat of anything
    expect(created.firstTime).toBe(true);
    expect(created).not.toHaveProperty('repeatOf');
    const view = await read('town-b', b.id);
    // both towns number their first case of the day alike: the number is looked for where only A's could be
    expect(JSON.stringify(view.elsewhere)).not.toContain(a.number);
    const text = JSON.stringify(view);
    for (const hidden of [a.id, description, '甲镇欠薪', 'earlierElsewhere', 'laterElsewhere'])
      expect(text).not.toContain(hidden);
  });

  it('shows town A’s case that a later one exists in town B, without changing its version', async () => {
    const view = await read('town-a', a.id);
    expect(view.elsewhere).toEqual([
      {
        town: 'town-b',
        townName: '乙镇',
        relation: 'later',
        notice: '该信访人此后在其他乡镇（乙镇）另有同一事项的信访件',
      },
    ]);
    expect(view.version).toBe(a.version);
    expect(JSON.stringify(view.elsewhere)).not.toContain(b.number);
    const text = JSON.stringify(view);
    for (const hidden of [b.id, '乙镇欠薪']) expect(text).not.toContain(hidden);
  });

  it('says so in English, with the town’s English name where it has one', async () => {
    expect((await read('town-b', b.id, 'en')).elsewhere).toEqual([
      {
        ...EARLIER_IN_A,
        notice: 'The petitioner has an earlier petition on the same matter in another town (Jia Town)',
      },
    ]);
    expect((await read('town-a', a.id, 'en')).elsewhere).toMatchObject([
      { notice: 'The petitioner has since petitioned on the same matter in another town (乙镇)' },
    ]);
  });

  it('names a third town without a name of its own by its code alone, and marks the newest earlier case', async () => {
    h.setNow(new Date(NOW.getTime() + 120_000));
    const c = await register('town-c', caseBody({ petitioners: [p] }));
    expect(c.elsewhere).toEqual([
      EARLIER_IN_A,
      {
        town: 'town-b',
        townName: '乙镇',
        relation: 'earlier',
        notice: '该信访人在其他乡镇（乙镇）另有同一事项的信访件，登记早于本件',
      },
    ]);
    // town B's case was the newest: it learns of town C's; town A's learnt of town B's, the next after it
    expect((await read('town-a', a.id)).elsewhere).toEqual([
      expect.objectContaining({ town: 'town-b', relation: 'later' }),
    ]);
    expect((await read('town-b', b.id)).elsewhere).toEqual([
      EARLIER_IN_A,
      { town: 'town-c', relation: 'later', notice: '该信访人此后在其他乡镇另有同一事项的信访件' },
    ]);
  });

  it('keeps the mark through a command on the earlier case, and makes a command read before it read again', async () => {
    const cases = new CaseRepository(h.deps.db, h.tables.cases);
    const before = await cases.get('town-a', a.id);
    assert(before);
    expect(before.laterElsewhere?.map((ref) => ref.town)).toEqual(['town-b']);
    // a command that read case A before town B's case marked it would drop the mark with its Put: it fails
    const { laterElsewhere: _marked, ...stale } = before;
    const event = await chainEvent(
      before.timelineHead,
      { at: NOW.toISOString(), actor: { id: 'clerk-town-a', role: 'clerk' }, action: 'note', note: '核实' },
      h.deps.mac,
    );
    expect(await cases.applyChange(stale, { ...stale, title: '改' }, event)).toBeUndefined();

    const accepted = await h.request('POST', `/v1/cases/${a.id}/accept`, {
      token: clerks['town-a'],
      headers: { 'if-match': `"${a.version}"` },
      body: { track: 'coordinated' },
    });
    expect(accepted.status, accepted.text).toBe(200);
    expect((accepted.body.elsewhere as { town: string }[]).map((entry) => entry.town)).toEqual(['town-b']);
    const after = await cases.get('town-a', a.id);
    expect(after?.laterElsewhere).toEqual(before.laterElsewhere);
    expect(after?.title).toBe('甲镇欠薪');
  });
});

describe('what is not the same person on the same matter', () => {
  it('finds the same ID number however it was typed: a lower-case x, spaces around it', async () => {
    const seqs = Array.from({ length: 100 }, (_, i) => 800 + i);
    const idNumber = seqs.map((n) => validIdNumber(n, '19750606')).find((id) => id.endsWith('X'));
    assert(idNumber);
    const a = await register(
      'town-a',
      caseBody({ petitioners: [{ name: '小写', idNumber: idNumber.toLowerCase() }] }),
    );
    const b = await register(
      'town-b',
      caseBody({ petitioners: [{ name: '空格', idNumber: ` ${idNumber} ` }] }),
    );
    expect(b.elsewhere).toEqual([EARLIER_IN_A]);
    expect((await read('town-a', a.id)).elsewhere).toMatchObject([{ town: 'town-b', relation: 'later' }]);
  });

  it('finds nothing for another person, or for the same person on another matter', async () => {
    const p = person();
    const first = await register('town-a', caseBody({ petitioners: [p] }));
    const other = await register('town-b', caseBody({ petitioners: [person()] }));
    const otherMatter = await register('town-b', caseBody({ petitioners: [p], category: 'land_use' }));
    // the same phone is not the same person across towns
    const samePhone = await register('town-b', caseBody({ petitioners: [{ name: '同号', phone: p.phone }] }));
    for (const created of [other, otherMatter, samePhone]) expect(created).not.toHaveProperty('elsewhere');
    expect(await read('town-a', first.id)).not.toHaveProperty('elsewhere');
  });

  it('leaves the same person on the same matter in the same town to the town’s rule, as before', async () => {
    const p = person();
    const first = await register('town-a', caseBody({ petitioners: [p] }));
    const again = await h.request('POST', '/v1/cases', {
      token: clerks['town-a'],
      body: caseBody({ petitioners: [p] }),
    });
    expect(again.status, again.text).toBe(409);
    expect(again.body.type).toContain('repeat-of-open-case');
    const second = await register(
      'town-a',
      caseBody({ petitioners: [p], repeatOfOpenCase: { reason: '涉及另一工地的欠薪' } }),
    );
    expect(second.repeatOf).toBe(first.id);
    expect(second.firstTime).toBe(false);
    expect(second).not.toHaveProperty('elsewhere');
    expect(await read('town-a', first.id)).not.toHaveProperty('elsewhere');
  });
});

describe('the deployment blind index', () => {
  it('holds no ID number, is shared by the towns and differs from each town’s own index', async () => {
    const p = person();
    const a = await register('town-a', caseBody({ petitioners: [p] }));
    const b = await register('town-b', caseBody({ petitioners: [p] }));
    const land = await register('town-c', caseBody({ petitioners: [p], category: 'land_use' }));
    const [ia, ib, iland] = await Promise.all([
      partitionItems('town-a', a.id, 'PI#'),
      partitionItems('town-b', b.id, 'PI#'),
      partitionItems('town-c', land.id, 'PI#'),
    ]);
    for (const items of [ia, ib, iland]) expect(items).toHaveLength(1);
    const [xa, xb, xland] = [ia[0]!, ib[0]!, iland[0]!];
    const stored = JSON.stringify([xa, xb, xland]);
    for (const clear of [p.idNumber, p.idNumber.slice(0, 6), p.idNumber.slice(-8), p.name, p.phone])
      expect(stored).not.toContain(clear);
    const blind = (key: unknown) => String(key).split('#').at(-1) ?? '';
    // one partition for the person's matter across the deployment; each town's own index apart
    expect(xa.gsi4pk).toMatch(/^DEPLOYMENT#P#[0-9a-f]{64}$/);
    expect(xb.gsi4pk).toBe(xa.gsi4pk);
    expect(xa.gsi5pk).toMatch(/^T#town-a#P#labor_wages#[0-9a-f]{64}$/);
    expect(xb.gsi5pk).not.toBe(xa.gsi5pk);
    // another matter, another partition; and never the town index's hash of the same person
    expect(xland.gsi4pk).not.toBe(xa.gsi4pk);
    expect(blind(xa.gsi4pk)).not.toBe(blind(xa.gsi5pk));
    expect(blind(xa.gsi5pk)).toBe(blind(xb.gsi5pk));
    // the item names the case for whoever finds it, and nothing of the matter
    expect(xa).toMatchObject({ town: 'town-a', caseId: a.id, number: a.number, townName: '甲镇' });
    expect(Object.keys(xa).sort()).toEqual(
      [
        'caseId',
        'gsi4pk',
        'gsi4sk',
        'gsi5pk',
        'gsi5sk',
        'number',
        'pk',
        'registeredAt',
        'sk',
        'town',
        'townName',
        'townNameEn',
      ].sort(),
    );
  });

  it('keeps a phone out of it: a petitioner known by phone only has the town’s index alone', async () => {
    const a = await register(
      'town-a',
      caseBody({ petitioners: [{ name: '只留电话', phone: '13655556666' }] }),
    );
    const items = await partitionItems('town-a', a.id, 'PI#');
    expect(items).toHaveLength(1);
    expect(items[0]).not.toHaveProperty('gsi4pk');
  });

  it('indexes each representative’s ID number, and marks a case once however many of them match', async () => {
    const [p, q] = [person(), person()];
    const a = await register(
      'town-a',
      caseBody({ petitioners: [p, { name: '电话', phone: '13655557777' }, q] }),
    );
    expect((await partitionItems('town-a', a.id, 'PI#')).map((item) => Boolean(item.gsi4pk))).toEqual([
      true,
      false,
      true,
    ]);
    const b = await register('town-b', caseBody({ petitioners: [q, p] }));
    expect(b.elsewhere).toEqual([EARLIER_IN_A]);
    const cases = new CaseRepository(h.deps.db, h.tables.cases);
    expect((await cases.get('town-a', a.id))?.laterElsewhere?.map((ref) => ref.caseId)).toEqual([b.id]);
    expect((await cases.get('town-b', b.id))?.earlierElsewhere?.map((ref) => ref.caseId)).toEqual([a.id]);
  });
});

describe('several new cases in one transaction', () => {
  it('marks an earlier case once for a patrol’s two findings of the same person on the same matter', async () => {
    const p = person();
    const a = await register('town-a', caseBody({ petitioners: [p] }));
    const grid = await h.request('POST', '/v1/grids', {
      token: admins['town-b'],
      body: { name: '乙镇综合网格', level: 'comprehensive' },
    });
    expect(grid.status, grid.text).toBe(201);
    const assigned = await h.request('PUT', `/v1/grids/${grid.body.id}/workers/worker-b`, {
      token: admins['town-b'],
    });
    expect(assigned.status, assigned.text).toBe(200);
    const finding = (title: string) => {
      const { channel: _channel, ...body } = caseBody({ petitioners: [p], title });
      return body;
    };
    const patrol = await h.request('POST', `/v1/grids/${grid.body.id}/patrols`, {
      token: await h.token('grid_worker', 'worker-b', 'town-b'),
      body: { date: '2026-11-28', findings: [finding('欠薪一'), finding('欠薪二')] },
    });
    expect(patrol.status, patrol.text).toBe(201);
    const found = patrol.body.cases as { id: string; elsewhere?: unknown }[];
    for (const created of found) expect(created.elsewhere).toEqual([EARLIER_IN_A]);
    const cases = new CaseRepository(h.deps.db, h.tables.cases);
    expect((await cases.get('town-a', a.id))?.laterElsewhere?.map((ref) => ref.caseId)).toEqual(
      found.map((created) => created.id),
    );
  });
});

describe('erasure', () => {
  it('takes the case’s deployment index items away with the town’s: no later case finds it', async () => {
    const p = person();
    const a = await register('town-a', caseBody({ petitioners: [p] }));
    expect((await partitionItems('town-a', a.id, 'PI#'))[0]).toHaveProperty('gsi4pk');
    const withdrawn = await h.request('POST', `/v1/cases/${a.id}/withdraw`, {
      token: clerks['town-a'],
      headers: { 'if-match': `"${a.version}"` },
      body: { reason: '已和解' },
    });
    expect(withdrawn.status, withdrawn.text).toBe(200);
    const erased = await h.request('POST', `/v1/cases/${a.id}/erase`, {
      token: admins['town-a'],
      headers: { 'if-match': `"${withdrawn.body.version}"` },
      body: { reason: '当事人申请删除个人信息' },
    });
    expect(erased.status, erased.text).toBe(200);
    expect(await partitionItems('town-a', a.id, 'PI#')).toEqual([]);
    const b = await register('town-b', caseBody({ petitioners: [p] }));
    expect(b).not.toHaveProperty('elsewhere');
  });
});

describe('the citizen', () => {
  it('sees nothing of a case elsewhere in their own views; the town’s staff see it on the same case', async () => {
    const p = person();
    await register('town-a', caseBody({ petitioners: [p] }));
    const citizen = await h.token('petitioner', 'citizen-cross', 'town-b');
    const { channel: _channel, ...online } = caseBody({ petitioners: [p] });
    const filed = await h.request('POST', '/v1/public/petitions', { token: citizen, body: online });
    expect(filed.status, filed.text).toBe(201);
    const mine = await h.request('GET', `/v1/me/cases/${filed.body.id}`, { token: citizen });
    expect(mine.status, mine.text).toBe(200);
    for (const body of [filed.body, mine.body]) {
      const text = JSON.stringify(body);
      for (const hidden of ['elsewhere', 'Elsewhere', 'town-a', '甲镇']) expect(text).not.toContain(hidden);
    }
    expect((await read('town-b', filed.body.id)).elsewhere).toEqual([EARLIER_IN_A]);
  });
});
