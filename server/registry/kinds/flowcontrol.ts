/**
 * flowcontrol.apiserver.k8s.io/v1: FlowSchema and PriorityLevelConfiguration.
 *
 * Stored only: Skiff does not do API priority and fairness, so these objects classify nothing and
 * no controller maintains their status conditions. Upstream's defaults and the structural part of
 * its validation apply.
 */
import { field } from '../../apiserver/errors.js';
import type { FieldError, KindDef, KubeObject } from '../types.js';
import { inclusiveRangeError, nameIsDNSSubdomain, validateObjectMeta, validateObjectMetaUpdate } from '../validation.js';
import { AGE_COLUMN, NAME_COLUMN, age as ageOf, col } from './printers.js';

type Obj = Record<string, any>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);
const arr = (v: unknown): any[] => (Array.isArray(v) ? v : []);
const GROUP = 'flowcontrol.apiserver.k8s.io';

// ---- FlowSchema -------------------------------------------------------------------------------

/** SetDefaults_FlowSchemaSpec */
export function defaultFlowSchema(obj: KubeObject): void {
  if (isObj(obj.spec) && (obj.spec.matchingPrecedence == null || obj.spec.matchingPrecedence === 0)) obj.spec.matchingPrecedence = 1000;
}

function validateSubject(s: unknown, path: string): FieldError[] {
  if (!isObj(s)) return [field.required(path)];
  const errs: FieldError[] = [];
  switch (s.kind) {
    case 'User':
      if (!isObj(s.user)) errs.push(field.required(`${path}.user`, 'user is required when subject kind is \'User\''));
      else if (!s.user.name) errs.push(field.required(`${path}.user.name`, 'username is required'));
      break;
    case 'Group':
      if (!isObj(s.group)) errs.push(field.required(`${path}.group`, 'group is required when subject kind is \'Group\''));
      else if (!s.group.name) errs.push(field.required(`${path}.group.name`, 'name is required'));
      break;
    case 'ServiceAccount':
      if (!isObj(s.serviceAccount)) errs.push(field.required(`${path}.serviceAccount`, 'serviceAccount is required when subject kind is \'ServiceAccount\''));
      else {
        if (!s.serviceAccount.name) errs.push(field.required(`${path}.serviceAccount.name`, 'name is required'));
        if (!s.serviceAccount.namespace) errs.push(field.required(`${path}.serviceAccount.namespace`, 'namespace is required'));
      }
      break;
    default:
      errs.push(field.notSupported(`${path}.kind`, s.kind ?? '', ['Group', 'ServiceAccount', 'User']));
  }
  return errs;
}

/** ValidateFlowSchema, without the checks on the mandatory exempt and catch-all schemas. */
export function validateFlowSchema(obj: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, false, nameIsDNSSubdomain);
  const spec: Obj = isObj(obj.spec) ? obj.spec : {};
  const mp = spec.matchingPrecedence;
  if (mp != null && (mp < 1 || mp > 10000)) errs.push(field.invalid('spec.matchingPrecedence', mp, inclusiveRangeError(1, 10000)));
  if (spec.distinguisherMethod != null) {
    const t = spec.distinguisherMethod?.type;
    if (!['ByNamespace', 'ByUser'].includes(t)) errs.push(field.notSupported('spec.distinguisherMethod.type', t ?? '', ['ByNamespace', 'ByUser']));
  }
  if (!spec.priorityLevelConfiguration?.name) errs.push(field.required('spec.priorityLevelConfiguration.name', 'must reference a priority level'));
  for (const [i, rule] of arr(spec.rules).entries()) {
    const p = `spec.rules[${i}]`;
    if (!isObj(rule)) continue;
    const subjects = arr(rule.subjects);
    if (subjects.length === 0) errs.push(field.required(`${p}.subjects`, 'subjects must contain at least one value'));
    subjects.forEach((s, j) => errs.push(...validateSubject(s, `${p}.subjects[${j}]`)));
    if (arr(rule.resourceRules).length === 0 && arr(rule.nonResourceRules).length === 0) {
      errs.push(field.required(p, 'at least one of resourceRules and nonResourceRules has to be non-empty'));
    }
    for (const [j, r] of arr(rule.resourceRules).entries()) {
      const rp = `${p}.resourceRules[${j}]`;
      if (arr(r?.verbs).length === 0) errs.push(field.required(`${rp}.verbs`, 'verbs must contain at least one value'));
      if (arr(r?.apiGroups).length === 0) errs.push(field.required(`${rp}.apiGroups`, 'resource rules must supply at least one api group'));
      if (arr(r?.resources).length === 0) errs.push(field.required(`${rp}.resources`, 'resource rules must supply at least one resource'));
      if (arr(r?.namespaces).length === 0 && r?.clusterScope !== true) {
        errs.push(field.required(`${rp}.namespaces`, 'resource rules that are not cluster scoped must supply at least one namespace'));
      }
    }
    for (const [j, r] of arr(rule.nonResourceRules).entries()) {
      const rp = `${p}.nonResourceRules[${j}]`;
      if (arr(r?.verbs).length === 0) errs.push(field.required(`${rp}.verbs`, 'verbs must contain at least one value'));
      if (arr(r?.nonResourceURLs).length === 0) errs.push(field.required(`${rp}.nonResourceURLs`, 'nonResourceURLs must contain at least one value'));
    }
  }
  return errs;
}

