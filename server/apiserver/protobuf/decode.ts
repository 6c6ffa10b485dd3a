/**
 * Kubernetes protobuf request bodies (`application/vnd.kubernetes.protobuf`, what kubectl's typed
 * clients send) decoded into the plain JSON object the JSON path would have received for the same
 * Go object: field names, omitted zeros and the custom JSON of Time, Quantity, IntOrString... as
 * Go's encoding/json writes them.
 *
 * Wire layout: the 4-byte magic `k8s\0`, then a runtime.Unknown {typeMeta=1 {apiVersion=1, kind=2},
 * raw=2, contentEncoding=3, contentType=4} whose `raw` is the object's own message. Message layouts
 * come from descriptors.json (scripts/gen-proto.mjs, from the descriptors embedded in kubectl).
 *
 * Zeros: go-to-protobuf always writes a Go value field (string, int32, non-pointer struct) and
 * writes a pointer field only when it is set. So a message field on the wire is always emitted; a
 * scalar zero is emitted only for pointers and fields without omitempty (flag 2 in descriptors);
 * absent fields stay absent (repeated fields Go would encode as `null` are left out too).
 *
 * Every failure throws ProtobufDecodeError (an Error) with a message for a 400; input is bounded:
 * each step consumes bytes, nesting is limited to MAX_NESTING.
 */
import descriptorsJson from './descriptors.json';
import { jsonDepth } from '../jsondepth.js';

/** [number, JSON name, FieldDescriptorProto.Type, flags (1 repeated, 2 keep zero, 4 inline), message type] */
type FieldTuple = [number, string, number, number, string?];

interface Descriptors {
  packages: Record<string, string>;
  kinds: Record<string, string[]>;
  metaPackage: string;
  metaKinds: string[];
  special: Record<string, string>;
  mapEntries: string[];
  arrayWrappers: string[];
  messages: Record<string, FieldTuple[]>;
}

export class ProtobufDecodeError extends Error {}

/** The magic every Kubernetes protobuf document starts with. */
export const PROTOBUF_MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);
/** Deepest message nesting accepted (Kubernetes objects nest ~15 deep). */
export const MAX_NESTING = 100;
/** Deepest JSON accepted inside RawExtension / FieldsV1 (as body.ts for JSON bodies). */
const MAX_JSON_DEPTH = 10000;

// FieldDescriptorProto.Type
const T_DOUBLE = 1;
const T_FLOAT = 2;
const T_INT64 = 3;
const T_UINT64 = 4;
const T_INT32 = 5;
const T_FIXED64 = 6;
const T_FIXED32 = 7;
const T_BOOL = 8;
const T_STRING = 9;
const T_GROUP = 10;
const T_MESSAGE = 11;
const T_BYTES = 12;
const T_UINT32 = 13;
const T_ENUM = 14;
const T_SFIXED32 = 15;
const T_SFIXED64 = 16;
const T_SINT32 = 17;
const T_SINT64 = 18;

// Wire types
const WT_VARINT = 0;
const WT_FIXED64 = 1;
const WT_BYTES = 2;
const WT_START_GROUP = 3;
const WT_END_GROUP = 4;
const WT_FIXED32 = 5;

function wireTypeOf(type: number): number {
  switch (type) {
    case T_DOUBLE:
    case T_FIXED64:
    case T_SFIXED64:
      return WT_FIXED64;
    case T_FLOAT:
    case T_FIXED32:
    case T_SFIXED32:
      return WT_FIXED32;
    case T_STRING:
    case T_BYTES:
    case T_MESSAGE:
      return WT_BYTES;
    case T_GROUP:
      return WT_START_GROUP;
    default:
      return WT_VARINT;
  }
}

// ---------------------------------------------------------------------------------------------
// Descriptor tables, built on first use.
// ---------------------------------------------------------------------------------------------

interface FieldInfo {
  no: number;
  name: string;
  type: number;
  repeated: boolean;
  keepZero: boolean;
  inline: boolean;
  typeName?: string;
}

interface MessageInfo {
  name: string;
  fields: Map<number, FieldInfo>;
  special?: string;
  mapEntry: boolean;
  arrayWrapper: boolean;
}

interface Tables {
  d: Descriptors;
  messages: Map<string, MessageInfo>;
  kinds: Map<string, Set<string>>;
  metaKinds: Set<string>;
}

let tables: Tables | undefined;

