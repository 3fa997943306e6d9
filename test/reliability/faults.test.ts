import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { NotificationRepository } from '../../lambdas/adapters/notification-repository.js';
import { TablePublisher } from '../../lambdas/adapters/publisher.js';
import { publishOutbox, runSweep } from '../../lambdas/usecases/sweep.js';
import { sweepDeps } from '../../lambdas/usecases/sweep-deps.js';
import {
  auditCases,
  CANCELLATION_CODES,
  type CallInfo,
  type CancellationCode,
  cancelled,
  connectionReset,
  crash,
  createHost,
  FlakyPublisher,
  faultyDocumentClient,
  gatewayClaims,
  type Host,
  type HostResponse,
  internalDetail,
  internalServerError,
  isProblemJson,
  requestLimit,
  scanAll,
  startStallingProxy,
  throttling,
  throughputExceeded,
  timeoutError,
} from '../support/faults.js';
import {
  caseBody,
  createHarness,
  type Harness,
  type TestResponse,
  validIdNumber,
} from '../support/harness.js';

/**
 * Faults injected into the real SDK client (its own middleware stack, the SDK's own exception classes) and real socket
 * stalls in front of DynamoDB Local. What is checked afterwards is read with a clean client: a request that failed
 * left nothing half-written, and the client was told to come back (503 + Retry-After) or told nothing internal (500).
 */

const T0 = new Date('2026-11-28T02:00:00.000Z');

let h: Harness;
let faulty: ReturnType<typeof faultyDocumentClient>;
let host: Host;
let cleanClerk: string;
let faultClerk: string;
let seq = 100;

beforeAll(async () => {
  h = await createHarness({ now: T0 });
  faulty = faultyDocumentClient();
  host = await createHost({ ...h.deps, db: faulty.db });
  cleanClerk = await h.token(['clerk', 'supervisor'], 'clerk-clean');
  faultClerk = await host.token(['clerk', 'supervisor'], 'clerk-faulty');
});
afterEach(() => faulty.faults.clear());
afterAll(async () => {
  await host?.close();
  await h?.close();
});

const body = (title: string) =>
  caseBody({ title, petitioners: [{ name: '王五', idNumber: validIdNumber(seq++), phone: '13912345678' }] });

/** Registers a case through the clean host; returns its id. */
async function register(title = `case ${seq}`): Promise<string> {
  const created = await h.request('POST', '/v1/cases', { token: cleanClerk, body: body(title) });
  expect(created.status, created.text).toBe(201);
  return created.body.id as string;
}

/** The case as the clean host reads it, with its timeline actions. */
async function stored(id: string) {
  const read = await h.request('GET', `/v1/cases/${id}`, { token: cleanClerk });
  expect(read.status, read.text).toBe(200);
  const timeline = await h.request('GET', `/v1/cases/${id}/timeline?verify=true`, { token: cleanClerk });
  expect(timeline.status).toBe(200);
  return {
    version: read.body.version as number,
    status: read.body.status as string,
    etag: read.headers.get('etag'),
    valid: timeline.body.valid as boolean,
    actions: (timeline.body.items as { action: string }[]).map((e) => e.action),
  };
}

/** Cases with this title, as the tables hold them; and no half-written case anywhere. */
async function casesTitled(title: string) {
  const audit = await auditCases(h.deps.db, h.tables);
  expect(audit.problems).toEqual([]);
  return [...audit.cases.values()].filter((c) => c.record?.title === title);
}

function expectUnavailable(r: HostResponse | TestResponse) {
  expect(r.status, r.text).toBe(503);
  expect(isProblemJson(r.headers)).toBe(true);
  expect(r.body.type).toBe('/problems/unavailable');
  expect(r.body.status).toBe(503);
  expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(internalDetail(r.text)).toBeUndefined();
}

function expectSilent500(r: HostResponse | TestResponse) {
  expect(r.status, r.text).toBe(500);
  expect(isProblemJson(r.headers)).toBe(true);
  expect(r.body.type).toBe('/problems/internal');
  expect(Object.keys(r.body).sort()).toEqual(['detail', 'instance', 'status', 'title', 'type']);
  expect(internalDetail(r.text)).toBeUndefined();
}

const accept = (id: string, via: 'faulty' | 'clean', ifMatch = '"1"') =>
  (via === 'faulty' ? host.request : h.request)('POST', `/v1/cases/${id}/accept`, {
    token: via === 'faulty' ? faultClerk : cleanClerk,
    body: { track: 'immediate', assigneeId: 'handler-1' },
    headers: { 'if-match': ifMatch },
  });

