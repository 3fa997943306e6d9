import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  caseBody,
  createHarness,
  type Harness,
  type TestResponse,
  validIdNumber,
} from '../support/harness.js';
import { ENGLISH_RUN, HAN } from '../support/language.js';

/**
 * Every refusal in the caller's language: a broad set of bad requests through the real handlers, each asked in
 * Chinese and in English. The Chinese answer carries no English phrase in its title, detail or field messages (paths
 * and codes stay in `path` and `type`), the English one no Chinese; both have the same type, status and paths.
 */

const NOW = new Date('2026-11-28T02:00:00Z');
const ROLES = {
  clerk: ['clerk', 'clerk-1'],
  leader: ['leader', 'leader-1'],
  supervisor: ['supervisor', 'supervisor-1'],
  admin: ['admin', 'admin-1'],
  handler: ['handler', 'handler-1'],
} as const;
type Who = keyof typeof ROLES;

let h: Harness;
const tokens = {} as Record<Who, string>;
let seq = 500;
beforeAll(async () => {
  h = await createHarness({ now: NOW });
  for (const [who, [role, sub]] of Object.entries(ROLES)) tokens[who as Who] = await h.token(role, sub);
});
afterAll(() => h.close());

interface Ask {
  method: string;
  path: string;
  who?: Who;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
}

const ask = (request: Ask, language: string): Promise<TestResponse> =>
  h.request(request.method, request.path, {
    ...(request.who ? { token: tokens[request.who] } : {}),
    ...(request.body !== undefined ? { body: request.body } : {}),
    ...(request.rawBody !== undefined ? { rawBody: request.rawBody } : {}),
    headers: { 'accept-language': language, ...request.headers },
  });

const petitioner = () => [{ name: '王五', idNumber: validIdNumber(seq++) }];

/** A registered case, accepted when asked: its id and version. */
async function aCase(accepted = false): Promise<{ id: string; version: number }> {
  const created = await h.request('POST', '/v1/cases', {
    token: tokens.clerk,
    body: caseBody({ petitioners: petitioner() }),
  });
  expect(created.status, created.text).toBe(201);
  const { id } = created.body as { id: string };
  if (!accepted) return { id, version: 1 };
  const done = await h.request('POST', `/v1/cases/${id}/accept`, {
    token: tokens.clerk,
    body: { track: 'immediate' },
    headers: { 'if-match': '"1"' },
  });
  expect(done.status, done.text).toBe(200);
  return { id, version: (done.body as { version: number }).version };
}

const command = (id: string, name: string, body: unknown, version: number, who: Who = 'clerk'): Ask => ({
  method: 'POST',
  path: `/v1/cases/${id}/${name}`,
  who,
  body,
  headers: { 'if-match': `"${version}"` },
});

/** The words of an answer a person reads. */
const wordsOf = (body: { title: string; detail: string; errors?: { message: string }[] }) => [
  body.title,
  body.detail,
  ...(body.errors ?? []).map((e) => e.message),
];

/** Asks in both languages; the answer is the problem `type` expected, worded in each language. */
async function expectWorded(
  request: Ask,
  status: number,
  type: string,
): Promise<Record<'zh' | 'en', TestResponse>> {
  const zh = await ask(request, 'zh-CN,zh;q=0.9');
  const en = await ask(request, 'en-GB,en;q=0.8');
  for (const answer of [zh, en]) {
    expect(answer.status, answer.text).toBe(status);
    expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(answer.body.type).toBe(`/problems/${type}`);
  }
  expect(zh.headers.get('content-language')).toBe('zh-CN');
  expect(en.headers.get('content-language')).toBe('en');
  for (const text of wordsOf(zh.body)) {
    expect(text, zh.text).toMatch(HAN);
    expect(text, zh.text).not.toMatch(ENGLISH_RUN);
  }
  for (const text of wordsOf(en.body)) {
    expect(text, en.text).toMatch(/[A-Za-z]/);
    expect(text, en.text).not.toMatch(HAN);
  }
  const paths = (answer: TestResponse) => (answer.body.errors ?? []).map((e: { path: string }) => e.path);
  expect(paths(en)).toEqual(paths(zh));
  return { zh, en };
}

const messageAt = (answer: TestResponse, path: string): string | undefined =>
  (answer.body.errors as { path: string; message: string }[] | undefined)?.find((e) => e.path === path)
    ?.message;

