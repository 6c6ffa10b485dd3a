/**
 * Strategic merge patch (`application/strategic-merge-patch+json`), applied server-side the way
 * apimachinery's strategicpatch.StrategicMergeMapPatch does (MergeParallelList and
 * IgnoreUnmatchedNulls on). The patch metadata comes from the schema's
 * `x-kubernetes-patch-strategy` / `x-kubernetes-patch-merge-key`, which mirror the Go struct tags
 * upstream reads; a field the schema does not know is plain JSON (maps merge, lists replace).
 *
 * Semantics, in the order mergeMap applies them to one map:
 * 1. `$patch: replace` returns the patch map itself; `$patch: delete` returns an empty map;
 *    any other `$patch` value at map level is an error (upstream does not support `merge` there).
 * 2. `$retainKeys: [...]` clears every original key not listed, and every non-null key of the
 *    patch must be listed.
 * 3. `$setElementOrder/<list>` merges that list first, then orders it: items named in the
 *    directive in its order, each server-only item placed before the first named item that
 *    follows it on the server (so mostly first, as the design proposal says, but not always).
 * 4. Each remaining key: `null` deletes; a key missing from the original (or of another type)
 *    takes the patch value with nulls dropped; maps recurse; lists with strategy `merge` merge
 *    by the merge key (lists of scalars as sets), other lists are replaced;
 *    `$deleteFromPrimitiveList/<list>` removes values from a list of scalars.
 * Lists of maps honour item-level `$patch: delete` (by merge key) and `$patch: replace`.
 *
 * Item order follows the upstream algorithm exactly, including its less obvious results: without
 * `$setElementOrder`, items the patch adds come BEFORE the existing ones (["a","b"] patched with
 * ["c"] gives ["c","a","b"]). kubectl's own patches always carry `$setElementOrder`.
 *
 * Errors follow apiserver's interpretStrategicMergePatchError: malformed directives are 400
 * BadRequest, a list of lists is the generic 422, and every other library error is a 500 with
 * the library's message (what a plain Go error becomes), e.g.
 * `map: map[image:nginx] does not contain declared merge key: name`.
 */
import type { JSONSchema } from '../../registry/types.js';
import { badRequest, type StatusError } from '../errors.js';
import { goString, goTypeS, goValue } from './gofmt.js';
import { fieldSchema, isObject, itemsSchema, patchMetaOf, refName, type Resolve } from './schema-walk.js';
import { jsonTypeName, unknownError, unprocessable } from './status.js';

const DIRECTIVE = '$patch';
const DELETE = 'delete';
const REPLACE = 'replace';
const MERGE = 'merge';
const RETAIN_KEYS_STRATEGY = 'retainKeys';
const RETAIN_KEYS = '$retainKeys';
const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList';
const SET_ELEMENT_ORDER = '$setElementOrder';

type Obj = Record<string, unknown>;

/** A library error with the HTTP answer apiserver gives it. */
class SmpError extends Error {
  constructor(
    message: string,
    readonly answer: 'badRequest' | 'unprocessable' | 'unknown',
  ) {
    super(message);
  }
}

// The sentinel errors of apimachinery's mergepatch package, with their answers.
const errBadPatchFormatForPrimitiveList = () => new SmpError('invalid patch format of primitive list', 'badRequest');
const errBadPatchFormatForRetainKeys = () => new SmpError('invalid patch format of retainKeys', 'badRequest');
const errBadPatchFormatForSetElementOrderList = () => new SmpError('invalid patch format of setElementOrder list', 'badRequest');
const errNoListOfLists = () => new SmpError('lists of lists are not supported', 'unprocessable');
const fail = (message: string) => new SmpError(message, 'unknown');
const errNoMergeKey = (m: unknown, k: string) => fail(`map: ${goValue(m)} does not contain declared merge key: ${k}`);
const errBadArgType = (expected: string, actual: unknown) => fail(`expected a ${expected}, but received a ${goTypeS(actual)}`);
const errBadPatchType = (t: unknown, m: unknown) => fail(`unknown patch type: ${goString(t)} in map: ${goValue(m)}`);
const MAP_TYPE = 'map[string]interface {}';
const SLICE_TYPE = '[]interface {}';

