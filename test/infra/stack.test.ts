import { readFileSync } from 'node:fs';
import { App, AssetStaging, type CfnElement, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { FAMILY_ACCESS, SCHEDULED_ACCESS } from '../../lambdas/adapters/function-access.js';
import { FUNCTION_FAMILIES, type FunctionFamily } from '../../lambdas/adapters/function-families.js';
import { ALL_TABLES } from '../../lambdas/adapters/table-model.js';
import { ROLES } from '../../lambdas/domain/roles.js';
import { ROUTES, routeKey } from '../../lambdas/http/routes.js';
import { readConfig, reportTowns, stackName } from '../../lib/config.js';
import { ROUTE_THROTTLES, STAGE_THROTTLE } from '../../lib/constructs/api.js';
import { tableEnvName } from '../../lib/constructs/data.js';
import { RESERVED_CONCURRENCY } from '../../lib/constructs/functions.js';
import { addNagChecks } from '../../lib/nag.js';
import { FengqiaoStack } from '../../lib/stack.js';

const HOOK_TIMEOUT = 120_000;
const ISSUER = 'https://idp.example.gov.cn/realms/town';
const AUDIENCE = 'fengqiao';

/** The context `cdk synth` would see: cdk.json's defaults and feature flags. */
const cdkJsonContext = (
  JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
    context: Record<string, unknown>;
  }
).context;

interface Synthesis {
  stack?: FengqiaoStack;
  template?: Template;
  error?: unknown;
}

/** The app as lib/app.ts builds it (both cdk-nag packs); synthesis errors are kept for the test that asserts them. */
function synthesize(
  context: Record<string, unknown>,
  options: { bundle: boolean; extra?: (stack: FengqiaoStack) => void },
): Synthesis {
  const app = new App({
    context: {
      ...cdkJsonContext,
      ...context,
      // skipping esbuild where the test does not look at bundles keeps the file fast
      ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }),
    },
  });
  addNagChecks(app);
  const config = readConfig(app.node);
  const stack = new FengqiaoStack(app, stackName(config), { config });
  options.extra?.(stack);
  try {
    const assembly = app.synth();
    return { stack, template: Template.fromJSON(assembly.getStackByName(stack.stackName).template) };
  } catch (error) {
    return { stack, error };
  }
}

function ready(synthesis: Synthesis): { stack: FengqiaoStack; template: Template } {
  if (!synthesis.stack || !synthesis.template) throw synthesis.error;
  return { stack: synthesis.stack, template: synthesis.template };
}

/** The variables the deployed functions insist on: every `requiredEnv('…')` of lambdas/adapters/deps.ts. */
const requiredEnvironment = [
  ...readFileSync(new URL('../../lambdas/adapters/deps.ts', import.meta.url), 'utf8').matchAll(
    /requiredEnv\('([A-Z0-9_]+)'\)/g,
  ),
].map((match) => match[1] ?? '');

const logicalId = (stack: FengqiaoStack, construct: IConstruct): string =>
  stack.getLogicalId(construct.node.defaultChild as CfnElement);

type Json = Record<string, unknown>;
interface Statement {
  Action?: string | string[];
  Resource?: unknown;
  Condition?: Json;
}

/** Every statement of every identity policy in the template, inline or attached. */
function iamStatements(template: Template): Statement[] {
  const documents: { Statement: Statement[] }[] = [];
  for (const policy of Object.values(template.findResources('AWS::IAM::Policy')))
    documents.push(policy.Properties.PolicyDocument);
  for (const policy of Object.values(template.findResources('AWS::IAM::ManagedPolicy')))
    documents.push(policy.Properties.PolicyDocument);
  for (const role of Object.values(template.findResources('AWS::IAM::Role')))
    for (const inline of (role.Properties.Policies ?? []) as { PolicyDocument: { Statement: Statement[] } }[])
      documents.push(inline.PolicyDocument);
  return documents.flatMap((document) => document.Statement);
}

const actionsOf = (statement: Statement): string[] =>
  statement.Action === undefined ? [] : ([] as string[]).concat(statement.Action);

let cognito: Synthesis;
let oidc: Synthesis;
let violation: Synthesis;

