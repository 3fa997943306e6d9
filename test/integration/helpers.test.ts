import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseBody, createHarness, type Harness } from '../support/harness.js';

/**
 * The directory of helpers who are not staff (三官一律, counsellors, veterans, volunteers, village mediators): kept by
 * the petition office and the administrator, read by staff, put on a case's team (包案) by reference, their phone
 * masked everywhere but a logged reveal.
 */

const TOWN = 'town-h';
let h: Harness;
let admin: string;
let supervisor: string;
let leader: string;
let clerk: string;
let handler: string;
let citizen: string;

const lawyer = (overrides: Record<string, unknown> = {}) => ({
  name: '周律师',
  kind: 'lawyer',
  unit: '枫桥律师事务所',
  phone: '13811112222',
  ...overrides,
});

async function addHelper(body: Record<string, unknown> = lawyer(), token = admin) {
  const response = await h.request('POST', '/v1/helpers', { token, body });
  expect(response.status, response.text).toBe(201);
  return response.body as { id: string; version: number; name: string; kind: string; unit: string };
}

/** An accepted case that a leader may own. */
async function acceptedCase(): Promise<{ id: string; version: number }> {
  const created = await h.request('POST', '/v1/cases', { token: clerk, body: caseBody() });
  expect(created.status, created.text).toBe(201);
  const accepted = await h.request('POST', `/v1/cases/${created.body.id}/accept`, {
    token: clerk,
    body: { track: 'supervised', assigneeId: 'handler-1' },
    headers: { 'if-match': '"1"' },
  });
  expect(accepted.status, accepted.text).toBe(200);
  return { id: created.body.id, version: accepted.body.version };
}

const own = (
  id: string,
  version: number,
  extra: Record<string, unknown>,
  opts: { token?: string; headers?: Record<string, string> } = {},
) =>
  h.request('POST', `/v1/cases/${id}/own`, {
    token: opts.token ?? leader,
    body: {
      leaderId: 'leader-1',
      team: ['handler-1'],
      plan: { tasks: ['查明欠薪'], responsibilities: ['劳动保障所'], measures: ['法律释明'] },
      ...extra,
    },
    headers: { 'if-match': `"${version}"`, ...opts.headers },
  });

beforeAll(async () => {
  h = await createHarness({ now: new Date('2026-11-28T02:00:00Z') });
  [admin, supervisor, leader, clerk, handler, citizen] = await Promise.all([
    h.token('admin', 'admin-1', TOWN),
    h.token('supervisor', 'supervisor-1', TOWN),
    h.token('leader', 'leader-1', TOWN),
    h.token('clerk', 'clerk-1', TOWN),
    h.token('handler', 'handler-1', TOWN),
    h.token('petitioner', 'citizen-1', TOWN),
  ]);
});
afterAll(() => h.close());

