import * as z from 'zod/mini';
import { PERSONAL_FIELDS } from './personal.js';

const revealActor = z.object({ id: z.string(), role: z.string() });

/**
 * One entry of the reveal log: who, when, whose data (a case's, or a helper's contact), which fields (or which file
 * was downloaded) and why; never the values.
 */
export const revealEntrySchema = z
  .union([
    z.object({
      at: z.string(),
      caseId: z.string(),
      caseNumber: z.string(),
      actor: revealActor,
      fields: z.array(z.enum(PERSONAL_FIELDS)),
      purpose: z.string(),
    }),
    z.object({
      at: z.string(),
      helperId: z.string(),
      actor: revealActor,
      fields: z.array(z.literal('phone')),
      purpose: z.string(),
    }),
    // a download of a file on the case that may hold personal data (a letter, an agreement)
    z.object({
      at: z.string(),
      caseId: z.string(),
      caseNumber: z.string(),
      actor: revealActor,
      attachment: z.object({ id: z.string(), kind: z.string() }),
      purpose: z.string(),
    }),
  ])
  .check(z.meta({ id: 'RevealLogEntry' }));
export type RevealEntry = z.infer<typeof revealEntrySchema>;
