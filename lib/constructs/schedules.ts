import { Aws, CfnElement, Duration, Stack, TimeZone, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { CronOptions } from 'aws-cdk-lib/aws-events';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { IScheduleTarget } from 'aws-cdk-lib/aws-scheduler';
import { Schedule, ScheduleExpression, ScheduleTargetInput, TimeWindow } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke, SqsSendMessage } from 'aws-cdk-lib/aws-scheduler-targets';
import { Queue, QueueEncryption, RedrivePermission } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { SCHEDULED_ACCESS } from '../../lambdas/adapters/function-access.js';
import { METRIC, METRICS_NAMESPACE, METRICS_SERVICE } from '../../lambdas/adapters/metrics.js';
import { sweepMessages } from '../../lambdas/adapters/sweep-messages.js';
import { ALERT_SHARDS } from '../../lambdas/adapters/table-model.js';
import { SCHEDULES, TOWN_WORK } from '../../lambdas/domain/schedules.js';
import { guardRule } from '../nag.js';
import type { Data } from './data.js';
import { depsEnvironment, HandlerFunction } from './functions.js';
import { keyAlias, type Logs } from './logs.js';
import type { Notifications } from './notifications.js';

/** Unix day-of-week numbers (0 and 7 are Sunday) as EventBridge's names, which cannot be misread (there 1 is Sunday). */
const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'] as const;
const NAME = /^(SUN|MON|TUE|WED|THU|FRI|SAT)$/;
const PLAIN_FIELD = /^[0-9*,/-]+$/;

function weekdayPart(part: string, cron: string): string {
  const upper = part.toUpperCase();
  const range = /^([0-7])-([0-7])$/.exec(upper);
  if (range) {
    const from = Number(range[1]);
    const to = Number(range[2]);
    if (from > to) throw new Error(`cron "${cron}": a day-of-week range must not wrap (${part})`);
    if (to < 7) return `${WEEKDAYS[from]}-${WEEKDAYS[to]}`;
    // EventBridge ranges end on Saturday: Unix `5-7` is Friday to Sunday
    if (from === 0) return 'SUN-SAT';
    if (from >= 6) return from === 6 ? 'SAT,SUN' : 'SUN';
    return `${WEEKDAYS[from]}-SAT,SUN`;
  }
  if (/^[0-7]$/.test(upper)) return WEEKDAYS[Number(upper)] ?? 'SUN';
  const names = upper.split('-');
  if (names.length <= 2 && names.every((name) => NAME.test(name))) return upper;
  throw new Error(
    `cron "${cron}": day-of-week "${part}" is not supported (steps, L and # have no Unix twin)`,
  );
}

/**
 * A Unix cron (`minute hour day-of-month month day-of-week`, as in SCHEDULES and croner) as the fields of
 * EventBridge's six-field cron: the year is every year, one of the day fields becomes `?` (EventBridge allows a value
 * in only one of them), and week days are renamed (Unix counts from Sunday = 0, EventBridge from Sunday = 1).
 * A Unix cron restricting both day fields means "either" there, which EventBridge cannot say: it is refused.
 */
export function toEventBridgeCron(cron: string): CronOptions {
  const fields = cron.trim().split(/\s+/);
  if (fields.length !== 5) throw new Error(`cron "${cron}" must have five fields`);
  const [minute, hour, day, month, weekDay] = fields as [string, string, string, string, string];
  for (const [name, value] of [
    ['minute', minute],
    ['hour', hour],
    ['day-of-month', day],
  ] as const)
    if (!PLAIN_FIELD.test(value)) throw new Error(`cron "${cron}": ${name} "${value}" is not supported`);
  if (!/^[0-9*,/A-Za-z-]+$/.test(month)) throw new Error(`cron "${cron}": month "${month}" is not supported`);

  const anyDay = day === '*';
  const anyWeekDay = weekDay === '*';
  if (!anyDay && !anyWeekDay)
    throw new Error(
      `cron "${cron}" restricts both day-of-month and day-of-week; EventBridge allows only one`,
    );
  const common = { minute, hour, month: month.toUpperCase(), year: '*' };
  if (anyWeekDay) return { ...common, day };
  return {
    ...common,
    weekDay: weekDay
      .split(',')
      .map((part) => weekdayPart(part, cron))
      .join(','),
  };
}

