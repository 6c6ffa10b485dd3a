/**
 * apps/v1: Deployment, ReplicaSet, StatefulSet, DaemonSet and ControllerRevision, with the
 * defaults of pkg/apis/apps/v1, the validation of pkg/apis/apps/validation, the strategies'
 * kind-specific create/update handling and the `kubectl get` columns.
 */
import { field } from '../../apiserver/errors.js';
import type { FieldError, KindDef, KubeObject } from '../types.js';
import {
  formatLabelSelector,
  formatLabelSet,
  GoValue,
  goStringMap,
  nameIsDNSLabel,
  nameIsDNSSubdomain,
  regexError,
  selectorMatches,
  validateAnnotations,
  validateLabels,
  validateLabelSelector,
  validateCoreObjectMeta,
  validateObjectMetaUpdate,
  type LabelSelector,
} from '../validation.js';
import { arr, clone, decoding, isObj, jsonEqual, nonNegative, type Obj } from './core-common.js';
import { defaultPodTemplateSpec, defaultPVCSpec, validatePodTemplateSpec } from './podspec.js';
import { AGE_COLUMN, col, containersAndImages, NAME_COLUMN, translateTimestampSince } from './printers.js';

const age = (obj: KubeObject) => translateTimestampSince(obj.metadata.creationTimestamp);

function appsKind(d: Omit<KindDef, 'group' | 'version' | 'definition'>): KindDef {
  return { group: 'apps', version: 'v1', definition: `io.k8s.api.apps.v1.${d.kind}`, ...d };
}

const SCALE = { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.spec.selector' };

// ---- Go renderings of values shown in errors -----------------------------------------------------

function goStrings(v: unknown): string {
  return Array.isArray(v) ? `[]string{${v.map((s) => JSON.stringify(s)).join(', ')}}` : '[]string(nil)';
}

/** %#v of a *metav1.LabelSelector, as ValidateImmutableField and the empty-selector errors show it. */
export function goLabelSelector(sel: LabelSelector | undefined | null): GoValue {
  if (!sel) return new GoValue(null, 'null');
  const ml = isObj(sel.matchLabels) ? goStringMap(sel.matchLabels).goString : 'map[string]string(nil)';
  const exprs = Array.isArray(sel.matchExpressions)
    ? `[]v1.LabelSelectorRequirement{${sel.matchExpressions
        .map((e) => `v1.LabelSelectorRequirement{Key:${JSON.stringify(e?.key ?? '')}, Operator:${JSON.stringify(e?.operator ?? '')}, Values:${goStrings(e?.values)}}`)
        .join(', ')}}`
    : '[]v1.LabelSelectorRequirement(nil)';
  return new GoValue(sel, `v1.LabelSelector{MatchLabels:${ml}, MatchExpressions:${exprs}}`);
}

/** %#v of an intstr.IntOrString. */
function goIntOrString(v: unknown): GoValue {
  if (typeof v === 'string') return new GoValue(v, `intstr.IntOrString{Type:1, IntVal:0, StrVal:${JSON.stringify(v)}}`);
  return new GoValue(v, `intstr.IntOrString{Type:0, IntVal:${typeof v === 'number' ? v : 0}, StrVal:""}`);
}

// ---- shared validation pieces --------------------------------------------------------------------

const PERCENT_RE = /^[0-9]+%$/;

/** ValidatePositiveIntOrPercent */
function positiveIntOrPercent(v: unknown, path: string): FieldError[] {
  if (typeof v === 'string') {
    return PERCENT_RE.test(v) ? [] : [field.invalid(path, goIntOrString(v), regexError("a valid percent string must be a numeric string followed by an ending '%'", '[0-9]+%', '1%', '93%'))];
  }
  if (typeof v === 'number') return nonNegative(v, path);
  return [field.invalid(path, goIntOrString(v), "must be an integer or percentage (e.g '5%')")];
}

function intOrPercentValue(v: unknown): number {
  if (typeof v === 'string') return PERCENT_RE.test(v) ? Number(v.slice(0, -1)) : 0;
  return typeof v === 'number' ? v : 0;
}

function notMoreThan100Percent(v: unknown, path: string): FieldError[] {
  if (typeof v !== 'string' || !PERCENT_RE.test(v) || Number(v.slice(0, -1)) <= 100) return [];
  return [field.invalid(path, goIntOrString(v), 'must not be greater than 100%')];
}

/** The selector checks every controller shares (required, valid, non-empty). */
function validateControllerSelector(sel: unknown, path: string, kindWord: string): FieldError[] {
  if (sel === undefined || sel === null) return [field.required(path, '')];
  const s = sel as LabelSelector;
  const errs = validateLabelSelector(s, path);
  if (Object.keys(s.matchLabels ?? {}).length + arr(s.matchExpressions).length === 0) {
    errs.push(field.invalid(path, goLabelSelector(s), `empty selector is invalid for ${kindWord}`));
  }
  return errs;
}

/** ValidatePodTemplateSpecForReplicaSet (also Deployment's template rules). */
function validateTemplateForReplicaSet(tpl: Obj | undefined, selector: LabelSelector | undefined, path: string, kindWord: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!isObj(tpl)) return [field.required(path, '')];
  const selEmpty = !selector || Object.keys(selector.matchLabels ?? {}).length + arr(selector.matchExpressions).length === 0;
  if (!selEmpty && !selectorMatches(selector, tpl.metadata?.labels)) {
    errs.push(field.invalid(`${path}.metadata.labels`, goStringMap(tpl.metadata?.labels), '`selector` does not match template `labels`'));
  }
  errs.push(...validatePodTemplateSpec(tpl, path));
  if (tpl.spec?.restartPolicy !== 'Always') errs.push(field.notSupported(`${path}.spec.restartPolicy`, tpl.spec?.restartPolicy ?? '', ['Always']));
  if (tpl.spec?.activeDeadlineSeconds !== undefined && tpl.spec?.activeDeadlineSeconds !== null) {
    errs.push(field.forbidden(`${path}.spec.activeDeadlineSeconds`, `activeDeadlineSeconds in ${kindWord} is not Supported`));
  }
  return errs;
}

