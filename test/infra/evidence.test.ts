import { readFileSync } from 'node:fs';
import { App, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  FAMILY_ACCESS,
  type FunctionAccess,
  SCHEDULED_ACCESS,
} from '../../lambdas/adapters/function-access.js';
import type { FunctionFamily } from '../../lambdas/adapters/function-families.js';
import { readConfig, stackName } from '../../lib/config.js';
import { NONCURRENT_VERSION_DAYS } from '../../lib/constructs/evidence.js';
import { addNagChecks } from '../../lib/nag.js';
import { FengqiaoStack } from '../../lib/stack.js';

/**
 * The evidence bucket as the template has it: the customer-managed key, public access blocked, TLS only, versions,
 * the lifecycle rules, server access logs, CORS for the context's web origins, and the functions told its name.
 */

const cdkJsonContext = (
  JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
    context: Record<string, unknown>;
  }
).context;

type Json = Record<string, unknown>;

function synthesize(context: Record<string, unknown>) {
  const app = new App({ context: { ...cdkJsonContext, ...context, 'aws:cdk:bundling-stacks': [] } });
  addNagChecks(app);
  const config = readConfig(app.node);
  const stack = new FengqiaoStack(app, stackName(config), { config });
  return { stack, template: Template.fromJSON(app.synth().getStackByName(stack.stackName).template) };
}

let stack: FengqiaoStack;
let template: Template;
let bare: Template;
beforeAll(() => {
  ({ stack, template } = synthesize({ corsOrigins: 'https://fengqiao.example.gov.cn' }));
  ({ template: bare } = synthesize({}));
}, 120_000);

const id = (construct: IConstruct) => stack.getLogicalId(construct.node.defaultChild as CfnElement);
const properties = (construct: IConstruct) => template.toJSON().Resources[id(construct)].Properties as Json;

describe('the evidence bucket', () => {
  it('is encrypted with its own rotated customer key, with S3 Bucket Keys', () => {
    expect(properties(stack.evidence.bucket).BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [
        {
          BucketKeyEnabled: true,
          ServerSideEncryptionByDefault: {
            SSEAlgorithm: 'aws:kms',
            KMSMasterKeyID: { 'Fn::GetAtt': [id(stack.evidence.key), 'Arn'] },
          },
        },
      ],
    });
    expect(properties(stack.evidence.key).EnableKeyRotation).toBe(true);
  });

  it('blocks public access, is versioned, logs access, and refuses requests without TLS', () => {
    const bucket = properties(stack.evidence.bucket);
    expect(bucket.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(bucket.LoggingConfiguration).toEqual({
      DestinationBucketName: { Ref: id(stack.evidence.accessLogs) },
      LogFilePrefix: 'evidence/',
    });
    const policies = Object.values(template.findResources('AWS::S3::BucketPolicy')).map(
      (p) => p.Properties as Json,
    );
    const own = policies.find(
      (p) => JSON.stringify(p.Bucket) === JSON.stringify({ Ref: id(stack.evidence.bucket) }),
    );
    expect(JSON.stringify(own?.PolicyDocument)).toContain('"aws:SecureTransport":"false"');
  });

  it('aborts incomplete multipart uploads, expires old versions and uploads never completed', () => {
    const rules = (properties(stack.evidence.bucket).LifecycleConfiguration as { Rules: Json[] }).Rules;
    expect(rules).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
          Status: 'Enabled',
        }),
        expect.objectContaining({
          NoncurrentVersionExpiration: { NoncurrentDays: NONCURRENT_VERSION_DAYS },
          ExpiredObjectDeleteMarker: true,
        }),
        expect.objectContaining({ TagFilters: [{ Key: 'upload', Value: 'pending' }], ExpirationInDays: 1 }),
      ]),
    );
  });

  it('lets the context’s web origins PUT and GET with the signed upload headers, and nobody without origins', () => {
    expect(properties(stack.evidence.bucket).CorsConfiguration).toEqual({
      CorsRules: [
        {
          AllowedOrigins: ['https://fengqiao.example.gov.cn'],
          AllowedMethods: ['PUT', 'GET'],
          AllowedHeaders: ['content-type', 'if-none-match', 'x-amz-checksum-sha256', 'x-amz-tagging'],
          ExposedHeaders: ['ETag'],
          MaxAge: 3000,
        },
      ],
    });
    const bareBucket = Object.values(bare.findResources('AWS::S3::Bucket')).find(
      (b) => (b.Properties as Json).VersioningConfiguration && (b.Properties as Json).LoggingConfiguration,
    );
    expect(bareBucket).toBeDefined();
    expect((bareBucket?.Properties as Json | undefined)?.CorsConfiguration).toBeUndefined();
  });

  it('tells exactly the functions that use it its name', () => {
    const users = (Object.keys(FAMILY_ACCESS) as FunctionFamily[]).filter(
      (family) => (FAMILY_ACCESS[family] as FunctionAccess).evidence,
    );
    expect(users.sort()).toEqual(['attachments', 'privacy']);
    for (const [family, fn] of stack.functions.byFamily) {
      const variables = (properties(fn.fn).Environment as { Variables: Json }).Variables;
      if (users.includes(family))
        expect(variables.EVIDENCE_BUCKET).toEqual({ Ref: id(stack.evidence.bucket) });
      else expect(variables.EVIDENCE_BUCKET, family).toBeUndefined();
    }
    expect(SCHEDULED_ACCESS.townWork.evidence).toBeDefined();
    const townWork = (properties(stack.townWork.handler.fn).Environment as { Variables: Json }).Variables;
    expect(townWork.EVIDENCE_BUCKET).toEqual({ Ref: id(stack.evidence.bucket) });
  });
});
