import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseRepository } from '../../lambdas/adapters/case-repository.js';
import { PersonalVault } from '../../lambdas/adapters/personal-vault.js';
import { QUERY_CODE_FIELD } from '../../lambdas/domain/citizen.js';
import type { SealedPersonalData } from '../../lambdas/domain/personal.js';
import { ROUTES, type RouteKey, routeKey } from '../../lambdas/http/routes.js';
import { caseBody, createHarness, type Harness } from '../support/harness.js';
import { FORM, requestForm } from '../support/open311.js';

/**
 * The access matrix: every route of ROUTES against every role (and another town's leader), each cell's outcome
 * written out from the contract (api-contract.md: Endpoints, Commands; domain.md: roles), not read off the code.
 *
 * The town: comprehensive grid C; village grids A and B under it; A1 a unit under A. worker-a is the grid worker of A.
 * Case A1 sits in unit A1 (registered, nobody related). Case B sits in grid B, accepted with assignee handler-b, owned
 * (包案) by leader-1 with team-1 on the team.
 *
 * Outcome classes: `ok` (2xx; for commands 2xx or a 409 rule, which both come after every access check), 403 (sees
 * it, role may not) and 404 (not found or invisible).
 *
 * The routes without an authorizer (health, OpenAPI, tracking, Open311) ignore the bearer token: every column gets
 * what anyone gets. Open311 filing is allowed by its `api_key` (issued by the town's admin), not by the caller's role.
 */

const NOW = new Date('2026-11-28T02:00:00Z');
const TODAY = '2026-11-28';
const TOWN = 'town-m';
const OTHER_TOWN = 'town-x';

const ACTORS = [
  'clerk',
  'grid_worker',
  'handler',
  'leader',
  'supervisor',
  'admin',
  'petitioner',
  'other_town_leader',
] as const;
type Actor = (typeof ACTORS)[number];
type Outcome = 'ok' | 403 | 404;

/** Who each column is. */
const PEOPLE: Record<Actor, { role: string; sub: string; town: string }> = {
  clerk: { role: 'clerk', sub: 'clerk-1', town: TOWN },
  grid_worker: { role: 'grid_worker', sub: 'worker-a', town: TOWN },
  handler: { role: 'handler', sub: 'handler-b', town: TOWN },
  leader: { role: 'leader', sub: 'leader-1', town: TOWN },
  supervisor: { role: 'supervisor', sub: 'supervisor-1', town: TOWN },
  admin: { role: 'admin', sub: 'admin-1', town: TOWN },
  petitioner: { role: 'petitioner', sub: 'citizen-1', town: TOWN },
  other_town_leader: { role: 'leader', sub: 'leader-x', town: OTHER_TOWN },
};

/**
 * One row of the table, in column order: clerk, grid_worker, handler, leader, supervisor, admin, petitioner, another
 * town's leader. `ok` allowed, `403`, `404`.
 */
function cells(spec: string): Record<Actor, Outcome> {
  const parts = spec.trim().split(/\s+/);
  if (parts.length !== ACTORS.length) throw new Error(`a row needs ${ACTORS.length} cells: ${spec}`);
  return Object.fromEntries(
    ACTORS.map((actor, i) => [actor, parts[i] === 'ok' ? 'ok' : (Number(parts[i]) as 403 | 404)]),
  ) as Record<Actor, Outcome>;
}

interface World {
  grids: { c: string; a: string; b: string; a1: string };
  caseA1: { id: string; version: number; queryCode: string };
  /** citizen-1's own case, filed online. */
  petitionerCase: string;
  /** The town's Open311 key, a request filed with it, and that request's query code (its Open311 token). */
  open311: { apiKey: string; requestId: string; token: string };
  caseB: { id: string; version: number };
  tokens: Record<Actor, string>;
  admin: string;
  clerk: string;
  leader: string;
  policy: unknown;
  /** A helper who is not staff, in this town's directory (a lawyer). */
  helper: string;
  /** A consultation without minutes, and one whose minutes took a decision (made on first use). */
  meeting: Promise<string>;
  decided: Promise<string>;
}

interface Call {
  method: string;
  path: string;
  body?: unknown;
  /** A body sent as is (Open311 posts forms). */
  rawBody?: string;
  headers?: Record<string, string>;
}

interface Probe {
  /** The ROUTES entry this row exercises. */
  route: RouteKey;
  /** What the row is about (the route, or the route with its target). */
  label: string;
  /** Commands: a 409 counts as allowed (rules are checked after access). */
  command?: boolean;
  expect: Record<Actor, Outcome>;
  /** The request for one cell; may prepare its own target first (a fresh case, an assignment to remove). */
  call(actor: Actor, allowed: boolean): Promise<Call>;
}

let h: Harness;
const world = {} as World;
let seq = 0;

const OWN_BODY = {
  leaderId: 'leader-1',
  team: ['team-1'],
  plan: { tasks: ['查明欠薪数额'], responsibilities: ['劳动保障所'], measures: ['约谈用工方'] },
};

/** A case like case B: in grid B, accepted with handler-b as assignee, owned by leader-1 with team-1. */
async function caseLikeB(extra: Record<string, unknown> = {}): Promise<{ id: string; version: number }> {
  seq += 1;
  const created = await h.request('POST', '/v1/cases', {
    token: world.clerk,
    body: caseBody({ gridId: world.grids.b, title: `欠薪${seq}`, ...extra }),
  });
  expect(created.status, created.text).toBe(201);
  const id: string = created.body.id;
  const accepted = await h.request('POST', `/v1/cases/${id}/accept`, {
    token: world.clerk,
    body: { track: 'coordinated', assigneeId: 'handler-b' },
    headers: { 'if-match': '"1"' },
  });
  expect(accepted.status, accepted.text).toBe(200);
  const owned = await h.request('POST', `/v1/cases/${id}/own`, {
    token: world.leader,
    body: OWN_BODY,
    headers: { 'if-match': '"2"' },
  });
  expect(owned.status, owned.text).toBe(200);
  return { id, version: owned.body.version };
}

const COMMAND_BODIES: Record<string, unknown> = {
  accept: { track: 'immediate' },
  decline: { reason: '不属于信访受理范围' },
  transfer: { toUnit: '县人力资源和社会保障局' },
  return: { reason: '非本镇职权事项' },
  triage: { track: 'supervised' },
  assign: { assigneeId: 'handler-b', note: '继续承办' },
  own: OWN_BODY,
  escalate: { level: 'county', reason: '涉及县级部门' },
  extend: { days: 10, reason: '需调取工资台账' },
  classify: { repeatOf: null, reason: '核实为初信初访' },
  'mark-key': { reason: '群体性欠薪矛盾' },
  'unmark-key': { reason: '欠薪已结清' },
  reply: { outcome: 'resolved', opinion: '已督促用工方支付工资' },
  rate: { rating: 'satisfied' },
  'request-review': { reason: '对答复不满意' },
  'record-review': { outcome: 'resolved', opinion: '维持原答复' },
  close: {},
  withdraw: { reason: '已私下和解' },
};

/**
 * Who may give each command on a case like B (accepted; assignee handler-b; owner leader-1), from the contract's
 * command table: roles, or the relation to the case. grid_worker-a cannot see a case in grid B (404); neither can a
 * petitioner who is not on it, nor another town.
 */
const COMMAND_TABLE: Record<string, string> = {
  //                 clerk worker handler leader sup  admin petit other
  accept: '          ok    404    403     403    ok   403   404   404',
  decline: '         ok    404    403     403    ok   403   404   404',
  transfer: '        ok    404    403     403    ok   403   404   404',
  return: '          ok    404    403     403    ok   403   404   404',
  triage: '          ok    404    403     403    ok   403   404   404',
  assign: '          ok    404    403     ok     ok   403   404   404', // leader-1 is the owner
  own: '             403   404    403     ok     ok   403   404   404',
  escalate: '        403   404    ok      ok     ok   403   404   404', // assignee, owner, supervisor
  extend: '          403   404    403     ok     403  403   404   404',
  classify: '        ok    404    403     403    ok   403   404   404',
  // 重点信访矛盾: leaders and the petition office; unmarking a case that is not key is a 409 rule, after access
  'mark-key': '      403   404    403     ok     ok   403   404   404',
  'unmark-key': '    403   404    403     ok     ok   403   404   404',
  reply: '           403   404    ok      ok     403  403   404   404', // assignee, owner
  rate: '            ok    404    403     403    403  403   404   404', // petitioner on the case, clerk
  'request-review': 'ok    404    403     403    403  403   404   404',
  'record-review': ' 403   404    403     403    ok   403   404   404',
  close: '           ok    404    403     403    ok   403   404   404',
  withdraw: '        ok    404    403     403    403  403   404   404',
};