beforeAll(() => {
  cognito = synthesize({}, { bundle: true });
}, HOOK_TIMEOUT);

beforeAll(() => {
  oidc = synthesize(
    { identityIssuer: ISSUER, identityAudience: AUDIENCE, corsOrigins: 'https://town.example.gov.cn' },
    { bundle: false },
  );
}, HOOK_TIMEOUT);

beforeAll(() => {
  violation = synthesize(
    {},
    {
      bundle: false,
      // an unencrypted queue without a dead-letter queue breaks AwsSolutions-SQS2, SQS3 and SQS4, and
      // Serverless-SQSRedrivePolicy
      extra: (stack) => new Queue(stack, 'UncheckedQueue'),
    },
  );
}, HOOK_TIMEOUT);

const MODES = ['Cognito', 'external OIDC'] as const;
const synthesisOf = (mode: (typeof MODES)[number]): Synthesis => (mode === 'Cognito' ? cognito : oidc);

/** Every cdk-nag acknowledgement in the construct tree: the rule (and finding) id, the reason, and where. */
function acknowledgements(stack: FengqiaoStack): { id: string; reason: string; path: string }[] {
  return stack.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>)
          // recorded as `Annotation::<rule id>`; cfn-guard's, under its own name, are guard.test.ts's
          .filter(([id]) => id.startsWith('Annotation::'))
          .map(([id, reason]) => ({
            id: id.replace(/^Annotation::/, ''),
            reason,
            path: construct.node.path,
          })),
      ),
  );
}

describe('cdk-nag (AwsSolutions and Serverless)', () => {
  it('has no unacknowledged findings in either identity mode', () => {
    expect(cognito.error).toBeUndefined();
    expect(oidc.error).toBeUndefined();
  });

  it('is live: an unacknowledged violation of either pack makes synthesis throw', () => {
    expect(violation.template).toBeUndefined();
    expect(String(violation.error)).toMatch(/AwsSolutions-SQS/);
    expect(String(violation.error)).toMatch(/Serverless-SQSRedrivePolicy/);
  });

  it.each(MODES)('acknowledges only the reviewed rules, each with a reason (%s)', (mode) => {
    const found = acknowledgements(ready(synthesisOf(mode)).stack);
    const rules = new Set(found.map(({ id }) => id.replace(/\[.*\]$/, '')));
    expect([...rules].sort()).toEqual(
      [
        'AwsSolutions-APIG4',
        'AwsSolutions-IAM5',
        'AwsSolutions-L1',
        // the evidence bucket's server access log bucket, which does not log itself
        'AwsSolutions-S1',
        'AwsSolutions-SQS3',
        'Serverless-LambdaDLQ',
        // the sweep's SQS event source, which takes no on-failure destination (its queue has a dead-letter queue)
        'Serverless-LambdaEventSourceMappingDestination',
        'Serverless-LambdaLatestVersion',
        'Serverless-SQSRedrivePolicy',
        // the web site: its distribution (no geo restriction, no WAF, the default certificate), and CDK's function
        // that deploys its pages (CDK's runtime, role and logging)
        'AwsSolutions-CFR1',
        'AwsSolutions-CFR2',
        'AwsSolutions-CFR4',
        'AwsSolutions-IAM4',
        'Serverless-LambdaTracing',
        ...(mode === 'Cognito' ? ['AwsSolutions-COG2', 'AwsSolutions-COG8'] : []),
      ].sort(),
    );
    for (const { id, reason, path } of found) expect(reason.length, `${id} on ${path}`).toBeGreaterThan(60);
    // IAM5 only ever for a named finding, never the whole rule
    for (const { id } of found.filter(({ id }) => id.startsWith('AwsSolutions-IAM5')))
      expect(id).toMatch(/^AwsSolutions-IAM5\[.+\]$/);
  });
});

