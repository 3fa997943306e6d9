import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  caseBody,
  createHarness,
  type Harness,
  type TestResponse,
  validIdNumber,
} from '../support/harness.js';

let h: Harness;
let seq = 700;
const tokens: Record<string, string> = {};
beforeAll(async () => {
  h = await createHarness({ now: new Date('2026-11-28T02:00:00Z') });
  for (const [name, roles, sub, town] of [
    ['clerk', 'clerk', 'clerk-1', 'town-a'],
    ['supervisor', 'supervisor', 'sup-1', 'town-a'],
    ['leader', 'leader', 'leader-1', 'town-a'],
    ['leader2', 'leader', 'leader-2', 'town-a'],
    ['handler', 'handler', 'handler-1', 'town-a'],
    ['handler2', 'handler', 'handler-2', 'town-a'],
    ['teamMember', 'handler', 'handler-7', 'town-a'],
    ['admin', 'admin', 'admin-1', 'town-a'],
    ['petitioner', 'petitioner', 'citizen-1', 'town-a'],
    ['otherTownClerk', 'clerk', 'clerk-b', 'town-b'],
  ] as const)
    tokens[name] = await h.token(roles, sub, town);
});
afterAll(() => h.close());

const freshPetitioner = () => [{ name: '李四', idNumber: validIdNumber(seq++) }];

async function register(overrides: Record<string, unknown> = {}): Promise<TestResponse> {
  const created = await h.request('POST', '/v1/cases', {
    token: tokens.clerk!,
    body: caseBody({ petitioners: freshPetitioner(), ...overrides }),
  });
  expect(created.status, created.text).toBe(201);
  return created;
}

const cmd = (token: string, id: string, command: string, body: unknown, version: number | string) =>
  h.request('POST', `/v1/cases/${id}/${command}`, {
    token,
    body,
    headers: { 'if-match': typeof version === 'number' ? `"${version}"` : version },
  });

function expectProblem(response: TestResponse, status: number, type: string) {
  expect(response.status, response.text).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(response.body.type).toBe(`/problems/${type}`);
  expect(response.body.status).toBe(status);
}

const timeline = async (id: string) =>
  (await h.request('GET', `/v1/cases/${id}/timeline?verify=true`, { token: tokens.clerk! })).body;

