import { Agent, request as httpRequest } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { COMMAND_NAMES, COMMANDS } from '../../lambdas/domain/lifecycle.js';
import { matchRoute, ROUTES, type RouteSpec, routeKey } from '../../lambdas/http/routes.js';
import { CONSENT_ATTRIBUTE } from '../../lambdas/open311/services.js';
import { openApiDocument } from '../../lambdas/openapi/document.js';
import { caseBody, createHarness, type Harness, uniqueIdNumber, validIdNumber } from '../support/harness.js';

/**
 * Property-based fuzzing of every write route (POST, PUT, PATCH, DELETE in ROUTES) through the real local host:
 * generated bodies (anything, JSON, valid bodies with fields mutated), headers (content types, If-Match,
 * Accept-Language, Idempotency-Key, tokens) and paths (unicode, dot segments, encoded slashes, malformed escapes, very
 * long ids). The properties: never a 5xx (but a 503 with Retry-After), and every non-2xx answer is problem+json, or the
 * gateway's own `{message}` where the gateway answers (401 for a missing or bad token, 404 for no route, 413 over
 * 10 MB). Every violation is collected, grouped by route and cause, and reported at once.
 */

const NOW = new Date('2026-11-28T02:00:00.000Z');
const STAFF = ['clerk', 'leader', 'supervisor', 'admin', 'grid_worker', 'handler'];
/** Requests sent concurrently per generated case. */
const BATCH = 8;
/** Generated cases per route (each a batch of BATCH requests); the commands route gets twice as many. */
const RUNS = 22;

let h: Harness;
let staffToken: string;
let citizenToken: string;
let caseId: string;
let citizenCaseId: string;
let villageGridId: string;
let unitGridId: string;
let queryCode: string;
let policy: Record<string, unknown>;
let apiKey = 'no-key-issued';
/** A key of its own for the revocation route, so that filing keeps its key. */
let revocableKeyId = 'abcdefghijkl';
/** A helper who is not staff, for the helper routes. */
let helperId = 'h_none';
/** A meeting without minutes (its minutes route), and one whose minutes took a decision (its done route). */
let meetingId = 'm_none';
let decidedMeetingId = 'm_none';
let total = 0;
let edgeBodies = 0;
let forgedCursors = 0;
const agent = new Agent({ keepAlive: true, maxSockets: BATCH });

beforeAll(async () => {
  // Powertools warns on every POST without an Idempotency-Key; thousands of those would bury the report
  const warn = console.warn.bind(console);
  vi.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => {
    if (typeof args[0] === 'string' && args[0].startsWith('No value found for idempotency_key')) return;
    warn(...args);
  });
  h = await createHarness({ now: NOW });
  staffToken = await h.token(STAFF, 'fuzz-staff');
  citizenToken = await h.token('petitioner', 'fuzz-citizen');
  const created = await h.request('POST', '/v1/cases', { token: staffToken, body: caseBody() });
  expect(created.status, created.text).toBe(201);
  caseId = created.body.id;
  queryCode = created.body.queryCode;
  const online = await h.request('POST', '/v1/public/petitions', {
    token: citizenToken,
    body: {
      kind: 'petition',
      category: 'neighbor',
      title: '邻居噪音',
      description: '夜间施工',
      petitioners: [{ name: '钱八', idNumber: validIdNumber(901) }],
    },
  });
  expect(online.status, online.text).toBe(201);
  citizenCaseId = online.body.id;
  const root = await h.request('POST', '/v1/grids', {
    token: staffToken,
    body: { name: '综合网格', level: 'comprehensive' },
  });
  expect(root.status, root.text).toBe(201);
  const village = await h.request('POST', '/v1/grids', {
    token: staffToken,
    body: { name: '东村', level: 'village', parentId: root.body.id },
  });
  expect(village.status, village.text).toBe(201);
  villageGridId = village.body.id;
  const unit = await h.request('POST', '/v1/grids', {
    token: staffToken,
    body: { name: '一组', level: 'unit', parentId: villageGridId },
  });
  expect(unit.status, unit.text).toBe(201);
  unitGridId = unit.body.id;
  const assigned = await h.request('PUT', `/v1/grids/${villageGridId}/workers/fuzz-staff`, {
    token: staffToken,
  });
  expect(assigned.status, assigned.text).toBe(200);
  const issued = await h.request('POST', '/v1/admin/open311-keys', {
    token: staffToken,
    body: { name: 'fuzz app' },
  });
  // Open311 filing is fuzzed with a real key when the route exists, with a made-up one otherwise
  if (issued.status === 201) apiKey = issued.body.apiKey;
  const revocable = await h.request('POST', '/v1/admin/open311-keys', {
    token: staffToken,
    body: { name: 'fuzz app to revoke' },
  });
  if (revocable.status === 201) revocableKeyId = revocable.body.keyId;
  const current = await h.request('GET', '/v1/admin/policy', { token: staffToken });
  expect(current.status).toBe(200);
  policy = current.body;
  const helper = await h.request('POST', '/v1/helpers', {
    token: staffToken,
    body: { name: '周律师', kind: 'lawyer', unit: '律师事务所', phone: '13811112222' },
  });
  expect(helper.status, helper.text).toBe(201);
  helperId = helper.body.id;
  // a leader of the staff directory, for the reception roster and the receptions
  const leader = await h.request('PUT', '/v1/staff/fuzz-staff', {
    token: staffToken,
    body: { name: '王书记', title: '镇党委书记', roles: ['leader', 'clerk'] },
  });
  expect(leader.status, leader.text).toBe(200);
});

beforeAll(async () => {
  const meeting = (agenda: string) =>
    h.request('POST', '/v1/meetings', {
      token: staffToken,
      body: {
        kind: 'joint_meeting',
        date: '2026-11-28',
        chairId: 'fuzz-staff',
        participants: { people: ['fuzz-staff'], units: ['县信访局'] },
        caseIds: [caseId],
        agenda,
      },
    });
  const open = await meeting('研判信访形势');
  expect(open.status, open.text).toBe(201);
  meetingId = open.body.id;
  const decided = await meeting('会商欠薪化解');
  expect(decided.status, decided.text).toBe(201);
  decidedMeetingId = decided.body.id;
  const minutes = await h.request('POST', `/v1/meetings/${decidedMeetingId}/minutes`, {
    token: staffToken,
    body: {
      summary: '议定一项',
      decisions: [{ text: '核实', ownerId: 'fuzz-staff', dueDate: '2026-12-05' }],
    },
  });
  expect(minutes.status, minutes.text).toBe(201);
});

afterAll(async () => {
  vi.restoreAllMocks();
  agent.destroy();
  await h?.close();
  // the figure the brief asks for, printed once per run
  console.info(
    `fuzz: ${total} generated requests, of which ${edgeBodies} bodies with fields at their edges and ` +
      `${forgedCursors} forged cursors`,
  );
});

// ---------------------------------------------------------------------------------------------------------------
// Sending and judging

type Auth = 'staff' | 'citizen' | 'none' | 'garbage';

interface FuzzRequest {
  method: string;
  path: string;
  auth: Auth;
  /** A token of its own (another town's caller), in place of what `auth` names. */
  token?: string;
  headers: Record<string, string>;
  body?: string;
}

interface FuzzResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** Raw HTTP, so paths reach the host exactly as generated (fetch would normalise them). */
function send(req: FuzzRequest): Promise<FuzzResponse> {
  total += 1;
  const headers: Record<string, string> = { ...req.headers };
  if (req.auth === 'staff') headers.authorization = `Bearer ${staffToken}`;
  if (req.auth === 'citizen') headers.authorization = `Bearer ${citizenToken}`;
  if (req.auth === 'garbage') headers.authorization = `Bearer ${staffToken.slice(0, -4)}AAAA`;
  if (req.token) headers.authorization = `Bearer ${req.token}`;
  const payload = req.body === undefined ? undefined : Buffer.from(req.body, 'utf8');
  if (payload) headers['content-length'] = String(payload.length);
  return new Promise((done, fail) => {
    const out = httpRequest(
      {
        host: '127.0.0.1',
        port: new URL(h.baseUrl).port,
        method: req.method,
        path: req.path,
        headers,
        agent,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          done({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', fail);
      },
    );
    out.on('error', fail);
    out.end(payload);
  });
}

const header = (res: FuzzResponse, name: string) => {
  const value = res.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
};

/** What the host routes a raw path to (it parses the URL as API Gateway normalises it). */
const routed = (req: FuzzRequest) => {
  try {
    return matchRoute(req.method, new URL(req.path, 'http://localhost').pathname);
  } catch {
    return undefined;
  }
};

const isOpen311 = (req: FuzzRequest) => req.path.startsWith('/open311/');

/** GeoReport v2's own error shape: `[{code, description}]` in JSON, `<errors><error>…` in XML. */
function isOpen311Error(res: FuzzResponse, contentType: string): boolean {
  if (/^text\/xml\b/.test(contentType))
    return /<errors>(<error><code>\d+<\/code><description>[^<]*<\/description><\/error>)+<\/errors>/.test(
      res.text,
    );
  try {
    const body = JSON.parse(res.text) as unknown;
    return (
      Array.isArray(body) &&
      body.length > 0 &&
      body.every((e) => typeof e?.code === 'number' && typeof e?.description === 'string')
    );
  } catch {
    return false;
  }
}

/** Why an answer breaks the contract, or undefined. */
function violation(req: FuzzRequest, res: FuzzResponse): string | undefined {
  const contentType = header(res, 'content-type') ?? '';
  if (res.status >= 500) {
    if (res.status !== 503) return `${res.status}`;
    if (!Number(header(res, 'retry-after'))) return '503 without Retry-After';
  }
  if (res.status < 400) return undefined;
  const route = routed(req);
  if (route && isOpen311(req))
    return isOpen311Error(res, contentType) ? undefined : `${res.status} not in GeoReport's error shape`;
  let body: unknown;
  try {
    body = JSON.parse(res.text);
  } catch {
    return `${res.status} whose body is not JSON (${contentType || 'no content-type'})`;
  }
  const fields = (body ?? {}) as Record<string, unknown>;
  if (/^application\/problem\+json\b/.test(contentType)) {
    if (
      typeof fields.type !== 'string' ||
      !fields.type.startsWith('/problems/') ||
      typeof fields.title !== 'string' ||
      typeof fields.detail !== 'string' ||
      fields.status !== res.status
    )
      return `${res.status} problem+json without type/title/detail/status`;
    return undefined;
  }
  const gatewayBody =
    /^application\/json\b/.test(contentType) &&
    Object.keys(fields).join() === 'message' &&
    typeof fields.message === 'string';
  if (!gatewayBody) return `${res.status} neither problem+json nor the gateway's {message}`;
  if (res.status === 404 && !route) return undefined;
  if (res.status === 401 && route?.route.authorized && (req.auth === 'none' || req.auth === 'garbage'))
    return undefined;
  if (res.status === 413 && Buffer.byteLength(req.body ?? '') > 10 * 1024 * 1024) return undefined;
  return `${res.status} {message} where the gateway would not answer`;
}

/** What kind of path a request had, so that one cause does not hide another in the report. */
function pathKind(req: FuzzRequest): string {
  const segments = req.path.split('?')[0]!.split('/');
  const decoded: string[] = [];
  for (const segment of segments)
    try {
      decoded.push(decodeURIComponent(segment));
    } catch {
      return 'a malformed %-escape in the path';
    }
  if (decoded.some((d) => Buffer.byteLength(d) > 1000)) return 'a path segment over 1000 bytes';
  return 'an ordinary path';
}

interface Finding {
  count: number;
  example: FuzzRequest;
  status: number;
  text: string;
}

/** Violations by route and cause, each with its shortest example. */
const findings = new Map<string, Finding>();

function record(route: RouteSpec, req: FuzzRequest, res: FuzzResponse, why: string) {
  const key = `${routeKey(route)} → ${why} (${pathKind(req)})`;
  const shown = {
    ...req,
    ...(req.body && req.body.length > 300 ? { body: `${req.body.slice(0, 300)}…` } : {}),
  };
  const known = findings.get(key);
  const size = req.path.length + (req.body?.length ?? 0);
  if (!known)
    findings.set(key, { count: 1, example: shown, status: res.status, text: res.text.slice(0, 300) });
  else {
    known.count += 1;
    if (size < known.example.path.length + (known.example.body?.length ?? 0)) {
      known.example = shown;
      known.text = res.text.slice(0, 300);
    }
  }
}

const summary = (route: RouteSpec) =>
  [...findings.entries()]
    .filter(([key]) => key.startsWith(`${routeKey(route)} →`))
    .map(
      ([key, f]) =>
        `${key} ×${f.count}: ${f.example.method} ${f.example.path.slice(0, 160)} auth=${f.example.auth} headers=${JSON.stringify(
          f.example.headers,
        ).slice(0, 200)} body=${(f.example.body ?? '').slice(0, 200)} ⇒ ${f.status} ${f.text}`,
    );

// ---------------------------------------------------------------------------------------------------------------
// Generators

/** Strings that tend to break dates, numbers, keys and parsers. */
const nasty = fc.constantFrom<unknown>(
  '',
  ' ',
  '\u0000',
  '\u202e',
  '𠮷'.repeat(50),
  'x'.repeat(5000),
  '长'.repeat(3000),
  '2026-02-30T00:00:00+08:00',
  '2026-13-01T00:00:00Z',
  '2026-11-28T25:61:61Z',
  '0000-01-01T00:00:00Z',
  '9999-12-31T23:59:59.999Z',
  '+275760-09-13T00:00:00Z',
  '2026-11-28T02:00:00+14:00',
  '2026-11-27T02:00:00-12:00',
  '2026-02-29',
  '2024-02-29',
  '2026-11-28',
  '1900-01-01',
  '__proto__',
  'constructor',
  'NaN',
  '-0',
  -1,
  0,
  -0,
  1.5,
  2 ** 31,
  Number.MAX_SAFE_INTEGER,
  1e308,
  -1e308,
  true,
  false,
  null,
  [],
  {},
  [null],
  { '': '' },
  { __proto__: { polluted: true } },
);

const value: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: nasty },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 60 }) },
  { weight: 1, arbitrary: fc.integer() },
);

