import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { documentClient } from '../adapters/deps.js';
import { loadOrCreateLocalKeyRing, localKeyWrapper } from '../adapters/data-keys.js';
import { loadOrCreateLocalSecret, localMac } from '../adapters/mac.js';
import { TablePublisher } from '../adapters/publisher.js';
import { logger } from '../adapters/observability.js';
import { tableNamesFor } from '../adapters/table-model.js';
import { createFamilyHandlers } from './app.js';
import { clearRuntime, ensureTables, startDynamoLocal, writeRuntime } from './dynamo-local.js';
import { DEFAULT_TOWN, loadOrCreateKeys } from './identity.js';
import { seedDemoCases, seedDemoGrids } from './seed.js';
import { DATA_DIR, TABLE_PREFIX } from './paths.js';
import { startLocalSchedules } from './schedules.js';
import { createLocalServer } from './server.js';

/** `npm start`: DynamoDB Local, the tables, the demo town and the API on one machine. */

async function main(): Promise<void> {
  const started = Date.now();
  const inMemory = process.argv.includes('--in-memory');
  const port = Number(process.env.PORT ?? 3000);

  const keys = await loadOrCreateKeys(DATA_DIR);
  const dynamo = await startDynamoLocal(inMemory ? {} : { dataDir: resolve(DATA_DIR, 'dynamodb') });
  const tables = tableNamesFor(TABLE_PREFIX);
  await ensureTables(dynamo.client, tables);
  const db = documentClient(dynamo.client);
  const deps = {
    db,
    tables,
    now: () => new Date(),
    mac: localMac(loadOrCreateLocalSecret(DATA_DIR)),
    dataKeys: localKeyWrapper(loadOrCreateLocalKeyRing(DATA_DIR)),
    publisher: new TablePublisher(db, tables.cases),
  };

  const server = createLocalServer({ handlers: createFamilyHandlers(deps), keys });
  await new Promise<void>((done) => server.listen(port, '127.0.0.1', done));
  const baseUrl = `http://localhost:${(server.address() as AddressInfo).port}`;

  if (await seedDemoGrids(deps, DEFAULT_TOWN)) await seedDemoCases(baseUrl, keys, DEFAULT_TOWN);
  writeRuntime(DATA_DIR, {
    endpoint: dynamo.endpoint,
    apiPort: port,
    tablePrefix: TABLE_PREFIX,
    pid: process.pid,
  });

  const schedules = startLocalSchedules(deps);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    for (const job of schedules) job.stop();
    server.close();
    server.closeAllConnections();
    await dynamo.stop();
    clearRuntime(DATA_DIR);
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  console.log(
    [
      `Fengqiao is ready on ${baseUrl} in ${Date.now() - started} ms (${inMemory ? 'in memory' : `data in ${DATA_DIR}`})`,
      `  token:  npm run token -- --role clerk --sub clerk-1`,
      `  try:    curl -H "Authorization: Bearer $TOKEN" ${baseUrl}/v1/cases`,
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  logger.error('local host failed to start', { error: error as Error });
  process.exit(1);
});
