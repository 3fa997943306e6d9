import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseRepository } from '../../lambdas/adapters/case-repository.js';
import { CounterRepository } from '../../lambdas/adapters/counter-repository.js';
import { GridRepository } from '../../lambdas/adapters/grid-repository.js';
import { NotificationRepository } from '../../lambdas/adapters/notification-repository.js';
import { PersonalVault } from '../../lambdas/adapters/personal-vault.js';
import { ReceptionRepository } from '../../lambdas/adapters/reception-repository.js';
import { townSettings } from '../../lambdas/adapters/settings-repository.js';
import { ContentionError } from '../../lambdas/domain/errors.js';
import { createTownScheduleHandler } from '../../lambdas/handlers/town-schedule.js';
import { MAX_VISITS } from '../../lambdas/http/reception-schemas.js';
import { type ReceptionInput, recordReception } from '../../lambdas/usecases/record-reception.js';
import { caseBody, createHarness, type Harness } from '../support/harness.js';

/**
 * Leaders at the window: the roster planned by the petition office and read by staff and the public, and the
 * receptions recorded with their batches and person-times, on cases linked or registered with them, all in one
 * transaction.
 */

const TOWN = 'town-r';
const OTHER = 'town-q';
const NOW = new Date('2026-12-01T02:00:00Z'); // 10:00 Beijing, Tuesday 1 December
const TODAY = '2026-12-01';
let h: Harness;
let admin: string;
let supervisor: string;
let leader: string;
let clerk: string;
let handler: string;
let otherClerk: string;

const slot = (overrides: Record<string, unknown> = {}) => ({
  leaderId: 'leader-1',
  period: 'morning',
  place: '镇人民来访接待中心',
  kind: 'window',
  ...overrides,
});

const registration = (overrides: Record<string, unknown> = {}) => {
  const { channel: _c, ...body } = caseBody(overrides);
  return body;
};

const visitOn = (caseId: string, overrides: Record<string, unknown> = {}) => ({
  caseId,
  headcount: 1,
  onTheSpot: { measure: '当场释法说理', track: 'immediate' },
  ...overrides,
});

const reception = (visits: unknown[], overrides: Record<string, unknown> = {}) => ({
  date: TODAY,
  leaderId: 'leader-1',
  period: 'morning',
  visits,
  ...overrides,
});

async function windowCase(token = clerk): Promise<string> {
  const created = await h.request('POST', '/v1/cases', { token, body: caseBody() });
  expect(created.status, created.text).toBe(201);
  return created.body.id;
}

const fieldPaths = (body: { errors?: { path: string }[] }) => (body.errors ?? []).map((e) => e.path);

beforeAll(async () => {
  h = await createHarness({ now: NOW });
  [admin, supervisor, leader, clerk, handler, otherClerk] = await Promise.all([
    h.token('admin', 'admin-1', TOWN),
    h.token('supervisor', 'supervisor-1', TOWN),
    h.token('leader', 'leader-1', TOWN),
    h.token('clerk', 'clerk-1', TOWN),
    h.token('handler', 'handler-1', TOWN),
    h.token('clerk', 'clerk-x', OTHER),
  ]);
  const staff = [
    ['leader-1', { name: '王建国', title: '镇党委书记', roles: ['leader'] }],
    ['leader-2', { name: '李红', title: '镇长', roles: ['leader'] }],
    [
      'handler-1',
      { name: '赵承办', roles: ['handler'], contact: { channel: 'sms', address: '13900001111' } },
    ],
  ] as const;
  for (const [id, body] of staff) {
    const put = await h.request('PUT', `/v1/staff/${id}`, { token: admin, body });
    expect(put.status, put.text).toBe(200);
  }
});
afterAll(() => h?.close());

