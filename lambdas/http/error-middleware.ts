import type { Logger } from '@aws-lambda-powertools/logger';
import type { MiddlewareObj } from '@middy/core';
import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import { logger as sharedLogger } from '../adapters/observability.js';
import { headerOf } from './headers.js';
import { type HttpProblem, languageOf, problemResponse, toProblem } from './problem.js';
import { translateServiceError } from './service-errors.js';

/** Turns an error of a library into the problem it answers, or hands it on unchanged. */
export type ErrorTranslator = (error: unknown) => unknown;

interface ProblemResponsesOptions {
  /** Default: the shared logger. */
  logger?: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** Applied in order before the problem catalogue maps what is left. Default: DynamoDB faults. */
  translators?: readonly ErrorTranslator[];
}

const DEFAULT_TRANSLATORS: readonly ErrorTranslator[] = [translateServiceError];

/**
 * Every error of an API function as problem+json: a domain error as its 4xx, a transient fault as a 503 with
 * Retry-After, anything unknown as a 500 that says nothing of its cause. Each is logged once (see `logProblem`).
 */
export function problemResponses(
  options: ProblemResponsesOptions = {},
): MiddlewareObj<APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2, Error, Context> {
  const logger = options.logger ?? sharedLogger;
  const translators = options.translators ?? DEFAULT_TRANSLATORS;
  return {
    onError: async (request) => {
      const translated = translators.reduce<unknown>((error, translate) => translate(error), request.error);
      const problem = toProblem(translated);
      logProblem(logger, problem, request.error, request.event.routeKey);
      request.response = problemResponse(problem, {
        language: languageOf(headerOf(request.event, 'accept-language')),
        instance: request.event.rawPath,
      });
    },
  };
}

/**
 * One log line per refused or failed request, at the level of whose fault it is: the client's (4xx) at INFO, a
 * transient one (503) at WARN, the service's (other 5xx) at ERROR with the error. Only the route, the problem's type
 * and status go with it: the event carries the token and personal data.
 */
function logProblem(
  logger: Pick<Logger, 'info' | 'warn' | 'error'>,
  problem: HttpProblem,
  error: unknown,
  route: string,
): void {
  const { type, status } = problem;
  if (status === 503) logger.warn('transient failure', { route, status, cause: (error as Error).name });
  else if (status >= 500) logger.error('unhandled error', { route, status, type, error: error as Error });
  else logger.info('request refused', { route, status, type });
}
