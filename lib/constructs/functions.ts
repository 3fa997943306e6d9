import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AssetStaging, Aws, Duration, Stack, Validations } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { Policy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { Key } from 'aws-cdk-lib/aws-kms';
import {
  Architecture,
  type CfnFunction,
  type DestinationConfig,
  type IDestination,
  Runtime,
} from 'aws-cdk-lib/aws-lambda';
import {
  type Charset,
  type ICommandHooks,
  NodejsFunction,
  OutputFormat,
} from 'aws-cdk-lib/aws-lambda-nodejs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  FAMILY_ACCESS,
  type FunctionAccess,
  type TableAccess,
} from '../../lambdas/adapters/function-access.js';
import { FUNCTION_FAMILIES, type FunctionFamily } from '../../lambdas/adapters/function-families.js';
import type { TableModel } from '../../lambdas/adapters/table-model.js';
import { openApiDocument } from '../../lambdas/openapi/document.js';
import { BUNDLE_AWS_SDK, BUNDLE_CHARSET, ESM_REQUIRE_BANNER } from './bundling.js';
import { type Data, tableEnvName } from './data.js';
import type { Logs } from './logs.js';
import { pascal } from './names.js';
import type { Notifications } from './notifications.js';

const repoPath = (relative: string): string => fileURLToPath(new URL(`../../${relative}`, import.meta.url));

interface HandlerFunctionProps {
  /** The file under `lambdas/handlers/` (without `.ts`) that exports `handler`. */
  readonly handler: string;
  readonly description: string;
  /** Where the function's log group goes (encrypted with the logs key). */
  readonly logs: Logs;
  readonly environment?: Record<string, string>;
  /** Default 10 seconds (API handlers). */
  readonly timeout?: Duration;
  /** Default none (the account's unreserved pool). */
  readonly reservedConcurrentExecutions?: number;
  /**
   * For a function invoked asynchronously (a schedule's): Lambda's own retries, and the queue that receives the event,
   * with the error, once they are spent or the event is too old. Absent: the function is only ever invoked
   * synchronously (API Gateway, Cognito triggers), whose caller gets the error; there is no event to keep.
   */
  readonly asyncInvoke?: {
    readonly retryAttempts: number;
    readonly maxEventAge: Duration;
    /** An SQS queue; when it is encrypted, its key is used through SQS only. */
    readonly onFailure: IQueue;
  };
  /** For a function fed by a queue: where the messages it fails on are kept instead of a function DLQ. */
  readonly queueFailures?: string;
}

/**
 * Lambda's on-failure destination on an SQS queue, granting nothing: `SqsDestination` would grant `grantSendMessages`,
 * whose KMS wildcards (`kms:ReEncrypt*`, `kms:GenerateDataKey*`) the function does not need. HandlerFunction grants
 * the two actions sending takes instead.
 */
class QueueOnFailure implements IDestination {
  constructor(private readonly queue: IQueue) {}

  bind(): DestinationConfig {
    return { destination: this.queue.queueArn };
  }
}

/**
 * IAM role descriptions allow only Latin-1 (CloudFormation rejects the stack otherwise): typographic quotes and dashes
 * become ASCII, anything else outside the set is dropped. The function keeps the description as written.
 */
const iamDescription = (text: string): string =>
  text
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/[\u2013\u2014]/g, '-')
    .replace(/[^\t\n\r\u0020-\u007e\u00a1-\u00ff]/g, '')
    .slice(0, 1000);

/**
 * The public function's `GET /v1/openapi.json` reads `openapi.json` beside its bundle
 * (lambdas/adapters/packaged-document.ts): the document is static, so it is built here, when the function is bundled,
 * rather than by code in the bundle (the document's builder and zod's JSON Schema conversion, some 66 KiB). The asset's
 * hash covers the file, so a changed document redeploys the function.
 *
 * CDK also calls the hooks when it renders the Docker bundling command, in every synth, bundled or not: that call builds
 * nothing (a synth that skips bundling pays nothing), and its command fails, since Docker bundling (used only when the
 * project's esbuild cannot run) would otherwise ship the function without the document.
 */
