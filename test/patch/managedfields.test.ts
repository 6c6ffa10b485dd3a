import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject, ManagedFieldsEntry } from '../../server/registry/types.js';
import { decodeManagedFields, managerIdentifier, updateManagedFields } from '../../server/apiserver/patch/managedfields.js';
import { configMapSchema, created, createdDeployment, deploymentSchema, KUBECTL_CREATE_FIELDS, resolve, T0 } from './fixtures.test.js';

const T1 = '2025-01-01T00:01:00Z';

/** Runs a non-apply write the way the store does: `mutate` edits a copy of `old`. */
function write(old: KubeObject, manager: string, mutate: (o: KubeObject) => void, time = T1, subresource?: string): KubeObject {
  const next = structuredClone(old);
  mutate(next);
  updateManagedFields(old, next, manager, 'Update', subresource, deploymentSchema, resolve, 'apps/v1', time);
  return next;
}

const entry = (obj: KubeObject, manager: string, subresource?: string): ManagedFieldsEntry | undefined =>
  obj.metadata.managedFields?.find((e) => e.manager === manager && e.subresource === subresource);

test('create: the creator owns every field it set, as kubectl create deployment shows', () => {
  const obj = created();
  assert.deepEqual(obj.metadata.managedFields, [
    { manager: 'kubectl-create', operation: 'Update', apiVersion: 'apps/v1', time: T0, fieldsType: 'FieldsV1', fieldsV1: KUBECTL_CREATE_FIELDS },
  ]);
  // identical JSON, including key order
  assert.equal(JSON.stringify(obj.metadata.managedFields![0].fieldsV1), JSON.stringify(KUBECTL_CREATE_FIELDS));
});

test('update: the writer takes the fields it changed from their owner', () => {
  const scaled = write(created(), 'kubectl', (o) => (o.spec.replicas = 3));
  const creator = entry(scaled, 'kubectl-create')!;
  assert.equal((creator.fieldsV1 as any)['f:spec']['f:replicas'], undefined);
  assert.deepEqual(entry(scaled, 'kubectl'), {
    manager: 'kubectl',
    operation: 'Update',
    apiVersion: 'apps/v1',
    time: T1,
    fieldsType: 'FieldsV1',
    fieldsV1: { 'f:spec': { 'f:replicas': {} } },
  });
  assert.equal(creator.time, T0, 'the old owner keeps its time');
  // entries are sorted by time
  assert.deepEqual(
    scaled.metadata.managedFields!.map((e) => e.manager),
    ['kubectl-create', 'kubectl'],
  );
});

test('update: a write that changes nothing changes no entry', () => {
  const obj = created();
  const same = write(obj, 'someone', () => undefined);
  assert.deepEqual(same.metadata.managedFields, obj.metadata.managedFields);
});

test('update: removed fields leave every owner; the same manager accumulates', () => {
  let obj = write(created(), 'editor', (o) => (o.metadata.labels!.tier = 'front'));
  obj = write(obj, 'editor', (o) => (o.spec.paused = true), '2025-01-01T00:02:00Z');
  assert.deepEqual(entry(obj, 'editor')!.fieldsV1, { 'f:metadata': { 'f:labels': { 'f:tier': {} } }, 'f:spec': { 'f:paused': {} } });
  assert.equal(entry(obj, 'editor')!.time, '2025-01-01T00:02:00Z');
  obj = write(obj, 'other', (o) => {
    delete o.metadata.labels!.tier;
    delete o.spec.template.spec.securityContext;
  });
  assert.deepEqual(entry(obj, 'editor')!.fieldsV1, { 'f:spec': { 'f:paused': {} } });
  assert.equal(entry(obj, 'other'), undefined, 'removing fields owns nothing');
  assert.equal((entry(obj, 'kubectl-create')!.fieldsV1 as any)['f:spec']['f:template']['f:spec']['f:securityContext'], undefined);
});

test('status and metadata identity fields are never owned through the main resource', () => {
  const obj = write(created(), 'ctl', (o) => {
    o.status = { replicas: 1 };
    o.metadata.generation = 2;
    o.metadata.resourceVersion = '11';
  });
  assert.equal(entry(obj, 'ctl'), undefined);
});

test('writes through /status own status only, recorded with the subresource', () => {
  const obj = write(created(), 'kube-controller-manager', (o) => (o.status = { replicas: 1, observedGeneration: 1, conditions: [{ type: 'Available', status: 'True' }] }), T1, 'status');
  assert.deepEqual(entry(obj, 'kube-controller-manager', 'status'), {
    manager: 'kube-controller-manager',
    operation: 'Update',
    apiVersion: 'apps/v1',
    time: T1,
    fieldsType: 'FieldsV1',
    fieldsV1: { 'f:status': { 'f:conditions': { '.': {}, 'k:{"type":"Available"}': { '.': {}, 'f:status': {}, 'f:type': {} } }, 'f:observedGeneration': {}, 'f:replicas': {} } },
    subresource: 'status',
  });
});

