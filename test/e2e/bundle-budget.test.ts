import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measureWebBundles, WEB_BUDGET_KIB } from '../../bench/web-bundles.js';
import { ensureBuilt } from './harness.js';

/**
 * Each page's first load, gzipped, within its budget: the built pages as `npm run build` leaves them, and the way the
 * load is counted, on a manifest made here.
 */

describe('the first load of the built pages', () => {
  beforeAll(ensureBuilt, 240_000);

  it(`stays under ${WEB_BUDGET_KIB} KiB gzip for the workbench and the citizen page`, () => {
    const pages = measureWebBundles();
    expect(pages.map((p) => p.entry)).toEqual(['index.html', 'track.html']);
    for (const page of pages) {
      expect(page.gzipKiB, `${page.entry}: ${page.files.join(', ')}`).toBeLessThan(WEB_BUDGET_KIB);
      expect(page.gzipKiB).toBeGreaterThan(0);
      expect(
        page.files.some((f) => f.endsWith('.js')),
        page.entry,
      ).toBe(true);
    }
  });

  it("loads none of the workbench's own script on the citizen page", () => {
    const [workbench, track] = measureWebBundles();
    const workbenchScript = workbench?.files.find((f) => /^assets\/index-.+\.js$/.test(f));
    expect(workbenchScript).toBeDefined();
    expect(track?.files).not.toContain(workbenchScript);
  });
});

describe('how the first load is counted', () => {
  let dist: string;
  beforeAll(() => {
    dist = mkdtempSync(join(tmpdir(), 'fengqiao-web-budget-'));
    mkdirSync(join(dist, 'assets'));
    mkdirSync(join(dist, '.vite'));
    const file = (name: string, kib: number) => {
      // incompressible bytes, so that their gzip is about their size
      writeFileSync(join(dist, name), randomBytes(kib * 1024));
    };
    writeFileSync(
      join(dist, 'index.html'),
      '<!doctype html><script type="module" src="/assets/a.js"></script>',
    );
    writeFileSync(
      join(dist, 'track.html'),
      '<!doctype html><script type="module" src="/assets/t.js"></script>',
    );
    file('assets/a.js', 40);
    file('assets/shared.js', 30);
    file('assets/shared.css', 10);
    file('assets/font.woff2', 5);
    file('assets/t.js', 8);
    file('assets/later.js', 500);
    writeFileSync(
      join(dist, '.vite/manifest.json'),
      JSON.stringify({
        'index.html': {
          file: 'assets/a.js',
          isEntry: true,
          imports: ['_shared.js'],
          dynamicImports: ['src/later.ts'],
        },
        'track.html': { file: 'assets/t.js', isEntry: true, imports: ['_shared.js'] },
        // imported twice over a cycle: counted once
        '_shared.js': {
          file: 'assets/shared.js',
          css: ['assets/shared.css'],
          assets: ['assets/font.woff2'],
          imports: ['_shared.js'],
        },
        'src/later.ts': { file: 'assets/later.js', isDynamicEntry: true },
      }),
    );
  });
  afterAll(() => rmSync(dist, { recursive: true, force: true }));

  it('counts the HTML, the static imports, their styles and assets, once each, and no dynamic import', () => {
    const [index, track] = measureWebBundles(dist);
    expect(index?.files).toEqual([
      'index.html',
      'assets/a.js',
      'assets/shared.js',
      'assets/shared.css',
      'assets/font.woff2',
    ]);
    expect(track?.files).toEqual([
      'track.html',
      'assets/t.js',
      'assets/shared.js',
      'assets/shared.css',
      'assets/font.woff2',
    ]);
    // 85 KiB of incompressible bytes and a small page: the later 500 KiB chunk is not in it
    expect(index?.gzipKiB).toBeGreaterThan(85);
    expect(index?.gzipKiB).toBeLessThan(90);
    const html = gzipSync('<!doctype html><script type="module" src="/assets/t.js"></script>').length;
    expect(track?.gzipKiB).toBeCloseTo(53 + html / 1024, 0);
  });

  it('says to build the pages when they are not built', () => {
    const empty = mkdtempSync(join(tmpdir(), 'fengqiao-web-budget-'));
    try {
      expect(() => measureWebBundles(empty)).toThrow(/npm run build/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