describe('tables', () => {
  it('are the table model: keys, indexes and TTL', () => {
    const { stack, template } = ready(cognito);
    template.resourceCountIs('AWS::DynamoDB::Table', ALL_TABLES.length);
    for (const model of ALL_TABLES) {
      const table = stack.data.tables.get(model);
      if (!table) throw new Error(`no table for ${model.logicalName}`);
      const properties = template.toJSON().Resources[logicalId(stack, table)].Properties as Json;
      expect(properties.KeySchema).toEqual([
        { AttributeName: model.partitionKey, KeyType: 'HASH' },
        ...(model.sortKey ? [{ AttributeName: model.sortKey, KeyType: 'RANGE' }] : []),
      ]);
      expect(properties.GlobalSecondaryIndexes ?? []).toEqual(
        model.indexes.map((index) => ({
          IndexName: index.name,
          KeySchema: [
            { AttributeName: index.partitionKey, KeyType: 'HASH' },
            { AttributeName: index.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        })),
      );
      expect(properties.TimeToLiveSpecification).toEqual(
        model.ttlAttribute ? { AttributeName: model.ttlAttribute, Enabled: true } : undefined,
      );
    }
  });

  it('are on demand, recoverable, protected, retained and encrypted with a rotated customer key', () => {
    const { stack, template } = ready(cognito);
    const keys = template.findResources('AWS::KMS::Key', { Properties: { EnableKeyRotation: true } });
    const keyId = logicalId(stack, stack.data.key);
    expect(Object.keys(keys)).toContain(keyId);
    const tables = template.findResources('AWS::DynamoDB::Table');
    for (const table of Object.values(tables)) {
      expect(table.DeletionPolicy).toBe('Retain');
      expect(table.Properties).toMatchObject({
        BillingMode: 'PAY_PER_REQUEST',
        DeletionProtectionEnabled: true,
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: {
          SSEEnabled: true,
          SSEType: 'KMS',
          KMSMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
        },
      });
    }
    expect(keys[keyId]?.DeletionPolicy).toBe('Retain');
  });
});

describe('routes', () => {
  it.each(MODES)('are the route table, the authorizer on exactly the authorized ones (%s)', (mode) => {
    const { stack, template } = ready(synthesisOf(mode));
    const routes = template.findResources('AWS::ApiGatewayV2::Route');
    const authorizers = Object.keys(template.findResources('AWS::ApiGatewayV2::Authorizer'));
    expect(authorizers).toHaveLength(1);
    const byKey = new Map(Object.values(routes).map((route) => [route.Properties.RouteKey as string, route]));
    expect([...byKey.keys()].sort()).toEqual(ROUTES.map(routeKey).sort());

    const integrations = template.findResources('AWS::ApiGatewayV2::Integration');
    for (const spec of ROUTES) {
      const route = byKey.get(routeKey(spec))?.Properties as Json;
      if (spec.authorized)
        expect(route).toMatchObject({ AuthorizationType: 'JWT', AuthorizerId: { Ref: authorizers[0] } });
      else {
        expect(route.AuthorizationType).toBe('NONE');
        expect(route.AuthorizerId).toBeUndefined();
      }
      // the route reaches the function of its family
      const target = route.Target as { 'Fn::Join': [string, [string, { Ref: string }]] };
      const integrationId = target['Fn::Join'][1][1].Ref;
      const fn = stack.functions.byFamily.get(spec.family);
      if (!fn) throw new Error(`no function for ${spec.family}`);
      expect(integrations[integrationId]?.Properties.IntegrationUri).toEqual({
        'Fn::GetAtt': [logicalId(stack, fn.fn), 'Arn'],
      });
    }
  });

  it('take the issuer and audience from context in external OIDC mode', () => {
    const { template } = ready(oidc);
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: { Issuer: ISSUER, Audience: [AUDIENCE] },
    });
  });

  it('allow the context CORS origins, and none by default', () => {
    ready(oidc).template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: Match.objectLike({
        AllowOrigins: ['https://town.example.gov.cn'],
        AllowHeaders: Match.arrayWith(['authorization', 'idempotency-key', 'if-match']),
      }),
    });
    ready(cognito).template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: Match.absent(),
    });
  });

  it('are throttled and logged as JSON on the default stage', () => {
    const { template } = ready(cognito);
    const stages = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'));
    expect(stages).toHaveLength(1);
    const stage = stages[0]?.Properties as Json;
    expect(stage).toMatchObject({
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
    });
    const format = JSON.parse((stage.AccessLogSettings as { Format: string }).Format) as Json;
    expect(format.requestId).toBe('$context.requestId');
    const logGroupId = (stage.AccessLogSettings as { DestinationArn: { 'Fn::GetAtt': [string] } })
      .DestinationArn['Fn::GetAtt'][0];
    expect(template.toJSON().Resources[logGroupId].Properties.RetentionInDays).toBeGreaterThan(0);
  });
});

