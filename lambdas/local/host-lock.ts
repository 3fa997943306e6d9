import { linkSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { commandLine, processAlive } from './processes.js';

/**
 * One local host per data folder: `<data dir>/host.lock` names the host that holds the folder and the DynamoDB Local
 * it runs. A lock whose host is alive refuses a second host; a lock left by a host that is gone is taken over.
 */

export interface LockInfo {
  pid: number;
  startedAt: string;
  enginePid?: number;
  enginePort?: number;
}

export const lockFile = (dataDir: string): string => resolve(dataDir, 'host.lock');

/** Another host holds the folder: the message says which, and what to do. */
export class DataDirInUseError extends Error {}

export function readLock(dataDir: string): LockInfo | undefined {
  try {
    const info = JSON.parse(readFileSync(lockFile(dataDir), 'utf8')) as LockInfo;
    return typeof info.pid === 'number' ? info : undefined;
  } catch {
    return undefined;
  }
}

/** A live process that is a local host (not another program that has since been given the same pid). */
function hostAlive(pid: number): boolean {
  if (pid === process.pid || !processAlive(pid)) return false;
  const argv = commandLine(pid);
  return argv === undefined || argv.some((arg) => /local[/\\]main\.[jt]s$/.test(arg));
}

function writeAtomically(file: string, info: LockInfo, exclusive: boolean): boolean {
  const temporary = `${file}.${process.pid}`;
  writeFileSync(temporary, JSON.stringify(info, null, 2));
  try {
    if (!exclusive) {
      renameSync(temporary, file);
      return true;
    }
    // a hard link appears whole or not at all, and fails if the lock exists
    linkSync(temporary, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    rmSync(temporary, { force: true });
  }
}

export interface HostLock {
  /** What the lock held before, when it was left by a host that is gone. */
  readonly stale?: LockInfo;
  /** Records the engine this host runs. */
  update(engine: { enginePid: number; enginePort: number }): void;
  /** Removes the lock if it is still this host's. */
  release(): void;
}

/** Takes the data folder for this process, or throws DataDirInUseError while a live host holds it. */
export function lockDataDir(dataDir: string): HostLock {
  mkdirSync(dataDir, { recursive: true });
  const file = lockFile(dataDir);
  const mine: LockInfo = { pid: process.pid, startedAt: new Date().toISOString() };
  let stale: LockInfo | undefined;
  for (let attempt = 0; ; attempt++) {
    if (writeAtomically(file, mine, true)) break;
    const holder = readLock(dataDir);
    if (holder && hostAlive(holder.pid))
      throw new DataDirInUseError(
        `another local host (pid ${holder.pid}) is using ${dataDir}: stop it first, or give this one a folder of ` +
          `its own with FENGQIAO_DATA_DIR`,
      );
    if (attempt >= 2)
      throw new DataDirInUseError(`could not take ${file}: another host is starting on ${dataDir}`);
    // left by a host that is gone (or unreadable): take it over, unless it changed since it was read
    const again = readLock(dataDir);
    if (JSON.stringify(again) !== JSON.stringify(holder)) continue;
    stale = holder ?? stale;
    rmSync(file, { force: true });
  }
  let current = mine;
  return {
    ...(stale ? { stale } : {}),
    update(engine) {
      current = { ...current, ...engine };
      if (readLock(dataDir)?.pid === process.pid) writeAtomically(file, current, false);
    },
    release() {
      if (readLock(dataDir)?.pid === process.pid) rmSync(file, { force: true });
    },
  };
}
