import { DeleteCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseRepository } from '../../lambdas/adapters/case-repository.js';
import { GridRepository } from '../../lambdas/adapters/grid-repository.js';
import { SettingsRepository } from '../../lambdas/adapters/settings-repository.js';
import { DEFAULT_POLICY } from '../../lambdas/domain/policy.js';
import {
  caseBody,
  createHarness,
  type Harness,
  type TestResponse,
  uniqueIdNumber,
} from '../support/harness.js';

/**
 * Transfers between two towns of one deployment (转送), through the handlers over real HTTP: the matter registered
 * once in the receiving town with the sender's facts and a link both ways, the sending case `transferred`, in one
 * transaction that a stale version, a retry or a race never makes twice.
 */

const NOW = new Date('2026-11-28T02:00:00Z');
const TOWNS = ['town-a', 'town-b', 'town-c'];

let h: Harness;
let cases: CaseRepository;
const t: Record<string, string> = {};

beforeAll(async () => {
  h = await createHarness({ now: NOW, towns: TOWNS });
  cases = new CaseRepository(h.deps.db, h.deps.tables.cases);
  const settings = new SettingsRepository(h.deps.db, h.deps.tables.grids);
  // town-a has names, town-b none (it is read by its id)
  await settings.putPolicy(
    'town-a',
    DEFAULT_POLICY,
    { townName: '枫桥镇', townNameEn: 'Fengqiao Town' },
    'admin-a',
    NOW.toISOString(),
  );
  const grids = new GridRepository(h.deps.db, h.deps.tables.grids);
  for (const [userId, roles] of [
    ['sup-b', ['supervisor']],
    ['clerk-b', ['clerk']],
    ['leader-b', ['leader']],
  ] as const)
    await grids.putStaff({
      userId,
      town: 'town-b',
      name: userId,
      roles: [...roles],
      updatedAt: NOW.toISOString(),
    });
  for (const [name, roles, sub, town] of [
    ['clerkA', 'clerk', 'clerk-a', 'town-a'],
    ['supA', 'supervisor', 'sup-a', 'town-a'],
    ['handlerA', 'handler', 'handler-a', 'town-a'],
    ['clerkB', 'clerk', 'clerk-b', 'town-b'],
    ['supB', 'supervisor', 'sup-b', 'town-b'],
    ['leaderB', 'leader', 'leader-b', 'town-b'],
  ] as const)
    t[name] = await h.token(roles, sub, town);
});
afterAll(() => h.close());

async function register(overrides: Record<string, unknown> = {}): Promise<TestResponse> {
  const created = await h.request('POST', '/v1/cases', { token: t.clerkA!, body: caseBody(overrides) });
  expect(created.status, created.text).toBe(201);
  return created;
}

const transfer = (
  id: string,
  body: unknown,
  options: { token?: string; version?: string; key?: string; language?: string } = {},
) =>
  h.request('POST', `/v1/cases/${id}/transfer`, {
    token: options.token ?? t.clerkA!,
    body,
    headers: {
      'if-match': options.version ?? '"1"',
      ...(options.key ? { 'idempotency-key': options.key } : {}),
      ...(options.language ? { 'accept-language': options.language } : {}),
    },
  });

/** The receiving town's cases registered from this sending case, as the table holds them. */
async function receivedFrom(caseId: string) {
  const page = await cases.list('town-b', { sources: [{ index: 'all' }], filters: {} }, 100);
  return page.items.filter((item) => item.transferredFrom?.caseId === caseId);
}

function expectProblem(response: TestResponse, status: number, type: string) {
  expect(response.status, response.text).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(response.body.type).toBe(`/problems/${type}`);
}

