/**
 * REST handlers for resources: each verb decodes the request, calls the generic store, and
 * encodes the answer (object, list, Table, Status). The shape of apiserver's endpoints/handlers.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { badRequest, conflict, field, invalid, methodNotSupported, notFound, StatusError, unsupportedMediaType } from './errors.js';
import { decodeObject, mediaType, parseJSON, parseYAML, readBody } from './body.js';
import type { RequestInfo } from './request.js';
import { partialMetadata, table, wantsPartialMetadata, wantsTable, type IncludeObject } from './table.js';
import { serveWatch } from './watch.js';
import { apiVersionOf, Registry } from '../registry/registry.js';
import { GenericStore, type WriteContext } from '../registry/generic.js';
import { compileSelector, type Selector } from '../registry/selection.js';
import { duplicateFields, strictDecodingError } from '../registry/schema/decode.js';
import { bindPod } from '../registry/binding.js';
import type { KindDef, KubeObject } from '../registry/types.js';

/** What handlers need from the modules that own schemas, patches and selectors. */
export interface Codecs {
  /** unknown-field paths and the first type error, for fieldValidation and decode errors */
  checkFields(def: KindDef, obj: KubeObject): { unknown: string[]; typeError?: string };
  /** removes fields the schema does not know (what a Go decoder silently drops) */
  prune(def: KindDef, obj: KubeObject): void;
  jsonPatch(doc: unknown, patch: unknown): unknown;
  mergePatch(doc: unknown, patch: unknown): unknown;
  strategicPatch(def: KindDef, doc: KubeObject, patch: unknown): KubeObject;
  /** server-side apply; `live` undefined when creating */
  apply(def: KindDef, live: KubeObject | undefined, config: KubeObject, manager: string, force: boolean): KubeObject;
  parseLabelSelector(text: string): (labels: Record<string, string>) => boolean;
}

export interface RequestContext {
  user: string;
  groups: string[];
  userAgent: string;
  /** the options kind of this verb, named in option errors: CreateOptions, UpdateOptions, PatchOptions, DeleteOptions */
  optionsKind: string;
  /** adds a `Warning: 299` response header, which kubectl prints */
  warn(message: string): void;
}

/** Deprecated APIs still served in v1.33, with the warning upstream attaches to every request. */
const DEPRECATED: Record<string, string> = {
  '/v1/Endpoints': 'v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice',
  '/v1/ComponentStatus': 'v1 ComponentStatus is deprecated in v1.19+',
};

const PATCH_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
];

export class ResourceHandlers {
  constructor(
    private registry: Registry,
    private store: GenericStore,
    private codecs: Codecs,
  ) {}

  async handle(req: IncomingMessage, res: ServerResponse, info: RequestInfo, query: URLSearchParams, ctx: RequestContext): Promise<void> {
    const def = this.registry.lookup(info.group, info.version, info.resource!);
    if (!def) throw new StatusError(404, 'NotFound', 'the server could not find the requested resource', {});
    if (!def.namespaced && info.namespace && info.resource !== 'namespaces') {
      throw new StatusError(404, 'NotFound', 'the server could not find the requested resource', {});
    }
    if (def.namespaced && !info.namespace && info.name) {
      throw new StatusError(404, 'NotFound', 'the server could not find the requested resource', {});
    }
    const deprecation = DEPRECATED[`${def.group}/${def.version}/${def.kind}`];
    if (deprecation) ctx.warn(deprecation);
    const verbs = def.verbs;
    if (verbs && !verbs.includes(info.verb) && !info.subresource) throw methodNotSupported(def.group, def.plural, info.verb);
    const accept = String(req.headers.accept ?? '');
    if (info.subresource) return this.subresource(req, res, def, info, query, ctx);
    if (def.group === '' && def.kind === 'ComponentStatus') return this.componentStatuses(res, def, info, query, accept);

    switch (info.verb) {
      case 'get':
        return this.get(res, def, info, query, accept);
      case 'list':
        return this.list(res, def, info, query, accept);
      case 'watch':
        return serveWatch(req, res, this.store, def, info.namespace, query, accept, this.selector(def, query), info.name);
      case 'create':
        return this.create(req, res, def, info, query, ctx);
      case 'update':
        return this.update(req, res, def, info, query, ctx);
      case 'patch':
        return this.patch(req, res, def, info, query, ctx);
      case 'delete':
        return this.delete(req, res, def, info, query, ctx);
      case 'deletecollection':
        return this.deleteCollection(req, res, def, info, query, ctx);
      default:
        throw methodNotSupported(def.group, def.plural, info.verb);
    }
  }

