/**
 * admissionregistration.k8s.io/v1: ValidatingWebhookConfiguration, MutatingWebhookConfiguration,
 * ValidatingAdmissionPolicy and ValidatingAdmissionPolicyBinding.
 *
 * Stored only: Skiff never calls the webhooks these configurations name, and never evaluates the
 * CEL expressions of admission policies. The objects get upstream's defaults and the structural
 * part of its validation (names, required fields, enumerations), so manifests that a real cluster
 * accepts are accepted here and read back the same.
 */
import { field } from '../../apiserver/errors.js';
import type { FieldError, KindDef, KubeObject } from '../types.js';
import { formatLabelSelector, isDNS1123Subdomain, nameIsDNSSubdomain, validateLabelSelector, validateObjectMeta, validateObjectMetaUpdate } from '../validation.js';
import { AGE_COLUMN, NAME_COLUMN, age as ageOf, col } from './printers.js';

type Obj = Record<string, any>;
const GROUP = 'admissionregistration.k8s.io';
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);
const arr = (v: unknown): any[] => (Array.isArray(v) ? v : []);

// ---- defaults ---------------------------------------------------------------------------------

/** SetDefaults_Rule (through RuleWithOperations / NamedRuleWithOperations): scope "*". */
function defaultRules(rules: unknown): void {
  for (const r of arr(rules)) if (isObj(r) && r.scope == null) r.scope = '*';
}

/** SetDefaults_ServiceReference: port 443. */
function defaultClientConfig(cc: unknown): void {
  if (isObj(cc) && isObj(cc.service) && cc.service.port == null) cc.service.port = 443;
}

/** SetDefaults_ValidatingWebhook / SetDefaults_MutatingWebhook */
function defaultWebhook(hook: Obj, mutating: boolean): void {
  hook.failurePolicy ??= 'Fail';
  hook.matchPolicy ??= 'Equivalent';
  hook.namespaceSelector ??= {};
  hook.objectSelector ??= {};
  hook.timeoutSeconds ??= 10;
  if (mutating) hook.reinvocationPolicy ??= 'Never';
  defaultRules(hook.rules);
  defaultClientConfig(hook.clientConfig);
}

export function defaultWebhookConfiguration(obj: KubeObject, mutating: boolean): void {
  for (const h of arr(obj.webhooks)) if (isObj(h)) defaultWebhook(h, mutating);
}

/** SetDefaults_MatchResources */
function defaultMatchResources(m: unknown): void {
  if (!isObj(m)) return;
  m.matchPolicy ??= 'Equivalent';
  m.namespaceSelector ??= {};
  m.objectSelector ??= {};
  defaultRules(m.resourceRules);
  defaultRules(m.excludeResourceRules);
}

export function defaultValidatingAdmissionPolicy(obj: KubeObject): void {
  if (!isObj(obj.spec)) return;
  obj.spec.failurePolicy ??= 'Fail';
  defaultMatchResources(obj.spec.matchConstraints);
}

export function defaultValidatingAdmissionPolicyBinding(obj: KubeObject): void {
  if (isObj(obj.spec)) defaultMatchResources(obj.spec.matchResources);
}

// ---- validation -------------------------------------------------------------------------------

/** utilvalidation.IsFullyQualifiedName */
function fullyQualifiedName(path: string, name: unknown): FieldError[] {
  let n = typeof name === 'string' ? name : '';
  if (!n) return [field.required(path)];
  if (n.endsWith('.')) n = n.slice(0, -1);
  const errs = isDNS1123Subdomain(n);
  if (errs.length) return [field.invalid(path, n, errs.join(','))];
  if (n.split('.').length < 3) return [field.invalid(path, n, 'should be a domain with at least three segments separated by dots')];
  return [];
}

function oneOf(errs: FieldError[], path: string, value: unknown, supported: string[]): void {
  if (value != null && !supported.includes(String(value))) errs.push(field.notSupported(path, value, supported));
}

const REVIEW_VERSIONS = ['v1', 'v1beta1'];

