import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Annotations, type CfnElement, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  AllowedMethods,
  type BehaviorOptions,
  CachePolicy,
  Distribution,
  Function as EdgeFunction,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  OriginSslPolicy,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type IBucket,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, type ISource, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { guardRule } from '../nag.js';
import type { Logs } from './logs.js';
import {
  HASHED_FILE_CACHE,
  HSTS_MAX_AGE_SECONDS,
  PAGE_CACHE,
  pageContentSecurityPolicy,
} from './web-headers.js';

/** How long the site's server access logs and CloudFront's request logs are kept. */
const ACCESS_LOG_DAYS = 365;
/** How long a replaced page stays as an old version of its object. */
const OLD_VERSION_DAYS = 30;

/** The path prefixes CloudFront sends to the API, so that pages and API share one origin (no CORS). */
export const API_PATH_PATTERNS = ['/v1/*', '/open311/*'] as const;

/**
 * The viewer-request function of the pages' behaviour: `/track` is the citizens' page (the workbench routes by hash,
 * so nothing else needs rewriting).
 */
export const TRACK_REWRITE_CODE = `function handler(event) {
  var request = event.request;
  if (request.uri === '/track' || request.uri === '/track/') request.uri = '/track.html';
  return request;
}`;

/** How the pages sign in, as config.json tells them (the shared settings of web/src/config.ts). */
export type WebAuth =
  | { kind: 'cognito'; issuer: string; clientId: string; hostedUiDomain: string }
  | { kind: 'oidc'; issuer: string; clientId: string };

/** The scopes the pages ask the identity provider for: the user's id, name and mail; the API needs no more. */
const WEB_SCOPES = { cognito: 'openid email profile', oidc: 'openid profile' } as const;

interface WebSiteProps {
  /** The HTTP API, behind `/v1/*` and `/open311/*` of the same distribution. */
  readonly api: HttpApi;
  readonly auth: WebAuth;
  /** The built pages (web/dist); a placeholder page is deployed when the folder holds no build. */
  readonly distDir: string;
  /** Where the deployment function's log group goes. */
  readonly logs: Logs;
}

const PLACEHOLDER_PAGE = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>枫桥 · 页面尚未构建</title></head>
<body><h1>页面尚未构建</h1><p>部署前请先运行 npm run build，再运行 cdk deploy。</p>
<p lang="en">The pages were not built: run npm run build, then cdk deploy.</p></body></html>
`;

/**
 * The web pages of the deployment: the workbench at `/` and the citizens' tracking page at `/track`, from a private,
 * encrypted, versioned S3 bucket behind CloudFront with origin access control (no public read, no website endpoint),
 * HTTPS only, the pages' security headers, and the API behind `/v1/*` and `/open311/*` of the same distribution (its
 * cache off, every viewer header but Host passed on). `config.json` is written at deploy time from the stack's
 * identity settings, so one build serves every stage.
 */
export class WebSite extends Construct {
  readonly bucket: Bucket;
  readonly logBucket: Bucket;
  readonly distribution: Distribution;
  /** `https://<distribution domain>`, the pages' origin and the sign-in's redirect URI (with a trailing `/`). */
  readonly url: string;
  /** Whether the deployed pages are a build of web/dist (false: the placeholder page). */
  readonly built: boolean;

