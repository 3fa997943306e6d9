import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMAND_NAMES } from '../../lambdas/domain/lifecycle.js';
import { matchRoute } from '../../lambdas/http/routes.js';
import {
  caseBody,
  createHarness,
  type Harness,
  type TestResponse,
  validIdNumber,
} from '../support/harness.js';
import { FORM, issueKey, requestForm } from '../support/open311.js';

/**
 * What the API answers is what its OpenAPI document says: each answer of a walk through the routes, success and
 * problem alike, is validated (ajv, JSON Schema 2020-12) against the schema the document gives for its status and
 * media type; an XML answer as the JSON its schema's `xml` names make of it.
 */

interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  anyOf?: JsonSchema[];
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  xml?: { name?: string; wrapped?: boolean };
}
interface DocumentedAnswer {
  content?: Record<string, { schema?: JsonSchema }>;
}
interface DocumentedOperation {
  operationId: string;
  requestBody?: DocumentedAnswer;
  responses: Record<string, DocumentedAnswer>;
}
interface OpenApi {
  paths: Record<string, Record<string, DocumentedOperation>>;
  components: { schemas: Record<string, JsonSchema> };
}

let h: Harness;
let document: OpenApi;
const checked = new Set<string>();
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);

beforeAll(async () => {
  h = await createHarness({ now: new Date('2026-11-28T02:00:00Z') });
  document = (await h.request('GET', '/v1/openapi.json')).body;
});
afterAll(() => h.close());

const xmlParser = new XMLParser({ ignoreDeclaration: true, parseTagValue: false, trimValues: false });

const resolved = (schema: JsonSchema): JsonSchema =>
  schema.$ref ? resolved(document.components.schemas[schema.$ref.split('/').at(-1)!]!) : schema;

/**
 * What an XML element stands for, read as its schema says: a list holds the elements its items' `xml` name names,
 * an empty element is null where null is allowed, and text is a number or a boolean where the schema says so (text
 * that is not stays text, for ajv to refuse). Elements the schema does not name are kept, for ajv to refuse too.
 */
function fromXml(schemaIn: JsonSchema, node: unknown): unknown {
  const schema = resolved(schemaIn);
  if (schema.anyOf) {
    const alternatives = schema.anyOf.map(resolved);
    if (node === '' && alternatives.some((s) => s.type === 'null')) return null;
    return fromXml(alternatives.find((s) => s.type !== 'null')!, node);
  }
  const types = [schema.type ?? []].flat();
  if (node === '' && types.includes('null')) return null;
  switch (types.find((type) => type !== 'null')) {
    case 'array': {
      const items = resolved(schema.items!);
      const held = node === '' ? [] : (node as Record<string, unknown>)[items.xml?.name ?? ''];
      const list = Array.isArray(held) ? held : held === undefined ? [] : [held];
      return list.map((item) => fromXml(items, item));
    }
    case 'object':
      return typeof node === 'object' && node !== null
        ? Object.fromEntries(
            Object.entries(node).map(([name, value]) => {
              const property = schema.properties?.[name];
              return [name, property ? fromXml(property, value) : value];
            }),
          )
        : node;
    case 'integer':
    case 'number':
      return typeof node === 'string' && /^-?\d+(\.\d+)?$/.test(node) ? Number(node) : node;
    case 'boolean':
      return node === 'true' ? true : node === 'false' ? false : node;
    default:
      return node;
  }
}

/** The documented schema of this answer: its status's JSON schema, or the problem schema for a problem. */
function documentedSchema(method: string, path: string, response: TestResponse): JsonSchema | undefined {
  const match = matchRoute(method, path.split('?')[0]!);
  expect(match, `${method} ${path} is a route`).toBeDefined();
  // the document lists the command route once per command, its path naming the command
  const documentedPath = match!.route.path.replace('{command}', match!.pathParameters.command ?? '');
  const operation = document.paths[documentedPath]?.[method.toLowerCase()];
  expect(operation, `${method} ${documentedPath} is documented`).toBeDefined();
  const type = (response.headers.get('content-type') ?? '').split(';')[0]!;
  const problem = type === 'application/problem+json';
  // a problem is documented at its own status; a 500 (a bug) only by `default`
  const documented = operation!.responses[String(response.status)];
  const answer = problem && response.status >= 500 && !documented ? operation!.responses.default : documented;
  expect(answer, `${method} ${documentedPath} documents ${response.status}`).toBeDefined();
  checked.add(`${method} ${documentedPath} ${response.status}`);
  if (response.status === 204) return undefined;
  expect(
    Object.keys(answer!.content ?? {}),
    `${method} ${documentedPath} ${response.status} media types`,
  ).toContain(type);
  return answer!.content?.[type]?.schema;
}

