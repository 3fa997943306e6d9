import { describe, expect, it } from 'vitest';
import { shippedCalendars, WorkingCalendar } from '../../lambdas/domain/calendar.js';
import type { CaseRecord } from '../../lambdas/domain/case.js';
import {
  ForbiddenError,
  type InvalidFieldError,
  type RuleViolationError,
  WrongStatusError,
} from '../../lambdas/domain/errors.js';
import { DEFAULT_ESCALATION, fireDue, nextAlert } from '../../lambdas/domain/ladder.js';
import { applyCommand, type CommandContext, type CommandInput } from '../../lambdas/domain/lifecycle.js';
import { mediationDueOf, monthsDeadline } from '../../lambdas/domain/mediation.js';
import { nextDeadlineOf } from '../../lambdas/domain/next-deadline.js';
import { DEFAULT_POLICY } from '../../lambdas/domain/policy.js';
import { registerCase } from '../../lambdas/domain/registration.js';
import type { Principal, StaffRole } from '../../lambdas/domain/roles.js';

/** People's mediation and the service lines on the case state machine: time limits, outcomes, callback, hand-offs. */

const calendar = new WorkingCalendar(shippedCalendars.values());
const NOW = new Date('2026-11-28T02:00:00Z');
const DAY = 24 * 60 * 60 * 1000;
const staff = (userId: string, ...roles: StaffRole[]): Principal => ({
  kind: 'staff',
  userId,
  town: 'town-a',
  roles,
});
const CLERK = staff('clerk-1', 'clerk');
const MEDIATOR = staff('mediator-1', 'handler');
const keep = { calendar, holidayRule: 'keep' as const };

const ctx = (principal: Principal, now: Date = NOW): CommandContext => ({
  principal,
  now,
  policy: DEFAULT_POLICY,
  calendar,
});

function acceptedDispute(): CaseRecord {
  const record = registerCase(
    {
      kind: 'dispute',
      channel: 'visit',
      category: 'neighbor',
      title: '宅基地边界纠纷',
      description: '两户因围墙位置发生争执',
      petitioners: [{ name: '张三' }, { name: '李四' }],
      respondent: { name: '王五', kind: 'person', userId: 'staff-respondent' },
    },
    {
      id: 'case-1',
      number: 'JF-20261128-0001',
      now: new Date(NOW.getTime() - DAY),
      principal: CLERK,
      policy: DEFAULT_POLICY,
      calendar,
      firstTime: true,
      level: 'village',
      timelineHead: { seq: 1, hash: 'a'.repeat(64) },
    },
  );
  return applyCommand(record, { command: 'accept', track: 'coordinated' }, ctx(CLERK, NOW)).record;
}

const mediate: CommandInput = {
  command: 'mediate',
  committee: 'village',
  mediators: [
    { id: 'mediator-1', source: 'staff', name: '王调解' },
    { id: 'helper-1', source: 'helper', name: '李乡贤' },
  ],
  parties: { petitioners: [0, 1], respondent: false },
};

const written: CommandInput = {
  command: 'agree',
  form: 'written',
  facts: '围墙越界约 0.3 米',
  disputed: '围墙位置',
  responsibilities: '李四承担主要责任',
  terms: ['李四于 12 月 10 日前拆除越界部分', '张三不再主张赔偿'],
  performance: { how: '自行拆除', where: '李四家东侧', by: '2026-12-10' },
};

const run = (record: CaseRecord, input: CommandInput, principal: Principal = MEDIATOR, now: Date = NOW) =>
  applyCommand(record, input, ctx(principal, now)).record;

const refusal = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a refusal');
};

