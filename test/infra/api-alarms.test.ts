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

interface MetricQuery {
  Id: string;
  Expression?: string;
  ReturnData?: boolean;
  MetricStat?: {
    Metric: { Namespace: string; MetricName: string; Dimensions: { Name: string; Value: unknown }[] };
    Period: number;
    Stat: string;
  };
}

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

  it('ServerErrors: the sum over every function family of the 5xx answers they counted, to the ops topic', () => {
    const alarm = propertiesOf(stack.api.serverErrorsAlarm);
    expect(alarm).toMatchObject(common());
    // more families than metric math may read (10): one Metrics Insights query over the family dimension, of the
    // metric as lambdas/adapters/metrics.ts writes it (namespace, name, service and family)
    expect(new Set(ROUTES.map((route) => route.family)).size).toBeGreaterThan(10);
    const queries = alarm.Metrics as MetricQuery[];
    expect(queries).toEqual([
      expect.objectContaining({
        Expression:
          'SELECT SUM(ServerErrors) FROM SCHEMA("Fengqiao", family, service) WHERE service = \'fengqiao\'',
        Period: 300,
      }),
    ]);
    expect(queries.flatMap((q) => (q.MetricStat ? [q.MetricStat] : []))).toEqual([]);
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
