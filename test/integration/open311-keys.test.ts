import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FILINGS_PER_KEY_PER_MINUTE } from '../../lambdas/open311/limits.js';
import { createHarness, type Harness } from '../support/harness.js';
import { expectJsonErrors, expectXmlErrors, issueKey, postRequest, requestForm } from '../support/open311.js';

/** A town's Open311 keys after issue: listed without the keys themselves, revoked by its admin. */

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ now: new Date('2026-11-20T02:00:00Z') });
});
afterAll(() => h.close());

const file = (apiKey: string, town: string) =>
  postRequest(h, 'json', requestForm(apiKey, { jurisdiction_id: town }));

describe('GET and DELETE /v1/admin/open311-keys', () => {
  it('lists the town’s keys without the keys, and revokes one so that it stops working at once', async () => {
    const admin = await h.token('admin', 'admin-k', 'town-k');
    const first = await issueKey(h, 'town-k', '随手拍');
    h.setNow('2026-11-20T03:00:00Z');
    const second = await issueKey(h, 'town-k', '平安枫桥');
    const other = await issueKey(h, 'town-j', '邻镇应用');
    expect((await file(first.apiKey, 'town-k')).status).toBe(201);

    const listed = await h.request('GET', '/v1/admin/open311-keys', { token: admin });
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((k: { keyId: string; name: string }) => [k.keyId, k.name])).toEqual([
      [first.keyId, '随手拍'],
      [second.keyId, '平安枫桥'],
    ]);
    expect(Object.keys(listed.body.items[0]).sort()).toEqual(['issuedAt', 'issuedBy', 'keyId', 'name']);
    expect(listed.text).not.toContain(first.apiKey);
    expect(listed.text).not.toContain(other.keyId);

    const revoke = (keyId: string) =>
      h.request('DELETE', `/v1/admin/open311-keys/${encodeURIComponent(keyId)}`, { token: admin });
    h.setNow('2026-11-21T02:00:00Z');
    const revoked = await revoke(first.keyId);
    expect(revoked.status, revoked.text).toBe(200);
    expect(revoked.body).toMatchObject({
      keyId: first.keyId,
      revokedBy: 'admin-k',
      revokedAt: '2026-11-21T02:00:00.000Z',
    });
    // revoking again answers what was done, and changes nothing
    h.setNow('2026-11-22T02:00:00Z');
    expect(await revoke(first.keyId)).toMatchObject({ status: 200, body: revoked.body });
    expectJsonErrors(await file(first.apiKey, 'town-k'), 403);
    expect((await file(second.apiKey, 'town-k')).status).toBe(201);
    const after = await h.request('GET', '/v1/admin/open311-keys', { token: admin });
    expect(after.body.items[0]).toEqual(revoked.body);
    expect(after.body.items[1]).not.toHaveProperty('revokedAt');

    // another town's key is unknown here, and keeps working
    expect((await revoke(other.keyId)).status).toBe(404);
    expect((await file(other.apiKey, 'town-j')).status).toBe(201);
  });

  it('is for admins only, and names a malformed key id', async () => {
    const clerk = await h.token('clerk', 'clerk-k', 'town-k');
    const admin = await h.token('admin', 'admin-k', 'town-k');
    expect((await h.request('GET', '/v1/admin/open311-keys', { token: clerk })).status).toBe(403);
    const unknown = '/v1/admin/open311-keys/abcdefghijkl';
    expect((await h.request('DELETE', unknown, { token: clerk })).status).toBe(403);
    expect((await h.request('DELETE', unknown, { token: admin })).status).toBe(404);
    const malformed = await h.request('DELETE', '/v1/admin/open311-keys/short', { token: admin });
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(malformed.body.errors[0].path).toBe('keyId');
  });
});

describe('filing per key', () => {
  it('takes a fixed number of requests a minute from one app, without holding back another', async () => {
    h.setNow('2026-11-25T02:00:10Z');
    const busy = await issueKey(h, 'town-r', '刷单应用');
    const quiet = await issueKey(h, 'town-r', '正常应用');
    for (let i = 0; i < FILINGS_PER_KEY_PER_MINUTE; i++)
      expect((await file(busy.apiKey, 'town-r')).status).toBe(201);
    const refused = await file(busy.apiKey, 'town-r');
    expect(expectJsonErrors(refused, 429)).toContain('try again in 50 s');
    expect(refused.headers.get('retry-after')).toBe('50');
    const inXml = await postRequest(h, 'xml', requestForm(busy.apiKey, { jurisdiction_id: 'town-r' }));
    expectXmlErrors(inXml, 429);
    expect((await file(quiet.apiKey, 'town-r')).status).toBe(201);
    h.setNow('2026-11-25T02:01:00Z');
    expect((await file(busy.apiKey, 'town-r')).status).toBe(201);
  });
});
