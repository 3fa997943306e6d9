import type { CaseRecord } from './case.js';
import { acceptedAtOf } from './case-deadlines.js';
import { watchedDeadlines } from './ladder.js';
import { lastBeijingDay, lastDayText } from './last-day.js';

/**
 * What a case answer says of time and level instead of the sweep's bookkeeping: the deadline the case waits on now,
 * and the level that handles it once that is decided.
 */

/**
 * `acknowledge`, `reply` and `review` are the town's to meet (acceptance, the reply, the answer to a review);
 * `review_request` is the petitioner's window to ask for a review of the answer they hold; `mediation`, `callback` and
 * `hand_off` are a mediation's time limit, the callback on its agreement and a hand-off's due date.
 */
export const NEXT_DEADLINE_KINDS = [
  'acknowledge',
  'reply',
  'review_request',
  'review',
  'mediation',
  'callback',
  'hand_off',
] as const;
type NextDeadlineKind = (typeof NEXT_DEADLINE_KINDS)[number];

interface NextDeadline {
  kind: NextDeadlineKind;
  /** The instant the period ends (24:00 Beijing time of its last day). */
  at: string;
  /** The last Beijing day it includes, `YYYY-MM-DD`. */
  lastDay: string;
}

const NEXT_DEADLINE_LABELS: Record<NextDeadlineKind, { zh: string; en: string }> = {
  acknowledge: { zh: '受理告知期限', en: 'Decision on acceptance due' },
  reply: { zh: '答复期限', en: 'Reply due' },
  review_request: { zh: '申请复查（复核）期限', en: 'Last day to ask for a review' },
  review: { zh: '复查（复核）答复期限', en: 'Review answer due' },
  mediation: { zh: '调解期限', en: 'Mediation time limit' },
  callback: { zh: '调解协议履行回访期限', en: 'Callback on the agreement due' },
  hand_off: { zh: '分流事项反馈期限', en: 'Hand-off due back' },
};

const due = (kind: NextDeadlineKind, at: string): NextDeadline => ({
  kind,
  at: new Date(at).toISOString(),
  lastDay: lastBeijingDay(at),
});

/**
 * The earliest deadline the case waits on, past or not: its status's (or the petitioner's review window), its
 * mediation's, its callback's and its hand-offs'; none once nothing is due (closed, declined...).
 */
export function nextDeadlineOf(record: CaseRecord): NextDeadline | undefined {
  const window = record.deadlines.reviewRequestBy;
  const candidates: { kind: NextDeadlineKind; due: Date }[] = [
    ...watchedDeadlines(record),
    ...((record.status === 'replied' || record.status === 'reviewed') && window
      ? [{ kind: 'review_request' as const, due: new Date(window) }]
      : []),
  ];
  const first = candidates.reduce<(typeof candidates)[number] | undefined>(
    (earliest, c) => (!earliest || c.due < earliest.due ? c : earliest),
    undefined,
  );
  return first ? due(first.kind, first.due.toISOString()) : undefined;
}

/** The same deadline with its last day in words, in the reader's language. */
export const nextDeadlineIn = (next: NextDeadline, language: 'zh' | 'en') => ({
  ...next,
  label: NEXT_DEADLINE_LABELS[next.kind][language],
  lastDayText: lastDayText(next.at, language),
});

/**
 * The level that handles the case, once it is decided: by acceptance (the intake level becomes the resolving one) or
 * by escalation, which only an accepted case can have. Before acceptance, and for a matter never accepted, none.
 */
export const decidedLevelOf = (record: CaseRecord): CaseRecord['level'] =>
  acceptedAtOf(record) !== undefined ? record.level : undefined;
