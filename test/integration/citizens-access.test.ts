import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseRepository } from '../../lambdas/adapters/case-repository.js';
import { MinuteLimiter } from '../../lambdas/adapters/minute-limiter.js';
import { newQueryCode } from '../../lambdas/domain/citizen.js';
import { COMMAND_NAMES, type CommandName } from '../../lambdas/domain/lifecycle.js';
import { lookUpQueryCode } from '../../lambdas/usecases/query-code.js';
import {
  caseBody,
  createHarness,
  type Harness,
  type TestResponse,
  validIdNumber,
} from '../support/harness.js';

/**
 * A citizen against what is not theirs: other citizens' cases on every route that takes a case id, query codes of
 * other towns, guessed and enumerated tracking codes, the guessing slow-down, and what an online petition may set.
 */

const START = new Date('2026-11-28T02:00:00Z');
const MINUTE = 60_000;

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ now: START });
});
afterAll(() => h.close());

/** Every test that misses query codes gets a minute of its own: the slow-down counts misses per source and minute. */
let minutes = 0;
const freshMinute = (): Date => {
  minutes += 10;
  const at = new Date(START.getTime() + minutes * MINUTE);
  h.setNow(at);
  return at;
};

const onlineBody = (overrides: Record<string, unknown> = {}) => {
  const { channel: _channel, ...body } = caseBody(overrides);
  return body;
};

const ALICE = {
  name: '欧阳明月',
  idNumber: validIdNumber(457),
  phone: '13987654321',
  address: '青山村十八组7号',
};
const WINDOW_PETITIONER = {
  name: '司马青云',
  idNumber: validIdNumber(458),
  phone: '13711112222',
  address: '白水村三组',
};
const TOWN_B_PETITIONER = {
  name: '诸葛长风',
  idNumber: validIdNumber(459),
  phone: '13655556666',
  address: '乙镇东街1号',
};

interface Target {
  label: string;
  id: string;
  number: string;
  queryCode: string;
  version: number;
  /** What must never appear in an answer to anyone else. */
  secrets: string[];
}

/** A valid body for every command (the type fails to compile when a command is added without one). */
const COMMAND_BODIES = {
  accept: { track: 'immediate' },
  decline: { reason: '不属于受理范围' },
  transfer: { toUnit: '县人社局' },
  return: { reason: '不属本镇职责' },
  triage: { track: 'coordinated' },
  assign: { assigneeId: 'citizen-mallory' },
  own: { leaderId: 'leader-1', team: [], plan: { tasks: [], responsibilities: [], measures: [] } },
  escalate: { level: 'county', reason: '需县级协调' },
  extend: { days: 10, reason: '需要调查' },
  classify: { repeatOf: null, reason: '更正' },
  'mark-key': { reason: '重点矛盾' },
  'unmark-key': { reason: '已化解' },
  reply: { outcome: 'resolved', opinion: '已处理' },
  rate: { rating: 'dissatisfied', comment: '不满意' },
  'request-review': { reason: '不服答复' },
  'record-review': { outcome: 'resolved', opinion: '维持' },
  close: {},
  withdraw: { reason: '不想办了' },
  mediate: {
    committee: 'village',
    mediatorIds: ['clerk-1'],
    parties: { petitioners: [0], respondent: true },
  },
  'extend-mediation': { days: 10, partiesConsent: true, reason: '双方同意' },
  agree: {
    form: 'oral',
    terms: ['赔礼道歉'],
    performance: { how: '当场履行', by: '2099-12-31' },
  },
  'mediation-failed': { reason: '分歧过大', route: 'litigation' },
  callback: { result: 'performed', note: '已履行' },
  'hand-off': { line: 'legal_aid', unit: '县法律援助中心', dueDate: '2099-12-31' },
  'hand-off-result': { handOffId: 'h1', accepted: true, result: '已受理' },
} satisfies Record<CommandName, Record<string, unknown>>;

interface Probe {
  name: string;
  method: 'GET' | 'POST';
  path: (id: string) => string;
  body?: unknown;
  /** Commands carry If-Match. */
  versioned?: boolean;
}

