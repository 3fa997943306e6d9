import { randomBytes } from 'node:crypto';
import type { GridRepository } from '../adapters/grid-repository.js';
import type { TownSettings } from '../adapters/settings-repository.js';
import type { CaseRecord } from '../domain/case.js';
import { patrolCounts, registrationCounts } from '../domain/counters.js';
import type { GridRecord } from '../domain/grid.js';
import type { PatrolRecord } from '../domain/patrol.js';
import type { RegistrationInput } from '../domain/registration.js';
import type { Principal } from '../domain/roles.js';
import { registrationWrites } from './case-writes.js';
import { prepareRegistration, type RegistrationPorts } from './register-case.js';
import type { WorkerGrids } from './visible-case.js';

/** A grid worker logs a patrol of their grid (网格巡查); what they found becomes cases of the grid, in one transaction. */

interface PatrolPorts extends RegistrationPorts {
  grids: RegistrationPorts['grids'] & Pick<GridRepository, 'patrolPut'>;
}

interface PatrolReport {
  date: string;
  households?: number;
  notes?: string;
  /** Matters found on the way, each registered as a case of the grid that came in by patrol. */
  findings?: Omit<RegistrationInput, 'channel' | 'gridId'>[];
}

/** Whether the worker patrols this grid: they are assigned to it or to a grid it lies in. */
export async function patrolsGrid(
  grids: WorkerGrids,
  principal: Principal,
  grid: GridRecord,
): Promise<boolean> {
  const assigned = new Set(await grids.gridsOfWorker(principal.town, principal.userId));
  const tree = await grids.tree(principal.town);
  return tree.some((g) => assigned.has(g.id) && grid.path.startsWith(g.path));
}

export async function logPatrol(
  ports: PatrolPorts,
  principal: Principal,
  grid: GridRecord,
  report: PatrolReport,
  ctx: { now: Date; settings: TownSettings },
): Promise<{ patrol: PatrolRecord; cases: CaseRecord[] }> {
  const { cases, grids, counters, notifications } = ports;
  const { now } = ctx;
  const registrationDeps = {
    cases,
    mac: ports.mac,
    vault: ports.vault,
    dutyLeaders: (town: string, at: GridRecord | undefined) => grids.dutyLeaders(town, at),
  };
  const prepared = [];
  for (const finding of report.findings ?? [])
    prepared.push(
      await prepareRegistration(
        registrationDeps,
        { ...finding, channel: 'patrol', gridId: grid.id },
        { principal, now, ...ctx.settings, grid },
      ),
    );
  const patrol: PatrolRecord = {
    id: randomBytes(9).toString('base64url'),
    town: grid.town,
    gridId: grid.id,
    date: report.date,
    workerId: principal.userId,
    ...(report.households !== undefined ? { households: report.households } : {}),
    ...(report.notes ? { notes: report.notes } : {}),
    caseIds: prepared.map((p) => p.record.id),
    createdAt: now.toISOString(),
  };
  await cases.transact([
    grids.patrolPut(patrol),
    ...prepared.flatMap((p) => registrationWrites({ cases, notifications }, p)),
    ...counters.updates(grid.town, patrol.id, [
      ...patrolCounts(grid.id, patrol.date),
      ...prepared.flatMap((p) => registrationCounts(p.record)),
    ]),
  ]);
  return { patrol, cases: prepared.map((p) => p.record) };
}
