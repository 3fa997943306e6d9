import type { ApiResponse } from '../http/api.js';

/**
 * The two formats of GeoReport v2 and its error shape. XML is the format the specification requires; JSON is its
 * programmatic mapping (an XML list element becomes an array, an empty element `null`).
 */

export const FORMATS = ['json', 'xml'] as const;
export type Format = (typeof FORMATS)[number];

type Open311Value =
  | string
  | number
  | boolean
  | null
  | readonly Open311Value[]
  | { readonly [field: string]: Open311Value };

/** The element name of each list's items, as the specification's XML examples name them. */
const ITEM_OF: Record<string, string> = {
  services: 'service',
  service_requests: 'request',
  errors: 'error',
  attributes: 'attribute',
  values: 'value',
  endpoints: 'endpoint',
  formats: 'format',
};

/** Whether XML 1.0 can carry a character at all, even escaped: no controls but tab, line feed, carriage return. */
const isXmlChar = (char: string): boolean => {
  const code = char.codePointAt(0) ?? 0;
  return code < 0x20 ? code === 0x09 || code === 0x0a || code === 0x0d : code !== 0xfffe && code !== 0xffff;
};

const escapeXml = (text: string): string =>
  Array.from(text)
    .filter(isXmlChar)
    .join('')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');

function element(name: string, value: Open311Value): string {
  if (value === null) return `<${name}/>`;
  if (Array.isArray(value)) {
    const item = ITEM_OF[name] ?? 'item';
    return `<${name}>${value.map((v: Open311Value) => element(item, v)).join('')}</${name}>`;
  }
  if (typeof value === 'object')
    return `<${name}>${Object.entries(value)
      .map(([field, v]) => element(field, v))
      .join('')}</${name}>`;
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

const CONTENT_TYPE: Record<Format, string> = {
  json: 'application/json; charset=utf-8',
  xml: 'text/xml; charset=utf-8',
};

/** A response in the asked format: `root` names the XML document element (`services`, `service_requests`...). */
export function render(
  format: Format,
  root: string,
  value: Open311Value,
  status = 200,
  headers: Record<string, string> = {},
): ApiResponse {
  const body =
    format === 'json'
      ? JSON.stringify(value)
      : `<?xml version="1.0" encoding="utf-8"?>\n${element(root, value)}`;
  return { status, body, headers: { 'content-type': CONTENT_TYPE[format], ...headers } };
}

export interface Open311ErrorItem {
  code: number;
  description: string;
}

/**
 * An error in the specification's shape: 403 for a missing or wrong `api_key`, 404 for what does not exist, 400 for
 * anything else a client got wrong. The `code` in the body may be more specific than the HTTP status (413, 415).
 */
export class Open311Error extends Error {
  constructor(
    readonly status: number,
    readonly errors: readonly Open311ErrorItem[],
    readonly headers: Record<string, string> = {},
  ) {
    super(errors.map((e) => e.description).join('; '));
  }
}

export const badRequest = (description: string, code = 400) => new Open311Error(400, [{ code, description }]);
export const notFound = (description: string) => new Open311Error(404, [{ code: 404, description }]);
export const forbidden = (description: string) => new Open311Error(403, [{ code: 403, description }]);
export const tooMany = (description: string, retryAfter: number) =>
  new Open311Error(429, [{ code: 429, description: `${description}; try again in ${retryAfter} s` }], {
    'retry-after': String(retryAfter),
  });

export const errorResponse = (format: Format, error: Open311Error): ApiResponse =>
  render(
    format,
    'errors',
    error.errors.map((e) => ({ code: e.code, description: e.description })),
    error.status,
    error.headers,
  );

/** `neighbor.xml` → `{name: 'neighbor', format: 'xml'}`; undefined without a known format suffix. */
export function splitFormat(segment: string): { name: string; format: Format } | undefined {
  const dot = segment.lastIndexOf('.');
  const format = segment.slice(dot + 1);
  if (dot <= 0 || !(FORMATS as readonly string[]).includes(format)) return undefined;
  return { name: segment.slice(0, dot), format: format as Format };
}

/** W3C date-time in UTC without fractions, as the specification writes it: `2010-01-01T00:00:00Z`. */
export const w3 = (iso: string): string => `${new Date(iso).toISOString().slice(0, 19)}Z`;
