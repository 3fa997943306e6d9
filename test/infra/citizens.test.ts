import { readFileSync } from 'node:fs';
import {
  AdminAddUserToGroupCommand,
  AdminUpdateUserAttributesCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { App, AssetStaging, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import type { PostConfirmationTriggerEvent } from 'aws-lambda';
import type { IConstruct } from 'constructs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createPostConfirmationHandler,
  handler,
  type PostConfirmationCommand,
} from '../../lambdas/handlers/post-confirmation.js';
import { DEFAULT_TOWN, readConfig, stackName } from '../../lib/config.js';
import { addNagChecks } from '../../lib/nag.js';
import { FengqiaoStack } from '../../lib/stack.js';

/**
 * Citizen sign-up in Cognito mode: self sign-up, and a post-confirmation trigger that makes the new user a petitioner
 * of the default town and nothing else. One synthesis (cdk-nag on, bundled); the external-issuer mode and the default
 * town are read from construct trees without synthesis.
 */

const HOOK_TIMEOUT = 180_000;
const TOWN = 'qingshan-town';

const cdkJsonContext = (
  JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
    context: Record<string, unknown>;
  }
).context;

type Json = Record<string, unknown>;
interface Statement {
  Effect?: string;
  Action?: string | string[];
  Resource?: unknown;
}

const logicalId = (stack: FengqiaoStack, construct: IConstruct): string =>
  stack.getLogicalId(construct.node.defaultChild as CfnElement);
const actionsOf = (statement: Statement): string[] =>
  statement.Action === undefined ? [] : ([] as string[]).concat(statement.Action);

/** The app as lib/app.ts builds it, without synthesis. */
function buildStack(context: Record<string, unknown>): FengqiaoStack {
  const app = new App({ context: { ...cdkJsonContext, 'aws:cdk:bundling-stacks': [], ...context } });
  const config = readConfig(app.node);
  return new FengqiaoStack(app, stackName(config), { config });
}

/** Every resource a resource names (Ref, Fn::GetAtt, DependsOn), for a cycle search. */
function references(value: unknown, into: Set<string>): Set<string> {
  if (Array.isArray(value)) for (const item of value) references(item, into);
  else if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'Ref' && typeof inner === 'string') into.add(inner);
      else if (key === 'Fn::GetAtt' && Array.isArray(inner) && typeof inner[0] === 'string')
        into.add(inner[0]);
      else if (key === 'Fn::GetAtt' && typeof inner === 'string') into.add(inner.split('.')[0] ?? '');
      else references(inner, into);
    }
  }
  return into;
}

