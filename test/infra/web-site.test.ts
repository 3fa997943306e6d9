import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, type CfnElement } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig, stackName } from '../../lib/config.js';
import { HSTS_MAX_AGE_SECONDS, pageContentSecurityPolicy } from '../../lib/constructs/web-headers.js';
import { API_PATH_PATTERNS, TRACK_REWRITE_CODE } from '../../lib/constructs/web-site.js';
import { addNagChecks } from '../../lib/nag.js';
import { FengqiaoStack } from '../../lib/stack.js';

/**
 * The web site of the stack: a private bucket behind CloudFront with origin access control, the pages' security
 * headers, the API behind `/v1/*` and `/open311/*`, `/track` rewritten by a viewer-request function, and config.json
 * written at deploy time from the identity settings. Synthesized over a fixture build laid out as Vite lays one out.
 */

const HOOK_TIMEOUT = 180_000;
const ISSUER = 'https://idp.example.gov.cn/realms/town';
const AUDIENCE = 'fengqiao-web';

/** CloudFront's managed policies, by their fixed ids. */
const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const CACHING_OPTIMIZED = '658327ea-f89d-4fab-a63d-7e88639e58f6';
const ALL_VIEWER_EXCEPT_HOST_HEADER = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';

const cdkJsonContext = (
  JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
    context: Record<string, unknown>;
  }
).context;

const work = mkdtempSync(join(tmpdir(), 'fengqiao-web-site-'));
const dist = join(work, 'dist');

function writeFixture(): void {
  mkdirSync(join(dist, 'assets'), { recursive: true });
  mkdirSync(join(dist, '.vite'), { recursive: true });
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>信访工作台</title>');
  writeFileSync(join(dist, 'track.html'), '<!doctype html><title>信访事项查询</title>');
  writeFileSync(join(dist, 'assets/index-BkL2x9aQ.js'), 'console.log(1)');
  writeFileSync(join(dist, '.vite/manifest.json'), '{}');
  writeFileSync(join(dist, 'config.json'), '{"apiBaseUrl":"http://localhost:3000"}');
}

type Json = Record<string, unknown>;

function defined<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('expected a value');
  return value;
}

interface Synthesis {
  stack: FengqiaoStack;
  template: Template;
  outdir: string;
}

function synthesize(context: Record<string, unknown>, webDist = dist): Synthesis {
  const outdir = mkdtempSync(join(work, 'out-'));
  const app = new App({ outdir, context: { ...cdkJsonContext, ...context, 'aws:cdk:bundling-stacks': [] } });
  addNagChecks(app);
  const config = readConfig(app.node);
  const stack = new FengqiaoStack(app, stackName(config), { config, webDist });
  const assembly = app.synth();
  return { stack, template: Template.fromJSON(assembly.getStackByName(stack.stackName).template), outdir };
}

const logicalId = (stack: FengqiaoStack, construct: IConstruct): string =>
  stack.getLogicalId(construct.node.defaultChild as CfnElement);

function only(template: Template, type: string): Json {
  const found = Object.values(template.findResources(type));
  expect(found, type).toHaveLength(1);
  return (found[0] as { Properties: Json }).Properties;
}

/** The distribution's behaviours: the default one and each path pattern's. */
function behaviours(template: Template) {
  const config = only(template, 'AWS::CloudFront::Distribution').DistributionConfig as {
    DefaultCacheBehavior: Json;
    CacheBehaviors: (Json & { PathPattern: string })[];
    Origins: (Json & { Id: string })[];
    [key: string]: unknown;
  };
  return config;
}

/** The BucketDeployment of the pages (the one that writes config.json). */
function pagesDeployment(template: Template): Json {
  const deployments = Object.entries(template.findResources('Custom::CDKBucketDeployment'));
  const pages = deployments.find(([id]) => id.includes('DeployPages'));
  if (!pages) throw new Error('no deployment of the pages');
  return (pages[1] as { Properties: Json }).Properties;
}

/**
 * config.json as the deployment writes it: the staged file of `Source.jsonData`, its deploy-time values (markers)
 * replaced by the template expressions they stand for.
 */
