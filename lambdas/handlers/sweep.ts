import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { type Deps, depsFromEnv } from '../adapters/deps.js';
import { cloudMetrics, publishCounts } from '../adapters/metrics.js';
import { logger } from '../adapters/observability.js';
import { parseSweepMessage } from '../adapters/sweep-messages.js';
import { runSweep, type SweepDeps, type SweepResult, sweepShard } from '../usecases/sweep.js';
import { sweepDeps } from '../usecases/sweep-deps.js';

/**
 * The deadline sweep's shard worker (an SQS event source, one message at a time): every sweep interval a schedule
 * sends one message per shard of the alert index, and each message has its shard swept and the outbox published.
 * With `metrics`, each shard's counts become CloudWatch metrics (an alarm watches `CasesOverdue`).
 */

const report = (metrics: Metrics | undefined, result: SweepResult) => {
  if (metrics)
    publishCounts(metrics, {
      stepsDue: result.due,
      casesOverdue: result.overdue,
      casesEscalated: result.escalated,
      messagesPublished: result.published,
      publishFailures: result.publishFailed,
    });
};

/** One message: false when it must come again (not a sweep message, a failure, or a message left unpublished). */
async function sweepRecord(sweep: SweepDeps, record: SQSRecord, metrics?: Metrics): Promise<boolean> {
  const message = parseSweepMessage(record.body);
  if (!message) {
    logger.error('not a sweep message', { messageId: record.messageId });
    return false;
  }
  try {
    const result = await sweepShard(sweep, message.shard, sweep.now());
    logger.info('deadline sweep', { shard: message.shard, ...result });
    report(metrics, result);
    // a failed publish stays in the outbox; the message comes again after its visibility timeout
    return result.publishFailed === 0;
  } catch (error) {
    logger.error('a shard sweep failed', { shard: message.shard, error: error as Error });
    return false;
  }
}

export function createSweepShardHandler(deps: Deps, metrics?: Metrics) {
  const sweep = sweepDeps(deps);
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    for (const record of event.Records)
      if (!(await sweepRecord(sweep, record, metrics)))
        batchItemFailures.push({ itemIdentifier: record.messageId });
    return { batchItemFailures };
  };
}

/**
 * A whole sweep in one process (the local host, the tests): every shard's message handed to the worker at once, the
 * counts summed. Throws when a message would have come again, as the worker reports it.
 */
export function createSweepHandler(deps: Deps, metrics?: Metrics) {
  const sweep = sweepDeps(deps);
  return async (): Promise<SweepResult> => {
    const result = await runSweep(sweep, deps.now());
    logger.info('deadline sweep', { ...result });
    report(metrics, result);
    if (result.publishFailed > 0)
      throw new Error(`${result.publishFailed} message(s) could not be published`);
    return result;
  };
}

let made: ReturnType<typeof createSweepShardHandler> | undefined;
export const handler = (event: SQSEvent) => {
  made ??= createSweepShardHandler(depsFromEnv(), cloudMetrics());
  return made(event);
};
