/**
 * Write-ahead log with group commit (record and file layout: see record.ts).
 *
 * Frames appended while a commit is on disk wait in `pending`; when it completes they all go out
 * in the next single writev + fdatasync, so N concurrent writers cost one sync per batch rather
 * than one each. A batch settles one shared promise.
 *
 * Recovery: a crash can only tear what was being written, which is the tail of the last segment
 * (a segment is always fully synced before the next one is created). Damage there is cut off and
 * appending resumes at the cut; damage anywhere else is real corruption of acknowledged data and
 * refuses to open.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { WalError } from './errors.js';
import { fdatasync, fsyncDir, fsyncFd, hex16, writev } from './fsutil.js';
import { parseRecords, RecordType, type StoreRecord } from './record.js';

export interface WalOptions {
  fsync: boolean;
  /** a segment that reached this size is closed at the next commit */
  segmentBytes: number;
}

interface Segment {
  seq: number;
  /** store revision before the segment's first record */
  startRev: number;
}

const SEGMENT_NAME = /^([0-9a-f]{16})-([0-9a-f]{16})\.wal$/;

function segmentName(s: Segment): string {
  return `${hex16(s.seq)}-${hex16(s.startRev)}.wal`;
}

interface Batch {
  promise: Promise<void>;
  resolve: () => void;
  reject: (err: Error) => void;
}

function newBatch(): Batch {
  let resolve!: () => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A write failure also fails the store for every later call, so a caller that dropped its
  // `durable` promise still finds out; the process must not die of an unhandled rejection.
  promise.catch(() => {});
  return { promise, resolve, reject };
}

export interface WalRecovery {
  wal: Wal;
  /** what was cut off the tail of the last segment, if anything */
  repaired?: string;
}

export class Wal {
  /** called after each commit with the mark of its last frame, before its promise settles */
  onDurable: (mark: number) => void = () => {};

  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private pendingMark = 0;
  private batch: Batch | undefined;
  private inflight: Promise<void> | undefined;
  private scheduled = false;
  private cutRequested = false;
  private failed: Error | undefined;
  /** frames since the last cut, for the snapshot policy */
  private framesSinceCut = 0;
  private bytesSinceCut = 0;

  private constructor(
    private readonly dir: string,
    private readonly opts: WalOptions,
    private readonly segments: Segment[],
    private fd: number,
    private size: number,
    /** mark of the last frame handed to the disk */
    private writtenMark: number,
  ) {}

  /**
   * Opens the log in the existing directory `dir`, replaying to `apply` every record of the segments that may hold
   * revisions above `fromRevision` (the caller skips the ones it already has).
   */
  static async open(dir: string, opts: WalOptions, fromRevision: number, apply: (rec: StoreRecord) => void): Promise<WalRecovery> {
    const segments: Segment[] = [];
    for (const name of await fs.promises.readdir(dir)) {
      const m = SEGMENT_NAME.exec(name);
      if (m) segments.push({ seq: parseInt(m[1]!, 16), startRev: parseInt(m[2]!, 16) });
    }
    segments.sort((a, b) => a.seq - b.seq);

    if (segments.length === 0) {
      const first = { seq: 1, startRev: fromRevision };
      const fd = await openFd(path.join(dir, segmentName(first)), 'wx');
      if (opts.fsync) await fsyncDir(dir);
      return { wal: new Wal(dir, opts, [first], fd, 0, fromRevision) };
    }

    let first = 0;
    while (first < segments.length - 1 && segments[first + 1]!.startRev <= fromRevision) first++;
    if (segments[first]!.startRev > fromRevision) {
      throw new WalError(`wal: records after revision ${fromRevision} are missing: the oldest segment needed, ${segmentName(segments[first]!)}, starts at revision ${segments[first]!.startRev}`);
    }

    let mark = fromRevision;
    let frames = 0;
    let bytes = 0;
    const track = (rec: StoreRecord) => {
      frames++;
      if ((rec.type === RecordType.Put || rec.type === RecordType.Delete) && rec.revision > mark) mark = rec.revision;
      apply(rec);
    };
    let repaired: string | undefined;
    let size = 0;
    for (let k = first; k < segments.length; k++) {
      const name = segmentName(segments[k]!);
      const file = path.join(dir, name);
      const buf = await fs.promises.readFile(file);
      const outcome = parseRecords(buf, 0, track);
      size = outcome.end;
      bytes += outcome.end;
      if (outcome.problem === undefined) continue;
      if (k < segments.length - 1) throw new WalError(`wal: ${outcome.problem} in segment ${name}, which is not the last one`);
      repaired = `wal: ${outcome.problem} in segment ${name}; truncated ${buf.length - outcome.end} bytes of unacknowledged tail`;
      await fs.promises.truncate(file, outcome.end);
    }

    const last = segments[segments.length - 1]!;
    const fd = await openFd(path.join(dir, segmentName(last)), 'r+');
    if (repaired !== undefined && opts.fsync) await fsyncFd(fd);
    const wal = new Wal(dir, opts, segments, fd, size, mark);
    wal.framesSinceCut = frames;
    wal.bytesSinceCut = bytes;
    return { wal, repaired };
  }

