import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { bundleFunction } from '../../bench/bundles.js';
import { documentClient } from '../../lambdas/adapters/deps.js';
import { FUNCTION_FAMILIES } from '../../lambdas/adapters/function-families.js';
import { sweepMessages } from '../../lambdas/adapters/sweep-messages.js';
import { type TableNames, tableNamesFor } from '../../lambdas/adapters/table-model.js';
import { makeValidIdNumber } from '../../lambdas/domain/id-number.js';
import { matchRoute, ROUTES, routeKey } from '../../lambdas/http/routes.js';
import { ensureTables, localClient } from '../../lambdas/local/dynamo-local.js';
import { openApiDocument } from '../../lambdas/openapi/document.js';
import { ENGLISH_RUN, HAN } from '../support/language.js';

/**
 * Every function as the stack deploys it: each file of lambdas/handlers/ bundled with lib/'s esbuild options (the AWS
 * SDK inside), alone in a folder of its own outside the repository (as /var/task holds it, so nothing resolves from
 * node_modules), and run in a fresh `node` against the file's own tables in DynamoDB Local. The rest of the suite runs
 * the handlers' sources through tsx; only this file sees what tree-shaking, the charset, the ESM banner and the
 * packaged OpenAPI document leave of them.
 */

const ROOT = resolve(import.meta.dirname, '../..');
const TOWNS = ['town-a', 'town-b'];
/** A closed loopback port: KMS, SNS and S3 calls fail at once and nothing leaves the machine. */
const NOWHERE = 'http://127.0.0.1:9';
const MARKER = 'DEPLOYED-BUNDLE-RESULTS ';
/** Long enough for a whole family's events on a machine busy with other test files. */
const CHILD_TIMEOUT_MS = 60_000;

const run = promisify(execFile);

/** Each file of lambdas/handlers/ is a deployed function. */
const BUNDLES = readdirSync(join(ROOT, 'lambdas/handlers'))
  .filter((file) => file.endsWith('.ts'))
  .map((file) => file.replace(/\.ts$/, ''))
  .sort();
const FAMILIES = [...new Set(ROUTES.map((route) => route.family))].sort();

type Claims = Record<string, string>;
const clerk: Claims = { sub: 'clerk-1', 'custom:town': 'town-a', 'cognito:groups': '[clerk]' };
const leader: Claims = { sub: 'leader-1', 'custom:town': 'town-a', 'cognito:groups': '[leader]' };
const admin: Claims = { sub: 'admin-1', 'custom:town': 'town-a', 'cognito:groups': '[admin]' };
/** An id of the service's form that no case has. */
const UNKNOWN_ID = 'AAAAAAAAAAAAAAAAAAAAAA';

interface ApiCall {
  method: string;
  /** With its query string, if any. */
  path: string;
  claims?: Claims;
  body?: unknown;
  headers?: Record<string, string>;
}

/** An API Gateway HTTP API (payload 2.0) event for a route of the table, as test/support/harness.ts makes them. */
function apiEvent(call: ApiCall) {
  const [path = '', rawQueryString = ''] = call.path.split('?');
  const match = matchRoute(call.method, path);
  if (!match) throw new Error(`no route ${call.method} ${path}`);
  const query = Object.fromEntries(new URLSearchParams(rawQueryString));
  return {
    version: '2.0',
    routeKey: routeKey(match.route),
    rawPath: path,
    rawQueryString,
    headers: { 'content-type': 'application/json', ...call.headers },
    ...(rawQueryString ? { queryStringParameters: query } : {}),
    pathParameters: match.pathParameters,
    requestContext: {
      http: { method: call.method, path, sourceIp: '192.0.2.1', protocol: 'HTTP/1.1', userAgent: 'test' },
      routeKey: routeKey(match.route),
      requestId: randomBytes(8).toString('hex'),
      ...(call.claims ? { authorizer: { jwt: { claims: call.claims, scopes: null } } } : {}),
    },
    ...(call.body !== undefined ? { body: JSON.stringify(call.body) } : {}),
    isBase64Encoded: false,
  };
}

