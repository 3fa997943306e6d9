import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../lambdas/adapters/table-model.js';
import { STATUSES } from '../../lambdas/domain/catalog.js';
import { lastBeijingDay, lastDayText } from '../../lambdas/domain/last-day.js';
import type { OutboxMessage } from '../../lambdas/domain/notification.js';
import { publishOutbox } from '../../lambdas/usecases/sweep.js';
import { sweepDeps } from '../../lambdas/usecases/sweep-deps.js';
import {
  caseBody,
  createHarness,
  type Harness,
  type TestResponse,
  validIdNumber,
} from '../support/harness.js';

/**
 * The citizen's windows at their boundaries (review within 30 days of the reply's delivery, 复查 then 复核 and no
 * third; one rating; withdrawal), what the citizen and the tracking page are told after each milestone, and the
 * milestone messages that leave through the outbox.
 */

const T0 = new Date('2026-11-02T01:00:00Z');
const SECOND = 1000;

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ now: T0 });
});
afterAll(() => h.close());

const PETITIONER = {
  name: '慕容秋水',
  idNumber: validIdNumber(611),
  phone: '13866667777',
  address: '河西村五组12号',
};
const STAFF_NOTE = '内部备注：当事人情绪激动，注意安抚';
const STAFF_IDS = ['clerk-1', 'handler-1', 'supervisor-1'];

const onlineBody = (overrides: Record<string, unknown> = {}) => {
  const { channel: _channel, ...body } = caseBody({ petitioners: [PETITIONER], ...overrides });
  return body;
};

let citizen: string;
let clerk: string;
let handler: string;
let supervisor: string;

interface Filed {
  id: string;
  number: string;
  queryCode: string;
  version: number;
  /** The milestones so far, with the instant of each. */
  milestones: { milestone: string; at: string }[];
}

const act = async (
  filed: Filed,
  token: string,
  command: string,
  body: Record<string, unknown>,
): Promise<TestResponse> => {
  const response = await h.request('POST', `/v1/cases/${filed.id}/${command}`, {
    token,
    body,
    headers: { 'if-match': `"${filed.version}"` },
  });
  if (response.status === 200) filed.version = response.body.version;
  return response;
};

/** A command that must succeed and is a milestone: recorded at the harness's clock. */
const milestone = async (
  filed: Filed,
  token: string,
  command: string,
  body: Record<string, unknown>,
  at: Date,
) => {
  h.setNow(at);
  const response = await act(filed, token, command, body);
  expect(response.status, `${command}: ${response.text}`).toBe(200);
  filed.milestones.push({ milestone: command, at: at.toISOString() });
  return response;
};

async function file(at: Date, overrides: Record<string, unknown> = {}): Promise<Filed> {
  h.setNow(at);
  const response = await h.request('POST', '/v1/public/petitions', {
    token: citizen,
    body: onlineBody(overrides),
  });
  expect(response.status).toBe(201);
  return {
    id: response.body.id,
    number: response.body.number,
    queryCode: response.body.queryCode,
    version: response.body.version,
    milestones: [{ milestone: 'register', at: at.toISOString() }],
  };
}

/** The public tracking view agrees with the milestones so far, and says nothing else. */
async function expectTracked(filed: Filed, status: string) {
  const tracked = await h.request('GET', `/v1/public/track/${filed.queryCode}`);
  expect(tracked.status).toBe(200);
  const { nextDeadline, ...rest } = tracked.body;
  expect(Object.keys(rest).sort()).toEqual(['milestones', 'number', 'status', 'statusLabel']);
  expect(tracked.body.number).toBe(filed.number);
  expect(tracked.body.status).toBe(status);
  expect(tracked.body.statusLabel).toBe(STATUSES.find((s) => s.code === status)?.zh);
  expect(tracked.body.milestones.map((m: { milestone: string; at: string }) => [m.milestone, m.at])).toEqual(
    filed.milestones.map((m) => [m.milestone, m.at]),
  );
  for (const m of tracked.body.milestones) {
    expect(Object.keys(m).sort()).toEqual(['at', 'en', 'label', 'milestone', 'zh']);
    expect(m.label).toBe(m.zh);
  }
  // a concluded case waits on nothing; an open one on its next deadline, with its last day
  if (['declined', 'transferred', 'returned', 'closed', 'withdrawn'].includes(status))
    expect(nextDeadline).toBeUndefined();
  if (nextDeadline) {
    expect(Object.keys(nextDeadline).sort()).toEqual(['at', 'kind', 'label', 'lastDay', 'lastDayText']);
    expect(nextDeadline.lastDay).toBe(lastBeijingDay(nextDeadline.at));
    expect(nextDeadline.lastDayText).toBe(lastDayText(nextDeadline.at, 'zh'));
  }
  for (const secret of [...Object.values(PETITIONER), STAFF_NOTE, ...STAFF_IDS, 'citizen-mu'])
    expect(tracked.text).not.toContain(secret);
}

