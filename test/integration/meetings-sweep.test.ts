import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportDeps, runScheduledReports } from '../../lambdas/usecases/reports.js';
import { runSweep } from '../../lambdas/usecases/sweep.js';
import { sweepDeps } from '../../lambdas/usecases/sweep-deps.js';
import { createHarness, type Harness } from '../support/harness.js';
import { alertIndexSize } from '../support/sim-tools.js';

/**
 * Meeting decisions are watched by the deadline sweep beside the cases, from the same sharded alert index: a decision
 * due soon warns its owner once, a missed one tells the petition office once, a done one is not read at all.
 */

const TOWN = 'town-ms';
/** 10:00 Beijing time on 3 December. */
const NOW = new Date('2026-12-03T02:00:00Z');
/** The end of 5 December, Beijing time: the deadline of a decision due that day. */
const DEC5_END = '2026-12-05T16:00:00.000Z';

let h: Harness;
let leader: string;
let supervisor: string;
let handler: string;
let meetingId: string;

const inbox = async (token: string) => {
  const response = await h.request('GET', '/v1/me/notifications', { token });
  expect(response.status, response.text).toBe(200);
  return response.body.items as { kind: string; severity: string; text: { zh: string; en: string } }[];
};

beforeAll(async () => {
  h = await createHarness({ now: NOW });
  const admin = await h.token('admin', 'admin-1', TOWN);
  leader = await h.token('leader', 'leader-1', TOWN);
  supervisor = await h.token('supervisor', 'supervisor-1', TOWN);
  handler = await h.token('handler', 'handler-1', TOWN);
  for (const [userId, name, roles] of [
    ['leader-1', '王书记', ['leader']],
    ['supervisor-1', '李主任', ['supervisor']],
    ['handler-1', '赵调解', ['handler']],
  ] as const) {
    const put = await h.request('PUT', `/v1/staff/${userId}`, { token: admin, body: { name, roles } });
    expect(put.status, put.text).toBe(200);
  }
  const created = await h.request('POST', '/v1/meetings', {
    token: leader,
    body: {
      kind: 'joint_meeting',
      date: '2026-12-03',
      chairId: 'leader-1',
      participants: { people: ['handler-1'], units: ['镇综治中心'] },
      caseIds: [],
      agenda: '本月信访形势研判',
    },
  });
  expect(created.status, created.text).toBe(201);
  meetingId = created.body.id;
  const minutes = await h.request('POST', `/v1/meetings/${meetingId}/minutes`, {
    token: leader,
    body: {
      summary: '研判本月信访形势，明确三项任务',
      decisions: [
        // due in two days: its three-day warning is already due
        { text: '排查在建工地欠薪隐患', ownerId: 'handler-1', dueDate: '2026-12-05' },
        // due in three weeks: nothing is due yet
        { text: '完成矛盾纠纷排查台账', ownerId: 'handler-1', dueDate: '2026-12-24' },
        // due in two days too, but done at once: it leaves the index
        { text: '通报上周化解情况', ownerId: 'leader-1', dueDate: '2026-12-05' },
      ],
    },
  });
  expect(minutes.status, minutes.text).toBe(201);
  const done = await h.request('POST', `/v1/meetings/${meetingId}/decisions/3/done`, {
    token: leader,
    body: { note: '已在全镇干部大会上通报' },
  });
  expect(done.status, done.text).toBe(200);
});

afterAll(async () => {
  await h?.close();
});

