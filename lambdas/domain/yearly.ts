import * as z from 'zod/mini';
import { type Indicator, indicators, type Totals } from './indicators.js';
import {
  handOffFigures,
  handOffFiguresSchema,
  mediationFigures,
  mediationFiguresSchema,
} from './mediation-figures.js';
import { receptionTotals } from './reception.js';

/**
 * The yearly summary: the figures a town's own report on its year quotes (接待来访群众x批x余人次, repeat petitions and
 * key matters resolved, the resolution rate), summed from the counters of the year's days.
 */

const count = z.number().check(z.int());
const indicatorSchema = z.object({ numerator: count, denominator: count, rate: z.nullable(z.number()) });

export const yearlyReportSchema = z
  .object({
    kind: z.literal('yearly'),
    year: z.string(),
    from: z.string(),
    /** The year's last day, or today while the year runs. */
    to: z.string(),
    generatedAt: z.string(),
    itemsRead: count,
    /** The year's counters, summed. */
    totals: z.partialRecord(z.string(), z.number()),
    registered: z.object({ total: count, petitions: count, disputes: count, collective: count }),
    /** 领导接访: receptions, batches (批次) and person-times (人次) received, batches settled on the spot. */
    reception: z.object({ receptions: count, batches: count, personTimes: count, settledOnTheSpot: count }),
    /** 重复信访: repeat petitions registered, and of those replied to, the ones resolved. */
    repeatPetitions: z.object({ registered: count, replied: count, resolved: count }),
    /** 重点信访矛盾: key matters marked, and of those replied to, the ones resolved. */
    keyMatters: z.object({ marked: count, replied: count, resolved: count }),
    /** 化解率: resolved ÷ replied, with its sample. */
    resolution: indicatorSchema,
    petitionResolution: indicatorSchema,
    disputeResolution: indicatorSchema,
    /** 人民调解: the year's mediations, agreements and callbacks (by village in the metrics). */
    mediation: z.omit(mediationFiguresSchema, { agreementsByVillage: true }),
    /** 五位一体: the year's hand-offs to the other service lines and their returns. */
    handOffs: handOffFiguresSchema,
  })
  .check(z.meta({ id: 'YearlyReport' }));
export type YearlyReport = z.infer<typeof yearlyReportSchema>;

/** A year in the path: four digits, a year begun by `today`. */
export const yearProblem = (year: string, today: string): 'not-a-year' | 'not-begun' | undefined => {
  if (!/^\d{4}$/.test(year) || Number(year) < 2000) return 'not-a-year';
  return `${year}-01-01` > today ? 'not-begun' : undefined;
};

/** The year's days as far as `today`. */
export const yearRange = (year: string, today: string) => {
  const last = `${year}-12-31`;
  return { from: `${year}-01-01`, to: last < today ? last : today };
};

export function yearlySummary(
  year: string,
  range: { from: string; to: string },
  totals: Totals,
  meta: { generatedAt: string; itemsRead: number },
): YearlyReport {
  const n = (name: keyof Totals) => totals[name] ?? 0;
  const rates = indicators(totals);
  const plain = ({ numerator, denominator, rate }: Indicator) => ({ numerator, denominator, rate });
  return {
    kind: 'yearly',
    year,
    ...range,
    ...meta,
    totals,
    registered: {
      total: n('registered'),
      petitions: n('petitions'),
      disputes: n('disputes'),
      collective: n('collective'),
    },
    reception: receptionTotals(totals),
    repeatPetitions: { registered: n('repeat'), replied: n('repeatReplied'), resolved: n('repeatResolved') },
    keyMatters: { marked: n('keyMarked'), replied: n('keyReplied'), resolved: n('keyResolved') },
    resolution: plain(rates.resolution),
    petitionResolution: plain(rates.petitionResolution),
    disputeResolution: plain(rates.disputeResolution),
    mediation: (({ agreementsByVillage: _byVillage, ...figures }) => figures)(mediationFigures(totals, [])),
    handOffs: handOffFigures(totals),
  };
}
