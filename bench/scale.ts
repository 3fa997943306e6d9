/**
 * `npm run bench -- --only scale`: one deployment serving many towns (200 × 500 cases, `--quick` 20 × 100), loaded
 * through the table model: the sweep's items read ÷ due and its DynamoDB requests as towns grow, the city bulletin's
 * reads as towns grow, what a registration, a command, a read, a sweep and a bulletin consume in capacity units, and
 * from those, on paper, what a province's year costs.
 */
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import type { Deps } from '../lambdas/adapters/deps.js';
import { parsePeriod } from '../lambdas/domain/periods.js';
import { createFamilyHandlers } from '../lambdas/local/app.js';
import { issueToken, loadOrCreateKeys } from '../lambdas/local/identity.js';
import { createLocalServer } from '../lambdas/local/server.js';
import { cityBulletin } from '../lambdas/usecases/city-reports.js';
import { reportDeps, weeklyReport } from '../lambdas/usecases/reports.js';
import { runSweep } from '../lambdas/usecases/sweep.js';
import { sweepDeps } from '../lambdas/usecases/sweep-deps.js';
import { type ItemKind, loadTowns, type ScaleLoad } from './scale-load.js';

export interface ScaleBench {
  quick: boolean;
  /** The instant the loaded steps are due by and the sweep and bulletins run at. */
  now: Date;
  /** Fresh tables, and their client's DynamoDB requests counted by command. */
  tables: () => Promise<{ deps: Deps; counts: Map<string, number>; total: () => number }>;
  row: (figure: string, value: string, baseline?: string, ratio?: string) => void;
  results: Record<string, unknown>;
}

const WEEK = '2026-W48';

/** What a province's year is costed at: assumptions, each named where the README states it. */
const PROVINCE = {
  casesPerYear: 10_000_000,
  towns: 1_500,
  /** Commands a case takes on its way (accept, assign, handle, reply, callback, close). */
  commandsPerCase: 6,
  /** Ladder steps that fire over a case's life (warnings, an escalation now and then). */
  stepsPerCase: 3,
  /** Reads of a case by staff and citizens, and list pages, over its life. */
  readsPerCase: 20,
  listsPerCase: 5,
  /** Every town's daily, weekly and monthly bulletins, each costed as a weekly one (the daily reads less). */
  bulletinsPerTown: 365 + 52 + 12,
  /** The cities' weekly and monthly bulletins, each over its towns (costed as a weekly one). */
  cityBulletinsPerYear: 52 + 12,
  sweepsPerYear: (365 * 24 * 60) / 15,
  /** On-demand, Standard table class, China (Beijing) and (Ningxia): ¥ per million request units, ¥ per GB-month. */
  yuanPerMillionWrites: 11.1538,
  yuanPerMillionReads: 11.1538 / 5,
  yuanPerGbMonth: 2,
} as const;

/** The least read units DynamoDB bills a Query (eventually consistent) that reads nothing. */
const MIN_READ = 0.5;
/** DynamoDB's storage overhead per item, in the table and in each index entry. */
const ITEM_OVERHEAD = 100;

interface Capacity {
  read: number;
  write: number;
}

/**
 * Asks DynamoDB for the capacity every request consumes (`ReturnConsumedCapacity`, table and indexes) and sums it,
 * read and write apart. DynamoDB Local accounts as DynamoDB does: 4 KB a read unit, 1 KB a write unit, transactions
 * double, every index written counted.
 */
function meterCapacity(db: Deps['db']) {
  const used: Capacity = { read: 0, write: 0 };
  db.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { ReturnConsumedCapacity?: string };
      input.ReturnConsumedCapacity ??= 'TOTAL';
      const out = await next(args);
      const consumed = (out.output as { ConsumedCapacity?: unknown }).ConsumedCapacity;
      const units = (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []).reduce(
        (sum: number, c: { CapacityUnits?: number }) => sum + (c.CapacityUnits ?? 0),
        0,
      );
      if (/^(Get|BatchGet|TransactGet|Query|Scan)/.test(String(context.commandName))) used.read += units;
      else used.write += units;
      return out;
    },
    { step: 'initialize', name: 'benchCapacity' },
  );
  return {
    /** What was consumed while `work` ran, and how many requests it sent. */
    async during<T>(
      counter: { total: () => number },
      work: () => Promise<T>,
    ): Promise<{ result: T; capacity: Capacity; requests: number; ms: number }> {
      const [read, write, requests] = [used.read, used.write, counter.total()];
      const started = performance.now();
      const result = await work();
      return {
        result,
        ms: performance.now() - started,
        capacity: { read: used.read - read, write: used.write - write },
        requests: counter.total() - requests,
      };
    },
  };
}

