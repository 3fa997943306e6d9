import { createHash, randomBytes } from 'node:crypto';
import { HeadObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATTACHMENT_POLICY } from '../../lambdas/domain/attachment.js';
import { eraseExpired } from '../../lambdas/usecases/erase-personal-data.js';
import { caseBody, createHarness, type Harness, type TestResponse } from '../support/harness.js';

/**
 * Evidence on a case, end to end against the loopback S3 server: a client declares a file, PUTs its bytes to the
 * presigned URL with the headers it was given, and completes; the service checks what arrived, chains its SHA-256 onto
 * the timeline, hands out short-lived downloads (logged for letters), hides it all from anyone who cannot see the case,
 * and erases the files with the case's personal data.
 */

const TOWN = 'town-a';
let h: Harness;
let admin: string;
let clerk: string;
let handler: string;
let supervisor: string;
let otherWorker: string;
let caseId: string;
let gridB: string;

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
/** A scanned letter (a PDF), a photo (a JPEG) and a PNG, each with some bytes after its magic. */
const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(180_000)]);
const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(1_200_000)]);
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  randomBytes(4_000),
]);

const expectProblem = (response: TestResponse, status: number, type: string) => {
  expect(response.status, response.text).toBe(status);
  expect(response.headers.get('content-type')).toContain('application/problem+json');
  expect(response.body.type).toBe(`/problems/${type}`);
};

const declare = (token: string, body: Record<string, unknown>, id = caseId, headers = {}) =>
  h.request('POST', `/v1/cases/${id}/attachments`, { token, body, headers });

const put = (upload: { uploadUrl: string; uploadHeaders: Record<string, string> }, bytes: Uint8Array) =>
  fetch(upload.uploadUrl, { method: 'PUT', headers: upload.uploadHeaders, body: bytes });

const complete = (token: string, attachmentId: string, id = caseId) =>
  h.request('POST', `/v1/cases/${id}/attachments/${attachmentId}/complete`, { token });

const objectExists = async (attachmentId: string, id = caseId) => {
  try {
    await h.s3.client.send(
      new HeadObjectCommand({ Bucket: h.s3.bucket, Key: `${TOWN}/${id}/${attachmentId}` }),
    );
    return true;
  } catch {
    return false;
  }
};

/** Declares, uploads and completes a file; the milliseconds each step took. */
async function upload(
  token: string,
  kind: string,
  contentType: string,
  bytes: Buffer,
  id = caseId,
): Promise<{ id: string; ms: { declare: number; put: number; complete: number } }> {
  const t0 = performance.now();
  const declared = await declare(token, { kind, contentType, size: bytes.length, sha256: sha256(bytes) }, id);
  expect(declared.status, declared.text).toBe(201);
  const t1 = performance.now();
  const stored = await put(declared.body, bytes);
  expect(stored.status, await stored.text()).toBe(200);
  const t2 = performance.now();
  const completed = await complete(token, declared.body.id, id);
  expect(completed.status, completed.text).toBe(200);
  expect(completed.body).toMatchObject({ id: declared.body.id, status: 'stored', sha256: sha256(bytes) });
  const t3 = performance.now();
  return { id: declared.body.id, ms: { declare: t1 - t0, put: t2 - t1, complete: t3 - t2 } };
}

