import { type Deps, depsFromEnv } from '../adapters/deps.js';
import { catalog } from '../domain/catalog.js';
import { createApiHandler, lazyHandler } from '../http/api.js';
import { openApiDocument } from '../http/openapi.js';

export function createPublicHandler(deps: Pick<Deps, 'db' | 'tables'>) {
  const document = openApiDocument();
  return createApiHandler({
    family: 'public',
    deps,
    routes: {
      'GET /v1/health': { authorized: false, handle: async () => ({ status: 200, body: { status: 'ok' } }) },
      'GET /v1/openapi.json': { authorized: false, handle: async () => ({ status: 200, body: document }) },
      'GET /v1/catalog': { handle: async () => ({ status: 200, body: catalog() }) },
    },
  });
}

export const handler = lazyHandler(() => createPublicHandler(depsFromEnv()));
