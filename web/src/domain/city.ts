import type { components } from '../api.js';
import { isoWeek } from './dates.js';

/** The city's view (市/县信访局) as the pages show it: pure, so the tests read it without a page. */

type CityCase = components['schemas']['CityCase'];

/** The national indicators the city ranks its towns on, in the API's order (`GET /v1/city/metrics`'s `ranking`). */
export const CITY_INDICATORS = [
  'timelyAcknowledgement',
  'onTimeReply',
  'ratingParticipation',
  'satisfaction',
  'resolution',
  'repeat',
  'resolvedInVillage',
  'resolvedInTown',
] as const;

/** The lists of a town's cases the city reads. */
export const CITY_VIEWS = ['overdue', 'at-risk', 'backlog'] as const;
export type CityView = (typeof CITY_VIEWS)[number];

/** A rate or a rank the city may not be shown: hidden under the minimum sample (`rate: null`), or no sample at all. */
type Hidden = 'tooSmall' | 'none';

/** Why a rate is not shown: no case at all, or fewer than the ranking's minimum. */
export const hiddenReason = (denominator: number): Hidden => (denominator === 0 ? 'none' : 'tooSmall');

export type CityBulletinKind = 'weekly' | 'monthly';

/**
 * The path of the bulletin for the period that holds the given Beijing day (this week, this month): the city's, or
 * one of its towns' when a town is given.
 */
export function cityBulletinPath(kind: CityBulletinKind, day: string, town?: string): string {
  const period = kind === 'weekly' ? `weekly/${isoWeek(day)}` : `monthly/${day.slice(0, 7)}`;
  return town === undefined
    ? `/v1/city/reports/${period}`
    : `/v1/city/towns/${encodeURIComponent(town)}/reports/${period}`;
}

/** One dated step of a case as the city reads it (the city has no timeline route: the case's own dates). */
export interface Milestone {
  at: string;
  what:
    | 'registered'
    | 'received'
    | 'acknowledged'
    | 'accepted'
    | 'extended'
    | 'replied'
    | 'reviewRequested'
    | 'reviewAnswered'
    | 'overdue'
    | 'supervised'
    | 'withdrawn'
    | 'closed';
  /** The deadline missed (`overdue`'s kind), the city's note, or the reason given. */
  detail?: string;
  /** The day the city asked the town to report by. */
  dueDate?: string;
}

/** A case's dated steps, oldest first: what it records of its intake, acceptance, reply, reviews and the city's 督办. */
export function milestonesOf(view: CityCase): Milestone[] {
  const steps: Milestone[] = [{ at: view.receivedAt, what: 'received' }];
  if (view.createdAt !== view.receivedAt) steps.push({ at: view.createdAt, what: 'registered' });
  if (view.acknowledgedAt) steps.push({ at: view.acknowledgedAt, what: 'acknowledged' });
  if (view.acceptedAt) steps.push({ at: view.acceptedAt, what: 'accepted' });
  if (view.extension) steps.push({ at: view.extension.at, what: 'extended', detail: view.extension.reason });
  if (view.reply) steps.push({ at: view.reply.repliedAt, what: 'replied' });
  for (const review of view.reviews ?? []) {
    steps.push({ at: review.requestedAt, what: 'reviewRequested' });
    if (review.answeredAt) steps.push({ at: review.answeredAt, what: 'reviewAnswered' });
  }
  for (const missed of view.overdue ?? [])
    steps.push({ at: missed.at, what: 'overdue', detail: missed.kind });
  for (const supervision of view.supervisions ?? [])
    steps.push({
      at: supervision.at,
      what: 'supervised',
      detail: supervision.note,
      ...(supervision.dueDate ? { dueDate: supervision.dueDate } : {}),
    });
  if (view.withdrawal)
    steps.push({ at: view.withdrawal.at, what: 'withdrawn', detail: view.withdrawal.reason });
  if (view.closedAt) steps.push({ at: view.closedAt, what: 'closed' });
  return steps.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}
