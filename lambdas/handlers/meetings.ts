import { CaseRepository } from '../adapters/case-repository.js';
import { type Deps, depsFromEnv } from '../adapters/deps.js';
import { GridRepository } from '../adapters/grid-repository.js';
import { MeetingRepository } from '../adapters/meeting-repository.js';
import { type DecisionRecord, decisionStatus, type MeetingRecord } from '../domain/meeting.js';
import { STAFF_ROLES } from '../domain/roles.js';
import { createApiHandler, lazyHandler } from '../http/api.js';
import { requireRole } from '../http/auth.js';
import { idempotencyLayer } from '../http/idempotency.js';
import {
  createMeetingBody,
  decisionNumber,
  doneBody,
  meetingRange,
  minutesBody,
} from '../http/meeting-schemas.js';
import { parseWith } from '../http/validation.js';
import {
  loadVisibleMeeting,
  MEETING_READERS,
  markDecisionDone,
  recordMinutes,
  scheduleMeeting,
} from '../usecases/meetings.js';

/** Who schedules joint meetings and consultations: the town's leaders and the petition office. */
const CONVENERS = ['leader', 'supervisor'] as const;

const meetingFields = ({ town: _town, minutes, ...meeting }: MeetingRecord) => ({
  ...meeting,
  ...(minutes
    ? {
        minutes: {
          summary: minutes.summary,
          recordedBy: minutes.recordedBy,
          recordedAt: minutes.recordedAt,
        },
      }
    : {}),
});

const decisionView = (decision: DecisionRecord, now: Date) => ({
  n: decision.n,
  text: decision.text,
  ownerId: decision.ownerId,
  dueDate: decision.dueDate,
  due: decision.due,
  ...(decision.caseId ? { caseId: decision.caseId } : {}),
  status: decisionStatus(decision, now),
  ...(decision.missedAt ? { missedAt: decision.missedAt } : {}),
  ...(decision.done ? { done: decision.done } : {}),
});

const meetingView = (found: { meeting: MeetingRecord; decisions: DecisionRecord[] }, now: Date) => ({
  ...meetingFields(found.meeting),
  decisions: found.decisions.map((decision) => decisionView(decision, now)),
});

export function createMeetingsHandler(deps: Deps) {
  const meetings = new MeetingRepository(deps.db, deps.tables.cases);
  const ports = {
    meetings,
    cases: new CaseRepository(deps.db, deps.tables.cases),
    grids: new GridRepository(deps.db, deps.tables.grids),
    mac: deps.mac,
  };

  return createApiHandler({
    family: 'meetings',
    deps,
    idempotency: idempotencyLayer('meetings', deps),
    routes: {
      'POST /v1/meetings': {
        async handle(request) {
          requireRole(request.principal, CONVENERS);
          const body = request.body(createMeetingBody);
          const now = deps.now();
          const meeting = await scheduleMeeting(ports, request.principal, body, now);
          return {
            status: 201,
            body: { id: meeting.id },
            headers: { location: `/v1/meetings/${meeting.id}` },
          };
        },
      },
      'GET /v1/meetings': {
        async handle(request) {
          requireRole(request.principal, MEETING_READERS);
          const { from, to } = parseWith(meetingRange, request.query, request.language);
          const items = (await meetings.list(request.principal.town, from, to)).map((meeting) => ({
            ...meetingFields(meeting),
            decisions: meeting.minutes?.decisions ?? 0,
          }));
          return { status: 200, body: { items } };
        },
      },
      'GET /v1/meetings/{id}': {
        async handle(request) {
          const gate = () => requireRole(request.principal, STAFF_ROLES);
          const found = await loadVisibleMeeting(ports, request.principal, request.params.id, gate);
          return { status: 200, body: meetingView(found, deps.now()) };
        },
      },
      'POST /v1/meetings/{id}/minutes': {
        async handle(request) {
          const gate = () => requireRole(request.principal, STAFF_ROLES);
          const now = deps.now();
          const found = await recordMinutes(
            ports,
            request.principal,
            request.params.id,
            gate,
            () => request.body(minutesBody),
            now,
          );
          return { status: 201, body: meetingView(found, now) };
        },
      },
      'POST /v1/meetings/{id}/decisions/{n}/done': {
        async handle(request) {
          const gate = () => requireRole(request.principal, STAFF_ROLES);
          const now = deps.now();
          const found = await markDecisionDone(
            ports,
            request.principal,
            request.params.id,
            decisionNumber(request.params.n),
            gate,
            () => request.body(doneBody).note,
            now,
          );
          return { status: 200, body: meetingView(found, now) };
        },
      },
    },
  });
}

export const handler = lazyHandler(() => createMeetingsHandler(depsFromEnv()));
