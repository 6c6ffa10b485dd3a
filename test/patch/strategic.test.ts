import { test } from 'node:test';
import assert from 'node:assert/strict';
import { strategicMergePatch } from '../../server/apiserver/patch/strategic.js';
import { StatusError } from '../../server/apiserver/errors.js';
import { deploymentSchema, resolve } from './fixtures.test.js';

function deployment(): any {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', labels: { app: 'web' }, finalizers: ['a', 'b'] },
    spec: {
      replicas: 1,
      minReadySeconds: 5,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            {
              name: 'nginx',
              image: 'nginx',
              args: ['-a', '-b'],
              ports: [{ containerPort: 80, protocol: 'TCP' }],
              env: [
                { name: 'X', value: '1' },
                { name: 'Y', value: '2' },
              ],
            },
            { name: 'sidecar', image: 'busybox' },
          ],
          volumes: [{ name: 'data', emptyDir: {} }],
          tolerations: [{ key: 'k', operator: 'Exists' }],
        },
      },
    },
  };
}

const smp = (doc: unknown, patch: unknown) => strategicMergePatch(doc, patch, deploymentSchema, resolve) as any;
const names = (list: { name: string }[]) => list.map((x) => x.name);

function assertStatus(fn: () => unknown, code: number, message: string | RegExp, reason?: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof StatusError, String(e));
    assert.equal(e.code, code);
    if (reason !== undefined) assert.equal(e.reason, reason);
    if (typeof message === 'string') assert.equal(e.message, message);
    else assert.match(e.message, message);
    return true;
  });
}

test('kubectl set image: $setElementOrder/containers and a partial container', () => {
  const doc = deployment();
  const out = smp(doc, {
    spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'nginx' }, { name: 'sidecar' }], containers: [{ image: 'httpd', name: 'nginx' }] } } },
  });
  const [nginx, sidecar] = out.spec.template.spec.containers;
  assert.deepEqual(names(out.spec.template.spec.containers), ['nginx', 'sidecar']);
  assert.equal(nginx.image, 'httpd');
  assert.deepEqual(nginx.env, doc.spec.template.spec.containers[0].env, 'the rest of the container is kept');
  assert.equal(sidecar.image, 'busybox');
  assert.equal(doc.spec.template.spec.containers[0].image, 'nginx', 'input untouched');
});

test('kubectl apply three-way patch deleting a container with $patch: delete', () => {
  const out = smp(deployment(), {
    metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}\n' } },
    spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'nginx' }], containers: [{ $patch: 'delete', name: 'sidecar' }] } } },
  });
  assert.deepEqual(names(out.spec.template.spec.containers), ['nginx']);
  assert.equal(out.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration'], '{}\n');
});

test('kubectl apply three-way patch deleting an env var, and a field set to null', () => {
  const out = smp(deployment(), {
    spec: {
      minReadySeconds: null,
      template: {
        spec: {
          '$setElementOrder/containers': [{ name: 'nginx' }, { name: 'sidecar' }],
          containers: [{ '$setElementOrder/env': [{ name: 'X' }], env: [{ $patch: 'delete', name: 'Y' }], name: 'nginx' }],
        },
      },
    },
  });
  assert.equal('minReadySeconds' in out.spec, false);
  assert.deepEqual(out.spec.template.spec.containers[0].env, [{ name: 'X', value: '1' }]);
});

test('$retainKeys: switching the strategy from RollingUpdate to Recreate', () => {
  const out = smp(deployment(), { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: null } } });
  assert.deepEqual(out.spec.strategy, { type: 'Recreate' });
  // without the null, retainKeys alone clears the unlisted key
  const out2 = smp(deployment(), { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } });
  assert.deepEqual(out2.spec.strategy, { type: 'Recreate' });
});

test('volumes merge by name and honour $retainKeys per item', () => {
  const out = smp(deployment(), {
    spec: {
      template: {
        spec: { '$setElementOrder/volumes': [{ name: 'data' }], volumes: [{ $retainKeys: ['configMap', 'name'], configMap: { name: 'cm' }, name: 'data' }] },
      },
    },
  });
  assert.deepEqual(out.spec.template.spec.volumes, [{ name: 'data', configMap: { name: 'cm' } }]);
});

