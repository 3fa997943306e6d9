import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseBody, createHarness, type Harness } from '../support/harness.js';

/**
 * Joint meetings and consultations: scheduled by a leader or the petition office, minutes recorded once with their
 * decisions (a decision tied to a case lands on its timeline in the same transaction), a decision done once.
 */

const TOWN = 'town-mt';
const OTHER = 'town-mx';
const NOW = new Date('2026-12-03T02:00:00Z'); // 10:00 Beijing time, 3 December
let h: Harness;
const t = {} as Record<
  'admin' | 'leader' | 'supervisor' | 'clerk' | 'handler' | 'worker' | 'citizen' | 'otherLeader',
  string
>;
let caseId: string;
let otherTownCase: string;

const meetingBody = (overrides: Record<string, unknown> = {}) => ({
  kind: 'consultation',
  date: '2026-12-03',
  chairId: 'leader-1',
  participants: { people: ['handler-1', 'supervisor-1'], units: ['县人力资源和社会保障局', '镇劳动保障所'] },
  caseIds: [caseId],
  agenda: '会商某工地欠薪群体访的化解方案',
  ...overrides,
});

const minutesBody = (overrides: Record<string, unknown> = {}) => ({
  summary: '明确由劳动保障所牵头核查工资台账，县人社局指导',
  decisions: [
    { text: '核实欠薪人数和金额', ownerId: 'handler-1', dueDate: '2026-12-10', caseId },
    { text: '约谈施工单位负责人', ownerId: 'leader-1', dueDate: '2026-12-05' },
  ],
  ...overrides,
});

async function schedule(body = meetingBody(), token = t.leader): Promise<string> {
  const created = await h.request('POST', '/v1/meetings', { token, body });
  expect(created.status, created.text).toBe(201);
  expect(created.headers.get('location')).toBe(`/v1/meetings/${created.body.id}`);
  return created.body.id;
}

beforeAll(async () => {
  h = await createHarness({ now: NOW });
  t.admin = await h.token('admin', 'admin-1', TOWN);
  t.leader = await h.token('leader', 'leader-1', TOWN);
  t.supervisor = await h.token('supervisor', 'supervisor-1', TOWN);
  t.clerk = await h.token('clerk', 'clerk-1', TOWN);
  t.handler = await h.token('handler', 'handler-1', TOWN);
  t.worker = await h.token('grid_worker', 'worker-1', TOWN);
  t.citizen = await h.token('petitioner', 'citizen-1', TOWN);
  t.otherLeader = await h.token('leader', 'leader-x', OTHER);
  const staff: [string, string, string[]][] = [
    ['leader-1', '王书记', ['leader']],
    ['supervisor-1', '李主任', ['supervisor']],
    ['handler-1', '赵调解', ['handler']],
    ['clerk-1', '钱窗口', ['clerk']],
  ];
  for (const [userId, name, roles] of staff) {
    const put = await h.request('PUT', `/v1/staff/${userId}`, { token: t.admin, body: { name, roles } });
    expect(put.status, put.text).toBe(200);
  }
  const created = await h.request('POST', '/v1/cases', { token: t.clerk, body: caseBody() });
  expect(created.status, created.text).toBe(201);
  caseId = created.body.id;
  const otherClerk = await h.token('clerk', 'clerk-x', OTHER);
  const other = await h.request('POST', '/v1/cases', { token: otherClerk, body: caseBody() });
  expect(other.status, other.text).toBe(201);
  otherTownCase = other.body.id;
});

afterAll(async () => {
  await h?.close();
});

