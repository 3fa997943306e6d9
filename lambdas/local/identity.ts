import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  type CryptoKey as JoseKey,
  type JWK,
  type JWTPayload,
  jwtVerify,
  SignJWT,
} from 'jose';

/**
 * The local stand-in for the identity provider and API Gateway's JWT authorizer: an RS256 key pair kept under
 * `.data/`, tokens shaped like Cognito access tokens, and verification with the same rules the gateway applies.
 */

export const LOCAL_ISSUER = 'https://fengqiao.local/identity';
export const LOCAL_AUDIENCE = 'fengqiao-local';
export const DEFAULT_TOWN = 'demo-town';
/** The demo town's neighbour, the second town the local host serves: a city's view and transfers need two. */
export const NEIGHBOUR_TOWN = 'town-b';

export interface LocalKeys {
  privateKey: JoseKey;
  publicKey: JoseKey;
  /** The key's id in the local key set (its RFC 7638 thumbprint), which every token names in its `kid` header. */
  kid: string;
}

export async function loadOrCreateKeys(dataDir: string | undefined): Promise<LocalKeys> {
  const file = dataDir ? resolve(dataDir, 'jwt-keys.json') : undefined;
  if (file && existsSync(file)) {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as { privateKey: JWK; publicKey: JWK };
    return {
      privateKey: (await importJWK(stored.privateKey, 'RS256')) as JoseKey,
      publicKey: (await importJWK(stored.publicKey, 'RS256')) as JoseKey,
      kid: await calculateJwkThumbprint(stored.publicKey),
    };
  }
  const pair = await generateKeyPair('RS256', { extractable: true });
  const publicJwk = await exportJWK(pair.publicKey);
  if (file) {
    mkdirSync(resolve(file, '..'), { recursive: true });
    const privateJwk = await exportJWK(pair.privateKey);
    writeFileSync(file, JSON.stringify({ privateKey: privateJwk, publicKey: publicJwk }), { mode: 0o600 });
  }
  return { ...pair, kid: await calculateJwkThumbprint(publicJwk) };
}

export interface TokenRequest {
  roles: string[];
  sub: string;
  town?: string;
  /** A city supervisor's towns: `custom:towns` as the pre-token trigger copies the attribute (comma-separated). */
  towns?: readonly string[];
  expiresInSeconds?: number;
  extraClaims?: Record<string, unknown>;
  /** The app client the token is for (default: the local one). */
  audience?: string;
}

/** A token shaped like a Cognito access token with the town added by the pre-token-generation trigger. */
export async function issueToken(keys: LocalKeys, request: TokenRequest): Promise<string> {
  return new SignJWT({
    'cognito:groups': request.roles,
    // a city supervisor has its towns and no town of its own
    ...(request.towns
      ? { 'custom:towns': request.towns.join(',') }
      : { 'custom:town': request.town ?? DEFAULT_TOWN }),
    token_use: 'access',
    client_id: request.audience ?? LOCAL_AUDIENCE,
    ...request.extraClaims,
  })
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: keys.kid })
    .setSubject(request.sub)
    .setIssuer(LOCAL_ISSUER)
    .setAudience(request.audience ?? LOCAL_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${request.expiresInSeconds ?? 8 * 3600}s`)
    .sign(keys.privateKey);
}

/**
 * Verifies a bearer token as the gateway's JWT authorizer does: a `kid` header naming a key of the issuer's key set,
 * RS256 signature, issuer, expiry, not-before, an issued-at that is not in the future (the gateway documents no clock
 * leeway, and here the issuer shares the host's clock), and the audience in `aud` or, for access tokens that have
 * none, in `client_id`. Undefined if any check fails.
 */
export async function verifyToken(keys: LocalKeys, token: string): Promise<JWTPayload | undefined> {
  try {
    const { payload } = await jwtVerify(
      token,
      (header) => {
        if (header.kid !== keys.kid) throw new Error('no key of the key set has this kid');
        return keys.publicKey;
      },
      { algorithms: ['RS256'], issuer: LOCAL_ISSUER },
    );
    if (typeof payload.iat === 'number' && payload.iat > Date.now() / 1000) return undefined;
    const audiences = [payload.aud ?? []].flat();
    const audienceOk =
      audiences.length > 0 ? audiences.includes(LOCAL_AUDIENCE) : payload.client_id === LOCAL_AUDIENCE;
    return audienceOk && typeof payload.exp === 'number' ? payload : undefined;
  } catch {
    return undefined;
  }
}

/** Claims as the gateway hands them to the function: every value a string, arrays as `"[a b]"`. */
export function claimsAsGatewayShapes(payload: JWTPayload): Record<string, string> {
  return Object.fromEntries(
    Object.entries(payload).map(([key, value]) => [
      key,
      Array.isArray(value)
        ? `[${value.join(' ')}]`
        : typeof value === 'object' && value !== null
          ? JSON.stringify(value)
          : String(value),
    ]),
  );
}