describe('gateway throttles', () => {
  const stageOf = (template: Template) => {
    const stages = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'));
    expect(stages).toHaveLength(1);
    return stages[0] as { Properties: Json; DependsOn?: string[] };
  };

  it('name routes of the route table, each below the stage, every unauthenticated write among them', () => {
    const keys = ROUTES.map(routeKey);
    for (const [key, throttle] of Object.entries(ROUTE_THROTTLES)) {
      expect(keys).toContain(key);
      expect(throttle.rateLimit).toBeLessThanOrEqual(STAGE_THROTTLE.rateLimit);
      expect(throttle.burstLimit).toBeLessThanOrEqual(STAGE_THROTTLE.burstLimit);
    }
    const unauthenticatedWrites = ROUTES.filter((route) => !route.authorized && route.method !== 'GET');
    expect(unauthenticatedWrites.length).toBeGreaterThan(0);
    for (const route of unauthenticatedWrites) expect(ROUTE_THROTTLES).toHaveProperty([routeKey(route)]);
    expect(ROUTE_THROTTLES['GET /v1/public/track/{queryCode}']).toEqual({ rateLimit: 5, burstLimit: 10 });
    expect(ROUTE_THROTTLES['POST /open311/v2/requests.json']).toEqual({ rateLimit: 10, burstLimit: 20 });
    expect(ROUTE_THROTTLES['POST /v1/public/petitions']).toEqual({ rateLimit: 10, burstLimit: 20 });
  });

  it.each(MODES)('are the stage’s route settings, and the stage waits for those routes (%s)', (mode) => {
    const { template } = ready(synthesisOf(mode));
    const stage = stageOf(template);
    expect(stage.Properties.RouteSettings).toEqual(
      Object.fromEntries(
        Object.entries(ROUTE_THROTTLES).map(([key, { rateLimit, burstLimit }]) => [
          key,
          { ThrottlingRateLimit: rateLimit, ThrottlingBurstLimit: burstLimit },
        ]),
      ),
    );
    const routeIds = new Map(
      Object.entries(template.findResources('AWS::ApiGatewayV2::Route')).map(([id, route]) => [
        route.Properties.RouteKey as string,
        id,
      ]),
    );
    for (const key of Object.keys(ROUTE_THROTTLES)) expect(stage.DependsOn).toContain(routeIds.get(key));
  });
});

describe('reserved concurrency', () => {
  it.each(MODES)(
    'caps the public function and the scheduled ones, and keeps the total small (%s)',
    (mode) => {
      const { stack, template } = ready(synthesisOf(mode));
      const reserved = new Map(
        Object.entries(template.findResources('AWS::Lambda::Function'))
          .filter(([, fn]) => fn.Properties.ReservedConcurrentExecutions !== undefined)
          .map(([id, fn]) => [id, fn.Properties.ReservedConcurrentExecutions as number]),
      );
      const publicFn = stack.functions.byFamily.get('public');
      if (!publicFn) throw new Error('no public function');
      expect(RESERVED_CONCURRENCY).toEqual({ public: 10 });
      expect(Object.fromEntries(reserved)).toEqual({
        [logicalId(stack, publicFn.fn)]: 10,
        [logicalId(stack, stack.townWork.handler.fn)]: 1,
      });
      // Lambda keeps 100 unreserved: the stack needs an account limit of 111, far below the default 1,000
      expect([...reserved.values()].reduce((sum, n) => sum + n, 0)).toBe(11);
    },
  );
});

