import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { decodeJwt } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';

/** `npm run token` and `npm run sweep` as a developer types them: usage on `--help`, exit code 2 on a bad flag. */

const ROOT = resolve(import.meta.dirname, '../..');
const TSX = resolve(ROOT, 'node_modules/.bin/tsx');
const STEP = { timeout: 60_000 };
const dataDir = mkdtempSync(join(tmpdir(), 'fengqiao-cli-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function run(script: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      TSX,
      [`lambdas/local/${script}`, ...args],
      { cwd: ROOT, env: { ...process.env, FENGQIAO_DATA_DIR: dataDir }, timeout: 50_000 },
      (error, stdout, stderr) =>
        done({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
    );
  });
}

describe('npm run token', () => {
  it('prints its usage on --help: every role, every flag and an example, exit 0', STEP, async () => {
    for (const help of ['--help', '-h']) {
      const answer = await run('token-cli.ts', [help]);
      expect(answer.code).toBe(0);
      expect(answer.stderr).toBe('');
      for (const role of ['clerk', 'grid_worker', 'handler', 'leader', 'supervisor', 'admin', 'petitioner'])
        expect(answer.stdout).toMatch(new RegExp(`^  ${role} +\\S`, 'm'));
      for (const flag of ['--role', '--sub', '--town', '--expires-in', '--help'])
        expect(answer.stdout).toContain(flag);
      expect(answer.stdout).toContain('TOKEN=$(npm run --silent token -- --role clerk --sub clerk-1)');
      expect(answer.stdout).not.toMatch(/at .*\.ts:\d+/);
    }
  });

  it('answers a bad flag with one line saying what, then the usage, exit 2', STEP, async () => {
    const cases: [string[], string][] = [
      [['--rol', 'clerk', '--sub', 'a'], "error: Unknown option '--rol'"],
      [['--role', 'clerk', '--sub'], "error: Option '--sub <value>' argument missing"],
      [['--role', 'clerk', '--sub', 'a', 'extra'], 'error: Unexpected argument'],
      [['--sub', 'a'], 'error: --role is required'],
      [['--role', 'mayor', '--sub', 'a'], 'error: unknown role mayor'],
      [['--role', 'clerk'], 'error: --sub is required'],
      [
        ['--role', 'clerk', '--sub', 'a', '--expires-in', 'soon'],
        'error: --expires-in must be a whole number',
      ],
    ];
    for (const [args, line] of cases) {
      const answer = await run('token-cli.ts', args);
      expect(answer.code, args.join(' ')).toBe(2);
      expect(answer.stdout, args.join(' ')).toBe('');
      const [first, blank, usage] = answer.stderr.split('\n');
      expect(first, args.join(' ')).toContain(line);
      expect(blank).toBe('');
      expect(usage).toMatch(/^usage: npm run token -- --role/);
      expect(answer.stderr).not.toMatch(/at .*\.ts:\d+/);
    }
  });

  it('still prints a token the flags describe', STEP, async () => {
    const answer = await run('token-cli.ts', [
      '--role',
      'clerk,leader',
      '--sub',
      'clerk-1',
      '--expires-in',
      '60',
    ]);
    expect(answer.code, answer.stderr).toBe(0);
    const claims = decodeJwt(answer.stdout.trim());
    expect(claims).toMatchObject({
      sub: 'clerk-1',
      'cognito:groups': ['clerk', 'leader'],
      'custom:town': 'demo-town',
    });
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(60);
  });
});

describe('npm run sweep', () => {
  it('prints its usage on --help, exit 0', STEP, async () => {
    const answer = await run('sweep-cli.ts', ['--help']);
    expect(answer.code).toBe(0);
    expect(answer.stdout).toMatch(/^usage: npm run sweep -- \[--at <datetime>\]/);
    expect(answer.stdout).toContain('npm run sweep -- --at 2026-12-20T09:00:00+08:00');
  });

  it('answers a bad flag with one line and the usage, exit 2, before looking for a host', STEP, async () => {
    for (const [args, line] of [
      [['--when', 'now'], "error: Unknown option '--when'"],
      [['--at', 'tomorrow'], 'error: --at must be an ISO 8601 datetime with an offset'],
    ] as [string[], string][]) {
      const answer = await run('sweep-cli.ts', args);
      expect(answer.code, args.join(' ')).toBe(2);
      expect(answer.stderr.split('\n')[0]).toBe(line);
      expect(answer.stderr).toContain('usage: npm run sweep');
    }
  });
});
