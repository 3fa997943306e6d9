import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  type GetCommandOutput,
  QueryCommand,
  type QueryCommandOutput,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  type CaseListPlan,
  caseRelations,
  isInGrids,
  type ListSource,
  matchesFilters,
} from '../domain/access.js';
import { type CaseRecord, caseRecordSchema, registrationDayOf } from '../domain/case.js';
import { OPEN_STATUSES } from '../domain/catalog.js';
import { endOfBeijingDay } from '../domain/deadlines.js';
import { watchedDeadline } from '../domain/ladder.js';
import { parseTimelineEvent, type TimelineEvent } from '../domain/timeline.js';
import { decodeCursor, encodeCursor, type KeyRange, positionIndex, startKeyOf } from './cursor.js';
import { queryAll } from './query-all.js';
import { ALERT_SHARDS, CASES_INDEX, keys, shardOf } from './table-model.js';

/** Where a walk over a town's open cases stands: which open status (by its place in OPEN_STATUSES), and after which key. */
export interface OpenCasesPosition {
  status: number;
  key?: Record<string, string>;
}

export interface CasePage {
  items: CaseRecord[];
  nextCursor?: string;
  /** Items DynamoDB returned for the page (index items and the cases behind relation items). */
  itemsRead: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** The index attributes a case item carries, derived from the record so they can never disagree with it. */
export function caseIndexAttributes(record: CaseRecord): Record<string, string> {
  const gridPath = record.gridPath;
  const watched = watchedDeadline(record);
  const sort = keys.caseSortKey(record.createdAt, record.id);
  return {
    gsi1pk: keys.allCases(record.town),
    gsi1sk: sort,
    gsi2pk: keys.byStatus(record.town, record.status),
    gsi2sk: sort,
    // a case item has no relation or blind index of its own: GSI4 and GSI5 hold its backlog and key marks
    ...(record.backlog ? { gsi4pk: keys.backlogCases(record.town), gsi4sk: sort } : {}),
    ...(record.key ? { gsi5pk: keys.keyCases(record.town), gsi5sk: sort } : {}),
    ...(record.alert
      ? {
          gsi6pk: keys.alertShard(shardOf(record.id, ALERT_SHARDS)),
          gsi6sk: keys.alertSortKey(record.alert.at, record.town, record.id),
        }
      : {}),
    ...(gridPath
      ? {
          gsi3pk: keys.byGridPath(record.town),
          gsi3sk: keys.gridPathSortKey(gridPath, record.createdAt, record.id),
        }
      : {}),
    ...(watched
      ? {
          gsi8pk: keys.openByDue(record.town),
          gsi8sk: keys.caseSortKey(watched.due.toISOString(), record.id),
        }
      : {}),
    ...(record.closedAt && record.personal?.state !== 'erased'
      ? { gsi7pk: keys.closedCases(record.town), gsi7sk: keys.caseSortKey(record.closedAt, record.id) }
      : {}),
  };
}

interface ListPosition {
  /** Which source of the plan the next page starts in. */
  source: number;
  /** Where in that source; absent at its start. */
  key?: Record<string, string>;
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

/** A condition that failed or a concurrent transaction on the same item: both mean "someone moved it first". */
export const isConflict = (error: TransactionCanceledException): boolean =>
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
  async create(
    record: CaseRecord,
    event: TimelineEvent,
    blindIndexes: readonly string[],
    alsoPut: Record<string, unknown>[] = [],
  ): Promise<void> {
    const items = [...this.creationItems(record, event, blindIndexes), ...alsoPut];
    await this.db.send(
      new TransactWriteCommand({
        TransactItems: items as NonNullable<TransactWriteCommandInput['TransactItems']>,
      }),
    );
  }

  /** Writes items of several kinds in one transaction (a registration, a patrol with its findings). */
  async transact(items: readonly Record<string, unknown>[]): Promise<void> {
    await this.db.send(
      new TransactWriteCommand({
        TransactItems: items as NonNullable<TransactWriteCommandInput['TransactItems']>,
      }),
    );
  }

