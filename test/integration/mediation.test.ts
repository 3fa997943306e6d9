import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSweep } from '../../lambdas/usecases/sweep.js';
import { sweepDeps } from '../../lambdas/usecases/sweep-deps.js';
import {
  caseBody,
  createHarness,
  type Harness,
  type TestResponse,
  uniqueIdNumber,
} from '../support/harness.js';

/**
 * People's mediation and the service lines, walked through the HTTP contract: disputes mediated to a written
 * agreement, to an oral one and to failure, a callback missed and seen by the sweep, a wage case handed to labour
 * arbitration and returned late, and the refusals on the way.
 */

let h: Harness;
const t: Record<string, string> = {};
let helperId: string;
const START = new Date('2026-11-28T02:00:00Z');

beforeAll(async () => {
  h = await createHarness({ now: START });
  for (const [name, roles, sub] of [
    ['clerk', 'clerk', 'clerk-1'],
    ['admin', 'admin', 'admin-1'],
    ['supervisor', 'supervisor', 'sup-1'],
    ['leader', 'leader', 'leader-1'],
    ['mediator', 'handler', 'mediator-1'],
    ['handler', 'handler', 'handler-2'],
  ] as const)
    t[name] = await h.token(roles, sub);
  const staff = await h.request('PUT', '/v1/staff/mediator-1', {
    token: t.admin!,
    body: { name: '王调解', title: '镇司法所调解员', roles: ['handler'] },
  });
  expect(staff.status, staff.text).toBe(200);
  const helper = await h.request('POST', '/v1/helpers', {
    token: t.supervisor!,
    body: { name: '李乡贤', kind: 'village_mediator', unit: '枫源村人民调解委员会', phone: '13800001111' },
  });
  expect(helper.status, helper.text).toBe(201);
  helperId = helper.body.id;
});
afterAll(() => h.close());

const cmd = (token: string, id: string, command: string, body: unknown, version: number, language?: string) =>
  h.request('POST', `/v1/cases/${id}/${command}`, {
    token,
    body,
    headers: { 'if-match': `"${version}"`, ...(language ? { 'accept-language': language } : {}) },
  });

function ok(response: TestResponse, status = 200) {
  expect(response.status, response.text).toBe(status);
  return response.body;
}

function problem(response: TestResponse, status: number, type: string) {
  expect(response.status, response.text).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(response.body.type).toBe(`/problems/${type}`);
  return response.body;
}

/** A neighbours' dispute of two petitioners, accepted at the window. */
async function acceptedDispute(
  overrides: Record<string, unknown> = {},
): Promise<{ id: string; version: number }> {
  const body = caseBody({
    kind: 'dispute',
    category: 'neighbor',
    title: '宅基地围墙纠纷',
    description: '两户因围墙位置发生争执',
    petitioners: [{ name: '张三' }, { name: '李四' }],
    ...overrides,
  });
  const created = ok(await h.request('POST', '/v1/cases', { token: t.clerk!, body }), 201);
  const accepted = ok(await cmd(t.clerk!, created.id, 'accept', { track: 'coordinated' }, created.version));
  return { id: accepted.id, version: accepted.version };
}

const mediateBody = () => ({
  committee: 'village',
  mediatorIds: ['mediator-1', helperId],
  parties: { petitioners: [0, 1], respondent: false },
});

const writtenBody = (by = '2026-12-10') => ({
  form: 'written',
  facts: '李四家新砌围墙越界约 0.3 米',
  disputed: '围墙位置及是否拆除',
  responsibilities: '李四承担主要责任',
  terms: ['李四拆除越界部分围墙', '张三不再主张赔偿'],
  performance: { how: '李四自行拆除', where: '李四家东侧', by },
});

