/** The disk under the data dirs: latency of an appended 4 KiB write + fdatasync (a WAL commit's floor). */
import { open, rm } from 'node:fs/promises';
import { join } from 'node:path';

export async function fdatasyncLatencies(dir: string, n = 50): Promise<number[]> {
  const file = join(dir, `fsync-probe-${process.pid}`);
  const fh = await open(file, 'w');
  const block = Buffer.alloc(4096, 0x61);
  const out: number[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      await fh.write(block, 0, block.length, i * block.length);
      await fh.datasync();
      out.push(performance.now() - t0);
    }
  } finally {
    await fh.close();
    await rm(file, { force: true });
  }
  return out;
}
