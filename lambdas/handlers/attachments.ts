import { AttachmentRepository } from '../adapters/attachment-repository.js';
import { CaseRepository } from '../adapters/case-repository.js';
import { type Deps, depsFromEnv } from '../adapters/deps.js';
import { type EvidenceStore, withEvidence } from '../adapters/evidence-store.js';
import { GridRepository } from '../adapters/grid-repository.js';
import { logger } from '../adapters/observability.js';
import { PrivacyRepository } from '../adapters/privacy-repository.js';
import { type ApiRequest, createApiHandler, lazyHandler } from '../http/api.js';
import { downloadQuery, startUploadBody } from '../http/attachment-schemas.js';
import { idempotencyLayer } from '../http/idempotency.js';
import { fieldProblem } from '../http/problem.js';
import { parseWith } from '../http/validation.js';
import {
  type AttachmentPorts,
  attachmentId,
  attachmentView,
  completeUpload,
  downloadAttachment,
  listAttachments,
  loadEvidenceCase,
  PurposeRequiredError,
  presignAgain,
  startUpload,
} from '../usecases/attachments.js';

/** With an Idempotency-Key, the attachment's id comes from it, so a retry presigns the same upload again. */
const seedOf = async (ports: AttachmentPorts, request: ApiRequest): Promise<string | undefined> => {
  const key = request.header('idempotency-key');
  if (!key) return undefined;
  const { town, userId } = request.principal;
  const mac = await ports.mac(`attachment\n${town}\n${request.params.id ?? ''}\n${userId}\n${key}`);
  return mac.slice(0, 24);
};

/** A host that runs no S3 (a benchmark, a screenshot run) still builds every family; this one then answers 500. */
const fail = (): never => {
  throw new Error('no evidence store: EVIDENCE_BUCKET is not set');
};
const unconfigured: EvidenceStore = {
  presignUpload: fail,
  presignDownload: fail,
  inspect: fail,
  markStored: fail,
  delete: fail,
  deleteAll: fail,
};

/** Evidence on a case: uploads straight to the bucket, their check, the list and downloads. */
export function createAttachmentsHandler(deps: Deps) {
  const evidence = deps.evidence ?? unconfigured;
  const ports: AttachmentPorts = {
    cases: new CaseRepository(deps.db, deps.tables.cases),
    grids: new GridRepository(deps.db, deps.tables.grids),
    attachments: new AttachmentRepository(deps.db, deps.tables.cases),
    store: evidence,
    privacy: new PrivacyRepository(deps.db, deps.tables.cases),
    mac: deps.mac,
  };
  const load = (request: ApiRequest) => loadEvidenceCase(ports, request.principal, request.params.id ?? '');

  return createApiHandler({
    family: 'attachments',
    deps,
    idempotency: idempotencyLayer('attachments', deps),
    routes: {
      'POST /v1/cases/{id}/attachments': {
        async handle(request) {
          const record = await load(request);
          const declared = request.body(startUploadBody);
          const now = deps.now();
          const seed = await seedOf(ports, request);
          const started = await startUpload(ports, record, {
            principal: request.principal,
            declared,
            now,
            id: seed ? `a${seed}` : attachmentId(now),
          });
          logger.info('attachment upload started', {
            caseId: record.id,
            attachmentId: started.attachment.id,
          });
          return {
            status: 201,
            body: { id: started.attachment.id, uploadHeaders: started.uploadHeaders },
            // a presigned link is a capability: the idempotency store keeps the answer without it
            secret: { uploadUrl: started.uploadUrl },
            headers: { 'cache-control': 'no-store' },
          };
        },
        async replaySecret(request): Promise<Record<string, string>> {
          const seed = await seedOf(ports, request);
          const record = await load(request);
          const upload = seed ? await presignAgain(ports, record, `a${seed}`) : undefined;
          return upload ? { uploadUrl: upload.url } : {};
        },
      },
      'GET /v1/cases/{id}/attachments': {
        async handle(request) {
          const record = await load(request);
          return { status: 200, body: { items: await listAttachments(ports, record, deps.now()) } };
        },
      },
      'POST /v1/cases/{id}/attachments/{attachmentId}/complete': {
        async handle(request) {
          const record = await load(request);
          const stored = await completeUpload(ports, record, {
            principal: request.principal,
            id: request.params.attachmentId ?? '',
            now: deps.now(),
          });
          logger.info('attachment stored', { caseId: record.id, attachmentId: stored.id });
          return { status: 200, body: attachmentView(stored) };
        },
      },
      'GET /v1/cases/{id}/attachments/{attachmentId}': {
        async handle(request) {
          const record = await load(request);
          const query = parseWith(downloadQuery, request.query, request.language);
          try {
            const download = await downloadAttachment(ports, record, {
              principal: request.principal,
              id: request.params.attachmentId ?? '',
              now: deps.now(),
              purpose: query.purpose,
            });
            return { status: 200, body: download, headers: { 'cache-control': 'no-store' } };
          } catch (error) {
            if (error instanceof PurposeRequiredError) throw fieldProblem('purpose', (m) => m.field.required);
            throw error;
          }
        },
      },
    },
  });
}

export const handler = lazyHandler(() => createAttachmentsHandler(withEvidence(depsFromEnv())));
