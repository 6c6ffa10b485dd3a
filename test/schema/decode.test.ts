/**
 * Decode-time checks of built-in kinds: unknown fields (fieldValidation) and Go decoding errors,
 * worded as a v1.33 API server words them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  base64Error,
  cannotBeHandled,
  checkDecode,
  duplicateFields,
  firstTypeError,
  pruneUnknownFields,
  quantityError,
  QUANTITY_FORMAT_ERROR,
  strictDecodingError,
  timeParseError,
  unknownFields,
  unknownFieldWarnings,
} from '../../server/registry/schema/decode.js';

const DEPLOYMENT = 'io.k8s.api.apps.v1.Deployment';
const POD = 'io.k8s.api.core.v1.Pod';

function deployment(patch: (d: any) => void = () => {}): any {
  const d: any = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', labels: { app: 'web', 'example.com/free-form': 'yes' }, annotations: { 'a/b': 'c' } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            { name: 'a', image: 'nginx', ports: [{ containerPort: 80, protocol: 'TCP' }], resources: { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: 0.25 } } },
            { name: 'b', image: 'busybox', env: [{ name: 'X', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }] },
          ],
          volumes: [{ name: 'v', emptyDir: { sizeLimit: '1Gi' } }],
          nodeSelector: { 'kubernetes.io/os': 'linux' },
        },
      },
    },
  };
  patch(d);
  return d;
}

test('a valid Deployment decodes cleanly', () => {
  assert.deepEqual(checkDecode(deployment(), DEPLOYMENT), { unknown: [], typeError: undefined });
});

test('unknown fields at depth and inside list items, in document order', () => {
  const d = deployment((d) => {
    d.spec.foo = 1;
    d.spec.template.spec.containers[0].imagePullPolcy = 'Always';
    d.spec.template.spec.containers[1].env[0].valueFrom.fieldRef.bogus = true;
    d.metadata.nmae = 'x';
  });
  assert.deepEqual(unknownFields(d, DEPLOYMENT), [
    'metadata.nmae',
    'spec.template.spec.containers[0].imagePullPolcy',
    'spec.template.spec.containers[1].env[0].valueFrom.fieldRef.bogus',
    'spec.foo',
  ]);
});

test('free-form maps accept any key; preserve-unknown-fields types accept anything', () => {
  const rev = {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name: 'r',
      labels: { 'any.key/here': 'v' },
      managedFields: [{ manager: 'm', operation: 'Apply', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:anything': {} } } }],
    },
    data: { spec: { template: { whatever: [1, 2, { deep: true }] } } },
    revision: 3,
  };
  assert.deepEqual(checkDecode(rev, 'io.k8s.api.apps.v1.ControllerRevision'), { unknown: [], typeError: undefined });
  const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { 'any-key': 'aGVsbG8=' }, stringData: { other: 'x' } };
  assert.deepEqual(checkDecode(secret, 'io.k8s.api.core.v1.Secret'), { unknown: [], typeError: undefined });
  // a struct with no fields (CRD subresources.status) knows nothing
  const crd = {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'x.example.com' },
    spec: {
      group: 'example.com',
      names: { kind: 'X', plural: 'xs' },
      scope: 'Namespaced',
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          subresources: { status: { nope: 1 } },
          schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, default: { a: 1 } } } } },
        },
      ],
    },
  };
  assert.deepEqual(unknownFields(crd, 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition'), [
    'spec.versions[0].subresources.status.nope',
  ]);
});

test('unknown fields inside map values name the map key in the path', () => {
  const crd = {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'x.example.com' },
    spec: { versions: [{ name: 'v1', schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', typo: 1 } } } } }] },
  };
  assert.deepEqual(unknownFields(crd, 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition'), [
    'spec.versions[0].schema.openAPIV3Schema.properties.spec.typo',
  ]);
});

test('type errors are worded as Go json errors with the struct and field path', () => {
  const cases: [(d: any) => void, string][] = [
    [(d) => (d.spec.replicas = '3'), 'json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32'],
    [(d) => (d.spec.replicas = 1.5), 'json: cannot unmarshal number 1.5 into Go struct field DeploymentSpec.spec.replicas of type int32'],
    [(d) => (d.spec.replicas = 3000000000), 'json: cannot unmarshal number 3000000000 into Go struct field DeploymentSpec.spec.replicas of type int32'],
    [(d) => (d.spec.paused = 'true'), 'json: cannot unmarshal string into Go struct field DeploymentSpec.spec.paused of type bool'],
    [(d) => (d.spec.template.spec.containers[0].ports[0].containerPort = '80'), 'json: cannot unmarshal string into Go struct field ContainerPort.spec.template.spec.containers.ports.containerPort of type int32'],
    [(d) => (d.spec.template.spec.containers[0].image = 5), 'json: cannot unmarshal number into Go struct field Container.spec.template.spec.containers.image of type string'],
    [(d) => (d.spec.template.spec.containers[0].ports[0].protocol = 6), 'json: cannot unmarshal number into Go struct field ContainerPort.spec.template.spec.containers.ports.protocol of type v1.Protocol'],
    [(d) => (d.metadata.labels.version = 1), 'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string'],
    [(d) => (d.spec = []), 'json: cannot unmarshal array into Go struct field Deployment.spec of type v1.DeploymentSpec'],
    [(d) => (d.spec.template.spec.containers = { name: 'a' }), 'json: cannot unmarshal object into Go struct field PodSpec.spec.template.spec.containers of type []v1.Container'],
    [(d) => (d.spec.template.spec.containers[0].command = 'sh -c x'), 'json: cannot unmarshal string into Go struct field Container.spec.template.spec.containers.command of type []string'],
    [(d) => (d.metadata.labels = ['a']), 'json: cannot unmarshal array into Go struct field ObjectMeta.metadata.labels of type map[string]string'],
    [(d) => (d.spec.template.spec.containers[0].resources.limits = 'x'), 'json: cannot unmarshal string into Go struct field ResourceRequirements.spec.template.spec.containers.resources.limits of type v1.ResourceList'],
    [(d) => (d.spec.selector = 'app=web'), 'json: cannot unmarshal string into Go struct field DeploymentSpec.spec.selector of type v1.LabelSelector'],
    [(d) => (d.metadata.generation = 'one'), 'json: cannot unmarshal string into Go struct field ObjectMeta.metadata.generation of type int64'],
  ];
  for (const [mutate, want] of cases) assert.equal(firstTypeError(deployment(mutate), DEPLOYMENT), want);
});

test('types with their own JSON decoding: Quantity, IntOrString, Time, []byte', () => {
  const q = (v: unknown) => firstTypeError(deployment((d) => (d.spec.template.spec.containers[0].resources.limits.cpu = v)), DEPLOYMENT);
  assert.equal(q('abc'), QUANTITY_FORMAT_ERROR);
  assert.equal(q(true), QUANTITY_FORMAT_ERROR);
  assert.equal(q({ a: 1 }), QUANTITY_FORMAT_ERROR);
  assert.equal(q('1kk'), "unable to parse quantity's suffix");
  for (const ok of ['1', '0.5', '100m', '2Gi', '1e3', '1E-2', '+5', '.5', 1, 0.1]) assert.equal(q(ok), undefined, String(ok));
  assert.equal(QUANTITY_FORMAT_ERROR, "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");

  const ios = (v: unknown) => firstTypeError(deployment((d) => (d.spec.strategy.rollingUpdate.maxSurge = v)), DEPLOYMENT);
  assert.equal(ios('30%'), undefined);
  assert.equal(ios(2), undefined);
  assert.equal(ios(true), 'json: cannot unmarshal bool into Go value of type int32');
  assert.equal(ios(1.5), 'json: cannot unmarshal number 1.5 into Go value of type int32');
  assert.equal(ios([]), 'json: cannot unmarshal array into Go value of type int32');

  const ts = (v: unknown) => firstTypeError(deployment((d) => (d.metadata.creationTimestamp = v)), DEPLOYMENT);
  assert.equal(ts(null), undefined);
  assert.equal(ts('2024-05-01T10:00:00Z'), undefined);
  assert.equal(ts('2024-05-01T10:00:00.123456+02:00'), undefined);
  assert.equal(ts(5), 'json: cannot unmarshal number into Go value of type string');
  assert.equal(ts('2024-05-01 10:00:00'), 'parsing time "2024-05-01 10:00:00" as "2006-01-02T15:04:05Z07:00": cannot parse " 10:00:00" as "T"');
  assert.equal(timeParseError('2024-13-01T00:00:00Z'), 'parsing time "2024-13-01T00:00:00Z": month out of range');
  assert.equal(timeParseError('2023-02-29T00:00:00Z'), 'parsing time "2023-02-29T00:00:00Z": day out of range');
  assert.equal(timeParseError('2024-05-01T10:00:00Zjunk'), 'parsing time "2024-05-01T10:00:00Zjunk": extra text: "junk"');
  assert.equal(timeParseError('x'), 'parsing time "x" as "2006-01-02T15:04:05Z07:00": cannot parse "x" as "2006"');
  // MicroTime (events, leases) needs the six fraction digits
  const ev = { apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: { name: 'e' }, eventTime: '2024-05-01T10:00:00Z' };
  assert.equal(
    firstTypeError(ev, 'io.k8s.api.events.v1.Event'),
    'parsing time "2024-05-01T10:00:00Z" as "2006-01-02T15:04:05.000000Z07:00": cannot parse "Z" as ".000000"',
  );
  ev.eventTime = '2024-05-01T10:00:00.000001Z';
  assert.equal(firstTypeError(ev, 'io.k8s.api.events.v1.Event'), undefined);

  const sec = (v: unknown) => firstTypeError({ apiVersion: 'v1', kind: 'Secret', metadata: {}, data: { k: v } }, 'io.k8s.api.core.v1.Secret');
  assert.equal(sec('aGVsbG8='), undefined);
  assert.equal(sec('aGVs\nbG8='), undefined);
  assert.equal(sec('hello world'), 'illegal base64 data at input byte 5');
  assert.equal(sec('aGVsbG8'), 'illegal base64 data at input byte 4');
  assert.equal(sec(5), 'json: cannot unmarshal number into Go struct field Secret.data of type []uint8');
  assert.equal(base64Error('aGVsbG8=x'), 'illegal base64 data at input byte 8');
  assert.equal(quantityError(''), QUANTITY_FORMAT_ERROR);
});

test('null decodes to the zero value anywhere', () => {
  const d = deployment((d) => {
    d.spec.replicas = null;
    d.spec.template.spec.containers[0].ports = null;
    d.metadata.labels = null;
    d.status = null;
  });
  assert.deepEqual(checkDecode(d, DEPLOYMENT), { unknown: [], typeError: undefined });
});

test('the first type error in document order wins; unknown fields are still collected', () => {
  const d = deployment((d) => {
    d.spec.bogus = 1;
    d.spec.replicas = 'x';
    d.spec.template.spec.containers[0].image = 1;
  });
  const r = checkDecode(d, DEPLOYMENT);
  assert.equal(r.typeError, 'json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32');
  assert.deepEqual(r.unknown, ['spec.bogus']);
});

test('Pod: volumes, probes, security context, affinity decode; typos are found', () => {
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p' },
    spec: {
      containers: [
        {
          name: 'c',
          image: 'i',
          livenessProbe: { httpGet: { path: '/', port: 'http' }, initialDelaySeconds: 3 },
          readinessProbe: { tcpSocket: { port: 8080 } },
          securityContext: { capabilities: { add: ['NET_ADMIN'] }, runAsUser: 1000 },
        },
      ],
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'k', operator: 'In', values: ['a'] }] }] } } },
      tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoSchedule', tolerationSeconds: 30 }],
      volumes: [{ name: 'cfg', configMap: { name: 'c', items: [{ key: 'a', path: 'b', mode: 420 }] } }, { name: 'h', hostPath: { path: '/x', tpye: 'Directory' } }],
    },
  };
  assert.deepEqual(checkDecode(pod, POD), { unknown: ['spec.volumes[1].hostPath.tpye'], typeError: undefined });
});

test('pruning removes exactly the unknown fields', () => {
  const d = deployment((d) => {
    d.spec.foo = 1;
    d.spec.template.spec.containers[1].bar = { x: 1 };
  });
  assert.deepEqual(pruneUnknownFields(d, DEPLOYMENT), ['spec.template.spec.containers[1].bar', 'spec.foo']);
  assert.deepEqual(d, deployment());
  assert.deepEqual(unknownFields(d, DEPLOYMENT), []);
});

test('messages around the checks: strict decoding, warnings, BadRequest prefix, duplicates', () => {
  assert.equal(strictDecodingError(['spec.foo']), 'strict decoding error: unknown field "spec.foo"');
  assert.equal(
    strictDecodingError(['spec.foo', 'spec.bar'], ['spec.replicas']),
    'strict decoding error: unknown field "spec.foo", unknown field "spec.bar", duplicate field "spec.replicas"',
  );
  assert.deepEqual(unknownFieldWarnings(['spec.foo']), ['unknown field "spec.foo"']);
  assert.equal(
    cannotBeHandled('Deployment', 'v1', strictDecodingError(['spec.foo'])),
    'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.foo"',
  );
  assert.deepEqual(duplicateFields('{"spec":{"replicas":1,"replicas":2,"template":{"spec":{"containers":[{"name":"a","name":"b"}]}}}}'), [
    'spec.replicas',
    'spec.template.spec.containers[0].name',
  ]);
  assert.deepEqual(duplicateFields('{"a":"{\\"a\\":1,\\"a\\":2}","b":[1,2,{"c":1}]}'), []);
});
