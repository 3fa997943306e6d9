import * as z from 'zod';
import { STATUS_CODES } from '../domain/catalog.js';
import { NEXT_DEADLINE_KINDS } from '../domain/next-deadline.js';
import { limitParam } from './schemas.js';

/** The caller's own inbox and, for citizens, their cases: queries, bodies and answers. */

export const inboxQuery = z.strictObject({
  unread: z.enum(['true', 'false']).optional(),
  limit: limitParam,
  cursor: z.string().min(1).max(512).optional(),
});

export const citizenCasesQuery = z.strictObject({
  limit: limitParam,
  cursor: z.string().min(1).max(2048).optional(),
});

export const claimBody = z.strictObject({ queryCode: z.string().trim().min(1).max(40) });

export const notificationSchema = z
  .object({
    id: z.string(),
    recipient: z.string(),
    kind: z.string(),
    severity: z.string(),
    caseId: z.string().optional(),
    caseNumber: z.string().optional(),
    text: z.object({ zh: z.string(), en: z.string() }),
    at: z.string(),
    read: z.boolean(),
  })
  .meta({ id: 'Notification' });

const milestoneSchema = z.object({ milestone: z.string(), at: z.string(), zh: z.string(), en: z.string() });

const nextDeadlineFields = {
  kind: z.enum(NEXT_DEADLINE_KINDS),
  at: z.iso
    .datetime()
    .meta({ description: 'The instant the period ends: 24:00 Beijing time of its last day' }),
  lastDay: z.iso.date().meta({ description: 'The last Beijing calendar day the period includes' }),
};

/** What anyone holding a query code may learn of its case, labelled in the language `Accept-Language` asks for. */
export const trackingSchema = z
  .object({
    number: z.string(),
    status: z.enum(STATUS_CODES),
    statusLabel: z
      .string()
      .meta({ description: 'The status as the catalogue names it, in zh-CN or English' }),
    milestones: z.array(
      milestoneSchema.extend({ label: z.string().meta({ description: 'zh or en, as asked' }) }),
    ),
    nextDeadline: z
      .object({
        ...nextDeadlineFields,
        label: z.string().meta({ description: 'What the deadline is for, in zh-CN or English' }),
        lastDayText: z
          .string()
          .meta({ description: 'The last day in words: 2027年1月31日, or 31 Jan 2027, Beijing time' }),
      })
      .meta({
        description:
          'The deadline the case waits on: the town’s answer, or the petitioner’s window to ask for a review; ' +
          'absent when nothing is due',
      })
      .optional(),
  })
  .meta({ id: 'Tracking' });

export const citizenCaseSchema = z
  .object({
    id: z.string(),
    number: z.string(),
    version: z.number().int(),
    kind: z.string(),
    channel: z.string(),
    type: z.string(),
    category: z.string(),
    title: z.string(),
    status: z.string(),
    receivedAt: z.string(),
    deadlines: z.record(z.string(), z.string()),
    reply: z.record(z.string(), z.unknown()).optional(),
    reviews: z.array(z.record(z.string(), z.unknown())).optional(),
    rating: z.record(z.string(), z.unknown()).optional(),
    nextDeadline: z
      .object(nextDeadlineFields)
      .meta({ description: 'The deadline the case waits on; absent when nothing is due' })
      .optional(),
    milestones: z.array(milestoneSchema).optional(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'CitizenCase' });
