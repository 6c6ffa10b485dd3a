/**
 * autoscaling: HorizontalPodAutoscaler, stored as autoscaling/v2 and also served as autoscaling/v1.
 * The v1 view keeps what it cannot express in the annotations upstream uses for the round trip
 * (autoscaling.alpha.kubernetes.io/{metrics,current-metrics,conditions,behavior}).
 */
import { field } from '../../apiserver/errors.js';
import { parseQuantity, tryParseQuantity } from '../quantity.js';
import type { FieldError, KindDef, KubeObject } from '../types.js';
import { isDNS1123Label, nameIsDNSSubdomain, nameIsPathSegment, validateObjectMeta, validateObjectMetaUpdate } from '../validation.js';
import { decoding, nonNegative } from './core-common.js';
import { AGE_COLUMN, NAME_COLUMN, age as ageOf, col } from './printers.js';

type Obj = Record<string, any>;

const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);
const arr = <T = Obj>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);
const clone = <T>(v: T): T => (v === undefined ? v : JSON.parse(JSON.stringify(v)));

export const METRIC_SPECS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/metrics';
export const METRIC_STATUSES_ANNOTATION = 'autoscaling.alpha.kubernetes.io/current-metrics';
export const CONDITIONS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/conditions';
export const BEHAVIOR_ANNOTATION = 'autoscaling.alpha.kubernetes.io/behavior';

const DEFAULT_CPU_UTILIZATION = 80;

function cpuUtilizationMetric(percent: number): Obj {
  return { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: percent } } };
}

/** A quantity as the server re-serialises it; a malformed one fails decoding (QuantityError). */
function canon(q: unknown): unknown {
  return typeof q === 'string' || typeof q === 'number' ? parseQuantity(q).toString() : q;
}

function canonTarget(t: Obj | undefined): void {
  if (!isObj(t)) return;
  if (t.value != null) t.value = canon(t.value);
  if (t.averageValue != null) t.averageValue = canon(t.averageValue);
}

// ---- v2 defaulting --------------------------------------------------------------------------------

function scaleUpDefaults(): Obj {
  return {
    stabilizationWindowSeconds: 0,
    selectPolicy: 'Max',
    policies: [
      { type: 'Pods', value: 4, periodSeconds: 15 },
      { type: 'Percent', value: 100, periodSeconds: 15 },
    ],
  };
}

function scaleDownDefaults(): Obj {
  // The scale-down stabilization window stays unset: the controller's flag decides it.
  return { selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] };
}

function fillRules(from: Obj | undefined, to: Obj): Obj {
  if (!isObj(from)) return to;
  for (const k of ['selectPolicy', 'stabilizationWindowSeconds', 'policies', 'tolerance']) if (from[k] != null) to[k] = from[k];
  return to;
}

/** SetDefaults_HorizontalPodAutoscaler (autoscaling/v2), with quantities decoded to canonical form. */
export function defaultHPAv2(obj: KubeObject): void {
  decoding('HorizontalPodAutoscaler', 'v2', () => defaultHPAv2Fields(obj));
}

function defaultHPAv2Fields(obj: KubeObject): void {
  if (!isObj(obj.spec)) obj.spec = {};
  const spec = obj.spec;
  if (spec.minReplicas == null) spec.minReplicas = 1;
  if (arr(spec.metrics).length === 0) spec.metrics = [cpuUtilizationMetric(DEFAULT_CPU_UTILIZATION)];
  if (isObj(spec.behavior)) {
    spec.behavior.scaleUp = fillRules(spec.behavior.scaleUp, scaleUpDefaults());
    spec.behavior.scaleDown = fillRules(spec.behavior.scaleDown, scaleDownDefaults());
  }
  for (const m of arr(spec.metrics)) {
    if (!isObj(m)) continue;
    for (const k of ['object', 'pods', 'resource', 'containerResource', 'external']) canonTarget(m[k]?.target);
  }
}

/** The strategy drops fields of disabled (alpha) features: behavior tolerances (HPAConfigurableTolerance). */
function dropTolerances(obj: KubeObject, old?: KubeObject): void {
  const b = obj.spec?.behavior;
  if (!isObj(b)) return;
  for (const dir of ['scaleUp', 'scaleDown']) {
    if (isObj(b[dir]) && b[dir].tolerance !== undefined && old?.spec?.behavior?.[dir]?.tolerance === undefined) delete b[dir].tolerance;
  }
}

// ---- v2 validation --------------------------------------------------------------------------------

