import * as z from 'zod';
import { OUTCOME_CODES, RATING_CODES, TRACK_CODES } from './catalog.js';
import { CLOCK_SKEW_MS } from './deadlines.js';
import { because } from './errors.js';
import { helperId, MAX_TEAM_HELPERS } from './helper.js';
import type { DeadlinePolicy } from './policy.js';

/** The body of each command, checked strictly; limits that come from the town's policy follow it. */

const reason = z.string().trim().min(1).max(2000);
const optionalNote = z.string().trim().min(1).max(2000).optional();
const userId = z.string().trim().min(1).max(128);
const listItems = z.array(z.string().trim().min(1).max(500)).max(50);

/** Facts of the case a body is checked against: when the review now pending was asked for. */
interface CommandBodyContext {
  reviewRequestedAt?: string;
}

export function commandBodySchemas(policy: DeadlinePolicy, now: Date, about: CommandBodyContext = {}) {
  const requestedAt = about.reviewRequestedAt ? new Date(about.reviewRequestedAt).getTime() : undefined;
  return {
    accept: z.strictObject({ track: z.enum(TRACK_CODES), assigneeId: userId.optional(), note: optionalNote }),
    decline: z.strictObject({
      reason,
      route: z.enum(['litigation', 'arbitration', 'administrative_review', 'other']).optional(),
    }),
    transfer: z.strictObject({ toUnit: z.string().trim().min(1).max(200), note: optionalNote }),
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
  };
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
