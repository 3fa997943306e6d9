/**
 * The bench's province-scale data: many towns of one deployment loaded straight into the tables, each case built by
 * the registration use case and the repositories' own item builders (the writes one registration's transaction
 * makes), written with BatchWriteItem in parallel instead of one transaction each.
 */
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CaseRepository } from '../lambdas/adapters/case-repository.js';
import { CounterRepository } from '../lambdas/adapters/counter-repository.js';
import type { Deps } from '../lambdas/adapters/deps.js';
import { NotificationRepository } from '../lambdas/adapters/notification-repository.js';
import { PersonalVault } from '../lambdas/adapters/personal-vault.js';
import { shippedCalendars, WorkingCalendar } from '../lambdas/domain/calendar.js';
import { makeValidIdNumber } from '../lambdas/domain/id-number.js';
import { DEFAULT_POLICY } from '../lambdas/domain/policy.js';
import type { Principal } from '../lambdas/domain/roles.js';
import { countedRegistrationWrites } from '../lambdas/usecases/case-writes.js';
import { prepareRegistration } from '../lambdas/usecases/register-case.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const calendar = new WorkingCalendar(shippedCalendars.values());

/** What a loaded item is, by its key: the kinds one registration writes. */
export type ItemKind = 'case' | 'event' | 'petitionerIndex' | 'queryCode' | 'relation' | 'counter' | 'other';

export function itemKind(item: Record<string, unknown>): ItemKind {
  const pk = String(item.pk);
  const sk = String(item.sk);
  if (pk.includes('#CNT#')) return 'counter';
  if (pk.startsWith('QC#')) return 'queryCode';
  if (sk === 'CASE') return 'case';
  if (sk.startsWith('EV#')) return 'event';
  if (sk.startsWith('PI#')) return 'petitionerIndex';
  if (sk.startsWith('REL#')) return 'relation';
  return 'other';
}

/**
 * An item's size as DynamoDB bills and stores it: attribute names and values in UTF-8, numbers about one byte per two
 * digits plus one, 3 bytes per map or list and 1 per element in it, 1 for a boolean or null.
 */
export function itemBytes(item: Record<string, unknown>): number {
  const value = (v: unknown): number => {
    if (v === null || v === undefined || typeof v === 'boolean') return 1;
    if (typeof v === 'string') return Buffer.byteLength(v, 'utf8');
    if (typeof v === 'number') return Math.ceil(String(Math.abs(v)).replace(/[.-]/g, '').length / 2) + 1;
    if (v instanceof Uint8Array) return v.byteLength;
    if (v instanceof Set) return [...v].reduce((sum: number, e) => sum + value(e), 0);
    if (Array.isArray(v)) return 3 + v.reduce((sum: number, e) => sum + 1 + value(e), 0);
    if (typeof v === 'object')
      return (
        3 +
        Object.entries(v as Record<string, unknown>)
          .filter(([, e]) => e !== undefined)
          .reduce((sum, [k, e]) => sum + 1 + Buffer.byteLength(k, 'utf8') + value(e), 0)
      );
    return 0;
  };
  return Object.entries(item)
    .filter(([, v]) => v !== undefined)
    .reduce((sum, [k, v]) => sum + Buffer.byteLength(k, 'utf8') + value(v), 0);
}

/** How many global secondary indexes an item is written into (every index projects all attributes). */
export const indexEntries = (item: Record<string, unknown>): number =>
  Object.keys(item).filter((name) => /^gsi\d+pk$/.test(name)).length;

export interface ScaleLoadOptions {
  towns: readonly string[];
  casesPerTown: number;
  /** The instant a sweep will be run at. */
  now: Date;
  /** Which case of a town (by its place) has its next step due at `now`: every 100th by default, 1%. */
  due?: (i: number) => boolean;
  /** BatchWriteItem requests in flight at once. */
  parallel?: number;
}

export interface KindFigures {
  items: number;
  /** The items' own bytes, summed. */
  bytes: number;
  /** Copies in the global secondary indexes, summed. */
  indexEntries: number;
}

export interface ScaleLoad {
  towns: number;
  cases: number;
  /** Steps due at `now` by the cases' own alerts: what a sweep then must find, no more and no fewer. */
  due: number;
  items: number;
  kinds: Partial<Record<ItemKind, KindFigures>>;
  /** Messages a registration queued (the petitioner's first SMS), published then: counted, not loaded. */
  outboxPerCase: number;
}

/**
 * The case `i` of a town: received 10 to 12 days before `now` when it is to be due (its half-time warning due), else
 * in the last 4 days (its first step still ahead), spread over the hours so that the alert index holds a range.
 */
const receivedAt = (now: Date, i: number, due: boolean) =>
  new Date(now.getTime() - (due ? 10 * DAY + (i % 48) * HOUR : ((i * 7919) % (96 * 60)) * 60_000));

/**
 * The writes of one town's registrations: each case prepared by the registration use case (sequence numbers from a
 * count, no earlier case looked up: every petitioner is new), its transaction's writes as the service builds them.
 * Returns the puts to load (outbox messages left out) and the counter updates merged into the items they leave.
 */
