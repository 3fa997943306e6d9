import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CLIENT_TYPES, clientTypes } from '../../scripts/openapi.js';

/** The committed client types are what openapi-typescript makes from the document the API serves now. */

describe('the typed client', () => {
  it('has the types of the current document (npm run client:generate makes them)', {
    timeout: 60_000,
  }, async () => {
    const committed = readFileSync(CLIENT_TYPES, 'utf8').split('\n');
    const generated = (await clientTypes()).split('\n');
    const differs = generated.findIndex((line, i) => line !== committed[i]);
    const first = differs >= 0 ? differs : generated.length < committed.length ? generated.length : -1;
    expect(
      first,
      `client/schema.d.ts differs from the document at line ${first + 1}: ` +
        `"${committed[first] ?? ''}" instead of "${generated[first] ?? ''}"; run npm run client:generate`,
    ).toBe(-1);
  });
});
