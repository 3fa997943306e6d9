import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { AnyPrincipal, Effect, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/**
 * The alias of one of the stack's keys: `alias/<stack name>/<purpose>`. CloudTrail records a key's use by its ARN; the
 * alias (and the key's description) tell a reader of the trail which key of which deployment that ARN is, and the stack
 * name keeps two stages in one account apart.
 */
export const keyAlias = (scope: Construct, purpose: string): string =>
  `alias/${Stack.of(scope).stackName}/${purpose}`;

/**
 * Grants on the key only for AWS resources or to AWS services (Control Tower CT.KMS.PR.3): a grant is a permission that
 * no policy shows, so nobody, however broad their IAM rights, may hand one to a principal of their choosing. DynamoDB's
 * grants for the tables it encrypts are made for an AWS resource and keep working; nothing else here uses grants.
 */
export function limitGrantsToAwsServices(key: Key): void {
  key.addToResourcePolicy(
    new PolicyStatement({
      sid: 'GrantsOnlyForAwsResources',
      effect: Effect.DENY,
      principals: [new AnyPrincipal()],
      actions: ['kms:CreateGrant'],
      // in a key policy `*` is this key
      resources: ['*'],
      conditions: {
        BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' },
      },
    }),
  );
}

/**
 * Where the functions and the API write their logs: log groups encrypted with one customer-managed key, which only
 * CloudWatch Logs of this account and region may use, and only for log groups (the `aws:logs:arn` encryption context).
 * The logs hold case ids, caller ids and errors, so they are kept under a key the account controls and can audit.
 */
export class Logs extends Construct {
  readonly key: Key;
  /** How long every log group made here keeps its events (context `logRetentionDays`). */
  readonly retention: RetentionDays;

  constructor(scope: Construct, id: string, props: { retention: RetentionDays }) {
    super(scope, id);
    this.retention = props.retention;
    const stack = Stack.of(this);
    this.key = new Key(this, 'Key', {
      description: 'Encrypts the Fengqiao log groups (function logs and API access logs)',
      alias: keyAlias(this, 'logs'),
      enableKeyRotation: true,
      // log groups outlive the stack (CloudFormation keeps them), and their data is unreadable without the key
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // CloudWatch Logs encrypts and decrypts as its regional service principal (the same name in aws and aws-cn)
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchLogsOfThisAccount',
        principals: [new ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        // in a key policy `*` is this key
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': stack.formatArn({
              service: 'logs',
              resource: 'log-group',
              resourceName: '*',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
  }

  /** A log group encrypted with the key, kept for the deployment's retention. */
  logGroup(scope: Construct, id: string): LogGroup {
    return new LogGroup(scope, id, { retention: this.retention, encryptionKey: this.key });
  }
}
