import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS, type CommandName } from '../../lambdas/domain/lifecycle.js';
import { runSweep, type SweepResult } from '../../lambdas/usecases/sweep.js';
import { sweepDeps } from '../../lambdas/usecases/sweep-deps.js';
import { auditCases, FlakyPublisher, isStateChange } from '../support/faults.js';
import {
  caseBody,
  createHarness,
  type Harness,
  type TestResponse,
  validIdNumber,
} from '../support/harness.js';

/**
 * A bounded soak: several workers send mixed traffic to the local host at once (registrations, commands with If-Match
 * from fresh reads and some deliberately stale, notes, lists, reads) while sweeps run beside them and the clock moves
 * on. Afterwards every case is checked against what the clients were told: its version counts exactly its state
 * changes, each command answered 200 is one event, each note answered 201 is one event, no stale If-Match ever won,
 * and every timeline verifies.
 */

const T0 = new Date('2026-11-20T02:00:00.000Z');
const WORKERS = 6;
/** The soak's length, counted in requests (how fast they go is `npm run bench`'s concern, not this test's). */
const REQUESTS = 1_500;
const DAY_MS = 24 * 60 * 60 * 1000;

/** A small seeded generator, so a failing soak can be replayed. */
function mulberry32(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ME = 'soak-staff';
const BODIES: Record<CommandName, unknown> = {
  accept: { track: 'immediate', assigneeId: ME },
  decline: { reason: '不属于受理范围' },
  transfer: { toUnit: '县信访局' },
  return: { reason: '非本镇事项' },
  triage: { track: 'supervised' },
  assign: { assigneeId: ME, note: '改派' },
  own: {
    leaderId: ME,
    team: ['member-1'],
    plan: { tasks: ['走访'], responsibilities: ['镇'], measures: ['调解'] },
  },
  escalate: { level: 'town', reason: '需要协调' },
  extend: { days: 10, reason: '需要调查' },
  classify: { repeatOf: null, reason: '首次' },
  'mark-key': { reason: '重点矛盾' },
  'unmark-key': { reason: '已化解' },
  reply: { outcome: 'resolved', opinion: '已协调解决' },
  rate: { rating: 'satisfied' },
  'request-review': { reason: '不服' },
  'record-review': { outcome: 'resolved', opinion: '维持' },
  close: { note: '办结' },
  withdraw: { reason: '已和解' },
  mediate: {
    committee: 'village',
    mediatorIds: [ME],
    parties: { petitioners: [0], respondent: true },
  },
  'extend-mediation': { days: 10, partiesConsent: true, reason: '双方同意' },
  agree: {
    form: 'oral',
    terms: ['赔礼道歉'],
    performance: { how: '当场履行', by: '2099-12-31' },
  },
  'mediation-failed': { reason: '分歧过大', route: 'litigation' },
  callback: { result: 'performed', note: '已履行' },
  'hand-off': { line: 'legal_aid', unit: '县法律援助中心', dueDate: '2099-12-31' },
  'hand-off-result': { handOffId: 'h1', accepted: true, result: '已受理' },
};

const COMMANDS_FROM = (status: string): CommandName[] =>
  (Object.keys(COMMANDS) as CommandName[]).filter((c) =>
    (COMMANDS[c].from as readonly string[]).includes(status),
  );

interface Tally {
  requests: number;
  byStatus: Record<number, number>;
  registered: number;
  commandsSucceeded: number;
  commandsRefused: Record<number, number>;
  staleSent: number;
  staleRefused: number;
  notesAdded: number;
  sweeps: number;
  sweepFailures: number;
  sweepTotals: Omit<SweepResult, 'itemsRead'>;
  /** Answers that break the contract: a 5xx other than 503 + Retry-After, or a refusal not in problem+json. */
  violations: string[];
}

let h: Harness;
let token: string;
const tally: Tally = {
  requests: 0,
  byStatus: {},
  registered: 0,
  commandsSucceeded: 0,
  commandsRefused: {},
  staleSent: 0,
  staleRefused: 0,
  notesAdded: 0,
  sweeps: 0,
  sweepFailures: 0,
  sweepTotals: { due: 0, warned: 0, escalated: 0, overdue: 0, published: 0, publishFailed: 0 },
  violations: [],
};
/** What the clients were told, per case: commands answered 200 and notes answered 201. */
const told = new Map<string, { commands: number; notes: number; stale200: number }>();

beforeAll(async () => {
  h = await createHarness({ now: T0 });
  token = await h.token(['clerk', 'supervisor', 'leader'], ME);
});
afterAll(async () => {
  await h?.close();
  console.info(`soak: ${JSON.stringify({ ...tally, cases: told.size }, null, 0)}`);
});

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  tally.requests += 1;
  const res: TestResponse = await h.request(method, path, {
    token,
    ...(body !== undefined ? { body } : {}),
    headers,
  });
  tally.byStatus[res.status] = (tally.byStatus[res.status] ?? 0) + 1;
  if (res.status >= 500 && !(res.status === 503 && Number(res.headers.get('retry-after')) > 0))
    tally.violations.push(`${method} ${path} → ${res.status} ${res.text.slice(0, 200)}`);
  if (res.status >= 400 && !/^application\/problem\+json/.test(res.headers.get('content-type') ?? ''))
    tally.violations.push(`${method} ${path} → ${res.status} not problem+json`);
  return res;
}

