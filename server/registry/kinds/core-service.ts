/**
 * core/v1 Service: v1 defaulting, the strategy's normalisation of clusterIP/clusterIPs and
 * type-dependent fields, IP-family initialisation, ClusterIP and NodePort allocation (rebuilt
 * from the stored Services on every call), validation (ValidateService / ValidateServiceUpdate)
 * and the `kubectl get services` row.
 */
import { field, internal, invalid, StatusError } from '../../apiserver/errors.js';
import type { AllocationContext, FieldError, KindDef, KubeObject } from '../types.js';
import {
  formatIPv4,
  formatLabelSet,
  GoValue,
  goStringSlice,
  isDNS1123Label,
  isDNS1123Subdomain,
  isIPv6,
  isQualifiedName,
  isValidIP,
  isValidPortNum,
  nameIsDNS1035Label,
  parseIPv4,
  validateLabels,
  validateCoreObjectMeta,
  validateObjectMetaUpdate,
} from '../validation.js';
import { arr, isObj, jsonEqual, type Obj } from './core-common.js';
import { validatePortNumOrName } from './podspec.js';
import { AGE_COLUMN, col, NAME_COLUMN, translateTimestampSince } from './printers.js';

// ---- cluster configuration ---------------------------------------------------------------------

/** --service-cluster-ip-range */
export const SERVICE_CIDR = '10.96.0.0/12';
/** --service-node-port-range */
export const NODE_PORT_RANGE = { base: 30000, size: 2768 };
/** The `kubernetes` Service's address: the first of the range. */
export const KUBERNETES_SERVICE_IP = '10.96.0.1';

const CIDR_BASE = parseIPv4('10.96.0.0')!;
const CIDR_BITS = 12;
const CIDR_SIZE = 2 ** (32 - CIDR_BITS);

// ---- helpers as pkg/api/service ------------------------------------------------------------------

const type = (s: Obj): string => s?.spec?.type ?? '';
const needsClusterIP = (s: Obj) => type(s) !== 'ExternalName';
const needsNodePort = (s: Obj) => type(s) === 'NodePort' || type(s) === 'LoadBalancer';
/** ExternallyAccessible */
export const externallyAccessible = (s: Obj) => needsNodePort(s) || (type(s) === 'ClusterIP' && arr(s?.spec?.externalIPs).length > 0);
/** NeedsHealthCheck */
export const needsHealthCheck = (s: Obj) => type(s) === 'LoadBalancer' && s?.spec?.externalTrafficPolicy === 'Local';
const isHeadless = (s: Obj) => arr<string>(s?.spec?.clusterIPs).length === 1 && s.spec.clusterIPs[0] === 'None';
const shouldAllocateNodePorts = (s: Obj) => type(s) === 'NodePort' || (type(s) === 'LoadBalancer' && s.spec.allocateLoadBalancerNodePorts !== false);

function familyOf(ip: string): 'IPv4' | 'IPv6' {
  return isIPv6(ip) ? 'IPv6' : 'IPv4';
}

// ---- defaulting and normalisation ----------------------------------------------------------------

/** SetDefaults_Service */
export function defaultService(svc: KubeObject): void {
  const spec: Obj = svc.spec ?? (svc.spec = {});
  if (!spec.sessionAffinity) spec.sessionAffinity = 'None';
  if (spec.sessionAffinity === 'None') delete spec.sessionAffinityConfig;
  if (spec.sessionAffinity === 'ClientIP' && !(typeof spec.sessionAffinityConfig?.clientIP?.timeoutSeconds === 'number')) {
    spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: 10800 } };
  }
  if (!spec.type) spec.type = 'ClusterIP';
  for (const p of arr(spec.ports)) {
    if (!isObj(p)) continue;
    if (!p.protocol) p.protocol = 'TCP';
    if (p.targetPort === undefined || p.targetPort === null || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port;
  }
  if (externallyAccessible(svc) && !spec.externalTrafficPolicy) spec.externalTrafficPolicy = 'Cluster';
  if (spec.internalTrafficPolicy === undefined || spec.internalTrafficPolicy === null) {
    if (['NodePort', 'LoadBalancer', 'ClusterIP'].includes(spec.type)) spec.internalTrafficPolicy = 'Cluster';
  }
  if (spec.type === 'LoadBalancer' && (spec.allocateLoadBalancerNodePorts === undefined || spec.allocateLoadBalancerNodePorts === null)) {
    spec.allocateLoadBalancerNodePorts = true;
  }
  if (spec.type === 'LoadBalancer') {
    for (const ing of arr(svc.status?.loadBalancer?.ingress)) if (ing?.ip && !ing.ipMode) ing.ipMode = 'VIP';
  }
}

