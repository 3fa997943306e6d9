import { CreateBucketCommand, HeadBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { S3EvidenceStore, s3Client } from '../adapters/evidence-store.js';

/**
 * An S3-compatible server on loopback (s3rver), beside DynamoDB Local: the same SDK client and presigner talk to it.
 * It checks no signature and no checksum, so the service checks what it stores; it does refuse expired links.
 */

const LOCAL_EVIDENCE_BUCKET = 'fengqiao-evidence';

/** Any credentials sign for the local server; these are the ones it documents. */
const LOCAL_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export interface RunningS3 {
  endpoint: string;
  client: S3Client;
  bucket: string;
  store: S3EvidenceStore;
  stop(): Promise<void>;
}

/** The client of the local server, path-style, in a region of the China partition the deployment may use. */
export const localS3Client = (endpoint: string): S3Client =>
  s3Client(endpoint, { region: 'cn-north-1', credentials: LOCAL_CREDENTIALS });

/** Makes the bucket unless it is there. */
export async function ensureBucket(client: S3Client, bucket: string): Promise<void> {
  try {
    await client.send(new HeadBucketCommand({ Bucket: bucket }));
  } catch {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  }
}

/** Starts the server on a free loopback port (or `port`) over `directory`, with the bucket made. */
export async function startS3Local(options: {
  directory: string;
  port?: number;
  bucket?: string;
}): Promise<RunningS3> {
  const server = new S3rver({
    port: options.port ?? 0,
    address: '127.0.0.1',
    silent: true,
    directory: options.directory,
  });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const client = localS3Client(endpoint);
  const bucket = options.bucket ?? LOCAL_EVIDENCE_BUCKET;
  await ensureBucket(client, bucket);
  return {
    endpoint,
    client,
    bucket,
    store: new S3EvidenceStore(client, bucket, false),
    stop: async () => {
      client.destroy();
      await server.close();
    },
  };
}