describe('POST /v1/helpers', () => {
  it('adds an active helper, the phone masked, with Location and ETag', async () => {
    const response = await h.request('POST', '/v1/helpers', { token: supervisor, body: lawyer() });
    expect(response.status, response.text).toBe(201);
    expect(response.body).toMatchObject({
      name: '周律师',
      kind: 'lawyer',
      unit: '枫桥律师事务所',
      phone: '138****2222',
      active: true,
      version: 1,
    });
    expect(response.body.id).toMatch(/^h_/);
    expect(response.body).not.toHaveProperty('town');
    expect(response.body).not.toHaveProperty('personal');
    expect(response.headers.get('location')).toBe(`/v1/helpers/${response.body.id}`);
    expect(response.headers.get('etag')).toBe('"1"');
    const read = await h.request('GET', `/v1/helpers/${response.body.id}`, { token: handler });
    expect(read.status).toBe(200);
    expect(read.body).toEqual(response.body);
    expect(read.headers.get('etag')).toBe('"1"');
  });

  it('keeps a grid of the town', async () => {
    const grid = await h.request('POST', '/v1/grids', {
      token: admin,
      body: { name: '东村网格', level: 'comprehensive' },
    });
    expect(grid.status).toBe(201);
    const helper = await addHelper(
      lawyer({ kind: 'village_mediator', name: '陈乡贤', gridId: grid.body.id }),
    );
    expect(helper).toMatchObject({ kind: 'village_mediator', gridId: grid.body.id });
  });

  it('refuses every role but admin and supervisor (403), citizens included', async () => {
    for (const token of [leader, clerk, handler, citizen, await h.token('grid_worker', 'worker-1', TOWN)]) {
      const response = await h.request('POST', '/v1/helpers', { token, body: lawyer() });
      expect(response.status).toBe(403);
      expect(response.body.type).toBe('/problems/forbidden');
    }
  });

  it('names every bad field (400), server-owned fields included, in Chinese or English', async () => {
    const response = await h.request('POST', '/v1/helpers', {
      token: admin,
      body: { name: '', kind: 'priest', unit: '法院', phone: '12345', active: false, id: 'h_mine' },
    });
    expect(response.status).toBe(400);
    expect(response.body.type).toBe('/problems/validation');
    expect(response.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'active',
      'id',
      'kind',
      'name',
      'phone',
    ]);
    expect(response.body.title).toBe('输入有误');
    const missing = await h.request('POST', '/v1/helpers', {
      token: admin,
      body: { name: '王老', kind: 'veteran_cadre' },
      headers: { 'accept-language': 'en' },
    });
    expect(missing.status).toBe(400);
    expect(missing.body.title).toBe('Invalid input');
    expect(missing.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['phone', 'unit']);
  });

  it('refuses a grid that is not the town’s (400 gridId), in both languages', async () => {
    const zh = await h.request('POST', '/v1/helpers', {
      token: admin,
      body: lawyer({ gridId: 'g_missing' }),
    });
    expect(zh.status).toBe(400);
    expect(zh.body.errors).toEqual([{ path: 'gridId', message: '不是本镇的网格' }]);
    const en = await h.request('POST', '/v1/helpers', {
      token: admin,
      body: lawyer({ gridId: 'g_missing' }),
      headers: { 'accept-language': 'en' },
    });
    expect(en.body.errors).toEqual([{ path: 'gridId', message: 'is not a grid of this town' }]);
  });
});

describe('GET /v1/helpers and /v1/helpers/{id}', () => {
  it('lists the town’s helpers newest first, page by page, and by kind', async () => {
    const ids: string[] = [];
    for (const [i, kind] of ['counsellor', 'veteran_party_member', 'counsellor'].entries()) {
      h.setNow(`2026-11-28T03:0${i}:00Z`);
      ids.push((await addHelper(lawyer({ kind, name: `帮办${i}` }))).id);
    }
    h.setNow('2026-11-28T02:00:00Z');
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await h.request('GET', `/v1/helpers?limit=2${cursor ? `&cursor=${cursor}` : ''}`, {
        token: clerk,
      });
      expect(page.status, page.text).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      for (const item of page.body.items) expect(item.phone).toMatch(/^\d{3}\*{4}\d{4}$/);
      seen.push(...page.body.items.map((item: { id: string }) => item.id));
      cursor = page.body.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBeGreaterThan(1);
    expect(new Set(seen).size).toBe(seen.length);
    // the three added last come first, newest first
    expect(seen.slice(0, 3)).toEqual([...ids].reverse());
    const counsellors = await h.request('GET', '/v1/helpers?kind=counsellor', { token: handler });
    expect(counsellors.status).toBe(200);
    expect(counsellors.body.items.map((item: { id: string }) => item.id)).toEqual([ids[2], ids[0]]);
    const paged = await h.request('GET', '/v1/helpers?kind=counsellor&limit=1', { token: handler });
    expect(paged.body.items.map((item: { id: string }) => item.id)).toEqual([ids[2]]);
    const rest = await h.request(
      'GET',
      `/v1/helpers?kind=counsellor&limit=1&cursor=${paged.body.nextCursor}`,
      {
        token: handler,
      },
    );
    expect(rest.body.items.map((item: { id: string }) => item.id)).toEqual([ids[0]]);
  });

  it('refuses a bad kind, limit or forged cursor (400), and a cursor of another list', async () => {
    for (const query of [
      'kind=priest',
      'limit=0',
      'limit=101',
      'colour=red',
      `cursor=${Buffer.from('{"pk":"T#town-x#HELPERS","sk":"HELPER#h_1"}').toString('base64url')}`,
      'cursor=not-json',
    ]) {
      const response = await h.request('GET', `/v1/helpers?${query}`, { token: clerk });
      expect(response.status, query).toBe(400);
      expect(response.body.type).toBe('/problems/validation');
    }
    const page = await h.request('GET', '/v1/helpers?limit=1', { token: clerk });
    expect(page.body.nextCursor).toBeDefined();
    const crossed = await h.request('GET', `/v1/helpers?kind=lawyer&cursor=${page.body.nextCursor}`, {
      token: clerk,
    });
    expect(crossed.status).toBe(400);
    expect(crossed.body.errors).toEqual([{ path: 'cursor', message: '不是本列表给出的翻页参数' }]);
  });

  it('answers a citizen 403, an unknown helper or another town’s 404', async () => {
    const helper = await addHelper();
    expect((await h.request('GET', '/v1/helpers', { token: citizen })).status).toBe(403);
    expect((await h.request('GET', `/v1/helpers/${helper.id}`, { token: citizen })).status).toBe(403);
    const unknown = await h.request('GET', '/v1/helpers/h_nobody', { token: clerk });
    expect(unknown.status).toBe(404);
    expect(unknown.body.type).toBe('/problems/not-found');
    const elsewhere = await h.token('admin', 'admin-x', 'town-x');
    expect((await h.request('GET', `/v1/helpers/${helper.id}`, { token: elsewhere })).status).toBe(404);
    const theirs = await h.request('GET', '/v1/helpers', { token: elsewhere });
    expect(theirs.body.items).toEqual([]);
  });
});

