import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  caseBody,
  createHarness,
  type Harness,
  type TestResponse,
  validIdNumber,
} from '../support/harness.js';

/**
 * Levels (小事不出村，大事不出镇，矛盾不上交): a case starts at village level when it is registered in a village grid or a
 * unit, at town level otherwise; `escalate` moves it up (town, then county) and never down; the reply records the
 * level at which the case was resolved.
 */

const NOW = new Date('2026-11-28T02:00:00Z');
const TOWN = 'town-levels';

let h: Harness;
let clerk: string;
let supervisor: string;
let handler: string;
let seq = 0;
const g = { c: '', v: '', u: '' };

function expectProblem(response: TestResponse, status: number, type: string) {
  expect(response.status, response.text).toBe(status);
  expect(response.body.type).toBe(`/problems/${type}`);
}

/** Registers a case (a fresh petitioner each time, so each is first-time). */
async function register(token: string, overrides: Record<string, unknown> = {}) {
  seq += 1;
  const response = await h.request('POST', '/v1/cases', {
    token,
    body: caseBody({
      petitioners: [{ name: `群众${seq}`, idNumber: validIdNumber(200 + seq) }],
      ...overrides,
    }),
  });
  expect(response.status, response.text).toBe(201);
  return response.body;
}

const command = (id: string, token: string, name: string, body: unknown, version: number) =>
  h.request('POST', `/v1/cases/${id}/${name}`, { token, body, headers: { 'if-match': `"${version}"` } });

/** Registers and accepts a case, assigning it to handler-1. */
async function acceptedCase(overrides: Record<string, unknown> = {}) {
  const created = await register(clerk, overrides);
  const accepted = await command(
    created.id,
    clerk,
    'accept',
    { track: 'coordinated', assigneeId: 'handler-1' },
    1,
  );
  expect(accepted.status, accepted.text).toBe(200);
  return accepted.body;
}

beforeAll(async () => {
  h = await createHarness({ now: NOW });
  const admin = await h.token('admin', 'admin-1', TOWN);
  clerk = await h.token('clerk', 'clerk-1', TOWN);
  supervisor = await h.token('supervisor', 'supervisor-1', TOWN);
  handler = await h.token('handler', 'handler-1', TOWN);
  const grid = async (body: Record<string, unknown>) => {
    const response = await h.request('POST', '/v1/grids', { token: admin, body });
    expect(response.status).toBe(201);
    return response.body.id as string;
  };
  g.c = await grid({ name: '综合网格', level: 'comprehensive' });
  g.v = await grid({ name: '东村网格', level: 'village', parentId: g.c });
  g.u = await grid({ name: '东村一组', level: 'unit', parentId: g.v });
  expect((await h.request('PUT', `/v1/grids/${g.v}/workers/worker-1`, { token: admin })).status).toBe(200);
});
afterAll(() => h.close());

/** The level a case shows: none while registered, the intake level once accepted. */
async function levelOnAcceptance(created: { id: string; level?: string }) {
  expect(created.level).toBeUndefined();
  const read = await h.request('GET', `/v1/cases/${created.id}`, { token: clerk });
  expect(read.body.level).toBeUndefined();
  const accepted = await command(created.id, clerk, 'accept', { track: 'immediate' }, 1);
  expect(accepted.status, accepted.text).toBe(200);
  const reread = await h.request('GET', `/v1/cases/${created.id}`, { token: clerk });
  expect(reread.body.level).toBe(accepted.body.level);
  return accepted.body.level as string | undefined;
}