type Json = Record<string, unknown>;

/** Every path into an object (arrays by index), for mutation. */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return prefix.length ? [prefix] : [];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return [...(prefix.length ? [prefix] : []), ...entries.flatMap(([k, v]) => paths(v, [...prefix, k]))];
}

function mutateAt(
  base: unknown,
  path: (string | number)[],
  op: 'set' | 'delete' | 'add',
  to: unknown,
): unknown {
  const copy = structuredClone(base) as Json;
  let parent: Json = copy;
  for (const key of path.slice(0, -1)) parent = (parent as Record<string | number, unknown>)[key] as Json;
  const last = path.at(-1)!;
  if (parent === null || typeof parent !== 'object') return copy;
  if (op === 'delete') {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else if (op === 'add') parent[`unknown_${String(last)}`] = to;
  else (parent as Record<string | number, unknown>)[last] = to;
  return copy;
}

/** A valid body with one to three fields set to odd values, dropped, or joined by unknown ones. */
const mutated = (valid: fc.Arbitrary<unknown>) =>
  valid.chain((base) => {
    const all = paths(base);
    if (all.length === 0) return fc.constant(base);
    return fc
      .array(fc.tuple(fc.constantFrom(...all), fc.constantFrom('set', 'set', 'delete', 'add'), value), {
        minLength: 1,
        maxLength: 3,
      })
      .map((changes) =>
        changes.reduce<unknown>((body, [path, op, to]) => {
          try {
            return mutateAt(body, path, op as 'set' | 'delete' | 'add', to);
          } catch {
            return body;
          }
        }, base),
      );
  });

const stringify = (v: unknown): string | undefined => {
  try {
    return JSON.stringify(v);
  } catch {
    return undefined;
  }
};

/** A body: anything, any JSON text, raw garbage, a valid body, or a valid body mutated. */
const bodyOf = (valid: fc.Arbitrary<unknown>): fc.Arbitrary<string | undefined> =>
  fc.oneof(
    { weight: 2, arbitrary: fc.anything({ maxDepth: 3 }).map(stringify) },
    { weight: 2, arbitrary: fc.json({ maxDepth: 3 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 80 }) },
    {
      weight: 1,
      arbitrary: fc.constantFrom<string | undefined>(
        undefined,
        '',
        '{',
        '[]',
        'null',
        '"x"',
        '1e999',
        '{"a":',
        '\u0000',
        '\ufeff{}',
        '{"__proto__":{"polluted":true}}',
        '{"constructor":{"prototype":{"polluted":true}}}',
        `${'['.repeat(5000)}${']'.repeat(5000)}`,
      ),
    },
    { weight: 2, arbitrary: valid.map(stringify) },
    { weight: 5, arbitrary: mutated(valid).map(stringify) },
  );

/** Path segments that are not ids: unicode, dot segments, encoded slashes, malformed escapes, very long ids. */
const oddSegment: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '..',
    '.',
    '%2e%2e',
    '%2E%2E%2F%2E%2E',
    '%2F',
    'a%2Fb',
    '%252F',
    '%5C',
    '%00',
    '%',
    '%zz',
    '%E0%A4%A',
    '%C0%AF',
    '%FF',
    '~',
    '__proto__',
    'constructor',
    'toString',
    'CASE',
    'T%23town-b%23C%23x',
    '%23',
    '%3F',
    '*',
    '%20',
    'null',
  ),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }).map(encodeURIComponent),
  fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 30 }).map(encodeURIComponent),
  fc.integer({ min: 100, max: 3000 }).map((n) => 'x'.repeat(n)),
  fc.integer({ min: 100, max: 800 }).map((n) => encodeURIComponent('长'.repeat(n))),
);

const segment = (real: string) =>
  fc.oneof({ weight: 3, arbitrary: fc.constant(real) }, { weight: 2, arbitrary: oddSegment });

const ascii = (max: number) => fc.string({ unit: 'grapheme-ascii', maxLength: max });

const headersArb = (usual: string) =>
  fc.record({
    contentType: fc.oneof(
      { weight: 6, arbitrary: fc.constant(usual) },
      {
        weight: 4,
        arbitrary: fc.constantFrom<string | undefined>(
          undefined,
          '',
          'application/json; charset=utf-8',
          'APPLICATION/JSON',
          'application/json;charset=utf-16',
          'application/problem+json',
          'application/merge-patch+json',
          'application/vnd.fengqiao+json; version=1',
          'text/plain',
          'text/json',
          'application/x-www-form-urlencoded',
          'application/octet-stream',
          'multipart/form-data; boundary=x',
          'application/xml',
          ';;;',
          'json',
        ),
      },
      { weight: 1, arbitrary: ascii(40) },
    ),
    ifMatch: fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom<string | undefined>(undefined, '"1"', '"2"', '1', 'W/"1"') },
      {
        weight: 2,
        arbitrary: fc.constantFrom(
          '*',
          '""',
          '"999999999"',
          '"9999999999"',
          '"-1"',
          '"1", "2"',
          '"1.5"',
          'W/',
          '"0x1"',
        ),
      },
      { weight: 1, arbitrary: ascii(30) },
    ),
    acceptLanguage: fc.oneof(
      fc.constantFrom<string | undefined>(undefined, 'en', 'zh-CN', 'en-US,en;q=0.9', 'fr', '*', ''),
      ascii(30),
    ),
    idempotencyKey: fc.oneof(
      { weight: 4, arbitrary: fc.constant(undefined) },
      { weight: 2, arbitrary: fc.uuid() },
      { weight: 1, arbitrary: fc.constantFrom('k', 'same-key', 'k'.repeat(4000), ' ', '../../etc') },
      { weight: 1, arbitrary: ascii(80) },
    ),
    auth: fc.constantFrom<Auth>('staff', 'staff', 'staff', 'staff', 'citizen', 'citizen', 'none', 'garbage'),
  });

/** Valid bodies of each route (and command), so that many requests get past the first check. */
const trimmedCase = (omit: string[]) => {
  const body: Json = caseBody({
    petitioners: [{ name: '周九', idNumber: validIdNumber(333), phone: '13812345678' }],
  });
  for (const key of omit) delete body[key];
  return body;
};

const COMMAND_BODIES: Record<string, Json> = {
  accept: { track: 'immediate', assigneeId: 'fuzz-staff', note: '受理' },
  decline: { reason: '不属于信访事项', route: 'litigation' },
  transfer: { toUnit: '县人社局', note: '转送' },
  return: { reason: '非本镇事项' },
  triage: { track: 'coordinated' },
  assign: { assigneeId: 'fuzz-staff' },
  own: {
    leaderId: 'fuzz-staff',
    team: ['a', 'b'],
    plan: { tasks: ['走访'], responsibilities: ['镇'], measures: ['调解'] },
  },
  escalate: { level: 'county', reason: '复杂' },
  extend: { days: 10, reason: '需要调查' },
  classify: { repeatOf: null, reason: '首次' },
  reply: {
    outcome: 'resolved',
    opinion: '已解决',
    resolution: ['补发工资'],
    deliveredAt: '2026-11-28T09:00:00+08:00',
  },
  rate: { rating: 'satisfied', comment: '好' },
  'request-review': { reason: '不服' },
  'record-review': { outcome: 'resolved', opinion: '维持' },
  close: { note: '办结' },
  withdraw: { reason: '已和解' },
  mediate: {
    committee: 'village',
    mediatorIds: ['edge-staff'],
    parties: { petitioners: [0], respondent: true },
    note: '交付调解',
  },
  'extend-mediation': { days: 10, partiesConsent: true, reason: '双方同意延长' },
  agree: {
    form: 'written',
    facts: '拖欠工资',
    disputed: '欠薪数额',
    responsibilities: '用工方承担',
    terms: ['支付工资'],
    performance: { how: '转账', where: '镇司法所', by: '2099-12-31' },
    effectiveAt: '2026-11-28T10:00:00+08:00',
  },
  'mediation-failed': { reason: '分歧过大', route: 'arbitration' },
  callback: { result: 'partly', note: '部分支付', followUp: 'urged' },
  'hand-off': { line: 'labor_arbitration', unit: '县仲裁院', dueDate: '2099-12-31', note: '分流' },
  'hand-off-result': { handOffId: 'h1', accepted: true, result: '已立案' },
};

