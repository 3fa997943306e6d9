import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { CaseRepository } from '../../lambdas/adapters/case-repository.js';
import { logger } from '../../lambdas/adapters/observability.js';
import { SettingsRepository } from '../../lambdas/adapters/settings-repository.js';
import { createSweepHandler } from '../../lambdas/handlers/sweep.js';
import { createTownScheduleHandler } from '../../lambdas/handlers/town-schedule.js';
import { runRecompute, startRecompute } from '../../lambdas/usecases/recompute-deadlines.js';
import { caseBody, createHarness, type Harness, type TestResponse } from '../support/harness.js';

/**
 * A stored calendar or policy takes effect on the open cases: their deadlines still ahead move, each with its alert
 * and a timeline event, and storing the same again changes nothing. Missing calendars reach the admins. Each scenario
 * has a town of its own.
 */

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ now: new Date('2027-01-25T02:00:00Z') });
});
afterAll(() => h.close());
afterEach(() => vi.restoreAllMocks());

const admin = (town: string) => h.token('admin', `admin-${town}`, town);

async function setPolicy(town: string, changes: Record<string, unknown>): Promise<TestResponse> {
  const token = await admin(town);
  const current = await h.request('GET', '/v1/admin/policy', { token });
  const put = await h.request('PUT', '/v1/admin/policy', { token, body: { ...current.body, ...changes } });
  expect(put.status, put.text).toBe(200);
  return put;
}

async function register(town: string, overrides: Record<string, unknown> = {}): Promise<TestResponse> {
  const created = await h.request('POST', '/v1/cases', {
    token: await h.token('clerk', 'clerk-1', town),
    body: caseBody(overrides),
  });
  expect(created.status, created.text).toBe(201);
  return created;
}

async function command(
  town: string,
  roles: string,
  sub: string,
  id: string,
  name: string,
  body: unknown,
  version: number,
  language?: string,
): Promise<TestResponse> {
  return h.request('POST', `/v1/cases/${id}/${name}`, {
    token: await h.token(roles, sub, town),
    body,
    headers: { 'if-match': `"${version}"`, ...(language ? { 'accept-language': language } : {}) },
  });
}

const read = async (town: string, id: string) =>
  h.request('GET', `/v1/cases/${id}`, { token: await h.token('supervisor', 'sup-1', town) });
const timeline = async (town: string, id: string) =>
  (
    await h.request('GET', `/v1/cases/${id}/timeline?verify=true`, {
      token: await h.token('supervisor', 'sup-1', town),
    })
  ).body;

/** The State Council's 2027 notice as a town would store it (made up for the test): 5–11 Feb off, Sat 20 Feb worked. */
const NOTICE_2027 = {
  year: 2027,
  holidays: [
    '2027-01-01',
    '2027-01-02',
    '2027-01-03',
    ...['05', '06', '07', '08', '09', '10', '11'].map((d) => `2027-02-${d}`),
  ],
  swappedWorkdays: ['2027-02-20'],
  source: '国务院办公厅关于2027年部分节假日安排的通知',
};

