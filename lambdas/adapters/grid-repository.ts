import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { type GridRecord, gridRecordSchema } from '../domain/grid.js';
import { keys } from './table-model.js';

export class GridRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async get(town: string, id: string): Promise<GridRecord | undefined> {
    const result = await this.db.send(new GetCommand({ TableName: this.table, Key: keys.grid(town, id) }));
    return result.Item ? gridRecordSchema.parse(result.Item) : undefined;
  }

  /** Creates a grid; an existing id is left alone (returns false). */
  async create(grid: GridRecord): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...keys.grid(grid.town, grid.id), ...grid },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
