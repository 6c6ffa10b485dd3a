/**
 * `metadata.managedFields`: who owns which fields, kept up to date on every write the way
 * kube-apiserver's field manager does (k8s.io/apimachinery/pkg/util/managedfields/internal).
 *
 * Each entry is one manager identity: manager name + operation + (for Update) apiVersion +
 * subresource. Apply entries record what the applier applied (apply.ts); Update entries grow with
 * the fields a non-apply write (create, update, patch) changed, and every other manager loses the
 * fields that write changed or removed.
 *
 * Never tracked: apiVersion, kind, metadata.{name, namespace, uid, resourceVersion, generation,
 * creationTimestamp, selfLink, managedFields} (stripped from every set, as upstream's stripmeta
 * does), and the strategy's reset fields: `status` for main-resource writes, `spec` for writes
 * through /status.
 *
 * managedFields sent by a client on a non-apply write of the main resource replace the stored
 * ones when they decode (kubectl edit/replace send them back unchanged; a client may edit them);
 * `[]` or `[{}]` resets them. Entries that do not decode are ignored and the stored ones kept.
 * Writes through a subresource always start from the stored ones. An existing object that has no
 * managedFields is not tracked by updates until someone applies (upstream's skip for objects
 * created before tracking).
 */
import type { JSONSchema, KubeObject, ManagedFieldsEntry } from '../../registry/types.js';
import { FieldSet, fieldPath, goJSONString } from './fieldset.js';
import { isObject, type Resolve } from './schema-walk.js';
import { compareValues, typedView, type Comparison } from './typed.js';

export interface VersionedSet {
  set: FieldSet;
  apiVersion: string;
  /** true for Apply entries */
  applied: boolean;
}

/** The decoded managedFields: sets and times keyed by manager identifier. */
export interface Managed {
  fields: Map<string, VersionedSet>;
  times: Map<string, string | undefined>;
}

export interface ManagedFieldsOptions {
  /** Paths whose changes are not tracked (the strategy's reset fields). Default: `status`, or `spec` for the status subresource. */
  resetFields?: string[][];
  /** Compare values as their Go types serialise (built-in kinds). False for custom resources. Default true. */
  typed?: boolean;
  /** Update entries kept before the oldest are merged into "ancient-changes". Default 10. */
  maxUpdateManagers?: number;
}

const ANCIENT_CHANGES = 'ancient-changes';
const DEFAULT_MAX_UPDATE_MANAGERS = 10;

/** Fields no manager owns (stripmeta.go). */
export const STRIPPED_FIELDS = FieldSet.of(
  fieldPath('apiVersion'),
  fieldPath('kind'),
  fieldPath('metadata'),
  fieldPath('metadata', 'name'),
  fieldPath('metadata', 'namespace'),
  fieldPath('metadata', 'creationTimestamp'),
  fieldPath('metadata', 'selfLink'),
  fieldPath('metadata', 'uid'),
  fieldPath('metadata', 'clusterName'),
  fieldPath('metadata', 'generation'),
  fieldPath('metadata', 'managedFields'),
  fieldPath('metadata', 'resourceVersion'),
);

export function resetFieldSet(subresource: string | undefined, resetFields?: string[][]): FieldSet {
  if (resetFields) return FieldSet.of(...resetFields.map((p) => fieldPath(...p)));
  return subresource === 'status' ? FieldSet.of(fieldPath('spec')) : FieldSet.of(fieldPath('status'));
}

/** RFC 3339 with whole seconds, as metav1.Time marshals. */
export function rfc3339(now: string | Date): string {
  if (typeof now === 'string') return now;
  return now.toISOString().replace(/\.\d+Z$/, 'Z');
}

/**
 * BuildManagerIdentifier: the entry as JSON without fieldsType, fieldsV1 and time, and without
 * apiVersion for appliers (so an applier keeps one entry across versions). Field order and
 * escaping are Go's, because conflict messages sort managers by this string.
 */
