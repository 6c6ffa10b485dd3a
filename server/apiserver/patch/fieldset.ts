/**
 * Field sets of server-side apply: which fields a manager owns, in structured-merge-diff's model
 * (sigs.k8s.io/structured-merge-diff fieldpath), and their wire form `FieldsV1`.
 *
 * A path is a list of path elements:
 * - `f:<name>`   a field of a map or struct;
 * - `k:<json>`   an item of a list-map, by its key fields (a JSON object, keys sorted by name);
 * - `v:<json>`   an item of a set (list of scalars), by value;
 * - `i:<n>`      an item by index (only for lists that are neither atomic nor associative).
 * A set holds "members" (paths owned) and "children" (subtrees). In FieldsV1 every path element
 * is an object key; a member with no children is `{}`, and a node that is both a member and has
 * children carries `".": {}` (written after its children, as upstream writes it). Atomic values
 * (atomic lists and maps, `selector`, `args`) are single members with no children.
 *
 * Ordering is structured-merge-diff's: fields < keys < values < indices; fields by name; keys by
 * their sorted key fields; values by value.Compare (numbers < strings < bools < lists < maps < null).
 */
import { isObject } from './schema-walk.js';

export interface KeyField {
  name: string;
  value: unknown;
}

export type PathElement = { field: string } | { key: KeyField[] } | { value: unknown } | { index: number };
export type Path = PathElement[];

export const fieldPE = (name: string): PathElement => ({ field: name });

/** A list-map item key; fields are sorted by name, as fieldpath.KeyByFields does. */
export function keyPE(fields: KeyField[]): PathElement {
  return { key: [...fields].sort((a, b) => cmpString(a.name, b.name)) };
}

/** Builds a path from `"spec", "replicas"`-style field names. */
export function fieldPath(...names: string[]): Path {
  return names.map(fieldPE);
}

// ---- encoding ---------------------------------------------------------------------------------

/** Go's encoding/json string form: escapes <, >, & and U+2028/9; \u00XX for other controls. */
export function goJSONString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || ch === '<' || ch === '>' || ch === '&' || c === 0x2028 || c === 0x2029) {
      out += '\\u' + c.toString(16).padStart(4, '0');
    } else out += ch;
  }
  return out + '"';
}

/** A JSON value as Go's encoder writes it (map keys sorted), for `k:` and `v:` elements. */
export function goJSON(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return goJSONString(v);
  if (typeof v === 'number' || typeof v === 'boolean') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(goJSON).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .sort(cmpString)
    .map((k) => `${goJSONString(k)}:${goJSON(o[k])}`)
    .join(',')}}`;
}

/** The FieldsV1 key of a path element; also its identity. */
export function serializePE(pe: PathElement): string {
  if ('field' in pe) return `f:${pe.field}`;
  if ('key' in pe) return `k:{${pe.key.map((f) => `${goJSONString(f.name)}:${goJSON(f.value)}`).join(',')}}`;
  if ('value' in pe) return `v:${goJSON(pe.value)}`;
  return `i:${pe.index}`;
}

/** Parses a FieldsV1 key; undefined for an element type this version does not know (ignored, as upstream does). */
export function parsePE(s: string): PathElement | undefined {
  if (s.length < 2) throw new Error('key must be 2 characters long:');
  if (s[1] !== ':') throw new Error(`missing colon: ${s}`);
  const body = s.slice(2);
  switch (s[0]) {
    case 'f':
      return { field: body };
    case 'v':
      return { value: JSON.parse(body) };
    case 'k': {
      const obj = JSON.parse(body);
      if (!isObject(obj)) throw new Error(`parsing key as path element: ${s}`);
      return keyPE(Object.entries(obj).map(([name, value]) => ({ name, value })));
    }
    case 'i': {
      if (!/^[+-]?\d+$/.test(body)) throw new Error(`strconv.Atoi: parsing ${JSON.stringify(body)}: invalid syntax`);
      return { index: Number(body) };
    }
    default:
      return undefined;
  }
}

// ---- human form (conflict messages) -----------------------------------------------------------

/** value.ToString: strings quoted, lists `[a,b]`, maps `k=v` run together. */
function valueToString(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(valueToString).join(',')}]`;
  return Object.entries(v as Record<string, unknown>)
    .map(([k, x]) => `${k}=${valueToString(x)}`)
    .join('');
}

export function peString(pe: PathElement): string {
  if ('field' in pe) return `.${pe.field}`;
  if ('key' in pe) return `[${pe.key.map((f) => `${f.name}=${valueToString(f.value)}`).join(',')}]`;
  if ('value' in pe) return `[=${valueToString(pe.value)}]`;
  return `[${pe.index}]`;
}

/** `.spec.template.spec.containers[name="nginx"].image`, as fieldpath.Path.String() prints it. */
export function pathString(path: Path): string {
  return path.map(peString).join('');
}

// ---- ordering ---------------------------------------------------------------------------------

