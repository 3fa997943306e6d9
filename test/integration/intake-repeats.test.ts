import { afterAll, assert, beforeAll, describe, expect, it } from 'vitest';
import { CaseRepository } from '../../lambdas/adapters/case-repository.js';
import { CounterRepository } from '../../lambdas/adapters/counter-repository.js';
import { linkRepeat } from '../../lambdas/usecases/repeat-at-window.js';
import { caseBody, createHarness, type Harness, validIdNumber } from '../support/harness.js';

/**
 * Art 19 at the window: a matter that repeats a case still open (same petitioner, same category) is refused with the
 * open case named (409 `repeat-of-open-case`), unless the registrar links it to that case (a `repeat-received` event,
 * no second case) or says why a second case is needed. A grid worker who may not see the open case is told only that
 * the town's window must handle it.
 */

const NOW = new Date('2026-11-28T02:00:00Z');

let h: Harness;
const tokens = { clerk: '', worker: '', handler: '', supervisor: '', leader: '', admin: '' };
const grids = { a: '', b: '' };

beforeAll(async () => {
  h = await createHarness({ now: NOW });
  tokens.clerk = await h.token('clerk', 'clerk-1');
  tokens.worker = await h.token('grid_worker', 'worker-a');
  tokens.handler = await h.token('handler', 'handler-1');
  tokens.supervisor = await h.token('supervisor', 'sup-1');
  tokens.leader = await h.token('leader', 'leader-1');
  tokens.admin = await h.token('admin', 'admin-1');
  const grid = async (body: Record<string, unknown>) => {
    const response = await h.request('POST', '/v1/grids', { token: tokens.admin, body });
    expect(response.status, response.text).toBe(201);
    return response.body.id as string;
  };
  const c = await grid({ name: '第一综合网格', level: 'comprehensive' });
  grids.a = await grid({ name: '东村网格', level: 'village', parentId: c });
  grids.b = await grid({ name: '西村网格', level: 'village', parentId: c });
  const assigned = await h.request('PUT', `/v1/grids/${grids.a}/workers/worker-a`, { token: tokens.admin });
  expect(assigned.status).toBe(200);
});
afterAll(() => h.close());

/** A petitioner of the test's own: ID number, name and phone. */
const person = (seq: number) => ({
  name: `来访人${seq}`,
  idNumber: validIdNumber(seq),
  phone: '13700002222',
});

const register = (
  body: Record<string, unknown>,
  token = tokens.clerk,
  headers: Record<string, string> = {},
) => h.request('POST', '/v1/cases', { token, body, headers });

const timeline = async (id: string) => {
  const response = await h.request('GET', `/v1/cases/${id}/timeline?verify=true`, { token: tokens.clerk });
  expect(response.status, response.text).toBe(200);
  return response.body as { valid: boolean; items: { action: string; note?: string; received?: unknown }[] };
};

const metricsToday = async () => {
  const response = await h.request('GET', '/v1/metrics?from=2026-11-28&to=2026-11-28', {
    token: tokens.leader,
  });
  expect(response.status, response.text).toBe(200);
  return response.body;
};

const paths = (response: { body: { errors?: { path: string }[] } }) =>
  (response.body.errors ?? []).map((e) => e.path);

