import * as z from 'zod';
import { because } from '../domain/errors.js';
import {
  MAX_AGENDA_CASES,
  MAX_DECISIONS,
  MAX_MEETING_RANGE_DAYS,
  MAX_PARTICIPANTS,
  MEETING_KINDS,
  rangeTooLong,
} from '../domain/meeting.js';

/** Joint meetings and consultations: the bodies, queries and answers. */

const isoDate = z.iso.date();
const staffId = z.string().trim().min(1).max(128);
const caseId = z.string().trim().min(1).max(64);
const text = (max: number) => z.string().trim().min(1).max(max);

export const createMeetingBody = z.strictObject({
  kind: z.enum(MEETING_KINDS).meta({
    description: 'joint_meeting: 信访工作联席会议; consultation: 重大信访事项会商 on a major matter',
  }),
  date: isoDate.meta({ description: 'The Beijing calendar day it is held' }),
  chairId: staffId.meta({ description: 'Who chairs it: a member of the town’s staff directory' }),
  participants: z
    .strictObject({
      people: z
        .array(staffId)
        .max(MAX_PARTICIPANTS)
        .default([])
        .meta({ description: 'Staff taking part, by their id in the staff directory' }),
      units: z
        .array(text(100))
        .max(MAX_PARTICIPANTS)
        .default([])
        .meta({ description: 'Units taking part, by name (县人社局, 派出所, 村委会)' }),
    })
    .meta({ description: 'Who takes part: the town’s staff by id, units by name; no private person' }),
  caseIds: z
    .array(caseId)
    .max(MAX_AGENDA_CASES)
    .default([])
    .meta({ description: 'The cases on the agenda: each a case of the town the caller sees' }),
  agenda: text(4000),
});

const decisionBody = z.strictObject({
  text: text(2000).meta({ description: 'What is to be done' }),
  ownerId: staffId.meta({ description: 'Who must act: a member of the town’s staff directory' }),
  dueDate: isoDate.meta({
    description: 'The last Beijing calendar day to act on, not before the meeting’s date',
  }),
  caseId: caseId
    .meta({ description: 'The case it concerns, if any: the decision then appears on that case’s timeline' })
    .optional(),
});

export const minutesBody = z.strictObject({
  summary: text(8000),
  decisions: z
    .array(decisionBody)
    .max(MAX_DECISIONS)
    .meta({
      description: `At most ${MAX_DECISIONS}: they are written in one transaction with the meeting and their cases’ timeline events`,
    }),
});

export const doneBody = z.strictObject({ note: text(2000).meta({ description: 'What was done' }) });

export const meetingRange = z
  .strictObject({ from: isoDate, to: isoDate })
  .refine((r) => r.from <= r.to, { path: ['to'], ...because('before-from') })
  .refine((r) => r.from > r.to || !rangeTooLong(r.from, r.to), {
    path: ['to'],
    ...because('range-too-long', { days: MAX_MEETING_RANGE_DAYS }),
  });

/** `{n}` in a decision's path: 1 to the most decisions a meeting can have; anything else names no decision. */
export const decisionNumber = (value: string | undefined): number | undefined => {
  const n = Number(value);
  return /^[1-9]\d{0,1}$/.test(value ?? '') && n <= MAX_DECISIONS ? n : undefined;
};

const actorView = z.object({ id: z.string(), role: z.string() });

const decisionViewSchema = z
  .object({
    n: z.number().int(),
    text: z.string(),
    ownerId: z.string(),
    dueDate: z.iso.date().meta({ description: 'The last Beijing calendar day to act on' }),
    due: z.iso.datetime().meta({ description: 'The instant the last day ends: 24:00 Beijing time' }),
    caseId: z.string().optional(),
    status: z.enum(['open', 'done', 'overdue']).meta({
      description: 'open: not done and not yet due; overdue: not done after its last day; done: marked done',
    }),
    missedAt: z.iso
      .datetime()
      .meta({ description: 'When the supervisors were told it was missed' })
      .optional(),
    done: z
      .object({
        at: z.string(),
        by: actorView,
        note: z.string(),
        late: z.boolean().meta({ description: 'Done after its last day' }),
      })
      .optional(),
  })
  .meta({ id: 'MeetingDecision' });

export const meetingViewSchema = z
  .object({
    id: z.string(),
    kind: z.enum(MEETING_KINDS),
    date: z.iso.date(),
    chairId: z.string(),
    participants: z.object({ people: z.array(z.string()), units: z.array(z.string()) }),
    caseIds: z.array(z.string()),
    agenda: z.string(),
    createdBy: actorView,
    createdAt: z.string(),
    version: z.number().int(),
    minutes: z
      .object({ summary: z.string(), recordedBy: actorView, recordedAt: z.string() })
      .meta({ description: 'Absent until the minutes are recorded' })
      .optional(),
    decisions: z.array(decisionViewSchema),
  })
  .meta({ id: 'Meeting' });

export const meetingListSchema = z.object({
  items: z.array(meetingViewSchema.omit({ decisions: true }).extend({ decisions: z.number().int() })),
});
