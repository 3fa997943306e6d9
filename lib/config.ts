import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';

/** What a deployment is told through context (`cdk.json`, or `-c key=value`). */
export interface FengqiaoConfig {
  /** Names the stack: `Fengqiao-<stage>`. */
  readonly stage: string;
  /** Browser origins allowed by CORS; empty for none. */
  readonly corsOrigins: readonly string[];
  /** An external OIDC issuer; without one the stack creates a Cognito user pool. */
  readonly identity?: { readonly issuer: string; readonly audience: readonly string[] };
  /** How often the deadline sweep runs, in minutes (a divisor of 60, so runs are evenly spaced); default 15. */
  readonly sweepIntervalMinutes: number;
  /**
   * The town (`custom:town`) of citizens who sign up on their own in the Cognito user pool; absent: DEFAULT_TOWN.
   * Context `defaultTown`.
   */
  readonly defaultTown?: string;
  /**
   * The towns the scheduled reports and retention run for (the town-work function's `TOWNS`); absent: the default town alone.
   * Context `towns`, a comma-separated list of town ids.
   */
  readonly towns?: readonly string[];
  /**
   * How long every log group (the functions' logs, the API's access logs) keeps its events: one of the periods
   * CloudWatch Logs offers, in days; default 365, the least the Control Tower rules that synth runs accept.
   * Context `logRetentionDays`.
   */
  readonly logRetentionDays: RetentionDays;
  /**
   * Whether the stack serves the web pages (a private bucket behind CloudFront, with the API behind the same
   * distribution); default true. Context `webSite`: false where CloudFront's default domain serves nothing, as in the
   * China regions (README, "The workbench").
   */
  readonly webSite: boolean;
}

/** The town of self-registered citizens when the context names none (the local host seeds the same one). */
export const DEFAULT_TOWN = 'demo-town';

/** The towns of the scheduled reports: the context's list, or the default town. */
export const reportTowns = (config: FengqiaoConfig): readonly string[] =>
  config.towns ?? [config.defaultTown ?? DEFAULT_TOWN];

/** A tenant id as `custom:town` holds it (1 to 64 characters). */
const TOWN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

const STAGE = /^[a-z][a-z0-9-]{0,15}$/;

const text = (node: Node, key: string): string | undefined => {
  const value: unknown = node.tryGetContext(key);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new Error(`context ${key} must be a string`);
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
};

/** Intervals that divide the hour, so that a step of n in the minute field runs every n minutes with no short gap. */
const SWEEP_INTERVALS = [1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30] as const;

/** A whole number from context: `cdk.json` holds a number, `-c key=5` a string; both are read. */
const wholeNumber = (value: unknown): unknown =>
  typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;

const absent = (value: unknown): boolean => value === undefined || value === null || value === '';

function sweepInterval(node: Node): number {
  const value: unknown = node.tryGetContext('sweepIntervalMinutes');
  if (absent(value)) return 15;
  const minutes = wholeNumber(value);
  if (typeof minutes !== 'number' || !(SWEEP_INTERVALS as readonly number[]).includes(minutes))
    throw new Error(
      `context sweepIntervalMinutes must be one of ${SWEEP_INTERVALS.join(', ')}, got ${JSON.stringify(value)}`,
    );
  return minutes;
}

/** The retention periods CloudWatch Logs offers, in days (RetentionDays without "never expire"). */
export const LOG_RETENTIONS: readonly RetentionDays[] = Object.values(RetentionDays)
  .filter((days): days is RetentionDays => typeof days === 'number' && days !== RetentionDays.INFINITE)
  .sort((a, b) => a - b);

function webSite(node: Node): boolean {
  const value: unknown = node.tryGetContext('webSite');
  if (absent(value)) return true;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new Error(`context webSite must be true or false, got ${JSON.stringify(value)}`);
}

function logRetention(node: Node): RetentionDays {
  const value: unknown = node.tryGetContext('logRetentionDays');
  if (absent(value)) return RetentionDays.ONE_YEAR;
  const days = LOG_RETENTIONS.find((retention) => retention === wholeNumber(value));
  if (days === undefined)
    throw new Error(
      `context logRetentionDays must be one of ${LOG_RETENTIONS.join(', ')}, got ${JSON.stringify(value)}`,
    );
  return days;
}

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

  const sweepIntervalMinutes = sweepInterval(node);
  const logRetentionDays = logRetention(node);
  const site = webSite(node);

  const town = text(node, 'defaultTown');
  if (town !== undefined && !TOWN.test(town))
    throw new Error(
      `context defaultTown must match ${TOWN} (a town id as custom:town holds it), got "${town}"`,
    );
  const defaultTown = town === undefined ? {} : { defaultTown: town };

  const townList = [...new Set(list(text(node, 'towns')))];
  for (const item of townList)
    if (!TOWN.test(item))
      throw new Error(`context towns: "${item}" must match ${TOWN} (a town id as custom:town holds it)`);
  const towns = townList.length === 0 ? {} : { towns: townList };

  const issuer = text(node, 'identityIssuer');
  const audience = list(text(node, 'identityAudience'));
  if (!issuer) {
    if (audience.length > 0) throw new Error('context identityAudience needs identityIssuer');
    return {
      stage,
      corsOrigins,
      sweepIntervalMinutes,
      logRetentionDays,
      webSite: site,
      ...defaultTown,
      ...towns,
    };
  }
  // API Gateway fetches the issuer's discovery document over HTTPS
  if (!issuer.startsWith('https://')) throw new Error('context identityIssuer must be an https URL');
  if (audience.length === 0) throw new Error('context identityIssuer needs identityAudience');
  return {
    stage,
    corsOrigins,
    sweepIntervalMinutes,
    logRetentionDays,
    webSite: site,
    ...defaultTown,
    ...towns,
    identity: { issuer, audience },
  };
}

export const stackName = (config: FengqiaoConfig): string => `Fengqiao-${config.stage}`;
