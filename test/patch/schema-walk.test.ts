import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JSONSchema } from '../../server/registry/types.js';
import { ext, fieldSchema, isNamedField, itemsSchema, listTypeOf, patchMetaOf, shapeOf } from '../../server/apiserver/patch/schema-walk.js';
import { deploymentSchema, resolve } from './fixtures.test.js';

const str: JSONSchema = { type: 'string' };

test('schema walk: fields, items and extensions through $ref and allOf wrappers', () => {
  const spec = fieldSchema(deploymentSchema, 'spec', resolve);
  assert.equal(shapeOf(spec, resolve), 'map');
  const strategy = fieldSchema(spec, 'strategy', resolve);
  assert.deepEqual(patchMetaOf(strategy, resolve).strategies, ['retainKeys']);
  assert.equal(isNamedField(resolve(strategy!), 'rollingUpdate', resolve), true);
  const podSpec = fieldSchema(fieldSchema(spec, 'template', resolve), 'spec', resolve);
  const containers = fieldSchema(podSpec, 'containers', resolve);
  assert.deepEqual(listTypeOf(containers, resolve), { rel: 'map', keys: ['name'] });
  assert.equal(patchMetaOf(containers, resolve).mergeKey, 'name');
  assert.equal(shapeOf(itemsSchema(containers, resolve), resolve), 'map');
  assert.equal(ext(fieldSchema(podSpec, 'nodeSelector', resolve), 'x-kubernetes-map-type', resolve), 'atomic');
  assert.deepEqual(patchMetaOf(fieldSchema(podSpec, 'volumes', resolve), resolve).strategies, ['merge', 'retainKeys']);
  // a map's values share one schema; unknown fields have none
  const labels = fieldSchema(fieldSchema(deploymentSchema, 'metadata', resolve), 'labels', resolve);
  assert.equal(shapeOf(fieldSchema(labels, 'anything', resolve), resolve), 'scalar');
  assert.equal(isNamedField(labels, 'anything', resolve), false);
  assert.equal(fieldSchema(spec, 'nope', resolve), undefined);
  // int-or-string is a scalar
  const ru = fieldSchema(fieldSchema(strategy, 'rollingUpdate', resolve), 'maxSurge', resolve);
  assert.equal(shapeOf(ru, resolve), 'scalar');
});

test('schema walk: list type falls back to the patch strategy, then atomic', () => {
  assert.deepEqual(listTypeOf({ type: 'array', items: str, 'x-kubernetes-patch-strategy': 'merge' }, resolve), { rel: 'set', keys: [] });
  assert.deepEqual(listTypeOf({ type: 'array', items: { type: 'object' }, 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-patch-merge-key': 'k' }, resolve), {
    rel: 'map',
    keys: ['k'],
  });
  assert.deepEqual(listTypeOf({ type: 'array', items: str }, resolve), { rel: 'atomic', keys: [] });
  assert.deepEqual(listTypeOf(undefined, resolve), { rel: 'atomic', keys: [] });
});

test('schema walk: a resolver that throws reads as an unknown schema', () => {
  const broken = (s: JSONSchema): JSONSchema => {
    if (s.$ref) throw new Error('dangling');
    return s;
  };
  assert.equal(shapeOf({ $ref: '#/components/schemas/missing' }, broken), undefined);
  assert.equal(fieldSchema({ $ref: '#/components/schemas/missing' }, 'x', broken), undefined);
});
