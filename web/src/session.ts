import { ref } from 'vue';
import type { AuthSettings } from './config.js';

/** The staff roles the workbench knows, strongest last (as the API records the primary role). */
export const STAFF_ROLES = [
  'clerk',
  'grid_worker',
  'handler',
  'leader',
  'supervisor',
  'admin',
  'city_supervisor',
] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

/** The city's petition bureau (市/县信访局): no town of its own, the towns of its token's `custom:towns` claim. */
export const CITY_ROLE = 'city_supervisor' satisfies StaffRole;

export interface Session {
  token: string;
  userId: string;
  town: string;
  roles: StaffRole[];
  /** A city supervisor's towns (`custom:towns`); none for a town's staff. */
  towns?: string[];
  /** Seconds since the epoch when the token expires. */
  expiresAt: number;
}

const STORAGE_KEY = 'fengqiao.session';

/** A JWT's payload, read only to show who is signed in (the API checks the token itself). */
function decodeClaims(token: string): Record<string, unknown> {
  const part = token.split('.')[1];
  if (!part) throw new Error('not a JWT');
  const base64 = part
    .replace(/-/g, '+')
    .replace(/_/g, '/')
    .padEnd(Math.ceil(part.length / 4) * 4, '=');
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
}

/** Groups as issuers write them: an array, `"[clerk leader]"` or a JSON array string. */
function groupsOf(claim: unknown): string[] {
  if (Array.isArray(claim)) return claim.filter((g): g is string => typeof g === 'string');
  if (typeof claim !== 'string') return [];
  const text = claim.trim();
  if (text.startsWith('[') && text.includes('"')) {
    try {
      return groupsOf(JSON.parse(text));
    } catch {
      return [];
    }
  }
  return text
    .replace(/^\[|\]$/g, '')
    .split(/[\s,]+/)
    .filter(Boolean);
}

function sessionFromToken(token: string): Session {
  const claims = decodeClaims(token);
  const roles = STAFF_ROLES.filter((role) => groupsOf(claims['cognito:groups']).includes(role));
  return {
    token,
    userId: typeof claims.sub === 'string' ? claims.sub : '',
    town: typeof claims['custom:town'] === 'string' ? claims['custom:town'] : '',
    roles,
    ...(claims['custom:towns'] !== undefined ? { towns: groupsOf(claims['custom:towns']) } : {}),
    expiresAt: typeof claims.exp === 'number' ? claims.exp : 0,
  };
}

function storedSession(): Session | undefined {
  try {
    const token = globalThis.sessionStorage?.getItem(STORAGE_KEY);
    if (!token) return undefined;
    const session = sessionFromToken(token);
    return session.expiresAt * 1000 > Date.now() ? session : undefined;
  } catch {
    return undefined;
  }
}

/** Who is signed in, kept for the browser tab (sessionStorage), gone when the token expires. */
export const session = ref<Session | undefined>(storedSession());

export function hasRole(...roles: StaffRole[]): boolean {
  return session.value?.roles.some((role) => roles.includes(role)) ?? false;
}

/** Whether the signed-in user is the city's (市/县信访局), who reads the towns of its claim and no town's routes. */
export function isCitySession(): boolean {
  return session.value?.roles.includes(CITY_ROLE) ?? false;
}

export function startSession(token: string): Session {
  const next = sessionFromToken(token);
  session.value = next;
  try {
    globalThis.sessionStorage?.setItem(STORAGE_KEY, token);
  } catch {
    // storage refused: signed in for this page only
  }
  return next;
}

export function endSession(): void {
  session.value = undefined;
  try {
    globalThis.sessionStorage?.removeItem(STORAGE_KEY);
  } catch {
    // nothing kept
  }
}

/** The local host's dev sign-in: a token for the chosen role and user (never part of a deployed stack). */
export async function signInLocally(
  baseUrl: string,
  body:
    | { role: StaffRole; sub: string; town: string }
    | { role: typeof CITY_ROLE; sub: string; towns: string[] },
): Promise<Session> {
  const response = await globalThis.fetch(`${baseUrl}/dev/tokens`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${response.status}`);
  const answer = (await response.json()) as { access_token?: unknown };
  if (typeof answer.access_token !== 'string') throw new Error('no access_token');
  return startSession(answer.access_token);
}

type OidcSettings = Extract<AuthSettings, { kind: 'oidc' }>;

/** oidc-client-ts, loaded only when the site signs in with OIDC (authorization code with PKCE). */
async function userManager(settings: OidcSettings) {
  const { UserManager, WebStorageStateStore } = await import('oidc-client-ts');
  return new UserManager({
    authority: settings.authority,
    client_id: settings.clientId,
    redirect_uri: settings.redirectUri,
    scope: settings.scope,
    response_type: 'code',
    userStore: new WebStorageStateStore({ store: globalThis.sessionStorage }),
  });
}

export async function signInWithOidc(settings: OidcSettings): Promise<void> {
  await (await userManager(settings)).signinRedirect();
}

/** Back from the issuer with `?code=…&state=…`: trade the code for tokens, then clean the address bar. */
export async function completeOidcSignIn(settings: OidcSettings): Promise<Session | undefined> {
  const params = new URLSearchParams(window.location.search);
  if (!params.has('code') || !params.has('state')) return undefined;
  const user = await (await userManager(settings)).signinRedirectCallback();
  window.history.replaceState(null, '', `${window.location.pathname}#/`);
  return startSession(user.access_token);
}

export async function signOutOidc(settings: OidcSettings): Promise<void> {
  const manager = await userManager(settings);
  await manager.removeUser();
}
