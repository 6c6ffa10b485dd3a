/**
 * The OpenAPI v3 documents the server publishes, built from the served kinds and the registry's
 * schemas (kube-openapi's handler3 shape):
 *
 *   GET /openapi/v3                 -> {"paths":{"apis/apps/v1":{"serverRelativeURL":"/openapi/v3/apis/apps/v1?hash=<H>"}, ...}}
 *   GET /openapi/v3/apis/apps/v1    -> openapi 3.0.0 document: paths of every apps/v1 resource and
 *                                      components.schemas with exactly the definitions they reach
 *
 * <H> is the upper-case hex SHA-512 of the document, as upstream computes it, so identical content
 * always gets the same hash. Clients ask with ?hash=<H>; any hash (or none) gets the current document.
 *
 * kubectl relies on these documents: `apply`/`create` look for a PATCH operation carrying the kind's
 * x-kubernetes-group-version-kind and a `fieldValidation` query parameter (then leave validation to
 * the server), client-side apply builds strategic merge patches from the schemas when the PATCH
 * operation lists application/strategic-merge-patch+json, and `explain` renders the schemas.
 * Custom resources do not list strategic merge (kubectl falls back to JSON merge patch).
 *
 * /openapi/v2 is not served: kubectl asks for it only as protobuf and does not need it once v3 works.
 */
import { createHash } from 'node:crypto';
import type { GroupVersionKind, JSONSchema, KindDef } from '../registry/types.js';
import { definitionForGVK, definitionsGeneration, getDefinitions, isBuiltinDefinition, LIST_META, REF_PREFIX } from '../registry/schema/index.js';

export interface OpenAPIDoc {
  json: string;
  /** quoted strong ETag: `"<HASH>"` */
  etag: string;
  /** upper-case hex SHA-512 of `json` */
  hash: string;
}

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
const STATUS = `${META}.Status`;
const DELETE_OPTIONS = `${META}.DeleteOptions`;
const PATCH = `${META}.Patch`;
const API_RESOURCE_LIST = `${META}.APIResourceList`;
const API_GROUP = `${META}.APIGroup`;
const API_GROUP_LIST = `${META}.APIGroupList`;
const API_VERSIONS = `${META}.APIVersions`;
const VERSION_INFO = 'io.k8s.apimachinery.pkg.version.Info';
const SCALE = 'io.k8s.api.autoscaling.v1.Scale';

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

const ref = (name: string) => ({ $ref: REF_PREFIX + name });

// --- caching -----------------------------------------------------------------------------------

interface Cache {
  kinds: KindDef[];
  generation: number;
  docs: Map<string, OpenAPIDoc | null>;
  index?: OpenAPIDoc;
}
let cache: Cache | undefined;

/**
 * Drops cached documents when the served kinds (CRDs come and go: their KindDefs are new objects) or
 * the custom schemas change. Kinds are compared element by element, so callers may pass a fresh array.
 */
function current(kinds: KindDef[]): Cache {
  const generation = definitionsGeneration();
  if (!cache || cache.generation !== generation || !sameKinds(cache.kinds, kinds)) {
    cache = { kinds, generation, docs: new Map() };
  }
  return cache;
}

function sameKinds(a: KindDef[], b: KindDef[]): boolean {
  return a.length === b.length && a.every((k, i) => k === b[i]);
}

function finish(value: unknown): OpenAPIDoc {
  const json = JSON.stringify(value);
  const hash = createHash('sha512').update(json).digest('hex').toUpperCase();
  return { json, hash, etag: `"${hash}"` };
}

// --- index -------------------------------------------------------------------------------------

/** The document paths served, in the index's key form: api, api/v1, apis, apis/apps, apis/apps/v1, version. */
export function openAPIPaths(kinds: KindDef[]): string[] {
  const paths = new Set<string>(['api', 'apis', 'version']);
  for (const k of kinds) {
    if (k.group === '') paths.add(`api/${k.version}`);
    else {
      paths.add(`apis/${k.group}`);
      paths.add(`apis/${k.group}/${k.version}`);
    }
  }
  return [...paths].sort();
}