function selectorImmutable(obj: KubeObject, old: KubeObject): FieldError[] {
  return jsonEqual(obj.spec?.selector, old.spec?.selector) ? [] : [field.invalid('spec.selector', goLabelSelector(obj.spec?.selector), 'field is immutable')];
}

function statusCounts(status: Obj | undefined, keys: string[]): FieldError[] {
  const errs: FieldError[] = [];
  for (const k of keys) errs.push(...nonNegative(status?.[k], `status.${k}`));
  return errs;
}

// ---- Deployment ----------------------------------------------------------------------------------

/** SetDefaults_Deployment */
export function defaultDeployment(obj: KubeObject): void {
  const spec: Obj = obj.spec ?? (obj.spec = {});
  if (spec.replicas === undefined || spec.replicas === null) spec.replicas = 1;
  const strategy: Obj = isObj(spec.strategy) ? spec.strategy : (spec.strategy = {});
  if (!strategy.type) strategy.type = 'RollingUpdate';
  if (strategy.type === 'RollingUpdate') {
    const ru: Obj = isObj(strategy.rollingUpdate) ? strategy.rollingUpdate : (strategy.rollingUpdate = {});
    if (ru.maxUnavailable === undefined || ru.maxUnavailable === null) ru.maxUnavailable = '25%';
    if (ru.maxSurge === undefined || ru.maxSurge === null) ru.maxSurge = '25%';
  }
  if (spec.revisionHistoryLimit === undefined || spec.revisionHistoryLimit === null) spec.revisionHistoryLimit = 10;
  if (spec.progressDeadlineSeconds === undefined || spec.progressDeadlineSeconds === null) spec.progressDeadlineSeconds = 600;
  spec.template ??= {};
  defaultPodTemplateSpec(spec.template);
}

function validateDeploymentStrategy(strategy: Obj | undefined, path: string): FieldError[] {
  const s: Obj = isObj(strategy) ? strategy : {};
  switch (s.type) {
    case 'Recreate':
      return isObj(s.rollingUpdate) ? [field.forbidden(`${path}.rollingUpdate`, "may not be specified when strategy `type` is 'Recreate'")] : [];
    case 'RollingUpdate': {
      if (!isObj(s.rollingUpdate)) return [field.required(`${path}.rollingUpdate`, 'this should be defaulted and never be nil')];
      const ru = s.rollingUpdate;
      const p = `${path}.rollingUpdate`;
      const errs = [...positiveIntOrPercent(ru.maxUnavailable, `${p}.maxUnavailable`), ...positiveIntOrPercent(ru.maxSurge, `${p}.maxSurge`)];
      if (intOrPercentValue(ru.maxUnavailable) === 0 && intOrPercentValue(ru.maxSurge) === 0) {
        errs.push(field.invalid(`${p}.maxUnavailable`, goIntOrString(ru.maxUnavailable), 'may not be 0 when `maxSurge` is 0'));
      }
      errs.push(...notMoreThan100Percent(ru.maxUnavailable, `${p}.maxUnavailable`));
      return errs;
    }
    default:
      return [
        field.notSupported(path, new GoValue(s, `apps.DeploymentStrategy{Type:${JSON.stringify(s.type ?? '')}, RollingUpdate:(*apps.RollingUpdateDeployment)(nil)}`), ['Recreate', 'RollingUpdate']),
      ];
  }
}

