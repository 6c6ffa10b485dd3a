/**
 * core/v1 Pod: defaulting, the create-time mutations of the default admission chain
 * (ServiceAccount, DefaultTolerationSeconds, Priority), the pod strategy (status, QoS class,
 * generation), create/update validation, and the `kubectl get pods` row (printPod).
 */
import { field } from '../../apiserver/errors.js';
import { randomSuffix } from '../generic.js';
import { tryParseQuantity, type Quantity } from '../quantity.js';
import type { FieldError, KindDef, KubeObject } from '../types.js';
import { nameIsDNSSubdomain, validateCoreObjectMeta, validateObjectMetaUpdate } from '../validation.js';
import { arr, clone, decoding, isObj, jsonEqual, type Obj } from './core-common.js';
import { defaultPodOnly, defaultPodSpec, validatePodSpec } from './podspec.js';
import { AGE_COLUMN, col, humanDuration, NAME_COLUMN, translateTimestampSince } from './printers.js';

// ---- admission-time mutations --------------------------------------------------------------------

export const SERVICE_ACCOUNT_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';

/**
 * What the ServiceAccount admission plugin adds to a new pod: the `kube-api-access-xxxxx`
 * projected volume (token, kube-root-ca.crt, namespace) mounted read-only in every container and
 * init container, unless the pod opts out with automountServiceAccountToken: false.
 */
