import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/**
 * CloudWatch metrics of the scheduled functions, in the embedded metric format (log lines CloudWatch turns into
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
} as const;

export type MetricCounts = Partial<Record<keyof typeof METRIC, number>>;

/** The deployed functions' metrics (the local host and the tests record none). */
export const cloudMetrics = (): Metrics =>
  new Metrics({ namespace: METRICS_NAMESPACE, serviceName: METRICS_SERVICE });

/** Adds the counts of one run and flushes them as one metric document. */
export function publishCounts(metrics: Metrics, counts: MetricCounts): void {
  for (const [name, value] of Object.entries(counts) as [keyof typeof METRIC, number][])
    metrics.addMetric(METRIC[name], MetricUnit.Count, value);
  metrics.publishStoredMetrics();
}
