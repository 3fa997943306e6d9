import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/harness.js';
import {
  expectJson,
  expectJsonErrors,
  expectXmlErrors,
  issueKey,
  PUBLIC_SERVICES,
  parseXml,
  SPEC_FIELDS,
  W3_DATETIME,
} from '../support/open311.js';

/** Open311 keys, jurisdictions, the service list and service definitions, in both formats. */

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ now: new Date('2026-11-20T02:00:00Z') });
});
afterAll(() => h.close());

describe('before any key is issued', () => {
  it('serves no jurisdiction: 404 in the specification’s error shape, XML and JSON', async () => {
    expectXmlErrors(await h.request('GET', '/open311/v2/services.xml'), 404);
    expectJsonErrors(await h.request('GET', '/open311/v2/services.json'), 404);
  });
});

describe('POST /v1/admin/open311-keys', () => {
  it('issues a key once to an admin: 201 {apiKey, keyId}, kept only as its keyed hash', async () => {
    const admin = await h.token('admin', 'admin-1');
    const issued = await h.request('POST', '/v1/admin/open311-keys', {
      token: admin,
      body: { name: '随手拍 App' },
    });
    expect(issued.status).toBe(201);
    expect(Object.keys(issued.body).sort()).toEqual(['apiKey', 'keyId']);
    expect(issued.body.apiKey).toMatch(/^[\w-]{43}$/);
    expect(issued.headers.get('cache-control')).toBe('no-store');
    const stored = await h.deps.db.send(new ScanCommand({ TableName: h.tables.cases }));
    const text = JSON.stringify(stored.Items);
    expect(text).toContain(issued.body.keyId);
    expect(text).not.toContain(issued.body.apiKey);
  });

  it('is for admins only, needs a name, and refuses an Idempotency-Key (the answer holds the key)', async () => {
    const clerk = await h.token('clerk', 'clerk-1');
    const admin = await h.token('admin', 'admin-1');
    expect(
      (await h.request('POST', '/v1/admin/open311-keys', { token: clerk, body: { name: 'x' } })).status,
    ).toBe(403);
    const nameless = await h.request('POST', '/v1/admin/open311-keys', { token: admin, body: {} });
    expect(nameless.status).toBe(400);
    expect(nameless.body.errors[0].path).toBe('name');
    const keyed = await h.request('POST', '/v1/admin/open311-keys', {
      token: admin,
      body: { name: 'x' },
      headers: { 'idempotency-key': 'k-1' },
    });
    expect(keyed.status).toBe(400);
    expect(keyed.body.errors[0].path).toBe('Idempotency-Key');
  });
});

describe('GET discovery', () => {
  it('says where the GeoReport v2 endpoint is and what it speaks, with the specification’s fields, in JSON', async () => {
    const response = await h.request('GET', '/open311/discovery.json', {
      headers: { host: 'api.town.example' },
    });
    expect(response.status).toBe(200);
    expectJson(response);
    expect(Object.keys(response.body)).toEqual(SPEC_FIELDS.discovery);
    expect(response.body.changeset).toMatch(W3_DATETIME);
    expect(response.body.endpoints).toHaveLength(1);
    const [endpoint] = response.body.endpoints;
    expect(Object.keys(endpoint)).toEqual(SPEC_FIELDS.endpoint);
    expect(endpoint).toMatchObject({
      specification: 'http://wiki.open311.org/GeoReport_v2',
      // the address the caller reached: the host's domain name and the scheme it forwards, plain http here
      url: `http://${new URL(h.baseUrl).host}/open311/v2`,
      type: 'production',
      formats: ['text/xml', 'application/json'],
    });
    // the endpoint it names answers
    const services = await h.request('GET', `${new URL(endpoint.url).pathname}/services.json`);
    expect(services.status).toBe(200);
  });

  it('says the same in XML, with the list elements of the specification’s example', async () => {
    // the local host sets the scheme as API Gateway does, whatever the client claims
    const response = await h.request('GET', '/open311/discovery.xml', {
      headers: { 'x-forwarded-proto': 'https' },
    });
    expect(response.status).toBe(200);
    const { discovery } = parseXml(response);
    expect(Object.keys(discovery)).toEqual(SPEC_FIELDS.discovery);
    const [endpoint] = discovery.endpoints.endpoint;
    expect(Object.keys(endpoint)).toEqual(SPEC_FIELDS.endpoint);
    expect(endpoint.url).toBe(`http://${new URL(h.baseUrl).host}/open311/v2`);
    expect(endpoint.formats.format).toEqual(['text/xml', 'application/json']);
  });
});