const townName = (n: number) => `scale-${String(n).padStart(3, '0')}`;
const fmt = (n: number, digits = 2) => n.toFixed(digits);
const thousands = (n: number) => Math.round(n).toLocaleString('en-US');

interface Tier {
  towns: number;
  load: ScaleLoad;
  loadSeconds: number;
  sweep: { itemsRead: number; due: number; requests: number; capacity: Capacity; ms: number };
  idleSweep: { requests: number; capacity: Capacity };
  /** The city's weekly bulletin over every town of the deployment. */
  bulletin: Reads;
  /** Each town's own weekly bulletin, summed. */
  townBulletins: Reads;
}

interface Reads {
  itemsRead: number;
  requests: number;
  capacity: Capacity;
  ms: number;
}

/** Registrations, commands, reads and lists through the local host's handlers, each one's requests and capacity. */
async function perRequest(
  bench: ScaleBench,
  tier: Awaited<ReturnType<ScaleBench['tables']>>,
  meter: ReturnType<typeof meterCapacity>,
) {
  const town = townName(0);
  const keys = await loadOrCreateKeys(undefined);
  const server = createLocalServer({
    handlers: createFamilyHandlers({ ...tier.deps, now: () => bench.now }),
    keys,
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const token = await issueToken(keys, { roles: ['clerk'], sub: `clerk-${town}`, town });
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const call = async (method: string, path: string, body?: unknown, extra: Record<string, string> = {}) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { ...headers, ...extra },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    if (!response.ok)
      throw new Error(`${method} ${path} answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as { id?: string };
  };
  const n = bench.quick ? 5 : 20;
  const ids: string[] = [];
  const measured: Record<string, { requests: number; read: number; write: number }> = {};
  const each = async (name: string, work: (i: number) => Promise<unknown>) => {
    const m = await meter.during(tier, async () => {
      for (let i = 0; i < n; i++) await work(i);
    });
    measured[name] = {
      requests: m.requests / n,
      read: m.capacity.read / n,
      write: m.capacity.write / n,
    };
  };
  try {
    await each('register', async (i) => {
      const created = await call('POST', '/v1/cases', {
        kind: 'petition',
        channel: 'visit',
        category: 'labor_wages',
        title: `规模测试登记 ${i}`,
        description: '工资拖欠三个月，多次讨要无果，请求协调解决。',
        petitioners: [
          { name: '李四', phone: `1390000${String(i).padStart(4, '0')}`, address: '枫桥镇某村 8 号' },
        ],
      });
      ids.push(created.id!);
    });
    await each('command (accept)', (i) =>
      call('POST', `/v1/cases/${ids[i]}/accept`, { track: 'immediate' }, { 'if-match': '"1"' }),
    );
    await each('read a case', (i) => call('GET', `/v1/cases/${ids[i]}`));
    await each('list cases (20)', () => call('GET', '/v1/cases?limit=20'));
  } finally {
    server.closeAllConnections();
    server.close();
  }
  return measured;
}

async function measureTier(bench: ScaleBench, towns: number, casesPerTown: number) {
  const tier = await bench.tables();
  const meter = meterCapacity(tier.deps.db);
  const started = performance.now();
  const load = await loadTowns(tier.deps, {
    towns: Array.from({ length: towns }, (_, n) => townName(n)),
    casesPerTown,
    now: bench.now,
  });
  const loadSeconds = (performance.now() - started) / 1000;
  const period = parsePeriod('weekly', WEEK);
  if (!period) throw new Error('bad period');
  const reports = reportDeps({ ...tier.deps, now: () => bench.now });
  const names = Array.from({ length: towns }, (_, n) => townName(n));
  const bulletin = await meter.during(
    tier,
    async () => (await cityBulletin(reports, names, { ...period, kind: 'weekly' }, bench.now)).itemsRead,
  );
  // beside it, every town's own weekly bulletin, one after another, as the scheduled town work makes them
  const townBulletins = await meter.during(tier, async () => {
    let itemsRead = 0;
    for (const town of names) itemsRead += (await weeklyReport(reports, town, period, bench.now)).itemsRead;
    return itemsRead;
  });
  const sweep = await meter.during(tier, () => runSweep(sweepDeps(tier.deps), bench.now));
  const idle = await meter.during(tier, () => runSweep(sweepDeps(tier.deps), bench.now));
  const figures: Tier = {
    towns,
    load,
    loadSeconds,
    sweep: {
      itemsRead: sweep.result.itemsRead,
      due: sweep.result.due,
      requests: sweep.requests,
      capacity: sweep.capacity,
      ms: sweep.ms,
    },
    idleSweep: { requests: idle.requests, capacity: idle.capacity },
    bulletin: {
      itemsRead: bulletin.result,
      requests: bulletin.requests,
      capacity: bulletin.capacity,
      ms: bulletin.ms,
    },
    townBulletins: {
      itemsRead: townBulletins.result,
      requests: townBulletins.requests,
      capacity: townBulletins.capacity,
      ms: townBulletins.ms,
    },
  };
  if (figures.sweep.due !== load.due)
    throw new Error(`the sweep found ${figures.sweep.due} due steps, the load put ${load.due}`);
  return { figures, tier, meter };
}

/** Bytes a case keeps: each of its items with DynamoDB's overhead, once in the table and once per index entry. */
function bytesPerCase(load: ScaleLoad, eventsPerCase: number) {
  const perKind = Object.fromEntries(
    Object.entries(load.kinds).map(([kind, k]) => [
      kind,
      { items: k.items / load.cases, bytes: k.bytes / k.items, indexEntries: k.indexEntries / k.items },
    ]),
  ) as Partial<Record<ItemKind, { items: number; bytes: number; indexEntries: number }>>;
  let total = 0;
  for (const [kind, k] of Object.entries(perKind)) {
    const items = kind === 'event' ? eventsPerCase : k.items;
    total += items * (k.bytes + ITEM_OVERHEAD) * (1 + k.indexEntries);
  }
  return { perKind, total };
}

export async function benchScale(bench: ScaleBench): Promise<void> {
  const scale = bench.quick
    ? { towns: 20, casesPerTown: 100, tiers: [1, 5, 20] }
    : { towns: 200, casesPerTown: 500, tiers: [1, 20, 200] };
  const tiers: Tier[] = [];
  let requests: Awaited<ReturnType<typeof perRequest>> | undefined;
  for (const towns of scale.tiers) {
    const { figures, tier, meter } = await measureTier(bench, towns, scale.casesPerTown);
    tiers.push(figures);
    // registrations and commands go into the smallest deployment, after its sweep and bulletins are measured
    if (!requests) requests = await perRequest(bench, tier, meter);
    // DynamoDB Local holds every table in memory: a measured deployment's go before the next is loaded
    for (const name of Object.values(tier.deps.tables))
      await tier.deps.db.send(new DeleteTableCommand({ TableName: name }));
  }
  const largest = tiers.at(-1)!;
  const sizes = bytesPerCase(largest.load, 1 + PROVINCE.commandsPerCase);
  const province = provinceYear(largest, requests!, sizes.total);
  bench.results.scale = {
    mode: bench.quick ? `quick: ${scale.towns} towns × ${scale.casesPerTown} cases` : 'full',
    casesPerTown: scale.casesPerTown,
    tiers,
    perRequest: requests,
    itemSizes: sizes.perKind,
    bytesPerCase: sizes.total,
    province,
  };

  const at = (pick: (t: Tier) => string) => tiers.map(pick).join(' / ');
  const towns = tiers.map((t) => t.towns).join(' / ');
  const of = bench.quick
    ? `${scale.towns} towns × ${scale.casesPerTown} (--quick: a smaller scale)`
    : `${scale.towns} towns × ${scale.casesPerTown}`;
  bench.row(
    `scale ${of}: cases loaded at ${towns} towns, a deployment each`,
    at((t) => `${thousands(t.load.cases)} (${thousands(t.load.items)} items)`),
    undefined,
    `${fmt(largest.load.items / largest.loadSeconds, 0)} items/s`,
  );
  bench.row(
    `scale: sweep items read ÷ due at ${towns} towns (goal 1.00)`,
    at((t) => fmt(t.sweep.itemsRead / t.sweep.due)),
    `${at((t) => `${t.sweep.due}`)} due`,
  );
  bench.row(
    `scale: sweep DynamoDB requests at ${towns} towns (goal: in step with what is due, not with the cases)`,
    at((t) => `${t.sweep.requests}`),
    `${at((t) => `${t.idleSweep.requests}`)} with nothing due`,
    `${at((t) => fmt(t.sweep.requests / t.sweep.due, 1))} per due step`,
  );
  bench.row(
    `scale: sweep capacity units at ${towns} towns (DynamoDB Local's accounting)`,
    at((t) => `${fmt(t.sweep.capacity.read, 1)} R + ${fmt(t.sweep.capacity.write, 0)} W`),
    `${at((t) => fmt(t.idleSweep.capacity.read, 1))} RCU idle`,
    `${at((t) => fmt(t.sweep.capacity.write / t.sweep.due, 1))} WCU per step`,
  );
  bench.row(
    `scale: city bulletin (weekly) items read at ${towns} towns (goal: flat per town, whatever the cases)`,
    at((t) => `${t.bulletin.itemsRead}`),
    `${at((t) => fmt(t.bulletin.itemsRead / t.towns, 1))} per town`,
    `${at((t) => fmt(t.bulletin.capacity.read / t.towns, 1))} RCU per town`,
  );
  bench.row(
    `scale: the towns' own weekly bulletins, items read summed at ${towns} towns`,
    at((t) => `${t.townBulletins.itemsRead}`),
    `${at((t) => fmt(t.townBulletins.itemsRead / t.towns, 1))} per town`,
    `${at((t) => fmt(t.townBulletins.capacity.read / t.towns, 1))} RCU per town`,
  );
  for (const [name, m] of Object.entries(requests!))
    bench.row(
      `scale: ${name}, DynamoDB requests and read / write units each`,
      `${fmt(m.requests)} requests`,
      `${fmt(m.read, 1)} RCU / ${fmt(m.write, 1)} WCU`,
    );
  const k = sizes.perKind;
  bench.row(
    'scale: item sizes (bytes): case, first event, blind index, query code; a case with 7 events, indexes and overhead',
    `${[k.case, k.event, k.petitionerIndex, k.queryCode].map((s) => fmt(s?.bytes ?? 0, 0)).join(', ')}`,
    `${thousands(sizes.total)} B per case`,
  );
  bench.row(
    `province on paper: ${thousands(PROVINCE.casesPerYear)} cases a year, ${PROVINCE.towns} towns: write / read units`,
    `${fmt(province.writeUnits / 1e6, 0)} M WRU / ${fmt(province.readUnits / 1e6, 0)} M RRU`,
    `${fmt(province.storageGb, 0)} GB after a year`,
    `≈ ¥${thousands(province.yuan.total)} a year`,
  );
}

/** A province's year on paper, from what one registration, command, read, sweep step and bulletin were measured at. */
function provinceYear(largest: Tier, requests: Awaited<ReturnType<typeof perRequest>>, bytesPerCase: number) {
  const p = PROVINCE;
  const register = requests.register!;
  const command = requests['command (accept)']!;
  const read = requests['read a case']!;
  const list = requests['list cases (20)']!;
  const perStep = {
    read: largest.sweep.capacity.read / largest.sweep.due,
    write: largest.sweep.capacity.write / largest.sweep.due,
  };
  const townBulletinRead = largest.townBulletins.capacity.read / largest.towns;
  const cityBulletinRead = largest.bulletin.capacity.read / largest.towns;
  const writes = {
    registrations: p.casesPerYear * register.write,
    commands: p.casesPerYear * p.commandsPerCase * command.write,
    sweepSteps: p.casesPerYear * p.stepsPerCase * perStep.write,
  };
  const reads = {
    registrations: p.casesPerYear * register.read,
    commands: p.casesPerYear * p.commandsPerCase * command.read,
    caseReads: p.casesPerYear * (p.readsPerCase * read.read + p.listsPerCase * list.read),
    sweepSteps: p.casesPerYear * p.stepsPerCase * perStep.read,
    // DynamoDB Local bills a Query that finds nothing at nothing; DynamoDB at half a unit at least
    idleSweeps:
      p.sweepsPerYear * Math.max(largest.idleSweep.capacity.read, largest.idleSweep.requests * MIN_READ),
    bulletins: p.towns * p.bulletinsPerTown * townBulletinRead,
    // every city's weekly and monthly bulletins read each of its towns once: the province's towns, 64 times
    cityBulletins: p.towns * p.cityBulletinsPerYear * cityBulletinRead,
  };
  const writeUnits = Object.values(writes).reduce((a, b) => a + b, 0);
  const readUnits = Object.values(reads).reduce((a, b) => a + b, 0);
  const storageGb = (p.casesPerYear * bytesPerCase) / 1e9;
  // storage grows through the year: on average half of it is held
  const yuan = {
    writes: (writeUnits / 1e6) * p.yuanPerMillionWrites,
    reads: (readUnits / 1e6) * p.yuanPerMillionReads,
    storage: (storageGb / 2) * 12 * p.yuanPerGbMonth,
    total: 0,
  };
  yuan.total = yuan.writes + yuan.reads + yuan.storage;
  return { assumptions: p, writes, reads, writeUnits, readUnits, storageGb, yuan };
}
