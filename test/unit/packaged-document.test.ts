import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { readPackagedDocument } from '../../lambdas/adapters/packaged-document.js';

/** The public function's reader of the document the stack packages beside its bundle. */

const dir = mkdtempSync(join(tmpdir(), 'packaged-document-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const fileAt = (name: string, text?: string) => {
  const file = join(dir, name);
  if (text !== undefined) writeFileSync(file, text);
  return { file, url: pathToFileURL(file) };
};

describe('readPackagedDocument', () => {
  it('reads and parses the file', () => {
    const document = {
      openapi: '3.1.0',
      info: { title: 'Fengqiao', version: '1' },
      paths: { '/v1/health': {} },
    };
    const { url } = fileAt('openapi.json', JSON.stringify(document));
    expect(readPackagedDocument(url)).toEqual(document);
  });

  it('throws an Error naming a missing file', () => {
    const { file, url } = fileAt('missing.json');
    expect(() => readPackagedDocument(url)).toThrow(Error);
    expect(() => readPackagedDocument(url)).toThrow(file);
  });

  it('throws an Error naming a file that is not JSON', () => {
    const { file, url } = fileAt('truncated.json', '{"openapi": "3.1');
    expect(() => readPackagedDocument(url)).toThrow(`${file} is not JSON`);
  });

  it('reads openapi.json beside the module by default (in Lambda, beside index.mjs)', () => {
    // no such file beside the adapter's source: the error names where it looked
    expect(() => readPackagedDocument()).toThrow(join('lambdas', 'adapters', 'openapi.json'));
  });
});