/** ValidateDeploymentSpec */
function validateDeploymentSpec(spec: Obj | undefined): FieldError[] {
  const s: Obj = isObj(spec) ? spec : {};
  const errs = nonNegative(s.replicas, 'spec.replicas');
  errs.push(...validateControllerSelector(s.selector, 'spec.selector', 'deployment'));
  errs.push(...validateTemplateForReplicaSet(s.template, s.selector, 'spec.template', 'ReplicaSet'));
  errs.push(...validateDeploymentStrategy(s.strategy, 'spec.strategy'));
  errs.push(...nonNegative(s.minReadySeconds, 'spec.minReadySeconds'));
  errs.push(...nonNegative(s.revisionHistoryLimit, 'spec.revisionHistoryLimit'));
  if (isObj(s.rollbackTo)) errs.push(...nonNegative(s.rollbackTo.revision, 'spec.rollback.version'));
  if (typeof s.progressDeadlineSeconds === 'number') {
    errs.push(...nonNegative(s.progressDeadlineSeconds, 'spec.progressDeadlineSeconds'));
    if (s.progressDeadlineSeconds <= (s.minReadySeconds ?? 0)) errs.push(field.invalid('spec.progressDeadlineSeconds', s.progressDeadlineSeconds, 'must be greater than minReadySeconds'));
  }
  return errs;
}

function validateDeploymentStatus(status: Obj | undefined): FieldError[] {
  const s = status ?? {};
  const errs = statusCounts(s, ['observedGeneration', 'replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas', 'collisionCount']);
  const r = s.replicas ?? 0;
  for (const k of ['updatedReplicas', 'readyReplicas', 'availableReplicas']) if ((s[k] ?? 0) > r) errs.push(field.invalid(`status.${k}`, s[k], 'cannot be greater than status.replicas'));
  if ((s.availableReplicas ?? 0) > (s.readyReplicas ?? 0)) errs.push(field.invalid('status.availableReplicas', s.availableReplicas, 'cannot be greater than readyReplicas'));
  return errs;
}

export function deploymentRow(obj: KubeObject, now = Date.now()): unknown[] {
  const spec: Obj = obj.spec ?? {};
  const st: Obj = obj.status ?? {};
  const [names, images] = containersAndImages(spec.template?.spec);
  const sel = spec.selector ? formatLabelSelector(spec.selector) : '';
  return [
    obj.metadata.name,
    `${st.readyReplicas ?? 0}/${spec.replicas ?? 0}`,
    st.updatedReplicas ?? 0,
    st.availableReplicas ?? 0,
    translateTimestampSince(obj.metadata.creationTimestamp, now),
    names,
    images,
    sel === '<none>' ? '' : sel === '<error>' ? '<invalid>' : sel,
  ];
}

export const deploymentKind = appsKind({
  kind: 'Deployment',
  plural: 'deployments',
  singular: 'deployment',
  namespaced: true,
  shortNames: ['deploy'],
  categories: ['all'],
  subresources: { status: true, scale: SCALE },
  columns: [
    NAME_COLUMN,
    col('Ready', 'string', 'Ready replicas out of the desired number.'),
    col('Up-to-date', 'string', 'Replicas running the latest template.'),
    col('Available', 'string', 'Replicas available to users (ready for at least minReadySeconds).'),
    AGE_COLUMN,
    col('Containers', 'string', 'Names of each container in the template.', 1),
    col('Images', 'string', 'Images referenced by each container in the template.', 1),
    col('Selector', 'string', 'The label query over pods the deployment manages.', 1),
  ],
  strategy: {
    defaults: (obj) => decoding('Deployment', 'v1', () => defaultDeployment(obj)),
    prepareForUpdate(obj, old) {
      // Annotation changes bump the generation too: they are copied to the ReplicaSets.
      if (!jsonEqual(obj.metadata.annotations ?? {}, old.metadata.annotations ?? {}) && obj.metadata.generation === old.metadata.generation) {
        obj.metadata.generation = (old.metadata.generation ?? 0) + 1;
      }
    },
    validate: (obj) => [...validateCoreObjectMeta(obj.metadata, true, nameIsDNSSubdomain), ...validateDeploymentSpec(obj.spec)],
    validateUpdate: (obj, old) => [
      ...validateObjectMetaUpdate(obj.metadata, old.metadata),
      ...validateDeploymentSpec(obj.spec),
      ...selectorImmutable(obj, old),
      ...validateDeploymentStatus(obj.status),
    ],
    row: (obj) => deploymentRow(obj),
  },
});

