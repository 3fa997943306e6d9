import type { Status } from '../../lambdas/domain/catalog.js';

/**
 * The command table as /work/shared/api-contract.md states it, written out by hand and independently of
 * `lambdas/domain/lifecycle.ts`, so the tests compare the code against the contract rather than against itself.
 */

export type ContractActor =
  | 'clerk'
  | 'grid_worker'
  | 'handler'
  | 'leader'
  | 'supervisor'
  | 'admin'
  | 'assignee'
  | 'owner'
  | 'petitioner_on_case'
  | 'mediator';

interface ContractCommand {
  from: readonly Status[];
  /** `undefined`: the status stays as it is. */
  to?: Status;
  actors: readonly ContractActor[];
}

/** "any open status" in the contract. */
const CONTRACT_OPEN: readonly Status[] = ['registered', 'accepted', 'replied', 'under_review', 'reviewed'];

/** Accepted and not withdrawn: where a callback or a hand-off's return may still arrive. */
const TAKEN_UP: readonly Status[] = ['accepted', 'replied', 'under_review', 'reviewed', 'closed'];

export const ALL_STATUSES: readonly Status[] = [
  'registered',
  'accepted',
  'declined',
  'transferred',
  'returned',
  'replied',
  'under_review',
  'reviewed',
  'closed',
  'withdrawn',
];

export const CONTRACT_COMMANDS: Record<string, ContractCommand> = {
  accept: { from: ['registered'], to: 'accepted', actors: ['clerk', 'supervisor'] },
  decline: { from: ['registered'], to: 'declined', actors: ['clerk', 'supervisor'] },
  transfer: { from: ['registered'], to: 'transferred', actors: ['clerk', 'supervisor'] },
  return: { from: ['registered'], to: 'returned', actors: ['clerk', 'supervisor'] },
  triage: { from: ['registered', 'accepted'], actors: ['clerk', 'supervisor'] },
  assign: { from: ['accepted'], actors: ['clerk', 'supervisor', 'owner'] },
  own: { from: ['accepted'], actors: ['leader', 'supervisor'] },
  escalate: { from: ['accepted'], actors: ['assignee', 'owner', 'supervisor'] },
  extend: { from: ['accepted'], actors: ['leader'] },
  classify: { from: CONTRACT_OPEN, actors: ['clerk', 'supervisor'] },
  // additions to the contract's table: the key-case mark (重点信访矛盾) on an open case, by leaders and the petition office
  'mark-key': { from: CONTRACT_OPEN, actors: ['leader', 'supervisor'] },
  'unmark-key': { from: CONTRACT_OPEN, actors: ['leader', 'supervisor'] },
  reply: { from: ['accepted'], to: 'replied', actors: ['assignee', 'owner'] },
  rate: { from: ['replied', 'reviewed'], actors: ['petitioner_on_case', 'clerk'] },
  'request-review': {
    from: ['replied', 'reviewed'],
    to: 'under_review',
    actors: ['petitioner_on_case', 'clerk'],
  },
  'record-review': { from: ['under_review'], to: 'reviewed', actors: ['supervisor'] },
  close: { from: ['replied', 'reviewed'], to: 'closed', actors: ['clerk', 'supervisor'] },
  withdraw: { from: CONTRACT_OPEN, to: 'withdrawn', actors: ['petitioner_on_case', 'clerk'] },
  // people's mediation on an accepted matter: put to a committee by those who handle it, then its mediators' steps
  // (the clerks record them for mediators without an account); the callback and a hand-off's return may come later
  mediate: { from: ['accepted'], actors: ['clerk', 'supervisor', 'assignee', 'owner'] },
  'extend-mediation': { from: ['accepted'], actors: ['mediator', 'clerk'] },
  agree: { from: ['accepted'], actors: ['mediator', 'clerk'] },
  'mediation-failed': { from: ['accepted'], actors: ['mediator', 'clerk'] },
  callback: { from: TAKEN_UP, actors: ['mediator', 'clerk'] },
  'hand-off': { from: ['accepted'], actors: ['clerk', 'supervisor', 'assignee', 'owner'] },
  'hand-off-result': { from: TAKEN_UP, actors: ['clerk', 'supervisor', 'assignee', 'owner'] },
};

/**
 * Beijing-day arithmetic done the plain way (UTC+8 all year, no daylight saving since 1991), independently of
 * `lambdas/domain/beijing-time.ts`: the day an instant falls on, and the instant a day ends.
 */
const HOUR = 3_600_000;
export const DAY_MS = 24 * HOUR;
const BEIJING_OFFSET = 8 * HOUR;

export const beijingDayIndex = (t: number): number => Math.floor((t + BEIJING_OFFSET) / DAY_MS);
export const endOfBeijingDayIndex = (day: number): number => (day + 1) * DAY_MS - BEIJING_OFFSET;
/** `days` calendar days from the instant `t`, the starting day not counted, `keep` rule. */
export const periodEnd = (t: number, days: number): number => endOfBeijingDayIndex(beijingDayIndex(t) + days);
