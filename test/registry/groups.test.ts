/**
 * The kinds of batch, autoscaling, networking, policy, rbac, storage, coordination, discovery,
 * events.k8s.io, scheduling and apiextensions: what a v1.33 server stores for minimal objects,
 * the messages of common mistakes, table rows, the multi-version conversions, CRD-derived kinds,
 * and the manifests of the example corpus.
 */
import { strict as assert } from 'node:assert';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { fieldErrorText, invalid } from '../../server/apiserver/errors.js';
import type { FieldError, KindDef, KubeObject } from '../../server/registry/types.js';
import { cronJobKind, cronJobRow, cronScheduleError, jobKind, jobRow, batchKinds } from '../../server/registry/kinds/batch.js';
import { autoscalingKinds, hpaRow, hpaV1Kind, hpaV1toV2, hpaV2Kind, hpaV2toV1 } from '../../server/registry/kinds/autoscaling.js';
import { ingressClassKind, ingressKind, ingressRow, networkingKinds, networkPolicyKind } from '../../server/registry/kinds/networking.js';
import { pdbKind, pdbRow, policyKinds } from '../../server/registry/kinds/policy.js';
import { bindingRow, clusterRoleBindingKind, rbacKinds, roleBindingKind, roleKind } from '../../server/registry/kinds/rbac.js';
import { storageClassKind, storageClassRow, storageKinds } from '../../server/registry/kinds/storage.js';
import { coordinationKinds, leaseKind } from '../../server/registry/kinds/coordination.js';
import { discoveryKinds, endpointSliceKind, endpointSliceRow } from '../../server/registry/kinds/discovery.js';
import { eventFromCore, eventRow, eventsKinds, eventsV1Kind, eventToCore } from '../../server/registry/kinds/events.js';
import { priorityClassKind, priorityClassRow, schedulingKinds } from '../../server/registry/kinds/scheduling.js';
import { apiextensionsKinds, crdDefinitionName, crdKind, crdKindDefs, evalJSONPath } from '../../server/registry/kinds/apiextensions.js';

const NOW = Date.parse('2025-06-01T12:00:00Z');
const CREATED = '2025-06-01T11:00:00Z';

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v));

/** What the generic store does on create, up to validation. */
function create(def: KindDef, input: Record<string, any>, uid = 'uid-1'): { obj: KubeObject; errs: FieldError[] } {
  const obj = clone(input) as KubeObject;
  obj.apiVersion = def.group ? `${def.group}/${def.version}` : def.version;
  obj.kind = def.kind;
  obj.metadata ??= {};
  if (def.namespaced) obj.metadata.namespace ??= 'default';
  else delete obj.metadata.namespace;
  obj.metadata.uid = uid;
  obj.metadata.creationTimestamp = CREATED;
  def.strategy.defaults?.(obj);
  if (def.subresources?.status) obj.status = {};
  def.strategy.prepareForCreate?.(obj);
  return { obj, errs: def.strategy.validate?.(obj) ?? [] };
}

/** What the generic store does on update, up to validation (status kept from the old object). */
function update(def: KindDef, old: KubeObject, mutate: (o: KubeObject) => void): FieldError[] {
  const obj = clone(old);
  mutate(obj);
  if (def.subresources?.status) obj.status = clone(old.status);
  def.strategy.defaults?.(obj);
  def.strategy.prepareForUpdate?.(obj, old);
  return def.strategy.validateUpdate ? def.strategy.validateUpdate(obj, old) : def.strategy.validate?.(obj) ?? [];
}

function message(def: KindDef, name: string, errs: FieldError[]): string {
  return invalid(def.group, def.kind, name, errs).message;
}