describe('PUT /v1/admin/calendar/2027 over the provisional 2027 (town-rc)', () => {
  const town = 'town-rc';

  it('moves an open case’s deadline and its alert, with a timeline event; a second store changes nothing', async () => {
    const token = await admin(town);
    const shipped = await h.request('GET', '/v1/admin/calendar/2027', { token });
    expect(shipped.body).toMatchObject({ year: 2027, provisional: true, swappedWorkdays: [] });
    expect(shipped.body.holidays).toContain('2027-02-08');
    expect((await h.request('GET', '/v1/admin/calendar/2026', { token })).body.provisional).toBe(false);

    await setPolicy(town, { holidayRule: 'next_working_day' });
    // received Mon 25 Jan 2027: 15 days → Tue 9 Feb, a working day in the provisional 2027
    h.setNow('2027-01-25T02:00:00Z');
    const created = await register(town);
    const id = created.body.id;
    expect(created.body.deadlines.acknowledgeBy).toBe('2027-02-09T16:00:00.000Z');
    // the answer gives the deadline; the ladder's place is the sweep's own, kept on the record
    expect(created.body).not.toHaveProperty('alert');
    expect(created.body.nextDeadline).toEqual({
      kind: 'acknowledge',
      at: '2027-02-09T16:00:00.000Z',
      lastDay: '2027-02-09',
    });
    const cases = new CaseRepository(h.deps.db, h.deps.tables.cases);
    const alertOf = async () => (await cases.get(town, id))?.alert;
    expect(await alertOf()).toMatchObject({ kind: 'acknowledge', step: 0 });

    // the half-time notice goes out (first-time petition: a day early)
    h.setNow('2027-02-01T02:00:00Z');
    expect((await createSweepHandler(h.deps)()).warned).toBe(1);
    expect(await alertOf()).toEqual({
      kind: 'acknowledge',
      due: '2027-02-09T16:00:00.000Z',
      step: 1,
      at: '2027-02-05T16:00:00.000Z',
    });
    const dueBy10Feb = async () =>
      (await cases.dueBefore(town, new Date('2027-02-10T00:00:00Z'), 10)).items.map((c) => c.id);
    expect(await dueBy10Feb()).toEqual([id]);

    const put = await h.request('PUT', '/v1/admin/calendar/2027', { token, body: NOTICE_2027 });
    expect(put.status, put.text).toBe(200);
    expect(put.body).toMatchObject({ year: 2027, provisional: false, source: NOTICE_2027.source });
    expect(put.body.recompute).toEqual({ examined: 1, changed: 1, done: true });

    // 9–11 Feb are now holidays: the period ends Fri 12 Feb; the ladder keeps its place, the version stays
    const moved = await read(town, id);
    expect(moved.body.deadlines.acknowledgeBy).toBe('2027-02-12T16:00:00.000Z');
    expect(moved.body.nextDeadline).toEqual({
      kind: 'acknowledge',
      at: '2027-02-12T16:00:00.000Z',
      lastDay: '2027-02-12',
    });
    expect(await alertOf()).toEqual({
      kind: 'acknowledge',
      due: '2027-02-12T16:00:00.000Z',
      step: 1,
      at: '2027-02-08T16:00:00.000Z',
    });
    expect(moved.headers.get('etag')).toBe('"1"');
    // the open-by-deadline index follows the case
    expect(await dueBy10Feb()).toEqual([]);
    const events = await timeline(town, id);
    expect(events.valid).toBe(true);
    expect(events.items.at(-1)).toMatchObject({
      actor: { id: 'system', role: 'system' },
      action: 'recompute-deadlines',
      note: 'calendar 2027 stored: acknowledgeBy 2027-02-09T16:00:00.000Z → 2027-02-12T16:00:00.000Z',
    });
    const stored = await h.request('GET', '/v1/admin/calendar/2027', { token });
    expect(stored.body).toMatchObject({ provisional: false, swappedWorkdays: ['2027-02-20'] });

    // the old three-days time passes without a warning; the fired half-time is not sent again
    h.setNow('2027-02-06T02:00:00Z');
    expect(await createSweepHandler(h.deps)()).toMatchObject({ due: 0, warned: 0 });
    h.setNow('2027-02-09T02:00:00Z');
    expect(await createSweepHandler(h.deps)()).toMatchObject({ due: 1, warned: 1 });

    // storing the same notice again: nothing to change, no event
    h.setNow('2027-02-09T03:00:00Z');
    const again = await h.request('PUT', '/v1/admin/calendar/2027', { token, body: NOTICE_2027 });
    expect(again.body.recompute).toEqual({ examined: 1, changed: 0, done: true });
    expect((await timeline(town, id)).items).toHaveLength(events.items.length);
  });

  it('moves the deadlines of a new policy, naming it as the reason', async () => {
    h.setNow('2027-02-09T04:00:00Z');
    const created = await register(town);
    // first-time petition, 15 days from 9 Feb → Wed 24 Feb
    expect(created.body.deadlines.acknowledgeBy).toBe('2027-02-24T16:00:00.000Z');
    const put = await setPolicy(town, { acknowledgeDays: 10 });
    expect(put.body.recompute).toMatchObject({ changed: 2, done: true });
    expect(put.body.acknowledgeDays).toBe(10);
    const moved = await read(town, created.body.id);
    expect(moved.body.deadlines.acknowledgeBy).toBe('2027-02-19T16:00:00.000Z');
    expect((await timeline(town, created.body.id)).items.at(-1)).toMatchObject({
      action: 'recompute-deadlines',
      note: 'policy stored: acknowledgeBy 2027-02-24T16:00:00.000Z → 2027-02-19T16:00:00.000Z',
    });
  });
});

