import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseBody, createHarness, type Harness, type TestResponse } from '../support/harness.js';

/**
 * The grid tree (网格化管理): an admin lays out comprehensive grids (综合网格), village grids (村级网格) and grid units
 * (网格单元) through POST /v1/grids; the level rules, reads, renames and moves of PATCH /v1/grids/{id}, and who may
 * do what.
 */

const NOW = new Date('2026-11-28T02:00:00Z');

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ now: NOW });
});
afterAll(() => h.close());

interface GridView {
  id: string;
  parentId?: string;
  level: string;
  name: string;
}

function expectProblem(response: TestResponse, status: number, type: string) {
  expect(response.status, response.text).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(response.body.type).toBe(`/problems/${type}`);
}

function expectInvalid(response: TestResponse, path: string) {
  expectProblem(response, 400, 'validation');
  expect(response.body.errors.map((e: { path: string }) => e.path)).toContain(path);
}

const ids = (response: TestResponse): string[] => response.body.items.map((c: { id: string }) => c.id);

/** A town's tokens, and a grid-creating helper that insists on 201. */
async function townKit(town: string) {
  const admin = await h.token('admin', `admin-${town}`, town);
  const clerk = await h.token('clerk', `clerk-${town}`, town);
  const create = async (body: Record<string, unknown>): Promise<GridView> => {
    const response = await h.request('POST', '/v1/grids', { token: admin, body });
    expect(response.status, response.text).toBe(201);
    return response.body;
  };
  return { admin, clerk, create };
}

/** One comprehensive grid, two villages under it, one unit under each village. */
async function layOut(town: string) {
  const kit = await townKit(town);
  const c1 = await kit.create({ name: '第一综合网格', level: 'comprehensive' });
  const v1 = await kit.create({ name: '东村网格', level: 'village', parentId: c1.id, village: '东村' });
  const v2 = await kit.create({ name: '西村网格', level: 'village', parentId: c1.id, village: '西村' });
  const u1 = await kit.create({ name: '东村一组', level: 'unit', parentId: v1.id });
  const u2 = await kit.create({ name: '西村一组', level: 'unit', parentId: v2.id });
  return { ...kit, c1, v1, v2, u1, u2 };
}

describe('laying out a town', () => {
  let t: Awaited<ReturnType<typeof layOut>>;
  beforeAll(async () => {
    t = await layOut('town-layout');
  });

  it('answers 201 with the grid, its level and parent, and a Location', async () => {
    const response = await h.request('POST', '/v1/grids', {
      token: t.admin,
      body: { name: '东村二组', level: 'unit', parentId: t.v1.id, mediators: ['mediator-1'] },
    });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      name: '东村二组',
      level: 'unit',
      parentId: t.v1.id,
      mediators: ['mediator-1'],
    });
    expect(typeof response.body.id).toBe('string');
    expect(response.headers.get('location')).toBe(`/v1/grids/${response.body.id}`);
    expect(t.c1.parentId).toBeUndefined();
    expect(t.v1).toMatchObject({ level: 'village', parentId: t.c1.id, name: '东村网格' });
    expect(t.u2).toMatchObject({ level: 'unit', parentId: t.v2.id });
    expect(new Set([t.c1.id, t.v1.id, t.v2.id, t.u1.id, t.u2.id]).size).toBe(5);
  });

  it('GET /v1/grids lists every grid of the town with id, parentId, level and name', async () => {
    const response = await h.request('GET', '/v1/grids', { token: t.clerk });
    expect(response.status).toBe(200);
    const items: GridView[] = response.body.items;
    const byId = new Map(items.map((g) => [g.id, g]));
    for (const grid of [t.c1, t.v1, t.v2, t.u1, t.u2])
      expect(byId.get(grid.id)).toMatchObject({ id: grid.id, level: grid.level, name: grid.name });
    expect(byId.get(t.c1.id)?.parentId ?? null).toBeNull();
    expect(byId.get(t.v1.id)?.parentId).toBe(t.c1.id);
    expect(byId.get(t.v2.id)?.parentId).toBe(t.c1.id);
    expect(byId.get(t.u1.id)?.parentId).toBe(t.v1.id);
    expect(byId.get(t.u2.id)?.parentId).toBe(t.v2.id);
    for (const item of items) {
      expect(typeof item.id).toBe('string');
      expect(['comprehensive', 'village', 'unit']).toContain(item.level);
      expect(typeof item.name).toBe('string');
    }
  });

  it('lets every staff role read the tree', async () => {
    for (const role of ['grid_worker', 'handler', 'leader', 'supervisor']) {
      const token = await h.token(role, `${role}-reader`, 'town-layout');
      const list = await h.request('GET', '/v1/grids', { token });
      expect(list.status, role).toBe(200);
      expect(ids(list), role).toContain(t.u1.id);
      const one = await h.request('GET', `/v1/grids/${t.u1.id}`, { token });
      expect(one.status, role).toBe(200);
      expect(one.body.id).toBe(t.u1.id);
    }
  });

  it('GET /v1/grids/{id} carries the grid and its workers', async () => {
    const before = await h.request('GET', `/v1/grids/${t.v1.id}`, { token: t.clerk });
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({ id: t.v1.id, level: 'village', parentId: t.c1.id, name: '东村网格' });
    expect(before.body.workers).toEqual([]);

    const assigned = await h.request('PUT', `/v1/grids/${t.v1.id}/workers/worker-east`, { token: t.admin });
    expect(assigned.status).toBe(200);
    expect(assigned.body).toEqual({ gridId: t.v1.id, userId: 'worker-east' });
    const after = await h.request('GET', `/v1/grids/${t.v1.id}`, { token: t.clerk });
    expect(after.body.workers).toEqual(['worker-east']);
    // the unit below has workers of its own, not its parent's
    const unit = await h.request('GET', `/v1/grids/${t.u1.id}`, { token: t.clerk });
    expect(unit.body.workers).toEqual([]);
  });

  it('keeps towns apart: another town lists none of these grids', async () => {
    const other = await h.token('admin', 'admin-elsewhere', 'town-elsewhere');
    const response = await h.request('GET', '/v1/grids', { token: other });
    expect(response.status).toBe(200);
    expect(ids(response)).not.toContain(t.c1.id);
    expect(ids(response)).not.toContain(t.u1.id);
  });
});

