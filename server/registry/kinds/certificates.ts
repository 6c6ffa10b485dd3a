/**
 * certificates.k8s.io/v1: CertificateSigningRequest.
 *
 * Stored only: no signer runs, so a CSR is issued only if a client writes status.certificate.
 * Upstream fills spec.username/uid/groups/extra from the requesting user on create; the strategy
 * hooks do not see the requester, so those fields are kept as the client sent them.
 * The approval subresource is listed in discovery as upstream lists it.
 */
import { field } from '../../apiserver/errors.js';
import type { FieldError, KindDef, KubeObject } from '../types.js';
import { isDNS1123Subdomain, nameIsPathSegment, validateObjectMeta, validateObjectMetaUpdate } from '../validation.js';
import { AGE_COLUMN, NAME_COLUMN, age as ageOf, col, humanDuration } from './printers.js';

type Obj = Record<string, any>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);
const arr = (v: unknown): any[] => (Array.isArray(v) ? v : []);

export const KEY_USAGES = [
  'any', 'cert sign', 'client auth', 'code signing', 'content commitment', 'crl sign', 'data encipherment',
  'decipher only', 'digital signature', 'email protection', 'encipher only', 'ipsec end system', 'ipsec tunnel',
  'ipsec user', 'key agreement', 'key encipherment', 'microsoft sgc', 'netscape sgc', 'ocsp signing', 's/mime',
  'server auth', 'signing', 'timestamping',
];

/** The PEM check of validateCSR: the request must hold a CERTIFICATE REQUEST block. */
function requestError(request: unknown): string | undefined {
  if (typeof request !== 'string' || request === '') return 'PEM block type must be CERTIFICATE REQUEST';
  const pem = Buffer.from(request, 'base64').toString('latin1');
  const m = /-----BEGIN ([A-Z0-9 ]+)-----/.exec(pem);
  if (!m || m[1] !== 'CERTIFICATE REQUEST') return 'PEM block type must be CERTIFICATE REQUEST';
  return undefined;
}

/** ValidateSignerName, in brief: a DNS subdomain, a slash, and a path. */
function signerNameErrors(name: unknown): FieldError[] {
  const path = 'spec.signerName';
  if (typeof name !== 'string' || name === '') return [field.required(path)];
  const slash = name.indexOf('/');
  if (slash <= 0 || slash === name.length - 1) return [field.invalid(path, name, "must be a fully qualified domain and path of the form 'example.com/signer-name'")];
  return isDNS1123Subdomain(name.slice(0, slash)).map((m) => field.invalid(path, name, m));
}

/** validateCertificateSigningRequest (v1 options: known usages, no duplicates, no legacy signer). */
export function validateCSR(obj: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, false, nameIsPathSegment);
  const spec: Obj = isObj(obj.spec) ? obj.spec : {};
  const reqErr = requestError(spec.request);
  if (reqErr) errs.push(field.invalid('spec.request', spec.request ?? '', reqErr));
  const usages = arr(spec.usages);
  if (usages.length === 0) errs.push(field.required('spec.usages'));
  const seen = new Set<string>();
  for (const [i, u] of usages.entries()) {
    if (!KEY_USAGES.includes(u)) errs.push(field.notSupported(`spec.usages[${i}]`, u, KEY_USAGES));
    if (seen.has(u)) errs.push(field.duplicate(`spec.usages[${i}]`, u));
    seen.add(u);
  }
  if (spec.signerName === 'kubernetes.io/legacy-unknown') {
    errs.push(field.invalid('spec.signerName', spec.signerName, 'the legacy signerName is not allowed via this API version'));
  } else {
    errs.push(...signerNameErrors(spec.signerName));
  }
  if (spec.expirationSeconds != null && spec.expirationSeconds < 600) {
    errs.push(field.invalid('spec.expirationSeconds', spec.expirationSeconds, 'may not specify a duration less than 600 seconds (10 minutes)'));
  }
  const types = new Set<string>();
  for (const [i, c] of arr(obj.status?.conditions).entries()) {
    const p = `status.conditions[${i}]`;
    if (!isObj(c) || !c.type) {
      errs.push(field.required(`${p}.type`));
      continue;
    }
    if (types.has(c.type)) errs.push(field.duplicate(`${p}.type`, c.type));
    types.add(c.type);
    if (!['True', 'False', 'Unknown'].includes(c.status)) errs.push(field.notSupported(`${p}.status`, c.status ?? '', ['False', 'True', 'Unknown']));
  }
  if (types.has('Approved') && types.has('Denied')) errs.push(field.invalid('status.conditions', arr(obj.status?.conditions), 'Approved and Denied conditions are mutually exclusive'));
  return errs;
}

/** The spec is fixed at create; a main-resource update changes only metadata. */
export function prepareCSRForUpdate(obj: KubeObject, old: KubeObject): void {
  if (old.spec === undefined) delete obj.spec;
  else obj.spec = structuredClone(old.spec);
}

/** extractCSRStatus: Denied over Approved over Pending, then Failed and Issued. */
export function csrCondition(obj: KubeObject): string {
  const types = new Set(arr(obj.status?.conditions).map((c: Obj) => c?.type));
  let s = types.has('Denied') ? 'Denied' : types.has('Approved') ? 'Approved' : 'Pending';
  if (types.has('Failed')) s += ',Failed';
  if (obj.status?.certificate) s += ',Issued';
  return s;
}

export function csrRow(obj: KubeObject, now = Date.now()): unknown[] {
  const spec: Obj = obj.spec ?? {};
  const duration = spec.expirationSeconds != null ? humanDuration(Number(spec.expirationSeconds) * 1000) : '<none>';
  return [obj.metadata.name, ageOf(obj, now), spec.signerName || '<none>', spec.username ?? '', duration, csrCondition(obj)];
}

export const csrKind: KindDef = {
  group: 'certificates.k8s.io',
  version: 'v1',
  kind: 'CertificateSigningRequest',
  plural: 'certificatesigningrequests',
  singular: 'certificatesigningrequest',
  namespaced: false,
  shortNames: ['csr'],
  definition: 'io.k8s.api.certificates.v1.CertificateSigningRequest',
  subresources: {
    status: true,
    extra: [{ name: 'approval', kind: { group: 'certificates.k8s.io', version: 'v1', kind: 'CertificateSigningRequest' }, verbs: ['get', 'patch', 'update'] }],
  },
  columns: [
    NAME_COLUMN,
    AGE_COLUMN,
    col('SignerName', 'string', 'The signer asked to issue the certificate.'),
    col('Requestor', 'string', 'The user who created the request.'),
    col('RequestedDuration', 'string', 'How long the requested certificate should be valid.'),
    col('Condition', 'string', 'Whether the request is pending, approved or denied, and whether it was issued.'),
  ],
  strategy: {
    prepareForUpdate: prepareCSRForUpdate,
    validate: validateCSR,
    validateUpdate: (obj, old) => [...validateObjectMetaUpdate(obj.metadata, old.metadata), ...validateCSR(obj)],
    row: (obj) => csrRow(obj),
  },
};

export const certificatesKinds: KindDef[] = [csrKind];