describe('a recomputation the request left unfinished (town-rs)', () => {
  const town = 'town-rs';

  it('resumes in the nightly town work where it stopped, and a further run changes nothing', async () => {
    await setPolicy(town, { holidayRule: 'next_working_day' });
    h.setNow('2027-01-25T02:00:00Z');
    const ids = [
      (await register(town)).body.id,
      (await register(town)).body.id,
      (await register(town)).body.id,
    ];
    h.setNow('2027-02-01T02:00:00Z');
    const settings = new SettingsRepository(h.deps.db, h.deps.tables.grids);
    const cases = new CaseRepository(h.deps.db, h.deps.tables.cases);
    const { source: _source, ...calendar } = NOTICE_2027;
    await settings.putCalendar(town, calendar, 'admin-1', '2027-02-01T02:00:00.000Z');
    await startRecompute(settings, town, 'calendar 2027 stored', h.deps.now());
    const first = await runRecompute({ cases, settings, mac: h.deps.mac }, town, h.deps.now(), {
      maxCases: 1,
      maxMs: 60_000,
    });
    expect(first).toEqual({ examined: 1, changed: 1, done: false });
    expect(await settings.recomputeJob(town)).toMatchObject({ done: false, examined: 1, changed: 1 });

    const nightly = createTownScheduleHandler(h.deps, [town]);
    const [tonight] = await nightly({ kind: 'retention' });
    expect(tonight).toMatchObject({
      kind: 'retention',
      deadlines: { casesRecomputed: 2, recomputePending: [], failed: [] },
    });
    expect(await settings.recomputeJob(town)).toMatchObject({ done: true, examined: 3, changed: 3 });
    for (const id of ids)
      expect((await read(town, id)).body.deadlines.acknowledgeBy).toBe('2027-02-12T16:00:00.000Z');
    const [tomorrow] = await nightly({ kind: 'retention' });
    expect(tomorrow).toMatchObject({ deadlines: { casesRecomputed: 0, recomputePending: [] } });
    for (const id of ids)
      expect(
        (await timeline(town, id)).items.filter(
          (e: { action: string }) => e.action === 'recompute-deadlines',
        ),
      ).toHaveLength(1);
  });
});