/** mediator-b, a handler in the staff directory, mediates the cases put to mediation here (once). */
let mediatorStaffed: Promise<void> | undefined;
const mediatorOnStaff = () => {
  mediatorStaffed ??= h
    .request('PUT', '/v1/staff/mediator-b', {
      token: world.admin,
      body: { name: '赵调解', title: '镇司法所调解员', roles: ['handler'] },
    })
    .then((put) => expect(put.status, put.text).toBe(200));
  return mediatorStaffed;
};
const MEDIATE_BODY = {
  committee: 'town',
  mediatorIds: ['mediator-b'],
  parties: { petitioners: [0], respondent: true },
};
/** The employer the wage petition is about: the other party to its mediation. */
const WITH_RESPONDENT = { respondent: { name: '某建筑公司', kind: 'organization' } };
const HAND_OFF_BODY = { line: 'labor_arbitration', unit: '县劳动人事争议仲裁院', dueDate: '2099-12-31' };

/** A case like B with a step given on it by the clerk: put to mediation, or handed to labour arbitration. */
async function likeBWith(command: 'mediate' | 'hand-off'): Promise<{ id: string; version: number }> {
  await mediatorOnStaff();
  const target = await caseLikeB(WITH_RESPONDENT);
  const given = await h.request('POST', `/v1/cases/${target.id}/${command}`, {
    token: world.clerk,
    body: command === 'mediate' ? MEDIATE_BODY : HAND_OFF_BODY,
    headers: { 'if-match': `"${target.version}"` },
  });
  expect(given.status, given.text).toBe(200);
  return { id: target.id, version: given.body.version };
}
/** The case a refused mediation step is tried on: it must stay as it is. */
let mediatingB: Promise<{ id: string; version: number }> | undefined;
/** Town B's case under mediation, made once and shared by the rows that need one. */
const mediatingCaseOfB = () => {
  mediatingB ??= likeBWith('mediate');
  return mediatingB;
};
/** A case like B whose mediation reached an agreement, recorded by the clerk. */
let agreedB: Promise<string> | undefined;
const agreedLikeB = () => {
  agreedB ??= likeBWith('mediate').then(async (target) => {
    const agreed = await h.request('POST', `/v1/cases/${target.id}/agree`, {
      token: world.clerk,
      body: { form: 'oral', terms: ['支付工资'], performance: { how: '转账', by: '2099-12-31' } },
      headers: { 'if-match': `"${target.version}"` },
    });
    expect(agreed.status, agreed.text).toBe(200);
    return target.id;
  });
  return agreedB;
};

/**
 * Mediation's steps on a case like B: put to mediation by those who handle it; its later steps by its mediators
 * (none of the matrix's actors) and the clerks; a hand-off and its return by those who handle it.
 */
const MEDIATION_TABLE: Record<string, { spec: string; body: unknown; on: 'plain' | 'mediate' | 'hand-off' }> =
  {
    //                       clerk worker handler leader sup  admin petit other
    mediate: {
      spec: '       ok    404    ok      ok     ok   403   404   404',
      body: MEDIATE_BODY,
      on: 'plain',
    },
    'extend-mediation': {
      spec: '                ok    404    403     403    403  403   404   404',
      body: { days: 10, partiesConsent: true, reason: '双方同意延长' },
      on: 'mediate',
    },
    agree: {
      spec: '                ok    404    403     403    403  403   404   404',
      body: { form: 'oral', terms: ['支付工资'], performance: { how: '转账', by: '2099-12-31' } },
      on: 'mediate',
    },
    'mediation-failed': {
      spec: '                ok    404    403     403    403  403   404   404',
      body: { reason: '分歧过大', route: 'arbitration' },
      on: 'mediate',
    },
    // no agreement yet: the clerk's callback is a 409 rule, after access
    callback: {
      spec: '                ok    404    403     403    403  403   404   404',
      body: { result: 'performed', note: '已履行' },
      on: 'mediate',
    },
    'hand-off': {
      spec: '    ok    404    ok      ok     ok   403   404   404',
      body: HAND_OFF_BODY,
      on: 'plain',
    },
    'hand-off-result': {
      spec: '                ok    404    ok      ok     ok   403   404   404',
      body: { handOffId: 'h1', accepted: true, result: '已立案' },
      on: 'hand-off',
    },
  };

const path = (template: string, values: Record<string, string>) =>
  template.replace(/\{(\w+)\}/g, (_m, name: string) => values[name] ?? `{${name}}`);

/** A case registered at the window (nobody's account yet), with the query code its petitioner was given. */
async function windowCase(title: string): Promise<{ id: string; version: number; queryCode: string }> {
  seq += 1;
  const created = await h.request('POST', '/v1/cases', {
    token: world.clerk,
    body: caseBody({ title: `${title}${seq}` }),
  });
  expect(created.status, created.text).toBe(201);
  expect(created.body.queryCode).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
  return { id: created.body.id, version: created.body.version, queryCode: created.body.queryCode };
}

let leaderStaffed: Promise<void> | undefined;
/** leader-1 in the town's staff directory as a leader, for the roster and the receptions (once). */
const leaderOnStaff = () => {
  leaderStaffed ??= h
    .request('PUT', '/v1/staff/leader-1', {
      token: world.admin,
      body: { name: '王建国', title: '镇党委书记', roles: ['leader'] },
    })
    .then((put) => expect(put.status, put.text).toBe(200));
  return leaderStaffed;
};

/** A helper who is not staff: a lawyer of the town's legal aid. */
const helperBody = (name: string) => ({ name, kind: 'lawyer', unit: '枫桥律师事务所', phone: '13811112222' });

/** A helper added by the admin, at version 1. */
async function newHelper(): Promise<string> {
  seq += 1;
  const added = await h.request('POST', '/v1/helpers', {
    token: world.admin,
    body: helperBody(`律师${seq}`),
  });
  expect(added.status, added.text).toBe(201);
  return added.body.id;
}

/** An online petition's body: a case body without channel (the caller is the petitioner). */
const onlineBody = (overrides: Record<string, unknown> = {}) => {
  const { channel: _channel, ...body } = caseBody(overrides);
  return body;
};

/** An Open311 request as a client app posts it (a form), for this town. */
const open311Form = (): string =>
  new URLSearchParams(requestForm(world.open311.apiKey, { jurisdiction_id: TOWN })).toString();

let meetingStaffed: Promise<void> | undefined;
/** The people of the meetings in the staff directories: leader-1 chairs, handler-b owns, leader-x chairs in town-x. */
const meetingStaff = () => {
  meetingStaffed ??= (async () => {
    const entries: [string, string, Record<string, unknown>][] = [
      [world.admin, 'leader-1', { name: '王建国', title: '镇党委书记', roles: ['leader'] }],
      [world.admin, 'handler-b', { name: '李调解', roles: ['handler'] }],
      [world.admin, 'supervisor-1', { name: '陈主任', roles: ['supervisor'] }],
      [await h.token('admin', 'admin-x', OTHER_TOWN), 'leader-x', { name: '钱书记', roles: ['leader'] }],
    ];
    for (const [token, userId, body] of entries) {
      const put = await h.request('PUT', `/v1/staff/${userId}`, { token, body });
      expect(put.status, put.text).toBe(200);
    }
  })();
  return meetingStaffed;
};

/** A consultation on case B chaired by leader-1 with handler-b taking part; with minutes, handler-b owns decision 1. */
async function newMeeting(minutes: boolean): Promise<string> {
  await meetingStaff();
  const created = await h.request('POST', '/v1/meetings', {
    token: world.leader,
    body: {
      kind: 'consultation',
      date: TODAY,
      chairId: 'leader-1',
      participants: { people: ['handler-b'], units: ['县人力资源和社会保障局'] },
      caseIds: [world.caseB.id],
      agenda: '会商西村欠薪化解方案',
    },
  });
  expect(created.status, created.text).toBe(201);
  if (minutes) {
    const recorded = await h.request('POST', `/v1/meetings/${created.body.id}/minutes`, {
      token: world.leader,
      body: {
        summary: '议定一项',
        decisions: [{ text: '核实工资台账', ownerId: 'handler-b', dueDate: TODAY }],
      },
    });
    expect(recorded.status, recorded.text).toBe(201);
  }
  return created.body.id;
}