const podDefaults = { dnsPolicy: 'ClusterFirst', schedulerName: 'default-scheduler', securityContext: {}, terminationGracePeriodSeconds: 30 };
const containerDefaults = { resources: {}, terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File' };

// ---- batch ----------------------------------------------------------------------------------------

describe('batch/v1 Job', () => {
  const minimal = {
    metadata: { name: 'pi' },
    spec: { template: { spec: { containers: [{ name: 'pi', image: 'perl:5.34.0', command: ['perl'] }], restartPolicy: 'Never' } } },
  };
  const jobLabels = { 'batch.kubernetes.io/controller-uid': 'uid-1', 'batch.kubernetes.io/job-name': 'pi', 'controller-uid': 'uid-1', 'job-name': 'pi' };

  it('stores the defaults and the generated selector of a v1.33 server', () => {
    const { obj, errs } = create(jobKind, minimal);
    assert.deepEqual(errs, []);
    assert.deepEqual(obj, {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'pi', namespace: 'default', uid: 'uid-1', creationTimestamp: CREATED, labels: jobLabels },
      spec: {
        backoffLimit: 6,
        completionMode: 'NonIndexed',
        completions: 1,
        manualSelector: false,
        parallelism: 1,
        podReplacementPolicy: 'TerminatingOrFailed',
        selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'uid-1' } },
        suspend: false,
        template: {
          metadata: { creationTimestamp: null, labels: jobLabels },
          spec: {
            containers: [{ name: 'pi', image: 'perl:5.34.0', command: ['perl'], imagePullPolicy: 'IfNotPresent', ...containerDefaults }],
            restartPolicy: 'Never',
            ...podDefaults,
          },
        },
      },
      status: {},
    });
  });

  it('keeps the user labels and defaults parallelism alone when completions is set', () => {
    const { obj } = create(jobKind, {
      metadata: { name: 'pi', labels: { team: 'a' } },
      spec: { completions: 5, podFailurePolicy: { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] }] }, template: clone(minimal.spec.template) },
    });
    assert.deepEqual(obj.metadata.labels, { team: 'a' });
    assert.equal(obj.spec.parallelism, 1);
    assert.equal(obj.spec.completions, 5);
    assert.equal(obj.spec.podReplacementPolicy, 'Failed');
    assert.equal(obj.spec.podFailurePolicy.rules[0].onPodConditions[0].status, 'True');
  });

  it('requires OnFailure or Never as the restart policy', () => {
    const input = clone(minimal) as any;
    delete input.spec.template.spec.restartPolicy;
    const { errs } = create(jobKind, input);
    assert.equal(message(jobKind, 'pi', errs), 'Job.batch "pi" is invalid: spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"');
    input.spec.template.spec.restartPolicy = 'Sometimes';
    assert.equal(
      message(jobKind, 'pi', create(jobKind, input).errs),
      // The pod template's own check reports it too, as upstream does.
      'Job.batch "pi" is invalid: [spec.template.spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never", ' +
        'spec.template.spec.restartPolicy: Unsupported value: "Sometimes": supported values: "OnFailure", "Never"]',
    );
  });

  it('rejects negative counts and a selector that does not match', () => {
    const input = clone(minimal) as any;
    input.spec.backoffLimit = -1;
    assert.equal(message(jobKind, 'pi', create(jobKind, input).errs), 'Job.batch "pi" is invalid: spec.backoffLimit: Invalid value: -1: must be greater than or equal to 0');
    const manual = clone(minimal) as any;
    manual.spec.manualSelector = true;
    manual.spec.selector = { matchLabels: { app: 'x' } };
    manual.spec.template.metadata = { labels: { app: 'y' } };
    const texts = create(jobKind, manual).errs.map(fieldErrorText);
    assert.deepEqual(texts, ['spec.template.metadata.labels: Invalid value: map[string]string{"app":"y"}: `selector` does not match template `labels`']);
  });

  it('keeps the template and selector immutable, but not parallelism', () => {
    const { obj } = create(jobKind, minimal);
    assert.deepEqual(update(jobKind, obj, (o) => (o.spec.parallelism = 3)), []);
    const errs = update(jobKind, obj, (o) => (o.spec.template.spec.containers[0].image = 'perl:6'));
    assert.deepEqual(errs.map((e) => `${e.field}: ${e.detail}`), ['spec.template: field is immutable']);
    // A suspended job that never started may change scheduling directives.
    const suspended = create(jobKind, { ...clone(minimal), spec: { ...clone(minimal.spec), suspend: true } }).obj;
    assert.deepEqual(update(jobKind, suspended, (o) => (o.spec.template.spec.nodeSelector = { zone: 'a' })), []);
  });

  it('prints STATUS, COMPLETIONS and DURATION as v1.33 does', () => {
    const { obj } = create(jobKind, minimal);
    obj.metadata.creationTimestamp = '2025-06-01T11:00:00Z';
    assert.deepEqual(jobRow(obj, NOW), ['pi', 'Running', '0/1', '', '60m', 'pi', 'perl:5.34.0', 'batch.kubernetes.io/controller-uid=uid-1']);
    obj.status = {
      succeeded: 1,
      startTime: '2025-06-01T11:00:00Z',
      completionTime: '2025-06-01T11:00:42Z',
      conditions: [
        { type: 'SuccessCriteriaMet', status: 'True' },
        { type: 'Complete', status: 'True' },
      ],
    };
    assert.deepEqual(jobRow(obj, NOW).slice(1, 4), ['Complete', '1/1', '42s']);
    obj.spec.completions = undefined;
    obj.spec.parallelism = 3;
    obj.status = { succeeded: 2, conditions: [{ type: 'Suspended', status: 'True' }] };
    assert.deepEqual(jobRow(obj, NOW).slice(1, 4), ['Suspended', '2/1 of 3', '']);
    assert.deepEqual(
      jobKind.columns.map((c) => [c.name, c.priority]),
      [['Name', 0], ['Status', 0], ['Completions', 0], ['Duration', 0], ['Age', 0], ['Containers', 1], ['Images', 1], ['Selector', 1]],
    );
  });
});

describe('batch/v1 CronJob', () => {
  const minimal = {
    metadata: { name: 'hello' },
    spec: {
      schedule: '* * * * *',
      jobTemplate: { spec: { template: { spec: { containers: [{ name: 'hello', image: 'busybox:1.28' }], restartPolicy: 'OnFailure' } } } },
    },
  };

  it('stores the defaults of a v1.33 server', () => {
    const { obj, errs } = create(cronJobKind, minimal);
    assert.deepEqual(errs, []);
    assert.deepEqual(obj.spec, {
      concurrencyPolicy: 'Allow',
      failedJobsHistoryLimit: 1,
      jobTemplate: {
        metadata: { creationTimestamp: null },
        spec: {
          template: {
            metadata: { creationTimestamp: null },
            spec: { containers: [{ name: 'hello', image: 'busybox:1.28', imagePullPolicy: 'IfNotPresent', ...containerDefaults }], restartPolicy: 'OnFailure', ...podDefaults },
          },
        },
      },
      schedule: '* * * * *',
      successfulJobsHistoryLimit: 3,
      suspend: false,
    });
    assert.deepEqual(obj.status, {});
  });

  it('reports bad schedules in robfig/cron words', () => {
    const cases: [string, string][] = [
      ['foo', 'expected exactly 5 fields, found 1: [foo]'],
      ['61 * * * *', 'end of range (61) above maximum (59): 61'],
      ['*/0 * * * *', 'step of range should be a positive number: */0'],
      ['* * * * mon-sun', 'beginning of range (1) beyond end of range (0): mon-sun'],
      ['a * * * *', 'failed to parse int from a: strconv.Atoi: parsing "a": invalid syntax'],
      ['@fortnightly', 'unrecognized descriptor: @fortnightly'],
    ];
    for (const [schedule, err] of cases) assert.equal(cronScheduleError(schedule), err, schedule);
    for (const ok of ['*/5 * * * *', '0 0 * * SUN', '@hourly', '@every 1h30m', '0 9-17/2 * jan-dec 1-5', '0 0 1,15 * ?']) assert.equal(cronScheduleError(ok), undefined, ok);
    const input = clone(minimal) as any;
    input.spec.schedule = 'foo';
    assert.equal(message(cronJobKind, 'hello', create(cronJobKind, input).errs), 'CronJob.batch "hello" is invalid: spec.schedule: Invalid value: "foo": expected exactly 5 fields, found 1: [foo]');
    input.spec.schedule = 'TZ=UTC 0 0 * * *';
    assert.equal(
      message(cronJobKind, 'hello', create(cronJobKind, input).errs),
      'CronJob.batch "hello" is invalid: spec.schedule: Invalid value: "TZ=UTC 0 0 * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead',
    );
  });

  it('checks time zones and name length', () => {
    const input = clone(minimal) as any;
    input.spec.timeZone = 'Europe/Berlin';
    assert.deepEqual(create(cronJobKind, input).errs, []);
    input.spec.timeZone = 'Mars/Olympus';
    assert.equal(create(cronJobKind, input).errs.map(fieldErrorText)[0], 'spec.timeZone: Invalid value: "Mars/Olympus": unknown time zone Mars/Olympus');
    const long = clone(minimal) as any;
    long.metadata.name = 'a'.repeat(53);
    assert.equal(create(cronJobKind, long).errs.map((e) => e.detail)[0], 'must be no more than 52 characters');
  });

  it('rejects a selector in the job template', () => {
    const input = clone(minimal) as any;
    input.spec.jobTemplate.spec.selector = { matchLabels: { a: 'b' } };
    assert.deepEqual(create(cronJobKind, input).errs.map((e) => `${e.field}: ${e.detail}`), ['spec.jobTemplate.spec.selector: `selector` will be auto-generated']);
  });

  it('prints SCHEDULE, TIMEZONE, SUSPEND, ACTIVE and LAST SCHEDULE', () => {
    const { obj } = create(cronJobKind, minimal);
    assert.deepEqual(cronJobRow(obj, NOW), ['hello', '* * * * *', '<none>', 'False', 0, '<none>', '60m', 'hello', 'busybox:1.28', '<none>']);
    obj.status = { active: [{ name: 'hello-1' }], lastScheduleTime: '2025-06-01T11:59:00Z' };
    assert.deepEqual(cronJobRow(obj, NOW).slice(4, 6), [1, '60s']);
  });
});