describe('GET services', () => {
  it('lists the public categories in JSON, each with exactly the fields of the specification’s example', async () => {
    const response = await h.request('GET', '/open311/v2/services.json');
    expect(response.status).toBe(200);
    expectJson(response);
    expect(response.body.map((s: { service_code: string }) => s.service_code)).toEqual(PUBLIC_SERVICES);
    for (const service of response.body) {
      expect(Object.keys(service)).toEqual(SPEC_FIELDS.service);
      expect(service.metadata).toBe(true);
      expect(service.type).toBe('realtime');
      for (const field of ['service_name', 'description', 'keywords', 'group'])
        expect(typeof service[field]).toBe('string');
    }
    const environment = response.body.find((s: { service_code: string }) => s.service_code === 'environment');
    expect(environment.service_name).toBe('环境污染 Environmental pollution');
    expect(environment.group).toBe('农村建设与环境 Rural construction and environment');
    expect(environment.keywords).toContain('噪声');
  });

  it('never lists the categories about families, wages or land', async () => {
    const { body } = await h.request('GET', '/open311/v2/services.json');
    const codes = body.map((s: { service_code: string }) => s.service_code);
    for (const hidden of [
      'marriage_family',
      'labor_wages',
      'social_security',
      'land_use',
      'land_requisition',
    ])
      expect(codes).not.toContain(hidden);
  });

  it('says the same in XML: <services><service>, element by element', async () => {
    const json = (await h.request('GET', '/open311/v2/services.json')).body;
    const response = await h.request('GET', '/open311/v2/services.xml');
    expect(response.status).toBe(200);
    const services = parseXml(response).services.service;
    expect(services).toHaveLength(json.length);
    services.forEach((service: Record<string, string>, i: number) => {
      expect(Object.keys(service)).toEqual(SPEC_FIELDS.service);
      expect(service).toEqual({ ...json[i], metadata: 'true' });
    });
  });
});

describe('GET services/{code}', () => {
  it('defines the consent attribute in JSON, field by field as the specification’s example', async () => {
    const response = await h.request('GET', '/open311/v2/services/environment.json');
    expect(response.status).toBe(200);
    expectJson(response);
    expect(Object.keys(response.body)).toEqual(SPEC_FIELDS.serviceDefinition);
    expect(response.body.service_code).toBe('environment');
    const [attribute] = response.body.attributes;
    expect(Object.keys(attribute)).toEqual(SPEC_FIELDS.attribute);
    expect(attribute).toMatchObject({
      variable: true,
      code: 'public_description',
      datatype: 'singlevaluelist',
      required: false,
      order: 1,
    });
    expect(attribute.values.map((v: { key: string }) => v.key)).toEqual(['true', 'false']);
    for (const value of attribute.values) expect(Object.keys(value)).toEqual(SPEC_FIELDS.value);
  });

  it('says the same in XML: <service_definition><attributes><attribute><values><value>', async () => {
    const response = await h.request('GET', '/open311/v2/services/neighbor.xml');
    expect(response.status).toBe(200);
    const definition = parseXml(response).service_definition;
    expect(Object.keys(definition)).toEqual(SPEC_FIELDS.serviceDefinition);
    expect(definition.service_code).toBe('neighbor');
    const [attribute] = definition.attributes.attribute;
    expect(Object.keys(attribute)).toEqual(SPEC_FIELDS.attribute);
    expect(attribute.variable).toBe('true');
    expect(attribute.required).toBe('false');
    expect(attribute.values.value.map((v: { key: string }) => v.key)).toEqual(['true', 'false']);
  });

  it('is 404 for a private or unknown code, and for a path without a known format', async () => {
    expectJsonErrors(await h.request('GET', '/open311/v2/services/labor_wages.json'), 404);
    expectXmlErrors(await h.request('GET', '/open311/v2/services/pothole.xml'), 404);
    expectXmlErrors(await h.request('GET', '/open311/v2/services/environment'), 404);
    expectXmlErrors(await h.request('GET', '/open311/v2/services/environment.html'), 404);
  });
});

describe('jurisdiction_id', () => {
  it('is optional while one town is served, and names it or is 404', async () => {
    expect((await h.request('GET', '/open311/v2/services.json?jurisdiction_id=town-a')).status).toBe(200);
    const unknown = await h.request('GET', '/open311/v2/services.xml?jurisdiction_id=town-z');
    expect(expectXmlErrors(unknown, 404)).toContain('jurisdiction_id');
  });

  it('is required once several towns are served: 400 without it', async () => {
    await issueKey(h, 'town-b');
    const ambiguous = await h.request('GET', '/open311/v2/services.json');
    expect(expectJsonErrors(ambiguous, 400)).toContain('jurisdiction_id was not provided');
    expectXmlErrors(await h.request('GET', '/open311/v2/services/environment.xml'), 400);
    expect((await h.request('GET', '/open311/v2/services.json?jurisdiction_id=town-b')).status).toBe(200);
    expect((await h.request('GET', '/open311/v2/services/neighbor.json?jurisdiction_id=town-a')).status).toBe(
      200,
    );
  });
});
