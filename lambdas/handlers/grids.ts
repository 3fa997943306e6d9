import { randomBytes } from 'node:crypto';
import { CaseRepository } from '../adapters/case-repository.js';
import { type Deps, depsFromEnv } from '../adapters/deps.js';
import { GridRepository } from '../adapters/grid-repository.js';
import { townSettings } from '../adapters/settings-repository.js';
import { DEFAULT_CATEGORY_CODES } from '../domain/catalog.js';
import { beijingDate } from '../domain/deadlines.js';
import { NotFoundError, RuleViolationError } from '../domain/errors.js';
import { childPath, type GridRecord, parentProblem } from '../domain/grid.js';
import type { PatrolRecord } from '../domain/patrol.js';
import { STAFF_ROLES } from '../domain/roles.js';
import { createApiHandler, lazyHandler } from '../http/api.js';
import { requireRole } from '../http/auth.js';
import { HttpProblem, validationProblem } from '../http/problem.js';
import {
  createGridBody,
  isoDate,
  MAX_FINDINGS,
  patchGridBody,
  patrolRange,
  staffBody,
  userId,
} from '../http/grid-schemas.js';
import { patrolFindingBody } from '../http/schemas.js';
import { parseWith, z } from '../http/validation.js';
import { caseView } from '../http/views.js';
import { prepareRegistration, registrationDepsOf, registrationWrites } from '../usecases/register-case.js';
import { CounterRepository } from '../adapters/counter-repository.js';
import { patrolCounts, registrationCounts } from '../domain/counters.js';
import { NotificationRepository } from '../adapters/notification-repository.js';

const gridView = ({ town: _town, path: _path, ...grid }: GridRecord) => grid;
const newGridId = () => `g_${randomBytes(9).toString('base64url')}`;