describe('a transfer to another town of the deployment', () => {
  const idNumber = uniqueIdNumber();
  let sent: TestResponse;
  let answer: TestResponse;
  let received: TestResponse;

  beforeAll(async () => {
    sent = await register({
      channel: 'letter',
      receivedAt: '2026-11-26T03:00:00+08:00',
      petitioners: [{ name: '王五', idNumber, phone: '13800138000', address: '东村一组 12 号' }],
      location: { address: '东村工地' },
    });
    answer = await transfer(sent.body.id, { toTown: 'town-b', note: '属西镇辖区企业' });
    expect(answer.status, answer.text).toBe(200);
    received = await h.request('GET', `/v1/cases/${answer.body.transferredTo.caseId}`, { token: t.clerkB! });
    expect(received.status, received.text).toBe(200);
  });

  it('leaves the sending case transferred, acknowledged, linked to the case it became', () => {
    expect(answer.body).toMatchObject({
      id: sent.body.id,
      status: 'transferred',
      version: 2,
      acknowledgedAt: NOW.toISOString(),
      decision: { reason: '属西镇辖区企业' },
      transferredTo: { town: 'town-b', caseId: received.body.id, number: received.body.number },
    });
    expect(answer.body.decision.toUnit).toBeUndefined();
    expect(Object.keys(answer.body.transferredTo).sort()).toEqual(['caseId', 'number', 'town']);
    expect(answer.headers.get('etag')).toBe('"2"');
  });

  it('registers the matter in the receiving town with the sender’s facts, its own number and clock', () => {
    expect(received.body).toMatchObject({
      status: 'registered',
      version: 1,
      kind: 'petition',
      channel: 'letter',
      category: 'labor_wages',
      title: '拖欠工资',
      description: '工地拖欠三个月工资',
      location: { address: '东村工地' },
      // the town's own receipt starts its clock (Art 22–23); when the matter first came is kept
      receivedAt: NOW.toISOString(),
      firstReceivedAt: '2026-11-25T19:00:00.000Z',
      referral: { from: '枫桥镇', reference: sent.body.number },
      transferredFrom: { town: 'town-a', caseId: sent.body.id, number: sent.body.number },
      registeredBy: { id: 'system', role: 'system' },
      petitioners: [{ name: '王五', idNumber: sent.body.petitioners[0].idNumber, phone: '138****8000' }],
      deadlines: {
        // 15 days from the receipt, and 5 working days to object that it is not the town's
        acknowledgeBy: '2026-12-13T16:00:00.000Z',
        objectBy: '2026-12-04T16:00:00.000Z',
      },
    });
    expect(received.body.number).toMatch(/^XF-20261128-\d{4}$/);
    expect(received.body.id).not.toBe(sent.body.id);
    expect(received.body.gridId).toBeUndefined();
  });

  it('seals the receiving case’s personal data under its own data key, which opens there', async () => {
    const [from, to] = await Promise.all([
      cases.get('town-a', sent.body.id),
      cases.get('town-b', received.body.id),
    ]);
    if (from?.personal?.state !== 'sealed' || to?.personal?.state !== 'sealed') throw new Error('not sealed');
    // the same matter, not a repeat elsewhere: neither case marks the other as one
    expect(to.earlierElsewhere).toBeUndefined();
    expect(from.laterElsewhere).toBeUndefined();
    expect(to.personal.key.blob).not.toBe(from.personal.key.blob);
    for (const [path, sealed] of Object.entries(to.personal.fields))
      expect(sealed).not.toBe(from.personal.fields[path]);
    const revealed = await h.request('POST', `/v1/cases/${received.body.id}/reveal`, {
      token: t.clerkB!,
      body: { purpose: '核实转来事项信访人身份' },
    });
    expect(revealed.status, revealed.text).toBe(200);
    expect(revealed.body.petitioners).toEqual([
      { name: '王五', idNumber, phone: '13800138000', address: '东村一组 12 号' },
    ]);
  });

  it('shows each case once in its own town’s list, and neither to the other town (404)', async () => {
    const listA = await h.request('GET', '/v1/cases?limit=100', { token: t.clerkA! });
    const listB = await h.request('GET', '/v1/cases?limit=100', { token: t.clerkB! });
    const idsA = listA.body.items.map((c: { id: string }) => c.id);
    const idsB = listB.body.items.map((c: { id: string }) => c.id);
    expect(idsA.filter((id: string) => id === sent.body.id)).toHaveLength(1);
    expect(idsB.filter((id: string) => id === received.body.id)).toHaveLength(1);
    expect(idsA).not.toContain(received.body.id);
    expect(idsB).not.toContain(sent.body.id);
    expect(listA.body.items.find((c: { id: string }) => c.id === sent.body.id).status).toBe('transferred');
    const transferred = await h.request('GET', '/v1/cases?status=transferred', { token: t.clerkA! });
    expect(transferred.body.items.map((c: { id: string }) => c.id)).toContain(sent.body.id);

    for (const [token, id] of [
      [t.clerkB!, sent.body.id],
      [t.supB!, sent.body.id],
      [t.clerkA!, received.body.id],
      [t.supA!, received.body.id],
    ] as const) {
      expectProblem(await h.request('GET', `/v1/cases/${id}`, { token }), 404, 'not-found');
      expectProblem(await h.request('GET', `/v1/cases/${id}/timeline`, { token }), 404, 'not-found');
    }
    expect(await receivedFrom(sent.body.id)).toHaveLength(1);
  });

  it('answers as the OpenAPI document says: the transfer, both cases and both timelines', async () => {
    const document = (await h.request('GET', '/v1/openapi.json')).body;
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats.default(ajv);
    const answer200 = (path: string, method: string) =>
      document.paths[path][method].responses['200'].content['application/json'].schema;
    const check = (schema: unknown, body: unknown) => {
      const validate = ajv.compile({ ...(schema as object), components: document.components });
      expect(validate(body), JSON.stringify(validate.errors)).toBe(true);
    };
    check(answer200('/v1/cases/{id}/transfer', 'post'), answer.body);
    check(answer200('/v1/cases/{id}', 'get'), received.body);
    for (const [id, token] of [
      [sent.body.id, t.clerkA!],
      [received.body.id, t.clerkB!],
    ] as const) {
      const timeline = await h.request('GET', `/v1/cases/${id}/timeline?verify=true`, { token });
      expect(timeline.body.items.some((e: { label?: string }) => e.label)).toBe(true);
      check(answer200('/v1/cases/{id}/timeline', 'get'), timeline.body);
    }
  });

  it('records both events, linked and labelled in the reader’s language, on chains that verify', async () => {
    const sending = await h.request('GET', `/v1/cases/${sent.body.id}/timeline?verify=true`, {
      token: t.clerkA!,
    });
    expect(sending.body.valid).toBe(true);
    expect(sending.body.items.at(-1)).toMatchObject({
      action: 'transfer',
      actor: { id: 'clerk-a', role: 'clerk' },
      fromStatus: 'registered',
      toStatus: 'transferred',
      note: '属西镇辖区企业',
      transfer: { direction: 'to', town: 'town-b', caseId: received.body.id, number: received.body.number },
      // town-b has no name of its own: its id
      label: `转送至town-b（${received.body.number}）`,
    });
    const receiving = await h.request('GET', `/v1/cases/${received.body.id}/timeline?verify=true`, {
      token: t.supB!,
      headers: { 'accept-language': 'en' },
    });
    expect(receiving.body.valid).toBe(true);
    expect(receiving.body.items).toHaveLength(1);
    expect(receiving.body.items[0]).toMatchObject({
      seq: 1,
      action: 'register',
      actor: { id: 'system', role: 'system' },
      toStatus: 'registered',
      transfer: { direction: 'from', town: 'town-a', caseId: sent.body.id, number: sent.body.number },
      label: `Transferred from Fengqiao Town (${sent.body.number})`,
    });
    const zh = await h.request('GET', `/v1/cases/${received.body.id}/timeline`, { token: t.clerkB! });
    expect(zh.body.items[0].label).toBe(`由枫桥镇转来（${sent.body.number}）`);
  });

  it('tells the receiving town’s petition office and clerks, naming the sending town and number only', async () => {
    for (const token of [t.supB!, t.clerkB!]) {
      const inbox = await h.request('GET', '/v1/me/notifications', { token });
      const notice = inbox.body.items.find(
        (n: { kind: string; caseId: string }) => n.kind === 'transfer' && n.caseId === received.body.id,
      );
      expect(notice, inbox.text).toMatchObject({
        severity: 'notice',
        caseNumber: received.body.number,
        text: {
          zh: `枫桥镇转送来信访事项（原编号 ${sent.body.number}），已登记为本镇案件 ${received.body.number}，请及时受理。`,
          en: expect.stringContaining(
            `Fengqiao Town transferred a matter here (its number there: ${sent.body.number})`,
          ),
        },
      });
      const words = JSON.stringify(notice);
      for (const personal of ['王五', idNumber, '13800138000', '东村一组', '拖欠工资'])
        expect(words).not.toContain(personal);
    }
    // a leader is not the window: no notice
    const leader = await h.request('GET', '/v1/me/notifications', { token: t.leaderB! });
    expect(leader.body.items.filter((n: { kind: string }) => n.kind === 'transfer')).toEqual([]);
  });

  it('lets the receiving town take the case up, or object within its 5 working days', async () => {
    const accepted = await h.request('POST', `/v1/cases/${received.body.id}/accept`, {
      token: t.clerkB!,
      body: { track: 'immediate' },
      headers: { 'if-match': '"1"' },
    });
    expect(accepted.status, accepted.text).toBe(200);
    expect(accepted.body.deadlines.replyBy).toBeDefined();
    const other = await transfer((await register()).body.id, { toTown: 'town-b' });
    const returned = await h.request('POST', `/v1/cases/${other.body.transferredTo.caseId}/return`, {
      token: t.clerkB!,
      body: { reason: '不属本镇管辖' },
      headers: { 'if-match': '"1"' },
    });
    expect(returned.status, returned.text).toBe(200);
    expect(returned.body.status).toBe('returned');
  });

  it('carries an accusation’s sealed accuser and content across, sealed again', async () => {
    const accusation = await register({
      type: 'accusation',
      description: '反映某村干部侵占集体资金',
      petitioners: [{ name: '赵六', idNumber: uniqueIdNumber() }],
    });
    const moved = await transfer(accusation.body.id, { toTown: 'town-b' }, { token: t.supA! });
    expect(moved.status, moved.text).toBe(200);
    const there = moved.body.transferredTo.caseId;
    const stored = await cases.get('town-b', there);
    expect(stored?.description).toBe('[sealed]');
    expect(stored?.type).toBe('accusation');
    const revealed = await h.request('POST', `/v1/cases/${there}/reveal`, {
      token: t.supB!,
      body: { purpose: '核实检举控告内容', fields: ['name', 'description'] },
    });
    expect(revealed.status, revealed.text).toBe(200);
    expect(revealed.body).toMatchObject({
      petitioners: [{ name: '赵六' }],
      description: '反映某村干部侵占集体资金',
    });
  });
});

