/**
 * Custom resources: validation against a CRD's structural schema (kube-openapi wording, apiextensions
 * field errors), pruning of unknown fields, defaulting, and the schemas a CRD publishes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultCustomResource, pruneCustomResource, validateCustomResource } from '../../server/registry/schema/decode.js';
import { customResourceSchemas, definitionForGVK, registerDefinition, schemaFor, unregisterDefinition } from '../../server/registry/schema/index.js';
import { fieldErrorText } from '../../server/apiserver/errors.js';
import type { JSONSchema } from '../../server/registry/types.js';

const schema: JSONSchema = {
  type: 'object',
  properties: {
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    metadata: { type: 'object' },
    spec: {
      type: 'object',
      required: ['cronSpec'],
      properties: {
        cronSpec: { type: 'string', pattern: '^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$' },
        image: { type: 'string', minLength: 1, maxLength: 20 },
        replicas: { type: 'integer', minimum: 1, maximum: 10 },
        ratio: { type: 'number', exclusiveMaximum: true, maximum: 1, multipleOf: 0.25 },
        mode: { type: 'string', enum: ['Fast', 'Slow'] },
        port: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] },
        tags: { type: 'array', maxItems: 2, minItems: 1, items: { type: 'string' } },
        env: { type: 'array', items: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, value: { type: 'string' } } } },
        labels: { type: 'object', additionalProperties: { type: 'string' }, maxProperties: 2 },
        note: { type: 'string', nullable: true },
        raw: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        free: { 'x-kubernetes-preserve-unknown-fields': true },
        template: { type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true },
        when: { type: 'string', format: 'date-time' },
        size: { type: 'string', default: 'small' },
        nested: { type: 'object', default: {}, properties: { level: { type: 'integer', default: 3 } } },
      },
    },
    status: { type: 'object', properties: { ready: { type: 'boolean' } } },
  },
};

function cr(spec: Record<string, unknown>): any {
  return { apiVersion: 'stable.example.com/v1', kind: 'CronTab', metadata: { name: 'c' }, spec: { cronSpec: '* * * * */5', ...spec } };
}

const texts = (obj: unknown) => validateCustomResource(obj, schema).map(fieldErrorText);

test('a valid custom resource has no errors', () => {
  const ok = cr({
    image: 'nginx', replicas: 3, ratio: 0.5, mode: 'Fast', port: 'http', tags: ['a'], env: [{ name: 'A' }], labels: { a: 'b' },
    note: null, raw: { anything: [1, { x: 2 }] }, free: 7, template: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x' }, spec: {} },
    when: '2024-01-01T00:00:00Z',
  });
  assert.deepEqual(validateCustomResource(ok, schema), []);
  assert.deepEqual(validateCustomResource(cr({ port: 8080, replicas: 2.0 }), schema), []);
});

test('type errors, as upstream prints them', () => {
  const errs = validateCustomResource(cr({ replicas: 'string' }), schema);
  assert.deepEqual(errs, [
    { type: 'FieldValueTypeInvalid', field: 'spec.replicas', value: 'string', detail: 'spec.replicas in body must be of type integer: "string"' },
  ]);
  assert.deepEqual(texts(cr({ replicas: 'string' })), ['spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"']);
  assert.deepEqual(texts(cr({ replicas: 1.5 })), ['spec.replicas: Invalid value: "number": spec.replicas in body must be of type integer: "number"']);
  assert.deepEqual(texts(cr({ image: null })), ['spec.image: Invalid value: "null": spec.image in body must be of type string: "null"']);
  assert.deepEqual(texts(cr({ tags: 'a' })), ['spec.tags: Invalid value: "string": spec.tags in body must be of type array: "string"']);
  assert.deepEqual(texts(cr({ env: [{ name: 1 }] })), ['spec.env[0].name: Invalid value: "integer": spec.env[0].name in body must be of type string: "integer"']);
  assert.deepEqual(texts(cr({ labels: { a: true } })), ['spec.labels.a: Invalid value: "boolean": spec.labels.a in body must be of type string: "boolean"']);
  assert.deepEqual(texts(cr({ when: 'yesterday' })), ['spec.when: Invalid value: "yesterday": spec.when in body must be of type date-time: "yesterday"']);
  // int-or-string takes either
  assert.equal(validateCustomResource(cr({ port: true }), schema)[0].type, 'FieldValueTypeInvalid');
});