  constructor(scope: Construct, id: string, props: WebSiteProps) {
    super(scope, id);
    const stack = Stack.of(this);

    // CloudFront's standard logs are written with an ACL, so this bucket keeps ACLs for its owner's use (CloudFront's
    // log delivery is granted by CloudFront itself); S3's server access logs of the site bucket arrive by bucket policy
    this.logBucket = new Bucket(this, 'AccessLogs', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [
        {
          id: 'ExpireAccessLogs',
          expiration: Duration.days(ACCESS_LOG_DAYS),
          noncurrentVersionExpiration: Duration.days(1),
        },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const [rule, reason] of [
      [
        's3_bucket_logging_enabled_check',
        'the site bucket’s and the distribution’s logs go here; a log bucket that logged itself would log its own writes',
      ],
      [
        's3_bucket_default_encryption_kms_check',
        'S3 delivers server access logs, and CloudFront its standard logs, only to a bucket with S3-managed keys ' +
          '(SSE-S3); the logs hold request lines of public pages, never a case’s content',
      ],
      [
        's3_bucket_object_lock_enabled_check',
        'the logs expire after a year by a lifecycle rule, which object lock would keep from working; versioning keeps ' +
          'an overwritten log meanwhile',
      ],
      [
        's3_event_notifications_enabled_check',
        'nothing reacts to a log file’s arrival: the logs are read when a request is looked into',
      ],
    ] as const)
      Validations.of(this.logBucket).acknowledge({ id: guardRule(rule), reason });

    this.bucket = new Bucket(this, 'Bucket', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // aws-cdk-lib's Bucket is an IBucket; its types say otherwise under exactOptionalPropertyTypes
      serverAccessLogsBucket: this.logBucket as unknown as IBucket,
      serverAccessLogsPrefix: 'site/',
      lifecycleRules: [
        { id: 'AbortIncompleteMultipartUploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
        { id: 'ExpireOldVersions', noncurrentVersionExpiration: Duration.days(OLD_VERSION_DAYS) },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const [rule, reason] of [
      [
        's3_bucket_default_encryption_kms_check',
        'the bucket holds the built pages, which CloudFront serves to anyone: nothing in it is secret (the runtime ' +
          'settings are a public client id and public URLs), so S3-managed keys protect it at rest without a key ' +
          'policy for CloudFront or a KMS request per page',
      ],
      [
        's3_bucket_object_lock_enabled_check',
        'each deployment replaces the pages and removes those the build no longer has, which object lock forbids; ' +
          'versioning keeps the replaced ones for a month',
      ],
      [
        's3_event_notifications_enabled_check',
        'nothing reacts to a page’s upload: CloudFormation deploys the pages and then invalidates the distribution',
      ],
    ] as const)
      Validations.of(this.bucket).acknowledge({ id: guardRule(rule), reason });

    const connectTo = connectSources(props.auth, stack.region, stack.urlSuffix);
    const pageHeaders = new ResponseHeadersPolicy(this, 'PageHeaders', {
      comment: 'Fengqiao pages: CSP without inline scripts, HSTS, framing denied, no sniffing, no referrer',
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          contentSecurityPolicy: pageContentSecurityPolicy(connectTo),
          override: true,
        },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.seconds(HSTS_MAX_AGE_SECONDS),
          includeSubdomains: true,
          override: true,
        },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        contentTypeOptions: { override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
    });
    // the API's own answers keep their headers (its printed pages carry a CSP of their own); HSTS and nosniff are added
    const apiHeaders = new ResponseHeadersPolicy(this, 'ApiHeaders', {
      comment: 'Fengqiao API through the site: HSTS and no sniffing, the API’s own headers kept',
      securityHeadersBehavior: {
        strictTransportSecurity: {
          accessControlMaxAge: Duration.seconds(HSTS_MAX_AGE_SECONDS),
          includeSubdomains: true,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: false },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: false },
      },
    });

    const trackRewrite = new EdgeFunction(this, 'TrackRewrite', {
      comment: 'Serves /track from track.html',
      code: FunctionCode.fromInline(TRACK_REWRITE_CODE),
      runtime: FunctionRuntime.JS_2_0,
    });

    // the $default stage of the HTTP API, by its regional domain (amazonaws.com.cn in the China regions)
    const apiOrigin = new HttpOrigin(`${props.api.apiId}.execute-api.${stack.region}.${stack.urlSuffix}`, {
      protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
      originSslProtocols: [OriginSslPolicy.TLS_V1_2],
    });
    const apiBehavior: BehaviorOptions = {
      origin: apiOrigin,
      // a POST redirected from http would lose its body: the API answers HTTPS only
      viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: AllowedMethods.ALLOW_ALL,
      cachePolicy: CachePolicy.CACHING_DISABLED,
      originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      responseHeadersPolicy: apiHeaders,
      compress: false,
    };

    this.distribution = new Distribution(this, 'Distribution', {
      comment: `Fengqiao ${stack.stackName}: web pages and API`,
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket as unknown as IBucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: pageHeaders,
        compress: true,
        functionAssociations: [{ function: trackRewrite, eventType: FunctionEventType.VIEWER_REQUEST }],
      },
      additionalBehaviors: Object.fromEntries(API_PATH_PATTERNS.map((pattern) => [pattern, apiBehavior])),
      httpVersion: HttpVersion.HTTP2_AND_3,
      enableLogging: true,
      logBucket: this.logBucket as unknown as IBucket,
      logFilePrefix: 'cloudfront/',
    });
    this.acknowledgeDistribution();
    this.url = `https://${this.distribution.distributionDomainName}`;

    this.built =
      existsSync(join(props.distDir, 'index.html')) && existsSync(join(props.distDir, 'track.html'));
    this.deploy(props, stack);
  }

