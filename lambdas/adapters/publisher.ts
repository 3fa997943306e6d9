import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { OutboxMessage, Topic } from '../domain/notification.js';
import { keys } from './table-model.js';

/** Where outbox messages go: SNS topics in the cloud; a record in the table on the local host (no SNS runs here). */
export interface Publisher {
  publish(message: OutboxMessage): Promise<void>;
}

export class SnsPublisher implements Publisher {
  constructor(
    private readonly client: SNSClient,
    private readonly topicArns: Record<Topic, string>,
  ) {}

  async publish(message: OutboxMessage): Promise<void> {
    await this.client.send(
      new PublishCommand({
        TopicArn: this.topicArns[message.topic],
        Subject: message.subject.slice(0, 100),
        Message: JSON.stringify({ id: message.id, ...message.body }),
        // subscribers filter on these, and deduplicate on the id (delivery is at least once)
        MessageAttributes: Object.fromEntries(
          Object.entries({ ...message.attributes, messageId: message.id }).map(([name, value]) => [
            name,
            { DataType: 'String', StringValue: value },
          ]),
        ),
      }),
    );
  }
}

export const snsPublisherFromEnv = (env: NodeJS.ProcessEnv): SnsPublisher =>
  new SnsPublisher(new SNSClient({}), {
    deadlines: env.TOPIC_DEADLINES ?? '',
    supervision: env.TOPIC_SUPERVISION ?? '',
    bulletins: env.TOPIC_BULLETINS ?? '',
    milestones: env.TOPIC_MILESTONES ?? '',
  });

/** The local host's stand-in for SNS: what would have been published, kept in the table to look at. */
export class TablePublisher implements Publisher {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async publish(message: OutboxMessage): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        // the message's own keys (an outbox item's) must not win over these
        Item: { ...message, pk: keys.localPublished, sk: `${message.at}#${message.id}` },
      }),
    );
  }
}
