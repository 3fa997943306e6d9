import { randomBytes } from 'node:crypto';
import type { CaseRepository } from '../adapters/case-repository.js';
import type { GridRepository } from '../adapters/grid-repository.js';
import { InvalidFieldError, RuleViolationError, StaleVersionError } from '../domain/errors.js';
import { childPath, type GridRecord, parentProblem } from '../domain/grid.js';

/** The town's grid tree as the administrator shapes it: grids added under a parent of the right level, and moved. */

interface GridTreePorts {
  grids: Pick<GridRepository, 'get' | 'create' | 'tree' | 'update'>;
  cases: Pick<CaseRepository, 'anyInGridPath'>;
}

type NewGrid = Pick<GridRecord, 'name' | 'level' | 'village' | 'leaderId' | 'mediators' | 'parentId'>;

const newGridId = () => `g_${randomBytes(9).toString('base64url')}`;

/** A grid of the town, under its parent when it names one. */
export async function addGrid(
  ports: Pick<GridTreePorts, 'grids'>,
  town: string,
  fields: NewGrid,
  now: Date,
): Promise<GridRecord> {
  const parent = fields.parentId ? await ports.grids.get(town, fields.parentId) : undefined;
  if (fields.parentId && !parent) throw new InvalidFieldError('parentId', 'unknown-grid');
  const problem = parentProblem({ level: fields.level }, parent);
  if (problem) throw problem;
  const id = newGridId();
  const at = now.toISOString();
  const grid: GridRecord = {
    ...fields,
    id,
    town,
    path: childPath(parent?.path, id),
    createdAt: at,
    updatedAt: at,
  };
  await ports.grids.create(grid);
  return grid;
}

type GridChange = Partial<Pick<GridRecord, 'name' | 'village' | 'leaderId' | 'mediators' | 'parentId'>>;

/** A transaction holds at most 100 writes. */
const MAX_MOVED = 100;

/**
 * Changes a grid's fields, or moves it under another parent. A move re-paths the grid and its whole subtree in one
 * transaction; cases keep the path they were registered under, so a grid that has any may not move.
 */
export async function changeGrid(
  ports: GridTreePorts,
  grid: GridRecord,
  change: GridChange,
  now: Date,
): Promise<GridRecord> {
  const { grids } = ports;
  const { parentId, ...fields } = change;
  const at = now.toISOString();
  if (parentId === undefined || parentId === grid.parentId) {
    const updated = { ...grid, ...fields, updatedAt: at };
    if (!(await grids.update([{ before: grid, after: updated }]))) throw new StaleVersionError();
    return updated;
  }
  const parent = await grids.get(grid.town, parentId);
  if (!parent) throw new InvalidFieldError('parentId', 'unknown-grid');
  const problem = parentProblem(grid, parent);
  if (problem) throw problem;
  if (await ports.cases.anyInGridPath(grid.town, grid.path)) throw new RuleViolationError('grid-has-cases');
  const newPath = childPath(parent.path, grid.id);
  const subtree = (await grids.tree(grid.town)).filter((g) => g.path.startsWith(grid.path));
  const changes = subtree.map((before) => ({
    before,
    after: {
      ...before,
      ...(before.id === grid.id ? { ...fields, parentId } : {}),
      path: newPath + before.path.slice(grid.path.length),
      updatedAt: at,
    },
  }));
  if (changes.length > MAX_MOVED) throw new RuleViolationError('subtree-too-large');
  if (!(await grids.update(changes))) throw new StaleVersionError();
  return changes.find((c) => c.after.id === grid.id)!.after;
}