export const packagedDocumentHooks: ICommandHooks = {
  beforeBundling: () => [],
  beforeInstall: () => [],
  afterBundling: (_inputDir, outputDir) => {
    if (outputDir === AssetStaging.BUNDLING_OUTPUT_DIR)
      return [
        'echo "openapi.json is built by local bundling only: run npm ci for the project\'s esbuild" >&2',
        'exit 1',
      ];
    const dir = mkdtempSync(join(tmpdir(), 'openapi-'));
    const file = join(dir, 'openapi.json');
    writeFileSync(file, JSON.stringify(openApiDocument()));
    return [`cp "${file}" "${outputDir}/openapi.json"`, `rm -rf "${dir}"`];
  },
};

/**
 * A bundled Node.js function with its own role (no managed policies), an encrypted log group and active X-Ray tracing.
 * The role can write to the log group and send trace segments, and nothing else until the caller grants more.
 */
export class HandlerFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly role: Role;
  /** The X-Ray actions, alone in a policy of their own (they take no resource but `*`). */
  readonly tracingPolicy: Policy;

  constructor(scope: Construct, id: string, props: HandlerFunctionProps) {
    super(scope, id);
    const logGroup = props.logs.logGroup(this, 'Logs');
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: iamDescription(props.description),
    });
    this.role.addToPolicy(
      new PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn],
      }),
    );
    const { asyncInvoke } = props;
    this.fn = new NodejsFunction(this, 'Function', {
      entry: repoPath(`lambdas/handlers/${props.handler}.ts`),
      handler: 'handler',
      projectRoot: repoPath(''),
      depsLockFilePath: repoPath('package-lock.json'),
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: 512,
      timeout: props.timeout ?? Duration.seconds(10),
      ...(props.reservedConcurrentExecutions === undefined
        ? {}
        : { reservedConcurrentExecutions: props.reservedConcurrentExecutions }),
      ...(asyncInvoke
        ? {
            retryAttempts: asyncInvoke.retryAttempts,
            maxEventAge: asyncInvoke.maxEventAge,
            onFailure: new QueueOnFailure(asyncInvoke.onFailure),
          }
        : {}),
      role: this.role,
      logGroup,
      environment: {
        POWERTOOLS_SERVICE_NAME: 'fengqiao',
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      bundling: {
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        format: OutputFormat.ESM,
        target: 'node20',
        bundleAwsSDK: BUNDLE_AWS_SDK,
        banner: ESM_REQUIRE_BANNER,
        charset: BUNDLE_CHARSET as Charset,
        forceDockerBundling: false,
        ...(props.handler === 'public' ? { commandHooks: packagedDocumentHooks } : {}),
      },
    });

    // Active tracing, set on the function resource rather than through `tracing: Tracing.ACTIVE`, which would put the
    // X-Ray statement (on `*`) into the role's default policy beside every other grant; here it has a policy of its own
    // and the acknowledgement below covers that policy alone.
    (this.fn.node.defaultChild as CfnFunction).tracingConfig = { mode: 'Active' };
    this.tracingPolicy = new Policy(this, 'TracingPolicy', {
      roles: [this.role],
      statements: [
        new PolicyStatement({
          actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
          resources: ['*'],
        }),
      ],
    });
    this.fn.node.addDependency(this.tracingPolicy);
    Validations.of(this.tracingPolicy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray does not support resource-level permissions: xray:PutTraceSegments and xray:PutTelemetryRecords ' +
        'accept only "*"; this policy holds those two actions and nothing else',
    });

    if (asyncInvoke) this.grantSendTo(asyncInvoke.onFailure);
    Validations.of(this.fn).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason:
        props.queueFailures ??
        (asyncInvoke
          ? "the on-failure destination (the schedules' dead-letter queue) receives every event whose asynchronous " +
            'invocation failed after its retries or expired, with the error and request context a dead-letter queue ' +
            'message lacks; AWS recommends destinations over a function DLQ, and having both would deliver each failure twice'
          : 'invoked synchronously only (API Gateway, or Cognito for a trigger): the caller receives the error and there ' +
            'is no event to keep; a dead-letter queue only ever receives events of asynchronous invocations'),
    });
    const runtimeReason =
      'nodejs22.x is chosen on purpose: the code is built for and tested on Node 20/22 (esbuild target node20, ' +
      'local host and tests on Node 20); nodejs22.x is a supported Lambda runtime';
    Validations.of(this.fn).acknowledge({ id: 'AwsSolutions-L1', reason: runtimeReason });
    Validations.of(this.fn).acknowledge({ id: 'Serverless-LambdaLatestVersion', reason: runtimeReason });
  }

  /** What an on-failure destination on the queue takes: sending to it, and its key through SQS only. */
  private grantSendTo(queue: IQueue): void {
    this.role.addToPolicy(new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [queue.queueArn] }));
    if (queue.encryptionMasterKey)
      this.role.addToPolicy(
        new PolicyStatement({
          actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
          resources: [queue.encryptionMasterKey.keyArn],
          conditions: {
            StringEquals: { 'kms:ViaService': `sqs.${Stack.of(this).region}.${Aws.URL_SUFFIX}` },
          },
        }),
      );
  }

  /**
   * What the function's code uses (lambdas/adapters/function-access.ts), and nothing else: the declared item actions
   * on each table, Query on the indexes it names, the MAC key, the data key and the topics it publishes to.
   */
  grantAccess(access: FunctionAccess, resources: { data: Data; notifications: Notifications }): void {
    const { data, notifications } = resources;
    this.grantTableActions(
      Object.entries(access.tables).map(([name, tableAccess]: [string, TableAccess]) => {
        const found = [...data.tables].find(([model]) => model.logicalName === name);
        if (!found) throw new Error(`${this.node.path}: no table ${name} in the table model`);
        return { model: found[0], table: found[1], access: tableAccess };
      }),
    );
    if (access.mac) this.grantMac(data.macKey);
    if (access.dataKey.length > 0)
      this.role.addToPolicy(
        new PolicyStatement({
          actions: access.dataKey.map((action) => `kms:${action}`),
          resources: [data.dataKey.keyArn],
        }),
      );
    if (access.publishes.length > 0) notifications.grantPublish(this.role, access.publishes);
  }

  /**
   * Exactly the named actions on each table; those confined to a partition-key prefix under `dynamodb:LeadingKeys`;
   * Query on each named index (no `index/*` wildcard); and use of the tables' keys through DynamoDB only.
   */
  grantTableActions(grants: readonly { model: TableModel; table: Table; access: TableAccess }[]): void {
    const dynamodb = (actions: readonly string[]) => actions.map((action) => `dynamodb:${action}`);
    for (const { model, table, access } of grants) {
      if (access.actions?.length)
        this.role.addToPolicy(
          new PolicyStatement({ actions: dynamodb(access.actions), resources: [table.tableArn] }),
        );
      if (access.confined) {
        const overlap = access.confined.actions.filter((action) => access.actions?.includes(action));
        if (overlap.length > 0)
          throw new Error(
            `${this.node.path}: ${overlap.join(', ')} on ${model.logicalName} both confined and not`,
          );
        this.role.addToPolicy(
          new PolicyStatement({
            actions: dynamodb(access.confined.actions),
            resources: [table.tableArn],
            conditions: {
              'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${access.confined.prefix}*`] },
            },
          }),
        );
      }
      // one statement per set of actions, each index by name
      const byActions = new Map<string, string[]>();
      for (const [index, actions] of Object.entries(access.indexes ?? {})) {
        if (!model.indexes.some((known) => known.name === index))
          throw new Error(`${this.node.path}: ${model.logicalName} has no index ${index}`);
        const key = [...actions].sort().join();
        byActions.set(key, [...(byActions.get(key) ?? []), `${table.tableArn}/index/${index}`]);
      }
      for (const [actions, resources] of byActions)
        this.role.addToPolicy(new PolicyStatement({ actions: dynamodb(actions.split(',')), resources }));
    }
    const keys = new Set(grants.flatMap(({ table }) => (table.encryptionKey ? [table.encryptionKey] : [])));
    if (keys.size === 0) return;
    this.role.addToPolicy(
      new PolicyStatement({
        actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey*'],
        resources: [...keys].map((key) => key.keyArn),
        conditions: {
          StringEquals: { 'kms:ViaService': `dynamodb.${Stack.of(this).region}.${Aws.URL_SUFFIX}` },
        },
      }),
    );
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      reason:
        "DynamoDB asks KMS for data keys of the table key on the caller's behalf; the wildcard spans only the " +
        'GenerateDataKey variants, on the table key alone, and only through DynamoDB (kms:ViaService)',
    });
  }

  /** Keyed hashes (timeline chain, blind index) with the HMAC key, and nothing else with it. */
  grantMac(macKey: Key): void {
    this.role.addToPolicy(new PolicyStatement({ actions: ['kms:GenerateMac'], resources: [macKey.keyArn] }));
  }
}

