import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../lambdas/adapters/table-model.js';
import { createTownScheduleHandler } from '../../lambdas/handlers/town-schedule.js';
import { eraseExpired } from '../../lambdas/usecases/erase-personal-data.js';
import { createHarness, type Harness, validIdNumber } from '../support/harness.js';
import { caseCalls } from '../support/privacy.js';

/**
 * Erasure: an admin's command on a case no longer being handled, and retention after closure. The data key and the
 * ciphertexts go, every personal field reads `[erased]`, the version stays and the timeline still verifies.
 */

const T0 = new Date('2026-11-28T02:00:00Z');
const DAY_MS = 24 * 60 * 60 * 1000;
const at = (days: number) => new Date(T0.getTime() + days * DAY_MS);

let h: Harness;
let clerk: string;
let handler: string;
let admin: string;
let calls: ReturnType<typeof caseCalls>;
let seq = 0;

/** A new petitioner each time, so no case is a repeat of another. */
const person = () => {
  seq += 1;
  return {
    name: `何${seq}号`,
    idNumber: validIdNumber(500 + seq, '19720202'),
    phone: `1350000${String(seq).padStart(4, '0')}`,
    address: `枫桥镇北村${seq}组${seq}号`,
  };
};

beforeAll(async () => {
  h = await createHarness({ now: T0 });
  [clerk, handler, admin] = await Promise.all([
    h.token('clerk', 'clerk-1'),
    h.token('handler', 'handler-1'),
    h.token('admin', 'admin-1'),
  ]);
  calls = caseCalls(h);
});
afterAll(() => h.close());

const erase = (
  id: string,
  version: number | undefined,
  body: unknown = { reason: '当事人申请删除个人信息' },
) =>
  h.request('POST', `/v1/cases/${id}/erase`, {
    token: admin,
    body,
    ...(version === undefined ? {} : { headers: { 'if-match': `"${version}"` } }),
  });

const storedCase = async (id: string) =>
  (await h.deps.db.send(new GetCommand({ TableName: h.tables.cases, Key: keys.caseItem('town-a', id) })))
    .Item ?? {};

