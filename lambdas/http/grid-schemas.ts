import * as z from 'zod';
import { beijingDate } from '../domain/deadlines.js';
import { because } from '../domain/errors.js';
import { GRID_LEVELS, gridRecordSchema } from '../domain/grid.js';
import { patrolRecordSchema } from '../domain/patrol.js';
import { ROLES } from '../domain/roles.js';
import { type IntakeRules, patrolFindingBody } from './schemas.js';

/** A patrol's findings and the patrol itself are one transaction: at most this many findings keep it under 100 writes. */
export const MAX_FINDINGS = 5;

export const userId = z.string().trim().min(1).max(128);
const gridFields = {
  name: z.string().trim().min(1).max(100),
  village: z.string().trim().min(1).max(100).optional(),
  leaderId: userId.optional(),
  mediators: z.array(userId).max(50).optional(),
};
export const createGridBody = z.strictObject({
  ...gridFields,
  level: z.enum(GRID_LEVELS),
  parentId: z.string().min(1).max(64).optional(),
});
/** Only the fields it names change: a named field is never `undefined` (exactOptional), so the body is the change. */
export const patchGridBody = z.strictObject({
  name: gridFields.name.exactOptional(),
  village: gridFields.village.unwrap().exactOptional(),
  leaderId: gridFields.leaderId.unwrap().exactOptional(),
  mediators: gridFields.mediators.unwrap().exactOptional(),
  parentId: z.string().min(1).max(64).exactOptional(),
});
export const staffBody = z.strictObject({
  name: z.string().trim().min(1).max(100),
  /** The post held, as the town writes it (镇党委副书记). */
  title: z.string().trim().min(1).max(100).optional(),
  roles: z.array(z.enum(ROLES)).min(1).max(ROLES.length),
  contact: z
    .strictObject({
      channel: z.enum(['sms', 'email', 'inbox']),
      address: z.string().trim().min(1).max(200).optional(),
    })
    .optional(),
});
/** A staff entry as the directory shows it. */
export const staffViewSchema = staffBody.extend({ userId: z.string(), updatedAt: z.string() });

const isoDate = z.iso.date();
export const patrolRange = z.strictObject({ from: isoDate, to: isoDate });

/** A patrol as a grid worker logs it: its day (not in the future), what was seen, and findings that become cases. */
export const patrolBody = (rules: IntakeRules) =>
  z.strictObject({
    date: isoDate.refine((d) => d <= beijingDate(rules.now), because('in-future')),
    households: z.number().int().min(0).max(100_000).optional(),
    notes: z.string().trim().min(1).max(4000).optional(),
    findings: z.array(patrolFindingBody(rules)).max(MAX_FINDINGS).optional(),
  });

/** A grid as staff see it: without its town and its place in the tree's keys. */
export const gridViewSchema = gridRecordSchema.omit({ town: true, path: true }).meta({ id: 'Grid' });

/** A patrol as staff see it: without its town. */
export const patrolViewSchema = patrolRecordSchema.omit({ town: true }).meta({ id: 'Patrol' });