export function flowSchemaRow(obj: KubeObject, now = Date.now()): unknown[] {
  const spec: Obj = obj.spec ?? {};
  const method = spec.distinguisherMethod?.type ? String(spec.distinguisherMethod.type) : '<none>';
  const dangling = arr(obj.status?.conditions).find((c: Obj) => c?.type === 'Dangling');
  return [obj.metadata.name, spec.priorityLevelConfiguration?.name ?? '', Number(spec.matchingPrecedence ?? 0), method, ageOf(obj, now), dangling ? String(dangling.status ?? '') : '?'];
}

// ---- PriorityLevelConfiguration ---------------------------------------------------------------

/** SetDefaults_PriorityLevelConfiguration and the defaults of its nested structs. */
export function defaultPriorityLevelConfiguration(obj: KubeObject): void {
  const spec = obj.spec;
  if (!isObj(spec)) return;
  if (isObj(spec.limited)) {
    const l = spec.limited;
    l.nominalConcurrencyShares ??= 30;
    l.lendablePercent ??= 0;
    const q = l.limitResponse?.queuing;
    if (isObj(q)) {
      if (!q.handSize) q.handSize = 8;
      if (!q.queues) q.queues = 64;
      if (!q.queueLengthLimit) q.queueLengthLimit = 50;
    }
  }
  if (isObj(spec.exempt)) {
    spec.exempt.nominalConcurrencyShares ??= 0;
    spec.exempt.lendablePercent ??= 0;
  }
}

/** ValidatePriorityLevelConfiguration, without the checks on the mandatory levels. */
export function validatePriorityLevelConfiguration(obj: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, false, nameIsDNSSubdomain);
  const spec: Obj = isObj(obj.spec) ? obj.spec : {};
  const percent = (v: unknown, p: string) => {
    if (v != null && (Number(v) < 0 || Number(v) > 100)) errs.push(field.invalid(p, v, inclusiveRangeError(0, 100)));
  };
  switch (spec.type) {
    case 'Exempt':
      if (spec.limited != null) errs.push(field.forbidden('spec.limited', 'must be nil if the type is not Limited'));
      if (isObj(spec.exempt)) {
        if (spec.exempt.nominalConcurrencyShares != null && spec.exempt.nominalConcurrencyShares < 0) {
          errs.push(field.invalid('spec.exempt.nominalConcurrencyShares', spec.exempt.nominalConcurrencyShares, 'must be a non-negative integer'));
        }
        percent(spec.exempt.lendablePercent, 'spec.exempt.lendablePercent');
      }
      break;
    case 'Limited': {
      if (spec.exempt != null) errs.push(field.forbidden('spec.exempt', 'must be nil if the type is Limited'));
      if (!isObj(spec.limited)) {
        errs.push(field.required('spec.limited', 'must not be empty when type is Limited'));
        break;
      }
      const l = spec.limited;
      if (l.nominalConcurrencyShares != null && l.nominalConcurrencyShares < 0) {
        errs.push(field.invalid('spec.limited.nominalConcurrencyShares', l.nominalConcurrencyShares, 'must be a non-negative integer'));
      }
      percent(l.lendablePercent, 'spec.limited.lendablePercent');
      percent(l.borrowingLimitPercent, 'spec.limited.borrowingLimitPercent');
      const lr: Obj = isObj(l.limitResponse) ? l.limitResponse : {};
      if (lr.type === 'Queue') {
        const q = lr.queuing;
        if (!isObj(q)) errs.push(field.required('spec.limited.limitResponse.queuing', 'must not be empty if the limit response type is Queue'));
        else {
          if (!(q.queues > 0)) errs.push(field.invalid('spec.limited.limitResponse.queuing.queues', q.queues, 'must be positive'));
          if (!(q.queueLengthLimit > 0)) errs.push(field.invalid('spec.limited.limitResponse.queuing.queueLengthLimit', q.queueLengthLimit, 'must be positive'));
          if (!(q.handSize > 0)) errs.push(field.invalid('spec.limited.limitResponse.queuing.handSize', q.handSize, 'must be positive'));
          else if (q.handSize > q.queues) errs.push(field.invalid('spec.limited.limitResponse.queuing.handSize', q.handSize, `should not be greater than queues (${q.queues})`));
        }
      } else if (lr.type === 'Reject') {
        if (lr.queuing != null) errs.push(field.forbidden('spec.limited.limitResponse.queuing', 'must be nil if limited.limitResponse.type is not Limited'));
      } else {
        errs.push(field.notSupported('spec.limited.limitResponse.type', lr.type ?? '', ['Queue', 'Reject']));
      }
      break;
    }
    default:
      errs.push(field.notSupported('spec.type', spec.type ?? '', ['Exempt', 'Limited']));
  }
  return errs;
}