  private selector(def: KindDef, query: URLSearchParams): Selector | undefined {
    return compileSelector(def, query.get('labelSelector') ?? undefined, query.get('fieldSelector') ?? undefined, (t) => this.codecs.parseLabelSelector(t));
  }

  // ---- reads ---------------------------------------------------------------------------------

  private get(res: ServerResponse, def: KindDef, info: RequestInfo, query: URLSearchParams, accept: string): void {
    const kv = this.store.getRaw(def, info.namespace, info.name!);
    if (!kv) throw notFound(def.group, def.plural, info.name!);
    if (wantsTable(accept)) {
      const obj = this.store.fromStorage(def, JSON.parse(kv.value));
      return sendJSON(res, 200, table(def, [obj], includeObject(query), { resourceVersion: obj.metadata.resourceVersion }));
    }
    if (wantsPartialMetadata(accept)) return sendJSON(res, 200, partialMetadata(JSON.parse(kv.value)));
    if (this.store.servesRaw(def)) return sendRaw(res, 200, kv.value);
    sendJSON(res, 200, this.store.fromStorage(def, JSON.parse(kv.value)));
  }

  private list(res: ServerResponse, def: KindDef, info: RequestInfo, query: URLSearchParams, accept: string): void {
    const limit = query.get('limit') ? Number(query.get('limit')) : undefined;
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) throw badRequest(`limit must be a non-negative integer`);
    const asObjects = wantsTable(accept) || wantsPartialMetadata(accept);
    const result = this.store.list(def, {
      namespace: info.namespace,
      selector: this.selector(def, query),
      limit,
      continueToken: query.get('continue') ?? undefined,
      rawOnly: !asObjects,
    });
    const listMeta: Record<string, unknown> = { resourceVersion: result.resourceVersion };
    if (result.continueToken) listMeta.continue = result.continueToken;
    if (result.remainingItemCount !== undefined) listMeta.remainingItemCount = result.remainingItemCount;
    if (wantsTable(accept)) return sendJSON(res, 200, table(def, result.items, includeObject(query), listMeta));
    if (wantsPartialMetadata(accept)) {
      return sendJSON(res, 200, { kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1', metadata: listMeta, items: result.items.map(partialMetadata) });
    }
    const head = `{"kind":${JSON.stringify(def.kind + 'List')},"apiVersion":${JSON.stringify(apiVersionOf(def))},"metadata":${JSON.stringify(listMeta)},"items":[`;
    const items = result.raw.map((r, i) => r ?? JSON.stringify(result.items[i]));
    sendRaw(res, 200, head + items.join(',') + ']}');
  }

  /**
   * ComponentStatus is not stored: each read reports the components running in this process
   * (scheduler, controller manager, the embedded store), as upstream probes its own.
   */
  private componentStatuses(res: ServerResponse, def: KindDef, info: RequestInfo, query: URLSearchParams, accept: string): void {
    if (info.verb !== 'get' && info.verb !== 'list') throw methodNotSupported('', 'componentstatuses', info.verb);
    const healthy = (name: string): KubeObject => ({
      kind: 'ComponentStatus',
      apiVersion: 'v1',
      metadata: { name, creationTimestamp: null as unknown as string },
      conditions: [{ type: 'Healthy', status: 'True', message: 'ok', error: undefined }],
    });
    const all = ['controller-manager', 'scheduler', 'etcd-0'].map(healthy);
    const items = info.name ? all.filter((c) => c.metadata.name === info.name) : all;
    if (info.name && items.length === 0) throw notFound('', 'componentstatuses', info.name);
    if (wantsTable(accept)) return sendJSON(res, 200, table(def, items, includeObject(query), {}));
    if (info.name) return sendJSON(res, 200, items[0]);
    sendJSON(res, 200, { kind: 'ComponentStatusList', apiVersion: 'v1', metadata: {}, items });
  }

  // ---- writes --------------------------------------------------------------------------------

  private writeContext(query: URLSearchParams, ctx: RequestContext, extra: Partial<WriteContext> = {}): WriteContext {
    const dryRun = query.getAll('dryRun');
    for (const d of dryRun) if (d !== 'All') throw invalid('meta.k8s.io', ctx.optionsKind, '', [field.notSupported('dryRun', d, ['All'])]);
    const manager = query.get('fieldManager') ?? managerFromUserAgent(ctx.userAgent);
    if (manager.length > 128) throw invalid('', 'PatchOptions', '', [field.tooLong('fieldManager', 128)]);
    return { manager, dryRun: dryRun.length > 0, ...extra };
  }

  private fieldValidation(query: URLSearchParams, ctx: RequestContext): 'Strict' | 'Warn' | 'Ignore' {
    const v = query.get('fieldValidation') ?? 'Warn';
    if (v !== 'Strict' && v !== 'Warn' && v !== 'Ignore') {
      throw invalid('meta.k8s.io', ctx.optionsKind, '', [field.notSupported('fieldValidation', v, ['Ignore', 'Strict', 'Warn'])]);
    }
    return v;
  }

  /** Decode-time checks: apiVersion/kind, type errors, unknown fields per fieldValidation. */
  private admitBody(def: KindDef, obj: KubeObject, query: URLSearchParams, ctx: RequestContext, asPatch: boolean, rawJSON?: string): void {
    const want = apiVersionOf(def);
    if (obj.apiVersion === undefined || obj.apiVersion === '') {
      throw badRequest(`Object 'apiVersion' is missing in '${JSON.stringify(obj).slice(0, 200)}'`);
    }
    if (obj.kind === undefined || obj.kind === '') throw badRequest(`Object 'Kind' is missing in '${JSON.stringify(obj).slice(0, 200)}'`);
    if (obj.apiVersion !== want) {
      throw badRequest(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${want})`);
    }
    if (obj.kind !== def.kind) {
      throw badRequest(`${obj.kind} in version "${def.version}" cannot be handled as a ${def.kind}: no kind "${obj.kind}" is registered for version "${want}"`);
    }
    if (typeof obj.metadata !== 'object' || obj.metadata === null || Array.isArray(obj.metadata)) {
      if (obj.metadata === undefined) obj.metadata = {};
      else throw badRequest(`${def.kind} in version "${def.version}" cannot be handled as a ${def.kind}: json: cannot unmarshal ${jsonType(obj.metadata)} into Go struct field ${def.kind}.metadata of type v1.ObjectMeta`);
    }
    const mode = this.fieldValidation(query, ctx);
    const { unknown, typeError } = this.codecs.checkFields(def, obj);
    if (typeError) throw badRequest(`${def.kind} in version "${def.version}" cannot be handled as a ${def.kind}: ${typeError}`);
    const duplicates = rawJSON && mode !== 'Ignore' ? duplicateFields(rawJSON) : [];
    if ((unknown.length || duplicates.length) && mode === 'Strict') {
      const msg = strictDecodingError(unknown, duplicates);
      if (asPatch) throw invalid(def.group, def.kind, obj.metadata.name ?? '', [field.invalid('patch', JSON.stringify(obj), msg)]);
      throw badRequest(`${def.kind} in version "${def.version}" cannot be handled as a ${def.kind}: ${msg}`);
    }
    if (mode === 'Warn') {
      for (const u of unknown) ctx.warn(`unknown field "${u}"`);
      for (const d of duplicates) ctx.warn(`duplicate field "${d}"`);
    }
    if (unknown.length) this.codecs.prune(def, obj);
  }

  private async create(req: IncomingMessage, res: ServerResponse, def: KindDef, info: RequestInfo, query: URLSearchParams, ctx: RequestContext): Promise<void> {
    const body = await readBody(req);
    const obj = decodeObject(body, req.headers['content-type'], { apiVersion: apiVersionOf(def), kind: def.kind }) as KubeObject;
    this.admitBody(def, obj, query, ctx, false, jsonText(req, body));
    const namespace = def.namespaced ? info.namespace : undefined;
    if (def.namespaced) {
      if (!namespace) throw badRequest('the server could not find the requested resource');
      if (obj.metadata.namespace && obj.metadata.namespace !== namespace) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
    }
    if (def.virtual) {
      def.strategy.defaults?.(obj);
      const errs = def.strategy.validate?.(obj);
      if (errs?.length) throw invalid(def.group, def.kind, obj.metadata.name ?? '', errs);
      return sendJSON(res, 201, def.virtual.create(obj, { user: ctx.user, groups: ctx.groups }));
    }
    const created = await this.store.create(def, namespace, obj, this.writeContext(query, ctx));
    sendJSON(res, 201, created);
  }

  private async update(req: IncomingMessage, res: ServerResponse, def: KindDef, info: RequestInfo, query: URLSearchParams, ctx: RequestContext): Promise<void> {
    const body = await readBody(req);
    const obj = decodeObject(body, req.headers['content-type'], { apiVersion: apiVersionOf(def), kind: def.kind }) as KubeObject;
    this.admitBody(def, obj, query, ctx, false, jsonText(req, body));
    if (def.namespaced && obj.metadata.namespace && obj.metadata.namespace !== info.namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    if (obj.metadata.name !== undefined && obj.metadata.name !== info.name) {
      throw badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${info.name})`);
    }
    const wctx = { ...this.writeContext(query, ctx), allowCreate: allowsCreateOnUpdate(def) };
    const { object, created } = await this.store.update(def, info.namespace, info.name!, () => structuredClone(obj), wctx);
    sendJSON(res, created ? 201 : 200, object);
  }