// ---- autoscaling ----------------------------------------------------------------------------------

describe('autoscaling HorizontalPodAutoscaler', () => {
  const ref = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' };

  it('v2 stores minReplicas 1 and the 80% CPU metric', () => {
    const { obj, errs } = create(hpaV2Kind, { metadata: { name: 'web' }, spec: { scaleTargetRef: ref, maxReplicas: 5 } });
    assert.deepEqual(errs, []);
    assert.deepEqual(obj.spec, {
      scaleTargetRef: ref,
      minReplicas: 1,
      maxReplicas: 5,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }],
    });
    assert.deepEqual(obj.status, { desiredReplicas: 0 });
  });

  it('v2 fills both scaling directions once behavior is given', () => {
    const { obj } = create(hpaV2Kind, { metadata: { name: 'web' }, spec: { scaleTargetRef: ref, maxReplicas: 5, behavior: { scaleDown: { stabilizationWindowSeconds: 300 } } } });
    assert.deepEqual(obj.spec.behavior, {
      scaleUp: {
        stabilizationWindowSeconds: 0,
        selectPolicy: 'Max',
        policies: [
          { type: 'Pods', value: 4, periodSeconds: 15 },
          { type: 'Percent', value: 100, periodSeconds: 15 },
        ],
      },
      scaleDown: { stabilizationWindowSeconds: 300, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] },
    });
  });

  it('validates replicas and metric sources', () => {
    const bad = { metadata: { name: 'web' }, spec: { scaleTargetRef: ref, minReplicas: 3, maxReplicas: 2, metrics: [{ type: 'Pods' }] } };
    assert.deepEqual(create(hpaV2Kind, bad).errs.map(fieldErrorText), [
      'spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`',
      'spec.metrics[0].pods: Required value: must populate information for the given metric source',
    ]);
    const zero = { metadata: { name: 'web' }, spec: { scaleTargetRef: { kind: 'Deployment' }, maxReplicas: 0 } };
    assert.deepEqual(create(hpaV2Kind, zero).errs.map(fieldErrorText), [
      'spec.maxReplicas: Invalid value: 0: must be greater than 0',
      'spec.maxReplicas: Invalid value: 0: must be greater than or equal to `minReplicas`',
      'spec.scaleTargetRef.name: Required value',
    ]);
  });

  it('v1 is served from the v2 storage: targetCPUUtilizationPercentage <-> a CPU Utilization metric', () => {
    const { obj, errs } = create(hpaV1Kind, { metadata: { name: 'web' }, spec: { scaleTargetRef: ref, maxReplicas: 4, targetCPUUtilizationPercentage: 50 } });
    assert.deepEqual(errs, []);
    assert.deepEqual(obj.status, { currentReplicas: 0, desiredReplicas: 0 });
    const stored = hpaV1Kind.storage!.toStorage(obj);
    assert.equal(stored.apiVersion, 'autoscaling/v2');
    assert.deepEqual(stored.spec, {
      scaleTargetRef: ref,
      minReplicas: 1,
      maxReplicas: 4,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }],
    });
    assert.deepEqual(stored.status, { desiredReplicas: 0 });
    assert.deepEqual(hpaV1Kind.storage!.fromStorage(stored), obj);
    // Without a target, v1 gets the default 80% through conversion.
    const plain = create(hpaV1Kind, { metadata: { name: 'web' }, spec: { scaleTargetRef: ref, maxReplicas: 4 } }).obj;
    assert.equal(hpaV2toV1(hpaV1toV2(plain)).spec.targetCPUUtilizationPercentage, 80);
  });

  it('v2 -> v1 -> v2 keeps other metrics, status and behavior in the alpha annotations', () => {
    const v2: KubeObject = {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'web', namespace: 'default', annotations: { note: 'x' } },
      spec: {
        scaleTargetRef: ref,
        minReplicas: 2,
        maxReplicas: 10,
        metrics: [
          { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } },
          { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '500Mi' } } },
          { type: 'Pods', pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '10' } } },
        ],
        behavior: {
          scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }] },
          scaleDown: { stabilizationWindowSeconds: 300, selectPolicy: 'Min', policies: [{ type: 'Percent', value: 10, periodSeconds: 60 }] },
        },
      },
      status: {
        currentReplicas: 3,
        desiredReplicas: 3,
        currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 40, averageValue: '120m' } } }],
        conditions: [{ type: 'AbleToScale', status: 'True', lastTransitionTime: '2025-06-01T11:00:00Z', reason: 'ReadyForNewScale', message: 'ok' }],
      },
    };
    const v1 = hpaV2toV1(v2);
    const annotations = v1.metadata.annotations ?? {};
    assert.equal(v1.spec.targetCPUUtilizationPercentage, 60);
    assert.equal(v1.status.currentCPUUtilizationPercentage, 40);
    assert.deepEqual(JSON.parse(annotations['autoscaling.alpha.kubernetes.io/metrics']), [
      { type: 'Resource', resource: { name: 'memory', targetAverageValue: '500Mi' } },
      { type: 'Pods', pods: { metricName: 'qps', targetAverageValue: '10' } },
    ]);
    assert.deepEqual(JSON.parse(annotations['autoscaling.alpha.kubernetes.io/behavior']).ScaleDown, {
      StabilizationWindowSeconds: 300,
      SelectPolicy: 'Min',
      Policies: [{ Type: 'Percent', Value: 10, PeriodSeconds: 60 }],
      Tolerance: null,
    });
    assert.ok(annotations['autoscaling.alpha.kubernetes.io/current-metrics']);
    assert.ok(annotations['autoscaling.alpha.kubernetes.io/conditions']);
    const back = hpaV1toV2(v1);
    // Upstream's conversion puts the annotation metrics first, then the CPU one.
    assert.deepEqual(back.spec.metrics, [v2.spec.metrics[1], v2.spec.metrics[2], v2.spec.metrics[0]]);
    assert.deepEqual(back.spec.behavior, v2.spec.behavior);
    assert.deepEqual(back.status, v2.status);
    assert.deepEqual(back.metadata.annotations, { note: 'x' });
  });

  it('prints REFERENCE and TARGETS', () => {
    const { obj } = create(hpaV2Kind, { metadata: { name: 'web' }, spec: { scaleTargetRef: ref, maxReplicas: 5 } });
    assert.deepEqual(hpaRow(obj, NOW), ['web', 'Deployment/web', 'cpu: <unknown>/80%', '1', 5, 0, '60m']);
    obj.spec.metrics.push(
      { type: 'Pods', pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '1k' } } },
      { type: 'External', external: { metric: { name: 'q' }, target: { type: 'Value', value: '3' } } },
    );
    obj.status = { currentReplicas: 2, currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 12 } } }] };
    assert.deepEqual(hpaRow(obj, NOW).slice(2, 6), ['cpu: 12%/80%, <unknown>/1k + 1 more...', '1', 5, 2]);
    // Through v1, the CPU target comes back after the annotation's metrics (upstream's conversion order).
    assert.deepEqual(hpaV1Kind.strategy.row(hpaV2toV1(obj)).slice(1, 3), ['Deployment/web', '<unknown>/1k, <unknown>/3 + 1 more...']);
  });
});

