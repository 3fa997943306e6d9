import { AttachmentRepository } from '../adapters/attachment-repository.js';
import { CaseRepository } from '../adapters/case-repository.js';
import type { Deps } from '../adapters/deps.js';
import type { EvidenceStore } from '../adapters/evidence-store.js';
import { logger } from '../adapters/observability.js';
import { PrivacyRepository } from '../adapters/privacy-repository.js';
import { SettingsRepository } from '../adapters/settings-repository.js';
import { caseObjectPrefix } from '../domain/attachment.js';
import type { CaseRecord } from '../domain/case.js';
import { NotFoundError, StaleVersionError } from '../domain/errors.js';
import { assertErasable, erasedForms } from '../domain/personal.js';
import { chainEvent, type MacFunction, type TimelineEvent } from '../domain/timeline.js';

/** A concurrent note or sweep can move the timeline head meanwhile: erasure re-reads and tries again this often. */
const HEAD_RETRIES = 3;
const DAY_MS = 24 * 60 * 60 * 1000;

interface ErasureDeps {
  cases: CaseRepository;
  privacy: PrivacyRepository;
  mac: MacFunction;
  attachments: Pick<AttachmentRepository, 'ofCase' | 'markErased'>;
  /** The evidence bucket; a host without one can erase only cases that have no attachments. */
  evidence?: EvidenceStore | undefined;
}

/**
 * The case's files go first, every version of each (uploads never completed too): if the erasure then fails, the next
 * attempt finds them gone and erases the rest. A letter or an agreement holds what the case's fields hold.
 */
async function eraseFiles(deps: ErasureDeps, record: CaseRecord): Promise<void> {
  if (deps.evidence) {
    const versions = await deps.evidence.deleteAll(caseObjectPrefix(record.town, record.id));
    if (versions > 0) logger.info('case files erased', { caseId: record.id, versions });
    return;
  }
  const { items } = await deps.attachments.ofCase(record.town, record.id);
  if (items.some((attachment) => attachment.status !== 'erased'))
    throw new Error('the case has attachments, and this host has no evidence store to erase them from');
}

/**
 * Erases a case's personal data: every field reads `[erased]`, the wrapped data key and the ciphertexts are gone, the
 * case's files and all their versions are deleted (their records read `erased`), and the timeline records who did it
 * and why. The version stays: the case's handling did not change. With
 * `expectedVersion` (an If-Match), a case changed meanwhile is a stale version. `undefined` when the timeline kept
 * moving under it.
 */
export async function erasePersonalData(
  deps: ErasureDeps,
  record: CaseRecord,
  ctx: { actor: TimelineEvent['actor']; reason: string; now: Date; expectedVersion?: number },
): Promise<CaseRecord | undefined> {
  let current = record;
  for (let attempt = 0; attempt < HEAD_RETRIES; attempt++) {
    if (ctx.expectedVersion !== undefined && current.version !== ctx.expectedVersion)
      throw new StaleVersionError();
    assertErasable(current);
    if (attempt === 0) await eraseFiles(deps, current);
    const at = ctx.now.toISOString();
    const event = await chainEvent(
      current.timelineHead,
      { at, actor: ctx.actor, action: 'erase', note: ctx.reason },
      deps.mac,
    );
    const erased = await deps.privacy.erase(
      current,
      { ...erasedForms(current), personal: { state: 'erased', at } },
      event,
    );
    if (erased) {
      await deps.attachments.markErased(current.town, current.id);
      return erased;
    }
    const reread = await deps.cases.get(current.town, current.id);
    if (!reread) throw new NotFoundError();
    current = reread;
  }
  return undefined;
}

/**
 * Retention (PIPL Art 19): erases the personal data of the town's cases closed longer ago than the policy keeps it.
 * Reads only the sparse index of closed cases that still hold personal data.
 */
export async function eraseExpired(deps: Deps, town: string, now: Date): Promise<{ erased: number }> {
  const cases = new CaseRepository(deps.db, deps.tables.cases);
  const privacy = new PrivacyRepository(deps.db, deps.tables.cases);
  const attachments = new AttachmentRepository(deps.db, deps.tables.cases);
  const policy = await new SettingsRepository(deps.db, deps.tables.grids).policy(town);
  const cutoff = new Date(now.getTime() - policy.retentionDaysAfterClosure * DAY_MS);
  let erased = 0;
  for (const id of await privacy.closedBefore(town, cutoff)) {
    const record = await cases.get(town, id);
    // erased by hand since the index was read
    if (!record || record.personal?.state === 'erased') continue;
    const erasure = { cases, privacy, mac: deps.mac, attachments, evidence: deps.evidence };
    const done = await erasePersonalData(erasure, record, {
      actor: { id: 'system', role: 'system' },
      reason: `retention: ${policy.retentionDaysAfterClosure} days after closure`,
      now,
    });
    if (done) erased += 1;
    else
      logger.warn('retention erasure lost the race for a case; the next run takes it', { town, caseId: id });
  }
  return { erased };
}

/** The scheduled retention run: every town in turn; a failed town is named and the others still run. */
export async function eraseExpiredInTowns(
  deps: Deps,
  towns: readonly string[],
  now: Date,
): Promise<{ erased: number; failed: string[] }> {
  let erased = 0;
  const failed: string[] = [];
  for (const town of towns) {
    try {
      erased += (await eraseExpired(deps, town, now)).erased;
    } catch (error) {
      failed.push(town);
      logger.error('retention erasure failed', { town, error: error as Error });
    }
  }
  return { erased, failed };
}
