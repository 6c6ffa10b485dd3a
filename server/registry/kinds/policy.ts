/**
 * policy/v1: PodDisruptionBudget.
 */
import { field } from '../../apiserver/errors.js';
import type { FieldError, KindDef, KubeObject } from '../types.js';
import { nameIsDNSSubdomain, validateLabelSelector, validateObjectMeta, validateObjectMetaUpdate } from '../validation.js';
import { AGE_COLUMN, NAME_COLUMN, age as ageOf, col } from './printers.js';

type Obj = Record<string, any>;

const POLICIES = ['AlwaysAllow', 'IfHealthyBudget'];

/** ValidatePositiveIntOrPercent and IsNotMoreThan100Percent (apps validation). */
export function validateIntOrPercent(v: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (typeof v === 'string') {
    if (!/^[0-9]+%$/.test(v)) {
      errs.push(field.invalid(path, v, "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"));
    } else if (Number(v.slice(0, -1)) > 100) {
      errs.push(field.invalid(path, v, 'must not be greater than 100%'));
    }
  } else if (typeof v === 'number') {
    if (v < 0) errs.push(field.invalid(path, v, 'must be greater than or equal to 0'));
  } else {
    errs.push(field.invalid(path, v, "must be an integer or percentage (e.g '5%')"));
  }
  return errs;
}

function validatePDBSpec(spec: Obj): FieldError[] {
  const errs: FieldError[] = [];
  if (spec.minAvailable != null && spec.maxUnavailable != null) errs.push(field.invalid('spec', spec, 'minAvailable and maxUnavailable cannot be both set'));
  if (spec.minAvailable != null) errs.push(...validateIntOrPercent(spec.minAvailable, 'spec.minAvailable'));
  if (spec.maxUnavailable != null) errs.push(...validateIntOrPercent(spec.maxUnavailable, 'spec.maxUnavailable'));
  errs.push(...validateLabelSelector(spec.selector, 'spec.selector'));
  if (spec.unhealthyPodEvictionPolicy != null && !POLICIES.includes(spec.unhealthyPodEvictionPolicy)) {
    errs.push(field.notSupported('spec.unhealthyPodEvictionPolicy', spec.unhealthyPodEvictionPolicy, POLICIES));
  }
  return errs;
}

export function validatePDB(obj: KubeObject): FieldError[] {
  return [...validateObjectMeta(obj.metadata, true, nameIsDNSSubdomain), ...validatePDBSpec(obj.spec ?? {})];
}

function intOrPercentText(v: unknown): string {
  return v == null ? 'N/A' : String(v);
}

export function pdbRow(obj: KubeObject, now = Date.now()): unknown[] {
  const spec: Obj = obj.spec ?? {};
  return [obj.metadata.name, intOrPercentText(spec.minAvailable), intOrPercentText(spec.maxUnavailable), Number(obj.status?.disruptionsAllowed ?? 0), ageOf(obj, now)];
}

export const pdbKind: KindDef = {
  group: 'policy',
  version: 'v1',
  kind: 'PodDisruptionBudget',
  plural: 'poddisruptionbudgets',
  singular: 'poddisruptionbudget',
  namespaced: true,
  shortNames: ['pdb'],
  definition: 'io.k8s.api.policy.v1.PodDisruptionBudget',
  subresources: { status: true },
  columns: [
    NAME_COLUMN,
    col('Min Available', 'string', 'Pods that must stay available.'),
    col('Max Unavailable', 'string', 'Pods that may be unavailable.'),
    col('Allowed Disruptions', 'integer', 'Evictions allowed right now.'),
    AGE_COLUMN,
  ],
  strategy: {
    prepareForCreate(obj) {
      // PodDisruptionBudgetStatus has no omitempty on its counters.
      obj.status = { currentHealthy: 0, desiredHealthy: 0, disruptionsAllowed: 0, expectedPods: 0 };
    },
    validate: validatePDB,
    validateUpdate: (obj, old) => [...validateObjectMetaUpdate(obj.metadata, old.metadata), ...validatePDB(obj)],
    row: (obj) => pdbRow(obj),
  },
};

export const policyKinds: KindDef[] = [pdbKind];
