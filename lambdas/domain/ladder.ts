import type { CaseRecord } from './case.js';
import { beijingDate } from './deadlines.js';
import { type MediationDeadlineKind, mediationDeadlines } from './mediation.js';

/**
 * The escalation ladder: warnings that climb the chain of responsibility as a deadline nears, then overdue and
 * supervision (督办) at the deadline itself. Each open case carries its next unfired step (`alert`), which the sweep
 * reads from a sparse index, so a sweep reads exactly the steps that are due.
 */

export type Recipient = 'assignee' | 'owner' | 'registrar' | 'leader' | 'supervisor' | 'mediator';
export type Severity = 'notice' | 'warning' | 'urgent' | 'overdue';

export interface LadderStep {
  id: string;
  /** When the step fires: a fraction of the period elapsed, or whole days before the deadline (0: at it). */
  when: { fractionElapsed: number } | { daysBefore: number };
  notify: Recipient[];
  severity: Severity;
}

export interface KeyPeriod {
  name: string;
  from: string;
  to: string;
}

export interface EscalationPolicy {
  steps: LadderStep[];
  /** Days every step moves earlier for first-time petitions, collective petitions and during key periods. */
  earlierDays: { firstTime: number; collective: number; keyPeriod: number };
  /** Dates of heightened watch (重要活动、重大时期), Beijing dates inclusive. */
  keyPeriods: KeyPeriod[];
}

export const DEFAULT_ESCALATION: EscalationPolicy = {
  steps: [
    {
      id: 'half-time',
      when: { fractionElapsed: 0.5 },
      notify: ['assignee', 'registrar'],
      severity: 'notice',
    },
    {
      id: 'three-days',
      when: { daysBefore: 3 },
      notify: ['assignee', 'owner', 'registrar'],
      severity: 'warning',
    },
    {
      id: 'one-day',
      when: { daysBefore: 1 },
      notify: ['leader', 'supervisor', 'assignee'],
      severity: 'urgent',
    },
    {
      id: 'overdue',
      when: { daysBefore: 0 },
      notify: ['assignee', 'owner', 'leader', 'supervisor'],
      severity: 'overdue',
    },
  ],
  earlierDays: { firstTime: 1, collective: 1, keyPeriod: 2 },
  keyPeriods: [],
};

const DAY_MS = 24 * 60 * 60 * 1000;

type StatusDeadlineKind = 'acknowledge' | 'reply' | 'review';
export type WatchedKind = StatusDeadlineKind | MediationDeadlineKind;

/** The deadline staff must meet next in this status, and when its period began. */
export function watchedDeadline(
  record: CaseRecord,
): { kind: StatusDeadlineKind; start: Date; due: Date } | undefined {
  switch (record.status) {
    case 'registered':
      return {
        kind: 'acknowledge',
        start: new Date(record.receivedAt),
        due: new Date(record.deadlines.acknowledgeBy),
      };
    case 'accepted': {
      const due = record.deadlines.extendedTo ?? record.deadlines.replyBy;
      return due
        ? {
            kind: 'reply',
            start: new Date(record.acceptedAt ?? record.acknowledgedAt ?? record.createdAt),
            due: new Date(due),
          }
        : undefined;
    }
    case 'under_review': {
      const due = record.deadlines.reviewAnswerBy;
      const requested = record.reviews?.at(-1)?.requestedAt;
      return due && requested
        ? { kind: 'review', start: new Date(requested), due: new Date(due) }
        : undefined;
    }
    default:
      return undefined;
  }
}

interface Watched {
  kind: WatchedKind;
  start: Date;
  due: Date;
}

const isMissed = (record: CaseRecord, watched: Watched): boolean =>
  record.overdue?.some((o) => o.kind === watched.kind && o.due === watched.due.toISOString()) ?? false;

/** Every deadline the ladder watches on the case: its status's, then mediation's, the callback's and the hand-offs'. */
export function watchedDeadlines(record: CaseRecord): Watched[] {
  const status = watchedDeadline(record);
  return [...(status ? [status] : []), ...mediationDeadlines(record)];
}

