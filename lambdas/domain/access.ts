import type { CaseRecord } from './case.js';
import type { Status, Track } from './catalog.js';
import { staffMediators } from './mediation.js';
import { hasAnyRole, type Principal } from './roles.js';

/**
 * The access policy, in one place: who sees which cases. Leaders, supervisors, admins and the window's clerks read
 * the whole town; a grid worker reads the cases of the grids assigned to them and their descendants; a handler reads
 * the cases they are assignee, owner or team member of; a petitioner reads their own. Invisible is not found, and
 * lists read only the index partitions of the caller's scope, never the town's cases then dropped.
 */

const TOWN_READERS = ['clerk', 'leader', 'supervisor', 'admin'] as const;

/** What a caller's scope is made of: the whole town, or grid subtrees plus the cases they are related to. */
type CaseScope =
  | { kind: 'town' }
  | { kind: 'limited'; userId: string; gridPaths: readonly string[] }
  | { kind: 'own'; userId: string }
  | { kind: 'none' };

/** Grid paths with any path already covered by an ancestor in the set left out, so no case is listed twice. */
export function outermostPaths(paths: readonly string[]): string[] {
  const unique = [...new Set(paths)].sort();
  return unique.filter((path) => !unique.some((other) => other !== path && path.startsWith(other)));
}

/** `gridPaths`: the paths of the grids assigned to the caller as a grid worker. */
export function caseScope(principal: Principal, gridPaths: readonly string[] = []): CaseScope {
  if (principal.kind === 'petitioner') return { kind: 'own', userId: principal.userId };
  if (hasAnyRole(principal, TOWN_READERS)) return { kind: 'town' };
  const paths = hasAnyRole(principal, ['grid_worker']) ? outermostPaths(gridPaths) : [];
  if (hasAnyRole(principal, ['handler', 'grid_worker']))
    return { kind: 'limited', userId: principal.userId, gridPaths: paths };
  return { kind: 'none' };
}

/** The people a case is related to, and how: each gets an entry in the relations index. */
export function caseRelations(record: CaseRecord): Map<string, string[]> {
  const relations = new Map<string, string[]>();
  const add = (userId: string | undefined, relation: string) => {
    if (userId) relations.set(userId, [...(relations.get(userId) ?? []), relation]);
  };
  add(record.petitionerUserId, 'petitioner');
  add(record.assignee, 'assignee');
  add(record.owner, 'owner');
  for (const member of record.team ?? []) add(member, 'team');
  for (const mediator of staffMediators(record)) add(mediator, 'mediator');
  return relations;
}

/** Related as assignee, owner or team member; a citizen's own relation grants no staff access. */
const isStaffRelation = (record: CaseRecord, userId: string): boolean =>
  (caseRelations(record).get(userId) ?? []).some((relation) => relation !== 'petitioner');

export const isInGrids = (record: CaseRecord, gridPaths: readonly string[]): boolean =>
  record.gridPath !== undefined && gridPaths.some((path) => record.gridPath!.startsWith(path));

/** Art 30, 46: an accusation never reaches the staff member it accuses, whatever their roles. */
const isHiddenFrom = (record: CaseRecord, userId: string): boolean =>
  record.type === 'accusation' && record.respondent?.userId === userId;

export function canSeeCase(
  principal: Principal,
  record: CaseRecord,
  gridPaths: readonly string[] = [],
): boolean {
  if (principal.town !== record.town || isHiddenFrom(record, principal.userId)) return false;
  const scope = caseScope(principal, gridPaths);
  switch (scope.kind) {
    case 'town':
      return true;
    case 'limited':
      return isInGrids(record, scope.gridPaths) || isStaffRelation(record, scope.userId);
    case 'own':
      return record.petitionerUserId === scope.userId;
    case 'none':
      return false;
  }
}

/** A list's filters, as a query gives them: a filter absent or undefined does not narrow the list. */
export interface CaseListFilters {
  status?: Status | undefined;
  gridId?: string | undefined;
  assignee?: string | undefined;
  track?: Track | undefined;
  firstTime?: 'true' | 'false' | undefined;
  dueBefore?: string | undefined;
  /** 重点信访矛盾: key cases only (`true`) or none of them (`false`). */
  key?: 'true' | 'false' | undefined;
  /** 积案: cases carried from before the system only (`true`) or none of them (`false`). */
  backlog?: 'true' | 'false' | undefined;
}

/** Filters an index does not answer, applied to what it returns; `hiddenFrom` is the caller (see isHiddenFrom). */
export type ResidualFilters = Omit<CaseListFilters, 'gridId'> & { gridPath?: string; hiddenFrom?: string };

