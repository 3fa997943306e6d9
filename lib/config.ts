import type { Node } from 'constructs';

/** What a deployment is told through context (`cdk.json`, or `-c key=value`). */
export interface FengqiaoConfig {
  /** Names the stack: `Fengqiao-<stage>`. */
  readonly stage: string;
  /** Browser origins allowed by CORS; empty for none. */
  readonly corsOrigins: readonly string[];
  /** An external OIDC issuer; without one the stack creates a Cognito user pool. */
  readonly identity?: { readonly issuer: string; readonly audience: readonly string[] };
}

const STAGE = /^[a-z][a-z0-9-]{0,15}$/;

const text = (node: Node, key: string): string | undefined => {
  const value: unknown = node.tryGetContext(key);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new Error(`context ${key} must be a string`);
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
};

const list = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

export function readConfig(node: Node): FengqiaoConfig {
  const stage = text(node, 'stage') ?? 'dev';
  if (!STAGE.test(stage)) throw new Error(`context stage must match ${STAGE}, got "${stage}"`);

  const corsOrigins = list(text(node, 'corsOrigins'));
  for (const origin of corsOrigins)
    if (origin !== '*' && !/^https?:\/\/[^/]+$/.test(origin))
      throw new Error(`context corsOrigins: "${origin}" is not an origin (scheme://host[:port])`);

  const issuer = text(node, 'identityIssuer');
  const audience = list(text(node, 'identityAudience'));
  if (!issuer) {
    if (audience.length > 0) throw new Error('context identityAudience needs identityIssuer');
    return { stage, corsOrigins };
  }
  // API Gateway fetches the issuer's discovery document over HTTPS
  if (!issuer.startsWith('https://')) throw new Error('context identityIssuer must be an https URL');
  if (audience.length === 0) throw new Error('context identityIssuer needs identityAudience');
  return { stage, corsOrigins, identity: { issuer, audience } };
}

export const stackName = (config: FengqiaoConfig): string => `Fengqiao-${config.stage}`;
