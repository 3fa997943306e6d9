import type { CaseRepository } from '../adapters/case-repository.js';
import type { CaseRecord } from '../domain/case.js';
import { ContentionError } from '../domain/errors.js';
import type { Principal } from '../domain/roles.js';
import {
  type ChainVerdict,
  chainEvent,
  type MacFunction,
  type TimelineEvent,
  type TimelineFields,
  verifyChain,
} from '../domain/timeline.js';
import { loadVisibleCase, type WorkerGrids } from './visible-case.js';

/** A case's timeline: read whole (its keyed hash chain recomputed when asked), and appended to by notes. */

interface TimelinePorts {
  cases: Pick<CaseRepository, 'get' | 'appendEvent' | 'timeline'>;
  grids: WorkerGrids;
  mac: MacFunction;
}

/** The case's events in order, and with `verify` whether the chain still ends at the head the case keeps. */
export async function readTimeline(
  ports: Pick<TimelinePorts, 'cases' | 'mac'>,
  record: CaseRecord,
  verify: boolean,
): Promise<{ items: TimelineEvent[] } | ({ items: TimelineEvent[] } & ChainVerdict)> {
  const items = await ports.cases.timeline(record.town, record.id);
  if (!verify) return { items };
  return { ...(await verifyChain(items, record.timelineHead, ports.mac)), items };
}

/** Concurrent commands, notes or sweeps can take the timeline head first: a note tries again a few times. */
const HEAD_RETRIES = 3;

/** Appends an event that changes nothing else (a note) to a case the caller sees, at the head as it then is. */
export async function appendNote(
  ports: Pick<TimelinePorts, 'cases' | 'grids' | 'mac'>,
  principal: Principal,
  caseId: string,
  fields: TimelineFields,
): Promise<TimelineEvent> {
  for (let attempt = 0; attempt < HEAD_RETRIES; attempt++) {
    const record = await loadVisibleCase(ports, principal, caseId);
    const event = await chainEvent(record.timelineHead, fields, ports.mac);
    if (await ports.cases.appendEvent(record, event)) return event;
  }
  throw new ContentionError();
}