function crossVersionRef(ref: Obj | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const r = isObj(ref) ? ref : {};
  if (!r.kind) errs.push(field.required(`${path}.kind`, ''));
  else for (const m of nameIsPathSegment(String(r.kind), false)) errs.push(field.invalid(`${path}.kind`, r.kind, m));
  if (!r.name) errs.push(field.required(`${path}.name`, ''));
  else for (const m of nameIsPathSegment(String(r.name), false)) errs.push(field.invalid(`${path}.name`, r.name, m));
  return errs;
}

function quantitySign(q: unknown): number | undefined {
  const p = tryParseQuantity(q);
  return p ? p.sign : undefined;
}

function validateMetricTarget(t: Obj | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const mt = isObj(t) ? t : {};
  if (!mt.type) errs.push(field.required(`${path}.type`, 'must specify a metric target type'));
  if (mt.type !== 'Utilization' && mt.type !== 'Value' && mt.type !== 'AverageValue') {
    errs.push(field.invalid(`${path}.type`, mt.type ?? '', 'must be either Utilization, Value, or AverageValue'));
  }
  if (mt.value != null && quantitySign(mt.value) !== 1) errs.push(field.invalid(`${path}.value`, mt.value, 'must be positive'));
  if (mt.averageValue != null && quantitySign(mt.averageValue) !== 1) errs.push(field.invalid(`${path}.averageValue`, mt.averageValue, 'must be positive'));
  if (mt.averageUtilization != null && mt.averageUtilization < 1) errs.push(field.invalid(`${path}.averageUtilization`, mt.averageUtilization, 'must be greater than 0'));
  return errs;
}

function validateMetricIdentifier(id: Obj | undefined, path: string): FieldError[] {
  const name = isObj(id) ? id.name : undefined;
  if (!name) return [field.required(`${path}.name`, 'must specify a metric name')];
  return nameIsPathSegment(String(name), false).map((m) => field.invalid(`${path}.name`, name, m));
}

const METRIC_SOURCE_TYPES = ['ContainerResource', 'External', 'Object', 'Pods', 'Resource'];
const SOURCE_FIELD: Record<string, string> = { Object: 'object', Pods: 'pods', Resource: 'resource', External: 'external', ContainerResource: 'containerResource' };

function validateMetricSpec(m: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!m.type) errs.push(field.required(`${path}.type`, 'must specify a metric source type'));
  if (!METRIC_SOURCE_TYPES.includes(m.type)) errs.push(field.notSupported(`${path}.type`, m.type ?? '', METRIC_SOURCE_TYPES));
  const present: string[] = [];
  const first = () => present.length === 1;
  if (m.object != null) {
    present.push('object');
    if (first()) {
      const p = `${path}.object`;
      errs.push(...crossVersionRef(m.object.describedObject, `${p}.describedObject`));
      errs.push(...validateMetricIdentifier(m.object.metric, `${p}.metric`));
      errs.push(...validateMetricTarget(m.object.target, `${p}.target`));
      if (m.object.target?.value == null && m.object.target?.averageValue == null) errs.push(field.required(`${p}.target.averageValue`, 'must set either a target value or averageValue'));
    }
  }
  if (m.external != null) {
    present.push('external');
    if (first()) {
      const p = `${path}.external`;
      errs.push(...validateMetricIdentifier(m.external.metric, `${p}.metric`));
      errs.push(...validateMetricTarget(m.external.target, `${p}.target`));
      const t = m.external.target ?? {};
      if (t.value == null && t.averageValue == null) errs.push(field.required(`${p}.target.averageValue`, 'must set either a target value for metric or a per-pod target'));
      if (t.value != null && t.averageValue != null) errs.push(field.forbidden(`${p}.target.value`, 'may not set both a target value for metric and a per-pod target'));
    }
  }
  if (m.pods != null) {
    present.push('pods');
    if (first()) {
      const p = `${path}.pods`;
      errs.push(...validateMetricIdentifier(m.pods.metric, `${p}.metric`));
      errs.push(...validateMetricTarget(m.pods.target, `${p}.target`));
      if (m.pods.target?.averageValue == null) errs.push(field.required(`${p}.target.averageValue`, 'must specify a positive target averageValue'));
    }
  }
  if (m.resource != null) {
    present.push('resource');
    if (first()) {
      const p = `${path}.resource`;
      if (!m.resource.name) errs.push(field.required(`${p}.name`, 'must specify a resource name'));
      errs.push(...validateMetricTarget(m.resource.target, `${p}.target`));
      const t = m.resource.target ?? {};
      if (t.averageUtilization == null && t.averageValue == null) errs.push(field.required(`${p}.target.averageUtilization`, 'must set either a target raw value or a target utilization'));
      if (t.averageUtilization != null && t.averageValue != null) errs.push(field.forbidden(`${p}.target.averageValue`, 'may not set both a target raw value and a target utilization'));
    }
  }
  if (m.containerResource != null) {
    present.push('containerResource');
    if (first()) {
      const p = `${path}.containerResource`;
      const cr = m.containerResource;
      if (!cr.name) errs.push(field.required(`${p}.name`, 'must specify a resource name'));
      if (!cr.container) errs.push(field.required(`${p}.container`, 'must specify a container'));
      else for (const msg of isDNS1123Label(String(cr.container))) errs.push(field.invalid(`${p}.container`, cr.container, msg));
      errs.push(...validateMetricTarget(cr.target, `${p}.target`));
      const t = cr.target ?? {};
      if (t.averageUtilization == null && t.averageValue == null) errs.push(field.required(`${p}.target.averageUtilization`, 'must set either a target raw value or a target utilization'));
      if (t.averageUtilization != null && t.averageValue != null) errs.push(field.forbidden(`${p}.target.averageValue`, 'may not set both a target raw value and a target utilization'));
    }
  }
  const expected = SOURCE_FIELD[m.type];
  if (expected) {
    if (m[expected] == null) errs.push(field.required(`${path}.${expected}`, 'must populate information for the given metric source'));
  } else if (m.type) {
    errs.push(field.notSupported(`${path}.type`, m.type, METRIC_SOURCE_TYPES));
  }
  if (present.length !== 1) {
    for (const typ of present) if (typ !== expected) errs.push(field.forbidden(`${path}.${typ}`, 'must populate the given metric source only'));
  }
  return errs;
}

