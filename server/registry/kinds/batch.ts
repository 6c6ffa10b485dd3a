/**
 * batch/v1: Job and CronJob — v1.33 defaulting, the Job strategy's generated selector, validation
 * (including cron schedules and time zones) and the `kubectl get` columns.
 */
import { field } from '../../apiserver/errors.js';
import type { ColumnDef, FieldError, KindDef, KubeObject } from '../types.js';
import {
  formatLabelSelector,
  goStringMap,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  nameIsDNSSubdomain,
  selectorMatches,
  validateLabelSelector,
  validateObjectMeta,
  validateObjectMetaUpdate,
} from '../validation.js';
import { defaultPodTemplateSpec, validatePodTemplateSpec } from './podspec.js';
import { AGE_COLUMN, NAME_COLUMN, age as ageOf, col, containersAndImages as containerCells, humanDuration, translateTimestampSince as since } from './printers.js';
import { MAX_INT32, decoding, immutable, jsonEqual, nonNegative } from './core-common.js';

type Obj = Record<string, any>;

const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);
const arr = <T = Obj>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);

// ---- helpers shared by the kinds of this set (batch, autoscaling, networking, ...) -------------------

/** The columns of the server's default table convertor (kinds without a printer). */
export const CREATED_AT_COLUMN: ColumnDef = { name: 'Created At', type: 'date', description: 'When the object was created, in RFC 3339 form.', priority: 0 };