describe('the body of a transfer', () => {
  let id: string;
  beforeAll(async () => {
    id = (await register()).body.id;
  });

  it.each([
    ['both destinations', { toUnit: '县人社局', toTown: 'town-b' }, ['toTown', 'toUnit']],
    ['neither', { note: '转送' }, ['toTown', 'toUnit']],
    ['the case’s own town', { toTown: 'town-a' }, ['toTown']],
    ['a town the deployment does not serve', { toTown: 'town-z' }, ['toTown']],
    ['a town name too long', { toTown: 'x'.repeat(65) }, ['toTown']],
    ['a town of the wrong type', { toTown: 7 }, ['toTown']],
    ['a unit of the wrong type', { toUnit: ['县人社局'] }, ['toUnit']],
    ['an empty town', { toTown: '  ' }, ['toTown']],
    ['a unit too long', { toUnit: '局'.repeat(201) }, ['toUnit']],
    ['a note too long', { toTown: 'town-b', note: '注'.repeat(2001) }, ['note']],
    ['an unknown field', { toTown: 'town-b', town: 'town-b' }, ['town']],
  ])('refuses %s with 400 naming the field, and changes nothing', async (_what, body, paths) => {
    const response = await transfer(id, body);
    expectProblem(response, 400, 'validation');
    expect([...new Set(response.body.errors.map((e: { path: string }) => e.path))].sort()).toEqual(paths);
    const stored = await cases.get('town-a', id);
    expect(stored).toMatchObject({ status: 'registered', version: 1 });
    expect(await receivedFrom(id)).toEqual([]);
  });

  it('words the refusals in Chinese and in English', async () => {
    const zh = await transfer(id, { toTown: 'town-a' });
    expect(zh.body.errors).toEqual([{ path: 'toTown', message: '本案已在该镇，不能转送至本镇' }]);
    const en = await transfer(id, { toTown: 'town-z' }, { language: 'en' });
    expect(en.body.errors).toEqual([{ path: 'toTown', message: 'is not a town this deployment serves' }]);
    const neither = await transfer(id, {}, { language: 'en' });
    expect(neither.body.errors[0].message).toMatch(/^give either toUnit/);
  });
});

