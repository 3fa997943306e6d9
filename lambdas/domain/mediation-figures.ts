import * as z from 'zod/mini';
import type { GridRecord } from './grid.js';
import type { Indicator, Totals } from './indicators.js';

/**
 * People's mediation and the hand-offs as the metrics count them, from the town's counters: mediations concluded and
 * the agreements among them (by committee, and by village), the callbacks due and what they found, and the hand-offs
 * to the other lines with their returns.
 */

const count = z.number().check(z.int());
const indicatorSchema = z.object({ numerator: count, denominator: count, rate: z.nullable(z.number()) });

export const mediationFiguresSchema = z.object({
  /** Mediations begun in the period. */
  begun: count,
  /** Concluded in the period: by an agreement or by failure. */
  concluded: count,
  agreements: count,
  failed: count,
  /** Agreements ÷ mediations concluded. */
  successRate: indicatorSchema,
  /** Agreements by the committee that reached them; the village committees' are the disputes settled in the village. */
  agreementsByCommittee: z.object({ village: count, town: count }),
  /** Agreements by village grid (with the grids below it), for the villages that reached any. */
  agreementsByVillage: z.array(z.object({ gridId: z.string(), name: z.string(), agreements: count })),
  /** Callbacks that fell due in the period (recorded by their date, or missed). */
  callbacksDue: count,
  /** Callbacks missed: the day passed before one was recorded. */
  callbacksMissed: count,
  performed: count,
  partlyPerformed: count,
  notPerformed: count,
  /** Performed ÷ callbacks due. */
  performanceRate: indicatorSchema,
  /** Mediations whose time limit passed before they concluded. */
  overTime: count,
});

export const handOffFiguresSchema = z.object({
  /** Handed to legal aid, labour arbitration or the litigation service in the period. */
  handedOff: count,
  /** Of those, neither returned nor past their due date yet. */
  open: count,
  returnedOnTime: count,
  /** Past their due date before they returned (returned since, or not yet). */
  late: count,
});

const indicator = (numerator: number, denominator: number): Indicator => ({
  numerator,
  denominator,
  rate: denominator === 0 ? null : numerator / denominator,
});

export function mediationFigures(
  totals: Totals,
  villages: readonly { grid: GridRecord; totals: Totals }[],
): z.infer<typeof mediationFiguresSchema> {
  const n = (value: number | undefined) => value ?? 0;
  const concluded = n(totals.mediationsConcluded);
  const agreements = n(totals.agreements);
  const callbacksDue = n(totals.callbackOnTime) + n(totals.callbackMissed);
  return {
    begun: n(totals.mediations),
    concluded,
    agreements,
    failed: n(totals.mediationsFailed),
    successRate: indicator(agreements, concluded),
    agreementsByCommittee: { village: n(totals.agreementsVillage), town: n(totals.agreementsTown) },
    agreementsByVillage: villages
      .map(({ grid, totals: t }) => ({ gridId: grid.id, name: grid.name, agreements: n(t.agreements) }))
      .filter((village) => village.agreements > 0),
    callbacksDue,
    callbacksMissed: n(totals.callbackMissed),
    performed: n(totals.performed),
    partlyPerformed: n(totals.partlyPerformed),
    notPerformed: n(totals.notPerformed),
    performanceRate: indicator(n(totals.performed), callbacksDue),
    overTime: n(totals.mediationMissed),
  };
}

export function handOffFigures(totals: Totals): z.infer<typeof handOffFiguresSchema> {
  const handedOff = totals.handOffs ?? 0;
  const returnedOnTime = totals.handOffOnTime ?? 0;
  const late = totals.handOffMissed ?? 0;
  return { handedOff, open: Math.max(0, handedOff - returnedOnTime - late), returnedOnTime, late };
}