describe('a missing or provisional calendar reaches the town’s admins (town-nt)', () => {
  const town = 'town-nt';

  it('once per year and admin, in Chinese by default, and as a metric', async () => {
    const adminToken = await admin(town);
    const staffed = await h.request('PUT', `/v1/staff/admin-${town}`, {
      token: adminToken,
      body: { name: '系统管理员', roles: ['admin'] },
    });
    expect(staffed.status, staffed.text).toBe(200);
    const inbox = async () =>
      (await h.request('GET', '/v1/me/notifications?limit=100', { token: adminToken })).body.items.filter(
        (n: { kind: string }) => n.kind === 'calendar',
      );
    const nightly = createTownScheduleHandler(h.deps, [town]);

    // October 2026: 2026 and 2027 both have calendars, and 2027's notice is not due yet
    h.setNow('2026-10-20T18:30:00Z');
    expect((await nightly({ kind: 'retention' }))[0]).toMatchObject({
      deadlines: { calendarsMissing: 0, calendarsProvisional: 0, noticesWritten: 0 },
    });
    // from November the provisional 2027 is told
    h.setNow('2026-11-15T18:30:00Z');
    expect((await nightly({ kind: 'retention' }))[0]).toMatchObject({
      deadlines: { calendarsProvisional: 1, noticesWritten: 1 },
    });
    const [provisional] = await inbox();
    expect(provisional.text.zh).toContain('2027 年工作日历为暂定');
    expect(provisional.severity).toBe('notice');

    // 2027: no 2028 calendar at all
    const disabled = process.env.POWERTOOLS_METRICS_DISABLED;
    process.env.POWERTOOLS_METRICS_DISABLED = 'false';
    const lines: string[] = [];
    h.setNow('2027-01-02T18:30:00Z');
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    const withMetrics = createTownScheduleHandler(
      h.deps,
      [town],
      new Metrics({ namespace: 'Fengqiao', serviceName: 'fengqiao' }),
    );
    const warn = vi.spyOn(logger, 'warn');
    const [night] = await withMetrics({ kind: 'retention' });
    const warned = warn.mock.calls.filter(([, fields]) => (fields as { town?: string })?.town === town);
    vi.restoreAllMocks();
    expect(warned).toEqual([
      ['no working-day calendar: counting weekends only', { town, missingYears: [2028] }],
      [
        'provisional working-day calendar: statutory holidays only, no make-up working days',
        { town, provisionalYears: [2027] },
      ],
    ]);
    process.env.POWERTOOLS_METRICS_DISABLED = disabled;
    expect(night).toMatchObject({
      deadlines: { calendarsMissing: 1, calendarsProvisional: 1, noticesWritten: 1 },
    });
    const metrics = lines.flatMap((l) => l.split('\n')).filter((l) => l.includes('CalendarYearsMissing'));
    // 2028 missing, 2027 provisional: each its own metric, which the stack's alarms watch
    expect(metrics.map((l) => JSON.parse(l))).toMatchObject([
      { CalendarYearsMissing: 1, CalendarYearsProvisional: 1, DeadlinesRecomputed: 0, service: 'fengqiao' },
    ]);

    const notices = await inbox();
    expect(notices).toHaveLength(2);
    const missing = notices.find((n: { text: { zh: string } }) => n.text.zh.includes('2028'));
    expect(missing.text.zh).toContain('2028 年没有工作日历');
    expect(missing.text.zh).toContain('PUT /v1/admin/calendar/2028');
    expect(missing.severity).toBe('urgent');
    // the next nights tell nobody again
    h.setNow('2027-01-03T18:30:00Z');
    expect((await nightly({ kind: 'retention' }))[0]).toMatchObject({ deadlines: { noticesWritten: 0 } });
    expect(await inbox()).toHaveLength(2);

    // the admin reads the state of each year: 2027 provisional, 2028 none (weekends only)
    const year = async (y: number) =>
      (await h.request('GET', `/v1/admin/calendar/${y}`, { token: adminToken })).body;
    expect(await year(2026)).toMatchObject({ year: 2026, provisional: false });
    expect(await year(2027)).toMatchObject({ year: 2027, provisional: true, swappedWorkdays: [] });
    expect(await year(2028)).toEqual({ year: 2028, holidays: [], swappedWorkdays: [], fallback: true });
  });
});

