import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { Middleware } from 'openapi-fetch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFengqiaoClient, type FengqiaoClient } from '../../client/index.js';
import { freePort } from '../../lambdas/local/dynamo-local.js';
import { readLock } from '../../lambdas/local/host-lock.js';
import { DEFAULT_TOWN, issueToken, type LocalKeys, loadOrCreateKeys } from '../../lambdas/local/identity.js';
import { endProcess, processAlive } from '../../lambdas/local/processes.js';
import { uniqueIdNumber } from '../support/harness.js';

/**
 * The typed client against the local host (`npm start -- --in-memory`, a child process over a data folder of its own):
 * a case walked from registration to closure and public tracking, and the Open311 bridge, each answer validated (ajv)
 * against the schema the served document gives for its path and status.
 */

interface OpenApi {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema?: object }> }> }>
  >;
  components: object;
}

const ROOT = resolve(import.meta.dirname, '../..');
const dataDir = mkdtempSync(join(tmpdir(), 'fengqiao-typed-client-'));
let host: ChildProcess | undefined;
let output = '';
let baseUrl: string;
let keys: LocalKeys;
let document: OpenApi;
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);
/** `METHOD /documented/path status` of every answer validated. */
const validated: string[] = [];
const sent: Request[] = [];

/** Each request is kept, each answer checked against the document's schema of its operation and status. */
const conformance: Middleware = {
  onRequest({ request }) {
    sent.push(request.clone());
  },
  async onResponse({ request, response, schemaPath }) {
    const method = request.method.toLowerCase();
    const answer = document.paths[schemaPath]?.[method]?.responses[String(response.status)];
    const where = `${request.method} ${schemaPath} ${response.status}`;
    expect(answer, `${where} is documented`).toBeDefined();
    const type = (response.headers.get('content-type') ?? '').split(';')[0]!;
    const schema = answer!.content?.[type]?.schema;
    expect(schema, `${where} documents ${type}`).toBeDefined();
    const validate = ajv.compile({ ...schema, components: document.components });
    const body: unknown = await response.clone().json();
    expect(validate(body), `${where}: ${JSON.stringify(validate.errors)}`).toBe(true);
    validated.push(where);
    return undefined;
  },
};

const token = (role: string, sub: string) => issueToken(keys, { roles: [role], sub });

const clientOf = (bearer?: string, language: 'zh-CN' | 'en' = 'zh-CN'): FengqiaoClient => {
  const client = createFengqiaoClient({ baseUrl, ...(bearer ? { token: bearer } : {}), language });
  client.use(conformance);
  return client;
};