/** `{"paths":{"api/v1":{"serverRelativeURL":"/openapi/v3/api/v1?hash=..."}, ...}}` */
export function openAPIIndex(kinds: KindDef[]): { paths: Record<string, { serverRelativeURL: string }> } {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const p of openAPIPaths(kinds)) {
    const d = openAPIDocumentForPath(p, kinds);
    if (d) paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=${d.hash}` };
  }
  return { paths };
}

/** The index as a served document (JSON text and ETag), cached with the documents. */
export function openAPIIndexDocument(kinds: KindDef[]): OpenAPIDoc {
  const c = current(kinds);
  if (!c.index) c.index = finish(openAPIIndex(kinds));
  return c.index;
}

/** The document of one group/version (group '' is the core group), or undefined when nothing is served there. */
export function openAPIDocument(group: string, version: string, kinds: KindDef[]): OpenAPIDoc | undefined {
  return openAPIDocumentForPath(group === '' ? `api/${version}` : `apis/${group}/${version}`, kinds);
}

/**
 * The document for a path of the index (`api/v1`, `apis/apps/v1`, `apis/apps`, `api`, `apis`,
 * `version`), with or without a leading slash or `?hash=` query; undefined for an unknown path.
 */
export function openAPIDocumentForPath(path: string, kinds: KindDef[]): OpenAPIDoc | undefined {
  const p = path.replace(/\?.*$/, '').replace(/^\/+/, '').replace(/\/+$/, '');
  const c = current(kinds);
  const hit = c.docs.get(p);
  if (hit !== undefined) return hit ?? undefined;
  const built = buildForPath(p, kinds);
  const doc = built ? finish(built) : null;
  c.docs.set(p, doc);
  return doc ?? undefined;
}

function buildForPath(p: string, kinds: KindDef[]): object | undefined {
  const parts = p.split('/');
  if (p === 'version') return simpleDocument('/version/', 'getCodeVersion', 'version', 'Reports the version of this server.', VERSION_INFO);
  if (p === 'api') return simpleDocument('/api/', 'getCoreAPIVersions', 'core', 'Lists the versions of the core API.', API_VERSIONS);
  if (p === 'apis') return simpleDocument('/apis/', 'getAPIVersions', 'apis', 'Lists the API groups and their versions.', API_GROUP_LIST);
  if (parts[0] === 'apis' && parts.length === 2) {
    if (!kinds.some((k) => k.group === parts[1])) return undefined;
    const prefix = opGroupName(parts[1]);
    return simpleDocument(`/apis/${parts[1]}/`, `get${prefix}APIGroup`, tagGroupName(parts[1]), 'Describes one API group and its versions.', API_GROUP);
  }
  if (parts[0] === 'api' && parts.length === 2) return groupVersionDocument('', parts[1], kinds);
  if (parts[0] === 'apis' && parts.length === 3) return groupVersionDocument(parts[1], parts[2], kinds);
  return undefined;
}

// --- names -------------------------------------------------------------------------------------

/** Upstream's operation-id group part: core -> Core, rbac.authorization.k8s.io -> RbacAuthorization, stable.example.com -> StableExampleCom. */
function opGroupName(group: string): string {
  if (group === '') return 'Core';
  return group
    .replace(/\.k8s\.io$/, '')
    .split(/[.-]/)
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('');
}

function tagGroupName(group: string): string {
  const n = opGroupName(group);
  return n[0].toLowerCase() + n.slice(1);
}

function capitalize(s: string): string {
  return s ? s[0].toUpperCase() + s.slice(1) : s;
}

// --- parameters --------------------------------------------------------------------------------

type Param = { name: string; in: 'query' | 'path'; description: string; required?: boolean; schema: JSONSchema & { uniqueItems?: boolean } };

const q = (name: string, type: 'string' | 'boolean' | 'integer', description: string): Param => ({
  name,
  in: 'query',
  description,
  schema: { type, uniqueItems: true },
});

const P = {
  pretty: q('pretty', 'string', "If 'true', the output is indented."),
  allowWatchBookmarks: q('allowWatchBookmarks', 'boolean', 'Ask for BOOKMARK events in a watch; the server may send them.'),
  continue: q('continue', 'string', 'The token from a previous paged list response, to fetch the next page.'),
  fieldSelector: q('fieldSelector', 'string', 'Only return objects whose fields match this selector.'),
  labelSelector: q('labelSelector', 'string', 'Only return objects whose labels match this selector.'),
  limit: q('limit', 'integer', 'The most objects to return in one list response; the rest are reached with continue.'),
  resourceVersion: q('resourceVersion', 'string', 'Which resource version the list or watch may be served from.'),
  resourceVersionMatch: q('resourceVersionMatch', 'string', 'How resourceVersion applies to a list: Exact or NotOlderThan.'),
  sendInitialEvents: q('sendInitialEvents', 'boolean', 'With watch, start the stream with synthetic ADDED events for the current state.'),
  timeoutSeconds: q('timeoutSeconds', 'integer', 'Close a list or watch call after this many seconds.'),
  watch: q('watch', 'boolean', 'Stream changes to the listed objects instead of returning a list.'),
  dryRun: q('dryRun', 'string', 'When All, run every stage of the request but persist nothing.'),
  fieldManager: q('fieldManager', 'string', 'The name of the actor making the change, recorded in managedFields.'),
  fieldManagerApply: q('fieldManager', 'string', 'The name of the actor making the change; required for apply patches.'),
  fieldValidation: q(
    'fieldValidation',
    'string',
    'What to do with unknown or duplicate fields in the body: Ignore drops them, Warn drops them with a warning, Strict rejects the request.',
  ),
  force: q('force', 'boolean', 'Apply patches only: take ownership of fields other managers own instead of failing with a conflict.'),
  gracePeriodSeconds: q('gracePeriodSeconds', 'integer', 'Seconds to wait before the object is deleted; 0 deletes at once.'),
  ignoreStoreReadError: q(
    'ignoreStoreReadErrorWithClusterBreakingPotential',
    'boolean',
    'Delete an object that cannot be read back from storage; dangerous, off by default.',
  ),
  orphanDependents: q('orphanDependents', 'boolean', 'Deprecated: use propagationPolicy.'),
  propagationPolicy: q('propagationPolicy', 'string', 'How dependents are garbage-collected: Orphan, Background or Foreground.'),
};

const LIST_PARAMS = [P.allowWatchBookmarks, P.continue, P.fieldSelector, P.labelSelector, P.limit, P.resourceVersion, P.resourceVersionMatch, P.sendInitialEvents, P.timeoutSeconds, P.watch];
const WRITE_PARAMS = [P.dryRun, P.fieldManager, P.fieldValidation];
const PATCH_PARAMS = [P.dryRun, P.fieldManagerApply, P.fieldValidation, P.force];
const DELETE_PARAMS = [P.dryRun, P.gracePeriodSeconds, P.ignoreStoreReadError, P.orphanDependents, P.propagationPolicy];
const DELETE_COLLECTION_PARAMS = [
  P.continue, P.dryRun, P.fieldSelector, P.gracePeriodSeconds, P.ignoreStoreReadError, P.labelSelector, P.limit,
  P.orphanDependents, P.propagationPolicy, P.resourceVersion, P.resourceVersionMatch, P.sendInitialEvents, P.timeoutSeconds,
];

function pathParam(name: string, description: string): Param {
  return { name, in: 'path', description, required: true, schema: { type: 'string', uniqueItems: true } };
}

// --- operations --------------------------------------------------------------------------------

function content(schema: JSONSchema): Record<string, { schema: JSONSchema }> {
  return { 'application/json': { schema } };
}

function responses(codes: Record<string, [string, JSONSchema]>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [code, [description, schema]] of Object.entries(codes)) out[code] = { description, content: content(schema) };
  out['401'] = { description: 'Unauthorized' };
  return out;
}

interface OpSpec {
  id: string;
  /** x-kubernetes-action; absent on discovery operations */
  action?: string;
  description: string;
  tag: string;
  gvk?: GroupVersionKind;
  params?: Param[];
  body?: Record<string, { schema: JSONSchema }>;
  responses: Record<string, unknown>;
}

function operation(o: OpSpec): Record<string, unknown> {
  const op: Record<string, unknown> = { tags: [o.tag], description: o.description, operationId: o.id };
  if (o.params?.length) op.parameters = o.params;
  if (o.body) op.requestBody = { content: o.body, required: true };
  op.responses = o.responses;
  if (o.action) op['x-kubernetes-action'] = o.action;
  if (o.gvk) op['x-kubernetes-group-version-kind'] = { group: o.gvk.group, kind: o.gvk.kind, version: o.gvk.version };
  return op;
}

function patchBody(strategic: boolean): Record<string, { schema: JSONSchema }> {
  const types = ['application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json'];
  if (strategic) types.push('application/strategic-merge-patch+json');
  const out: Record<string, { schema: JSONSchema }> = {};
  for (const t of types.sort()) out[t] = { schema: ref(PATCH) };
  return out;
}

function simpleDocument(path: string, operationId: string, tag: string, description: string, def: string): object {
  const paths = {
    [path]: {
      get: operation({ id: operationId, description, tag, responses: responses({ '200': ['OK', ref(def)] }) }),
    },
  };
  return document(paths, [def]);
}

// --- per group/version -------------------------------------------------------------------------

function groupVersionDocument(group: string, version: string, kinds: KindDef[]): object | undefined {
  const gvKinds = kinds.filter((k) => k.group === group && k.version === version).sort((a, b) => (a.plural < b.plural ? -1 : a.plural > b.plural ? 1 : 0));
  if (gvKinds.length === 0) return undefined;
  const base = group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
  const opPrefix = `${opGroupName(group)}${capitalize(version)}`;
  const tag = `${tagGroupName(group)}_${version}`;
  const extraDefs: Record<string, JSONSchema> = {};
  const roots = new Set<string>([API_RESOURCE_LIST, STATUS, DELETE_OPTIONS, PATCH]);
  const paths: Record<string, Record<string, unknown>> = {};

  paths[`${base}/`] = {
    get: operation({
      id: `get${opPrefix}APIResources`,
      description: 'Lists the resources this group/version serves.',
      tag,
      responses: responses({ '200': ['OK', ref(API_RESOURCE_LIST)] }),
    }),
  };

  for (const def of gvKinds) {
    const verbs = new Set(def.verbs ?? ALL_VERBS);
    const gvk: GroupVersionKind = { group: def.group, version: def.version, kind: def.kind };
    const custom = !isBuiltinDefinition(def.definition);
    const kindRef = ref(def.definition);
    roots.add(def.definition);
    const listName = `${def.definition}List`;
    if (!getDefinitions()[listName]) extraDefs[listName] = syntheticList(def);
    roots.add(listName);
    const listRef = ref(listName);
    const ns = def.namespaced ? 'Namespaced' : '';
    const K = def.kind;
    const collection = def.namespaced ? `${base}/namespaces/{namespace}/${def.plural}` : `${base}/${def.plural}`;
    const item = `${collection}/{name}`;
    const nsParam = pathParam('namespace', 'The namespace of the object.');
    const nameParam = pathParam('name', `The name of the ${K}.`);
    const common = def.namespaced ? [nsParam, P.pretty] : [P.pretty];
    const itemCommon = def.namespaced ? [nameParam, nsParam, P.pretty] : [nameParam, P.pretty];

    // Collection: list, create, deletecollection.
    const coll: Record<string, unknown> = {};
    if (verbs.has('list')) {
      coll.get = operation({
        id: `list${opPrefix}${ns}${K}`, action: 'list', description: `Lists ${K} objects${def.namespaced ? ' in a namespace' : ''}, or streams their changes with watch=true.`, tag, gvk,
        params: LIST_PARAMS, responses: responses({ '200': ['OK', listRef] }),
      });
    }
    if (verbs.has('create')) {
      coll.post = operation({
        id: `create${opPrefix}${ns}${K}`, action: 'post', description: `Creates a ${K}.`, tag, gvk,
        params: WRITE_PARAMS, body: { '*/*': { schema: kindRef } },
        responses: responses({ '200': ['OK', kindRef], '201': ['Created', kindRef], '202': ['Accepted', kindRef] }),
      });
    }
    if (verbs.has('deletecollection')) {
      coll.delete = operation({
        id: `delete${opPrefix}Collection${ns}${K}`, action: 'deletecollection', description: `Deletes every ${K} the selectors match.`, tag, gvk,
        params: DELETE_COLLECTION_PARAMS, body: { '*/*': { schema: ref(DELETE_OPTIONS) } },
        responses: responses({ '200': ['OK', ref(STATUS)] }),
      });
    }
    if (Object.keys(coll).length) paths[collection] = { ...coll, parameters: common };

    // All namespaces.
    if (def.namespaced && verbs.has('list')) {
      paths[`${base}/${def.plural}`] = {
        get: operation({
          id: `list${opPrefix}${K}ForAllNamespaces`, action: 'list', description: `Lists ${K} objects across all namespaces, or streams their changes with watch=true.`, tag, gvk,
          params: LIST_PARAMS, responses: responses({ '200': ['OK', listRef] }),
        }),
        parameters: [P.pretty],
      };
    }

    // Item: read, replace, patch, delete.
    const one: Record<string, unknown> = {};
    if (verbs.has('get')) {
      one.get = operation({
        id: `read${opPrefix}${ns}${K}`, action: 'get', description: `Reads one ${K}.`, tag, gvk,
        responses: responses({ '200': ['OK', kindRef] }),
      });
    }
    if (verbs.has('update')) {
      one.put = operation({
        id: `replace${opPrefix}${ns}${K}`, action: 'put', description: `Replaces one ${K} with the object sent.`, tag, gvk,
        params: WRITE_PARAMS, body: { '*/*': { schema: kindRef } },
        responses: responses({ '200': ['OK', kindRef], '201': ['Created', kindRef] }),
      });
    }
    if (verbs.has('patch')) {
      one.patch = operation({
        id: `patch${opPrefix}${ns}${K}`, action: 'patch', description: `Changes part of one ${K}: JSON patch, merge patch, strategic merge patch or server-side apply.`, tag, gvk,
        params: PATCH_PARAMS, body: patchBody(!custom),
        responses: responses({ '200': ['OK', kindRef], '201': ['Created', kindRef] }),
      });
    }
    if (verbs.has('delete')) {
      one.delete = operation({
        id: `delete${opPrefix}${ns}${K}`, action: 'delete', description: `Deletes one ${K}.`, tag, gvk,
        params: DELETE_PARAMS, body: { '*/*': { schema: ref(DELETE_OPTIONS) } },
        responses: responses({ '200': ['OK', ref(STATUS)], '202': ['Accepted', ref(STATUS)] }),
      });
    }
    if (Object.keys(one).length) paths[item] = { ...one, parameters: itemCommon };

    // Subresources.
    const subs: { name: string; gvk: GroupVersionKind; def: string | undefined; verbs: string[] }[] = [];
    if (def.subresources?.status) subs.push({ name: 'status', gvk, def: def.definition, verbs: ['get', 'update', 'patch'] });
    if (def.subresources?.scale) {
      subs.push({ name: 'scale', gvk: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, def: SCALE, verbs: ['get', 'update', 'patch'] });
    }
    for (const x of def.subresources?.extra ?? []) subs.push({ name: x.name, gvk: x.kind, def: definitionForGVK(x.kind), verbs: x.verbs });
    for (const sub of subs) {
      const S = sub.name.split(/[^A-Za-z0-9]/).map(capitalize).join('');
      const subRef: JSONSchema = sub.def ? ref(sub.def) : { type: 'string' };
      if (sub.def) roots.add(sub.def);
      const ops: Record<string, unknown> = {};
      const sv = new Set(sub.verbs);
      if (sv.has('get')) {
        ops.get = operation({
          id: `read${opPrefix}${ns}${K}${S}`, action: 'get', description: `Reads the ${sub.name} subresource of one ${K}.`, tag, gvk: sub.gvk,
          responses: responses({ '200': ['OK', subRef] }),
        });
      }
      if (sv.has('create')) {
        ops.post = operation({
          id: `create${opPrefix}${ns}${K}${S}`, action: 'post', description: `Posts to the ${sub.name} subresource of one ${K}.`, tag, gvk: sub.gvk,
          params: WRITE_PARAMS, body: { '*/*': { schema: subRef } },
          responses: responses({ '200': ['OK', subRef], '201': ['Created', subRef], '202': ['Accepted', subRef] }),
        });
      }
      if (sv.has('update')) {
        ops.put = operation({
          id: `replace${opPrefix}${ns}${K}${S}`, action: 'put', description: `Replaces the ${sub.name} subresource of one ${K}.`, tag, gvk: sub.gvk,
          params: WRITE_PARAMS, body: { '*/*': { schema: subRef } },
          responses: responses({ '200': ['OK', subRef], '201': ['Created', subRef] }),
        });
      }
      if (sv.has('patch')) {
        ops.patch = operation({
          id: `patch${opPrefix}${ns}${K}${S}`, action: 'patch', description: `Changes part of the ${sub.name} subresource of one ${K}.`, tag, gvk: sub.gvk,
          params: PATCH_PARAMS, body: patchBody(!custom),
          responses: responses({ '200': ['OK', subRef], '201': ['Created', subRef] }),
        });
      }
      if (sv.has('delete')) {
        ops.delete = operation({
          id: `delete${opPrefix}${ns}${K}${S}`, action: 'delete', description: `Deletes through the ${sub.name} subresource of one ${K}.`, tag, gvk: sub.gvk,
          params: DELETE_PARAMS, responses: responses({ '200': ['OK', ref(STATUS)] }),
        });
      }
      if (Object.keys(ops).length) paths[`${item}/${sub.name}`] = { ...ops, parameters: itemCommon };
    }
  }
  return document(paths, [...roots], extraDefs);
}

/** A list schema for a kind whose List is not a registered definition (a CRD that registered only its kind). */
function syntheticList(def: KindDef): JSONSchema {
  return {
    type: 'object',
    description: `A list of ${def.kind} objects, as returned by a list request.`,
    properties: {
      apiVersion: { type: 'string' },
      items: { type: 'array', items: ref(def.definition) },
      kind: { type: 'string' },
      metadata: ref(LIST_META),
    },
    required: ['items'],
    'x-kubernetes-group-version-kind': [{ group: def.group, kind: `${def.kind}List`, version: def.version }],
  };
}

/** Assembles a document whose components hold exactly the definitions reachable from `roots`. */
function document(paths: Record<string, unknown>, roots: string[], extra: Record<string, JSONSchema> = {}): object {
  const defs = getDefinitions();
  const lookup = (n: string): JSONSchema | undefined => extra[n] ?? defs[n];
  const reached = new Set<string>();
  const stack = [...roots];
  while (stack.length) {
    const n = stack.pop()!;
    if (reached.has(n)) continue;
    const s = lookup(n);
    if (!s) continue;
    reached.add(n);
    collectRefs(s, stack);
  }
  const schemas: Record<string, JSONSchema> = {};
  for (const n of [...reached].sort()) schemas[n] = lookup(n)!;
  const sortedPaths: Record<string, unknown> = {};
  for (const p of Object.keys(paths).sort()) sortedPaths[p] = paths[p];
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.33.0' },
    paths: sortedPaths,
    components: {
      schemas,
      securitySchemes: { BearerToken: { type: 'apiKey', description: 'Bearer token authentication', name: 'authorization', in: 'header' } },
    },
    security: [{ BearerToken: [] }],
  };
}

/** Definitions a schema refers to, following only schema keywords (not default/enum/example values). */
function collectRefs(s: JSONSchema | boolean | undefined, out: string[]): void {
  if (!s || typeof s !== 'object') return;
  if (s.$ref?.startsWith(REF_PREFIX)) out.push(s.$ref.slice(REF_PREFIX.length));
  for (const p of Object.values(s.properties ?? {})) collectRefs(p, out);
  collectRefs(s.additionalProperties, out);
  collectRefs(s.items, out);
  collectRefs(s.not, out);
  for (const list of [s.allOf, s.anyOf, s.oneOf]) for (const x of list ?? []) collectRefs(x, out);
}
