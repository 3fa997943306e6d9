import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, request as nodeRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  DynamoDBClient,
  InternalServerError,
  ProvisionedThroughputExceededException,
  RequestLimitExceeded,
  ThrottlingException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, ScanCommand, type ScanCommandOutput } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { inject } from 'vitest';
import { type Deps, documentClient } from '../../lambdas/adapters/deps.js';
import type { FunctionFamily } from '../../lambdas/adapters/function-families.js';
import type { Publisher } from '../../lambdas/adapters/publisher.js';
import type { TableNames } from '../../lambdas/adapters/table-model.js';
import type { CaseRecord } from '../../lambdas/domain/case.js';
import type { OutboxMessage } from '../../lambdas/domain/notification.js';
import type { TimelineEvent } from '../../lambdas/domain/timeline.js';
import type { ApiEvent, ApiResult } from '../../lambdas/http/api.js';
import { matchRoute, routeKey } from '../../lambdas/http/routes.js';
import { createFamilyHandlers, type FamilyHandler } from '../../lambdas/local/app.js';
import { localClient } from '../../lambdas/local/dynamo-local.js';
import { issueToken, type LocalKeys, loadOrCreateKeys } from '../../lambdas/local/identity.js';
import { createLocalServer } from '../../lambdas/local/server.js';
import { httpRequest } from './harness.js';

/**
 * Fault injection for the reliability tests, without mocking DynamoDB: a second SDK client over the same DynamoDB
 * Local whose middleware stack throws the SDK's own exception classes (or stalls, or lets the call through and then
 * fails), a stalling HTTP proxy in front of DynamoDB Local for real socket timeouts, a second local host built over the
 * faulty dependencies, a publisher that fails on demand, and a clean-eyed reader of what the tables hold afterwards.
 */

// ---------------------------------------------------------------------------------------------------------------
// Errors, as the SDK raises them

const meta = { $metadata: {} };

export const throughputExceeded = () =>
  new ProvisionedThroughputExceededException({
    message: 'Rate of requests exceeds the allowed throughput',
    ...meta,
  });
export const throttling = () => new ThrottlingException({ message: 'Rate exceeded', ...meta });
export const requestLimit = () =>
  new RequestLimitExceeded({ message: 'Throughput exceeds the current throughput limit', ...meta });
export const internalServerError = () =>
  new InternalServerError({ message: 'Internal server error (injected)', ...meta });

/** What @smithy/node-http-handler rejects with when a request outlives its `requestTimeout`. */
export const timeoutError = () =>
  Object.assign(
    new Error(
      '@smithy/node-http-handler - [ERROR] a request has exceeded the configured 1000 ms requestTimeout.',
    ),
    { name: 'TimeoutError', code: 'ETIMEDOUT' },
  );

/** A dropped connection, as node reports it. */
export const connectionReset = () =>
  Object.assign(new Error('socket hang up (injected)'), { name: 'Error', code: 'ECONNRESET' });

/** Any other failure: the function "dies" with an error nobody planned for. */
export const crash = () => new Error('segfault in the flux capacitor at /var/task/index.mjs:1:1 (injected)');

/** Every cancellation reason code DynamoDB documents for TransactWriteItems. */
export const CANCELLATION_CODES = [
  'None',
  'ConditionalCheckFailed',
  'ItemCollectionSizeLimitExceeded',
  'TransactionConflict',
  'ProvisionedThroughputExceeded',
  'ThrottlingError',
  'ValidationError',
] as const;
export type CancellationCode = (typeof CANCELLATION_CODES)[number];

/**
 * A TransactionCanceledException as DynamoDB reports it: one reason per action of the transaction, `code` at the
 * positions `at` picks (all of them by default) and `None` elsewhere.
 */
