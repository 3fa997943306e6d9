import type { CaseRecord } from './case.js';
import { OPEN_STATUSES } from './catalog.js';

/**
 * Art 19 at the window: a matter that repeats a case still open (same petitioner, same category) is not taken up as a
 * second track. The registrar is told so, and links the matter to the open case, or states why a second track is
 * needed after all. Pure: the caller has looked up the cases and whether the registrar may see them.
 */

/** What the registrar chose once told: link the matter to the open case, or open a second track for this reason. */
export type RepeatChoice = { caseId: string; action: 'link' } | { reason: string };

/** A case as the rule needs it: the case, and whether the registrar may see it. */
interface SeenCase {
  record: CaseRecord;
  visible: boolean;
}

export type RepeatDecision =
  /** No open case repeats it: registered as usual. */
  | { kind: 'register' }
  /** Registered as a second track beside the open case, with the reason kept. */
  | { kind: 'second-track'; reason: string }
  /** Appended to the open case's timeline; no case is made. */
  | { kind: 'link'; openCase: CaseRecord }
  /** Refused (409): an open case repeats it. `openCase` only when the registrar may see it. */
  | { kind: 'refused'; openCase?: CaseRecord }
  /** The choice names a case that cannot take it (400), at this field. */
  | { kind: 'invalid'; path: string; reason: 'no-open-case' | 'case-not-visible' | 'not-same-matter' }
  /** The choice names a case of the petitioners that is no longer open (409). */
  | { kind: 'not-open'; target: CaseRecord };

export const isOpen = (record: CaseRecord): boolean => OPEN_STATUSES.includes(record.status);

const CASE_ID = 'repeatOfOpenCase.caseId';

/**
 * `earlier`: the newest earlier case of the same petitioner in the category, if any. `target`: the case a link names,
 * with `sameMatter` saying whether it is a case of these petitioners in this category (undefined when it does not
 * exist).
 */
export function decideRepeat(args: {
  earlier?: SeenCase;
  choice?: RepeatChoice;
  target?: SeenCase & { sameMatter: boolean };
}): RepeatDecision {
  const { earlier, choice, target } = args;
  const open = earlier && isOpen(earlier.record) ? earlier : undefined;
  if (!choice)
    return open
      ? { kind: 'refused', ...(open.visible ? { openCase: open.record } : {}) }
      : { kind: 'register' };

  if ('reason' in choice) {
    if (!open) return { kind: 'invalid', path: 'repeatOfOpenCase', reason: 'no-open-case' };
    // a second track beside a case the registrar may not see is the town window's to decide
    return open.visible ? { kind: 'second-track', reason: choice.reason } : { kind: 'refused' };
  }

  // a link: never reveal whether a case the registrar may not see exists
  if (!target?.visible) return { kind: 'invalid', path: CASE_ID, reason: 'case-not-visible' };
  if (!target.sameMatter) return { kind: 'invalid', path: CASE_ID, reason: 'not-same-matter' };
  if (!isOpen(target.record)) return { kind: 'not-open', target: target.record };
  return { kind: 'link', openCase: target.record };
}
