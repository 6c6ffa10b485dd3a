/**
 * Schema-aware operations on JSON values, as structured-merge-diff's `typed` package does them for
 * server-side apply: the set of fields a value sets, the comparison of two values, the merge of an
 * applied configuration into a live object, and the removal of a set of fields.
 *
 * Types come from the OpenAPI schema (see schema-walk.ts): maps (structs and string-keyed maps),
 * lists (atomic, set, or map keyed by `x-kubernetes-list-map-keys`) and scalars. A value the schema
 * does not describe is "deduced" from its JSON shape: objects are granular maps whose keys are not
 * named fields, arrays are atomic, everything else is a scalar.
 *
 * Values are plain JSON; `undefined` means "absent" and is distinct from `null`, because upstream
 * treats a field that is absent differently from one that is explicitly null.
 */
import type { JSONSchema } from '../../registry/types.js';
import { FieldSet, fieldPE, keyPE, pathString, peString, serializePE, type KeyField, type Path, type PathElement } from './fieldset.js';
import { jsonEqual } from './jsonpatch.js';
import {
  deducedShape,
  ext,
  fieldSchema,
  isAtomicMap,
  isNamedField,
  isObject,
  itemsSchema,
  listTypeOf,
  propertyDefault,
  refName,
  resolved,
  shapeOf,
  type ListType,
  type Resolve,
  type Shape,
} from './schema-walk.js';

interface TypeInfo {
  shape: Shape;
  atomic: boolean;
  list: ListType;
}

const ATOMIC_LIST: ListType = { rel: 'atomic', keys: [] };

/** The type of a value at a schema: declared, or deduced from `sample` when the schema is silent. */
function typeOf(s: JSONSchema | undefined, sample: unknown, resolve: Resolve): TypeInfo {
  const declared = shapeOf(s, resolve);
  const shape = declared ?? deducedShape(sample);
  if (shape === 'list') {
    const list = declared ? listTypeOf(s, resolve) : ATOMIC_LIST;
    return { shape, atomic: list.rel === 'atomic', list };
  }
  return { shape, atomic: shape === 'map' && !!declared && isAtomicMap(s, resolve), list: ATOMIC_LIST };
}

/** A value that does not fit the shape its schema declares (validation rejects it elsewhere). */
function misfit(shape: Shape, v: unknown): boolean {
  if (v === undefined || v === null) return false;
  if (shape === 'list') return !Array.isArray(v);
  if (shape === 'map') return !isObject(v);
  return false;
}

/** The path element of a list item (listItemToPathElement); throws with upstream's message. */
export function itemPE(item: unknown, list: ListType, itemSchema: JSONSchema | undefined, resolve: Resolve): PathElement {
  if (list.rel === 'map') {
    if (item === null) throw new Error('associative list with keys may not have a null element');
    if (!isObject(item)) throw new Error('associative list with keys may not have non-map elements');
    const fields: KeyField[] = [];
    for (const name of list.keys) {
      if (Object.hasOwn(item, name)) fields.push({ name, value: item[name] });
      else {
        const def = propertyDefault(itemSchema, name, resolve);
        if (def === undefined) throw new Error(`associative list with keys has an element that omits key field ${JSON.stringify(name)} (and doesn't have default value)`);
        fields.push({ name, value: def });
      }
    }
    return keyPE(fields);
  }
  if (isObject(item)) throw new Error("associative list without keys has an element that's a map type");
  if (Array.isArray(item)) throw new Error('not supported: associative list with lists as elements');
  if (item === null) throw new Error("associative list without keys has an element that's an explicit null");
  return { value: item };
}

// ---- the set of fields a value sets -----------------------------------------------------------

export interface FieldSetOptions {
  /** collect validation errors (missing keys, duplicates) instead of skipping the item */
  errors?: string[];
}

/**
 * The fields a value sets (TypedValue.ToFieldSet): every scalar, every atomic list or map, every
 * associative-list item (and what is inside it), every map entry that is null, empty, or a key of
 * a map rather than a named struct field. A struct field holding a non-empty struct is not itself
 * a member; only what it contains is.
 */