  /** Applies a PATCH body of any supported type to `current` (a copy). */
  private applyPatchBody(def: KindDef, current: KubeObject, patchType: string, patch: unknown): KubeObject {
    switch (patchType) {
      case 'application/json-patch+json':
        return this.codecs.jsonPatch(current, patch) as KubeObject;
      case 'application/merge-patch+json':
        return this.codecs.mergePatch(current, patch) as KubeObject;
      case 'application/strategic-merge-patch+json':
        if (this.registry.isCustom(def)) throw unsupportedMediaType(patchType, PATCH_TYPES.filter((t) => !t.includes('strategic')));
        return this.codecs.strategicPatch(def, current, patch);
      default:
        throw unsupportedMediaType(patchType, PATCH_TYPES);
    }
  }

  private readPatch(body: Buffer, patchType: string): unknown {
    const text = body.toString('utf8');
    if (patchType === 'application/apply-patch+yaml') return parseYAML(text);
    const patch = parseJSON(text, 'error decoding patch');
    if (patchType === 'application/json-patch+json' && !Array.isArray(patch)) {
      throw badRequest(`json: cannot unmarshal ${jsonType(patch)} into Go value of type jsonpatch.Patch`);
    }
    if (patchType !== 'application/json-patch+json' && (patch === null || typeof patch !== 'object' || Array.isArray(patch))) {
      throw badRequest(`error decoding patch: json: cannot unmarshal ${jsonType(patch)} into Go value of type map[string]interface {}`);
    }
    return patch;
  }

