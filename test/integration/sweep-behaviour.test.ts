import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseRepository } from '../../lambdas/adapters/case-repository.js';
import type { CaseRecord } from '../../lambdas/domain/case.js';
import { runSweep, type SweepDeps } from '../../lambdas/usecases/sweep.js';
import { sweepDeps } from '../../lambdas/usecases/sweep-deps.js';
import { caseBody, createHarness, type Harness, validIdNumber } from '../support/harness.js';
import {
  alertIndexSize,
  clerkPrincipal,
  createCaseDirectly,
  inChunks,
  isLadderMessage,
  pendingOutbox,
  publishedItems,
  RecordingPublisher,
  wholeInbox,
} from '../support/sim-tools.js';

/** A Friday morning in Beijing; the 15-day acknowledgement of a case received now ends 2026-12-05T16:00Z. */
const T0 = new Date('2026-11-20T02:00:00.000Z');
const ACK_DUE = '2026-12-05T16:00:00.000Z';
/** Half-time of a first-time petition received at T0, one day early. */
const FIRST_TIME_HALF = '2026-11-26T21:00:00.000Z';

const ZERO = { itemsRead: 0, due: 0, warned: 0, escalated: 0, overdue: 0, published: 0, publishFailed: 0 };

const repoOf = (h: Harness) => new CaseRepository(h.deps.db, h.deps.tables.cases);

/** Registers `n` first-time petitions (each its own petitioner) over HTTP; returns their ids. */
async function registerMany(h: Harness, token: string, n: number, seqBase: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const created = await h.request('POST', '/v1/cases', {
      token,
      body: caseBody({ petitioners: [{ name: '赵六', idNumber: validIdNumber(seqBase + i) }] }),
    });
    expect(created.status).toBe(201);
    expect(created.body.firstTime).toBe(true);
    ids.push(created.body.id);
  }
  return ids;
}

/** The sweep's dependencies over the harness, publishing through `publisher` (a recording one) instead. */
const sweepWith = (h: Harness, publisher: RecordingPublisher): SweepDeps => ({
  ...sweepDeps(h.deps),
  publisher,
});

describe('two sweeps at the same instant', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ now: T0 });
  });
  afterAll(() => h.close());

  it('send each step once: one inbox item and one published message per step', async () => {
    const clerk = await h.token('clerk', 'clerk-dup');
    const ids = await registerMany(h, clerk, 12, 100);
    // the petitioners' registration milestones wait in the outbox too
    const waiting = (await pendingOutbox(h.deps)).length;
    expect(waiting).toBeGreaterThanOrEqual(12);
    const publisher = new RecordingPublisher();
    const sweep = sweepWith(h, publisher);
    const at = new Date(FIRST_TIME_HALF);

    const [a, b] = await Promise.all([runSweep(sweep, at), runSweep(sweep, at)]);
    // each read what was still due when it reached the shard; one transaction per step won
    for (const r of [a, b]) {
      expect(r.itemsRead).toBe(r.due);
      expect(r.itemsRead).toBeLessThanOrEqual(12);
    }
    expect(a.itemsRead + b.itemsRead).toBeGreaterThanOrEqual(12);
    expect(a.warned + b.warned).toBe(12);
    expect(a.escalated + b.escalated + a.overdue + b.overdue).toBe(0);

    const inbox = await wholeInbox(h.deps, 'town-a', 'clerk-dup');
    expect(inbox).toHaveLength(12);
    expect(new Set(inbox.map((n) => n.caseId))).toEqual(new Set(ids));
    expect(inbox.every((n) => n.kind === 'deadline' && n.severity === 'notice')).toBe(true);

    expect(await pendingOutbox(h.deps)).toHaveLength(0);
    expect(new Set(publisher.ladder().map((m) => m.id))).toEqual(new Set(inbox.map((n) => n.id)));
    // exactly once: two sweeps publishing the same outbox must not both hand a message to the topic
    expect(publisher.ladder()).toHaveLength(12);
    expect(publisher.delivered).toHaveLength(waiting + 12);
    expect([...publisher.deliveriesById().values()].filter((n) => n > 1)).toEqual([]);
    expect(a.published + b.published).toBe(waiting + 12);
  });

  it('send nothing when swept again at the same instant', async () => {
    const publisher = new RecordingPublisher();
    const again = await runSweep(sweepWith(h, publisher), new Date(FIRST_TIME_HALF));
    expect(again).toEqual(ZERO);
    expect(publisher.attempts).toBe(0);
    expect(await wholeInbox(h.deps, 'town-a', 'clerk-dup')).toHaveLength(12);
  });
});

