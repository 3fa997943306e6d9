import { ArnFormat, Aws, Stack } from 'aws-cdk-lib';
import { type IRole, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic as SnsTopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { Topic } from '../../lambdas/domain/notification.js';
import { keyAlias } from './logs.js';
import { pascal } from './names.js';

/** The domain's topics (lambdas/domain/notification.ts), in one list the stack can loop over. */
export const TOPICS = [
  'deadlines',
  'supervision',
  'bulletins',
  'milestones',
] as const satisfies readonly Topic[];

// a topic added to the domain and forgotten here fails the type check
type Unlisted = Exclude<Topic, (typeof TOPICS)[number]>;
const _everyTopicListed: [Unlisted] extends [never] ? true : Unlisted = true;

/** The environment variable `snsPublisherFromEnv` (lambdas/adapters/publisher.ts) reads a topic's ARN from. */
export const topicEnvName = (topic: Topic): string => `TOPIC_${topic.toUpperCase()}`;

/**
 * The notification topics, each encrypted with one customer-managed key and closed to plain HTTP, and an operations
 * topic for alarms.
 *
 * Messages carry the attributes `town`, `recipient`, `role`, `severity` and `messageId`; subscribers filter on the first
 * four and deduplicate on the last (SNS delivers at least once).
 *
 * SMS seam. Text messages to citizens go out through a domestic SMS provider, never through SNS SMS (the China regions
 * have none, and PIPL wants citizens' numbers kept in China). The provider subscribes to the `milestones` topic with a
 * filter policy on the message attributes, in one of two ways:
 * - a Lambda subscription: a small sender function (e.g. `lambdas/handlers/sms-sender.ts`) that looks the recipient's
 *   number up and calls the provider's API, with its credentials in Secrets Manager:
 *   `topics.get('milestones').addSubscription(new LambdaSubscription(sender, { filterPolicy: {
 *     role: SubscriptionFilter.stringFilter({ allowlist: ['petitioner'] }) } }))`;
 * - an HTTPS subscription to the provider's webhook (`UrlSubscription`, `protocol: HTTPS`), with the same filter
 *   policy, when the provider resolves numbers itself.
 * Either way a sender can be swapped for another without touching the publishers.
 */
export class Notifications extends Construct {
  /** Encrypts every topic here; rotated yearly. */
  readonly key: Key;
  readonly topics: ReadonlyMap<Topic, SnsTopic>;
  /** Where alarms go (CloudWatch publishes here); no function publishes to it, and it carries no personal data. */
  readonly ops: SnsTopic;
  /** The key-policy statement that lets publishing functions use the key, through SNS only; grown by `grantPublish`. */
  private publishers?: PolicyStatement;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const stack = Stack.of(this);
    this.key = new Key(this, 'Key', {
      description: 'Encrypts the Fengqiao notification and alarm topics',
      alias: keyAlias(this, 'topics'),
      enableKeyRotation: true,
    });

    const topics = new Map<Topic, SnsTopic>();
    for (const topic of TOPICS)
      topics.set(
        topic,
        new SnsTopic(this, pascal(topic), {
          displayName: `Fengqiao ${topic}`,
          masterKey: this.key,
          enforceSSL: true,
        }),
      );
    this.topics = topics;

    this.ops = new SnsTopic(this, 'Ops', {
      displayName: 'Fengqiao operations alarms',
      masterKey: this.key,
      enforceSSL: true,
    });
    // CloudWatch publishes alarm state changes as its service principal: only this account's alarms, only here
    const fromOwnAlarms = {
      StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
      ArnLike: {
        'aws:SourceArn': stack.formatArn({
          service: 'cloudwatch',
          resource: 'alarm',
          resourceName: '*',
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      },
    };
    this.ops.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarms',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.ops.topicArn],
        conditions: fromOwnAlarms,
      }),
    );
    // ...which needs the topic key for it (an alarm to an encrypted topic without this is dropped silently)
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsToOpsTopic',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: fromOwnAlarms,
      }),
    );
  }

  /** `TOPIC_DEADLINES` and the others: what a publishing function is told. */
  get environment(): Record<string, string> {
    return Object.fromEntries([...this.topics].map(([topic, sns]) => [topicEnvName(topic), sns.topicArn]));
  }

  /**
   * `sns:Publish` on these domain topics alone (never the operations topic), and, in the key policy, the use of the
   * topic key that publishing to an encrypted topic takes, through SNS only (kms:ViaService).
   */
  grantPublish(role: IRole, topics: readonly Topic[]): void {
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['sns:Publish'],
        resources: topics.map((topic) => {
          const sns = this.topics.get(topic);
          if (!sns) throw new Error(`no topic ${topic}`);
          return sns.topicArn;
        }),
      }),
    );
    if (!this.publishers) {
      this.publishers = new PolicyStatement({
        sid: 'PublishersThroughSns',
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        // in a key policy `*` is this key
        resources: ['*'],
        conditions: {
          StringEquals: { 'kms:ViaService': `sns.${Stack.of(this).region}.${Aws.URL_SUFFIX}` },
        },
      });
      this.key.addToResourcePolicy(this.publishers);
    }
    this.publishers.addPrincipals(role);
  }
}
