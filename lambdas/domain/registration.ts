import { type BacklogInput, carryBacklog } from './backlog.js';
import type { WorkingCalendar } from './calendar.js';
import type { CaseRecord } from './case.js';
import { calendarDaysDeadline, earliest, workingDaysDeadline } from './deadlines.js';
import { nextAlert } from './ladder.js';
import {
  type PersonalData,
  type Petitioner,
  protectedDescription,
  protectedPetitioners,
} from './personal.js';
import type { DeadlinePolicy } from './policy.js';
import { type Principal, primaryRole } from './roles.js';

/** Registration: a case record made from what the registrar entered, with its first deadlines and alert. */

/** A collective petition (集体访) is one brought by five or more people (Art 20). */
const COLLECTIVE_HEADCOUNT = 5;

/** What a caller may set when registering; everything else is the service's. */
export interface RegistrationInput {
  kind: CaseRecord['kind'];
  channel: CaseRecord['channel'];
  type?: CaseRecord['type'];
  category: string;
  serviceLine?: CaseRecord['serviceLine'];
  title: string;
  description: string;
  receivedAt?: string;
  lateEntryReason?: string;
  referral?: CaseRecord['referral'];
  gridId?: string;
  location?: CaseRecord['location'];
  petitioners: Petitioner[];
  headcount?: number;
  respondent?: CaseRecord['respondent'];
  /** A matter carried from before the system (积案), entered by the petition office. */
  backlog?: BacklogInput;
}

export interface RegistrationContext {
  id: string;
  number: string;
  now: Date;
  principal: Principal;
  policy: DeadlinePolicy;
  calendar: WorkingCalendar;
  firstTime: boolean;
  repeatOf?: string;
  /** The registrar's reason for a second track beside an open case of the same petitioner (Art 19). */
  secondTrackReason?: string;
  level: 'village' | 'town';
  gridPath?: string;
  /** Registration is event 1 of the timeline. */
  timelineHead: CaseRecord['timelineHead'];
  /** The sealed clear values of `personalFields(input)`; absent when there are none. */
  personal?: PersonalData;
}

/** The deadlines a case has from the moment it is registered. */
export function registrationDeadlines(
  receivedAt: Date,
  referral: CaseRecord['referral'],
  policy: DeadlinePolicy,
  calendar: WorkingCalendar,
): CaseRecord['deadlines'] {
  const referralDueBy = referral?.dueBy;
  const acknowledge = calendarDaysDeadline(receivedAt, policy.acknowledgeDays, {
    calendar,
    holidayRule: policy.holidayRule,
  });
  const upperLevelDue = referralDueBy ? new Date(referralDueBy) : undefined;
  return {
    // a referred matter is never answered later than the level above asked
    acknowledgeBy: (earliest(acknowledge, upperLevelDue) ?? acknowledge).toISOString(),
    // Art 23: every matter referred from above may be returned within the working days, with or without a due date
    ...(referral
      ? { objectBy: workingDaysDeadline(receivedAt, policy.returnWorkingDays, calendar).toISOString() }
      : {}),
  };
}

export function registerCase(input: RegistrationInput, ctx: RegistrationContext): CaseRecord {
  const now = ctx.now.toISOString();
  const receivedAt = input.receivedAt ? new Date(input.receivedAt) : ctx.now;
  const headcount = input.headcount ?? input.petitioners.length;
  const record: CaseRecord = {
    id: ctx.id,
    town: ctx.principal.town,
    number: ctx.number,
    version: 1,
    kind: input.kind,
    channel: input.channel,
    type: input.type ?? 'claim',
    category: input.category,
    ...(input.serviceLine ? { serviceLine: input.serviceLine } : {}),
    title: input.title,
    description: protectedDescription(input),
    receivedAt: receivedAt.toISOString(),
    ...(input.lateEntryReason ? { lateEntryReason: input.lateEntryReason } : {}),
    ...(input.referral ? { referral: input.referral } : {}),
    ...(input.gridId ? { gridId: input.gridId } : {}),
    ...(ctx.gridPath ? { gridPath: ctx.gridPath } : {}),
    ...(input.location ? { location: input.location } : {}),
    petitioners: protectedPetitioners(input),
    ...(ctx.personal ? { personal: ctx.personal } : {}),
    headcount,
    collective: headcount >= COLLECTIVE_HEADCOUNT,
    ...(input.respondent ? { respondent: input.respondent } : {}),
    status: 'registered',
    firstTime: ctx.firstTime,
    ...(ctx.repeatOf ? { repeatOf: ctx.repeatOf } : {}),
    ...(ctx.secondTrackReason ? { secondTrackReason: ctx.secondTrackReason } : {}),
    level: ctx.level,
    timelineHead: ctx.timelineHead,
    // a carried case's clock runs from its entry (see backlog.ts)
    deadlines: registrationDeadlines(
      input.backlog ? ctx.now : receivedAt,
      input.referral,
      ctx.policy,
      ctx.calendar,
    ),
    registeredBy: { id: ctx.principal.userId, role: primaryRole(ctx.principal) },
    // a citizen filing online is the petitioner of the case they file
    ...(ctx.principal.kind === 'petitioner' ? { petitionerUserId: ctx.principal.userId } : {}),
    createdAt: now,
    updatedAt: now,
  };
  const entered = input.backlog ? carryBacklog(record, input.backlog, ctx) : record;
  const alert = nextAlert(entered, ctx.policy.escalation);
  return alert ? { ...entered, alert } : entered;
}
