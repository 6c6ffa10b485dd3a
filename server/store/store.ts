/**
 * The embedded store: key index + event log in memory, WAL and snapshots on disk, watch fan-out.
 *
 * Write path: check the precondition, apply to memory (visible at once), queue the WAL frame; the
 * WAL's group commit later reports the revision durable, which releases the write's promise and
 * its watch event. Recovery: newest valid snapshot, then every WAL record above its revision.
 *
 * Data directory: `LOCK`, `snap/` (snapshot files), `wal/` (segments).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CompactionPolicy } from './compact.js';
import { FutureRevisionError, SnapshotError, StoreClosedError, WalError } from './errors.js';
import { EventLog } from './eventlog.js';
import { fsyncDir } from './fsutil.js';
import { KeyIndex } from './keyindex.js';
import { lockDir, type DirLock } from './lock.js';
import { encodeCompact, encodeDelete, encodePut, RecordType, type StoreRecord } from './record.js';
import { listSnapshots, pruneSnapshots, readSnapshot, removeTemporaries, writeSnapshot, type LoadedSnapshot, type SnapshotContent } from './snapshot.js';
import { CompactedError, type KeyValue, type RangeOptions, type RangeResult, type Store, type Watcher, type WatchEvent, type WriteOptions, type WriteResult } from './types.js';
import { Wal } from './wal.js';
import { Watchable } from './watchable.js';

export interface StoreOptions {
  /** snapshot once this many WAL records were written since the last one; default 10,000 */
  snapshotEveryRecords?: number;
  /** ... or this many WAL bytes; default 16 MiB */
  snapshotEveryBytes?: number;
  /** a WAL segment is closed once it reaches this size; default 16 MiB */
  segmentBytes?: number;
  /** automatic compaction keeps history for this long; default 5 minutes */
  historyRetentionMs?: number;
  /** ... and never more than this many revisions; default 5,000 */
  historyMaxRevisions?: number;
  /**
   * fdatasync every commit and sync snapshot files; default true. false gives up durability and
   * exists only so a benchmark can show what syncing costs.
   */
  fsync?: boolean;
  /** receives recovery notes (a truncated WAL tail, a skipped snapshot); default process.emitWarning */
  onWarning?: (message: string) => void;
}

/**
 * Snapshots kept on disk, with the WAL from the older one: if the newest turns out unreadable,
 * recovery still has a complete path through the previous one.
 */
const KEEP_SNAPSHOTS = 2;

const noop = () => {};

export class EmbeddedStore implements Store {
  private readonly index = new KeyIndex();
  private readonly log = new EventLog();
  private readonly policy: CompactionPolicy;
  private readonly opts: Required<StoreOptions>;
  private readonly snapDir: string;
  private wal!: Wal;
  private watchable!: Watchable;
  private rev = 0;
  private compactRev = 0;
  private timer: NodeJS.Timeout | undefined;
  private snapshotting: Promise<void> | undefined;
  private inValueFn = false;
  private closed = false;
  private closing: Promise<void> | undefined;

  private constructor(private readonly dir: string, opts: StoreOptions, private readonly lock: DirLock) {
    this.opts = {
      snapshotEveryRecords: opts.snapshotEveryRecords ?? 10_000,
      snapshotEveryBytes: opts.snapshotEveryBytes ?? 16 << 20,
      segmentBytes: opts.segmentBytes ?? 16 << 20,
      historyRetentionMs: opts.historyRetentionMs ?? 5 * 60_000,
      historyMaxRevisions: opts.historyMaxRevisions ?? 5_000,
      fsync: opts.fsync ?? true,
      onWarning: opts.onWarning ?? ((m) => process.emitWarning(m)),
    };
    this.policy = new CompactionPolicy({ retentionMs: this.opts.historyRetentionMs, maxRevisions: this.opts.historyMaxRevisions });
    this.snapDir = path.join(dir, 'snap');
  }

  static async open(dir: string, opts: StoreOptions = {}): Promise<EmbeddedStore> {
    const created = await fs.promises.mkdir(dir, { recursive: true });
    if (created !== undefined && opts.fsync !== false) await fsyncDir(path.dirname(created));
    const lock = lockDir(dir);
    try {
      const store = new EmbeddedStore(dir, opts, lock);
      await store.recover();
      return store;
    } catch (err) {
      lock.release();
      throw err;
    }
  }

  get revision(): number {
    return this.rev;
  }

  get compactRevision(): number {
    return this.compactRev;
  }

