import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_FINDINGS } from '../../lambdas/http/grid-schemas.js';
import {
  caseBody,
  createHarness,
  type Harness,
  type TestResponse,
  validIdNumber,
} from '../support/harness.js';

/**
 * Grid workers and their patrols (网格巡查): PUT/DELETE /v1/grids/{id}/workers/{userId}, then
 * POST /v1/grids/{id}/patrols, whose findings become cases with channel `patrol`, and GET /v1/grids/{id}/patrols.
 */

// 10:00 on 2026-11-28 in Beijing
const NOW = new Date('2026-11-28T02:00:00Z');
const TODAY = '2026-11-28';
const TOWN = 'town-patrol';

let h: Harness;
let admin: string;
let clerk: string;
/** c: comprehensive; v, w: villages under c; u: a unit under v. */
const g = { c: '', v: '', w: '', u: '' };

function expectProblem(response: TestResponse, status: number, type: string) {
  expect(response.status, response.text).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(response.body.type).toBe(`/problems/${type}`);
}

function expectInvalid(response: TestResponse, path: string) {
  expectProblem(response, 400, 'validation');
  expect(response.body.errors.map((e: { path: string }) => e.path)).toContain(path);
}

/** A finding: a case body without channel and gridId. */
function finding(overrides: Record<string, unknown> = {}, seq = 1) {
  const { channel: _channel, ...body } = caseBody({
    kind: 'dispute',
    category: 'neighbor',
    title: '宅基地滴水纠纷',
    description: '两户因屋檐滴水发生争执',
    petitioners: [{ name: `村民${seq}`, idNumber: validIdNumber(100 + seq), phone: '13800138000' }],
    ...overrides,
  });
  return body;
}

const patrolBody = (findings: unknown[], extra: Record<string, unknown> = {}) => ({
  date: TODAY,
  households: 36,
  notes: '走访农户，排查矛盾',
  findings,
  ...extra,
});

const postPatrol = (gridId: string, token: string, body: unknown, headers: Record<string, string> = {}) =>
  h.request('POST', `/v1/grids/${gridId}/patrols`, { token, body, headers });

async function createGrid(body: Record<string, unknown>): Promise<string> {
  const response = await h.request('POST', '/v1/grids', { token: admin, body });
  expect(response.status, response.text).toBe(201);
  return response.body.id;
}

async function assign(gridId: string, userId: string) {
  const response = await h.request('PUT', `/v1/grids/${gridId}/workers/${userId}`, { token: admin });
  expect(response.status, response.text).toBe(200);
  return response;
}

/** The cases a clerk lists under a grid (and its descendants). */
async function casesUnder(gridId: string): Promise<{ id: string; channel: string }[]> {
  const response = await h.request('GET', `/v1/cases?gridId=${gridId}&limit=100`, { token: clerk });
  expect(response.status).toBe(200);
  expect(response.body.nextCursor).toBeUndefined();
  return response.body.items;
}

/** A patrol case answers with no level while registered; accepted, it shows the level its grid gave it. */
async function levelOnceAccepted(c: { id: string; level?: string; nextDeadline?: { kind: string } }) {
  expect(c.level).toBeUndefined();
  expect(c.nextDeadline?.kind).toBe('acknowledge');
  const accepted = await h.request('POST', `/v1/cases/${c.id}/accept`, {
    token: clerk,
    body: { track: 'immediate' },
    headers: { 'if-match': '"1"' },
  });
  expect(accepted.status, accepted.text).toBe(200);
  return accepted.body.level as string | undefined;
}

async function patrolsOf(gridId: string, from = TODAY, to = TODAY) {
  const response = await h.request('GET', `/v1/grids/${gridId}/patrols?from=${from}&to=${to}`, {
    token: clerk,
  });
  expect(response.status, response.text).toBe(200);
  return response.body.items as { id: string; caseIds: string[]; workerId: string }[];
}

beforeAll(async () => {
  h = await createHarness({ now: NOW });
  admin = await h.token('admin', 'admin-1', TOWN);
  clerk = await h.token('clerk', 'clerk-1', TOWN);
  g.c = await createGrid({ name: '第一综合网格', level: 'comprehensive' });
  g.v = await createGrid({ name: '东村网格', level: 'village', parentId: g.c });
  g.w = await createGrid({ name: '西村网格', level: 'village', parentId: g.c });
  g.u = await createGrid({ name: '东村一组', level: 'unit', parentId: g.v });
});
afterAll(() => h.close());

