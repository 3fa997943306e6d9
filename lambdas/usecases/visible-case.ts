import type { CaseRepository } from '../adapters/case-repository.js';
import type { GridRepository } from '../adapters/grid-repository.js';
import { type CaseListFilters, canSeeCase, caseListPlan } from '../domain/access.js';
import type { CaseRecord } from '../domain/case.js';
import { NotFoundError } from '../domain/errors.js';
import { hasAnyRole, type Principal } from '../domain/roles.js';

/** What reading a grid worker's scope takes: the grids they are assigned to, and the town's grid tree. */
export type WorkerGrids = Pick<GridRepository, 'gridsOfWorker' | 'tree'>;

/** The paths of the grids a grid worker is assigned to (their scope); nobody else needs the read. */
export async function workerGridPaths(grids: WorkerGrids, principal: Principal): Promise<string[]> {
  if (!hasAnyRole(principal, ['grid_worker'])) return [];
  const [assigned, tree] = await Promise.all([
    grids.gridsOfWorker(principal.town, principal.userId),
    grids.tree(principal.town),
  ]);
  const pathOf = new Map(tree.map((grid) => [grid.id, grid.path]));
  return assigned.flatMap((id) => pathOf.get(id) ?? []);
}

/** The case if the caller may see it, else nothing. */
async function ifVisible(
  grids: WorkerGrids,
  principal: Principal,
  record: CaseRecord | undefined,
): Promise<CaseRecord | undefined> {
  if (!record) return undefined;
  return canSeeCase(principal, record, await workerGridPaths(grids, principal)) ? record : undefined;
}

/** The case, if the caller may see it; 404 alike when it does not exist and when it is not theirs to see. */
export async function loadVisibleCase(
  repositories: { cases: Pick<CaseRepository, 'get'>; grids: WorkerGrids },
  principal: Principal,
  id: string,
): Promise<CaseRecord> {
  const { cases, grids } = repositories;
  const record = await ifVisible(grids, principal, await cases.get(principal.town, id));
  if (!record) throw new NotFoundError();
  return record;
}

/** The case with this number, if the caller may see it (a lookup the way a list answers: nothing, not 404). */
export async function findVisibleByNumber(
  repositories: { cases: Pick<CaseRepository, 'findByNumber'>; grids: WorkerGrids },
  principal: Principal,
  number: string,
): Promise<CaseRecord | undefined> {
  const { cases, grids } = repositories;
  return ifVisible(grids, principal, await cases.findByNumber(principal.town, number));
}

/** A page of the cases the caller sees, filtered; an unknown grid has no cases: an empty page, not an error. */
export async function listVisibleCases(
  repositories: { cases: Pick<CaseRepository, 'list'>; grids: WorkerGrids & Pick<GridRepository, 'get'> },
  principal: Principal,
  filters: CaseListFilters,
  page: { limit: number; cursor?: string },
): ReturnType<CaseRepository['list']> {
  const { cases, grids } = repositories;
  const grid = filters.gridId ? await grids.get(principal.town, filters.gridId) : undefined;
  const plan =
    filters.gridId && !grid
      ? { sources: [], filters: {} }
      : caseListPlan(principal, filters, await workerGridPaths(grids, principal), grid?.path);
  return cases.list(principal.town, plan, page.limit, page.cursor);
}
