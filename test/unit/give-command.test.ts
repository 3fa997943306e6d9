import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { CounterRepository } from '../../lambdas/adapters/counter-repository.js';
import { localMac } from '../../lambdas/adapters/mac.js';
import { NotificationRepository } from '../../lambdas/adapters/notification-repository.js';
import { shippedCalendars, WorkingCalendar } from '../../lambdas/domain/calendar.js';
import type { CaseRecord } from '../../lambdas/domain/case.js';
import { registerCase } from '../../lambdas/domain/registration.js';
import { type CommandRequest, commandBodySchemas } from '../../lambdas/domain/command-bodies.js';
import { ContentionError, InvalidFieldError, StaleVersionError } from '../../lambdas/domain/errors.js';
import type { HelperRecord } from '../../lambdas/domain/helper.js';
import { DEFAULT_POLICY } from '../../lambdas/domain/policy.js';
import type { Principal } from '../../lambdas/domain/roles.js';
import { type CommandOnCase, type CommandPorts, giveCommand } from '../../lambdas/usecases/give-command.js';

/** The command use case over in-memory ports: the order of its refusals, and its retries when the head moves. */

const NOW = new Date('2026-11-28T02:00:00Z');
const calendar = new WorkingCalendar(shippedCalendars.values());
const settings = { policy: DEFAULT_POLICY, calendar };
const leader: Principal = { kind: 'staff', userId: 'leader-1', town: 'town-a', roles: ['leader'] };
const clerk: Principal = { kind: 'staff', userId: 'clerk-1', town: 'town-a', roles: ['clerk'] };

function acceptedCase(): CaseRecord {
  const record = registerCase(
    {
      kind: 'petition',
      channel: 'visit',
      category: 'labor_wages',
      title: '拖欠工资',
      description: '工地拖欠三个月工资',
      petitioners: [{ name: '张三' }],
    },
    {
      id: 'case-1',
      number: 'XF-20261128-0001',
      now: NOW,
      principal: clerk,
      policy: DEFAULT_POLICY,
      calendar,
      firstTime: true,
      level: 'town',
      timelineHead: { seq: 1, hash: 'a'.repeat(64) },
    },
  );
  return { ...record, status: 'accepted', acceptedAt: NOW.toISOString() };
}

const helper = (id: string, active: boolean): HelperRecord => ({
  id,
  town: 'town-a',
  name: '李律师',
  kind: 'lawyer',
  unit: '县律师事务所',
  active,
  version: 1,
  createdAt: NOW.toISOString(),
  updatedAt: NOW.toISOString(),
});

/** Ports whose case store refuses the first `conflicts` writes, each time moving the head as a note would. */
function portsOver(record: CaseRecord, opts: { conflicts?: number; helpers?: HelperRecord[] } = {}) {
  const db = DynamoDBDocumentClient.from(new DynamoDBClient({}));
  let stored = record;
  let conflicts = opts.conflicts ?? 0;
  const writes: CaseRecord[] = [];
  const ports: CommandPorts = {
    cases: {
      get: async (_town, id) => (id === stored.id ? stored : undefined),
      applyChange: async (_previous, change, event) => {
        if (conflicts > 0) {
          conflicts -= 1;
          const seq = stored.timelineHead.seq + 1;
          stored = { ...stored, timelineHead: { seq, hash: String(seq).repeat(64).slice(0, 64) } };
          return undefined;
        }
        stored = { ...change, timelineHead: { seq: event.seq, hash: event.hash } };
        writes.push(stored);
        return stored;
      },
    },
    grids: { gridsOfWorker: async () => [], tree: async () => [] },
    helpers: {
      getMany: async (_town, ids) =>
        new Map((opts.helpers ?? []).filter((h) => ids.includes(h.id)).map((h) => [h.id, h])),
    },
    counters: new CounterRepository(db, 'cases'),
    notifications: new NotificationRepository(db, 'cases'),
    settings: { get: async () => settings },
    mac: localMac(Buffer.alloc(32, 1)),
  };
  return { ports, writes };
}

const onCase = (record: CaseRecord, command: CommandOnCase['command']): CommandOnCase => ({
  record,
  command,
  now: NOW,
  settings,
  body: commandBodySchemas(DEFAULT_POLICY, NOW)[command],
});

const own = (helpers: string[]): CommandRequest<'own'> => ({
  command: 'own',
  leaderId: 'leader-1',
  team: ['handler-1'],
  helpers,
  plan: { tasks: ['约谈'], responsibilities: ['包案'], measures: ['调解'] },
});

describe('giveCommand', () => {
  it('refuses a helper the directory does not have before it compares the version', async () => {
    const record = acceptedCase();
    const { ports } = portsOver(record);
    const outcome = await giveCommand(
      ports,
      leader,
      onCase(record, 'own'),
      own(['h_none']),
      record.version + 1,
    );
    expect(outcome).toEqual({ kind: 'unknown-helpers', missing: [{ index: 0, id: 'h_none' }] });
  });

  it('refuses an inactive helper only after the version matched', async () => {
    const record = acceptedCase();
    const { ports } = portsOver(record, { helpers: [helper('h_1', false)] });
    const on = onCase(record, 'own');
    await expect(giveCommand(ports, leader, on, own(['h_1']), record.version + 1)).rejects.toBeInstanceOf(
      StaleVersionError,
    );
    expect(await giveCommand(ports, leader, on, own(['h_1']), record.version)).toEqual({
      kind: 'inactive-helper',
      helper: { index: 0, id: 'h_1' },
    });
  });

  it('keeps the helpers as the directory names them', async () => {
    const record = acceptedCase();
    const { ports } = portsOver(record, { helpers: [helper('h_1', true)] });
    const outcome = await giveCommand(ports, leader, onCase(record, 'own'), own(['h_1']), record.version);
    expect(outcome.kind === 'given' && outcome.record.helpers).toEqual([
      { id: 'h_1', name: '李律师', kind: 'lawyer', unit: '县律师事务所' },
    ]);
  });

  it('names the field when a classification points at a case the town does not have', async () => {
    const record = acceptedCase();
    const { ports } = portsOver(record);
    const request: CommandRequest = { command: 'classify', repeatOf: 'case-0', reason: '重复' };
    const refusal = giveCommand(ports, clerk, onCase(record, 'classify'), request, record.version);
    await expect(refusal).rejects.toBeInstanceOf(InvalidFieldError);
    await expect(refusal).rejects.toMatchObject({ path: 'repeatOf', reason: 'is not a case of this town' });
  });

  it('writes on the moved head when a note took it first, and gives up after three tries', async () => {
    const record = acceptedCase();
    const request: CommandRequest = { command: 'mark-key', reason: '多次到县上访' };
    const moved = portsOver(record, { conflicts: 2 });
    const outcome = await giveCommand(
      moved.ports,
      leader,
      onCase(record, 'mark-key'),
      request,
      record.version,
    );
    expect(outcome.kind).toBe('given');
    expect(moved.writes).toHaveLength(1);
    expect(moved.writes[0]?.timelineHead.seq).toBe(record.timelineHead.seq + 3);

    const busy = portsOver(record, { conflicts: 3 });
    await expect(
      giveCommand(busy.ports, leader, onCase(record, 'mark-key'), request, record.version),
    ).rejects.toBeInstanceOf(ContentionError);
    expect(busy.writes).toHaveLength(0);
  });
});
