/** The runtime settings the host serves at `/config.json`: where the API is and how users sign in. */
export type AuthSettings =
  | { kind: 'local' }
  | { kind: 'oidc'; authority: string; clientId: string; redirectUri: string; scope: string };

export interface RuntimeConfig {
  /** The API's origin and path prefix; `''` for the same origin as the pages. */
  apiBaseUrl: string;
  auth: AuthSettings;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isText = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

/** Checks what `/config.json` held; a clear error naming the setting that is wrong, never a half-read config. */
export function parseConfig(raw: unknown): RuntimeConfig {
  if (!isRecord(raw)) throw new Error('config.json: not an object');
  const { apiBaseUrl, auth } = raw;
  if (typeof apiBaseUrl !== 'string') throw new Error('config.json: apiBaseUrl must be a string');
  if (!isRecord(auth)) throw new Error('config.json: auth must be an object');
  const base = apiBaseUrl.replace(/\/+$/, '');
  if (auth.kind === 'local') return { apiBaseUrl: base, auth: { kind: 'local' } };
  if (auth.kind === 'oidc') {
    const { authority, clientId, redirectUri, scope } = auth;
    for (const [name, value] of Object.entries({ authority, clientId, redirectUri })) {
      if (!isText(value)) throw new Error(`config.json: auth.${name} must be a non-empty string`);
    }
    return {
      apiBaseUrl: base,
      auth: {
        kind: 'oidc',
        authority: authority as string,
        clientId: clientId as string,
        redirectUri: redirectUri as string,
        scope: isText(scope) ? scope : 'openid',
      },
    };
  }
  throw new Error('config.json: auth.kind must be "local" or "oidc"');
}

/** Fetches and checks `/config.json` (never cached: the stack rewrites it at deploy time). */
export async function loadConfig(fetchImpl: typeof fetch = fetch): Promise<RuntimeConfig> {
  const response = await fetchImpl('/config.json', {
    cache: 'no-store',
    headers: { Accept: 'application/json' },
  });
  if (!response.ok) throw new Error(`config.json: ${response.status}`);
  return parseConfig(await response.json());
}
