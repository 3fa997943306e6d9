import { z } from 'zod';
import { calendarSchema, calendarYear } from '../domain/calendar.js';
import { policySchema } from '../domain/policy.js';

/** The `{year}` of a calendar's path. */
export const yearParam = z.strictObject({ year: z.coerce.number().pipe(calendarYear) });

/** What storing a calendar or a policy did at once to the open cases' deadlines; the nightly run does the rest. */
const recomputeOutcomeSchema = z
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
