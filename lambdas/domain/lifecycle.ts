import { assertNever } from './assert-never.js';
import type { WorkingCalendar } from './calendar.js';
import type { CaseRecord } from './case.js';
import {
  acceptedAtOf,
  extendedDeadlineOf,
  replyDeadlineOf,
  reviewAnswerDeadlineOf,
  reviewRequestDeadlineOf,
  upperLevelDueOf,
} from './case-deadlines.js';
import { OPEN_STATUSES, type Status } from './catalog.js';
import type { CommandBodies, CommandBody, CommandRequest } from './command-bodies.js';
import { beijingDate, calendarDaysDeadline, isLate } from './deadlines.js';
import { ForbiddenError, InvalidFieldError, RuleViolationError, WrongStatusError } from './errors.js';
import type { HelperRef } from './helper.js';
import { nextAlert } from './ladder.js';
import {
  agreementNumberOf,
  confirmationDueOf,
  endOfDate,
  extendedMediationDueOf,
  isMediatorOf,
  type Mediator,
  mediationDueOf,
} from './mediation.js';
import type { DeadlinePolicy } from './policy.js';
import { hasAnyRole, type Principal, type Role } from './roles.js';

/**
 * The case state machine of the 2022 信访工作条例: every command, the statuses it may run from, where it leads, and
 * who may give it. Handlers, tests and the OpenAPI document all read this one table.
 */

/** Who may give a command: a role, or a relation to the case. */
type Actor = Role | 'assignee' | 'owner' | 'petitioner_on_case' | 'mediator';

interface CommandRule {
  from: readonly Status[];
  /** `undefined`: the status stays as it is. */
  to?: Status;
  actors: readonly Actor[];
}

/** The statuses of a case taken up and not withdrawn: accepted, answered, reviewed, closed. */
const AFTER_ACCEPTANCE: readonly Status[] = ['accepted', 'replied', 'under_review', 'reviewed', 'closed'];

export const COMMANDS = {
  accept: { from: ['registered'], to: 'accepted', actors: ['clerk', 'supervisor'] },
  decline: { from: ['registered'], to: 'declined', actors: ['clerk', 'supervisor'] },
  transfer: { from: ['registered'], to: 'transferred', actors: ['clerk', 'supervisor'] },
  return: { from: ['registered'], to: 'returned', actors: ['clerk', 'supervisor'] },
  triage: { from: ['registered', 'accepted'], actors: ['clerk', 'supervisor'] },
  assign: { from: ['accepted'], actors: ['clerk', 'supervisor', 'owner'] },
  own: { from: ['accepted'], actors: ['leader', 'supervisor'] },
  escalate: { from: ['accepted'], actors: ['assignee', 'owner', 'supervisor'] },
  extend: { from: ['accepted'], actors: ['leader'] },
  classify: { from: OPEN_STATUSES, actors: ['clerk', 'supervisor'] },
  // 重点信访矛盾: a mark on an open case, given and taken back by leaders and the petition office
  'mark-key': { from: OPEN_STATUSES, actors: ['leader', 'supervisor'] },
  'unmark-key': { from: OPEN_STATUSES, actors: ['leader', 'supervisor'] },
  reply: { from: ['accepted'], to: 'replied', actors: ['assignee', 'owner'] },
  rate: { from: ['replied', 'reviewed'], actors: ['petitioner_on_case', 'clerk'] },
  'request-review': {
    from: ['replied', 'reviewed'],
    to: 'under_review',
    actors: ['petitioner_on_case', 'clerk'],
  },
  'record-review': { from: ['under_review'], to: 'reviewed', actors: ['supervisor'] },
  close: { from: ['replied', 'reviewed'], to: 'closed', actors: ['clerk', 'supervisor'] },
  withdraw: { from: OPEN_STATUSES, to: 'withdrawn', actors: ['petitioner_on_case', 'clerk'] },
  // 人民调解: an accepted matter put to a committee; its steps are the mediators' (a clerk records them for a
  // committee whose mediators have no account)
  mediate: { from: ['accepted'], actors: ['clerk', 'supervisor', 'assignee', 'owner'] },
  'extend-mediation': { from: ['accepted'], actors: ['mediator', 'clerk'] },
  agree: { from: ['accepted'], actors: ['mediator', 'clerk'] },
  'mediation-failed': { from: ['accepted'], actors: ['mediator', 'clerk'] },
  // the callback on performance may fall due after the case was answered or closed
  callback: { from: AFTER_ACCEPTANCE, actors: ['mediator', 'clerk'] },
  // 五位一体: a hand-off to another line of the window, and what it sent back
  'hand-off': { from: ['accepted'], actors: ['clerk', 'supervisor', 'assignee', 'owner'] },
  'hand-off-result': { from: AFTER_ACCEPTANCE, actors: ['clerk', 'supervisor', 'assignee', 'owner'] },
} as const satisfies Record<keyof CommandBodies, CommandRule>;

