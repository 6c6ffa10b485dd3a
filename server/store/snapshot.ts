/**
 * Snapshot files: the whole retained state (MVCC base at the compact revision plus every later
 * event) so that recovery reads one file and only the WAL written after it. Layout: see record.ts.
 *
 * A snapshot is written to a temporary name, synced, renamed into place and the directory synced,
 * so a file under its final name is always complete; a crash mid-write leaves only a temporary
 * file, removed at the next open.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SnapshotError } from './errors.js';
import { fsyncDir, fsyncFd, hex16, writev } from './fsutil.js';
import { encodeDelete, encodeKv, encodePut, encodeSnapBegin, encodeSnapEnd, parseRecords, RecordType, type StoreRecord } from './record.js';
import type { KeyValue, WatchEvent } from './types.js';

const MAGIC = Buffer.from('SKIFSNP1');
const SNAP_NAME = /^([0-9a-f]{16})\.snap$/;
/** bytes buffered before each write, bounding the memory a snapshot of any size needs */
const CHUNK = 1 << 20;

export interface SnapshotContent {
  revision: number;
  compactRevision: number;
  /** every key's value at compactRevision */
  base: KeyValue[];
  /** one event per revision in (compactRevision, revision], in order */
  events: WatchEvent[];
}

export interface LoadedSnapshot {
  revision: number;
  compactRevision: number;
  base: KeyValue[];
  /** PUT and DELETE records to replay on top of base */
  records: StoreRecord[];
}

function snapName(revision: number): string {
  return `${hex16(revision)}.snap`;
}

/** revisions of the snapshots in `dir`, newest first */
export async function listSnapshots(dir: string): Promise<number[]> {
  const revs: number[] = [];
  for (const name of await fs.promises.readdir(dir)) {
    const m = SNAP_NAME.exec(name);
    if (m) revs.push(parseInt(m[1]!, 16));
  }
  return revs.sort((a, b) => b - a);
}

export async function removeTemporaries(dir: string): Promise<void> {
  for (const name of await fs.promises.readdir(dir)) {
    if (name.endsWith('.tmp')) await fs.promises.rm(path.join(dir, name), { force: true });
  }
}

/** Writes `content` as the snapshot for its revision; a failure leaves nothing behind. */
export async function writeSnapshot(dir: string, content: SnapshotContent, fsync: boolean): Promise<void> {
  const final = path.join(dir, snapName(content.revision));
  if (fs.existsSync(final)) return;
  const tmp = `${final}.tmp`;
  const fh = await fs.promises.open(tmp, 'w');
  let ok = false;
  try {
    let chunk: Buffer[] = [MAGIC];
    let chunkBytes = MAGIC.length;
    let position = 0;
    const emit = async (frame: Buffer) => {
      chunk.push(frame);
      chunkBytes += frame.length;
      if (chunkBytes < CHUNK) return;
      position += await writev(fh.fd, chunk, position);
      chunk = [];
      chunkBytes = 0;
    };
    await emit(encodeSnapBegin(content.revision, content.compactRevision));
    for (const kv of content.base) await emit(encodeKv(kv));
    for (const e of content.events) await emit(e.type === 'PUT' ? encodePut(e.kv.modRevision, e.kv.key, e.kv.value) : encodeDelete(e.kv.modRevision, e.kv.key));
    await emit(encodeSnapEnd(content.base.length + content.events.length));
    if (chunkBytes > 0) await writev(fh.fd, chunk, position);
    if (fsync) await fsyncFd(fh.fd);
    ok = true;
  } finally {
    await fh.close();
    if (!ok) await fs.promises.rm(tmp, { force: true });
  }
  await fs.promises.rename(tmp, final);
  if (fsync) await fsyncDir(dir);
}

export async function readSnapshot(dir: string, revision: number): Promise<LoadedSnapshot> {
  const name = snapName(revision);
  const buf = await fs.promises.readFile(path.join(dir, name));
  if (buf.length < MAGIC.length || !buf.subarray(0, MAGIC.length).equals(MAGIC)) throw new SnapshotError(`snapshot: ${name} is not a snapshot file (bad magic)`);
  let header: { revision: number; compactRevision: number } | undefined;
  let count: number | undefined;
  const base: KeyValue[] = [];
  const records: StoreRecord[] = [];
  let misplaced: string | undefined;
  const outcome = parseRecords(buf, MAGIC.length, (rec) => {
    if (misplaced !== undefined) return;
    if (count !== undefined) misplaced = 'record after the end marker';
    else if (rec.type === RecordType.SnapBegin) {
      if (header) misplaced = 'second begin marker';
      else header = rec;
    } else if (!header) misplaced = 'record before the begin marker';
    else if (rec.type === RecordType.Kv) base.push(rec.kv);
    else if (rec.type === RecordType.Put || rec.type === RecordType.Delete) records.push(rec);
    else if (rec.type === RecordType.SnapEnd) count = rec.count;
    else misplaced = `unexpected record type ${rec.type}`;
  });
  if (outcome.problem !== undefined) throw new SnapshotError(`snapshot: ${outcome.problem} in ${name}`);
  if (misplaced !== undefined) throw new SnapshotError(`snapshot: ${misplaced} in ${name}`);
  if (!header || count === undefined) throw new SnapshotError(`snapshot: ${name} is incomplete (no end marker)`);
  if (count !== base.length + records.length) throw new SnapshotError(`snapshot: ${name} declares ${count} records but holds ${base.length + records.length}`);
  if (header.revision !== revision) throw new SnapshotError(`snapshot: ${name} holds revision ${header.revision}`);
  return { revision: header.revision, compactRevision: header.compactRevision, base, records };
}

/** Deletes all but the `keep` newest snapshots; returns the oldest one kept. */
export async function pruneSnapshots(dir: string, keep: number): Promise<number | undefined> {
  const revs = await listSnapshots(dir);
  for (const rev of revs.slice(keep)) await fs.promises.rm(path.join(dir, snapName(rev)), { force: true });
  return revs.slice(0, keep).pop();
}
