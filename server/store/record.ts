/**
 * On-disk record format, shared by WAL segments and snapshot files.
 *
 * Every record is a frame (integers little-endian; u64 values stay below 2^53):
 *
 *     u32 crc      CRC-32 (zlib polynomial) of the length field followed by the payload
 *     u32 length   payload byte count, at least 1
 *     payload      u8 type, then the fields of that type:
 *       1 PUT         u64 revision, u32 keyBytes, key (UTF-8), value (UTF-8, rest of payload)
 *       2 DELETE      u64 revision, key (UTF-8, rest of payload)
 *       3 COMPACT     u64 target revision (history at or below it may be discarded)
 *       4 KV          u64 createRevision, u64 modRevision, u64 version, u32 keyBytes, key, value
 *       5 SNAP_BEGIN  u64 revision, u64 compactRevision
 *       6 SNAP_END    u64 number of records between SNAP_BEGIN and SNAP_END
 *
 * The CRC covers the length so a corrupted length cannot make a wrong slice look valid, and a
 * zero length is rejected so a zeroed sector (crc 0, length 0, and crc32 of nothing is 0) is never
 * mistaken for a record.
 *
 * WAL: `<dir>/wal/<seq>-<startRev>.wal`, both 16 lowercase hex digits. `seq` orders the segments;
 * `startRev` is the store revision just before the segment's first record, so segment k holds only
 * records with revision <= startRev of segment k+1. A segment holds PUT, DELETE and COMPACT frames
 * back to back, with no header. Records are only appended; each group commit is one write plus
 * one fdatasync.
 *
 * Snapshot: `<dir>/snap/<revision>.snap` (16 hex digits): the 8-byte magic "SKIFSNP1", then
 * SNAP_BEGIN, a KV frame for every key that existed at compactRevision (the MVCC base), a PUT or
 * DELETE frame for every revision in (compactRevision, revision] in order, then SNAP_END. A file
 * without a matching SNAP_END is incomplete and never used.
 */
import { crc32 } from 'node:zlib';
import type { KeyValue } from './types.js';

export const RecordType = { Put: 1, Delete: 2, Compact: 3, Kv: 4, SnapBegin: 5, SnapEnd: 6 } as const;

export type StoreRecord =
  | { type: typeof RecordType.Put; revision: number; key: string; value: string }
  | { type: typeof RecordType.Delete; revision: number; key: string }
  | { type: typeof RecordType.Compact; revision: number }
  | { type: typeof RecordType.Kv; kv: KeyValue }
  | { type: typeof RecordType.SnapBegin; revision: number; compactRevision: number }
  | { type: typeof RecordType.SnapEnd; count: number };

const HEADER = 8;
const U64 = 8;
const U32 = 4;
const TWO_32 = 0x1_0000_0000;

function frame(payloadLength: number): Buffer {
  const buf = Buffer.allocUnsafe(HEADER + payloadLength);
  buf.writeUInt32LE(payloadLength, 4);
  return buf;
}

function seal(buf: Buffer): Buffer {
  buf.writeUInt32LE(crc32(buf.subarray(4)), 0);
  return buf;
}

function writeU64(buf: Buffer, value: number, offset: number): number {
  buf.writeUInt32LE(value % TWO_32, offset);
  buf.writeUInt32LE(Math.floor(value / TWO_32), offset + 4);
  return offset + U64;
}

function readU64(buf: Buffer, offset: number): number {
  return buf.readUInt32LE(offset) + buf.readUInt32LE(offset + 4) * TWO_32;
}

export function encodePut(revision: number, key: string, value: string): Buffer {
  const keyBytes = Buffer.byteLength(key);
  const buf = frame(1 + U64 + U32 + keyBytes + Buffer.byteLength(value));
  let o = HEADER;
  buf[o++] = RecordType.Put;
  o = writeU64(buf, revision, o);
  o = buf.writeUInt32LE(keyBytes, o);
  o += buf.write(key, o);
  buf.write(value, o);
  return seal(buf);
}

export function encodeDelete(revision: number, key: string): Buffer {
  const buf = frame(1 + U64 + Buffer.byteLength(key));
  buf[HEADER] = RecordType.Delete;
  buf.write(key, writeU64(buf, revision, HEADER + 1));
  return seal(buf);
}

export function encodeCompact(revision: number): Buffer {
  const buf = frame(1 + U64);
  buf[HEADER] = RecordType.Compact;
  writeU64(buf, revision, HEADER + 1);
  return seal(buf);
}

