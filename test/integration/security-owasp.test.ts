import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCasesHandler } from '../../lambdas/handlers/cases.js';
import type { ApiEvent } from '../../lambdas/http/api.js';
import { caseBody, createHarness, type Harness, validIdNumber } from '../support/harness.js';

/** The OWASP API Security Top 10 (2023) items that apply to this API, each refused where it should be. */

let h: Harness;
let clerk: string;
let caseId: string;
beforeAll(async () => {
  h = await createHarness({ now: new Date('2026-11-28T02:00:00Z') });
  clerk = await h.token('clerk', 'clerk-1');
  const created = await h.request('POST', '/v1/cases', {
    token: clerk,
    body: caseBody({ petitioners: [{ name: '张三', idNumber: validIdNumber(), phone: '13912345678' }] }),
  });
  caseId = created.body.id;
});
afterAll(() => h.close());

describe('API1:2023 Broken Object Level Authorization', () => {
  it('hides another town’s case and an unrelated handler’s, as not found', async () => {
    const otherTown = await h.token('leader', 'leader-b', 'town-b');
    const handler = await h.token('handler', 'handler-9');
    for (const token of [otherTown, handler]) {
      const read = await h.request('GET', `/v1/cases/${caseId}`, { token });
      expect(read.status).toBe(404);
      expect(read.text).not.toContain('拖欠工资');
    }
  });
});

describe('API2:2023 Broken Authentication', () => {
  it('refuses ID tokens, other clients, expired and not-yet-valid tokens', async () => {
    const idToken = await h.token('clerk', 'clerk-1', 'town-a', { extraClaims: { token_use: 'id' } });
    const read = await h.request('GET', `/v1/cases/${caseId}`, { token: idToken });
    expect(read.status).toBe(401);
    expect(read.headers.get('content-type')).toContain('application/problem+json');

    const otherClient = await h.token('clerk', 'clerk-1', 'town-a', { audience: 'another-app' });
    const expired = await h.token('clerk', 'clerk-1', 'town-a', { expiresInSeconds: -1 });
    const future = await h.token('clerk', 'clerk-1', 'town-a', {
      extraClaims: { nbf: Math.floor(Date.now() / 1000) + 3600 },
    });
    for (const token of [otherClient, expired, future]) {
      const refused = await h.request('GET', `/v1/cases/${caseId}`, { token });
      expect(refused.status).toBe(401);
      expect(refused.body).toEqual({ message: 'Unauthorized' });
    }
  });
});

describe('API3:2023 Broken Object Property Level Authorization', () => {
  it('refuses server-owned fields (mass assignment), each named', async () => {
    const owned = {
      status: 'closed',
      version: 9,
      firstTime: false,
      id: 'mine',
      petitionerUserId: 'x',
      deadlines: {},
    };
    const refused = await h.request('POST', '/v1/cases', { token: clerk, body: caseBody(owned) });
    expect(refused.status).toBe(400);
    expect(refused.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(
      Object.keys(owned).sort(),
    );
  });

  it('refuses prototype-pollution keys at any depth and pollutes nothing', async () => {
    for (const raw of [
      '{"__proto__":{"polluted":true}}',
      `{"kind":"petition","petitioners":[{"name":"a","constructor":{"prototype":{"polluted":true}}}]}`,
    ]) {
      const refused = await h.request('POST', '/v1/cases', {
        token: clerk,
        rawBody: raw,
        headers: { 'content-type': 'application/json' },
      });
      expect(refused.status).toBe(400);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('never returns an ID number or phone in the clear', async () => {
    const read = await h.request('GET', `/v1/cases/${caseId}`, { token: clerk });
    expect(read.text).not.toContain(validIdNumber());
    expect(read.text).not.toContain('13912345678');
  });
});

describe('API4:2023 Unrestricted Resource Consumption', () => {
  it('bounds bodies, pages, arrays and strings', async () => {
    const big = await h.request('POST', '/v1/cases', {
      token: clerk,
      body: caseBody({ description: 'x'.repeat(70_000) }),
    });
    expect(big.status).toBe(413);
    expect((await h.request('GET', '/v1/cases?limit=1000', { token: clerk })).status).toBe(400);
    const many = Array.from({ length: 51 }, (_, i) => ({ name: `p${i}` }));
    expect(
      (await h.request('POST', '/v1/cases', { token: clerk, body: caseBody({ petitioners: many }) })).status,
    ).toBe(400);
    expect(
      (await h.request('POST', '/v1/cases', { token: clerk, body: caseBody({ title: 't'.repeat(201) }) }))
        .status,
    ).toBe(400);
  });
});

describe('API5:2023 Broken Function Level Authorization', () => {
  it('refuses functions outside a role', async () => {
    const handler = await h.token('handler', 'handler-1');
    const petitioner = await h.token('petitioner', 'citizen-1');
    expect((await h.request('GET', '/v1/admin/policy', { token: clerk })).status).toBe(403);
    expect((await h.request('GET', '/v1/cases', { token: petitioner })).status).toBe(403);
    expect((await h.request('POST', '/v1/cases', { token: handler, body: caseBody() })).status).toBe(403);
    expect(
      (await h.request('GET', '/v1/audit/reveals?from=2026-11-01&to=2026-11-28', { token: clerk })).status,
    ).toBe(403);
  });
});

describe('API6:2023 Unrestricted Access to Sensitive Business Flows', () => {
  it('slows down whoever guesses query codes', async () => {
    let last = await h.request('GET', '/v1/public/track/0000-0000-0000');
    for (let i = 0; i < 10; i++) last = await h.request('GET', `/v1/public/track/0000-0000-00${10 + i}`);
    expect(last.status).toBe(429);
    expect(last.headers.get('retry-after')).toMatch(/^\d+$/);
  });
});

describe('API8:2023 Security Misconfiguration', () => {
  it('answers an internal failure with a 500 that says nothing of its cause', async () => {
    const broken = createCasesHandler({ ...h.deps, tables: { ...h.tables, cases: 'no-such-table' } });
    const event = {
      version: '2.0',
      routeKey: 'GET /v1/cases/{id}',
      rawPath: `/v1/cases/${caseId}`,
      headers: {},
      pathParameters: { id: caseId },
      requestContext: {
        http: { method: 'GET', path: `/v1/cases/${caseId}`, sourceIp: '127.0.0.1' },
        authorizer: {
          jwt: { claims: { sub: 'clerk-1', 'custom:town': 'town-a', 'cognito:groups': '[clerk]' } },
        },
      },
      isBase64Encoded: false,
    } as unknown as ApiEvent;
    const result = await broken(event, { getRemainingTimeInMillis: () => 1000 } as unknown as Context);
    expect(result.statusCode).toBe(500);
    expect(result.body).not.toMatch(/no-such-table|ResourceNotFound|stack|at /i);
    expect(JSON.parse(result.body ?? '{}').type).toBe('/problems/internal');
  });
});

describe('API9:2023 Improper Inventory Management', () => {
  it('serves nothing the OpenAPI document does not list', async () => {
    const doc = await h.request('GET', '/v1/openapi.json');
    expect(doc.body.paths['/v1/debug']).toBeUndefined();
    expect((await h.request('GET', '/v1/debug', { token: clerk })).status).toBe(404);
    expect((await h.request('GET', '/v2/cases', { token: clerk })).status).toBe(404);
  });
});
