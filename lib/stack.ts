import { resolve } from 'node:path';
import { Aws, CfnOutput, Stack, type StackProps, Tags, Validations } from 'aws-cdk-lib';
import { Key } from 'aws-cdk-lib/aws-kms';
import { CfnPermission } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { FAMILY_ACCESS, type FunctionAccess, SCHEDULED_ACCESS } from '../lambdas/adapters/function-access.js';
import { DEFAULT_TOWN, type FengqiaoConfig, reportTowns } from './config.js';
import { Api } from './constructs/api.js';
import { Data } from './constructs/data.js';
import { Evidence } from './constructs/evidence.js';
import { Functions, HandlerFunction } from './constructs/functions.js';
import { hostedUiPrefix, Identity } from './constructs/identity.js';
import { Logs, limitGrantsToAwsServices } from './constructs/logs.js';
import { pascal } from './constructs/names.js';
import { Notifications } from './constructs/notifications.js';
import { Schedules } from './constructs/schedules.js';
import { ScheduledTownWork } from './constructs/town-work.js';
import { type WebAuth, WebSite } from './constructs/web-site.js';
import { guardRule } from './nag.js';

interface FengqiaoStackProps extends StackProps {
  readonly config: FengqiaoConfig;
  /** Where the built web pages are (default web/dist of the checkout: `npm run build`). */
  readonly webDist?: string;
}

const WEB_DIST = resolve(import.meta.dirname, '../web/dist');

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
  readonly evidence: Evidence;
  /** The web pages behind CloudFront, unless context `webSite` is false. */
  readonly webSite?: WebSite;

  constructor(scope: Construct, id: string, props: FengqiaoStackProps) {
    super(scope, id, {
      description:
        'Fengqiao: petition and dispute work of a town (HTTP API, Lambda, DynamoDB, SNS, EventBridge Scheduler)',
      ...props,
    });
    const { config } = props;
    Tags.of(this).add('project', 'fengqiao');
    Tags.of(this).add('stage', config.stage);

    const logs = new Logs(this, 'Logs', { retention: config.logRetentionDays });
    const data = new Data(this, 'Data');
    const notifications = new Notifications(this, 'Notifications');
    const functions = new Functions(this, 'Functions', {
      data,
      notifications,
      logs,
      towns: reportTowns(config),
    });
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
    // the evidence files: each function granted what its declaration says it does with them
    const evidence = new Evidence(this, 'Evidence', { corsOrigins: config.corsOrigins });
    for (const [family, fn] of functions.byFamily) {
      const actions = (FAMILY_ACCESS[family] as FunctionAccess).evidence;
      if (actions) evidence.grant(fn, actions);
    }
    evidence.grant(townWork.handler, SCHEDULED_ACCESS.townWork.evidence);
    const identity = new Identity(this, 'Identity', {
      external: config.identity,
      defaultTown: config.defaultTown ?? DEFAULT_TOWN,
      logs,
      // the pages sign in on the pool's hosted UI
      ...(config.webSite ? { hostedUiPrefix: hostedUiPrefix(config.stage) } : {}),
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
    this.evidence = evidence;
    if (config.webSite) {
      const webSite = new WebSite(this, 'WebSite', {
        api: api.httpApi,
        auth: webAuth(identity),
        distDir: props.webDist ?? WEB_DIST,
        logs,
      });
      if (identity.hostedUi) identity.allowWebSignIn(`${webSite.url}/`);
      this.webSite = webSite;
      new CfnOutput(this, 'WebSiteUrl', { value: `${webSite.url}/` });
      new CfnOutput(this, 'WebSiteBucketName', { value: webSite.bucket.bucketName });
    }

    new CfnOutput(this, 'ApiUrl', { value: api.stage.url });
    new CfnOutput(this, 'TokenIssuer', { value: identity.issuer });
    new CfnOutput(this, 'EvidenceBucketName', { value: evidence.bucket.bucketName });
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

    this.applyStackWideRules();
  }

  /**
   * What holds for every resource of a kind, whichever construct made it: every key limits grants to AWS services;
   * every Lambda permission names this account beside its source ARN (confused deputy), as the stack's other
   * conditions on service principals do; and every function, outside a VPC, says why.
   */
  private applyStackWideRules(): void {
    for (const construct of this.node.findAll()) {
      if (construct instanceof Key) limitGrantsToAwsServices(construct);
      if (construct instanceof CfnPermission && construct.principal.endsWith('.amazonaws.com'))
        construct.sourceAccount ??= Aws.ACCOUNT_ID;
      if (construct instanceof HandlerFunction)
        Validations.of(construct.fn).acknowledge({
          id: guardRule('lambda_inside_vpc_check'),
          reason:
            'no VPC by design: the functions reach only AWS regional endpoints (DynamoDB, KMS, SNS, CloudWatch, ' +
            'X-Ray, Cognito) with IAM-signed requests over TLS, and there is no private resource to reach; holding ' +
            'their egress to those endpoints would take a VPC with an interface endpoint per service and zone, a ' +
            'fixed cost out of proportion for a town, for no access the roles and key policies do not already limit',
        });
    }
  }
}

/** How the pages sign in: the user pool's hosted UI, or the external issuer with the first audience as its client. */
function webAuth(identity: Identity): WebAuth {
  if (identity.hostedUi && identity.client)
    return {
      kind: 'cognito',
      issuer: identity.issuer,
      clientId: identity.client.userPoolClientId,
      hostedUiDomain: identity.hostedUi.baseUrl(),
    };
  const clientId = identity.audience[0];
  if (!clientId) throw new Error('the web pages need a client id: context identityAudience');
  return { kind: 'oidc', issuer: identity.issuer, clientId };
}