describe('a dispute mediated to a written agreement', () => {
  it('runs mediate → session → agree, each with its timeline event, the time limit and then the callback watched', async () => {
    const { id, version } = await acceptedDispute();
    const mediated = ok(await cmd(t.clerk!, id, 'mediate', mediateBody(), version));
    expect(mediated.mediation).toMatchObject({
      committee: 'village',
      mediators: [
        { id: 'mediator-1', source: 'staff', name: '王调解' },
        { id: helperId, source: 'helper', name: '李乡贤' },
      ],
      dueBy: '2026-12-28T16:00:00.000Z',
    });
    expect(mediated.nextDeadline).toMatchObject({
      kind: 'mediation',
      lastDay: '2026-12-28',
    });

    // a handler who mediates now sees the case, and records a session without changing its version
    h.setNow('2026-11-28T04:00:00Z');
    const session = await h.request('POST', `/v1/cases/${id}/mediation/sessions`, {
      token: t.mediator!,
      body: {
        heldAt: '2026-11-28T10:30:00+08:00',
        place: '枫源村调解室',
        present: ['王调解', '李乡贤', '张三', '李四'],
        said: '双方陈述围墙位置争议，现场查看界桩',
        agreed: '李四同意拆除越界部分',
      },
    });
    expect(ok(session, 201)).toMatchObject({
      action: 'mediation-session',
      session: { place: '枫源村调解室' },
    });
    const read = await h.request('GET', `/v1/cases/${id}`, { token: t.mediator! });
    expect(read.headers.get('etag')).toBe(`"${mediated.version}"`);

    h.setNow('2026-11-30T02:00:00Z');
    const agreed = ok(await cmd(t.mediator!, id, 'agree', writtenBody(), mediated.version));
    expect(agreed.mediation.agreement).toMatchObject({
      number: `TJ-${agreed.number.slice(3)}`,
      form: 'written',
      effectiveAt: '2026-11-30T02:00:00.000Z',
      confirmationBy: '2026-12-30T16:00:00.000Z',
      callbackBy: '2026-12-10T16:00:00.000Z',
    });
    expect(agreed.nextDeadline).toMatchObject({ kind: 'callback', lastDay: '2026-12-10' });

    const called = ok(
      await cmd(t.mediator!, id, 'callback', { result: 'performed', note: '已拆除' }, agreed.version),
    );
    expect(called.mediation.callback).toMatchObject({ result: 'performed' });
    const events = (await h.request('GET', `/v1/cases/${id}/timeline?verify=true`, { token: t.clerk! })).body;
    expect(events.valid).toBe(true);
    expect(events.items.map((e: { action: string }) => e.action)).toEqual([
      'register',
      'accept',
      'mediate',
      'mediation-session',
      'agree',
      'callback',
    ]);
    h.setNow(START);
  });
});

describe('an oral agreement and a failure', () => {
  it('an oral agreement takes effect when agreed and needs no written facts', async () => {
    const { id, version } = await acceptedDispute();
    const mediated = ok(await cmd(t.clerk!, id, 'mediate', mediateBody(), version));
    const oral = ok(
      await cmd(
        t.clerk!,
        id,
        'agree',
        {
          form: 'oral',
          terms: ['李四当场赔礼道歉'],
          performance: { how: '当场履行', by: '2026-11-28' },
          effectiveAt: '2026-11-28T10:00:00+08:00',
        },
        mediated.version,
      ),
    );
    expect(oral.mediation.agreement).toMatchObject({ form: 'oral', effectiveAt: '2026-11-28T02:00:00.000Z' });
    expect(oral.mediation.agreement.facts).toBeUndefined();
  });

  it('a failure records the route the parties were told of, and ends the mediation', async () => {
    const { id, version } = await acceptedDispute();
    const mediated = ok(await cmd(t.clerk!, id, 'mediate', mediateBody(), version));
    const failed = ok(
      await cmd(
        t.mediator!,
        id,
        'mediation-failed',
        { reason: '双方各执一词', route: 'litigation' },
        mediated.version,
      ),
    );
    expect(failed.mediation.failure).toMatchObject({ reason: '双方各执一词', route: 'litigation' });
    expect(failed.nextDeadline.kind).toBe('reply');
    problem(await cmd(t.mediator!, id, 'agree', writtenBody(), failed.version), 409, 'not-mediating');
  });
});