describe('bad fields, in plain words', () => {
  it('a registration with every kind of bad field', async () => {
    const bad = {
      ...caseBody(),
      kind: 'complaint',
      title: '长'.repeat(201),
      category: 'weather',
      headcount: 'many',
      receivedAt: '2026-11-27 09:00',
      petitioners: [
        {
          name: '张三',
          idNumber: `${validIdNumber(1).slice(0, 17)}${validIdNumber(1).endsWith('0') ? '1' : '0'}`,
          phone: '12345',
        },
      ],
      colour: 'red',
    };
    delete (bad as Record<string, unknown>).description;
    const { zh, en } = await expectWorded(
      { method: 'POST', path: '/v1/cases', who: 'clerk', body: bad },
      400,
      'validation',
    );
    expect(messageAt(zh, 'description')).toBe('必填');
    expect(messageAt(en, 'description')).toBe('required');
    expect(messageAt(zh, 'title')).toBe('最多 200 字');
    expect(messageAt(zh, 'kind')).toBe('须为以下之一：petition、dispute');
    expect(messageAt(zh, 'category')).toBe('不是本镇事项分类中的类别');
    expect(messageAt(zh, 'headcount')).toBe('须为数字');
    expect(messageAt(zh, 'receivedAt')).toBe('请填写带时区的时间，如 2026-12-18T09:00:00+08:00');
    expect(messageAt(zh, 'petitioners.0.idNumber')).toBe('身份证号码校验位不正确，请核对');
    expect(messageAt(zh, 'petitioners.0.phone')).toBe('请填写手机号码，或带区号的固定电话');
    expect(messageAt(zh, 'colour')).toBe('不允许的字段');
    expect(zh.body.detail).toBe(`有 ${zh.body.errors.length} 处填写有误，请按各项提示修改`);
  });

  it('an empty list, a referral without its details, a date in the wrong form', async () => {
    await expectWorded(
      {
        method: 'POST',
        path: '/v1/cases',
        who: 'clerk',
        body: caseBody({ petitioners: [], channel: 'referral' }),
      },
      400,
      'validation',
    );
    const { zh } = await expectWorded(
      { method: 'GET', path: '/v1/metrics?from=2026-11-01&to=1.11.2026', who: 'leader' },
      400,
      'validation',
    );
    expect(messageAt(zh, 'to')).toBe('请填写日期，如 2026-12-18');
  });

  it('a range backwards, a report period that is no date, a number lookup with filters, a bad cursor', async () => {
    const backwards = await expectWorded(
      { method: 'GET', path: '/v1/metrics?from=2026-11-10&to=2026-11-01', who: 'leader' },
      400,
      'validation',
    );
    expect(messageAt(backwards.zh, 'to')).toBe('结束日期不能早于开始日期');
    const period = await expectWorded(
      { method: 'GET', path: '/v1/reports/daily/yesterday', who: 'leader' },
      400,
      'validation',
    );
    expect(messageAt(period.zh, 'date')).toBe('请填写日期，如 2026-12-18');
    await expectWorded(
      { method: 'GET', path: '/v1/cases?number=XF-20261128-0001&status=accepted', who: 'clerk' },
      400,
      'validation',
    );
    const cursor = await expectWorded(
      { method: 'GET', path: '/v1/cases?cursor=forged', who: 'clerk' },
      400,
      'validation',
    );
    expect(messageAt(cursor.zh, 'cursor')).toBe('不是本列表给出的翻页参数');
  });

  it('a body that is no JSON, or not JSON at all', async () => {
    await expectWorded(
      {
        method: 'POST',
        path: '/v1/cases',
        who: 'clerk',
        rawBody: '{"kind":',
        headers: { 'content-type': 'application/json' },
      },
      400,
      'validation',
    );
    await expectWorded(
      {
        method: 'POST',
        path: '/v1/cases',
        who: 'clerk',
        rawBody: 'kind=petition',
        headers: { 'content-type': 'text/plain' },
      },
      415,
      'unsupported-media-type',
    );
  });

  it('a village grid without its comprehensive parent', async () => {
    const { zh } = await expectWorded(
      { method: 'POST', path: '/v1/grids', who: 'admin', body: { name: '东村网格', level: 'village' } },
      400,
      'validation',
    );
    expect(messageAt(zh, 'parentId')).toBe('村级网格须有上级综合网格');
  });
});