  private async patch(req: IncomingMessage, res: ServerResponse, def: KindDef, info: RequestInfo, query: URLSearchParams, ctx: RequestContext): Promise<void> {
    const patchType = mediaType(req.headers['content-type']);
    if (!PATCH_TYPES.includes(patchType)) throw unsupportedMediaType(patchType, PATCH_TYPES);
    const body = await readBody(req);
    if (patchType === 'application/merge-patch+json' && this.fieldValidation(query, ctx) === 'Ignore' && body.toString('utf8').trim().startsWith('[')) {
      // Without a decode-time check the array replaces the whole object, which then cannot decode.
      throw invalid(def.group, def.kind, info.name!, [field.invalid('patch', body.toString('utf8'), 'json: cannot unmarshal array into Go value of type map[string]interface {}')]);
    }
    const patch = this.readPatch(body, patchType);
    const force = query.get('force');
    const isApply = patchType === 'application/apply-patch+yaml';
    if (force !== null && !isApply) throw invalid('meta.k8s.io', 'PatchOptions', '', [field.forbidden('force', 'may not be specified for non-apply patch')]);
    if (isApply && !query.get('fieldManager')) {
      throw invalid('', 'PatchOptions', '', [field.required('fieldManager', 'is required for apply requests')]);
    }
    if (isApply && (patch === null || typeof patch !== 'object' || Array.isArray(patch))) {
      throw badRequest('error decoding YAML: the apply patch must be an object');
    }
    const wctx = this.writeContext(query, ctx, isApply ? { operation: 'Apply', force: force === 'true' } : {});
    const namespace = def.namespaced ? info.namespace : undefined;
    const { object, created } = await this.store.update(
      def,
      namespace,
      info.name!,
      (current) => {
        let next: KubeObject;
        if (isApply) {
          const config = patch as KubeObject;
          this.admitBody(def, config, query, ctx, true);
          if (config.metadata.name && config.metadata.name !== info.name) {
            throw badRequest(`the name of the object (${config.metadata.name}) does not match the name on the URL (${info.name})`);
          }
          next = this.codecs.apply(def, current, config, wctx.manager, wctx.force ?? false);
          if (!current) {
            next.metadata.name = info.name;
            if (namespace) next.metadata.namespace = namespace;
          }
          return next;
        }
        if (!current) throw notFound(def.group, def.plural, info.name!);
        next = this.applyPatchBody(def, current, patchType, patch);
        if (next === null || typeof next !== 'object' || Array.isArray(next)) throw badRequest('the patch produced something that is not an object');
        next.apiVersion ??= current.apiVersion;
        next.kind ??= current.kind;
        this.admitBody(def, next, query, ctx, true);
        // resourceVersion in a patch is a precondition only when the patch sets it.
        const patchedRV = next.metadata?.resourceVersion;
        if (patchedRV === current.metadata.resourceVersion && !patchSetsResourceVersion(patch)) delete next.metadata.resourceVersion;
        return next;
      },
      { ...wctx, allowCreate: isApply },
    );
    sendJSON(res, created ? 201 : 200, object);
  }

