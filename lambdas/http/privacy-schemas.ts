import * as z from 'zod/mini';
import { because } from '../domain/errors.js';
import { PERSONAL_FIELDS } from '../domain/personal.js';
import { dateRangeCheck } from './date-range.js';
import { limitParam } from './schemas.js';

/** The longest period the reveal log is read over at once: a quarter. */
export const MAX_AUDIT_DAYS = 92;

export const revealBody = z.strictObject({
  /** Why the clear values are needed; kept in the reveal log. */
  purpose: z.string().check(z.trim(), z.minLength(5), z.maxLength(500)),
  /** Which fields; all of them when absent. */
  fields: z.optional(
    z.array(z.enum(PERSONAL_FIELDS)).check(
      z.minLength(1),
      z.maxLength(PERSONAL_FIELDS.length),
      z.refine((fields) => new Set(fields).size === fields.length, because('fields-repeat')),
    ),
  ),
});

const revealedPetitionerSchema = z.object({
  name: z.optional(z.string()),
  idNumber: z.optional(z.string()),
  phone: z.optional(z.string()),
  address: z.optional(z.string()),
});

export const revealResponseSchema = z
  .object({
    id: z.string(),
    number: z.string(),
    fields: z.array(z.enum(PERSONAL_FIELDS)),
    petitioners: z.array(revealedPetitionerSchema),
    description: z.optional(z.string()),
  })
  .check(z.meta({ id: 'RevealedPersonalData' }));

export const eraseBody = z.strictObject({
  reason: z.string().check(z.trim(), z.minLength(5), z.maxLength(500)),
});

const isoDate = z.iso.date();

/** `from` and `to`: Beijing dates, both included, at most a quarter apart. */
export const auditRangeQuery = z
  .strictObject({
    from: isoDate,
    to: isoDate,
    limit: limitParam,
    cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(2048))),
  })
  .check(z.superRefine(dateRangeCheck(MAX_AUDIT_DAYS)));
