/**
 * networking.k8s.io/v1: Ingress, IngressClass and NetworkPolicy.
 */
import { field } from '../../apiserver/errors.js';
import type { FieldError, KindDef, KubeObject } from '../types.js';
import {
  GoValue,
  formatLabelSelector,
  isDNS1123Subdomain,
  isIPv6,
  isValidPortName,
  isValidPortNum,
  nameIsDNS1035Label,
  nameIsDNSLabel,
  nameIsDNSSubdomain,
  nameIsPathSegment,
  parseIPv4,
  validateLabelSelector,
  validateObjectMeta,
  validateObjectMetaUpdate,
} from '../validation.js';
import { domainPrefixedPath } from './batch.js';
import { immutable } from './core-common.js';
import { AGE_COLUMN, NAME_COLUMN, age as ageOf, col } from './printers.js';

type Obj = Record<string, any>;

const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);
const arr = <T = Obj>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);

function isIP(s: string): boolean {
  return parseIPv4(s) !== undefined || isIPv6(s);
}

// ---- Ingress --------------------------------------------------------------------------------------

const INGRESS_CLASS_ANNOTATION = 'kubernetes.io/ingress.class';
const PATH_TYPES = ['Exact', 'ImplementationSpecific', 'Prefix'];
const INVALID_PATH_SEQUENCES = ['//', '/./', '/../', '%2f', '%2F'];
const INVALID_PATH_SUFFIXES = ['/..', '/.'];

interface IngressOptions {
  allowInvalidSecretName: boolean;
  allowInvalidWildcardHostRule: boolean;
}

/** IsWildcardDNS1123Subdomain */
function wildcardSubdomainErrors(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 253) errs.push('must be no more than 253 characters');
  const fmt = '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*';
  if (!new RegExp(`^${fmt}$`).test(value)) {
    errs.push(
      `a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '${fmt}')`,
    );
  }
  return errs;
}

function validateTypedLocalObjectReference(ref: Obj | undefined, path: string): FieldError[] {
  if (!isObj(ref)) return [];
  const errs: FieldError[] = [];
  if (ref.apiGroup != null) for (const m of isDNS1123Subdomain(String(ref.apiGroup))) errs.push(field.invalid(`${path}.apiGroup`, ref.apiGroup, m));
  if (!ref.kind) errs.push(field.required(`${path}.kind`, 'kind is required'));
  else for (const m of nameIsPathSegment(String(ref.kind), false)) errs.push(field.invalid(`${path}.kind`, ref.kind, m));
  if (!ref.name) errs.push(field.required(`${path}.name`, 'name is required'));
  else for (const m of nameIsPathSegment(String(ref.name), false)) errs.push(field.invalid(`${path}.name`, ref.name, m));
  return errs;
}

function validateIngressBackend(b: Obj | undefined, path: string): FieldError[] {
  const backend = isObj(b) ? b : {};
  const errs: FieldError[] = [];
  const hasResource = backend.resource != null;
  const hasService = backend.service != null;
  if (hasResource && hasService) return [field.invalid(path, '', 'cannot set both resource and service backends')];
  if (hasResource) return validateTypedLocalObjectReference(backend.resource, `${path}.resource`);
  if (!hasService) return [field.invalid(path, '', 'resource or service backend is required')];
  const svc: Obj = isObj(backend.service) ? backend.service : {};
  if (!svc.name) errs.push(field.required(`${path}.service.name`, ''));
  else for (const m of nameIsDNS1035Label(String(svc.name), false)) errs.push(field.invalid(`${path}.service.name`, svc.name, m));
  const port: Obj = isObj(svc.port) ? svc.port : {};
  const hasName = typeof port.name === 'string' && port.name.length > 0;
  const hasNumber = port.number != null && port.number !== 0;
  if (hasName && hasNumber) errs.push(field.invalid(path, '', 'cannot set both port name & port number'));
  else if (hasName) for (const m of isValidPortName(port.name)) errs.push(field.invalid(`${path}.service.port.name`, port.name, m));
  else if (hasNumber) for (const m of isValidPortNum(Number(port.number))) errs.push(field.invalid(`${path}.service.port.number`, port.number, m));
  else errs.push(field.required(path, 'port name or number is required'));
  return errs;
}

