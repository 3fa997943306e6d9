import * as z from 'zod/mini';
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
  id: z.string().check(z.trim(), z.minLength(1), z.maxLength(40)),
  when: z.union([
    // a fraction of the period, in hundredths: 0.01 to 0.99
    z.strictObject({ fractionElapsed: decimal({ min: 0.01, max: 0.99, places: 2, excess: 'refuse' }) }),
    z.strictObject({ daysBefore: z.number().check(z.int(), z.gte(0), z.lte(60)) }),
  ]),
  notify: z
    .array(z.enum(['assignee', 'owner', 'registrar', 'leader', 'supervisor']))
    .check(z.minLength(1), z.maxLength(5)),
  severity: z.enum(['notice', 'warning', 'urgent', 'overdue']),
});

/** The escalation ladder: its last step is the deadline itself (overdue, 督办), and only that one. */
const escalationSchema = z
  .strictObject({
    steps: z.array(ladderStep).check(z.minLength(1), z.maxLength(8)),
    earlierDays: z.strictObject({
      firstTime: z.number().check(z.int(), z.gte(0), z.lte(10)),
      collective: z.number().check(z.int(), z.gte(0), z.lte(10)),
      keyPeriod: z.number().check(z.int(), z.gte(0), z.lte(10)),
    }),
    keyPeriods: z
      .array(
        z
          .strictObject({
            name: z.string().check(z.trim(), z.minLength(1), z.maxLength(100)),
            from: day,
            to: day,
          })
          .check(z.refine((p) => p.from <= p.to, { ...because('before-from'), path: ['to'] })),
      )
      .check(z.maxLength(50)),
  })
  .check(
    z.superRefine((ladder, ctx) => {
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
    }),
  );

/** The deadline policy an admin may set; the bounds keep a typo from making every case overdue or never due. */
export const policySchema = z
  .strictObject({
    acknowledgeDays: z.number().check(z.int(), z.gte(1), z.lte(60)),
    replyDays: z.number().check(z.int(), z.gte(1), z.lte(180)),
    maxExtensionDays: z.number().check(z.int(), z.gte(0), z.lte(120)),
    firstTimeNoExtension: z.boolean(),
    reviewRequestDays: z.number().check(z.int(), z.gte(1), z.lte(90)),
    reviewAnswerDays: z.number().check(z.int(), z.gte(1), z.lte(90)),
    returnWorkingDays: z.number().check(z.int(), z.gte(1), z.lte(30)),
    holidayRule: z.enum(['keep', 'next_working_day']),
    lateEntryDays: z.number().check(z.int(), z.gte(0), z.lte(30)),
    // optional in a body, so clients written before it keep working; omitted, it is the default
    retentionDaysAfterClosure: z._default(z.number().check(z.int(), z.gte(1), z.lte(36_500)), 3650),
    rankingMinimum: z._default(z.number().check(z.int(), z.gte(1), z.lte(1000)), 5),
    escalation: escalationSchema,
  })
  .register(z.globalRegistry, { id: 'DeadlinePolicy' });
