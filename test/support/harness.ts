import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Context } from 'aws-lambda';
import { inject } from 'vitest';
import { type KeyWrapper, localKeyWrapper, newLocalKeyRing } from '../../lambdas/adapters/data-keys.js';
import { type Deps, documentClient } from '../../lambdas/adapters/deps.js';
import { S3EvidenceStore } from '../../lambdas/adapters/evidence-store.js';
import type { FunctionFamily } from '../../lambdas/adapters/function-families.js';
import { localMac } from '../../lambdas/adapters/mac.js';
import { TablePublisher } from '../../lambdas/adapters/publisher.js';
import { tableNamesFor } from '../../lambdas/adapters/table-model.js';
import { makeValidIdNumber } from '../../lambdas/domain/id-number.js';
import type { ApiEvent, ApiResult } from '../../lambdas/http/api.js';
import { matchRoute, routeKey } from '../../lambdas/http/routes.js';
import { createFamilyHandlers, type FamilyHandler } from '../../lambdas/local/app.js';
import { ensureTables, localClient } from '../../lambdas/local/dynamo-local.js';
import { issueToken, loadOrCreateKeys, type TokenRequest } from '../../lambdas/local/identity.js';
import { ensureBucket, localS3Client } from '../../lambdas/local/s3-local.js';
import { createLocalServer } from '../../lambdas/local/server.js';
import type { AccessRecorder } from './access-recorder.js';

/**
 * A test town: its own tables in the shared DynamoDB Local, the local host on a free loopback port, a settable
 * clock, and helpers to mint tokens and call the API over real HTTP or straight through a handler.
 */

export interface TestResponse {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: tests read response bodies field by field
  body: any;
  text: string;
}

interface RequestOptions {
  token?: string;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
}

/** `dataKeys`: the data-key wrapper, when a test watches its calls; a random in-memory master key otherwise. */
/** One request to a host over real HTTP, the JSON answer parsed when there is one. */
export async function httpRequest(
  baseUrl: string,
  method: string,
  path: string,
  opts: RequestOptions = {},
): Promise<TestResponse> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: string | undefined = opts.rawBody;
  if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    ...(body !== undefined ? { body } : {}),
  });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: response.status, headers: response.headers, body: parsed, text };
}

/**
 * `recorder`: records what each function sends (DynamoDB commands, keyed hashes, data-key calls), attributed to the
 * family whose handler is running.
 */
export async function createHarness(
  options: { now?: Date; dataKeys?: KeyWrapper; recorder?: AccessRecorder; towns?: readonly string[] } = {},
) {
  const endpoint = inject('dynamoEndpoint');
  const client = localClient(endpoint);
  const tables = tableNamesFor(`t-${randomBytes(5).toString('hex')}`);
  await ensureTables(client, tables);
  // a bucket of the file's own in the run's loopback S3 server
  const s3 = localS3Client(inject('s3Endpoint'));
  const bucket = `t-${randomBytes(5).toString('hex')}`;
  await ensureBucket(s3, bucket);
  const store = new S3EvidenceStore(s3, bucket, false);
  let now = options.now ?? new Date();
  const db = documentClient(client);
  const { recorder } = options;
  const mac = localMac(randomBytes(32));
  const dataKeys = options.dataKeys ?? localKeyWrapper(newLocalKeyRing());
  const deps: Deps = {
    db,
    tables,
    now: () => now,
    mac: recorder ? recorder.mac(mac) : mac,
    dataKeys: recorder ? recorder.dataKeys(dataKeys) : dataKeys,
    publisher: new TablePublisher(db, tables.cases),
    settingsCacheMs: 0,
    evidence: recorder ? recorder.evidence(store) : store,
  };
  recorder?.attach(client, tables);
  const keys = await loadOrCreateKeys(undefined);
  const made = createFamilyHandlers(deps, options.towns ? { towns: options.towns } : {});
  const handlers = recorder
    ? (Object.fromEntries(
        (Object.entries(made) as [FunctionFamily, FamilyHandler][]).map(([family, handler]) => [
          family,
          recorder.serve(family, handler),
        ]),
      ) as typeof made)
    : made;
  const server = createLocalServer({ handlers, keys });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const token = (roles: string | string[], sub: string, town = 'town-a', extra: Partial<TokenRequest> = {}) =>
    issueToken(keys, { roles: Array.isArray(roles) ? roles : [roles], sub, town, ...extra });

  const request = (method: string, path: string, opts: RequestOptions = {}) =>
    httpRequest(baseUrl, method, path, opts);

  /** Calls a function directly with an API Gateway v2 event, the claims in the gateway's string form. */
  async function invoke(
    method: string,
    path: string,
    claims: Record<string, string> | undefined,
    opts: { body?: string; headers?: Record<string, string> } = {},
  ): Promise<ApiResult> {
    const match = matchRoute(method, path);
    if (!match) throw new Error(`no route ${method} ${path}`);
    const event = {
      version: '2.0',
      routeKey: routeKey(match.route),
      rawPath: path,
      rawQueryString: '',
      headers: { 'content-type': 'application/json', ...opts.headers },
      pathParameters: match.pathParameters,
      requestContext: {
        http: { method, path },
        routeKey: routeKey(match.route),
        requestId: randomBytes(8).toString('hex'),
        ...(claims ? { authorizer: { jwt: { claims, scopes: null } } } : {}),
      },
      ...(opts.body !== undefined ? { body: opts.body } : {}),
      isBase64Encoded: false,
    } as unknown as ApiEvent;
    const context = {
      functionName: `test-${match.route.family}`,
      awsRequestId: 'test',
      getRemainingTimeInMillis: () => 10_000,
    } as unknown as Context;
    return handlers[match.route.family](structuredClone(event), context);
  }

  return {
    deps,
    tables,
    /** The file's bucket in the loopback S3 server, and a client of it. */
    s3: { client: s3, bucket },
    /** The local identity provider's key pair, for tests that forge tokens with it. */
    keys,
    baseUrl,
    request,
    invoke,
    token,
    setNow: (at: Date | string) => {
      now = new Date(at);
    },
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

export type Harness = Awaited<ReturnType<typeof createHarness>>;

export const validIdNumber = (seq = 123, birth = '19800101') =>
  makeValidIdNumber('330681', birth, String(seq).padStart(3, '0'));

let bodies = 0;
/**
 * A petitioner of their own for each body, so that bodies a test does not mean to be repeats are not (a repeat of an
 * open case is refused at the window, Art 19): ID numbers of people born in the 1960s, which the tests' own numbers
 * (born 1980) never meet.
 */
export function uniqueIdNumber(): string {
  const n = bodies++;
  const birth = new Date(Date.UTC(1960, 0, 1) + Math.floor(n / 1000) * 24 * 60 * 60 * 1000);
  return validIdNumber(n % 1000, birth.toISOString().slice(0, 10).replaceAll('-', ''));
}

/** A valid registration body, of a petitioner of its own; override what a test is about. */
export const caseBody = (overrides: Record<string, unknown> = {}) => ({
  kind: 'petition',
  channel: 'visit',
  category: 'labor_wages',
  title: '拖欠工资',
  description: '工地拖欠三个月工资',
  petitioners: [{ name: '张三', idNumber: uniqueIdNumber(), phone: '13912345678' }],
  ...overrides,
});
