import {
  type DynamoDBDocumentClient,
  GetCommand,
  type GetCommandOutput,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { CaseListFilters, CaseListPlan } from '../domain/access.js';
import { type CaseRecord, caseRecordSchema } from '../domain/case.js';
import { HttpProblem } from '../http/problem.js';
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
export function caseIndexAttributes(
  record: CaseRecord,
  gridPath: string | undefined,
): Record<string, string> {
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

  /** Writes a new case and whatever must appear with it, in one transaction; the case must not exist yet. */
  async create(record: CaseRecord, gridPath: string | undefined, alsoPut: Record<string, unknown>[] = []) {
    await this.db.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: this.table,
              Item: {
                ...keys.caseItem(record.town, record.id),
                ...caseIndexAttributes(record, gridPath),
                ...record,
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          ...alsoPut.map((Item) => ({
            Put: { TableName: this.table, Item, ConditionExpression: 'attribute_not_exists(pk)' },
          })),
        ],
      }),
    );
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
