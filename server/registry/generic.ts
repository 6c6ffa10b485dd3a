/**
 * The generic store: CRUD, list and watch for every kind over the Store, with each kind's
 * strategy plugged in — the shape of kube-apiserver's registry/generic/registry.Store.
 * HTTP knows nothing of storage; storage knows nothing of HTTP. Errors leave as StatusError.
 */
import { randomUUID } from 'node:crypto';
import type { KeyValue, Store, WatchEvent } from '../store/types.js';
import {
  alreadyExists,
  badRequest,
  conflict,
  field,
  forbidden,
  gone,
  invalid,
  notFound,
  OBJECT_MODIFIED,
  StatusError,
} from '../apiserver/errors.js';
import { apiVersionOf, keyPrefix, objectKey, Registry } from './registry.js';
import type { AllocationContext, FieldError, KindDef, KubeObject } from './types.js';
import type { Selector } from './selection.js';

export interface WriteContext {
  /** field manager name recorded in managedFields */
  manager: string;
  dryRun: boolean;
  /** operation recorded for managed fields; 'Apply' only for server-side apply */
  operation?: 'Update' | 'Apply';
  subresource?: 'status' | 'scale' | 'finalize' | 'binding';
  /** apply-only: force ownership transfer */
  force?: boolean;
}

/** The hooks the generic store needs from modules outside the registry (managed fields). */
export interface FieldManager {
  /** records the write in managedFields; `old` undefined on create */
  update(def: KindDef, old: KubeObject | undefined, obj: KubeObject, ctx: WriteContext): void;
}

export interface ListOptions {
  namespace?: string;
  selector?: Selector;
  limit?: number;
  continueToken?: string;
  /** the caller serves stored JSON as is: skip decoding items that need no selector */
  rawOnly?: boolean;
}

export interface ListResult {
  /** the decoded items; empty when `rawOnly` let the list skip decoding */
  items: KubeObject[];
  /** raw stored JSON per item when no conversion is needed, to serve without re-serialising */
  raw: (string | undefined)[];
  resourceVersion: string;
  continueToken?: string;
  remainingItemCount?: number;
}

