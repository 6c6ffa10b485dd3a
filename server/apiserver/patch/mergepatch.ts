/**
 * RFC 7386 JSON Merge Patch (`application/merge-patch+json`; `kubectl label/annotate/scale`, and
 * every patch of a custom resource) as evanphx/json-patch's MergePatch does it for kube-apiserver:
 * - an object patch merges key by key; `null` deletes the key; any non-object value replaces;
 * - a value put where nothing (or null) was has its nested nulls pruned, as RFC 7386 says;
 * - a patch that is an array replaces the whole document (nulls pruned inside its objects); the
 *   handler then fails to decode it as the kind, as upstream does;
 * - a patch that is null or a scalar is "Invalid JSON Patch": 400 BadRequest.
 */
import { badRequest } from '../errors.js';
import { isObject } from './schema-walk.js';

/** Applies `patch` to a copy of `doc`; `doc` is not modified. */
export function mergePatch(doc: unknown, patch: unknown): unknown {
  if (Array.isArray(patch)) return pruneNulls(structuredClone(patch));
  if (!isObject(patch)) throw badRequest('Invalid JSON Patch');
  // A document that is not an object becomes the (null-pruned) patch.
  if (!isObject(doc)) return pruneNulls(structuredClone(patch));
  const out = structuredClone(doc);
  mergeDocs(out, structuredClone(patch));
  return out;
}

function mergeDocs(doc: Record<string, unknown>, patch: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) {
      delete doc[k];
      continue;
    }
    const cur = Object.hasOwn(doc, k) ? doc[k] : undefined;
    if (cur === undefined || cur === null) {
      doc[k] = pruneNulls(v);
    } else if (!isObject(cur)) {
      // Replacing a scalar or a list: the new value is cleaned of nulls.
      doc[k] = pruneNulls(v);
    } else if (!isObject(v)) {
      // An object replaced by a list or scalar: the library takes the value as is.
      doc[k] = v;
    } else {
      mergeDocs(cur, v);
    }
  }
}

/** Removes null members of objects, recursively through objects and arrays (array items stay). */
function pruneNulls<T>(v: T): T {
  if (Array.isArray(v)) {
    for (const item of v) if (item !== null) pruneNulls(item);
  } else if (isObject(v)) {
    for (const [k, x] of Object.entries(v)) {
      if (x === null) delete v[k];
      else pruneNulls(x);
    }
  }
  return v;
}
