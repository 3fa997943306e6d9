import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import type { CaseRecord } from '../domain/case.js';
import { beijingDate } from '../domain/deadlines.js';
import { parseCaseItem } from './case-items.js';
import { queryAll, queryPages } from './query-all.js';
import { keys } from './table-model.js';

/** What the town keeps of a request filed through Open311, beside its case: the index item of its month. */
export interface Open311Entry {
  caseId: string;
  category: string;
  /** The petitioner agreed to publish the description. */
  publicDescription: boolean;
  /** The client app (its `api_key`) that filed it. */
  keyId: string;
}

export interface Open311Key {
  keyId: string;
  town: string;
  name: string;
}

/** A key as its town's admin sees it: never the key itself. */
interface IssuedKey {
  keyId: string;
  name: string;
  issuedBy: string;
  issuedAt: string;
  revokedBy?: string;
  revokedAt?: string;
}

export interface Open311Pair {
  entry: Open311Entry;
  record: CaseRecord;
}

/** BatchGet takes at most 100 keys. */
const BATCH = 100;

const monthOf = (instant: string | Date): string => beijingDate(instant).slice(0, 7);

/** The Beijing months from that of `end` back to that of `start`. */
function monthsBack(start: Date, end: Date): string[] {
  const first = monthOf(start);
  let [year = 0, month = 1] = monthOf(end).split('-').map(Number);
  const months: string[] = [];
  for (;;) {
    const current = `${year}-${String(month).padStart(2, '0')}`;
    months.push(current);
    if (current <= first) return months;
    month -= 1;
    if (month === 0) {
      month = 12;
      year -= 1;
    }
  }
}

const entryKey = (record: CaseRecord) =>
  keys.open311Request(record.town, monthOf(record.createdAt), record.createdAt, record.id);

const toIssuedKey = (item: Record<string, unknown>): IssuedKey => ({
  keyId: String(item.keyId),
  name: String(item.name),
  issuedBy: String(item.issuedBy),
  issuedAt: String(item.issuedAt),
  ...(item.revokedAt !== undefined
    ? { revokedBy: String(item.revokedBy), revokedAt: String(item.revokedAt) }
    : {}),
});

const toEntry = (item: Record<string, unknown>): Open311Entry => ({
  caseId: String(item.caseId),
  category: String(item.category),
  publicDescription: item.publicDescription === true,
  keyId: String(item.keyId),
});

