import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import type * as z from 'zod/mini';
import type { Deps } from '../adapters/deps.js';
import type { FunctionFamily } from '../adapters/function-families.js';
import { countServerError } from '../adapters/metrics.js';
import { logger } from '../adapters/observability.js';
import type { Principal } from '../domain/roles.js';
import { principalOf } from './auth.js';
import { type ErrorTranslator, problemResponses } from './error-middleware.js';
import { headerOf as header } from './headers.js';
import { HttpProblem, type Language, languageOf, type Say } from './problem.js';
import type { RouteKeyOf } from './routes.js';
import { translateServiceError } from './service-errors.js';
import { parseWith } from './validation.js';

export type ApiEvent = APIGatewayProxyEventV2WithJWTAuthorizer;
export type ApiResult = APIGatewayProxyStructuredResultV2;

export const MAX_BODY_BYTES = 64 * 1024;
const MAX_PATH_PARAMETER = 200;

/**
 * What a route handler receives: the authenticated request. The body is read only when the handler asks, after its
 * 404 and 403 checks, so the contract's order of checks holds (401 → 404 → 403 → 413/415 → 428 → 400).
 */
export interface ApiRequest {
  event: ApiEvent;
  principal: Principal;
  params: Record<string, string>;
  query: Record<string, string>;
  language: Language;
  header(name: string): string | undefined;
  /** The JSON body checked against a schema: 413, 415 or 400 otherwise. */
  body<S extends z.ZodMiniType>(schema: S): z.output<S>;
  /** The JSON body, read but not yet checked (413, 415 or 400 for JSON that does not parse). */
  json(): unknown;
}

export interface ApiResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /**
   * Fields of the JSON body the caller sees but no store keeps in the clear (a query code): added to the answer after
   * the idempotency layer has stored it, and derived again by the route's `replaySecret` when it is replayed.
   */
  secret?: Record<string, string>;
}

export interface RouteDefinition {
  /** `false` for routes anyone may call (no principal). */
  authorized?: boolean;
  handle(request: ApiRequest): Promise<ApiResponse>;
  /** The `secret` fields of an answer replayed from the idempotency store, derived again from the same request. */
  replaySecret?(request: ApiRequest): Promise<Record<string, string>>;
  /**
   * `false`: the idempotency layer never sees this route, because its answer holds what no store may keep (clear
   * personal data, a key shown once) or its body is a secret. The route refuses an `Idempotency-Key` itself, where the
   * contract's order of checks puts a 400, with `refuseIdempotencyKey`.
   */
  idempotent?: false;
}

/** The 400 of a route that takes no `Idempotency-Key` (see `RouteDefinition.idempotent`), when one is sent. */
export function refuseIdempotencyKey(request: ApiRequest, why: Say): void {
  if (request.header('idempotency-key') !== undefined)
    throw new HttpProblem('validation', why, {
      errors: [{ path: 'Idempotency-Key', message: (m) => m.field['key-not-accepted'] }],
    });
}

/** 413 → 415 → 400, in the contract's order. */
function readJsonBody(event: ApiEvent): unknown {
  const raw = event.body ?? '';
  const text = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  if (Buffer.byteLength(text, 'utf8') > MAX_BODY_BYTES)
    throw new HttpProblem('payload-too-large', (m) => m.detail['too-large']({ bytes: MAX_BODY_BYTES }));
  const contentType = header(event, 'content-type')?.split(';')[0]?.trim().toLowerCase();
  if (contentType !== 'application/json' && !contentType?.endsWith('+json'))
    throw new HttpProblem('unsupported-media-type', (m) => m.detail['media-type']);
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpProblem('validation', (m) => m.detail['bad-json'], {
      errors: [{ path: '', message: (m) => m.field['bad-json'] }],
    });
  }
}

const definedOnly = (record: Record<string, string | undefined> | undefined): Record<string, string> =>
  Object.fromEntries(
    Object.entries(record ?? {}).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );

/** A string body that comes with its own content-type (a rendered page) is sent as it is; anything else as JSON. */
function toResult(response: ApiResponse): ApiResult {
  const raw = typeof response.body === 'string' && response.headers?.['content-type'] !== undefined;
  return {
    statusCode: response.status,
    headers: {
      ...(response.body === undefined || raw ? {} : { 'content-type': 'application/json; charset=utf-8' }),
      ...response.headers,
    },
    ...(response.body === undefined
      ? {}
      : { body: raw ? (response.body as string) : JSON.stringify(response.body) }),
  };
}

/** A JSON answer with fields added to its body. */
function withFields(result: ApiResult, fields: Record<string, string>): ApiResult {
  const body: unknown = JSON.parse(result.body ?? 'null');
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new Error('secret fields need an answer whose body is a JSON object');
  return { ...result, body: JSON.stringify({ ...body, ...fields }) };
}

/** A function family of the route table serves exactly its routes; any other name (a test's probe) what it is given. */
type FamilyRoutes<F extends string> = F extends FunctionFamily
  ? Record<RouteKeyOf<F>, RouteDefinition>
  : Record<string, RouteDefinition>;

type Core = (event: ApiEvent, context: Context) => Promise<ApiResult>;