function validateScalingRules(rules: Obj | undefined, path: string): FieldError[] {
  if (!isObj(rules)) return [];
  const errs: FieldError[] = [];
  const sw = rules.stabilizationWindowSeconds;
  if (sw != null && sw < 0) errs.push(field.invalid(`${path}.stabilizationWindowSeconds`, sw, 'must be greater than or equal to zero'));
  if (sw != null && sw > 3600) errs.push(field.invalid(`${path}.stabilizationWindowSeconds`, sw, 'must be less than or equal to 3600'));
  if (rules.selectPolicy != null && !['Disabled', 'Max', 'Min'].includes(rules.selectPolicy)) {
    errs.push(field.notSupported(`${path}.selectPolicy`, rules.selectPolicy, ['Disabled', 'Max', 'Min']));
  }
  const policies = arr(rules.policies);
  if (policies.length === 0) errs.push(field.required(`${path}.policies`, 'must specify at least one Policy'));
  policies.forEach((p, i) => {
    const pp = `${path}.policies[${i}]`;
    if (p?.type !== 'Pods' && p?.type !== 'Percent') errs.push(field.notSupported(`${pp}.type`, p?.type ?? '', ['Percent', 'Pods']));
    if (!(Number(p?.value) > 0)) errs.push(field.invalid(`${pp}.value`, p?.value ?? 0, 'must be greater than zero'));
    if (!(Number(p?.periodSeconds) > 0)) errs.push(field.invalid(`${pp}.periodSeconds`, p?.periodSeconds ?? 0, 'must be greater than zero'));
    if (Number(p?.periodSeconds) > 1800) errs.push(field.invalid(`${pp}.periodSeconds`, p.periodSeconds, 'must be less than or equal to 1800'));
  });
  return errs;
}

/** validateHorizontalPodAutoscalerSpec (HPAScaleToZero is alpha and off: minReplicas >= 1). */
function validateHPASpec(spec: Obj, minLowerBound: number): FieldError[] {
  const errs: FieldError[] = [];
  const min = spec.minReplicas;
  const max = Number(spec.maxReplicas ?? 0);
  if (min != null && min < minLowerBound) errs.push(field.invalid('spec.minReplicas', min, `must be greater than or equal to ${minLowerBound}`));
  if (max < 1) errs.push(field.invalid('spec.maxReplicas', max, 'must be greater than 0'));
  if (min != null && max < min) errs.push(field.invalid('spec.maxReplicas', max, 'must be greater than or equal to `minReplicas`'));
  errs.push(...crossVersionRef(spec.scaleTargetRef, 'spec.scaleTargetRef'));
  let objectOrExternal = false;
  arr(spec.metrics).forEach((m, i) => {
    errs.push(...validateMetricSpec(isObj(m) ? m : {}, `spec.metrics[${i}]`));
    if (m?.type === 'Object' || m?.type === 'External') objectOrExternal = true;
  });
  if (min === 0 && !objectOrExternal) errs.push(field.forbidden('spec.metrics', 'must specify at least one Object or External metric to support scaling to zero replicas'));
  if (isObj(spec.behavior)) {
    errs.push(...validateScalingRules(spec.behavior.scaleUp, 'spec.behavior.scaleUp'));
    errs.push(...validateScalingRules(spec.behavior.scaleDown, 'spec.behavior.scaleDown'));
  }
  return errs;
}

