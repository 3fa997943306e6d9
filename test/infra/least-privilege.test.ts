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
import { FUNCTION_FAMILIES, type FunctionFamily } from '../../lambdas/adapters/function-families.js';
import { readConfig, stackName } from '../../lib/config.js';
import type { HandlerFunction } from '../../lib/constructs/functions.js';
import { addNagChecks } from '../../lib/nag.js';
import { FengqiaoStack } from '../../lib/stack.js';
import type { Caller } from '../support/access-recorder.js';
import {
  DATA_KEY,
  declaredPermissions,
  EVIDENCE_BUCKET,
  EVIDENCE_OBJECTS,
  grantedOn,
  grantedPermissions,
  MAC_KEY,
  roleStatements,
  topicResource,
} from '../support/iam.js';

/**
 * The stack grants each function exactly what its declaration (lambdas/adapters/function-access.ts) says: the same
 * actions on the same tables, indexes, keys and topics, with the same conditions, and nothing else on any of them.
 * test/integration/least-privilege.test.ts checks the declarations against what the code sends.
 */

const cdkJsonContext = (
  JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
    context: Record<string, unknown>;
  }
).context;

const ACCESS: Record<Caller, FunctionAccess> = { ...FAMILY_ACCESS, ...SCHEDULED_ACCESS };

let stack: FengqiaoStack;
let template: Template;

beforeAll(() => {
  // as lib/app.ts builds it, cdk-nag on (synthesis throws on an unacknowledged finding); no bundling
  const app = new App({ context: { ...cdkJsonContext, 'aws:cdk:bundling-stacks': [] } });
  addNagChecks(app);
  const config = readConfig(app.node);
  stack = new FengqiaoStack(app, stackName(config), { config });
  template = Template.fromJSON(app.synth().getStackByName(stack.stackName).template);
});

const id = (construct: IConstruct): string => stack.getLogicalId(construct.node.defaultChild as CfnElement);
const arnOf = (construct: IConstruct) => ({ 'Fn::GetAtt': [id(construct), 'Arn'] });

function functionOf(caller: Caller): HandlerFunction {
  const fn =
    caller === 'sweep'
      ? stack.schedules.sweep
      : caller === 'townWork'
        ? stack.townWork.handler
        : stack.functions.byFamily.get(caller);
  if (!fn) throw new Error(`no function for ${caller}`);
  return fn;
}

/** The names of the resources a declaration speaks of, as the template writes their ARNs. */
function resourceNames(): (resource: unknown) => string | undefined {
  const names = new Map<string, string>();
  const name = (arn: unknown, as: string) => names.set(JSON.stringify(arn), as);
  for (const [model, table] of stack.data.tables) {
    name(arnOf(table), model.logicalName);
    for (const index of model.indexes)
      name(
        { 'Fn::Join': ['', [arnOf(table), `/index/${index.name}`]] },
        `${model.logicalName}/index/${index.name}`,
      );
  }
  name(arnOf(stack.data.macKey), MAC_KEY);
  name(arnOf(stack.data.dataKey), DATA_KEY);
  name(arnOf(stack.evidence.bucket), EVIDENCE_BUCKET);
  name({ 'Fn::Join': ['', [arnOf(stack.evidence.bucket), '/*']] }, EVIDENCE_OBJECTS);
  for (const [topic, sns] of stack.notifications.topics) name({ Ref: id(sns) }, topicResource(topic));
  name({ Ref: id(stack.notifications.ops) }, topicResource('ops'));
  return (resource) => names.get(JSON.stringify(resource));
}

const CALLERS = Object.keys(ACCESS) as Caller[];

describe('every function’s role', () => {
  it('is one of the declared functions: each family of the route table and the two scheduled ones', () => {
    expect(Object.keys(FAMILY_ACCESS).sort()).toEqual(Object.keys(FUNCTION_FAMILIES).sort());
    expect(CALLERS).toHaveLength(Object.keys(FUNCTION_FAMILIES).length + 2);
  });

  it.each(CALLERS)('grants %s exactly its declaration', (caller) => {
    const statements = roleStatements(template, id(functionOf(caller).role));
    expect(grantedPermissions(statements, resourceNames())).toEqual(declaredPermissions(ACCESS[caller]));
  });

  it.each(CALLERS)(
    'lets %s use the table key through DynamoDB only, and only with tables to use',
    (caller) => {
      const statements = roleStatements(template, id(functionOf(caller).role));
      const onTableKey = statements.filter(
        (statement) => JSON.stringify(statement.Resource) === JSON.stringify(arnOf(stack.data.key)),
      );
      expect(onTableKey).toHaveLength(Object.keys(ACCESS[caller].tables).length > 0 ? 1 : 0);
      for (const statement of onTableKey) {
        expect(grantedOn([statement])(arnOf(stack.data.key))).toEqual([
          'kms:Decrypt',
          'kms:Encrypt',
          'kms:GenerateDataKey*',
        ]);
        expect(statement.Condition).toHaveProperty(['StringEquals', 'kms:ViaService']);
      }
    },
  );
});

