/**
 * apps/v1 kinds: what a v1.33 server stores for minimal workloads, the messages of common
 * mistakes (selector/template mismatch, immutable selectors, bad strategies), the kind-specific
 * update handling (Deployment annotations, DaemonSet template generation), table rows, and the
 * example corpus.
 */
import { strict as assert } from 'node:assert';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { fieldErrorText, StatusError } from '../../server/apiserver/errors.js';
import type { FieldError, KindDef, KubeObject } from '../../server/registry/types.js';
import type { GoValue } from '../../server/registry/validation.js';
import {
  appsKinds,
  controllerRevisionKind,
  daemonSetKind,
  daemonSetRow,
  deploymentKind,
  deploymentRow,
  replicaSetKind,
  statefulSetKind,
} from '../../server/registry/kinds/apps.js';

const NOW = Date.parse('2025-06-01T12:00:00Z');
const CREATED = '2025-06-01T11:00:00Z';
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v));
const texts = (errs: FieldError[]) => errs.map(fieldErrorText);

/** The generic store's create path (generation 1 for these kinds), minus storage. */
function create(def: KindDef, input: KubeObject): { obj: KubeObject; errs: FieldError[] } {
  const obj = clone(input);
  obj.metadata ??= {};
  obj.metadata.namespace ??= 'default';
  obj.metadata.generation = 1;
  def.strategy.defaults?.(obj);
  if (def.subresources?.status) obj.status = {};
  def.strategy.prepareForCreate?.(obj);
  return { obj, errs: def.strategy.validate?.(obj) ?? [] };
}

/** The generic store's update path: status kept, generation +1 on spec change, then the strategy. */
function update(def: KindDef, old: KubeObject, desired: KubeObject): { obj: KubeObject; errs: FieldError[] } {
  const obj = clone(desired);
  obj.metadata = { ...obj.metadata, name: old.metadata.name, namespace: old.metadata.namespace, generation: old.metadata.generation };
  if (def.subresources?.status) obj.status = clone(old.status);
  def.strategy.defaults?.(obj);
  const spec = (o: KubeObject) => JSON.stringify(o.spec);
  if (spec(obj) !== spec(old)) obj.metadata.generation = (old.metadata.generation ?? 0) + 1;
  def.strategy.prepareForUpdate?.(obj, old);
  return { obj, errs: def.strategy.validateUpdate?.(obj, old) ?? [] };
}

const template = (labels: Record<string, string> = { app: 'web' }) => ({
  metadata: { labels },
  spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }] },
});

const DEFAULTED_TEMPLATE = {
  metadata: { creationTimestamp: null, labels: { app: 'web' } },
  spec: {
    containers: [
      {
        name: 'nginx',
        image: 'nginx:1.27',
        imagePullPolicy: 'IfNotPresent',
        resources: {},
        terminationMessagePath: '/dev/termination-log',
        terminationMessagePolicy: 'File',
      },
    ],
    dnsPolicy: 'ClusterFirst',
    restartPolicy: 'Always',
    schedulerName: 'default-scheduler',
    securityContext: {},
    terminationGracePeriodSeconds: 30,
  },
};