  private async recover(): Promise<void> {
    const walDir = path.join(this.dir, 'wal');
    await fs.promises.mkdir(this.snapDir, { recursive: true });
    await fs.promises.mkdir(walDir, { recursive: true });
    // make the entries of `wal/` and `snap/` themselves survive a crash
    if (this.opts.fsync) await fsyncDir(this.dir);
    await removeTemporaries(this.snapDir);
    let snap: LoadedSnapshot | undefined;
    for (const snapRev of await listSnapshots(this.snapDir)) {
      try {
        snap = await readSnapshot(this.snapDir, snapRev);
        break;
      } catch (err) {
        if (!(err instanceof SnapshotError)) throw err;
        this.opts.onWarning(`${err.message}; trying an older snapshot`);
      }
    }
    if (snap) this.loadSnapshot(snap);
    const { wal, repaired } = await Wal.open(walDir, { fsync: this.opts.fsync, segmentBytes: this.opts.segmentBytes }, this.rev, (rec) => this.replay(rec));
    if (repaired !== undefined) this.opts.onWarning(repaired);
    this.wal = wal;
    this.watchable = new Watchable(this.log, this.rev);
    wal.onDurable = (mark) => {
      this.watchable.markDurable(mark);
      this.maybeSnapshot();
    };
    const over = this.policy.onWrite(this.rev, this.compactRev);
    if (over !== undefined) this.compactDurably(over);
    this.timer = setInterval(() => this.autoCompact(), this.policy.tickMs);
    this.timer.unref();
  }