test('required, enum, bounds, pattern, lengths, items', () => {
  const c = cr({});
  delete c.spec.cronSpec;
  assert.deepEqual(texts(c), ['spec.cronSpec: Required value']);
  assert.deepEqual(texts(cr({ env: [{ value: 'x' }] })), ['spec.env[0].name: Required value']);
  assert.deepEqual(texts(cr({ mode: 'Medium' })), ['spec.mode: Unsupported value: "Medium": supported values: "Fast", "Slow"']);
  assert.deepEqual(texts(cr({ replicas: 0 })), ['spec.replicas: Invalid value: 0: spec.replicas in body should be greater than or equal to 1']);
  assert.deepEqual(texts(cr({ replicas: 11 })), ['spec.replicas: Invalid value: 11: spec.replicas in body should be less than or equal to 10']);
  assert.deepEqual(texts(cr({ ratio: 1 })), ['spec.ratio: Invalid value: 1: spec.ratio in body should be less than 1']);
  assert.deepEqual(texts(cr({ ratio: 0.3 })), ['spec.ratio: Invalid value: 0.3: spec.ratio in body should be a multiple of 0.25']);
  assert.deepEqual(texts(cr({ cronSpec: 'every minute' })), [
    `spec.cronSpec: Invalid value: "every minute": spec.cronSpec in body should match '${(schema.properties!.spec.properties!.cronSpec as JSONSchema).pattern}'`,
  ]);
  assert.deepEqual(texts(cr({ image: '' })), ['spec.image: Invalid value: "": spec.image in body should be at least 1 chars long']);
  assert.deepEqual(texts(cr({ image: 'x'.repeat(21) })), ['spec.image: Too long: may not be more than 20 bytes']);
  assert.deepEqual(texts(cr({ tags: ['a', 'b', 'c'] })), ['spec.tags: Too many: 3: must have at most 2 items']);
  assert.deepEqual(texts(cr({ tags: [] })), ['spec.tags: Invalid value: []: spec.tags in body should have at least 1 items']);
  assert.deepEqual(texts(cr({ labels: { a: 'a', b: 'b', c: 'c' } })), ['spec.labels: Too many: 3: must have at most 2 items']);
});

test('embedded resources need apiVersion and kind', () => {
  assert.deepEqual(texts(cr({ template: { spec: {} } })), ['spec.template.apiVersion: Required value: must not be empty', 'spec.template.kind: Required value: must not be empty']);
});

test('pruning drops unknown fields except where preserved, and reports them', () => {
  const obj = cr({
    image: 'x',
    typo: 1,
    env: [{ name: 'a', extra: true }],
    raw: { kept: { deep: 1 } },
    free: { also: 'kept' },
    template: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', bogus: 1 }, spec: { anything: 1 } },
    note: null,
    image2: null,
  });
  obj.status = { ready: true, phase: 'x' };
  obj.topLevel = 1;
  obj.metadata.unknownMeta = 'x';
  const pruned = pruneCustomResource(obj, schema);
  assert.deepEqual(pruned.sort(), [
    'metadata.unknownMeta',
    'spec.env[0].extra',
    'spec.image2',
    'spec.template.metadata.bogus',
    'spec.typo',
    'status.phase',
    'topLevel',
  ]);
  assert.deepEqual(obj.spec.raw, { kept: { deep: 1 } });
  assert.deepEqual(obj.spec.free, { also: 'kept' });
  assert.deepEqual(obj.spec.template, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { anything: 1 } });
  assert.equal(obj.spec.note, null, 'nullable null stays');
  assert.deepEqual(obj.metadata, { name: 'c' }, 'metadata is held to ObjectMeta, not pruned by the CRD schema');
  assert.equal(obj.apiVersion, 'stable.example.com/v1');
});

test('null in a field that is neither nullable nor defaulted is dropped, not reported', () => {
  const obj = cr({ image: null, replicas: null });
  assert.deepEqual(pruneCustomResource(obj, schema), []);
  assert.equal('image' in obj.spec, false);
  assert.deepEqual(validateCustomResource(obj, schema), []);
});

test('defaults fill missing fields, recursively', () => {
  const obj = cr({});
  defaultCustomResource(obj, schema);
  assert.equal(obj.spec.size, 'small');
  assert.deepEqual(obj.spec.nested, { level: 3 });
  const kept = cr({ size: 'big', nested: { level: 1 } });
  defaultCustomResource(kept, schema);
  assert.equal(kept.spec.size, 'big');
  assert.deepEqual(kept.spec.nested, { level: 1 });
});

test('the schemas a CRD publishes: kind with apiVersion/kind/metadata and GVK, plus its list', () => {
  const { name, schema: s, listName, listSchema } = customResourceSchemas('stable.example.com', 'v1', 'CronTab', schema, 'A scheduled tab.');
  assert.equal(name, 'com.example.stable.v1.CronTab');
  assert.equal(listName, 'com.example.stable.v1.CronTabList');
  assert.deepEqual(s['x-kubernetes-group-version-kind'], [{ group: 'stable.example.com', version: 'v1', kind: 'CronTab' }]);
  assert.deepEqual(s.properties!.metadata, { $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' });
  assert.equal(s.description, 'A scheduled tab.');
  assert.deepEqual(listSchema.required, ['items']);
  registerDefinition(name, s);
  registerDefinition(listName, listSchema);
  try {
    assert.equal(schemaFor(name), s);
    assert.equal(definitionForGVK({ group: 'stable.example.com', version: 'v1', kind: 'CronTabList' }), listName);
    assert.throws(() => registerDefinition('io.k8s.api.core.v1.Pod', {}), /built-in/);
  } finally {
    unregisterDefinition(name);
    unregisterDefinition(listName);
  }
  assert.equal(schemaFor(name), undefined);
});