export function createGridsHandler(deps: Deps) {
  const grids = new GridRepository(deps.db, deps.tables.grids);
  const cases = new CaseRepository(deps.db, deps.tables.cases);
  const settings = townSettings(deps);

  const notifications = new NotificationRepository(deps.db, deps.tables.cases);
  const counters = new CounterRepository(deps.db, deps.tables.cases);

  const loadGrid = async (town: string, id: string | undefined) => {
    const grid = id ? await grids.get(town, id) : undefined;
    if (!grid) throw new NotFoundError();
    return grid;
  };

  return createApiHandler({
    family: 'grids',
    deps,
    routes: {
      'POST /v1/grids': {
        async handle(request) {
          requireRole(request.principal, ['admin']);
          const body = request.body(createGridBody);
          const town = request.principal.town;
          const parent = body.parentId ? await grids.get(town, body.parentId) : undefined;
          if (body.parentId && !parent)
            throw validationProblem([{ path: 'parentId', message: 'is not a grid of this town' }]);
          const problem = parentProblem({ level: body.level }, parent);
          if (problem) throw validationProblem([{ path: 'parentId', message: problem }]);
          const id = newGridId();
          const at = deps.now().toISOString();
          const grid: GridRecord = {
            ...body,
            id,
            town,
            path: childPath(parent?.path, id),
            createdAt: at,
            updatedAt: at,
          };
          await grids.create(grid);
          return { status: 201, body: gridView(grid), headers: { location: `/v1/grids/${id}` } };
        },
      },
      'GET /v1/grids': {
        async handle(request) {
          requireRole(request.principal, STAFF_ROLES);
          return { status: 200, body: { items: (await grids.tree(request.principal.town)).map(gridView) } };
        },
      },
      'GET /v1/grids/{id}': {
        async handle(request) {
          const grid = await loadGrid(request.principal.town, request.params.id);
          requireRole(request.principal, STAFF_ROLES);
          return {
            status: 200,
            body: { ...gridView(grid), workers: await grids.workersOf(grid.town, grid.id) },
          };
        },
      },
      'PATCH /v1/grids/{id}': {
        async handle(request) {
          const town = request.principal.town;
          const grid = await loadGrid(town, request.params.id);
          requireRole(request.principal, ['admin']);
          const body = request.body(patchGridBody);
          const { parentId, ...fields } = body;
          const at = deps.now().toISOString();
          const moving = parentId !== undefined && parentId !== grid.parentId;
          if (!moving) {
            const updated = { ...grid, ...fields, updatedAt: at };
            if (!(await grids.update([{ before: grid, after: updated }])))
              throw new HttpProblem('stale-version', {});
            return { status: 200, body: gridView(updated) };
          }
          const parent = await grids.get(town, parentId);
          if (!parent) throw validationProblem([{ path: 'parentId', message: 'is not a grid of this town' }]);
          const problem = parentProblem(grid, parent);
          if (problem) throw validationProblem([{ path: 'parentId', message: problem }]);
          // cases keep the path they were registered under: a grid that has any may not move
          if (await cases.anyInGridPath(town, grid.path))
            throw new RuleViolationError(
              'grid-has-cases',
              'a grid with cases (or whose sub-grids have cases) cannot move',
            );
          const newPath = childPath(parent.path, grid.id);
          const subtree = (await grids.tree(town)).filter((g) => g.path.startsWith(grid.path));
          const changes = subtree.map((before) => ({
            before,
            after: {
              ...before,
              ...(before.id === grid.id ? { ...fields, parentId } : {}),
              path: newPath + before.path.slice(grid.path.length),
              updatedAt: at,
            },
          }));
          if (changes.length > 100)
            throw new RuleViolationError('subtree-too-large', 'move the sub-grids first');
          if (!(await grids.update(changes))) throw new HttpProblem('stale-version', {});
          const moved = changes.find((c) => c.after.id === grid.id)!.after;
          return { status: 200, body: gridView(moved) };
        },
      },
      'PUT /v1/grids/{id}/workers/{userId}': {
        async handle(request) {
          const grid = await loadGrid(request.principal.town, request.params.id);
          requireRole(request.principal, ['admin']);
          const worker = parseWith(userId, request.params.userId, request.language);
          await grids.assignWorker(grid.town, grid.id, worker, deps.now().toISOString());
          return { status: 200, body: { gridId: grid.id, userId: worker } };
        },
      },
      'DELETE /v1/grids/{id}/workers/{userId}': {
        async handle(request) {
          const grid = await loadGrid(request.principal.town, request.params.id);
          requireRole(request.principal, ['admin']);
          if (!(await grids.removeWorker(grid.town, grid.id, request.params.userId ?? '')))
            throw new NotFoundError();
          return { status: 204 };
        },
      },
      'GET /v1/staff': {
        async handle(request) {
          requireRole(request.principal, STAFF_ROLES);
          const items = (await grids.staff(request.principal.town)).map(({ town: _town, ...staff }) => staff);
          return { status: 200, body: { items } };
        },
      },
      'PUT /v1/staff/{userId}': {
        async handle(request) {
          requireRole(request.principal, ['admin']);
          const body = request.body(staffBody);
          const staff = {
            ...body,
            userId: parseWith(userId, request.params.userId, request.language),
            town: request.principal.town,
            updatedAt: deps.now().toISOString(),
          };
          await grids.putStaff(staff);
          const { town: _town, ...view } = staff;
          return { status: 200, body: view };
        },
      },
      'POST /v1/grids/{id}/patrols': {
        async handle(request) {
          const town = request.principal.town;
          const grid = await loadGrid(town, request.params.id);
          requireRole(request.principal, ['grid_worker']);
          const assigned = new Set(await grids.gridsOfWorker(town, request.principal.userId));
          const tree = await grids.tree(town);
          const mine = tree.some((g) => assigned.has(g.id) && grid.path.startsWith(g.path));
          if (!mine)
            throw new HttpProblem('forbidden', {
              zh: '只能为本人负责的网格登记巡查',
              en: 'Only the grid’s own workers log its patrols',
            });

          const now = deps.now();
          const { policy, calendar } = await settings.get(town);
          const rules = { now, policy, categories: DEFAULT_CATEGORY_CODES };
          const body = request.body(
            z.strictObject({
              date: isoDate.refine((d) => d <= beijingDate(now), { message: 'may not be in the future' }),
              households: z.number().int().min(0).max(100_000).optional(),
              notes: z.string().trim().min(1).max(4000).optional(),
              findings: z.array(patrolFindingBody(rules)).max(MAX_FINDINGS).optional(),
            }),
          );
          const prepared = [];
          for (const finding of body.findings ?? [])
            prepared.push(
              await prepareRegistration(
                registrationDepsOf(deps, cases, grids),
                { ...finding, channel: 'patrol', gridId: grid.id },
                { principal: request.principal, now, policy, calendar, grid },
              ),
            );
          const patrol: PatrolRecord = {
            id: randomBytes(9).toString('base64url'),
            town,
            gridId: grid.id,
            date: body.date,
            workerId: request.principal.userId,
            ...(body.households !== undefined ? { households: body.households } : {}),
            ...(body.notes ? { notes: body.notes } : {}),
            caseIds: prepared.map((p) => p.record.id),
            createdAt: now.toISOString(),
          };
          await cases.transact([
            grids.patrolPut(patrol),
            ...prepared.flatMap((p) => registrationWrites({ cases, notifications }, p)),
            ...counters.updates(town, patrol.id, [
              ...patrolCounts(grid.id, patrol.date),
              ...prepared.flatMap((p) => registrationCounts(p.record)),
            ]),
          ]);
          const { town: _town, ...patrolView } = patrol;
          return {
            status: 201,
            body: { patrol: patrolView, cases: prepared.map((p) => caseView(p.record, request.principal)) },
            headers: { location: `/v1/grids/${grid.id}/patrols?from=${body.date}&to=${body.date}` },
          };
        },
      },
      'GET /v1/grids/{id}/patrols': {
        async handle(request) {
          const grid = await loadGrid(request.principal.town, request.params.id);
          requireRole(request.principal, STAFF_ROLES);
          const range = parseWith(patrolRange, request.query, request.language);
          if (range.from > range.to)
            throw validationProblem([{ path: 'to', message: 'must not be before from' }]);
          const items = (await grids.patrolsOf(grid.town, grid.id, range.from, range.to)).map(
            ({ town: _town, ...patrol }) => patrol,
          );
          return { status: 200, body: { items } };
        },
      },
    },
  });
}

export const handler = lazyHandler(() => createGridsHandler(depsFromEnv()));
