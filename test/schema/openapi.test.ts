/**
 * The OpenAPI v3 index and per-group-version documents: shape, self-contained components, and the
 * checks kubectl makes before it trusts a document (query_param_verifier_v3.go, apply/patcher.go).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  openAPIDocument,
  openAPIDocumentForPath,
  openAPIIndex,
  openAPIIndexDocument,
  openAPIPaths,
} from '../../server/apiserver/openapi.js';
import { customResourceSchemas, registerDefinition, unregisterDefinition, REF_PREFIX } from '../../server/registry/schema/index.js';
import type { JSONSchema, KindDef } from '../../server/registry/types.js';
import { builtinKindDefs } from './fixtures.js';

const kinds = builtinKindDefs();

type Doc = {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, any>>;
  components: { schemas: Record<string, JSONSchema> };
};

function doc(group: string, version: string, ks: KindDef[] = kinds): Doc {
  const d = openAPIDocument(group, version, ks);
  assert.ok(d, `${group}/${version} served`);
  return JSON.parse(d.json);
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

/** client-go's supportsQueryParamV3: the first PATCH op with the GVK must carry the query param. */
function supportsQueryParam(d: Doc, gvk: { group: string; version: string; kind: string }, param: string): boolean | undefined {
  for (const item of Object.values(d.paths)) {
    const op = item.patch;
    if (!op) continue;
    const g = op['x-kubernetes-group-version-kind'];
    if (!g || g.group !== gvk.group || g.version !== gvk.version || g.kind !== gvk.kind) continue;
    return (op.parameters ?? []).some((p: any) => p.name === param && p.in === 'query');
  }
  return undefined;
}

/** kubectl's gvkSupportsPatchOpenAPIV3: does a PATCH op of the GVK list strategic merge? */
function supportsStrategicMerge(d: Doc, gvk: { group: string; version: string; kind: string }): boolean {
  for (const item of Object.values(d.paths)) {
    const op = item.patch;
    const g = op?.['x-kubernetes-group-version-kind'];
    if (!g || g.group !== gvk.group || g.version !== gvk.version || g.kind !== gvk.kind) continue;
    return 'application/strategic-merge-patch+json' in (op.requestBody?.content ?? {});
  }
  return false;
}

function refsIn(v: unknown, out: string[] = []): string[] {
  if (Array.isArray(v)) for (const x of v) refsIn(x, out);
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      if (k === '$ref' && typeof x === 'string') out.push(x);
      else refsIn(x, out);
    }
  }
  return out;
}

test('the index lists every group/version document with a SHA-512 hash', () => {
  const idx = openAPIIndex(kinds);
  for (const p of ['api', 'api/v1', 'apis', 'apis/apps', 'apis/apps/v1', 'apis/autoscaling/v2', 'apis/apiextensions.k8s.io/v1', 'version']) {
    assert.match(idx.paths[p]?.serverRelativeURL ?? '', new RegExp(`^/openapi/v3/${p.replace(/\./g, '\\.')}\\?hash=[0-9A-F]{128}$`), p);
  }
  assert.deepEqual(Object.keys(idx.paths), openAPIPaths(kinds));
  const d = openAPIDocumentForPath('apis/apps/v1', kinds)!;
  assert.equal(idx.paths['apis/apps/v1'].serverRelativeURL, `/openapi/v3/apis/apps/v1?hash=${d.hash}`);
  assert.equal(d.etag, `"${d.hash}"`);
  const served = openAPIIndexDocument(kinds);
  assert.deepEqual(JSON.parse(served.json), idx);
});

test('documents are stable, cached, and served whatever hash the client sends', () => {
  const a = openAPIDocument('apps', 'v1', kinds)!;
  const b = openAPIDocumentForPath('/apis/apps/v1?hash=0000', kinds)!;
  assert.equal(a.json, b.json);
  assert.equal(openAPIDocumentForPath('apis/apps/v1/', [...kinds])!.hash, a.hash, 'same kinds in a new array: same document');
  assert.equal(openAPIDocument('nope.example.com', 'v1', kinds), undefined);
  assert.equal(openAPIDocumentForPath('apis/nope.example.com', kinds), undefined);
});

