import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/harness.js';
import {
  expectJson,
  expectJsonErrors,
  expectXmlErrors,
  FORM,
  issueKey,
  parseXml,
  postRequest,
  requestForm,
  SPEC_FIELDS,
} from '../support/open311.js';

/** POST requests: the api_key, the form, the location, the limits, and the case the town gets. */

let h: Harness;
let apiKey: string;
let keyId: string;
let otherTownKey: string;
beforeAll(async () => {
  h = await createHarness({ now: new Date('2026-11-20T02:00:00Z') });
  ({ apiKey, keyId } = await issueKey(h, 'town-a'));
  ({ apiKey: otherTownKey } = await issueKey(h, 'town-b'));
});
afterAll(() => h.close());

describe('a request filed by a client app', () => {
  it('answers 201 in JSON with the fields of the specification’s example: an opaque id and a dated notice', async () => {
    const response = await postRequest(h, 'json', requestForm(apiKey));
    expect(response.status).toBe(201);
    expectJson(response);
    expect(response.body).toHaveLength(1);
    const [created] = response.body;
    expect(Object.keys(created)).toEqual(SPEC_FIELDS.created);
    expect(created.service_request_id).toMatch(/^[\w-]{22}$/);
    expect(created.service_notice).toBe(
      '已登记，2026-12-05 前告知是否受理。 Registered; you will be told by 2026-12-05 whether it is taken up.',
    );
    expect(created.account_id).toBeNull();
    expect(response.headers.get('location')).toBe(`/open311/v2/requests/${created.service_request_id}.json`);
  });

  it('answers the same in XML: <service_requests><request>', async () => {
    const response = await postRequest(h, 'xml', requestForm(apiKey));
    expect(response.status).toBe(201);
    const [created] = parseXml(response).service_requests.request;
    expect(Object.keys(created)).toEqual(SPEC_FIELDS.created);
    expect(created.service_request_id).toMatch(/^[\w-]{22}$/);
    expect(created.service_notice).toContain('2026-12-05');
    expect(created.account_id).toBe('');
  });

  it('becomes an online petition the staff see, registered by the app for an unclaimed petitioner', async () => {
    const { body } = await postRequest(h, 'json', requestForm(apiKey));
    const clerk = await h.token('clerk', 'clerk-1');
    const response = await h.request('GET', `/v1/cases/${body[0].service_request_id}`, { token: clerk });
    expect(response.status).toBe(200);
    const record = response.body;
    expect(record).toMatchObject({
      kind: 'petition',
      channel: 'online',
      type: 'claim',
      category: 'environment',
      status: 'registered',
      title: '河边工厂夜间排放污水',
      description: '河边工厂夜间排放污水\n气味很大',
      location: { lat: 30.2741234, lng: 120.1551234 },
      petitioners: [{ name: '张三', phone: '139****5678' }],
      registeredBy: { id: `open311:${keyId}`, role: 'petitioner' },
      receivedAt: '2026-11-20T02:00:00.000Z',
    });
    expect(record.number).toMatch(/^XF-20261120-\d{4}$/);
    expect(record.petitionerUserId).toBeUndefined();
    // what the app sent and the town has no use for is not kept
    const text = JSON.stringify(record);
    for (const dropped of ['someone@example.org', 'tt222111', '123456', 'photo.jpg'])
      expect(text).not.toContain(dropped);
  });

  it('takes an address instead of coordinates, and Western names in their order', async () => {
    const form = requestForm(apiKey, {
      first_name: 'John',
      last_name: 'Smith',
      address_string: '东村 12 号',
    });
    delete (form as Record<string, string>).lat;
    delete (form as Record<string, string>).long;
    const { status, body } = await postRequest(h, 'json', form);
    expect(status).toBe(201);
    const clerk = await h.token('clerk', 'clerk-1');
    const record = (await h.request('GET', `/v1/cases/${body[0].service_request_id}`, { token: clerk })).body;
    expect(record.location).toEqual({ address: '东村 12 号' });
    expect(record.petitioners[0].name).toBe('John Smith');
  });

  it('needs neither a name nor a description nor a phone', async () => {
    const { status, body } = await postRequest(h, 'json', {
      api_key: apiKey,
      service_code: 'neighbor',
      lat: '30.1',
      long: '120.1',
    });
    expect(status).toBe(201);
    const clerk = await h.token('clerk', 'clerk-1');
    const record = (await h.request('GET', `/v1/cases/${body[0].service_request_id}`, { token: clerk })).body;
    expect(record.petitioners).toEqual([{ name: '匿名' }]);
    expect(record.title).toBe('相邻权');
  });

  it('ignores an Idempotency-Key: without a signed-in caller there is no scope to replay an answer in', async () => {
    const headers = { 'idempotency-key': 'shared-by-every-app' };
    const first = await postRequest(h, 'json', requestForm(apiKey), headers);
    const second = await postRequest(h, 'json', requestForm(apiKey), headers);
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(second.body[0].service_request_id).not.toBe(first.body[0].service_request_id);
  });
});

