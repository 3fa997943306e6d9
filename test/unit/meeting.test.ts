import { describe, expect, it } from 'vitest';
import {
  DECISION_LADDER,
  type DecisionRecord,
  decisionAlert,
  decisionDue,
  decisionStatus,
  dueDateBeforeMeeting,
  fireDecisionStep,
} from '../../lambdas/domain/meeting.js';

/** A decision's deadline and ladder: its last day ends at 24:00 Beijing time; a step fires once, the highest due. */

const decision = (overrides: Partial<DecisionRecord> = {}): DecisionRecord => {
  const base = {
    town: 'town-a',
    meetingId: 'm_1',
    meetingKind: 'consultation' as const,
    meetingDate: '2026-12-01',
    n: 1,
    text: '核实欠薪',
    ownerId: 'handler-1',
    dueDate: '2026-12-20',
    due: decisionDue('2026-12-20'),
    createdAt: '2026-12-01T02:00:00.000Z',
    ...overrides,
  };
  return { ...base, alert: decisionAlert(base) ?? { step: 0, at: base.createdAt }, ...overrides };
};

describe('a decision’s deadline', () => {
  it('is the end of its last day in Beijing time, overdue from that instant on', () => {
    const d = decision();
    expect(d.due).toBe('2026-12-20T16:00:00.000Z');
    expect(decisionStatus(d, new Date('2026-12-20T15:59:59.999Z'))).toBe('open');
    expect(decisionStatus(d, new Date('2026-12-20T16:00:00.000Z'))).toBe('overdue');
    expect(
      decisionStatus(
        { ...d, done: { at: '', by: { id: 'x', role: 'leader' }, note: '', late: false } },
        new Date('2027-01-01'),
      ),
    ).toBe('done');
  });

  it('may be the meeting’s own day, never a day before it', () => {
    expect(dueDateBeforeMeeting('2026-12-01', '2026-12-01')).toBe(false);
    expect(dueDateBeforeMeeting('2026-11-30', '2026-12-01')).toBe(true);
  });
});

describe('a decision’s ladder', () => {
  it('warns the owner three days before the deadline, then tells the supervisors at it', () => {
    expect(DECISION_LADDER.map((step) => step.notify)).toEqual([['owner'], ['supervisor', 'owner']]);
    const d = decision();
    expect(d.alert).toEqual({ step: 0, at: '2026-12-17T16:00:00.000Z' });
    expect(fireDecisionStep(d, new Date('2026-12-17T15:59:59Z'))).toBeUndefined();
    const warned = fireDecisionStep(d, new Date('2026-12-17T16:00:00Z'));
    expect(warned?.step.id).toBe('decision-three-days');
    expect(warned?.next).toEqual({ step: 1, at: '2026-12-20T16:00:00.000Z' });
    const missed = fireDecisionStep({ ...d, alert: warned!.next! }, new Date('2026-12-21T00:00:00Z'));
    expect(missed?.step.severity).toBe('overdue');
    expect(missed?.next).toBeUndefined();
  });

  it('starts no earlier than the decision was taken, and fires only the highest step when several are due', () => {
    const short = decision({ dueDate: '2026-12-02', due: decisionDue('2026-12-02') });
    expect(short.alert?.at).toBe('2026-12-01T02:00:00.000Z');
    const late = fireDecisionStep(short, new Date('2026-12-03T00:00:00Z'));
    expect(late?.step.id).toBe('decision-overdue');
    expect(late?.next).toBeUndefined();
  });

  it('fires nothing for a decision done', () => {
    const done = decision({ done: { at: '', by: { id: 'x', role: 'leader' }, note: '已办', late: false } });
    expect(fireDecisionStep(done, new Date('2027-01-01'))).toBeUndefined();
  });
});
