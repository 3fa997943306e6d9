import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from './table-model.js';

/**
 * A fixed number of uses a minute for each subject, counted atomically in the table (so parallel requests cannot slip
 * past the count); counters expire on their own (TTL). It slows down guessing of query codes (a source address gets
 * ten misses a minute: each lookup reserves a miss and gives it back when it finds something) and caps what one
 * Open311 client app may file.
 */
export class MinuteLimiter {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly perMinute = 10,
  ) {}

  /** Reserves one use: 0 when granted, else the seconds until the subject may try again. */
  async reserve(subject: string, now: Date): Promise<number> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.perMinute(subject, now.toISOString().slice(0, 16)),
          UpdateExpression: 'ADD n :one SET expiresAt = :expires',
          ConditionExpression: 'attribute_not_exists(n) OR n < :limit',
          ExpressionAttributeValues: {
            ':one': 1,
            ':limit': this.perMinute,
            ':expires': Math.floor(now.getTime() / 1000) + 300,
          },
        }),
      );
      return 0;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 60 - now.getUTCSeconds();
      throw error;
    }
  }

  /** Gives back a reserved use (a query-code lookup that found what it looked for). */
  async release(subject: string, now: Date): Promise<void> {
    await this.db
      .send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.perMinute(subject, now.toISOString().slice(0, 16)),
          UpdateExpression: 'ADD n :minusOne',
          ConditionExpression: 'attribute_exists(n)',
          ExpressionAttributeValues: { ':minusOne': -1 },
        }),
      )
      .catch((error: unknown) => {
        // the minute turned over between reserve and release: nothing to give back
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      });
  }
}