/** Every route that takes a case id, with a body the route would accept from someone allowed to use it. */
const PROBES: Probe[] = [
  { name: 'GET /v1/me/cases/{id}', method: 'GET', path: (id) => `/v1/me/cases/${id}` },
  { name: 'GET /v1/cases/{id}', method: 'GET', path: (id) => `/v1/cases/${id}` },
  { name: 'GET timeline', method: 'GET', path: (id) => `/v1/cases/${id}/timeline` },
  { name: 'GET timeline?verify', method: 'GET', path: (id) => `/v1/cases/${id}/timeline?verify=true` },
  { name: 'POST notes', method: 'POST', path: (id) => `/v1/cases/${id}/notes`, body: { text: '我来补充' } },
  ...COMMAND_NAMES.map(
    (command): Probe => ({
      name: `POST ${command}`,
      method: 'POST',
      path: (id) => `/v1/cases/${id}/${command}`,
      body: COMMAND_BODIES[command],
      versioned: true,
    }),
  ),
  {
    name: 'POST unknown command',
    method: 'POST',
    path: (id) => `/v1/cases/${id}/frobnicate`,
    body: {},
    versioned: true,
  },
  {
    name: 'POST reveal',
    method: 'POST',
    path: (id) => `/v1/cases/${id}/reveal`,
    body: { purpose: '核实当事人身份' },
  },
  {
    name: 'POST erase',
    method: 'POST',
    path: (id) => `/v1/cases/${id}/erase`,
    body: { reason: '当事人要求删除' },
    versioned: true,
  },
];

/** The probe as a well-formed request (right version, valid body) or a sloppy one (no If-Match, not JSON). */
function send(probe: Probe, id: string, token: string, version: number, wellFormed: boolean) {
  if (probe.method === 'GET') return h.request('GET', probe.path(id), { token });
  if (wellFormed)
    return h.request('POST', probe.path(id), {
      token,
      body: probe.body,
      ...(probe.versioned ? { headers: { 'if-match': `"${version}"` } } : {}),
    });
  return h.request('POST', probe.path(id), {
    token,
    rawBody: 'not json at all',
    headers: { 'content-type': 'text/plain' },
  });
}

/** A 404 that says nothing more than the 404 for a case that never existed, and nothing of the case. */
function expectIndistinguishable(actual: TestResponse, ghost: TestResponse, target: Target, where: string) {
  expect(actual.status, where).toBe(404);
  expect(actual.body?.type, where).toBe('/problems/not-found');
  expect({ ...actual.body, instance: undefined }, where).toEqual({ ...ghost.body, instance: undefined });
  expect(actual.headers.get('content-type'), where).toBe(ghost.headers.get('content-type'));
  expect(actual.headers.get('etag'), where).toBeNull();
  for (const secret of target.secrets) expect(actual.text, where).not.toContain(secret);
}

const GHOST_ID = 'AAAAAAAAAAAAAAAAAAAAAA';

let alice: string;
let mallory: string;
let bea: string;
let clerk: string;
let handler: string;
let supervisor: string;
let aliceCase: Target;
let windowCase: Target;
let townBCase: Target;

