import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject, ManagedFieldsEntry } from '../../server/registry/types.js';
import { apply, fieldsOf, LAST_APPLIED_ANNOTATION } from '../../server/apiserver/patch/apply.js';
import { updateManagedFields } from '../../server/apiserver/patch/managedfields.js';
import { StatusError } from '../../server/apiserver/errors.js';
import { created, deploymentSchema, KUBECTL_CREATE_FIELDS, resolve } from './fixtures.test.js';

const T2 = '2025-01-01T00:02:00Z';
const T3 = '2025-01-01T00:03:00Z';

/** The manifest of `kubectl apply --server-side` for the Deployment kubectl create made. */
function manifest(): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', labels: { app: 'web' } },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx' }] } },
    },
  };
}

const ssa = (live: KubeObject | undefined, config: KubeObject, manager: string, force = false, now = T2) =>
  apply(live, config, manager, force, deploymentSchema, resolve, 'apps/v1', now, { kind: 'Deployment' });

const entry = (obj: KubeObject, manager: string, operation?: string): ManagedFieldsEntry | undefined =>
  obj.metadata.managedFields?.find((e) => e.manager === manager && (!operation || e.operation === operation));

const APPLIED_FIELDS = {
  'f:metadata': { 'f:labels': { 'f:app': {} } },
  'f:spec': {
    'f:replicas': {},
    'f:selector': {},
    'f:template': {
      'f:metadata': { 'f:labels': { 'f:app': {} } },
      'f:spec': { 'f:containers': { 'k:{"name":"nginx"}': { 'f:image': {}, 'f:name': {}, '.': {} } } },
    },
  },
};

function assertConflict(fn: () => unknown, message: string, causes: { message: string; field: string }[]): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof StatusError, String(e));
    assert.equal(e.code, 409);
    assert.equal(e.reason, 'Conflict');
    assert.equal(e.message, message);
    assert.deepEqual(
      e.toStatus().details?.causes,
      causes.map((c) => ({ reason: 'FieldManagerConflict', ...c })),
    );
    return true;
  });
}

test('kubectl create deployment, then kubectl apply --server-side of the same values', () => {
  const live = created();
  const { object, changed } = ssa(live, manifest(), 'kubectl');
  assert.equal(changed, false);
  assert.deepEqual(object.spec, live.spec);
  const [applied, creator] = object.metadata.managedFields!;
  // Apply entries sort first; a no-op apply records no time (upstream only stamps changes)
  assert.deepEqual(applied, { manager: 'kubectl', operation: 'Apply', apiVersion: 'apps/v1', fieldsType: 'FieldsV1', fieldsV1: APPLIED_FIELDS });
  assert.equal(JSON.stringify(applied.fieldsV1), JSON.stringify(APPLIED_FIELDS));
  // shared ownership: the creator keeps everything
  assert.deepEqual(creator.fieldsV1, KUBECTL_CREATE_FIELDS);
});

test('a change to a field another manager owns is a conflict, worded as upstream', () => {
  const live = ssa(created(), manifest(), 'kubectl').object;
  const scaled = manifest();
  scaled.spec.replicas = 3;
  assertConflict(() => ssa(live, scaled, 'kubectl'), 'Apply failed with 1 conflict: conflict with "kubectl-create" using apps/v1: .spec.replicas', [
    { message: 'conflict with "kubectl-create" using apps/v1', field: '.spec.replicas' },
  ]);
});

test('force moves ownership to the applier', () => {
  const live = ssa(created(), manifest(), 'kubectl').object;
  const scaled = manifest();
  scaled.spec.replicas = 3;
  const { object, changed } = ssa(live, scaled, 'kubectl', true, T3);
  assert.equal(changed, true);
  assert.equal(object.spec.replicas, 3);
  assert.equal((entry(object, 'kubectl-create')!.fieldsV1 as any)['f:spec']['f:replicas'], undefined);
  assert.deepEqual((entry(object, 'kubectl', 'Apply')!.fieldsV1 as any)['f:spec']['f:replicas'], {});
  assert.equal(entry(object, 'kubectl', 'Apply')!.time, T3);
});

test('several conflicts: plural message grouped by manager, causes per field', () => {
  let live = created();
  const next = structuredClone(live);
  next.spec.minReadySeconds = 5;
  updateManagedFields(live, next, 'mgr', 'Update', undefined, deploymentSchema, resolve, 'apps/v1', '2025-01-01T00:01:00Z');
  live = next;
  live = ssa(live, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { paused: false } }, 'other-applier').object;

  const config = manifest();
  config.spec.replicas = 2;
  config.spec.minReadySeconds = 9;
  config.spec.paused = true;
  assertConflict(
    () => ssa(live, config, 'ci'),
    'Apply failed with 3 conflicts: conflicts with "kubectl-create" using apps/v1:\n- .spec.replicas\nconflicts with "mgr" using apps/v1:\n- .spec.minReadySeconds\nconflicts with "other-applier":\n- .spec.paused',
    [
      { message: 'conflict with "kubectl-create" using apps/v1', field: '.spec.replicas' },
      { message: 'conflict with "mgr" using apps/v1', field: '.spec.minReadySeconds' },
      { message: 'conflict with "other-applier"', field: '.spec.paused' },
    ],
  );
});

