import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';

export type TransactItems = NonNullable<TransactWriteCommandInput['TransactItems']>;

/** A condition that failed or a concurrent transaction on the same item: both mean "someone moved it first". */
export const isConflict = (error: TransactionCanceledException): boolean =>
  (error.CancellationReasons ?? []).some(
    (reason) => reason.Code === 'ConditionalCheckFailed' || reason.Code === 'TransactionConflict',
  );

/** Writes the items in one transaction: false when someone moved one of them first. */
export async function transactOrConflict(db: DynamoDBDocumentClient, items: TransactItems): Promise<boolean> {
  try {
    await db.send(new TransactWriteCommand({ TransactItems: items }));
    return true;
  } catch (error) {
    if (error instanceof TransactionCanceledException && isConflict(error)) return false;
    throw error;
  }
}
