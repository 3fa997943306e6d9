import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The OpenAPI document as the stack packages it: `openapi.json` beside the running bundle (in Lambda /var/task/index.mjs,
 * so /var/task/openapi.json), written at synth from lambdas/openapi/document.ts (lib/constructs/functions.ts). `at` is
 * for tests. A missing, unreadable or malformed file throws an Error naming it.
 */
export function readPackagedDocument(at: URL = new URL('./openapi.json', import.meta.url)): unknown {
  const file = fileURLToPath(at);
  let text: string;
  try {
    text = readFileSync(at, 'utf8');
  } catch (error) {
    throw new Error(`the packaged OpenAPI document ${file} cannot be read: ${(error as Error).message}`, {
      cause: error,
    });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`the packaged OpenAPI document ${file} is not JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
