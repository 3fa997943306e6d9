/**
 * Errors the domain core raises. Each names a rule of the domain by a key and the facts its words need; the HTTP layer
 * maps them to problem types and words them in the caller's language in one place (`http/problem.ts`).
 */
export abstract class DomainError extends Error {
  /** Stable machine-readable code, used as the problem type slug. */
  abstract readonly code: string;
}

/** The case is not in a status from which this command may run. */
export class WrongStatusError extends DomainError {
  readonly code = 'wrong-status';
  constructor(
    readonly status: string,
    readonly command: string,
  ) {
    super(`${command} is not allowed from ${status}`);
  }
}

/**
 * Every rule the domain refuses an act by (each a 409 whose problem type is `/problems/<code>`): a refusal names one
 * of these, so the OpenAPI document's list of problem types is made from this list and cannot miss one.
 */
export const RULE_CODES = [
  'respondent-recusal',
  'not-referred',
  'window-closed',
  'not-higher-level',
  'already-extended',
  'first-time-no-extension',
  'extension-too-long',
  'past-upper-level-due',
  'self-reference',
  'already-key',
  'not-key',
  'already-rated',
  'no-further-review',
  'delivered-before-request',
  'review-window-open',
  'grid-has-cases',
  'subtree-too-large',
  'already-claimed',
  'already-erased',
  'case-open',
  // joint meetings and consultations: minutes once, a decision done once, no minutes before the meeting
  'minutes-recorded',
  'decision-done',
  'meeting-not-held',
  // people's mediation and the service lines
  'already-mediated',
  'not-mediating',
  'no-agreement',
  'already-called-back',
  'hand-off-open',
  'hand-off-returned',
  // evidence on the case: the number of files a case may hold, a stored file that is not the one declared
  'attachment-limit',
  'upload-mismatch',
] as const;

export type RuleCode = (typeof RULE_CODES)[number];

/** The facts a refusal's words need, for the rules that need any. */
export interface RuleParams {
  /** Which time limit has passed: returning a referral, the reply (for an extension), asking for review. */
  'window-closed': { window: 'return' | 'reply' | 'review' | 'mediation' };
  'not-higher-level': { level: 'village' | 'town' | 'county' };
  'extension-too-long': { maxDays: number };
  /** Beijing dates (`YYYY-MM-DD`): the due date the level above set, and the day the extension would end. */
  'past-upper-level-due': { dueDate: string; days: number; endDate: string };
  'already-rated': { answer: 'reply' | 'review' | 're_review' };
  'attachment-limit': { max: number };
  /** What the stored object was found to be: absent, another size, another SHA-256, another type than declared. */
  'upload-mismatch': { what: 'missing' | 'size' | 'checksum' | 'type' };
}

/** A rule of the law or of the town's policy forbids the act (for example a second extension). */
export class RuleViolationError<C extends RuleCode = RuleCode> extends DomainError {
  readonly params: RuleParams[keyof RuleParams] | undefined;
  constructor(
    readonly code: C,
    ...params: C extends keyof RuleParams ? [params: RuleParams[C]] : []
  ) {
    super(code);
    this.params = params[0];
  }
}

/** The object does not exist, or the caller may not know that it exists. */
export class NotFoundError extends DomainError {
  readonly code = 'not-found';
}

/** Why an act is not the caller's, for the refusals that say more than that. */
export interface ForbiddenReasons {
  /** The command is not one the caller's roles or relation to the case may give. */
  'not-your-command': { command: string };
  'grid-worker-own-grids': undefined;
  'carried-case-supervisor-only': undefined;
  'reveal-not-allowed': undefined;
  /** A mediation's records and its agreement page are its mediators' and the clerks'. */
  'mediators-only': undefined;
  'patrol-own-grids': undefined;
  /** A petitioner adds evidence only to a petition they filed online. */
  'attachments-online-only': undefined;
  /** A leader records their own receptions; a clerk records them for any leader. */
  'reception-own': undefined;
  /** Minutes are the chair's, the scheduler's or the petition office's to record. */
  'meeting-minutes': undefined;
  /** A decision is marked done by its owner, the chair or the petition office. */
  'decision-done-by': undefined;
}

