import { IdempotencyValidationError } from '@aws-lambda-powertools/idempotency';
import { ThrottlingException } from '@aws-sdk/client-dynamodb';
import middy from '@middy/core';
import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as z from 'zod/mini';
import { NotFoundError, WrongStatusError } from '../../lambdas/domain/errors.js';
import { problemResponses } from '../../lambdas/http/error-middleware.js';
import { translateIdempotencyError } from '../../lambdas/http/idempotency-errors.js';
import { parseWith } from '../../lambdas/http/validation.js';

type Event = APIGatewayProxyEventV2WithJWTAuthorizer;
type Result = APIGatewayProxyStructuredResultV2;

const SECRET = 'petitioner 330681198001010012 at table cases-prod';

const event = (headers: Record<string, string> = {}): Event =>
  ({
    routeKey: 'POST /v1/cases/{id}/{command}',
    rawPath: '/v1/cases/c-1/accept',
    headers: { authorization: `Bearer ${SECRET}`, ...headers },
  }) as unknown as Event;
const context = {} as Context;

const logger = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };
beforeEach(() => vi.clearAllMocks());

/** A handler that throws what `fail` makes (or what `fail` throws itself), behind the middleware under test. */
const throwing = (fail: () => unknown, options: Parameters<typeof problemResponses>[0] = { logger }) =>
  middy<Event, Result, Error, Context>()
    .use(problemResponses(options))
    .handler(async () => {
      throw fail();
    });

const answer = async (fail: () => unknown, headers?: Record<string, string>) => {
  const result = await throwing(fail)(event(headers), context);
  return { result, body: JSON.parse(result.body ?? 'null') as Record<string, unknown> };
};

const PROBLEM_JSON = 'application/problem+json; charset=utf-8';

describe('problemResponses', () => {
  it('a domain error: its 4xx as problem+json, in the language asked for, logged once at INFO', async () => {
    const { result, body } = await answer(() => new WrongStatusError('closed', 'accept'), {
      'Accept-Language': 'en-GB,en;q=0.9',
    });

    expect(result.statusCode).toBe(409);
    expect(result.headers).toMatchObject({ 'content-type': PROBLEM_JSON, 'content-language': 'en' });
    expect(body).toEqual({
      type: '/problems/wrong-status',
      title: 'Not allowed in the current status',
      status: 409,
      detail: '“accept” is not allowed while the case is closed',
      instance: '/v1/cases/c-1/accept',
    });
    expect(logger.info).toHaveBeenCalledExactlyOnceWith('request refused', {
      route: 'POST /v1/cases/{id}/{command}',
      status: 409,
      type: 'wrong-status',
    });
    expect(logger.error).not.toHaveBeenCalled();
  });

  it('a not-found domain error in Chinese by default', async () => {
    const { result, body } = await answer(() => new NotFoundError());

    expect(result.statusCode).toBe(404);
    expect(result.headers).toMatchObject({ 'content-type': PROBLEM_JSON, 'content-language': 'zh-CN' });
    expect(body).toMatchObject({ type: '/problems/not-found', title: '未找到', status: 404 });
  });

  it('input a zod schema refuses: a 400 naming each field', async () => {
    const schema = z.strictObject({ title: z.string() });
    const { result, body } = await answer(() => parseWith(schema, { title: 7, extra: true }, 'en'));

    expect(result.statusCode).toBe(400);
    expect(result.headers?.['content-type']).toBe(PROBLEM_JSON);
    expect(body.type).toBe('/problems/validation');
    expect((body.errors as { path: string }[]).map((e) => e.path).sort()).toEqual(['extra', 'title']);
  });

  it('a ZodError that escaped parsing is a fault of the service: a bare 500', async () => {
    const { result, body } = await answer(() => z.object({ secret: z.literal(SECRET) }).safeParse({}).error);

    expect(result.statusCode).toBe(500);
    expect(body).toEqual({
      type: '/problems/internal',
      title: '服务内部错误',
      status: 500,
      detail: '服务内部错误',
      instance: '/v1/cases/c-1/accept',
    });
    expect(result.body).not.toContain(SECRET);
  });

  it('an unknown error: a 500 with no stack or message of its own, logged at ERROR with the error', async () => {
    const bug = new Error(`cannot read ${SECRET}`);
    const { result, body } = await answer(() => bug, { 'accept-language': 'en' });

    expect(result.statusCode).toBe(500);
    expect(result.headers?.['content-type']).toBe(PROBLEM_JSON);
    expect(body).toEqual({
      type: '/problems/internal',
      title: 'Internal error',
      status: 500,
      detail: 'Internal error',
      instance: '/v1/cases/c-1/accept',
    });
    expect(result.body).not.toContain(SECRET);
    expect(result.body).not.toMatch(/stack|at .*\.ts/);
    expect(logger.error).toHaveBeenCalledExactlyOnceWith('unhandled error', {
      route: 'POST /v1/cases/{id}/{command}',
      status: 500,
      type: 'internal',
      error: bug,
    });
    // the event (its token) is never handed to the logger
    expect(JSON.stringify(logger.error.mock.calls[0]?.[1] ?? {})).not.toContain('Bearer');
  });

  it('a DynamoDB throttle (by default translated): a 503 with Retry-After, logged at WARN', async () => {
    const { result, body } = await answer(() => new ThrottlingException({ message: SECRET, $metadata: {} }));

    expect(result.statusCode).toBe(503);
    expect(result.headers).toMatchObject({ 'content-type': PROBLEM_JSON, 'retry-after': '1' });
    expect(body.type).toBe('/problems/unavailable');
    expect(result.body).not.toContain(SECRET);
    expect(logger.warn).toHaveBeenCalledExactlyOnceWith('transient failure', {
      route: 'POST /v1/cases/{id}/{command}',
      status: 503,
      cause: 'ThrottlingException',
    });
  });

  it('an idempotency key reused with another body (translated by the idempotency layer): a 409', async () => {
    const handler = throwing(() => new IdempotencyValidationError('payload differs'), {
      logger,
      translators: [translateIdempotencyError],
    });
    const result = await handler(event(), context);
    const body = JSON.parse(result.body ?? '{}');

    expect(result.statusCode).toBe(409);
    expect(body.type).toBe('/problems/idempotency-mismatch');
  });

  it('translators given replace the defaults', async () => {
    const handler = throwing(() => new ThrottlingException({ message: 'slow', $metadata: {} }), {
      logger,
      translators: [],
    });

    expect((await handler(event(), context)).statusCode).toBe(500);
    expect(logger.error).toHaveBeenCalledOnce();
  });

  it('a handler that answers is left alone', async () => {
    const handler = middy<Event, Result, Error, Context>()
      .use(problemResponses({ logger }))
      .handler(async () => ({ statusCode: 204 }));

    expect(await handler(event(), context)).toEqual({ statusCode: 204 });
    expect([logger.info, logger.warn, logger.error].every((log) => log.mock.calls.length === 0)).toBe(true);
  });
});