async function conforms(
  method: string,
  path: string,
  options: Parameters<Harness['request']>[2] = {},
  status?: number,
): Promise<TestResponse> {
  const response = await h.request(method, path, options);
  if (status !== undefined) expect(response.status, `${method} ${path}: ${response.text}`).toBe(status);
  const schema = documentedSchema(method, path, response);
  if (response.status === 204) {
    expect(response.text).toBe('');
    return response;
  }
  expect(schema, `${method} ${path} ${response.status} has a schema`).toBeDefined();
  let body: unknown = response.body;
  if (response.headers.get('content-type')?.startsWith('text/xml')) {
    const root = resolved(schema!).xml?.name ?? '';
    const parsed = xmlParser.parse(response.text) as Record<string, unknown>;
    expect(Object.keys(parsed), `${method} ${path}: the document element`).toEqual([root]);
    body = fromXml(schema!, parsed[root]);
  }
  // the components travel with the schema, so its `#/components/schemas/...` refs resolve
  const validate = ajv.compile({ ...schema, components: document.components });
  const valid = validate(body);
  expect(valid, `${method} ${path} ${response.status}: ${JSON.stringify(validate.errors)}`).toBe(true);
  return response;
}

describe('answers match the OpenAPI document', () => {
  it('along a case from registration to closure, with its notes, timeline and reveal', async () => {
    const clerk = await h.token('clerk', 'clerk-1');
    const handler = await h.token('handler', 'handler-1');
    const supervisor = await h.token('supervisor', 'supervisor-1');
    await conforms('GET', '/v1/catalog', { token: clerk }, 200);
    const created = await conforms(
      'POST',
      '/v1/cases',
      { token: clerk, body: caseBody({ petitioners: [{ name: '张三', idNumber: validIdNumber(7) }] }) },
      201,
    );
    const id = created.body.id as string;
    await conforms('GET', `/v1/cases/${id}`, { token: clerk }, 200);
    await conforms('GET', '/v1/cases?limit=5', { token: clerk }, 200);
    const cmd = (name: string, body: unknown, version: number, token = clerk) =>
      conforms(
        'POST',
        `/v1/cases/${id}/${name}`,
        { token, body, headers: { 'if-match': `"${version}"` } },
        200,
      );
    await cmd('accept', { track: 'immediate', assigneeId: 'handler-1' }, 1);
    await conforms('POST', `/v1/cases/${id}/notes`, { token: handler, body: { text: '已约谈' } }, 201);
    await cmd('reply', { outcome: 'resolved', opinion: '已支付' }, 2, handler);
    await cmd('rate', { rating: 'satisfied' }, 3);
    // a rule code's 409 is one of the document's problem types
    const ratedTwice = await conforms(
      'POST',
      `/v1/cases/${id}/rate`,
      { token: clerk, body: { rating: 'satisfied' }, headers: { 'if-match': '"4"' } },
      409,
    );
    expect(ratedTwice.body.type).toBe('/problems/already-rated');
    await cmd('close', {}, 4);
    await conforms('GET', `/v1/cases/${id}/timeline?verify=true`, { token: clerk }, 200);
    await conforms(
      'POST',
      `/v1/cases/${id}/reveal`,
      { token: clerk, body: { purpose: '电话回访核实身份' } },
      200,
    );
    await conforms('GET', '/v1/audit/reveals?from=2026-11-28&to=2026-11-28', { token: supervisor }, 200);
    await conforms('GET', '/v1/me/notifications', { token: handler }, 200);
    // problems: stale version, wrong status, bad body, unknown case
    await conforms('POST', `/v1/cases/${id}/accept`, {
      token: clerk,
      body: { track: 'immediate' },
      headers: { 'if-match': '"1"' },
    });
    await conforms('POST', '/v1/cases', { token: clerk, body: { kind: 'petition' } }, 400);
    await conforms('GET', '/v1/cases/no-such-case', { token: clerk }, 404);
  });

  it('for grids, staff, patrols and settings', async () => {
    const admin = await h.token('admin', 'admin-1');
    const worker = await h.token('grid_worker', 'worker-1');
    const grid = await conforms(
      'POST',
      '/v1/grids',
      { token: admin, body: { name: '东村网格', level: 'comprehensive' } },
      201,
    );
    const gridId = grid.body.id as string;
    await conforms('GET', '/v1/grids', { token: admin }, 200);
    await conforms('GET', `/v1/grids/${gridId}`, { token: admin }, 200);
    await conforms('PATCH', `/v1/grids/${gridId}`, { token: admin, body: { name: '东村综合网格' } }, 200);
    await conforms('PUT', `/v1/grids/${gridId}/workers/worker-1`, { token: admin }, 200);
    await conforms(
      'POST',
      `/v1/grids/${gridId}/patrols`,
      { token: worker, body: { date: '2026-11-28', households: 12 } },
      201,
    );
    await conforms(
      'GET',
      `/v1/grids/${gridId}/patrols?from=2026-11-01&to=2026-11-28`,
      { token: worker },
      200,
    );
    await conforms(
      'PUT',
      '/v1/staff/worker-1',
      { token: admin, body: { name: '王网格', roles: ['grid_worker'], contact: { channel: 'inbox' } } },
      200,
    );
    await conforms('GET', '/v1/staff', { token: admin }, 200);
    await conforms('DELETE', `/v1/grids/${gridId}/workers/worker-1`, { token: admin }, 204);
    const policy = await conforms('GET', '/v1/admin/policy', { token: admin }, 200);
    await conforms('PUT', '/v1/admin/policy', { token: admin, body: policy.body }, 200);
    await conforms('GET', '/v1/admin/calendar/2026', { token: admin }, 200);
    await conforms('GET', '/v1/admin/calendar/2027', { token: admin }, 200);
    await conforms('GET', '/v1/admin/calendar/2031', { token: admin }, 200);
    await conforms(
      'PUT',
      '/v1/admin/calendar/2030',
      { token: admin, body: { year: 2030, holidays: ['2030-01-01'], swappedWorkdays: [], source: '通知' } },
      200,
    );
    const issued = await conforms(
      'POST',
      '/v1/admin/open311-keys',
      { token: admin, body: { name: '随手拍' } },
      201,
    );
    await conforms('GET', '/v1/admin/open311-keys', { token: admin }, 200);
    await conforms('DELETE', `/v1/admin/open311-keys/${issued.body.keyId}`, { token: admin }, 200);
    await conforms('GET', '/v1/grids', { token: await h.token('petitioner', 'citizen-9') }, 403);
  });

  it('for indicators and the three bulletins', async () => {
    const leader = await h.token('leader', 'leader-1');
    await conforms('GET', '/v1/metrics?from=2026-11-01&to=2026-11-28', { token: leader }, 200);
    await conforms('GET', '/v1/reports/daily/2026-11-28', { token: leader }, 200);
    await conforms('GET', '/v1/reports/weekly/2026-W48', { token: leader }, 200);
    await conforms('GET', '/v1/reports/monthly/2026-11', { token: leader }, 200);
    await conforms('GET', '/v1/metrics?from=2026-11-28&to=2026-11-01', { token: leader }, 400);
  });

  it('for citizens: filing, tracking, their own cases and claiming', async () => {
    const citizen = await h.token('petitioner', 'citizen-1');
    const clerk = await h.token('clerk', 'clerk-1');
    const { channel: _channel, ...online } = caseBody({ petitioners: [{ name: '李四' }] });
    const filed = await conforms('POST', '/v1/public/petitions', { token: citizen, body: online }, 201);
    await conforms('GET', `/v1/public/track/${filed.body.queryCode}`, {}, 200);
    await conforms('GET', '/v1/me/cases', { token: citizen }, 200);
    await conforms('GET', `/v1/me/cases/${filed.body.id}`, { token: citizen }, 200);
    const atWindow = await conforms('POST', '/v1/cases', { token: clerk, body: caseBody() }, 201);
    await conforms(
      'POST',
      '/v1/me/cases/claim',
      { token: citizen, body: { queryCode: atWindow.body.queryCode } },
      200,
    );
    await conforms('GET', '/v1/public/track/AAAA-BBBB-CCCC', {}, 404);
  });

  it('for the helper directory, a team with helpers and a helper’s reveal', async () => {
    const admin = await h.token('admin', 'admin-1');
    const leader = await h.token('leader', 'leader-1');
    const clerk = await h.token('clerk', 'clerk-1');
    const added = await conforms(
      'POST',
      '/v1/helpers',
      {
        token: admin,
        body: { name: '周律师', kind: 'lawyer', unit: '枫桥律师事务所', phone: '13811112222' },
      },
      201,
    );
    const id = added.body.id as string;
    await conforms('GET', '/v1/helpers?kind=lawyer&limit=1', { token: clerk }, 200);
    await conforms('GET', `/v1/helpers/${id}`, { token: clerk }, 200);
    await conforms(
      'PATCH',
      `/v1/helpers/${id}`,
      { token: admin, body: { unit: '诸暨市法律援助中心' }, headers: { 'if-match': '"1"' } },
      200,
    );
    await conforms(
      'POST',
      `/v1/helpers/${id}/reveal`,
      { token: leader, body: { purpose: '包案前联系律师' } },
      200,
    );
    await conforms('GET', '/v1/audit/reveals?from=2026-11-28&to=2026-11-28', {
      token: await h.token('supervisor', 'supervisor-1'),
    });
    const created = await conforms('POST', '/v1/cases', { token: clerk, body: caseBody() }, 201);
    await conforms(
      'POST',
      `/v1/cases/${created.body.id}/accept`,
      { token: clerk, body: { track: 'supervised' }, headers: { 'if-match': '"1"' } },
      200,
    );
    await conforms(
      'POST',
      `/v1/cases/${created.body.id}/own`,
      {
        token: leader,
        body: {
          leaderId: 'leader-1',
          team: [],
          helpers: [id],
          plan: { tasks: ['法律释明'], responsibilities: ['律师'], measures: ['约谈'] },
        },
        headers: { 'if-match': '"2"' },
      },
      200,
    );
    await conforms('POST', '/v1/helpers', { token: admin, body: { name: '王老' } }, 400);
    await conforms('GET', '/v1/helpers/h_nobody', { token: clerk }, 404);
  });

  it('for a repeat at the window, a link, a second case, the key-case mark and a carried case', async () => {
    const clerk = await h.token('clerk', 'clerk-1');
    const leader = await h.token('leader', 'leader-1');
    const supervisor = await h.token('supervisor', 'supervisor-1');
    const petitioners = [{ name: '钱七', idNumber: validIdNumber(611) }];
    const open = await conforms('POST', '/v1/cases', { token: clerk, body: caseBody({ petitioners }) }, 201);
    const refused = await conforms(
      'POST',
      '/v1/cases',
      { token: clerk, body: caseBody({ petitioners }) },
      409,
    );
    expect(refused.body.openCase.id).toBe(open.body.id);
    const link = { caseId: open.body.id, action: 'link' };
    await conforms(
      'POST',
      '/v1/cases',
      { token: clerk, body: caseBody({ petitioners, repeatOfOpenCase: link }) },
      200,
    );
    const reason = { reason: '另案处理' };
    await conforms(
      'POST',
      '/v1/cases',
      { token: clerk, body: caseBody({ petitioners, repeatOfOpenCase: reason }) },
      201,
    );
    await conforms(
      'POST',
      `/v1/cases/${open.body.id}/mark-key`,
      { token: leader, body: { reason: '重点矛盾' }, headers: { 'if-match': '"1"' } },
      200,
    );
    await conforms('GET', '/v1/cases?key=true', { token: clerk }, 200);
    const backlog = {
      status: 'registered',
      history: [{ date: '2020-05-01', what: '首次来访', unit: '镇信访办' }],
    };
    await conforms(
      'POST',
      '/v1/cases',
      { token: supervisor, body: caseBody({ receivedAt: '2020-05-01T09:00:00+08:00', backlog }) },
      201,
    );
    await conforms('GET', '/v1/metrics?from=2026-01-01&to=2026-12-31', { token: leader }, 200);
  });

  it('for Open311 in both formats: discovery, services, filing, the requests and a token, and its errors', async () => {
    const { apiKey } = await issueKey(h);
    await conforms('GET', '/open311/discovery.json', {}, 200);
    await conforms('GET', '/open311/discovery.xml', {}, 200);
    await conforms('GET', '/open311/v2/services.json?jurisdiction_id=town-a', {}, 200);
    await conforms('GET', '/open311/v2/services.xml', {}, 200);
    await conforms('GET', '/open311/v2/services/environment.json', {}, 200);
    await conforms('GET', '/open311/v2/services/environment.xml', {}, 200);
    const form = (fields: Record<string, string>) => ({
      rawBody: new URLSearchParams(fields).toString(),
      headers: { 'content-type': FORM },
    });
    const filed = await conforms('POST', '/open311/v2/requests.json', form(requestForm(apiKey)), 201);
    await conforms('POST', '/open311/v2/requests.xml', form(requestForm(apiKey)), 201);
    const id = filed.body[0].service_request_id as string;
    await conforms('GET', `/open311/v2/requests/${id}.json`, {}, 200);
    await conforms('GET', `/open311/v2/requests/${id}.xml`, {}, 200);
    await conforms('GET', '/open311/v2/requests.json?status=open', {}, 200);
    await conforms('GET', '/open311/v2/requests.xml', {}, 200);
    // errors: a wrong key, a bad field, an unknown service, a malformed filter, an unknown request
    await conforms('POST', '/open311/v2/requests.json', form(requestForm('not-a-key')), 403);
    await conforms('POST', '/open311/v2/requests.xml', form(requestForm(apiKey, { lat: 'north' })), 400);
    await conforms(
      'POST',
      '/open311/v2/requests.json',
      form(requestForm(apiKey, { service_code: 'nope' })),
      404,
    );
    await conforms('GET', '/open311/v2/requests.json?status=pending', {}, 400);
    await conforms('GET', '/open311/v2/requests/AAAAAAAAAAAAAAAAAAAAAA.json', {}, 404);
    await conforms('GET', '/open311/v2/services/environment', {}, 404);
    await conforms('GET', '/open311/v2/tokens/AAAA-BBBB-CCCC.json', {}, 404);
  });

  it('for a consultation: scheduled, listed, read, minuted, a decision done, and their refusals', async () => {
    const admin = await h.token('admin', 'admin-1');
    const leader = await h.token('leader', 'leader-m');
    const clerk = await h.token('clerk', 'clerk-1');
    for (const [userId, name, roles] of [
      ['leader-m', '王书记', ['leader']],
      ['handler-m', '赵调解', ['handler']],
    ] as const)
      await conforms('PUT', `/v1/staff/${userId}`, { token: admin, body: { name, roles } }, 200);
    const created = await conforms('POST', '/v1/cases', { token: clerk, body: caseBody() }, 201);
    const body = {
      kind: 'consultation',
      date: '2026-11-28',
      chairId: 'leader-m',
      participants: { people: ['handler-m'], units: ['县人社局'] },
      caseIds: [created.body.id],
      agenda: '会商欠薪化解',
    };
    const meeting = (await conforms('POST', '/v1/meetings', { token: leader, body }, 201)).body.id as string;
    await conforms('GET', '/v1/meetings?from=2026-11-01&to=2026-11-30', { token: leader }, 200);
    const decisions = [
      { text: '核实工资台账', ownerId: 'handler-m', dueDate: '2026-12-05', caseId: created.body.id },
    ];
    const minutes = { summary: '议定一项', decisions };
    await conforms('POST', `/v1/meetings/${meeting}/minutes`, { token: leader, body: minutes }, 201);
    await conforms('POST', `/v1/meetings/${meeting}/minutes`, { token: leader, body: minutes }, 409);
    await conforms('GET', `/v1/meetings/${meeting}`, { token: leader }, 200);
    const done = { token: leader, body: { note: '已核实' } };
    await conforms('POST', `/v1/meetings/${meeting}/decisions/1/done`, done, 200);
    await conforms('POST', `/v1/meetings/${meeting}/decisions/1/done`, done, 409);
    await conforms('POST', `/v1/meetings/${meeting}/decisions/2/done`, done, 404);
    await conforms('POST', '/v1/meetings', { token: leader, body: { ...body, chairId: 'nobody' } }, 400);
    await conforms('POST', '/v1/meetings', { token: clerk, body }, 403);
    await conforms('GET', '/v1/meetings/m_nobody', { token: leader }, 404);
  });

  it('lists each command as an operation of its own, with its own body', () => {
    expect(document.paths['/v1/cases/{id}/{command}']).toBeUndefined();
    const ids = new Set<string>();
    for (const name of COMMAND_NAMES) {
      const operation = document.paths[`/v1/cases/{id}/${name}`]?.post;
      expect(operation, name).toBeDefined();
      ids.add(operation!.operationId);
      const title = name.replace(/(^|-)(\w)/g, (_, _dash: string, letter: string) => letter.toUpperCase());
      expect(operation!.requestBody?.content?.['application/json']?.schema).toEqual({
        $ref: `#/components/schemas/${title}Command`,
      });
    }
    expect(ids.size).toBe(COMMAND_NAMES.length);
  });

  it('walked at least sixty of the documented answers', () => {
    expect(checked.size, [...checked].join('\n')).toBeGreaterThanOrEqual(60);
  });
});