  /** The item that finds a case by the keyed hash of its query code (tracking without login, claiming). */
  queryCodePut(hash: string, record: CaseRecord) {
    return {
      Put: {
        TableName: this.table,
        Item: { ...keys.queryCode(hash), town: record.town, caseId: record.id },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
  }

  /**
   * The town's case with this number. The number names the Beijing day of registration, so one Query of the town's
   * cases created that day finds it (a day's registrations, nothing else, and no lookup item to write).
   */
  async findByNumber(town: string, number: string): Promise<CaseRecord | undefined> {
    const day = registrationDayOf(number);
    if (!day) return undefined;
    const end = endOfBeijingDay(day);
    const items = await queryAll(this.db, {
      TableName: this.table,
      IndexName: CASES_INDEX.allCases.name,
      KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk BETWEEN :from AND :to',
      FilterExpression: '#number = :number',
      ExpressionAttributeNames: { '#number': 'number' },
      ExpressionAttributeValues: {
        ':pk': keys.allCases(town),
        ':from': new Date(end.getTime() - DAY_MS).toISOString(),
        ':to': end.toISOString(),
        ':number': number,
      },
    });
    return items[0] ? parseCaseItem(items[0]) : undefined;
  }

  async findByQueryCode(hash: string): Promise<CaseRecord | undefined> {
    const lookup = await this.db.send(new GetCommand({ TableName: this.table, Key: keys.queryCode(hash) }));
    if (!lookup.Item) return undefined;
    return this.get(String(lookup.Item.town), String(lookup.Item.caseId));
  }

  /**
   * Attaches a case to a citizen's account (and to their relations index), unless someone's account has it already.
   * Not a state change: the version stays.
   */
  async claim(record: CaseRecord, userId: string): Promise<boolean> {
    const claimed = { ...record, petitionerUserId: userId };
    return this.transactOrConflict([
      {
        Update: {
          TableName: this.table,
          Key: keys.caseItem(record.town, record.id),
          UpdateExpression: 'SET petitionerUserId = :user',
          ConditionExpression: 'attribute_not_exists(petitionerUserId)',
          ExpressionAttributeValues: { ':user': userId },
        },
      },
      ...(this.relationChanges(record, claimed) as NonNullable<TransactWriteCommandInput['TransactItems']>),
    ]);
  }

  /** The writes that create a case, for a transaction of the caller's (a patrol writes several cases at once). */
  creationItems(record: CaseRecord, event: TimelineEvent, blindIndexes: readonly string[]) {
    return [
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
      ...this.relationChanges(undefined, record),
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
    ];
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
    alsoWrite: Record<string, unknown>[] = [],
  ): Promise<CaseRecord | undefined> {
    const next = { ...change, timelineHead: { seq: event.seq, hash: event.hash } };
    const written = await this.transactOrConflict([
      ...(alsoWrite as NonNullable<TransactWriteCommandInput['TransactItems']>),
      ...this.relationChanges(previous, next),
      {
        Put: {
          TableName: this.table,
          Item: this.caseItem(next),
          // the version and head the caller read, and the alert step: a sweep that fired meanwhile forces a re-read
          ConditionExpression: `#version = :version AND #head.#seq = :seq AND ${
            previous.alert
              ? '#alert.#at = :alertAt AND #alert.#step = :alertStep'
              : 'attribute_not_exists(#alert)'
          }`,
          ExpressionAttributeNames: {
            '#version': 'version',
            '#head': 'timelineHead',
            '#seq': 'seq',
            '#alert': 'alert',
            ...(previous.alert ? { '#at': 'at', '#step': 'step' } : {}),
          },
          ExpressionAttributeValues: {
            ':version': previous.version,
            ':seq': previous.timelineHead.seq,
            ...(previous.alert ? { ':alertAt': previous.alert.at, ':alertStep': previous.alert.step } : {}),
          },
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
    return this.transactOrConflict(this.appendItems(record, event));
  }

  /** The head moved to an event, conditioned on the head the caller read, and the event itself. */
  private appendItems(record: CaseRecord, event: TimelineEvent) {
    return [
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
    ] satisfies NonNullable<TransactWriteCommandInput['TransactItems']>;
  }

  /**
   * Appends a linked repeat's event (like a note: the version stays) with what it adds to the counters. With `ref` (the
   * keyed hash of the request's Idempotency-Key) a marker in the case's partition lets a retry whose first attempt
   * committed find the link made: `already` names the event it made. `head-moved`: re-read and try again.
   */
  async appendLinkedRepeat(
    record: CaseRecord,
    event: TimelineEvent,
    counterUpdates: readonly Record<string, unknown>[],
    ref?: string,
  ): Promise<'written' | 'head-moved' | { already: { seq: number; at: string } }> {
    const marker = ref ? keys.linkedRepeat(record.town, record.id, ref) : undefined;
    const items = [
      ...this.appendItems(record, event),
      ...(marker
        ? [
            {
              Put: {
                TableName: this.table,
                Item: { ...marker, seq: event.seq, at: event.at },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ]
        : []),
      ...counterUpdates,
    ] as NonNullable<TransactWriteCommandInput['TransactItems']>;
    try {
      await this.db.send(new TransactWriteCommand({ TransactItems: items }));
      return 'written';
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      // the marker sits third: a retry of a link that committed finds it, whatever else failed with it
      if (marker && error.CancellationReasons?.[2]?.Code === 'ConditionalCheckFailed') {
        const made = await this.db.send(
          new GetCommand({ TableName: this.table, Key: marker, ConsistentRead: true }),
        );
        return { already: { seq: Number(made.Item?.seq), at: String(made.Item?.at) } };
      }
      if (isConflict(error)) return 'head-moved';
      throw error;
    }
  }

  /** The keyed blind indexes a case's petitioners are found by, as their GSI5 partitions. */
  async petitionerPartitions(town: string, caseId: string): Promise<string[]> {
    const items = await queryAll(this.db, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: {
        ':pk': keys.caseItem(town, caseId).pk,
        ':prefix': keys.petitionerIndexPrefix,
      },
    });
    return items.map((item) => String(item.gsi5pk));
  }

  /** Every case carried from before the system (积案) of the town: the sparse backlog partition, whole. */
  async backlogCases(town: string): Promise<{ items: CaseRecord[]; itemsRead: number }> {
    const items = await queryAll(this.db, {
      TableName: this.table,
      IndexName: CASES_INDEX.related.name,
      KeyConditionExpression: 'gsi4pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.backlogCases(town) },
    });
    return { items: items.map(parseCaseItem), itemsRead: items.length };
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

  /** Puts and deletes that keep the relations index equal to the case's assignee, owner and team. */
  private relationChanges(previous: CaseRecord | undefined, next: CaseRecord) {
    const before = previous ? caseRelations(previous) : new Map<string, string[]>();
    const after = caseRelations(next);
    const puts = [...after]
      .filter(([userId, relations]) => before.get(userId)?.join() !== relations.join())
      .map(([userId, relations]) => ({
        Put: {
          TableName: this.table,
          Item: {
            ...keys.relationItem(next.town, next.id, userId),
            gsi4pk: keys.related(next.town, userId),
            gsi4sk: keys.caseSortKey(next.createdAt, next.id),
            relations,
          },
        },
      }));
    const deletes = [...before.keys()]
      .filter((userId) => !after.has(userId))
      .map((userId) => ({
        Delete: { TableName: this.table, Key: keys.relationItem(next.town, next.id, userId) },
      }));
    return [...puts, ...deletes];
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
          IndexName: CASES_INDEX.byPetitioner.name,
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

  /** The cases whose next ladder step is due by `now`, in one shard of the alert index; nothing else is read. */
  async dueAlerts(shard: number, now: Date): Promise<CaseRecord[]> {
    const index = CASES_INDEX.alertsDue;
    const items = await queryAll(this.db, {
      TableName: this.table,
      IndexName: index.name,
      KeyConditionExpression: '#pk = :pk AND #sk <= :bound',
      ExpressionAttributeNames: { '#pk': index.partitionKey, '#sk': index.sortKey },
      // sort keys begin with the step's instant; '#~' sorts after every town and id at that instant
      ExpressionAttributeValues: { ':pk': keys.alertShard(shard), ':bound': `${now.toISOString()}#~` },
    });
    return items.map(parseCaseItem);
  }

  /**
   * Moves a case's alert past the step that fired, and writes what the step sends, in one transaction conditioned on
   * the alert the sweep read: of two sweeps (or a sweep and a command) only one moves it, so a step sends once.
   * Sweep flags do not change the version.
   */
  async advanceAlert(
    record: CaseRecord,
    next: CaseRecord['alert'],
    overdue: { kind: string; due: string; at: string } | undefined,
    alsoPut: Record<string, unknown>[],
  ): Promise<boolean> {
    const read = record.alert;
    if (!read) return false;
    const sets = [
      ...(next ? ['#alert = :next', 'gsi6sk = :sk'] : []),
      ...(overdue ? ['#overdue = list_append(if_not_exists(#overdue, :none), :overdue)'] : []),
    ];
    const update = [
      ...(sets.length ? [`SET ${sets.join(', ')}`] : []),
      ...(next ? [] : ['REMOVE #alert, gsi6pk, gsi6sk']),
    ].join(' ');
    return this.transactOrConflict([
      {
        Update: {
          TableName: this.table,
          Key: keys.caseItem(record.town, record.id),
          UpdateExpression: update,
          ConditionExpression: '#alert.#at = :at AND #alert.#step = :step',
          ExpressionAttributeNames: {
            '#alert': 'alert',
            '#at': 'at',
            '#step': 'step',
            ...(overdue ? { '#overdue': 'overdue' } : {}),
          },
          ExpressionAttributeValues: {
            ':at': read.at,
            ':step': read.step,
            ...(next ? { ':next': next, ':sk': keys.alertSortKey(next.at, record.town, record.id) } : {}),
            ...(overdue ? { ':overdue': [overdue], ':none': [] } : {}),
          },
        },
      },
      ...alsoPut,
    ] as NonNullable<TransactWriteCommandInput['TransactItems']>);
  }

  /**
   * Open cases whose next staff deadline falls before `before` (and not before `from`, if given), soonest first: at
   * most `limit` of them, and how many there are (a count over the same index range, which reads only those cases).
   * `firstTimePetitions` keeps first-time petitions only. `itemsRead` counts what DynamoDB read, filtered or not.
   */
  async dueBefore(
    town: string,
    before: Date,
    limit: number,
    options: { from?: Date; firstTimePetitions?: boolean } = {},
  ): Promise<{ items: CaseRecord[]; total: number; itemsRead: number }> {
    const { from, firstTimePetitions } = options;
    if (from && from.getTime() >= before.getTime()) return { items: [], total: 0, itemsRead: 0 };
    const index = CASES_INDEX.openByDue;
    const range = {
      TableName: this.table,
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
    let startKey: Record<string, unknown> | undefined;
    // a filter applies after Limit: read on until `limit` cases pass it
    do {
      const page: QueryCommandOutput = await this.db.send(
        new QueryCommand({ ...range, Limit: limit, ...(startKey ? { ExclusiveStartKey: startKey } : {}) }),
      );
      items.push(...(page.Items ?? []).map(parseCaseItem));
      itemsRead += page.ScannedCount ?? 0;
      startKey = page.LastEvaluatedKey;
    } while (startKey && items.length < limit);
    let total = 0;
    startKey = undefined;
    do {
      const counted: QueryCommandOutput = await this.db.send(
        new QueryCommand({ ...range, Select: 'COUNT', ...(startKey ? { ExclusiveStartKey: startKey } : {}) }),
      );
      total += counted.Count ?? 0;
      itemsRead += counted.ScannedCount ?? 0;
      startKey = counted.LastEvaluatedKey;
    } while (startKey);
    return { items: items.slice(0, limit), total, itemsRead };
  }

  /**
   * One page of the town's open cases, status by status (GSI2), oldest first, from `position`; each case with the
   * index key it was read at, so a caller can stop after any case and resume after it. No `next` when all are read.
   */
  async openCasesPage(
    town: string,
    position: OpenCasesPosition,
    limit: number,
  ): Promise<{ items: { record: CaseRecord; at: OpenCasesPosition }[]; next?: OpenCasesPosition }> {
    const index = CASES_INDEX.byStatus;
    let { status, key } = position;
    while (status < OPEN_STATUSES.length) {
      const result: QueryCommandOutput = await this.db.send(
        new QueryCommand({
          TableName: this.table,
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
        at: {
          status: at,
          key: Object.fromEntries(
            ['pk', 'sk', index.partitionKey, index.sortKey].map((name) => [name, String(item[name])]),
          ),
        },
      }));
      const last = result.LastEvaluatedKey as Record<string, string> | undefined;
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

  /** Whether any case was registered in this grid or below it. */
  async anyInGridPath(town: string, gridPath: string): Promise<boolean> {
    const index = CASES_INDEX.byGridPath;
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: index.name,
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
        ExpressionAttributeNames: { '#pk': index.partitionKey, '#sk': index.sortKey },
        ExpressionAttributeValues: { ':pk': keys.byGridPath(town), ':prefix': gridPath },
        Limit: 1,
      }),
    );
    return (result.Items?.length ?? 0) > 0;
  }

  /** The whole timeline of a case, oldest first. */
  async timeline(town: string, id: string): Promise<TimelineEvent[]> {
    const items = await queryAll(this.db, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.caseItem(town, id).pk, ':prefix': keys.timelinePrefix },
      ConsistentRead: true,
    });
    return items.map(parseTimelineEvent);
  }

  async get(town: string, id: string): Promise<CaseRecord | undefined> {
    const result: GetCommandOutput = await this.db.send(
      new GetCommand({ TableName: this.table, Key: keys.caseItem(town, id), ConsistentRead: true }),
    );
    return result.Item ? parseCaseItem(result.Item) : undefined;
  }

  /**
   * One page of a list, newest first within each source, reading only the index partitions the plan names (Query,
   * never Scan). Sources are read one after another; the cursor says where the next page starts.
   */
  async list(town: string, plan: CaseListPlan, limit: number, cursor?: string): Promise<CasePage> {
    const sources = plan.sources.map((source) => sourceQuery(town, source));
    let position: ListPosition | undefined = cursor ? decodeListCursor(cursor, town, sources) : { source: 0 };
    const items: CaseRecord[] = [];
    let itemsRead = 0;
    while (position && items.length < limit) {
      const current: SourceQuery | undefined = sources[position.source];
      if (!current) break;
      const result: QueryCommandOutput = await this.db.send(
        new QueryCommand({
          TableName: this.table,
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
          ? await this.relatedCases(current.source, result.Items ?? [])
          : undefined;
      itemsRead += related?.read ?? 0;
      const records = related?.records ?? (result.Items ?? []).map(parseCaseItem);
      items.push(...records.filter((record) => matchesFilters(record, plan.filters)));
      position = result.LastEvaluatedKey
        ? { source: position.source, key: result.LastEvaluatedKey as Record<string, string> }
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
  private async relatedCases(
    source: Extract<ListSource, { index: 'related' }>,
    relationItems: Record<string, unknown>[],
  ) {
    // without a named relation, staff relations only: being a petitioner on a case is not a staff relation
    const wanted = relationItems.filter((item) => {
      const relations = (item.relations as string[] | undefined) ?? [];
      return source.relation
        ? relations.includes(source.relation)
        : relations.some((r) => r !== 'petitioner');
    });
    if (wanted.length === 0) return { records: [], read: 0 };
    const byPk = new Map<string, CaseRecord>();
    let pending: Record<string, unknown>[] = wanted.map((item) => ({ pk: item.pk, sk: keys.caseSk }));
    for (let attempt = 0; pending.length > 0 && attempt < 5; attempt++) {
      const result = await this.db.send(
        new BatchGetCommand({ RequestItems: { [this.table]: { Keys: pending } } }),
      );
      for (const item of result.Responses?.[this.table] ?? [])
        byPk.set(item.pk as string, parseCaseItem(item));
      pending = result.UnprocessedKeys?.[this.table]?.Keys ?? [];
    }
    const records = wanted
      .map((item) => byPk.get(item.pk as string))
      .filter(
        (record): record is CaseRecord => record !== undefined && !isInGrids(record, source.skipGridPaths),
      );
    return { records, read: byPk.size };
  }
}
