import { describe, expect, it } from 'vitest';
import { createApiHandler } from '../../lambdas/http/api.js';

const ok = { handle: async () => ({ status: 200, body: {} }) };

describe('a family without an idempotency layer', () => {
  it('is refused at start when a signed-in caller’s POST would take an Idempotency-Key', () => {
    expect(() => createApiHandler({ family: 'probe', deps: {}, routes: { 'POST /v1/things': ok } })).toThrow(
      /POST \/v1\/things takes an Idempotency-Key/,
    );
  });

  it('is allowed when its POSTs opt out, are public, or it serves GETs only', () => {
    for (const routes of [
      { 'GET /v1/things': ok },
      { 'POST /v1/things': { ...ok, idempotent: false as const } },
      { 'POST /v1/things': { ...ok, authorized: false } },
    ])
      expect(typeof createApiHandler({ family: 'probe', deps: {}, routes })).toBe('function');
  });
});