export function cancelled(
  code: CancellationCode,
  actions: number,
  at: (index: number) => boolean = () => true,
): TransactionCanceledException {
  const reasons = Array.from({ length: Math.max(1, actions) }, (_, i) =>
    at(i) && code !== 'None'
      ? { Code: code, Message: `${code} (injected)` }
      : { Code: 'None' as const, Message: undefined },
  );
  if (code === 'None') for (const r of reasons) r.Code = 'None';
  return new TransactionCanceledException({
    message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons
      .map((r) => r.Code)
      .join(', ')}]`,
    CancellationReasons: reasons,
    ...meta,
  });
}

// ---------------------------------------------------------------------------------------------------------------
// The injector

/** The low-level operation name, as the client command is called without `Command` (`TransactWriteItems`). */
type Operation =
  | 'GetItem'
  | 'PutItem'
  | 'UpdateItem'
  | 'DeleteItem'
  | 'Query'
  | 'Scan'
  | 'BatchGetItem'
  | 'BatchWriteItem'
  | 'TransactWriteItems'
  | 'TransactGetItems';

export interface CallInfo {
  operation: string;
  tables: string[];
  /** The command's input (marshalled or not, depending on where the middleware sits). */
  input: Record<string, unknown>;
}

interface FaultRule {
  /** Which operations it applies to; all of them when absent. */
  operations?: Operation[];
  /** Only calls that touch this table. */
  table?: string;
  /** Any further condition on the call. */
  when?: (call: CallInfo) => boolean;
  /** Let this many matching calls through before firing. */
  skip?: number;
  /** Fire at most this many times (default: every time). */
  times?: number;
  /**
   * `request`: the error surfaces as if the SDK had already given up retrying (it is thrown before the retry
   * middleware). `attempt`: thrown inside the SDK's retry loop, once per HTTP attempt, so the SDK retries what it
   * deems retryable.
   */
  scope?: 'request' | 'attempt';
  /** `before`: the call never reaches DynamoDB. `after`: it does (and commits), then the answer is lost. */
  phase?: 'before' | 'after';
  /** What to throw; nothing (only the delay and the hook) when absent. */
  error?: (call: CallInfo) => Error;
  /** Wait this long before acting. */
  delayMs?: number;
  /** Something to do when the rule fires, before the error (a concurrent writer on a clean client). */
  onFire?: (call: CallInfo) => Promise<void>;
}

interface LiveRule extends FaultRule {
  seen: number;
  fired: number;
}

function tablesOf(input: Record<string, unknown>): string[] {
  const tables = new Set<string>();
  if (typeof input.TableName === 'string') tables.add(input.TableName);
  const items = input.TransactItems;
  if (Array.isArray(items))
    for (const item of items as Record<string, { TableName?: string } | undefined>[])
      for (const action of Object.values(item)) if (action?.TableName) tables.add(action.TableName);
  if (input.RequestItems && typeof input.RequestItems === 'object')
    for (const name of Object.keys(input.RequestItems)) tables.add(name);
  return [...tables];
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** Holds the rules of one faulty client and counts what went through it. */
class FaultInjector {
  private rules: LiveRule[] = [];
  /** Every call the client made, by operation (attempts not counted twice). */
  readonly calls: CallInfo[] = [];

  /** Adds a rule; returns a handle that tells how often it fired. */
  add(rule: FaultRule): { readonly fired: number; readonly seen: number } {
    const live: LiveRule = { scope: 'request', phase: 'before', ...rule, seen: 0, fired: 0 };
    this.rules.push(live);
    return {
      get fired() {
        return live.fired;
      },
      get seen() {
        return live.seen;
      },
    };
  }

  clear(): void {
    this.rules = [];
    this.calls.length = 0;
  }

  /** Installs the injector's two middlewares on a client (the document client shares its stack). */
  install(client: DynamoDBClient): void {
    const make =
      (scope: 'request' | 'attempt') =>
      // biome-ignore lint/suspicious/noExplicitAny: the SDK's middleware types are generic over every command
      (next: (args: any) => Promise<any>, context: { commandName?: string }) =>
      // biome-ignore lint/suspicious/noExplicitAny: as above
      async (args: any) => {
        const operation = (context.commandName ?? '').replace(/Command$/, '');
        const input = (args.input ?? {}) as Record<string, unknown>;
        const call: CallInfo = { operation, tables: tablesOf(input), input };
        if (scope === 'request') this.calls.push(call);
        const rule = this.rules.find(
          (r) =>
            r.scope === scope &&
            (r.times === undefined || r.fired < r.times) &&
            (!r.operations || r.operations.includes(operation as Operation)) &&
            (!r.table || call.tables.includes(r.table)) &&
            (!r.when || r.when(call)),
        );
        if (!rule) return next(args);
        rule.seen += 1;
        if (rule.seen <= (rule.skip ?? 0)) return next(args);
        rule.fired += 1;
        if (rule.delayMs) await sleep(rule.delayMs);
        if (rule.onFire) await rule.onFire(call);
        if (rule.phase === 'after') {
          const result = await next(args);
          if (rule.error) throw rule.error(call);
          return result;
        }
        if (rule.error) throw rule.error(call);
        return next(args);
      };
    client.middlewareStack.add(make('request'), {
      step: 'initialize',
      name: 'faultPerRequest',
      priority: 'high',
    });
    client.middlewareStack.add(make('attempt'), {
      step: 'finalizeRequest',
      name: 'faultPerAttempt',
      priority: 'low',
    });
  }
}

/** A document client of its own over the test run's DynamoDB Local, with an injector installed. */
export function faultyDocumentClient(
  endpoint: string = inject('dynamoEndpoint'),
  config: ConstructorParameters<typeof DynamoDBClient>[0] = {},
): { db: DynamoDBDocumentClient; client: DynamoDBClient; faults: FaultInjector } {
  const client =
    Object.keys(config).length === 0
      ? localClient(endpoint)
      : new DynamoDBClient({
          endpoint,
          region: 'local',
          credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
          maxAttempts: 3,
          ...config,
        });
  const faults = new FaultInjector();
  faults.install(client);
  return { db: documentClient(client), client, faults };
}

// ---------------------------------------------------------------------------------------------------------------
// A stalling proxy: real sockets, real SDK timeouts

interface StallRule {
  /** The `X-Amz-Target` operation (`TransactWriteItems`). */
  operation: string;
  /** How many requests to stall (default: all). */
  times?: number;
  /** Forward the request to DynamoDB first (it commits), then withhold the answer. */
  forward: boolean;
  /** How long to hold the answer (default: forever, until the client gives up). */
  holdMs?: number;
}

interface StallingProxy {
  endpoint: string;
  stall(rule: StallRule): { readonly stalled: number };
  clear(): void;
  close(): Promise<void>;
}

/** An HTTP proxy in front of DynamoDB Local that holds chosen requests, so the SDK meets a real socket timeout. */
export async function startStallingProxy(target: string = inject('dynamoEndpoint')): Promise<StallingProxy> {
  const upstream = new URL(target);
  let rules: (StallRule & { stalled: number })[] = [];
  const held = new Set<IncomingMessage>();
  const forward = (req: IncomingMessage, body: Buffer) =>
    new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>(
      (done, fail) => {
        const out = nodeRequest(
          {
            host: upstream.hostname,
            port: upstream.port,
            method: req.method,
            path: req.url,
            headers: { ...req.headers, host: upstream.host },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () =>
              done({ status: res.statusCode ?? 500, headers: res.headers, body: Buffer.concat(chunks) }),
            );
            res.on('error', fail);
          },
        );
        out.on('error', fail);
        out.end(body);
      },
    );
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
    const rule = rules.find(
      (r) => r.operation === operation && (r.times === undefined || r.stalled < r.times),
    );
    try {
      if (rule) {
        rule.stalled += 1;
        held.add(req);
        if (rule.forward) await forward(req, body);
        await new Promise<void>((done) => {
          if (rule.holdMs !== undefined) setTimeout(done, rule.holdMs);
          res.on('close', () => done());
        });
        held.delete(req);
        if (res.destroyed) return;
      }
      const answer = await forward(req, body);
      res.writeHead(answer.status, answer.headers);
      res.end(answer.body);
    } catch {
      res.destroy();
    }
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stall(rule) {
      const live = { ...rule, stalled: 0 };
      rules.push(live);
      return {
        get stalled() {
          return live.stalled;
        },
      };
    },
    clear() {
      rules = [];
    },
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// A second local host over other dependencies

export interface HostResponse {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: tests read response bodies field by field
  body: any;
  text: string;
}

interface HostRequest {
  token?: string;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
}

/**
 * The deployed handlers over `deps` (typically the harness's, with a faulty `db` or publisher), behind a local host
 * of their own with its own signing keys. `invoke` calls a function directly with a chosen remaining time.
 */
export async function createHost(deps: Deps) {
  const keys: LocalKeys = await loadOrCreateKeys(undefined);
  const handlers = createFamilyHandlers(deps);
  const server = createLocalServer({ handlers, keys });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const token = (roles: string | string[], sub: string, town = 'town-a') =>
    issueToken(keys, { roles: Array.isArray(roles) ? roles : [roles], sub, town });

  const request = (method: string, path: string, opts: HostRequest = {}): Promise<HostResponse> =>
    httpRequest(baseUrl, method, path, opts);

  /** A direct call of the function, as the gateway makes it, with claims in the gateway's string form. */
  async function invoke(
    method: string,
    path: string,
    claims: Record<string, string>,
    opts: { body?: string; headers?: Record<string, string>; remainingMs?: number } = {},
  ): Promise<ApiResult> {
    const match = matchRoute(method, path);
    if (!match) throw new Error(`no route ${method} ${path}`);
    const deadline = Date.now() + (opts.remainingMs ?? 10_000);
    const event = {
      version: '2.0',
      routeKey: routeKey(match.route),
      rawPath: path,
      rawQueryString: '',
      headers: { 'content-type': 'application/json', ...opts.headers },
      pathParameters: match.pathParameters,
      requestContext: {
        http: { method, path, sourceIp: '127.0.0.1' },
        routeKey: routeKey(match.route),
        requestId: randomBytes(8).toString('hex'),
        authorizer: { jwt: { claims, scopes: null } },
      },
      ...(opts.body !== undefined ? { body: opts.body } : {}),
      isBase64Encoded: false,
    } as unknown as ApiEvent;
    const context = {
      functionName: `fault-${match.route.family}`,
      awsRequestId: randomBytes(8).toString('hex'),
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    } as unknown as Context;
    return (handlers[match.route.family] as FamilyHandler)(structuredClone(event), context);
  }

  return {
    baseUrl,
    handlers: handlers as Record<FunctionFamily, FamilyHandler>,
    token,
    request,
    invoke,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

export type Host = Awaited<ReturnType<typeof createHost>>;

/** Claims as the gateway's JWT authorizer hands them over (`"[clerk leader]"`). */
export const gatewayClaims = (roles: string[], sub: string, town = 'town-a'): Record<string, string> => ({
  sub,
  'custom:town': town,
  'cognito:groups': `[${roles.join(' ')}]`,
  token_use: 'access',
});

// ---------------------------------------------------------------------------------------------------------------
// Publishers

/** A publisher that fails its next `failures` calls, then records (and optionally forwards) what it is handed. */
export class FlakyPublisher implements Publisher {
  attempts = 0;
  readonly delivered: OutboxMessage[] = [];

  constructor(
    private failures = 0,
    private readonly inner?: Publisher,
  ) {}

  failNext(n: number): void {
    this.failures = n;
  }

  async publish(message: OutboxMessage): Promise<void> {
    this.attempts += 1;
    if (this.failures > 0) {
      this.failures -= 1;
      throw Object.assign(new Error('Topic temporarily unavailable (injected)'), {
        name: 'InternalErrorException',
      });
    }
    await this.inner?.publish(message);
    this.delivered.push(message);
  }

  deliveries(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const m of this.delivered) counts.set(m.id, (counts.get(m.id) ?? 0) + 1);
    return counts;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Reading what the tables really hold, with a clean client

export async function scanAll(db: DynamoDBDocumentClient, table: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page: ScanCommandOutput = await db.send(
      new ScanCommand({
        TableName: table,
        ConsistentRead: true,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

interface StoredCase {
  id: string;
  record?: CaseRecord;
  events: TimelineEvent[];
}

interface TableAudit {
  cases: Map<string, StoredCase>;
  /** Every way the tables disagree with "each state change and its event are one transaction". */
  problems: string[];
}

/**
 * Groups the Cases table by case partition and checks what no failed write may leave behind: a case item without its
 * events, events without a case, a head that is not the last event, gaps in the sequence.
 */
export async function auditCases(db: DynamoDBDocumentClient, tables: TableNames): Promise<TableAudit> {
  const cases = new Map<string, StoredCase>();
  for (const item of await scanAll(db, tables.cases)) {
    const match = /^T#[^#]+#C#(.+)$/.exec(String(item.pk));
    if (!match) continue;
    const id = match[1]!;
    const entry = cases.get(id) ?? { id, events: [] };
    cases.set(id, entry);
    const sk = String(item.sk);
    if (sk === 'CASE') entry.record = item as unknown as CaseRecord;
    else if (sk.startsWith('EV#')) entry.events.push(item as unknown as TimelineEvent);
  }
  const problems: string[] = [];
  for (const entry of cases.values()) {
    entry.events.sort((a, b) => a.seq - b.seq);
    if (!entry.record) {
      if (entry.events.length)
        problems.push(`${entry.id}: ${entry.events.length} event(s) without a case item`);
      continue;
    }
    if (entry.events.length === 0) {
      problems.push(`${entry.id}: case item without its timeline`);
      continue;
    }
    if (entry.events[0]?.action !== 'register')
      problems.push(`${entry.id}: the first event is not the registration`);
    entry.events.forEach((event, i) => {
      if (event.seq !== i + 1) problems.push(`${entry.id}: event ${i + 1} has seq ${event.seq}`);
    });
    const last = entry.events.at(-1)!;
    if (entry.record.timelineHead.seq !== last.seq || entry.record.timelineHead.hash !== last.hash)
      problems.push(`${entry.id}: head ${entry.record.timelineHead.seq} but last event ${last.seq}`);
  }
  return { cases, problems };
}

/** Events that change a case's state (every timeline event but notes and erasures). */
export const isStateChange = (event: Pick<TimelineEvent, 'action'>) =>
  event.action !== 'note' && event.action !== 'erase';

// ---------------------------------------------------------------------------------------------------------------
// Response checks

/** Words that would betray the implementation in a response body. */
const INTERNALS =
  /exception|stack|\bat \S+ \(|node_modules|\/var\/task|\.m?[jt]s:\d|dynamo|transact|conditional|throughput|throttl|itemcollection|cancell?ation|timeouterror|etimedout|econn|tablename|\bT#|segfault|flux|injected|aws|sdk|\$metadata/i;

/** The first internal detail a response body gives away, if any (its `instance`, the request path, aside). */
export function internalDetail(text: string): string | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return INTERNALS.exec(text)?.[0];
  }
  const { instance: _instance, ...rest } = (body ?? {}) as Record<string, unknown>;
  return INTERNALS.exec(JSON.stringify(rest))?.[0];
}

export const isProblemJson = (headers: Headers): boolean =>
  /^application\/problem\+json\b/.test(headers.get('content-type') ?? '');
