import {
  IdempotencyAlreadyInProgressError,
  IdempotencyPersistenceLayerError,
  IdempotencyValidationError,
} from '@aws-lambda-powertools/idempotency';
import { HttpProblem } from './problem.js';

/** Powertools' idempotency errors, as the contract's problems. */
export function translateIdempotencyError(error: unknown): unknown {
  if (error instanceof IdempotencyValidationError)
    return new HttpProblem('idempotency-mismatch', (m) => m.detail['idempotency-mismatch']);
  if (error instanceof IdempotencyAlreadyInProgressError)
    return new HttpProblem('in-progress', (m) => m.detail['in-progress'], {
      headers: { 'retry-after': '1' },
    });
  if (error instanceof IdempotencyPersistenceLayerError)
    return new HttpProblem('unavailable', undefined, { headers: { 'retry-after': '1' } });
  return error;
}
