import { afterAll, describe, expect, it } from 'vitest';
import type { CaseRecord } from '../../lambdas/domain/case.js';
import type { Notification } from '../../lambdas/domain/notification.js';
import { createHarness, type Harness } from '../support/harness.js';
import { wholeInbox } from '../support/sim-tools.js';
import { DAY, type SimConfig, type SimStats, SWEEP_INTERVAL, TownSimulation } from '../support/sim-town.js';

/**
 * Months of a town's petition work on a virtual clock (see test/support/sim-town.ts). The default size keeps the file
 * near two minutes on a busy two-core machine; SIM_TOWNS, SIM_PER_DAY and SIM_DAYS scale it up (for example
 * SIM_TOWNS=1 SIM_PER_DAY=15 SIM_TIMEOUT_MS=1800000 for a town of about 2,000 cases in four months).
 */

const TOWNS = Number(process.env.SIM_TOWNS ?? 3);
const PER_DAY = Number(process.env.SIM_PER_DAY ?? 0.8);
const ARRIVAL_DAYS = Number(process.env.SIM_DAYS ?? 120);
const TIMEOUT = Number(process.env.SIM_TIMEOUT_MS ?? 240_000);

/** Monday 2 March 2026, 00:00 Beijing. */
const START = '2026-03-01T16:00:00.000Z';
/** The National People's Congress sessions (全国两会): heightened watch, warnings two days earlier. */
const KEY_PERIODS = [{ name: '全国两会', from: '2026-03-04', to: '2026-03-12' }];

const config = (overrides: Partial<SimConfig>): SimConfig => ({
  start: START,
  arrivalDays: ARRIVAL_DAYS,
  perDay: PER_DAY,
  seed: 2026,
  react: true,
  ackReactionDays: 2,
  replyReactionDays: 10,
  maxDays: ARRIVAL_DAYS + 120,
  shares: { repeat: 0.15, collective: 0.04, late: 0.05, dispute: 0.15, decline: 0.06 },
  keyPeriods: KEY_PERIODS,
  clerks: 4,
  handlers: 10,
  ...overrides,
});

const harnesses: Harness[] = [];
afterAll(async () => {
  for (const h of harnesses) await h.close();
});

async function town(overrides: Partial<SimConfig>): Promise<TownSimulation> {
  const h = await createHarness({ now: new Date(START) });
  harnesses.push(h);
  const sim = new TownSimulation(h, config(overrides));
  await sim.setUp();
  return sim;
}

function sum(stats: SimStats[], pick: (s: SimStats) => number): number {
  return stats.reduce((total, s) => total + pick(s), 0);
}

const days = (ms: number) => Math.round((ms / DAY) * 10) / 10;

describe('four months of a town whose staff act on their warnings', () => {
  it('never lets a first-time petition go overdue', { timeout: TIMEOUT }, async () => {
    const started = performance.now();
    // independent towns (own tables, clock and staff) run side by side to use the time the store spends waiting
    const towns = await Promise.all(Array.from({ length: TOWNS }, (_, i) => town({ seed: 2026 + i })));
    const stats = await Promise.all(towns.map((t) => t.run()));
    const records = (await Promise.all(towns.map((t) => t.records()))).flat();
    const cases = towns.flatMap((t) => [...t.cases.values()]);

    const firstTimePetitions = records.filter((r) => r.kind === 'petition' && r.firstTime);
    const overdue = records.filter((r) => (r.overdue ?? []).length > 0);
    const open = records.filter((r) => r.status !== 'replied' && r.status !== 'declined');
    const ackDelays = cases.map((c) => (c.actedAt.ack ?? Number.NaN) - c.receivedAt);
    const replyDelays = records.flatMap((r) =>
      r.reply && r.acknowledgedAt ? [Date.parse(r.reply.repliedAt) - Date.parse(r.acknowledgedAt)] : [],
    );
    const summary = {
      towns: TOWNS,
      cases: sum(stats, (s) => s.cases),
      petitions: sum(stats, (s) => s.petitions),
      firstTimePetitions: firstTimePetitions.length,
      repeats: sum(stats, (s) => s.repeats),
      collective: sum(stats, (s) => s.collective),
      lateEntries: sum(stats, (s) => s.late),
      sweeps: sum(stats, (s) => s.sweeps),
      emptySweeps: sum(stats, (s) => s.emptySweeps),
      simulatedDays: Math.max(...stats.map((s) => s.simulatedDays)),
      ladderNotifications: sum(stats, (s) => s.ladderNotifications),
      collectiveNotices: sum(stats, (s) => s.collectiveNotices),
      messagesPublished: sum(stats, (s) => s.messagesPublished),
      accepted: sum(stats, (s) => s.accepted),
      declined: sum(stats, (s) => s.declined),
      replied: sum(stats, (s) => s.replied),
      overdueCases: overdue.length,
      firstTimePetitionsOverdue: overdue.filter((r) => r.kind === 'petition' && r.firstTime).length,
      longestAcknowledgementDays: days(Math.max(...ackDelays)),
      longestReplyDays: days(Math.max(...replyDelays)),
      wallSeconds: Math.round((performance.now() - started) / 1000),
    };
    console.log('simulation, staff acting:', JSON.stringify(summary));

    expect(summary.cases).toBeGreaterThan(0.7 * TOWNS * PER_DAY * ARRIVAL_DAYS);
    for (const s of stats) {
      expect(s.registrationFailures).toEqual([]);
      expect(s.commandFailures).toEqual([]);
      expect(s.stuckSweeps).toBe(0);
      // the repeat lookup found exactly the earlier cases of the same petitioner in the same category
      expect(s.firstTimeMismatches).toBe(0);
    }
    expect(records).toHaveLength(summary.cases);
    expect(summary.repeats).toBeGreaterThan(0);
    expect(summary.collective).toBeGreaterThan(0);
    expect(summary.lateEntries).toBeGreaterThan(0);

    // the result: nothing overdue, first-time petitions least of all
    expect(summary.firstTimePetitionsOverdue).toBe(0);
    expect(overdue.map((r) => `${r.number} ${JSON.stringify(r.overdue)}`)).toEqual([]);
    // every case was taken up and answered: the clock ran until no step was left
    expect(open.map((r) => `${r.number} ${r.status}`)).toEqual([]);
    expect(records.every((r) => r.alert === undefined)).toBe(true);
    expect(summary.accepted + summary.declined).toBe(summary.cases);
    expect(summary.replied).toBe(summary.accepted);
    // staff acted only on warnings, so each case was warned before it was acknowledged and before it was answered
    expect(cases.every((c) => c.scheduled.ack !== undefined)).toBe(true);
    // nobody needed more than the first warning: no supervision notice, nothing urgent
    for (const s of stats) {
      expect(s.bySeverity.overdue ?? 0).toBe(0);
      expect(s.bySeverity.urgent ?? 0).toBe(0);
    }
    // the duty leaders (two per town) heard of every collective petition at registration
    expect(summary.collectiveNotices).toBe(summary.collective * 2);
    // a first-time petition is acknowledged in time and answered well inside 60 days
    expect(summary.longestAcknowledgementDays).toBeLessThan(15);
    expect(summary.longestReplyDays).toBeLessThan(60);
  });
});

