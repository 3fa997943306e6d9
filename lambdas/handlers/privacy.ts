import { AttachmentRepository } from '../adapters/attachment-repository.js';
import { CaseRepository } from '../adapters/case-repository.js';
import { DataKeyCache } from '../adapters/data-keys.js';
import { type Deps, depsFromEnv } from '../adapters/deps.js';
import { withEvidence } from '../adapters/evidence-store.js';
import { GridRepository } from '../adapters/grid-repository.js';
import { HelperRepository } from '../adapters/helper-repository.js';
import { logger } from '../adapters/observability.js';
import { PersonalVault } from '../adapters/personal-vault.js';
import { PrivacyRepository } from '../adapters/privacy-repository.js';
import { canSeeAccuserIdentity, mayReveal } from '../domain/access.js';
import { agreementView } from '../domain/agreement.js';
import { ForbiddenError, NotFoundError, StaleVersionError } from '../domain/errors.js';
import { HELPER_PHONE_FIELD } from '../domain/helper.js';
import { PERSONAL_FIELDS } from '../domain/personal.js';
import { primaryRole, STAFF_ROLES } from '../domain/roles.js';
import { AGREEMENT_PAGE_HEADERS, renderAgreementHtml } from '../http/agreement-html.js';
import { type ApiRequest, createApiHandler, lazyHandler, refuseIdempotencyKey } from '../http/api.js';
import { requireRole } from '../http/auth.js';
import { parseIfMatch, requireIfMatch } from '../http/command-schemas.js';
import { revealHelperBody } from '../http/helper-schemas.js';
import { prefersHtml } from '../http/html.js';
import { idempotencyLayer } from '../http/idempotency.js';
import { auditRangeQuery, eraseBody, revealBody } from '../http/privacy-schemas.js';
import { HttpProblem, type Say } from '../http/problem.js';
import { parseWith } from '../http/validation.js';
import { caseView } from '../http/views.js';
import { agreementForSigning, maskedParties } from '../usecases/agreement-page.js';
import { erasePersonalData } from '../usecases/erase-personal-data.js';
import { mayRecordMediation } from '../usecases/mediation-sessions.js';
import { revealPersonalData } from '../usecases/reveal-personal-data.js';
import { loadVisibleCase } from '../usecases/visible-case.js';

/** Who may reveal a helper's phone: those who put helpers on teams (leaders) and those who keep the directory. */
const HELPER_REVEALERS = ['leader', 'supervisor', 'admin'] as const;

/** An Idempotency-Key would have the idempotency layer keep the answer, clear values and all. */
const REVEAL_TAKES_NO_KEY: Say = (m) => m.detail['key-on-reveal'];

