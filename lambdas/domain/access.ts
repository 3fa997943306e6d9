import type { CaseRecord } from './case.js';
import type { Status, Track } from './catalog.js';
import { hasAnyRole, type Principal } from './roles.js';

/**
 * The access policy, in one place: who sees which cases. Invisible cases are reported as not found, and lists are
 * read through the index that matches the caller's scope, never read whole and then dropped.
 */

const TOWN_READERS = ['clerk', 'leader', 'supervisor', 'admin'] as const;

/** What the caller may read: the whole town, or the cases assigned to them. */
export type CaseScope = { kind: 'town' } | { kind: 'assigned'; userId: string } | { kind: 'none' };

export function caseScope(principal: Principal): CaseScope {
  if (principal.kind === 'petitioner') return { kind: 'none' };
  if (hasAnyRole(principal, TOWN_READERS)) return { kind: 'town' };
  if (hasAnyRole(principal, ['handler', 'grid_worker']))
    return { kind: 'assigned', userId: principal.userId };
  return { kind: 'none' };
}

export function canSeeCase(principal: Principal, record: CaseRecord): boolean {
  if (principal.town !== record.town) return false;
  const scope = caseScope(principal);
  if (scope.kind === 'town') return true;
  if (scope.kind === 'assigned') return record.assignee === scope.userId || record.owner === scope.userId;
  return false;
}

export interface CaseListFilters {
  status?: Status;
  gridId?: string;
  assignee?: string;
  track?: Track;
  firstTime?: 'true' | 'false';
  dueBefore?: string;
}

/** Which index a list reads, and which filters remain to apply to what it returns. */
export type CaseListPlan =
  | { index: 'all' | 'status' | 'assignee' | 'grid'; key: string; filters: Omit<CaseListFilters, 'gridId'> }
  | { index: 'empty' };

/** `gridPath` is the path of the `gridId` filter's grid (`/root/child/`), which includes its descendants. */
export function caseListPlan(
  principal: Principal,
  filters: CaseListFilters,
  gridPath?: string,
): CaseListPlan {
  const scope = caseScope(principal);
  if (scope.kind === 'none') return { index: 'empty' };
  const assignee = filters.assignee === 'me' ? principal.userId : filters.assignee;
  const { status, track, firstTime, dueBefore } = filters;
  if (scope.kind === 'assigned') {
    if (assignee !== undefined && assignee !== scope.userId) return { index: 'empty' };
    if (gridPath !== undefined) return { index: 'empty' };
    return { index: 'assignee', key: scope.userId, filters: { status, track, firstTime, dueBefore } };
  }
  if (gridPath !== undefined)
    return { index: 'grid', key: gridPath, filters: { status, assignee, track, firstTime, dueBefore } };
  if (assignee !== undefined)
    return { index: 'assignee', key: assignee, filters: { status, track, firstTime, dueBefore } };
  if (status !== undefined) return { index: 'status', key: status, filters: { track, firstTime, dueBefore } };
  return { index: 'all', key: principal.town, filters: { track, firstTime, dueBefore } };
}