/** Evidence on case B: a photo declared, uploaded and stored, and one only declared (set before the table runs). */
const evidence = { photoB: '', pendingB: '' };
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('照片'.repeat(20))]);
const JPEG_DECLARATION = {
  kind: 'photo',
  contentType: 'image/jpeg',
  size: JPEG.length,
  sha256: createHash('sha256').update(JPEG).digest('hex'),
};

/** A photo on a case, declared by the clerk and uploaded through its presigned URL; stored too unless `pending`. */
async function photoOn(caseId: string, pending = false): Promise<string> {
  const declared = await h.request('POST', `/v1/cases/${caseId}/attachments`, {
    token: world.clerk,
    body: JPEG_DECLARATION,
  });
  expect(declared.status, declared.text).toBe(201);
  if (pending) return declared.body.id;
  const put = await fetch(declared.body.uploadUrl, {
    method: 'PUT',
    headers: declared.body.uploadHeaders,
    body: JPEG,
  });
  expect(put.status).toBe(200);
  const done = await h.request('POST', `/v1/cases/${caseId}/attachments/${declared.body.id}/complete`, {
    token: world.clerk,
  });
  expect(done.status, done.text).toBe(200);
  return declared.body.id;
}

function probes(): Probe[] {
  const get = (p: string) => async (): Promise<Call> => ({ method: 'GET', path: p });
  const rows: Probe[] = [
    // -- public and anyone signed in
    {
      route: 'GET /v1/health',
      label: 'GET /v1/health',
      expect: cells('ok ok ok ok ok ok ok ok'),
      call: get('/v1/health'),
    },
    {
      route: 'GET /v1/openapi.json',
      label: 'GET /v1/openapi.json',
      expect: cells('ok ok ok ok ok ok ok ok'),
      call: get('/v1/openapi.json'),
    },
    {
      route: 'GET /v1/catalog',
      label: 'GET /v1/catalog',
      expect: cells('ok ok ok ok ok ok ok ok'),
      call: get('/v1/catalog'),
    },
    {
      route: 'GET /v1/me/notifications',
      label: 'GET /v1/me/notifications',
      expect: cells('ok ok ok ok ok ok ok ok'),
      call: get('/v1/me/notifications'),
    },
    {
      // a notification that is not in the caller's inbox does not exist for them
      route: 'POST /v1/me/notifications/{id}/read',
      label: "POST /v1/me/notifications/{id}/read (someone else's)",
      expect: cells('404 404 404 404 404 404 404 404'),
      call: async () => ({
        method: 'POST',
        path: '/v1/me/notifications/20261128T020000Z-notmineatall0001/read',
      }),
    },
    {
      // no authorizer: a query code is all it takes, whoever asks (the token is not looked at)
      route: 'GET /v1/public/track/{queryCode}',
      label: 'GET /v1/public/track/{A1 case code}',
      expect: cells('ok ok ok ok ok ok ok ok'),
      call: async () => ({ method: 'GET', path: `/v1/public/track/${world.caseA1.queryCode}` }),
    },
    // -- citizens: petitioner only; a case of /v1/me is the caller's own, so for anyone else it does not exist
    {
      route: 'POST /v1/public/petitions',
      label: 'POST /v1/public/petitions',
      expect: cells('403 403 403 403 403 403 ok 403'),
      call: async (actor) => ({
        method: 'POST',
        path: '/v1/public/petitions',
        body: onlineBody({ category: 'neighbor', title: `${actor} 网上信访` }),
      }),
    },
    {
      route: 'GET /v1/me/cases',
      label: 'GET /v1/me/cases',
      expect: cells('403 403 403 403 403 403 ok 403'),
      call: get('/v1/me/cases'),
    },
    {
      route: 'GET /v1/me/cases/{id}',
      label: "GET /v1/me/cases/{citizen-1's case}",
      expect: cells('404 404 404 404 404 404 ok 404'),
      call: async () => ({ method: 'GET', path: `/v1/me/cases/${world.petitionerCase}` }),
    },
    {
      // the code of an unclaimed window case; each cell gets a case of its own, so a wrong claim takes nothing away
      route: 'POST /v1/me/cases/claim',
      label: 'POST /v1/me/cases/claim (a window case code)',
      expect: cells('403 403 403 403 403 403 ok 403'),
      call: async () => ({
        method: 'POST',
        path: '/v1/me/cases/claim',
        body: { queryCode: (await windowCase('窗口登记')).queryCode },
      }),
    },
    // -- cases
    {
      // registrars: clerk, grid_worker (in their grid), leader, supervisor; another town's leader registers in theirs
      route: 'POST /v1/cases',
      label: 'POST /v1/cases (in unit A1)',
      expect: cells('ok ok 403 ok ok 403 403 ok'),
      call: async (actor) => ({
        method: 'POST',
        path: '/v1/cases',
        body: actor === 'other_town_leader' ? caseBody() : caseBody({ gridId: world.grids.a1 }),
      }),
    },
    {
      route: 'GET /v1/cases',
      label: 'GET /v1/cases',
      expect: cells('ok ok ok ok ok ok 403 ok'),
      call: get('/v1/cases'),
    },
    {
      route: 'GET /v1/towns',
      label: 'GET /v1/towns',
      expect: cells('ok ok ok ok ok ok 403 ok'),
      call: get('/v1/towns'),
    },
    {
      route: 'GET /v1/cases/{id}',
      label: 'GET /v1/cases/{A1 case}',
      // worker of parent grid A sees it; handler-b is not related to it
      expect: cells('ok ok 404 ok ok ok 404 404'),
      call: async () => ({ method: 'GET', path: `/v1/cases/${world.caseA1.id}` }),
    },
    {
      route: 'GET /v1/cases/{id}',
      label: 'GET /v1/cases/{B case}',
      // worker of A does not see grid B; handler-b is its assignee
      expect: cells('ok 404 ok ok ok ok 404 404'),
      call: async () => ({ method: 'GET', path: `/v1/cases/${world.caseB.id}` }),
    },
    {
      route: 'GET /v1/cases/{id}/timeline',
      label: 'GET /v1/cases/{A1 case}/timeline',
      expect: cells('ok ok 404 ok ok ok 404 404'),
      call: async () => ({ method: 'GET', path: `/v1/cases/${world.caseA1.id}/timeline` }),
    },
    {
      route: 'GET /v1/cases/{id}/timeline',
      label: 'GET /v1/cases/{B case}/timeline',
      expect: cells('ok 404 ok ok ok ok 404 404'),
      call: async () => ({ method: 'GET', path: `/v1/cases/${world.caseB.id}/timeline` }),
    },
    {
      route: 'POST /v1/cases/{id}/notes',
      label: 'POST /v1/cases/{A1 case}/notes',
      expect: cells('ok ok 404 ok ok ok 404 404'),
      call: async (actor) => ({
        method: 'POST',
        path: `/v1/cases/${world.caseA1.id}/notes`,
        body: { text: `${actor} 的进展` },
      }),
    },
    {
      route: 'POST /v1/cases/{id}/notes',
      label: 'POST /v1/cases/{B case}/notes',
      expect: cells('ok 404 ok ok ok ok 404 404'),
      call: async (actor) => ({
        method: 'POST',
        path: `/v1/cases/${world.caseB.id}/notes`,
        body: { text: `${actor} 的进展` },
      }),
    },
    // -- evidence on a case: staff who see it, and the petitioner on their own online petition
    {
      route: 'POST /v1/cases/{id}/attachments',
      label: 'POST /v1/cases/{B case}/attachments',
      expect: cells('ok 404 ok ok ok ok 404 404'),
      call: async () => ({
        method: 'POST',
        path: `/v1/cases/${world.caseB.id}/attachments`,
        body: JPEG_DECLARATION,
      }),
    },
    {
      route: 'GET /v1/cases/{id}/attachments',
      label: 'GET /v1/cases/{B case}/attachments',
      expect: cells('ok 404 ok ok ok ok 404 404'),
      call: async () => ({ method: 'GET', path: `/v1/cases/${world.caseB.id}/attachments` }),
    },
    {
      route: 'GET /v1/cases/{id}/attachments',
      label: "GET /v1/cases/{citizen-1's online petition}/attachments",
      expect: cells('ok 404 404 ok ok ok ok 404'),
      call: async () => ({ method: 'GET', path: `/v1/cases/${world.petitionerCase}/attachments` }),
    },
    {
      // an allowed cell completes a photo uploaded for it; a refused one names the photo only declared
      route: 'POST /v1/cases/{id}/attachments/{attachmentId}/complete',
      label: 'POST /v1/cases/{B case}/attachments/{id}/complete',
      expect: cells('ok 404 ok ok ok ok 404 404'),
      call: async (_actor, allowed) => {
        const id = allowed ? await photoOn(world.caseB.id) : evidence.pendingB;
        return { method: 'POST', path: `/v1/cases/${world.caseB.id}/attachments/${id}/complete` };
      },
    },
    {
      route: 'GET /v1/cases/{id}/attachments/{attachmentId}',
      label: 'GET /v1/cases/{B case}/attachments/{a photo}',
      expect: cells('ok 404 ok ok ok ok 404 404'),
      call: async () => ({
        method: 'GET',
        path: `/v1/cases/${world.caseB.id}/attachments/${evidence.photoB}`,
      }),
    },
    ...Object.entries(COMMAND_TABLE).map(
      ([command, spec]): Probe => ({
        route: 'POST /v1/cases/{id}/{command}',
        label: `POST /v1/cases/{B case}/${command}`,
        command: true,
        expect: cells(spec),
        call: async (_actor, allowed) => {
          // an allowed command changes the case: give it a case of its own; a refusal must leave case B alone
          const target = allowed ? await caseLikeB() : world.caseB;
          return {
            method: 'POST',
            path: `/v1/cases/${target.id}/${command}`,
            body: COMMAND_BODIES[command],
            headers: { 'if-match': `"${target.version}"` },
          };
        },
      }),
    ),
    {
      route: 'POST /v1/cases/{id}/{command}',
      label: 'POST /v1/cases/{B case}/(unknown command)',
      expect: cells('404 404 404 404 404 404 404 404'),
      call: async () => ({
        method: 'POST',
        path: `/v1/cases/${world.caseB.id}/approve`,
        body: {},
        headers: { 'if-match': `"${world.caseB.version}"` },
      }),
    },
    ...Object.entries(MEDIATION_TABLE).map(
      ([command, { spec, body, on }]): Probe => ({
        route: 'POST /v1/cases/{id}/{command}',
        label: `POST /v1/cases/{B case}/${command}`,
        command: true,
        expect: cells(spec),
        call: async (_actor, allowed) => {
          await mediatorOnStaff();
          const target =
            on === 'plain'
              ? allowed
                ? await caseLikeB(WITH_RESPONDENT)
                : world.caseB
              : allowed
                ? await likeBWith(on)
                : await (on === 'mediate' ? mediatingCaseOfB() : likeBWith(on));
          return {
            method: 'POST',
            path: `/v1/cases/${target.id}/${command}`,
            body,
            headers: { 'if-match': `"${target.version}"` },
          };
        },
      }),
    ),
    {
      route: 'POST /v1/cases/{id}/mediation/sessions',
      label: 'POST /v1/cases/{mediated B case}/mediation/sessions',
      // the case's mediators and the clerks record sessions; handler-b handles the case but does not mediate it
      expect: cells('ok 404 403 403 403 403 404 404'),
      call: async () => ({
        method: 'POST',
        path: `/v1/cases/${(await mediatingCaseOfB()).id}/mediation/sessions`,
        body: {
          heldAt: NOW.toISOString(),
          place: '镇调解室',
          present: ['赵调解'],
          said: '听取双方陈述',
        },
      }),
    },
    {
      route: 'GET /v1/cases/{id}/agreement',
      label: 'GET /v1/cases/{agreed B case}/agreement',
      // the JSON keeps the parties masked: staff who see the case read it
      expect: cells('ok 404 ok ok ok ok 404 404'),
      call: async () => ({ method: 'GET', path: `/v1/cases/${await agreedLikeB()}/agreement` }),
    },
    {
      route: 'GET /v1/cases/{id}/agreement',
      label: 'GET /v1/cases/{agreed B case}/agreement (the page for signing)',
      // the page names the parties in clear: the case's mediators (none of the actors here) and the clerks
      expect: cells('ok 404 403 403 403 403 404 404'),
      call: async () => ({
        method: 'GET',
        path: `/v1/cases/${await agreedLikeB()}/agreement`,
        headers: { accept: 'text/html' },
      }),
    },
    // -- personal data: reveals (clerk, supervisor, the assignee), the reveal log (supervisor), erasure (admin)
    {
      route: 'POST /v1/cases/{id}/reveal',
      label: 'POST /v1/cases/{B case}/reveal',
      expect: cells('ok 404 ok 403 ok 403 404 404'),
      call: async () => ({
        method: 'POST',
        path: `/v1/cases/${world.caseB.id}/reveal`,
        body: { purpose: '电话回访需要核实身份' },
      }),
    },
    {
      route: 'POST /v1/cases/{id}/reveal',
      label: 'POST /v1/cases/{A1 case}/reveal',
      // the worker of A sees the case but is not its assignee; handler-b does not see it
      expect: cells('ok 403 404 403 ok 403 404 404'),
      call: async () => ({
        method: 'POST',
        path: `/v1/cases/${world.caseA1.id}/reveal`,
        body: { purpose: '电话回访需要核实身份' },
      }),
    },
    {
      route: 'GET /v1/audit/reveals',
      label: 'GET /v1/audit/reveals',
      expect: cells('403 403 403 403 ok 403 403 403'),
      call: get(`/v1/audit/reveals?from=2026-11-01&to=${TODAY}`),
    },
    {
      // not in the contract's table: erasure is the admin's (PIPL Art 47); an open case is a 409 rule
      route: 'POST /v1/cases/{id}/erase',
      label: 'POST /v1/cases/{B case}/erase',
      command: true,
      expect: cells('403 404 403 403 403 ok 404 404'),
      call: async (_actor, allowed) => {
        const target = allowed ? await caseLikeB() : world.caseB;
        return {
          method: 'POST',
          path: `/v1/cases/${target.id}/erase`,
          body: { reason: '保存期限届满，依法删除' },
          headers: { 'if-match': `"${target.version}"` },
        };
      },
    },
    // -- grids: admin writes, staff read
    {
      route: 'POST /v1/grids',
      label: 'POST /v1/grids',
      expect: cells('403 403 403 403 403 ok 403 403'),
      call: async (actor) => ({
        method: 'POST',
        path: '/v1/grids',
        body: { name: `${actor} 新建综合网格`, level: 'comprehensive' },
      }),
    },
    {
      route: 'GET /v1/grids',
      label: 'GET /v1/grids',
      expect: cells('ok ok ok ok ok ok 403 ok'),
      call: get('/v1/grids'),
    },
    {
      route: 'GET /v1/grids/{id}',
      label: 'GET /v1/grids/{A}',
      expect: cells('ok ok ok ok ok ok 403 404'),
      call: async () => ({ method: 'GET', path: `/v1/grids/${world.grids.a}` }),
    },
    {
      route: 'PATCH /v1/grids/{id}',
      label: 'PATCH /v1/grids/{A}',
      expect: cells('403 403 403 403 403 ok 403 404'),
      call: async () => ({ method: 'PATCH', path: `/v1/grids/${world.grids.a}`, body: { name: '东村网格' } }),
    },
    {
      route: 'PUT /v1/grids/{id}/workers/{userId}',
      label: 'PUT /v1/grids/{A}/workers/{userId}',
      expect: cells('403 403 403 403 403 ok 403 404'),
      call: async () => ({ method: 'PUT', path: `/v1/grids/${world.grids.a}/workers/probe-worker` }),
    },
    {
      route: 'DELETE /v1/grids/{id}/workers/{userId}',
      label: 'DELETE /v1/grids/{A}/workers/{userId}',
      expect: cells('403 403 403 403 403 ok 403 404'),
      call: async (_actor, allowed) => {
        if (!allowed) return { method: 'DELETE', path: `/v1/grids/${world.grids.a}/workers/probe-keep` };
        const put = await h.request('PUT', `/v1/grids/${world.grids.a}/workers/probe-delete`, {
          token: world.admin,
        });
        expect(put.status).toBe(200);
        return { method: 'DELETE', path: `/v1/grids/${world.grids.a}/workers/probe-delete` };
      },
    },
    {
      // the grid's workers write; nobody else, whatever their rank
      route: 'POST /v1/grids/{id}/patrols',
      label: 'POST /v1/grids/{A}/patrols',
      expect: cells('403 ok 403 403 403 403 403 404'),
      call: async () => ({
        method: 'POST',
        path: `/v1/grids/${world.grids.a}/patrols`,
        body: { date: TODAY, households: 12 },
      }),
    },
    {
      route: 'GET /v1/grids/{id}/patrols',
      label: 'GET /v1/grids/{A}/patrols',
      expect: cells('ok ok ok ok ok ok 403 404'),
      call: get(`/v1/grids/{A}/patrols?from=2026-11-01&to=${TODAY}`),
    },
    // -- staff directory: staff read, admin writes
    {
      route: 'GET /v1/staff',
      label: 'GET /v1/staff',
      expect: cells('ok ok ok ok ok ok 403 ok'),
      call: get('/v1/staff'),
    },
    {
      route: 'PUT /v1/staff/{userId}',
      label: 'PUT /v1/staff/{userId}',
      expect: cells('403 403 403 403 403 ok 403 403'),
      call: async () => ({
        method: 'PUT',
        path: '/v1/staff/handler-b',
        body: { name: '李调解', roles: ['handler'], contact: { channel: 'inbox' } },
      }),
    },
    // -- leaders' reception: the petition office and the admin plan the roster, staff read it, anyone reads the
    // public roster; the receiving leader (their own only) or a clerk records a reception
    {
      route: 'PUT /v1/reception/roster/{date}',
      label: 'PUT /v1/reception/roster/{today}',
      expect: cells('403 403 403 403 ok ok 403 403'),
      call: async () => {
        await leaderOnStaff();
        return {
          method: 'PUT',
          path: `/v1/reception/roster/${TODAY}`,
          body: {
            slots: [{ leaderId: 'leader-1', period: 'morning', place: '镇人民来访接待中心', kind: 'window' }],
          },
        };
      },
    },
    {
      route: 'GET /v1/reception/roster',
      label: 'GET /v1/reception/roster',
      expect: cells('ok ok ok ok ok ok 403 ok'),
      call: get(`/v1/reception/roster?from=${TODAY}&to=${TODAY}`),
    },
    {
      // no authorizer: the public roster of the town named, whoever asks
      route: 'GET /v1/public/reception/roster',
      label: 'GET /v1/public/reception/roster',
      expect: cells('ok ok ok ok ok ok ok ok'),
      call: get(`/v1/public/reception/roster?from=${TODAY}&to=${TODAY}&town=${TOWN}`),
    },
    {
      // leader-1 records their own; another town's leader names leader-1, who is not theirs to record for
      route: 'POST /v1/receptions',
      label: 'POST /v1/receptions (leader-1, a new case)',
      expect: cells('ok 403 403 ok 403 403 403 403'),
      call: async () => {
        await leaderOnStaff();
        const { channel: _channel, ...registration } = caseBody({ title: '接访登记' });
        return {
          method: 'POST',
          path: '/v1/receptions',
          body: {
            date: TODAY,
            leaderId: 'leader-1',
            period: 'morning',
            visits: [
              { registration, headcount: 1, onTheSpot: { measure: '当场释法说理', track: 'immediate' } },
            ],
          },
        };
      },
    },
    {
      route: 'GET /v1/receptions',
      label: 'GET /v1/receptions',
      expect: cells('ok ok ok ok ok ok 403 ok'),
      call: get(`/v1/receptions?from=${TODAY}&to=${TODAY}`),
    },
    // -- helpers who are not staff: the petition office and the admin keep them, staff read, reveals are logged
    {
      route: 'POST /v1/helpers',
      label: 'POST /v1/helpers',
      expect: cells('403 403 403 403 ok ok 403 403'),
      call: async (actor) => ({ method: 'POST', path: '/v1/helpers', body: helperBody(`${actor} 律师`) }),
    },
    {
      route: 'GET /v1/helpers',
      label: 'GET /v1/helpers',
      expect: cells('ok ok ok ok ok ok 403 ok'),
      call: get('/v1/helpers'),
    },
    {
      route: 'GET /v1/helpers/{id}',
      label: 'GET /v1/helpers/{lawyer}',
      expect: cells('ok ok ok ok ok ok 403 404'),
      call: async () => ({ method: 'GET', path: `/v1/helpers/${world.helper}` }),
    },
    {
      // an allowed change gets a helper of its own; a refusal must leave the town's lawyer at version 1
      route: 'PATCH /v1/helpers/{id}',
      label: 'PATCH /v1/helpers/{lawyer}',
      expect: cells('403 403 403 403 ok ok 403 404'),
      call: async (_actor, allowed) => {
        const id = allowed ? await newHelper() : world.helper;
        return {
          method: 'PATCH',
          path: `/v1/helpers/${id}`,
          body: { unit: '诸暨市法律援助中心' },
          headers: { 'if-match': '"1"' },
        };
      },
    },
    {
      route: 'POST /v1/helpers/{id}/reveal',
      label: 'POST /v1/helpers/{lawyer}/reveal',
      expect: cells('403 403 403 ok ok ok 403 404'),
      call: async () => ({
        method: 'POST',
        path: `/v1/helpers/${world.helper}/reveal`,
        body: { purpose: '包案前电话联系律师' },
      }),
    },
    // -- joint meetings and consultations: leaders and the petition office convene; leaders, the petition office and
    // the admin read them all, other staff the ones they take part in; minutes by the chair or the petition office,
    // a decision done by its owner, the chair or the petition office
    {
      route: 'POST /v1/meetings',
      label: 'POST /v1/meetings',
      expect: cells('403 403 403 ok ok 403 403 ok'),
      call: async (actor) => {
        await meetingStaff();
        return {
          method: 'POST',
          path: '/v1/meetings',
          body: {
            kind: 'joint_meeting',
            date: TODAY,
            chairId: actor === 'other_town_leader' ? 'leader-x' : 'leader-1',
            participants: { people: [], units: ['县信访局'] },
            caseIds: [],
            agenda: `${actor} 召集的联席会议`,
          },
        };
      },
    },
    {
      route: 'GET /v1/meetings',
      label: 'GET /v1/meetings',
      expect: cells('403 403 403 ok ok ok 403 ok'),
      call: get(`/v1/meetings?from=2026-11-01&to=${TODAY}`),
    },
    {
      route: 'GET /v1/meetings/{id}',
      label: 'GET /v1/meetings/{consultation}',
      // handler-b takes part; the clerk and the grid worker do not
      expect: cells('404 404 ok ok ok ok 403 404'),
      call: async () => ({ method: 'GET', path: `/v1/meetings/${await world.meeting}` }),
    },
    {
      route: 'POST /v1/meetings/{id}/minutes',
      label: 'POST /v1/meetings/{consultation}/minutes',
      expect: cells('404 404 403 ok ok 403 403 404'),
      call: async (_actor, allowed) => ({
        method: 'POST',
        path: `/v1/meetings/${allowed ? await newMeeting(false) : await world.meeting}/minutes`,
        body: { summary: '议定', decisions: [{ text: '约谈用工方', ownerId: 'handler-b', dueDate: TODAY }] },
      }),
    },
    {
      route: 'POST /v1/meetings/{id}/decisions/{n}/done',
      label: 'POST /v1/meetings/{with minutes}/decisions/1/done',
      // handler-b owns decision 1, leader-1 chairs
      expect: cells('404 404 ok ok ok 403 403 404'),
      call: async (_actor, allowed) => ({
        method: 'POST',
        path: `/v1/meetings/${allowed ? await newMeeting(true) : await world.decided}/decisions/1/done`,
        body: { note: '台账已核实' },
      }),
    },
    // -- town settings: admin only
    {
      route: 'GET /v1/admin/policy',
      label: 'GET /v1/admin/policy',
      expect: cells('403 403 403 403 403 ok 403 403'),
      call: get('/v1/admin/policy'),
    },
    {
      route: 'PUT /v1/admin/policy',
      label: 'PUT /v1/admin/policy',
      expect: cells('403 403 403 403 403 ok 403 403'),
      call: async () => ({ method: 'PUT', path: '/v1/admin/policy', body: world.policy }),
    },
    {
      route: 'GET /v1/admin/calendar/{year}',
      label: 'GET /v1/admin/calendar/{year}',
      expect: cells('403 403 403 403 403 ok 403 403'),
      call: get('/v1/admin/calendar/2026'),
    },
    {
      route: 'PUT /v1/admin/calendar/{year}',
      label: 'PUT /v1/admin/calendar/{year}',
      expect: cells('403 403 403 403 403 ok 403 403'),
      call: async () => ({
        method: 'PUT',
        path: '/v1/admin/calendar/2030',
        body: { year: 2030, holidays: ['2030-01-01'], swappedWorkdays: [] },
      }),
    },
    {
      route: 'POST /v1/admin/open311-keys',
      label: 'POST /v1/admin/open311-keys',
      expect: cells('403 403 403 403 403 ok 403 403'),
      call: async (actor) => ({
        method: 'POST',
        path: '/v1/admin/open311-keys',
        body: { name: `${actor} 的随手拍` },
      }),
    },
    {
      route: 'GET /v1/admin/open311-keys',
      label: 'GET /v1/admin/open311-keys',
      expect: cells('403 403 403 403 403 ok 403 403'),
      call: get('/v1/admin/open311-keys'),
    },
    {
      route: 'DELETE /v1/admin/open311-keys/{keyId}',
      label: 'DELETE /v1/admin/open311-keys/{keyId}',
      expect: cells('403 403 403 403 403 ok 403 403'),
      call: async (_actor, allowed) => {
        if (!allowed) return { method: 'DELETE', path: '/v1/admin/open311-keys/probe-keep-1' };
        const issued = await h.request('POST', '/v1/admin/open311-keys', {
          token: world.admin,
          body: { name: '待吊销的应用' },
        });
        expect(issued.status).toBe(201);
        return { method: 'DELETE', path: `/v1/admin/open311-keys/${issued.body.keyId}` };
      },
    },
    // -- reports and indicators: leader, supervisor, admin (another town's leader reads their own town's)
    {
      route: 'GET /v1/metrics',
      label: 'GET /v1/metrics',
      expect: cells('403 403 403 ok ok ok 403 ok'),
      call: get(`/v1/metrics?from=2026-11-01&to=${TODAY}`),
    },
    {
      route: 'GET /v1/reports/daily/{date}',
      label: 'GET /v1/reports/daily/{date}',
      expect: cells('403 403 403 ok ok ok 403 ok'),
      call: get(`/v1/reports/daily/${TODAY}`),
    },
    {
      route: 'GET /v1/reports/weekly/{week}',
      label: 'GET /v1/reports/weekly/{week}',
      expect: cells('403 403 403 ok ok ok 403 ok'),
      call: get('/v1/reports/weekly/2026-W48'),
    },
    {
      route: 'GET /v1/reports/monthly/{month}',
      label: 'GET /v1/reports/monthly/{month}',
      expect: cells('403 403 403 ok ok ok 403 ok'),
      call: get('/v1/reports/monthly/2026-11'),
    },
    {
      route: 'GET /v1/reports/yearly/{year}',
      label: 'GET /v1/reports/yearly/{year}',
      expect: cells('403 403 403 ok ok ok 403 ok'),
      call: get('/v1/reports/yearly/2026'),
    },
    // -- the city's routes: a city supervisor's only (its column is checked below); every town role is refused
    ...(
      [
        ['GET /v1/city/metrics', `/v1/city/metrics?from=2026-11-01&to=${TODAY}`],
        ['GET /v1/city/reports/weekly/{week}', '/v1/city/reports/weekly/2026-W48'],
        ['GET /v1/city/reports/monthly/{month}', '/v1/city/reports/monthly/2026-11'],
        ['GET /v1/city/towns/{town}/reports/weekly/{week}', `/v1/city/towns/${TOWN}/reports/weekly/2026-W48`],
        [
          'GET /v1/city/towns/{town}/reports/monthly/{month}',
          `/v1/city/towns/${TOWN}/reports/monthly/2026-11`,
        ],
        ['GET /v1/city/towns/{town}/cases', `/v1/city/towns/${TOWN}/cases?view=overdue`],
        ['GET /v1/city/towns/{town}/cases/{id}', `/v1/city/towns/${TOWN}/cases/{A1}`],
      ] as const
    ).map(
      ([route, p]): Probe => ({
        route,
        label: route,
        expect: cells('403 403 403 403 403 403 403 403'),
        call: get(p),
      }),
    ),
    {
      route: 'POST /v1/city/towns/{town}/cases/{id}/supervise',
      label: 'POST /v1/city/towns/{town}/cases/{A1 case}/supervise',
      command: true,
      expect: cells('403 403 403 403 403 403 403 403'),
      call: async () => ({
        method: 'POST',
        path: `/v1/city/towns/${TOWN}/cases/${world.caseA1.id}/supervise`,
        body: { note: '请加快办理并报告' },
      }),
    },
    // -- Open311: no authorizer, the token is not looked at; reads are public, filing takes the town's api_key
    {
      route: 'GET /open311/discovery.xml',
      label: 'GET /open311/discovery.xml',
      expect: cells('ok ok ok ok ok ok ok ok'),
      call: get('/open311/discovery.xml'),
    },
    {
      route: 'GET /open311/discovery.json',
      label: 'GET /open311/discovery.json',
      expect: cells('ok ok ok ok ok ok ok ok'),
      call: get('/open311/discovery.json'),
    },
    {
      route: 'GET /open311/v2/services.xml',
      label: 'GET /open311/v2/services.xml',
      expect: cells('ok ok ok ok ok ok ok ok'),
      call: get(`/open311/v2/services.xml?jurisdiction_id=${TOWN}`),
    },
    {
      route: 'GET /open311/v2/services.json',
      label: 'GET /open311/v2/services.json',
      expect: cells('ok ok ok ok ok ok ok ok'),
      call: get(`/open311/v2/services.json?jurisdiction_id=${TOWN}`),
    },
    {
      route: 'GET /open311/v2/services/{code}',
      label: 'GET /open311/v2/services/environment.xml',
      expect: cells('ok ok ok ok ok ok ok ok'),
      call: get(`/open311/v2/services/environment.xml?jurisdiction_id=${TOWN}`),
    },
    {
      route: 'POST /open311/v2/requests.xml',
      label: 'POST /open311/v2/requests.xml (with the api_key)',
      expect: cells('ok ok ok ok ok ok ok ok'),
      call: async () => ({
        method: 'POST',
        path: '/open311/v2/requests.xml',
        rawBody: open311Form(),
        headers: { 'content-type': FORM },
      }),
    },
    {
      route: 'POST /open311/v2/requests.json',
      label: 'POST /open311/v2/requests.json (with the api_key)',
      expect: cells('ok ok ok ok ok ok ok ok'),
      call: async () => ({
        method: 'POST',
        path: '/open311/v2/requests.json',
        rawBody: open311Form(),
        headers: { 'content-type': FORM },
      }),
    },
    {
      route: 'GET /open311/v2/requests.xml',
      label: 'GET /open311/v2/requests.xml',
      expect: cells('ok ok ok ok ok ok ok ok'),
      call: get(`/open311/v2/requests.xml?jurisdiction_id=${TOWN}`),
    },
    {
      route: 'GET /open311/v2/requests.json',
      label: 'GET /open311/v2/requests.json',
      expect: cells('ok ok ok ok ok ok ok ok'),
      call: get(`/open311/v2/requests.json?jurisdiction_id=${TOWN}`),
    },
    {
      route: 'GET /open311/v2/requests/{id}',
      label: 'GET /open311/v2/requests/{filed}.json',
      expect: cells('ok ok ok ok ok ok ok ok'),
      call: async () => ({
        method: 'GET',
        path: `/open311/v2/requests/${world.open311.requestId}.json?jurisdiction_id=${TOWN}`,
      }),
    },
    {
      route: 'GET /open311/v2/tokens/{token}',
      label: 'GET /open311/v2/tokens/{its query code}.json',
      expect: cells('ok ok ok ok ok ok ok ok'),
      call: async () => ({
        method: 'GET',
        path: `/open311/v2/tokens/${world.open311.token}.json?jurisdiction_id=${TOWN}`,
      }),
    },
  ];
  // paths written with {A} (and {A1}) are filled in when the row runs
  return rows.map((row) => ({
    ...row,
    call: async (actor, allowed) => {
      const c = await row.call(actor, allowed);
      return { ...c, path: path(c.path, { A: world.grids.a, A1: world.caseA1.id }) };
    },
  }));
}