const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

async function worker(n: number, ids: string[]) {
  const random = mulberry32(20261120 + n);
  let seq = 1000 * (n + 1);
  while (tally.requests < REQUESTS) {
    const roll = random();
    if (roll < 0.15 || ids.length < WORKERS) {
      const created = await call(
        'POST',
        '/v1/cases',
        caseBody({
          title: `soak ${n}-${seq}`,
          kind: random() < 0.7 ? 'petition' : 'dispute',
          petitioners: [
            { name: '郑一', idNumber: validIdNumber(seq++ % 1000, random() < 0.5 ? '19800101' : '19900101') },
          ],
        }),
      );
      if (created.status === 201) {
        tally.registered += 1;
        ids.push(created.body.id);
        told.set(created.body.id, { commands: 0, notes: 0, stale200: 0 });
      }
      continue;
    }
    // half the traffic goes to the newest few cases, so that writers meet on the same case
    const id = random() < 0.5 ? pick(random, ids.slice(-4)) : pick(random, ids);
    if (roll < 0.55) {
      // a command from a fresh read, sometimes with a stale version
      const read = await call('GET', `/v1/cases/${id}`);
      if (read.status !== 200) continue;
      const candidates = COMMANDS_FROM(read.body.status);
      if (candidates.length === 0) continue;
      const command = pick(random, candidates);
      const stale = random() < 0.2;
      const version = read.body.version as number;
      const ifMatch = `"${stale ? version - 1 : version}"`;
      if (stale) tally.staleSent += 1;
      const res = await call('POST', `/v1/cases/${id}/${command}`, BODIES[command], { 'if-match': ifMatch });
      if (res.status === 200) {
        tally.commandsSucceeded += 1;
        told.get(id)!.commands += 1;
        if (stale) told.get(id)!.stale200 += 1;
        if (res.headers.get('etag') !== `"${res.body.version}"`)
          tally.violations.push(
            `${command} ${id}: ETag ${res.headers.get('etag')} for version ${res.body.version}`,
          );
      } else {
        tally.commandsRefused[res.status] = (tally.commandsRefused[res.status] ?? 0) + 1;
        if (stale && res.status === 412) tally.staleRefused += 1;
      }
    } else if (roll < 0.7) {
      const res = await call('POST', `/v1/cases/${id}/notes`, { text: `进展 ${n}` });
      if (res.status === 201) {
        tally.notesAdded += 1;
        told.get(id)!.notes += 1;
      }
    } else if (roll < 0.8) {
      const filter = pick(random, ['', '&status=registered', '&status=accepted', '&firstTime=true']);
      await call('GET', `/v1/cases?limit=20${filter}`);
    } else if (roll < 0.97) {
      await call('GET', random() < 0.5 ? `/v1/cases/${id}` : `/v1/cases/${id}/timeline`);
    } else {
      // a sweep beside the traffic; the clock moves on a day
      const at = new Date(T0.getTime() + (tally.sweeps + 1) * DAY_MS);
      h.setNow(at);
      tally.sweeps += 1;
      try {
        const result = await runSweep({ ...sweepDeps(h.deps), publisher: new FlakyPublisher() }, at);
        for (const key of Object.keys(tally.sweepTotals) as (keyof Tally['sweepTotals'])[])
          tally.sweepTotals[key] += result[key];
      } catch (error) {
        tally.sweepFailures += 1;
        tally.violations.push(`sweep at ${at.toISOString()} failed: ${(error as Error).name}`);
      }
    }
  }
}

