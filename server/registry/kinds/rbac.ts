/**
 * rbac.authorization.k8s.io/v1: Role, ClusterRole, RoleBinding, ClusterRoleBinding.
 */
import { field } from '../../apiserver/errors.js';
import type { FieldError, KindDef, KubeObject } from '../types.js';
import { nameIsDNSSubdomain, nameIsPathSegment, validateLabelSelector, validateObjectMeta, validateObjectMetaUpdate } from '../validation.js';
import { CREATED_AT_COLUMN, createdAt } from './batch.js';
import { jsonEqual } from './core-common.js';
import { AGE_COLUMN, NAME_COLUMN, age as ageOf, col } from './printers.js';

type Obj = Record<string, any>;

const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);
const arr = <T = Obj>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);

export const RBAC_GROUP = 'rbac.authorization.k8s.io';

// ---- defaults -------------------------------------------------------------------------------------

/** SetDefaults_Subject */
function defaultSubjects(obj: KubeObject): void {
  for (const s of arr(obj.subjects)) {
    if (!isObj(s) || s.apiGroup) continue;
    if (s.kind === 'ServiceAccount') s.apiGroup = '';
    else if (s.kind === 'User' || s.kind === 'Group') s.apiGroup = RBAC_GROUP;
  }
}

/** SetDefaults_RoleBinding / SetDefaults_ClusterRoleBinding */
export function defaultBinding(obj: KubeObject): void {
  if (!isObj(obj.roleRef)) obj.roleRef = {};
  if (!obj.roleRef.apiGroup) obj.roleRef.apiGroup = RBAC_GROUP;
  defaultSubjects(obj);
}

// ---- validation -----------------------------------------------------------------------------------

/** ValidatePolicyRule */
function validatePolicyRule(rule: Obj, namespaced: boolean, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (arr(rule.verbs).length === 0) errs.push(field.required(`${path}.verbs`, 'verbs must contain at least one value'));
  const urls = arr<string>(rule.nonResourceURLs);
  if (urls.length > 0) {
    if (namespaced) errs.push(field.invalid(`${path}.nonResourceURLs`, urls, 'namespaced rules cannot apply to non-resource URLs'));
    if (arr(rule.apiGroups).length > 0 || arr(rule.resources).length > 0 || arr(rule.resourceNames).length > 0) {
      errs.push(field.invalid(`${path}.nonResourceURLs`, urls, 'rules cannot apply to both regular resources and non-resource URLs'));
    }
    return errs;
  }
  if (arr(rule.apiGroups).length === 0) errs.push(field.required(`${path}.apiGroups`, 'resource rules must supply at least one api group'));
  if (arr(rule.resources).length === 0) errs.push(field.required(`${path}.resources`, 'resource rules must supply at least one resource'));
  return errs;
}

export function validateRole(obj: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, true, nameIsPathSegment);
  arr(obj.rules).forEach((r, i) => errs.push(...validatePolicyRule(isObj(r) ? r : {}, true, `rules[${i}]`)));
  return errs;
}

export function validateClusterRole(obj: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, false, nameIsPathSegment);
  arr(obj.rules).forEach((r, i) => errs.push(...validatePolicyRule(isObj(r) ? r : {}, false, `rules[${i}]`)));
  if (obj.aggregationRule != null) {
    const selectors = arr(obj.aggregationRule?.clusterRoleSelectors);
    if (selectors.length === 0) {
      errs.push(field.required('aggregationRule.clusterRoleSelectors', 'at least one clusterRoleSelector required if aggregationRule is non-nil'));
    }
    selectors.forEach((s, i) => errs.push(...validateLabelSelector(s, `aggregationRule.clusterRoleSelectors[${i}]`)));
  }
  return errs;
}

/** ValidateRoleBindingSubject */
function validateSubject(s: Obj, namespaced: boolean, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const name = typeof s.name === 'string' ? s.name : '';
  if (name.length === 0) errs.push(field.required(`${path}.name`, ''));
  switch (s.kind) {
    case 'ServiceAccount':
      if (name.length > 0) for (const m of nameIsDNSSubdomain(name, false)) errs.push(field.invalid(`${path}.name`, name, m));
      if (s.apiGroup) errs.push(field.notSupported(`${path}.apiGroup`, s.apiGroup, ['']));
      if (!namespaced && !s.namespace) errs.push(field.required(`${path}.namespace`, ''));
      break;
    case 'User':
    case 'Group':
      if (s.apiGroup !== RBAC_GROUP) errs.push(field.notSupported(`${path}.apiGroup`, s.apiGroup ?? '', [RBAC_GROUP]));
      break;
    default:
      errs.push(field.notSupported(`${path}.kind`, s.kind ?? '', ['ServiceAccount', 'User', 'Group']));
  }
  return errs;
}