const PROBES = probes();

/** The outcome class of a status: 2xx is allowed, and so is a 409 on a command (its rules come after access). */
function classifyNumber(probe: Probe, status: number): Outcome | number {
  if (status >= 200 && status < 300) return 'ok';
  if (probe.command && status === 409) return 'ok';
  return status;
}
const observed = new Map<string, Partial<Record<Actor, number>>>();

beforeAll(async () => {
  h = await createHarness({ now: NOW });
  const tokens = {} as Record<Actor, string>;
  for (const actor of ACTORS) {
    const { role, sub, town } = PEOPLE[actor];
    tokens[actor] = await h.token(role, sub, town);
  }
  world.tokens = tokens;
  world.admin = tokens.admin;
  world.clerk = tokens.clerk;
  world.leader = tokens.leader;

  const grid = async (body: Record<string, unknown>) => {
    const response = await h.request('POST', '/v1/grids', { token: tokens.admin, body });
    expect(response.status, response.text).toBe(201);
    return response.body.id as string;
  };
  const c = await grid({ name: '第一综合网格', level: 'comprehensive' });
  const a = await grid({ name: '东村网格', level: 'village', parentId: c });
  const b = await grid({ name: '西村网格', level: 'village', parentId: c });
  const a1 = await grid({ name: '东村一组', level: 'unit', parentId: a });
  world.grids = { c, a, b, a1 };
  for (const userId of ['worker-a', 'probe-keep'])
    expect((await h.request('PUT', `/v1/grids/${a}/workers/${userId}`, { token: tokens.admin })).status).toBe(
      200,
    );

  const inA1 = await h.request('POST', '/v1/cases', {
    token: tokens.clerk,
    body: caseBody({ gridId: a1, title: '东村一组欠薪' }),
  });
  expect(inA1.status, inA1.text).toBe(201);
  world.caseA1 = { id: inA1.body.id, version: inA1.body.version, queryCode: inA1.body.queryCode };
  world.caseB = await caseLikeB();

  const filed = await h.request('POST', '/v1/public/petitions', {
    token: tokens.petitioner,
    body: onlineBody({ category: 'neighbor', title: '邻居占用通道' }),
  });
  expect(filed.status, filed.text).toBe(201);
  world.petitionerCase = filed.body.id;

  // the town's Open311 key, and one request filed with it: its id, and the query code that is its token
  const issued = await h.request('POST', '/v1/admin/open311-keys', {
    token: tokens.admin,
    body: { name: '街道随手拍' },
  });
  expect(issued.status, issued.text).toBe(201);
  world.open311 = { apiKey: issued.body.apiKey, requestId: '', token: '' };
  const request = await h.request('POST', '/open311/v2/requests.json', {
    rawBody: open311Form(),
    headers: { 'content-type': FORM },
  });
  expect(request.status, request.text).toBe(201);
  const requestId: string = request.body[0].service_request_id;
  const record = await new CaseRepository(h.deps.db, h.tables.cases).get(TOWN, requestId);
  const sealed = record?.personal as SealedPersonalData;
  const opened = await new PersonalVault(h.deps.dataKeys).open(TOWN, requestId, sealed, [QUERY_CODE_FIELD]);
  world.open311 = { ...world.open311, requestId, token: opened[QUERY_CODE_FIELD]! };

  const policy = await h.request('GET', '/v1/admin/policy', { token: tokens.admin });
  expect(policy.status).toBe(200);
  world.policy = policy.body;
  world.helper = await newHelper();
  evidence.photoB = await photoOn(world.caseB.id);
  evidence.pendingB = await photoOn(world.caseB.id, true);
  world.meeting = newMeeting(false);
  world.decided = newMeeting(true);
  await Promise.all([world.meeting, world.decided]);
});