describe('POST /v1/cases/{id}/erase', () => {
  it('erases a withdrawn case’s personal data, keeps its version and leaves the timeline valid', async () => {
    const p = person();
    const { id } = await calls.register(clerk, { petitioners: [p] });
    const withdrawn = await calls.command(clerk, id, 'withdraw', { reason: '已和解' }, 1);
    expect(withdrawn.status).toBe(200);

    const erased = await erase(id, 2);
    expect(erased.status, erased.text).toBe(200);
    expect(erased.headers.get('etag')).toBe('"2"');
    expect(erased.body.version).toBe(2);
    expect(erased.body.petitioners).toEqual([
      { name: '[erased]', idNumber: '[erased]', phone: '[erased]', address: '[erased]' },
    ]);
    expect((await h.request('GET', `/v1/cases/${id}`, { token: clerk })).body.petitioners[0].phone).toBe(
      '[erased]',
    );

    const timeline = await h.request('GET', `/v1/cases/${id}/timeline?verify=true`, { token: clerk });
    expect(timeline.body.valid).toBe(true);
    expect(timeline.body.items.at(-1)).toMatchObject({
      action: 'erase',
      actor: { id: 'admin-1', role: 'admin' },
      note: '当事人申请删除个人信息',
    });

    const item = await storedCase(id);
    expect(item.personal).toEqual({ state: 'erased', at: T0.toISOString() });
    expect(JSON.stringify(item)).not.toContain(p.name);

    const revealed = await h.request('POST', `/v1/cases/${id}/reveal`, {
      token: clerk,
      body: { purpose: '确认是否已删除' },
    });
    expect(revealed.status).toBe(200);
    expect(revealed.body.petitioners).toEqual([
      { name: '[erased]', idNumber: '[erased]', phone: '[erased]', address: '[erased]' },
    ]);

    const again = await erase(id, 2);
    expect(again.status).toBe(409);
    expect(again.body.type).toBe('/problems/already-erased');
  });

  it('takes the blind index too: the same petitioner later counts as first-time', async () => {
    const p = person();
    const { id } = await calls.register(clerk, { petitioners: [p] });
    const blindIndex = async () =>
      (
        await h.deps.db.send(
          new QueryCommand({
            TableName: h.tables.cases,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :pi)',
            ExpressionAttributeValues: { ':pk': keys.caseItem('town-a', id).pk, ':pi': 'PI#' },
          }),
        )
      ).Items ?? [];
    expect(await blindIndex()).toHaveLength(1);
    await calls.command(clerk, id, 'withdraw', { reason: '已和解' }, 1);
    expect((await erase(id, 2)).status).toBe(200);
    expect(await blindIndex()).toEqual([]);
    expect(await calls.register(clerk, { petitioners: [p] })).toMatchObject({ firstTime: true });
  });

  it('erases an accusation’s accuser and the accusation itself', async () => {
    const { id } = await calls.register(clerk, {
      type: 'accusation',
      description: '举报某村干部优亲厚友',
      petitioners: [person()],
    });
    await calls.command(clerk, id, 'decline', { reason: '不属于本镇职权范围' }, 1);
    const erased = await erase(id, 2);
    expect(erased.status, erased.text).toBe(200);
    // the admin may not see an accuser, erased or not
    expect(erased.body.description).toBe('***');
    expect((await h.request('GET', `/v1/cases/${id}`, { token: clerk })).body.description).toBe('[erased]');
    const revealed = await h.request('POST', `/v1/cases/${id}/reveal`, {
      token: clerk,
      body: { purpose: '确认是否已删除', fields: ['name', 'description'] },
    });
    expect(revealed.body).toMatchObject({ petitioners: [{ name: '[erased]' }], description: '[erased]' });
  });

  it('keeps the data of a case still being handled (409 case-open)', async () => {
    const { id } = await calls.register(clerk, { petitioners: [person()] });
    const response = await erase(id, 1);
    expect(response.status).toBe(409);
    expect(response.body.type).toBe('/problems/case-open');
  });

  it('checks in the contract’s order: 404, 403, 428, 400, 412, 409', async () => {
    const { id } = await calls.register(clerk, { petitioners: [person()] });
    await calls.command(clerk, id, 'withdraw', { reason: '已和解' }, 1);
    expect((await erase('no-such-case', 2)).status).toBe(404);
    const byClerk = await h.request('POST', `/v1/cases/${id}/erase`, {
      token: clerk,
      body: { reason: '当事人申请删除个人信息' },
      headers: { 'if-match': '"2"' },
    });
    expect(byClerk.status).toBe(403);
    expect((await erase(id, undefined)).status).toBe(428);
    const invalid = await erase(id, 2, { reason: '删' });
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors[0].path).toBe('reason');
    expect((await erase(id, 2, { reason: '当事人申请删除个人信息', values: 1 })).status).toBe(400);
    expect((await erase(id, 1)).status).toBe(412);
    expect((await erase(id, 2)).status).toBe(200);
  });
});

