/**
 * node.k8s.io/v1: RuntimeClass. Stored; Skiff's simulated kubelets accept any handler.
 */
import { field } from '../../apiserver/errors.js';
import type { FieldError, KindDef, KubeObject } from '../types.js';
import { isDNS1123Label, nameIsDNSSubdomain, validateLabels, validateObjectMeta, validateObjectMetaUpdate } from '../validation.js';
import { immutable } from './core-common.js';
import { AGE_COLUMN, NAME_COLUMN, age as ageOf, col } from './printers.js';

/** ValidateRuntimeClass */
export function validateRuntimeClass(obj: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, false, nameIsDNSSubdomain);
  const handler = typeof obj.handler === 'string' ? obj.handler : '';
  if (handler === '') errs.push(field.required('handler'));
  else for (const m of isDNS1123Label(handler)) errs.push(field.invalid('handler', handler, m));
  const nodeSelector = obj.scheduling?.nodeSelector;
  if (nodeSelector && typeof nodeSelector === 'object') errs.push(...validateLabels(nodeSelector, 'scheduling.nodeSelector'));
  return errs;
}

/** ValidateRuntimeClassUpdate: the handler is fixed once set. */
export function validateRuntimeClassUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  return [...validateObjectMetaUpdate(obj.metadata, old.metadata), ...validateRuntimeClass(obj), ...immutable(obj.handler, old.handler, 'handler')];
}

export function runtimeClassRow(obj: KubeObject, now = Date.now()): unknown[] {
  return [obj.metadata.name, obj.handler ?? '', ageOf(obj, now)];
}

export const runtimeClassKind: KindDef = {
  group: 'node.k8s.io',
  version: 'v1',
  kind: 'RuntimeClass',
  plural: 'runtimeclasses',
  singular: 'runtimeclass',
  namespaced: false,
  definition: 'io.k8s.api.node.v1.RuntimeClass',
  columns: [NAME_COLUMN, col('Handler', 'string', 'The container runtime configuration that runs pods of this class.'), AGE_COLUMN],
  strategy: {
    validate: validateRuntimeClass,
    validateUpdate: validateRuntimeClassUpdate,
    row: (obj) => runtimeClassRow(obj),
  },
};

export const nodeKinds: KindDef[] = [runtimeClassKind];
