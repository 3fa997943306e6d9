import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseRepository } from '../../lambdas/adapters/case-repository.js';
import {
  FAMILY_ACCESS,
  type FunctionAccess,
  SCHEDULED_ACCESS,
} from '../../lambdas/adapters/function-access.js';
import { PersonalVault } from '../../lambdas/adapters/personal-vault.js';
import { SettingsRepository } from '../../lambdas/adapters/settings-repository.js';
import { QUERY_CODE_FIELD } from '../../lambdas/domain/citizen.js';
import type { SealedPersonalData } from '../../lambdas/domain/personal.js';
import type { TownWork } from '../../lambdas/domain/schedules.js';
import { createTownScheduleHandler } from '../../lambdas/handlers/town-schedule.js';
import { ROUTES, routeKey } from '../../lambdas/http/routes.js';
import { startRecompute } from '../../lambdas/usecases/recompute-deadlines.js';
import { runSweep } from '../../lambdas/usecases/sweep.js';
import { sweepDeps } from '../../lambdas/usecases/sweep-deps.js';
import { AccessRecorder, type Caller } from '../support/access-recorder.js';
import {
  caseBody,
  createHarness,
  type Harness,
  type TestResponse,
  validIdNumber,
} from '../support/harness.js';
import { declaredPermissions } from '../support/iam.js';
import { FORM, requestForm } from '../support/open311.js';

/**
 * Least privilege, checked against the code: every route of every family is walked through the real handlers (and the
 * sweep and the town work are run), a recorder on the DynamoDB client noting each action as IAM authorises it (each
 * item of a transaction, each table of a batch), with every keyed hash, data-key call and publish. Each function must
 * use nothing its declaration (lambdas/adapters/function-access.ts) does not grant, and must use everything it does:
 * the stack grants the declaration (test/infra/least-privilege.test.ts), so a grant nobody uses is one too many.
 */

const TOWN = 'town-a';
const T0 = new Date('2026-11-02T02:00:00Z');
const DAY_MS = 24 * 60 * 60 * 1000;
const day = (n: number) => new Date(T0.getTime() + n * DAY_MS);

const ACCESS: Record<Caller, FunctionAccess> = { ...FAMILY_ACCESS, ...SCHEDULED_ACCESS };
const CALLERS = Object.keys(ACCESS) as Caller[];

const recorder = new AccessRecorder();
let h: Harness;
const PEOPLE = {
  admin: ['admin', 'admin-1'],
  clerk: ['clerk', 'clerk-1'],
  worker: ['grid_worker', 'worker-1'],
  handler: ['handler', 'handler-1'],
  leader: ['leader', 'leader-1'],
  supervisor: ['supervisor', 'supervisor-1'],
  citizen: ['petitioner', 'citizen-1'],
} as const;
const tokens = {} as Record<keyof typeof PEOPLE, string>;
let seq = 0;

/** A call whose status must be `status`, with the answer's text on failure. */
async function call(
  status: number,
  method: string,
  path: string,
  options: Parameters<Harness['request']>[2] = {},
): Promise<TestResponse> {
  const response = await h.request(method, path, options);
  expect(response.status, `${method} ${path}: ${response.text}`).toBe(status);
  return response;
}

/** A petitioner not seen before, with an ID number and a phone (each makes a blind-index item). */
const petitioner = (n = ++seq) => ({
  name: `村民${n}`,
  idNumber: validIdNumber(300 + n),
  phone: `1390000${String(n).padStart(4, '0')}`,
});

const register = async (overrides: Record<string, unknown> = {}, token = tokens.clerk) =>
  (
    await call(201, 'POST', '/v1/cases', {
      token,
      body: caseBody({ petitioners: [petitioner()], ...overrides }),
    })
  ).body as { id: string; version: number; number: string; queryCode: string };

const command = async (id: string, name: string, version: number, body: unknown, token = tokens.clerk) =>
  (
    await call(200, 'POST', `/v1/cases/${id}/${name}`, {
      token,
      body,
      headers: { 'if-match': `"${version}"` },
    })
  ).body as { version: number };

