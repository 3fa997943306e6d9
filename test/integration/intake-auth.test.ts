import { generateKeyPair, type JWTHeaderParameters, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GridRepository } from '../../lambdas/adapters/grid-repository.js';
import { childPath } from '../../lambdas/domain/grid.js';
import type { ApiResult } from '../../lambdas/http/api.js';
import { LOCAL_AUDIENCE, LOCAL_ISSUER } from '../../lambdas/local/identity.js';
import { caseBody, createHarness, type Harness, type TestResponse } from '../support/harness.js';

/** Who may call what: the gateway's own 401s, the function's 401/403/404, and the scope of each role. */

let h: Harness;
let clerkToken: string;
/** A grid of town-a with one grid worker assigned: grid workers register only in their own grids. */
const GRID = 'g-east';
beforeAll(async () => {
  h = await createHarness();
  clerkToken = await h.token('clerk', 'clerk-1');
  const grids = new GridRepository(h.deps.db, h.tables.grids);
  const at = new Date().toISOString();
  for (const id of [GRID, 'g-west'])
    await grids.create({
      id,
      town: 'town-a',
      name: id,
      level: 'comprehensive',
      path: childPath(undefined, id),
      createdAt: at,
      updatedAt: at,
    });
  await grids.assignWorker('town-a', GRID, 'grid_worker-1', at);
});
afterAll(() => h.close());

const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
const decodePart = (part: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));

const validClaims = (sub: string) => ({
  sub,
  'cognito:groups': ['clerk'],
  'custom:town': 'town-a',
  token_use: 'access',
  client_id: LOCAL_AUDIENCE,
  iss: LOCAL_ISSUER,
  aud: LOCAL_AUDIENCE,
  iat: Math.floor(Date.now() / 1000),
  exp: Math.floor(Date.now() / 1000) + 3600,
});

function expectGatewayUnauthorized(response: TestResponse) {
  expect(response.status).toBe(401);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  expect(response.body).toEqual({ message: 'Unauthorized' });
}

function expectProblem(response: TestResponse, status: number, type: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(response.body.type).toBe(`/problems/${type}`);
}

function expectInvokeProblem(result: ApiResult, status: number, type: string) {
  expect(result.statusCode).toBe(status);
  expect(String(result.headers?.['content-type'])).toMatch(/^application\/problem\+json/);
  const body = JSON.parse(result.body ?? '');
  expect(body.type).toBe(`/problems/${type}`);
  expect(body.status).toBe(status);
}

/** Signed with the local host's own key: refused, if at all, for what the header or the claims say. */
const signedLocally = (
  header: Partial<JWTHeaderParameters>,
  claims: Record<string, unknown> = validClaims('intruder'),
) => new SignJWT(claims).setProtectedHeader({ alg: 'RS256', typ: 'JWT', ...header }).sign(h.keys.privateKey);

const register = async (token: string, overrides: Record<string, unknown> = {}) => {
  const response = await h.request('POST', '/v1/cases', { token, body: caseBody(overrides) });
  expect(response.status).toBe(201);
  return response.body as { id: string; number: string };
};

