import { readFileSync } from 'node:fs';
import { App, type CfnElement, TimeZone } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { CfnSchedule, ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { FAMILY_ACCESS, SCHEDULED_ACCESS } from '../../lambdas/adapters/function-access.js';
import { parseSweepMessage } from '../../lambdas/adapters/sweep-messages.js';
import {
  ALERT_SHARDS,
  CASES_TABLE,
  GRIDS_TABLE,
  IDEMPOTENCY_TABLE,
} from '../../lambdas/adapters/table-model.js';
import { SCHEDULES, TOWN_WORK } from '../../lambdas/domain/schedules.js';
import { readConfig, stackName } from '../../lib/config.js';
import { TOPICS, topicEnvName } from '../../lib/constructs/notifications.js';
import { sweepCron, TOWN_SCHEDULES, toEventBridgeCron } from '../../lib/constructs/schedules.js';
import { addNagChecks } from '../../lib/nag.js';
import { FengqiaoStack } from '../../lib/stack.js';
import {
  actionsOf,
  grantedOn,
  resourcesOf,
  type Statement,
  roleStatements as statementsOfRole,
} from '../support/iam.js';

/** What the stack's schedule would say for a Unix cron: the conversion and CDK's rendering together. */
const expressionOf = (cron: string): string =>
  ScheduleExpression.cron({ ...toEventBridgeCron(cron), timeZone: TimeZone.ASIA_SHANGHAI }).expressionString;

describe('cron conversion (Unix five fields → EventBridge six fields)', () => {
  it('turns the shared schedules into EventBridge crons, one day field `?`, every year', () => {
    expect(expressionOf(SCHEDULES.sweep.cron)).toBe('cron(*/15 * * * ? *)');
    expect(expressionOf(SCHEDULES.daily.cron)).toBe('cron(0 18 * * ? *)');
    // Unix 1 is Monday; EventBridge's 1 is Sunday, so week days go by name
    expect(expressionOf(SCHEDULES.weekly.cron)).toBe('cron(0 9 ? * MON *)');
    expect(expressionOf(SCHEDULES.monthly.cron)).toBe('cron(0 9 1 * ? *)');
  });

  it('renames week days, Sunday as 0 or 7, and ranges ending on Sunday', () => {
    expect(expressionOf('0 8 * * 0')).toBe('cron(0 8 ? * SUN *)');
    expect(expressionOf('0 8 * * 7')).toBe('cron(0 8 ? * SUN *)');
    expect(expressionOf('30 8 * * 1-5')).toBe('cron(30 8 ? * MON-FRI *)');
    expect(expressionOf('0 8 * * 5-7')).toBe('cron(0 8 ? * FRI-SAT,SUN *)');
    expect(expressionOf('0 8 * * 6-7')).toBe('cron(0 8 ? * SAT,SUN *)');
    expect(expressionOf('0 8 * * 0-7')).toBe('cron(0 8 ? * SUN-SAT *)');
    expect(expressionOf('0 8 * * 1,3,5')).toBe('cron(0 8 ? * MON,WED,FRI *)');
    expect(expressionOf('0 8 * * mon-fri')).toBe('cron(0 8 ? * MON-FRI *)');
  });

  it('keeps steps, lists and ranges where both dialects agree', () => {
    expect(expressionOf('*/5 * * * *')).toBe('cron(*/5 * * * ? *)');
    expect(expressionOf('0,30 8-18 1-15 1,7 *')).toBe('cron(0,30 8-18 1-15 1,7 ? *)');
    expect(expressionOf('0 */2 * * *')).toBe('cron(0 */2 * * ? *)');
  });

  it('refuses what EventBridge cannot say the same way', () => {
    // Unix runs when either day field matches; EventBridge allows a value in only one of them
    expect(() => toEventBridgeCron('0 9 1 * 1')).toThrow(/both day-of-month and day-of-week/);
    expect(() => toEventBridgeCron('0 9 * *')).toThrow(/five fields/);
    expect(() => toEventBridgeCron('0 9 * * * *')).toThrow(/five fields/);
    expect(() => toEventBridgeCron('0 9 * * */2')).toThrow(/day-of-week/);
    expect(() => toEventBridgeCron('0 9 * * 5-1')).toThrow(/wrap/);
    expect(() => toEventBridgeCron('0 9 L * *')).toThrow(/day-of-month/);
    expect(() => toEventBridgeCron('@daily 9 * * *')).toThrow(/minute/);
  });

  it('makes the sweep cron from the interval, the default being the local host’s', () => {
    expect(sweepCron(15)).toBe(SCHEDULES.sweep.cron);
    expect(expressionOf(sweepCron(5))).toBe('cron(*/5 * * * ? *)');
  });

  it('has the report and retention schedules for the town-work function, in EventBridge form', () => {
    expect(TOWN_SCHEDULES.map(({ name, cron }) => [name, expressionOf(cron)])).toEqual([
      ['daily', 'cron(0 18 * * ? *)'],
      ['weekly', 'cron(0 9 ? * MON *)'],
      ['monthly', 'cron(0 9 1 * ? *)'],
      ['reception', 'cron(30 14 * * ? *)'],
      ['retention', 'cron(30 2 * * ? *)'],
    ]);
  });

  it('uses the time zone of the shared schedules', () => {
    expect(TimeZone.ASIA_SHANGHAI.timezoneName).toBe(SCHEDULES.timeZone);
  });
});

describe('sweep interval context', () => {
  const configOf = (context: Record<string, unknown>) => readConfig(new App({ context }).node);

  it('defaults to 15 minutes and reads a number (cdk.json) or a string (-c)', () => {
    expect(configOf({}).sweepIntervalMinutes).toBe(15);
    expect(configOf({ sweepIntervalMinutes: 10 }).sweepIntervalMinutes).toBe(10);
    expect(configOf({ sweepIntervalMinutes: '5' }).sweepIntervalMinutes).toBe(5);
  });

  it('refuses an interval that does not divide the hour', () => {
    for (const bad of [7, 0, 60, '45', 'often', -15, 2.5])
      expect(() => configOf({ sweepIntervalMinutes: bad })).toThrow(/sweepIntervalMinutes/);
  });

  it('reaches the schedule (construct tree only, no synthesis)', () => {
    const app = new App({
      context: { ...cdkJsonContext, sweepIntervalMinutes: '5', 'aws:cdk:bundling-stacks': [] },
    });
    const config = readConfig(app.node);
    const stack = new FengqiaoStack(app, stackName(config), { config });
    expect(stack.schedules.sweepSchedules).toHaveLength(ALERT_SHARDS);
    for (const { node } of stack.schedules.sweepSchedules) {
      const schedule = node.defaultChild as CfnSchedule;
      expect(schedule).toBeInstanceOf(CfnSchedule);
      expect(schedule.scheduleExpression).toBe('cron(*/5 * * * ? *)');
    }
  });
});

// ---------------------------------------------------------------------------------------------------------------
// One synthesis of the app as lib/app.ts builds it (cdk.json's context, both cdk-nag packs), without bundling: the
// bundles, the sweep's and the reports' included, are checked by stack.test.ts.

const cdkJsonContext = (
  JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
    context: Record<string, unknown>;
  }
).context;

