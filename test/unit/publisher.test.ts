import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { SnsPublisher, snsPublisherFromEnv } from '../../lambdas/adapters/publisher.js';
import type { OutboxMessage, Topic } from '../../lambdas/domain/notification.js';

const TOPIC_ARNS: Record<Topic, string> = {
  deadlines: 'arn:aws-cn:sns:cn-north-1:111122223333:deadlines',
  supervision: 'arn:aws-cn:sns:cn-north-1:111122223333:supervision',
  bulletins: 'arn:aws-cn:sns:cn-north-1:111122223333:bulletins',
  milestones: 'arn:aws-cn:sns:cn-north-1:111122223333:milestones',
};

const message = (overrides: Partial<OutboxMessage> = {}): OutboxMessage => ({
  id: '20261203T020000000Z-abcdef0123456789',
  topic: 'supervision',
  subject: '督办：答复期限已过',
  body: { caseId: 'case-1', due: '2026-12-03T16:00:00.000Z' },
  attributes: { town: 'town-a', recipient: 'user-7', role: 'leader', severity: 'overdue' },
  at: '2026-12-03T02:00:00.000Z',
  ...overrides,
});

describe('SnsPublisher', () => {
  const sns = mockClient(SNSClient);
  beforeEach(() => {
    sns.reset();
    sns.on(PublishCommand).resolves({ MessageId: 'sns-1' });
  });

  it("sends one Publish to the message's topic, the id in the body and every attribute as a string", async () => {
    await new SnsPublisher(new SNSClient({}), TOPIC_ARNS).publish(message());

    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    const input = sns.commandCalls(PublishCommand)[0]!.args[0].input;
    expect(input).toEqual({
      TopicArn: TOPIC_ARNS.supervision,
      Subject: '督办：答复期限已过',
      Message: expect.any(String),
      MessageAttributes: {
        town: { DataType: 'String', StringValue: 'town-a' },
        recipient: { DataType: 'String', StringValue: 'user-7' },
        role: { DataType: 'String', StringValue: 'leader' },
        severity: { DataType: 'String', StringValue: 'overdue' },
        messageId: { DataType: 'String', StringValue: '20261203T020000000Z-abcdef0123456789' },
      },
    });
    expect(JSON.parse(input.Message!)).toEqual({
      id: '20261203T020000000Z-abcdef0123456789',
      caseId: 'case-1',
      due: '2026-12-03T16:00:00.000Z',
    });
  });

  it('cuts the subject to the 100 characters SNS accepts', async () => {
    await new SnsPublisher(new SNSClient({}), TOPIC_ARNS).publish(message({ subject: '期'.repeat(150) }));

    expect(sns).toHaveReceivedCommandWith(PublishCommand, { Subject: '期'.repeat(100) });
  });

  it("the messageId attribute subscribers deduplicate on is always the message's id", async () => {
    const attributes = { town: 't', recipient: 'r', role: 'owner', severity: 'warning', messageId: 'forged' };
    await new SnsPublisher(new SNSClient({}), TOPIC_ARNS).publish(
      message({ topic: 'deadlines', attributes }),
    );

    expect(sns).toHaveReceivedCommandWith(PublishCommand, {
      TopicArn: TOPIC_ARNS.deadlines,
      MessageAttributes: expect.objectContaining({
        messageId: { DataType: 'String', StringValue: '20261203T020000000Z-abcdef0123456789' },
      }),
    });
  });

  it("rejects with SNS's own error, so the outbox keeps the message", async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottledException' });
    sns.on(PublishCommand).rejects(throttled);

    await expect(new SnsPublisher(new SNSClient({}), TOPIC_ARNS).publish(message())).rejects.toBe(throttled);
  });

  it('reads each topic ARN from its environment variable', async () => {
    const publisher = snsPublisherFromEnv({
      TOPIC_DEADLINES: TOPIC_ARNS.deadlines,
      TOPIC_SUPERVISION: TOPIC_ARNS.supervision,
      TOPIC_BULLETINS: TOPIC_ARNS.bulletins,
      TOPIC_MILESTONES: TOPIC_ARNS.milestones,
    });
    for (const topic of Object.keys(TOPIC_ARNS) as Topic[]) await publisher.publish(message({ topic }));

    expect(sns.commandCalls(PublishCommand).map((call) => call.args[0].input.TopicArn)).toEqual(
      Object.values(TOPIC_ARNS),
    );
  });
});
