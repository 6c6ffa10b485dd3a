/**
 * The in-process door into the API: the same registry pipeline (defaults, validation, strategies,
 * managed fields, watch) an HTTPS request goes through, without sockets or JSON framing.
 */
import { badRequest, StatusError } from '../apiserver/errors.js';
import type { Codecs } from '../apiserver/handlers.js';
import type { GenericStore } from '../registry/generic.js';
import type { Registry } from '../registry/registry.js';
import { compileSelector } from '../registry/selection.js';
import { bindPod } from '../registry/binding.js';
import type { KindDef, KubeObject } from '../registry/types.js';
import type { Client, DeleteOptions, EventType, GVR, ListOptions, ObjectList, PatchType, WatchSubscription, WriteOptions } from './types.js';

export class LocalClient implements Client {
  constructor(
    private registry: Registry,
    private store: GenericStore,
    private codecs: Codecs,
    /** field manager used when a call names none, like a component's user agent */
    private defaultManager: string,
  ) {}

  /** A client writing under another manager name (each component has its own). */
  as(manager: string): LocalClient {
    return new LocalClient(this.registry, this.store, this.codecs, manager);
  }

  private def(gvr: GVR): KindDef {
    const d = this.registry.lookup(gvr.group, gvr.version, gvr.resource);
    if (!d) throw new StatusError(404, 'NotFound', 'the server could not find the requested resource', {});
    return d;
  }

  private ns(def: KindDef, namespace: string | undefined): string | undefined {
    return def.namespaced ? namespace : undefined;
  }

  private ctx(opts?: WriteOptions) {
    return { manager: opts?.fieldManager ?? this.defaultManager, dryRun: !!opts?.dryRun };
  }

  async get(gvr: GVR, namespace: string | undefined, name: string): Promise<KubeObject> {
    const def = this.def(gvr);
    return this.store.get(def, this.ns(def, namespace), name);
  }

  async list(gvr: GVR, namespace: string | undefined, opts: ListOptions = {}): Promise<ObjectList> {
    const def = this.def(gvr);
    const selector = compileSelector(def, opts.labelSelector, opts.fieldSelector, (t) => this.codecs.parseLabelSelector(t));
    const r = this.store.list(def, { namespace: this.ns(def, namespace), selector, limit: opts.limit });
    return { items: r.items, resourceVersion: r.resourceVersion };
  }

  watch(
    gvr: GVR,
    namespace: string | undefined,
    resourceVersion: string,
    opts: ListOptions,
    onEvent: (type: EventType, obj: KubeObject) => void,
    onError: (err: Error) => void,
  ): WatchSubscription {
    try {
      const def = this.def(gvr);
      const selector = compileSelector(def, opts.labelSelector, opts.fieldSelector, (t) => this.codecs.parseLabelSelector(t));
      const rv = Number(resourceVersion);
      if (!Number.isInteger(rv)) throw badRequest(`resourceVersion: Invalid value: "${resourceVersion}"`);
      // Events arrive in the store's delivery tick; hand each over in its own microtask so a
      // handler that writes never re-enters the store's delivery loop.
      return this.store.watch(def, this.ns(def, namespace), rv, selector, (type, obj) => queueMicrotask(() => onEvent(type, obj)));
    } catch (e) {
      queueMicrotask(() => onError(e as Error));
      return { stop() {} };
    }
  }

  async create(gvr: GVR, namespace: string | undefined, obj: KubeObject, opts?: WriteOptions): Promise<KubeObject> {
    const def = this.def(gvr);
    return this.store.create(def, this.ns(def, namespace), obj, this.ctx(opts));
  }

  async update(gvr: GVR, namespace: string | undefined, obj: KubeObject, opts?: WriteOptions): Promise<KubeObject> {
    const def = this.def(gvr);
    const r = await this.store.update(def, this.ns(def, namespace), obj.metadata.name!, () => structuredClone(obj), this.ctx(opts));
    return r.object;
  }

  async updateStatus(gvr: GVR, namespace: string | undefined, obj: KubeObject, opts?: WriteOptions): Promise<KubeObject> {
    const def = this.def(gvr);
    const r = await this.store.update(def, this.ns(def, namespace), obj.metadata.name!, () => structuredClone(obj), { ...this.ctx(opts), subresource: 'status' });
    return r.object;
  }

  async patch(gvr: GVR, namespace: string | undefined, name: string, type: PatchType, patch: unknown, opts?: WriteOptions & { subresource?: 'status' }): Promise<KubeObject> {
    const def = this.def(gvr);
    const r = await this.store.update(
      def,
      this.ns(def, namespace),
      name,
      (cur) => {
        if (!cur) throw new StatusError(404, 'NotFound', `${def.plural} "${name}" not found`);
        const rv = cur.metadata.resourceVersion;
        let next: KubeObject;
        if (type === 'json') next = this.codecs.jsonPatch(cur, patch) as KubeObject;
        else if (type === 'merge') next = this.codecs.mergePatch(cur, patch) as KubeObject;
        else next = this.codecs.strategicPatch(def, cur, patch);
        // Like the HTTP path: a resourceVersion is a precondition only when the patch sets one.
        if (next.metadata.resourceVersion === rv) delete next.metadata.resourceVersion;
        return next;
      },
      { ...this.ctx(opts), subresource: opts?.subresource },
    );
    return r.object;
  }

  async delete(gvr: GVR, namespace: string | undefined, name: string, opts: DeleteOptions = {}): Promise<void> {
    const def = this.def(gvr);
    await this.store.delete(
      def,
      this.ns(def, namespace),
      name,
      { propagationPolicy: opts.propagationPolicy, gracePeriodSeconds: opts.gracePeriodSeconds, preconditionUid: opts.preconditions?.uid, preconditionRV: opts.preconditions?.resourceVersion },
      this.ctx(),
    );
  }

  async bind(namespace: string, pod: string, node: string): Promise<void> {
    const def = this.def({ group: '', version: 'v1', resource: 'pods' });
    await this.store.update(
      def,
      namespace,
      pod,
      (cur) => bindPod(cur, pod, node),
      { ...this.ctx(), subresource: 'binding' },
    );
  }
}