/** Health 200 once the demo town is seeded; the machine is shared, so the ceiling is generous. */
async function healthy(): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (host?.exitCode !== null) throw new Error(`the local host exited:\n${output}`);
    const status = await fetch(`${baseUrl}/v1/health`, { signal: AbortSignal.timeout(5_000) }).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200) return;
    if (Date.now() > deadline) throw new Error(`the local host never answered health 200:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  host = spawn(resolve(ROOT, 'node_modules/.bin/tsx'), ['lambdas/local/main.ts', '--in-memory'], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), FENGQIAO_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [host.stdout, host.stderr])
    stream?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
  await healthy();
  keys = await loadOrCreateKeys(dataDir);
  document = (await (await fetch(`${baseUrl}/v1/openapi.json`)).json()) as OpenApi;
}, 180_000);

afterAll(async () => {
  const lock = readLock(dataDir);
  if (host && host.exitCode === null) {
    const exited = new Promise((done) => host!.once('exit', done));
    host.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 30_000))]);
    if (host.exitCode === null) host.kill('SIGKILL');
  }
  // an engine left behind by a host that did not stop in time
  if (lock?.enginePid && processAlive(lock.enginePid)) await endProcess(lock.enginePid);
  rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

describe('the typed client', () => {
  it('walks a case from registration through a review to closure, then tracks it by its query code', async () => {
    const clerk = clientOf(await token('clerk', 'clerk-1'));
    const handler = clientOf(await token('handler', 'handler-1'));
    const supervisor = clientOf(await token('supervisor', 'supervisor-1'));

    const created = await clerk.POST('/v1/cases', {
      body: {
        kind: 'dispute',
        channel: 'visit',
        category: 'labor_wages',
        title: '拖欠工资',
        description: '工地拖欠三个月工资',
        petitioners: [{ name: '张三', idNumber: uniqueIdNumber(), phone: '13912345678' }],
      },
    });
    expect(created.response.status).toBe(201);
    // a 201 is a new case, with its query code shown this once (a 200 would be a link to an open case)
    if (!created.data || !('queryCode' in created.data)) throw new Error('no new case');
    const { id, queryCode } = created.data;
    let etag = created.response.headers.get('etag')!;
    expect(etag).toBe('"1"');
    const path = { id };

    const accepted = await clerk.POST('/v1/cases/{id}/accept', {
      params: { path, header: { 'If-Match': etag } },
      body: { track: 'immediate', assigneeId: 'handler-1' },
    });
    expect(accepted.data?.status).toBe('accepted');
    etag = accepted.response.headers.get('etag')!;

    const replied = await handler.POST('/v1/cases/{id}/reply', {
      params: { path, header: { 'If-Match': etag } },
      body: { outcome: 'resolved', opinion: '已督促施工单位支付拖欠工资' },
    });
    expect(replied.data?.status).toBe('replied');
    etag = replied.response.headers.get('etag')!;

    const rated = await clerk.POST('/v1/cases/{id}/rate', {
      params: { path, header: { 'If-Match': etag } },
      body: { rating: 'dissatisfied', comment: '只付了一半' },
    });
    expect(rated.response.status).toBe(200);
    etag = rated.response.headers.get('etag')!;

    const asked = await clerk.POST('/v1/cases/{id}/request-review', {
      params: { path, header: { 'If-Match': etag } },
      body: { reason: '对答复不满意，申请复查' },
    });
    expect(asked.data?.status).toBe('under_review');
    etag = asked.response.headers.get('etag')!;

    const reviewed = await supervisor.POST('/v1/cases/{id}/record-review', {
      params: { path, header: { 'If-Match': etag } },
      body: { outcome: 'resolved', opinion: '复查认定工资已全额支付' },
    });
    expect(reviewed.data?.status).toBe('reviewed');
    etag = reviewed.response.headers.get('etag')!;

    const satisfied = await clerk.POST('/v1/cases/{id}/rate', {
      params: { path, header: { 'If-Match': etag } },
      body: { rating: 'satisfied' },
    });
    expect(satisfied.response.status).toBe(200);
    etag = satisfied.response.headers.get('etag')!;

    const closed = await clerk.POST('/v1/cases/{id}/close', {
      params: { path, header: { 'If-Match': etag } },
      body: { note: '复查后当事人满意' },
    });
    expect(closed.data?.status).toBe('closed');

    const tracked = await clientOf().GET('/v1/public/track/{queryCode}', { params: { path: { queryCode } } });
    expect(tracked.response.status).toBe(200);
    expect(tracked.data?.status).toBe('closed');
    expect(JSON.stringify(tracked.data)).not.toContain('张三');
  });

  it('refuses at compile time, and the service at run time, a decline body sent to accept', async () => {
    const clerk = clientOf(await token('clerk', 'clerk-1'), 'en');
    const created = await clerk.POST('/v1/cases', {
      body: {
        kind: 'petition',
        channel: 'letter',
        category: 'neighbor',
        title: '邻里通行纠纷',
        description: '邻居堵塞通道',
        petitioners: [{ name: '李四', idNumber: uniqueIdNumber() }],
      },
    });
    expect(created.response.status).toBe(201);
    const refused = await clerk.POST('/v1/cases/{id}/accept', {
      params: { path: { id: created.data!.id }, header: { 'If-Match': '"1"' } },
      // @ts-expect-error accept takes `{track, assigneeId?, note?}`, not decline's `{reason}`
      body: { reason: '不属于本镇受理范围' },
    });
    expect(refused.response.status).toBe(400);
    expect(refused.error && 'type' in refused.error ? refused.error.type : undefined).toBe(
      '/problems/validation',
    );
    // the client sends the caller's token and language on every request
    const last = sent.at(-1)!;
    expect(last.headers.get('authorization')).toMatch(/^Bearer ey/);
    expect(last.headers.get('accept-language')).toBe('en');
  });

  it('files and follows a request through the Open311 bridge', async () => {
    const admin = clientOf(await token('admin', 'admin-1'));
    const issued = await admin.POST('/v1/admin/open311-keys', { body: { name: '随手拍' } });
    expect(issued.response.status).toBe(201);
    const app = clientOf();

    const discovery = await app.GET('/open311/discovery.json');
    expect(discovery.data?.endpoints[0]?.formats).toEqual(['text/xml', 'application/json']);
    const services = await app.GET('/open311/v2/services.json', {
      params: { query: { jurisdiction_id: DEFAULT_TOWN } },
    });
    expect(services.data?.map((service) => service.service_code)).toContain('environment');

    const filed = await app.POST('/open311/v2/requests.json', {
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: {
        api_key: issued.data!.apiKey,
        jurisdiction_id: DEFAULT_TOWN,
        service_code: 'environment',
        lat: 30.2741234,
        long: 120.1551234,
        description: '河边工厂夜间排放污水',
        'attribute[public_description]': 'true',
      },
    });
    expect(filed.response.status).toBe(201);
    const requestId = filed.data![0]!.service_request_id;

    const followed = await app.GET('/open311/v2/requests/{id}', {
      params: { path: { id: `${requestId}.json` }, query: { jurisdiction_id: DEFAULT_TOWN } },
    });
    expect(followed.data?.[0]).toMatchObject({
      service_request_id: requestId,
      status: 'open',
      description: '河边工厂夜间排放污水',
      lat: 30.274,
      long: 120.155,
    });
  });

  it('validated every answer it received against the document', () => {
    expect(validated).toContain('POST /v1/cases/{id}/record-review 200');
    expect(validated).toContain('POST /v1/cases/{id}/accept 400');
    expect(validated).toContain('GET /open311/v2/requests/{id} 200');
    expect(validated).toHaveLength(16);
  });
});