/**
 * What `depsFromEnv` (lambdas/adapters/deps.ts) and `snsPublisherFromEnv` (lambdas/adapters/publisher.ts) read: every
 * table name, the HMAC key, the data key and the topics. A name is not a permission: each function is granted only
 * what it uses (the sweep is told the idempotency table and the data key, and may touch neither).
 */
export const depsEnvironment = (data: Data, notifications: Notifications): Record<string, string> => ({
  ...Object.fromEntries([...data.tables].map(([model, table]) => [tableEnvName(model), table.tableName])),
  MAC_KEY_ID: data.macKey.keyArn,
  DATA_KEY_ID: data.dataKey.keyArn,
  ...notifications.environment,
});

/**
 * Reserved concurrency of the families that need a ceiling of their own. `public` answers unauthenticated calls
 * (tracking by query code, health, the OpenAPI document): whatever reaches it, it cannot take more than this from the
 * account's pool, which the authenticated families share. 10 is the burst the gateway lets through to tracking.
 *
 * Reserved concurrency is taken from the account: Lambda keeps at least 100 executions unreserved, so the stack's total
 * (this and the reports' 1: 11) needs an account concurrency limit of at least 111. The default limit is 1,000; a new
 * account with a lower quota must raise it (Service Quotas) before deploying. Every other family stays in the
 * unreserved pool, throttled by the gateway instead; the sweep's shard workers are capped by their event source (one per
 * shard), which reserves nothing.
 */