export function mountServiceAccountToken(spec: Obj): void {
  if (!isObj(spec) || spec.automountServiceAccountToken === false) return;
  const containers = [...arr(spec.initContainers), ...arr(spec.containers)];
  // A pod that already mounts something at the token path keeps its own volume.
  const needs = containers.filter((c) => !arr(c?.volumeMounts).some((m) => m?.mountPath === SERVICE_ACCOUNT_MOUNT_PATH));
  if (needs.length === 0) return;
  const name = `kube-api-access-${randomSuffix(5)}`;
  spec.volumes = [
    ...arr(spec.volumes),
    {
      name,
      projected: {
        defaultMode: 420,
        sources: [
          { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
          { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
          { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
        ],
      },
    },
  ];
  for (const c of needs) {
    if (!isObj(c)) continue;
    c.volumeMounts = [...arr(c.volumeMounts), { name, readOnly: true, mountPath: SERVICE_ACCOUNT_MOUNT_PATH }];
  }
}

const NOT_READY_TAINT = 'node.kubernetes.io/not-ready';
const UNREACHABLE_TAINT = 'node.kubernetes.io/unreachable';

/** DefaultTolerationSeconds: tolerate not-ready/unreachable nodes for 300s unless already tolerated. */
export function addDefaultTolerations(spec: Obj): void {
  if (!isObj(spec)) return;
  const tols = arr(spec.tolerations);
  const tolerates = (key: string) => tols.some((t) => (t?.key === key || !t?.key) && (t?.effect === 'NoExecute' || !t?.effect));
  const add: Obj[] = [];
  if (!tolerates(NOT_READY_TAINT)) add.push({ key: NOT_READY_TAINT, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
  if (!tolerates(UNREACHABLE_TAINT)) add.push({ key: UNREACHABLE_TAINT, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
  if (add.length) spec.tolerations = [...tols, ...add];
}

const SYSTEM_PRIORITIES: Record<string, number> = { 'system-node-critical': 2000001000, 'system-cluster-critical': 2000000000 };

/**
 * Priority admission: pods without a class get priority 0; the two system classes get their
 * values; every pod gets preemptionPolicy PreemptLowerPriority unless it names one. (Other
 * classes need a PriorityClass lookup, which the caller may add.)
 */
export function applyPriority(spec: Obj): void {
  if (!isObj(spec)) return;
  const cls: string | undefined = spec.priorityClassName;
  if (!cls) spec.priority ??= 0;
  else if (cls in SYSTEM_PRIORITIES) spec.priority ??= SYSTEM_PRIORITIES[cls];
  spec.preemptionPolicy ??= 'PreemptLowerPriority';
}

/** mutatePodAffinity: matchLabelKeys/mismatchLabelKeys become In/NotIn expressions on create. */
function mutatePodAffinity(pod: KubeObject): void {
  const labels: Record<string, string> = pod.metadata.labels ?? {};
  const aff = pod.spec?.affinity;
  if (!isObj(aff)) return;
  const terms: Obj[] = [];
  for (const kind of ['podAffinity', 'podAntiAffinity']) {
    const pa = aff[kind];
    if (!isObj(pa)) continue;
    terms.push(...arr(pa.requiredDuringSchedulingIgnoredDuringExecution));
    for (const w of arr(pa.preferredDuringSchedulingIgnoredDuringExecution)) if (isObj(w?.podAffinityTerm)) terms.push(w.podAffinityTerm);
  }
  for (const t of terms) {
    if (!isObj(t) || !isObj(t.labelSelector)) continue;
    for (const [keys, op] of [[arr<string>(t.matchLabelKeys), 'In'], [arr<string>(t.mismatchLabelKeys), 'NotIn']] as const) {
      for (const k of keys) {
        if (!(k in labels)) continue;
        t.labelSelector.matchExpressions = [...arr(t.labelSelector.matchExpressions), { key: k, operator: op, values: [labels[k]] }];
      }
    }
  }
}

// ---- QoS -------------------------------------------------------------------------------------------

/** qos.ComputePodQOS: BestEffort, Burstable or Guaranteed from cpu/memory requests and limits. */
export function podQOSClass(spec: Obj): 'BestEffort' | 'Burstable' | 'Guaranteed' {
  const requests = new Map<string, Quantity>();
  const limits = new Map<string, Quantity>();
  let guaranteed = true;
  const sum = (m: Map<string, Quantity>, k: string, q: Quantity) => m.set(k, m.has(k) ? m.get(k)!.add(q) : q);
  for (const c of [...arr(spec?.containers), ...arr(spec?.initContainers)]) {
    for (const [name, raw] of Object.entries(c?.resources?.requests ?? {})) {
      if (name !== 'cpu' && name !== 'memory') continue;
      const q = tryParseQuantity(raw);
      if (q && q.sign > 0) sum(requests, name, q);
    }
    const found = new Set<string>();
    for (const [name, raw] of Object.entries(c?.resources?.limits ?? {})) {
      if (name !== 'cpu' && name !== 'memory') continue;
      const q = tryParseQuantity(raw);
      if (q && q.sign > 0) {
        found.add(name);
        sum(limits, name, q);
      }
    }
    if (!found.has('cpu') || !found.has('memory')) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (guaranteed) {
    for (const [name, req] of requests) {
      const lim = limits.get(name);
      if (!lim || lim.cmp(req) !== 0) {
        guaranteed = false;
        break;
      }
    }
  }
  return guaranteed && requests.size === limits.size ? 'Guaranteed' : 'Burstable';
}

// ---- validation ------------------------------------------------------------------------------------

const UPDATABLE_POD_FIELDS = [
  '`spec.containers[*].image`',
  '`spec.initContainers[*].image`',
  '`spec.activeDeadlineSeconds`',
  '`spec.tolerations` (only additions to existing tolerations)',
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
];

/** validatePodMetadataAndSpec */
function validatePodMetadataAndSpec(pod: KubeObject): FieldError[] {
  const errs = validateCoreObjectMeta(pod.metadata, true, nameIsDNSSubdomain);
  errs.push(...validatePodAnnotations(pod.metadata.annotations, pod.spec));
  errs.push(...validatePodSpec(pod.spec, 'spec', { isPod: true, podName: pod.metadata.name }));
  return errs;
}

/** ValidatePodCreate */
function validatePodCreate(pod: KubeObject): FieldError[] {
  const errs = validatePodMetadataAndSpec(pod);
  if (arr(pod.spec?.ephemeralContainers).length > 0) errs.push(field.forbidden('spec.ephemeralContainers', 'cannot be set on create'));
  if (pod.spec?.nodeName && arr(pod.spec?.schedulingGates).length > 0) {
    errs.push(field.forbidden('spec.nodeName', 'cannot be set until all schedulingGates have been cleared'));
  }
  return errs;
}

function validatePodAnnotations(annotations: Record<string, string> | undefined, spec: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const a = annotations ?? {};
  if ('kubernetes.io/config.mirror' in a && !spec?.nodeName) {
    errs.push(field.invalid('metadata.annotations[kubernetes.io/config.mirror]', a['kubernetes.io/config.mirror'], 'must set spec.nodeName if mirror pod annotation is set'));
  }
  const cost = a['controller.kubernetes.io/pod-deletion-cost'];
  if (cost !== undefined && !(/^[+-]?\d+$/.test(cost) && Math.abs(Number(cost)) <= 2147483648 && Number(cost) <= 2147483647)) {
    errs.push(field.invalid('metadata.annotations[controller.kubernetes.io/pod-deletion-cost]', cost, 'must be a 32bit integer'));
  }
  return errs;
}

/** ValidatePodUpdate: only images, activeDeadlineSeconds, added tolerations and removed gates may change. */
function validatePodUpdate(pod: KubeObject, old: KubeObject): FieldError[] {
  const errs = validateObjectMetaUpdate(pod.metadata, old.metadata);
  errs.push(...validatePodMetadataAndSpec(pod));
  const spec: Obj = pod.spec ?? {};
  const oldSpec: Obj = old.spec ?? {};
  for (const k of ['containers', 'initContainers'] as const) {
    const next = arr(spec[k]);
    const prev = arr(oldSpec[k]);
    if (next.length !== prev.length) {
      errs.push(field.forbidden(`spec.${k}`, 'pod updates may not add or remove containers'));
      return errs;
    }
  }
  if (spec.activeDeadlineSeconds !== undefined && spec.activeDeadlineSeconds !== null) {
    const v = spec.activeDeadlineSeconds;
    if (v < 0 || v > 2147483647) return [...errs, field.invalid('spec.activeDeadlineSeconds', v, 'must be between 0 and 2147483647, inclusive')];
    if (oldSpec.activeDeadlineSeconds !== undefined && oldSpec.activeDeadlineSeconds !== null && oldSpec.activeDeadlineSeconds < v) {
      return [...errs, field.invalid('spec.activeDeadlineSeconds', v, 'must be less than or equal to previous value')];
    }
  } else if (oldSpec.activeDeadlineSeconds !== undefined && oldSpec.activeDeadlineSeconds !== null) {
    errs.push(field.invalid('spec.activeDeadlineSeconds', null, 'must not update from a positive integer to nil value'));
  }
  // tolerations: only additions (tolerationSeconds may change)
  for (const t of arr(oldSpec.tolerations)) {
    const found = arr(spec.tolerations).some((n) => jsonEqual({ ...t, tolerationSeconds: n?.tolerationSeconds }, n));
    if (!found) {
      errs.push(field.forbidden('spec.tolerations', 'existing toleration can not be modified except its tolerationSeconds'));
      break;
    }
  }
  // schedulingGates: only deletions
  const oldGates = new Set(arr(oldSpec.schedulingGates).map((g) => g?.name));
  arr(spec.schedulingGates).forEach((g, i) => {
    if (!oldGates.has(g?.name)) errs.push(field.forbidden(`spec.schedulingGates[${i}].name`, `only deletion is allowed, but found new scheduling gate '${g?.name}'`));
  });
  if (jsonEqual(spec, oldSpec)) return errs;
  const munged = clone(spec);
  arr(munged.containers).forEach((c, i) => (c.image = oldSpec.containers[i]?.image));
  arr(munged.initContainers).forEach((c, i) => (c.image = oldSpec.initContainers[i]?.image));
  munged.activeDeadlineSeconds = oldSpec.activeDeadlineSeconds;
  if (munged.activeDeadlineSeconds === undefined) delete munged.activeDeadlineSeconds;
  munged.schedulingGates = oldSpec.schedulingGates;
  munged.tolerations = oldSpec.tolerations;
  for (const k of ['schedulingGates', 'tolerations']) if (munged[k] === undefined) delete munged[k];
  if ((oldSpec.terminationGracePeriodSeconds ?? 0) < 0 && munged.terminationGracePeriodSeconds === 1) {
    munged.terminationGracePeriodSeconds = oldSpec.terminationGracePeriodSeconds;
  }
  // Binding goes through the main resource here: nodeName may be set once.
  if (!oldSpec.nodeName && munged.nodeName) munged.nodeName = oldSpec.nodeName;
  if (munged.nodeName === undefined) delete munged.nodeName;
  // Gated pods may gain nodeSelector entries.
  if (arr(oldSpec.schedulingGates).length > 0 && !jsonEqual(munged.nodeSelector, oldSpec.nodeSelector)) {
    const prev: Obj = oldSpec.nodeSelector ?? {};
    const next: Obj = munged.nodeSelector ?? {};
    if (Object.entries(prev).some(([k, v]) => next[k] !== v)) {
      errs.push(field.invalid('spec.nodeSelector', next, 'only additions to spec.nodeSelector are allowed (no mutations or deletions)'));
    }
    munged.nodeSelector = oldSpec.nodeSelector;
    if (munged.nodeSelector === undefined) delete munged.nodeSelector;
  }
  if (!jsonEqual(munged, oldSpec)) {
    errs.push(field.forbidden('spec', `pod updates may not change fields other than ${UPDATABLE_POD_FIELDS.join(',')}\n${specDiff(oldSpec, munged)}`));
  }
  return errs;
}

/** A short rendering of what changed between two specs, in the spirit of cmp.Diff. */
function specDiff(a: Obj, b: Obj, path = 'core.PodSpec'): string {
  const lines: string[] = [];
  const walk = (x: unknown, y: unknown, p: string) => {
    if (jsonEqual(x, y)) return;
    if (isObj(x) && isObj(y)) {
      for (const k of new Set([...Object.keys(x), ...Object.keys(y)])) walk(x[k], y[k], `${p}.${k}`);
      return;
    }
    if (Array.isArray(x) && Array.isArray(y) && x.length === y.length) {
      x.forEach((v, i) => walk(v, y[i], `${p}[${i}]`));
      return;
    }
    lines.push(`  ${p}:`, `- \t${JSON.stringify(x ?? null)}`, `+ \t${JSON.stringify(y ?? null)}`);
  };
  walk(a, b, path);
  return lines.join('\n');
}

// ---- printPod ----------------------------------------------------------------------------------------

function isRestartableInit(c: Obj | undefined): boolean {
  return c?.restartPolicy === 'Always';
}

function conditionTrue(status: Obj, type: string): boolean {
  for (const c of arr(status?.conditions)) if (c?.type === type) return c.status === 'True';
  return false;
}

function laterThan(a: string | undefined, b: string | undefined): boolean {
  if (!b) return false;
  if (!a) return true;
  return Date.parse(b) > Date.parse(a);
}

/** The cells of printPod: NAME READY STATUS RESTARTS AGE IP NODE NOMINATED NODE READINESS GATES. */
export function podRow(pod: KubeObject, now: number = Date.now()): unknown[] {
  const spec: Obj = pod.spec ?? {};
  const status: Obj = pod.status ?? {};
  let restarts = 0;
  let restartableInitRestarts = 0;
  let totalContainers = arr(spec.containers).length;
  let readyContainers = 0;
  let lastRestartDate: string | undefined;
  let lastRestartableInitRestartDate: string | undefined;
  const phase: string = status.phase ?? '';
  let reason = phase;
  if (status.reason) reason = status.reason;
  for (const c of arr(status.conditions)) {
    if (c?.type === 'PodScheduled' && c?.reason === 'SchedulingGated') reason = 'SchedulingGated';
  }
  const initContainers = new Map<string, Obj>();
  for (const c of arr(spec.initContainers)) {
    initContainers.set(c?.name, c);
    if (isRestartableInit(c)) totalContainers++;
  }
  let initializing = false;
  const initStatuses = arr(status.initContainerStatuses);
  for (let i = 0; i < initStatuses.length; i++) {
    const cs = initStatuses[i];
    restarts += cs?.restartCount ?? 0;
    const lastTerm = cs?.lastState?.terminated;
    if (lastTerm && laterThan(lastRestartDate, lastTerm.finishedAt)) lastRestartDate = lastTerm.finishedAt;
    const restartable = isRestartableInit(initContainers.get(cs?.name));
    if (restartable) {
      restartableInitRestarts += cs?.restartCount ?? 0;
      if (lastTerm && laterThan(lastRestartableInitRestartDate, lastTerm.finishedAt)) lastRestartableInitRestartDate = lastTerm.finishedAt;
    }
    const term = cs?.state?.terminated;
    const waiting = cs?.state?.waiting;
    if (term && (term.exitCode ?? 0) === 0) continue;
    if (restartable && cs?.started === true) {
      if (cs?.ready) readyContainers++;
      continue;
    }
    if (term) {
      if (!term.reason) reason = term.signal ? `Init:Signal:${term.signal}` : `Init:ExitCode:${term.exitCode ?? 0}`;
      else reason = `Init:${term.reason}`;
    } else if (waiting && waiting.reason && waiting.reason !== 'PodInitializing') {
      reason = `Init:${waiting.reason}`;
    } else {
      reason = `Init:${i}/${arr(spec.initContainers).length}`;
    }
    initializing = true;
    break;
  }
  if (!initializing || conditionTrue(status, 'Initialized')) {
    restarts = restartableInitRestarts;
    lastRestartDate = lastRestartableInitRestartDate;
    let hasRunning = false;
    const statuses = arr(status.containerStatuses);
    for (let i = statuses.length - 1; i >= 0; i--) {
      const cs = statuses[i];
      restarts += cs?.restartCount ?? 0;
      const lastTerm = cs?.lastState?.terminated;
      if (lastTerm && laterThan(lastRestartDate, lastTerm.finishedAt)) lastRestartDate = lastTerm.finishedAt;
      const waiting = cs?.state?.waiting;
      const term = cs?.state?.terminated;
      if (waiting && waiting.reason) reason = waiting.reason;
      else if (term && term.reason) reason = term.reason;
      else if (term && !term.reason) reason = term.signal ? `Signal:${term.signal}` : `ExitCode:${term.exitCode ?? 0}`;
      else if (cs?.ready && cs?.state?.running) {
        hasRunning = true;
        readyContainers++;
      }
    }
    if (reason === 'Completed' && hasRunning) reason = conditionTrue(status, 'Ready') ? 'Running' : 'NotReady';
  }
  if (pod.metadata.deletionTimestamp && status.reason === 'NodeLost') reason = 'Unknown';
  else if (pod.metadata.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';
  let restartsStr = String(restarts);
  if (restarts !== 0 && lastRestartDate) restartsStr = `${restarts} (${translateTimestampSince(lastRestartDate, now)} ago)`;

  const podIP = arr(status.podIPs)[0]?.ip || '<none>';
  const nodeName = spec.nodeName || '<none>';
  const nominated = status.nominatedNodeName || '<none>';
  let readinessGates = '<none>';
  const gates = arr(spec.readinessGates);
  if (gates.length) {
    let trueCount = 0;
    for (const g of gates) {
      for (const c of arr(status.conditions)) {
        if (c?.type === g?.conditionType) {
          if (c.status === 'True') trueCount++;
          break;
        }
      }
    }
    readinessGates = `${trueCount}/${gates.length}`;
  }
  return [
    pod.metadata.name,
    `${readyContainers}/${totalContainers}`,
    reason,
    restartsStr,
    translateTimestampSince(pod.metadata.creationTimestamp, now),
    podIP,
    nodeName,
    nominated,
    readinessGates,
  ];
}

// ---- the kind ----------------------------------------------------------------------------------------

export const podKind: KindDef = {
  group: '',
  version: 'v1',
  kind: 'Pod',
  plural: 'pods',
  singular: 'pod',
  namespaced: true,
  shortNames: ['po'],
  categories: ['all'],
  definition: 'io.k8s.api.core.v1.Pod',
  subresources: {
    status: true,
    extra: [
      { name: 'attach', kind: { group: '', version: 'v1', kind: 'PodAttachOptions' }, verbs: ['create', 'get'] },
      { name: 'binding', kind: { group: '', version: 'v1', kind: 'Binding' }, verbs: ['create'] },
      { name: 'ephemeralcontainers', kind: { group: '', version: 'v1', kind: 'Pod' }, verbs: ['get', 'patch', 'update'] },
      { name: 'eviction', kind: { group: 'policy', version: 'v1', kind: 'Eviction' }, verbs: ['create'] },
      { name: 'exec', kind: { group: '', version: 'v1', kind: 'PodExecOptions' }, verbs: ['create', 'get'] },
      { name: 'log', kind: { group: '', version: 'v1', kind: 'Pod' }, verbs: ['get'] },
      { name: 'portforward', kind: { group: '', version: 'v1', kind: 'PodPortForwardOptions' }, verbs: ['create', 'get'] },
      { name: 'proxy', kind: { group: '', version: 'v1', kind: 'PodProxyOptions' }, verbs: ['create', 'delete', 'get', 'patch', 'update'] },
      { name: 'resize', kind: { group: '', version: 'v1', kind: 'Pod' }, verbs: ['get', 'patch', 'update'] },
    ],
  },
  columns: [
    NAME_COLUMN,
    col('Ready', 'string', 'Containers ready out of the containers the pod runs.'),
    col('Status', 'string', 'A summary of the state of the pod and its containers.'),
    col('Restarts', 'string', 'Container restarts, and how long ago the last one happened.'),
    AGE_COLUMN,
    col('IP', 'string', "The pod's primary IP address.", 1),
    col('Node', 'string', 'The node the pod is bound to.', 1),
    col('Nominated Node', 'string', 'The node the scheduler nominated while preempting.', 1),
    col('Readiness Gates', 'string', 'Readiness gates that are satisfied, out of all declared.', 1),
  ],
  strategy: {
    defaults(obj) {
      decoding('Pod', 'v1', () => {
        obj.spec ??= {};
        defaultPodSpec(obj.spec);
        defaultPodOnly(obj.spec);
      });
    },
    prepareForCreate(obj) {
      const spec: Obj = obj.spec ?? (obj.spec = {});
      // admission chain (ServiceAccount, DefaultTolerationSeconds, Priority)
      mountServiceAccountToken(spec);
      addDefaultTolerations(spec);
      applyPriority(spec);
      obj.metadata.generation = 1;
      obj.status = { phase: 'Pending', qosClass: podQOSClass(spec) };
      if (arr(spec.schedulingGates).length > 0) {
        obj.status.conditions = [
          { type: 'PodScheduled', status: 'False', lastProbeTime: null, lastTransitionTime: null, reason: 'SchedulingGated', message: 'Scheduling is blocked due to non-empty scheduling gates' },
        ];
      }
      mutatePodAffinity(obj);
    },
    prepareForUpdate(obj, old) {
      obj.metadata.generation = old.metadata.generation ?? 1;
      if (!jsonEqual(obj.spec, old.spec)) obj.metadata.generation += 1;
    },
    validate: validatePodCreate,
    validateUpdate: validatePodUpdate,
    row: (obj) => podRow(obj),
    fieldLabels(obj) {
      return {
        'spec.nodeName': obj.spec?.nodeName ?? '',
        'spec.restartPolicy': obj.spec?.restartPolicy ?? '',
        'spec.schedulerName': obj.spec?.schedulerName ?? '',
        'spec.serviceAccountName': obj.spec?.serviceAccountName ?? '',
        'spec.hostNetwork': String(!!obj.spec?.hostNetwork),
        'status.phase': obj.status?.phase ?? '',
        'status.podIP': arr(obj.status?.podIPs)[0]?.ip ?? obj.status?.podIP ?? '',
        'status.nominatedNodeName': obj.status?.nominatedNodeName ?? '',
      };
    },
  },
};

export { humanDuration };