/** A registration body whose title has the wrong type: 400 before anything is written, and no KMS call. */
const badRegistration = {
  kind: 'petition',
  channel: 'visit',
  category: 'labor_wages',
  title: 42,
  description: '工地拖欠三个月工资',
  petitioners: [
    { name: '张三', idNumber: makeValidIdNumber('330681', '19800101', '123'), phone: '13912345678' },
  ],
};

/**
 * What each API family is asked, in order, in one process (a warm function after the first). Only routes that reach no
 * KMS key: the functions' keyed hashes and data keys are KMS calls, unreachable here.
 */
const API_CALLS = {
  public: {
    health: { method: 'GET', path: '/v1/health' },
    openapi: { method: 'GET', path: '/v1/openapi.json' },
    catalog: { method: 'GET', path: '/v1/catalog', claims: clerk },
  },
  cases: {
    badBody: { method: 'POST', path: '/v1/cases', claims: clerk, body: badRegistration },
    badBodyEnglish: {
      method: 'POST',
      path: '/v1/cases',
      claims: clerk,
      body: badRegistration,
      headers: { 'accept-language': 'en' },
    },
    badBodyWithKey: {
      method: 'POST',
      path: '/v1/cases',
      claims: clerk,
      body: badRegistration,
      headers: { 'idempotency-key': 'deployed-bundle-1' },
    },
    badBodyWithKeyAgain: {
      method: 'POST',
      path: '/v1/cases',
      claims: clerk,
      body: badRegistration,
      headers: { 'idempotency-key': 'deployed-bundle-1' },
    },
    unknownCase: { method: 'GET', path: `/v1/cases/${UNKNOWN_ID}`, claims: clerk },
    list: { method: 'GET', path: '/v1/cases', claims: clerk },
    towns: { method: 'GET', path: '/v1/towns', claims: clerk },
  },
  attachments: {
    unknownCase: { method: 'GET', path: `/v1/cases/${UNKNOWN_ID}/attachments`, claims: clerk },
  },
  privacy: {
    clerkReadsRevealLog: { method: 'GET', path: '/v1/audit/reveals', claims: clerk },
  },
  grids: {
    tree: { method: 'GET', path: '/v1/grids', claims: admin },
    clerkMakesGrid: { method: 'POST', path: '/v1/grids', claims: clerk, body: { name: '一网格' } },
  },
  me: {
    inbox: { method: 'GET', path: '/v1/me/notifications', claims: clerk },
  },
  admin: {
    clerkReadsPolicy: { method: 'GET', path: '/v1/admin/policy', claims: clerk },
  },
  reports: {
    badDate: { method: 'GET', path: '/v1/reports/daily/2026-13-45', claims: leader },
  },
  meetings: {
    unknownMeeting: { method: 'GET', path: `/v1/meetings/${UNKNOWN_ID}`, claims: clerk },
  },
  reception: {
    publicRoster: {
      method: 'GET',
      path: '/v1/public/reception/roster?town=town-a&from=2026-03-02&to=2026-03-08',
    },
  },
  city: {
    clerkReadsCityMetrics: { method: 'GET', path: '/v1/city/metrics', claims: clerk },
  },
  open311: {
    services: { method: 'GET', path: '/open311/v2/services.json?jurisdiction_id=town-a' },
    discovery: { method: 'GET', path: '/open311/discovery.json' },
  },
} satisfies Record<(typeof FAMILIES)[number], Record<string, ApiCall>>;

const sqsRecord = (messageId: string, body: string) => ({
  messageId,
  receiptHandle: messageId,
  body,
  attributes: {
    ApproximateReceiveCount: '1',
    SentTimestamp: String(Date.now()),
    SenderId: 'scheduler',
    ApproximateFirstReceiveTimestamp: String(Date.now()),
  },
  messageAttributes: {},
  md5OfBody: '',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws-cn:sqs:cn-north-1:000000000000:sweep-shards',
  awsRegion: 'cn-north-1',
});

const trigger = {
  version: '2',
  region: 'cn-north-1',
  userPoolId: 'cn-north-1_example',
  userName: 'clerk-1',
  callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: 'client' },
};

