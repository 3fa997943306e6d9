import { readFileSync } from 'node:fs';
import { App, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../lambdas/http/routes.js';
import { readConfig, stackName } from '../../lib/config.js';
import { addNagChecks } from '../../lib/nag.js';
import { FengqiaoStack } from '../../lib/stack.js';

/**
 * The API's alarms, in one synthesis of the app as lib/app.ts builds it (cdk.json's context, the cdk-nag packs),
 * without bundling: the functions' own count of 5xx answers and the gateway's, both to the operations topic.
 */

const cdkJsonContext = (
  JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
    context: Record<string, unknown>;
  }
).context;

type Json = Record<string, unknown>;

let stack: FengqiaoStack;
let template: Template;
beforeAll(() => {
  const app = new App({ context: { ...cdkJsonContext, 'aws:cdk:bundling-stacks': [] } });
  addNagChecks(app);
  const config = readConfig(app.node);
  stack = new FengqiaoStack(app, stackName(config), { config });
  // throws on any unacknowledged cdk-nag finding
  template = Template.fromJSON(app.synth().getStackByName(stack.stackName).template);
});

const id = (construct: IConstruct): string => stack.getLogicalId(construct.node.defaultChild as CfnElement);
const refOf = (construct: IConstruct) => ({ Ref: id(construct) });
const propertiesOf = (construct: IConstruct): Json => {
  const found = template.toJSON().Resources[id(construct)] as { Properties: Json } | undefined;
  if (!found) throw new Error(`no resource for ${construct.node.path}`);
  return found.Properties;
};

describe('API alarms', () => {
  const common = () => {
    const ops = [refOf(stack.notifications.ops)];
    return {
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
      AlarmActions: ops,
      OKActions: ops,
    };
  };

  it('ServerErrors: the 5xx answers every function family counted, as one metric of the service, to the ops topic', () => {
    // one plain metric, not metric math (at most 10 metrics, and there are more families) nor a Metrics Insights
    // query (not in every partition): lambdas/adapters/metrics.ts writes each count by family and for the service
    expect(new Set(ROUTES.map((route) => route.family)).size).toBeGreaterThan(10);
    expect(propertiesOf(stack.api.serverErrorsAlarm)).toMatchObject({
      ...common(),
      Namespace: 'Fengqiao',
      MetricName: 'ServerErrors',
      Statistic: 'Sum',
      Period: 300,
      Dimensions: [{ Name: 'service', Value: 'fengqiao' }],
    });
  });

  it('the gateway’s 5xx of this HTTP API, to the ops topic', () => {
    expect(propertiesOf(stack.api.gatewayErrorsAlarm)).toMatchObject({
      ...common(),
      Namespace: 'AWS/ApiGateway',
      MetricName: '5xx',
      Statistic: 'Sum',
      Period: 300,
      Dimensions: [{ Name: 'ApiId', Value: refOf(stack.api.httpApi) }],
    });
  });
});