describe('a town where nobody acts', () => {
  it('climbs every step of the ladder for every case and flags each overdue within one sweep interval', {
    timeout: TIMEOUT,
  }, async () => {
    const started = performance.now();
    const sim = await town({
      seed: 99,
      react: false,
      arrivalDays: 8,
      perDay: 6,
      maxDays: 40,
      shares: { repeat: 0.2, collective: 0.1, late: 0, dispute: 0.2, decline: 0 },
    });
    const stats = await sim.run();
    const records = await sim.records();
    const byId = new Map(records.map((r) => [r.id, r]));
    const inboxes = new Map<string, Notification[]>();
    for (const user of [
      ...new Set([...sim.cases.values()].map((c) => c.registrar)),
      ...sim.leaders,
      ...sim.supervisors,
    ])
      inboxes.set(user, await wholeInbox(sim.deps, sim.town, user));
    const ladder = (user: string) => (inboxes.get(user) ?? []).filter((n) => n.kind !== 'collective');

    const lateness = records.map(
      (r) => Date.parse(r.overdue?.[0]?.at ?? '') - Date.parse(r.deadlines.acknowledgeBy),
    );
    const summary = {
      cases: stats.cases,
      firstTimePetitions: records.filter((r) => r.kind === 'petition' && r.firstTime).length,
      collective: stats.collective,
      sweeps: stats.sweeps,
      simulatedDays: stats.simulatedDays,
      ladderNotifications: stats.ladderNotifications,
      bySeverity: stats.bySeverity,
      maxMinutesFlaggedAfterDeadline: Math.max(...lateness) / 60_000,
      wallSeconds: Math.round((performance.now() - started) / 1000),
    };
    console.log('simulation, nobody acting:', JSON.stringify(summary));

    expect(stats.registrationFailures).toEqual([]);
    expect(stats.stuckSweeps).toBe(0);
    expect(records).toHaveLength(stats.cases);
    expect(stats.cases).toBeGreaterThan(20);
    expect(summary.firstTimePetitions).toBeGreaterThan(0);
    expect(summary.collective).toBeGreaterThan(0);

    const expectedSteps = ['notice', 'warning', 'urgent', 'overdue'];
    for (const c of sim.cases.values()) {
      const record = byId.get(c.id) as CaseRecord;
      expect(record.status).toBe('registered');
      expect(record.alert).toBe(undefined);
      // overdue once, for the acknowledgement deadline, no later than one sweep interval after it
      expect(record.overdue?.map((o) => ({ kind: o.kind, due: o.due }))).toEqual([
        { kind: 'acknowledge', due: record.deadlines.acknowledgeBy },
      ]);
      const late = Date.parse(record.overdue![0]!.at) - Date.parse(record.deadlines.acknowledgeBy);
      expect(late).toBeGreaterThanOrEqual(0);
      expect(late).toBeLessThanOrEqual(SWEEP_INTERVAL);
      // the registrar (answering for the case while nobody is assigned) heard every step, once each, in order
      const heard = ladder(c.registrar)
        .filter((n) => n.caseId === c.id)
        .sort((a, b) => a.at.localeCompare(b.at));
      expect(
        heard.map((n) => n.severity),
        c.number,
      ).toEqual(expectedSteps);
      // the leaders and the supervisor heard the one-day warning and the overdue notice
      for (const user of [...sim.leaders, ...sim.supervisors])
        expect(
          ladder(user)
            .filter((n) => n.caseId === c.id)
            .map((n) => n.severity)
            .sort(),
          `${user} ${c.number}`,
        ).toEqual(['overdue', 'urgent']);
    }
    expect(stats.bySeverity).toEqual({
      notice: stats.cases,
      warning: stats.cases,
      urgent: stats.cases * 4,
      overdue: stats.cases * 4,
    });
  });
});
