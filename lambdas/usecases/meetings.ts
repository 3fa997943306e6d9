import { randomBytes } from 'node:crypto';
import type { CaseRepository } from '../adapters/case-repository.js';
import type { GridRepository } from '../adapters/grid-repository.js';
import type { CaseEvents, MeetingRepository } from '../adapters/meeting-repository.js';
import type { CaseRecord } from '../domain/case.js';
import { beijingDate } from '../domain/deadlines.js';
import {
  ContentionError,
  ForbiddenError,
  InvalidFieldError,
  NotFoundError,
  RuleViolationError,
} from '../domain/errors.js';
import {
  type DecisionRecord,
  decisionAlert,
  decisionDoneNote,
  decisionDue,
  decisionEventNote,
  dueDateBeforeMeeting,
  type MeetingKind,
  type MeetingRecord,
  mayMarkDone,
  mayRecordMinutes,
  meetingHeld,
  takesPart,
} from '../domain/meeting.js';
import { hasAnyRole, type Principal, primaryRole } from '../domain/roles.js';
import { chainEvent, type MacFunction } from '../domain/timeline.js';
import { loadVisibleCase, type WorkerGrids } from './visible-case.js';

/** Joint meetings and consultations: scheduling one, recording its minutes once, marking a decision done once. */

interface MeetingPorts {
  meetings: Pick<MeetingRepository, 'create' | 'withDecisions' | 'recordMinutes' | 'markDone'>;
  cases: Pick<CaseRepository, 'get'>;
  grids: WorkerGrids & Pick<GridRepository, 'staff'>;
  mac: MacFunction;
}

/** Who reads every meeting of the town: the leaders, the petition office and the administrator. */
export const MEETING_READERS = ['leader', 'supervisor', 'admin'] as const;

/** Concurrent notes or commands can take a case's timeline head first: a write tries again a few times. */
const HEAD_RETRIES = 3;

/** Meeting ids begin with their creation time (base 36, fixed width). */
const newMeetingId = (at: Date) =>
  `m_${at.getTime().toString(36).padStart(9, '0')}${randomBytes(6).toString('base64url')}`;

const actorOf = (principal: Principal) => ({ id: principal.userId, role: primaryRole(principal) });
const isSupervisor = (principal: Principal) => hasAnyRole(principal, ['supervisor']);

async function staffIds(ports: MeetingPorts, town: string): Promise<Map<string, string>> {
  return new Map((await ports.grids.staff(town)).map((member) => [member.userId, member.name]));
}

/** The cases each must be one the caller sees; the first that is not is named by its place in the body. */
async function visibleCases(
  ports: MeetingPorts,
  principal: Principal,
  ids: readonly (string | undefined)[],
  pathOf: (index: number) => string,
): Promise<Map<string, CaseRecord>> {
  const found = new Map<string, CaseRecord>();
  for (const [index, id] of ids.entries()) {
    if (!id || found.has(id)) continue;
    try {
      found.set(id, await loadVisibleCase(ports, principal, id));
    } catch (error) {
      if (error instanceof NotFoundError) throw new InvalidFieldError(pathOf(index), 'case-not-visible');
      throw error;
    }
  }
  return found;
}

interface NewMeeting {
  kind: MeetingKind;
  date: string;
  chairId: string;
  participants: { people: string[]; units: string[] };
  caseIds: string[];
  agenda: string;
}

export async function scheduleMeeting(
  ports: MeetingPorts,
  principal: Principal,
  body: NewMeeting,
  now: Date,
): Promise<MeetingRecord> {
  const staff = await staffIds(ports, principal.town);
  if (!staff.has(body.chairId)) throw new InvalidFieldError('chairId', 'unknown-staff');
  const stranger = body.participants.people.findIndex((id) => !staff.has(id));
  if (stranger >= 0) throw new InvalidFieldError(`participants.people.${stranger}`, 'unknown-staff');
  await visibleCases(ports, principal, body.caseIds, (i) => `caseIds.${i}`);
  const meeting: MeetingRecord = {
    ...body,
    participants: {
      people: [...new Set(body.participants.people)],
      units: [...new Set(body.participants.units)],
    },
    caseIds: [...new Set(body.caseIds)],
    id: newMeetingId(now),
    town: principal.town,
    createdBy: actorOf(principal),
    createdAt: now.toISOString(),
    version: 1,
  };
  await ports.meetings.create(meeting);
  return meeting;
}

/** Checks the caller's role once the meeting is found (404 before 403, as everywhere). */
type RoleGate = () => void;

/** The meeting and its decisions, if the caller may see it: readers see all, other staff those they take part in. */
export async function loadVisibleMeeting(
  ports: Pick<MeetingPorts, 'meetings'>,
  principal: Principal,
  id: string | undefined,
  gate: RoleGate,
): Promise<{ meeting: MeetingRecord; decisions: DecisionRecord[] }> {
  const found = id ? await ports.meetings.withDecisions(principal.town, id) : undefined;
  if (!found) throw new NotFoundError();
  gate();
  if (!hasAnyRole(principal, MEETING_READERS) && !takesPart(found.meeting, found.decisions, principal.userId))
    throw new NotFoundError();
  return found;
}

interface NewDecision {
  text: string;
  ownerId: string;
  dueDate: string;
  caseId?: string | undefined;
}

