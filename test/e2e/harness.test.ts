import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessibilityViolations, launchChromium, openSession, seriousViolations } from './harness.js';

/**
 * The browser tests' own checks, shown to fail where they should: a page made here with an image that says nothing
 * to a screen reader, a script of another origin and an inline script its policy forbids. A check that never fails
 * would pass every screen.
 */

const BAD_PAGE = `<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8"><title>检查页</title>
<script src="https://cdn.example.invalid/lib.js"></script>
<script>document.title = 'inline';</script>
</head>
<body><main><h1>检查页</h1><img src="/picture.png"></main></body>
</html>`;

const GOOD_PAGE = `<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8"><title>检查页</title></head>
<body><main><h1>检查页</h1><p>一切正常。</p></main></body>
</html>`;

/** Two banner landmarks, as a dialog appended to <body> with a <header> makes beside the page's own. */
const TWO_BANNERS_PAGE = `<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8"><title>检查页</title></head>
<body><header>信访工作台</header><main><h1>检查页</h1><p>一切正常。</p></main>
<div role="dialog" aria-label="受理"><header>受理</header><p>确定受理？</p></div></body>
</html>`;

let server: Server;
let baseUrl: string;
let browser: Browser;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/picture.png') {
      res.writeHead(404);
      return res.end();
    }
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      // the pages' own policy: scripts of this origin only, never inline
      'content-security-policy': "default-src 'self'; script-src 'self'",
    });
    res.end(req.url === '/good' ? GOOD_PAGE : req.url === '/two-banners' ? TWO_BANNERS_PAGE : BAD_PAGE);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  server?.close();
});

describe('the checks every screen passes', () => {
  it('find an image without a text alternative, a script of another origin and an inline script refused', async () => {
    const session = await openSession(browser, { baseUrl });
    try {
      await session.page.goto(`${baseUrl}/bad`);
      const violations = await seriousViolations(session.page);
      expect(violations.some((v) => v.startsWith('critical image-alt:'))).toBe(true);
      expect(session.foreign()).toEqual(['https://cdn.example.invalid/lib.js']);
      expect(session.refused().some((r) => /inline/i.test(r))).toBe(true);
      // refused before it ran: the title is the page's own
      expect(await session.page.title()).toBe('检查页');
    } finally {
      await session.close();
    }
  });

  it('find nothing on a page without such faults', async () => {
    const session = await openSession(browser, { baseUrl });
    try {
      await session.page.goto(`${baseUrl}/good`);
      expect(await seriousViolations(session.page)).toEqual([]);
      expect(await accessibilityViolations(session.page)).toEqual([]);
      expect(session.foreign()).toEqual([]);
      expect(session.refused()).toEqual([]);
    } finally {
      await session.close();
    }
  });

  it('find a second banner landmark among the moderate findings, which the serious ones leave out', async () => {
    const session = await openSession(browser, { baseUrl });
    try {
      await session.page.goto(`${baseUrl}/two-banners`);
      const moderate = await accessibilityViolations(session.page);
      expect(
        moderate.some((v) => v.startsWith('moderate landmark-no-duplicate-banner:')),
        moderate.join('\n'),
      ).toBe(true);
      expect(await seriousViolations(session.page)).toEqual([]);
    } finally {
      await session.close();
    }
  });
});
