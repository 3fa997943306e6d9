import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseRepository } from '../../lambdas/adapters/case-repository.js';
import { PersonalVault } from '../../lambdas/adapters/personal-vault.js';
import { QUERY_CODE_FIELD } from '../../lambdas/domain/citizen.js';
import type { SealedPersonalData } from '../../lambdas/domain/personal.js';
import { caseBody, createHarness, type Harness } from '../support/harness.js';
import {
  expectJson,
  expectJsonErrors,
  expectXmlErrors,
  issueKey,
  parseXml,
  postRequest,
  requestForm,
  SPEC_FIELDS,
  W3_DATETIME,
} from '../support/open311.js';

/**
 * Following requests: one request filed through Open311 and worked by the staff to `closed`, as Open311 shows it at
 * each step; GET requests with its filters and its 90-day window; tokens.
 */

let h: Harness;
let apiKey: string;
beforeAll(async () => {
  h = await createHarness({ now: new Date('2026-11-20T02:00:00Z') });
  ({ apiKey } = await issueKey(h, 'town-a'));
  await issueKey(h, 'town-b');
});
afterAll(() => h.close());

const file = async (overrides: Record<string, string> = {}): Promise<string> => {
  const response = await postRequest(h, 'json', requestForm(apiKey, overrides));
  expect(response.status).toBe(201);
  return response.body[0].service_request_id;
};

const getOne = (id: string, format: 'json' | 'xml' = 'json') =>
  h.request('GET', `/open311/v2/requests/${id}.${format}?jurisdiction_id=town-a`);

const list = async (query: string): Promise<string[]> => {
  const response = await h.request('GET', `/open311/v2/requests.json?jurisdiction_id=town-a&${query}`);
  expect(response.status).toBe(200);
  return response.body.map((r: { service_request_id: string }) => r.service_request_id);
};

describe('one request, from filing to closure', () => {
  it('is shown field by field as the specification’s example, and closes with notes in both languages', async () => {
    const id = await file({
      'attribute[public_description]': 'true',
      description: '河边工厂夜间排放污水，联系人 13812345678',
    });
    const registered = await getOne(id);
    expect(registered.status).toBe(200);
    expectJson(registered);
    expect(registered.body).toHaveLength(1);
    expect(Object.keys(registered.body[0])).toEqual(SPEC_FIELDS.request);
    expect(registered.body[0]).toEqual({
      service_request_id: id,
      status: 'open',
      status_notes: '已登记 Registered',
      service_name: '环境污染 Environmental pollution',
      service_code: 'environment',
      // consented, and still no phone number in it
      description: '河边工厂夜间排放污水，联系人 138****5678',
      agency_responsible: null,
      service_notice: null,
      requested_datetime: '2026-11-20T02:00:00Z',
      updated_datetime: '2026-11-20T02:00:00Z',
      expected_datetime: '2026-12-05T16:00:00Z',
      address: null,
      address_id: null,
      zipcode: null,
      // about a hundred metres: enough for the map, not for a house
      lat: 30.274,
      long: 120.155,
      media_url: null,
    });
    for (const field of ['requested_datetime', 'updated_datetime', 'expected_datetime'])
      expect(registered.body[0][field]).toMatch(W3_DATETIME);
    expect(registered.text).not.toMatch(/张|13912345678|XF-/);

    const xml = parseXml(await getOne(id, 'xml')).service_requests.request;
    expect(xml).toHaveLength(1);
    expect(Object.keys(xml[0])).toEqual(SPEC_FIELDS.request);
    expect(xml[0]).toEqual({
      ...Object.fromEntries(
        Object.entries(registered.body[0]).map(([field, value]) => [
          field,
          value === null ? '' : String(value),
        ]),
      ),
    });

    const clerk = await h.token('clerk', 'clerk-1');
    const handler = await h.token('handler', 'handler-1');
    const command = (token: string, name: string, body: unknown, version: number) =>
      h.request('POST', `/v1/cases/${id}/${name}`, { token, body, headers: { 'if-match': `"${version}"` } });

    h.setNow('2026-11-21T01:00:00Z');
    expect((await command(clerk, 'accept', { track: 'immediate', assigneeId: 'handler-1' }, 1)).status).toBe(
      200,
    );
    const accepted = (await getOne(id)).body[0];
    expect(accepted).toMatchObject({
      status: 'open',
      status_notes: '已受理 Accepted',
      updated_datetime: '2026-11-21T01:00:00Z',
    });
    expect(accepted.expected_datetime).toMatch(/^2027-01-\d{2}T16:00:00Z$/);

    h.setNow('2026-11-25T03:00:00Z');
    const replied = await command(handler, 'reply', { outcome: 'resolved', opinion: '已责令工厂整改' }, 2);
    expect(replied.status).toBe(200);
    expect((await getOne(id)).body[0]).toMatchObject({
      status: 'open',
      status_notes: '已答复（已化解） Replied (resolved)',
      expected_datetime: null,
    });
    // the reply's own words stay between the town and the petitioner
    expect((await getOne(id)).text).not.toContain('整改');

    h.setNow('2026-12-27T02:00:00Z');
    expect((await command(clerk, 'close', {}, 3)).status).toBe(200);
    const closed = await getOne(id, 'xml');
    const [request] = parseXml(closed).service_requests.request;
    expect(request).toMatchObject({
      status: 'closed',
      status_notes: '已办结（已化解） Closed (resolved)',
      updated_datetime: '2026-12-27T02:00:00Z',
      expected_datetime: '',
    });
    h.setNow('2026-11-20T02:00:00Z');
  });

  it('keeps the description private without consent, and says "declined" rather than a bare "closed"', async () => {
    const id = await file({ 'attribute[public_description]': 'false' });
    expect((await getOne(id)).body[0].description).toBeNull();
    const clerk = await h.token('clerk', 'clerk-1');
    const declined = await h.request('POST', `/v1/cases/${id}/decline`, {
      token: clerk,
      body: { reason: '属于法院受理范围', route: 'litigation' },
      headers: { 'if-match': '"1"' },
    });
    expect(declined.status).toBe(200);
    const [request] = (await getOne(id)).body;
    expect(request).toMatchObject({ status: 'closed', status_notes: '不予受理 Declined' });
    expect(JSON.stringify(request)).not.toContain('法院');
  });
});