  private async deleteOptions(req: IncomingMessage, query: URLSearchParams): Promise<Record<string, any>> {
    const body = await readBody(req);
    let opts: Record<string, any> = {};
    if (body.length) {
      opts = decodeObject(body, req.headers['content-type'] || 'application/json');
    }
    const grace = query.get('gracePeriodSeconds');
    if (grace !== null) {
      const g = Number(grace);
      if (!Number.isInteger(g)) throw badRequest(`gracePeriodSeconds: invalid value "${grace}"`);
      opts.gracePeriodSeconds = g;
    }
    const prop = query.get('propagationPolicy');
    if (prop !== null) opts.propagationPolicy = prop;
    if (query.getAll('dryRun').length) opts.dryRun = query.getAll('dryRun');
    if (opts.orphanDependents !== undefined && opts.propagationPolicy === undefined) {
      opts.propagationPolicy = opts.orphanDependents ? 'Orphan' : 'Background';
    }
    if (opts.propagationPolicy !== undefined && !['Orphan', 'Background', 'Foreground'].includes(opts.propagationPolicy)) {
      throw invalid('', 'DeleteOptions', '', [field.notSupported('propagationPolicy', opts.propagationPolicy, ['Foreground', 'Background', 'Orphan'])]);
    }
    if (opts.gracePeriodSeconds !== undefined && opts.gracePeriodSeconds < 0) opts.gracePeriodSeconds = 1;
    return opts;
  }

  private async delete(req: IncomingMessage, res: ServerResponse, def: KindDef, info: RequestInfo, query: URLSearchParams, ctx: RequestContext): Promise<void> {
    const opts = await this.deleteOptions(req, query);
    for (const d of opts.dryRun ?? []) query.append('dryRun', d);
    const wctx = this.writeContext(query, ctx);
    const { object, deleted } = await this.store.delete(
      def,
      def.namespaced ? info.namespace : undefined,
      info.name!,
      {
        propagationPolicy: opts.propagationPolicy,
        gracePeriodSeconds: opts.gracePeriodSeconds,
        preconditionUid: opts.preconditions?.uid,
        preconditionRV: opts.preconditions?.resourceVersion,
      },
      wctx,
    );
    if (deleted && !returnsDeletedObject(def)) {
      return sendJSON(res, 200, {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Success',
        details: { name: info.name, group: def.group || undefined, kind: def.plural, uid: object.metadata.uid },
      });
    }
    sendJSON(res, 200, object);
  }

