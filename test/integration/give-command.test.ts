import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseRepository } from '../../lambdas/adapters/case-repository.js';
import { CounterRepository } from '../../lambdas/adapters/counter-repository.js';
import { GridRepository } from '../../lambdas/adapters/grid-repository.js';
import { HelperRepository } from '../../lambdas/adapters/helper-repository.js';
import { NotificationRepository } from '../../lambdas/adapters/notification-repository.js';
import { townSettings } from '../../lambdas/adapters/settings-repository.js';
import type { CaseRecord } from '../../lambdas/domain/case.js';
import type { CommandRequest } from '../../lambdas/domain/command-bodies.js';
import { ContentionError, InvalidFieldError, StaleVersionError } from '../../lambdas/domain/errors.js';
import type { HelperRecord } from '../../lambdas/domain/helper.js';
import type { CommandName } from '../../lambdas/domain/lifecycle.js';
import type { Principal } from '../../lambdas/domain/roles.js';
import { chainEvent, type TimelineEvent, verifyChain } from '../../lambdas/domain/timeline.js';
import { type CommandPorts, commandOnCase, giveCommand } from '../../lambdas/usecases/give-command.js';
import { caseBody, createHarness, type Harness } from '../support/harness.js';

/**
 * The command use case over the real repositories on DynamoDB Local: the order of its refusals against the town's
 * helper directory and the case as stored, and its retries when a concurrent note moves the timeline head.
 */

const NOW = new Date('2026-11-28T02:00:00Z');
const TOWN = 'town-a';
const leader: Principal = { kind: 'staff', userId: 'leader-1', town: TOWN, roles: ['leader'] };
const clerk: Principal = { kind: 'staff', userId: 'clerk-1', town: TOWN, roles: ['clerk'] };

let h: Harness;
let clerkToken: string;
let cases: CaseRepository;
let helpers: HelperRepository;

beforeAll(async () => {
  h = await createHarness({ now: NOW });
  clerkToken = await h.token('clerk', 'clerk-1', TOWN);
  cases = new CaseRepository(h.deps.db, h.deps.tables.cases);
  helpers = new HelperRepository(h.deps.db, h.deps.tables.grids);
});
afterAll(() => h.close());

/** The ports as the cases function builds them from its deps, the case store replaceable to watch its writes. */
function portsOf(caseStore: CommandPorts['cases'] = cases): CommandPorts {
  const { deps } = h;
  return {
    cases: caseStore,
    grids: new GridRepository(deps.db, deps.tables.grids),
    helpers,
    counters: new CounterRepository(deps.db, deps.tables.cases),
    notifications: new NotificationRepository(deps.db, deps.tables.cases),
    settings: townSettings(deps),
    mac: deps.mac,
  };
}

/** A case registered and accepted over HTTP, as the table then holds it. */
async function acceptedCase(): Promise<CaseRecord> {
  const created = await h.request('POST', '/v1/cases', { token: clerkToken, body: caseBody() });
  expect(created.status, created.text).toBe(201);
  const accepted = await h.request('POST', `/v1/cases/${created.body.id}/accept`, {
    token: clerkToken,
    body: { track: 'supervised', assigneeId: 'handler-1' },
    headers: { 'if-match': '"1"' },
  });
  expect(accepted.status, accepted.text).toBe(200);
  const stored = await cases.get(TOWN, created.body.id);
  expect(stored?.status).toBe('accepted');
  return stored!;
}

let helperSeq = 0;
/** A helper written to the town's directory. */
async function addHelper(active: boolean): Promise<HelperRecord> {
  const record: HelperRecord = {
    id: `h_${NOW.getTime()}_${helperSeq++}_${active ? 'active' : 'inactive'}`,
    town: TOWN,
    name: '李律师',
    kind: 'lawyer',
    unit: '县律师事务所',
    active,
    version: 1,
    createdAt: NOW.toISOString(),
    updatedAt: NOW.toISOString(),
  };
  expect(await helpers.create(record)).toBe(true);
  return record;
}

const onCase = (ports: CommandPorts, principal: Principal, record: CaseRecord, command: CommandName) =>
  commandOnCase(ports, principal, record.id, command, NOW);

const own = (helperIds: string[]): CommandRequest<'own'> => ({
  command: 'own',
  leaderId: 'leader-1',
  team: ['handler-1'],
  helpers: helperIds,
  plan: { tasks: ['约谈'], responsibilities: ['包案'], measures: ['调解'] },
});

/**
 * The real case store, its `applyChange` preceded for the first `notes` calls by a note appended to the same case
 * through the real repository, as a concurrent writer would.
 */
function noteFirst(notes: number) {
  const appended: TimelineEvent[] = [];
  let calls = 0;
  const store: CommandPorts['cases'] = {
    get: (town, id) => cases.get(town, id),
    applyChange: async (previous, change, event, alsoWrite) => {
      calls += 1;
      if (appended.length < notes) {
        const current = await cases.get(previous.town, previous.id);
        if (!current) throw new Error(`case ${previous.id} is not in the table`);
        const note = await chainEvent(
          current.timelineHead,
          {
            at: NOW.toISOString(),
            actor: { id: 'clerk-1', role: 'clerk' },
            action: 'note',
            note: `并发备注 ${appended.length + 1}`,
          },
          h.deps.mac,
        );
        expect(await cases.appendEvent(current, note)).toBe(true);
        appended.push(note);
      }
      return cases.applyChange(previous, change, event, alsoWrite);
    },
  };
  return { store, appended, calls: () => calls };
}