// ---- ReplicaSet ----------------------------------------------------------------------------------

function validateReplicaSetSpec(spec: Obj | undefined): FieldError[] {
  const s: Obj = isObj(spec) ? spec : {};
  const errs = nonNegative(s.replicas, 'spec.replicas');
  errs.push(...nonNegative(s.minReadySeconds, 'spec.minReadySeconds'));
  errs.push(...validateControllerSelector(s.selector, 'spec.selector', 'deployment'));
  errs.push(...validateTemplateForReplicaSet(s.template, s.selector, 'spec.template', 'ReplicaSet'));
  return errs;
}

function validateReplicaSetStatus(status: Obj | undefined): FieldError[] {
  const s = status ?? {};
  const errs = statusCounts(s, ['replicas', 'fullyLabeledReplicas', 'readyReplicas', 'availableReplicas', 'observedGeneration']);
  const r = s.replicas ?? 0;
  for (const k of ['fullyLabeledReplicas', 'readyReplicas', 'availableReplicas']) if ((s[k] ?? 0) > r) errs.push(field.invalid(`status.${k}`, s[k], 'cannot be greater than status.replicas'));
  if ((s.availableReplicas ?? 0) > (s.readyReplicas ?? 0)) errs.push(field.invalid('status.availableReplicas', s.availableReplicas, 'cannot be greater than readyReplicas'));
  return errs;
}

export const replicaSetKind = appsKind({
  kind: 'ReplicaSet',
  plural: 'replicasets',
  singular: 'replicaset',
  namespaced: true,
  shortNames: ['rs'],
  categories: ['all'],
  subresources: { status: true, scale: SCALE },
  columns: [
    NAME_COLUMN,
    col('Desired', 'integer', 'Desired number of replicas.'),
    col('Current', 'integer', 'Replicas currently created.'),
    col('Ready', 'integer', 'Replicas ready.'),
    AGE_COLUMN,
    col('Containers', 'string', 'Names of each container in the template.', 1),
    col('Images', 'string', 'Images referenced by each container in the template.', 1),
    col('Selector', 'string', 'The label query over pods the replica set manages.', 1),
  ],
  strategy: {
    defaults: (obj) =>
      decoding('ReplicaSet', 'v1', () => {
        const spec: Obj = obj.spec ?? (obj.spec = {});
        if (spec.replicas === undefined || spec.replicas === null) spec.replicas = 1;
        spec.template ??= {};
        defaultPodTemplateSpec(spec.template);
      }),
    prepareForCreate(obj) {
      obj.status = { replicas: 0 };
    },
    validate: (obj) => [...validateCoreObjectMeta(obj.metadata, true, nameIsDNSSubdomain), ...validateReplicaSetSpec(obj.spec)],
    validateUpdate: (obj, old) => [
      ...validateObjectMetaUpdate(obj.metadata, old.metadata),
      ...validateReplicaSetSpec(obj.spec),
      ...selectorImmutable(obj, old),
      ...validateReplicaSetStatus(obj.status),
    ],
    row(obj) {
      const spec: Obj = obj.spec ?? {};
      const [names, images] = containersAndImages(spec.template?.spec);
      return [obj.metadata.name, spec.replicas ?? 0, obj.status?.replicas ?? 0, obj.status?.readyReplicas ?? 0, age(obj), names, images, formatLabelSelector(spec.selector)];
    },
  },
});

// ---- StatefulSet ---------------------------------------------------------------------------------