describe('a missed callback', () => {
  it('is warned of and flagged overdue by the sweep, to the staff mediator', async () => {
    const { id, version } = await acceptedDispute();
    const mediated = ok(await cmd(t.clerk!, id, 'mediate', mediateBody(), version));
    const agreed = ok(await cmd(t.mediator!, id, 'agree', writtenBody('2026-12-01'), mediated.version));
    expect(agreed.nextDeadline).toMatchObject({ kind: 'callback', lastDay: '2026-12-01' });

    const sweep = sweepDeps(h.deps);
    const swept = await runSweep(sweep, new Date('2026-12-02T00:00:00Z'));
    expect(swept.overdue).toBeGreaterThanOrEqual(1);
    const after = ok(await h.request('GET', `/v1/cases/${id}`, { token: t.clerk! }));
    expect(after.overdue).toContainEqual(
      expect.objectContaining({ kind: 'callback', due: '2026-12-01T16:00:00.000Z' }),
    );
    // the callback stays the deadline the case waits on, passed, until it is recorded
    expect(after.nextDeadline).toMatchObject({ kind: 'callback', lastDay: '2026-12-01' });
    const inbox = ok(await h.request('GET', '/v1/me/notifications', { token: t.mediator! }));
    const notice = inbox.items.find(
      (n: { caseId: string; severity: string }) => n.caseId === id && n.severity === 'overdue',
    );
    expect(notice.text.zh).toContain('调解协议履行回访期限');
    expect(notice.text.en).toContain('callback on the mediation agreement');
  });
});

describe('a wage case handed to labour arbitration', () => {
  it('is watched until it returns, and its late return is recorded as late', async () => {
    const created = ok(await h.request('POST', '/v1/cases', { token: t.clerk!, body: caseBody() }), 201);
    const accepted = ok(await cmd(t.clerk!, created.id, 'accept', { track: 'coordinated' }, created.version));
    const handed = ok(
      await cmd(
        t.clerk!,
        created.id,
        'hand-off',
        { line: 'labor_arbitration', unit: '诸暨市劳动人事争议仲裁院', dueDate: '2026-12-08' },
        accepted.version,
      ),
    );
    expect(handed.handOffs).toEqual([
      expect.objectContaining({ id: 'h1', line: 'labor_arbitration', dueBy: '2026-12-08T16:00:00.000Z' }),
    ]);
    expect(handed.nextDeadline).toMatchObject({
      kind: 'hand_off',
      lastDay: '2026-12-08',
    });
    problem(
      await cmd(
        t.clerk!,
        created.id,
        'hand-off',
        { line: 'labor_arbitration', unit: '诸暨市劳动人事争议仲裁院', dueDate: '2026-12-20' },
        handed.version,
      ),
      409,
      'hand-off-open',
    );

    h.setNow('2026-12-10T02:00:00Z');
    const returned = ok(
      await cmd(
        t.clerk!,
        created.id,
        'hand-off-result',
        { handOffId: 'h1', accepted: true, result: '仲裁院已立案受理' },
        handed.version,
      ),
    );
    expect(returned.handOffs[0].returned).toEqual({
      accepted: true,
      result: '仲裁院已立案受理',
      at: '2026-12-10T02:00:00.000Z',
      onTime: false,
    });
    expect(returned.nextDeadline.kind).toBe('reply');
    h.setNow(START);
  });
});