describe('the order of checks on a command (401 → 404 → 403 → 413/415 → 428 → 400 → 412 → 409)', () => {
  let id: string;
  beforeAll(async () => {
    id = (await register()).body.id;
  });

  it('401 without a token', async () => {
    const response = await h.request('POST', `/v1/cases/${id}/accept`, {
      body: { track: 'immediate' },
      headers: { 'if-match': '"1"' },
    });
    expect(response.status).toBe(401);
  });

  it('404 for a case that does not exist', async () => {
    expectProblem(
      await cmd(tokens.clerk!, 'no-such-case', 'accept', { track: 'immediate' }, 1),
      404,
      'not-found',
    );
  });

  it('404 for another town’s case, even for a clerk who could accept it in their own town', async () => {
    expectProblem(
      await cmd(tokens.otherTownClerk!, id, 'accept', { track: 'immediate' }, 1),
      404,
      'not-found',
    );
  });

  it('404 for a handler the case is not assigned to, and for a petitioner it does not belong to', async () => {
    expectProblem(
      await cmd(tokens.handler!, id, 'reply', { outcome: 'resolved', opinion: 'x' }, 1),
      404,
      'not-found',
    );
    expectProblem(await cmd(tokens.petitioner!, id, 'withdraw', { reason: 'x' }, 1), 404, 'not-found');
  });

  it('404 for an unknown command, on a visible case and on an invisible one', async () => {
    expectProblem(await cmd(tokens.clerk!, id, 'frobnicate', {}, 1), 404, 'not-found');
    expectProblem(await cmd(tokens.clerk!, id, 'toString', {}, 1), 404, 'not-found');
    expectProblem(await cmd(tokens.handler!, id, 'frobnicate', {}, 1), 404, 'not-found');
  });

  it('403 for a role that sees the case but may not give the command (a leader accepting)', async () => {
    expectProblem(await cmd(tokens.leader!, id, 'accept', { track: 'immediate' }, 1), 403, 'forbidden');
    // 403 comes before the body and the If-Match are looked at
    const early = await h.request('POST', `/v1/cases/${id}/accept`, {
      token: tokens.leader!,
      rawBody: 'not json',
      headers: { 'content-type': 'text/plain' },
    });
    expectProblem(early, 403, 'forbidden');
  });

  it('413 for a body over 64 KB, before the If-Match is looked at', async () => {
    const response = await h.request('POST', `/v1/cases/${id}/accept`, {
      token: tokens.clerk!,
      body: { track: 'immediate', note: 'a'.repeat(70 * 1024) },
    });
    expectProblem(response, 413, 'payload-too-large');
  });

  it('415 for a body that is not JSON, before the If-Match is looked at', async () => {
    const response = await h.request('POST', `/v1/cases/${id}/accept`, {
      token: tokens.clerk!,
      rawBody: JSON.stringify({ track: 'immediate' }),
      headers: { 'content-type': 'text/plain' },
    });
    expectProblem(response, 415, 'unsupported-media-type');
  });

  it('428 precondition-required without If-Match, even with an invalid body', async () => {
    for (const body of [{ track: 'immediate' }, { track: 'bogus' }]) {
      const response = await h.request('POST', `/v1/cases/${id}/accept`, { token: tokens.clerk!, body });
      expectProblem(response, 428, 'precondition-required');
    }
  });

  it('400 naming the field, before a stale If-Match is looked at', async () => {
    for (const version of [1, 9]) {
      const response = await cmd(tokens.clerk!, id, 'accept', { track: 'bogus' }, version);
      expectProblem(response, 400, 'validation');
      expect(response.body.errors.map((e: { path: string }) => e.path)).toContain('track');
    }
    const missing = await cmd(tokens.clerk!, id, 'decline', {}, 1);
    expectProblem(missing, 400, 'validation');
    expect(missing.body.errors.map((e: { path: string }) => e.path)).toContain('reason');
    // server-owned fields cannot be smuggled in
    const smuggled = await cmd(tokens.clerk!, id, 'accept', { track: 'immediate', status: 'closed' }, 1);
    expectProblem(smuggled, 400, 'validation');
  });

  it('412 stale-version for an old, a future or a malformed If-Match', async () => {
    for (const version of ['"0"', '"2"', '"abc"']) {
      expectProblem(
        await cmd(tokens.clerk!, id, 'accept', { track: 'immediate' }, version),
        412,
        'stale-version',
      );
    }
  });

  it('409 wrong-status for a command the status does not allow; 412 still wins when the version is stale', async () => {
    const accepted = await cmd(tokens.clerk!, id, 'accept', { track: 'immediate' }, 'W/"1"');
    expect(accepted.status, accepted.text).toBe(200);
    expect(accepted.headers.get('etag')).toBe('"2"');
    expectProblem(await cmd(tokens.clerk!, id, 'accept', { track: 'immediate' }, 2), 409, 'wrong-status');
    expectProblem(await cmd(tokens.clerk!, id, 'accept', { track: 'immediate' }, 1), 412, 'stale-version');
    // nothing of the refused commands reached the timeline
    const events = await timeline(id);
    expect(events.items.map((e: { action: string }) => e.action)).toEqual(['register', 'accept']);
    expect(events.valid).toBe(true);
  });
});

describe('notes', () => {
  it('grow the timeline but leave the version (and the ETag) alone', async () => {
    const { id } = (await register()).body;
    await cmd(tokens.clerk!, id, 'accept', { track: 'immediate', assigneeId: 'handler-1' }, 1);
    const before = await h.request('GET', `/v1/cases/${id}`, { token: tokens.clerk! });
    expect(before.headers.get('etag')).toBe('"2"');

    const note = await h.request('POST', `/v1/cases/${id}/notes`, {
      token: tokens.handler!,
      body: { text: '已电话联系' },
    });
    expect(note.status, note.text).toBe(201);
    expect(note.body).toMatchObject({
      seq: 3,
      action: 'note',
      note: '已电话联系',
      actor: { id: 'handler-1' },
    });
    const second = await h.request('POST', `/v1/cases/${id}/notes`, {
      token: tokens.clerk!,
      body: { text: '已约谈' },
    });
    expect(second.body.seq).toBe(4);

    const after = await h.request('GET', `/v1/cases/${id}`, { token: tokens.clerk! });
    expect(after.headers.get('etag')).toBe('"2"');
    expect(after.body.version).toBe(2);
    const events = await timeline(id);
    expect(events.items).toHaveLength(4);
    expect(events.valid).toBe(true);

    // the version the caller holds still works after notes
    const replied = await cmd(tokens.handler!, id, 'reply', { outcome: 'resolved', opinion: '已支付' }, 2);
    expect(replied.status, replied.text).toBe(200);
    expect(replied.body.version).toBe(3);
    expect((await timeline(id)).items.at(-1)).toMatchObject({ seq: 5, action: 'reply' });
  });

  it('are refused to whoever does not see the case (404) and for an empty text (400)', async () => {
    const { id } = (await register()).body;
    const hidden = await h.request('POST', `/v1/cases/${id}/notes`, {
      token: tokens.handler2!,
      body: { text: 'x' },
    });
    expectProblem(hidden, 404, 'not-found');
    const empty = await h.request('POST', `/v1/cases/${id}/notes`, {
      token: tokens.clerk!,
      body: { text: ' ' },
    });
    expectProblem(empty, 400, 'validation');
    expect((await timeline(id)).items).toHaveLength(1);
  });
});

