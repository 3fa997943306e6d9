import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request as httpGet } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFamilyHandlers } from '../../lambdas/local/app.js';
import { verifyToken } from '../../lambdas/local/identity.js';
import { createLocalServer } from '../../lambdas/local/server.js';
import { ensureWebBuilt, isBuilt } from '../../lambdas/local/web-build.js';
import { createWebPages, LOCAL_WEB_CONFIG, sitePath } from '../../lambdas/local/web-pages.js';
import { createLocalSignIn, defaultSubFor } from '../../lambdas/local/web-sign-in.js';
import { HASHED_FILE_CACHE, HSTS_MAX_AGE_SECONDS } from '../../lib/constructs/web-headers.js';
import { createHarness, type Harness, httpRequest } from '../support/harness.js';

/**
 * The local host's web side: the built pages of a dist folder (here a fixture folder, as Vite lays one out) served at
 * `/`, `/track` and `/assets/*` beside the API with the pages' security headers, `/config.json` of a local host,
 * nothing outside the folder, and the local sign-in's dev tokens.
 */

const work = mkdtempSync(join(tmpdir(), 'fengqiao-local-web-'));
const dist = join(work, 'dist');
const SCRIPT = `console.log(${JSON.stringify('工作台'.repeat(400))});\n`;
const HASHED_SCRIPT = 'assets/index-BkL2x9aQ.js';

