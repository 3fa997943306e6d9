import * as z from 'zod/mini';
import { addDays, beijingDate, lastDayOfMonth } from './beijing-time.js';
import type { WorkingCalendar } from './calendar.js';
import { endOfBeijingDay } from './deadlines.js';

/**
 * People's mediation (人民调解法, 2010) and the service lines of the one-stop window (五位一体): what a case keeps of
 * its mediation (committee, mediators, parties, time limit and extensions, outcome, agreement, callback) and of its
 * hand-offs to legal aid, labour arbitration and the court's litigation service, with the deadlines they carry.
 */

export const COMMITTEES = ['village', 'town'] as const;
/** Art 26: the legal routes the parties are told of when mediation fails. */
export const ADVISED_ROUTES = ['litigation', 'arbitration', 'administrative'] as const;
export const AGREEMENT_FORMS = ['written', 'oral'] as const;
export const PERFORMANCE_RESULTS = ['performed', 'partly', 'not_performed'] as const;
/** After a callback finds the agreement not (fully) performed: performance urged, or the parties told they may sue. */
export const FOLLOW_UPS = ['urged', 'told_may_sue'] as const;
/** The lines a case is handed to; mediation and petition handling are the window's own. */
export const HAND_OFF_LINES = ['legal_aid', 'labor_arbitration', 'litigation'] as const;

/** 《人民调解工作若干规定》: a dispute is mediated within one month, longer only with the parties' consent. */
const MEDIATION_MONTHS = 1;
/** Each extension the parties consent to adds at most this many days. */
export const MAX_MEDIATION_EXTENSION_DAYS = 30;
/** Art 33: the parties may jointly apply for judicial confirmation within 30 days of the agreement's effect. */
const CONFIRMATION_DAYS = 30;

const mediatorSchema = z.object({
  /** A staff user id (staff directory) or a helper id (the grid's mediators, helpers directory). */
  id: z.string(),
  source: z.enum(['staff', 'helper']),
  name: z.string(),
});
export type Mediator = z.infer<typeof mediatorSchema>;

const agreementSchema = z.object({
  number: z.string(),
  form: z.enum(AGREEMENT_FORMS),
  /** Art 29 (2): the main facts, what is disputed and each side's responsibility; an oral one may leave them out. */
  facts: z.optional(z.string()),
  disputed: z.optional(z.string()),
  responsibilities: z.optional(z.string()),
  terms: z.array(z.string()),
  /** Art 29 (3), 规定 Art 34: how, where and by when it is performed (`by` a Beijing date). */
  performance: z.object({ how: z.string(), where: z.optional(z.string()), by: z.string() }),
  recordedAt: z.string(),
  /** Written: when the parties signed (Art 29); oral: when they agreed (Art 30). */
  effectiveAt: z.string(),
  /** The end of the 30 days for judicial confirmation (Art 33), an instant. */
  confirmationBy: z.string(),
  /** The callback on performance falls due when performance is due, an instant. */
  callbackBy: z.string(),
});
export type Agreement = z.infer<typeof agreementSchema>;

export const mediationSchema = z.object({
  committee: z.enum(COMMITTEES),
  mediators: z.array(mediatorSchema),
  /** The case's petitioners who are parties (by their index) and whether the respondent is one. */
  parties: z.object({ petitioners: z.array(z.number().check(z.int())), respondent: z.boolean() }),
  startedAt: z.string(),
  /** The end of the time limit now in force, an instant. */
  dueBy: z.string(),
  extensions: z.optional(
    z.array(
      z.object({ days: z.number().check(z.int()), reason: z.string(), at: z.string(), dueBy: z.string() }),
    ),
  ),
  sessions: z.optional(z.number().check(z.int())),
  concludedAt: z.optional(z.string()),
  agreement: z.optional(agreementSchema),
  failure: z.optional(z.object({ reason: z.string(), route: z.enum(ADVISED_ROUTES), at: z.string() })),
  callback: z.optional(
    z.object({
      result: z.enum(PERFORMANCE_RESULTS),
      note: z.string(),
      followUp: z.optional(z.enum(FOLLOW_UPS)),
      at: z.string(),
    }),
  ),
});
export type Mediation = z.infer<typeof mediationSchema>;