/**
 * Applies a strategic merge patch to a copy of `original` and returns the result. `schema` is the
 * kind's schema (e.g. io.k8s.api.apps.v1.Deployment); throws StatusError as apiserver answers.
 */
export function strategicMergePatch(original: unknown, patch: unknown, schema: JSONSchema | undefined, resolve: Resolve): Obj {
  if (!isObject(patch)) throw badRequest(`json: cannot unmarshal ${jsonTypeName(patch)} into Go value of type map[string]interface {}`);
  if (!isObject(original)) throw badRequest('invalid JSON document');
  try {
    return new Merger(resolve).mergeMap(structuredClone(original), structuredClone(patch), schema);
  } catch (e) {
    if (e instanceof SmpError) throw toStatus(e);
    throw e;
  }
}

function toStatus(e: SmpError): StatusError {
  switch (e.answer) {
    case 'badRequest':
      return badRequest(e.message);
    case 'unprocessable':
      return unprocessable(e.message);
    default:
      return unknownError(e.message);
  }
}

/** The Go dynamic type a decoded JSON value has on the server (ints decode as int64). */
type Kind = 'map' | 'slice' | 'string' | 'int64' | 'float64' | 'bool' | 'nil';

function kindOf(v: unknown): Kind {
  if (v === null || v === undefined) return 'nil';
  if (Array.isArray(v)) return 'slice';
  if (isObject(v)) return 'map';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int64' : 'float64';
  if (typeof v === 'boolean') return 'bool';
  return 'string';
}

/** Splits the patch strategies into "has retainKeys" and the other strategy (extractRetainKeysPatchStrategy). */
function mainStrategy(strategies: string[]): string {
  switch (strategies.length) {
    case 0:
      return '';
    case 1:
      return strategies[0] === RETAIN_KEYS_STRATEGY ? '' : strategies[0];
    case 2:
      if (strategies[0] === RETAIN_KEYS_STRATEGY) return strategies[1];
      if (strategies[1] === RETAIN_KEYS_STRATEGY) return strategies[0];
    // falls through
    default:
      throw fail(`unexpected patch strategy: [${strategies.join(' ')}]`);
  }
}

/** The key a `$deleteFromPrimitiveList/x` or `$setElementOrder/x` directive names. */
function extractKey(s: string, prefix: string): string {
  const slash = s.indexOf('/');
  if (slash < 0 || s.slice(0, slash) !== prefix) {
    throw prefix === DELETE_FROM_PRIMITIVE_LIST ? errBadPatchFormatForPrimitiveList() : errBadPatchFormatForSetElementOrderList();
  }
  return s.slice(slash + 1);
}

/** Drops null members everywhere (discardNullValuesFromPatch): what a decode into Go types would do. */
function discardNulls<T>(v: T): T {
  if (Array.isArray(v)) for (const x of v) discardNulls(x);
  else if (isObject(v)) {
    for (const [k, x] of Object.entries(v)) {
      if (x === null) delete v[k];
      else discardNulls(x);
    }
  }
  return v;
}

class Merger {
  constructor(private readonly resolve: Resolve) {}

  /** Merges `patch` into `original` (both owned by us; both may be modified). */
  mergeMap(original: Obj | undefined, patch: Obj, schema: JSONSchema | undefined): Obj {
    if (Object.hasOwn(patch, DIRECTIVE)) return this.directiveInMap(patch[DIRECTIVE], patch);
    const orig = original ?? {};
    this.applyRetainKeys(orig, patch);
    this.mergeSetElementOrder(orig, patch, schema);

    for (const [rawKey, patchV] of Object.entries(patch)) {
      let k = rawKey;
      let isDeleteList = false;
      if (rawKey.startsWith(DELETE_FROM_PRIMITIVE_LIST)) {
        k = extractKey(rawKey, DELETE_FROM_PRIMITIVE_LIST);
        isDeleteList = true;
      }
      if (patchV === null) {
        delete orig[k];
        continue;
      }
      // A value where there was none, or of another type, is taken as is (a deletion list is not).
      if (!Object.hasOwn(orig, k) || kindOf(orig[k]) !== kindOf(patchV)) {
        if (!isDeleteList) orig[k] = discardNulls(patchV);
        continue;
      }
      const fs = fieldSchema(schema, k, this.resolve);
      const cur = orig[k];
      if (isObject(cur)) {
        const strategy = mainStrategy(patchMetaOf(fs, this.resolve).strategies);
        orig[k] = strategy === REPLACE ? patchV : this.mergeMap(cur, patchV as Obj, fs);
      } else if (Array.isArray(cur)) {
        const meta = patchMetaOf(fs, this.resolve);
        orig[k] = this.mergeSliceHandler(cur, patchV as unknown[], fs, mainStrategy(meta.strategies), meta.mergeKey ?? '', isDeleteList);
      } else {
        orig[k] = patchV;
      }
    }
    return orig;
  }