/** A POST with an Idempotency-Key, then the same again (replayed from the record, not run twice). */
async function twice(status: number, path: string, token: string, body: unknown, key: string) {
  const first = await call(status, 'POST', path, { token, body, headers: { 'idempotency-key': key } });
  await call(status, 'POST', path, { token, body, headers: { 'idempotency-key': key } });
  return first;
}

/** Runs the sweep until nothing more is due (a case may have several steps due at once). */
async function sweepAt(at: Date) {
  h.setNow(at);
  const sweep = sweepDeps({ ...h.deps, publisher: recorder.publisher() });
  for (let run = 0; run < 10; run++)
    if ((await recorder.as('sweep', () => runSweep(sweep, at))).due === 0) return;
  throw new Error('the sweep never settled');
}

/** One kind of town work; with SNS down the run fails, as it should, keeping its messages in the outbox. */
async function townWork(kind: TownWork, options: { snsDown?: boolean } = {}) {
  const run = () =>
    recorder.as('townWork', () =>
      createTownScheduleHandler({ ...h.deps, publisher: recorder.publisher() }, [TOWN])({ kind }),
    );
  if (!options.snsDown) return run();
  await expect(recorder.publishesFailing(run)).rejects.toThrow(/scheduled work failed/);
}

async function walkGrids(): Promise<{ a: string; b: string; e: string; helper: string }> {
  const { admin, worker } = tokens;
  const c = await twice(201, '/v1/grids', admin, { name: '第一综合网格', level: 'comprehensive' }, 'grid-c');
  const a = (
    await call(201, 'POST', '/v1/grids', {
      token: admin,
      body: { name: '东村网格', level: 'village', parentId: c.body.id },
    })
  ).body.id as string;
  const b = (
    await call(201, 'POST', '/v1/grids', {
      token: admin,
      body: { name: '西村网格', level: 'village', parentId: c.body.id },
    })
  ).body.id as string;
  // a refused POST: its idempotency record goes again
  await call(400, 'POST', '/v1/grids', {
    token: admin,
    body: { level: 'village' },
    headers: { 'idempotency-key': 'grid-bad' },
  });
  await call(200, 'GET', '/v1/grids', { token: admin });
  await call(200, 'GET', `/v1/grids/${a}`, { token: admin });
  await call(200, 'PATCH', `/v1/grids/${a}`, { token: admin, body: { name: '东村综合网格' } });
  // a move: the grid has no cases yet (Query on the grid-path index), its subtree moves in one transaction
  const e = (
    await call(201, 'POST', '/v1/grids', {
      token: admin,
      body: { name: '第二综合网格', level: 'comprehensive' },
    })
  ).body.id as string;
  const d = (
    await call(201, 'POST', '/v1/grids', {
      token: admin,
      body: { name: '南村网格', level: 'village', parentId: c.body.id },
    })
  ).body.id as string;
  await call(200, 'PATCH', `/v1/grids/${d}`, { token: admin, body: { parentId: e } });
  await call(200, 'PUT', `/v1/grids/${a}/workers/worker-1`, { token: admin });
  await call(200, 'PUT', `/v1/grids/${a}/workers/worker-9`, { token: admin });
  await call(204, 'DELETE', `/v1/grids/${a}/workers/worker-9`, { token: admin });
  for (const [userId, role] of [
    ['leader-1', 'leader'],
    ['supervisor-1', 'supervisor'],
    ['handler-1', 'handler'],
  ] as const)
    await call(200, 'PUT', `/v1/staff/${userId}`, {
      token: admin,
      body: { name: `${role}一`, roles: [role], contact: { channel: 'inbox' } },
    });
  await call(200, 'GET', '/v1/staff', { token: admin });
  // the town and the deployment's towns by name, from their settings
  await call(200, 'GET', '/v1/towns', { token: admin });
  // a patrol with a finding: the finding is registered as a case in the patrol's transaction
  const { channel: _channel, ...finding } = caseBody({ petitioners: [petitioner()] });
  await twice(
    201,
    `/v1/grids/${a}/patrols`,
    worker,
    { date: '2026-11-02', households: 12, findings: [finding] },
    'patrol-1',
  );
  await call(200, 'GET', `/v1/grids/${a}/patrols?from=2026-11-01&to=2026-11-02`, { token: worker });

  // the helper directory: a lawyer (the phone sealed), listed (all, and by kind), read and changed
  const helper = (
    await call(201, 'POST', '/v1/helpers', {
      token: admin,
      body: { name: '周律师', kind: 'lawyer', unit: '枫桥律师事务所', phone: '13811112222' },
    })
  ).body as { id: string };
  await call(200, 'GET', '/v1/helpers', { token: admin });
  await call(200, 'GET', '/v1/helpers?kind=lawyer', { token: admin });
  await call(200, 'GET', `/v1/helpers/${helper.id}`, { token: admin });
  await call(200, 'PATCH', `/v1/helpers/${helper.id}`, {
    token: admin,
    body: { unit: '诸暨市法律援助中心', phone: '13811113333' },
    headers: { 'if-match': '"1"' },
  });
  return { a, b, e, helper: helper.id };
}

