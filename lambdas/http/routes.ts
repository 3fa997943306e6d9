import type { FunctionFamily } from '../adapters/function-families.js';

/**
 * The route table: every HTTP route, the function family that serves it and whether the gateway's JWT authorizer
 * guards it. The CDK stack creates its routes from this table and the local host matches requests against it, so the
 * two hosts cannot drift apart.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteSpec {
  readonly method: HttpMethod;
  /** API Gateway path syntax: `/v1/cases/{id}`. */
  readonly path: string;
  readonly family: FunctionFamily;
  /** `false` for the routes anyone may call: the gateway puts no authorizer on them. */
  readonly authorized: boolean;
}

export const ROUTES = [
  { method: 'GET', path: '/v1/health', family: 'public', authorized: false },
  { method: 'GET', path: '/v1/openapi.json', family: 'public', authorized: false },
  { method: 'GET', path: '/v1/catalog', family: 'public', authorized: true },
  { method: 'POST', path: '/v1/cases', family: 'cases', authorized: true },
  { method: 'GET', path: '/v1/cases', family: 'cases', authorized: true },
  // the deployment's towns by name, for staff to read and to transfer a case to (the cases family knows them)
  { method: 'GET', path: '/v1/towns', family: 'cases', authorized: true },
  { method: 'GET', path: '/v1/cases/{id}', family: 'cases', authorized: true },
  { method: 'GET', path: '/v1/cases/{id}/timeline', family: 'cases', authorized: true },
  { method: 'POST', path: '/v1/cases/{id}/notes', family: 'cases', authorized: true },
  { method: 'POST', path: '/v1/cases/{id}/{command}', family: 'cases', authorized: true },
  { method: 'POST', path: '/v1/cases/{id}/mediation/sessions', family: 'cases', authorized: true },
  // evidence on the case: the bytes go straight to S3 through presigned links
  { method: 'POST', path: '/v1/cases/{id}/attachments', family: 'attachments', authorized: true },
  { method: 'GET', path: '/v1/cases/{id}/attachments', family: 'attachments', authorized: true },
  {
    method: 'POST',
    path: '/v1/cases/{id}/attachments/{attachmentId}/complete',
    family: 'attachments',
    authorized: true,
  },
  {
    method: 'GET',
    path: '/v1/cases/{id}/attachments/{attachmentId}',
    family: 'attachments',
    authorized: true,
  },
  { method: 'POST', path: '/v1/cases/{id}/reveal', family: 'privacy', authorized: true },
  { method: 'POST', path: '/v1/cases/{id}/erase', family: 'privacy', authorized: true },
  // the agreement's page for signing names the parties in clear, so it unwraps the case's data key
  { method: 'GET', path: '/v1/cases/{id}/agreement', family: 'privacy', authorized: true },
  { method: 'GET', path: '/v1/audit/reveals', family: 'privacy', authorized: true },
  { method: 'POST', path: '/v1/grids', family: 'grids', authorized: true },
  { method: 'GET', path: '/v1/grids', family: 'grids', authorized: true },
  { method: 'GET', path: '/v1/grids/{id}', family: 'grids', authorized: true },
  { method: 'PATCH', path: '/v1/grids/{id}', family: 'grids', authorized: true },
  { method: 'PUT', path: '/v1/grids/{id}/workers/{userId}', family: 'grids', authorized: true },
  { method: 'DELETE', path: '/v1/grids/{id}/workers/{userId}', family: 'grids', authorized: true },
  { method: 'POST', path: '/v1/grids/{id}/patrols', family: 'grids', authorized: true },
  { method: 'GET', path: '/v1/grids/{id}/patrols', family: 'grids', authorized: true },
  { method: 'GET', path: '/v1/staff', family: 'grids', authorized: true },
  { method: 'PUT', path: '/v1/staff/{userId}', family: 'grids', authorized: true },
  { method: 'POST', path: '/v1/helpers', family: 'grids', authorized: true },
  { method: 'GET', path: '/v1/helpers', family: 'grids', authorized: true },
  { method: 'GET', path: '/v1/helpers/{id}', family: 'grids', authorized: true },
  { method: 'PATCH', path: '/v1/helpers/{id}', family: 'grids', authorized: true },
  // revealing a helper's phone unwraps a data key: the privacy function alone may
  { method: 'POST', path: '/v1/helpers/{id}/reveal', family: 'privacy', authorized: true },
  { method: 'GET', path: '/v1/public/track/{queryCode}', family: 'public', authorized: false },
  { method: 'POST', path: '/v1/public/petitions', family: 'me', authorized: true },
  { method: 'GET', path: '/v1/me/cases', family: 'me', authorized: true },
  { method: 'GET', path: '/v1/me/cases/{id}', family: 'me', authorized: true },
  { method: 'POST', path: '/v1/me/cases/claim', family: 'me', authorized: true },
  { method: 'GET', path: '/v1/me/notifications', family: 'me', authorized: true },
  { method: 'POST', path: '/v1/me/notifications/{id}/read', family: 'me', authorized: true },
  { method: 'GET', path: '/v1/admin/policy', family: 'admin', authorized: true },
  { method: 'PUT', path: '/v1/admin/policy', family: 'admin', authorized: true },
  { method: 'GET', path: '/v1/admin/calendar/{year}', family: 'admin', authorized: true },
  { method: 'PUT', path: '/v1/admin/calendar/{year}', family: 'admin', authorized: true },
  { method: 'POST', path: '/v1/admin/open311-keys', family: 'admin', authorized: true },
  { method: 'GET', path: '/v1/admin/open311-keys', family: 'admin', authorized: true },
  { method: 'DELETE', path: '/v1/admin/open311-keys/{keyId}', family: 'admin', authorized: true },
  { method: 'GET', path: '/v1/metrics', family: 'reports', authorized: true },
  { method: 'GET', path: '/v1/reports/daily/{date}', family: 'reports', authorized: true },
  { method: 'GET', path: '/v1/reports/weekly/{week}', family: 'reports', authorized: true },
  { method: 'GET', path: '/v1/reports/monthly/{month}', family: 'reports', authorized: true },
  { method: 'GET', path: '/v1/reports/yearly/{year}', family: 'reports', authorized: true },
  { method: 'POST', path: '/v1/meetings', family: 'meetings', authorized: true },
  { method: 'GET', path: '/v1/meetings', family: 'meetings', authorized: true },
  { method: 'GET', path: '/v1/meetings/{id}', family: 'meetings', authorized: true },
  { method: 'POST', path: '/v1/meetings/{id}/minutes', family: 'meetings', authorized: true },
  { method: 'POST', path: '/v1/meetings/{id}/decisions/{n}/done', family: 'meetings', authorized: true },
  { method: 'PUT', path: '/v1/reception/roster/{date}', family: 'reception', authorized: true },
  { method: 'GET', path: '/v1/reception/roster', family: 'reception', authorized: true },
  // the roster as citizens read it: whom they can meet, when and where
  { method: 'GET', path: '/v1/public/reception/roster', family: 'reception', authorized: false },
  { method: 'POST', path: '/v1/receptions', family: 'reception', authorized: true },
  { method: 'GET', path: '/v1/receptions', family: 'reception', authorized: true },
  // the city's view of its towns (市/县信访局): a city supervisor's token, the towns of its claim
  { method: 'GET', path: '/v1/city/metrics', family: 'city', authorized: true },
  { method: 'GET', path: '/v1/city/reports/weekly/{week}', family: 'city', authorized: true },
  { method: 'GET', path: '/v1/city/reports/monthly/{month}', family: 'city', authorized: true },
  { method: 'GET', path: '/v1/city/towns/{town}/reports/weekly/{week}', family: 'city', authorized: true },
  { method: 'GET', path: '/v1/city/towns/{town}/reports/monthly/{month}', family: 'city', authorized: true },
  { method: 'GET', path: '/v1/city/towns/{town}/cases', family: 'city', authorized: true },
  { method: 'GET', path: '/v1/city/towns/{town}/cases/{id}', family: 'city', authorized: true },
  { method: 'POST', path: '/v1/city/towns/{town}/cases/{id}/supervise', family: 'city', authorized: true },
  // Open311: the format is part of the path; the function checks the `api_key` of a POST itself
  { method: 'GET', path: '/open311/discovery.xml', family: 'open311', authorized: false },
  { method: 'GET', path: '/open311/discovery.json', family: 'open311', authorized: false },
  { method: 'GET', path: '/open311/v2/services.xml', family: 'open311', authorized: false },
  { method: 'GET', path: '/open311/v2/services.json', family: 'open311', authorized: false },
  { method: 'GET', path: '/open311/v2/services/{code}', family: 'open311', authorized: false },
  { method: 'POST', path: '/open311/v2/requests.xml', family: 'open311', authorized: false },
  { method: 'POST', path: '/open311/v2/requests.json', family: 'open311', authorized: false },
  { method: 'GET', path: '/open311/v2/requests.xml', family: 'open311', authorized: false },
  { method: 'GET', path: '/open311/v2/requests.json', family: 'open311', authorized: false },
  { method: 'GET', path: '/open311/v2/requests/{id}', family: 'open311', authorized: false },
  { method: 'GET', path: '/open311/v2/tokens/{token}', family: 'open311', authorized: false },
] as const satisfies readonly RouteSpec[];