describe('a publisher that fails', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ now: T0 });
  });
  afterAll(() => h.close());

  it('leaves the failed messages in the outbox, and a later sweep publishes them exactly once', async () => {
    const clerk = await h.token('clerk', 'clerk-flaky');
    await registerMany(h, clerk, 5, 200);
    const milestones = (await pendingOutbox(h.deps)).length;
    expect(milestones).toBe(5);
    const publisher = new RecordingPublisher(3);
    const sweep = sweepWith(h, publisher);

    const first = await runSweep(sweep, new Date(FIRST_TIME_HALF));
    expect(first).toMatchObject({ itemsRead: 5, due: 5, warned: 5, publishFailed: 3 });
    expect(first.published).toBe(milestones + 5 - 3);
    expect(await wholeInbox(h.deps, 'town-a', 'clerk-flaky')).toHaveLength(5);
    const left = await pendingOutbox(h.deps);
    expect(left).toHaveLength(3);
    expect(publisher.delivered).toHaveLength(milestones + 5 - 3);

    const later = await runSweep(sweep, new Date(Date.parse(FIRST_TIME_HALF) + 15 * 60_000));
    expect(later).toMatchObject({ itemsRead: 0, warned: 0, published: 3, publishFailed: 0 });
    expect(await pendingOutbox(h.deps)).toHaveLength(0);
    expect(await wholeInbox(h.deps, 'town-a', 'clerk-flaky')).toHaveLength(5);
    expect(publisher.delivered).toHaveLength(milestones + 5);
    expect(publisher.ladder()).toHaveLength(5);
    expect([...publisher.deliveriesById().values()].every((n) => n === 1)).toBe(true);
    expect(new Set(left.map((m) => m.id))).toEqual(new Set(publisher.delivered.slice(-3).map((m) => m.id)));

    const idle = await runSweep(sweep, new Date(Date.parse(FIRST_TIME_HALF) + 30 * 60_000));
    expect(idle).toEqual(ZERO);
  });

  it('loses nothing while the topic stays down', async () => {
    const clerk = await h.token('clerk', 'clerk-down');
    h.setNow(new Date('2026-11-21T02:00:00.000Z'));
    const before = (await pendingOutbox(h.deps)).length;
    await registerMany(h, clerk, 2, 300);
    const down = new RecordingPublisher(Number.MAX_SAFE_INTEGER);
    const at = new Date('2026-11-27T21:00:00.000Z');
    const swept = await runSweep(sweepWith(h, down), at);
    // two warnings and two registration milestones, besides whatever waited already
    const waiting = before + 4;
    expect(swept).toMatchObject({ warned: 2, published: 0, publishFailed: waiting });
    const stillDown = await runSweep(sweepWith(h, down), new Date(at.getTime() + 15 * 60_000));
    expect(stillDown).toMatchObject({ warned: 0, published: 0, publishFailed: waiting });
    expect(await pendingOutbox(h.deps)).toHaveLength(waiting);
    const up = new RecordingPublisher();
    expect(await runSweep(sweepWith(h, up), new Date(at.getTime() + 30 * 60_000))).toMatchObject({
      published: waiting,
      publishFailed: 0,
    });
    expect(up.ladder().map((m) => m.attributes.recipient)).toEqual(['clerk-down', 'clerk-down']);
    expect(await pendingOutbox(h.deps)).toHaveLength(0);
  });
});

describe('the local host publisher', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ now: T0 });
  });
  afterAll(() => h.close());

  it('keeps what it published under LOCAL#PUBLISHED and empties the outbox', async () => {
    const clerk = await h.token('clerk', 'clerk-local');
    await registerMany(h, clerk, 3, 350);
    const waiting = await pendingOutbox(h.deps);
    // sweepDeps over the harness publishes through TablePublisher, as `npm start` and `npm run sweep` do
    const result = await runSweep(sweepDeps(h.deps), new Date(FIRST_TIME_HALF));
    expect(result).toMatchObject({ warned: 3, published: waiting.length + 3, publishFailed: 0 });
    expect(await pendingOutbox(h.deps)).toHaveLength(0);
    const inbox = await wholeInbox(h.deps, 'town-a', 'clerk-local');
    const stored = await publishedItems(h.deps);
    expect(
      stored
        .filter(isLadderMessage)
        .map((m) => m.id)
        .sort(),
    ).toEqual(inbox.map((n) => n.id).sort());
    expect(stored).toHaveLength(waiting.length + 3);
  });
});