afterAll(async () => {
  const width = Math.max(...PROBES.map((p) => p.label.length));
  const header = `${'route'.padEnd(width)} | ${ACTORS.map((a) => a.slice(0, 11).padEnd(11)).join(' ')}`;
  const lines = PROBES.map((probe) => {
    const seen = observed.get(probe.label) ?? {};
    const row = ACTORS.map((actor) => {
      const want = probe.expect[actor];
      const got = seen[actor];
      if (got === undefined) return `${want}?`.padEnd(11);
      const text = want === 'ok' ? `ok ${got}` : String(want);
      const mismatch = classifyNumber(probe, got) !== want ? ` !${got}` : '';
      return `${text}${mismatch}`.padEnd(11);
    });
    return `${probe.label.padEnd(width)} | ${row.join(' ')}`;
  });
  const cellCount = PROBES.length * ACTORS.length;
  console.log(
    [
      'Access matrix: the expected outcome of each cell ("ok nnn" with the status seen; "!nnn" marks a cell that answered otherwise)',
      header,
      ...lines,
      `matrix size: ${ROUTES.length} routes × ${ACTORS.length} roles = ${ROUTES.length * ACTORS.length} route-role pairs; ` +
        `${PROBES.length} probe rows × ${ACTORS.length} = ${cellCount} cells`,
    ].join('\n'),
  );
  await h?.close();
});

