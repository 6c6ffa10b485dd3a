/**
 * decodeProtobufObject on hand-built bodies: the Go-JSON forms of the special types, maps, bytes,
 * zero handling, inline structs, kind lookup, and malformed input (each throws, none hangs).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeProtobufObject, goDuration, protobufMessageFor, ProtobufDecodeError, MAX_NESTING } from '../../server/apiserver/protobuf/decode.js';

// ---------------------------------------------------------------------------------------------
// A minimal protobuf writer
// ---------------------------------------------------------------------------------------------

type Part = Buffer | number[];

function varint(v: number | bigint): number[] {
  let n = BigInt.asUintN(64, BigInt(v));
  const out: number[] = [];
  do {
    let b = Number(n & 0x7fn);
    n >>= 7n;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}

function cat(...parts: Part[]): Buffer {
  return Buffer.concat(parts.map((p) => (Buffer.isBuffer(p) ? p : Buffer.from(p))));
}

/** varint field */
function vf(no: number, v: number | bigint | boolean): Buffer {
  return cat(varint(no * 8), varint(typeof v === 'boolean' ? (v ? 1 : 0) : v));
}
/** length-delimited field (string, bytes or message) */
function lf(no: number, v: string | Buffer): Buffer {
  const b = typeof v === 'string' ? Buffer.from(v, 'utf8') : v;
  return cat(varint(no * 8 + 2), varint(b.length), b);
}
/** a map<k, v> entry field */
function entry(no: number, key: string, value?: Buffer | string): Buffer {
  return lf(no, cat(lf(1, key), value === undefined ? [] : lf(2, value)));
}

const MAGIC = Buffer.from('k8s\0', 'latin1');

function envelope(apiVersion: string, kind: string, raw: Buffer): Buffer {
  return cat(MAGIC, lf(1, cat(lf(1, apiVersion), lf(2, kind))), lf(2, raw), lf(3, ''), lf(4, ''));
}

/** ObjectMeta as go-to-protobuf writes it: every value field present, zero or not. */
function objectMeta(fields: { name?: string; namespace?: string; extra?: Buffer[] } = {}): Buffer {
  return cat(
    lf(1, fields.name ?? ''),
    lf(2, ''),
    lf(3, fields.namespace ?? ''),
    lf(4, ''),
    lf(5, ''),
    lf(6, ''),
    vf(7, 0),
    lf(8, Buffer.alloc(0)), // zero creationTimestamp: an empty message
    ...(fields.extra ?? []),
  );
}

function timestamp(seconds: number | bigint, nanos = 0): Buffer {
  return cat(seconds ? vf(1, seconds) : [], nanos ? vf(2, nanos) : []);
}

function intOrString(v: number | string): Buffer {
  return typeof v === 'number' ? cat(vf(1, 0), vf(2, v), lf(3, '')) : cat(vf(1, 1), vf(2, 0), lf(3, v));
}

const T_2026 = Date.UTC(2026, 0, 2, 3, 4, 5) / 1000;

function decodeError(body: Buffer, pattern?: RegExp): void {
  assert.throws(
    () => decodeProtobufObject(body),
    (e: unknown) => {
      assert.ok(e instanceof ProtobufDecodeError, `not a ProtobufDecodeError: ${String(e)}`);
      assert.ok(e instanceof Error);
      if (pattern) assert.match(e.message, pattern);
      return true;
    },
  );
}

// ---------------------------------------------------------------------------------------------

