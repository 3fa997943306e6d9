import type { CaseRecord } from './case.js';
import { DEADLINE_NAMES, type DeadlineName, type DeadlineRules, derivedDeadlines } from './case-deadlines.js';
import { OPEN_STATUSES } from './catalog.js';
import { isLate } from './deadlines.js';
import { nextAlert, watchedDeadline } from './ladder.js';

/**
 * A new calendar or policy takes effect on the cases already open: each deadline still ahead is derived again from
 * the case's facts. A deadline already passed stays as it was (its ladder has run; what was late stays late). The
 * version stays too: the case's handling did not change.
 */

interface DeadlineChange {
  name: DeadlineName;
  from: string;
  to: string;
}

interface RecomputedCase {
  record: CaseRecord;
  changes: DeadlineChange[];
}

/** The case with its future deadlines recomputed under `rules`, or undefined when none changes. Pure. */
export function recomputeDeadlines(
  record: CaseRecord,
  rules: DeadlineRules,
  now: Date,
): RecomputedCase | undefined {
  if (!OPEN_STATUSES.includes(record.status)) return undefined;
  const derived = derivedDeadlines(record, rules);
  const next: CaseRecord = structuredClone(record);
  const changes: DeadlineChange[] = [];
  for (const name of DEADLINE_NAMES) {
    const from = record.deadlines[name];
    const to = derived[name];
    if (from === undefined || to === undefined || from === to || isLate(now, new Date(from))) continue;
    next.deadlines[name] = to;
    changes.push({ name, from, to });
  }
  if (changes.length === 0) return undefined;
  // a moved deadline is the same deadline: its ladder keeps its place, so a step already sent is not sent again
  const before = watchedDeadline(record);
  const after = watchedDeadline(next);
  const sameDeadline =
    record.alert !== undefined &&
    before !== undefined &&
    after !== undefined &&
    after.kind === before.kind &&
    record.alert.kind === before.kind &&
    record.alert.due === before.due.toISOString();
  const current =
    sameDeadline && record.alert ? { ...record.alert, due: after.due.toISOString() } : record.alert;
  const alert = nextAlert(next, rules.policy.escalation, current);
  if (alert) next.alert = alert;
  else delete next.alert;
  return { record: next, changes };
}

/** The timeline note of a recomputation: why, and each deadline old → new. */
export const recomputeNote = (reason: string, changes: readonly DeadlineChange[]): string =>
  `${reason}: ${changes.map((c) => `${c.name} ${c.from} → ${c.to}`).join('; ')}`;