/** Petitioners' and helpers' personal data: reveals with a reason, the reveal log, and erasure. */
export function createPrivacyHandler(deps: Deps) {
  const cases = new CaseRepository(deps.db, deps.tables.cases);
  const grids = new GridRepository(deps.db, deps.tables.grids);
  const privacy = new PrivacyRepository(deps.db, deps.tables.cases);
  const vault = new PersonalVault(new DataKeyCache(deps.dataKeys));
  const helpers = new HelperRepository(deps.db, deps.tables.grids);
  const attachments = new AttachmentRepository(deps.db, deps.tables.cases);

  const load = (request: ApiRequest) =>
    loadVisibleCase({ cases, grids }, request.principal, request.params.id ?? '');
  const actorOf = (request: ApiRequest) => ({
    id: request.principal.userId,
    role: primaryRole(request.principal),
  });

  return createApiHandler({
    family: 'privacy',
    deps,
    idempotency: idempotencyLayer('privacy', deps),
    routes: {
      'POST /v1/cases/{id}/reveal': {
        idempotent: false,
        async handle(request) {
          const record = await load(request);
          if (!mayReveal(request.principal, record)) throw new ForbiddenError('reveal-not-allowed');
          refuseIdempotencyKey(request, REVEAL_TAKES_NO_KEY);
          const body = request.body(revealBody);
          const revealed = await revealPersonalData({ vault, privacy }, record, {
            actor: actorOf(request),
            fields: body.fields ?? PERSONAL_FIELDS,
            purpose: body.purpose,
            now: deps.now(),
          });
          logger.info('personal data revealed', { caseId: record.id, fields: revealed.fields });
          return { status: 200, body: revealed, headers: { 'cache-control': 'no-store' } };
        },
      },
      'GET /v1/cases/{id}/agreement': {
        async handle(request) {
          const record = await load(request);
          requireRole(request.principal, STAFF_ROLES);
          const language = request.language;
          if (!prefersHtml(request.header('accept')))
            return {
              status: 200,
              body: agreementView(record, maskedParties(record), language),
              headers: { vary: 'Accept, Accept-Language' },
            };
          // the page for signing names the parties in clear: the case's mediators and the clerks print it
          if (!mayRecordMediation(request.principal, record)) throw new ForbiddenError('mediators-only');
          if (record.type === 'accusation' && !canSeeAccuserIdentity(request.principal))
            throw new ForbiddenError('reveal-not-allowed');
          const page = await agreementForSigning({ vault, privacy, grids }, record, {
            actor: actorOf(request),
            now: deps.now(),
            language,
          });
          logger.info('agreement page printed', { caseId: record.id });
          return {
            status: 200,
            body: renderAgreementHtml(page.view, page.committee, language),
            headers: AGREEMENT_PAGE_HEADERS,
          };
        },
      },
      'POST /v1/helpers/{id}/reveal': {
        idempotent: false,
        async handle(request) {
          const town = request.principal.town;
          const helper = await helpers.get(town, request.params.id ?? '');
          if (!helper) throw new NotFoundError();
          requireRole(request.principal, HELPER_REVEALERS);
          refuseIdempotencyKey(request, REVEAL_TAKES_NO_KEY);
          const body = request.body(revealHelperBody);
          const opened =
            helper.personal?.state === 'sealed'
              ? await vault.openHelper(town, helper.id, helper.personal, [HELPER_PHONE_FIELD])
              : {};
          // a reveal that cannot be logged reveals nothing
          await privacy.appendReveal(town, {
            at: deps.now().toISOString(),
            helperId: helper.id,
            actor: actorOf(request),
            fields: ['phone'],
            purpose: body.purpose,
          });
          logger.info('helper contact revealed', { helperId: helper.id });
          const phone = opened[HELPER_PHONE_FIELD];
          return {
            status: 200,
            body: { id: helper.id, name: helper.name, ...(phone ? { phone } : {}) },
            headers: { 'cache-control': 'no-store' },
          };
        },
      },
      'GET /v1/audit/reveals': {
        async handle(request) {
          requireRole(request.principal, ['supervisor']);
          const query = parseWith(auditRangeQuery, request.query, request.language);
          const page = await privacy.reveals(
            request.principal.town,
            query.from,
            query.to,
            query.limit,
            query.cursor,
          );
          return { status: 200, body: page };
        },
      },
      'POST /v1/cases/{id}/erase': {
        async handle(request) {
          const record = await load(request);
          requireRole(request.principal, ['admin']);
          const raw = request.json();
          const ifMatch = requireIfMatch(request);
          const body = parseWith(eraseBody, raw, request.language);
          if (parseIfMatch(ifMatch) !== record.version) throw new StaleVersionError();
          const erasure = { cases, privacy, mac: deps.mac, attachments, evidence: deps.evidence };
          const erased = await erasePersonalData(erasure, record, {
            actor: actorOf(request),
            reason: body.reason,
            now: deps.now(),
            expectedVersion: record.version,
          });
          if (!erased) throw new HttpProblem('unavailable', undefined, { headers: { 'retry-after': '1' } });
          logger.info('personal data erased', { caseId: record.id });
          return {
            status: 200,
            body: caseView(erased, request.principal, request.language),
            headers: { etag: `"${erased.version}"` },
          };
        },
      },
    },
  });
}

export const handler = lazyHandler(() => createPrivacyHandler(withEvidence(depsFromEnv())));