describe('eraseExpired', () => {
  it('erases only closed cases past the town’s retention, from the index of closed cases', async () => {
    const tokens = { clerk, handler, handlerId: 'handler-1' };
    const policy = await h.request('GET', '/v1/admin/policy', { token: admin });
    expect(policy.body.retentionDaysAfterClosure).toBe(3650);
    const put = await h.request('PUT', '/v1/admin/policy', {
      token: admin,
      body: { ...policy.body, retentionDaysAfterClosure: 30 },
    });
    expect(put.status, put.text).toBe(200);

    h.setNow(at(0));
    const early = await calls.register(clerk, { petitioners: [person()] });
    await calls.close(tokens, early.id);
    const open = await calls.register(clerk, { petitioners: [person()] });
    const withdrawn = await calls.register(clerk, { petitioners: [person()] });
    await calls.command(clerk, withdrawn.id, 'withdraw', { reason: '已和解' }, 1);
    h.setNow(at(20));
    const late = await calls.register(clerk, { petitioners: [person()] });
    await calls.close(tokens, late.id);

    expect(await eraseExpired(h.deps, 'town-a', at(30))).toEqual({ erased: 0 });
    expect(await eraseExpired(h.deps, 'town-a', at(31))).toEqual({ erased: 1 });
    expect(await eraseExpired(h.deps, 'town-a', at(31))).toEqual({ erased: 0 });
    const read = async (id: string) => (await h.request('GET', `/v1/cases/${id}`, { token: clerk })).body;
    expect((await read(early.id)).petitioners[0].name).toBe('[erased]');
    for (const kept of [late, open, withdrawn])
      expect((await read(kept.id)).petitioners[0].name).not.toBe('[erased]');

    expect(await eraseExpired(h.deps, 'town-a', at(51))).toEqual({ erased: 1 });
    expect((await read(late.id)).petitioners[0].name).toBe('[erased]');
    expect(await eraseExpired(h.deps, 'town-a', at(400))).toEqual({ erased: 0 });

    const timeline = await h.request('GET', `/v1/cases/${early.id}/timeline?verify=true`, { token: clerk });
    expect(timeline.body.valid).toBe(true);
    expect(timeline.body.items.at(-1)).toMatchObject({
      action: 'erase',
      actor: { id: 'system', role: 'system' },
      note: 'retention: 30 days after closure',
    });
    expect(await storedCase(early.id)).not.toHaveProperty('gsi7pk');
    expect(await storedCase(late.id)).not.toHaveProperty('gsi7pk');
  });

  it('keeps ten years by default', async () => {
    const tokens = {
      clerk: await h.token('clerk', 'clerk-b', 'town-b'),
      handler: await h.token('handler', 'handler-b', 'town-b'),
      handlerId: 'handler-b',
    };
    h.setNow(at(0));
    const closed = await calls.register(tokens.clerk, { petitioners: [person()] });
    await calls.close(tokens, closed.id);
    expect(await eraseExpired(h.deps, 'town-b', at(3650))).toEqual({ erased: 0 });
    expect(await eraseExpired(h.deps, 'town-b', at(3651))).toEqual({ erased: 1 });
  });

  it('runs nightly for every town the deployment serves, from the schedule that says so or by the hour', async () => {
    const town = async (name: string) => ({
      clerk: await h.token('clerk', `clerk-${name}`, name),
      handler: await h.token('handler', `handler-${name}`, name),
      handlerId: `handler-${name}`,
      admin: await h.token('admin', `admin-${name}`, name),
    });
    const [c, d] = [await town('town-c'), await town('town-d')];
    const policy = await h.request('GET', '/v1/admin/policy', { token: c.admin });
    const put = await h.request('PUT', '/v1/admin/policy', {
      token: c.admin,
      body: { ...policy.body, retentionDaysAfterClosure: 30 },
    });
    expect(put.status, put.text).toBe(200);
    h.setNow(at(0));
    const short = await calls.register(c.clerk, { petitioners: [person()] });
    await calls.close(c, short.id);
    const kept = await calls.register(d.clerk, { petitioners: [person()] });
    await calls.close(d, kept.id);

    const nightly = createTownScheduleHandler(h.deps, ['town-c', 'town-d']);
    await expect(nightly({ kind: 'bogus' } as never)).rejects.toThrow(/unknown scheduled work/);
    h.setNow(at(31));
    // the night's deadline upkeep runs beside the erasure (test/integration/deadline-recompute.test.ts)
    const upkeep = { deadlines: expect.objectContaining({ failed: [] }) };
    expect(await nightly({ kind: 'retention' })).toEqual([
      { kind: 'retention', erased: 1, failed: [], ...upkeep },
    ]);
    const read = async (token: string, id: string) =>
      (await h.request('GET', `/v1/cases/${id}`, { token })).body.petitioners[0].name;
    expect(await read(c.clerk, short.id)).toBe('[erased]');
    expect(await read(d.clerk, kept.id)).not.toBe('[erased]');
    // a schedule that sends no input runs what is due at that hour: 02:30 Beijing time is retention only
    h.setNow('2027-01-10T18:30:00Z');
    expect(await nightly(undefined)).toEqual([{ kind: 'retention', erased: 0, failed: [], ...upkeep }]);
  });
});