describe('log encryption and keys', () => {
  it.each(MODES)('encrypt every log group with the logs key, and keep them for a while (%s)', (mode) => {
    const { stack, template } = ready(synthesisOf(mode));
    const logGroups = Object.values(template.findResources('AWS::Logs::LogGroup'));
    const functions = Object.keys(template.findResources('AWS::Lambda::Function'));
    // one per function and the API's access logs
    expect(logGroups).toHaveLength(functions.length + 1);
    for (const group of logGroups) {
      expect(group.Properties.KmsKeyId).toEqual({
        'Fn::GetAtt': [logicalId(stack, stack.logs.key), 'Arn'],
      });
      expect(group.Properties.RetentionInDays).toBeGreaterThan(0);
    }
    const stage = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'))[0]?.Properties as Json;
    const accessLogs = (stage.AccessLogSettings as { DestinationArn: { 'Fn::GetAtt': [string] } })
      .DestinationArn['Fn::GetAtt'][0];
    expect(template.toJSON().Resources[accessLogs].Properties.KmsKeyId).toBeDefined();
  });

  it('let CloudWatch Logs of this region use the logs key for this account’s log groups only', () => {
    const { stack, template } = ready(cognito);
    const key = template.toJSON().Resources[logicalId(stack, stack.logs.key)] as Json & {
      Properties: { KeyPolicy: { Statement: (Statement & { Principal?: unknown; Sid?: string })[] } };
    };
    expect(key).toMatchObject({
      DeletionPolicy: 'Retain',
      Properties: { EnableKeyRotation: true, Description: expect.stringMatching(/log/) },
    });
    const logs = key.Properties.KeyPolicy.Statement.find((s) => s.Sid === 'CloudWatchLogsOfThisAccount');
    expect(logs?.Principal).toEqual({
      Service: { 'Fn::Join': ['', ['logs.', { Ref: 'AWS::Region' }, '.amazonaws.com']] },
    });
    expect(logs?.Condition).toEqual({
      ArnLike: {
        'kms:EncryptionContext:aws:logs:arn': {
          'Fn::Join': [
            '',
            [
              'arn:',
              { Ref: 'AWS::Partition' },
              ':logs:',
              { Ref: 'AWS::Region' },
              ':',
              { Ref: 'AWS::AccountId' },
              ':log-group:*',
            ],
          ],
        },
      },
    });
  });

  it.each(MODES)(
    'give every key a description and one alias of this stack, readable in CloudTrail (%s)',
    (mode) => {
      const { stack, template } = ready(synthesisOf(mode));
      const keys = template.findResources('AWS::KMS::Key');
      const aliases = Object.values(template.findResources('AWS::KMS::Alias')).map(
        (alias) => alias.Properties as { AliasName: string; TargetKeyId: { 'Fn::GetAtt': [string, string] } },
      );
      // tables, MAC, personal data, topics, dead letters, logs, evidence files
      expect(Object.keys(keys)).toHaveLength(7);
      for (const [id, key] of Object.entries(keys)) {
        expect(String(key.Properties.Description ?? '').length, id).toBeGreaterThan(20);
        const named = aliases.filter((alias) => alias.TargetKeyId['Fn::GetAtt'][0] === id);
        expect(named, id).toHaveLength(1);
        expect(named[0]?.AliasName).toMatch(new RegExp(`^alias/${stack.stackName}/[a-z-]+$`));
      }
      expect(new Set(aliases.map((alias) => alias.AliasName)).size).toBe(aliases.length);
      // the account's trail records the keys' use; the stack creates none of its own
      template.resourceCountIs('AWS::CloudTrail::Trail', 0);
    },
  );
});

/**
 * The functions of the service: every function but CDK's own that deploys the web pages at deploy time (its settings
 * are CDK's; test/infra/web-site.test.ts and the nag packs look at it).
 */
const serviceFunctions = (template: Template) =>
  Object.fromEntries(
    Object.entries(template.findResources('AWS::Lambda::Function')).filter(
      ([id]) => !id.startsWith('CustomCDKBucketDeployment'),
    ),
  );

