import * as z from 'zod/mini';
import { InvalidFieldError } from './errors.js';

export const GRID_LEVELS = ['comprehensive', 'village', 'unit'] as const;
export type GridLevel = (typeof GRID_LEVELS)[number];

/** A grid of the town's tree; `path` lists its ancestors and itself (`/root/child/`), so a prefix selects a subtree. */
export const gridRecordSchema = z.object({
  id: z.string(),
  town: z.string(),
  name: z.string(),
  level: z.enum(GRID_LEVELS),
  parentId: z.optional(z.string()),
  village: z.optional(z.string()),
  leaderId: z.optional(z.string()),
  mediators: z.optional(z.array(z.string())),
  path: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type GridRecord = z.infer<typeof gridRecordSchema>;

export const childPath = (parentPath: string | undefined, id: string): string => `${parentPath ?? '/'}${id}/`;

/** The level at which a case is taken up: village for a village grid or unit, town for anything else. */
export const intakeLevel = (grid: GridRecord | undefined): 'village' | 'town' =>
  grid && grid.level !== 'comprehensive' ? 'village' : 'town';

/** The parent level each level needs: a unit sits in a village grid, a village grid in a comprehensive grid. */
export const PARENT_LEVEL: Record<GridLevel, GridLevel | undefined> = {
  comprehensive: undefined,
  village: 'comprehensive',
  unit: 'village',
};

const PARENT = 'parentId';

/** Why a grid may not have this parent (its `parentId` refused), or undefined when it may. */
export function parentProblem(
  grid: { id?: string; level: GridLevel; path?: string },
  parent: GridRecord | undefined,
): InvalidFieldError | undefined {
  const wanted = PARENT_LEVEL[grid.level];
  if (wanted === undefined) return parent ? new InvalidFieldError(PARENT, 'grid-has-no-parent') : undefined;
  const levels = { level: grid.level, parentLevel: wanted };
  if (!parent) return new InvalidFieldError(PARENT, 'parent-required', levels);
  if (parent.level !== wanted) return new InvalidFieldError(PARENT, 'parent-wrong-level', levels);
  if (grid.path && parent.path.startsWith(grid.path))
    return new InvalidFieldError(PARENT, 'parent-under-itself');
  return undefined;
}