// ---- networking -----------------------------------------------------------------------------------

describe('networking.k8s.io/v1', () => {
  const ingress = {
    metadata: { name: 'web' },
    spec: {
      ingressClassName: 'nginx',
      rules: [{ host: 'example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }],
    },
  };

  it('Ingress starts with an empty load balancer status and prints CLASS HOSTS ADDRESS PORTS', () => {
    const { obj, errs } = create(ingressKind, ingress);
    assert.deepEqual(errs, []);
    assert.deepEqual(obj.status, { loadBalancer: {} });
    assert.deepEqual(ingressRow(obj, NOW), ['web', 'nginx', 'example.com', '', '80', '60m']);
    obj.spec.tls = [{ hosts: ['example.com'], secretName: 'tls' }];
    obj.status = { loadBalancer: { ingress: [{ ip: '10.0.0.1' }, { hostname: 'lb.example.com' }] } };
    assert.deepEqual(ingressRow(obj, NOW).slice(3, 5), ['10.0.0.1,lb.example.com', '80, 443']);
  });

  it('Ingress requires pathType and a backend port', () => {
    const input = clone(ingress) as any;
    delete input.spec.rules[0].http.paths[0].pathType;
    assert.equal(
      message(ingressKind, 'web', create(ingressKind, input).errs),
      'Ingress.networking.k8s.io "web" is invalid: spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified',
    );
    const noPort = clone(ingress) as any;
    noPort.spec.rules[0].http.paths[0].backend.service.port = {};
    assert.deepEqual(create(ingressKind, noPort).errs.map(fieldErrorText), ['spec.rules[0].http.paths[0].backend: Required value: port name or number is required']);
    const relative = clone(ingress) as any;
    relative.spec.rules[0].http.paths[0].path = 'api';
    assert.deepEqual(create(ingressKind, relative).errs.map(fieldErrorText), ['spec.rules[0].http.paths[0].path: Invalid value: "api": must be an absolute path']);
    assert.deepEqual(create(ingressKind, { metadata: { name: 'e' }, spec: {} }).errs.map((e) => `${e.field}: ${e.detail}`), ['spec: either `defaultBackend` or `rules` must be specified']);
  });

  it('IngressClass and NetworkPolicy defaults and rows', () => {
    const ic = create(ingressClassKind, { metadata: { name: 'nginx' }, spec: { controller: 'k8s.io/ingress-nginx', parameters: { apiGroup: 'k8s.example.com', kind: 'IngressParameters', name: 'p' } } });
    assert.deepEqual(ic.errs, []);
    assert.equal(ic.obj.spec.parameters.scope, 'Cluster');
    assert.deepEqual(ingressClassKind.strategy.row(ic.obj).slice(0, 3), ['nginx', 'k8s.io/ingress-nginx', 'IngressParameters.k8s.example.com/p']);
    assert.deepEqual(create(ingressClassKind, { metadata: { name: 'x' }, spec: { controller: 'nginx' } }).errs.map(fieldErrorText), [
      'spec.controller: Invalid value: "nginx": must be a domain-prefixed path (such as "acme.io/foo")',
    ]);
    const np = create(networkPolicyKind, { metadata: { name: 'db' }, spec: { podSelector: { matchLabels: { app: 'db' } }, egress: [{ ports: [{ port: 5432 }] }] } });
    assert.deepEqual(np.errs, []);
    assert.deepEqual(np.obj.spec, { podSelector: { matchLabels: { app: 'db' } }, egress: [{ ports: [{ port: 5432, protocol: 'TCP' }] }], policyTypes: ['Ingress', 'Egress'] });
    assert.deepEqual(networkPolicyKind.strategy.row(np.obj).slice(0, 2), ['db', 'app=db']);
    const bad = create(networkPolicyKind, { metadata: { name: 'x' }, spec: { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['192.168.0.0/16'] } }] }] } });
    assert.deepEqual(bad.errs.map(fieldErrorText), ['spec.ingress[0].from[0].ipBlock.except[0]: Invalid value: "192.168.0.0/16": must be a strict subset of `cidr`']);
  });
});

// ---- policy, rbac, storage, coordination, discovery, scheduling -----------------------------------

