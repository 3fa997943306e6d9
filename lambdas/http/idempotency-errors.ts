import {
  IdempotencyAlreadyInProgressError,
  IdempotencyPersistenceLayerError,
  IdempotencyValidationError,
} from '@aws-lambda-powertools/idempotency';
import { HttpProblem } from './problem.js';

/** Powertools' idempotency errors, as the contract's problems. */
export function translateIdempotencyError(error: unknown): unknown {
  if (error instanceof IdempotencyValidationError)
    return new HttpProblem('idempotency-mismatch', {
      zh: '此 Idempotency-Key 已用于内容不同的请求',
      en: 'This Idempotency-Key was used with a different body',
    });
  if (error instanceof IdempotencyAlreadyInProgressError)
    return new HttpProblem(
      'in-progress',
      {
        zh: '使用相同 Idempotency-Key 的请求仍在处理，请稍后重试',
        en: 'A request with this key is still running',
      },
      { headers: { 'retry-after': '1' } },
    );
  if (error instanceof IdempotencyPersistenceLayerError)
    return new HttpProblem('unavailable', {}, { headers: { 'retry-after': '1' } });
  return error;
}