const sourceOf = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
/** Every `requiredEnv('…')` of depsFromEnv, which the sweep calls too. */
const requiredEnvironment = [
  ...sourceOf('lambdas/adapters/deps.ts').matchAll(/requiredEnv\('([A-Z0-9_]+)'\)/g),
].map((match) => match[1] ?? '');
/** Every topic variable the SNS publisher reads. */
const topicEnvironment = [
  ...sourceOf('lambdas/adapters/publisher.ts').matchAll(/env\.(TOPIC_[A-Z0-9_]+)/g),
].map((match) => match[1] ?? '');

type Json = Record<string, unknown>;

let stack: FengqiaoStack;
let template: Template;
let synthError: unknown;

beforeAll(() => {
  const app = new App({ context: { ...cdkJsonContext, 'aws:cdk:bundling-stacks': [] } });
  addNagChecks(app);
  const config = readConfig(app.node);
  stack = new FengqiaoStack(app, stackName(config), { config });
  try {
    template = Template.fromJSON(app.synth().getStackByName(stack.stackName).template);
  } catch (error) {
    synthError = error;
  }
});

const id = (construct: IConstruct): string => stack.getLogicalId(construct.node.defaultChild as CfnElement);
const arnOf = (construct: IConstruct) => ({ 'Fn::GetAtt': [id(construct), 'Arn'] });
const refOf = (construct: IConstruct) => ({ Ref: id(construct) });
const resource = (construct: IConstruct): Json => {
  const found = template.toJSON().Resources[id(construct)] as Json | undefined;
  if (!found) throw new Error(`no resource for ${construct.node.path}`);
  return found;
};
const propertiesOf = (construct: IConstruct): Json => resource(construct).Properties as Json;
const roleStatements = (roleId: string): Statement[] => statementsOfRole(template, roleId);