function deployedConfig(synthesis: Synthesis): Json {
  const props = pagesDeployment(synthesis.template);
  const keys = props.SourceObjectKeys as string[];
  const markers = props.SourceMarkers as Record<string, unknown>[];
  for (const [index, key] of keys.entries()) {
    const folder = join(synthesis.outdir, `asset.${key.replace(/\.zip$/, '')}`);
    const file = join(folder, 'config.json');
    if (!existsSync(file) || readdirSync(folder).length !== 1) continue;
    let text = readFileSync(file, 'utf8');
    for (const [marker, value] of Object.entries(markers[index] ?? {}))
      text = text.replaceAll(marker, `\${${JSON.stringify(value).replaceAll('"', "'")}}`);
    return JSON.parse(text) as Json;
  }
  throw new Error('no config.json among the deployment’s sources');
}

/** Every resource another one names (Ref, Fn::GetAtt, DependsOn), for a look for cycles CloudFormation refuses. */
function references(template: Template): Map<string, Set<string>> {
  const resources = template.toJSON().Resources as Record<string, Json>;
  const graph = new Map<string, Set<string>>();
  const walk = (value: unknown, into: Set<string>) => {
    if (Array.isArray(value)) for (const item of value) walk(item, into);
    else if (value && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) {
        if (key === 'Ref' && typeof inner === 'string' && inner in resources) into.add(inner);
        else if (key === 'Fn::GetAtt' && Array.isArray(inner) && String(inner[0]) in resources)
          into.add(String(inner[0]));
        else walk(inner, into);
      }
    }
  };
  for (const [id, resource] of Object.entries(resources)) {
    const into = new Set<string>();
    walk(resource.Properties, into);
    for (const dependency of [resource.DependsOn ?? []].flat() as string[]) into.add(dependency);
    graph.set(id, into);
  }
  return graph;
}

