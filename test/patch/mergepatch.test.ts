import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergePatch } from '../../server/apiserver/patch/mergepatch.js';
import { StatusError } from '../../server/apiserver/errors.js';

test('kubectl label / annotate / scale shaped patches', () => {
  const doc = { metadata: { name: 'web', labels: { app: 'web', old: 'x' } }, spec: { replicas: 1, template: { spec: { containers: [{ name: 'a' }] } } } };
  const out = mergePatch(doc, { metadata: { labels: { tier: 'front', old: null } }, spec: { replicas: 3 } }) as any;
  assert.deepEqual(out.metadata.labels, { app: 'web', tier: 'front' });
  assert.equal(out.spec.replicas, 3);
  assert.deepEqual(out.spec.template, doc.spec.template);
  assert.deepEqual(doc.metadata.labels, { app: 'web', old: 'x' }, 'input untouched');
});

test('lists are replaced, not merged', () => {
  const out = mergePatch({ l: [1, 2, 3], o: { a: [{ x: 1 }] } }, { l: [4], o: { a: [] } }) as any;
  assert.deepEqual(out, { l: [4], o: { a: [] } });
});

test('null deletes; nulls inside new values are pruned (RFC 7386)', () => {
  const out = mergePatch({ a: 1, b: { c: 2 } }, { a: null, b: null, n: { x: null, y: 1, z: { w: null } }, missing: null }) as any;
  assert.deepEqual(out, { n: { y: 1, z: {} } });
});

test('a scalar replaced by an object, an object replaced by a scalar', () => {
  assert.deepEqual(mergePatch({ a: 1 }, { a: { b: 1, c: null } }), { a: { b: 1 } });
  assert.deepEqual(mergePatch({ a: { b: 1 } }, { a: 'x' }), { a: 'x' });
});

test('an array patch replaces the document; null or scalar patches are Invalid JSON Patch (400)', () => {
  assert.deepEqual(mergePatch({ a: 1 }, [{ a: null, b: 1 }, null]), [{ b: 1 }, null]);
  for (const bad of [null, 'x', 3, true]) {
    assert.throws(
      () => mergePatch({ a: 1 }, bad),
      (e: unknown) => e instanceof StatusError && e.code === 400 && e.reason === 'BadRequest' && e.message === 'Invalid JSON Patch',
    );
  }
});
