import { CaseRepository } from '../adapters/case-repository.js';
import { CounterRepository } from '../adapters/counter-repository.js';
import { type Deps, depsFromEnv } from '../adapters/deps.js';
import { GridRepository } from '../adapters/grid-repository.js';
import { MinuteLimiter } from '../adapters/minute-limiter.js';
import { NotificationRepository } from '../adapters/notification-repository.js';
import { logger } from '../adapters/observability.js';
import { type Open311Pair, Open311Repository } from '../adapters/open311-repository.js';
import { townSettings } from '../adapters/settings-repository.js';
import type { Principal } from '../domain/roles.js';
import {
  type ApiRequest,
  type ApiResponse,
  createApiHandler,
  lazyHandler,
  type RouteDefinition,
} from '../http/api.js';
import { HttpProblem } from '../http/problem.js';
import { translateServiceError } from '../http/service-errors.js';
import {
  badRequest,
  errorResponse,
  type Format,
  forbidden,
  notFound,
  Open311Error,
  render,
  splitFormat,
  tooMany,
} from '../open311/format.js';
import { findApiKey } from '../open311/keys.js';
import { FILINGS_PER_KEY_PER_MINUTE } from '../open311/limits.js';
import {
  CASE_ID,
  formField,
  MAX_REQUESTS,
  matchesStatus,
  parseRequestsQuery,
  parseServiceRequest,
  readForm,
  requestView,
  serviceNotice,
} from '../open311/requests.js';
import { discovery, SERVICE_CODES, serviceDefinition, serviceList, serviceOf } from '../open311/services.js';
import { countedRegistrationWrites } from '../usecases/case-writes.js';
import { lookUpQueryCode } from '../usecases/query-code.js';
import { prepareRegistration, registrationDepsOf } from '../usecases/register-case.js';
import { townsFrom } from '../usecases/reports.js';

/**
 * Open311 GeoReport v2 for client apps: the public services, filing a request with an `api_key`, and following
 * requests by id, by filters or by token. No gateway authorizer guards these routes; errors take the specification's
 * shape, in the format the path asks for (XML when it names none).
 */

const JURISDICTION = /^[\w.-]{1,64}$/;

/** Errors in the specification's shape; a fault of the service is logged and says nothing of its cause. */
function failure(error: unknown, format: Format, request: ApiRequest): ApiResponse {
  if (error instanceof Open311Error) return errorResponse(format, error);
  const translated = translateServiceError(error);
  // only the route goes to the log: the request carries keys and personal data
  const route = request.event.routeKey;
  if (translated instanceof HttpProblem && translated.status === 503) {
    logger.warn('transient failure', { route, cause: (error as Error).name });
    return errorResponse(
      format,
      new Open311Error(
        503,
        [{ code: 503, description: 'The service is busy; try again shortly' }],
        translated.options.headers,
      ),
    );
  }
  logger.error('unhandled error', { route, error: error as Error });
  return errorResponse(format, new Open311Error(500, [{ code: 500, description: 'Internal error' }]));
}

const route = (format: Format, handle: (request: ApiRequest) => Promise<ApiResponse>): RouteDefinition => ({
  authorized: false,
  async handle(request) {
    try {
      return await handle(request);
    } catch (error) {
      return failure(error, format, request);
    }
  },
});

/** A route whose last path segment carries the format: `services/neighbor.xml`. */
const suffixRoute = (
  param: string,
  handle: (request: ApiRequest, name: string, format: Format) => Promise<ApiResponse>,
): RouteDefinition => ({
  authorized: false,
  async handle(request) {
    const split = splitFormat(request.params[param] ?? '');
    try {
      if (!split) throw notFound('Not found: the path must end in .xml or .json');
      return await handle(request, split.name, split.format);
    } catch (error) {
      return failure(error, split?.format ?? 'xml', request);
    }
  },
});

/**
 * This deployment's address as its caller reached it: the scheme API Gateway forwards (the local host forwards http),
 * the domain name, and the stage when it is a named one (a `$default` stage has no path of its own).
 */
