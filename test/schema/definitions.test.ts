/**
 * definitions.json: complete fields with the right types (checked against client-node's models),
 * resolvable references, GVKs, and the patch metadata upstream v1.33 publishes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { definitions, getDefinitions, resolve, schemaFor, refName, definitionForGVK, REF_PREFIX } from '../../server/registry/schema/index.js';
import type { JSONSchema } from '../../server/registry/types.js';

const ROOT = join(__dirname, '..', '..');
const defs = getDefinitions();

function prop(def: string, ...path: string[]): JSONSchema {
  let s: JSONSchema = schemaFor(def)!;
  assert.ok(s, `${def} exists`);
  for (const p of path) {
    const r = resolve(s);
    const next = r.properties?.[p] ?? (r.items ? resolve(r.items).properties?.[p] : undefined);
    assert.ok(next, `${def}: ${path.join('.')} (${p}) exists`);
    s = next;
  }
  return s;
}

/** Loads a client-node model class (CJS build is not shipped; the ESM models import fine). */
async function model(name: string): Promise<{ name: string; baseName: string; type: string; format: string }[]> {
  const require = createRequire(__filename);
  const dir = join(require.resolve('@kubernetes/client-node'), '..', 'gen', 'models');
  const mod = await import(join(dir, `${name}.js`));
  return mod[name].attributeTypeMap;
}

function expectedType(type: string, format: string): string {
  const arr = /^Array<(.+)>$/.exec(type);
  if (arr) return `array<${expectedType(arr[1], format)}>`;
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) return `map<${expectedType(map[1], format)}>`;
  if (type === 'number') return format === 'double' ? 'number' : 'integer';
  if (type === 'string' || type === 'boolean') return type;
  if (type === 'Date' || type === 'V1MicroTime') return 'ref';
  return 'ref';
}

function actualType(s: JSONSchema): string {
  if (s.type === 'array') return `array<${actualType(s.items!)}>`;
  if (s.type === 'object' && s.additionalProperties && typeof s.additionalProperties === 'object') return `map<${actualType(s.additionalProperties)}>`;
  if (refName(s)) return 'ref';
  return String(s.type);
}

const QUANTITY_FIELDS = new Set(['limits', 'requests', 'overhead', 'allocatedResources', 'capacity', 'allocatable', 'hard', 'used', 'sizeLimit', 'divisor']);

test('the definitions view reads like a plain record', () => {
  assert.equal(definitions['io.k8s.api.core.v1.Pod'], schemaFor('io.k8s.api.core.v1.Pod'));
  assert.ok('io.k8s.api.apps.v1.Deployment' in definitions);
  assert.equal(Object.keys(definitions).length, Object.keys(defs).length);
  assert.equal(definitions['nope'], undefined);
  assert.deepEqual(resolve({ allOf: [{ $ref: `${REF_PREFIX}io.k8s.api.apps.v1.DeploymentStrategy` }] }), schemaFor('io.k8s.api.apps.v1.DeploymentStrategy'));
  assert.deepEqual(resolve({ $ref: `${REF_PREFIX}missing` }), {});
});

test('every reference resolves and every definition is an object schema or a known scalar', () => {
  const text = JSON.stringify(defs);
  for (const m of text.matchAll(/"\$ref":"([^"]+)"/g)) {
    assert.ok(m[1].startsWith(REF_PREFIX), m[1]);
    assert.ok(defs[m[1].slice(REF_PREFIX.length)], `dangling ${m[1]}`);
  }
  assert.ok(Object.keys(defs).length > 400);
});

