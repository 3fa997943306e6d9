import * as z from 'zod';
import { CLOCK_SKEW_MS } from '../domain/deadlines.js';
import { because } from '../domain/errors.js';

/** A mediation session's record (调解笔录): when and where, who was there, what was said and what was agreed. */
export const sessionBody = (now: Date) =>
  z.strictObject({
    heldAt: z.iso
      .datetime({ offset: true })
      .refine((at) => new Date(at).getTime() <= now.getTime() + CLOCK_SKEW_MS, because('in-future')),
    place: z.string().trim().min(1).max(200),
    /** The mediators, parties and others present, as the record names them. */
    present: z.array(z.string().trim().min(1).max(100)).min(1).max(30),
    said: z.string().trim().min(1).max(8000),
    agreed: z.string().trim().min(1).max(4000).optional(),
  });