  /**
   * The pages into the bucket: the hashed files first (kept for a year in browsers and never pruned, so a page still
   * open finds the files it names), then the pages and `config.json` (asked again each time), then an invalidation.
   */
  private deploy(props: WebSiteProps, stack: Stack): void {
    const logGroup = props.logs.logGroup(this, 'DeploymentLogs');
    const config = Source.jsonData('config.json', webConfig(props.auth, `${this.url}/`));
    let pages: ISource[];
    let assets: BucketDeployment | undefined;
    if (this.built) {
      if (existsSync(join(props.distDir, 'assets')))
        assets = new BucketDeployment(this, 'DeployAssets', {
          sources: [Source.asset(join(props.distDir, 'assets'))],
          destinationBucket: this.bucket as unknown as IBucket,
          destinationKeyPrefix: 'assets/',
          prune: false,
          cacheControl: [CacheControl.fromString(HASHED_FILE_CACHE)],
          logGroup,
        });
      pages = [
        // Vite's manifest (.vite/) is the build's own; config.json is this deployment's
        Source.asset(props.distDir, { exclude: ['assets', '.vite', 'config.json'] }),
        config,
      ];
    } else {
      Annotations.of(this).addWarningV2(
        'fengqiao:web-site-not-built',
        `${props.distDir} holds no build of the pages: a placeholder page is deployed; run npm run build before cdk deploy`,
      );
      pages = [
        Source.data('index.html', PLACEHOLDER_PAGE),
        Source.data('track.html', PLACEHOLDER_PAGE),
        config,
      ];
    }
    const deployment = new BucketDeployment(this, 'DeployPages', {
      sources: pages,
      destinationBucket: this.bucket as unknown as IBucket,
      // the hashed files are the other deployment's: never pruned by this one
      exclude: ['assets/*'],
      cacheControl: [CacheControl.fromString(PAGE_CACHE)],
      distribution: this.distribution,
      distributionPaths: ['/*'],
      logGroup,
    });
    if (assets) deployment.node.addDependency(assets);
    this.acknowledgeDeployment(deployment, stack);
  }

  private acknowledgeDistribution(): void {
    Validations.of(this.distribution).acknowledge(
      {
        id: 'AwsSolutions-CFR1',
        reason:
          'no geo restriction: citizens track their cases and staff work from wherever they are (migrant workers ' +
          'petition their home town from other provinces and abroad); the API behind it authorizes every call',
      },
      {
        id: 'AwsSolutions-CFR2',
        reason:
          'no WAF: a web ACL for CloudFront lives in us-east-1 only and this template is environment-agnostic (aws and ' +
          'aws-cn); the pages are static files, and the API behind the distribution throttles every route at its stage',
      },
      {
        id: 'AwsSolutions-CFR4',
        reason:
          'the distribution answers on its own *.cloudfront.net name with CloudFront’s default certificate, for which ' +
          'CloudFront fixes the viewer TLS policy; a custom domain with an ACM certificate (README, "The workbench") ' +
          'takes TLSv1.2_2021',
      },
    );
    for (const [rule, reason] of [
      [
        'cloudfront_origin_failover_enabled_check',
        'one origin per behaviour: the site bucket and the regional API have no replica to fail over to, and an ' +
          'origin group serves GET and HEAD only, never the API’s writes',
      ],
      [
        'cloudfront_custom_ssl_certificate_check',
        'the distribution answers on its own *.cloudfront.net name: a custom domain needs a certificate in us-east-1 ' +
          'and a DNS zone that this environment-agnostic template does not have (README, "The workbench")',
      ],
      [
        'cloudfront_sni_enabled_check',
        'no certificate of its own, so no SNI setting: CloudFront’s default *.cloudfront.net certificate serves every ' +
          'viewer, over SNI or not',
      ],
      [
        'cloudfront_security_policy_check',
        'CloudFront fixes the viewer TLS policy of its default *.cloudfront.net certificate; a custom domain with its ' +
          'own certificate takes TLSv1.2_2021 (README, "The workbench"); to the API the distribution speaks TLS 1.2 only',
      ],
    ] as const)
      Validations.of(this.distribution).acknowledge({ id: guardRule(rule), reason });
  }