/** The events of the functions that are not API families: the schedules' and Cognito's. */
const OTHER_EVENTS: Record<string, Record<string, unknown>> = {
  // one message per shard, as the schedule sends them, and one that is no sweep message
  sweep: {
    shards: {
      Records: sweepMessages().map((message) => sqsRecord(`shard-${message.shard}`, JSON.stringify(message))),
    },
    notASweepMessage: { Records: [sqsRecord('stray', '{"shard":"all"}')] },
  },
  'town-schedule': {
    reception: { kind: 'reception' },
    retention: { kind: 'retention' },
    // stores the day's bulletins, then publishes them to SNS, which is unreachable here: the run fails after that
    daily: { kind: 'daily' },
    unknownWork: { kind: 'fortnightly' },
  },
  'pre-token': {
    staff: {
      ...trigger,
      triggerSource: 'TokenGeneration_Authentication',
      request: {
        userAttributes: { sub: 'clerk-1', 'custom:town': 'town-a' },
        groupConfiguration: { groupsToOverride: ['clerk'], iamRolesToOverride: [] },
        scopes: ['aws.cognito.signin.user.admin'],
      },
      response: { claimsAndScopeOverrideDetails: {} },
    },
  },
  // it calls Cognito on a sign-up: only its loading is checked (see the test)
  'post-confirmation': {},
};

/** What the child prints for each event: the handler's answer, or the message it threw. */
type Outcome = { ok: true; value: unknown } | { ok: false; error: string };

/**
 * Imports the bundle in a fresh `node`, as the runtime does (ESM, from its own folder), and hands it the events one at
 * a time, in order; one line of JSON with the outcomes, after a marker (Powertools logs JSON to stdout too).
 */
const CHILD_SCRIPT = `
const { handler } = await import(process.env.BUNDLE_URL);
const outcomes = { exported: typeof handler, events: {} };
const events = JSON.parse(process.env.BUNDLE_EVENTS);
for (const [name, event] of Object.entries(events)) {
  const context = {
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws-cn:lambda:cn-north-1:000000000000:function:' + process.env.AWS_LAMBDA_FUNCTION_NAME,
    memoryLimitInMB: '512',
    awsRequestId: 'request-' + name,
    logGroupName: '/aws/lambda/' + process.env.AWS_LAMBDA_FUNCTION_NAME,
    logStreamName: 'stream',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => 10000,
  };
  try {
    outcomes.events[name] = { ok: true, value: await handler(event, context) };
  } catch (error) {
    outcomes.events[name] = { ok: false, error: String(error?.message ?? error) };
  }
}
// the runtime freezes the process after an invocation, not waiting for the SDK's idle sockets: nor does this
process.stdout.write(${JSON.stringify(MARKER)} + JSON.stringify(outcomes) + '\\n', () => process.exit(0));
`;

let out: string;
let tables: TableNames;
/**
 * The town-schedule function's own: its daily run leaves the bulletins SNS could not take in the outbox, which the
 * sweep, publishing the outbox too, would otherwise fail on.
 */
let scheduleTables: TableNames;
const tablesOf = (bundle: string) => (bundle === 'town-schedule' ? scheduleTables : tables);
interface Outcomes {
  /** `typeof` the bundle's `handler`. */
  exported: string;
  events: Record<string, Outcome>;
  /** The function's log lines (warnings and errors), less its metric documents. */
  logs: string[];
}
const results = new Map<string, Promise<Outcomes>>();

/** A child's output for an error message: a minified bundle's lines cut short. */
const brief = (text = '') =>
  text
    .split('\n')
    .map((line) => (line.length > 300 ? `${line.slice(0, 300)}…` : line))
    .join('\n');