describe('api_key', () => {
  it('is 403 when missing or wrong, as the specification says', async () => {
    const { api_key: _key, ...keyless } = requestForm(apiKey);
    expect(expectJsonErrors(await postRequest(h, 'json', keyless), 403)).toContain('api_key');
    expect(expectXmlErrors(await postRequest(h, 'xml', requestForm('x'.repeat(43))), 403)).toContain(
      'Invalid api_key',
    );
    expectJsonErrors(await postRequest(h, 'json', requestForm('not a key')), 403);
  });

  it('is taken from the query string too', async () => {
    const { api_key: _key, ...keyless } = requestForm(apiKey);
    const response = await h.request('POST', `/open311/v2/requests.json?api_key=${apiKey}`, {
      rawBody: new URLSearchParams(keyless).toString(),
      headers: { 'content-type': FORM },
    });
    expect(response.status).toBe(201);
  });

  it('files for its own town only: 403 for another served town, 404 for an unknown one', async () => {
    expectJsonErrors(await postRequest(h, 'json', requestForm(otherTownKey)), 403);
    expectJsonErrors(await postRequest(h, 'json', requestForm(apiKey, { jurisdiction_id: 'town-z' })), 404);
    const own = await postRequest(h, 'json', requestForm(otherTownKey, { jurisdiction_id: 'town-b' }));
    expect(own.status).toBe(201);
  });
});

describe('service_code', () => {
  it('is 400 when missing and 404 when not a public service', async () => {
    const { service_code: _code, ...codeless } = requestForm(apiKey);
    expect(expectJsonErrors(await postRequest(h, 'json', codeless), 400)).toContain('service_code');
    expectXmlErrors(await postRequest(h, 'xml', requestForm(apiKey, { service_code: 'pothole' })), 404);
    expectJsonErrors(await postRequest(h, 'json', requestForm(apiKey, { service_code: 'labor_wages' })), 404);
  });
});

describe('the location', () => {
  const without = (...fields: string[]) => {
    const form: Record<string, string> = requestForm(apiKey);
    for (const field of fields) delete form[field];
    return form;
  };

  it('is required: lat and long, or address_string; 400 otherwise', async () => {
    expect(expectJsonErrors(await postRequest(h, 'json', without('lat', 'long')), 400)).toContain(
      'A location is required',
    );
    expect(expectXmlErrors(await postRequest(h, 'xml', without('long')), 400)).toContain(
      'lat and long must be sent together',
    );
    // an empty value is no value (the specification's optional arguments)
    expectJsonErrors(await postRequest(h, 'json', { ...without('long'), long: '' }), 400);
  });

  it('is not an address_id: the town keeps no address repository', async () => {
    const response = await postRequest(h, 'json', { ...without('lat', 'long'), address_id: '545483' });
    expect(expectJsonErrors(response, 400)).toContain('address_id is not supported');
  });

  it('must be numbers within range', async () => {
    expect(
      expectJsonErrors(await postRequest(h, 'json', requestForm(apiKey, { lat: 'north' })), 400),
    ).toContain('lat must be a number');
    expect(expectJsonErrors(await postRequest(h, 'json', requestForm(apiKey, { long: '181' })), 400)).toMatch(
      /^long: /,
    );
  });

  it('keep 7 decimals, so a latitude too small for the store is 0; only decimal notation is a number', async () => {
    // a key of its own: each key files at most 30 requests a minute
    const { apiKey: key } = await issueKey(h, 'town-a');
    const filed = await postRequest(h, 'json', requestForm(key, { lat: '1e-200', long: '120.15512345678' }));
    expect(filed.status, filed.text).toBe(201);
    const clerk = await h.token('clerk', 'clerk-1');
    const record = (await h.request('GET', `/v1/cases/${filed.body[0].service_request_id}`, { token: clerk }))
      .body;
    expect(record.location).toMatchObject({ lat: 0, lng: 120.1551235 });
    for (const lat of ['0x1e', '0b1', 'Infinity', '1e999', '30,1'])
      expect(expectJsonErrors(await postRequest(h, 'json', requestForm(key, { lat })), 400)).toContain(
        'lat must be a number',
      );
  });
});

describe('the other fields', () => {
  it('are checked as an online petition’s, every problem listed', async () => {
    const response = await postRequest(
      h,
      'json',
      requestForm(apiKey, {
        description: '污'.repeat(4001),
        phone: '12345',
        'attribute[public_description]': 'maybe',
        lat: '91',
      }),
    );
    const text = expectJsonErrors(response, 400);
    expect(response.body).toHaveLength(4);
    for (const field of ['attribute[public_description]', 'description', 'phone', 'lat'])
      expect(text).toContain(field);
    // each in words that say what is wrong, not a bare "Invalid input"
    expect(text).toContain('description: Too big: expected string to have <=4000 characters');
    expect(text).toMatch(/phone: Invalid string: must match pattern/);
  });

  it('may not repeat a field', async () => {
    const body = `${new URLSearchParams(requestForm(apiKey)).toString()}&service_code=neighbor`;
    const response = await h.request('POST', '/open311/v2/requests.json', {
      rawBody: body,
      headers: { 'content-type': FORM },
    });
    expect(expectJsonErrors(response, 400)).toContain('service_code was given more than once');
  });
});

describe('the body', () => {
  it('must be form-encoded: 400 with the more specific code 415 in the body', async () => {
    const response = await h.request('POST', '/open311/v2/requests.xml', { body: requestForm(apiKey) });
    expect(expectXmlErrors(response, 400, 415)).toContain('application/x-www-form-urlencoded');
  });

  it('may not exceed 64 KB: 400 with the code 413, before the key is even looked at', async () => {
    const response = await postRequest(h, 'json', {
      ...requestForm('nope'),
      description: 'x'.repeat(70_000),
    });
    expect(expectJsonErrors(response, 400, 413)).toContain('65536 bytes');
  });
});