/** The default table convertor's CREATED AT cell: RFC 3339 in UTC, seconds precision. */
export function createdAt(obj: KubeObject): string {
  const ts = obj.metadata?.creationTimestamp;
  if (typeof ts !== 'string') return '0001-01-01T00:00:00Z';
  const t = Date.parse(ts);
  return Number.isNaN(t) ? ts : new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const CONTAINERS_COLUMN = col('Containers', 'string', 'Names of the containers of the pod template.', 1);
const IMAGES_COLUMN = col('Images', 'string', 'Images of the containers of the pod template.', 1);
const SELECTOR_COLUMN = col('Selector', 'string', 'Label query over the pods the controller owns.', 1);

// ---- Job ------------------------------------------------------------------------------------------

export const JOB_NAME_LABEL = 'batch.kubernetes.io/job-name';
export const CONTROLLER_UID_LABEL = 'batch.kubernetes.io/controller-uid';
export const LEGACY_JOB_NAME_LABEL = 'job-name';
export const LEGACY_CONTROLLER_UID_LABEL = 'controller-uid';

const POD_FAILURE_ACTIONS = ['Count', 'FailIndex', 'FailJob', 'Ignore'];
const ON_EXIT_CODES_OPERATORS = ['In', 'NotIn'];
const CONDITION_STATUSES = ['False', 'True', 'Unknown'];
const MAX_PARALLELISM_INDEXED = 100000;
const MAX_FAILED_INDEXES = 100000;
const COMPLETIONS_SOFT_LIMIT = 100000;
const PARALLELISM_LIMIT_HIGH_COMPLETIONS = 10000;
const MAX_FAILED_INDEXES_HIGH_COMPLETIONS = 10000;

/** SetDefaults_Job on a JobSpec (shared with a CronJob's template, which only gets pod defaults). */
function defaultPodFailurePolicy(spec: Obj): void {
  for (const rule of arr(spec.podFailurePolicy?.rules)) {
    for (const pattern of arr(rule?.onPodConditions)) if (isObj(pattern) && !pattern.status) pattern.status = 'True';
  }
}

/** SetDefaults_Job plus the pod template's defaults. */
export function defaultJob(obj: KubeObject): void {
  decoding('Job', 'v1', () => defaultJobSpec(obj));
}

function defaultJobSpec(obj: KubeObject): void {
  if (!isObj(obj.spec)) obj.spec = {};
  const spec = obj.spec;
  if (spec.completions == null && spec.parallelism == null) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  if (spec.parallelism == null) spec.parallelism = 1;
  if (spec.backoffLimit == null) spec.backoffLimit = spec.backoffLimitPerIndex != null ? MAX_INT32 : 6;
  const tplLabels = spec.template?.metadata?.labels;
  if (isObj(tplLabels) && Object.keys(obj.metadata.labels ?? {}).length === 0) obj.metadata.labels = { ...tplLabels };
  if (spec.completionMode == null) spec.completionMode = 'NonIndexed';
  if (spec.suspend == null) spec.suspend = false;
  if (spec.podReplacementPolicy == null) spec.podReplacementPolicy = spec.podFailurePolicy != null ? 'Failed' : 'TerminatingOrFailed';
  if (spec.manualSelector == null) spec.manualSelector = false;
  defaultPodFailurePolicy(spec);
  if (!isObj(spec.template)) spec.template = {};
  defaultPodTemplateSpec(spec.template);
}

/** The Job strategy's generateSelector: pods carry the job's name and uid, the selector picks the uid. */
export function generateJobSelector(obj: KubeObject): void {
  const spec = obj.spec;
  if (!isObj(spec.template)) spec.template = {};
  if (!isObj(spec.template.metadata)) spec.template.metadata = {};
  const labels: Record<string, string> = isObj(spec.template.metadata.labels) ? spec.template.metadata.labels : {};
  spec.template.metadata.labels = labels;
  const name = obj.metadata.name ?? '';
  const uid = obj.metadata.uid ?? '';
  for (const key of [LEGACY_JOB_NAME_LABEL, JOB_NAME_LABEL]) if (!(key in labels)) labels[key] = name;
  for (const key of [LEGACY_CONTROLLER_UID_LABEL, CONTROLLER_UID_LABEL]) if (!(key in labels)) labels[key] = uid;
  if (!isObj(spec.selector)) spec.selector = {};
  if (!isObj(spec.selector.matchLabels)) spec.selector.matchLabels = {};
  if (!(CONTROLLER_UID_LABEL in spec.selector.matchLabels)) spec.selector.matchLabels[CONTROLLER_UID_LABEL] = uid;
  // Sorted keys, as the labels map round-trips through Go.
  spec.template.metadata.labels = Object.fromEntries(Object.keys(labels).sort().map((k) => [k, labels[k]]));
}

function hasLabel(meta: Obj | undefined, path: string, key: string, expected: string): FieldError[] {
  const labels = meta?.labels ?? {};
  if (!(key in labels)) return [field.required(`${path}.labels[${key}]`, `must be '${expected}'`)];
  if (labels[key] !== expected) return [field.invalid(`${path}.labels[${key}]`, goStringMap(labels), `must be '${expected}'`)];
  return [];
}

/** validateGeneratedSelector */
function validateGeneratedSelector(obj: KubeObject, requirePrefixed: boolean): FieldError[] {
  const spec = obj.spec ?? {};
  if (spec.manualSelector === true) return [];
  if (!spec.selector) return [];
  const errs: FieldError[] = [];
  const uid = obj.metadata.uid ?? '';
  const name = obj.metadata.name ?? '';
  if (!uid) errs.push(field.required('metadata.uid', ''));
  const tplMeta = spec.template?.metadata;
  const tplPath = 'spec.template.metadata';
  errs.push(...hasLabel(tplMeta, tplPath, LEGACY_CONTROLLER_UID_LABEL, uid));
  errs.push(...hasLabel(tplMeta, tplPath, LEGACY_JOB_NAME_LABEL, name));
  const expected: Record<string, string> = {};
  if (requirePrefixed) {
    errs.push(...hasLabel(tplMeta, tplPath, CONTROLLER_UID_LABEL, uid));
    errs.push(...hasLabel(tplMeta, tplPath, JOB_NAME_LABEL, name));
    expected[CONTROLLER_UID_LABEL] = uid;
    expected[JOB_NAME_LABEL] = name;
  }
  expected[LEGACY_CONTROLLER_UID_LABEL] = uid;
  expected[LEGACY_JOB_NAME_LABEL] = name;
  if (validateLabelSelector(spec.selector, 'spec.selector').length === 0 && !selectorMatches(spec.selector, expected)) {
    errs.push(field.invalid('spec.selector', spec.selector, '`selector` not auto-generated'));
  }
  return errs;
}

/** Parses an indexes string ("1,3-5") against completions; returns the count or an error text. */
function parseIndexes(text: string, completions: number): { count: number } | { error: string } {
  if (text === '') return { count: 0 };
  let count = 0;
  let last = -1;
  for (const interval of text.split(',')) {
    const limits = interval.split('-');
    if (limits.length > 2) return { error: `the fragment "${interval}" violates the requirement that an index interval can have at most two parts separated by '-'` };
    const x = parseIndex(limits[0]);
    if ('error' in x) return x;
    if (x.n >= completions) return { error: `too large index: "${limits[0]}"` };
    if (x.n <= last) return { error: `non-increasing order, previous: ${last}, current: ${x.n}` };
    if (limits.length === 2) {
      const y = parseIndex(limits[1]);
      if ('error' in y) return y;
      if (y.n >= completions) return { error: `too large index: "${limits[1]}"` };
      if (x.n >= y.n) return { error: `the fragment "${interval}" violates the requirement that first index is smaller than the second index` };
      count += y.n - x.n + 1;
      last = y.n;
    } else {
      count++;
      last = x.n;
    }
  }
  return { count };
}

function parseIndex(s: string): { n: number } | { error: string } {
  if (!/^[+-]?\d+$/.test(s)) return { error: `cannot convert string to integer for index: "${s}"` };
  const n = Number(s);
  if (n < 0) return { error: `index must be >= 0: "${s}"` };
  return { n };
}

/** validateJobSpec (shared with the CronJob's jobTemplate), without the selector rules. */
function validateJobSpecCommon(spec: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  errs.push(...nonNegative(spec.parallelism, `${path}.parallelism`));
  errs.push(...nonNegative(spec.completions, `${path}.completions`));
  errs.push(...nonNegative(spec.activeDeadlineSeconds, `${path}.activeDeadlineSeconds`));
  errs.push(...nonNegative(spec.backoffLimit, `${path}.backoffLimit`));
  errs.push(...nonNegative(spec.ttlSecondsAfterFinished, `${path}.ttlSecondsAfterFinished`));
  errs.push(...nonNegative(spec.backoffLimitPerIndex, `${path}.backoffLimitPerIndex`));
  if (spec.maxFailedIndexes != null) {
    errs.push(...nonNegative(spec.maxFailedIndexes, `${path}.maxFailedIndexes`));
    if (spec.backoffLimitPerIndex == null) errs.push(field.required(`${path}.backoffLimitPerIndex`, 'when maxFailedIndexes is specified'));
  }
  if (spec.managedBy != null) {
    errs.push(...domainPrefixedPath(`${path}.managedBy`, String(spec.managedBy)));
    if (String(spec.managedBy).length > 63) errs.push({ type: 'FieldValueTooLong', field: `${path}.managedBy`, value: spec.managedBy, detail: 'may not be more than 63 bytes' });
  }
  const mode = spec.completionMode;
  if (mode != null) {
    if (mode !== 'NonIndexed' && mode !== 'Indexed') errs.push(field.notSupported(`${path}.completionMode`, mode, ['NonIndexed', 'Indexed']));
    if (mode === 'Indexed') {
      if (spec.completions == null) errs.push(field.required(`${path}.completions`, 'when completion mode is Indexed'));
      if (spec.parallelism != null && spec.parallelism > MAX_PARALLELISM_INDEXED) {
        errs.push(field.invalid(`${path}.parallelism`, spec.parallelism, `must be less than or equal to ${MAX_PARALLELISM_INDEXED} when completion mode is Indexed`));
      }
      if (spec.completions != null && spec.maxFailedIndexes != null && spec.maxFailedIndexes > spec.completions) {
        errs.push(field.invalid(`${path}.maxFailedIndexes`, spec.maxFailedIndexes, 'must be less than or equal to completions'));
      }
      if (spec.maxFailedIndexes != null && spec.maxFailedIndexes > MAX_FAILED_INDEXES) {
        errs.push(field.invalid(`${path}.maxFailedIndexes`, spec.maxFailedIndexes, `must be less than or equal to ${MAX_FAILED_INDEXES}`));
      }
      if (spec.completions != null && spec.completions > COMPLETIONS_SOFT_LIMIT && spec.backoffLimitPerIndex != null) {
        if (spec.maxFailedIndexes == null) errs.push(field.required(`${path}.maxFailedIndexes`, `must be specified when completions is above ${COMPLETIONS_SOFT_LIMIT}`));
        if (spec.parallelism != null && spec.parallelism > PARALLELISM_LIMIT_HIGH_COMPLETIONS) {
          errs.push(field.invalid(`${path}.parallelism`, spec.parallelism, `must be less than or equal to ${PARALLELISM_LIMIT_HIGH_COMPLETIONS} when completions are above ${COMPLETIONS_SOFT_LIMIT} and used with backoff limit per index`));
        }
        if (spec.maxFailedIndexes != null && spec.maxFailedIndexes > MAX_FAILED_INDEXES_HIGH_COMPLETIONS) {
          errs.push(field.invalid(`${path}.maxFailedIndexes`, spec.maxFailedIndexes, `must be less than or equal to ${MAX_FAILED_INDEXES_HIGH_COMPLETIONS} when completions are above ${COMPLETIONS_SOFT_LIMIT} and used with backoff limit per index`));
        }
      }
    }
  }
  if (mode == null || mode === 'NonIndexed') {
    if (spec.backoffLimitPerIndex != null) errs.push(field.invalid(`${path}.backoffLimitPerIndex`, spec.backoffLimitPerIndex, 'requires indexed completion mode'));
    if (spec.maxFailedIndexes != null) errs.push(field.invalid(`${path}.maxFailedIndexes`, spec.maxFailedIndexes, 'requires indexed completion mode'));
  }
  if (spec.podFailurePolicy != null) errs.push(...validatePodFailurePolicy(spec, `${path}.podFailurePolicy`));
  if (spec.successPolicy != null) {
    if ((mode ?? 'NonIndexed') !== 'Indexed') errs.push(field.invalid(`${path}.successPolicy`, spec.successPolicy, 'requires indexed completion mode'));
    else errs.push(...validateSuccessPolicy(spec, `${path}.successPolicy`));
  }
  if (spec.podReplacementPolicy != null) {
    const p = `${path}.podReplacementPolicy`;
    if (spec.podFailurePolicy != null) {
      if (spec.podReplacementPolicy !== 'Failed') errs.push(field.notSupported(p, spec.podReplacementPolicy, ['Failed']));
    } else if (spec.podReplacementPolicy !== 'Failed' && spec.podReplacementPolicy !== 'TerminatingOrFailed') {
      errs.push(field.notSupported(p, spec.podReplacementPolicy, ['Failed', 'TerminatingOrFailed']));
    }
  }
  errs.push(...validatePodTemplateSpec(spec.template, `${path}.template`));
  const restart = spec.template?.spec?.restartPolicy;
  const rp = `${path}.template.spec.restartPolicy`;
  if (restart === 'Always' || !restart) errs.push(field.required(rp, 'valid values: "OnFailure", "Never"'));
  else if (restart !== 'OnFailure' && restart !== 'Never') errs.push(field.notSupported(rp, restart, ['OnFailure', 'Never']));
  else if (spec.podFailurePolicy != null && restart !== 'Never') errs.push(field.invalid(rp, restart, 'only "Never" is supported when podFailurePolicy is specified'));
  return errs;
}

function validatePodFailurePolicy(spec: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const rules = arr(spec.podFailurePolicy?.rules);
  const rulesPath = `${path}.rules`;
  if (rules.length > 20) errs.push({ type: 'FieldValueTooMany', field: rulesPath, value: rules.length, detail: 'must have at most 20 items' });
  const names = new Set<string>([...arr(spec.template?.spec?.containers), ...arr(spec.template?.spec?.initContainers)].map((c) => c?.name));
  rules.forEach((rule, i) => {
    const rp = `${rulesPath}[${i}]`;
    const ap = `${rp}.action`;
    if (!rule?.action) errs.push(field.required(ap, `valid values: ["Count" "FailIndex" "FailJob" "Ignore"]`));
    else if (rule.action === 'FailIndex') {
      if (spec.backoffLimitPerIndex == null) errs.push(field.invalid(ap, rule.action, 'requires the backoffLimitPerIndex to be set'));
    } else if (!POD_FAILURE_ACTIONS.includes(rule.action)) errs.push(field.notSupported(ap, rule.action, POD_FAILURE_ACTIONS));
    const onExit = rule?.onExitCodes;
    const onConds = arr(rule?.onPodConditions);
    if (onExit != null) {
      const ep = `${rp}.onExitCodes`;
      if (!onExit.operator) errs.push(field.required(`${ep}.operator`, 'valid values: ["In" "NotIn"]'));
      else if (!ON_EXIT_CODES_OPERATORS.includes(onExit.operator)) errs.push(field.notSupported(`${ep}.operator`, onExit.operator, ON_EXIT_CODES_OPERATORS));
      if (onExit.containerName != null && !names.has(onExit.containerName)) {
        errs.push(field.invalid(`${ep}.containerName`, onExit.containerName, 'must be one of the container or initContainer names in the pod template'));
      }
      const values = arr<number>(onExit.values);
      if (values.length === 0) errs.push(field.invalid(`${ep}.values`, values, 'at least one value is required'));
      else if (values.length > 255) errs.push({ type: 'FieldValueTooMany', field: `${ep}.values`, value: values.length, detail: 'must have at most 255 items' });
      const seen = new Set<number>();
      let ordered = true;
      values.forEach((v, j) => {
        if (onExit.operator === 'In' && v === 0) errs.push(field.invalid(`${ep}.values[${j}]`, v, 'must not be 0 for the In operator'));
        if (seen.has(v)) errs.push(field.duplicate(`${ep}.values[${j}]`, v));
        else seen.add(v);
        if (j > 0 && values[j - 1] > v) ordered = false;
      });
      if (!ordered) errs.push(field.invalid(`${ep}.values`, values, 'must be ordered'));
    }
    if (onConds.length > 0) {
      const cp = `${rp}.onPodConditions`;
      if (onConds.length > 20) errs.push({ type: 'FieldValueTooMany', field: cp, value: onConds.length, detail: 'must have at most 20 items' });
      onConds.forEach((c, j) => {
        for (const m of isQualifiedName(String(c?.type ?? ''))) errs.push(field.invalid(`${cp}[${j}].type`, c?.type ?? '', m));
        if (!c?.status) errs.push(field.required(`${cp}[${j}].status`, 'valid values: ["False" "True" "Unknown"]'));
        else if (!CONDITION_STATUSES.includes(c.status)) errs.push(field.notSupported(`${cp}[${j}].status`, c.status, CONDITION_STATUSES));
      });
    }
    if (onExit != null && onConds.length > 0) errs.push({ type: 'FieldValueInvalid', field: rp, detail: 'specifying both OnExitCodes and OnPodConditions is not supported' });
    if (onExit == null && onConds.length === 0) errs.push({ type: 'FieldValueInvalid', field: rp, detail: 'specifying one of OnExitCodes and OnPodConditions is required' });
  });
  return errs;
}

function validateSuccessPolicy(spec: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const rules = arr(spec.successPolicy?.rules);
  const rulesPath = `${path}.rules`;
  if (rules.length === 0) errs.push(field.required(rulesPath, 'at least one rules must be specified when the successPolicy is specified'));
  if (rules.length > 20) errs.push({ type: 'FieldValueTooMany', field: rulesPath, value: rules.length, detail: 'must have at most 20 items' });
  const completions = Number(spec.completions ?? 0);
  rules.forEach((rule, i) => {
    const rp = `${rulesPath}[${i}]`;
    if (rule?.succeededCount == null && rule?.succeededIndexes == null) errs.push(field.required(rp, 'at least one of succeededCount or succeededIndexes must be specified'));
    let total = 0;
    if (rule?.succeededIndexes != null) {
      const ip = `${rp}.succeededIndexes`;
      const text = String(rule.succeededIndexes);
      if (text.length > 64 * 1024) errs.push(field.tooLong(ip, 64 * 1024));
      const parsed = parseIndexes(text, completions);
      if ('error' in parsed) errs.push(field.invalid(ip, text, `error parsing succeededIndexes: ${parsed.error}`));
      else total = parsed.count;
    }
    if (rule?.succeededCount != null) {
      const cp = `${rp}.succeededCount`;
      errs.push(...nonNegative(rule.succeededCount, cp));
      if (rule.succeededCount > completions) errs.push(field.invalid(cp, rule.succeededCount, `must be less than or equal to ${completions} (the number of specified completions)`));
      if (rule.succeededIndexes != null && rule.succeededCount > total) {
        errs.push(field.invalid(cp, rule.succeededCount, `must be less than or equal to ${total} (the number of indexes in the specified succeededIndexes field)`));
      }
    }
  });
  return errs;
}

/** ValidateJobSpec: the common rules plus a required, valid selector that matches the template. */
function validateJobSpec(spec: Obj, path: string): FieldError[] {
  const errs = validateJobSpecCommon(spec, path);
  if (spec.selector == null) errs.push(field.required(`${path}.selector`, ''));
  else errs.push(...validateLabelSelector(spec.selector, `${path}.selector`));
  if (spec.selector != null && validateLabelSelector(spec.selector, `${path}.selector`).length === 0) {
    const labels = spec.template?.metadata?.labels ?? {};
    if (!selectorMatches(spec.selector, labels)) {
      errs.push(field.invalid(`${path}.template.metadata.labels`, goStringMap(labels), '`selector` does not match template `labels`'));
    }
  }
  return errs;
}

/** ValidateJob */
export function validateJob(obj: KubeObject, requirePrefixedLabels = true): FieldError[] {
  const spec: Obj = isObj(obj.spec) ? obj.spec : {};
  const errs = validateObjectMeta(obj.metadata, true, nameIsDNSSubdomain);
  errs.push(...validateGeneratedSelector(obj, requirePrefixedLabels));
  errs.push(...validateJobSpec(spec, 'spec'));
  if (spec.completionMode === 'Indexed' && typeof spec.completions === 'number' && spec.completions > 0) {
    const host = `${obj.metadata.name ?? ''}-${spec.completions - 1}`;
    if (isDNS1123Label(host).length > 0) {
      errs.push(field.invalid('metadata.name', obj.metadata.name ?? '', `will not able to create pod with invalid DNS label: ${host}`));
    }
  }
  return errs;
}

/** ValidateJobUpdate (with ValidateJob first, as the strategy runs both). */
export function validateJobUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const oldLabels = old.spec?.template?.metadata?.labels ?? {};
  const requirePrefixed = JOB_NAME_LABEL in oldLabels && CONTROLLER_UID_LABEL in oldLabels;
  const errs = validateJob(obj, requirePrefixed);
  errs.push(...validateObjectMetaUpdate(obj.metadata, old.metadata));
  const spec: Obj = obj.spec ?? {};
  const oldSpec: Obj = old.spec ?? {};
  errs.push(...validateJobSpec(spec, 'spec'));
  // completions: elastic only for Indexed jobs, and only in tandem with parallelism.
  if (spec.completionMode !== 'Indexed') errs.push(...immutable(spec.completions, oldSpec.completions, 'spec.completions'));
  else if (!jsonEqual(spec.completions, oldSpec.completions) && spec.completions != null && spec.completions !== spec.parallelism) {
    errs.push(field.invalid('spec.completions', spec.completions, 'can only be modified in tandem with spec.parallelism'));
  }
  errs.push(...immutable(spec.selector, oldSpec.selector, 'spec.selector'));
  // The pod template is immutable, except scheduling directives of a suspended job that never started.
  const oldTpl = JSON.parse(JSON.stringify(oldSpec.template ?? {}));
  const tpl: Obj = spec.template ?? {};
  if (oldSpec.suspend === true && !old.status?.startTime) {
    oldTpl.spec ??= {};
    oldTpl.metadata ??= {};
    const newAff = tpl.spec?.affinity;
    const oldAff = oldTpl.spec.affinity;
    if (newAff == null && oldAff != null) {
      delete oldAff.nodeAffinity;
      if (Object.keys(oldAff).length === 0) delete oldTpl.spec.affinity;
    } else if (newAff != null && oldAff == null) {
      oldTpl.spec.affinity = newAff.nodeAffinity !== undefined ? { nodeAffinity: newAff.nodeAffinity } : {};
    } else if (newAff != null && oldAff != null) {
      if (newAff.nodeAffinity === undefined) delete oldAff.nodeAffinity;
      else oldAff.nodeAffinity = newAff.nodeAffinity;
    }
    for (const k of ['nodeSelector', 'tolerations', 'schedulingGates']) {
      if (tpl.spec?.[k] === undefined) delete oldTpl.spec[k];
      else oldTpl.spec[k] = tpl.spec[k];
    }
    for (const k of ['annotations', 'labels']) {
      if (tpl.metadata?.[k] === undefined) delete oldTpl.metadata[k];
      else oldTpl.metadata[k] = tpl.metadata[k];
    }
  }
  errs.push(...immutable(tpl, oldTpl, 'spec.template'));
  errs.push(...immutable(spec.completionMode, oldSpec.completionMode, 'spec.completionMode'));
  errs.push(...immutable(spec.podFailurePolicy, oldSpec.podFailurePolicy, 'spec.podFailurePolicy'));
  errs.push(...immutable(spec.backoffLimitPerIndex, oldSpec.backoffLimitPerIndex, 'spec.backoffLimitPerIndex'));
  errs.push(...immutable(spec.managedBy, oldSpec.managedBy, 'spec.managedBy'));
  errs.push(...immutable(spec.successPolicy, oldSpec.successPolicy, 'spec.successPolicy'));
  return errs;
}