export const RESERVED_CONCURRENCY: Partial<Record<FunctionFamily, number>> = { public: 10 };

/** One function per family of the route table, with what `depsFromEnv` (lambdas/adapters/deps.ts) reads. */
export class Functions extends Construct {
  readonly byFamily: ReadonlyMap<FunctionFamily, HandlerFunction>;

  constructor(
    scope: Construct,
    id: string,
    props: { data: Data; notifications: Notifications; logs: Logs; towns: readonly string[] },
  ) {
    super(scope, id);
    const { data, notifications, logs } = props;
    const environment = depsEnvironment(data, notifications);
    const byFamily = new Map<FunctionFamily, HandlerFunction>();
    for (const [family, description] of Object.entries(FUNCTION_FAMILIES) as [FunctionFamily, string][]) {
      const reserved = RESERVED_CONCURRENCY[family];
      const fn = new HandlerFunction(this, pascal(family), {
        handler: family,
        description,
        logs,
        // Open311 serves the deployment's towns as jurisdictions from the start; the public roster names them; the
        // city reads only the towns of its claim that the deployment serves; a case is transferred to one of them
        environment:
          family === 'open311' || family === 'reception' || family === 'city' || family === 'cases'
            ? { ...environment, TOWNS: props.towns.join(',') }
            : environment,
        ...(reserved === undefined ? {} : { reservedConcurrentExecutions: reserved }),
      });
      fn.grantAccess(FAMILY_ACCESS[family], { data, notifications });
      byFamily.set(family, fn);
    }
    this.byFamily = byFamily;
  }
}