describe('protobuf decoding: types with their own JSON', () => {
  it('metav1.Time: RFC3339 seconds in UTC, nanos dropped, empty -> null, explicit 0 -> epoch', () => {
    const event = cat(
      lf(1, objectMeta({ name: 'e' })),
      lf(6, timestamp(T_2026, 999_000_000)),
      lf(7, Buffer.alloc(0)),
      lf(10, Buffer.alloc(0)),
    );
    const e = decodeProtobufObject(envelope('v1', 'Event', event));
    assert.equal(e.firstTimestamp, '2026-01-02T03:04:05Z');
    assert.equal(e.lastTimestamp, null);
    assert.equal(e.eventTime, null);
    assert.deepEqual(e.metadata, { name: 'e', creationTimestamp: null });

    const epoch = decodeProtobufObject(envelope('v1', 'Event', cat(lf(6, vf(1, 0)))));
    assert.equal(epoch.firstTimestamp, '1970-01-01T00:00:00Z');
    const old = decodeProtobufObject(envelope('v1', 'Event', cat(lf(6, timestamp(-1)))));
    assert.equal(old.firstTimestamp, '1969-12-31T23:59:59Z');
  });

  it('metav1.MicroTime: six truncated fraction digits', () => {
    const spec = cat(lf(1, 'me'), vf(2, 15), lf(3, timestamp(T_2026, 123_456_789)), lf(4, timestamp(T_2026)));
    const lease = decodeProtobufObject(envelope('coordination.k8s.io/v1', 'Lease', cat(lf(1, objectMeta({ name: 'l' })), lf(2, spec))));
    assert.deepEqual(lease.spec, {
      holderIdentity: 'me',
      leaseDurationSeconds: 15,
      acquireTime: '2026-01-02T03:04:05.123456Z',
      renewTime: '2026-01-02T03:04:05.000000Z',
    });
  });

  it('metav1.Duration: Go duration strings', () => {
    assert.equal(goDuration(0n), '0s');
    assert.equal(goDuration(1n), '1ns');
    assert.equal(goDuration(1500n), '1.5µs');
    assert.equal(goDuration(1_500_000n), '1.5ms');
    assert.equal(goDuration(1_000_000_000n), '1s');
    assert.equal(goDuration(90_000_000_000n), '1m30s');
    assert.equal(goDuration(3_600_000_000_000n), '1h0m0s');
    assert.equal(goDuration(3_723_500_000_000n), '1h2m3.5s');
    assert.equal(goDuration(-2_000_000_000n), '-2s');
    assert.equal(goDuration(-(2n ** 63n)), '-2562047h47m16.854775808s');
  });

  it('IntOrString: int or string by type; zero value struct -> 0', () => {
    const svc = cat(
      lf(1, objectMeta({ name: 's' })),
      lf(2, cat(lf(1, cat(lf(1, 'http'), lf(2, 'TCP'), vf(3, 80), lf(4, intOrString('web')), vf(5, 0))), lf(1, cat(lf(1, ''), lf(2, 'TCP'), vf(3, 81), lf(4, intOrString(8081)), vf(5, 30001))), lf(1, cat(lf(1, ''), vf(3, 82), lf(4, Buffer.alloc(0)))))),
      lf(3, Buffer.alloc(0)),
    );
    const s = decodeProtobufObject(envelope('v1', 'Service', svc));
    assert.deepEqual(s.spec.ports, [
      { name: 'http', protocol: 'TCP', port: 80, targetPort: 'web' },
      { protocol: 'TCP', port: 81, targetPort: 8081, nodePort: 30001 },
      { port: 82, targetPort: 0 },
    ]);
    assert.deepEqual(s.status, {});
  });

  it('Quantity: the string; absent string -> "0"', () => {
    const resources = cat(entry(1, 'cpu', lf(1, '500m')), entry(1, 'memory', lf(1, '1Gi')), entry(2, 'cpu', Buffer.alloc(0)));
    const container = cat(lf(1, 'c'), lf(2, 'nginx'), lf(8, resources));
    const pod = decodeProtobufObject(envelope('v1', 'Pod', cat(lf(1, objectMeta({ name: 'p' })), lf(2, lf(2, container)))));
    assert.deepEqual(pod.spec.containers[0].resources, { limits: { cpu: '500m', memory: '1Gi' }, requests: { cpu: '0' } });
  });

  it('RawExtension: JSON bytes -> parsed JSON; empty -> null; embedded protobuf object decoded', () => {
    const withJSON = decodeProtobufObject(envelope('apps/v1', 'ControllerRevision', cat(lf(1, objectMeta({ name: 'r' })), lf(2, lf(1, '{"spec":{"template":{"a":[1,2]}}}')), vf(3, 4))));
    assert.deepEqual(withJSON.data, { spec: { template: { a: [1, 2] } } });
    assert.equal(withJSON.revision, 4);
    const empty = decodeProtobufObject(envelope('apps/v1', 'ControllerRevision', cat(lf(1, objectMeta({ name: 'r' })), lf(2, Buffer.alloc(0)), vf(3, 0))));
    assert.equal(empty.data, null);
    // revision is a pointer-free int64 without omitempty (required): its 0 is kept.
    assert.equal(empty.revision, 0);
    const inner = envelope('v1', 'ConfigMap', cat(lf(1, objectMeta({ name: 'cm' })), entry(2, 'k', 'v')));
    const nested = decodeProtobufObject(envelope('apps/v1', 'ControllerRevision', cat(lf(2, lf(1, inner)))));
    assert.deepEqual(nested.data, { kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'cm', creationTimestamp: null }, data: { k: 'v' } });
  });

  it('FieldsV1 in managedFields: parsed JSON', () => {
    const mf = cat(lf(1, 'kubectl'), lf(2, 'Update'), lf(3, 'v1'), lf(4, timestamp(T_2026)), lf(6, 'FieldsV1'), lf(7, lf(1, '{"f:data":{"f:k":{}}}')), lf(8, ''));
    const cm = decodeProtobufObject(envelope('v1', 'ConfigMap', lf(1, objectMeta({ name: 'c', extra: [lf(17, mf)] }))));
    assert.deepEqual(cm.metadata.managedFields, [{ manager: 'kubectl', operation: 'Update', apiVersion: 'v1', time: '2026-01-02T03:04:05Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:k': {} } } }]);
  });
});