describe('an accept racing the sweep', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ now: T0 });
  });
  afterAll(() => h.close());

  it('is never lost and never doubles a notification', async () => {
    const clerk = await h.token('clerk', 'clerk-race');
    const publisher = new RecordingPublisher();
    const sweep = sweepWith(h, publisher);
    const repo = repoOf(h);
    const outcomes = { sweepFirst: 0, acceptFirst: 0 };
    const ROUNDS = 24;
    for (let i = 0; i < ROUNDS; i++) {
      h.setNow(new Date(T0.getTime() + i * 60_000));
      const [id] = await registerMany(h, clerk, 1, 400 + i);
      const registered = (await repo.get('town-a', id!))!;
      const due = new Date(registered.alert!.at);
      h.setNow(due);
      const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));
      const accept = async () => {
        if (i % 2 === 1) await delay(i % 7);
        return h.request('POST', `/v1/cases/${id}/accept`, {
          token: clerk,
          headers: { 'if-match': '"1"' },
          body: { track: 'immediate', assigneeId: 'handler-1' },
        });
      };
      const sweepNow = async () => {
        if (i % 2 === 0) await delay(i % 5);
        return runSweep(sweep, due);
      };
      const [accepted, swept] = await Promise.all([accept(), sweepNow()]);

      expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
      expect(accepted.body.status).toBe('accepted');
      const record = (await repo.get('town-a', id!))!;
      expect(record.status).toBe('accepted');
      expect(record.version).toBe(2);
      expect(record.acknowledgedAt).toBe(due.toISOString());
      expect(record.alert?.kind).toBe('reply');
      expect(record.alert?.step).toBe(0);
      const timeline = await repo.timeline('town-a', id!);
      expect(timeline.map((e) => e.action)).toEqual(['register', 'accept']);

      const notices = (await wholeInbox(h.deps, 'town-a', 'clerk-race')).filter((n) => n.caseId === id);
      expect(notices.length).toBeLessThanOrEqual(1);
      expect(notices.length).toBe(swept.warned);
      expect(publisher.ladder().filter((m) => m.body.caseId === id)).toHaveLength(notices.length);
      if (notices.length === 1) outcomes.sweepFirst += 1;
      else outcomes.acceptFirst += 1;

      // swept again at the same instant: the accepted case has nothing due, whoever won
      const again = await runSweep(sweep, due);
      expect(again.warned + again.escalated + again.overdue).toBe(0);
      expect((await wholeInbox(h.deps, 'town-a', 'clerk-race')).filter((n) => n.caseId === id)).toHaveLength(
        notices.length,
      );
    }
    console.log(`accept/sweep race over ${ROUNDS} rounds:`, outcomes);
    expect(outcomes.sweepFirst + outcomes.acceptFirst).toBe(ROUNDS);
  });
});

