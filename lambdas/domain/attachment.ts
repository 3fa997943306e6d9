import * as z from 'zod/mini';

/**
 * Evidence on a case: letters the window scans, patrol photos, signed agreements, stamped replies. The bytes live in
 * object storage under a key of the town, the case and the attachment's id (never anything personal); the case keeps a
 * record of each, and the timeline the SHA-256 of each stored file, so a file swapped later is detectable.
 */

export const ATTACHMENT_KINDS = ['letter', 'photo', 'agreement', 'reply', 'other'] as const;
export type AttachmentKind = (typeof ATTACHMENT_KINDS)[number];

/** The file types accepted: those whose first bytes can be checked against the declared type. */
export const ATTACHMENT_CONTENT_TYPES = ['image/jpeg', 'image/png', 'application/pdf'] as const;
export type AttachmentContentType = (typeof ATTACHMENT_CONTENT_TYPES)[number];

export const ATTACHMENT_STATUSES = ['pending', 'stored', 'erased'] as const;

const MIB = 1024 * 1024;

/** The limits of the service: a file's size, the files of one case, and how long each link stays valid. */
export const ATTACHMENT_POLICY = {
  maxBytes: 20 * MIB,
  maxPerCase: 50,
  /** A presigned upload is valid this long; the pending record a little longer, then it expires. */
  uploadSeconds: 5 * 60,
  /** An upload not completed within this many hours is forgotten (the record's TTL, the bucket's lifecycle rule). */
  pendingHours: 24,
  downloadSeconds: 5 * 60,
} as const;

export const maxMiB = ATTACHMENT_POLICY.maxBytes / MIB;

/** Kinds that may hold personal data (names, addresses, ID numbers on paper): their download is logged with a reason. */
const LOGGED_KINDS: readonly AttachmentKind[] = ['letter', 'agreement', 'reply', 'other'];
export const isLoggedDownload = (kind: AttachmentKind): boolean => LOGGED_KINDS.includes(kind);

/** The tag every upload carries until it is completed: the bucket's lifecycle rule expires objects still tagged. */
export const PENDING_TAG = { key: 'upload', value: 'pending' } as const;

export const attachmentSchema = z.object({
  id: z.string(),
  town: z.string(),
  caseId: z.string(),
  kind: z.enum(ATTACHMENT_KINDS),
  contentType: z.enum(ATTACHMENT_CONTENT_TYPES),
  size: z.number().check(z.int(), z.positive()),
  sha256: z.string().check(z.regex(/^[0-9a-f]{64}$/)),
  status: z.enum(ATTACHMENT_STATUSES),
  createdAt: z.string(),
  createdBy: z.object({ id: z.string(), role: z.string() }),
  storedAt: z.optional(z.string()),
  /** The object version that was checked, where the store keeps versions. */
  versionId: z.optional(z.string()),
  /** Epoch seconds after which a pending record is gone (TTL). */
  expiresAt: z.optional(z.number().check(z.int())),
});
export type Attachment = z.infer<typeof attachmentSchema>;

/** Where the bytes are: the town, the case, the attachment. */
export const objectKey = (town: string, caseId: string, attachmentId: string): string =>
  `${town}/${caseId}/${attachmentId}`;

/** Every object of a case begins with this. */
export const caseObjectPrefix = (town: string, caseId: string): string => `${town}/${caseId}/`;

const MAGIC: Record<AttachmentContentType, readonly number[]> = {
  'image/jpeg': [0xff, 0xd8, 0xff],
  'image/png': [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
  'application/pdf': [0x25, 0x50, 0x44, 0x46, 0x2d],
};

/** How many leading bytes the type check needs. */
export const MAGIC_BYTES = Math.max(...Object.values(MAGIC).map((magic) => magic.length));

export const hasMagic = (contentType: AttachmentContentType, head: Uint8Array): boolean =>
  MAGIC[contentType].every((byte, i) => head[i] === byte);

/** What an upload was found to be, read back from the store. */
export interface StoredObject {
  size: number;
  sha256: string;
  head: Uint8Array;
}

type UploadMismatch = 'missing' | 'size' | 'checksum' | 'type';

/** Why the stored object is not the file declared, or nothing when it is. */
export function uploadMismatch(
  declared: Pick<Attachment, 'size' | 'sha256' | 'contentType'>,
  stored: StoredObject | undefined,
): UploadMismatch | undefined {
  if (!stored) return 'missing';
  if (stored.size !== declared.size) return 'size';
  if (stored.sha256 !== declared.sha256) return 'checksum';
  if (!hasMagic(declared.contentType, stored.head)) return 'type';
  return undefined;
}

/** The records that count against the case's limit at `now`: stored ones, and pending ones not yet expired. */
export const countedAttachments = (attachments: readonly Attachment[], now: Date): number =>
  attachments.filter(
    (a) => a.status === 'stored' || (a.status === 'pending' && (a.expiresAt ?? 0) * 1000 > now.getTime()),
  ).length;

/** The base64 of the digest a lowercase hex SHA-256 spells, as `x-amz-checksum-sha256` carries it. */
export const sha256Base64 = (hex: string): string => Buffer.from(hex, 'hex').toString('base64');
