import { CfnOutput, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { FengqiaoConfig } from './config.js';
import { Api } from './constructs/api.js';
import { Data } from './constructs/data.js';
import { Functions } from './constructs/functions.js';
import { Identity } from './constructs/identity.js';

export interface FengqiaoStackProps extends StackProps {
  readonly config: FengqiaoConfig;
}

/** The whole backend of one deployment. Environment-agnostic: the same template serves aws and aws-cn. */
export class FengqiaoStack extends Stack {
  readonly data: Data;
  readonly functions: Functions;
  readonly identity: Identity;
  readonly api: Api;

  constructor(scope: Construct, id: string, props: FengqiaoStackProps) {
    super(scope, id, {
      description: 'Fengqiao: petition and dispute work of a town (HTTP API, Lambda, DynamoDB)',
      ...props,
    });
    const { config } = props;
    Tags.of(this).add('project', 'fengqiao');
    Tags.of(this).add('stage', config.stage);

    const data = new Data(this, 'Data');
    const functions = new Functions(this, 'Functions', { data });
    const identity = new Identity(this, 'Identity', { external: config.identity });
    const api = new Api(this, 'Api', {
      functions: functions.byFamily,
      issuer: identity.issuer,
      audience: identity.audience,
      corsOrigins: config.corsOrigins,
    });
    this.data = data;
    this.functions = functions;
    this.identity = identity;
    this.api = api;

    new CfnOutput(this, 'ApiUrl', { value: api.stage.url });
    new CfnOutput(this, 'TokenIssuer', { value: identity.issuer });
    if (identity.userPool && identity.client) {
      new CfnOutput(this, 'UserPoolId', { value: identity.userPool.userPoolId });
      new CfnOutput(this, 'UserPoolClientId', { value: identity.client.userPoolClientId });
    }
    for (const [model, table] of data.tables)
      new CfnOutput(this, `${model.logicalName}TableName`, { value: table.tableName });
  }
}