describe('tokens the gateway refuses', () => {
  const badTokens: [string, () => Promise<string | undefined>][] = [
    ['no token', async () => undefined],
    [
      'a token signed by another key',
      async () => {
        const { privateKey } = await generateKeyPair('RS256');
        return new SignJWT({ 'cognito:groups': ['clerk'], 'custom:town': 'town-a', token_use: 'access' })
          .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
          .setSubject('intruder')
          .setIssuer(LOCAL_ISSUER)
          .setAudience(LOCAL_AUDIENCE)
          .setIssuedAt()
          .setExpirationTime('1h')
          .sign(privateKey);
      },
    ],
    ['an expired token', () => h.token('clerk', 'clerk-1', 'town-a', { expiresInSeconds: -10 })],
    [
      'an unsigned token (alg: none)',
      async () => `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(validClaims('intruder'))}.`,
    ],
    [
      'a token whose payload was edited',
      async () => {
        const [header, payload, signature] = (await h.token('clerk', 'clerk-1')).split('.');
        const edited = { ...decodePart(payload ?? ''), 'custom:town': 'town-b', 'cognito:groups': ['admin'] };
        return `${header}.${b64url(edited)}.${signature}`;
      },
    ],
    [
      "a token with another token's payload",
      async () => {
        const [header, , signature] = (await h.token('clerk', 'clerk-1')).split('.');
        const [, otherPayload] = (await h.token('supervisor', 'boss')).split('.');
        return `${header}.${otherPayload}.${signature}`;
      },
    ],
    ['a bearer that is not a JWT', async () => 'not-a-jwt'],
    // the gateway requires a kid that names a key of the issuer's key set, even when the signature would verify
    ['a token without a kid', () => signedLocally({})],
    ['a token whose kid names no key of the key set', () => signedLocally({ kid: 'some-other-key' })],
    [
      'a token issued in the future',
      () =>
        signedLocally(
          { kid: h.keys.kid },
          { ...validClaims('intruder'), iat: Math.floor(Date.now() / 1000) + 600 },
        ),
    ],
    // past the gateway's header quota: 401 with its body, not node's bare 431 (over 16 KiB) nor a pass
    ['a bearer of 20 KB', async () => 'a'.repeat(20_000)],
    [
      'a valid token made larger than the gateway allows',
      () => h.token('clerk', 'clerk-1', 'town-a', { extraClaims: { padding: 'x'.repeat(12_000) } }),
    ],
  ];

  it.each(badTokens)(
    '%s is 401 with the gateway body on GET and POST, and creates nothing',
    async (_name, make) => {
      const token = await make();
      expectGatewayUnauthorized(await h.request('GET', '/v1/cases', token ? { token } : {}));
      expectGatewayUnauthorized(await h.request('GET', '/v1/cases/some-id', token ? { token } : {}));
      expectGatewayUnauthorized(
        await h.request('POST', '/v1/cases', {
          ...(token ? { token } : {}),
          body: caseBody({ title: 'forged' }),
        }),
      );
      const list = await h.request('GET', '/v1/cases?limit=100', { token: clerkToken });
      expect(list.status).toBe(200);
      expect(list.body.items.filter((c: { title: string }) => c.title === 'forged')).toEqual([]);
    },
  );

  it('a valid token passes (control)', async () => {
    const response = await h.request('GET', '/v1/cases', { token: clerkToken });
    expect(response.status).toBe(200);
    expect(Array.isArray(response.body.items)).toBe(true);
  });

  it("a token made by hand with the key set's kid and iat now passes (control for the forgeries)", async () => {
    const token = await signedLocally({ kid: h.keys.kid }, validClaims('clerk-by-hand'));
    expect((await h.request('GET', '/v1/cases', { token })).status).toBe(200);
    // and just under the gateway's header quota, still a token
    const large = await h.token('clerk', 'clerk-1', 'town-a', {
      extraClaims: { padding: 'x'.repeat(6_000) },
    });
    expect((await h.request('GET', '/v1/cases', { token: large })).status).toBe(200);
  });
});

