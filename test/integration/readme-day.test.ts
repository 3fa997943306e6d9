import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../lambdas/local/dynamo-local.js';

/**
 * The README's "A day in the town", run as written: its fenced commands, in order, in one bash, against a fresh
 * `npm start` (a data folder of its own, on a free port), each `curl` answering the status its comment names.
 */

const ROOT = resolve(import.meta.dirname, '../..');
const TSX = resolve(ROOT, 'node_modules/.bin/tsx');
const WAIT_MS = 90_000;

/** The section's shell blocks, and the status each `curl` of them is said to answer (`# → 201`), in order. */
function daySection(readme: string): { blocks: string[]; statuses: number[]; curls: number } {
  const start = readme.indexOf('\n## A day in the town\n');
  if (start < 0) throw new Error('README has no section "A day in the town"');
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end);
  const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
  const script = blocks.join('\n');
  return {
    blocks,
    statuses: [...script.matchAll(/# → (\d{3})$/gm)].map((m) => Number(m[1])),
    curls: [...script.matchAll(/(^|\$\(|\s)curl\s/gm)].length,
  };
}

const dataDir = mkdtempSync(join(tmpdir(), 'fengqiao-readme-day-'));
let host: ChildProcess | undefined;
let hostExit: Promise<number | null>;
let port: number;
let output = '';

beforeAll(async () => {
  port = await freePort();
  host = spawn(TSX, ['lambdas/local/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), FENGQIAO_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  hostExit = new Promise((done) => host?.once('exit', (code) => done(code)));
  host.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  host.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const deadline = Date.now() + WAIT_MS;
  while (!output.includes('Fengqiao is ready')) {
    if (host.exitCode !== null) throw new Error(`the local host exited:\n${output}`);
    if (Date.now() > deadline) throw new Error(`the local host did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}, WAIT_MS + 10_000);

afterAll(async () => {
  if (host && host.exitCode === null) {
    host.kill('SIGTERM');
    await hostExit;
  }
  rmSync(dataDir, { recursive: true, force: true });
});

describe('README: a day in the town', () => {
  const readme = readFileSync(resolve(ROOT, 'README.md'), 'utf8');
  const { blocks, statuses, curls } = daySection(readme);

  it('names the status of every curl it shows', () => {
    expect(blocks.length).toBeGreaterThan(5);
    expect(curls).toBeGreaterThan(15);
    expect(statuses).toHaveLength(curls);
    // the quick start stays two commands
    expect(readme).toContain('```sh\nnpm ci && npm start\n```');
    expect(readme).toContain('```sh\nnpm test\n```');
  });

  it('runs as written against a fresh npm start, each answer with its status', {
    timeout: 180_000,
  }, async () => {
    const log = join(dataDir, 'statuses.txt');
    // every curl records the status line of its answer, whatever else it is told to do with the answer
    const recorder = `curl() { local h; h=$(mktemp); command curl -D "$h" "$@"; local rc=$?; head -n 1 "$h" | cut -d' ' -f2 >> '${log}'; rm -f "$h"; return $rc; }`;
    const script = ['set -eu', recorder, ...blocks]
      .join('\n')
      .replaceAll('http://localhost:3000', `http://localhost:${port}`);
    const run = await new Promise<{ code: number; stdout: string; stderr: string }>((done) =>
      execFile(
        'bash',
        ['-c', script],
        { cwd: ROOT, env: { ...process.env, FENGQIAO_DATA_DIR: dataDir }, timeout: 170_000 },
        (error, stdout, stderr) =>
          done({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
      ),
    );
    const seen = readFileSync(log, 'utf8').trim().split('\n').map(Number);
    expect(run.code, `${run.stderr}\n${run.stdout}`).toBe(0);
    expect(seen).toEqual(statuses);
    // the echo lines say what the clerk hands over
    expect(run.stdout).toMatch(/case JF-\d{8}-\d{4}, version "1", query code \S+/);
  });
});