beforeAll(async () => {
  alice = await h.token('petitioner', 'citizen-alice');
  mallory = await h.token('petitioner', 'citizen-mallory');
  bea = await h.token('petitioner', 'citizen-bea', 'town-b');
  clerk = await h.token('clerk', 'clerk-1');
  handler = await h.token('handler', 'handler-1');
  supervisor = await h.token('supervisor', 'supervisor-1');
  const clerkB = await h.token('clerk', 'clerk-b', 'town-b');

  const filed = await h.request('POST', '/v1/public/petitions', {
    token: alice,
    body: onlineBody({
      title: '邻居占用宅基地通道',
      description: '邻居在通道上堆放建材，出入困难',
      category: 'neighbor',
      petitioners: [ALICE],
    }),
  });
  expect(filed.status).toBe(201);
  // taken as far as a reply, so the citizen's own commands would be in status: a refusal is about the caller
  const accepted = await h.request('POST', `/v1/cases/${filed.body.id}/accept`, {
    token: clerk,
    body: { track: 'immediate', assigneeId: 'handler-1' },
    headers: { 'if-match': '"1"' },
  });
  expect(accepted.status).toBe(200);
  const replied = await h.request('POST', `/v1/cases/${filed.body.id}/reply`, {
    token: handler,
    body: { outcome: 'partially_resolved', opinion: '已约谈邻居清理通道' },
    headers: { 'if-match': '"2"' },
  });
  expect(replied.status).toBe(200);
  aliceCase = {
    label: "another citizen's case",
    id: filed.body.id,
    number: filed.body.number,
    queryCode: filed.body.queryCode,
    version: 3,
    secrets: [
      filed.body.number,
      filed.body.queryCode,
      '邻居占用宅基地通道',
      '邻居在通道上堆放建材',
      '已约谈邻居清理通道',
      'handler-1',
      'citizen-alice',
      ...Object.values(ALICE),
    ],
  };

  const atWindow = await h.request('POST', '/v1/cases', {
    token: clerk,
    body: caseBody({
      title: '工资拖欠',
      description: '砖厂拖欠工资两个月',
      petitioners: [WINDOW_PETITIONER],
    }),
  });
  expect(atWindow.status).toBe(201);
  windowCase = {
    label: 'an unclaimed window case',
    id: atWindow.body.id,
    number: atWindow.body.number,
    queryCode: atWindow.body.queryCode,
    version: 1,
    secrets: [
      atWindow.body.number,
      atWindow.body.queryCode,
      '砖厂拖欠工资两个月',
      'clerk-1',
      ...Object.values(WINDOW_PETITIONER),
    ],
  };

  const inTownB = await h.request('POST', '/v1/cases', {
    token: clerkB,
    body: caseBody({ title: '乙镇噪声', description: '乙镇工厂夜间噪声', petitioners: [TOWN_B_PETITIONER] }),
  });
  expect(inTownB.status).toBe(201);
  townBCase = {
    label: 'a case of another town',
    id: inTownB.body.id,
    number: inTownB.body.number,
    queryCode: inTownB.body.queryCode,
    version: 1,
    secrets: [
      inTownB.body.number,
      inTownB.body.queryCode,
      '乙镇工厂夜间噪声',
      'clerk-b',
      ...Object.values(TOWN_B_PETITIONER),
    ],
  };
});

describe("a citizen against other citizens' cases", () => {
  const attacks = () =>
    [
      { who: 'a citizen of the same town', token: mallory, target: aliceCase },
      { who: 'a citizen of the same town', token: mallory, target: windowCase },
      { who: 'a citizen of the same town', token: mallory, target: townBCase },
      { who: 'a citizen of another town', token: bea, target: aliceCase },
    ] as const;

  it('is answered 404 on every route that takes a case id, exactly as for a case that does not exist', async () => {
    let checked = 0;
    for (const { who, token, target } of attacks())
      for (const probe of PROBES)
        for (const wellFormed of [true, false]) {
          const where = `${who} → ${target.label}: ${probe.name} (${wellFormed ? 'well-formed' : 'sloppy'})`;
          const actual = await send(probe, target.id, token, target.version, wellFormed);
          const ghost = await send(probe, GHOST_ID, token, target.version, wellFormed);
          expect(ghost.status, `${where}, ghost`).toBe(404);
          expectIndistinguishable(actual, ghost, target, where);
          checked += 1;
        }
    expect(checked).toBe(4 * PROBES.length * 2);
  });

  it('changed nothing: versions, timelines, ratings and the reveal log are as they were', async () => {
    for (const target of [aliceCase, windowCase]) {
      const seen = await h.request('GET', `/v1/cases/${target.id}`, { token: supervisor });
      expect(seen.status).toBe(200);
      expect(seen.body.version).toBe(target.version);
      expect(seen.body).not.toHaveProperty('rating');
      expect(seen.body).not.toHaveProperty('withdrawal');
      const timeline = await h.request('GET', `/v1/cases/${target.id}/timeline`, { token: supervisor });
      expect(timeline.body.items.map((e: { action: string }) => e.action)).toEqual(
        target === aliceCase ? ['register', 'accept', 'reply'] : ['register'],
      );
    }
    const reveals = await h.request('GET', '/v1/audit/reveals?from=2026-11-01&to=2026-12-31', {
      token: supervisor,
    });
    expect(reveals.status).toBe(200);
    expect(reveals.body.items).toEqual([]);
    const windowSeen = await h.request('GET', `/v1/cases/${windowCase.id}`, { token: supervisor });
    expect(windowSeen.body.petitioners[0].name).toBe(WINDOW_PETITIONER.name);
  });

  it('lists only their own cases', async () => {
    const mine = await h.request('GET', '/v1/me/cases', { token: mallory });
    expect(mine.status).toBe(200);
    expect(mine.body.items).toEqual([]);
    const bobs = await h.request('GET', '/v1/me/cases', { token: bea });
    expect(bobs.body.items).toEqual([]);
    const alices = await h.request('GET', '/v1/me/cases', { token: alice });
    expect(alices.body.items.map((c: { id: string }) => c.id)).toEqual([aliceCase.id]);
  });
});

