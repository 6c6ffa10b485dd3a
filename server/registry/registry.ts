/**
 * The set of kinds the server serves: built-ins plus whatever Established CRDs define.
 * Discovery and OpenAPI caches key off `generation`, which changes whenever the set changes.
 */
import type { KindDef } from './types.js';

export interface GroupVersions {
  group: string;
  /** preferred first */
  versions: string[];
}

export class Registry {
  private builtins: KindDef[];
  private custom = new Map<string, KindDef[]>();
  private index = new Map<string, KindDef>();
  private ordered: KindDef[] = [];
  private listeners: (() => void)[] = [];
  /** bumped on every change of the served set */
  generation = 0;

  constructor(builtins: KindDef[]) {
    this.builtins = builtins;
    this.rebuild();
  }

  /** Replaces the kinds a CRD contributes (an empty list removes them). */
  setCustom(crdName: string, defs: KindDef[]): void {
    if (defs.length === 0) this.custom.delete(crdName);
    else this.custom.set(crdName, defs);
    this.rebuild();
  }

  onChange(fn: () => void): void {
    this.listeners.push(fn);
  }

  all(): KindDef[] {
    return this.ordered;
  }

  lookup(group: string, version: string, resource: string): KindDef | undefined {
    return this.index.get(`${group}/${version}/${resource}`);
  }

  lookupKind(group: string, version: string, kind: string): KindDef | undefined {
    return this.index.get(`kind:${group}/${version}/${kind}`);
  }

  /** Does this kind come from a CRD? (Custom resources decode unstructured and take no strategic merge.) */
  isCustom(def: KindDef): boolean {
    for (const defs of this.custom.values()) if (defs.includes(def)) return true;
    return false;
  }

  groups(): GroupVersions[] {
    const out: GroupVersions[] = [];
    const seen = new Map<string, GroupVersions>();
    for (const d of this.ordered) {
      let g = seen.get(d.group);
      if (!g) {
        g = { group: d.group, versions: [] };
        seen.set(d.group, g);
        out.push(g);
      }
      if (!g.versions.includes(d.version)) g.versions.push(d.version);
    }
    return out;
  }

  kindsOf(group: string, version: string): KindDef[] {
    return this.ordered.filter((d) => d.group === group && d.version === version);
  }

  private rebuild(): void {
    this.ordered = [...this.builtins];
    for (const defs of this.custom.values()) this.ordered.push(...defs);
    this.index.clear();
    for (const d of this.ordered) {
      this.index.set(`${d.group}/${d.version}/${d.plural}`, d);
      this.index.set(`kind:${d.group}/${d.version}/${d.kind}`, d);
    }
    this.generation++;
    for (const fn of this.listeners) fn();
  }
}

export function apiVersionOf(def: { group: string; version: string }): string {
  return def.group ? `${def.group}/${def.version}` : def.version;
}

/** Where a kind's objects live: kinds served by several versions share their storage version's prefix. */
export function storageResource(def: KindDef): { group: string; plural: string } {
  return def.storage ? { group: def.storage.group, plural: def.storage.plural } : { group: def.group, plural: def.plural };
}

export function keyPrefix(def: KindDef, namespace?: string): string {
  const { group, plural } = storageResource(def);
  const base = `/registry/${group || 'core'}/${plural}/`;
  return def.namespaced && namespace ? `${base}${namespace}/` : base;
}

export function objectKey(def: KindDef, namespace: string | undefined, name: string): string {
  return keyPrefix(def, def.namespaced ? namespace : undefined) + name;
}
