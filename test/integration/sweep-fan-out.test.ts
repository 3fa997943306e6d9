import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALERT_SHARDS, shardOf } from '../../lambdas/adapters/table-model.js';
import type { CaseRecord } from '../../lambdas/domain/case.js';
import { createSweepShardHandler } from '../../lambdas/handlers/sweep.js';
import { localSweepFanOut } from '../../lambdas/local/schedules.js';
import { addResults, sweepShard } from '../../lambdas/usecases/sweep.js';
import { sweepDeps } from '../../lambdas/usecases/sweep-deps.js';
import { createHarness, type Harness } from '../support/harness.js';
import {
  clerkPrincipal,
  createCaseDirectly,
  inChunks,
  RecordingPublisher,
  wholeInbox,
} from '../support/sim-tools.js';

/** A Friday morning in Beijing; the half-time warning of a first-time petition received now is due on FIRST_HALF. */
const T0 = new Date('2026-11-20T02:00:00.000Z');
const FIRST_HALF = new Date('2026-11-26T21:00:00.000Z');
const BURST = 160;

const message = (shard: number, id = `m-${shard}`) => ({
  Records: [{ messageId: id, body: JSON.stringify({ shard }) }],
});

describe('a burst of due steps swept through the fan-out, one shard per message', () => {
  let h: Harness;
  let records: CaseRecord[];
  const publisher = new RecordingPublisher();

  beforeAll(async () => {
    h = await createHarness({ now: T0 });
    records = await inChunks(
      Array.from({ length: BURST }, (_, i) => i),
      16,
      (i) =>
        createCaseDirectly(h.deps, {
          receivedAt: T0.toISOString(),
          principal: clerkPrincipal('clerk-burst'),
          sequence: i,
          firstTime: true,
        }),
    );
    h.setNow(FIRST_HALF);
  });
  afterAll(() => h?.close());

  it('spreads over the shards of the alert index', () => {
    const shards = new Set(records.map((r) => shardOf(r.id, ALERT_SHARDS)));
    expect(shards.size).toBeGreaterThan(ALERT_SHARDS / 2);
  });

  it('sends every due step once when each shard is swept by a worker of its own, all at once', async () => {
    const sweep = { ...sweepDeps(h.deps), publisher };
    const results = await Promise.all(
      Array.from({ length: ALERT_SHARDS }, (_, shard) => sweepShard(sweep, shard, FIRST_HALF)),
    );
    const total = results.reduce(addResults);
    expect(total).toMatchObject({ due: BURST, warned: BURST, escalated: 0, overdue: 0, publishFailed: 0 });
    // items read ÷ due: 1.00, the shards together read nothing but the due steps
    expect(total.itemsRead / total.due).toBe(1);
    const inbox = await wholeInbox(h.deps, 'town-a', 'clerk-burst');
    expect(inbox).toHaveLength(BURST);
    expect(new Set(inbox.map((n) => n.caseId))).toEqual(new Set(records.map((r) => r.id)));
    const ladder = publisher.ladder();
    expect(ladder).toHaveLength(BURST);
    expect([...publisher.deliveriesById().values()].every((n) => n === 1)).toBe(true);
  });

  it('sends nothing twice when a shard’s message comes again, and reports no failure', async () => {
    const counts = new Map<number, number>();
    for (const r of records)
      counts.set(shardOf(r.id, ALERT_SHARDS), (counts.get(shardOf(r.id, ALERT_SHARDS)) ?? 0) + 1);
    const busiest = [...counts].sort((x, y) => y[1] - x[1])[0]!;
    const delivered = publisher.delivered.length;
    const worker = createSweepShardHandler({ ...h.deps, publisher });
    const again = await worker(message(busiest[0]) as never);
    expect(again).toEqual({ batchItemFailures: [] });
    expect(await sweepShard({ ...sweepDeps(h.deps), publisher }, busiest[0], FIRST_HALF)).toMatchObject({
      itemsRead: 0,
      due: 0,
      warned: 0,
      published: 0,
    });
    expect(publisher.delivered.length).toBe(delivered);
    expect(await wholeInbox(h.deps, 'town-a', 'clerk-burst')).toHaveLength(BURST);
  });

  it('has a message retried while publishing fails, and the retry publishes each notice once', async () => {
    // the next step, two days before the acknowledgement's last day, for the busiest shard
    const at = new Date('2026-12-03T16:00:00.000Z');
    h.setNow(at);
    const failing = new RecordingPublisher(Number.MAX_SAFE_INTEGER);
    const worker = createSweepShardHandler({ ...h.deps, publisher: failing });
    const shard = shardOf(records[0]!.id, ALERT_SHARDS);
    const inShard = records.filter((r) => shardOf(r.id, ALERT_SHARDS) === shard).length;
    expect(await worker(message(shard, 'first') as never)).toEqual({
      batchItemFailures: [{ itemIdentifier: 'first' }],
    });
    failing.failNext(0);
    expect(await worker(message(shard, 'first') as never)).toEqual({ batchItemFailures: [] });
    const byCase = new Map<string, number>();
    for (const m of failing.ladder()) {
      const caseId = (m.body as { caseId: string }).caseId;
      byCase.set(caseId, (byCase.get(caseId) ?? 0) + 1);
    }
    expect(byCase.size).toBe(inShard);
    expect([...byCase.values()].every((n) => n === 1)).toBe(true);
  });

  it('fans out in-process as the local host runs it: every shard’s message handed to the worker', async () => {
    const at = new Date('2026-12-03T16:00:00.000Z');
    h.setNow(at);
    const local = new RecordingPublisher();
    expect(await localSweepFanOut({ ...h.deps, publisher: local })()).toEqual([]);
    const shard = shardOf(records[0]!.id, ALERT_SHARDS);
    // the shard swept above has nothing left at this instant; every other case gets its step once
    const rest = records.filter((r) => shardOf(r.id, ALERT_SHARDS) !== shard);
    const ladderCases = local.ladder().map((m) => (m.body as { caseId: string }).caseId);
    expect(new Set(ladderCases)).toEqual(new Set(rest.map((r) => r.id)));
    expect(ladderCases).toHaveLength(rest.length);
  });

  it('reports a message that is not a shard’s as failed, so the queue keeps it for its dead-letter queue', async () => {
    const worker = createSweepShardHandler(h.deps);
    const bad = { Records: [{ messageId: 'bad', body: '{"shard": 99}' }] };
    expect(await worker(bad as never)).toEqual({ batchItemFailures: [{ itemIdentifier: 'bad' }] });
  });
});
