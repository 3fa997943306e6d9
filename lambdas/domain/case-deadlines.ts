import type { WorkingCalendar } from './calendar.js';
import type { CaseRecord } from './case.js';
import { calendarDaysDeadline, earliest } from './deadlines.js';
import type { DeadlinePolicy } from './policy.js';
import { registrationDeadlines } from './registration.js';

/**
 * Each deadline of a case as a function of the case's facts (when it was received, accepted, extended, answered and
 * delivered) under a policy and a calendar. The commands set deadlines with these, and a new calendar or policy
 * recomputes them with the same functions, so the two can never disagree.
 */

export interface DeadlineRules {
  policy: DeadlinePolicy;
  calendar: WorkingCalendar;
}

export type DeadlineName = keyof CaseRecord['deadlines'];

/** In the order a case meets them. */
export const DEADLINE_NAMES: readonly DeadlineName[] = [
  'acknowledgeBy',
  'objectBy',
  'replyBy',
  'extendedTo',
  'reviewRequestBy',
  'reviewAnswerBy',
];

const period = (from: Date, days: number, rules: DeadlineRules): Date =>
  calendarDaysDeadline(from, days, { calendar: rules.calendar, holidayRule: rules.policy.holidayRule });

/** The due date the level above set on a referred matter (an instant), if it set one. */
export const upperLevelDueOf = (record: Pick<CaseRecord, 'referral'>): Date | undefined =>
  record.referral?.dueBy ? new Date(record.referral.dueBy) : undefined;

/** Art 34: reply within `replyDays` of acceptance, and a referred matter never later than the level above asked. */
export function replyDeadlineOf(
  acceptedAt: Date,
  referral: CaseRecord['referral'],
  rules: DeadlineRules,
): Date {
  const replyBy = period(acceptedAt, rules.policy.replyDays, rules);
  return earliest(replyBy, upperLevelDueOf({ referral })) ?? replyBy;
}

/**
 * Art 34: the extension adds its days to the period's own last day (the acceptance date + `replyDays`, before any
 * holiday moved it), and the holiday rule then applies to the extended end; 60 + 30 days never become more.
 */
export const extendedDeadlineOf = (acceptedAt: Date, days: number, rules: DeadlineRules): Date =>
  period(acceptedAt, rules.policy.replyDays + days, rules);

/** Art 35–36: a review may be asked within `reviewRequestDays` of the delivery of the answer. */
export const reviewRequestDeadlineOf = (deliveredAt: Date, rules: DeadlineRules): Date =>
  period(deliveredAt, rules.policy.reviewRequestDays, rules);

/** Art 35–36: the level above answers a review within `reviewAnswerDays` of the request. */
export const reviewAnswerDeadlineOf = (requestedAt: Date, rules: DeadlineRules): Date =>
  period(requestedAt, rules.policy.reviewAnswerDays, rules);

/** When the case was accepted; records from before `acceptedAt` was kept have it as `acknowledgedAt` (the same act). */
export const acceptedAtOf = (record: CaseRecord): string | undefined =>
  record.acceptedAt ?? (record.deadlines.replyBy !== undefined ? record.acknowledgedAt : undefined);

/** The delivery the open review window counts from: the latest review answered, else the reply. */
function reviewWindowStartOf(record: CaseRecord): string | undefined {
  const answered = (record.reviews ?? []).filter((review) => review.answeredAt !== undefined).at(-1);
  if (answered) return answered.deliveredAt ?? answered.answeredAt;
  return record.reply?.deliveredAt;
}

/**
 * The deadlines the case's facts give under these rules, for each deadline the case has. A deadline whose facts the
 * record does not keep (an extension granted before its days were kept) is left out: it stays as it was set.
 */
export function derivedDeadlines(record: CaseRecord, rules: DeadlineRules): Partial<CaseRecord['deadlines']> {
  const has = record.deadlines;
  const derived: Partial<CaseRecord['deadlines']> = {};
  const registration = registrationDeadlines(
    new Date(record.receivedAt),
    record.referral,
    rules.policy,
    rules.calendar,
  );
  derived.acknowledgeBy = registration.acknowledgeBy;
  if (has.objectBy !== undefined && registration.objectBy !== undefined)
    derived.objectBy = registration.objectBy;
  const acceptedAt = acceptedAtOf(record);
  if (has.replyBy !== undefined && acceptedAt)
    derived.replyBy = replyDeadlineOf(new Date(acceptedAt), record.referral, rules).toISOString();
  if (has.extendedTo !== undefined && acceptedAt && record.extension) {
    const extended = extendedDeadlineOf(new Date(acceptedAt), record.extension.days, rules);
    // the extension was refused past the level above's due date; a calendar that moves it there stops at that date
    derived.extendedTo = (earliest(extended, upperLevelDueOf(record)) ?? extended).toISOString();
  }
  const windowStart = reviewWindowStartOf(record);
  if (has.reviewRequestBy !== undefined && windowStart)
    derived.reviewRequestBy = reviewRequestDeadlineOf(new Date(windowStart), rules).toISOString();
  const pending = record.reviews?.at(-1);
  if (has.reviewAnswerBy !== undefined && pending && pending.answeredAt === undefined)
    derived.reviewAnswerBy = reviewAnswerDeadlineOf(new Date(pending.requestedAt), rules).toISOString();
  return derived;
}