describe('classify', () => {
  it('refuses a repeatOf that is no case of this town (400 naming repeatOf), accepts a real one', async () => {
    const { id } = (await register()).body;
    const earlier = (await register()).body.id;
    const unknown = await cmd(
      tokens.clerk!,
      id,
      'classify',
      { repeatOf: 'no-such-case', reason: '同一事项' },
      1,
    );
    expectProblem(unknown, 400, 'validation');
    expect(unknown.body.errors.map((e: { path: string }) => e.path)).toEqual(['repeatOf']);

    const repeat = await cmd(tokens.clerk!, id, 'classify', { repeatOf: earlier, reason: '同一事项' }, 1);
    expect(repeat.status, repeat.text).toBe(200);
    expect(repeat.body).toMatchObject({
      firstTime: false,
      repeatOf: earlier,
      version: 2,
      status: 'registered',
    });

    const self = await cmd(tokens.supervisor!, id, 'classify', { repeatOf: id, reason: 'x' }, 2);
    expectProblem(self, 409, 'self-reference');

    const back = await cmd(tokens.supervisor!, id, 'classify', { repeatOf: null, reason: '更正' }, 2);
    expect(back.body.firstTime).toBe(true);
    expect(back.body.repeatOf).toBeUndefined();
  });
});

describe('the full review path', () => {
  it('reply → request-review → record-review → request-review → record-review; no third review; close', async () => {
    const { id } = (await register()).body;
    const steps: [string, string, unknown, string][] = [
      ['clerk', 'accept', { track: 'coordinated', assigneeId: 'handler-1' }, 'accepted'],
      ['handler', 'reply', { outcome: 'partially_resolved', opinion: '部分支付' }, 'replied'],
      ['clerk', 'request-review', { reason: '复查：金额不足' }, 'under_review'],
      ['supervisor', 'record-review', { outcome: 'resolved', opinion: '补足差额' }, 'reviewed'],
      ['clerk', 'request-review', { reason: '复核' }, 'under_review'],
      ['supervisor', 'record-review', { outcome: 'resolved', opinion: '维持复查意见' }, 'reviewed'],
    ];
    let version = 1;
    for (const [who, command, body, status] of steps) {
      h.setNow(new Date(Date.parse('2026-11-28T02:00:00Z') + version * 86_400_000));
      const response = await cmd(tokens[who]!, id, command, body, version);
      expect(response.status, `${command}: ${response.text}`).toBe(200);
      version += 1;
      expect(response.body.status).toBe(status);
      expect(response.body.version).toBe(version);
      expect(response.headers.get('etag')).toBe(`"${version}"`);
    }
    const reviewed = await h.request('GET', `/v1/cases/${id}`, { token: tokens.clerk! });
    expect(reviewed.body.reviews).toHaveLength(2);
    expect(reviewed.body.deadlines.reviewRequestBy).toBeUndefined();

    expectProblem(
      await cmd(tokens.clerk!, id, 'request-review', { reason: '再审' }, version),
      409,
      'no-further-review',
    );
    // only the supervisor records a review
    expectProblem(
      await cmd(tokens.clerk!, id, 'record-review', { outcome: 'resolved', opinion: 'x' }, version),
      403,
      'forbidden',
    );

    const closed = await cmd(tokens.clerk!, id, 'close', { note: '复核终结' }, version);
    expect(closed.status, closed.text).toBe(200);
    expect(closed.body.status).toBe('closed');
    expect(closed.body.closedAt).toBeDefined();
    expectProblem(
      await cmd(tokens.clerk!, id, 'request-review', { reason: 'x' }, version + 1),
      409,
      'wrong-status',
    );

    const events = await timeline(id);
    expect(events.valid).toBe(true);
    expect(events.items.map((e: { action: string }) => e.action)).toEqual([
      'register',
      'accept',
      'reply',
      'request-review',
      'record-review',
      'request-review',
      'record-review',
      'close',
    ]);
    expect(events.items.at(-1)).toMatchObject({
      fromStatus: 'reviewed',
      toStatus: 'closed',
      note: '复核终结',
    });
    h.setNow('2026-11-28T02:00:00Z');
  });

  it('closes at once after a "satisfied" rating; not before, while the window is open', async () => {
    const { id } = (await register()).body;
    await cmd(tokens.clerk!, id, 'accept', { track: 'immediate', assigneeId: 'handler-1' }, 1);
    await cmd(tokens.handler!, id, 'reply', { outcome: 'resolved', opinion: '已支付' }, 2);
    expectProblem(await cmd(tokens.clerk!, id, 'close', {}, 3), 409, 'review-window-open');
    const rated = await cmd(tokens.clerk!, id, 'rate', { rating: 'satisfied', comment: '回访满意' }, 3);
    expect(rated.status, rated.text).toBe(200);
    expect(rated.body.rating).toMatchObject({ rating: 'satisfied', comment: '回访满意' });
    expectProblem(await cmd(tokens.clerk!, id, 'rate', { rating: 'dissatisfied' }, 4), 409, 'already-rated');
    const closed = await cmd(tokens.supervisor!, id, 'close', {}, 4);
    expect(closed.status, closed.text).toBe(200);
  });
});