const transactItems = (call: CallInfo) => (call.input.TransactItems as unknown[] | undefined)?.length ?? 1;

describe('throttled and failing reads', () => {
  const ERRORS = {
    throughputExceeded,
    throttling,
    requestLimit,
    internalServerError,
    timeoutError,
    connectionReset,
  };
  const READS = [
    { name: 'one case', op: 'GetItem' as const, path: (id: string) => `/v1/cases/${id}` },
    { name: 'the list', op: 'Query' as const, path: () => '/v1/cases?limit=5' },
    { name: 'the timeline', op: 'Query' as const, path: (id: string) => `/v1/cases/${id}/timeline` },
  ];
  let id: string;
  beforeAll(async () => {
    id = await register('read target');
  });

  for (const [errorName, error] of Object.entries(ERRORS))
    for (const read of READS)
      it(`${errorName} on ${read.name} (${read.op}) → 503 problem+json with Retry-After`, async () => {
        const rule = faulty.faults.add({ operations: [read.op], table: h.tables.cases, error });
        const r = await host.request('GET', read.path(id), {
          token: faultClerk,
          headers: { 'accept-language': 'en' },
        });
        expectUnavailable(r);
        expect(rule.fired).toBeGreaterThan(0);
      });

  it('a single throttled attempt is retried by the SDK and never reaches the client', async () => {
    const rule = faulty.faults.add({
      operations: ['GetItem'],
      table: h.tables.cases,
      scope: 'attempt',
      times: 1,
      error: throughputExceeded,
    });
    const r = await host.request('GET', `/v1/cases/${id}`, { token: faultClerk });
    expect(r.status, r.text).toBe(200);
    expect(rule.fired).toBe(1);
  });

  it('a throttle that outlasts the SDK’s three attempts → 503, after exactly three attempts', async () => {
    const rule = faulty.faults.add({
      operations: ['GetItem'],
      table: h.tables.cases,
      scope: 'attempt',
      error: throughputExceeded,
    });
    expectUnavailable(await host.request('GET', `/v1/cases/${id}`, { token: faultClerk }));
    expect(rule.fired).toBe(3);
  });

  it('a throttled idempotency table → 503, and the registration never ran', async () => {
    faulty.faults.add({ operations: ['PutItem'], table: h.tables.idempotency, error: throttling });
    const title = 'idempotency table throttled';
    const r = await host.request('POST', '/v1/cases', {
      token: faultClerk,
      body: body(title),
      headers: { 'idempotency-key': randomUUID() },
    });
    expectUnavailable(r);
    expect(faulty.faults.calls.some((c) => c.operation === 'TransactWriteItems')).toBe(false);
    expect(await casesTitled(title)).toEqual([]);
  });
});