describe('Deployment', () => {
  it('stores a minimal deployment as a v1.33 server does', () => {
    const { obj, errs } = create(deploymentKind, { metadata: { name: 'web' }, spec: { selector: { matchLabels: { app: 'web' } }, template: template() } });
    assert.deepEqual(errs, []);
    assert.deepEqual(obj, {
      metadata: { name: 'web', namespace: 'default', generation: 1 },
      spec: {
        progressDeadlineSeconds: 600,
        replicas: 1,
        revisionHistoryLimit: 10,
        selector: { matchLabels: { app: 'web' } },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
        template: DEFAULTED_TEMPLATE,
      },
      status: {},
    });
  });

  it('does not copy limits to requests in templates', () => {
    const tpl = template();
    (tpl.spec.containers[0] as any).resources = { limits: { cpu: '0.5' } };
    const { obj } = create(deploymentKind, { metadata: { name: 'web' }, spec: { selector: { matchLabels: { app: 'web' } }, template: tpl } });
    assert.deepEqual(obj.spec.template.spec.containers[0].resources, { limits: { cpu: '500m' } });
  });

  it('rejects a selector that does not match the template labels', () => {
    const { errs } = create(deploymentKind, { metadata: { name: 'web' }, spec: { selector: { matchLabels: { app: 'web' } }, template: template({ app: 'x' }) } });
    assert.equal(errs.length, 1);
    assert.equal(errs[0].field, 'spec.template.metadata.labels');
    assert.equal(errs[0].detail, '`selector` does not match template `labels`');
    assert.equal((errs[0].value as GoValue).goString, 'map[string]string{"app":"x"}');
  });

  it('requires a non-empty selector, non-negative replicas and restartPolicy Always', () => {
    const noSel = create(deploymentKind, { metadata: { name: 'a' }, spec: { template: template() } });
    assert.deepEqual(texts(noSel.errs), ['spec.selector: Required value']);
    const emptySel = create(deploymentKind, { metadata: { name: 'a' }, spec: { selector: {}, template: template() } });
    assert.equal(emptySel.errs[0].detail, 'empty selector is invalid for deployment');
    assert.equal((emptySel.errs[0].value as GoValue).goString, 'v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}');
    const tpl: any = template();
    tpl.spec.restartPolicy = 'Never';
    const bad = create(deploymentKind, { metadata: { name: 'a' }, spec: { replicas: -1, selector: { matchLabels: { app: 'web' } }, template: tpl } });
    assert.deepEqual(texts(bad.errs), [
      'spec.replicas: Invalid value: -1: must be greater than or equal to 0',
      'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
    ]);
  });

  it('validates rolling update parameters', () => {
    const { errs } = create(deploymentKind, {
      metadata: { name: 'a' },
      spec: { selector: { matchLabels: { app: 'web' } }, template: template(), strategy: { rollingUpdate: { maxSurge: 0, maxUnavailable: '120%' } }, progressDeadlineSeconds: 5, minReadySeconds: 10 },
    });
    assert.deepEqual(
      errs.map((e) => e.field + ': ' + e.detail),
      ['spec.strategy.rollingUpdate.maxUnavailable: must not be greater than 100%', 'spec.progressDeadlineSeconds: must be greater than minReadySeconds'],
    );
    const zero = create(deploymentKind, { metadata: { name: 'a' }, spec: { selector: { matchLabels: { app: 'web' } }, template: template(), strategy: { rollingUpdate: { maxSurge: 0, maxUnavailable: 0 } } } });
    assert.equal(zero.errs[0].detail, 'may not be 0 when `maxSurge` is 0');
    assert.equal((zero.errs[0].value as GoValue).goString, 'intstr.IntOrString{Type:0, IntVal:0, StrVal:""}');
    const recreate = create(deploymentKind, { metadata: { name: 'a' }, spec: { selector: { matchLabels: { app: 'web' } }, template: template(), strategy: { type: 'Recreate' } } });
    assert.deepEqual(recreate.errs, []);
    assert.equal(recreate.obj.spec.strategy.rollingUpdate, undefined);
  });

  it('keeps the selector immutable and bumps generation on annotation changes', () => {
    const { obj: old } = create(deploymentKind, { metadata: { name: 'web' }, spec: { selector: { matchLabels: { app: 'web' } }, template: template() } });
    const next = clone(old);
    next.spec.selector = { matchLabels: { app: 'web2' } };
    next.spec.template.metadata.labels = { app: 'web2' };
    const r = update(deploymentKind, old, next);
    assert.deepEqual(r.errs.map((e) => e.field + ': ' + e.detail), ['spec.selector: field is immutable']);
    assert.equal((r.errs[0].value as GoValue).goString, 'v1.LabelSelector{MatchLabels:map[string]string{"app":"web2"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}');
    const annotated = clone(old);
    annotated.metadata.annotations = { 'kubernetes.io/change-cause': 'x' };
    const a = update(deploymentKind, old, annotated);
    assert.deepEqual(a.errs, []);
    assert.equal(a.obj.metadata.generation, 2);
    const same = update(deploymentKind, old, clone(old));
    assert.equal(same.obj.metadata.generation, 1);
  });

  it('reports a bad quantity in the template as a decode error', () => {
    const tpl: any = template();
    tpl.spec.containers[0].resources = { requests: { memory: '1 Gi' } };
    assert.throws(
      () => create(deploymentKind, { metadata: { name: 'a' }, spec: { selector: { matchLabels: { app: 'web' } }, template: tpl } }),
      (e: unknown) => e instanceof StatusError && e.code === 400 && e.message.startsWith('Deployment in version "v1" cannot be handled as a Deployment: quantities must match'),
    );
  });

  it('prints READY, UP-TO-DATE, AVAILABLE and the wide columns', () => {
    const { obj } = create(deploymentKind, { metadata: { name: 'web', creationTimestamp: CREATED }, spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: template() } });
    obj.status = { replicas: 3, readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 };
    assert.deepEqual(deploymentRow(obj, NOW), ['web', '2/3', 3, 2, '60m', 'nginx', 'nginx:1.27', 'app=web']);
    assert.deepEqual(deploymentKind.columns.map((c) => c.name), ['Name', 'Ready', 'Up-to-date', 'Available', 'Age', 'Containers', 'Images', 'Selector']);
  });
});

