import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, type CfnElement, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { FUNCTION_FAMILIES } from '../../lambdas/adapters/function-families.js';
import { LOG_RETENTIONS, readConfig, stackName } from '../../lib/config.js';
import { addGuardChecks, addNagChecks, GUARD_PLUGIN } from '../../lib/nag.js';
import { FengqiaoStack } from '../../lib/stack.js';

// ---------------------------------------------------------------------------------------------------------------
// The app as lib/app.ts builds it: both cdk-nag packs and cfn-guard with the Control Tower rules. Without bundling:
// the rules read the template, not the code.

const HOOK_TIMEOUT = 180_000;
const ISSUER = 'https://idp.example.gov.cn/realms/town';
const AUDIENCE = 'fengqiao';

const cdkJsonContext = (
  JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
    context: Record<string, unknown>;
  }
).context;

interface Violation {
  ruleName: string;
  violatingConstructs: { constructPath?: string }[];
}
interface PluginReport {
  pluginName: string;
  conclusion: string;
  violations: Violation[];
}

interface Synthesis {
  stack: FengqiaoStack;
  template?: Template;
  /** cfn-guard's part of the validation report CDK writes into the assembly, whether synthesis passed or not. */
  guard?: PluginReport;
  error?: unknown;
}

function synthesize(context: Record<string, unknown>): Synthesis {
  const app = new App({ context: { ...cdkJsonContext, ...context, 'aws:cdk:bundling-stacks': [] } });
  addNagChecks(app);
  addGuardChecks(app);
  const config = readConfig(app.node);
  const stack = new FengqiaoStack(app, stackName(config), { config });
  let error: unknown;
  let template: Template | undefined;
  try {
    template = Template.fromJSON(app.synth().getStackByName(stack.stackName).template);
  } catch (thrown) {
    error = thrown;
  }
  const report = JSON.parse(readFileSync(join(app.outdir, 'validation-report.json'), 'utf8')) as {
    pluginReports: PluginReport[];
  };
  const guard = report.pluginReports.find(({ pluginName }) => pluginName === GUARD_PLUGIN);
  return { stack, error, ...(template ? { template } : {}), ...(guard ? { guard } : {}) };
}

function ready(synthesis: Synthesis): { stack: FengqiaoStack; template: Template } {
  if (!synthesis.template) throw synthesis.error;
  return { stack: synthesis.stack, template: synthesis.template };
}

/** Every cfn-guard acknowledgement in the construct tree: the rule, the reason, and where. */
function acknowledgements(stack: FengqiaoStack): { rule: string; reason: string; path: string }[] {
  const prefix = `${GUARD_PLUGIN}::`;
  return stack.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>)
          .filter(([id]) => id.startsWith(prefix))
          .map(([id, reason]) => ({ rule: id.slice(prefix.length), reason, path: construct.node.path })),
      ),
  );
}

type Json = Record<string, unknown>;
interface Statement {
  Sid?: string;
  Effect?: string;
  Action?: string | string[];
  Principal?: unknown;
  Resource?: unknown;
  Condition?: Json;
}

/** Rule name → how many resources break it. */
const findings = (report: PluginReport | undefined): Record<string, number> =>
  Object.fromEntries((report?.violations ?? []).map((v) => [v.ruleName, v.violatingConstructs.length]));

let cognito: Synthesis;
let oidc: Synthesis;
let shortRetention: Synthesis;

beforeAll(() => {
  cognito = synthesize({});
}, HOOK_TIMEOUT);

beforeAll(() => {
  oidc = synthesize({ identityIssuer: ISSUER, identityAudience: AUDIENCE });
}, HOOK_TIMEOUT);

beforeAll(() => {
  // six months, which every function's log group kept until the Control Tower rules came
  shortRetention = synthesize({ logRetentionDays: 180 });
}, HOOK_TIMEOUT);

const MODES = ['Cognito', 'external OIDC'] as const;
const synthesisOf = (mode: (typeof MODES)[number]): Synthesis => (mode === 'Cognito' ? cognito : oidc);

