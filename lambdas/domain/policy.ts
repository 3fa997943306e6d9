import * as z from 'zod';
import { because } from './errors.js';
import { DEFAULT_ESCALATION, type EscalationPolicy } from './ladder.js';
import { decimal } from './numbers.js';

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

const day = z.iso.date();

const ladderStep = z.strictObject({
  id: z.string().trim().min(1).max(40),
  when: z.union([
    // a fraction of the period, in hundredths: 0.01 to 0.99
    z.strictObject({ fractionElapsed: decimal({ min: 0.01, max: 0.99, places: 2, excess: 'refuse' }) }),
    z.strictObject({ daysBefore: z.number().int().min(0).max(60) }),
  ]),
  notify: z
    .array(z.enum(['assignee', 'owner', 'registrar', 'leader', 'supervisor']))
    .min(1)
    .max(5),
  severity: z.enum(['notice', 'warning', 'urgent', 'overdue']),
});

/** The escalation ladder: its last step is the deadline itself (overdue, 督办), and only that one. */
const escalationSchema = z
  .strictObject({
    steps: z.array(ladderStep).min(1).max(8),
    earlierDays: z.strictObject({
      firstTime: z.number().int().min(0).max(10),
      collective: z.number().int().min(0).max(10),
      keyPeriod: z.number().int().min(0).max(10),
    }),
    keyPeriods: z
      .array(
        z
          .strictObject({ name: z.string().trim().min(1).max(100), from: day, to: day })
          .refine((p) => p.from <= p.to, { ...because('before-from'), path: ['to'] }),
      )
      .max(50),
  })
  .superRefine((ladder, ctx) => {
    const last = ladder.steps.at(-1);
    const overdueSteps = ladder.steps.filter((s) => s.severity === 'overdue').length;
    if (
      last?.severity !== 'overdue' ||
      !('daysBefore' in last.when) ||
      last.when.daysBefore !== 0 ||
      overdueSteps !== 1
    )
      ctx.addIssue({ code: 'custom', path: ['steps'], ...because('ladder-overdue-last') });
    if (new Set(ladder.steps.map((s) => s.id)).size !== ladder.steps.length)
      ctx.addIssue({ code: 'custom', path: ['steps'], ...because('ladder-ids-unique') });
  });

/** The deadline policy an admin may set; the bounds keep a typo from making every case overdue or never due. */
export const policySchema = z
  .strictObject({
    acknowledgeDays: z.number().int().min(1).max(60),
    replyDays: z.number().int().min(1).max(180),
    maxExtensionDays: z.number().int().min(0).max(120),
    firstTimeNoExtension: z.boolean(),
    reviewRequestDays: z.number().int().min(1).max(90),
    reviewAnswerDays: z.number().int().min(1).max(90),
    returnWorkingDays: z.number().int().min(1).max(30),
    holidayRule: z.enum(['keep', 'next_working_day']),
    lateEntryDays: z.number().int().min(0).max(30),
    // optional in a body, so clients written before it keep working; omitted, it is the default
    retentionDaysAfterClosure: z.number().int().min(1).max(36_500).default(3650),
    rankingMinimum: z.number().int().min(1).max(1000).default(5),
    escalation: escalationSchema,
  })
  .meta({ id: 'DeadlinePolicy' });