export type Route = (typeof ROUTES)[number];

/** `'METHOD /path'`, one per route (distributed, so no method is paired with another route's path). */
type KeyOf<R extends Pick<RouteSpec, 'method' | 'path'>> = R extends R
  ? `${R['method']} ${R['path']}`
  : never;

/** The gateway's route key of each route of the table: `'GET /v1/cases/{id}'`. */
export type RouteKey = KeyOf<Route>;

export type RouteKeyOf<F extends FunctionFamily> = KeyOf<Extract<Route, { family: F }>>;

export const routeKey = <R extends Pick<RouteSpec, 'method' | 'path'>>(route: R): KeyOf<R> =>
  `${route.method} ${route.path}` as KeyOf<R>;

interface RouteMatch {
  route: Route;
  pathParameters: Record<string, string>;
}

/** A malformed percent-escape matches no route, as it names no resource. */
function safeDecode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** Matches a request path the way API Gateway does: literal segments win over `{param}` segments. */
export function matchRoute(method: string, path: string): RouteMatch | undefined {
  const segments = path.split('/').filter(Boolean);
  let best: { match: RouteMatch; literals: number } | undefined;
  for (const route of ROUTES) {
    if (route.method !== method) continue;
    const pattern = route.path.split('/').filter(Boolean);
    if (pattern.length !== segments.length) continue;
    const pathParameters: Record<string, string> = {};
    let literals = 0;
    const matches = pattern.every((part, i) => {
      const actual = segments[i] ?? '';
      if (part.startsWith('{') && part.endsWith('}')) {
        const decoded = safeDecode(actual);
        if (decoded === undefined) return false;
        pathParameters[part.slice(1, -1)] = decoded;
        return actual.length > 0;
      }
      literals += 1;
      return part === actual;
    });
    if (matches && (!best || literals > best.literals)) best = { match: { route, pathParameters }, literals };
  }
  return best?.match;
}