describe('bad inputs', () => {
  let id: string;
  let version: number;
  beforeAll(async () => {
    ({ id, version } = await acceptedDispute());
  });

  it('agreeing or calling back before mediation is refused (409)', async () => {
    problem(await cmd(t.clerk!, id, 'agree', writtenBody(), version), 409, 'not-mediating');
    problem(
      await cmd(t.clerk!, id, 'callback', { result: 'performed', note: '已履行' }, version),
      409,
      'no-agreement',
    );
  });

  it('a mediator id in neither directory is refused by its place', async () => {
    const body = problem(
      await cmd(t.clerk!, id, 'mediate', { ...mediateBody(), mediatorIds: [helperId, 'nobody'] }, version),
      400,
      'validation',
    );
    expect(body.errors).toEqual([expect.objectContaining({ path: 'mediatorIds.1' })]);
  });

  it('a role that may not give the step is refused (403), and so is a handler who does not mediate', async () => {
    problem(await cmd(t.leader!, id, 'mediate', mediateBody(), version), 403, 'forbidden');
    const mediated = ok(await cmd(t.clerk!, id, 'mediate', mediateBody(), version));
    version = mediated.version;
    problem(await cmd(t.leader!, id, 'agree', writtenBody(), version), 403, 'forbidden');
    // a handler unrelated to the case does not even see it
    problem(await cmd(t.handler!, id, 'agree', writtenBody(), version), 404, 'not-found');
  });

  it('names each bad field in Chinese and English: consent, dates, empty terms, a written agreement’s facts', async () => {
    const noConsent = problem(
      await cmd(
        t.mediator!,
        id,
        'extend-mediation',
        { days: 10, partiesConsent: false, reason: '待测量' },
        version,
      ),
      400,
      'validation',
    );
    expect(noConsent.errors).toEqual([{ path: 'partiesConsent', message: '延长调解期限须经双方当事人同意' }]);

    const bad = problem(
      await cmd(
        t.mediator!,
        id,
        'agree',
        { form: 'written', terms: [], performance: { how: '拆除', by: '2026-11-01' } },
        version,
        'en',
      ),
      400,
      'validation',
    );
    const byPath = Object.fromEntries(
      bad.errors.map((e: { path: string; message: string }) => [e.path, e.message]),
    );
    expect(byPath.terms).toBe('at least 1 item');
    expect(byPath['performance.by']).toBe('may not be before today (Beijing time)');
    expect(byPath.facts).toBe('a written agreement must state this (People’s Mediation Law, Art 29)');
    expect(Object.keys(byPath).sort()).toEqual([
      'disputed',
      'facts',
      'performance.by',
      'responsibilities',
      'terms',
    ]);

    const missingFacts = problem(
      await cmd(
        t.mediator!,
        id,
        'agree',
        { ...writtenBody(), facts: undefined, disputed: undefined },
        version,
      ),
      400,
      'validation',
    );
    expect(missingFacts.errors).toContainEqual({
      path: 'facts',
      message: '书面调解协议须载明此项（《人民调解法》第二十九条）',
    });
    const notADate = problem(
      await cmd(t.mediator!, id, 'agree', writtenBody('2026-13-01'), version),
      400,
      'validation',
    );
    expect(notADate.errors.map((e: { path: string }) => e.path)).toEqual(['performance.by']);
  });

  it('a session needs a mediation under way, and a mediator or clerk to record it', async () => {
    const session = { heldAt: '2026-11-28T09:00:00+08:00', place: '调解室', present: ['张三'], said: '陈述' };
    problem(
      await h.request('POST', `/v1/cases/${id}/mediation/sessions`, { token: t.leader!, body: session }),
      403,
      'forbidden',
    );
    const { id: other } = await acceptedDispute();
    problem(
      await h.request('POST', `/v1/cases/${other}/mediation/sessions`, { token: t.clerk!, body: session }),
      409,
      'not-mediating',
    );
  });
});

