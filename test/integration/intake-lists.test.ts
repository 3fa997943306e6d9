import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GridRepository } from '../../lambdas/adapters/grid-repository.js';
import { childPath, type GridRecord } from '../../lambdas/domain/grid.js';
import {
  caseBody,
  createHarness,
  type Harness,
  type TestResponse,
  validIdNumber,
} from '../support/harness.js';

/** GET /v1/cases: pages that lose and repeat nothing, its query checks, filters, and masking. */

const START = new Date('2026-11-20T01:00:00Z');

let h: Harness;
let tick = 0;
beforeAll(async () => {
  h = await createHarness({ now: START });
});
afterAll(() => h.close());

/** Registers a case one second after the previous one, so the order of registration is the order of time. */
async function register(token: string, overrides: Record<string, unknown> = {}): Promise<{ id: string }> {
  tick += 1;
  h.setNow(new Date(START.getTime() + tick * 1000));
  const response = await h.request('POST', '/v1/cases', { token, body: caseBody(overrides) });
  expect(response.status).toBe(201);
  return response.body;
}

const ids = (response: TestResponse): string[] => response.body.items.map((c: { id: string }) => c.id);

function expectBadParam(response: TestResponse, path: string) {
  expect(response.status).toBe(400);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(response.body.type).toBe('/problems/validation');
  expect(response.body.errors.map((e: { path: string }) => e.path)).toContain(path);
}

