import * as z from 'zod/mini';

/** A grid worker's daily patrol (网格巡查): what they covered and what they found. */
export const patrolRecordSchema = z.object({
  id: z.string(),
  town: z.string(),
  gridId: z.string(),
  date: z.string(),
  workerId: z.string(),
  households: z.optional(z.number().check(z.int())),
  notes: z.optional(z.string()),
  caseIds: z.array(z.string()),
  createdAt: z.string(),
});
export type PatrolRecord = z.infer<typeof patrolRecordSchema>;

export const staffRecordSchema = z.object({
  userId: z.string(),
  town: z.string(),
  name: z.string(),
  title: z.optional(z.string()),
  roles: z.array(z.string()),
  contact: z.optional(
    z.object({ channel: z.enum(['sms', 'email', 'inbox']), address: z.optional(z.string()) }),
  ),
  updatedAt: z.string(),
});
export type StaffRecord = z.infer<typeof staffRecordSchema>;
