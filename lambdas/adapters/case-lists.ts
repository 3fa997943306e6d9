import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  QueryCommand,
  type QueryCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import { type CaseListPlan, isInGrids, type ListSource, matchesFilters } from '../domain/access.js';
import type { CaseRecord } from '../domain/case.js';
import { parseCaseItem, parseRelationItem } from './case-items.js';
import { decodeCursor, encodeCursor, type KeyRange, positionIndex, startKeyOf } from './cursor.js';
import { CASES_INDEX, keys } from './table-model.js';

/** Case lists: a plan's sources read as Queries on the indexes, one page at a time, with the shared cursor codec. */

export interface CasePage {
  items: CaseRecord[];
  nextCursor?: string;
  /** Items DynamoDB returned for the page (index items and the cases behind relation items). */
  itemsRead: number;
}

interface ListPosition {
  /** Which source of the plan the next page starts in. */
  source: number;
  /** Where in that source; absent at its start. */
  key?: Record<string, unknown>;
}

/**
 * The start key a source's Query may be given: its index's partition, its index's sort key inside the source's prefix,
 * and the table key of an item that index holds (a case's own partition; a relation item of the source's user).
 */
function startKeyPlan(town: string, query: SourceQuery): Record<string, KeyRange> {
  const { index, partition, prefix, source } = query;
  return {
    [index.partitionKey]: { equals: partition },
    [index.sortKey]: prefix ? { prefix } : 'any',
    pk: { prefix: keys.caseItem(town, '').pk },
    sk: { equals: source.index === 'related' ? keys.relationItem(town, '', source.userId).sk : keys.caseSk },
  };
}

/**
 * Cursors are the position in the plan, encoded. A forged one is refused unless its key lies inside the very Query
 * that source sends, so a cursor can never reach another town's items nor make DynamoDB refuse the Query.
 */
function decodeListCursor(cursor: string, town: string, sources: readonly SourceQuery[]): ListPosition {
  const { source, key } = decodeCursor(cursor, ['source', 'key']);
  const at = positionIndex(source, sources.length);
  if (key === undefined) return { source: at };
  return { source: at, key: startKeyOf(key, startKeyPlan(town, sources[at]!)) };
}

/** A plan's source as a Query: index, partition and optional sort-key prefix. */
interface SourceQuery {
  index: { name: string; partitionKey: string; sortKey: string };
  partition: string;
  prefix?: string;
  source: ListSource;
}

function sourceQuery(town: string, source: ListSource): SourceQuery {
  switch (source.index) {
    case 'all':
      return { index: CASES_INDEX.allCases, partition: keys.allCases(town), source };
    case 'status':
      return { index: CASES_INDEX.byStatus, partition: keys.byStatus(town, source.status), source };
    case 'grid':
      return {
        index: CASES_INDEX.byGridPath,
        partition: keys.byGridPath(town),
        prefix: source.path,
        source,
      };
    case 'related':
      return { index: CASES_INDEX.related, partition: keys.related(town, source.userId), source };
    case 'backlog':
      return { index: CASES_INDEX.backlogCases, partition: keys.backlogCases(town), source };
    case 'key':
      return { index: CASES_INDEX.keyCases, partition: keys.keyCases(town), source };
  }
}

/**
 * One page of a list, newest first within each source, reading only the index partitions the plan names (Query,
 * never Scan). Sources are read one after another; the cursor says where the next page starts.
 */
export async function listCases(
  db: DynamoDBDocumentClient,
  table: string,
  town: string,
  plan: CaseListPlan,
  limit: number,
  cursor?: string,
): Promise<CasePage> {
  const sources = plan.sources.map((source) => sourceQuery(town, source));
  let position: ListPosition | undefined = cursor ? decodeListCursor(cursor, town, sources) : { source: 0 };
  const items: CaseRecord[] = [];
  let itemsRead = 0;
  while (position && items.length < limit) {
    const current: SourceQuery | undefined = sources[position.source];
    if (!current) break;
    const result: QueryCommandOutput = await db.send(
      new QueryCommand({
        TableName: table,
        IndexName: current.index.name,
        KeyConditionExpression: current.prefix ? '#pk = :pk AND begins_with(#sk, :prefix)' : '#pk = :pk',
        ExpressionAttributeNames: {
          '#pk': current.index.partitionKey,
          ...(current.prefix ? { '#sk': current.index.sortKey } : {}),
        },
        ExpressionAttributeValues: {
          ':pk': current.partition,
          ...(current.prefix ? { ':prefix': current.prefix } : {}),
        },
        ScanIndexForward: false,
        Limit: limit - items.length,
        ...(position.key ? { ExclusiveStartKey: position.key } : {}),
      }),
    );
    itemsRead += result.Items?.length ?? 0;
    const related =
      current.source.index === 'related'
        ? await relatedCases(db, table, current.source, result.Items ?? [])
        : undefined;
    itemsRead += related?.read ?? 0;
    const records = related?.records ?? (result.Items ?? []).map(parseCaseItem);
    items.push(...records.filter((record) => matchesFilters(record, plan.filters)));
    position = result.LastEvaluatedKey
      ? { source: position.source, key: result.LastEvaluatedKey }
      : position.source + 1 < sources.length
        ? { source: position.source + 1 }
        : undefined;
  }
  return { items, ...(position ? { nextCursor: encodeCursor(position) } : {}), itemsRead };
}

/**
 * The cases behind relation items, in their order, without those the caller already listed by grid; `read` is how
 * many cases the batch reads returned.
 */
async function relatedCases(
  db: DynamoDBDocumentClient,
  table: string,
  source: Extract<ListSource, { index: 'related' }>,
  relationItems: Record<string, unknown>[],
) {
  // without a named relation, staff relations only: being a petitioner on a case is not a staff relation
  const wanted = relationItems
    .map(parseRelationItem)
    .filter(({ relations }) =>
      source.relation ? relations.includes(source.relation) : relations.some((r) => r !== 'petitioner'),
    );
  if (wanted.length === 0) return { records: [], read: 0 };
  const byPk = new Map<string, CaseRecord>();
  let pending: Record<string, unknown>[] = wanted.map(({ pk }) => ({ pk, sk: keys.caseSk }));
  for (let attempt = 0; pending.length > 0 && attempt < 5; attempt++) {
    const result = await db.send(new BatchGetCommand({ RequestItems: { [table]: { Keys: pending } } }));
    for (const record of (result.Responses?.[table] ?? []).map(parseCaseItem))
      byPk.set(keys.caseItem(record.town, record.id).pk, record);
    pending = result.UnprocessedKeys?.[table]?.Keys ?? [];
  }
  const records = wanted
    .map(({ pk }) => byPk.get(pk))
    .filter(
      (record): record is CaseRecord => record !== undefined && !isInGrids(record, source.skipGridPaths),
    );
  return { records, read: byPk.size };
}
