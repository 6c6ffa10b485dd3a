/**
 * coordination.k8s.io/v1: Lease.
 */
import { field } from '../../apiserver/errors.js';
import type { FieldError, KindDef, KubeObject } from '../types.js';
import { nameIsDNSSubdomain, validateObjectMeta, validateObjectMetaUpdate } from '../validation.js';
import { AGE_COLUMN, NAME_COLUMN, age as ageOf, col } from './printers.js';

type Obj = Record<string, any>;

/** ValidateLease */
export function validateLease(obj: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, true, nameIsDNSSubdomain);
  const spec: Obj = obj.spec ?? {};
  if (spec.leaseDurationSeconds != null && spec.leaseDurationSeconds <= 0) {
    errs.push(field.invalid('spec.leaseDurationSeconds', spec.leaseDurationSeconds, 'must be greater than 0'));
  }
  if (spec.leaseTransitions != null && spec.leaseTransitions < 0) {
    errs.push(field.invalid('spec.leaseTransitions', spec.leaseTransitions, 'must be greater than or equal to 0'));
  }
  return errs;
}

/** Coordinated leader election (strategy, preferredHolder) is off by default in v1.33. */
function dropDisabled(obj: KubeObject, old?: KubeObject): void {
  const spec = obj.spec;
  if (!spec || typeof spec !== 'object') return;
  for (const k of ['strategy', 'preferredHolder']) if (spec[k] !== undefined && old?.spec?.[k] === undefined) delete spec[k];
}

export const leaseKind: KindDef = {
  group: 'coordination.k8s.io',
  version: 'v1',
  kind: 'Lease',
  plural: 'leases',
  singular: 'lease',
  namespaced: true,
  definition: 'io.k8s.api.coordination.v1.Lease',
  columns: [NAME_COLUMN, col('Holder', 'string', 'The identity holding the lease.'), AGE_COLUMN],
  strategy: {
    prepareForCreate: (obj) => dropDisabled(obj),
    prepareForUpdate: (obj, old) => dropDisabled(obj, old),
    validate: validateLease,
    validateUpdate: (obj, old) => [...validateObjectMetaUpdate(obj.metadata, old.metadata), ...validateLease(obj)],
    row: (obj) => [obj.metadata.name, obj.spec?.holderIdentity ?? '', ageOf(obj)],
  },
};

export const coordinationKinds: KindDef[] = [leaseKind];