describe('decisions in the deadline sweep', () => {
  it('holds the two open decisions in the alert index, not the done one', async () => {
    expect(await alertIndexSize(h.deps)).toBe(2);
  });

  it('warns the owner once of a decision due soon, reading only what is due', async () => {
    const first = await runSweep(sweepDeps(h.deps), new Date(NOW.getTime() + 60_000));
    expect(first).toMatchObject({ itemsRead: 1, due: 1, warned: 1, overdue: 0 });
    const again = await runSweep(sweepDeps(h.deps), new Date(NOW.getTime() + 120_000));
    expect(again).toMatchObject({ itemsRead: 0, due: 0, warned: 0 });
    const notices = await inbox(handler);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ kind: 'deadline', severity: 'warning' });
    expect(notices[0]!.text.zh).toBe(
      '2026年12月3日信访工作联席会议议定事项第 1 项由您落实，期限至 2026年12月5日，请按期办结。',
    );
    expect(notices[0]!.text.en).toBe(
      'Item 1 decided at the joint meeting of 3 Dec 2026 is yours to carry out by 5 Dec 2026, Beijing time.',
    );
    expect(await inbox(supervisor)).toHaveLength(0);
  });

  it('tells the petition office once when it is missed, naming who was responsible', async () => {
    const justBefore = await runSweep(sweepDeps(h.deps), new Date(new Date(DEC5_END).getTime() - 1));
    expect(justBefore).toMatchObject({ itemsRead: 0, overdue: 0 });
    const missed = await runSweep(sweepDeps(h.deps), new Date(DEC5_END));
    expect(missed).toMatchObject({ itemsRead: 1, due: 1, overdue: 1 });
    const later = await runSweep(sweepDeps(h.deps), new Date('2026-12-07T02:00:00Z'));
    expect(later).toMatchObject({ itemsRead: 0, overdue: 0 });
    const notices = await inbox(supervisor);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ kind: 'supervision', severity: 'overdue' });
    expect(notices[0]!.text.zh).toBe(
      '2026年12月3日信访工作联席会议议定事项第 1 项已超过落实期限（2026年12月5日），责任人：赵调解，列入督办。',
    );
    expect(notices[0]!.text.en).toContain('responsible: 赵调解');
    // the owner hears of it too, beside the earlier warning
    expect((await inbox(handler)).map((n) => n.severity).sort()).toEqual(['overdue', 'warning']);
    // the missed decision left the index; the one due later waits there
    expect(await alertIndexSize(h.deps)).toBe(1);
    h.setNow('2026-12-07T02:00:00Z');
    const read = await h.request('GET', `/v1/meetings/${meetingId}`, { token: supervisor });
    expect(read.body.decisions.map((d: { status: string }) => d.status)).toEqual(['overdue', 'open', 'done']);
    expect(read.body.decisions[0].missedAt).toBe(DEC5_END);
    h.setNow(NOW);
  });
});

describe('decisions in the indicators and the monthly supervision', () => {
  it('counts the meetings held and the decisions open and overdue', async () => {
    h.setNow('2026-12-07T02:00:00Z');
    const metrics = await h.request('GET', '/v1/metrics?from=2026-12-01&to=2026-12-07', { token: leader });
    expect(metrics.status, metrics.text).toBe(200);
    // decision 1 missed, decision 2 open and not yet due, decision 3 done
    expect(metrics.body.decisions).toEqual({
      open: 2,
      overdue: 1,
      byOwner: [{ ownerId: 'handler-1', name: '赵调解', open: 2, overdue: 1 }],
    });
    expect(metrics.body.meetings).toBe(1);
    expect(metrics.body.meetingsByChair).toEqual([{ chairId: 'leader-1', name: '王书记', held: 1 }]);
    const november = await h.request('GET', '/v1/metrics?from=2026-11-01&to=2026-11-30', { token: leader });
    expect(november.body.meetings).toBe(0);
    h.setNow(NOW);
  });

  it('lists the missed decision with who answers for it, and supervises it once', async () => {
    // the run on 1 January makes December's report
    const at = new Date('2027-01-01T01:00:00Z');
    const run = await runScheduledReports(reportDeps(h.deps), [TOWN], 'monthly', at);
    expect(run.failed).toEqual([]);
    // the owner's of each missed decision, and the summary to the petition office
    expect(run.runs[0]?.notices).toBe(3);
    const again = await runScheduledReports(reportDeps(h.deps), [TOWN], 'monthly', at);
    expect(again.runs[0]?.notices).toBe(0);
    h.setNow(at);
    const report = await h.request('GET', '/v1/reports/monthly/2026-12', { token: supervisor });
    expect(report.status, report.text).toBe(200);
    // decision 2 (due 24 December) is missed too by the month's end
    expect(report.body.missedDecisions.total).toBe(2);
    expect(report.body.missedDecisions.items[0]).toMatchObject({
      meetingId,
      n: 1,
      dueDate: '2026-12-05',
      ownerId: 'handler-1',
      ownerName: '赵调解',
    });
    const page = await h.request('GET', '/v1/reports/monthly/2026-12', {
      token: supervisor,
      headers: { accept: 'text/html' },
    });
    expect(page.text).toContain('超期未落实的会议议定事项');
    expect(page.text).toContain('赵调解');
    expect(page.text).not.toContain('handler-1');
    const summary = (await inbox(supervisor)).find((n) => n.text.zh.startsWith('月督办'));
    expect(summary?.text.zh).toBe(
      '月督办（2026年12月）：会议议定事项超期未落实 2 项：' +
        '2026年12月3日信访工作联席会议议定事项第 1 项（责任人：赵调解）；' +
        '2026年12月3日信访工作联席会议议定事项第 2 项（责任人：赵调解）。',
    );
    expect(summary?.text.en).toContain('2 meeting decisions missed');
    h.setNow(NOW);
  });
});
