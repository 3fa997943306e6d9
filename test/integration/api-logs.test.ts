import { Metrics } from '@aws-lambda-powertools/metrics';
import { ThrottlingException } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METRICS_NAMESPACE, METRICS_SERVICE } from '../../lambdas/adapters/metrics.js';
import {
  ForbiddenError,
  NotFoundError,
  RuleViolationError,
  StaleVersionError,
  WrongStatusError,
} from '../../lambdas/domain/errors.js';
import { type ApiEvent, createApiHandler, type RouteDefinition } from '../../lambdas/http/api.js';
import { validationProblem } from '../../lambdas/http/problem.js';
import { caseBody, createHarness, type Harness, validIdNumber } from '../support/harness.js';
import { captureOutput } from '../support/privacy.js';

/**
 * What a refused or failed request writes: a client's error one INFO line (problem type, status, route; no stack, no
 * event, no body), a transient fault one WARN line, a fault of the service one ERROR line with the error and a
 * `ServerErrors` metric of the function's family.
 */

/** A value of the request that must never reach the log. */
const SECRET = validIdNumber(777);

interface LogLine {
  level?: string;
  message?: string;
  [field: string]: unknown;
}

/** Whatever `run` writes, as JSON documents: log lines and embedded-metric-format documents apart. */
async function written(run: () => Promise<unknown>) {
  const output = captureOutput();
  try {
    await run();
  } finally {
    output.restore();
  }
  const documents = output.lines.flatMap((chunk) =>
    chunk
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as LogLine),
  );
  return {
    text: output.lines.join('\n'),
    logs: documents.filter((d) => !('_aws' in d)),
    metrics: documents.filter((d) => '_aws' in d),
  };
}

const throwing =
  (error: () => unknown): RouteDefinition['handle'] =>
  async (request) => {
    request.json();
    throw error();
  };

const ROUTES: Record<string, RouteDefinition> = {
  'POST /probe/missing': { authorized: false, handle: throwing(() => new NotFoundError()) },
  'POST /probe/forbidden': {
    authorized: false,
    handle: throwing(() => new ForbiddenError('patrol-own-grids')),
  },
  'POST /probe/stale': { authorized: false, handle: throwing(() => new StaleVersionError()) },
  'POST /probe/status': {
    authorized: false,
    handle: throwing(() => new WrongStatusError('closed', 'reply')),
  },
  'POST /probe/rule': {
    authorized: false,
    handle: throwing(() => new RuleViolationError('already-extended')),
  },
  'POST /probe/invalid': {
    authorized: false,
    handle: throwing(() => validationProblem([{ path: 'title', message: (m) => m.field.required }])),
  },
  'POST /probe/boom': {
    authorized: false,
    handle: throwing(() => new Error(`bug while reading ${SECRET}`)),
  },
  'POST /probe/busy': {
    authorized: false,
    handle: throwing(() => new ThrottlingException({ message: 'slow down', $metadata: {} })),
  },
  // an answer a route gives itself, as Open311's routes do
  'POST /probe/answered': { authorized: false, handle: async () => ({ status: 500, body: { code: 500 } }) },
};

