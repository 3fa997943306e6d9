import * as z from 'zod/mini';
import {
  ATTACHMENT_CONTENT_TYPES,
  ATTACHMENT_KINDS,
  ATTACHMENT_POLICY,
  ATTACHMENT_STATUSES,
  maxMiB,
} from '../domain/attachment.js';
import { because } from '../domain/errors.js';

/** What a client declares of a file before uploading it. */
export const startUploadBody = z
  .strictObject({
    kind: z.enum(ATTACHMENT_KINDS),
    /** JPEG and PNG images and PDF files: the types `complete` can check by their first bytes. */
    contentType: z.enum(ATTACHMENT_CONTENT_TYPES),
    /** Bytes. */
    size: z.number().check(
      z.int(),
      z.gte(1),
      z.refine((size) => size <= ATTACHMENT_POLICY.maxBytes, because('file-too-large', { mib: maxMiB })),
    ),
    /** The SHA-256 of the bytes, lowercase hex. */
    sha256: z.string().check(z.regex(/^[0-9a-f]{64}$/)),
  })
  .check(z.meta({ id: 'AttachmentDeclaration' }));

export const uploadResponseSchema = z
  .object({
    id: z.string(),
    /** Presigned for a few minutes: PUT the bytes here with exactly `uploadHeaders`. */
    uploadUrl: z.string(),
    /** Each header is signed: a PUT without one, or with another value, is refused by the store. */
    uploadHeaders: z.object({
      'content-type': z.enum(ATTACHMENT_CONTENT_TYPES),
      'content-length': z.string(),
      'if-none-match': z.literal('*'),
      'x-amz-checksum-sha256': z.string(),
      'x-amz-tagging': z.string(),
    }),
  })
  .check(z.meta({ id: 'AttachmentUpload' }));

export const attachmentViewSchema = z
  .object({
    id: z.string(),
    kind: z.enum(ATTACHMENT_KINDS),
    contentType: z.enum(ATTACHMENT_CONTENT_TYPES),
    size: z.number().check(z.int()),
    sha256: z.string(),
    status: z.enum(ATTACHMENT_STATUSES),
    createdAt: z.string(),
    storedAt: z.optional(z.string()),
  })
  .check(z.meta({ id: 'Attachment' }));

export const attachmentListSchema = z
  .object({ items: z.array(attachmentViewSchema) })
  .check(z.meta({ id: 'AttachmentList' }));

/** A letter, an agreement, a reply or any other file may hold personal data: say why it is downloaded. */
export const downloadQuery = z.strictObject({
  purpose: z.optional(z.string().check(z.trim(), z.minLength(5), z.maxLength(500))),
});

export const downloadResponseSchema = z
  .object({ downloadUrl: z.string(), expiresAt: z.string() })
  .check(z.meta({ id: 'AttachmentDownload' }));
