import createClient from 'openapi-fetch';
import type { components, paths } from './schema.js';

/**
 * The Fengqiao API, typed from its OpenAPI document: every path, parameter, body and answer as the service has them
 * (`schema.d.ts` is generated; a test fails while it and the document differ).
 */

export type { components, paths };

export interface FengqiaoClientOptions {
  /** Where the API is: `https://api.example.gov.cn` (no trailing slash), `http://localhost:3000` locally. */
  baseUrl: string;
  /** The caller's access token; none for what anyone may call (health, public tracking, Open311). */
  token?: string;
  /** The language of problem titles and details (`zh-CN` unless `en`). */
  language?: 'zh-CN' | 'en';
  /** Another `fetch`, for tests or a platform without a global one. */
  fetch?: (request: Request) => Promise<Response>;
}

export function createFengqiaoClient({ baseUrl, token, language = 'zh-CN', fetch }: FengqiaoClientOptions) {
  return createClient<paths>({
    baseUrl,
    headers: { 'Accept-Language': language, ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    ...(fetch ? { fetch } : {}),
  });
}

export type FengqiaoClient = ReturnType<typeof createFengqiaoClient>;
