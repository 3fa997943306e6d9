import * as z from 'zod/mini';
import { HELPER_KIND_CODES } from '../domain/catalog.js';
import type { HelperProblem } from '../domain/helper.js';
import { HttpProblem, validationProblem } from './problem.js';
import { limitParam, PHONE } from './schemas.js';

/** The helper directory's bodies, queries and answers. */

const name = z.string().check(z.trim(), z.minLength(1), z.maxLength(50));
const unit = z.string().check(z.trim(), z.minLength(1), z.maxLength(100));
const gridId = z.string().check(z.minLength(1), z.maxLength(64));
const phone = z.string().check(z.trim(), z.regex(PHONE));

export const createHelperBody = z.strictObject({
  name,
  kind: z.enum(HELPER_KIND_CODES),
  /** The unit or organisation they come from: a court, a law firm, a village committee. */
  unit,
  gridId: z.optional(gridId),
  /** Kept sealed; answers show it masked. */
  phone,
});

/** What may change; `null` removes the grid or the phone (the sealed number is dropped with its data key). */
/** Only the fields it names change (exactOptional: a named field is never `undefined`); `null` removes. */
export const patchHelperBody = z.strictObject({
  name: z.exactOptional(name),
  kind: z.exactOptional(z.enum(HELPER_KIND_CODES)),
  unit: z.exactOptional(unit),
  gridId: z.exactOptional(z.nullable(gridId)),
  phone: z.exactOptional(z.nullable(phone)),
  /** `false` deactivates: the helper stays on the cases they were on and joins no new team. */
  active: z.exactOptional(z.boolean()),
});

export const listHelpersQuery = z.strictObject({
  kind: z.optional(z.enum(HELPER_KIND_CODES)),
  limit: limitParam,
  cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(2048))),
});

/** A helper as staff see them: the phone masked (`139****5678`). */
export const helperViewSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: z.enum(HELPER_KIND_CODES),
    unit: z.string(),
    gridId: z.optional(z.string()),
    phone: z.optional(z.string()),
    active: z.boolean(),
    version: z.number().check(z.int()),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .check(z.meta({ id: 'Helper' }));

export const revealHelperBody = z.strictObject({
  /** Why the clear number is needed; kept in the reveal log. */
  purpose: z.string().check(z.trim(), z.minLength(5), z.maxLength(500)),
});

export const revealedHelperSchema = z
  .object({ id: z.string(), name: z.string(), phone: z.optional(z.string()) })
  .check(z.meta({ id: 'RevealedHelperContact' }));

/** An `own` that names ids the town's helper directory does not have: a 400 naming each (`helpers.1`). */
export const unknownHelpersProblem = (missing: readonly HelperProblem[]): HttpProblem =>
  validationProblem(
    missing.map(({ index }) => ({ path: `helpers.${index}`, message: (m) => m.field['unknown-helper'] })),
  );

/** An `own` that names a deactivated helper: a rule, 409, naming the field. */
export const inactiveHelperProblem = ({ index, id }: HelperProblem): HttpProblem =>
  new HttpProblem('helper-inactive', (m) => m.detail['helper-inactive']({ id }), {
    errors: [{ path: `helpers.${index}`, message: (m) => m.field['helper-inactive'] }],
  });
