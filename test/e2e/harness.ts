import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  chromium,
  type Page,
} from 'playwright-core';
import { freePort } from '../../lambdas/local/dynamo-local.js';
import { processAlive } from '../../lambdas/local/processes.js';

/**
 * The end-to-end tests' machinery: the built pages (built once when missing or older than their sources), the local
 * host started as `npm start` starts it (in memory, on a free port, over a data folder of its own), Debian's Chromium
 * driven by playwright-core, and the checks every screen passes: no request to any origin but the local host, no
 * serious or critical accessibility violation (axe-core), a screenshot into screenshots/.
 */

const ROOT = resolve(import.meta.dirname, '../..');
const WEB = resolve(ROOT, 'web');
const DIST = resolve(WEB, 'dist');
const MANIFEST = resolve(DIST, '.vite/manifest.json');
const SCREENSHOTS = resolve(ROOT, 'screenshots');
const TSX = resolve(ROOT, 'node_modules/.bin/tsx');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
/** axe-core from npm (node_modules/axe-core/axe.min.js), never from a CDN. */
const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');
/** The machine is shared with other test files: generous, though the host is usually up in a few seconds. */
const HOST_WAIT_MS = 120_000;

/** The newest modification time among the page sources (web/ less its build output). */
function newestSource(dir = WEB): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (path === DIST || entry.name === 'node_modules') continue;
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

const isBuilt = () =>
  existsSync(resolve(DIST, 'index.html')) &&
  existsSync(resolve(DIST, 'track.html')) &&
  existsSync(MANIFEST) &&
  statSync(MANIFEST).mtimeMs >= newestSource();

/**
 * `npm run build` when web/dist is missing or older than web/'s sources; one build at a time across the test files
 * that need it (a lock folder naming its builder, taken over when that process is gone).
 */
export async function ensureBuilt(): Promise<void> {
  const lock = join(tmpdir(), `fengqiao-web-build-${Buffer.from(ROOT).toString('hex').slice(-24)}`);
  for (const deadline = Date.now() + HOST_WAIT_MS; ; ) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch {
      let holder = 0;
      try {
        holder = Number(readFileSync(join(lock, 'pid'), 'utf8'));
      } catch {
        // the holder has made the folder and not yet written its pid
      }
      if (holder && !processAlive(holder)) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`another build holds ${lock} for too long`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    if (!isBuilt())
      try {
        execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'pipe', encoding: 'utf8' });
      } catch (error) {
        const { stdout, stderr } = error as { stdout?: string; stderr?: string };
        throw new Error(`npm run build failed:\n${stderr ?? ''}${stdout ?? ''}`.slice(0, 4000));
      }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
  if (!isBuilt())
    throw new Error('npm run build did not leave web/dist/index.html, track.html and its manifest');
}

export interface LocalHost {
  baseUrl: string;
  output(): string;
  stop(): Promise<void>;
}

