import type { CaseRepository } from '../adapters/case-repository.js';
import type { CounterRepository } from '../adapters/counter-repository.js';
import { keys } from '../adapters/table-model.js';
import { canSeeCase } from '../domain/access.js';
import type { CaseRecord } from '../domain/case.js';
import { linkedRepeatCounts } from '../domain/counters.js';
import { ContentionError } from '../domain/errors.js';
import type { RegistrationInput } from '../domain/registration.js';
import { decideRepeat, isOpen, type RepeatChoice, type RepeatDecision } from '../domain/repeat.js';
import { type Principal, primaryRole } from '../domain/roles.js';
import { chainEvent, type MacFunction } from '../domain/timeline.js';
import type { EarlierCaseLookup } from './register-case.js';
import { type WorkerGrids, workerGridPaths } from './visible-case.js';

/**
 * Art 19 at the window: what a registration does when the petitioner's newest earlier case in the category is still
 * open. The rule is `decideRepeat`; this reads what it needs (the earlier case, the case a link names, whether the
 * registrar may see them) and makes the link.
 */

type Repositories = {
  cases: Pick<CaseRepository, 'get' | 'petitionerPartitions'>;
  grids: WorkerGrids;
};

export async function repeatAtWindow(
  repositories: Repositories,
  principal: Principal,
  input: Pick<RegistrationInput, 'category'>,
  lookup: EarlierCaseLookup,
  choice: RepeatChoice | undefined,
): Promise<RepeatDecision> {
  const { cases } = repositories;
  const town = principal.town;
  const linkTo = choice && 'caseId' in choice ? choice.caseId : undefined;
  const [earlier, named, gridPaths] = await Promise.all([
    lookup.repeatOf ? cases.get(town, lookup.repeatOf) : undefined,
    linkTo && linkTo !== lookup.repeatOf ? cases.get(town, linkTo) : undefined,
    workerGridPaths(repositories.grids, principal),
  ]);
  const seen = (record: CaseRecord) => ({ record, visible: canSeeCase(principal, record, gridPaths) });
  const target = linkTo === lookup.repeatOf ? earlier : named;
  // a case of these petitioners in this category shares a blind-index partition with them
  const wanted = new Set(lookup.blindIndexes.map((blind) => keys.byPetitioner(town, input.category, blind)));
  const sameMatter = async (record: CaseRecord) =>
    record.id === lookup.repeatOf ||
    (record.category === input.category &&
      (await cases.petitionerPartitions(town, record.id)).some((partition) => wanted.has(partition)));
  const targetSeen = target ? seen(target) : undefined;
  return decideRepeat({
    ...(earlier ? { earlier: seen(earlier) } : {}),
    ...(choice ? { choice } : {}),
    ...(targetSeen
      ? { target: { ...targetSeen, sameMatter: targetSeen.visible && (await sameMatter(target!)) } }
      : {}),
  });
}

/** Concurrent notes or sweeps can move the timeline head: a link tries again a few times. */
const HEAD_RETRIES = 3;

/** The open case with the matter appended to it, or the case itself when it closed meanwhile. */
type LinkOutcome =
  | { kind: 'linked'; record: CaseRecord; linked: { seq: number; at: string } }
  | Extract<RepeatDecision, { kind: 'not-open' }>;

/**
 * Appends the matter to the open case's timeline (`repeat-received`, like a note: the version stays) and counts it.
 * With the request's seed (its Idempotency-Key) a retry whose first attempt committed answers with the same event.
 */
export async function linkRepeat(
  deps: {
    cases: Pick<CaseRepository, 'get' | 'appendLinkedRepeat'>;
    counters: Pick<CounterRepository, 'updates'>;
    mac: MacFunction;
  },
  principal: Principal,
  openCase: CaseRecord,
  input: Pick<RegistrationInput, 'channel' | 'receivedAt' | 'title'>,
  ctx: { now: Date; seed?: string },
): Promise<LinkOutcome> {
  const { now } = ctx;
  const ref = ctx.seed ? await deps.mac(`repeat-link\n${ctx.seed}`) : undefined;
  const received = {
    channel: input.channel,
    receivedAt: (input.receivedAt ? new Date(input.receivedAt) : now).toISOString(),
    title: input.title,
  };
  let record = openCase;
  for (let attempt = 0; attempt < HEAD_RETRIES; attempt++) {
    const event = await chainEvent(
      record.timelineHead,
      {
        at: now.toISOString(),
        actor: { id: principal.userId, role: primaryRole(principal) },
        action: 'repeat-received',
        received,
      },
      deps.mac,
    );
    const counts = deps.counters.updates(record.town, record.id, linkedRepeatCounts(record, now));
    const result = await deps.cases.appendLinkedRepeat(record, event, counts, ref);
    if (result === 'written')
      return {
        kind: 'linked',
        record: { ...record, timelineHead: { seq: event.seq, hash: event.hash } },
        linked: { seq: event.seq, at: event.at },
      };
    const current = await deps.cases.get(record.town, record.id);
    if (!current) break;
    if (result !== 'head-moved') return { kind: 'linked', record: current, linked: result.already };
    // closed meanwhile: the matter is no longer a repeat of an open case
    if (!isOpen(current)) return { kind: 'not-open', target: current };
    record = current;
  }
  throw new ContentionError();
}
