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

const lastDay = z.object({
  at: z.string(),
  lastDay: z.string().meta({ description: 'The last Beijing day it includes, `YYYY-MM-DD`' }),
  lastDayText: z.string(),
});

/** `GET /v1/cases/{id}/agreement` as JSON: the parties as the case keeps them (masked), dates as last days. */
export const agreementViewSchema = z
  .object({
    caseId: z.string(),
    caseNumber: z.string(),
    number: z
      .string()
      .meta({ description: 'The agreement’s number: `TJ-` and the case number’s date and sequence' }),
    form: z.enum(['written', 'oral']),
    formLabel: z.string(),
    committee: z.enum(['village', 'town']),
    committeeLabel: z.string(),
    mediators: z.array(z.object({ id: z.string(), source: z.enum(['staff', 'helper']), name: z.string() })),
    parties: z.array(
      z.object({
        role: z.enum(['petitioner', 'respondent']),
        name: z.string(),
        idNumber: z.string().optional(),
        address: z.string().optional(),
        kind: z.enum(['person', 'organization']).optional(),
      }),
    ),
    facts: z.string().optional(),
    disputed: z.string().optional(),
    responsibilities: z.string().optional(),
    terms: z.array(z.string()),
    performance: z.object({
      how: z.string(),
      where: z.string().optional(),
      by: z.string(),
      byText: z.string(),
    }),
    effectiveAt: z.string(),
    judicialConfirmation: lastDay.meta({
      description:
        'Art 33: the parties may jointly apply to a court for judicial confirmation until this last day',
    }),
    callback: lastDay.extend({
      result: z.enum(['performed', 'partly', 'not_performed']).optional(),
      resultLabel: z.string().optional(),
      followUp: z.enum(['urged', 'told_may_sue']).optional(),
      followUpLabel: z.string().optional(),
      at: z.string(),
    }),
  })
  .meta({ id: 'MediationAgreement' });