describe('giveCommand', () => {
  it('refuses a helper the directory does not have before it compares the version', async () => {
    const record = await acceptedCase();
    const present = await addHelper(true);
    const ports = portsOf();
    const on = await onCase(ports, leader, record, 'own');
    const outcome = await giveCommand(ports, leader, on, own([present.id, 'h_none']), record.version + 1);
    expect(outcome).toEqual({ kind: 'unknown-helpers', missing: [{ index: 1, id: 'h_none' }] });
    expect(await cases.get(TOWN, record.id)).toEqual(record);
  });

  it('refuses an inactive helper only after the version matched', async () => {
    const record = await acceptedCase();
    const inactive = await addHelper(false);
    const ports = portsOf();
    const on = await onCase(ports, leader, record, 'own');
    await expect(
      giveCommand(ports, leader, on, own([inactive.id]), record.version + 1),
    ).rejects.toBeInstanceOf(StaleVersionError);
    expect(await giveCommand(ports, leader, on, own([inactive.id]), record.version)).toEqual({
      kind: 'inactive-helper',
      helper: { index: 0, id: inactive.id },
    });
    expect(await cases.get(TOWN, record.id)).toEqual(record);
  });

  it('keeps the helpers as the directory names them', async () => {
    const record = await acceptedCase();
    const active = await addHelper(true);
    const ports = portsOf();
    const on = await onCase(ports, leader, record, 'own');
    const outcome = await giveCommand(ports, leader, on, own([active.id]), record.version);
    const named = [{ id: active.id, name: '李律师', kind: 'lawyer', unit: '县律师事务所' }];
    expect(outcome.kind === 'given' && outcome.record.helpers).toEqual(named);
    const stored = await cases.get(TOWN, record.id);
    expect(stored?.helpers).toEqual(named);
    expect(stored?.version).toBe(record.version + 1);
  });

  it('names the field when a classification points at a case the town does not have', async () => {
    const record = await acceptedCase();
    const ports = portsOf();
    const on = await onCase(ports, clerk, record, 'classify');
    const request: CommandRequest = { command: 'classify', repeatOf: 'case-0', reason: '重复' };
    const refusal = giveCommand(ports, clerk, on, request, record.version);
    await expect(refusal).rejects.toBeInstanceOf(InvalidFieldError);
    await expect(refusal).rejects.toMatchObject({ path: 'repeatOf', reason: 'unknown-case' });
    expect(await cases.get(TOWN, record.id)).toEqual(record);
  });

  it('writes on the moved head when a note took it first, and gives up after three tries', async () => {
    const request: CommandRequest = { command: 'mark-key', reason: '多次到县上访' };

    const record = await acceptedCase();
    const before = await cases.timeline(TOWN, record.id);
    const moved = noteFirst(2);
    const movedPorts = portsOf(moved.store);
    const on = await onCase(movedPorts, leader, record, 'mark-key');
    const outcome = await giveCommand(movedPorts, leader, on, request, record.version);
    expect(outcome.kind).toBe('given');
    expect(moved.calls()).toBe(3);
    const stored = await cases.get(TOWN, record.id);
    expect(stored?.timelineHead.seq).toBe(record.timelineHead.seq + 3);
    expect(stored?.version).toBe(record.version + 1);
    expect(outcome.kind === 'given' && outcome.record).toEqual(stored);
    const timeline = await cases.timeline(TOWN, record.id);
    expect(timeline.slice(0, before.length)).toEqual(before);
    expect(timeline.slice(before.length, -1)).toEqual(moved.appended);
    expect(timeline.at(-1)).toMatchObject({
      seq: record.timelineHead.seq + 3,
      prevHash: moved.appended.at(-1)?.hash,
      action: 'mark-key',
    });
    expect((await verifyChain(timeline, stored!.timelineHead, h.deps.mac)).valid).toBe(true);

    const busyCase = await acceptedCase();
    const busyBefore = await cases.timeline(TOWN, busyCase.id);
    const busy = noteFirst(3);
    const busyPorts = portsOf(busy.store);
    const busyOn = await onCase(busyPorts, leader, busyCase, 'mark-key');
    await expect(giveCommand(busyPorts, leader, busyOn, request, busyCase.version)).rejects.toBeInstanceOf(
      ContentionError,
    );
    expect(busy.calls()).toBe(3);
    expect(busy.appended).toHaveLength(3);
    const last = busy.appended.at(-1)!;
    expect(await cases.get(TOWN, busyCase.id)).toEqual({
      ...busyCase,
      timelineHead: { seq: busyCase.timelineHead.seq + 3, hash: last.hash },
    });
    expect(await cases.timeline(TOWN, busyCase.id)).toEqual([...busyBefore, ...busy.appended]);
  });
});
