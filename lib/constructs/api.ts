import { Duration, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  type CfnRoute,
  type CfnStage,
  CorsHttpMethod,
  HttpApi,
  HttpMethod,
  type HttpRoute,
  HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { FunctionFamily } from '../../lambdas/adapters/function-families.js';
import { METRIC, METRICS_NAMESPACE, METRICS_SERVICE } from '../../lambdas/adapters/metrics.js';
import { ROUTES, type RouteKey, routeKey } from '../../lambdas/http/routes.js';
import { guardRule } from '../nag.js';
import type { HandlerFunction } from './functions.js';
import type { Logs } from './logs.js';
import { pascal } from './names.js';

interface ApiProps {
  readonly functions: ReadonlyMap<FunctionFamily, HandlerFunction>;
  readonly issuer: string;
  readonly audience: readonly string[];
  readonly corsOrigins: readonly string[];
  /** Where the access log group goes (encrypted with the logs key). */
  readonly logs: Logs;
  /** Where the API's alarms go: the operations topic. */
  readonly alarmTopic: ITopic;
}

/** How long the API's alarms look at a time. */
const ALARM_PERIOD = Duration.minutes(5);

/** Requests per second, and the burst above it, that API Gateway lets through. */
interface Throttle {
  readonly rateLimit: number;
  readonly burstLimit: number;
}

/** Every route not named in ROUTE_THROTTLES. */
export const STAGE_THROTTLE: Throttle = { rateLimit: 50, burstLimit: 100 };

/**
 * Routes throttled below the stage: what anyone may call without a token, and what registers cases. An HTTP API
 * throttles a route for all callers together (per-client limits would need a WAF in front, which an HTTP API cannot
 * have directly): these are ceilings that keep a flood on one route from reaching the functions and the tables, and
 * that slow down guessing, not fair shares.
 */
export const ROUTE_THROTTLES = {
  // tracking by query code: a code is found only by guessing, so a trickle (the function counts failed guesses too)
  'GET /v1/public/track/{queryCode}': { rateLimit: 5, burstLimit: 10 },
  // filing by Open311 client apps: no token at the gateway, the function checks the api_key
  'POST /open311/v2/requests.json': { rateLimit: 10, burstLimit: 20 },
  'POST /open311/v2/requests.xml': { rateLimit: 10, burstLimit: 20 },
  // registration: citizens' online petitions and staff intake
  'POST /v1/public/petitions': { rateLimit: 10, burstLimit: 20 },
  'POST /v1/cases': { rateLimit: 10, burstLimit: 20 },
  // the public reception roster: no token, answered by a function without reserved concurrency of its own
  'GET /v1/public/reception/roster': { rateLimit: 10, burstLimit: 20 },
} as const satisfies Partial<Record<RouteKey, Throttle>>;

/** Fields of the access log: no headers, bodies or claims other than the caller's id. */
const ACCESS_LOG_FORMAT = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    requestTime: '$context.requestTimeEpoch',
    ip: '$context.identity.sourceIp',
    method: '$context.httpMethod',
    routeKey: '$context.routeKey',
    path: '$context.path',
    status: '$context.status',
    responseLength: '$context.responseLength',
    latency: '$context.responseLatency',
    integrationLatency: '$context.integrationLatency',
    integrationError: '$context.integrationErrorMessage',
    authorizerError: '$context.authorizer.error',
    sub: '$context.authorizer.claims.sub',
  }),
);

/**
 * Why each route's invoke permission stands although cfn-guard's CT.LAMBDA.PR.2 flags it: the rule accepts a source
 * only as a literal string or a reference to a resource of the template, and here both are built from the stack's
 * pseudo parameters.
 */
const INVOKE_PERMISSION_REASON =
  'API Gateway invokes the function for this route only: SourceArn is the execute-api ARN of this API, its method and ' +
  'path (which names the account), and SourceAccount is the stack account; an environment-agnostic template builds ' +
  'both with Fn::Join and Ref, which the rule cannot read (a Control Tower hook sees the resolved values)';

/** The HTTP API: one route per entry of the route table, the JWT authorizer on exactly the authorized ones. */
export class Api extends Construct {
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;
  /** The functions' own count of their 5xx answers (lambdas/adapters/metrics.ts), all families together. */
  readonly serverErrorsAlarm: Alarm;
  /** The gateway's count of 5xx answers: with those no function gave (a timeout, a crash, a throttled invocation). */
  readonly gatewayErrorsAlarm: Alarm;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    const methods = [...new Set(ROUTES.map((route) => route.method))];
    this.httpApi = new HttpApi(this, 'HttpApi', {
      description: 'Fengqiao HTTP API',
      createDefaultStage: false,
      ...(props.corsOrigins.length > 0
        ? {
            corsPreflight: {
              allowOrigins: [...props.corsOrigins],
              allowMethods: [...methods.map((method) => CorsHttpMethod[method]), CorsHttpMethod.OPTIONS],
              allowHeaders: [
                'authorization',
                'content-type',
                'accept-language',
                'idempotency-key',
                'if-match',
              ],
              exposeHeaders: ['etag', 'location', 'retry-after'],
              maxAge: Duration.hours(1),
            },
          }
        : {}),
    });

