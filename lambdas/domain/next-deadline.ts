import type { CaseRecord } from './case.js';
import { acceptedAtOf } from './case-deadlines.js';
import { watchedDeadline } from './ladder.js';
import { lastBeijingDay, lastDayText } from './last-day.js';

/**
 * What a case answer says of time and level instead of the sweep's bookkeeping: the deadline the case waits on now,
 * and the level that handles it once that is decided.
 */

/**
 * `acknowledge`, `reply` and `review` are the town's to meet (acceptance, the reply, the answer to a review);
 * `review_request` is the petitioner's window to ask for a review of the answer they hold.
 */
export const NEXT_DEADLINE_KINDS = ['acknowledge', 'reply', 'review_request', 'review'] as const;
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
};

const due = (kind: NextDeadlineKind, at: string): NextDeadline => ({
  kind,
  at: new Date(at).toISOString(),
  lastDay: lastBeijingDay(at),
});

/** The deadline the case waits on in its status, past or not; none once nothing is due (closed, declined...). */
export function nextDeadlineOf(record: CaseRecord): NextDeadline | undefined {
  const watched = watchedDeadline(record);
  if (watched) return due(watched.kind, watched.due.toISOString());
  const window = record.deadlines.reviewRequestBy;
  return (record.status === 'replied' || record.status === 'reviewed') && window
    ? due('review_request', window)
    : undefined;
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
