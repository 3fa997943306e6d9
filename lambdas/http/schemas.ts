import * as z from 'zod/mini';
import {
  BACKLOG_STATUSES,
  caseRecordSchema,
  locationSchema,
  referralSchema,
  registrationDayOf,
  respondentSchema,
} from '../domain/case.js';
import {
  CHANNEL_CODES,
  KIND_CODES,
  SERVICE_LINE_CODES,
  STATUS_CODES,
  TRACK_CODES,
  TYPE_CODES,
} from '../domain/catalog.js';
import { beijingDate, CLOCK_SKEW_MS } from '../domain/deadlines.js';
import { because } from '../domain/errors.js';
import { checkIdNumber } from '../domain/id-number.js';
import { NEXT_DEADLINE_KINDS } from '../domain/next-deadline.js';
import { petitionerSchema } from '../domain/personal.js';
import type { DeadlinePolicy } from '../domain/policy.js';

const DAY_MS = 24 * 60 * 60 * 1000;

const ID_NUMBER_REASONS = {
  length: 'id-length',
  format: 'id-format',
  birth_date: 'id-birth-date',
  checksum: 'id-checksum',
} as const;

/** Mainland mobile numbers, or landlines with an optional area code. */
export const PHONE = /^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$/;

const datetimeWithOffset = z.iso.datetime({ offset: true, local: false });

export interface IntakeRules {
  now: Date;
  policy: DeadlinePolicy;
  categories: readonly string[];
}

/** The fields of a case a caller may set, checked against the clock and the town's catalogue. */
function caseFields(rules: IntakeRules) {
  const today = beijingDate(rules.now);
  const petitioner = z.extend(petitionerSchema, {
    idNumber: z.pipe(
      z.optional(z.string()).check(
        z.superRefine((value, ctx) => {
          if (value === undefined) return;
          const check = checkIdNumber(value, today);
          if (!check.ok) ctx.addIssue({ code: 'custom', ...because(ID_NUMBER_REASONS[check.reason]) });
        }),
      ),
      z.transform((value: string | undefined) =>
        value === undefined ? undefined : value.trim().toUpperCase(),
      ),
    ),
    phone: z.optional(z.string().check(z.trim(), z.regex(PHONE))),
  });
  return z.strictObject({
    kind: z.enum(KIND_CODES),
    channel: z.enum(CHANNEL_CODES),
    type: z.exactOptional(z.enum(TYPE_CODES)),
    category: z.string().check(z.refine((c) => rules.categories.includes(c), because('not-a-category'))),
    serviceLine: z.exactOptional(z.enum(SERVICE_LINE_CODES)),
    title: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)),
    description: z.string().check(z.trim(), z.minLength(1), z.maxLength(4000)),
    receivedAt: z.exactOptional(
      datetimeWithOffset.check(
        z.refine((at) => new Date(at).getTime() <= rules.now.getTime() + CLOCK_SKEW_MS, because('in-future')),
      ),
    ),
    lateEntryReason: z.exactOptional(z.string().check(z.trim(), z.minLength(1), z.maxLength(500))),
    referral: z.exactOptional(referralSchema),
    gridId: z.exactOptional(z.string().check(z.minLength(1), z.maxLength(64))),
    location: z.exactOptional(locationSchema),
    petitioners: z.array(petitioner).check(z.minLength(1), z.maxLength(50)),
    headcount: z.exactOptional(z.number().check(z.int(), z.gte(1), z.lte(100_000))),
    respondent: z.exactOptional(respondentSchema),
  });
}

type CaseFields = z.output<ReturnType<typeof caseFields>>;

/** The rules across fields: headcount, late entry, referral. */
const crossFieldRules =
  (rules: IntakeRules) =>
  (
    body: Partial<CaseFields> & Pick<CaseFields, 'petitioners'> & { backlog?: unknown },
    ctx: z.core.$RefinementCtx,
  ) => {
    if (body.headcount !== undefined && body.headcount < body.petitioners.length)
      ctx.addIssue({ code: 'custom', path: ['headcount'], ...because('headcount-below-petitioners') });
    const receivedAt = body.receivedAt ? new Date(body.receivedAt).getTime() : undefined;
    if (
      receivedAt !== undefined &&
      rules.now.getTime() - receivedAt > rules.policy.lateEntryDays * DAY_MS &&
      !body.lateEntryReason &&
      // a carried case (积案) came long ago by definition: its history says why it is entered now
      body.backlog === undefined
    )
      ctx.addIssue({
        code: 'custom',
        path: ['lateEntryReason'],
        ...because('late-entry-reason-required', { days: rules.policy.lateEntryDays }),
      });
    if (body.channel === 'referral' && !body.referral)
      ctx.addIssue({ code: 'custom', path: ['referral'], ...because('referral-required') });
  };