/** NormalizeClusterIPs: keep the singular and plural fields in step. */
function normalizeClusterIPs(svc: Obj, old: Obj | undefined): void {
  const spec = svc.spec;
  if (!old) {
    if (spec.clusterIP && arr(spec.clusterIPs).length === 0) spec.clusterIPs = [spec.clusterIP];
    return;
  }
  const oldSpec = old.spec ?? {};
  if (arr(oldSpec.clusterIPs).length > 0 && arr(spec.clusterIPs).length === 0 && (oldSpec.clusterIP ?? '') === (spec.clusterIP ?? '')) {
    spec.clusterIPs = oldSpec.clusterIPs;
  }
  if ((oldSpec.clusterIP ?? '') !== (spec.clusterIP ?? '')) {
    if (oldSpec.clusterIP && !spec.clusterIP) {
      delete spec.clusterIPs;
      return;
    }
    if (arr(spec.clusterIPs).length === 0) {
      spec.clusterIPs = [spec.clusterIP];
      return;
    }
    if (arr(oldSpec.clusterIPs).length > 0 && spec.clusterIPs[0] === oldSpec.clusterIPs[0]) spec.clusterIPs = [spec.clusterIP, ...spec.clusterIPs.slice(1)];
  }
}

function nodePortsOf(s: Obj): number[] {
  return arr(s?.spec?.ports).map((p) => p?.nodePort ?? 0);
}

/** dropTypeDependentFields (update only): wipe what the old type allocated and the new one does not need. */
function dropTypeDependentFields(svc: Obj, old: Obj): void {
  const spec = svc.spec;
  const oldSpec = old.spec ?? {};
  if (needsClusterIP(old) && !needsClusterIP(svc)) {
    if ((spec.clusterIP ?? '') === (oldSpec.clusterIP ?? '') && jsonEqual(spec.clusterIPs ?? [], oldSpec.clusterIPs ?? [])) {
      delete spec.clusterIP;
      delete spec.clusterIPs;
    }
    if (jsonEqual(spec.ipFamilies ?? [], oldSpec.ipFamilies ?? [])) delete spec.ipFamilies;
    if ((spec.ipFamilyPolicy ?? null) === (oldSpec.ipFamilyPolicy ?? null)) delete spec.ipFamilyPolicy;
  }
  if (needsNodePort(old) && !needsNodePort(svc) && jsonEqual(nodePortsOf(svc), nodePortsOf(old))) {
    for (const p of arr(spec.ports)) delete p.nodePort;
  }
  if (needsHealthCheck(old) && !needsHealthCheck(svc) && (spec.healthCheckNodePort ?? 0) === (oldSpec.healthCheckNodePort ?? 0)) delete spec.healthCheckNodePort;
  if (oldSpec.type === 'LoadBalancer' && spec.type !== 'LoadBalancer') {
    if (typeof spec.allocateLoadBalancerNodePorts === 'boolean' && spec.allocateLoadBalancerNodePorts === oldSpec.allocateLoadBalancerNodePorts) delete spec.allocateLoadBalancerNodePorts;
    if (spec.loadBalancerClass !== undefined && spec.loadBalancerClass === oldSpec.loadBalancerClass) delete spec.loadBalancerClass;
  }
  if (externallyAccessible(old) && !externallyAccessible(svc) && spec.externalTrafficPolicy === oldSpec.externalTrafficPolicy) delete spec.externalTrafficPolicy;
  if (spec.type !== 'LoadBalancer' && isObj(svc.status)) svc.status.loadBalancer = {};
}

/** patchAllocatedValues: a client that omits allocated values keeps them. */
function patchAllocatedValues(svc: Obj, old: Obj): void {
  const spec = svc.spec;
  const oldSpec = old.spec ?? {};
  if (needsClusterIP(old) && needsClusterIP(svc)) {
    if (!spec.clusterIP && oldSpec.clusterIP) spec.clusterIP = oldSpec.clusterIP;
    if (arr(spec.clusterIPs).length === 0 && arr(oldSpec.clusterIPs).length > 0) spec.clusterIPs = [...oldSpec.clusterIPs];
  }
  if (needsNodePort(old) && needsNodePort(svc)) {
    const used = new Set(nodePortsOf(old).filter((p) => p && nodePortsOf(svc).includes(p)));
    const byName = new Map<string, number>(arr(oldSpec.ports).map((p) => [p?.name ?? '', p?.nodePort ?? 0]));
    for (const p of arr(spec.ports)) {
      if (!p?.nodePort) {
        const v = byName.get(p?.name ?? '') ?? 0;
        if (v && !used.has(v)) p.nodePort = v;
      }
    }
  }
  if (needsHealthCheck(old) && needsHealthCheck(svc) && !spec.healthCheckNodePort && oldSpec.healthCheckNodePort) {
    spec.healthCheckNodePort = oldSpec.healthCheckNodePort;
  }
}

/**
 * initIPFamilyFields for a single-stack IPv4 cluster: default ipFamilyPolicy (SingleStack, or
 * RequireDualStack for headless selectorless services) and ipFamilies. Returns field errors for
 * requests this cluster cannot honour.
 */
