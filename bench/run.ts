/**
 * `npm run bench` (`-- --quick` for a short run, `-- --check` to hold the bundles to their ceilings and the web pages'
 * first load, as `npm run build` left it, to its budget): the figures that say how close the system is to the limits
 * of its design, each beside its baseline in the same run, printed as a table and written to bench/results.json.
 */
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { cpus, totalmem } from 'node:os';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { BatchWriteCommand, GetCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import autocannon from 'autocannon';
import type { Context } from 'aws-lambda';
import { CaseRepository } from '../lambdas/adapters/case-repository.js';
import { CounterRepository } from '../lambdas/adapters/counter-repository.js';
import { localKeyWrapper, newLocalKeyRing } from '../lambdas/adapters/data-keys.js';
import { type Deps, documentClient } from '../lambdas/adapters/deps.js';
import type { FunctionFamily } from '../lambdas/adapters/function-families.js';
import { localMac } from '../lambdas/adapters/mac.js';
import { TablePublisher } from '../lambdas/adapters/publisher.js';
import { ALERT_SHARDS, tableNamesFor } from '../lambdas/adapters/table-model.js';
import { shippedCalendars, WorkingCalendar } from '../lambdas/domain/calendar.js';
import type { CaseRecord } from '../lambdas/domain/case.js';
import { registrationCounts } from '../lambdas/domain/counters.js';
import { makeValidIdNumber } from '../lambdas/domain/id-number.js';
import { parsePeriod } from '../lambdas/domain/periods.js';
import { DEFAULT_POLICY } from '../lambdas/domain/policy.js';
import { registerCase } from '../lambdas/domain/registration.js';
import type { Principal } from '../lambdas/domain/roles.js';
import type { ApiEvent } from '../lambdas/http/api.js';
import { createFamilyHandlers, type FamilyHandler } from '../lambdas/local/app.js';
import { ensureTables, localClient, startDynamoLocal } from '../lambdas/local/dynamo-local.js';
import {
  claimsAsGatewayShapes,
  issueToken,
  loadOrCreateKeys,
  verifyToken,
} from '../lambdas/local/identity.js';
import { createLocalServer } from '../lambdas/local/server.js';
import { reportDeps, weeklyReport } from '../lambdas/usecases/reports.js';
import { runSweep } from '../lambdas/usecases/sweep.js';
import { sweepDeps } from '../lambdas/usecases/sweep-deps.js';
import { BUDGET_KIB, INIT_RATIO_GOAL, measureBundles, overCeiling } from './bundles.js';
import { profileWhile } from './profile.js';
import { benchScale } from './scale.js';
import { measureWebBundles, WEB_BUDGET_KIB } from './web-bundles.js';

const quick = process.argv.includes('--quick');
/**
 * `--only api` (or sweep, burst, scale, reports, cold): one section, e.g. to profile it with `node --cpu-prof`;
 * `--only scale` runs the burst too, whose figures it reports beside its own.
 */
const only = process.argv[process.argv.indexOf('--only') + 1];
/** `--profile`: where the read invoked as Lambda invokes it spends its CPU, by part (bench/profile.ts). */
const profiling = process.argv.includes('--profile');
const runs = (section: string) => !process.argv.includes('--only') || only === section;
const SIZES = quick
  ? { sweep: 10_000, small: 1_000, large: 10_000 }
  : { sweep: 100_000, small: 1_000, large: 100_000 };
const LOAD_SECONDS = quick ? 4 : 12;
const CONNECTIONS = 10;
const TOWN = 'bench-town';
const NOW = new Date('2026-11-28T02:00:00Z');
const DAY = 86_400_000;
/** The API's read p99 at most this many times DynamoDB Local's own GetItem p99, measured beside it. */
const READ_P99_GOAL = 1.5;

const table: { figure: string; value: string; baseline?: string; ratio?: string }[] = [];
const results: Record<string, unknown> = {
  machine: {
    cpus: cpus().length,
    model: cpus()[0]?.model,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  },
  mode: quick ? 'quick' : 'full',
};
const row = (figure: string, value: string, baseline?: string, ratio?: string) =>
  table.push({ figure, value, ...(baseline ? { baseline } : {}), ...(ratio ? { ratio } : {}) });
const fmt = (n: number, digits = 2) => n.toFixed(digits);

/** Counts every DynamoDB request the handlers send, by command name. */
function countingDeps(endpointClient: ReturnType<typeof documentClient>, tables: Deps['tables']) {
  const counts = new Map<string, number>();
  endpointClient.middlewareStack.add(
    (next, context) => async (args) => {
      const name = String(context.commandName);
      counts.set(name, (counts.get(name) ?? 0) + 1);
      return next(args);
    },
    { step: 'initialize', name: 'benchCounter' },
  );
  const deps: Deps = {
    db: endpointClient,
    tables,
    now: () => NOW,
    mac: localMac(randomBytes(32)),
    dataKeys: localKeyWrapper(newLocalKeyRing()),
    publisher: new TablePublisher(endpointClient, tables.cases),
  };
  return { deps, counts, total: () => [...counts.values()].reduce((a, b) => a + b, 0) };
}

const principal: Principal = { kind: 'staff', userId: 'bench-clerk', town: TOWN, roles: ['clerk'] };
const calendar = new WorkingCalendar(shippedCalendars.values());

/** A registered case as the service would store it, received `ageMs` before now. */
function benchCase(i: number, ageMs: number): CaseRecord {
  const at = new Date(NOW.getTime() - ageMs);
  return registerCase(
    {
      kind: 'petition',
      channel: 'visit',
      category: 'labor_wages',
      title: `bench ${i}`,
      description: 'bench',
      petitioners: [
        {
          name: '张三',
          idNumber: makeValidIdNumber('330681', '19800101', String(i % 1000).padStart(3, '0')),
        },
      ],
      receivedAt: at.toISOString(),
      gridId: `g${i % 8}`,
    },
    {
      id: `bench-${i}-${randomBytes(4).toString('hex')}`,
      number: `XF-BENCH-${i}`,
      now: at,
      principal,
      policy: DEFAULT_POLICY,
      calendar,
      firstTime: true,
      level: 'village',
      timelineHead: { seq: 1, hash: '0'.repeat(64) },
    },
  );
}

/**
 * Loads `n` cases, 1% of them with a ladder step due now (or those `due` picks), with their counters as the
 * transactions would leave them.
 */
async function loadCases(
  deps: Deps,
  n: number,
  due: (i: number) => boolean = (i) => i % 100 === 0,
): Promise<CaseRecord[]> {
  const cases = new CaseRepository(deps.db, deps.tables.cases);
  const records = Array.from({ length: n }, (_, i) =>
    // due: received ten days ago, its half-time warning due; the rest received in the last three days
    benchCase(i, due(i) ? 10 * DAY + (i % 7) * 3_600_000 : (i % 72) * 3_600_000),
  );
  const items = records.map(
    (r) => (cases.creationItems(r, { seq: 1 } as never, [])[0] as { Put: { Item: object } }).Put.Item,
  );
  const batches: object[][] = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < batches.length) {
        const batch = batches[next++]!;
        let pending: Record<string, unknown>[] = batch.map((Item) => ({ PutRequest: { Item } }));
        while (pending.length) {
          const out = await deps.db.send(
            new BatchWriteCommand({ RequestItems: { [deps.tables.cases]: pending } }),
          );
          pending = (out.UnprocessedItems?.[deps.tables.cases] ?? []) as Record<string, unknown>[];
        }
      }
    }),
  );
  const counters = new CounterRepository(deps.db, deps.tables.cases);
  for (const update of counters.updates(TOWN, 'bench', records.flatMap(registrationCounts)))
    await deps.db.send(new UpdateCommand(update.Update));
  return records;
}