describe('a town with 10,000 open cases, 1% of them due', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ now: new Date('2026-11-27T00:00:00.000Z') });
  });
  afterAll(() => h.close());

  it('reads exactly the due steps', { timeout: 120_000 }, async () => {
    const SWEEP_AT = '2026-11-27T00:00:00.000Z';
    const principal = clerkPrincipal('clerk-bulk');
    const started = Date.now();
    // the due 100 were received 17-19 November (first-time half-time passed, three-day step not yet); the other
    // 9,900 on 22-26 November (half-time still ahead)
    const specs = Array.from({ length: 10_000 }, (_, i) => {
      const due = i % 100 === 0;
      const from = Date.parse(due ? '2026-11-17T01:00:00.000Z' : '2026-11-22T01:00:00.000Z');
      const span = (due ? 2.5 : 4.5) * 24 * 3600_000;
      const receivedAt = new Date(from + ((i * 7919) % 10_000) * (span / 10_000)).toISOString();
      return { receivedAt, sequence: i + 1 };
    });
    const records: CaseRecord[] = await inChunks(specs, 50, (spec) =>
      createCaseDirectly(h.deps, { ...spec, principal, firstTime: true }),
    );
    const created = Date.now() - started;
    expect(records.filter((r) => r.alert && r.alert.at <= SWEEP_AT)).toHaveLength(100);
    expect(await alertIndexSize(h.deps)).toBe(10_000);

    const sweepStarted = Date.now();
    const result = await runSweep(sweepDeps(h.deps), new Date(SWEEP_AT));
    const swept = Date.now() - sweepStarted;
    console.log(`10,000 cases written in ${created} ms; the sweep took ${swept} ms`, result);
    expect(result).toEqual({
      itemsRead: 100,
      due: 100,
      warned: 100,
      escalated: 0,
      overdue: 0,
      published: 100,
      publishFailed: 0,
    });
    const inbox = await wholeInbox(h.deps, 'town-a', 'clerk-bulk');
    expect(inbox).toHaveLength(100);
    expect(new Set(inbox.map((n) => n.caseId))).toEqual(
      new Set(records.filter((r) => r.alert!.at <= SWEEP_AT).map((r) => r.id)),
    );
    // every case still has its next step in the index: the due ones moved on, none left it
    expect(await alertIndexSize(h.deps)).toBe(10_000);
    expect((await runSweep(sweepDeps(h.deps), new Date(SWEEP_AT))).itemsRead).toBe(0);
  });
});

describe('what messages carry, and who hears of a collective petition', () => {
  let h: Harness;
  let admin: string;
  let clerk: string;
  beforeAll(async () => {
    h = await createHarness({ now: T0 });
    admin = await h.token('admin', 'admin-1');
    clerk = await h.token('clerk', 'clerk-pii');
    for (const [id, name, roles] of [
      ['leader-1', '李书记', ['leader']],
      ['super-1', '信访办王主任', ['supervisor']],
    ] as const) {
      const put = await h.request('PUT', `/v1/staff/${id}`, { token: admin, body: { name, roles } });
      expect(put.status).toBe(200);
    }
  });
  afterAll(() => h.close());

  it('notifies the duty leader when a collective petition is registered, and not for a smaller group', async () => {
    const group = await h.request('POST', '/v1/cases', {
      token: clerk,
      body: caseBody({
        petitioners: [{ name: '代表甲', idNumber: validIdNumber(501) }],
        headcount: 6,
      }),
    });
    expect(group.status).toBe(201);
    expect(group.body.collective).toBe(true);
    const small = await h.request('POST', '/v1/cases', {
      token: clerk,
      body: caseBody({ petitioners: [{ name: '代表乙', idNumber: validIdNumber(502) }], headcount: 4 }),
    });
    expect(small.body.collective).toBe(false);

    const leader = await h.token('leader', 'leader-1');
    const inbox = await h.request('GET', '/v1/me/notifications', { token: leader });
    expect(inbox.status).toBe(200);
    expect(inbox.body.items).toHaveLength(1);
    expect(inbox.body.items[0]).toMatchObject({
      kind: 'collective',
      severity: 'urgent',
      caseId: group.body.id,
      caseNumber: group.body.number,
      read: false,
    });
    const told = (await pendingOutbox(h.deps)).filter((m) => m.topic !== 'milestones');
    expect(told.map((m) => m.attributes)).toEqual([
      { town: 'town-a', recipient: 'leader-1', role: 'leader', severity: 'urgent' },
    ]);
  });

  it('never puts an ID number, phone, address or name in an inbox item or a published message', async () => {
    const person = {
      name: '欧阳明远',
      idNumber: validIdNumber(777, '19750315'),
      phone: '13800138765',
      address: '枫桥镇东村三组18号',
    };
    const created = await h.request('POST', '/v1/cases', {
      token: clerk,
      body: caseBody({
        petitioners: [person, { name: '欧阳明辉', phone: '13911112222', address: '西村五组2号' }],
        headcount: 7,
        location: { address: '镇东工地南门' },
      }),
    });
    expect(created.status).toBe(201);
    const publisher = new RecordingPublisher();
    const sweep = sweepWith(h, publisher);
    // every step of the ladder: half-time, three days, one day, overdue
    for (const at of [FIRST_TIME_HALF, '2026-12-01T16:00:00.000Z', '2026-12-03T16:00:00.000Z', ACK_DUE])
      expect((await runSweep(sweep, new Date(at))).due).toBeGreaterThan(0);

    const messages = [
      ...publisher.delivered,
      ...(await wholeInbox(h.deps, 'town-a', 'clerk-pii')),
      ...(await wholeInbox(h.deps, 'town-a', 'leader-1')),
      ...(await wholeInbox(h.deps, 'town-a', 'super-1')),
    ].filter((m) => JSON.stringify(m).includes(created.body.id));
    // published: the milestone, the collective notice, four steps to the clerk, two each to the leader and the
    // supervisor; the same notices once more in the inboxes
    expect(messages.length).toBeGreaterThanOrEqual(2 * 9);
    const text = JSON.stringify(messages);
    expect(text).toContain(created.body.number);
    for (const secret of [
      person.idNumber,
      person.phone,
      '13911112222',
      person.address,
      '西村五组2号',
      '镇东工地南门',
      person.name,
      '欧阳明辉',
    ])
      expect(text, secret).not.toContain(secret);
  });
});