/** ValidateHorizontalPodAutoscaler (on the v2 form). */
export function validateHPA(obj: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, true, nameIsDNSSubdomain);
  errs.push(...validateHPASpec(obj.spec ?? {}, 1));
  return errs;
}

/** ValidateHorizontalPodAutoscalerUpdate: an existing minReplicas of 0 may stay. */
export function validateHPAUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs = validateObjectMetaUpdate(obj.metadata, old.metadata);
  errs.push(...validateObjectMeta(obj.metadata, true, nameIsDNSSubdomain));
  errs.push(...validateHPASpec(obj.spec ?? {}, old.spec?.minReplicas === 0 ? 0 : 1));
  errs.push(...nonNegative(obj.status?.currentReplicas, 'status.currentReplicas'));
  errs.push(...nonNegative(obj.status?.desiredReplicas, 'status.desiredReplicas'));
  return errs;
}

// ---- table ----------------------------------------------------------------------------------------

function q(v: unknown): string {
  if (v == null) return '0';
  const p = tryParseQuantity(v);
  return p ? p.toString() : String(v);
}

/** formatHPAMetrics */
export function formatHPAMetrics(specs: Obj[], statuses: Obj[]): string {
  if (specs.length === 0) return '<none>';
  const list: string[] = [];
  specs.forEach((spec, i) => {
    const st = statuses[i];
    switch (spec?.type) {
      case 'External': {
        const t = spec.external?.target ?? {};
        if (t.averageValue != null) {
          const cur = st?.external?.current?.averageValue != null ? q(st.external.current.averageValue) : '<unknown>';
          list.push(`${cur}/${q(t.averageValue)} (avg)`);
        } else {
          const cur = st?.external ? q(st.external.current?.value) : '<unknown>';
          list.push(`${cur}/${q(t.value)}`);
        }
        break;
      }
      case 'Pods': {
        const cur = st?.pods ? q(st.pods.current?.averageValue) : '<unknown>';
        list.push(`${cur}/${q(spec.pods?.target?.averageValue)}`);
        break;
      }
      case 'Object': {
        const t = spec.object?.target ?? {};
        if (t.averageValue != null) {
          const cur = st?.object?.current?.averageValue != null ? q(st.object.current.averageValue) : '<unknown>';
          list.push(`${cur}/${q(t.averageValue)} (avg)`);
        } else {
          const cur = st?.object ? q(st.object.current?.value) : '<unknown>';
          list.push(`${cur}/${q(t.value)}`);
        }
        break;
      }
      case 'Resource':
      case 'ContainerResource': {
        const key = spec.type === 'Resource' ? 'resource' : 'containerResource';
        const src = spec[key] ?? {};
        const t = src.target ?? {};
        if (t.averageValue != null) {
          const cur = st?.[key] ? q(st[key].current?.averageValue) : '<unknown>';
          list.push(`${src.name ?? ''}: ${cur}/${q(t.averageValue)}`);
        } else {
          const cur = st?.[key]?.current?.averageUtilization != null ? `${st[key].current.averageUtilization}%` : '<unknown>';
          const target = t.averageUtilization != null ? `${t.averageUtilization}%` : '<auto>';
          list.push(`${src.name ?? ''}: ${cur}/${target}`);
        }
        break;
      }
      default:
        list.push('<unknown type>');
    }
  });
  if (list.length > 2) return `${list.slice(0, 2).join(', ')} + ${list.length - 2} more...`;
  return list.join(', ');
}

/** printHorizontalPodAutoscaler (on the v2 form). */
export function hpaRow(obj: KubeObject, now = Date.now()): unknown[] {
  const spec: Obj = obj.spec ?? {};
  const ref = spec.scaleTargetRef ?? {};
  const minPods = spec.minReplicas != null ? String(spec.minReplicas) : '<unset>';
  return [
    obj.metadata.name,
    `${ref.kind ?? ''}/${ref.name ?? ''}`,
    formatHPAMetrics(arr(spec.metrics), arr(obj.status?.currentMetrics)),
    minPods,
    Number(spec.maxReplicas ?? 0),
    Number(obj.status?.currentReplicas ?? 0),
    ageOf(obj, now),
  ];
}