describe('commands refused, naming statuses, commands and roles by their labels', () => {
  it('no If-Match, a stale version, a wrong status, a command not the caller’s, a role that may not', async () => {
    const { id, version } = await aCase(true);
    await expectWorded({ ...command(id, 'close', {}, version), headers: {} }, 428, 'precondition-required');
    await expectWorded(command(id, 'triage', { track: 'coordinated' }, version + 5), 412, 'stale-version');
    const wrong = await expectWorded(
      command(id, 'accept', { track: 'immediate' }, version),
      409,
      'wrong-status',
    );
    expect(wrong.zh.body.detail).toBe('案件当前状态为“已受理”，不能执行“受理”');
    expect(wrong.en.body.detail).toBe('“accept” is not allowed while the case is accepted');
    const notYours = await expectWorded(
      command(id, 'reply', { outcome: 'resolved', opinion: '已解决' }, version, 'supervisor'),
      403,
      'forbidden',
    );
    expect(notYours.zh.body.detail).toBe('您无权对本案执行“答复”');
    const role = await expectWorded(
      { method: 'GET', path: '/v1/audit/reveals?from=2026-11-01&to=2026-11-02', who: 'clerk' },
      403,
      'forbidden',
    );
    expect(role.zh.body.detail).toBe('此操作仅限信访办');
  });

  it('each rule its own title: extensions, levels, key marks, a case repeating itself, review and erasure', async () => {
    const { id, version } = await aCase(true);
    const firstTime = await expectWorded(
      command(id, 'extend', { days: 10, reason: '需要调查' }, version, 'leader'),
      409,
      'first-time-no-extension',
    );
    expect(firstTime.zh.body.title).toBe('初次信访事项不予延期');
    const tooLong = await expectWorded(
      command(id, 'extend', { days: 99, reason: '需要调查' }, version, 'leader'),
      400,
      'validation',
    );
    expect(messageAt(tooLong.zh, 'days')).toBe('不能大于 30');
    await expectWorded(
      command(id, 'escalate', { level: 'town', reason: '复杂' }, version, 'supervisor'),
      409,
      'not-higher-level',
    );
    await expectWorded(command(id, 'unmark-key', { reason: '已缓和' }, version, 'leader'), 409, 'not-key');
    await expectWorded(command(id, 'return', { reason: '不属本级' }, version), 409, 'wrong-status');
    await expectWorded(
      command(id, 'classify', { repeatOf: id, reason: '同一事项' }, version),
      409,
      'self-reference',
    );
    const unknown = await expectWorded(
      command(id, 'classify', { repeatOf: 'no-such-case', reason: '同一事项' }, version),
      400,
      'validation',
    );
    expect(messageAt(unknown.zh, 'repeatOf')).toBe('不是本镇的案件');
    await expectWorded(command(id, 'request-review', { reason: '不服' }, version), 409, 'wrong-status');
    await expectWorded(
      { ...command(id, 'erase', { reason: '信访人申请删除' }, version, 'admin') },
      409,
      'case-open',
    );
  });

  it('a key mark given twice, a reply rated twice, a case closed while review may still be asked for', async () => {
    const { id, version } = await aCase(true);
    const marked = await h.request('POST', `/v1/cases/${id}/mark-key`, {
      token: tokens.leader,
      body: { reason: '群体性苗头' },
      headers: { 'if-match': `"${version}"` },
    });
    expect(marked.status, marked.text).toBe(200);
    await expectWorded(
      command(id, 'mark-key', { reason: '再次标记' }, version + 1, 'leader'),
      409,
      'already-key',
    );
    const assigned = await h.request('POST', `/v1/cases/${id}/assign`, {
      token: tokens.clerk,
      body: { assigneeId: 'handler-1' },
      headers: { 'if-match': `"${version + 1}"` },
    });
    expect(assigned.status, assigned.text).toBe(200);
    const replied = await h.request('POST', `/v1/cases/${id}/reply`, {
      token: tokens.handler,
      body: { outcome: 'partially_resolved', opinion: '已部分支付' },
      headers: { 'if-match': `"${version + 2}"` },
    });
    expect(replied.status, replied.text).toBe(200);
    const rated = await h.request('POST', `/v1/cases/${id}/rate`, {
      token: tokens.clerk,
      body: { rating: 'dissatisfied' },
      headers: { 'if-match': `"${version + 3}"` },
    });
    expect(rated.status, rated.text).toBe(200);
    const again = await expectWorded(
      command(id, 'rate', { rating: 'satisfied' }, version + 4),
      409,
      'already-rated',
    );
    expect(again.zh.body.detail).toBe('该答复意见已评价过');
    await expectWorded(command(id, 'close', {}, version + 4), 409, 'review-window-open');
  });

  it('a registered case not referred from above cannot be returned', async () => {
    const { id, version } = await aCase();
    const answer = await expectWorded(
      command(id, 'return', { reason: '不属本级' }, version),
      409,
      'not-referred',
    );
    expect(answer.zh.body.detail).toBe('只有上级交办或转送的事项才能退回');
  });

  it('a second registration of an open matter is a repeat petition', async () => {
    const people = petitioner();
    const first = await h.request('POST', '/v1/cases', {
      token: tokens.clerk,
      body: caseBody({ petitioners: people }),
    });
    expect(first.status, first.text).toBe(201);
    await expectWorded(
      { method: 'POST', path: '/v1/cases', who: 'clerk', body: caseBody({ petitioners: people }) },
      409,
      'repeat-of-open-case',
    );
    await expectWorded(
      {
        method: 'POST',
        path: '/v1/cases',
        who: 'clerk',
        body: caseBody({ petitioners: petitioner(), repeatOfOpenCase: { reason: '另案' } }),
      },
      400,
      'validation',
    );
  });
});
