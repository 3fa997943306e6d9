import { describe, expect, it } from 'vitest';
import {
  type CaseListFilters,
  type CaseListPlan,
  canSeeCase,
  caseListPlan,
  caseRelations,
  caseScope,
  isInGrids,
  type ListSource,
  matchesFilters,
  outermostPaths,
} from '../../lambdas/domain/access.js';
import type { CaseRecord } from '../../lambdas/domain/case.js';
import type { Principal, StaffRole } from '../../lambdas/domain/roles.js';

/**
 * The access policy, pure: the scope of each role, who sees which case, how a list is planned, and the filters a plan
 * leaves to apply. The last part runs every plan over an in-memory town the way the repository reads the indexes,
 * and checks that a list is exactly the visible cases that match the filters, each once.
 */

const TOWN = 'town-a';

const staff = (roles: StaffRole[], userId: string, town = TOWN): Principal => ({
  kind: 'staff',
  userId,
  town,
  roles,
});
const petitioner = (userId: string, town = TOWN): Principal => ({ kind: 'petitioner', userId, town });

let counter = 0;
function record(fields: Partial<CaseRecord> & { id: string }): CaseRecord {
  counter += 1;
  const createdAt = new Date(Date.UTC(2026, 10, 20, 1, 0, counter)).toISOString();
  return {
    town: TOWN,
    number: `XF-20261120-${String(counter).padStart(4, '0')}`,
    version: 1,
    kind: 'petition',
    channel: 'visit',
    type: 'claim',
    category: 'labor_wages',
    title: '拖欠工资',
    description: '工地拖欠三个月工资',
    receivedAt: createdAt,
    petitioners: [{ name: '张三' }],
    headcount: 1,
    collective: false,
    status: 'registered',
    firstTime: true,
    deadlines: { acknowledgeBy: '2026-12-05T16:00:00.000Z' },
    registeredBy: { id: 'clerk-1', role: 'clerk' },
    timelineHead: { seq: 1, hash: 'h' },
    createdAt,
    updatedAt: createdAt,
    ...fields,
  };
}

/** The tree: A with units A1 and A2, B with unit B1 (`/AB/` is a sibling whose path begins with A's letters). */
const P = { A: '/A/', A1: '/A/A1/', A2: '/A/A2/', B: '/B/', B1: '/B/B1/', AB: '/AB/' } as const;

describe('outermostPaths', () => {
  it('drops duplicates and paths an ancestor in the set already covers', () => {
    expect(outermostPaths([P.A1, P.A, P.A1, P.A2])).toEqual([P.A]);
    expect(outermostPaths([P.B1, P.A1, P.B])).toEqual([P.A1, P.B]);
  });

  it('keeps siblings, even one whose name begins with the other', () => {
    expect(outermostPaths([P.AB, P.A]).sort()).toEqual([P.A, P.AB]);
    expect(outermostPaths([P.A1, P.A2])).toEqual([P.A1, P.A2]);
  });

  it('answers nothing for nothing', () => {
    expect(outermostPaths([])).toEqual([]);
  });
});

describe('caseScope', () => {
  it('gives the whole town to clerks, leaders, supervisors and admins', () => {
    for (const role of ['clerk', 'leader', 'supervisor', 'admin'] as const)
      expect(caseScope(staff([role], 'u'), [P.A]), role).toEqual({ kind: 'town' });
  });

  it('limits a grid worker to the outermost of their grids', () => {
    expect(caseScope(staff(['grid_worker'], 'w'), [P.A1, P.A, P.B1])).toEqual({
      kind: 'limited',
      userId: 'w',
      gridPaths: [P.A, P.B1],
    });
    expect(caseScope(staff(['grid_worker'], 'w'), [])).toEqual({
      kind: 'limited',
      userId: 'w',
      gridPaths: [],
    });
  });

  it('gives a handler no grids, even when grid paths are passed', () => {
    expect(caseScope(staff(['handler'], 'h'), [P.A])).toEqual({
      kind: 'limited',
      userId: 'h',
      gridPaths: [],
    });
  });

  it('unites several roles: a town role wins, a worker-handler keeps the grids', () => {
    expect(caseScope(staff(['grid_worker', 'clerk'], 'x'), [P.A])).toEqual({ kind: 'town' });
    expect(caseScope(staff(['handler', 'grid_worker'], 'x'), [P.A])).toEqual({
      kind: 'limited',
      userId: 'x',
      gridPaths: [P.A],
    });
  });

  it('gives a petitioner their own cases', () => {
    expect(caseScope(petitioner('citizen-1'), [P.A])).toEqual({ kind: 'own', userId: 'citizen-1' });
  });
});