describe('putting a matter to mediation', () => {
  it('keeps the committee, the mediators and the parties, and a time limit of one month', () => {
    const record = run(acceptedDispute(), mediate, CLERK);
    expect(record.status).toBe('accepted');
    expect(record.mediation).toMatchObject({
      committee: 'village',
      parties: { petitioners: [0, 1], respondent: false },
      startedAt: NOW.toISOString(),
      // 28 November (Beijing) + one month: the period ends at 24:00 on 28 December, Beijing time
      dueBy: '2026-12-28T16:00:00.000Z',
    });
    expect(record.mediation?.mediators.map((m) => m.id)).toEqual(['mediator-1', 'helper-1']);
  });

  it('counts a month to the same day, or to the last day of a shorter month', () => {
    expect(monthsDeadline(new Date('2027-01-30T02:00:00Z'), 1, keep).toISOString()).toBe(
      '2027-02-28T16:00:00.000Z',
    );
    expect(monthsDeadline(new Date('2027-12-15T02:00:00Z'), 1, keep).toISOString()).toBe(
      '2028-01-15T16:00:00.000Z',
    );
    // a Beijing evening is already the next UTC day's Beijing date
    expect(mediationDueOf(new Date('2027-03-31T17:00:00Z'), keep).toISOString()).toBe(
      '2027-05-01T16:00:00.000Z',
    );
  });

  it('moves a last day that is a holiday to the next working day under that rule', () => {
    // 2027-01-01 is New Year's Day; one month from 1 December would end on it
    const moved = monthsDeadline(new Date('2026-12-01T02:00:00Z'), 1, {
      calendar,
      holidayRule: 'next_working_day',
    });
    expect(moved.getTime()).toBeGreaterThan(new Date('2027-01-01T16:00:00Z').getTime());
  });

  it('is refused a second time, and from any status but accepted', () => {
    const record = run(acceptedDispute(), mediate, CLERK);
    expect((refusal(() => run(record, mediate, CLERK)) as RuleViolationError).code).toBe('already-mediated');
    const registered = { ...acceptedDispute(), status: 'registered' as const };
    expect(refusal(() => run(registered, mediate, CLERK))).toBeInstanceOf(WrongStatusError);
  });

  it('names the case’s own parties, at least two of them', () => {
    const one = { ...mediate, parties: { petitioners: [0], respondent: false } } as CommandInput;
    expect((refusal(() => run(acceptedDispute(), one, CLERK)) as InvalidFieldError).path).toBe('parties');
    const stranger = { ...mediate, parties: { petitioners: [0, 5], respondent: false } } as CommandInput;
    expect((refusal(() => run(acceptedDispute(), stranger, CLERK)) as InvalidFieldError).path).toBe(
      'parties.petitioners.1',
    );
    const noRespondent = { ...acceptedDispute() };
    delete noRespondent.respondent;
    const withRespondent = { ...mediate, parties: { petitioners: [0], respondent: true } } as CommandInput;
    expect((refusal(() => run(noRespondent, withRespondent, CLERK)) as InvalidFieldError).reason).toBe(
      'no-respondent',
    );
  });

  it('never lets the respondent mediate their own matter', () => {
    const asRespondent = {
      ...mediate,
      mediators: [{ id: 'staff-respondent', source: 'staff', name: '王五' }],
    } as CommandInput;
    expect((refusal(() => run(acceptedDispute(), asRespondent, CLERK)) as RuleViolationError).code).toBe(
      'respondent-recusal',
    );
  });

  it('lets only the case’s mediators and the clerks take its steps', () => {
    const record = run(acceptedDispute(), mediate, CLERK);
    expect(refusal(() => run(record, written, staff('handler-2', 'handler')))).toBeInstanceOf(ForbiddenError);
    expect(refusal(() => run(record, written, staff('leader-1', 'leader')))).toBeInstanceOf(ForbiddenError);
    expect(run(record, written, CLERK).mediation?.agreement).toBeDefined();
    expect(run(record, written, MEDIATOR).mediation?.agreement).toBeDefined();
  });
});