async function walkAdmin() {
  const { admin } = tokens;
  const policy = await call(200, 'GET', '/v1/admin/policy', { token: admin });
  // closed cases keep personal data 30 days, so the retention run below has one to erase
  await call(200, 'PUT', '/v1/admin/policy', {
    token: admin,
    body: { ...policy.body, retentionDaysAfterClosure: 30 },
  });
  await call(200, 'GET', '/v1/admin/calendar/2026', { token: admin });
  await call(200, 'PUT', '/v1/admin/calendar/2030', {
    token: admin,
    body: { year: 2030, holidays: ['2030-01-01'], swappedWorkdays: [] },
  });
  const issued = await call(201, 'POST', '/v1/admin/open311-keys', {
    token: admin,
    body: { name: '街道随手拍' },
  });
  const second = await call(201, 'POST', '/v1/admin/open311-keys', {
    token: admin,
    body: { name: '待吊销的应用' },
  });
  // issuing takes no Idempotency-Key (the key is shown once): refused, and the idempotency layer never sees it
  await call(400, 'POST', '/v1/admin/open311-keys', {
    token: admin,
    body: { name: '重复签发' },
    headers: { 'idempotency-key': 'key-1' },
  });
  await call(200, 'GET', '/v1/admin/open311-keys', { token: admin });
  await call(200, 'DELETE', `/v1/admin/open311-keys/${second.body.keyId}`, { token: admin });
  return issued.body.apiKey as string;
}

