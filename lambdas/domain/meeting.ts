import * as z from 'zod/mini';
import { addDays } from './beijing-time.js';
import type { CatalogEntry } from './catalog.js';
import { endOfBeijingDay } from './deadlines.js';
import type { LadderStep } from './ladder.js';
import { lastDayText } from './last-day.js';
import { type Notification, notificationId } from './notification.js';

/**
 * Joint meetings (信访工作联席会议) and consultations on major matters (重大信访事项会商): who met, on which cases, and
 * the decisions taken, each with who must act and by when. An open decision is watched like a case deadline.
 */

export const MEETING_KINDS = ['joint_meeting', 'consultation'] as const;
export type MeetingKind = (typeof MEETING_KINDS)[number];

export const MEETING_KIND_LABELS: readonly CatalogEntry[] = [
  { code: 'joint_meeting', zh: '信访工作联席会议', en: 'joint meeting' },
  { code: 'consultation', zh: '重大信访事项会商', en: 'consultation on a major matter' },
];

const kindLabel = (kind: MeetingKind, language: 'zh' | 'en') =>
  MEETING_KIND_LABELS.find((entry) => entry.code === kind)![language];

/**
 * The decisions of one minutes are written in one transaction with the meeting and, for each decision tied to a case,
 * that case's head and its timeline event: at most 1 + 30 × 3 = 91 actions (when every decision names a case of its
 * own), inside DynamoDB's 100.
 */
export const MAX_DECISIONS = 30;
/** Cases on one agenda, and staff and units at one meeting: bounded so one meeting item stays small. */
export const MAX_AGENDA_CASES = 50;
export const MAX_PARTICIPANTS = 100;

const actorSchema = z.object({ id: z.string(), role: z.string() });

export const meetingRecordSchema = z.object({
  id: z.string(),
  town: z.string(),
  kind: z.enum(MEETING_KINDS),
  /** The Beijing calendar day it was held (or is to be held). */
  date: z.string(),
  chairId: z.string(),
  participants: z.object({ people: z.array(z.string()), units: z.array(z.string()) }),
  caseIds: z.array(z.string()),
  agenda: z.string(),
  createdBy: actorSchema,
  createdAt: z.string(),
  version: z.number().check(z.int()),
  minutes: z.optional(
    z.object({
      summary: z.string(),
      decisions: z.number().check(z.int()),
      recordedBy: actorSchema,
      recordedAt: z.string(),
    }),
  ),
});
export type MeetingRecord = z.infer<typeof meetingRecordSchema>;

/** The next unfired step of an open decision's ladder. */
export const decisionAlertSchema = z.object({ step: z.number().check(z.int()), at: z.string() });
export type DecisionAlert = z.infer<typeof decisionAlertSchema>;

export const decisionRecordSchema = z.object({
  town: z.string(),
  meetingId: z.string(),
  /** The meeting's kind and date, so a notice or a bulletin line needs no second read. */
  meetingKind: z.enum(MEETING_KINDS),
  meetingDate: z.string(),
  /** 1-based, in the order of the minutes. */
  n: z.number().check(z.int()),
  text: z.string(),
  ownerId: z.string(),
  /** The last Beijing day to act on, as the minutes gave it; `due` is the instant it ends. */
  dueDate: z.string(),
  due: z.string(),
  caseId: z.optional(z.string()),
  createdAt: z.string(),
  alert: z.optional(decisionAlertSchema),
  /** When the sweep found it missed (its overdue step fired). */
  missedAt: z.optional(z.string()),
  done: z.optional(z.object({ at: z.string(), by: actorSchema, note: z.string(), late: z.boolean() })),
});
export type DecisionRecord = z.infer<typeof decisionRecordSchema>;

type DecisionStatus = 'open' | 'done' | 'overdue';