describe('a repeat of an open case at the window', () => {
  const p = person(501);
  let open: { id: string; number: string };

  it('registers the first matter, and refuses the second with the open case named, nothing personal', async () => {
    const first = await register(caseBody({ petitioners: [p] }));
    expect(first.status, first.text).toBe(201);
    expect(first.body.firstTime).toBe(true);
    open = { id: first.body.id, number: first.body.number };

    const again = await register(caseBody({ petitioners: [p], title: '又来反映欠薪' }));
    expect(again.status, again.text).toBe(409);
    expect(again.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(again.body).toMatchObject({
      type: '/problems/repeat-of-open-case',
      status: 409,
      openCase: { id: open.id, number: open.number, status: 'registered' },
    });
    expect(again.body.title).toMatch(/重复信访/);
    expect(again.body.detail).toContain(open.number);
    for (const secret of [p.name, p.idNumber, p.phone, '又来反映欠薪'])
      expect(again.text).not.toContain(secret);

    const english = await h.request('POST', '/v1/cases', {
      token: tokens.clerk,
      body: caseBody({ petitioners: [p] }),
      headers: { 'accept-language': 'en' },
    });
    expect(english.status).toBe(409);
    expect(english.body.title).toMatch(/already has an open case/);
    expect(english.body.detail).toContain(`${open.number} (registered)`);
  });

  it('links the matter to the open case: 200 with that case, one repeat-received event, no new case', async () => {
    const before = await h.request('GET', '/v1/cases?limit=100', { token: tokens.clerk });
    const linked = await register(
      caseBody({
        petitioners: [p],
        channel: 'phone',
        title: '电话催问欠薪',
        receivedAt: '2026-11-28T09:30:00+08:00',
        repeatOfOpenCase: { caseId: open.id, action: 'link' },
      }),
    );
    expect(linked.status, linked.text).toBe(200);
    expect(linked.body).toMatchObject({ id: open.id, number: open.number, version: 1, status: 'registered' });
    expect(linked.body.linked).toEqual({ seq: 2, at: NOW.toISOString() });
    expect(linked.body).not.toHaveProperty('queryCode');
    expect(linked.headers.get('content-location')).toBe(`/v1/cases/${open.id}`);
    expect(linked.headers.get('etag')).toBe('"1"');

    const events = await timeline(open.id);
    expect(events.valid).toBe(true);
    expect(events.items.map((e) => e.action)).toEqual(['register', 'repeat-received']);
    expect(events.items[1]).toMatchObject({
      seq: 2,
      actor: { id: 'clerk-1', role: 'clerk' },
      received: { channel: 'phone', receivedAt: '2026-11-28T01:30:00.000Z', title: '电话催问欠薪' },
    });
    const after = await h.request('GET', '/v1/cases?limit=100', { token: tokens.clerk });
    expect(after.body.items.length).toBe(before.body.items.length);
    // the open case is as it was: a link is not a state change
    const read = await h.request('GET', `/v1/cases/${open.id}`, { token: tokens.clerk });
    expect(read.body.version).toBe(1);
  });

  it('opens a second case for a stated reason: a repeat of the open one, the reason kept and on its timeline', async () => {
    // the clock stands still otherwise: move it, so "newest" is decided by time, not by the random case id
    h.setNow('2026-11-28T02:01:00Z');
    const second = await register(
      caseBody({ petitioners: [p], repeatOfOpenCase: { reason: '另一工地的欠薪，需另案协调' } }),
    );
    expect(second.status, second.text).toBe(201);
    expect(second.body).toMatchObject({
      firstTime: false,
      repeatOf: open.id,
      secondTrackReason: '另一工地的欠薪，需另案协调',
    });
    expect(second.body).not.toHaveProperty('repeatOfOpenCase');
    expect(second.body.queryCode).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    const events = await timeline(second.body.id);
    expect(events.items[0]).toMatchObject({ action: 'register', note: '另一工地的欠薪，需另案协调' });
    // the newest earlier case is now this second one: a further repeat is refused naming it
    const third = await register(caseBody({ petitioners: [p] }));
    expect(third.status).toBe(409);
    expect(third.body.openCase.id).toBe(second.body.id);
    // and a link may still name the older open case of the same petitioner and category
    const older = await register(
      caseBody({ petitioners: [p], repeatOfOpenCase: { caseId: open.id, action: 'link' } }),
    );
    expect(older.status, older.text).toBe(200);
    expect(older.body.id).toBe(open.id);
  });

  it('is no repeat in another category, nor once the earlier case is closed', async () => {
    const other = await register(caseBody({ petitioners: [p], category: 'neighbor' }));
    expect(other.status, other.text).toBe(201);
    expect(other.body.firstTime).toBe(true);
  });

  it('counts each link as a repeat received, beside the second cases registered', async () => {
    const day = await metricsToday();
    expect(day.totals.repeatLinked).toBe(2);
    expect(day.totals.repeat).toBe(1);
  });
});

describe('bad answers to the rule', () => {
  const p = person(601);
  const q = person(602);
  let openP: string;
  let openQ: string;

  beforeAll(async () => {
    openP = (await register(caseBody({ petitioners: [p] }))).body.id;
    openQ = (await register(caseBody({ petitioners: [q] }))).body.id;
  });

  it('refuses a link to an unknown case as a bad field (400), never revealing anything', async () => {
    const unknown = await register(
      caseBody({ petitioners: [p], repeatOfOpenCase: { caseId: 'no-such-case', action: 'link' } }),
    );
    expect(unknown.status, unknown.text).toBe(400);
    expect(paths(unknown)).toEqual(['repeatOfOpenCase.caseId']);
  });

  it("refuses a link to another petitioner's case (400 naming the field)", async () => {
    const theirs = await register(
      caseBody({ petitioners: [p], repeatOfOpenCase: { caseId: openQ, action: 'link' } }),
    );
    expect(theirs.status, theirs.text).toBe(400);
    expect(theirs.body.errors).toEqual([
      { path: 'repeatOfOpenCase.caseId', message: '不是这些信访人在本类别的案件' },
    ]);
    // the same petitioner, but the case is of another category
    const category = await register(
      caseBody({
        petitioners: [p],
        category: 'environment',
        repeatOfOpenCase: { caseId: openP, action: 'link' },
      }),
    );
    expect(category.status).toBe(400);
    expect(paths(category)).toEqual(['repeatOfOpenCase.caseId']);
  });

  it('refuses a link to a case that is no longer open (409 naming the field), and a reason with nothing open', async () => {
    const r = person(603);
    const created = await register(caseBody({ petitioners: [r] }));
    const id = created.body.id as string;
    const withdrawn = await h.request('POST', `/v1/cases/${id}/withdraw`, {
      token: tokens.clerk,
      body: { reason: '当事人已和解' },
      headers: { 'if-match': '"1"' },
    });
    expect(withdrawn.status, withdrawn.text).toBe(200);
    const closed = await register(
      caseBody({ petitioners: [r], repeatOfOpenCase: { caseId: id, action: 'link' } }),
    );
    expect(closed.status, closed.text).toBe(409);
    expect(closed.body.type).toBe('/problems/wrong-status');
    expect(closed.body.errors).toEqual([
      { path: 'repeatOfOpenCase.caseId', message: '该案件已撤回，已不在办理中' },
    ]);

    const noOpen = await register(caseBody({ petitioners: [r], repeatOfOpenCase: { reason: '另案' } }));
    expect(noOpen.status, noOpen.text).toBe(400);
    expect(paths(noOpen)).toEqual(['repeatOfOpenCase']);
    // with nothing open, the matter registers as a repeat of the withdrawn case, as before
    const plain = await register(caseBody({ petitioners: [r] }));
    expect(plain.status, plain.text).toBe(201);
    expect(plain.body.repeatOf).toBe(id);
  });

  it('refuses a malformed answer, naming the field', async () => {
    for (const answer of [
      { action: 'link' },
      { caseId: openP, action: 'merge' },
      { caseId: openP, action: 'link', reason: '两者都给' },
      { reason: '' },
      'link',
    ]) {
      const response = await register(caseBody({ petitioners: [p], repeatOfOpenCase: answer }));
      expect(response.status, `${JSON.stringify(answer)}: ${response.text}`).toBe(400);
      expect(
        paths(response).every((path) => path.startsWith('repeatOfOpenCase')),
        response.text,
      ).toBe(true);
    }
  });

  it('leaves the registrars to register (403 for a handler), whatever the body says', async () => {
    const response = await register(
      caseBody({ petitioners: [p], repeatOfOpenCase: { caseId: openP, action: 'link' } }),
      tokens.handler,
    );
    expect(response.status).toBe(403);
  });
});

describe('a grid worker and an open case outside their grids', () => {
  const p = person(701);
  let inB: string;

  beforeAll(async () => {
    const created = await register(caseBody({ petitioners: [p], gridId: grids.b }));
    expect(created.status, created.text).toBe(201);
    inB = created.body.id;
  });

  it('tells them only that the town window must handle it: no id, no number', async () => {
    const refused = await register(caseBody({ petitioners: [p], gridId: grids.a }), tokens.worker);
    expect(refused.status, refused.text).toBe(409);
    expect(refused.body.type).toBe('/problems/repeat-of-open-case');
    expect(refused.body).not.toHaveProperty('openCase');
    expect(refused.body.detail).toMatch(/窗口/);
    expect(refused.text).not.toContain(inB);
    const number = (await h.request('GET', `/v1/cases/${inB}`, { token: tokens.clerk })).body.number;
    expect(refused.text).not.toContain(number);
  });

  it('lets them neither link to it (400, as for an unknown case) nor open a second case beside it (409)', async () => {
    const link = await register(
      caseBody({ petitioners: [p], gridId: grids.a, repeatOfOpenCase: { caseId: inB, action: 'link' } }),
      tokens.worker,
    );
    expect(link.status, link.text).toBe(400);
    expect(link.body.errors).toEqual([
      { path: 'repeatOfOpenCase.caseId', message: '不是本镇您可查看的案件' },
    ]);
    const reason = await register(
      caseBody({ petitioners: [p], gridId: grids.a, repeatOfOpenCase: { reason: '就地调解' } }),
      tokens.worker,
    );
    expect(reason.status, reason.text).toBe(409);
    expect(reason.body).not.toHaveProperty('openCase');
  });

  it('shows the open case to a worker whose grid it is in, who may link to it', async () => {
    const q = person(702);
    const inA = await register(caseBody({ petitioners: [q], gridId: grids.a }));
    const refused = await register(caseBody({ petitioners: [q], gridId: grids.a }), tokens.worker);
    expect(refused.status).toBe(409);
    expect(refused.body.openCase.id).toBe(inA.body.id);
    const linked = await register(
      caseBody({
        petitioners: [q],
        gridId: grids.a,
        repeatOfOpenCase: { caseId: inA.body.id, action: 'link' },
      }),
      tokens.worker,
    );
    expect(linked.status, linked.text).toBe(200);
  });

  it('leaves it to the clerk, who sees every case of the town and links it', async () => {
    const linked = await register(
      caseBody({ petitioners: [p], repeatOfOpenCase: { caseId: inB, action: 'link' } }),
      tokens.clerk,
    );
    expect(linked.status, linked.text).toBe(200);
    expect(linked.body.id).toBe(inB);
  });
});

describe('idempotency of the window’s answers', () => {
  const p = person(801);
  let open: string;

  beforeAll(async () => {
    open = (await register(caseBody({ petitioners: [p] }))).body.id;
  });

  it('lets a refused request be sent again under its key with the registrar’s answer; replays answer the same', async () => {
    const key = { 'idempotency-key': 'window-801-a' };
    const refused = await register(caseBody({ petitioners: [p] }), tokens.clerk, key);
    expect(refused.status).toBe(409);
    const body = caseBody({ petitioners: [p], repeatOfOpenCase: { caseId: open, action: 'link' } });
    const linked = await register(body, tokens.clerk, key);
    expect(linked.status, linked.text).toBe(200);
    const replayed = await register(body, tokens.clerk, key);
    expect(replayed.status).toBe(200);
    expect(replayed.body).toEqual(linked.body);
    expect(replayed.body).not.toHaveProperty('queryCode');
    expect((await timeline(open)).items.filter((e) => e.action === 'repeat-received')).toHaveLength(1);

    const other = await register(caseBody({ petitioners: [p], title: '另一内容' }), tokens.clerk, key);
    expect(other.status).toBe(409);
    expect(other.body.type).toBe('/problems/idempotency-mismatch');
  });

  it('replays a second case with its id and query code', async () => {
    const key = { 'idempotency-key': 'window-801-b' };
    const body = caseBody({ petitioners: [p], repeatOfOpenCase: { reason: '新的事实' } });
    const first = await register(body, tokens.clerk, key);
    expect(first.status, first.text).toBe(201);
    const again = await register(body, tokens.clerk, key);
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(first.body.id);
    expect(again.body.queryCode).toBe(first.body.queryCode);
  });

  it('makes one event of a link retried after its first attempt committed (the answer lost)', async () => {
    const q = person(802);
    const created = await register(caseBody({ petitioners: [q] }));
    const cases = new CaseRepository(h.deps.db, h.tables.cases);
    const counters = new CounterRepository(h.deps.db, h.tables.cases);
    const record = await cases.get('town-a', created.body.id);
    const principal = { kind: 'staff', userId: 'clerk-1', town: 'town-a', roles: ['clerk'] } as const;
    const matter = { channel: 'visit', title: '再次来访' } as const;
    const ctx = { now: NOW, seed: 'town-a\nclerk-1\n/v1/cases\nretry-1' };
    const deps = { cases, counters, mac: h.deps.mac };
    const first = await linkRepeat(deps, principal, record!, matter, ctx);
    // the retry read the case before the first attempt committed
    const retry = await linkRepeat(deps, principal, record!, matter, ctx);
    assert(first.kind === 'linked' && retry.kind === 'linked');
    expect(retry.linked).toEqual(first.linked);
    expect((await timeline(created.body.id)).items.map((e) => e.action)).toEqual([
      'register',
      'repeat-received',
    ]);
  });
});