describe('protobuf decoding: maps, bytes, scalars, structure', () => {
  it('map<string,bytes> -> base64 strings, map<string,string> -> object, missing value -> zero', () => {
    const secret = cat(
      lf(1, objectMeta({ name: 's', namespace: 'ns', extra: [entry(11, 'app', 'web'), entry(11, '__proto__', 'x'), entry(12, 'note', '')] })),
      entry(2, 'bin', Buffer.from([0, 0xff, 0x10])),
      entry(2, 'empty'),
      lf(3, 'Opaque'),
      entry(4, 'plain', 'text'),
      vf(5, false),
    );
    const s = decodeProtobufObject(envelope('v1', 'Secret', secret));
    assert.deepEqual(s.data, { bin: 'AP8Q', empty: '' });
    assert.deepEqual(s.stringData, { plain: 'text' });
    assert.equal(s.type, 'Opaque');
    // immutable is a *bool: present on the wire means set, so its false is kept.
    assert.equal(s.immutable, false);
    assert.equal(s.metadata.namespace, 'ns');
    assert.equal(s.metadata.labels.app, 'web');
    assert.equal(Object.getPrototypeOf(s.metadata.labels), Object.prototype);
    assert.ok(Object.prototype.hasOwnProperty.call(s.metadata.labels, '__proto__'));
    assert.deepEqual(s.metadata.annotations, { note: '' });
    assert.equal(JSON.stringify(s.metadata.labels), '{"app":"web","__proto__":"x"}');
  });

  it('zeros: value fields dropped unless required; pointers kept; negative and large integers', () => {
    const sc = cat(vf(2, -1), vf(4, 1), vf(4, 2), lf(4, cat(varint(3), varint(-4))), vf(5, 2 ** 40));
    const podSpec = cat(
      lf(2, cat(lf(1, ''), lf(2, 'img'), lf(4, 'a'), lf(4, ''), vf(16, false), vf(17, true))),
      lf(3, ''),
      vf(4, 0),
      lf(14, sc),
      vf(11, false),
      vf(21, false),
      vf(25, -2147483648),
    );
    const pod = decodeProtobufObject(envelope('v1', 'Pod', cat(lf(1, objectMeta({ name: 'p' })), lf(2, podSpec), lf(3, Buffer.alloc(0)))));
    assert.deepEqual(pod.spec, {
      // name is required (no omitempty): its "" stays; stdin false is dropped, stdinOnce true kept.
      containers: [{ name: '', image: 'img', args: ['a', ''], stdinOnce: true }],
      terminationGracePeriodSeconds: 0,
      securityContext: { runAsUser: -1, supplementalGroups: [1, 2, 3, -4], fsGroup: 2 ** 40 },
      automountServiceAccountToken: false,
      priority: -2147483648,
    });
    assert.deepEqual(pod.status, {});
  });

  it('Deployment replicas: int32 pointer, 0 and negative kept', () => {
    const d0 = decodeProtobufObject(envelope('apps/v1', 'Deployment', cat(lf(1, objectMeta({ name: 'd' })), lf(2, cat(vf(1, 0), vf(5, 0), vf(7, false))))));
    assert.deepEqual(d0.spec, { replicas: 0 });
    const dn = decodeProtobufObject(envelope('apps/v1', 'Deployment', lf(2, vf(1, -3))));
    assert.equal(dn.spec.replicas, -3);
  });

  it('value fields without omitempty keep their zero (from the Go tags): StatefulSet serviceName', () => {
    // StatefulSetSpec.serviceName is `json:"serviceName"` although optional; minReadySeconds is omitempty.
    const spec = cat(lf(5, ''), vf(9, 0), lf(6, ''));
    const sts = decodeProtobufObject(envelope('apps/v1', 'StatefulSet', cat(lf(1, objectMeta({ name: 'db' })), lf(2, spec), lf(3, cat(vf(2, 0), vf(11, 0), vf(1, 0))))));
    assert.deepEqual(sts.spec, { serviceName: '' });
    // status.replicas and availableReplicas have no omitempty; observedGeneration has.
    assert.deepEqual(sts.status, { replicas: 0, availableReplicas: 0 });
  });

  it('inline embedded structs: Volume.volumeSource, ConfigMapVolumeSource.localObjectReference', () => {
    const cmvs = cat(lf(1, lf(1, 'cfg')), lf(2, cat(lf(1, 'k'), lf(2, 'p'))), vf(3, 0o644));
    const volume = cat(lf(1, 'v'), lf(2, cat(lf(19, cmvs))));
    const envFrom = cat(lf(1, 'P_'), lf(3, cat(lf(1, lf(1, 'sec')), vf(2, true))));
    const container = cat(lf(1, 'c'), lf(19, envFrom));
    const pod = decodeProtobufObject(envelope('v1', 'Pod', lf(2, cat(lf(1, volume), lf(2, container)))));
    assert.deepEqual(pod.spec.volumes, [{ name: 'v', configMap: { name: 'cfg', items: [{ key: 'k', path: 'p' }], defaultMode: 0o644 } }]);
    assert.deepEqual(pod.spec.containers[0].envFrom, [{ prefix: 'P_', secretRef: { name: 'sec', optional: true } }]);
  });

  it('fields whose proto name is not their JSON name: IngressClass parameters.apiGroup', () => {
    const spec = cat(lf(1, 'example.com/ctl'), lf(2, cat(lf(1, 'k8s.example.com'), lf(2, 'Params'), lf(3, 'p'))));
    const ic = decodeProtobufObject(envelope('networking.k8s.io/v1', 'IngressClass', cat(lf(1, objectMeta({ name: 'ic' })), lf(2, spec))));
    assert.deepEqual(ic.spec, { controller: 'example.com/ctl', parameters: { apiGroup: 'k8s.example.com', kind: 'Params', name: 'p' } });
  });

  it('a message field sent twice merges; a scalar sent twice keeps the last', () => {
    const body = cat(lf(1, cat(lf(1, 'first'), entry(11, 'a', '1'))), lf(1, cat(lf(1, 'second'), lf(3, 'ns'), entry(11, 'b', '2'))));
    const cm = decodeProtobufObject(envelope('v1', 'ConfigMap', body));
    assert.deepEqual(cm.metadata, { name: 'second', namespace: 'ns', labels: { a: '1', b: '2' } });
  });

  it('unknown fields of every wire type are skipped', () => {
    const unknown = cat(
      vf(99, 12345),
      [0xa1, 0x06, 1, 2, 3, 4, 5, 6, 7, 8], // field 100, fixed64
      [0xa5, 0x06, 1, 2, 3, 4], // field 100, fixed32
      lf(101, 'junk'),
      [0xb3, 0x06, 0x08, 0x01, 0xb3, 0x06, 0xb4, 0x06, 0xb4, 0x06], // field 102: group { varint, group {} }
    );
    const cm = decodeProtobufObject(envelope('v1', 'ConfigMap', cat(unknown, lf(1, cat(lf(1, 'c'), unknown)), entry(2, 'k', 'v'))));
    assert.deepEqual(cm, { kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'c' }, data: { k: 'v' } });
    // unknown envelope fields too
    const env = cat(MAGIC, vf(9, 1), lf(1, cat(lf(1, 'v1'), lf(2, 'ConfigMap'), lf(3, 'x'))), lf(2, lf(1, lf(1, 'c'))), lf(3, 'gzip-ignored-as-go-does'));
    assert.equal(decodeProtobufObject(env).metadata.name, 'c');
  });

  it('packed and unpacked repeated scalars, repeated strings', () => {
    const del = cat(vf(1, 30), lf(2, cat(lf(1, 'uid-1'), lf(2, ''))), vf(3, false), lf(4, 'Foreground'), lf(5, 'All'));
    const ev = decodeProtobufObject(envelope('policy/v1', 'Eviction', cat(lf(1, objectMeta({ name: 'p', namespace: 'default' })), lf(2, del))));
    assert.deepEqual(ev, {
      kind: 'Eviction',
      apiVersion: 'policy/v1',
      metadata: { name: 'p', namespace: 'default', creationTimestamp: null },
      deleteOptions: { gracePeriodSeconds: 30, preconditions: { uid: 'uid-1', resourceVersion: '' }, orphanDependents: false, propagationPolicy: 'Foreground', dryRun: ['All'] },
    });
  });

  it('meta kinds in any served group/version; defaults for an empty TypeMeta', () => {
    const del = decodeProtobufObject(envelope('apps/v1', 'DeleteOptions', cat(vf(1, 0), lf(4, 'Background'))));
    assert.deepEqual(del, { kind: 'DeleteOptions', apiVersion: 'apps/v1', gracePeriodSeconds: 0, propagationPolicy: 'Background' });
    assert.equal(protobufMessageFor('v1', 'Pod'), 'k8s.io.api.core.v1.Pod');
    assert.equal(protobufMessageFor('rbac.authorization.k8s.io/v1', 'Role'), 'k8s.io.api.rbac.v1.Role');
    assert.equal(protobufMessageFor('v1', 'DeleteOptions'), 'k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions');
    assert.equal(protobufMessageFor('authentication.k8s.io/v1', 'TokenRequest'), 'k8s.io.api.authentication.v1.TokenRequest');
    assert.equal(protobufMessageFor('v1', 'PodSpec'), undefined);
    assert.equal(protobufMessageFor('apps/v1beta1', 'Deployment'), undefined);
    const bare = cat(MAGIC, lf(1, Buffer.alloc(0)), lf(2, lf(1, lf(1, 'c'))));
    assert.deepEqual(decodeProtobufObject(bare, { apiVersion: 'v1', kind: 'ConfigMap' }), { kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'c' } });
  });

  it('an envelope without raw decodes to an empty object of its kind', () => {
    assert.deepEqual(decodeProtobufObject(cat(MAGIC, lf(1, cat(lf(1, 'v1'), lf(2, 'Namespace'))))), { kind: 'Namespace', apiVersion: 'v1' });
  });
});