describe('bad inputs of the new fields (town-bad)', () => {
  const town = 'town-bad';

  it('refuses an extension past the level above’s due date with 409 past-upper-level-due', async () => {
    await setPolicy(town, { firstTimeNoExtension: false });
    h.setNow('2026-11-28T02:00:00Z');
    const created = await register(town, {
      channel: 'referral',
      referral: { from: '县信访局', reference: 'ZB-77', dueBy: '2027-02-10T16:00:00Z' },
    });
    const id = created.body.id;
    const accepted = await command(town, 'clerk', 'clerk-1', id, 'accept', { track: 'supervised' }, 1);
    expect(accepted.body.deadlines.replyBy).toBe('2027-01-27T16:00:00.000Z');
    const refused = await command(town, 'leader', 'leader-1', id, 'extend', { days: 30, reason: '鉴定' }, 2);
    expect(refused.status).toBe(409);
    expect(refused.body.type).toBe('/problems/past-upper-level-due');
    expect(refused.body.title).toBe('延期不得超过上级交办的办理期限');
    expect(refused.body.detail).toBe(
      '上级交办的办理期限为 2027-02-10（北京时间），延期 30 日将至 2027-02-26，超过上级期限',
    );
    const english = await command(
      town,
      'leader',
      'leader-1',
      id,
      'extend',
      { days: 30, reason: 'x' },
      2,
      'en',
    );
    expect(english.body.title).toBe('An extension may not end after the due date the level above set');
    const ok = await command(town, 'leader', 'leader-1', id, 'extend', { days: 14, reason: '鉴定' }, 2);
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body.deadlines.extendedTo).toBe('2027-02-10T16:00:00.000Z');
    expect(ok.body.extension).toEqual({ days: 14, reason: '鉴定', at: '2026-11-28T02:00:00.000Z' });
  });

  it('checks record-review’s deliveredAt: an instant with an offset, not in the future, not before the request', async () => {
    h.setNow('2026-11-28T02:00:00Z');
    const id = (await register(town)).body.id;
    await command(town, 'clerk', 'clerk-1', id, 'accept', { track: 'immediate', assigneeId: 'handler-1' }, 1);
    await command(town, 'handler', 'handler-1', id, 'reply', { outcome: 'resolved', opinion: '已支付' }, 2);
    h.setNow('2026-12-10T02:00:00Z');
    const asked = await command(town, 'clerk', 'clerk-1', id, 'request-review', { reason: '不服' }, 3);
    expect(asked.status, asked.text).toBe(200);
    h.setNow('2026-12-28T02:00:00Z');
    const review = (deliveredAt: unknown) =>
      command(
        town,
        'supervisor',
        'sup-1',
        id,
        'record-review',
        { outcome: 'resolved', opinion: '维持', deliveredAt },
        4,
      );
    for (const [deliveredAt, message] of [
      ['2026-12-28T02:01:01Z', '不能晚于当前时间'],
      ['2026-12-10T01:59:59Z', '不能早于申请复查复核的时间'],
      ['2026-12-20T10:00:00', undefined],
      [20261220, undefined],
    ] as const) {
      const bad = await review(deliveredAt);
      expect(bad.status, String(deliveredAt)).toBe(400);
      expect(bad.body.errors).toEqual([expect.objectContaining({ path: 'deliveredAt' })]);
      if (message) expect(bad.body.errors[0].message).toBe(message);
    }
    // delivered on 20 Dec, recorded on 28 Dec: the re-review window runs from the delivery
    const ok = await review('2026-12-20T10:00:00+08:00');
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body.reviews[0].deliveredAt).toBe('2026-12-20T02:00:00.000Z');
    expect(ok.body.deadlines.reviewRequestBy).toBe('2027-01-19T16:00:00.000Z');
  });

  it('refuses a calendar whose provisional or source is not what the schema says', async () => {
    const token = await admin(town);
    for (const extra of [{ provisional: 'yes' }, { source: '' }, { source: 'x'.repeat(501) }]) {
      const put = await h.request('PUT', '/v1/admin/calendar/2030', {
        token,
        body: { year: 2030, holidays: [], swappedWorkdays: [], ...extra },
      });
      expect(put.status, JSON.stringify(extra)).toBe(400);
    }
  });
});
