import { createServer, type Socket } from 'node:net';
import { Validator } from '@seriousme/openapi-schema-validator';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClient } from '../../lambdas/adapters/deps.js';
import { COMMAND_NAMES } from '../../lambdas/domain/lifecycle.js';
import { createPublicHandler } from '../../lambdas/handlers/public.js';
import type { ApiEvent } from '../../lambdas/http/api.js';
import { ROUTES } from '../../lambdas/http/routes.js';
import { freePort, localClient } from '../../lambdas/local/dynamo-local.js';
import { openApiDocument } from '../../lambdas/openapi/document.js';
import { createHarness, type Harness } from '../support/harness.js';

/** The routes anyone may call, the catalogue, and what the gateway answers for a path it does not know. */

/** The category codes of the contract, with their Chinese labels. */
const CONTRACT_CATEGORIES: Record<string, string> = {
  neighbor: '相邻权',
  marriage_family: '婚姻家庭',
  village_affairs: '村务管理',
  rural_construction: '农村建设',
  land_use: '土地经营',
  environment: '环境污染',
  land_requisition: '征地拆迁',
  labor_wages: '劳动工资',
  social_security: '社会保障',
  other: '其他',
};

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h.close());

describe('GET /v1/health', () => {
  it('is 200 {status: ok} without a token', async () => {
    const response = await h.request('GET', '/v1/health');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.body).toEqual({ status: 'ok' });
  });

  it('ignores a bad token, since no authorizer guards it', async () => {
    const response = await h.request('GET', '/v1/health', { token: 'garbage' });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok' });
  });

  /** The deployed function's health, over a table at `endpoint`. */
  const healthOver = async (endpoint: string) => {
    const handler = createPublicHandler(
      { ...h.deps, db: documentClient(localClient(endpoint)) },
      { openApiDocument },
    );
    const event = {
      version: '2.0',
      routeKey: 'GET /v1/health',
      rawPath: '/v1/health',
      rawQueryString: '',
      headers: {},
      requestContext: {
        http: { method: 'GET', path: '/v1/health' },
        routeKey: 'GET /v1/health',
        requestId: 'h',
      },
      isBase64Encoded: false,
    } as unknown as ApiEvent;
    const context = {
      functionName: 'test-public',
      getRemainingTimeInMillis: () => 10_000,
    } as unknown as Context;
    const started = Date.now();
    const result = await handler(event, context);
    return { result, ms: Date.now() - started };
  };

  const expectUnavailable = (result: Awaited<ReturnType<typeof healthOver>>['result']) => {
    expect(result.statusCode).toBe(503);
    expect(String(result.headers?.['content-type'])).toMatch(/^application\/problem\+json/);
    expect(result.headers?.['retry-after']).toBe('1');
    expect(JSON.parse(result.body ?? '')).toMatchObject({ type: '/problems/unavailable', status: 503 });
  };

  it('is 503 problem+json when its table refuses connections', async () => {
    const { result } = await healthOver(`http://127.0.0.1:${await freePort()}`);
    expectUnavailable(result);
  });

  it('is 503 problem+json within about a second when its table never answers', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((done) => silent.listen(0, '127.0.0.1', done));
    const address = silent.address();
    try {
      const { result, ms } = await healthOver(
        `http://127.0.0.1:${typeof address === 'object' && address?.port}`,
      );
      expectUnavailable(result);
      expect(ms).toBeLessThan(2_500);
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  });
});