describe('PUT /v1/reception/roster/{date}', () => {
  it('plans a day, versioned, and the same slots again change nothing', async () => {
    const body = {
      slots: [slot(), slot({ leaderId: 'leader-2', period: 'afternoon', kind: 'village', place: '东村' })],
    };
    const put = await h.request('PUT', '/v1/reception/roster/2026-12-02', { token: supervisor, body });
    expect(put.status, put.text).toBe(200);
    expect(put.headers.get('etag')).toBe('"1"');
    expect(put.body).toMatchObject({ date: '2026-12-02', version: 1, slots: body.slots });
    expect(put.body).not.toHaveProperty('town');
    const again = await h.request('PUT', '/v1/reception/roster/2026-12-02', { token: admin, body });
    expect(again.body.version).toBe(1);
    const stale = await h.request('PUT', '/v1/reception/roster/2026-12-02', {
      token: supervisor,
      body: { slots: [slot()] },
      headers: { 'if-match': '"0"' },
    });
    expect(stale.status).toBe(412);
    const changed = await h.request('PUT', '/v1/reception/roster/2026-12-02', {
      token: supervisor,
      body: {
        slots: [
          slot(),
          slot({ leaderId: 'leader-2', period: 'afternoon', place: '东村', kind: 'appointment' }),
        ],
      },
      headers: { 'if-match': '"1"' },
    });
    expect(changed.status, changed.text).toBe(200);
    expect(changed.body.version).toBe(2);
  });

  it('is the petition office’s and the admin’s alone', async () => {
    for (const token of [leader, clerk, handler]) {
      const put = await h.request('PUT', '/v1/reception/roster/2026-12-03', { token, body: { slots: [] } });
      expect(put.status).toBe(403);
    }
  });

  it('refuses an unknown leader, a staff member who is no leader, clashing slots, bad and past dates', async () => {
    const put = (date: string, slots: unknown[]) =>
      h.request('PUT', `/v1/reception/roster/${date}`, {
        token: supervisor,
        body: { slots },
        headers: { 'accept-language': 'en' },
      });
    const unknown = await put('2026-12-04', [slot({ leaderId: 'nobody' })]);
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors).toEqual([
      { path: 'slots.0.leaderId', message: 'is not a leader of this town’s staff' },
    ]);
    expect(fieldPaths((await put('2026-12-04', [slot({ leaderId: 'handler-1' })])).body)).toEqual([
      'slots.0.leaderId',
    ]);
    const clash = await put('2026-12-04', [slot(), slot({ period: 'day', place: '西村' })]);
    expect(clash.status).toBe(400);
    expect(clash.body.errors).toEqual([
      { path: 'slots.1.period', message: 'the leader already has a slot in this half-day' },
    ]);
    expect(fieldPaths((await put('2026-12-04', [slot({ kind: 'home' })])).body)).toEqual(['slots.0.kind']);
    expect(fieldPaths((await put('2026-12-04', [slot({ period: 'evening' })])).body)).toEqual([
      'slots.0.period',
    ]);
    expect(fieldPaths((await put('2026-12-04', [slot({ place: ' ' })])).body)).toEqual(['slots.0.place']);
    for (const date of ['2026-02-30', '2026-13-01', 'tomorrow', '2026-1-5']) {
      const bad = await put(date, [slot()]);
      expect(bad.status, date).toBe(400);
      expect(bad.body.errors, date).toEqual([
        { path: 'date', message: 'is not a calendar date (YYYY-MM-DD)' },
      ]);
    }
    const past = await put('2026-11-30', [slot()]);
    expect(past.body.errors).toEqual([{ path: 'date', message: 'may not be before today' }]);
  });
});