/** Cases: intake, every list source, reads, notes and commands. Returns a closed case and a window case's code. */
async function walkCases(grids: { a: string; b: string; e: string; helper: string }) {
  const { clerk, worker, leader, handler } = tokens;
  const repeated = petitioner();
  const first = await register({ gridId: grids.a, petitioners: [repeated] });
  await command(first.id, 'withdraw', 1, { reason: '已私下和解' });
  // the same petitioner again: the earlier (withdrawn) case is found by the blind index
  const worked = (
    await twice(201, '/v1/cases', clerk, caseBody({ gridId: grids.a, petitioners: [repeated] }), 'case-1')
  ).body as { id: string; number: string };
  await call(400, 'POST', '/v1/cases', {
    token: clerk,
    body: { kind: 'petition' },
    headers: { 'idempotency-key': 'case-bad' },
  });
  await register({ gridId: grids.a }, worker);
  // a transfer to another town of the deployment (转送): the sending case's data opened (Decrypt), sealed anew there
  const moved = await register({ petitioners: [petitioner()] });
  await command(moved.id, 'transfer', moved.version, { toTown: 'town-b' });

  // accepted with an assignee (a relation item, an assignment notice), owned, reassigned (the old relation goes),
  // answered, rated and closed
  let v = (await command(worked.id, 'accept', 1, { track: 'coordinated', assigneeId: 'handler-1' })).version;
  v = (
    await command(
      worked.id,
      'own',
      v,
      {
        leaderId: 'leader-1',
        team: ['team-1'],
        plan: { tasks: ['查明欠薪数额'], responsibilities: ['劳动保障所'], measures: ['约谈用工方'] },
      },
      leader,
    )
  ).version;
  v = (await command(worked.id, 'classify', v, { repeatOf: first.id, reason: '同一当事人重复信访' })).version;
  v = (await command(worked.id, 'assign', v, { assigneeId: 'handler-2', note: '改由二号承办' })).version;
  await call(201, 'POST', `/v1/cases/${worked.id}/notes`, { token: clerk, body: { text: '已约谈用工方' } });
  v = (
    await command(
      worked.id,
      'reply',
      v,
      { outcome: 'resolved', opinion: '已督促支付工资' },
      await h.token('handler', 'handler-2'),
    )
  ).version;
  v = (await command(worked.id, 'rate', v, { rating: 'satisfied' })).version;
  await command(worked.id, 'close', v, {});

  // open, owned by the leader (the weekly bulletin reads the cases leaders own), with the lawyer on the team
  const open = await register({ gridId: grids.b });
  const accepted = await command(open.id, 'accept', 1, { track: 'coordinated', assigneeId: 'handler-1' });
  await command(
    open.id,
    'own',
    accepted.version,
    {
      leaderId: 'leader-1',
      team: [],
      helpers: [grids.helper],
      plan: { tasks: ['调查'], responsibilities: ['司法所'], measures: ['法律释明'] },
    },
    leader,
  );

  for (const query of [
    '',
    '?status=accepted',
    `?gridId=${grids.a}`,
    '?assignee=handler-1',
    `?number=${worked.number}`,
  ])
    await call(200, 'GET', `/v1/cases${query}`, { token: clerk });
  await call(200, 'GET', '/v1/cases', { token: worker });
  await call(200, 'GET', '/v1/cases?assignee=me', { token: handler });
  await call(200, 'GET', `/v1/cases/${worked.id}`, { token: clerk });
  await call(200, 'GET', `/v1/cases/${worked.id}/timeline?verify=true`, { token: clerk });
  await call(404, 'GET', '/v1/cases/no-such-case', { token: clerk });

  // registered and left alone: its acknowledgement runs late, for the sweep
  const late = await register();
  const withdrawn = await register();
  await command(withdrawn.id, 'withdraw', 1, { reason: '已私下和解' });
  return { worked, late, withdrawn, first };
}

/** People's mediation: put to the village committee, a session, the agreement; a hand-off and its return. */
async function walkMediation(grids: { a: string; helper: string }): Promise<string> {
  const { clerk } = tokens;
  const dispute = await register({
    gridId: grids.a,
    kind: 'dispute',
    category: 'neighbor',
    respondent: { name: '李四', kind: 'person' },
  });
  let v = (await command(dispute.id, 'accept', 1, { track: 'coordinated' })).version;
  v = (
    await command(dispute.id, 'mediate', v, {
      committee: 'village',
      mediatorIds: [grids.helper],
      parties: { petitioners: [0], respondent: true },
    })
  ).version;
  await call(201, 'POST', `/v1/cases/${dispute.id}/mediation/sessions`, {
    token: clerk,
    body: {
      heldAt: h.deps.now().toISOString(),
      place: '村调解室',
      present: ['张三', '李四'],
      said: '双方陈述',
    },
  });
  v = (
    await command(dispute.id, 'agree', v, {
      form: 'written',
      facts: '围墙越界',
      disputed: '围墙位置',
      responsibilities: '李四承担主要责任',
      terms: ['李四拆除越界部分'],
      performance: { how: '自行拆除', by: '2026-12-10' },
    })
  ).version;
  v = (
    await command(dispute.id, 'hand-off', v, {
      line: 'legal_aid',
      unit: '县法律援助中心',
      dueDate: '2026-12-10',
    })
  ).version;
  await command(dispute.id, 'hand-off-result', v, { handOffId: 'h1', accepted: true, result: '已指派律师' });
  return dispute.id;
}

