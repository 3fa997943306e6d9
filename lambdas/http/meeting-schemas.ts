import * as z from 'zod/mini';
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
const staffId = z.string().check(z.trim(), z.minLength(1), z.maxLength(128));
const caseId = z.string().check(z.trim(), z.minLength(1), z.maxLength(64));
const text = (max: number) => z.string().check(z.trim(), z.minLength(1), z.maxLength(max));

export const createMeetingBody = z.strictObject({
  kind: z.enum(MEETING_KINDS).check(
    z.meta({
      description: 'joint_meeting: 信访工作联席会议; consultation: 重大信访事项会商 on a major matter',
    }),
  ),
  date: isoDate.check(z.meta({ description: 'The Beijing calendar day it is held' })),
  chairId: staffId.check(z.meta({ description: 'Who chairs it: a member of the town’s staff directory' })),
  participants: z
    .strictObject({
      people: z
        ._default(z.array(staffId).check(z.maxLength(MAX_PARTICIPANTS)), [])
        .check(z.meta({ description: 'Staff taking part, by their id in the staff directory' })),
      units: z
        ._default(z.array(text(100)).check(z.maxLength(MAX_PARTICIPANTS)), [])
        .check(z.meta({ description: 'Units taking part, by name (县人社局, 派出所, 村委会)' })),
    })
    .check(
      z.meta({ description: 'Who takes part: the town’s staff by id, units by name; no private person' }),
    ),
  caseIds: z
    ._default(z.array(caseId).check(z.maxLength(MAX_AGENDA_CASES)), [])
    .check(z.meta({ description: 'The cases on the agenda: each a case of the town the caller sees' })),
  agenda: text(4000),
});

const decisionBody = z.strictObject({
  text: text(2000).check(z.meta({ description: 'What is to be done' })),
  ownerId: staffId.check(z.meta({ description: 'Who must act: a member of the town’s staff directory' })),
  dueDate: isoDate.check(
    z.meta({
      description: 'The last Beijing calendar day to act on, not before the meeting’s date',
    }),
  ),
  caseId: z.optional(
    caseId.check(
      z.meta({
        description: 'The case it concerns, if any: the decision then appears on that case’s timeline',
      }),
    ),
  ),
});

export const minutesBody = z.strictObject({
  summary: text(8000),
  decisions: z.array(decisionBody).check(
    z.maxLength(MAX_DECISIONS),
    z.meta({
      description: `At most ${MAX_DECISIONS}: they are written in one transaction with the meeting and their cases’ timeline events`,
    }),
  ),
});

export const doneBody = z.strictObject({ note: text(2000).check(z.meta({ description: 'What was done' })) });

export const meetingRange = z.strictObject({ from: isoDate, to: isoDate }).check(
  z.refine((r) => r.from <= r.to, { path: ['to'], ...because('before-from') }),
  z.refine((r) => r.from > r.to || !rangeTooLong(r.from, r.to), {
    path: ['to'],
    ...because('range-too-long', { days: MAX_MEETING_RANGE_DAYS }),
  }),
);

/** `{n}` in a decision's path: 1 to the most decisions a meeting can have; anything else names no decision. */
export const decisionNumber = (value: string | undefined): number | undefined => {
  const n = Number(value);
  return /^[1-9]\d{0,1}$/.test(value ?? '') && n <= MAX_DECISIONS ? n : undefined;
};

const actorView = z.object({ id: z.string(), role: z.string() });

const decisionViewSchema = z
  .object({
    n: z.number().check(z.int()),
    text: z.string(),
    ownerId: z.string(),
    dueDate: z.iso.date().check(z.meta({ description: 'The last Beijing calendar day to act on' })),
    due: z.iso.datetime().check(z.meta({ description: 'The instant the last day ends: 24:00 Beijing time' })),
    caseId: z.optional(z.string()),
    status: z.enum(['open', 'done', 'overdue']).check(
      z.meta({
        description:
          'open: not done and not yet due; overdue: not done after its last day; done: marked done',
      }),
    ),
    missedAt: z.optional(
      z.iso.datetime().check(z.meta({ description: 'When the supervisors were told it was missed' })),
    ),
    done: z.optional(
      z.object({
        at: z.string(),
        by: actorView,
        note: z.string(),
        late: z.boolean().check(z.meta({ description: 'Done after its last day' })),
      }),
    ),
  })
  .check(z.meta({ id: 'MeetingDecision' }));

const meetingViewFields = z.object({
  id: z.string(),
  kind: z.enum(MEETING_KINDS),
  date: z.iso.date(),
  chairId: z.string(),
  participants: z.object({ people: z.array(z.string()), units: z.array(z.string()) }),
  caseIds: z.array(z.string()),
  agenda: z.string(),
  createdBy: actorView,
  createdAt: z.string(),
  version: z.number().check(z.int()),
  minutes: z.optional(
    z
      .object({ summary: z.string(), recordedBy: actorView, recordedAt: z.string() })
      .check(z.meta({ description: 'Absent until the minutes are recorded' })),
  ),
  decisions: z.array(decisionViewSchema),
});

export const meetingViewSchema = meetingViewFields.check(z.meta({ id: 'Meeting' }));

export const meetingListSchema = z.object({
  items: z.array(
    z.extend(z.omit(meetingViewFields, { decisions: true }), { decisions: z.number().check(z.int()) }),
  ),
});