function findCycle(graph: Map<string, Set<string>>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (node: string): string[] | undefined => {
    if (state.get(node) === 'done') return undefined;
    if (state.get(node) === 'open') return [...path.slice(path.indexOf(node)), node];
    state.set(node, 'open');
    path.push(node);
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of graph.keys()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}

let cognito: Synthesis;
let oidc: Synthesis;

beforeAll(() => {
  writeFixture();
  cognito = synthesize({});
}, HOOK_TIMEOUT);

beforeAll(() => {
  oidc = synthesize({ identityIssuer: ISSUER, identityAudience: `${AUDIENCE},other-client` });
}, HOOK_TIMEOUT);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the site bucket', () => {
  it('is private: public access blocked, encrypted, TLS only, logged, no website endpoint', () => {
    const { stack, template } = cognito;
    const site = stack.webSite;
    if (!site) throw new Error('no web site');
    const bucket = template.toJSON().Resources[logicalId(stack, site.bucket)].Properties as Json;
    expect(bucket.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
    });
    expect(bucket.WebsiteConfiguration).toBeUndefined();
    expect(bucket.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
    expect(bucket.LoggingConfiguration).toEqual({
      DestinationBucketName: { Ref: logicalId(stack, site.logBucket) },
      LogFilePrefix: 'site/',
    });
    expect(bucket.VersioningConfiguration).toEqual({ Status: 'Enabled' });
  });

  it('lets CloudFront read its objects for this distribution only, and nobody else anything', () => {
    const { stack, template } = cognito;
    const site = stack.webSite;
    if (!site) throw new Error('no web site');
    const policies = Object.values(template.findResources('AWS::S3::BucketPolicy')).filter(
      (policy) => (policy.Properties.Bucket as Json).Ref === logicalId(stack, site.bucket),
    );
    expect(policies).toHaveLength(1);
    const statements = (defined(policies[0]).Properties.PolicyDocument as { Statement: Json[] }).Statement;
    const allows = statements.filter((s) => s.Effect === 'Allow');
    expect(allows).toEqual([
      {
        Action: 's3:GetObject',
        Effect: 'Allow',
        Principal: { Service: 'cloudfront.amazonaws.com' },
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [logicalId(stack, site.bucket), 'Arn'] }, '/*']] },
        Condition: {
          StringEquals: {
            'AWS:SourceArn': {
              'Fn::Join': [
                '',
                [
                  'arn:',
                  { Ref: 'AWS::Partition' },
                  ':cloudfront::',
                  { Ref: 'AWS::AccountId' },
                  ':distribution/',
                  { Ref: logicalId(stack, site.distribution) },
                ],
              ],
            },
          },
        },
      },
    ]);
    // the one Deny: anything without TLS
    expect(statements.filter((s) => s.Effect === 'Deny')).toEqual([
      expect.objectContaining({ Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    ]);
    // no public read anywhere in the stack: no bucket policy allows everyone, no bucket has a public ACL
    for (const policy of Object.values(template.findResources('AWS::S3::BucketPolicy')))
      for (const statement of (policy.Properties.PolicyDocument as { Statement: Json[] }).Statement)
        if (statement.Effect === 'Allow') expect(statement.Principal).not.toEqual({ AWS: '*' });
    for (const bucket of Object.values(template.findResources('AWS::S3::Bucket'))) {
      expect(bucket.Properties.AccessControl).toBeUndefined();
      expect(bucket.Properties.PublicAccessBlockConfiguration).toMatchObject({ BlockPublicPolicy: true });
    }
  });

  it('is reached through origin access control, never an origin access identity', () => {
    const { stack, template } = cognito;
    const oac = only(template, 'AWS::CloudFront::OriginAccessControl').OriginAccessControlConfig;
    expect(oac).toMatchObject({
      OriginAccessControlOriginType: 's3',
      SigningBehavior: 'always',
      SigningProtocol: 'sigv4',
    });
    template.resourceCountIs('AWS::CloudFront::CloudFrontOriginAccessIdentity', 0);
    const s3 = behaviours(template).Origins.find((origin) => 'S3OriginConfig' in origin);
    expect(s3?.DomainName).toEqual({
      'Fn::GetAtt': [logicalId(stack, stack.webSite?.bucket as IConstruct), 'RegionalDomainName'],
    });
    expect(s3?.S3OriginConfig).toEqual({ OriginAccessIdentity: '' });
    expect(s3?.OriginAccessControlId).toEqual({ 'Fn::GetAtt': [expect.any(String), 'Id'] });
  });
});

