import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseBody, createHarness, type Harness, validIdNumber } from '../support/harness.js';

/**
 * The report's own accounts: key cases (重点信访矛盾) marked and unmarked by leaders and the petition office, listed
 * from their own index partition and counted; the backlog ledger (积案) of cases carried from before the system; and
 * the resolution rates of petitions and disputes apart, checked against a recount of the cases the test made.
 */

const NOW = new Date('2026-11-28T02:00:00Z');

let h: Harness;
const tokens = { clerk: '', worker: '', handler: '', supervisor: '', leader: '', admin: '' };
let gridA = '';
let seq = 0;

beforeAll(async () => {
  h = await createHarness({ now: NOW });
  tokens.clerk = await h.token('clerk', 'clerk-1');
  tokens.leader = await h.token('leader', 'leader-1');
  tokens.supervisor = await h.token('supervisor', 'sup-1');
  tokens.handler = await h.token('handler', 'handler-1');
  tokens.worker = await h.token('grid_worker', 'worker-a');
  tokens.admin = await h.token('admin', 'admin-1');
  const created = await h.request('POST', '/v1/grids', {
    token: tokens.admin,
    body: { name: '东村网格', level: 'comprehensive' },
  });
  gridA = created.body.id;
  await h.request('PUT', `/v1/grids/${gridA}/workers/worker-a`, { token: tokens.admin });
});
afterAll(() => h.close());

const register = async (overrides: Record<string, unknown> = {}, token = tokens.clerk, town?: string) => {
  seq += 1;
  const response = await h.request('POST', '/v1/cases', {
    token,
    body: caseBody({ title: `事项${seq}`, ...overrides }),
  });
  expect(response.status, `${town ?? ''} ${response.text}`).toBe(201);
  return response.body as { id: string; version: number; number: string };
};

const command = (
  id: string,
  name: string,
  body: unknown,
  version: number | undefined,
  token = tokens.leader,
  headers: Record<string, string> = {},
) =>
  h.request('POST', `/v1/cases/${id}/${name}`, {
    token,
    body,
    headers: { ...(version === undefined ? {} : { 'if-match': `"${version}"` }), ...headers },
  });

const list = async (query: string, token = tokens.clerk) => {
  const response = await h.request('GET', `/v1/cases?${query}`, { token });
  expect(response.status, response.text).toBe(200);
  return (response.body.items as { id: string }[]).map((c) => c.id);
};

const metrics = async (from: string, to: string, token = tokens.leader) => {
  const response = await h.request('GET', `/v1/metrics?from=${from}&to=${to}`, { token });
  expect(response.status, response.text).toBe(200);
  return response.body;
};