describe('GET /v1/reception/roster and the public roster', () => {
  it('gives staff the slots with the leader’s name, title and id, in date and half-day order', async () => {
    const read = await h.request('GET', '/v1/reception/roster?from=2026-12-01&to=2026-12-31', {
      token: handler,
    });
    expect(read.status, read.text).toBe(200);
    expect(read.body.items).toEqual([
      {
        date: '2026-12-02',
        period: 'morning',
        place: '镇人民来访接待中心',
        kind: 'window',
        leaderId: 'leader-1',
        leader: { name: '王建国', title: '镇党委书记' },
      },
      {
        date: '2026-12-02',
        period: 'afternoon',
        place: '东村',
        kind: 'appointment',
        leaderId: 'leader-2',
        leader: { name: '李红', title: '镇长' },
      },
    ]);
  });

  it('gives anyone, without a token, the name, title, place and time, and nothing else', async () => {
    const read = await h.request(
      'GET',
      `/v1/public/reception/roster?from=2026-12-01&to=2026-12-07&town=${TOWN}`,
    );
    expect(read.status, read.text).toBe(200);
    expect(read.body.items).toHaveLength(2);
    for (const item of read.body.items) {
      expect(Object.keys(item).sort()).toEqual(['date', 'kind', 'leader', 'period', 'place']);
      expect(Object.keys(item.leader).sort()).toEqual(['name', 'title']);
    }
    expect(JSON.stringify(read.body)).not.toContain('leader-1');
    // another town's roster is its own
    const other = await h.request(
      'GET',
      `/v1/public/reception/roster?from=2026-12-01&to=2026-12-07&town=${OTHER}`,
    );
    expect(other.body.items).toEqual([]);
    const none = await h.request('GET', '/v1/public/reception/roster?from=2026-12-01&to=2026-12-07');
    expect(none.status).toBe(400);
    expect(fieldPaths(none.body)).toEqual(['town']);
  });

  it('bounds the range: 31 days, to not before from', async () => {
    const long = await h.request('GET', '/v1/reception/roster?from=2026-12-01&to=2027-01-01', {
      token: handler,
      headers: { 'accept-language': 'en' },
    });
    expect(long.status).toBe(400);
    expect(long.body.errors).toEqual([{ path: 'to', message: 'the range may span at most 31 days' }]);
    const back = await h.request('GET', '/v1/reception/roster?from=2026-12-05&to=2026-12-01', {
      token: handler,
    });
    expect(fieldPaths(back.body)).toEqual(['to']);
    const citizen = await h.token('petitioner', 'citizen-1', TOWN);
    expect(
      (await h.request('GET', '/v1/reception/roster?from=2026-12-01&to=2026-12-02', { token: citizen }))
        .status,
    ).toBe(403);
  });
});

describe('the day-before notice', () => {
  it('tells each leader of tomorrow’s slots in their inbox, in words, once however often the run is repeated', async () => {
    const townWork = createTownScheduleHandler(h.deps, [TOWN, OTHER]);
    // 14:30 Beijing on 1 December: tomorrow is 2 December
    h.setNow('2026-12-01T06:30:00Z');
    try {
      const [first] = await townWork({ kind: 'reception' });
      expect(first).toMatchObject({ kind: 'reception', sent: 2, failed: [] });
      const [again] = await townWork({ kind: 'reception' });
      expect(again).toMatchObject({ sent: 0 });
    } finally {
      h.setNow(NOW);
    }
    const inbox = await h.request('GET', '/v1/me/notifications', { token: leader });
    const notices = inbox.body.items.filter((n: { kind: string }) => n.kind === 'reception');
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({
      recipient: 'leader-1',
      severity: 'notice',
      read: false,
      text: {
        zh: '领导接访安排：2026-12-02（明天）上午在镇人民来访接待中心接访。',
        en: 'Your reception duty tomorrow, 2026-12-02: morning: reception at 镇人民来访接待中心.',
      },
    });
    const leader2 = await h.token('leader', 'leader-2', TOWN);
    const other = (await h.request('GET', '/v1/me/notifications', { token: leader2 })).body.items;
    expect(other.filter((n: { kind: string }) => n.kind === 'reception')[0].text.zh).toBe(
      '领导接访安排：2026-12-02（明天）下午在东村约访。',
    );
  });
});