describe('a citizen on their own case, on staff routes (visible, so 403 before 415, 428 and 400)', () => {
  const staffOnly = PROBES.filter(
    (probe) =>
      probe.name !== 'GET /v1/me/cases/{id}' &&
      probe.name !== 'POST unknown command' &&
      !['POST rate', 'POST request-review', 'POST withdraw'].includes(probe.name),
  );

  it('is refused with 403 whether the request is well-formed or not', async () => {
    expect(staffOnly).toHaveLength(PROBES.length - 5);
    for (const probe of staffOnly)
      for (const wellFormed of [true, false]) {
        const where = `${probe.name} (${wellFormed ? 'well-formed' : 'sloppy'})`;
        const response = await send(probe, aliceCase.id, alice, aliceCase.version, wellFormed);
        expect(response.status, where).toBe(403);
        expect(response.body.type, where).toBe('/problems/forbidden');
        // staff fields of the case never reach the citizen, not even in an error
        expect(response.text, where).not.toContain('handler-1');
        expect(response.text, where).not.toContain('已约谈邻居清理通道');
      }
    const own = await h.request('GET', `/v1/cases/${aliceCase.id}`, { token: alice });
    expect(own.status).toBe(403);
  });

  it('gets 404 for a command that does not exist, and reads the case only through /v1/me', async () => {
    const unknown = await h.request('POST', `/v1/cases/${aliceCase.id}/frobnicate`, {
      token: alice,
      body: {},
      headers: { 'if-match': '"3"' },
    });
    expect(unknown.status).toBe(404);
    const mine = await h.request('GET', `/v1/me/cases/${aliceCase.id}`, { token: alice });
    expect(mine.status).toBe(200);
    expect(mine.body.id).toBe(aliceCase.id);
    expect(mine.text).not.toContain('handler-1');
    expect(mine.text).not.toContain(ALICE.idNumber);
  });

  it('a staff member gets 404 from the citizen route for any case (it is for the case’s own citizen)', async () => {
    const viaMe = await h.request('GET', `/v1/me/cases/${aliceCase.id}`, { token: supervisor });
    expect(viaMe.status).toBe(404);
    expect(viaMe.text).not.toContain(aliceCase.number);
  });
});

describe('claims across towns and of taken cases', () => {
  it('a code of a town-B case claimed by a town-A citizen is 404, alike to a wrong code, and leaves it claimable', async () => {
    freshMinute();
    const wrong = await h.request('POST', '/v1/me/cases/claim', {
      token: mallory,
      body: { queryCode: 'ZZZZ-ZZZZ-ZZZZ' },
    });
    const acrossTowns = await h.request('POST', '/v1/me/cases/claim', {
      token: mallory,
      body: { queryCode: townBCase.queryCode },
    });
    expect(wrong.status).toBe(404);
    expect(acrossTowns.status).toBe(404);
    expect(acrossTowns.text).toBe(wrong.text);
    for (const secret of townBCase.secrets) expect(acrossTowns.text).not.toContain(secret);
    expect((await h.request('GET', '/v1/me/cases', { token: mallory })).body.items).toEqual([]);
    // the case is still there for its own town's citizen
    const claimed = await h.request('POST', '/v1/me/cases/claim', {
      token: bea,
      body: { queryCode: townBCase.queryCode },
    });
    expect(claimed.status).toBe(200);
    expect(claimed.body.id).toBe(townBCase.id);
  });

  it('a code of a case already on someone’s account is 409 already-claimed, and says nothing of the case', async () => {
    freshMinute();
    const taken = await h.request('POST', '/v1/me/cases/claim', {
      token: mallory,
      body: { queryCode: aliceCase.queryCode },
    });
    expect(taken.status).toBe(409);
    expect(taken.body.type).toBe('/problems/already-claimed');
    for (const secret of aliceCase.secrets.filter((s) => s !== aliceCase.queryCode))
      expect(taken.text).not.toContain(secret);
    expect((await h.request('GET', `/v1/me/cases/${aliceCase.id}`, { token: mallory })).status).toBe(404);
  });

  it('a wrong code is 404 and counts as a miss toward the slow-down, like a tracking miss', async () => {
    freshMinute();
    for (let i = 0; i < 5; i++)
      expect((await h.request('GET', `/v1/public/track/ZZZZ-ZZZZ-ZZZ${i}`)).status).toBe(404);
    for (let i = 0; i < 5; i++) {
      const claim = await h.request('POST', '/v1/me/cases/claim', {
        token: mallory,
        body: { queryCode: `YYYY-YYYY-YYY${i}` },
      });
      expect(claim.status, `claim miss ${i + 1}`).toBe(404);
      expect(claim.body.type).toBe('/problems/not-found');
    }
    // ten misses in this minute: both doors are shut, even for the right code
    const tracked = await h.request('GET', `/v1/public/track/${windowCase.queryCode}`);
    expect(tracked.status).toBe(429);
    expect(tracked.text).not.toContain(windowCase.number);
    const claim = await h.request('POST', '/v1/me/cases/claim', {
      token: mallory,
      body: { queryCode: windowCase.queryCode },
    });
    expect(claim.status).toBe(429);
    expect(Number(claim.headers.get('retry-after'))).toBeGreaterThan(0);
    // and the window case is still nobody's
    expect(
      (await h.request('GET', `/v1/cases/${windowCase.id}`, { token: supervisor })).body,
    ).not.toHaveProperty('petitionerUserId');
  });
});

