import { type DynamoDBDocumentClient, QueryCommand, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import type { CaseRecord } from '../domain/case.js';
import type { Supervision } from '../domain/city.js';
import type { Notification } from '../domain/notification.js';
import { toOutbox } from '../domain/notification.js';
import type { TimelineEvent } from '../domain/timeline.js';
import { parseCaseItem, timelineEventItem } from './case-items.js';
import { decodeCursor, encodeCursor, startKeyOf } from './cursor.js';
import type { NotificationRepository } from './notification-repository.js';
import { CASES_INDEX, keys } from './table-model.js';
import { transactOrConflict } from './transact.js';

/**
 * What the city's view reads and writes beyond a town's own repositories: a town's open cases by the deadline staff
 * must meet next (GSI8, soonest first), a page at a time behind a cursor, and a supervision (上级督办) of one case with
 * the notices it sends, in one transaction.
 */

/** The open cases whose next deadline is in `[from, before)` (`from` absent: any time before). */
interface DueRange {
  from?: Date;
  before: Date;
}

export class CityRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly notifications: Pick<NotificationRepository, 'inboxPut' | 'outboxPut'>,
  ) {}

  /**
   * One page of a town's open cases due in the range, soonest first. The cursor is the last key read, refused unless
   * it lies in the very Query this range sends (so it never reaches another town or another range).
   */
  async duePage(
    town: string,
    range: DueRange,
    limit: number,
    cursor?: string,
  ): Promise<{ items: CaseRecord[]; nextCursor?: string; itemsRead: number }> {
    const index = CASES_INDEX.openByDue;
    const before = range.before.toISOString();
    const from = range.from?.toISOString();
    const start = cursor
      ? startKeyOf(decodeCursor(cursor, ['key']).key, {
          [index.partitionKey]: { equals: keys.openByDue(town) },
          [index.sortKey]: { from: from ?? '', below: before },
          pk: { prefix: keys.caseItem(town, '').pk },
          sk: { equals: keys.caseSk },
        })
      : undefined;
    const result: QueryCommandOutput = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: index.name,
        // sort keys are `due#id`: BETWEEN leaves a due instant equal to `before` out, as `<` does
        KeyConditionExpression: from
          ? '#pk = :pk AND #sk BETWEEN :from AND :before'
          : '#pk = :pk AND #sk < :before',
        ExpressionAttributeNames: { '#pk': index.partitionKey, '#sk': index.sortKey },
        ExpressionAttributeValues: {
          ':pk': keys.openByDue(town),
          ':before': before,
          ...(from ? { ':from': from } : {}),
        },
        Limit: limit,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    const items = (result.Items ?? []).map(parseCaseItem);
    return {
      items,
      ...(result.LastEvaluatedKey ? { nextCursor: encodeCursor({ key: result.LastEvaluatedKey }) } : {}),
      itemsRead: items.length,
    };
  }

  /**
   * A supervision of the case: kept on the case and chained onto its timeline, with each notice put in its inbox and
   * in the outbox, all in one transaction conditioned on the version and the timeline head read. False when someone
   * moved the case first.
   */
  async supervise(
    record: CaseRecord,
    supervision: Supervision,
    event: TimelineEvent,
    notices: readonly Notification[],
  ): Promise<boolean> {
    return transactOrConflict(this.db, [
      {
        Update: {
          TableName: this.table,
          Key: keys.caseItem(record.town, record.id),
          UpdateExpression:
            'SET #supervisions = list_append(if_not_exists(#supervisions, :none), :supervision), #head = :head',
          ConditionExpression: '#version = :version AND #head.#seq = :seq',
          ExpressionAttributeNames: {
            '#supervisions': 'supervisions',
            '#head': 'timelineHead',
            '#seq': 'seq',
            '#version': 'version',
          },
          ExpressionAttributeValues: {
            ':none': [],
            ':supervision': [supervision],
            ':head': { seq: event.seq, hash: event.hash },
            ':version': record.version,
            ':seq': record.timelineHead.seq,
          },
        },
      },
      {
        Put: {
          TableName: this.table,
          Item: timelineEventItem(record, event),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      ...notices.flatMap((notice) => [
        this.notifications.inboxPut(notice),
        this.notifications.outboxPut(toOutbox(notice, 'supervisor')),
      ]),
    ]);
  }
}