describe('POST /v1/receptions', () => {
  it('records linked and new cases: batches, person-times, a timeline event, a collective visit as one case', async () => {
    const linked = await windowCase();
    const posted = await h.request('POST', '/v1/receptions', {
      token: leader,
      body: reception([
        visitOn(linked, {
          headcount: 2,
          onTheSpot: { measure: '约谈用工单位，三日内结清工资', track: 'coordinated' },
        }),
        {
          registration: registration({ title: '征地补偿款未发放', category: 'land_requisition' }),
          headcount: 12,
          onTheSpot: { measure: '现场答复补偿标准', track: 'immediate' },
        },
      ]),
    });
    expect(posted.status, posted.text).toBe(201);
    expect(posted.body).toEqual({
      id: expect.any(String),
      batches: 2,
      personTimes: 14,
      visits: [{ caseId: linked }, { caseId: expect.any(String) }],
    });
    const created = posted.body.visits[1].caseId;
    const newCase = await h.request('GET', `/v1/cases/${created}`, { token: clerk });
    expect(newCase.body).toMatchObject({ channel: 'visit', headcount: 12, collective: true });
    const timeline = await h.request('GET', `/v1/cases/${linked}/timeline`, { token: clerk });
    const last = timeline.body.items.at(-1);
    expect(last).toMatchObject({
      action: 'received',
      actor: { id: 'leader-1', role: 'leader' },
      note: '镇党委书记王建国上午接访（2 人次）：约谈用工单位，三日内结清工资；协调办',
    });
    const listed = await h.request('GET', `/v1/receptions?from=${TODAY}&to=${TODAY}&leaderId=leader-1`, {
      token: handler,
    });
    expect(listed.status).toBe(200);
    const record = listed.body.items.find((r: { id: string }) => r.id === posted.body.id);
    expect(record).toMatchObject({
      leaderId: 'leader-1',
      recordedBy: 'leader-1',
      batches: 2,
      personTimes: 14,
    });
    // personal data stays with the case, sealed: never in the reception
    expect(JSON.stringify(record)).not.toContain('张三');
    expect(JSON.stringify(record)).not.toContain('13912345678');
    const other = await h.request('GET', `/v1/receptions?from=${TODAY}&to=${TODAY}&leaderId=leader-2`, {
      token: handler,
    });
    expect(other.body.items.map((r: { id: string }) => r.id)).not.toContain(posted.body.id);
  });

  it('lets a clerk record for a leader, and a leader only their own', async () => {
    const linked = await windowCase();
    const byClerk = await h.request('POST', '/v1/receptions', {
      token: clerk,
      body: reception([visitOn(linked)], { leaderId: 'leader-2', period: 'afternoon' }),
    });
    expect(byClerk.status, byClerk.text).toBe(201);
    const forOther = await h.request('POST', '/v1/receptions', {
      token: leader,
      body: reception([visitOn(linked)], { leaderId: 'leader-2' }),
    });
    expect(forOther.status).toBe(403);
    for (const token of [handler, supervisor, admin])
      expect(
        (await h.request('POST', '/v1/receptions', { token, body: reception([visitOn(linked)]) })).status,
      ).toBe(403);
  });

  it('refuses bad visits, naming the field, and writes nothing', async () => {
    const linked = await windowCase();
    const otherTown = await windowCase(otherClerk);
    const post = (body: unknown) =>
      h.request('POST', '/v1/receptions', { token: clerk, body, headers: { 'accept-language': 'en' } });
    const cases: [unknown, string[]][] = [
      [reception([visitOn(otherTown)]), ['visits.0.caseId']],
      [reception([visitOn('no-such-case')]), ['visits.0.caseId']],
      [reception([visitOn(linked)], { leaderId: 'nobody' }), ['leaderId']],
      [reception([visitOn(linked)], { leaderId: 'handler-1' }), ['leaderId']],
      [reception([visitOn(linked), visitOn(linked)]), ['visits.1.caseId']],
      [reception(Array.from({ length: MAX_VISITS + 1 }, () => visitOn(linked))), ['visits']],
      [reception([]), ['visits']],
      [reception([visitOn(linked)], { date: '2026-12-02' }), ['date']],
      [reception([visitOn(linked)], { date: '2026-02-30' }), ['date']],
      [reception([visitOn(linked, { headcount: 0 })]), ['visits.0.headcount']],
      [reception([visitOn(linked, { headcount: -3 })]), ['visits.0.headcount']],
      [reception([visitOn(linked, { headcount: 1_000_000 })]), ['visits.0.headcount']],
      [reception([visitOn(linked, { headcount: 1.5 })]), ['visits.0.headcount']],
      [reception([{ caseId: linked, headcount: 1 }]), ['visits.0.onTheSpot']],
      [reception([visitOn(linked, { onTheSpot: { measure: '' } })]), ['visits.0.onTheSpot.measure']],
      [
        reception([visitOn(linked, { onTheSpot: { measure: '释法', track: 'soon' } })]),
        ['visits.0.onTheSpot.track'],
      ],
      [reception([{ headcount: 1, onTheSpot: { measure: '释法' } }]), ['visits.0']],
      [reception([{ ...visitOn(linked), registration: registration() }]), ['visits.0']],
      [
        reception([
          {
            registration: registration({ petitioners: [{ name: '甲' }, { name: '乙' }] }),
            headcount: 1,
            onTheSpot: { measure: '释法' },
          },
        ]),
        ['visits.0.headcount'],
      ],
      [reception([visitOn(linked)], { period: 'evening' }), ['period']],
    ];
    const before = await h.request('GET', `/v1/receptions?from=${TODAY}&to=${TODAY}`, { token: clerk });
    const timelineBefore = (await h.request('GET', `/v1/cases/${linked}/timeline`, { token: clerk })).body
      .items.length;
    for (const [body, paths] of cases) {
      const response = await post(body);
      expect(response.status, JSON.stringify(body).slice(0, 200)).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(fieldPaths(response.body), JSON.stringify(body).slice(0, 200)).toEqual(paths);
    }
    const after = await h.request('GET', `/v1/receptions?from=${TODAY}&to=${TODAY}`, { token: clerk });
    expect(after.body.items).toHaveLength(before.body.items.length);
    expect(
      (await h.request('GET', `/v1/cases/${linked}/timeline`, { token: clerk })).body.items,
    ).toHaveLength(timelineBefore);
  });

  it('refuses to register a matter whose petitioner has an open case of the category: the visit names it', async () => {
    const body = caseBody();
    const first = await h.request('POST', '/v1/cases', { token: clerk, body });
    expect(first.status).toBe(201);
    const { channel: _c, ...again } = body;
    const posted = await h.request('POST', '/v1/receptions', {
      token: clerk,
      body: reception([{ registration: again, headcount: 1, onTheSpot: { measure: '登记' } }]),
      headers: { 'accept-language': 'en' },
    });
    expect(posted.status).toBe(400);
    expect(posted.body.errors).toEqual([
      {
        path: 'visits.0.registration',
        message: `the petitioner already has an open case of this category, ${first.body.number}: give its caseId instead`,
      },
    ]);
  });

  it('answers a retry with the same Idempotency-Key with the same reception, writing it once', async () => {
    const linked = await windowCase();
    const body = reception(
      [visitOn(linked), { registration: registration(), headcount: 3, onTheSpot: { measure: '登记' } }],
      {
        period: 'afternoon',
      },
    );
    const headers = { 'idempotency-key': 'rcp-retry-1' };
    const first = await h.request('POST', '/v1/receptions', { token: clerk, body, headers });
    expect(first.status, first.text).toBe(201);
    const second = await h.request('POST', '/v1/receptions', { token: clerk, body, headers });
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    const listed = await h.request('GET', `/v1/receptions?from=${TODAY}&to=${TODAY}`, { token: clerk });
    expect(listed.body.items.filter((r: { id: string }) => r.id === first.body.id)).toHaveLength(1);
    const events = (await h.request('GET', `/v1/cases/${linked}/timeline`, { token: clerk })).body.items;
    expect(events.filter((e: { action: string }) => e.action === 'received')).toHaveLength(1);
  });
});

