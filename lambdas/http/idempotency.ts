import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { Context } from 'aws-lambda';
import type { Deps } from '../adapters/deps.js';
import type { ApiEvent, ApiResult, IdempotencyLayer } from './api.js';
import { translateIdempotencyError } from './idempotency-errors.js';

/**
 * Powertools idempotency for the POSTs of a family that carry an `Idempotency-Key` from a signed-in caller, scoped by
 * town, caller and request path, the stored answer checked against the body. Only the families with such POSTs
 * import it (it brings JMESPath with it).
 */
export function idempotencyLayer(family: string, deps: Pick<Deps, 'db' | 'tables'>): IdempotencyLayer {
  const persistenceStore = new DynamoDBPersistenceLayer({
    tableName: deps.tables.idempotency,
    awsSdkV3Client: deps.db,
  });
  const config = new IdempotencyConfig({
    // only POSTs with a non-empty key from a signed-in caller (without one, every client would share one scope);
    // anything that selects null skips idempotency (`false` or `""` would not)
    eventKeyJmesPath:
      '(requestContext.http.method == \'POST\' || `null`) && (headers."idempotency-key" || `null`) && ' +
      'requestContext.authorizer.jwt.claims.sub && ' +
      '[requestContext.authorizer.jwt.claims."custom:town", requestContext.authorizer.jwt.claims.sub, rawPath, ' +
      'headers."idempotency-key"]',
    payloadValidationJmesPath: 'body',
    expiresAfterSeconds: 24 * 60 * 60,
    throwOnNoIdempotencyKey: false,
  });
  return {
    // The wrapper, not the middy middleware: the middleware's onError deletes the first request's record when a
    // duplicate is refused (in progress or another body), which would let the duplicate run again.
    wrap: (core: (event: ApiEvent, context: Context) => Promise<ApiResult>) =>
      makeIdempotent(core, { persistenceStore, config, keyPrefix: family }),
    registerLambdaContext: (context: Context) => config.registerLambdaContext(context),
    translateError: translateIdempotencyError,
  };
}
