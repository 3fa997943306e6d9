import { type DynamoDBDocumentClient, QueryCommand, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import type { CaseRecord } from '../domain/case.js';
import { OPEN_STATUSES } from '../domain/catalog.js';
import type { DecisionRecord } from '../domain/meeting.js';
import { parseCaseItem } from './case-items.js';
import { isDecisionItem, parseDecisionItem } from './meeting-repository.js';
import { queryAll, queryPages } from './query-all.js';
import { CASES_INDEX, keys } from './table-model.js';

/** The reads of sweeps, upkeep and reports: alerts due, deadlines due, the backlog, a walk over the open cases. */

/** Where a walk over a town's open cases stands: which open status (by its place in OPEN_STATUSES), and after which key. */
export interface OpenCasesPosition {
  status: number;
  key?: Record<string, string>;
}

/** The key of an item of the status index, as a walk over the open cases resumes from it. */
const positionKey = (item: Record<string, unknown>): Record<string, string> => {
  const index = CASES_INDEX.byStatus;
  return Object.fromEntries(
    ['pk', 'sk', index.partitionKey, index.sortKey].map((name) => [name, String(item[name])]),
  );
};

/** The cases whose next ladder step is due by `now`, in one shard of the alert index. */
export async function dueAlerts(
  db: DynamoDBDocumentClient,
  table: string,
  shard: number,
  now: Date,
): Promise<CaseRecord[]> {
  return (await dueSteps(db, table, shard, now)).cases;
}

/** Every step due by `now` in one shard of the alert index, the cases' and the meeting decisions'; nothing else is read. */
export async function dueSteps(
  db: DynamoDBDocumentClient,
  table: string,
  shard: number,
  now: Date,
): Promise<{ cases: CaseRecord[]; decisions: DecisionRecord[] }> {
  const index = CASES_INDEX.alertsDue;
  const items = await queryAll(db, {
    TableName: table,
    IndexName: index.name,
    KeyConditionExpression: '#pk = :pk AND #sk <= :bound',
    ExpressionAttributeNames: { '#pk': index.partitionKey, '#sk': index.sortKey },
    // sort keys begin with the step's instant; '#~' sorts after every town and id at that instant
    ExpressionAttributeValues: { ':pk': keys.alertShard(shard), ':bound': `${now.toISOString()}#~` },
  });
  return {
    cases: items.filter((item) => !isDecisionItem(item)).map(parseCaseItem),
    decisions: items.filter(isDecisionItem).map(parseDecisionItem),
  };
}

/** Every case carried from before the system (积案) of the town: the sparse backlog partition, whole. */
export async function backlogCases(
  db: DynamoDBDocumentClient,
  table: string,
  town: string,
): Promise<{ items: CaseRecord[]; itemsRead: number }> {
  const items = await queryAll(db, {
    TableName: table,
    IndexName: CASES_INDEX.backlogCases.name,
    KeyConditionExpression: 'gsi4pk = :pk',
    ExpressionAttributeValues: { ':pk': keys.backlogCases(town) },
  });
  return { items: items.map(parseCaseItem), itemsRead: items.length };
}

export interface DueBeforeOptions {
  from?: Date;
  firstTimePetitions?: boolean;
}

/**
 * Open cases whose next staff deadline falls before `before` (and not before `from`, if given), soonest first: at
 * most `limit` of them, and how many there are (a count over the same index range, which reads only those cases).
 * `firstTimePetitions` keeps first-time petitions only. `itemsRead` counts what DynamoDB read, filtered or not.
 */
export async function dueBefore(
  db: DynamoDBDocumentClient,
  table: string,
  town: string,
  before: Date,
  limit: number,
  options: DueBeforeOptions = {},
): Promise<{ items: CaseRecord[]; total: number; itemsRead: number }> {
  const { from, firstTimePetitions } = options;
  if (from && from.getTime() >= before.getTime()) return { items: [], total: 0, itemsRead: 0 };
  const index = CASES_INDEX.openByDue;
  const range = {
    TableName: table,
    IndexName: index.name,
    // sort keys are `due#id`: BETWEEN leaves a due instant equal to `before` out, as `<` does
    KeyConditionExpression: from
      ? '#pk = :pk AND #sk BETWEEN :from AND :before'
      : '#pk = :pk AND #sk < :before',
    ...(firstTimePetitions ? { FilterExpression: '#firstTime = :true AND #kind = :petition' } : {}),
    ExpressionAttributeNames: {
      '#pk': index.partitionKey,
      '#sk': index.sortKey,
      ...(firstTimePetitions ? { '#firstTime': 'firstTime', '#kind': 'kind' } : {}),
    },
    ExpressionAttributeValues: {
      ':pk': keys.openByDue(town),
      ':before': before.toISOString(),
      ...(from ? { ':from': from.toISOString() } : {}),
      ...(firstTimePetitions ? { ':true': true, ':petition': 'petition' } : {}),
    },
  };
  let itemsRead = 0;
  const items: CaseRecord[] = [];
  // a filter applies after Limit: read on until `limit` cases pass it
  for await (const page of queryPages(db, { ...range, Limit: limit })) {
    items.push(...(page.Items ?? []).map(parseCaseItem));
    itemsRead += page.ScannedCount ?? 0;
    if (items.length >= limit) break;
  }
  let total = 0;
  for await (const counted of queryPages(db, { ...range, Select: 'COUNT' })) {
    total += counted.Count ?? 0;
    itemsRead += counted.ScannedCount ?? 0;
  }
  return { items: items.slice(0, limit), total, itemsRead };
}

/**
 * One page of the town's open cases, status by status (GSI2), oldest first, from `position`; each case with the
 * index key it was read at, so a caller can stop after any case and resume after it. No `next` when all are read.
 */
export async function openCasesPage(
  db: DynamoDBDocumentClient,
  table: string,
  town: string,
  position: OpenCasesPosition,
  limit: number,
): Promise<{ items: { record: CaseRecord; at: OpenCasesPosition }[]; next?: OpenCasesPosition }> {
  const index = CASES_INDEX.byStatus;
  let { status, key } = position;
  while (status < OPEN_STATUSES.length) {
    const result: QueryCommandOutput = await db.send(
      new QueryCommand({
        TableName: table,
        IndexName: index.name,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': index.partitionKey },
        ExpressionAttributeValues: { ':pk': keys.byStatus(town, OPEN_STATUSES[status]!) },
        Limit: limit,
        ...(key ? { ExclusiveStartKey: key } : {}),
      }),
    );
    const at = status;
    const items = (result.Items ?? []).map((item) => ({
      record: parseCaseItem(item),
      at: { status: at, key: positionKey(item) },
    }));
    const last = result.LastEvaluatedKey ? positionKey(result.LastEvaluatedKey) : undefined;
    const next = last
      ? { status, key: last }
      : status + 1 < OPEN_STATUSES.length
        ? { status: status + 1 }
        : undefined;
    if (items.length > 0 || !next) return { items, ...(next ? { next } : {}) };
    ({ status, key } = next);
  }
  return { items: [] };
}