describe('throttled transactions leave nothing half-written', () => {
  for (const [name, error] of Object.entries({
    ProvisionedThroughputExceededException: throughputExceeded,
    ThrottlingException: throttling,
    'TransactionCanceledException(ThrottlingError)': (call: CallInfo) =>
      cancelled('ThrottlingError', transactItems(call)),
  }))
    it(`registration under ${name} → 503; no case, no event, no lookup item; a retry registers it`, async () => {
      const title = `registration under ${name}`;
      // every item a registration writes in its transaction but the shared counters: case partition, query-code
      // lookup, inbox and outbox
      const casePartitions = async () =>
        (await scanAll(h.deps.db, h.tables.cases)).filter((i) =>
          /#C#|^QC#|#INBOX#|^OUTBOX#/.test(String(i.pk)),
        ).length;
      const before = await casePartitions();
      const rule = faulty.faults.add({ operations: ['TransactWriteItems'], table: h.tables.cases, error });
      const r = await host.request('POST', '/v1/cases', { token: faultClerk, body: body(title) });
      expectUnavailable(r);
      expect(rule.fired).toBe(1);
      expect(await casesTitled(title)).toEqual([]);
      // none of them was written
      expect(await casePartitions()).toBe(before);
      faulty.faults.clear();
      const retry = await host.request('POST', '/v1/cases', { token: faultClerk, body: body(title) });
      expect(retry.status, retry.text).toBe(201);
      expect((await casesTitled(title)).map((c) => c.id)).toEqual([retry.body.id]);
    });

  it('a command under throttling → 503; version, status and timeline unchanged; the same If-Match then works', async () => {
    const id = await register();
    faulty.faults.add({
      operations: ['TransactWriteItems'],
      table: h.tables.cases,
      error: throughputExceeded,
    });
    expectUnavailable(await accept(id, 'faulty'));
    expect(await stored(id)).toMatchObject({
      version: 1,
      status: 'registered',
      etag: '"1"',
      valid: true,
      actions: ['register'],
    });
    faulty.faults.clear();
    const retry = await accept(id, 'faulty');
    expect(retry.status, retry.text).toBe(200);
    expect(retry.headers.get('etag')).toBe('"2"');
    expect(await stored(id)).toMatchObject({
      version: 2,
      status: 'accepted',
      actions: ['register', 'accept'],
    });
  });

  it('a note under throttling → 503; the timeline and its head are unchanged', async () => {
    const id = await register();
    faulty.faults.add({ operations: ['TransactWriteItems'], table: h.tables.cases, error: throttling });
    const r = await host.request('POST', `/v1/cases/${id}/notes`, {
      token: faultClerk,
      body: { text: '进展' },
    });
    expectUnavailable(r);
    expect(await stored(id)).toMatchObject({ version: 1, valid: true, actions: ['register'] });
  });

  it('a throttled read inside a command (the re-read of the case) → 503 and nothing written', async () => {
    const id = await register();
    faulty.faults.add({ operations: ['GetItem'], table: h.tables.cases, error: throughputExceeded });
    expectUnavailable(await accept(id, 'faulty'));
    expect(faulty.faults.calls.some((c) => c.operation === 'TransactWriteItems')).toBe(false);
    expect(await stored(id)).toMatchObject({ version: 1, actions: ['register'] });
  });
});

describe('timeouts', () => {
  it('an injected TimeoutError on the command’s transaction → 503 and nothing written', async () => {
    const id = await register();
    faulty.faults.add({ operations: ['TransactWriteItems'], table: h.tables.cases, error: timeoutError });
    expectUnavailable(await accept(id, 'faulty'));
    expect(await stored(id)).toMatchObject({ version: 1, actions: ['register'] });
  });

  describe('real socket stalls (a proxy holds the request; the SDK’s requestTimeout fires)', () => {
    let proxy: Awaited<ReturnType<typeof startStallingProxy>>;
    let slowHost: Host;
    let slowClerk: string;
    beforeAll(async () => {
      proxy = await startStallingProxy();
      const slow = faultyDocumentClient(proxy.endpoint, {
        requestHandler: { requestTimeout: 300, throwOnRequestTimeout: true },
      });
      slowHost = await createHost({ ...h.deps, db: slow.db });
      slowClerk = await slowHost.token(['clerk', 'supervisor'], 'clerk-slow');
    });
    afterEach(() => proxy.clear());
    afterAll(async () => {
      await slowHost?.close();
      await proxy?.close();
    });

    it('a read that never answers → 503 within the SDK’s three attempts', async () => {
      const id = await register();
      const stall = proxy.stall({ operation: 'GetItem', forward: false });
      const r = await slowHost.request('GET', `/v1/cases/${id}`, { token: slowClerk });
      expectUnavailable(r);
      expect(stall.stalled).toBe(3);
    });

    it('a transaction that never reaches DynamoDB → 503; nothing written; the same If-Match then works', async () => {
      const id = await register();
      proxy.stall({ operation: 'TransactWriteItems', forward: false });
      const r = await slowHost.request('POST', `/v1/cases/${id}/accept`, {
        token: slowClerk,
        body: { track: 'immediate' },
        headers: { 'if-match': '"1"' },
      });
      expectUnavailable(r);
      expect(await stored(id)).toMatchObject({ version: 1, actions: ['register'] });
      proxy.clear();
      const retry = await slowHost.request('POST', `/v1/cases/${id}/accept`, {
        token: slowClerk,
        body: { track: 'immediate' },
        headers: { 'if-match': '"1"' },
      });
      expect(retry.status, retry.text).toBe(200);
    });

    it('a command whose transaction committed but whose answer was lost: the retry sees 412, the change is there once', async () => {
      const id = await register();
      proxy.stall({ operation: 'TransactWriteItems', forward: true });
      const r = await slowHost.request('POST', `/v1/cases/${id}/accept`, {
        token: slowClerk,
        body: { track: 'immediate' },
        headers: { 'if-match': '"1"' },
      });
      expect(r.status).toBe(503);
      proxy.clear();
      const retry = await slowHost.request('POST', `/v1/cases/${id}/accept`, {
        token: slowClerk,
        body: { track: 'immediate' },
        headers: { 'if-match': '"1"' },
      });
      expect(retry.status, retry.text).toBe(412);
      expect(await stored(id)).toMatchObject({ version: 2, valid: true, actions: ['register', 'accept'] });
    });

    it('a registration whose transaction committed but whose answer was lost: the retry with the same Idempotency-Key makes no second case', async () => {
      const title = 'lost answer';
      const key = randomUUID();
      proxy.stall({ operation: 'TransactWriteItems', forward: true });
      const first = await slowHost.request('POST', '/v1/cases', {
        token: slowClerk,
        body: body(title),
        headers: { 'idempotency-key': key },
      });
      // the client is told to try again (the service cannot know whether the write happened)
      expect(first.status).toBe(503);
      proxy.clear();
      const retry = await slowHost.request('POST', '/v1/cases', {
        token: slowClerk,
        body: JSON.parse(JSON.stringify(body(title))),
        headers: { 'idempotency-key': key },
      });
      expect([200, 201]).toContain(retry.status);
      // the contract: a retry with the same key returns the first response; there must be one case, not two
      expect((await casesTitled(title)).length).toBe(1);
    });
  });
});