describe('scheduling', () => {
  it('a leader schedules a consultation; it reads back with its agenda, and is listed in its date range', async () => {
    const id = await schedule();
    const read = await h.request('GET', `/v1/meetings/${id}`, { token: t.supervisor });
    expect(read.status, read.text).toBe(200);
    expect(read.body).toMatchObject({
      id,
      kind: 'consultation',
      date: '2026-12-03',
      chairId: 'leader-1',
      caseIds: [caseId],
      participants: {
        people: ['handler-1', 'supervisor-1'],
        units: ['县人力资源和社会保障局', '镇劳动保障所'],
      },
      decisions: [],
    });
    expect(read.body.minutes).toBeUndefined();
    const listed = await h.request('GET', '/v1/meetings?from=2026-12-01&to=2026-12-31', { token: t.leader });
    expect(listed.status, listed.text).toBe(200);
    expect(listed.body.items.map((m: { id: string }) => m.id)).toContain(id);
    const before = await h.request('GET', '/v1/meetings?from=2026-11-01&to=2026-11-30', { token: t.leader });
    expect(before.body.items.map((m: { id: string }) => m.id)).not.toContain(id);
  });

  it('refuses a clerk (403), an unknown chair or participant, another town’s case, a bad date', async () => {
    const clerk = await h.request('POST', '/v1/meetings', { token: t.clerk, body: meetingBody() });
    expect(clerk.status).toBe(403);
    const cases = [
      [{ chairId: 'nobody' }, 'chairId'],
      [{ participants: { people: ['stranger-9'], units: [] } }, 'participants.people.0'],
      [{ caseIds: [otherTownCase] }, 'caseIds.0'],
      [{ date: '2026-02-30' }, 'date'],
      [{ kind: 'party' }, 'kind'],
    ] as const;
    for (const [overrides, path] of cases) {
      const response = await h.request('POST', '/v1/meetings', {
        token: t.leader,
        body: meetingBody(overrides),
        headers: { 'accept-language': 'en' },
      });
      expect(response.status, `${path}: ${response.text}`).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(response.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    }
  });

  it('is invisible to another town, and to staff who take no part; a petitioner is refused', async () => {
    const id = await schedule();
    expect((await h.request('GET', `/v1/meetings/${id}`, { token: t.otherLeader })).status).toBe(404);
    expect((await h.request('GET', `/v1/meetings/${id}`, { token: t.worker })).status).toBe(404);
    expect((await h.request('GET', `/v1/meetings/${id}`, { token: t.handler })).status).toBe(200);
    expect((await h.request('GET', `/v1/meetings/${id}`, { token: t.citizen })).status).toBe(403);
    const list = await h.request('GET', '/v1/meetings?from=2026-12-01&to=2026-12-31', {
      token: t.otherLeader,
    });
    expect(list.body.items).toEqual([]);
  });
});

describe('minutes and decisions', () => {
  it('records the minutes once; the case-tied decision is on the case’s timeline, whose chain still verifies', async () => {
    const id = await schedule();
    const recorded = await h.request('POST', `/v1/meetings/${id}/minutes`, {
      token: t.leader,
      body: minutesBody(),
    });
    expect(recorded.status, recorded.text).toBe(201);
    expect(recorded.body.minutes.summary).toContain('劳动保障所');
    expect(recorded.body.decisions).toEqual([
      expect.objectContaining({ n: 1, ownerId: 'handler-1', dueDate: '2026-12-10', caseId, status: 'open' }),
      expect.objectContaining({ n: 2, ownerId: 'leader-1', dueDate: '2026-12-05', status: 'open' }),
    ]);
    // the last day ends at 24:00 Beijing time
    expect(recorded.body.decisions[0].due).toBe('2026-12-10T16:00:00.000Z');
    const timeline = await h.request('GET', `/v1/cases/${caseId}/timeline?verify=true`, {
      token: t.supervisor,
    });
    expect(timeline.status, timeline.text).toBe(200);
    expect(timeline.body.valid).toBe(true);
    const event = timeline.body.items.find((e: { action: string }) => e.action === 'meeting-decision');
    expect(event.note).toContain('核实欠薪人数和金额');
    expect(event.note).toContain('赵调解');
    expect(event.note).toContain('2026年12月10日');

    const again = await h.request('POST', `/v1/meetings/${id}/minutes`, {
      token: t.leader,
      body: minutesBody(),
      headers: { 'accept-language': 'en' },
    });
    expect(again.status).toBe(409);
    expect(again.body.type).toBe('/problems/minutes-recorded');
    expect(again.body.detail).toMatch(/recorded once/);
  });

  it('refuses an unknown owner, a due date before the meeting or not a date, another town’s case, too many', async () => {
    const id = await schedule();
    const decision = { text: '跟进', ownerId: 'handler-1', dueDate: '2026-12-10' };
    const bad = [
      [{ decisions: [{ ...decision, ownerId: 'ghost' }] }, 'decisions.0.ownerId'],
      [{ decisions: [{ ...decision, dueDate: '2026-12-02' }] }, 'decisions.0.dueDate'],
      [{ decisions: [{ ...decision, dueDate: '2026-13-01' }] }, 'decisions.0.dueDate'],
      [{ decisions: [{ ...decision, caseId: otherTownCase }] }, 'decisions.0.caseId'],
      [{ decisions: Array.from({ length: 31 }, () => decision) }, 'decisions'],
    ] as const;
    for (const [overrides, path] of bad) {
      const response = await h.request('POST', `/v1/meetings/${id}/minutes`, {
        token: t.leader,
        body: minutesBody(overrides),
      });
      expect(response.status, `${path}: ${response.text}`).toBe(400);
      expect(response.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    }
    // nothing was written by the refusals
    const read = await h.request('GET', `/v1/meetings/${id}`, { token: t.leader });
    expect(read.body.minutes).toBeUndefined();
    expect(read.body.decisions).toEqual([]);
  });

  it('refuses minutes of a meeting not yet held, and minutes by someone who neither chairs nor supervises', async () => {
    const later = await schedule(meetingBody({ date: '2026-12-20' }));
    const early = await h.request('POST', `/v1/meetings/${later}/minutes`, {
      token: t.leader,
      body: minutesBody(),
    });
    expect(early.status).toBe(409);
    expect(early.body.type).toBe('/problems/meeting-not-held');
    const id = await schedule();
    const byHandler = await h.request('POST', `/v1/meetings/${id}/minutes`, {
      token: t.handler,
      body: minutesBody(),
    });
    expect(byHandler.status).toBe(403);
    const other = await h.request('POST', `/v1/meetings/${id}/minutes`, {
      token: t.otherLeader,
      body: minutesBody(),
    });
    expect(other.status).toBe(404);
  });

  it('a decision is marked done once, by its owner; the case’s timeline says what was done', async () => {
    const id = await schedule();
    const recorded = await h.request('POST', `/v1/meetings/${id}/minutes`, {
      token: t.supervisor,
      body: minutesBody(),
    });
    expect(recorded.status, recorded.text).toBe(201);
    const byClerk = await h.request('POST', `/v1/meetings/${id}/decisions/1/done`, {
      token: t.worker,
      body: { note: '已核实' },
    });
    expect(byClerk.status).toBe(404);
    const notOwner = await h.request('POST', `/v1/meetings/${id}/decisions/2/done`, {
      token: t.handler,
      body: { note: '已约谈' },
    });
    expect(notOwner.status).toBe(403);
    const done = await h.request('POST', `/v1/meetings/${id}/decisions/1/done`, {
      token: t.handler,
      body: { note: '已核实欠薪 23 人，共 41 万元' },
    });
    expect(done.status, done.text).toBe(200);
    expect(done.body.decisions[0]).toMatchObject({
      n: 1,
      status: 'done',
      done: { note: '已核实欠薪 23 人，共 41 万元', late: false },
    });
    expect(done.body.decisions[1].status).toBe('open');
    const twice = await h.request('POST', `/v1/meetings/${id}/decisions/1/done`, {
      token: t.supervisor,
      body: { note: '再次' },
    });
    expect(twice.status).toBe(409);
    expect(twice.body.type).toBe('/problems/decision-done');
    for (const n of ['3', '0', 'x'])
      expect(
        (
          await h.request('POST', `/v1/meetings/${id}/decisions/${n}/done`, {
            token: t.supervisor,
            body: { note: '无' },
          })
        ).status,
      ).toBe(404);
    const timeline = await h.request('GET', `/v1/cases/${caseId}/timeline?verify=true`, {
      token: t.supervisor,
    });
    expect(timeline.body.valid).toBe(true);
    expect(
      timeline.body.items.some(
        (e: { action: string; note?: string }) => e.action === 'decision-done' && e.note?.includes('41 万元'),
      ),
    ).toBe(true);
  });

  it('of two concurrent marks of one decision, one is done and the other refused; a retried minutes replays', async () => {
    const id = await schedule();
    const key = { 'idempotency-key': `minutes-${id}` };
    const first = await h.request('POST', `/v1/meetings/${id}/minutes`, {
      token: t.leader,
      body: minutesBody(),
      headers: key,
    });
    expect(first.status, first.text).toBe(201);
    const retried = await h.request('POST', `/v1/meetings/${id}/minutes`, {
      token: t.leader,
      body: minutesBody(),
      headers: key,
    });
    expect(retried.status).toBe(201);
    expect(retried.body).toEqual(first.body);
    const marks = await Promise.all(
      [t.leader, t.supervisor].map((token) =>
        h.request('POST', `/v1/meetings/${id}/decisions/2/done`, { token, body: { note: '已约谈' } }),
      ),
    );
    expect(marks.map((m) => m.status).sort()).toEqual([200, 409]);
    const read = await h.request('GET', `/v1/meetings/${id}`, { token: t.leader });
    expect(read.body.decisions[1].status).toBe('done');
  });

  it('shows a decision overdue once its last day has ended (Beijing time)', async () => {
    const id = await schedule();
    const recorded = await h.request('POST', `/v1/meetings/${id}/minutes`, {
      token: t.leader,
      body: minutesBody(),
    });
    expect(recorded.status, recorded.text).toBe(201);
    h.setNow('2026-12-05T15:59:59Z'); // 23:59:59 on 5 December, Beijing time
    expect((await h.request('GET', `/v1/meetings/${id}`, { token: t.leader })).body.decisions[1].status).toBe(
      'open',
    );
    h.setNow('2026-12-05T16:00:00Z');
    expect((await h.request('GET', `/v1/meetings/${id}`, { token: t.leader })).body.decisions[1].status).toBe(
      'overdue',
    );
    h.setNow(NOW);
  });
});
