import type { SQSRecord } from 'aws-lambda';
import { Cron } from 'croner';
import type { Deps } from '../adapters/deps.js';
import { logger } from '../adapters/observability.js';
import { sweepMessages } from '../adapters/sweep-messages.js';
import { SCHEDULES, TOWN_WORK } from '../domain/schedules.js';
import { createSweepShardHandler } from '../handlers/sweep.js';
import { createTownScheduleHandler } from '../handlers/town-schedule.js';
import { localTowns } from './app.js';

/** A record as the SQS event source delivers it. */
const sqsRecord = (body: string, messageId: string): SQSRecord => ({
  messageId,
  receiptHandle: messageId,
  body,
  attributes: {
    ApproximateReceiveCount: '1',
    SentTimestamp: String(Date.now()),
    SenderId: 'local',
    ApproximateFirstReceiveTimestamp: String(Date.now()),
  },
  messageAttributes: {},
  md5OfBody: '',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:local:000000000000:sweep-shards',
  awsRegion: 'local',
});

/**
 * The sweep's fan-out in-process: each shard's message, as the schedules send them to the queue, handed to the shard
 * worker directly, all shards at once. Resolves to the ids of the messages that would have come again.
 */
export function localSweepFanOut(deps: Deps): () => Promise<string[]> {
  const worker = createSweepShardHandler(deps);
  return async () => {
    const answers = await Promise.all(
      sweepMessages().map((message) =>
        worker({ Records: [sqsRecord(JSON.stringify(message), `local-sweep-${message.shard}`)] }),
      ),
    );
    return answers.flatMap((answer) => answer.batchItemFailures.map((failure) => failure.itemIdentifier));
  };
}

/**
 * The stack's schedules, fired in-process by the local host, in Beijing time like EventBridge Scheduler, calling the
 * very handlers the schedules reach in the cloud (which log what each run did).
 */
export function startLocalSchedules(deps: Deps): Cron[] {
  const sweep = localSweepFanOut(deps);
  const townWork = createTownScheduleHandler(deps, localTowns());
  const every = (cron: string, name: string, run: () => Promise<unknown>) =>
    new Cron(cron, { timezone: SCHEDULES.timeZone, protect: true }, async () => {
      try {
        await run();
      } catch (error) {
        logger.error('scheduled work failed', { name, error: error as Error });
      }
    });
  return [
    every(SCHEDULES.sweep.cron, 'sweep', async () => {
      const again = await sweep();
      if (again.length > 0) logger.warn('sweep messages that would come again', { messages: again });
    }),
    ...TOWN_WORK.map((kind) => every(SCHEDULES[kind].cron, kind, () => townWork({ kind }))),
  ];
}