beforeAll(async () => {
  h = await createHarness();
  [admin, clerk, handler, supervisor, otherWorker] = await Promise.all([
    h.token('admin', 'admin-1'),
    h.token('clerk', 'clerk-1'),
    h.token('handler', 'handler-1'),
    h.token('supervisor', 'supervisor-1'),
    h.token('grid_worker', 'worker-b'),
  ]);
  const grid = async (body: Record<string, unknown>) => {
    const created = await h.request('POST', '/v1/grids', { token: admin, body });
    expect(created.status, created.text).toBe(201);
    return created.body.id as string;
  };
  const root = await grid({ name: '第一综合网格', level: 'comprehensive' });
  const gridA = await grid({ name: '东村网格', level: 'village', parentId: root, village: '东村' });
  gridB = await grid({ name: '西村网格', level: 'village', parentId: root, village: '西村' });
  expect((await h.request('PUT', `/v1/grids/${gridB}/workers/worker-b`, { token: admin })).status).toBe(200);
  const created = await h.request('POST', '/v1/cases', {
    token: clerk,
    body: caseBody({ channel: 'letter', gridId: gridA }),
  });
  expect(created.status, created.text).toBe(201);
  caseId = created.body.id;
  const accepted = await h.request('POST', `/v1/cases/${caseId}/accept`, {
    token: clerk,
    body: { track: 'immediate', assigneeId: 'handler-1' },
    headers: { 'if-match': '"1"' },
  });
  expect(accepted.status, accepted.text).toBe(200);
});
afterAll(() => h.close());

