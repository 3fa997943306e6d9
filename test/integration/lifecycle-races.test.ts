import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  caseBody,
  createHarness,
  type Harness,
  type TestResponse,
  validIdNumber,
} from '../support/harness.js';

/**
 * Concurrent writers on one case, over real HTTP against DynamoDB Local. The handler compares If-Match with the
 * version it read (a late reader sees version 2 ≠ 1 → 412) and the repository's transaction is conditioned on the
 * version and the timeline head it read (an early reader that loses the race re-reads and finds version 2 → 412).
 */

let h: Harness;
let clerk: string;
let seq = 600;
beforeAll(async () => {
  h = await createHarness({ now: new Date('2026-11-28T02:00:00Z') });
  clerk = await h.token('clerk', 'clerk-1');
});
afterAll(() => h.close());

async function register(): Promise<string> {
  const created = await h.request('POST', '/v1/cases', {
    token: clerk,
    body: caseBody({ petitioners: [{ name: '李四', idNumber: validIdNumber(seq++) }] }),
  });
  expect(created.status, created.text).toBe(201);
  return created.body.id;
}

const statusCounts = (responses: TestResponse[]) =>
  responses.reduce<Record<number, number>>((counts, r) => {
    counts[r.status] = (counts[r.status] ?? 0) + 1;
    return counts;
  }, {});

const verified = async (id: string) =>
  (await h.request('GET', `/v1/cases/${id}/timeline?verify=true`, { token: clerk })).body;

describe('twenty concurrent accepts with the same If-Match', () => {
  it('lets exactly one through; the other nineteen get 412 stale-version, and the timeline grows by one', async () => {
    const id = await register();
    const assignees = Array.from({ length: 20 }, (_, i) => `handler-${i}`);
    const responses = await Promise.all(
      assignees.map((assigneeId) =>
        h.request('POST', `/v1/cases/${id}/accept`, {
          token: clerk,
          body: { track: 'immediate', assigneeId },
          headers: { 'if-match': '"1"' },
        }),
      ),
    );
    const counts = statusCounts(responses);
    // the contract wants 412 for every loser: none of them may see 409 (they all sent version 1) or a 5xx
    expect(counts, JSON.stringify(counts)).toEqual({ 200: 1, 412: 19 });
    for (const r of responses.filter((r) => r.status === 412))
      expect(r.body.type).toBe('/problems/stale-version');

    const winner = responses.find((r) => r.status === 200)!;
    expect(winner.body.version).toBe(2);
    const stored = await h.request('GET', `/v1/cases/${id}`, { token: clerk });
    expect(stored.headers.get('etag')).toBe('"2"');
    // the stored case is the winner's, not a mixture
    expect(stored.body.assignee).toBe(winner.body.assignee);

    const timeline = await verified(id);
    expect(timeline.valid).toBe(true);
    expect(timeline.items.map((e: { action: string }) => e.action)).toEqual(['register', 'accept']);
  });
});

describe('ten concurrent notes on one case', () => {
  it('each succeeds or gets 503 with Retry-After; the chain verifies and holds 1 + successes events', async () => {
    const id = await register();
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        h.request('POST', `/v1/cases/${id}/notes`, { token: clerk, body: { text: `进展 ${i}` } }),
      ),
    );
    const counts = statusCounts(responses);
    expect(
      Object.keys(counts).every((s) => s === '201' || s === '503'),
      JSON.stringify(counts),
    ).toBe(true);
    for (const r of responses.filter((r) => r.status === 503)) {
      expect(r.headers.get('retry-after')).toBeTruthy();
      expect(r.body.type).toBe('/problems/unavailable');
    }
    const successes = counts[201] ?? 0;
    console.info('ten concurrent notes:', JSON.stringify(counts));
    expect(successes).toBeGreaterThanOrEqual(1);

    const timeline = await verified(id);
    expect(timeline.valid).toBe(true);
    expect(timeline.items).toHaveLength(1 + successes);
    // each successful note is in the timeline exactly once, at the seq it was given
    const seqs = responses.filter((r) => r.status === 201).map((r) => r.body.seq);
    expect(new Set(seqs).size).toBe(successes);
    expect([...seqs].sort((a, b) => a - b)).toEqual(Array.from({ length: successes }, (_, i) => i + 2));
    const stored = await h.request('GET', `/v1/cases/${id}`, { token: clerk });
    expect(stored.body.version).toBe(1);
  });

  it('a command racing with notes still lands once, at the version it named', async () => {
    const id = await register();
    const notes = Array.from({ length: 5 }, (_, i) =>
      h.request('POST', `/v1/cases/${id}/notes`, { token: clerk, body: { text: `并发 ${i}` } }),
    );
    const accept = h.request('POST', `/v1/cases/${id}/accept`, {
      token: clerk,
      body: { track: 'immediate' },
      headers: { 'if-match': '"1"' },
    });
    const [accepted, ...noted] = await Promise.all([accept, ...notes]);
    // the command retries when only the head moved (same version); it may give up with 503 after its retries
    expect([200, 503]).toContain(accepted!.status);
    const successes = noted.filter((r) => r.status === 201).length;
    expect(noted.every((r) => r.status === 201 || r.status === 503)).toBe(true);

    const timeline = await verified(id);
    expect(timeline.valid).toBe(true);
    const accepts = accepted!.status === 200 ? 1 : 0;
    expect(timeline.items).toHaveLength(1 + successes + accepts);
    const stored = await h.request('GET', `/v1/cases/${id}`, { token: clerk });
    expect(stored.body.version).toBe(1 + accepts);
    expect(stored.body.status).toBe(accepts ? 'accepted' : 'registered');
  });
});