describe('tracking codes guessed and enumerated', () => {
  it('200 random well-formed codes in a minute: ten 404s, then 429s, never a 200', async () => {
    freshMinute();
    const real = new Set([aliceCase.queryCode, windowCase.queryCode, townBCase.queryCode]);
    const statuses: number[] = [];
    for (let i = 0; i < 200; i++) {
      const code = newQueryCode();
      if (real.has(code)) continue;
      const response = await h.request('GET', `/v1/public/track/${code}`);
      statuses.push(response.status);
      expect(response.body).not.toHaveProperty('number');
    }
    expect(statuses).toHaveLength(200);
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(404));
    expect(statuses.slice(10)).toEqual(Array(190).fill(429));
  });

  it('a burst of concurrent guesses gets no more than ten answers a minute', async () => {
    const at = freshMinute();
    // called in-process, so that every guess of the burst is in flight before any is answered (over HTTP the
    // interleaving depends on timing; the limit must hold however the guesses interleave)
    const deps = {
      cases: new CaseRepository(h.deps.db, h.tables.cases),
      limiter: new MinuteLimiter(h.deps.db, h.tables.cases),
      mac: h.deps.mac,
    };
    const outcomes = await Promise.all(
      Array.from({ length: 40 }, () => lookUpQueryCode(deps, newQueryCode(), '203.0.113.7', at)),
    );
    expect(outcomes.some((o) => 'found' in o)).toBe(false);
    // 10 misses per minute per source: parallel guesses must not all slip under the limit
    expect(outcomes.filter((o) => 'missing' in o).length).toBeLessThanOrEqual(10);
    expect(outcomes.filter((o) => 'retryAfter' in o).length).toBeGreaterThanOrEqual(30);
  });

  it('the neighbours of a real code (one character off, anywhere) are 404', async () => {
    const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
    const compact = windowCase.queryCode.replace(/-/g, '');
    const neighbours: string[] = [];
    for (let i = 0; i < compact.length; i++)
      for (const step of [1, -1]) {
        const at = alphabet.indexOf(compact[i] ?? '');
        const swapped = alphabet[(at + step + alphabet.length) % alphabet.length];
        const next = `${compact.slice(0, i)}${swapped}${compact.slice(i + 1)}`;
        neighbours.push([0, 4, 8].map((j) => next.slice(j, j + 4)).join('-'));
      }
    expect(neighbours).toHaveLength(24);
    for (const [n, code] of neighbours.entries()) {
      if (n % 8 === 0) freshMinute();
      const response = await h.request('GET', `/v1/public/track/${code}`);
      expect(response.status, code).toBe(404);
      expect(response.text).not.toContain(windowCase.number);
    }
    // while the code itself, however it is typed, is found
    freshMinute();
    for (const typed of [
      windowCase.queryCode,
      windowCase.queryCode.toLowerCase(),
      windowCase.queryCode.replace(/-/g, ''),
      windowCase.queryCode.replace(/-/g, ' '),
    ]) {
      const found = await h.request('GET', `/v1/public/track/${encodeURIComponent(typed)}`);
      expect(found.status, typed).toBe(200);
      expect(found.body.number).toBe(windowCase.number);
    }
  });

  it('unknown and malformed codes get the same answer, in both languages', async () => {
    for (const language of ['zh', 'en'] as const) {
      freshMinute();
      const headers = language === 'en' ? { 'accept-language': 'en' } : undefined;
      const get = (code: string) =>
        h.request('GET', `/v1/public/track/${encodeURIComponent(code)}`, headers ? { headers } : {});
      const unknown = await get('ZZZZ-ZZZZ-ZZZY');
      expect(unknown.status).toBe(404);
      const malformed = [
        'not-a-code',
        'ZZZZ-ZZZZ-ZZZ',
        'ZZZZ-ZZZZ-ZZZZZ',
        'UUUU-UUUU-UUUU',
        'ZZZZ_ZZZZ_ZZZZ',
        '查询码查询码查询码查询',
        'Z'.repeat(300),
        "' OR 1=1 --",
      ];
      for (const code of malformed) {
        const response = await get(code);
        expect(response.status, code).toBe(404);
        expect({ ...response.body, instance: undefined }, code).toEqual({
          ...unknown.body,
          instance: undefined,
        });
        expect(response.headers.get('content-type'), code).toBe(unknown.headers.get('content-type'));
        expect(response.headers.get('content-language'), code).toBe(unknown.headers.get('content-language'));
      }
    }
  });

  it('the slow-down lifts in the next minute', async () => {
    const start = freshMinute();
    for (let i = 0; i < 10; i++)
      expect((await h.request('GET', `/v1/public/track/ZZZZ-ZZZZ-ZZ${i}Z`)).status).toBe(404);
    const refused = await h.request('GET', '/v1/public/track/ZZZZ-ZZZZ-ZZZZ');
    expect(refused.status).toBe(429);
    expect(refused.body.type).toBe('/problems/throttled');
    expect(refused.headers.get('retry-after')).toBe('60');
    h.setNow(new Date(start.getTime() + 30_000));
    const later = await h.request('GET', `/v1/public/track/${windowCase.queryCode}`);
    expect(later.status).toBe(429);
    expect(later.headers.get('retry-after')).toBe('30');
    expect(later.text).not.toContain(windowCase.number);

    h.setNow(new Date(start.getTime() + 60_000));
    expect((await h.request('GET', '/v1/public/track/ZZZZ-ZZZZ-ZZZZ')).status).toBe(404);
    const found = await h.request('GET', `/v1/public/track/${windowCase.queryCode}`);
    expect(found.status).toBe(200);
    expect(found.body.number).toBe(windowCase.number);
  });
});

