import * as z from 'zod/mini';
import { calendarSchema, calendarYear } from '../domain/calendar.js';
import { because } from '../domain/errors.js';
import { policySchema } from '../domain/policy.js';

/** The `{year}` of a calendar's path. */
export const yearParam = z.strictObject({ year: z.pipe(z.coerce.number(), calendarYear) });

/** What storing a calendar or a policy did at once to the open cases' deadlines; the nightly run does the rest. */
const recomputeOutcomeSchema = z
  .object({
    examined: z.number().check(z.int(), z.meta({ description: 'Open cases looked at in this request' })),
    changed: z
      .number()
      .check(z.int(), z.meta({ description: 'Of those, the cases whose future deadlines moved' })),
    done: z.boolean().check(
      z.meta({
        description: 'Every open case has been looked at; otherwise the nightly town work carries on',
      }),
    ),
  })
  .check(z.meta({ id: 'DeadlineRecomputation' }));

/** A name as a bulletin prints it: one line, no control characters. */
const printedName = (max: number) =>
  z.string().check(
    z.trim(),
    z.minLength(1),
    z.maxLength(max),
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses
    z.refine((name) => !/[\u0000-\u001f\u007f]/.test(name), because('one-line')),
  );

/** The names the town's bulletins carry; each left out takes its default (本镇, 本镇信访办公室). */
const townFields = {
  townName: z
    .optional(printedName(40))
    .check(z.meta({ description: 'The town’s name on its bulletins, e.g. 某镇' })),
  issuingOffice: z
    .optional(printedName(60))
    .check(z.meta({ description: 'The office that issues the bulletins, e.g. 某镇信访办公室' })),
  townNameEn: z.optional(printedName(80)).check(z.meta({ description: 'The town’s name on English pages' })),
  issuingOfficeEn: z
    .optional(printedName(120))
    .check(z.meta({ description: 'The issuing office on English pages' })),
};

/** `PUT /v1/admin/policy`: the deadline policy and the town's names. */
export const settingsBody = z
  .strictObject({ ...policySchema.shape, ...townFields })
  .check(z.meta({ id: 'TownSettings' }));

/** What `GET /v1/admin/policy` answers: the town's name and office always, with their defaults. */
export const settingsViewSchema = z
  .strictObject({
    ...policySchema.shape,
    ...townFields,
    townName: z.string(),
    issuingOffice: z.string(),
  })
  .check(z.meta({ id: 'TownSettingsView' }));

export const storedCalendarSchema = z.strictObject({
  ...calendarSchema.shape,
  recompute: recomputeOutcomeSchema,
});
export const storedPolicySchema = z.strictObject({
  ...settingsViewSchema.shape,
  recompute: recomputeOutcomeSchema,
});