/** The sweep's cron for a run every `minutes` minutes (a divisor of 60, see config.ts). */
export const sweepCron = (minutes: number): string => `*/${minutes} * * * *`;

/** The schedules of the town-work function (SCHEDULES), each telling it its kind (see `addTownSchedules`). */
export const TOWN_SCHEDULES = TOWN_WORK.map((name) => ({
  name,
  id:
    name === 'retention'
      ? 'RetentionSchedule'
      : name === 'reception'
        ? 'ReceptionNoticeSchedule'
        : `${name[0]?.toUpperCase()}${name.slice(1)}ReportSchedule`,
  cron: SCHEDULES[name].cron,
  description: SCHEDULES[name].description,
}));

/** The shard worker's timeout, and how often it may fail on one message before the message is dead-lettered. */
const SWEEP_TIMEOUT = Duration.minutes(5);
const SWEEP_RECEIVES = 3;

/** Every schedule retries twice within ten minutes, which stays inside the default sweep interval. */
const RETRY = { retryAttempts: 2, maxEventAge: Duration.minutes(10) };

interface SchedulesProps {
  readonly data: Data;
  readonly notifications: Notifications;
  readonly logs: Logs;
  readonly sweepIntervalMinutes: number;
}

/**
 * EventBridge Scheduler in Beijing time (Asia/Shanghai, no daylight saving): the deadline sweep every few minutes, with
 * a retry policy, an encrypted dead-letter queue, and alarms to the operations topic when invocations fail.
 *
 * Scheduler invokes Lambda asynchronously: its retries and dead-letter queue cover failures to invoke the function
 * (throttling, permissions, a missing function); the function's own failures are retried by Lambda (`asyncInvoke`),
 * seen by the Errors alarm, and, once Lambda's retries are spent, the event goes to the same dead-letter queue (the
 * function's on-failure destination). One queue, one alarm: a message there is scheduled work that did not happen.
 */
export class Schedules extends Construct {
  /** The sweep's shard worker: each message of the shard queue sweeps one shard of the alert index. */
  readonly sweep: HandlerFunction;
  /** One schedule per shard of the alert index, each sending that shard's message to the shard queue. */
  readonly sweepSchedules: Schedule[];
  readonly sweepQueue: Queue;
  /** Where a shard's message goes once the worker has failed on it SWEEP_RECEIVES times. */
  readonly sweepDeadLetters: Queue;
  readonly sweepDeadLetterAlarm: Alarm;
  /** A shard's message waiting longer than a sweep interval: the workers do not keep up. */
  readonly sweepBacklogAlarm: Alarm;
  /** The role Scheduler assumes to invoke targets and to write to the dead-letter queue. */
  readonly role: Role;
  readonly deadLetterKey: Key;
  readonly deadLetters: Queue;
  readonly deadLetterAlarm: Alarm;
  readonly sweepErrorsAlarm: Alarm;
  /** Any case flagged overdue by a sweep: the one thing the deadlines exist to prevent. */
  readonly overdueAlarm: Alarm;
  /** The report and retention schedules, once `addTownSchedules` has made them. */
  readonly townSchedules: Schedule[] = [];
  townWorkErrorsAlarm?: Alarm;
  /** A year this or next with no working-day calendar, or with the statutory holidays only, by the nightly count. */
  calendarMissingAlarm?: Alarm;
  calendarProvisionalAlarm?: Alarm;
  private readonly alarmAction: SnsAction;

