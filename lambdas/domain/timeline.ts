import * as z from 'zod/mini';
import { isRole, type Role } from './roles.js';

/**
 * The case timeline: append-only events chained by a keyed hash (HMAC), so that nobody who can write the table but
 * does not hold the key can edit, drop or insert an event without `verify` finding the break.
 */

export interface TimelineEvent {
  seq: number;
  at: string;
  actor: { id: string; role: Role | 'system' };
  action: string;
  fromStatus?: string;
  toStatus?: string;
  note?: string;
  /** A matter received again and linked to this case instead of opening a second one (Art 19). */
  received?: ReceivedMatter;
  /** A file stored as evidence on the case, with the SHA-256 of its bytes. */
  attachment?: AttachedFile;
  /** A mediation session's record (调解笔录). */
  session?: MediationSession;
  /** A transfer between towns of the deployment (转送): the other case, sent `to` or received `from` there. */
  transfer?: TransferLink;
  prevHash: string;
  hash: string;
}

/** What an attachment event records of the file: enough to tell a swapped file, nothing personal. */
export interface AttachedFile {
  id: string;
  kind: string;
  contentType: string;
  size: number;
  sha256: string;
}

/** A mediation session as its record keeps it: when, where, who was there, what was said and agreed. */
export interface MediationSession {
  heldAt: string;
  place: string;
  present: string[];
  said: string;
  agreed?: string;
}

/** The case a transfer between towns links to: which way, and the town, id and number of the other case. */
export interface TransferLink {
  direction: 'to' | 'from';
  town: string;
  caseId: string;
  number: string;
}

/** What a linked repeat brought: how and when it reached the town, and its title (nothing personal). */
export interface ReceivedMatter {
  channel: string;
  receivedAt: string;
  title: string;
}

/** A timeline event as it is stored and served. */
export const timelineEventSchema = z
  .object({
    seq: z.number().check(z.int()),
    at: z.string(),
    actor: z.object({ id: z.string(), role: z.string() }),
    action: z.string(),
    fromStatus: z.optional(z.string()),
    toStatus: z.optional(z.string()),
    note: z.optional(z.string()),
    /** `repeat-received`: the matter received again and linked to this case (Art 19). */
    received: z.optional(z.object({ channel: z.string(), receivedAt: z.string(), title: z.string() })),
    /** `attachment-stored`: the file stored as evidence, with the SHA-256 of its bytes. */
    attachment: z.optional(
      z.object({
        id: z.string(),
        kind: z.string(),
        contentType: z.string(),
        size: z.number().check(z.int()),
        sha256: z.string(),
      }),
    ),
    /** `mediation-session`: the record of a mediation session (调解笔录). */
    session: z.optional(
      z.object({
        heldAt: z.string(),
        place: z.string(),
        present: z.array(z.string()),
        said: z.string(),
        agreed: z.optional(z.string()),
      }),
    ),
    /** `transfer` (to) or `register` (from): the case in the other town of the deployment (转送). */
    transfer: z.optional(
      z.object({
        direction: z.enum(['to', 'from']),
        town: z.string(),
        caseId: z.string(),
        number: z.string(),
      }),
    ),
    /** Served, never stored: the words of an event that names another town, in the caller's language. */
    label: z.optional(
      z.string().check(
        z.meta({
          description: 'The event’s words in the caller’s language, on one that names another town (转送)',
        }),
      ),
    ),
    prevHash: z.string(),
    hash: z.string(),
  })
  .check(z.meta({ id: 'TimelineEvent' }));

const sessionOf = ({ agreed, ...rest }: NonNullable<z.infer<typeof timelineEventSchema>['session']>) => ({
  ...rest,
  ...(agreed !== undefined ? { agreed } : {}),
});

const isActorRole = (role: string): role is Role | 'system' => role === 'system' || isRole(role);

