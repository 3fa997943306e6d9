import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  type GetCommandOutput,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { CaseListPlan } from '../domain/access.js';
import { type CaseRecord, registrationDayOf } from '../domain/case.js';
import type { CrossTownRef } from '../domain/cross-town.js';
import { endOfBeijingDay } from '../domain/deadlines.js';
import { parseTimelineEvent, type TimelineEvent } from '../domain/timeline.js';
import {
  caseItem,
  parseCaseItem,
  petitionerIndexItem,
  relationChanges,
  timelineAppendItems,
  timelineEventItem,
} from './case-items.js';
import { type CasePage, listCases } from './case-lists.js';
import {
  backlogCases,
  type DueBeforeOptions,
  dueAlerts,
  dueBefore,
  dueSteps,
  type OpenCasesPosition,
  openCasesPage,
} from './case-sweep-reads.js';
import {
  type CrossTownWrites,
  crossTownIndexAttributes,
  crossTownIndexRef,
  crossTownMarks,
  mergeMarks,
} from './cross-town-items.js';
import { queryAll } from './query-all.js';
import { CASES_INDEX, keys } from './table-model.js';
import { isConflict, type TransactItems, transactOrConflict } from './transact.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The Cases table as the use cases see it: the writes of a case (each conditional, each state change one transaction
 * with its event), its point reads, and, from their own modules, the lists and the reads of sweeps and reports.
 */
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
    alsoPut: TransactItems = [],
  ): Promise<void> {
    const items = [...this.creationItems(record, event, blindIndexes), ...alsoPut];
    await this.db.send(
      new TransactWriteCommand({
        TransactItems: items,
      }),
    );
  }

  /**
   * Writes items of several kinds in one transaction (a registration, a patrol with its findings); two registrations'
   * marks on one earlier case of another town become one Update.
   */
  async transact(items: readonly Record<string, unknown>[]): Promise<void> {
    await this.db.send(new TransactWriteCommand({ TransactItems: mergeMarks(items) as TransactItems }));
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
    return transactOrConflict(this.db, [
      {
        Update: {
          TableName: this.table,
          Key: keys.caseItem(record.town, record.id),
          UpdateExpression: 'SET petitionerUserId = :user',
          ConditionExpression: 'attribute_not_exists(petitionerUserId)',
          ExpressionAttributeValues: { ':user': userId },
        },
      },
      ...relationChanges(this.table, record, claimed),
    ]);
  }

  /**
   * The writes that create a case, for a transaction of the caller's (a patrol writes several cases at once); with
   * `crossTown`, the deployment index on its blind-index items and the mark on the newest earlier case of another town.
   */
  creationItems(
    record: CaseRecord,
    event: TimelineEvent,
    blindIndexes: readonly string[],
    crossTown?: CrossTownWrites,
  ) {
    return [
      {
        Put: {
          TableName: this.table,
          Item: caseItem(record),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      {
        Put: {
          TableName: this.table,
          Item: timelineEventItem(record, event),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      ...relationChanges(this.table, undefined, record),
      ...blindIndexes.map((blind, n) => ({
        Put: {
          TableName: this.table,
          Item: {
            ...petitionerIndexItem(record, blind, n),
            ...crossTownIndexAttributes(record, crossTown, n),
          },
        },
      })),
      ...crossTownMarks(this.table, record, crossTown),
    ];
  }

  /** The cases of every town with any of these deployment blind indexes (GSI4): one Query per ID number (at most five). */
  async findByDeploymentIndex(blindIndexes: readonly string[]): Promise<CrossTownRef[]> {
    const found = await Promise.all(
      blindIndexes.map((blind) =>
        queryAll(this.db, {
          TableName: this.table,
          IndexName: CASES_INDEX.byPersonInDeployment.name,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': CASES_INDEX.byPersonInDeployment.partitionKey },
          ExpressionAttributeValues: { ':pk': keys.byPersonInDeployment(blind) },
        }),
      ),
    );
    return found.flat().flatMap((item) => crossTownIndexRef(item) ?? []);
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
    alsoWrite: TransactItems = [],
  ): Promise<CaseRecord | undefined> {
    const next = { ...change, timelineHead: { seq: event.seq, hash: event.hash } };
    const written = await transactOrConflict(this.db, [
      ...alsoWrite,
      ...relationChanges(this.table, previous, next),
      {
        Put: {
          TableName: this.table,
          Item: caseItem(next),
          // the version and head the caller read, and the alert step: a sweep that fired meanwhile forces a re-read;
          // so does a later case of another town marked on it meanwhile, which the Put would otherwise drop
          ConditionExpression: `#version = :version AND #head.#seq = :seq AND ${
            previous.alert
              ? '#alert.#at = :alertAt AND #alert.#step = :alertStep'
              : 'attribute_not_exists(#alert)'
          } AND ${previous.laterElsewhere ? 'size(#later) = :laterCount' : 'attribute_not_exists(#later)'}`,
          ExpressionAttributeNames: {
            '#version': 'version',
            '#head': 'timelineHead',
            '#seq': 'seq',
            '#alert': 'alert',
            '#later': 'laterElsewhere',
            ...(previous.alert ? { '#at': 'at', '#step': 'step' } : {}),
          },
          ExpressionAttributeValues: {
            ':version': previous.version,
            ':seq': previous.timelineHead.seq,
            ...(previous.alert ? { ':alertAt': previous.alert.at, ':alertStep': previous.alert.step } : {}),
            ...(previous.laterElsewhere ? { ':laterCount': previous.laterElsewhere.length } : {}),
          },
        },
      },
      {
        Put: {
          TableName: this.table,
          Item: timelineEventItem(next, event),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    ]);
    return written ? next : undefined;
  }

  /** Appends an event that changes nothing else (a note): moves the head, keeps the version. */
  async appendEvent(record: CaseRecord, event: TimelineEvent): Promise<boolean> {
    return transactOrConflict(this.db, this.appendItems(record, event));
  }

  /** The head moved to an event, conditioned on the head the caller read, and the event itself. */
  appendItems(record: CaseRecord, event: TimelineEvent) {
    return timelineAppendItems(this.table, record, [event]) satisfies TransactItems;
  }

  /**
   * Appends a linked repeat's event (like a note: the version stays) with what it adds to the counters. With `ref` (the
   * keyed hash of the request's Idempotency-Key) a marker in the case's partition lets a retry whose first attempt
   * committed find the link made: `already` names the event it made. `head-moved`: re-read and try again.
   */
  async appendLinkedRepeat(
    record: CaseRecord,
    event: TimelineEvent,
    counterUpdates: TransactItems,
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
    ];
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

  /**
   * Moves a case's alert past the step that fired, and writes what the step sends, in one transaction conditioned on
   * the alert the sweep read: of two sweeps (or a sweep and a command) only one moves it, so a step sends once.
   * Sweep flags do not change the version.
   */
  async advanceAlert(
    record: CaseRecord,
    next: CaseRecord['alert'],
    overdue: { kind: string; due: string; at: string } | undefined,
    alsoPut: TransactItems,
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
    return transactOrConflict(this.db, [
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
    ]);
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
  list(town: string, plan: CaseListPlan, limit: number, cursor?: string): Promise<CasePage> {
    return listCases(this.db, this.table, town, plan, limit, cursor);
  }

  dueAlerts(shard: number, now: Date): Promise<CaseRecord[]> {
    return dueAlerts(this.db, this.table, shard, now);
  }

  /** The steps due in one shard of the alert index: the cases' and the meeting decisions'. */
  dueSteps(shard: number, now: Date) {
    return dueSteps(this.db, this.table, shard, now);
  }

  dueBefore(town: string, before: Date, limit: number, options?: DueBeforeOptions) {
    return dueBefore(this.db, this.table, town, before, limit, options);
  }

  openCasesPage(town: string, position: OpenCasesPosition, limit: number) {
    return openCasesPage(this.db, this.table, town, position, limit);
  }

  backlogCases(town: string) {
    return backlogCases(this.db, this.table, town);
  }
}