describe('claims the function refuses', () => {
  const get = (claims: Record<string, string>) => h.invoke('GET', '/v1/cases', claims);

  it('claims without custom:town are 401 problem+json', async () => {
    expectInvokeProblem(await get({ sub: 'u', 'cognito:groups': '[clerk]' }), 401, 'unauthorized');
    expectInvokeProblem(
      await get({ sub: 'u', 'custom:town': '', 'cognito:groups': '[clerk]' }),
      401,
      'unauthorized',
    );
  });

  it('a petitioner who also carries a staff group is 401 problem+json', async () => {
    expectInvokeProblem(
      await get({ sub: 'u', 'custom:town': 'town-a', 'cognito:groups': '[petitioner clerk]' }),
      401,
      'unauthorized',
    );
  });

  it('claims without a sub or without any known group are 401 problem+json', async () => {
    expectInvokeProblem(
      await get({ 'custom:town': 'town-a', 'cognito:groups': '[clerk]' }),
      401,
      'unauthorized',
    );
    expectInvokeProblem(
      await get({ sub: 'u', 'custom:town': 'town-a', 'cognito:groups': '[]' }),
      401,
      'unauthorized',
    );
    expectInvokeProblem(
      await get({ sub: 'u', 'custom:town': 'town-a', 'cognito:groups': '[janitor]' }),
      401,
      'unauthorized',
    );
  });

  it('a request with no authorizer context at all is 401 problem+json', async () => {
    expectInvokeProblem(await h.invoke('GET', '/v1/cases', undefined), 401, 'unauthorized');
  });

  it('the gateway form "[clerk leader]" grants both roles', async () => {
    const result = await h.invoke(
      'POST',
      '/v1/cases',
      { sub: 'two-hats', 'custom:town': 'town-a', 'cognito:groups': '[clerk leader]' },
      { body: JSON.stringify(caseBody()) },
    );
    expect(result.statusCode).toBe(201);
    // the strongest role is recorded, so `leader` was read as well as `clerk`
    expect(JSON.parse(result.body ?? '').registeredBy).toEqual({ id: 'two-hats', role: 'leader' });
  });

  it('several groups grant the union of their rights: admin cannot register, admin plus clerk can', async () => {
    const post = (groups: string) =>
      h.invoke(
        'POST',
        '/v1/cases',
        { sub: 'grid_worker-1', 'custom:town': 'town-a', 'cognito:groups': groups },
        { body: JSON.stringify(caseBody({ gridId: GRID })) },
      );
    expectInvokeProblem(await post('[admin]'), 403, 'forbidden');
    expect((await post('[admin clerk]')).statusCode).toBe(201);
    expect((await post('[handler grid_worker]')).statusCode).toBe(201);
  });

  it('a real token with two roles reaches the function as "[clerk leader]" and grants both', async () => {
    const token = await h.token(['clerk', 'leader'], 'two-hats-http');
    const response = await h.request('POST', '/v1/cases', { token, body: caseBody() });
    expect(response.status).toBe(201);
    expect(response.body.registeredBy).toEqual({ id: 'two-hats-http', role: 'leader' });
  });
});

describe('role matrix', () => {
  it.each(['clerk', 'grid_worker', 'leader', 'supervisor'])('%s may register a case (201)', async (role) => {
    const token = await h.token(role, `${role}-1`);
    const response = await h.request('POST', '/v1/cases', { token, body: caseBody({ gridId: GRID }) });
    expect(response.status).toBe(201);
    expect(response.body.registeredBy).toEqual({ id: `${role}-1`, role });
  });

  it('a grid worker registers only in a grid assigned to them', async () => {
    const token = await h.token('grid_worker', 'grid_worker-1');
    const elsewhere = await h.request('POST', '/v1/cases', { token, body: caseBody({ gridId: 'g-west' }) });
    expectProblem(elsewhere, 403, 'forbidden');
    const unassigned = await h.token('grid_worker', 'grid_worker-2');
    expectProblem(
      await h.request('POST', '/v1/cases', { token: unassigned, body: caseBody({ gridId: GRID }) }),
      403,
      'forbidden',
    );
  });

  it.each(['handler', 'admin', 'petitioner'])('%s may not register a case (403)', async (role) => {
    const token = await h.token(role, `${role}-1`);
    const response = await h.request('POST', '/v1/cases', { token, body: caseBody({ title: `by ${role}` }) });
    expectProblem(response, 403, 'forbidden');
    const list = await h.request('GET', '/v1/cases?limit=100', { token: clerkToken });
    expect(list.body.items.filter((c: { title: string }) => c.title === `by ${role}`)).toEqual([]);
  });

  it('403 comes before 413, 415 and 400 for a role that may not register', async () => {
    const token = await h.token('admin', 'admin-1');
    expectProblem(await h.request('POST', '/v1/cases', { token, body: { title: '' } }), 403, 'forbidden');
    expectProblem(
      await h.request('POST', '/v1/cases', { token, body: caseBody({ description: 'a'.repeat(70 * 1024) }) }),
      403,
      'forbidden',
    );
    expectProblem(
      await h.request('POST', '/v1/cases', {
        token,
        rawBody: 'hello',
        headers: { 'content-type': 'text/plain' },
      }),
      403,
      'forbidden',
    );
  });

  it('a petitioner may not list cases (403)', async () => {
    const token = await h.token('petitioner', 'citizen-1');
    expectProblem(await h.request('GET', '/v1/cases', { token }), 403, 'forbidden');
  });

  it('a petitioner may not list cases even with a bad query: 403 comes before 400', async () => {
    const token = await h.token('petitioner', 'citizen-1');
    expectProblem(await h.request('GET', '/v1/cases?limit=abc', { token }), 403, 'forbidden');
  });

  it('a petitioner may not read a staff case by id (404, nothing revealed)', async () => {
    const created = await register(clerkToken);
    const token = await h.token('petitioner', 'citizen-1');
    expectProblem(await h.request('GET', `/v1/cases/${created.id}`, { token }), 404, 'not-found');
  });
});