test('$deleteFromPrimitiveList/finalizers, alone and with $setElementOrder', () => {
  assert.deepEqual(smp(deployment(), { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] } }).metadata.finalizers, ['b']);
  const out = smp(deployment(), { metadata: { '$setElementOrder/finalizers': ['b', 'c'], '$deleteFromPrimitiveList/finalizers': ['a'], finalizers: ['c'] } });
  assert.deepEqual(out.metadata.finalizers, ['b', 'c']);
  // deleting from a list that is not there does not create it
  const doc = deployment();
  delete doc.metadata.finalizers;
  assert.equal('finalizers' in smp(doc, { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] } }).metadata, false);
});

test('lists of scalars with the merge strategy merge as sets; new values come first (upstream order)', () => {
  assert.deepEqual(smp(deployment(), { metadata: { finalizers: ['c', 'a'] } }).metadata.finalizers, ['c', 'a', 'b']);
  assert.deepEqual(smp(deployment(), { metadata: { finalizers: ['b'] } }).metadata.finalizers, ['a', 'b']);
});

test('lists of maps merge by key; without $setElementOrder server-only items come first', () => {
  // the example of the "preserve order in strategic merge patch" design
  const doc = { spec: { template: { spec: { containers: [{ name: 'B' }, { name: 'C' }, { name: 'A' }] } } } };
  const out = smp(doc, { spec: { template: { spec: { containers: [{ name: 'A', image: "a'" }, { name: 'B', image: "b'" }, { name: 'D' }] } } } });
  assert.deepEqual(out.spec.template.spec.containers, [{ name: 'C' }, { name: 'A', image: "a'" }, { name: 'B', image: "b'" }, { name: 'D' }]);
  // a new container alone is put before the existing ones
  const added = smp(deployment(), { spec: { template: { spec: { containers: [{ name: 'new', image: 'x' }] } } } });
  assert.deepEqual(names(added.spec.template.spec.containers), ['new', 'nginx', 'sidecar']);
});

test('$setElementOrder reorders; items it does not name keep their server position relative to it', () => {
  // The design proposal says server-only items all go first ([C, D, E, A, B]); the code
  // (mergeSortedSlice) inserts each before the first patch item that follows it on the server,
  // so E, last on the server, stays last. We follow the code.
  const doc = { spec: { template: { spec: { containers: ['C', 'B', 'D', 'A', 'E'].map((name) => ({ name })) } } } };
  const out = smp(doc, { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'A' }, { name: 'B' }], containers: [{ name: 'A', image: 'a' }, { name: 'B', image: 'b' }] } } } });
  assert.deepEqual(names(out.spec.template.spec.containers), ['C', 'D', 'A', 'B', 'E']);
  const reorder = smp(deployment(), { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'nginx' }] } } } });
  assert.deepEqual(names(reorder.spec.template.spec.containers), ['sidecar', 'nginx']);
});

test('container ports merge by containerPort', () => {
  const out = smp(deployment(), {
    spec: { template: { spec: { containers: [{ name: 'nginx', ports: [{ containerPort: 80, name: 'http' }, { containerPort: 443 }] }] } } },
  });
  assert.deepEqual(out.spec.template.spec.containers.find((c: any) => c.name === 'nginx').ports, [
    { containerPort: 80, protocol: 'TCP', name: 'http' },
    { containerPort: 443 },
  ]);
});

test('lists without the merge strategy are replaced (args, tolerations)', () => {
  const out = smp(deployment(), {
    spec: { template: { spec: { tolerations: [{ key: 'z', operator: 'Equal', value: 'v' }], containers: [{ name: 'nginx', args: ['-c'] }] } } },
  });
  assert.deepEqual(out.spec.template.spec.tolerations, [{ key: 'z', operator: 'Equal', value: 'v' }]);
  assert.deepEqual(out.spec.template.spec.containers.find((c: any) => c.name === 'nginx').args, ['-c']);
});