function validateHTTPIngressPath(p: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (p.pathType == null) return [field.required(`${path}.pathType`, 'pathType must be specified')];
  const value = typeof p.path === 'string' ? p.path : '';
  switch (p.pathType) {
    case 'Exact':
    case 'Prefix':
      if (!value.startsWith('/')) errs.push(field.invalid(`${path}.path`, value, 'must be an absolute path'));
      if (value.length > 0) {
        for (const seq of INVALID_PATH_SEQUENCES) if (value.includes(seq)) errs.push(field.invalid(`${path}.path`, value, `must not contain '${seq}'`));
        for (const suf of INVALID_PATH_SUFFIXES) if (value.endsWith(suf)) errs.push(field.invalid(`${path}.path`, value, `cannot end with '${suf}'`));
      }
      break;
    case 'ImplementationSpecific':
      if (value.length > 0 && !value.startsWith('/')) errs.push(field.invalid(`${path}.path`, value, 'must be an absolute path'));
      break;
    default:
      errs.push(field.notSupported(`${path}.pathType`, p.pathType, PATH_TYPES));
  }
  errs.push(...validateIngressBackend(p.backend, `${path}.backend`));
  return errs;
}

function validateIngressRuleValue(rule: Obj, path: string): FieldError[] {
  if (rule.http == null) return [];
  const errs: FieldError[] = [];
  const paths = arr(rule.http.paths);
  if (paths.length === 0) errs.push(field.required(`${path}.http.paths`, ''));
  paths.forEach((p, i) => errs.push(...validateHTTPIngressPath(isObj(p) ? p : {}, `${path}.http.paths[${i}]`)));
  return errs;
}

function validateIngressSpec(spec: Obj, opts: IngressOptions): FieldError[] {
  const errs: FieldError[] = [];
  const rules = arr(spec.rules);
  if (rules.length === 0 && spec.defaultBackend == null) {
    const shown = new GoValue(spec.rules ?? null, spec.rules == null ? '[]networking.IngressRule(nil)' : '[]networking.IngressRule{}');
    errs.push(field.invalid('spec', shown, 'either `defaultBackend` or `rules` must be specified'));
  }
  if (spec.defaultBackend != null) errs.push(...validateIngressBackend(spec.defaultBackend, 'spec.defaultBackend'));
  rules.forEach((r, i) => {
    const rule: Obj = isObj(r) ? r : {};
    const rp = `spec.rules[${i}]`;
    let wildcard = false;
    const host = typeof rule.host === 'string' ? rule.host : '';
    if (host.length > 0) {
      if (isIP(host)) errs.push(field.invalid(`${rp}.host`, host, 'must be a DNS name, not an IP address'));
      if (host.includes('*')) {
        for (const m of wildcardSubdomainErrors(host)) errs.push(field.invalid(`${rp}.host`, host, m));
        wildcard = true;
      } else {
        for (const m of isDNS1123Subdomain(host)) errs.push(field.invalid(`${rp}.host`, host, m));
      }
    }
    if (!wildcard || !opts.allowInvalidWildcardHostRule) errs.push(...validateIngressRuleValue(rule, rp));
  });
  arr(spec.tls).forEach((t, i) => {
    const tls: Obj = isObj(t) ? t : {};
    arr<string>(tls.hosts).forEach((h, j) => {
      const hp = `spec.tls[${i}].hosts[${j}]`;
      const msgs = String(h).includes('*') ? wildcardSubdomainErrors(String(h)) : isDNS1123Subdomain(String(h));
      for (const m of msgs) errs.push(field.invalid(hp, h, m));
    });
    if (!opts.allowInvalidSecretName && tls.secretName) {
      for (const m of nameIsDNSSubdomain(String(tls.secretName), false)) errs.push(field.invalid(`spec.tls[${i}].secretName`, tls.secretName, m));
    }
  });
  if (spec.ingressClassName != null) {
    for (const m of nameIsDNSSubdomain(String(spec.ingressClassName), false)) errs.push(field.invalid('spec.ingressClassName', spec.ingressClassName, m));
  }
  return errs;
}

