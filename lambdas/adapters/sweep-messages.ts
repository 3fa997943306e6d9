import { ALERT_SHARDS } from './table-model.js';

/**
 * The message that has a shard worker sweep one shard of the alert index: `{"shard": n}`. A schedule sends one per
 * shard every sweep interval (lib/constructs/schedules.ts); the local host hands the same messages to the worker.
 */
interface SweepMessage {
  shard: number;
}

export const sweepMessages = (): SweepMessage[] =>
  Array.from({ length: ALERT_SHARDS }, (_, shard) => ({ shard }));

/** The message in a body, or undefined when it is not one (it then fails until the dead-letter queue keeps it). */
export function parseSweepMessage(body: string): SweepMessage | undefined {
  try {
    const { shard } = JSON.parse(body) as { shard?: unknown };
    return Number.isInteger(shard) && (shard as number) >= 0 && (shard as number) < ALERT_SHARDS
      ? { shard: shard as number }
      : undefined;
  } catch {
    return undefined;
  }
}
