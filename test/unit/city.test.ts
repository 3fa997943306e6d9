import { describe, expect, it } from 'vitest';
import {
  cityRankingMinimum,
  cityTowns,
  isCityTown,
  NATIONAL_INDICATORS,
  rankTowns,
  supervisionRecipients,
} from '../../lambdas/domain/city.js';
import { indicators, type Totals } from '../../lambdas/domain/indicators.js';

/** A town whose acknowledgements were `onTime` of `due`, and whose repeat petitions were `repeats` of `received`. */
const town = (name: string, onTime: number, due: number, repeats = 0, received = 0) => ({
  town: name,
  indicators: indicators({
    ackOnTime: onTime,
    ackMissed: due - onTime,
    repeat: repeats,
    registered: received,
  } satisfies Totals),
});

const ranking = (result: ReturnType<typeof rankTowns>, indicator: string) =>
  result.find((r) => r.indicator === indicator)!.towns.map((t) => [t.town, t.rank, t.rate]);

describe('rankTowns', () => {
  it('ranks every national indicator, best first', () => {
    const result = rankTowns([town('a', 8, 10), town('b', 9, 10), town('c', 5, 10)], 5);
    expect(result.map((r) => r.indicator)).toEqual([...NATIONAL_INDICATORS]);
    expect(ranking(result, 'timelyAcknowledgement')).toEqual([
      ['b', 1, 0.9],
      ['a', 2, 0.8],
      ['c', 3, 0.5],
    ]);
  });

  it('hides the rank and the rate of a town below the sample minimum, keeping its counts', () => {
    const result = rankTowns([town('a', 3, 4), town('b', 6, 10), town('c', 0, 0)], 5);
    const timely = result.find((r) => r.indicator === 'timelyAcknowledgement')!.towns;
    expect(timely).toEqual([
      { town: 'b', rank: 1, numerator: 6, denominator: 10, rate: 0.6 },
      // 3 of 4 would rank first: four cases are fewer than five
      { town: 'a', rank: null, numerator: 3, denominator: 4, rate: null },
      { town: 'c', rank: null, numerator: 0, denominator: 0, rate: null },
    ]);
    // exactly the minimum is ranked
    expect(ranking(rankTowns([town('a', 3, 5)], 5), 'timelyAcknowledgement')).toEqual([['a', 1, 0.6]]);
  });

  it('ranks the repeat-petition rate lowest first, and gives ties one rank', () => {
    const result = rankTowns(
      [town('a', 5, 5, 2, 10), town('b', 5, 5, 1, 10), town('c', 5, 5, 2, 10), town('d', 5, 5, 3, 10)],
      5,
    );
    expect(result.find((r) => r.indicator === 'repeat')!.higherIsBetter).toBe(false);
    expect(ranking(result, 'repeat')).toEqual([
      ['b', 1, 0.1],
      ['a', 2, 0.2],
      ['c', 2, 0.2],
      ['d', 4, 0.3],
    ]);
    expect(ranking(result, 'timelyAcknowledgement').map(([, rank]) => rank)).toEqual([1, 1, 1, 1]);
  });

  it('keeps a town’s name beside it', () => {
    const [first] = rankTowns([{ ...town('a', 5, 5), name: '枫桥镇' }], 5);
    expect(first!.towns[0]).toMatchObject({ town: 'a', name: '枫桥镇', rank: 1 });
  });
});

describe('the city’s minimum and towns', () => {
  it('ranks on the largest of the towns’ minimums, the default without towns', () => {
    expect(cityRankingMinimum([5, 10, 3], 5)).toBe(10);
    expect(cityRankingMinimum([], 5)).toBe(5);
  });

  it('reads the towns of the claim, only those the deployment serves when it names them', () => {
    const principal = { kind: 'city' as const, userId: 'city-1', towns: ['a', 'b', 'x'] };
    expect(cityTowns(principal)).toEqual(['a', 'b', 'x']);
    expect(cityTowns(principal, ['b', 'a', 'c'])).toEqual(['a', 'b']);
    expect(isCityTown(principal, 'x', ['a', 'b'])).toBe(false);
    expect(isCityTown(principal, 'c', ['a', 'b', 'c'])).toBe(false);
    expect(isCityTown(principal, 'a', ['a'])).toBe(true);
  });

  it('tells the petition office, else whoever answers for the case, within the transaction’s limit', () => {
    expect(supervisionRecipients(['s1', 's2', 's1'], 'h1', 49)).toEqual(['s1', 's2']);
    expect(supervisionRecipients([], 'h1', 49)).toEqual(['h1']);
    expect(supervisionRecipients([], undefined, 49)).toEqual([]);
    expect(supervisionRecipients(['a', 'b', 'c'], undefined, 2)).toEqual(['a', 'b']);
  });
});