function allIdentityStatements(): Statement[] {
  return Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
    (policy) => policy.Properties.PolicyDocument.Statement as Statement[],
  );
}

describe('synthesis', () => {
  it('passes cdk-nag (AwsSolutions and Serverless) with the new constructs', () => {
    expect(synthError).toBeUndefined();
  });

  it('builds every ARN from the partition', () => {
    expect(JSON.stringify(template.toJSON())).not.toContain('arn:aws:');
  });
});

describe('the sweep schedules', () => {
  it('run every 15 minutes in Beijing time, on the minute, one per alert shard, beside the town schedules', () => {
    const schedules = template.findResources('AWS::Scheduler::Schedule');
    const { sweepSchedules, townSchedules } = stack.schedules;
    expect(sweepSchedules).toHaveLength(ALERT_SHARDS);
    expect(Object.keys(schedules).sort()).toEqual([...sweepSchedules, ...townSchedules].map(id).sort());
    for (const schedule of sweepSchedules)
      expect(propertiesOf(schedule)).toMatchObject({
        // the same moments as the local host's in-process scheduler
        ScheduleExpression: expressionOf(SCHEDULES.sweep.cron),
        ScheduleExpressionTimezone: 'Asia/Shanghai',
        FlexibleTimeWindow: { Mode: 'OFF' },
        State: 'ENABLED',
      });
    expect(expressionOf(SCHEDULES.sweep.cron)).toBe('cron(*/15 * * * ? *)');
  });

  it('each send their shard’s message to the shard queue, with an explicit retry policy and the dead-letter queue', () => {
    const { sweepSchedules, sweepQueue, role, deadLetters } = stack.schedules;
    const shards = sweepSchedules.map((schedule) => {
      const target = propertiesOf(schedule).Target as Json;
      expect(target).toEqual({
        Arn: arnOf(sweepQueue),
        RoleArn: arnOf(role),
        RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 600 },
        DeadLetterConfig: { Arn: arnOf(deadLetters) },
        Input: target.Input,
        SqsParameters: {},
      });
      const message = JSON.parse(target.Input as string) as unknown;
      expect(parseSweepMessage(target.Input as string)).toEqual(message);
      return (message as { shard: number }).shard;
    });
    expect(shards).toEqual(Array.from({ length: ALERT_SHARDS }, (_, shard) => shard));
  });

  it('assumes a role only this account’s default schedule group may use, for the functions and the queue', () => {
    const { role, deadLetters, deadLetterKey, sweepQueue } = stack.schedules;
    const reports = stack.townWork.handler;
    const trust = (propertiesOf(role).AssumeRolePolicyDocument as { Statement: Statement[] }).Statement;
    expect(trust).toHaveLength(1);
    expect(trust[0]?.Principal).toEqual({ Service: 'scheduler.amazonaws.com' });
    expect(trust[0]?.Condition).toHaveProperty(['StringEquals', 'aws:SourceAccount'], {
      Ref: 'AWS::AccountId',
    });
    expect(JSON.stringify(trust[0]?.Condition)).toContain(':schedule-group/default');
    const statements = roleStatements(id(role));
    const invoke = statements.filter((statement) => actionsOf(statement).includes('lambda:InvokeFunction'));
    expect(invoke.flatMap(actionsOf).every((action) => action === 'lambda:InvokeFunction')).toBe(true);
    expect(invoke.flatMap(resourcesOf)).toEqual(
      expect.arrayContaining([arnOf(reports.fn), { 'Fn::Join': ['', [arnOf(reports.fn), ':*']] }]),
    );
    // the sweep is reached through its queue, never invoked
    expect(invoke.flatMap(resourcesOf)).toHaveLength(2);
    const others = statements.filter((statement) => !invoke.includes(statement));
    expect(others.map((statement) => [actionsOf(statement), resourcesOf(statement)])).toEqual(
      expect.arrayContaining([
        [['sqs:SendMessage'], [arnOf(deadLetters), arnOf(sweepQueue)]],
        [['kms:Decrypt', 'kms:GenerateDataKey'], [arnOf(deadLetterKey)]],
        [['kms:Decrypt', 'kms:GenerateDataKey*'], [arnOf(deadLetterKey)]],
      ]),
    );
    expect(others).toHaveLength(3);
    const kms = statements.find((statement) => actionsOf(statement).includes('kms:GenerateDataKey'));
    expect(kms?.Condition).toHaveProperty(['StringEquals', 'kms:ViaService']);
  });
});

