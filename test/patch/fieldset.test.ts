import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FieldSet, fieldPath, fieldPE, keyPE, parsePE, pathString, serializePE, type Path } from '../../server/apiserver/patch/fieldset.js';
import { KUBECTL_CREATE_FIELDS } from './fixtures.test.js';

const containersPath = (...rest: Path): Path => [...fieldPath('spec', 'template', 'spec', 'containers'), ...rest];
const nginx = keyPE([{ name: 'name', value: 'nginx' }]);

test('FieldsV1 round trip keeps upstream order: fields sorted, "." last', () => {
  const set = FieldSet.fromFieldsV1(KUBECTL_CREATE_FIELDS);
  assert.equal(JSON.stringify(set.toFieldsV1()), JSON.stringify(KUBECTL_CREATE_FIELDS));
  assert.ok(set.has(fieldPath('spec', 'replicas')));
  assert.ok(set.has(containersPath(nginx)), 'the list item is a member ("." in it)');
  assert.ok(set.has(containersPath(nginx, fieldPE('image'))));
  assert.ok(!set.has(fieldPath('spec')), 'a struct with owned children is not itself a member');
  assert.ok(set.has(fieldPath('metadata', 'labels')));
});

test('input order does not matter; "." anywhere is read', () => {
  const shuffled = { 'f:spec': { 'f:replicas': {} }, 'f:metadata': { '.': {}, 'f:labels': { 'f:b': {}, 'f:a': {} } } };
  assert.equal(JSON.stringify(FieldSet.fromFieldsV1(shuffled).toFieldsV1()), JSON.stringify({ 'f:metadata': { 'f:labels': { 'f:a': {}, 'f:b': {} }, '.': {} }, 'f:spec': { 'f:replicas': {} } }));
});

test('path elements: keys sorted by field name, values as Go JSON, order fields < keys < values', () => {
  const port = keyPE([
    { name: 'protocol', value: 'TCP' },
    { name: 'containerPort', value: 80 },
  ]);
  assert.equal(serializePE(port), 'k:{"containerPort":80,"protocol":"TCP"}');
  assert.equal(serializePE({ value: 'a<b' }), 'v:"a\\u003cb"');
  assert.equal(serializePE({ index: 3 }), 'i:3');
  const set = FieldSet.of([fieldPE('z')], [{ value: 'x' }], [port], [{ index: 0 }], [fieldPE('a')]);
  assert.deepEqual(Object.keys(set.toFieldsV1()), ['f:a', 'f:z', 'k:{"containerPort":80,"protocol":"TCP"}', 'v:"x"', 'i:0']);
  assert.deepEqual(parsePE('k:{"protocol":"TCP","containerPort":80}'), port);
  assert.equal(parsePE('x:whatever'), undefined, 'unknown element types are ignored');
  assert.throws(() => parsePE('f'), /key must be 2 characters long/);
  assert.throws(() => parsePE('fx'), /missing colon: fx/);
});

test('human form of paths, as conflict messages print them', () => {
  assert.equal(pathString(containersPath(nginx, fieldPE('image'))), '.spec.template.spec.containers[name="nginx"].image');
  assert.equal(pathString([fieldPE('metadata'), fieldPE('finalizers'), { value: 'x' }]), '.metadata.finalizers[="x"]');
  assert.equal(pathString([...fieldPath('spec', 'ports'), keyPE([{ name: 'port', value: 80 }, { name: 'protocol', value: 'TCP' }])]), '.spec.ports[port=80,protocol="TCP"]');
});

test('set algebra: union, intersection, difference, recursive difference', () => {
  const a = FieldSet.of(fieldPath('spec', 'replicas'), fieldPath('spec', 'paused'), containersPath(nginx), containersPath(nginx, fieldPE('image')));
  const b = FieldSet.of(fieldPath('spec', 'replicas'), containersPath(nginx));
  assert.deepEqual(
    a.intersection(b).paths().map(pathString),
    ['.spec.replicas', '.spec.template.spec.containers[name="nginx"]'],
  );
  // difference keeps what lies under a removed member; recursive difference drops it
  assert.deepEqual(a.difference(b).paths().map(pathString), ['.spec.paused', '.spec.template.spec.containers[name="nginx"].image']);
  assert.deepEqual(a.recursiveDifference(b).paths().map(pathString), ['.spec.paused']);
  assert.ok(a.union(FieldSet.of(fieldPath('metadata', 'labels', 'x'))).has(fieldPath('metadata', 'labels', 'x')));
  assert.ok(a.difference(a).empty());
  // operations never change their inputs
  assert.ok(a.has(fieldPath('spec', 'paused')));
});

test('iteration order: members of a level before its children (Set.Iterate)', () => {
  const s = FieldSet.of(containersPath(nginx, fieldPE('image')), fieldPath('spec', 'replicas'), fieldPath('apiVersion'));
  assert.deepEqual(s.paths().map(pathString), ['.apiVersion', '.spec.replicas', '.spec.template.spec.containers[name="nginx"].image']);
});

test('empty objects are members; empty input is an empty set', () => {
  assert.ok(FieldSet.fromFieldsV1({}).empty());
  assert.ok(FieldSet.fromFieldsV1(undefined).empty());
  assert.ok(FieldSet.fromFieldsV1({ 'f:a': {} }).has([fieldPE('a')]));
  assert.throws(() => FieldSet.fromFieldsV1({ 'f:a': 1 }), /expected an object/);
});