describe('extending the time limit', () => {
  const extend: CommandInput = {
    command: 'extend-mediation',
    days: 15,
    partiesConsent: true,
    reason: '待测量',
  };

  it('adds the days to the limit in force and records the consent’s reason', () => {
    const record = run(run(acceptedDispute(), mediate, CLERK), extend);
    expect(record.mediation?.dueBy).toBe('2027-01-12T16:00:00.000Z');
    expect(record.mediation?.extensions).toEqual([
      { days: 15, reason: '待测量', at: NOW.toISOString(), dueBy: '2027-01-12T16:00:00.000Z' },
    ]);
  });

  it('is refused once the limit has passed, and before any mediation', () => {
    const record = run(acceptedDispute(), mediate, CLERK);
    const late = new Date('2026-12-29T01:00:00Z');
    const error = refusal(() => run(record, extend, MEDIATOR, late)) as RuleViolationError;
    expect(error.code).toBe('window-closed');
    expect(error.params).toEqual({ window: 'mediation' });
    expect((refusal(() => run(acceptedDispute(), extend, CLERK)) as RuleViolationError).code).toBe(
      'not-mediating',
    );
  });
});

describe('the outcomes', () => {
  it('a written agreement takes its number, its effect, the 30 days for confirmation and the callback', () => {
    const signed = new Date(NOW.getTime() + 2 * DAY);
    const record = run(run(acceptedDispute(), mediate, CLERK), written, MEDIATOR, signed);
    expect(record.mediation?.concludedAt).toBe(signed.toISOString());
    expect(record.mediation?.agreement).toMatchObject({
      number: 'TJ-20261128-0001',
      form: 'written',
      terms: ['李四于 12 月 10 日前拆除越界部分', '张三不再主张赔偿'],
      performance: { how: '自行拆除', where: '李四家东侧', by: '2026-12-10' },
      effectiveAt: signed.toISOString(),
      // 30 November + 30 days: 30 December, to 24:00 Beijing time
      confirmationBy: '2026-12-30T16:00:00.000Z',
      callbackBy: '2026-12-10T16:00:00.000Z',
    });
  });

  it('an oral agreement takes effect when the parties agreed', () => {
    const agreedAt = '2026-11-28T01:00:00.000Z';
    const oral: CommandInput = {
      command: 'agree',
      form: 'oral',
      terms: ['当场赔礼道歉'],
      performance: { how: '当场履行', by: '2026-11-28' },
      effectiveAt: agreedAt,
    };
    const record = run(run(acceptedDispute(), mediate, CLERK), oral);
    expect(record.mediation?.agreement?.form).toBe('oral');
    expect(record.mediation?.agreement?.effectiveAt).toBe(agreedAt);
    expect(record.mediation?.agreement?.facts).toBeUndefined();
  });

  it('a failure keeps the reason and the route the parties were told of; nothing may follow it', () => {
    const failed: CommandInput = { command: 'mediation-failed', reason: '双方各执一词', route: 'litigation' };
    const record = run(run(acceptedDispute(), mediate, CLERK), failed);
    expect(record.mediation?.failure).toEqual({
      reason: '双方各执一词',
      route: 'litigation',
      at: NOW.toISOString(),
    });
    expect((refusal(() => run(record, written)) as RuleViolationError).code).toBe('not-mediating');
    expect((refusal(() => run(record, failed)) as RuleViolationError).code).toBe('not-mediating');
  });

  it('no agreement before mediation', () => {
    expect((refusal(() => run(acceptedDispute(), written, CLERK)) as RuleViolationError).code).toBe(
      'not-mediating',
    );
  });
});

describe('the callback', () => {
  const performed: CommandInput = {
    command: 'callback',
    result: 'partly',
    note: '已拆除一半',
    followUp: 'urged',
  };

  it('is refused before an agreement, and recorded once after it', () => {
    const mediating = run(acceptedDispute(), mediate, CLERK);
    expect((refusal(() => run(mediating, performed)) as RuleViolationError).code).toBe('no-agreement');
    const agreed = run(mediating, written);
    const called = run(agreed, performed);
    expect(called.mediation?.callback).toEqual({
      result: 'partly',
      note: '已拆除一半',
      followUp: 'urged',
      at: NOW.toISOString(),
    });
    expect((refusal(() => run(called, performed)) as RuleViolationError).code).toBe('already-called-back');
  });

  it('may be given after the case was replied to or closed', () => {
    const agreed = run(run(acceptedDispute(), mediate, CLERK), written);
    expect(run({ ...agreed, status: 'closed' }, performed).mediation?.callback?.result).toBe('partly');
  });
});