/** ValidateIngressCreate */
export function validateIngress(obj: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, true, nameIsDNSSubdomain);
  errs.push(...validateIngressSpec(obj.spec ?? {}, { allowInvalidSecretName: false, allowInvalidWildcardHostRule: false }));
  const annotation = obj.metadata.annotations?.[INGRESS_CLASS_ANNOTATION];
  const className = obj.spec?.ingressClassName;
  if (annotation !== undefined && className != null && annotation !== className) {
    errs.push(field.invalid(`annotations.${INGRESS_CLASS_ANNOTATION}`, annotation, 'must match `ingressClassName` when both are specified'));
  }
  return errs;
}

/** ValidateIngressUpdate: invalid secret names or wildcard rules already stored may stay. */
export function validateIngressUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs = validateObjectMetaUpdate(obj.metadata, old.metadata);
  const oldSpec: Obj = old.spec ?? {};
  const opts: IngressOptions = {
    allowInvalidSecretName: arr(oldSpec.tls).some((t) => t?.secretName && nameIsDNSSubdomain(String(t.secretName), false).length > 0),
    allowInvalidWildcardHostRule: arr(oldSpec.rules).some((r) => String(r?.host ?? '').includes('*') && validateIngressRuleValue(r, '').length > 0),
  };
  errs.push(...validateObjectMeta(obj.metadata, true, nameIsDNSSubdomain));
  errs.push(...validateIngressSpec(obj.spec ?? {}, opts));
  return errs;
}

function formatHosts(rules: Obj[]): string {
  const list: string[] = [];
  let more = false;
  for (const r of rules) {
    if (list.length === 3) more = true;
    if (!more && r?.host) list.push(r.host);
  }
  if (list.length === 0) return '*';
  return more ? `${list.join(',')} + ${rules.length - 3} more...` : list.join(',');
}

/** ingressLoadBalancerStatusStringer (wide): IPs or hostnames, each once. */
function loadBalancerAddresses(status: Obj | undefined): string {
  const seen: string[] = [];
  for (const i of arr(status?.ingress)) {
    const v = i?.ip || i?.hostname;
    if (v && !seen.includes(v)) seen.push(v);
  }
  return seen.join(',');
}

export function ingressRow(obj: KubeObject, now = Date.now()): unknown[] {
  const spec: Obj = obj.spec ?? {};
  return [
    obj.metadata.name,
    spec.ingressClassName ?? '<none>',
    formatHosts(arr(spec.rules)),
    loadBalancerAddresses(obj.status?.loadBalancer),
    arr(spec.tls).length > 0 ? '80, 443' : '80',
    ageOf(obj, now),
  ];
}

export const ingressKind: KindDef = {
  group: 'networking.k8s.io',
  version: 'v1',
  kind: 'Ingress',
  plural: 'ingresses',
  singular: 'ingress',
  namespaced: true,
  shortNames: ['ing'],
  definition: 'io.k8s.api.networking.v1.Ingress',
  subresources: { status: true },
  columns: [
    NAME_COLUMN,
    col('Class', 'string', 'The IngressClass that handles this ingress.'),
    col('Hosts', 'string', 'Hosts the rules match.'),
    col('Address', 'string', 'Where the load balancer receives traffic.'),
    col('Ports', 'string', 'Ports served, with 443 when TLS is configured.'),
    AGE_COLUMN,
  ],
  strategy: {
    prepareForCreate(obj) {
      obj.status = { loadBalancer: {} };
    },
    validate: validateIngress,
    validateUpdate: validateIngressUpdate,
    row: (obj) => ingressRow(obj),
  },
};

