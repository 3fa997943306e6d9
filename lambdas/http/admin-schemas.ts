import * as z from 'zod';
import { calendarSchema, calendarYear } from '../domain/calendar.js';
import { because } from '../domain/errors.js';
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

/** A name as a bulletin prints it: one line, no control characters. */
const printedName = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses
    .refine((name) => !/[\u0000-\u001f\u007f]/.test(name), because('one-line'));

/** The names the town's bulletins carry; each left out takes its default (本镇, 本镇信访办公室). */
const townFields = {
  townName: printedName(40).optional().meta({ description: 'The town’s name on its bulletins, e.g. 某镇' }),
  issuingOffice: printedName(60)
    .optional()
    .meta({ description: 'The office that issues the bulletins, e.g. 某镇信访办公室' }),
  townNameEn: printedName(80).optional().meta({ description: 'The town’s name on English pages' }),
  issuingOfficeEn: printedName(120).optional().meta({ description: 'The issuing office on English pages' }),
};

/** `PUT /v1/admin/policy`: the deadline policy and the town's names. */
export const settingsBody = policySchema.extend(townFields).meta({ id: 'TownSettings' });

/** What `GET /v1/admin/policy` answers: the town's name and office always, with their defaults. */
export const settingsViewSchema = policySchema
  .extend({
    ...townFields,
    townName: z.string(),
    issuingOffice: z.string(),
  })
  .meta({ id: 'TownSettingsView' });

export const storedCalendarSchema = calendarSchema.extend({ recompute: recomputeOutcomeSchema });
export const storedPolicySchema = settingsViewSchema.extend({ recompute: recomputeOutcomeSchema });
