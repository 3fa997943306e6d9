import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  type QueryCommandOutput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { InvalidCursorError } from '../domain/errors.js';
import {
  type Notification,
  notificationRecordSchema,
  type OutboxMessage,
  outboxMessageSchema,
} from '../domain/notification.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { queryAll } from './query-all.js';
import { keys, OUTBOX_SHARDS, shardOf } from './table-model.js';

const LEASE_MS = 60_000;

/** An outbox message with the key it is leased, released and deleted by. */
const storedOutboxMessageSchema = z.extend(outboxMessageSchema, { pk: z.string(), sk: z.string() });
type StoredOutboxMessage = z.infer<typeof storedOutboxMessageSchema>;

/** Inboxes and the outbox, in the Cases table; their writes join the transactions that cause them. */
export class NotificationRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  inboxPut(notification: Notification) {
    return {
      Put: {
        TableName: this.table,
        Item: {
          ...keys.inboxItem(notification.town, notification.recipient, notification.id),
          ...notification,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
  }

  outboxPut(message: OutboxMessage) {
    return {
      Put: {
        TableName: this.table,
        Item: {
          pk: keys.outbox(shardOf(message.id, OUTBOX_SHARDS)),
          sk: `${message.at}#${message.id}`,
          ...message,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
  }

  /** Writes a notification unless one with its id is there already: false when it was. */
  async putOnce(notification: Notification): Promise<boolean> {
    try {
      await this.db.send(new PutCommand(this.inboxPut(notification).Put));
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** A user's inbox, newest first, one page; the cursor is the position after the last notification read. */
  async inbox(
    town: string,
    userId: string,
    limit: number,
    cursor?: string,
    unreadOnly = false,
  ): Promise<{ items: Notification[]; nextCursor?: string }> {
    const result: QueryCommandOutput = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: {
          ':pk': keys.inbox(town, userId),
          ...(unreadOnly ? { ':false': false } : {}),
        },
        ...(unreadOnly
          ? { FilterExpression: '#read = :false', ExpressionAttributeNames: { '#read': 'read' } }
          : {}),
        ScanIndexForward: false,
        Limit: limit,
        ...(cursor ? { ExclusiveStartKey: inboxStartKey(cursor, town, userId) } : {}),
      }),
    );
    const last = result.LastEvaluatedKey;
    return {
      items: (result.Items ?? []).map((item) => notificationRecordSchema.parse(item)),
      ...(last
        ? { nextCursor: encodeCursor({ id: String(last.sk).slice(keys.inboxItemPrefix.length) }) }
        : {}),
    };
  }

  /** Marks a notification read; false when the caller has no such notification. */
  async markRead(town: string, userId: string, id: string, at: string): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.inboxItem(town, userId, id),
          UpdateExpression: 'SET #read = :true, readAt = if_not_exists(readAt, :at)',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#read': 'read' },
          ExpressionAttributeValues: { ':true': true, ':at': at },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** Every message waiting in the outbox: one Query per shard. */
  async pending(): Promise<StoredOutboxMessage[]> {
    const all: StoredOutboxMessage[] = [];
    for (let shard = 0; shard < OUTBOX_SHARDS; shard++) {
      const items = await queryAll(this.db, {
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.outbox(shard) },
      });
      all.push(...items.map((item) => storedOutboxMessageSchema.parse(item)));
    }
    return all;
  }

  /**
   * Takes a message for publishing, for a minute: false when another run holds it. A run that dies holding it only
   * delays the message until the lease runs out.
   */
  async lease(message: { pk: string; sk: string }, now: Date): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: message.pk, sk: message.sk },
          UpdateExpression: 'SET leasedUntil = :until',
          ConditionExpression:
            'attribute_exists(pk) AND (attribute_not_exists(leasedUntil) OR leasedUntil < :now)',
          ExpressionAttributeValues: { ':until': now.getTime() + LEASE_MS, ':now': now.getTime() },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async release(message: { pk: string; sk: string }): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: message.pk, sk: message.sk },
        UpdateExpression: 'REMOVE leasedUntil',
      }),
    );
  }

  async delivered(message: { pk: string; sk: string }): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.table, Key: { pk: message.pk, sk: message.sk } }));
  }
}

/** A notification id as `notificationId` makes it: a cursor can only name one in the caller's own inbox. */
const NOTIFICATION_ID = /^[\dTZ]+-[\w-]{16}$/;

function inboxStartKey(cursor: string, town: string, userId: string) {
  const { id } = decodeCursor(cursor, ['id']);
  if (typeof id !== 'string' || !NOTIFICATION_ID.test(id)) throw new InvalidCursorError();
  return keys.inboxItem(town, userId, id);
}