test('every group/version document is valid OpenAPI 3 with self-contained components', () => {
  for (const p of openAPIPaths(kinds)) {
    const d = JSON.parse(openAPIDocumentForPath(p, kinds)!.json) as Doc;
    assert.equal(d.openapi, '3.0.0');
    assert.ok(d.info.title && d.info.version);
    assert.ok(Object.keys(d.paths).length > 0, p);
    const schemas = d.components.schemas;
    // every $ref resolves inside components.schemas
    for (const r of refsIn(d)) {
      assert.ok(r.startsWith(REF_PREFIX), `${p}: ${r}`);
      assert.ok(schemas[r.slice(REF_PREFIX.length)], `${p}: dangling ${r}`);
    }
    // and components hold nothing unreachable from the paths
    const reach = new Set<string>();
    const stack = refsIn(d.paths).map((r) => r.slice(REF_PREFIX.length));
    while (stack.length) {
      const n = stack.pop()!;
      if (reach.has(n)) continue;
      reach.add(n);
      stack.push(...refsIn(schemas[n]).map((r) => r.slice(REF_PREFIX.length)));
    }
    assert.deepEqual(Object.keys(schemas).sort(), [...reach].sort(), `${p}: components are exactly the reachable definitions`);
    for (const [path, item] of Object.entries(d.paths)) {
      for (const m of Object.keys(item)) assert.ok([...METHODS, 'parameters'].includes(m), `${p} ${path}: ${m}`);
      for (const m of METHODS) {
        const op = item[m];
        if (!op) continue;
        assert.ok(op.operationId, `${path} ${m} operationId`);
        assert.ok(op.responses?.['200'] || op.responses?.['201'], `${path} ${m} responses`);
      }
    }
  }
});

test('apps/v1: deployments paths, operations, actions and GVKs as upstream names them', () => {
  const d = doc('apps', 'v1');
  const gvk = { group: 'apps', kind: 'Deployment', version: 'v1' };
  const coll = d.paths['/apis/apps/v1/namespaces/{namespace}/deployments'];
  const item = d.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'];
  const all = d.paths['/apis/apps/v1/deployments'];
  assert.equal(coll.get.operationId, 'listAppsV1NamespacedDeployment');
  assert.equal(coll.post.operationId, 'createAppsV1NamespacedDeployment');
  assert.equal(coll.delete.operationId, 'deleteAppsV1CollectionNamespacedDeployment');
  assert.equal(all.get.operationId, 'listAppsV1DeploymentForAllNamespaces');
  assert.equal(item.get.operationId, 'readAppsV1NamespacedDeployment');
  assert.equal(item.put.operationId, 'replaceAppsV1NamespacedDeployment');
  assert.equal(item.patch.operationId, 'patchAppsV1NamespacedDeployment');
  assert.equal(item.delete.operationId, 'deleteAppsV1NamespacedDeployment');
  assert.deepEqual(
    [coll.get, coll.post, coll.delete, item.get, item.put, item.patch, item.delete].map((o) => o['x-kubernetes-action']),
    ['list', 'post', 'deletecollection', 'get', 'put', 'patch', 'delete'],
  );
  for (const o of [coll.get, coll.post, item.get, item.put, item.patch, item.delete]) assert.deepEqual(o['x-kubernetes-group-version-kind'], gvk);
  assert.deepEqual(item.get.responses['200'].content['application/json'].schema, { $ref: `${REF_PREFIX}io.k8s.api.apps.v1.Deployment` });
  assert.deepEqual(coll.get.responses['200'].content['application/json'].schema, { $ref: `${REF_PREFIX}io.k8s.api.apps.v1.DeploymentList` });
  const names = (o: any) => o.parameters.map((p: any) => p.name);
  assert.deepEqual(names(item.patch), ['dryRun', 'fieldManager', 'fieldValidation', 'force']);
  assert.deepEqual(names(coll.post), ['dryRun', 'fieldManager', 'fieldValidation']);
  assert.deepEqual(names(item.put), ['dryRun', 'fieldManager', 'fieldValidation']);
  assert.ok(names(coll.get).includes('watch') && names(coll.get).includes('labelSelector'));
  assert.deepEqual(Object.keys(item.patch.requestBody.content), [
    'application/apply-patch+yaml',
    'application/json-patch+json',
    'application/merge-patch+json',
    'application/strategic-merge-patch+json',
  ]);
  assert.deepEqual(item.parameters.map((p: any) => [p.name, p.in]), [['name', 'path'], ['namespace', 'path'], ['pretty', 'query']]);
  const scale = d.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale'];
  assert.equal(scale.patch.operationId, 'patchAppsV1NamespacedDeploymentScale');
  assert.deepEqual(scale.patch['x-kubernetes-group-version-kind'], { group: 'autoscaling', kind: 'Scale', version: 'v1' });
  assert.ok(d.components.schemas['io.k8s.api.autoscaling.v1.Scale']);
  const status = d.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/status'];
  assert.equal(status.get.operationId, 'readAppsV1NamespacedDeploymentStatus');
  assert.deepEqual(status.patch['x-kubernetes-group-version-kind'], gvk);
  assert.ok(d.paths['/apis/apps/v1/'].get.operationId === 'getAppsV1APIResources');
});