describe('policy/v1 PodDisruptionBudget', () => {
  it('starts with zeroed status counters and prints MIN AVAILABLE / MAX UNAVAILABLE', () => {
    const { obj, errs } = create(pdbKind, { metadata: { name: 'zk' }, spec: { minAvailable: 2, selector: { matchLabels: { app: 'zk' } } } });
    assert.deepEqual(errs, []);
    assert.deepEqual(obj.status, { currentHealthy: 0, desiredHealthy: 0, disruptionsAllowed: 0, expectedPods: 0 });
    assert.deepEqual(pdbRow(obj, NOW), ['zk', '2', 'N/A', 0, '60m']);
  });

  it('rejects both bounds and bad percentages', () => {
    const errs = create(pdbKind, { metadata: { name: 'zk' }, spec: { minAvailable: '50%', maxUnavailable: '150%' } }).errs;
    assert.deepEqual(errs.map((e) => `${e.field}: ${e.detail}`), ['spec: minAvailable and maxUnavailable cannot be both set', 'spec.maxUnavailable: must not be greater than 100%']);
  });
});

describe('rbac.authorization.k8s.io/v1', () => {
  it('defaults apiGroups of roleRef and subjects, prints ROLE and the wide subject columns', () => {
    const { obj, errs } = create(roleBindingKind, {
      metadata: { name: 'read' },
      roleRef: { kind: 'Role', name: 'reader' },
      subjects: [
        { kind: 'User', name: 'jane' },
        { kind: 'ServiceAccount', name: 'bot', namespace: 'default' },
        { kind: 'Group', name: 'devs' },
      ],
    });
    assert.deepEqual(errs, []);
    assert.deepEqual(obj.roleRef, { kind: 'Role', name: 'reader', apiGroup: 'rbac.authorization.k8s.io' });
    assert.deepEqual(obj.subjects.map((s: any) => s.apiGroup), ['rbac.authorization.k8s.io', '', 'rbac.authorization.k8s.io']);
    assert.deepEqual(bindingRow(obj, NOW), ['read', 'Role/reader', '60m', 'jane', 'devs', 'default/bot']);
    assert.deepEqual(roleBindingKind.columns.map((c) => c.name), ['Name', 'Role', 'Age', 'Users', 'Groups', 'ServiceAccounts']);
  });

  it('roleRef is required and immutable; rules need verbs', () => {
    const missing = create(clusterRoleBindingKind, { metadata: { name: 'x' }, roleRef: { kind: 'Role' } });
    assert.equal(
      message(clusterRoleBindingKind, 'x', missing.errs),
      'ClusterRoleBinding.rbac.authorization.k8s.io "x" is invalid: [roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole", roleRef.name: Required value]',
    );
    const { obj } = create(roleBindingKind, { metadata: { name: 'read' }, roleRef: { kind: 'Role', name: 'reader' } });
    const errs = update(roleBindingKind, obj, (o) => (o.roleRef.name = 'writer'));
    assert.deepEqual(errs.map((e) => `${e.field}: ${e.detail}`), ['roleRef: cannot change roleRef']);
    const role = create(roleKind, { metadata: { name: 'r' }, rules: [{ apiGroups: [''], resources: ['pods'] }] });
    assert.equal(message(roleKind, 'r', role.errs), 'Role.rbac.authorization.k8s.io "r" is invalid: rules[0].verbs: Required value: verbs must contain at least one value');
    assert.deepEqual(roleKind.strategy.row(role.obj), ['r', CREATED]);
    assert.deepEqual(roleKind.columns.map((c) => [c.name, c.type]), [['Name', 'string'], ['Created At', 'date']]);
  });
});

