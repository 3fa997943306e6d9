import { createFengqiaoClient, type FengqiaoClient } from '../../client/index.js';
import type { Locale } from './i18n/index.js';

export type { components, FengqiaoClient } from '../../client/index.js';

/** The typed client for one caller: every page's calls go through it (the public contract, nothing private). */
export function apiClient(baseUrl: string, locale: Locale, token?: string): FengqiaoClient {
  return createFengqiaoClient({
    baseUrl: baseUrl === '' ? window.location.origin : baseUrl,
    language: locale,
    ...(token ? { token } : {}),
    // the global fetch, looked up at call time (tests replace it)
    fetch: (request) => globalThis.fetch(request),
  });
}

/** An RFC 9457 problem as the API sends it. */
interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  errors?: { path: string; message: string }[];
}

function isProblem(value: unknown): value is Problem {
  return typeof value === 'object' && value !== null && ('title' in value || 'detail' in value);
}

/** The words to show for a failed call: the problem's detail, else its title, else the gateway's message. */
export function problemText(error: unknown, fallback: string): string {
  if (isProblem(error)) return error.detail ?? error.title ?? fallback;
  if (typeof error === 'object' && error !== null && 'message' in error) {
    const message = (error as { message: unknown }).message;
    if (typeof message === 'string') return message;
  }
  return fallback;
}