describe('every TransactionCanceledException reason code, injected on a command', () => {
  type Expectation = 412 | 503 | 500;
  const EXPECTED: Record<CancellationCode, Expectation> = {
    None: 500,
    ConditionalCheckFailed: 412,
    ItemCollectionSizeLimitExceeded: 500,
    TransactionConflict: 412,
    ProvisionedThroughputExceeded: 503,
    ThrottlingError: 503,
    ValidationError: 500,
  };
  const CONFLICTS: CancellationCode[] = ['ConditionalCheckFailed', 'TransactionConflict'];

  it('the table names every documented code', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual([...CANCELLATION_CODES].sort());
  });

  it.each(CANCELLATION_CODES.map((code) => [code, EXPECTED[code]] as const))(
    '%s on accept → %i',
    async (code, expected) => {
      const id = await register();
      faulty.faults.add({
        operations: ['TransactWriteItems'],
        table: h.tables.cases,
        times: 1,
        // a conflict is real: another clerk moved the case meanwhile (version 1 → 2) before the transaction failed
        ...(CONFLICTS.includes(code)
          ? {
              onFire: async () => {
                const other = await h.request('POST', `/v1/cases/${id}/triage`, {
                  token: cleanClerk,
                  body: { track: 'coordinated' },
                  headers: { 'if-match': '"1"' },
                });
                expect(other.status, other.text).toBe(200);
              },
            }
          : {}),
        // the reason sits on the case item's Put (the last but one action); the others are None
        error: (call) => cancelled(code, transactItems(call), (i) => i === transactItems(call) - 2),
      });
      const r = await accept(id, 'faulty');
      expect(r.status, r.text).toBe(expected);
      expect(isProblemJson(r.headers)).toBe(true);
      if (expected === 412) expect(r.body.type).toBe('/problems/stale-version');
      if (expected === 503) expectUnavailable(r);
      if (expected === 500) expectSilent500(r);
      const after = await stored(id);
      expect(after.valid).toBe(true);
      if (expected === 412)
        expect(after).toMatchObject({ version: 2, status: 'registered', actions: ['register', 'triage'] });
      else expect(after).toMatchObject({ version: 1, status: 'registered', actions: ['register'] });
    },
  );

  it.each(CONFLICTS)(
    '%s once with no concurrent change: the handler re-reads, retries and succeeds',
    async (code) => {
      const id = await register();
      const rule = faulty.faults.add({
        operations: ['TransactWriteItems'],
        table: h.tables.cases,
        times: 1,
        error: (call) => cancelled(code, transactItems(call), (i) => i === 0),
      });
      const r = await accept(id, 'faulty');
      expect(r.status, r.text).toBe(200);
      expect(rule.fired).toBe(1);
      expect(await stored(id)).toMatchObject({ version: 2, actions: ['register', 'accept'] });
    },
  );

  it.each(CONFLICTS)(
    '%s on every attempt with no concurrent change → 503 with Retry-After, nothing written',
    async (code) => {
      const id = await register();
      faulty.faults.add({
        operations: ['TransactWriteItems'],
        table: h.tables.cases,
        error: (call) => cancelled(code, transactItems(call), (i) => i === 0),
      });
      expectUnavailable(await accept(id, 'faulty'));
      expect(await stored(id)).toMatchObject({ version: 1, actions: ['register'] });
    },
  );

  /**
   * A registration's transaction also updates the town's shared counter items: on real DynamoDB two concurrent
   * registrations can cancel each other with TransactionConflict. That is transient, like throttling: 503, try again.
   */
  const REGISTRATION: Record<CancellationCode, 503 | 500> = {
    None: 500,
    ConditionalCheckFailed: 500,
    ItemCollectionSizeLimitExceeded: 500,
    TransactionConflict: 503,
    ProvisionedThroughputExceeded: 503,
    ThrottlingError: 503,
    ValidationError: 500,
  };
  it.each(CANCELLATION_CODES.map((code) => [code, REGISTRATION[code]] as const))(
    '%s on a registration → %i, and no case is half-written',
    async (code, expected) => {
      const title = `registration cancelled ${code}`;
      faulty.faults.add({
        operations: ['TransactWriteItems'],
        table: h.tables.cases,
        times: 1,
        // the reason sits on a counter update (the last action), where concurrent registrations meet
        error: (call) => cancelled(code, transactItems(call), (i) => i === transactItems(call) - 1),
      });
      const r = await host.request('POST', '/v1/cases', { token: faultClerk, body: body(title) });
      expect(r.status, r.text).toBe(expected);
      if (expected === 503) expectUnavailable(r);
      else expectSilent500(r);
      expect(await casesTitled(title)).toEqual([]);
    },
  );
});

