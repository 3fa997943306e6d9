import * as z from 'zod/mini';
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

const reason = z.string().check(z.trim(), z.minLength(1), z.maxLength(2000));
const optionalNote = z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(2000)));
const userId = z.string().check(z.trim(), z.minLength(1), z.maxLength(128));
const listItems = z
  .array(z.string().check(z.trim(), z.minLength(1), z.maxLength(500)))
  .check(z.maxLength(50));

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
const text = (max: number) => z.string().check(z.trim(), z.minLength(1), z.maxLength(max));

export function commandBodySchemas(policy: DeadlinePolicy, now: Date, about: CommandBodyContext = {}) {
  const requestedAt = about.reviewRequestedAt ? new Date(about.reviewRequestedAt).getTime() : undefined;
  const mediationStartedAt = about.mediationStartedAt
    ? new Date(about.mediationStartedAt).getTime()
    : undefined;
  const today = beijingDate(now);
  /** A due date (a Beijing date) that has not passed: today or later. */
  const dueDate = z.iso.date().check(z.refine((date) => date >= today, because('before-today')));
  const notInFuture = z.iso
    .datetime({ offset: true })
    .check(z.refine((at) => new Date(at).getTime() <= now.getTime() + CLOCK_SKEW_MS, because('in-future')));
  return {
    accept: z.strictObject({
      track: z.enum(TRACK_CODES),
      assigneeId: z.optional(userId),
      note: optionalNote,
    }),
    decline: z.strictObject({
      reason,
      route: z.optional(z.enum(['litigation', 'arbitration', 'administrative_review', 'other'])),
    }),
    transfer: transferBody(about),
    return: z.strictObject({ reason }),
    triage: z.strictObject({ track: z.enum(TRACK_CODES) }),
    assign: z.strictObject({ assigneeId: userId, note: optionalNote }),
    own: z.strictObject({
      leaderId: userId,
      team: z.array(userId).check(z.maxLength(20)),
      /** Helpers who are not staff, by their id in the town's helper directory; each must be active. */
      helpers: z.optional(z.array(helperId).check(z.maxLength(MAX_TEAM_HELPERS))),
      plan: z.strictObject({ tasks: listItems, responsibilities: listItems, measures: listItems }),
    }),
    escalate: z.strictObject({ level: z.enum(['town', 'county']), reason }),
    extend: z.strictObject({
      days: z.number().check(z.int(), z.gte(1), z.lte(policy.maxExtensionDays)),
      reason,
    }),
    classify: z.strictObject({
      repeatOf: z.nullable(z.string().check(z.minLength(1), z.maxLength(64))),
      reason,
    }),
    'mark-key': z.strictObject({ reason }),
    'unmark-key': z.strictObject({ reason }),
    reply: z.strictObject({
      outcome: z.enum(OUTCOME_CODES),
      opinion: z.string().check(z.trim(), z.minLength(1), z.maxLength(8000)),
      resolution: z.optional(listItems),
      deliveredAt: z.optional(
        z.iso
          .datetime({ offset: true })
          .check(
            z.refine((at) => new Date(at).getTime() <= now.getTime() + CLOCK_SKEW_MS, because('in-future')),
          ),
      ),
    }),
    rate: z.strictObject({
      rating: z.enum(RATING_CODES),
      comment: z.optional(z.string().check(z.trim(), z.maxLength(2000))),
    }),
    'request-review': z.strictObject({ reason }),
    'record-review': z.strictObject({
      outcome: z.enum(OUTCOME_CODES),
      opinion: z.string().check(z.trim(), z.minLength(1), z.maxLength(8000)),
      // Art 36: the next review window counts from the delivery of the written opinion
      deliveredAt: z.optional(
        z.iso.datetime({ offset: true }).check(
          z.refine((at) => new Date(at).getTime() <= now.getTime() + CLOCK_SKEW_MS, because('in-future')),
          z.refine(
            (at) => requestedAt === undefined || new Date(at).getTime() >= requestedAt,
            because('before-review-request'),
          ),
          z.meta({ description: 'When the written review opinion reached the petitioner; default now' }),
        ),
      ),
    }),
    close: z.strictObject({ note: optionalNote }),
    withdraw: z.strictObject({ reason }),
    mediate: z.strictObject({
      committee: z.enum(COMMITTEES),
      /** Staff user ids (staff directory) or helper ids (the grid's mediators, helpers directory). */
      mediatorIds: z.array(userId).check(z.minLength(1), z.maxLength(MAX_MEDIATORS)),
      /** The case's petitioners who are parties, by their place in its list, and whether its respondent is one. */
      parties: z.strictObject({
        petitioners: z.array(z.number().check(z.int(), z.gte(0), z.lte(49))).check(z.maxLength(50)),
        respondent: z.boolean(),
      }),
      note: optionalNote,
    }),
    'extend-mediation': z.strictObject({
      days: z.number().check(z.int(), z.gte(1), z.lte(MAX_MEDIATION_EXTENSION_DAYS)),
      /** Both parties consented to the longer time (recorded with the reason). */
      partiesConsent: z.boolean().check(z.refine((consent) => consent, because('parties-consent'))),
      reason,
    }),
    agree: z
      .strictObject({
        form: z.enum(AGREEMENT_FORMS),
        facts: z.optional(text(4000)),
        disputed: z.optional(text(4000)),
        responsibilities: z.optional(text(4000)),
        terms: z.array(text(2000)).check(z.minLength(1), z.maxLength(50)),
        performance: z.strictObject({ how: text(2000), where: z.optional(text(200)), by: dueDate }),
        /** Written: when the parties signed; oral: when they agreed. Default now. */
        effectiveAt: z.optional(
          notInFuture.check(
            z.refine(
              (at) => mediationStartedAt === undefined || new Date(at).getTime() >= mediationStartedAt,
              because('before-mediation'),
            ),
          ),
        ),
      })
      // Art 29: a written agreement states the facts, what is disputed and each side's responsibility
      .check(
        z.refine((body) => body.form === 'oral' || body.facts !== undefined, {
          path: ['facts'],
          ...because('written-agreement-needs'),
        }),
        z.refine((body) => body.form === 'oral' || body.disputed !== undefined, {
          path: ['disputed'],
          ...because('written-agreement-needs'),
        }),
        z.refine((body) => body.form === 'oral' || body.responsibilities !== undefined, {
          path: ['responsibilities'],
          ...because('written-agreement-needs'),
        }),
      ),
    'mediation-failed': z.strictObject({ reason, route: z.enum(ADVISED_ROUTES) }),
    callback: z
      .strictObject({
        result: z.enum(PERFORMANCE_RESULTS),
        note: reason,
        followUp: z.optional(z.enum(FOLLOW_UPS)),
      })
      .check(
        z.refine((body) => body.result === 'performed' || body.followUp !== undefined, {
          path: ['followUp'],
          ...because('follow-up-required'),
        }),
      ),
    'hand-off': z.strictObject({
      line: z.enum(HAND_OFF_LINES),
      unit: text(200),
      dueDate,
      note: optionalNote,
    }),
    'hand-off-result': z.strictObject({
      handOffId: z.string().check(z.trim(), z.minLength(1), z.maxLength(64)),
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
      toUnit: z.optional(
        z.string().check(
          z.trim(),
          z.minLength(1),
          z.maxLength(200),
          z.meta({
            description: 'A body outside the deployment (a county bureau, a court): the case records it',
          }),
        ),
      ),
      toTown: z.optional(
        z.string().check(
          z.trim(),
          z.minLength(1),
          z.maxLength(64),
          z.refine((town) => town !== about.town, because('own-town')),
          z.refine((town) => town === about.town || towns.includes(town), because('unknown-town')),
          z.meta({
            description:
              'Another town of the deployment: the matter is registered there as a case of that town, linked both ways',
          }),
        ),
      ),
      note: optionalNote,
    })
    .check(
      z.superRefine((body, ctx) => {
        if ((body.toUnit === undefined) !== (body.toTown === undefined)) return;
        for (const path of ['toUnit', 'toTown'])
          ctx.addIssue({ code: 'custom', path: [path], ...because('transfer-destination') });
      }),
    );
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