  private async deleteCollection(req: IncomingMessage, res: ServerResponse, def: KindDef, info: RequestInfo, query: URLSearchParams, ctx: RequestContext): Promise<void> {
    const opts = await this.deleteOptions(req, query);
    for (const d of opts.dryRun ?? []) query.append('dryRun', d);
    const wctx = this.writeContext(query, ctx);
    const { items } = this.store.list(def, { namespace: info.namespace, selector: this.selector(def, query) });
    const out: KubeObject[] = [];
    for (const item of items) {
      try {
        const r = await this.store.delete(def, item.metadata.namespace, item.metadata.name!, { propagationPolicy: opts.propagationPolicy, gracePeriodSeconds: opts.gracePeriodSeconds }, wctx);
        out.push(r.object);
      } catch (e) {
        if (!(e instanceof StatusError && e.code === 404)) throw e;
      }
    }
    sendJSON(res, 200, { kind: def.kind + 'List', apiVersion: apiVersionOf(def), metadata: { resourceVersion: String(this.store.revision) }, items: out });
  }

  // ---- subresources --------------------------------------------------------------------------

  private async subresource(req: IncomingMessage, res: ServerResponse, def: KindDef, info: RequestInfo, query: URLSearchParams, ctx: RequestContext): Promise<void> {
    const sub = info.subresource!;
    if (sub === 'status' && def.subresources?.status) return this.statusSubresource(req, res, def, info, query, ctx);
    if (sub === 'log' && def.kind === 'Pod' && def.group === '' && info.verb === 'get') return this.podLog(res, def, info, query);
    // CSR approval (kubectl certificate approve) writes status conditions, as a status write does.
    if (sub === 'approval' && def.kind === 'CertificateSigningRequest') return this.statusSubresource(req, res, def, info, query, ctx);
    if (sub === 'scale' && def.subresources?.scale) return this.scaleSubresource(req, res, def, info, query, ctx);
    if (sub === 'binding' && def.kind === 'Pod' && def.group === '' && info.verb === 'create') return this.bind(req, res, def, info, query, ctx);
    if (sub === 'finalize' && def.kind === 'Namespace' && def.group === '' && info.verb === 'update') {
      const body = decodeObject(await readBody(req), req.headers['content-type']) as KubeObject;
      const { object } = await this.store.update(
        def,
        undefined,
        info.name!,
        (cur) => {
          if (!cur) throw notFound('', 'namespaces', info.name!);
          return { ...cur, spec: { ...(cur.spec ?? {}), finalizers: body.spec?.finalizers ?? [] } };
        },
        this.writeContext(query, ctx, { subresource: 'finalize' }),
      );
      return sendJSON(res, 200, object);
    }
    throw new StatusError(404, 'NotFound', 'the server could not find the requested resource', {});
  }

  /**
   * pods/log. The simulated runtime's containers write nothing, so a started container's log is
   * empty; the errors for a missing container or one that has not started are upstream's.
   */
  private podLog(res: ServerResponse, def: KindDef, info: RequestInfo, query: URLSearchParams): void {
    const pod = this.store.get(def, info.namespace, info.name!);
    const containers: KubeObject[] = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
    let name = query.get('container');
    if (!name) {
      if (containers.length !== 1 && (pod.spec?.containers ?? []).length !== 1) {
        throw badRequest(`a container name must be specified for pod ${info.name}, choose one of: [${(pod.spec?.containers ?? []).map((c: KubeObject) => c.name).join(' ')}]`);
      }
      name = pod.spec.containers[0].name;
    }
    if (!containers.some((c) => c.name === name)) throw badRequest(`container ${name} is not valid for pod ${info.name}`);
    const statuses: KubeObject[] = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
    const st = statuses.find((c) => c.name === name);
    if (!st || (!st.state?.running && !st.state?.terminated && !st.lastState?.terminated)) {
      const reason = st?.state?.waiting?.reason ?? 'ContainerCreating';
      throw badRequest(`container "${name}" in pod "${info.name}" is waiting to start: ${reason}`);
    }
    sendRaw(res, 200, '', 'text/plain');
  }