    const accessLogs = props.logs.logGroup(this, 'AccessLogs');
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      autoDeploy: true,
      throttle: STAGE_THROTTLE,
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs), format: ACCESS_LOG_FORMAT },
    });

    const authorizer = new HttpJwtAuthorizer('Jwt', props.issuer, { jwtAudience: [...props.audience] });
    const integrations = new Map<FunctionFamily, HttpLambdaIntegration>();
    for (const [family, handler] of props.functions)
      integrations.set(family, new HttpLambdaIntegration(`${pascal(family)}Integration`, handler.fn));

    const routes = new Map<string, HttpRoute>();
    for (const route of ROUTES) {
      const integration = integrations.get(route.family);
      if (!integration) throw new Error(`no function for family ${route.family} of ${routeKey(route)}`);
      const created = this.httpApi.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration,
        ...(route.authorized ? { authorizer } : {}),
      });
      if (!route.authorized)
        for (const httpRoute of created)
          Validations.of(httpRoute).acknowledge(
            {
              id: 'AwsSolutions-APIG4',
              reason: `${routeKey(route)} is public by design: the route table marks it authorized: false`,
            },
            {
              id: guardRule('api_gw_v2_authorization_type_configured_check'),
              reason:
                `${routeKey(route)} is public by design (the route table marks it authorized: false): its callers ` +
                '(health checks, readers of the OpenAPI document, citizens tracking by query code, Open311 apps, whose ' +
                'api_key the function checks) hold no token of the issuer',
            },
          );
      for (const httpRoute of created) {
        routes.set(routeKey(route), httpRoute);
        Validations.of(httpRoute).acknowledge({
          id: guardRule('lambda_function_public_access_prohibited_check'),
          reason: INVOKE_PERMISSION_REASON,
        });
      }
    }
    this.throttleRoutes(routes);

    const alarmAction = new SnsAction(props.alarmTopic);
    const alarm = (id: string, description: string, metric: Metric): Alarm => {
      const made = new Alarm(this, id, {
        alarmDescription: description,
        metric,
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      made.addAlarmAction(alarmAction);
      made.addOkAction(alarmAction);
      return made;
    };
    this.serverErrorsAlarm = alarm(
      'ServerErrorsAlarm',
      'An API function answered 5xx (a fault of the service, or DynamoDB busy past its retries): see the ERROR and ' +
        'WARN lines of that function’s log group; the metric’s family dimension names the function',
      this.serverErrors(),
    );
    this.gatewayErrorsAlarm = alarm(
      'GatewayServerErrorsAlarm',
      'The HTTP API answered 5xx; without the ServerErrors alarm, no function gave that answer (a timeout, a crash ' +
        'or a throttled invocation): see the access log’s integrationError and the functions’ Errors and Throttles',
      this.httpApi.metricServerError({ period: ALARM_PERIOD, statistic: 'Sum' }),
    );
  }

  /** The 5xx answers the API functions counted, whatever the family (lambdas/adapters/metrics.ts writes both). */
  private serverErrors(): Metric {
    return new Metric({
      namespace: METRICS_NAMESPACE,
      metricName: METRIC.serverErrors,
      dimensionsMap: { service: METRICS_SERVICE },
      statistic: 'Sum',
      period: ALARM_PERIOD,
    });
  }

  /**
   * ROUTE_THROTTLES as the stage's route settings. The stage is made to wait for those routes: API Gateway refuses
   * settings for a route key that does not exist yet.
   */
  private throttleRoutes(routes: ReadonlyMap<string, HttpRoute>): void {
    const stage = this.stage.node.defaultChild as CfnStage;
    const settings: Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }> = {};
    for (const [key, throttle] of Object.entries(ROUTE_THROTTLES)) {
      const route = routes.get(key);
      if (!route) throw new Error(`ROUTE_THROTTLES names ${key}, which is no route of the route table`);
      if (throttle.rateLimit > STAGE_THROTTLE.rateLimit || throttle.burstLimit > STAGE_THROTTLE.burstLimit)
        throw new Error(`ROUTE_THROTTLES lets more through ${key} than the stage does`);
      settings[key] = { ThrottlingRateLimit: throttle.rateLimit, ThrottlingBurstLimit: throttle.burstLimit };
      stage.addResourceDependency(route.node.defaultChild as CfnRoute);
    }
    stage.routeSettings = settings;
  }
}