describe('the dead-letter queue', () => {
  it('is encrypted with a rotated customer key, closed to plain HTTP, and keeps events 14 days', () => {
    const { deadLetters, deadLetterKey } = stack.schedules;
    expect(propertiesOf(deadLetters)).toMatchObject({
      KmsMasterKeyId: arnOf(deadLetterKey),
      MessageRetentionPeriod: 14 * 24 * 3600,
    });
    expect(propertiesOf(deadLetterKey).EnableKeyRotation).toBe(true);
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [refOf(deadLetters)],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });
});

describe('the sweep shard queue', () => {
  it('is encrypted with the queues’ rotated key, closed to plain HTTP, and hides a message six worker timeouts', () => {
    const { sweepQueue, sweepDeadLetters, deadLetterKey, sweep } = stack.schedules;
    const timeout = propertiesOf(sweep.fn).Timeout as number;
    expect(propertiesOf(sweepQueue)).toMatchObject({
      KmsMasterKeyId: arnOf(deadLetterKey),
      VisibilityTimeout: 6 * timeout,
      RedrivePolicy: { deadLetterTargetArn: arnOf(sweepDeadLetters), maxReceiveCount: 3 },
    });
    expect(propertiesOf(sweepQueue).VisibilityTimeout as number).toBeGreaterThan(timeout);
    expect(propertiesOf(sweepDeadLetters)).toMatchObject({
      KmsMasterKeyId: arnOf(deadLetterKey),
      MessageRetentionPeriod: 14 * 24 * 3600,
    });
    expect(propertiesOf(deadLetterKey).EnableKeyRotation).toBe(true);
    for (const queue of [sweepQueue, sweepDeadLetters])
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [refOf(queue)],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
  });

  it('feeds the sweep one message at a time, failures reported alone, at most one worker per shard at once', () => {
    const { sweepQueue, sweep } = stack.schedules;
    const mappings = template.findResources('AWS::Lambda::EventSourceMapping');
    expect(Object.values(mappings)).toHaveLength(1);
    expect(Object.values(mappings)[0]?.Properties).toMatchObject({
      EventSourceArn: arnOf(sweepQueue),
      FunctionName: refOf(sweep.fn),
      BatchSize: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: ALERT_SHARDS },
    });
  });

  it('has alarms on its dead-letter queue and on a message older than one sweep interval', () => {
    const { sweepDeadLetterAlarm, sweepBacklogAlarm, sweepDeadLetters, sweepQueue } = stack.schedules;
    const ops = [refOf(stack.notifications.ops)];
    expect(propertiesOf(sweepDeadLetterAlarm)).toMatchObject({
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [id(sweepDeadLetters), 'QueueName'] } }],
      AlarmActions: ops,
      OKActions: ops,
    });
    expect(propertiesOf(sweepBacklogAlarm)).toMatchObject({
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 15 * 60,
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateAgeOfOldestMessage',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [id(sweepQueue), 'QueueName'] } }],
      AlarmActions: ops,
    });
  });
});

