import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/**
 * CloudWatch metrics of the scheduled and API functions, in the embedded metric format (log lines CloudWatch turns into
 * metrics: no API call, no permission). The names are shared with the stack, whose alarms watch them.
 */
export const METRICS_NAMESPACE = 'Fengqiao';
export const METRICS_SERVICE = 'fengqiao';

export const METRIC = {
  stepsDue: 'DeadlineStepsDue',
  casesOverdue: 'CasesOverdue',
  casesEscalated: 'CasesEscalated',
  messagesPublished: 'MessagesPublished',
  publishFailures: 'PublishFailures',
  personalDataErased: 'PersonalDataErased',
  /** Town-years (this year and next) with no working-day calendar: deadlines there count weekends only. */
  calendarYearsMissing: 'CalendarYearsMissing',
  /** Town-years (this year from January, next year from November) with the statutory holidays only, no make-up days. */
  calendarYearsProvisional: 'CalendarYearsProvisional',
  /** Open cases whose deadlines a stored calendar or policy moved, in the nightly run. */
  deadlinesRecomputed: 'DeadlinesRecomputed',
  serverErrors: 'ServerErrors',
} as const;

/** The dimension that tells the API functions' metrics apart, beside the service. */
const FAMILY_DIMENSION = 'family';

type MetricCounts = Partial<Record<keyof typeof METRIC, number>>;

/** The deployed functions' metrics (the local host and the tests record none). */
export const cloudMetrics = (): Metrics =>
  new Metrics({ namespace: METRICS_NAMESPACE, serviceName: METRICS_SERVICE });

/** Adds the counts of one run and flushes them as one metric document. */
export function publishCounts(metrics: Metrics, counts: MetricCounts): void {
  for (const [name, value] of Object.entries(counts) as [keyof typeof METRIC, number][])
    metrics.addMetric(METRIC[name], MetricUnit.Count, value);
  metrics.publishStoredMetrics();
}

/**
 * One 5xx answer of an API function, written at once (a request has no end of run to flush at): by family, to find
 * the function, and for the whole service, which the alarm watches as one metric (metric math reads at most 10, and
 * there are more families; a Metrics Insights query is not in every partition).
 */
export function countServerError(metrics: Metrics, family: string): void {
  const byFamily = metrics.singleMetric();
  byFamily.addDimension(FAMILY_DIMENSION, family);
  byFamily.addMetric(METRIC.serverErrors, MetricUnit.Count, 1);
  metrics.singleMetric().addMetric(METRIC.serverErrors, MetricUnit.Count, 1);
}
