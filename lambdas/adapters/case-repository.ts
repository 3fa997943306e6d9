import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  type GetCommandOutput,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { z } from 'zod';
import type { CaseListFilters, CaseListPlan } from '../domain/access.js';
import { type CaseRecord, caseRecordSchema } from '../domain/case.js';
import type { TimelineEvent } from '../domain/timeline.js';
import { HttpProblem } from '../http/problem.js';
import { timelineEventSchema } from '../http/schemas.js';
import { CASES_TABLE, keys } from './table-model.js';

export interface CasePage {
  items: CaseRecord[];
  nextCursor?: string;
}

const INDEX_OF = {
  all: CASES_TABLE.indexes[0]!,
  status: CASES_TABLE.indexes[1]!,
  grid: CASES_TABLE.indexes[2]!,
  assignee: CASES_TABLE.indexes[3]!,
} as const;

/** The index attributes a case item carries, derived from the record so they can never disagree with it. */
export function caseIndexAttributes(record: CaseRecord): Record<string, string> {
  const gridPath = record.gridPath;
  const sort = keys.caseSortKey(record.createdAt, record.id);
  return {
    gsi1pk: keys.allCases(record.town),
    gsi1sk: sort,
    gsi2pk: keys.byStatus(record.town, record.status),
    gsi2sk: sort,
    ...(gridPath
      ? {
          gsi3pk: keys.byGridPath(record.town),
          gsi3sk: keys.gridPathSortKey(gridPath, record.createdAt, record.id),
        }
      : {}),
    ...(record.assignee ? { gsi4pk: keys.byAssignee(record.town, record.assignee), gsi4sk: sort } : {}),
  };
}

const invalidCursor = () =>
  new HttpProblem(
    'validation',
    { zh: 'cursor 无效', en: 'The cursor is not valid' },
    { errors: [{ path: 'cursor', message: 'is not a cursor this list issued' }] },
  );

/** Cursors are the last key, encoded; a forged one is refused unless it points into the very partition queried. */
export function decodeCursor(
  cursor: string,
  index: { partitionKey: string; sortKey: string },
  partition: string,
) {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  const expected = ['pk', 'sk', index.partitionKey, index.sortKey].sort();
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    Array.isArray(parsed) ||
    Object.keys(parsed).sort().join() !== expected.join() ||
    Object.values(parsed).some((v) => typeof v !== 'string' || v.length > 1024) ||
    (parsed as Record<string, string>)[index.partitionKey] !== partition
  )
    throw invalidCursor();
  return parsed as Record<string, string>;
}

export const encodeCursor = (key: Record<string, unknown>): string =>
  Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');

const storedEventSchema = timelineEventSchema as unknown as z.ZodType<TimelineEvent>;

/** A condition that failed or a concurrent transaction on the same item: both mean "someone moved it first". */
const isConflict = (error: TransactionCanceledException): boolean =>
  (error.CancellationReasons ?? []).some(
    (reason) => reason.Code === 'ConditionalCheckFailed' || reason.Code === 'TransactionConflict',
  );

export function parseCaseItem(item: Record<string, unknown>): CaseRecord {
  return caseRecordSchema.parse(item);
}

