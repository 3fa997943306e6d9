import type { CaseRepository } from '../adapters/case-repository.js';
import type { CityRepository } from '../adapters/city-repository.js';
import type { GridRepository } from '../adapters/grid-repository.js';
import { caseListPlan } from '../domain/access.js';
import type { CaseRecord } from '../domain/case.js';
import {
  asTownSupervisor,
  type CityCaseView,
  citySupervisionNotice,
  isSupervisable,
  type Supervision,
  supervisionEvent,
  supervisionRecipients,
} from '../domain/city.js';
import { ContentionError, StaleVersionError, WrongStatusError } from '../domain/errors.js';
import { responsibleOf } from '../domain/report.js';
import type { CityPrincipal } from '../domain/roles.js';
import { chainEvent, type MacFunction, type TimelineEvent } from '../domain/timeline.js';
import { loadVisibleCase, type WorkerGrids } from './visible-case.js';

/**
 * A town's cases as the city reads them (its overdue, at-risk and carried cases; one case) and the city's supervision
 * (上级督办) of an open case. The town has already been checked against the caller's claim; everything is read as the
 * town's petition office reads it.
 */

interface CityCasePorts {
  cases: Pick<CaseRepository, 'get' | 'list'>;
  grids: WorkerGrids & Pick<GridRepository, 'staff'>;
  city: Pick<CityRepository, 'duePage' | 'supervise'>;
  mac: MacFunction;
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** At risk: due within this many days, as the weekly bulletin's list. */
const AT_RISK_DAYS = 3;
/** A case item, its event and two items per notice stay within DynamoDB's 100 actions per transaction. */
const MAX_RECIPIENTS = 49;
/** Concurrent commands, notes or sweeps can take the timeline head first: try again a few times. */
const HEAD_RETRIES = 3;

/** Just after `at`: a deadline at `at` itself has passed by then (an act at the deadline is late). */
const through = (at: Date) => new Date(at.getTime() + 1);

/**
 * One page of a list of the town's cases: `overdue`, open cases whose next deadline has passed, and `at-risk`, due
 * within three days, soonest first (the bulletins' lists, from the open cases by deadline); `backlog`, the carried
 * cases (积案), as the town's own `GET /v1/cases?backlog=true` lists them, with its cursor.
 */
export async function listTownCases(
  ports: Pick<CityCasePorts, 'cases' | 'city'>,
  principal: CityPrincipal,
  town: string,
  view: CityCaseView,
  page: { limit: number; cursor?: string },
  now: Date,
): Promise<{ items: CaseRecord[]; nextCursor?: string }> {
  switch (view) {
    case 'overdue':
      return ports.city.duePage(town, { before: through(now) }, page.limit, page.cursor);
    case 'at-risk':
      return ports.city.duePage(
        town,
        { from: through(now), before: new Date(now.getTime() + AT_RISK_DAYS * DAY_MS) },
        page.limit,
        page.cursor,
      );
    case 'backlog': {
      const plan = caseListPlan(asTownSupervisor(principal, town), { backlog: 'true' }, []);
      return ports.cases.list(town, plan, page.limit, page.cursor);
    }
  }
}

/** A case of the town, as its petition office reads it; 404 when there is none. */
export const readTownCase = (
  ports: Pick<CityCasePorts, 'cases' | 'grids'>,
  principal: CityPrincipal,
  town: string,
  id: string,
): Promise<CaseRecord> => loadVisibleCase(ports, asTownSupervisor(principal, town), id);

/**
 * 上级督办: the city's note on an open case, kept on the case and on its timeline, and a notice to each of the town's
 * petition office (or, when its staff directory names none, to whoever answers for the case), in one transaction
 * conditioned on the case's version. `ifMatch`, when given, is the version the city decided on (412 when stale).
 */
export async function superviseCase(
  ports: CityCasePorts,
  principal: CityPrincipal,
  town: string,
  id: string,
  body: { note: string; dueDate?: string | undefined },
  ifMatch: number | undefined,
  now: Date,
): Promise<{ record: CaseRecord; supervision: Supervision; event: TimelineEvent; notified: number }> {
  const staff = await ports.grids.staff(town);
  const supervisors = staff.filter((member) => member.roles.includes('supervisor')).map((m) => m.userId);
  for (let attempt = 0; attempt < HEAD_RETRIES; attempt++) {
    const record = await readTownCase(ports, principal, town, id);
    if (ifMatch !== undefined && record.version !== ifMatch) throw new StaleVersionError();
    if (!isSupervisable(record)) throw new WrongStatusError(record.status, 'supervise');
    const at = now.toISOString();
    const event = await chainEvent(
      record.timelineHead,
      supervisionEvent(principal, body.note, at),
      ports.mac,
    );
    const supervision: Supervision = {
      at,
      by: principal.userId,
      note: body.note,
      ...(body.dueDate ? { dueDate: body.dueDate } : {}),
      seq: event.seq,
    };
    const notices = supervisionRecipients(supervisors, responsibleOf(record), MAX_RECIPIENTS).map(
      (recipient) => citySupervisionNotice(record, supervision, recipient),
    );
    if (await ports.city.supervise(record, supervision, event, notices))
      return {
        record: {
          ...record,
          supervisions: [...(record.supervisions ?? []), supervision],
          timelineHead: { seq: event.seq, hash: event.hash },
        },
        supervision,
        event,
        notified: notices.length,
      };
  }
  throw new ContentionError();
}