describe('who may file where', () => {
  it('a citizen cannot register through POST /v1/cases, even with a perfect body (403, not 400 or 201)', async () => {
    for (const body of [caseBody(), { nonsense: true }]) {
      const response = await h.request('POST', '/v1/cases', { token: mallory, body });
      expect(response.status).toBe(403);
      expect(response.body.type).toBe('/problems/forbidden');
    }
    expect((await h.request('GET', '/v1/cases', { token: mallory })).status).toBe(403);
  });

  it('no staff role may use POST /v1/public/petitions', async () => {
    for (const role of ['clerk', 'grid_worker', 'handler', 'leader', 'supervisor', 'admin']) {
      const token = await h.token(role, `${role}-9`);
      const response = await h.request('POST', '/v1/public/petitions', { token, body: onlineBody() });
      expect(response.status, role).toBe(403);
      expect(response.body.type, role).toBe('/problems/forbidden');
    }
  });

  it('a token with petitioner and a staff group is not a caller at all (401)', async () => {
    const mixed = await h.token(['petitioner', 'clerk'], 'citizen-mixed');
    expect(
      (await h.request('POST', '/v1/public/petitions', { token: mixed, body: onlineBody() })).status,
    ).toBe(401);
    expect((await h.request('POST', '/v1/cases', { token: mixed, body: caseBody() })).status).toBe(401);
  });
});

