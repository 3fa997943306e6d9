import type { CaseRepository } from '../adapters/case-repository.js';
import type { CaseRecord } from '../domain/case.js';
import { ContentionError, ForbiddenError, InvalidFieldError, RuleViolationError } from '../domain/errors.js';
import { isMediatorOf } from '../domain/mediation.js';
import { hasAnyRole, type Principal, primaryRole } from '../domain/roles.js';
import {
  chainEvent,
  type MacFunction,
  type MediationSession,
  type TimelineEvent,
} from '../domain/timeline.js';
import { loadVisibleCase, type WorkerGrids } from './visible-case.js';

/**
 * A mediation session's record (调解笔录), kept on the case's timeline like a note: the case's version stays, so it
 * never races the commands. The case's mediators record it, or a clerk for a committee whose mediators have no account.
 */

interface SessionPorts {
  cases: Pick<CaseRepository, 'get' | 'appendEvent'>;
  grids: WorkerGrids;
  mac: MacFunction;
}

const HEAD_RETRIES = 3;

/** Who records a mediation's steps on the case: its staff mediators and the window's clerks. */
export const mayRecordMediation = (principal: Principal, record: CaseRecord): boolean =>
  principal.kind === 'staff' && (isMediatorOf(record, principal.userId) || hasAnyRole(principal, ['clerk']));

/** The case, or 403 when the caller is neither its mediator nor a clerk. */
export async function mediationCase(
  ports: Pick<SessionPorts, 'cases' | 'grids'>,
  principal: Principal,
  caseId: string,
): Promise<CaseRecord> {
  const record = await loadVisibleCase(ports, principal, caseId);
  if (!mayRecordMediation(principal, record)) throw new ForbiddenError('mediators-only');
  return record;
}

/** Appends the session to a mediation under way, at the timeline's head as it then is. */
export async function recordSession(
  ports: SessionPorts,
  principal: Principal,
  caseId: string,
  session: MediationSession,
  now: Date,
): Promise<TimelineEvent> {
  for (let attempt = 0; attempt < HEAD_RETRIES; attempt++) {
    const record = await mediationCase(ports, principal, caseId);
    const mediation = record.mediation;
    if (!mediation || mediation.concludedAt) throw new RuleViolationError('not-mediating');
    if (new Date(session.heldAt).getTime() < new Date(mediation.startedAt).getTime())
      throw new InvalidFieldError('heldAt', 'before-mediation');
    const event = await chainEvent(
      record.timelineHead,
      {
        at: now.toISOString(),
        actor: { id: principal.userId, role: primaryRole(principal) },
        action: 'mediation-session',
        session,
      },
      ports.mac,
    );
    if (await ports.cases.appendEvent(record, event)) return event;
  }
  throw new ContentionError();
}