describe('the table', () => {
  it('has a row for every route in ROUTES, and no row for a route that is not there', () => {
    const keys = new Set(ROUTES.map(routeKey));
    const covered = new Set(PROBES.map((p) => p.route));
    expect([...keys].filter((k) => !covered.has(k))).toEqual([]);
    expect([...covered].filter((k) => !keys.has(k))).toEqual([]);
  });
});

describe('access matrix: route × role', () => {
  it.each(PROBES.map((probe) => [probe.label, probe] as const))('%s', async (_label, probe) => {
    const seen: Partial<Record<Actor, number>> = {};
    observed.set(probe.label, seen);
    for (const actor of ACTORS) {
      const want = probe.expect[actor];
      const c = await probe.call(actor, want === 'ok');
      const response = await h.request(c.method, c.path, {
        token: world.tokens[actor],
        ...(c.body !== undefined ? { body: c.body } : {}),
        ...(c.rawBody !== undefined ? { rawBody: c.rawBody } : {}),
        ...(c.headers ? { headers: c.headers } : {}),
      });
      seen[actor] = response.status;
      expect
        .soft(
          classifyNumber(probe, response.status),
          `${probe.label} as ${actor}: ${response.text.slice(0, 300)}`,
        )
        .toBe(want);
      if (want === 403)
        expect.soft(response.body?.type, `${probe.label} as ${actor}`).toBe('/problems/forbidden');
      if (want === 404 && response.status === 404)
        expect.soft(response.body?.type, `${probe.label} as ${actor}`).toBe('/problems/not-found');
    }
  });
});

