import { CaseRepository } from '../adapters/case-repository.js';
import { type Deps, depsFromEnv } from '../adapters/deps.js';
import { casesTableAnswers } from '../adapters/health.js';
import { MinuteLimiter } from '../adapters/minute-limiter.js';
import { logger } from '../adapters/observability.js';
import { readPackagedDocument } from '../adapters/packaged-document.js';
import { catalog } from '../domain/catalog.js';
import { trackingView } from '../domain/citizen.js';
import { NotFoundError } from '../domain/errors.js';
import { createApiHandler, lazyHandler } from '../http/api.js';
import { HttpProblem, throttledProblem } from '../http/problem.js';
import { lookUpQueryCode } from '../usecases/query-code.js';

/**
 * The public family's routes. `openApiDocument` gives the document `GET /v1/openapi.json` serves, called on its first
 * request and kept (a call that throws is tried again on the next): the deployed function reads the file the stack
 * built at synth (lambdas/adapters/packaged-document.ts), so its bundle holds neither the document's builder nor the
 * schemas' JSON Schema conversion; the local host and the tests build it from lambdas/openapi/document.ts.
 */
export function createPublicHandler(deps: Deps, options: { openApiDocument: () => unknown }) {
  let document: unknown;
  const cases = new CaseRepository(deps.db, deps.tables.cases);
  const limiter = new MinuteLimiter(deps.db, deps.tables.cases);

  return createApiHandler({
    family: 'public',
    deps,
    routes: {
      'GET /v1/health': {
        authorized: false,
        // one cheap real read: the function is healthy only if its table answers
        async handle() {
          const probe = await casesTableAnswers(deps.db, deps.tables.cases);
          if (!probe.ok) {
            logger.warn('health check failed', { cause: probe.cause });
            throw new HttpProblem('unavailable', (m) => m.detail['database-down'], {
              headers: { 'retry-after': '1', 'cache-control': 'no-store' },
            });
          }
          return { status: 200, body: { status: 'ok' }, headers: { 'cache-control': 'no-store' } };
        },
      },
      'GET /v1/openapi.json': {
        authorized: false,
        handle: async () => {
          document ??= options.openApiDocument();
          return { status: 200, body: document };
        },
      },
      'GET /v1/catalog': { handle: async () => ({ status: 200, body: catalog() }) },
      'GET /v1/public/track/{queryCode}': {
        authorized: false,
        async handle(request) {
          const lookup = await lookUpQueryCode(
            { cases, limiter, mac: deps.mac },
            request.params.queryCode ?? '',
            request.event.requestContext.http.sourceIp,
            deps.now(),
          );
          if ('retryAfter' in lookup) throw throttledProblem(lookup.retryAfter);
          if ('missing' in lookup) throw new NotFoundError();
          const record = lookup.found;
          const events = await cases.timeline(record.town, record.id);
          return {
            status: 200,
            body: trackingView(record, events, request.language),
            headers: {
              'cache-control': 'no-store',
              'content-language': request.language === 'en' ? 'en' : 'zh-CN',
              vary: 'accept-language',
            },
          };
        },
      },
    },
  });
}

export const handler = lazyHandler(() =>
  createPublicHandler(depsFromEnv(), { openApiDocument: () => readPackagedDocument() }),
);
