import { Duration } from 'aws-cdk-lib';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { CASES_TABLE, GRIDS_TABLE } from '../../lambdas/adapters/table-model.js';
import type { Data } from './data.js';
import { depsEnvironment, HandlerFunction } from './functions.js';
import type { Logs } from './logs.js';
import type { Notifications } from './notifications.js';

export interface ScheduledTownWorkProps {
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

    const cases = data.tables.get(CASES_TABLE);
    const grids = data.tables.get(GRIDS_TABLE);
    if (!cases || !grids) throw new Error('the scheduled town work needs the Cases and Grids tables');
    this.handler.grantTableActions([
      {
        // counters, the open-by-deadline and relations indexes and the outbox: Query; the cases a leader owns,
        // behind relation items: BatchGetItem; a report with its bulletin, and supervision notices (inbox and outbox
        // items), are written once: transactions of conditional Puts; the outbox lease and its release: Update; a
        // published message leaves the outbox: Delete. Retention erasure reads the sparse index of closed cases and
        // erases in one transaction (the case Put, its sealed items Deleted, the timeline event Put). GetItem and
        // ConditionCheckItem complete the sweep's item set; no Scan, nothing on the idempotency table
        model: CASES_TABLE,
        table: cases,
        actions: [
          'dynamodb:Query',
          'dynamodb:GetItem',
          'dynamodb:BatchGetItem',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
          'dynamodb:DeleteItem',
          'dynamodb:ConditionCheckItem',
        ],
        indexActions: ['dynamodb:Query'],
      },
      // the grid tree, the staff (leaders) and the town's settings
      { model: GRIDS_TABLE, table: grids, actions: ['dynamodb:GetItem', 'dynamodb:Query'] },
    ]);
    // retention erasure chains an 'erase' event onto each case's timeline
    this.handler.grantMac(data.macKey);
    // the bulletins and supervision notices; and, since the outbox is shared, whatever else waits in it
    notifications.grantPublish(this.handler);
  }
}
