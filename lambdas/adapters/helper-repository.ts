import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import { type HelperKind, type HelperRecord, helperRecordSchema } from '../domain/helper.js';
import { decodeCursor, encodeCursor, startKeyOf } from './cursor.js';
import { GRIDS_INDEX, keys } from './table-model.js';

interface HelperPage {
  items: HelperRecord[];
  nextCursor?: string;
}

/** A team holds few helpers; one BatchGetItem reads at most 100 keys. */
const MAX_BATCH = 100;

/**
 * The town's helpers who are not staff, in the Grids table beside the staff directory: one partition per town, and
 * GSI1 by kind. Both are sorted by id, which begins with the creation time, so lists read newest first.
 */
export class HelperRepository {
  private readonly index = GRIDS_INDEX.helpersOfKind;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  private item(record: HelperRecord) {
    return {
      ...keys.helper(record.town, record.id),
      [this.index.partitionKey]: keys.helpersOfKind(record.town, record.kind),
      [this.index.sortKey]: record.id,
      ...record,
    };
  }

  async get(town: string, id: string): Promise<HelperRecord | undefined> {
    const result = await this.db.send(new GetCommand({ TableName: this.table, Key: keys.helper(town, id) }));
    return result.Item ? helperRecordSchema.parse(result.Item) : undefined;
  }

  /** The town's helpers with these ids (one BatchGetItem); ids that name none are not in the map. */
  async getMany(town: string, ids: readonly string[]): Promise<Map<string, HelperRecord>> {
    const found = new Map<string, HelperRecord>();
    let pending: Record<string, unknown>[] = [...new Set(ids)]
      .slice(0, MAX_BATCH)
      .map((id) => keys.helper(town, id));
    for (let attempt = 0; pending.length > 0 && attempt < 5; attempt++) {
      const result = await this.db.send(
        new BatchGetCommand({ RequestItems: { [this.table]: { Keys: pending } } }),
      );
      for (const item of result.Responses?.[this.table] ?? []) {
        const record = helperRecordSchema.parse(item);
        found.set(record.id, record);
      }
      pending = result.UnprocessedKeys?.[this.table]?.Keys ?? [];
    }
    return found;
  }

  /** Adds a helper; false when the id is taken. */
  async create(record: HelperRecord): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: this.item(record),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** Replaces a helper, conditioned on the version it was read at; false when someone changed it first. */
  async update(before: HelperRecord, after: HelperRecord): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: this.item(after),
          ConditionExpression: '#version = :read',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':read': before.version },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** One page of the town's helpers, or of one kind, newest first: one Query. */
  async list(
    town: string,
    filter: { kind?: HelperKind | undefined },
    limit: number,
    cursor?: string,
  ): Promise<HelperPage> {
    const byKind = filter.kind !== undefined;
    const partition = byKind ? keys.helpersOfKind(town, filter.kind!) : keys.helpersPk(town);
    const startKey = cursor ? this.decodeCursor(cursor, town, byKind ? partition : undefined) : undefined;
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        ...(byKind
          ? {
              IndexName: this.index.name,
              KeyConditionExpression: '#pk = :pk',
              ExpressionAttributeNames: { '#pk': this.index.partitionKey },
              ExpressionAttributeValues: { ':pk': partition },
            }
          : {
              KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
              ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' },
              ExpressionAttributeValues: { ':pk': partition, ':prefix': keys.helperPrefix },
            }),
        ScanIndexForward: false,
        Limit: limit,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    const next = result.LastEvaluatedKey;
    return {
      items: (result.Items ?? []).map((item) => helperRecordSchema.parse(item)),
      ...(next ? { nextCursor: encodeCursor(next) } : {}),
    };
  }

  /**
   * A cursor is the key the last page ended at. A forged one is refused unless it lies inside the Query it starts: a
   * helper of this town, and, for a list by kind, that kind's index partition.
   */
  private decodeCursor(cursor: string, town: string, kindPartition?: string): Record<string, string> {
    // the cursor is the start key itself
    const key = decodeCursor(cursor, ['pk', 'sk', this.index.partitionKey, this.index.sortKey]);
    return startKeyOf(key, {
      pk: { equals: keys.helpersPk(town) },
      sk: { prefix: keys.helperPrefix },
      ...(kindPartition !== undefined
        ? { [this.index.partitionKey]: { equals: kindPartition }, [this.index.sortKey]: 'any' as const }
        : {}),
    });
  }
}
