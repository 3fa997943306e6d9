import { describe, expect, it } from 'vitest';
import { shippedCalendars, WorkingCalendar } from '../../lambdas/domain/calendar.js';
import type { CaseRecord } from '../../lambdas/domain/case.js';
import { trackingView } from '../../lambdas/domain/citizen.js';
import { applyCommand, type CommandInput } from '../../lambdas/domain/lifecycle.js';
import { decidedLevelOf, nextDeadlineOf } from '../../lambdas/domain/next-deadline.js';
import { DEFAULT_POLICY } from '../../lambdas/domain/policy.js';
import { registerCase } from '../../lambdas/domain/registration.js';
import type { Principal } from '../../lambdas/domain/roles.js';
import type { TimelineEvent } from '../../lambdas/domain/timeline.js';
import { caseView } from '../../lambdas/http/views.js';

const calendar = new WorkingCalendar(shippedCalendars.values());
const NOW = new Date('2026-11-28T02:00:00Z');
const clerk: Principal = { kind: 'staff', userId: 'clerk-1', town: 'town-a', roles: ['clerk'] };
const handler: Principal = { kind: 'staff', userId: 'handler-1', town: 'town-a', roles: ['handler'] };
const supervisor: Principal = { kind: 'staff', userId: 'sup-1', town: 'town-a', roles: ['supervisor'] };

const registered = (level: 'village' | 'town' = 'village'): CaseRecord =>
  registerCase(
    {
      kind: 'petition',
      channel: 'visit',
      category: 'labor_wages',
      title: '拖欠工资',
      description: '工地拖欠三个月工资',
      petitioners: [{ name: '张三' }],
    },
    {
      id: 'case-1',
      number: 'XF-20261128-0001',
      now: NOW,
      principal: clerk,
      policy: DEFAULT_POLICY,
      calendar,
      firstTime: true,
      level,
      timelineHead: { seq: 1, hash: 'a'.repeat(64) },
    },
  );

const give = (record: CaseRecord, input: CommandInput, by: Principal, at = NOW) =>
  applyCommand(record, input, { principal: by, now: at, policy: DEFAULT_POLICY, calendar }).record;

const accepted = (level?: 'village' | 'town') =>
  give(registered(level), { command: 'accept', track: 'immediate', assigneeId: 'handler-1' }, clerk);
const replied = () =>
  give(accepted(), { command: 'reply', outcome: 'resolved', opinion: '已协调支付' }, handler);

describe('nextDeadlineOf', () => {
  it('is the acknowledgement while registered, with its last Beijing day', () => {
    const record = registered();
    // received 10:00 Saturday 28 November (Beijing): 15 days, the calendar date kept
    expect(record.deadlines.acknowledgeBy).toBe('2026-12-13T16:00:00.000Z');
    expect(nextDeadlineOf(record)).toEqual({
      kind: 'acknowledge',
      at: '2026-12-13T16:00:00.000Z',
      lastDay: '2026-12-13',
    });
  });

  it('is the reply once accepted, the extended one once extended', () => {
    const record = accepted();
    expect(nextDeadlineOf(record)).toEqual({
      kind: 'reply',
      at: record.deadlines.replyBy,
      lastDay: '2027-01-27',
    });
    const extended = {
      ...record,
      deadlines: { ...record.deadlines, extendedTo: '2027-02-26T16:00:00.000Z' },
    };
    expect(nextDeadlineOf(extended)).toEqual({
      kind: 'reply',
      at: '2027-02-26T16:00:00.000Z',
      lastDay: '2027-02-26',
    });
  });

  it('is the petitioner’s review window after the reply, and the review’s answer while under review', () => {
    const record = replied();
    expect(nextDeadlineOf(record)).toMatchObject({
      kind: 'review_request',
      at: record.deadlines.reviewRequestBy,
    });
    const asked = give(
      { ...record, petitionerUserId: 'citizen-1' },
      { command: 'request-review', reason: '赔偿金额不足' },
      clerk,
    );
    expect(asked.status).toBe('under_review');
    expect(nextDeadlineOf(asked)).toMatchObject({ kind: 'review', at: asked.deadlines.reviewAnswerBy });
    const reviewed = give(
      asked,
      { command: 'record-review', outcome: 'resolved', opinion: '维持' },
      supervisor,
    );
    expect(nextDeadlineOf(reviewed)).toMatchObject({
      kind: 'review_request',
      at: reviewed.deadlines.reviewRequestBy,
    });
  });

  it('is none once nothing is due', () => {
    const declined = give(
      registered(),
      { command: 'decline', reason: '属于诉讼渠道', route: 'litigation' },
      clerk,
    );
    expect(nextDeadlineOf(declined)).toBeUndefined();
    const closed = { ...replied(), status: 'closed' as const };
    expect(nextDeadlineOf(closed)).toBeUndefined();
  });
});

