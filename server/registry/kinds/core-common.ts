/**
 * Helpers shared by the core/v1 and apps/v1 kind definitions: decode-time errors for quantities,
 * deep equality as apiequality.Semantic sees decoded JSON, and Go-style rendering of values.
 */
import { badRequest, field } from '../../apiserver/errors.js';
import { QuantityError } from '../quantity.js';
import type { FieldError, KubeObject } from '../types.js';

export type Obj = Record<string, any>;

export const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);
export const arr = <T = Obj>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);
export const MAX_INT32 = 2147483647;

/**
 * Runs defaulting; a malformed quantity fails the request the way decoding does upstream:
 * 400 `Pod in version "v1" cannot be handled as a Pod: quantities must match ...`.
 */
export function decoding(kind: string, version: string, fn: () => void): void {
  try {
    fn();
  } catch (e) {
    if (e instanceof QuantityError) throw badRequest(`${kind} in version "${version}" cannot be handled as a ${kind}: ${e.message}`);
    throw e;
  }
}

/** Deep equality of decoded JSON values (key order ignored, undefined members ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined) return false;
  if (typeof a !== typeof b) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((v, i) => jsonEqual(v, b[i]));
  }
  if (typeof a === 'object') {
    if (Array.isArray(b)) return false;
    const ao = a as Obj;
    const bo = b as Obj;
    const keys = new Set([...Object.keys(ao), ...Object.keys(bo)]);
    for (const k of keys) {
      if (ao[k] === undefined && bo[k] === undefined) continue;
      if (!jsonEqual(ao[k], bo[k])) return false;
    }
    return true;
  }
  return false;
}

/** ValidateImmutableField: `field is immutable` with the new value shown. */
export function immutable(newVal: unknown, oldVal: unknown, path: string, shown?: unknown): FieldError[] {
  return jsonEqual(newVal, oldVal) ? [] : [field.invalid(path, shown ?? newVal ?? null, 'field is immutable')];
}

/** ValidateNonnegativeField */
export function nonNegative(v: unknown, path: string): FieldError[] {
  return typeof v === 'number' && v < 0 ? [field.invalid(path, v, 'must be greater than or equal to 0')] : [];
}

export function clone<T>(v: T): T {
  return v === undefined ? v : JSON.parse(JSON.stringify(v));
}

/** The `status` every kind with a status subresource starts with, kept as given when present. */
export function ensureStatus(obj: KubeObject): Obj {
  if (!isObj(obj.status)) obj.status = {};
  return obj.status;
}
