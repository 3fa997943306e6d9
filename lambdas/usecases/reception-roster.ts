import type { Deps } from '../adapters/deps.js';
import { GridRepository } from '../adapters/grid-repository.js';
import { NotificationRepository } from '../adapters/notification-repository.js';
import { logger } from '../adapters/observability.js';
import { ReceptionRepository } from '../adapters/reception-repository.js';
import { ContentionError, InvalidFieldError, StaleVersionError } from '../domain/errors.js';
import type { StaffRecord } from '../domain/patrol.js';
import {
  noticeDateFor,
  PERIODS,
  type RosterDay,
  type RosterSlot,
  rosterNotice,
} from '../domain/reception.js';
import type { Principal } from '../domain/roles.js';

/** The leaders' reception roster (领导接访日): planned a day at a time, read by staff and the public, told to leaders. */

type Staff = Pick<GridRepository, 'staff'>;

/** The town's leaders in the staff directory, by id. */
export async function leadersOf(grids: Staff, town: string): Promise<Map<string, StaffRecord>> {
  const staff = await grids.staff(town);
  return new Map(staff.filter((s) => s.roles.includes('leader')).map((s) => [s.userId, s]));
}

const sameSlots = (a: readonly RosterSlot[], b: readonly RosterSlot[]) =>
  a.length === b.length &&
  a.every(
    (slot, i) =>
      slot.leaderId === b[i]?.leaderId &&
      slot.period === b[i]?.period &&
      slot.place === b[i]?.place &&
      slot.kind === b[i]?.kind,
  );

/**
 * Replaces a day's slots. Every slot names a leader of the town's staff. With `expected` (the caller's `If-Match`) the
 * day must be at that version (0: not planned yet); the same slots again change nothing, so a retried PUT is harmless.
 */
export async function planRosterDay(
  ports: { receptions: Pick<ReceptionRepository, 'rosterDay' | 'putRosterDay'>; grids: Staff },
  principal: Principal,
  date: string,
  slots: readonly RosterSlot[],
  ctx: { now: Date; expected?: number },
): Promise<RosterDay> {
  const { town } = principal;
  const leaders = await leadersOf(ports.grids, town);
  slots.forEach((slot, i) => {
    if (!leaders.has(slot.leaderId)) throw new InvalidFieldError(`slots.${i}.leaderId`, 'not-a-leader');
  });
  const current = await ports.receptions.rosterDay(town, date);
  const version = current?.version ?? 0;
  if (ctx.expected !== undefined && ctx.expected !== version) throw new StaleVersionError();
  if (current && sameSlots(current.slots, slots)) return current;
  const day: RosterDay = {
    town,
    date,
    slots: [...slots],
    version: version + 1,
    updatedAt: ctx.now.toISOString(),
    updatedBy: principal.userId,
  };
  if (await ports.receptions.putRosterDay(day, version)) return day;
  // someone else replaced the day between the read and the write
  if (ctx.expected !== undefined) throw new StaleVersionError();
  throw new ContentionError();
}

/** One slot of the roster as it is read: the leader's name and title from the staff directory. */
interface RosterEntry {
  date: string;
  period: RosterSlot['period'];
  place: string;
  kind: RosterSlot['kind'];
  leaderId: string;
  leader: { name: string; title?: string };
}

/**
 * The roster's slots from..to, in date and half-day order. A slot whose leader has left the directory (or is no longer
 * a leader) is not shown: nobody could meet them there.
 */
export async function readRoster(
  ports: { receptions: Pick<ReceptionRepository, 'roster'>; grids: Staff },
  town: string,
  from: string,
  to: string,
): Promise<RosterEntry[]> {
  const [days, leaders] = await Promise.all([
    ports.receptions.roster(town, from, to),
    leadersOf(ports.grids, town),
  ]);
  return days.flatMap((day) =>
    day.slots
      .flatMap((slot) => {
        const leader = leaders.get(slot.leaderId);
        if (!leader) return [];
        return [
          {
            date: day.date,
            period: slot.period,
            place: slot.place,
            kind: slot.kind,
            leaderId: slot.leaderId,
            leader: { name: leader.name, ...(leader.title ? { title: leader.title } : {}) },
          },
        ];
      })
      .sort((a, b) => PERIODS.indexOf(a.period) - PERIODS.indexOf(b.period)),
  );
}

/**
 * The day before: each leader with slots tomorrow hears of them in their inbox, once per leader and slots (the notice id
 * is made of them, so a retried run writes nothing twice). Returns how many notices were new.
 */
async function sendRosterNotices(
  ports: {
    receptions: Pick<ReceptionRepository, 'roster'>;
    grids: Staff;
    notifications: Pick<NotificationRepository, 'putOnce'>;
  },
  town: string,
  now: Date,
): Promise<number> {
  const date = noticeDateFor(now);
  const [day] = await ports.receptions.roster(town, date, date);
  if (!day) return 0;
  const leaders = await leadersOf(ports.grids, town);
  const byLeader = new Map<string, RosterSlot[]>();
  for (const slot of day.slots)
    if (leaders.has(slot.leaderId))
      byLeader.set(slot.leaderId, [...(byLeader.get(slot.leaderId) ?? []), slot]);
  let sent = 0;
  for (const [leaderId, slots] of byLeader)
    if (await ports.notifications.putOnce(rosterNotice(town, date, leaderId, slots, now.toISOString())))
      sent += 1;
  return sent;
}

/** The day-before notices in every town; a town that fails is named, and the others still get theirs. */
export async function sendRosterNoticesInTowns(
  deps: Pick<Deps, 'db' | 'tables'>,
  towns: readonly string[],
  now: Date,
): Promise<{ sent: number; failed: string[] }> {
  const ports = {
    receptions: new ReceptionRepository(deps.db, deps.tables),
    grids: new GridRepository(deps.db, deps.tables.grids),
    notifications: new NotificationRepository(deps.db, deps.tables.cases),
  };
  let sent = 0;
  const failed: string[] = [];
  for (const town of towns)
    try {
      sent += await sendRosterNotices(ports, town, now);
    } catch (error) {
      logger.error('reception duty notices failed', { town, error: error as Error });
      failed.push(town);
    }
  return { sent, failed };
}