describe('decidedLevelOf', () => {
  it('is none while registered, the intake level once accepted, the new one after escalation', () => {
    expect(decidedLevelOf(registered('village'))).toBeUndefined();
    expect(decidedLevelOf(accepted('village'))).toBe('village');
    expect(decidedLevelOf(accepted('town'))).toBe('town');
    const escalated = give(
      accepted('village'),
      { command: 'escalate', level: 'county', reason: '跨县' },
      handler,
    );
    expect(decidedLevelOf(escalated)).toBe('county');
  });

  it('is none on a matter transferred at the window', () => {
    const transferred = give(registered(), { command: 'transfer', toUnit: '县人社局' }, clerk);
    expect(decidedLevelOf(transferred)).toBeUndefined();
  });
});

describe('the answers built on them', () => {
  it('a staff answer has the next deadline and the decided level, never the sweep’s alert', () => {
    const before = registered('village');
    expect(before.alert).toBeDefined();
    const view = caseView(before, clerk);
    expect(view).not.toHaveProperty('alert');
    expect(view).not.toHaveProperty('level');
    expect(view.nextDeadline).toEqual(nextDeadlineOf(before));
    expect(caseView(accepted('village'), clerk)).toMatchObject({
      level: 'village',
      nextDeadline: { kind: 'reply' },
    });
  });

  it('the public tracking answer labels status, milestones and deadline in the reader’s language', () => {
    const record = accepted();
    const event = (seq: number, action: string, at: string): TimelineEvent => ({
      seq,
      at,
      actor: { id: 'clerk-1', role: 'clerk' },
      action,
      prevHash: '0'.repeat(64),
      hash: String(seq).repeat(64),
    });
    const events = [
      event(1, 'register', '2026-11-28T02:00:00.000Z'),
      event(2, 'note', '2026-11-28T02:30:00.000Z'),
      event(3, 'accept', '2026-11-28T03:00:00.000Z'),
    ];
    expect(trackingView(record, events, 'zh')).toEqual({
      number: 'XF-20261128-0001',
      status: 'accepted',
      statusLabel: '已受理',
      milestones: [
        {
          milestone: 'register',
          at: '2026-11-28T02:00:00.000Z',
          zh: '已登记',
          en: 'Registered',
          label: '已登记',
        },
        {
          milestone: 'accept',
          at: '2026-11-28T03:00:00.000Z',
          zh: '已受理',
          en: 'Accepted',
          label: '已受理',
        },
      ],
      nextDeadline: {
        kind: 'reply',
        label: '答复期限',
        at: record.deadlines.replyBy,
        lastDay: '2027-01-27',
        lastDayText: '2027年1月27日',
      },
    });
    expect(trackingView(record, events, 'en')).toMatchObject({
      statusLabel: 'Accepted',
      milestones: [{ label: 'Registered' }, { label: 'Accepted' }],
      nextDeadline: { label: 'Reply due', lastDayText: '27 Jan 2027, Beijing time' },
    });
  });
});
