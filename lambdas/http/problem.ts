import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import {
  ContentionError,
  DomainError,
  type FieldReason,
  type FieldReasons,
  ForbiddenError,
  type ForbiddenReasons,
  InvalidCursorError,
  InvalidFieldError,
  NotFoundError,
  type RuleCode,
  type RuleParams,
  RuleViolationError,
  StaleVersionError,
  WrongStatusError,
} from '../domain/errors.js';
import { type Language, MESSAGES, type Messages, type Say } from './messages/index.js';

/**
 * RFC 9457 problem details: one error class for the HTTP layer, the problem types with their status, and one function
 * that turns any thrown value into a response, worded from the message catalogue of the caller's language.
 */

export type { Language, Say };

export const PROBLEM_KINDS = {
  unauthorized: { status: 401 },
  'not-found': { status: 404 },
  forbidden: { status: 403 },
  'payload-too-large': { status: 413 },
  'unsupported-media-type': { status: 415 },
  'precondition-required': { status: 428 },
  validation: { status: 400 },
  'stale-version': { status: 412 },
  'wrong-status': { status: 409 },
  conflict: { status: 409 },
  'repeat-of-open-case': { status: 409 },
  'idempotency-mismatch': { status: 409 },
  'helper-inactive': { status: 409 },
  'in-progress': { status: 409 },
  throttled: { status: 429 },
  unavailable: { status: 503 },
  internal: { status: 500 },
} as const satisfies Record<string, { status: number }>;

/** A problem type: one of the kinds above, or a rule of the domain (each a 409). */
type ProblemType = keyof typeof PROBLEM_KINDS | RuleCode;

export const problemTypeUri = (type: string): string => `/problems/${type}`;

interface FieldError {
  path: string;
  message: Say;
}

export class HttpProblem extends Error {
  readonly status: number;
  constructor(
    readonly type: ProblemType,
    /** Default: the title. */
    readonly detail?: Say,
    readonly options: {
      errors?: FieldError[];
      headers?: Record<string, string>;
      /** Members of the problem beyond RFC 9457's own (machine-readable details of this cause). */
      extensions?: Record<string, unknown>;
    } = {},
  ) {
    super(type);
    this.status = type in PROBLEM_KINDS ? PROBLEM_KINDS[type as keyof typeof PROBLEM_KINDS].status : 409;
  }
}

/** Told to wait: `Retry-After` seconds. */
export const throttledProblem = (retryAfter: number): HttpProblem =>
  new HttpProblem('throttled', (m) => m.detail.throttled({ seconds: retryAfter }), {
    headers: { 'retry-after': String(retryAfter) },
  });

export const validationProblem = (errors: FieldError[]): HttpProblem =>
  new HttpProblem('validation', (m) => m.detail.validation({ count: errors.length }), { errors });

/** A 400 naming one field, with the message of the catalogue's `field` section. */
export const fieldProblem = (path: string, message: Say): HttpProblem =>
  validationProblem([{ path, message }]);

/** Words whose parameters the caller names apart from the key: an entry with none is the text itself. */
type Words<P> = [P] extends [undefined] ? string : (params: P) => string;

const sayWith =
  <K extends string, P>(section: (m: Messages) => Record<K, unknown>, key: K, params: P): Say =>
  (m) => {
    const words = section(m)[key] as Words<P> | string;
    return typeof words === 'string' ? words : words(params);
  };

// the catalogue words every reason the domain names, with the parameters the domain gives it
const fieldWords = (m: Messages): { [K in FieldReason]: Words<FieldReasons[K]> } => m.field;
const ruleWords = (
  m: Messages,
): { [C in RuleCode]: Words<C extends keyof RuleParams ? RuleParams[C] : undefined> } => m.rule;
const forbiddenWords = (m: Messages): { [K in keyof ForbiddenReasons]: Words<ForbiddenReasons[K]> } =>
  m.forbidden;

function fromDomain(error: DomainError): HttpProblem {
  if (error instanceof NotFoundError) return new HttpProblem('not-found');
  if (error instanceof ForbiddenError)
    return new HttpProblem('forbidden', sayWith(forbiddenWords, error.reason, error.params));
  if (error instanceof StaleVersionError) return new HttpProblem('stale-version');
  if (error instanceof ContentionError)
    return new HttpProblem('unavailable', undefined, { headers: { 'retry-after': '1' } });
  if (error instanceof InvalidFieldError)
    return fieldProblem(error.path, sayWith(fieldWords, error.reason, error.params));
  if (error instanceof InvalidCursorError)
    return new HttpProblem('validation', (m) => m.detail.cursor, {
      errors: [{ path: 'cursor', message: (m) => m.field.cursor }],
    });
  if (error instanceof WrongStatusError)
    return new HttpProblem('wrong-status', (m) => m.detail['wrong-status'](error));
  if (error instanceof RuleViolationError)
    return new HttpProblem(error.code, sayWith(ruleWords, error.code, error.params));
  return new HttpProblem('conflict');
}

interface ProblemContext {
  language: Language;
  instance?: string;
}

/** Any thrown value as the problem it answers: a domain error as its 4xx, anything unknown as a 500. */
export function toProblem(error: unknown): HttpProblem {
  if (error instanceof HttpProblem) return error;
  if (error instanceof DomainError) return fromDomain(error);
  return new HttpProblem('internal');
}

/** Any thrown value → a problem+json response. Unknown errors become a 500 that says nothing of their cause. */
export function problemResponse(error: unknown, ctx: ProblemContext): APIGatewayProxyStructuredResultV2 {
  const problem = toProblem(error);
  const lang = ctx.language;
  const m = MESSAGES[lang];
  const title = m.title[problem.type];
  const body = {
    type: problemTypeUri(problem.type),
    title,
    status: problem.status,
    detail: problem.detail?.(m, lang) ?? title,
    ...(ctx.instance ? { instance: ctx.instance } : {}),
    ...(problem.options.errors
      ? { errors: problem.options.errors.map(({ path, message }) => ({ path, message: message(m, lang) })) }
      : {}),
    ...problem.options.extensions,
  };
  return {
    statusCode: problem.status,
    headers: {
      'content-type': 'application/problem+json; charset=utf-8',
      'content-language': lang === 'en' ? 'en' : 'zh-CN',
      ...problem.options.headers,
    },
    body: JSON.stringify(body),
  };
}

/** `Accept-Language: en...` gets English; anything else gets Chinese. */
export function languageOf(acceptLanguage: string | undefined): Language {
  if (!acceptLanguage) return 'zh';
  const first = acceptLanguage.split(',')[0]?.trim().toLowerCase() ?? '';
  return first.startsWith('en') ? 'en' : 'zh';
}
