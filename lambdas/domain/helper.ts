import * as z from 'zod/mini';
import { HELPER_KIND_CODES } from './catalog.js';
import { personalDataSchema } from './personal.js';

/**
 * Helpers who are not staff (社会力量): judges, prosecutors, police officers and lawyers (三官一律), counsellors,
 * veteran cadres and party members, volunteers, members of the village mediation committees. They have no account;
 * the town keeps them in a directory so that a leader can put them on a case's team (包案) by reference.
 *
 * A helper's phone is personal data, kept like a petitioner's: masked in the open, the clear number sealed in the
 * helper's own envelope under a data key of its own, read only by a logged reveal.
 */

/** A team names at most this many helpers, as it names at most 20 staff. */
export const MAX_TEAM_HELPERS = 20;

export const helperId = z.string().check(z.trim(), z.minLength(1), z.maxLength(64));

/** The field path of the phone in a helper's envelope. */
export const HELPER_PHONE_FIELD = 'phone';

export const helperRecordSchema = z.object({
  id: z.string(),
  town: z.string(),
  name: z.string(),
  kind: z.enum(HELPER_KIND_CODES),
  /** The unit or organisation they come from (a court, a law firm, a village committee). */
  unit: z.string(),
  gridId: z.optional(z.string()),
  /** The masked phone (`139****5678`); the clear number is sealed in `personal`. */
  phoneMasked: z.optional(z.string()),
  personal: z.optional(personalDataSchema),
  active: z.boolean(),
  /** Counts the changes, for `If-Match`. */
  version: z.number().check(z.int(), z.positive()),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type HelperRecord = z.infer<typeof helperRecordSchema>;
export type HelperKind = HelperRecord['kind'];

/** A helper as a case names them: who and what, never how to reach them. */
export const helperRefSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(HELPER_KIND_CODES),
  unit: z.string(),
});
export type HelperRef = z.infer<typeof helperRefSchema>;

const helperRef = ({ id, name, kind, unit }: HelperRecord): HelperRef => ({ id, name, kind, unit });

/** A helper of a team that cannot be on it: its position in the list asked for, and its id. */
export interface HelperProblem {
  index: number;
  id: string;
}

/**
 * The helpers of a team, in the order asked (repeats dropped). Every id must name a helper of the town (`missing`
 * lists each that does not), and every helper must be active: a deactivated helper stays on the cases they were on
 * but joins no new team (`inactive` names the first).
 */
export function teamHelpers(
  ids: readonly string[],
  found: ReadonlyMap<string, HelperRecord>,
): { refs: HelperRef[] } | { missing: HelperProblem[] } | { inactive: HelperProblem } {
  const missing = ids.flatMap((id, index) => (found.has(id) ? [] : [{ index, id }]));
  if (missing.length > 0) return { missing };
  const index = ids.findIndex((id) => !found.get(id)?.active);
  if (index >= 0) return { inactive: { index, id: ids[index]! } };
  return { refs: [...new Set(ids)].map((id) => helperRef(found.get(id)!)) };
}
