import {
  CASE_LEVEL_LABELS,
  type CatalogEntry,
  COMMAND_LABELS,
  GRID_LEVEL_LABELS,
  labelOf,
  ROLE_LABELS,
  STATUSES,
} from '../../domain/catalog.js';
import type { Messages } from './zh.js';

/** Every word of a problem answer in English, for `Accept-Language: en`: the keys of the Chinese catalogue. */

const label = (list: readonly CatalogEntry[], code: string) => labelOf(list, code, 'en');
const quoted = (text: string) => `“${text}”`;
const listed = (items: readonly string[]) =>
  items.length > 1 ? `${items.slice(0, -1).join(', ')} or ${items.at(-1)}` : (items[0] ?? '');

const TYPE_NAMES: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  bigint: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
  null: 'null',
  date: 'a date',
};

const ANSWERS: Record<'reply' | 'review' | 're_review', string> = {
  reply: 'reply',
  review: 'review answer',
  re_review: 're-review answer',
};
const WINDOWS: Record<'return' | 'reply' | 'review' | 'mediation', string> = {
  mediation: 'The mediation’s time limit has passed, so it can no longer be extended: record its outcome',
  return: 'The time to return the referred matter has passed',
  reply: 'The reply deadline has already passed, so the case can no longer be extended',
  review: 'The time to ask for review has passed',
};

