import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { hasAnyRole, isRole, type Principal, type Role, type StaffRole } from '../domain/roles.js';
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

function principalFromClaims(claims: Record<string, unknown> | undefined): Principal {
  // API Gateway accepts an ID token whose `aud` is the client: only access tokens may call the API
  if (claims?.token_use !== undefined && claims.token_use !== 'access') throw unauthorized();
  const sub = claims?.sub;
  const town = claims?.['custom:town'];
  if (typeof sub !== 'string' || sub === '' || typeof town !== 'string' || town === '') throw unauthorized();
  const roles = parseGroupsClaim(claims?.['cognito:groups']).filter(isRole);
  if (roles.length === 0) throw unauthorized();
  const staff = roles.filter((r): r is StaffRole => r !== 'petitioner');
  if (roles.includes('petitioner')) {
    // a citizen account that also carries a staff group is a misconfiguration: refuse it outright
    if (staff.length > 0) throw unauthorized();
    return { kind: 'petitioner', userId: sub, town };
  }
  return { kind: 'staff', userId: sub, town, roles: [...new Set(staff)] };
}

export function principalOf(event: APIGatewayProxyEventV2WithJWTAuthorizer): Principal {
  return principalFromClaims(event.requestContext.authorizer?.jwt?.claims);
}

export function requireRole(principal: Principal, allowed: readonly Role[]): void {
  if (!hasAnyRole(principal, allowed))
    throw new HttpProblem('forbidden', (m) => m.forbidden.roles({ roles: allowed }));
}