/** IsDomainPrefixedPath */
export function domainPrefixedPath(path: string, value: string): FieldError[] {
  if (value.length === 0) return [field.required(path, '')];
  const slash = value.indexOf('/');
  const host = slash < 0 ? value : value.slice(0, slash);
  const rest = slash < 0 ? '' : value.slice(slash + 1);
  if (slash < 0 || host.length === 0 || rest.length === 0) return [field.invalid(path, value, 'must be a domain-prefixed path (such as "acme.io/foo")')];
  const errs: FieldError[] = [];
  for (const m of isDNS1123Subdomain(host)) errs.push(field.invalid(path, host, m));
  if (!/^[A-Za-z0-9/\-._~%!$&'()*+,;=:]+$/.test(rest)) {
    errs.push(field.invalid(path, rest, "Invalid path (regex used for validation is '[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+')"));
  }
  return errs;
}

function jobStatusText(obj: KubeObject): string {
  const conds = arr(obj.status?.conditions);
  const isTrue = (t: string) => {
    const c = conds.find((x) => x?.type === t);
    return !!c && c.status === 'True';
  };
  if (isTrue('Complete')) return 'Complete';
  if (isTrue('Failed')) return 'Failed';
  if (obj.metadata.deletionTimestamp) return 'Terminating';
  if (isTrue('Suspended')) return 'Suspended';
  if (isTrue('FailureTarget')) return 'FailureTarget';
  if (isTrue('SuccessCriteriaMet')) return 'SuccessCriteriaMet';
  return 'Running';
}

/** printJob */
export function jobRow(obj: KubeObject, now = Date.now()): unknown[] {
  const spec: Obj = obj.spec ?? {};
  const succeeded = Number(obj.status?.succeeded ?? 0);
  let completions: string;
  if (spec.completions != null) completions = `${succeeded}/${spec.completions}`;
  else if ((spec.parallelism ?? 0) > 1) completions = `${succeeded}/1 of ${spec.parallelism}`;
  else completions = `${succeeded}/1`;
  let duration = '';
  const start = obj.status?.startTime ? Date.parse(obj.status.startTime) : NaN;
  if (!Number.isNaN(start)) {
    const end = obj.status?.completionTime ? Date.parse(obj.status.completionTime) : now;
    duration = humanDuration((Number.isNaN(end) ? now : end) - start);
  }
  const [names, images] = containerCells(spec.template?.spec);
  return [obj.metadata.name, jobStatusText(obj), completions, duration, ageOf(obj, now), names, images, formatLabelSelector(spec.selector)];
}

export const jobKind: KindDef = {
  group: 'batch',
  version: 'v1',
  kind: 'Job',
  plural: 'jobs',
  singular: 'job',
  namespaced: true,
  categories: ['all'],
  definition: 'io.k8s.api.batch.v1.Job',
  subresources: { status: true },
  columns: [
    NAME_COLUMN,
    col('Status', 'string', 'Status of the job.'),
    col('Completions', 'string', 'Succeeded pods against the desired completions.'),
    col('Duration', 'string', 'How long the job ran, or has been running.'),
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
    SELECTOR_COLUMN,
  ],
  strategy: {
    defaults: defaultJob,
    prepareForCreate(obj) {
      if (obj.spec.manualSelector !== true) generateJobSelector(obj);
      // Reading the stored job back applies the defaults again: a job without labels then takes
      // its (now generated) template labels.
      const tplLabels = obj.spec.template?.metadata?.labels;
      if (isObj(tplLabels) && Object.keys(obj.metadata.labels ?? {}).length === 0) obj.metadata.labels = { ...tplLabels };
      obj.status = {};
    },
    validate: (obj) => validateJob(obj),
    validateUpdate: validateJobUpdate,
    row: (obj) => jobRow(obj),
    fieldLabels: (obj) => ({ 'status.successful': String(obj.status?.succeeded ?? 0) }),
  },
};

// ---- CronJob ------------------------------------------------------------------------------------

/** SetDefaults_CronJob plus the pod template inside the job template. */
export function defaultCronJob(obj: KubeObject): void {
  decoding('CronJob', 'v1', () => defaultCronJobSpec(obj));
}

function defaultCronJobSpec(obj: KubeObject): void {
  if (!isObj(obj.spec)) obj.spec = {};
  const spec = obj.spec;
  if (!spec.concurrencyPolicy) spec.concurrencyPolicy = 'Allow';
  if (spec.suspend == null) spec.suspend = false;
  if (spec.successfulJobsHistoryLimit == null) spec.successfulJobsHistoryLimit = 3;
  if (spec.failedJobsHistoryLimit == null) spec.failedJobsHistoryLimit = 1;
  if (!isObj(spec.jobTemplate)) spec.jobTemplate = {};
  const jt = spec.jobTemplate;
  if (!isObj(jt.metadata)) jt.metadata = {};
  if (!('creationTimestamp' in jt.metadata)) jt.metadata.creationTimestamp = null;
  if (!isObj(jt.spec)) jt.spec = {};
  defaultPodFailurePolicy(jt.spec);
  if (!isObj(jt.spec.template)) jt.spec.template = {};
  defaultPodTemplateSpec(jt.spec.template);
}

const CRON_FIELDS: { min: number; max: number; names?: Record<string, number> }[] = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 } },
  { min: 0, max: 6, names: { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 } },
];

