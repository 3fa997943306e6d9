import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseBody, createHarness, type Harness, type TestResponse } from '../support/harness.js';

/** The report and metrics routes over HTTP: roles, periods and ranges, and the rendered page. */

// Wednesday 28 October 2026, 10:00 in Beijing (week 2026-W44)
const NOW = new Date('2026-10-28T02:00:00Z');
const SCRIPT_NAME = '<script>alert(1)</script>';

let h: Harness;
let leader: string;
let clerk: string;

function expectInvalid(response: TestResponse, path: string) {
  expect(response.status, response.text).toBe(400);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(response.body.type).toBe('/problems/validation');
  expect(response.body.errors.map((e: { path: string }) => e.path)).toEqual([path]);
}

beforeAll(async () => {
  h = await createHarness({ now: NOW });
  leader = await h.token('leader', 'leader-1');
  clerk = await h.token('clerk', 'clerk-1');
  const admin = await h.token('admin', 'admin-1');
  const grid = async (body: Record<string, unknown>) => {
    const response = await h.request('POST', '/v1/grids', { token: admin, body });
    expect(response.status, response.text).toBe(201);
    return response.body.id as string;
  };
  const c = await grid({ name: '综合网格', level: 'comprehensive' });
  const hostile = await grid({ name: SCRIPT_NAME, level: 'village', parentId: c });
  const created = await h.request('POST', '/v1/cases', {
    token: clerk,
    body: caseBody({ gridId: hostile, title: '拖欠工资<b>', petitioners: [{ name: '张三' }] }),
  });
  expect(created.status, created.text).toBe(201);
});
afterAll(() => h.close());

const ROUTES = [
  '/v1/metrics?from=2026-10-01&to=2026-10-28',
  '/v1/reports/daily/2026-10-28',
  '/v1/reports/weekly/2026-W44',
  '/v1/reports/monthly/2026-10',
];

describe('who may read reports', () => {
  it.each(ROUTES)('%s: leader, supervisor and admin; other staff 403', async (path) => {
    for (const role of ['leader', 'supervisor', 'admin'])
      expect((await h.request('GET', path, { token: await h.token(role, `${role}-1`) })).status, role).toBe(
        200,
      );
    for (const role of ['clerk', 'grid_worker', 'handler']) {
      const response = await h.request('GET', path, { token: await h.token(role, `${role}-1`) });
      expect(response.status, role).toBe(403);
      expect(response.body.type).toBe('/problems/forbidden');
    }
  });

  it('answers 403 before looking at the period', async () => {
    expect((await h.request('GET', '/v1/reports/weekly/nonsense', { token: clerk })).status).toBe(403);
  });
});

describe('periods', () => {
  it.each([
    ['daily', '2026-02-30', 'date'],
    ['daily', '2026-9-1', 'date'],
    ['daily', 'today', 'date'],
    ['weekly', '2025-W53', 'week'],
    ['weekly', '2026-W00', 'week'],
    ['weekly', '2026-44', 'week'],
    ['monthly', '2026-13', 'month'],
    ['monthly', '2026-1', 'month'],
  ])('%s %s is 400 naming %s', async (kind, period, param) => {
    expectInvalid(await h.request('GET', `/v1/reports/${kind}/${period}`, { token: leader }), param);
  });

  it('refuses a period that has not begun, and serves the current one so far', async () => {
    expectInvalid(await h.request('GET', '/v1/reports/daily/2026-10-29', { token: leader }), 'date');
    expectInvalid(await h.request('GET', '/v1/reports/weekly/2026-W45', { token: leader }), 'week');
    expectInvalid(await h.request('GET', '/v1/reports/monthly/2026-11', { token: leader }), 'month');
    const today = await h.request('GET', '/v1/reports/daily/2026-10-28', { token: leader });
    expect(today.body).toMatchObject({ kind: 'daily', period: '2026-10-28', newCases: { total: 1 } });
    expect(today.body.storedAt).toBeUndefined();
    expect(today.body.itemsRead).toBeGreaterThan(0);
  });
});

describe('metrics ranges', () => {
  it.each([
    ['to=2026-10-28', 'from'],
    ['from=2026-10-28&to=2026-10-01', 'to'],
    ['from=2026-01-01&to=2027-01-02', 'to'],
    ['from=2026-02-30&to=2026-03-01', 'from'],
    ['from=2026-10-01&to=2026-10-28&gridId=nope', 'gridId'],
    ['from=2026-10-01&to=2026-10-28&grid=x', 'grid'],
  ])('%s is 400 naming %s', async (query, path) => {
    expectInvalid(await h.request('GET', `/v1/metrics?${query}`, { token: leader }), path);
  });

  it('takes up to 366 days, and says what it read', async () => {
    const year = await h.request('GET', '/v1/metrics?from=2024-01-01&to=2024-12-31', { token: leader });
    expect(year.status, year.text).toBe(200);
    expect(year.body).toMatchObject({ from: '2024-01-01', to: '2024-12-31', totals: {} });
    const month = await h.request('GET', '/v1/metrics?from=2026-10-01&to=2026-10-31', { token: leader });
    expect(month.body.totals).toMatchObject({ registered: 1, petitions: 1 });
    // one counter item (one grid, one shard) and the two grids of the tree
    expect(month.body.itemsRead).toBe(3);
  });
});

