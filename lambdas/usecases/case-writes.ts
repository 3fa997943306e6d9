import type { CaseRepository } from '../adapters/case-repository.js';
import type { CounterRepository } from '../adapters/counter-repository.js';
import type { NotificationRepository } from '../adapters/notification-repository.js';
import type { CaseRecord } from '../domain/case.js';
import type { Milestone } from '../domain/citizen.js';
import { registrationCounts } from '../domain/counters.js';
import {
  assignmentNotice,
  milestoneMessage,
  milestoneNotice,
  type Notification,
  toOutbox,
} from '../domain/notification.js';
import type { PreparedCase } from './register-case.js';

/** The writes that go into a case's transactions besides the case itself: notices, milestones, registrations. */

type Notices = Pick<NotificationRepository, 'inboxPut' | 'outboxPut'>;

/** The inbox and outbox writes of notices, to join the registration's transaction. */
const noticePuts = (notifications: Notices, notices: readonly Notification[]) =>
  notices.flatMap((notice) => [
    notifications.inboxPut(notice),
    notifications.outboxPut(toOutbox(notice, 'leader')),
  ]);

/** A milestone: the message for the petitioner's SMS, and their inbox entry when the case has a citizen account. */
export function milestoneWrites(
  notifications: Notices,
  record: CaseRecord,
  milestone: Milestone,
  at: string,
) {
  const notice = milestoneNotice(record, milestone, at);
  return [
    notifications.outboxPut(milestoneMessage(record, milestone, at)),
    ...(notice ? [notifications.inboxPut(notice)] : []),
  ];
}

/** A notice to whoever a change has just made the assignee. */
export function assignmentWrites(notifications: Notices, before: CaseRecord, after: CaseRecord, now: Date) {
  const notice = after.assignee !== before.assignee ? assignmentNotice(after, now.toISOString()) : undefined;
  return notice ? [notifications.inboxPut(notice)] : [];
}

/**
 * Every write that registers a prepared case, for one transaction: the case, its first event, relations and blind
 * indexes, its query-code lookup, the duty leaders' notices and the petitioner's first milestone.
 */
export const registrationWrites = (
  repos: { cases: Pick<CaseRepository, 'creationItems' | 'queryCodePut'>; notifications: Notices },
  prepared: PreparedCase,
) => [
  ...repos.cases.creationItems(prepared.record, prepared.event, prepared.blindIndexes, prepared.crossTown),
  repos.cases.queryCodePut(prepared.queryCodeHash, prepared.record),
  ...noticePuts(repos.notifications, prepared.notices),
  ...milestoneWrites(repos.notifications, prepared.record, 'register', prepared.record.createdAt),
];

/** The writes of one registration together with what it adds to the town's counters. */
export const countedRegistrationWrites = (
  repos: Parameters<typeof registrationWrites>[0] & { counters: Pick<CounterRepository, 'updates'> },
  prepared: PreparedCase,
) => [
  ...registrationWrites(repos, prepared),
  ...repos.counters.updates(prepared.record.town, prepared.record.id, registrationCounts(prepared.record)),
];
