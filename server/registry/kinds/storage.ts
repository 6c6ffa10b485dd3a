/**
 * storage.k8s.io/v1: StorageClass.
 */
import { field } from '../../apiserver/errors.js';
import type { FieldError, KindDef, KubeObject } from '../types.js';
import { isQualifiedName, nameIsDNSSubdomain, validateLabelName, validateObjectMeta, validateObjectMetaUpdate } from '../validation.js';
import { immutable, jsonEqual } from './core-common.js';
import { AGE_COLUMN, NAME_COLUMN, age as ageOf, col } from './printers.js';

type Obj = Record<string, any>;

const arr = <T = Obj>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);

export const DEFAULT_CLASS_ANNOTATION = 'storageclass.kubernetes.io/is-default-class';
export const BETA_DEFAULT_CLASS_ANNOTATION = 'storageclass.beta.kubernetes.io/is-default-class';

/** SetDefaults_StorageClass */
export function defaultStorageClass(obj: KubeObject): void {
  if (obj.reclaimPolicy == null) obj.reclaimPolicy = 'Delete';
  if (obj.volumeBindingMode == null) obj.volumeBindingMode = 'Immediate';
}

function validateTopologies(terms: Obj[]): FieldError[] {
  const errs: FieldError[] = [];
  const seen: string[] = [];
  terms.forEach((term, i) => {
    const tp = `allowedTopologies[${i}]`;
    const exprMap: Record<string, string[]> = {};
    arr(term?.matchLabelExpressions).forEach((req, j) => {
      const rp = `${tp}.matchLabelExpressions[${j}]`;
      const values = arr<string>(req?.values);
      if (values.length === 0) errs.push(field.required(`${rp}.values`, 'must specify as least one value'));
      const set = new Set<string>();
      for (const v of values) {
        if (set.has(v)) errs.push(field.duplicate(`${rp}.values`, v));
        set.add(v);
      }
      errs.push(...validateLabelName(String(req?.key ?? ''), `${rp}.key`));
      if (req?.key in exprMap) errs.push(field.duplicate(`${rp}.key`, req.key));
      exprMap[req?.key] = [...set].sort();
    });
    const canon = JSON.stringify(Object.keys(exprMap).sort().map((k) => [k, exprMap[k]]));
    if (seen.includes(canon)) errs.push(field.duplicate(`${tp}.matchLabelExpressions`, ''));
    seen.push(canon);
  });
  return errs;
}

/** ValidateStorageClass */
export function validateStorageClass(obj: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, false, nameIsDNSSubdomain);
  const provisioner = typeof obj.provisioner === 'string' ? obj.provisioner : '';
  if (provisioner.length === 0) errs.push(field.required('provisioner', ''));
  else for (const m of isQualifiedName(provisioner.toLowerCase())) errs.push(field.invalid('provisioner', provisioner.toLowerCase(), m));
  const params: Record<string, unknown> = obj.parameters ?? {};
  const keys = Object.keys(params);
  if (keys.length > 512) errs.push(field.tooLong('parameters', 512));
  else {
    let size = 0;
    for (const k of keys) {
      if (k.length < 1) errs.push(field.invalid('parameters', k, 'field can not be empty.'));
      size += k.length + String(params[k] ?? '').length;
    }
    if (size > 256 * 1024) errs.push(field.tooLong('parameters', 256 * 1024));
  }
  if (obj.reclaimPolicy != null && obj.reclaimPolicy !== '' && !['Delete', 'Retain'].includes(obj.reclaimPolicy)) {
    errs.push(field.notSupported('reclaimPolicy', obj.reclaimPolicy, ['Delete', 'Retain']));
  }
  if (obj.volumeBindingMode == null) errs.push(field.required('volumeBindingMode', ''));
  else if (!['Immediate', 'WaitForFirstConsumer'].includes(obj.volumeBindingMode)) {
    errs.push(field.notSupported('volumeBindingMode', obj.volumeBindingMode, ['Immediate', 'WaitForFirstConsumer']));
  }
  errs.push(...validateTopologies(arr(obj.allowedTopologies)));
  return errs;
}

/** ValidateStorageClassUpdate: parameters, provisioner, reclaim policy and binding mode are fixed. */
export function validateStorageClassUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs = validateStorageClass(obj);
  errs.push(...validateObjectMetaUpdate(obj.metadata, old.metadata));
  if (!jsonEqual(obj.parameters ?? {}, old.parameters ?? {})) errs.push(field.forbidden('parameters', 'updates to parameters are forbidden.'));
  if ((obj.provisioner ?? '') !== (old.provisioner ?? '')) errs.push(field.forbidden('provisioner', 'updates to provisioner are forbidden.'));
  if (obj.reclaimPolicy !== old.reclaimPolicy) errs.push(field.forbidden('reclaimPolicy', 'updates to reclaimPolicy are forbidden.'));
  errs.push(...immutable(obj.volumeBindingMode, old.volumeBindingMode, 'volumeBindingMode'));
  return errs;
}

export function isDefaultClass(obj: KubeObject): boolean {
  const a = obj.metadata.annotations ?? {};
  return a[DEFAULT_CLASS_ANNOTATION] === 'true' || a[BETA_DEFAULT_CLASS_ANNOTATION] === 'true';
}

export function storageClassRow(obj: KubeObject, now = Date.now()): unknown[] {
  return [
    isDefaultClass(obj) ? `${obj.metadata.name} (default)` : obj.metadata.name,
    obj.provisioner ?? '',
    obj.reclaimPolicy ?? 'Delete',
    obj.volumeBindingMode ?? 'Immediate',
    obj.allowVolumeExpansion === true,
    ageOf(obj, now),
  ];
}

export const storageClassKind: KindDef = {
  group: 'storage.k8s.io',
  version: 'v1',
  kind: 'StorageClass',
  plural: 'storageclasses',
  singular: 'storageclass',
  namespaced: false,
  shortNames: ['sc'],
  definition: 'io.k8s.api.storage.v1.StorageClass',
  columns: [
    NAME_COLUMN,
    col('Provisioner', 'string', 'The volume plugin that provisions volumes of this class.'),
    col('ReclaimPolicy', 'string', 'What happens to a released volume.'),
    col('VolumeBindingMode', 'string', 'When volumes are bound and provisioned.'),
    col('AllowVolumeExpansion', 'string', 'Whether volumes of this class may grow.'),
    AGE_COLUMN,
  ],
  strategy: {
    defaults: defaultStorageClass,
    validate: validateStorageClass,
    validateUpdate: validateStorageClassUpdate,
    row: (obj) => storageClassRow(obj),
  },
};

export const storageKinds: KindDef[] = [storageClassKind];