describe('key cases (重点信访矛盾)', () => {
  let keyCase: { id: string; version: number };
  let inGrid: { id: string; version: number };
  let plain: string;

  beforeAll(async () => {
    keyCase = await register();
    inGrid = await register({ gridId: gridA });
    plain = (await register()).id;
  });

  it('are marked by a leader with a reason: the status stays, the version moves, the timeline says why', async () => {
    const marked = await command(keyCase.id, 'mark-key', { reason: '涉及多名农民工，社会关注' }, 1);
    expect(marked.status, marked.text).toBe(200);
    expect(marked.body).toMatchObject({
      status: 'registered',
      version: 2,
      key: { since: NOW.toISOString(), by: 'leader-1', reason: '涉及多名农民工，社会关注' },
    });
    expect(marked.headers.get('etag')).toBe('"2"');
    const events = await h.request('GET', `/v1/cases/${keyCase.id}/timeline?verify=true`, {
      token: tokens.clerk,
    });
    expect(events.body.valid).toBe(true);
    expect(events.body.items.at(-1)).toMatchObject({
      action: 'mark-key',
      actor: { id: 'leader-1', role: 'leader' },
      fromStatus: 'registered',
      toStatus: 'registered',
      note: '涉及多名农民工，社会关注',
    });
    const byPetitionOffice = await command(
      inGrid.id,
      'mark-key',
      { reason: '村级矛盾易激化' },
      1,
      tokens.supervisor,
    );
    expect(byPetitionOffice.status, byPetitionOffice.text).toBe(200);
    inGrid = { id: inGrid.id, version: 2 };
    keyCase = { id: keyCase.id, version: 2 };
  });

  it('refuse a second mark (409 already-key, in both languages)', async () => {
    const again = await command(keyCase.id, 'mark-key', { reason: '再次标记' }, 2);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ type: '/problems/already-key', title: '该案件已是重点信访矛盾' });
    const english = await command(keyCase.id, 'mark-key', { reason: 'again' }, 2, tokens.leader, {
      'accept-language': 'en',
    });
    expect(english.body.title).toBe('The case is already a key case');
    const notKey = await command(plain, 'unmark-key', { reason: '误标' }, 1, tokens.supervisor);
    expect(notKey.status).toBe(409);
    expect(notKey.body.type).toBe('/problems/not-key');
  });

  it('are no clerk’s to mark (403), invisible to a worker outside the grid (404); bad bodies are 400', async () => {
    expect((await command(plain, 'mark-key', { reason: '重点' }, 1, tokens.clerk)).status).toBe(403);
    expect((await command(plain, 'mark-key', { reason: '重点' }, 1, tokens.worker)).status).toBe(404);
    const noReason = await command(plain, 'mark-key', {}, 1);
    expect(noReason.status).toBe(400);
    expect(noReason.body.errors.map((e: { path: string }) => e.path)).toEqual(['reason']);
    const extra = await command(plain, 'mark-key', { reason: '重点', key: true }, 1);
    expect(extra.status).toBe(400);
    expect(extra.body.errors.map((e: { path: string }) => e.path)).toEqual(['key']);
    expect((await command(plain, 'mark-key', { reason: '重点' }, undefined)).status).toBe(428);
    expect((await command(plain, 'mark-key', { reason: '重点' }, 9)).status).toBe(412);
  });

  it('are listed with key=true from their own partition, in the caller’s scope; key=false leaves them out', async () => {
    expect((await list('key=true')).sort()).toEqual([keyCase.id, inGrid.id].sort());
    const others = await list('key=false&limit=100');
    expect(others).toContain(plain);
    expect(others).not.toContain(keyCase.id);
    expect(await list('key=true&status=accepted')).toEqual([]);
    expect(await list(`key=true&gridId=${gridA}`)).toEqual([inGrid.id]);
    // a grid worker sees the key cases of their grid only
    expect(await list('key=true', tokens.worker)).toEqual([inGrid.id]);
    const bad = await h.request('GET', '/v1/cases?key=yes', { token: tokens.clerk });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path)).toEqual(['key']);
  });

  it('are unmarked with a reason and leave the list', async () => {
    const unmarked = await command(inGrid.id, 'unmark-key', { reason: '已就地化解' }, 2, tokens.supervisor);
    expect(unmarked.status, unmarked.text).toBe(200);
    expect(unmarked.body).not.toHaveProperty('key');
    expect(unmarked.body.version).toBe(3);
    expect(await list('key=true')).toEqual([keyCase.id]);
  });

  it('are counted: marks given and taken back', async () => {
    const day = await metrics('2026-11-28', '2026-11-28');
    expect(day.totals).toMatchObject({ keyMarked: 2, keyUnmarked: 1 });
  });
});

