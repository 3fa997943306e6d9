import { beijingDate, isoWeek } from './dates.js';

export type BulletinKind = 'daily' | 'weekly' | 'monthly' | 'yearly';

/** The API path of the bulletin that covers the given Beijing day (the previous period's would be one step back). */
export function bulletinPath(kind: BulletinKind, day: string = beijingDate()): string {
  switch (kind) {
    case 'daily':
      return `/v1/reports/daily/${day}`;
    case 'weekly':
      return `/v1/reports/weekly/${isoWeek(day)}`;
    case 'monthly':
      return `/v1/reports/monthly/${day.slice(0, 7)}`;
    case 'yearly':
      return `/v1/reports/yearly/${day.slice(0, 4)}`;
  }
}
