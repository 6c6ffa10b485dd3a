/**
 * Reading the OpenAPI schema of a kind the way the patch machinery needs it: the schema of a
 * field, of list items, and the Kubernetes extensions that steer merging. Two consumers read the
 * same extensions differently, as upstream does:
 * - strategic merge patch reads only `x-kubernetes-patch-strategy` / `-patch-merge-key`
 *   (apimachinery's strategicpatch looks at Go struct tags, which those extensions mirror);
 * - server-side apply reads `x-kubernetes-list-type` / `-list-map-keys` / `-map-type`, and falls
 *   back to the patch strategy when a list has no list type (kube-openapi's schemaconv does).
 *
 * Every helper takes `undefined` for "no schema known": the value is then plain JSON (maps merge,
 * lists are atomic), which is also how unknown fields of custom resources behave.
 */
import type { JSONSchema } from '../../registry/types.js';

/** Follows `$ref` and `allOf` wrappers to the schema describing the value. */
export type Resolve = (s: JSONSchema) => JSONSchema;

/** The resolved schema, never throwing: a dangling ref reads as "unknown" rather than failing a write. */
export function resolved(s: JSONSchema | undefined, resolve: Resolve): JSONSchema | undefined {
  if (!s) return undefined;
  let r: JSONSchema | undefined;
  try {
    r = resolve(s);
  } catch {
    r = undefined;
  }
  r ??= s;
  // A resolver that stops at single-element allOf wrappers: look through them here.
  for (let i = 0; i < 8 && r.allOf?.length === 1 && !r.properties && !r.items && !r.type; i++) {
    let next: JSONSchema | undefined;
    try {
      next = resolve(r.allOf[0]);
    } catch {
      next = undefined;
    }
    r = next ?? r.allOf[0];
  }
  return r;
}

/**
 * An extension or keyword of a schema: the wrapper first (OpenAPI v3 puts a struct field's patch
 * strategy beside its `allOf: [{$ref}]`), then the allOf members, then the resolved target.
 */
export function ext<K extends keyof JSONSchema>(s: JSONSchema | undefined, key: K, resolve: Resolve): JSONSchema[K] | undefined {
  if (!s) return undefined;
  if (s[key] !== undefined) return s[key];
  for (const m of s.allOf ?? []) if (m[key] !== undefined) return m[key];
  return resolved(s, resolve)?.[key];
}

/** The schema of field `name` in an object schema: a declared property, else the map's value schema. */
export function fieldSchema(parent: JSONSchema | undefined, name: string, resolve: Resolve): JSONSchema | undefined {
  const r = resolved(parent, resolve);
  if (!r) return undefined;
  const p = r.properties?.[name];
  if (p) return p;
  return typeof r.additionalProperties === 'object' ? r.additionalProperties : undefined;
}

/** True when `name` is a declared property (a Go struct field), not a key of a map. */
export function isNamedField(parent: JSONSchema | undefined, name: string, resolve: Resolve): boolean {
  return !!resolved(parent, resolve)?.properties?.[name];
}

/** The schema of the items of a list schema. */
export function itemsSchema(list: JSONSchema | undefined, resolve: Resolve): JSONSchema | undefined {
  return resolved(list, resolve)?.items;
}

export type Shape = 'map' | 'list' | 'scalar';

/** What kind of value the schema describes; undefined when it does not say (deduce from the value). */
export function shapeOf(s: JSONSchema | undefined, resolve: Resolve): Shape | undefined {
  const r = resolved(s, resolve);
  if (!r) return undefined;
  if (ext(s, 'x-kubernetes-int-or-string', resolve)) return 'scalar';
  if (r.type === 'array' || r.items) return 'list';
  if (r.type === 'object' || r.properties || r.additionalProperties !== undefined) return 'map';
  if (r.type) return 'scalar';
  return undefined;
}

/** The shape a value has when nothing declares one (structured-merge-diff's "deduced" type). */
export function deducedShape(v: unknown): Shape {
  if (Array.isArray(v)) return 'list';
  if (isObject(v)) return 'map';
  return 'scalar';
}

export function isObject(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `x-kubernetes-map-type: atomic` makes a map (or struct) owned and replaced as a whole. */
export function isAtomicMap(s: JSONSchema | undefined, resolve: Resolve): boolean {
  return ext(s, 'x-kubernetes-map-type', resolve) === 'atomic';
}

export interface ListType {
  rel: 'atomic' | 'set' | 'map';
  /** list-map keys in declared order (path elements sort them by name) */
  keys: string[];
}

/**
 * The server-side apply relationship of a list: the declared list type, else the patch strategy
 * (merge with a key → map keyed by it; merge without a key → set), else atomic.
 */
export function listTypeOf(s: JSONSchema | undefined, resolve: Resolve): ListType {
  const lt = ext(s, 'x-kubernetes-list-type', resolve);
  if (lt === 'atomic') return { rel: 'atomic', keys: [] };
  if (lt === 'set') return { rel: 'set', keys: [] };
  if (lt === 'map') {
    const keys = ext(s, 'x-kubernetes-list-map-keys', resolve) ?? [];
    return keys.length ? { rel: 'map', keys: [...keys] } : { rel: 'set', keys: [] };
  }
  const { strategies, mergeKey } = patchMetaOf(s, resolve);
  if (strategies.includes('merge')) return mergeKey ? { rel: 'map', keys: [mergeKey] } : { rel: 'set', keys: [] };
  return { rel: 'atomic', keys: [] };
}

export interface PatchMeta {
  /** `x-kubernetes-patch-strategy` split on commas, e.g. ["merge", "retainKeys"] */
  strategies: string[];
  mergeKey?: string;
}

/** The strategic-merge metadata of a field, as its Go struct tags (patchStrategy, patchMergeKey) give it. */
export function patchMetaOf(s: JSONSchema | undefined, resolve: Resolve): PatchMeta {
  const strategy = ext(s, 'x-kubernetes-patch-strategy', resolve);
  const mergeKey = ext(s, 'x-kubernetes-patch-merge-key', resolve);
  return { strategies: strategy ? strategy.split(',').map((x) => x.trim()).filter(Boolean) : [], mergeKey: mergeKey || undefined };
}

/** The schema default of a property of an object schema (list-map key fields use it). */
export function propertyDefault(objectSchema: JSONSchema | undefined, name: string, resolve: Resolve): unknown {
  const p = resolved(objectSchema, resolve)?.properties?.[name];
  if (!p) return undefined;
  return ext(p, 'default', resolve);
}

/** The last segment of a `$ref` (e.g. "io.k8s.api.core.v1.PodSpec"), following allOf wrappers. */
export function refName(s: JSONSchema | undefined): string | undefined {
  let cur = s;
  for (let i = 0; cur && i < 8; i++) {
    if (cur.$ref) return cur.$ref.slice(cur.$ref.lastIndexOf('/') + 1);
    cur = cur.allOf?.length === 1 ? cur.allOf[0] : undefined;
  }
  return undefined;
}