const HPA_COLUMNS = [
  NAME_COLUMN,
  col('Reference', 'string', 'The scaled workload, as kind/name.'),
  col('Targets', 'string', 'Current against target value of each metric.'),
  col('MinPods', 'string', 'Lower bound of replicas.'),
  col('MaxPods', 'string', 'Upper bound of replicas.'),
  col('Replicas', 'string', 'Replicas the autoscaler last saw.'),
  AGE_COLUMN,
];

// ---- v1 <-> v2 conversion -------------------------------------------------------------------------

/** autoscaling/v1 MetricSpec (the annotation form) to v2. */
function metricSpecV1toV2(m: Obj): Obj {
  const out: Obj = { type: m.type };
  if (isObj(m.object)) {
    const o = m.object;
    const target: Obj = { type: o.averageValue == null ? 'Value' : 'AverageValue' };
    if (o.targetValue != null && !(o.averageValue != null && tryParseQuantity(o.targetValue)?.isZero())) target.value = o.targetValue;
    if (o.averageValue != null) target.averageValue = o.averageValue;
    const metric: Obj = { name: o.metricName ?? '' };
    if (o.selector != null) metric.selector = o.selector;
    out.object = { describedObject: clone(o.target ?? {}), target, metric };
  }
  if (isObj(m.pods)) {
    const p = m.pods;
    const metric: Obj = { name: p.metricName ?? '' };
    if (p.selector != null) metric.selector = p.selector;
    out.pods = { metric, target: { type: 'AverageValue', averageValue: p.targetAverageValue ?? '0' } };
  }
  if (isObj(m.resource)) {
    const r = m.resource;
    const target: Obj = { type: r.targetAverageUtilization == null ? 'AverageValue' : 'Utilization' };
    if (r.targetAverageUtilization != null) target.averageUtilization = r.targetAverageUtilization;
    if (r.targetAverageValue != null) target.averageValue = r.targetAverageValue;
    out.resource = { name: r.name, target };
  }
  if (isObj(m.containerResource)) {
    const r = m.containerResource;
    const target: Obj = { type: r.targetAverageUtilization == null ? 'AverageValue' : 'Utilization' };
    if (r.targetAverageUtilization != null) target.averageUtilization = r.targetAverageUtilization;
    if (r.targetAverageValue != null) target.averageValue = r.targetAverageValue;
    out.containerResource = { name: r.name, container: r.container ?? '', target };
  }
  if (isObj(m.external)) {
    const e = m.external;
    const target: Obj = { type: e.targetValue == null ? 'AverageValue' : 'Value' };
    if (e.targetValue != null) target.value = e.targetValue;
    if (e.targetAverageValue != null) target.averageValue = e.targetAverageValue;
    const metric: Obj = { name: e.metricName ?? '' };
    if (e.metricSelector != null) metric.selector = e.metricSelector;
    out.external = { metric, target };
  }
  return out;
}

function metricSpecV2toV1(m: Obj): Obj {
  const out: Obj = { type: m.type };
  if (isObj(m.object)) {
    const o = m.object;
    const v: Obj = { target: clone(o.describedObject ?? {}), metricName: o.metric?.name ?? '', targetValue: o.target?.value ?? '0' };
    if (o.metric?.selector != null) v.selector = o.metric.selector;
    if (o.target?.averageValue != null) v.averageValue = o.target.averageValue;
    out.object = v;
  }
  if (isObj(m.pods)) {
    const p = m.pods;
    const v: Obj = { metricName: p.metric?.name ?? '', targetAverageValue: p.target?.averageValue ?? '0' };
    if (p.metric?.selector != null) v.selector = p.metric.selector;
    out.pods = v;
  }
  if (isObj(m.resource)) {
    const r = m.resource;
    const v: Obj = { name: r.name };
    if (r.target?.averageUtilization != null) v.targetAverageUtilization = r.target.averageUtilization;
    if (r.target?.averageValue != null) v.targetAverageValue = r.target.averageValue;
    out.resource = v;
  }
  if (isObj(m.containerResource)) {
    const r = m.containerResource;
    const v: Obj = { name: r.name };
    if (r.target?.averageUtilization != null) v.targetAverageUtilization = r.target.averageUtilization;
    if (r.target?.averageValue != null) v.targetAverageValue = r.target.averageValue;
    v.container = r.container ?? '';
    out.containerResource = v;
  }
  if (isObj(m.external)) {
    const e = m.external;
    const v: Obj = { metricName: e.metric?.name ?? '' };
    if (e.metric?.selector != null) v.metricSelector = e.metric.selector;
    if (e.target?.value != null) v.targetValue = e.target.value;
    if (e.target?.averageValue != null) v.targetAverageValue = e.target.averageValue;
    out.external = v;
  }
  return out;
}