describe('tracing', () => {
  it.each(MODES)('sends X-Ray segments from every function, the only grant on `*` (%s)', (mode) => {
    const { template } = ready(synthesisOf(mode));
    for (const fn of Object.values(serviceFunctions(template)))
      expect(fn.Properties.TracingConfig).toEqual({ Mode: 'Active' });
    const policies = Object.entries(template.findResources('AWS::IAM::Policy'))
      .filter(([id]) => !id.startsWith('CustomCDKBucketDeployment'))
      .map(([, policy]) => policy);
    const onEverything = policies.filter((policy) =>
      (policy.Properties.PolicyDocument.Statement as Statement[]).some((s) => s.Resource === '*'),
    );
    expect(onEverything).toHaveLength(Object.keys(serviceFunctions(template)).length);
    // each in a policy of its own, holding the two X-Ray actions and nothing else
    for (const policy of onEverything)
      expect(policy.Properties.PolicyDocument.Statement).toEqual([
        { Effect: 'Allow', Action: ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'], Resource: '*' },
      ]);
  });
});

describe('functions', () => {
  it.each(MODES)('are one per family plus triggers, all nodejs22.x on arm64 (%s)', (mode) => {
    const { stack, template } = ready(synthesisOf(mode));
    const functions = Object.values(serviceFunctions(template));
    // pre-token generation and post-confirmation
    const triggers = mode === 'Cognito' ? 2 : 0;
    // plus the scheduled deadline sweep and reports (their own settings are checked in schedules.test.ts)
    expect(functions).toHaveLength(Object.keys(FUNCTION_FAMILIES).length + triggers + 2);
    const scheduled = [stack.schedules.sweep, stack.townWork.handler].map((fn) => logicalId(stack, fn.fn));
    for (const [id, fn] of Object.entries(serviceFunctions(template)))
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        MemorySize: 512,
        Timeout: scheduled.includes(id) ? 300 : 10,
        Handler: 'index.handler',
        TracingConfig: { Mode: 'Active' },
      });
    for (const family of Object.keys(FUNCTION_FAMILIES) as FunctionFamily[]) {
      const fn = stack.functions.byFamily.get(family);
      if (!fn) throw new Error(`no function for ${family}`);
      const variables = template.toJSON().Resources[logicalId(stack, fn.fn)].Properties.Environment.Variables;
      expect(variables).toMatchObject({
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: 'fengqiao',
      });
      expect(requiredEnvironment).toContain('CASES_TABLE');
      expect(Object.keys(variables)).toEqual(expect.arrayContaining(requiredEnvironment));
      for (const [model, table] of stack.data.tables)
        expect(variables[tableEnvName(model)]).toEqual({ Ref: logicalId(stack, table) });
      expect(variables.MAC_KEY_ID).toEqual({ 'Fn::GetAtt': [logicalId(stack, stack.data.macKey), 'Arn'] });
      // Open311 serves the deployment's towns from the start, the public reception roster names them, the city reads
      // them and a case is transferred to one of them; no other family is told them
      const told: readonly string[] = ['open311', 'reception', 'city', 'cases'];
      expect(variables.TOWNS).toBe(told.includes(family) ? 'demo-town' : undefined);
    }
  });

  it('are bundled as ESM with the createRequire banner', () => {
    const { stack } = ready(cognito);
    for (const handler of [
      ...stack.functions.byFamily.values(),
      stack.schedules.sweep,
      stack.townWork.handler,
    ]) {
      const staging = handler.fn.node.findChild('Code').node.findChild('Stage');
      if (!(staging instanceof AssetStaging)) throw new Error('no staged asset');
      const code = readFileSync(`${staging.absoluteStagedPath}/index.mjs`, 'utf8');
      expect(code.startsWith("import { createRequire } from 'module';")).toBe(true);
    }
  });
});