describe('exactly once', () => {
  it('refuses a stale If-Match with 412 and writes nothing', async () => {
    const { id } = (await register()).body;
    await h.request('POST', `/v1/cases/${id}/triage`, {
      token: t.clerkA!,
      body: { track: 'coordinated' },
      headers: { 'if-match': '"1"' },
    });
    expectProblem(await transfer(id, { toTown: 'town-b' }, { version: '"1"' }), 412, 'stale-version');
    expect(await cases.get('town-a', id)).toMatchObject({ status: 'registered', version: 2 });
    expect(await receivedFrom(id)).toEqual([]);
    const timeline = await cases.timeline('town-a', id);
    expect(timeline.map((e) => e.action)).toEqual(['register', 'triage']);
  });

  it('answers a retry with the same Idempotency-Key as the first time, with one receiving case', async () => {
    const { id } = (await register()).body;
    const first = await transfer(id, { toTown: 'town-b' }, { key: 'transfer-once-1' });
    expect(first.status, first.text).toBe(200);
    const again = await transfer(id, { toTown: 'town-b' }, { key: 'transfer-once-1' });
    expect(again.status, again.text).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(await receivedFrom(id)).toHaveLength(1);
  });

  it('finds its own transfer when the first answer was lost (no stored answer to replay)', async () => {
    const { id } = (await register()).body;
    const first = await transfer(id, { toTown: 'town-b' }, { key: 'transfer-lost-1' });
    expect(first.status, first.text).toBe(200);
    // the idempotency record gone, as when the function died after the commit and before storing its answer
    const records = await h.deps.db.send(new ScanCommand({ TableName: h.tables.idempotency }));
    for (const item of records.Items ?? [])
      await h.deps.db.send(new DeleteCommand({ TableName: h.tables.idempotency, Key: { id: item.id } }));
    const again = await transfer(id, { toTown: 'town-b' }, { key: 'transfer-lost-1' });
    expect(again.status, again.text).toBe(200);
    expect(again.body.transferredTo).toEqual(first.body.transferredTo);
    expect(await receivedFrom(id)).toHaveLength(1);
    // another key on the same version is a stale one
    expectProblem(await transfer(id, { toTown: 'town-b' }, { key: 'transfer-lost-2' }), 412, 'stale-version');
    expect(await receivedFrom(id)).toHaveLength(1);
  });

  it('lets one of two racing transfers win: the other fails and makes nothing', async () => {
    const { id } = (await register()).body;
    const answers = await Promise.all([
      transfer(id, { toTown: 'town-b' }, { key: 'race-1' }),
      transfer(id, { toTown: 'town-c' }, { key: 'race-2' }),
      transfer(id, { toTown: 'town-b' }),
    ]);
    const won = answers.filter((a) => a.status === 200);
    expect(won, answers.map((a) => a.text).join('\n')).toHaveLength(1);
    for (const lost of answers.filter((a) => a.status !== 200)) expect([409, 412]).toContain(lost.status);
    const stored = await cases.get('town-a', id);
    expect(stored?.transferredTo).toEqual(won[0]!.body.transferredTo);
    const inB = await receivedFrom(id);
    const inC = (await cases.list('town-c', { sources: [{ index: 'all' }], filters: {} }, 100)).items.filter(
      (item) => item.transferredFrom?.caseId === id,
    );
    expect(inB.length + inC.length).toBe(1);
    const timeline = await cases.timeline('town-a', id);
    expect(timeline.filter((e) => e.action === 'transfer')).toHaveLength(1);
  });

  it('refuses a case no longer registered (409) and a role that may not transfer (403)', async () => {
    const { id } = (await register()).body;
    expectProblem(await transfer(id, { toTown: 'town-b' }, { token: t.handlerA! }), 404, 'not-found');
    const leader = await h.token('leader', 'leader-a', 'town-a');
    expectProblem(await transfer(id, { toTown: 'town-b' }, { token: leader }), 403, 'forbidden');
    const moved = await transfer(id, { toTown: 'town-b' });
    expect(moved.status, moved.text).toBe(200);
    expectProblem(await transfer(id, { toTown: 'town-c' }, { version: '"2"' }), 409, 'wrong-status');
    expect(await receivedFrom(id)).toHaveLength(1);
  });
});

describe('a transfer outside the deployment', () => {
  it('still records the destination, as before, and registers nothing anywhere', async () => {
    const { id } = (await register()).body;
    const moved = await transfer(id, { toUnit: '县人力资源和社会保障局', note: '转劳动监察' });
    expect(moved.status, moved.text).toBe(200);
    expect(moved.body).toMatchObject({
      status: 'transferred',
      acknowledgedAt: NOW.toISOString(),
      decision: { reason: '转劳动监察', toUnit: '县人力资源和社会保障局' },
    });
    expect(moved.body.transferredTo).toBeUndefined();
    expect(await receivedFrom(id)).toEqual([]);
    const timeline = await h.request('GET', `/v1/cases/${id}/timeline`, { token: t.clerkA! });
    expect(timeline.body.items.at(-1).transfer).toBeUndefined();
    expect(timeline.body.items.at(-1).label).toBeUndefined();
  });
});