test('core/v1: cluster-scoped and namespaced names, subresources of pods', () => {
  const d = doc('', 'v1');
  assert.equal(d.paths['/api/v1/nodes/{name}'].get.operationId, 'readCoreV1Node');
  assert.equal(d.paths['/api/v1/nodes'].get.operationId, 'listCoreV1Node');
  assert.equal(d.paths['/api/v1/namespaces/{namespace}/pods'].get.operationId, 'listCoreV1NamespacedPod');
  assert.equal(d.paths['/api/v1/namespaces/{namespace}/pods/{name}/eviction'].post.operationId, 'createCoreV1NamespacedPodEviction');
  assert.deepEqual(d.paths['/api/v1/namespaces/{namespace}/pods/{name}/eviction'].post['x-kubernetes-group-version-kind'], { group: 'policy', kind: 'Eviction', version: 'v1' });
  assert.equal(d.paths['/api/v1/namespaces/{namespace}/pods/{name}/binding'].post.operationId, 'createCoreV1NamespacedPodBinding');
  assert.ok(d.components.schemas['io.k8s.api.policy.v1.Eviction']);
  assert.equal(d.paths['/api/v1/pods'].get.operationId, 'listCoreV1PodForAllNamespaces');
  assert.equal(d.paths['/api/v1/'].get.operationId, 'getCoreV1APIResources');
});

test('kubectl finds fieldValidation and strategic merge for every built-in kind, and its schema by GVK', () => {
  for (const k of kinds) {
    const d = doc(k.group, k.version);
    const gvk = { group: k.group, version: k.version, kind: k.kind };
    assert.equal(supportsQueryParam(d, gvk, 'fieldValidation'), true, `${k.kind} fieldValidation`);
    assert.equal(supportsQueryParam(d, gvk, 'dryRun'), true, `${k.kind} dryRun`);
    assert.equal(supportsStrategicMerge(d, gvk), true, `${k.kind} strategic merge`);
    const withGVK = Object.entries(d.components.schemas).filter(([, s]) =>
      (s['x-kubernetes-group-version-kind'] ?? []).some((g) => g.group === k.group && g.version === k.version && g.kind === k.kind),
    );
    assert.deepEqual(withGVK.map(([n]) => n), [k.definition], `${k.kind}: one schema carries its GVK`);
  }
});

