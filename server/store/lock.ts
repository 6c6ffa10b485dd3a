/**
 * Exclusive ownership of a data directory: `<dir>/LOCK`, created with O_EXCL and holding the
 * owner's pid. Node has no flock, so a lock left by a killed process is recognised by its pid no
 * longer running and taken over. Two processes taking over the same stale lock at the same
 * instant could both succeed; that needs a crash followed by two simultaneous starts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { StoreLockedError } from './errors.js';

/**
 * Directories this process holds. The LOCK file alone cannot tell: one bearing our own pid may be
 * stale, left by an earlier process that had the same pid (pid 1 in a container, say).
 */
const heldHere = new Set<string>();

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readPid(file: string): number | undefined {
  try {
    const pid = parseInt(fs.readFileSync(file, 'utf8'), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export interface DirLock {
  release(): void;
}

export function lockDir(dir: string): DirLock {
  const resolved = fs.realpathSync(dir);
  if (heldHere.has(resolved)) throw new StoreLockedError(dir, process.pid);
  const file = path.join(resolved, 'LOCK');
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = fs.openSync(file, 'wx', 0o644);
      try {
        fs.writeSync(fd, `${process.pid}\n`);
      } finally {
        fs.closeSync(fd);
      }
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = readPid(file);
      // A pid-less file is a holder killed between create and write.
      if (attempt > 0 || (holder !== undefined && holder !== process.pid && running(holder))) throw new StoreLockedError(dir, holder);
      fs.rmSync(file, { force: true });
    }
  }
  heldHere.add(resolved);
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      heldHere.delete(resolved);
      fs.rmSync(file, { force: true });
    },
  };
}
