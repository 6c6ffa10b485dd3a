/**
 * Server-side apply (`application/apply-patch+yaml`), as kube-apiserver's field manager chains it:
 * version check → (kubectl) last-applied sync → (kubectl) client-side-apply upgrade → timestamps
 * and stripped fields → structured-merge-diff's Updater.Apply:
 *
 * 1. merge the configuration into the live object (typed.mergeValues);
 * 2. the applier now owns exactly the fields of its configuration;
 * 3. prune: fields the applier owned before and no longer applies are removed, unless another
 *    manager (applier or updater) owns them;
 * 4. every other manager owning a field whose value this changes is in conflict: 409 unless
 *    `force`, in which case the field moves to the applier; fields removed leave their owners.
 *
 * Conflicts are reported as upstream words them (managedfields/internal/conflict.go):
 *   Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas
 *   Apply failed with 2 conflicts: conflicts with "mgr" using apps/v1:\n- .spec.replicas\n- .spec.paused
 * An Update manager prints as `"name" using <apiVersion>`, an Apply manager as `"name"`, with
 * ` with subresource "status"` when it wrote through one.
 *
 * The manager "kubectl" (kubectl apply --server-side) gets upstream's two migration aids: conflicts
 * over fields whose live value still equals the `kubectl.kubernetes.io/last-applied-configuration`
 * annotation are forced, and an existing annotation is rewritten to the applied configuration.
 */
import type { JSONSchema, KubeObject } from '../../registry/types.js';
import { badRequest, StatusError } from '../errors.js';
import { FieldSet, goJSON, pathString, type Path } from './fieldset.js';
import {
  comparable,
  Conflicts,
  decodeManagedFields,
  emptyManaged,
  encodeManagedFields,
  excludeFields,
  managerIdentifier,
  parseIdentifier,
  resetFieldSet,
  rfc3339,
  STRIPPED_FIELDS,
  stripMeta,
  updateOwnership,
  type Managed,
  type ManagedFieldsOptions,
} from './managedfields.js';
import { isObject, type Resolve } from './schema-walk.js';
import { jsonEqual } from './jsonpatch.js';
import { unknownError } from './status.js';
import { compareValues, ensureNamedFieldsAreMembers, mergeValues, removeItems, stripNulls, toFieldSet } from './typed.js';

export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';
/** The field manager kubectl apply --server-side uses by default. */
const KUBECTL = 'kubectl';

export interface ApplyOptions extends ManagedFieldsOptions {
  /** the kind served at this endpoint; a configuration of another kind is rejected */
  kind?: string;
  /** the subresource applied through ("status"), recorded in the entry */
  subresource?: string;
}

export interface ApplyResult {
  /** the merged object, with its new managedFields */
  object: KubeObject;
  /** false when the object's content did not change (only ownership may have) */
  changed: boolean;
}

/**
 * Applies `config` for `manager` onto `live` (undefined when creating) and returns the result.
 * Throws StatusError: 400 for a configuration carrying managedFields or of another version or
 * kind, 409 Conflict (reason Conflict, causes FieldManagerConflict) when other managers own fields
 * it changes and `force` is false, 500 for a configuration structured-merge-diff cannot type
 * (a list-map item without its key, duplicate keys).
 */
export function apply(
  live: KubeObject | undefined,
  config: KubeObject,
  manager: string,
  force: boolean,
  schema: JSONSchema | undefined,
  resolve: Resolve,
  apiVersion: string,
  now: string | Date,
  opts: ApplyOptions = {},
): ApplyResult {
  checkVersion(config, apiVersion, opts.kind);
  if (isObject(config.metadata) && config.metadata.managedFields !== undefined) throw badRequest('metadata.managedFields must be nil');

  let managed: Managed;
  try {
    managed = live ? decodeManagedFields(live.metadata?.managedFields) : emptyManaged();
  } catch (e) {
    throw unknownError(`failed to decode managed fields: ${(e as Error).message}`);
  }
  const id = managerIdentifier({ manager, operation: 'Apply', subresource: opts.subresource });
  const ctx: Ctx = { schema, resolve, apiVersion, typed: opts.typed ?? true, ignored: resetFieldSet(opts.subresource, opts.resetFields) };

  let result: { object: Record<string, unknown>; changed: boolean };
  try {
    result = smdApply(live, config, managed, id, force, ctx);
  } catch (e) {
    if (!(e instanceof Conflicts)) throw e;
    const remaining = manager === KUBECTL ? conflictsNotAllowedByLastApplied(e, live, ctx) : e;
    if (remaining.byManager.size) throw conflictError(remaining);
    result = smdApply(live, config, managed, id, true, ctx);
  }

  stripMeta(managed, id);
  if (result.changed) managed.times.set(id, rfc3339(now));
  const object = result.object as KubeObject;
  object.metadata ??= {};
  const entries = encodeManagedFields(managed);
  if (entries) object.metadata.managedFields = entries;
  else delete object.metadata.managedFields;
  if (manager === KUBECTL) syncLastApplied(object, config);
  return { object, changed: result.changed };
}