describe('the level a case starts at, shown once the case is accepted', () => {
  it('is village for a case registered in a village grid', async () => {
    expect(await levelOnAcceptance(await register(clerk, { gridId: g.v }))).toBe('village');
  });

  it('is village for a case registered in a unit', async () => {
    expect(await levelOnAcceptance(await register(clerk, { gridId: g.u }))).toBe('village');
  });

  it('is village for a case a grid worker registers in their grid', async () => {
    const worker = await h.token('grid_worker', 'worker-1', TOWN);
    expect(await levelOnAcceptance(await register(worker, { channel: 'patrol', gridId: g.u }))).toBe(
      'village',
    );
  });

  it('is town for a case registered in a comprehensive grid', async () => {
    expect(await levelOnAcceptance(await register(clerk, { gridId: g.c }))).toBe('town');
  });

  it('is town for a case registered at the window without a grid', async () => {
    const created = await register(clerk);
    expect(created.gridId).toBeUndefined();
    expect(await levelOnAcceptance(created)).toBe('town');
  });

  it('is never shown on a matter declined at the window', async () => {
    const created = await register(clerk, { gridId: g.v });
    const declined = await command(
      created.id,
      clerk,
      'decline',
      { reason: '属于诉讼渠道解决的事项', route: 'litigation' },
      1,
    );
    expect(declined.status, declined.text).toBe(200);
    expect(declined.body.status).toBe('declined');
    expect(declined.body).not.toHaveProperty('level');
  });
});

