import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, type RuntimeInfo } from '../../lambdas/local/dynamo-local.js';
import { caseBody } from '../support/harness.js';

/**
 * `npm run sweep` against a running `npm start`: the local host as a child process (its own DynamoDB Local, in memory),
 * the token and sweep CLIs as further processes that find it through `<data dir>/runtime.json`.
 */

const ROOT = resolve(import.meta.dirname, '../..');
const TSX = resolve(ROOT, 'node_modules/.bin/tsx');
const DAY = 24 * 3600_000;

let dataDir: string;
let port: number;
let host: ChildProcess | undefined;
let hostExit: Promise<number | null>;
let runtime: RuntimeInfo;

/** The environment of a developer's shell: the test runner's log silencing removed, the data folder set. */
function cliEnv(): NodeJS.ProcessEnv {
  const { LOG_LEVEL: _level, POWERTOOLS_DEV: _dev, ...env } = process.env;
  return { ...env, PORT: String(port), FENGQIAO_DATA_DIR: dataDir };
}

function runCli(script: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      TSX,
      [script, ...args],
      { cwd: ROOT, env: cliEnv(), timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}

const sweepAt = (at: string) => runCli('lambdas/local/sweep-cli.ts', ['--at', at]);

const portAccepts = (p: number): Promise<boolean> =>
  new Promise((done) => {
    const socket = connect({ host: '127.0.0.1', port: p });
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Pids of DynamoDB Local (java) processes listening on this port, from /proc. */
function dynamoPids(dynamoPort: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      const at = argv.indexOf('-port');
      if (argv.some((a) => a.includes('DynamoDBLocal.jar')) && argv[at + 1] === String(dynamoPort))
        pids.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'fengqiao-sweep-cli-'));
  port = await freePort();
  const child = spawn(TSX, ['lambdas/local/main.ts', '--in-memory'], {
    cwd: ROOT,
    env: cliEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  host = child;
  hostExit = new Promise((done) => child.once('exit', (code) => done(code)));
  let output = '';
  await new Promise<void>((ready, fail) => {
    const timer = setTimeout(() => fail(new Error(`the local host did not get ready:\n${output}`)), 100_000);
    const look = (chunk: Buffer) => {
      output += chunk.toString();
      if (/ready/.test(output)) {
        clearTimeout(timer);
        ready();
      }
    };
    child.stdout.on('data', look);
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code) => fail(new Error(`the local host exited (${code}):\n${output}`)));
  });
  runtime = JSON.parse(readFileSync(join(dataDir, 'runtime.json'), 'utf8')) as RuntimeInfo;
}, 120_000);

afterAll(async () => {
  // only if a test failed before stopping it: end the host we started, and the DynamoDB Local it started
  if (host && host.exitCode === null && host.pid) host.kill('SIGTERM');
  if (runtime)
    for (const pid of dynamoPids(Number(new URL(runtime.endpoint).port))) process.kill(pid, 'SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
});

describe('npm run sweep against npm start', () => {
  let caseId: string;
  const AT = new Date(Date.now() + 20 * DAY).toISOString();

  it('finds the running host through runtime.json', () => {
    expect(runtime.apiPort).toBe(port);
    // tsx runs the host in a child of its own: the pid written is the host's, alive
    expect(isAlive(runtime.pid)).toBe(true);
    expect(runtime.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('registers a case over HTTP with a token from the token CLI', async () => {
    const token = await runCli('lambdas/local/token-cli.ts', ['--role', 'clerk', '--sub', 'c1']);
    expect(token.code, token.stderr).toBe(0);
    expect(token.stdout.trim()).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const response = await fetch(`http://127.0.0.1:${port}/v1/cases`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token.stdout.trim()}`, 'content-type': 'application/json' },
      body: JSON.stringify(caseBody()),
    });
    const body = (await response.json()) as { id: string; status: string };
    expect(response.status).toBe(201);
    expect(body.status).toBe('registered');
    caseId = body.id;
  });

  it('sweeps once as of --at and prints exactly one JSON line', { timeout: 60_000 }, async () => {
    expect(caseId).toBeDefined();
    const run = await sweepAt(AT);
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.split('\n').filter((line) => line.trim() !== '');
    expect(lines, run.stdout).toHaveLength(1);
    const result = JSON.parse(lines[0]!) as Record<string, number>;
    expect(Object.keys(result).sort()).toEqual(
      ['due', 'escalated', 'itemsRead', 'overdue', 'published', 'warned'].sort(),
    );
    expect(result.itemsRead).toBe(result.due);
    // twenty days on, our case (and the demo town's) is past its acknowledgement deadline: overdue, lower steps skipped
    expect(result.overdue).toBeGreaterThanOrEqual(1);
    expect(result.overdue).toBe(result.due);
    expect(result.published).toBeGreaterThan(0);
  });

  it('sends nothing when run again as of the same instant', { timeout: 60_000 }, async () => {
    const run = await sweepAt(AT);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout.trim())).toEqual({
      itemsRead: 0,
      due: 0,
      warned: 0,
      escalated: 0,
      overdue: 0,
      published: 0,
    });
  });

  it('refuses a bad --at with exit code 2', { timeout: 60_000 }, async () => {
    for (const bad of ['tomorrow', '2026-12-20T09:00:00', '2026-13-45T09:00:00+08:00']) {
      const run = await sweepAt(bad);
      expect(run.code, bad).toBe(2);
      expect(run.stdout, bad).toBe('');
      expect(run.stderr, bad).toMatch(/usage/);
    }
  });

  it('stops the host and its DynamoDB Local on SIGTERM', { timeout: 60_000 }, async () => {
    const dynamoPort = Number(new URL(runtime.endpoint).port);
    expect(await portAccepts(dynamoPort)).toBe(true);
    expect(dynamoPids(dynamoPort).length).toBeGreaterThan(0);
    host?.kill('SIGTERM');
    expect(await hostExit).toBe(0);
    expect(await portAccepts(dynamoPort)).toBe(false);
    expect(dynamoPids(dynamoPort)).toEqual([]);
    expect(await portAccepts(port)).toBe(false);
    expect(isAlive(runtime.pid)).toBe(false);
    expect(existsSync(join(dataDir, 'runtime.json'))).toBe(false);
    // with the host gone, the sweep says so instead of failing obscurely
    const orphan = await sweepAt(new Date().toISOString());
    expect(orphan.code).toBe(1);
    expect(orphan.stderr).toMatch(/npm start/);
  });
});
