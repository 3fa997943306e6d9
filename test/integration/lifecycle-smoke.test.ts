import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseBody, createHarness, type Harness } from '../support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ now: new Date('2026-11-28T02:00:00Z') });
});
afterAll(() => h.close());

describe('a case from registration to closure', () => {
  it('walks accept → reply → close after the review window, the chain verifying', async () => {
    const clerk = await h.token('clerk', 'clerk-1');
    const handler = await h.token('handler', 'handler-1');
    const created = await h.request('POST', '/v1/cases', { token: clerk, body: caseBody() });
    expect(created.status).toBe(201);
    const id = created.body.id;
    const cmd = (token: string, command: string, body: unknown, version: number) =>
      h.request('POST', `/v1/cases/${id}/${command}`, {
        token,
        body,
        headers: { 'if-match': `"${version}"` },
      });

    const accepted = await cmd(clerk, 'accept', { track: 'immediate', assigneeId: 'handler-1' }, 1);
    expect(accepted.status).toBe(200);
    expect(accepted.body.deadlines.replyBy).toBe('2027-01-27T16:00:00.000Z');
    expect((await cmd(clerk, 'accept', { track: 'immediate' }, 1)).status).toBe(412);
    const note = await h.request('POST', `/v1/cases/${id}/notes`, {
      token: handler,
      body: { text: '已联系' },
    });
    expect(note.status).toBe(201);
    const replied = await cmd(handler, 'reply', { outcome: 'resolved', opinion: '已支付' }, 2);
    expect(replied.status).toBe(200);
    expect((await cmd(clerk, 'close', {}, 3)).body.type).toBe('/problems/review-window-open');
    h.setNow('2026-12-30T00:00:00Z');
    const closed = await cmd(clerk, 'close', {}, 3);
    expect(closed.status).toBe(200);
    expect(closed.body.status).toBe('closed');
    const timeline = await h.request('GET', `/v1/cases/${id}/timeline?verify=true`, { token: clerk });
    expect(timeline.body.valid).toBe(true);
    expect(timeline.body.items.map((e: { action: string }) => e.action)).toEqual([
      'register',
      'accept',
      'note',
      'reply',
      'close',
    ]);
  });
});