const CRON_DESCRIPTORS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];

/** strconv.Atoi as robfig/cron's mustParseInt reports it. */
function cronInt(expr: string): number | string {
  if (!/^[+-]?\d+$/.test(expr)) return `failed to parse int from ${expr}: strconv.Atoi: parsing ${JSON.stringify(expr)}: invalid syntax`;
  const n = Number(expr);
  if (!Number.isSafeInteger(n) || Math.abs(n) > 9223372036854775807) return `failed to parse int from ${expr}: strconv.Atoi: parsing ${JSON.stringify(expr)}: value out of range`;
  if (n < 0) return `negative number (${n}) not allowed: ${expr}`;
  return n;
}

function cronRange(expr: string, b: (typeof CRON_FIELDS)[number]): string | undefined {
  const rangeAndStep = expr.split('/');
  const lowHigh = rangeAndStep[0].split('-');
  let start: number;
  let end: number;
  const named = (s: string): number | string => (b.names && s.toLowerCase() in b.names ? b.names[s.toLowerCase()] : cronInt(s));
  if (lowHigh[0] === '*' || lowHigh[0] === '?') {
    start = b.min;
    end = b.max;
  } else {
    const s = named(lowHigh[0]);
    if (typeof s === 'string') return s;
    start = s;
    if (lowHigh.length === 1) end = start;
    else if (lowHigh.length === 2) {
      const e = named(lowHigh[1]);
      if (typeof e === 'string') return e;
      end = e;
    } else return `too many hyphens: ${expr}`;
  }
  let step = 1;
  if (rangeAndStep.length === 2) {
    const s = cronInt(rangeAndStep[1]);
    if (typeof s === 'string') return s;
    step = s;
    if (lowHigh.length === 1) end = b.max;
  } else if (rangeAndStep.length > 2) return `too many slashes: ${expr}`;
  if (start < b.min) return `beginning of range (${start}) below minimum (${b.min}): ${expr}`;
  if (end > b.max) return `end of range (${end}) above maximum (${b.max}): ${expr}`;
  if (start > end) return `beginning of range (${start}) beyond end of range (${end}): ${expr}`;
  if (step === 0) return `step of range should be a positive number: ${expr}`;
  return undefined;
}

