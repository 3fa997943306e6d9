import { Aws, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  HttpMethods,
  type IBucket,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { EvidenceAction } from '../../lambdas/adapters/function-access.js';
import { ATTACHMENT_POLICY, PENDING_TAG } from '../../lambdas/domain/attachment.js';
import { guardRule } from '../nag.js';
import type { HandlerFunction } from './functions.js';
import { keyAlias } from './logs.js';

/** How long an object's replaced or deleted versions are kept before they go (a file's history, for a mistake). */
export const NONCURRENT_VERSION_DAYS = 30;
/** How long the server access logs are kept. */
const ACCESS_LOG_DAYS = 365;

/** The headers a browser's PUT carries beyond the safelisted ones: exactly those a presigned upload signs. */
const UPLOAD_HEADERS = ['content-type', 'if-none-match', 'x-amz-checksum-sha256', 'x-amz-tagging'];

/**
 * The evidence bucket: letters, photos, agreements and replies, uploaded by clients through presigned links. Encrypted
 * with a customer-managed key (S3 Bucket Keys, so a file costs no KMS call of its own), public access blocked, TLS
 * only, versioned, with lifecycle rules for incomplete multipart uploads, old versions and uploads never completed
 * (still tagged pending), server access logs in a bucket of their own, and CORS for the deployment's web origins. ARNs
 * come from the bucket, so they carry the partition (`aws-cn` in the China regions).
 */
export class Evidence extends Construct {
  readonly key: Key;
  readonly bucket: Bucket;
  readonly accessLogs: Bucket;

  constructor(scope: Construct, id: string, props: { corsOrigins: readonly string[] }) {
    super(scope, id);
    this.key = new Key(this, 'Key', {
      description: 'Encrypts the Fengqiao evidence files (letters, photos, agreements, replies)',
      alias: keyAlias(this, 'evidence'),
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // S3 server access logs can only be delivered to a bucket with S3-managed encryption
    this.accessLogs = new Bucket(this, 'AccessLogs', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [
        {
          id: 'ExpireAccessLogs',
          expiration: Duration.days(ACCESS_LOG_DAYS),
          noncurrentVersionExpiration: Duration.days(1),
        },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'this is the server access log bucket of the evidence bucket; logging its own access would log into itself ' +
        'or need a third bucket with the same finding',
    });
    for (const [rule, reason] of [
      [
        's3_bucket_logging_enabled_check',
        'the evidence bucket’s server access logs go here; a log bucket that logged itself would log its own writes',
      ],
      [
        's3_bucket_default_encryption_kms_check',
        'S3 delivers server access logs only to a bucket with S3-managed keys (SSE-S3); the logs hold request ' +
          'lines (object keys of town, case and attachment ids), never a file’s content',
      ],
    ] as const)
      Validations.of(this.accessLogs).acknowledge({ id: guardRule(rule), reason });
    const common = [
      [
        's3_bucket_object_lock_enabled_check',
        'object lock would keep what the law says must go: a case’s files are erased with its personal data (PIPL ' +
          'Art 19, and on request), and access logs expire after a year; versioning keeps replaced files meanwhile',
      ],
      [
        's3_event_notifications_enabled_check',
        'nothing reacts to object events: an upload is confirmed by the service’s own `complete` call, which checks ' +
          'the object, and uploads never completed expire by the pending tag’s lifecycle rule',
      ],
    ] as const;
    for (const [rule, reason] of common)
      Validations.of(this.accessLogs).acknowledge({ id: guardRule(rule), reason });
    this.bucket = new Bucket(this, 'Bucket', {
      encryption: BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // aws-cdk-lib's Bucket is an IBucket; its types say otherwise under exactOptionalPropertyTypes
      serverAccessLogsBucket: this.accessLogs as unknown as IBucket,
      serverAccessLogsPrefix: 'evidence/',
      lifecycleRules: [
        { id: 'AbortIncompleteMultipartUploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
        {
          id: 'ExpireOldVersions',
          noncurrentVersionExpiration: Duration.days(NONCURRENT_VERSION_DAYS),
          expiredObjectDeleteMarker: true,
        },
        {
          // an upload never completed keeps its pending tag; `complete` takes it off a file it stores
          id: 'ExpirePendingUploads',
          tagFilters: { [PENDING_TAG.key]: PENDING_TAG.value },
          expiration: Duration.days(Math.ceil(ATTACHMENT_POLICY.pendingHours / 24)),
        },
      ],
      ...(props.corsOrigins.length > 0
        ? {
            cors: [
              {
                allowedOrigins: [...props.corsOrigins],
                allowedMethods: [HttpMethods.PUT, HttpMethods.GET],
                allowedHeaders: UPLOAD_HEADERS,
                exposedHeaders: ['ETag'],
                maxAge: 3000,
              },
            ],
          }
        : {}),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const [rule, reason] of common)
      Validations.of(this.bucket).acknowledge({ id: guardRule(rule), reason });
  }

  /**
   * What a function does with the files, and nothing else: the object actions on the bucket's objects, listing versions
   * on the bucket, and its key through S3 only (encrypting a put, decrypting a get). The function is told the bucket.
   */
  grant(fn: HandlerFunction, actions: readonly EvidenceAction[]): void {
    const objectActions = actions.filter((action) => action !== 'ListBucketVersions');
    if (objectActions.length > 0)
      fn.role.addToPolicy(
        new PolicyStatement({
          actions: objectActions.map((action) => `s3:${action}`),
          resources: [this.bucket.arnForObjects('*')],
        }),
      );
    if (actions.includes('ListBucketVersions'))
      fn.role.addToPolicy(
        new PolicyStatement({ actions: ['s3:ListBucketVersions'], resources: [this.bucket.bucketArn] }),
      );
    const keyActions = [
      ...(actions.includes('PutObject') ? ['kms:GenerateDataKey'] : []),
      ...(actions.includes('GetObject') ? ['kms:Decrypt'] : []),
    ];
    if (keyActions.length > 0)
      fn.role.addToPolicy(
        new PolicyStatement({
          actions: keyActions,
          resources: [this.key.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `s3.${Stack.of(this).region}.${Aws.URL_SUFFIX}` } },
        }),
      );
    fn.fn.addEnvironment('EVIDENCE_BUCKET', this.bucket.bucketName);
    if (objectActions.length > 0)
      Validations.of(fn.role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(this.bucket.node.defaultChild as never)}.Arn>/*]`,
        reason:
          'a case’s files are objects of the evidence bucket under keys made of town, case and attachment ids; the ' +
          'function acts on the objects of the cases its callers may see, which only its code can tell',
      });
  }
}
