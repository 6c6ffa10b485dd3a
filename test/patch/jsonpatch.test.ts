import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsonPatch } from '../../server/apiserver/patch/jsonpatch.js';
import { StatusError } from '../../server/apiserver/errors.js';

const deploy = () => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', labels: { app: 'web' }, annotations: { 'a/b': '1', 'c~d': '2' } },
  spec: { replicas: 1, template: { spec: { containers: [{ name: 'nginx', image: 'nginx' }] } } },
});

/** Asserts the call throws the StatusError upstream answers a failed operation with. */
function assertUnprocessable(fn: () => unknown, detail?: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof StatusError);
    assert.equal(e.code, 422);
    assert.equal(e.reason, 'Invalid');
    assert.equal(e.message, 'the server rejected our request due to an error in our request');
    assert.deepEqual(e.toStatus().details, {});
    if (detail) assert.match(String((e as Error).cause), detail);
    return true;
  });
}

test('add, replace, remove on objects and arrays', () => {
  const doc = deploy();
  const out = jsonPatch(doc, [
    { op: 'replace', path: '/spec/replicas', value: 3 },
    { op: 'add', path: '/metadata/labels/tier', value: 'front' },
    { op: 'add', path: '/spec/template/spec/containers/-', value: { name: 'sidecar', image: 'busybox' } },
    { op: 'add', path: '/spec/template/spec/containers/0/env', value: [{ name: 'A', value: '1' }] },
    { op: 'remove', path: '/metadata/labels/app' },
  ]) as any;
  assert.equal(out.spec.replicas, 3);
  assert.deepEqual(out.metadata.labels, { tier: 'front' });
  assert.deepEqual(
    out.spec.template.spec.containers.map((c: any) => c.name),
    ['nginx', 'sidecar'],
  );
  assert.deepEqual(out.spec.template.spec.containers[0].env, [{ name: 'A', value: '1' }]);
  // the input is not modified
  assert.equal(doc.spec.replicas, 1);
});

test('~1 and ~0 unescape to / and ~', () => {
  const out = jsonPatch(deploy(), [
    { op: 'replace', path: '/metadata/annotations/a~1b', value: 'x' },
    { op: 'remove', path: '/metadata/annotations/c~0d' },
  ]) as any;
  assert.deepEqual(out.metadata.annotations, { 'a/b': 'x' });
});

test('array indices: insert at index, negative indices, bounds', () => {
  const doc = { l: ['a', 'b', 'c'] };
  assert.deepEqual((jsonPatch(doc, [{ op: 'add', path: '/l/1', value: 'x' }]) as any).l, ['a', 'x', 'b', 'c']);
  assert.deepEqual((jsonPatch(doc, [{ op: 'add', path: '/l/3', value: 'x' }]) as any).l, ['a', 'b', 'c', 'x']);
  assert.deepEqual((jsonPatch(doc, [{ op: 'remove', path: '/l/-1' }]) as any).l, ['a', 'b']);
  assert.deepEqual((jsonPatch(doc, [{ op: 'replace', path: '/l/0', value: 'z' }]) as any).l, ['z', 'b', 'c']);
  assertUnprocessable(() => jsonPatch(doc, [{ op: 'add', path: '/l/5', value: 'x' }]), /invalid index/);
  assertUnprocessable(() => jsonPatch(doc, [{ op: 'remove', path: '/l/3' }]), /invalid index/);
  assertUnprocessable(() => jsonPatch(doc, [{ op: 'replace', path: '/l/3', value: 1 }]), /doc is missing key/);
  assertUnprocessable(() => jsonPatch(doc, [{ op: 'add', path: '/l/x', value: 1 }]), /not a proper array index/);
});

test('remove of a missing key or path fails with the generic 422', () => {
  assertUnprocessable(() => jsonPatch(deploy(), [{ op: 'remove', path: '/spec/template/spec/affinity' }]), /Unable to remove nonexistent key: affinity/);
  assertUnprocessable(() => jsonPatch(deploy(), [{ op: 'remove', path: '/spec/nothere/x' }]), /doc is missing path/);
});

test('replace: a missing parent fails; a missing key of an existing object is added (evanphx v4)', () => {
  assertUnprocessable(() => jsonPatch(deploy(), [{ op: 'replace', path: '/spec/strategy/type', value: 'Recreate' }]), /doc is missing path/);
  const out = jsonPatch(deploy(), [{ op: 'replace', path: '/spec/paused', value: true }]) as any;
  assert.equal(out.spec.paused, true);
});

