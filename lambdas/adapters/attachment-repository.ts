import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  type GetCommandOutput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { type Attachment, attachmentSchema } from '../domain/attachment.js';
import type { CaseRecord } from '../domain/case.js';
import type { TimelineEvent } from '../domain/timeline.js';
import { timelineAppendItems } from './case-items.js';
import { queryAll } from './query-all.js';
import { keys } from './table-model.js';
import { type TransactItems, transactOrConflict } from './transact.js';

/** What a case's attachments are, read together with the lock their number is guarded by. */
interface CaseAttachments {
  items: Attachment[];
  /** The lock's sequence as read: a new attachment is written only if nobody moved it meanwhile. */
  lockSeq: number;
}

const recordItem = (attachment: Attachment) => ({
  ...keys.attachment(attachment.town, attachment.caseId, attachment.id),
  ...attachment,
});

/**
 * The Cases table's attachment records, in the case's partition (`ATT#<id>`, beside the lock `ATTLOCK`): created pending
 * with a TTL, stored with their timeline event in one transaction, removed when refused, marked erased with the case.
 */
export class AttachmentRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** Every attachment of the case and its lock, in one Query (`ATT#…` and `ATTLOCK` share the prefix `ATT`). */
  async ofCase(town: string, caseId: string): Promise<CaseAttachments> {
    const items = await queryAll(this.db, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.caseItem(town, caseId).pk, ':prefix': 'ATT' },
      ConsistentRead: true,
    });
    const lock = items.find((item) => item.sk === keys.attachmentLock(town, caseId).sk);
    return {
      items: items
        .filter((item) => String(item.sk).startsWith(keys.attachmentPrefix))
        .map((item) => attachmentSchema.parse(item)),
      lockSeq: typeof lock?.seq === 'number' ? lock.seq : 0,
    };
  }

  async get(town: string, caseId: string, id: string): Promise<Attachment | undefined> {
    const result: GetCommandOutput = await this.db.send(
      new GetCommand({
        TableName: this.table,
        Key: keys.attachment(town, caseId, id),
        ConsistentRead: true,
      }),
    );
    return result.Item ? attachmentSchema.parse(result.Item) : undefined;
  }

  /**
   * A new pending attachment, if the lock still reads `lockSeq` (so the count the caller checked still holds) and the
   * case's personal data is not erased. False when someone moved either first.
   */
  create(record: CaseRecord, attachment: Attachment, lockSeq: number): Promise<boolean> {
    return transactOrConflict(this.db, [
      {
        ConditionCheck: {
          TableName: this.table,
          Key: keys.caseItem(record.town, record.id),
          ConditionExpression:
            'attribute_exists(pk) AND (attribute_not_exists(#personal) OR #personal.#state <> :erased)',
          ExpressionAttributeNames: { '#personal': 'personal', '#state': 'state' },
          ExpressionAttributeValues: { ':erased': 'erased' },
        },
      },
      {
        Update: {
          TableName: this.table,
          Key: keys.attachmentLock(record.town, record.id),
          UpdateExpression: 'SET #seq = :next',
          ConditionExpression: lockSeq === 0 ? 'attribute_not_exists(#seq)' : '#seq = :seen',
          ExpressionAttributeNames: { '#seq': 'seq' },
          ExpressionAttributeValues: { ':next': lockSeq + 1, ...(lockSeq === 0 ? {} : { ':seen': lockSeq }) },
        },
      },
      {
        Put: {
          TableName: this.table,
          Item: recordItem(attachment),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    ]);
  }

  /**
   * The attachment stored (no TTL any more) and its event chained onto the timeline, in one transaction conditioned on
   * the attachment still pending and the head the caller read. False when either moved first.
   */
  store(record: CaseRecord, attachment: Attachment, event: TimelineEvent): Promise<boolean> {
    const items: TransactItems = [
      {
        Update: {
          TableName: this.table,
          Key: keys.attachment(record.town, record.id, attachment.id),
          UpdateExpression: `SET #status = :stored, #storedAt = :at${
            attachment.versionId ? ', #versionId = :versionId' : ''
          } REMOVE #expiresAt`,
          ConditionExpression: '#status = :pending',
          ExpressionAttributeNames: {
            '#status': 'status',
            '#storedAt': 'storedAt',
            '#expiresAt': 'expiresAt',
            ...(attachment.versionId ? { '#versionId': 'versionId' } : {}),
          },
          ExpressionAttributeValues: {
            ':stored': 'stored',
            ':pending': 'pending',
            ':at': event.at,
            ...(attachment.versionId ? { ':versionId': attachment.versionId } : {}),
          },
        },
      },
      ...timelineAppendItems(this.table, record, [event]),
    ];
    return transactOrConflict(this.db, items);
  }

  /** A refused upload's record goes, if it is still pending; its place is free again. */
  async remove(attachment: Attachment): Promise<void> {
    try {
      await this.db.send(
        new DeleteCommand({
          TableName: this.table,
          Key: keys.attachment(attachment.town, attachment.caseId, attachment.id),
          ConditionExpression: '#status = :pending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':pending': 'pending' },
        }),
      );
    } catch (error) {
      // completed meanwhile by another call: that call's answer stands
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  /** After erasure: every attachment of the case reads `erased` (the timeline keeps each one's SHA-256). */
  async markErased(town: string, caseId: string): Promise<void> {
    const { items } = await this.ofCase(town, caseId);
    for (const attachment of items.filter((a) => a.status !== 'erased'))
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.attachment(town, caseId, attachment.id),
          UpdateExpression: 'SET #status = :erased REMOVE #versionId',
          ExpressionAttributeNames: { '#status': 'status', '#versionId': 'versionId' },
          ExpressionAttributeValues: { ':erased': 'erased' },
        }),
      );
  }
}
