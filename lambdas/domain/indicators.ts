import type { CounterName } from './counter-names.js';

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
    /** 信访事项化解率: petitions resolved ÷ petitions replied. */
    petitionResolution: indicator(n('petitionsResolved'), n('petitionsReplied')),
    /** 矛盾化解率: disputes resolved ÷ disputes replied (a dispute's reply concludes its mediation). */
    disputeResolution: indicator(n('disputesResolved'), n('disputesReplied')),
    /** 重点信访矛盾化解率: key cases resolved ÷ key cases replied. */
    keyResolution: indicator(n('keyResolved'), n('keyReplied')),
    /**
     * 重复信访率: repeat matters ÷ matters received; a repeat linked to its open case (Art 19) is received but not
     * registered, so it counts on both sides.
     */
    repeat: indicator(n('repeat') + n('repeatLinked'), n('registered') + n('repeatLinked')),
    /** 小事不出村: resolved in the village ÷ resolved. */
    resolvedInVillage: indicator(n('resolvedVillage'), resolvedByLevel),
    /** 大事不出镇: resolved in the village or the town ÷ resolved. */
    resolvedInTown: indicator(n('resolvedVillage') + n('resolvedTown'), resolvedByLevel),
  };
}

export type Indicators = ReturnType<typeof indicators>;

/** Each indicator's name, in Chinese and in English. */
export const INDICATOR_LABELS: Record<keyof Indicators, { zh: string; en: string }> = {
  timelyAcknowledgement: { zh: '及时受理率', en: 'Timely acknowledgement rate' },
  onTimeReply: { zh: '按期办结率', en: 'On-time completion rate' },
  ratingParticipation: { zh: '群众参评率', en: 'Rating participation rate' },
  satisfaction: { zh: '群众满意率', en: 'Satisfaction rate' },
  satisfiedOnly: { zh: '“满意”占比', en: 'Share rated “satisfied”' },
  resolution: { zh: '化解率', en: 'Resolution rate' },
  petitionResolution: { zh: '信访事项化解率', en: 'Petition resolution rate' },
  disputeResolution: { zh: '矛盾化解率', en: 'Dispute resolution rate' },
  keyResolution: { zh: '重点信访矛盾化解率', en: 'Key case resolution rate' },
  repeat: { zh: '重复信访率', en: 'Repeat petition rate' },
  resolvedInVillage: { zh: '小事不出村', en: 'Resolved in the village' },
  resolvedInTown: { zh: '大事不出镇', en: 'Resolved in the village or town' },
};

/** Whether a higher value of the indicator is the better one: only the repeat-petition rate is better low. */
export const HIGHER_IS_BETTER: Record<keyof Indicators, boolean> = {
  timelyAcknowledgement: true,
  onTimeReply: true,
  ratingParticipation: true,
  satisfaction: true,
  satisfiedOnly: true,
  resolution: true,
  petitionResolution: true,
  disputeResolution: true,
  keyResolution: true,
  repeat: false,
  resolvedInVillage: true,
  resolvedInTown: true,
};

/** For rankings: a rate over fewer than `minimum` cases is hidden (null), its counts still shown. */
export function hideSmallSamples(values: Indicators, minimum: number): Indicators {
  return Object.fromEntries(
    Object.entries(values).map(([name, value]) => [
      name,
      value.denominator < minimum ? { ...value, rate: null } : value,
    ]),
  ) as Indicators;
}