describe('atomicity', () => {
  it('leaves nothing half-written when the transaction fails: no reception, no new case, no event', async () => {
    const linked = await windowCase();
    const deps = h.deps;
    const cases = new CaseRepository(deps.db, deps.tables.cases);
    const grids = new GridRepository(deps.db, deps.tables.grids);
    const receptions = new ReceptionRepository(deps.db, deps.tables);
    // a linked case read at a head it no longer has, every time: its condition fails, so the whole transaction does
    const stale: typeof cases = Object.create(cases);
    stale.get = async (town, id) => {
      const record = await cases.get(town, id);
      return (
        record && { ...record, timelineHead: { ...record.timelineHead, seq: record.timelineHead.seq - 1 } }
      );
    };
    const ports = {
      cases: stale,
      grids,
      receptions,
      counters: new CounterRepository(deps.db, deps.tables.cases),
      notifications: new NotificationRepository(deps.db, deps.tables.cases),
      vault: new PersonalVault(deps.dataKeys),
      mac: deps.mac,
    };
    const principal = { kind: 'staff', userId: 'clerk-1', town: TOWN, roles: ['clerk'] } as const;
    const title = '原子性测试事项';
    const before = (await h.request('GET', `/v1/receptions?from=${TODAY}&to=${TODAY}`, { token: clerk })).body
      .items.length;
    const eventsBefore = (await h.request('GET', `/v1/cases/${linked}/timeline`, { token: clerk })).body.items
      .length;
    await expect(
      recordReception(
        ports,
        principal,
        {
          date: TODAY,
          leaderId: 'leader-1',
          period: 'day',
          visits: [
            {
              registration: registration({ title }) as ReceptionInput['visits'][number]['registration'],
              headcount: 1,
              onTheSpot: { measure: '登记' },
            },
            { caseId: linked, headcount: 1, onTheSpot: { measure: '释法' } },
          ],
        },
        { now: NOW, settings: await townSettings(deps).get(TOWN), seed: 'atomic-1' },
      ),
    ).rejects.toBeInstanceOf(ContentionError);
    const after = (await h.request('GET', `/v1/receptions?from=${TODAY}&to=${TODAY}`, { token: clerk })).body
      .items;
    expect(after).toHaveLength(before);
    const list = await h.request('GET', '/v1/cases?limit=100', { token: clerk });
    expect(list.body.items.map((c: { title: string }) => c.title)).not.toContain(title);
    expect(
      (await h.request('GET', `/v1/cases/${linked}/timeline`, { token: clerk })).body.items,
    ).toHaveLength(eventsBefore);
  });
});

