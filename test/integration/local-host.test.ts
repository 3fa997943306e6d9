import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { enginesOn, freePort } from '../../lambdas/local/dynamo-local.js';
import { lockFile, readLock } from '../../lambdas/local/host-lock.js';
import { issueToken, loadOrCreateKeys } from '../../lambdas/local/identity.js';
import { endProcess, listProcesses, processAlive, signal } from '../../lambdas/local/processes.js';

/**
 * `npm start` as a child process over a data folder of its own: health tells whether its engine answers, the engine
 * never outlives the host, one host per data folder, and a dead engine is started again.
 */

const ROOT = resolve(import.meta.dirname, '../..');
const TSX = resolve(ROOT, 'node_modules/.bin/tsx');
/** The machine is shared: generous ceilings, though each step usually takes a few seconds. */
const WAIT_MS = 90_000;
const STEP = { timeout: 180_000 };

const dataDir = mkdtempSync(join(tmpdir(), 'fengqiao-local-host-'));
const dbPath = join(dataDir, 'dynamodb');
const started: ChildProcess[] = [];

interface Host {
  child: ChildProcess;
  port: number;
  output(): string;
  exit: Promise<number | null>;
}

async function startHost(): Promise<Host> {
  const port = await freePort();
  const child = spawn(TSX, ['lambdas/local/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), FENGQIAO_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exit = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { child, port, output: () => output, exit };
}

type Health = { status: number; body: Record<string, unknown>; type: string } | { status: 'refused' };

async function health(port: number): Promise<Health> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/v1/health`, {
      signal: AbortSignal.timeout(5_000),
    });
    return {
      status: response.status,
      type: response.headers.get('content-type') ?? '',
      body: (await response.json()) as Record<string, unknown>,
    };
  } catch {
    return { status: 'refused' };
  }
}

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Every health answer until the first 200, which it returns last. */
async function untilHealthy(host: Host): Promise<Health[]> {
  const seen: Health[] = [];
  await until(`health 200 on :${host.port}\n${host.output()}`, async () => {
    if (host.child.exitCode !== null) throw new Error(`the host exited:\n${host.output()}`);
    const answer = await health(host.port);
    seen.push(answer);
    return answer.status === 200 ? true : undefined;
  });
  return seen;
}

const theLock = () => {
  const lock = readLock(dataDir);
  if (!lock?.enginePid) throw new Error('no lock with an engine');
  return lock as { pid: number; enginePid: number };
};

/** The parent of a process, from /proc (-1 once it is gone). */
const parentOf = (pid: number): number => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return -1;
  }
};

/** A GET of the local host as one of the demo town's staff (the petition office unless told). */
async function asOffice(port: number, path: string, role = 'supervisor', sub = 'supervisor-1') {
  const keys = await loadOrCreateKeys(dataDir);
  const token = await issueToken(keys, { roles: [role], sub });
  const response = await fetch(`http://127.0.0.1:${port}${path}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(response.status, path).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

interface DemoCase {
  status: string;
  key?: unknown;
  owner?: unknown;
  channel: string;
  receivedAt: string;
  lateEntryReason?: string;
}

async function demoCases(port: number): Promise<DemoCase[]> {
  return (await asOffice(port, '/v1/cases?limit=50')).items as DemoCase[];
}

/** The demo town's cases, as the first start seeds them, and the one a test files through Open311. */
const SEEDED_CASES = 8;
const CASES = SEEDED_CASES + 1;

afterAll(async () => {
  // only if a test failed before stopping them: the hosts started here, and any engine left on the files
  for (const child of started) if (child.exitCode === null) child.kill('SIGKILL');
  const lock = readLock(dataDir);
  if (lock) signal(lock.pid, 'SIGKILL');
  for (const pid of [...enginesOn(dbPath), ...(lock?.enginePid ? [lock.enginePid] : [])])
    await endProcess(pid);
  rmSync(dataDir, { recursive: true, force: true });
});

describe('npm start over a data folder', () => {
  let first: Host;

  it('answers health 200 only once the demo town is seeded', STEP, async () => {
    first = await startHost();
    const seen = await untilHealthy(first);
    for (const answer of seen.slice(0, -1)) {
      expect(['refused', 503]).toContain(answer.status);
      if (answer.status === 503) expect(answer.body.type).toBe('/problems/unavailable');
    }
    // the demo town is there as soon as health says ok
    expect(await demoCases(first.port)).toHaveLength(SEEDED_CASES);
    const lock = theLock();
    expect(processAlive(lock.pid)).toBe(true);
    expect(enginesOn(dbPath)).toEqual([lock.enginePid]);
  });

  it(
    'seeds a town that works: staff, grid workers on their grids, cases in several states, an Open311 key',
    STEP,
    async () => {
      await until('the start banner', () =>
        first.output().includes('Fengqiao is ready') ? true : undefined,
      );
      const staff = (await asOffice(first.port, '/v1/staff')).items as {
        userId: string;
        name: string;
        title?: string;
        roles: string[];
      }[];
      const roles = staff.flatMap((s) => s.roles);
      for (const role of ['clerk', 'handler', 'leader', 'supervisor', 'admin']) expect(roles).toContain(role);
      expect(roles.filter((r) => r === 'grid_worker')).toHaveLength(2);
      expect(roles.filter((r) => r === 'handler')).toHaveLength(2);
      for (const entry of staff) {
        expect(entry.name).toMatch(/^\p{Script=Han}{2,4}$/u);
        expect(entry.title).toMatch(/\p{Script=Han}/u);
      }
      expect(staff.find((s) => s.roles.includes('leader'))?.title).toBe('镇党委副书记');
      for (const [grid, worker] of [
        ['g-dongcun', 'grid-worker-1'],
        ['g-xicun', 'grid-worker-2'],
      ])
        expect((await asOffice(first.port, `/v1/grids/${grid}`)).workers).toEqual([worker]);

      const cases = await demoCases(first.port);
      const statuses = cases.map((c) => c.status);
      for (const status of ['registered', 'accepted', 'replied', 'closed'])
        expect(statuses).toContain(status);
      expect(cases.filter((c) => c.key !== undefined && c.owner !== undefined)).toHaveLength(1);
      expect(cases.some((c) => c.channel === 'patrol')).toBe(true);
      // received over a few weeks, the late entries with their reason
      const days = cases.map((c) => (Date.now() - Date.parse(c.receivedAt)) / 86_400_000);
      expect(Math.max(...days)).toBeGreaterThan(14);
      for (const [i, late] of days.entries())
        if (late > 3) expect(cases[i]?.lateEntryReason, cases[i]?.receivedAt).toBeTruthy();
      // one still registered past its acknowledgement deadline
      const overdue = (
        await asOffice(
          first.port,
          `/v1/cases?status=registered&dueBefore=${encodeURIComponent(new Date().toISOString())}`,
        )
      ).items as unknown[];
      expect(overdue).toHaveLength(1);

      // the banner shows the Open311 key once, and it files a request; Open311 serves the town from the start
      expect(first.output()).toMatch(/demo town demo-town seeded in \d+ ms: 8 staff, 8 cases/);
      const apiKey = /api_key (\S{43}) \(shown this once/.exec(first.output())?.[1];
      expect(apiKey).toBeDefined();
      const filed = await fetch(`http://127.0.0.1:${first.port}/open311/v2/requests.json`, {
        method: 'POST',
        body: new URLSearchParams({
          api_key: apiKey ?? '',
          service_code: 'environment',
          description: '河道有人倾倒垃圾',
          address_string: '东村桥头',
        }),
      });
      expect(filed.status).toBe(201);
      const discovery = await fetch(`http://localhost:${first.port}/open311/discovery.json`);
      expect(((await discovery.json()) as { endpoints: { url: string }[] }).endpoints[0]?.url).toBe(
        `http://localhost:${first.port}/open311/v2`,
      );
    },
  );

  it('refuses a second host on the same data folder, naming the first', STEP, async () => {
    const second = await startHost();
    expect(await second.exit).toBe(1);
    expect(second.output()).toContain(`another local host (pid ${theLock().pid}) is using ${dataDir}`);
    expect((await health(second.port)).status).toBe('refused');
    // the first host is untouched, and one engine runs on the files
    expect((await health(first.port)).status).toBe(200);
    expect(enginesOn(dbPath)).toEqual([theLock().enginePid]);
  });

  it('answers 503 while its engine is dead, then runs a new one on the same files', STEP, async () => {
    const dead = theLock().enginePid;
    process.kill(dead, 'SIGKILL');
    const down = await until('health 503', async () => {
      const answer = await health(first.port);
      return answer.status === 503 ? answer : undefined;
    });
    expect(down.type).toMatch(/^application\/problem\+json/);
    expect(down.body).toMatchObject({ type: '/problems/unavailable', status: 503 });

    await untilHealthy(first);
    const restarted = theLock().enginePid;
    expect(restarted).not.toBe(dead);
    expect(processAlive(dead)).toBe(false);
    expect(enginesOn(dbPath)).toEqual([restarted]);
    expect(first.output()).toMatch(new RegExp(`DynamoDB Local \\(pid ${dead}\\) ended .*restarting`));
    expect(await demoCases(first.port)).toHaveLength(CASES);
  });

  it('takes its engine along when killed with SIGKILL', STEP, async () => {
    const { pid, enginePid } = theLock();
    process.kill(pid, 'SIGKILL');
    await first.exit;
    await until('the engine of the killed host to end', () => (processAlive(enginePid) ? undefined : true));
    expect(enginesOn(dbPath)).toEqual([]);
    // the lock stays behind, naming a host that is gone
    expect(readLock(dataDir)?.pid).toBe(pid);
  });

  let second: Host;

  it('starts again after that, taking over the stale lock, with one engine on the files', STEP, async () => {
    const stale = readLock(dataDir)?.pid;
    second = await startHost();
    await untilHealthy(second);
    expect(second.output()).toContain(`taking over ${dataDir} from a host that is gone (pid ${stale})`);
    expect(enginesOn(dbPath)).toEqual([theLock().enginePid]);
    // nothing is seeded again, and no new Open311 key is issued
    expect(await demoCases(second.port)).toHaveLength(CASES);
    expect(second.output()).toContain('demo town demo-town: as the data folder keeps it');
    expect(second.output()).not.toMatch(/api_key \S{43}/);
    const keys = (await asOffice(second.port, '/v1/admin/open311-keys', 'admin', 'admin-1'))
      .items as unknown[];
    expect(keys).toHaveLength(1);
  });

  let third: Host;

  it('stops an engine orphaned with its watchdog at the next start, and says so', STEP, async () => {
    const { pid, enginePid } = theLock();
    // freeze the host, kill the watchdog shell and its watcher, then the host: the engine is left without anyone
    signal(pid, 'SIGSTOP');
    const watchdog = parentOf(enginePid);
    const watchers = listProcesses()
      .filter((p) => p.pid !== enginePid && processAlive(p.pid) && parentOf(p.pid) === watchdog)
      .map((p) => p.pid);
    for (const orphaner of [...watchers, watchdog, pid]) signal(orphaner, 'SIGKILL');
    await second.exit;
    await new Promise((r) => setTimeout(r, 500));
    expect(processAlive(enginePid)).toBe(true);

    third = await startHost();
    await untilHealthy(third);
    expect(third.output()).toContain(`stopping DynamoDB Local (pid ${enginePid})`);
    expect(processAlive(enginePid)).toBe(false);
    expect(enginesOn(dbPath)).toEqual([theLock().enginePid]);
  });

  it('stops its engine and removes its lock on SIGTERM', STEP, async () => {
    const { enginePid } = theLock();
    third.child.kill('SIGTERM');
    expect(await third.exit).toBe(0);
    expect(processAlive(enginePid)).toBe(false);
    expect(enginesOn(dbPath)).toEqual([]);
    expect(existsSync(lockFile(dataDir))).toBe(false);
    expect(existsSync(join(dataDir, 'runtime.json'))).toBe(false);
  });
});
