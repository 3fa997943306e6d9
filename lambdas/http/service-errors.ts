import {
  InternalServerError,
  ProvisionedThroughputExceededException,
  RequestLimitExceeded,
  ThrottlingException,
  TransactionCanceledException,
  TransactionConflictException,
  TransactionInProgressException,
} from '@aws-sdk/client-dynamodb';
import { HttpProblem } from './problem.js';

/** Cancellation reasons that mean "try again shortly", not "your request is wrong". */
const TRANSIENT_REASONS = new Set([
  'ThrottlingError',
  'ProvisionedThroughputExceeded',
  'RequestLimitExceeded',
  // on real DynamoDB two registrations may collide on a shared counter item: nothing was written, try again
  'TransactionConflict',
]);

const TRANSIENT_NAMES = new Set([
  'TimeoutError',
  'RequestTimeout',
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
]);

const unavailable = () =>
  new HttpProblem('unavailable', (m) => m.detail.busy, { headers: { 'retry-after': '1' } });

/**
 * DynamoDB throttling, its transient faults and network timeouts (after the SDK's own retries) become a 503 with
 * `Retry-After`: a transaction either happened whole or not at all, so the client may simply try again.
 */
export function translateServiceError(error: unknown): unknown {
  if (
    error instanceof ProvisionedThroughputExceededException ||
    error instanceof RequestLimitExceeded ||
    error instanceof ThrottlingException ||
    error instanceof InternalServerError ||
    error instanceof TransactionConflictException ||
    error instanceof TransactionInProgressException
  )
    return unavailable();
  if (
    error instanceof TransactionCanceledException &&
    (error.CancellationReasons ?? []).some((reason) => TRANSIENT_REASONS.has(reason.Code ?? ''))
  )
    return unavailable();
  // the SDK's own timeouts and dropped connections carry no class of their own
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    if (TRANSIENT_NAMES.has(error.name) || (typeof code === 'string' && TRANSIENT_NAMES.has(code)))
      return unavailable();
  }
  return error;
}
