import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Context } from 'aws-lambda';
import type { FunctionFamily } from '../adapters/function-families.js';
import type { ApiEvent, ApiResult } from '../http/api.js';
import { HttpProblem, languageOf, problemResponse } from '../http/problem.js';
import { matchRoute, routeKey } from '../http/routes.js';
import type { FamilyHandler } from './app.js';
import { claimsAsGatewayShapes, type LocalKeys, verifyToken } from './identity.js';

/**
 * The local host: a `node:http` adapter that does what API Gateway's HTTP API does before a function runs (route
 * matching, the JWT authorizer, its own 401/404/413 bodies) and hands the functions version 2.0 events.
 */

/** API Gateway's own payload limit; the functions enforce the contract's smaller one. */
const GATEWAY_MAX_BODY = 10 * 1024 * 1024;

/**
 * The gateway's quota for the request line and headers together. An Authorization header past it is no token the
 * authorizer accepts: 401 with the authorizer's body, never read further.
 */
const GATEWAY_MAX_HEADER_BYTES = 10_240;

/**
 * What node:http itself accepts (its default, 16 KiB, answers a bare 431 before any code of ours runs): well above
 * the gateway's quota, so that the checks above decide.
 */
const NODE_MAX_HEADER_BYTES = 64 * 1024;

const gatewayReply = (res: ServerResponse, status: number, message: string) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ message }));
};

async function readBody(req: IncomingMessage): Promise<Buffer | 'too-large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > GATEWAY_MAX_BODY) return 'too-large';
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function lambdaContext(family: string, requestId: string): Context {
  const deadline = Date.now() + 10_000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: `fengqiao-local-${family}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:local:lambda:local:000000000000:function:fengqiao-local-${family}`,
    memoryLimitInMB: '512',
    awsRequestId: requestId,
    logGroupName: `/local/${family}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

const TEXT_TYPES = /^(application\/(json|problem\+json|x-www-form-urlencoded|xml)|text\/)/;

interface LocalServerOptions {
  handlers: Record<FunctionFamily, FamilyHandler>;
  keys: LocalKeys;
  /** Why the host cannot serve yet (starting, its engine restarting): health answers 503 with it meanwhile. */
  notReady?: () => { zh: string; en: string } | undefined;
  /**
   * What answers the paths that are no route of the API (the web pages, the local sign-in), in order: each handler
   * says whether it answered; the host's 404 when none did.
   */
  pages?: readonly ((req: IncomingMessage, res: ServerResponse) => Promise<boolean>)[];
}

export function createLocalServer(options: LocalServerOptions): Server {
  return createServer({ maxHeaderSize: NODE_MAX_HEADER_BYTES }, async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const method = (req.method ?? 'GET').toUpperCase();
      const match = matchRoute(method, url.pathname);
      if (!match) {
        for (const serve of options.pages ?? []) if (await serve(req, res)) return;
        return gatewayReply(res, 404, 'Not Found');
      }
      const waiting = match.route.path === '/v1/health' ? options.notReady?.() : undefined;
      if (waiting) {
        const problem = new HttpProblem('unavailable', (_m, language) => waiting[language], {
          headers: { 'retry-after': '1' },
        });
        const result = problemResponse(problem, {
          language: languageOf(req.headers['accept-language']),
          instance: url.pathname,
        });
        res.writeHead(result.statusCode ?? 503, result.headers as Record<string, string>);
        return res.end(result.body);
      }
      const body = await readBody(req);
      if (body === 'too-large') return gatewayReply(res, 413, 'Request Entity Too Large');

      const headers: Record<string, string> = {};
      for (const [key, value] of Object.entries(req.headers))
        if (value !== undefined) headers[key.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
      // as API Gateway sets them, whatever the client sent: the scheme here is plain http
      const sourceIp = req.socket.remoteAddress ?? '127.0.0.1';
      headers['x-forwarded-proto'] = 'http';
      headers['x-forwarded-port'] = String(req.socket.localPort ?? '');
      headers['x-forwarded-for'] = sourceIp;

      let claims: Record<string, string> | undefined;
      if (match.route.authorized) {
        if (Buffer.byteLength(headers.authorization ?? '') > GATEWAY_MAX_HEADER_BYTES)
          return gatewayReply(res, 401, 'Unauthorized');
        const bearer = /^Bearer\s+(.+)$/i.exec(headers.authorization ?? '')?.[1];
        const payload = bearer ? await verifyToken(options.keys, bearer.trim()) : undefined;
        if (!payload) return gatewayReply(res, 401, 'Unauthorized');
        claims = claimsAsGatewayShapes(payload);
      }

      const requestId = randomUUID();
      const contentType = headers['content-type'] ?? '';
      const isText = body.length === 0 || TEXT_TYPES.test(contentType);
      const query: Record<string, string> = {};
      for (const [key, value] of url.searchParams)
        query[key] = key in query ? `${query[key]},${value}` : value;
      const key = routeKey(match.route);
      const event = {
        version: '2.0',
        routeKey: key,
        rawPath: url.pathname,
        rawQueryString: url.search.slice(1),
        headers,
        ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
        ...(Object.keys(match.pathParameters).length ? { pathParameters: match.pathParameters } : {}),
        requestContext: {
          accountId: 'local',
          apiId: 'local',
          domainName: headers.host ?? 'localhost',
          domainPrefix: 'localhost',
          http: {
            method,
            path: url.pathname,
            protocol: 'HTTP/1.1',
            sourceIp,
            userAgent: headers['user-agent'] ?? '',
          },
          requestId,
          routeKey: key,
          stage: '$default',
          time: new Date().toUTCString(),
          timeEpoch: Date.now(),
          ...(claims ? { authorizer: { jwt: { claims, scopes: null } } } : {}),
        },
        ...(body.length ? { body: isText ? body.toString('utf8') : body.toString('base64') } : {}),
        isBase64Encoded: body.length > 0 && !isText,
      } as unknown as ApiEvent;

      const result: ApiResult = await options.handlers[match.route.family](
        event,
        lambdaContext(match.route.family, requestId),
      );
      res.writeHead(result.statusCode ?? 200, {
        'apigw-requestid': requestId,
        ...(result.headers as Record<string, string>),
      });
      res.end(result.isBase64Encoded ? Buffer.from(result.body ?? '', 'base64') : (result.body ?? ''));
    } catch {
      // what API Gateway answers when the integration itself fails
      if (!res.headersSent) gatewayReply(res, 500, 'Internal Server Error');
      else res.end();
    }
  });
}