function initIPFamilyFields(svc: Obj, old: Obj | undefined): FieldError[] {
  const spec = svc.spec;
  if (spec.type === 'ExternalName') return [];
  if (spec.ipFamilyPolicy === undefined || spec.ipFamilyPolicy === null) {
    if (old?.spec?.ipFamilyPolicy) spec.ipFamilyPolicy = old.spec.ipFamilyPolicy;
    else if (spec.clusterIP === 'None' && Object.keys(spec.selector ?? {}).length === 0) spec.ipFamilyPolicy = 'RequireDualStack';
    else spec.ipFamilyPolicy = 'SingleStack';
  }
  const errs = validateClusterIPsRelatedFields(svc);
  if (errs.length) return errs;
  const el: FieldError[] = [];
  if (old && spec.ipFamilyPolicy === 'SingleStack') {
    if (jsonEqual(spec.clusterIPs ?? [], old.spec?.clusterIPs ?? []) && arr(spec.clusterIPs).length > 1) spec.clusterIPs = spec.clusterIPs.slice(0, 1);
    if (jsonEqual(spec.ipFamilies ?? [], old.spec?.ipFamilies ?? []) && arr(spec.ipFamilies).length > 1) spec.ipFamilies = spec.ipFamilies.slice(0, 1);
  }
  if (spec.ipFamilyPolicy === 'SingleStack') {
    if (arr(spec.clusterIPs).length === 2) el.push(field.invalid('spec.ipFamilyPolicy', spec.ipFamilyPolicy, "must be 'RequireDualStack' or 'PreferDualStack' when multiple cluster IPs are specified"));
    if (arr(spec.ipFamilies).length === 2) el.push(field.invalid('spec.ipFamilyPolicy', spec.ipFamilyPolicy, "must be 'RequireDualStack' or 'PreferDualStack' when multiple IP families are specified"));
  }
  arr<string>(spec.clusterIPs).forEach((ip, i) => {
    if (ip === 'None' || el.length) return;
    const fam = familyOf(ip);
    if (i >= arr(spec.ipFamilies).length) {
      if (fam !== 'IPv4') el.push(field.invalid(`spec.clusterIPs[${i}]`, goStringSlice(spec.clusterIPs), `${fam} is not configured on this cluster`));
      else spec.ipFamilies = [...arr(spec.ipFamilies), fam];
    }
  });
  if (el.length) return el;
  if (spec.clusterIP === 'None' && Object.keys(spec.selector ?? {}).length === 0) {
    if (arr(spec.ipFamilies).length === 0) spec.ipFamilies = ['IPv4'];
    if (spec.ipFamilies.length < 2 && spec.ipFamilyPolicy !== 'SingleStack') spec.ipFamilies = [...spec.ipFamilies, spec.ipFamilies[0] === 'IPv4' ? 'IPv6' : 'IPv4'];
    return [];
  }
  if (spec.ipFamilyPolicy === 'RequireDualStack') el.push(field.invalid('spec.ipFamilyPolicy', spec.ipFamilyPolicy, 'this cluster is not configured for dual-stack services'));
  arr<string>(spec.ipFamilies).forEach((f, i) => {
    if (f !== 'IPv4') el.push(field.invalid(`spec.ipFamilies[${i}]`, f, 'not configured on this cluster'));
  });
  if (el.length) return el;
  if (arr(spec.ipFamilies).length === 0) spec.ipFamilies = ['IPv4'];
  return [];
}

// ---- allocation --------------------------------------------------------------------------------------

function takenOf(ctx: AllocationContext, self: Obj): { ips: Set<string>; ports: Set<number> } {
  const ips = new Set<string>();
  const ports = new Set<number>();
  for (const s of ctx.list('', 'services')) {
    if (s.metadata?.namespace === self.metadata?.namespace && s.metadata?.name === self.metadata?.name) continue;
    for (const ip of arr<string>(s.spec?.clusterIPs)) if (ip && ip !== 'None') ips.add(ip);
    if (s.spec?.clusterIP && s.spec.clusterIP !== 'None') ips.add(s.spec.clusterIP);
    for (const p of arr(s.spec?.ports)) if (p?.nodePort) ports.add(p.nodePort);
    if (s.spec?.healthCheckNodePort) ports.add(s.spec.healthCheckNodePort);
  }
  return { ips, ports };
}

function inRange(ip: string): boolean {
  const n = parseIPv4(ip);
  return n !== undefined && n > CIDR_BASE && n < CIDR_BASE + CIDR_SIZE - 1;
}

/** A free address: dynamic allocation prefers the upper part of the range (above the static band). */
function nextIP(taken: Set<string>, self: Obj): string {
  const staticBand = Math.min(Math.max(16, CIDR_SIZE / 16), 256);
  const isKubernetes = self.metadata?.namespace === 'default' && self.metadata?.name === 'kubernetes';
  const free = (n: number) => {
    const ip = formatIPv4(n);
    return !taken.has(ip) && (isKubernetes || ip !== KUBERNETES_SERVICE_IP);
  };
  const first = CIDR_BASE + staticBand;
  const last = CIDR_BASE + CIDR_SIZE - 2;
  const span = last - first + 1;
  const start = first + Math.floor(Math.random() * span);
  for (let i = 0; i < span; i++) {
    const n = first + ((start - first + i) % span);
    if (free(n)) return formatIPv4(n);
  }
  for (let n = CIDR_BASE + 1; n < first; n++) if (free(n)) return formatIPv4(n);
  throw internal(new Error('failed to allocate a serviceIP: range is full'));
}

function allocateIP(svc: Obj, requested: string, taken: Set<string>): string {
  const name = svc.metadata?.name ?? '';
  if (!requested) return nextIP(taken, svc);
  const fail = (why: string) =>
    invalid('', 'Service', name, [field.invalid('spec.clusterIPs', goStringSlice(svc.spec.clusterIPs), `failed to allocate IP ${requested}: ${why}`)]);
  if (!inRange(requested)) throw fail(`the provided IP (${requested}) is not in the valid range. The range of valid IPs is ${SERVICE_CIDR}`);
  if (taken.has(requested)) throw fail('provided IP is already allocated');
  return requested;
}

