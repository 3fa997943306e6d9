import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shippedCalendars, WorkingCalendar } from '../../lambdas/domain/calendar.js';
import type { CaseRecord } from '../../lambdas/domain/case.js';
import {
  type Alert,
  DEFAULT_ESCALATION,
  type EscalationPolicy,
  fireDue,
  isOverdueStep,
  nextAlert,
  stepTime,
  watchedDeadline,
} from '../../lambdas/domain/ladder.js';
import { DEFAULT_POLICY } from '../../lambdas/domain/policy.js';
import { type RegistrationInput, registerCase } from '../../lambdas/domain/registration.js';
import type { Principal } from '../../lambdas/domain/roles.js';

const calendar = new WorkingCalendar(shippedCalendars.values());
const clerk: Principal = { kind: 'staff', userId: 'clerk-1', town: 'town-a', roles: ['clerk'] };
const DAY = 24 * 60 * 60 * 1000;

/** Received 10:00 Beijing on 20 November: the 15-day acknowledgement ends at Beijing midnight after 5 December. */
const RECEIVED = '2026-11-20T02:00:00.000Z';
const ACK_DUE = '2026-12-05T16:00:00.000Z';

const input = (overrides: Partial<RegistrationInput> = {}): RegistrationInput => ({
  kind: 'petition',
  channel: 'visit',
  category: 'labor_wages',
  title: '拖欠工资',
  description: '工地拖欠三个月工资',
  receivedAt: RECEIVED,
  petitioners: [{ name: '张三' }],
  ...overrides,
});

function registered(
  options: { firstTime?: boolean; input?: Partial<RegistrationInput>; escalation?: EscalationPolicy } = {},
): CaseRecord {
  return registerCase(input(options.input), {
    id: 'case-1',
    number: 'XF-20261120-0001',
    now: new Date(options.input?.receivedAt ?? RECEIVED),
    principal: clerk,
    policy: { ...DEFAULT_POLICY, escalation: options.escalation ?? DEFAULT_ESCALATION },
    calendar,
    firstTime: options.firstTime ?? false,
    level: 'town',
    timelineHead: { seq: 1, hash: 'h' },
  });
}

/** The four step instants of the record's watched deadline under a policy. */
function ladderTimes(record: CaseRecord, policy: EscalationPolicy = DEFAULT_ESCALATION): string[] {
  const watched = watchedDeadline(record);
  if (!watched) throw new Error('nothing watched');
  return policy.steps.map((step) => stepTime(record, policy, step, watched).toISOString());
}

const shift = (iso: string, days: number) => new Date(new Date(iso).getTime() - days * DAY).toISOString();

/** The nominal instants for the 15-day period above: half-time, three days, one day before, the deadline. */
const HALF = new Date((new Date(RECEIVED).getTime() + new Date(ACK_DUE).getTime()) / 2).toISOString();
const NOMINAL = [HALF, shift(ACK_DUE, 3), shift(ACK_DUE, 1), ACK_DUE];

function accepted(record: CaseRecord, at: string, replyBy: string): CaseRecord {
  return {
    ...record,
    status: 'accepted',
    acknowledgedAt: at,
    deadlines: { ...record.deadlines, replyBy },
    version: record.version + 1,
  };
}

describe('the default ladder', () => {
  it('is half-time, three days, one day before, and overdue at the deadline', () => {
    expect(DEFAULT_ESCALATION.steps.map((s) => s.when)).toEqual([
      { fractionElapsed: 0.5 },
      { daysBefore: 3 },
      { daysBefore: 1 },
      { daysBefore: 0 },
    ]);
    expect(DEFAULT_ESCALATION.steps.map((s) => s.severity)).toEqual([
      'notice',
      'warning',
      'urgent',
      'overdue',
    ]);
    expect(DEFAULT_ESCALATION.steps.filter(isOverdueStep).map((s) => s.id)).toEqual(['overdue']);
    expect(DEFAULT_ESCALATION.earlierDays).toEqual({ firstTime: 1, collective: 1, keyPeriod: 2 });
  });
});

