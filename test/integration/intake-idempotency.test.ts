import { randomUUID } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseBody, createHarness, type Harness } from '../support/harness.js';

/** `Idempotency-Key` on POST /v1/cases: retries return the first response; it is scoped by caller; GETs ignore it. */

let h: Harness;
let token: string;
beforeAll(async () => {
  h = await createHarness();
  token = await h.token('clerk', 'clerk-1');
});
afterAll(() => h.close());

/** A petitioner with neither ID number nor phone is never a repeat (Art 19): the same body may make two cases. */
const unmatched = [{ name: '匿名来访人' }];

const post = (body: unknown, key: string | undefined, as = token) =>
  h.request('POST', '/v1/cases', { token: as, body, headers: key ? { 'idempotency-key': key } : {} });

/** Every case of the town with this title, read through the list (one page is enough here). */
const casesTitled = async (title: string): Promise<{ id: string; registeredBy: { id: string } }[]> => {
  const list = await h.request('GET', '/v1/cases?limit=100', { token });
  expect(list.status).toBe(200);
  expect(list.body.nextCursor).toBeUndefined();
  return list.body.items.filter((c: { title: string }) => c.title === title);
};

describe('Idempotency-Key on registration', () => {
  it('without a key, the same body twice makes two cases (control)', async () => {
    const body = caseBody({ title: 'no key', petitioners: unmatched });
    const first = await post(body, undefined);
    const second = await post(body, undefined);
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(second.body.id).not.toBe(first.body.id);
    expect(await casesTitled('no key')).toHaveLength(2);
  });

  it('the same key and body twice return the same case, and only one exists', async () => {
    const key = randomUUID();
    const body = caseBody({ title: 'retried' });
    const first = await post(body, key);
    const second = await post(body, key);
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get('location')).toBe(first.headers.get('location'));
    expect((await casesTitled('retried')).map((c) => c.id)).toEqual([first.body.id]);
  });

  it('the stored answer holds no query code; the replay shows the code of the first answer', async () => {
    const key = randomUUID();
    const body = caseBody({ title: 'code kept out' });
    const first = await post(body, key);
    expect(first.status).toBe(201);
    const code: string = first.body.queryCode;
    expect(code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    const stored = await h.deps.db.send(new ScanCommand({ TableName: h.tables.idempotency }));
    const record = (stored.Items ?? [])
      .map((item) => JSON.stringify(item))
      .find((item) => item.includes(first.body.id));
    expect(record).toBeDefined();
    expect(record).not.toContain(code);
    expect(record).not.toContain(code.replaceAll('-', ''));
    const replay = await post(body, key);
    expect(replay.status).toBe(201);
    expect(replay.text).toBe(first.text);
    // the code finds the case: it is the one registered, not merely the same string twice
    const tracked = await h.request('GET', `/v1/public/track/${code}`);
    expect(tracked.status, tracked.text).toBe(200);
    expect(tracked.body.number).toBe(first.body.number);
  });

  // three rounds, since a race shows itself only in some interleavings
  it.each([1, 2, 3])(
    'ten concurrent requests with one key make exactly one case (round %i)',
    async (round) => {
      const key = randomUUID();
      const title = `stampede ${round}`;
      const body = caseBody({ title });
      const responses = await Promise.all(Array.from({ length: 10 }, () => post(body, key)));
      const created = responses.filter((r) => r.status === 201);
      const busy = responses.filter((r) => r.status === 409);
      expect(created.length + busy.length).toBe(10);
      expect(created.length).toBeGreaterThanOrEqual(1);
      expect(new Set(created.map((r) => r.body.id)).size).toBe(1);
      for (const r of busy) {
        expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(r.body.type).toBe('/problems/in-progress');
        expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
      }
      const cases = await casesTitled(title);
      expect(cases.map((c) => c.id)).toEqual([created[0]!.body.id]);
      // once the first has finished, a retry gets the stored response
      const retry = await post(body, key);
      expect(retry.status).toBe(201);
      expect(retry.body.id).toBe(created[0]!.body.id);
    },
  );

  it('the same key with another body is 409 idempotency-mismatch and creates nothing', async () => {
    const key = randomUUID();
    const original = caseBody({ title: 'original' });
    const first = await post(original, key);
    expect(first.status).toBe(201);
    const other = await post({ ...original, title: 'changed' }, key);
    expect(other.status).toBe(409);
    expect(other.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(other.body.type).toBe('/problems/idempotency-mismatch');
    expect(await casesTitled('changed')).toEqual([]);
    // the refused request leaves the first one's record alone: a retry of the first still gets its case back
    const retry = await post(original, key);
    expect(retry.status).toBe(201);
    expect(retry.body.id).toBe(first.body.id);
    expect((await casesTitled('original')).map((c) => c.id)).toEqual([first.body.id]);
  });

  it('the same key from another user makes their own new case', async () => {
    const key = randomUUID();
    const body = caseBody({ title: 'shared key', petitioners: unmatched });
    const mine = await post(body, key);
    const theirs = await post(body, key, await h.token('clerk', 'clerk-2'));
    expect([mine.status, theirs.status]).toEqual([201, 201]);
    expect(theirs.body.id).not.toBe(mine.body.id);
    expect(theirs.body.registeredBy.id).toBe('clerk-2');
    expect(mine.body.registeredBy.id).toBe('clerk-1');
    const cases = await casesTitled('shared key');
    expect(cases.map((c) => c.registeredBy.id).sort()).toEqual(['clerk-1', 'clerk-2']);
  });

  it('the same key in another town makes that town its own case', async () => {
    const key = randomUUID();
    const body = caseBody({ title: 'two towns' });
    const here = await post(body, key);
    const there = await post(body, key, await h.token('clerk', 'clerk-1', 'town-b'));
    expect([here.status, there.status]).toEqual([201, 201]);
    expect(there.body.id).not.toBe(here.body.id);
  });
});

describe('Idempotency-Key on reads is ignored', () => {
  it('GET of one case with the header twice returns fresh data', async () => {
    const created = await post(caseBody({ title: 'read twice' }), undefined);
    const path = `/v1/cases/${created.body.id}`;
    const headers = { 'idempotency-key': 'read-key' };
    const first = await h.request('GET', path, { token, headers });
    expect(first.status).toBe(200);
    expect(first.body.status).toBe('registered');
    expect(first.headers.get('etag')).toBe('"1"');
    const accepted = await h.request('POST', `${path}/accept`, {
      token,
      body: { track: 'immediate' },
      headers: { 'if-match': '"1"' },
    });
    expect(accepted.status).toBe(200);
    const second = await h.request('GET', path, { token, headers });
    expect(second.status).toBe(200);
    expect(second.body.status).toBe('accepted');
    expect(second.headers.get('etag')).toBe('"2"');
  });

  it('GET of the list with the header twice sees a case registered in between', async () => {
    const headers = { 'idempotency-key': 'list-key' };
    const first = await h.request('GET', '/v1/cases?limit=100', { token, headers });
    expect(first.status).toBe(200);
    const added = await post(caseBody({ title: 'in between' }), undefined);
    const second = await h.request('GET', '/v1/cases?limit=100', { token, headers });
    expect(second.status).toBe(200);
    expect(second.body.items).toHaveLength(first.body.items.length + 1);
    expect(second.body.items.map((c: { id: string }) => c.id)).toContain(added.body.id);
  });
});

describe('Routes whose body or answer no store may keep never reach the idempotency table', () => {
  const stored = async () =>
    ((await h.deps.db.send(new ScanCommand({ TableName: h.tables.idempotency }))).Items ?? []).length;

  it('a claim with a key: answered as without one, twice, and nothing stored (its body is the query code)', async () => {
    const registered = await post(
      caseBody({ title: 'claimed with a key', petitioners: unmatched }),
      undefined,
    );
    expect(registered.status).toBe(201);
    const citizen = await h.token('petitioner', 'citizen-claim');
    const before = await stored();
    const claim = () =>
      h.request('POST', '/v1/me/cases/claim', {
        token: citizen,
        body: { queryCode: registered.body.queryCode },
        headers: { 'idempotency-key': 'claim-key' },
      });
    const first = await claim();
    expect(first.status, first.text).toBe(200);
    const again = await claim();
    expect(again.status, again.text).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    expect(await stored()).toBe(before);
  });

  it('a reveal with a key: refused, and nothing stored', async () => {
    const registered = await post(caseBody({ title: 'revealed with a key' }), undefined);
    const before = await stored();
    const refused = await h.request('POST', `/v1/cases/${registered.body.id}/reveal`, {
      token,
      body: { purpose: '电话回访核实身份' },
      headers: { 'idempotency-key': 'reveal-key' },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([{ path: 'Idempotency-Key', message: '此请求不接受该请求头' }]);
    expect(await stored()).toBe(before);
  });
});
