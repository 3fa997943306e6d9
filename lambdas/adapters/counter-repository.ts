import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import type { CounterName } from '../domain/counter-names.js';
import { type CountDelta, mergeDeltas } from '../domain/counters.js';
import { eachDay } from '../domain/deadlines.js';
import { queryAll } from './query-all.js';
import { COUNTER_SHARDS, keys, shardOf } from './table-model.js';

interface CounterRow {
  day: string;
  gridId: string;
  counts: Partial<Record<CounterName, number>>;
}

/** A counter item: its day and grid, and every other attribute but the key a count. */
const counterItemSchema = z.looseObject({
  pk: z.string(),
  sk: z.string(),
  day: z.string(),
  gridId: z.string(),
});
const countsSchema = z.record(z.string(), z.number());

function parseCounterItem(item: Record<string, unknown>): CounterRow {
  const { pk: _pk, sk: _sk, day, gridId, ...counts } = counterItemSchema.parse(item);
  return { day, gridId, counts: countsSchema.parse(counts) };
}

/**
 * The town's sharded counters, kept in the same transactions as the acts they count. A report reads one partition
 * per day, whatever the number of cases.
 */
export class CounterRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** The `ADD` updates for these deltas, merged per item; `seed` (a case or patrol id) picks the shard. */
  updates(town: string, seed: string, deltas: readonly CountDelta[]) {
    const shard = shardOf(seed, COUNTER_SHARDS);
    return mergeDeltas(deltas).map((delta) => {
      const entries = Object.entries(delta.counts).filter(([, n]) => n !== 0);
      return {
        Update: {
          TableName: this.table,
          Key: keys.counterItem(town, delta.day, delta.gridId, shard),
          UpdateExpression: `SET gridId = :grid, #day = :day ADD ${entries.map((_, i) => `#c${i} :c${i}`).join(', ')}`,
          ExpressionAttributeNames: {
            '#day': 'day',
            ...Object.fromEntries(entries.map(([name], i) => [`#c${i}`, name])),
          },
          ExpressionAttributeValues: {
            ':grid': delta.gridId,
            ':day': delta.day,
            ...Object.fromEntries(entries.map(([, n], i) => [`:c${i}`, n])),
          },
        },
      };
    });
  }

  /** Every counter row of the days from..to (inclusive): one Query per day. Also returns how many items were read. */
  async read(town: string, from: string, to: string): Promise<{ rows: CounterRow[]; itemsRead: number }> {
    const rows: CounterRow[] = [];
    let itemsRead = 0;
    for (const day of eachDay(from, to)) {
      const items = await queryAll(this.db, {
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.counterDay(town, day) },
      });
      itemsRead += items.length;
      rows.push(...items.map(parseCounterItem));
    }
    return { rows, itemsRead };
  }
}