describe('evidence on a case', () => {
  let letter: string;
  let photo: string;

  it('takes a letter and a photo through presigned PUTs, each checked and chained onto the timeline', async () => {
    const scanned = await upload(clerk, 'letter', 'application/pdf', pdf);
    const taken = await upload(handler, 'photo', 'image/jpeg', jpeg);
    letter = scanned.id;
    photo = taken.id;
    console.info(
      JSON.stringify({
        uploads: [
          { kind: 'letter', bytes: pdf.length, ms: scanned.ms },
          { kind: 'photo', bytes: jpeg.length, ms: taken.ms },
        ],
      }),
    );
    expect(await objectExists(letter)).toBe(true);
    // object keys name the town, the case and the attachment: nothing personal
    const listed = await h.s3.client.send(
      new ListObjectsV2Command({ Bucket: h.s3.bucket, Prefix: `${TOWN}/` }),
    );
    expect((listed.Contents ?? []).map((o) => o.Key).sort()).toEqual(
      [`${TOWN}/${caseId}/${letter}`, `${TOWN}/${caseId}/${photo}`].sort(),
    );

    const timeline = await h.request('GET', `/v1/cases/${caseId}/timeline?verify=true`, { token: clerk });
    expect(timeline.body.valid).toBe(true);
    const stored = timeline.body.items.filter((e: { action: string }) => e.action === 'attachment-stored');
    expect(stored.map((e: { attachment: unknown }) => e.attachment)).toEqual([
      { id: letter, kind: 'letter', contentType: 'application/pdf', size: pdf.length, sha256: sha256(pdf) },
      { id: photo, kind: 'photo', contentType: 'image/jpeg', size: jpeg.length, sha256: sha256(jpeg) },
    ]);
    expect(stored[0].actor).toEqual({ id: 'clerk-1', role: 'clerk' });
  });

  it('takes a file of exactly the size limit', async () => {
    const largest = Buffer.concat([pdf.subarray(0, 9), randomBytes(ATTACHMENT_POLICY.maxBytes - 9)]);
    const stored = await upload(clerk, 'agreement', 'application/pdf', largest);
    console.info(JSON.stringify({ uploads: [{ kind: 'agreement', bytes: largest.length, ms: stored.ms }] }));
  });

  it('answers a second complete with the stored file, and no second event', async () => {
    const again = await complete(clerk, letter);
    expect(again.status).toBe(200);
    expect(again.body.status).toBe('stored');
    const timeline = await h.request('GET', `/v1/cases/${caseId}/timeline`, { token: clerk });
    expect(
      timeline.body.items.filter((e: { action: string }) => e.action === 'attachment-stored'),
    ).toHaveLength(3);
  });

  it('refuses a file whose SHA-256 is not the one declared, and deletes it with its record', async () => {
    const declared = await declare(clerk, {
      kind: 'photo',
      contentType: 'image/jpeg',
      size: jpeg.length,
      sha256: sha256(Buffer.from('another file')),
    });
    expect(declared.status).toBe(201);
    // the loopback server checks no checksum (S3 would refuse this PUT): the service's own check must catch it
    expect((await put(declared.body, jpeg)).status).toBe(200);
    const refused = await complete(clerk, declared.body.id);
    expectProblem(refused, 409, 'upload-mismatch');
    expect(refused.body.detail).toContain('SHA-256');
    expect(await objectExists(declared.body.id)).toBe(false);
    expect((await complete(clerk, declared.body.id)).status).toBe(404);
  });

  it('refuses PNG bytes declared as a JPEG, in English too', async () => {
    const declared = await declare(clerk, {
      kind: 'photo',
      contentType: 'image/jpeg',
      size: png.length,
      sha256: sha256(png),
    });
    expect((await put(declared.body, png)).status).toBe(200);
    const refused = await h.request('POST', `/v1/cases/${caseId}/attachments/${declared.body.id}/complete`, {
      token: clerk,
      headers: { 'accept-language': 'en' },
    });
    expectProblem(refused, 409, 'upload-mismatch');
    expect(refused.body.detail).toContain('not of the type declared');
    expect(await objectExists(declared.body.id)).toBe(false);
  });

  it('says a file not yet uploaded is missing, and keeps its record for the upload', async () => {
    const declared = await declare(clerk, {
      kind: 'reply',
      contentType: 'application/pdf',
      size: pdf.length,
      sha256: sha256(pdf),
    });
    const early = await complete(clerk, declared.body.id);
    expectProblem(early, 409, 'upload-mismatch');
    expect((await put(declared.body, pdf)).status).toBe(200);
    expect((await complete(clerk, declared.body.id)).status).toBe(200);
  });

  it('refuses a file over the limit, a type it cannot check and a malformed checksum, naming each field', async () => {
    const over = await declare(clerk, {
      kind: 'letter',
      contentType: 'application/pdf',
      size: ATTACHMENT_POLICY.maxBytes + 1,
      sha256: sha256(pdf),
    });
    expectProblem(over, 400, 'validation');
    expect(over.body.errors).toEqual([{ path: 'size', message: '文件不得超过 20 MiB' }]);
    const odd = await declare(clerk, {
      kind: 'letter',
      contentType: 'image/gif',
      size: 10,
      sha256: sha256(pdf).toUpperCase(),
    });
    expectProblem(odd, 400, 'validation');
    expect(odd.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['contentType', 'sha256']);
  });

  it('has the store refuse an upload URL past its validity', async () => {
    const declared = await declare(clerk, {
      kind: 'photo',
      contentType: 'image/jpeg',
      size: jpeg.length,
      sha256: sha256(jpeg),
    });
    expect(declared.status).toBe(201);
    // the same presigner, for one second rather than five minutes
    const brief = await h.deps.evidence!.presignUpload({
      key: `${TOWN}/${caseId}/${declared.body.id}`,
      contentType: 'image/jpeg',
      size: jpeg.length,
      sha256: sha256(jpeg),
      seconds: 1,
    });
    await new Promise((done) => setTimeout(done, 2_100));
    const refused = await put({ uploadUrl: brief.url, uploadHeaders: brief.headers }, jpeg);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('expired');
    expect(await objectExists(declared.body.id)).toBe(false);
    expectProblem(await complete(clerk, declared.body.id), 409, 'upload-mismatch');
  });

  it('lists the files and hands the handler a download; a letter needs a purpose, and is logged', async () => {
    const list = await h.request('GET', `/v1/cases/${caseId}/attachments`, { token: handler });
    expect(list.status).toBe(200);
    const stored = list.body.items.filter((a: { status: string }) => a.status === 'stored');
    expect(stored.map((a: { id: string }) => a.id)).toEqual(expect.arrayContaining([letter, photo]));
    expect(Object.keys(stored.find((a: { id: string }) => a.id === letter)).sort()).toEqual(
      ['contentType', 'createdAt', 'id', 'kind', 'sha256', 'size', 'status', 'storedAt'].sort(),
    );

    const noPurpose = await h.request('GET', `/v1/cases/${caseId}/attachments/${letter}`, { token: handler });
    expectProblem(noPurpose, 400, 'validation');
    expect(noPurpose.body.errors[0].path).toBe('purpose');

    const purpose = encodeURIComponent('核对来信原件内容');
    const download = await h.request('GET', `/v1/cases/${caseId}/attachments/${letter}?purpose=${purpose}`, {
      token: handler,
    });
    expect(download.status, download.text).toBe(200);
    expect(download.headers.get('cache-control')).toBe('no-store');
    expect(Date.parse(download.body.expiresAt) - Date.now()).toBeGreaterThan(4 * 60 * 1000);
    const fetched = await fetch(download.body.downloadUrl);
    expect(fetched.status).toBe(200);
    expect(sha256(new Uint8Array(await fetched.arrayBuffer()))).toBe(sha256(pdf));

    const photoLink = await h.request('GET', `/v1/cases/${caseId}/attachments/${photo}`, { token: handler });
    expect(photoLink.status).toBe(200);

    const day = new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
    const log = await h.request('GET', `/v1/audit/reveals?from=${day}&to=${day}`, { token: supervisor });
    expect(log.status, log.text).toBe(200);
    const downloads = log.body.items.filter((e: { attachment?: unknown }) => e.attachment);
    expect(downloads).toEqual([
      expect.objectContaining({
        caseId,
        actor: { id: 'handler-1', role: 'handler' },
        attachment: { id: letter, kind: 'letter' },
        purpose: '核对来信原件内容',
      }),
    ]);
  });

  it('is not found for a worker of another grid, on every route', async () => {
    const routes = [
      h.request('GET', `/v1/cases/${caseId}/attachments`, { token: otherWorker }),
      h.request('GET', `/v1/cases/${caseId}/attachments/${photo}`, { token: otherWorker }),
      h.request('POST', `/v1/cases/${caseId}/attachments/${photo}/complete`, { token: otherWorker }),
      declare(otherWorker, { kind: 'photo', contentType: 'image/jpeg', size: 10, sha256: sha256(jpeg) }),
    ];
    for (const response of await Promise.all(routes)) expectProblem(response, 404, 'not-found');
    // nor does an attachment of another case exist on this one
    const other = await h.request('POST', '/v1/cases', { token: clerk, body: caseBody() });
    expect(
      (await h.request('GET', `/v1/cases/${other.body.id}/attachments/${photo}`, { token: clerk })).status,
    ).toBe(404);
  });

  it('lets a petitioner add to their own online petition, and to no case registered at the window', async () => {
    const citizen = await h.token('petitioner', 'citizen-1');
    const { channel: _channel, ...online } = caseBody();
    const filed = await h.request('POST', '/v1/public/petitions', { token: citizen, body: online });
    expect(filed.status, filed.text).toBe(201);
    await upload(citizen, 'photo', 'image/jpeg', jpeg, filed.body.id);
    const theirs = await h.request('GET', `/v1/cases/${filed.body.id}/attachments`, { token: citizen });
    expect(theirs.body.items).toHaveLength(1);
    expectProblem(
      await h.request('GET', `/v1/cases/${caseId}/attachments`, { token: citizen }),
      404,
      'not-found',
    );
  });

  it('names the same upload again for a retry with the same Idempotency-Key, with a fresh link', async () => {
    const body = { kind: 'other', contentType: 'image/png', size: png.length, sha256: sha256(png) };
    const headers = { 'idempotency-key': 'retry-attachment-1' };
    const first = await declare(clerk, body, caseId, headers);
    const second = await declare(clerk, body, caseId, headers);
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body.id).toBe(first.body.id);
    expect(second.body.uploadUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    // the idempotency store keeps the answer without its presigned link
    const stored = await h.deps.db.send(new ScanCommand({ TableName: h.tables.idempotency }));
    expect(JSON.stringify(stored.Items)).toContain(first.body.id);
    expect(JSON.stringify(stored.Items)).not.toContain('X-Amz-Signature');
    expect((await put(second.body, png)).status).toBe(200);
    expect((await complete(clerk, first.body.id)).status).toBe(200);
  });

  it(`holds at most ${ATTACHMENT_POLICY.maxPerCase} files a case, pending uploads counted`, async () => {
    const full = await h.request('POST', '/v1/cases', { token: clerk, body: caseBody() });
    const body = { kind: 'photo', contentType: 'image/jpeg', size: 10, sha256: sha256(jpeg) };
    for (let i = 0; i < ATTACHMENT_POLICY.maxPerCase; i++)
      expect((await declare(clerk, body, full.body.id)).status).toBe(201);
    const refused = await declare(clerk, body, full.body.id);
    expectProblem(refused, 409, 'attachment-limit');
    expect(refused.body.detail).toBe(`每个案件最多保存 ${ATTACHMENT_POLICY.maxPerCase} 个附件`);
  });

  it('has retention erase a closed case’s files in the same nightly run as its personal data', async () => {
    const created = await h.request('POST', '/v1/cases', { token: clerk, body: caseBody() });
    const id: string = created.body.id;
    const kept = await upload(clerk, 'agreement', 'application/pdf', pdf, id);
    let version = 1;
    for (const [name, token, body] of [
      ['accept', clerk, { track: 'immediate', assigneeId: 'handler-1' }],
      ['reply', handler, { outcome: 'resolved', opinion: '已调解' }],
      ['rate', clerk, { rating: 'satisfied' }],
      ['close', clerk, {}],
    ] as const) {
      const done = await h.request('POST', `/v1/cases/${id}/${name}`, {
        token,
        body,
        headers: { 'if-match': `"${version}"` },
      });
      expect(done.status, done.text).toBe(200);
      version = done.body.version;
    }
    expect(await objectExists(kept.id, id)).toBe(true);
    const later = new Date(Date.now() + 3651 * 24 * 3600 * 1000);
    h.setNow(later);
    try {
      expect((await eraseExpired(h.deps, TOWN, later)).erased).toBeGreaterThanOrEqual(1);
    } finally {
      h.setNow(new Date());
    }
    expect(await objectExists(kept.id, id)).toBe(false);
    const list = await h.request('GET', `/v1/cases/${id}/attachments`, { token: clerk });
    expect(list.body.items.map((a: { status: string }) => a.status)).toEqual(['erased']);
  });

  it('erases the files, every one, with the case’s personal data', async () => {
    const withdrawn = await h.request('POST', `/v1/cases/${caseId}/withdraw`, {
      token: clerk,
      body: { reason: '已和解' },
      headers: { 'if-match': '"2"' },
    });
    expect(withdrawn.status, withdrawn.text).toBe(200);
    const erased = await h.request('POST', `/v1/cases/${caseId}/erase`, {
      token: admin,
      body: { reason: '当事人申请删除个人信息' },
      headers: { 'if-match': `"${withdrawn.body.version}"` },
    });
    expect(erased.status, erased.text).toBe(200);
    const left = await h.s3.client.send(
      new ListObjectsV2Command({ Bucket: h.s3.bucket, Prefix: `${TOWN}/${caseId}/` }),
    );
    expect(left.Contents ?? []).toEqual([]);
    const list = await h.request('GET', `/v1/cases/${caseId}/attachments`, { token: clerk });
    expect(new Set(list.body.items.map((a: { status: string }) => a.status))).toEqual(new Set(['erased']));
    expectProblem(
      await h.request('GET', `/v1/cases/${caseId}/attachments/${photo}`, { token: clerk }),
      409,
      'already-erased',
    );
    expectProblem(
      await declare(clerk, { kind: 'photo', contentType: 'image/jpeg', size: 10, sha256: sha256(jpeg) }),
      409,
      'already-erased',
    );
    const timeline = await h.request('GET', `/v1/cases/${caseId}/timeline?verify=true`, { token: clerk });
    expect(timeline.body.valid).toBe(true);
    expect(timeline.body.items.at(-1).action).toBe('erase');
  });
});