  private async statusSubresource(req: IncomingMessage, res: ServerResponse, def: KindDef, info: RequestInfo, query: URLSearchParams, ctx: RequestContext): Promise<void> {
    const namespace = def.namespaced ? info.namespace : undefined;
    if (info.verb === 'get') return this.get(res, def, info, query, String(req.headers.accept ?? ''));
    if (info.verb === 'update') {
      const obj = decodeObject(await readBody(req), req.headers['content-type'], { apiVersion: apiVersionOf(def), kind: def.kind }) as KubeObject;
      this.admitBody(def, obj, query, ctx, false);
      const { object } = await this.store.update(def, namespace, info.name!, () => structuredClone(obj), this.writeContext(query, ctx, { subresource: 'status' }));
      return sendJSON(res, 200, object);
    }
    if (info.verb === 'patch') {
      const patchType = mediaType(req.headers['content-type']);
      if (!PATCH_TYPES.includes(patchType)) throw unsupportedMediaType(patchType, PATCH_TYPES);
      const patch = this.readPatch(await readBody(req), patchType);
      const isApply = patchType === 'application/apply-patch+yaml';
      const wctx = this.writeContext(query, ctx, { subresource: 'status', ...(isApply ? { operation: 'Apply' as const, force: query.get('force') === 'true' } : {}) });
      const { object } = await this.store.update(
        def,
        namespace,
        info.name!,
        (cur) => {
          if (!cur) throw notFound(def.group, def.plural, info.name!);
          const next = isApply ? this.codecs.apply(def, cur, patch as KubeObject, wctx.manager, wctx.force ?? false) : this.applyPatchBody(def, cur, patchType, patch);
          if (!patchSetsResourceVersion(patch)) delete next.metadata.resourceVersion;
          return next;
        },
        wctx,
      );
      return sendJSON(res, 200, object);
    }
    throw methodNotSupported(def.group, `${def.plural}/status`, info.verb);
  }

  private scaleOf(def: KindDef, obj: KubeObject): KubeObject {
    const scale = def.subresources!.scale!;
    const selectorObj = readPath(obj, scale.labelSelectorPath ?? '.spec.selector');
    return {
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: {
        name: obj.metadata.name,
        namespace: obj.metadata.namespace,
        uid: obj.metadata.uid,
        resourceVersion: obj.metadata.resourceVersion,
        creationTimestamp: obj.metadata.creationTimestamp,
      },
      spec: { replicas: readPath(obj, scale.specReplicasPath) ?? 0 },
      status: { replicas: readPath(obj, scale.statusReplicasPath) ?? 0, selector: selectorString(selectorObj) },
    };
  }

  private async scaleSubresource(req: IncomingMessage, res: ServerResponse, def: KindDef, info: RequestInfo, query: URLSearchParams, ctx: RequestContext): Promise<void> {
    const namespace = def.namespaced ? info.namespace : undefined;
    if (info.verb === 'get') return sendJSON(res, 200, this.scaleOf(def, this.store.get(def, namespace, info.name!)));
    if (info.verb !== 'update' && info.verb !== 'patch') throw methodNotSupported(def.group, `${def.plural}/scale`, info.verb);
    let desired: (scale: KubeObject) => KubeObject;
    if (info.verb === 'update') {
      const body = decodeObject(await readBody(req), req.headers['content-type']) as KubeObject;
      desired = () => structuredClone(body);
    } else {
      const patchType = mediaType(req.headers['content-type']);
      if (!PATCH_TYPES.includes(patchType) || patchType === 'application/apply-patch+yaml') throw unsupportedMediaType(patchType, PATCH_TYPES.slice(0, 3));
      const patch = this.readPatch(await readBody(req), patchType);
      desired = (scale) =>
        patchType === 'application/json-patch+json'
          ? (this.codecs.jsonPatch(scale, patch) as KubeObject)
          : (this.codecs.mergePatch(scale, patch) as KubeObject);
    }
    const scalePath = def.subresources!.scale!.specReplicasPath;
    const { object } = await this.store.update(
      def,
      namespace,
      info.name!,
      (cur) => {
        if (!cur) throw notFound(def.group, def.plural, info.name!);
        const before = this.scaleOf(def, cur);
        const next = desired(JSON.parse(JSON.stringify(before)));
        const replicas = next?.spec?.replicas;
        if (!Number.isInteger(replicas)) throw badRequest(`Scale in version "v1" cannot be handled as a Scale: spec.replicas must be an integer`);
        if (replicas < 0) throw invalid('autoscaling', 'Scale', info.name!, [field.invalid('spec.replicas', replicas, 'must be greater than or equal to 0')]);
        const rv = next.metadata?.resourceVersion;
        if (rv && rv !== cur.metadata.resourceVersion) throw conflict(def.group, def.plural, info.name!, 'the object has been modified; please apply your changes to the latest version and try again');
        writePath(cur, scalePath, replicas);
        delete cur.metadata.resourceVersion;
        return cur;
      },
      this.writeContext(query, ctx, { subresource: 'scale' }),
    );
    sendJSON(res, 200, this.scaleOf(def, object));
  }

