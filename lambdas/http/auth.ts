import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import {
  CITY_ROLE,
  type CityPrincipal,
  hasAnyRole,
  isRole,
  type Principal,
  type Role,
  type StaffRole,
} from '../domain/roles.js';
import { HttpProblem } from './problem.js';

/**
 * Reads the caller from the claims API Gateway's JWT authorizer hands over. Claims arrive as strings; an array claim
 * such as `cognito:groups` arrives as `"[clerk leader]"` (and, from some issuers, as a JSON array string).
 */
function parseGroupsClaim(raw: unknown): string[] {
  if (Array.isArray(raw)) return raw.map(String);
  if (typeof raw !== 'string') return [];
  const text = raw.trim();
  if (text.startsWith('[') && text.includes('"')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (Array.isArray(parsed)) return parsed.map(String);
    } catch {
      // not JSON: fall through to the authorizer's bracketed form
    }
  }
  const inner = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  return inner.split(/[\s,]+/).filter(Boolean);
}

const unauthorized = (): HttpProblem => new HttpProblem('unauthorized', (m) => m.detail.unauthorized);

/**
 * The caller of any route: a town's staff member or citizen (`custom:town`), or a city supervisor (`custom:towns`, the
 * towns of its city, comma or space separated, or in the authorizer's bracketed form: read by the groups' parser).
 */
function callerFromClaims(claims: Record<string, unknown> | undefined): Principal | CityPrincipal {
  // API Gateway accepts an ID token whose `aud` is the client: only access tokens may call the API
  if (claims?.token_use !== undefined && claims.token_use !== 'access') throw unauthorized();
  const sub = claims?.sub;
  if (typeof sub !== 'string' || sub === '') throw unauthorized();
  const roles = parseGroupsClaim(claims?.['cognito:groups']).filter(isRole);
  if (roles.length === 0) throw unauthorized();
  if (roles.includes(CITY_ROLE)) {
    // a city account is nothing else: with a town's group besides, it is a misconfiguration
    const towns = [...new Set(parseGroupsClaim(claims?.['custom:towns']))];
    if (roles.some((r) => r !== CITY_ROLE) || towns.length === 0) throw unauthorized();
    return { kind: 'city', userId: sub, towns };
  }
  const town = claims?.['custom:town'];
  if (typeof town !== 'string' || town === '') throw unauthorized();
  const staff = roles.filter((r): r is StaffRole => r !== 'petitioner' && r !== CITY_ROLE);
  if (roles.includes('petitioner')) {
    // a citizen account that also carries a staff group is a misconfiguration: refuse it outright
    if (staff.length > 0) throw unauthorized();
    return { kind: 'petitioner', userId: sub, town };
  }
  return { kind: 'staff', userId: sub, town, roles: [...new Set(staff)] };
}

const claimsOf = (event: APIGatewayProxyEventV2WithJWTAuthorizer) =>
  event.requestContext.authorizer?.jwt?.claims;

/** The caller of a town's route; a city supervisor is refused (403) before anything of a town is read. */
export function principalOf(event: APIGatewayProxyEventV2WithJWTAuthorizer): Principal {
  const caller = callerFromClaims(claimsOf(event));
  if (caller.kind === 'city') throw new HttpProblem('forbidden', (m) => m.forbidden['town-routes']);
  return caller;
}

/** The caller of a city route (`/v1/city/...`): a city supervisor; anyone else is refused (403). */
export function cityPrincipalOf(event: APIGatewayProxyEventV2WithJWTAuthorizer): CityPrincipal {
  const caller = callerFromClaims(claimsOf(event));
  if (caller.kind !== 'city')
    throw new HttpProblem('forbidden', (m) => m.forbidden.roles({ roles: [CITY_ROLE] }));
  return caller;
}

export function requireRole(principal: Principal, allowed: readonly Role[]): void {
  if (!hasAnyRole(principal, allowed))
    throw new HttpProblem('forbidden', (m) => m.forbidden.roles({ roles: allowed }));
}