/** `npm start -- --in-memory` on a free port over a data folder of its own; resolves once health answers 200. */
export async function startLocalHost(): Promise<LocalHost> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'fengqiao-e2e-'));
  const child: ChildProcess = spawn(TSX, ['lambdas/local/main.ts', '--in-memory'], {
    cwd: ROOT,
    // the tests' LOG_LEVEL silences the host: a host that fails to start says why
    env: { ...process.env, PORT: String(port), FENGQIAO_DATA_DIR: dataDir, LOG_LEVEL: 'ERROR' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const baseUrl = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killed = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(killed);
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  const deadline = Date.now() + HOST_WAIT_MS;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the local host exited (${child.exitCode}):\n${output}`);
    const status = await fetch(`${baseUrl}/v1/health`, { signal: AbortSignal.timeout(5_000) }).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the local host did not answer health 200 in ${HOST_WAIT_MS} ms:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { baseUrl, output: () => output, stop };
}

/** Debian's Chromium through playwright-core; a clear failure, never a skip, when it or a Chinese face is missing. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `no Chromium at ${CHROMIUM}: apt-get install -y chromium fonts-noto-cjk (.ci/run does so), or set CHROMIUM`,
    );
  let faces = '';
  try {
    faces = execFileSync('fc-list', [':lang=zh', 'family'], { encoding: 'utf8' });
  } catch {
    faces = '';
  }
  if (!faces.trim())
    throw new Error(
      'no Chinese font: apt-get install -y fonts-noto-cjk (.ci/run does so), or every 字 is a box',
    );
  // playwright gives each launch a new empty profile of its own (it refuses a --user-data-dir among the flags)
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return browser;
}

/** A phone as a citizen holds it. */
export const PHONE: BrowserContextOptions = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
};

/** A clerk's screen. */
const DESKTOP: BrowserContextOptions = { viewport: { width: 1440, height: 900 } };

export interface Session {
  context: BrowserContext;
  page: Page;
  /** Every URL the pages asked for that is not of the local host (data: and blob: are no request to anyone). */
  foreign(): string[];
  /** Requests that the host answered with 4xx/5xx, as `status method url`, for messages. */
  failures(): string[];
  /** What the pages' Content Security Policy refused (an inline script or style, another origin). */
  refused(): string[];
  close(): Promise<void>;
}

/** A fresh browser context (no stored sign-in) that records every request its pages make. */
export async function openSession(
  browser: Browser,
  host: Pick<LocalHost, 'baseUrl'>,
  options: BrowserContextOptions = DESKTOP,
): Promise<Session> {
  const context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', ...options });
  const origin = new URL(host.baseUrl).origin;
  const foreign: string[] = [];
  const failures: string[] = [];
  context.on('request', (request) => {
    const url = request.url();
    if (/^(data|blob):/.test(url)) return;
    if (new URL(url).origin !== origin) foreign.push(url);
  });
  // and none of them leaves the machine: a request elsewhere is recorded above and refused here
  await context.route(
    (url) => url.origin !== origin && /^https?:$/.test(url.protocol),
    (route) => route.abort('blockedbyclient'),
  );
  context.on('response', (response) => {
    if (response.status() >= 400)
      failures.push(`${response.status()} ${response.request().method()} ${response.url()}`);
  });
  // a step that waits longer than this has failed: say so well within the test's own time
  context.setDefaultTimeout(15_000);
  const refused: string[] = [];
  const page = await context.newPage();
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) refused.push(message.text());
  });
  return {
    context,
    page,
    foreign: () => [...foreign],
    failures: () => [...failures],
    refused: () => [...refused],
    close: () => context.close(),
  };
}

interface AxeViolation {
  id: string;
  impact?: string | null;
  help: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

/** Once no transition or animation runs, but for a spinner, which turns for ever. */
async function settled(page: Page): Promise<void> {
  // polled with plain evaluations: waitForFunction compiles its predicate with eval, which the pages' CSP refuses
  const still =
    "document.getAnimations().some((a) => a.playState === 'running' && a.effect?.getTiming().iterations !== Infinity)";
  for (const deadline = Date.now() + 5_000; Date.now() < deadline; ) {
    if (!(await page.evaluate(still))) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** axe-core's impacts, the least first. */
const IMPACTS = ['minor', 'moderate', 'serious', 'critical'];

/** axe-core's serious and critical violations on the page as it stands, one line each (empty when none). */
export const seriousViolations = (page: Page): Promise<string[]> => accessibilityViolations(page, 'serious');

/**
 * axe-core's violations of impact `least` or worse (moderate, serious, critical by default) on the page as it
 * stands, one line each (empty when none).
 */
export async function accessibilityViolations(
  page: Page,
  least: 'moderate' | 'serious' = 'moderate',
): Promise<string[]> {
  // evaluated through the debugging protocol, which the pages' CSP (no inline script) does not stop, so that the
  // policy stays in force for the pages' own code; the page's globals in expressions (no DOM types here)
  if (!(await page.evaluate("typeof axe === 'object'"))) await page.evaluate(readFileSync(AXE, 'utf8'));
  await settled(page);
  const violations = await page.evaluate(
    "axe.run(document, { resultTypes: ['violations'] }).then((results) => results.violations)",
  );
  return (violations as AxeViolation[])
    .filter((v) => IMPACTS.indexOf(v.impact ?? 'minor') >= IMPACTS.indexOf(least))
    .map((v) => {
      const where = v.nodes.slice(0, 3).map((n) => JSON.stringify(n.target));
      const why = v.nodes[0]?.failureSummary?.replace(/\s+/g, ' ');
      return `${v.impact} ${v.id}: ${v.help} at ${where.join(', ')}${why ? ` (${why})` : ''}`;
    });
}

/** screenshots/e2e-<name>.png, the whole page, once it has settled. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await settled(page);
  const path = resolve(SCREENSHOTS, `e2e-${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