describe('hand-offs to the other lines', () => {
  const handOff: CommandInput = {
    command: 'hand-off',
    line: 'labor_arbitration',
    unit: '县劳动人事争议仲裁院',
    dueDate: '2026-12-10',
  };

  it('one open hand-off a line; its return is on time or late against its due date', () => {
    const handed = run(acceptedDispute(), handOff, CLERK);
    expect(handed.handOffs).toEqual([
      {
        id: 'h1',
        line: 'labor_arbitration',
        unit: '县劳动人事争议仲裁院',
        dueBy: '2026-12-10T16:00:00.000Z',
        at: NOW.toISOString(),
        by: 'clerk-1',
      },
    ]);
    expect((refusal(() => run(handed, handOff, CLERK)) as RuleViolationError).code).toBe('hand-off-open');
    const result: CommandInput = {
      command: 'hand-off-result',
      handOffId: 'h1',
      accepted: true,
      result: '已立案',
    };
    const late = run(handed, result, CLERK, new Date('2026-12-11T02:00:00Z'));
    expect(late.handOffs?.[0]?.returned).toEqual({
      accepted: true,
      result: '已立案',
      at: '2026-12-11T02:00:00.000Z',
      onTime: false,
    });
    expect(run(handed, result, CLERK).handOffs?.[0]?.returned?.onTime).toBe(true);
    expect((refusal(() => run(late, result, CLERK)) as RuleViolationError).code).toBe('hand-off-returned');
    const unknown = { ...result, handOffId: 'h9' } as CommandInput;
    expect((refusal(() => run(handed, unknown, CLERK)) as InvalidFieldError).path).toBe('handOffId');
  });
});

describe('the deadlines the ladder watches', () => {
  it('follows the earliest deadline: mediation before the 60-day reply, then the next once it is missed', () => {
    const record = run(acceptedDispute(), mediate, CLERK);
    expect(record.alert?.kind).toBe('mediation');
    expect(record.alert?.due).toBe(record.mediation?.dueBy);
    expect(nextDeadlineOf(record)).toMatchObject({ kind: 'mediation', lastDay: '2026-12-28' });

    // the whole ladder fires at the time limit; the alert then follows the reply deadline
    const atLimit = new Date(record.mediation!.dueBy);
    const alert = { ...record.alert!, step: DEFAULT_ESCALATION.steps.length - 1 };
    const fired = fireDue(record, DEFAULT_ESCALATION, alert, atLimit);
    expect(fired?.step.severity).toBe('overdue');
    expect(fired?.next).toMatchObject({ kind: 'reply', due: record.deadlines.replyBy, step: 0 });
  });

  it('watches the callback once agreed, and an open hand-off', () => {
    const agreed = run(run(acceptedDispute(), mediate, CLERK), written);
    expect(agreed.alert).toMatchObject({ kind: 'callback', due: '2026-12-10T16:00:00.000Z' });
    const called = run(agreed, { command: 'callback', result: 'performed', note: '已拆除' });
    expect(called.alert?.kind).toBe('reply');
    const handed = run(
      called,
      {
        command: 'hand-off',
        line: 'legal_aid',
        unit: '县法律援助中心',
        dueDate: '2026-12-05',
      },
      CLERK,
    );
    expect(handed.alert).toMatchObject({ kind: 'hand_off', due: '2026-12-05T16:00:00.000Z' });
    expect(nextAlert({ ...handed, status: 'closed' }, DEFAULT_ESCALATION)?.kind).toBe('hand_off');
  });
});