export type CommandName = keyof typeof COMMANDS;
export const COMMAND_NAMES = Object.keys(COMMANDS) as CommandName[];
export const isCommandName = (name: string): name is CommandName => Object.hasOwn(COMMANDS, name);

/** A review (复查) and then a re-review (复核); after that the same facts are not taken up again (Art 36). */
const MAX_REVIEWS = 2;

/** The answers a petitioner receives and may rate, each once: the reply, then each review's answer. */
const ANSWERS = ['reply', 'review', 're_review'] as const;
type Answer = (typeof ANSWERS)[number];

/** The answer the petitioner now holds: the reply, or the latest review answered. */
function currentAnswer(record: CaseRecord): Answer {
  const answered = (record.reviews ?? []).filter((review) => review.answeredAt !== undefined).length;
  return ANSWERS[Math.min(answered, MAX_REVIEWS)] ?? 'reply';
}

/** Whether the answer the petitioner now holds was rated "satisfied" (a rating from before `of` was kept rated the reply). */
const satisfiedWithCurrentAnswer = (record: CaseRecord): boolean =>
  record.rating?.rating === 'satisfied' && (record.rating.of ?? 'reply') === currentAnswer(record);

export type Outcome = 'resolved' | 'partially_resolved' | 'not_resolved' | 'referred';
export type Rating = 'satisfied' | 'basically_satisfied' | 'dissatisfied';

/**
 * A command the state machine applies: the body as checked, except that `own` names its helpers resolved, as the
 * directory names them (the body names them by id; each was found and is active).
 */
export type CommandInput =
  | Exclude<CommandRequest, { command: 'own' | 'mediate' }>
  | ({ command: 'own' } & Omit<CommandBody<'own'>, 'helpers'> & { helpers?: HelperRef[] })
  | ({ command: 'mediate' } & Omit<CommandBody<'mediate'>, 'mediatorIds'> & { mediators: Mediator[] });

export interface CommandContext {
  principal: Principal;
  now: Date;
  policy: DeadlinePolicy;
  calendar: WorkingCalendar;
}

/** What a command wrote, for the timeline. */
export interface CommandEffect {
  record: CaseRecord;
  action: CommandName;
  fromStatus: Status;
  toStatus: Status;
  note?: string;
}

/** Whether the caller may give this command on this case (their roles, or their relation to it). */
export function mayGive(principal: Principal, command: CommandName, record: CaseRecord): boolean {
  const actors: readonly Actor[] = COMMANDS[command].actors;
  if (actors.includes('petitioner_on_case') && principal.kind === 'petitioner')
    if (record.petitionerUserId === principal.userId) return true;
  if (principal.kind === 'petitioner') return false;
  if (actors.includes('assignee') && record.assignee === principal.userId) return true;
  if (actors.includes('owner') && record.owner === principal.userId) return true;
  if (actors.includes('mediator') && isMediatorOf(record, principal.userId)) return true;
  return hasAnyRole(
    principal,
    actors.filter(
      (a): a is Role => a !== 'assignee' && a !== 'owner' && a !== 'petitioner_on_case' && a !== 'mediator',
    ),
  );
}

/**
 * Recusal (回避, and Art 30's confidentiality): the staff member a case names as its respondent never sees it, so they
 * can neither handle it nor own it nor sit on its team.
 */
function refuseRespondent(record: CaseRecord, userIds: readonly (string | undefined)[]): void {
  const respondent = record.respondent?.userId;
  if (respondent !== undefined && userIds.includes(respondent))
    throw new RuleViolationError('respondent-recusal');
}

/** The parties named must be the case's own (its petitioners by place, its respondent), at least two in all. */
function checkParties(record: CaseRecord, parties: CommandBody<'mediate'>['parties']): void {
  parties.petitioners.forEach((index, i) => {
    if (index >= record.petitioners.length)
      throw new InvalidFieldError(`parties.petitioners.${i}`, 'not-a-petitioner');
  });
  if (parties.respondent && !record.respondent)
    throw new InvalidFieldError('parties.respondent', 'no-respondent');
  if (new Set(parties.petitioners).size + (parties.respondent ? 1 : 0) < 2)
    throw new InvalidFieldError('parties', 'too-few-parties');
}