export const en: Messages = {
  title: {
    'already-mediated': 'Already put to mediation',
    'not-mediating': 'No mediation under way',
    'no-agreement': 'No mediation agreement',
    'already-called-back': 'Already called back',
    'hand-off-open': 'Already handed to this line',
    'hand-off-returned': 'The hand-off has already come back',
    unauthorized: 'Not authenticated',
    'not-found': 'Not found',
    forbidden: 'Forbidden',
    'payload-too-large': 'Payload too large',
    'unsupported-media-type': 'Unsupported media type',
    'precondition-required': 'Precondition required',
    validation: 'Invalid input',
    'stale-version': 'Stale version',
    'wrong-status': 'Not allowed in the current status',
    conflict: 'Conflict',
    'repeat-of-open-case': 'The petitioner already has an open case of this category (repeat petition)',
    'idempotency-mismatch': 'Idempotency key reused with another request',
    'helper-inactive': 'Helper inactive',
    'in-progress': 'The same request is in progress',
    throttled: 'Too many requests',
    unavailable: 'Service unavailable',
    internal: 'Internal error',
    'respondent-recusal': 'The respondent must stand aside',
    'not-referred': 'Not a referred matter',
    'window-closed': 'The time allowed has passed',
    'not-higher-level': 'A case escalates only to a higher level',
    'already-extended': 'Already extended once; a case may not be extended again',
    'first-time-no-extension': 'First-time petitions are not extended',
    'extension-too-long': 'The extension is too long',
    'past-upper-level-due': 'An extension may not end after the due date the level above set',
    'self-reference': 'A case cannot repeat itself',
    'already-key': 'The case is already a key case',
    'not-key': 'The case is not a key case',
    'already-rated': 'Already rated',
    'no-further-review': 'No further review',
    'delivered-before-request': 'A review opinion cannot be delivered before the review was asked for',
    'review-window-open': 'The petitioner may still ask for review',
    'grid-has-cases': 'A grid with cases cannot move',
    'subtree-too-large': 'Too many sub-grids to move at once',
    'already-claimed': 'The case belongs to another account',
    'already-erased': 'Personal data already erased',
    'case-open': 'The case is still being handled',
    'attachment-limit': 'The case holds as many attachments as it may',
    'upload-mismatch': 'The uploaded file is not the one declared',
    'minutes-recorded': 'The minutes are already recorded',
    'decision-done': 'The decision is already done',
    'meeting-not-held': 'The meeting has not been held yet',
  },
  rule: {
    'already-mediated':
      'The case has already been put to mediation, and a case is mediated once; when it failed, the parties were told of the legal routes open to them',
    'not-mediating':
      'There is no mediation under way on this case: put it to mediation first; a concluded mediation takes no further step',
    'no-agreement': 'The case has no mediation agreement, so there is no performance to call back on',
    'already-called-back': 'The callback on the agreement’s performance is already recorded',
    'hand-off-open':
      'The case is already with this line and it has not reported back: record its return first',
    'hand-off-returned': 'The return of this hand-off is already recorded',
    'respondent-recusal': 'The person the case is about cannot handle it, own it or sit on its team',
    'not-referred': 'Only a matter referred from above can be returned',
    'window-closed': ({ window }) => WINDOWS[window],
    'not-higher-level': ({ level }) =>
      `The case is already handled at ${label(CASE_LEVEL_LABELS, level)} level: it escalates only to a higher one`,
    'already-extended': 'The case has been extended once and may not be extended again',
    'first-time-no-extension': 'First-time petitions are never extended under this town’s policy',
    'extension-too-long': ({ maxDays }) => `An extension is at most ${maxDays} days`,
    'past-upper-level-due': ({ dueDate, days, endDate }) =>
      `The level above set the due date ${dueDate} (Beijing): an extension of ${days} days would end ${endDate}`,
    'self-reference': 'A case cannot be classified as a repeat of itself',
    'already-key': 'The case is already a key case',
    'not-key': 'The case is not a key case, so there is nothing to unmark',
    'already-rated': ({ answer }) => `The ${ANSWERS[answer]} has already been rated`,
    'no-further-review': 'The re-review was the last review',
    'delivered-before-request': 'A review opinion cannot be delivered before the petitioner asked for it',
    'review-window-open':
      'The petitioner may still ask for review: close the case once the time is over or they are satisfied',
    'grid-has-cases': 'A grid with cases, or whose sub-grids have cases, cannot move',
    'subtree-too-large': 'The grid has too many sub-grids: move the sub-grids first',
    'already-claimed': 'This case belongs to another account',
    'already-erased': 'The personal data of this case is already erased',
    'case-open': 'A case still being handled keeps its personal data',
    'attachment-limit': ({ max }: { max: number }) => `A case keeps at most ${max} attachments`,
    'upload-mismatch': ({ what }: { what: 'missing' | 'size' | 'checksum' | 'type' }) =>
      ({
        missing: 'No uploaded file has arrived yet: upload it to the upload URL first, then complete',
        size: 'The uploaded file’s size is not the size declared; the file was deleted: declare and upload it again',
        checksum:
          'The uploaded file’s SHA-256 is not the one declared; the file was deleted: declare and upload it again',
        type:
          'The file’s content is not of the type declared (only JPEG and PNG images and PDF files are ' +
          'accepted); the file was deleted',
      })[what],
    'minutes-recorded':
      'Minutes are recorded once; a decision that proves wrong is marked done with a note saying so, and a new one is taken at a further meeting',
    'decision-done': 'This decision is already marked done; it cannot be marked twice',
    'meeting-not-held': 'The meeting’s date has not come: its minutes cannot be recorded yet',
  },
  forbidden: {
    'mediators-only': 'Only the case’s mediators and the reception clerks may do this',
    'not-your-command': ({ command }) => `You may not ${quoted(label(COMMAND_LABELS, command))} this case`,
    'grid-worker-own-grids': 'Grid workers register cases only in their own grids',
    'carried-case-supervisor-only': 'Only the petition office enters a carried case',
    'reveal-not-allowed':
      'Personal data is revealed to clerks, the petition office and the assignee; an accuser’s only to those who may see them',
    'patrol-own-grids': 'Only the grid’s own workers log its patrols',
    'attachments-online-only': 'A petitioner adds files only to a petition they filed online',
    'reception-own': 'A leader records only their own receptions; a clerk records them for any leader',
    'meeting-minutes':
      'Only the meeting’s chair, whoever scheduled it, or the petition office may record its minutes',
    'decision-done-by':
      'Only the decision’s owner, the meeting’s chair or the petition office may mark it done',
    'town-routes':
      'A city supervisor’s account reads and supervises its towns through the routes under /v1/city only',
    roles: ({ roles }) => `Only ${listed(roles.map((role) => label(ROLE_LABELS, role)))} may do this`,
  },
  detail: {
    'wrong-status': ({ status, command }) =>
      `${quoted(label(COMMAND_LABELS, command))} is not allowed while the case is ${label(STATUSES, status).toLowerCase()}`,
    validation: ({ count }) =>
      count === 1 ? '1 field is invalid: see errors' : `${count} fields are invalid: see errors`,
    cursor: 'The cursor is not valid: start again from the first page',
    throttled: ({ seconds }) => `Too many attempts; try again in ${seconds} s`,
    busy: 'The service is busy; try again shortly, with the same Idempotency-Key',
    'database-down': 'The database does not answer',
    'too-large': ({ bytes }) => `The body may not exceed ${bytes} bytes`,
    'media-type': 'Content-Type must be application/json',
    'bad-json': 'The body is not valid JSON',
    'if-match': 'Commands need an If-Match header with the case version',
    'idempotency-mismatch': 'This Idempotency-Key was used with a different body',
    'in-progress': 'A request with this key is still running',
    unauthorized: 'The token does not identify a caller',
    'key-on-reveal': 'A reveal takes no Idempotency-Key: every reveal is logged on its own',
    'key-on-issue': 'Issuing an Open311 key takes no Idempotency-Key: the key is shown once',
    'repeat-not-open': ({ number, status }) =>
      `Case ${number} is ${label(STATUSES, status).toLowerCase()}: only an open case takes a repeat; register the matter anew`,
    'repeat-hidden':
      'The petitioner already has an open case of this category that is outside your scope: the clerk at the town’s reception window must handle this matter',
    'repeat-open': ({ number, status }) =>
      `The petitioner already has an open case of this category, ${number} (${label(STATUSES, status).toLowerCase()}): link the matter to it (repeatOfOpenCase: {caseId, action: "link"}) or give the reason for a second case (repeatOfOpenCase: {reason})`,
    'helper-inactive': ({ id }) => `Helper ${id} is inactive and cannot join a team`,
  },
  timeline: {
    'transferred-to': ({ town, number }) => `Transferred to ${town} (${number})`,
    'transferred-from': ({ town, number }) => `Transferred from ${town} (${number})`,
  },
  crossTown: {
    earlier: ({ town }) =>
      `The petitioner has an earlier petition on the same matter in another town${town ? ` (${town})` : ''}`,
    later: ({ town }) =>
      `The petitioner has since petitioned on the same matter in another town${town ? ` (${town})` : ''}`,
  },
  field: {
    'before-today': 'may not be before today (Beijing time)',
    'before-mediation': 'may not be before the mediation began',
    'parties-consent': 'an extension of mediation needs both parties’ consent',
    'written-agreement-needs': 'a written agreement must state this (People’s Mediation Law, Art 29)',
    'follow-up-required':
      'is required when the agreement was not or only partly performed: performance urged, or the parties told they may sue',
    'not-a-mediator': 'is neither a staff member of this town nor an active helper in its directory',
    'not-a-petitioner': 'is not a petitioner of this case',
    'no-respondent': 'the case names no respondent',
    'too-few-parties': 'mediation needs at least two parties',
    'unknown-hand-off': 'is not a hand-off of this case',
    required: 'required',
    type: ({ expected }) => `must be ${TYPE_NAMES[expected] ?? 'of another type'}`,
    'too-long': ({ max }) => `at most ${max} characters`,
    'too-short': ({ min }) => `at least ${min} characters`,
    empty: 'must not be empty',
    'too-many': ({ max }) => `at most ${max} items`,
    'too-few': ({ min }) => `at least ${min} ${min === 1 ? 'item' : 'items'}`,
    'at-most': ({ max }) => `must be at most ${max}`,
    below: ({ max }) => `must be less than ${max}`,
    'at-least': ({ min }) => `must be at least ${min}`,
    above: ({ min }) => `must be more than ${min}`,
    'one-of': ({ values }) => `must be one of: ${values.join(', ')}`,
    'multiple-of': ({ step }) => `must be a multiple of ${step}`,
    datetime: 'must be a time with its zone, such as 2026-12-18T09:00:00+08:00',
    date: 'must be a date, such as 2026-12-18',
    format: 'is not in the expected form',
    union: 'matches none of the allowed forms',
    invalid: 'is not a valid value',
    'unknown-field': 'unknown field',
    'unknown-grid': 'is not a grid of this town',
    'unknown-case': 'is not a case of this town',
    'unknown-helper': 'is not a helper of this town',
    'helper-inactive': 'the helper is inactive',
    'grid-required': 'is required when a grid worker registers',
    'grid-has-no-parent': 'a comprehensive grid has no parent',
    'parent-required': ({ level, parentLevel }) =>
      `a ${label(GRID_LEVEL_LABELS, level)} needs a ${label(GRID_LEVEL_LABELS, parentLevel)} as its parent`,
    'parent-wrong-level': ({ level, parentLevel }) =>
      `a ${label(GRID_LEVEL_LABELS, level)}’s parent must be a ${label(GRID_LEVEL_LABELS, parentLevel)}`,
    'parent-under-itself': 'a grid cannot move under itself or its sub-grids',
    'no-open-case': 'these petitioners have no open case in this category: register without repeatOfOpenCase',
    'case-not-visible': 'is not a case of this town that you may see',
    'not-same-matter': 'is not a case of these petitioners in this category',
    'case-not-open': ({ status }) => `the case is ${label(STATUSES, status).toLowerCase()}, no longer open`,
    'in-future': 'may not be in the future',
    'before-review-request': 'may not be before the review was requested',
    'before-from': 'must not be before from',
    'ladder-overdue-last': 'the last step, and only it, is the overdue step at the deadline (daysBefore 0)',
    'ladder-ids-unique': 'step ids must be unique',
    'id-length': 'an ID number has 18 characters',
    'id-format': 'an ID number is 17 digits followed by a digit or X',
    'id-birth-date': 'the birth date in the ID number does not exist',
    'id-checksum': 'the ID number’s check digit is wrong: please check the number',
    phone: 'must be a mainland mobile number or a landline with area code',
    'not-a-category': 'is not a catalogue category',
    'headcount-below-petitioners': 'must be at least the number of petitioners',
    'late-entry-reason-required': ({ days }) => `is required when receivedAt is more than ${days} days back`,
    'referral-required': 'is required for the referral channel',
    'carried-received-at-required': 'is required for a carried case: the day it first reached the town',
    'carried-track-required': 'is required when the carried status is accepted',
    'history-before-received': 'is before receivedAt, the day the matter first reached the town',
    'carried-due-passed': 'has passed: a carried case takes no due date that is already over',
    'range-too-long': ({ days }) => `the range may span at most ${days} days`,
    'fields-repeat': 'must not repeat a field',
    'not-a-case-number': 'is not a case number (XF-YYYYMMDD-NNNN or JF-…)',
    'one-line': 'must be one line of text',
    'file-too-large': ({ mib }: { mib: number }) => `must be at most ${mib} MiB`,
    'unknown-staff': 'is not someone in the town’s staff directory',
    'due-before-meeting': 'must not be before the meeting’s date',
    'not-a-leader': 'is not a leader of this town’s staff',
    'slot-clash': 'the leader already has a slot in this half-day',
    'in-past': 'may not be before today',
    'case-twice': 'names a case another visit of this reception names already',
    'case-or-registration': 'give either caseId or registration, not both',
    'unknown-town': 'is not a town this deployment serves',
    'own-town': 'is the case’s own town: a case is not transferred to the town it is in',
    'transfer-destination':
      'give either toUnit (a body outside this deployment) or toTown (a town it serves), not both and not neither',
    'open-case-of-petitioner': ({ number }: { number: string }) =>
      number
        ? `the petitioner already has an open case of this category, ${number}: give its caseId instead`
        : 'the petitioner already has an open case of this category that is outside your scope: the clerk at the town’s reception window must handle this matter',
    'key-not-accepted': 'is not accepted on this request',
    'bad-json': 'invalid JSON',
    'year-mismatch': 'must equal the year in the path',
    'calendar-conflict':
      'the holidays and swapped workdays do not fit together: no day is both, a swapped workday is a weekend day, and every day is near the year',
    'not-a-date': 'is not a calendar date (YYYY-MM-DD)',
    'not-a-week': 'is not an ISO week (YYYY-Www)',
    'not-a-month': 'is not a calendar month (YYYY-MM)',
    'not-a-year': 'is not a year (YYYY, from 2000)',
    'not-begun': 'has not begun yet',
    'number-alone': 'finds one case: it takes no other filter and no cursor',
    'nothing-to-change': 'names nothing to change',
    cursor: 'is not a cursor this list issued',
  },
};
