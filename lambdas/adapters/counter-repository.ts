import { type DynamoDBDocumentClient, QueryCommand, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import { type CountDelta, type CounterName, mergeDeltas } from '../domain/counters.js';
import { eachDay } from '../domain/deadlines.js';
import { COUNTER_SHARDS, keys, shardOf } from './table-model.js';

export interface CounterRow {
  day: string;
  gridId: string;
  counts: Partial<Record<CounterName, number>>;
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
      let startKey: Record<string, unknown> | undefined;
      do {
        const result: QueryCommandOutput = await this.db.send(
          new QueryCommand({
            TableName: this.table,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': keys.counterDay(town, day) },
            ...(startKey ? { ExclusiveStartKey: startKey } : {}),
          }),
        );
        for (const { pk: _pk, sk: _sk, gridId, day: rowDay, ...counts } of result.Items ?? []) {
          itemsRead += 1;
          rows.push({ day: String(rowDay), gridId: String(gridId), counts: counts as CounterRow['counts'] });
        }
        startKey = result.LastEvaluatedKey;
      } while (startKey);
    }
    return { rows, itemsRead };
  }
}