/** SetDefaults_StatefulSet, plus the claim templates' PVC defaults. */
export function defaultStatefulSet(obj: KubeObject): void {
  const spec: Obj = obj.spec ?? (obj.spec = {});
  if (!spec.podManagementPolicy) spec.podManagementPolicy = 'OrderedReady';
  const us: Obj = isObj(spec.updateStrategy) ? spec.updateStrategy : (spec.updateStrategy = {});
  if (!us.type) {
    us.type = 'RollingUpdate';
    if (!isObj(us.rollingUpdate)) us.rollingUpdate = {};
  }
  if (us.type === 'RollingUpdate' && isObj(us.rollingUpdate) && (us.rollingUpdate.partition === undefined || us.rollingUpdate.partition === null)) {
    us.rollingUpdate.partition = 0;
  }
  const policy: Obj = isObj(spec.persistentVolumeClaimRetentionPolicy) ? spec.persistentVolumeClaimRetentionPolicy : (spec.persistentVolumeClaimRetentionPolicy = {});
  if (!policy.whenDeleted) policy.whenDeleted = 'Retain';
  if (!policy.whenScaled) policy.whenScaled = 'Retain';
  if (spec.replicas === undefined || spec.replicas === null) spec.replicas = 1;
  if (spec.revisionHistoryLimit === undefined || spec.revisionHistoryLimit === null) spec.revisionHistoryLimit = 10;
  spec.template ??= {};
  defaultPodTemplateSpec(spec.template);
  for (const t of arr(spec.volumeClaimTemplates)) {
    if (!isObj(t)) continue;
    t.apiVersion ??= 'v1';
    t.kind ??= 'PersistentVolumeClaim';
    if (!isObj(t.metadata)) t.metadata = {};
    if (!('creationTimestamp' in t.metadata)) t.metadata.creationTimestamp = null;
    t.spec ??= {};
    defaultPVCSpec(t.spec);
    if (!isObj(t.status)) t.status = {};
    if (!t.status.phase) t.status.phase = 'Pending';
  }
}

function validateStatefulSetSpec(spec: Obj | undefined): FieldError[] {
  const s: Obj = isObj(spec) ? spec : {};
  const errs: FieldError[] = [];
  switch (s.podManagementPolicy ?? '') {
    case '':
      errs.push(field.required('spec.podManagementPolicy', ''));
      break;
    case 'OrderedReady':
    case 'Parallel':
      break;
    default:
      errs.push(field.invalid('spec.podManagementPolicy', s.podManagementPolicy, "must be 'OrderedReady' or 'Parallel'"));
  }
  const us: Obj = isObj(s.updateStrategy) ? s.updateStrategy : {};
  switch (us.type ?? '') {
    case '':
      errs.push(field.required('spec.updateStrategy', ''));
      break;
    case 'OnDelete':
      if (isObj(us.rollingUpdate)) errs.push(field.invalid('spec.updateStrategy.rollingUpdate', us.rollingUpdate, "only allowed for updateStrategy 'RollingUpdate'"));
      break;
    case 'RollingUpdate':
      if (isObj(us.rollingUpdate)) {
        const p = 'spec.updateStrategy.rollingUpdate';
        errs.push(...nonNegative(us.rollingUpdate.partition, `${p}.partition`));
        const mu = us.rollingUpdate.maxUnavailable;
        if (mu !== undefined && mu !== null) {
          errs.push(...positiveIntOrPercent(mu, `${p}.maxUnavailable`));
          if (intOrPercentValue(mu) === 0) errs.push(field.invalid(`${p}.maxUnavailable`, goIntOrString(mu), 'cannot be 0'));
          errs.push(...notMoreThan100Percent(mu, `${p}.maxUnavailable`));
        }
      }
      break;
    default:
      errs.push(field.invalid('spec.updateStrategy', us, "must be 'RollingUpdate' or 'OnDelete'"));
  }
  const policy = s.persistentVolumeClaimRetentionPolicy;
  if (isObj(policy)) {
    for (const k of ['whenDeleted', 'whenScaled']) {
      if (!['Retain', 'Delete'].includes(policy[k])) errs.push(field.notSupported(`spec.persistentVolumeClaimRetentionPolicy.${k}`, policy[k] ?? '', ['Retain', 'Delete']));
    }
  }
  errs.push(...nonNegative(s.replicas, 'spec.replicas'));
  errs.push(...nonNegative(s.minReadySeconds, 'spec.minReadySeconds'));
  if (isObj(s.ordinals)) errs.push(...nonNegative(s.ordinals.start, 'spec.ordinals.start'));
  errs.push(...validateControllerSelector(s.selector, 'spec.selector', 'statefulset'));
  const tpl: Obj = isObj(s.template) ? s.template : {};
  const sel = s.selector as LabelSelector | undefined;
  const selEmpty = !sel || Object.keys(sel.matchLabels ?? {}).length + arr(sel.matchExpressions).length === 0;
  if (!selEmpty && !selectorMatches(sel, tpl.metadata?.labels)) {
    errs.push(field.invalid('spec.template.metadata.labels', goStringMap(tpl.metadata?.labels), '`selector` does not match template `labels`'));
  }
  // Upstream does not validate the pod spec of a StatefulSet template (claim volumes would fail).
  errs.push(...validateLabels(tpl.metadata?.labels, 'spec.template.labels'));
  errs.push(...validateAnnotations(tpl.metadata?.annotations, 'spec.template.annotations'));
  if (tpl.spec?.restartPolicy !== 'Always') errs.push(field.notSupported('spec.template.spec.restartPolicy', tpl.spec?.restartPolicy ?? '', ['Always']));
  if (tpl.spec?.activeDeadlineSeconds !== undefined && tpl.spec?.activeDeadlineSeconds !== null) {
    errs.push(field.forbidden('spec.template.spec.activeDeadlineSeconds', 'activeDeadlineSeconds in StatefulSet is not Supported'));
  }
  return errs;
}

function validateStatefulSetUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs = [...validateObjectMetaUpdate(obj.metadata, old.metadata), ...validateStatefulSetSpec(obj.spec)];
  const a = clone(obj.spec ?? {});
  const b: Obj = old.spec ?? {};
  for (const k of ['replicas', 'template', 'updateStrategy', 'minReadySeconds', 'ordinals', 'persistentVolumeClaimRetentionPolicy']) {
    if (b[k] === undefined) delete a[k];
    else a[k] = b[k];
  }
  if (!jsonEqual(a, b)) {
    errs.push(
      field.forbidden(
        'spec',
        "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
      ),
    );
  }
  const st: Obj = obj.status ?? {};
  errs.push(...statusCounts(st, ['replicas', 'readyReplicas', 'currentReplicas', 'updatedReplicas', 'availableReplicas', 'observedGeneration', 'collisionCount']));
  return errs;
}

export const statefulSetKind = appsKind({
  kind: 'StatefulSet',
  plural: 'statefulsets',
  singular: 'statefulset',
  namespaced: true,
  shortNames: ['sts'],
  categories: ['all'],
  subresources: { status: true, scale: SCALE },
  columns: [
    NAME_COLUMN,
    col('Ready', 'string', 'Ready replicas out of the desired number.'),
    AGE_COLUMN,
    col('Containers', 'string', 'Names of each container in the template.', 1),
    col('Images', 'string', 'Images referenced by each container in the template.', 1),
  ],
  strategy: {
    defaults: (obj) => decoding('StatefulSet', 'v1', () => defaultStatefulSet(obj)),
    prepareForCreate(obj) {
      obj.status = { availableReplicas: 0, replicas: 0 };
    },
    validate: (obj) => [...validateCoreObjectMeta(obj.metadata, true, nameIsDNSLabel), ...validateStatefulSetSpec(obj.spec)],
    validateUpdate: validateStatefulSetUpdate,
    row(obj) {
      const spec: Obj = obj.spec ?? {};
      const [names, images] = containersAndImages(spec.template?.spec);
      return [obj.metadata.name, `${obj.status?.readyReplicas ?? 0}/${spec.replicas ?? 0}`, age(obj), names, images];
    },
  },
});

// ---- DaemonSet -----------------------------------------------------------------------------------

const TEMPLATE_GENERATION = 'deprecated.daemonset.template.generation';

/** SetDefaults_DaemonSet */
export function defaultDaemonSet(obj: KubeObject): void {
  const spec: Obj = obj.spec ?? (obj.spec = {});
  const us: Obj = isObj(spec.updateStrategy) ? spec.updateStrategy : (spec.updateStrategy = {});
  if (!us.type) us.type = 'RollingUpdate';
  if (us.type === 'RollingUpdate') {
    const ru: Obj = isObj(us.rollingUpdate) ? us.rollingUpdate : (us.rollingUpdate = {});
    if (ru.maxUnavailable === undefined || ru.maxUnavailable === null) ru.maxUnavailable = 1;
    if (ru.maxSurge === undefined || ru.maxSurge === null) ru.maxSurge = 0;
  }
  if (spec.revisionHistoryLimit === undefined || spec.revisionHistoryLimit === null) spec.revisionHistoryLimit = 10;
  spec.template ??= {};
  defaultPodTemplateSpec(spec.template);
}

function templateGeneration(obj: KubeObject): number {
  const v = obj.metadata.annotations?.[TEMPLATE_GENERATION];
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : 0;
}

function setTemplateGeneration(obj: KubeObject, n: number): void {
  obj.metadata.annotations = { ...(obj.metadata.annotations ?? {}), [TEMPLATE_GENERATION]: String(n) };
}