export function toFieldSet(value: unknown, schema: JSONSchema | undefined, resolve: Resolve, opts: FieldSetOptions = {}): FieldSet {
  const set = new FieldSet();
  const walk = (v: unknown, s: JSONSchema | undefined, path: Path): void => {
    const t = typeOf(s, v, resolve);
    if (t.shape === 'scalar' || misfit(t.shape, v)) {
      set.insert(path);
      return;
    }
    if (t.atomic) {
      set.insert(path);
      return;
    }
    if (t.shape === 'list') {
      if (!Array.isArray(v)) return;
      const item = itemsSchema(s, resolve);
      const seen = new Set<string>();
      v.forEach((x, i) => {
        let pe: PathElement;
        try {
          pe = itemPE(x, t.list, item, resolve);
        } catch (e) {
          opts.errors?.push(`${pathString(path)}: element ${i}: ${(e as Error).message}`);
          return;
        }
        const k = serializePE(pe);
        if (seen.has(k)) opts.errors?.push(`${pathString(path)}: duplicate entries for key ${peString(pe)}`);
        seen.add(k);
        walk(x, item, [...path, pe]);
        set.insert([...path, pe]);
      });
      return;
    }
    if (!isObject(v)) return;
    for (const [k, cv] of Object.entries(v)) {
      if (cv === undefined) continue;
      const child = [...path, fieldPE(k)];
      walk(cv, fieldSchema(s, k, resolve), child);
      if (cv === null || (isObject(cv) && Object.keys(cv).length === 0) || !isNamedField(s, k, resolve)) set.insert(child);
    }
  };
  walk(value, schema, []);
  return set;
}

// ---- comparison -------------------------------------------------------------------------------

export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

/**
 * What changed from `lhs` to `rhs` (TypedValue.Compare). Leaves (scalars, atomic values, and maps
 * or lists empty on both sides) are added, removed or modified; a map or associative-list item
 * that appears or disappears as a whole is added or removed itself, with everything inside it.
 */
export function compareValues(lhs: unknown, rhs: unknown, schema: JSONSchema | undefined, resolve: Resolve): Comparison {
  const out: Comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  const walk = (l: unknown, r: unknown, s: JSONSchema | undefined, path: Path): void => {
    const t = typeOf(s, r ?? l, resolve);
    let inLeaf = false;
    const leaf = () => {
      inLeaf = true;
      if (l === undefined) out.added.insert(path);
      else if (r === undefined) out.removed.insert(path);
      else if (!jsonEqual(l, r)) out.modified.insert(path);
    };
    if (t.shape === 'scalar' || misfit(t.shape, l) || misfit(t.shape, r)) leaf();
    else if (t.shape === 'list') {
      const ll = (l ?? []) as unknown[];
      const rl = (r ?? []) as unknown[];
      if (t.atomic || (ll.length === 0 && rl.length === 0)) leaf();
      else compareItems(ll, rl, t.list, itemsSchema(s, resolve), path);
    } else {
      const lm = (l ?? {}) as Record<string, unknown>;
      const rm = (r ?? {}) as Record<string, unknown>;
      if (t.atomic || (Object.keys(lm).length === 0 && Object.keys(rm).length === 0)) leaf();
      else {
        for (const k of new Set([...Object.keys(lm), ...Object.keys(rm)])) {
          walk(lm[k], rm[k], fieldSchema(s, k, resolve), [...path, fieldPE(k)]);
        }
      }
    }
    if (!inLeaf) {
      if (l === undefined) out.added.insert(path);
      else if (r === undefined) out.removed.insert(path);
    }
  };
  const compareItems = (l: unknown[], r: unknown[], list: ListType, item: JSONSchema | undefined, path: Path) => {
    const index = (items: unknown[]) => {
      const m = new Map<string, { pe: PathElement; values: unknown[] }>();
      for (const x of items) {
        let pe: PathElement;
        try {
          pe = itemPE(x, list, item, resolve);
        } catch {
          continue; // an item without a key cannot be owned; upstream reports and skips it
        }
        const k = serializePE(pe);
        const e = m.get(k);
        if (e) e.values.push(x);
        else m.set(k, { pe, values: [x] });
      }
      return m;
    };
    const lm = index(l);
    const rm = index(r);
    for (const k of new Set([...lm.keys(), ...rm.keys()])) {
      const le = lm.get(k);
      const re = rm.get(k);
      const pe = (le ?? re)!.pe;
      const lv = le?.values ?? [];
      const rv = re?.values ?? [];
      if (lv.length <= 1 && rv.length <= 1) {
        walk(lv[0], rv[0], item, [...path, pe]);
      } else if (!jsonEqual(lv, rv)) {
        // Duplicated keys are compared as a whole.
        if (!lv.length) out.added.insert([...path, pe]);
        else if (!rv.length) out.removed.insert([...path, pe]);
        else out.modified.insert([...path, pe]);
      }
    }
  };
  walk(lhs, rhs, schema, []);
  return out;
}

// ---- merge ------------------------------------------------------------------------------------

/**
 * Merges an applied configuration into a live value (TypedValue.Merge): scalars and atomic values
 * take the configuration's value; maps merge key by key; associative lists merge item by item
 * (matched by key), keeping live-only items where they were and putting the configuration's
 * items in its order. Neither input is modified.
 */
