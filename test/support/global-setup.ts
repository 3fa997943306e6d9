import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startDynamoLocal } from '../../lambdas/local/dynamo-local.js';
import { startS3Local } from '../../lambdas/local/s3-local.js';

/**
 * One DynamoDB Local and one loopback S3 server for the whole run; each test file makes its own tables in the one and
 * its own bucket in the other.
 */
export default async function setup(project: TestProject) {
  const directory = mkdtempSync(join(tmpdir(), 'fengqiao-s3-'));
  const [dynamo, s3] = await Promise.all([startDynamoLocal(), startS3Local({ directory })]);
  project.provide('dynamoEndpoint', dynamo.endpoint);
  project.provide('s3Endpoint', s3.endpoint);
  return async () => {
    await Promise.all([dynamo.stop(), s3.stop()]);
    rmSync(directory, { recursive: true, force: true });
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
    s3Endpoint: string;
  }
}
