import * as z from 'zod/mini';
import { STATUS_CODES } from '../domain/catalog.js';
import { NEXT_DEADLINE_KINDS } from '../domain/next-deadline.js';
import { limitParam } from './schemas.js';

/** The caller's own inbox and, for citizens, their cases: queries, bodies and answers. */

export const inboxQuery = z.strictObject({
  unread: z.optional(z.enum(['true', 'false'])),
  limit: limitParam,
  cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(512))),
});

export const citizenCasesQuery = z.strictObject({
  limit: limitParam,
  cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(2048))),
});

export const claimBody = z.strictObject({
  queryCode: z.string().check(z.trim(), z.minLength(1), z.maxLength(40)),
});

export const notificationSchema = z
  .object({
    id: z.string(),
    recipient: z.string(),
    kind: z.string(),
    severity: z.string(),
    caseId: z.optional(z.string()),
    caseNumber: z.optional(z.string()),
    text: z.object({ zh: z.string(), en: z.string() }),
    at: z.string(),
    read: z.boolean(),
  })
  .check(z.meta({ id: 'Notification' }));

const milestoneSchema = z.object({ milestone: z.string(), at: z.string(), zh: z.string(), en: z.string() });

const nextDeadlineFields = {
  kind: z.enum(NEXT_DEADLINE_KINDS),
  at: z.iso
    .datetime()
    .check(z.meta({ description: 'The instant the period ends: 24:00 Beijing time of its last day' })),
  lastDay: z.iso.date().check(z.meta({ description: 'The last Beijing calendar day the period includes' })),
};

/** What anyone holding a query code may learn of its case, labelled in the language `Accept-Language` asks for. */
export const trackingSchema = z
  .object({
    number: z.string(),
    status: z.enum(STATUS_CODES),
    statusLabel: z
      .string()
      .check(z.meta({ description: 'The status as the catalogue names it, in zh-CN or English' })),
    milestones: z.array(
      z.extend(milestoneSchema, { label: z.string().check(z.meta({ description: 'zh or en, as asked' })) }),
    ),
    nextDeadline: z.optional(
      z
        .object({
          ...nextDeadlineFields,
          label: z.string().check(z.meta({ description: 'What the deadline is for, in zh-CN or English' })),
          lastDayText: z
            .string()
            .check(
              z.meta({ description: 'The last day in words: 2027年1月31日, or 31 Jan 2027, Beijing time' }),
            ),
        })
        .check(
          z.meta({
            description:
              'The deadline the case waits on: the town’s answer, or the petitioner’s window to ask for a review; ' +
              'absent when nothing is due',
          }),
        ),
    ),
  })
  .check(z.meta({ id: 'Tracking' }));

export const citizenCaseSchema = z
  .object({
    id: z.string(),
    number: z.string(),
    version: z.number().check(z.int()),
    kind: z.string(),
    channel: z.string(),
    type: z.string(),
    category: z.string(),
    title: z.string(),
    status: z.string(),
    receivedAt: z.string(),
    deadlines: z.record(z.string(), z.string()),
    reply: z.optional(z.record(z.string(), z.unknown())),
    reviews: z.optional(z.array(z.record(z.string(), z.unknown()))),
    rating: z.optional(z.record(z.string(), z.unknown())),
    nextDeadline: z.optional(
      z
        .object(nextDeadlineFields)
        .check(z.meta({ description: 'The deadline the case waits on; absent when nothing is due' })),
    ),
    milestones: z.optional(z.array(milestoneSchema)),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .check(z.meta({ id: 'CitizenCase' }));
