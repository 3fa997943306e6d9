import type { CounterName } from './counters.js';

/**
 * The indicators the national petition information system scores, from summed counters. The formulas are ours (none
 * is published); every rate comes with its numerator and denominator, so a rate over a tiny sample reads as one.
 */

export interface Indicator {
  numerator: number;
  denominator: number;
  /** A fraction 0..1; null when the denominator is 0. */
  rate: number | null;
}

export type Totals = Partial<Record<CounterName, number>>;

const indicator = (numerator: number, denominator: number): Indicator => ({
  numerator,
  denominator,
  rate: denominator === 0 ? null : numerator / denominator,
});

export function sumTotals(rows: Iterable<Totals>): Totals {
  const totals: Totals = {};
  for (const row of rows)
    for (const [name, n] of Object.entries(row) as [CounterName, number][])
      if (typeof n === 'number') totals[name] = (totals[name] ?? 0) + n;
  return totals;
}

export function indicators(t: Totals) {
  const n = (name: CounterName) => t[name] ?? 0;
  const rated = n('ratedSatisfied') + n('ratedBasicallySatisfied') + n('ratedDissatisfied');
  const resolvedByLevel = n('resolvedVillage') + n('resolvedTown') + n('resolvedCounty');
  return {
    /** 及时受理率: acknowledged within the limit ÷ due for acknowledgement. */
    timelyAcknowledgement: indicator(n('ackOnTime'), n('ackOnTime') + n('ackMissed')),
    /** 按期办结率: replied by the deadline (with an approved extension) ÷ due. */
    onTimeReply: indicator(n('replyOnTime'), n('replyOnTime') + n('replyMissed')),
    /** 群众参评率: rated ÷ eligible for rating (each reply and each review's answer may be rated once). */
    ratingParticipation: indicator(rated, n('replied') + n('reviewAnswered')),
    /** 群众满意率: satisfied and basically satisfied ÷ all ratings. */
    satisfaction: indicator(n('ratedSatisfied') + n('ratedBasicallySatisfied'), rated),
    /** Satisfied alone ÷ all ratings. */
    satisfiedOnly: indicator(n('ratedSatisfied'), rated),
    /** 化解率: resolved ÷ replied. */
    resolution: indicator(n('resolved'), n('replied')),
    /** 重复信访率: repeat petitions ÷ registered. */
    repeat: indicator(n('repeat'), n('registered')),
    /** 小事不出村: resolved in the village ÷ resolved. */
    resolvedInVillage: indicator(n('resolvedVillage'), resolvedByLevel),
    /** 大事不出镇: resolved in the village or the town ÷ resolved. */
    resolvedInTown: indicator(n('resolvedVillage') + n('resolvedTown'), resolvedByLevel),
  };
}

export type Indicators = ReturnType<typeof indicators>;

/** For rankings: a rate over fewer than `minimum` cases is hidden (null), its counts still shown. */
export function hideSmallSamples(values: Indicators, minimum: number): Indicators {
  return Object.fromEntries(
    Object.entries(values).map(([name, value]) => [
      name,
      value.denominator < minimum ? { ...value, rate: null } : value,
    ]),
  ) as Indicators;
}