test('add needs the parent to exist; null parents count as missing', () => {
  assertUnprocessable(() => jsonPatch(deploy(), [{ op: 'add', path: '/spec/strategy/type', value: 'Recreate' }]), /doc is missing path/);
  assertUnprocessable(() => jsonPatch({ a: null }, [{ op: 'add', path: '/a/b', value: 1 }]));
  assertUnprocessable(() => jsonPatch({ a: 'str' }, [{ op: 'add', path: '/a/b', value: 1 }]));
});

test('test op: equality, failure, and a missing key matching null', () => {
  const ok = jsonPatch(deploy(), [
    { op: 'test', path: '/metadata/labels', value: { app: 'web' } },
    { op: 'test', path: '/spec/replicas', value: 1 },
    { op: 'test', path: '/metadata/nothere', value: null },
    { op: 'replace', path: '/spec/replicas', value: 2 },
  ]) as any;
  assert.equal(ok.spec.replicas, 2);
  assertUnprocessable(() => jsonPatch(deploy(), [{ op: 'test', path: '/spec/replicas', value: 2 }]), /testing value \/spec\/replicas failed: test failed/);
  assertUnprocessable(() => jsonPatch(deploy(), [{ op: 'test', path: '/metadata/labels', value: { app: 'web', x: '1' } }]));
  assertUnprocessable(() => jsonPatch(deploy(), [{ op: 'test', path: '/metadata/nothere', value: 'x' }]));
});

test('move and copy', () => {
  const out = jsonPatch(deploy(), [
    { op: 'copy', from: '/metadata/labels', path: '/spec/template/metadata' },
    { op: 'move', from: '/metadata/annotations/a~1b', path: '/metadata/labels/moved' },
  ]) as any;
  assert.deepEqual(out.spec.template.metadata, { app: 'web' });
  assert.deepEqual(out.metadata.labels, { app: 'web', moved: '1' });
  assert.deepEqual(out.metadata.annotations, { 'c~d': '2' });
  // the copy is deep
  assert.notEqual(out.spec.template.metadata, out.metadata.labels);
  assertUnprocessable(() => jsonPatch(deploy(), [{ op: 'move', from: '/metadata/nope', path: '/metadata/x' }]), /Unable to remove nonexistent key/);
  assertUnprocessable(() => jsonPatch(deploy(), [{ op: 'move', path: '/metadata/x' }]), /missing from field/);
});

test('the whole patch fails atomically', () => {
  const doc = deploy();
  assertUnprocessable(() =>
    jsonPatch(doc, [
      { op: 'replace', path: '/spec/replicas', value: 9 },
      { op: 'test', path: '/spec/replicas', value: 1 },
    ]),
  );
  assert.equal(doc.spec.replicas, 1);
});

test('unknown or missing op is a 422; a document that is not a list of objects is a 400', () => {
  assertUnprocessable(() => jsonPatch(deploy(), [{ op: 'frobnicate', path: '/a' }]), /Unexpected kind: frobnicate/);
  assertUnprocessable(() => jsonPatch(deploy(), [{ path: '/a' }]), /Unexpected kind: unknown/);
  assertUnprocessable(() => jsonPatch(deploy(), [{ op: 'add', value: 1 }]), /failed to decode path/);
  assert.throws(
    () => jsonPatch(deploy(), { op: 'add', path: '/a', value: 1 }),
    (e: unknown) => e instanceof StatusError && e.code === 400 && e.reason === 'BadRequest' && e.message === 'json: cannot unmarshal object into Go value of type jsonpatch.Patch',
  );
  assert.throws(
    () => jsonPatch(deploy(), ['add']),
    (e: unknown) => e instanceof StatusError && e.code === 400 && e.message === 'json: cannot unmarshal string into Go value of type jsonpatch.Operation',
  );
});

test('more than 10000 operations is 413', () => {
  const ops = Array.from({ length: 10001 }, () => ({ op: 'test', path: '/kind', value: 'Deployment' }));
  assert.throws(
    () => jsonPatch(deploy(), ops),
    (e: unknown) =>
      e instanceof StatusError && e.code === 413 && e.message === 'Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001',
  );
});

test('replace of the whole document', () => {
  assert.deepEqual(jsonPatch({ a: 1 }, [{ op: 'replace', path: '', value: { b: 2 } }]), { b: 2 });
  assertUnprocessable(() => jsonPatch({ a: 1 }, [{ op: 'replace', path: '', value: 3 }]));
});