/** A photo as a client declares it before uploading it. */
const ATTACHMENT_DECLARATION = {
  kind: 'photo',
  contentType: 'image/jpeg',
  size: 1024,
  sha256: 'ab'.repeat(32),
};

interface RoutePlan {
  params: () => Record<string, fc.Arbitrary<string>>;
  body: () => fc.Arbitrary<unknown>;
  /** Open311 files requests as form fields, not JSON. */
  form?: boolean;
  /** Generated batches (default RUNS): registrations are the slow writes. */
  runs?: number;
}

/** A form body: the valid fields, mutated the same way, or form-shaped garbage. */
const formBodyOf = (valid: fc.Arbitrary<unknown>): fc.Arbitrary<string | undefined> => {
  const encode = (fields: unknown) => {
    const form = new URLSearchParams();
    if (fields && typeof fields === 'object')
      for (const [k, v] of Object.entries(fields))
        form.append(k, typeof v === 'string' ? v : (stringify(v) ?? ''));
    return form.toString();
  };
  return fc.oneof(
    { weight: 2, arbitrary: valid.map(encode) },
    { weight: 5, arbitrary: mutated(valid).map(encode) },
    { weight: 1, arbitrary: valid.map((v) => `${encode(v)}&${encode(v)}`) },
    { weight: 1, arbitrary: fc.json({ maxDepth: 2 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 80 }) },
    {
      weight: 1,
      arbitrary: fc.constantFrom<string | undefined>(
        undefined,
        '',
        '=',
        '&&&',
        '%',
        '%zz=1',
        'a=%E0%A4%A',
        'lat=1e999&long=-1e999',
      ),
    },
  );
};

const open311Form = () => ({
  api_key: apiKey,
  jurisdiction_id: 'town-a',
  service_code: 'neighbor',
  address_string: '东村三组',
  lat: '30.1',
  long: '120.2',
  description: '夜间施工噪音',
  first_name: '三',
  last_name: '张',
  phone: '13912345678',
  'attribute[consent]': 'true',
});

const PLANS: Record<string, RoutePlan> = {
  'POST /v1/cases': { params: () => ({}), body: () => fc.constant(trimmedCase([])), runs: 18 },
  'POST /v1/cases/{id}/notes': {
    params: () => ({ id: segment(caseId) }),
    body: () => fc.constant({ text: '进展' }),
  },
  // the city's supervision (督办): a town's token is refused (403) whatever the body
  'POST /v1/city/towns/{town}/cases/{id}/supervise': {
    params: () => ({ town: fc.oneof(fc.constant('town-a'), oddSegment), id: segment(caseId) }),
    body: () => fc.constant({ note: '请加快办理' }),
  },
  'POST /v1/cases/{id}/attachments': {
    params: () => ({ id: fc.oneof(segment(caseId), fc.constant(citizenCaseId)) }),
    body: () => fc.constant(ATTACHMENT_DECLARATION),
  },
  'POST /v1/cases/{id}/attachments/{attachmentId}/complete': {
    params: () => ({ id: segment(caseId), attachmentId: oddSegment }),
    body: () => fc.constant(undefined),
  },
  'POST /v1/cases/{id}/mediation/sessions': {
    params: () => ({ id: segment(caseId) }),
    body: () =>
      fc.constant({ heldAt: '2026-11-28T10:00:00+08:00', place: '调解室', present: ['张三'], said: '陈述' }),
  },
  'POST /v1/cases/{id}/{command}': {
    runs: RUNS * 2,
    params: () => ({
      id: fc.oneof(segment(caseId), fc.constant(citizenCaseId)),
      command: fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom(...COMMAND_NAMES) },
        { weight: 1, arbitrary: oddSegment },
      ),
    }),
    body: () => fc.constantFrom(...Object.values(COMMAND_BODIES)),
  },
  'POST /v1/cases/{id}/reveal': {
    params: () => ({ id: segment(caseId) }),
    body: () =>
      fc.constantFrom(
        { purpose: '回访需要电话' },
        { purpose: '核实身份信息', fields: ['idNumber', 'phone'] },
      ),
  },
  'POST /v1/cases/{id}/erase': {
    params: () => ({ id: segment(caseId) }),
    body: () => fc.constant({ reason: '保存期限届满' }),
  },
  'POST /v1/grids': {
    params: () => ({}),
    body: () =>
      fc.constantFrom(
        { name: '西村', level: 'village', parentId: 'missing' },
        { name: '二组', level: 'unit', parentId: villageGridId, leaderId: 'l1', mediators: ['m1'] },
        { name: '综合', level: 'comprehensive', village: '西村' },
      ),
  },
  'PATCH /v1/grids/{id}': {
    params: () => ({ id: fc.oneof(segment(unitGridId), segment(villageGridId)) }),
    body: () =>
      fc.constantFrom({ name: '新名' }, { parentId: villageGridId }, { leaderId: 'l2', mediators: [] }),
  },
  'PUT /v1/grids/{id}/workers/{userId}': {
    params: () => ({ id: segment(unitGridId), userId: segment('worker-1') }),
    body: () => fc.constant(undefined),
  },
  'DELETE /v1/grids/{id}/workers/{userId}': {
    params: () => ({ id: segment(unitGridId), userId: segment('worker-1') }),
    body: () => fc.constant(undefined),
  },
  'POST /v1/grids/{id}/patrols': {
    runs: 16,
    params: () => ({ id: segment(villageGridId) }),
    body: () =>
      fc.constantFrom(
        { date: '2026-11-27', households: 12, notes: '巡查' },
        { date: '2026-11-28', findings: [trimmedCase(['channel', 'gridId'])] },
      ),
  },
  'PUT /v1/staff/{userId}': {
    params: () => ({ userId: segment('staff-1') }),
    body: () =>
      fc.constant({ name: '吴十', roles: ['clerk'], contact: { channel: 'sms', address: '13912345678' } }),
  },
  'POST /v1/helpers': {
    params: () => ({}),
    body: () =>
      fc.constantFrom(
        { name: '何老师', kind: 'counsellor', unit: '心理服务站', phone: '13900002222' },
        {
          name: '陈乡贤',
          kind: 'village_mediator',
          unit: '东村调委会',
          phone: '0575-87001234',
          gridId: villageGridId,
        },
      ),
  },
  'PATCH /v1/helpers/{id}': {
    params: () => ({ id: segment(helperId) }),
    body: () =>
      fc.constantFrom(
        { unit: '法律援助中心' },
        { active: false },
        { phone: null, gridId: null },
        { kind: 'judge' },
      ),
  },
  'POST /v1/helpers/{id}/reveal': {
    params: () => ({ id: segment(helperId) }),
    body: () => fc.constant({ purpose: '联系律师到场' }),
  },
  'POST /v1/public/petitions': {
    runs: 14,
    params: () => ({}),
    body: () => fc.constant(trimmedCase(['channel', 'gridId', 'receivedAt'])),
  },
  'POST /v1/me/cases/claim': {
    params: () => ({}),
    body: () => fc.constantFrom({ queryCode }, { queryCode: 'AB12-CD34' }),
  },
  'POST /v1/me/notifications/{id}/read': {
    params: () => ({ id: oddSegment }),
    body: () => fc.constant(undefined),
  },
  'PUT /v1/admin/calendar/{year}': {
    params: () => ({
      year: fc.oneof(fc.constant('2027'), fc.constantFrom('1999', '2101', '0', '-1', '2e3'), oddSegment),
    }),
    body: () =>
      fc.constant({
        year: 2027,
        holidays: ['2027-01-01', '2027-02-06', '2027-02-07'],
        swappedWorkdays: ['2027-02-14'],
      }),
  },
  'PUT /v1/admin/policy': { params: () => ({}), body: () => fc.constant(policy) },
  'PUT /v1/reception/roster/{date}': {
    params: () => ({
      date: fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom('2026-11-28', '2026-12-01') },
        { weight: 1, arbitrary: fc.constantFrom('2026-02-30', '2026-11-01', '2026-1-5') },
        { weight: 1, arbitrary: oddSegment },
      ),
    }),
    body: () =>
      fc.constantFrom(
        { slots: [{ leaderId: 'fuzz-staff', period: 'morning', place: '接待中心', kind: 'window' }] },
        { slots: [] },
      ),
  },
  'POST /v1/receptions': {
    params: () => ({}),
    body: () =>
      fc.constantFrom(
        {
          date: '2026-11-28',
          leaderId: 'fuzz-staff',
          period: 'day',
          visits: [{ caseId, headcount: 2, onTheSpot: { measure: '释法说理', track: 'immediate' } }],
        },
        {
          date: '2026-11-27',
          leaderId: 'fuzz-staff',
          period: 'morning',
          visits: [
            {
              registration: trimmedCase(['channel', 'gridId']),
              headcount: 3,
              onTheSpot: { measure: '登记' },
            },
          ],
        },
      ),
  },
  'POST /v1/admin/open311-keys': { params: () => ({}), body: () => fc.constant({ name: '县应用' }) },
  'DELETE /v1/admin/open311-keys/{keyId}': {
    params: () => ({ keyId: segment(revocableKeyId) }),
    body: () => fc.constant(undefined),
  },
  'POST /v1/meetings': {
    params: () => ({}),
    body: () =>
      fc.constantFrom(
        {
          kind: 'consultation',
          date: '2026-11-28',
          chairId: 'fuzz-staff',
          participants: { people: ['fuzz-staff'], units: ['县人社局'] },
          caseIds: [caseId],
          agenda: '会商',
        },
        { kind: 'joint_meeting', date: '2026-12-01', chairId: 'nobody', participants: {}, agenda: '联席' },
      ),
  },
  'POST /v1/meetings/{id}/minutes': {
    params: () => ({ id: fc.oneof(segment(meetingId), segment(decidedMeetingId)) }),
    body: () =>
      fc.constantFrom(
        {
          summary: '纪要',
          decisions: [{ text: '核实', ownerId: 'fuzz-staff', dueDate: '2026-12-05', caseId }],
        },
        { summary: '纪要', decisions: [{ text: '核实', ownerId: 'ghost', dueDate: '2026-11-01' }] },
      ),
  },
  'POST /v1/meetings/{id}/decisions/{n}/done': {
    params: () => ({
      id: segment(decidedMeetingId),
      n: fc.oneof(fc.constantFrom('1', '2', '0', '01'), oddSegment),
    }),
    body: () => fc.constant({ note: '已落实' }),
  },
  'POST /open311/v2/requests.json': {
    params: () => ({}),
    body: () => fc.constant(open311Form()),
    form: true,
    runs: 14,
  },
  'POST /open311/v2/requests.xml': {
    params: () => ({}),
    body: () => fc.constant(open311Form()),
    form: true,
    runs: 14,
  },
};