describe('permissions', () => {
  it.each(MODES)('never allow Scan or a dynamodb wildcard (%s)', (mode) => {
    const { template } = ready(synthesisOf(mode));
    const actions = iamStatements(template).flatMap(actionsOf);
    expect(actions).toContain('dynamodb:Query');
    expect(actions).not.toContain('dynamodb:Scan');
    expect(actions).not.toContain('dynamodb:*');
    expect(actions).not.toContain('*');
  });

  it('may make MACs with the HMAC key and nothing else with it', () => {
    const { stack, template } = ready(cognito);
    const macKeyArn = { 'Fn::GetAtt': [logicalId(stack, stack.data.macKey), 'Arn'] };
    template.hasResource('AWS::KMS::Key', {
      Properties: { KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' },
      DeletionPolicy: 'Retain',
    });
    const onMacKey = iamStatements(template).filter(
      (statement) => JSON.stringify(statement.Resource) === JSON.stringify(macKeyArn),
    );
    // the functions that hash (lambdas/adapters/function-access.ts): not the reports, nor the sweep; the city chains
    // its supervisions onto a case's timeline
    const hashing = [...Object.values(FAMILY_ACCESS), ...Object.values(SCHEDULED_ACCESS)].filter(
      (a) => a.mac,
    );
    expect(hashing).toHaveLength(12);
    expect(onMacKey).toHaveLength(hashing.length);
    for (const statement of onMacKey) expect(actionsOf(statement)).toEqual(['kms:GenerateMac']);
  });

  it('use the table key only through DynamoDB', () => {
    const { stack, template } = ready(cognito);
    const tableKeyArn = JSON.stringify({ 'Fn::GetAtt': [logicalId(stack, stack.data.key), 'Arn'] });
    const kms = iamStatements(template).filter(
      (statement) => JSON.stringify(statement.Resource) === tableKeyArn,
    );
    // the API functions, the sweep and the reports
    expect(kms.length).toBe(Object.keys(FUNCTION_FAMILIES).length + 2);
    for (const statement of kms)
      expect(statement.Condition).toHaveProperty(['StringEquals', 'kms:ViaService']);
  });

  it('make data keys where cases are registered and unwrap them only where they are revealed or transferred', () => {
    const { stack, template } = ready(cognito);
    const dataKeyArn = { 'Fn::GetAtt': [logicalId(stack, stack.data.dataKey), 'Arn'] };
    template.hasResource('AWS::KMS::Key', {
      Properties: { EnableKeyRotation: true, KeySpec: Match.absent() },
      DeletionPolicy: 'Retain',
    });
    const byRole = new Map<string, string[]>();
    for (const policy of Object.values(template.findResources('AWS::IAM::Policy')))
      for (const statement of policy.Properties.PolicyDocument.Statement as Statement[])
        if (JSON.stringify(statement.Resource) === JSON.stringify(dataKeyArn))
          for (const role of policy.Properties.Roles as { Ref: string }[])
            byRole.set(role.Ref, [...(byRole.get(role.Ref) ?? []), ...actionsOf(statement)]);
    const roleOf = (family: FunctionFamily) => logicalId(stack, stack.functions.byFamily.get(family)!.role);
    expect(Object.fromEntries(byRole)).toEqual({
      // a transfer to another town (转送) opens the sending case's data to seal it under the receiving case's key
      [roleOf('cases')]: ['kms:Decrypt', 'kms:GenerateDataKey'],
      [roleOf('grids')]: ['kms:GenerateDataKey'],
      [roleOf('me')]: ['kms:GenerateDataKey'],
      [roleOf('open311')]: ['kms:GenerateDataKey'],
      [roleOf('privacy')]: ['kms:Decrypt'],
      // a reception registers the cases of new visits
      [roleOf('reception')]: ['kms:GenerateDataKey'],
    });
  });

  it.each(MODES)('build every ARN from the partition, never a literal aws one (%s)', (mode) => {
    expect(JSON.stringify(ready(synthesisOf(mode)).template.toJSON())).not.toContain('arn:aws:');
  });
});

describe('identity', () => {
  it('makes no user pool when an external issuer is given', () => {
    const { template } = ready(oidc);
    template.resourceCountIs('AWS::Cognito::UserPool', 0);
    template.resourceCountIs('AWS::Cognito::UserPoolClient', 0);
    template.resourceCountIs('AWS::Cognito::UserPoolGroup', 0);
  });

  it('makes a user pool with one group per role, citizens’ self sign-up and the Essentials plan', () => {
    const { template } = ready(cognito);
    const groups = Object.values(template.findResources('AWS::Cognito::UserPoolGroup')).map(
      (group) => group.Properties.GroupName as string,
    );
    expect(groups.sort()).toEqual([...ROLES].sort());
    // the town's six staff roles, citizens, and the city's supervisors
    expect(groups).toHaveLength(8);
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: false },
      UserPoolTier: 'ESSENTIALS',
      Schema: Match.arrayWith([Match.objectLike({ Name: 'town', Mutable: true })]),
    });
  });

  it('has a public client that reads custom:town but cannot write it', () => {
    const { template } = ready(cognito);
    const clients = Object.values(template.findResources('AWS::Cognito::UserPoolClient'));
    expect(clients).toHaveLength(1);
    const client = clients[0]?.Properties as Json;
    expect(client.GenerateSecret).toBe(false);
    expect(client.ExplicitAuthFlows).toEqual(['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']);
    expect(client.ReadAttributes).toContain('custom:town');
    expect(client.WriteAttributes).toEqual(expect.any(Array));
    expect(client.WriteAttributes).not.toContain('custom:town');
  });

  it('puts the town into access tokens with a V2_0 pre-token trigger', () => {
    const { stack, template } = ready(cognito);
    const preToken = stack.identity.node.findChild('PreToken').node.findChild('Function');
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      LambdaConfig: {
        PreTokenGenerationConfig: {
          LambdaVersion: 'V2_0',
          LambdaArn: { 'Fn::GetAtt': [logicalId(stack, preToken), 'Arn'] },
        },
      },
    });
  });

  it('points the authorizer at the user pool and its client', () => {
    const { stack, template } = ready(cognito);
    const { userPool, client } = stack.identity;
    if (!userPool || !client) throw new Error('no user pool');
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      JwtConfiguration: {
        Audience: [{ Ref: logicalId(stack, client) }],
        Issuer: {
          'Fn::Join': ['', Match.arrayWith(['https://cognito-idp.', { Ref: logicalId(stack, userPool) }])],
        },
      },
    });
    template.hasOutput('UserPoolId', { Value: { Ref: logicalId(stack, userPool) } });
    template.hasOutput('UserPoolClientId', { Value: { Ref: logicalId(stack, client) } });
  });
});