export function managerIdentifier(e: Pick<ManagedFieldsEntry, 'manager' | 'operation' | 'apiVersion' | 'subresource'>): string {
  const parts: string[] = [];
  if (e.manager) parts.push(`"manager":${goJSONString(e.manager)}`);
  if (e.operation) parts.push(`"operation":${goJSONString(e.operation)}`);
  if (e.apiVersion && e.operation !== 'Apply') parts.push(`"apiVersion":${goJSONString(e.apiVersion)}`);
  if (e.subresource) parts.push(`"subresource":${goJSONString(e.subresource)}`);
  return `{${parts.join(',')}}`;
}

export function parseIdentifier(id: string): Pick<ManagedFieldsEntry, 'manager' | 'operation' | 'apiVersion' | 'subresource'> {
  try {
    const o = JSON.parse(id);
    if (isObject(o)) return o;
  } catch {
    // a bare name (never produced here) falls through
  }
  return { manager: id };
}

export function emptyManaged(): Managed {
  return { fields: new Map(), times: new Map() };
}

/** DecodeManagedFields; throws Error with upstream's message on an invalid entry. */
export function decodeManagedFields(entries: ManagedFieldsEntry[] | undefined): Managed {
  const m = emptyManaged();
  (entries ?? []).forEach((e, i) => {
    if (!isObject(e)) throw new Error(`invalid managed fields entry ${i}`);
    if (e.operation !== 'Apply' && e.operation !== 'Update') throw new Error('operation must be `Apply` or `Update`');
    if (!e.apiVersion) throw new Error('apiVersion must not be empty');
    if (!e.fieldsType) throw new Error(`missing fieldsType in managed fields entry ${i}`);
    if (e.fieldsType !== 'FieldsV1') throw new Error(`invalid fieldsType ${JSON.stringify(e.fieldsType)} in managed fields entry ${i}`);
    const id = managerIdentifier(e);
    let set: FieldSet;
    try {
      set = FieldSet.fromFieldsV1(e.fieldsV1 ?? {});
    } catch (err) {
      throw new Error(`error decoding versioned set from ${JSON.stringify(e)}: error decoding set: ${(err as Error).message}`);
    }
    m.fields.set(id, { set, apiVersion: e.apiVersion, applied: e.operation === 'Apply' });
    m.times.set(id, e.time);
  });
  return m;
}

function unixSeconds(t: string | undefined): number {
  if (!t) return 0;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? 0 : Math.floor(ms / 1000);
}

/** encodeManagedFields: entries sorted by operation, time, manager, apiVersion, subresource; undefined when none. */
export function encodeManagedFields(m: Managed): ManagedFieldsEntry[] | undefined {
  if (m.fields.size === 0) return undefined;
  const out: ManagedFieldsEntry[] = [];
  for (const [id, vs] of m.fields) {
    const info = parseIdentifier(id);
    const e: ManagedFieldsEntry = { manager: info.manager ?? '' };
    e.operation = vs.applied ? 'Apply' : (info.operation ?? 'Update');
    e.apiVersion = vs.apiVersion;
    const time = m.times.get(id);
    if (time) e.time = time;
    e.fieldsType = 'FieldsV1';
    e.fieldsV1 = vs.set.toFieldsV1();
    if (info.subresource) e.subresource = info.subresource;
    out.push(e);
  }
  const cmp = (a = '', b = '') => (a < b ? -1 : a > b ? 1 : 0);
  out.sort(
    (p, q) =>
      cmp(p.operation, q.operation) ||
      unixSeconds(p.time) - unixSeconds(q.time) ||
      cmp(p.manager, q.manager) ||
      cmp(p.apiVersion, q.apiVersion) ||
      cmp(p.subresource, q.subresource),
  );
  return out;
}

/** Conflicts found by updateOwnership: manager identifier → the fields in conflict. */
export class Conflicts extends Error {
  constructor(readonly byManager: Map<string, FieldSet>) {
    super('conflicts');
  }
}

/**
 * The ownership bookkeeping of structured-merge-diff's Updater.update: every manager other than
 * `workflow` loses the fields the write added or modified (a conflict unless `force`) and the
 * fields it removed; managers left with nothing are dropped. Mutates `managed.fields`.
 */
