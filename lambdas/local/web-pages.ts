import { createHash } from 'node:crypto';
import { readFile, realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, resolve, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  HASHED_FILE_CACHE,
  PAGE_CACHE,
  PAGE_HEADERS,
  pageContentSecurityPolicy,
} from '../../lib/constructs/web-headers.js';

/**
 * The built web pages (web/dist) as the local host serves them beside the API, the way CloudFront serves them from
 * the site bucket: `/` the workbench, `/track` the citizens' tracking page, `/assets/*` the hashed scripts and styles
 * (cached for a year), `/config.json` the runtime settings of a local host, every answer with the pages' security
 * headers. Nothing outside the folder: a path with `..`, a backslash, a NUL or a dot file is no file of the site.
 */

/** The runtime settings the pages read at start: the API on the same origin, sign-in through the local host. */
export const LOCAL_WEB_CONFIG = { apiBaseUrl: '', auth: { kind: 'local' } } as const;

/** The paths the site answers with a page of another name (CloudFront's viewer-request function does the same). */
const PAGE_FILES: Readonly<Record<string, string>> = {
  '/': 'index.html',
  '/track': 'track.html',
  '/track/': 'track.html',
};

/** Paths of the API: never a file, whatever the folder holds. */
const API_PATH = /^\/(v1|open311|dev)(\/|$)/;

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.webmanifest': 'application/manifest+json',
};

/** Vite's hashed file names: `assets/index-BkL2x9aQ.js`. */
const HASHED = /^assets\/.+-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/;

/** Text worth compressing, when the browser accepts gzip (as CloudFront compresses). */
const COMPRESSIBLE = /^(text\/|application\/(json|manifest\+json|wasm)|image\/svg)/;

interface Loaded {
  mtimeMs: number;
  size: number;
  body: Buffer;
  gzipped?: Buffer;
  etag: string;
}

/**
 * The file a request path names inside the folder, relative to it, or undefined when the path is no file of the site:
 * a `..` segment (raw or percent-encoded), a backslash, a NUL, a dot file, bad percent-encoding.
 */
export function sitePath(rawPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return undefined;
  }
  if (!decoded.startsWith('/') || /[\\\0]/.test(decoded)) return undefined;
  const segments = decoded.split('/').slice(1);
  if (segments.some((segment) => segment === '..' || segment.startsWith('.'))) return undefined;
  if (API_PATH.test(decoded)) return undefined;
  const page = PAGE_FILES[decoded];
  if (page) return page;
  if (segments.some((segment) => segment === '') || decoded.endsWith('/')) return undefined;
  return segments.join('/');
}

const pageHeaders = (): Record<string, string> => ({
  'content-security-policy': pageContentSecurityPolicy(),
  ...PAGE_HEADERS,
});

/**
 * A handler of the site's GET and HEAD requests over the folder `distDir`: true when it answered, false when the path
 * is no page of the site (the host answers its 404 then). The folder is read on each request (a rebuild shows at
 * once); a file's bytes are kept while its size and modification time stay the same.
 */
export function createWebPages(distDir: string) {
  const root = resolve(distDir);
  const cache = new Map<string, Loaded>();

  async function load(relative: string): Promise<Loaded | undefined> {
    const file = resolve(root, relative);
    if (!file.startsWith(root + sep)) return undefined;
    try {
      // a link inside the folder that points out of it is no file of the site either
      const [real, realRoot] = await Promise.all([realpath(file), realpath(root)]);
      if (!real.startsWith(realRoot + sep)) return undefined;
      const info = await stat(real);
      if (!info.isFile()) return undefined;
      const known = cache.get(real);
      if (known && known.mtimeMs === info.mtimeMs && known.size === info.size) return known;
      const body = await readFile(real);
      const loaded: Loaded = {
        mtimeMs: info.mtimeMs,
        size: info.size,
        body,
        etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
      };
      cache.set(real, loaded);
      return loaded;
    } catch {
      return undefined;
    }
  }

  const reply = (
    req: IncomingMessage,
    res: ServerResponse,
    status: number,
    headers: Record<string, string>,
    body: Buffer,
  ) => {
    res.writeHead(status, { ...headers, 'content-length': String(body.length) });
    res.end(req.method === 'HEAD' ? undefined : body);
  };

  return async function serveWebPage(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const method = (req.method ?? 'GET').toUpperCase();
    if (method !== 'GET' && method !== 'HEAD') return false;
    // the raw target, before any normalising: `/assets/../../package.json` is refused, not resolved
    const rawPath = (req.url ?? '/').split(/[?#]/, 1)[0] ?? '/';
    const relative = sitePath(rawPath);
    if (relative === undefined) return false;

    if (relative === 'config.json') {
      reply(
        req,
        res,
        200,
        {
          'content-type': CONTENT_TYPES['.json'] as string,
          'cache-control': PAGE_CACHE,
          ...pageHeaders(),
        },
        Buffer.from(JSON.stringify(LOCAL_WEB_CONFIG)),
      );
      return true;
    }

    const file = await load(relative);
    if (!file) return false;
    const type = CONTENT_TYPES[extname(relative).toLowerCase()] ?? 'application/octet-stream';
    const headers: Record<string, string> = {
      'content-type': type,
      'cache-control': HASHED.test(relative) ? HASHED_FILE_CACHE : PAGE_CACHE,
      etag: file.etag,
      ...pageHeaders(),
    };
    const known = req.headers['if-none-match'];
    if (known === file.etag || known === `${file.etag.slice(0, -1)}-gzip"`) {
      res.writeHead(304, headers);
      res.end();
      return true;
    }
    const compressible = COMPRESSIBLE.test(type) && file.body.length > 1024;
    if (compressible) headers.vary = 'accept-encoding';
    if (compressible && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
      file.gzipped ??= gzipSync(file.body);
      // a representation of its own: its own tag
      const etag = `${file.etag.slice(0, -1)}-gzip"`;
      reply(req, res, 200, { ...headers, etag, 'content-encoding': 'gzip' }, file.gzipped);
    } else reply(req, res, 200, headers, file.body);
    return true;
  };
}