describe('withdraw, decline, transfer', () => {
  it('withdraws from registered and from accepted; nothing follows a withdrawal', async () => {
    const a = (await register()).body.id;
    const withdrawn = await cmd(tokens.clerk!, a, 'withdraw', { reason: '已和解' }, 1);
    expect(withdrawn.status, withdrawn.text).toBe(200);
    expect(withdrawn.body.status).toBe('withdrawn');
    expect(withdrawn.body.withdrawal).toMatchObject({ reason: '已和解' });
    expectProblem(await cmd(tokens.clerk!, a, 'accept', { track: 'immediate' }, 2), 409, 'wrong-status');
    expectProblem(await cmd(tokens.clerk!, a, 'withdraw', { reason: 'x' }, 2), 409, 'wrong-status');

    const b = (await register()).body.id;
    await cmd(tokens.clerk!, b, 'accept', { track: 'immediate' }, 1);
    expect((await cmd(tokens.clerk!, b, 'withdraw', { reason: '不再追究' }, 2)).body.status).toBe(
      'withdrawn',
    );
    // only the petitioner on the case or a clerk may withdraw
    const c = (await register()).body.id;
    expectProblem(await cmd(tokens.supervisor!, c, 'withdraw', { reason: 'x' }, 1), 403, 'forbidden');
  });

  it('declines with a route, acknowledging the case', async () => {
    const { id } = (await register()).body;
    const declined = await cmd(
      tokens.supervisor!,
      id,
      'decline',
      { reason: '属劳动仲裁范围', route: 'arbitration' },
      1,
    );
    expect(declined.status, declined.text).toBe(200);
    expect(declined.body).toMatchObject({
      status: 'declined',
      acknowledgedAt: '2026-11-28T02:00:00.000Z',
      decision: { reason: '属劳动仲裁范围', route: 'arbitration' },
    });
    const invalid = await cmd(
      tokens.clerk!,
      (await register()).body.id,
      'decline',
      { reason: 'x', route: 'court' },
      1,
    );
    expectProblem(invalid, 400, 'validation');
    expect(invalid.body.errors.map((e: { path: string }) => e.path)).toContain('route');
  });

  it('transfers to a unit, acknowledging the case', async () => {
    const { id } = (await register()).body;
    const transferred = await cmd(
      tokens.clerk!,
      id,
      'transfer',
      { toUnit: '县人社局', note: '转劳动监察' },
      1,
    );
    expect(transferred.status, transferred.text).toBe(200);
    expect(transferred.body).toMatchObject({
      status: 'transferred',
      acknowledgedAt: '2026-11-28T02:00:00.000Z',
      decision: { toUnit: '县人社局' },
    });
    expectProblem(await cmd(tokens.clerk!, id, 'accept', { track: 'immediate' }, 2), 409, 'wrong-status');
  });
});