function validateWebhook(hook: Obj, path: string, mutating: boolean): FieldError[] {
  const errs = fullyQualifiedName(`${path}.name`, hook.name);
  for (const [i, r] of arr(hook.rules).entries()) {
    const rp = `${path}.rules[${i}]`;
    if (!isObj(r)) continue;
    if (arr(r.operations).length === 0) errs.push(field.required(`${rp}.operations`));
    if (arr(r.apiGroups).length === 0) errs.push(field.required(`${rp}.apiGroups`));
    if (arr(r.apiVersions).length === 0) errs.push(field.required(`${rp}.apiVersions`));
    if (arr(r.resources).length === 0) errs.push(field.required(`${rp}.resources`));
    oneOf(errs, `${rp}.scope`, r.scope, ['*', 'Cluster', 'Namespaced']);
  }
  oneOf(errs, `${path}.failurePolicy`, hook.failurePolicy, ['Fail', 'Ignore']);
  oneOf(errs, `${path}.matchPolicy`, hook.matchPolicy, ['Equivalent', 'Exact']);
  if (hook.sideEffects == null || hook.sideEffects === '') {
    errs.push(field.required(`${path}.sideEffects`, 'must specify one of None, NoneOnDryRun'));
  } else {
    oneOf(errs, `${path}.sideEffects`, hook.sideEffects, ['None', 'NoneOnDryRun']);
  }
  if (hook.timeoutSeconds != null && (hook.timeoutSeconds < 1 || hook.timeoutSeconds > 30)) {
    errs.push(field.invalid(`${path}.timeoutSeconds`, hook.timeoutSeconds, 'the timeout value must be between 1 and 30 seconds'));
  }
  const versions = arr(hook.admissionReviewVersions);
  if (versions.length === 0) {
    errs.push(field.required(`${path}.admissionReviewVersions`, `must specify one of ${REVIEW_VERSIONS.join(', ')}`));
  } else {
    const seen = new Set<string>();
    for (const [i, v] of versions.entries()) {
      if (seen.has(v)) errs.push(field.duplicate(`${path}.admissionReviewVersions[${i}]`, v));
      seen.add(v);
    }
    if (!versions.some((v) => REVIEW_VERSIONS.includes(v))) {
      errs.push(field.invalid(`${path}.admissionReviewVersions`, versions, `must include at least one of ${REVIEW_VERSIONS.join(', ')}`));
    }
  }
  const cc: Obj = isObj(hook.clientConfig) ? hook.clientConfig : {};
  const hasURL = typeof cc.url === 'string' && cc.url !== '';
  const hasService = isObj(cc.service);
  if (hasURL === hasService) errs.push(field.required(`${path}.clientConfig`, 'exactly one of url or service is required'));
  if (hasService) {
    if (!cc.service.name) errs.push(field.required(`${path}.clientConfig.service.name`, 'service name is required'));
    if (!cc.service.namespace) errs.push(field.required(`${path}.clientConfig.service.namespace`, 'service namespace is required'));
    const port = cc.service.port;
    if (port != null && (port < 1 || port > 65535)) errs.push(field.invalid(`${path}.clientConfig.service.port`, port, 'port is not valid: must be between 1 and 65535, inclusive'));
  }
  if (hook.namespaceSelector != null) errs.push(...validateLabelSelector(hook.namespaceSelector, `${path}.namespaceSelector`));
  if (hook.objectSelector != null) errs.push(...validateLabelSelector(hook.objectSelector, `${path}.objectSelector`));
  if (mutating) oneOf(errs, `${path}.reinvocationPolicy`, hook.reinvocationPolicy, ['Never', 'IfNeeded']);
  return errs;
}

/** ValidateValidatingWebhookConfiguration / ValidateMutatingWebhookConfiguration */
export function validateWebhookConfiguration(obj: KubeObject, mutating: boolean): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, false, nameIsDNSSubdomain);
  const seen = new Set<string>();
  for (const [i, h] of arr(obj.webhooks).entries()) {
    const path = `webhooks[${i}]`;
    if (!isObj(h)) {
      errs.push(field.required(path));
      continue;
    }
    errs.push(...validateWebhook(h, path, mutating));
    if (typeof h.name === 'string' && h.name) {
      if (seen.has(h.name)) errs.push(field.duplicate(`${path}.name`, h.name));
      seen.add(h.name);
    }
  }
  return errs;
}