  private directiveInMap(directive: unknown, patch: Obj): Obj {
    if (directive === REPLACE) {
      delete patch[DIRECTIVE];
      return discardNulls(patch);
    }
    if (directive === DELETE) return {};
    throw errBadPatchType(directive, patch);
  }

  /** `$retainKeys`: validate the patch against the list, then clear the unlisted original keys. */
  private applyRetainKeys(original: Obj, patch: Obj): void {
    if (!Object.hasOwn(patch, RETAIN_KEYS)) return;
    const list = patch[RETAIN_KEYS];
    delete patch[RETAIN_KEYS];
    if (!Array.isArray(list)) throw errBadPatchFormatForRetainKeys();
    const keep = new Set(list);
    for (const [k, v] of Object.entries(patch)) {
      if (v === null || k.startsWith(DELETE_FROM_PRIMITIVE_LIST) || k.startsWith(SET_ELEMENT_ORDER)) continue;
      if (!keep.has(k)) throw errBadPatchFormatForRetainKeys();
    }
    for (const k of Object.keys(original)) if (!keep.has(k)) delete original[k];
  }

  /** `$setElementOrder/<key>`: merge that list now and enforce the order (mergePatchIntoOriginal). */
  private mergeSetElementOrder(original: Obj, patch: Obj, schema: JSONSchema | undefined): void {
    for (const [key, order] of Object.entries(patch)) {
      if (!key.startsWith(SET_ELEMENT_ORDER)) continue;
      delete patch[key];
      if (!Array.isArray(order)) throw errBadArgType(SLICE_TYPE, order);
      const originalKey = extractKey(key, SET_ELEMENT_ORDER);
      const foundOriginal = Object.hasOwn(original, originalKey);
      const foundPatch = Object.hasOwn(patch, originalKey);
      const originalList = original[originalKey];
      const patchList = patch[originalKey];
      if (foundOriginal && !Array.isArray(originalList)) throw errBadArgType(SLICE_TYPE, originalList);
      if (foundPatch && !Array.isArray(patchList)) throw errBadArgType(SLICE_TYPE, patchList);
      const fs = fieldSchema(schema, originalKey, this.resolve);
      const meta = patchMetaOf(fs, this.resolve);
      const strategy = mainStrategy(meta.strategies);
      const mergeKey = meta.mergeKey ?? '';
      validatePatchWithSetOrderList(patchList as unknown[] | undefined, order, mergeKey);

      let merged: unknown[];
      if (foundOriginal && foundPatch) {
        merged = this.mergeSliceHandler(originalList as unknown[], patchList as unknown[], fs, strategy, mergeKey, false);
      } else if (foundOriginal) {
        merged = originalList as unknown[];
      } else if (foundPatch) {
        merged = discardNulls(patchList as unknown[]);
      } else {
        continue;
      }
      const [patchItems, serverOnly] = mergeKey ? partitionMaps(merged, order, mergeKey) : partitionPrimitives(merged, order);
      const originalValues = foundOriginal ? (originalList as unknown[]) : [];
      const kind = sliceElementKind(originalValues, foundPatch ? (patchList as unknown[]) : []);
      original[originalKey] = normalizeElementOrder(patchItems, serverOnly, order, originalValues, mergeKey, kind);
      delete patch[originalKey];
    }
  }

  private mergeSliceHandler(original: unknown[], patch: unknown[], fs: JSONSchema | undefined, strategy: string, mergeKey: string, isDeleteList: boolean): unknown[] {
    // Deletion lists apply whatever the field's strategy is.
    if (strategy === MERGE || isDeleteList) return this.mergeSlice(original, patch, fs, mergeKey, isDeleteList);
    return patch;
  }