describe('PATCH /v1/helpers/{id}', () => {
  it('changes the unit, then deactivates, each with the version it read', async () => {
    const helper = await addHelper();
    const moved = await h.request('PATCH', `/v1/helpers/${helper.id}`, {
      token: admin,
      body: { unit: '诸暨市法律援助中心' },
      headers: { 'if-match': '"1"' },
    });
    expect(moved.status, moved.text).toBe(200);
    expect(moved.body).toMatchObject({ unit: '诸暨市法律援助中心', version: 2, active: true });
    expect(moved.headers.get('etag')).toBe('"2"');
    const off = await h.request('PATCH', `/v1/helpers/${helper.id}`, {
      token: supervisor,
      body: { active: false },
      headers: { 'if-match': '"2"' },
    });
    expect(off.status).toBe(200);
    expect(off.body).toMatchObject({ active: false, version: 3 });
    expect((await h.request('GET', `/v1/helpers/${helper.id}`, { token: clerk })).body.active).toBe(false);
  });

  it('takes a new phone (masked), or none, and drops the grid with null', async () => {
    const grid = await h.request('POST', '/v1/grids', {
      token: admin,
      body: { name: '西村网格', level: 'comprehensive' },
    });
    const helper = await addHelper(lawyer({ gridId: grid.body.id }));
    const renumbered = await h.request('PATCH', `/v1/helpers/${helper.id}`, {
      token: admin,
      body: { phone: '0575-87001234', gridId: null },
      headers: { 'if-match': '"1"' },
    });
    expect(renumbered.status, renumbered.text).toBe(200);
    expect(renumbered.body.phone).toBe('057******1234');
    expect(renumbered.body).not.toHaveProperty('gridId');
    const unlisted = await h.request('PATCH', `/v1/helpers/${helper.id}`, {
      token: admin,
      body: { phone: null },
      headers: { 'if-match': '"2"' },
    });
    expect(unlisted.status).toBe(200);
    expect(unlisted.body).not.toHaveProperty('phone');
  });

  it('answers in the contract’s order: 404, 403, 428, 400, 412', async () => {
    const helper = await addHelper();
    const patch = (
      id: string,
      body: unknown,
      token = admin,
      headers: Record<string, string> = { 'if-match': '"1"' },
    ) => h.request('PATCH', `/v1/helpers/${id}`, { token, body, headers });
    expect((await patch('h_nobody', { unit: '法院' })).status).toBe(404);
    const forbidden = await patch(helper.id, { unit: '法院' }, leader);
    expect(forbidden.status).toBe(403);
    expect((await patch(helper.id, { unit: '法院' }, citizen)).status).toBe(403);
    const noVersion = await patch(helper.id, { unit: '法院' }, admin, {});
    expect(noVersion.status).toBe(428);
    expect(noVersion.body.type).toBe('/problems/precondition-required');
    const bad = await patch(helper.id, { unit: '', kind: 'priest', version: 9, town: 'town-x' }, admin, {
      'if-match': '"7"',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'kind',
      'town',
      'unit',
      'version',
    ]);
    const empty = await patch(helper.id, {}, admin, { 'if-match': '"1"', 'accept-language': 'en' });
    expect(empty.status).toBe(400);
    expect(empty.body.errors).toEqual([{ path: '', message: 'names nothing to change' }]);
    expect((await patch(helper.id, { gridId: 'g_missing' })).body.errors).toEqual([
      { path: 'gridId', message: '不是本镇的网格' },
    ]);
    const stale = await patch(helper.id, { unit: '法院' }, admin, { 'if-match': '"7"' });
    expect(stale.status).toBe(412);
    expect(stale.body.type).toBe('/problems/stale-version');
    // after a change, the version it replaced is stale
    expect((await patch(helper.id, { unit: '法院' })).status).toBe(200);
    expect((await patch(helper.id, { unit: '检察院' })).status).toBe(412);
  });
});

