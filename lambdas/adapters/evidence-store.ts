import { createHash } from 'node:crypto';
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  PutObjectTaggingCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import {
  type AttachmentContentType,
  MAGIC_BYTES,
  PENDING_TAG,
  type StoredObject,
  sha256Base64,
} from '../domain/attachment.js';

/** What the service does with the evidence bucket: the port the use cases see. */
export interface EvidenceStore {
  /** A presigned PUT whose length, type, checksum, tag and "create only" headers are signed. */
  presignUpload(request: UploadRequest): Promise<PresignedUpload>;
  /** A presigned GET of one object (of one version, where the store keeps versions). */
  presignDownload(key: string, seconds: number, versionId?: string): Promise<string>;
  /** The object as it is stored: its size, SHA-256 (hex) and first bytes; nothing when there is none. */
  inspect(key: string): Promise<(StoredObject & { versionId?: string }) | undefined>;
  /** The object no longer counts as a pending upload (the lifecycle rule leaves it). */
  markStored(key: string, versionId?: string): Promise<void>;
  /** The object and every version of it. */
  delete(key: string): Promise<void>;
  /** Every object under a prefix, with all their versions; how many versions went. */
  deleteAll(prefix: string): Promise<number>;
}

export interface UploadRequest {
  key: string;
  contentType: AttachmentContentType;
  size: number;
  /** Lowercase hex. */
  sha256: string;
  seconds: number;
}

export interface PresignedUpload {
  url: string;
  /** Exactly the headers the client sends with the PUT (each one signed). */
  headers: Record<string, string>;
}

/** Headers the signature covers and the presigner must leave as headers (it would move `x-amz-*` to the query). */
const SIGNED_HEADERS = new Set(['content-type', 'content-length', 'if-none-match']);
const UNHOISTABLE = new Set(['x-amz-checksum-sha256', 'x-amz-tagging']);
const PENDING_TAGGING = `${PENDING_TAG.key}=${PENDING_TAG.value}`;

/**
 * The bucket through the S3 API: AWS's in the cloud, a loopback S3 server locally (path-style). `versioned: false`
 * for a store that keeps no versions (the local server cannot list them): deleting then removes current objects only.
 */
