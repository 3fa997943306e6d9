import { Duration } from 'aws-cdk-lib';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { SCHEDULED_ACCESS } from '../../lambdas/adapters/function-access.js';
import type { Data } from './data.js';
import { depsEnvironment, HandlerFunction } from './functions.js';
import type { Logs } from './logs.js';
import type { Notifications } from './notifications.js';

interface ScheduledTownWorkProps {
  readonly data: Data;
  readonly notifications: Notifications;
  readonly logs: Logs;
  /** The towns whose bulletins are made (`TOWNS`); at least one. */
  readonly towns: readonly string[];
  /** Where an event goes once Lambda's retries of it are spent (the schedules' dead-letter queue). */
  readonly deadLetters: IQueue;
}

/**
 * The town-work function (lambdas/handlers/town-schedule.ts): for every town, the daily collection, the weekly
 * bulletin and the monthly supervision, each stored and published once per period, and the nightly retention erasure.
 * Its schedules are made by `Schedules.addTownSchedules`.
 */
export class ScheduledTownWork extends Construct {
  readonly handler: HandlerFunction;

  constructor(scope: Construct, id: string, props: ScheduledTownWorkProps) {
    super(scope, id);
    const { data, notifications, logs, towns, deadLetters } = props;
    if (towns.length === 0) throw new Error('the scheduled town work needs at least one town');

    this.handler = new HandlerFunction(this, 'Scheduled', {
      handler: 'town-schedule',
      description:
        'Scheduled town work: daily collection, weekly bulletin, monthly supervision, retention erasure; publishes the outbox',
      logs,
      // depsFromEnv reads every name (the idempotency table and the data key too): names only, no permission on them
      environment: { ...depsEnvironment(data, notifications), TOWNS: towns.join(',') },
      timeout: Duration.minutes(5),
      // one run at a time: a Monday that is the 1st runs the weekly and the monthly reports one after the other
      reservedConcurrentExecutions: 1,
      asyncInvoke: {
        retryAttempts: 2,
        // a daily run retried after Beijing midnight would report the next day: an hour is far inside that
        maxEventAge: Duration.hours(1),
        onFailure: deadLetters,
      },
    });

    // the reports, their notices, retention and the shared outbox (lambdas/adapters/function-access.ts)
    this.handler.grantAccess(SCHEDULED_ACCESS.townWork, { data, notifications });
  }
}