describe('storage.k8s.io/v1 StorageClass', () => {
  it('defaults reclaim policy and binding mode; marks the default class', () => {
    const { obj, errs } = create(storageClassKind, {
      metadata: { name: 'standard', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
      provisioner: 'rancher.io/local-path',
    });
    assert.deepEqual(errs, []);
    assert.equal(obj.reclaimPolicy, 'Delete');
    assert.equal(obj.volumeBindingMode, 'Immediate');
    assert.deepEqual(storageClassRow(obj, NOW), ['standard (default)', 'rancher.io/local-path', 'Delete', 'Immediate', false, '60m']);
  });

  it('parameters and provisioner are fixed', () => {
    const { obj } = create(storageClassKind, { metadata: { name: 'fast' }, provisioner: 'kubernetes.io/gce-pd', parameters: { type: 'pd-ssd' } });
    const errs = update(storageClassKind, obj, (o) => {
      o.parameters.type = 'pd-standard';
      o.provisioner = 'other.io/x';
    });
    assert.deepEqual(errs.map(fieldErrorText), ['parameters: Forbidden: updates to parameters are forbidden.', 'provisioner: Forbidden: updates to provisioner are forbidden.']);
    assert.deepEqual(create(storageClassKind, { metadata: { name: 'x' } }).errs.map(fieldErrorText), ['provisioner: Required value']);
  });
});

describe('coordination, discovery and scheduling', () => {
  it('Lease validates durations and prints HOLDER', () => {
    const { obj, errs } = create(leaseKind, { metadata: { name: 'node-1', namespace: 'kube-node-lease' }, spec: { holderIdentity: 'node-1', leaseDurationSeconds: 40 } });
    assert.deepEqual(errs, []);
    assert.deepEqual(leaseKind.strategy.row(obj).slice(0, 2), ['node-1', 'node-1']);
    assert.deepEqual(create(leaseKind, { metadata: { name: 'l' }, spec: { leaseDurationSeconds: 0 } }).errs.map(fieldErrorText), ['spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0']);
  });

  it('EndpointSlice: port defaults, addressType required and immutable, row', () => {
    const { obj, errs } = create(endpointSliceKind, {
      metadata: { name: 'web-abc' },
      addressType: 'IPv4',
      endpoints: [{ addresses: ['10.244.0.5'] }, { addresses: ['10.244.0.6'] }],
      ports: [{ port: 80 }],
    });
    assert.deepEqual(errs, []);
    assert.deepEqual(obj.ports, [{ port: 80, name: '', protocol: 'TCP' }]);
    assert.deepEqual(endpointSliceRow(obj, NOW), ['web-abc', 'IPv4', '80', '10.244.0.5,10.244.0.6', '60m']);
    assert.deepEqual(update(endpointSliceKind, obj, (o) => (o.addressType = 'IPv6')).map(fieldErrorText).pop(), 'addressType: Invalid value: "IPv6": field is immutable');
    assert.deepEqual(create(endpointSliceKind, { metadata: { name: 'e' } }).errs.map(fieldErrorText), ['addressType: Required value']);
    assert.deepEqual(create(endpointSliceKind, { metadata: { name: 'e' }, addressType: 'IPv4', endpoints: [{ addresses: ['127.0.0.1'] }] }).errs.map(fieldErrorText), [
      'endpoints[0].addresses[0]: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)',
    ]);
  });

  it('PriorityClass: preemptionPolicy default, value fixed, reserved names', () => {
    const { obj, errs } = create(priorityClassKind, { metadata: { name: 'high' }, value: 1000000 });
    assert.deepEqual(errs, []);
    assert.equal(obj.preemptionPolicy, 'PreemptLowerPriority');
    assert.deepEqual(priorityClassRow(obj, NOW), ['high', 1000000, false, '60m', 'PreemptLowerPriority']);
    assert.deepEqual(update(priorityClassKind, obj, (o) => (o.value = 5)).map(fieldErrorText), ['value: Forbidden: may not be changed in an update.']);
    assert.deepEqual(create(priorityClassKind, { metadata: { name: 'system-foo' }, value: 1 }).errs.map(fieldErrorText), [
      "metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: system-foo is not a known system priority class",
    ]);
    assert.deepEqual(create(priorityClassKind, { metadata: { name: 'huge' }, value: 2000000000 }).errs.map(fieldErrorText), ['value: Forbidden: maximum allowed value of a user defined priority is 1000000000']);
  });
});

// ---- events.k8s.io --------------------------------------------------------------------------------

describe('events.k8s.io/v1 Event', () => {
  const core: KubeObject = {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: 'web.17f', namespace: 'default' },
    involvedObject: { kind: 'Pod', namespace: 'default', name: 'web', uid: 'u', apiVersion: 'v1', fieldPath: 'spec.containers{web}' },
    reason: 'Pulled',
    message: 'Successfully pulled image',
    source: { component: 'kubelet', host: 'node-1' },
    firstTimestamp: '2025-06-01T11:00:00Z',
    lastTimestamp: '2025-06-01T11:50:00Z',
    count: 3,
    type: 'Normal',
    eventTime: null,
    reportingComponent: 'kubelet',
    reportingInstance: 'node-1',
  };

  it('core -> events.k8s.io -> core round-trips the stored form', () => {
    const ev = eventFromCore(core);
    assert.deepEqual(ev, {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: core.metadata,
      eventTime: null,
      reportingController: 'kubelet',
      reportingInstance: 'node-1',
      reason: 'Pulled',
      regarding: core.involvedObject,
      note: 'Successfully pulled image',
      type: 'Normal',
      deprecatedSource: { component: 'kubelet', host: 'node-1' },
      deprecatedFirstTimestamp: '2025-06-01T11:00:00Z',
      deprecatedLastTimestamp: '2025-06-01T11:50:00Z',
      deprecatedCount: 3,
    });
    assert.deepEqual(eventToCore(ev), core);
    assert.equal(eventsV1Kind.storage?.group, '');
    assert.equal(eventsV1Kind.storage?.plural, 'events');
  });

  it('events.k8s.io -> core -> events.k8s.io round-trips a new-style event', () => {
    const ev = {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name: 'x', namespace: 'default' },
      eventTime: '2025-06-01T11:59:00.000000Z',
      series: { count: 2, lastObservedTime: '2025-06-01T11:59:30.000000Z' },
      reportingController: 'example.com/ctl',
      reportingInstance: 'ctl-1',
      action: 'Reconcile',
      reason: 'Synced',
      regarding: { kind: 'Deployment', namespace: 'default', name: 'web' },
      note: 'done',
      type: 'Normal',
      deprecatedSource: {},
      deprecatedFirstTimestamp: null,
      deprecatedLastTimestamp: null,
    };
    const stored = eventToCore(ev);
    assert.equal(stored.reportingComponent, 'example.com/ctl');
    assert.equal(stored.message, 'done');
    assert.deepEqual(eventFromCore(stored), ev);
    assert.deepEqual(create(eventsV1Kind, ev).errs, []);
    assert.deepEqual(eventRow(ev, NOW), ['30s', 'Normal', 'Synced', 'deployment/web', '', 'example.com/ctl, ctl-1', 'done', '60s', 2, 'x']);
  });

  it('strict validation of events.k8s.io', () => {
    const errs = create(eventsV1Kind, { metadata: { name: 'x' }, regarding: { kind: 'Pod', name: 'p' }, deprecatedCount: 2, type: 'Bad' }).errs.map(fieldErrorText);
    assert.deepEqual(errs, [
      'eventTime: Required value',
      'type: Invalid value: "": has invalid value: Bad',
      'deprecatedCount: Invalid value: "": needs to be unset',
    ]);
    assert.deepEqual(eventRow(eventFromCore(core), NOW).slice(0, 9), ['10m', 'Normal', 'Pulled', 'pod/web', 'spec.containers{web}', 'kubelet, node-1', 'Successfully pulled image', '60m', 3]);
  });
});

// ---- apiextensions --------------------------------------------------------------------------------

/** The CronTab example of the Kubernetes documentation, with printer columns and subresources. */
const cronTabCRD = {
  metadata: { name: 'crontabs.stable.example.com' },
  spec: {
    group: 'stable.example.com',
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: { type: 'object', properties: { cronSpec: { type: 'string' }, image: { type: 'string' }, replicas: { type: 'integer' } } },
              status: { type: 'object', properties: { replicas: { type: 'integer' }, labelSelector: { type: 'string' } } },
            },
          },
        },
        subresources: { status: {}, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.labelSelector' } },
        additionalPrinterColumns: [
          { name: 'Spec', type: 'string', description: 'The cron spec defining the interval a CronJob is run', jsonPath: '.spec.cronSpec' },
          { name: 'Replicas', type: 'integer', description: 'The number of jobs launched by the CronJob', jsonPath: '.spec.replicas' },
          { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
        ],
      },
      {
        name: 'v1beta1',
        served: true,
        storage: false,
        schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
      },
    ],
    scope: 'Namespaced',
    names: { plural: 'crontabs', singular: 'crontab', kind: 'CronTab', shortNames: ['ct'], categories: ['all'] },
  },
};