test('strategic merge metadata is where kubectl reads it: on the property, before resolving', () => {
  // PatchMetaFromOpenAPIV3: traverse(key) -> read extensions on the property schema -> resolve allOf[0]/$ref
  const d = doc('apps', 'v1');
  const S = d.components.schemas;
  const resolveRef = (s: JSONSchema): JSONSchema => {
    const t = s.allOf?.length ? s.allOf[0] : s;
    return t.$ref ? S[t.$ref.slice(REF_PREFIX.length)] : t;
  };
  let s: JSONSchema = S['io.k8s.api.apps.v1.Deployment'];
  for (const key of ['spec', 'template', 'spec']) s = resolveRef(s.properties![key]);
  const containers = s.properties!.containers;
  assert.equal(containers['x-kubernetes-patch-merge-key'], 'name');
  assert.equal(containers['x-kubernetes-patch-strategy'], 'merge');
  const container = resolveRef(containers.items!);
  assert.equal(container.properties!.ports['x-kubernetes-patch-merge-key'], 'containerPort');
  assert.equal(s.properties!.volumes['x-kubernetes-patch-strategy'], 'merge,retainKeys');
  const strategy = resolveRef(S['io.k8s.api.apps.v1.Deployment'].properties!.spec).properties!.strategy;
  assert.equal(strategy['x-kubernetes-patch-strategy'], 'retainKeys');
  assert.ok(resolveRef(strategy).properties!.rollingUpdate);
});

test('custom resources: documents follow registration, no strategic merge, list synthesized when absent', () => {
  const { name, schema } = customResourceSchemas('stable.example.com', 'v1', 'CronTab', {
    type: 'object',
    properties: { spec: { type: 'object', properties: { cronSpec: { type: 'string' } } } },
  });
  const crdKind: KindDef = {
    group: 'stable.example.com', version: 'v1', kind: 'CronTab', plural: 'crontabs', singular: 'crontab', namespaced: true,
    definition: name, columns: [], strategy: { row: () => [] },
    subresources: { status: true, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' } },
  };
  const before = openAPIIndex(kinds);
  assert.equal(before.paths['apis/stable.example.com/v1'], undefined);
  registerDefinition(name, schema);
  try {
    const all = [...kinds, crdKind];
    const idx = openAPIIndex(all);
    assert.ok(idx.paths['apis/stable.example.com/v1']);
    assert.ok(idx.paths['apis/stable.example.com']);
    const d = doc('stable.example.com', 'v1', all);
    const item = d.paths['/apis/stable.example.com/v1/namespaces/{namespace}/crontabs/{name}'];
    assert.equal(item.patch.operationId, 'patchStableExampleComV1NamespacedCronTab');
    assert.deepEqual(Object.keys(item.patch.requestBody.content), ['application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json']);
    assert.equal(supportsQueryParam(d, { group: 'stable.example.com', version: 'v1', kind: 'CronTab' }, 'fieldValidation'), true);
    assert.equal(supportsStrategicMerge(d, { group: 'stable.example.com', version: 'v1', kind: 'CronTab' }), false);
    assert.deepEqual(d.components.schemas[`${name}List`]['x-kubernetes-group-version-kind'], [{ group: 'stable.example.com', kind: 'CronTabList', version: 'v1' }]);
    assert.ok(d.components.schemas['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta']);
    // a schema change (same kinds) changes the document
    const h1 = openAPIDocument('stable.example.com', 'v1', all)!.hash;
    registerDefinition(name, { ...schema, description: 'changed' });
    assert.notEqual(openAPIDocument('stable.example.com', 'v1', all)!.hash, h1);
  } finally {
    unregisterDefinition(name);
  }
  // built-in documents are unaffected by CRDs
  assert.equal(openAPIIndex(kinds).paths['apis/apps/v1'].serverRelativeURL, before.paths['apis/apps/v1'].serverRelativeURL);
});

test('api, apis, group and version documents', () => {
  const api = JSON.parse(openAPIDocumentForPath('api', kinds)!.json) as Doc;
  assert.equal(api.paths['/api/'].get.operationId, 'getCoreAPIVersions');
  const apis = JSON.parse(openAPIDocumentForPath('apis', kinds)!.json) as Doc;
  assert.equal(apis.paths['/apis/'].get.operationId, 'getAPIVersions');
  const group = JSON.parse(openAPIDocumentForPath('apis/rbac.authorization.k8s.io', kinds)!.json) as Doc;
  assert.equal(group.paths['/apis/rbac.authorization.k8s.io/'].get.operationId, 'getRbacAuthorizationAPIGroup');
  const version = JSON.parse(openAPIDocumentForPath('version', kinds)!.json) as Doc;
  assert.ok(version.components.schemas['io.k8s.apimachinery.pkg.version.Info']);
});
