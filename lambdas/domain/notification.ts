import { createHash } from 'node:crypto';
import * as z from 'zod/mini';
import type { CaseRecord } from './case.js';
import { MILESTONES, type Milestone } from './citizen.js';
import type { LadderStep, WatchedKind } from './ladder.js';
import { lastDayText } from './last-day.js';

/**
 * What the service tells people. Messages carry the case number, the deadline and what to do, never a name, an ID
 * number, a phone, an address or an accuser's identity.
 */

export const TOPICS = ['deadlines', 'supervision', 'bulletins', 'milestones'] as const;
export type Topic = (typeof TOPICS)[number];

/** A notification as an inbox keeps it. */
export const notificationRecordSchema = z.object({
  id: z.string(),
  town: z.string(),
  recipient: z.string(),
  kind: z.enum([
    'deadline',
    'supervision',
    'collective',
    'assignment',
    'bulletin',
    'milestone',
    'calendar',
    // a leader's reception duty (领导接访) of the next day
    'reception',
    // a matter another town of the deployment transferred here (转送)
    'transfer',
  ]),
  severity: z.enum(['notice', 'warning', 'urgent', 'overdue']),
  caseId: z.optional(z.string()),
  caseNumber: z.optional(z.string()),
  text: z.object({ zh: z.string(), en: z.string() }),
  at: z.string(),
  read: z.boolean(),
  /** When its recipient first marked it read. */
  readAt: z.optional(z.string()),
});
export type Notification = z.infer<typeof notificationRecordSchema>;

/** A message waiting for its topic, with the attributes subscription filters match on. */
export const outboxMessageSchema = z.object({
  id: z.string(),
  topic: z.enum(TOPICS),
  subject: z.string(),
  body: z.record(z.string(), z.unknown()),
  attributes: z.object({ town: z.string(), recipient: z.string(), role: z.string(), severity: z.string() }),
  at: z.string(),
});
export type OutboxMessage = z.infer<typeof outboxMessageSchema>;

const DEADLINE_NAMES: Record<WatchedKind, { zh: string; en: string }> = {
  acknowledge: { zh: '告知受理', en: 'acknowledgement' },
  reply: { zh: '答复', en: 'reply' },
  review: { zh: '复查复核答复', en: 'review answer' },
  mediation: { zh: '人民调解', en: 'mediation' },
  callback: { zh: '调解协议履行回访', en: 'callback on the mediation agreement' },
  hand_off: { zh: '分流事项反馈', en: 'hand-off return' },
};

/** Notification ids start with the time, so an inbox sorts by it, and end with a digest of what makes them unique. */
export const notificationId = (at: string, ...parts: string[]): string =>
  `${at.replace(/[-:.]/g, '')}-${createHash('sha256').update(parts.join('|')).digest('base64url').slice(0, 16)}`;

export function deadlineNotice(
  record: CaseRecord,
  step: LadderStep,
  kind: WatchedKind,
  due: string,
  recipient: string,
  at: string,
): Notification {
  const name = DEADLINE_NAMES[kind];
  const overdue = step.severity === 'overdue';
  return {
    id: notificationId(at, record.id, kind, due, step.id, recipient),
    town: record.town,
    recipient,
    kind: overdue ? 'supervision' : 'deadline',
    severity: step.severity,
    caseId: record.id,
    caseNumber: record.number,
    text: overdue
      ? {
          zh: `案件 ${record.number} 已超过${name.zh}期限（${lastDayText(due, 'zh')}），列入督办。`,
          en: `Case ${record.number} missed its ${name.en} deadline (${lastDayText(due, 'en')}) and is under supervision.`,
        }
      : {
          zh: `案件 ${record.number} 的${name.zh}期限至 ${lastDayText(due, 'zh')}，请及时办理。`,
          en: `Case ${record.number}: the ${name.en} is due by ${lastDayText(due, 'en')}.`,
        },
    at,
    read: false,
  };
}

export function collectiveNotice(record: CaseRecord, recipient: string, at: string): Notification {
  return {
    id: notificationId(at, record.id, 'collective', recipient),
    town: record.town,
    recipient,
    kind: 'collective',
    severity: 'urgent',
    caseId: record.id,
    caseNumber: record.number,
    text: {
      zh: `集体访：案件 ${record.number}（${record.headcount} 人）已登记，请值班领导接访。`,
      en: `Collective petition ${record.number} (${record.headcount} people) registered: the duty leader is asked to receive it.`,
    },
    at,
    read: false,
  };
}