describe('visibility', () => {
  it("another town's case is 404, and missing from that town's list", async () => {
    const created = await register(clerkToken, { title: 'town-a only' });
    const other = await h.token('clerk', 'clerk-b', 'town-b');
    const read = await h.request('GET', `/v1/cases/${created.id}`, { token: other });
    expectProblem(read, 404, 'not-found');
    expect(read.text).not.toContain('town-a only');
    const list = await h.request('GET', '/v1/cases?limit=100', { token: other });
    expect(list.status).toBe(200);
    expect(list.body.items.map((c: { id: string }) => c.id)).not.toContain(created.id);
    // the same case is there for its own town
    expect((await h.request('GET', `/v1/cases/${created.id}`, { token: clerkToken })).status).toBe(200);
  });

  it('a case that does not exist is 404 like an invisible one', async () => {
    const read = await h.request('GET', '/v1/cases/no-such-case', { token: clerkToken });
    expectProblem(read, 404, 'not-found');
  });

  it('a handler sees only the cases assigned to them', async () => {
    const handler = await h.token('handler', 'handler-1');
    const unassigned = await register(clerkToken, { title: 'not yours' });
    expectProblem(await h.request('GET', `/v1/cases/${unassigned.id}`, { token: handler }), 404, 'not-found');
    const empty = await h.request('GET', '/v1/cases', { token: handler });
    expect(empty.status).toBe(200);
    expect(empty.body.items).toEqual([]);

    // control: a case accepted with the handler as assignee becomes visible to them, and to them alone
    const assigned = await register(clerkToken, { title: 'yours' });
    const accepted = await h.request('POST', `/v1/cases/${assigned.id}/accept`, {
      token: clerkToken,
      body: { track: 'immediate', assigneeId: 'handler-1' },
      headers: { 'if-match': '"1"' },
    });
    expect(accepted.status).toBe(200);
    const read = await h.request('GET', `/v1/cases/${assigned.id}`, { token: handler });
    expect(read.status).toBe(200);
    expect(read.body.assignee).toBe('handler-1');
    const list = await h.request('GET', '/v1/cases', { token: handler });
    expect(list.body.items.map((c: { id: string }) => c.id)).toEqual([assigned.id]);
    // another handler still sees nothing
    const otherHandler = await h.token('handler', 'handler-2');
    expectProblem(
      await h.request('GET', `/v1/cases/${assigned.id}`, { token: otherHandler }),
      404,
      'not-found',
    );
    expect((await h.request('GET', '/v1/cases', { token: otherHandler })).body.items).toEqual([]);
  });
});