/** The outcomes of a bundle's events; the child's output, cut short, in the error when it printed none or failed. */
async function runBundle(
  bundle: string,
  events: Record<string, unknown>,
  endpoint: string,
): Promise<Outcomes> {
  const dir = join(out, bundle);
  let stdout: string;
  let stderr: string;
  try {
    ({ stdout, stderr } = await run(process.execPath, ['--input-type=module', '-e', CHILD_SCRIPT], {
      cwd: dir,
      timeout: CHILD_TIMEOUT_MS,
      maxBuffer: 16 * 1024 * 1024,
      // what the stack sets, and what the runtime sets beside it; nothing of this process's own environment but PATH
      env: {
        PATH: process.env.PATH ?? '',
        AWS_LAMBDA_FUNCTION_NAME: `fengqiao-${bundle}`,
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
        AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
        LAMBDA_TASK_ROOT: dir,
        _HANDLER: 'index.handler',
        TZ: ':UTC',
        AWS_REGION: 'cn-north-1',
        AWS_DEFAULT_REGION: 'cn-north-1',
        // letters and digits only: DynamoDB Local refuses any other access key id
        AWS_ACCESS_KEY_ID: 'deployedbundletest',
        AWS_SECRET_ACCESS_KEY: 'deployedbundletest',
        AWS_ENDPOINT_URL_DYNAMODB: endpoint,
        AWS_ENDPOINT_URL_KMS: NOWHERE,
        AWS_ENDPOINT_URL_SNS: NOWHERE,
        AWS_ENDPOINT_URL_S3: NOWHERE,
        AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: NOWHERE,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        POWERTOOLS_SERVICE_NAME: 'fengqiao',
        POWERTOOLS_DEV: 'false',
        // warnings and errors only, kept to explain a failing answer
        LOG_LEVEL: 'WARN',
        CASES_TABLE: tablesOf(bundle).cases,
        GRIDS_TABLE: tablesOf(bundle).grids,
        IDEMPOTENCY_TABLE: tablesOf(bundle).idempotency,
        MAC_KEY_ID: 'alias/deployed-bundle-test-mac',
        DATA_KEY_ID: 'alias/deployed-bundle-test-data',
        TOWNS: TOWNS.join(','),
        DEFAULT_TOWN: 'town-a',
        EVIDENCE_BUCKET: 'deployed-bundle-test-evidence',
        TOPIC_DEADLINES: 'arn:aws-cn:sns:cn-north-1:000000000000:deadlines',
        TOPIC_SUPERVISION: 'arn:aws-cn:sns:cn-north-1:000000000000:supervision',
        TOPIC_BULLETINS: 'arn:aws-cn:sns:cn-north-1:000000000000:bulletins',
        TOPIC_MILESTONES: 'arn:aws-cn:sns:cn-north-1:000000000000:milestones',
        BUNDLE_URL: pathToFileURL(join(dir, 'index.mjs')).href,
        BUNDLE_EVENTS: JSON.stringify(events),
      },
    }));
  } catch (error) {
    // the error's own message repeats the script; Node's shows the bundle's one minified line
    const failed = error as { code?: unknown; signal?: unknown; stdout?: string; stderr?: string };
    throw new Error(
      `${bundle} ended with ${failed.signal ?? `exit code ${failed.code}`}:\n${brief(failed.stderr)}\n${brief(failed.stdout)}`,
    );
  }
  const line = stdout.split('\n').find((l) => l.startsWith(MARKER));
  if (!line) throw new Error(`${bundle} printed no outcomes:\n${brief(stdout)}\n${brief(stderr)}`);
  const logs = stdout.split('\n').filter((l) => l !== '' && l !== line && !l.startsWith('{"_aws"'));
  return { ...JSON.parse(line.slice(MARKER.length)), logs };
}