describe('ReplicaSet, StatefulSet, DaemonSet, ControllerRevision', () => {
  it('defaults and prints a replica set', () => {
    const { obj, errs } = create(replicaSetKind, { metadata: { name: 'rs', creationTimestamp: CREATED }, spec: { selector: { matchLabels: { app: 'web' } }, template: template() } });
    assert.deepEqual(errs, []);
    assert.deepEqual([obj.spec.replicas, obj.status], [1, { replicas: 0 }]);
    obj.status = { replicas: 1, readyReplicas: 1 };
    const row = replicaSetKind.strategy.row(obj);
    assert.deepEqual([...row.slice(0, 4), ...row.slice(5)], ['rs', 1, 1, 1, 'nginx', 'nginx:1.27', 'app=web']);
    assert.match(String(row[4]), /^\d+(s|m|h|d|y)/);
  });

  it('stores a minimal statefulset as a v1.33 server does', () => {
    const { obj, errs } = create(statefulSetKind, {
      metadata: { name: 'web' },
      spec: {
        serviceName: 'web',
        selector: { matchLabels: { app: 'web' } },
        template: template(),
        volumeClaimTemplates: [{ metadata: { name: 'www' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
      },
    });
    assert.deepEqual(errs, []);
    assert.deepEqual(obj, {
      metadata: { name: 'web', namespace: 'default', generation: 1 },
      spec: {
        persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
        podManagementPolicy: 'OrderedReady',
        replicas: 1,
        revisionHistoryLimit: 10,
        selector: { matchLabels: { app: 'web' } },
        serviceName: 'web',
        template: DEFAULTED_TEMPLATE,
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
        volumeClaimTemplates: [
          {
            apiVersion: 'v1',
            kind: 'PersistentVolumeClaim',
            metadata: { creationTimestamp: null, name: 'www' },
            spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, volumeMode: 'Filesystem' },
            status: { phase: 'Pending' },
          },
        ],
      },
      status: { availableReplicas: 0, replicas: 0 },
    });
    const printed: KubeObject = { ...clone(obj as KubeObject), status: { replicas: 1, readyReplicas: 1 } };
    printed.metadata.creationTimestamp = CREATED;
    assert.deepEqual(statefulSetKind.strategy.row(printed).slice(0, 2), ['web', '1/1']);
  });

  it('limits statefulset updates to the allowed fields and requires DNS-label names', () => {
    const { obj: old } = create(statefulSetKind, { metadata: { name: 'web' }, spec: { serviceName: 'web', selector: { matchLabels: { app: 'web' } }, template: template() } });
    const scaled = clone(old);
    scaled.spec.replicas = 3;
    assert.deepEqual(update(statefulSetKind, old, scaled).errs, []);
    const renamed = clone(old);
    renamed.spec.serviceName = 'other';
    assert.deepEqual(texts(update(statefulSetKind, old, renamed).errs), [
      "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
    ]);
    const dotted = create(statefulSetKind, { metadata: { name: 'a.b' }, spec: { selector: { matchLabels: { app: 'web' } }, template: template() } });
    assert.equal(dotted.errs[0].field, 'metadata.name');
  });

  it('defaults daemon sets and tracks the template generation annotation', () => {
    const { obj, errs } = create(daemonSetKind, { metadata: { name: 'ds' }, spec: { selector: { matchLabels: { app: 'web' } }, template: template() } });
    assert.deepEqual(errs, []);
    assert.deepEqual(obj.spec.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
    assert.equal(obj.spec.revisionHistoryLimit, 10);
    assert.deepEqual(obj.metadata.annotations, { 'deprecated.daemonset.template.generation': '1' });
    assert.deepEqual(obj.status, { currentNumberScheduled: 0, desiredNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0 });
    const next = clone(obj);
    next.spec.template.spec.containers[0].image = 'nginx:1.28';
    const r = update(daemonSetKind, obj, next);
    assert.deepEqual(r.errs, []);
    assert.equal(r.obj.metadata.annotations?.['deprecated.daemonset.template.generation'], '2');
    assert.equal(r.obj.metadata.generation, 2);
    obj.metadata.creationTimestamp = CREATED;
    obj.status = { desiredNumberScheduled: 2, currentNumberScheduled: 2, numberReady: 1, updatedNumberScheduled: 2, numberAvailable: 1 };
    obj.spec.template.spec.nodeSelector = { 'kubernetes.io/os': 'linux' };
    assert.deepEqual(daemonSetRow(obj, NOW), ['ds', 2, 2, 1, 2, 1, 'kubernetes.io/os=linux', '60m', 'nginx', 'nginx:1.27', 'app=web']);
  });

  it('requires exactly one of maxSurge and maxUnavailable for daemon sets', () => {
    const both = create(daemonSetKind, { metadata: { name: 'ds' }, spec: { selector: { matchLabels: { app: 'web' } }, template: template(), updateStrategy: { rollingUpdate: { maxUnavailable: 1, maxSurge: 1 } } } });
    assert.deepEqual(both.errs.map((e) => e.field + ': ' + e.detail), ['spec.updateStrategy.rollingUpdate.maxSurge: may not be set when maxUnavailable is non-zero']);
    const none = create(daemonSetKind, { metadata: { name: 'ds' }, spec: { selector: { matchLabels: { app: 'web' } }, template: template(), updateStrategy: { rollingUpdate: { maxUnavailable: 0, maxSurge: 0 } } } });
    assert.deepEqual(texts(none.errs), ['spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when maxSurge is 0']);
  });

  it('prints controller revisions with their owner', () => {
    const { obj, errs } = create(controllerRevisionKind, {
      metadata: { name: 'web-7d9c', creationTimestamp: CREATED, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'u1', controller: true }] },
      data: {},
      revision: 2,
    });
    assert.deepEqual(errs, []);
    assert.deepEqual(controllerRevisionKind.strategy.row(obj).slice(0, 3), ['web-7d9c', 'statefulset.apps/web', 2]);
    const noData = create(controllerRevisionKind, { metadata: { name: 'x' }, revision: 1 });
    assert.deepEqual(texts(noData.errs), ['data: Required value: data is mandatory']);
  });

  it('lists every apps kind with upstream discovery names', () => {
    assert.deepEqual(
      appsKinds.map((k) => [k.plural, k.shortNames ?? [], k.categories ?? [], !!k.subresources?.scale]),
      [
        ['controllerrevisions', [], [], false],
        ['daemonsets', ['ds'], ['all'], false],
        ['deployments', ['deploy'], ['all'], true],
        ['replicasets', ['rs'], ['all'], true],
        ['statefulsets', ['sts'], ['all'], true],
      ],
    );
  });
});

const CORPUS = '/work/shared/corpus/kubernetes-examples';

describe('example corpus (apps/v1)', { skip: !existsSync(CORPUS) }, () => {
  it('accepts every apps/v1 manifest', () => {
    const warn = process.emitWarning;
    process.emitWarning = () => {};
    const rejected: string[] = [];
    let checked = 0;
    const walk = (d: string) => {
      for (const f of readdirSync(d)) {
        const p = join(d, f);
        if (statSync(p).isDirectory()) {
          walk(p);
          continue;
        }
        if (!/\.ya?ml$/.test(f)) continue;
        let docs: any[];
        try {
          docs = parseAllDocuments(readFileSync(p, 'utf8')).map((x) => x.toJSON());
        } catch {
          continue;
        }
        for (const obj of docs) {
          if (obj?.apiVersion !== 'apps/v1') continue;
          const def = appsKinds.find((k) => k.kind === obj.kind);
          if (!def) continue;
          checked++;
          try {
            const { obj: out, errs } = create(def, obj);
            if (errs.length) rejected.push(`${p}: ${texts(errs).join('; ')}`);
            def.strategy.row({ ...out, metadata: { ...out.metadata, creationTimestamp: CREATED } });
          } catch (e) {
            rejected.push(`${p}: ${(e as Error).message}`);
          }
        }
      }
    };
    try {
      walk(CORPUS);
    } finally {
      process.emitWarning = warn;
    }
    assert.ok(checked > 30, `checked ${checked}`);
    assert.deepEqual(rejected, []);
  });
});