describe('GET /v1/me/notifications', () => {
  let h: Harness;
  let clerk: string;
  let ids: string[];
  beforeAll(async () => {
    h = await createHarness({ now: T0 });
    clerk = await h.token('clerk', 'clerk-page');
    await registerMany(h, clerk, 7, 600);
    const result = await runSweep(sweepDeps(h.deps), new Date(FIRST_TIME_HALF));
    expect(result.warned).toBe(7);
  });
  afterAll(() => h.close());

  it('pages through the inbox newest first without repeats', async () => {
    const seen: { id: string; at: string }[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await h.request(
        'GET',
        `/v1/me/notifications?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        { token: clerk },
      );
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.body.items);
      cursor = page.body.nextCursor;
      pages += 1;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(7);
    ids = seen.map((n) => n.id);
    expect(new Set(ids).size).toBe(7);
    expect([...ids].sort().reverse()).toEqual(ids);
    for (let i = 1; i < seen.length; i++) expect(seen[i - 1]!.at >= seen[i]!.at).toBe(true);
    expect(JSON.stringify(seen)).not.toContain('town-a');
  });

  it('marks one read, only for its owner', async () => {
    const [first, second] = ids;
    const read = await h.request('POST', `/v1/me/notifications/${first}/read`, { token: clerk });
    expect(read.status).toBe(204);
    expect((await h.request('POST', `/v1/me/notifications/${first}/read`, { token: clerk })).status).toBe(
      204,
    );

    const other = await h.token('clerk', 'clerk-other');
    const foreign = await h.request('POST', `/v1/me/notifications/${second}/read`, { token: other });
    expect(foreign.status).toBe(404);
    const nothing = await h.request(
      'POST',
      '/v1/me/notifications/20261127T000000000Z-AAAAAAAAAAAAAAAA/read',
      {
        token: clerk,
      },
    );
    expect(nothing.status).toBe(404);
    expect((await h.request('GET', '/v1/me/notifications', { token: other })).body.items).toEqual([]);

    const all = await h.request('GET', '/v1/me/notifications?limit=20', { token: clerk });
    const byId = new Map(all.body.items.map((n: { id: string }) => [n.id, n]));
    expect(byId.get(first)).toMatchObject({ read: true });
    expect(byId.get(second)).toMatchObject({ read: false });
    const unread = await h.request('GET', '/v1/me/notifications?unread=true&limit=20', { token: clerk });
    expect(unread.body.items.map((n: { id: string }) => n.id)).toEqual(ids.filter((id) => id !== first));
  });

  it('refuses a bad limit or a forged cursor', async () => {
    for (const query of ['limit=0', 'limit=101', 'cursor=not-a-cursor', 'cursor=..%2F..%2FCASE'])
      expect((await h.request('GET', `/v1/me/notifications?${query}`, { token: clerk })).status, query).toBe(
        400,
      );
    expect((await h.request('GET', '/v1/me/notifications')).status).toBe(401);
  });
});

describe('a ladder that has run to its end', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ now: T0 });
  });
  afterAll(() => h.close());

  it('does not start again when a later command keeps the same deadline', async () => {
    const clerk = await h.token('clerk', 'clerk-end');
    const [id] = await registerMany(h, clerk, 1, 700);
    const accepted = await h.request('POST', `/v1/cases/${id}/accept`, {
      token: clerk,
      headers: { 'if-match': '"1"' },
      body: { track: 'coordinated', assigneeId: 'handler-1' },
    });
    expect(accepted.status).toBe(200);
    const replyBy: string = accepted.body.deadlines.replyBy;
    const sweep = sweepDeps(h.deps);

    // nobody replies: at the deadline the overdue step fires (the warnings below it are skipped) and the ladder ends
    const atDeadline = await runSweep(sweep, new Date(replyBy));
    expect(atDeadline).toMatchObject({ itemsRead: 1, overdue: 1 });
    const after = (await repoOf(h).get('town-a', id!))!;
    expect(after.alert).toBe(undefined);
    expect(after.overdue).toHaveLength(1);

    // a day later the clerk hands the case to another handler: the reply deadline is the same one
    h.setNow(new Date(Date.parse(replyBy) + 24 * 3600_000));
    const assigned = await h.request('POST', `/v1/cases/${id}/assign`, {
      token: clerk,
      headers: { 'if-match': `"${after.version}"` },
      body: { assigneeId: 'handler-2' },
    });
    expect(assigned.status).toBe(200);
    expect(assigned.body.deadlines.replyBy).toBe(replyBy);

    const later = await runSweep(sweep, new Date(Date.parse(replyBy) + 24 * 3600_000 + 15 * 60_000));
    expect(later.overdue).toBe(0);
    const record = (await repoOf(h).get('town-a', id!))!;
    expect(record.overdue).toHaveLength(1);
    const overdueNotices = (await wholeInbox(h.deps, 'town-a', 'handler-1'))
      .concat(await wholeInbox(h.deps, 'town-a', 'handler-2'))
      .filter((n) => n.severity === 'overdue');
    expect(overdueNotices).toHaveLength(1);
  });
});

describe('a ladder edited while cases climb it', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ now: T0 });
  });
  afterAll(() => h.close());

  it('still flags a case overdue when the admin shortens the ladder', async () => {
    const clerk = await h.token('clerk', 'clerk-edit');
    const admin = await h.token('admin', 'admin-1');
    const [id] = await registerMany(h, clerk, 1, 800);
    const sweep = sweepDeps(h.deps);
    // the one-day warning of a first-time petition: the next step is the overdue one, index 3
    expect(await runSweep(sweep, new Date('2026-12-03T16:00:00.000Z'))).toMatchObject({ escalated: 1 });
    expect((await repoOf(h).get('town-a', id!))?.alert).toMatchObject({ step: 3, at: ACK_DUE });

    const policy = await h.request('GET', '/v1/admin/policy', { token: admin });
    const steps = policy.body.escalation.steps.filter((s: { id: string }) => s.id !== 'three-days');
    const put = await h.request('PUT', '/v1/admin/policy', {
      token: admin,
      body: { ...policy.body, escalation: { ...policy.body.escalation, steps } },
    });
    expect(put.status).toBe(200);
    expect(put.body.escalation.steps.map((s: { id: string }) => s.id)).toEqual([
      'half-time',
      'one-day',
      'overdue',
    ]);

    // the deadline passes unmet: it is overdue and under supervision whatever the ladder looks like now
    const atDeadline = await runSweep(sweep, new Date(ACK_DUE));
    expect(atDeadline.overdue).toBe(1);
    expect((await repoOf(h).get('town-a', id!))?.overdue).toEqual([
      { kind: 'acknowledge', due: ACK_DUE, at: ACK_DUE },
    ]);
  });
});

describe('an assignment', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ now: T0 });
  });
  afterAll(() => h.close());

  it('reaches the assignee’s inbox (the contract lists assignments among its items)', async () => {
    const clerk = await h.token('clerk', 'clerk-assign');
    const [id] = await registerMany(h, clerk, 1, 900);
    const accepted = await h.request('POST', `/v1/cases/${id}/accept`, {
      token: clerk,
      headers: { 'if-match': '"1"' },
      body: { track: 'coordinated', assigneeId: 'handler-7' },
    });
    expect(accepted.status).toBe(200);
    const handler = await h.token('handler', 'handler-7');
    const inbox = await h.request('GET', '/v1/me/notifications', { token: handler });
    expect(inbox.status).toBe(200);
    expect(inbox.body.items).toEqual([expect.objectContaining({ kind: 'assignment', caseId: id })]);
  });
});

describe('a review deadline', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ now: T0 });
  });
  afterAll(() => h.close());

  it('warns the supervisors who answer reviews, not the handler who replied', async () => {
    const admin = await h.token('admin', 'admin-review');
    for (const [userId, roles] of [
      ['sup-review', ['supervisor']],
      ['handler-review', ['handler']],
    ] as const) {
      const staffed = await h.request('PUT', `/v1/staff/${userId}`, {
        token: admin,
        body: { name: userId, roles, contact: { channel: 'inbox' } },
      });
      expect(staffed.status, staffed.text).toBe(200);
    }
    const clerk = await h.token('clerk', 'clerk-review');
    const handler = await h.token('handler', 'handler-review');
    const supervisor = await h.token('supervisor', 'sup-review');
    const [id] = await registerMany(h, clerk, 1, 950);
    let version = 1;
    for (const [token, command, body] of [
      [clerk, 'accept', { track: 'immediate', assigneeId: 'handler-review' }],
      [handler, 'reply', { outcome: 'resolved', opinion: '已答复' }],
      [clerk, 'request-review', { reason: '不服答复' }],
    ] as const) {
      const done = await h.request('POST', `/v1/cases/${id}/${command}`, {
        token,
        body,
        headers: { 'if-match': `"${version}"` },
      });
      expect(done.status, done.text).toBe(200);
      version = done.body.version;
    }
    const inboxOf = async (token: string) =>
      (
        (await h.request('GET', '/v1/me/notifications?limit=100', { token })).body.items as {
          kind: string;
          caseId: string;
        }[]
      ).filter((n) => n.kind !== 'assignment' && n.kind !== 'milestone');
    expect(await inboxOf(supervisor)).toEqual([]);

    // twenty days into the thirty the review has: the half-time step is due
    const result = await runSweep(sweepDeps(h.deps), new Date(T0.getTime() + 20 * 86_400_000));
    expect(result.due).toBe(1);
    expect(await inboxOf(supervisor)).toEqual([expect.objectContaining({ caseId: id })]);
    expect(await inboxOf(handler)).toEqual([]);
    // the clerk who registered the case hears too, as its registrar
    expect(await inboxOf(clerk)).toEqual([expect.objectContaining({ caseId: id })]);
  });
});

describe('a case no clerk registered', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ now: T0 });
  });
  afterAll(() => h.close());

  it("warns the town's clerks of a citizen's own petition, never the citizen", async () => {
    const admin = await h.token('admin', 'admin-online');
    for (const [userId, roles] of [
      ['clerk-online-1', ['clerk']],
      ['clerk-online-2', ['clerk']],
      ['handler-online', ['handler']],
    ] as const) {
      const staffed = await h.request('PUT', `/v1/staff/${userId}`, {
        token: admin,
        body: { name: userId, roles, contact: { channel: 'inbox' } },
      });
      expect(staffed.status, staffed.text).toBe(200);
    }
    const citizen = await h.token('petitioner', 'citizen-online');
    const { channel: _channel, ...online } = caseBody({
      petitioners: [{ name: '钱七', idNumber: validIdNumber(960) }],
    });
    const filed = await h.request('POST', '/v1/public/petitions', { token: citizen, body: online });
    expect(filed.status, filed.text).toBe(201);
    const inboxOf = async (userId: string, role: 'clerk' | 'handler' | 'petitioner') =>
      (
        (
          await h.request('GET', '/v1/me/notifications?limit=100', {
            token: await h.token(role, userId),
          })
        ).body.items as { kind: string; caseId: string }[]
      ).filter((n) => n.kind !== 'milestone');

    // the acknowledgement's half-time step falls due with nobody assigned
    const result = await runSweep(sweepDeps(h.deps), new Date(T0.getTime() + 9 * 86_400_000));
    expect(result.due).toBeGreaterThanOrEqual(1);
    for (const clerk of ['clerk-online-1', 'clerk-online-2'])
      expect(await inboxOf(clerk, 'clerk')).toEqual([expect.objectContaining({ caseId: filed.body.id })]);
    expect(await inboxOf('handler-online', 'handler')).toEqual([]);
    expect(await inboxOf('citizen-online', 'petitioner')).toEqual([]);
  });
});