/** A dependency cycle among the template's resources, as the ids along it, or undefined. */
function findCycle(resources: Record<string, Json>): string[] | undefined {
  const edges = new Map<string, string[]>();
  for (const [id, resource] of Object.entries(resources)) {
    const named = references(resource.Properties ?? {}, new Set());
    for (const dependency of ([] as string[]).concat((resource.DependsOn as string[] | string) ?? []))
      named.add(dependency);
    edges.set(
      id,
      [...named].filter((target) => target in resources),
    );
  }
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (id: string): string[] | undefined => {
    if (state.get(id) === 'done') return undefined;
    if (state.get(id) === 'open') return [...path.slice(path.indexOf(id)), id];
    state.set(id, 'open');
    path.push(id);
    for (const next of edges.get(id) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const id of edges.keys()) {
    const cycle = visit(id);
    if (cycle) return cycle;
  }
  return undefined;
}

let stack: FengqiaoStack;
let template: Template;
let synthError: unknown;

beforeAll(() => {
  const app = new App({ context: { ...cdkJsonContext, defaultTown: TOWN } });
  addNagChecks(app);
  const config = readConfig(app.node);
  stack = new FengqiaoStack(app, stackName(config), { config });
  try {
    template = Template.fromJSON(app.synth().getStackByName(stack.stackName).template);
  } catch (error) {
    synthError = error;
  }
}, HOOK_TIMEOUT);

const trigger = () => {
  const found = stack.identity.node.tryFindChild('PostConfirmation');
  if (!found) throw new Error('no post-confirmation trigger');
  return found as IConstruct & { fn: IConstruct; role: IConstruct };
};

describe('citizen sign-up in the Cognito user pool', () => {
  it('synthesizes with cdk-nag and no dependency cycle between the pool and its trigger', () => {
    expect(synthError).toBeUndefined();
    const resources = template.toJSON().Resources as Record<string, Json>;
    expect(findCycle(resources)).toBeUndefined();
    // the check is live: the pool names the trigger, so a grant naming the pool inside the function's role would close it
    const poolId = logicalId(stack, stack.identity.userPool!);
    const roleId = logicalId(stack, trigger().role);
    const closed = structuredClone(resources);
    (closed[roleId] as { Properties: Json }).Properties.Tag = { Ref: poolId };
    expect(findCycle(closed)).toEqual(expect.arrayContaining([poolId, roleId]));
  });

  it('lets citizens sign up on their own, but never write their town through the client', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: false },
    });
    const clients = Object.values(template.findResources('AWS::Cognito::UserPoolClient'));
    expect(clients).toHaveLength(1);
    expect(clients[0]?.Properties.WriteAttributes).not.toContain('custom:town');
    expect(clients[0]?.Properties.ReadAttributes).toContain('custom:town');
  });

  it('runs the post-confirmation trigger, invocable by this pool only', () => {
    const fnId = logicalId(stack, trigger().fn);
    const poolId = logicalId(stack, stack.identity.userPool!);
    const pool = Object.values(template.findResources('AWS::Cognito::UserPool'))[0]?.Properties as Json;
    expect((pool.LambdaConfig as Json).PostConfirmation).toEqual({ 'Fn::GetAtt': [fnId, 'Arn'] });
    const permissions = Object.values(template.findResources('AWS::Lambda::Permission')).filter(
      (p) => JSON.stringify(p.Properties.FunctionName) === JSON.stringify({ 'Fn::GetAtt': [fnId, 'Arn'] }),
    );
    expect(permissions).toHaveLength(1);
    expect(permissions[0]?.Properties).toMatchObject({
      Action: 'lambda:InvokeFunction',
      Principal: 'cognito-idp.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': [poolId, 'Arn'] },
    });
  });

  it('tells the trigger the default town from context', () => {
    const fn = template.toJSON().Resources[logicalId(stack, trigger().fn)].Properties as Json;
    expect((fn.Environment as { Variables: Json }).Variables).toMatchObject({ DEFAULT_TOWN: TOWN });
    expect(fn).toMatchObject({ Runtime: 'nodejs22.x', Handler: 'index.handler' });
  });

  it('grants the trigger exactly AdminAddUserToGroup and AdminUpdateUserAttributes on this pool, and nobody else any', () => {
    const poolArn = { 'Fn::GetAtt': [logicalId(stack, stack.identity.userPool!), 'Arn'] };
    const roleId = logicalId(stack, trigger().role);
    const byRole = new Map<string, Statement[]>();
    for (const policy of Object.values(template.findResources('AWS::IAM::Policy')))
      for (const role of policy.Properties.Roles as { Ref: string }[])
        byRole.set(role.Ref, [
          ...(byRole.get(role.Ref) ?? []),
          ...(policy.Properties.PolicyDocument.Statement as Statement[]),
        ]);
    const cognito = (statements: Statement[]) =>
      statements.filter((s) => actionsOf(s).some((a) => a.startsWith('cognito-idp:') || a === '*'));
    const mine = byRole.get(roleId) ?? [];
    expect(cognito(mine)).toEqual([
      {
        Effect: 'Allow',
        Action: ['cognito-idp:AdminAddUserToGroup', 'cognito-idp:AdminUpdateUserAttributes'],
        Resource: poolArn,
      },
    ]);
    // besides its logs and its traces, nothing else
    expect(mine.flatMap(actionsOf).sort()).toEqual(
      [
        'cognito-idp:AdminAddUserToGroup',
        'cognito-idp:AdminUpdateUserAttributes',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'xray:PutTelemetryRecords',
        'xray:PutTraceSegments',
      ].sort(),
    );
    for (const [role, statements] of byRole)
      if (role !== roleId) expect(cognito(statements), role).toEqual([]);
    const inlineOnRoles = Object.values(template.findResources('AWS::IAM::Role')).flatMap(
      (role) => (role.Properties.Policies ?? []) as unknown[],
    );
    expect(JSON.stringify(inlineOnRoles)).not.toContain('cognito-idp:');
    template.resourceCountIs('AWS::IAM::ManagedPolicy', 0);
  });

  it('bundles the trigger as ESM, with the SDK inside (lib/constructs/bundling.ts)', () => {
    const staging = (trigger().fn as IConstruct).node.findChild('Code').node.findChild('Stage');
    if (!(staging instanceof AssetStaging)) throw new Error('no staged asset');
    const code = readFileSync(`${staging.absoluteStagedPath}/index.mjs`, 'utf8');
    expect(code.startsWith("import { createRequire } from 'module';")).toBe(true);
    expect(/from\s*["']@aws-sdk\//.test(code)).toBe(false);
    expect(code.includes('AWSCognitoIdentityProviderService')).toBe(true);
  });
});

