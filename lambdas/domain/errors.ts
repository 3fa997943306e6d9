/**
 * Errors the domain core raises. Each names a rule of the domain; the HTTP layer maps them to problem types in one
 * place (`http/problem.ts`).
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
] as const;

export type RuleCode = (typeof RULE_CODES)[number];

/** A rule of the law or of the town's policy forbids the act (for example a second extension). */
export class RuleViolationError extends DomainError {
  constructor(
    readonly code: RuleCode,
    message: string,
  ) {
    super(message);
  }
}

/** The object does not exist, or the caller may not know that it exists. */
export class NotFoundError extends DomainError {
  readonly code = 'not-found';
}

/** The caller sees the object but their role may not do this. */
export class ForbiddenError extends DomainError {
  readonly code = 'forbidden';
}

/** Someone changed the object since the caller read it. */
export class StaleVersionError extends DomainError {
  readonly code = 'stale-version';
}

/** Others kept changing the object while this change was tried, each time: nothing was written, try again shortly. */
export class ContentionError extends DomainError {
  readonly code = 'contention';
}

/** A field that is well formed but names something the rules refuse (a grid or case the town does not have). */
export class InvalidFieldError extends DomainError {
  readonly code = 'invalid-field';
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path} ${reason}`);
  }
}

/** A list cursor that no list issued, or that names a position outside the list it came back to. */
export class InvalidCursorError extends DomainError {
  readonly code = 'invalid-cursor';
  constructor() {
    super('is not a cursor this list issued');
  }
}
