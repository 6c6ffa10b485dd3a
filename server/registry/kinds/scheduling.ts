/**
 * scheduling.k8s.io/v1: PriorityClass.
 */
import { field } from '../../apiserver/errors.js';
import type { FieldError, KindDef, KubeObject } from '../types.js';
import { nameIsDNSSubdomain, validateObjectMeta, validateObjectMetaUpdate } from '../validation.js';
import { immutable } from './core-common.js';
import { AGE_COLUMN, NAME_COLUMN, age as ageOf, col } from './printers.js';

export const HIGHEST_USER_DEFINABLE_PRIORITY = 1000000000;
export const SYSTEM_PRIORITY_CLASS_PREFIX = 'system-';
/** The system classes the API server creates, with their fixed values. */
export const SYSTEM_PRIORITY_CLASSES: Record<string, number> = {
  'system-node-critical': 2000001000,
  'system-cluster-critical': 2000000000,
};

/** SetDefaults_PriorityClass */
export function defaultPriorityClass(obj: KubeObject): void {
  if (obj.preemptionPolicy == null) obj.preemptionPolicy = 'PreemptLowerPriority';
}

/** IsKnownSystemPriorityClass: the error text, or undefined for a known system class. */
function systemClassError(name: string, value: number, globalDefault: boolean): string | undefined {
  if (!(name in SYSTEM_PRIORITY_CLASSES)) return `${name} is not a known system priority class`;
  if (SYSTEM_PRIORITY_CLASSES[name] !== value) return `value of ${name} PriorityClass must be ${SYSTEM_PRIORITY_CLASSES[name]}`;
  if (globalDefault) return `globalDefault of ${name} PriorityClass must be false`;
  return undefined;
}

/** ValidatePriorityClass */
export function validatePriorityClass(obj: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, false, nameIsDNSSubdomain);
  const name = obj.metadata.name ?? '';
  const value = Number(obj.value ?? 0);
  if (name.startsWith(SYSTEM_PRIORITY_CLASS_PREFIX)) {
    const err = systemClassError(name, value, obj.globalDefault === true);
    if (err) errs.push(field.forbidden('metadata.name', `priority class names with '${SYSTEM_PRIORITY_CLASS_PREFIX}' prefix are reserved for system use only. error: ${err}`));
  } else if (value > HIGHEST_USER_DEFINABLE_PRIORITY) {
    errs.push(field.forbidden('value', `maximum allowed value of a user defined priority is ${HIGHEST_USER_DEFINABLE_PRIORITY}`));
  }
  if (obj.preemptionPolicy != null && obj.preemptionPolicy !== 'PreemptLowerPriority' && obj.preemptionPolicy !== 'Never') {
    errs.push(field.notSupported('preemptionPolicy', obj.preemptionPolicy, ['PreemptLowerPriority', 'Never']));
  }
  return errs;
}

/** ValidatePriorityClassUpdate: value and preemptionPolicy are fixed. */
export function validatePriorityClassUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs = validateObjectMetaUpdate(obj.metadata, old.metadata);
  errs.push(...validateObjectMeta(obj.metadata, false, nameIsDNSSubdomain));
  if (Number(obj.value ?? 0) !== Number(old.value ?? 0)) errs.push(field.forbidden('value', 'may not be changed in an update.'));
  errs.push(...immutable(obj.preemptionPolicy, old.preemptionPolicy, 'preemptionPolicy'));
  return errs;
}

export function priorityClassRow(obj: KubeObject, now = Date.now()): unknown[] {
  return [obj.metadata.name, Number(obj.value ?? 0), obj.globalDefault === true, ageOf(obj, now), obj.preemptionPolicy ?? ''];
}

export const priorityClassKind: KindDef = {
  group: 'scheduling.k8s.io',
  version: 'v1',
  kind: 'PriorityClass',
  plural: 'priorityclasses',
  singular: 'priorityclass',
  namespaced: false,
  shortNames: ['pc'],
  definition: 'io.k8s.api.scheduling.v1.PriorityClass',
  columns: [
    NAME_COLUMN,
    col('Value', 'integer', 'The priority pods of this class get.'),
    col('Global-Default', 'boolean', 'Whether pods without a class get this one.'),
    AGE_COLUMN,
    col('PreemptionPolicy', 'string', 'Whether pods of this class preempt lower-priority pods.'),
  ],
  strategy: {
    defaults: defaultPriorityClass,
    validate: validatePriorityClass,
    validateUpdate: validatePriorityClassUpdate,
    row: (obj) => priorityClassRow(obj),
  },
};

export const schedulingKinds: KindDef[] = [priorityClassKind];