describe('alarms', () => {
  it('watch the dead-letter queue and the scheduled functions’ errors, and tell the operations topic', () => {
    const { deadLetterAlarm, sweepErrorsAlarm, townWorkErrorsAlarm, overdueAlarm, deadLetters, sweep } =
      stack.schedules;
    if (!townWorkErrorsAlarm) throw new Error('no reports alarm');
    // the schedules' own (the API's are in api-alarms.test.ts), the two calendar alarms below among them
    expect(stack.schedules.node.findAll().filter((c) => c instanceof Alarm)).toHaveLength(8);
    const ops = [refOf(stack.notifications.ops)];
    const common = {
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
      AlarmActions: ops,
      OKActions: ops,
    };
    expect(propertiesOf(deadLetterAlarm)).toMatchObject({
      ...common,
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Statistic: 'Maximum',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [id(deadLetters), 'QueueName'] } }],
    });
    expect(propertiesOf(sweepErrorsAlarm)).toMatchObject({
      ...common,
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Statistic: 'Sum',
      Dimensions: [{ Name: 'FunctionName', Value: refOf(sweep.fn) }],
    });
    expect(propertiesOf(townWorkErrorsAlarm)).toMatchObject({
      ...common,
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Statistic: 'Sum',
      Dimensions: [{ Name: 'FunctionName', Value: refOf(stack.townWork.handler.fn) }],
    });
    // the sweep's own metric, as lambdas/adapters/metrics.ts writes it, over one sweep interval
    expect(propertiesOf(overdueAlarm)).toMatchObject({
      ...common,
      Namespace: 'Fengqiao',
      MetricName: 'CasesOverdue',
      Statistic: 'Sum',
      Period: 900,
      Dimensions: [{ Name: 'service', Value: 'fengqiao' }],
    });
  });

  it('tell operations of a town-year with no calendar, or a provisional one, for as long as the nightly count says so', () => {
    const { calendarMissingAlarm, calendarProvisionalAlarm } = stack.schedules;
    if (!calendarMissingAlarm || !calendarProvisionalAlarm) throw new Error('no calendar alarms');
    const ops = [refOf(stack.notifications.ops)];
    for (const [alarm, metricName, says] of [
      [calendarMissingAlarm, 'CalendarYearsMissing', /weekends only/],
      [calendarProvisionalAlarm, 'CalendarYearsProvisional', /statutory holidays only/],
    ] as const) {
      const properties = propertiesOf(alarm);
      // the metric as lambdas/adapters/metrics.ts writes it, over the day between two nightly runs
      expect(properties).toMatchObject({
        Namespace: 'Fengqiao',
        MetricName: metricName,
        Statistic: 'Maximum',
        Period: 86_400,
        Dimensions: [{ Name: 'service', Value: 'fengqiao' }],
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: 0,
        EvaluationPeriods: 1,
        TreatMissingData: 'notBreaching',
        AlarmActions: ops,
        OKActions: ops,
      });
      expect(properties.AlarmDescription).toMatch(says);
      expect(properties.AlarmDescription).toMatch(/PUT \/v1\/admin\/calendar/);
    }
  });

  it('reach an encrypted topic: CloudWatch may publish to it and use its key, for this account’s alarms only', () => {
    const { ops, key } = stack.notifications;
    const fromAlarms = (statement: Statement) =>
      JSON.stringify(statement.Principal) === JSON.stringify({ Service: 'cloudwatch.amazonaws.com' });
    const topicPolicy = Object.values(template.findResources('AWS::SNS::TopicPolicy')).find(
      (policy) => JSON.stringify(policy.Properties.Topics) === JSON.stringify([refOf(ops)]),
    );
    const publish = ((topicPolicy?.Properties.PolicyDocument.Statement ?? []) as Statement[]).find(
      fromAlarms,
    );
    const keyUse = (propertiesOf(key).KeyPolicy as { Statement: Statement[] }).Statement.find(fromAlarms);
    for (const statement of [publish, keyUse]) {
      expect(statement?.Condition).toHaveProperty(['StringEquals', 'aws:SourceAccount']);
      // alarm ARNs are `arn:<partition>:cloudwatch:<region>:<account>:alarm:<name>`
      expect(JSON.stringify(statement?.Condition)).toContain(':alarm:*');
    }
    expect(actionsOf(publish ?? {})).toEqual(['sns:Publish']);
    expect(actionsOf(keyUse ?? {})).toEqual(['kms:Decrypt', 'kms:GenerateDataKey*']);
  });
});

/** The functions whose declaration (lambdas/adapters/function-access.ts) names topics to publish to. */
const publishingFunctions = () => [
  ...[...stack.functions.byFamily]
    .filter(([family]) => FAMILY_ACCESS[family].publishes.length > 0)
    .map(([, fn]) => fn),
  ...(SCHEDULED_ACCESS.sweep.publishes.length > 0 ? [stack.schedules.sweep] : []),
  ...(SCHEDULED_ACCESS.townWork.publishes.length > 0 ? [stack.townWork.handler] : []),
];