function writeFixture(): void {
  mkdirSync(join(dist, 'assets'), { recursive: true });
  mkdirSync(join(dist, '.vite'), { recursive: true });
  writeFileSync(
    join(dist, 'index.html'),
    '<!doctype html><html lang="zh-CN"><title>信访工作台</title><script type="module" src="/assets/index-BkL2x9aQ.js"></script></html>',
  );
  writeFileSync(
    join(dist, 'track.html'),
    '<!doctype html><html lang="zh-CN"><title>信访事项查询</title></html>',
  );
  writeFileSync(join(dist, HASHED_SCRIPT), SCRIPT);
  writeFileSync(join(dist, 'assets/index-Cq3x_9Zk.css'), 'body{margin:0}');
  writeFileSync(join(dist, 'assets/logo-D4f5G6h7.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(join(dist, 'assets/font-E1r2T3y4.woff2'), Buffer.from([0x77, 0x4f, 0x46, 0x32]));
  writeFileSync(join(dist, 'favicon.ico'), Buffer.from([0, 0, 1, 0]));
  writeFileSync(join(dist, '.vite/manifest.json'), '{"index.html":{}}');
  // a config of the build's own, which the host's settings win over
  writeFileSync(join(dist, 'config.json'), '{"apiBaseUrl":"https://elsewhere.example"}');
  // what no request may reach: a file beside the folder, and a link inside it that points there
  writeFileSync(join(work, 'secret.txt'), 'SECRET-BESIDE-DIST');
  symlinkSync(join(work, 'secret.txt'), join(dist, 'assets/linked-A1b2C3d4.txt'));
}

let h: Harness;
let baseUrl: string;
let close: () => Promise<void>;

beforeAll(async () => {
  writeFixture();
  h = await createHarness();
  const server = createLocalServer({
    handlers: createFamilyHandlers(h.deps),
    keys: h.keys,
    pages: [createLocalSignIn(h.keys), createWebPages(dist)],
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () =>
    new Promise<void>((done) => {
      server.closeAllConnections();
      server.close(() => done());
    });
});

afterAll(async () => {
  await close?.();
  await h?.close();
  rmSync(work, { recursive: true, force: true });
});

/** A request with its target exactly as written: no client normalises `..` or percent-escapes away. */
function rawGet(
  target: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((done, fail) => {
    const req = httpGet({ hostname, port, path: target, method: 'GET', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        done({
          status: res.statusCode ?? 0,
          body: Buffer.concat(chunks).toString('utf8'),
          headers: res.headers,
        }),
      );
    });
    req.on('error', fail);
    req.end();
  });
}

const get = (path: string, headers: Record<string, string> = {}) =>
  httpRequest(baseUrl, 'GET', path, { headers });

describe('the pages', () => {
  it('serves the workbench at / and the citizens’ page at /track, as HTML asked again each time', async () => {
    const root = await get('/');
    expect(root.status).toBe(200);
    expect(root.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(root.headers.get('cache-control')).toBe('no-cache');
    expect(root.text).toContain('信访工作台');
    const track = await get('/track');
    expect(track.status).toBe(200);
    expect(track.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(track.text).toContain('信访事项查询');
    // the files under their own names too, and a query string changes nothing
    expect((await get('/track.html')).text).toBe(track.text);
    expect((await get('/track?code=ABC')).text).toBe(track.text);
    // as CloudFront's viewer-request function rewrites it
    expect((await get('/track/')).text).toBe(track.text);
    expect((await get('/index.html')).text).toBe(root.text);
  });

  it('serves each asset with its content type, hashed names cached for a year', async () => {
    const cases = [
      [`/${HASHED_SCRIPT}`, 'text/javascript; charset=utf-8'],
      ['/assets/index-Cq3x_9Zk.css', 'text/css; charset=utf-8'],
      ['/assets/logo-D4f5G6h7.svg', 'image/svg+xml'],
      ['/assets/font-E1r2T3y4.woff2', 'font/woff2'],
    ] as const;
    for (const [path, type] of cases) {
      const response = await get(path);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type'), path).toBe(type);
      expect(response.headers.get('cache-control'), path).toBe(HASHED_FILE_CACHE);
    }
    const icon = await get('/favicon.ico');
    expect(icon.headers.get('content-type')).toBe('image/x-icon');
    // no hash in its name: asked again each time
    expect(icon.headers.get('cache-control')).toBe('no-cache');
  });

  it('compresses text for a browser that accepts gzip, and answers 304 to the tag it holds', async () => {
    const plain = await rawGet(`/${HASHED_SCRIPT}`);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toBe(SCRIPT);
    const { hostname, port } = new URL(baseUrl);
    const gzipped = await new Promise<{ body: Buffer; headers: Record<string, unknown> }>((done, fail) => {
      const req = httpGet(
        { hostname, port, path: `/${HASHED_SCRIPT}`, headers: { 'accept-encoding': 'gzip, br' } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => done({ body: Buffer.concat(chunks), headers: res.headers }));
        },
      );
      req.on('error', fail);
      req.end();
    });
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gzipped.headers.vary).toBe('accept-encoding');
    expect(gzipped.body.length).toBeLessThan(Buffer.byteLength(SCRIPT) / 4);
    expect(gunzipSync(gzipped.body).toString('utf8')).toBe(SCRIPT);
    const again = await rawGet(`/${HASHED_SCRIPT}`, { 'if-none-match': String(plain.headers.etag) });
    expect(again.status).toBe(304);
    expect(again.body).toBe('');
  });

  it('answers HEAD with the headers alone', async () => {
    const response = await httpRequest(baseUrl, 'HEAD', '/');
    expect(response.status).toBe(200);
    expect(response.text).toBe('');
    expect(Number(response.headers.get('content-length'))).toBeGreaterThan(0);
  });

  it('sends the pages’ security headers: a CSP without inline scripts, framing denied, HSTS', async () => {
    for (const path of ['/', '/track', `/${HASHED_SCRIPT}`, '/config.json']) {
      const { headers } = await get(path);
      const csp = headers.get('content-security-policy') ?? '';
      const directives = new Map(
        csp.split(';').map((d) => {
          const [name = '', ...values] = d.trim().split(/\s+/);
          return [name, values] as const;
        }),
      );
      expect(directives.get('default-src'), path).toEqual(["'self'"]);
      expect(directives.get('script-src'), path).toEqual(["'self'"]);
      expect(directives.get('object-src'), path).toEqual(["'none'"]);
      expect(directives.get('frame-ancestors'), path).toEqual(["'none'"]);
      expect(csp, path).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline|https?:|\*/);
      expect(headers.get('x-frame-options'), path).toBe('DENY');
      expect(headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(headers.get('referrer-policy'), path).toBe('no-referrer');
      expect(headers.get('strict-transport-security'), path).toBe(
        `max-age=${HSTS_MAX_AGE_SECONDS}; includeSubDomains`,
      );
    }
    expect(HSTS_MAX_AGE_SECONDS).toBe(63_072_000);
  });

  it('serves /config.json of a local host, whatever the build holds', async () => {
    const response = await get('/config.json');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(response.body).toEqual({ apiBaseUrl: '', auth: { kind: 'local' } });
    expect(response.body).toEqual(LOCAL_WEB_CONFIG);
  });
});

describe('paths that are no page', () => {
  it('get the host’s 404, the API’s paths included', async () => {
    for (const path of [
      '/nothing',
      '/assets/',
      '/assets/missing-AAAAAAAA.js',
      '/track/x',
      '/v1/nothing',
      '/open311/x',
    ]) {
      const response = await get(path);
      expect(response.status, path).toBe(404);
      expect(response.body, path).toEqual({ message: 'Not Found' });
    }
    // a file of the folder never stands in for the API
    expect((await get('/v1/health')).body).toEqual({ status: 'ok' });
    // the site answers GET and HEAD only
    expect((await httpRequest(baseUrl, 'POST', '/', { body: {} })).status).toBe(404);
  });

  it('never reach outside the folder: `..` raw or encoded, backslashes, NULs, links out, dot files', async () => {
    const targets = [
      '/../secret.txt',
      '/assets/../../secret.txt',
      '/assets/%2e%2e/%2e%2e/secret.txt',
      '/%2E%2E/secret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/assets/..%5c..%5csecret.txt',
      '/assets\\..\\..\\secret.txt',
      '/assets/%00/../../secret.txt',
      '/..%2fsecret.txt',
      '/assets/linked-A1b2C3d4.txt',
      '/.vite/manifest.json',
      '/%2evite/manifest.json',
      '/assets/%E0%A4%A',
      '//etc/passwd',
      '/assets/../index.html',
    ];
    for (const target of targets) {
      const response = await rawGet(target);
      expect(response.status, target).toBe(404);
      expect(response.body, target).not.toContain('SECRET');
      expect(response.body, target).not.toContain('index.html":');
    }
  });

  it('are told apart from pages by one function that refuses `..` before anything resolves it', () => {
    expect(sitePath('/')).toBe('index.html');
    expect(sitePath('/track')).toBe('track.html');
    expect(sitePath('/assets/a-12345678.js')).toBe('assets/a-12345678.js');
    expect(sitePath('/assets/../index.html')).toBeUndefined();
    expect(sitePath('/a/%2e%2e/b')).toBeUndefined();
    expect(sitePath('/v1/health')).toBeUndefined();
    expect(sitePath('/dev/tokens')).toBeUndefined();
    expect(sitePath('/%ZZ')).toBeUndefined();
  });

  it('are all there is when the folder holds no build', async () => {
    const empty = createWebPages(join(work, 'no-such-dist'));
    const server = createLocalServer({
      handlers: createFamilyHandlers(h.deps),
      keys: h.keys,
      pages: [empty],
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      expect((await httpRequest(url, 'GET', '/')).status).toBe(404);
      // the settings answer still: they are the host's, not the build's
      expect((await httpRequest(url, 'GET', '/config.json')).body).toEqual(LOCAL_WEB_CONFIG);
    } finally {
      server.closeAllConnections();
      server.close();
    }
    expect(isBuilt(dist)).toBe(true);
    expect(isBuilt(join(work, 'no-such-dist'))).toBe(false);
  });
});

describe('POST /dev/tokens', () => {
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    httpRequest(baseUrl, 'POST', '/dev/tokens', { body, headers });

  it('issues a bearer token for the role, which the API accepts', async () => {
    const response = await post({ role: 'clerk' });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.body).toMatchObject({
      token_type: 'Bearer',
      expires_in: 28_800,
      sub: 'clerk-1',
      town: 'demo-town',
    });
    const token = response.body.access_token as string;
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({ sub: 'clerk-1', 'custom:town': 'demo-town', 'cognito:groups': ['clerk'] });
    expect(await verifyToken(h.keys, token)).toBeDefined();
    const cases = await httpRequest(baseUrl, 'GET', '/v1/cases', { token });
    expect(cases.status).toBe(200);
    // and a role the route refuses is refused by the API, not by the sign-in
    const citizen = (await post({ role: 'petitioner', sub: 'citizen-7', town: 'town-b' })).body;
    expect(decodeJwt(citizen.access_token)).toMatchObject({ sub: 'citizen-7', 'custom:town': 'town-b' });
    expect((await httpRequest(baseUrl, 'GET', '/v1/cases', { token: citizen.access_token })).status).toBe(
      403,
    );
    expect((await httpRequest(baseUrl, 'GET', '/v1/me/cases', { token: citizen.access_token })).status).toBe(
      200,
    );
  });

  it('signs each role in as the demo town’s staff member holding it, unless a sub is given', async () => {
    expect(defaultSubFor('supervisor')).toBe('supervisor-1');
    expect(defaultSubFor('grid_worker')).toBe('grid-worker-1');
    expect(defaultSubFor('petitioner')).toBe('citizen-1');
    const handler = await post({ role: 'handler', sub: 'handler-2' });
    expect(decodeJwt(handler.body.access_token)).toMatchObject({
      sub: 'handler-2',
      'cognito:groups': ['handler'],
    });
  });

  it('gives a city supervisor the towns it names, and no other role any', async () => {
    const city = await post({ role: 'city_supervisor', towns: ['demo-town', 'town-b'] });
    expect(city.status).toBe(200);
    expect(decodeJwt(city.body.access_token)['custom:towns']).toEqual(['demo-town', 'town-b']);
    const refused = await post({ role: 'clerk', towns: ['town-b'] }, { 'accept-language': 'en' });
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([
      { path: 'towns', message: 'only the role city_supervisor has towns' },
    ]);
  });

  it('refuses a bad role with a problem naming `role`, in the caller’s language', async () => {
    for (const body of [{ role: 'mayor' }, {}, { role: 42 }]) {
      const response = await post(body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
      expect(response.body.type).toBe('/problems/validation');
      expect(response.body.errors.map((e: { path: string }) => e.path)).toEqual(['role']);
      expect(response.body.errors[0].message).toMatch(/[\u4e00-\u9fff]/);
    }
    const english = await post({ role: 'mayor' }, { 'accept-language': 'en' });
    expect(english.body.errors[0].message).toMatch(/clerk/);
    expect(english.body.errors[0].message).not.toMatch(/[\u4e00-\u9fff]/);
  });

  it('refuses bad fields, unknown fields, a body that is no JSON and one that is too large', async () => {
    const fields = async (body: unknown) =>
      (await post(body)).body.errors.map((e: { path: string }) => e.path);
    expect(await fields({ role: 'clerk', sub: '' })).toEqual(['sub']);
    expect(await fields({ role: 'clerk', sub: 'a b' })).toEqual(['sub']);
    expect(await fields({ role: 'clerk', town: '../x' })).toEqual(['town']);
    expect(await fields({ role: 'clerk', admin: true })).toEqual(['admin']);
    const notJson = await httpRequest(baseUrl, 'POST', '/dev/tokens', {
      rawBody: '{role',
      headers: { 'content-type': 'application/json' },
    });
    expect(notJson.status).toBe(400);
    const form = await httpRequest(baseUrl, 'POST', '/dev/tokens', {
      rawBody: 'role=clerk',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form.status).toBe(415);
    expect(form.body.type).toBe('/problems/unsupported-media-type');
    const large = await post({ role: 'clerk', sub: 'x'.repeat(20_000) });
    expect(large.status).toBe(413);
    // only POST issues tokens
    expect((await get('/dev/tokens')).status).toBe(404);
  });
});

describe('GET /dev/sign-in', () => {
  it('is a page of the local host whose script is a file of its own, no inline script', async () => {
    const page = await get('/dev/sign-in');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.text).toContain('<script src="/dev/sign-in.js" defer></script>');
    expect(page.text.match(/<script\b[^>]*>[^<]+<\/script>/)).toBeNull();
    expect(page.text).toContain('data-role="clerk" data-sub="clerk-1"');
    expect(page.text).toContain('窗口受理员');
    expect((await get('/dev/sign-in', { 'accept-language': 'en' })).text).toContain('Window clerk');
    const script = await get('/dev/sign-in.js');
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(script.text).toContain("fetch('/dev/tokens'");
  });
});

describe('building the pages for npm start', () => {
  /** A checkout of its own whose `vite` is a script doing what a test says. */
  function checkout(vite: string | undefined, withBuild = false): string {
    const root = mkdtempSync(join(work, 'checkout-'));
    mkdirSync(join(root, 'web'), { recursive: true });
    if (vite !== undefined) {
      writeFileSync(join(root, 'web/vite.config.ts'), 'export default {};');
      mkdirSync(join(root, 'node_modules/.bin'), { recursive: true });
      writeFileSync(join(root, 'node_modules/.bin/vite'), `#!/bin/sh\n${vite}\n`, { mode: 0o755 });
    }
    if (withBuild) {
      mkdirSync(join(root, 'web/dist'), { recursive: true });
      for (const page of ['index.html', 'track.html']) writeFileSync(join(root, 'web/dist', page), '');
    }
    return root;
  }
  const BUILDS =
    'test "$1 $2 $3" = "build --config web/vite.config.ts" || exit 9; mkdir -p web/dist && touch web/dist/index.html web/dist/track.html';

  it('runs vite build once when web/dist holds no build, and says so', async () => {
    const root = checkout(BUILDS);
    const lines: string[] = [];
    const outcome = await ensureWebBuilt((line) => lines.push(line), root);
    expect(outcome.kind).toBe('built');
    expect(lines).toEqual([
      'building the web pages (web/dist has none): vite build --config web/vite.config.ts',
    ]);
    expect(isBuilt(join(root, 'web/dist'))).toBe(true);
    // a build there: nothing is run again
    expect(await ensureWebBuilt((line) => lines.push(line), root)).toEqual({ kind: 'present' });
    expect(lines).toHaveLength(1);
  });

  it('leaves a build it finds alone, and reports sources it lacks or a build that fails', async () => {
    expect(await ensureWebBuilt(() => undefined, checkout('exit 1', true))).toEqual({ kind: 'present' });
    expect(await ensureWebBuilt(() => undefined, checkout(undefined))).toEqual({ kind: 'no-sources' });
    const failed = await ensureWebBuilt(
      () => undefined,
      checkout('echo "error: web/src/main.ts does not parse" >&2; exit 1'),
    );
    expect(failed).toEqual({ kind: 'failed', output: 'error: web/src/main.ts does not parse\n' });
    // a run that ends well without both pages is no build either
    const half = await ensureWebBuilt(
      () => undefined,
      checkout('mkdir -p web/dist && touch web/dist/index.html'),
    );
    expect(half.kind).toBe('failed');
  });
});