async function walkPrivacy(
  cases: { worked: { id: string }; withdrawn: { id: string }; mediated: string },
  helper: string,
) {
  const { clerk, worker, supervisor, admin, leader } = tokens;
  // the agreement as JSON (masked), and its page for signing (the parties unsealed, logged like a reveal)
  await call(200, 'GET', `/v1/cases/${cases.mediated}/agreement`, { token: leader });
  await call(200, 'GET', `/v1/cases/${cases.mediated}/agreement`, {
    token: clerk,
    headers: { accept: 'text/html' },
  });
  await call(200, 'POST', `/v1/helpers/${helper}/reveal`, {
    token: leader,
    body: { purpose: '包案前联系律师' },
  });
  await call(200, 'POST', `/v1/cases/${cases.worked.id}/reveal`, {
    token: clerk,
    body: { purpose: '电话回访核实身份' },
  });
  // a reveal takes no Idempotency-Key: refused, and the idempotency layer never sees it
  await call(400, 'POST', `/v1/cases/${cases.worked.id}/reveal`, {
    token: clerk,
    body: { purpose: '电话回访核实身份' },
    headers: { 'idempotency-key': 'reveal-1' },
  });
  // a grid worker's scope is read first
  await call(403, 'POST', `/v1/cases/${cases.worked.id}/reveal`, {
    token: worker,
    body: { purpose: '核实' },
  });
  await call(200, 'GET', '/v1/audit/reveals?from=2026-11-01&to=2026-11-02', { token: supervisor });
  // an erasure refused (a stale version): its idempotency record goes again
  await call(412, 'POST', `/v1/cases/${cases.worked.id}/erase`, {
    token: admin,
    body: { reason: '当事人申请删除个人信息' },
    headers: { 'if-match': '"0"', 'idempotency-key': 'erase-stale' },
  });
  await call(200, 'POST', `/v1/cases/${cases.withdrawn.id}/erase`, {
    token: admin,
    body: { reason: '当事人申请删除个人信息' },
    headers: { 'if-match': '"2"', 'idempotency-key': 'erase-1' },
  });
}

async function walkCitizen(windowCase: { queryCode: string }) {
  const { citizen } = tokens;
  const { channel: _channel, ...online } = caseBody({ category: 'neighbor', petitioners: [petitioner()] });
  const filed = await twice(201, '/v1/public/petitions', citizen, online, 'petition-1');
  await call(200, 'GET', '/v1/me/cases', { token: citizen });
  await call(200, 'GET', `/v1/me/cases/${filed.body.id}`, { token: citizen });
  await call(200, 'POST', '/v1/me/cases/claim', {
    token: citizen,
    body: { queryCode: windowCase.queryCode },
  });
  // a claim never goes through the idempotency layer (its body is the query code): the key is not used
  await call(404, 'POST', '/v1/me/cases/claim', {
    token: citizen,
    body: { queryCode: 'AAAA-BBBB-CCCC' },
    headers: { 'idempotency-key': 'claim-bad' },
  });
  // a refused online petition: its idempotency record goes again
  await call(400, 'POST', '/v1/public/petitions', {
    token: citizen,
    body: { kind: 'petition' },
    headers: { 'idempotency-key': 'petition-bad' },
  });
  const inbox = await call(200, 'GET', '/v1/me/notifications', { token: citizen });
  const id = inbox.body.items[0]?.id as string | undefined;
  expect(id, 'the citizen was told of their petition').toBeDefined();
  await call(204, 'POST', `/v1/me/notifications/${id}/read`, { token: citizen });
  return filed.body as { queryCode: string };
}

async function walkPublic(filed: { queryCode: string }) {
  await call(200, 'GET', '/v1/health');
  await call(200, 'GET', '/v1/openapi.json');
  await call(200, 'GET', '/v1/catalog', { token: tokens.citizen });
  await call(200, 'GET', `/v1/public/track/${filed.queryCode}`);
  await call(404, 'GET', '/v1/public/track/AAAA-BBBB-CCCC');
}

async function walkReports() {
  const { leader } = tokens;
  await call(200, 'GET', '/v1/metrics?from=2026-11-01&to=2026-11-02', { token: leader });
  await call(200, 'GET', '/v1/reports/daily/2026-11-01', { token: leader });
  await call(200, 'GET', '/v1/reports/weekly/2026-W45', { token: leader });
  await call(200, 'GET', '/v1/reports/monthly/2026-11', { token: leader });
  await call(200, 'GET', '/v1/reports/yearly/2026', { token: leader });
  await call(200, 'GET', '/v1/reports/yearly/2026', { token: leader, headers: { accept: 'text/html' } });
}

