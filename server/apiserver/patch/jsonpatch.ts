/**
 * RFC 6902 JSON Patch (`application/json-patch+json`) with the behaviour kube-apiserver has: it
 * applies patches with gopkg.in/evanphx/json-patch.v4, whose rules differ from the RFC in places
 * clients can see, and we keep those differences:
 * - `replace` of a missing key of an existing object succeeds and adds the key (v4 never checks
 *   object keys); a missing parent, or a missing array index, fails;
 * - `remove` of a missing key or index fails; `-` appends on `add`; negative indices count from
 *   the end; `~1` and `~0` unescape to `/` and `~`;
 * - `move`/`copy` from a missing object key: `move` fails (the remove fails), `copy` copies null;
 * - a `test` of a missing key passes when the expected value is null or absent.
 *
 * Errors, as apiserver's patch handler words them (endpoints/handlers/patch.go):
 * - the document is not a list of operation objects → 400 BadRequest with Go's decode error;
 * - more than 10000 operations → 413;
 * - any operation that does not apply (including an unknown `op` and a failed `test`) → 422 with
 *   the generic "the server rejected our request due to an error in our request" (the library's
 *   message is dropped upstream; we keep it on `cause`).
 */
import { badRequest } from '../errors.js';
import { entityTooLarge, jsonTypeName, unprocessable } from './status.js';

const MAX_OPERATIONS = 10000;

type Container = Record<string, unknown> | unknown[];

/** Thrown inside the patch loop; becomes the 422 at the boundary. */
class OpFailed extends Error {}

/** Applies `patch` to a copy of `doc` and returns the result; `doc` is not modified. */
export function jsonPatch(doc: unknown, patch: unknown): unknown {
  const ops = decodePatch(patch);
  const state = { root: structuredClone(doc) as unknown };
  for (const op of ops) {
    try {
      applyOperation(state, op);
    } catch (e) {
      if (e instanceof OpFailed) throw unprocessable(e.message);
      throw e;
    }
  }
  return state.root;
}

/** The decode step (jsonpatch.DecodePatch): a JSON array of objects; null entries decode to empty operations. */
function decodePatch(patch: unknown): (Record<string, unknown> | null)[] {
  if (!Array.isArray(patch)) throw badRequest(`json: cannot unmarshal ${jsonTypeName(patch)} into Go value of type jsonpatch.Patch`);
  for (const op of patch) {
    if (op !== null && (typeof op !== 'object' || Array.isArray(op))) {
      throw badRequest(`json: cannot unmarshal ${jsonTypeName(op)} into Go value of type jsonpatch.Operation`);
    }
  }
  if (patch.length > MAX_OPERATIONS) {
    throw entityTooLarge(`The allowed maximum operations in a JSON patch is ${MAX_OPERATIONS}, got ${patch.length}`);
  }
  return patch as (Record<string, unknown> | null)[];
}

function applyOperation(state: { root: unknown }, op: Record<string, unknown> | null): void {
  const kind = op && typeof op.op === 'string' ? op.op : 'unknown';
  switch (kind) {
    case 'add':
      return opAdd(state, op!);
    case 'remove':
      return opRemove(state, op!);
    case 'replace':
      return opReplace(state, op!);
    case 'move':
      return opMove(state, op!);
    case 'test':
      return opTest(state, op!);
    case 'copy':
      return opCopy(state, op!);
    default:
      throw new OpFailed(`Unexpected kind: ${kind}`);
  }
}

// ---- operation fields --------------------------------------------------------------------------

/** A string member; null or absent is "missing", another type is a decode error. */
function stringField(op: Record<string, unknown>, name: 'path' | 'from'): { value?: string; error?: string } {
  const v = op[name];
  if (v === undefined || v === null) {
    return { error: name === 'path' ? 'operation missing path field: missing value' : 'operation, missing from field: missing value' };
  }
  if (typeof v !== 'string') return { error: `json: cannot unmarshal ${jsonTypeName(v)} into Go value of type string` };
  return { value: v };
}

/** The operation's value; absent reads as null, as the library stores a nil node. */
function valueOf(op: Record<string, unknown>): unknown {
  return Object.hasOwn(op, 'value') ? op.value : null;
}

// ---- pointer resolution -----------------------------------------------------------------------

function decodeKey(k: string): string {
  return k.replace(/~[01]/g, (m) => (m === '~1' ? '/' : '~'));
}

