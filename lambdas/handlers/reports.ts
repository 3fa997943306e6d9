import { type Deps, depsFromEnv } from '../adapters/deps.js';
import { beijingDate } from '../domain/deadlines.js';
import { parsePeriod, type ReportKind } from '../domain/periods.js';
import { yearProblem } from '../domain/yearly.js';
import { type ApiResponse, createApiHandler, lazyHandler, type RouteDefinition } from '../http/api.js';
import { requireRole } from '../http/auth.js';
import { prefersHtml } from '../http/html.js';
import { fieldProblem } from '../http/problem.js';
import { HTML_HEADERS, renderMetricsHtml, renderReportHtml, renderYearlyHtml } from '../http/report-html.js';
import { metricsQuery, PERIOD_PARAMS } from '../http/report-schemas.js';
import { parseWith } from '../http/validation.js';
import {
  bulletinFor,
  metrics,
  metricsPage,
  reportDeps,
  reportFor,
  yearlyPage,
  yearlyReport,
} from '../usecases/reports.js';

const READERS = ['leader', 'supervisor', 'admin'] as const;

export function createReportsHandler(deps: Deps) {
  const reports = reportDeps(deps);

  const page = (body: string): ApiResponse => ({
    status: 200,
    body,
    headers: { ...HTML_HEADERS, vary: 'Accept, Accept-Language' },
  });
  const json = (body: unknown): ApiResponse => ({ status: 200, body, headers: { vary: 'Accept' } });

  const reportRoute = (kind: ReportKind): RouteDefinition => ({
    async handle(request) {
      requireRole(request.principal, READERS);
      const param = PERIOD_PARAMS[kind];
      const period = parsePeriod(kind, request.params[param.name] ?? '');
      if (!period) throw fieldProblem(param.name, (m) => m.field[param.form]);
      const now = deps.now();
      if (period.from > beijingDate(now)) throw fieldProblem(param.name, (m) => m.field['not-begun']);
      const town = request.principal.town;
      if (!prefersHtml(request.header('accept'))) return json(await reportFor(reports, town, period, now));
      const { report, context } = await bulletinFor(reports, town, period, now);
      return page(renderReportHtml(report, context, request.language));
    },
  });

  return createApiHandler({
    family: 'reports',
    deps,
    routes: {
      'GET /v1/metrics': {
        async handle(request) {
          requireRole(request.principal, READERS);
          const { from, to, gridId } = parseWith(metricsQuery, request.query, request.language);
          const range = { from, to, ...(gridId !== undefined ? { gridId } : {}) };
          const notAGrid = () => fieldProblem('gridId', (m) => m.field['unknown-grid']);
          if (!prefersHtml(request.header('accept'))) {
            const body = await metrics(reports, request.principal.town, range);
            if (!body) throw notAGrid();
            return json(body);
          }
          const found = await metricsPage(reports, request.principal.town, range);
          if (!found) throw notAGrid();
          return page(renderMetricsHtml(found.metrics, found.context, request.language, deps.now()));
        },
      },
      'GET /v1/reports/daily/{date}': reportRoute('daily'),
      'GET /v1/reports/weekly/{week}': reportRoute('weekly'),
      'GET /v1/reports/monthly/{month}': reportRoute('monthly'),
      'GET /v1/reports/yearly/{year}': {
        async handle(request) {
          requireRole(request.principal, READERS);
          const year = request.params.year ?? '';
          const now = deps.now();
          const problem = yearProblem(year, beijingDate(now));
          if (problem) throw fieldProblem('year', (m) => m.field[problem]);
          const town = request.principal.town;
          if (!prefersHtml(request.header('accept')))
            return json(await yearlyReport(reports, town, year, now));
          const { report, context } = await yearlyPage(reports, town, year, now);
          return page(renderYearlyHtml(report, context, request.language));
        },
      },
    },
  });
}

export const handler = lazyHandler(() => createReportsHandler(depsFromEnv()));