describe('apiextensions.k8s.io/v1 CustomResourceDefinition', () => {
  it('defaults names and conversion, records the stored version', () => {
    const input = clone(cronTabCRD) as any;
    delete input.spec.names.singular;
    const { obj, errs } = create(crdKind, input);
    assert.deepEqual(errs, []);
    assert.equal(obj.spec.names.singular, 'crontab');
    assert.equal(obj.spec.names.listKind, 'CronTabList');
    assert.deepEqual(obj.spec.conversion, { strategy: 'None' });
    assert.deepEqual(obj.status, { acceptedNames: { kind: '', plural: '' }, storedVersions: ['v1'] });
    assert.deepEqual(crdKind.strategy.row(obj), ['crontabs.stable.example.com', CREATED]);
    assert.deepEqual(crdKind.shortNames, ['crd', 'crds']);
    assert.deepEqual(crdKind.categories, ['api-extensions']);
  });

  it('reports the common mistakes in upstream words', () => {
    const wrongName = clone(cronTabCRD) as any;
    wrongName.metadata.name = 'foo';
    assert.equal(
      message(crdKind, 'foo', create(crdKind, wrongName).errs),
      'CustomResourceDefinition.apiextensions.k8s.io "foo" is invalid: metadata.name: Invalid value: "foo": must be spec.names.plural+"."+spec.group',
    );
    const noStorage = clone(cronTabCRD) as any;
    noStorage.spec.versions[0].storage = false;
    const texts = create(crdKind, noStorage).errs.map((e) => `${e.field}: ${e.detail}`);
    assert.deepEqual(texts, ['spec.versions: must have exactly one version marked as storage version', 'status.storedVersions: must have at least one stored version']);
    const noSchema = clone(cronTabCRD) as any;
    delete noSchema.spec.versions[1].schema;
    assert.deepEqual(create(crdKind, noSchema).errs.map(fieldErrorText), ['spec.versions[1].schema.openAPIV3Schema: Required value: schemas are required']);
    const notObject = clone(cronTabCRD) as any;
    notObject.spec.versions[1].schema.openAPIV3Schema = { type: 'string' };
    assert.deepEqual(create(crdKind, notObject).errs.map(fieldErrorText), ['spec.versions[1].schema.openAPIV3Schema.type: Invalid value: "string": must be object at the root']);
    const untyped = clone(cronTabCRD) as any;
    untyped.spec.versions[1].schema.openAPIV3Schema = { type: 'object', properties: { spec: { properties: { a: { type: 'string' } } } } };
    assert.deepEqual(create(crdKind, untyped).errs.map(fieldErrorText), ['spec.versions[1].schema.openAPIV3Schema.properties[spec].type: Required value: must not be empty for specified object fields']);
    const scope = clone(cronTabCRD) as any;
    scope.spec.scope = 'Global';
    scope.spec.group = 'example';
    assert.deepEqual(create(crdKind, { ...scope, metadata: { name: 'crontabs.example' } }).errs.map(fieldErrorText), [
      'spec.group: Invalid value: "example": should be a domain with at least one dot',
      'spec.scope: Unsupported value: "Global": supported values: "Cluster", "Namespaced"',
    ]);
    const noKind = clone(cronTabCRD) as any;
    delete noKind.spec.names.kind;
    delete noKind.spec.names.singular;
    assert.deepEqual(create(crdKind, noKind).errs.map(fieldErrorText), ['spec.names.singular: Required value', 'spec.names.kind: Required value', 'spec.names.listKind: Required value']);
    const k8sGroup = clone(cronTabCRD) as any;
    k8sGroup.spec.group = 'stable.k8s.io';
    k8sGroup.metadata.name = 'crontabs.stable.k8s.io';
    assert.deepEqual(create(crdKind, k8sGroup).errs.map((e) => e.field), ['metadata.annotations[api-approved.kubernetes.io]']);
  });

  it('group and plural are immutable; a new storage version joins storedVersions', () => {
    const { obj } = create(crdKind, cronTabCRD);
    const errs = update(crdKind, obj, (o) => (o.spec.names.plural = 'crons'));
    assert.ok(errs.map(fieldErrorText).includes('spec.names.plural: Invalid value: "crons": field is immutable'));
    const moved = clone(obj);
    moved.spec.versions[0].storage = false;
    moved.spec.versions[1].storage = true;
    crdKind.strategy.prepareForUpdate!(moved, obj);
    assert.deepEqual(moved.status.storedVersions, ['v1', 'v1beta1']);
  });

  it('crdKindDefs builds the served versions of the CronTab example', () => {
    const crd = create(crdKind, cronTabCRD).obj;
    const seen: string[] = [];
    const defs = crdKindDefs(crd, (obj, ctx) => {
      seen.push(`${ctx.version}:${obj.metadata.name}`);
      return obj.spec?.cronSpec === 'bad' ? [{ type: 'FieldValueInvalid', field: 'spec.cronSpec', value: 'bad', detail: 'schema says no' }] : [];
    });
    assert.deepEqual(defs.map((d) => d.version), ['v1', 'v1beta1']);
    const [v1, v1beta1] = defs;
    assert.equal(v1.definition, 'com.example.stable.v1.CronTab');
    assert.equal(crdDefinitionName('stable.example.com', 'v1beta1', 'CronTab'), 'com.example.stable.v1beta1.CronTab');
    assert.deepEqual(
      { group: v1.group, kind: v1.kind, plural: v1.plural, singular: v1.singular, namespaced: v1.namespaced, shortNames: v1.shortNames, categories: v1.categories },
      { group: 'stable.example.com', kind: 'CronTab', plural: 'crontabs', singular: 'crontab', namespaced: true, shortNames: ['ct'], categories: ['all'] },
    );
    assert.deepEqual(v1.subresources, { status: true, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.labelSelector' } });
    assert.equal(v1.storage, undefined);
    assert.deepEqual(v1.columns.map((c) => [c.name, c.type]), [['Name', 'string'], ['Spec', 'string'], ['Replicas', 'integer'], ['Age', 'date']]);
    assert.deepEqual(v1beta1.columns.map((c) => [c.name, c.type]), [['Name', 'string'], ['Age', 'date']]);
    assert.equal(v1beta1.subresources, undefined);
    // v1beta1 objects live under v1's keys, as v1 objects.
    assert.deepEqual(v1beta1.storage!.toStorage({ apiVersion: 'stable.example.com/v1beta1', kind: 'CronTab', metadata: { name: 'a' } }).apiVersion, 'stable.example.com/v1');
    assert.deepEqual(v1beta1.storage!.fromStorage({ apiVersion: 'stable.example.com/v1', kind: 'CronTab', metadata: { name: 'a' } }).apiVersion, 'stable.example.com/v1beta1');

    const cr = { metadata: { name: 'my-new-cron-object' }, spec: { cronSpec: '* * * * */5', image: 'my-awesome-cron-image', replicas: 2 }, status: { replicas: 9 } };
    const made = create(v1, cr);
    assert.deepEqual(made.errs, []);
    assert.equal(made.obj.status, undefined, 'create may not set status');
    assert.deepEqual(seen, ['v1:my-new-cron-object']);
    assert.deepEqual(v1.strategy.row(made.obj), ['my-new-cron-object', '* * * * */5', 2, v1.strategy.row(made.obj)[3]]);
    assert.match(String(v1.strategy.row(made.obj)[3]), /^\d+[smhdy]/);
    assert.deepEqual(create(v1, { metadata: { name: 'x' }, spec: { cronSpec: 'bad' } }).errs.map(fieldErrorText), ['spec.cronSpec: Invalid value: "bad": schema says no']);
    assert.deepEqual(create(v1, { metadata: { name: 'Bad_Name' } }).errs.map((e) => e.field), ['metadata.name']);
    assert.deepEqual(v1.strategy.row({ metadata: { name: 'empty' } }), ['empty', null, null, null]);
  });

  it('evaluates the JSONPath forms printer columns use', () => {
    const obj = { status: { conditions: [{ type: 'A', status: 'False' }, { type: 'Ready', status: 'True' }] }, spec: { list: [1, 2], 'a.b': 'dot' } };
    assert.equal(evalJSONPath(obj, '.status.conditions[?(@.type=="Ready")].status'), 'True');
    assert.equal(evalJSONPath(obj, '.spec.list[1]'), 2);
    assert.equal(evalJSONPath(obj, ".spec['a.b']"), 'dot');
    assert.equal(evalJSONPath(obj, '.spec.missing'), undefined);
  });
});

// ---- registry shape -------------------------------------------------------------------------------

describe('kind definitions', () => {
  const all = [...eventsKinds, ...autoscalingKinds, ...batchKinds, ...networkingKinds, ...policyKinds, ...rbacKinds, ...storageKinds, ...apiextensionsKinds, ...schedulingKinds, ...coordinationKinds, ...discoveryKinds];

  it('names, scopes and short names as `kubectl api-resources` shows them', () => {
    const rows = all.map((d) => `${d.plural} ${(d.shortNames ?? []).join(',')} ${d.group}/${d.version} ${d.namespaced} ${d.kind}`);
    assert.deepEqual(rows, [
      'events ev events.k8s.io/v1 true Event',
      'horizontalpodautoscalers hpa autoscaling/v2 true HorizontalPodAutoscaler',
      'horizontalpodautoscalers hpa autoscaling/v1 true HorizontalPodAutoscaler',
      'cronjobs cj batch/v1 true CronJob',
      'jobs  batch/v1 true Job',
      'ingressclasses  networking.k8s.io/v1 false IngressClass',
      'ingresses ing networking.k8s.io/v1 true Ingress',
      'networkpolicies netpol networking.k8s.io/v1 true NetworkPolicy',
      'poddisruptionbudgets pdb policy/v1 true PodDisruptionBudget',
      'clusterrolebindings  rbac.authorization.k8s.io/v1 false ClusterRoleBinding',
      'clusterroles  rbac.authorization.k8s.io/v1 false ClusterRole',
      'rolebindings  rbac.authorization.k8s.io/v1 true RoleBinding',
      'roles  rbac.authorization.k8s.io/v1 true Role',
      'storageclasses sc storage.k8s.io/v1 false StorageClass',
      'customresourcedefinitions crd,crds apiextensions.k8s.io/v1 false CustomResourceDefinition',
      'priorityclasses pc scheduling.k8s.io/v1 false PriorityClass',
      'leases  coordination.k8s.io/v1 true Lease',
      'endpointslices  discovery.k8s.io/v1 true EndpointSlice',
    ]);
  });

  it('every row has one cell per column', () => {
    for (const d of all) {
      const { obj } = create(d, { metadata: { name: 'x' } });
      assert.equal(d.strategy.row(obj).length, d.columns.length, d.kind);
    }
  });
});

// ---- the example corpus ---------------------------------------------------------------------------

const CORPUS = resolve(__dirname, '../../../shared/corpus/kubernetes-examples');

function yamlFiles(dir: string, out: string[] = []): string[] {
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) yamlFiles(p, out);
    else if (/\.ya?ml$/.test(f)) out.push(p);
  }
  return out;
}