/** Done once done; overdue from the instant its last day ends (an act at the deadline is late); else open. */
export function decisionStatus(decision: Pick<DecisionRecord, 'due' | 'done'>, now: Date): DecisionStatus {
  if (decision.done) return 'done';
  return new Date(decision.due).getTime() <= now.getTime() ? 'overdue' : 'open';
}

/** The open decisions counted, for the town and per owner (most overdue first): what the metrics give. */
export function decisionTally(open: readonly Pick<DecisionRecord, 'ownerId' | 'due'>[], now: Date) {
  const byOwner = new Map<string, { ownerId: string; open: number; overdue: number }>();
  let overdue = 0;
  for (const decision of open) {
    const late = decisionStatus(decision, now) === 'overdue';
    const entry = byOwner.get(decision.ownerId) ?? { ownerId: decision.ownerId, open: 0, overdue: 0 };
    entry.open += 1;
    if (late) {
      entry.overdue += 1;
      overdue += 1;
    }
    byOwner.set(decision.ownerId, entry);
  }
  const owners = [...byOwner.values()].sort(
    (a, b) => b.overdue - a.overdue || b.open - a.open || a.ownerId.localeCompare(b.ownerId),
  );
  return { open: open.length, overdue, byOwner: owners };
}

/** Meetings held per chair, most first. */
export function meetingsByChair(meetings: readonly Pick<MeetingRecord, 'chairId'>[]) {
  const held = new Map<string, number>();
  for (const meeting of meetings) held.set(meeting.chairId, (held.get(meeting.chairId) ?? 0) + 1);
  return [...held]
    .map(([chairId, count]) => ({ chairId, held: count }))
    .sort((a, b) => b.held - a.held || a.chairId.localeCompare(b.chairId));
}

/** The instant a decision's last day ends (24:00 Beijing time). */
export const decisionDue = (dueDate: string): string => endOfBeijingDay(dueDate).toISOString();

/** A due date before the meeting's own day cannot be met; the same day can. */
export const dueDateBeforeMeeting = (dueDate: string, meetingDate: string): boolean => dueDate < meetingDate;

/** Minutes are of a meeting that has been held: not before its Beijing day begins. */
export const meetingHeld = (meeting: Pick<MeetingRecord, 'date'>, today: string): boolean =>
  meeting.date <= today;

/** Who may record the minutes: the chair, whoever scheduled it, or the petition office. */
export const mayRecordMinutes = (
  meeting: MeetingRecord,
  caller: { userId: string; supervisor: boolean },
): boolean =>
  caller.supervisor || caller.userId === meeting.chairId || caller.userId === meeting.createdBy.id;

/** Who may mark a decision done: its owner, the chair, or the petition office. */
export const mayMarkDone = (
  meeting: MeetingRecord,
  decision: DecisionRecord,
  caller: { userId: string; supervisor: boolean },
): boolean => caller.supervisor || caller.userId === decision.ownerId || caller.userId === meeting.chairId;

/** Whether someone takes part in the meeting: chair, scheduler, participant or a decision's owner. */
export const takesPart = (meeting: MeetingRecord, decisions: readonly DecisionRecord[], userId: string) =>
  meeting.chairId === userId ||
  meeting.createdBy.id === userId ||
  meeting.participants.people.includes(userId) ||
  decisions.some((decision) => decision.ownerId === userId);

/**
 * The ladder of a decision: its owner is warned three days before its last day ends, and at the deadline the town's
 * supervisors (and the owner) hear that it was missed. Fixed for every town: a decision has no legal period to vary.
 */
export const DECISION_LADDER: readonly LadderStep[] = [
  { id: 'decision-three-days', when: { daysBefore: 3 }, notify: ['owner'], severity: 'warning' },
  { id: 'decision-overdue', when: { daysBefore: 0 }, notify: ['supervisor', 'owner'], severity: 'overdue' },
];

const DAY_MS = 24 * 60 * 60 * 1000;