describe('caseRelations and isInGrids', () => {
  it('relates the assignee, the owner and each team member, merging the relations of one person', () => {
    const relations = caseRelations(record({ id: 'r', assignee: 'h1', owner: 'l1', team: ['h1', 'helper'] }));
    expect(Object.fromEntries(relations)).toEqual({
      h1: ['assignee', 'team'],
      l1: ['owner'],
      helper: ['team'],
    });
  });

  it('puts a case in a grid subtree by path prefix, and a gridless case in none', () => {
    expect(isInGrids(record({ id: 'g', gridPath: P.A1 }), [P.A])).toBe(true);
    expect(isInGrids(record({ id: 'g', gridPath: P.AB }), [P.A])).toBe(false);
    expect(isInGrids(record({ id: 'g', gridPath: P.A }), [P.A1])).toBe(false);
    expect(isInGrids(record({ id: 'n' }), [P.A, '/'])).toBe(false);
  });
});

describe('canSeeCase', () => {
  const inA1 = record({ id: 'a1', gridId: 'A1', gridPath: P.A1 });
  const inB = record({ id: 'b', gridId: 'B', gridPath: P.B, assignee: 'handler-1' });
  const owned = record({ id: 'o', gridPath: P.B1, owner: 'leader-1', team: ['helper-1'] });
  const gridless = record({ id: 'n' });
  const online = record({ id: 'p', channel: 'online', petitionerUserId: 'citizen-1' });
  const elsewhere = record({ id: 'x', town: 'town-b', gridPath: P.A1, assignee: 'handler-1' });

  it('shows a town reader every case of the town, none of another', () => {
    for (const role of ['clerk', 'leader', 'supervisor', 'admin'] as const) {
      const reader = staff([role], `${role}-1`);
      for (const c of [inA1, inB, owned, gridless, online])
        expect(canSeeCase(reader, c), `${role} ${c.id}`).toBe(true);
      expect(canSeeCase(reader, elsewhere), role).toBe(false);
    }
  });

  it('shows a grid worker the cases of their grids and below, nothing else', () => {
    const worker = staff(['grid_worker'], 'worker-a');
    expect(canSeeCase(worker, inA1, [P.A])).toBe(true);
    expect(canSeeCase(worker, inA1, [P.A1])).toBe(true);
    expect(canSeeCase(worker, inB, [P.A])).toBe(false);
    expect(canSeeCase(worker, gridless, [P.A])).toBe(false);
    expect(canSeeCase(worker, record({ id: 'ab', gridPath: P.AB }), [P.A])).toBe(false);
    // a worker of a unit does not see its parent's own cases
    expect(canSeeCase(worker, record({ id: 'a', gridPath: P.A }), [P.A1])).toBe(false);
    // with no assignment, nothing
    expect(canSeeCase(worker, inA1, [])).toBe(false);
    // other town, same path
    expect(canSeeCase(staff(['grid_worker'], 'worker-a', 'town-b'), inA1, [P.A])).toBe(false);
  });

  it('shows a grid worker a case outside their grids that they are related to', () => {
    const worker = staff(['grid_worker'], 'worker-a');
    expect(canSeeCase(worker, record({ id: 'rel', gridPath: P.B, assignee: 'worker-a' }), [P.A])).toBe(true);
    expect(canSeeCase(worker, record({ id: 'team', team: ['worker-a'] }), [P.A])).toBe(true);
  });

  it('shows a handler the cases they are assignee, owner or team member of, nothing else', () => {
    expect(canSeeCase(staff(['handler'], 'handler-1'), inB)).toBe(true);
    expect(canSeeCase(staff(['handler'], 'handler-2'), inB)).toBe(false);
    expect(canSeeCase(staff(['handler'], 'leader-1'), owned)).toBe(true);
    expect(canSeeCase(staff(['handler'], 'helper-1'), owned)).toBe(true);
    expect(canSeeCase(staff(['handler'], 'handler-1'), inA1)).toBe(false);
    expect(canSeeCase(staff(['handler'], 'handler-1'), gridless)).toBe(false);
    // grid paths give a handler nothing
    expect(canSeeCase(staff(['handler'], 'handler-1'), inA1, [P.A])).toBe(false);
    // relations in another town give nothing
    expect(canSeeCase(staff(['handler'], 'handler-1'), elsewhere)).toBe(false);
  });

  it('never shows an accusation to the staff member it accuses, whatever their roles (Art 30, 46)', () => {
    const accusation = record({
      id: 'acc',
      type: 'accusation',
      gridPath: P.A1,
      respondent: { name: '王某', kind: 'person', userId: 'clerk-2' },
    });
    expect(canSeeCase(staff(['clerk'], 'clerk-2'), accusation)).toBe(false);
    expect(canSeeCase(staff(['supervisor', 'leader'], 'clerk-2'), accusation)).toBe(false);
    expect(canSeeCase(staff(['clerk'], 'clerk-1'), accusation)).toBe(true);
    expect(canSeeCase(staff(['grid_worker'], 'clerk-2'), accusation, [P.A])).toBe(false);
    expect(canSeeCase(staff(['grid_worker'], 'worker-a'), accusation, [P.A])).toBe(true);
    // a claim naming a staff member as respondent is not hidden from them
    expect(canSeeCase(staff(['clerk'], 'clerk-2'), { ...accusation, type: 'claim' })).toBe(true);
  });

  it('shows a petitioner their own cases only', () => {
    expect(canSeeCase(petitioner('citizen-1'), online)).toBe(true);
    expect(canSeeCase(petitioner('citizen-2'), online)).toBe(false);
    expect(canSeeCase(petitioner('citizen-1'), inA1)).toBe(false);
    expect(canSeeCase(petitioner('handler-1'), inB)).toBe(false);
    expect(canSeeCase(petitioner('citizen-1', 'town-b'), online)).toBe(false);
  });
});

