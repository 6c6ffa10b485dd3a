/**
 * Go's fmt rendering of decoded JSON values (map[string]interface{}, []interface{}, int64,
 * float64, string, bool, nil). Upstream error messages embed values with %v and types with
 * reflect; clients and tests compare those strings, so we print them the same way.
 */
import { isObject } from './schema-walk.js';

/** fmt's %v: maps as `map[k:v ...]` with sorted keys, slices as `[a b]`, nil as `<nil>`. */
export function goValue(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goValue).join(' ')}]`;
  if (isObject(v)) {
    const keys = Object.keys(v).sort();
    return `map[${keys.map((k) => `${k}:${goValue(v[k])}`).join(' ')}]`;
  }
  if (typeof v === 'number') return goNumber(v);
  return String(v);
}

/** %v of an int64 (integral JSON numbers decode as int64 on the server) or a float64 (%g). */
function goNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return String(n);
  // %g: exponent with at least two digits.
  return String(n).replace(/e([+-])(\d)$/, 'e$10$2');
}

/** reflect.TypeOf(v).String() for a decoded JSON value. */
export function goType(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return '[]interface {}';
  if (isObject(v)) return 'map[string]interface {}';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int64' : 'float64';
  if (typeof v === 'boolean') return 'bool';
  return 'string';
}

/** fmt's %s of an interface value: strings as is, anything else as `%!s(type=value)`. */
export function goString(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return '%!s(<nil>)';
  return `%!s(${goType(v)}=${goValue(v)})`;
}

/** reflect.TypeOf(v) printed with %s (mergepatch.ErrBadArgType): a nil type prints as `%!s(<nil>)`. */
export function goTypeS(v: unknown): string {
  return v === null || v === undefined ? '%!s(<nil>)' : goType(v);
}