describe('a bounded soak of mixed traffic', () => {
  it('keeps every case consistent with what its clients were told', { timeout: 180_000 }, async () => {
    const ids: string[] = [];
    await Promise.all(Array.from({ length: WORKERS }, (_, n) => worker(n, ids)));

    expect(tally.violations).toEqual([]);
    // each worker stops once the budget is spent: at most its own read and command beyond it
    expect(tally.requests).toBeGreaterThanOrEqual(REQUESTS);
    expect(tally.requests).toBeLessThanOrEqual(REQUESTS + 2 * WORKERS);
    expect(tally.sweeps).toBeGreaterThan(0);
    expect(tally.registered).toBeGreaterThan(WORKERS);
    expect(tally.commandsSucceeded).toBeGreaterThan(0);
    expect(tally.staleSent).toBeGreaterThan(0);

    const audit = await auditCases(h.deps.db, h.tables);
    expect(audit.problems).toEqual([]);
    expect(audit.cases.size).toBe(told.size);
    const mismatches: string[] = [];
    for (const [id, clients] of told) {
      const stored = audit.cases.get(id);
      const record = stored?.record;
      if (!record || !stored) {
        mismatches.push(`${id}: missing`);
        continue;
      }
      const states = stored.events.filter(isStateChange);
      const notes = stored.events.filter((e) => e.action === 'note');
      // registration is event 1 and version 1; each successful command one event and one version
      if (record.version !== states.length)
        mismatches.push(`${id}: version ${record.version}, ${states.length} state events`);
      if (states.length - 1 !== clients.commands)
        mismatches.push(
          `${id}: ${clients.commands} commands answered 200, ${states.length - 1} in the timeline`,
        );
      if (notes.length !== clients.notes)
        mismatches.push(`${id}: ${clients.notes} notes answered 201, ${notes.length} in the timeline`);
      if (clients.stale200 > 0) mismatches.push(`${id}: ${clients.stale200} stale If-Match answered 200`);
      const last = states.at(-1);
      if (last?.toStatus !== undefined && last.toStatus !== record.status)
        mismatches.push(`${id}: status ${record.status}, last event says ${last.toStatus}`);
    }
    expect(mismatches).toEqual([]);

    // every timeline verifies through the API
    const invalid: string[] = [];
    for (const ids10 of chunks([...told.keys()], 10))
      await Promise.all(
        ids10.map(async (id) => {
          const verified = await h.request('GET', `/v1/cases/${id}/timeline?verify=true`, { token });
          if (verified.status !== 200 || verified.body.valid !== true)
            invalid.push(`${id}: ${verified.status} ${verified.text.slice(0, 200)}`);
        }),
      );
    expect(invalid).toEqual([]);
  });
});

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