describe('protobuf decoding: malformed input', () => {
  const good = envelope('v1', 'ConfigMap', cat(lf(1, objectMeta({ name: 'c' })), entry(2, 'k', 'v')));

  it('bad or missing magic', () => {
    decodeError(Buffer.alloc(0), /does not appear to be a protobuf message/);
    decodeError(Buffer.from('k8s'), /does not appear to be a protobuf message/);
    decodeError(Buffer.from('{"kind":"ConfigMap"}'), /does not appear to be a protobuf message/);
    decodeError(cat(Buffer.from('k8s\x01', 'latin1'), good.subarray(4)), /expected prefix/);
  });

  it('missing or unknown kinds', () => {
    decodeError(cat(MAGIC, lf(2, Buffer.alloc(0))), /Object 'Kind' is missing/);
    decodeError(cat(MAGIC, lf(1, lf(2, 'ConfigMap'))), /Object 'apiVersion' is missing/);
    decodeError(envelope('v1', 'Nope', Buffer.alloc(0)), /no kind "Nope" is registered for version "v1"/);
    decodeError(envelope('example.com/v1', 'Widget', Buffer.alloc(0)), /no kind "Widget" is registered for version "example.com\/v1"/);
    decodeError(envelope('v1', 'Secret.DataEntry', Buffer.alloc(0)), /no kind/);
    decodeError(envelope('v1', 'PodSpec', Buffer.alloc(0)), /no kind/);
  });

  it('truncated varints, lengths past the end, overlong varints', () => {
    decodeError(cat(MAGIC, [0x0a]), /unexpected EOF/);
    decodeError(cat(MAGIC, [0x0a, 0x80]), /unexpected EOF/);
    decodeError(cat(MAGIC, [0x0a, 0x05, 0x0a]), /unexpected EOF/);
    decodeError(envelope('v1', 'ConfigMap', cat([0x0a, 0x7f], Buffer.from('short'))), /unexpected EOF/);
    decodeError(envelope('v1', 'ConfigMap', Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01])), /negative length|unexpected EOF/);
    decodeError(envelope('v1', 'ConfigMap', Buffer.from([0xf8, 0x06, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01])), /integer overflow/);
    decodeError(envelope('v1', 'Pod', lf(2, lf(2, Buffer.from([0x12, 0x03, 0x61])))), /unexpected EOF/);
    decodeError(envelope('v1', 'Event', cat([0x35, 0x01, 0x02])), /unexpected EOF|wrong wireType/);
  });

  it('wrong wire types, illegal tags and wire types', () => {
    decodeError(envelope('v1', 'ConfigMap', vf(1, 5)), /wrong wireType = 0 for field metadata/);
    decodeError(envelope('apps/v1', 'Deployment', lf(2, lf(1, 'x'))), /wrong wireType = 2 for field replicas/);
    decodeError(envelope('v1', 'ConfigMap', Buffer.from([0x00, 0x01])), /illegal tag 0/);
    decodeError(envelope('v1', 'ConfigMap', Buffer.from([0xa6, 0x06])), /illegal wireType 6/);
    decodeError(envelope('v1', 'ConfigMap', Buffer.from([0xa4, 0x06])), /illegal wireType 4/);
    decodeError(envelope('v1', 'ConfigMap', Buffer.from([0xa3, 0x06, 0x08, 0x01])), /unexpected EOF/);
  });

  it('bad special values', () => {
    decodeError(envelope('v1', 'Service', lf(2, lf(1, lf(4, cat(vf(1, 7)))))), /impossible IntOrString.Type: 7/);
    decodeError(envelope('v1', 'ResourceQuota', lf(2, entry(1, 'cpu', lf(1, '')))), /quantities must match/);
    decodeError(envelope('apps/v1', 'ControllerRevision', lf(2, lf(1, '{not json'))), /error decoding RawExtension/);
    decodeError(envelope('apps/v1', 'ControllerRevision', lf(2, lf(1, '['.repeat(10001)))), /exceeded max depth/);
    decodeError(envelope('v1', 'Event', lf(6, vf(1, 10n ** 15n))), /out of range/);
  });

  it('nesting is bounded: deep groups and deep embedded objects throw, no stack overflow', () => {
    const groups = cat(Buffer.from(new Array(100_000).fill([0xa3, 0x06]).flat()));
    decodeError(envelope('v1', 'ConfigMap', groups), /nested too deeply/);
    let raw = envelope('v1', 'ConfigMap', Buffer.alloc(0));
    for (let i = 0; i < MAX_NESTING; i++) raw = envelope('apps/v1', 'ControllerRevision', lf(2, lf(1, raw)));
    decodeError(raw, /nesting exceeds/);
  });

  it('random corruption of a real-looking body: decodes or throws ProtobufDecodeError, quickly', () => {
    const base = envelope(
      'apps/v1',
      'Deployment',
      cat(
        lf(1, objectMeta({ name: 'web', extra: [entry(11, 'app', 'web')] })),
        lf(2, cat(vf(1, 2), lf(2, lf(1, entry(1, 'app', 'web'))), lf(3, cat(lf(1, objectMeta()), lf(2, lf(2, cat(lf(1, 'c'), lf(2, 'nginx'), lf(6, vf(3, 80))))))), lf(4, cat(lf(1, 'RollingUpdate'), lf(2, cat(lf(1, intOrString('25%')), lf(2, intOrString(1)))))))),
        lf(3, Buffer.alloc(0)),
      ),
    );
    assert.equal(decodeProtobufObject(base).spec.strategy.rollingUpdate.maxSurge, 1);
    let seed = 12345;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const t0 = Date.now();
    let decoded = 0;
    for (let i = 0; i < 5000; i++) {
      const b = Buffer.from(base);
      const mode = rand(3);
      let input: Buffer = b;
      if (mode === 0) for (let k = 0; k <= rand(4); k++) b[4 + rand(b.length - 4)] = rand(256);
      else if (mode === 1) input = b.subarray(0, 4 + rand(b.length - 4));
      else for (let k = 0; k <= rand(4); k++) b[4 + rand(b.length - 4)] ^= 1 << rand(8);
      try {
        decodeProtobufObject(input);
        decoded++;
      } catch (e) {
        assert.ok(e instanceof ProtobufDecodeError, `unexpected ${String((e as Error)?.stack ?? e)}`);
      }
    }
    assert.ok(decoded > 0);
    assert.ok(Date.now() - t0 < 10_000, 'took too long');
  });
});