  /**
   * The deployment function is CDK's own (one for the stack, made by BucketDeployment): it runs at deploy time only,
   * called by CloudFormation, and copies the build into the site bucket.
   */
  private acknowledgeDeployment(deployment: BucketDeployment, stack: Stack): void {
    const siteBucket = stack.getLogicalId(this.bucket.node.defaultChild as CfnElement);
    const assetBucket = 'arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*';
    Validations.of(deployment.handlerRole).acknowledge(
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason:
          'CDK’s deployment function writes its logs with AWSLambdaBasicExecutionRole, the managed policy ' +
          'BucketDeployment gives its role; it runs at deploy time only',
      },
      ...[
        'Action::s3:GetBucket*',
        'Action::s3:GetObject*',
        'Action::s3:List*',
        'Action::s3:Abort*',
        'Action::s3:DeleteObject*',
        `Resource::${assetBucket}`,
        `Resource::<${siteBucket}.Arn>/*`,
      ].map((finding) => ({
        id: `AwsSolutions-IAM5[${finding}]`,
        reason:
          'BucketDeployment’s own grants: reading the build from the CDK asset bucket (objects named by their hash), ' +
          'and writing, replacing and pruning the pages among the site bucket’s objects, which are all pages',
      })),
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'CloudFront invalidations are not resources of their own: BucketDeployment’s function creates and reads ' +
          'the invalidation of this distribution after each deployment',
      },
    );
    for (const child of stack.node.children)
      if (child.node.id.startsWith('Custom::CDKBucketDeployment')) {
        const reason =
          'CDK’s BucketDeployment function, run by CloudFormation at deploy time only to copy the built pages into the ' +
          'site bucket and invalidate the distribution: its runtime, memory and code are CDK’s, it is never invoked ' +
          'asynchronously by anything else, and it holds no data';
        Validations.of(child).acknowledge(
          { id: 'AwsSolutions-L1', reason },
          { id: 'Serverless-LambdaLatestVersion', reason },
          { id: 'Serverless-LambdaDLQ', reason },
          { id: 'Serverless-LambdaTracing', reason },
          {
            id: guardRule('lambda_inside_vpc_check'),
            reason:
              'CDK’s deployment function reaches only S3 and CloudFront, over TLS with IAM-signed requests, at deploy ' +
              'time; a VPC would need S3 and CloudFront endpoints for a function that runs once per deployment',
          },
        );
      }
  }
}

/** The origins the pages call besides their own: the identity provider's discovery and token endpoints. */
function connectSources(auth: WebAuth, region: string, urlSuffix: string): string[] {
  if (auth.kind === 'cognito') return [`https://cognito-idp.${region}.${urlSuffix}`, auth.hostedUiDomain];
  return [new URL(auth.issuer).origin];
}

/** The pages' runtime settings (`/config.json`): the API on the same origin, sign-in by authorization code with PKCE. */
function webConfig(auth: WebAuth, redirectUri: string) {
  return {
    apiBaseUrl: '',
    auth: {
      kind: 'oidc',
      authority: auth.issuer,
      clientId: auth.clientId,
      redirectUri,
      scope: WEB_SCOPES[auth.kind],
      ...(auth.kind === 'cognito' ? { hostedUiDomain: auth.hostedUiDomain } : {}),
    },
  };
}