/**
 * The city supervisor's column (市/县信访局, its claim naming this town): every route of a town refuses it (403, before
 * anything of the town is read: it is never mistaken for the town's staff), the routes without an authorizer answer it
 * as anyone, and the city's own routes serve it.
 */
describe("access matrix: the city supervisor's column", () => {
  let city: string;
  beforeAll(async () => {
    city = await h.token('city_supervisor', 'city-m', TOWN, { towns: [TOWN] });
  });
  const cityRoute = (probe: Probe) => probe.route.split(' ')[1]!.startsWith('/v1/city/');
  const authorized = new Set<string>(ROUTES.filter((r) => r.authorized).map(routeKey));
  const want = (probe: Probe): Outcome =>
    cityRoute(probe) ? 'ok' : authorized.has(probe.route) ? 403 : probe.expect.petitioner;

  it.each(PROBES.map((probe) => [probe.label, probe] as const))('%s', async (_label, probe) => {
    const expected = want(probe);
    // the call of a column that gets what anyone gets; a refused one must change nothing
    const c = await probe.call('petitioner', expected === 'ok' && !cityRoute(probe));
    const response = await h.request(c.method, c.path, {
      token: city,
      ...(c.body !== undefined ? { body: c.body } : {}),
      ...(c.rawBody !== undefined ? { rawBody: c.rawBody } : {}),
      ...(c.headers ? { headers: c.headers } : {}),
    });
    expect(classifyNumber(probe, response.status), `${probe.label}: ${response.text.slice(0, 300)}`).toBe(
      expected,
    );
    if (expected === 403) expect(response.body?.type).toBe('/problems/forbidden');
  });
});