/** What makes a family's POSTs idempotent (`idempotencyLayer` in ./idempotency.ts); GET-only families go without. */
export interface IdempotencyLayer {
  wrap(core: Core): Core;
  registerLambdaContext(context: Context): void;
  /** Its own errors (a key reused with another body, a request still in progress) as the contract's problems. */
  translateError: ErrorTranslator;
}

interface ApiOptions<F extends string> {
  /** Names the function in logs, metrics and idempotency keys. */
  family: F;
  routes: FamilyRoutes<F>;
  deps: Pick<Deps, 'metrics'>;
  /** Required when a route takes an `Idempotency-Key`: a signed-in caller's POST that does not opt out. */
  idempotency?: IdempotencyLayer;
}

/**
 * The middy chain every API function shares: the Lambda context in every log line, problem+json for every error
 * (`problemResponses`), then the family's idempotency layer for POSTs that carry an `Idempotency-Key`, then the route. An answer's secret fields are added outside the idempotency layer, so its stored
 * copy never holds them.
 */
export function createApiHandler<F extends string>(options: ApiOptions<F>) {
  // the gateway names the route of an event by its key
  const routes: Partial<Record<string, RouteDefinition>> = options.routes;
  const requestOf = (event: ApiEvent, definition: RouteDefinition): ApiRequest => {
    const principal = definition.authorized === false ? undefined : principalOf(event);
    const language = languageOf(header(event, 'accept-language'));
    return {
      event,
      principal: principal as Principal,
      params: definedOnly(event.pathParameters),
      query: definedOnly(event.queryStringParameters),
      language,
      header: (name) => header(event, name),
      body: (schema) => parseWith(schema, readJsonBody(event), language),
      json: () => readJsonBody(event),
    };
  };

  // the secret fields of each answer the route made in this invocation; an event without an entry was replayed
  const secrets = new WeakMap<ApiEvent, Record<string, string>>();

  const core: Core = async (event, _context) => {
    const definition = routes[event.routeKey];
    if (!definition) throw new HttpProblem('not-found');
    // no id of this service is that long, and DynamoDB refuses such keys: it cannot exist
    if (Object.values(event.pathParameters ?? {}).some((p) => (p?.length ?? 0) > MAX_PATH_PARAMETER))
      throw new HttpProblem('not-found');
    const { secret, ...response } = await definition.handle(requestOf(event, definition));
    secrets.set(event, secret ?? {});
    return toResult(response);
  };

  /** The secret fields of an answer: the route's own, or derived again for one the idempotency layer replayed. */
  const secretOf = async (event: ApiEvent, result: ApiResult): Promise<Record<string, string>> => {
    const made = secrets.get(event);
    if (made) return made;
    const definition = routes[event.routeKey];
    if (!definition?.replaySecret || (result.statusCode ?? 200) >= 300) return {};
    return definition.replaySecret(requestOf(event, definition));
  };

  const { idempotency } = options;
  const idempotentCore = idempotency?.wrap(core);
  const needsKey = Object.entries(routes).find(
    ([key, route]) => key.startsWith('POST ') && route?.authorized !== false && route?.idempotent !== false,
  );
  if (needsKey && !idempotentCore)
    throw new Error(
      `${needsKey[0]} takes an Idempotency-Key: give ${options.family}'s createApiHandler idempotencyLayer(family, deps)`,
    );

  const chain = middy<ApiEvent, ApiResult, Error, Context>()
    // first, so that every line of the invocation, the error's too, carries the Lambda request id; never the event
    // (it carries the token and personal data), whatever POWERTOOLS_LOGGER_LOG_EVENT says
    .use(injectLambdaContext(logger, { logEvent: false }))
    .use(
      problemResponses({
        logger,
        translators: idempotency
          ? [idempotency.translateError, translateServiceError]
          : [translateServiceError],
      }),
    )
    .handler(async (event, context) => {
      idempotency?.registerLambdaContext(context);
      // what the idempotency layer stores is the answer without its secret fields
      // what the layer's key expression would skip anyway is not handed to it: a read then costs nothing of it
      const bypass =
        !idempotentCore ||
        routes[event.routeKey]?.idempotent === false ||
        event.requestContext.http.method !== 'POST' ||
        !header(event, 'idempotency-key');
      const result = await (bypass ? core : idempotentCore)(event, context);
      const secret = await secretOf(event, result);
      return Object.keys(secret).length > 0 ? withFields(result, secret) : result;
    });

  const { metrics } = options.deps;
  // every 5xx answer is counted, those a route gives itself (Open311's) included
  return async (event: ApiEvent, context: Context): Promise<ApiResult> => {
    const result = await chain(event, context);
    if (metrics && (result.statusCode ?? 200) >= 500) countServerError(metrics, options.family);
    return result;
  };
}

/** The deployed entry point: dependencies are made on the first invocation, once per execution environment. */
export function lazyHandler(create: () => (event: ApiEvent, context: Context) => Promise<ApiResult>) {
  let made: ((event: ApiEvent, context: Context) => Promise<ApiResult>) | undefined;
  return (event: ApiEvent, context: Context): Promise<ApiResult> => {
    made ??= create();
    return made(event, context);
  };
}
