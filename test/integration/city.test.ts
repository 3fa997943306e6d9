import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseBody, createHarness, type Harness, validIdNumber } from '../support/harness.js';

/**
 * The city's view (市/县信访局): a city supervisor whose claim names town-a and town-b reads both and nothing of
 * town-c; its bulletin ranks the towns, hiding a rank over a small sample; it reads a town's lists and cases as the
 * town's supervisor does, and supervises (督办) an open case once per Idempotency-Key.
 *
 * Registered on Tuesday 10 Nov 2026 (week 46): town-a's five cases accepted that day (five acknowledgements on time),
 * town-b's one accepted (one: under the minimum of five), one case of each left unacknowledged. Read on Friday 27 Nov
 * (week 48), when the unacknowledged cases are 2 days late; a case registered on 14 Nov is due within three days.
 */

const T0 = new Date('2026-11-10T02:00:00Z');
const LATER = new Date('2026-11-14T02:00:00Z');
const NOW = new Date('2026-11-27T02:00:00Z');
const TOWNS = ['town-a', 'town-b', 'town-c'];

let h: Harness;
let city: string;
const clerks: Record<string, string> = {};
const supervisors: Record<string, string> = {};
const cases: Record<string, string[]> = { 'town-a': [], 'town-b': [], 'town-c': [] };
/** Unacknowledged: overdue by NOW. */
const late: Record<string, string> = {};
let atRisk = '';
/** town-b's two cases due within three days. */
const riskB: string[] = [];
let carried = '';

async function register(town: string, body: Record<string, unknown> = caseBody()): Promise<string> {
  const created = await h.request('POST', '/v1/cases', { token: clerks[town]!, body });
  expect(created.status, created.text).toBe(201);
  return created.body.id;
}

async function accept(town: string, id: string): Promise<void> {
  const accepted = await h.request('POST', `/v1/cases/${id}/accept`, {
    token: clerks[town]!,
    body: { track: 'immediate' },
    headers: { 'if-match': '"1"' },
  });
  expect(accepted.status, accepted.text).toBe(200);
}

const cityGet = (path: string, headers: Record<string, string> = {}) =>
  h.request('GET', path, { token: city, headers });

beforeAll(async () => {
  h = await createHarness({ now: T0, towns: TOWNS });
  for (const town of TOWNS) {
    clerks[town] = await h.token('clerk', `clerk-${town}`, town);
    supervisors[town] = await h.token('supervisor', `sup-${town}`, town);
    const admin = await h.token('admin', `admin-${town}`, town);
    const staffed = await h.request('PUT', `/v1/staff/sup-${town}`, {
      token: admin,
      body: { name: '信访办主任', roles: ['supervisor'] },
    });
    expect(staffed.status, staffed.text).toBe(200);
  }
  city = await h.token('city_supervisor', 'city-1', undefined, { towns: ['town-a', 'town-b'] });
  for (let i = 0; i < 5; i++) cases['town-a']!.push(await register('town-a'));
  cases['town-b']!.push(await register('town-b'));
  cases['town-c']!.push(await register('town-c'));
  for (const id of cases['town-a']!) await accept('town-a', id);
  await accept('town-b', cases['town-b']![0]!);
  late['town-a'] = await register('town-a');
  late['town-b'] = await register('town-b');
  // a carried case (积案): entered by the petition office
  const entered = await h.request('POST', '/v1/cases', {
    token: supervisors['town-a']!,
    body: caseBody({
      category: 'land_requisition',
      receivedAt: '2019-03-01T09:00:00+08:00',
      backlog: {
        status: 'accepted',
        track: 'supervised',
        history: [{ date: '2019-03-01', what: '首次来访，反映征地补偿不足', unit: '原某乡信访办' }],
      },
    }),
  });
  expect(entered.status, entered.text).toBe(201);
  carried = entered.body.id;
  h.setNow(LATER);
  atRisk = await register('town-a');
  riskB.push(await register('town-b'), await register('town-b'));
  h.setNow(NOW);
});

afterAll(async () => {
  await h?.close();
});