/** time.ParseDuration, for `@every`: returns an error text or undefined. */
function goDurationError(s: string): string | undefined {
  const bad = `time: invalid duration ${JSON.stringify(s)}`;
  let rest = s.replace(/^[+-]/, '');
  if (rest === '0') return undefined;
  if (rest === '') return bad;
  while (rest !== '') {
    const m = /^(\d*\.?\d*)([a-zµμ]*)/.exec(rest);
    if (!m || m[1] === '' || m[1] === '.') return bad;
    if (m[2] === '') return `time: missing unit in duration ${JSON.stringify(s)}`;
    if (!['ns', 'us', 'µs', 'μs', 'ms', 's', 'm', 'h'].includes(m[2])) return `time: unknown unit ${JSON.stringify(m[2])} in duration ${JSON.stringify(s)}`;
    rest = rest.slice(m[0].length);
  }
  return undefined;
}

/** cron.ParseStandard: the error text for a bad schedule, or undefined. */
export function cronScheduleError(schedule: string): string | undefined {
  if (schedule.length === 0) return 'empty spec string';
  let spec = schedule;
  if (spec.startsWith('TZ=') || spec.startsWith('CRON_TZ=')) {
    const sp = spec.indexOf(' ');
    const eq = spec.indexOf('=');
    const loc = sp < 0 ? spec.slice(eq + 1) : spec.slice(eq + 1, sp);
    const err = loadLocationError(loc);
    if (err) return `provided bad location ${loc}: ${err}`;
    spec = sp < 0 ? '' : spec.slice(sp).trim();
  }
  if (spec.startsWith('@')) {
    if (CRON_DESCRIPTORS.includes(spec)) return undefined;
    if (spec.startsWith('@every ')) {
      const d = spec.slice('@every '.length);
      const err = goDurationError(d);
      return err ? `failed to parse duration ${spec}: ${err}` : undefined;
    }
    return `unrecognized descriptor: ${spec}`;
  }
  const fields = spec.split(/\s+/).filter((f) => f !== '');
  if (fields.length !== 5) return `expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`;
  for (let i = 0; i < 5; i++) {
    for (const part of fields[i].split(',').filter((p) => p !== '')) {
      const err = cronRange(part, CRON_FIELDS[i]);
      if (err) return err;
    }
  }
  return undefined;
}

