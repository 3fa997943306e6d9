import { Agent, request as httpRequest } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { COMMAND_NAMES } from '../../lambdas/domain/lifecycle.js';
import { matchRoute, ROUTES, type RouteSpec, routeKey } from '../../lambdas/http/routes.js';
import { caseBody, createHarness, type Harness, validIdNumber } from '../support/harness.js';

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
let total = 0;
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
});

afterAll(async () => {
  vi.restoreAllMocks();
  agent.destroy();
  await h?.close();
  // the figure the brief asks for, printed once per run
  console.info(`fuzz: ${total} generated requests`);
});

// ---------------------------------------------------------------------------------------------------------------
// Sending and judging

type Auth = 'staff' | 'citizen' | 'none' | 'garbage';

interface FuzzRequest {
  method: string;
  path: string;
  auth: Auth;
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
  'POST /v1/admin/open311-keys': { params: () => ({}), body: () => fc.constant({ name: '县应用' }) },
  'DELETE /v1/admin/open311-keys/{keyId}': {
    params: () => ({ keyId: segment(revocableKeyId) }),
    body: () => fc.constant(undefined),
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