export interface WatchHandle {
  stop(): void;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** Kinds whose strategies keep metadata.generation (upstream sets it in PrepareForCreate). */
const GENERATION_KINDS = new Set([
  'Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'ReplicationController', 'Job', 'CronJob',
  'PodDisruptionBudget', 'Ingress', 'IngressClass', 'NetworkPolicy', 'CustomResourceDefinition',
]);

const GENERATE_NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
const MAX_UPDATE_RETRIES = 8;

export function now(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function randomSuffix(n = 5): string {
  let s = '';
  for (let i = 0; i < n; i++) s += GENERATE_NAME_ALPHABET[Math.floor(Math.random() * GENERATE_NAME_ALPHABET.length)];
  return s;
}

function tracksGeneration(def: KindDef, registry: Registry): boolean {
  return GENERATION_KINDS.has(def.kind) || registry.isCustom(def);
}

function clone<T>(v: T): T {
  return v === undefined ? v : JSON.parse(JSON.stringify(v));
}

function withoutVolatile(obj: KubeObject): string {
  const { metadata, ...rest } = obj;
  const { resourceVersion: _rv, managedFields: _mf, ...meta } = metadata;
  return JSON.stringify({ ...rest, metadata: meta });
}

/** Everything but metadata and status: a change here bumps generation. */
function specOf(obj: KubeObject): string {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = obj;
  return JSON.stringify(rest);
}

export class GenericStore {
  constructor(
    private store: Store,
    private registry: Registry,
    private fields: FieldManager,
  ) {}

  private allocationContext(): AllocationContext {
    return {
      list: (group, resource) => {
        const prefix = `/registry/${group || 'core'}/${resource}/`;
        return this.store.range(prefix).kvs.map((kv) => JSON.parse(kv.value));
      },
    };
  }

  /** Converts a stored object into the version `def` serves. */
  fromStorage(def: KindDef, stored: KubeObject): KubeObject {
    return def.storage ? def.storage.fromStorage(stored) : stored;
  }

  private toStorage(def: KindDef, obj: KubeObject): KubeObject {
    return def.storage ? def.storage.toStorage(obj) : obj;
  }

  private decode(def: KindDef, kv: KeyValue): KubeObject {
    return this.fromStorage(def, JSON.parse(kv.value));
  }

  // ---- reads ---------------------------------------------------------------------------------

  getRaw(def: KindDef, namespace: string | undefined, name: string): KeyValue | undefined {
    return this.store.get(objectKey(def, namespace, name));
  }

  get(def: KindDef, namespace: string | undefined, name: string): KubeObject {
    const kv = this.getRaw(def, namespace, name);
    if (!kv) throw notFound(def.group, def.plural, name);
    return this.decode(def, kv);
  }

  /** The stored JSON when it can be served as is (no version conversion). */
  servesRaw(def: KindDef): boolean {
    return !def.storage;
  }

  list(def: KindDef, opts: ListOptions): ListResult {
    const prefix = keyPrefix(def, def.namespaced ? opts.namespace : undefined);
    let startKey: string | undefined;
    let revision: number | undefined;
    if (opts.continueToken) {
      const tok = decodeContinue(opts.continueToken);
      if (!tok) throw badRequest(`continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)`);
      if (tok.rv < this.store.compactRevision) throw expiredContinue();
      startKey = prefix + tok.start;
      revision = tok.rv;
    }
    const limit = opts.limit && opts.limit > 0 ? opts.limit : 0;
    const items: KubeObject[] = [];
    const raw: (string | undefined)[] = [];
    const rawOk = this.servesRaw(def);
    let readRevision = revision ?? this.store.revision;
    let lastKey: string | undefined;
    let more = false;
    // Scan in pages so a selective selector with a limit still fills the page.
    const page = limit ? Math.max(limit, 64) : 0;
    for (;;) {
      let res;
      try {
        res = this.store.range(prefix, { startKey, limit: page, revision });
      } catch (e) {
        if (e instanceof Error && e.name === 'CompactedError') throw expiredContinue();
        throw e;
      }
      readRevision = res.revision;
      revision = res.revision;
      let stopped = false;
      const skipDecode = rawOk && opts.rawOnly && !opts.selector;
      for (let i = 0; i < res.kvs.length; i++) {
        const kv = res.kvs[i];
        lastKey = kv.key;
        if (skipDecode) {
          raw.push(kv.value);
          if (limit && raw.length >= limit) {
            more = i < res.kvs.length - 1 || res.more;
            stopped = true;
            break;
          }
          continue;
        }
        const obj = this.decode(def, kv);
        if (opts.selector && !opts.selector(obj, def)) continue;
        items.push(obj);
        raw.push(rawOk ? kv.value : undefined);
        if (limit && items.length >= limit) {
          more = i < res.kvs.length - 1 || res.more;
          stopped = true;
          break;
        }
      }
      if (stopped || !res.more || !page) break;
      startKey = res.kvs[res.kvs.length - 1].key + '\0';
    }
    const out: ListResult = { items, raw, resourceVersion: String(readRevision) };
    if (more && lastKey) {
      out.continueToken = encodeContinue(readRevision, lastKey.slice(prefix.length) + '\0');
      if (!opts.selector) {
        const remaining = this.store.range(prefix, { startKey: lastKey + '\0', revision: readRevision }).kvs.length;
        out.remainingItemCount = remaining;
      }
    }
    return out;
  }

  // ---- writes --------------------------------------------------------------------------------

  private async commit(key: string, obj: KubeObject, expect: number): Promise<KubeObject | undefined> {
    let stored: KubeObject | undefined;
    const res = this.store.put(
      key,
      (rev) => {
        obj.metadata.resourceVersion = String(rev);
        stored = obj;
        return JSON.stringify(obj);
      },
      { expectModRevision: expect },
    );
    if (!res.ok) return undefined;
    await res.durable;
    return stored;
  }

  private checkNamespace(def: KindDef, namespace: string | undefined, name: string, creating: boolean): void {
    if (!def.namespaced || !namespace) return;
    const nsKv = this.store.get(`/registry/core/namespaces/${namespace}`);
    if (!nsKv) throw notFound('', 'namespaces', namespace);
    if (!creating) return;
    const ns = JSON.parse(nsKv.value) as KubeObject;
    if (ns.metadata.deletionTimestamp || ns.status?.phase === 'Terminating') {
      throw forbidden(def.group, def.plural, name, `unable to create new content in namespace ${namespace} because it is being terminated`, [
        { reason: 'NamespaceTerminating', message: `namespace ${namespace} is being terminated`, field: 'metadata.namespace' },
      ]);
    }
  }

  private validateOrThrow(def: KindDef, obj: KubeObject, errs: FieldError[] | undefined): void {
    if (errs && errs.length) throw invalid(def.group, def.kind, obj.metadata.name ?? '', errs);
  }

  async create(def: KindDef, namespace: string | undefined, input: KubeObject, ctx: WriteContext): Promise<KubeObject> {
    const obj = clone(input);
    obj.apiVersion = apiVersionOf(def);
    obj.kind = def.kind;
    obj.metadata ??= {};
    const meta = obj.metadata;
    if (def.namespaced) meta.namespace = namespace;
    else delete meta.namespace;
    if (!meta.name && meta.generateName) meta.name = meta.generateName + randomSuffix();
    const name = meta.name ?? '';
    this.checkNamespace(def, namespace, name, true);
    for (const k of ['resourceVersion', 'uid', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generation', 'selfLink']) delete meta[k];
    meta.uid = randomUUID();
    meta.creationTimestamp = now();
    if (tracksGeneration(def, this.registry)) meta.generation = 1;
    def.strategy.defaults?.(obj);
    if (def.subresources?.status) obj.status = {};
    def.strategy.prepareForCreate?.(obj);
    if (!name) this.validateOrThrow(def, obj, [field.required('metadata.name', 'name or generateName is required')]);
    // Allocation comes first, as upstream's REST create does: validation sees the allocated values.
    // It takes nothing until the object is stored (taken values are read back from the store).
    def.strategy.allocate?.(obj, undefined, this.allocationContext());
    this.validateOrThrow(def, obj, def.strategy.validate?.(obj));
    this.fields.update(def, undefined, obj, ctx);
    if (ctx.dryRun) {
      if (this.store.get(objectKey(def, namespace, name))) throw alreadyExists(def.group, def.plural, name);
      return obj;
    }
    const stored = await this.commit(objectKey(def, namespace, name), this.toStorage(def, obj), 0);
    if (!stored) {
      def.strategy.release?.(obj, this.allocationContext());
      throw alreadyExists(def.group, def.plural, name);
    }
    return this.fromStorage(def, stored);
  }

  /**
   * Read-modify-write with retries, like GuaranteedUpdate: `mutate` computes the desired object
   * from the current one. A caller-supplied resourceVersion precondition is checked against the
   * current object and makes conflicts final instead of retried.
   */
  async update(
    def: KindDef,
    namespace: string | undefined,
    name: string,
    mutate: (current: KubeObject | undefined) => KubeObject,
    ctx: WriteContext & { allowCreate?: boolean },
  ): Promise<{ object: KubeObject; created: boolean }> {
    const key = objectKey(def, namespace, name);
    for (let attempt = 0; ; attempt++) {
      const kv = this.store.get(key);
      if (!kv) {
        if (!ctx.allowCreate) throw notFound(def.group, def.plural, name);
        const desired = mutate(undefined);
        if (!desired.metadata?.name) desired.metadata = { ...desired.metadata, name };
        return { object: await this.create(def, namespace, desired, ctx), created: true };
      }
      const old = this.decode(def, kv);
      // mutate gets its own copy; what it returns is ours to change.
      const desired = mutate(clone(old));
      const preconditionRV = desired.metadata?.resourceVersion;
      if (preconditionRV && preconditionRV !== old.metadata.resourceVersion) {
        throw conflict(def.group, def.plural, name, OBJECT_MODIFIED);
      }
      const obj = this.prepareUpdate(def, old, desired, ctx);
      if (ctx.subresource !== 'binding' && withoutVolatile(obj) === withoutVolatile(old)) return { object: old, created: false };
      this.fields.update(def, old, obj, ctx);
      if (ctx.dryRun) return { object: obj, created: false };
      if (obj.metadata.deletionTimestamp && (obj.metadata.finalizers ?? []).length === 0 && !this.awaitsOthers(def, obj)) {
        const res = this.store.delete(key, { expectModRevision: kv.modRevision });
        if (res.ok) {
          await res.durable;
          def.strategy.release?.(obj, this.allocationContext());
          return { object: obj, created: false };
        }
      } else {
        const stored = await this.commit(key, this.toStorage(def, obj), kv.modRevision);
        if (stored) return { object: this.fromStorage(def, stored), created: false };
      }
      if (preconditionRV || attempt >= MAX_UPDATE_RETRIES) throw conflict(def.group, def.plural, name, OBJECT_MODIFIED);
    }
  }

  /** Merges what a caller may change into the current object, then validates. */
  private prepareUpdate(def: KindDef, old: KubeObject, desired: KubeObject, ctx: WriteContext): KubeObject {
    const obj = desired;
    obj.apiVersion = apiVersionOf(def);
    obj.kind = def.kind;
    obj.metadata ??= {};
    const meta = obj.metadata;
    const oldMeta = old.metadata;
    if (meta.name !== undefined && meta.name !== oldMeta.name) {
      throw badRequest(`the name of the object (${meta.name}) does not match the name on the URL (${oldMeta.name})`);
    }
    meta.name = oldMeta.name;
    if (def.namespaced) meta.namespace = oldMeta.namespace;
    else delete meta.namespace;
    meta.uid = oldMeta.uid;
    meta.creationTimestamp = oldMeta.creationTimestamp;
    meta.resourceVersion = oldMeta.resourceVersion;
    if (oldMeta.deletionTimestamp) {
      meta.deletionTimestamp = oldMeta.deletionTimestamp;
      if (oldMeta.deletionGracePeriodSeconds !== undefined) meta.deletionGracePeriodSeconds = oldMeta.deletionGracePeriodSeconds;
    } else {
      delete meta.deletionTimestamp;
      delete meta.deletionGracePeriodSeconds;
    }
    if (meta.generation === undefined || tracksGeneration(def, this.registry)) meta.generation = oldMeta.generation;
    if (meta.generation === undefined) delete meta.generation;
    if (ctx.subresource === 'binding') {
      // pods/binding sets the node and the PodScheduled condition, and nothing else; upstream's
      // BindingREST writes storage directly, without the pod's update validation.
      const next = clone(old);
      next.spec.nodeName = obj.spec?.nodeName;
      next.status = obj.status;
      return next;
    }
    if (ctx.subresource === 'status') {
      // Status writes change status only; metadata that owners and finalizers rely on stays.
      const next = clone(old);
      next.status = obj.status;
      // Upstream's Deployment status strategy lets annotations through: the controller records
      // the revision there without bumping generation.
      if (def.group === 'apps' && def.kind === 'Deployment') next.metadata.annotations = meta.annotations;
      next.metadata.resourceVersion = oldMeta.resourceVersion;
      if (meta.managedFields) next.metadata.managedFields = meta.managedFields;
      return this.finishUpdate(def, old, next, true);
    }
    if (def.subresources?.status) {
      if (old.status === undefined) delete obj.status;
      else obj.status = clone(old.status);
    }
    def.strategy.defaults?.(obj);
    if (tracksGeneration(def, this.registry) && specOf(obj) !== specOf(old)) meta.generation = (oldMeta.generation ?? 0) + 1;
    return this.finishUpdate(def, old, obj, false, ctx.subresource === 'finalize');
  }

  /** `finalize` (namespaces) skips prepareForUpdate, which otherwise pins spec.finalizers. */
  private finishUpdate(def: KindDef, old: KubeObject, obj: KubeObject, statusOnly: boolean, finalize = false): KubeObject {
    if (!statusOnly && !finalize) def.strategy.prepareForUpdate?.(obj, old);
    const errs = def.strategy.validateUpdate ? def.strategy.validateUpdate(obj, old) : def.strategy.validate?.(obj);
    this.validateOrThrow(def, obj, errs);
    if (!statusOnly) def.strategy.allocate?.(obj, old, this.allocationContext());
    return obj;
  }

  /**
   * Deletion waits on someone besides metadata.finalizers: a pod bound to a node is removed by its
   * kubelet once containers stop; a namespace by the namespace controller once empty
   * (spec.finalizers).
   */
  private awaitsOthers(def: KindDef, obj: KubeObject): boolean {
    if (def.group !== '') return false;
    if (def.kind === 'Pod') return !!obj.spec?.nodeName && (obj.metadata.deletionGracePeriodSeconds ?? 0) > 0;
    if (def.kind === 'Namespace') return (obj.spec?.finalizers ?? []).length > 0;
    return false;
  }

  async delete(
    def: KindDef,
    namespace: string | undefined,
    name: string,
    opts: { propagationPolicy?: string; gracePeriodSeconds?: number; preconditionUid?: string; preconditionRV?: string },
    ctx: WriteContext,
  ): Promise<{ object: KubeObject; deleted: boolean }> {
    const key = objectKey(def, namespace, name);
    for (let attempt = 0; ; attempt++) {
      const kv = this.store.get(key);
      if (!kv) throw notFound(def.group, def.plural, name);
      const old = this.decode(def, kv);
      if (opts.preconditionUid && opts.preconditionUid !== old.metadata.uid) {
        throw conflict(def.group, def.plural, name, `Precondition failed: UID in precondition: ${opts.preconditionUid}, UID in object meta: ${old.metadata.uid}`);
      }
      if (opts.preconditionRV && opts.preconditionRV !== old.metadata.resourceVersion) {
        throw conflict(def.group, def.plural, name, `Precondition failed: ResourceVersion in precondition: ${opts.preconditionRV}, ResourceVersion in object meta: ${old.metadata.resourceVersion}`);
      }
      const obj = clone(old);
      const meta = obj.metadata;
      const finalizers = new Set(meta.finalizers ?? []);
      const policy = opts.propagationPolicy ?? defaultPropagation(def);
      if (policy === 'Foreground' && !meta.deletionTimestamp) {
        finalizers.delete('orphan');
        finalizers.add('foregroundDeletion');
      } else if (policy === 'Orphan' && !meta.deletionTimestamp) {
        finalizers.delete('foregroundDeletion');
        finalizers.add('orphan');
      }
      const grace = this.gracePeriod(def, obj, opts.gracePeriodSeconds);
      const graceful = grace > 0;
      if (finalizers.size === 0 && !graceful && !this.awaitsOthers(def, obj)) {
        if (ctx.dryRun) return { object: old, deleted: true };
        const res = this.store.delete(key, { expectModRevision: kv.modRevision });
        if (!res.ok) {
          if (attempt < MAX_UPDATE_RETRIES) continue;
          throw conflict(def.group, def.plural, name, OBJECT_MODIFIED);
        }
        await res.durable;
        def.strategy.release?.(old, this.allocationContext());
        return { object: old, deleted: true };
      }
      if (meta.deletionTimestamp && !graceful) {
        // Already terminating: a repeated delete only shortens a grace period.
        if (meta.deletionGracePeriodSeconds === undefined || grace >= meta.deletionGracePeriodSeconds) return { object: old, deleted: false };
      }
      meta.finalizers = [...finalizers];
      if (meta.finalizers.length === 0) delete meta.finalizers;
      if (!meta.deletionTimestamp || (meta.deletionGracePeriodSeconds ?? 0) > grace) {
        meta.deletionTimestamp = new Date(Date.now() + grace * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
        meta.deletionGracePeriodSeconds = grace;
      }
      if (def.kind === 'Namespace' && def.group === '') obj.status = { ...(obj.status ?? {}), phase: 'Terminating' };
      if (ctx.dryRun) return { object: obj, deleted: false };
      const stored = await this.commit(key, this.toStorage(def, obj), kv.modRevision);
      if (stored) return { object: this.fromStorage(def, stored), deleted: false };
      if (attempt >= MAX_UPDATE_RETRIES) throw conflict(def.group, def.plural, name, OBJECT_MODIFIED);
    }
  }

  /** Pods on a node terminate gracefully; everything else (and unscheduled pods) goes at once. */
  private gracePeriod(def: KindDef, obj: KubeObject, requested: number | undefined): number {
    if (!(def.kind === 'Pod' && def.group === '')) return 0;
    if (!obj.spec?.nodeName) return 0;
    const phase = obj.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') return 0;
    const g = requested ?? obj.spec?.terminationGracePeriodSeconds ?? 30;
    return Math.max(0, g);
  }

  // ---- watch ---------------------------------------------------------------------------------

  /**
   * Streams changes after `afterRevision`; selector-aware: an object that stops matching is
   * reported DELETED, one that starts matching ADDED — as the watch cache does.
   */
  watch(
    def: KindDef,
    namespace: string | undefined,
    afterRevision: number,
    selector: Selector | undefined,
    emit: (type: WatchEventType, obj: KubeObject, raw?: string) => void,
  ): WatchHandle {
    const prefix = keyPrefix(def, def.namespaced ? namespace : undefined);
    if (afterRevision < this.store.compactRevision) {
      throw gone(`too old resource version: ${afterRevision} (${this.store.compactRevision + 1})`);
    }
    const rawOk = this.servesRaw(def);
    const w = this.store.watch(prefix, afterRevision, (events: WatchEvent[]) => {
      for (const ev of events) {
        if (ev.type === 'DELETE') {
          const stored = parsedValue(ev.kv);
          const obj = { ...stored, metadata: { ...stored.metadata, resourceVersion: String(ev.kv.modRevision) } };
          const out = this.fromStorage(def, obj);
          if (selector && !selector(out, def)) continue;
          emit('DELETED', out);
          continue;
        }
        const obj = this.fromStorage(def, parsedValue(ev.kv));
        const raw = rawOk ? ev.kv.value : undefined;
        const isNew = ev.kv.createRevision === ev.kv.modRevision || !ev.prevKv;
        if (!selector) {
          emit(isNew ? 'ADDED' : 'MODIFIED', obj, raw);
          continue;
        }
        const matches = selector(obj, def);
        const prev = ev.prevKv ? this.fromStorage(def, parsedValue(ev.prevKv)) : undefined;
        const matched = prev ? selector(prev, def) : false;
        if (matches && (isNew || !matched)) emit('ADDED', obj, raw);
        else if (matches) emit('MODIFIED', obj, raw);
        else if (matched) emit('DELETED', obj, raw);
      }
    });
    return { stop: () => w.cancel() };
  }

  get revision(): number {
    return this.store.revision;
  }

  /** Every object of a kind across namespaces, for internal controllers of the API server. */
  all(def: KindDef): KubeObject[] {
    return this.store.range(keyPrefix(def)).kvs.map((kv) => this.decode(def, kv));
  }

}

/**
 * Upstream strategies' DefaultGarbageCollectionPolicy: batch/v1 Jobs and core/v1
 * ReplicationControllers orphan their pods unless told otherwise (kept for old clients);
 * everything else deletes dependents in the background.
 */
/**
 * Every watcher of a key sees the same event; parsing its value once and sharing the result keeps
 * a hundred kubelets' watches from each parsing every pod. Watch consumers never mutate objects
 * (informer caches are read-only by contract).
 */
const parsedValues = new WeakMap<KeyValue, KubeObject>();
function parsedValue(kv: KeyValue): KubeObject {
  let obj = parsedValues.get(kv);
  if (!obj) {
    obj = JSON.parse(kv.value) as KubeObject;
    parsedValues.set(kv, obj);
  }
  return obj;
}

function defaultPropagation(def: KindDef): string {
  if ((def.group === 'batch' && def.kind === 'Job') || (def.group === '' && def.kind === 'ReplicationController')) return 'Orphan';
  return 'Background';
}

function expiredContinue(): StatusError {
  return new StatusError(
    410,
    'Expired',
    'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
  );
}

function encodeContinue(rv: number, start: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start })).toString('base64url');
}

function decodeContinue(token: string): { rv: number; start: string } | undefined {
  try {
    const t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (t.v !== 'meta.k8s.io/v1' || typeof t.rv !== 'number' || typeof t.start !== 'string' || t.start.startsWith('/') || t.start.includes('..')) return undefined;
    return { rv: t.rv, start: t.start };
  } catch {
    return undefined;
  }
}
