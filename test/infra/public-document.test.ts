import { existsSync, readFileSync } from 'node:fs';
import { App, AssetStaging, Stack } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { beforeAll, describe, expect, it } from 'vitest';
import { openApiDocument } from '../../lambdas/openapi/document.js';
import { HandlerFunction, packagedDocumentHooks } from '../../lib/constructs/functions.js';
import { Logs } from '../../lib/constructs/logs.js';

/**
 * The public function serves the OpenAPI document from `openapi.json`, which the stack builds at synth and packages
 * beside the bundle (lib/constructs/functions.ts); the bundle itself holds neither the document's builder nor zod's
 * JSON Schema conversion. The function is bundled for real, alone in a small stack.
 */

const HOOK_TIMEOUT = 120_000;

/** The public function as the stack builds it, bundled (no `aws:cdk:bundling-stacks: []`). */
function bundledFunction(family: string): { staged: string } {
  const stack = new Stack(new App(), 'PublicDocument');
  const logs = new Logs(stack, 'Logs', { retention: RetentionDays.ONE_WEEK });
  const fn = new HandlerFunction(stack, 'Fn', { handler: family, description: family, logs });
  const staging = fn.fn.node.findChild('Code').node.findChild('Stage');
  if (!(staging instanceof AssetStaging)) throw new Error('no staged asset');
  return { staged: staging.absoluteStagedPath };
}

describe('the public function’s asset', () => {
  let staged: string;
  beforeAll(() => {
    staged = bundledFunction('public').staged;
  }, HOOK_TIMEOUT);

  it('holds openapi.json beside index.mjs: the document the local host and the tests serve', () => {
    const packaged: unknown = JSON.parse(readFileSync(`${staged}/openapi.json`, 'utf8'));
    expect(packaged).toEqual(openApiDocument());
  });

  it('bundles neither the document’s builder nor the JSON Schema conversion', () => {
    const code = readFileSync(`${staged}/index.mjs`, 'utf8');
    // a guard that the file read is the bundle: the route is still served from it
    expect(code.includes('/v1/openapi.json'), 'the route is in the bundle').toBe(true);
    // an operation's description, written only in lambdas/openapi/document.ts
    expect(code.includes('The service is up and its table answers'), 'the builder is in the bundle').toBe(
      false,
    );
    // the dialect zod's toJSONSchema names in every schema it makes
    expect(code.includes('json-schema.org/draft/2020-12'), 'the conversion is in the bundle').toBe(false);
  });
});

describe('the other functions’ assets', () => {
  it(
    'hold no document',
    () => {
      const { staged } = bundledFunction('meetings');
      expect(existsSync(`${staged}/index.mjs`)).toBe(true);
      expect(existsSync(`${staged}/openapi.json`)).toBe(false);
    },
    HOOK_TIMEOUT,
  );
});

describe('the hook CDK also calls for the Docker command, in every synth', () => {
  it('builds nothing there and fails Docker bundling rather than ship the function without the document', () => {
    const commands = packagedDocumentHooks.afterBundling(
      AssetStaging.BUNDLING_INPUT_DIR,
      AssetStaging.BUNDLING_OUTPUT_DIR,
    );
    expect(commands.at(-1)).toBe('exit 1');
    expect(commands.join(' ')).not.toContain('cp ');
  });
});