  private mergeSlice(original: unknown[], patch: unknown[], fs: JSONSchema | undefined, mergeKey: string, isDeleteList: boolean): unknown[] {
    if (original.length === 0 && patch.length === 0) return original;
    const kind = sliceElementKind(original, patch);
    let merged: unknown[];
    if (kind !== 'map') {
      if (isDeleteList) return deleteFromSlice(original, patch);
      merged = deduplicateScalars([...original, ...patch]);
    } else {
      if (!mergeKey) {
        const name = refName(itemsSchema(fs, this.resolve)) ?? '';
        throw fail(`cannot merge lists without merge key for ${name.slice(name.lastIndexOf('.') + 1)}`);
      }
      [original, patch] = mergeSliceWithSpecialElements(original, patch, mergeKey);
      merged = this.mergeSliceWithoutSpecialElements(original, patch, mergeKey, itemsSchema(fs, this.resolve));
    }
    const [patchItems, serverOnly] = mergeKey ? partitionMaps(merged, patch, mergeKey) : partitionPrimitives(merged, patch);
    return normalizeElementOrder(patchItems, serverOnly, patch, original, mergeKey, kind);
  }

  private mergeSliceWithoutSpecialElements(original: unknown[], patch: unknown[], mergeKey: string, itemSchema: JSONSchema | undefined): unknown[] {
    const out = [...original];
    for (const v of patch) {
      const item = v as Obj;
      if (!Object.hasOwn(item, mergeKey)) throw errNoMergeKey(item, mergeKey);
      const idx = findMapByKeyValue(out, mergeKey, item[mergeKey]);
      if (idx >= 0) out[idx] = this.mergeMap(out[idx] as Obj, item, itemSchema);
      else out.push(discardNulls(item));
    }
    return out;
  }
}

// ---- lists ------------------------------------------------------------------------------------

/** The one Go type of all elements (sliceElementType); a list of lists is rejected. */
function sliceElementKind(...slices: unknown[][]): Kind {
  let prev: Kind | undefined;
  for (const s of slices) {
    for (const v of s) {
      const k = kindOf(v);
      if (prev === undefined) {
        prev = k;
        if (prev === 'slice') throw errNoListOfLists();
      } else if (prev !== k) {
        throw fail(`list element types are not identical: ${goValue(slices)}`);
      }
    }
  }
  if (prev === undefined) throw fail('no elements in any of the given slices');
  return prev;
}

/** Handles item-level `$patch` directives; returns the new original and the patch without them. */
function mergeSliceWithSpecialElements(original: unknown[], patch: unknown[], mergeKey: string): [unknown[], unknown[]] {
  const plain: unknown[] = [];
  let replace = false;
  for (const v of patch) {
    const item = v as Obj;
    if (!Object.hasOwn(item, DIRECTIVE)) {
      plain.push(v);
      continue;
    }
    const directive = item[DIRECTIVE];
    if (directive === DELETE) {
      if (!Object.hasOwn(item, mergeKey)) throw errNoMergeKey(item, mergeKey);
      original = deleteMatchingEntries(original, mergeKey, item[mergeKey]);
    } else if (directive === REPLACE) {
      replace = true; // keep going: the other special items are dropped too
    } else if (directive === MERGE) {
      throw fail('merging lists cannot yet be specified in the patch');
    } else {
      throw errBadPatchType(directive, item);
    }
  }
  return replace ? [plain, []] : [original, plain];
}

function deleteMatchingEntries(original: unknown[], mergeKey: string, value: unknown): unknown[] {
  let out = original;
  for (;;) {
    const idx = findMapByKeyValue(out, mergeKey, value);
    if (idx < 0) return out;
    out = [...out.slice(0, idx), ...out.slice(idx + 1)];
  }
}

function findMapByKeyValue(list: unknown[], key: string, value: unknown): number {
  for (let i = 0; i < list.length; i++) {
    const v = list[i];
    if (!isObject(v)) throw fail(`value for key ${i} is not a map.`);
    if (Object.hasOwn(v, key) && v[key] === value) return i;
  }
  return -1;
}

function deleteFromSlice(current: unknown[], toDelete: unknown[]): unknown[] {
  const del = new Set(toDelete);
  return current.filter((v) => !del.has(v));
}

