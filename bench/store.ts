/**
 * Store benchmark: durable put throughput and latency with 16 concurrent writers (with and
 * without fsync, to show what the group commit buys), range/count over a populated keyspace, and
 * reopen time. Reports figures only; there is no pass/fail.
 * Standalone: node --import tsx bench/store.ts
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openStore, type Store } from '../server/store/index.js';

const WRITERS = 16;
const WRITE_MS = 2_000;
const RANGE_KEYS = 10_000;
const RANGE_LIMIT = 1_000;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const round = (n: number, digits = 1) => Number(n.toFixed(digits));

/** A JSON value of the size of a small Kubernetes object. */
const objectValue = (rev: number) => JSON.stringify({ metadata: { name: 'bench', resourceVersion: String(rev), labels: { app: 'bench' } }, spec: { data: 'x'.repeat(600) } });

async function durableWrites(store: Store, prefix: string): Promise<{ writes: number; perSec: number; p50: number; p99: number }> {
  const latencies: number[] = [];
  const deadline = performance.now() + WRITE_MS;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: WRITERS }, async (_, w) => {
      for (let i = 0; performance.now() < deadline; i++) {
        const t0 = performance.now();
        const r = store.put(`${prefix}${w}/${i % 100}`, objectValue);
        if (!r.ok) throw new Error('unconditional put failed');
        await r.durable;
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const elapsed = performance.now() - started;
  latencies.sort((a, b) => a - b);
  return { writes: latencies.length, perSec: (latencies.length / elapsed) * 1000, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

function timeEach(iterations: number, fn: () => void): number {
  const t0 = performance.now();
  for (let i = 0; i < iterations; i++) fn();
  return ((performance.now() - t0) / iterations) * 1000;
}

export async function benchStore(): Promise<Record<string, string | number>> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-bench-store-'));
  const out: Record<string, string | number> = {};
  try {
    const dir = path.join(root, 'synced');
    const store = await openStore(dir);
    const synced = await durableWrites(store, '/bench/w/');
    out['durable puts/s (16 writers, fsync)'] = Math.round(synced.perSec);
    out['durable put p50 ms (fsync)'] = round(synced.p50, 2);
    out['durable put p99 ms (fsync)'] = round(synced.p99, 2);

    for (let i = 0; i < RANGE_KEYS; i++) store.put(`/bench/range/ns${i % 10}/obj-${String(i).padStart(6, '0')}`, objectValue);
    const populated = store.put('/bench/marker', 'x');
    if (populated.ok) await populated.durable;
    const oldRevision = store.revision;
    for (let i = 0; i < RANGE_KEYS; i += 2) store.put(`/bench/range/ns${i % 10}/obj-${String(i).padStart(6, '0')}`, objectValue);
    out[`range ${RANGE_LIMIT} of ${RANGE_KEYS} keys, µs`] = round(timeEach(200, () => store.range('/bench/range/', { limit: RANGE_LIMIT })));
    out[`range ${RANGE_LIMIT} keys at an older revision, µs`] = round(timeEach(200, () => store.range('/bench/range/', { limit: RANGE_LIMIT, revision: oldRevision })));
    out[`range ${RANGE_LIMIT} keys from a startKey, µs`] = round(timeEach(200, () => store.range('/bench/range/', { limit: RANGE_LIMIT, startKey: '/bench/range/ns5/' })));
    out[`count of ${RANGE_KEYS} keys, µs`] = round(timeEach(2_000, () => store.count('/bench/range/')), 2);
    out['keys in store'] = store.count('');
    await store.close();

    const t0 = performance.now();
    const reopened = await openStore(dir);
    out['reopen (snapshot + WAL replay) ms'] = round(performance.now() - t0);
    out['revision after reopen'] = reopened.revision;
    await reopened.close();

    const unsynced = await openStore(path.join(root, 'unsynced'), { fsync: false });
    const noSync = await durableWrites(unsynced, '/bench/w/');
    out['puts/s (16 writers, fsync off)'] = Math.round(noSync.perSec);
    out['put p99 ms (fsync off)'] = round(noSync.p99, 2);
    await unsynced.close();
    out['rss MB at end'] = Math.round(process.memoryUsage().rss / 2 ** 20);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
  return out;
}

if (require.main === module) {
  benchStore().then(
    (figures) => {
      for (const [name, value] of Object.entries(figures)) console.log(`${name.padEnd(48)} ${value}`);
    },
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