/** When a step fires: never before the decision was taken, never after its deadline. */
function decisionStepTime(decision: Pick<DecisionRecord, 'createdAt' | 'due'>, step: LadderStep): Date {
  const due = new Date(decision.due).getTime();
  const nominal = 'daysBefore' in step.when ? due - step.when.daysBefore * DAY_MS : due;
  return new Date(Math.min(due, Math.max(new Date(decision.createdAt).getTime(), nominal)));
}

/** The alert an open decision carries from its `step` on; none after the last. */
export function decisionAlert(
  decision: Pick<DecisionRecord, 'createdAt' | 'due'>,
  step = 0,
): DecisionAlert | undefined {
  const ladderStep = DECISION_LADDER[step];
  return ladderStep ? { step, at: decisionStepTime(decision, ladderStep).toISOString() } : undefined;
}

/** The highest step due at `now` fires (the ones below it would arrive after it), and the alert moves past it. */
export function fireDecisionStep(
  decision: DecisionRecord,
  now: Date,
): { step: LadderStep; next: DecisionAlert | undefined } | undefined {
  if (!decision.alert || decision.done) return undefined;
  let fired: number | undefined;
  for (let i = decision.alert.step; i < DECISION_LADDER.length; i++)
    if (decisionStepTime(decision, DECISION_LADDER[i]!) <= now) fired = i;
  if (fired === undefined) return undefined;
  return { step: DECISION_LADDER[fired]!, next: decisionAlert(decision, fired + 1) };
}

const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

const dateText = (date: string, language: 'zh' | 'en') => lastDayText(endOfBeijingDay(date), language);

/** `2026年12月1日信访工作联席会议议定事项第 2 项` / `item 2 decided at the joint meeting of 1 Dec 2026`. */
function decisionName(decision: DecisionRecord) {
  const held = { zh: dateText(decision.meetingDate, 'zh'), en: dateText(decision.meetingDate, 'en') };
  return {
    zh: `${held.zh}${kindLabel(decision.meetingKind, 'zh')}议定事项第 ${decision.n} 项`,
    en: `item ${decision.n} decided at the ${kindLabel(decision.meetingKind, 'en')} of ${held.en.replace(', Beijing time', '')}`,
  };
}

/**
 * A decision's ladder notice: the meeting, the item and the deadline, and for a missed one who answers for it (a staff
 * member's name, never a petitioner's); the decision's own words stay in the minutes.
 */
export function decisionNotice(
  decision: DecisionRecord,
  step: LadderStep,
  recipient: string,
  ownerName: string,
  at: string,
): Notification {
  const name = decisionName(decision);
  const overdue = step.severity === 'overdue';
  const due = { zh: lastDayText(decision.due, 'zh'), en: lastDayText(decision.due, 'en') };
  const capital = capitalised(name.en);
  return {
    id: notificationId(at, decision.meetingId, String(decision.n), step.id, recipient),
    town: decision.town,
    recipient,
    kind: overdue ? 'supervision' : 'deadline',
    severity: step.severity,
    ...(decision.caseId ? { caseId: decision.caseId } : {}),
    text: overdue
      ? {
          zh: `${name.zh}已超过落实期限（${due.zh}），责任人：${ownerName}，列入督办。`,
          en: `${capital} missed its deadline (${due.en}); responsible: ${ownerName}. It is under supervision.`,
        }
      : {
          zh: `${name.zh}由您落实，期限至 ${due.zh}，请按期办结。`,
          en: `${capital} is yours to carry out by ${due.en}.`,
        },
    at,
    read: false,
  };
}

/** The note of the timeline event a decision tied to a case leaves on it. */
export function decisionEventNote(decision: DecisionRecord, ownerName: string): string {
  return `${decisionName(decision).zh}：${decision.text}（责任人：${ownerName}，期限至 ${lastDayText(decision.due, 'zh')}）`;
}

export function decisionDoneNote(decision: DecisionRecord, note: string): string {
  return `${decisionName(decision).zh}已落实：${note}`;
}

