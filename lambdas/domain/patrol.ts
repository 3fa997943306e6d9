import * as z from 'zod';

/** A grid worker's daily patrol (网格巡查): what they covered and what they found. */
export const patrolRecordSchema = z.object({
  id: z.string(),
  town: z.string(),
  gridId: z.string(),
  date: z.string(),
  workerId: z.string(),
  households: z.number().int().optional(),
  notes: z.string().optional(),
  caseIds: z.array(z.string()),
  createdAt: z.string(),
});
export type PatrolRecord = z.infer<typeof patrolRecordSchema>;

export const staffRecordSchema = z.object({
  userId: z.string(),
  town: z.string(),
  name: z.string(),
  title: z.string().optional(),
  roles: z.array(z.string()),
  contact: z
    .object({ channel: z.enum(['sms', 'email', 'inbox']), address: z.string().optional() })
    .optional(),
  updatedAt: z.string(),
});
export type StaffRecord = z.infer<typeof staffRecordSchema>;
