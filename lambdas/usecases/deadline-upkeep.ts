import { CaseRepository } from '../adapters/case-repository.js';
import type { Deps } from '../adapters/deps.js';
import { GridRepository } from '../adapters/grid-repository.js';
import { NotificationRepository } from '../adapters/notification-repository.js';
import { logger } from '../adapters/observability.js';
import { SettingsRepository } from '../adapters/settings-repository.js';
import { type CalendarGap, calendarGaps, WorkingCalendar } from '../domain/calendar.js';
import { beijingDate } from '../domain/deadlines.js';
import { calendarNotice } from '../domain/notification.js';
import { NIGHTLY_BUDGET, type RecomputeBudget, runRecompute } from './recompute-deadlines.js';

/**
 * The nightly care of a town's deadlines: this year's and next year's calendars checked (a missing year counts
 * weekends only, a provisional one the statutory holidays without make-up days; each town's admins hear of each once
 * per year, in their inbox, and the counts go to the metrics the stack's alarms watch), and a recomputation that the
 * admin's PUT left unfinished carried on.
 */

interface CalendarCheckDeps {
  settings: SettingsRepository;
  grids: GridRepository;
  notifications: NotificationRepository;
}

/** The town's calendar gaps as of `now`, each told once to every admin in its staff directory. */
async function checkCalendars(
  deps: CalendarCheckDeps,
  town: string,
  now: Date,
): Promise<{ gaps: CalendarGap[]; noticesWritten: number }> {
  const calendar = new WorkingCalendar(await deps.settings.calendars(town));
  const gaps = calendarGaps(calendar, beijingDate(now));
  if (gaps.length === 0) return { gaps, noticesWritten: 0 };
  const yearsIn = (state: CalendarGap['state']) =>
    gaps.filter((gap) => gap.state === state).map((gap) => gap.year);
  const missing = yearsIn('missing');
  if (missing.length)
    logger.warn('no working-day calendar: counting weekends only', { town, missingYears: missing });
  const provisional = yearsIn('provisional');
  if (provisional.length)
    logger.warn('provisional working-day calendar: statutory holidays only, no make-up working days', {
      town,
      provisionalYears: provisional,
    });
  const admins = (await deps.grids.staff(town)).filter((s) => s.roles.includes('admin')).map((s) => s.userId);
  if (admins.length === 0) logger.warn('no admin in the staff directory to tell of the calendar', { town });
  let noticesWritten = 0;
  for (const gap of gaps)
    for (const admin of admins)
      if (
        await deps.notifications.putOnce(calendarNotice(town, gap.year, gap.state, admin, now.toISOString()))
      )
        noticesWritten += 1;
  return { gaps, noticesWritten };
}

interface DeadlineUpkeepResult {
  /** Town-years with no calendar, and with a provisional one, as of tonight. */
  calendarsMissing: number;
  calendarsProvisional: number;
  noticesWritten: number;
  /** Cases whose deadlines tonight's recomputation moved, and the towns whose recomputation is still not done. */
  casesRecomputed: number;
  recomputePending: string[];
  failed: string[];
}

/** Every town in turn; a failed town is named and the others still run. */
export async function nightlyDeadlineUpkeep(
  deps: Deps,
  towns: readonly string[],
  now: Date,
  budget: RecomputeBudget = NIGHTLY_BUDGET,
): Promise<DeadlineUpkeepResult> {
  const settings = new SettingsRepository(deps.db, deps.tables.grids);
  const grids = new GridRepository(deps.db, deps.tables.grids);
  const notifications = new NotificationRepository(deps.db, deps.tables.cases);
  const cases = new CaseRepository(deps.db, deps.tables.cases);
  const result: DeadlineUpkeepResult = {
    calendarsMissing: 0,
    calendarsProvisional: 0,
    noticesWritten: 0,
    casesRecomputed: 0,
    recomputePending: [],
    failed: [],
  };
  for (const town of towns) {
    try {
      const checked = await checkCalendars({ settings, grids, notifications }, town, now);
      result.calendarsMissing += checked.gaps.filter((gap) => gap.state === 'missing').length;
      result.calendarsProvisional += checked.gaps.filter((gap) => gap.state === 'provisional').length;
      result.noticesWritten += checked.noticesWritten;
      const recomputed = await runRecompute({ cases, settings, mac: deps.mac }, town, now, budget);
      result.casesRecomputed += recomputed.changed;
      if (!recomputed.done) result.recomputePending.push(town);
    } catch (error) {
      result.failed.push(town);
      logger.error('deadline upkeep failed', { town, error: error as Error });
    }
  }
  return result;
}