const event = (routeKey: string): ApiEvent => {
  const path = routeKey.split(' ')[1] ?? '';
  return {
    version: '2.0',
    routeKey,
    rawPath: path,
    rawQueryString: '',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${SECRET}` },
    requestContext: { http: { method: 'POST', path }, routeKey, requestId: 'probe' },
    body: JSON.stringify({ idNumber: SECRET }),
    isBase64Encoded: false,
  } as unknown as ApiEvent;
};
const REQUEST_ID = 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef';
const context = {
  functionName: 'probe',
  awsRequestId: REQUEST_ID,
  getRemainingTimeInMillis: () => 10_000,
} as unknown as Context;

let probe: ReturnType<typeof createApiHandler>;
let h: Harness;
beforeAll(async () => {
  // metrics are off in tests and on the local host; this file turns them on for the instances it makes
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
  h = await createHarness();
  probe = createApiHandler({
    family: 'probe',
    deps: { ...h.deps, metrics: new Metrics({ namespace: METRICS_NAMESPACE, serviceName: METRICS_SERVICE }) },
    routes: ROUTES,
  });
});
afterAll(() => h.close());

describe('a client error', () => {
  it.each([
    ['POST /probe/missing', 404, 'not-found'],
    ['POST /probe/forbidden', 403, 'forbidden'],
    ['POST /probe/stale', 412, 'stale-version'],
    ['POST /probe/status', 409, 'wrong-status'],
    ['POST /probe/rule', 409, 'already-extended'],
    ['POST /probe/invalid', 400, 'validation'],
  ])(
    '%s: answered %i, logged once at INFO with type, status, route and request id, no stack',
    async (route, status, type) => {
      let answered: number | undefined;
      const out = await written(async () => {
        answered = (await probe(event(route), context)).statusCode;
      });
      expect(answered).toBe(status);
      expect(out.logs).toEqual([
        {
          level: 'INFO',
          message: 'request refused',
          route,
          status,
          type,
          service: 'fengqiao',
          timestamp: expect.any(String),
          sampling_rate: expect.any(Number),
          cold_start: expect.any(Boolean),
          function_name: 'probe',
          function_request_id: REQUEST_ID,
        },
      ]);
      expect(out.metrics).toEqual([]);
      expect(out.text).not.toContain(SECRET);
      expect(out.text).not.toContain('stack');
    },
  );
});

describe('a fault of the service', () => {
  it('an unknown error: a 500, one ERROR line with the error, and one ServerErrors of the family', async () => {
    let answer: Awaited<ReturnType<typeof probe>> | undefined;
    const out = await written(async () => {
      answer = await probe(event('POST /probe/boom'), context);
    });
    expect(answer?.statusCode).toBe(500);
    expect(answer?.body).not.toContain('bug');
    expect(out.logs).toHaveLength(1);
    expect(out.logs[0]).toMatchObject({
      level: 'ERROR',
      message: 'unhandled error',
      route: 'POST /probe/boom',
      status: 500,
      type: 'internal',
      error: { name: 'Error', stack: expect.stringContaining('api-logs.test.ts') },
      function_request_id: REQUEST_ID,
    });
    // the event is never logged: neither its body nor its token
    expect(JSON.stringify(out.logs[0])).not.toContain('Bearer');
    // by family, to find the function, and for the service, which the alarm watches
    expect(out.metrics).toHaveLength(2);
    expect(out.metrics.map((m) => m._aws)).toMatchObject([
      {
        CloudWatchMetrics: [
          {
            Namespace: 'Fengqiao',
            Dimensions: [['service', 'family']],
            Metrics: [{ Name: 'ServerErrors', Unit: 'Count' }],
          },
        ],
      },
      { CloudWatchMetrics: [{ Namespace: 'Fengqiao', Dimensions: [['service']] }] },
    ]);
    expect(out.metrics[0]).toMatchObject({ service: 'fengqiao', family: 'probe', ServerErrors: 1 });
    expect(out.metrics[1]).toMatchObject({ service: 'fengqiao', ServerErrors: 1 });
    expect(out.metrics[1]).not.toHaveProperty('family');
  });

  it('a transient one: a 503, one WARN line without a stack, and counted', async () => {
    let status: number | undefined;
    const out = await written(async () => {
      status = (await probe(event('POST /probe/busy'), context)).statusCode;
    });
    expect(status).toBe(503);
    expect(out.logs).toEqual([
      expect.objectContaining({
        level: 'WARN',
        message: 'transient failure',
        route: 'POST /probe/busy',
        cause: 'ThrottlingException',
        function_request_id: REQUEST_ID,
      }),
    ]);
    expect(out.text).not.toContain('stack');
    expect(out.metrics.map((m) => m.ServerErrors)).toEqual([1, 1]);
  });

  it('a 5xx a route answers itself is counted too', async () => {
    const out = await written(() => probe(event('POST /probe/answered'), context));
    expect(out.metrics.map((m) => [m.family, m.ServerErrors])).toEqual([
      ['probe', 1],
      [undefined, 1],
    ]);
  });

  it('without a metrics instance nothing is counted (the local host and the other tests)', async () => {
    const quiet = createApiHandler({ family: 'probe', deps: h.deps, routes: ROUTES });
    const out = await written(() => quiet(event('POST /probe/boom'), context));
    expect(out.logs.map((l) => l.level)).toEqual(['ERROR']);
    expect(out.metrics).toEqual([]);
  });
});

describe('the real functions', () => {
  it('404, 412 and 409 of the cases function are INFO lines with the request id; nothing is logged at ERROR', async () => {
    const clerk = await h.token('clerk', 'clerk-logs');
    const created = await h.request('POST', '/v1/cases', { token: clerk, body: caseBody() });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const accept = (version: number) =>
      h.request('POST', `/v1/cases/${id}/accept`, {
        token: clerk,
        body: { track: 'immediate' },
        headers: { 'if-match': `"${version}"` },
      });
    const answers: { status: number; requestId: string | null }[] = [];
    const record = (response: Awaited<ReturnType<typeof accept>>) =>
      answers.push({ status: response.status, requestId: response.headers.get('apigw-requestid') });
    const out = await written(async () => {
      record(await h.request('GET', '/v1/cases/no-such-case', { token: clerk }));
      record(await accept(7));
      record(await accept(1));
      // accepted already: accepting again is not allowed in its status
      record(await accept(2));
    });
    expect(answers.map((a) => a.status)).toEqual([404, 412, 200, 409]);
    expect(out.logs.filter((line) => line.level === 'ERROR')).toEqual([]);
    // the lines about a request name its route (others, such as a missing calendar's warning, do not)
    const refused = out.logs.filter((line) => 'route' in line);
    expect(refused.map((line) => [line.level, line.status, line.type, line.route])).toEqual([
      ['INFO', 404, 'not-found', 'GET /v1/cases/{id}'],
      ['INFO', 412, 'stale-version', 'POST /v1/cases/{id}/{command}'],
      ['INFO', 409, 'wrong-status', 'POST /v1/cases/{id}/{command}'],
    ]);
    // the local host gives each invocation the request id it answers with (apigw-requestid) as its Lambda request id
    const refusedIds = answers.filter((a) => a.status !== 200).map((a) => a.requestId);
    expect(new Set(refusedIds).size).toBe(3);
    expect(refused.map((line) => line.function_request_id)).toEqual(refusedIds);
    expect(out.text).not.toContain('stack');
    expect(out.text).not.toContain(clerk);
  });
});