describe('stepTime for a 15-day acknowledgement period', () => {
  it('puts a repeat petition on the nominal instants', () => {
    const record = registered({ firstTime: false });
    expect(record.deadlines.acknowledgeBy).toBe(ACK_DUE);
    expect(HALF).toBe('2026-11-27T21:00:00.000Z');
    expect(ladderTimes(record)).toEqual([
      '2026-11-27T21:00:00.000Z',
      '2026-12-02T16:00:00.000Z',
      '2026-12-04T16:00:00.000Z',
      ACK_DUE,
    ]);
  });

  it('moves every warning one day earlier for a first-time petition, never the deadline itself', () => {
    const record = registered({ firstTime: true });
    expect(ladderTimes(record)).toEqual([
      shift(HALF, 1),
      shift(NOMINAL[1]!, 1),
      shift(NOMINAL[2]!, 1),
      ACK_DUE,
    ]);
  });

  it('moves every warning one day earlier for a collective case (five or more people)', () => {
    const record = registered({ firstTime: false, input: { headcount: 6 } });
    expect(record.collective).toBe(true);
    expect(ladderTimes(record)).toEqual([
      shift(HALF, 1),
      shift(NOMINAL[1]!, 1),
      shift(NOMINAL[2]!, 1),
      ACK_DUE,
    ]);
    const four = registered({ firstTime: false, input: { headcount: 4 } });
    expect(four.collective).toBe(false);
    expect(ladderTimes(four)).toEqual(NOMINAL);
  });

  it('takes the largest reason, not the sum: first-time and collective is still one day', () => {
    const record = registered({ firstTime: true, input: { headcount: 8 } });
    expect(ladderTimes(record)).toEqual([
      shift(HALF, 1),
      shift(NOMINAL[1]!, 1),
      shift(NOMINAL[2]!, 1),
      ACK_DUE,
    ]);
  });

  it('does not move a first-time dispute: the first-time rule is about petitions', () => {
    const record = registered({ firstTime: true, input: { kind: 'dispute' } });
    expect(ladderTimes(record)).toEqual(NOMINAL);
  });

  it('moves warnings two days earlier in a key period, and two days also for a first-time petition then', () => {
    const escalation: EscalationPolicy = {
      ...DEFAULT_ESCALATION,
      keyPeriods: [{ name: '重要活动', from: '2026-11-20', to: '2026-12-10' }],
    };
    const repeat = registered({ firstTime: false, escalation });
    expect(ladderTimes(repeat, escalation)).toEqual([
      shift(HALF, 2),
      shift(NOMINAL[1]!, 2),
      shift(NOMINAL[2]!, 2),
      ACK_DUE,
    ]);
    const firstTime = registered({ firstTime: true, escalation });
    expect(ladderTimes(firstTime, escalation)).toEqual(ladderTimes(repeat, escalation));
  });

  it('leaves steps outside a key period alone', () => {
    const escalation: EscalationPolicy = {
      ...DEFAULT_ESCALATION,
      keyPeriods: [{ name: '春节', from: '2027-02-01', to: '2027-02-20' }],
    };
    expect(ladderTimes(registered({ escalation }), escalation)).toEqual(NOMINAL);
  });

  it('never puts a step before the period began, nor after its deadline (a short referred period)', () => {
    // the level above asked for an answer within about two and a half days
    const referral = { from: '县信访局', reference: 'XJ-2026-77', dueBy: '2026-11-22T16:00:00.000Z' };
    const escalation: EscalationPolicy = {
      ...DEFAULT_ESCALATION,
      keyPeriods: [{ name: '重要活动', from: '2026-11-01', to: '2026-11-30' }],
    };
    for (const policy of [DEFAULT_ESCALATION, escalation]) {
      const record = registered({ firstTime: true, input: { referral }, escalation: policy });
      expect(record.deadlines.acknowledgeBy).toBe('2026-11-22T16:00:00.000Z');
      const times = ladderTimes(record, policy);
      for (const t of times) {
        expect(t >= RECEIVED).toBe(true);
        expect(t <= record.deadlines.acknowledgeBy).toBe(true);
      }
      // three days before a deadline two and a half days away: at the start, not before it
      expect(times[1]).toBe(RECEIVED);
      expect(times[3]).toBe('2026-11-22T16:00:00.000Z');
    }
  });

  it('keeps every step inside the period and the last one at the deadline, whatever the case', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 300 * DAY }),
        fc.integer({ min: 1, max: 90 }),
        fc.boolean(),
        fc.integer({ min: 1, max: 30 }),
        fc.constantFrom('petition', 'dispute'),
        fc.integer({ min: 0, max: 10 }),
        (offset, days, firstTime, headcount, kind, keyDays) => {
          const receivedAt = new Date(Date.parse('2026-01-01T00:00:00Z') + offset).toISOString();
          const escalation: EscalationPolicy = {
            ...DEFAULT_ESCALATION,
            earlierDays: { firstTime: 1, collective: 1, keyPeriod: keyDays },
            keyPeriods: [{ name: 'k', from: '2026-03-01', to: '2026-06-30' }],
          };
          const record = registerCase(
            input({ receivedAt, kind: kind as 'petition' | 'dispute', headcount }),
            {
              id: 'c',
              number: 'n',
              now: new Date(receivedAt),
              principal: clerk,
              policy: { ...DEFAULT_POLICY, acknowledgeDays: days, escalation },
              calendar,
              firstTime,
              level: 'town',
              timelineHead: { seq: 1, hash: 'h' },
            },
          );
          const times = ladderTimes(record, escalation);
          for (const t of times) {
            expect(t >= record.receivedAt).toBe(true);
            expect(t <= record.deadlines.acknowledgeBy).toBe(true);
          }
          expect(times.at(-1)).toBe(record.deadlines.acknowledgeBy);
          expect(record.alert).toEqual({
            kind: 'acknowledge',
            due: record.deadlines.acknowledgeBy,
            step: 0,
            at: times[0],
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('nextAlert', () => {
  it('gives a new case the first step of its acknowledgement deadline', () => {
    const record = registered({ firstTime: true });
    expect(nextAlert(record, DEFAULT_ESCALATION)).toEqual({
      kind: 'acknowledge',
      due: ACK_DUE,
      step: 0,
      at: shift(HALF, 1),
    });
    expect(record.alert).toEqual(nextAlert(record, DEFAULT_ESCALATION));
  });

  it('keeps the progress for the same deadline, with the step time as the policy now puts it', () => {
    const record = registered({ firstTime: false });
    const current: Alert = { kind: 'acknowledge', due: ACK_DUE, step: 2, at: 'stale' };
    expect(nextAlert(record, DEFAULT_ESCALATION, current)).toEqual({
      kind: 'acknowledge',
      due: ACK_DUE,
      step: 2,
      at: NOMINAL[2],
    });
  });

  it('starts the ladder over for a new deadline: acceptance, or an extension of the same kind', () => {
    const record = registered({ firstTime: false });
    const acceptedAt = '2026-11-25T02:00:00.000Z';
    const replyBy = '2027-01-24T16:00:00.000Z';
    const now = accepted(record, acceptedAt, replyBy);
    const fromAck: Alert = { kind: 'acknowledge', due: ACK_DUE, step: 2, at: NOMINAL[2]! };
    const half = new Date((Date.parse(acceptedAt) + Date.parse(replyBy)) / 2).toISOString();
    expect(nextAlert(now, DEFAULT_ESCALATION, fromAck)).toEqual({
      kind: 'reply',
      due: replyBy,
      step: 0,
      at: half,
    });

    const extendedTo = '2027-02-23T16:00:00.000Z';
    const extended: CaseRecord = { ...now, deadlines: { ...now.deadlines, extendedTo } };
    const progressed: Alert = { kind: 'reply', due: replyBy, step: 1, at: shift(replyBy, 3) };
    const restarted = nextAlert(extended, DEFAULT_ESCALATION, progressed);
    expect(restarted).toMatchObject({ kind: 'reply', due: extendedTo, step: 0 });
    expect(restarted?.at).toBe(new Date((Date.parse(acceptedAt) + Date.parse(extendedTo)) / 2).toISOString());
  });

  it('waits at the deadline step when an admin shortened the ladder under it', () => {
    const record = registered();
    expect(
      nextAlert(record, DEFAULT_ESCALATION, { kind: 'acknowledge', due: ACK_DUE, step: 4, at: ACK_DUE }),
    ).toEqual({ kind: 'acknowledge', due: ACK_DUE, step: 3, at: ACK_DUE });
  });

  it('is none once the deadline was missed and its ladder has run', () => {
    const record = { ...registered(), overdue: [{ kind: 'acknowledge', due: ACK_DUE, at: ACK_DUE }] };
    expect(nextAlert(record, DEFAULT_ESCALATION)).toBe(undefined);
  });

  it('is none for replied, closed, declined, transferred and withdrawn cases', () => {
    const base = accepted(registered(), '2026-11-25T02:00:00.000Z', '2027-01-24T16:00:00.000Z');
    const current: Alert = { kind: 'reply', due: '2027-01-24T16:00:00.000Z', step: 1, at: 'x' };
    for (const status of [
      'replied',
      'closed',
      'declined',
      'transferred',
      'returned',
      'withdrawn',
      'reviewed',
    ] as const)
      expect(nextAlert({ ...base, status }, DEFAULT_ESCALATION, current), status).toBe(undefined);
  });

  it('watches the review answer while a review runs', () => {
    const base = accepted(registered(), '2026-11-25T02:00:00.000Z', '2027-01-24T16:00:00.000Z');
    const review: CaseRecord = {
      ...base,
      status: 'under_review',
      reviews: [{ requestedAt: '2027-01-05T02:00:00.000Z', reason: '不服' }],
      deadlines: { ...base.deadlines, reviewAnswerBy: '2027-02-04T16:00:00.000Z' },
    };
    expect(nextAlert(review, DEFAULT_ESCALATION)).toMatchObject({
      kind: 'review',
      due: '2027-02-04T16:00:00.000Z',
      step: 0,
    });
  });
});

describe('fireDue', () => {
  const record = registered({ firstTime: false });
  const alert = record.alert!;

  it('fires nothing before the first step', () => {
    expect(fireDue(record, DEFAULT_ESCALATION, alert, new Date(Date.parse(HALF) - 1))).toBe(undefined);
  });

  it('fires the step at its instant and moves the alert to the next one', () => {
    const fired = fireDue(record, DEFAULT_ESCALATION, alert, new Date(HALF));
    expect(fired?.stepIndex).toBe(0);
    expect(fired?.step.id).toBe('half-time');
    expect(fired?.next).toEqual({ kind: 'acknowledge', due: ACK_DUE, step: 1, at: NOMINAL[1] });
  });

  it('fires only the highest due step, skipping the ones below it', () => {
    const now = new Date(Date.parse(NOMINAL[2]!) + 60_000);
    const fired = fireDue(record, DEFAULT_ESCALATION, alert, now);
    expect(fired?.stepIndex).toBe(2);
    expect(fired?.step.severity).toBe('urgent');
    expect(fired?.next).toEqual({ kind: 'acknowledge', due: ACK_DUE, step: 3, at: ACK_DUE });
  });

  it('fires the overdue step at the deadline and leaves no alert behind', () => {
    for (const from of [alert, { ...alert, step: 1, at: NOMINAL[1]! }, { ...alert, step: 3, at: ACK_DUE }]) {
      const fired = fireDue(record, DEFAULT_ESCALATION, from, new Date(ACK_DUE));
      expect(fired?.stepIndex).toBe(3);
      expect(fired && isOverdueStep(fired.step)).toBe(true);
      expect(fired?.next).toBe(undefined);
    }
    expect(fireDue(record, DEFAULT_ESCALATION, alert, new Date(Date.parse(ACK_DUE) - 1))?.stepIndex).toBe(2);
  });

  it('never fires a step below the alert', () => {
    const atOneDay: Alert = { ...alert, step: 2, at: NOMINAL[2]! };
    expect(fireDue(record, DEFAULT_ESCALATION, atOneDay, new Date(NOMINAL[1]!))).toBe(undefined);
  });

  it('fires nothing for an alert of a deadline the case no longer watches', () => {
    const now = accepted(record, '2026-11-25T02:00:00.000Z', '2027-01-24T16:00:00.000Z');
    expect(fireDue(now, DEFAULT_ESCALATION, alert, new Date(ACK_DUE))).toBe(undefined);
    expect(
      fireDue({ ...now, status: 'replied' }, DEFAULT_ESCALATION, alert, new Date('2027-06-01T00:00:00Z')),
    ).toBe(undefined);
    expect(fireDue({ ...record, status: 'closed' }, DEFAULT_ESCALATION, alert, new Date(ACK_DUE))).toBe(
      undefined,
    );
  });
});
