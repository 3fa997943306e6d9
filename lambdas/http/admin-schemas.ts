import { z } from 'zod';
import { decimal } from '../domain/numbers.js';

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
export const escalationSchema = z
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
          .refine((p) => p.from <= p.to, { message: 'from must not be after to', path: ['to'] }),
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
      ctx.addIssue({
        code: 'custom',
        path: ['steps'],
        message: 'the last step, and only it, is the overdue step at the deadline (daysBefore 0)',
      });
    if (new Set(ladder.steps.map((s) => s.id)).size !== ladder.steps.length)
      ctx.addIssue({ code: 'custom', path: ['steps'], message: 'step ids must be unique' });
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

const year = z.number().int().min(2000).max(2100);

/** The `{year}` of a calendar's path. */
export const yearParam = z.strictObject({ year: z.coerce.number().pipe(year) });

export const calendarSchema = z
  .strictObject({
    year,
    holidays: z.array(day).max(60),
    swappedWorkdays: z.array(day).max(20),
    fallback: z.boolean().optional(),
    provisional: z
      .boolean()
      .meta({
        description:
          'The statutory holidays only, without make-up working days, until the State Council’s notice is stored; ' +
          'a stored calendar is not provisional unless it says so',
      })
      .optional(),
    source: z
      .string()
      .trim()
      .min(1)
      .max(500)
      .meta({ description: 'Where the schedule comes from (the notice, its date)' })
      .optional(),
  })
  .meta({ id: 'WorkingCalendar' });

/** What storing a calendar or a policy did at once to the open cases' deadlines; the nightly run does the rest. */
export const recomputeOutcomeSchema = z
  .object({
    examined: z.number().int().meta({ description: 'Open cases looked at in this request' }),
    changed: z.number().int().meta({ description: 'Of those, the cases whose future deadlines moved' }),
    done: z.boolean().meta({
      description: 'Every open case has been looked at; otherwise the nightly town work carries on',
    }),
  })
  .meta({ id: 'DeadlineRecomputation' });

export const storedCalendarSchema = calendarSchema.extend({ recompute: recomputeOutcomeSchema });
export const storedPolicySchema = policySchema.extend({ recompute: recomputeOutcomeSchema });