describe('caseListPlan', () => {
  const clerk = staff(['clerk'], 'clerk-1');
  const worker = staff(['grid_worker'], 'worker-a');
  const handler = staff(['handler'], 'handler-1');

  it('reads the whole town for a town reader without filters', () => {
    const plan = caseListPlan(clerk, {}, []);
    expect(plan.sources).toEqual([{ index: 'all' }]);
    expect(plan.filters.status).toBeUndefined();
    expect(plan.filters.assignee).toBeUndefined();
    expect(plan.filters.gridPath).toBeUndefined();
  });

  it('reads the status partition for a status filter, leaving nothing of it to filter', () => {
    const plan = caseListPlan(clerk, { status: 'accepted', track: 'immediate' }, []);
    expect(plan.sources).toEqual([{ index: 'status', status: 'accepted' }]);
    expect(plan.filters.status).toBeUndefined();
    expect(plan.filters.track).toBe('immediate');
  });

  it('reads the grid subtree for a gridId filter, keeping status and assignee as filters', () => {
    const plan = caseListPlan(clerk, { gridId: 'A', status: 'accepted', assignee: 'handler-1' }, [], P.A);
    expect(plan.sources).toEqual([{ index: 'grid', path: P.A }]);
    expect(plan.filters).toMatchObject({ status: 'accepted', assignee: 'handler-1' });
  });

  it("reads the caller's assignee relations for assignee=me", () => {
    const plan = caseListPlan(clerk, { assignee: 'me' }, []);
    expect(plan.sources).toEqual([
      { index: 'related', userId: 'clerk-1', relation: 'assignee', skipGridPaths: [] },
    ]);
  });

  it("reads a worker's grids, then their relations without the cases already listed by grid", () => {
    const plan = caseListPlan(worker, {}, [P.A, P.B1]);
    expect(plan.sources).toEqual([
      { index: 'grid', path: P.A },
      { index: 'grid', path: P.B1 },
      { index: 'related', userId: 'worker-a', skipGridPaths: [P.A, P.B1] },
    ]);
  });

  it('reads overlapping grid assignments once (dedupe)', () => {
    const plan = caseListPlan(worker, {}, [P.A1, P.A, P.A1]);
    expect(plan.sources.filter((s) => s.index === 'grid')).toEqual([{ index: 'grid', path: P.A }]);
  });

  it("narrows a worker's scope to the gridId filter's subtree", () => {
    const plan = caseListPlan(worker, { gridId: 'A1' }, [P.A], P.A1);
    expect(plan.sources.filter((s) => s.index === 'grid')).toEqual([{ index: 'grid', path: P.A1 }]);
    expect(plan.filters.gridPath).toBe(P.A1);
  });

  it('narrows to the assigned grids inside a wider gridId filter', () => {
    const plan = caseListPlan(worker, { gridId: 'A' }, [P.A1, P.A2, P.B], P.A);
    expect(plan.sources.filter((s) => s.index === 'grid')).toEqual([
      { index: 'grid', path: P.A1 },
      { index: 'grid', path: P.A2 },
    ]);
    expect(plan.filters.gridPath).toBe(P.A);
  });

  it("reads none of a worker's grids for a gridId outside them, only relations filtered to that grid", () => {
    const plan = caseListPlan(worker, { gridId: 'B' }, [P.A], P.B);
    expect(plan.sources.filter((s) => s.index === 'grid')).toEqual([]);
    expect(plan.sources).toContainEqual(expect.objectContaining({ index: 'related', userId: 'worker-a' }));
    expect(plan.filters.gridPath).toBe(P.B);
  });

  it('reads a handler only through their relations', () => {
    expect(caseListPlan(handler, {}, [P.A]).sources).toEqual([
      { index: 'related', userId: 'handler-1', skipGridPaths: [] },
    ]);
    const mine = caseListPlan(handler, { assignee: 'me' }, []);
    expect(mine.sources).toEqual([{ index: 'related', userId: 'handler-1', skipGridPaths: [] }]);
    expect(mine.filters.assignee).toBe('handler-1');
    expect(caseListPlan(handler, { assignee: 'handler-1' }, []).filters.assignee).toBe('handler-1');
  });

  it("lists for a worker's assignee=me the cases assigned to them in their own grids too", () => {
    // no grid source is read for an assignee filter, so the relations source must not skip the worker's grids
    const plan = caseListPlan(worker, { assignee: 'me' }, [P.A]);
    const mine = record({ id: 'mine', gridPath: P.A1, status: 'accepted', assignee: 'worker-a' });
    expect(runPlan(plan, [mine])).toEqual(['mine']);
  });

  it("lists for a worker's assignee=<someone else> the cases of their grids assigned to that person", () => {
    // the worker reads this case (it is in their grid): filtering by its assignee must not hide it
    const theirs = record({ id: 'theirs', gridPath: P.A1, status: 'accepted', assignee: 'handler-1' });
    expect(canSeeCase(worker, theirs, [P.A])).toBe(true);
    expect(runPlan(caseListPlan(worker, { assignee: 'handler-1' }, [P.A]), [theirs])).toEqual(['theirs']);
  });

  it("lists for a team member's assignee=<the assignee> the case they work on", () => {
    const teamCase = record({ id: 'team', status: 'accepted', assignee: 'handler-2', team: ['handler-1'] });
    expect(canSeeCase(handler, teamCase)).toBe(true);
    expect(runPlan(caseListPlan(handler, { assignee: 'handler-2' }, []), [teamCase])).toEqual(['team']);
  });

  it('lists nothing for a handler asking for the assignments of someone they share no case with', () => {
    const other = record({ id: 'other', status: 'accepted', assignee: 'handler-2' });
    expect(runPlan(caseListPlan(handler, { assignee: 'handler-2' }, []), [other])).toEqual([]);
  });

  it('lists nothing for a petitioner', () => {
    expect(caseListPlan(petitioner('citizen-1'), {}, []).sources).toEqual([]);
  });
});