describe('topics', () => {
  it('are the domain topics and the operations topic, each encrypted with the rotated notification key', () => {
    const { key, topics, ops } = stack.notifications;
    expect([...topics.keys()]).toEqual([...TOPICS]);
    template.resourceCountIs('AWS::SNS::Topic', TOPICS.length + 1);
    expect(propertiesOf(key).EnableKeyRotation).toBe(true);
    for (const topic of [...topics.values(), ops])
      expect(propertiesOf(topic).KmsMasterKeyId).toEqual(arnOf(key));
  });

  it('refuse publishing over plain HTTP', () => {
    for (const topic of [...stack.notifications.topics.values(), stack.notifications.ops])
      template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        Topics: [refOf(topic)],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 'sns:Publish',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });
  });

  it('let every publishing function use the key, through SNS only, in the key policy', () => {
    const { key } = stack.notifications;
    const statement = (propertiesOf(key).KeyPolicy as { Statement: Statement[] }).Statement.find(
      (s) => s.Sid === 'PublishersThroughSns',
    );
    const publishers = publishingFunctions().map((fn) => arnOf(fn.role));
    // no API function publishes: each writes its messages to the outbox, which the scheduled functions publish
    expect(publishers).toHaveLength(2);
    const principals = (statement?.Principal as { AWS?: unknown[] } | undefined)?.AWS;
    expect(principals).toEqual(expect.arrayContaining(publishers));
    expect(principals).toHaveLength(publishers.length);
    expect(actionsOf(statement ?? {})).toEqual(['kms:Decrypt', 'kms:GenerateDataKey*']);
    expect(statement?.Condition).toEqual({
      StringEquals: {
        'kms:ViaService': {
          'Fn::Join': ['', ['sns.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }]],
        },
      },
    });
  });

  it('are named to every API function and the scheduled ones in the variables the publisher reads', () => {
    expect(topicEnvironment.sort()).toEqual(TOPICS.map(topicEnvName).sort());
    for (const fn of [...stack.functions.byFamily.values(), stack.schedules.sweep, stack.townWork.handler]) {
      const variables = (propertiesOf(fn.fn).Environment as { Variables: Json }).Variables;
      for (const [topic, sns] of stack.notifications.topics)
        expect(variables[topicEnvName(topic)]).toEqual(refOf(sns));
    }
  });

  it('may be published to by name only: no sns:* and no sns:Publish on `*` or on the operations topic', () => {
    const domainTopics = [...stack.notifications.topics.values()].map(refOf);
    const statements = allIdentityStatements();
    const actions = statements.flatMap(actionsOf);
    expect(actions.filter((action) => action.startsWith('sns:') && action !== 'sns:Publish')).toEqual([]);
    expect(actions).not.toContain('*');
    const publishing = statements.filter((statement) => actionsOf(statement).includes('sns:Publish'));
    expect(publishing).toHaveLength(publishingFunctions().length);
    for (const statement of publishing) {
      expect(actionsOf(statement)).toEqual(['sns:Publish']);
      expect(resourcesOf(statement)).toEqual(expect.arrayContaining(domainTopics));
      expect(resourcesOf(statement)).toHaveLength(domainTopics.length);
    }
  });
});