function metricStatusV1toV2(m: Obj): Obj {
  const out: Obj = { type: m.type };
  if (isObj(m.object)) {
    const o = m.object;
    const current: Obj = { value: o.currentValue ?? '0' };
    if (o.averageValue != null) current.averageValue = o.averageValue;
    const metric: Obj = { name: o.metricName ?? '' };
    if (o.selector != null) metric.selector = o.selector;
    out.object = { describedObject: clone(o.target ?? {}), current, metric };
  }
  if (isObj(m.pods)) {
    const metric: Obj = { name: m.pods.metricName ?? '' };
    if (m.pods.selector != null) metric.selector = m.pods.selector;
    out.pods = { metric, current: { averageValue: m.pods.currentAverageValue ?? '0' } };
  }
  for (const key of ['resource', 'containerResource']) {
    if (!isObj(m[key])) continue;
    const r = m[key];
    const current: Obj = { averageValue: r.currentAverageValue ?? '0' };
    if (r.currentAverageUtilization != null) current.averageUtilization = r.currentAverageUtilization;
    out[key] = key === 'resource' ? { name: r.name, current } : { name: r.name, container: r.container ?? '', current };
  }
  if (isObj(m.external)) {
    const e = m.external;
    const current: Obj = { value: e.currentValue ?? '0' };
    if (e.currentAverageValue != null) current.averageValue = e.currentAverageValue;
    const metric: Obj = { name: e.metricName ?? '' };
    if (e.metricSelector != null) metric.selector = e.metricSelector;
    out.external = { metric, current };
  }
  return out;
}

function metricStatusV2toV1(m: Obj): Obj {
  const out: Obj = { type: m.type };
  if (isObj(m.object)) {
    const o = m.object;
    const v: Obj = { target: clone(o.describedObject ?? {}), metricName: o.metric?.name ?? '', currentValue: o.current?.value ?? '0' };
    if (o.metric?.selector != null) v.selector = o.metric.selector;
    if (o.current?.averageValue != null) v.averageValue = o.current.averageValue;
    out.object = v;
  }
  if (isObj(m.pods)) {
    const v: Obj = { metricName: m.pods.metric?.name ?? '', currentAverageValue: m.pods.current?.averageValue ?? '0' };
    if (m.pods.metric?.selector != null) v.selector = m.pods.metric.selector;
    out.pods = v;
  }
  for (const key of ['resource', 'containerResource']) {
    if (!isObj(m[key])) continue;
    const r = m[key];
    const v: Obj = { name: r.name };
    if (r.current?.averageUtilization != null) v.currentAverageUtilization = r.current.averageUtilization;
    v.currentAverageValue = r.current?.averageValue ?? '0';
    if (key === 'containerResource') v.container = r.container ?? '';
    out[key] = v;
  }
  if (isObj(m.external)) {
    const e = m.external;
    const v: Obj = { metricName: e.metric?.name ?? '' };
    if (e.metric?.selector != null) v.metricSelector = e.metric.selector;
    v.currentValue = e.current?.value ?? '0';
    if (e.current?.averageValue != null) v.currentAverageValue = e.current.averageValue;
    out.external = v;
  }
  return out;
}

/** The behavior annotation holds the internal Go type, whose JSON keys are its field names. */
function behaviorToAnnotation(b: Obj): string {
  const rules = (r: Obj | undefined) =>
    r == null
      ? null
      : {
          StabilizationWindowSeconds: r.stabilizationWindowSeconds ?? null,
          SelectPolicy: r.selectPolicy ?? null,
          Policies: r.policies == null ? null : arr(r.policies).map((p) => ({ Type: p?.type ?? '', Value: p?.value ?? 0, PeriodSeconds: p?.periodSeconds ?? 0 })),
          Tolerance: r.tolerance ?? null,
        };
  return JSON.stringify({ ScaleUp: rules(b.scaleUp), ScaleDown: rules(b.scaleDown) });
}

