import * as z from 'zod/mini';
import {
  CHANNEL_CODES,
  KIND_CODES,
  OUTCOME_CODES,
  RATING_CODES,
  SERVICE_LINE_CODES,
  STATUS_CODES,
  TRACK_CODES,
  TYPE_CODES,
} from './catalog.js';
import { crossTownFields } from './cross-town.js';
import { helperRefSchema } from './helper.js';
import { handOffSchema, mediationSchema } from './mediation.js';
import { decimal } from './numbers.js';
import { type Petitioner, personalDataSchema, protectedPetitionerSchema } from './personal.js';

/** A case as the service keeps it: the record's schema, its parts and its number; the rules that use it import it. */

/** Coordinates in degrees (WGS-84), kept to 7 decimals (about a centimetre): a latitude of 1e-131 is 0. */
const COORDINATE_PLACES = 7;

export const locationSchema = z.strictObject({
  address: z.optional(z.string().check(z.maxLength(200))),
  lat: z.optional(decimal({ min: -90, max: 90, places: COORDINATE_PLACES, excess: 'round' })),
  lng: z.optional(decimal({ min: -180, max: 180, places: COORDINATE_PLACES, excess: 'round' })),
});

export const referralSchema = z.strictObject({
  from: z.string().check(z.trim(), z.minLength(1), z.maxLength(100)),
  reference: z.string().check(z.trim(), z.minLength(1), z.maxLength(100)),
  dueBy: z.optional(z.iso.datetime({ offset: true })),
});

export const respondentSchema = z.strictObject({
  name: z.string().check(z.trim(), z.minLength(1), z.maxLength(100)),
  kind: z.enum(['person', 'organization']),
  userId: z.optional(z.string().check(z.minLength(1), z.maxLength(128))),
});

const deadlinesSchema = z.object({
  acknowledgeBy: z.string(),
  objectBy: z.optional(z.string()),
  replyBy: z.optional(z.string()),
  extendedTo: z.optional(z.string()),
  reviewRequestBy: z.optional(z.string()),
  reviewAnswerBy: z.optional(z.string()),
});

/**
 * A case of another town of the deployment, as a transfer between towns (转送) links the two: the town, the case's
 * id and its number, nothing else of it.
 */
export const caseLinkSchema = z.object({ town: z.string(), caseId: z.string(), number: z.string() });
export type CaseLink = z.infer<typeof caseLinkSchema>;

/** Where a carried matter stood when it was entered: not yet taken up, or taken up and in hand. */
export const BACKLOG_STATUSES = ['registered', 'accepted'] as const;
export type BacklogStatus = (typeof BACKLOG_STATUSES)[number];

/** One dated entry of what happened before the system: what, when, by which unit. */
export const historyEntrySchema = z.object({ date: z.string(), what: z.string(), unit: z.string() });
export type HistoryEntry = z.infer<typeof historyEntrySchema>;

/** The backlog mark a carried case keeps. */
const backlogRecordSchema = z.object({
  /** The Beijing day the matter first reached the town (its `receivedAt`). */
  since: z.string(),
  /** The status it was carried in. */
  carriedStatus: z.enum(BACKLOG_STATUSES),
  history: z.array(historyEntrySchema),
});

