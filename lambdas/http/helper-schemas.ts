import * as z from 'zod';
import { HELPER_KIND_CODES } from '../domain/catalog.js';
import type { HelperProblem } from '../domain/helper.js';
import { HttpProblem, validationProblem } from './problem.js';
import { limitParam, PHONE } from './schemas.js';

/** The helper directory's bodies, queries and answers. */

const name = z.string().trim().min(1).max(50);
const unit = z.string().trim().min(1).max(100);
const gridId = z.string().min(1).max(64);
const phone = z.string().trim().regex(PHONE);

export const createHelperBody = z.strictObject({
  name,
  kind: z.enum(HELPER_KIND_CODES),
  /** The unit or organisation they come from: a court, a law firm, a village committee. */
  unit,
  gridId: gridId.optional(),
  /** Kept sealed; answers show it masked. */
  phone,
});

/** What may change; `null` removes the grid or the phone (the sealed number is dropped with its data key). */
/** Only the fields it names change (exactOptional: a named field is never `undefined`); `null` removes. */
export const patchHelperBody = z.strictObject({
  name: name.exactOptional(),
  kind: z.enum(HELPER_KIND_CODES).exactOptional(),
  unit: unit.exactOptional(),
  gridId: gridId.nullable().exactOptional(),
  phone: phone.nullable().exactOptional(),
  /** `false` deactivates: the helper stays on the cases they were on and joins no new team. */
  active: z.boolean().exactOptional(),
});

export const listHelpersQuery = z.strictObject({
  kind: z.enum(HELPER_KIND_CODES).optional(),
  limit: limitParam,
  cursor: z.string().min(1).max(2048).optional(),
});

/** A helper as staff see them: the phone masked (`139****5678`). */
export const helperViewSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: z.enum(HELPER_KIND_CODES),
    unit: z.string(),
    gridId: z.string().optional(),
    phone: z.string().optional(),
    active: z.boolean(),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Helper' });

export const revealHelperBody = z.strictObject({
  /** Why the clear number is needed; kept in the reveal log. */
  purpose: z.string().trim().min(5).max(500),
});

export const revealedHelperSchema = z
  .object({ id: z.string(), name: z.string(), phone: z.string().optional() })
  .meta({ id: 'RevealedHelperContact' });

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