interface Ctx {
  schema: JSONSchema | undefined;
  resolve: Resolve;
  apiVersion: string;
  typed: boolean;
  ignored: FieldSet;
}

/** versionCheckManager, then structuredMergeManager's own version check. */
function checkVersion(config: KubeObject, apiVersion: string, kind: string | undefined): void {
  const gv = (v: string) => (v.includes('/') ? v : `/${v}`);
  if (kind !== undefined && (config.apiVersion !== apiVersion || config.kind !== kind)) {
    throw badRequest(`invalid object type: ${gv(config.apiVersion ?? '')}, Kind=${config.kind ?? ''}`);
  }
  if (config.apiVersion !== apiVersion) {
    throw badRequest(`Incorrect version specified in apply patch. Specified patch version: ${config.apiVersion ?? ''}, expected: ${apiVersion}`);
  }
}

/** Updater.Apply. Mutates `managed`; throws Conflicts. */
function smdApply(live: KubeObject | undefined, config: KubeObject, managed: Managed, id: string, force: boolean, ctx: Ctx): { object: Record<string, unknown>; changed: boolean } {
  const { schema, resolve } = ctx;
  const errors: string[] = [];
  const set = toFieldSet(config, schema, resolve, { errors }).recursiveDifference(ctx.ignored);
  if (errors.length) {
    const where = `${config.metadata?.namespace ?? ''}/${config.metadata?.name ?? ''}; ${config.apiVersion}, Kind=${config.kind}`;
    const msg = errors.length === 1 ? errors[0] : ['errors:', ...errors.map((e) => `  ${e}`)].join('\n');
    throw unknownError(`failed to create typed patch object (${where}): ${msg}`);
  }

  const liveRaw = live ? (structuredClone(live) as Record<string, unknown>) : {};
  if (isObject(liveRaw.metadata)) delete liveRaw.metadata.managedFields;
  const merged = mergeValues(liveRaw, structuredClone(config), schema, resolve) as Record<string, unknown>;

  const lastSet = managed.fields.get(id);
  const attempt: Managed = { fields: new Map(managed.fields), times: managed.times };
  attempt.fields.set(id, { set, apiVersion: ctx.apiVersion, applied: true });
  const pruned = stripNulls(prune(merged, attempt, lastSet?.set, ctx) ?? {}) as Record<string, unknown>;

  const cmp = excludeFields(
    compareValues(comparable(live, schema, resolve, ctx.typed), comparable(pruned as KubeObject, schema, resolve, ctx.typed), schema, resolve),
    ctx.ignored,
  );
  updateOwnership(attempt, cmp, id, force);
  // Only now, with no conflict left, does the caller's Managed change.
  managed.fields = attempt.fields;
  return { object: pruned, changed: !jsonEqual(stripNulls(liveRaw), pruned) };
}

/**
 * Updater.prune: remove what the applier applied last time and no longer applies, unless some
 * manager still owns it; never remove what the applier did not own.
 */
function prune(merged: Record<string, unknown>, managed: Managed, lastSet: FieldSet | undefined, ctx: Ctx): unknown {
  if (!lastSet || lastSet.empty()) return merged;
  const { schema, resolve } = ctx;
  const ens = (s: FieldSet) => ensureNamedFieldsAreMembers(s, schema, resolve);
  const fieldsOfValue = (v: unknown) => ens(toFieldSet(v, schema, resolve));
  const last = ens(lastSet);

  let pruned = removeItems(merged, last, schema, resolve);
  // addBackOwnedItems: keep what any manager (the applier's new set included) owns.
  let owned = new FieldSet();
  for (const vs of managed.fields.values()) owned = owned.union(vs.set);
  const mergedSet = fieldsOfValue(merged);
  pruned = removeItems(merged, mergedSet.difference(fieldsOfValue(pruned).union(ens(owned))), schema, resolve);
  // addBackDanglingItems: only what the applier owned last time may go.
  return removeItems(merged, mergedSet.difference(fieldsOfValue(pruned)).intersection(last), schema, resolve);
}