export const handOffSchema = z.object({
  id: z.string(),
  line: z.enum(HAND_OFF_LINES),
  unit: z.string(),
  /** The end of the due date's Beijing day, an instant. */
  dueBy: z.string(),
  note: z.optional(z.string()),
  at: z.string(),
  by: z.string(),
  returned: z.optional(
    z.object({ accepted: z.boolean(), result: z.string(), at: z.string(), onTime: z.boolean() }),
  ),
});

/** The facts of a case the mediation deadlines read. */
interface WithMediation {
  mediation?: Mediation | undefined;
  handOffs?: z.infer<typeof handOffSchema>[] | undefined;
}

export type MediationDeadlineKind = 'mediation' | 'callback' | 'hand_off';

/** The mediation's deadlines still to be met: its time limit while open, the callback once agreed, each open hand-off. */
export function mediationDeadlines(
  record: WithMediation,
): { kind: MediationDeadlineKind; start: Date; due: Date }[] {
  const watched: { kind: MediationDeadlineKind; start: Date; due: Date }[] = [];
  const mediation = record.mediation;
  if (mediation && !mediation.concludedAt)
    watched.push({ kind: 'mediation', start: new Date(mediation.startedAt), due: new Date(mediation.dueBy) });
  const agreement = mediation?.agreement;
  if (agreement && !mediation.callback)
    watched.push({
      kind: 'callback',
      start: new Date(agreement.effectiveAt),
      due: new Date(agreement.callbackBy),
    });
  for (const handOff of record.handOffs ?? [])
    if (!handOff.returned)
      watched.push({ kind: 'hand_off', start: new Date(handOff.at), due: new Date(handOff.dueBy) });
  return watched;
}

/** The mediator ids of the case that are staff accounts: they act on it and hear of its deadlines. */
export const staffMediators = (record: WithMediation): string[] =>
  (record.mediation?.mediators ?? []).filter((m) => m.source === 'staff').map((m) => m.id);

export const isMediatorOf = (record: WithMediation, userId: string): boolean =>
  staffMediators(record).includes(userId);

interface PeriodRules {
  calendar: WorkingCalendar;
  holidayRule: 'keep' | 'next_working_day';
}

const lastDay = (date: string, rules: PeriodRules): Date =>
  endOfBeijingDay(
    rules.holidayRule === 'next_working_day' ? rules.calendar.nextWorkingDayOnOrAfter(date) : date,
  );

/**
 * A period of months (民法典 Art 201–203): it ends on the day of the last month that bears the number of its first
 * day, or on that month's last day when it has none (31 January + 1 month ends 28 or 29 February).
 */
export function monthsDeadline(start: Date, months: number, rules: PeriodRules): Date {
  const from = beijingDate(start);
  const [year, month, day] = from.split('-').map(Number) as [number, number, number];
  const index = year * 12 + (month - 1) + months;
  const first = `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}-01`;
  const monthEnd = lastDayOfMonth(first);
  const candidate = `${first.slice(0, 8)}${String(day).padStart(2, '0')}`;
  return lastDay(candidate > monthEnd ? monthEnd : candidate, rules);
}

/** The mediation's time limit, from when it began. */
export const mediationDueOf = (startedAt: Date, rules: PeriodRules): Date =>
  monthsDeadline(startedAt, MEDIATION_MONTHS, rules);

/** An extension adds its days to the last day of the limit in force (not to today). */
export const extendedMediationDueOf = (dueBy: string, days: number, rules: PeriodRules): Date =>
  lastDay(addDays(beijingDate(new Date(new Date(dueBy).getTime() - 1)), days), rules);

/** Art 33: the 30 days for judicial confirmation, from the day the agreement took effect. */
export const confirmationDueOf = (effectiveAt: Date, rules: PeriodRules): Date =>
  lastDay(addDays(beijingDate(effectiveAt), CONFIRMATION_DAYS), rules);

/** The end of a Beijing date named in a body (`YYYY-MM-DD`): a due date includes its whole day. */
export const endOfDate = (date: string): Date => endOfBeijingDay(date);

/** The agreement's number: one agreement per case, numbered after it (`TJ-20261128-0001` for `JF-20261128-0001`). */
export const agreementNumberOf = (caseNumber: string): string => `TJ-${caseNumber.replace(/^[A-Z]+-/, '')}`;
