import * as z from 'zod/mini';
import { beijingDate } from '../domain/deadlines.js';
import { because } from '../domain/errors.js';
import { GRID_LEVELS, gridRecordSchema } from '../domain/grid.js';
import { patrolRecordSchema } from '../domain/patrol.js';
import { ROLES } from '../domain/roles.js';
import { type IntakeRules, patrolFindingBody } from './schemas.js';

/** A patrol's findings and the patrol itself are one transaction: at most this many findings keep it under 100 writes. */
export const MAX_FINDINGS = 5;

export const userId = z.string().check(z.trim(), z.minLength(1), z.maxLength(128));
const gridFields = {
  name: z.string().check(z.trim(), z.minLength(1), z.maxLength(100)),
  village: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(100))),
  leaderId: z.optional(userId),
  mediators: z.optional(z.array(userId).check(z.maxLength(50))),
};
export const createGridBody = z.strictObject({
  ...gridFields,
  level: z.enum(GRID_LEVELS),
  parentId: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
});
/** Only the fields it names change: a named field is never `undefined` (exactOptional), so the body is the change. */
export const patchGridBody = z.strictObject({
  name: z.exactOptional(gridFields.name),
  village: z.exactOptional(gridFields.village.def.innerType),
  leaderId: z.exactOptional(gridFields.leaderId.def.innerType),
  mediators: z.exactOptional(gridFields.mediators.def.innerType),
  parentId: z.exactOptional(z.string().check(z.minLength(1), z.maxLength(64))),
});
export const staffBody = z.strictObject({
  name: z.string().check(z.trim(), z.minLength(1), z.maxLength(100)),
  /** The post held, as the town writes it (镇党委副书记). */
  title: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(100))),
  roles: z.array(z.enum(ROLES)).check(z.minLength(1), z.maxLength(ROLES.length)),
  contact: z.optional(
    z.strictObject({
      channel: z.enum(['sms', 'email', 'inbox']),
      address: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(200))),
    }),
  ),
});
/** A staff entry as the directory shows it. */
export const staffViewSchema = z.extend(staffBody, { userId: z.string(), updatedAt: z.string() });

const isoDate = z.iso.date();
export const patrolRange = z.strictObject({ from: isoDate, to: isoDate });

/** A patrol as a grid worker logs it: its day (not in the future), what was seen, and findings that become cases. */
export const patrolBody = (rules: IntakeRules) =>
  z.strictObject({
    date: isoDate.check(z.refine((d) => d <= beijingDate(rules.now), because('in-future'))),
    households: z.optional(z.number().check(z.int(), z.gte(0), z.lte(100_000))),
    notes: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(4000))),
    findings: z.optional(z.array(patrolFindingBody(rules)).check(z.maxLength(MAX_FINDINGS))),
  });

/** A grid as staff see it: without its town and its place in the tree's keys. */
export const gridViewSchema = z
  .omit(gridRecordSchema, { town: true, path: true })
  .check(z.meta({ id: 'Grid' }));

/** A patrol as staff see it: without its town. */
export const patrolViewSchema = z.omit(patrolRecordSchema, { town: true }).check(z.meta({ id: 'Patrol' }));
