import { z } from 'zod';

export const GRID_LEVELS = ['comprehensive', 'village', 'unit'] as const;
export type GridLevel = (typeof GRID_LEVELS)[number];

/** A grid of the town's tree; `path` lists its ancestors and itself (`/root/child/`), so a prefix selects a subtree. */
export const gridRecordSchema = z.object({
  id: z.string(),
  town: z.string(),
  name: z.string(),
  level: z.enum(GRID_LEVELS),
  parentId: z.string().optional(),
  village: z.string().optional(),
  leaderId: z.string().optional(),
  mediators: z.array(z.string()).optional(),
  path: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type GridRecord = z.infer<typeof gridRecordSchema>;

export const childPath = (parentPath: string | undefined, id: string): string => `${parentPath ?? '/'}${id}/`;

/** The level at which a case is taken up: village for a village grid or unit, town for anything else. */
export const intakeLevel = (grid: GridRecord | undefined): 'village' | 'town' =>
  grid && grid.level !== 'comprehensive' ? 'village' : 'town';