describe('GET requests/{id}', () => {
  it('escapes what the petitioner typed and drops what XML cannot carry', async () => {
    const id = await file({
      'attribute[public_description]': 'true',
      description: '<b>污水</b> & "臭"\u0007',
    });
    expect((await getOne(id)).body[0].description).toBe('<b>污水</b> & "臭"\u0007');
    const [request] = parseXml(await getOne(id, 'xml')).service_requests.request;
    expect(request.description).toBe('<b>污水</b> & "臭"');
  });

  it('is 404 for a case registered at the window, an unknown id, another town, or no format', async () => {
    const clerk = await h.token('clerk', 'clerk-1');
    const window = await h.request('POST', '/v1/cases', {
      token: clerk,
      body: caseBody({ category: 'environment' }),
    });
    expect(window.status).toBe(201);
    expectJsonErrors(await getOne(window.body.id), 404);
    expectXmlErrors(await getOne('AAAAAAAAAAAAAAAAAAAAAA', 'xml'), 404);
    const id = await file();
    expectJsonErrors(await h.request('GET', `/open311/v2/requests/${id}.json?jurisdiction_id=town-b`), 404);
    expectXmlErrors(await h.request('GET', `/open311/v2/requests/${id}?jurisdiction_id=town-a`), 404);
  });
});

