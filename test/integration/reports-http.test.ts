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
    '%s is a printable zh-CN page with SVG charts, no script and nothing personal',
    async (path) => {
      const page = await h.request('GET', path, { token: leader, headers: html });
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(page.headers.get('vary')).toBe('Accept');
      expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(page.text).toMatch(/^<!doctype html><html lang="zh-CN">/);
      expect(page.text).toContain('@page { size: A4');
      expect(page.text).toContain('<svg xmlns="http://www.w3.org/2000/svg"');
      expect(page.text).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org\/2000\/svg)/i);
      expect(page.text).not.toMatch(/张三|拖欠/);
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