describe('the agreement and its page for signing', () => {
  let id: string;
  let idNumber: string;
  beforeAll(async () => {
    idNumber = uniqueIdNumber();
    const accepted = await acceptedDispute({
      petitioners: [
        { name: '张三', idNumber, address: '浙江省诸暨市枫桥镇枫源村 12 号' },
        { name: '李四', phone: '13912345678' },
      ],
    });
    id = accepted.id;
    const mediated = ok(await cmd(t.clerk!, id, 'mediate', mediateBody(), accepted.version));
    ok(await cmd(t.mediator!, id, 'agree', writtenBody(), mediated.version));
  });

  it('reads as JSON to staff who see the case, the parties masked and the last days in words', async () => {
    const json = ok(await h.request('GET', `/v1/cases/${id}/agreement`, { token: t.leader! }));
    expect(json).toMatchObject({
      form: 'written',
      formLabel: '书面调解协议',
      committeeLabel: '村（居）人民调解委员会',
      terms: ['李四拆除越界部分围墙', '张三不再主张赔偿'],
      performance: { by: '2026-12-10', byText: '2026年12月10日' },
      judicialConfirmation: { lastDay: '2026-12-28', lastDayText: '2026年12月28日' },
      callback: { lastDay: '2026-12-10' },
    });
    expect(json.parties[0].name).toBe('张三');
    expect(json.parties[0].idNumber).not.toBe(idNumber);
    expect(json.parties[0].idNumber).toMatch(/\*/);
    expect(JSON.stringify(json)).not.toContain('枫源村 12 号');
    const en = ok(
      await h.request('GET', `/v1/cases/${id}/agreement`, {
        token: t.leader!,
        headers: { 'accept-language': 'en' },
      }),
    );
    expect(en.judicialConfirmation.lastDayText).toBe('28 Dec 2026, Beijing time');
    expect(en.formLabel).toBe('Written agreement');
  });

  it('prints for the mediator in zh-CN, the parties in clear, kept nowhere, and logged like a reveal', async () => {
    const page = await h.request('GET', `/v1/cases/${id}/agreement`, {
      token: t.mediator!,
      headers: { accept: 'text/html' },
    });
    expect(page.status, page.text).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('cache-control')).toBe('no-store');
    for (const words of [
      '人民调解协议书',
      `编号：TJ-`,
      '纠纷主要事实',
      '争议事项',
      '各方当事人的责任',
      '经调解，自愿达成如下协议',
      '<li>李四拆除越界部分围墙</li>',
      '履行方式、地点、期限',
      '2026年12月10日',
      '至2026年12月28日（北京时间）止，共同向人民法院申请司法确认',
      '人民调解员（签名）',
      '人民调解委员会（印章）',
      idNumber,
      '浙江省诸暨市枫桥镇枫源村 12 号',
      '王调解、李乡贤',
    ])
      expect(page.text).toContain(words);
    expect(page.text).toMatch(/^<!doctype html><html lang="zh-CN">/);

    const reveals = ok(
      await h.request('GET', '/v1/audit/reveals?from=2026-11-01&to=2026-12-31', { token: t.supervisor! }),
    );
    expect(reveals.items).toContainEqual(
      expect.objectContaining({
        caseId: id,
        actor: { id: 'mediator-1', role: 'handler' },
        fields: ['name', 'idNumber', 'address'],
      }),
    );
  });

  it('prints in English for Accept-Language: en', async () => {
    const page = await h.request('GET', `/v1/cases/${id}/agreement`, {
      token: t.clerk!,
      headers: { accept: 'text/html', 'accept-language': 'en' },
    });
    expect(page.status, page.text).toBe(200);
    for (const words of [
      '<html lang="en">',
      'People’s Mediation Agreement',
      'Main facts of the dispute',
      'Through mediation the parties have freely agreed as follows',
      'until 28 Dec 2026, Beijing time (People’s Mediation Law, Art 33)',
      'Mediator (signature)',
    ])
      expect(page.text).toContain(words);
  });

  it('is not printed for staff who are neither its mediators nor clerks, and a case without one has none', async () => {
    problem(
      await h.request('GET', `/v1/cases/${id}/agreement`, {
        token: t.leader!,
        headers: { accept: 'text/html' },
      }),
      403,
      'forbidden',
    );
    const { id: other } = await acceptedDispute();
    problem(await h.request('GET', `/v1/cases/${other}/agreement`, { token: t.clerk! }), 404, 'not-found');
  });
});

