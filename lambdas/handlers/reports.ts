import { type Deps, depsFromEnv } from '../adapters/deps.js';
import { beijingDate } from '../domain/deadlines.js';
import { parsePeriod, type ReportKind } from '../domain/periods.js';
import type { Report } from '../domain/report.js';
import {
  type ApiRequest,
  type ApiResponse,
  createApiHandler,
  lazyHandler,
  type RouteDefinition,
} from '../http/api.js';
import { requireRole } from '../http/auth.js';
import { fieldProblem } from '../http/problem.js';
import { HTML_HEADERS, prefersHtml, renderReportHtml } from '../http/report-html.js';
import { metricsQuery, PERIOD_PARAMS } from '../http/report-schemas.js';
import { parseWith } from '../http/validation.js';
import { metrics, reportDeps, reportFor } from '../usecases/reports.js';

const READERS = ['leader', 'supervisor', 'admin'] as const;

export function createReportsHandler(deps: Deps) {
  const reports = reportDeps(deps);

  /** JSON unless the Accept header ranks text/html above it. */
  const respond = (request: ApiRequest, report: Report): ApiResponse =>
    prefersHtml(request.header('accept'))
      ? { status: 200, body: renderReportHtml(report), headers: { ...HTML_HEADERS, vary: 'Accept' } }
      : { status: 200, body: report, headers: { vary: 'Accept' } };

  const reportRoute = (kind: ReportKind): RouteDefinition => ({
    async handle(request) {
      requireRole(request.principal, READERS);
      const param = PERIOD_PARAMS[kind];
      const period = parsePeriod(kind, request.params[param.name] ?? '');
      if (!period) throw fieldProblem(param.name, (m) => m.field[param.form]);
      const now = deps.now();
      if (period.from > beijingDate(now)) throw fieldProblem(param.name, (m) => m.field['not-begun']);
      return respond(request, await reportFor(reports, request.principal.town, period, now));
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
          const body = await metrics(reports, request.principal.town, range);
          if (!body) throw fieldProblem('gridId', (m) => m.field['unknown-grid']);
          return { status: 200, body };
        },
      },
      'GET /v1/reports/daily/{date}': reportRoute('daily'),
      'GET /v1/reports/weekly/{week}': reportRoute('weekly'),
      'GET /v1/reports/monthly/{month}': reportRoute('monthly'),
    },
  });
}

export const handler = lazyHandler(() => createReportsHandler(depsFromEnv()));