describe('a function that dies after its idempotency record is written', () => {
  for (const [name, error, status] of [
    ['throttled', throughputExceeded, 503],
    ['crashed', crash, 500],
  ] as const)
    it(`${name} in the case transaction → ${status}; the record is released; the retry makes exactly one case`, async () => {
      const title = `dies ${name}`;
      const key = randomUUID();
      const raw = JSON.stringify(body(title));
      const send = () =>
        host.request('POST', '/v1/cases', {
          token: faultClerk,
          rawBody: raw,
          headers: { 'idempotency-key': key, 'content-type': 'application/json' },
        });
      const rule = faulty.faults.add({
        operations: ['TransactWriteItems'],
        table: h.tables.cases,
        times: 1,
        error,
      });
      const first = await send();
      expect(first.status, first.text).toBe(status);
      if (status === 500) expectSilent500(first);
      else expectUnavailable(first);
      expect(rule.fired).toBe(1);
      // the idempotency record was written before the transaction failed
      const ops = faulty.faults.calls.map((c) => `${c.operation}:${c.tables.join()}`);
      const put = ops.indexOf(`PutItem:${h.tables.idempotency}`);
      const transact = ops.findIndex((o) => o.startsWith('TransactWriteItems'));
      expect(put).toBeGreaterThanOrEqual(0);
      expect(put).toBeLessThan(transact);
      // and released: no record stays in progress, so the retry is not refused as a duplicate
      const records = await scanAll(h.deps.db, h.tables.idempotency);
      expect(records.filter((r) => r.status === 'INPROGRESS')).toEqual([]);
      expect(await casesTitled(title)).toEqual([]);

      // the client retries with the same key and body: one case, and every retry gets the first response
      const retries = [await send(), await send(), await send()];
      expect(retries.map((r) => r.status)).toEqual([201, 201, 201]);
      expect(retries[1]!.body).toEqual(retries[0]!.body);
      expect(retries[2]!.body).toEqual(retries[0]!.body);
      expect((await casesTitled(title)).map((c) => c.id)).toEqual([retries[0]!.body.id]);
      const completed = (await scanAll(h.deps.db, h.tables.idempotency)).filter(
        (r) => r.status === 'COMPLETED',
      );
      expect(completed.length).toBeGreaterThan(0);
    });

  it('the case committed but its idempotency record could not be completed: the retry with the same key makes no second case', async () => {
    const title = 'completion lost';
    const key = randomUUID();
    const raw = JSON.stringify(body(title));
    const claims = gatewayClaims(['clerk'], 'clerk-completion');
    const send = () =>
      host.invoke('POST', '/v1/cases', claims, {
        body: raw,
        headers: { 'idempotency-key': key },
        remainingMs: 1_000,
      });
    // Powertools marks the record COMPLETED with an UpdateItem once the function has returned
    const rule = faulty.faults.add({
      operations: ['UpdateItem'],
      table: h.tables.idempotency,
      times: 1,
      error: throttling,
    });
    const first = await send();
    expect(rule.fired).toBe(1);
    expect(first.statusCode).toBe(503);
    expect((await casesTitled(title)).length).toBe(1);
    // the client waits as told and past the record's in-progress window, then retries with the same key
    await new Promise((done) => setTimeout(done, 1_200));
    const retry = await send();
    expect([200, 201]).toContain(retry.statusCode);
    expect((await casesTitled(title)).length).toBe(1);
  });

  it('a function frozen mid-transaction (Lambda timeout): duplicates get 409 in-progress until its deadline, then one retry registers the case', async () => {
    const title = 'frozen mid-transaction';
    const key = randomUUID();
    const raw = JSON.stringify(body(title));
    const claims = gatewayClaims(['clerk'], 'clerk-frozen');
    let frozen = false;
    faulty.faults.add({
      operations: ['TransactWriteItems'],
      table: h.tables.cases,
      times: 1,
      onFire: () => {
        frozen = true;
        // Lambda freezes the function at its deadline: it never resumes
        return new Promise<void>(() => undefined);
      },
    });
    const remainingMs = 1_500;
    const started = Date.now();
    void host.invoke('POST', '/v1/cases', claims, {
      body: raw,
      headers: { 'idempotency-key': key },
      remainingMs,
    });
    await expect.poll(() => frozen, { timeout: 5_000 }).toBe(true);
    const duplicate = await host.invoke('POST', '/v1/cases', claims, {
      body: raw,
      headers: { 'idempotency-key': key },
    });
    expect(duplicate.statusCode).toBe(409);
    expect(JSON.parse(String(duplicate.body)).type).toBe('/problems/in-progress');
    expect(Number((duplicate.headers as Record<string, string>)['retry-after'])).toBeGreaterThan(0);
    await new Promise((done) => setTimeout(done, Math.max(0, started + remainingMs + 200 - Date.now())));
    const retry = await host.invoke('POST', '/v1/cases', claims, {
      body: raw,
      headers: { 'idempotency-key': key },
    });
    expect(retry.statusCode, String(retry.body)).toBe(201);
    const again = await host.invoke('POST', '/v1/cases', claims, {
      body: raw,
      headers: { 'idempotency-key': key },
    });
    expect(again.statusCode).toBe(201);
    expect(JSON.parse(String(again.body)).id).toBe(JSON.parse(String(retry.body)).id);
    expect((await casesTitled(title)).length).toBe(1);
  });
});