export function encodeKv(kv: KeyValue): Buffer {
  const keyBytes = Buffer.byteLength(kv.key);
  const buf = frame(1 + 3 * U64 + U32 + keyBytes + Buffer.byteLength(kv.value));
  let o = HEADER;
  buf[o++] = RecordType.Kv;
  o = writeU64(buf, kv.createRevision, o);
  o = writeU64(buf, kv.modRevision, o);
  o = writeU64(buf, kv.version, o);
  o = buf.writeUInt32LE(keyBytes, o);
  o += buf.write(kv.key, o);
  buf.write(kv.value, o);
  return seal(buf);
}

export function encodeSnapBegin(revision: number, compactRevision: number): Buffer {
  const buf = frame(1 + 2 * U64);
  buf[HEADER] = RecordType.SnapBegin;
  writeU64(buf, compactRevision, writeU64(buf, revision, HEADER + 1));
  return seal(buf);
}

export function encodeSnapEnd(count: number): Buffer {
  const buf = frame(1 + U64);
  buf[HEADER] = RecordType.SnapEnd;
  writeU64(buf, count, HEADER + 1);
  return seal(buf);
}

/** Decodes one checked payload; undefined when its fields do not fit the declared type. */
function decodePayload(buf: Buffer, start: number, end: number): StoreRecord | undefined {
  const type = buf[start];
  let o = start + 1;
  const has = (n: number) => o + n <= end;
  switch (type) {
    case RecordType.Put: {
      if (!has(U64 + U32)) return undefined;
      const revision = readU64(buf, o);
      const keyBytes = buf.readUInt32LE(o + U64);
      o += U64 + U32;
      if (!has(keyBytes)) return undefined;
      return { type, revision, key: buf.toString('utf8', o, o + keyBytes), value: buf.toString('utf8', o + keyBytes, end) };
    }
    case RecordType.Delete:
      if (!has(U64)) return undefined;
      return { type, revision: readU64(buf, o), key: buf.toString('utf8', o + U64, end) };
    case RecordType.Compact:
      return o + U64 === end ? { type, revision: readU64(buf, o) } : undefined;
    case RecordType.Kv: {
      if (!has(3 * U64 + U32)) return undefined;
      const createRevision = readU64(buf, o);
      const modRevision = readU64(buf, o + U64);
      const version = readU64(buf, o + 2 * U64);
      const keyBytes = buf.readUInt32LE(o + 3 * U64);
      o += 3 * U64 + U32;
      if (!has(keyBytes)) return undefined;
      const key = buf.toString('utf8', o, o + keyBytes);
      return { type, kv: { key, value: buf.toString('utf8', o + keyBytes, end), createRevision, modRevision, version } };
    }
    case RecordType.SnapBegin:
      return o + 2 * U64 === end ? { type, revision: readU64(buf, o), compactRevision: readU64(buf, o + U64) } : undefined;
    case RecordType.SnapEnd:
      return o + U64 === end ? { type, count: readU64(buf, o) } : undefined;
    default:
      return undefined;
  }
}

export interface ParseOutcome {
  /** offset just past the last good record: where a damaged file gets truncated */
  end: number;
  /** why parsing stopped before the end of the buffer */
  problem?: string;
}

/**
 * Calls onRecord for each intact frame from `offset` on and stops at the first damaged one.
 * A crash can only tear the tail, so the caller decides whether a problem is a torn tail to cut
 * off or corruption to refuse.
 */
export function parseRecords(buf: Buffer, offset: number, onRecord: (rec: StoreRecord) => void): ParseOutcome {
  let o = offset;
  while (o < buf.length) {
    if (o + HEADER > buf.length) return { end: o, problem: `partial record header at offset ${o}` };
    const length = buf.readUInt32LE(o + 4);
    if (length === 0) return { end: o, problem: `zero-length record at offset ${o}` };
    if (o + HEADER + length > buf.length) return { end: o, problem: `partial record at offset ${o} (${length} bytes declared, ${buf.length - o - HEADER} present)` };
    if (crc32(buf.subarray(o + 4, o + HEADER + length)) !== buf.readUInt32LE(o)) return { end: o, problem: `crc mismatch at offset ${o}` };
    const rec = decodePayload(buf, o + HEADER, o + HEADER + length);
    if (!rec) return { end: o, problem: `malformed record at offset ${o}` };
    onRecord(rec);
    o += HEADER + length;
  }
  return { end: o };
}
