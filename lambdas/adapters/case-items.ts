import * as z from 'zod/mini';
import { caseRelations } from '../domain/access.js';
import { type CaseRecord, caseRecordSchema } from '../domain/case.js';
import { watchedDeadline } from '../domain/ladder.js';
import type { TimelineEvent } from '../domain/timeline.js';
import { ALERT_SHARDS, keys, shardOf } from './table-model.js';

/** Case records as the Cases table holds them, and back: every item a case writes, built from the record alone. */

/** The index attributes a case item carries, derived from the record so they can never disagree with it. */
function caseIndexAttributes(record: CaseRecord): Record<string, string> {
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

/** The case item: its key, its index attributes and the record. */
export const caseItem = (record: CaseRecord) => ({
  ...keys.caseItem(record.town, record.id),
  ...caseIndexAttributes(record),
  ...record,
});

/** A case item read from the table, checked against the record's schema. */
export function parseCaseItem(item: Record<string, unknown>): CaseRecord {
  return caseRecordSchema.parse(item);
}

export const timelineEventItem = (record: CaseRecord, event: TimelineEvent) => ({
  ...keys.timelineEvent(record.town, record.id, event.seq),
  ...event,
});

/**
 * Transaction items that chain `events` onto a case's timeline without a version change: its head moved to the last
 * of them, conditioned on the head the caller read, and each event put where none is yet.
 */
export function timelineAppendItems(table: string, record: CaseRecord, events: readonly TimelineEvent[]) {
  const last = events.at(-1);
  if (!last) return [];
  return [
    {
      Update: {
        TableName: table,
        Key: keys.caseItem(record.town, record.id),
        UpdateExpression: 'SET #head = :head',
        ConditionExpression: '#head.#seq = :seq',
        ExpressionAttributeNames: { '#head': 'timelineHead', '#seq': 'seq' },
        ExpressionAttributeValues: {
          ':head': { seq: last.seq, hash: last.hash },
          ':seq': record.timelineHead.seq,
        },
      },
    },
    ...events.map((event) => ({
      Put: {
        TableName: table,
        Item: timelineEventItem(record, event),
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    })),
  ];
}

/** The item that finds a case by one of its petitioners' keyed blind indexes (the `n`th of the case's). */
export const petitionerIndexItem = (record: CaseRecord, blindIndex: string, n: number) => ({
  ...keys.petitionerIndexItem(record.town, record.id, n),
  gsi5pk: keys.byPetitioner(record.town, record.category, blindIndex),
  gsi5sk: keys.caseSortKey(record.createdAt, record.id),
  caseId: record.id,
});

const relationItemSchema = z.object({ pk: z.string(), relations: z.array(z.string()) });

/** A relation item read from the relations index: the case's partition and how the user is related to it. */
export const parseRelationItem = (item: Record<string, unknown>) => relationItemSchema.parse(item);

/** Puts and deletes that keep the relations index equal to the case's assignee, owner and team. */
export function relationChanges(table: string, previous: CaseRecord | undefined, next: CaseRecord) {
  const before = previous ? caseRelations(previous) : new Map<string, string[]>();
  const after = caseRelations(next);
  const puts = [...after]
    .filter(([userId, relations]) => before.get(userId)?.join() !== relations.join())
    .map(([userId, relations]) => ({
      Put: {
        TableName: table,
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
    .map((userId) => ({ Delete: { TableName: table, Key: keys.relationItem(next.town, next.id, userId) } }));
  return [...puts, ...deletes];
}