describe('what an online petition may set', () => {
  const serverOwned = {
    channel: 'visit',
    gridId: 'grid-1',
    receivedAt: '2026-11-01T09:00:00+08:00',
    status: 'closed',
  };

  it('names each server-owned field it refuses (400), one at a time', async () => {
    const carol = await h.token('petitioner', 'citizen-carol');
    for (const [field, value] of Object.entries(serverOwned)) {
      const response = await h.request('POST', '/v1/public/petitions', {
        token: carol,
        body: { ...onlineBody(), [field]: value },
      });
      expect(response.status, field).toBe(400);
      expect(response.body.type).toBe('/problems/validation');
      expect(response.body.errors, field).toEqual([{ path: field, message: expect.any(String) }]);
    }
    expect((await h.request('GET', '/v1/me/cases', { token: carol })).body.items).toEqual([]);
  });

  it('names every unknown and server-owned field at once, nested ones by their path', async () => {
    const carol = await h.token('petitioner', 'citizen-carol', 'town-a');
    const response = await h.request('POST', '/v1/public/petitions', {
      token: carol,
      headers: { 'accept-language': 'en' },
      body: {
        ...onlineBody({ petitioners: [{ name: '王五', userId: 'citizen-alice' }] }),
        ...serverOwned,
        lateEntryReason: '补录',
        referral: { from: '县信访局', reference: 'X-1' },
        id: 'my-own-id',
        number: 'XF-20261128-9999',
        version: 7,
        petitionerUserId: 'citizen-alice',
        assignee: 'handler-1',
        firstTime: false,
        deadlines: { acknowledgeBy: '2027-01-01T00:00:00Z' },
        priority: 'urgent',
      },
    });
    expect(response.status).toBe(400);
    const paths = response.body.errors.map((e: { path: string }) => e.path).sort();
    expect(paths).toEqual(
      [
        'assignee',
        'channel',
        'deadlines',
        'firstTime',
        'gridId',
        'id',
        'lateEntryReason',
        'number',
        'petitionerUserId',
        'petitioners.0.userId',
        'priority',
        'receivedAt',
        'referral',
        'status',
        'version',
      ].sort(),
    );
    for (const error of response.body.errors) expect(error.message).toBe('unknown field');
    expect((await h.request('GET', '/v1/me/cases', { token: carol })).body.items).toEqual([]);
  });
});

describe('online petitions retried with an Idempotency-Key', () => {
  it('make one case, answer the retry with the first response, and refuse the key with another body', async () => {
    const dora = await h.token('petitioner', 'citizen-dora');
    const body = onlineBody({ title: '路灯不亮', description: '村口路灯坏了三个月' });
    const headers = { 'idempotency-key': 'dora-petition-1' };
    const first = await h.request('POST', '/v1/public/petitions', { token: dora, body, headers });
    const retry = await h.request('POST', '/v1/public/petitions', { token: dora, body, headers });
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.body.id).toBe(first.body.id);
    expect(retry.body.number).toBe(first.body.number);
    expect(retry.body.queryCode).toBe(first.body.queryCode);
    const other = await h.request('POST', '/v1/public/petitions', {
      token: dora,
      body: { ...body, title: '路灯还是不亮' },
      headers,
    });
    expect(other.status).toBe(409);
    expect(other.body.type).toBe('/problems/idempotency-mismatch');
    const mine = await h.request('GET', '/v1/me/cases', { token: dora });
    expect(mine.body.items.map((c: { id: string }) => c.id)).toEqual([first.body.id]);

    // the key is the caller's own: another citizen with the same key files a case of their own
    const emil = await h.token('petitioner', 'citizen-emil');
    const emils = await h.request('POST', '/v1/public/petitions', { token: emil, body, headers });
    expect(emils.status).toBe(201);
    expect(emils.body.id).not.toBe(first.body.id);
    expect((await h.request('GET', `/v1/me/cases/${first.body.id}`, { token: emil })).status).toBe(404);

    // without a key, a retry is a second case: the key is what makes the difference
    const again = await h.request('POST', '/v1/public/petitions', { token: dora, body });
    expect(again.status).toBe(201);
    expect(again.body.id).not.toBe(first.body.id);
    expect((await h.request('GET', '/v1/me/cases', { token: dora })).body.items).toHaveLength(2);
  });
});