describe('in the indicators and the weekly bulletin', () => {
  it('counts receptions, batches, person-times and visits settled on the spot, as the records add up', async () => {
    const listed = (await h.request('GET', `/v1/receptions?from=${TODAY}&to=${TODAY}`, { token: clerk })).body
      .items as { batches: number; personTimes: number; visits: { onTheSpot: { track?: string } }[] }[];
    expect(listed.length).toBeGreaterThanOrEqual(3);
    const byHand = {
      receptions: listed.length,
      batches: listed.reduce((n, r) => n + r.batches, 0),
      personTimes: listed.reduce((n, r) => n + r.personTimes, 0),
      settledOnTheSpot: listed.reduce(
        (n, r) => n + r.visits.filter((v) => v.onTheSpot.track === 'immediate').length,
        0,
      ),
    };
    const metrics = await h.request('GET', `/v1/metrics?from=${TODAY}&to=${TODAY}`, { token: supervisor });
    expect(metrics.status, metrics.text).toBe(200);
    expect(metrics.body.reception).toEqual(byHand);
    // the receptions above: leader-1's morning (2 batches, 14), the clerk's for leader-2 (1, 1), the retried one (2, 4)
    expect(byHand).toEqual({ receptions: 3, batches: 5, personTimes: 19, settledOnTheSpot: 3 });
    // a day without receptions counts none
    const before = await h.request('GET', '/v1/metrics?from=2026-11-30&to=2026-11-30', { token: supervisor });
    expect(before.body.reception).toEqual({ receptions: 0, batches: 0, personTimes: 0, settledOnTheSpot: 0 });
  });

  it('gives the week’s receptions against the roster, per leader, in the JSON and on the printed page', async () => {
    const today = await h.request('PUT', `/v1/reception/roster/${TODAY}`, {
      token: supervisor,
      body: { slots: [slot()] },
    });
    expect(today.status, today.text).toBe(200);
    const weekly = await h.request('GET', '/v1/reports/weekly/2026-W49', { token: supervisor });
    expect(weekly.status, weekly.text).toBe(200);
    const { reception: section } = weekly.body;
    const listed = (await h.request('GET', '/v1/receptions?from=2026-11-30&to=2026-12-06', { token: clerk }))
      .body.items as { leaderId: string; batches: number; personTimes: number }[];
    const mine = listed.filter((r) => r.leaderId === 'leader-1');
    // 1 December: leader-1 in the morning (held); 2 December: leader-1 in the morning, leader-2 in the afternoon
    expect(section).toMatchObject({ rostered: 3, held: 1, receptions: listed.length });
    expect(section.settledShare).toEqual({ numerator: 3, denominator: 5, rate: 0.6 });
    expect(section.batches).toBe(listed.reduce((n, r) => n + r.batches, 0));
    expect(section.settledShare.denominator).toBe(section.batches);
    const one = section.leaders.find((l: { leaderId: string }) => l.leaderId === 'leader-1');
    expect(one).toMatchObject({
      name: '王建国',
      rostered: 2,
      held: 1,
      receptions: mine.length,
      personTimes: mine.reduce((n, r) => n + r.personTimes, 0),
    });
    const page = await h.request('GET', '/v1/reports/weekly/2026-W49', {
      token: supervisor,
      headers: { accept: 'text/html' },
    });
    expect(page.status).toBe(200);
    expect(page.text).toContain('<h2>领导接访</h2>');
    expect(page.text).toContain(`本周排定接访 3 个时段，已接访 1 个；共接访 ${listed.length} 次`);
    expect(page.text).toContain('王建国');
    expect(page.text).not.toContain('leader-1');
  });
});