describe('kubernetes/examples manifests of these groups', { skip: !existsSync(CORPUS) && 'corpus not present' }, () => {
  it('are accepted after defaulting, as a v1.33 server accepts them', () => {
    const all = [...eventsKinds, ...autoscalingKinds, ...batchKinds, ...networkingKinds, ...policyKinds, ...rbacKinds, ...storageKinds, ...apiextensionsKinds, ...schedulingKinds, ...coordinationKinds, ...discoveryKinds];
    const failures: string[] = [];
    let checked = 0;
    for (const file of yamlFiles(CORPUS)) {
      let docs;
      try {
        docs = parseAllDocuments(readFileSync(file, 'utf8'));
      } catch {
        continue;
      }
      for (const doc of docs) {
        if (doc.errors.length) continue;
        const o = doc.toJSON() as any;
        if (!o || typeof o !== 'object' || typeof o.apiVersion !== 'string' || !o.kind) continue;
        const [group, version] = o.apiVersion.includes('/') ? o.apiVersion.split('/') : ['', o.apiVersion];
        const def = all.find((d) => d.group === group && d.version === version && d.kind === o.kind);
        if (!def) continue;
        checked++;
        const { errs } = create(def, o);
        if (errs.length) failures.push(`${file.slice(CORPUS.length)}: ${errs.map(fieldErrorText).join('; ')}`);
      }
    }
    assert.ok(checked >= 25, `checked ${checked} manifests`);
    assert.deepEqual(failures, []);
  });
});
