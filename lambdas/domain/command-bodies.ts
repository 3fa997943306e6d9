import * as z from 'zod';
import { OUTCOME_CODES, RATING_CODES, TRACK_CODES } from './catalog.js';
import { beijingDate, CLOCK_SKEW_MS } from './deadlines.js';
import { because } from './errors.js';
import { helperId, MAX_TEAM_HELPERS } from './helper.js';
import {
  ADVISED_ROUTES,
  AGREEMENT_FORMS,
  COMMITTEES,
  FOLLOW_UPS,
  HAND_OFF_LINES,
  MAX_MEDIATION_EXTENSION_DAYS,
  PERFORMANCE_RESULTS,
} from './mediation.js';
import type { DeadlinePolicy } from './policy.js';

/** The body of each command, checked strictly; limits that come from the town's policy follow it. */

const reason = z.string().trim().min(1).max(2000);
const optionalNote = z.string().trim().min(1).max(2000).optional();
const userId = z.string().trim().min(1).max(128);
const listItems = z.array(z.string().trim().min(1).max(500)).max(50);

/** Facts of the case a body is checked against: when the review now pending was asked for, when mediation began. */
interface CommandBodyContext {
  reviewRequestedAt?: string;
  mediationStartedAt?: string;
  /** The case's town, and the towns of the deployment a transfer may name (转送). */
  town?: string;
  towns?: readonly string[];
}

/** A mediation's mediators: a committee mediates with one to a few (人民调解法 Art 19). */
const MAX_MEDIATORS = 9;
const text = (max: number) => z.string().trim().min(1).max(max);

export function commandBodySchemas(policy: DeadlinePolicy, now: Date, about: CommandBodyContext = {}) {
  const requestedAt = about.reviewRequestedAt ? new Date(about.reviewRequestedAt).getTime() : undefined;
  const mediationStartedAt = about.mediationStartedAt
    ? new Date(about.mediationStartedAt).getTime()
    : undefined;
  const today = beijingDate(now);
  /** A due date (a Beijing date) that has not passed: today or later. */
  const dueDate = z.iso.date().refine((date) => date >= today, because('before-today'));
  const notInFuture = z.iso
    .datetime({ offset: true })
    .refine((at) => new Date(at).getTime() <= now.getTime() + CLOCK_SKEW_MS, because('in-future'));
  return {
    accept: z.strictObject({ track: z.enum(TRACK_CODES), assigneeId: userId.optional(), note: optionalNote }),
    decline: z.strictObject({
      reason,
      route: z.enum(['litigation', 'arbitration', 'administrative_review', 'other']).optional(),
    }),
    transfer: transferBody(about),
    return: z.strictObject({ reason }),
    triage: z.strictObject({ track: z.enum(TRACK_CODES) }),
    assign: z.strictObject({ assigneeId: userId, note: optionalNote }),
    own: z.strictObject({
      leaderId: userId,
      team: z.array(userId).max(20),
      /** Helpers who are not staff, by their id in the town's helper directory; each must be active. */
      helpers: z.array(helperId).max(MAX_TEAM_HELPERS).optional(),
      plan: z.strictObject({ tasks: listItems, responsibilities: listItems, measures: listItems }),
    }),
    escalate: z.strictObject({ level: z.enum(['town', 'county']), reason }),
    extend: z.strictObject({ days: z.number().int().min(1).max(policy.maxExtensionDays), reason }),
    classify: z.strictObject({ repeatOf: z.string().min(1).max(64).nullable(), reason }),
    'mark-key': z.strictObject({ reason }),
    'unmark-key': z.strictObject({ reason }),
    reply: z.strictObject({
      outcome: z.enum(OUTCOME_CODES),
      opinion: z.string().trim().min(1).max(8000),
      resolution: listItems.optional(),
      deliveredAt: z.iso
        .datetime({ offset: true })
        .refine((at) => new Date(at).getTime() <= now.getTime() + CLOCK_SKEW_MS, because('in-future'))
        .optional(),
    }),
    rate: z.strictObject({ rating: z.enum(RATING_CODES), comment: z.string().trim().max(2000).optional() }),
    'request-review': z.strictObject({ reason }),
    'record-review': z.strictObject({
      outcome: z.enum(OUTCOME_CODES),
      opinion: z.string().trim().min(1).max(8000),
      // Art 36: the next review window counts from the delivery of the written opinion
      deliveredAt: z.iso
        .datetime({ offset: true })
        .refine((at) => new Date(at).getTime() <= now.getTime() + CLOCK_SKEW_MS, because('in-future'))
        .refine(
          (at) => requestedAt === undefined || new Date(at).getTime() >= requestedAt,
          because('before-review-request'),
        )
        .meta({ description: 'When the written review opinion reached the petitioner; default now' })
        .optional(),
    }),
    close: z.strictObject({ note: optionalNote }),
    withdraw: z.strictObject({ reason }),
    mediate: z.strictObject({
      committee: z.enum(COMMITTEES),
      /** Staff user ids (staff directory) or helper ids (the grid's mediators, helpers directory). */
      mediatorIds: z.array(userId).min(1).max(MAX_MEDIATORS),
      /** The case's petitioners who are parties, by their place in its list, and whether its respondent is one. */
      parties: z.strictObject({
        petitioners: z.array(z.number().int().min(0).max(49)).max(50),
        respondent: z.boolean(),
      }),
      note: optionalNote,
    }),
    'extend-mediation': z.strictObject({
      days: z.number().int().min(1).max(MAX_MEDIATION_EXTENSION_DAYS),
      /** Both parties consented to the longer time (recorded with the reason). */
      partiesConsent: z.boolean().refine((consent) => consent, because('parties-consent')),
      reason,
    }),
    agree: z
      .strictObject({
        form: z.enum(AGREEMENT_FORMS),
        facts: text(4000).optional(),
        disputed: text(4000).optional(),
        responsibilities: text(4000).optional(),
        terms: z.array(text(2000)).min(1).max(50),
        performance: z.strictObject({ how: text(2000), where: text(200).optional(), by: dueDate }),
        /** Written: when the parties signed; oral: when they agreed. Default now. */
        effectiveAt: notInFuture
          .refine(
            (at) => mediationStartedAt === undefined || new Date(at).getTime() >= mediationStartedAt,
            because('before-mediation'),
          )
          .optional(),
      })
      // Art 29: a written agreement states the facts, what is disputed and each side's responsibility
      .refine((body) => body.form === 'oral' || body.facts !== undefined, {
        path: ['facts'],
        ...because('written-agreement-needs'),
      })
      .refine((body) => body.form === 'oral' || body.disputed !== undefined, {
        path: ['disputed'],
        ...because('written-agreement-needs'),
      })
      .refine((body) => body.form === 'oral' || body.responsibilities !== undefined, {
        path: ['responsibilities'],
        ...because('written-agreement-needs'),
      }),
    'mediation-failed': z.strictObject({ reason, route: z.enum(ADVISED_ROUTES) }),
    callback: z
      .strictObject({
        result: z.enum(PERFORMANCE_RESULTS),
        note: reason,
        followUp: z.enum(FOLLOW_UPS).optional(),
      })
      .refine((body) => body.result === 'performed' || body.followUp !== undefined, {
        path: ['followUp'],
        ...because('follow-up-required'),
      }),
    'hand-off': z.strictObject({
      line: z.enum(HAND_OFF_LINES),
      unit: text(200),
      dueDate,
      note: optionalNote,
    }),
    'hand-off-result': z.strictObject({
      handOffId: z.string().trim().min(1).max(64),
      accepted: z.boolean(),
      result: reason,
    }),
  };
}

