import { describe, expect, it } from 'vitest';
import { shippedCalendars, WorkingCalendar, type YearCalendar } from '../../lambdas/domain/calendar.js';
import type { CaseRecord } from '../../lambdas/domain/case.js';
import { derivedDeadlines } from '../../lambdas/domain/case-deadlines.js';
import { RuleViolationError } from '../../lambdas/domain/errors.js';
import { nextAlert } from '../../lambdas/domain/ladder.js';
import { applyCommand, type CommandInput } from '../../lambdas/domain/lifecycle.js';
import { DEFAULT_POLICY, type DeadlinePolicy } from '../../lambdas/domain/policy.js';
import { recomputeDeadlines, recomputeNote } from '../../lambdas/domain/recompute.js';
import { registerCase } from '../../lambdas/domain/registration.js';
import type { Principal, StaffRole } from '../../lambdas/domain/roles.js';

/** Extension and review-delivery rules, and the recomputation of open cases' deadlines under new settings. */

const shipped = [...shippedCalendars.values()];
const calendar = new WorkingCalendar(shipped);
const NOW = new Date('2026-11-28T02:00:00Z');

const staff = (userId: string, role: StaffRole): Principal => ({
  kind: 'staff',
  userId,
  town: 'town-a',
  roles: [role],
});
const CLERK = staff('clerk-1', 'clerk');
const LEADER = staff('leader-1', 'leader');
const HANDLER = staff('handler-1', 'handler');
const SUPERVISOR = staff('sup-1', 'supervisor');

function newCase(
  at: Date,
  extra: { dueBy?: string; firstTime?: boolean; policy?: DeadlinePolicy } = {},
): CaseRecord {
  const policy = extra.policy ?? DEFAULT_POLICY;
  return registerCase(
    {
      kind: 'petition',
      channel: extra.dueBy ? 'referral' : 'visit',
      category: 'labor_wages',
      title: '拖欠工资',
      description: '工地拖欠工资',
      petitioners: [{ name: '张三' }],
      ...(extra.dueBy ? { referral: { from: '县信访局', reference: 'ZB-9', dueBy: extra.dueBy } } : {}),
    },
    {
      id: 'case-1',
      number: 'XF-20261128-0001',
      now: at,
      principal: CLERK,
      policy,
      calendar,
      firstTime: extra.firstTime ?? false,
      ...(extra.firstTime ? {} : { repeatOf: 'case-0' }),
      level: 'town',
      timelineHead: { seq: 1, hash: 'a'.repeat(64) },
    },
  );
}

const apply = (
  record: CaseRecord,
  input: CommandInput,
  by: Principal,
  now: Date | string,
  policy = DEFAULT_POLICY,
  cal = calendar,
) => applyCommand(record, input, { principal: by, now: new Date(now), policy, calendar: cal }).record;

function ruleOf(run: () => unknown): RuleViolationError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(RuleViolationError);
    return error as RuleViolationError;
  }
  throw new Error('expected a rule violation');
}

const accepted = (at: Date, dueBy?: string, policy = DEFAULT_POLICY) =>
  apply(
    newCase(at, { ...(dueBy ? { dueBy } : {}), policy }),
    { command: 'accept', track: 'immediate', assigneeId: 'handler-1' },
    CLERK,
    at,
    policy,
  );
const extend = (days: number): CommandInput => ({ command: 'extend', days, reason: '需鉴定' });

describe('extend', () => {
  it('keeps the extension on the case and counts from the acceptance date + 60 under either rule', () => {
    for (const holidayRule of ['keep', 'next_working_day'] as const) {
      const policy = { ...DEFAULT_POLICY, holidayRule };
      const record = accepted(new Date('2025-12-20T02:00:00Z'), undefined, policy);
      expect(record.acceptedAt).toBe('2025-12-20T02:00:00.000Z');
      const extended = apply(record, extend(30), LEADER, '2026-01-10T02:00:00Z', policy);
      expect(extended.deadlines.extendedTo).toBe('2026-03-20T16:00:00.000Z');
      expect(extended.extension).toEqual({ days: 30, reason: '需鉴定', at: '2026-01-10T02:00:00.000Z' });
    }
  });

  it('refuses an extension past the level above’s due date (past-upper-level-due), naming it as a Beijing date', () => {
    // accepted 28 Nov: reply 27 Jan 2027; the county asked for an answer by the end of 10 Feb 2027 (Beijing)
    const record = accepted(NOW, '2027-02-10T16:00:00.000Z');
    expect(record.deadlines.replyBy).toBe('2027-01-27T16:00:00.000Z');
    const error = ruleOf(() => apply(record, extend(30), LEADER, NOW));
    expect(error.code).toBe('past-upper-level-due');
    expect(error.params).toEqual({ dueDate: '2027-02-10', days: 30, endDate: '2027-02-26' });
    // 14 days end exactly at the due date: allowed
    expect(apply(record, extend(14), LEADER, NOW).deadlines.extendedTo).toBe('2027-02-10T16:00:00.000Z');
    expect(ruleOf(() => apply(record, extend(15), LEADER, NOW)).code).toBe('past-upper-level-due');
  });

  it('refuses any extension when the due date already cut the reply period short', () => {
    const record = accepted(NOW, '2026-12-20T16:00:00.000Z');
    expect(record.deadlines.replyBy).toBe('2026-12-20T16:00:00.000Z');
    expect(ruleOf(() => apply(record, extend(1), LEADER, NOW)).code).toBe('past-upper-level-due');
  });

  it('counts from the acceptance instant an older record kept only as acknowledgedAt', () => {
    const record = accepted(NOW);
    delete record.acceptedAt;
    expect(apply(record, extend(30), LEADER, NOW).deadlines.extendedTo).toBe('2027-02-26T16:00:00.000Z');
  });
});

