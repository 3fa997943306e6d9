import {
  type CityBulletin,
  type CityMetrics,
  cityRankingMinimum,
  rankTowns,
  townNamesOf,
} from '../domain/city.js';
import { indicators, sumTotals } from '../domain/indicators.js';
import type { Period } from '../domain/periods.js';
import { DEFAULT_POLICY } from '../domain/policy.js';
import { openingCounts } from '../domain/report.js';
import { metrics, readCounters, type reportDeps } from './reports.js';

/**
 * The city's figures over its towns (市/县信访局): each town's metrics as the town's own use case makes them, and the
 * city bulletin of a week or a month, which reads each town's counters and settings only. Both rank the towns on the
 * national indicators.
 */

type CityReportDeps = ReturnType<typeof reportDeps>;

/** Each town's name and ranking minimum, from its settings (one read each). */
async function townSettings(deps: CityReportDeps, towns: readonly string[]) {
  return Promise.all(
    towns.map(async (town) => {
      const { policy, profile } = await deps.settings.settings(town);
      return { town, names: townNamesOf(profile), minimum: policy.rankingMinimum };
    }),
  );
}

/** The metrics of each town over `from`..`to`, and the towns ranked. */
export async function cityMetrics(
  deps: CityReportDeps,
  towns: readonly string[],
  range: { from: string; to: string },
): Promise<CityMetrics> {
  const [settings, each] = await Promise.all([
    townSettings(deps, towns),
    Promise.all(towns.map((town) => metrics(deps, town, range))),
  ]);
  const entries = towns.map((town, i) => {
    const found = each[i];
    // no grid is asked for, so every town has its metrics
    if (!found) throw new Error(`no metrics for ${town}`);
    return { town, ...settings[i]!.names, ...found };
  });
  const rankingMinimum = cityRankingMinimum(
    settings.map((s) => s.minimum),
    DEFAULT_POLICY.rankingMinimum,
  );
  return {
    from: range.from,
    to: range.to,
    rankingMinimum,
    towns: entries,
    ranking: rankTowns(entries, rankingMinimum),
    itemsRead: entries.reduce((sum, entry) => sum + entry.itemsRead, 0) + settings.length,
  };
}

/**
 * The city bulletin of a week or a month: each town's counters summed over the period, its indicators and opening
 * counts, the city's totals, and the towns ranked (a rank hidden below the sample minimum). `itemsRead` counts every
 * item DynamoDB returned: the towns' counters and one settings item each.
 */
export async function cityBulletin(
  deps: CityReportDeps,
  towns: readonly string[],
  period: Period & { kind: 'weekly' | 'monthly' },
  now: Date,
): Promise<CityBulletin> {
  const [settings, counters] = await Promise.all([
    townSettings(deps, towns),
    Promise.all(towns.map((town) => readCounters(deps, town, period.from, period.to))),
  ]);
  const entries = towns.map((town, i) => {
    const totals = sumTotals(counters[i]!.rows.map((row) => row.counts));
    return {
      town,
      ...settings[i]!.names,
      totals,
      indicators: indicators(totals),
      counts: openingCounts(totals),
    };
  });
  const totals = sumTotals(entries.map((entry) => entry.totals));
  const rankingMinimum = cityRankingMinimum(
    settings.map((s) => s.minimum),
    DEFAULT_POLICY.rankingMinimum,
  );
  return {
    kind: period.kind,
    period: period.id,
    from: period.from,
    to: period.to,
    generatedAt: now.toISOString(),
    itemsRead: counters.reduce((sum, read) => sum + read.itemsRead, 0) + settings.length,
    rankingMinimum,
    totals,
    indicators: indicators(totals),
    counts: openingCounts(totals),
    towns: entries,
    ranking: rankTowns(entries, rankingMinimum),
  };
}
