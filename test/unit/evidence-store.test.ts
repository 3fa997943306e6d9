import { createHash } from 'node:crypto';
import { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { S3EvidenceStore } from '../../lambdas/adapters/evidence-store.js';
import {
  countedAttachments,
  hasMagic,
  objectKey,
  sha256Base64,
  uploadMismatch,
} from '../../lambdas/domain/attachment.js';

/**
 * What a presigned upload signs: the real S3 refuses a PUT whose signed headers differ from the signature's, so the
 * length, the type, the checksum, the pending tag and "create only" must each be among the signed headers.
 */

const s3 = new S3Client({
  region: 'cn-northwest-1',
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
});
const store = new S3EvidenceStore(s3, 'evidence-bucket');
const bytes = Buffer.from('%PDF-1.7 a scanned letter');
const sha256 = createHash('sha256').update(bytes).digest('hex');

describe('a presigned upload', () => {
  it('signs the length, type, checksum, tag and if-none-match headers, and hands over exactly those', async () => {
    const upload = await store.presignUpload({
      key: objectKey('town-a', 'case-1', 'att-1'),
      contentType: 'application/pdf',
      size: bytes.length,
      sha256,
      seconds: 300,
    });
    const url = new URL(upload.url);
    const signed = url.searchParams.get('X-Amz-SignedHeaders')?.split(';') ?? [];
    expect(signed).toEqual(
      expect.arrayContaining([
        'content-length',
        'content-type',
        'host',
        'if-none-match',
        'x-amz-checksum-sha256',
        'x-amz-tagging',
      ]),
    );
    expect(Object.keys(upload.headers).sort()).toEqual(signed.filter((h) => h !== 'host').sort());
    expect(upload.headers).toEqual({
      'content-type': 'application/pdf',
      'content-length': String(bytes.length),
      'if-none-match': '*',
      'x-amz-checksum-sha256': createHash('sha256').update(bytes).digest('base64'),
      'x-amz-tagging': 'upload=pending',
    });
    // the checksum travels as a signed header, not a query parameter anyone could leave out
    expect(url.searchParams.has('x-amz-checksum-sha256')).toBe(false);
    expect(url.searchParams.get('X-Amz-Expires')).toBe('300');
    expect(url.pathname).toBe('/town-a/case-1/att-1');
    expect(url.hostname).toBe('evidence-bucket.s3.cn-northwest-1.amazonaws.com.cn');
  });

  it('signs a download of one version for the time asked', async () => {
    const url = new URL(await store.presignDownload('town-a/case-1/att-1', 120, 'v-3'));
    expect(url.searchParams.get('versionId')).toBe('v-3');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('120');
    expect(url.searchParams.get('X-Amz-SignedHeaders')).toBe('host');
  });
});

describe('the stored file against what was declared', () => {
  const jpeg = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46]);
  const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const declared = { size: 8, sha256: 'a'.repeat(64), contentType: 'image/jpeg' as const };

  it('checks size, then checksum, then the magic bytes of the declared type', () => {
    expect(uploadMismatch(declared, undefined)).toBe('missing');
    expect(uploadMismatch(declared, { size: 9, sha256: 'a'.repeat(64), head: jpeg })).toBe('size');
    expect(uploadMismatch(declared, { size: 8, sha256: 'b'.repeat(64), head: jpeg })).toBe('checksum');
    expect(uploadMismatch(declared, { size: 8, sha256: 'a'.repeat(64), head: png })).toBe('type');
    expect(uploadMismatch(declared, { size: 8, sha256: 'a'.repeat(64), head: jpeg })).toBeUndefined();
  });

  it('knows JPEG, PNG and PDF by their first bytes', () => {
    expect(hasMagic('image/png', png)).toBe(true);
    expect(hasMagic('image/jpeg', png)).toBe(false);
    expect(hasMagic('application/pdf', Buffer.from('%PDF-1.4'))).toBe(true);
    expect(hasMagic('application/pdf', Buffer.from('%PDF'))).toBe(false);
  });

  it('turns the hex digest into the base64 S3 carries', () => {
    expect(sha256Base64(sha256)).toBe(createHash('sha256').update(bytes).digest('base64'));
  });

  it('counts stored files and pending ones not yet expired against the limit', () => {
    const base = {
      town: 't',
      caseId: 'c',
      kind: 'photo' as const,
      contentType: 'image/jpeg' as const,
      size: 1,
      sha256: 'a'.repeat(64),
      createdAt: '',
      createdBy: { id: 'u', role: 'clerk' },
    };
    const now = new Date('2026-12-03T00:00:00Z');
    const seconds = now.getTime() / 1000;
    expect(
      countedAttachments(
        [
          { ...base, id: '1', status: 'stored' },
          { ...base, id: '2', status: 'pending', expiresAt: seconds + 60 },
          { ...base, id: '3', status: 'pending', expiresAt: seconds - 60 },
          { ...base, id: '4', status: 'erased' },
        ],
        now,
      ),
    ).toBe(2);
  });
});