async function townItems(
  deps: Pick<Deps, 'db' | 'tables' | 'mac' | 'dataKeys'>,
  town: string,
  options: Required<Omit<ScaleLoadOptions, 'towns' | 'parallel'>>,
) {
  const repos = {
    cases: new CaseRepository(deps.db, deps.tables.cases),
    notifications: new NotificationRepository(deps.db, deps.tables.cases),
    counters: new CounterRepository(deps.db, deps.tables.cases),
  };
  const sequences = new Map<string, number>();
  const prepare = {
    cases: {
      findEarlierCase: async () => undefined,
      findByDeploymentIndex: async () => [],
      nextSequence: async (_town: string, prefix: string, day: string) => {
        const next = (sequences.get(`${prefix}#${day}`) ?? 0) + 1;
        sequences.set(`${prefix}#${day}`, next);
        return next;
      },
    },
    mac: deps.mac,
    vault: new PersonalVault(deps.dataKeys),
    dutyLeaders: async () => [],
  };
  const principal: Principal = { kind: 'staff', userId: `clerk-${town}`, town, roles: ['clerk'] };
  const puts: Record<string, unknown>[] = [];
  const counters = new Map<string, Record<string, unknown>>();
  let due = 0;
  let outbox = 0;
  for (let i = 0; i < options.casesPerTown; i++) {
    const isDue = options.due(i);
    const at = receivedAt(options.now, i, isDue);
    const prepared = await prepareRegistration(
      prepare,
      {
        kind: i % 5 === 0 ? 'dispute' : 'petition',
        channel: i % 3 === 0 ? 'phone' : 'visit',
        category: i % 2 === 0 ? 'labor_wages' : 'land',
        title: `规模测试 ${town} ${i}`,
        description: '工资拖欠三个月，多次讨要无果，请求协调解决。',
        petitioners: [
          {
            name: '张三',
            idNumber: makeValidIdNumber('330681', '19800101', String(i % 1000).padStart(3, '0')),
            phone: `1380000${String(i % 10_000).padStart(4, '0')}`,
            address: '枫桥镇某村 12 号',
          },
        ],
        receivedAt: at.toISOString(),
        gridId: `g${i % 8}`,
      },
      { principal, now: at, policy: DEFAULT_POLICY, calendar },
    );
    const alertAt = prepared.record.alert?.at;
    const found = alertAt !== undefined && alertAt <= options.now.toISOString();
    if (found !== isDue)
      throw new Error(
        `case ${i} of ${town}: its step is ${found ? '' : 'not '}due, the load meant otherwise`,
      );
    if (found) due += 1;
    for (const write of countedRegistrationWrites(repos, prepared) as Record<string, unknown>[]) {
      if ('Put' in write) {
        const item = (write.Put as { Item: Record<string, unknown> }).Item;
        if (String(item.pk).startsWith('OUTBOX#')) outbox += 1;
        else puts.push(item);
      } else if ('Update' in write) mergeCounter(counters, write.Update as CounterUpdate);
      else throw new Error(`a registration write the loader does not know: ${Object.keys(write).join()}`);
    }
  }
  return { puts: [...puts, ...counters.values()], due, outbox };
}

interface CounterUpdate {
  Key: Record<string, string>;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues: Record<string, unknown>;
}

/** A counter's `ADD` update folded into the item it leaves: the key, its grid and day, and every count summed. */
function mergeCounter(into: Map<string, Record<string, unknown>>, update: CounterUpdate) {
  const id = `${update.Key.pk}\n${update.Key.sk}`;
  const values = update.ExpressionAttributeValues;
  const item = into.get(id) ?? { ...update.Key, gridId: values[':grid'], day: values[':day'] };
  for (const [placeholder, name] of Object.entries(update.ExpressionAttributeNames)) {
    if (!placeholder.startsWith('#c')) continue;
    item[name] = Number(item[name] ?? 0) + Number(values[`:c${placeholder.slice(2)}`]);
  }
  into.set(id, item);
}

/** Puts every item, 25 to a BatchWriteItem, `parallel` at once, until nothing is left unprocessed. */
async function batchWriteAll(
  db: DynamoDBDocumentClient,
  table: string,
  items: readonly Record<string, unknown>[],
  parallel: number,
) {
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < items.length) {
        const start = next;
        next += 25;
        let pending: Record<string, unknown>[] = items
          .slice(start, start + 25)
          .map((Item) => ({ PutRequest: { Item } }));
        for (let attempt = 0; pending.length; attempt++) {
          if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 20 * 2 ** attempt)));
          const out = await db.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
          pending = (out.UnprocessedItems?.[table] ?? []) as Record<string, unknown>[];
        }
      }
    }),
  );
}

/**
 * Loads `casesPerTown` registered cases into each town, a few towns at a time, and says what it wrote: items and
 * bytes by kind, and how many steps are due at `now`.
 */
export async function loadTowns(
  deps: Pick<Deps, 'db' | 'tables' | 'mac' | 'dataKeys'>,
  options: ScaleLoadOptions,
): Promise<ScaleLoad> {
  const settings = {
    casesPerTown: options.casesPerTown,
    now: options.now,
    due: options.due ?? ((i) => i % 100 === 0),
  };
  const parallel = options.parallel ?? 8;
  const load: ScaleLoad = { towns: 0, cases: 0, due: 0, items: 0, kinds: {}, outboxPerCase: 0 };
  let outbox = 0;
  const queue = [...options.towns];
  // two towns at a time: one built while the other is written
  await Promise.all(
    Array.from({ length: 2 }, async () => {
      for (let town = queue.shift(); town !== undefined; town = queue.shift()) {
        const built = await townItems(deps, town, settings);
        await batchWriteAll(deps.db, deps.tables.cases, built.puts, parallel / 2);
        load.towns += 1;
        load.cases += options.casesPerTown;
        load.due += built.due;
        load.items += built.puts.length;
        outbox += built.outbox;
        for (const item of built.puts) {
          const kind = itemKind(item);
          const figures = load.kinds[kind] ?? { items: 0, bytes: 0, indexEntries: 0 };
          load.kinds[kind] = figures;
          figures.items += 1;
          figures.bytes += itemBytes(item);
          figures.indexEntries += indexEntries(item);
        }
      }
    }),
  );
  load.outboxPerCase = load.cases ? outbox / load.cases : 0;
  return load;
}