export function priorityLevelRow(obj: KubeObject, now = Date.now()): unknown[] {
  const spec: Obj = obj.spec ?? {};
  let shares: unknown = '<none>';
  let queues: unknown = '<none>';
  let handSize: unknown = '<none>';
  let queueLengthLimit: unknown = '<none>';
  if (isObj(spec.limited)) {
    shares = spec.limited.nominalConcurrencyShares ?? 0;
    const q = spec.limited.limitResponse?.queuing;
    if (isObj(q)) {
      queues = q.queues ?? 0;
      handSize = q.handSize ?? 0;
      queueLengthLimit = q.queueLengthLimit ?? 0;
    }
  }
  return [obj.metadata.name, String(spec.type ?? ''), shares, queues, handSize, queueLengthLimit, ageOf(obj, now)];
}

// ---- kinds ------------------------------------------------------------------------------------

export const flowSchemaKind: KindDef = {
  group: GROUP,
  version: 'v1',
  kind: 'FlowSchema',
  plural: 'flowschemas',
  singular: 'flowschema',
  namespaced: false,
  definition: 'io.k8s.api.flowcontrol.v1.FlowSchema',
  subresources: { status: true },
  columns: [
    NAME_COLUMN,
    col('PriorityLevel', 'string', 'The priority level the matched requests are assigned to.'),
    col('MatchingPrecedence', 'string', 'The order of this schema among all schemas; lower values match first.'),
    col('DistinguisherMethod', 'string', 'How matched requests are split into flows.'),
    AGE_COLUMN,
    col('MissingPL', 'string', 'Whether the referenced priority level is missing (the Dangling condition).'),
  ],
  strategy: {
    defaults: defaultFlowSchema,
    validate: validateFlowSchema,
    validateUpdate: (obj, old) => [...validateObjectMetaUpdate(obj.metadata, old.metadata), ...validateFlowSchema(obj)],
    row: (obj) => flowSchemaRow(obj),
  },
};

export const priorityLevelConfigurationKind: KindDef = {
  group: GROUP,
  version: 'v1',
  kind: 'PriorityLevelConfiguration',
  plural: 'prioritylevelconfigurations',
  singular: 'prioritylevelconfiguration',
  namespaced: false,
  definition: 'io.k8s.api.flowcontrol.v1.PriorityLevelConfiguration',
  subresources: { status: true },
  columns: [
    NAME_COLUMN,
    col('Type', 'string', 'Whether requests at this level are exempt from limits or limited.'),
    col('NominalConcurrencyShares', 'string', 'The share of the server\'s concurrency this level is nominally given.'),
    col('Queues', 'string', 'How many queues requests wait in.'),
    col('HandSize', 'string', 'How many queues each flow is dealt when shuffle sharding.'),
    col('QueueLengthLimit', 'string', 'How many requests may wait in one queue.'),
    AGE_COLUMN,
  ],
  strategy: {
    defaults: defaultPriorityLevelConfiguration,
    validate: validatePriorityLevelConfiguration,
    validateUpdate: (obj, old) => [...validateObjectMetaUpdate(obj.metadata, old.metadata), ...validatePriorityLevelConfiguration(obj)],
    row: (obj) => priorityLevelRow(obj),
  },
};

export const flowcontrolKinds: KindDef[] = [flowSchemaKind, priorityLevelConfigurationKind];