  get failure(): Error | undefined {
    return this.failed;
  }

  get sinceCut(): { frames: number; bytes: number } {
    return { frames: this.framesSinceCut, bytes: this.bytesSinceCut };
  }

  /**
   * Queues a frame for the next commit. `mark` is the store revision once the frame applies;
   * marks must not decrease. The promise settles when the frame's batch is on disk.
   */
  append(frame: Buffer, mark: number): Promise<void> {
    if (this.failed) return Promise.reject(this.failed);
    this.pending.push(frame);
    this.pendingBytes += frame.length;
    this.pendingMark = mark;
    this.framesSinceCut++;
    this.bytesSinceCut += frame.length;
    this.batch ??= newBatch();
    if (!this.inflight && !this.scheduled) {
      // Let the rest of this tick's writes join the batch.
      this.scheduled = true;
      queueMicrotask(() => {
        this.scheduled = false;
        if (!this.inflight && this.pending.length > 0) this.inflight = this.commitLoop();
      });
    }
    return this.batch.promise;
  }

  /**
   * Starts a new segment at the next commit, so that every segment before it holds only
   * revisions up to the current mark and becomes deletable once a snapshot covers that mark.
   */
  cut(): void {
    this.cutRequested = true;
    this.framesSinceCut = 0;
    this.bytesSinceCut = 0;
  }

  private async commitLoop(): Promise<void> {
    while (this.pending.length > 0) {
      const frames = this.pending;
      const bytes = this.pendingBytes;
      const mark = this.pendingMark;
      const batch = this.batch!;
      this.pending = [];
      this.pendingBytes = 0;
      this.batch = undefined;
      try {
        if (this.cutRequested || this.size >= this.opts.segmentBytes) {
          // an empty segment already satisfies a cut: nothing in it predates the request
          if (this.size > 0) await this.roll();
          this.cutRequested = false;
        }
        const written = await writev(this.fd, frames, this.size);
        if (written !== bytes) throw new Error(`short write: ${written} of ${bytes} bytes`);
        this.size += bytes;
        if (this.opts.fsync) await fdatasync(this.fd);
      } catch (err) {
        this.fail(err, batch);
        break;
      }
      this.writtenMark = mark;
      this.onDurable(mark);
      batch.resolve();
    }
    this.inflight = undefined;
  }

  private fail(err: unknown, batch: Batch): void {
    // After a failed fsync the kernel may have dropped the dirty pages, so retrying cannot
    // make the earlier frames durable: the log stops for good.
    this.failed = new WalError(`wal: write failed, the store is now read-only: ${err instanceof Error ? err.message : String(err)}`);
    batch.reject(this.failed);
    this.batch?.reject(this.failed);
    this.batch = undefined;
    this.pending = [];
  }

  private async roll(): Promise<void> {
    const last = this.segments[this.segments.length - 1]!;
    const next = { seq: last.seq + 1, startRev: this.writtenMark };
    const fd = await openFd(path.join(this.dir, segmentName(next)), 'wx');
    if (this.opts.fsync) await fsyncDir(this.dir);
    const old = this.fd;
    this.fd = fd;
    this.size = 0;
    this.segments.push(next);
    await closeFd(old);
  }

  /** Deletes the segments whose every record is at or below `revision`. */
  async removeCovered(revision: number): Promise<void> {
    let removed = false;
    while (this.segments.length > 1 && this.segments[1]!.startRev <= revision) {
      const [seg] = this.segments.splice(0, 1);
      await fs.promises.rm(path.join(this.dir, segmentName(seg!)), { force: true });
      removed = true;
    }
    if (removed && this.opts.fsync) await fsyncDir(this.dir);
  }

  /** Commits whatever is queued, then closes the file. */
  async close(): Promise<void> {
    while (this.inflight || this.scheduled) {
      if (this.inflight) await this.inflight;
      else await new Promise<void>((resolve) => queueMicrotask(resolve));
    }
    await closeFd(this.fd);
  }
}

function openFd(file: string, flags: string): Promise<number> {
  return new Promise((resolve, reject) => fs.open(file, flags, 0o644, (err, fd) => (err ? reject(err) : resolve(fd))));
}

function closeFd(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fs.close(fd, (err) => (err ? reject(err) : resolve())));
}
