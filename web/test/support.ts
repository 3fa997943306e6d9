import { vi } from 'vitest';

/** A JWT-shaped token with these claims (unsigned: the pages only read who is signed in). */
export function fakeToken(claims: Record<string, unknown>): string {
  const part = (value: unknown) =>
    btoa(String.fromCharCode(...new TextEncoder().encode(JSON.stringify(value))))
      .replace(/\+/g, '-')
      .replace(/\//g, '_')
      .replace(/=+$/, '');
  return `${part({ alg: 'none' })}.${part({ exp: Math.floor(Date.now() / 1000) + 3600, ...claims })}.sig`;
}

export interface Call {
  method: string;
  url: URL;
  headers: Headers;
  body: unknown;
}

type Answer = { status: number; body?: unknown; headers?: Record<string, string> };

/**
 * Replaces `fetch` with the given routes (`GET /v1/catalog`), answering JSON (problem+json for 4xx/5xx), and records
 * every call; an unrouted call answers 404.
 */
export function fakeApi(routes: Record<string, Answer | ((call: Call) => Answer)>): Call[] {
  const calls: Call[] = [];
  vi.stubGlobal('fetch', async (input: Request | string, init?: RequestInit) => {
    const request = typeof input === 'string' ? new Request(input, init) : input;
    const url = new URL(request.url);
    const text = request.method === 'GET' ? '' : await request.text();
    const call: Call = {
      method: request.method,
      url,
      headers: request.headers,
      body: text ? JSON.parse(text) : undefined,
    };
    calls.push(call);
    const route = routes[`${request.method} ${url.pathname}`];
    const answer = typeof route === 'function' ? route(call) : (route ?? { status: 404, body: notFound });
    const type = answer.status >= 400 ? 'application/problem+json' : 'application/json';
    return new Response(answer.body === undefined ? null : JSON.stringify(answer.body), {
      status: answer.status,
      headers: { 'content-type': type, ...answer.headers },
    });
  });
  return calls;
}

const notFound = { type: '/problems/not-found', title: '未找到', status: 404, detail: '未找到该对象' };

/** The catalogue lists the pages read, as `GET /v1/catalog` gives them (a few entries each). */
export const CATALOG = {
  categories: [
    { code: 'neighbor', zh: '相邻权', en: 'Neighbour rights' },
    { code: 'labor_wages', zh: '劳动工资', en: 'Labour and wages' },
  ],
  kinds: [
    { code: 'petition', zh: '信访事项', en: 'Petition' },
    { code: 'dispute', zh: '矛盾纠纷', en: 'Dispute' },
  ],
  channels: [
    { code: 'visit', zh: '来访', en: 'Visit' },
    { code: 'letter', zh: '来信', en: 'Letter' },
  ],
  types: [{ code: 'claim', zh: '申诉求决', en: 'Claim' }],
  statuses: [
    { code: 'registered', zh: '已登记', en: 'Registered' },
    { code: 'accepted', zh: '已受理', en: 'Accepted' },
  ],
  tracks: [{ code: 'immediate', zh: '即办', en: 'Immediate' }],
  serviceLines: [],
};

/** Lets pending promises and Vue's updates run, and Element Plus show a form item's error (debounced 100 ms). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 0));
  await new Promise((resolve) => setTimeout(resolve, 120));
}