const WRITE_ROUTES = ROUTES.filter((r) => r.method !== 'GET');
const runsOf = (route: RouteSpec) => planOf(route).runs ?? RUNS;

/** A route nobody wrote a plan for yet is still fuzzed: odd ids and any body. */
const fallbackPlan = (route: RouteSpec): RoutePlan => ({
  params: () =>
    Object.fromEntries(
      [...route.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => [name as string, oddSegment]),
    ),
  body: () => fc.constant({}),
});

const planOf = (route: RouteSpec) => PLANS[routeKey(route)] ?? fallbackPlan(route);

const requestFor = (route: RouteSpec): fc.Arbitrary<FuzzRequest> => {
  const plan = planOf(route);
  const params = plan.params();
  return fc
    .record({
      segments: fc.record(params) as fc.Arbitrary<Record<string, string>>,
      body: plan.form ? formBodyOf(plan.body()) : bodyOf(plan.body()),
      headers: headersArb(plan.form ? 'application/x-www-form-urlencoded' : 'application/json'),
      query: fc.oneof(
        { weight: 5, arbitrary: fc.constant('') },
        { weight: 1, arbitrary: ascii(20).map(encodeURIComponent) },
      ),
    })
    .map(({ segments, body, headers, query }) => {
      const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) => segments[name] ?? name);
      const out: Record<string, string> = {};
      if (headers.contentType !== undefined) out['content-type'] = headers.contentType;
      if (headers.ifMatch !== undefined) out['if-match'] = headers.ifMatch;
      if (headers.acceptLanguage !== undefined) out['accept-language'] = headers.acceptLanguage;
      if (headers.idempotencyKey !== undefined) out['idempotency-key'] = headers.idempotencyKey;
      return {
        method: route.method,
        path: query ? `${path}?q=${query}` : path,
        auth: headers.auth,
        headers: out,
        ...(body !== undefined ? { body } : {}),
      };
    });
};

// ---------------------------------------------------------------------------------------------------------------

describe('fuzzing every write route through the local host', () => {
  it('covers every write route in ROUTES', () => {
    // a new write route is fuzzed with the fallback plan, but deserves valid bodies of its own
    expect(WRITE_ROUTES.map(routeKey).filter((key) => !PLANS[key])).toEqual([]);
    expect(WRITE_ROUTES.length).toBeGreaterThanOrEqual(16);
  });

  // the policy last: a generated policy that is valid changes the town's rules for every later request
  const ordered = [...WRITE_ROUTES].sort(
    (a, b) => Number(a.path === '/v1/admin/policy') - Number(b.path === '/v1/admin/policy'),
  );
  for (const route of ordered)
    it(`${routeKey(route)}: never a 5xx (but 503 + Retry-After); every refusal is problem+json or the gateway's own`, async () => {
      const before = total;
      await fc.assert(
        fc.asyncProperty(
          fc.array(requestFor(route), { minLength: BATCH, maxLength: BATCH }),
          async (batch) => {
            const answers = await Promise.all(batch.map(send));
            batch.forEach((req, i) => {
              const why = violation(req, answers[i]!);
              if (why) record(route, req, answers[i]!, why);
            });
          },
        ),
        {
          numRuns: runsOf(route),
          seed: 20261128 + route.path.length,
        },
      );
      expect(total - before).toBeGreaterThanOrEqual(runsOf(route) * BATCH);
      expect(summary(route)).toEqual([]);
    });

  it('bodies at the limits: 64 KB + 1 is a 413 problem; over 10 MB the gateway’s own 413', async () => {
    const big = JSON.stringify({ ...caseBody(), description: 'x'.repeat(64 * 1024) });
    const overContract = await send({
      method: 'POST',
      path: '/v1/cases',
      auth: 'staff',
      headers: { 'content-type': 'application/json' },
      body: big,
    });
    expect(overContract.status).toBe(413);
    expect(header(overContract, 'content-type')).toMatch(/^application\/problem\+json/);
    const huge = `{"text":"${'x'.repeat(10 * 1024 * 1024)}"}`;
    const req: FuzzRequest = {
      method: 'POST',
      path: `/v1/cases/${caseId}/notes`,
      auth: 'staff',
      headers: { 'content-type': 'application/json' },
      body: huge,
    };
    const overGateway = await send(req);
    expect(overGateway.status).toBe(413);
    expect(violation(req, overGateway)).toBeUndefined();
  });
});