test('kubectl rollout restart / pause: plain map merges', () => {
  const out = smp(deployment(), { spec: { paused: true, template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': '2025-01-01T00:00:00Z' } } } } });
  assert.equal(out.spec.paused, true);
  assert.deepEqual(out.spec.template.metadata, { labels: { app: 'web' }, annotations: { 'kubectl.kubernetes.io/restartedAt': '2025-01-01T00:00:00Z' } });
});

test('$patch: replace and $patch: delete, at map and list level', () => {
  assert.deepEqual(smp(deployment(), { metadata: { labels: { $patch: 'replace', tier: 'x' } } }).metadata.labels, { tier: 'x' });
  assert.deepEqual(smp(deployment(), { spec: { strategy: { $patch: 'delete' } } }).spec.strategy, {});
  const out = smp(deployment(), { spec: { template: { spec: { containers: [{ name: 'only', image: 'x' }, { $patch: 'replace' }] } } } });
  assert.deepEqual(out.spec.template.spec.containers, [{ name: 'only', image: 'x' }]);
});

test('new values are taken as they are, without their nulls; type changes replace', () => {
  const doc = deployment();
  delete doc.spec.strategy;
  const out = smp(doc, { spec: { strategy: { type: 'Recreate', rollingUpdate: null }, replicas: '2' } });
  assert.deepEqual(out.spec.strategy, { type: 'Recreate' });
  assert.equal(out.spec.replicas, '2');
});

test('fields the schema does not know: maps merge, lists replace', () => {
  const doc = { spec: { extra: { a: 1, l: [1, 2] } } };
  assert.deepEqual(smp(doc, { spec: { extra: { b: 2, l: [3] } } }).spec.extra, { a: 1, b: 2, l: [3] });
});

test('errors: a merge-list item without its merge key is the library error (500)', () => {
  assertStatus(() => smp(deployment(), { spec: { template: { spec: { containers: [{ image: 'x' }] } } } }), 500, 'map: map[image:x] does not contain declared merge key: name', '');
  const doc = deployment();
  doc.spec.template.spec.containers.push({ image: 'noname' });
  assertStatus(() => smp(doc, { spec: { template: { spec: { containers: [{ name: 'nginx', image: 'x' }] } } } }), 500, /does not contain declared merge key: name/);
});

test('errors: malformed directives are 400 BadRequest', () => {
  assertStatus(() => smp(deployment(), { spec: { strategy: { $retainKeys: 'type', type: 'Recreate' } } }), 400, 'invalid patch format of retainKeys', 'BadRequest');
  assertStatus(() => smp(deployment(), { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: { maxSurge: 1 } } } }), 400, 'invalid patch format of retainKeys');
  assertStatus(() => smp(deployment(), { metadata: { $deleteFromPrimitiveListfinalizers: ['a'] } }), 400, 'invalid patch format of primitive list');
  assertStatus(() => smp(deployment(), { metadata: { '$setElementOrderfinalizers': ['a'] } }), 400, 'invalid patch format of setElementOrder list');
});

test('errors: a list of lists is the generic 422; other library errors are 500 with their message', () => {
  const doc = deployment();
  doc.metadata.finalizers = [];
  assertStatus(() => smp(doc, { metadata: { finalizers: [['a']] } }), 422, 'the server rejected our request due to an error in our request', 'Invalid');
  assertStatus(() => smp(deployment(), { spec: { template: { spec: { containers: [{ name: 'nginx', $patch: 'merge' }] } } } }), 500, 'merging lists cannot yet be specified in the patch');
  assertStatus(() => smp(deployment(), { metadata: { labels: { $patch: 'bogus' } } }), 500, 'unknown patch type: bogus in map: map[$patch:bogus]');
  assertStatus(
    () =>
      smp(deployment(), {
        spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'sidecar' }], containers: [{ name: 'nginx', image: 'x' }] } } },
      }),
    500,
    'The order in patch list:\n[map[image:x name:nginx]]\n doesn\'t match $setElementOrder list:\n[map[name:sidecar]]\n',
  );
  assertStatus(() => smp(deployment(), { metadata: { '$setElementOrder/finalizers': 'a' } }), 500, 'expected a []interface {}, but received a string');
});

test('a patch that is not an object is a 400', () => {
  assertStatus(() => smp(deployment(), [1]), 400, 'json: cannot unmarshal array into Go value of type map[string]interface {}');
});
