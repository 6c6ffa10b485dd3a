import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after } from 'node:test';
import { openStore, type Store, type StoreOptions, type WatchEvent } from '../../server/store/index.js';

const made: string[] = [];
after(() => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});

/** A fresh directory removed when the test file ends. */
export function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-store-'));
  made.push(dir);
  return dir;
}

/** Snapshots off unless a test asks, so WAL contents stay predictable. */
export const noSnapshots: StoreOptions = { snapshotEveryRecords: Number.MAX_SAFE_INTEGER, snapshotEveryBytes: Number.MAX_SAFE_INTEGER };

export async function putDurably(store: Store, key: string, value: string): Promise<number> {
  const r = store.put(key, value);
  if (!r.ok) throw new Error(`put ${key} failed its precondition`);
  await r.durable;
  return r.revision;
}

/** Collects watch batches and lets a test wait until a given number of events has arrived. */
export class EventSink {
  readonly batches: WatchEvent[][] = [];
  private waiters: { n: number; resolve: () => void }[] = [];

  readonly onEvents = (events: WatchEvent[]): void => {
    this.batches.push(events);
    const n = this.events.length;
    this.waiters = this.waiters.filter((w) => (w.n <= n ? (w.resolve(), false) : true));
  };

  get events(): WatchEvent[] {
    return this.batches.flat();
  }

  until(n: number): Promise<void> {
    if (this.events.length >= n) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ n, resolve }));
  }
}

export function walSegments(dir: string): string[] {
  return fs.readdirSync(path.join(dir, 'wal')).filter((n) => n.endsWith('.wal')).sort().map((n) => path.join(dir, 'wal', n));
}

export function snapshots(dir: string): string[] {
  return fs.readdirSync(path.join(dir, 'snap')).filter((n) => n.endsWith('.snap')).sort();
}

/**
 * Byte offsets of the frames in a WAL segment, read straight from the length fields (format:
 * u32 crc, u32 length, payload), so tests do not depend on the parser they are testing.
 */
export function frameOffsets(file: string): { offsets: number[]; size: number } {
  const buf = fs.readFileSync(file);
  const offsets: number[] = [];
  for (let o = 0; o < buf.length; o += 8 + buf.readUInt32LE(o + 4)) offsets.push(o);
  return { offsets, size: buf.length };
}

export { openStore };
