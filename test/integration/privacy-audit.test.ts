import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness, validIdNumber } from '../support/harness.js';
import { caseCalls } from '../support/privacy.js';

/**
 * The reveal log: every reveal is kept with who, when, which case, which fields and why, never the values, and only
 * supervisors read it, over Beijing dates (both included, at most 92 days).
 */

const PERSON = { name: '林阿婆', idNumber: validIdNumber(401, '19500808'), phone: '13322223333' };

let h: Harness;
let clerk: string;
let handler: string;
let supervisor: string;
let caseA: { id: string; number: string };
let caseB: { id: string; number: string };

/** Reveals at these instants (UTC): Beijing 11-28, 11-30 late evening, 12-01 just after midnight, 12-02, 01-05. */
const REVEALS = [
  { at: '2026-11-28T02:00:00Z', who: 'clerk', case: 'A', purpose: '电话回访核实身份', fields: ['phone'] },
  { at: '2026-11-30T15:30:00Z', who: 'handler', case: 'A', purpose: '上门调解前确认地址', fields: undefined },
  { at: '2026-11-30T16:30:00Z', who: 'clerk', case: 'B', purpose: '核对申请人身份证', fields: ['idNumber'] },
  {
    at: '2026-12-02T01:00:00Z',
    who: 'supervisor',
    case: 'B',
    purpose: '督办核实联系方式',
    fields: ['phone'],
  },
  {
    at: '2027-01-05T03:00:00Z',
    who: 'clerk',
    case: 'A',
    purpose: '复查阶段再次联系',
    fields: ['name', 'phone'],
  },
] as const;

beforeAll(async () => {
  h = await createHarness({ now: new Date('2026-11-28T01:00:00Z') });
  [clerk, handler, supervisor] = await Promise.all([
    h.token('clerk', 'clerk-1'),
    h.token('handler', 'handler-1'),
    h.token('supervisor', 'supervisor-1'),
  ]);
  const { register, command } = caseCalls(h);
  caseA = await register(clerk, { petitioners: [PERSON] });
  caseB = await register(clerk, { category: 'neighbor', petitioners: [{ ...PERSON, name: '林阿公' }] });
  const accept = await command(clerk, caseA.id, 'accept', { track: 'immediate', assigneeId: 'handler-1' }, 1);
  expect(accept.status).toBe(200);

  const tokens = { clerk, handler, supervisor };
  for (const r of REVEALS) {
    h.setNow(r.at);
    const response = await h.request('POST', `/v1/cases/${r.case === 'A' ? caseA.id : caseB.id}/reveal`, {
      token: tokens[r.who],
      body: { purpose: r.purpose, ...(r.fields ? { fields: r.fields } : {}) },
    });
    expect(response.status, response.text).toBe(200);
  }
});
afterAll(() => h.close());

const audit = (query: string, token = supervisor) =>
  h.request('GET', `/v1/audit/reveals?${query}`, { token });