function getTables(): Tables {
  if (tables) return tables;
  const d = descriptorsJson as unknown as Descriptors;
  const mapEntries = new Set(d.mapEntries);
  const arrayWrappers = new Set(d.arrayWrappers);
  const messages = new Map<string, MessageInfo>();
  for (const [name, tuples] of Object.entries(d.messages)) {
    const fields = new Map<number, FieldInfo>();
    for (const [no, fname, type, flags, typeName] of tuples) {
      fields.set(no, { no, name: fname, type, repeated: (flags & 1) !== 0, keepZero: (flags & 2) !== 0, inline: (flags & 4) !== 0, typeName });
    }
    messages.set(name, { name, fields, special: d.special[name], mapEntry: mapEntries.has(name), arrayWrapper: arrayWrappers.has(name) });
  }
  const kinds = new Map<string, Set<string>>();
  for (const [gv, ks] of Object.entries(d.kinds)) kinds.set(gv, new Set(ks));
  tables = { d, messages, kinds, metaKinds: new Set(d.metaKinds) };
  return tables;
}

function messageInfo(name: string | undefined): MessageInfo {
  const m = name === undefined ? undefined : getTables().messages.get(name);
  if (!m) throw new ProtobufDecodeError(`protobuf: no descriptor for message ${name}`);
  return m;
}

