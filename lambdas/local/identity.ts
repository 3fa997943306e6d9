import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  type JWTPayload,
  jwtVerify,
  type CryptoKey as JoseKey,
  SignJWT,
} from 'jose';

/**
 * The local stand-in for the identity provider and API Gateway's JWT authorizer: an RS256 key pair kept under
 * `.data/`, tokens shaped like Cognito access tokens, and verification with the same rules the gateway applies.
 */

export const LOCAL_ISSUER = 'https://fengqiao.local/identity';
export const LOCAL_AUDIENCE = 'fengqiao-local';
export const DEFAULT_TOWN = 'demo-town';

export interface LocalKeys {
  privateKey: JoseKey;
  publicKey: JoseKey;
}

export async function loadOrCreateKeys(dataDir: string | undefined): Promise<LocalKeys> {
  const file = dataDir ? resolve(dataDir, 'jwt-keys.json') : undefined;
  if (file && existsSync(file)) {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as { privateKey: JWK; publicKey: JWK };
    return {
      privateKey: (await importJWK(stored.privateKey, 'RS256')) as JoseKey,
      publicKey: (await importJWK(stored.publicKey, 'RS256')) as JoseKey,
    };
  }
  const pair = await generateKeyPair('RS256', { extractable: true });
  if (file) {
    mkdirSync(resolve(file, '..'), { recursive: true });
    const privateJwk = await exportJWK(pair.privateKey);
    const publicJwk = await exportJWK(pair.publicKey);
    writeFileSync(file, JSON.stringify({ privateKey: privateJwk, publicKey: publicJwk }), { mode: 0o600 });
  }
  return pair;
}

export interface TokenRequest {
  roles: string[];
  sub: string;
  town?: string;
  expiresInSeconds?: number;
  extraClaims?: Record<string, unknown>;
  /** The app client the token is for (default: the local one). */
  audience?: string;
}

/** A token shaped like a Cognito access token with the town added by the pre-token-generation trigger. */
export async function issueToken(keys: LocalKeys, request: TokenRequest): Promise<string> {
  return new SignJWT({
    'cognito:groups': request.roles,
    'custom:town': request.town ?? DEFAULT_TOWN,
    token_use: 'access',
    client_id: request.audience ?? LOCAL_AUDIENCE,
    ...request.extraClaims,
  })
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
    .setSubject(request.sub)
    .setIssuer(LOCAL_ISSUER)
    .setAudience(request.audience ?? LOCAL_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${request.expiresInSeconds ?? 8 * 3600}s`)
    .sign(keys.privateKey);
}

/**
 * Verifies a bearer token as the gateway's JWT authorizer does: RS256 signature, issuer, expiry and not-before, and
 * the audience in `aud` or, for access tokens that have none, in `client_id`. Undefined if any check fails.
 */
export async function verifyToken(keys: LocalKeys, token: string): Promise<JWTPayload | undefined> {
  try {
    const { payload } = await jwtVerify(token, keys.publicKey, {
      algorithms: ['RS256'],
      issuer: LOCAL_ISSUER,
    });
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