/** The outbox message that carries a notification to its topic. */
export function toOutbox(notification: Notification, role: string): OutboxMessage {
  return {
    id: notification.id,
    topic: notification.kind === 'supervision' ? 'supervision' : 'deadlines',
    subject: notification.text.zh,
    body: {
      kind: notification.kind,
      caseId: notification.caseId,
      caseNumber: notification.caseNumber,
      text: notification.text,
      at: notification.at,
    },
    attributes: {
      town: notification.town,
      recipient: notification.recipient,
      role,
      severity: notification.severity,
    },
    at: notification.at,
  };
}

/**
 * A milestone for the petitioner (by SMS through the milestones topic): the case number and what happened. The sender
 * adds the query code and finds the phone itself; neither travels in the message.
 */
export function milestoneMessage(record: CaseRecord, milestone: Milestone, at: string): OutboxMessage {
  const names = MILESTONES[milestone];
  return {
    id: notificationId(at, record.id, 'milestone', milestone),
    topic: 'milestones',
    subject: `信访事项 ${record.number} ${names.zh}`,
    body: {
      caseId: record.id,
      caseNumber: record.number,
      milestone,
      text: { zh: names.zh, en: names.en },
      at,
    },
    attributes: {
      town: record.town,
      recipient: record.petitionerUserId ?? record.id,
      role: 'petitioner',
      severity: 'notice',
    },
    at,
  };
}

/** The same milestone in the citizen's own inbox, when the case belongs to a citizen account. */
export function milestoneNotice(
  record: CaseRecord,
  milestone: Milestone,
  at: string,
): Notification | undefined {
  if (!record.petitionerUserId) return undefined;
  const names = MILESTONES[milestone];
  return {
    id: notificationId(at, record.id, 'milestone', milestone, record.petitionerUserId),
    town: record.town,
    recipient: record.petitionerUserId,
    kind: 'milestone',
    severity: 'notice',
    caseId: record.id,
    caseNumber: record.number,
    text: { zh: `您的信访事项 ${record.number}：${names.zh}`, en: `Your case ${record.number}: ${names.en}` },
    at,
    read: false,
  };
}

/** The new assignee hears of the case at once, not first from a deadline warning. */
export function assignmentNotice(record: CaseRecord, at: string): Notification | undefined {
  if (!record.assignee) return undefined;
  const due = record.deadlines.extendedTo ?? record.deadlines.replyBy;
  return {
    id: notificationId(at, record.id, 'assignment', record.assignee),
    town: record.town,
    recipient: record.assignee,
    kind: 'assignment',
    severity: 'notice',
    caseId: record.id,
    caseNumber: record.number,
    text: {
      zh: `案件 ${record.number} 已交由您办理${due ? `，答复期限至 ${lastDayText(due, 'zh')}` : ''}。`,
      en: `Case ${record.number} is assigned to you${due ? `; the reply is due by ${lastDayText(due, 'en')}` : ''}.`,
    },
    at,
    read: false,
  };
}

/** Beijing midnight at the start of a date, as an instant. */
const beijingMidnight = (date: string): string => new Date(`${date}T00:00:00+08:00`).toISOString();

/**
 * When the notice about a year's calendar belongs in an inbox: a missing year from the start of the year before (when
 * the nightly check first looks at it), a provisional one from November of the year before (when the State Council's
 * notice is due). The id is made from that instant, so the notice is written once per town, year and admin.
 */
const calendarNoticeFrom = (year: number, state: 'missing' | 'provisional'): string =>
  beijingMidnight(state === 'missing' ? `${year - 1}-01-01` : `${year - 1}-11-01`);

/** A year without a working-day calendar (weekends only), or with the statutory holidays only, for a town's admin. */
export function calendarNotice(
  town: string,
  year: number,
  state: 'missing' | 'provisional',
  recipient: string,
  at: string,
): Notification {
  const put = `PUT /v1/admin/calendar/${year}`;
  return {
    id: notificationId(calendarNoticeFrom(year, state), town, 'calendar', String(year), state, recipient),
    town,
    recipient,
    kind: 'calendar',
    severity: state === 'missing' ? 'urgent' : 'notice',
    text:
      state === 'missing'
        ? {
            zh: `${year} 年没有工作日历：期限只按周末计算，法定节假日和调休都未计入。请录入国务院办公厅关于 ${year} 年部分节假日安排的通知（${put}）。`,
            en: `There is no working-day calendar for ${year}: deadlines count weekends only, without the holidays and make-up days. Store the State Council's ${year} holiday notice (${put}).`,
          }
        : {
            zh: `${year} 年工作日历为暂定：只有法定节假日，没有调休上班日。国务院办公厅的通知发布后，请录入（${put}）。`,
            en: `The ${year} working-day calendar is provisional: the statutory holidays only, without make-up working days. Store the State Council's notice once it is published (${put}).`,
          },
    at,
    read: false,
  };
}
