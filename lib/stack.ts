import { CfnOutput, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { DEFAULT_TOWN, type FengqiaoConfig, reportTowns } from './config.js';
import { Api } from './constructs/api.js';
import { Data } from './constructs/data.js';
import { Functions, pascal } from './constructs/functions.js';
import { Identity } from './constructs/identity.js';
import { Logs } from './constructs/logs.js';
import { Notifications } from './constructs/notifications.js';
import { ScheduledTownWork } from './constructs/town-work.js';
import { Schedules } from './constructs/schedules.js';

export interface FengqiaoStackProps extends StackProps {
  readonly config: FengqiaoConfig;
}

/** The whole backend of one deployment. Environment-agnostic: the same template serves aws and aws-cn. */
export class FengqiaoStack extends Stack {
  readonly logs: Logs;
  readonly data: Data;
  readonly notifications: Notifications;
  readonly functions: Functions;
  readonly schedules: Schedules;
  readonly townWork: ScheduledTownWork;
  readonly identity: Identity;
  readonly api: Api;

  constructor(scope: Construct, id: string, props: FengqiaoStackProps) {
    super(scope, id, {
      description:
        'Fengqiao: petition and dispute work of a town (HTTP API, Lambda, DynamoDB, SNS, EventBridge Scheduler)',
      ...props,
    });
    const { config } = props;
    Tags.of(this).add('project', 'fengqiao');
    Tags.of(this).add('stage', config.stage);

    const logs = new Logs(this, 'Logs');
    const data = new Data(this, 'Data');
    const notifications = new Notifications(this, 'Notifications');
    const functions = new Functions(this, 'Functions', { data, notifications, logs });
    const schedules = new Schedules(this, 'Schedules', {
      data,
      notifications,
      logs,
      sweepIntervalMinutes: config.sweepIntervalMinutes,
    });
    // the daily, weekly and monthly reports and the nightly retention, failing into the schedules' dead-letter queue
    const townWork = new ScheduledTownWork(this, 'TownWork', {
      data,
      notifications,
      logs,
      towns: reportTowns(config),
      deadLetters: schedules.deadLetters,
    });
    schedules.addTownSchedules(townWork.handler.fn);
    const identity = new Identity(this, 'Identity', {
      external: config.identity,
      defaultTown: config.defaultTown ?? DEFAULT_TOWN,
      logs,
    });
    const api = new Api(this, 'Api', {
      functions: functions.byFamily,
      issuer: identity.issuer,
      audience: identity.audience,
      corsOrigins: config.corsOrigins,
      logs,
      alarmTopic: notifications.ops,
    });
    this.logs = logs;
    this.data = data;
    this.notifications = notifications;
    this.functions = functions;
    this.schedules = schedules;
    this.townWork = townWork;
    this.identity = identity;
    this.api = api;

    new CfnOutput(this, 'ApiUrl', { value: api.stage.url });
    new CfnOutput(this, 'TokenIssuer', { value: identity.issuer });
    if (identity.userPool && identity.client) {
      new CfnOutput(this, 'UserPoolId', { value: identity.userPool.userPoolId });
      new CfnOutput(this, 'UserPoolClientId', { value: identity.client.userPoolClientId });
    }
    for (const [model, table] of data.tables)
      new CfnOutput(this, `${model.logicalName}TableName`, { value: table.tableName });
    // what an SMS sender or an operator subscribes to
    for (const [topic, sns] of notifications.topics)
      new CfnOutput(this, `${pascal(topic)}TopicArn`, { value: sns.topicArn });
    new CfnOutput(this, 'OpsTopicArn', { value: notifications.ops.topicArn });
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: schedules.deadLetters.queueUrl });
    // what an operator invokes to repeat a failed run (README, "When an alarm fires")
    new CfnOutput(this, 'SweepFunctionName', { value: schedules.sweep.fn.functionName });
    new CfnOutput(this, 'TownWorkFunctionName', { value: townWork.handler.fn.functionName });
  }
}