describe('GET /v1/audit/reveals', () => {
  it('lists each reveal with who, when, which case, which fields and why; never a value', async () => {
    const response = await audit('from=2026-11-28&to=2026-11-28');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      items: [
        {
          at: '2026-11-28T02:00:00.000Z',
          caseId: caseA.id,
          caseNumber: caseA.number,
          actor: { id: 'clerk-1', role: 'clerk' },
          fields: ['phone'],
          purpose: '电话回访核实身份',
        },
      ],
    });
    const everything = await audit('from=2026-11-01&to=2027-01-31');
    expect(everything.body.items).toHaveLength(REVEALS.length);
    expect(everything.body.items[1].fields).toEqual(['name', 'idNumber', 'phone', 'address', 'description']);
    expect(everything.text).not.toContain(PERSON.phone);
    expect(everything.text).not.toContain(PERSON.idNumber);
  });

  it('reads Beijing dates, both included, oldest first across months', async () => {
    const at = async (query: string) =>
      (await audit(query)).body.items.map((item: { at: string }) => item.at) as string[];
    expect(await at('from=2026-11-30&to=2026-11-30')).toEqual(['2026-11-30T15:30:00.000Z']);
    expect(await at('from=2026-12-01&to=2026-12-01')).toEqual(['2026-11-30T16:30:00.000Z']);
    expect(await at('from=2026-11-29&to=2027-01-05')).toEqual([
      '2026-11-30T15:30:00.000Z',
      '2026-11-30T16:30:00.000Z',
      '2026-12-02T01:00:00.000Z',
      '2027-01-05T03:00:00.000Z',
    ]);
    expect(await at('from=2027-01-06&to=2027-02-01')).toEqual([]);
  });

  it('pages with an opaque cursor, and refuses a forged one', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await audit(`from=2026-11-01&to=2027-01-31&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((item: { at: string }) => item.at));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(REVEALS.map((r) => new Date(r.at).toISOString()));

    const forged = Buffer.from(
      JSON.stringify({ month: 0, key: { pk: 'T#town-b#REVEALS#2026-11', sk: '2026-11-28' } }),
    ).toString('base64url');
    for (const bad of [forged, 'not-a-cursor', Buffer.from('{"month":9}').toString('base64url')]) {
      const response = await audit(`from=2026-11-01&to=2026-12-31&cursor=${bad}`);
      expect(response.status).toBe(400);
      expect(response.body.errors[0].path).toBe('cursor');
    }
  });

  it('refuses a cursor whose sort key lies outside the range read, or is empty', async () => {
    const first = await audit('from=2026-11-28&to=2026-11-30&limit=1');
    const position = JSON.parse(Buffer.from(first.body.nextCursor, 'base64url').toString('utf8'));
    const { sk } = position.key as { sk: string };
    // the range's end is the start of Beijing 12-01: a key there or after it, or before the range, is outside
    for (const moved of [
      '',
      '2026-11-27T00:00:00.000Z#x',
      '2026-11-30T16:00:00.000Z',
      `2027${sk.slice(4)}`,
    ]) {
      const cursor = Buffer.from(
        JSON.stringify({ ...position, key: { ...position.key, sk: moved } }),
      ).toString('base64url');
      const response = await audit(`from=2026-11-28&to=2026-11-30&cursor=${cursor}`);
      expect(response.status, moved).toBe(400);
      expect(response.body.errors[0].path).toBe('cursor');
    }
    const real = await audit(`from=2026-11-28&to=2026-11-30&cursor=${first.body.nextCursor}`);
    expect(real.status).toBe(200);
    expect(real.body.items.map((item: { at: string }) => item.at)).toEqual(['2026-11-30T15:30:00.000Z']);
  });

  it('keeps one town’s log from another', async () => {
    const elsewhere = await h.token('supervisor', 'supervisor-b', 'town-b');
    const response = await audit('from=2026-11-01&to=2027-01-31', elsewhere);
    expect(response.status).toBe(200);
    expect(response.body.items).toEqual([]);
  });

  it.each([
    ['clerk', 'clerk-1'],
    ['leader', 'leader-1'],
    ['admin', 'admin-1'],
    ['handler', 'handler-1'],
    ['grid_worker', 'worker-1'],
  ])('is the supervisors’ alone: %s → 403', async (role, sub) => {
    const response = await audit('from=2026-11-01&to=2026-11-30', await h.token(role, sub));
    expect(response.status).toBe(403);
    expect(response.body.type).toBe('/problems/forbidden');
  });

  it('takes 92 days, both ends included', async () => {
    expect((await audit('from=2026-11-01&to=2027-01-31')).status).toBe(200);
  });

  it.each([
    ['93 days', 'from=2026-11-01&to=2027-02-01', 'to'],
    ['to before from', 'from=2026-12-02&to=2026-12-01', 'to'],
    ['no from', 'to=2026-12-01', 'from'],
    ['no to', 'from=2026-12-01', 'to'],
    ['a date that does not exist', 'from=2026-02-30&to=2026-03-01', 'from'],
    ['an instant instead of a date', 'from=2026-12-01T00:00:00Z&to=2026-12-02', 'from'],
    ['an unknown parameter', 'from=2026-12-01&to=2026-12-02&case=x', 'case'],
  ])('refuses %s (400)', async (_label, query, path) => {
    const response = await audit(query);
    expect(response.status).toBe(400);
    expect(response.body.type).toBe('/problems/validation');
    expect(response.body.errors.map((e: { path: string }) => e.path)).toContain(path);
  });
});