/** Go's in-place deduplication (swaps the last element into each duplicate's slot). */
function deduplicateScalars(s: unknown[]): unknown[] {
  const out = [...s];
  let length = out.length - 1;
  for (let i = 0; i < length; i++) {
    for (let j = i + 1; j <= length; j++) {
      if (out[i] === out[j]) {
        out[j] = out[length];
        out.length = length;
        length--;
        j--;
      }
    }
  }
  return out;
}

function partitionPrimitives(list: unknown[], by: unknown[]): [unknown[], unknown[]] {
  const inPatch = new Set(by);
  const patch: unknown[] = [];
  const serverOnly: unknown[] = [];
  for (const v of list) (inPatch.has(v) ? patch : serverOnly).push(v);
  return [patch, serverOnly];
}

function partitionMaps(list: unknown[], by: unknown[], mergeKey: string): [unknown[], unknown[]] {
  const patch: unknown[] = [];
  const serverOnly: unknown[] = [];
  for (const v of list) {
    if (!isObject(v)) throw errBadArgType(MAP_TYPE, v);
    if (!Object.hasOwn(v, mergeKey)) throw errNoMergeKey(v, mergeKey);
    (findMapByKeyValue(by, mergeKey, v[mergeKey]) >= 0 ? patch : serverOnly).push(v);
  }
  return [patch, serverOnly];
}

/**
 * Checks `$setElementOrder` against the patch list: the patch items (deletions aside) must appear
 * in the directive, in the same relative order.
 */
function validatePatchWithSetOrderList(patchList: unknown[] | undefined, order: unknown[], mergeKey: string): void {
  if (!order.length || !patchList?.length) return;
  let nonDelete = patchList;
  if (mergeKey) nonDelete = extractToDeleteItems(patchList)[0];
  let p = 0;
  let o = 0;
  while (p < nonDelete.length && o < order.length) {
    if (isObject(nonDelete[p]) && Object.hasOwn(nonDelete[p] as Obj, DIRECTIVE)) {
      p++;
      continue;
    }
    if (mergeKeyValueEqual(nonDelete[p], order[o], mergeKey)) p++;
    o++;
  }
  if (p < nonDelete.length && o >= order.length) {
    throw fail(`The order in patch list:\n${goValue(patchList)}\n doesn't match ${SET_ELEMENT_ORDER} list:\n${goValue(order)}\n`);
  }
}

function mergeKeyValueEqual(left: unknown, right: unknown, mergeKey: string): boolean {
  if (!mergeKey) return left === right;
  if (!isObject(left)) throw errBadArgType(MAP_TYPE, left);
  if (!isObject(right)) throw errBadArgType(MAP_TYPE, right);
  if (!Object.hasOwn(left, mergeKey)) throw errNoMergeKey(left, mergeKey);
  if (!Object.hasOwn(right, mergeKey)) throw errNoMergeKey(right, mergeKey);
  return left[mergeKey] === right[mergeKey];
}

function extractToDeleteItems(list: unknown[]): [unknown[], unknown[]] {
  const keep: unknown[] = [];
  const del: unknown[] = [];
  for (const v of list) {
    if (!isObject(v)) throw errBadArgType(MAP_TYPE, v);
    (v[DIRECTIVE] === DELETE ? del : keep).push(v);
  }
  return [keep, del];
}

/** Position of an item in `list`: by merge key value for maps, by value for scalars. */
function indexIn(list: unknown[], item: unknown, mergeKey: string, kind: Kind): number {
  const val = (x: unknown) => (kind === 'map' ? (isObject(x) ? x[mergeKey] : undefined) : x);
  const want = val(item);
  return list.findIndex((x) => val(x) === want);
}

/**
 * Orders patch items by `patchOrder` and server-only items by `serverOrder`, then interleaves them
 * (normalizeElementOrder + mergeSortedSlice).
 */
function normalizeElementOrder(patch: unknown[], serverOnly: unknown[], patchOrder: unknown[], serverOrder: unknown[], mergeKey: string, kind: Kind): unknown[] {
  const right = normalizeSliceOrder(patch, patchOrder, mergeKey, kind);
  const left = normalizeSliceOrder(serverOnly, serverOrder, mergeKey, kind);
  // A server-only item goes first while it sorts before the next patch item in the server's
  // order; an item unknown to the server stops that, so new patch items come out early.
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++]);
    else if (j >= right.length) out.push(left[i++]);
    else {
      const li = indexIn(serverOrder, left[i], mergeKey, kind);
      const ri = indexIn(serverOrder, right[j], mergeKey, kind);
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]);
      else out.push(right[j++]);
    }
  }
  return out;
}