describe('the rendered page', () => {
  const html = { accept: 'text/html' };

  it.each(['/v1/reports/daily/2026-10-28', '/v1/reports/weekly/2026-W44', '/v1/reports/monthly/2026-10'])(
    '%s is a printable zh-CN page, without a chart of one case, no script and nothing personal',
    async (path) => {
      const page = await h.request('GET', path, { token: leader, headers: html });
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(page.headers.get('vary')).toBe('Accept, Accept-Language');
      expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(page.text).toMatch(/^<!doctype html><html lang="zh-CN">/);
      expect(page.text).toContain('@page { size: A4');
      // one case is no sample to rank or chart
      expect(page.text).not.toContain('<svg');
      expect(page.text).toMatch(/样本均?不足 5 件/);
      expect(page.text).not.toMatch(/<script|https?:\/\//i);
      expect(page.text).not.toMatch(/张三|拖欠|读取|条记录/);
    },
  );

  it('escapes a grid name that is markup', async () => {
    const daily = await h.request('GET', '/v1/reports/daily/2026-10-28', { token: leader, headers: html });
    expect(daily.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    const weekly = await h.request('GET', '/v1/reports/weekly/2026-W44', { token: leader, headers: html });
    expect(weekly.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    // the JSON keeps the name as it is
    const json = await h.request('GET', '/v1/reports/daily/2026-10-28', { token: leader });
    expect(json.body.newCases.byGrid[0].name).toBe(SCRIPT_NAME);
  });

  it.each([
    [undefined, 'application/json'],
    ['*/*', 'application/json'],
    ['application/json', 'application/json'],
    ['text/html, application/json', 'application/json'],
    ['text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', 'text/html'],
  ])('Accept %s gets %s', async (accept, type) => {
    const response = await h.request('GET', '/v1/reports/monthly/2026-10', {
      token: leader,
      ...(accept ? { headers: { accept } } : {}),
    });
    expect(response.headers.get('content-type')).toContain(type);
  });
});

describe('the town’s names on its pages', () => {
  const html = { accept: 'text/html' };
  const NAMES = {
    townName: '枫桥镇',
    issuingOffice: '枫桥镇信访办公室',
    townNameEn: 'Fengqiao Town',
    issuingOfficeEn: 'Fengqiao Town Petition Office',
  };
  let admin: string;

  const putSettings = async (changes: Record<string, unknown>) => {
    const current = await h.request('GET', '/v1/admin/policy', { token: admin });
    const { townName, issuingOffice, townNameEn, issuingOfficeEn, ...policy } = current.body;
    return h.request('PUT', '/v1/admin/policy', { token: admin, body: { ...policy, ...changes } });
  };

  beforeAll(async () => {
    admin = await h.token('admin', 'admin-1');
    const staff = async (userId: string, name: string, roles: string[]) => {
      const put = await h.request('PUT', `/v1/staff/${userId}`, { token: admin, body: { name, roles } });
      expect(put.status, put.text).toBe(200);
    };
    await staff('leader-1', '王书记', ['leader']);
    await staff('handler-1', '李调解', ['handler']);
    // a case the leader owns and the handler works: both appear in the weekly bulletin
    const created = await h.request('POST', '/v1/cases', {
      token: clerk,
      body: caseBody({ title: '邻里纠纷' }),
    });
    expect(created.status, created.text).toBe(201);
    const id = created.body.id as string;
    const accepted = await h.request('POST', `/v1/cases/${id}/accept`, {
      token: clerk,
      body: { track: 'coordinated', assigneeId: 'handler-1' },
      headers: { 'if-match': '"1"' },
    });
    expect(accepted.status, accepted.text).toBe(200);
    const owned = await h.request('POST', `/v1/cases/${id}/own`, {
      token: leader,
      body: {
        leaderId: 'leader-1',
        team: ['handler-1'],
        plan: { tasks: ['走访'], responsibilities: ['包案'], measures: ['调解'] },
      },
      headers: { 'if-match': '"2"' },
    });
    expect(owned.status, owned.text).toBe(200);
  });

  it('are 本镇 and 本镇信访办公室 until the admin sets them', async () => {
    const settings = await h.request('GET', '/v1/admin/policy', { token: admin });
    expect(settings.body).toMatchObject({ townName: '本镇', issuingOffice: '本镇信访办公室' });
    expect(settings.body.townNameEn).toBeUndefined();
    const page = await h.request('GET', '/v1/reports/weekly/2026-W44', { token: leader, headers: html });
    expect(page.text).toContain('<h1>本镇信访工作周通报</h1>');
  });

  it.each([
    ['townName', ''],
    ['townName', '   '],
    ['townName', '镇'.repeat(41)],
    ['townName', 42],
    ['townName', null],
    ['issuingOffice', '信访办\n'.repeat(2)],
    ['issuingOffice', '办'.repeat(61)],
    ['townNameEn', ''],
    ['issuingOfficeEn', ['Office']],
    ['townname', '枫桥镇'],
  ])('refuses %s = %j as a 400 naming it', async (field, value) => {
    const response = await putSettings({ [field]: value });
    expectInvalid(response, field);
  });

  it('are stored with the policy and printed on each page, in Chinese and in English', async () => {
    const put = await putSettings(NAMES);
    expect(put.status, put.text).toBe(200);
    expect(put.body).toMatchObject(NAMES);
    expect((await h.request('GET', '/v1/admin/policy', { token: admin })).body).toMatchObject(NAMES);

    const weekly = await h.request('GET', '/v1/reports/weekly/2026-W44', { token: leader, headers: html });
    expect(weekly.text).toContain('<h1>枫桥镇信访工作周通报</h1>');
    expect(weekly.text).toContain('2026年第44周（10月26日—11月1日）');
    expect(weekly.text).toContain('第44期');
    expect(weekly.text).toContain('<span>枫桥镇信访办公室</span><span>2026年10月28日</span>');
    expect(weekly.text).toMatch(/本期新登记 \d+ 件、告知受理 \d+ 件、办结 \d+ 件、超期 \d+ 件。/);
    expect(weekly.text).toContain('统计截至 10月28日 10:00');
    expect(weekly.text).toContain('包案领导：王书记');
    expect(weekly.text).toContain('<td>李调解</td>');
    expect(weekly.text).toContain('<td>否</td>');
    expect(weekly.text).not.toMatch(/leader-1|handler-1|clerk-1/);

    const en = await h.request('GET', '/v1/reports/weekly/2026-W44', {
      token: leader,
      headers: { ...html, 'accept-language': 'en' },
    });
    expect(en.text).toMatch(/^<!doctype html><html lang="en">/);
    expect(en.text).toContain('<h1>Weekly Petition Work Bulletin, Fengqiao Town</h1>');
    expect(en.text).toContain('<span>Fengqiao Town Petition Office</span>');
    expect(en.text).toContain('Leader: 王书记');
    expect(en.text).toContain('figures up to 28 Oct, 10:00');

    const daily = await h.request('GET', '/v1/reports/daily/2026-10-28', { token: leader, headers: html });
    expect(daily.text).toContain('<h1>枫桥镇信访工作日报</h1>');
    expect(daily.text).toContain('第301期');
    const monthly = await h.request('GET', '/v1/reports/monthly/2026-10', { token: leader, headers: html });
    expect(monthly.text).toContain('<h1>枫桥镇信访工作月报</h1>');
    expect(monthly.text).toContain('第10期');
  });

  it('left out of a later policy, take their defaults again', async () => {
    const put = await putSettings({});
    expect(put.status, put.text).toBe(200);
    expect(put.body).toMatchObject({ townName: '本镇', issuingOffice: '本镇信访办公室' });
    expect(put.body.townNameEn).toBeUndefined();
  });
});

describe('the metrics page', () => {
  it('answers Accept: text/html with the indicators and their samples, in zh-CN or English', async () => {
    const path = '/v1/metrics?from=2026-10-01&to=2026-10-28';
    const zh = await h.request('GET', path, { token: leader, headers: { accept: 'text/html' } });
    expect(zh.status).toBe(200);
    expect(zh.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(zh.text).toContain('信访工作主要指标</h1>');
    expect(zh.text).toContain('<td>按期办结率</td><td>无样本</td>');
    expect(zh.text).toContain('<th>期初积案</th>');
    expect(zh.text).toContain('统计截至 10月28日 10:00');
    const en = await h.request('GET', path, {
      token: leader,
      headers: { accept: 'text/html', 'accept-language': 'en' },
    });
    expect(en.text).toContain('<td>On-time completion rate</td><td>no cases</td>');
    const json = await h.request('GET', path, { token: leader });
    expect(json.headers.get('content-type')).toContain('application/json');
    expect(json.body.indicators.onTimeReply).toEqual({ numerator: 0, denominator: 0, rate: null });
  });

  it('still refuses a grid that is not the town’s', async () => {
    const response = await h.request('GET', '/v1/metrics?from=2026-10-01&to=2026-10-28&gridId=nope', {
      token: leader,
      headers: { accept: 'text/html' },
    });
    expectInvalid(response, 'gridId');
  });
});
