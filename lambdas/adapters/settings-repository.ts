import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { calendarSchema, shippedCalendars, WorkingCalendar, type YearCalendar } from '../domain/calendar.js';
import { beijingDate } from '../domain/deadlines.js';
import { DEFAULT_POLICY, type DeadlinePolicy, policySchema } from '../domain/policy.js';
import { DEFAULT_TOWN_PROFILE, type TownProfile } from '../domain/report.js';
import type { Deps } from './deps.js';
import { logger } from './observability.js';
import { keys } from './table-model.js';

// a stored policy's field is absent or set, never undefined: each one set overrides the default
const storedPolicy = z.exactPartial(policySchema);
const storedProfile = z.exactPartial(
  z.object({
    townName: z.string(),
    issuingOffice: z.string(),
    townNameEn: z.string(),
    issuingOfficeEn: z.string(),
  }),
);

/**
 * A town's settings, kept in the Grids table beside its grid tree: deadline policy, the names its bulletins carry (in
 * the policy's item, as both are stored together) and working-day calendars.
 */
export class SettingsRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async policy(town: string): Promise<DeadlinePolicy> {
    return (await this.settings(town)).policy;
  }

  /** The names the town's bulletins carry. */
  async townProfile(town: string): Promise<TownProfile> {
    return (await this.settings(town)).profile;
  }

  /** Both, from one read; each field never stored takes its default. */
  async settings(town: string): Promise<{ policy: DeadlinePolicy; profile: TownProfile }> {
    const result = await this.db.send(new GetCommand({ TableName: this.table, Key: keys.policy(town) }));
    // a policy stored before a field existed takes the default for it
    const stored = result.Item ? storedPolicy.parse(result.Item.policy) : {};
    const profile = storedProfile.parse(result.Item?.town ?? {});
    return { policy: { ...DEFAULT_POLICY, ...stored }, profile: { ...DEFAULT_TOWN_PROFILE, ...profile } };
  }

  /** The profile's fields left out are stored as absent, so they take their defaults. */
  async putPolicy(
    town: string,
    policy: DeadlinePolicy,
    profile: Partial<TownProfile>,
    updatedBy: string,
    at: string,
  ): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...keys.policy(town), policy, town: profile, updatedBy, updatedAt: at },
      }),
    );
  }

  /** The shipped calendars, overridden by any year the town's admin has stored. */
  async calendars(town: string): Promise<YearCalendar[]> {
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': keys.settingsPk(town), ':prefix': keys.calendarPrefix },
      }),
    );
    const stored = new Map<number, YearCalendar>(
      (result.Items ?? []).map((item) => {
        const { provisional, source, ...calendar } = calendarSchema.parse(item.calendar);
        return [
          calendar.year,
          {
            ...calendar,
            ...(provisional !== undefined ? { provisional } : {}),
            ...(source !== undefined ? { source } : {}),
          },
        ];
      }),
    );
    return [...new Map([...shippedCalendars, ...stored]).values()];
  }

  async putCalendar(town: string, calendar: YearCalendar, updatedBy: string, at: string): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...keys.calendar(town, calendar.year), calendar, updatedBy, updatedAt: at },
      }),
    );
  }

  /** The town's recomputation of deadlines, if one was ever started. */
  async recomputeJob(town: string): Promise<RecomputeJob | undefined> {
    const result = await this.db.send(
      new GetCommand({ TableName: this.table, Key: keys.recomputeJob(town), ConsistentRead: true }),
    );
    return result.Item ? recomputeJobSchema.parse(result.Item.job) : undefined;
  }

  /**
   * Stores a job. With `replacing`, only over the job of that id: a run that a newer job overtook (settings stored
   * again meanwhile) stops instead of writing its cursor over the newer one. False when it was overtaken.
   */
  async putRecomputeJob(town: string, job: RecomputeJob, replacing?: string): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...keys.recomputeJob(town), job },
          ...(replacing
            ? {
                ConditionExpression: '#job.#id = :id',
                ExpressionAttributeNames: { '#job': 'job', '#id': 'id' },
                ExpressionAttributeValues: { ':id': replacing },
              }
            : {}),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}

/**
 * A recomputation of the town's open cases' deadlines: why (each settings change since it began), where it stands in
 * the open cases (absent once done), and what it did so far.
 */
export const recomputeJobSchema = z.object({
  id: z.string(),
  reasons: z.array(z.string()),
  startedAt: z.string(),
  updatedAt: z.string(),
  position: z.optional(
    z.object({ status: z.number().check(z.int()), key: z.optional(z.record(z.string(), z.string())) }),
  ),
  examined: z.number().check(z.int()),
  changed: z.number().check(z.int()),
  done: z.boolean(),
});
export type RecomputeJob = z.infer<typeof recomputeJobSchema>;

export interface TownSettings {
  policy: DeadlinePolicy;
  calendar: WorkingCalendar;
  /** The town's names, read with the policy (one item): a case found from another town carries them. */
  profile?: TownProfile;
}

/**
 * A town's settings as the handlers use them, cached for a minute per execution environment so that a command costs
 * one read and one transaction. A year with no calendar falls back to weekends only, and says so loudly.
 */
export class TownSettingsCache {
  private readonly cache = new Map<string, { at: number; settings: TownSettings }>();

  constructor(
    private readonly repository: SettingsRepository,
    private readonly now: () => Date,
    private readonly ttlMs = 60_000,
  ) {}

  async get(town: string): Promise<TownSettings> {
    const hit = this.cache.get(town);
    if (hit && Date.now() - hit.at < this.ttlMs) return hit.settings;
    const [{ policy, profile }, calendars] = await Promise.all([
      this.repository.settings(town),
      this.repository.calendars(town),
    ]);
    const calendar = new WorkingCalendar(calendars);
    const today = beijingDate(this.now());
    const missing = calendar.missingYears(today, `${Number(today.slice(0, 4)) + 1}-12-31`);
    if (missing.length)
      logger.warn('no working-day calendar: counting weekends only', { town, missingYears: missing });
    const settings = { policy, calendar, profile };
    this.cache.set(town, { at: Date.now(), settings });
    return settings;
  }

  /** The town's names, read with its rules (and cached with them). */
  async townProfile(town: string): Promise<TownProfile> {
    return (await this.get(town)).profile ?? DEFAULT_TOWN_PROFILE;
  }

  forget(town: string): void {
    this.cache.delete(town);
  }
}

/** The settings cache of a function over its dependencies. */
export const townSettings = (
  deps: Pick<Deps, 'db' | 'tables' | 'now' | 'settingsCacheMs'>,
): TownSettingsCache =>
  new TownSettingsCache(new SettingsRepository(deps.db, deps.tables.grids), deps.now, deps.settingsCacheMs);