/** Go's strconv.Atoi: optional sign, decimal digits, 64-bit range. */
function atoi(s: string): number | undefined {
  if (!/^[+-]?\d+$/.test(s)) return undefined;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : undefined;
}

function atoiError(s: string): string {
  return `strconv.Atoi: parsing ${JSON.stringify(s)}: invalid syntax`;
}

function invalidIndex(idx: number): OpFailed {
  return new OpFailed(`Unable to access invalid index: ${idx}: invalid index referenced`);
}

/** The array element at `key`, negative indices counting from the end. */
function arrayIndex(arr: unknown[], key: string): number {
  let idx = atoi(key);
  if (idx === undefined) throw new OpFailed(atoiError(key));
  if (idx < 0) {
    if (idx < -arr.length) throw invalidIndex(idx);
    idx += arr.length;
  }
  if (idx >= arr.length) throw invalidIndex(idx);
  return idx;
}

/**
 * The container holding the last segment of `path` and that segment (findObject): every
 * intermediate segment must exist and be an object or array. Undefined when it does not.
 */
function findObject(root: unknown, path: string): { con: Container; key: string } | undefined {
  const split = path.split('/');
  if (split.length < 2) return undefined;
  if (root === null || typeof root !== 'object') return undefined;
  let doc = root as Container;
  for (const part of split.slice(1, -1)) {
    let next: unknown;
    if (Array.isArray(doc)) {
      try {
        next = doc[arrayIndex(doc, decodeKey(part))];
      } catch {
        return undefined;
      }
    } else {
      const k = decodeKey(part);
      next = Object.hasOwn(doc, k) ? doc[k] : undefined;
    }
    if (next === undefined || next === null || typeof next !== 'object') return undefined;
    doc = next as Container;
  }
  return { con: doc, key: decodeKey(split[split.length - 1]) };
}

/** The value at `key`: a missing object key reads as null (the library's get never fails for objects). */
function get(con: Container, key: string): unknown {
  if (Array.isArray(con)) return con[arrayIndex(con, key)];
  return Object.hasOwn(con, key) ? con[key] : null;
}

function add(con: Container, key: string, val: unknown): void {
  if (!Array.isArray(con)) {
    con[key] = val;
    return;
  }
  if (key === '-') {
    con.push(val);
    return;
  }
  let idx = atoi(key);
  if (idx === undefined) throw new OpFailed(`value was not a proper array index: '${key}': ${atoiError(key)}`);
  const size = con.length + 1;
  if (idx >= size) throw invalidIndex(idx);
  if (idx < 0) {
    if (idx < -size) throw invalidIndex(idx);
    idx += size;
  }
  con.splice(idx, 0, val);
}

function remove(con: Container, key: string): void {
  if (!Array.isArray(con)) {
    if (!Object.hasOwn(con, key)) throw new OpFailed(`Unable to remove nonexistent key: ${key}: missing value`);
    delete con[key];
    return;
  }
  let idx = atoi(key);
  if (idx === undefined) throw new OpFailed(atoiError(key));
  if (idx >= con.length) throw invalidIndex(idx);
  if (idx < 0) {
    if (idx < -con.length) throw invalidIndex(idx);
    idx += con.length;
  }
  con.splice(idx, 1);
}

// ---- operations -------------------------------------------------------------------------------

function opAdd(state: { root: unknown }, op: Record<string, unknown>): void {
  const { value: path, error } = stringField(op, 'path');
  if (error !== undefined) throw new OpFailed('add operation failed to decode path: missing value');
  const found = findObject(state.root, path!);
  if (!found) throw new OpFailed(`add operation does not apply: doc is missing path: "${path}": missing value`);
  try {
    add(found.con, found.key, structuredClone(valueOf(op)));
  } catch (e) {
    throw new OpFailed(`error in add for path: '${path}': ${(e as Error).message}`);
  }
}

function opRemove(state: { root: unknown }, op: Record<string, unknown>): void {
  const { value: path, error } = stringField(op, 'path');
  if (error !== undefined) throw new OpFailed('remove operation failed to decode path: missing value');
  const found = findObject(state.root, path!);
  if (!found) throw new OpFailed(`remove operation does not apply: doc is missing path: "${path}": missing value`);
  try {
    remove(found.con, found.key);
  } catch (e) {
    throw new OpFailed(`error in remove for path: '${path}': ${(e as Error).message}`);
  }
}