function validateBinding(obj: KubeObject, namespaced: boolean): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, namespaced, nameIsPathSegment);
  const ref: Obj = isObj(obj.roleRef) ? obj.roleRef : {};
  if (ref.apiGroup !== RBAC_GROUP) errs.push(field.notSupported('roleRef.apiGroup', ref.apiGroup ?? '', [RBAC_GROUP]));
  const kinds = namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole'];
  if (!kinds.includes(ref.kind)) errs.push(field.notSupported('roleRef.kind', ref.kind ?? '', kinds));
  if (!ref.name) errs.push(field.required('roleRef.name', ''));
  else for (const m of nameIsPathSegment(String(ref.name), false)) errs.push(field.invalid('roleRef.name', ref.name, m));
  arr(obj.subjects).forEach((s, i) => errs.push(...validateSubject(isObj(s) ? s : {}, namespaced, `subjects[${i}]`)));
  return errs;
}

export const validateRoleBinding = (obj: KubeObject): FieldError[] => validateBinding(obj, true);
export const validateClusterRoleBinding = (obj: KubeObject): FieldError[] => validateBinding(obj, false);

/** The roleRef of a binding never changes: rebinding means a new binding. */
function validateBindingUpdate(obj: KubeObject, old: KubeObject, namespaced: boolean): FieldError[] {
  const errs = validateBinding(obj, namespaced);
  errs.push(...validateObjectMetaUpdate(obj.metadata, old.metadata));
  if (!jsonEqual(obj.roleRef ?? {}, old.roleRef ?? {})) errs.push(field.invalid('roleRef', obj.roleRef ?? {}, 'cannot change roleRef'));
  return errs;
}

// ---- tables ---------------------------------------------------------------------------------------

/** SubjectsStrings: users, groups and service accounts (namespace/name). */
export function subjectsStrings(subjects: Obj[]): [string[], string[], string[]] {
  const users: string[] = [];
  const groups: string[] = [];
  const sas: string[] = [];
  for (const s of subjects) {
    if (s?.kind === 'ServiceAccount') sas.push(`${s.namespace ?? ''}/${s.name ?? ''}`);
    else if (s?.kind === 'User') users.push(s.name ?? '');
    else if (s?.kind === 'Group') groups.push(s.name ?? '');
  }
  return [users, groups, sas];
}

export function bindingRow(obj: KubeObject, now = Date.now()): unknown[] {
  const ref: Obj = obj.roleRef ?? {};
  const [users, groups, sas] = subjectsStrings(arr(obj.subjects));
  return [obj.metadata.name, `${ref.kind ?? ''}/${ref.name ?? ''}`, ageOf(obj, now), users.join(', '), groups.join(', '), sas.join(', ')];
}

function bindingColumns(what: string) {
  return [
    NAME_COLUMN,
    col('Role', 'string', 'The role the binding grants, as kind/name.'),
    AGE_COLUMN,
    col('Users', 'string', `Users in the ${what}.`, 1),
    col('Groups', 'string', `Groups in the ${what}.`, 1),
    col('ServiceAccounts', 'string', `ServiceAccounts in the ${what}.`, 1),
  ];
}

const createdAtRow = (obj: KubeObject): unknown[] => [obj.metadata.name, createdAt(obj)];

// ---- kinds ----------------------------------------------------------------------------------------

const base = { group: RBAC_GROUP, version: 'v1' };

export const roleKind: KindDef = {
  ...base,
  kind: 'Role',
  plural: 'roles',
  singular: 'role',
  namespaced: true,
  definition: 'io.k8s.api.rbac.v1.Role',
  columns: [NAME_COLUMN, CREATED_AT_COLUMN],
  strategy: {
    validate: validateRole,
    validateUpdate: (obj, old) => [...validateRole(obj), ...validateObjectMetaUpdate(obj.metadata, old.metadata)],
    row: createdAtRow,
  },
};

export const clusterRoleKind: KindDef = {
  ...base,
  kind: 'ClusterRole',
  plural: 'clusterroles',
  singular: 'clusterrole',
  namespaced: false,
  definition: 'io.k8s.api.rbac.v1.ClusterRole',
  columns: [NAME_COLUMN, CREATED_AT_COLUMN],
  strategy: {
    validate: validateClusterRole,
    validateUpdate: (obj, old) => [...validateClusterRole(obj), ...validateObjectMetaUpdate(obj.metadata, old.metadata)],
    row: createdAtRow,
  },
};

export const roleBindingKind: KindDef = {
  ...base,
  kind: 'RoleBinding',
  plural: 'rolebindings',
  singular: 'rolebinding',
  namespaced: true,
  definition: 'io.k8s.api.rbac.v1.RoleBinding',
  columns: bindingColumns('roleBinding'),
  strategy: {
    defaults: defaultBinding,
    validate: validateRoleBinding,
    validateUpdate: (obj, old) => validateBindingUpdate(obj, old, true),
    row: (obj) => bindingRow(obj),
  },
};

export const clusterRoleBindingKind: KindDef = {
  ...base,
  kind: 'ClusterRoleBinding',
  plural: 'clusterrolebindings',
  singular: 'clusterrolebinding',
  namespaced: false,
  definition: 'io.k8s.api.rbac.v1.ClusterRoleBinding',
  columns: bindingColumns('clusterRoleBinding'),
  strategy: {
    defaults: defaultBinding,
    validate: validateClusterRoleBinding,
    validateUpdate: (obj, old) => validateBindingUpdate(obj, old, false),
    row: (obj) => bindingRow(obj),
  },
};

export const rbacKinds: KindDef[] = [clusterRoleBindingKind, clusterRoleKind, roleBindingKind, roleKind];
