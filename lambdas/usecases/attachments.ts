import { randomBytes } from 'node:crypto';
import type { AttachmentRepository } from '../adapters/attachment-repository.js';
import type { CaseRepository } from '../adapters/case-repository.js';
import type { EvidenceStore } from '../adapters/evidence-store.js';
import type { PrivacyRepository } from '../adapters/privacy-repository.js';
import {
  ATTACHMENT_POLICY,
  type Attachment,
  type AttachmentContentType,
  type AttachmentKind,
  countedAttachments,
  isLoggedDownload,
  objectKey,
  uploadMismatch,
} from '../domain/attachment.js';
import type { CaseRecord } from '../domain/case.js';
import { ContentionError, ForbiddenError, NotFoundError, RuleViolationError } from '../domain/errors.js';
import { type Principal, primaryRole } from '../domain/roles.js';
import { chainEvent, type MacFunction } from '../domain/timeline.js';
import { loadVisibleCase, type WorkerGrids } from './visible-case.js';

/**
 * Evidence on a case, uploaded straight to the bucket: a record and a presigned PUT first, then `complete` checks what
 * arrived (size, SHA-256, the first bytes against the declared type) and chains the file's SHA-256 onto the timeline;
 * downloads through a short-lived presigned GET, logged like a reveal for the kinds that may hold personal data.
 */

export interface AttachmentPorts {
  cases: Pick<CaseRepository, 'get'>;
  grids: WorkerGrids;
  attachments: AttachmentRepository;
  store: EvidenceStore;
  privacy: Pick<PrivacyRepository, 'appendReveal'>;
  mac: MacFunction;
}

/** Concurrent uploads or timeline events can take the lock or the head first: each write tries again this often. */
const RETRIES = 3;

/**
 * The case, if the caller may add or read its evidence: staff who see it, and its petitioner for a petition they filed
 * online (a case registered at the window and claimed later holds what the window scanned, not theirs to add to).
 */
export async function loadEvidenceCase(
  ports: Pick<AttachmentPorts, 'cases' | 'grids'>,
  principal: Principal,
  caseId: string,
): Promise<CaseRecord> {
  const record = await loadVisibleCase(ports, principal, caseId);
  if (principal.kind === 'petitioner' && record.channel !== 'online')
    throw new ForbiddenError('attachments-online-only');
  return record;
}

interface UploadDeclaration {
  kind: AttachmentKind;
  contentType: AttachmentContentType;
  size: number;
  sha256: string;
}

/** A new attachment id: time-ordered, then random; `seed` (from an Idempotency-Key) makes a retry name the same one. */
export const attachmentId = (now: Date, seed?: string): string =>
  `a${now.getTime().toString(36)}${seed ?? randomBytes(8).toString('hex')}`;

interface StartedUpload {
  attachment: Attachment;
  uploadUrl: string;
  uploadHeaders: Record<string, string>;
}

const presign = (store: EvidenceStore, attachment: Attachment) =>
  store.presignUpload({
    key: objectKey(attachment.town, attachment.caseId, attachment.id),
    contentType: attachment.contentType,
    size: attachment.size,
    sha256: attachment.sha256,
    seconds: ATTACHMENT_POLICY.uploadSeconds,
  });

/** A pending attachment and its presigned PUT, if the case has room for one more. */
export async function startUpload(
  ports: AttachmentPorts,
  record: CaseRecord,
  ctx: { principal: Principal; declared: UploadDeclaration; now: Date; id: string },
): Promise<StartedUpload> {
  if (record.personal?.state === 'erased') throw new RuleViolationError('already-erased');
  const { now } = ctx;
  const attachment: Attachment = {
    id: ctx.id,
    town: record.town,
    caseId: record.id,
    ...ctx.declared,
    status: 'pending',
    createdAt: now.toISOString(),
    createdBy: { id: ctx.principal.userId, role: primaryRole(ctx.principal) },
    expiresAt: Math.ceil(now.getTime() / 1000) + ATTACHMENT_POLICY.pendingHours * 3600,
  };
  for (let attempt = 0; attempt < RETRIES; attempt++) {
    const current = await ports.attachments.ofCase(record.town, record.id);
    if (countedAttachments(current.items, now) >= ATTACHMENT_POLICY.maxPerCase)
      throw new RuleViolationError('attachment-limit', { max: ATTACHMENT_POLICY.maxPerCase });
    if (await ports.attachments.create(record, attachment, current.lockSeq)) {
      const upload = await presign(ports.store, attachment);
      return { attachment, uploadUrl: upload.url, uploadHeaders: upload.headers };
    }
    // the case's data erased meanwhile, or another upload took the lock: read again
    const reread = await ports.cases.get(record.town, record.id);
    if (reread?.personal?.state === 'erased') throw new RuleViolationError('already-erased');
  }
  throw new ContentionError();
}

/** The presigned PUT of an upload started before (a retried request with the same Idempotency-Key). */
export async function presignAgain(ports: AttachmentPorts, record: CaseRecord, id: string) {
  const attachment = await ports.attachments.get(record.town, record.id, id);
  if (attachment?.status !== 'pending') return undefined;
  return presign(ports.store, attachment);
}

