import { randomBytes } from 'node:crypto';
import type { CaseRepository } from '../adapters/case-repository.js';
import {
  type CaseRecord,
  formatCaseNumber,
  numberPrefix,
  petitionerIdentifiers,
  type RegistrationInput,
  registerCase,
} from '../domain/case.js';
import type { WorkingCalendar } from '../domain/calendar.js';
import { beijingDate } from '../domain/deadlines.js';
import { type GridRecord, intakeLevel } from '../domain/grid.js';
import type { DeadlinePolicy } from '../domain/policy.js';
import { type Principal, primaryRole } from '../domain/roles.js';
import { chainEvent, type MacFunction, type TimelineEvent } from '../domain/timeline.js';

/** Opaque, unguessable case ids: 128 random bits. */
const newCaseId = (): string => randomBytes(16).toString('base64url');

export interface PreparedCase {
  record: CaseRecord;
  event: TimelineEvent;
  blindIndexes: string[];
}

/**
 * Everything a new case needs before its transaction: the repeat lookup by blind index, a number, the first
 * timeline event and the record. The caller writes it, alone or together with what it came with (a patrol).
 */
export async function prepareRegistration(
  deps: { cases: CaseRepository; mac: MacFunction },
  input: RegistrationInput,
  ctx: {
    principal: Principal;
    now: Date;
    policy: DeadlinePolicy;
    calendar: WorkingCalendar;
    grid?: GridRecord;
  },
): Promise<PreparedCase> {
  const { principal, now, grid } = ctx;
  const blindIndexes = await Promise.all(
    petitionerIdentifiers(input.petitioners).map((identifier) => deps.mac(`petitioner\n${identifier}`)),
  );
  const repeatOf = await deps.cases.findEarlierCase(principal.town, input.category, blindIndexes);
  const day = beijingDate(now);
  const sequence = await deps.cases.nextSequence(principal.town, numberPrefix(input.kind), day);
  const event = await chainEvent(
    undefined,
    {
      at: now.toISOString(),
      actor: { id: principal.userId, role: primaryRole(principal) },
      action: 'register',
      toStatus: 'registered',
    },
    deps.mac,
  );
  const record = registerCase(input, {
    id: newCaseId(),
    number: formatCaseNumber(input.kind, day, sequence),
    now,
    principal,
    policy: ctx.policy,
    calendar: ctx.calendar,
    firstTime: repeatOf === undefined,
    ...(repeatOf ? { repeatOf } : {}),
    level: intakeLevel(grid),
    ...(grid ? { gridPath: grid.path } : {}),
    timelineHead: { seq: event.seq, hash: event.hash },
  });
  return { record, event, blindIndexes };
}