// ---- conflicts --------------------------------------------------------------------------------

/** printManager: `"name"`, `"name" with subresource "status"`, plus ` using <apiVersion>` for updaters. */
export function printManager(id: string): string {
  const e = parseIdentifier(id);
  let s = JSON.stringify(e.manager ?? '');
  if (e.subresource) s += ` with subresource ${JSON.stringify(e.subresource)}`;
  if (e.operation === 'Update') s += ` using ${e.apiVersion ?? ''}`;
  return s;
}

/** The 409 of NewConflictError. */
export function conflictError(conflicts: Conflicts): StatusError {
  const list: { id: string; path: Path }[] = [];
  const ids = [...conflicts.byManager.keys()].sort();
  for (const id of ids) for (const path of conflicts.byManager.get(id)!.paths()) list.push({ id, path });
  let message: string;
  if (list.length === 1) {
    message = `Apply failed with 1 conflict: conflict with ${printManager(list[0].id)}: ${pathString(list[0].path)}`;
  } else {
    const lines: string[] = [];
    for (const id of ids) {
      lines.push(`conflicts with ${printManager(id)}:`);
      for (const c of list) if (c.id === id) lines.push(`- ${pathString(c.path)}`);
    }
    message = `Apply failed with ${list.length} conflicts: ${lines.join('\n')}`;
  }
  return new StatusError(409, 'Conflict', message, {
    causes: list.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with ${printManager(c.id)}`, field: pathString(c.path) })),
  });
}

/**
 * lastAppliedManager: for kubectl, conflicts over fields whose live value still equals the
 * last-applied annotation are not conflicts (the object was client-side applied with the same
 * values). Returns the conflicts that remain.
 */
function conflictsNotAllowedByLastApplied(conflicts: Conflicts, live: KubeObject | undefined, ctx: Ctx): Conflicts {
  const allowed = allowedByLastApplied(live, ctx);
  if (!allowed) return conflicts;
  const remaining = new Map<string, FieldSet>();
  for (const [id, set] of conflicts.byManager) {
    const rest = FieldSet.of(...set.paths().filter((p) => !allowed.has(p)));
    if (!rest.empty()) remaining.set(id, rest);
  }
  return new Conflicts(remaining);
}

function allowedByLastApplied(live: KubeObject | undefined, ctx: Ctx): FieldSet | undefined {
  const text = live?.metadata?.annotations?.[LAST_APPLIED_ANNOTATION];
  if (typeof text !== 'string' || !text) return undefined;
  let lastApplied: unknown;
  try {
    lastApplied = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(lastApplied) || lastApplied.apiVersion !== ctx.apiVersion) return undefined;
  const errors: string[] = [];
  const set = toFieldSet(lastApplied, ctx.schema, ctx.resolve, { errors });
  if (errors.length) return undefined;
  const cmp = compareValues(lastApplied, comparable(live, ctx.schema, ctx.resolve, ctx.typed), ctx.schema, ctx.resolve);
  return set.difference(cmp.modified).difference(cmp.added).difference(cmp.removed);
}

/** lastAppliedUpdater: an existing last-applied annotation becomes the applied configuration. */
function syncLastApplied(object: KubeObject, config: KubeObject): void {
  const annotations = object.metadata?.annotations;
  if (!annotations || !annotations[LAST_APPLIED_ANNOTATION]) return;
  const copy = structuredClone(config);
  if (isObject(copy.metadata?.annotations)) delete copy.metadata.annotations[LAST_APPLIED_ANNOTATION];
  annotations[LAST_APPLIED_ANNOTATION] = goJSON(copy) + '\n';
}

/** apply(), for callers that only want the object (the handlers' Codecs.apply). `now` defaults to the current time. */
export function serverSideApply(
  live: KubeObject | undefined,
  config: KubeObject,
  manager: string,
  force: boolean,
  schema: JSONSchema | undefined,
  resolve: Resolve,
  apiVersion: string,
  now: string | Date = new Date(),
  opts: ApplyOptions = {},
): KubeObject {
  return apply(live, config, manager, force, schema, resolve, apiVersion, now, opts).object;
}

// The store records non-apply writes through the same module.
export { updateManagedFields } from './managedfields.js';

/** The fields `obj` sets: what a manager owns when it applies `obj` (metadata identity fields stripped). */
export function fieldsOf(obj: unknown, schema: JSONSchema | undefined, resolve: Resolve): FieldSet {
  return toFieldSet(obj, schema, resolve).difference(STRIPPED_FIELDS);
}