/** Art 19: once told of the petitioner's open case, link the matter to it, or give the reason for a second track. */
const repeatOfOpenCaseBody = z.union([
  z.strictObject({ caseId: z.string().check(z.minLength(1), z.maxLength(64)), action: z.literal('link') }),
  z.strictObject({ reason: z.string().check(z.trim(), z.minLength(1), z.maxLength(2000)) }),
]);

/** A carried case (积案): the status it was carried in and its earlier history, oldest or newest first. */
const backlogBody = (rules: IntakeRules) => {
  const today = beijingDate(rules.now);
  return z.strictObject({
    status: z.enum(BACKLOG_STATUSES),
    track: z.exactOptional(z.enum(TRACK_CODES)),
    history: z
      .array(
        z.strictObject({
          date: z.iso.date().check(z.refine((date) => date <= today, because('in-future'))),
          what: z.string().check(z.trim(), z.minLength(1), z.maxLength(2000)),
          unit: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)),
        }),
      )
      .check(z.minLength(1), z.maxLength(50)),
  });
};

/** A carried case needs the day it first came, a track when it was in hand, and history from that day on. */
const backlogRules =
  (rules: IntakeRules) =>
  (
    body: {
      receivedAt?: string;
      referral?: { dueBy?: string | undefined };
      backlog?: { status: string; track?: string; history: { date: string }[] };
    },
    ctx: z.core.$RefinementCtx,
  ) => {
    const { backlog } = body;
    if (!backlog) return;
    if (!body.receivedAt)
      ctx.addIssue({ code: 'custom', path: ['receivedAt'], ...because('carried-received-at-required') });
    if (backlog.status === 'accepted' && !backlog.track)
      ctx.addIssue({ code: 'custom', path: ['backlog', 'track'], ...because('carried-track-required') });
    const since = body.receivedAt ? beijingDate(body.receivedAt) : undefined;
    backlog.history.forEach((entry, i) => {
      if (since && entry.date < since)
        ctx.addIssue({
          code: 'custom',
          path: ['backlog', 'history', i, 'date'],
          ...because('history-before-received'),
        });
    });
    // a carried case's clock runs from its entry: a due date of the level above already passed has no place in it
    if (body.referral?.dueBy && Date.parse(body.referral.dueBy) < rules.now.getTime())
      ctx.addIssue({ code: 'custom', path: ['referral', 'dueBy'], ...because('carried-due-passed') });
  };

/**
 * The body of `POST /v1/cases`, checked against the clock, the policy and the town's catalogue; with the registrar's
 * answer to an open repeat (Art 19), or a carried case's backlog entry.
 */
export const registerCaseBody = (rules: IntakeRules) =>
  z
    .extend(caseFields(rules), {
      repeatOfOpenCase: z.exactOptional(repeatOfOpenCaseBody),
      backlog: z.exactOptional(backlogBody(rules)),
    })
    .check(z.superRefine(crossFieldRules(rules)), z.superRefine(backlogRules(rules)));

/** An online petition: the case body without what the town fills in (channel, grid, time of receipt, referral). */
export const onlinePetitionBody = (rules: IntakeRules) =>
  z
    .omit(caseFields(rules), {
      channel: true,
      gridId: true,
      receivedAt: true,
      lateEntryReason: true,
      referral: true,
    })
    .check(z.superRefine(crossFieldRules(rules)));

/** A patrol finding: a case body without channel and grid, which the patrol supplies. */
export const patrolFindingBody = (rules: IntakeRules) =>
  z.omit(caseFields(rules), { channel: true, gridId: true }).check(z.superRefine(crossFieldRules(rules)));