describe('matchesFilters', () => {
  const c = record({
    id: 'm',
    status: 'accepted',
    assignee: 'handler-1',
    track: 'coordinated',
    firstTime: false,
    gridPath: P.A1,
    deadlines: { acknowledgeBy: '2026-12-05T16:00:00.000Z', replyBy: '2027-01-20T16:00:00.000Z' },
  });

  it('passes everything with no filters', () => {
    expect(matchesFilters(c, {})).toBe(true);
  });

  it('checks status, assignee, track and firstTime', () => {
    expect(matchesFilters(c, { status: 'accepted' })).toBe(true);
    expect(matchesFilters(c, { status: 'registered' })).toBe(false);
    expect(matchesFilters(c, { assignee: 'handler-1' })).toBe(true);
    expect(matchesFilters(c, { assignee: 'handler-2' })).toBe(false);
    expect(matchesFilters(record({ id: 'u' }), { assignee: 'handler-1' })).toBe(false);
    expect(matchesFilters(c, { track: 'coordinated' })).toBe(true);
    expect(matchesFilters(c, { track: 'immediate' })).toBe(false);
    expect(matchesFilters(c, { firstTime: 'false' })).toBe(true);
    expect(matchesFilters(c, { firstTime: 'true' })).toBe(false);
  });

  it('checks the grid subtree by path, leaving out gridless cases', () => {
    expect(matchesFilters(c, { gridPath: P.A })).toBe(true);
    expect(matchesFilters(c, { gridPath: P.A1 })).toBe(true);
    expect(matchesFilters(c, { gridPath: P.A2 })).toBe(false);
    expect(matchesFilters(record({ id: 'ab', gridPath: P.AB }), { gridPath: P.A })).toBe(false);
    expect(matchesFilters(record({ id: 'n' }), { gridPath: P.A })).toBe(false);
  });

  it('compares dueBefore with the deadline in force: extendedTo, else replyBy, else acknowledgeBy', () => {
    // replyBy 2027-01-20T16:00Z is in force
    expect(matchesFilters(c, { dueBefore: '2027-01-21T01:00:00+08:00' })).toBe(true);
    expect(matchesFilters(c, { dueBefore: '2027-01-20T16:00:00.001Z' })).toBe(true);
    // the instant itself is not before, whatever its offset
    expect(matchesFilters(c, { dueBefore: '2027-01-20T16:00:00Z' })).toBe(false);
    expect(matchesFilters(c, { dueBefore: '2027-01-21T00:00:00+08:00' })).toBe(false);
    expect(matchesFilters(c, { dueBefore: '2026-12-10T00:00:00Z' })).toBe(false);
    const extended = { ...c, deadlines: { ...c.deadlines, extendedTo: '2027-02-19T16:00:00.000Z' } };
    expect(matchesFilters(extended, { dueBefore: '2027-01-25T00:00:00Z' })).toBe(false);
    expect(matchesFilters(extended, { dueBefore: '2027-02-20T00:00:00Z' })).toBe(true);
    const fresh = record({ id: 'f' });
    expect(matchesFilters(fresh, { dueBefore: '2026-12-06T00:00:00Z' })).toBe(true);
    expect(matchesFilters(fresh, { dueBefore: '2026-12-05T00:00:00Z' })).toBe(false);
  });

  it('needs every filter to hold', () => {
    expect(matchesFilters(c, { status: 'accepted', track: 'coordinated', gridPath: P.A })).toBe(true);
    expect(matchesFilters(c, { status: 'accepted', track: 'immediate', gridPath: P.A })).toBe(false);
  });
});

