import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { expect } from 'vitest';
import type { Harness, TestResponse } from './harness.js';

/**
 * Open311 in tests: the field lists of the GeoReport v2 specification's own examples (wiki.open311.org/GeoReport_v2),
 * a real XML parser, and helpers to issue keys and post forms.
 */

/** The elements of each example response of the specification, in its order. */
export const SPEC_FIELDS = {
  service: ['service_code', 'service_name', 'description', 'metadata', 'type', 'keywords', 'group'],
  serviceDefinition: ['service_code', 'attributes'],
  attribute: [
    'variable',
    'code',
    'datatype',
    'required',
    'datatype_description',
    'order',
    'description',
    'values',
  ],
  value: ['key', 'name'],
  created: ['service_request_id', 'service_notice', 'account_id'],
  token: ['service_request_id', 'token'],
  request: [
    'service_request_id',
    'status',
    'status_notes',
    'service_name',
    'service_code',
    'description',
    'agency_responsible',
    'service_notice',
    'requested_datetime',
    'updated_datetime',
    'expected_datetime',
    'address',
    'address_id',
    'zipcode',
    'lat',
    'long',
    'media_url',
  ],
  error: ['code', 'description'],
  discovery: ['changeset', 'contact', 'key_service', 'endpoints'],
  endpoint: ['specification', 'url', 'changeset', 'type', 'formats'],
} as const;

export const PUBLIC_SERVICES = ['neighbor', 'village_affairs', 'rural_construction', 'environment'];

/** W3C date-time as the specification writes it: seconds, then `Z` or an offset. */
export const W3_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$/;

const parser = new XMLParser({
  ignoreDeclaration: true,
  parseTagValue: false,
  trimValues: false,
  isArray: (name) =>
    ['service', 'request', 'error', 'attribute', 'value', 'endpoint', 'format'].includes(name),
});

/** The document parsed, after checking it is well-formed and declares UTF-8 as the specification requires. */
// biome-ignore lint/suspicious/noExplicitAny: tests read parsed documents field by field
export function parseXml(response: TestResponse): any {
  expect(response.headers.get('content-type')).toBe('text/xml; charset=utf-8');
  expect(response.text.startsWith('<?xml version="1.0" encoding="utf-8"?>')).toBe(true);
  expect(XMLValidator.validate(response.text)).toBe(true);
  return parser.parse(response.text);
}

export function expectJson(response: TestResponse): void {
  expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
}

/** An error in the specification's shape, in JSON: `[{code, description}]`. */
export function expectJsonErrors(response: TestResponse, status: number, code = status): string {
  expect(response.status).toBe(status);
  expectJson(response);
  expect(Array.isArray(response.body)).toBe(true);
  for (const error of response.body) expect(Object.keys(error)).toEqual(SPEC_FIELDS.error);
  expect(response.body[0].code).toBe(code);
  expect(typeof response.body[0].description).toBe('string');
  return response.body.map((e: { description: string }) => e.description).join('\n');
}

/** An error in the specification's shape, in XML: `<errors><error><code/><description/></error></errors>`. */
export function expectXmlErrors(response: TestResponse, status: number, code = status): string {
  expect(response.status).toBe(status);
  const errors = parseXml(response).errors.error;
  for (const error of errors) expect(Object.keys(error)).toEqual(SPEC_FIELDS.error);
  expect(errors[0].code).toBe(String(code));
  return errors.map((e: { description: string }) => e.description).join('\n');
}

export const FORM = 'application/x-www-form-urlencoded; charset=utf-8';

export async function issueKey(h: Harness, town = 'town-a', name = '街道随手拍') {
  const admin = await h.token('admin', `admin-${town}`, town);
  const issued = await h.request('POST', '/v1/admin/open311-keys', { token: admin, body: { name } });
  expect(issued.status).toBe(201);
  return issued.body as { apiKey: string; keyId: string };
}

export function postRequest(
  h: Harness,
  format: 'json' | 'xml',
  fields: Record<string, string>,
  headers: Record<string, string> = {},
) {
  return h.request('POST', `/open311/v2/requests.${format}`, {
    rawBody: new URLSearchParams(fields).toString(),
    headers: { 'content-type': FORM, ...headers },
  });
}

/** A request as a FixMyStreet-like client posts it: the specification's example, in this town's terms. */
export const requestForm = (apiKey: string, overrides: Record<string, string> = {}) => ({
  api_key: apiKey,
  jurisdiction_id: 'town-a',
  service_code: 'environment',
  lat: '30.2741234',
  long: '120.1551234',
  email: 'someone@example.org',
  device_id: 'tt222111',
  account_id: '123456',
  first_name: '三',
  last_name: '张',
  phone: '13912345678',
  description: '河边工厂夜间排放污水\n气味很大',
  media_url: 'https://example.org/photo.jpg',
  ...overrides,
});