describe('escalation', () => {
  it('takes a village case to town, then county, by the assignee; the reply keeps the level', async () => {
    const accepted = await acceptedCase({ gridId: g.v });
    expect(accepted).toMatchObject({ level: 'village', assignee: 'handler-1', version: 2 });

    const toTown = await command(
      accepted.id,
      handler,
      'escalate',
      { level: 'town', reason: '村里调解未果' },
      2,
    );
    expect(toTown.status, toTown.text).toBe(200);
    expect(toTown.body).toMatchObject({ level: 'town', status: 'accepted', version: 3 });
    expect(toTown.headers.get('etag')).toBe('"3"');

    const toCounty = await command(
      accepted.id,
      handler,
      'escalate',
      { level: 'county', reason: '涉及县级部门' },
      3,
    );
    expect(toCounty.status, toCounty.text).toBe(200);
    expect(toCounty.body).toMatchObject({ level: 'county', status: 'accepted', version: 4 });

    const replied = await command(
      accepted.id,
      handler,
      'reply',
      { outcome: 'resolved', opinion: '已协调解决' },
      4,
    );
    expect(replied.status, replied.text).toBe(200);
    expect(replied.body.status).toBe('replied');
    expect(replied.body.level).toBe('county');
    expect(replied.body.reply.level).toBe('county');

    const timeline = await h.request('GET', `/v1/cases/${accepted.id}/timeline`, { token: clerk });
    const escalations = timeline.body.items.filter((e: { action: string }) => e.action === 'escalate');
    expect(escalations.map((e: { note?: string }) => e.note)).toEqual(['村里调解未果', '涉及县级部门']);
    for (const event of escalations) expect(event.actor).toEqual({ id: 'handler-1', role: 'handler' });
  });

  it('records village as the level of a case resolved in the village', async () => {
    const accepted = await acceptedCase({ gridId: g.u });
    const replied = await command(
      accepted.id,
      handler,
      'reply',
      { outcome: 'resolved', opinion: '当场调解' },
      2,
    );
    expect(replied.status, replied.text).toBe(200);
    expect(replied.body.reply.level).toBe('village');
  });

  it('records town as the level of a window case resolved in the town', async () => {
    const accepted = await acceptedCase();
    expect(accepted.level).toBe('town');
    const replied = await command(
      accepted.id,
      handler,
      'reply',
      { outcome: 'partially_resolved', opinion: '部分解决' },
      2,
    );
    expect(replied.status, replied.text).toBe(200);
    expect(replied.body.reply.level).toBe('town');
  });

  it('never escalates to the same or a lower level: 409 not-higher-level', async () => {
    const windowCase = await acceptedCase();
    expectProblem(
      await command(windowCase.id, handler, 'escalate', { level: 'town', reason: '重复上报' }, 2),
      409,
      'not-higher-level',
    );
    const village = await acceptedCase({ gridId: g.v });
    expect(
      (await command(village.id, handler, 'escalate', { level: 'county', reason: '直接上报县' }, 2)).status,
    ).toBe(200);
    expectProblem(
      await command(village.id, handler, 'escalate', { level: 'town', reason: '回落' }, 3),
      409,
      'not-higher-level',
    );
    expectProblem(
      await command(village.id, handler, 'escalate', { level: 'county', reason: '再次上报' }, 3),
      409,
      'not-higher-level',
    );
    const read = await h.request('GET', `/v1/cases/${village.id}`, { token: clerk });
    expect(read.body).toMatchObject({ level: 'county', version: 3 });
  });

  it('refuses a level that is not town or county', async () => {
    const accepted = await acceptedCase({ gridId: g.v });
    const response = await command(accepted.id, handler, 'escalate', { level: 'village', reason: '下放' }, 2);
    expectProblem(response, 400, 'validation');
    expect(response.body.errors.map((e: { path: string }) => e.path)).toContain('level');
    const missing = await command(accepted.id, handler, 'escalate', { level: 'town' }, 2);
    expectProblem(missing, 400, 'validation');
    expect(missing.body.errors.map((e: { path: string }) => e.path)).toContain('reason');
  });

  it('escalates only an accepted case: 409 wrong-status for a registered one', async () => {
    const created = await register(clerk, { gridId: g.v });
    expectProblem(
      await command(created.id, supervisor, 'escalate', { level: 'town', reason: '未受理先上报' }, 1),
      409,
      'wrong-status',
    );
  });

  it('is for the assignee, the owner and supervisors: 403 for a clerk, 404 for an unrelated handler', async () => {
    const accepted = await acceptedCase({ gridId: g.v });
    expectProblem(
      await command(accepted.id, clerk, 'escalate', { level: 'town', reason: '窗口上报' }, 2),
      403,
      'forbidden',
    );
    const leader = await h.token('leader', 'leader-1', TOWN);
    expectProblem(
      await command(accepted.id, leader, 'escalate', { level: 'town', reason: '领导上报' }, 2),
      403,
      'forbidden',
    );
    const worker = await h.token('grid_worker', 'worker-1', TOWN);
    expectProblem(
      await command(accepted.id, worker, 'escalate', { level: 'town', reason: '网格员上报' }, 2),
      403,
      'forbidden',
    );
    const stranger = await h.token('handler', 'handler-2', TOWN);
    expectProblem(
      await command(accepted.id, stranger, 'escalate', { level: 'town', reason: '旁人上报' }, 2),
      404,
      'not-found',
    );
    const bySupervisor = await command(
      accepted.id,
      supervisor,
      'escalate',
      { level: 'town', reason: '信访办上报' },
      2,
    );
    expect(bySupervisor.status, bySupervisor.text).toBe(200);
    expect(bySupervisor.body.level).toBe('town');
  });

  it('lets the owning leader escalate a case they own (包案)', async () => {
    const accepted = await acceptedCase({ gridId: g.u });
    const leader = await h.token('leader', 'leader-1', TOWN);
    const owned = await command(
      accepted.id,
      leader,
      'own',
      {
        leaderId: 'leader-1',
        team: ['mediator-1'],
        plan: { tasks: ['查明事实'], responsibilities: ['司法所'], measures: ['联合调解'] },
      },
      2,
    );
    expect(owned.status, owned.text).toBe(200);
    expect(owned.body.owner).toBe('leader-1');
    const escalated = await command(
      accepted.id,
      leader,
      'escalate',
      { level: 'town', reason: '镇里统筹' },
      3,
    );
    expect(escalated.status, escalated.text).toBe(200);
    expect(escalated.body.level).toBe('town');
    const replied = await command(
      accepted.id,
      leader,
      'reply',
      { outcome: 'resolved', opinion: '镇级化解' },
      4,
    );
    expect(replied.status, replied.text).toBe(200);
    expect(replied.body.reply.level).toBe('town');
  });
});