/** The mediation under way, or the refusal: none was begun, or it has concluded. */
function openMediation(record: CaseRecord) {
  const mediation = record.mediation;
  if (!mediation || mediation.concludedAt) throw new RuleViolationError('not-mediating');
  return mediation;
}

const deadlineOf = (iso: string | undefined) => (iso ? new Date(iso) : undefined);

/** The reply deadline in force: the extended one when there is one. */
const replyDeadline = (record: CaseRecord): Date | undefined =>
  deadlineOf(record.deadlines.extendedTo ?? record.deadlines.replyBy);

/** Applies a command to a case: the next record, or an error naming the rule it breaks. Pure. */
export function applyCommand(record: CaseRecord, input: CommandInput, ctx: CommandContext): CommandEffect {
  const spec: CommandRule = COMMANDS[input.command];
  if (!mayGive(ctx.principal, input.command, record))
    throw new ForbiddenError('not-your-command', { command: input.command });
  if (!spec.from.includes(record.status)) throw new WrongStatusError(record.status, input.command);

  const now = ctx.now.toISOString();
  const period = (from: Date, days: number) =>
    calendarDaysDeadline(from, days, { calendar: ctx.calendar, holidayRule: ctx.policy.holidayRule });
  const periodRules = { calendar: ctx.calendar, holidayRule: ctx.policy.holidayRule };
  const next: CaseRecord = structuredClone(record);
  let note: string | undefined;

  switch (input.command) {
    case 'accept': {
      refuseRespondent(record, [input.assigneeId]);
      next.acknowledgedAt = now;
      next.acceptedAt = now;
      next.track = input.track;
      if (input.assigneeId) next.assignee = input.assigneeId;
      next.deadlines.replyBy = replyDeadlineOf(ctx.now, record.referral, ctx).toISOString();
      note = input.note;
      break;
    }
    case 'decline':
      next.acknowledgedAt = now;
      next.decision = { reason: input.reason, ...(input.route ? { route: input.route } : {}) };
      note = input.reason;
      break;
    case 'transfer':
      next.acknowledgedAt = now;
      // to another town of the deployment, the case it becomes there is linked by the transfer (transfer.ts)
      next.decision = {
        reason: input.note ?? '',
        ...(input.toUnit !== undefined ? { toUnit: input.toUnit } : {}),
      };
      note = input.note;
      break;
    case 'return': {
      const objectBy = deadlineOf(record.deadlines.objectBy);
      if (!record.referral || !objectBy) throw new RuleViolationError('not-referred');
      if (isLate(ctx.now, objectBy)) throw new RuleViolationError('window-closed', { window: 'return' });
      next.acknowledgedAt = now;
      next.decision = { reason: input.reason };
      note = input.reason;
      break;
    }
    case 'triage':
      next.track = input.track;
      break;
    case 'assign':
      refuseRespondent(record, [input.assigneeId]);
      next.assignee = input.assigneeId;
      note = input.note;
      break;
    case 'own':
      refuseRespondent(record, [input.leaderId, ...input.team]);
      next.owner = input.leaderId;
      next.team = [...new Set(input.team)];
      // the team is named anew, its helpers with it
      if (input.helpers?.length) next.helpers = input.helpers;
      else delete next.helpers;
      next.plan = input.plan;
      break;
    case 'escalate': {
      const order = { village: 0, town: 1, county: 2 } as const;
      if (record.level && order[input.level] <= order[record.level])
        throw new RuleViolationError('not-higher-level', { level: record.level });
      next.level = input.level;
      note = input.reason;
      break;
    }
    case 'extend': {
      const replyBy = replyDeadline(record);
      if (record.deadlines.extendedTo) throw new RuleViolationError('already-extended');
      if (record.firstTime && ctx.policy.firstTimeNoExtension)
        throw new RuleViolationError('first-time-no-extension');
      if (input.days > ctx.policy.maxExtensionDays)
        throw new RuleViolationError('extension-too-long', { maxDays: ctx.policy.maxExtensionDays });
      if (!replyBy || isLate(ctx.now, replyBy))
        throw new RuleViolationError('window-closed', { window: 'reply' });
      // the extension adds days to the period's own last day, not to today nor to a day a holiday moved it to
      const acceptedAt = acceptedAtOf(record);
      const extendedTo = acceptedAt
        ? extendedDeadlineOf(new Date(acceptedAt), input.days, ctx)
        : period(new Date(replyBy.getTime() - 1), input.days);
      const upperLevelDue = upperLevelDueOf(record);
      if (upperLevelDue && extendedTo.getTime() > upperLevelDue.getTime())
        throw new RuleViolationError('past-upper-level-due', {
          dueDate: beijingDate(new Date(upperLevelDue.getTime() - 1)),
          days: input.days,
          endDate: beijingDate(new Date(extendedTo.getTime() - 1)),
        });
      next.deadlines.extendedTo = extendedTo.toISOString();
      next.extension = { days: input.days, reason: input.reason, at: now };
      note = input.reason;
      break;
    }
    case 'classify':
      if (input.repeatOf === record.id) throw new RuleViolationError('self-reference');
      next.firstTime = input.repeatOf === null;
      if (input.repeatOf === null) delete next.repeatOf;
      else next.repeatOf = input.repeatOf;
      note = input.reason;
      break;
    case 'mark-key':
      if (record.key) throw new RuleViolationError('already-key');
      next.key = { since: now, by: ctx.principal.userId, reason: input.reason };
      note = input.reason;
      break;
    case 'unmark-key':
      if (!record.key) throw new RuleViolationError('not-key');
      delete next.key;
      note = input.reason;
      break;
    case 'reply': {
      const deliveredAt = input.deliveredAt ? new Date(input.deliveredAt) : ctx.now;
      next.reply = {
        outcome: input.outcome,
        opinion: input.opinion,
        ...(input.resolution ? { resolution: input.resolution } : {}),
        repliedAt: now,
        deliveredAt: deliveredAt.toISOString(),
        ...(record.level ? { level: record.level } : {}),
      };
      next.deadlines.reviewRequestBy = reviewRequestDeadlineOf(deliveredAt, ctx).toISOString();
      break;
    }
    case 'rate': {
      const of = currentAnswer(record);
      if (record.rating && (record.rating.of ?? 'reply') === of)
        throw new RuleViolationError('already-rated', { answer: of });
      next.rating = {
        rating: input.rating,
        ...(input.comment ? { comment: input.comment } : {}),
        at: now,
        of,
      };
      break;
    }
    case 'request-review': {
      const reviews = record.reviews ?? [];
      if (reviews.length >= MAX_REVIEWS) throw new RuleViolationError('no-further-review');
      const window = deadlineOf(record.deadlines.reviewRequestBy);
      if (!window || isLate(ctx.now, window))
        throw new RuleViolationError('window-closed', { window: 'review' });
      next.reviews = [...reviews, { requestedAt: now, reason: input.reason }];
      next.deadlines.reviewAnswerBy = reviewAnswerDeadlineOf(ctx.now, ctx).toISOString();
      note = input.reason;
      break;
    }
    case 'record-review': {
      const reviews = [...(record.reviews ?? [])];
      const last = reviews.at(-1);
      if (!last) throw new WrongStatusError(record.status, input.command);
      // Art 36: the next window counts from when the written opinion reached the petitioner
      const deliveredAt = input.deliveredAt ? new Date(input.deliveredAt) : ctx.now;
      if (deliveredAt.getTime() < new Date(last.requestedAt).getTime())
        throw new RuleViolationError('delivered-before-request');
      reviews[reviews.length - 1] = {
        ...last,
        outcome: input.outcome,
        opinion: input.opinion,
        answeredAt: now,
        deliveredAt: deliveredAt.toISOString(),
      };
      next.reviews = reviews;
      delete next.deadlines.reviewAnswerBy;
      if (reviews.length < MAX_REVIEWS)
        next.deadlines.reviewRequestBy = reviewRequestDeadlineOf(deliveredAt, ctx).toISOString();
      else delete next.deadlines.reviewRequestBy;
      break;
    }
    case 'close': {
      const window = deadlineOf(record.deadlines.reviewRequestBy);
      const noFurtherReview =
        (record.reviews?.length ?? 0) >= MAX_REVIEWS ||
        satisfiedWithCurrentAnswer(record) ||
        !window ||
        isLate(ctx.now, window);
      if (!noFurtherReview) throw new RuleViolationError('review-window-open');
      next.closedAt = now;
      note = input.note;
      break;
    }
    case 'withdraw':
      next.withdrawal = { reason: input.reason, at: now };
      note = input.reason;
      break;
    case 'mediate': {
      if (record.mediation) throw new RuleViolationError('already-mediated');
      checkParties(record, input.parties);
      refuseRespondent(
        record,
        input.mediators.filter((m) => m.source === 'staff').map((m) => m.id),
      );
      next.mediation = {
        committee: input.committee,
        mediators: input.mediators,
        parties: {
          petitioners: [...new Set(input.parties.petitioners)],
          respondent: input.parties.respondent,
        },
        startedAt: now,
        dueBy: mediationDueOf(ctx.now, periodRules).toISOString(),
      };
      note = input.note;
      break;
    }
    case 'extend-mediation': {
      const mediation = openMediation(record);
      if (isLate(ctx.now, new Date(mediation.dueBy)))
        throw new RuleViolationError('window-closed', { window: 'mediation' });
      const dueBy = extendedMediationDueOf(mediation.dueBy, input.days, periodRules).toISOString();
      next.mediation = {
        ...mediation,
        dueBy,
        extensions: [
          ...(mediation.extensions ?? []),
          { days: input.days, reason: input.reason, at: now, dueBy },
        ],
      };
      note = input.reason;
      break;
    }
    case 'agree': {
      const mediation = openMediation(record);
      const effectiveAt = input.effectiveAt ? new Date(input.effectiveAt) : ctx.now;
      next.mediation = {
        ...mediation,
        concludedAt: now,
        agreement: {
          number: agreementNumberOf(record.number),
          form: input.form,
          ...(input.facts ? { facts: input.facts } : {}),
          ...(input.disputed ? { disputed: input.disputed } : {}),
          ...(input.responsibilities ? { responsibilities: input.responsibilities } : {}),
          terms: input.terms,
          performance: {
            how: input.performance.how,
            ...(input.performance.where ? { where: input.performance.where } : {}),
            by: input.performance.by,
          },
          recordedAt: now,
          effectiveAt: effectiveAt.toISOString(),
          confirmationBy: confirmationDueOf(effectiveAt, periodRules).toISOString(),
          callbackBy: endOfDate(input.performance.by).toISOString(),
        },
      };
      break;
    }
    case 'mediation-failed': {
      const mediation = openMediation(record);
      next.mediation = {
        ...mediation,
        concludedAt: now,
        failure: { reason: input.reason, route: input.route, at: now },
      };
      note = input.reason;
      break;
    }
    case 'callback': {
      const mediation = record.mediation;
      if (!mediation?.agreement) throw new RuleViolationError('no-agreement');
      if (mediation.callback) throw new RuleViolationError('already-called-back');
      next.mediation = {
        ...mediation,
        callback: {
          result: input.result,
          note: input.note,
          ...(input.followUp && input.result !== 'performed' ? { followUp: input.followUp } : {}),
          at: now,
        },
      };
      note = input.note;
      break;
    }
    case 'hand-off': {
      const handOffs = record.handOffs ?? [];
      if (handOffs.some((h) => h.line === input.line && !h.returned))
        throw new RuleViolationError('hand-off-open');
      next.handOffs = [
        ...handOffs,
        {
          id: `h${handOffs.length + 1}`,
          line: input.line,
          unit: input.unit,
          dueBy: endOfDate(input.dueDate).toISOString(),
          ...(input.note ? { note: input.note } : {}),
          at: now,
          by: ctx.principal.userId,
        },
      ];
      note = input.note;
      break;
    }
    case 'hand-off-result': {
      const handOffs = [...(record.handOffs ?? [])];
      const index = handOffs.findIndex((h) => h.id === input.handOffId);
      const handOff = handOffs[index];
      if (!handOff) throw new InvalidFieldError('handOffId', 'unknown-hand-off');
      if (handOff.returned) throw new RuleViolationError('hand-off-returned');
      handOffs[index] = {
        ...handOff,
        returned: {
          accepted: input.accepted,
          result: input.result,
          at: now,
          onTime: !isLate(ctx.now, new Date(handOff.dueBy)),
        },
      };
      next.handOffs = handOffs;
      note = input.result;
      break;
    }
    default:
      assertNever(input);
  }

  const toStatus = spec.to ?? record.status;
  next.status = toStatus;
  next.version = record.version + 1;
  next.updatedAt = now;
  const alert = nextAlert(next, ctx.policy.escalation, record.alert);
  if (alert) next.alert = alert;
  else delete next.alert;
  return {
    record: next,
    action: input.command,
    fromStatus: record.status,
    toStatus,
    ...(note ? { note } : {}),
  };
}
