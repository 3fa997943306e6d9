import type { components } from '../api.js';
import type { Session, StaffRole } from '../session.js';

type Case = components['schemas']['Case'];
type Status = Case['status'];
type Actor = StaffRole | 'assignee' | 'owner' | 'petitioner_on_case' | 'mediator';

const OPEN: readonly Status[] = ['registered', 'accepted', 'replied', 'under_review', 'reviewed'];
const AFTER_ACCEPTANCE: readonly Status[] = ['accepted', 'replied', 'under_review', 'reviewed', 'closed'];

/**
 * The case state machine's commands (the API's `lambdas/domain/lifecycle.ts`, a test keeps the two equal): the
 * statuses each may be given in and who may give it. The case view does not list what the caller may do, so the page
 * works it out from this table; the API still decides.
 */
export const COMMAND_RULES = {
  accept: { from: ['registered'], actors: ['clerk', 'supervisor'] },
  decline: { from: ['registered'], actors: ['clerk', 'supervisor'] },
  transfer: { from: ['registered'], actors: ['clerk', 'supervisor'] },
  return: { from: ['registered'], actors: ['clerk', 'supervisor'] },
  triage: { from: ['registered', 'accepted'], actors: ['clerk', 'supervisor'] },
  assign: { from: ['accepted'], actors: ['clerk', 'supervisor', 'owner'] },
  own: { from: ['accepted'], actors: ['leader', 'supervisor'] },
  escalate: { from: ['accepted'], actors: ['assignee', 'owner', 'supervisor'] },
  extend: { from: ['accepted'], actors: ['leader'] },
  classify: { from: OPEN, actors: ['clerk', 'supervisor'] },
  'mark-key': { from: OPEN, actors: ['leader', 'supervisor'] },
  'unmark-key': { from: OPEN, actors: ['leader', 'supervisor'] },
  reply: { from: ['accepted'], actors: ['assignee', 'owner'] },
  rate: { from: ['replied', 'reviewed'], actors: ['petitioner_on_case', 'clerk'] },
  'request-review': { from: ['replied', 'reviewed'], actors: ['petitioner_on_case', 'clerk'] },
  'record-review': { from: ['under_review'], actors: ['supervisor'] },
  close: { from: ['replied', 'reviewed'], actors: ['clerk', 'supervisor'] },
  withdraw: { from: OPEN, actors: ['petitioner_on_case', 'clerk'] },
  mediate: { from: ['accepted'], actors: ['clerk', 'supervisor', 'assignee', 'owner'] },
  'extend-mediation': { from: ['accepted'], actors: ['mediator', 'clerk'] },
  agree: { from: ['accepted'], actors: ['mediator', 'clerk'] },
  'mediation-failed': { from: ['accepted'], actors: ['mediator', 'clerk'] },
  callback: { from: AFTER_ACCEPTANCE, actors: ['mediator', 'clerk'] },
  'hand-off': { from: ['accepted'], actors: ['clerk', 'supervisor', 'assignee', 'owner'] },
  'hand-off-result': { from: AFTER_ACCEPTANCE, actors: ['clerk', 'supervisor', 'assignee', 'owner'] },
} as const satisfies Record<string, { from: readonly Status[]; actors: readonly Actor[] }>;

export type CommandName = keyof typeof COMMAND_RULES;

/** Whether this signed-in staff member, by role or by their part in the case, may give the command now. */
function mayGive(user: Session, command: CommandName, view: Case): boolean {
  const rule = COMMAND_RULES[command];
  if (!(rule.from as readonly Status[]).includes(view.status)) return false;
  const actors: readonly Actor[] = rule.actors;
  if (actors.includes('assignee') && view.assignee === user.userId) return true;
  if (actors.includes('owner') && view.owner === user.userId) return true;
  if (actors.includes('mediator') && view.mediation?.mediators.some((m) => m.id === user.userId)) return true;
  return user.roles.some((role) => actors.includes(role));
}

/** The commands to offer on a case, in the table's order; what the case's state rules out further is left out. */
export function offeredCommands(user: Session, view: Case): CommandName[] {
  return (Object.keys(COMMAND_RULES) as CommandName[]).filter((command) => {
    if (!mayGive(user, command, view)) return false;
    if (command === 'mark-key') return view.key === undefined;
    if (command === 'unmark-key') return view.key !== undefined;
    if (command === 'extend') return view.extension === undefined;
    if (command === 'hand-off-result') return view.handOffs?.some((h) => h.returned === undefined) ?? false;
    if (command === 'callback') return view.mediation?.agreement !== undefined && !view.mediation.callback;
    if (['extend-mediation', 'agree', 'mediation-failed'].includes(command))
      return view.mediation !== undefined && view.mediation.concludedAt === undefined;
    if (command === 'mediate') return view.mediation === undefined;
    return true;
  });
}
