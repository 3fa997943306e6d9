import { CaseRepository } from '../adapters/case-repository.js';
import { CounterRepository } from '../adapters/counter-repository.js';
import { type Deps, depsFromEnv } from '../adapters/deps.js';
import { GridRepository } from '../adapters/grid-repository.js';
import { HelperRepository } from '../adapters/helper-repository.js';
import { NotificationRepository } from '../adapters/notification-repository.js';
import { PersonalVault } from '../adapters/personal-vault.js';
import { townSettings } from '../adapters/settings-repository.js';
import { DEFAULT_CATEGORY_CODES } from '../domain/catalog.js';
import { ForbiddenError, NotFoundError } from '../domain/errors.js';
import type { GridRecord } from '../domain/grid.js';
import type { HelperRecord } from '../domain/helper.js';
import { STAFF_ROLES } from '../domain/roles.js';
import { createApiHandler, lazyHandler } from '../http/api.js';
import { requireRole } from '../http/auth.js';
import { parseIfMatch, requireIfMatch } from '../http/command-schemas.js';
import {
  createGridBody,
  patchGridBody,
  patrolBody,
  patrolRange,
  staffBody,
  userId,
} from '../http/grid-schemas.js';
import { createHelperBody, listHelpersQuery, patchHelperBody } from '../http/helper-schemas.js';
import { idempotencyLayer } from '../http/idempotency.js';
import { fieldProblem } from '../http/problem.js';
import { parseWith } from '../http/validation.js';
import { caseView, helperView } from '../http/views.js';
import { addGrid, changeGrid } from '../usecases/grid-tree.js';
import { addHelper, changeHelper } from '../usecases/helper-directory.js';
import { logPatrol, patrolsGrid } from '../usecases/log-patrol.js';

const gridView = ({ town: _town, path: _path, ...grid }: GridRecord) => grid;
/** Who keeps the helper directory: the petition office and the administrator. */
const HELPER_KEEPERS = ['admin', 'supervisor'] as const;
const helperEtag = (record: HelperRecord) => ({ etag: `"${record.version}"` });
/** A helper's grid must be a grid of the town. */
const unknownGridProblem = () => fieldProblem('gridId', (m) => m.field['unknown-grid']);

export function createGridsHandler(deps: Deps) {
  const grids = new GridRepository(deps.db, deps.tables.grids);
  const cases = new CaseRepository(deps.db, deps.tables.cases);
  const settings = townSettings(deps);

  const notifications = new NotificationRepository(deps.db, deps.tables.cases);
  const counters = new CounterRepository(deps.db, deps.tables.cases);
  const helpers = new HelperRepository(deps.db, deps.tables.grids);
  const vault = new PersonalVault(deps.dataKeys);
  const ports = { grids, cases, counters, notifications, vault, mac: deps.mac };
  const directory = { helpers, grids, vault };

  const loadGrid = async (town: string, id: string | undefined) => {
    const grid = id ? await grids.get(town, id) : undefined;
    if (!grid) throw new NotFoundError();
    return grid;
  };

  const loadHelper = async (town: string, id: string | undefined) => {
    const helper = id ? await helpers.get(town, id) : undefined;
    if (!helper) throw new NotFoundError();
    return helper;
  };

  return createApiHandler({
    family: 'grids',
    deps,
    idempotency: idempotencyLayer('grids', deps),
    routes: {
      'POST /v1/grids': {
        async handle(request) {
          requireRole(request.principal, ['admin']);
          const body = request.body(createGridBody);
          const grid = await addGrid(ports, request.principal.town, body, deps.now());
          return { status: 201, body: gridView(grid), headers: { location: `/v1/grids/${grid.id}` } };
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
          const grid = await loadGrid(request.principal.town, request.params.id);
          requireRole(request.principal, ['admin']);
          const change = request.body(patchGridBody);
          return { status: 200, body: gridView(await changeGrid(ports, grid, change, deps.now())) };
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
      'POST /v1/helpers': {
        async handle(request) {
          requireRole(request.principal, HELPER_KEEPERS);
          const body = request.body(createHelperBody);
          const outcome = await addHelper(directory, request.principal.town, body, deps.now());
          if (outcome.kind === 'unknown-grid') throw unknownGridProblem();
          const { helper } = outcome;
          return {
            status: 201,
            body: helperView(helper),
            headers: { location: `/v1/helpers/${helper.id}`, ...helperEtag(helper) },
          };
        },
      },
      'GET /v1/helpers': {
        async handle(request) {
          requireRole(request.principal, STAFF_ROLES);
          const query = parseWith(listHelpersQuery, request.query, request.language);
          const page = await helpers.list(request.principal.town, query, query.limit, query.cursor);
          return {
            status: 200,
            body: {
              items: page.items.map(helperView),
              ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
            },
          };
        },
      },
      'GET /v1/helpers/{id}': {
        async handle(request) {
          const helper = await loadHelper(request.principal.town, request.params.id);
          requireRole(request.principal, STAFF_ROLES);
          return { status: 200, body: helperView(helper), headers: helperEtag(helper) };
        },
      },
      'PATCH /v1/helpers/{id}': {
        async handle(request) {
          const helper = await loadHelper(request.principal.town, request.params.id);
          requireRole(request.principal, HELPER_KEEPERS);
          const raw = request.json();
          const ifMatch = requireIfMatch(request);
          const body = parseWith(patchHelperBody, raw, request.language);
          if (Object.keys(body).length === 0) throw fieldProblem('', (m) => m.field['nothing-to-change']);
          const outcome = await changeHelper(directory, helper, body, parseIfMatch(ifMatch), deps.now());
          if (outcome.kind === 'unknown-grid') throw unknownGridProblem();
          return { status: 200, body: helperView(outcome.helper), headers: helperEtag(outcome.helper) };
        },
      },
      'POST /v1/grids/{id}/patrols': {
        async handle(request) {
          const { principal } = request;
          const grid = await loadGrid(principal.town, request.params.id);
          requireRole(principal, ['grid_worker']);
          if (!(await patrolsGrid(grids, principal, grid))) throw new ForbiddenError('patrol-own-grids');
          const now = deps.now();
          const townRules = await settings.get(principal.town);
          const { date, households, notes, findings } = request.body(
            patrolBody({ now, policy: townRules.policy, categories: DEFAULT_CATEGORY_CODES }),
          );
          const report = {
            date,
            ...(households !== undefined ? { households } : {}),
            ...(notes !== undefined ? { notes } : {}),
            ...(findings !== undefined ? { findings } : {}),
          };
          const logged = await logPatrol(ports, principal, grid, report, { now, settings: townRules });
          const { town: _town, ...patrolView } = logged.patrol;
          return {
            status: 201,
            body: {
              patrol: patrolView,
              cases: logged.cases.map((record) => caseView(record, principal, request.language)),
            },
            headers: { location: `/v1/grids/${grid.id}/patrols?from=${date}&to=${date}` },
          };
        },
      },
      'GET /v1/grids/{id}/patrols': {
        async handle(request) {
          const grid = await loadGrid(request.principal.town, request.params.id);
          requireRole(request.principal, STAFF_ROLES);
          const range = parseWith(patrolRange, request.query, request.language);
          if (range.from > range.to) throw fieldProblem('to', (m) => m.field['before-from']);
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