describe('own (领导包案)', () => {
  it('saves owner, team and plan; the owner may then reply, another leader may not', async () => {
    const { id } = (await register()).body;
    await cmd(tokens.clerk!, id, 'accept', { track: 'supervised' }, 1);
    const plan = { tasks: ['核实工资数额'], responsibilities: ['劳动保障所'], measures: ['约谈包工头'] };
    const owned = await cmd(
      tokens.leader!,
      id,
      'own',
      { leaderId: 'leader-1', team: ['handler-7', 'handler-7', 'lawyer-1'], plan },
      2,
    );
    expect(owned.status, owned.text).toBe(200);
    expect(owned.body).toMatchObject({
      owner: 'leader-1',
      team: ['handler-7', 'lawyer-1'],
      plan,
      version: 3,
    });
    const stored = await h.request('GET', `/v1/cases/${id}`, { token: tokens.supervisor! });
    expect(stored.body).toMatchObject({ owner: 'leader-1', team: ['handler-7', 'lawyer-1'], plan });

    // a team member sees the case but is neither assignee nor owner
    expect((await h.request('GET', `/v1/cases/${id}`, { token: tokens.teamMember! })).status).toBe(200);
    expectProblem(
      await cmd(tokens.teamMember!, id, 'reply', { outcome: 'resolved', opinion: 'x' }, 3),
      403,
      'forbidden',
    );
    expectProblem(
      await cmd(tokens.leader2!, id, 'reply', { outcome: 'resolved', opinion: 'x' }, 3),
      403,
      'forbidden',
    );
    const replied = await cmd(tokens.leader!, id, 'reply', { outcome: 'resolved', opinion: '已化解' }, 3);
    expect(replied.status, replied.text).toBe(200);
    expect(replied.body.status).toBe('replied');
  });

  it('is refused to a handler (403) and before acceptance (409)', async () => {
    const { id } = (await register()).body;
    const body = { leaderId: 'leader-1', team: [], plan: { tasks: [], responsibilities: [], measures: [] } };
    expectProblem(await cmd(tokens.leader!, id, 'own', body, 1), 409, 'wrong-status');
    await cmd(tokens.clerk!, id, 'accept', { track: 'supervised', assigneeId: 'handler-1' }, 1);
    expectProblem(await cmd(tokens.handler!, id, 'own', body, 2), 403, 'forbidden');
  });
});

describe('escalate', () => {
  it('takes a village case to town, then county; county → town is refused', async () => {
    const comprehensive = await h.request('POST', '/v1/grids', {
      token: tokens.admin!,
      body: { name: '第一综合网格', level: 'comprehensive' },
    });
    expect(comprehensive.status, comprehensive.text).toBe(201);
    const village = await h.request('POST', '/v1/grids', {
      token: tokens.admin!,
      body: { name: '枫桥村网格', level: 'village', parentId: comprehensive.body.id, village: '枫桥村' },
    });
    expect(village.status, village.text).toBe(201);

    const created = await register({ gridId: village.body.id });
    // the level is shown once decided: the village grid's, at acceptance
    expect(created.body).not.toHaveProperty('level');
    const id = created.body.id;
    const accepted = await cmd(
      tokens.clerk!,
      id,
      'accept',
      { track: 'coordinated', assigneeId: 'handler-1' },
      1,
    );
    expect(accepted.body.level).toBe('village');

    // the assignee escalates to town, the supervisor to county
    const town = await cmd(tokens.handler!, id, 'escalate', { level: 'town', reason: '村级调解不成' }, 2);
    expect(town.status, town.text).toBe(200);
    expect(town.body.level).toBe('town');
    const county = await cmd(
      tokens.supervisor!,
      id,
      'escalate',
      { level: 'county', reason: '涉及县级部门' },
      3,
    );
    expect(county.status, county.text).toBe(200);
    expect(county.body.level).toBe('county');
    expectProblem(
      await cmd(tokens.supervisor!, id, 'escalate', { level: 'town', reason: 'x' }, 4),
      409,
      'not-higher-level',
    );
    expectProblem(
      await cmd(tokens.supervisor!, id, 'escalate', { level: 'county', reason: 'x' }, 4),
      409,
      'not-higher-level',
    );
    // a clerk is neither assignee, owner nor supervisor
    expectProblem(
      await cmd(tokens.clerk!, id, 'escalate', { level: 'county', reason: 'x' }, 4),
      403,
      'forbidden',
    );

    const replied = await cmd(tokens.handler!, id, 'reply', { outcome: 'resolved', opinion: '已化解' }, 4);
    expect(replied.body.reply.level).toBe('county');
  });

  it('refuses to escalate a case taken up at town level to town again', async () => {
    const { id } = (await register()).body;
    const accepted = await cmd(tokens.clerk!, id, 'accept', { track: 'coordinated' }, 1);
    expect(accepted.body.level).toBe('town');
    expectProblem(
      await cmd(tokens.supervisor!, id, 'escalate', { level: 'town', reason: 'x' }, 2),
      409,
      'not-higher-level',
    );
    const invalid = await cmd(tokens.supervisor!, id, 'escalate', { level: 'village', reason: 'x' }, 2);
    expectProblem(invalid, 400, 'validation');
  });
});