export class Open311Repository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** The index item of a new request, for the registration's transaction. */
  entryPut(record: CaseRecord, entry: Pick<Open311Entry, 'publicDescription' | 'keyId'>) {
    return {
      Put: {
        TableName: this.table,
        Item: { ...entryKey(record), caseId: record.id, category: record.category, ...entry },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
  }

  /** The entry of a case, or undefined when the case was not filed through Open311. */
  async entry(record: CaseRecord): Promise<Open311Entry | undefined> {
    const result = await this.db.send(new GetCommand({ TableName: this.table, Key: entryKey(record) }));
    return result.Item ? toEntry(result.Item) : undefined;
  }

  /** The requests among these case ids, in the order asked; ids of other cases are left out. */
  async byIds(town: string, ids: readonly string[]): Promise<Open311Pair[]> {
    const unique = [...new Set(ids)];
    const records = (await this.batchGet(unique.map((id) => keys.caseItem(town, id)))).map(parseCaseItem);
    const entries = (await this.batchGet(records.map(entryKey))).map(toEntry);
    const recordOf = new Map(records.map((record) => [record.id, record]));
    return entries
      .sort((a, b) => unique.indexOf(a.caseId) - unique.indexOf(b.caseId))
      .flatMap((entry) => {
        const record = recordOf.get(entry.caseId);
        return record ? [{ entry, record }] : [];
      });
  }

  /**
   * The requests filed between two instants (both included), newest first, a page at a time; `keep` drops entries
   * before their cases are read.
   */
  async *between(
    town: string,
    start: Date,
    end: Date,
    keep: (entry: Open311Entry) => boolean,
  ): AsyncGenerator<Open311Pair[]> {
    for (const month of monthsBack(start, end)) {
      const pages = queryPages(this.db, {
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: {
          ':pk': keys.open311Month(town, month),
          ':from': start.toISOString(),
          // `#` and then anything an id holds sorts below `~`
          ':to': `${end.toISOString()}#~`,
        },
        ScanIndexForward: false,
        Limit: BATCH,
      });
      for await (const page of pages) {
        const entries = (page.Items ?? []).map(toEntry).filter(keep);
        const records = await this.batchGet(entries.map((entry) => keys.caseItem(town, entry.caseId)));
        const recordOf = new Map(records.map(parseCaseItem).map((record) => [record.id, record]));
        yield entries.flatMap((entry) => {
          const record = recordOf.get(entry.caseId);
          return record ? [{ entry, record }] : [];
        });
      }
    }
  }

  private async batchGet(wanted: readonly Record<string, string>[]): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    for (let i = 0; i < wanted.length; i += BATCH) {
      let pending: Record<string, unknown>[] = wanted.slice(i, i + BATCH);
      for (let attempt = 0; pending.length > 0 && attempt < 5; attempt++) {
        const result = await this.db.send(
          new BatchGetCommand({ RequestItems: { [this.table]: { Keys: pending } } }),
        );
        items.push(...(result.Responses?.[this.table] ?? []));
        pending = result.UnprocessedKeys?.[this.table]?.Keys ?? [];
      }
    }
    return items;
  }

  /** Stores a new key by its keyed hash, lists it for the town's admin and makes its town a jurisdiction, in one transaction. */
  async putKey(hash: string, key: Open311Key, issuedBy: string, at: string): Promise<void> {
    await this.db.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: this.table,
              Item: { ...keys.open311Key(hash), ...key, issuedBy, issuedAt: at },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            Put: {
              TableName: this.table,
              Item: {
                ...keys.open311KeyListing(key.town, key.keyId),
                keyId: key.keyId,
                name: key.name,
                issuedBy,
                issuedAt: at,
                hash,
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          { Put: { TableName: this.table, Item: { ...keys.open311Jurisdiction(key.town), town: key.town } } },
        ],
      }),
    );
  }

  /** The town's keys, oldest first, revoked ones included (with who revoked them and when). */
  async listKeys(town: string): Promise<IssuedKey[]> {
    const items = await queryAll(this.db, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.open311KeyListing(town, '').pk },
    });
    return items.map(toIssuedKey).sort((a, b) => a.issuedAt.localeCompare(b.issuedAt));
  }

  /**
   * Revokes a key of the town: its lookup item goes, so the key stops working at once, and its listing records who
   * revoked it and when, in one transaction. A key revoked already is answered as it is; an unknown one is `undefined`.
   */
  async revokeKey(town: string, keyId: string, by: string, at: string): Promise<IssuedKey | undefined> {
    const listing = keys.open311KeyListing(town, keyId);
    const read = async () =>
      (await this.db.send(new GetCommand({ TableName: this.table, Key: listing, ConsistentRead: true })))
        .Item;
    const item = await read();
    if (!item) return undefined;
    if (item.revokedAt !== undefined) return toIssuedKey(item);
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            { Delete: { TableName: this.table, Key: keys.open311Key(String(item.hash)) } },
            {
              Update: {
                TableName: this.table,
                Key: listing,
                UpdateExpression: 'SET revokedBy = :by, revokedAt = :at',
                ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(revokedAt)',
                ExpressionAttributeValues: { ':by': by, ':at': at },
              },
            },
          ],
        }),
      );
    } catch (error) {
      // another admin revoked it meanwhile: answer what they did
      if (!(error instanceof TransactionCanceledException)) throw error;
      const again = await read();
      if (again?.revokedAt === undefined) throw error;
      return toIssuedKey(again);
    }
    return { ...toIssuedKey(item), revokedBy: by, revokedAt: at };
  }

  async findKey(hash: string): Promise<Open311Key | undefined> {
    const result = await this.db.send(new GetCommand({ TableName: this.table, Key: keys.open311Key(hash) }));
    const item = result.Item;
    return item ? { keyId: String(item.keyId), town: String(item.town), name: String(item.name) } : undefined;
  }

  async isJurisdiction(town: string): Promise<boolean> {
    const result = await this.db.send(
      new GetCommand({ TableName: this.table, Key: keys.open311Jurisdiction(town) }),
    );
    return result.Item !== undefined;
  }

  /** At most `limit` of the jurisdictions served (enough to tell none, one and several apart). */
  async jurisdictions(limit: number): Promise<string[]> {
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.open311Jurisdictions },
        Limit: limit,
      }),
    );
    return (result.Items ?? []).map((item) => String(item.town));
  }
}