describe('GET /v1/city/metrics', () => {
  it("gives each town of the claim its own metrics and ranks them; town-c is not the city's", async () => {
    const response = await cityGet('/v1/city/metrics?from=2026-11-01&to=2026-11-27');
    expect(response.status, response.text).toBe(200);
    expect(response.body.towns.map((t: { town: string }) => t.town)).toEqual(['town-a', 'town-b']);
    const [a, b] = response.body.towns;
    // town-a: five accepted, one late, one at risk (a carried case is entered, not registered); town-b: 1 + 1 + 2
    expect(a.totals.registered).toBe(7);
    expect(b.totals.registered).toBe(4);
    // a carried case is entered accepted: it is no acknowledgement of the period
    expect(a.indicators.timelyAcknowledgement).toMatchObject({ numerator: 5, denominator: 5 });
    expect(response.body.rankingMinimum).toBe(5);
    const timely = response.body.ranking.find(
      (r: { indicator: string }) => r.indicator === 'timelyAcknowledgement',
    );
    // town-b's one acknowledgement is under the minimum: no rate, no rank, its counts shown
    expect(timely.towns).toEqual([
      { town: 'town-a', rank: 1, numerator: 5, denominator: 5, rate: 1 },
      { town: 'town-b', rank: null, numerator: 1, denominator: 1, rate: null },
    ]);
  });

  it('reads one town with town=, and answers 404 for a town outside the claim as for one that does not exist', async () => {
    const one = await cityGet('/v1/city/metrics?from=2026-11-01&to=2026-11-27&town=town-b');
    expect(one.status, one.text).toBe(200);
    expect(one.body.towns.map((t: { town: string }) => t.town)).toEqual(['town-b']);
    for (const town of ['town-c', 'no-such-town']) {
      const refused = await cityGet(`/v1/city/metrics?from=2026-11-01&to=2026-11-27&town=${town}`);
      expect(refused.status).toBe(404);
      expect(refused.body.type).toBe('/problems/not-found');
      expect(refused.text).not.toContain(town);
    }
  });

  it.each([
    ['from=2026-13-01&to=2026-11-27', 'from'],
    ['from=2026-11-01', 'to'],
    ['from=2026-11-27&to=2026-11-01', 'to'],
    ['from=2025-01-01&to=2026-11-27', 'to'],
    ['from=2026-11-01&to=2026-11-27&town=bad%23town', 'town'],
    ['from=2026-11-01&to=2026-11-27&gridId=g1', 'gridId'],
  ])('refuses %s with a 400 naming %s', async (query, field) => {
    const response = await cityGet(`/v1/city/metrics?${query}`);
    expect(response.status, response.text).toBe(400);
    expect(response.body.errors.map((e: { path: string }) => e.path)).toContain(field);
  });
});

describe('the city bulletin', () => {
  it('ranks the towns of week 46 on the national indicators with their samples', async () => {
    const response = await cityGet('/v1/city/reports/weekly/2026-W46');
    expect(response.status, response.text).toBe(200);
    expect(response.body).toMatchObject({
      kind: 'weekly',
      period: '2026-W46',
      from: '2026-11-09',
      to: '2026-11-15',
    });
    expect(response.body.counts.registered).toBe(11);
    expect(
      response.body.towns.map((t: { town: string; counts: { registered: number } }) => [
        t.town,
        t.counts.registered,
      ]),
    ).toEqual([
      ['town-a', 7],
      ['town-b', 4],
    ]);
    expect(response.body.ranking.map((r: { indicator: string }) => r.indicator)).toEqual([
      'timelyAcknowledgement',
      'onTimeReply',
      'ratingParticipation',
      'satisfaction',
      'resolution',
      'repeat',
      'resolvedInVillage',
      'resolvedInTown',
    ]);
    const timely = response.body.ranking[0].towns;
    expect(timely.map((t: { town: string; rank: number | null }) => [t.town, t.rank])).toEqual([
      ['town-a', 1],
      ['town-b', null],
    ]);
    expect(response.body.itemsRead).toBeGreaterThan(0);
  });

  it('gives the month too, and refuses a malformed or future period naming it', async () => {
    const month = await cityGet('/v1/city/reports/monthly/2026-11');
    expect(month.status, month.text).toBe(200);
    expect(month.body).toMatchObject({ kind: 'monthly', from: '2026-11-01', to: '2026-11-30' });
    for (const [path, field] of [
      ['/v1/city/reports/weekly/2026-W99', 'week'],
      ['/v1/city/reports/weekly/2027-W10', 'week'],
      ['/v1/city/reports/monthly/2026-13', 'month'],
      ['/v1/city/towns/town-a/reports/monthly/11-2026', 'month'],
    ] as const) {
      const refused = await cityGet(path);
      expect(refused.status, path).toBe(400);
      expect(refused.body.errors[0].path).toBe(field);
    }
  });

  it('prints the page in Chinese, and in English with Accept-Language: en', async () => {
    const zh = await cityGet('/v1/city/reports/weekly/2026-W46', { accept: 'text/html' });
    expect(zh.status).toBe(200);
    expect(zh.headers.get('content-type')).toMatch(/^text\/html/);
    expect(zh.text).toContain('<html lang="zh-CN">');
    expect(zh.text).toContain('各乡镇信访工作周通报');
    expect(zh.text).toContain('2026年第46周');
    expect(zh.text).toContain('及时受理率');
    expect(zh.text).toContain('样本不足 5 件的乡镇只列出件数，不作排名');
    expect(zh.text).toContain('不排名');
    expect(zh.text).toContain('样本不足（1/1）');
    const en = await cityGet('/v1/city/reports/weekly/2026-W46', {
      accept: 'text/html',
      'accept-language': 'en',
    });
    expect(en.text).toContain('<html lang="en">');
    expect(en.text).toContain('Weekly Petition Work Bulletin of the Towns');
    expect(en.text).toContain('Timely acknowledgement rate');
    expect(en.text).toContain('not ranked');
    expect(en.text).not.toMatch(/[\u4e00-\u9fff]/);
  });
});

