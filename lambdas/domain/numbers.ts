import * as z from 'zod/mini';

/**
 * Decimal numbers as the service keeps them. A JSON number may be anything a double is (`1e-200`, `-0`), but the store
 * keeps numbers of at most 38 significant digits whose magnitude lies between 1e-130 and 1e+126, so every decimal a
 * caller sends is a range and a number of decimal places, and every value within them is one the store can keep. Whole numbers are `z.number().int()` with a minimum and a maximum.
 */
interface DecimalOptions {
  min: number;
  max: number;
  /** Decimal places kept: the smallest value other than 0 is 10^-places, far above the store's 1e-130. */
  places: number;
  /**
   * `round`: a measured value keeps `places` decimals (a coordinate of 1e-131 is 0); `refuse`: a value with more
   * decimals is refused, for settings that must read as they were meant (a fraction of 0.005 is no step of 0.01).
   */
  excess: 'round' | 'refuse';
}

export function decimal({ min, max, places, excess }: DecimalOptions) {
  const step = 10 ** -places;
  const range = z.number().check(z.gte(min), z.lte(max));
  if (excess === 'refuse') return range.check(z.multipleOf(step));
  const scale = 10 ** places;
  // `+ 0` turns -0 into 0
  return range.check(z.overwrite((value) => Math.round(value * scale) / scale + 0));
}