beforeAll(async () => {
  const endpoint = inject('dynamoEndpoint');
  const prefix = `bundles-${randomBytes(5).toString('hex')}`;
  tables = tableNamesFor(prefix);
  scheduleTables = tableNamesFor(`${prefix}-schedule`);
  await Promise.all([tables, scheduleTables].map((names) => ensureTables(localClient(endpoint), names)));
  out = mkdtempSync(join(tmpdir(), 'fengqiao-deployed-'));
  await Promise.all(
    BUNDLES.map(async (bundle) => {
      mkdirSync(join(out, bundle));
      await bundleFunction(
        join(ROOT, `lambdas/handlers/${bundle}.ts`),
        join(out, bundle, 'index.mjs'),
        'bundled',
      );
    }),
  );
  // the public function's document, as packagedDocumentHooks writes it beside the bundle at synth
  writeFileSync(join(out, 'public/openapi.json'), JSON.stringify(openApiDocument()));
  for (const bundle of BUNDLES) {
    const calls: Record<string, ApiCall> | undefined = (API_CALLS as Record<string, Record<string, ApiCall>>)[
      bundle
    ];
    const events = calls
      ? Object.fromEntries(Object.entries(calls).map(([name, call]) => [name, apiEvent(call)]))
      : (OTHER_EVENTS[bundle] ?? {});
    const running = runBundle(bundle, events, endpoint);
    // awaited by the tests; a failure is theirs to report
    running.catch(() => {});
    results.set(bundle, running);
  }
  // all at once, and done before the tests read them, whatever the tests' own timeout
  await Promise.allSettled(results.values());
}, 180_000);

afterAll(() => {
  if (out) rmSync(out, { recursive: true, force: true });
});

async function outcomesOf(bundle: string) {
  const outcomes = await results.get(bundle);
  if (!outcomes) throw new Error(`no bundle ${bundle}`);
  return outcomes;
}

interface Answer {
  statusCode: number;
  headers: Record<string, string>;
  // biome-ignore lint/suspicious/noExplicitAny: tests read response bodies field by field
  body: any;
  text: string;
  /** The body and the function's warnings and errors: what a failed expectation shows. */
  why: string;
}

/** An API function's answer to one of its calls, the JSON body parsed; the error when it threw. */
async function answer(bundle: keyof typeof API_CALLS, name: string): Promise<Answer> {
  const outcomes = await outcomesOf(bundle);
  const outcome = outcomes.events[name];
  if (!outcome) throw new Error(`${bundle} did not answer ${name}`);
  if (!outcome.ok)
    throw new Error(`${bundle} threw on ${name}: ${outcome.error}\n${outcomes.logs.join('\n')}`);
  const result = outcome.value as { statusCode: number; headers?: Record<string, string>; body?: string };
  const text = result.body ?? '';
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  const why = [text, ...outcomes.logs].join('\n');
  return { statusCode: result.statusCode, headers: result.headers ?? {}, body, text, why };
}