test('no conflict when the value does not change', () => {
  const live = created();
  const config = manifest();
  config.spec.revisionHistoryLimit = 10; // owned by kubectl-create, same value
  const { object } = ssa(live, config, 'ci');
  assert.deepEqual((entry(object, 'ci')!.fieldsV1 as any)['f:spec']['f:revisionHistoryLimit'], {});
  assert.deepEqual((entry(object, 'kubectl-create')!.fieldsV1 as any)['f:spec']['f:revisionHistoryLimit'], {});
});

test('a field no longer applied is removed unless another manager owns it', () => {
  const base = manifest();
  base.metadata.labels = { app: 'web', tier: 'front', shared: 'x' };
  base.spec.template.spec.containers[0].env = [
    { name: 'A', value: '1' },
    { name: 'B', value: '2' },
  ];
  let live = ssa(undefined, base, 'ci').object;
  // another applier also sets the `shared` label
  live = ssa(live, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', labels: { shared: 'x' } } }, 'other').object;

  const next = manifest();
  next.spec.template.spec.containers[0].env = [{ name: 'A', value: '1' }];
  const { object } = ssa(live, next, 'ci');
  assert.deepEqual(object.metadata.labels, { app: 'web', shared: 'x' });
  assert.deepEqual(object.spec.template.spec.containers[0].env, [{ name: 'A', value: '1' }]);
  assert.deepEqual(entry(object, 'other')!.fieldsV1, { 'f:metadata': { 'f:labels': { 'f:shared': {} } } });

  // dropping the whole env list removes it
  const bare = ssa(object, manifest(), 'ci').object;
  assert.equal('env' in bare.spec.template.spec.containers[0], false);
});

test('fields set by updaters stay when the applier stops applying their parent', () => {
  const base = manifest();
  base.metadata.annotations = { a: '1' };
  let live = ssa(undefined, base, 'ci').object;
  const next = structuredClone(live);
  next.metadata.annotations!.b = '2';
  updateManagedFields(live, next, 'kubectl-annotate', 'Update', undefined, deploymentSchema, resolve, 'apps/v1', T2);
  live = next;
  const { object } = ssa(live, manifest(), 'ci', false, T3);
  assert.deepEqual(object.metadata.annotations, { b: '2' });
});

test('list-map items merge by key: other managers keep their containers, order follows the config', () => {
  let live = ssa(undefined, manifest(), 'ci').object;
  const withSidecar = structuredClone(live);
  withSidecar.spec.template.spec.containers.push({ name: 'sidecar', image: 'envoy' });
  updateManagedFields(live, withSidecar, 'injector', 'Update', undefined, deploymentSchema, resolve, 'apps/v1', T2);
  live = withSidecar;

  const config = manifest();
  config.spec.template.spec.containers = [
    { name: 'init-like', image: 'busybox' },
    { name: 'nginx', image: 'nginx:1.27' },
  ];
  const { object } = ssa(live, config, 'ci', false, T3);
  assert.deepEqual(
    object.spec.template.spec.containers.map((c: any) => `${c.name}=${c.image}`),
    ['init-like=busybox', 'nginx=nginx:1.27', 'sidecar=envoy'],
  );
  // the updater also owns `resources: {}`: a Go Container always serialises it
  assert.deepEqual(entry(object, 'injector')!.fieldsV1, {
    'f:spec': { 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"sidecar"}': { 'f:image': {}, 'f:name': {}, 'f:resources': {}, '.': {} } } } } },
  });
});

test('list-map keys take schema defaults; atomic lists and maps are owned whole', () => {
  const config = manifest();
  config.spec.template.spec.containers[0].ports = [{ containerPort: 80 }];
  config.spec.template.spec.containers[0].args = ['-a', '-b'];
  config.spec.template.spec.nodeSelector = { disk: 'ssd' };
  config.metadata.finalizers = ['example.com/f'];
  const set = fieldsOf(config, deploymentSchema, resolve).toFieldsV1() as any;
  const nginx = set['f:spec']['f:template']['f:spec']['f:containers']['k:{"name":"nginx"}'];
  assert.deepEqual(nginx['f:ports'], { 'k:{"containerPort":80,"protocol":"TCP"}': { 'f:containerPort': {}, '.': {} } });
  assert.deepEqual(nginx['f:args'], {});
  assert.deepEqual(set['f:spec']['f:template']['f:spec']['f:nodeSelector'], {});
  assert.deepEqual(set['f:metadata']['f:finalizers'], { 'v:"example.com/f"': {} });
  assert.equal(set['f:metadata']['f:name'], undefined, 'metadata.name is never owned');
  assert.equal(set['f:apiVersion'], undefined);
});

test('create through apply: the applier owns its configuration and the change is stamped', () => {
  const { object, changed } = ssa(undefined, manifest(), 'ci');
  assert.equal(changed, true);
  assert.deepEqual(object.metadata.managedFields, [
    { manager: 'ci', operation: 'Apply', apiVersion: 'apps/v1', time: T2, fieldsType: 'FieldsV1', fieldsV1: APPLIED_FIELDS },
  ]);
  assert.equal(object.spec.replicas, 1);
});

test('kubectl: upgrading from client-side apply forces fields still equal to last-applied', () => {
  const lastApplied = manifest();
  const live = ssa(undefined, manifest(), 'placeholder').object;
  // the object as `kubectl apply` (client-side) left it
  delete live.metadata.managedFields;
  live.metadata.annotations = { [LAST_APPLIED_ANNOTATION]: JSON.stringify(lastApplied) + '\n' };
  const csa = structuredClone(live);
  updateManagedFields(undefined, csa, 'kubectl-client-side-apply', 'Update', undefined, deploymentSchema, resolve, 'apps/v1', T2);

  const config = manifest();
  config.spec.replicas = 4;
  const { object } = ssa(csa, config, 'kubectl', false, T3);
  assert.equal(object.spec.replicas, 4);
  assert.equal((entry(object, 'kubectl-client-side-apply')!.fieldsV1 as any)['f:spec']['f:replicas'], undefined);
  // the annotation now holds the applied configuration
  assert.deepEqual(JSON.parse(object.metadata.annotations![LAST_APPLIED_ANNOTATION]), config);

  // another field manager gets no such help
  assertConflict(() => ssa(csa, config, 'ci'), 'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas', [
    { message: 'conflict with "kubectl-client-side-apply" using apps/v1', field: '.spec.replicas' },
  ]);
  // nor does kubectl when the live value drifted from last-applied
  const drifted = structuredClone(csa);
  drifted.spec.replicas = 7;
  assertConflict(() => ssa(drifted, config, 'kubectl'), 'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas', [
    { message: 'conflict with "kubectl-client-side-apply" using apps/v1', field: '.spec.replicas' },
  ]);
});

test('status is not applied through the main resource', () => {
  const config = manifest();
  config.status = { replicas: 5 };
  const { object } = ssa(undefined, config, 'ci');
  assert.equal((entry(object, 'ci')!.fieldsV1 as any)['f:status'], undefined);
});

test('bad configurations: managedFields, version, kind, list items without keys', () => {
  const withMF = manifest();
  withMF.metadata.managedFields = [];
  assert.throws(() => ssa(undefined, withMF, 'ci'), (e: unknown) => e instanceof StatusError && e.code === 400 && e.message === 'metadata.managedFields must be nil');
  const v2 = { ...manifest(), apiVersion: 'apps/v2' };
  assert.throws(() => ssa(undefined, v2, 'ci'), (e: unknown) => e instanceof StatusError && e.code === 400 && e.message === 'invalid object type: apps/v2, Kind=Deployment');
  assert.throws(
    () => apply(undefined, v2, 'ci', false, deploymentSchema, resolve, 'apps/v1', T2),
    (e: unknown) => e instanceof StatusError && e.code === 400 && e.message === 'Incorrect version specified in apply patch. Specified patch version: apps/v2, expected: apps/v1',
  );
  const noName = manifest();
  noName.spec.template.spec.containers = [{ image: 'nginx' }];
  assert.throws(
    () => ssa(undefined, noName, 'ci'),
    (e: unknown) =>
      e instanceof StatusError &&
      e.code === 500 &&
      e.message ===
        'failed to create typed patch object (/web; apps/v1, Kind=Deployment): .spec.template.spec.containers: element 0: associative list with keys has an element that omits key field "name" (and doesn\'t have default value)',
  );
  const dup = manifest();
  dup.spec.template.spec.containers.push({ name: 'nginx', image: 'x' });
  assert.throws(() => ssa(undefined, dup, 'ci'), (e: unknown) => e instanceof StatusError && /duplicate entries for key \[name="nginx"\]/.test(e.message));
});

test('apply leaves its inputs untouched', () => {
  const live = created();
  const before = JSON.stringify(live);
  const config = manifest();
  config.spec.replicas = 9;
  ssa(live, config, 'kubectl', true);
  assert.equal(JSON.stringify(live), before);
  assert.equal(config.spec.replicas, 9);
});

test('serverSideApply returns just the object', async () => {
  const { serverSideApply } = await import('../../server/apiserver/patch/apply.js');
  const obj = serverSideApply(undefined, manifest(), 'ci', false, deploymentSchema, resolve, 'apps/v1');
  assert.equal(obj.metadata.managedFields?.[0].manager, 'ci');
  assert.equal(obj.spec.replicas, 1);
});