  private async bind(req: IncomingMessage, res: ServerResponse, def: KindDef, info: RequestInfo, query: URLSearchParams, ctx: RequestContext): Promise<void> {
    const binding = decodeObject(await readBody(req), req.headers['content-type']);
    const node = binding?.target?.name;
    if (!node) throw invalid('', 'Binding', info.name!, [field.required('target.name', '')]);
    const wctx = this.writeContext(query, ctx);
    await this.store.update(
      def,
      info.namespace,
      info.name!,
      (cur) => bindPod(cur, info.name!, node),
      { ...wctx, subresource: 'binding' },
    );
    sendJSON(res, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
  }
}

function includeObject(query: URLSearchParams): IncludeObject {
  const v = query.get('includeObject');
  return v === 'None' || v === 'Object' ? v : 'Metadata';
}

/** The body text when it is JSON, for the duplicate-field check a strict Go decoder makes. */
function jsonText(req: IncomingMessage, body: Buffer): string | undefined {
  const mt = mediaType(req.headers['content-type']);
  return mt === 'application/json' || mt === '' ? body.toString('utf8') : undefined;
}

/** Upstream's default field manager: the user agent up to the first '/'. */
export function managerFromUserAgent(ua: string): string {
  const prefix = ua.split('/')[0] || 'unknown';
  return prefix.slice(0, 128);
}

/** Kinds whose upstream strategy allows PUT to create (AllowCreateOnUpdate). */
function allowsCreateOnUpdate(def: KindDef): boolean {
  return def.group === '' ? ['Endpoints', 'Event', 'Node', 'LimitRange'].includes(def.kind) : def.kind === 'Lease' || def.kind === 'EndpointSlice';
}

/** Kinds whose store returns the deleted object instead of a Success Status (ReturnDeletedObject). */
function returnsDeletedObject(def: KindDef): boolean {
  return def.group === '' && (def.kind === 'Pod' || def.kind === 'Service' || def.kind === 'Namespace');
}

function patchSetsResourceVersion(patch: unknown): boolean {
  if (Array.isArray(patch)) return patch.some((op) => typeof op?.path === 'string' && op.path === '/metadata/resourceVersion');
  const meta = (patch as any)?.metadata;
  return !!meta && typeof meta === 'object' && 'resourceVersion' in meta;
}

function jsonType(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  if (typeof v === 'object') return 'object';
  return typeof v;
}

function readPath(obj: any, path: string): any {
  let cur = obj;
  for (const p of path.split('.').filter(Boolean)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = cur[p];
  }
  return cur;
}

function writePath(obj: any, path: string, value: unknown): void {
  const parts = path.split('.').filter(Boolean);
  let cur = obj;
  for (const p of parts.slice(0, -1)) {
    cur[p] ??= {};
    cur = cur[p];
  }
  cur[parts[parts.length - 1]] = value;
}

/** metav1.FormatLabelSelector: the string form of a LabelSelector. */
export function selectorString(sel: any): string {
  if (!sel || typeof sel !== 'object') return '';
  if (!sel.matchLabels && !sel.matchExpressions && Object.keys(sel).length && Object.values(sel).every((v) => typeof v === 'string')) {
    // ReplicationController selectors are plain maps.
    return Object.keys(sel).sort().map((k) => `${k}=${sel[k]}`).join(',');
  }
  const parts: string[] = [];
  for (const k of Object.keys(sel.matchLabels ?? {}).sort()) parts.push(`${k}=${sel.matchLabels[k]}`);
  for (const e of sel.matchExpressions ?? []) {
    const vals = [...(e.values ?? [])].sort().join(',');
    switch (e.operator) {
      case 'In': parts.push(`${e.key} in (${vals})`); break;
      case 'NotIn': parts.push(`${e.key} notin (${vals})`); break;
      case 'Exists': parts.push(e.key); break;
      case 'DoesNotExist': parts.push(`!${e.key}`); break;
    }
  }
  return parts.join(',');
}

export function sendJSON(res: ServerResponse, code: number, body: unknown, contentType = 'application/json'): void {
  sendRaw(res, code, JSON.stringify(body), contentType);
}

export function sendRaw(res: ServerResponse, code: number, text: string, contentType = 'application/json'): void {
  res.writeHead(code, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}