export class S3EvidenceStore implements EvidenceStore {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    private readonly versioned = true,
  ) {}

  async presignUpload(request: UploadRequest): Promise<PresignedUpload> {
    const checksum = sha256Base64(request.sha256);
    const command = new PutObjectCommand({
      Bucket: this.bucket,
      Key: request.key,
      ContentType: request.contentType,
      ContentLength: request.size,
      ChecksumSHA256: checksum,
      // a completed upload cannot be replaced through the same link
      IfNoneMatch: '*',
      Tagging: PENDING_TAGGING,
    });
    const url = await getSignedUrl(this.s3, command, {
      expiresIn: request.seconds,
      signableHeaders: SIGNED_HEADERS,
      unhoistableHeaders: UNHOISTABLE,
    });
    return {
      url,
      headers: {
        'content-type': request.contentType,
        'content-length': String(request.size),
        'if-none-match': '*',
        'x-amz-checksum-sha256': checksum,
        'x-amz-tagging': PENDING_TAGGING,
      },
    };
  }

  presignDownload(key: string, seconds: number, versionId?: string): Promise<string> {
    return getSignedUrl(
      this.s3,
      new GetObjectCommand({
        Bucket: this.bucket,
        Key: key,
        ...(versionId && this.versioned ? { VersionId: versionId } : {}),
      }),
      { expiresIn: seconds },
    );
  }

  async inspect(key: string): Promise<(StoredObject & { versionId?: string }) | undefined> {
    try {
      const object = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      const hash = createHash('sha256');
      const head: number[] = [];
      let size = 0;
      for await (const chunk of object.Body as AsyncIterable<Uint8Array>) {
        hash.update(chunk);
        size += chunk.length;
        for (const byte of chunk) {
          if (head.length >= MAGIC_BYTES) break;
          head.push(byte);
        }
      }
      return {
        size,
        sha256: hash.digest('hex'),
        head: Uint8Array.from(head),
        ...(object.VersionId ? { versionId: object.VersionId } : {}),
      };
    } catch (error) {
      if (error instanceof NoSuchKey || error instanceof NotFound) return undefined;
      throw error;
    }
  }

  async markStored(key: string, versionId?: string): Promise<void> {
    await this.s3.send(
      new PutObjectTaggingCommand({
        Bucket: this.bucket,
        Key: key,
        ...(versionId && this.versioned ? { VersionId: versionId } : {}),
        Tagging: { TagSet: [] },
      }),
    );
  }

  async delete(key: string): Promise<void> {
    if (!this.versioned) {
      await this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
      return;
    }
    await this.deleteVersions(key, (candidate) => candidate === key);
  }

  async deleteAll(prefix: string): Promise<number> {
    if (this.versioned) return this.deleteVersions(prefix, (key) => key.startsWith(prefix));
    let deleted = 0;
    let token: string | undefined;
    do {
      const page = await this.s3.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: prefix,
          ...(token ? { ContinuationToken: token } : {}),
        }),
      );
      const objects = (page.Contents ?? []).flatMap((o) => (o.Key ? [{ Key: o.Key }] : []));
      if (objects.length > 0) {
        await this.s3.send(
          new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: objects, Quiet: true } }),
        );
        deleted += objects.length;
      }
      token = page.NextContinuationToken;
    } while (token);
    return deleted;
  }

  /** Every version and delete marker of the keys under a prefix that `matches`, 1,000 to a request. */
  private async deleteVersions(prefix: string, matches: (key: string) => boolean): Promise<number> {
    let deleted = 0;
    let keyMarker: string | undefined;
    let versionMarker: string | undefined;
    do {
      const page = await this.s3.send(
        new ListObjectVersionsCommand({
          Bucket: this.bucket,
          Prefix: prefix,
          ...(keyMarker ? { KeyMarker: keyMarker } : {}),
          ...(versionMarker ? { VersionIdMarker: versionMarker } : {}),
        }),
      );
      const objects = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].flatMap((v) =>
        v.Key && matches(v.Key) ? [{ Key: v.Key, ...(v.VersionId ? { VersionId: v.VersionId } : {}) }] : [],
      );
      if (objects.length > 0) {
        const result = await this.s3.send(
          new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: objects, Quiet: true } }),
        );
        if ((result.Errors ?? []).length > 0)
          throw new Error(`${result.Errors?.length} object versions could not be deleted`);
        deleted += objects.length;
      }
      keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
      versionMarker = page.IsTruncated ? page.NextVersionIdMarker : undefined;
    } while (keyMarker);
    return deleted;
  }
}

/** The client for the bucket: path-style against a local endpoint, bounded like the DynamoDB client. */
export const s3Client = (endpoint?: string, extra: S3ClientConfig = {}): S3Client =>
  new S3Client({
    ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
    maxAttempts: 3,
    ...extra,
  });

/**
 * The store of a deployed function, from the environment the stack sets: `EVIDENCE_BUCKET`; `S3_ENDPOINT` for a
 * local S3 server (which keeps no versions).
 */
function evidenceStoreFromEnv(env: NodeJS.ProcessEnv = process.env): EvidenceStore | undefined {
  const bucket = env.EVIDENCE_BUCKET;
  if (!bucket) return undefined;
  const endpoint = env.S3_ENDPOINT;
  return new S3EvidenceStore(s3Client(endpoint), bucket, !endpoint);
}

/** Dependencies with the evidence store added, when the environment names a bucket. */
export function withEvidence<D extends object>(deps: D): D & { evidence?: EvidenceStore } {
  const evidence = evidenceStoreFromEnv();
  return evidence ? { ...deps, evidence } : deps;
}