/** The deadline a case waits on now, as a case answer gives it. */
const nextDeadlineSchema = z
  .object({
    kind: z.enum(NEXT_DEADLINE_KINDS).check(
      z.meta({
        description:
          'acknowledge: deciding on acceptance; reply: the reply (extended, if it was); review: answering a review; ' +
          'review_request: the petitioner’s window to ask for a review of the answer they hold; mediation: the ' +
          'mediation’s time limit; callback: the callback on a mediation agreement’s performance; hand_off: a hand-off ' +
          'to another service line due back',
      }),
    ),
    at: z.iso
      .datetime()
      .check(z.meta({ description: 'The instant the period ends: 24:00 Beijing time of its last day' })),
    lastDay: z.iso.date().check(z.meta({ description: 'The last Beijing calendar day the period includes' })),
  })
  .register(z.globalRegistry, { id: 'NextDeadline' });

/** One town where the same person has a case on the same matter, as a town's staff see it. */
const elsewhereEntrySchema = z
  .object({
    town: z.string().check(z.meta({ description: 'The other town’s code, as in tokens and paths' })),
    townName: z
      .optional(z.string())
      .check(z.meta({ description: 'Its name, as its profile gave it (e.g. 某镇)' })),
    townNameEn: z
      .optional(z.string())
      .check(z.meta({ description: 'Its English name, when its profile gives one' })),
    relation: z
      .enum(['earlier', 'later'])
      .check(
        z.meta({ description: 'earlier: registered there before this case; later: registered there since' }),
      ),
    notice: z.string().check(
      z.meta({
        description:
          'A sentence saying so in the answer’s language, e.g. 该信访人在其他乡镇（某镇）另有同一事项的信访件',
      }),
    ),
  })
  .check(z.meta({ id: 'CaseElsewhere' }));

/**
 * The case as clients see it: personal data masked (`330106********1234`, `139****5678`), `[erased]` once erased, and
 * `***` on an accusation for those who may not see the accuser. What the sweep keeps for itself (its next alert) is
 * not shown; the next deadline is.
 */
export const caseViewSchema = z
  .extend(
    z.omit(
      z.omit(caseRecordSchema, {
        town: true,
        gridPath: true,
        timelineHead: true,
        personal: true,
        alert: true,
        level: true,
      }),
      { earlierElsewhere: true, laterElsewhere: true },
    ),
    {
      level: z.optional(
        z.enum(['village', 'town', 'county']).check(
          z.meta({
            description:
              'The level that handles the case, once decided: at acceptance (the intake level, from the grid) or by ' +
              'escalation; absent before acceptance and on a matter never accepted',
          }),
        ),
      ),
      nextDeadline: z.optional(
        nextDeadlineSchema.check(
          z.meta({
            description:
              'The deadline the case waits on in its status, even once passed (see `overdue`); absent when nothing is due',
          }),
        ),
      ),
      petitioners: z.array(
        z.object({
          name: z.string(),
          idNumber: z.optional(z.string()),
          phone: z.optional(z.string()),
          address: z.optional(z.string()),
        }),
      ),
      elsewhere: z.optional(
        z.array(elsewhereEntrySchema).check(
          z.meta({
            description:
              'The same petitioner (by ID number) has a case on the same matter (category) in another town of the ' +
              'deployment: which town, and whether that case came earlier or later. Never that case, its number or its ' +
              'content; the city reads both. Nothing is refused or linked for it. Absent when there is none',
          }),
        ),
      ),
    },
  )
  .check(z.meta({ id: 'Case' }));

const cursor = z.string().check(z.minLength(1), z.maxLength(2048));
export const limitParam = z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(100)), 20);

export const listCasesQuery = z.strictObject({
  /** A lookup of one case by its number (what a petitioner reads out on the phone), alone or with `limit`. */
  number: z.optional(
    z.string().check(
      z.refine((n) => registrationDayOf(n) !== undefined, because('not-a-case-number')),
      z.meta({ description: 'Find the one case with this number (XF-YYYYMMDD-NNNN); alone or with `limit`' }),
    ),
  ),
  status: z.optional(z.enum(STATUS_CODES)),
  gridId: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
  assignee: z.optional(z.string().check(z.minLength(1), z.maxLength(128))),
  track: z.optional(z.enum(TRACK_CODES)),
  firstTime: z.optional(z.enum(['true', 'false'])),
  dueBefore: z.optional(datetimeWithOffset),
  key: z.optional(
    z
      .enum(['true', 'false'])
      .check(z.meta({ description: 'Key cases (重点信访矛盾) only, or none of them' })),
  ),
  backlog: z.optional(
    z
      .enum(['true', 'false'])
      .check(z.meta({ description: 'Cases carried from before the system (积案) only, or none of them' })),
  ),
  limit: limitParam,
  cursor: z.optional(cursor),
});