async function tables(client: ReturnType<typeof documentClient>, raw: Parameters<typeof ensureTables>[0]) {
  const names = tableNamesFor(`bench-${randomBytes(3).toString('hex')}`);
  await ensureTables(raw, names);
  return countingDeps(client, names);
}

async function benchSweep(
  raw: Parameters<typeof ensureTables>[0],
  endpointClient: () => ReturnType<typeof documentClient>,
) {
  const { deps } = await tables(endpointClient(), raw);
  let started = performance.now();
  const records = await loadCases(deps, SIZES.sweep);
  results.loadSeconds = (performance.now() - started) / 1000;
  const due = records.filter((r) => r.alert && r.alert.at <= NOW.toISOString()).length;

  // the usual first version: scan the table and filter on the alert time
  started = performance.now();
  let scanned = 0;
  let matched = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await deps.db.send(
      new ScanCommand({
        TableName: deps.tables.cases,
        FilterExpression: '#alert.#at <= :now',
        ExpressionAttributeNames: { '#alert': 'alert', '#at': 'at' },
        ExpressionAttributeValues: { ':now': NOW.toISOString() },
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    scanned += page.ScannedCount ?? 0;
    matched += page.Count ?? 0;
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  const scanMs = performance.now() - started;

  // what the sweep reads, timed alone: the same question the scan answers
  const cases = new CaseRepository(deps.db, deps.tables.cases);
  started = performance.now();
  let indexRead = 0;
  for (let shard = 0; shard < ALERT_SHARDS; shard++) indexRead += (await cases.dueAlerts(shard, NOW)).length;
  const indexMs = performance.now() - started;

  started = performance.now();
  const sweep = await runSweep(sweepDeps(deps), NOW);
  const sweepMs = performance.now() - started;
  results.sweep = {
    cases: SIZES.sweep,
    due,
    sweep,
    scan: { scanned, matched, ms: scanMs },
    index: { read: indexRead, ms: indexMs },
    sweepMs,
  };
  row(
    `sweep @${SIZES.sweep} cases, 1% due: items read ÷ due`,
    fmt(sweep.itemsRead / due),
    fmt(scanned / matched),
    `${fmt(scanned / sweep.itemsRead, 0)}× fewer`,
  );
  row(
    'sweep: finding what is due (alert index vs scan)',
    `${fmt(indexMs, 0)} ms`,
    `${fmt(scanMs, 0)} ms`,
    `${fmt(scanMs / indexMs, 1)}× faster`,
  );
  row(`sweep: whole run (${sweep.due} steps sent, each its own transaction)`, `${fmt(sweepMs, 0)} ms`);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/**
 * The families' handlers, each call timed from the event in to the result out: what Lambda runs and bills, without
 * what the local host does in front of it that API Gateway does outside the function (HTTP, the JWT authorizer).
 */
function timedHandlers(handlers: Record<FunctionFamily, FamilyHandler>, into: number[]) {
  return Object.fromEntries(
    Object.entries(handlers).map(([family, handler]) => [
      family,
      async (...args: Parameters<FamilyHandler>) => {
        const started = performance.now();
        try {
          return await handler(...args);
        } finally {
          into.push(performance.now() - started);
        }
      },
    ]),
  ) as Record<FunctionFamily, FamilyHandler>;
}

async function benchApi(bench: ReturnType<typeof countingDeps>, records: CaseRecord[]) {
  const keys = await loadOrCreateKeys(undefined);
  const handlerMs: number[] = [];
  const server = createLocalServer({
    handlers: timedHandlers(createFamilyHandlers({ ...bench.deps, now: () => new Date() }), handlerMs),
    keys,
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const token = await issueToken(keys, { roles: ['clerk'], sub: 'bench-clerk', town: TOWN });
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const readId = records[1]!.id;
  const acceptable = records.filter((r) => r.status === 'registered').map((r) => r.id);
  let nextAccept = 2;
  const body = JSON.stringify({
    kind: 'petition',
    channel: 'visit',
    category: 'other',
    title: 'bench',
    description: 'bench',
    petitioners: [{ name: '李四' }],
  });
  const scenarios = [
    { name: 'read a case', method: 'GET', path: `/v1/cases/${readId}` },
    { name: 'list cases', method: 'GET', path: '/v1/cases?limit=20' },
    { name: 'register', method: 'POST', path: '/v1/cases', body },
    {
      name: 'command (accept)',
      method: 'POST',
      path: '/v1/cases/x/accept',
      setup: () => ({
        path: `/v1/cases/${acceptable[nextAccept++ % acceptable.length]}/accept`,
        headers: { ...headers, 'if-match': '"1"' },
        body: JSON.stringify({ track: 'immediate' }),
      }),
    },
  ] as const;
  const api: Record<string, unknown> = {};
  const handlerP99: Record<string, number> = {};
  for (const s of scenarios) {
    bench.counts.clear();
    handlerMs.length = 0;
    const result = await autocannon({
      url,
      connections: CONNECTIONS,
      duration: LOAD_SECONDS,
      requests: [
        {
          method: s.method as 'GET' | 'POST',
          path: s.path,
          headers,
          ...('body' in s ? { body: s.body } : {}),
          ...('setup' in s ? { setupRequest: (req: object) => ({ ...req, ...s.setup() }) } : {}),
        } as autocannon.Request,
      ],
    });
    handlerP99[s.name] = percentile(
      handlerMs.sort((a, b) => a - b),
      99,
    );
    const requests = result.requests.total;
    const perRequest = bench.total() / Math.max(1, requests);
    api[s.name] = {
      p50: result.latency.p50,
      p99: result.latency.p99,
      handlerP99: handlerP99[s.name],
      rps: result.requests.average,
      non2xx: result.non2xx,
      dynamoRequestsPerApiRequest: perRequest,
      byCommand: Object.fromEntries(bench.counts),
    };
    row(
      `API ${s.name}: p50 / p99 ms, req/s, DynamoDB calls per request`,
      `${result.latency.p50} / ${result.latency.p99}, ${fmt(result.requests.average, 0)}/s, ${fmt(perRequest)}`,
      undefined,
      result.non2xx ? `${result.non2xx} non-2xx` : undefined,
    );
  }
  server.closeAllConnections();
  server.close();

  // The same read invoked as Lambda invokes the function (the gateway's event, no HTTP, no token to verify), and
  // DynamoDB Local's own GetItem, each from as many closed loops as the load had connections, in alternating turns
  const claims = claimsAsGatewayShapes((await verifyToken(keys, token))!);
  const readEvent = () =>
    ({
      version: '2.0',
      routeKey: 'GET /v1/cases/{id}',
      rawPath: `/v1/cases/${readId}`,
      rawQueryString: '',
      headers: { authorization: `Bearer ${token}` },
      pathParameters: { id: readId },
      requestContext: {
        http: { method: 'GET', path: `/v1/cases/${readId}`, sourceIp: '127.0.0.1' },
        routeKey: 'GET /v1/cases/{id}',
        requestId: randomBytes(8).toString('hex'),
        authorizer: { jwt: { claims, scopes: null } },
      },
      isBase64Encoded: false,
    }) as unknown as ApiEvent;
  const direct = createFamilyHandlers({ ...bench.deps, now: () => new Date() }).cases;
  const context = { functionName: 'bench-cases', awsRequestId: 'bench' } as Context;
  const getItem = () =>
    bench.deps.db.send(
      new GetCommand({
        TableName: bench.deps.tables.cases,
        Key: { pk: `T#${TOWN}#C#${readId}`, sk: 'CASE' },
      }),
    );
  const latencies: number[] = [];
  const invoked: number[] = [];
  const invokeRead = () =>
    closedLoops(async () => {
      const result = await direct(readEvent(), context);
      if (result.statusCode !== 200) throw new Error(`read answered ${result.statusCode}`);
    }, LOAD_SECONDS / 2);
  for (let turn = 0; turn < 4; turn++)
    if (turn % 2 === 0) latencies.push(...(await closedLoops(getItem, LOAD_SECONDS / 2)));
    else invoked.push(...(await invokeRead()));
  if (profiling) {
    // apart from the timed turns, which the profiler would slow
    const parts = await profileWhile(invokeRead);
    results.readProfile = parts;
    row(
      'where the invoked read spends its CPU (busy samples, --profile)',
      parts
        .slice(0, 8)
        .map(({ part, share }) => `${part} ${fmt(share * 100, 0)}%`)
        .join(', '),
    );
  }
  latencies.sort((a, b) => a - b);
  invoked.sort((a, b) => a - b);
  const getP99 = percentile(latencies, 99);
  const readP99 = (api['read a case'] as { p99: number }).p99;
  const invokedP99 = percentile(invoked, 99);
  results.api = {
    ...api,
    readInvoked: { p50: percentile(invoked, 50), p99: invokedP99, samples: invoked.length },
    dynamoGetItem: { p50: percentile(latencies, 50), p99: getP99, samples: latencies.length },
  };
  row(
    `handler overhead: read p99, the function invoked ÷ DynamoDB Local GetItem p99 (goal ≤ ${READ_P99_GOAL}×)`,
    `${fmt(invokedP99)} ms`,
    `${fmt(getP99)} ms`,
    `${fmt(invokedP99 / getP99)}×`,
  );
  row(
    'the same read inside the local host, timed in the handler (10 requests at once in one process)',
    `${fmt(handlerP99['read a case']!)} ms`,
    `${fmt(getP99)} ms`,
    `${fmt(handlerP99['read a case']! / getP99)}×`,
  );
  row(
    'the same read through the local host (its HTTP hop and JWT check, load generator in-process)',
    `${readP99} ms`,
    `${fmt(getP99)} ms`,
    `${fmt(readP99 / getP99)}×`,
  );
}

/** `connections` loops, each awaiting `call` again as soon as it returns, for `seconds`: every call's milliseconds. */
async function closedLoops(call: () => Promise<unknown>, seconds: number): Promise<number[]> {
  const latencies: number[] = [];
  const until = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (performance.now() < until) {
        const started = performance.now();
        await call();
        latencies.push(performance.now() - started);
      }
    }),
  );
  return latencies;
}

async function benchColdStart() {
  const out = resolve('bench/.bundles');
  const rows = await measureBundles(out, { runs: quick ? 5 : 9 });
  rmSync(out, { recursive: true, force: true });
  results.coldStart = rows;
  for (const r of rows) {
    if (r.floor) {
      // the shared HTTP layer alone: what the goals below are measured against, not a function held to them
      row(
        `${r.handler} (one route on the shared HTTP layer, not deployed): bundle, init ratio`,
        `${fmt(r.external.restKiB, 0)} KiB`,
        `own init ${r.ownInitCpuMs} ms`,
        `${fmt(r.initRatio ?? 0)}×`,
      );
      continue;
    }
    row(
      `bundle ${r.handler}: minified, all but the AWS SDK (goal ≤ ${BUDGET_KIB} KiB)`,
      `${fmt(r.external.restKiB, 0)} KiB`,
      `ceiling ${r.ceilingKiB} KiB`,
      r.external.restKiB <= BUDGET_KIB
        ? 'within the goal'
        : `${fmt(r.external.restKiB - BUDGET_KIB, 0)} KiB over`,
    );
    if (r.sdkClients.length > 0 && r.initRatio !== undefined)
      row(
        `init ${r.handler}: module init CPU, its own code's share (goal ≤ ${INIT_RATIO_GOAL}×)`,
        `${r.initCpuMs} ms (own ${r.ownInitCpuMs})`,
        `${r.sdkAloneInitCpuMs} ms SDK alone`,
        `${fmt(r.initRatio)}×`,
      );
  }
  // the web pages as `npm run build` left them; a row that says so when they are not built
  let pages: ReturnType<typeof measureWebBundles> = [];
  try {
    pages = measureWebBundles();
  } catch (error) {
    row('pages: first load, gzip', (error as Error).message);
  }
  results.webPages = pages;
  for (const p of pages)
    row(
      `page ${p.entry}: first load, gzip (goal ≤ ${WEB_BUDGET_KIB} KiB)`,
      `${fmt(p.gzipKiB, 0)} KiB`,
      `${fmt(p.rawKiB, 0)} KiB raw`,
      p.gzipKiB <= WEB_BUDGET_KIB ? 'within the goal' : `${fmt(p.gzipKiB - WEB_BUDGET_KIB, 0)} KiB over`,
    );
}

/**
 * A burst of due steps (after a long holiday every case's step falls due at once): one whole sweep as today's single
 * invocation runs it, the shards one after another, beside the fan-out, every shard swept at once as the shard
 * workers take their messages. `--quick` loads a smaller burst; the 20,000-step figure is then the measured rate
 * extrapolated.
 */
async function benchBurst(
  raw: Parameters<typeof ensureTables>[0],
  endpointClient: () => ReturnType<typeof documentClient>,
) {
  const burst = quick ? 1_000 : 20_000;
  const TARGET = 20_000;
  const measured: Record<string, { due: number; itemsRead: number; ms: number; stepsPerSecond: number }> = {};
  for (const [mode, concurrency] of [
    ['one invocation, shard after shard', 1],
    [`fan-out, ${ALERT_SHARDS} shards at once`, ALERT_SHARDS],
  ] as const) {
    const { deps } = await tables(endpointClient(), raw);
    // every case ten days old: its half-time warning due now
    await loadCases(deps, burst, () => true);
    const started = performance.now();
    const sweep = await runSweep(sweepDeps(deps), NOW, { concurrency });
    const ms = performance.now() - started;
    measured[mode] = {
      due: sweep.due,
      itemsRead: sweep.itemsRead,
      ms,
      stepsPerSecond: (sweep.due / ms) * 1000,
    };
  }
  results.burst = { steps: burst, extrapolatedTo: burst === TARGET ? undefined : TARGET, measured };
  const [single, fanned] = Object.values(measured) as [(typeof measured)[string], (typeof measured)[string]];
  const seconds = (m: typeof single) => (TARGET / m.stepsPerSecond).toFixed(0);
  const of = burst === TARGET ? `${TARGET}` : `${TARGET} (measured on ${burst}, extrapolated)`;
  row(
    `burst of ${of} due steps: one sweep's seconds, fan-out vs one invocation (timeout 300 s each)`,
    `${seconds(fanned)} s (${fmt(fanned.stepsPerSecond, 0)} steps/s)`,
    `${seconds(single)} s (${fmt(single.stepsPerSecond, 0)} steps/s)`,
    `${fmt(single.ms / fanned.ms, 1)}× faster`,
  );
  row(
    `burst: items read ÷ due, fan-out vs one invocation`,
    fmt(fanned.itemsRead / fanned.due),
    fmt(single.itemsRead / single.due),
  );
}

async function benchReports(
  raw: Parameters<typeof ensureTables>[0],
  endpointClient: () => ReturnType<typeof documentClient>,
) {
  const period = parsePeriod('weekly', '2026-W48');
  if (!period) throw new Error('bad period');
  const read: Record<number, number> = {};
  for (const size of [SIZES.small, SIZES.large]) {
    const { deps } = await tables(endpointClient(), raw);
    await loadCases(deps, size);
    const report = await weeklyReport(reportDeps(deps), TOWN, period, NOW);
    read[size] = report.itemsRead;
  }
  results.reports = { weeklyItemsRead: read };
  const [small, large] = [read[SIZES.small]!, read[SIZES.large]!];
  row(
    `weekly bulletin items read @${SIZES.small} vs @${SIZES.large} cases`,
    String(large),
    String(small),
    `${fmt(large / small)}×`,
  );
}

/** `--check`: the bundles built and held to their ceilings, nothing timed; non-zero when one is past it (CI). */
async function checkBundles(): Promise<number> {
  const out = resolve('bench/.bundles');
  const rows = await measureBundles(out);
  rmSync(out, { recursive: true, force: true });
  for (const r of rows)
    console.log(
      `${r.handler.padEnd(18)} ${fmt(r.external.restKiB, 1).padStart(6)} KiB  ceiling ${r.ceilingKiB}  goal ${BUDGET_KIB}`,
    );
  const over = overCeiling(rows);
  for (const r of over)
    console.error(
      `bundle over its ceiling: ${r.handler} is ${r.external.restKiB} KiB, at most ${r.ceilingKiB}`,
    );
  // the web pages' first load, as built by `npm run build`
  const pages = measureWebBundles();
  for (const p of pages)
    console.log(
      `page ${p.entry.padEnd(13)} ${fmt(p.gzipKiB, 1).padStart(6)} KiB gzip (${fmt(p.rawKiB, 0)} KiB raw, ${p.files.length} files)  budget ${WEB_BUDGET_KIB}`,
    );
  const heavy = pages.filter((p) => p.gzipKiB > WEB_BUDGET_KIB);
  for (const p of heavy)
    console.error(
      `page over its budget: ${p.entry} loads ${p.gzipKiB} KiB gzip first, at most ${WEB_BUDGET_KIB}`,
    );
  return over.length > 0 || heavy.length > 0 ? 1 : 0;
}

async function main() {
  if (process.argv.includes('--check')) {
    process.exitCode = await checkBundles();
    return;
  }
  const dynamo = await startDynamoLocal();
  // a client of its own for each data set, so each counts only its own requests
  const endpointClient = () => documentClient(localClient(dynamo.endpoint));
  try {
    if (runs('sweep')) await benchSweep(dynamo.client, endpointClient);
    if (runs('burst') || only === 'scale') await benchBurst(dynamo.client, endpointClient);
    if (runs('scale'))
      await benchScale({
        quick,
        now: NOW,
        tables: () => tables(endpointClient(), dynamo.client),
        row,
        results,
      });
    if (runs('api')) {
      const apiBench = await tables(endpointClient(), dynamo.client);
      await benchApi(apiBench, await loadCases(apiBench.deps, 2_000));
    }
    if (runs('reports')) await benchReports(dynamo.client, endpointClient);
    if (runs('cold')) await benchColdStart();
  } finally {
    await dynamo.stop();
  }
  results.table = table;
  writeFileSync(resolve('bench/results.json'), `${JSON.stringify(results, null, 2)}\n`);
  const width = Math.max(...table.map((r) => r.figure.length));
  console.log(
    `\nFengqiao benchmarks (${quick ? 'quick' : 'full'}; ${cpus().length} cores, ${process.version})\n`,
  );
  console.log(`${'figure'.padEnd(width)}  value | baseline | ratio`);
  for (const r of table)
    console.log(`${r.figure.padEnd(width)}  ${r.value} | ${r.baseline ?? '-'} | ${r.ratio ?? '-'}`);
  console.log('\nwritten: bench/results.json');
}

await main();
