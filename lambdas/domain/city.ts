import * as z from 'zod/mini';
import type { CaseRecord } from './case.js';
import { OPEN_STATUSES } from './catalog.js';
import { HIGHER_IS_BETTER, hideSmallSamples, type Indicator, type Indicators } from './indicators.js';
import { type Notification, notificationId } from './notification.js';
import { DEFAULT_TOWN_PROFILE, metricsSchema, type TownProfile } from './report.js';
import { CITY_ROLE, type CityPrincipal, type Principal } from './roles.js';
import type { TimelineFields } from './timeline.js';

/**
 * The city's view of its towns (市/县信访局): which towns a city supervisor reads, how its bulletin ranks them on the
 * national indicators (hiding a rank over a sample smaller than the minimum, as the village ranking hides a rate), and
 * what its supervision (上级督办) of a town's case writes and tells the town.
 */

/**
 * The towns a city supervisor reads: those of its claim, and of those only the ones the deployment serves when it
 * names its towns. A town outside them is not found, whether or not it exists.
 */
export function cityTowns(principal: CityPrincipal, deploymentTowns: readonly string[] = []): string[] {
  if (deploymentTowns.length === 0) return [...principal.towns];
  return principal.towns.filter((town) => deploymentTowns.includes(town));
}

export const isCityTown = (
  principal: CityPrincipal,
  town: string,
  deploymentTowns: readonly string[] = [],
): boolean => cityTowns(principal, deploymentTowns).includes(town);

/**
 * How a city supervisor reads a town's cases and lists: as the town's petition office (信访办) reads them, so it sees
 * exactly what the town's supervisor sees (personal data masked, no reveal) and nothing more. Used for views and
 * read plans only; no write is ever made in this name.
 */
export const asTownSupervisor = (principal: CityPrincipal, town: string): Principal => ({
  kind: 'staff',
  userId: principal.userId,
  town,
  roles: ['supervisor'],
});

/** The national petition information system's indicators (domain.md), the ones the city ranks its towns on. */
export const NATIONAL_INDICATORS = [
  'timelyAcknowledgement',
  'onTimeReply',
  'ratingParticipation',
  'satisfaction',
  'resolution',
  'repeat',
  'resolvedInVillage',
  'resolvedInTown',
] as const satisfies readonly (keyof Indicators)[];

const count = z.number().check(z.int());

const rankedTownSchema = z.object({
  town: z.string(),
  name: z.optional(z.string()),
  nameEn: z.optional(z.string()),
  /** 1 for the best; towns with the same rate share a rank. Null: a sample under the minimum, or no sample. */
  rank: z.nullable(count),
  numerator: count,
  denominator: count,
  /** Null under the minimum sample, as in every ranking of the service. */
  rate: z.nullable(z.number()),
});

export const indicatorRankingSchema = z.object({
  indicator: z.enum(NATIONAL_INDICATORS),
  higherIsBetter: z.boolean(),
  /** Ranked towns first, best first; then the towns not ranked, by town. */
  towns: z.array(rankedTownSchema),
});
export type IndicatorRanking = z.infer<typeof indicatorRankingSchema>;

interface TownIndicators extends TownNames {
  town: string;
  indicators: Indicators;
}

/**
 * The towns ranked on each national indicator. A rate over fewer cases than `minimum` is hidden first (the village
 * ranking's rule, `hideSmallSamples`), so it takes no rank; the others are ordered best first, ties sharing a rank.
 */
export function rankTowns(towns: readonly TownIndicators[], minimum: number): IndicatorRanking[] {
  const shown = towns.map((town) => ({ ...town, indicators: hideSmallSamples(town.indicators, minimum) }));
  return NATIONAL_INDICATORS.map((indicator) => {
    const higherIsBetter = HIGHER_IS_BETTER[indicator];
    const better = (a: number, b: number) => (higherIsBetter ? b - a : a - b);
    const entries = shown.map(({ town, name, nameEn, indicators }) => {
      const value: Indicator = indicators[indicator];
      return { town, ...townNames({ name, nameEn }), ...value };
    });
    const rated = entries
      .filter((entry) => entry.rate !== null)
      .sort((a, b) => better(a.rate ?? 0, b.rate ?? 0) || a.town.localeCompare(b.town));
    const unrated = entries
      .filter((entry) => entry.rate === null)
      .sort((a, b) => a.town.localeCompare(b.town));
    const ranked = rated.map((entry) => ({
      ...entry,
      rank: rated.findIndex((other) => other.rate === entry.rate) + 1,
    }));
    return {
      indicator,
      higherIsBetter,
      towns: [...ranked, ...unrated.map((entry) => ({ ...entry, rank: null }))],
    };
  });
}

/** The smallest sample the city ranks on: the largest of its towns' minimums, so no town is ranked below its own. */
export const cityRankingMinimum = (minimums: readonly number[], fallback: number): number =>
  minimums.length ? Math.max(...minimums) : fallback;