/** The citizen's own view: the milestones with their dates, and no actors or notes. */
async function expectOwnView(filed: Filed, status: string) {
  const own = await h.request('GET', `/v1/me/cases/${filed.id}`, { token: citizen });
  expect(own.status).toBe(200);
  expect(own.headers.get('etag')).toBe(`"${filed.version}"`);
  expect(own.body.status).toBe(status);
  expect(own.body.milestones.map((m: { milestone: string; at: string }) => [m.milestone, m.at])).toEqual(
    filed.milestones.map((m) => [m.milestone, m.at]),
  );
  for (const m of own.body.milestones) {
    expect(Object.keys(m).sort()).toEqual(['at', 'en', 'milestone', 'zh']);
    expect(m.at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  }
  for (const hidden of ['assignee', 'owner', 'team', 'plan', 'petitioners', 'personal', 'timelineHead'])
    expect(own.body).not.toHaveProperty(hidden);
  for (const secret of [STAFF_NOTE, ...STAFF_IDS, '"actor"', '"note"', PETITIONER.idNumber, PETITIONER.phone])
    expect(own.text).not.toContain(secret);
  return own;
}

/** Filed online on 11 December, accepted that morning and replied to (resolved) the next day. */
async function repliedOnline(overrides: Record<string, unknown>, opinion: string): Promise<Filed> {
  const filed = await file(new Date('2026-12-11T01:00:00Z'), overrides);
  await milestone(
    filed,
    clerk,
    'accept',
    { track: 'immediate', assigneeId: 'handler-1' },
    new Date('2026-12-11T02:00:00Z'),
  );
  await milestone(
    filed,
    handler,
    'reply',
    { outcome: 'resolved', opinion },
    new Date('2026-12-12T02:00:00Z'),
  );
  return filed;
}

let reviewed: Filed;
let lapsed: Filed;
let withdrawn: Filed;
/** Rated after its review was answered, then closed. */
let running: Filed;

/** Delivered on 9 November (Beijing): the 30 days end with 9 December, at Beijing midnight. */
const DELIVERED_AT = '2026-11-09T15:30:00+08:00';
const REVIEW_REQUEST_BY = '2026-12-09T16:00:00.000Z';

beforeAll(async () => {
  citizen = await h.token('petitioner', 'citizen-mu');
  clerk = await h.token('clerk', 'clerk-1');
  handler = await h.token('handler', 'handler-1');
  supervisor = await h.token('supervisor', 'supervisor-1');

  reviewed = await file(T0, { title: '宅基地纠纷', description: '与邻居因宅基地边界争执' });
  lapsed = await file(new Date(T0.getTime() + 60 * SECOND), { title: '工资拖欠', description: '工地欠薪' });
  withdrawn = await file(new Date(T0.getTime() + 120 * SECOND), { title: '噪声', description: '夜间施工' });
});

describe('the review window runs 30 days from the reply’s delivery', () => {
  it('accepts, notes and replies, the tracking page following each milestone', async () => {
    await expectTracked(reviewed, 'registered');
    for (const [i, filed] of [reviewed, lapsed].entries()) {
      await milestone(
        filed,
        clerk,
        'accept',
        { track: 'immediate', assigneeId: 'handler-1' },
        new Date(Date.parse('2026-11-03T01:00:00Z') + i * SECOND),
      );
    }
    await expectTracked(reviewed, 'accepted');

    // a staff note is on the timeline, never in what the citizen reads
    h.setNow('2026-11-04T03:00:00Z');
    const note = await h.request('POST', `/v1/cases/${reviewed.id}/notes`, {
      token: handler,
      body: { text: STAFF_NOTE },
    });
    expect(note.status).toBe(201);
    await expectOwnView(reviewed, 'accepted');
    await expectTracked(reviewed, 'accepted');

    for (const [i, filed] of [reviewed, lapsed].entries()) {
      const replied = await milestone(
        filed,
        handler,
        'reply',
        { outcome: 'partially_resolved', opinion: '已组织双方调解', deliveredAt: DELIVERED_AT },
        new Date(Date.parse('2026-11-10T02:00:00Z') + i * SECOND),
      );
      expect(replied.body.deadlines.reviewRequestBy).toBe(REVIEW_REQUEST_BY);
      expect(replied.body.reply.deliveredAt).toBe('2026-11-09T07:30:00.000Z');
    }
    await expectTracked(reviewed, 'replied');
    const own = await expectOwnView(reviewed, 'replied');
    expect(own.body.deadlines.reviewRequestBy).toBe(REVIEW_REQUEST_BY);
    expect(own.body.reply).toEqual({
      outcome: 'partially_resolved',
      opinion: '已组织双方调解',
      deliveredAt: '2026-11-09T07:30:00.000Z',
    });
  });

  it('takes a review asked a second before the window closes (200, the citizen view)', async () => {
    const asked = await milestone(
      reviewed,
      citizen,
      'request-review',
      { reason: '调解结果不公' },
      new Date(Date.parse(REVIEW_REQUEST_BY) - SECOND),
    );
    expect(asked.body.status).toBe('under_review');
    expect(asked.headers.get('etag')).toBe(`"${reviewed.version}"`);
    expect(asked.body.reviews).toEqual([{ requestedAt: '2026-12-09T15:59:59.000Z' }]);
    expect(asked.body.deadlines.reviewAnswerBy).toEqual(expect.any(String));
    for (const secret of ['handler-1', 'clerk-1', STAFF_NOTE]) expect(asked.text).not.toContain(secret);
    await expectTracked(reviewed, 'under_review');
  });

  it('refuses a review asked at the closing instant (409 window-closed), and changes nothing', async () => {
    h.setNow(REVIEW_REQUEST_BY);
    const before = lapsed.version;
    const late = await act(lapsed, citizen, 'request-review', { reason: '迟到的复查申请' });
    expect(late.status).toBe(409);
    expect(late.body.type).toBe('/problems/window-closed');
    const own = await expectOwnView(lapsed, 'replied');
    expect(own.body.version).toBe(before);
    expect(own.body).not.toHaveProperty('reviews');
  });

  it('opens a second window (复核) from the review’s answer, and refuses a third review', async () => {
    const answered = await milestone(
      reviewed,
      supervisor,
      'record-review',
      { outcome: 'not_resolved', opinion: '维持原答复' },
      new Date('2026-12-20T02:00:00Z'),
    );
    expect(answered.body.status).toBe('reviewed');
    await expectTracked(reviewed, 'reviewed');
    const own = await expectOwnView(reviewed, 'reviewed');
    // 20 December (Beijing) + 30 days: the end of 19 January
    expect(own.body.deadlines.reviewRequestBy).toBe('2027-01-19T16:00:00.000Z');
    expect(own.body.reviews).toEqual([
      {
        requestedAt: '2026-12-09T15:59:59.000Z',
        outcome: 'not_resolved',
        opinion: '维持原答复',
        answeredAt: '2026-12-20T02:00:00.000Z',
      },
    ]);

    await milestone(
      reviewed,
      citizen,
      'request-review',
      { reason: '申请复核' },
      new Date(Date.parse('2027-01-19T16:00:00.000Z') - SECOND),
    );
    await expectTracked(reviewed, 'under_review');
    await milestone(
      reviewed,
      supervisor,
      'record-review',
      { outcome: 'not_resolved', opinion: '复核维持' },
      new Date('2027-01-25T02:00:00Z'),
    );
    const after = await expectOwnView(reviewed, 'reviewed');
    expect(after.body.reviews).toHaveLength(2);
    expect(after.body.deadlines).not.toHaveProperty('reviewRequestBy');

    h.setNow('2027-01-26T02:00:00Z');
    const third = await act(reviewed, citizen, 'request-review', { reason: '再次申请' });
    expect(third.status).toBe(409);
    expect(third.body.type).toBe('/problems/no-further-review');
    await expectTracked(reviewed, 'reviewed');
  });
});

describe('rating', () => {
  it('is once: the second rating is 409 already-rated, and rating is no milestone', async () => {
    h.setNow('2026-12-10T02:00:00Z');
    const rated = await act(lapsed, citizen, 'rate', { rating: 'basically_satisfied', comment: '还可以' });
    expect(rated.status).toBe(200);
    expect(rated.body.rating).toMatchObject({
      rating: 'basically_satisfied',
      at: '2026-12-10T02:00:00.000Z',
    });
    expect(rated.body).not.toHaveProperty('assignee');
    const again = await act(lapsed, citizen, 'rate', { rating: 'dissatisfied' });
    expect(again.status).toBe(409);
    expect(again.body.type).toBe('/problems/already-rated');
    const own = await expectOwnView(lapsed, 'replied');
    expect(own.body.rating.rating).toBe('basically_satisfied');
    await expectTracked(lapsed, 'replied');
  });

  it('is refused while a review is running (wrong status), then allowed once it is answered', async () => {
    running = await repliedOnline({ title: '道路', description: '村道破损' }, '已修复');
    await milestone(
      running,
      citizen,
      'request-review',
      { reason: '没修好' },
      new Date('2026-12-13T02:00:00Z'),
    );
    const during = await act(running, citizen, 'rate', { rating: 'dissatisfied' });
    expect(during.status).toBe(409);
    expect(during.body.type).toBe('/problems/wrong-status');
    await milestone(
      running,
      supervisor,
      'record-review',
      { outcome: 'resolved', opinion: '已重新修复' },
      new Date('2026-12-20T02:00:00Z'),
    );
    const rated = await act(running, citizen, 'rate', { rating: 'satisfied' });
    expect(rated.status).toBe(200);
    // satisfied: nothing more can be asked, so the clerk may close at once
    await milestone(running, clerk, 'close', {}, new Date('2026-12-20T03:00:00Z'));
    await expectTracked(running, 'closed');
    await expectOwnView(running, 'closed');
  });
});

describe('withdrawal by the citizen', () => {
  it('needs If-Match and the current version, then withdraws; a second withdrawal is 409', async () => {
    await milestone(
      withdrawn,
      clerk,
      'accept',
      { track: 'immediate', assigneeId: 'handler-1' },
      new Date('2026-11-05T01:00:00Z'),
    );
    h.setNow('2026-11-06T01:00:00Z');
    const unversioned = await h.request('POST', `/v1/cases/${withdrawn.id}/withdraw`, {
      token: citizen,
      body: { reason: '已私下和解' },
    });
    expect(unversioned.status).toBe(428);
    const stale = await h.request('POST', `/v1/cases/${withdrawn.id}/withdraw`, {
      token: citizen,
      body: { reason: '已私下和解' },
      headers: { 'if-match': '"1"' },
    });
    expect(stale.status).toBe(412);
    const done = await milestone(
      withdrawn,
      citizen,
      'withdraw',
      { reason: '已私下和解' },
      new Date('2026-11-06T01:00:00Z'),
    );
    expect(done.body.status).toBe('withdrawn');
    expect(done.body).not.toHaveProperty('assignee');
    const again = await act(withdrawn, citizen, 'withdraw', { reason: '再撤一次' });
    expect(again.status).toBe(409);
    expect(again.body.type).toBe('/problems/wrong-status');
    await expectTracked(withdrawn, 'withdrawn');
    await expectOwnView(withdrawn, 'withdrawn');
  });
});

describe('closing the reviewed case', () => {
  it('is a milestone the citizen and the tracking page see', async () => {
    await milestone(reviewed, clerk, 'close', { note: '复核后办结' }, new Date('2027-01-27T02:00:00Z'));
    await expectTracked(reviewed, 'closed');
    const own = await expectOwnView(reviewed, 'closed');
    expect(own.text).not.toContain('复核后办结');
    expect(own.body.milestones.map((m: { milestone: string }) => m.milestone)).toEqual([
      'register',
      'accept',
      'reply',
      'request-review',
      'record-review',
      'request-review',
      'record-review',
      'close',
    ]);
  });
});

/** What the local publisher stored as published (every page). */
async function published(): Promise<OutboxMessage[]> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await h.deps.db.send(
      new QueryCommand({
        TableName: h.tables.cases,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.localPublished },
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items.map(({ pk: _pk, sk: _sk, ...message }) => message as unknown as OutboxMessage);
}

describe('milestone messages', () => {
  it('leave through the outbox: one per milestone, topic milestones, for the petitioner, nothing personal', async () => {
    const first = await publishOutbox(sweepDeps(h.deps));
    expect(first.failed).toBe(0);
    expect(first.published).toBeGreaterThan(0);
    expect((await publishOutbox(sweepDeps(h.deps))).published).toBe(0);

    const messages = await published();
    const cases = [reviewed, lapsed, withdrawn, running];
    for (const filed of cases) {
      const mine = messages
        .filter((m) => m.topic === 'milestones' && m.body.caseId === filed.id)
        .sort((a, b) => a.at.localeCompare(b.at));
      expect(mine.map((m) => [m.body.milestone, m.at])).toEqual(
        filed.milestones.map((m) => [m.milestone, m.at]),
      );
      for (const message of mine) {
        expect(message.attributes).toEqual({
          town: 'town-a',
          recipient: 'citizen-mu',
          role: 'petitioner',
          severity: 'notice',
        });
        expect(message.body.caseNumber).toBe(filed.number);
      }
      // nothing else speaks of the case on the milestones topic
      expect(messages.filter((m) => m.body.caseId === filed.id && m.topic !== 'milestones')).toEqual([]);
    }
    expect(new Set(messages.filter((m) => m.topic === 'milestones').map((m) => m.id)).size).toBe(
      messages.filter((m) => m.topic === 'milestones').length,
    );

    const text = JSON.stringify(messages);
    for (const secret of [
      PETITIONER.name,
      PETITIONER.idNumber,
      PETITIONER.phone,
      PETITIONER.address,
      STAFF_NOTE,
      ...cases.flatMap((c) => [c.queryCode, c.queryCode.replace(/-/g, '')]),
    ])
      expect(text).not.toContain(secret);
  });

  it('reach the citizen’s own inbox too (the contract lists milestones there), without personal data', async () => {
    const inbox = await h.request('GET', '/v1/me/notifications?limit=100', { token: citizen });
    expect(inbox.status).toBe(200);
    const cases = [reviewed, lapsed, withdrawn, running];
    const received = inbox.body.items
      .filter((n: { kind: string }) => n.kind === 'milestone')
      .map((n: { caseNumber: string }) => n.caseNumber)
      .sort();
    expect(received).toEqual(cases.flatMap((c) => c.milestones.map(() => c.number)).sort());
    for (const secret of Object.values(PETITIONER)) expect(inbox.text).not.toContain(secret);
  });
});

// after the milestone counts above, which this case's milestones would change
describe('rating each answer', () => {
  it('rates the reply and then the review’s answer, each once; only a satisfied current answer closes early', async () => {
    const twice = await repliedOnline({ title: '排水', description: '排水沟堵塞' }, '已疏通');
    const ofReply = await act(twice, citizen, 'rate', { rating: 'satisfied' });
    expect(ofReply.body.rating).toMatchObject({ rating: 'satisfied', of: 'reply' });
    await milestone(twice, citizen, 'request-review', { reason: '又堵了' }, new Date('2026-12-13T02:00:00Z'));
    await milestone(
      twice,
      supervisor,
      'record-review',
      { outcome: 'resolved', opinion: '已重新疏通' },
      new Date('2026-12-20T02:00:00Z'),
    );
    // the reply's "satisfied" says nothing of the review's answer: the window for a re-review is open
    const early = await act(twice, clerk, 'close', {});
    expect(early.status).toBe(409);
    expect(early.body.type).toBe('/problems/review-window-open');
    const ofReview = await act(twice, citizen, 'rate', { rating: 'dissatisfied', comment: '还是会堵' });
    expect(ofReview.status, ofReview.text).toBe(200);
    expect(ofReview.body.rating).toMatchObject({ rating: 'dissatisfied', of: 'review' });
    const again = await act(twice, citizen, 'rate', { rating: 'satisfied' });
    expect(again.status).toBe(409);
    expect(again.body.type).toBe('/problems/already-rated');
    expect((await act(twice, clerk, 'close', {})).status).toBe(409);
    const own = await expectOwnView(twice, 'reviewed');
    expect(own.body.rating).toMatchObject({ rating: 'dissatisfied', of: 'review' });
  });
});
