import type { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { MacFunction } from '../domain/timeline.js';
import { type KeyWrapper, kmsKeyWrapper } from './data-keys.js';
import type { EvidenceStore } from './evidence-store.js';
import { kmsClient, kmsMac } from './mac.js';
import { cloudMetrics } from './metrics.js';
import { type Publisher, snsPublisherFromEnv } from './publisher.js';
import type { TableNames } from './table-model.js';

/** What handlers need from the outside world, made once per process and passed in (tests and the local host too). */
export interface Deps {
  db: DynamoDBDocumentClient;
  tables: TableNames;
  now: () => Date;
  /** Keyed hash for the timeline chain and the blind index. */
  mac: MacFunction;
  /** Makes and unwraps the per-case data keys that seal personal data (KMS in the cloud). */
  dataKeys: KeyWrapper;
  /** Where outbox messages are published. */
  publisher: Publisher;
  /** How long a function keeps a town's settings before reading them again (default one minute). */
  settingsCacheMs?: number;
  /** Where the API functions count their 5xx answers (the local host and the tests record none). */
  metrics?: Metrics;
  /** The evidence bucket, for the functions that keep or erase attachments (`evidenceStoreFromEnv`). */
  evidence?: EvidenceStore;
}

export const documentClient = (client: DynamoDBClient): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false },
  });

/**
 * The deployed functions' DynamoDB client. The SDK waits for a socket forever by default; a function would then sit
 * until its own 10 s timeout and the caller get the gateway's bare 5xx. With these bounds a hung connection fails
 * within the SDK's three attempts (about 7 s at worst) and the caller gets a 503 with Retry-After.
 */
export const DYNAMODB_TIMEOUTS = {
  connectionTimeout: 1_000,
  requestTimeout: 2_000,
  // without it the SDK only logs a warning when a request runs over
  throwOnRequestTimeout: true,
} as const;

export const cloudDynamoClient = (endpoint?: string): DynamoDBClient =>
  new DynamoDBClient({
    ...(endpoint ? { endpoint } : {}),
    maxAttempts: 3,
    requestHandler: { ...DYNAMODB_TIMEOUTS },
  });

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

/** The deployed functions' dependencies, from the environment the stack sets. */
export function depsFromEnv(): Deps {
  return {
    db: documentClient(cloudDynamoClient()),
    tables: {
      cases: requiredEnv('CASES_TABLE'),
      grids: requiredEnv('GRIDS_TABLE'),
      idempotency: requiredEnv('IDEMPOTENCY_TABLE'),
    },
    now: () => new Date(),
    mac: kmsMac(kmsClient(), requiredEnv('MAC_KEY_ID')),
    dataKeys: kmsKeyWrapper(kmsClient(), requiredEnv('DATA_KEY_ID')),
    publisher: snsPublisherFromEnv(process.env),
    metrics: cloudMetrics(),
  };
}