describe('helpers on a team (own)', () => {
  it('names them on the case by name, kind and unit, never their phone; repeats once', async () => {
    const judge = await addHelper(
      lawyer({ name: '郑法官', kind: 'judge', unit: '枫桥人民法庭', phone: '13900001111' }),
    );
    const counsellor = await addHelper(
      lawyer({ name: '何老师', kind: 'counsellor', unit: '镇心理服务站', phone: '13900002222' }),
    );
    const target = await acceptedCase();
    const owned = await own(target.id, target.version, { helpers: [judge.id, counsellor.id, judge.id] });
    expect(owned.status, owned.text).toBe(200);
    expect(owned.body.helpers).toEqual([
      { id: judge.id, name: '郑法官', kind: 'judge', unit: '枫桥人民法庭' },
      { id: counsellor.id, name: '何老师', kind: 'counsellor', unit: '镇心理服务站' },
    ]);
    expect(owned.body.team).toEqual(['handler-1']);
    expect(owned.text).not.toContain('13900001111');
    expect(owned.text).not.toMatch(/139\*{4}1111/);
    const read = await h.request('GET', `/v1/cases/${target.id}`, { token: handler });
    expect(read.body.helpers).toEqual(owned.body.helpers);
    // the team named again without helpers has none
    const again = await own(target.id, owned.body.version, {});
    expect(again.status).toBe(200);
    expect(again.body).not.toHaveProperty('helpers');
  });

  it('refuses an id that names no helper of the town: 400 naming each, in both languages', async () => {
    const helper = await addHelper();
    const elsewhere = await h.request('POST', '/v1/helpers', {
      token: await h.token('admin', 'admin-x', 'town-x'),
      body: lawyer(),
    });
    expect(elsewhere.status).toBe(201);
    const target = await acceptedCase();
    const response = await own(target.id, target.version, {
      helpers: [helper.id, 'h_nobody', elsewhere.body.id],
    });
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([
      { path: 'helpers.1', message: '不是本镇登记的社会调解力量' },
      { path: 'helpers.2', message: '不是本镇登记的社会调解力量' },
    ]);
    const en = await own(
      target.id,
      target.version,
      { helpers: ['h_nobody'] },
      { headers: { 'accept-language': 'en' } },
    );
    expect(en.body.errors).toEqual([{ path: 'helpers.0', message: 'is not a helper of this town' }]);
    const shape = await own(target.id, target.version, { helpers: [''] });
    expect(shape.status).toBe(400);
    expect(shape.body.errors.map((e: { path: string }) => e.path)).toEqual(['helpers.0']);
    const tooMany = await own(target.id, target.version, {
      helpers: Array.from({ length: 21 }, () => helper.id),
    });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.errors.map((e: { path: string }) => e.path)).toEqual(['helpers']);
    // nothing changed
    const read = await h.request('GET', `/v1/cases/${target.id}`, { token: clerk });
    expect(read.body.version).toBe(target.version);
  });

  it('refuses an inactive helper: 409 helper-inactive naming the field, after a stale version’s 412', async () => {
    const active = await addHelper();
    const retired = await addHelper(lawyer({ name: '钱老', kind: 'veteran_cadre', unit: '镇老干部协会' }));
    const off = await h.request('PATCH', `/v1/helpers/${retired.id}`, {
      token: admin,
      body: { active: false },
      headers: { 'if-match': '"1"' },
    });
    expect(off.status).toBe(200);
    const target = await acceptedCase();
    const stale = await own(target.id, target.version + 5, { helpers: [active.id, retired.id] });
    expect(stale.status).toBe(412);
    const refused = await own(target.id, target.version, { helpers: [active.id, retired.id] });
    expect(refused.status).toBe(409);
    expect(refused.body.type).toBe('/problems/helper-inactive');
    expect(refused.body.title).toBe('社会调解力量已停用');
    expect(refused.body.detail).toBe(`社会调解力量 ${retired.id} 已停用，不能加入包案团队`);
    expect(refused.body.errors).toEqual([{ path: 'helpers.1', message: '该社会调解力量已停用' }]);
    const en = await own(
      target.id,
      target.version,
      { helpers: [retired.id] },
      { headers: { 'accept-language': 'en' } },
    );
    expect(en.status).toBe(409);
    expect(en.body.title).toBe('Helper inactive');
    expect(en.body.detail).toBe(`Helper ${retired.id} is inactive and cannot join a team`);
    expect(en.body.errors).toEqual([{ path: 'helpers.0', message: 'the helper is inactive' }]);
    // the roles of own still come first
    const byClerk = await own(target.id, target.version, { helpers: [retired.id] }, { token: clerk });
    expect(byClerk.status).toBe(403);
  });

  it('keeps a helper deactivated later on the cases they were on', async () => {
    const helper = await addHelper(lawyer({ name: '孙民警', kind: 'police_officer', unit: '枫桥派出所' }));
    const target = await acceptedCase();
    const owned = await own(target.id, target.version, { helpers: [helper.id] });
    expect(owned.status).toBe(200);
    await h.request('PATCH', `/v1/helpers/${helper.id}`, {
      token: admin,
      body: { active: false },
      headers: { 'if-match': '"1"' },
    });
    const read = await h.request('GET', `/v1/cases/${target.id}`, { token: clerk });
    expect(read.body.helpers).toEqual([
      { id: helper.id, name: '孙民警', kind: 'police_officer', unit: '枫桥派出所' },
    ]);
  });
});