  private loadSnapshot(snap: LoadedSnapshot): void {
    for (const kv of snap.base) this.index.put(Object.freeze(kv));
    this.rev = this.compactRev = snap.compactRevision;
    try {
      for (const rec of snap.records) this.replay(rec);
    } catch (err) {
      throw new SnapshotError(`snapshot: revision ${snap.revision} is inconsistent: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (this.rev !== snap.revision) throw new SnapshotError(`snapshot: revision ${snap.revision} replays to revision ${this.rev}`);
  }

  /** Applies one logged record during recovery; records the snapshot already holds are skipped. */
  private replay(rec: StoreRecord): void {
    switch (rec.type) {
      case RecordType.Put:
      case RecordType.Delete: {
        if (rec.revision <= this.rev) return;
        if (rec.revision !== this.rev + 1) throw new WalError(`wal: revision gap: expected ${this.rev + 1}, found ${rec.revision}`);
        const prev = this.index.get(rec.key);
        if (rec.type === RecordType.Put) this.applyPut(rec.key, rec.value, rec.revision, prev);
        else if (prev) this.applyDelete(rec.key, rec.revision, prev);
        else throw new WalError(`wal: revision ${rec.revision} deletes ${rec.key}, which does not exist`);
        return;
      }
      case RecordType.Compact:
        if (rec.revision > this.compactRev && rec.revision <= this.rev) this.compactTo(rec.revision);
        return;
      default:
        throw new WalError(`wal: unexpected record type ${rec.type} in a segment`);
    }
  }

  private applyPut(key: string, value: string, rev: number, prev: KeyValue | undefined): WatchEvent {
    const kv: KeyValue = Object.freeze({
      key,
      value,
      createRevision: prev ? prev.createRevision : rev,
      modRevision: rev,
      version: prev ? prev.version + 1 : 1,
    });
    this.index.put(kv);
    this.rev = rev;
    const event: WatchEvent = Object.freeze(prev ? { type: 'PUT', kv, prevKv: prev } : { type: 'PUT', kv });
    this.log.push(event);
    return event;
  }

  private applyDelete(key: string, rev: number, prev: KeyValue): WatchEvent {
    this.index.delete(key, rev);
    this.rev = rev;
    const event: WatchEvent = Object.freeze({ type: 'DELETE', kv: Object.freeze({ ...prev, modRevision: rev }), prevKv: prev });
    this.log.push(event);
    return event;
  }

  private checkWritable(): void {
    if (this.closed) throw new StoreClosedError();
    if (this.inValueFn) throw new Error('store: a value function must not write to the store');
    const failure = this.wal.failure;
    if (failure) throw failure;
  }

  private static preconditionHolds(current: KeyValue | undefined, opts: WriteOptions | undefined): boolean {
    const expected = opts?.expectModRevision;
    if (expected === undefined) return true;
    return expected === 0 ? current === undefined : current?.modRevision === expected;
  }

  get(key: string): KeyValue | undefined {
    return this.index.get(key);
  }

  range(prefix: string, opts: RangeOptions = {}): RangeResult {
    const limit = opts.limit ?? 0;
    const at = opts.revision;
    if (at !== undefined && at > 0 && at !== this.rev) {
      if (at < this.compactRev) throw new CompactedError(at, this.compactRev);
      if (at > this.rev) throw new FutureRevisionError(at, this.rev);
      return { ...this.index.range(prefix, opts.startKey, limit, at), revision: at };
    }
    return { ...this.index.range(prefix, opts.startKey, limit, undefined), revision: this.rev };
  }

  count(prefix: string): number {
    return this.index.count(prefix);
  }

  put(key: string, value: string | ((revision: number) => string), opts?: WriteOptions): WriteResult {
    this.checkWritable();
    if (key === '') throw new TypeError('store: empty key');
    const prev = this.index.get(key);
    if (!EmbeddedStore.preconditionHolds(prev, opts)) return prev ? { ok: false, current: prev } : { ok: false };
    const rev = this.rev + 1;
    let text: string;
    if (typeof value === 'function') {
      this.inValueFn = true;
      try {
        text = value(rev);
      } finally {
        this.inValueFn = false;
      }
    } else text = value;
    const event = this.applyPut(key, text, rev, prev);
    return this.logged(event, encodePut(rev, key, text));
  }

  delete(key: string, opts?: WriteOptions): WriteResult {
    this.checkWritable();
    const prev = this.index.get(key);
    if (!prev || !EmbeddedStore.preconditionHolds(prev, opts)) return prev ? { ok: false, current: prev } : { ok: false };
    const event = this.applyDelete(key, this.rev + 1, prev);
    return this.logged(event, encodeDelete(event.kv.modRevision, key));
  }

  private logged(event: WatchEvent, frame: Buffer): WriteResult {
    const rev = event.kv.modRevision;
    const durable = this.wal.append(frame, rev);
    this.watchable.enqueue(event);
    const over = this.policy.onWrite(rev, this.compactRev);
    if (over !== undefined) this.compactDurably(over);
    return event.prevKv ? { ok: true, revision: rev, kv: event.kv, prevKv: event.prevKv, durable } : { ok: true, revision: rev, kv: event.kv, durable };
  }

  watch(prefix: string, afterRevision: number, onEvents: (events: WatchEvent[]) => void): Watcher {
    if (this.closed) throw new StoreClosedError();
    if (afterRevision < this.compactRev) throw new CompactedError(afterRevision, this.compactRev);
    return this.watchable.watch(prefix, afterRevision, onEvents);
  }

  compact(revision: number): void {
    this.checkWritable();
    if (revision > this.rev) throw new FutureRevisionError(revision, this.rev);
    if (revision > this.compactRev) this.compactDurably(revision);
  }

  private autoCompact(): void {
    const target = this.policy.onTick(Date.now(), this.rev);
    if (target > this.compactRev && !this.closed && !this.wal.failure) this.compactDurably(target);
  }

  private compactDurably(target: number): void {
    this.compactTo(target);
    // Losing this record in a crash only means recovery keeps more history, so nobody waits on it.
    this.wal.append(encodeCompact(target), this.rev).catch(noop);
  }

  private compactTo(target: number): void {
    const touched = new Set<string>();
    this.log.trimThrough(target, (e) => touched.add(e.kv.key));
    for (const key of touched) this.index.compactKey(key, target);
    this.compactRev = target;
  }

  private maybeSnapshot(): void {
    if (this.snapshotting || this.closed) return;
    const since = this.wal.sinceCut;
    if (since.frames < this.opts.snapshotEveryRecords && since.bytes < this.opts.snapshotEveryBytes) return;
    this.snapshotting = this.snapshot().finally(() => {
      this.snapshotting = undefined;
    });
  }

  /** Captures the state now (KeyValues are immutable, so pointers suffice) and writes it out. */
  private async snapshot(): Promise<void> {
    const content: SnapshotContent = {
      revision: this.rev,
      compactRevision: this.compactRev,
      base: [],
      events: this.log.between(this.compactRev, this.rev, ''),
    };
    this.index.forEachAt(this.compactRev, (kv) => content.base.push(kv));
    this.wal.cut();
    try {
      await writeSnapshot(this.snapDir, content, this.opts.fsync);
      const oldest = await pruneSnapshots(this.snapDir, KEEP_SNAPSHOTS);
      if (oldest !== undefined) await this.wal.removeCovered(oldest);
    } catch (err) {
      // The WAL still holds everything, so a failed snapshot costs only recovery time.
      this.opts.onWarning(`store: snapshot at revision ${content.revision} failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    try {
      await this.snapshotting;
      await this.wal.close();
    } finally {
      this.watchable.cancelAll();
      this.lock.release();
    }
  }
}