describe('record-review', () => {
  const underReview = () => {
    const replied = apply(
      accepted(NOW),
      { command: 'reply', outcome: 'resolved', opinion: '已支付' },
      HANDLER,
      '2026-12-01T02:00:00Z',
    );
    return apply(replied, { command: 'request-review', reason: '不服' }, CLERK, '2026-12-10T02:00:00Z');
  };
  const record = (deliveredAt?: string): CommandInput => ({
    command: 'record-review',
    outcome: 'resolved',
    opinion: '维持',
    ...(deliveredAt ? { deliveredAt } : {}),
  });

  it('runs the re-review window from the delivery of the written opinion, kept on the review', () => {
    const answered = apply(
      underReview(),
      record('2026-12-20T10:00:00+08:00'),
      SUPERVISOR,
      '2026-12-28T02:00:00Z',
    );
    expect(answered.reviews?.[0]).toMatchObject({
      answeredAt: '2026-12-28T02:00:00.000Z',
      deliveredAt: '2026-12-20T02:00:00.000Z',
    });
    // 20 Dec + 30 = 19 Jan 2027, not 27 Jan as from the recording
    expect(answered.deadlines.reviewRequestBy).toBe('2027-01-19T16:00:00.000Z');
  });

  it('takes now when no delivery is given', () => {
    const answered = apply(underReview(), record(), SUPERVISOR, '2026-12-28T02:00:00Z');
    expect(answered.reviews?.[0]?.deliveredAt).toBe('2026-12-28T02:00:00.000Z');
    expect(answered.deadlines.reviewRequestBy).toBe('2027-01-27T16:00:00.000Z');
  });

  it('refuses a delivery before the review was asked for (delivered-before-request); at the instant is fine', () => {
    const pending = underReview();
    const error = ruleOf(() =>
      apply(pending, record('2026-12-10T01:59:59Z'), SUPERVISOR, '2026-12-28T02:00:00Z'),
    );
    expect(error.code).toBe('delivered-before-request');
    expect(
      apply(pending, record('2026-12-10T02:00:00Z'), SUPERVISOR, '2026-12-28T02:00:00Z').deadlines
        .reviewRequestBy,
    ).toBe('2027-01-09T16:00:00.000Z');
  });
});

/** A 2027 schedule stored by the admin (made up): Mon 4 Jan also off, Sat 9 Jan worked. */
const stored2027: YearCalendar = {
  year: 2027,
  holidays: ['2027-01-01', '2027-01-04', '2027-02-05', '2027-02-06', '2027-02-07', '2027-02-08'],
  swappedWorkdays: ['2027-01-09'],
};
const withStored = new WorkingCalendar([...shipped, stored2027]);