let zoneNames: Set<string> | undefined;

/** time.LoadLocation: the error text for an unknown zone, or undefined. */
export function loadLocationError(name: string): string | undefined {
  if (name === '' || name === 'UTC' || name === 'Local') return undefined;
  if (name.includes('..') || name.startsWith('/') || name.includes('\\')) return `invalid time zone ${name}`;
  zoneNames ??= new Set(typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : []);
  if (zoneNames.has(name)) return undefined;
  try {
    const resolved = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
    // Intl matches case-insensitively; the zoneinfo database Go reads does not.
    if (resolved === name || resolved.toLowerCase() !== name.toLowerCase() || /^Etc\//.test(name) || name === 'GMT') return undefined;
  } catch {
    // unknown to Intl
  }
  return `unknown time zone ${name}`;
}

/** validateTimeZone */
function validateTimeZone(tz: unknown, path: string): FieldError[] {
  if (tz == null) return [];
  const s = String(tz);
  if (s.length === 0) return [field.invalid(path, s, 'timeZone must be nil or non-empty string')];
  for (const part of s.split('/')) {
    if (part === '.' || part === '..' || part.startsWith('-') || !/^[A-Za-z.\-_0-9+]{1,14}$/.test(part)) {
      return [field.invalid(path, s, `unknown time zone ${s}`)];
    }
  }
  const errs: FieldError[] = [];
  if (s.toLowerCase() === 'local') errs.push(field.invalid(path, s, 'timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones'));
  const err = loadLocationError(s);
  if (err) errs.push(field.invalid(path, s, err));
  return errs;
}

/** validateCronJobSpec */
function validateCronJobSpec(spec: Obj, oldSpec: Obj | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const schedule = typeof spec.schedule === 'string' ? spec.schedule : '';
  if (schedule.length === 0) errs.push(field.required(`${path}.schedule`, ''));
  else {
    const allowTZ = !!oldSpec && typeof oldSpec.schedule === 'string' && oldSpec.schedule.includes('TZ');
    const err = cronScheduleError(schedule);
    if (err) errs.push(field.invalid(`${path}.schedule`, schedule, err));
    if (allowTZ && schedule.includes('TZ') && spec.timeZone != null) {
      errs.push(field.invalid(`${path}.schedule`, schedule, 'cannot use both timeZone field and TZ or CRON_TZ in schedule'));
    } else if (!allowTZ && schedule.includes('TZ')) {
      errs.push(field.invalid(`${path}.schedule`, schedule, 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead'));
    }
  }
  errs.push(...nonNegative(spec.startingDeadlineSeconds, `${path}.startingDeadlineSeconds`));
  if (!oldSpec || oldSpec.timeZone !== spec.timeZone) errs.push(...validateTimeZone(spec.timeZone, `${path}.timeZone`));
  const cp = spec.concurrencyPolicy;
  if (!cp) errs.push(field.required(`${path}.concurrencyPolicy`, ''));
  else if (!['Allow', 'Forbid', 'Replace'].includes(cp)) errs.push(field.notSupported(`${path}.concurrencyPolicy`, cp, ['Allow', 'Forbid', 'Replace']));
  const jtPath = `${path}.jobTemplate`;
  const jtSpec: Obj = spec.jobTemplate?.spec ?? {};
  errs.push(...validateJobSpecCommon(jtSpec, `${jtPath}.spec`));
  if (jtSpec.selector != null) errs.push(field.invalid(`${jtPath}.spec.selector`, jtSpec.selector, '`selector` will be auto-generated'));
  if (jtSpec.manualSelector === true) errs.push(field.notSupported(`${jtPath}.spec.manualSelector`, true, ['nil', 'false']));
  errs.push(...nonNegative(spec.successfulJobsHistoryLimit, `${path}.successfulJobsHistoryLimit`));
  errs.push(...nonNegative(spec.failedJobsHistoryLimit, `${path}.failedJobsHistoryLimit`));
  return errs;
}

/** ValidateCronJobCreate */
export function validateCronJob(obj: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, true, nameIsDNSSubdomain);
  errs.push(...validateCronJobSpec(obj.spec ?? {}, undefined, 'spec'));
  const name = obj.metadata.name ?? '';
  if (name.length > 52) errs.push(field.invalid('metadata.name', name, 'must be no more than 52 characters'));
  return errs;
}

/** ValidateCronJobUpdate (no 52-character limit, so old long-named cronjobs stay editable). */
export function validateCronJobUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs = validateObjectMetaUpdate(obj.metadata, old.metadata);
  errs.push(...validateObjectMeta(obj.metadata, true, nameIsDNSSubdomain));
  errs.push(...validateCronJobSpec(obj.spec ?? {}, old.spec ?? {}, 'spec'));
  return errs;
}

/** printCronJob */
export function cronJobRow(obj: KubeObject, now = Date.now()): unknown[] {
  const spec: Obj = obj.spec ?? {};
  const last = obj.status?.lastScheduleTime ? since(obj.status.lastScheduleTime, now) : '<none>';
  const suspend = spec.suspend == null ? '<unset>' : spec.suspend ? 'True' : 'False';
  const jobSpec: Obj = spec.jobTemplate?.spec ?? {};
  const [names, images] = containerCells(jobSpec.template?.spec);
  return [
    obj.metadata.name,
    spec.schedule ?? '',
    spec.timeZone ?? '<none>',
    suspend,
    arr(obj.status?.active).length,
    last,
    ageOf(obj, now),
    names,
    images,
    formatLabelSelector(jobSpec.selector),
  ];
}

export const cronJobKind: KindDef = {
  group: 'batch',
  version: 'v1',
  kind: 'CronJob',
  plural: 'cronjobs',
  singular: 'cronjob',
  namespaced: true,
  shortNames: ['cj'],
  categories: ['all'],
  definition: 'io.k8s.api.batch.v1.CronJob',
  subresources: { status: true },
  columns: [
    NAME_COLUMN,
    col('Schedule', 'string', 'The cron schedule of the jobs.'),
    col('Timezone', 'string', 'The time zone the schedule is read in.'),
    col('Suspend', 'boolean', 'Whether new runs are held back.'),
    col('Active', 'integer', 'Jobs of this cronjob now running.'),
    col('Last Schedule', 'string', 'When a job was last scheduled.'),
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
    SELECTOR_COLUMN,
  ],
  strategy: {
    defaults: defaultCronJob,
    prepareForCreate(obj) {
      obj.status = {};
    },
    validate: validateCronJob,
    validateUpdate: validateCronJobUpdate,
    row: (obj) => cronJobRow(obj),
  },
};

export const batchKinds: KindDef[] = [cronJobKind, jobKind];
