import { randomBytes } from 'node:crypto';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { CaseRepository } from '../../lambdas/adapters/case-repository.js';
import type { Deps } from '../../lambdas/adapters/deps.js';
import { NotificationRepository } from '../../lambdas/adapters/notification-repository.js';
import type { Publisher } from '../../lambdas/adapters/publisher.js';
import { queryAll, queryPages } from '../../lambdas/adapters/query-all.js';
import { ALERT_SHARDS, CASES_INDEX, keys } from '../../lambdas/adapters/table-model.js';
import { shippedCalendars, WorkingCalendar } from '../../lambdas/domain/calendar.js';
import { type CaseRecord, formatCaseNumber } from '../../lambdas/domain/case.js';
import { beijingDate } from '../../lambdas/domain/deadlines.js';
import type { Notification, OutboxMessage } from '../../lambdas/domain/notification.js';
import { DEFAULT_POLICY, type DeadlinePolicy } from '../../lambdas/domain/policy.js';
import { type RegistrationInput, registerCase } from '../../lambdas/domain/registration.js';
import type { Principal } from '../../lambdas/domain/roles.js';
import { chainEvent } from '../../lambdas/domain/timeline.js';

/** Helpers for the sweep tests and the simulation: publishers that count or fail, inbox and index reads, bulk cases. */

/**
 * A publisher that records every message it is handed, fails the first `failFirst` calls, and passes the rest on to
 * `inner` (when given). `calls` counts attempts, `delivered` the ids that got through, in order.
 */
export class RecordingPublisher implements Publisher {
  attempts = 0;
  readonly delivered: OutboxMessage[] = [];

  constructor(
    private failFirst = 0,
    private readonly inner?: Publisher,
  ) {}

  /** From now on, fail the next `n` calls. */
  failNext(n: number): void {
    this.failFirst = n;
  }

  async publish(message: OutboxMessage): Promise<void> {
    this.attempts += 1;
    if (this.failFirst > 0) {
      this.failFirst -= 1;
      throw new Error('topic unavailable (test)');
    }
    await this.inner?.publish(message);
    this.delivered.push(message);
  }

  /** The ladder's messages among those delivered. */
  ladder(): OutboxMessage[] {
    return this.delivered.filter(isLadderMessage);
  }

  /** How often each message id was delivered. */
  deliveriesById(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const m of this.delivered) counts.set(m.id, (counts.get(m.id) ?? 0) + 1);
    return counts;
  }
}

/** A message of the escalation ladder (a deadline warning or a supervision notice), not a milestone or a notice. */
export const isLadderMessage = (m: OutboxMessage): boolean =>
  m.topic === 'deadlines' || m.topic === 'supervision'
    ? m.body.kind === 'deadline' || m.body.kind === 'supervision'
    : false;

/** A user's whole inbox, newest first (every page). */
export async function wholeInbox(deps: Deps, town: string, userId: string): Promise<Notification[]> {
  const items = await queryAll(deps.db, {
    TableName: deps.tables.cases,
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': keys.inbox(town, userId) },
    ScanIndexForward: false,
  });
  return items.map(({ pk: _pk, sk: _sk, ...n }) => n as unknown as Notification);
}

/** What the local TablePublisher stored as published. */
export async function publishedItems(deps: Deps): Promise<OutboxMessage[]> {
  const items = await queryAll(deps.db, {
    TableName: deps.tables.cases,
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': keys.localPublished },
  });
  return items.map(({ pk: _pk, sk: _sk, ...m }) => m as unknown as OutboxMessage);
}

/** Messages still waiting in the outbox. */
export const pendingOutbox = (deps: Deps) => new NotificationRepository(deps.db, deps.tables.cases).pending();

/**
 * The instant of the next due alert step: the smallest GSI6 sort key over the shards (one Query with Limit 1 each),
 * or undefined when no open case has an alert.
 */
export async function nextAlertInstant(deps: Deps): Promise<string | undefined> {
  const index = CASES_INDEX.alertsDue;
  const firsts = await Promise.all(
    Array.from({ length: ALERT_SHARDS }, async (_, shard) => {
      const result = await deps.db.send(
        new QueryCommand({
          TableName: deps.tables.cases,
          IndexName: index.name,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': index.partitionKey },
          ExpressionAttributeValues: { ':pk': keys.alertShard(shard) },
          Limit: 1,
        }),
      );
      const sk = result.Items?.[0]?.[index.sortKey];
      return typeof sk === 'string' ? sk.slice(0, sk.indexOf('#')) : undefined;
    }),
  );
  return firsts.filter((at): at is string => at !== undefined).sort()[0];
}

/** How many items the sparse alert index holds (every open case with a next step), by counting each shard. */
export async function alertIndexSize(deps: Deps): Promise<number> {
  const index = CASES_INDEX.alertsDue;
  let total = 0;
  for (let shard = 0; shard < ALERT_SHARDS; shard++) {
    const pages = queryPages(deps.db, {
      TableName: deps.tables.cases,
      IndexName: index.name,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': index.partitionKey },
      ExpressionAttributeValues: { ':pk': keys.alertShard(shard) },
      Select: 'COUNT',
    });
    for await (const page of pages) total += page.Count ?? 0;
  }
  return total;
}

export const clerkPrincipal = (userId: string, town = 'town-a'): Principal => ({
  kind: 'staff',
  userId,
  town,
  roles: ['clerk'],
});

/**
 * Writes a case straight through the repository, prepared as the registration use case does (record from
 * registerCase, the first timeline event chained with the town's MAC), without the repeat lookup and personal data:
 * the petitioners carry only names. Registered "at" its receivedAt.
 */
export async function createCaseDirectly(
  deps: Deps,
  options: {
    receivedAt: string;
    principal: Principal;
    sequence: number;
    firstTime?: boolean;
    input?: Partial<RegistrationInput>;
    policy?: DeadlinePolicy;
  },
): Promise<CaseRecord> {
  const cases = new CaseRepository(deps.db, deps.tables.cases);
  const now = new Date(options.receivedAt);
  const input: RegistrationInput = {
    kind: 'petition',
    channel: 'visit',
    category: 'labor_wages',
    title: '拖欠工资',
    description: '工地拖欠三个月工资',
    receivedAt: options.receivedAt,
    petitioners: [{ name: '群众' }],
    ...options.input,
  };
  const event = await chainEvent(
    undefined,
    {
      at: now.toISOString(),
      actor: { id: options.principal.userId, role: 'clerk' },
      action: 'register',
      toStatus: 'registered',
    },
    deps.mac,
  );
  const record = registerCase(input, {
    id: randomBytes(16).toString('base64url'),
    number: formatCaseNumber(input.kind, beijingDate(now), options.sequence),
    now,
    principal: options.principal,
    policy: options.policy ?? DEFAULT_POLICY,
    calendar: new WorkingCalendar(shippedCalendars.values()),
    firstTime: options.firstTime ?? true,
    level: 'town',
    timelineHead: { seq: event.seq, hash: event.hash },
  });
  await cases.create(record, event, []);
  return record;
}

/** Runs `task` over `items` with at most `width` in flight at once (Promise.all in chunks). */
export async function inChunks<T, R>(items: readonly T[], width: number, task: (item: T) => Promise<R>) {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += width)
    results.push(...(await Promise.all(items.slice(i, i + width).map(task))));
  return results;
}
