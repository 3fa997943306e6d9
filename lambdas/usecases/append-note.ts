import type { CaseRepository } from '../adapters/case-repository.js';
import { ContentionError } from '../domain/errors.js';
import type { Principal } from '../domain/roles.js';
import { chainEvent, type MacFunction, type TimelineEvent, type TimelineFields } from '../domain/timeline.js';
import { loadVisibleCase, type WorkerGrids } from './visible-case.js';

export interface NotePorts {
  cases: Pick<CaseRepository, 'get' | 'appendEvent'>;
  grids: WorkerGrids;
  mac: MacFunction;
}

/** Concurrent commands, notes or sweeps can take the timeline head first: a note tries again a few times. */
const HEAD_RETRIES = 3;

/** Appends an event that changes nothing else (a note) to a case the caller sees, at the head as it then is. */
export async function appendNote(
  ports: NotePorts,
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