/** The caller sees the object but their role may not do this. */
export class ForbiddenError<K extends keyof ForbiddenReasons = keyof ForbiddenReasons> extends DomainError {
  readonly code = 'forbidden';
  readonly params: ForbiddenReasons[K] | undefined;
  constructor(
    readonly reason: K,
    ...params: ForbiddenReasons[K] extends undefined ? [] : [params: ForbiddenReasons[K]]
  ) {
    super(reason);
    this.params = params[0];
  }
}

/** Someone changed the object since the caller read it. */
export class StaleVersionError extends DomainError {
  readonly code = 'stale-version';
}

/** Others kept changing the object while this change was tried, each time: nothing was written, try again shortly. */
export class ContentionError extends DomainError {
  readonly code = 'contention';
}

type GridLevel = 'comprehensive' | 'village' | 'unit';

/**
 * Why a field is refused, for the refusals the domain and its schemas word themselves (a zod refinement names its
 * reason in `params`, see `because`), with the facts each needs.
 */
export interface FieldReasons {
  'unknown-grid': undefined;
  'unknown-case': undefined;
  'grid-required': undefined;
  'grid-has-no-parent': undefined;
  'parent-required': { level: GridLevel; parentLevel: GridLevel };
  'parent-wrong-level': { level: GridLevel; parentLevel: GridLevel };
  'parent-under-itself': undefined;
  'no-open-case': undefined;
  'case-not-visible': undefined;
  'not-same-matter': undefined;
  'in-future': undefined;
  'before-review-request': undefined;
  'before-from': undefined;
  'ladder-overdue-last': undefined;
  'ladder-ids-unique': undefined;
  'id-length': undefined;
  'id-format': undefined;
  'id-birth-date': undefined;
  'id-checksum': undefined;
  phone: undefined;
  'not-a-category': undefined;
  'headcount-below-petitioners': undefined;
  'late-entry-reason-required': { days: number };
  'referral-required': undefined;
  'carried-received-at-required': undefined;
  'carried-track-required': undefined;
  'history-before-received': undefined;
  'carried-due-passed': undefined;
  'range-too-long': { days: number };
  'fields-repeat': undefined;
  'not-a-case-number': undefined;
  'one-line': undefined;
  'file-too-large': { mib: number };
  // meetings: a chair, participant or owner not in the town's staff directory; a due date before the meeting
  'unknown-staff': undefined;
  'due-before-meeting': undefined;
  // leaders' reception: a roster slot's leader, clashing slots, a day already past, a case named twice
  'not-a-leader': undefined;
  'slot-clash': undefined;
  'in-past': undefined;
  'case-twice': undefined;
  'case-or-registration': undefined;
  /** The petitioner has an open case of this category (Art 19): its number, when the caller may see it. */
  'open-case-of-petitioner': { number: string };
  // people's mediation and the service lines
  'before-today': undefined;
  'before-mediation': undefined;
  'parties-consent': undefined;
  'written-agreement-needs': undefined;
  'follow-up-required': undefined;
  'not-a-mediator': undefined;
  'not-a-petitioner': undefined;
  'no-respondent': undefined;
  'too-few-parties': undefined;
  'unknown-hand-off': undefined;
  // a transfer (转送): to a body outside the deployment or to one of its towns, not to the case's own town
  'transfer-destination': undefined;
  'unknown-town': undefined;
  'own-town': undefined;
}

export type FieldReason = keyof FieldReasons;

/** The facts a field reason's words need, as a rest argument: none, or the one object its key names. */
type FieldParamsArg<K extends FieldReason> = FieldReasons[K] extends undefined
  ? []
  : [params: FieldReasons[K]];

/** A zod refinement's options that name its reason: `.refine(ok, because('in-future'))`. */
export const because = <K extends FieldReason>(key: K, ...params: FieldParamsArg<K>) => ({
  params: { key, ...params[0] },
});

/** A field that is well formed but names something the rules refuse (a grid or case the town does not have). */
export class InvalidFieldError<K extends FieldReason = FieldReason> extends DomainError {
  readonly code = 'invalid-field';
  readonly params: FieldReasons[K] | undefined;
  constructor(
    readonly path: string,
    readonly reason: K,
    ...params: FieldParamsArg<K>
  ) {
    super(`${path}: ${reason}`);
    this.params = params[0];
  }
}

/** A list cursor that no list issued, or that names a position outside the list it came back to. */
export class InvalidCursorError extends DomainError {
  readonly code = 'invalid-cursor';
  constructor() {
    super('invalid cursor');
  }
}
