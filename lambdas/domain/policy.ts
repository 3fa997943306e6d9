import { DEFAULT_ESCALATION, type EscalationPolicy } from './ladder.js';

/**
 * A town's deadline policy as data. The defaults are the 2022 信访工作条例 and the town's own stricter rule that
 * first-time petitions are never extended; provinces vary the numbers by configuration alone.
 */
export interface DeadlinePolicy {
  /** Art 22–23: tell the petitioner within this many days whether the matter is taken up. */
  acknowledgeDays: number;
  /** Art 34: reply within this many days of acceptance. */
  replyDays: number;
  /** Art 34: one extension of at most this many days. */
  maxExtensionDays: number;
  /** The town's rule: first-time petitions may not use the extension. */
  firstTimeNoExtension: boolean;
  /** Art 35–36: ask for review within this many days of delivery; the review answers within as many. */
  reviewRequestDays: number;
  reviewAnswerDays: number;
  /** Art 23: a referred matter that is not the town's goes back within this many working days. */
  returnWorkingDays: number;
  /** `keep`: a period ending on a holiday ends that day (stricter); `next_working_day`: the general procedural rule. */
  holidayRule: 'keep' | 'next_working_day';
  /** Registering a matter received more than this many days ago needs a reason. */
  lateEntryDays: number;
  /** PIPL Art 19: petitioners' personal data is erased this many days after the case is closed. */
  retentionDaysAfterClosure: number;
  /** Rankings by grid hide a rate whose denominator is below this (its counts are still shown). */
  rankingMinimum: number;
  /** Who is warned when, as each deadline nears. */
  escalation: EscalationPolicy;
}

export const DEFAULT_POLICY: DeadlinePolicy = {
  acknowledgeDays: 15,
  replyDays: 60,
  maxExtensionDays: 30,
  firstTimeNoExtension: true,
  reviewRequestDays: 30,
  reviewAnswerDays: 30,
  returnWorkingDays: 5,
  holidayRule: 'keep',
  lateEntryDays: 3,
  retentionDaysAfterClosure: 3650,
  rankingMinimum: 5,
  escalation: DEFAULT_ESCALATION,
};