function cmpString(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function typeRank(v: unknown): number {
  if (typeof v === 'number') return 0;
  if (typeof v === 'string') return 1;
  if (typeof v === 'boolean') return 2;
  if (Array.isArray(v)) return 3;
  if (isObject(v)) return 4;
  return 5; // null
}

/** value.Compare: a total order over JSON values. */
export function valueCompare(a: unknown, b: unknown): number {
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra - rb;
  switch (ra) {
    case 0:
      return (a as number) - (b as number) < 0 ? -1 : (a as number) === (b as number) ? 0 : 1;
    case 1:
      return cmpString(a as string, b as string);
    case 2:
      return a === b ? 0 : a ? 1 : -1;
    case 3: {
      const la = a as unknown[];
      const lb = b as unknown[];
      for (let i = 0; i < Math.min(la.length, lb.length); i++) {
        const c = valueCompare(la[i], lb[i]);
        if (c) return c;
      }
      return la.length - lb.length;
    }
    case 4: {
      const ma = a as Record<string, unknown>;
      const mb = b as Record<string, unknown>;
      const ka = Object.keys(ma).sort(cmpString);
      const kb = Object.keys(mb).sort(cmpString);
      for (let i = 0; i < Math.min(ka.length, kb.length); i++) {
        const c = cmpString(ka[i], kb[i]) || valueCompare(ma[ka[i]], mb[kb[i]]);
        if (c) return c;
      }
      return ka.length - kb.length;
    }
    default:
      return 0;
  }
}

function peRank(pe: PathElement): number {
  return 'field' in pe ? 0 : 'key' in pe ? 1 : 'value' in pe ? 2 : 3;
}

/** PathElement.Compare. */
export function peCompare(a: PathElement, b: PathElement): number {
  const ra = peRank(a);
  const rb = peRank(b);
  if (ra !== rb) return ra - rb;
  if ('field' in a) return cmpString(a.field, (b as { field: string }).field);
  if ('key' in a) {
    const ka = a.key;
    const kb = (b as { key: KeyField[] }).key;
    for (let i = 0; i < Math.min(ka.length, kb.length); i++) {
      const c = cmpString(ka[i].name, kb[i].name) || valueCompare(ka[i].value, kb[i].value);
      if (c) return c;
    }
    return ka.length - kb.length;
  }
  if ('value' in a) return valueCompare(a.value, (b as { value: unknown }).value);
  return (a as { index: number }).index - (b as { index: number }).index;
}

// ---- the set ----------------------------------------------------------------------------------

interface Child {
  pe: PathElement;
  set: FieldSet;
}

/** fieldpath.Set. Operations return new sets and never share structure with their inputs. */
export class FieldSet {
  private readonly mem = new Map<string, PathElement>();
  private readonly kids = new Map<string, Child>();

  static of(...paths: Path[]): FieldSet {
    const s = new FieldSet();
    for (const p of paths) s.insert(p);
    return s;
  }

  /** Makes `path` a member (creating the intermediate nodes). */
  insert(path: Path): void {
    if (!path.length) return;
    let s: FieldSet = this;
    for (let i = 0; i < path.length - 1; i++) s = s.descend(path[i]);
    const last = path[path.length - 1];
    s.mem.set(serializePE(last), last);
  }

  private descend(pe: PathElement): FieldSet {
    const k = serializePE(pe);
    let c = this.kids.get(k);
    if (!c) {
      c = { pe, set: new FieldSet() };
      this.kids.set(k, c);
    }
    return c.set;
  }

  has(path: Path): boolean {
    if (!path.length) return false;
    let s: FieldSet | undefined = this;
    for (let i = 0; s && i < path.length - 1; i++) s = s.kids.get(serializePE(path[i]))?.set;
    return !!s && s.mem.has(serializePE(path[path.length - 1]));
  }

  hasMember(pe: PathElement): boolean {
    return this.mem.has(serializePE(pe));
  }

  /** The subtree under `pe` (empty when there is none); a copy. */
  withPrefix(pe: PathElement): FieldSet {
    return this.kids.get(serializePE(pe))?.set.clone() ?? new FieldSet();
  }

  /** The subtree under `pe` without copying, for read-only walks. */
  childOrUndefined(pe: PathElement): FieldSet | undefined {
    return this.kids.get(serializePE(pe))?.set;
  }

  /** Puts `set` under `pe`, merging with what is there (for builders that walk a schema). */
  graft(pe: PathElement, set: FieldSet): void {
    if (set.empty()) return;
    const k = serializePE(pe);
    const existing = this.kids.get(k);
    this.kids.set(k, { pe, set: existing ? existing.set.union(set) : set });
  }

  empty(): boolean {
    if (this.mem.size) return false;
    for (const c of this.kids.values()) if (!c.set.empty()) return false;
    return true;
  }

  memberElements(): PathElement[] {
    return [...this.mem.values()].sort(peCompare);
  }

  childElements(): { pe: PathElement; set: FieldSet }[] {
    return [...this.kids.values()].sort((a, b) => peCompare(a.pe, b.pe));
  }

  clone(): FieldSet {
    const s = new FieldSet();
    for (const [k, pe] of this.mem) s.mem.set(k, pe);
    for (const [k, c] of this.kids) s.kids.set(k, { pe: c.pe, set: c.set.clone() });
    return s;
  }

  union(o: FieldSet): FieldSet {
    const s = this.clone();
    for (const [k, pe] of o.mem) s.mem.set(k, pe);
    for (const [k, c] of o.kids) {
      const mine = s.kids.get(k);
      s.kids.set(k, { pe: c.pe, set: mine ? mine.set.union(c.set) : c.set.clone() });
    }
    return s;
  }

  intersection(o: FieldSet): FieldSet {
    const s = new FieldSet();
    for (const [k, pe] of this.mem) if (o.mem.has(k)) s.mem.set(k, pe);
    for (const [k, c] of this.kids) {
      const other = o.kids.get(k);
      if (!other) continue;
      const i = c.set.intersection(other.set);
      if (!i.empty()) s.kids.set(k, { pe: c.pe, set: i });
    }
    return s;
  }

  /** Members of `o` are removed; a member of `o` does not remove this set's children under it. */
  difference(o: FieldSet): FieldSet {
    const s = new FieldSet();
    for (const [k, pe] of this.mem) if (!o.mem.has(k)) s.mem.set(k, pe);
    for (const [k, c] of this.kids) {
      const other = o.kids.get(k);
      const d = other ? c.set.difference(other.set) : c.set.clone();
      if (!d.empty()) s.kids.set(k, { pe: c.pe, set: d });
    }
    return s;
  }

  /** Like difference, but a member of `o` also removes everything under it. */
  recursiveDifference(o: FieldSet): FieldSet {
    const s = new FieldSet();
    for (const [k, pe] of this.mem) if (!o.mem.has(k)) s.mem.set(k, pe);
    for (const [k, c] of this.kids) {
      if (o.mem.has(k)) continue;
      const other = o.kids.get(k);
      const d = other ? c.set.recursiveDifference(other.set) : c.set.clone();
      if (!d.empty()) s.kids.set(k, { pe: c.pe, set: d });
    }
    return s;
  }

  /** Every member path: this level's members first, then each child's, in order (Set.Iterate). */
  paths(): Path[] {
    const out: Path[] = [];
    const walk = (s: FieldSet, prefix: Path) => {
      for (const pe of s.memberElements()) out.push([...prefix, pe]);
      for (const c of s.childElements()) walk(c.set, [...prefix, c.pe]);
    };
    walk(this, []);
    return out;
  }

  equals(o: FieldSet): boolean {
    return JSON.stringify(this.toFieldsV1()) === JSON.stringify(o.toFieldsV1());
  }

  /** The FieldsV1 JSON object. */
  toFieldsV1(): Record<string, unknown> {
    const entries = new Map<string, { pe: PathElement; member: boolean; child?: FieldSet }>();
    for (const [k, pe] of this.mem) entries.set(k, { pe, member: true });
    for (const [k, c] of this.kids) {
      if (c.set.empty()) continue;
      const e = entries.get(k);
      if (e) e.child = c.set;
      else entries.set(k, { pe: c.pe, member: false, child: c.set });
    }
    const out: Record<string, unknown> = {};
    for (const [k, e] of [...entries].sort((a, b) => peCompare(a[1].pe, b[1].pe))) {
      if (!e.child) out[k] = {};
      else if (!e.member) out[k] = e.child.toFieldsV1();
      else out[k] = { ...e.child.toFieldsV1(), '.': {} };
    }
    return out;
  }

  /** Parses FieldsV1; throws Error on a malformed key (unknown element types are skipped). */
  static fromFieldsV1(json: unknown): FieldSet {
    if (json === undefined || json === null) return new FieldSet();
    return FieldSet.readV1(json)[0] ?? new FieldSet();
  }

  /** readIterV1: the children of a node, and whether the node itself is a member. */
  private static readV1(json: unknown): [FieldSet | undefined, boolean] {
    if (!isObject(json)) throw new Error(`FieldsV1: expected an object, got ${JSON.stringify(json)}`);
    let children: FieldSet | undefined;
    let isMember = false;
    for (const [key, sub] of Object.entries(json)) {
      if (key === '.') {
        isMember = true;
        continue;
      }
      const pe = parsePE(key);
      if (!pe) continue;
      const [grandchildren, childIsMember] = FieldSet.readV1(sub);
      children ??= new FieldSet();
      if (childIsMember) children.insert([pe]);
      if (grandchildren) children.graft(pe, grandchildren);
    }
    // An empty object (or one of only "." and unknown element types) is a member.
    if (!children) isMember = true;
    return [children, isMember];
  }
}