// ---- IngressClass ---------------------------------------------------------------------------------

/** SetDefaults_IngressClass */
export function defaultIngressClass(obj: KubeObject): void {
  const params = obj.spec?.parameters;
  if (isObj(params) && params.scope == null) params.scope = 'Cluster';
}

function validateIngressClassSpec(spec: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const controller = typeof spec.controller === 'string' ? spec.controller : '';
  if (controller.length > 250) errs.push(field.tooLong('spec.controller', 250));
  errs.push(...domainPrefixedPath('spec.controller', controller));
  const params = spec.parameters;
  if (isObj(params)) {
    const pp = 'spec.parameters';
    errs.push(...validateTypedLocalObjectReference({ apiGroup: params.apiGroup, kind: params.kind, name: params.name }, pp));
    if (params.scope == null) errs.push(field.required(`${pp}.scope`, ''));
    else if (params.scope !== 'Cluster' && params.scope !== 'Namespace') errs.push(field.notSupported(`${pp}.scope`, params.scope, ['Cluster', 'Namespace']));
    else if (params.scope === 'Namespace') {
      if (params.namespace == null) errs.push(field.required(`${pp}.namespace`, "`parameters.scope` is set to 'Namespace'"));
      else for (const m of nameIsDNSLabel(String(params.namespace), false)) errs.push(field.invalid(`${pp}.namespace`, params.namespace, m));
    } else if (params.namespace != null) errs.push(field.forbidden(`${pp}.namespace`, "`parameters.scope` is set to 'Cluster'"));
  }
  return errs;
}

export function validateIngressClass(obj: KubeObject): FieldError[] {
  return [...validateObjectMeta(obj.metadata, false, nameIsDNSSubdomain), ...validateIngressClassSpec(obj.spec ?? {})];
}

export function validateIngressClassUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  return [...validateObjectMetaUpdate(obj.metadata, old.metadata), ...immutable(obj.spec?.controller, old.spec?.controller, 'spec.controller'), ...validateIngressClass(obj)];
}

export function ingressClassRow(obj: KubeObject, now = Date.now()): unknown[] {
  const p = obj.spec?.parameters;
  let params = '<none>';
  if (isObj(p)) params = `${p.kind ?? ''}${p.apiGroup != null ? `.${p.apiGroup}` : ''}/${p.name ?? ''}`;
  return [obj.metadata.name, obj.spec?.controller ?? '', params, ageOf(obj, now)];
}

export const ingressClassKind: KindDef = {
  group: 'networking.k8s.io',
  version: 'v1',
  kind: 'IngressClass',
  plural: 'ingressclasses',
  singular: 'ingressclass',
  namespaced: false,
  definition: 'io.k8s.api.networking.v1.IngressClass',
  columns: [NAME_COLUMN, col('Controller', 'string', 'The controller that implements this class.'), col('Parameters', 'string', 'The resource holding extra configuration.'), AGE_COLUMN],
  strategy: {
    defaults: defaultIngressClass,
    validate: validateIngressClass,
    validateUpdate: validateIngressClassUpdate,
    row: (obj) => ingressClassRow(obj),
  },
};

// ---- NetworkPolicy --------------------------------------------------------------------------------

