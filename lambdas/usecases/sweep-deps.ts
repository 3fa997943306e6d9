import { CaseRepository } from '../adapters/case-repository.js';
import { CounterRepository } from '../adapters/counter-repository.js';
import type { Deps } from '../adapters/deps.js';
import { GridRepository } from '../adapters/grid-repository.js';
import { MeetingRepository } from '../adapters/meeting-repository.js';
import { NotificationRepository } from '../adapters/notification-repository.js';
import { townSettings } from '../adapters/settings-repository.js';
import type { SweepDeps } from './sweep.js';

/** The sweep's repositories over the shared dependencies (the deployed function, the local host and the CLI). */
export const sweepDeps = (deps: Deps): SweepDeps => ({
  cases: new CaseRepository(deps.db, deps.tables.cases),
  grids: new GridRepository(deps.db, deps.tables.grids),
  notifications: new NotificationRepository(deps.db, deps.tables.cases),
  settings: townSettings(deps),
  publisher: deps.publisher,
  counters: new CounterRepository(deps.db, deps.tables.cases),
  meetings: new MeetingRepository(deps.db, deps.tables.cases),
  now: deps.now,
});