/**
 * A transfer (转送) names its destination once: `toUnit`, a body outside the deployment, or `toTown`, another town of
 * the deployment, where the matter is registered as a case of that town.
 */
function transferBody(about: CommandBodyContext) {
  const towns = about.towns ?? [];
  return z
    .strictObject({
      toUnit: z
        .string()
        .trim()
        .min(1)
        .max(200)
        .meta({
          description: 'A body outside the deployment (a county bureau, a court): the case records it',
        })
        .optional(),
      toTown: z
        .string()
        .trim()
        .min(1)
        .max(64)
        .refine((town) => town !== about.town, because('own-town'))
        .refine((town) => town === about.town || towns.includes(town), because('unknown-town'))
        .meta({
          description:
            'Another town of the deployment: the matter is registered there as a case of that town, linked both ways',
        })
        .optional(),
      note: optionalNote,
    })
    .superRefine((body, ctx) => {
      if ((body.toUnit === undefined) !== (body.toTown === undefined)) return;
      for (const path of ['toUnit', 'toTown'])
        ctx.addIssue({ code: 'custom', path: [path], ...because('transfer-destination') });
    });
}

/** The body schemas of the commands, by name; the state machine's table names exactly these commands. */
export type CommandBodies = ReturnType<typeof commandBodySchemas>;
export type CommandBody<K extends keyof CommandBodies> = z.output<CommandBodies[K]>;

/** A command as asked for: its name and its checked body (one member of the union per name). */
export type CommandRequest<K extends keyof CommandBodies = keyof CommandBodies> = {
  [N in K]: { command: N } & CommandBody<N>;
}[K];

/** A command's name together with its checked body. */
export const commandRequest = <K extends keyof CommandBodies>(
  command: K,
  body: CommandBody<K>,
): CommandRequest<K> => ({
  ...body,
  command,
});