describe('repeat detection by blind index', () => {
  // the earlier cases are still open: the registrar opens each second case with a reason (Art 19)
  const secondTrack = { repeatOfOpenCase: { reason: '新的事实，另案办理' } };

  it('marks a second case of the same ID number and category as a repeat of the newest earlier one', async () => {
    const petitioners = [{ name: '张三', idNumber: validIdNumber(801) }];
    const first = await register({ petitioners, category: 'labor_wages' });
    expect(first.body.firstTime).toBe(true);
    expect(first.body.repeatOf).toBeUndefined();

    // the harness clock stands still: move it, so "newest" is decided by time, not by the random case id
    h.setNow('2026-11-28T02:01:00Z');
    const second = await register({ petitioners, category: 'labor_wages', ...secondTrack });
    expect(second.body.firstTime).toBe(false);
    expect(second.body.repeatOf).toBe(first.body.id);

    // the same person again, now among other petitioners
    h.setNow('2026-11-28T02:02:00Z');
    const third = await register({
      petitioners: [{ name: '其他人', idNumber: validIdNumber(802) }, petitioners[0]],
      category: 'labor_wages',
      ...secondTrack,
    });
    h.setNow('2026-11-28T02:00:00Z');
    expect(third.body.firstTime).toBe(false);
    expect(third.body.repeatOf).toBe(second.body.id);
  });

  it('treats the same ID number in another category as first-time', async () => {
    const petitioners = [{ name: '张三', idNumber: validIdNumber(803) }];
    await register({ petitioners, category: 'labor_wages' });
    const other = await register({ petitioners, category: 'neighbor' });
    expect(other.body.firstTime).toBe(true);
    expect(other.body.repeatOf).toBeUndefined();
  });

  it('treats petitioners with no identifiers as first-time, every time', async () => {
    const petitioners = [{ name: '匿名' }];
    const a = await register({ petitioners, category: 'environment' });
    const b = await register({ petitioners, category: 'environment' });
    expect(a.body.firstTime).toBe(true);
    expect(b.body.firstTime).toBe(true);
    expect(b.body.repeatOf).toBeUndefined();
  });

  it('matches by phone when there is no ID number', async () => {
    const petitioners = [{ name: '钱七', phone: '13700001111' }];
    const a = await register({ petitioners, category: 'village_affairs' });
    const b = await register({
      petitioners: [{ name: '钱老七', phone: '13700001111' }],
      category: 'village_affairs',
      ...secondTrack,
    });
    expect(a.body.firstTime).toBe(true);
    expect(b.body.firstTime).toBe(false);
    expect(b.body.repeatOf).toBe(a.body.id);
  });

  it('does not match across towns', async () => {
    const petitioners = [{ name: '孙八', idNumber: validIdNumber(804) }];
    await register({ petitioners, category: 'social_security' });
    const elsewhere = await h.request('POST', '/v1/cases', {
      token: tokens.otherTownClerk!,
      body: caseBody({ petitioners, category: 'social_security' }),
    });
    expect(elsewhere.status, elsewhere.text).toBe(201);
    expect(elsewhere.body.firstTime).toBe(true);
  });
});
