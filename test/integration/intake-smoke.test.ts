import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseBody, createHarness, type Harness } from '../support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h.close());

describe('intake over HTTP', () => {
  it('registers a petition and reads it back, masked', async () => {
    const token = await h.token('clerk', 'clerk-1');
    const created = await h.request('POST', '/v1/cases', { token, body: caseBody() });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/v1/cases/${created.body.id}`);
    expect(created.body.number).toMatch(/^XF-\d{8}-\d{4}$/);
    expect(created.body.petitioners[0].idNumber).toMatch(/^330681\*{8}\d{3}[\dX]$/);
    const read = await h.request('GET', `/v1/cases/${created.body.id}`, { token });
    expect(read.status).toBe(200);
    expect(read.headers.get('etag')).toBe('"1"');
    expect(read.body.title).toBe('拖欠工资');
  });
});