describe('recomputeDeadlines', () => {
  const referral = () => {
    // received Mon 28 Dec 2026: 29 (1), 30 (2), 31 (3), 4 Jan (4), 5 Jan (5)
    const record = newCase(new Date('2026-12-28T02:00:00Z'), { dueBy: '2027-03-31T16:00:00.000Z' });
    expect(record.deadlines.objectBy).toBe('2027-01-05T16:00:00.000Z');
    return record;
  };

  it('moves a deadline still ahead, and its alert with it, keeping the ladder’s place', () => {
    const record = referral();
    // the ladder has fired its first step already
    const progressed = { ...record, alert: { ...record.alert!, step: 1 } };
    const at = new Date('2026-12-30T02:00:00Z');
    const result = recomputeDeadlines(progressed, { policy: DEFAULT_POLICY, calendar: withStored }, at);
    // 4 Jan is now off and Sat 9 Jan worked: 29, 30, 31, 5, 6 Jan
    expect(result?.changes).toEqual([
      { name: 'objectBy', from: '2027-01-05T16:00:00.000Z', to: '2027-01-06T16:00:00.000Z' },
    ]);
    expect(result?.record.deadlines.objectBy).toBe('2027-01-06T16:00:00.000Z');
    // the acknowledgement (the deadline watched while registered) is calendar days: unchanged, and so is its alert
    expect(result?.record.deadlines.acknowledgeBy).toBe(record.deadlines.acknowledgeBy);
    expect(result?.record.alert?.step).toBe(1);
    expect(result?.record.alert).toEqual(nextAlert(progressed, DEFAULT_POLICY.escalation, progressed.alert));
    expect(result?.record.version).toBe(record.version);
    expect(recomputeNote('calendar 2027 stored', result!.changes)).toBe(
      'calendar 2027 stored: objectBy 2027-01-05T16:00:00.000Z → 2027-01-06T16:00:00.000Z',
    );
    // a second run under the same settings changes nothing
    expect(
      recomputeDeadlines(result!.record, { policy: DEFAULT_POLICY, calendar: withStored }, at),
    ).toBeUndefined();
  });

  it('moves the watched deadline’s alert without starting its ladder over', () => {
    const policy = { ...DEFAULT_POLICY, holidayRule: 'next_working_day' as const };
    // accepted 5 Nov 2026 under the shipped 2027: 60 days → Mon 4 Jan 2027, a working day there
    const record = accepted(new Date('2026-11-05T02:00:00Z'), undefined, policy);
    expect(record.deadlines.replyBy).toBe('2027-01-04T16:00:00.000Z');
    const fired = { ...record, alert: { ...record.alert!, step: 2 } };
    const at = new Date('2026-12-30T02:00:00Z');
    const result = recomputeDeadlines(fired, { policy, calendar: withStored }, at);
    // the stored 2027 gives 4 Jan off: the period moves to Tue 5 Jan
    expect(result?.record.deadlines.replyBy).toBe('2027-01-05T16:00:00.000Z');
    expect(result?.record.alert).toEqual({
      kind: 'reply',
      due: '2027-01-05T16:00:00.000Z',
      step: 2,
      at: nextAlert(result!.record, policy.escalation, { ...fired.alert, due: '2027-01-05T16:00:00.000Z' })!
        .at,
    });
    expect(result?.record.alert?.at).toBe('2027-01-04T16:00:00.000Z'); // one day before (the urgent step)
  });

  it('leaves a deadline already passed as it was', () => {
    const record = referral();
    const after = new Date('2027-01-05T16:00:00Z'); // the instant objectBy ends
    expect(
      recomputeDeadlines(record, { policy: DEFAULT_POLICY, calendar: withStored }, after),
    ).toBeUndefined();
  });

  it('recomputes under a new policy: the reply period, and the review window from its delivery', () => {
    const record = accepted(NOW);
    const thirty = { ...DEFAULT_POLICY, replyDays: 30 };
    const result = recomputeDeadlines(record, { policy: thirty, calendar }, NOW);
    expect(result?.changes.map((c) => [c.name, c.to])).toEqual([['replyBy', '2026-12-28T16:00:00.000Z']]);
    const replied = apply(
      record,
      { command: 'reply', outcome: 'resolved', opinion: '已支付', deliveredAt: '2026-12-01T02:00:00Z' },
      HANDLER,
      '2026-12-03T02:00:00Z',
    );
    const longer = { ...DEFAULT_POLICY, reviewRequestDays: 45 };
    const moved = recomputeDeadlines(replied, { policy: longer, calendar }, new Date('2026-12-03T02:00:00Z'));
    // 1 Dec + 45 = 15 Jan 2027; the reply period is over and stays
    expect(moved?.changes.map((c) => [c.name, c.to])).toEqual([
      ['reviewRequestBy', '2027-01-15T16:00:00.000Z'],
    ]);
  });

  it('keeps an extension whose days the record does not hold; caps a recomputed one at the due date', () => {
    const record = apply(accepted(NOW, '2027-02-27T16:00:00.000Z'), extend(30), LEADER, NOW);
    expect(record.deadlines.extendedTo).toBe('2027-02-26T16:00:00.000Z');
    const policy = { ...DEFAULT_POLICY, replyDays: 62 };
    expect(derivedDeadlines(record, { policy, calendar }).extendedTo).toBe('2027-02-27T16:00:00.000Z');
    const { extension: _extension, ...older } = record;
    expect(derivedDeadlines(older, { policy, calendar })).not.toHaveProperty('extendedTo');
    expect(recomputeDeadlines(older, { policy, calendar }, NOW)?.record.deadlines.extendedTo).toBe(
      '2027-02-26T16:00:00.000Z',
    );
  });

  it('leaves cases no longer open alone', () => {
    const record = { ...referral(), status: 'closed' as const };
    expect(recomputeDeadlines(record, { policy: DEFAULT_POLICY, calendar: withStored }, NOW)).toBeUndefined();
  });
});