/** The city's view: its metrics and bulletins, the town's bulletins, lists and a case, and a supervision (督办). */
async function walkCity(cases: { late: { id: string }; withdrawn: { id: string } }) {
  const token = await h.token('city_supervisor', 'city-1', TOWN, { towns: [TOWN] });
  const get = (path: string, headers: Record<string, string> = {}) =>
    call(200, 'GET', path, { token, headers });
  await get('/v1/city/metrics?from=2026-11-01&to=2026-11-02');
  await get('/v1/city/reports/weekly/2026-W45');
  await get('/v1/city/reports/monthly/2026-11', { accept: 'text/html' });
  await get(`/v1/city/towns/${TOWN}/reports/weekly/2026-W45`);
  await get(`/v1/city/towns/${TOWN}/reports/monthly/2026-11`, { accept: 'text/html' });
  for (const view of ['overdue', 'at-risk', 'backlog'])
    await get(`/v1/city/towns/${TOWN}/cases?view=${view}`);
  await get(`/v1/city/towns/${TOWN}/cases/${cases.late.id}`);
  const path = (id: string) => `/v1/city/towns/${TOWN}/cases/${id}/supervise`;
  const body = { note: '请抓紧办理并报告' };
  await call(201, 'POST', path(cases.late.id), { token, body, headers: { 'idempotency-key': 'city-1' } });
  // a withdrawn case is no longer open: the refusal's idempotency record goes again
  await call(409, 'POST', path(cases.withdrawn.id), {
    token,
    body,
    headers: { 'idempotency-key': 'city-2' },
  });
}

/** The reception roster, planned and read (by staff and the public), and a reception on a case and a new one. */
async function walkReception(caseId: string) {
  const { supervisor, clerk, leader } = tokens;
  const slots = [{ leaderId: 'leader-1', period: 'morning', place: '接待中心', kind: 'window' }];
  await call(200, 'PUT', '/v1/reception/roster/2026-11-03', { token: supervisor, body: { slots } });
  await call(200, 'GET', '/v1/reception/roster?from=2026-11-01&to=2026-11-30', { token: clerk });
  await call(200, 'GET', `/v1/public/reception/roster?from=2026-11-01&to=2026-11-30&town=${TOWN}`);
  const { channel: _channel, ...registration } = caseBody({ petitioners: [petitioner()] });
  const body = {
    date: '2026-11-02',
    leaderId: 'leader-1',
    period: 'morning',
    visits: [
      { caseId, headcount: 2, onTheSpot: { measure: '释法说理', track: 'immediate' } },
      { registration, headcount: 6, onTheSpot: { measure: '现场登记' } },
    ],
  };
  await twice(201, '/v1/receptions', clerk, body, 'reception-1');
  await call(400, 'POST', '/v1/receptions', {
    token: leader,
    body: { ...body, visits: [] },
    headers: { 'idempotency-key': 'reception-bad' },
  });
  await call(200, 'GET', '/v1/receptions?from=2026-11-01&to=2026-11-30&leaderId=leader-1', { token: leader });
}

/** A consultation scheduled (once by a leader who also patrols a grid), listed, read, minuted, a decision done. */
async function walkMeetings(caseId: string) {
  const { admin, leader, supervisor, handler } = tokens;
  for (const [userId, name, roles] of [
    ['leader-1', '王书记', ['leader']],
    ['handler-1', '赵调解', ['handler']],
  ] as const)
    await call(200, 'PUT', `/v1/staff/${userId}`, { token: admin, body: { name, roles } });
  const body = (chairId: string) => ({
    kind: 'consultation',
    date: '2026-11-02',
    chairId,
    participants: { people: ['handler-1'], units: ['县人社局'] },
    caseIds: [caseId],
    agenda: '会商欠薪化解',
  });
  const meeting = (await twice(201, '/v1/meetings', leader, body('leader-1'), 'meeting-1')).body.id as string;
  const patrolling = await h.token(['leader', 'grid_worker'], 'leader-1', TOWN);
  await call(201, 'POST', '/v1/meetings', { token: patrolling, body: body('leader-1') });
  await call(200, 'GET', '/v1/meetings?from=2026-11-01&to=2026-11-30', { token: supervisor });
  await call(200, 'GET', `/v1/meetings/${meeting}`, { token: handler });
  const decisions = [
    { text: '核实工资台账', ownerId: 'handler-1', dueDate: '2026-11-09', caseId },
    { text: '约谈施工方', ownerId: 'leader-1', dueDate: '2026-11-20' },
  ];
  await twice(
    201,
    `/v1/meetings/${meeting}/minutes`,
    leader,
    { summary: '议定两项', decisions },
    'minutes-1',
  );
  // minutes twice: refused, and the refused request's idempotency record is deleted
  await call(409, 'POST', `/v1/meetings/${meeting}/minutes`, {
    token: leader,
    body: { summary: '再次', decisions },
    headers: { 'idempotency-key': 'minutes-2' },
  });
  await call(200, 'POST', `/v1/meetings/${meeting}/decisions/2/done`, {
    token: leader,
    body: { note: '已约谈' },
  });
}

