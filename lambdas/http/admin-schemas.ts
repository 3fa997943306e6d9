import { z } from 'zod';

/** The deadline policy an admin may set; the bounds keep a typo from making every case overdue or never due. */
export const policySchema = z
  .strictObject({
    acknowledgeDays: z.number().int().min(1).max(60),
    replyDays: z.number().int().min(1).max(180),
    maxExtensionDays: z.number().int().min(0).max(120),
    firstTimeNoExtension: z.boolean(),
    reviewRequestDays: z.number().int().min(1).max(90),
    reviewAnswerDays: z.number().int().min(1).max(90),
    returnWorkingDays: z.number().int().min(1).max(30),
    holidayRule: z.enum(['keep', 'next_working_day']),
    lateEntryDays: z.number().int().min(0).max(30),
  })
  .meta({ id: 'DeadlinePolicy' });

const day = z.iso.date();

export const calendarSchema = z
  .strictObject({
    year: z.number().int().min(2000).max(2100),
    holidays: z.array(day).max(60),
    swappedWorkdays: z.array(day).max(20),
    fallback: z.boolean().optional(),
  })
  .meta({ id: 'WorkingCalendar' });