describe('GET requests', () => {
  let early: string;
  let late: string;
  let neighbour: string;
  let closed: string;
  let old: string;
  beforeAll(async () => {
    h.setNow('2026-08-01T02:00:00Z');
    old = await file();
    h.setNow('2026-10-30T02:00:00Z');
    early = await file();
    h.setNow('2026-11-10T02:00:00Z');
    neighbour = await file({ service_code: 'neighbor' });
    h.setNow('2026-11-10T03:00:00Z');
    closed = await file({ service_code: 'neighbor' });
    const clerk = await h.token('clerk', 'clerk-1');
    await h.request('POST', `/v1/cases/${closed}/withdraw`, {
      token: clerk,
      body: { reason: '已自行协商' },
      headers: { 'if-match': '"1"' },
    });
    h.setNow('2026-11-19T02:00:00Z');
    late = await file();
    h.setNow('2026-11-20T02:00:00Z');
  });

  it('lists the last 90 days newest first by default, each with the example’s fields, in JSON and XML', async () => {
    const response = await h.request('GET', '/open311/v2/requests.json?jurisdiction_id=town-a');
    expectJson(response);
    const ids = response.body.map((r: { service_request_id: string }) => r.service_request_id);
    expect(ids.indexOf(late)).toBeLessThan(ids.indexOf(closed));
    expect(ids.indexOf(neighbour)).toBeLessThan(ids.indexOf(early));
    expect(ids).not.toContain(old);
    for (const request of response.body) expect(Object.keys(request)).toEqual(SPEC_FIELDS.request);
    const xml = parseXml(await h.request('GET', '/open311/v2/requests.xml?jurisdiction_id=town-a'));
    expect(
      xml.service_requests.request.map((r: { service_request_id: string }) => r.service_request_id),
    ).toEqual(ids);
  });

  it('filters by status, service_code and both, comma-delimited or repeated', async () => {
    const open = await list('status=open');
    expect(open).toContain(neighbour);
    expect(open).not.toContain(closed);
    expect(await list('status=closed&service_code=neighbor')).toEqual([closed]);
    expect(await list('service_code=neighbor')).toEqual([closed, neighbour]);
    expect((await list('status=open,closed')).length).toBe((await list('')).length);
    expect(await list('service_code=neighbor&service_code=village_affairs')).toHaveLength(2);
  });

  it('takes start_date and end_date, both included, in W3C format with a time zone', async () => {
    expect(await list('start_date=2026-10-30T10:00:00%2B08:00&end_date=2026-11-01T00:00:00Z')).toEqual([
      early,
    ]);
    expect(await list('start_date=2026-07-15T00:00:00Z&end_date=2026-10-12T00:00:00Z')).toEqual([old]);
    // start_date alone: the 90 days from it (to 2026-10-29); end_date alone: the 90 days up to it (from 2026-08-02)
    expect(await list('start_date=2026-07-31T00:00:00Z')).toEqual([old]);
    expect(await list('end_date=2026-10-31T00:00:00Z')).toEqual([early]);
  });

  it('refuses a range over 90 days, an upside-down one, a date without a zone, unknown statuses and codes', async () => {
    const bad = async (query: string, says: string) => {
      const response = await h.request('GET', `/open311/v2/requests.xml?jurisdiction_id=town-a&${query}`);
      expect(expectXmlErrors(response, 400)).toContain(says);
    };
    await bad(
      'start_date=2026-07-01T00:00:00Z&end_date=2026-11-01T00:00:00Z',
      'may not span more than 90 days',
    );
    await bad('start_date=2026-11-02T00:00:00Z&end_date=2026-11-01T00:00:00Z', 'not be later than end_date');
    await bad('start_date=2026-11-01T00:00:00', 'W3C date-time with a time zone');
    await bad('status=pending', 'status must be open or closed');
    await bad('service_code=labor_wages', 'service_code');
  });

  it('takes service_request_id over every other argument, listing only requests filed through Open311', async () => {
    const clerk = await h.token('clerk', 'clerk-1');
    const window = await h.request('POST', '/v1/cases', {
      token: clerk,
      body: caseBody({ category: 'environment' }),
    });
    expect(await list(`service_request_id=${old},${window.body.id},nonsense,${closed}&status=open`)).toEqual([
      old,
      closed,
    ]);
  });

  it('needs jurisdiction_id while two towns are served, and lists each town’s own', async () => {
    expectJsonErrors(await h.request('GET', '/open311/v2/requests.json'), 400);
    const other = await h.request('GET', '/open311/v2/requests.json?jurisdiction_id=town-b');
    expect(other.status).toBe(200);
    expect(other.body).toEqual([]);
    expect(parseXml(await h.request('GET', '/open311/v2/requests.xml?jurisdiction_id=town-b'))).toEqual({
      service_requests: '',
    });
  });
});

describe('GET tokens/{token}', () => {
  /** The query code the milestone SMS brings the petitioner. */
  const queryCodeOf = async (id: string): Promise<string> => {
    const record = await new CaseRepository(h.deps.db, h.tables.cases).get('town-a', id);
    const personal = record?.personal as SealedPersonalData;
    const fields = await new PersonalVault(h.deps.dataKeys).open('town-a', id, personal, [QUERY_CODE_FIELD]);
    return fields[QUERY_CODE_FIELD]!;
  };

  it('turns the petitioner’s query code into the request id, with the fields of the example', async () => {
    const id = await file();
    const token = await queryCodeOf(id);
    const response = await h.request('GET', `/open311/v2/tokens/${token}.json?jurisdiction_id=town-a`);
    expect(response.status).toBe(200);
    expect(response.body).toEqual([{ service_request_id: id, token }]);
    expect(Object.keys(response.body[0])).toEqual(SPEC_FIELDS.token);
    const xml = parseXml(await h.request('GET', `/open311/v2/tokens/${token}.xml?jurisdiction_id=town-a`));
    expect(xml.service_requests.request).toEqual([{ service_request_id: id, token }]);
  });

  it('is the code the petitioner claims the request with, since the app’s key is no citizen account', async () => {
    const id = await file();
    const citizen = await h.token('petitioner', 'citizen-1');
    const claimed = await h.request('POST', '/v1/me/cases/claim', {
      token: citizen,
      body: { queryCode: await queryCodeOf(id) },
    });
    expect(claimed.status).toBe(200);
    expect(claimed.body.id).toBe(id);
    expect((await h.request('GET', `/v1/me/cases/${id}`, { token: citizen })).status).toBe(200);
  });

  it('is 404 for the code of a case registered at the window, of another town, or an unknown one', async () => {
    const clerk = await h.token('clerk', 'clerk-1');
    const window = await h.request('POST', '/v1/cases', {
      token: clerk,
      body: caseBody({ category: 'environment' }),
    });
    expectJsonErrors(
      await h.request('GET', `/open311/v2/tokens/${window.body.queryCode}.json?jurisdiction_id=town-a`),
      404,
    );
    const token = await queryCodeOf(await file());
    expectXmlErrors(await h.request('GET', `/open311/v2/tokens/${token}.xml?jurisdiction_id=town-b`), 404);
    expectXmlErrors(
      await h.request('GET', '/open311/v2/tokens/AAAA-BBBB-CCCC.xml?jurisdiction_id=town-a'),
      404,
    );
  });
});