/** Evidence on a case: a letter declared (twice, with one key), uploaded, completed and downloaded; a wrong file. */
async function walkAttachments(caseId: string) {
  const { clerk, worker } = tokens;
  const letter = Buffer.from('%PDF-1.7 来信扫描件');
  const declaration = {
    kind: 'letter',
    contentType: 'application/pdf',
    size: letter.length,
    sha256: createHash('sha256').update(letter).digest('hex'),
  };
  const path = `/v1/cases/${caseId}/attachments`;
  const declared = await twice(201, path, clerk, declaration, 'attachment-1');
  expect(
    (
      await fetch(declared.body.uploadUrl, {
        method: 'PUT',
        headers: declared.body.uploadHeaders,
        body: letter,
      })
    ).status,
  ).toBe(200);
  await call(200, 'POST', `${path}/${declared.body.id}/complete`, { token: clerk });
  await call(200, 'GET', path, { token: worker });
  await call(200, 'GET', `${path}/${declared.body.id}?purpose=${encodeURIComponent('核对来信原件')}`, {
    token: clerk,
  });
  // a refused declaration: its idempotency record goes again
  await call(400, 'POST', path, {
    token: clerk,
    body: { ...declaration, size: 0 },
    headers: { 'idempotency-key': 'attachment-bad' },
  });
  // a file that is not the one declared: deleted with its record
  const wrong = await call(201, 'POST', path, {
    token: clerk,
    body: { ...declaration, sha256: 'ab'.repeat(32) },
  });
  expect(
    (await fetch(wrong.body.uploadUrl, { method: 'PUT', headers: wrong.body.uploadHeaders, body: letter }))
      .status,
  ).toBe(200);
  await call(409, 'POST', `${path}/${wrong.body.id}/complete`, { token: clerk });
}

async function walkOpen311(apiKey: string) {
  for (const path of [
    '/open311/discovery.xml',
    '/open311/discovery.json',
    `/open311/v2/services.xml?jurisdiction_id=${TOWN}`,
    `/open311/v2/services.json?jurisdiction_id=${TOWN}`,
    `/open311/v2/services/environment.json?jurisdiction_id=${TOWN}`,
  ])
    await call(200, 'GET', path);
  const form = (overrides: Record<string, string> = {}) =>
    new URLSearchParams(requestForm(apiKey, { jurisdiction_id: TOWN, ...overrides })).toString();
  const filed = await call(201, 'POST', '/open311/v2/requests.json', {
    rawBody: form(),
    headers: { 'content-type': FORM },
  });
  await call(201, 'POST', '/open311/v2/requests.xml', {
    rawBody: form({ phone: '13800000001' }),
    headers: { 'content-type': FORM },
  });
  const id = filed.body[0].service_request_id as string;
  await call(200, 'GET', `/open311/v2/requests.json?jurisdiction_id=${TOWN}`);
  await call(200, 'GET', `/open311/v2/requests.xml?jurisdiction_id=${TOWN}&service_request_id=${id}`);
  await call(200, 'GET', `/open311/v2/requests/${id}.json?jurisdiction_id=${TOWN}`);
  // the request's token is its query code, kept sealed on the case (read here outside any function)
  const record = await new CaseRepository(h.deps.db, h.tables.cases).get(TOWN, id);
  const opened = await new PersonalVault(h.deps.dataKeys).open(
    TOWN,
    id,
    record?.personal as SealedPersonalData,
    [QUERY_CODE_FIELD],
  );
  await call(200, 'GET', `/open311/v2/tokens/${opened[QUERY_CODE_FIELD]}.json?jurisdiction_id=${TOWN}`);
}