function behaviorFromAnnotation(text: string): Obj | undefined {
  let raw: Obj;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObj(raw)) return undefined;
  const get = (o: Obj, k: string) => o[k] ?? o[k.charAt(0).toLowerCase() + k.slice(1)];
  const rules = (r: unknown): Obj | undefined => {
    if (!isObj(r)) return undefined;
    const out: Obj = {};
    const sw = get(r, 'StabilizationWindowSeconds');
    if (sw != null) out.stabilizationWindowSeconds = sw;
    const sp = get(r, 'SelectPolicy');
    if (sp != null) out.selectPolicy = sp;
    const pol = get(r, 'Policies');
    if (Array.isArray(pol)) out.policies = pol.map((p) => ({ type: get(p, 'Type'), value: get(p, 'Value'), periodSeconds: get(p, 'PeriodSeconds') }));
    const tol = get(r, 'Tolerance');
    if (tol != null) out.tolerance = tol;
    return out;
  };
  const out: Obj = {};
  const up = rules(get(raw, 'ScaleUp'));
  const down = rules(get(raw, 'ScaleDown'));
  if (up) out.scaleUp = up;
  if (down) out.scaleDown = down;
  return out;
}

function parseJSONArray(text: string | undefined): Obj[] | undefined {
  if (text === undefined) return undefined;
  try {
    const v = JSON.parse(text);
    return Array.isArray(v) ? v : [];
  } catch {
    return [];
  }
}

/** autoscaling/v1 to the stored autoscaling/v2 form (Convert_v1_HorizontalPodAutoscaler_To_autoscaling + v2 defaults). */
export function hpaV1toV2(v1: KubeObject): KubeObject {
  const metadata = clone(v1.metadata ?? {});
  const annotations: Record<string, string> = { ...(metadata.annotations ?? {}) };
  const spec: Obj = v1.spec ?? {};
  const out: KubeObject = { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata };
  const s: Obj = {};
  if (spec.scaleTargetRef !== undefined) s.scaleTargetRef = clone(spec.scaleTargetRef);
  if (spec.minReplicas !== undefined) s.minReplicas = spec.minReplicas;
  if (spec.maxReplicas !== undefined) s.maxReplicas = spec.maxReplicas;
  let metrics: Obj[] = spec.targetCPUUtilizationPercentage != null ? [cpuUtilizationMetric(spec.targetCPUUtilizationPercentage)] : [];
  const other = parseJSONArray(annotations[METRIC_SPECS_ANNOTATION]);
  if (other !== undefined) {
    metrics = [...other.map(metricSpecV1toV2), ...metrics];
    delete annotations[METRIC_SPECS_ANNOTATION];
  }
  if (metrics.length === 0) metrics = [cpuUtilizationMetric(DEFAULT_CPU_UTILIZATION)];
  s.metrics = metrics;
  if (annotations[BEHAVIOR_ANNOTATION] !== undefined) {
    const b = behaviorFromAnnotation(annotations[BEHAVIOR_ANNOTATION]);
    if (b) s.behavior = b;
    delete annotations[BEHAVIOR_ANNOTATION];
  }
  out.spec = s;
  if (v1.status !== undefined) {
    const st: Obj = v1.status ?? {};
    const o: Obj = {};
    if (st.observedGeneration != null) o.observedGeneration = st.observedGeneration;
    if (st.lastScaleTime != null) o.lastScaleTime = st.lastScaleTime;
    if (st.currentReplicas) o.currentReplicas = st.currentReplicas;
    o.desiredReplicas = st.desiredReplicas ?? 0;
    if (st.currentCPUUtilizationPercentage != null) {
      o.currentMetrics = [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: st.currentCPUUtilizationPercentage } } }];
    }
    const cur = parseJSONArray(annotations[METRIC_STATUSES_ANNOTATION]);
    if (cur !== undefined) {
      o.currentMetrics = cur.map(metricStatusV1toV2);
      delete annotations[METRIC_STATUSES_ANNOTATION];
    }
    const conds = parseJSONArray(annotations[CONDITIONS_ANNOTATION]);
    if (conds !== undefined) {
      o.conditions = conds;
      delete annotations[CONDITIONS_ANNOTATION];
    }
    out.status = o;
  } else {
    for (const k of [METRIC_STATUSES_ANNOTATION, CONDITIONS_ANNOTATION]) delete annotations[k];
  }
  if (Object.keys(annotations).length > 0) metadata.annotations = annotations;
  else delete metadata.annotations;
  defaultHPAv2(out);
  return out;
}