describe('GET /v1/openapi.json', () => {
  it('is an OpenAPI 3.1.0 document without a token', async () => {
    const response = await h.request('GET', '/v1/openapi.json');
    expect(response.status).toBe(200);
    expect(response.body.openapi).toBe('3.1.0');
    expect(typeof response.body.info.title).toBe('string');
  });

  it('is valid against the OpenAPI 3.1 schema, and every $ref resolves', async () => {
    const { body } = await h.request('GET', '/v1/openapi.json');
    const validator = new Validator();
    // the validator resolves refs in place: it gets a copy
    const result = await validator.validate(structuredClone(body));
    expect(result.errors ?? [], JSON.stringify(result.errors)).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    expect(() => validator.resolveRefs()).not.toThrow();
    // named schemas are components, referred to from where they are used
    expect(JSON.stringify(body)).not.toContain('#/$defs/');
    expect(body.paths['/v1/cases/{id}'].get.responses['200'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/Case',
    });
    expect(Object.keys(body.components.schemas)).toEqual(expect.arrayContaining(['Case', 'Problem', 'Grid']));
    // answers without a body say their status
    expect(Object.keys(body.paths['/v1/grids/{id}/workers/{userId}'].delete.responses)).toContain('204');
    expect(Object.keys(body.paths['/open311/v2/requests.json'].post.responses)).toContain('201');
  });

  it('describes every route of the route table, and no other', async () => {
    const { body } = await h.request('GET', '/v1/openapi.json');
    // the command route is listed once per command, its path naming the command
    const paths = (route: (typeof ROUTES)[number]) =>
      route.path.endsWith('/{command}')
        ? COMMAND_NAMES.map((name) => route.path.replace('{command}', name))
        : [route.path];
    for (const route of ROUTES)
      for (const path of paths(route)) {
        const operation = body.paths[path]?.[route.method.toLowerCase()];
        expect(operation, `${route.method} ${path}`).toBeDefined();
        expect(operation.responses).toBeDefined();
        // routes without an authorizer say so; the others inherit the bearer requirement
        if (route.authorized) expect((operation.security ?? body.security).length).toBeGreaterThan(0);
        else expect(operation.security).toEqual([]);
      }
    const documented = Object.entries(body.paths as Record<string, Record<string, unknown>>).flatMap(
      ([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(documented.sort()).toEqual(
      ROUTES.flatMap((r) => paths(r).map((path) => `${r.method} ${path}`)).sort(),
    );
  });

  it('describes the registration body with its required fields and no extra ones', async () => {
    const { body } = await h.request('GET', '/v1/openapi.json');
    const schema = body.paths['/v1/cases'].post.requestBody.content['application/json'].schema;
    expect(schema.required).toEqual(
      expect.arrayContaining(['kind', 'channel', 'category', 'title', 'description', 'petitioners']),
    );
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(schema.properties)).not.toContain('status');
  });
});

describe('GET /v1/catalog', () => {
  // public tracking carries its own labels, so the catalogue stays for signed-in users, as the contract has it
  it('needs a token: 401 with the gateway body', async () => {
    const response = await h.request('GET', '/v1/catalog');
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ message: 'Unauthorized' });
  });

  it("has the contract's ten categories, each with zh and en", async () => {
    const token = await h.token('petitioner', 'citizen-1');
    const response = await h.request('GET', '/v1/catalog', { token });
    expect(response.status).toBe(200);
    const categories = response.body.categories as { code: string; zh: string; en: string }[];
    expect(categories.map((c) => c.code).sort()).toEqual(Object.keys(CONTRACT_CATEGORIES).sort());
    for (const category of categories) {
      expect(category.zh).toBe(CONTRACT_CATEGORIES[category.code]);
      expect(category.en).toMatch(/^[A-Za-z][A-Za-z ,'-]*$/);
    }
  });

  it('has the other lists of the contract, each entry {code, zh, en}', async () => {
    const token = await h.token('clerk', 'clerk-1');
    const { body } = await h.request('GET', '/v1/catalog', { token });
    for (const list of [
      'channels',
      'kinds',
      'types',
      'tracks',
      'statuses',
      'outcomes',
      'serviceLines',
      'ratings',
    ]) {
      expect(Array.isArray(body[list]), list).toBe(true);
      expect(body[list].length, list).toBeGreaterThan(0);
      for (const entry of body[list]) {
        expect(Object.keys(entry).sort()).toEqual(['code', 'en', 'zh']);
        expect(entry.zh).not.toBe('');
        expect(entry.en).not.toBe('');
      }
    }
    expect(body.statuses.map((s: { code: string }) => s.code)).toContain('registered');
  });
});

describe('unknown routes', () => {
  it.each([
    ['GET', '/v1/nothing-here'],
    ['GET', '/'],
    ['DELETE', '/v1/health'],
    ['GET', '/v1/cases/a/b/c'],
  ])('%s %s is 404 with the gateway body', async (method, path) => {
    const response = await h.request(method, path);
    expect(response.status).toBe(404);
    expect(response.body).toEqual({ message: 'Not Found' });
  });
});