/** ValidateValidatingAdmissionPolicy, minus CEL compilation and type checking. */
export function validateValidatingAdmissionPolicy(obj: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, false, nameIsDNSSubdomain);
  const spec: Obj = isObj(obj.spec) ? obj.spec : {};
  oneOf(errs, 'spec.failurePolicy', spec.failurePolicy, ['Fail', 'Ignore']);
  if (!isObj(spec.matchConstraints)) {
    errs.push(field.required('spec.matchConstraints'));
  } else if (arr(spec.matchConstraints.resourceRules).length === 0) {
    errs.push(field.required('spec.matchConstraints.resourceRules'));
  }
  if (isObj(spec.paramKind)) {
    if (!spec.paramKind.apiVersion) errs.push(field.required('spec.paramKind.apiVersion'));
    if (!spec.paramKind.kind) errs.push(field.required('spec.paramKind.kind'));
  }
  const validations = arr(spec.validations);
  if (validations.length === 0 && arr(spec.auditAnnotations).length === 0) {
    errs.push(field.required('spec.validations', 'validations or auditAnnotations must contain at least one item'));
  }
  for (const [i, v] of validations.entries()) {
    if (!isObj(v) || typeof v.expression !== 'string' || v.expression.trim() === '') errs.push(field.required(`spec.validations[${i}].expression`));
  }
  return errs;
}

const VALIDATION_ACTIONS = ['Audit', 'Deny', 'Warn'];

/** ValidateValidatingAdmissionPolicyBinding */
export function validateValidatingAdmissionPolicyBinding(obj: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, false, nameIsDNSSubdomain);
  const spec: Obj = isObj(obj.spec) ? obj.spec : {};
  if (!spec.policyName) errs.push(field.required('spec.policyName'));
  const actions = arr(spec.validationActions);
  if (actions.length === 0) errs.push(field.required('spec.validationActions', 'at least one validation action is required'));
  const seen = new Set<string>();
  for (const [i, a] of actions.entries()) {
    const p = `spec.validationActions[${i}]`;
    if (seen.has(a)) errs.push(field.duplicate(p, a));
    seen.add(a);
    oneOf(errs, p, a, VALIDATION_ACTIONS);
  }
  if (actions.includes('Deny') && actions.includes('Warn')) {
    errs.push(field.invalid('spec.validationActions', actions, 'must not contain both Deny and Warn (repeating the same validation failure information in the API response and headers serves no purpose)'));
  }
  if (isObj(spec.paramRef)) {
    const pr = spec.paramRef;
    if (pr.name && pr.selector != null) errs.push(field.forbidden('spec.paramRef.name', 'name and selector are mutually exclusive'));
    if (!pr.name && pr.selector == null) errs.push(field.required('spec.paramRef', 'one of name or selector must be specified'));
    if (pr.parameterNotFoundAction == null) errs.push(field.required('spec.paramRef.parameterNotFoundAction'));
    else oneOf(errs, 'spec.paramRef.parameterNotFoundAction', pr.parameterNotFoundAction, ['Allow', 'Deny']);
  }
  return errs;
}

// ---- rows -------------------------------------------------------------------------------------

export function webhookConfigurationRow(obj: KubeObject, now = Date.now()): unknown[] {
  return [obj.metadata.name, arr(obj.webhooks).length, ageOf(obj, now)];
}

export function validatingAdmissionPolicyRow(obj: KubeObject, now = Date.now()): unknown[] {
  const pk = obj.spec?.paramKind;
  const paramKind = isObj(pk) ? `${pk.apiVersion ?? ''}/${pk.kind ?? ''}` : '<unset>';
  return [obj.metadata.name, arr(obj.spec?.validations).length, paramKind, ageOf(obj, now)];
}