function validateDaemonSetSpec(spec: Obj | undefined): FieldError[] {
  const s: Obj = isObj(spec) ? spec : {};
  const errs = validateLabelSelector(s.selector, 'spec.selector');
  const tpl: Obj = isObj(s.template) ? s.template : {};
  if (!selectorMatches(s.selector, tpl.metadata?.labels)) {
    errs.push(field.invalid('spec.template.metadata.labels', goStringMap(tpl.metadata?.labels), '`selector` does not match template `labels`'));
  }
  if (isObj(s.selector) && Object.keys(s.selector.matchLabels ?? {}).length + arr(s.selector.matchExpressions).length === 0) {
    errs.push(field.invalid('spec.selector', goLabelSelector(s.selector), 'empty selector is invalid for daemonset'));
  }
  errs.push(...validatePodTemplateSpec(tpl, 'spec.template'));
  if (tpl.spec?.restartPolicy !== 'Always') errs.push(field.notSupported('spec.template.spec.restartPolicy', tpl.spec?.restartPolicy ?? '', ['Always']));
  if (tpl.spec?.activeDeadlineSeconds !== undefined && tpl.spec?.activeDeadlineSeconds !== null) {
    errs.push(field.forbidden('spec.template.spec.activeDeadlineSeconds', 'activeDeadlineSeconds in DaemonSet is not Supported'));
  }
  errs.push(...nonNegative(s.minReadySeconds, 'spec.minReadySeconds'));
  const us: Obj = isObj(s.updateStrategy) ? s.updateStrategy : {};
  switch (us.type) {
    case 'OnDelete':
      break;
    case 'RollingUpdate': {
      if (!isObj(us.rollingUpdate)) {
        errs.push(field.required('spec.updateStrategy.rollingUpdate', ''));
        break;
      }
      const ru = us.rollingUpdate;
      const p = 'spec.updateStrategy.rollingUpdate';
      errs.push(...positiveIntOrPercent(ru.maxUnavailable, `${p}.maxUnavailable`), ...positiveIntOrPercent(ru.maxSurge, `${p}.maxSurge`));
      errs.push(...notMoreThan100Percent(ru.maxUnavailable, `${p}.maxUnavailable`), ...notMoreThan100Percent(ru.maxSurge, `${p}.maxSurge`));
      const hasUnavailable = intOrPercentValue(ru.maxUnavailable) !== 0;
      const hasSurge = intOrPercentValue(ru.maxSurge) !== 0;
      if (hasUnavailable && hasSurge) errs.push(field.invalid(`${p}.maxSurge`, goIntOrString(ru.maxSurge), 'may not be set when maxUnavailable is non-zero'));
      else if (!hasUnavailable && !hasSurge) errs.push(field.required(`${p}.maxUnavailable`, 'cannot be 0 when maxSurge is 0'));
      break;
    }
    default:
      errs.push(
        field.notSupported(
          'spec.updateStrategy',
          new GoValue(us, `apps.DaemonSetUpdateStrategy{Type:${JSON.stringify(us.type ?? '')}, RollingUpdate:(*apps.RollingUpdateDaemonSet)(nil)}`),
          ['RollingUpdate', 'OnDelete'],
        ),
      );
  }
  errs.push(...nonNegative(s.revisionHistoryLimit, 'spec.revisionHistoryLimit'));
  return errs;
}

export function daemonSetRow(obj: KubeObject, now = Date.now()): unknown[] {
  const spec: Obj = obj.spec ?? {};
  const st: Obj = obj.status ?? {};
  const [names, images] = containersAndImages(spec.template?.spec);
  return [
    obj.metadata.name,
    st.desiredNumberScheduled ?? 0,
    st.currentNumberScheduled ?? 0,
    st.numberReady ?? 0,
    st.updatedNumberScheduled ?? 0,
    st.numberAvailable ?? 0,
    formatLabelSet(spec.template?.spec?.nodeSelector) || '<none>',
    translateTimestampSince(obj.metadata.creationTimestamp, now),
    names,
    images,
    formatLabelSelector(spec.selector),
  ];
}