describe("a town's own bulletins, lists and cases", () => {
  it("reads town-a's weekly and monthly bulletins, JSON and page, and not town-c's", async () => {
    const week = await cityGet('/v1/city/towns/town-a/reports/weekly/2026-W48');
    expect(week.status, week.text).toBe(200);
    expect(week.body).toMatchObject({ kind: 'weekly', period: '2026-W48' });
    expect(week.body.overdue.items.map((c: { id: string }) => c.id)).toEqual([late['town-a']]);
    const month = await cityGet('/v1/city/towns/town-b/reports/monthly/2026-11', { accept: 'text/html' });
    expect(month.status).toBe(200);
    expect(month.text).toContain('信访工作月报');
    expect((await cityGet('/v1/city/towns/town-c/reports/weekly/2026-W48')).status).toBe(404);
  });

  it('lists the overdue and at-risk cases soonest first, a page at a time, and the carried cases', async () => {
    const first = await cityGet('/v1/city/towns/town-a/cases?view=overdue&limit=1');
    expect(first.status, first.text).toBe(200);
    // the carried case's reply is due in 60 days: it is not late
    expect(first.body.items.map((c: { id: string }) => c.id)).toEqual([late['town-a']]);
    expect(first.body.items[0]).toMatchObject({ town: 'town-a', status: 'registered' });
    expect(first.body.items[0].petitioners[0].idNumber).toMatch(/\*{8}/);
    if (first.body.nextCursor) {
      const next = await cityGet(
        `/v1/city/towns/town-a/cases?view=overdue&limit=1&cursor=${encodeURIComponent(first.body.nextCursor)}`,
      );
      expect(next.status, next.text).toBe(200);
      expect(next.body.items).toEqual([]);
    }
    const risk = await cityGet('/v1/city/towns/town-a/cases?view=at-risk');
    expect(risk.body.items.map((c: { id: string }) => c.id)).toEqual([atRisk]);
    const all = await cityGet('/v1/city/towns/town-a/cases?view=overdue&limit=100');
    expect(all.body.items.map((c: { id: string }) => c.id)).toEqual([late['town-a']]);
    expect(all.body.nextCursor).toBeUndefined();
    const backlog = await cityGet('/v1/city/towns/town-a/cases?view=backlog');
    expect(backlog.body.items.map((c: { id: string }) => c.id)).toEqual([carried]);
    const b = await cityGet('/v1/city/towns/town-b/cases?view=overdue');
    expect(b.body.items.map((c: { id: string }) => c.id)).toEqual([late['town-b']]);
  });

  it('pages the at-risk list with a cursor that works only on its own list', async () => {
    const ids: string[] = [];
    let cursor: string | undefined;
    let forged = 0;
    do {
      const page = await cityGet(
        `/v1/city/towns/town-b/cases?view=at-risk&limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(page.status, page.text).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(1);
      ids.push(...page.body.items.map((c: { id: string }) => c.id));
      cursor = page.body.nextCursor;
      if (cursor) {
        // the same position on another town's list, or on the overdue list, is a forged cursor
        for (const other of ['town-a/cases?view=at-risk', 'town-b/cases?view=overdue']) {
          const elsewhere = await cityGet(`/v1/city/towns/${other}&cursor=${encodeURIComponent(cursor)}`);
          expect(elsewhere.status, other).toBe(400);
          expect(elsewhere.body.errors[0].path).toBe('cursor');
          forged += 1;
        }
      }
    } while (cursor);
    expect(ids.sort()).toEqual([...riskB].sort());
    expect(forged).toBeGreaterThan(0);
  });

  it('refuses a list it does not have, a bad limit and a forged cursor, naming the field', async () => {
    for (const [query, field] of [
      ['view=all', 'view'],
      ['', 'view'],
      ['view=overdue&limit=0', 'limit'],
      ['view=overdue&cursor=bm90LWEtY3Vyc29y', 'cursor'],
      ['view=backlog&cursor=e30', 'cursor'],
    ] as const) {
      const response = await cityGet(`/v1/city/towns/town-a/cases?${query}`);
      expect(response.status, query).toBe(400);
      expect(response.body.errors.map((e: { path: string }) => e.path)).toContain(field);
    }
    expect((await cityGet('/v1/city/towns/town-c/cases?view=overdue')).status).toBe(404);
  });

  it("reads a case as the town's supervisor does, masked, and nothing of it under another town", async () => {
    const id = cases['town-a']![0]!;
    const response = await cityGet(`/v1/city/towns/town-a/cases/${id}`);
    expect(response.status, response.text).toBe(200);
    expect(response.headers.get('etag')).toBe('"2"');
    expect(response.body).toMatchObject({ id, town: 'town-a', status: 'accepted' });
    expect(response.body.petitioners[0].idNumber).toMatch(/^\d{6}\*{8}\d{3}[\dX]$/);
    expect(response.body.petitioners[0].phone).toBe('139****5678');
    expect(response.body.personal).toBeUndefined();
    const asTown = await h.request('GET', `/v1/cases/${id}`, { token: supervisors['town-a']! });
    const { town: _town, ...cityView } = response.body;
    expect(cityView).toEqual(asTown.body);
    expect((await cityGet(`/v1/city/towns/town-b/cases/${id}`)).status).toBe(404);
    expect((await cityGet(`/v1/city/towns/town-c/cases/${cases['town-c']![0]}`)).status).toBe(404);
    expect((await cityGet('/v1/city/towns/town-a/cases/no-such-case')).status).toBe(404);
  });
});

describe('a repeat across towns', () => {
  it('shows the city both cases, each named, where the town sees only which town', async () => {
    const person = { name: '赵六', idNumber: validIdNumber(777), phone: '13700001111' };
    const first = await register('town-a', caseBody({ category: 'land_use', petitioners: [person] }));
    const second = await register('town-b', caseBody({ category: 'land_use', petitioners: [person] }));
    const asTown = await h.request('GET', `/v1/cases/${second}`, { token: supervisors['town-b']! });
    expect(JSON.stringify(asTown.body)).not.toContain(first);
    const read = await cityGet(`/v1/city/towns/town-b/cases/${second}`);
    expect(read.status, read.text).toBe(200);
    expect(read.body.crossTownRepeats).toEqual([
      expect.objectContaining({ town: 'town-a', relation: 'earlier', caseId: first }),
    ]);
    const back = (await cityGet(`/v1/city/towns/town-a/cases/${first}`)).body;
    expect(back.crossTownRepeats).toEqual([
      expect.objectContaining({ town: 'town-b', relation: 'later', caseId: second }),
    ]);
    expect(read.body.crossTownRepeats[0].number).toMatch(/^XF-/);
    // the English view words the town's line in English
    const en = await cityGet(`/v1/city/towns/town-b/cases/${second}`, { 'accept-language': 'en' });
    expect(JSON.stringify(en.body.elsewhere ?? [])).not.toMatch(/[\u4e00-\u9fff]/);
  });
});

describe('督办: POST /v1/city/towns/{town}/cases/{id}/supervise', () => {
  const supervise = (town: string, id: string, body: unknown, headers: Record<string, string> = {}) =>
    h.request('POST', `/v1/city/towns/${town}/cases/${id}/supervise`, { token: city, body, headers });
  const inbox = async (town: string) =>
    (
      await h.request('GET', '/v1/me/notifications?limit=100', { token: supervisors[town]! })
    ).body.items.filter((n: { kind: string; caseId?: string }) => n.kind === 'supervision');

  it('writes the event and the notice once, whatever the retries with the same key', async () => {
    const id = late['town-a']!;
    const body = { note: '该件已超期，请于月底前办结并报告', dueDate: '2026-11-30' };
    const headers = { 'idempotency-key': 'city-dubàn-1' };
    const first = await supervise('town-a', id, body, headers);
    expect(first.status, first.text).toBe(201);
    expect(first.body.supervision).toMatchObject({ by: 'city-1', note: body.note, dueDate: '2026-11-30' });
    expect(first.body.notified).toBe(1);
    expect(first.body.case.version).toBe(1);
    const again = await supervise('town-a', id, body, headers);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    const otherBody = await supervise('town-a', id, { note: '另一意见' }, headers);
    expect(otherBody.status).toBe(409);
    expect(otherBody.body.type).toBe('/problems/idempotency-mismatch');

    const timeline = await h.request('GET', `/v1/cases/${id}/timeline?verify=true`, {
      token: supervisors['town-a']!,
    });
    expect(timeline.body.valid).toBe(true);
    const events = timeline.body.items.filter((e: { action: string }) => e.action === 'city-supervision');
    expect(events).toEqual([
      expect.objectContaining({ actor: { id: 'city-1', role: 'city_supervisor' }, note: body.note }),
    ]);
    const notices = (await inbox('town-a')).filter((n: { caseId: string }) => n.caseId === id);
    expect(notices).toHaveLength(1);
    expect(notices[0].severity).toBe('urgent');
    expect(notices[0].text.zh).toContain('上级督办');
    expect(notices[0].text.zh).toContain('2026年11月30日');
    expect(notices[0].text.zh).not.toContain(body.note);
    // the town sees it on the case, and the version is the same: no status changed
    const seen = await h.request('GET', `/v1/cases/${id}`, { token: clerks['town-a']! });
    expect(seen.body.version).toBe(1);
    expect(seen.body.supervisions).toEqual([expect.objectContaining({ by: 'city-1', note: body.note })]);
  });

  it('takes If-Match: the version it names, 412 when stale', async () => {
    const id = cases['town-b']![0]!;
    const stale = await supervise('town-b', id, { note: '请加快办理' }, { 'if-match': '"1"' });
    expect(stale.status, stale.text).toBe(412);
    expect(stale.body.type).toBe('/problems/stale-version');
    const fresh = await supervise('town-b', id, { note: '请加快办理' }, { 'if-match': '"2"' });
    expect(fresh.status, fresh.text).toBe(201);
    expect(fresh.headers.get('etag')).toBe('"2"');
    const seen = await cityGet(`/v1/city/towns/town-b/cases/${id}`);
    expect(seen.body.supervisions).toHaveLength(1);
  });

  it('refuses a case that is no longer open (409) and leaves it as it was', async () => {
    const id = await register('town-a');
    const withdrawn = await h.request('POST', `/v1/cases/${id}/withdraw`, {
      token: clerks['town-a']!,
      body: { reason: '已私下和解' },
      headers: { 'if-match': '"1"' },
    });
    expect(withdrawn.status, withdrawn.text).toBe(200);
    const refused = await supervise('town-a', id, { note: '请说明' });
    expect(refused.status, refused.text).toBe(409);
    expect(refused.body.type).toBe('/problems/wrong-status');
    expect(refused.body.detail).toContain('上级督办');
    const timeline = await h.request('GET', `/v1/cases/${id}/timeline`, { token: supervisors['town-a']! });
    expect(timeline.body.items.map((e: { action: string }) => e.action)).not.toContain('city-supervision');
  });

  it('answers 404 outside the claim, and 400 naming the field for a bad body', async () => {
    const refused = await supervise('town-c', cases['town-c']![0]!, { note: '请说明' });
    expect(refused.status).toBe(404);
    const id = late['town-b']!;
    for (const [body, field] of [
      [{ note: '' }, 'note'],
      [{}, 'note'],
      [{ note: '请说明', dueDate: '2026-11-26' }, 'dueDate'],
      [{ note: '请说明', dueDate: '30/11/2026' }, 'dueDate'],
      [{ note: '请说明', status: 'closed' }, 'status'],
    ] as const) {
      const response = await supervise('town-b', id, body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.errors.map((e: { path: string }) => e.path)).toContain(field);
    }
    expect(await inbox('town-b')).toEqual([expect.objectContaining({ caseId: cases['town-b']![0] })]);
  });
});

describe('who may call', () => {
  it("refuses town staff on the city's routes (403)", async () => {
    for (const token of [supervisors['town-a']!, clerks['town-a']!]) {
      for (const path of [
        '/v1/city/metrics?from=2026-11-01&to=2026-11-27',
        '/v1/city/reports/weekly/2026-W46',
        `/v1/city/towns/town-a/cases/${cases['town-a']![0]}`,
      ]) {
        const response = await h.request('GET', path, { token });
        expect(response.status, path).toBe(403);
        expect(response.body.type).toBe('/problems/forbidden');
        expect(response.body.detail).toContain('市县信访局');
      }
      const post = await h.request('POST', `/v1/city/towns/town-a/cases/${late['town-a']}/supervise`, {
        token,
        body: { note: '自行督办' },
      });
      expect(post.status).toBe(403);
    }
  });

  it("refuses the city on a town's routes (403), in the caller's language", async () => {
    const response = await h.request('GET', `/v1/cases/${cases['town-a']![0]}`, { token: city });
    expect(response.status).toBe(403);
    expect(response.body.detail).toContain('/v1/city');
    const en = await h.request('GET', '/v1/cases', { token: city, headers: { 'accept-language': 'en' } });
    expect(en.status).toBe(403);
    expect(en.body.detail).toMatch(/city supervisor/);
  });

  it('reads the claim in the authorizer’s bracketed form, and refuses a city group mixed with a town’s or without towns', async () => {
    const claims = (extra: Record<string, string>) => ({
      sub: 'city-1',
      token_use: 'access',
      'cognito:groups': '[city_supervisor]',
      ...extra,
    });
    const path = (town: string) => `/v1/city/towns/${town}/cases/${cases[town]![0]}`;
    const bracketed = claims({ 'custom:towns': '[town-a town-b]' });
    expect((await h.invoke('GET', path('town-b'), bracketed)).statusCode).toBe(200);
    expect((await h.invoke('GET', path('town-c'), bracketed)).statusCode).toBe(404);
    const spaced = claims({ 'custom:towns': 'town-c, town-a' });
    expect((await h.invoke('GET', path('town-c'), spaced)).statusCode).toBe(200);
    for (const bad of [
      claims({}),
      claims({ 'custom:towns': '' }),
      claims({ 'custom:towns': 'town-a', 'cognito:groups': '[city_supervisor clerk]' }),
    ]) {
      const refused = await h.invoke('GET', path('town-a'), bad);
      expect(refused.statusCode, JSON.stringify(bad)).toBe(401);
    }
  });
});

describe("the towns' names", () => {
  let named: Harness;
  beforeAll(async () => {
    named = await createHarness({ now: NOW, towns: ['town-a', 'town-b'] });
    // town-a has a Chinese and an English name, town-b a Chinese one only
    for (const [town, names] of [
      ['town-a', { townName: '甲镇', townNameEn: 'Jia Town' }],
      ['town-b', { townName: '乙镇' }],
    ] as const) {
      const admin = await named.token('admin', `admin-${town}`, town);
      const current = await named.request('GET', '/v1/admin/policy', { token: admin });
      expect(current.status, current.text).toBe(200);
      const put = await named.request('PUT', '/v1/admin/policy', {
        token: admin,
        body: { ...current.body, ...names },
      });
      expect(put.status, put.text).toBe(200);
    }
  });
  afterAll(() => named.close());

  it('name each town in the answers, in English where its admin gave an English name', async () => {
    const token = await named.token('city_supervisor', 'city-2', undefined, { towns: ['town-a', 'town-b'] });
    const metrics = await named.request('GET', '/v1/city/metrics?from=2026-11-01&to=2026-11-27', { token });
    expect(metrics.status, metrics.text).toBe(200);
    expect(metrics.body.towns.map((t: Record<string, unknown>) => [t.town, t.name, t.nameEn])).toEqual([
      ['town-a', '甲镇', 'Jia Town'],
      ['town-b', '乙镇', undefined],
    ]);
    expect(metrics.body.ranking[0].towns).toEqual(
      expect.arrayContaining([expect.objectContaining({ town: 'town-a', name: '甲镇', nameEn: 'Jia Town' })]),
    );

    const page = (language: string) =>
      named.request('GET', '/v1/city/reports/weekly/2026-W48', {
        token,
        headers: { accept: 'text/html', 'accept-language': language },
      });
    const zh = await page('zh-CN');
    expect(zh.text).toContain('甲镇');
    expect(zh.text).not.toContain('Jia Town');
    const en = await page('en');
    expect(en.text).toContain('Jia Town');
    expect(en.text).not.toContain('甲镇');
    // a town with no English name keeps the name it has
    expect(en.text).toContain('乙镇');
  });
});