function opReplace(state: { root: unknown }, op: Record<string, unknown>): void {
  const { value: path, error } = stringField(op, 'path');
  if (error !== undefined) throw new OpFailed(`replace operation failed to decode path: ${error}`);
  if (path === '') {
    const val = valueOf(op);
    if (val === null || typeof val !== 'object') throw new OpFailed('replace operation value must be object or array');
    state.root = structuredClone(val);
    return;
  }
  const found = findObject(state.root, path!);
  if (!found) throw new OpFailed(`replace operation does not apply: doc is missing path: ${path}: missing value`);
  const { con, key } = found;
  if (Array.isArray(con)) {
    let idx: number;
    try {
      idx = arrayIndex(con, key);
    } catch {
      throw new OpFailed(`replace operation does not apply: doc is missing key: ${path}: missing value`);
    }
    con[idx] = structuredClone(valueOf(op));
    return;
  }
  // evanphx v4: an object's get never fails, so a missing key is simply set.
  con[key] = structuredClone(valueOf(op));
}

function opMove(state: { root: unknown }, op: Record<string, unknown>): void {
  const { value: from, error: fromErr } = stringField(op, 'from');
  if (fromErr !== undefined) throw new OpFailed(`move operation failed to decode from: ${fromErr}`);
  const src = findObject(state.root, from!);
  if (!src) throw new OpFailed(`move operation does not apply: doc is missing from path: ${from}: missing value`);
  let val: unknown;
  try {
    val = get(src.con, src.key);
    remove(src.con, src.key);
  } catch (e) {
    throw new OpFailed(`error in move for path: '${src.key}': ${(e as Error).message}`);
  }
  const { value: path, error } = stringField(op, 'path');
  if (error !== undefined) throw new OpFailed(`move operation failed to decode path: ${error}`);
  const dst = findObject(state.root, path!);
  if (!dst) throw new OpFailed(`move operation does not apply: doc is missing destination path: ${path}: missing value`);
  try {
    add(dst.con, dst.key, val);
  } catch (e) {
    throw new OpFailed(`error in move for path: '${path}': ${(e as Error).message}`);
  }
}

function opCopy(state: { root: unknown }, op: Record<string, unknown>): void {
  const { value: from, error: fromErr } = stringField(op, 'from');
  if (fromErr !== undefined) throw new OpFailed(`copy operation failed to decode from: ${fromErr}`);
  const src = findObject(state.root, from!);
  if (!src) throw new OpFailed(`copy operation does not apply: doc is missing from path: ${from}: missing value`);
  let val: unknown;
  try {
    val = get(src.con, src.key);
  } catch (e) {
    throw new OpFailed(`error in copy for from: '${from}': ${(e as Error).message}`);
  }
  const { value: path, error } = stringField(op, 'path');
  if (error !== undefined) throw new OpFailed('copy operation failed to decode path: missing value');
  const dst = findObject(state.root, path!);
  if (!dst) throw new OpFailed(`copy operation does not apply: doc is missing destination path: ${path}: missing value`);
  try {
    add(dst.con, dst.key, structuredClone(val));
  } catch (e) {
    throw new OpFailed(`error while adding value during copy: ${(e as Error).message}`);
  }
}

function opTest(state: { root: unknown }, op: Record<string, unknown>): void {
  const { value: path, error } = stringField(op, 'path');
  if (error !== undefined) throw new OpFailed(`test operation failed to decode path: ${error}`);
  const failed = () => new OpFailed(`testing value ${path} failed: test failed`);
  const expected = valueOf(op);
  if (path === '') {
    if (!jsonEqual(state.root, expected)) throw failed();
    return;
  }
  const found = findObject(state.root, path!);
  if (!found) throw new OpFailed(`test operation does not apply: is missing path: ${path}: missing value`);
  let actual: unknown;
  try {
    actual = get(found.con, found.key);
  } catch (e) {
    throw new OpFailed(`error in test for path: '${path}': ${(e as Error).message}`);
  }
  // A missing key and an explicit null are the same nil node to the library.
  if (actual === null) {
    if (expected === null) return;
    throw failed();
  }
  if (!jsonEqual(actual, expected)) throw failed();
}

/** Structural equality of JSON values (object key order does not matter, array order does). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((v, i) => jsonEqual(v, bb[i]));
  }
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.hasOwn(b as object, k) && jsonEqual((a as any)[k], (b as any)[k]));
}
