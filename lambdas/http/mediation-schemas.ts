import * as z from 'zod/mini';
import { CLOCK_SKEW_MS } from '../domain/deadlines.js';
import { because } from '../domain/errors.js';

/** A mediation session's record (调解笔录): when and where, who was there, what was said and what was agreed. */
export const sessionBody = (now: Date) =>
  z.strictObject({
    heldAt: z.iso
      .datetime({ offset: true })
      .check(z.refine((at) => new Date(at).getTime() <= now.getTime() + CLOCK_SKEW_MS, because('in-future'))),
    place: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)),
    /** The mediators, parties and others present, as the record names them. */
    present: z
      .array(z.string().check(z.trim(), z.minLength(1), z.maxLength(100)))
      .check(z.minLength(1), z.maxLength(30)),
    said: z.string().check(z.trim(), z.minLength(1), z.maxLength(8000)),
    agreed: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(4000))),
  });

const lastDay = z.object({
  at: z.string(),
  lastDay: z.string().check(z.meta({ description: 'The last Beijing day it includes, `YYYY-MM-DD`' })),
  lastDayText: z.string(),
});

/** `GET /v1/cases/{id}/agreement` as JSON: the parties as the case keeps them (masked), dates as last days. */
export const agreementViewSchema = z
  .object({
    caseId: z.string(),
    caseNumber: z.string(),
    number: z
      .string()
      .check(
        z.meta({ description: 'The agreement’s number: `TJ-` and the case number’s date and sequence' }),
      ),
    form: z.enum(['written', 'oral']),
    formLabel: z.string(),
    committee: z.enum(['village', 'town']),
    committeeLabel: z.string(),
    mediators: z.array(z.object({ id: z.string(), source: z.enum(['staff', 'helper']), name: z.string() })),
    parties: z.array(
      z.object({
        role: z.enum(['petitioner', 'respondent']),
        name: z.string(),
        idNumber: z.optional(z.string()),
        address: z.optional(z.string()),
        kind: z.optional(z.enum(['person', 'organization'])),
      }),
    ),
    facts: z.optional(z.string()),
    disputed: z.optional(z.string()),
    responsibilities: z.optional(z.string()),
    terms: z.array(z.string()),
    performance: z.object({
      how: z.string(),
      where: z.optional(z.string()),
      by: z.string(),
      byText: z.string(),
    }),
    effectiveAt: z.string(),
    judicialConfirmation: lastDay.check(
      z.meta({
        description:
          'Art 33: the parties may jointly apply to a court for judicial confirmation until this last day',
      }),
    ),
    callback: z.extend(lastDay, {
      result: z.optional(z.enum(['performed', 'partly', 'not_performed'])),
      resultLabel: z.optional(z.string()),
      followUp: z.optional(z.enum(['urged', 'told_may_sue'])),
      followUpLabel: z.optional(z.string()),
      at: z.string(),
    }),
  })
  .check(z.meta({ id: 'MediationAgreement' }));