describe('the distribution', () => {
  it('serves index.html at /, over HTTPS only, and logs its requests', () => {
    const { stack, template } = cognito;
    const config = behaviours(template);
    expect(config.DefaultRootObject).toBe('index.html');
    expect(config.DefaultCacheBehavior).toMatchObject({
      ViewerProtocolPolicy: 'redirect-to-https',
      AllowedMethods: ['GET', 'HEAD'],
      CachePolicyId: CACHING_OPTIMIZED,
      Compress: true,
    });
    expect(config.Logging).toEqual({
      Bucket: {
        'Fn::GetAtt': [logicalId(stack, stack.webSite?.logBucket as IConstruct), 'RegionalDomainName'],
      },
      Prefix: 'cloudfront/',
    });
    // no error page stands in for the API's own 403 and 404 answers
    expect(config.CustomErrorResponses).toBeUndefined();
  });

  it('sends /v1/* and /open311/* to the HTTP API, uncached, with every viewer header but Host', () => {
    const { stack, template } = cognito;
    const config = behaviours(template);
    expect(config.CacheBehaviors.map((b) => b.PathPattern).sort()).toEqual([...API_PATH_PATTERNS].sort());
    const api = config.Origins.find((origin) => 'CustomOriginConfig' in origin);
    expect(api?.CustomOriginConfig).toEqual({
      OriginProtocolPolicy: 'https-only',
      OriginSSLProtocols: ['TLSv1.2'],
    });
    expect(api?.DomainName).toEqual({
      'Fn::Join': [
        '',
        [
          { Ref: logicalId(stack, stack.api.httpApi) },
          '.execute-api.',
          { Ref: 'AWS::Region' },
          '.',
          { Ref: 'AWS::URLSuffix' },
        ],
      ],
    });
    for (const behaviour of config.CacheBehaviors)
      expect(behaviour, behaviour.PathPattern).toMatchObject({
        TargetOriginId: api?.Id,
        ViewerProtocolPolicy: 'https-only',
        CachePolicyId: CACHING_DISABLED,
        OriginRequestPolicyId: ALL_VIEWER_EXCEPT_HOST_HEADER,
        AllowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'],
      });
  });

  it('sends the pages’ security headers: the CSP of the pages, HSTS for two years, framing denied', () => {
    const { stack, template } = cognito;
    const policies = template.findResources('AWS::CloudFront::ResponseHeadersPolicy');
    const pageHeadersId = behaviours(template).DefaultCacheBehavior.ResponseHeadersPolicyId as Json;
    const pages = policies[pageHeadersId.Ref as string]?.Properties.ResponseHeadersPolicyConfig as {
      SecurityHeadersConfig: Json & { ContentSecurityPolicy: { ContentSecurityPolicy: unknown } };
    };
    const headers = pages.SecurityHeadersConfig;
    expect(headers.StrictTransportSecurity).toEqual({
      AccessControlMaxAgeSec: HSTS_MAX_AGE_SECONDS,
      IncludeSubdomains: true,
      Override: true,
    });
    expect(HSTS_MAX_AGE_SECONDS).toBe(2 * 365 * 86_400);
    expect(headers.FrameOptions).toEqual({ FrameOption: 'DENY', Override: true });
    expect(headers.ContentTypeOptions).toEqual({ Override: true });
    expect(headers.ReferrerPolicy).toEqual({ ReferrerPolicy: 'no-referrer', Override: true });
    // the CSP as the local host sends it, with the identity provider's endpoints among the pages' connections
    const csp = stack.resolve(headers.ContentSecurityPolicy.ContentSecurityPolicy) as {
      'Fn::Join': [string, unknown[]];
    };
    const text = csp['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : '<token>')).join('');
    expect(text).toBe(
      pageContentSecurityPolicy([
        'https://cognito-idp.<token>.<token>',
        'https://<token>.auth.<token>.amazoncognito.com',
      ]),
    );
    expect(text).toMatch(/^default-src 'self'; script-src 'self';/);
    expect(text).toContain("object-src 'none'");
    expect(text).toContain("frame-ancestors 'none'");
    expect(text).not.toMatch(/script-src[^;]*unsafe/);
    // the API's answers keep their own CSP (its printed pages have one): HSTS and nosniff only are forced
    const apiId = (defined(behaviours(template).CacheBehaviors[0]).ResponseHeadersPolicyId as Json)
      .Ref as string;
    const api = (
      defined(policies[apiId]).Properties.ResponseHeadersPolicyConfig as { SecurityHeadersConfig: Json }
    ).SecurityHeadersConfig;
    expect(api.ContentSecurityPolicy).toBeUndefined();
    expect(api.StrictTransportSecurity).toMatchObject({
      AccessControlMaxAgeSec: HSTS_MAX_AGE_SECONDS,
      Override: true,
    });
  });

  it('rewrites /track to track.html with a viewer-request function, and nothing else', () => {
    const { stack, template } = cognito;
    const fn = only(template, 'AWS::CloudFront::Function');
    expect(fn.FunctionCode).toBe(TRACK_REWRITE_CODE);
    expect((fn.FunctionConfig as Json).Runtime).toBe('cloudfront-js-2.0');
    expect(behaviours(template).DefaultCacheBehavior.FunctionAssociations).toEqual([
      {
        EventType: 'viewer-request',
        FunctionARN: { 'Fn::GetAtt': [stack.getLogicalId(findFunction(stack)), 'FunctionARN'] },
      },
    ]);
    // the code itself, run as CloudFront runs it
    const handler = new Function(`${TRACK_REWRITE_CODE}; return handler;`)() as (event: {
      request: { uri: string };
    }) => { uri: string };
    const rewrite = (uri: string) => handler({ request: { uri } }).uri;
    expect(rewrite('/track')).toBe('/track.html');
    expect(rewrite('/track/')).toBe('/track.html');
    expect(rewrite('/')).toBe('/');
    expect(rewrite('/tracking')).toBe('/tracking');
    expect(rewrite('/assets/track-AAAAAAAA.js')).toBe('/assets/track-AAAAAAAA.js');
    // no API path goes through it: the API's behaviours have no function
    for (const behaviour of behaviours(template).CacheBehaviors)
      expect(behaviour.FunctionAssociations).toBeUndefined();
  });
});

function findFunction(stack: FengqiaoStack): CfnElement {
  const fn = stack.webSite?.node.findChild('TrackRewrite').node.defaultChild;
  if (!fn) throw new Error('no track function');
  return fn as CfnElement;
}

describe('the deployment of the pages', () => {
  it('writes config.json from the user pool: its issuer, client, hosted UI and the distribution as redirect', () => {
    const { stack } = cognito;
    const { userPool, client, hostedUi } = stack.identity;
    if (!userPool || !client || !hostedUi || !stack.webSite) throw new Error('no user pool');
    const ref = (construct: IConstruct) => `\${{'Ref':'${logicalId(stack, construct)}'}}`;
    const distributionDomain = `\${{'Fn::GetAtt':['${logicalId(stack, stack.webSite.distribution)}','DomainName']}}`;
    expect(deployedConfig(cognito)).toEqual({
      apiBaseUrl: '',
      auth: {
        kind: 'oidc',
        authority: `https://cognito-idp.\${{'Ref':'AWS::Region'}}.\${{'Ref':'AWS::URLSuffix'}}/${ref(userPool)}`,
        clientId: ref(client),
        redirectUri: `https://${distributionDomain}/`,
        scope: 'openid email profile',
        hostedUiDomain: `https://${ref(hostedUi)}.auth.\${{'Ref':'AWS::Region'}}.amazoncognito.com`,
      },
    });
  });

  it('writes config.json from the external issuer, its first audience as the client', () => {
    const config = deployedConfig(oidc);
    expect(config.auth).toMatchObject({
      kind: 'oidc',
      authority: ISSUER,
      clientId: AUDIENCE,
      scope: 'openid profile',
    });
    // the pages may call the issuer for its discovery document and tokens
    const policies = Object.values(oidc.template.findResources('AWS::CloudFront::ResponseHeadersPolicy'));
    const csps = policies.map(
      (p) =>
        (
          p.Properties.ResponseHeadersPolicyConfig as {
            SecurityHeadersConfig: { ContentSecurityPolicy?: Json };
          }
        ).SecurityHeadersConfig.ContentSecurityPolicy?.ContentSecurityPolicy,
    );
    expect(csps).toContain(pageContentSecurityPolicy(['https://idp.example.gov.cn']));
    oidc.template.resourceCountIs('AWS::Cognito::UserPoolDomain', 0);
  });

  it('deploys the build without its manifest or config.json, hashed files a year, pages asked again', () => {
    const { template, outdir } = cognito;
    const deployments = Object.entries(template.findResources('Custom::CDKBucketDeployment'));
    expect(deployments).toHaveLength(2);
    const assets = deployments.find(([id]) => id.includes('DeployAssets'))?.[1].Properties as Json;
    expect(assets).toMatchObject({
      DestinationBucketKeyPrefix: 'assets/',
      Prune: false,
      SystemMetadata: { 'cache-control': 'public, max-age=31536000, immutable' },
    });
    const pages = pagesDeployment(template);
    expect(pages).toMatchObject({
      Prune: true,
      Exclude: ['assets/*'],
      SystemMetadata: { 'cache-control': 'no-cache' },
      DistributionPaths: ['/*'],
    });
    const folders = (pages.SourceObjectKeys as string[]).map((key) =>
      readdirSync(join(outdir, `asset.${key.replace(/\.zip$/, '')}`)).sort(),
    );
    expect(folders).toEqual([['index.html', 'track.html'], ['config.json']]);
    const assetFolder = join(
      outdir,
      `asset.${(assets.SourceObjectKeys as string[])[0]?.replace(/\.zip$/, '')}`,
    );
    expect(readdirSync(assetFolder)).toEqual(['index-BkL2x9aQ.js']);
  });

  it('lets the user pool’s public client sign in by authorization code at the distribution, never implicitly', () => {
    const { stack, template } = cognito;
    const client = only(template, 'AWS::Cognito::UserPoolClient');
    const url = {
      'Fn::Join': [
        '',
        [
          'https://',
          { 'Fn::GetAtt': [logicalId(stack, stack.webSite?.distribution as IConstruct), 'DomainName'] },
          '/',
        ],
      ],
    };
    expect(client).toMatchObject({
      GenerateSecret: false,
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthScopes: ['openid', 'email', 'profile'],
      CallbackURLs: [url],
      LogoutURLs: [url],
      SupportedIdentityProviders: ['COGNITO'],
    });
    template.hasResourceProperties('AWS::Cognito::UserPoolDomain', {
      Domain: { 'Fn::Join': ['', ['fengqiao-dev-', { Ref: 'AWS::AccountId' }]] },
    });
    template.hasOutput('WebSiteUrl', { Value: url });
  });

  it('leaves CloudFormation no cycle: the client names the distribution, which names the API, not its authorizer', () => {
    expect(findCycle(references(cognito.template))).toBeUndefined();
    expect(findCycle(references(oidc.template))).toBeUndefined();
  });
});

describe('without a build or without a site', () => {
  it('deploys a placeholder page and warns when the folder holds no build', () => {
    const empty = join(work, 'empty');
    mkdirSync(empty, { recursive: true });
    const synthesis = synthesize({ stage: 'nobuild' }, empty);
    expect(synthesis.stack.webSite?.built).toBe(false);
    const warnings = Annotations.fromStack(synthesis.stack).findWarning(
      '*',
      Match.stringLikeRegexp('holds no build of the pages'),
    );
    expect(warnings.map((w) => w.id)).toEqual(['/Fengqiao-nobuild/WebSite']);
    const pages = pagesDeployment(synthesis.template);
    const folders = (pages.SourceObjectKeys as string[]).map((key) =>
      readdirSync(join(synthesis.outdir, `asset.${key.replace(/\.zip$/, '')}`)).sort(),
    );
    expect(folders.flat().sort()).toEqual(['config.json', 'index.html', 'track.html']);
    synthesis.template.resourceCountIs('Custom::CDKBucketDeployment', 1);
  });

  it('makes no distribution, bucket or hosted UI with context webSite=false (the China regions)', () => {
    const synthesis = synthesize({ stage: 'cn', webSite: 'false' });
    expect(synthesis.stack.webSite).toBeUndefined();
    synthesis.template.resourceCountIs('AWS::CloudFront::Distribution', 0);
    synthesis.template.resourceCountIs('Custom::CDKBucketDeployment', 0);
    synthesis.template.resourceCountIs('AWS::Cognito::UserPoolDomain', 0);
    const client = only(synthesis.template, 'AWS::Cognito::UserPoolClient');
    expect(client.AllowedOAuthFlows).toBeUndefined();
    expect(Object.keys(synthesis.template.findOutputs('*'))).not.toContain('WebSiteUrl');
  });

  it('reads webSite from context as a boolean or its string, and refuses anything else', () => {
    const configOf = (context: Record<string, unknown>) => readConfig(new App({ context }).node);
    expect(configOf({}).webSite).toBe(true);
    expect(configOf({ webSite: true }).webSite).toBe(true);
    expect(configOf({ webSite: 'false' }).webSite).toBe(false);
    expect(configOf({ webSite: false }).webSite).toBe(false);
    for (const bad of ['no', 0, 'yes'])
      expect(() => configOf({ webSite: bad }), String(bad)).toThrow(/context webSite must be true or false/);
  });
});