function portFree(p: number, taken: Set<number>): boolean {
  return !taken.has(p);
}

function nextNodePort(taken: Set<number>): number {
  const { base, size } = NODE_PORT_RANGE;
  const staticBand = Math.min(Math.max(16, Math.floor(size / 32)), 128);
  const span = size - staticBand;
  const start = Math.floor(Math.random() * span);
  for (let i = 0; i < span; i++) {
    const p = base + staticBand + ((start + i) % span);
    if (portFree(p, taken)) return p;
  }
  for (let p = base; p < base + staticBand; p++) if (portFree(p, taken)) return p;
  throw internal(new Error('failed to allocate a nodePort: range is full'));
}

function claimNodePort(svc: Obj, p: number, path: string, taken: Set<number>): void {
  const { base, size } = NODE_PORT_RANGE;
  const name = svc.metadata?.name ?? '';
  if (p < base || p >= base + size) {
    throw invalid('', 'Service', name, [field.invalid(path, p, `provided port is not in the valid range. The range of valid ports is ${base}-${base + size - 1}`)]);
  }
  if (taken.has(p)) throw invalid('', 'Service', name, [field.invalid(path, p, 'provided port is already allocated')]);
  taken.add(p);
}

/** Allocates clusterIPs and nodePorts (create and update), as the Service REST's allocators do. */
export function allocateService(svc: KubeObject, old: KubeObject | undefined, ctx: AllocationContext): void {
  const spec: Obj = svc.spec;
  const { ips, ports } = takenOf(ctx, svc);
  // cluster IPs
  const wasExternalName = old ? !needsClusterIP(old) : true;
  if (needsClusterIP(svc) && !isHeadless(svc) && (wasExternalName || arr(old?.spec?.clusterIPs).length === 0)) {
    const requested = arr<string>(spec.clusterIPs)[0] ?? '';
    const ip = allocateIP(svc, requested, ips);
    spec.clusterIP = ip;
    spec.clusterIPs = [ip, ...arr<string>(spec.clusterIPs).slice(1)];
  }
  // node ports
  const oldPorts = new Set(old && needsNodePort(old) ? nodePortsOf(old).filter(Boolean) : []);
  if (old && needsHealthCheck(old) && old.spec.healthCheckNodePort) oldPorts.add(old.spec.healthCheckNodePort);
  // ports the old object held are not "taken" by anyone else
  if (needsNodePort(svc)) {
    const byServicePort = new Map<number, number>();
    arr(spec.ports).forEach((p, i) => {
      if (!isObj(p)) return;
      const path = `spec.ports[${i}].nodePort`;
      if (!p.nodePort && !shouldAllocateNodePorts(svc)) return;
      const already = byServicePort.get(p.port);
      if (p.nodePort) {
        if (already === p.nodePort) return;
        if (!oldPorts.has(p.nodePort)) claimNodePort(svc, p.nodePort, path, ports);
        byServicePort.set(p.port, p.nodePort);
        return;
      }
      if (already) {
        p.nodePort = already;
        return;
      }
      const requested = arr(spec.ports).find((q) => q?.port === p.port && q?.nodePort)?.nodePort;
      if (requested) {
        if (!oldPorts.has(requested)) claimNodePort(svc, requested, path, ports);
        p.nodePort = requested;
      } else {
        p.nodePort = nextNodePort(ports);
        ports.add(p.nodePort);
      }
      byServicePort.set(p.port, p.nodePort);
    });
  }
  if (needsHealthCheck(svc)) {
    if (spec.healthCheckNodePort) {
      if (!oldPorts.has(spec.healthCheckNodePort) && ports.has(spec.healthCheckNodePort)) {
        throw internal(new Error(`failed to allocate requested HealthCheck NodePort ${spec.healthCheckNodePort}: provided port is already allocated`));
      }
    } else {
      spec.healthCheckNodePort = nextNodePort(ports);
    }
  }
}

// ---- validation ----------------------------------------------------------------------------------

const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];

function ipErrors(ip: string, path: string): FieldError[] {
  return isValidIP(ip).map((m) => field.invalid(path, ip, m));
}

