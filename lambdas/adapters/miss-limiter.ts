import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from './table-model.js';

/**
 * Slows down guessing of query codes: a client (by source address) gets a fixed number of misses a minute. Every
 * lookup first reserves a miss atomically (so parallel guesses cannot slip past the count) and gives it back when it
 * finds something. Counters expire on their own (TTL).
 */
export class MissLimiter {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly missesPerMinute = 10,
  ) {}

  /** Reserves one miss: 0 when granted, else the seconds until the client may try again. */
  async reserve(client: string, now: Date): Promise<number> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.misses(client, now.toISOString().slice(0, 16)),
          UpdateExpression: 'ADD n :one SET expiresAt = :expires',
          ConditionExpression: 'attribute_not_exists(n) OR n < :limit',
          ExpressionAttributeValues: {
            ':one': 1,
            ':limit': this.missesPerMinute,
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

  /** Gives back a reserved miss: the lookup found what it looked for. */
  async release(client: string, now: Date): Promise<void> {
    await this.db
      .send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.misses(client, now.toISOString().slice(0, 16)),
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
