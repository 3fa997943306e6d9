import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadOrCreateLocalKeyRing, localKeyWrapper } from '../adapters/data-keys.js';
import { documentClient } from '../adapters/deps.js';
import { loadOrCreateLocalSecret, localMac } from '../adapters/mac.js';
import { logger } from '../adapters/observability.js';
import { TablePublisher } from '../adapters/publisher.js';
import { tableNamesFor } from '../adapters/table-model.js';
import { createFamilyHandlers, localTowns } from './app.js';
import {
  clearRuntime,
  enginesOn,
  ensureTables,
  isEngine,
  type RunningDynamo,
  startDynamoLocal,
  writeRuntime,
} from './dynamo-local.js';
import { DataDirInUseError, type HostLock, lockDataDir } from './host-lock.js';
import { DEFAULT_TOWN, loadOrCreateKeys } from './identity.js';
import { DATA_DIR, TABLE_PREFIX } from './paths.js';
import { commandLine, endProcess, signal } from './processes.js';
import { type RunningS3, startS3Local } from './s3-local.js';
import { startLocalSchedules } from './schedules.js';
import { DEMO_STAFF, hasStaff, type SeededTown, seedDemoGrids, seedDemoTown } from './seed.js';
import { createLocalServer } from './server.js';
import { ensureWebBuilt, WEB_DIST } from './web-build.js';
import { createWebPages } from './web-pages.js';
import { createLocalSignIn } from './web-sign-in.js';

/**
 * `npm start`: DynamoDB Local, a loopback S3 server for the evidence files, the tables, the demo town and the API on one
 * machine. One host per data folder (a lock
 * file); the host stops its engine whenever it stops, and restarts the engine if it dies.
 */

/** An engine that dies more often than this is not restarted again: the host exits and says why. */
const RESTARTS_PER_MINUTE = 3;

const STARTING = { zh: '本地服务正在启动', en: 'The local host is starting' };
const RESTARTING = { zh: 'DynamoDB Local 正在重启', en: 'DynamoDB Local is restarting' };