describe('cfn-guard (Control Tower rules)', () => {
  it.each(MODES)('runs and has no unacknowledged findings (%s)', (mode) => {
    const { guard, error } = synthesisOf(mode);
    expect(findings(guard)).toEqual({});
    expect(guard?.conclusion).toBe('success');
    expect(error).toBeUndefined();
  });

  it.each(MODES)(
    'acknowledges only the reviewed rules, each with a reason and where it applies (%s)',
    (mode) => {
      const { stack } = ready(synthesisOf(mode));
      const found = acknowledgements(stack);
      expect([...new Set(found.map(({ rule }) => rule))].sort()).toEqual([
        // the public routes, and every route's invoke permission (a source the rule cannot read)
        'api_gw_v2_authorization_type_configured_check',
        // the web site's distribution: its default *.cloudfront.net certificate, one origin per behaviour
        'cloudfront_custom_ssl_certificate_check',
        'cloudfront_origin_failover_enabled_check',
        'cloudfront_security_policy_check',
        'cloudfront_sni_enabled_check',
        'lambda_function_public_access_prohibited_check',
        // every function
        'lambda_inside_vpc_check',
        // the evidence bucket and its access log bucket (object lock, event notifications); the log bucket's own
        // logging and its S3-managed encryption (what access log delivery takes)
        's3_bucket_default_encryption_kms_check',
        's3_bucket_logging_enabled_check',
        's3_bucket_object_lock_enabled_check',
        's3_event_notifications_enabled_check',
        // the dead-letter queue
        'sqs_dlq_check',
      ]);
      for (const { rule, reason, path } of found)
        expect(reason.length, `${rule} on ${path}`).toBeGreaterThan(60);
      // one acknowledgement per resource, never on the stack or a whole construct of many
      const byRule = (rule: string) => found.filter((ack) => ack.rule === rule).map(({ path }) => path);
      // every family's function, the two scheduled ones, the two Cognito triggers, and CDK's deployment of the pages
      expect(byRule('lambda_inside_vpc_check')).toHaveLength(
        Object.keys(FUNCTION_FAMILIES).length + 2 + (mode === 'Cognito' ? 2 : 0) + 1,
      );
      const site = stack.webSite;
      if (!site) throw new Error('no web site');
      expect(byRule('s3_bucket_object_lock_enabled_check').sort()).toEqual(
        [
          stack.evidence.bucket.node.path,
          stack.evidence.accessLogs.node.path,
          site.bucket.node.path,
          site.logBucket.node.path,
        ].sort(),
      );
      expect(byRule('cloudfront_origin_failover_enabled_check')).toEqual([site.distribution.node.path]);
      expect(byRule('sqs_dlq_check').sort()).toEqual(
        [stack.schedules.deadLetters.node.path, stack.schedules.sweepDeadLetters.node.path].sort(),
      );
      for (const path of found.map((ack) => ack.path)) expect(path).not.toBe(stack.node.path);
    },
  );

  it('is live: log groups kept less than a year fail synthesis, beside the acknowledged findings', () => {
    expect(String(shortRetention.error)).toMatch(/CT\.CLOUDWATCH\.PR\.2/);
    expect(shortRetention.guard?.conclusion).toBe('failure');
    // every function's log group (the families', the two scheduled ones, the two Cognito triggers, the deployment of
    // the web pages) and the API's access logs
    expect(findings(shortRetention.guard)).toEqual({
      cloudwatch_log_group_retention_period_check: Object.keys(FUNCTION_FAMILIES).length + 6,
    });
  });
});

describe('what the rules asked for', () => {
  it.each(MODES)('keeps every log group a year by default (%s)', (mode) => {
    const { template } = ready(synthesisOf(mode));
    const groups = Object.values(template.findResources('AWS::Logs::LogGroup'));
    // every function's (the deployment of the web pages' too) and the API's access logs
    expect(groups).toHaveLength(Object.keys(FUNCTION_FAMILIES).length + 4 + (mode === 'Cognito' ? 2 : 0));
    for (const group of groups) expect(group.Properties.RetentionInDays).toBe(365);
  });

  it.each(MODES)('lets every key be granted only for AWS resources or to AWS services (%s)', (mode) => {
    const { template } = ready(synthesisOf(mode));
    const keys = Object.entries(template.findResources('AWS::KMS::Key'));
    // tables, MAC, personal data, topics, dead letters, logs, evidence files
    expect(keys).toHaveLength(7);
    for (const [id, key] of keys)
      expect(
        (key.Properties.KeyPolicy.Statement as Statement[]).filter((s) => s.Effect === 'Deny'),
        id,
      ).toEqual([
        {
          Sid: 'GrantsOnlyForAwsResources',
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Action: 'kms:CreateGrant',
          Resource: '*',
          Condition: {
            BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' },
          },
        },
      ]);
  });

  it.each(MODES)('names this account and a source on every Lambda permission (%s)', (mode) => {
    const { template } = ready(synthesisOf(mode));
    const permissions = Object.values(template.findResources('AWS::Lambda::Permission'));
    // one per route, and in Cognito mode the two triggers'
    expect(permissions.length).toBeGreaterThan(2);
    for (const { Properties } of permissions) {
      expect(Properties.Principal).toMatch(/^(apigateway|cognito-idp)\.amazonaws\.com$/);
      expect(Properties.SourceAccount).toEqual({ Ref: 'AWS::AccountId' });
      expect(Properties.SourceArn).toBeDefined();
    }
  });

  it('lets no SQS queue dead-letter into the dead-letter queue', () => {
    const { stack, template } = ready(cognito);
    const queue = template.toJSON().Resources[
      stack.getLogicalId(stack.schedules.deadLetters.node.defaultChild as CfnElement)
    ] as { Properties: Json };
    expect(queue.Properties.RedriveAllowPolicy).toEqual({ redrivePermission: 'denyAll' });
    expect(queue.Properties.RedrivePolicy).toBeUndefined();
  });
});

describe('log retention from context', () => {
  const configOf = (context: Record<string, unknown>) => readConfig(new App({ context }).node);

  it('is a year by default, and any period CloudWatch Logs offers, as a number or a string', () => {
    expect(configOf({}).logRetentionDays).toBe(365);
    expect(configOf({ logRetentionDays: 731 }).logRetentionDays).toBe(731);
    expect(configOf({ logRetentionDays: ' 3653 ' }).logRetentionDays).toBe(3653);
    expect(configOf({ logRetentionDays: '' }).logRetentionDays).toBe(365);
    expect(LOG_RETENTIONS).toContain(180);
  });

  it('refuses what CloudWatch Logs would refuse, and never-expiring logs', () => {
    for (const bad of [200, '200', 0, -1, 9999, 'a year', true])
      expect(() => configOf({ logRetentionDays: bad }), String(bad)).toThrow(/logRetentionDays/);
  });
});