describe('level rules', () => {
  let t: Awaited<ReturnType<typeof layOut>>;
  beforeAll(async () => {
    t = await layOut('town-levels');
  });
  const post = (body: Record<string, unknown>) => h.request('POST', '/v1/grids', { token: t.admin, body });

  it('refuses a unit directly under a comprehensive grid, naming parentId', async () => {
    expectInvalid(await post({ name: '错层单元', level: 'unit', parentId: t.c1.id }), 'parentId');
  });

  it('refuses a village grid without a parent', async () => {
    expectInvalid(await post({ name: '无主村', level: 'village' }), 'parentId');
  });

  it('refuses a unit without a parent', async () => {
    expectInvalid(await post({ name: '无主单元', level: 'unit' }), 'parentId');
  });

  it('refuses a comprehensive grid with a parent', async () => {
    expectInvalid(await post({ name: '套娃综合', level: 'comprehensive', parentId: t.c1.id }), 'parentId');
  });

  it('refuses a village under a village, and a unit under a unit', async () => {
    expectInvalid(await post({ name: '村中村', level: 'village', parentId: t.v1.id }), 'parentId');
    expectInvalid(await post({ name: '组中组', level: 'unit', parentId: t.u1.id }), 'parentId');
  });

  it('refuses an unknown parentId', async () => {
    expectInvalid(await post({ name: '孤儿村', level: 'village', parentId: 'g_doesnotexist' }), 'parentId');
  });

  it('refuses a parent from another town as unknown', async () => {
    const other = await townKit('town-levels-b');
    const response = await h.request('POST', '/v1/grids', {
      token: other.admin,
      body: { name: '越界村', level: 'village', parentId: t.c1.id },
    });
    expectInvalid(response, 'parentId');
  });

  it('checks the body: level, name, unknown fields', async () => {
    expectInvalid(await post({ name: '某网格', level: 'district' }), 'level');
    expectInvalid(await post({ name: '', level: 'comprehensive' }), 'name');
    expectInvalid(await post({ level: 'comprehensive' }), 'name');
    const unknown = await post({ name: '某网格', level: 'comprehensive', path: '/x/' });
    expectProblem(unknown, 400, 'validation');
  });

  it('left the tree as it was after every refusal', async () => {
    const list = await h.request('GET', '/v1/grids', { token: t.clerk });
    expect(list.body.items).toHaveLength(5);
  });
});