describe('the sweep function', () => {
  it('runs up to five minutes a shard, with what depsFromEnv and the publisher read', () => {
    const { sweep } = stack.schedules;
    const properties = propertiesOf(sweep.fn);
    expect(properties).toMatchObject({
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      Timeout: 300,
    });
    // the event source caps the workers at one per shard; no concurrency is reserved from the account
    expect(properties).not.toHaveProperty('ReservedConcurrentExecutions');
    const variables = (properties.Environment as { Variables: Json }).Variables;
    expect(requiredEnvironment).toContain('CASES_TABLE');
    expect(Object.keys(variables)).toEqual(
      expect.arrayContaining([...requiredEnvironment, ...topicEnvironment]),
    );
    // never invoked asynchronously: what it fails on stays in its queue, then in the queue's dead-letter queue
    expect(
      Object.values(template.findResources('AWS::Lambda::EventInvokeConfig')).map(
        (config) => config.Properties.FunctionName,
      ),
    ).not.toContainEqual(refOf(sweep.fn));
  });

  it('may do exactly what the sweep does, and never Scan', () => {
    const { sweep } = stack.schedules;
    const tables = stack.data.tables;
    const cases = tables.get(CASES_TABLE);
    const grids = tables.get(GRIDS_TABLE);
    const idempotency = tables.get(IDEMPOTENCY_TABLE);
    if (!cases || !grids || !idempotency) throw new Error('tables missing');
    const on = grantedOn(roleStatements(id(sweep.role)));

    expect(on(arnOf(cases))).toEqual([
      'dynamodb:DeleteItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ]);
    // the index of due alerts, and no other
    for (const index of CASES_TABLE.indexes)
      expect(on({ 'Fn::Join': ['', [arnOf(cases), `/index/${index.name}`]] })).toEqual(
        index.name === 'GSI6' ? ['dynamodb:Query'] : undefined,
      );
    expect(on(arnOf(grids))).toEqual(['dynamodb:GetItem', 'dynamodb:Query']);
    expect(on(arnOf(idempotency))).toBeUndefined();
    expect(on(arnOf(stack.data.dataKey))).toBeUndefined();
    // the sweep chains no event and hashes nothing
    expect(on(arnOf(stack.data.macKey))).toBeUndefined();
    expect(on(arnOf(stack.data.key))).toEqual(['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey*']);
    for (const topic of stack.notifications.topics.values())
      expect(on(refOf(topic))).toEqual(['sns:Publish']);
    // its messages: taken from the shard queue, decrypted with the queue's key; nothing sent anywhere
    expect(on(arnOf(stack.schedules.sweepQueue))).toEqual([
      'sqs:ChangeMessageVisibility',
      'sqs:DeleteMessage',
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
      'sqs:ReceiveMessage',
    ]);
    expect(on(arnOf(stack.schedules.deadLetterKey))).toEqual(['kms:Decrypt']);
    expect(on(arnOf(stack.schedules.deadLetters))).toBeUndefined();
    expect(roleStatements(id(sweep.role)).flatMap(actionsOf)).not.toContain('sqs:SendMessage');
    expect(roleStatements(id(sweep.role)).flatMap(actionsOf)).not.toContain('dynamodb:Scan');
    expect(allIdentityStatements().flatMap(actionsOf)).not.toContain('dynamodb:Scan');
  });
});

describe('the town schedules', () => {
  it('are daily 18:00, weekly Monday 09:00, monthly on the 1st 09:00, reception notices 14:30 and retention 02:30, Beijing time, each telling its kind', () => {
    const schedules = stack.schedules.townSchedules;
    expect(schedules).toHaveLength(5);
    const { role, deadLetters } = stack.schedules;
    const seen = schedules.map((schedule) => {
      const properties = propertiesOf(schedule);
      const target = properties.Target as Json;
      // on the minute, with the sweep's retry policy and dead-letter queue, invoking the town-work function
      expect(properties).toMatchObject({
        ScheduleExpressionTimezone: 'Asia/Shanghai',
        FlexibleTimeWindow: { Mode: 'OFF' },
        State: 'ENABLED',
      });
      expect(target).toMatchObject({
        Arn: arnOf(stack.townWork.handler.fn),
        RoleArn: arnOf(role),
        RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 600 },
        DeadLetterConfig: { Arn: arnOf(deadLetters) },
      });
      return [properties.ScheduleExpression, JSON.parse(target.Input as string)];
    });
    expect(seen).toEqual([
      ['cron(0 18 * * ? *)', { kind: 'daily' }],
      ['cron(0 9 ? * MON *)', { kind: 'weekly' }],
      ['cron(0 9 1 * ? *)', { kind: 'monthly' }],
      ['cron(30 14 * * ? *)', { kind: 'reception' }],
      ['cron(30 2 * * ? *)', { kind: 'retention' }],
    ]);
    // the same moments as the local host's in-process scheduler
    expect(seen.map(([expression]) => expression)).toEqual(
      TOWN_WORK.map((kind) => expressionOf(SCHEDULES[kind].cron)),
    );
  });

  it('are made once', () => {
    expect(() => stack.schedules.addTownSchedules(stack.townWork.handler.fn)).toThrow(/exist already/);
  });
});

describe('the town-work function', () => {
  it('runs lambdas/handlers/town-schedule.ts up to five minutes, one at a time, for the default town', () => {
    const fn = stack.townWork.handler;
    const properties = propertiesOf(fn.fn);
    expect(properties).toMatchObject({
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: 512,
      Timeout: 300,
      ReservedConcurrentExecutions: 1,
      TracingConfig: { Mode: 'Active' },
    });
    const variables = (properties.Environment as { Variables: Json }).Variables;
    expect(variables.TOWNS).toBe('demo-town');
    expect(Object.keys(variables)).toEqual(
      expect.arrayContaining([...requiredEnvironment, ...topicEnvironment, 'TOWNS']),
    );
    // the bundle's entry is the scheduled town-work handler (bundling is skipped here: the construct says it)
    expect(sourceOf('lambdas/handlers/town-schedule.ts')).toMatch(/export const handler/);
    expect(fn.fn.node.path).toMatch(/TownWork\/Scheduled\/Function$/);
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: refOf(fn.fn),
      MaximumRetryAttempts: 2,
      // a daily run retried after Beijing midnight would report the wrong day
      MaximumEventAgeInSeconds: 3600,
      DestinationConfig: { OnFailure: { Destination: arnOf(stack.schedules.deadLetters) } },
    });
  });

  it('may read and write items of Cases and read Grids, publish to the domain topics, and never Scan', () => {
    const fn = stack.townWork.handler;
    const tables = stack.data.tables;
    const cases = tables.get(CASES_TABLE);
    const grids = tables.get(GRIDS_TABLE);
    const idempotency = tables.get(IDEMPOTENCY_TABLE);
    if (!cases || !grids || !idempotency) throw new Error('tables missing');
    const statements = roleStatements(id(fn.role));
    const on = grantedOn(statements);

    expect(on(arnOf(cases))).toEqual([
      // the cases a leader owns are read behind their relation items in batches
      'dynamodb:BatchGetItem',
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ]);
    // open cases by status (deadline recomputation), relations (the cases leaders own), closed cases (retention),
    // open cases by deadline; no other index
    for (const index of CASES_TABLE.indexes)
      expect(on({ 'Fn::Join': ['', [arnOf(cases), `/index/${index.name}`]] })).toEqual(
        ['GSI2', 'GSI4', 'GSI7', 'GSI8'].includes(index.name) ? ['dynamodb:Query'] : undefined,
      );
    // settings and staff, and the cursor of a deadline recomputation
    expect(on(arnOf(grids))).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query']);
    for (const index of GRIDS_TABLE.indexes)
      expect(on({ 'Fn::Join': ['', [arnOf(grids), `/index/${index.name}`]] })).toBeUndefined();
    expect(on(arnOf(idempotency))).toBeUndefined();
    expect(on(arnOf(stack.data.dataKey))).toBeUndefined();
    expect(on(arnOf(stack.data.macKey))).toEqual(['kms:GenerateMac']);
    expect(on(arnOf(stack.data.key))).toEqual(['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey*']);
    // the outbox is shared: whatever waits there may be published, to any domain topic but not the operations one
    for (const topic of stack.notifications.topics.values())
      expect(on(refOf(topic))).toEqual(['sns:Publish']);
    expect(on(refOf(stack.notifications.ops))).toBeUndefined();
    expect(on(arnOf(stack.schedules.deadLetters))).toEqual(['sqs:SendMessage']);
    expect(on(arnOf(stack.schedules.deadLetterKey))).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
    const actions = statements.flatMap(actionsOf);
    expect(actions).not.toContain('dynamodb:Scan');
    expect(actions.filter((action) => action.endsWith('*') && action !== 'kms:GenerateDataKey*')).toEqual([]);
    // the table key through DynamoDB only
    const tableKey = statements.find((statement) =>
      resourcesOf(statement).some((r) => JSON.stringify(r) === JSON.stringify(arnOf(stack.data.key))),
    );
    expect(tableKey?.Condition).toHaveProperty(['StringEquals', 'kms:ViaService']);
  });

  it('is told the towns of the context (construct tree only, no synthesis)', () => {
    const variablesOf = (context: Record<string, unknown>) => {
      const app = new App({ context: { ...cdkJsonContext, 'aws:cdk:bundling-stacks': [], ...context } });
      const config = readConfig(app.node);
      const built = new FengqiaoStack(app, stackName(config), { config });
      const cfn = built.townWork.handler.fn.node.defaultChild as CfnFunction;
      return (built.resolve(cfn.environment) as { variables: Json }).variables;
    };
    expect(variablesOf({ towns: 'qingshan-town, baishui-town' }).TOWNS).toBe('qingshan-town,baishui-town');
    expect(variablesOf({ defaultTown: 'qingshan-town' }).TOWNS).toBe('qingshan-town');
    expect(() => variablesOf({ towns: 'qingshan town' })).toThrow(/towns/);
  });
});
