import { z } from 'zod';
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

/** What anyone holding a query code may learn of its case. */
export const trackingSchema = z
  .object({ number: z.string(), status: z.string(), milestones: z.array(milestoneSchema) })
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
    milestones: z.array(milestoneSchema).optional(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'CitizenCase' });