const baseUrl = (request: ApiRequest): string => {
  const { domainName, stage } = request.event.requestContext;
  const scheme = request.header('x-forwarded-proto')?.split(',')[0]?.trim() === 'http' ? 'http' : 'https';
  return `${scheme}://${domainName}${stage && stage !== '$default' ? `/${stage}` : ''}`;
};

interface Open311Options {
  /** The towns the deployment serves (`TOWNS`): jurisdictions from the start, before any key is issued. */
  towns?: readonly string[];
}

export function createOpen311Handler(deps: Deps, options: Open311Options = {}) {
  const cases = new CaseRepository(deps.db, deps.tables.cases);
  const notifications = new NotificationRepository(deps.db, deps.tables.cases);
  const counters = new CounterRepository(deps.db, deps.tables.cases);
  const grids = new GridRepository(deps.db, deps.tables.grids);
  const limiter = new MinuteLimiter(deps.db, deps.tables.cases);
  const filings = new MinuteLimiter(deps.db, deps.tables.cases, FILINGS_PER_KEY_PER_MINUTE);
  const repository = new Open311Repository(deps.db, deps.tables.cases);
  const settings = townSettings(deps);
  const registrationDeps = registrationDepsOf(deps, cases, grids);

  const configured = (options.towns ?? []).filter((town) => JURISDICTION.test(town));
  const isJurisdiction = async (town: string) =>
    JURISDICTION.test(town) && (configured.includes(town) || (await repository.isJurisdiction(town)));

  /** The town asked for, or the only one served; several served and none named is the client's error. */
  async function jurisdiction(asked: string | undefined): Promise<string> {
    const town = asked?.trim();
    if (town) {
      if (await isJurisdiction(town)) return town;
      throw notFound('jurisdiction_id was not found');
    }
    // the configured towns, and those of the keys issued (a key may name a town no longer configured)
    const served = [...new Set([...configured, ...(await repository.jurisdictions(configured.length + 2))])];
    if (served.length === 0) throw notFound('No jurisdiction is served here');
    if (served.length > 1)
      throw badRequest('jurisdiction_id was not provided: this endpoint serves several jurisdictions');
    return served[0]!;
  }

  /** A request as the public sees it, or nothing when its category is no longer public. */
  const publicView = (pair: Open311Pair) => {
    const service = serviceOf(pair.record.category);
    return service ? [requestView(pair, service)] : [];
  };

  async function createRequest(request: ApiRequest, format: Format): Promise<ApiResponse> {
    const form = readForm(request);
    const apiKey = formField(form, 'api_key') ?? request.query.api_key;
    if (!apiKey) throw forbidden('api_key was not provided');
    const key = await findApiKey({ repository, mac: deps.mac }, apiKey);
    if (!key) throw forbidden('Invalid api_key received -- cannot create the request');
    const asked = formField(form, 'jurisdiction_id') ?? request.query.jurisdiction_id;
    if (asked !== undefined && asked !== key.town) {
      if (await isJurisdiction(asked)) throw forbidden('This api_key is not valid for this jurisdiction_id');
      throw notFound('jurisdiction_id was not found');
    }
    const now = deps.now();
    const wait = await filings.reserve(`open311-key:${key.keyId}`, now);
    if (wait > 0)
      throw tooMany(`This api_key has filed ${FILINGS_PER_KEY_PER_MINUTE} requests this minute`, wait);
    const { policy, calendar, profile } = await settings.get(key.town);
    const { input, publicDescription } = parseServiceRequest(form, { now, policy });
    // the citizen's act, relayed by an app: the timeline names the app's key, the case names no account
    const principal: Principal = { kind: 'petitioner', userId: `open311:${key.keyId}`, town: key.town };
    const prepared = await prepareRegistration(registrationDeps, input, {
      principal,
      now,
      policy,
      calendar,
      profile,
    });
    // left unclaimed, so the citizen can claim it with the query code the milestone SMS brings
    const { petitionerUserId: _app, ...record } = prepared.record;
    await cases.transact([
      ...countedRegistrationWrites({ cases, notifications, counters }, { ...prepared, record }),
      repository.entryPut(record, { publicDescription, keyId: key.keyId }),
    ]);
    return render(
      format,
      'service_requests',
      [{ service_request_id: record.id, service_notice: serviceNotice(record), account_id: null }],
      201,
      { location: `/open311/v2/requests/${record.id}.${format}` },
    );
  }

  async function listRequests(request: ApiRequest, format: Format): Promise<ApiResponse> {
    const town = await jurisdiction(request.query.jurisdiction_id);
    const filter = parseRequestsQuery(request.query, deps.now());
    if ('ids' in filter)
      return render(
        format,
        'service_requests',
        (await repository.byIds(town, filter.ids)).flatMap(publicView),
      );
    const codes = filter.codes.length > 0 ? filter.codes : SERVICE_CODES;
    const views: ReturnType<typeof publicView> = [];
    for await (const page of repository.between(town, filter.start, filter.end, (entry) =>
      codes.includes(entry.category),
    )) {
      for (const pair of page)
        if (matchesStatus(pair.record, filter.statuses)) views.push(...publicView(pair));
      if (views.length >= MAX_REQUESTS) break;
    }
    return render(format, 'service_requests', views.slice(0, MAX_REQUESTS));
  }

  const showDiscovery = (format: Format) =>
    route(format, async (request) => render(format, 'discovery', discovery(baseUrl(request))));
  const listServices = (format: Format) =>
    route(format, async (request) => {
      await jurisdiction(request.query.jurisdiction_id);
      return render(format, 'services', serviceList());
    });
  const fileRequest = (format: Format) => route(format, (request) => createRequest(request, format));
  const findRequests = (format: Format) => route(format, (request) => listRequests(request, format));

  return createApiHandler({
    family: 'open311',
    deps,
    routes: {
      'GET /open311/discovery.xml': showDiscovery('xml'),
      'GET /open311/discovery.json': showDiscovery('json'),
      'GET /open311/v2/services.xml': listServices('xml'),
      'GET /open311/v2/services.json': listServices('json'),
      'POST /open311/v2/requests.xml': fileRequest('xml'),
      'POST /open311/v2/requests.json': fileRequest('json'),
      'GET /open311/v2/requests.xml': findRequests('xml'),
      'GET /open311/v2/requests.json': findRequests('json'),
      'GET /open311/v2/services/{code}': suffixRoute('code', async (request, code, format) => {
        await jurisdiction(request.query.jurisdiction_id);
        const service = serviceOf(code);
        if (!service) throw notFound('service_code was not found');
        return render(format, 'service_definition', serviceDefinition(service));
      }),
      'GET /open311/v2/requests/{id}': suffixRoute('id', async (request, id, format) => {
        const town = await jurisdiction(request.query.jurisdiction_id);
        const record = CASE_ID.test(id) ? await cases.get(town, id) : undefined;
        const entry = record ? await repository.entry(record) : undefined;
        const views = record && entry ? publicView({ entry, record }) : [];
        if (views.length === 0) throw notFound('service_request_id was not found');
        return render(format, 'service_requests', views);
      }),
      // the token is the query code (查询码) the petitioner holds: it finds requests filed through Open311 only
      'GET /open311/v2/tokens/{token}': suffixRoute('token', async (request, token, format) => {
        const town = await jurisdiction(request.query.jurisdiction_id);
        const lookup = await lookUpQueryCode(
          { cases, limiter, mac: deps.mac },
          token,
          request.event.requestContext.http.sourceIp,
          deps.now(),
        );
        if ('retryAfter' in lookup) throw tooMany('Too many attempts', lookup.retryAfter);
        const record = 'found' in lookup && lookup.found.town === town ? lookup.found : undefined;
        const entry = record ? await repository.entry(record) : undefined;
        if (!record || !entry || !serviceOf(record.category)) throw notFound('token was not found');
        return render(format, 'service_requests', [{ service_request_id: record.id, token }], 200, {
          'cache-control': 'no-store',
        });
      }),
    },
  });
}

export const handler = lazyHandler(() =>
  createOpen311Handler(depsFromEnv(), { towns: townsFrom(process.env.TOWNS) }),
);