/** ValidateServiceClusterIPsRelatedFields */
export function validateClusterIPsRelatedFields(svc: Obj): FieldError[] {
  const spec: Obj = svc.spec ?? {};
  if (spec.type === 'ExternalName') return [];
  const errs: FieldError[] = [];
  const ips = arr<string>(spec.clusterIPs);
  if (spec.clusterIP) {
    if (ips.length === 0) errs.push(field.required('spec.clusterIPs', ''));
    else if (ips[0] !== spec.clusterIP) errs.push(field.invalid('spec.clusterIPs', goStringSlice(ips), 'first value must match `clusterIP`'));
  } else if (ips.length) {
    errs.push(field.invalid('spec.clusterIPs', goStringSlice(ips), 'must be empty when `clusterIP` is not specified'));
  }
  const seen = new Set<string>();
  arr<string>(spec.ipFamilies).forEach((f, i) => {
    if (f !== 'IPv4' && f !== 'IPv6') errs.push(field.notSupported(`spec.ipFamilies[${i}]`, f, ['IPv4', 'IPv6']));
    if (seen.has(f)) errs.push(field.duplicate(`spec.ipFamilies[${i}]`, f));
    seen.add(f);
  });
  if (spec.ipFamilyPolicy !== undefined && spec.ipFamilyPolicy !== null && !['PreferDualStack', 'RequireDualStack', 'SingleStack'].includes(spec.ipFamilyPolicy)) {
    errs.push(field.notSupported('spec.ipFamilyPolicy', spec.ipFamilyPolicy, ['PreferDualStack', 'RequireDualStack', 'SingleStack']));
  }
  let badIPs = false;
  ips.forEach((ip, i) => {
    if (i === 0 && ip === 'None') {
      if (ips.length > 1) {
        badIPs = true;
        errs.push(field.invalid('spec.clusterIPs', goStringSlice(ips), "'None' must be the first and only value"));
      }
      return;
    }
    const e = ipErrors(ip, `spec.clusterIPs[${i}]`);
    if (e.length) badIPs = true;
    errs.push(...e);
  });
  if (ips.length > 2) errs.push(field.invalid('spec.clusterIPs', goStringSlice(ips), 'may only hold up to 2 values'));
  if (badIPs) return errs;
  if (ips.length > 1 && familyOf(ips[0]) === familyOf(ips[1])) {
    errs.push(field.invalid('spec.clusterIPs', goStringSlice(ips), 'may specify no more than one IP for each IP family'));
  }
  if (!isHeadless(svc)) {
    ips.forEach((ip, i) => {
      const f = arr<string>(spec.ipFamilies)[i];
      if (f === 'IPv4' && isIPv6(ip)) errs.push(field.invalid(`spec.clusterIPs[${i}]`, ip, `expected an IPv4 value as indicated by \`ipFamilies[${i}]\``));
      if (f === 'IPv6' && !isIPv6(ip)) errs.push(field.invalid(`spec.clusterIPs[${i}]`, ip, `expected an IPv6 value as indicated by \`ipFamilies[${i}]\``));
    });
  }
  return errs;
}

/** %#v of core.ServicePort{Protocol, Port}: the value upstream's duplicate-port error shows. */
function servicePortKey(protocol: string, port: number): GoValue {
  return new GoValue(
    { protocol, port },
    `core.ServicePort{Name:"", Protocol:"${protocol}", AppProtocol:(*string)(nil), Port:${port}, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}`,
  );
}

function isValidCIDR(v: string): boolean {
  const m = /^(.+)\/(\d{1,3})$/.exec(v);
  if (!m) return false;
  const bits = Number(m[2]);
  if (parseIPv4(m[1]) !== undefined) return bits <= 32;
  return isIPv6(m[1]) && bits <= 128;
}

