import { CaseRepository } from '../adapters/case-repository.js';
import { CityRepository } from '../adapters/city-repository.js';
import { type Deps, depsFromEnv } from '../adapters/deps.js';
import { GridRepository } from '../adapters/grid-repository.js';
import { NotificationRepository } from '../adapters/notification-repository.js';
import type { CaseRecord } from '../domain/case.js';
import { asTownSupervisor, cityTowns, isCityTown } from '../domain/city.js';
import { crossTownRepeatView } from '../domain/cross-town.js';
import { beijingDate } from '../domain/deadlines.js';
import { NotFoundError } from '../domain/errors.js';
import { parsePeriod } from '../domain/periods.js';
import type { CityPrincipal } from '../domain/roles.js';
import {
  type ApiRequest,
  type ApiResponse,
  createApiHandler,
  lazyHandler,
  type RouteDefinition,
} from '../http/api.js';
import { cityPrincipalOf } from '../http/auth.js';
import { renderCityBulletinHtml } from '../http/city-html.js';
import { cityCasesQuery, cityMetricsQuery, superviseBody, TOWN_ID } from '../http/city-schemas.js';
import { parseIfMatch } from '../http/command-schemas.js';
import { prefersHtml } from '../http/html.js';
import { idempotencyLayer } from '../http/idempotency.js';
import { fieldProblem, type Language } from '../http/problem.js';
import { HTML_HEADERS, renderReportHtml } from '../http/report-html.js';
import { PERIOD_PARAMS } from '../http/report-schemas.js';
import { parseWith } from '../http/validation.js';
import { caseView } from '../http/views.js';
import { listTownCases, readTownCase, superviseCase } from '../usecases/city-cases.js';
import { cityBulletin, cityMetrics } from '../usecases/city-reports.js';
import { bulletinFor, reportDeps, reportFor, townsFrom } from '../usecases/reports.js';

/**
 * The city's routes (`/v1/city/...`), for a city supervisor (市/县信访局) only: every route reads the caller from the
 * `custom:towns` claim itself (town staff get 403), and a town outside the claim, or one the deployment does not
 * serve, is not found (404) whether it exists or not. Town data is read as the town's petition office reads it.
 */

type Kind = 'weekly' | 'monthly';

/** A route of the city: the caller is a city supervisor, read here rather than as a town's principal. */
const cityRoute = (
  handle: (principal: CityPrincipal, request: ApiRequest) => Promise<ApiResponse>,
): RouteDefinition => ({
  // the gateway's authorizer guards the route (routes.ts); the principal is the city's, not a town's
  authorized: false,
  handle: (request) => handle(cityPrincipalOf(request.event), request),
});

const etag = (record: CaseRecord) => ({ etag: `"${record.version}"` });

