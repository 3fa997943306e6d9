import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { ReportKind } from '../domain/periods.js';
import { type Report, reportSchema } from '../domain/report.js';
import { keys } from './table-model.js';
import type { TransactItems } from './transact.js';

/** Stored bulletins (Cases table, a partition per town), and the write-once transactions of the scheduled runs. */
export class ReportRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async get(town: string, kind: ReportKind, period: string): Promise<Report | undefined> {
    const result = await this.db.send(
      new GetCommand({ TableName: this.table, Key: keys.report(town, kind, period) }),
    );
    return result.Item ? reportSchema.parse(result.Item.report) : undefined;
  }

  /** The report's item, for a transaction: a period is stored once, so it is published once. */
  put(town: string, report: Report) {
    return {
      Put: {
        TableName: this.table,
        Item: { ...keys.report(town, report.kind, report.period), report },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
  }

  /**
   * Writes items that must not exist yet, all or none. Returns the positions of those that already existed (nothing
   * was written then), so the caller can leave them out and try the rest.
   */
  async writeNew(items: readonly Record<string, unknown>[]): Promise<number[]> {
    try {
      await this.db.send(new TransactWriteCommand({ TransactItems: items as TransactItems }));
      return [];
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      const existing = reasons.flatMap((reason, i) => (reason.Code === 'ConditionalCheckFailed' ? [i] : []));
      if (existing.length === 0) throw error;
      return existing;
    }
  }
}
