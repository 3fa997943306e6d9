import { randomBytes } from 'node:crypto';
import * as z from 'zod/mini';
import type { Open311Key, Open311Repository } from '../adapters/open311-repository.js';
import type { MacFunction } from '../domain/timeline.js';

/**
 * Open311 `api_key`s, one per client app, issued by a town's admin. The key is shown once and kept only as its keyed
 * hash, so a copy of the table gives no one a key; the key's id names the app on the timeline of what it filed.
 */

export const open311KeyBody = z.strictObject({
  name: z.string().check(z.trim(), z.minLength(1), z.maxLength(100)),
});
export const issuedKeySchema = z.object({ apiKey: z.string(), keyId: z.string() });
/** A key as the admin sees it afterwards: its id, the app's name and its history, never the key. */
export const keyListingSchema = z.object({
  keyId: z.string(),
  name: z.string(),
  issuedBy: z.string(),
  issuedAt: z.string(),
  revokedBy: z.optional(z.string()),
  revokedAt: z.optional(z.string()),
});
export const keyIdParam = z.strictObject({ keyId: z.string().check(z.regex(/^[\w-]{12}$/)) });

const API_KEY = /^[\w-]{43}$/;
const macInput = (apiKey: string): string => `open311-key\n${apiKey}`;

interface KeyDeps {
  repository: Open311Repository;
  mac: MacFunction;
}

export async function issueApiKey(
  deps: KeyDeps,
  input: { town: string; name: string; issuedBy: string; at: string },
): Promise<z.infer<typeof issuedKeySchema>> {
  const apiKey = randomBytes(32).toString('base64url');
  const keyId = randomBytes(9).toString('base64url');
  await deps.repository.putKey(
    await deps.mac(macInput(apiKey)),
    { keyId, town: input.town, name: input.name },
    input.issuedBy,
    input.at,
  );
  return { apiKey, keyId };
}

/** The key behind what a client sent; anything that cannot be a key is not looked up. */
export async function findApiKey(deps: KeyDeps, raw: string): Promise<Open311Key | undefined> {
  if (!API_KEY.test(raw)) return undefined;
  return deps.repository.findKey(await deps.mac(macInput(raw)));
}