export const daemonSetKind = appsKind({
  kind: 'DaemonSet',
  plural: 'daemonsets',
  singular: 'daemonset',
  namespaced: true,
  shortNames: ['ds'],
  categories: ['all'],
  subresources: { status: true },
  columns: [
    NAME_COLUMN,
    col('Desired', 'integer', 'Nodes that should run the daemon pod.'),
    col('Current', 'integer', 'Nodes running at least one daemon pod.'),
    col('Ready', 'integer', 'Nodes with a ready daemon pod.'),
    col('Up-to-date', 'integer', 'Nodes running the updated daemon pod.'),
    col('Available', 'integer', 'Nodes with an available daemon pod.'),
    col('Node Selector', 'string', 'The node selector of the pod template.'),
    AGE_COLUMN,
    col('Containers', 'string', 'Names of each container in the template.', 1),
    col('Images', 'string', 'Images referenced by each container in the template.', 1),
    col('Selector', 'string', 'The label query over pods the daemon set manages.', 1),
  ],
  strategy: {
    defaults: (obj) => decoding('DaemonSet', 'v1', () => defaultDaemonSet(obj)),
    prepareForCreate(obj) {
      obj.status = { currentNumberScheduled: 0, desiredNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0 };
      if (templateGeneration(obj) < 1) setTemplateGeneration(obj, 1);
    },
    prepareForUpdate(obj, old) {
      const oldTG = templateGeneration(old);
      if (!jsonEqual(obj.spec?.template, old.spec?.template)) {
        setTemplateGeneration(obj, oldTG + 1);
      } else if (obj.metadata.annotations?.[TEMPLATE_GENERATION] === undefined && oldTG > 0) {
        setTemplateGeneration(obj, oldTG);
      }
    },
    validate: (obj) => [...validateCoreObjectMeta(obj.metadata, true, nameIsDNSSubdomain), ...validateDaemonSetSpec(obj.spec)],
    validateUpdate(obj, old) {
      const errs = validateObjectMetaUpdate(obj.metadata, old.metadata);
      const ng = templateGeneration(obj);
      const og = templateGeneration(old);
      const changed = !jsonEqual(obj.spec?.template, old.spec?.template);
      if (ng < og) errs.push(field.invalid('spec.templateGeneration', ng, 'must not be decremented'));
      if (ng === og && changed) errs.push(field.invalid('spec.templateGeneration', ng, 'must be incremented upon template update'));
      else if (ng > og && !changed) errs.push(field.invalid('spec.templateGeneration', ng, 'must not be incremented without template update'));
      errs.push(...validateDaemonSetSpec(obj.spec), ...selectorImmutable(obj, old));
      errs.push(
        ...statusCounts(obj.status, [
          'currentNumberScheduled', 'numberMisscheduled', 'desiredNumberScheduled', 'numberReady', 'observedGeneration', 'updatedNumberScheduled',
          'numberAvailable', 'numberUnavailable', 'collisionCount',
        ]),
      );
      return errs;
    },
    row: (obj) => daemonSetRow(obj),
  },
});

// ---- ControllerRevision --------------------------------------------------------------------------

function controllerOf(obj: KubeObject): string {
  const ref = arr(obj.metadata.ownerReferences).find((r) => r?.controller === true);
  if (!ref) return '<none>';
  const group = String(ref.apiVersion ?? '').includes('/') ? String(ref.apiVersion).split('/')[0] : '';
  const gk = group ? `${ref.kind}.${group}` : String(ref.kind ?? '');
  return gk ? `${gk.toLowerCase()}/${ref.name}` : ref.name;
}

export const controllerRevisionKind = appsKind({
  kind: 'ControllerRevision',
  plural: 'controllerrevisions',
  singular: 'controllerrevision',
  namespaced: true,
  columns: [NAME_COLUMN, col('Controller', 'string', 'The controller that owns the revision.'), col('Revision', 'string', 'The revision number.'), AGE_COLUMN],
  strategy: {
    validate(obj) {
      const errs = validateCoreObjectMeta(obj.metadata, true, nameIsDNSSubdomain);
      if (obj.data === undefined || obj.data === null) errs.push(field.required('data', 'data is mandatory'));
      errs.push(...nonNegative(obj.revision, 'revision'));
      return errs;
    },
    validateUpdate(obj, old) {
      const errs = validateObjectMetaUpdate(obj.metadata, old.metadata);
      errs.push(...validateCoreObjectMeta(obj.metadata, true, nameIsDNSSubdomain));
      if (obj.data === undefined || obj.data === null) errs.push(field.required('data', 'data is mandatory'));
      errs.push(...nonNegative(obj.revision, 'revision'));
      if (!jsonEqual(obj.data, old.data)) errs.push(field.invalid('data', obj.data ?? null, 'field is immutable'));
      return errs;
    },
    row: (obj) => [obj.metadata.name, controllerOf(obj), obj.revision ?? 0, age(obj)],
  },
});

/** Every apps/v1 kind, alphabetical by plural as discovery lists them. */
export const appsKinds: KindDef[] = [controllerRevisionKind, daemonSetKind, deploymentKind, replicaSetKind, statefulSetKind];
