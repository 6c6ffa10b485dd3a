/**
 * Thin promise wrappers over the callback fs API (cheaper per call than fs/promises FileHandles,
 * which matters on the group-commit path) and the directory fsync that makes file creation,
 * rename and unlink survive a crash.
 */
import * as fs from 'node:fs';

export function writev(fd: number, buffers: Buffer[], position: number): Promise<number> {
  return new Promise((resolve, reject) => fs.writev(fd, buffers, position, (err, n) => (err ? reject(err) : resolve(n))));
}

export function fdatasync(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fs.fdatasync(fd, (err) => (err ? reject(err) : resolve())));
}

export function fsyncFd(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fs.fsync(fd, (err) => (err ? reject(err) : resolve())));
}

/**
 * Persists a directory's entries. Windows cannot open a directory as a file, and NTFS journals
 * the metadata anyway, so it is skipped there.
 */
export async function fsyncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const fh = await fs.promises.open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export function hex16(n: number): string {
  return n.toString(16).padStart(16, '0');
}