/**
 * Plans run over an in-memory town, reading each source the way the repository reads its index: `all` the town's
 * cases, `status` by status, `grid` by path prefix, `related` by relation (and relation kind) without the cases in
 * `skipGridPaths`; what each source returns is then put through the plan's residual filters.
 */
function inSource(source: ListSource, c: CaseRecord): boolean {
  switch (source.index) {
    case 'all':
      return true;
    case 'status':
      return c.status === source.status;
    case 'grid':
      return c.gridPath?.startsWith(source.path) ?? false;
    case 'related': {
      const relations = caseRelations(c).get(source.userId);
      if (!relations) return false;
      if (source.relation && !relations.includes(source.relation)) return false;
      return !isInGrids(c, source.skipGridPaths);
    }
    case 'key':
      return c.key !== undefined;
    case 'backlog':
      return c.backlog !== undefined;
  }
}

function runPlan(plan: CaseListPlan, cases: readonly CaseRecord[]): string[] {
  const listed: string[] = [];
  for (const source of plan.sources)
    listed.push(
      ...cases.filter((c) => inSource(source, c) && matchesFilters(c, plan.filters)).map((c) => c.id),
    );
  return listed;
}

/** What a list must be: the cases the caller may see that meet every filter, written out independently. */
function expectedList(
  principal: Principal,
  filters: CaseListFilters,
  scopePaths: readonly string[],
  gridPath: string | undefined,
  cases: readonly CaseRecord[],
): string[] {
  const assignee = filters.assignee === 'me' ? principal.userId : filters.assignee;
  return cases
    .filter((c) => canSeeCase(principal, c, scopePaths))
    .filter((c) => filters.status === undefined || c.status === filters.status)
    .filter((c) => assignee === undefined || c.assignee === assignee)
    .filter((c) => filters.track === undefined || c.track === filters.track)
    .filter((c) => filters.firstTime === undefined || String(c.firstTime) === filters.firstTime)
    .filter((c) => filters.key === undefined || String(c.key !== undefined) === filters.key)
    .filter((c) => filters.backlog === undefined || String(c.backlog !== undefined) === filters.backlog)
    .filter((c) => gridPath === undefined || (c.gridPath?.startsWith(gridPath) ?? false))
    .map((c) => c.id);
}