describe('what the fuzzing found, pinned down', () => {
  it('an empty Idempotency-Key is no key: callers in two towns each get their own case, not the other’s', async () => {
    const body = JSON.stringify(caseBody({ title: 'empty key' }));
    const other = await h.token('clerk', 'clerk-town-b', 'town-b');
    const post = (token: string) =>
      h.request('POST', '/v1/cases', {
        token,
        rawBody: body,
        headers: { 'content-type': 'application/json', 'idempotency-key': '' },
      });
    const mine = await post(staffToken);
    const theirs = await post(other);
    expect(mine.status, mine.text).toBe(201);
    expect(theirs.status, theirs.text).toBe(201);
    // the second caller must not be handed the first caller's case (and its query code) from another town
    expect(theirs.body.id).not.toBe(mine.body.id);
    expect(theirs.body.registeredBy?.id).toBe('clerk-town-b');
  });

  it.each([
    { method: 'POST', path: '/v1/cases/%zz/notes' },
    { method: 'POST', path: '/v1/cases/%E0%A4%A/accept' },
    { method: 'PUT', path: '/v1/grids/%/workers/w1' },
    { method: 'POST', path: '/v1/me/notifications/%FF/read' },
  ])(
    'a malformed percent-escape in the path ($method $path) is a 4xx, not a 500',
    async ({ method, path }) => {
      const res = await send({
        method,
        path,
        auth: 'staff',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expect(res.status, res.text.slice(0, 200)).toBeGreaterThanOrEqual(400);
      expect(res.status, res.text.slice(0, 200)).toBeLessThan(500);
    },
  );

  const long = (n: number) => 'x'.repeat(n);
  it.each([
    { method: 'POST', path: `/v1/cases/${long(2100)}/notes`, what: 'a case id of 2100 bytes' },
    { method: 'GET', path: `/v1/cases/${long(2100)}`, what: 'a case id of 2100 bytes' },
    { method: 'PATCH', path: `/v1/grids/${long(1100)}`, what: 'a grid id of 1100 bytes' },
    { method: 'DELETE', path: `/v1/grids/${long(1100)}/workers/w1`, what: 'a grid id of 1100 bytes' },
    {
      method: 'POST',
      path: `/v1/me/notifications/${long(1100)}/read`,
      what: 'a notification id of 1100 bytes',
    },
  ])('$what ($method) is too long to be a key: 404 problem+json, not a 500', async ({ method, path }) => {
    const res = await send({
      method,
      path,
      auth: 'staff',
      headers: { 'content-type': 'application/json' },
      ...(method === 'GET' || method === 'DELETE' ? {} : { body: JSON.stringify({ text: 'x', name: 'x' }) }),
    });
    expect(res.status, res.text.slice(0, 200)).toBe(404);
    expect(header(res, 'content-type')).toMatch(/^application\/problem\+json/);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Every field of every body at its edges, read from the OpenAPI document (generated from the schemas the handlers
// parse with), so a field added to a schema is fuzzed as it is added

/** A JSON Schema as the OpenAPI document holds it. */
interface Schema {
  $ref?: string;
  type?: string;
  title?: string;
  enum?: unknown[];
  format?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  multipleOf?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean;
  items?: Schema;
  anyOf?: Schema[];
  default?: unknown;
}

interface DocumentOperation {
  parameters?: { name: string; in: string }[];
  requestBody?: { content: Record<string, { schema: Schema }> };
}

const DOCUMENT = openApiDocument() as unknown as {
  paths: Record<string, Record<string, DocumentOperation>>;
  components: { schemas: Record<string, Schema> };
};

const resolve = (schema: Schema): Schema =>
  schema.$ref ? resolve(DOCUMENT.components.schemas[schema.$ref.split('/').at(-1) ?? ''] ?? {}) : schema;

const operationOf = (route: RouteSpec): DocumentOperation | undefined =>
  DOCUMENT.paths[route.path]?.[route.method.toLowerCase()];

const jsonBodyOf = (operation: DocumentOperation | undefined): Schema | undefined =>
  operation?.requestBody?.content['application/json']?.schema;

/** The document lists the command route once per command: its body is one branch per command, titled by name. */
const bodySchemaOf = (route: RouteSpec): Schema | undefined =>
  route.path.endsWith('/{command}')
    ? {
        anyOf: COMMAND_NAMES.map((name) => ({
          ...jsonBodyOf(DOCUMENT.paths[route.path.replace('{command}', name)]?.post),
          title: name,
        })),
      }
    : jsonBodyOf(operationOf(route));

/** A field of a body: where it sits, the schema of each object or array on the way there, and its own. */
interface Field {
  path: (string | number)[];
  containers: Schema[];
  leaf: Schema;
}

function fieldsOf(root: Schema): Field[] {
  const found: Field[] = [];
  const visit = (at: Schema, path: (string | number)[], containers: Schema[]) => {
    const schema = resolve(at);
    if (schema.anyOf) for (const branch of schema.anyOf) visit(branch, path, containers);
    else if (schema.type === 'object' && schema.properties)
      for (const [name, property] of Object.entries(schema.properties))
        visit(property, [...path, name], [...containers, schema]);
    else if (schema.type === 'array' && schema.items)
      visit(schema.items, [...path, 0], [...containers, schema]);
    else if (path.length > 0) found.push({ path, containers, leaf: schema });
  };
  visit(root, [], []);
  return found;
}

/** The smallest value a schema takes, to fill in an object or array a field needs around it. */
function minimal(at: Schema): unknown {
  const schema = resolve(at);
  if (schema.default !== undefined) return structuredClone(schema.default);
  if (schema.anyOf?.[0]) return minimal(schema.anyOf[0]);
  if (schema.enum) return schema.enum[0];
  switch (schema.type) {
    case 'object':
      return Object.fromEntries(
        (schema.required ?? []).map((name) => [name, minimal(schema.properties?.[name] ?? {})]),
      );
    case 'array':
      return Array.from({ length: schema.minItems ?? 0 }, () => minimal(schema.items ?? {}));
    case 'integer':
    case 'number':
      return schema.minimum ?? (schema.exclusiveMinimum ?? 0) + (schema.type === 'integer' ? 1 : 0.5);
    case 'boolean':
      return false;
    case 'null':
      return null;
    default:
      if (schema.format === 'date') return '2026-11-27';
      if (schema.format === 'date-time') return '2026-11-28T09:00:00+08:00';
      if (schema.pattern?.includes('1[3-9]')) return '13912345678';
      return 'x'.repeat(Math.max(1, schema.minLength ?? 1));
  }
}

/** Whether a value can hold the fields of a schema (an object with no field the schema does not have). */
function fits(value: unknown, at: Schema): boolean {
  const schema = resolve(at);
  if (schema.type === 'array') return Array.isArray(value);
  if (schema.type !== 'object') return true;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  return (
    schema.additionalProperties !== false ||
    Object.keys(value).every((name) => name in (schema.properties ?? {}))
  );
}

/** The field left out. */
const ABSENT = Symbol('absent');

/** A body with one field set to a value, the objects and arrays around it made where the body has none. */
function place(base: unknown, field: Field, value: unknown): unknown {
  const [top] = field.containers;
  const root = fits(base, top ?? {}) ? structuredClone(base) : minimal(top ?? {});
  let parent = root as Record<string | number, unknown>;
  field.path.forEach((key, i) => {
    if (i === field.path.length - 1) {
      if (value !== ABSENT) parent[key] = value;
      else if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete parent[key];
      return;
    }
    const inner = field.containers[i + 1] ?? {};
    if (!fits(parent[key], inner)) parent[key] = minimal(inner);
    parent = parent[key] as Record<string | number, unknown>;
  });
  return root;
}

/** JSON text that keeps `-0` (which `JSON.stringify` writes as `0`). */
const NEGATIVE_ZERO = '\u0000negative zero\u0000';
const toJson = (body: unknown): string =>
  JSON.stringify(body, (_key, v) => (Object.is(v, -0) ? NEGATIVE_ZERO : v)).replaceAll(
    JSON.stringify(NEGATIVE_ZERO),
    '-0',
  );

/** Numbers a JSON body may hold that no store keeps as they are: magnitudes below 1e-130 and above 2^53. */
const TINY = [1e-200, -1e-200, 1e-131, -1e-131, 1e-130, 5e-324, -5e-324, 4e-8, 5e-8, 1e-7];
const HUGE = [1e21, 2 ** 53, 2 ** 53 + 2, 1e126, -1e126, 1e200, Number.MAX_VALUE, -Number.MAX_VALUE];

function numberEdges(schema: Schema): unknown[] {
  const step = schema.type === 'integer' ? 1 : 1e-9;
  const edges: unknown[] = [0, -0, ...TINY, ...HUGE, 0.1 + 0.2, 1 / 3, 1.5, '1', null, ABSENT];
  const low = schema.minimum ?? schema.exclusiveMinimum;
  const high = schema.maximum ?? schema.exclusiveMaximum;
  for (const bound of [low, high])
    if (bound !== undefined)
      edges.push(
        bound,
        bound - step,
        bound + step,
        bound - 0.5,
        bound + 0.5,
        bound * (1 + Number.EPSILON),
        bound * (1 - Number.EPSILON),
      );
  if (low !== undefined && high !== undefined) edges.push((low + high) / 2 + 1 / 3);
  if (schema.multipleOf !== undefined && low !== undefined)
    edges.push(low + schema.multipleOf / 2, low + schema.multipleOf * 7, low + schema.multipleOf * 1e-9);
  return edges;
}

/** Code points that break naive handling: NUL, bidi override, zero width, a lone surrogate, BOM, a ZWJ family, CRLF. */
const ODD_TEXT = '\u0000\u202e\u200b\ud800\ufeff👨‍👩‍👧‍👦\r\n';

function stringEdges(schema: Schema): unknown[] {
  if (schema.enum) {
    const first = String(schema.enum[0]);
    return [schema.enum[0], schema.enum.at(-1), `${first} `, first.toUpperCase(), '', 0, null, ABSENT];
  }
  const common: unknown[] = ['', ' ', null, 0, ABSENT, '__proto__', ODD_TEXT, 'e\u0301'];
  if (schema.format === 'date')
    return [...common, '2026-11-28', '2026-11-29', '2024-02-29', '2026-02-29', '0001-01-01', '9999-12-31'];
  if (schema.format === 'date-time')
    return [
      ...common,
      '2026-11-28T02:01:00Z',
      '2026-11-28T02:01:00.001Z',
      '2026-11-24T10:00:00+08:00',
      '0001-01-01T00:00:00Z',
      '9999-12-31T23:59:59.999Z',
      '2026-11-28T02:00:00.123456789Z',
      '2026-11-28T16:00:00+14:00',
    ];
  if (schema.pattern?.includes('1[3-9]'))
    return [...common, '13912345678', '010-12345678', '1391234567', '139123456789', '+8613912345678'];
  const min = schema.minLength ?? 0;
  const max = schema.maxLength;
  const edges = [...common, 'x'.repeat(Math.max(min, 1))];
  if (min > 1) edges.push('x'.repeat(min - 1), ' '.repeat(min));
  if (max === undefined) edges.push('长'.repeat(20_000), 'x'.repeat(70_000));
  else
    edges.push(
      '长'.repeat(max),
      'x'.repeat(max + 1),
      // a character outside the BMP is two UTF-16 units
      '𠮷'.repeat(Math.floor(max / 2)),
      '𠮷'.repeat(Math.floor(max / 2) + 1),
      ` ${'长'.repeat(max)} `,
    );
  return edges;
}

function edgesOf(schema: Schema): unknown[] {
  switch (schema.type) {
    case 'integer':
    case 'number':
      return numberEdges(schema);
    case 'string':
      return stringEdges(schema);
    case 'boolean':
      return [true, false, 'true', 1, null, ABSENT];
    case 'null':
      return [null, ABSENT];
    default:
      return [null, 0, '', {}, [], ABSENT];
  }
}

const edgeKey = (v: unknown): string =>
  v === ABSENT ? 'absent' : Object.is(v, -0) ? '-0' : `${typeof v}:${typeof v === 'string' ? v : toJson(v)}`;

/** Each field of a schema with each of its edges, once. */
function edgesOfBody(schema: Schema, base: unknown): { path: string; body: unknown }[] {
  const seen = new Set<string>();
  return fieldsOf(schema).flatMap((field) =>
    edgesOf(field.leaf).flatMap((edge) => {
      const path = field.path.join('.');
      const key = `${path}=${edgeKey(edge)}`;
      if (seen.has(key)) return [];
      seen.add(key);
      return [{ path, body: place(base, field, edge) }];
    }),
  );
}

/**
 * A refusal of a body with one field changed names that field, the object it sits in or a field inside it; a rule
 * across fields names the field it asks for.
 */
const ASKED_FOR: Record<string, string[]> = {
  receivedAt: ['lateEntryReason'],
  channel: ['referral'],
  from: ['to'],
  petitioners: ['headcount'],
  level: ['parentId'],
  backlog: ['receivedAt'],
  status: ['track'],
  // the checks of a calendar across its two lists are named at its holidays
  swappedWorkdays: ['holidays'],
};

function namesField(res: FuzzResponse, path: string): string | undefined {
  if (res.status !== 400) return undefined;
  let errors: unknown;
  try {
    errors = (JSON.parse(res.text) as { errors?: unknown }).errors;
  } catch {
    return undefined;
  }
  if (!Array.isArray(errors)) return '400 without errors';
  const segments = path.split('.');
  const askedFor = Object.entries(ASKED_FOR).flatMap(([name, asked]) => {
    const at = segments.lastIndexOf(name);
    return at < 0 ? [] : asked.map((other) => [...segments.slice(0, at), other].join('.'));
  });
  const names = errors.map((e) => String((e as { path?: unknown }).path));
  // an error at the body itself ('') is about every field in it
  const related = (p: string) =>
    p === '' || p === path || path.startsWith(`${p}.`) || p.startsWith(`${path}.`) || askedFor.includes(p);
  return names.some(related)
    ? undefined
    : `400 naming ${names.join(', ') || 'nothing'} for a change of ${path}`;
}

/** Runs work over items with at most `lanes` at a time. */
async function inLanes<T>(items: readonly T[], lanes: number, work: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
}

const EDGE_TOWN = 'town-e';
/**
 * Each body its own petitioner (an open case of the same petitioner and category is a repeat, refused before anything
 * is stored): the valid bodies' ID number and phones, replaced by ones seen once.
 */
const BASE_ID_NUMBER = validIdNumber(333);
const BASE_PHONES = ['13812345678', '13912345678'];
let phones = 0;
const freshen = (value: unknown): unknown => {
  if (value === BASE_ID_NUMBER) return uniqueIdNumber();
  if (typeof value === 'string' && BASE_PHONES.includes(value)) {
    phones += 1;
    return `137${String(phones).padStart(8, '0')}`;
  }
  if (Array.isArray(value)) return value.map(freshen);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, freshen(v)]));
  return value;
};
/** Each route's edges are hundreds of requests, many of them registrations. */
const EDGE_TIMEOUT = 300_000;

describe('every field of every body at its edges: never a 5xx, and a 400 names the field', () => {
  let staff: string;
  let citizen: string;
  let edgeCaseId: string;
  let edgeQueryCode: string;
  let villageId: string;
  let unitId: string;
  let helperId: string;
  let edgeMeetingId: string;
  let edgeDecidedId: string;
  let edgeMediatedId: string;
  const json = { 'content-type': 'application/json' };
  const HELPER = { name: '王法官', kind: 'judge', unit: '县法院', phone: '13912345678' };

  beforeAll(async () => {
    staff = await h.token(STAFF, 'edge-staff', EDGE_TOWN);
    citizen = await h.token('petitioner', 'edge-citizen', EDGE_TOWN);
    const created = await h.request('POST', '/v1/cases', { token: staff, body: caseBody() });
    expect(created.status, created.text).toBe(201);
    edgeCaseId = created.body.id;
    edgeQueryCode = created.body.queryCode;
    const root = await h.request('POST', '/v1/grids', {
      token: staff,
      body: { name: '综合网格', level: 'comprehensive' },
    });
    const village = await h.request('POST', '/v1/grids', {
      token: staff,
      body: { name: '东村', level: 'village', parentId: root.body.id },
    });
    villageId = village.body.id;
    const unit = await h.request('POST', '/v1/grids', {
      token: staff,
      body: { name: '一组', level: 'unit', parentId: villageId },
    });
    unitId = unit.body.id;
    const assigned = await h.request('PUT', `/v1/grids/${villageId}/workers/edge-staff`, { token: staff });
    expect(assigned.status, assigned.text).toBe(200);
    const helper = await h.request('POST', '/v1/helpers', { token: staff, body: HELPER });
    expect(helper.status, helper.text).toBe(201);
    helperId = helper.body.id;
    const leader = await h.request('PUT', '/v1/staff/edge-staff', {
      token: staff,
      body: { name: '王书记', roles: ['leader', 'clerk'] },
    });
    expect(leader.status, leader.text).toBe(200);
    // a case under mediation by edge-staff, for its sessions
    const dispute = await h.request('POST', '/v1/cases', {
      token: staff,
      body: caseBody({ respondent: { name: '某建筑公司', kind: 'organization' } }),
    });
    expect(dispute.status, dispute.text).toBe(201);
    edgeMediatedId = dispute.body.id;
    for (const [command, body, version] of [
      ['accept', { track: 'immediate' }, 1],
      ['mediate', COMMAND_BODIES.mediate, 2],
    ] as const) {
      const given = await h.request('POST', `/v1/cases/${edgeMediatedId}/${command}`, {
        token: staff,
        body,
        headers: { 'if-match': `"${version}"` },
      });
      expect(given.status, given.text).toBe(200);
    }
    const meeting = async () => {
      const made = await h.request('POST', '/v1/meetings', {
        token: staff,
        body: {
          kind: 'consultation',
          date: '2026-11-28',
          chairId: 'edge-staff',
          agenda: '会商',
          participants: {},
        },
      });
      expect(made.status, made.text).toBe(201);
      return made.body.id as string;
    };
    edgeMeetingId = await meeting();
    edgeDecidedId = await meeting();
    const minutes = await h.request('POST', `/v1/meetings/${edgeDecidedId}/minutes`, {
      token: staff,
      body: { summary: '议定', decisions: [{ text: '核实', ownerId: 'edge-staff', dueDate: '2026-12-05' }] },
    });
    expect(minutes.status, minutes.text).toBe(201);
  });

  /**
   * Where each route's edges are sent, with whose token and which valid body they change; `versioned`: one at a time,
   * each with the `If-Match` of the version the last one left; `stores`: the valid bodies among the edges are stored,
   * so the edges reach the store and not only the schema.
   */
  const targets = (): Record<
    string,
    { path: string; token: string; base: unknown; versioned?: boolean; stores?: boolean }
  > => ({
    'POST /v1/cases': {
      path: '/v1/cases',
      token: staff,
      base: { ...trimmedCase([]), receivedAt: '2026-11-27T10:00:00+08:00' },
      stores: true,
    },
    'POST /v1/cases/{id}/notes': {
      path: `/v1/cases/${edgeCaseId}/notes`,
      token: staff,
      base: { text: '进展' },
      stores: true,
    },
    'POST /v1/cases/{id}/attachments': {
      path: `/v1/cases/${edgeCaseId}/attachments`,
      token: staff,
      base: ATTACHMENT_DECLARATION,
      stores: true,
    },
    'POST /v1/cases/{id}/mediation/sessions': {
      path: `/v1/cases/${edgeMediatedId}/mediation/sessions`,
      token: staff,
      base: {
        heldAt: NOW.toISOString(),
        place: '枫源村调解室',
        present: ['张三', '王调解'],
        said: '双方陈述',
        agreed: '同意分期支付',
      },
      stores: true,
    },
    'POST /v1/cases/{id}/reveal': {
      path: `/v1/cases/${edgeCaseId}/reveal`,
      token: staff,
      base: { purpose: '回访需要电话' },
    },
    'POST /v1/cases/{id}/erase': {
      path: `/v1/cases/${edgeCaseId}/erase`,
      token: staff,
      base: { reason: '保存期限届满' },
    },
    'POST /v1/grids': {
      path: '/v1/grids',
      token: staff,
      base: { name: '二组', level: 'unit', parentId: villageId },
      stores: true,
    },
    'PATCH /v1/grids/{id}': {
      path: `/v1/grids/${unitId}`,
      token: staff,
      base: { name: '新名' },
      stores: true,
    },
    'POST /v1/grids/{id}/patrols': {
      path: `/v1/grids/${villageId}/patrols`,
      token: staff,
      base: {
        date: '2026-11-27',
        households: 12,
        notes: '巡查',
        findings: [trimmedCase(['channel', 'gridId'])],
      },
      stores: true,
    },
    'PUT /v1/staff/{userId}': {
      path: '/v1/staff/staff-1',
      token: staff,
      base: { name: '吴十', roles: ['clerk'], contact: { channel: 'sms', address: '13912345678' } },
      stores: true,
    },
    'POST /v1/public/petitions': {
      path: '/v1/public/petitions',
      token: citizen,
      base: trimmedCase(['channel', 'gridId', 'receivedAt']),
      stores: true,
    },
    'POST /v1/me/cases/claim': {
      path: '/v1/me/cases/claim',
      token: citizen,
      base: { queryCode: edgeQueryCode },
    },
    'PUT /v1/admin/calendar/{year}': {
      path: '/v1/admin/calendar/2027',
      token: staff,
      base: { year: 2027, holidays: ['2027-01-01'], swappedWorkdays: ['2027-02-14'] },
      stores: true,
    },
    'POST /v1/admin/open311-keys': {
      path: '/v1/admin/open311-keys',
      token: staff,
      base: { name: '县应用' },
      stores: true,
    },
    'POST /v1/helpers': { path: '/v1/helpers', token: staff, base: HELPER, stores: true },
    'POST /v1/meetings': {
      path: '/v1/meetings',
      token: staff,
      base: {
        kind: 'joint_meeting',
        date: '2026-11-28',
        chairId: 'edge-staff',
        participants: { people: ['edge-staff'], units: ['县信访局'] },
        caseIds: [edgeCaseId],
        agenda: '研判信访形势',
      },
      stores: true,
    },
    'POST /v1/meetings/{id}/minutes': {
      path: `/v1/meetings/${edgeMeetingId}/minutes`,
      token: staff,
      base: {
        summary: '议定两项',
        decisions: [
          { text: '核实欠薪', ownerId: 'edge-staff', dueDate: '2026-12-05', caseId: edgeCaseId },
          { text: '约谈', ownerId: 'edge-staff', dueDate: '2026-11-28' },
        ],
      },
      stores: true,
    },
    'POST /v1/meetings/{id}/decisions/{n}/done': {
      path: `/v1/meetings/${edgeDecidedId}/decisions/1/done`,
      token: staff,
      base: { note: '已核实' },
      stores: true,
    },
    'PUT /v1/reception/roster/{date}': {
      path: '/v1/reception/roster/2026-11-30',
      token: staff,
      base: { slots: [{ leaderId: 'edge-staff', period: 'morning', place: '接待中心', kind: 'window' }] },
      stores: true,
    },
    'POST /v1/receptions': {
      path: '/v1/receptions',
      token: staff,
      base: {
        date: '2026-11-28',
        leaderId: 'edge-staff',
        period: 'afternoon',
        visits: [
          { caseId: edgeCaseId, headcount: 2, onTheSpot: { measure: '释法说理', track: 'immediate' } },
          { registration: trimmedCase(['channel', 'gridId']), headcount: 1, onTheSpot: { measure: '登记' } },
        ],
      },
      stores: true,
    },
    'PATCH /v1/helpers/{id}': {
      path: `/v1/helpers/${helperId}`,
      token: staff,
      base: { unit: '县人民法院' },
      versioned: true,
      stores: true,
    },
  });

  const bodyRoutes = WRITE_ROUTES.filter((route) => bodySchemaOf(route) !== undefined);
  const COMMAND_ROUTE = 'POST /v1/cases/{id}/{command}';
  const POLICY_ROUTE = 'PUT /v1/admin/policy';

  it('reads a body schema for every write route that takes a JSON body', () => {
    expect(bodyRoutes.length).toBeGreaterThanOrEqual(14);
    expect(bodyRoutes.map(routeKey)).toEqual(expect.arrayContaining([COMMAND_ROUTE, POLICY_ROUTE]));
  });

  /** Sends a body to a route and records what breaks the contract. */
  const judge = async (route: RouteSpec, req: FuzzRequest, field: string) => {
    const res = await send(req);
    const why = violation(req, res) ?? namesField(res, field);
    if (why) record(route, req, res, why);
    return res;
  };

  const request = (route: RouteSpec, path: string, token: string, body: unknown, i: number): FuzzRequest => {
    edgeBodies += 1;
    return {
      method: route.method,
      path,
      auth: 'staff',
      token,
      headers: { ...json, 'accept-language': i % 2 ? 'en' : 'zh-CN' },
      body: toJson(freshen(body)),
    };
  };

  for (const route of bodyRoutes.filter((r) => ![COMMAND_ROUTE, POLICY_ROUTE].includes(routeKey(r))))
    it(
      `${routeKey(route)}: each field at each edge`,
      async () => {
        // a route without a plan of its own still has its fields fuzzed, against a made-up id
        const target = targets()[routeKey(route)] ?? {
          path: route.path.replace(/\{\w+\}/g, 'edge-x'),
          token: staff,
          base: minimal(bodySchemaOf(route)!),
        };
        const cases = edgesOfBody(bodySchemaOf(route)!, target.base);
        let version = 1;
        let taken = 0;
        await inLanes(
          cases.map((c, i) => ({ ...c, i })),
          target.versioned ? 1 : BATCH,
          async ({ path, body, i }) => {
            const req = request(route, target.path, target.token, body, i);
            if (target.versioned) req.headers['if-match'] = `"${version}"`;
            const res = await judge(route, req, path);
            if (res.status < 300) taken += 1;
            if (res.status === 200 && target.versioned) version = Number(JSON.parse(res.text).version);
          },
        );
        if (target.stores) expect(taken, `${cases.length} bodies`).toBeGreaterThan(0);
        expect(summary(route)).toEqual([]);
      },
      EDGE_TIMEOUT,
    );

  it(
    `${COMMAND_ROUTE}: each field of each command at each edge, on a case in a status that takes it`,
    async () => {
      const route = ROUTES.find((r) => routeKey(r) === COMMAND_ROUTE)!;
      const branches = resolve(bodySchemaOf(route)!).anyOf ?? [];
      expect(branches.map((b) => b.title).sort()).toEqual([...COMMAND_NAMES].sort());

      /** A new case, brought to a status by the shortest way there, and to the mediation or hand-off a step needs. */
      const caseIn = async (status: string, command: string) => {
        const created = await h.request('POST', '/v1/cases', {
          token: staff,
          body: caseBody({ title: '边界', respondent: { name: '某建筑公司', kind: 'organization' } }),
        });
        expect(created.status, created.text).toBe(201);
        const current = { id: created.body.id as string, version: created.body.version as number };
        const step = async (command: string, body: Json) => {
          const res = await h.request('POST', `/v1/cases/${current.id}/${command}`, {
            token: staff,
            body,
            headers: { 'if-match': `"${current.version}"` },
          });
          expect(res.status, res.text).toBe(200);
          current.version = res.body.version;
        };
        if (status !== 'registered') await step('accept', { track: 'immediate', assigneeId: 'edge-staff' });
        if (status === 'replied' || status === 'under_review')
          await step('reply', { outcome: 'resolved', opinion: '已解决' });
        if (status === 'under_review') await step('request-review', { reason: '不服' });
        if (['extend-mediation', 'agree', 'mediation-failed', 'callback'].includes(command))
          await step('mediate', COMMAND_BODIES.mediate!);
        if (command === 'callback') await step('agree', COMMAND_BODIES.agree!);
        if (command === 'hand-off-result') await step('hand-off', COMMAND_BODIES['hand-off']!);
        return current;
      };

      await inLanes(branches, BATCH, async (branch) => {
        const command = branch.title as keyof typeof COMMANDS;
        const { from, ...rest } = COMMANDS[command] as { from: readonly string[]; to?: string };
        let current: { id: string; version: number } | undefined;
        for (const [i, { path, body }] of edgesOfBody(branch, COMMAND_BODIES[command]).entries()) {
          current ??= await caseIn(from[0]!, command);
          const req = request(route, `/v1/cases/${current.id}/${command}`, staff, body, i);
          req.headers['if-match'] = `"${current.version}"`;
          const res = await judge(route, req, path);
          // a command that moves the case on uses it up; one that keeps its status moves its version
          if (res.status === 200 && rest.to === undefined)
            current.version = Number(JSON.parse(res.text).version);
          else if (res.status === 200 || res.status === 412) current = undefined;
        }
      });
      expect(summary(route)).toEqual([]);
    },
    EDGE_TIMEOUT,
  );

  it(
    `${POLICY_ROUTE}: each field at each edge, and the town works under every policy it took`,
    async () => {
      const route = ROUTES.find((r) => routeKey(r) === POLICY_ROUTE)!;
      // a town of its own: a stored policy is applied to the town's open cases
      const staff = await h.token(STAFF, 'policy-staff', 'town-policy');
      const current = await h.request('GET', '/v1/admin/policy', { token: staff });
      expect(current.status).toBe(200);
      const cases = edgesOfBody(bodySchemaOf(route)!, current.body);
      // one at a time: each policy taken is the town's until the next
      for (const [i, { path, body }] of cases.entries()) {
        const res = await judge(route, request(route, '/v1/admin/policy', staff, body, i), path);
        if (res.status !== 200) continue;
        const registered = {
          method: 'POST',
          path: '/v1/cases',
          auth: 'staff' as const,
          token: staff,
          headers: json,
        };
        const after = { ...registered, body: JSON.stringify(caseBody({ title: '新规则下登记' })) };
        const answer = await send(after);
        if (answer.status >= 500) record(route, after, answer, `${answer.status} registering under ${path}`);
      }
      const restored = await h.request('PUT', '/v1/admin/policy', { token: staff, body: current.body });
      expect(restored.status, restored.text).toBe(200);
      expect(summary(route)).toEqual([]);
    },
    EDGE_TIMEOUT,
  );

  it(
    'Open311 filing: each form field at each edge (lat and long as the strings a form sends)',
    async () => {
      const degrees = (bound: number) => [
        ...numberEdges({ type: 'number', minimum: -bound, maximum: bound })
          .filter((v) => v !== null && v !== ABSENT)
          .map((v) => (Object.is(v, -0) ? '-0' : String(v))),
        ...[
          '0x1e',
          '0b1',
          '0o7',
          'Infinity',
          '-Infinity',
          'NaN',
          '1e999',
          '-1e999',
          '1,5',
          '30.1.2',
          '+30.1',
        ],
        ...['.5', '5.', '1_000', '３０', '٣٠', '-0.0', '30.27412345678901234567890123456789012345', ''],
      ];
      const strings = (schema: Schema) =>
        stringEdges({ type: 'string', ...schema }).filter((v): v is string => typeof v === 'string');
      const FIELDS: Record<string, string[]> = {
        lat: degrees(90),
        long: degrees(180),
        description: strings({ maxLength: 4000 }),
        first_name: strings({ maxLength: 50 }),
        last_name: strings({ maxLength: 50 }),
        phone: strings({ pattern: '1[3-9]' }),
        address_string: strings({ maxLength: 200 }),
        [`attribute[${CONSENT_ATTRIBUTE}]`]: ['true', 'false', 'TRUE', '', 'maybe', '1'],
        service_code: ['neighbor', 'environment', 'NEIGHBOR', '', 'x'.repeat(2000), '__proto__'],
        jurisdiction_id: [EDGE_TOWN, 'town-a', '', 'x'.repeat(2000)],
        email: strings({ maxLength: 100 }),
        device_id: strings({ maxLength: 100 }),
        account_id: strings({ maxLength: 100 }),
        media_url: ['https://example.org/a.jpg', 'javascript:alert(1)', 'x'.repeat(5000)],
      };
      const forms = Object.entries(FIELDS).flatMap(([name, values]) =>
        [...new Set(values)].map((value) => ({ name, value })),
      );
      // each key files at most 30 requests a minute: a fresh key for every 25
      const keys: string[] = [];
      for (let i = 0; i < Math.ceil((forms.length * 2) / 25); i++) {
        const issued = await h.request('POST', '/v1/admin/open311-keys', {
          token: staff,
          body: { name: `边界 ${i}` },
        });
        expect(issued.status, issued.text).toBe(201);
        keys.push(issued.body.apiKey);
      }
      const routes = ['json', 'xml'].map(
        (format) => ROUTES.find((r) => r.method === 'POST' && r.path === `/open311/v2/requests.${format}`)!,
      );
      const sends = routes.flatMap((route) => forms.map((form) => ({ route, ...form })));
      await inLanes(
        sends.map((s, i) => ({ ...s, i })),
        BATCH,
        async ({ route, name, value, i }) => {
          const fields: Record<string, string> = {
            ...(freshen(open311Form()) as Record<string, string>),
            api_key: keys[Math.floor(i / 25)]!,
            jurisdiction_id: EDGE_TOWN,
            [name]: value,
          };
          const form = new URLSearchParams(fields).toString();
          edgeBodies += 1;
          const req: FuzzRequest = {
            method: 'POST',
            path: route.path,
            auth: 'none',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: form,
          };
          const res = await send(req);
          const why =
            violation(req, res) ??
            (res.status === 400 && !res.text.includes(name.split('[')[0]!)
              ? `400 not naming ${name}`
              : undefined);
          if (why) record(route, req, res, why);
        },
      );
      for (const route of routes) expect(summary(route)).toEqual([]);
    },
    EDGE_TIMEOUT,
  );
});

// ---------------------------------------------------------------------------------------------------------------
// Forged cursors for every list that takes one (every GET the OpenAPI document gives a `cursor` parameter)

const CURSOR_TOWN = 'town-c';

const LIST_ROUTES = ROUTES.filter(
  (route) => route.method === 'GET' && operationOf(route)?.parameters?.some((p) => p.name === 'cursor'),
);

const base64url = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

/** A cursor's position, when it is base64url JSON. */
function positionOf(cursor: string): Json | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Json)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Moves a key value out of where its Query reads: another town, a grid above, a month before or after, a bound. */
const moved = (value: string): string[] => [
  '',
  ' ',
  '!',
  '~',
  '\ud800',
  `${value}~`,
  `~${value}`,
  `!${value}`,
  `${value}\u0000`,
  value.slice(0, -1),
  value.slice(0, 1),
  value.replaceAll(CURSOR_TOWN, 'town-a'),
  value.replace(/#[^#]*$/, '#'),
  value.replace(/\/[^/]+\/(?=[^/]*$)/, '/'),
  value.replace(/^\/[^/]+\//, '/other/'),
  value.replace(/^\d{4}/, '2025'),
  value.replace(/^\d{4}/, '2027'),
  value.replace(/^(\d{4}-\d\d-\d\d)T[^#]*/, '$1T16:00:00.000Z'),
  'x'.repeat(1025),
  '长'.repeat(342),
  `${value}${'x'.repeat(Math.max(0, 1025 - Buffer.byteLength(value)))}`,
];

type CursorMutation = (position: unknown) => unknown;

/**
 * Every way one step can forge a JSON cursor of this shape: a position in a plan (`{source, key}`, `{month, key}`),
 * or the start key itself (all of its values strings).
 */
function mutationsOf(position: Json): CursorMutation[] {
  const set =
    (name: string, to: unknown): CursorMutation =>
    (p) => {
      if (p === null || typeof p !== 'object' || Array.isArray(p)) return p;
      const copy = { ...(p as Json) };
      if (to === ABSENT) delete copy[name];
      else copy[name] = to;
      return copy;
    };
  const bare = !('key' in position) && Object.values(position).every((v) => typeof v === 'string');
  const setKey =
    (name: string, to: unknown): CursorMutation =>
    (p) => {
      if (bare) return set(name, to)(p);
      const key = (p as Json | null)?.key;
      if (key === null || typeof key !== 'object' || Array.isArray(key)) return p;
      return { ...(p as Json), key: set(name, to)(key) };
    };
  const mutations: CursorMutation[] = [
    set('extra', 1),
    set('__proto__', { key: {} }),
    (p) => [p],
    () => null,
    () => 7,
    () => 'x',
  ];
  const key = bare ? position : (position.key as Json | undefined);
  if (!bare) {
    const index = Object.keys(position).find((name) => name !== 'key') ?? 'source';
    mutations.push(...[-1, 1.5, '0', null, 99, 2 ** 53, true, [], {}, ABSENT].map((to) => set(index, to)));
    if (key) mutations.push(...[null, [], 'x', 1, {}, ABSENT].map((to) => set('key', to)));
    else mutations.push(set('key', { pk: `T#${CURSOR_TOWN}#C#x`, sk: 'CASE' }), set('key', {}));
  }
  if (key) {
    mutations.push(setKey('gsi9pk', 'x'), setKey('', 'x'));
    for (const [name, value] of Object.entries(key))
      for (const to of [ABSENT, 1, null, {}, [], true, ...moved(String(value))])
        mutations.push(setKey(name, to));
  }
  return mutations;
}

/** Forgeries of any cursor, JSON or not. */
const rawForgeries = (cursor: string): string[] => [
  'a',
  '!!!',
  '%00',
  '..',
  'x'.repeat(512),
  'x'.repeat(513),
  'x'.repeat(2048),
  `${cursor}A`,
  cursor.slice(0, -3),
  cursor.toUpperCase(),
  Buffer.from(cursor, 'base64url').toString('base64'),
  base64url('[]'),
  base64url('1'),
  base64url('"x"'),
  base64url('{}'),
  base64url('{"__proto__":{"source":0}}'),
  base64url('{"source":0,"month":0}'),
  // strings shaped like a notification id (time-random): a list's cursor is never a bare id
  `${cursor}x`,
  cursor.replace(/.$/, 'A'),
  `0-${'a'.repeat(16)}`,
  `${'9'.repeat(495)}-${'a'.repeat(16)}`,
  `Z-${'-'.repeat(16)}`,
  `${cursor.split('-')[0]}-${'_'.repeat(16)}`,
];

/** Forgeries of a cursor: one step at a time, on the raw string or on its JSON. */
function forgeriesOf(cursor: string): string[] {
  const position = positionOf(cursor);
  const json = position
    ? mutationsOf(position).map((mutate) =>
        base64url(JSON.stringify(mutate(structuredClone(position))) ?? ''),
      )
    : [];
  return [...new Set([...rawForgeries(cursor), ...json])].filter((c) => c !== cursor);
}

interface ListVariant {
  token: string;
  query: Record<string, string>;
  /** The list's path with its parameters filled in, when it has any. */
  path?: string;
}

const queryString = (query: Record<string, string>) => new URLSearchParams(query).toString();

describe('forged cursors on every list: never a 5xx, a 400 names cursor, and nothing outside the list', () => {
  const variants: Record<string, ListVariant[]> = {};
  /** Everything each variant lists, to tell a forged page that reaches outside it. */
  const listed = new Map<ListVariant, Set<string>>();
  const cursors = new Map<ListVariant, string[]>();
  const itemKey = (item: Json) => (typeof item.id === 'string' ? item.id : JSON.stringify(item));

  beforeAll(async () => {
    const staff = await h.token(STAFF, 'cursor-staff', CURSOR_TOWN);
    const worker = await h.token('grid_worker', 'cursor-worker', CURSOR_TOWN);
    const citizen = await h.token('petitioner', 'cursor-citizen', CURSOR_TOWN);
    const post = async (path: string, body: unknown, token = staff) => {
      const res = await h.request('POST', path, { token, body });
      expect(res.status, res.text).toBeLessThan(300);
      return res.body;
    };
    const root = await post('/v1/grids', { name: '综合网格', level: 'comprehensive' });
    const village = await post('/v1/grids', { name: '东村', level: 'village', parentId: root.id });
    expect(
      (await h.request('PUT', `/v1/grids/${village.id}/workers/cursor-worker`, { token: staff })).status,
    ).toBe(200);
    for (let i = 0; i < 3; i++) await post('/v1/cases', caseBody({ title: `网格 ${i}`, gridId: village.id }));
    // cases assigned to the worker and to the staff member: their relation items and their inboxes
    for (const assignee of [
      'cursor-worker',
      'cursor-worker',
      'cursor-staff',
      'cursor-staff',
      'cursor-staff',
    ]) {
      const created = await post('/v1/cases', caseBody({ title: `分派 ${assignee}` }));
      const accepted = await h.request('POST', `/v1/cases/${created.id}/accept`, {
        token: staff,
        body: { track: 'immediate', assigneeId: assignee },
        headers: { 'if-match': `"${created.version}"` },
      });
      expect(accepted.status, accepted.text).toBe(200);
    }
    for (let i = 0; i < 3; i++)
      await post(
        '/v1/public/petitions',
        {
          kind: 'petition',
          category: 'neighbor',
          title: `网上 ${i}`,
          description: '夜间施工',
          petitioners: [{ name: '钱八', idNumber: validIdNumber(700 + i) }],
        },
        citizen,
      );
    // the reveal log over two months: one reveal in October, three in November
    const revealed = await post('/v1/cases', caseBody({ title: '查阅' }));
    h.setNow('2026-10-20T02:00:00Z');
    await post(`/v1/cases/${revealed.id}/reveal`, { purpose: '回访需要电话' });
    h.setNow(NOW);
    for (let i = 0; i < 3; i++)
      await post(`/v1/cases/${revealed.id}/reveal`, { purpose: `回访需要电话 ${i}` });

    for (const [name, kind] of [
      ['王法官', 'judge'],
      ['李法官', 'judge'],
      ['赵律师', 'lawyer'],
    ])
      await post('/v1/helpers', { name, kind, unit: '县法院', phone: '13912345678' });

    // the city's lists of the town: two cases received 20 days ago (overdue now) and two carried cases (积案)
    for (let i = 0; i < 2; i++) {
      await post(
        '/v1/cases',
        caseBody({ title: `逾期 ${i}`, receivedAt: '2026-11-08T09:00:00+08:00', lateEntryReason: '补录' }),
      );
      await post(
        '/v1/cases',
        caseBody({
          title: `积案 ${i}`,
          category: 'land_requisition',
          receivedAt: '2019-03-01T09:00:00+08:00',
          backlog: {
            status: 'registered',
            history: [{ date: '2019-03-01', what: '首次来访', unit: '原乡信访办' }],
          },
        }),
      );
    }
    const city = await h.token('city_supervisor', 'cursor-city', undefined, { towns: [CURSOR_TOWN] });
    const cityCases = `/v1/city/towns/${CURSOR_TOWN}/cases`;

    const plans: Record<string, ListVariant[]> = {
      'GET /v1/city/towns/{town}/cases': [
        { token: city, query: { view: 'overdue' }, path: cityCases },
        { token: city, query: { view: 'backlog' }, path: cityCases },
      ],
      'GET /v1/cases': [
        { token: staff, query: {} },
        { token: staff, query: { status: 'registered' } },
        { token: staff, query: { status: 'accepted' } },
        { token: staff, query: { gridId: village.id } },
        { token: staff, query: { assignee: 'cursor-staff' } },
        { token: staff, query: { assignee: 'cursor-worker' } },
        // a grid worker's scope: their grids, then the cases they are related to elsewhere
        { token: worker, query: {} },
        { token: worker, query: { gridId: village.id } },
      ],
      'GET /v1/me/cases': [{ token: citizen, query: {} }],
      'GET /v1/me/notifications': [
        { token: citizen, query: {} },
        { token: citizen, query: { unread: 'true' } },
        { token: staff, query: {} },
      ],
      'GET /v1/helpers': [
        { token: staff, query: {} },
        { token: staff, query: { kind: 'judge' } },
      ],
      'GET /v1/audit/reveals': [
        { token: staff, query: { from: '2026-11-01', to: '2026-11-28' } },
        { token: staff, query: { from: '2026-10-15', to: '2026-11-28' } },
        { token: staff, query: { from: '2026-11-28', to: '2026-11-28' } },
      ],
    };
    for (const route of LIST_ROUTES) {
      const key = routeKey(route);
      // a list nobody wrote variants for yet still has its cursors forged, as the town's staff sees it
      variants[key] = plans[key] ?? [{ token: staff, query: {} }];
      for (const variant of variants[key]!) {
        const seen = new Set<string>();
        const issued: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await h.request(
            'GET',
            `${variant.path ?? route.path}?${queryString({ ...variant.query, limit: '1', ...(cursor ? { cursor } : {}) })}`,
            { token: variant.token },
          );
          expect(page.status, page.text).toBe(200);
          for (const item of page.body.items as Json[]) seen.add(itemKey(item));
          cursor = page.body.nextCursor;
          if (cursor) issued.push(cursor);
        } while (cursor && issued.length < 12);
        listed.set(variant, seen);
        cursors.set(variant, issued.slice(0, 4));
      }
    }
  });

  it('covers every list that takes a cursor, each with cursors it issued', () => {
    expect(LIST_ROUTES.map(routeKey)).toEqual(
      expect.arrayContaining([
        'GET /v1/cases',
        'GET /v1/me/cases',
        'GET /v1/me/notifications',
        'GET /v1/audit/reveals',
      ]),
    );
    for (const route of LIST_ROUTES)
      for (const variant of variants[routeKey(route)] ?? [])
        expect(
          cursors.get(variant)?.length,
          `${routeKey(route)}?${queryString(variant.query)}`,
        ).toBeGreaterThan(0);
  });

  /** Lists a page with a cursor, and records what breaks the contract. */
  const judge = async (route: RouteSpec, variant: ListVariant, cursor: string) => {
    forgedCursors += 1;
    const req: FuzzRequest = {
      method: 'GET',
      path: `${variant.path ?? route.path}?${queryString({ ...variant.query, limit: '2', cursor })}`,
      auth: 'staff',
      token: variant.token,
      headers: { 'accept-language': forgedCursors % 2 ? 'en' : 'zh-CN' },
    };
    const res = await send(req);
    let why = violation(req, res);
    if (!why && res.status === 400) {
      const errors = (JSON.parse(res.text) as { errors?: { path: string }[] }).errors ?? [];
      if (!errors.some((e) => e.path === 'cursor'))
        why = `400 naming ${errors.map((e) => e.path).join(', ')}`;
    }
    if (!why && res.status === 200) {
      const outside = (JSON.parse(res.text).items as Json[])
        .map(itemKey)
        .filter((k) => !listed.get(variant)?.has(k));
      if (outside.length > 0) why = 'a page with items the list does not hold';
    }
    if (why) record(route, req, res, why);
  };

  for (const route of LIST_ROUTES)
    it(
      `${routeKey(route)}: every one-step forgery of every cursor it issued, and cursors of other lists`,
      async () => {
        const own = variants[routeKey(route)] ?? [];
        const others = LIST_ROUTES.filter((r) => r !== route).flatMap((r) =>
          (variants[routeKey(r)] ?? []).flatMap((v) => cursors.get(v) ?? []),
        );
        const sends = own.flatMap((variant) => [
          ...(cursors.get(variant) ?? [])
            .flatMap((cursor) => forgeriesOf(cursor))
            .map((cursor) => ({ variant, cursor })),
          // a cursor of the same list under another filter or caller, and of another list
          ...own
            .filter((v) => v !== variant)
            .flatMap((v) => (cursors.get(v) ?? []).map((cursor) => ({ variant, cursor }))),
          ...others.map((cursor) => ({ variant, cursor })),
        ]);
        await inLanes(sends, BATCH, ({ variant, cursor }) => judge(route, variant, cursor));
        expect(sends.length).toBeGreaterThan(100);
        expect(summary(route)).toEqual([]);
      },
      EDGE_TIMEOUT,
    );

  for (const route of LIST_ROUTES)
    it(
      `${routeKey(route)}: forgeries of two to four steps`,
      async () => {
        const own = (variants[routeKey(route)] ?? []).filter((v) => (cursors.get(v)?.length ?? 0) > 0);
        const jsonCursors = own.flatMap((variant) =>
          (cursors.get(variant) ?? []).flatMap((cursor) => {
            const position = positionOf(cursor);
            return position ? [{ variant, position, mutations: mutationsOf(position) }] : [];
          }),
        );
        if (jsonCursors.length === 0) return;
        await fc.assert(
          fc.asyncProperty(
            fc.array(
              fc.nat({ max: jsonCursors.length - 1 }).chain((i) =>
                fc.tuple(
                  fc.constant(jsonCursors[i]!),
                  fc.array(fc.nat({ max: jsonCursors[i]!.mutations.length - 1 }), {
                    minLength: 2,
                    maxLength: 4,
                  }),
                ),
              ),
              { minLength: BATCH, maxLength: BATCH },
            ),
            async (batch) => {
              await Promise.all(
                batch.map(([{ variant, position, mutations }, steps]) => {
                  const forged = steps.reduce<unknown>(
                    (p, step) => mutations[step]!(p),
                    structuredClone(position),
                  );
                  return judge(route, variant, base64url(JSON.stringify(forged) ?? ''));
                }),
              );
            },
          ),
          { numRuns: 25, seed: 20261128 + route.path.length },
        );
        expect(summary(route)).toEqual([]);
      },
      EDGE_TIMEOUT,
    );
});