/** A problem+json answer of this status, its title and detail in Chinese (the default language). */
function expectChineseProblem(got: Answer, status: number) {
  expect(got.statusCode, got.why).toBe(status);
  expect(got.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(got.body.status).toBe(status);
  expect(got.body.title).toMatch(HAN);
  expect(got.body.title).not.toMatch(ENGLISH_RUN);
  if (got.body.detail !== undefined) expect(got.body.detail).toMatch(HAN);
}

describe('the functions the stack deploys', () => {
  it('are every file of lambdas/handlers/, each built and exporting a handler', async () => {
    expect(BUNDLES).toEqual(expect.arrayContaining([...FAMILIES, 'sweep', 'town-schedule', 'pre-token']));
    // a function added to lambdas/handlers/ is given events here, or this fails
    expect([...Object.keys(API_CALLS), ...Object.keys(OTHER_EVENTS)].sort()).toEqual(BUNDLES);
    for (const bundle of BUNDLES) expect((await outcomesOf(bundle)).exported, bundle).toBe('function');
  });

  it('ask every family of the route table something, so that a new family cannot be left out', () => {
    expect(Object.keys(API_CALLS).sort()).toEqual(FAMILIES);
    expect(FAMILIES).toEqual(Object.keys(FUNCTION_FAMILIES).sort());
    for (const [family, calls] of Object.entries(API_CALLS))
      for (const call of Object.values(calls) as ApiCall[])
        expect(matchRoute(call.method, call.path.split('?')[0] ?? '')?.route.family, call.path).toBe(family);
  });
});

describe('the public function as deployed', () => {
  it('answers the health check with a read of the Cases table', async () => {
    const got = await answer('public', 'health');
    expect(got.statusCode, got.why).toBe(200);
    expect(got.body).toEqual({ status: 'ok' });
    expect(got.headers['cache-control']).toBe('no-store');
  });

  it('serves the OpenAPI document packaged beside its bundle, the same as the sources build', async () => {
    const got = await answer('public', 'openapi');
    expect(got.statusCode, got.why).toBe(200);
    expect(got.body.openapi).toMatch(/^3\./);
    expect(got.body).toEqual(openApiDocument());
  });

  it('gives a signed-in caller the catalogue, its labels in Chinese', async () => {
    const got = await answer('public', 'catalog');
    expect(got.statusCode, got.why).toBe(200);
    expect(got.text).toMatch(HAN);
    expect(got.text).toContain('labor_wages');
  });
});

describe('the cases function as deployed', () => {
  it('refuses a registration with a field of the wrong type, naming the field, in Chinese by default', async () => {
    const got = await answer('cases', 'badBody');
    expectChineseProblem(got, 400);
    expect(got.body.errors.map((e: { path: string }) => e.path)).toEqual(['title']);
    expect(got.body.errors[0].message).toMatch(HAN);
  });

  it('says the same in English when the caller asks for it', async () => {
    const [chinese, english] = [await answer('cases', 'badBody'), await answer('cases', 'badBodyEnglish')];
    expect(english.statusCode, english.why).toBe(400);
    expect(english.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(english.body.type).toBe(chinese.body.type);
    expect(english.body.errors.map((e: { path: string }) => e.path)).toEqual(['title']);
    expect(english.text).not.toMatch(HAN);
    expect(english.body.title).toMatch(/[A-Za-z]/);
  });

  it('gives the same 400 through the idempotency layer, twice, and keeps no record of the refused request', async () => {
    const plain = await answer('cases', 'badBody');
    for (const name of ['badBodyWithKey', 'badBodyWithKeyAgain']) {
      const got = await answer('cases', name);
      expectChineseProblem(got, 400);
      expect(got.body.type, name).toBe(plain.body.type);
      expect(got.body.errors, name).toEqual(plain.body.errors);
    }
    // Powertools wrote its in-progress record in DynamoDB and deleted it when the request failed
    await outcomesOf('cases');
    const left = await documentClient(localClient(inject('dynamoEndpoint'))).send(
      new ScanCommand({ TableName: tables.idempotency }),
    );
    expect(left.Items ?? []).toEqual([]);
  });

  it('answers 404 for a case that does not exist', async () => {
    expectChineseProblem(await answer('cases', 'unknownCase'), 404);
  });

  it('lists no cases in an empty town, and names the towns of the deployment', async () => {
    const list = await answer('cases', 'list');
    expect(list.statusCode, list.why).toBe(200);
    expect(list.body.items).toEqual([]);
    const towns = await answer('cases', 'towns');
    expect(towns.statusCode, towns.why).toBe(200);
    expect(JSON.stringify(towns.body)).toContain('town-b');
  });
});

describe('the other API functions as deployed', () => {
  it('attachments: 404 for the evidence of a case that does not exist', async () => {
    expectChineseProblem(await answer('attachments', 'unknownCase'), 404);
  });

  it('privacy: a clerk is refused the reveal log, in Chinese', async () => {
    expectChineseProblem(await answer('privacy', 'clerkReadsRevealLog'), 403);
  });

  it('grids: an admin reads the empty grid tree; a clerk may not make a grid', async () => {
    const tree = await answer('grids', 'tree');
    expect(tree.statusCode, tree.why).toBe(200);
    expectChineseProblem(await answer('grids', 'clerkMakesGrid'), 403);
  });

  it('me: an empty inbox', async () => {
    const got = await answer('me', 'inbox');
    expect(got.statusCode, got.why).toBe(200);
    expect(got.body).toEqual({ items: [] });
  });

  it("admin: a clerk is refused the town's policy, in Chinese", async () => {
    expectChineseProblem(await answer('admin', 'clerkReadsPolicy'), 403);
  });

  it('reports: a date that is no date is a 400 naming the parameter', async () => {
    const got = await answer('reports', 'badDate');
    expectChineseProblem(got, 400);
    expect(got.body.errors.map((e: { path: string }) => e.path)).toEqual(['date']);
  });

  it('meetings: 404 for a meeting that does not exist', async () => {
    expectChineseProblem(await answer('meetings', 'unknownMeeting'), 404);
  });

  it("reception: anyone reads a town's empty roster", async () => {
    const got = await answer('reception', 'publicRoster');
    expect(got.statusCode, got.why).toBe(200);
    expect(got.body).toEqual({ items: [] });
  });

  it("city: a town's clerk is refused the city's metrics, in Chinese", async () => {
    expectChineseProblem(await answer('city', 'clerkReadsCityMetrics'), 403);
  });

  it("open311: the town's services and the discovery document", async () => {
    const services = await answer('open311', 'services');
    expect(services.statusCode, services.why).toBe(200);
    expect(Array.isArray(services.body)).toBe(true);
    expect(services.body.length).toBeGreaterThan(0);
    expect(services.text).toMatch(HAN);
    const discovery = await answer('open311', 'discovery');
    expect(discovery.statusCode, discovery.why).toBe(200);
    expect(discovery.body.endpoints.length).toBeGreaterThan(0);
  });
});

describe('the scheduled functions as deployed', () => {
  it('sweep: sweeps every shard of empty tables, and has a message that is no sweep message come again', async () => {
    const outcomes = (await outcomesOf('sweep')).events;
    expect(outcomes.shards).toEqual({ ok: true, value: { batchItemFailures: [] } });
    expect(outcomes.notASweepMessage).toEqual({
      ok: true,
      value: { batchItemFailures: [{ itemIdentifier: 'stray' }] },
    });
  });

  it('town-schedule: tells no leader of duty and erases nothing in empty towns, and refuses unknown work', async () => {
    const outcomes = (await outcomesOf('town-schedule')).events;
    expect(outcomes.reception).toEqual({ ok: true, value: [{ kind: 'reception', sent: 0, failed: [] }] });
    // no admin to tell of the calendars (their count depends on today's date), no case to recompute
    expect(outcomes.retention).toMatchObject({
      ok: true,
      value: [
        {
          kind: 'retention',
          erased: 0,
          failed: [],
          deadlines: { noticesWritten: 0, casesRecomputed: 0, recomputePending: [], failed: [] },
        },
      ],
    });
    expect(outcomes.unknownWork).toEqual({ ok: false, error: 'unknown scheduled work' });
  });

  it("town-schedule: stores each town's daily bulletin in the outbox, and fails the run when SNS cannot take it", async () => {
    const outcomes = (await outcomesOf('town-schedule')).events;
    expect(outcomes.daily).toEqual({ ok: false, error: 'scheduled work failed: daily' });
    const { Items = [] } = await documentClient(localClient(inject('dynamoEndpoint'))).send(
      new ScanCommand({ TableName: scheduleTables.cases }),
    );
    const outbox = Items.filter((item) => String(item.pk).startsWith('OUTBOX#'));
    expect(outbox.map((message) => message.attributes.town).sort()).toEqual(TOWNS);
    for (const message of outbox) {
      expect(message.topic).toBe('bulletins');
      expect(message.body.report).toBe('daily');
      expect(message.subject).toMatch(HAN);
    }
  });
});

describe('the Cognito triggers as deployed', () => {
  it("pre-token: copies the user's town into the access token", async () => {
    const { staff } = (await outcomesOf('pre-token')).events;
    expect(staff?.ok).toBe(true);
    expect((staff as { value: { response: unknown } }).value.response).toEqual({
      claimsAndScopeOverrideDetails: {
        accessTokenGeneration: { claimsToAddOrOverride: { 'custom:town': 'town-a' } },
      },
    });
  });

  // it calls Cognito on every sign-up, which no local server stands in for: only its loading is checked
  it('post-confirmation: imports and exports its handler', async () => {
    expect((await outcomesOf('post-confirmation')).exported).toBe('function');
  });
});
