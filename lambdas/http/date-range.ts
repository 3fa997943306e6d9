import * as z from 'zod/mini';
import { because } from '../domain/errors.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const isoDate = z.iso.date();

/**
 * A query's range of Beijing dates, `from` and `to` both included: `to` not before `from`, at most `maxDays` days
 * long, each refusal named on `to`. A date refused already needs no range check.
 */
export const dateRangeCheck =
  (maxDays: number) =>
  (query: { from: string; to: string }, ctx: z.core.$RefinementCtx): void => {
    if (!isoDate.safeParse(query.from).success || !isoDate.safeParse(query.to).success) return;
    const days = (Date.parse(query.to) - Date.parse(query.from)) / DAY_MS + 1;
    if (days < 1) ctx.addIssue({ code: 'custom', path: ['to'], ...because('before-from') });
    else if (days > maxDays)
      ctx.addIssue({ code: 'custom', path: ['to'], ...because('range-too-long', { days: maxDays }) });
  };
