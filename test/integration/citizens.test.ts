import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseBody, createHarness, type Harness, validIdNumber } from '../support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ now: new Date('2026-11-28T02:00:00Z') });
});
afterAll(() => h.close());

const onlineBody = (overrides: Record<string, unknown> = {}) => {
  const { channel: _channel, ...body } = caseBody(overrides);
  return body;
};

describe('the citizens channel', () => {
  it('files online, tracks by code without login, follows milestones, rates and claims', async () => {
    const alice = await h.token('petitioner', 'citizen-alice');
    const bob = await h.token('petitioner', 'citizen-bob');
    const clerk = await h.token('clerk', 'clerk-1');
    const handler = await h.token('handler', 'handler-1');

    const filed = await h.request('POST', '/v1/public/petitions', {
      token: alice,
      body: onlineBody({ petitioners: [{ name: '张三', idNumber: validIdNumber() }] }),
    });
    expect(filed.status).toBe(201);
    expect(filed.body.channel).toBe('online');
    expect(filed.body.queryCode).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    expect(filed.body).not.toHaveProperty('registeredBy');
    const { id, queryCode } = filed.body;

    // nobody else sees it; the tracking page says nothing personal
    expect((await h.request('GET', `/v1/me/cases/${id}`, { token: bob })).status).toBe(404);
    expect((await h.request('GET', `/v1/cases/${id}`, { token: alice })).status).toBe(403);
    const tracked = await h.request('GET', `/v1/public/track/${queryCode.toLowerCase()}`);
    expect(tracked.status).toBe(200);
    expect(Object.keys(tracked.body).sort()).toEqual([
      'milestones',
      'nextDeadline',
      'number',
      'status',
      'statusLabel',
    ]);
    expect(tracked.text).not.toContain(validIdNumber());
    expect(tracked.text).not.toContain('张三');
    // labelled without a token, in Chinese unless asked otherwise, with the last day in words
    expect(tracked.headers.get('content-language')).toBe('zh-CN');
    expect(tracked.body).toMatchObject({ status: 'registered', statusLabel: '已登记' });
    expect(tracked.body.milestones).toEqual([
      expect.objectContaining({ milestone: 'register', label: '已登记', zh: '已登记', en: 'Registered' }),
    ]);
    // filed Saturday 28 November 2026 (Beijing): 15 days to decide on acceptance
    expect(tracked.body.nextDeadline).toEqual({
      kind: 'acknowledge',
      label: '受理告知期限',
      at: filed.body.deadlines.acknowledgeBy,
      lastDay: '2026-12-13',
      lastDayText: '2026年12月13日',
    });
    const inEnglish = await h.request('GET', `/v1/public/track/${queryCode}`, {
      headers: { 'accept-language': 'en-GB,en;q=0.8' },
    });
    expect(inEnglish.headers.get('content-language')).toBe('en');
    expect(inEnglish.body.statusLabel).toBe('Registered');
    expect(inEnglish.body.milestones[0].label).toBe('Registered');
    expect(inEnglish.body.nextDeadline).toMatchObject({
      label: 'Decision on acceptance due',
      lastDay: '2026-12-13',
      lastDayText: '13 Dec 2026, Beijing time',
    });
    // the citizen's own view gives the same deadline, without the words
    const own = await h.request('GET', `/v1/me/cases/${id}`, { token: alice });
    expect(own.body.nextDeadline).toEqual({
      kind: 'acknowledge',
      at: filed.body.deadlines.acknowledgeBy,
      lastDay: '2026-12-13',
    });

    const accept = await h.request('POST', `/v1/cases/${id}/accept`, {
      token: clerk,
      body: { track: 'immediate', assigneeId: 'handler-1' },
      headers: { 'if-match': '"1"' },
    });
    expect(accept.status).toBe(200);
    await h.request('POST', `/v1/cases/${id}/reply`, {
      token: handler,
      body: { outcome: 'resolved', opinion: '已支付' },
      headers: { 'if-match': '"2"' },
    });
    const mine = await h.request('GET', `/v1/me/cases/${id}`, { token: alice });
    expect(mine.body.milestones.map((m: { milestone: string }) => m.milestone)).toEqual([
      'register',
      'accept',
      'reply',
    ]);
    expect(mine.text).not.toContain('handler-1');

    const rated = await h.request('POST', `/v1/cases/${id}/rate`, {
      token: alice,
      body: { rating: 'satisfied' },
      headers: { 'if-match': '"3"' },
    });
    expect(rated.status).toBe(200);
    expect(rated.body).not.toHaveProperty('assignee');
    expect(
      (
        await h.request('POST', `/v1/cases/${id}/rate`, {
          token: bob,
          body: { rating: 'dissatisfied' },
          headers: { 'if-match': '"4"' },
        })
      ).status,
    ).toBe(404);

    // a case registered at the window is claimed by its code, once
    const window = await h.request('POST', '/v1/cases', { token: clerk, body: caseBody() });
    expect(
      (await h.request('POST', '/v1/me/cases/claim', { token: bob, body: { queryCode: 'AAAA-BBBB-CCCC' } }))
        .status,
    ).toBe(404);
    const claimed = await h.request('POST', '/v1/me/cases/claim', {
      token: bob,
      body: { queryCode: window.body.queryCode },
    });
    expect(claimed.status).toBe(200);
    expect(
      (
        await h.request('POST', '/v1/me/cases/claim', {
          token: alice,
          body: { queryCode: window.body.queryCode },
        })
      ).body.type,
    ).toBe('/problems/already-claimed');
    const bobs = await h.request('GET', '/v1/me/cases', { token: bob });
    expect(bobs.body.items.map((c: { id: string }) => c.id)).toEqual([window.body.id]);
  });

  it('answers unknown and malformed codes alike, and slows down a guesser', async () => {
    const unknown = await h.request('GET', '/v1/public/track/ZZZZ-ZZZZ-ZZZZ');
    const malformed = await h.request('GET', '/v1/public/track/not-a-code');
    expect(unknown.status).toBe(404);
    expect(malformed.status).toBe(404);
    expect(malformed.text).toBe(
      unknown.text.replace('/v1/public/track/ZZZZ-ZZZZ-ZZZZ', '/v1/public/track/not-a-code'),
    );
    let last = malformed;
    for (let i = 0; i < 12; i++) last = await h.request('GET', `/v1/public/track/ZZZZ-ZZZZ-ZZZ${i % 10}`);
    expect(last.status).toBe(429);
    expect(Number(last.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