describe('notifications when SNS fails', () => {
  let s: Harness;
  let faultyS: ReturnType<typeof faultyDocumentClient>;
  let clerk: string;
  const SWEEP_T0 = new Date('2026-11-20T02:00:00.000Z');
  /** Half-time of a first-time petition received at SWEEP_T0, one day early: a warning is due for each. */
  const HALF_TIME = new Date('2026-11-26T21:00:00.000Z');

  beforeAll(async () => {
    s = await createHarness({ now: SWEEP_T0 });
    faultyS = faultyDocumentClient();
    clerk = await s.token('clerk', 'clerk-sns');
  });
  afterEach(() => faultyS.faults.clear());
  afterAll(() => s?.close());

  const notifications = () => new NotificationRepository(s.deps.db, s.deps.tables.cases);
  const drain = async () => {
    await publishOutbox({ notifications: notifications(), publisher: new FlakyPublisher(), now: s.deps.now });
    expect(await notifications().pending()).toEqual([]);
  };
  const registerSome = async (n: number) => {
    for (let i = 0; i < n; i++) {
      const created = await s.request('POST', '/v1/cases', {
        token: clerk,
        body: caseBody({
          title: `sns ${i}`,
          petitioners: [{ name: '孙七', idNumber: validIdNumber(seq++) }],
        }),
      });
      expect(created.status, created.text).toBe(201);
    }
  };

  it('a sweep whose transactions are throttled half-way: each case’s warning is still sent exactly once in the end', async () => {
    await drain();
    s.setNow(SWEEP_T0);
    await registerSome(4);
    await drain();
    const faultySweep = {
      ...sweepDeps({ ...s.deps, db: faultyS.db }),
      publisher: new FlakyPublisher(),
    };
    // the second case's alert transaction is throttled (after the SDK's retries)
    faultyS.faults.add({
      operations: ['TransactWriteItems'],
      table: s.tables.cases,
      skip: 1,
      times: 1,
      error: throughputExceeded,
    });
    const warnings = async () =>
      (await scanAll(s.deps.db, s.tables.cases)).filter(
        (i) => String(i.pk) === 'T#town-a#INBOX#clerk-sns' && i.kind === 'deadline',
      );
    // the shards are swept at once: the run fails, or not, with some warnings sent and the throttled one not
    await runSweep(faultySweep, HALF_TIME).catch(() => undefined);
    const sentFirst = (await warnings()).length;
    expect(sentFirst).toBeLessThan(4);
    // either way, a clean sweep afterwards finishes the job without sending anything twice
    const publisher = new FlakyPublisher();
    const clean = await runSweep({ ...sweepDeps(s.deps), publisher }, HALF_TIME);
    expect(sentFirst + clean.warned).toBe(4);
    const audit = await auditCases(s.deps.db, s.tables);
    expect(audit.problems).toEqual([]);
    const inbox = await warnings();
    expect(inbox.length).toBe(4);
    expect(new Set(inbox.map((n) => n.caseId)).size).toBe(4);
  });

  it('a publisher that fails N times: the outbox keeps the messages, a later run delivers each exactly once', async () => {
    await drain();
    await registerSome(5);
    const waiting = await notifications().pending();
    expect(waiting.length).toBe(5);
    const publisher = new FlakyPublisher(3, new TablePublisher(s.deps.db, s.deps.tables.cases));
    const first = await publishOutbox({ notifications: notifications(), publisher, now: s.deps.now });
    expect(first).toEqual({ published: 2, failed: 3 });
    expect((await notifications().pending()).length).toBe(3);
    const second = await publishOutbox({ notifications: notifications(), publisher, now: s.deps.now });
    expect(second).toEqual({ published: 3, failed: 0 });
    expect(await notifications().pending()).toEqual([]);
    expect(publisher.attempts).toBe(8);
    const deliveries = publisher.deliveries();
    expect([...deliveries.keys()].sort()).toEqual(waiting.map((m) => m.id).sort());
    expect([...deliveries.values()].every((n) => n === 1)).toBe(true);
  });

  it('a publisher that fails everything for three runs loses nothing; the fourth delivers each once', async () => {
    await drain();
    await registerSome(3);
    const ids = (await notifications().pending()).map((m) => m.id).sort();
    const publisher = new FlakyPublisher(Number.POSITIVE_INFINITY);
    for (let run = 0; run < 3; run++)
      expect(await publishOutbox({ notifications: notifications(), publisher, now: s.deps.now })).toEqual({
        published: 0,
        failed: 3,
      });
    expect((await notifications().pending()).map((m) => m.id).sort()).toEqual(ids);
    publisher.failNext(0);
    expect(await publishOutbox({ notifications: notifications(), publisher, now: s.deps.now })).toEqual({
      published: 3,
      failed: 0,
    });
    expect([...publisher.deliveries().entries()].sort()).toEqual(ids.map((id) => [id, 1]));
  });

  it('published but the outbox delete failed: the message is sent again with the same id (at least once, deduplicable)', async () => {
    await drain();
    await registerSome(2);
    const ids = (await notifications().pending()).map((m) => m.id).sort();
    const rule = faultyS.faults.add({
      operations: ['DeleteItem'],
      table: s.tables.cases,
      times: 1,
      error: throttling,
    });
    const publisher = new FlakyPublisher();
    const first = await publishOutbox({
      notifications: new NotificationRepository(faultyS.db, s.deps.tables.cases),
      publisher,
      now: s.deps.now,
    });
    expect(rule.fired).toBe(1);
    expect(first).toEqual({ published: 1, failed: 1 });
    expect((await notifications().pending()).length).toBe(1);
    expect(await publishOutbox({ notifications: notifications(), publisher, now: s.deps.now })).toEqual({
      published: 1,
      failed: 0,
    });
    expect(await notifications().pending()).toEqual([]);
    const deliveries = publisher.deliveries();
    expect([...deliveries.keys()].sort()).toEqual(ids);
    expect([...deliveries.values()].sort()).toEqual([1, 2]);
  });
});