/** SetDefaults_NetworkPolicy and SetDefaults_NetworkPolicyPort */
export function defaultNetworkPolicy(obj: KubeObject): void {
  if (!isObj(obj.spec)) obj.spec = {};
  const spec = obj.spec;
  if (!isObj(spec.podSelector)) spec.podSelector = {};
  for (const rule of [...arr(spec.ingress), ...arr(spec.egress)]) {
    for (const port of arr(rule?.ports)) if (isObj(port) && port.protocol == null) port.protocol = 'TCP';
  }
  if (arr(spec.policyTypes).length === 0) {
    spec.policyTypes = ['Ingress'];
    if (arr(spec.egress).length !== 0) spec.policyTypes.push('Egress');
  }
}

/** ParseCIDRSloppy-ish: address and prefix length, or undefined. */
function parseCIDR(s: string): { v4: boolean; bits: bigint; len: number } | undefined {
  const slash = s.indexOf('/');
  if (slash < 0) return undefined;
  const ip = s.slice(0, slash);
  const lenText = s.slice(slash + 1);
  if (!/^\d{1,3}$/.test(lenText)) return undefined;
  const len = Number(lenText);
  const v4 = parseIPv4(ip);
  if (v4 !== undefined) return len <= 32 ? { v4: true, bits: BigInt(v4), len } : undefined;
  if (!isIPv6(ip) || len > 128) return undefined;
  return { v4: false, bits: ipv6Bits(ip), len };
}

function ipv6Bits(ip: string): bigint {
  const [head, tail] = ip.includes('::') ? ip.split('::') : [ip, undefined];
  const parse = (s: string | undefined): number[] => {
    if (!s) return [];
    const out: number[] = [];
    for (const g of s.split(':')) {
      if (g.includes('.')) {
        const n = parseIPv4(g) ?? 0;
        out.push((n >>> 16) & 0xffff, n & 0xffff);
      } else out.push(parseInt(g, 16));
    }
    return out;
  };
  const h = parse(head);
  const t = parse(tail);
  const groups = tail === undefined ? h : [...h, ...new Array(8 - h.length - t.length).fill(0), ...t];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
}