describe('the backlog ledger (积案)', () => {
  const history = [
    { date: '2019-03-01', what: '首次来访，反映征地补偿不足', unit: '原某乡信访办' },
    { date: '2021-07-15', what: '镇政府书面答复，维持补偿标准', unit: '镇政府' },
  ];
  const carried = (overrides: Record<string, unknown> = {}) =>
    caseBody({
      category: 'land_requisition',
      receivedAt: '2019-03-01T09:00:00+08:00',
      backlog: { status: 'accepted', track: 'supervised', history },
      ...overrides,
    });
  const enter = async (body: Record<string, unknown>, token = tokens.supervisor) => {
    const response = await h.request('POST', '/v1/cases', { token, body });
    expect(response.status, response.text).toBe(201);
    return response.body;
  };
  const ids: string[] = [];

  it('enters a carried case with its original date, history and status; no late-entry reason is asked', async () => {
    const entered = await enter(carried());
    ids.push(entered.id);
    expect(entered).toMatchObject({
      status: 'accepted',
      track: 'supervised',
      receivedAt: '2019-03-01T01:00:00.000Z',
      acknowledgedAt: NOW.toISOString(),
      backlog: { since: '2019-03-01', carriedStatus: 'accepted', history },
      // the reply is owed 60 days from the entry
      deadlines: { replyBy: '2027-01-27T16:00:00.000Z' },
    });
    expect(entered.number).toMatch(/^XF-20261128-/);
    const events = await h.request('GET', `/v1/cases/${entered.id}/timeline`, { token: tokens.clerk });
    expect(events.body.items).toEqual([
      expect.objectContaining({
        action: 'register',
        toStatus: 'accepted',
        note: expect.stringMatching(/积案录入/),
      }),
    ]);
    const registered = await enter(carried({ backlog: { status: 'registered', history: [history[0]] } }));
    ids.push(registered.id);
    expect(registered.status).toBe('registered');
    expect(registered.deadlines.acknowledgeBy).toBe('2026-12-13T16:00:00.000Z');
  });

  it('is the petition office’s: a clerk or a leader is refused (403)', async () => {
    for (const token of [tokens.clerk, tokens.leader]) {
      const response = await h.request('POST', '/v1/cases', { token, body: carried() });
      expect(response.status, response.text).toBe(403);
    }
  });

  it('refuses a carried case without the day it came, a track, or with history out of its time (400 naming each)', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [carried({ receivedAt: undefined }), 'receivedAt'],
      [carried({ backlog: { status: 'accepted', history } }), 'backlog.track'],
      [carried({ backlog: { status: 'registered', history: [] } }), 'backlog.history'],
      [
        carried({
          backlog: { status: 'registered', history: [{ date: '2027-01-01', what: '未来', unit: '镇' }] },
        }),
        'backlog.history.0.date',
      ],
      [
        carried({
          backlog: { status: 'registered', history: [{ date: '2018-12-31', what: '更早', unit: '镇' }] },
        }),
        'backlog.history.0.date',
      ],
      [carried({ backlog: { status: 'closed', history } }), 'backlog.status'],
      [carried({ backlog: { status: 'registered', history, since: '2019-03-01' } }), 'backlog.since'],
    ];
    for (const [body, path] of cases) {
      const response = await h.request('POST', '/v1/cases', { token: tokens.supervisor, body });
      expect(response.status, `${path}: ${response.text}`).toBe(400);
      expect(response.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    }
  });

  it('lists the carried cases with backlog=true, and keeps them out of the day’s registrations', async () => {
    expect((await list('backlog=true')).sort()).toEqual([...ids].sort());
    expect(await list('backlog=false&limit=100')).not.toContain(ids[0]);
    const day = await metrics('2026-11-28', '2026-11-28');
    // the three cases of the key-case tests; the carried ones are no new intake
    expect(day.totals.registered).toBe(3);
    expect(day.backlog).toEqual({
      openAtStart: 0,
      entered: 2,
      resolved: 0,
      otherwiseConcluded: 0,
      remaining: 2,
    });
  });

  it('counts the year: open when it began, resolved in it, remaining (the yearly summary)', async () => {
    // 2027: the accepted carried case is assigned, answered, rated and closed; the other stays open
    h.setNow('2027-01-05T02:00:00Z');
    const [accepted, registered] = ids as [string, string];
    expect(
      (await command(accepted, 'assign', { assigneeId: 'handler-1' }, 1, tokens.supervisor)).status,
    ).toBe(200);
    const replied = await command(
      accepted,
      'reply',
      { outcome: 'resolved', opinion: '补足补偿款' },
      2,
      tokens.handler,
    );
    expect(replied.status, replied.text).toBe(200);
    expect((await command(accepted, 'rate', { rating: 'satisfied' }, 3, tokens.clerk)).status).toBe(200);
    expect((await command(accepted, 'close', {}, 4, tokens.clerk)).status).toBe(200);
    // a case entered during 2027
    h.setNow('2027-02-01T02:00:00Z');
    ids.push((await enter(carried())).id);

    const year2026 = await metrics('2026-01-01', '2026-12-31');
    expect(year2026.backlog).toEqual({
      openAtStart: 0,
      entered: 2,
      resolved: 0,
      otherwiseConcluded: 0,
      remaining: 2,
    });
    const year2027 = await metrics('2027-01-01', '2027-12-31');
    expect(year2027.backlog).toEqual({
      openAtStart: 2,
      entered: 1,
      resolved: 1,
      otherwiseConcluded: 0,
      remaining: 2,
    });
    expect(registered).toBeDefined();
    h.setNow(NOW);
  });
});