/** Meetings are listed over at most this many days at once. */
export const MAX_MEETING_RANGE_DAYS = 366;
export const rangeTooLong = (from: string, to: string): boolean =>
  addDays(from, MAX_MEETING_RANGE_DAYS) <= to;

/** A missed decision as the monthly bulletin lists it: the meeting, the item, its last day and who answers for it. */
export const missedDecisionSchema = z.object({
  meetingId: z.string(),
  meetingKind: z.enum(MEETING_KINDS),
  meetingDate: z.string(),
  n: z.number().check(z.int()),
  dueDate: z.string(),
  caseId: z.optional(z.string()),
  ownerId: z.string(),
  /** The owner's name in the staff directory when the report was made; absent for someone it does not know. */
  ownerName: z.optional(z.string()),
});
export const missedDecisionLine = (
  decision: DecisionRecord,
  ownerName: string | undefined,
): z.infer<typeof missedDecisionSchema> => ({
  meetingId: decision.meetingId,
  meetingKind: decision.meetingKind,
  meetingDate: decision.meetingDate,
  n: decision.n,
  dueDate: decision.dueDate,
  ...(decision.caseId ? { caseId: decision.caseId } : {}),
  ownerId: decision.ownerId,
  ...(ownerName ? { ownerName } : {}),
});

/** A month as its notices name it (`2026年12月`, `December 2026`), with the instant it ends. */
export interface MonthWords {
  id: string;
  zh: string;
  en: string;
  end: string;
}

/** 月督办 of one missed decision, to its owner; its id depends on the month and the decision, so a rerun adds none. */
export function decisionSupervisionNotice(
  decision: DecisionRecord,
  month: MonthWords,
  at: string,
): Notification {
  const name = decisionName(decision);
  const capital = capitalised(name.en);
  return {
    id: notificationId(month.end, 'supervision', month.id, decision.meetingId, String(decision.n)),
    town: decision.town,
    recipient: decision.ownerId,
    kind: 'supervision',
    severity: 'overdue',
    ...(decision.caseId ? { caseId: decision.caseId } : {}),
    text: {
      zh: `月督办（${month.zh}）：${name.zh}已超过落实期限（${lastDayText(decision.due, 'zh')}），请抓紧落实并报告进展。`,
      en: `Monthly supervision (${month.en}): ${capital} missed its deadline (${lastDayText(decision.due, 'en')}); please act and report progress.`,
    },
    at,
    read: false,
  };
}

/** The most missed decisions one summary names; the bulletin lists the rest. */
const SUMMARY_DECISIONS = 10;

/** 月督办 for the petition office: the missed decisions and who answers for each, once per month and recipient. */
export function missedDecisionsSummary(
  town: string,
  missed: readonly { decision: DecisionRecord; ownerName: string | undefined }[],
  total: number,
  recipient: string,
  month: MonthWords,
  at: string,
): Notification {
  const shown = missed.slice(0, SUMMARY_DECISIONS);
  const zhItems = shown.map(
    ({ decision, ownerName }) => `${decisionName(decision).zh}（责任人：${ownerName ?? '未登记姓名'}）`,
  );
  const enItems = shown.map(
    ({ decision, ownerName }) =>
      `${decisionName(decision).en} (responsible: ${ownerName ?? 'not in the staff directory'})`,
  );
  const more = total > shown.length;
  return {
    id: notificationId(month.end, 'supervision', month.id, 'decisions', recipient),
    town,
    recipient,
    kind: 'supervision',
    severity: 'overdue',
    text: {
      zh: `月督办（${month.zh}）：会议议定事项超期未落实 ${total} 项：${zhItems.join('；')}${more ? '等' : ''}。`,
      en: `Monthly supervision (${month.en}): ${total} meeting decision${total === 1 ? '' : 's'} missed: ${enItems.join('; ')}${more ? '; and more' : ''}.`,
    },
    at,
    read: false,
  };
}
