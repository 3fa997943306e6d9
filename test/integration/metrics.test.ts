import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { METRICS_NAMESPACE, METRICS_SERVICE } from '../../lambdas/adapters/metrics.js';
import { createSweepHandler } from '../../lambdas/handlers/sweep.js';
import { createTownScheduleHandler } from '../../lambdas/handlers/town-schedule.js';
import { caseBody, createHarness, type Harness, validIdNumber } from '../support/harness.js';

/** The scheduled functions' CloudWatch metrics, as the embedded-metric-format lines they write. */

const T0 = new Date('2026-11-20T02:00:00.000Z');
const PERSON = { name: '孙八', idNumber: validIdNumber(880), phone: '13811112222' };

let h: Harness;
beforeAll(async () => {
  // metrics are off in tests and on the local host; this file turns them on for the instances it makes
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
  h = await createHarness({ now: T0 });
});
afterAll(() => h.close());
afterEach(() => vi.restoreAllMocks());

/** What the functions write to stdout while `run` runs, as parsed JSON documents. */
async function written(run: () => Promise<unknown>): Promise<MetricDocument[]> {
  const lines: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  await run();
  vi.restoreAllMocks();
  return lines.flatMap((text) =>
    text
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line)),
  );
}

/** An embedded-metric-format document: the metrics' values at the top level, their definitions under `_aws`. */
interface MetricDocument {
  _aws: { CloudWatchMetrics: unknown[] };
  [field: string]: unknown;
}

const newMetrics = () => new Metrics({ namespace: METRICS_NAMESPACE, serviceName: METRICS_SERVICE });

describe('the sweep', () => {
  it('counts each run: steps due, cases overdue, messages published, in the Fengqiao namespace', async () => {
    const clerk = await h.token('clerk', 'clerk-metrics');
    const created = await h.request('POST', '/v1/cases', {
      token: clerk,
      body: caseBody({ petitioners: [PERSON] }),
    });
    expect(created.status).toBe(201);
    // past the acknowledgement deadline: the overdue step fires
    h.setNow(new Date(created.body.deadlines.acknowledgeBy));
    const [document, ...more] = await written(() => createSweepHandler(h.deps, newMetrics())());
    expect(more).toEqual([]);
    expect(document?._aws.CloudWatchMetrics).toEqual([
      {
        Namespace: 'Fengqiao',
        Dimensions: [['service']],
        Metrics: expect.arrayContaining([{ Name: 'CasesOverdue', Unit: 'Count' }]),
      },
    ]);
    expect(document).toMatchObject({
      service: 'fengqiao',
      DeadlineStepsDue: 1,
      CasesOverdue: 1,
      CasesEscalated: 0,
      PublishFailures: 0,
    });
    expect(document?.MessagesPublished).toBeGreaterThan(0);
    for (const secret of Object.values(PERSON)) expect(JSON.stringify(document)).not.toContain(secret);
  });

  it('writes nothing without a metrics instance (the local host and the other tests)', async () => {
    expect(await written(() => createSweepHandler(h.deps)())).toEqual([]);
  });
});

describe('retention', () => {
  it('counts the cases whose personal data it erased', async () => {
    const nightly = createTownScheduleHandler(h.deps, ['town-a'], newMetrics());
    const [document] = await written(() => nightly({ kind: 'retention' }));
    expect(document).toMatchObject({ service: 'fengqiao', PersonalDataErased: 0 });
  });
});