describe('the default town and the external issuer (construct trees, no synthesis)', () => {
  const environmentOf = (built: FengqiaoStack): Json => {
    const fn = built.identity.node.findChild('PostConfirmation').node.findChild('Function');
    const cfn = fn.node.defaultChild as CfnFunction;
    return (built.resolve(cfn.environment) as { variables: Json }).variables;
  };

  it('defaults to demo-town', () => {
    expect(DEFAULT_TOWN).toBe('demo-town');
    expect(environmentOf(buildStack({}))).toMatchObject({ DEFAULT_TOWN: 'demo-town' });
    expect(environmentOf(buildStack({ defaultTown: ' town-7 ' }))).toMatchObject({ DEFAULT_TOWN: 'town-7' });
  });

  it('refuses a default town that custom:town could not hold', () => {
    for (const bad of ['a'.repeat(65), 'two words', '-lead', 'town/a'])
      expect(() => buildStack({ defaultTown: bad }), bad).toThrow(/defaultTown/);
  });

  it('makes no pool and no trigger with an external issuer (its own claim mapping grants petitioner)', () => {
    const external = buildStack({
      identityIssuer: 'https://idp.example.gov.cn/realms/town',
      identityAudience: 'fengqiao',
    });
    expect(external.identity.userPool).toBeUndefined();
    expect(external.identity.node.tryFindChild('PostConfirmation')).toBeUndefined();
    const environments = external.node
      .findAll()
      .filter((c) => c.node.id === 'Function')
      .map((c) =>
        JSON.stringify(external.resolve((c.node.defaultChild as CfnFunction | undefined)?.environment)),
      );
    expect(environments.length).toBeGreaterThan(0);
    for (const environment of environments) expect(environment).not.toContain('DEFAULT_TOWN');
  });
});

// ---------------------------------------------------------------------------------------------------------------
// The trigger's code, with a recording `send` in place of the SDK client.

const signUpEvent = (
  overrides: {
    triggerSource?: PostConfirmationTriggerEvent['triggerSource'];
    userAttributes?: Record<string, string>;
    clientMetadata?: Record<string, string>;
  } = {},
): PostConfirmationTriggerEvent => ({
  version: '1',
  region: 'ap-east-1',
  userPoolId: 'ap-east-1_Pool',
  userName: 'citizen-zhang',
  callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: 'client' },
  triggerSource: overrides.triggerSource ?? 'PostConfirmation_ConfirmSignUp',
  request: {
    userAttributes: overrides.userAttributes ?? { sub: 'u-1', email: 'zhang@example.cn' },
    ...(overrides.clientMetadata ? { clientMetadata: overrides.clientMetadata } : {}),
  },
  response: {},
});

/** What the handler sent, as plain data. */
function recorder(fail?: (command: PostConfirmationCommand) => boolean) {
  const sent: { command: string; input: Json }[] = [];
  const send = async (command: PostConfirmationCommand) => {
    if (fail?.(command)) throw new Error('Cognito said no');
    sent.push({ command: command.constructor.name, input: { ...command.input } as Json });
    return {};
  };
  return { sent, send };
}