function cidrErrors(path: string, value: string): FieldError[] {
  return parseCIDR(value) ? [] : [field.invalid(path, value, 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)')];
}

function validateIPBlock(ipb: Obj, path: string): FieldError[] {
  const cidr = typeof ipb.cidr === 'string' ? ipb.cidr : '';
  if (cidr === '') return [field.required(`${path}.cidr`, '')];
  const errs = cidrErrors(`${path}.cidr`, cidr);
  const outer = parseCIDR(cidr);
  if (!outer) return errs;
  const width = outer.v4 ? 32 : 128;
  const mask = (len: number) => (len === 0 ? 0n : ((1n << BigInt(len)) - 1n) << BigInt(width - len));
  arr<string>(ipb.except).forEach((e, i) => {
    const ep = `${path}.except[${i}]`;
    errs.push(...cidrErrors(ep, String(e)));
    const inner = parseCIDR(String(e));
    if (!inner) return;
    const contains = inner.v4 === outer.v4 && (inner.bits & mask(outer.len)) === (outer.bits & mask(outer.len));
    if (!contains || outer.len >= inner.len) errs.push(field.invalid(ep, e, 'must be a strict subset of `cidr`'));
  });
  return errs;
}

function validateNetworkPolicyPort(port: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (port.protocol != null && !['TCP', 'UDP', 'SCTP'].includes(port.protocol)) errs.push(field.notSupported(`${path}.protocol`, port.protocol, ['TCP', 'UDP', 'SCTP']));
  if (port.port != null) {
    if (typeof port.port === 'number') {
      for (const m of isValidPortNum(port.port)) errs.push(field.invalid(`${path}.port`, port.port, m));
      if (port.endPort != null) {
        if (port.endPort < port.port) errs.push(field.invalid(`${path}.endPort`, port.port, 'must be greater than or equal to `port`'));
        for (const m of isValidPortNum(port.endPort)) errs.push(field.invalid(`${path}.endPort`, port.endPort, m));
      }
    } else {
      if (port.endPort != null) errs.push(field.invalid(`${path}.endPort`, port.endPort, 'may not be specified when `port` is non-numeric'));
      for (const m of isValidPortName(String(port.port))) errs.push(field.invalid(`${path}.port`, port.port, m));
    }
  } else if (port.endPort != null) {
    errs.push(field.invalid(`${path}.endPort`, port.endPort, 'may not be specified when `port` is not specified'));
  }
  return errs;
}

function validateNetworkPolicyPeer(peer: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let n = 0;
  if (peer.podSelector != null) {
    n++;
    errs.push(...validateLabelSelector(peer.podSelector, `${path}.podSelector`));
  }
  if (peer.namespaceSelector != null) {
    n++;
    errs.push(...validateLabelSelector(peer.namespaceSelector, `${path}.namespaceSelector`));
  }
  if (peer.ipBlock != null) {
    n++;
    errs.push(...validateIPBlock(isObj(peer.ipBlock) ? peer.ipBlock : {}, `${path}.ipBlock`));
  }
  if (n === 0) errs.push(field.required(path, 'must specify a peer'));
  else if (n > 1 && peer.ipBlock != null) errs.push(field.forbidden(path, 'may not specify both ipBlock and another peer'));
  return errs;
}

export function validateNetworkPolicySpec(spec: Obj): FieldError[] {
  const errs = validateLabelSelector(spec.podSelector, 'spec.podSelector');
  arr(spec.ingress).forEach((rule, i) => {
    arr(rule?.ports).forEach((p, j) => errs.push(...validateNetworkPolicyPort(isObj(p) ? p : {}, `spec.ingress[${i}].ports[${j}]`)));
    arr(rule?.from).forEach((p, j) => errs.push(...validateNetworkPolicyPeer(isObj(p) ? p : {}, `spec.ingress[${i}].from[${j}]`)));
  });
  arr(spec.egress).forEach((rule, i) => {
    arr(rule?.ports).forEach((p, j) => errs.push(...validateNetworkPolicyPort(isObj(p) ? p : {}, `spec.egress[${i}].ports[${j}]`)));
    arr(rule?.to).forEach((p, j) => errs.push(...validateNetworkPolicyPeer(isObj(p) ? p : {}, `spec.egress[${i}].to[${j}]`)));
  });
  const types = arr<string>(spec.policyTypes);
  if (types.length > 2) {
    errs.push(field.invalid('spec.policyTypes', types, 'may not specify more than two policyTypes'));
    return errs;
  }
  types.forEach((t, i) => {
    if (t !== 'Ingress' && t !== 'Egress') errs.push(field.notSupported(`spec.policyTypes[${i}]`, t, ['Ingress', 'Egress']));
  });
  return errs;
}

export function validateNetworkPolicy(obj: KubeObject): FieldError[] {
  return [...validateObjectMeta(obj.metadata, true, nameIsDNSSubdomain), ...validateNetworkPolicySpec(obj.spec ?? {})];
}

export const networkPolicyKind: KindDef = {
  group: 'networking.k8s.io',
  version: 'v1',
  kind: 'NetworkPolicy',
  plural: 'networkpolicies',
  singular: 'networkpolicy',
  namespaced: true,
  shortNames: ['netpol'],
  definition: 'io.k8s.api.networking.v1.NetworkPolicy',
  columns: [NAME_COLUMN, col('Pod-Selector', 'string', 'The pods this policy applies to.'), AGE_COLUMN],
  strategy: {
    defaults: defaultNetworkPolicy,
    validate: validateNetworkPolicy,
    validateUpdate: (obj, old) => [...validateObjectMetaUpdate(obj.metadata, old.metadata), ...validateNetworkPolicy(obj)],
    row: (obj) => [obj.metadata.name, formatLabelSelector(obj.spec?.podSelector ?? {}), ageOf(obj)],
  },
};

export const networkingKinds: KindDef[] = [ingressClassKind, ingressKind, networkPolicyKind];
