import { randomInt } from 'node:crypto';
import type { CaseRecord } from './case.js';
import { labelOf, STATUSES } from './catalog.js';
import { nextDeadlineIn, nextDeadlineOf } from './next-deadline.js';
import type { TimelineEvent } from './timeline.js';

/**
 * What a citizen sees of a case: its number, status, the dated public milestones, the reply and the deadlines that
 * concern them. Never staff notes, actors, the plan, or anyone's personal data.
 */

/** Crockford's base32 without the look-alikes (no I, L, O, U): 12 characters carry 60 bits. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const CODE_LENGTH = 12;

/** A query code (查询码) such as `7KQ2-M9XD-4HTB`: unguessable, easy to read out over the phone. */
export function newQueryCode(): string {
  const chars = Array.from({ length: CODE_LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]);
  return [0, 4, 8].map((i) => chars.slice(i, i + 4).join('')).join('-');
}

/** Where the sealed query code sits in a case's personal data. */
export const QUERY_CODE_FIELD = 'queryCode';

/** What is hashed (with the service's key) to find a case by its query code. */
export const queryCodeMacInput = (normalised: string): string => `query-code\n${normalised}`;

/** A query code from a keyed digest (hex), for a retried registration that must hand out the same code again. */
export function queryCodeFromDigest(hex: string): string {
  const bits = [...Buffer.from(hex, 'hex')].map((b) => b.toString(2).padStart(8, '0')).join('');
  const chars = Array.from(
    { length: CODE_LENGTH },
    (_, i) => ALPHABET[Number.parseInt(bits.slice(i * 5, i * 5 + 5), 2)],
  );
  return [0, 4, 8].map((i) => chars.slice(i, i + 4).join('')).join('-');
}

/** The canonical form of what someone typed, or undefined when it cannot be a code (looked up the same way). */
export function normaliseQueryCode(raw: string): string | undefined {
  const compact = raw.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  if (compact.length !== CODE_LENGTH || [...compact].some((c) => !ALPHABET.includes(c))) return undefined;
  return compact;
}

/** The acts a citizen is told of, with their public names. */
export const MILESTONES = {
  register: { zh: '已登记', en: 'Registered' },
  accept: { zh: '已受理', en: 'Accepted' },
  decline: { zh: '不予受理', en: 'Declined' },
  transfer: { zh: '已转送', en: 'Transferred' },
  return: { zh: '已退回', en: 'Returned' },
  extend: { zh: '办理期限已延长', en: 'Deadline extended' },
  reply: { zh: '已答复', en: 'Replied' },
  'request-review': { zh: '已申请复查（复核）', en: 'Review requested' },
  'record-review': { zh: '复查（复核）意见已出具', en: 'Review answered' },
  close: { zh: '已办结', en: 'Closed' },
  withdraw: { zh: '已撤回', en: 'Withdrawn' },
} as const;

export type Milestone = keyof typeof MILESTONES;
export const isMilestone = (action: string): action is Milestone => Object.hasOwn(MILESTONES, action);

interface PublicMilestone {
  milestone: Milestone;
  at: string;
  zh: string;
  en: string;
}

const publicMilestones = (events: readonly TimelineEvent[]): PublicMilestone[] =>
  events.flatMap((event) =>
    isMilestone(event.action) ? [{ milestone: event.action, at: event.at, ...MILESTONES[event.action] }] : [],
  );

/**
 * What anyone holding the query code may learn, labelled in the reader's language (a public page has no token to read
 * the catalogue with): number, status, dated milestones and the deadline the case waits on, nothing else.
 */
export function trackingView(record: CaseRecord, events: readonly TimelineEvent[], language: 'zh' | 'en') {
  const next = nextDeadlineOf(record);
  return {
    number: record.number,
    status: record.status,
    statusLabel: labelOf(STATUSES, record.status, language),
    milestones: publicMilestones(events).map((m) => ({ ...m, label: m[language] })),
    ...(next ? { nextDeadline: nextDeadlineIn(next, language) } : {}),
  };
}

/** The citizen's own view of their case. */
export function citizenView(record: CaseRecord, events?: readonly TimelineEvent[]) {
  const { deadlines } = record;
  const nextDeadline = nextDeadlineOf(record);
  return {
    id: record.id,
    number: record.number,
    version: record.version,
    kind: record.kind,
    channel: record.channel,
    type: record.type,
    category: record.category,
    title: record.title,
    status: record.status,
    receivedAt: record.receivedAt,
    deadlines: {
      acknowledgeBy: deadlines.acknowledgeBy,
      ...(deadlines.replyBy ? { replyBy: deadlines.extendedTo ?? deadlines.replyBy } : {}),
      ...(deadlines.extendedTo ? { extendedTo: deadlines.extendedTo } : {}),
      ...(deadlines.reviewRequestBy ? { reviewRequestBy: deadlines.reviewRequestBy } : {}),
      ...(deadlines.reviewAnswerBy ? { reviewAnswerBy: deadlines.reviewAnswerBy } : {}),
    },
    ...(record.reply
      ? {
          reply: {
            outcome: record.reply.outcome,
            opinion: record.reply.opinion,
            ...(record.reply.resolution ? { resolution: record.reply.resolution } : {}),
            deliveredAt: record.reply.deliveredAt,
          },
        }
      : {}),
    ...(record.reviews
      ? {
          reviews: record.reviews.map((r) => ({
            requestedAt: r.requestedAt,
            ...(r.outcome ? { outcome: r.outcome, opinion: r.opinion, answeredAt: r.answeredAt } : {}),
          })),
        }
      : {}),
    ...(record.rating ? { rating: record.rating } : {}),
    ...(nextDeadline ? { nextDeadline } : {}),
    ...(events ? { milestones: publicMilestones(events) } : {}),
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}