/** Each case's new events, chained after its head as read. */
async function chainedEvents(
  ports: Pick<MeetingPorts, 'mac'>,
  principal: Principal,
  byCase: Map<string, { record: CaseRecord; notes: string[] }>,
  action: string,
  at: string,
): Promise<CaseEvents[]> {
  const writes: CaseEvents[] = [];
  for (const { record, notes } of byCase.values()) {
    const events = [];
    let head: { seq: number; hash: string } = record.timelineHead;
    for (const note of notes) {
      const event = await chainEvent(head, { at, actor: actorOf(principal), action, note }, ports.mac);
      events.push(event);
      head = event;
    }
    writes.push({ record, events });
  }
  return writes;
}

/**
 * The minutes, once, with their decisions; each decision tied to a case goes onto that case's timeline in the same
 * transaction. A correction is no second minutes: a decision that proves wrong is marked done with a note saying so,
 * and what replaces it is decided at a further meeting.
 */
export async function recordMinutes(
  ports: MeetingPorts,
  principal: Principal,
  meetingId: string | undefined,
  gate: RoleGate,
  readBody: () => { summary: string; decisions: NewDecision[] },
  now: Date,
): Promise<{ meeting: MeetingRecord; decisions: DecisionRecord[] }> {
  const first = await loadVisibleMeeting(ports, principal, meetingId, gate);
  if (!mayRecordMinutes(first.meeting, { userId: principal.userId, supervisor: isSupervisor(principal) }))
    throw new ForbiddenError('meeting-minutes');
  const body = readBody();
  if (first.meeting.minutes) throw new RuleViolationError('minutes-recorded');
  if (!meetingHeld(first.meeting, beijingDate(now))) throw new RuleViolationError('meeting-not-held');
  const staff = await staffIds(ports, principal.town);
  for (const [i, decision] of body.decisions.entries()) {
    if (!staff.has(decision.ownerId)) throw new InvalidFieldError(`decisions.${i}.ownerId`, 'unknown-staff');
    if (dueDateBeforeMeeting(decision.dueDate, first.meeting.date))
      throw new InvalidFieldError(`decisions.${i}.dueDate`, 'due-before-meeting');
  }
  const at = now.toISOString();
  for (let attempt = 0; attempt < HEAD_RETRIES; attempt++) {
    const { meeting } = attempt === 0 ? first : await loadVisibleMeeting(ports, principal, meetingId, gate);
    if (meeting.minutes) throw new RuleViolationError('minutes-recorded');
    const cases = await visibleCases(
      ports,
      principal,
      body.decisions.map((d) => d.caseId),
      (i) => `decisions.${i}.caseId`,
    );
    const decisions = body.decisions.map((d, i): DecisionRecord => {
      const record: DecisionRecord = {
        town: meeting.town,
        meetingId: meeting.id,
        meetingKind: meeting.kind,
        meetingDate: meeting.date,
        n: i + 1,
        text: d.text,
        ownerId: d.ownerId,
        dueDate: d.dueDate,
        due: decisionDue(d.dueDate),
        ...(d.caseId ? { caseId: d.caseId } : {}),
        createdAt: at,
      };
      const alert = decisionAlert(record);
      return alert ? { ...record, alert } : record;
    });
    const byCase = new Map<string, { record: CaseRecord; notes: string[] }>();
    for (const decision of decisions) {
      const record = decision.caseId ? cases.get(decision.caseId) : undefined;
      if (!record) continue;
      const entry = byCase.get(record.id) ?? { record, notes: [] };
      entry.notes.push(decisionEventNote(decision, staff.get(decision.ownerId) ?? decision.ownerId));
      byCase.set(record.id, entry);
    }
    const minutes = {
      summary: body.summary,
      decisions: decisions.length,
      recordedBy: actorOf(principal),
      recordedAt: at,
    };
    const events = await chainedEvents(ports, principal, byCase, 'meeting-decision', at);
    if (await ports.meetings.recordMinutes(meeting, minutes, decisions, events))
      return { meeting: { ...meeting, minutes, version: meeting.version + 1 }, decisions };
  }
  throw new ContentionError();
}

/** A decision marked done, once, with what was done; its case's timeline says so in the same transaction. */
export async function markDecisionDone(
  ports: MeetingPorts,
  principal: Principal,
  meetingId: string | undefined,
  n: number | undefined,
  gate: RoleGate,
  readNote: () => string,
  now: Date,
): Promise<{ meeting: MeetingRecord; decisions: DecisionRecord[] }> {
  for (let attempt = 0; attempt < HEAD_RETRIES; attempt++) {
    const found = await loadVisibleMeeting(ports, principal, meetingId, gate);
    const decision = found.decisions.find((d) => d.n === n);
    if (!decision) throw new NotFoundError();
    if (
      !mayMarkDone(found.meeting, decision, { userId: principal.userId, supervisor: isSupervisor(principal) })
    )
      throw new ForbiddenError('decision-done-by');
    const note = readNote();
    if (decision.done) throw new RuleViolationError('decision-done');
    const at = now.toISOString();
    // the owner may not see the case; the event is still the case's record of what its decision came to
    const record = decision.caseId ? await ports.cases.get(principal.town, decision.caseId) : undefined;
    const byCase = new Map(
      record ? [[record.id, { record, notes: [decisionDoneNote(decision, note)] }]] : [],
    );
    const done = {
      at,
      by: actorOf(principal),
      note,
      late: new Date(decision.due).getTime() <= now.getTime(),
    };
    const events = await chainedEvents(ports, principal, byCase, 'decision-done', at);
    if (await ports.meetings.markDone(decision, done, events)) {
      const decisions = found.decisions.map((d) => {
        if (d.n !== decision.n) return d;
        const { alert: _alert, ...rest } = d;
        return { ...rest, done };
      });
      return { meeting: found.meeting, decisions };
    }
  }
  throw new ContentionError();
}