/** Path parameters for a request that only has to reach the route. */
const BARE_PARAMS = {
  id: 'x1',
  command: 'accept',
  userId: 'u1',
  year: '2026',
  date: TODAY,
  week: '2026-W48',
  month: '2026-11',
  queryCode: 'ZZZZ-ZZZZ-ZZZZ',
  code: 'environment.json',
  token: 'ZZZZ-ZZZZ-ZZZZ.json',
  n: '1',
  town: TOWN,
};

describe('no token: the gateway answers 401 on every authorized route', () => {
  const authorized = ROUTES.filter((r) => r.authorized);
  it.each(authorized.map((r) => [routeKey(r), r] as const))('%s', async (_key, route) => {
    const p = path(route.path, BARE_PARAMS);
    const response = await h.request(route.method, p, {
      ...(route.method === 'GET' || route.method === 'DELETE' ? {} : { body: {} }),
    });
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ message: 'Unauthorized' });
  });

  // no authorizer: the function answers, never the gateway's 401 (Open311 in its own error shape without an
  // api_key, tracking 404 for an unknown code)
  it('leaves the public routes to their functions: never the gateway 401', async () => {
    const open = ROUTES.filter((r) => !r.authorized);
    expect(open.length).toBeGreaterThan(0);
    for (const route of open) {
      const response = await h.request(route.method, path(route.path, BARE_PARAMS));
      expect(response.status, routeKey(route)).not.toBe(401);
      expect(response.body, routeKey(route)).not.toEqual({ message: 'Unauthorized' });
    }
  });
});

describe('scope, beyond the table', () => {
  it('shows case B to a member of its team (own), and nothing else of the town', async () => {
    const team = await h.token('handler', 'team-1', TOWN);
    expect((await h.request('GET', `/v1/cases/${world.caseB.id}`, { token: team })).status).toBe(200);
    expect((await h.request('GET', `/v1/cases/${world.caseB.id}/timeline`, { token: team })).status).toBe(
      200,
    );
    const note = await h.request('POST', `/v1/cases/${world.caseB.id}/notes`, {
      token: team,
      body: { text: '团队成员走访' },
    });
    expect(note.status).toBe(201);
    expect((await h.request('GET', `/v1/cases/${world.caseA1.id}`, { token: team })).status).toBe(404);
    const listed = await h.request('GET', '/v1/cases?limit=100', { token: team });
    const ids = listed.body.items.map((c: { id: string }) => c.id);
    expect(ids).toContain(world.caseB.id);
    expect(ids).not.toContain(world.caseA1.id);
    // a team member is neither assignee nor owner: the reply is not theirs
    const reply = await h.request('POST', `/v1/cases/${world.caseB.id}/reply`, {
      token: team,
      body: { outcome: 'resolved', opinion: '团队答复' },
      headers: { 'if-match': `"${world.caseB.version}"` },
    });
    expect(reply.status).toBe(403);
  });

  it("lists a worker's grid subtree and a handler's relations, and nothing else", async () => {
    const workerList = await h.request('GET', '/v1/cases?limit=100', { token: world.tokens.grid_worker });
    const workerIds = workerList.body.items.map((c: { id: string }) => c.id);
    expect(workerIds).toContain(world.caseA1.id);
    expect(workerIds).not.toContain(world.caseB.id);
    const outside = await h.request('GET', `/v1/cases?gridId=${world.grids.b}`, {
      token: world.tokens.grid_worker,
    });
    expect(outside.status).toBe(200);
    expect(outside.body.items).toEqual([]);

    const handlerList = await h.request('GET', '/v1/cases?limit=100', { token: world.tokens.handler });
    const handlerIds = handlerList.body.items.map((c: { id: string }) => c.id);
    expect(handlerIds).toContain(world.caseB.id);
    expect(handlerIds).not.toContain(world.caseA1.id);
    for (const c of handlerList.body.items)
      expect(c.assignee === 'handler-b' || c.team?.includes('handler-b')).toBe(true);
  });

  it("shows another town's staff, whatever the role, none of this town's objects (404)", async () => {
    for (const role of ['clerk', 'grid_worker', 'handler', 'supervisor', 'admin']) {
      // the same user ids as this town's people: ids are per town, and grant nothing across towns
      const sub = role === 'grid_worker' ? 'worker-a' : role === 'handler' ? 'handler-b' : `${role}-x`;
      const token = await h.token(role, sub, OTHER_TOWN);
      for (const p of [
        `/v1/cases/${world.caseA1.id}`,
        `/v1/cases/${world.caseB.id}/timeline`,
        `/v1/grids/${world.grids.a}`,
        `/v1/grids/${world.grids.a}/patrols?from=2026-11-01&to=${TODAY}`,
      ])
        expect((await h.request('GET', p, { token })).status, `${role} ${p}`).toBe(404);
      const list = await h.request('GET', '/v1/cases?limit=100', { token });
      expect(list.status).toBe(200);
      const ids = list.body.items.map((c: { id: string }) => c.id);
      expect(ids).not.toContain(world.caseA1.id);
      expect(ids).not.toContain(world.caseB.id);
    }
  });

  it('refuses a petitioner the staff lists (403) and hides the cases (404)', async () => {
    const token = world.tokens.petitioner;
    for (const p of [
      '/v1/cases',
      '/v1/grids',
      '/v1/staff',
      `/v1/grids/${world.grids.a}/patrols?from=2026-11-01&to=${TODAY}`,
    ])
      expect((await h.request('GET', p, { token })).status, p).toBe(403);
    for (const id of [world.caseA1.id, world.caseB.id]) {
      expect((await h.request('GET', `/v1/cases/${id}`, { token })).status).toBe(404);
      expect(
        (
          await h.request('POST', `/v1/cases/${id}/withdraw`, {
            token,
            body: { reason: '撤回' },
            headers: { 'if-match': '"1"' },
          })
        ).status,
      ).toBe(404);
    }
  });
});

describe('lists agree with reads', () => {
  it("lists for a worker's assignee=me a case in their own grid that is assigned to them", async () => {
    const created = await h.request('POST', '/v1/cases', {
      token: world.clerk,
      body: caseBody({ gridId: world.grids.a1, title: '网格员承办' }),
    });
    expect(created.status).toBe(201);
    const accepted = await h.request('POST', `/v1/cases/${created.body.id}/accept`, {
      token: world.clerk,
      body: { track: 'immediate', assigneeId: 'worker-a' },
      headers: { 'if-match': '"1"' },
    });
    expect(accepted.status).toBe(200);
    const worker = world.tokens.grid_worker;
    expect((await h.request('GET', `/v1/cases/${created.body.id}`, { token: worker })).status).toBe(200);
    const all = await h.request('GET', '/v1/cases?limit=100', { token: worker });
    expect(all.body.items.map((c: { id: string }) => c.id)).toContain(created.body.id);
    const mine = await h.request('GET', '/v1/cases?assignee=me&limit=100', { token: worker });
    expect(mine.status).toBe(200);
    expect(mine.body.items.map((c: { id: string }) => c.id)).toContain(created.body.id);
  });

  it("lists for a worker's assignee=<id> the cases of their grid assigned to that person", async () => {
    const created = await h.request('POST', '/v1/cases', {
      token: world.clerk,
      body: caseBody({ gridId: world.grids.a1, title: '调解员承办' }),
    });
    const accepted = await h.request('POST', `/v1/cases/${created.body.id}/accept`, {
      token: world.clerk,
      body: { track: 'immediate', assigneeId: 'mediator-9' },
      headers: { 'if-match': '"1"' },
    });
    expect(accepted.status).toBe(200);
    const worker = world.tokens.grid_worker;
    expect((await h.request('GET', `/v1/cases/${created.body.id}`, { token: worker })).status).toBe(200);
    const theirs = await h.request('GET', '/v1/cases?assignee=mediator-9&limit=100', { token: worker });
    expect(theirs.status).toBe(200);
    expect(theirs.body.items.map((c: { id: string }) => c.id)).toEqual([created.body.id]);
    // a clerk's list with the same filter agrees
    const clerkList = await h.request('GET', '/v1/cases?assignee=mediator-9&limit=100', {
      token: world.clerk,
    });
    expect(clerkList.body.items.map((c: { id: string }) => c.id)).toEqual([created.body.id]);
  });
});
