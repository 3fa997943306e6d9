import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from './table-model.js';

/**
 * Slows down guessing of query codes: a client (by source address) that misses too often in a minute is refused for
 * the rest of that minute. Counters expire on their own (TTL).
 */
export class MissLimiter {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly missesPerMinute = 10,
  ) {}

  /** Seconds until the client may try again, or 0. */
  async retryAfter(client: string, now: Date): Promise<number> {
    const minute = now.toISOString().slice(0, 16);
    const result = await this.db.send(
      new GetCommand({ TableName: this.table, Key: keys.misses(client, minute) }),
    );
    if (Number(result.Item?.n ?? 0) < this.missesPerMinute) return 0;
    return 60 - now.getUTCSeconds();
  }

  async miss(client: string, now: Date): Promise<void> {
    const minute = now.toISOString().slice(0, 16);
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.misses(client, minute),
        UpdateExpression: 'ADD n :one SET expiresAt = :expires',
        ExpressionAttributeValues: { ':one': 1, ':expires': Math.floor(now.getTime() / 1000) + 300 },
      }),
    );
  }
}