export function mergeValues(lhs: unknown, rhs: unknown, schema: JSONSchema | undefined, resolve: Resolve): unknown {
  if (rhs === undefined) return lhs;
  if (lhs === undefined) return rhs;
  const t = typeOf(schema, rhs ?? lhs, resolve);
  if (t.shape === 'scalar' || misfit(t.shape, lhs) || misfit(t.shape, rhs)) return rhs;
  if (t.shape === 'list') {
    const l = (lhs ?? []) as unknown[];
    const r = (rhs ?? []) as unknown[];
    if (t.atomic || (l.length === 0 && r.length === 0)) return rhs;
    return mergeItems(l, r, t.list, itemsSchema(schema, resolve), resolve);
  }
  const l = (lhs ?? {}) as Record<string, unknown>;
  const r = (rhs ?? {}) as Record<string, unknown>;
  if (t.atomic || (Object.keys(l).length === 0 && Object.keys(r).length === 0)) return rhs;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(l)) out[k] = mergeValues(l[k], r[k], fieldSchema(schema, k, resolve), resolve);
  for (const k of Object.keys(r)) if (!Object.hasOwn(l, k)) out[k] = r[k];
  return out;
}

/** The list merge of structured-merge-diff's mergingWalker.visitListItems. */
function mergeItems(lhs: unknown[], rhs: unknown[], list: ListType, item: JSONSchema | undefined, resolve: Resolve): unknown[] {
  const keyOf = (x: unknown, i: number, side: string) => {
    try {
      return serializePE(itemPE(x, list, item, resolve));
    } catch {
      return `${side}#${i}`; // unkeyable items never match anything
    }
  };
  const lKeys = lhs.map((x, i) => keyOf(x, i, 'l'));
  const rKeys = rhs.map((x, i) => keyOf(x, i, 'r'));
  const observedL = new Map<string, unknown>();
  lKeys.forEach((k, i) => observedL.has(k) || observedL.set(k, lhs[i]));
  const observedR = new Map<string, unknown>();
  rKeys.forEach((k, i) => observedR.has(k) || observedR.set(k, rhs[i]));
  const merge = (k: string) => mergeValues(observedL.get(k), observedR.get(k), item, resolve);

  const sharedOrder = rKeys.filter((k) => observedL.has(k));
  let nextShared = sharedOrder.shift();
  const mergedR = new Set<string>();
  const out: unknown[] = [];
  let li = 0;
  let ri = 0;
  while (li < lKeys.length || ri < rKeys.length) {
    if (li < lKeys.length && ri < rKeys.length) {
      const k = lKeys[li];
      if (k === rKeys[ri]) {
        mergedR.add(k);
        out.push(merge(k));
        li++;
        ri++;
        nextShared = sharedOrder.shift();
        continue;
      }
      // A shared item that the configuration puts later: wait for it.
      if (observedR.has(k) && nextShared !== undefined && nextShared !== k) {
        li++;
        continue;
      }
    }
    if (li < lKeys.length) {
      const k = lKeys[li];
      if (!observedR.has(k)) {
        out.push(lhs[li]);
        li++;
        continue;
      }
      if (mergedR.has(k)) {
        li++;
        continue;
      }
    }
    if (ri < rKeys.length) {
      const k = rKeys[ri];
      mergedR.add(k);
      out.push(merge(k));
      ri++;
      if (nextShared !== undefined && nextShared === k) nextShared = sharedOrder.shift();
    }
  }
  return out;
}

// ---- removal ----------------------------------------------------------------------------------

/**
 * The value without the fields of `toRemove` (TypedValue.RemoveItems): a member is dropped with
 * all it contains; a map or list left empty, or an atomic value under a removed path, becomes
 * null (the caller drops nulls, as decoding into Go types does).
 */
export function removeItems(value: unknown, toRemove: FieldSet, schema: JSONSchema | undefined, resolve: Resolve): unknown {
  const t = typeOf(schema, value, resolve);
  if (t.shape === 'scalar') return value;
  if (t.shape === 'list') {
    if (!Array.isArray(value) || value.length === 0 || t.atomic) return null;
    const item = itemsSchema(schema, resolve);
    const out: unknown[] = [];
    for (const x of value) {
      let pe: PathElement | undefined;
      try {
        pe = itemPE(x, t.list, item, resolve);
      } catch {
        pe = undefined;
      }
      if (pe && toRemove.has([pe])) continue;
      const sub = pe && toRemove.childOrUndefined(pe);
      out.push(sub && !sub.empty() ? removeItems(x, sub, item, resolve) : x);
    }
    return out.length ? out : null;
  }
  if (!isObject(value) || Object.keys(value).length === 0 || t.atomic) return null;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const pe = fieldPE(k);
    if (toRemove.hasMember(pe)) continue;
    const sub = toRemove.childOrUndefined(pe);
    out[k] = sub && !sub.empty() ? removeItems(v, sub, fieldSchema(schema, k, resolve), resolve) : v;
  }
  return Object.keys(out).length ? out : null;
}