/** A stored event, checked: its fields, and an actor role the service records (a role, or `system`). */
export function parseTimelineEvent(value: unknown): TimelineEvent {
  const {
    seq,
    at,
    actor,
    action,
    fromStatus,
    toStatus,
    note,
    received,
    attachment,
    session,
    transfer,
    prevHash,
    hash,
  } = timelineEventSchema.parse(value);
  const { role } = actor;
  if (!isActorRole(role)) throw new Error(`timeline event ${seq} names an unknown role`);
  // a field the stored event lacks stays absent from the event
  return {
    seq,
    at,
    actor: { id: actor.id, role },
    action,
    ...(fromStatus !== undefined ? { fromStatus } : {}),
    ...(toStatus !== undefined ? { toStatus } : {}),
    ...(note !== undefined ? { note } : {}),
    ...(received !== undefined ? { received } : {}),
    ...(attachment !== undefined ? { attachment } : {}),
    ...(session !== undefined ? { session: sessionOf(session) } : {}),
    ...(transfer !== undefined ? { transfer } : {}),
    prevHash,
    hash,
  };
}

export type TimelineFields = Omit<TimelineEvent, 'seq' | 'prevHash' | 'hash'>;

/** Keyed MAC of a string, hex: HMAC-SHA256 with a local key, or KMS GenerateMac in the cloud. */
export type MacFunction = (data: string) => Promise<string>;

export const GENESIS_HASH = '0'.repeat(64);

/** The exact bytes that are signed: every field but the hash, in a fixed order. */
export function canonicalEvent(event: Omit<TimelineEvent, 'hash'>): string {
  // `received` joins the signed bytes only when present, so every event written before it still verifies
  const received = event.received
    ? [[event.received.channel, event.received.receivedAt, event.received.title]]
    : [];
  // likewise `attachment`
  const attachment = event.attachment
    ? [
        [
          event.attachment.id,
          event.attachment.kind,
          event.attachment.contentType,
          event.attachment.size,
          event.attachment.sha256,
        ],
      ]
    : [];
  // likewise `session`
  const session = event.session
    ? [
        [
          event.session.heldAt,
          event.session.place,
          event.session.present,
          event.session.said,
          event.session.agreed ?? null,
        ],
      ]
    : [];
  // likewise `transfer`
  const transfer = event.transfer
    ? [[event.transfer.direction, event.transfer.town, event.transfer.caseId, event.transfer.number]]
    : [];
  return JSON.stringify([
    event.seq,
    event.at,
    event.actor.id,
    event.actor.role,
    event.action,
    event.fromStatus ?? null,
    event.toStatus ?? null,
    event.note ?? null,
    event.prevHash,
    ...received,
    ...attachment,
    ...session,
    ...transfer,
  ]);
}

export async function chainEvent(
  head: { seq: number; hash: string } | undefined,
  fields: TimelineFields,
  mac: MacFunction,
): Promise<TimelineEvent> {
  const unsigned = { ...fields, seq: (head?.seq ?? 0) + 1, prevHash: head?.hash ?? GENESIS_HASH };
  return { ...unsigned, hash: await mac(`timeline\n${canonicalEvent(unsigned)}`) };
}

export interface ChainVerdict {
  valid: boolean;
  /** The sequence number of the first event that does not check out. */
  brokenAt?: number;
}

/** Recomputes the chain from the first event, against the head kept on the case. */
export async function verifyChain(
  events: readonly TimelineEvent[],
  head: { seq: number; hash: string },
  mac: MacFunction,
): Promise<ChainVerdict> {
  let prevHash = GENESIS_HASH;
  for (const [i, event] of events.entries()) {
    const expectedSeq = i + 1;
    const { hash, ...unsigned } = event;
    const recomputed = await mac(`timeline\n${canonicalEvent(unsigned)}`);
    if (event.seq !== expectedSeq || event.prevHash !== prevHash || recomputed !== hash)
      return { valid: false, brokenAt: expectedSeq };
    prevHash = hash;
  }
  // a dropped tail shows as a head the events never reach
  if (events.length !== head.seq || prevHash !== head.hash)
    return { valid: false, brokenAt: Math.min(events.length, head.seq) + 1 };
  return { valid: true };
}
