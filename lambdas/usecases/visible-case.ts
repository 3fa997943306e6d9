import type { CaseRepository } from '../adapters/case-repository.js';
import type { GridRepository } from '../adapters/grid-repository.js';
import { canSeeCase } from '../domain/access.js';
import type { CaseRecord } from '../domain/case.js';
import { NotFoundError } from '../domain/errors.js';
import { hasAnyRole, type Principal } from '../domain/roles.js';

/** The paths of the grids a grid worker is assigned to (their scope); nobody else needs the read. */
export async function workerGridPaths(grids: GridRepository, principal: Principal): Promise<string[]> {
  if (!hasAnyRole(principal, ['grid_worker'])) return [];
  const [assigned, tree] = await Promise.all([
    grids.gridsOfWorker(principal.town, principal.userId),
    grids.tree(principal.town),
  ]);
  const pathOf = new Map(tree.map((grid) => [grid.id, grid.path]));
  return assigned.flatMap((id) => pathOf.get(id) ?? []);
}

type Repositories = { cases: CaseRepository; grids: GridRepository };

/** The case if the caller may see it, else nothing. */
async function ifVisible(
  repositories: Repositories,
  principal: Principal,
  record: CaseRecord | undefined,
): Promise<CaseRecord | undefined> {
  if (!record) return undefined;
  return canSeeCase(principal, record, await workerGridPaths(repositories.grids, principal))
    ? record
    : undefined;
}

/** The case, if the caller may see it; 404 alike when it does not exist and when it is not theirs to see. */
export async function loadVisibleCase(
  repositories: Repositories,
  principal: Principal,
  id: string,
): Promise<CaseRecord> {
  const record = await ifVisible(repositories, principal, await repositories.cases.get(principal.town, id));
  if (!record) throw new NotFoundError();
  return record;
}

/** The case with this number, if the caller may see it (a lookup the way a list answers: nothing, not 404). */
export async function findVisibleByNumber(
  repositories: Repositories,
  principal: Principal,
  number: string,
): Promise<CaseRecord | undefined> {
  return ifVisible(repositories, principal, await repositories.cases.findByNumber(principal.town, number));
}
