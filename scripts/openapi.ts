import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import openapiTS, { astToString, COMMENT_HEADER, type OpenAPI3 } from 'openapi-typescript';
import { openApiDocument } from '../lambdas/openapi/document.js';

/**
 * The served OpenAPI document, out of the service: `--write <file>` writes it for the linters, `--client` writes the
 * typed client's types (`client/schema.d.ts`) as openapi-typescript makes them from it.
 */

const ROOT = resolve(import.meta.dirname, '..');
export const CLIENT_TYPES = resolve(ROOT, 'client/schema.d.ts');

/** Formatted as biome formats the rest, so that `npm run lint` holds the generated file too. */
function formatted(text: string): string {
  const biome = spawnSync(
    resolve(ROOT, 'node_modules/.bin/biome'),
    ['format', `--stdin-file-path=${CLIENT_TYPES}`],
    {
      cwd: ROOT,
      input: text,
      encoding: 'utf8',
    },
  );
  if (biome.status !== 0) throw new Error(`biome could not format the client's types: ${biome.stderr}`);
  return biome.stdout;
}

/** The client's types, from the document as the API serves it now. */
export async function clientTypes(): Promise<string> {
  const nodes = await openapiTS(openApiDocument() as unknown as OpenAPI3, { silent: true });
  const note =
    '// Regenerate with `npm run client:generate`; a test fails while this file and the document differ.';
  return formatted(`${COMMENT_HEADER}${note}\n\n${astToString(nodes)}`);
}

const write = (file: string, text: string) => {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
};

async function main(args: readonly string[]): Promise<void> {
  const at = args.indexOf('--write');
  const file = at >= 0 ? args[at + 1] : undefined;
  if (at >= 0 && !file) throw new Error('--write needs a file');
  if (file) write(resolve(file), `${JSON.stringify(openApiDocument(), null, 2)}\n`);
  if (args.includes('--client')) write(CLIENT_TYPES, await clientTypes());
  if (!file && !args.includes('--client'))
    throw new Error('usage: tsx scripts/openapi.ts [--write <file>] [--client]');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href)
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error((error as Error).message);
    process.exit(2);
  });