describe('worker assignment', () => {
  it('PUT assigns a worker, shows them on the grid, and is idempotent', async () => {
    const first = await assign(g.v, 'worker-v');
    expect(first.body).toEqual({ gridId: g.v, userId: 'worker-v' });
    await assign(g.v, 'worker-v');
    const grid = await h.request('GET', `/v1/grids/${g.v}`, { token: clerk });
    expect(grid.body.workers).toEqual(['worker-v']);
  });

  it('takes several workers on one grid', async () => {
    await assign(g.w, 'worker-w');
    await assign(g.w, 'worker-w2');
    const grid = await h.request('GET', `/v1/grids/${g.w}`, { token: clerk });
    expect([...grid.body.workers].sort()).toEqual(['worker-w', 'worker-w2']);
  });
});

describe('POST /v1/grids/{id}/patrols', () => {
  let workerV: string;
  let workerC: string;
  let workerW: string;
  beforeAll(async () => {
    await assign(g.v, 'worker-v');
    await assign(g.c, 'worker-c');
    await assign(g.w, 'worker-w');
    workerV = await h.token('grid_worker', 'worker-v', TOWN);
    workerC = await h.token('grid_worker', 'worker-c', TOWN);
    workerW = await h.token('grid_worker', 'worker-w', TOWN);
  });

  it('logs a patrol on a village grid: 201 {patrol, cases}, each case a patrol case of the grid at village level', async () => {
    const response = await postPatrol(g.v, workerV, patrolBody([finding({}, 1), finding({}, 2)]));
    expect(response.status, response.text).toBe(201);
    const { patrol, cases } = response.body;
    expect(patrol).toMatchObject({
      gridId: g.v,
      date: TODAY,
      workerId: 'worker-v',
      households: 36,
      notes: '走访农户，排查矛盾',
    });
    expect(typeof patrol.id).toBe('string');
    expect(cases).toHaveLength(2);
    expect(patrol.caseIds).toEqual(cases.map((c: { id: string }) => c.id));
    for (const c of cases) {
      expect(c).toMatchObject({
        channel: 'patrol',
        gridId: g.v,
        status: 'registered',
        kind: 'dispute',
        category: 'neighbor',
      });
      expect(c.number).toMatch(/^JF-20261128-\d{4}$/);
      // the personal data comes back masked, as on every case
      expect(c.petitioners[0].idNumber).toMatch(/\*/);
    }
    // the cases exist for the town: a clerk reads them, with the registering worker as registrar
    for (const c of cases) {
      const read = await h.request('GET', `/v1/cases/${c.id}`, { token: clerk });
      expect(read.status).toBe(200);
      expect(read.body).toMatchObject({ channel: 'patrol', gridId: g.v });
      expect(read.body.registeredBy.id).toBe('worker-v');
    }
    // and the worker sees them in their scope
    const mine = await h.request('GET', `/v1/cases/${cases[0].id}`, { token: workerV });
    expect(mine.status).toBe(200);
    // taken up, each is a village-level case
    for (const c of cases) expect(await levelOnceAccepted(c)).toBe('village');
  });

  it('logs a patrol without findings', async () => {
    const response = await postPatrol(g.w, workerW, { date: TODAY });
    expect(response.status, response.text).toBe(201);
    expect(response.body.cases).toEqual([]);
    expect(response.body.patrol.caseIds).toEqual([]);
    expect(response.body.patrol.gridId).toBe(g.w);
  });

  it('lets a worker of a village grid patrol its unit: level village, gridId the unit', async () => {
    const response = await postPatrol(g.u, workerV, patrolBody([finding({}, 3)]));
    expect(response.status, response.text).toBe(201);
    expect(response.body.patrol.gridId).toBe(g.u);
    expect(response.body.cases[0]).toMatchObject({ channel: 'patrol', gridId: g.u });
    expect(await levelOnceAccepted(response.body.cases[0])).toBe('village');
  });

  it('makes findings on a comprehensive grid town-level cases', async () => {
    const response = await postPatrol(g.c, workerC, patrolBody([finding({}, 4)]));
    expect(response.status, response.text).toBe(201);
    expect(response.body.cases[0]).toMatchObject({ channel: 'patrol', gridId: g.c });
    expect(await levelOnceAccepted(response.body.cases[0])).toBe('town');
  });

  it('lets a worker of the parent grid patrol a child grid and its unit', async () => {
    const village = await postPatrol(g.v, workerC, patrolBody([finding({}, 5)]));
    expect(village.status, village.text).toBe(201);
    expect(village.body.cases[0]).toMatchObject({ gridId: g.v });
    expect(await levelOnceAccepted(village.body.cases[0])).toBe('village');
    const unit = await postPatrol(g.u, workerC, patrolBody([]));
    expect(unit.status, unit.text).toBe(201);
    expect(unit.body.patrol.workerId).toBe('worker-c');
  });

  it("answers 403 to a worker on another grid, or on their grid's parent", async () => {
    const before = await casesUnder(g.c);
    expectProblem(await postPatrol(g.w, workerV, patrolBody([finding({}, 6)])), 403, 'forbidden');
    expectProblem(await postPatrol(g.v, workerW, patrolBody([finding({}, 7)])), 403, 'forbidden');
    expectProblem(await postPatrol(g.c, workerV, patrolBody([finding({}, 8)])), 403, 'forbidden');
    const unassigned = await h.token('grid_worker', 'worker-nowhere', TOWN);
    expectProblem(await postPatrol(g.v, unassigned, patrolBody([])), 403, 'forbidden');
    expect(await casesUnder(g.c)).toHaveLength(before.length);
  });

  it('answers 403 to roles that are not grid workers, even the admin', async () => {
    for (const role of ['clerk', 'handler', 'leader', 'supervisor', 'admin', 'petitioner']) {
      const token = await h.token(role, 'worker-v', TOWN);
      const response = await postPatrol(g.v, token, patrolBody([]));
      expect(response.status, role).toBe(403);
    }
  });

  it("answers 404 for an unknown grid and for another town's grid", async () => {
    expectProblem(await postPatrol('g_doesnotexist', workerV, patrolBody([])), 404, 'not-found');
    const otherWorker = await h.token('grid_worker', 'worker-v', 'town-patrol-b');
    expectProblem(await postPatrol(g.v, otherWorker, patrolBody([])), 404, 'not-found');
  });

  it('refuses 11 findings, naming findings, and creates nothing', async () => {
    const before = await casesUnder(g.v);
    const eleven = Array.from({ length: 11 }, (_, i) => finding({}, 20 + i));
    expectInvalid(await postPatrol(g.v, workerV, patrolBody(eleven)), 'findings');
    expect(await casesUnder(g.v)).toHaveLength(before.length);
  });

  it('takes as many findings as the limit allows in one patrol, and one more is refused', async () => {
    // one transaction carries the patrol and every finding's case: the limit keeps it within DynamoDB's
    expect(MAX_FINDINGS).toBeGreaterThanOrEqual(1);
    expect(MAX_FINDINGS).toBeLessThanOrEqual(10);
    const full = Array.from({ length: MAX_FINDINGS }, (_, i) => finding({}, 40 + i));
    const response = await postPatrol(g.w, workerW, patrolBody(full));
    expect(response.status, response.text).toBe(201);
    expect(response.body.cases).toHaveLength(MAX_FINDINGS);
    expect(new Set(response.body.cases.map((c: { number: string }) => c.number)).size).toBe(MAX_FINDINGS);
    const over = [...full, finding({}, 59)];
    expectInvalid(await postPatrol(g.w, workerW, patrolBody(over)), 'findings');
  });

  it('refuses a date in the future, and a date that is not a date', async () => {
    expectInvalid(await postPatrol(g.v, workerV, patrolBody([], { date: '2026-11-29' })), 'date');
    expectInvalid(
      await postPatrol(g.v, workerV, patrolBody([], { date: '2026-11-28T10:00:00+08:00' })),
      'date',
    );
    expectInvalid(await postPatrol(g.v, workerV, patrolBody([], { date: '2026-02-30' })), 'date');
    const { date: _date, ...noDate } = patrolBody([]);
    expectInvalid(await postPatrol(g.v, workerV, noDate), 'date');
  });

  it('takes "today" as the Beijing date', async () => {
    // 01:30 on 29 November in Beijing, still 28 November in UTC
    h.setNow('2026-11-28T17:30:00Z');
    try {
      const response = await postPatrol(g.v, workerV, patrolBody([], { date: '2026-11-29' }));
      expect(response.status, response.text).toBe(201);
      expectInvalid(await postPatrol(g.v, workerV, patrolBody([], { date: '2026-11-30' })), 'date');
    } finally {
      h.setNow(NOW);
    }
  });

  it('names the field of a bad finding as findings.<n>.<field>', async () => {
    const before = await casesUnder(g.v);
    expectInvalid(await postPatrol(g.v, workerV, patrolBody([finding({ title: '' })])), 'findings.0.title');
    expectInvalid(
      await postPatrol(g.v, workerV, patrolBody([finding({}, 9), finding({ category: 'astrology' }, 10)])),
      'findings.1.category',
    );
    const valid = validIdNumber(90);
    const wrongCheck = `${valid.slice(0, 17)}${valid.endsWith('0') ? '1' : '0'}`;
    const badId = finding({ petitioners: [{ name: '李四', idNumber: wrongCheck }] });
    expectInvalid(await postPatrol(g.v, workerV, patrolBody([badId])), 'findings.0.petitioners.0.idNumber');
    expectInvalid(
      await postPatrol(g.v, workerV, patrolBody([finding({ petitioners: [] })])),
      'findings.0.petitioners',
    );
    expect(await casesUnder(g.v)).toHaveLength(before.length);
  });

  it('refuses a finding that sets channel or gridId, and unknown patrol fields', async () => {
    const withChannel = { ...finding(), channel: 'visit' };
    const response = await postPatrol(g.v, workerV, patrolBody([withChannel]));
    expectProblem(response, 400, 'validation');
    expect(response.body.errors.some((e: { path: string }) => e.path.startsWith('findings.0'))).toBe(true);
    const withGrid = { ...finding(), gridId: g.w };
    const second = await postPatrol(g.v, workerV, patrolBody([withGrid]));
    expectProblem(second, 400, 'validation');
    expect(second.body.errors.some((e: { path: string }) => e.path.startsWith('findings.0'))).toBe(true);
    expectProblem(
      await postPatrol(g.v, workerV, patrolBody([], { workerId: 'someone-else' })),
      400,
      'validation',
    );
    expectInvalid(await postPatrol(g.v, workerV, patrolBody([], { households: -1 })), 'households');
  });
});