test('managedFields sent with a write replace the stored ones; [] resets them', () => {
  const obj = created();
  const edited = structuredClone(obj);
  edited.metadata.managedFields = [{ manager: 'someone-else', operation: 'Update', apiVersion: 'apps/v1', time: T0, fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:replicas': {} } } }];
  updateManagedFields(obj, edited, 'kubectl-edit', 'Update', undefined, deploymentSchema, resolve, 'apps/v1', T1);
  assert.deepEqual(
    edited.metadata.managedFields!.map((e) => e.manager),
    ['someone-else'],
  );

  const reset = structuredClone(obj);
  reset.metadata.managedFields = [];
  reset.spec.replicas = 2;
  assert.equal(updateManagedFields(obj, reset, 'kubectl', 'Update', undefined, deploymentSchema, resolve, 'apps/v1', T1), undefined);
  assert.equal(reset.metadata.managedFields, undefined);

  // entries that do not decode are ignored: the stored ones are used
  const bad = structuredClone(obj);
  bad.metadata.managedFields = [{ manager: 'x', operation: 'Bogus' as any, apiVersion: 'apps/v1', fieldsType: 'FieldsV1', fieldsV1: {} }];
  updateManagedFields(obj, bad, 'kubectl', 'Update', undefined, deploymentSchema, resolve, 'apps/v1', T1);
  assert.deepEqual(
    bad.metadata.managedFields!.map((e) => e.manager),
    ['kubectl-create'],
  );
});

test('an existing object without managedFields is not tracked by updates', () => {
  const obj = createdDeployment();
  const next = structuredClone(obj);
  next.spec.replicas = 4;
  assert.equal(updateManagedFields(obj, next, 'kubectl', 'Update', undefined, deploymentSchema, resolve, 'apps/v1', T1), undefined);
  assert.equal(next.metadata.managedFields, undefined);
});

test('more than 10 update managers: the oldest merge into ancient-changes', () => {
  let obj: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: {} };
  updateManagedFields(undefined, obj, 'creator', 'Update', undefined, configMapSchema, resolve, 'v1', '2025-01-01T00:00:00Z');
  for (let i = 0; i < 11; i++) {
    const next = structuredClone(obj);
    next.data[`k${i}`] = 'v';
    updateManagedFields(obj, next, `m${i}`, 'Update', undefined, configMapSchema, resolve, 'v1', `2025-01-01T00:${String(i + 1).padStart(2, '0')}:00Z`);
    obj = next;
  }
  const managers = obj.metadata.managedFields!.map((e) => e.manager);
  assert.equal(managers.length, 10);
  assert.ok(managers.includes('ancient-changes'));
  assert.ok(!managers.includes('creator') && !managers.includes('m0') && !managers.includes('m1'));
  const ancient = obj.metadata.managedFields!.find((e) => e.manager === 'ancient-changes')!;
  // the creator owned `data` itself (it created it empty); its entry went into the bucket first
  assert.deepEqual(ancient.fieldsV1, { 'f:data': { 'f:k0': {}, 'f:k1': {}, '.': {} } });
  assert.equal(ancient.time, '2025-01-01T00:02:00Z', 'the bucket takes the time of the last entry merged');
});

test('manager identifiers are Go JSON, without apiVersion for appliers', () => {
  assert.equal(managerIdentifier({ manager: 'kubectl', operation: 'Apply', apiVersion: 'apps/v1' }), '{"manager":"kubectl","operation":"Apply"}');
  assert.equal(managerIdentifier({ manager: 'k', operation: 'Update', apiVersion: 'v1', subresource: 'status' }), '{"manager":"k","operation":"Update","apiVersion":"v1","subresource":"status"}');
  assert.throws(() => decodeManagedFields([{ manager: 'x', operation: 'Update', fieldsType: 'FieldsV1' }]), /apiVersion must not be empty/);
  assert.throws(() => decodeManagedFields([{ manager: 'x', operation: 'Update', apiVersion: 'v1' }]), /missing fieldsType in managed fields entry 0/);
});

test("the store's short call shape: no operation, now defaults to the current time", () => {
  const obj = createdDeployment();
  const before = Math.floor(Date.now() / 1000);
  const entries = updateManagedFields(undefined, obj, 'kube-apiserver', undefined, deploymentSchema, resolve, 'apps/v1');
  assert.equal(entries?.[0].manager, 'kube-apiserver');
  assert.equal(entries?.[0].operation, 'Update');
  assert.match(entries![0].time!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.ok(Date.parse(entries![0].time!) / 1000 >= before - 1);
  assert.deepEqual(entries?.[0].fieldsV1, KUBECTL_CREATE_FIELDS);
});