export class CaseRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** Takes the next case number of the day with an atomic ADD, before the case's transaction: gaps are allowed. */
  async nextSequence(town: string, prefix: string, day: string): Promise<number> {
    const result = await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.numberCounter(town, prefix, day),
        UpdateExpression: 'ADD #n :one',
        ExpressionAttributeNames: { '#n': 'n' },
        ExpressionAttributeValues: { ':one': 1 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(result.Attributes?.n);
  }

  /**
   * Writes a new case, its first timeline event and its petitioners' blind-index items in one transaction; the case
   * must not exist yet.
   */
  async create(record: CaseRecord, event: TimelineEvent, blindIndexes: readonly string[]): Promise<void> {
    await this.db.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: this.table,
              Item: this.caseItem(record),
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            Put: {
              TableName: this.table,
              Item: this.eventItem(record, event),
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          ...blindIndexes.map((blind, n) => ({
            Put: {
              TableName: this.table,
              Item: {
                ...keys.petitionerIndexItem(record.town, record.id, n),
                gsi5pk: keys.byPetitioner(record.town, record.category, blind),
                gsi5sk: keys.caseSortKey(record.createdAt, record.id),
                caseId: record.id,
              },
            },
          })),
        ],
      }),
    );
  }

  /**
   * Replaces a case with its next state and appends the event, in one transaction conditioned on the version and
   * the timeline head the caller read. `undefined` when someone else moved the case first (a stale version, or
   * DynamoDB's TransactionConflict), so the caller can re-read. Returns the stored record, its head moved to the event.
   */
  async applyChange(
    previous: CaseRecord,
    change: CaseRecord,
    event: TimelineEvent,
  ): Promise<CaseRecord | undefined> {
    const next = { ...change, timelineHead: { seq: event.seq, hash: event.hash } };
    const written = await this.transactOrConflict([
      {
        Put: {
          TableName: this.table,
          Item: this.caseItem(next),
          ConditionExpression: '#version = :version AND #head.#seq = :seq',
          ExpressionAttributeNames: { '#version': 'version', '#head': 'timelineHead', '#seq': 'seq' },
          ExpressionAttributeValues: { ':version': previous.version, ':seq': previous.timelineHead.seq },
        },
      },
      {
        Put: {
          TableName: this.table,
          Item: this.eventItem(next, event),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    ]);
    return written ? next : undefined;
  }

  /** Appends an event that changes nothing else (a note): moves the head, keeps the version. */
  async appendEvent(record: CaseRecord, event: TimelineEvent): Promise<boolean> {
    return this.transactOrConflict([
      {
        Update: {
          TableName: this.table,
          Key: keys.caseItem(record.town, record.id),
          UpdateExpression: 'SET #head = :head',
          ConditionExpression: '#head.#seq = :seq',
          ExpressionAttributeNames: { '#head': 'timelineHead', '#seq': 'seq' },
          ExpressionAttributeValues: {
            ':head': { seq: event.seq, hash: event.hash },
            ':seq': record.timelineHead.seq,
          },
        },
      },
      {
        Put: {
          TableName: this.table,
          Item: this.eventItem(record, event),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    ]);
  }

  private async transactOrConflict(
    items: NonNullable<TransactWriteCommandInput['TransactItems']>,
  ): Promise<boolean> {
    try {
      await this.db.send(new TransactWriteCommand({ TransactItems: items }));
      return true;
    } catch (error) {
      if (error instanceof TransactionCanceledException && isConflict(error)) return false;
      throw error;
    }
  }

  private caseItem(record: CaseRecord) {
    return { ...keys.caseItem(record.town, record.id), ...caseIndexAttributes(record), ...record };
  }

  private eventItem(record: CaseRecord, event: TimelineEvent) {
    return { ...keys.timelineEvent(record.town, record.id, event.seq), ...event };
  }

  /** The newest earlier case of any of these petitioners in this category: one Query per identifier (at most five). */
  async findEarlierCase(
    town: string,
    category: string,
    blindIndexes: readonly string[],
  ): Promise<string | undefined> {
    let newest: { sort: string; caseId: string } | undefined;
    for (const blind of blindIndexes) {
      const result = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: CASES_TABLE.indexes[4]!.name,
          KeyConditionExpression: 'gsi5pk = :pk',
          ExpressionAttributeValues: { ':pk': keys.byPetitioner(town, category, blind) },
          ScanIndexForward: false,
          Limit: 1,
        }),
      );
      const item = result.Items?.[0];
      if (item && (!newest || String(item.gsi5sk) > newest.sort))
        newest = { sort: String(item.gsi5sk), caseId: String(item.caseId) };
    }
    return newest?.caseId;
  }

  /** The whole timeline of a case, oldest first. */
  async timeline(town: string, id: string): Promise<TimelineEvent[]> {
    const events: TimelineEvent[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const result = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': keys.caseItem(town, id).pk, ':prefix': keys.timelinePrefix },
          ConsistentRead: true,
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      for (const item of result.Items ?? []) events.push(storedEventSchema.parse(item));
      startKey = result.LastEvaluatedKey;
    } while (startKey);
    return events;
  }

  async get(town: string, id: string): Promise<CaseRecord | undefined> {
    const result: GetCommandOutput = await this.db.send(
      new GetCommand({ TableName: this.table, Key: keys.caseItem(town, id), ConsistentRead: true }),
    );
    return result.Item ? parseCaseItem(result.Item) : undefined;
  }

  /** One page of a list, newest first, from the one index partition the plan names: a Query, never a Scan. */
  async list(town: string, plan: CaseListPlan, limit: number, cursor?: string): Promise<CasePage> {
    if (plan.index === 'empty') return { items: [] };
    const index = INDEX_OF[plan.index];
    const partition = {
      all: () => keys.allCases(town),
      status: () => keys.byStatus(town, plan.key),
      assignee: () => keys.byAssignee(town, plan.key),
      grid: () => keys.byGridPath(town),
    }[plan.index]();
    const startKey = cursor ? decodeCursor(cursor, index, partition) : undefined;
    const filter = filterExpression(plan.filters);
    const prefix = plan.index === 'grid' ? plan.key : undefined;
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: index.name,
        KeyConditionExpression: prefix ? '#pk = :pk AND begins_with(#sk, :prefix)' : '#pk = :pk',
        ExpressionAttributeNames: {
          '#pk': index.partitionKey,
          ...(prefix ? { '#sk': index.sortKey } : {}),
          ...filter?.names,
        },
        ExpressionAttributeValues: {
          ':pk': partition,
          ...(prefix ? { ':prefix': prefix } : {}),
          ...filter?.values,
        },
        ...(filter ? { FilterExpression: filter.expression } : {}),
        ScanIndexForward: false,
        Limit: limit,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    return {
      items: (result.Items ?? []).map(parseCaseItem),
      ...(result.LastEvaluatedKey ? { nextCursor: encodeCursor(result.LastEvaluatedKey) } : {}),
    };
  }
}

/** The filters an index does not answer, as one FilterExpression (pages may then come back short). */
function filterExpression(filters: CaseListFilters) {
  const parts: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const equals = (attr: string, value: unknown) => {
    names[`#${attr}`] = attr;
    values[`:${attr}`] = value;
    parts.push(`#${attr} = :${attr}`);
  };
  if (filters.status !== undefined) equals('status', filters.status);
  if (filters.assignee !== undefined) equals('assignee', filters.assignee);
  if (filters.track !== undefined) equals('track', filters.track);
  if (filters.firstTime !== undefined) equals('firstTime', filters.firstTime === 'true');
  if (filters.dueBefore !== undefined) {
    names['#deadlines'] = 'deadlines';
    names['#acknowledgeBy'] = 'acknowledgeBy';
    names['#replyBy'] = 'replyBy';
    values[':dueBefore'] = new Date(filters.dueBefore).toISOString();
    parts.push(
      '((attribute_exists(#deadlines.#replyBy) AND #deadlines.#replyBy < :dueBefore) OR ' +
        '(attribute_not_exists(#deadlines.#replyBy) AND #deadlines.#acknowledgeBy < :dueBefore))',
    );
  }
  return parts.length ? { expression: parts.join(' AND '), names, values } : undefined;
}