/** One index partition to read. `related` reads the relations index and skips cases already listed by grid. */
export type ListSource =
  | { index: 'all' }
  | { index: 'status'; status: Status }
  | { index: 'grid'; path: string }
  /** The town's key cases, or its carried cases: sparse partitions, read whole by the town's readers. */
  | { index: 'key' }
  | { index: 'backlog' }
  | {
      index: 'related';
      userId: string;
      relation?: 'assignee' | 'owner' | 'petitioner';
      skipGridPaths: readonly string[];
    };

export interface CaseListPlan {
  sources: ListSource[];
  filters: ResidualFilters;
}

/**
 * Plans a list: the sources of the caller's scope, narrowed by the filters. `gridPath` is the path of the `gridId`
 * filter's grid, which includes its descendants.
 */
export function caseListPlan(
  principal: Principal,
  filters: CaseListFilters,
  scopeGridPaths: readonly string[],
  gridPath?: string,
): CaseListPlan {
  const scope = caseScope(principal, scopeGridPaths);
  const assignee = filters.assignee === 'me' ? principal.userId : filters.assignee;
  const { status, track, firstTime, dueBefore, key, backlog } = filters;
  const residual = { track, firstTime, dueBefore, key, backlog, hiddenFrom: principal.userId };
  if (scope.kind === 'none' || scope.kind === 'own') return { sources: [], filters: residual };

  if (scope.kind === 'town') {
    // the key and backlog partitions hold a few cases of the town: read them before any wider one
    const flagged = key === 'true' ? 'key' : backlog === 'true' ? 'backlog' : undefined;
    if (flagged)
      return {
        sources: [{ index: flagged }],
        filters: { ...residual, status, assignee, ...(gridPath !== undefined ? { gridPath } : {}) },
      };
    if (gridPath !== undefined)
      return { sources: [{ index: 'grid', path: gridPath }], filters: { ...residual, status, assignee } };
    if (assignee !== undefined)
      return {
        sources: [{ index: 'related', userId: assignee, relation: 'assignee', skipGridPaths: [] }],
        filters: { ...residual, status },
      };
    if (status !== undefined) return { sources: [{ index: 'status', status }], filters: residual };
    return { sources: [{ index: 'all' }], filters: residual };
  }

  // limited: the caller's grids (narrowed to the requested subtree), then what they are related to elsewhere
  const grids =
    gridPath === undefined
      ? scope.gridPaths
      : scope.gridPaths.some((p) => gridPath.startsWith(p))
        ? [gridPath]
        : scope.gridPaths.filter((p) => p.startsWith(gridPath));
  // an assignee filter narrows what the scope shows; it never widens or empties it
  const related: ListSource = { index: 'related', userId: scope.userId, skipGridPaths: grids };
  return {
    sources: [...grids.map((path) => ({ index: 'grid' as const, path })), related],
    filters: {
      ...residual,
      status,
      ...(assignee !== undefined ? { assignee } : {}),
      ...(gridPath ? { gridPath } : {}),
    },
  };
}

/** Whether a case passes the residual filters (the same test the index queries express). */
export function matchesFilters(record: CaseRecord, filters: ResidualFilters): boolean {
  if (filters.hiddenFrom !== undefined && isHiddenFrom(record, filters.hiddenFrom)) return false;
  if (filters.status !== undefined && record.status !== filters.status) return false;
  if (filters.assignee !== undefined && record.assignee !== filters.assignee) return false;
  if (filters.track !== undefined && record.track !== filters.track) return false;
  if (filters.firstTime !== undefined && record.firstTime !== (filters.firstTime === 'true')) return false;
  if (filters.key !== undefined && (record.key !== undefined) !== (filters.key === 'true')) return false;
  if (filters.backlog !== undefined && (record.backlog !== undefined) !== (filters.backlog === 'true'))
    return false;
  if (filters.gridPath !== undefined && !record.gridPath?.startsWith(filters.gridPath)) return false;
  if (filters.dueBefore !== undefined) {
    const due = record.deadlines.extendedTo ?? record.deadlines.replyBy ?? record.deadlines.acknowledgeBy;
    if (!(due < new Date(filters.dueBefore).toISOString())) return false;
  }
  return true;
}

/** Who sees an accuser's identity and the accusation itself (Art 30): the window, the petition office, leaders. */
const ACCUSATION_READERS = ['clerk', 'supervisor', 'leader'] as const;

export const canSeeAccuserIdentity = (principal: Principal): boolean =>
  hasAnyRole(principal, ACCUSATION_READERS);

/**
 * Who may reveal a visible case's personal data: clerks, supervisors and the case's assignee; on an accusation only
 * those of them who may see the accuser at all.
 */
export function mayReveal(principal: Principal, record: CaseRecord): boolean {
  if (principal.kind !== 'staff') return false;
  const allowed = hasAnyRole(principal, ['clerk', 'supervisor']) || record.assignee === principal.userId;
  return allowed && (record.type !== 'accusation' || canSeeAccuserIdentity(principal));
}