  constructor(scope: Construct, id: string, props: SchedulesProps) {
    super(scope, id);
    const { data, notifications, logs, sweepIntervalMinutes } = props;
    const stack = Stack.of(this);

    this.deadLetterKey = new Key(this, 'DeadLetterKey', {
      description:
        'Encrypts the queues of the Fengqiao schedules: the dead-letter queues and the sweep shard queue',
      alias: keyAlias(this, 'dead-letters'),
      enableKeyRotation: true,
    });
    this.deadLetters = new Queue(this, 'DeadLetters', {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: this.deadLetterKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      // the schedules and the functions' on-failure destinations send here; no SQS queue may dead-letter into it
      redriveAllowPolicy: { redrivePermission: RedrivePermission.DENY_ALL },
    });
    Validations.of(this.deadLetters).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'this queue is itself the dead-letter queue of the EventBridge Scheduler schedules (a schedule names it in ' +
        'DeadLetterConfig, which the rule does not look at); a dead-letter queue of a dead-letter queue would only ' +
        'move the problem: the queue keeps events 14 days and an alarm fires on the first one',
    });
    Validations.of(this.deadLetters).acknowledge({
      id: 'Serverless-SQSRedrivePolicy',
      reason:
        'this queue is itself the dead-letter queue of the schedules and the on-failure destination of the scheduled ' +
        'functions; nothing consumes it automatically, so there is no receive count to redrive on: the queue keeps ' +
        'events 14 days and an alarm fires on the first one',
    });
    Validations.of(this.deadLetters).acknowledge({
      id: guardRule('sqs_dlq_check'),
      reason:
        'this queue is itself the dead-letter queue of the schedules and the on-failure destination of the scheduled ' +
        'functions, and its RedriveAllowPolicy refuses every SQS source queue (denyAll); the rule counts a queue as a ' +
        'dead-letter queue only with allowAll or byQueue, which would let other queues dead-letter into this one',
    });

    this.role = new Role(this, 'SchedulerRole', {
      description: 'Lets EventBridge Scheduler invoke the Fengqiao scheduled functions',
      // only schedules of this account's default group may use the role (confused deputy)
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: {
            'aws:SourceAccount': Aws.ACCOUNT_ID,
            'aws:SourceArn': stack.formatArn({
              service: 'scheduler',
              resource: 'schedule-group',
              resourceName: 'default',
            }),
          },
        },
      }),
    });
    // sqs:SendMessage comes with the target; an encrypted queue also needs its key, through SQS only
    this.role.addToPolicy(
      new PolicyStatement({
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [this.deadLetterKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `sqs.${stack.region}.${Aws.URL_SUFFIX}` } },
      }),
    );

    // the sweep fans out: one message per shard of the alert index, each swept by a worker of its own (at most one
    // worker per shard at once); a step sends once because its alert moves conditionally, so a message that comes
    // again, or two workers on one shard, send nothing twice
    this.sweepDeadLetters = new Queue(this, 'SweepDeadLetters', {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: this.deadLetterKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.sweepDeadLetters).acknowledge({
      id: 'Serverless-SQSRedrivePolicy',
      reason:
        "this queue is itself the dead-letter queue of the sweep's shard queue; nothing consumes it automatically, so " +
        'there is no receive count to redrive on: it keeps messages 14 days and an alarm fires on the first one',
    });
    Validations.of(this.sweepDeadLetters).acknowledge({
      id: guardRule('sqs_dlq_check'),
      reason:
        "this queue is itself the dead-letter queue of the sweep's shard queue (that queue's RedrivePolicy names it); " +
        'the rule counts a queue as a dead-letter queue only with a RedriveAllowPolicy of allowAll, which would let ' +
        'any queue dead-letter into it, or byQueue naming the shard queue, which would make the two queues refer to ' +
        'each other, a cycle CloudFormation refuses',
    });
    this.sweepQueue = new Queue(this, 'SweepQueue', {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: this.deadLetterKey,
      enforceSSL: true,
      // six times the worker's timeout, as Lambda's SQS event source asks: a message is never seen twice while its
      // worker still runs
      visibilityTimeout: Duration.seconds(SWEEP_TIMEOUT.toSeconds() * 6),
      deadLetterQueue: { queue: this.sweepDeadLetters, maxReceiveCount: SWEEP_RECEIVES },
    });

    this.sweep = new HandlerFunction(this, 'Sweep', {
      handler: 'sweep',
      description: 'Deadline sweep of one alert shard: warnings, escalation, overdue; publishes the outbox',
      logs,
      // IDEMPOTENCY_TABLE is read by depsFromEnv but not used by the sweep: the name only, no permission on it
      environment: depsEnvironment(data, notifications),
      timeout: SWEEP_TIMEOUT,
      queueFailures:
        "fed by the sweep's shard queue, whose own dead-letter queue keeps a message the worker failed on " +
        `${SWEEP_RECEIVES} times (an alarm fires on the first); the function is never invoked asynchronously`,
    });
    // due alerts, their notices and the shared outbox (lambdas/adapters/function-access.ts)
    this.sweep.grantAccess(SCHEDULED_ACCESS.sweep, { data, notifications });
    // one message at a time, a failed one reported alone; as many workers at once as there are shards
    const shards = new SqsEventSource(this.sweepQueue, {
      batchSize: 1,
      reportBatchItemFailures: true,
      maxConcurrency: ALERT_SHARDS,
    });
    this.sweep.fn.addEventSource(shards);
    Validations.of(this.sweep.fn).acknowledge({
      id: 'Serverless-LambdaEventSourceMappingDestination',
      reason:
        'an SQS event source takes no on-failure destination (Lambda supports one for streams and Kafka only): a ' +
        "message the worker fails on stays in the queue and, after its receives, goes to the queue's own " +
        'dead-letter queue, which has an alarm',
    });

    this.sweepSchedules = sweepMessages().map((message) =>
      this.schedule(
        `SweepSchedule${message.shard}`,
        sweepCron(sweepIntervalMinutes),
        `${SCHEDULES.sweep.description} (alert shard ${message.shard})`,
        new SqsSendMessage(this.sweepQueue, {
          role: this.role,
          deadLetterQueue: this.deadLetters,
          ...RETRY,
          input: ScheduleTargetInput.fromObject(message),
        }),
      ),
    );
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      reason:
        "the schedules send the shards' messages to the encrypted shard queue, which takes data keys of the queues' " +
        "key on the sender's behalf (the statement the SQS target writes): the variants of GenerateDataKey, on that one key",
    });

    this.alarmAction = new SnsAction(notifications.ops);
    this.deadLetterAlarm = this.alarm(
      new Alarm(this, 'DeadLettersAlarm', {
        alarmDescription:
          'A schedule could not invoke its target, or a scheduled function failed after its retries: see the ' +
          'dead-letter queue',
        metric: this.deadLetters.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(5),
          statistic: 'Maximum',
        }),
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );
    this.sweepDeadLetterAlarm = this.alarm(
      new Alarm(this, 'SweepDeadLettersAlarm', {
        alarmDescription:
          `A shard of the deadline sweep failed ${SWEEP_RECEIVES} times: its message is in the sweep's dead-letter ` +
          'queue and its due steps wait for the next run; see the sweep log group',
        metric: this.sweepDeadLetters.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(5),
          statistic: 'Maximum',
        }),
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );
    this.sweepBacklogAlarm = this.alarm(
      new Alarm(this, 'SweepBacklogAlarm', {
        alarmDescription:
          "A deadline sweep shard's message waited longer than one sweep interval: the workers do not keep up",
        metric: this.sweepQueue.metricApproximateAgeOfOldestMessage({
          period: Duration.minutes(5),
          statistic: 'Maximum',
        }),
        threshold: sweepIntervalMinutes * 60,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );
    this.sweepErrorsAlarm = this.alarm(
      new Alarm(this, 'SweepErrorsAlarm', {
        alarmDescription:
          'The deadline sweep failed (an unpublished outbox message fails the run): see its log group',
        metric: this.sweep.fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );
    // the sweep's own count (lambdas/adapters/metrics.ts): a case went past its legal deadline
    this.overdueAlarm = this.alarm(
      new Alarm(this, 'CasesOverdueAlarm', {
        alarmDescription:
          'A case passed its legal deadline unanswered: its supervisors were told; see the supervision topic',
        metric: new Metric({
          namespace: METRICS_NAMESPACE,
          metricName: METRIC.casesOverdue,
          dimensionsMap: { service: METRICS_SERVICE },
          statistic: 'Sum',
          period: Duration.minutes(sweepIntervalMinutes),
        }),
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );
  }

  /**
   * The schedules of SCHEDULES for the town-work function (the daily, weekly and monthly reports, the nightly retention
   * erasure), each sending `{"kind": …}` (the function need not infer the kind from the time it fired), with the
   * sweep's retry policy, dead-letter queue and time zone; and an alarm on the function's errors (a failed town or
   * publish fails the run).
   */
  addTownSchedules(townWork: IFunction): Schedule[] {
    if (this.townSchedules.length > 0) throw new Error('the town schedules exist already');
    for (const { name, id, cron, description } of TOWN_SCHEDULES)
      this.townSchedules.push(this.schedule(id, cron, description, this.invoke(townWork, { kind: name })));
    this.townWorkErrorsAlarm = this.alarm(
      new Alarm(this, 'TownWorkErrorsAlarm', {
        alarmDescription:
          'A scheduled report or retention run failed (a town or an outbox message could not be done): see its log group',
        metric: townWork.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );
    // the nightly upkeep's counts (lambdas/adapters/metrics.ts) over a day: an alarm holds until the year is stored
    const calendarAlarm = (id: string, metricName: string, alarmDescription: string) =>
      this.alarm(
        new Alarm(this, id, {
          alarmDescription,
          metric: new Metric({
            namespace: METRICS_NAMESPACE,
            metricName,
            dimensionsMap: { service: METRICS_SERVICE },
            statistic: 'Maximum',
            period: Duration.days(1),
          }),
          threshold: 0,
          comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      );
    this.calendarMissingAlarm = calendarAlarm(
      'CalendarYearsMissingAlarm',
      METRIC.calendarYearsMissing,
      'A town has no working-day calendar for this year or next: its deadlines there count weekends only. ' +
        'Its admins were told in their inbox; store the year (PUT /v1/admin/calendar/{year})',
    );
    this.calendarProvisionalAlarm = calendarAlarm(
      'CalendarYearsProvisionalAlarm',
      METRIC.calendarYearsProvisional,
      'A town counts this year or next by the statutory holidays only, without the State Council notice and its ' +
        'make-up working days. Its admins were told in their inbox; store the notice (PUT /v1/admin/calendar/{year})',
    );
    return this.townSchedules;
  }

  /** A schedule in Beijing time, on the minute (no flexible window), reaching its target. */
  private schedule(id: string, unixCron: string, description: string, target: IScheduleTarget): Schedule {
    return new Schedule(this, id, {
      description,
      schedule: ScheduleExpression.cron({ ...toEventBridgeCron(unixCron), timeZone: TimeZone.ASIA_SHANGHAI }),
      timeWindow: TimeWindow.off(),
      target,
    });
  }

  /** A function as a schedule's target, retried, failing into the dead-letter queue. */
  private invoke(target: IFunction, input?: Record<string, string>): LambdaInvoke {
    const fn = target.node.defaultChild;
    if (fn instanceof CfnElement)
      Validations.of(this.role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(fn)}.Arn>:*]`,
        reason:
          'lambda:InvokeFunction on this one scheduled function and its qualified ARNs (versions, aliases), which ' +
          "is what Function.grantInvoke writes; the role exists only to invoke the schedules' functions",
      });
    return new LambdaInvoke(target, {
      role: this.role,
      deadLetterQueue: this.deadLetters,
      ...RETRY,
      ...(input ? { input: ScheduleTargetInput.fromObject(input) } : {}),
    });
  }

  private alarm(alarm: Alarm): Alarm {
    alarm.addAlarmAction(this.alarmAction);
    alarm.addOkAction(this.alarmAction);
    return alarm;
  }
}