/** The lists of a town's cases a city supervisor reads, as the town's bulletins and lists name them. */
export const CITY_CASE_VIEWS = ['overdue', 'at-risk', 'backlog'] as const;
export type CityCaseView = (typeof CITY_CASE_VIEWS)[number];

/** Whether the city may still supervise the case: only while it is open. */
export const isSupervisable = (record: CaseRecord): boolean => OPEN_STATUSES.includes(record.status);

/** One supervision as the case keeps it. */
export interface Supervision {
  at: string;
  by: string;
  note: string;
  dueDate?: string;
  seq: number;
}

const SUPERVISION_ACTION = 'city-supervision';

/** The timeline event of a supervision: the city's note, by the city supervisor. */
export const supervisionEvent = (principal: CityPrincipal, note: string, at: string): TimelineFields => ({
  at,
  actor: { id: principal.userId, role: CITY_ROLE },
  action: SUPERVISION_ACTION,
  note,
});

/** `2026-12-10` as `2026年12月10日` or `10 Dec 2026`. */
function dayText(date: string, language: 'zh' | 'en'): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  if (language === 'zh') return `${year}年${month}月${day}日`;
  const months = 'Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec'.split(' ');
  return `${day} ${months[month - 1]} ${year}`;
}

/**
 * The notice of a supervision to one of the town's people: the case number and what is asked, by when. The city's
 * note stays on the case (it is free text, and a notice never carries what might be personal).
 */
export function citySupervisionNotice(
  record: CaseRecord,
  supervision: Supervision,
  recipient: string,
): Notification {
  const by = supervision.dueDate;
  return {
    id: notificationId(supervision.at, SUPERVISION_ACTION, record.id, String(supervision.seq), recipient),
    town: record.town,
    recipient,
    kind: 'supervision',
    severity: 'urgent',
    caseId: record.id,
    caseNumber: record.number,
    text: {
      zh: `上级督办：市县信访局对案件 ${record.number} 进行督办，请查看督办意见${
        by ? `，于 ${dayText(by, 'zh')}（北京时间）前` : '，及时'
      }报告办理情况。`,
      en: `Supervised by the city: the city petition bureau supervises case ${record.number}; read its note and report progress${
        by ? ` by ${dayText(by, 'en')} (Beijing time)` : ' promptly'
      }.`,
    },
    at: supervision.at,
    read: false,
  };
}

/** Who the town tells of a supervision: its petition office, else whoever answers for the case. */
export function supervisionRecipients(
  supervisors: readonly string[],
  responsible: string | undefined,
  max: number,
): string[] {
  const people = supervisors.length ? [...new Set(supervisors)] : responsible ? [responsible] : [];
  return people.slice(0, max);
}

const townRef = { town: z.string(), name: z.optional(z.string()), nameEn: z.optional(z.string()) };

/** `GET /v1/city/metrics`: each town's metrics (the town's own, as its supervisor reads them) and the ranking. */
export const cityMetricsSchema = z.object({
  from: z.string(),
  to: z.string(),
  /** The smallest sample ranked: the largest of the towns' own minimums. */
  rankingMinimum: count,
  towns: z.array(z.extend(metricsSchema, townRef)),
  ranking: z.array(indicatorRankingSchema),
  itemsRead: count,
});
export type CityMetrics = z.infer<typeof cityMetricsSchema>;

/** The opening counts of a period: new registrations, acknowledgements, replies, deadlines missed. */
const countsSchema = z.object({ registered: count, acknowledged: count, replied: count, missed: count });

/** The city's weekly or monthly bulletin: the towns side by side and ranked, with the city's totals. */
export const cityBulletinSchema = z.object({
  kind: z.enum(['weekly', 'monthly']),
  period: z.string(),
  from: z.string(),
  to: z.string(),
  generatedAt: z.string(),
  /** Items DynamoDB returned to make it (its read cost): the towns' counters and settings. */
  itemsRead: count,
  rankingMinimum: count,
  totals: z.partialRecord(z.string(), z.number()),
  indicators: metricsSchema.shape.indicators,
  counts: countsSchema,
  towns: z.array(
    z.object({
      ...townRef,
      totals: z.partialRecord(z.string(), z.number()),
      indicators: metricsSchema.shape.indicators,
      counts: countsSchema,
    }),
  ),
  ranking: z.array(indicatorRankingSchema),
});
export type CityBulletin = z.infer<typeof cityBulletinSchema>;

/** A town's names as its admin gave them: none while the profile has the default (`本镇`). */
export interface TownNames {
  name?: string | undefined;
  nameEn?: string | undefined;
}

/** The names given, without the ones not given (so that an answer carries no empty field). */
const townNames = ({ name, nameEn }: TownNames): TownNames => ({
  ...(name ? { name } : {}),
  ...(nameEn ? { nameEn } : {}),
});

/** A town's names as its profile gives them, none while the profile has the default (`本镇`). */
export const townNamesOf = (profile: TownProfile): TownNames =>
  townNames({
    ...(profile.townName === DEFAULT_TOWN_PROFILE.townName ? {} : { name: profile.townName }),
    ...(profile.townNameEn ? { nameEn: profile.townNameEn } : {}),
  });