/**
 * Set.EnsureNamedFieldsAreMembers: every struct field on the way to a member becomes a member
 * too (so pruning a field the applier no longer sets can remove the struct field as a whole),
 * but keys of string maps do not.
 */
export function ensureNamedFieldsAreMembers(set: FieldSet, schema: JSONSchema | undefined, resolve: Resolve): FieldSet {
  const out = new FieldSet();
  const isMap = shapeOf(schema, resolve) === 'map';
  for (const pe of set.memberElements()) out.insert([pe]);
  for (const { pe, set: child } of set.childElements()) {
    let childSchema: JSONSchema | undefined;
    if ('field' in pe) {
      if (isMap && isNamedField(schema, pe.field, resolve)) out.insert([pe]);
      childSchema = isMap ? fieldSchema(schema, pe.field, resolve) : undefined;
    } else if ('key' in pe && shapeOf(schema, resolve) === 'list') {
      childSchema = itemsSchema(schema, resolve);
    }
    out.graft(pe, ensureNamedFieldsAreMembers(child, childSchema, resolve));
  }
  return out;
}

// ---- the typed view ---------------------------------------------------------------------------

/**
 * Struct types that Kubernetes embeds by value (never through a pointer). A typed Go object always
 * serialises them, as `{}` at least, so upstream's comparisons see them present even when a client
 * never sent them. Used when the schema carries no `default: {}` to say so.
 */
const VALUE_STRUCTS = new Set([
  'ObjectMeta',
  'PodTemplateSpec',
  'PodSpec',
  'DeploymentStrategy',
  'ResourceRequirements',
  'VolumeResourceRequirements',
  'StatefulSetUpdateStrategy',
  'DaemonSetUpdateStrategy',
  'JobTemplateSpec',
  'JobSpec',
  'LoadBalancerStatus',
]);

function isValueStruct(name: string, ps: JSONSchema, parent: JSONSchema, resolve: Resolve): boolean {
  const def = ext(ps, 'default', resolve);
  if (isObject(def) && Object.keys(def).length === 0) return true;
  const r = resolved(ps, resolve);
  if (!r?.properties || isAtomicMap(ps, resolve)) return false;
  const ref = refName(ps);
  if (ref && VALUE_STRUCTS.has(ref.slice(ref.lastIndexOf('.') + 1))) return true;
  // spec and status of a kind are embedded by value in every built-in type.
  const p = parent.properties ?? {};
  return (name === 'spec' || name === 'status') && !!p.apiVersion && !!p.kind && !!p.metadata;
}

/**
 * The value as kube-apiserver sees it after decoding into its Go type: struct fields embedded by
 * value are present (`{}`), and required fields (no `omitempty`) are present as null or their zero
 * value. Only for comparisons; stored objects are never padded. Custom resources are unstructured
 * upstream and must not use it.
 */
export function typedView(value: unknown, schema: JSONSchema | undefined, resolve: Resolve): unknown {
  if (Array.isArray(value)) {
    const item = shapeOf(schema, resolve) === 'list' ? itemsSchema(schema, resolve) : undefined;
    return value.map((x) => typedView(x, item, resolve));
  }
  if (!isObject(value)) return value;
  const r = resolved(schema, resolve);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = typedView(v, fieldSchema(schema, k, resolve), resolve);
  if (!r?.properties || shapeOf(schema, resolve) !== 'map' || isAtomicMap(schema, resolve)) return out;
  const required = new Set(r.required ?? []);
  for (const [name, ps] of Object.entries(r.properties)) {
    if (Object.hasOwn(value, name)) continue;
    if (isValueStruct(name, ps, r, resolve)) out[name] = typedView({}, ps, resolve);
    else if (required.has(name)) out[name] = zeroValue(ps, resolve);
  }
  return out;
}

function zeroValue(s: JSONSchema, resolve: Resolve): unknown {
  if (ext(s, 'x-kubernetes-int-or-string', resolve)) return 0;
  const shape = shapeOf(s, resolve);
  if (shape !== 'scalar') return null;
  const type = resolved(s, resolve)?.type;
  if (type === 'string') return '';
  if (type === 'boolean') return false;
  return type === 'integer' || type === 'number' ? 0 : null;
}

/** Drops null members of maps, recursively: what decoding into Go types does to a merged object. */
export function stripNulls<T>(v: T): T {
  if (Array.isArray(v)) for (const x of v) stripNulls(x);
  else if (isObject(v)) {
    for (const [k, x] of Object.entries(v)) {
      if (x === null || x === undefined) delete v[k];
      else stripNulls(x);
    }
  }
  return v;
}