describe('the evidence key', () => {
  it.each(CALLERS)(
    'lets %s encrypt a put and decrypt a get through S3 only, and only if it does either',
    (caller) => {
      const statements = roleStatements(template, id(functionOf(caller).role)).filter(
        (statement) => JSON.stringify(statement.Resource) === JSON.stringify(arnOf(stack.evidence.key)),
      );
      const declared = ACCESS[caller].evidence ?? [];
      const expected = [
        ...(declared.includes('GetObject') ? ['kms:Decrypt'] : []),
        ...(declared.includes('PutObject') ? ['kms:GenerateDataKey'] : []),
      ];
      expect(grantedOn(statements)(arnOf(stack.evidence.key)) ?? []).toEqual(expected);
      for (const statement of statements)
        expect(statement.Condition).toEqual({
          StringEquals: {
            'kms:ViaService': {
              'Fn::Join': ['', ['s3.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }]],
            },
          },
        });
    },
  );
});

describe('the public function', () => {
  const publicStatements = () => roleStatements(template, id(functionOf('public').role));

  it('reads cases and writes nothing but items whose partition key begins with RATE#', () => {
    expect(grantedPermissions(publicStatements(), resourceNames())).toEqual([
      'dynamodb:GetItem Cases',
      'dynamodb:Query Cases',
      'dynamodb:UpdateItem Cases (RATE#*)',
      `kms:GenerateMac ${MAC_KEY}`,
    ]);
    const update = publicStatements().find((s) =>
      ([] as string[]).concat(s.Action ?? []).includes('dynamodb:UpdateItem'),
    );
    expect(update?.Condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['RATE#*'] } });
  });

  it('has no grant on the idempotency or grids tables, any index, the data key or a topic', () => {
    const names = resourceNames();
    const touched = publicStatements()
      .flatMap((statement) => ([] as unknown[]).concat(statement.Resource ?? []))
      .map(names)
      .filter((name) => name !== undefined);
    expect(new Set(touched)).toEqual(new Set(['Cases', MAC_KEY]));
  });
});

describe('the city function', () => {
  const cityStatements = () => roleStatements(template, id(functionOf('city').role));

  it('reads the Cases table and writes only what a supervision writes: the case updated, its event and notices put', () => {
    const granted = grantedPermissions(cityStatements(), resourceNames());
    const onCases = granted.filter((p) => / Cases(\/| |$)/.test(p) || p.endsWith(' Cases'));
    expect(onCases.filter((p) => p.endsWith(' Cases')).sort()).toEqual([
      'dynamodb:BatchGetItem Cases',
      'dynamodb:GetItem Cases',
      'dynamodb:PutItem Cases',
      'dynamodb:Query Cases',
      'dynamodb:UpdateItem Cases',
    ]);
    // no delete of any case item, no data key (nothing clear is ever read), no topic
    expect(granted.some((p) => p.startsWith('dynamodb:DeleteItem Cases'))).toBe(false);
    expect(granted.some((p) => p.includes(DATA_KEY))).toBe(false);
    expect(granted.some((p) => p.startsWith('sns:'))).toBe(false);
    // the Grids table is read only: settings and the staff directory
    expect(granted.filter((p) => p.endsWith(' Grids')).sort()).toEqual([
      'dynamodb:GetItem Grids',
      'dynamodb:Query Grids',
    ]);
  });

  it('is told the deployment’s towns, so a claim naming another reads nothing', () => {
    const fn = template.toJSON().Resources[id(functionOf('city').fn)].Properties as {
      Environment: { Variables: Record<string, unknown> };
    };
    expect(fn.Environment.Variables).toHaveProperty('TOWNS');
  });
});

describe('the topic key', () => {
  it('lets exactly the publishing functions use it, through SNS', () => {
    const key = template.toJSON().Resources[id(stack.notifications.key)].Properties.KeyPolicy as {
      Statement: { Sid?: string; Principal?: { AWS?: unknown[] } }[];
    };
    const publishers = key.Statement.find((s) => s.Sid === 'PublishersThroughSns')?.Principal?.AWS ?? [];
    const declared = CALLERS.filter((caller) => ACCESS[caller].publishes.length > 0).map((caller) =>
      arnOf(functionOf(caller).role),
    );
    expect(publishers).toEqual(expect.arrayContaining(declared));
    expect(publishers).toHaveLength(declared.length);
    // no API function publishes: they write messages to the outbox, which the scheduled functions publish
    const families = Object.keys(FAMILY_ACCESS) as FunctionFamily[];
    expect(families.filter((family) => FAMILY_ACCESS[family].publishes.length > 0)).toEqual([]);
  });
});