describe('paging', () => {
  let token: string;
  const registered: string[] = [];
  beforeAll(async () => {
    token = await h.token('clerk', 'clerk-p', 'town-p');
    for (let i = 0; i < 25; i++) registered.push((await register(token, { title: `第${i}件` })).id);
  });

  it('pages through 25 cases by 7, newest first, each exactly once', async () => {
    const seen: string[] = [];
    const sizes: number[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 10; page++) {
      const query = `limit=7${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const response = await h.request('GET', `/v1/cases?${query}`, { token });
      expect(response.status).toBe(200);
      expect(response.body.items.length).toBeLessThanOrEqual(7);
      sizes.push(response.body.items.length);
      seen.push(...ids(response));
      cursor = response.body.nextCursor;
      if (!cursor) break;
    }
    expect(cursor).toBeUndefined();
    expect(seen).toHaveLength(25);
    expect(new Set(seen).size).toBe(25);
    expect(seen).toEqual([...registered].reverse());
    expect(sizes.slice(0, 3)).toEqual([7, 7, 7]);
  });

  it('returns 20 by default, newest first, with a cursor for the rest', async () => {
    const response = await h.request('GET', '/v1/cases', { token });
    expect(response.status).toBe(200);
    expect(ids(response)).toEqual([...registered].reverse().slice(0, 20));
    expect(typeof response.body.nextCursor).toBe('string');
  });

  it('takes limits 1 and 100', async () => {
    expect(ids(await h.request('GET', '/v1/cases?limit=1', { token }))).toEqual([registered[24]]);
    const all = await h.request('GET', '/v1/cases?limit=100', { token });
    expect(ids(all)).toHaveLength(25);
    expect(all.body.nextCursor).toBeUndefined();
  });

  it.each(['0', '101', 'abc', '-1', '2.5', ''])('limit=%s is 400 naming limit', async (limit) => {
    expectBadParam(await h.request('GET', `/v1/cases?limit=${limit}`, { token }), 'limit');
  });

  it('a random cursor is 400 naming cursor', async () => {
    const forged = Buffer.from('qZ3x9-not-a-cursor-at-all_Yy0', 'utf8').toString('base64url');
    expectBadParam(await h.request('GET', `/v1/cases?cursor=${forged}`, { token }), 'cursor');
    expectBadParam(await h.request('GET', '/v1/cases?cursor=%25%25%25', { token }), 'cursor');
  });

  it("a real cursor edited to point into another town's partition is 400 naming cursor", async () => {
    const first = await h.request('GET', '/v1/cases?limit=7', { token });
    const cursor = first.body.nextCursor as string;
    const decoded: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    // rewrites the town in string values, of every attribute or only of index partition keys (`gsiNpk`)
    const edit = (value: unknown, onlyIndexPartition: boolean, name = ''): unknown => {
      if (typeof value === 'string')
        return !onlyIndexPartition || /^gsi\d+pk$/.test(name)
          ? value.replaceAll('T#town-p#', 'T#town-a#')
          : value;
      if (Array.isArray(value)) return value.map((v) => edit(v, onlyIndexPartition));
      if (typeof value === 'object' && value !== null)
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, edit(v, onlyIndexPartition, k)]));
      return value;
    };
    const indexOnly = edit(decoded, true);
    const everything = edit(decoded, false);
    expect(JSON.stringify(indexOnly)).toContain('T#town-a#');
    for (const edited of [indexOnly, everything]) {
      const forged = Buffer.from(JSON.stringify(edited), 'utf8').toString('base64url');
      expectBadParam(await h.request('GET', `/v1/cases?limit=7&cursor=${forged}`, { token }), 'cursor');
    }
    // the real cursor itself still works
    const second = await h.request('GET', `/v1/cases?limit=7&cursor=${encodeURIComponent(cursor)}`, {
      token,
    });
    expect(second.status).toBe(200);
    expect(ids(second)).toEqual([...registered].reverse().slice(7, 14));
  });

  it('a real cursor with a key attribute emptied, dropped, added, mistyped or too long is 400 naming cursor', async () => {
    const first = await h.request('GET', '/v1/cases?limit=7', { token });
    const position = JSON.parse(Buffer.from(first.body.nextCursor, 'base64url').toString('utf8'));
    const { sk: _sk, ...withoutSk } = position.key;
    const forgedKeys = [
      { ...position.key, gsi1sk: '' },
      { ...position.key, pk: '' },
      withoutSk,
      { ...position.key, gsi2pk: 'T#town-p#S#registered' },
      { ...position.key, gsi1sk: 7 },
      // 342 characters, 1026 bytes: longer than a sort key may be
      { ...position.key, gsi1sk: '长'.repeat(342) },
      // not the key of an item the index holds: a case's timeline event, another town's case
      { ...position.key, sk: 'EV#000001' },
      { ...position.key, pk: 'T#town-a#C#x' },
    ];
    for (const key of [...forgedKeys, null, [], 'x']) {
      const forged = Buffer.from(JSON.stringify({ ...position, key })).toString('base64url');
      expectBadParam(await h.request('GET', `/v1/cases?limit=7&cursor=${forged}`, { token }), 'cursor');
    }
    for (const source of [-1, 1, 0.5, '0', null]) {
      const forged = Buffer.from(JSON.stringify({ ...position, source })).toString('base64url');
      expectBadParam(await h.request('GET', `/v1/cases?limit=7&cursor=${forged}`, { token }), 'cursor');
    }
  });

  it("another town's cursor is refused by this town", async () => {
    const first = await h.request('GET', '/v1/cases?limit=7', { token });
    const other = await h.token('clerk', 'clerk-q', 'town-q');
    const response = await h.request('GET', `/v1/cases?cursor=${encodeURIComponent(first.body.nextCursor)}`, {
      token: other,
    });
    expectBadParam(response, 'cursor');
  });
});

describe('filters', () => {
  let token: string;
  const inGrid: Record<string, string> = {};
  let noGrid: string;
  beforeAll(async () => {
    token = await h.token('clerk', 'clerk-g', 'town-g');
    const grids = new GridRepository(h.deps.db, h.tables.grids);
    const at = START.toISOString();
    const grid = (id: string, level: GridRecord['level'], parent?: GridRecord): GridRecord => ({
      id,
      town: 'town-g',
      name: `网格 ${id}`,
      level,
      ...(parent ? { parentId: parent.id } : {}),
      path: childPath(parent?.path, id),
      createdAt: at,
      updatedAt: at,
    });
    const g1 = grid('g1', 'comprehensive');
    const g2 = grid('g2', 'village', g1);
    const g3 = grid('g3', 'comprehensive');
    // a sibling whose id starts with g1's: its path must not fall under /g1/
    const g10 = grid('g10', 'comprehensive');
    for (const g of [g1, g2, g3, g10]) expect(await grids.create(g)).toBe(true);
    expect(g2.path).toBe('/g1/g2/');
    for (const id of ['g1', 'g2', 'g3', 'g10']) inGrid[id] = (await register(token, { gridId: id })).id;
    noGrid = (await register(token)).id;
  });

  it('status=registered lists the registered cases, another status none of them', async () => {
    const registered = await h.request('GET', '/v1/cases?status=registered', { token });
    expect(registered.status).toBe(200);
    expect(ids(registered).sort()).toEqual([...Object.values(inGrid), noGrid].sort());
    for (const item of registered.body.items) expect(item.status).toBe('registered');
    const closed = await h.request('GET', '/v1/cases?status=closed', { token });
    expect(closed.status).toBe(200);
    expect(closed.body.items).toEqual([]);
  });

  it('an unknown status is 400 naming status', async () => {
    expectBadParam(await h.request('GET', '/v1/cases?status=lost', { token }), 'status');
  });

  it('an unknown query parameter is 400 naming it', async () => {
    expectBadParam(await h.request('GET', '/v1/cases?colour=red', { token }), 'colour');
  });

  it('gridId includes the cases of descendant grids, newest first', async () => {
    const response = await h.request('GET', '/v1/cases?gridId=g1', { token });
    expect(response.status).toBe(200);
    expect(ids(response)).toEqual([inGrid.g2, inGrid.g1]);
  });

  it("gridId of a child grid does not include its parent's or siblings' cases", async () => {
    expect(ids(await h.request('GET', '/v1/cases?gridId=g2', { token }))).toEqual([inGrid.g2]);
    expect(ids(await h.request('GET', '/v1/cases?gridId=g3', { token }))).toEqual([inGrid.g3]);
    expect(ids(await h.request('GET', '/v1/cases?gridId=g10', { token }))).toEqual([inGrid.g10]);
  });

  it("a grid's cursor moved to a grid outside the one listed is 400 naming cursor", async () => {
    const first = await h.request('GET', '/v1/cases?gridId=g1&limit=1', { token });
    const position = JSON.parse(Buffer.from(first.body.nextCursor, 'base64url').toString('utf8'));
    const { gsi3sk } = position.key as { gsi3sk: string };
    expect(gsi3sk.startsWith('/g1/')).toBe(true);
    for (const moved of [gsi3sk.replace('/g1/', '/g3/'), gsi3sk.replace('/g1/', '/g10/'), '/g1', '']) {
      const forged = Buffer.from(JSON.stringify({ ...position, key: { ...position.key, gsi3sk: moved } }));
      expectBadParam(
        await h.request('GET', `/v1/cases?gridId=g1&cursor=${forged.toString('base64url')}`, { token }),
        'cursor',
      );
    }
    const next = await h.request('GET', `/v1/cases?gridId=g1&limit=1&cursor=${first.body.nextCursor}`, {
      token,
    });
    expect(ids(next)).toEqual([inGrid.g1]);
  });

  it('shows no level and no sweep bookkeeping before acceptance, and its next deadline instead', async () => {
    const village = await h.request('GET', `/v1/cases/${inGrid.g2}`, { token });
    const town = await h.request('GET', `/v1/cases/${inGrid.g1}`, { token });
    for (const read of [village, town]) {
      expect(read.body).not.toHaveProperty('level');
      expect(read.body).not.toHaveProperty('alert');
      expect(read.body.nextDeadline).toEqual({
        kind: 'acknowledge',
        at: read.body.deadlines.acknowledgeBy,
        lastDay: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      });
    }
    expect(village.body.gridId).toBe('g2');
  });

  it('registering with a gridId that is not a grid of the town is 400 naming gridId', async () => {
    const response = await h.request('POST', '/v1/cases', { token, body: caseBody({ gridId: 'g-nowhere' }) });
    expectBadParam(response, 'gridId');
    // a grid of another town is not one of this town's
    const other = await h.token('clerk', 'clerk-x', 'town-x');
    expectBadParam(
      await h.request('POST', '/v1/cases', { token: other, body: caseBody({ gridId: 'g1' }) }),
      'gridId',
    );
  });
});

describe('masking', () => {
  it('lists and reads show ID numbers and phones masked; the raw values never appear', async () => {
    const token = await h.token('clerk', 'clerk-m', 'town-m');
    const people = [
      { name: '王五', idNumber: validIdNumber(457, '19751231'), phone: '13800138000' },
      { name: '赵六', idNumber: validIdNumber(458, '19900215'), phone: '0575-87001234' },
    ];
    const texts: string[] = [];
    for (const person of people) {
      const created = await h.request('POST', '/v1/cases', {
        token,
        body: caseBody({ petitioners: [person] }),
      });
      expect(created.status).toBe(201);
      texts.push(created.text);
      texts.push((await h.request('GET', `/v1/cases/${created.body.id}`, { token })).text);
    }
    const list = await h.request('GET', '/v1/cases', { token });
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(2);
    texts.push(list.text);
    for (const item of list.body.items)
      for (const p of item.petitioners) {
        expect(p.idNumber).toMatch(/^\d{6}\*{8}\d{3}[\dX]$/);
        expect(p.phone).toMatch(/^.{3}\*+.{4}$/);
      }
    const masked = list.body.items.flatMap((c: { petitioners: { idNumber: string }[] }) =>
      c.petitioners.map((p) => p.idNumber),
    );
    expect(masked.sort()).toEqual(
      people.map((p) => `${p.idNumber.slice(0, 6)}********${p.idNumber.slice(14)}`).sort(),
    );
    for (const text of texts)
      for (const person of people) {
        expect(text).not.toContain(person.idNumber);
        expect(text).not.toContain(person.phone);
        expect(text).not.toContain(person.phone.replace('-', ''));
      }
  });
});

describe('number lookup', () => {
  it('finds the one case with that number, for those who may see it', async () => {
    const clerk = await h.token('clerk', 'clerk-n', 'town-n');
    const first = (await h.request('POST', '/v1/cases', { token: clerk, body: caseBody() })).body;
    await register(clerk, { title: '另一件' });
    const found = await h.request('GET', `/v1/cases?number=${first.number}`, { token: clerk });
    expect(found.status).toBe(200);
    expect(found.body).toEqual({ items: [expect.objectContaining({ id: first.id, number: first.number })] });
    expect(found.body.items[0].petitioners[0].idNumber).toMatch(/\*/);
    // with a limit it is the same lookup
    expect(ids(await h.request('GET', `/v1/cases?number=${first.number}&limit=5`, { token: clerk }))).toEqual(
      [first.id],
    );
    // a clerk of a town with no such number (numbers are unique per town), a grid worker without the case's grid,
    // a number not given: nothing
    for (const token of [
      await h.token('clerk', 'clerk-elsewhere', 'town-without-cases'),
      await h.token('grid_worker', 'worker-n', 'town-n'),
    ])
      expect(ids(await h.request('GET', `/v1/cases?number=${first.number}`, { token }))).toEqual([]);
    const unused = first.number.replace(/-\d+$/, '-9999');
    expect(ids(await h.request('GET', `/v1/cases?number=${unused}`, { token: clerk }))).toEqual([]);
  });

  it('names a malformed number, and a number mixed with filters or a cursor', async () => {
    const clerk = await h.token('clerk', 'clerk-n', 'town-n');
    for (const number of ['XF-2026-0001', 'AB-20261120-0001', 'XF-20261340-0001', 'XF-20260230-0001'])
      expectBadParam(await h.request('GET', `/v1/cases?number=${number}`, { token: clerk }), 'number');
    for (const extra of ['status=registered', 'firstTime=true', 'cursor=abc'])
      expectBadParam(
        await h.request('GET', `/v1/cases?number=XF-20261120-0001&${extra}`, { token: clerk }),
        'number',
      );
  });
});
