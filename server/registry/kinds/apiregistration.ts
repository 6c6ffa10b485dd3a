/**
 * apiregistration.k8s.io/v1: APIService.
 *
 * Stored only: Skiff does not aggregate, so a Service-backed APIService is recorded but requests
 * for its group/version are not proxied anywhere, and nothing probes the Service. The built-in
 * group/versions are served directly and are not listed as APIService objects.
 */
import { field } from '../../apiserver/errors.js';
import type { FieldError, KindDef, KubeObject } from '../types.js';
import { isDNS1035Label, isDNS1123Subdomain, isValidPortNum, nameIsPathSegment, validateObjectMeta, validateObjectMetaUpdate } from '../validation.js';
import { AGE_COLUMN, NAME_COLUMN, age as ageOf, col } from './printers.js';

type Obj = Record<string, any>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

/** SetDefaults_ServiceReference: port 443. */
export function defaultAPIService(obj: KubeObject): void {
  const svc = obj.spec?.service;
  if (isObj(svc) && svc.port == null) svc.port = 443;
}

/**
 * A local APIService (no spec.service) is answered by this server itself, so it is available from
 * the start; upstream's availability controller records the same condition shortly after create.
 */
export function prepareAPIServiceForCreate(obj: KubeObject): void {
  if (isObj(obj.spec) && obj.spec.service == null) {
    obj.status = {
      conditions: [
        { type: 'Available', status: 'True', lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), reason: 'Local', message: 'Local APIServices are always available' },
      ],
    };
  }
}

/** ValidateAPIService */
export function validateAPIService(obj: KubeObject): FieldError[] {
  const spec: Obj = isObj(obj.spec) ? obj.spec : {};
  const group = String(spec.group ?? '');
  const version = String(spec.version ?? '');
  const requiredName = `${version}.${group}`;
  const errs = validateObjectMeta(obj.metadata, false, (name, prefix) => {
    const seg = nameIsPathSegment(name, prefix);
    if (seg.length) return seg;
    return name === requiredName ? [] : [`must be \`spec.version+"."+spec.group\`: ${JSON.stringify(requiredName)}`];
  });
  if (group === '' && version !== 'v1') errs.push(field.required('spec.group', 'only v1 may have an empty group and it better be legacy kube'));
  if (group !== '') for (const m of isDNS1123Subdomain(group)) errs.push(field.invalid('spec.group', group, m));
  for (const m of isDNS1035Label(version)) errs.push(field.invalid('spec.version', version, m));
  const gpm = Number(spec.groupPriorityMinimum ?? 0);
  if (gpm <= 0 || gpm > 20000) errs.push(field.invalid('spec.groupPriorityMinimum', gpm, 'must be positive and less than 20000'));
  const vp = Number(spec.versionPriority ?? 0);
  if (vp <= 0 || vp > 1000) errs.push(field.invalid('spec.versionPriority', vp, 'must be positive and less than 1000'));
  const caBundle = typeof spec.caBundle === 'string' ? spec.caBundle : '';
  if (!isObj(spec.service)) {
    if (caBundle) errs.push(field.invalid('spec.caBundle', caBundle, 'local APIServices may not have a caBundle'));
    if (spec.insecureSkipTLSVerify === true) errs.push(field.invalid('spec.insecureSkipTLSVerify', true, 'local APIServices may not have insecureSkipTLSVerify'));
    return errs;
  }
  const svc = spec.service;
  if (!svc.namespace) errs.push(field.required('spec.service.namespace'));
  if (!svc.name) errs.push(field.required('spec.service.name'));
  const portErrs = isValidPortNum(Number(svc.port));
  if (portErrs.length) errs.push(field.invalid('spec.service.port', svc.port, `port is not valid: ${portErrs.join(', ')}`));
  if (spec.insecureSkipTLSVerify === true && caBundle) errs.push(field.invalid('spec.insecureSkipTLSVerify', true, 'may not be true if caBundle is present'));
  return errs;
}

export function apiServiceRow(obj: KubeObject, now = Date.now()): unknown[] {
  const svc = obj.spec?.service;
  const service = isObj(svc) ? `${svc.namespace ?? ''}/${svc.name ?? ''}` : 'Local';
  let available = 'Unknown';
  const cond = (Array.isArray(obj.status?.conditions) ? obj.status.conditions : []).find((c: Obj) => c?.type === 'Available');
  if (cond) {
    available = String(cond.status ?? '');
    if (cond.status === 'False' && cond.reason) available += ` (${cond.reason})`;
  }
  return [obj.metadata.name, service, available, ageOf(obj, now)];
}

export const apiServiceKind: KindDef = {
  group: 'apiregistration.k8s.io',
  version: 'v1',
  kind: 'APIService',
  plural: 'apiservices',
  singular: 'apiservice',
  namespaced: false,
  categories: ['api-extensions'],
  definition: 'io.k8s.kube-aggregator.pkg.apis.apiregistration.v1.APIService',
  subresources: { status: true },
  columns: [
    NAME_COLUMN,
    col('Service', 'string', 'The Service that answers for the group/version, or Local.'),
    col('Available', 'string', 'Whether the group/version is reachable (the Available condition).'),
    AGE_COLUMN,
  ],
  strategy: {
    defaults: defaultAPIService,
    prepareForCreate: prepareAPIServiceForCreate,
    validate: validateAPIService,
    validateUpdate: (obj, old) => [...validateObjectMetaUpdate(obj.metadata, old.metadata), ...validateAPIService(obj)],
    row: (obj) => apiServiceRow(obj),
  },
};

export const apiregistrationKinds: KindDef[] = [apiServiceKind];