export function updateOwnership(managed: Managed, cmp: Comparison, workflow: string, force: boolean): void {
  const changed = cmp.modified.union(cmp.added);
  const conflicts = new Map<string, FieldSet>();
  for (const [id, vs] of managed.fields) {
    if (id === workflow) continue;
    const c = vs.set.intersection(changed);
    if (!c.empty()) conflicts.set(id, c);
  }
  if (!force && conflicts.size) throw new Conflicts(conflicts);
  for (const [id, vs] of managed.fields) {
    if (id === workflow) continue;
    const next = vs.set.difference(conflicts.get(id) ?? new FieldSet()).difference(cmp.removed);
    if (next.empty()) managed.fields.delete(id);
    else managed.fields.set(id, { ...vs, set: next });
  }
}

/** Comparison.ExcludeFields: the reset fields are nobody's business. */
export function excludeFields(cmp: Comparison, ignored: FieldSet): Comparison {
  if (ignored.empty()) return cmp;
  return { added: cmp.added.recursiveDifference(ignored), modified: cmp.modified.recursiveDifference(ignored), removed: cmp.removed.recursiveDifference(ignored) };
}

/** Removes the never-tracked fields from one manager's set (dropping the manager when empty). */
export function stripMeta(managed: Managed, id: string): void {
  const vs = managed.fields.get(id);
  if (!vs) return;
  const set = vs.set.difference(STRIPPED_FIELDS);
  if (set.empty()) managed.fields.delete(id);
  else managed.fields.set(id, { ...vs, set });
}

/**
 * capManagersManager: beyond `max` Update entries, the oldest are merged, per apiVersion, into an
 * "ancient-changes" entry.
 */
export function capUpdateManagers(managed: Managed, max: number): void {
  const updaters = [...managed.fields].filter(([, vs]) => !vs.applied).map(([id]) => id);
  if (updaters.length <= max) return;
  updaters.sort((a, b) => unixSeconds(managed.times.get(a)) - unixSeconds(managed.times.get(b)) || (a < b ? -1 : a > b ? 1 : 0));
  const firstOfVersion = new Map<string, string>();
  let length = updaters.length;
  for (let i = 0; i < updaters.length && length > max; i++) {
    const id = updaters[i];
    const vs = managed.fields.get(id)!;
    const time = managed.times.get(id);
    const bucket = managerIdentifier({ manager: ANCIENT_CHANGES, operation: 'Update', apiVersion: vs.apiVersion });
    const first = firstOfVersion.get(vs.apiVersion);
    if (first === undefined) {
      firstOfVersion.set(vs.apiVersion, id);
      continue;
    }
    if (!managed.fields.has(bucket)) {
      managed.fields.set(bucket, managed.fields.get(first)!);
      managed.fields.delete(first);
    }
    managed.fields.set(bucket, { set: vs.set.union(managed.fields.get(bucket)!.set), apiVersion: vs.apiVersion, applied: false });
    managed.fields.delete(id);
    managed.times.set(bucket, time);
    length--;
  }
}