/** Ends engines a host that is gone left running on these files (or on the port its lock recorded). */
async function stopOrphans(lock: HostLock, dbPath: string | undefined): Promise<void> {
  const orphans = new Set(dbPath ? enginesOn(dbPath) : []);
  const { enginePid, enginePort } = lock.stale ?? {};
  if (enginePid && enginePort && isEngine(commandLine(enginePid), '-port', String(enginePort)))
    orphans.add(enginePid);
  for (const pid of orphans) {
    console.warn(
      `stopping DynamoDB Local (pid ${pid}), left running on ${dbPath ?? DATA_DIR} by a host that is gone`,
    );
    await endProcess(pid);
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  const inMemory = process.argv.includes('--in-memory');
  const port = Number(process.env.PORT ?? 3000);
  const dbPath = inMemory ? undefined : resolve(DATA_DIR, 'dynamodb');

  const lock = lockDataDir(DATA_DIR);
  if (lock.stale) console.warn(`taking over ${DATA_DIR} from a host that is gone (pid ${lock.stale.pid})`);

  let dynamo: RunningDynamo | undefined;
  let s3: RunningS3 | undefined;
  // the evidence files: under the data folder, or in a folder of their own for an in-memory host
  const s3Dir = inMemory ? mkdtempSync(join(tmpdir(), 'fengqiao-s3-')) : resolve(DATA_DIR, 's3');
  let server: ReturnType<typeof createLocalServer> | undefined;
  let schedules: ReturnType<typeof startLocalSchedules> = [];
  let notReady: typeof STARTING | undefined = STARTING;
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    for (const job of schedules) job.stop();
    server?.close();
    server?.closeAllConnections();
    await dynamo?.stop();
    await s3?.stop();
    if (inMemory) rmSync(s3Dir, { recursive: true, force: true });
    clearRuntime(DATA_DIR);
    lock.release();
    process.exit(code);
  };
  for (const name of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(name, () => void stop(0));
  const crash = (error: unknown) => {
    logger.error('local host failed', { error: error as Error });
    void stop(1);
  };
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
  // whatever way the process ends from here, the engine and the lock do not stay behind
  process.on('exit', () => {
    if (dynamo) signal(dynamo.pid, 'SIGTERM');
    lock.release();
  });

  await stopOrphans(lock, dbPath);
  const keys = await loadOrCreateKeys(DATA_DIR);
  const startEngine = async (enginePort?: number) => {
    const engine = await startDynamoLocal({
      ...(dbPath ? { dataDir: dbPath } : {}),
      ...(enginePort ? { port: enginePort } : {}),
    });
    lock.update({ enginePid: engine.pid, enginePort: engine.port });
    return engine;
  };
  mkdirSync(s3Dir, { recursive: true });
  // the web pages are built, when web/dist has none, while the engines start: all before the host listens
  const building = ensureWebBuilt((line) => console.log(line));
  [dynamo, s3] = await Promise.all([startEngine(), startS3Local({ directory: s3Dir })]);
  const web = await building;
  if (web.kind === 'failed')
    console.error(`the web pages could not be built; the API is served without them:\n${web.output}`);
  // a restarted engine listens on the same port: this one client serves every engine the host runs
  const { endpoint, client } = dynamo;
  const tables = tableNamesFor(TABLE_PREFIX);
  await ensureTables(client, tables);
  const db = documentClient(client);
  const deps = {
    db,
    tables,
    now: () => new Date(),
    mac: localMac(loadOrCreateLocalSecret(DATA_DIR)),
    dataKeys: localKeyWrapper(loadOrCreateLocalKeyRing(DATA_DIR)),
    publisher: new TablePublisher(db, tables.cases),
    evidence: s3.store,
  };

  // health answers 503 until the demo town is seeded (and while the engine restarts)
  const listening = createLocalServer({
    handlers: createFamilyHandlers(deps, { towns: localTowns() }),
    keys,
    notReady: () => notReady,
    pages: [createLocalSignIn(keys), createWebPages(WEB_DIST)],
  });
  server = listening;
  await new Promise<void>((done) => listening.listen(port, '127.0.0.1', done));
  const baseUrl = `http://localhost:${(listening.address() as AddressInfo).port}`;
  const seed = async (): Promise<SeededTown | undefined> => {
    if (!(await seedDemoGrids(deps, DEFAULT_TOWN))) return undefined;
    try {
      return await seedDemoTown(baseUrl, keys, DEFAULT_TOWN);
    } catch (error) {
      // the grids are there, so the next start would take the town as seeded
      const afresh = inMemory ? '' : `; remove ${DATA_DIR} to seed the demo town afresh`;
      throw new Error(`${(error as Error).message}${afresh}`);
    }
  };
  const seedStarted = Date.now();
  const seeded = await seed();
  const seedMs = Date.now() - seedStarted;

  // the engine may die under the host (killed, out of memory): start it again on the same port and files, so the
  // clients keep their endpoint; in memory its data is gone, and the demo town is seeded again
  const deaths: number[] = [];
  const watch = (engine: RunningDynamo) =>
    void engine.exited.then(async (status) => {
      // a signal that stops the host may come with the engine's end (a terminal's Ctrl-C): let it win
      await new Promise((r) => setTimeout(r, 200));
      if (stopping) return;
      notReady = RESTARTING;
      deaths.push(Date.now());
      while (deaths.length && (deaths[0] ?? 0) < Date.now() - 60_000) deaths.shift();
      if (deaths.length > RESTARTS_PER_MINUTE) {
        console.error(`DynamoDB Local ended (${status}) ${deaths.length} times in a minute: stopping`);
        return stop(1);
      }
      console.warn(
        `DynamoDB Local (pid ${engine.pid}) ended (${status}): restarting it${inMemory ? ' (in memory: its data is gone)' : ''}`,
      );
      try {
        const restarted = await startEngine(engine.port);
        restarted.client.destroy();
        dynamo = restarted;
        if (stopping) return restarted.stop();
        await ensureTables(client, tables);
        const again = await seed();
        if (again?.open311Key)
          console.log(`demo town seeded again: ${open311Line(baseUrl, again.open311Key)}`);
        notReady = undefined;
        watch(restarted);
      } catch (error) {
        console.error(`DynamoDB Local could not be restarted: ${(error as Error).message}`);
        await stop(1);
      }
    });
  watch(dynamo);

  writeRuntime(DATA_DIR, { endpoint, apiPort: port, tablePrefix: TABLE_PREFIX, pid: process.pid });
  schedules = startLocalSchedules(deps);
  notReady = undefined;

  console.log(
    [
      `Fengqiao is ready on ${baseUrl} in ${Date.now() - started} ms (${inMemory ? 'in memory' : `data in ${DATA_DIR}`})`,
      `  evidence files: S3 API on ${s3.endpoint}, bucket ${s3.bucket}`,
      web.kind === 'no-sources' || web.kind === 'failed'
        ? '  pages:   not built (npm run build)'
        : `  pages:   workbench ${baseUrl}/, citizens' tracking ${baseUrl}/track${web.kind === 'built' ? ` (built in ${web.ms} ms)` : ''}`,
      `  sign-in: ${baseUrl}/dev/sign-in, or POST ${baseUrl}/dev/tokens {"role":"clerk"} (local host only)`,
      seeded
        ? `  demo town ${DEFAULT_TOWN} seeded in ${seedMs} ms: ${DEMO_STAFF.length} staff, ${seeded.cases} cases`
        : (await hasStaff(deps, DEFAULT_TOWN))
          ? `  demo town ${DEFAULT_TOWN}: as the data folder keeps it`
          : `  demo town ${DEFAULT_TOWN}: seeded by an earlier version, with no staff; stop the host and remove ${DATA_DIR} to seed it afresh`,
      `  staff:   ${DEMO_STAFF.map((s) => `${s.userId} (${s.roles.join(',')})`).join(', ')}`,
      `  token:   TOKEN=$(npm run --silent token -- --role clerk --sub clerk-1)`,
      `  try:     curl -H "Authorization: Bearer $TOKEN" ${baseUrl}/v1/cases`,
      seeded
        ? `  ${open311Line(baseUrl, seeded.open311Key)}`
        : '  open311: the key was shown at the first start; an admin issues another with POST /v1/admin/open311-keys',
      `  walk through a day in the town: README.md, "A day in the town"`,
    ].join('\n'),
  );
}

/** The Open311 key, shown once (only its keyed hash is kept), with a request to file with it. */
const open311Line = (baseUrl: string, apiKey: string) =>
  [
    `open311: api_key ${apiKey} (shown this once: copy it now)`,
    `           curl -X POST ${baseUrl}/open311/v2/requests.json -d api_key=${apiKey} -d service_code=environment \\`,
    `             --data-urlencode 'description=河道有人倾倒垃圾' --data-urlencode 'address_string=东村桥头'`,
  ].join('\n');

main().catch((error: unknown) => {
  if (error instanceof DataDirInUseError) console.error(error.message);
  else logger.error('local host failed to start', { error: error as Error });
  process.exit(1);
});