/** ValidateService. `creating`: healthCheckNodePort is allocated after validation here. */
export function validateService(svc: KubeObject, creating = false): FieldError[] {
  const errs = validateCoreObjectMeta(svc.metadata, true, nameIsDNS1035Label);
  const spec: Obj = svc.spec ?? {};
  const ann: Record<string, string> = svc.metadata.annotations ?? {};
  const hints = ann['service.kubernetes.io/topology-aware-hints'];
  const mode = ann['service.kubernetes.io/topology-mode'];
  if (hints !== undefined && mode !== undefined && hints !== mode) {
    errs.push(field.invalid('metadata.annotations[service.kubernetes.io/topology-mode]', mode, 'must match annotations[service.kubernetes.io/topology-aware-hints] when both are specified'));
  }
  const ports = arr(spec.ports);
  const headless = isHeadless(svc);
  if (ports.length === 0 && !headless && spec.type !== 'ExternalName') errs.push(field.required('spec.ports', ''));
  switch (spec.type) {
    case 'LoadBalancer':
      if (headless) errs.push(field.invalid('spec.clusterIPs[0]', spec.clusterIPs[0], "may not be set to 'None' for LoadBalancer services"));
      break;
    case 'NodePort':
      if (headless) errs.push(field.invalid('spec.clusterIPs[0]', spec.clusterIPs[0], "may not be set to 'None' for NodePort services"));
      break;
    case 'ExternalName': {
      if (arr(spec.clusterIPs).length > 0) errs.push(field.forbidden('spec.clusterIPs', 'may not be set for ExternalName services'));
      if (arr(spec.ipFamilies).length > 0) errs.push(field.forbidden('spec.ipFamilies', 'may not be set for ExternalName services'));
      if (spec.ipFamilyPolicy !== undefined && spec.ipFamilyPolicy !== null) errs.push(field.forbidden('spec.ipFamilyPolicy', 'may not be set for ExternalName services'));
      const cname = String(spec.externalName ?? '').replace(/\.$/, '');
      if (cname) for (const m of isDNS1123Subdomain(cname)) errs.push(field.invalid('spec.externalName', cname, m));
      else errs.push(field.required('spec.externalName', ''));
      break;
    }
  }
  const names = new Set<string>();
  ports.forEach((p0, i) => {
    const p: Obj = isObj(p0) ? p0 : {};
    const pp = `spec.ports[${i}]`;
    if (ports.length > 1 && !p.name) errs.push(field.required(`${pp}.name`, ''));
    else if (p.name) {
      for (const m of isDNS1123Label(p.name)) errs.push(field.invalid(`${pp}.name`, p.name, m));
      if (names.has(p.name)) errs.push(field.duplicate(`${pp}.name`, p.name));
      else names.add(p.name);
    }
    for (const m of isValidPortNum(p.port ?? 0)) errs.push(field.invalid(`${pp}.port`, p.port ?? 0, m));
    if (!p.protocol) errs.push(field.required(`${pp}.protocol`, ''));
    else if (!PROTOCOLS.includes(p.protocol)) errs.push(field.notSupported(`${pp}.protocol`, p.protocol, PROTOCOLS));
    errs.push(...validatePortNumOrName(p.targetPort, `${pp}.targetPort`));
    if (p.appProtocol !== undefined && p.appProtocol !== null) {
      for (const m of isQualifiedName(p.appProtocol)) errs.push(field.invalid(`${pp}.appProtocol`, p.appProtocol, m));
    }
  });
  if (spec.selector !== undefined && spec.selector !== null) errs.push(...validateLabels(spec.selector, 'spec.selector'));
  if (!spec.sessionAffinity) errs.push(field.required('spec.sessionAffinity', ''));
  else if (!['ClientIP', 'None'].includes(spec.sessionAffinity)) errs.push(field.notSupported('spec.sessionAffinity', spec.sessionAffinity, ['ClientIP', 'None']));
  if (spec.sessionAffinity === 'ClientIP') {
    const cfg = spec.sessionAffinityConfig;
    const sp = 'spec.sessionAffinityConfig';
    if (!isObj(cfg)) errs.push(field.required(sp, 'when session affinity type is ClientIP'));
    else if (!isObj(cfg.clientIP)) errs.push(field.required(`${sp}.clientIP`, 'when session affinity type is ClientIP'));
    else if (typeof cfg.clientIP.timeoutSeconds !== 'number') errs.push(field.required(`${sp}.clientIP.timeoutSeconds`, 'when session affinity type is ClientIP'));
    else if (cfg.clientIP.timeoutSeconds <= 0 || cfg.clientIP.timeoutSeconds > 86400) {
      errs.push(field.invalid(`${sp}.clientIP.timeoutSeconds`, cfg.clientIP.timeoutSeconds, 'must be greater than 0 and less than 86400'));
    }
  } else if (spec.sessionAffinity === 'None' && spec.sessionAffinityConfig) {
    errs.push(field.forbidden('spec.sessionAffinityConfig', 'must not be set when session affinity is None'));
  }
  errs.push(...validateClusterIPsRelatedFields(svc));
  arr<string>(spec.externalIPs).forEach((ip, i) => {
    const p = `spec.externalIPs[${i}]`;
    const e = ipErrors(ip, p);
    if (e.length) errs.push(...e);
    else errs.push(...nonSpecialIP(ip, p));
  });
  if (!spec.type) errs.push(field.required('spec.type', ''));
  else if (!SERVICE_TYPES.includes(spec.type)) errs.push(field.notSupported('spec.type', spec.type, SERVICE_TYPES));
  if (spec.type === 'ClusterIP') {
    ports.forEach((p, i) => {
      if (p?.nodePort) errs.push(field.forbidden(`spec.ports[${i}].nodePort`, "may not be used when `type` is 'ClusterIP'"));
    });
  }
  const nodePorts = new Set<string>();
  ports.forEach((p, i) => {
    if (!p?.nodePort) return;
    const key = `${p.protocol}/${p.nodePort}`;
    if (nodePorts.has(key)) errs.push(field.duplicate(`spec.ports[${i}].nodePort`, p.nodePort));
    nodePorts.add(key);
  });
  const seenPorts = new Set<string>();
  ports.forEach((p, i) => {
    const key = `${p?.protocol}/${p?.port}`;
    if (seenPorts.has(key)) errs.push(field.duplicate(`spec.ports[${i}]`, servicePortKey(p?.protocol ?? '', p?.port ?? 0)));
    seenPorts.add(key);
  });
  const ranges = arr<string>(spec.loadBalancerSourceRanges);
  if (ranges.length) {
    const fp = 'spec.LoadBalancerSourceRanges';
    if (spec.type !== 'LoadBalancer') errs.push(field.forbidden(fp, "may only be used when `type` is 'LoadBalancer'"));
    ranges.forEach((r, i) => {
      const v = String(r).trim();
      if (!isValidCIDR(v)) errs.push(field.invalid(`${fp}[${i}]`, v, 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)'));
    });
  }
  if (spec.allocateLoadBalancerNodePorts !== undefined && spec.allocateLoadBalancerNodePorts !== null && spec.type !== 'LoadBalancer') {
    errs.push(field.forbidden('spec.allocateLoadBalancerNodePorts', "may only be used when `type` is 'LoadBalancer'"));
  }
  if (spec.type === 'LoadBalancer' && (spec.allocateLoadBalancerNodePorts === undefined || spec.allocateLoadBalancerNodePorts === null)) {
    errs.push(field.required('allocateLoadBalancerNodePorts', ''));
  }
  if (spec.type === 'LoadBalancer') {
    if (spec.loadBalancerClass !== undefined && spec.loadBalancerClass !== null) {
      for (const m of isQualifiedName(spec.loadBalancerClass)) errs.push(field.invalid('spec.loadBalancerClass', spec.loadBalancerClass, m));
    }
  } else if (spec.loadBalancerClass !== undefined && spec.loadBalancerClass !== null) {
    errs.push(field.forbidden('spec.loadBalancerClass', "may only be used when `type` is 'LoadBalancer'"));
  }
  if (!externallyAccessible(svc)) {
    if (spec.externalTrafficPolicy) errs.push(field.invalid('spec.externalTrafficPolicy', spec.externalTrafficPolicy, 'may only be set for externally-accessible services'));
  } else if (!spec.externalTrafficPolicy) {
    errs.push(field.required('spec.externalTrafficPolicy', ''));
  } else if (!['Cluster', 'Local'].includes(spec.externalTrafficPolicy)) {
    errs.push(field.notSupported('spec.externalTrafficPolicy', spec.externalTrafficPolicy, ['Cluster', 'Local']));
  }
  if (!needsHealthCheck(svc)) {
    if (spec.healthCheckNodePort) errs.push(field.invalid('spec.healthCheckNodePort', spec.healthCheckNodePort, "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"));
  } else if (!spec.healthCheckNodePort) {
    if (!creating) errs.push(field.required('spec.healthCheckNodePort', ''));
  } else {
    for (const m of isValidPortNum(spec.healthCheckNodePort)) errs.push(field.invalid('spec.healthCheckNodePort', spec.healthCheckNodePort, m));
  }
  if (spec.internalTrafficPolicy === undefined || spec.internalTrafficPolicy === null) {
    if (['NodePort', 'LoadBalancer', 'ClusterIP'].includes(spec.type)) errs.push(field.required('spec.internalTrafficPolicy', ''));
  } else if (!['Cluster', 'Local'].includes(spec.internalTrafficPolicy)) {
    errs.push(field.notSupported('spec.internalTrafficPolicy', spec.internalTrafficPolicy, ['Cluster', 'Local']));
  }
  if (spec.trafficDistribution !== undefined && spec.trafficDistribution !== null && spec.trafficDistribution !== 'PreferClose') {
    errs.push(field.notSupported('spec.trafficDistribution', spec.trafficDistribution, ['PreferClose']));
  }
  return errs;
}

/** ValidateNonSpecialIP */
export function nonSpecialIP(ip: string, path: string): FieldError[] {
  const n = parseIPv4(ip);
  const errs: FieldError[] = [];
  if (n !== undefined) {
    if (n === 0) errs.push(field.invalid(path, ip, `may not be unspecified (${ip})`));
    if (n >>> 24 === 127) errs.push(field.invalid(path, ip, 'may not be in the loopback range (127.0.0.0/8, ::1/128)'));
    if (n >>> 16 === (169 << 8) + 254) errs.push(field.invalid(path, ip, 'may not be in the link-local range (169.254.0.0/16, fe80::/10)'));
    if (n >>> 8 === (224 << 16)) errs.push(field.invalid(path, ip, 'may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)'));
  } else {
    const v = ip.toLowerCase();
    if (v === '::') errs.push(field.invalid(path, ip, `may not be unspecified (${ip})`));
    if (v === '::1') errs.push(field.invalid(path, ip, 'may not be in the loopback range (127.0.0.0/8, ::1/128)'));
    if (/^fe[89ab]/.test(v)) errs.push(field.invalid(path, ip, 'may not be in the link-local range (169.254.0.0/16, fe80::/10)'));
    if (v.startsWith('ff02:')) errs.push(field.invalid(path, ip, 'may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)'));
  }
  return errs;
}

/** ValidateServiceUpdate */
export function validateServiceUpdate(svc: KubeObject, old: KubeObject): FieldError[] {
  const errs = validateObjectMetaUpdate(svc.metadata, old.metadata);
  const spec: Obj = svc.spec ?? {};
  const oldSpec: Obj = old.spec ?? {};
  if (spec.type !== 'ExternalName' && oldSpec.type !== 'ExternalName' && !(isHeadless(old) && isHeadless(svc))) {
    const newIPs = arr<string>(spec.clusterIPs);
    const oldIPs = arr<string>(oldSpec.clusterIPs);
    const shown = goStringSlice(newIPs);
    if (oldIPs.length === newIPs.length) {
      oldIPs.forEach((ip, i) => {
        if (ip !== newIPs[i]) errs.push(field.invalid(`spec.clusterIPs[${i}]`, shown, 'may not change once set'));
      });
    } else if (oldIPs.length > newIPs.length) {
      if (newIPs.length === 0) errs.push(field.invalid('spec.clusterIPs[0]', shown, 'primary clusterIP can not be unset'));
      if (oldIPs.length && newIPs.length && newIPs[0] !== oldIPs[0]) errs.push(field.invalid('spec.clusterIPs[0]', shown, 'may not change once set'));
      if (newIPs.length === 1 && spec.ipFamilyPolicy !== 'SingleStack') {
        errs.push(field.invalid('spec.ipFamilyPolicy', spec.ipFamilyPolicy ?? null, "must be set to 'SingleStack' when releasing the secondary clusterIP"));
      }
    } else if (oldIPs.length > 0 && newIPs[0] !== oldIPs[0]) {
      errs.push(field.invalid('spec.clusterIPs[0]', shown, 'may not change once set'));
    }
  }
  if (spec.type !== 'ExternalName' && oldSpec.type !== 'ExternalName' && isHeadless(old) === isHeadless(svc) && !isHeadless(svc)) {
    const nf = arr<string>(spec.ipFamilies);
    const of = arr<string>(oldSpec.ipFamilies);
    if (nf.length === of.length) {
      of.forEach((f, i) => {
        if (f !== nf[i]) errs.push(field.invalid('spec.ipFamilies[0]', goStringSlice(nf), 'may not change once set'));
      });
    } else if (nf.length && of.length && nf[0] !== of[0]) {
      errs.push(field.invalid('spec.ipFamilies[0]', goStringSlice(arr<string>(spec.clusterIPs)), 'may not change once set'));
    }
  }
  if (oldSpec.type === 'LoadBalancer' && spec.type === 'LoadBalancer' && (oldSpec.loadBalancerClass ?? null) !== (spec.loadBalancerClass ?? null)) {
    errs.push(field.invalid('spec.loadBalancerClass', spec.loadBalancerClass ?? null, 'may not change once set'));
  }
  if (needsHealthCheck(old) && needsHealthCheck(svc) && spec.healthCheckNodePort !== oldSpec.healthCheckNodePort) {
    errs.push(field.forbidden('spec.healthCheckNodePort', 'field is immutable'));
  }
  errs.push(...validateService(svc));
  return errs;
}

// ---- printing ------------------------------------------------------------------------------------

function lbStatus(status: Obj, wide: boolean): string {
  const set = new Set<string>();
  for (const ing of arr(status?.loadBalancer?.ingress)) {
    if (ing?.ip) set.add(ing.ip);
    else if (ing?.hostname) set.add(ing.hostname);
  }
  let r = [...set].sort().join(',');
  if (!wide && r.length > 16) r = r.slice(0, 13) + '...';
  return r;
}

/** getServiceExternalIP (the server prints with Wide set). */
function externalIP(svc: Obj, wide: boolean): string {
  const spec: Obj = svc.spec ?? {};
  const ext = arr<string>(spec.externalIPs);
  switch (spec.type) {
    case 'ClusterIP':
    case 'NodePort':
      return ext.length ? ext.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = lbStatus(svc.status, wide);
      if (ext.length) return [...(lb ? lb.split(',') : []), ...ext].join(',');
      return lb || '<pending>';
    }
    case 'ExternalName':
      return spec.externalName ?? '';
  }
  return '<unknown>';
}

