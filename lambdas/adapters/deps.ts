import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { MacFunction } from '../domain/timeline.js';
import { type KeyWrapper, kmsKeyWrapper } from './data-keys.js';
import { kmsClient, kmsMac } from './mac.js';
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
}

export const documentClient = (client: DynamoDBClient): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false },
  });

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

/** The deployed functions' dependencies, from the environment the stack sets. */
export function depsFromEnv(): Deps {
  return {
    db: documentClient(new DynamoDBClient({})),
    tables: {
      cases: requiredEnv('CASES_TABLE'),
      grids: requiredEnv('GRIDS_TABLE'),
      idempotency: requiredEnv('IDEMPOTENCY_TABLE'),
    },
    now: () => new Date(),
    mac: kmsMac(kmsClient(), requiredEnv('MAC_KEY_ID')),
    dataKeys: kmsKeyWrapper(kmsClient(), requiredEnv('DATA_KEY_ID')),
    publisher: snsPublisherFromEnv(process.env),
  };
}
