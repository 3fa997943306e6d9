import type { CaseRepository } from '../adapters/case-repository.js';
import type { MinuteLimiter } from '../adapters/minute-limiter.js';
import type { CaseRecord } from '../domain/case.js';
import { normaliseQueryCode, queryCodeMacInput } from '../domain/citizen.js';
import type { MacFunction } from '../domain/timeline.js';

type QueryCodeLookup = { found: CaseRecord } | { missing: true } | { retryAfter: number };

/**
 * Finds a case by its query code. A malformed code and an unknown one are the same miss; a client that misses too
 * often is told to wait, before anything is looked up: each lookup reserves a miss and a hit gives it back.
 */
export async function lookUpQueryCode(
  deps: { cases: CaseRepository; limiter: MinuteLimiter; mac: MacFunction },
  raw: string,
  client: string,
  now: Date,
): Promise<QueryCodeLookup> {
  const retryAfter = await deps.limiter.reserve(client, now);
  if (retryAfter > 0) return { retryAfter };
  const normalised = normaliseQueryCode(raw);
  const found = normalised
    ? await deps.cases.findByQueryCode(await deps.mac(queryCodeMacInput(normalised)))
    : undefined;
  if (!found) return { missing: true };
  await deps.limiter.release(client, now);
  return { found };
}