/** The stored autoscaling/v2 form seen through autoscaling/v1. */
export function hpaV2toV1(v2: KubeObject): KubeObject {
  const metadata = clone(v2.metadata ?? {});
  const spec: Obj = v2.spec ?? {};
  const out: KubeObject = { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata };
  const s: Obj = {};
  if (spec.scaleTargetRef !== undefined) s.scaleTargetRef = clone(spec.scaleTargetRef);
  if (spec.minReplicas !== undefined) s.minReplicas = spec.minReplicas;
  s.maxReplicas = spec.maxReplicas ?? 0;
  const metrics = arr(spec.metrics);
  for (const m of metrics) {
    if (m?.type === 'Resource' && m.resource?.name === 'cpu') {
      if (m.resource.target?.averageUtilization != null) s.targetCPUUtilizationPercentage = m.resource.target.averageUtilization;
      break;
    }
  }
  out.spec = s;
  const extra: Record<string, string> = {};
  const other = metrics.filter((m) => !(m?.type === 'Resource' && m.resource?.name === 'cpu' && m.resource?.target?.averageUtilization != null));
  if (other.length > 0) extra[METRIC_SPECS_ANNOTATION] = JSON.stringify(other.map(metricSpecV2toV1));
  const st: Obj = v2.status ?? {};
  if (arr(st.currentMetrics).length > 0) extra[METRIC_STATUSES_ANNOTATION] = JSON.stringify(arr(st.currentMetrics).map(metricStatusV2toV1));
  if (arr(st.conditions).length > 0) extra[CONDITIONS_ANNOTATION] = JSON.stringify(st.conditions);
  if (isObj(spec.behavior)) extra[BEHAVIOR_ANNOTATION] = behaviorToAnnotation(spec.behavior);
  if (Object.keys(extra).length > 0) metadata.annotations = { ...(metadata.annotations ?? {}), ...extra };
  if (v2.status !== undefined) {
    const o: Obj = {};
    if (st.observedGeneration != null) o.observedGeneration = st.observedGeneration;
    if (st.lastScaleTime != null) o.lastScaleTime = st.lastScaleTime;
    o.currentReplicas = st.currentReplicas ?? 0;
    o.desiredReplicas = st.desiredReplicas ?? 0;
    for (const m of arr(st.currentMetrics)) {
      if (m?.type === 'Resource' && m.resource?.name === 'cpu' && m.resource.current?.averageUtilization != null) {
        o.currentCPUUtilizationPercentage = m.resource.current.averageUtilization;
      }
    }
    out.status = o;
  }
  return out;
}

// ---- kinds ----------------------------------------------------------------------------------------

export const hpaV2Kind: KindDef = {
  group: 'autoscaling',
  version: 'v2',
  kind: 'HorizontalPodAutoscaler',
  plural: 'horizontalpodautoscalers',
  singular: 'horizontalpodautoscaler',
  namespaced: true,
  shortNames: ['hpa'],
  categories: ['all'],
  definition: 'io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler',
  subresources: { status: true },
  columns: HPA_COLUMNS,
  strategy: {
    defaults: defaultHPAv2,
    prepareForCreate(obj) {
      obj.status = { desiredReplicas: 0 };
      dropTolerances(obj);
    },
    prepareForUpdate(obj, old) {
      dropTolerances(obj, old);
    },
    validate: validateHPA,
    validateUpdate: validateHPAUpdate,
    row: (obj) => hpaRow(obj),
  },
};

export const hpaV1Kind: KindDef = {
  group: 'autoscaling',
  version: 'v1',
  kind: 'HorizontalPodAutoscaler',
  plural: 'horizontalpodautoscalers',
  singular: 'horizontalpodautoscaler',
  namespaced: true,
  shortNames: ['hpa'],
  categories: ['all'],
  definition: 'io.k8s.api.autoscaling.v1.HorizontalPodAutoscaler',
  subresources: { status: true },
  storage: { group: 'autoscaling', plural: 'horizontalpodautoscalers', toStorage: hpaV1toV2, fromStorage: hpaV2toV1 },
  columns: HPA_COLUMNS,
  strategy: {
    defaults(obj) {
      if (!isObj(obj.spec)) obj.spec = {};
      if (obj.spec.minReplicas == null) obj.spec.minReplicas = 1;
    },
    prepareForCreate(obj) {
      obj.status = { currentReplicas: 0, desiredReplicas: 0 };
    },
    validate: (obj) => validateHPA(hpaV1toV2(obj)),
    validateUpdate: (obj, old) => validateHPAUpdate(hpaV1toV2(obj), hpaV1toV2(old)),
    row: (obj) => hpaRow(obj.apiVersion === 'autoscaling/v1' || obj.spec?.metrics === undefined ? hpaV1toV2(obj) : obj),
  },
};

/** Preferred version first. */
export const autoscalingKinds: KindDef[] = [hpaV2Kind, hpaV1Kind];