export function createCityHandler(deps: Deps, options: { towns?: readonly string[] } = {}) {
  const reports = reportDeps(deps);
  const cases = new CaseRepository(deps.db, deps.tables.cases);
  const grids = new GridRepository(deps.db, deps.tables.grids);
  const notifications = new NotificationRepository(deps.db, deps.tables.cases);
  const city = new CityRepository(deps.db, deps.tables.cases, notifications);
  const ports = { cases, grids, city, mac: deps.mac };
  const deployment = options.towns ?? [];

  /** The town of the path, if the caller's claim (and the deployment) has it; 404 otherwise. */
  const townOf = (principal: CityPrincipal, request: ApiRequest): string => {
    const town = request.params.town ?? '';
    if (!TOWN_ID.test(town) || !isCityTown(principal, town, deployment)) throw new NotFoundError();
    return town;
  };

  /** The period of the path: 400 naming it when malformed or not begun. */
  const periodOf = (kind: Kind, request: ApiRequest) => {
    const param = PERIOD_PARAMS[kind];
    const period = parsePeriod(kind, request.params[param.name] ?? '');
    if (!period) throw fieldProblem(param.name, (m) => m.field[param.form]);
    if (period.from > beijingDate(deps.now())) throw fieldProblem(param.name, (m) => m.field['not-begun']);
    return { ...period, kind };
  };

  const page = (body: string): ApiResponse => ({
    status: 200,
    body,
    headers: { ...HTML_HEADERS, vary: 'Accept, Accept-Language' },
  });
  const json = (body: unknown): ApiResponse => ({ status: 200, body, headers: { vary: 'Accept' } });

  /** A case as the city reads it: the town's supervisor's view, its town, and its repeats in other towns named. */
  const cityCase = (record: CaseRecord, principal: CityPrincipal, language: Language) => {
    const repeats = crossTownRepeatView(record, 'city');
    return {
      ...caseView(record, asTownSupervisor(principal, record.town), language),
      town: record.town,
      ...(repeats.length ? { crossTownRepeats: repeats } : {}),
    };
  };

  const cityBulletinRoute = (kind: Kind) =>
    cityRoute(async (principal, request) => {
      const period = periodOf(kind, request);
      const bulletin = await cityBulletin(reports, cityTowns(principal, deployment), period, deps.now());
      if (!prefersHtml(request.header('accept'))) return json(bulletin);
      return page(renderCityBulletinHtml(bulletin, request.language));
    });

  const townBulletinRoute = (kind: Kind) =>
    cityRoute(async (principal, request) => {
      const town = townOf(principal, request);
      const period = periodOf(kind, request);
      const now = deps.now();
      if (!prefersHtml(request.header('accept'))) return json(await reportFor(reports, town, period, now));
      const { report, context } = await bulletinFor(reports, town, period, now);
      return page(renderReportHtml(report, context, request.language));
    });

  return createApiHandler({
    family: 'city',
    deps,
    idempotency: idempotencyLayer('city', deps),
    routes: {
      'GET /v1/city/metrics': cityRoute(async (principal, request) => {
        const { from, to, town } = parseWith(cityMetricsQuery, request.query, request.language);
        if (town !== undefined && !isCityTown(principal, town, deployment)) throw new NotFoundError();
        const towns = town !== undefined ? [town] : cityTowns(principal, deployment);
        return json(await cityMetrics(reports, towns, { from, to }));
      }),
      'GET /v1/city/reports/weekly/{week}': cityBulletinRoute('weekly'),
      'GET /v1/city/reports/monthly/{month}': cityBulletinRoute('monthly'),
      'GET /v1/city/towns/{town}/reports/weekly/{week}': townBulletinRoute('weekly'),
      'GET /v1/city/towns/{town}/reports/monthly/{month}': townBulletinRoute('monthly'),
      'GET /v1/city/towns/{town}/cases': cityRoute(async (principal, request) => {
        const town = townOf(principal, request);
        const { view, limit, cursor } = parseWith(cityCasesQuery, request.query, request.language);
        const found = await listTownCases(
          ports,
          principal,
          town,
          view,
          { limit, ...(cursor ? { cursor } : {}) },
          deps.now(),
        );
        return {
          status: 200,
          body: {
            items: found.items.map((record) => cityCase(record, principal, request.language)),
            ...(found.nextCursor ? { nextCursor: found.nextCursor } : {}),
          },
        };
      }),
      'GET /v1/city/towns/{town}/cases/{id}': cityRoute(async (principal, request) => {
        const town = townOf(principal, request);
        const record = await readTownCase(ports, principal, town, request.params.id ?? '');
        return { status: 200, body: cityCase(record, principal, request.language), headers: etag(record) };
      }),
      'POST /v1/city/towns/{town}/cases/{id}/supervise': cityRoute(async (principal, request) => {
        const town = townOf(principal, request);
        const id = request.params.id ?? '';
        await readTownCase(ports, principal, town, id);
        const now = deps.now();
        const body = request.body(superviseBody(beijingDate(now)));
        const ifMatch = request.header('if-match');
        // a header that names no version matches none: stale
        const version = ifMatch === undefined ? undefined : (parseIfMatch(ifMatch) ?? -1);
        const done = await superviseCase(ports, principal, town, id, body, version, now);
        return {
          status: 201,
          body: {
            case: cityCase(done.record, principal, request.language),
            supervision: done.supervision,
            notified: done.notified,
          },
          headers: etag(done.record),
        };
      }),
    },
  });
}

export const handler = lazyHandler(() =>
  createCityHandler(depsFromEnv(), { towns: townsFrom(process.env.TOWNS) }),
);
