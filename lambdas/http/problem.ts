import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import {
  ContentionError,
  DomainError,
  ForbiddenError,
  InvalidCursorError,
  InvalidFieldError,
  NotFoundError,
  type RuleCode,
  RuleViolationError,
  StaleVersionError,
  WrongStatusError,
} from '../domain/errors.js';

/**
 * RFC 9457 problem details: one error class for the HTTP layer, one catalogue of problem types with their status and
 * titles in both languages, and one function that turns any thrown value into a response.
 */

export type Language = 'zh' | 'en';
type Text = Record<Language, string>;

interface ProblemKind {
  status: number;
  title: Text;
}

export const PROBLEM_KINDS = {
  unauthorized: { status: 401, title: { zh: '未认证或令牌无效', en: 'Not authenticated' } },
  'not-found': { status: 404, title: { zh: '未找到', en: 'Not found' } },
  forbidden: { status: 403, title: { zh: '无权执行此操作', en: 'Forbidden' } },
  'payload-too-large': { status: 413, title: { zh: '请求体过大', en: 'Payload too large' } },
  'unsupported-media-type': { status: 415, title: { zh: '请求体须为 JSON', en: 'Unsupported media type' } },
  'precondition-required': { status: 428, title: { zh: '缺少 If-Match 版本', en: 'Precondition required' } },
  validation: { status: 400, title: { zh: '输入有误', en: 'Invalid input' } },
  'stale-version': { status: 412, title: { zh: '版本已过期，请刷新后重试', en: 'Stale version' } },
  'wrong-status': {
    status: 409,
    title: { zh: '当前状态不允许此操作', en: 'Not allowed in the current status' },
  },
  conflict: { status: 409, title: { zh: '与现有数据冲突', en: 'Conflict' } },
  'repeat-of-open-case': {
    status: 409,
    title: {
      zh: '该信访人同类事项尚在办理中（重复信访）',
      en: 'The petitioner already has an open case of this category (repeat petition)',
    },
  },
  'idempotency-mismatch': {
    status: 409,
    title: { zh: '幂等键已用于另一个请求', en: 'Idempotency key reused with another request' },
  },
  'helper-inactive': { status: 409, title: { zh: '社会调解力量已停用', en: 'Helper inactive' } },
  'in-progress': { status: 409, title: { zh: '相同请求正在处理', en: 'The same request is in progress' } },
  throttled: { status: 429, title: { zh: '请求过于频繁', en: 'Too many requests' } },
  unavailable: { status: 503, title: { zh: '服务暂时不可用', en: 'Service unavailable' } },
  internal: { status: 500, title: { zh: '服务内部错误', en: 'Internal error' } },
} as const satisfies Record<string, ProblemKind>;

type ProblemType = keyof typeof PROBLEM_KINDS;

export const problemTypeUri = (type: string): string => `/problems/${type}`;

interface FieldError {
  path: string;
  message: string;
}

export class HttpProblem extends Error {
  readonly status: number;
  constructor(
    readonly type: ProblemType | string,
    readonly detail: Partial<Text> = {},
    readonly options: {
      errors?: FieldError[];
      headers?: Record<string, string>;
      status?: number;
      title?: Text;
      /** Members of the problem beyond RFC 9457's own (machine-readable details of this cause). */
      extensions?: Record<string, unknown>;
    } = {},
  ) {
    super(detail.en ?? type);
    const kind = PROBLEM_KINDS[type as ProblemType] as ProblemKind | undefined;
    this.status = options.status ?? kind?.status ?? 409;
  }
}

/** Told to wait: `Retry-After` seconds. */
export const throttledProblem = (retryAfter: number): HttpProblem =>
  new HttpProblem(
    'throttled',
    { zh: `尝试过于频繁，请 ${retryAfter} 秒后再试`, en: `Too many attempts; try again in ${retryAfter} s` },
    { headers: { 'retry-after': String(retryAfter) } },
  );

export const validationProblem = (errors: FieldError[]): HttpProblem =>
  new HttpProblem(
    'validation',
    {
      zh: `请求有 ${errors.length} 处错误：${errors.map((e) => e.path || '(body)').join('、')}`,
      en: `${errors.length} invalid field(s): ${errors.map((e) => e.path || '(body)').join(', ')}`,
    },
    { errors },
  );

/** Titles of the domain's own rule codes (409s), in both languages. */
const RULE_TITLES: Partial<Record<RuleCode, Text>> = {};

export const registerRuleTitles = (titles: Partial<Record<RuleCode, Text>>): void => {
  Object.assign(RULE_TITLES, titles);
};

function fromDomain(error: DomainError): HttpProblem {
  const detail = { zh: error.message, en: error.message };
  if (error instanceof NotFoundError) return new HttpProblem('not-found', {});
  if (error instanceof ForbiddenError) return new HttpProblem('forbidden', detail);
  if (error instanceof StaleVersionError) return new HttpProblem('stale-version', {});
  if (error instanceof ContentionError)
    return new HttpProblem('unavailable', {}, { headers: { 'retry-after': '1' } });
  if (error instanceof InvalidFieldError)
    return validationProblem([{ path: error.path, message: error.reason }]);
  if (error instanceof InvalidCursorError)
    return new HttpProblem(
      'validation',
      { zh: 'cursor 无效', en: 'The cursor is not valid' },
      { errors: [{ path: 'cursor', message: error.message }] },
    );
  if (error instanceof WrongStatusError)
    return new HttpProblem('wrong-status', {
      zh: `案件当前状态（${error.status}）不允许执行 ${error.command}`,
      en: `${error.command} is not allowed while the case is ${error.status}`,
    });
  if (error instanceof RuleViolationError) {
    const title = RULE_TITLES[error.code] ?? PROBLEM_KINDS.conflict.title;
    return new HttpProblem(error.code, detail, { status: 409, title });
  }
  return new HttpProblem('conflict', detail);
}

interface ProblemContext {
  language: Language;
  instance?: string;
}

/** Any thrown value as the problem it answers: a domain error as its 4xx, anything unknown as a 500. */
export function toProblem(error: unknown): HttpProblem {
  if (error instanceof HttpProblem) return error;
  if (error instanceof DomainError) return fromDomain(error);
  return new HttpProblem('internal', {});
}

/** Any thrown value → a problem+json response. Unknown errors become a 500 that says nothing of their cause. */
export function problemResponse(error: unknown, ctx: ProblemContext): APIGatewayProxyStructuredResultV2 {
  const problem = toProblem(error);
  const kind = PROBLEM_KINDS[problem.type as ProblemType] as ProblemKind | undefined;
  const title = problem.options.title ?? kind?.title ?? PROBLEM_KINDS.conflict.title;
  const lang = ctx.language;
  const body = {
    type: problemTypeUri(problem.type),
    title: title[lang],
    status: problem.status,
    detail: problem.detail[lang] ?? title[lang],
    ...(ctx.instance ? { instance: ctx.instance } : {}),
    ...(problem.options.errors ? { errors: problem.options.errors } : {}),
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