/** The message that carries `kind` in `apiVersion`, or undefined when Go's scheme would not know it. */
export function protobufMessageFor(apiVersion: string, kind: string): string | undefined {
  const t = getTables();
  const pkg = t.d.packages[apiVersion];
  if (!pkg) return undefined;
  if (t.kinds.get(apiVersion)?.has(kind)) return `${pkg}.${kind}`;
  if (t.metaKinds.has(kind)) return `${t.d.metaPackage}.${kind}`;
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Wire reading
// ---------------------------------------------------------------------------------------------

const TWO_32 = 4294967296;
const MAX_FIELD_NUMBER = 536870911;

class Reader {
  pos: number;
  /** the two halves of the last 64-bit varint / fixed64 */
  lo = 0;
  hi = 0;

  constructor(
    readonly buf: Buffer,
    start: number,
    readonly end: number,
  ) {
    this.pos = start;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  private byte(): number {
    if (this.pos >= this.end) throw new ProtobufDecodeError('unexpected EOF');
    return this.buf[this.pos++];
  }

  /** Reads a varint into lo/hi (unsigned 32-bit halves). At most 10 bytes. */
  varint64(): void {
    let lo = 0;
    let hi = 0;
    let b: number;
    for (let i = 0; i < 4; i++) {
      b = this.byte();
      lo |= (b & 0x7f) << (i * 7);
      if (b < 0x80) {
        this.lo = lo >>> 0;
        this.hi = 0;
        return;
      }
    }
    b = this.byte();
    lo |= (b & 0x7f) << 28;
    hi = (b & 0x7f) >>> 4;
    if (b < 0x80) {
      this.lo = lo >>> 0;
      this.hi = hi >>> 0;
      return;
    }
    for (let i = 0; i < 5; i++) {
      b = this.byte();
      hi |= (b & 0x7f) << (i * 7 + 3);
      if (b < 0x80) {
        this.lo = lo >>> 0;
        this.hi = hi >>> 0;
        return;
      }
    }
    throw new ProtobufDecodeError('proto: integer overflow');
  }

  /** A varint that must fit a non-negative JS integer (lengths, tags). */
  uint(): number {
    this.varint64();
    return this.hi * TWO_32 + this.lo;
  }

  /** A field key: [field number, wire type]. Numbers past protobuf's maximum are illegal tags. */
  tag(): [number, number] {
    this.varint64();
    const wt = this.lo & 7;
    const no = this.hi === 0 ? this.lo >>> 3 : -1;
    return [no > MAX_FIELD_NUMBER ? -1 : no, wt];
  }

  fixed32(): number {
    if (this.end - this.pos < 4) throw new ProtobufDecodeError('unexpected EOF');
    const v = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  fixed64(): void {
    if (this.end - this.pos < 8) throw new ProtobufDecodeError('unexpected EOF');
    this.lo = this.buf.readUInt32LE(this.pos);
    this.hi = this.buf.readUInt32LE(this.pos + 4);
    this.pos += 8;
  }

  /** A length prefix and the range it covers, checked against the end. */
  lengthDelimited(): [number, number] {
    const n = this.uint();
    if (n > this.end - this.pos) throw new ProtobufDecodeError(n > Number.MAX_SAFE_INTEGER / 2 ? 'proto: negative length found during unmarshaling' : 'unexpected EOF');
    const start = this.pos;
    this.pos += n;
    return [start, this.pos];
  }

  /** Skips one field's value of wire type `wt` (groups included, without recursion). */
  skip(wt: number, fieldNo: number): void {
    let depth = 0;
    for (;;) {
      switch (wt) {
        case WT_VARINT:
          this.varint64();
          break;
        case WT_FIXED64:
          this.fixed64();
          break;
        case WT_BYTES:
          this.lengthDelimited();
          break;
        case WT_FIXED32:
          this.fixed32();
          break;
        case WT_START_GROUP:
          depth++;
          break;
        case WT_END_GROUP:
          if (depth === 0) throw new ProtobufDecodeError(`proto: illegal wireType 4 for field ${fieldNo}`);
          depth--;
          break;
        default:
          throw new ProtobufDecodeError(`proto: illegal wireType ${wt}`);
      }
      if (depth === 0) return;
      if (depth > MAX_NESTING) throw new ProtobufDecodeError('proto: groups nested too deeply');
      [fieldNo, wt] = this.tag();
      if (fieldNo <= 0) throw new ProtobufDecodeError(`proto: illegal tag ${fieldNo} (wire type ${wt})`);
    }
  }
}

/** int64 two's complement halves -> number (exact up to 2^53). */
function int64(lo: number, hi: number): number {
  if (hi & 0x80000000) return -((~hi >>> 0) * TWO_32 + (~lo >>> 0) + 1);
  return hi * TWO_32 + lo;
}

function bigint64(lo: number, hi: number): bigint {
  return BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo));
}

/** Reads one scalar of `type` at the reader (wire type already checked). */
function readScalar(r: Reader, type: number): number | boolean | string | Buffer {
  switch (type) {
    case T_INT32:
    case T_ENUM:
      r.varint64();
      return r.lo | 0;
    case T_UINT32:
      r.varint64();
      return r.lo;
    case T_INT64:
      r.varint64();
      return int64(r.lo, r.hi);
    case T_UINT64:
      r.varint64();
      return r.hi * TWO_32 + r.lo;
    case T_SINT32:
      r.varint64();
      return (r.lo >>> 1) ^ -(r.lo & 1);
    case T_SINT64: {
      r.varint64();
      const u = (BigInt(r.hi) << 32n) | BigInt(r.lo);
      return Number((u >> 1n) ^ -(u & 1n));
    }
    case T_BOOL:
      r.varint64();
      return r.lo !== 0 || r.hi !== 0;
    case T_FIXED32:
      return r.fixed32();
    case T_SFIXED32:
      return r.fixed32() | 0;
    case T_FLOAT:
      r.fixed32();
      return r.buf.readFloatLE(r.pos - 4);
    case T_FIXED64:
      r.fixed64();
      return r.hi * TWO_32 + r.lo;
    case T_SFIXED64:
      r.fixed64();
      return int64(r.lo, r.hi);
    case T_DOUBLE:
      r.fixed64();
      return r.buf.readDoubleLE(r.pos - 8);
    case T_STRING: {
      const [s, e] = r.lengthDelimited();
      return r.buf.toString('utf8', s, e);
    }
    case T_BYTES: {
      const [s, e] = r.lengthDelimited();
      return r.buf.subarray(s, e);
    }
    default:
      throw new ProtobufDecodeError(`protobuf: unsupported field type ${type}`);
  }
}

function isZero(v: unknown): boolean {
  return v === 0 || v === false || v === '' || (Buffer.isBuffer(v) && v.length === 0);
}

/** A scalar as Go's JSON writes it: []byte as base64; NaN/Inf have no JSON form. */
function scalarJSON(v: number | boolean | string | Buffer): unknown {
  if (Buffer.isBuffer(v)) return v.toString('base64');
  if (typeof v === 'number' && !Number.isFinite(v)) throw new ProtobufDecodeError(`json: unsupported value: ${v}`);
  return v;
}

/** Sets a key on a plain object, `__proto__` included (as JSON.parse would). */
function setKey(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

// ---------------------------------------------------------------------------------------------
// Messages
// ---------------------------------------------------------------------------------------------

/** Byte ranges of one message-typed field: several occurrences merge (protobuf semantics). */
type Segments = [number, number][];

function segmentsReader(buf: Buffer, segs: Segments): Reader {
  if (segs.length === 1) return new Reader(buf, segs[0][0], segs[0][1]);
  const joined = Buffer.concat(segs.map(([s, e]) => buf.subarray(s, e)));
  return new Reader(joined, 0, joined.length);
}

function wrongWireType(f: FieldInfo, wt: number, msg: MessageInfo): never {
  throw new ProtobufDecodeError(`proto: wrong wireType = ${wt} for field ${f.name} of ${msg.name.slice(msg.name.lastIndexOf('.') + 1)}`);
}

/** Decodes the message `msg` from r's range into its JSON value. */
function decodeMessage(msg: MessageInfo, r: Reader, depth: number): unknown {
  if (depth > MAX_NESTING) throw new ProtobufDecodeError(`protobuf: message nesting exceeds ${MAX_NESTING}`);
  if (msg.special) return decodeSpecial(msg, r, depth);

  const scalars = new Map<number, unknown>();
  const repeated = new Map<number, unknown[]>();
  const submessages = new Map<number, Segments>();

  while (!r.done) {
    const [fieldNo, wt] = r.tag();
    if (fieldNo <= 0) throw new ProtobufDecodeError(`proto: ${msg.name.slice(msg.name.lastIndexOf('.') + 1)}: illegal tag ${fieldNo} (wire type ${wt})`);
    const f = msg.fields.get(fieldNo);
    if (!f) {
      r.skip(wt, fieldNo);
      continue;
    }
    const expected = wireTypeOf(f.type);
    if (f.type === T_MESSAGE) {
      if (wt !== WT_BYTES) wrongWireType(f, wt, msg);
      const range = r.lengthDelimited();
      if (f.repeated) {
        let list = repeated.get(fieldNo);
        if (!list) repeated.set(fieldNo, (list = []));
        list.push(decodeElement(f, r.buf, range, depth + 1));
      } else {
        let segs = submessages.get(fieldNo);
        if (!segs) submessages.set(fieldNo, (segs = []));
        segs.push(range);
      }
    } else if (f.type === T_GROUP) {
      throw new ProtobufDecodeError(`protobuf: group field ${f.name} is not supported`);
    } else if (f.repeated) {
      let list = repeated.get(fieldNo);
      if (!list) repeated.set(fieldNo, (list = []));
      if (wt === expected) list.push(scalarJSON(readScalar(r, f.type)));
      else if (wt === WT_BYTES && expected !== WT_BYTES) {
        // packed
        const [s, e] = r.lengthDelimited();
        const inner = new Reader(r.buf, s, e);
        while (!inner.done) list.push(scalarJSON(readScalar(inner, f.type)));
      } else wrongWireType(f, wt, msg);
    } else {
      if (wt !== expected) wrongWireType(f, wt, msg);
      scalars.set(fieldNo, readScalar(r, f.type));
    }
  }

  if (msg.arrayWrapper) {
    for (const f of msg.fields.values()) return repeated.get(f.no) ?? [];
  }

  const out: Record<string, unknown> = {};
  for (const f of msg.fields.values()) {
    if (f.repeated) {
      const list = repeated.get(f.no);
      if (!list) continue;
      if (f.type === T_MESSAGE && messageInfo(f.typeName).mapEntry) {
        // map<k, v>: the entries make an object; a repeated key keeps its last value (as Go's map).
        const map: Record<string, unknown> = {};
        for (const [k, v] of list as [string, unknown][]) setKey(map, k, v);
        setKey(out, f.name, map);
      } else setKey(out, f.name, list);
      continue;
    }
    if (f.type === T_MESSAGE) {
      const segs = submessages.get(f.no);
      if (!segs) continue;
      const sub = messageInfo(f.typeName);
      const value = decodeMessage(sub, segmentsReader(r.buf, segs), depth + 1);
      if (f.inline) {
        if (value && typeof value === 'object' && !Array.isArray(value)) for (const [k, v] of Object.entries(value)) setKey(out, k, v);
      } else setKey(out, f.name, value);
      continue;
    }
    if (!scalars.has(f.no)) continue;
    const v = scalars.get(f.no) as number | boolean | string | Buffer;
    if (!f.keepZero && isZero(v)) continue;
    setKey(out, f.name, scalarJSON(v));
  }
  return out;
}

/** One element of a repeated message field: map entries become [key, value]. */
function decodeElement(f: FieldInfo, buf: Buffer, [s, e]: [number, number], depth: number): unknown {
  const sub = messageInfo(f.typeName);
  const r = new Reader(buf, s, e);
  if (sub.mapEntry) return decodeMapEntry(sub, r, depth);
  return decodeMessage(sub, r, depth);
}

/** A map<k, v> entry {key=1, value=2} as [JSON key, JSON value]. */
function decodeMapEntry(entry: MessageInfo, r: Reader, depth: number): [string, unknown] {
  if (depth > MAX_NESTING) throw new ProtobufDecodeError(`protobuf: message nesting exceeds ${MAX_NESTING}`);
  const kf = entry.fields.get(1);
  const vf = entry.fields.get(2);
  if (!kf || !vf) throw new ProtobufDecodeError(`protobuf: bad map entry ${entry.name}`);
  let key: unknown;
  let value: unknown;
  const valueSegs: Segments = [];
  while (!r.done) {
    const [fieldNo, wt] = r.tag();
    if (fieldNo <= 0) throw new ProtobufDecodeError(`proto: illegal tag ${fieldNo} (wire type ${wt})`);
    const f = fieldNo === 1 ? kf : fieldNo === 2 ? vf : undefined;
    if (!f) {
      r.skip(wt, fieldNo);
      continue;
    }
    if (wt !== wireTypeOf(f.type)) wrongWireType(f, wt, entry);
    if (f.type === T_MESSAGE) valueSegs.push(r.lengthDelimited());
    else if (fieldNo === 1) key = readScalar(r, f.type);
    else value = readScalar(r, f.type);
  }
  // Absent key/value: the type's zero (Go's map decoding starts from zero values).
  if (key === undefined) key = zeroOf(kf.type);
  if (vf.type === T_MESSAGE) {
    value = decodeMessage(messageInfo(vf.typeName), valueSegs.length ? segmentsReader(r.buf, valueSegs) : new Reader(r.buf, 0, 0), depth + 1);
  } else {
    if (value === undefined) value = zeroOf(vf.type);
    value = scalarJSON(value as number | boolean | string | Buffer);
  }
  return [Buffer.isBuffer(key) ? key.toString('utf8') : String(key), value];
}

function zeroOf(type: number): number | boolean | string | Buffer {
  if (type === T_STRING) return '';
  if (type === T_BYTES) return Buffer.alloc(0);
  if (type === T_BOOL) return false;
  return 0;
}

// ---------------------------------------------------------------------------------------------
// Types with their own JSON
// ---------------------------------------------------------------------------------------------

/** Reads the scalar fields of a small message into a number-keyed record (last occurrence wins). */
function readFlat(r: Reader, types: Record<number, number>, what: string): Map<number, number | boolean | string | Buffer> {
  const out = new Map<number, number | boolean | string | Buffer>();
  while (!r.done) {
    const [fieldNo, wt] = r.tag();
    if (fieldNo <= 0) throw new ProtobufDecodeError(`proto: ${what}: illegal tag ${fieldNo} (wire type ${wt})`);
    const type = types[fieldNo];
    if (type === undefined) {
      r.skip(wt, fieldNo);
      continue;
    }
    if (wt !== wireTypeOf(type)) throw new ProtobufDecodeError(`proto: wrong wireType = ${wt} for field ${fieldNo} of ${what}`);
    out.set(fieldNo, readScalar(r, type));
  }
  return out;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

const MAX_DATE_SECONDS = 8.64e12; // JS Date range: ±100,000,000 days

/** RFC3339 in UTC as Go's time.Format writes it (fraction: `digits` places, truncated). */
function formatTime(seconds: number, nanos: number, digits: 0 | 6): string {
  if (!Number.isFinite(seconds) || Math.abs(seconds) > MAX_DATE_SECONDS) throw new ProtobufDecodeError(`Time.MarshalJSON: timestamp ${seconds}s out of range`);
  const d = new Date(seconds * 1000);
  const y = d.getUTCFullYear();
  const year = y < 0 ? `-${pad(-y, 4)}` : pad(y, 4);
  let s = `${year}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}T${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}`;
  if (digits === 6) s += `.${pad(Math.floor(nanos / 1000), 6)}`;
  return `${s}Z`;
}

/** Go's time.Duration.String(). */
export function goDuration(d: bigint): string {
  if (d === 0n) return '0s';
  const neg = d < 0n;
  let u = neg ? -d : d;
  let s: string;
  const frac = (v: bigint, prec: number): string => {
    const p = 10n ** BigInt(prec);
    const f = (v % p).toString().padStart(prec, '0').replace(/0+$/, '');
    return `${v / p}${f ? `.${f}` : ''}`;
  };
  if (u < 1_000_000_000n) {
    if (u < 1000n) s = `${u}ns`;
    else if (u < 1_000_000n) s = `${frac(u, 3)}µs`;
    else s = `${frac(u, 6)}ms`;
  } else {
    const ns = u % 1_000_000_000n;
    u /= 1_000_000_000n;
    const fs = ns === 0n ? '' : `.${ns.toString().padStart(9, '0').replace(/0+$/, '')}`;
    s = `${u % 60n}${fs}s`;
    u /= 60n;
    if (u > 0n) {
      s = `${u % 60n}m${s}`;
      u /= 60n;
      if (u > 0n) s = `${u}h${s}`;
    }
  }
  return neg ? `-${s}` : s;
}


function parseEmbeddedJSON(raw: Buffer, what: string): unknown {
  const text = raw.toString('utf8');
  if (jsonDepth(text) > MAX_JSON_DEPTH) throw new ProtobufDecodeError(`json: exceeded max depth of ${MAX_JSON_DEPTH}`);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ProtobufDecodeError(`${what}: ${(e as Error).message}`);
  }
}

const QUANTITY_FORMAT_ERROR = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

function decodeSpecial(msg: MessageInfo, r: Reader, depth: number): unknown {
  const empty = r.done;
  switch (msg.special) {
    case 'time': {
      // metav1.Time: an empty message is the zero time (JSON null); nanos are dropped on decode.
      const f = readFlat(r, { 1: T_INT64, 2: T_INT32 }, 'Timestamp');
      if (empty) return null;
      return formatTime((f.get(1) as number | undefined) ?? 0, 0, 0);
    }
    case 'microtime': {
      const f = readFlat(r, { 1: T_INT64, 2: T_INT32 }, 'Timestamp');
      if (empty) return null;
      let seconds = (f.get(1) as number | undefined) ?? 0;
      let nanos = (f.get(2) as number | undefined) ?? 0;
      // time.Unix normalises nanoseconds outside [0, 1e9).
      seconds += Math.floor(nanos / 1e9);
      nanos = ((nanos % 1e9) + 1e9) % 1e9;
      return formatTime(seconds, nanos, 6);
    }
    case 'duration': {
      let ns = 0n;
      while (!r.done) {
        const [fieldNo, wt] = r.tag();
        if (fieldNo <= 0) throw new ProtobufDecodeError(`proto: Duration: illegal tag ${fieldNo} (wire type ${wt})`);
        if (fieldNo !== 1) {
          r.skip(wt, fieldNo);
          continue;
        }
        if (wt !== WT_VARINT) throw new ProtobufDecodeError(`proto: wrong wireType = ${wt} for field Duration`);
        r.varint64();
        ns = bigint64(r.lo, r.hi);
      }
      return goDuration(ns);
    }
    case 'quantity': {
      const f = readFlat(r, { 1: T_STRING }, 'Quantity');
      const s = f.get(1) as string | undefined;
      if (s === undefined) return '0';
      if (s === '') throw new ProtobufDecodeError(QUANTITY_FORMAT_ERROR);
      return s;
    }
    case 'intorstring': {
      const f = readFlat(r, { 1: T_INT64, 2: T_INT32, 3: T_STRING }, 'IntOrString');
      const type = (f.get(1) as number | undefined) ?? 0;
      if (type === 0) return (f.get(2) as number | undefined) ?? 0;
      if (type === 1) return (f.get(3) as string | undefined) ?? '';
      throw new ProtobufDecodeError(`impossible IntOrString.Type: ${type}`);
    }
    case 'rawextension': {
      const f = readFlat(r, { 1: T_BYTES }, 'RawExtension');
      const raw = f.get(1) as Buffer | undefined;
      if (!raw || raw.length === 0) return null;
      if (raw.subarray(0, 4).equals(PROTOBUF_MAGIC)) return decodeEnvelope(raw, depth + 1);
      return parseEmbeddedJSON(raw, 'error decoding RawExtension');
    }
    case 'fieldsv1': {
      const f = readFlat(r, { 1: T_BYTES }, 'FieldsV1');
      const raw = f.get(1) as Buffer | undefined;
      if (!raw) return null;
      return parseEmbeddedJSON(raw, 'error decoding FieldsV1');
    }
    default:
      throw new ProtobufDecodeError(`protobuf: no decoder for ${msg.name}`);
  }
}

// ---------------------------------------------------------------------------------------------
// The envelope
// ---------------------------------------------------------------------------------------------

function goQuote(s: string): string {
  return JSON.stringify(s);
}

function decodeEnvelope(body: Buffer, depth: number, defaults?: { apiVersion?: string; kind?: string }): Record<string, any> {
  if (depth > MAX_NESTING) throw new ProtobufDecodeError(`protobuf: message nesting exceeds ${MAX_NESTING}`);
  if (body.length < PROTOBUF_MAGIC.length || !body.subarray(0, PROTOBUF_MAGIC.length).equals(PROTOBUF_MAGIC)) {
    throw new ProtobufDecodeError('provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]');
  }
  // runtime.Unknown {typeMeta=1, raw=2, contentEncoding=3, contentType=4}; Go ignores 3 and 4.
  const r = new Reader(body, PROTOBUF_MAGIC.length, body.length);
  let apiVersion = '';
  let kind = '';
  let raw: [number, number] | undefined;
  while (!r.done) {
    const [fieldNo, wt] = r.tag();
    if (fieldNo <= 0) throw new ProtobufDecodeError(`proto: Unknown: illegal tag ${fieldNo} (wire type ${wt})`);
    if (fieldNo === 1 || fieldNo === 2) {
      if (wt !== WT_BYTES) throw new ProtobufDecodeError(`proto: wrong wireType = ${wt} for field ${fieldNo === 1 ? 'TypeMeta' : 'Raw'}`);
      const range = r.lengthDelimited();
      if (fieldNo === 2) raw = range;
      else {
        const tm = readFlat(new Reader(body, range[0], range[1]), { 1: T_STRING, 2: T_STRING }, 'TypeMeta');
        if (tm.has(1)) apiVersion = tm.get(1) as string;
        if (tm.has(2)) kind = tm.get(2) as string;
      }
    } else r.skip(wt, fieldNo);
  }
  if (!apiVersion && defaults?.apiVersion) apiVersion = defaults.apiVersion;
  if (!kind && defaults?.kind) kind = defaults.kind;
  const typeMeta = `runtime.TypeMeta{APIVersion:${goQuote(apiVersion)}, Kind:${goQuote(kind)}}`;
  if (!kind) throw new ProtobufDecodeError(`Object 'Kind' is missing in '${typeMeta}'`);
  if (!apiVersion) throw new ProtobufDecodeError(`Object 'apiVersion' is missing in '${typeMeta}'`);
  const name = protobufMessageFor(apiVersion, kind);
  if (!name) throw new ProtobufDecodeError(`no kind ${goQuote(kind)} is registered for version ${goQuote(apiVersion)} in scheme "pkg/api/legacyscheme/scheme.go:30"`);
  const msg = messageInfo(name);
  const value = decodeMessage(msg, raw ? new Reader(body, raw[0], raw[1]) : new Reader(body, 0, 0), depth + 1) as Record<string, any>;
  return { kind, apiVersion, ...value };
}

/**
 * Decodes a Kubernetes protobuf body (`k8s\0` + runtime.Unknown) into the plain JSON object Go's
 * encoding/json would write for the same object, with `apiVersion`/`kind` from the envelope.
 * `defaults` fill an envelope without apiVersion/kind (Go uses the endpoint's kind).
 * Throws ProtobufDecodeError (an Error) on anything malformed or unknown.
 */
export function decodeProtobufObject(body: Buffer, defaults?: { apiVersion?: string; kind?: string }): Record<string, any> {
  try {
    return decodeEnvelope(body, 0, defaults);
  } catch (e) {
    if (e instanceof ProtobufDecodeError) throw e;
    // Anything else (a RangeError from a pathological input...) is still a bad body, not a crash.
    throw new ProtobufDecodeError(`protobuf: ${(e as Error)?.message ?? String(e)}`);
  }
}