describe('a list is exactly the visible cases that match, each once', () => {
  const town: CaseRecord[] = [
    record({ id: 'A-open', gridPath: P.A }),
    record({ id: 'A1-worker', gridPath: P.A1, status: 'accepted', assignee: 'worker-a', track: 'immediate' }),
    record({
      id: 'A1-handler',
      gridPath: P.A1,
      status: 'accepted',
      assignee: 'handler-1',
      track: 'coordinated',
    }),
    record({
      id: 'A2-team',
      gridPath: P.A2,
      status: 'accepted',
      assignee: 'handler-2',
      owner: 'leader-1',
      team: ['handler-1', 'worker-a'],
    }),
    record({ id: 'AB-case', gridPath: P.AB, status: 'accepted', assignee: 'worker-a' }),
    record({ id: 'B-handler', gridPath: P.B, status: 'accepted', assignee: 'handler-1', firstTime: false }),
    record({ id: 'B1-repeat', gridPath: P.B1, firstTime: false, owner: 'worker-a' }),
    record({ id: 'window', status: 'accepted', assignee: 'handler-1', track: 'supervised' }),
    record({
      id: 'A-key',
      gridPath: P.A,
      key: { since: '2026-11-20T02:00:00.000Z', by: 'leader-1', reason: '重点' },
    }),
    record({
      id: 'window-key-carried',
      status: 'accepted',
      assignee: 'handler-1',
      key: { since: '2026-11-20T02:00:00.000Z', by: 'leader-1', reason: '重点' },
      backlog: { since: '2019-03-01', carriedStatus: 'accepted', history: [] },
    }),
    record({
      id: 'B-carried',
      gridPath: P.B,
      backlog: { since: '2020-01-02', carriedStatus: 'registered', history: [] },
    }),
    record({ id: 'online', channel: 'online', petitionerUserId: 'citizen-1' }),
    record({
      id: 'A1-accuses-worker',
      type: 'accusation',
      gridPath: P.A1,
      status: 'accepted',
      assignee: 'handler-1',
      respondent: { name: '网格员', kind: 'person', userId: 'worker-a' },
    }),
    record({
      id: 'B-accuses-clerk',
      type: 'accusation',
      gridPath: P.B,
      respondent: { name: '窗口', kind: 'person', userId: 'clerk-1' },
    }),
  ];
  const grids: Record<string, string> = { A: P.A, A1: P.A1, A2: P.A2, AB: P.AB, B: P.B, B1: P.B1 };

  const callers: [string, Principal, string[]][] = [
    ['clerk', staff(['clerk'], 'clerk-1'), []],
    ['leader', staff(['leader'], 'leader-1'), []],
    ['worker of A', staff(['grid_worker'], 'worker-a'), [P.A]],
    ['worker of A and A1 (overlapping)', staff(['grid_worker'], 'worker-a'), [P.A1, P.A]],
    ['worker of A1 and B1', staff(['grid_worker'], 'worker-a'), [P.A1, P.B1]],
    ['worker with no grid', staff(['grid_worker'], 'worker-a'), []],
    ['handler-1', staff(['handler'], 'handler-1'), []],
    ['worker-handler of B', staff(['grid_worker', 'handler'], 'handler-1'), [P.B]],
  ];
  const filterSets: CaseListFilters[] = [
    {},
    { status: 'accepted' },
    { status: 'registered' },
    { track: 'immediate' },
    { firstTime: 'false' },
    { gridId: 'A' },
    { gridId: 'A1' },
    { gridId: 'AB' },
    { gridId: 'B' },
    { gridId: 'A', status: 'accepted' },
    { assignee: 'me' },
    { assignee: 'handler-1' },
    { assignee: 'worker-a' },
    { assignee: 'handler-2' },
    { assignee: 'me', gridId: 'A' },
    { assignee: 'handler-1', status: 'accepted' },
    { key: 'true' },
    { key: 'false' },
    { key: 'true', status: 'accepted' },
    { key: 'true', gridId: 'A' },
    { key: 'true', assignee: 'me' },
    { backlog: 'true' },
    { backlog: 'false', gridId: 'B' },
    { backlog: 'true', key: 'true' },
  ];
  it.each(callers)('%s', (_name, principal, paths) => {
    for (const filters of filterSets) {
      const gridPath = filters.gridId ? grids[filters.gridId] : undefined;
      const listed = runPlan(caseListPlan(principal, filters, paths, gridPath), town);
      const label = `filters ${JSON.stringify(filters)}`;
      expect.soft(new Set(listed).size, `${label}: listed twice: ${listed}`).toBe(listed.length);
      expect
        .soft([...new Set(listed)].sort(), label)
        .toEqual(expectedList(principal, filters, paths, gridPath, town).sort());
    }
  });
});
