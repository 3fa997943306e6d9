import { Duration, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  CorsHttpMethod,
  HttpApi,
  HttpMethod,
  HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { type FunctionFamily, ROUTES, routeKey } from '../../lambdas/http/routes.js';
import { type HandlerFunction, pascal } from './functions.js';

export interface ApiProps {
  readonly functions: ReadonlyMap<FunctionFamily, HandlerFunction>;
  readonly issuer: string;
  readonly audience: readonly string[];
  readonly corsOrigins: readonly string[];
}

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

/** The HTTP API: one route per entry of the route table, the JWT authorizer on exactly the authorized ones. */
export class Api extends Construct {
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;

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

    const accessLogs = new LogGroup(this, 'AccessLogs', { retention: RetentionDays.ONE_YEAR });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      autoDeploy: true,
      throttle: { rateLimit: 50, burstLimit: 100 },
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs), format: ACCESS_LOG_FORMAT },
    });

    const authorizer = new HttpJwtAuthorizer('Jwt', props.issuer, { jwtAudience: [...props.audience] });
    const integrations = new Map<FunctionFamily, HttpLambdaIntegration>();
    for (const [family, handler] of props.functions)
      integrations.set(family, new HttpLambdaIntegration(`${pascal(family)}Integration`, handler.fn));

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
          Validations.of(httpRoute).acknowledge({
            id: 'AwsSolutions-APIG4',
            reason: `${routeKey(route)} is public by design: the route table marks it authorized: false`,
          });
    }
  }
}