function withoutManagedFields(obj: KubeObject | undefined): Record<string, unknown> {
  if (!obj) return {};
  // Shallow: the views built from it never mutate what they read.
  if (!isObject(obj.metadata) || !('managedFields' in obj.metadata)) return obj;
  const { managedFields: _dropped, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}

/** The value compared for ownership: the typed view for built-in kinds, the object itself otherwise. */
export function comparable(obj: KubeObject | undefined, schema: JSONSchema | undefined, resolve: Resolve, typed: boolean): unknown {
  const plain = withoutManagedFields(obj);
  return typed ? typedView(plain, schema, resolve) : plain;
}

function isReset(entries: unknown): boolean {
  if (!Array.isArray(entries)) return false;
  if (entries.length === 0) return true;
  return entries.length === 1 && isObject(entries[0]) && Object.values(entries[0]).every((v) => v === undefined || v === '' || v === null);
}

function tryDecode(entries: unknown): Managed | undefined {
  try {
    return decodeManagedFields(entries as ManagedFieldsEntry[] | undefined);
  } catch {
    return undefined;
  }
}

/** decodeLiveOrNew: which managedFields a non-apply write starts from. */
function startingPoint(old: KubeObject | undefined, updated: KubeObject, subresource: string | undefined): Managed {
  const live = () => tryDecode(old?.metadata?.managedFields) ?? emptyManaged();
  if (subresource) return live();
  const sent = updated.metadata?.managedFields;
  if (isReset(sent)) return emptyManaged();
  const m = tryDecode(sent);
  return m && m.fields.size ? m : live();
}

/**
 * Records a non-apply write (create, update, patch; `old` undefined on create) in
 * `updated.metadata.managedFields` and returns the new entries (undefined when there are none).
 * Never throws: what cannot be tracked is left untracked, as upstream's UpdateNoErrors does.
 *
 * Two call shapes: the full one, and the store's short one without `operation` (always Update)
 * whose `now` defaults to the current time.
 */
export function updateManagedFields(
  old: KubeObject | undefined,
  updated: KubeObject,
  manager: string,
  operation: 'Update',
  subresource: string | undefined,
  schema: JSONSchema | undefined,
  resolve: Resolve,
  apiVersion: string,
  now: string | Date,
  opts?: ManagedFieldsOptions,
): ManagedFieldsEntry[] | undefined;
export function updateManagedFields(
  old: KubeObject | undefined,
  updated: KubeObject,
  manager: string,
  subresource: string | undefined,
  schema: JSONSchema | undefined,
  resolve: Resolve,
  apiVersion: string,
  now?: string | Date,
  opts?: ManagedFieldsOptions,
): ManagedFieldsEntry[] | undefined;
export function updateManagedFields(old: KubeObject | undefined, updated: KubeObject, manager: string, ...rest: unknown[]): ManagedFieldsEntry[] | undefined {
  // 'Update' is never a subresource name, so it tells the shapes apart.
  const args = rest[0] === 'Update' ? rest.slice(1) : rest;
  const [subresource, schema, resolve, apiVersion, now, opts] = args as [
    string | undefined,
    JSONSchema | undefined,
    Resolve,
    string,
    string | Date | undefined,
    ManagedFieldsOptions | undefined,
  ];
  return recordUpdate(old, updated, manager, subresource, schema, resolve, apiVersion, now ?? new Date(), opts ?? {});
}

function recordUpdate(
  old: KubeObject | undefined,
  updated: KubeObject,
  manager: string,
  subresource: string | undefined,
  schema: JSONSchema | undefined,
  resolve: Resolve,
  apiVersion: string,
  now: string | Date,
  opts: ManagedFieldsOptions,
): ManagedFieldsEntry[] | undefined {
  const operation = 'Update';
  updated.metadata ??= {};
  const managed = startingPoint(old, updated, subresource);
  delete updated.metadata.managedFields;
  // An existing object nobody tracked stays untracked until an apply (skipnonapplied.go).
  if (managed.fields.size === 0 && old) return undefined;

  const typed = opts.typed ?? true;
  const ignored = resetFieldSet(subresource, opts.resetFields);
  const cmp = excludeFields(compareValues(comparable(old, schema, resolve, typed), comparable(updated, schema, resolve, typed), schema, resolve), ignored);
  // The write itself runs as a temporary manager, so the writer's own earlier entry is treated
  // like any other; what the write changed is then added back to it (managedfieldsupdater.go).
  updateOwnership(managed, cmp, '', true);
  const current = cmp.modified.union(cmp.added).difference(cmp.removed).recursiveDifference(ignored).difference(STRIPPED_FIELDS);
  if (!current.empty()) {
    const id = managerIdentifier({ manager, operation, apiVersion, subresource });
    const previous = managed.fields.get(id);
    managed.fields.set(id, { set: previous ? current.union(previous.set) : current, apiVersion, applied: false });
    managed.times.set(id, rfc3339(now));
  }
  capUpdateManagers(managed, opts.maxUpdateManagers ?? DEFAULT_MAX_UPDATE_MANAGERS);
  const entries = encodeManagedFields(managed);
  if (entries) updated.metadata.managedFields = entries;
  return entries;
}