function normalizeSliceOrder(toSort: unknown[], order: unknown[], mergeKey: string, kind: Kind): unknown[] {
  let items = [...toSort];
  let toDelete: unknown[] = [];
  if (kind === 'map') {
    for (const list of [items, order]) {
      for (const item of list) {
        if (!isObject(item)) throw errBadArgType(MAP_TYPE, item);
        if (!Object.hasOwn(item, mergeKey)) throw errNoMergeKey(item, mergeKey);
      }
    }
    [items, toDelete] = extractToDeleteItems(items);
  }
  goSliceStable(items, (a, b) => {
    const ia = indexIn(order, a, mergeKey, kind);
    if (ia >= 0) {
      const ib = indexIn(order, b, mergeKey, kind);
      if (ib >= 0) return ia < ib;
    }
    return true;
  });
  return [...items, ...toDelete];
}

/**
 * Go's sort.SliceStable (insertion sort in blocks of 20, then SymMerge). Upstream's comparator
 * is not a strict order when an item is missing from the order list, so the result depends on
 * the algorithm; using Go's keeps our output identical to kube-apiserver's.
 */
function goSliceStable<T>(data: T[], less: (a: T, b: T) => boolean): void {
  const n = data.length;
  const lessAt = (i: number, j: number) => less(data[i], data[j]);
  const swap = (i: number, j: number) => {
    const t = data[i];
    data[i] = data[j];
    data[j] = t;
  };
  const insertionSort = (a: number, b: number) => {
    for (let i = a + 1; i < b; i++) for (let j = i; j > a && lessAt(j, j - 1); j--) swap(j, j - 1);
  };
  const swapRange = (a: number, b: number, k: number) => {
    for (let i = 0; i < k; i++) swap(a + i, b + i);
  };
  const rotate = (a: number, m: number, b: number) => {
    let i = m - a;
    let j = b - m;
    while (i !== j) {
      if (i > j) {
        swapRange(m - i, m, j);
        i -= j;
      } else {
        swapRange(m - i, m + j - i, i);
        j -= i;
      }
    }
    swapRange(m - i, m, i);
  };
  const symMerge = (a: number, m: number, b: number): void => {
    if (m - a === 1) {
      let i = m;
      let j = b;
      while (i < j) {
        const h = (i + j) >>> 1;
        if (lessAt(h, a)) i = h + 1;
        else j = h;
      }
      for (let k = a; k < i - 1; k++) swap(k, k + 1);
      return;
    }
    if (b - m === 1) {
      let i = a;
      let j = m;
      while (i < j) {
        const h = (i + j) >>> 1;
        if (!lessAt(m, h)) i = h + 1;
        else j = h;
      }
      for (let k = m; k > i; k--) swap(k, k - 1);
      return;
    }
    const mid = (a + b) >>> 1;
    const nn = mid + m;
    let start: number;
    let r: number;
    if (m > mid) {
      start = nn - b;
      r = mid;
    } else {
      start = a;
      r = m;
    }
    const p = nn - 1;
    while (start < r) {
      const c = (start + r) >>> 1;
      if (!lessAt(p - c, c)) start = c + 1;
      else r = c;
    }
    const end = nn - start;
    if (start < m && m < end) rotate(start, m, end);
    if (a < start && start < mid) symMerge(a, start, mid);
    if (mid < end && end < b) symMerge(mid, end, b);
  };

  let blockSize = 20;
  let a = 0;
  let b = blockSize;
  while (b <= n) {
    insertionSort(a, b);
    a = b;
    b += blockSize;
  }
  insertionSort(a, n);
  while (blockSize < n) {
    a = 0;
    b = 2 * blockSize;
    while (b <= n) {
      symMerge(a, a + blockSize, b);
      a = b;
      b += 2 * blockSize;
    }
    const m = a + blockSize;
    if (m < n) symMerge(a, m, n);
    blockSize *= 2;
  }
}