describe('POST /v1/helpers/{id}/reveal', () => {
  it('shows the clear phone to a leader with a purpose, and logs it', async () => {
    const helper = await addHelper(lawyer({ phone: '13822223333' }));
    const revealed = await h.request('POST', `/v1/helpers/${helper.id}/reveal`, {
      token: leader,
      body: { purpose: '包案前电话联系律师' },
    });
    expect(revealed.status, revealed.text).toBe(200);
    expect(revealed.body).toEqual({ id: helper.id, name: '周律师', phone: '13822223333' });
    expect(revealed.headers.get('cache-control')).toBe('no-store');
    const audit = await h.request('GET', '/v1/audit/reveals?from=2026-11-28&to=2026-11-28', {
      token: supervisor,
    });
    expect(audit.status).toBe(200);
    const entry = audit.body.items.find((e: { helperId?: string }) => e.helperId === helper.id);
    expect(entry).toEqual({
      at: '2026-11-28T02:00:00.000Z',
      helperId: helper.id,
      actor: { id: 'leader-1', role: 'leader' },
      fields: ['phone'],
      purpose: '包案前电话联系律师',
    });
    expect(audit.text).not.toContain('13822223333');
  });

  it('refuses other roles (403), an unknown helper (404), a key or a bad purpose (400)', async () => {
    const helper = await addHelper();
    const reveal = (id: string, token: string, body: unknown = { purpose: '联系调解员到场' }, headers = {}) =>
      h.request('POST', `/v1/helpers/${id}/reveal`, { token, body, headers });
    for (const token of [clerk, handler, citizen]) expect((await reveal(helper.id, token)).status).toBe(403);
    expect((await reveal('h_nobody', leader)).status).toBe(404);
    const keyed = await reveal(
      helper.id,
      leader,
      { purpose: '联系调解员到场' },
      { 'idempotency-key': 'k-1' },
    );
    expect(keyed.status).toBe(400);
    expect(keyed.body.errors).toEqual([{ path: 'Idempotency-Key', message: '此请求不接受该请求头' }]);
    const short = await reveal(helper.id, admin, { purpose: '看' });
    expect(short.status).toBe(400);
    expect(short.body.errors.map((e: { path: string }) => e.path)).toEqual(['purpose']);
  });

  it('reveals no phone once it was removed', async () => {
    const helper = await addHelper();
    await h.request('PATCH', `/v1/helpers/${helper.id}`, {
      token: admin,
      body: { phone: null },
      headers: { 'if-match': '"1"' },
    });
    const revealed = await h.request('POST', `/v1/helpers/${helper.id}/reveal`, {
      token: supervisor,
      body: { purpose: '核对联系方式' },
    });
    expect(revealed.status).toBe(200);
    expect(revealed.body).toEqual({ id: helper.id, name: '周律师' });
  });
});