/** The deadline the alert follows: the earliest not yet missed (a missed one has fired its whole ladder). */
function alertedDeadline(record: CaseRecord): Watched | undefined {
  return watchedDeadlines(record)
    .filter((watched) => !isMissed(record, watched))
    .reduce<Watched | undefined>((first, w) => (!first || w.due < first.due ? w : first), undefined);
}

/** The case's next unfired step: which deadline, which step, and when it is due. */
export interface Alert {
  kind: WatchedKind;
  due: string;
  step: number;
  at: string;
}

function earlierBy(record: CaseRecord, policy: EscalationPolicy, at: Date): number {
  const inKeyPeriod = policy.keyPeriods.some((p) => p.from <= beijingDate(at) && beijingDate(at) <= p.to);
  return Math.max(
    record.firstTime && record.kind === 'petition' ? policy.earlierDays.firstTime : 0,
    record.collective ? policy.earlierDays.collective : 0,
    inKeyPeriod ? policy.earlierDays.keyPeriod : 0,
  );
}

/** When a step fires for this case: never before its period began, never after the deadline. */
export function stepTime(
  record: CaseRecord,
  policy: EscalationPolicy,
  step: LadderStep,
  period: { start: Date; due: Date },
): Date {
  const { start, due } = period;
  const nominal =
    'fractionElapsed' in step.when
      ? start.getTime() + (due.getTime() - start.getTime()) * step.when.fractionElapsed
      : due.getTime() - step.when.daysBefore * DAY_MS;
  // the overdue step is the deadline itself, whatever the case; the warnings start earlier where the policy says
  const isDeadline = 'daysBefore' in step.when && step.when.daysBefore === 0;
  const shifted = isDeadline ? nominal : nominal - earlierBy(record, policy, new Date(nominal)) * DAY_MS;
  return new Date(Math.min(due.getTime(), Math.max(start.getTime(), shifted)));
}

/**
 * The alert a case should carry now. The same deadline keeps its progress (a fired step never fires again); a new
 * deadline starts the ladder over; a case with nothing to watch carries none.
 */
export function nextAlert(record: CaseRecord, policy: EscalationPolicy, current?: Alert): Alert | undefined {
  const watched = alertedDeadline(record);
  if (!watched) return undefined;
  const due = watched.due.toISOString();
  const sameDeadline = current && current.kind === watched.kind && current.due === due;
  // an alert past the end of a ladder an admin shortened waits at its last step (the deadline itself)
  const step = sameDeadline ? Math.min(current.step, policy.steps.length - 1) : 0;
  const ladderStep = policy.steps[step];
  if (!ladderStep) return undefined;
  return { kind: watched.kind, due, step, at: stepTime(record, policy, ladderStep, watched).toISOString() };
}

/**
 * The steps due at `now`: the highest step whose time has come fires (with the ones below it skipped, since their
 * warnings would arrive after it), and the alert moves past it.
 */
export function fireDue(
  record: CaseRecord,
  policy: EscalationPolicy,
  alert: Alert,
  now: Date,
): { step: LadderStep; stepIndex: number; next: Alert | undefined } | undefined {
  const watched = watchedDeadlines(record).find(
    (w) => w.kind === alert.kind && w.due.toISOString() === alert.due,
  );
  if (!watched) return undefined;
  let fired: number | undefined;
  for (let i = Math.min(alert.step, policy.steps.length - 1); i < policy.steps.length; i++)
    if (stepTime(record, policy, policy.steps[i]!, watched) <= now) fired = i;
  if (fired === undefined) return undefined;
  const nextStep = policy.steps[fired + 1];
  // past its last step the alert moves to the case's next deadline, the one just missed counted as such
  const missed = {
    ...record,
    overdue: [...(record.overdue ?? []), { kind: alert.kind, due: alert.due, at: now.toISOString() }],
  };
  return {
    step: policy.steps[fired]!,
    stepIndex: fired,
    next: nextStep
      ? { ...alert, step: fired + 1, at: stepTime(record, policy, nextStep, watched).toISOString() }
      : nextAlert(missed, policy),
  };
}

export const isOverdueStep = (step: LadderStep): boolean => step.severity === 'overdue';