describe('PATCH /v1/grids/{id}', () => {
  let t: Awaited<ReturnType<typeof layOut>>;
  let c2: GridView;
  const patch = (id: string, body: Record<string, unknown>, token = t.admin) =>
    h.request('PATCH', `/v1/grids/${id}`, { token, body });
  const grid = async (id: string) => (await h.request('GET', `/v1/grids/${id}`, { token: t.clerk })).body;

  beforeAll(async () => {
    t = await layOut('town-patch');
    c2 = await t.create({ name: '第二综合网格', level: 'comprehensive' });
  });

  it('renames a grid and keeps its place', async () => {
    const response = await patch(t.u1.id, { name: '东村第一村民小组' });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      id: t.u1.id,
      name: '东村第一村民小组',
      level: 'unit',
      parentId: t.v1.id,
    });
    expect(await grid(t.u1.id)).toMatchObject({ name: '东村第一村民小组', parentId: t.v1.id, level: 'unit' });
  });

  it('refuses to change the level', async () => {
    expectProblem(await patch(t.u1.id, { level: 'village' }), 400, 'validation');
    expect((await grid(t.u1.id)).level).toBe('unit');
  });

  it('moves a village grid without cases under another comprehensive grid, its units with it', async () => {
    const moved = await patch(t.v2.id, { parentId: c2.id });
    expect(moved.status, moved.text).toBe(200);
    expect(moved.body).toMatchObject({ id: t.v2.id, parentId: c2.id, level: 'village', name: '西村网格' });

    const tree: GridView[] = (await h.request('GET', '/v1/grids', { token: t.clerk })).body.items;
    const byId = new Map(tree.map((g) => [g.id, g]));
    expect(byId.get(t.v2.id)?.parentId).toBe(c2.id);
    expect(byId.get(t.u2.id)?.parentId).toBe(t.v2.id);

    // a case registered in the moved unit now belongs under the new comprehensive grid, and not the old one
    const created = await h.request('POST', '/v1/cases', {
      token: t.clerk,
      body: caseBody({ gridId: t.u2.id }),
    });
    expect(created.status, created.text).toBe(201);
    const underNew = await h.request('GET', `/v1/cases?gridId=${c2.id}`, { token: t.clerk });
    expect(underNew.status).toBe(200);
    expect(ids(underNew)).toContain(created.body.id);
    const underOld = await h.request('GET', `/v1/cases?gridId=${t.c1.id}`, { token: t.clerk });
    expect(ids(underOld)).not.toContain(created.body.id);

    // and a worker of the new comprehensive grid has it in scope, one of the old one not
    expect((await h.request('PUT', `/v1/grids/${c2.id}/workers/worker-c2`, { token: t.admin })).status).toBe(
      200,
    );
    expect(
      (await h.request('PUT', `/v1/grids/${t.c1.id}/workers/worker-c1`, { token: t.admin })).status,
    ).toBe(200);
    const newWorker = await h.token('grid_worker', 'worker-c2', 'town-patch');
    const oldWorker = await h.token('grid_worker', 'worker-c1', 'town-patch');
    expect((await h.request('GET', `/v1/cases/${created.body.id}`, { token: newWorker })).status).toBe(200);
    expect((await h.request('GET', `/v1/cases/${created.body.id}`, { token: oldWorker })).status).toBe(404);
  });

  it('refuses to move a grid under its own descendant or itself (a cycle), naming parentId', async () => {
    expectInvalid(await patch(t.v1.id, { parentId: t.u1.id }), 'parentId');
    expectInvalid(await patch(t.v1.id, { parentId: t.v1.id }), 'parentId');
    expectInvalid(await patch(t.c1.id, { parentId: t.v1.id }), 'parentId');
    expect((await grid(t.v1.id)).parentId).toBe(t.c1.id);
    expect((await grid(t.u1.id)).parentId).toBe(t.v1.id);
    expect((await grid(t.c1.id)).parentId ?? null).toBeNull();
  });

  it('refuses a move that breaks the level rules, or to an unknown parent', async () => {
    expectInvalid(await patch(t.u1.id, { parentId: c2.id }), 'parentId');
    expectInvalid(await patch(t.v1.id, { parentId: t.v2.id }), 'parentId');
    expectInvalid(await patch(t.v1.id, { parentId: 'g_doesnotexist' }), 'parentId');
    expect((await grid(t.v1.id)).parentId).toBe(t.c1.id);
  });

  it('refuses to move a grid whose subtree has a case: 409 grid-has-cases', async () => {
    const created = await h.request('POST', '/v1/cases', {
      token: t.clerk,
      body: caseBody({ gridId: t.u1.id }),
    });
    expect(created.status).toBe(201);
    // the case is in the unit below the village: the village may not move, nor the unit
    expectProblem(await patch(t.v1.id, { parentId: c2.id }), 409, 'grid-has-cases');
    const other = await t.create({ name: '南村网格', level: 'village', parentId: c2.id });
    expectProblem(await patch(t.u1.id, { parentId: other.id }), 409, 'grid-has-cases');
    expect((await grid(t.v1.id)).parentId).toBe(t.c1.id);
    expect((await grid(t.u1.id)).parentId).toBe(t.v1.id);
    // renaming is still fine, and the case still lists under its grid
    expect((await patch(t.v1.id, { name: '东村网格（新）' })).status).toBe(200);
    const listed = await h.request('GET', `/v1/cases?gridId=${t.v1.id}`, { token: t.clerk });
    expect(ids(listed)).toContain(created.body.id);
  });

  it('moves a grid whose siblings have cases', async () => {
    // v1's unit has a case; a new village beside it has none and moves freely
    const spare = await t.create({ name: '北村网格', level: 'village', parentId: t.c1.id });
    await t.create({ name: '北村一组', level: 'unit', parentId: spare.id });
    const moved = await patch(spare.id, { parentId: c2.id });
    expect(moved.status, moved.text).toBe(200);
    expect(moved.body.parentId).toBe(c2.id);
  });
});

