import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

/**
 * The web pages' first load: for each entry (the workbench's index.html, the citizen page's track.html), the HTML and
 * every file it loads before anything else runs (its script, the chunks that script imports statically, their CSS
 * and the assets those name), from Vite's manifest in web/dist/.vite/manifest.json, each gzipped with node:zlib at its
 * default level as a CDN compresses it. Chunks loaded later (dynamic imports: another screen's code) do not count.
 */

/** What a page's first load may weigh, gzipped. */
export const WEB_BUDGET_KIB = 300;

const DIST = resolve(import.meta.dirname, '../web/dist');
const ENTRIES = ['index.html', 'track.html'] as const;

interface ManifestChunk {
  file: string;
  imports?: string[];
  css?: string[];
  assets?: string[];
}

export interface WebEntryLoad {
  entry: (typeof ENTRIES)[number];
  /** The files of the first load, the HTML first, as paths under web/dist. */
  files: string[];
  rawKiB: number;
  gzipKiB: number;
}

const kib = (bytes: number) => Math.round((bytes / 1024) * 10) / 10;

/** Each entry's first load as built; a clear error when the pages are not built. */
export function measureWebBundles(dist = DIST): WebEntryLoad[] {
  const manifestFile = resolve(dist, '.vite/manifest.json');
  if (!existsSync(manifestFile)) throw new Error(`no ${manifestFile}: build the pages first (npm run build)`);
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as Record<string, ManifestChunk>;
  return ENTRIES.map((entry) => {
    const root = manifest[entry];
    if (!root) throw new Error(`the manifest has no entry ${entry}`);
    const files = new Set<string>([entry]);
    const visit = (key: string, seen: Set<string>) => {
      const chunk = manifest[key];
      if (!chunk || seen.has(key)) return;
      seen.add(key);
      files.add(chunk.file);
      for (const file of [...(chunk.css ?? []), ...(chunk.assets ?? [])]) files.add(file);
      for (const imported of chunk.imports ?? []) visit(imported, seen);
    };
    visit(entry, new Set());
    let raw = 0;
    let gzip = 0;
    for (const file of files) {
      const bytes = readFileSync(resolve(dist, file));
      raw += bytes.length;
      gzip += gzipSync(bytes).length;
    }
    return { entry, files: [...files], rawKiB: kib(raw), gzipKiB: kib(gzip) };
  });
}