/** An attachment of the case that the caller may see: not found otherwise, like a case. */
async function attachmentOf(ports: AttachmentPorts, record: CaseRecord, id: string, now: Date) {
  const attachment = await ports.attachments.get(record.town, record.id, id);
  if (!attachment || isExpired(attachment, now)) throw new NotFoundError();
  return attachment;
}

const isExpired = (attachment: Attachment, now: Date) =>
  attachment.status === 'pending' && (attachment.expiresAt ?? 0) * 1000 <= now.getTime();

/**
 * Checks the stored object against the declaration; a file that is not the one declared is deleted with its record
 * (`upload-mismatch`), one that is gets `stored` with its SHA-256 on the timeline. Completing a stored file again
 * answers it as it is.
 */
export async function completeUpload(
  ports: AttachmentPorts,
  record: CaseRecord,
  ctx: { principal: Principal; id: string; now: Date },
): Promise<Attachment> {
  const attachment = await attachmentOf(ports, record, ctx.id, ctx.now);
  if (attachment.status === 'stored') return attachment;
  if (attachment.status === 'erased') throw new RuleViolationError('already-erased');
  const key = objectKey(record.town, record.id, attachment.id);
  const stored = await ports.store.inspect(key);
  const mismatch = uploadMismatch(attachment, stored);
  if (mismatch === 'missing') throw new RuleViolationError('upload-mismatch', { what: mismatch });
  if (mismatch || record.personal?.state === 'erased') {
    await ports.store.delete(key);
    await ports.attachments.remove(attachment);
    if (mismatch) throw new RuleViolationError('upload-mismatch', { what: mismatch });
    throw new RuleViolationError('already-erased');
  }
  const versionId = stored?.versionId;
  const done: Attachment = {
    ...attachment,
    status: 'stored',
    storedAt: ctx.now.toISOString(),
    ...(versionId ? { versionId } : {}),
  };
  delete done.expiresAt;
  // the tag goes first: a file stored must not be left to the pending uploads' lifecycle rule
  await ports.store.markStored(key, versionId);
  let current = record;
  for (let attempt = 0; attempt < RETRIES; attempt++) {
    const event = await chainEvent(
      current.timelineHead,
      {
        at: ctx.now.toISOString(),
        actor: { id: ctx.principal.userId, role: primaryRole(ctx.principal) },
        action: 'attachment-stored',
        attachment: {
          id: attachment.id,
          kind: attachment.kind,
          contentType: attachment.contentType,
          size: attachment.size,
          sha256: attachment.sha256,
        },
      },
      ports.mac,
    );
    if (await ports.attachments.store(current, done, event)) return done;
    const again = await ports.attachments.get(record.town, record.id, attachment.id);
    if (again?.status === 'stored') return again;
    const reread = await ports.cases.get(record.town, record.id);
    if (!reread || !again) throw new NotFoundError();
    current = reread;
  }
  throw new ContentionError();
}

/** What a list shows of each attachment: never where it is stored or who may fetch it. */
export const attachmentView = (attachment: Attachment) => ({
  id: attachment.id,
  kind: attachment.kind,
  contentType: attachment.contentType,
  size: attachment.size,
  sha256: attachment.sha256,
  status: attachment.status,
  createdAt: attachment.createdAt,
  ...(attachment.storedAt ? { storedAt: attachment.storedAt } : {}),
});

/** The case's attachments, pending ones that expired left out, oldest first. */
export async function listAttachments(ports: AttachmentPorts, record: CaseRecord, now: Date) {
  const { items } = await ports.attachments.ofCase(record.town, record.id);
  return items
    .filter((a) => !isExpired(a, now))
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id))
    .map(attachmentView);
}

export class PurposeRequiredError extends Error {}

/**
 * A short-lived presigned GET of a stored file. A kind that may hold personal data needs a purpose, and the download is
 * logged like a reveal before the link is made: a download that cannot be logged is not given.
 */
export async function downloadAttachment(
  ports: AttachmentPorts,
  record: CaseRecord,
  ctx: { principal: Principal; id: string; now: Date; purpose?: string | undefined },
): Promise<{ downloadUrl: string; expiresAt: string }> {
  const attachment = await attachmentOf(ports, record, ctx.id, ctx.now);
  if (attachment.status === 'erased') throw new RuleViolationError('already-erased');
  if (attachment.status !== 'stored') throw new RuleViolationError('upload-mismatch', { what: 'missing' });
  if (isLoggedDownload(attachment.kind)) {
    if (!ctx.purpose) throw new PurposeRequiredError();
    await ports.privacy.appendReveal(record.town, {
      at: ctx.now.toISOString(),
      caseId: record.id,
      caseNumber: record.number,
      actor: { id: ctx.principal.userId, role: primaryRole(ctx.principal) },
      attachment: { id: attachment.id, kind: attachment.kind },
      purpose: ctx.purpose,
    });
  }
  const seconds = ATTACHMENT_POLICY.downloadSeconds;
  const downloadUrl = await ports.store.presignDownload(
    objectKey(record.town, record.id, attachment.id),
    seconds,
    attachment.versionId,
  );
  return { downloadUrl, expiresAt: new Date(ctx.now.getTime() + seconds * 1000).toISOString() };
}
