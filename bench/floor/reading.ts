/**
 * The floor of a reading function: one GET on the HTTP layer every family shares (middy, the Powertools logger and
 * metrics, problem+json, the message catalogues), without idempotency, with nothing of any family's own. See
 * ./writing.ts.
 */
import { depsFromEnv } from '../../lambdas/adapters/deps.js';
import { createApiHandler, lazyHandler } from '../../lambdas/http/api.js';

export const handler = lazyHandler(() =>
  createApiHandler({
    family: 'floor-reading',
    deps: depsFromEnv(),
    routes: { 'GET /v1/floor': { handle: async (request) => ({ status: 200, body: request.query }) } },
  }),
);