/** A case as the service keeps it. Stored items are parsed with this schema, never cast. */
export const caseRecordSchema = z.object({
  id: z.string(),
  town: z.string(),
  number: z.string(),
  version: z.number().check(z.int(), z.nonnegative()),
  kind: z.enum(KIND_CODES),
  channel: z.enum(CHANNEL_CODES),
  type: z.enum(TYPE_CODES),
  category: z.string(),
  serviceLine: z.optional(z.enum(SERVICE_LINE_CODES)),
  title: z.string(),
  description: z.string(),
  receivedAt: z.string(),
  /** On a case transferred from another town: when the matter first reached a town (the sending case's `receivedAt`). */
  firstReceivedAt: z.optional(z.string()),
  lateEntryReason: z.optional(z.string()),
  referral: z.optional(referralSchema),
  gridId: z.optional(z.string()),
  /** The grid's place in the tree (`/root/child/`), kept so lists by grid include descendants. */
  gridPath: z.optional(z.string()),
  location: z.optional(locationSchema),
  /** Masked forms only; the clear values are sealed in `personal` (see personal.ts). */
  petitioners: z.array(protectedPetitionerSchema),
  personal: z.optional(personalDataSchema),
  headcount: z.number().check(z.int()),
  collective: z.boolean(),
  respondent: z.optional(respondentSchema),
  status: z.enum(STATUS_CODES),
  track: z.optional(z.enum(TRACK_CODES)),
  firstTime: z.boolean(),
  repeatOf: z.optional(z.string()),
  /** Why the registrar opened this second track beside the petitioner's open case `repeatOf` (Art 19). */
  secondTrackReason: z.optional(z.string()),
  /** Cases of the same person on the same matter in other towns of the deployment, found by the deployment index. */
  ...crossTownFields,
  /** 重点信访矛盾: marked by a leader or the petition office, with why; lists and counters follow the mark. */
  key: z.optional(z.object({ since: z.string(), by: z.string(), reason: z.string() })),
  /** 积案: carried from before the system, with the day it first came and its history. */
  backlog: z.optional(backlogRecordSchema),
  level: z.optional(z.enum(['village', 'town', 'county'])),
  assignee: z.optional(z.string()),
  owner: z.optional(z.string()),
  acknowledgedAt: z.optional(z.string()),
  /** When it was accepted: the reply period runs from it (older records have only `acknowledgedAt`, the same instant). */
  acceptedAt: z.optional(z.string()),
  /** The one extension (Art 34): its days count from the end of the reply period, not from when it was granted. */
  extension: z.optional(z.object({ days: z.number().check(z.int()), reason: z.string(), at: z.string() })),
  deadlines: deadlinesSchema,
  registeredBy: z.object({ id: z.string(), role: z.string() }),
  /** The citizen account the case belongs to, when it was filed online or claimed. */
  petitionerUserId: z.optional(z.string()),
  /** Why it was declined, transferred or returned. */
  decision: z.optional(
    z.object({ reason: z.string(), route: z.optional(z.string()), toUnit: z.optional(z.string()) }),
  ),
  /** The case this one was registered from, in another town of the deployment (转送). */
  transferredFrom: z.optional(caseLinkSchema),
  /** The case this one became in another town of the deployment, when it was transferred there (转送). */
  transferredTo: z.optional(caseLinkSchema),
  team: z.optional(z.array(z.string())),
  /** Helpers who are not staff on the team (三官一律, counsellors, veterans...): who and what, never their phone. */
  helpers: z.optional(z.array(helperRefSchema)),
  /** The four lists (四张清单): tasks, responsibilities, measures here; the resolution list comes with the reply. */
  plan: z.optional(
    z.object({
      tasks: z.array(z.string()),
      responsibilities: z.array(z.string()),
      measures: z.array(z.string()),
    }),
  ),
  reply: z.optional(
    z.object({
      outcome: z.enum(OUTCOME_CODES),
      opinion: z.string(),
      resolution: z.optional(z.array(z.string())),
      repliedAt: z.string(),
      deliveredAt: z.string(),
      level: z.optional(z.enum(['village', 'town', 'county'])),
    }),
  ),
  /** The latest rating, and the answer it rated: the reply, the review (复查) or the re-review (复核). */
  rating: z.optional(
    z.object({
      rating: z.enum(RATING_CODES),
      comment: z.optional(z.string()),
      at: z.string(),
      of: z.optional(z.enum(['reply', 'review', 're_review'])),
    }),
  ),
  reviews: z.optional(
    z.array(
      z.object({
        requestedAt: z.string(),
        reason: z.string(),
        outcome: z.optional(z.enum(OUTCOME_CODES)),
        opinion: z.optional(z.string()),
        answeredAt: z.optional(z.string()),
        /** When the written review opinion reached the petitioner: the next review window counts from it (Art 36). */
        deliveredAt: z.optional(z.string()),
      }),
    ),
  ),
  /** People's mediation (人民调解) of the matter: its committee, mediators, time limit, outcome and callback. */
  mediation: z.optional(mediationSchema),
  /** The matter handed to legal aid, labour arbitration or the litigation service, and what came back. */
  handOffs: z.optional(z.array(handOffSchema)),
  closedAt: z.optional(z.string()),
  withdrawal: z.optional(z.object({ reason: z.string(), at: z.string() })),
  /** The next unfired step of the escalation ladder; absent when nothing is watched. */
  alert: z.optional(
    z.object({
      kind: z.enum(['acknowledge', 'reply', 'review', 'mediation', 'callback', 'hand_off']),
      due: z.string(),
      step: z.number().check(z.int()),
      at: z.string(),
    }),
  ),
  /** Deadlines that passed unmet, each flagged for supervision (督办). */
  overdue: z.optional(z.array(z.object({ kind: z.string(), due: z.string(), at: z.string() }))),
  /** 上级督办: the city petition bureau's supervision of the open case, each with its note and the day it asks for. */
  supervisions: z.optional(
    z.array(
      z.object({
        at: z.string(),
        by: z.string(),
        note: z.string(),
        dueDate: z.optional(z.string()),
        /** The timeline event that records it. */
        seq: z.number().check(z.int()),
      }),
    ),
  ),
  /** The last timeline event: its sequence number and keyed hash (the head of the chain). */
  timelineHead: z.object({ seq: z.number().check(z.int()), hash: z.string() }),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type CaseRecord = z.infer<typeof caseRecordSchema>;

export const numberPrefix = (kind: CaseRecord['kind']): string => (kind === 'petition' ? 'XF' : 'JF');

/** `XF-20261128-0001`: prefix, Beijing date of registration, the day's sequence. */
export const formatCaseNumber = (kind: CaseRecord['kind'], day: string, sequence: number): string =>
  `${numberPrefix(kind)}-${day.replaceAll('-', '')}-${String(sequence).padStart(4, '0')}`;

/** A case number's shape: kind, registration day, the day's sequence. */
const CASE_NUMBER = /^(XF|JF)-(\d{4})(\d{2})(\d{2})-\d{4,6}$/;

/** The Beijing day a case with this number was registered on (`YYYY-MM-DD`), or undefined for no such number. */
export function registrationDayOf(number: string): string | undefined {
  const match = CASE_NUMBER.exec(number);
  if (!match) return undefined;
  const day = `${match[2]}-${match[3]}-${match[4]}`;
  const parsed = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(day) ? day : undefined;
}

/** Art 20: at most five representatives speak for a collective petition; only they are indexed. */
export const MAX_INDEXED_PETITIONERS = 5;

/**
 * The identifiers that find a petitioner's earlier cases: the normalised ID number, else the phone digits, of at most
 * the five representatives. A petitioner with neither cannot be matched, so the case counts as first-time (the safe side).
 */
export function petitionerIdentifiers(petitioners: readonly Petitioner[]): string[] {
  const identifiers = petitioners.slice(0, MAX_INDEXED_PETITIONERS).flatMap((p) => {
    if (p.idNumber) return [`id:${p.idNumber.trim().toUpperCase()}`];
    if (p.phone) return [`phone:${p.phone.replace(/\D/g, '')}`];
    return [];
  });
  return [...new Set(identifiers)];
}