describe('configuration', () => {
  const configOf = (context: Record<string, unknown>) => readConfig(new App({ context }).node);

  it('defaults to the dev stage and a Cognito user pool', () => {
    expect(configOf({})).toEqual({
      stage: 'dev',
      corsOrigins: [],
      sweepIntervalMinutes: 15,
      logRetentionDays: 365,
      webSite: true,
    });
  });

  it('refuses half an external identity or a plain-http issuer', () => {
    expect(() => configOf({ identityIssuer: ISSUER })).toThrow(/identityAudience/);
    expect(() => configOf({ identityAudience: AUDIENCE })).toThrow(/identityIssuer/);
    expect(() => configOf({ identityIssuer: 'http://idp.example', identityAudience: AUDIENCE })).toThrow(
      /https/,
    );
  });

  it('refuses a stage that cannot name a stack', () => {
    expect(() => configOf({ stage: 'Prod stage' })).toThrow(/stage/);
  });

  it('reads the towns of the scheduled reports, defaulting to the default town', () => {
    expect(reportTowns(configOf({}))).toEqual(['demo-town']);
    expect(reportTowns(configOf({ defaultTown: 'town-9' }))).toEqual(['town-9']);
    expect(configOf({ towns: ' town-a, town-b ,town-a,' }).towns).toEqual(['town-a', 'town-b']);
    expect(reportTowns(configOf({ towns: 'town-a', defaultTown: 'town-9' }))).toEqual(['town-a']);
    for (const bad of ['two words', 'town/a', 'a'.repeat(65)])
      expect(() => configOf({ towns: `town-a,${bad}` }), bad).toThrow(/towns/);
  });
});

describe('outputs', () => {
  it('name what operators and integrators need, each pointing at the resource it names', () => {
    const { stack, template } = ready(cognito);
    const outputs = template.findOutputs('*');
    expect(Object.keys(outputs)).toEqual(
      expect.arrayContaining([
        'ApiUrl',
        'TokenIssuer',
        'UserPoolId',
        'OpsTopicArn',
        'DeadLetterQueueUrl',
        'SweepFunctionName',
        'TownWorkFunctionName',
      ]),
    );
    expect(outputs.SweepFunctionName?.Value).toEqual({ Ref: logicalId(stack, stack.schedules.sweep.fn) });
    expect(outputs.TownWorkFunctionName?.Value).toEqual({ Ref: logicalId(stack, stack.townWork.handler.fn) });
    // with an external issuer there is no user pool to name
    expect(Object.keys(ready(oidc).template.findOutputs('*'))).not.toContain('UserPoolId');
  });
});