describe('who may write, and what is not found', () => {
  let t: Awaited<ReturnType<typeof layOut>>;
  beforeAll(async () => {
    t = await layOut('town-auth');
    expect(
      (await h.request('PUT', `/v1/grids/${t.v1.id}/workers/worker-keep`, { token: t.admin })).status,
    ).toBe(200);
  });

  it('answers 403 to every non-admin role on every write', async () => {
    const roles = ['clerk', 'grid_worker', 'handler', 'leader', 'supervisor', 'petitioner'];
    for (const role of roles) {
      const token = await h.token(role, `${role}-writer`, 'town-auth');
      const writes: [string, string, unknown][] = [
        ['POST', '/v1/grids', { name: '私建网格', level: 'comprehensive' }],
        ['PATCH', `/v1/grids/${t.v1.id}`, { name: '改名' }],
        ['PATCH', `/v1/grids/${t.v2.id}`, { parentId: t.c1.id }],
        ['PUT', `/v1/grids/${t.v1.id}/workers/${role}-writer`, undefined],
        ['DELETE', `/v1/grids/${t.v1.id}/workers/worker-keep`, undefined],
      ];
      for (const [method, path, body] of writes) {
        const response = await h.request(method, path, { token, ...(body ? { body } : {}) });
        expect(response.status, `${role} ${method} ${path}`).toBe(403);
        expect(response.body.type).toBe('/problems/forbidden');
      }
    }
    // nothing changed
    const v1 = (await h.request('GET', `/v1/grids/${t.v1.id}`, { token: t.clerk })).body;
    expect(v1.name).toBe('东村网格');
    expect(v1.workers).toEqual(['worker-keep']);
    expect((await h.request('GET', '/v1/grids', { token: t.clerk })).body.items).toHaveLength(5);
  });

  it('answers 404 for an unknown grid, to the admin and to everyone else (404 before 403)', async () => {
    const leader = await h.token('leader', 'leader-404', 'town-auth');
    for (const token of [t.admin, leader]) {
      expectProblem(await h.request('GET', '/v1/grids/g_doesnotexist', { token }), 404, 'not-found');
      expectProblem(
        await h.request('PATCH', '/v1/grids/g_doesnotexist', { token, body: { name: '无' } }),
        404,
        'not-found',
      );
      expectProblem(
        await h.request('PUT', '/v1/grids/g_doesnotexist/workers/someone', { token }),
        404,
        'not-found',
      );
      expectProblem(
        await h.request('DELETE', '/v1/grids/g_doesnotexist/workers/someone', { token }),
        404,
        'not-found',
      );
    }
  });

  it("answers 404 for another town's grid, even to that town's admin", async () => {
    const otherAdmin = await h.token('admin', 'admin-b', 'town-auth-b');
    const otherClerk = await h.token('clerk', 'clerk-b', 'town-auth-b');
    expectProblem(await h.request('GET', `/v1/grids/${t.v1.id}`, { token: otherClerk }), 404, 'not-found');
    expectProblem(await h.request('GET', `/v1/grids/${t.v1.id}`, { token: otherAdmin }), 404, 'not-found');
    expectProblem(
      await h.request('PATCH', `/v1/grids/${t.v1.id}`, { token: otherAdmin, body: { name: '夺名' } }),
      404,
      'not-found',
    );
    expectProblem(
      await h.request('PUT', `/v1/grids/${t.v1.id}/workers/intruder`, { token: otherAdmin }),
      404,
      'not-found',
    );
    expectProblem(
      await h.request('DELETE', `/v1/grids/${t.v1.id}/workers/worker-keep`, { token: otherAdmin }),
      404,
      'not-found',
    );
    const v1 = (await h.request('GET', `/v1/grids/${t.v1.id}`, { token: t.clerk })).body;
    expect(v1.name).toBe('东村网格');
    expect(v1.workers).toEqual(['worker-keep']);
  });

  it("refuses to move a grid under another town's grid", async () => {
    const other = await townKit('town-auth-c');
    const foreign = await other.create({ name: '外镇综合网格', level: 'comprehensive' });
    expectInvalid(
      await h.request('PATCH', `/v1/grids/${t.v2.id}`, { token: t.admin, body: { parentId: foreign.id } }),
      'parentId',
    );
    expect((await h.request('GET', `/v1/grids/${t.v2.id}`, { token: t.clerk })).body.parentId).toBe(t.c1.id);
  });
});
