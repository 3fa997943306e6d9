import * as z from 'zod';
import { because } from '../domain/errors.js';
import { PERSONAL_FIELDS } from '../domain/personal.js';
import { limitParam } from './schemas.js';

/** The longest period the reveal log is read over at once: a quarter. */
export const MAX_AUDIT_DAYS = 92;
const DAY_MS = 24 * 60 * 60 * 1000;

export const revealBody = z.strictObject({
  /** Why the clear values are needed; kept in the reveal log. */
  purpose: z.string().trim().min(5).max(500),
  /** Which fields; all of them when absent. */
  fields: z
    .array(z.enum(PERSONAL_FIELDS))
    .min(1)
    .max(PERSONAL_FIELDS.length)
    .refine((fields) => new Set(fields).size === fields.length, because('fields-repeat'))
    .optional(),
});

const revealedPetitionerSchema = z.object({
  name: z.string().optional(),
  idNumber: z.string().optional(),
  phone: z.string().optional(),
  address: z.string().optional(),
});

export const revealResponseSchema = z
  .object({
    id: z.string(),
    number: z.string(),
    fields: z.array(z.enum(PERSONAL_FIELDS)),
    petitioners: z.array(revealedPetitionerSchema),
    description: z.string().optional(),
  })
  .meta({ id: 'RevealedPersonalData' });

export const eraseBody = z.strictObject({ reason: z.string().trim().min(5).max(500) });

const isoDate = z.iso.date();

/** `from` and `to`: Beijing dates, both included, at most a quarter apart. */
export const auditRangeQuery = z
  .strictObject({
    from: isoDate,
    to: isoDate,
    limit: limitParam,
    cursor: z.string().min(1).max(2048).optional(),
  })
  .superRefine((query, ctx) => {
    const days = (Date.parse(query.to) - Date.parse(query.from)) / DAY_MS + 1;
    if (days < 1) ctx.addIssue({ code: 'custom', path: ['to'], ...because('before-from') });
    else if (days > MAX_AUDIT_DAYS)
      ctx.addIssue({ code: 'custom', path: ['to'], ...because('range-too-long', { days: MAX_AUDIT_DAYS }) });
  });