describe('the counts in the metrics', () => {
  it('give the success and performance rates with their samples, and the hand-offs returned late', async () => {
    const metrics = ok(
      await h.request('GET', '/v1/metrics?from=2026-11-01&to=2026-12-31', { token: t.leader! }),
    );
    // six mediations begun; five concluded: four agreements (written, oral, the missed callback's, the printed one)
    // and one failure
    expect(metrics.mediation).toMatchObject({
      begun: 6,
      concluded: 5,
      agreements: 4,
      failed: 1,
      successRate: { numerator: 4, denominator: 5, rate: 0.8 },
      agreementsByCommittee: { village: 4, town: 0 },
      agreementsByVillage: [],
      // the written agreement's callback on time; the oral one's and the missed one's passed before the sweep
      callbacksDue: 3,
      callbacksMissed: 2,
      performed: 1,
      performanceRate: { numerator: 1, denominator: 3 },
      overTime: 0,
    });
    expect(metrics.handOffs).toEqual({ handedOff: 1, open: 0, returnedOnTime: 0, late: 1 });
  });
});

describe('the weekly bulletin', () => {
  it('gives the week’s mediations and hand-offs as the metrics count them, in JSON and on its page', async () => {
    h.setNow('2026-12-07T02:00:00Z');
    const week = ok(await h.request('GET', '/v1/reports/weekly/2026-W48', { token: t.leader! }));
    const metrics = ok(
      await h.request('GET', '/v1/metrics?from=2026-11-23&to=2026-11-29', { token: t.leader! }),
    );
    expect(week.mediation).toEqual(metrics.mediation);
    expect(week.handOffs).toEqual(metrics.handOffs);
    expect(week.mediation.begun + week.handOffs.handedOff).toBeGreaterThan(0);
    const page = await h.request('GET', '/v1/reports/weekly/2026-W48', {
      token: t.leader!,
      headers: { accept: 'text/html' },
    });
    expect(page.status, page.text).toBe(200);
    expect(page.text).toContain('<h2>人民调解与五位一体分流</h2>');
    expect(page.text).toContain(`<td>${week.mediation.concluded}</td><td>${week.mediation.agreements}</td>`);
  });
});

describe('the yearly summary', () => {
  it('gives the year’s mediations and hand-offs, in JSON and on its page', async () => {
    // the year is over: its summary runs to 31 December
    h.setNow('2027-01-05T02:00:00Z');
    const yearly = ok(await h.request('GET', '/v1/reports/yearly/2026', { token: t.leader! }));
    expect(yearly.mediation).toMatchObject({
      concluded: 5,
      agreements: 4,
      successRate: { numerator: 4, denominator: 5 },
      agreementsByCommittee: { village: 4, town: 0 },
      callbacksDue: 3,
      performed: 1,
    });
    expect(yearly.handOffs).toEqual({ handedOff: 1, open: 0, returnedOnTime: 0, late: 1 });
    const page = await h.request('GET', '/v1/reports/yearly/2026', {
      token: t.leader!,
      headers: { accept: 'text/html' },
    });
    expect(page.status, page.text).toBe(200);
    expect(page.text).toContain('<td>人民调解（结案/达成协议/村调委会达成）</td><td>5/4/4</td>');
    expect(page.text).toContain('<td>调解成功率</td><td>80.0%（4/5）</td>');
    expect(page.text).toContain('<td>分流至其他渠道（按期反馈/逾期）</td><td>1（0/1）</td>');
  });
});