describe('resolution rates of petitions and disputes, against a recount', () => {
  it('equal what the cases made in the test say', async () => {
    const town = 'town-r';
    const clerk = await h.token('clerk', 'clerk-r', town);
    const leader = await h.token('leader', 'leader-r', town);
    const handler = await h.token('handler', 'handler-r', town);
    h.setNow('2026-12-02T02:00:00Z');
    const plan: { kind: 'petition' | 'dispute'; outcome?: string; key?: boolean }[] = [
      { kind: 'petition', outcome: 'resolved' },
      { kind: 'petition', outcome: 'not_resolved', key: true },
      { kind: 'petition', outcome: 'partially_resolved' },
      { kind: 'petition' },
      { kind: 'dispute', outcome: 'resolved', key: true },
      { kind: 'dispute', outcome: 'resolved' },
      { kind: 'dispute', outcome: 'referred' },
      { kind: 'dispute', key: true },
    ];
    for (const [i, step] of plan.entries()) {
      const created = await h.request('POST', '/v1/cases', {
        token: clerk,
        body: caseBody({
          kind: step.kind,
          title: `核对${i}`,
          petitioners: [{ name: `甲${i}`, idNumber: validIdNumber(900 + i) }],
        }),
      });
      expect(created.status, created.text).toBe(201);
      const id = created.body.id as string;
      let version = 1;
      const next = async (name: string, body: unknown, token: string) => {
        const response = await command(id, name, body, version, token);
        expect(response.status, `${name}: ${response.text}`).toBe(200);
        version = response.body.version;
      };
      await next('accept', { track: 'immediate', assigneeId: 'handler-r' }, clerk);
      if (step.key) await next('mark-key', { reason: '重点' }, leader);
      if (step.outcome) await next('reply', { outcome: step.outcome, opinion: '答复意见' }, handler);
    }

    const listed = await h.request('GET', '/v1/cases?limit=100', { token: clerk });
    const cases = listed.body.items as { kind: string; key?: unknown; reply?: { outcome: string } }[];
    expect(cases).toHaveLength(plan.length);
    const count = (test: (c: (typeof cases)[number]) => boolean) => cases.filter(test).length;
    const recount = {
      petitionsReplied: count((c) => c.kind === 'petition' && c.reply !== undefined),
      petitionsResolved: count((c) => c.kind === 'petition' && c.reply?.outcome === 'resolved'),
      disputesReplied: count((c) => c.kind === 'dispute' && c.reply !== undefined),
      disputesResolved: count((c) => c.kind === 'dispute' && c.reply?.outcome === 'resolved'),
      keyMarked: count((c) => c.key !== undefined),
      keyReplied: count((c) => c.key !== undefined && c.reply !== undefined),
      keyResolved: count((c) => c.key !== undefined && c.reply?.outcome === 'resolved'),
      replied: count((c) => c.reply !== undefined),
      resolved: count((c) => c.reply?.outcome === 'resolved'),
    };
    const body = await metrics('2026-12-01', '2026-12-31', leader);
    expect(body.totals).toMatchObject(recount);
    const rate = (n: number, d: number) => ({ numerator: n, denominator: d, rate: d === 0 ? null : n / d });
    expect(body.indicators.petitionResolution).toEqual(
      rate(recount.petitionsResolved, recount.petitionsReplied),
    );
    expect(body.indicators.disputeResolution).toEqual(
      rate(recount.disputesResolved, recount.disputesReplied),
    );
    expect(body.indicators.keyResolution).toEqual(rate(recount.keyResolved, recount.keyReplied));
    expect(body.indicators.disputeResolution).toEqual({ numerator: 2, denominator: 3, rate: 2 / 3 });
    h.setNow(NOW);
  });

  it('show in the bulletins, with the Chinese names on the printed page and both names in the catalogue', async () => {
    const monthly = await h.request('GET', '/v1/reports/monthly/2026-11', { token: tokens.leader });
    expect(monthly.status).toBe(200);
    expect(monthly.body.indicators).toHaveProperty('disputeResolution');
    const page = await h.request('GET', '/v1/reports/monthly/2026-11', {
      token: tokens.leader,
      headers: { accept: 'text/html' },
    });
    expect(page.text).toContain('矛盾化解率');
    expect(page.text).toContain('信访事项化解率');
    const catalog = await h.request('GET', '/v1/catalog', { token: tokens.clerk });
    expect(catalog.body.indicators).toContainEqual({
      code: 'disputeResolution',
      zh: '矛盾化解率',
      en: 'Dispute resolution rate',
    });
    expect(catalog.body.backlogLedger.map((e: { code: string }) => e.code)).toEqual([
      'openAtStart',
      'entered',
      'resolved',
      'otherwiseConcluded',
      'remaining',
    ]);
  });
});