const EXPECTED = (town: string, username = 'citizen-zhang', pool = 'ap-east-1_Pool') => [
  {
    command: 'AdminUpdateUserAttributesCommand',
    input: { UserPoolId: pool, Username: username, UserAttributes: [{ Name: 'custom:town', Value: town }] },
  },
  {
    command: 'AdminAddUserToGroupCommand',
    input: { UserPoolId: pool, Username: username, GroupName: 'petitioner' },
  },
];

describe('the post-confirmation trigger', () => {
  it('sets the default town and adds the petitioner group, nothing else', async () => {
    const { sent, send } = recorder();
    const event = signUpEvent();
    const result = await createPostConfirmationHandler({ send, defaultTown: TOWN })(event);
    expect(result).toEqual(signUpEvent());
    expect(sent).toEqual(EXPECTED(TOWN));
  });

  it('ignores a town the user declared and a group they asked for', async () => {
    const { sent, send } = recorder();
    await createPostConfirmationHandler({ send, defaultTown: TOWN })(
      signUpEvent({
        userAttributes: {
          sub: 'u-2',
          'custom:town': 'town-b',
          'cognito:groups': 'admin',
          'custom:role': 'supervisor',
        },
        clientMetadata: { group: 'admin', groups: 'clerk,leader', town: 'town-b', role: 'supervisor' },
      }),
    );
    expect(sent).toEqual(EXPECTED(TOWN));
  });

  it('whatever attributes and metadata arrive, only petitioner is ever added, and only the default town set', async () => {
    const text = fc.string({ maxLength: 20 });
    const roleish = fc.constantFrom(
      'admin',
      'clerk',
      'leader',
      'supervisor',
      'handler',
      'grid_worker',
      'petitioner',
    );
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(
          fc.oneof(text, fc.constantFrom('custom:town', 'cognito:groups', 'custom:role')),
          fc.oneof(text, roleish),
        ),
        fc.option(fc.dictionary(text, fc.oneof(text, roleish)), { nil: undefined }),
        fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/),
        async (userAttributes, clientMetadata, userName) => {
          const { sent, send } = recorder();
          const event = {
            ...signUpEvent({ userAttributes, ...(clientMetadata ? { clientMetadata } : {}) }),
            userName,
          };
          await createPostConfirmationHandler({ send, defaultTown: TOWN })(event);
          expect(sent).toEqual(EXPECTED(TOWN, userName));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('touches nobody after a forgotten password is reset', async () => {
    const { sent, send } = recorder();
    const event = signUpEvent({
      triggerSource: 'PostConfirmation_ConfirmForgotPassword',
      userAttributes: { sub: 'staff-1', 'custom:town': 'town-a' },
    });
    expect(await createPostConfirmationHandler({ send, defaultTown: TOWN })(event)).toBe(event);
    expect(sent).toEqual([]);
  });

  it('fails the confirmation when the town cannot be set, and then adds no group', async () => {
    const { sent, send } = recorder((command) => command instanceof AdminUpdateUserAttributesCommand);
    await expect(createPostConfirmationHandler({ send, defaultTown: TOWN })(signUpEvent())).rejects.toThrow(
      /Cognito said no/,
    );
    expect(sent).toEqual([]);
    const second = recorder((command) => command instanceof AdminAddUserToGroupCommand);
    await expect(
      createPostConfirmationHandler({ send: second.send, defaultTown: TOWN })(signUpEvent()),
    ).rejects.toThrow(/Cognito said no/);
    expect(second.sent.map((s) => s.command)).toEqual(['AdminUpdateUserAttributesCommand']);
  });

  it('refuses to run without a town', async () => {
    expect(() => createPostConfirmationHandler({ send: async () => ({}), defaultTown: ' ' })).toThrow(/town/);
    const saved = process.env.DEFAULT_TOWN;
    delete process.env.DEFAULT_TOWN;
    try {
      await expect(handler(signUpEvent())).rejects.toThrow(/DEFAULT_TOWN/);
    } finally {
      if (saved !== undefined) process.env.DEFAULT_TOWN = saved;
    }
  });
});
