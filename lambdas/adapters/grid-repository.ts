import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { type GridRecord, gridRecordSchema } from '../domain/grid.js';
import {
  type PatrolRecord,
  patrolRecordSchema,
  type StaffRecord,
  staffRecordSchema,
} from '../domain/patrol.js';
import { queryAll } from './query-all.js';
import { GRIDS_INDEX, keys } from './table-model.js';

/** Few enough that a patrol's findings, their notices and the patrol stay inside one transaction. */
const MAX_DUTY_LEADERS = 3;

/** The town's grid tree, grid-worker assignments, staff directory and patrol log, all in the Grids table. */
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

  /** The town's whole tree: one Query. */
  async tree(town: string): Promise<GridRecord[]> {
    const items = await queryAll(this.db, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.gridsPk(town), ':prefix': keys.gridPrefix },
    });
    return items.map((item) => gridRecordSchema.parse(item));
  }

  /**
   * Writes grids that changed together (an edit, or a move with the paths of a whole subtree), each conditioned on
   * the `updatedAt` it was read with. False when someone changed one of them first.
   */
  async update(changes: { before: GridRecord; after: GridRecord }[]): Promise<boolean> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: changes.map(({ before, after }) => ({
            Put: {
              TableName: this.table,
              Item: { ...keys.grid(after.town, after.id), ...after },
              ConditionExpression: 'updatedAt = :read',
              ExpressionAttributeValues: { ':read': before.updatedAt },
            },
          })),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof TransactionCanceledException) return false;
      throw error;
    }
  }

  async assignWorker(town: string, gridId: string, userId: string, at: string): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          ...keys.gridWorker(town, gridId, userId),
          gsi1pk: keys.userGrids(town, userId),
          gsi1sk: `GRID#${gridId}`,
          gridId,
          userId,
          assignedAt: at,
        },
      }),
    );
  }

  /** Removes an assignment; false when there was none. */
  async removeWorker(town: string, gridId: string, userId: string): Promise<boolean> {
    const result = await this.db.send(
      new DeleteCommand({
        TableName: this.table,
        Key: keys.gridWorker(town, gridId, userId),
        ReturnValues: 'ALL_OLD',
      }),
    );
    return result.Attributes !== undefined;
  }

  async workersOf(town: string, gridId: string): Promise<string[]> {
    const items = await queryAll(this.db, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.gridsPk(town), ':prefix': keys.gridWorkerPrefix(gridId) },
    });
    return items.map((item) => String(item.userId));
  }

  /** The ids of the grids a user is assigned to as a grid worker: one Query on the index. */
  async gridsOfWorker(town: string, userId: string): Promise<string[]> {
    const items = await queryAll(this.db, {
      TableName: this.table,
      IndexName: GRIDS_INDEX.userGrids.name,
      KeyConditionExpression: 'gsi1pk = :pk AND begins_with(gsi1sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.userGrids(town, userId), ':prefix': 'GRID#' },
    });
    return items.map((item) => String(item.gridId));
  }

  /** The leaders to tell first: the grid's leader in charge (包片领导), else (at most three of) the town's leaders. */
  async dutyLeaders(town: string, grid: GridRecord | undefined): Promise<string[]> {
    if (grid?.leaderId) return [grid.leaderId];
    return (await this.staff(town))
      .filter((s) => s.roles.includes('leader'))
      .slice(0, MAX_DUTY_LEADERS)
      .map((s) => s.userId);
  }

  async putStaff(staff: StaffRecord): Promise<void> {
    await this.db.send(
      new PutCommand({ TableName: this.table, Item: { ...keys.staff(staff.town, staff.userId), ...staff } }),
    );
  }

  async staff(town: string): Promise<StaffRecord[]> {
    const items = await queryAll(this.db, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.staffPk(town) },
    });
    return items.map((item) => staffRecordSchema.parse(item));
  }

  /** The patrol item, to be written in the same transaction as the cases its findings became. */
  patrolPut(patrol: PatrolRecord) {
    return {
      Put: {
        TableName: this.table,
        Item: {
          ...keys.patrol(patrol.town, patrol.date, patrol.gridId, patrol.id),
          gsi1pk: keys.gridPatrols(patrol.town, patrol.gridId),
          gsi1sk: `${patrol.date}#${patrol.id}`,
          ...patrol,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
  }

  /** A grid's patrols between two dates, inclusive: one Query on the index. */
  async patrolsOf(town: string, gridId: string, from: string, to: string): Promise<PatrolRecord[]> {
    const items = await queryAll(this.db, {
      TableName: this.table,
      IndexName: GRIDS_INDEX.gridPatrols.name,
      KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk BETWEEN :from AND :to',
      ExpressionAttributeValues: {
        ':pk': keys.gridPatrols(town, gridId),
        ':from': `${from}#`,
        ':to': `${to}#~`,
      },
    });
    return items.map((item) => patrolRecordSchema.parse(item));
  }

  /** The grids patrolled on a Beijing date: one Query (the daily collection reads it). */
  async gridsPatrolledOn(town: string, date: string): Promise<string[]> {
    const items = await queryAll(this.db, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.patrolDay(town, date) },
      ProjectionExpression: 'gridId',
    });
    return [...new Set(items.map((item) => String(item.gridId)))];
  }
}
