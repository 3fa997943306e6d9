import * as z from 'zod/mini';
import { beijingDate, isCalendarDate } from '../domain/beijing-time.js';
import { MAX_INDEXED_PETITIONERS } from '../domain/case.js';
import { TRACK_CODES } from '../domain/catalog.js';
import { because } from '../domain/errors.js';
import { clashingSlot, PERIODS, RECEPTION_KINDS, receptionRecordSchema } from '../domain/reception.js';
import { dateRangeCheck } from './date-range.js';
import { userId } from './grid-schemas.js';
import { type IntakeRules, patrolFindingBody } from './schemas.js';

/** A day holds at most this many slots: a town's whole leadership, each on both half-days, with room to spare. */
export const MAX_SLOTS = 40;
/** The longest roster or reception range read at once: a month ahead or back, whichever month it is. */
export const MAX_RECEPTION_DAYS = 31;
/** The most a visit may bring: far above any collective visit, low enough that a typo is caught. */
export const MAX_HEADCOUNT = 10_000;

/**
 * A reception and its visits are one transaction (at most 100 actions). A visit that registers a case writes at most
 * 16: the case and its first event, a blind index per indexed petitioner (5), the query-code lookup, the duty leaders'
 * notices of a collective petition (3 leaders, inbox and outbox: 6), the petitioner's milestone and the mark on the
 * petitioner's newest case of the matter in another town; a linked case only 2 (its head and the event). With the
 * reception itself and its counter items (the reception's day and the day of the registrations: 2), 6 × 16 + 3 = 99
 * fit and 7 × 16 + 3 = 115 do not.
 */
/** The writes of one registering visit, as counted above. */
const REGISTRATION_WRITES = 2 + MAX_INDEXED_PETITIONERS + 1 + 6 + 1 + 1;
export const MAX_VISITS = Math.floor((100 - 3) / REGISTRATION_WRITES);

const isoDate = z.iso.date();
const place = z.string().check(z.trim(), z.minLength(1), z.maxLength(100));

const rosterSlotBody = z.strictObject({
  leaderId: userId,
  period: z.enum(PERIODS),
  place,
  kind: z.enum(RECEPTION_KINDS),
});

/** A day's slots, replacing whatever the day had: none clears it; a leader has one slot per half-day at most. */
export const rosterBody = z
  .strictObject({ slots: z.array(rosterSlotBody).check(z.maxLength(MAX_SLOTS)) })
  .check(
    z.superRefine((body, ctx) => {
      const at = clashingSlot(body.slots);
      if (at !== undefined)
        ctx.addIssue({ code: 'custom', path: ['slots', at, 'period'], ...because('slot-clash') });
    }),
  );

/** A roster day in the path: a real calendar date, not before today (Beijing). */
export const rosterDateProblem = (date: string, now: Date): 'not-a-date' | 'in-past' | undefined => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !isCalendarDate(date)) return 'not-a-date';
  return date < beijingDate(now) ? 'in-past' : undefined;
};

const rangeFields = { from: isoDate, to: isoDate };
const checkRange = dateRangeCheck(MAX_RECEPTION_DAYS);

export const rosterQuery = z.strictObject(rangeFields).check(z.superRefine(checkRange));
/** The public roster: the town is named when the deployment serves several (as Open311's `jurisdiction_id`). */
export const publicRosterQuery = z
  .strictObject({
    ...rangeFields,
    town: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(64))),
  })
  .check(z.superRefine(checkRange));
export const receptionsQuery = z
  .strictObject({ ...rangeFields, leaderId: z.optional(userId) })
  .check(z.superRefine(checkRange));

/** What a visit has done on the spot (现场协调): the measure, and the track decided when one was. */
const onTheSpot = z.strictObject({
  measure: z.string().check(z.trim(), z.minLength(1), z.maxLength(2000)),
  track: z.optional(z.enum(TRACK_CODES)),
});

/**
 * A visit received: a batch (批次) of `headcount` people (人次), on a case already registered (`caseId`) or on one
 * registered with it (`registration`, the case body without its channel, which is a visit, and its grid). A collective
 * visit is one case: its headcount is the visit's.
 */
const visitBody = (rules: IntakeRules) =>
  z.strictObject({
    caseId: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(64))),
    registration: z.optional(patrolFindingBody(rules)),
    headcount: z.number().check(z.int(), z.gte(1), z.lte(MAX_HEADCOUNT)),
    onTheSpot,
  });

export const receptionBody = (rules: IntakeRules) =>
  z
    .strictObject({
      date: isoDate.check(z.refine((d) => d <= beijingDate(rules.now), because('in-future'))),
      leaderId: userId,
      period: z.enum(PERIODS),
      visits: z.array(visitBody(rules)).check(z.minLength(1), z.maxLength(MAX_VISITS)),
    })
    .check(
      z.superRefine((body, ctx) => {
        const seen = new Set<string>();
        body.visits.forEach((visit, i) => {
          if ((visit.caseId === undefined) === (visit.registration === undefined))
            ctx.addIssue({ code: 'custom', path: ['visits', i], ...because('case-or-registration') });
          if (visit.caseId !== undefined) {
            if (seen.has(visit.caseId))
              ctx.addIssue({ code: 'custom', path: ['visits', i, 'caseId'], ...because('case-twice') });
            seen.add(visit.caseId);
          }
          if (visit.registration && visit.headcount < visit.registration.petitioners.length)
            ctx.addIssue({
              code: 'custom',
              path: ['visits', i, 'headcount'],
              ...because('headcount-below-petitioners'),
            });
        });
      }),
    );

const rosterEntryFields = z.object({
  date: z.string(),
  period: z.enum(PERIODS),
  place: z.string(),
  kind: z.enum(RECEPTION_KINDS),
  leaderId: z.string(),
  leader: z.object({ name: z.string(), title: z.optional(z.string()) }),
});
/** A roster entry as staff read it; the public read leaves out `leaderId`. */
export const rosterEntrySchema = rosterEntryFields.check(z.meta({ id: 'RosterEntry' }));
export const publicRosterEntrySchema = z
  .omit(rosterEntryFields, { leaderId: true })
  .check(z.meta({ id: 'PublicRosterEntry' }));
export const rosterDayViewSchema = z
  .object({
    date: z.string(),
    slots: z.array(rosterSlotBody),
    version: z.number().check(z.int()),
    updatedAt: z.string(),
  })
  .check(z.meta({ id: 'RosterDay' }));

export const receptionCreatedSchema = z
  .object({
    id: z.string(),
    batches: z.number().check(z.int()),
    personTimes: z.number().check(z.int()),
    visits: z.array(z.object({ caseId: z.string() })),
  })
  .check(z.meta({ id: 'ReceptionCreated' }));
/** A reception as staff read it: without its town. */
export const receptionViewSchema = z
  .omit(receptionRecordSchema, { town: true })
  .check(z.meta({ id: 'Reception' }));