test('Deployment, Pod, Service and their parts have every client-node field with the right type', async () => {
  const pairs: [string, string][] = [
    ['V1Deployment', 'io.k8s.api.apps.v1.Deployment'],
    ['V1DeploymentSpec', 'io.k8s.api.apps.v1.DeploymentSpec'],
    ['V1DeploymentStatus', 'io.k8s.api.apps.v1.DeploymentStatus'],
    ['V1DeploymentStrategy', 'io.k8s.api.apps.v1.DeploymentStrategy'],
    ['V1RollingUpdateDeployment', 'io.k8s.api.apps.v1.RollingUpdateDeployment'],
    ['V1Pod', 'io.k8s.api.core.v1.Pod'],
    ['V1PodSpec', 'io.k8s.api.core.v1.PodSpec'],
    ['V1PodStatus', 'io.k8s.api.core.v1.PodStatus'],
    ['V1Container', 'io.k8s.api.core.v1.Container'],
    ['V1ContainerStatus', 'io.k8s.api.core.v1.ContainerStatus'],
    ['V1Volume', 'io.k8s.api.core.v1.Volume'],
    ['V1ResourceRequirements', 'io.k8s.api.core.v1.ResourceRequirements'],
    ['V1Service', 'io.k8s.api.core.v1.Service'],
    ['V1ServiceSpec', 'io.k8s.api.core.v1.ServiceSpec'],
    ['V1ServicePort', 'io.k8s.api.core.v1.ServicePort'],
    ['V1ObjectMeta', 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'],
    ['V2HorizontalPodAutoscalerSpec', 'io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerSpec'],
    ['CoreV1Event', 'io.k8s.api.core.v1.Event'],
    ['EventsV1Event', 'io.k8s.api.events.v1.Event'],
  ];
  for (const [cls, def] of pairs) {
    const attrs = await model(cls);
    const s = schemaFor(def)!;
    assert.ok(s, def);
    assert.deepEqual(Object.keys(s.properties!).sort(), attrs.map((a) => a.baseName).sort(), `${def} fields`);
    for (const a of attrs) {
      const p = s.properties![a.baseName];
      const want = QUANTITY_FIELDS.has(a.baseName) && a.type.includes('string') ? actualType(p) : expectedType(a.type, a.format);
      assert.equal(actualType(p), want, `${def}.${a.baseName}: ${a.type}`);
    }
  }
});

test('field types and formats', () => {
  assert.deepEqual(prop('io.k8s.api.apps.v1.DeploymentSpec', 'replicas'), { type: 'integer', format: 'int32' });
  assert.deepEqual(prop('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', 'generation'), { type: 'integer', format: 'int64' });
  assert.equal(refName(prop('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', 'creationTimestamp')), 'io.k8s.apimachinery.pkg.apis.meta.v1.Time');
  assert.equal(refName(prop('io.k8s.api.coordination.v1.LeaseSpec', 'renewTime')), 'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime');
  assert.equal(refName(prop('io.k8s.api.core.v1.ServicePort', 'targetPort')), 'io.k8s.apimachinery.pkg.util.intstr.IntOrString');
  assert.deepEqual(prop('io.k8s.api.core.v1.Secret', 'data'), { type: 'object', additionalProperties: { type: 'string', format: 'byte' } });
  assert.deepEqual(prop('io.k8s.api.core.v1.ConfigMap', 'data'), { type: 'object', additionalProperties: { type: 'string' } });
  assert.deepEqual(prop('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', 'labels'), { type: 'object', additionalProperties: { type: 'string' } });
  const limits = prop('io.k8s.api.core.v1.ResourceRequirements', 'limits');
  assert.equal(refName(limits.additionalProperties as JSONSchema), 'io.k8s.apimachinery.pkg.api.resource.Quantity');
  assert.equal(refName(prop('io.k8s.api.core.v1.EmptyDirVolumeSource', 'sizeLimit')), 'io.k8s.apimachinery.pkg.api.resource.Quantity');
  assert.equal(refName(prop('io.k8s.api.autoscaling.v2.MetricTarget', 'averageValue')), 'io.k8s.apimachinery.pkg.api.resource.Quantity');
  assert.equal(refName(prop('io.k8s.api.apps.v1.ControllerRevision', 'data')), 'io.k8s.apimachinery.pkg.runtime.RawExtension');
  assert.equal(refName(prop('io.k8s.apimachinery.pkg.apis.meta.v1.ManagedFieldsEntry', 'fieldsV1')), 'io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1');
  assert.deepEqual(schemaFor('io.k8s.api.apps.v1.DeploymentSpec')!.required, ['selector', 'template']);
  assert.deepEqual(schemaFor('io.k8s.api.core.v1.Container')!.required, ['name']);
  assert.equal(prop('io.k8s.api.core.v1.ContainerPort', 'protocol').default, 'TCP');
});

test('scalar definitions: Quantity, IntOrString, Time, preserve-unknown-fields types', () => {
  const q = schemaFor('io.k8s.apimachinery.pkg.api.resource.Quantity')!;
  assert.deepEqual(q.oneOf, [{ type: 'string' }, { type: 'number' }]);
  const ios = schemaFor('io.k8s.apimachinery.pkg.util.intstr.IntOrString')!;
  assert.equal(ios['x-kubernetes-int-or-string'], true);
  assert.equal(ios.format, 'int-or-string');
  const t = schemaFor('io.k8s.apimachinery.pkg.apis.meta.v1.Time')!;
  assert.equal(t.type, 'string');
  assert.equal(t.format, 'date-time');
  for (const n of [
    'io.k8s.apimachinery.pkg.runtime.RawExtension',
    'io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1',
    'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON',
  ]) {
    assert.equal(schemaFor(n)!['x-kubernetes-preserve-unknown-fields'], true, n);
  }
});

test('top-level kinds carry their GVK and a description; lists too', () => {
  const cases: [string, string, string, string][] = [
    ['io.k8s.api.apps.v1.Deployment', 'apps', 'v1', 'Deployment'],
    ['io.k8s.api.apps.v1.DeploymentList', 'apps', 'v1', 'DeploymentList'],
    ['io.k8s.api.core.v1.Pod', '', 'v1', 'Pod'],
    ['io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler', 'autoscaling', 'v2', 'HorizontalPodAutoscaler'],
    ['io.k8s.api.autoscaling.v1.Scale', 'autoscaling', 'v1', 'Scale'],
    ['io.k8s.api.policy.v1.Eviction', 'policy', 'v1', 'Eviction'],
    ['io.k8s.api.events.v1.Event', 'events.k8s.io', 'v1', 'Event'],
    ['io.k8s.api.core.v1.Event', '', 'v1', 'Event'],
    ['io.k8s.api.networking.v1.Ingress', 'networking.k8s.io', 'v1', 'Ingress'],
    ['io.k8s.api.rbac.v1.ClusterRole', 'rbac.authorization.k8s.io', 'v1', 'ClusterRole'],
    ['io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition', 'apiextensions.k8s.io', 'v1', 'CustomResourceDefinition'],
  ];
  for (const [name, group, version, kind] of cases) {
    const s = schemaFor(name)!;
    assert.deepEqual(s['x-kubernetes-group-version-kind'], [{ group, kind, version }], name);
    assert.ok(s.description && s.description.length > 10, `${name} has a description`);
    assert.equal(definitionForGVK({ group, version, kind }), name);
  }
  const del = schemaFor('io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions')!['x-kubernetes-group-version-kind']!;
  assert.ok(del.some((g) => g.group === 'apps' && g.version === 'v1' && g.kind === 'DeleteOptions'));
  // Every kind with a GVK has a description; plain fields have none.
  for (const [name, s] of Object.entries(defs)) {
    if (s['x-kubernetes-group-version-kind']) assert.ok(s.description, `${name} description`);
    for (const [f, p] of Object.entries(s.properties ?? {})) assert.equal(p.description, undefined, `${name}.${f} has no copied description`);
  }
});

/** The patch metadata of a field: what kubectl's strategic merge and server-side apply read. */
function meta(def: string, field: string) {
  const s = prop(def, field);
  const out: Record<string, unknown> = {};
  for (const k of ['x-kubernetes-patch-strategy', 'x-kubernetes-patch-merge-key', 'x-kubernetes-list-type', 'x-kubernetes-list-map-keys', 'x-kubernetes-map-type'] as const) {
    if (s[k] !== undefined) out[k.replace('x-kubernetes-', '')] = s[k];
  }
  return out;
}

const mergeBy = (key: string, ...keys: string[]) => ({
  'patch-strategy': 'merge',
  'patch-merge-key': key,
  'list-type': 'map',
  'list-map-keys': keys.length ? keys : [key],
});

test('patch metadata matches upstream: PodSpec', () => {
  const P = 'io.k8s.api.core.v1.PodSpec';
  assert.deepEqual(meta(P, 'containers'), mergeBy('name'));
  assert.deepEqual(meta(P, 'initContainers'), mergeBy('name'));
  assert.deepEqual(meta(P, 'ephemeralContainers'), mergeBy('name'));
  assert.deepEqual(meta(P, 'volumes'), { ...mergeBy('name'), 'patch-strategy': 'merge,retainKeys' });
  assert.deepEqual(meta(P, 'imagePullSecrets'), mergeBy('name'));
  assert.deepEqual(meta(P, 'hostAliases'), mergeBy('ip'));
  assert.deepEqual(meta(P, 'tolerations'), { 'list-type': 'atomic' });
  assert.deepEqual(meta(P, 'topologySpreadConstraints'), mergeBy('topologyKey', 'topologyKey', 'whenUnsatisfiable'));
  assert.deepEqual(meta(P, 'schedulingGates'), mergeBy('name'));
  assert.deepEqual(meta(P, 'resourceClaims'), { ...mergeBy('name'), 'patch-strategy': 'merge,retainKeys' });
  assert.deepEqual(meta(P, 'readinessGates'), { 'list-type': 'atomic' });
  assert.deepEqual(meta(P, 'nodeSelector'), { 'map-type': 'atomic' });
});

test('patch metadata matches upstream: Container and statuses', () => {
  for (const C of ['io.k8s.api.core.v1.Container', 'io.k8s.api.core.v1.EphemeralContainer']) {
    assert.deepEqual(meta(C, 'env'), mergeBy('name'));
    assert.deepEqual(meta(C, 'ports'), mergeBy('containerPort', 'containerPort', 'protocol'));
    assert.deepEqual(meta(C, 'volumeMounts'), mergeBy('mountPath'));
    assert.deepEqual(meta(C, 'volumeDevices'), mergeBy('devicePath'));
    assert.deepEqual(meta(C, 'envFrom'), { 'list-type': 'atomic' });
    assert.deepEqual(meta(C, 'resizePolicy'), { 'list-type': 'atomic' });
    assert.deepEqual(meta(C, 'command'), { 'list-type': 'atomic' });
  }
  const S = 'io.k8s.api.core.v1.PodStatus';
  assert.deepEqual(meta(S, 'conditions'), mergeBy('type'));
  assert.deepEqual(meta(S, 'podIPs'), mergeBy('ip'));
  assert.deepEqual(meta(S, 'containerStatuses'), { 'list-type': 'atomic' });
  assert.deepEqual(meta(S, 'initContainerStatuses'), { 'list-type': 'atomic' });
  assert.deepEqual(meta(S, 'resourceClaimStatuses'), { ...mergeBy('name'), 'patch-strategy': 'merge,retainKeys' });
  assert.deepEqual(meta('io.k8s.api.core.v1.ContainerStatus', 'volumeMounts'), mergeBy('mountPath'));
  assert.deepEqual(meta('io.k8s.api.core.v1.ResourceRequirements', 'claims'), { 'list-type': 'map', 'list-map-keys': ['name'] });
});

test('patch metadata matches upstream: Service, Node, ObjectMeta, Secret/ConfigMap, Endpoints', () => {
  assert.deepEqual(meta('io.k8s.api.core.v1.ServiceSpec', 'ports'), mergeBy('port', 'port', 'protocol'));
  assert.deepEqual(meta('io.k8s.api.core.v1.ServiceSpec', 'selector'), { 'map-type': 'atomic' });
  assert.deepEqual(meta('io.k8s.api.core.v1.ServiceStatus', 'conditions'), mergeBy('type'));
  assert.deepEqual(meta('io.k8s.api.core.v1.NodeStatus', 'addresses'), mergeBy('type'));
  assert.deepEqual(meta('io.k8s.api.core.v1.NodeStatus', 'conditions'), mergeBy('type'));
  assert.deepEqual(meta('io.k8s.api.core.v1.NodeSpec', 'podCIDRs'), { 'patch-strategy': 'merge', 'list-type': 'set' });
  assert.deepEqual(meta('io.k8s.api.core.v1.NodeSpec', 'taints'), { 'list-type': 'atomic' });
  const M = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
  assert.deepEqual(meta(M, 'ownerReferences'), mergeBy('uid'));
  assert.deepEqual(meta(M, 'finalizers'), { 'patch-strategy': 'merge', 'list-type': 'set' });
  assert.deepEqual(meta(M, 'labels'), {});
  // data maps are plain maps: merged key by key, no extensions
  assert.deepEqual(meta('io.k8s.api.core.v1.Secret', 'data'), {});
  assert.deepEqual(meta('io.k8s.api.core.v1.ConfigMap', 'data'), {});
  assert.deepEqual(meta('io.k8s.api.core.v1.Endpoints', 'subsets'), { 'list-type': 'atomic' });
  assert.deepEqual(meta('io.k8s.api.core.v1.EndpointSubset', 'addresses'), { 'list-type': 'atomic' });
  assert.deepEqual(meta('io.k8s.api.core.v1.EndpointSubset', 'ports'), { 'list-type': 'atomic' });
  assert.deepEqual(meta('io.k8s.api.core.v1.ServiceAccount', 'secrets'), mergeBy('name'));
  assert.deepEqual(meta('io.k8s.api.core.v1.PersistentVolumeSpec', 'claimRef'), { 'map-type': 'granular' });
  for (const n of ['io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector', 'io.k8s.api.core.v1.ObjectReference', 'io.k8s.api.core.v1.LocalObjectReference', 'io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference']) {
    assert.equal(schemaFor(n)!['x-kubernetes-map-type'], 'atomic', n);
  }
});

test('patch metadata matches upstream: workloads and conditions', () => {
  assert.deepEqual(meta('io.k8s.api.apps.v1.DeploymentSpec', 'strategy'), { 'patch-strategy': 'retainKeys' });
  // retainKeys sits on the field, next to the reference (kubectl reads it before resolving)
  assert.equal(refName(prop('io.k8s.api.apps.v1.DeploymentSpec', 'strategy')), 'io.k8s.api.apps.v1.DeploymentStrategy');
  assert.deepEqual(meta('io.k8s.api.apps.v1.DaemonSetSpec', 'updateStrategy'), {});
  assert.deepEqual(meta('io.k8s.api.apps.v1.StatefulSetSpec', 'volumeClaimTemplates'), { 'list-type': 'atomic' });
  for (const d of [
    'io.k8s.api.apps.v1.DeploymentStatus', 'io.k8s.api.apps.v1.ReplicaSetStatus', 'io.k8s.api.apps.v1.DaemonSetStatus',
    'io.k8s.api.apps.v1.StatefulSetStatus', 'io.k8s.api.core.v1.NamespaceStatus', 'io.k8s.api.core.v1.PersistentVolumeClaimStatus',
    'io.k8s.api.core.v1.ReplicationControllerStatus', 'io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerStatus',
    'io.k8s.api.policy.v1.PodDisruptionBudgetStatus',
  ]) {
    assert.deepEqual(meta(d, 'conditions'), mergeBy('type'), d);
  }
  assert.deepEqual(meta('io.k8s.api.batch.v1.JobStatus', 'conditions'), { 'patch-strategy': 'merge', 'patch-merge-key': 'type', 'list-type': 'atomic' });
  assert.deepEqual(meta('io.k8s.api.discovery.v1.Endpoint', 'addresses'), { 'list-type': 'set' });
  assert.deepEqual(meta('io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinitionStatus', 'conditions'), { 'list-type': 'map', 'list-map-keys': ['type'] });
});

test('every list carries a list type; every merge strategy on a list has a key or is a set', () => {
  for (const [name, s] of Object.entries(defs)) {
    for (const [f, p] of Object.entries(s.properties ?? {})) {
      if (p.type !== 'array') continue;
      assert.ok(p['x-kubernetes-list-type'], `${name}.${f} has a list type`);
      if (p['x-kubernetes-list-type'] === 'map') assert.ok(p['x-kubernetes-list-map-keys']?.length, `${name}.${f} map keys`);
      if (p['x-kubernetes-patch-strategy']?.includes('merge') && !p['x-kubernetes-patch-merge-key']) {
        assert.equal(p['x-kubernetes-list-type'], 'set', `${name}.${f}: merge without key is a set`);
      }
    }
  }
});

test('definitions.json is what the generator produces from the installed client-node', () => {
  const out = execFileSync(process.execPath, [join(ROOT, 'scripts', 'gen-schemas.mjs'), '--check'], { encoding: 'utf8' });
  assert.match(out, /up to date/);
});