describe('idempotent patrols', () => {
  let worker: string;
  let gridId: string;
  beforeAll(async () => {
    gridId = await createGrid({ name: '南村网格', level: 'village', parentId: g.c });
    await assign(gridId, 'worker-s');
    worker = await h.token('grid_worker', 'worker-s', TOWN);
  });

  it('creates the patrol and its cases once when the same key and body are retried', async () => {
    const body = patrolBody([finding({ title: '重试一' }, 60), finding({ title: '重试二' }, 61)]);
    const headers = { 'idempotency-key': 'patrol-retry-1' };
    const first = await postPatrol(gridId, worker, body, headers);
    expect(first.status, first.text).toBe(201);
    const again = await postPatrol(gridId, worker, body, headers);
    expect(again.status).toBe(201);
    expect(again.body.patrol.id).toBe(first.body.patrol.id);
    expect(again.body.cases.map((c: { id: string }) => c.id)).toEqual(
      first.body.cases.map((c: { id: string }) => c.id),
    );
    const cases = await casesUnder(gridId);
    expect(cases).toHaveLength(2);
    expect(cases.every((c) => c.channel === 'patrol')).toBe(true);
    const patrols = await patrolsOf(gridId);
    expect(patrols).toHaveLength(1);
    expect(patrols[0]?.id).toBe(first.body.patrol.id);
  });

  it('answers 409 idempotency-mismatch for the same key with another body', async () => {
    const headers = { 'idempotency-key': 'patrol-retry-1' };
    const other = patrolBody([finding({ title: '别的发现' }, 62)]);
    expectProblem(await postPatrol(gridId, worker, other, headers), 409, 'idempotency-mismatch');
    expect(await casesUnder(gridId)).toHaveLength(2);
    expect(await patrolsOf(gridId)).toHaveLength(1);
  });

  it('creates the patrol and its cases once under 5 concurrent retries', async () => {
    const body = patrolBody([
      finding({ title: '并发一' }, 70),
      finding({ title: '并发二' }, 71),
      finding({}, 72),
    ]);
    const headers = { 'idempotency-key': 'patrol-concurrent-1' };
    const responses = await Promise.all(
      Array.from({ length: 5 }, () => postPatrol(gridId, worker, body, headers)),
    );
    for (const response of responses) {
      if (response.status === 201) continue;
      expectProblem(response, 409, 'in-progress');
      expect(response.headers.get('retry-after')).not.toBeNull();
    }
    const created = responses.filter((r) => r.status === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(new Set(created.map((r) => r.body.patrol.id)).size).toBe(1);
    // once settled, a retry answers the first response
    const settled = await postPatrol(gridId, worker, body, headers);
    expect(settled.status).toBe(201);
    const patrolId = created[0]?.body.patrol.id;
    expect(settled.body.patrol.id).toBe(patrolId);
    expect(await casesUnder(gridId)).toHaveLength(2 + 3);
    const patrols = await patrolsOf(gridId);
    expect(patrols).toHaveLength(2);
    expect(patrols.find((p) => p.id === patrolId)?.caseIds).toHaveLength(3);
  });
});

describe('idempotency keys across grids', () => {
  it("never answers a patrol on one grid with another grid's patrol, whatever the key", async () => {
    // the same worker, key and body, but another of their grids: a different request, not a retry
    const first = await createGrid({ name: '河东网格', level: 'village', parentId: g.c });
    const second = await createGrid({ name: '河西网格', level: 'village', parentId: g.c });
    await assign(first, 'worker-river');
    await assign(second, 'worker-river');
    const worker = await h.token('grid_worker', 'worker-river', TOWN);
    const body = patrolBody([finding({ title: '同键异网格' }, 65)]);
    const headers = { 'idempotency-key': 'patrol-same-key-two-grids' };
    const onFirst = await postPatrol(first, worker, body, headers);
    expect(onFirst.status, onFirst.text).toBe(201);
    const onSecond = await postPatrol(second, worker, body, headers);
    if (onSecond.status === 201) {
      expect(onSecond.body.patrol.gridId).toBe(second);
      expect(onSecond.body.cases[0].gridId).toBe(second);
      expect(await patrolsOf(second)).toHaveLength(1);
    } else expectProblem(onSecond, 409, 'idempotency-mismatch');
    expect(await patrolsOf(first)).toHaveLength(1);
  });
});

describe('GET /v1/grids/{id}/patrols', () => {
  let gridId: string;
  let worker: string;
  const logged: Record<string, string> = {};
  beforeAll(async () => {
    gridId = await createGrid({ name: '北村网格', level: 'village', parentId: g.c });
    await assign(gridId, 'worker-n');
    worker = await h.token('grid_worker', 'worker-n', TOWN);
    for (const date of ['2026-11-20', '2026-11-25', '2026-11-28']) {
      const response = await postPatrol(gridId, worker, { date, households: 10 });
      expect(response.status, response.text).toBe(201);
      logged[date] = response.body.patrol.id;
    }
  });

  it('lists the patrols between from and to, both inclusive', async () => {
    const all = await patrolsOf(gridId, '2026-11-20', '2026-11-28');
    expect(all.map((p) => p.id).sort()).toEqual(Object.values(logged).sort());
    const middle = await patrolsOf(gridId, '2026-11-21', '2026-11-25');
    expect(middle.map((p) => p.id)).toEqual([logged['2026-11-25']]);
    const oneDay = await patrolsOf(gridId, '2026-11-20', '2026-11-20');
    expect(oneDay.map((p) => p.id)).toEqual([logged['2026-11-20']]);
    expect(oneDay[0]).toMatchObject({ gridId, workerId: 'worker-n', households: 10, date: '2026-11-20' });
    expect(await patrolsOf(gridId, '2026-10-01', '2026-10-31')).toEqual([]);
  });

  it("lists only the grid's own patrols", async () => {
    const ids = (await patrolsOf(g.v, '2026-11-01', '2026-11-30')).map((p) => p.id);
    for (const id of Object.values(logged)) expect(ids).not.toContain(id);
  });

  it('is readable by every staff role, not by a petitioner', async () => {
    for (const role of ['grid_worker', 'handler', 'leader', 'supervisor', 'admin']) {
      const token = await h.token(role, `${role}-reads`, TOWN);
      const response = await h.request('GET', `/v1/grids/${gridId}/patrols?from=2026-11-20&to=2026-11-28`, {
        token,
      });
      expect(response.status, role).toBe(200);
      expect(response.body.items).toHaveLength(3);
    }
    const petitioner = await h.token('petitioner', 'citizen-1', TOWN);
    const refused = await h.request('GET', `/v1/grids/${gridId}/patrols?from=2026-11-20&to=2026-11-28`, {
      token: petitioner,
    });
    expect(refused.status).toBe(403);
  });

  it('refuses a bad range with 400', async () => {
    const get = (query: string) => h.request('GET', `/v1/grids/${gridId}/patrols${query}`, { token: clerk });
    expectInvalid(await get('?from=2026-11-28&to=2026-11-20'), 'to');
    expectInvalid(await get('?from=2026-11-20'), 'to');
    expectInvalid(await get('?to=2026-11-20'), 'from');
    expectInvalid(await get('?from=20261120&to=2026-11-28'), 'from');
    expectInvalid(await get('?from=2026-11-20&to=2026-13-01'), 'to');
  });

  it("answers 404 for an unknown grid and another town's grid", async () => {
    expectProblem(
      await h.request('GET', '/v1/grids/g_doesnotexist/patrols?from=2026-11-20&to=2026-11-28', {
        token: clerk,
      }),
      404,
      'not-found',
    );
    const otherClerk = await h.token('clerk', 'clerk-b', 'town-patrol-b');
    expectProblem(
      await h.request('GET', `/v1/grids/${gridId}/patrols?from=2026-11-20&to=2026-11-28`, {
        token: otherClerk,
      }),
      404,
      'not-found',
    );
  });
});

describe('removing a worker', () => {
  it('DELETE ends the assignment: the worker can no longer patrol the grid nor see its cases', async () => {
    const gridId = await createGrid({ name: '东山网格', level: 'village', parentId: g.c });
    await assign(gridId, 'worker-gone');
    const worker = await h.token('grid_worker', 'worker-gone', TOWN);
    const patrol = await postPatrol(gridId, worker, patrolBody([finding({}, 80)]));
    expect(patrol.status, patrol.text).toBe(201);
    const caseId: string = patrol.body.cases[0].id;
    // a case a clerk registered in the grid is in the worker's scope too
    const registered = await h.request('POST', '/v1/cases', { token: clerk, body: caseBody({ gridId }) });
    expect(registered.status).toBe(201);
    expect((await h.request('GET', `/v1/cases/${caseId}`, { token: worker })).status).toBe(200);
    expect((await h.request('GET', `/v1/cases/${registered.body.id}`, { token: worker })).status).toBe(200);
    const listed = await h.request('GET', `/v1/cases?gridId=${gridId}`, { token: worker });
    expect(listed.body.items).toHaveLength(2);

    const removed = await h.request('DELETE', `/v1/grids/${gridId}/workers/worker-gone`, { token: admin });
    expect(removed.status).toBe(204);
    expect((await h.request('GET', `/v1/grids/${gridId}`, { token: clerk })).body.workers).toEqual([]);

    expectProblem(await postPatrol(gridId, worker, patrolBody([finding({}, 81)])), 403, 'forbidden');
    expectProblem(await h.request('GET', `/v1/cases/${caseId}`, { token: worker }), 404, 'not-found');
    expectProblem(
      await h.request('GET', `/v1/cases/${registered.body.id}`, { token: worker }),
      404,
      'not-found',
    );
    expectProblem(
      await h.request('GET', `/v1/cases/${caseId}/timeline`, { token: worker }),
      404,
      'not-found',
    );
    const after = await h.request('GET', `/v1/cases?gridId=${gridId}`, { token: worker });
    expect(after.status).toBe(200);
    expect(after.body.items).toEqual([]);
    const everything = await h.request('GET', '/v1/cases?limit=100', { token: worker });
    expect(everything.body.items).toEqual([]);
    // nor may they register there any more
    const register = await h.request('POST', '/v1/cases', {
      token: worker,
      body: caseBody({ channel: 'patrol', gridId }),
    });
    expect(register.status).toBe(403);
  });

  it('answers 404 when there is no such assignment', async () => {
    expectProblem(
      await h.request('DELETE', `/v1/grids/${g.v}/workers/never-assigned`, { token: admin }),
      404,
      'not-found',
    );
  });

  it('leaves other workers of the grid in place', async () => {
    const gridId = await createGrid({ name: '西山网格', level: 'village', parentId: g.c });
    await assign(gridId, 'worker-x1');
    await assign(gridId, 'worker-x2');
    expect(
      (await h.request('DELETE', `/v1/grids/${gridId}/workers/worker-x1`, { token: admin })).status,
    ).toBe(204);
    expect((await h.request('GET', `/v1/grids/${gridId}`, { token: clerk })).body.workers).toEqual([
      'worker-x2',
    ]);
    const remaining = await h.token('grid_worker', 'worker-x2', TOWN);
    expect((await postPatrol(gridId, remaining, patrolBody([]))).status).toBe(201);
  });
});