export function validatingAdmissionPolicyBindingRow(obj: KubeObject, now = Date.now()): unknown[] {
  const pr = obj.spec?.paramRef;
  let param = '<unset>';
  if (isObj(pr)) {
    if (pr.name) param = pr.namespace ? `${pr.namespace}/${pr.name}` : `*/${pr.name}`;
    else if (pr.selector != null) param = formatLabelSelector(pr.selector);
  }
  return [obj.metadata.name, obj.spec?.policyName ?? '', param, ageOf(obj, now)];
}

// ---- kinds ------------------------------------------------------------------------------------

const WEBHOOKS_COLUMN = col('Webhooks', 'integer', 'How many webhooks the configuration lists.');

function webhookConfigurationKind(mutating: boolean): KindDef {
  const kind = mutating ? 'MutatingWebhookConfiguration' : 'ValidatingWebhookConfiguration';
  const validate = (obj: KubeObject) => validateWebhookConfiguration(obj, mutating);
  return {
    group: GROUP,
    version: 'v1',
    kind,
    plural: `${kind.toLowerCase()}s`,
    singular: kind.toLowerCase(),
    namespaced: false,
    categories: ['api-extensions'],
    definition: `io.k8s.api.admissionregistration.v1.${kind}`,
    columns: [NAME_COLUMN, WEBHOOKS_COLUMN, AGE_COLUMN],
    strategy: {
      defaults: (obj) => defaultWebhookConfiguration(obj, mutating),
      validate,
      validateUpdate: (obj, old) => [...validateObjectMetaUpdate(obj.metadata, old.metadata), ...validate(obj)],
      row: (obj) => webhookConfigurationRow(obj),
    },
  };
}

export const validatingWebhookConfigurationKind = webhookConfigurationKind(false);
export const mutatingWebhookConfigurationKind = webhookConfigurationKind(true);

export const validatingAdmissionPolicyKind: KindDef = {
  group: GROUP,
  version: 'v1',
  kind: 'ValidatingAdmissionPolicy',
  plural: 'validatingadmissionpolicies',
  singular: 'validatingadmissionpolicy',
  namespaced: false,
  categories: ['api-extensions'],
  definition: 'io.k8s.api.admissionregistration.v1.ValidatingAdmissionPolicy',
  subresources: { status: true },
  columns: [
    NAME_COLUMN,
    col('Validations', 'integer', 'How many validation expressions the policy has.'),
    col('ParamKind', 'string', 'The kind of object that parameterises the policy.'),
    AGE_COLUMN,
  ],
  strategy: {
    defaults: defaultValidatingAdmissionPolicy,
    validate: validateValidatingAdmissionPolicy,
    validateUpdate: (obj, old) => [...validateObjectMetaUpdate(obj.metadata, old.metadata), ...validateValidatingAdmissionPolicy(obj)],
    row: (obj) => validatingAdmissionPolicyRow(obj),
  },
};

export const validatingAdmissionPolicyBindingKind: KindDef = {
  group: GROUP,
  version: 'v1',
  kind: 'ValidatingAdmissionPolicyBinding',
  plural: 'validatingadmissionpolicybindings',
  singular: 'validatingadmissionpolicybinding',
  namespaced: false,
  categories: ['api-extensions'],
  definition: 'io.k8s.api.admissionregistration.v1.ValidatingAdmissionPolicyBinding',
  columns: [
    NAME_COLUMN,
    col('PolicyName', 'string', 'The policy the binding applies.'),
    col('ParamRef', 'string', 'The parameter object or selector the binding passes to the policy.'),
    AGE_COLUMN,
  ],
  strategy: {
    defaults: defaultValidatingAdmissionPolicyBinding,
    validate: validateValidatingAdmissionPolicyBinding,
    validateUpdate: (obj, old) => [...validateObjectMetaUpdate(obj.metadata, old.metadata), ...validateValidatingAdmissionPolicyBinding(obj)],
    row: (obj) => validatingAdmissionPolicyBindingRow(obj),
  },
};

export const admissionregistrationKinds: KindDef[] = [
  mutatingWebhookConfigurationKind,
  validatingAdmissionPolicyKind,
  validatingAdmissionPolicyBindingKind,
  validatingWebhookConfigurationKind,
];