/** makePortString: `80/TCP`, `80:30080/TCP`, comma-joined. */
export function servicePorts(ports: unknown): string {
  return arr(ports)
    .map((p) => (p?.nodePort > 0 ? `${p.port}:${p.nodePort}/${p.protocol}` : `${p?.port}/${p?.protocol}`))
    .join(',');
}

export function serviceRow(svc: KubeObject, now: number = Date.now()): unknown[] {
  const spec: Obj = svc.spec ?? {};
  return [
    svc.metadata.name,
    spec.type ?? '',
    arr<string>(spec.clusterIPs)[0] ?? '<none>',
    externalIP(svc, true),
    servicePorts(spec.ports) || '<none>',
    translateTimestampSince(svc.metadata.creationTimestamp, now),
    formatLabelSet(spec.selector) || '<none>',
  ];
}

// ---- the kind ------------------------------------------------------------------------------------

export const serviceKind: KindDef = {
  group: '',
  version: 'v1',
  kind: 'Service',
  plural: 'services',
  singular: 'service',
  namespaced: true,
  shortNames: ['svc'],
  categories: ['all'],
  definition: 'io.k8s.api.core.v1.Service',
  subresources: {
    status: true,
    extra: [{ name: 'proxy', kind: { group: '', version: 'v1', kind: 'ServiceProxyOptions' }, verbs: ['create', 'delete', 'get', 'patch', 'update'] }],
  },
  columns: [
    NAME_COLUMN,
    col('Type', 'string', 'How the service is exposed: ClusterIP, NodePort, LoadBalancer or ExternalName.'),
    col('Cluster-IP', 'string', 'The virtual IP of the service inside the cluster.'),
    col('External-IP', 'string', 'Addresses the service is reachable at from outside the cluster.'),
    col('Port(s)', 'string', 'The ports the service exposes, with node ports where allocated.'),
    AGE_COLUMN,
    col('Selector', 'string', 'The labels of the pods the service routes to.', 1),
  ],
  strategy: {
    defaults: defaultService,
    prepareForCreate(obj) {
      obj.status = { loadBalancer: {} };
      normalizeClusterIPs(obj, undefined);
      const errs = initIPFamilyFields(obj, undefined);
      if (errs.length) throw invalid('', 'Service', obj.metadata.name ?? '', errs);
    },
    prepareForUpdate(obj, old) {
      normalizeClusterIPs(obj, old);
      dropTypeDependentFields(obj, old);
      patchAllocatedValues(obj, old);
      const errs = initIPFamilyFields(obj, old);
      if (errs.length) throw invalid('', 'Service', obj.metadata.name ?? '', errs);
    },
    validate: (obj) => validateService(obj, true),
    validateUpdate: validateServiceUpdate,
    allocate: allocateService,
    release() {
      // Allocations are rebuilt from the stored Services on every call: nothing to hand back.
    },
    row: (obj) => serviceRow(obj),
  },
};

export { StatusError };
