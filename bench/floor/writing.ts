/**
 * The floor of a writing function: one POST on the HTTP layer every family shares (middy, the Powertools logger and
 * metrics, problem+json, zod/mini validation, the message catalogues) and the idempotency layer the writing families
 * wrap it in, with nothing of any family's own. The bench builds and times it beside the deployed functions to show
 * what no family can go below while it keeps that layer.
 */
import * as z from 'zod/mini';
import { depsFromEnv } from '../../lambdas/adapters/deps.js';
import { createApiHandler, lazyHandler } from '../../lambdas/http/api.js';
import { idempotencyLayer } from '../../lambdas/http/idempotency.js';

const noteBody = z.strictObject({ note: z.string().check(z.minLength(1), z.maxLength(100)) });

export const handler = lazyHandler(() => {
  const deps = depsFromEnv();
  return createApiHandler({
    family: 'floor-writing',
    deps,
    idempotency: idempotencyLayer('floor-writing', deps),
    routes: {
      'POST /v1/floor': { handle: async (request) => ({ status: 201, body: request.body(noteBody) }) },
    },
  });
});