beforeAll(async () => {
  // a deployment of two towns: a case may be transferred to the other
  h = await createHarness({ now: T0, recorder, towns: [TOWN, 'town-b'] });
  for (const [name, [role, sub]] of Object.entries(PEOPLE))
    tokens[name as keyof typeof PEOPLE] = await h.token(role, sub, TOWN);

  const grids = await walkGrids();
  const apiKey = await walkAdmin();
  const cases = await walkCases(grids);
  await walkAttachments(cases.first.id);
  const mediated = await walkMediation(grids);
  await walkPrivacy({ ...cases, mediated }, grids.helper);
  const filed = await walkCitizen(cases.late);
  await walkPublic(filed);
  await walkReports();
  await walkCity(cases);
  await walkReception(cases.first.id);
  await walkMeetings(cases.first.id);
  // the day before a reception slot, its leader hears of it
  await townWork('reception');
  await walkOpen311(apiKey);
  // a grid with cases does not move (Query on the grid-path index finds one)
  await call(409, 'PATCH', `/v1/grids/${grids.a}`, { token: tokens.admin, body: { parentId: grids.e } });

  // SNS is down for the first sweeps (a warning, then the overdue step): their notices stay in the outbox, for the
  // town work to publish with its own
  await recorder.publishesFailing(() => sweepAt(day(9)));
  await recorder.publishesFailing(() => sweepAt(day(18)));
  h.setNow(day(29));
  for (const kind of ['daily', 'weekly', 'monthly'] as const) await townWork(kind);
  // a month after the worked case closed, retention erases its personal data; the same night carries on a
  // recomputation of deadlines that a stored calendar started and its request did not finish
  h.setNow(day(31));
  await startRecompute(
    new SettingsRepository(h.deps.db, h.deps.tables.grids),
    TOWN,
    'calendar 2030 stored',
    day(31),
  );
  await townWork('retention');

  // new milestones and notices, and a bulletin that could not be published: the next sweep publishes them all
  const later = await register();
  await command(later.id, 'accept', 1, { track: 'immediate', assigneeId: 'handler-1' });
  await register();
  await call(200, 'GET', '/v1/reports/monthly/2026-11', { token: tokens.leader });
  await townWork('daily', { snsDown: true });
  await sweepAt(day(55));
}, 180_000);

afterAll(() => h?.close());

describe('the walk', () => {
  it('called every route of the route table', () => {
    const missing = ROUTES.map(routeKey).filter((key) => !recorder.routes.has(key));
    expect(missing, 'walk these routes here, so their families’ grants are checked').toEqual([]);
  });
});

describe.each(CALLERS)('the %s function', (caller) => {
  it('uses nothing it is not granted', () => {
    const declared = new Set(declaredPermissions(ACCESS[caller]));
    expect(recorder.permissionsUsed(caller, ACCESS[caller]).filter((p) => !declared.has(p))).toEqual([]);
  });

  it('is granted nothing it does not use', () => {
    const used = new Set(recorder.permissionsUsed(caller, ACCESS[caller]));
    expect(declaredPermissions(ACCESS[caller]).filter((p) => !used.has(p))).toEqual([]);
  });
});

describe('the public function', () => {
  it('writes only the per-minute counters of query-code misses', () => {
    const writes = recorder.uses.filter(
      (use) => use.caller === 'public' && /Put|Update|Delete|BatchWrite/.test(use.action),
    );
    expect(writes.length).toBeGreaterThan(0);
    expect(new Set(writes.map((use) => use.action))).toEqual(new Set(['dynamodb:UpdateItem']));
    for (const use of writes) expect(use.partitionKey).toMatch(/^RATE#/);
  });
});
