import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** What the local host needs to know about other processes: alive or not, their command line, ending them. */

const HAS_PROC = process.platform === 'linux';

/**
 * True while the process exists and has not ended. A zombie (ended, not yet reaped: an orphan whose new parent does
 * not reap, as in some containers) counts as ended.
 */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to someone else
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  if (!HAS_PROC) return true;
  try {
    // the state follows the parenthesised command name, which may itself contain spaces or parentheses
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** The process's arguments (argv[0] first), or undefined when it cannot be read. */
export function commandLine(pid: number): string[] | undefined {
  try {
    if (HAS_PROC) {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (argv.at(-1) === '') argv.pop();
      return argv.length ? argv : undefined;
    }
    // elsewhere ps joins the arguments with spaces: good enough to recognise a command
    const line = execFileSync('ps', ['-o', 'args=', '-p', String(pid)], { encoding: 'utf8' }).trim();
    return line ? line.split(' ') : undefined;
  } catch {
    return undefined;
  }
}

/** Every process this user can see, with its arguments. */
export function listProcesses(): { pid: number; argv: string[] }[] {
  try {
    if (HAS_PROC)
      return readdirSync('/proc')
        .filter((entry) => /^\d+$/.test(entry))
        .flatMap((entry) => {
          const argv = commandLine(Number(entry));
          return argv ? [{ pid: Number(entry), argv }] : [];
        });
    return execFileSync('ps', ['-ax', '-o', 'pid=,args='], { encoding: 'utf8' })
      .split('\n')
      .flatMap((line) => {
        const match = /^\s*(\d+)\s+(.*)$/.exec(line);
        return match ? [{ pid: Number(match[1]), argv: (match[2] ?? '').split(' ') }] : [];
      });
  } catch {
    return [];
  }
}

const pause = (ms: number) => new Promise((done) => setTimeout(done, ms));

export function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

/** Waits until the process has ended; false if it still runs after `timeoutMs`. */
async function waitForEnd(pid: number, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (processAlive(pid)) {
    if (Date.now() > until) return false;
    await pause(50);
  }
  return true;
}

/** SIGTERM, then SIGKILL if it has not ended within `graceMs`. */
export async function endProcess(pid: number, graceMs = 5_000): Promise<void> {
  if (!processAlive(pid)) return;
  signal(pid, 'SIGTERM');
  if (await waitForEnd(pid, graceMs)) return;
  signal(pid, 'SIGKILL');
  await waitForEnd(pid, 2_000);
}
