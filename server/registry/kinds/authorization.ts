/**
 * authorization.k8s.io/v1: SubjectAccessReview, SelfSubjectAccessReview, LocalSubjectAccessReview
 * and SelfSubjectRulesReview. All are create-only and answered on the spot, never stored.
 *
 * Skiff does not enforce authorization: any user who authenticates may do anything, RBAC objects
 * are stored but not consulted. So every access review is allowed, and a rules review lists the
 * wildcard rules, which is the truth about this server. `kubectl auth can-i` therefore says yes.
 */
import { badRequest, field } from '../../apiserver/errors.js';
import type { FieldError, KindDef, KubeObject } from '../types.js';
import { NAME_COLUMN } from './printers.js';

type Obj = Record<string, any>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);
const GROUP = 'authorization.k8s.io';

export const ALLOWED_REASON = 'Skiff does not enforce authorization: every authenticated user may perform every action';

/** The attribute rules shared by all access reviews (ValidateSelfSubjectAccessReviewSpec). */
function validateAttributes(spec: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const hasRes = spec.resourceAttributes != null;
  const hasNonRes = spec.nonResourceAttributes != null;
  if (hasRes && hasNonRes) errs.push(field.invalid('spec.nonResourceAttributes', spec.nonResourceAttributes, 'cannot be specified in combination with resourceAttributes'));
  if (!hasRes && !hasNonRes) errs.push(field.invalid('spec.resourceAttributes', null, 'exactly one of nonResourceAttributes or resourceAttributes must be specified'));
  return errs;
}

/** ValidateSubjectAccessReview: the subject must be named. */
export function validateSubjectAccessReview(obj: KubeObject): FieldError[] {
  const spec: Obj = isObj(obj.spec) ? obj.spec : {};
  const errs = validateAttributes(spec);
  if (!spec.user && !(Array.isArray(spec.groups) && spec.groups.length)) {
    errs.push(field.invalid('spec.user', spec.user ?? '', 'at least one of user or group must be specified'));
  }
  return errs;
}

export function validateSelfSubjectAccessReview(obj: KubeObject): FieldError[] {
  return validateAttributes(isObj(obj.spec) ? obj.spec : {});
}

/** ValidateLocalSubjectAccessReview: resource attributes only, in the request's namespace. */
export function validateLocalSubjectAccessReview(obj: KubeObject): FieldError[] {
  const spec: Obj = isObj(obj.spec) ? obj.spec : {};
  const errs = validateSubjectAccessReview(obj);
  if (spec.nonResourceAttributes != null) errs.push(field.invalid('spec.nonResourceAttributes', spec.nonResourceAttributes, 'disallowed on this kind of request'));
  return errs;
}

function allowed(obj: KubeObject): KubeObject {
  return { ...obj, status: { allowed: true, reason: ALLOWED_REASON } };
}

export function answerLocalSubjectAccessReview(obj: KubeObject): KubeObject {
  const ns = obj.metadata?.namespace;
  const ra = obj.spec?.resourceAttributes;
  // The URL's namespace is in metadata when the client sent it there; the attributes must agree.
  if (ns && isObj(ra) && (ra.namespace ?? '') !== ns) {
    throw badRequest(`spec.resourceAttributes.namespace must match namespace: ${ns}`);
  }
  return allowed(obj);
}

export function answerSelfSubjectRulesReview(obj: KubeObject): KubeObject {
  if (!obj.spec?.namespace) throw badRequest('no namespace on request');
  return {
    ...obj,
    status: {
      resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
      nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
      incomplete: false,
    },
  };
}

function reviewKind(kind: string, namespaced: boolean, validate: ((obj: KubeObject) => FieldError[]) | undefined, create: (obj: KubeObject) => KubeObject): KindDef {
  return {
    group: GROUP,
    version: 'v1',
    kind,
    plural: `${kind.toLowerCase()}s`,
    singular: kind.toLowerCase(),
    namespaced,
    definition: `io.k8s.api.authorization.v1.${kind}`,
    verbs: ['create'],
    columns: [NAME_COLUMN],
    strategy: { validate, row: (obj) => [obj.metadata.name ?? ''] },
    virtual: { create },
  };
}

export const localSubjectAccessReviewKind = reviewKind('LocalSubjectAccessReview', true, validateLocalSubjectAccessReview, answerLocalSubjectAccessReview);
export const selfSubjectAccessReviewKind = reviewKind('SelfSubjectAccessReview', false, validateSelfSubjectAccessReview, allowed);
export const selfSubjectRulesReviewKind = reviewKind('SelfSubjectRulesReview', false, undefined, answerSelfSubjectRulesReview);
export const subjectAccessReviewKind = reviewKind('SubjectAccessReview', false, validateSubjectAccessReview, allowed);

export const authorizationKinds: KindDef[] = [localSubjectAccessReviewKind, selfSubjectAccessReviewKind, selfSubjectRulesReviewKind, subjectAccessReviewKind];
