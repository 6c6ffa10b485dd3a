/**
 * discovery.k8s.io/v1: EndpointSlice.
 */
import { field } from '../../apiserver/errors.js';
import type { FieldError, KindDef, KubeObject } from '../types.js';
import {
  isDNS1123Label,
  isDNS1123Subdomain,
  isIPv6,
  isQualifiedName,
  nameIsDNSSubdomain,
  parseIPv4,
  validateLabels,
  validateObjectMeta,
  validateObjectMetaUpdate,
} from '../validation.js';
import { immutable } from './core-common.js';
import { AGE_COLUMN, NAME_COLUMN, age as ageOf, col } from './printers.js';

type Obj = Record<string, any>;

const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);
const arr = <T = Obj>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);

const ADDRESS_TYPES = ['FQDN', 'IPv4', 'IPv6'];
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const MAX_ENDPOINTS = 1000;
const MAX_ADDRESSES = 100;
const MAX_PORTS = 20000;
const MAX_TOPOLOGY_LABELS = 16;
const MAX_ZONE_HINTS = 8;

/** SetDefaults_EndpointPort */
export function defaultEndpointSlice(obj: KubeObject): void {
  for (const p of arr(obj.ports)) {
    if (!isObj(p)) continue;
    if (p.name == null) p.name = '';
    if (p.protocol == null) p.protocol = 'TCP';
  }
}

/** The eight 16-bit groups of a valid IPv6 address. */
function ipv6Groups(ip: string): number[] {
  const parse = (part: string): number[] => {
    if (!part) return [];
    const out: number[] = [];
    for (const grp of part.split(':')) {
      if (grp.includes('.')) {
        const n = parseIPv4(grp) ?? 0;
        out.push((n >>> 16) & 0xffff, n & 0xffff);
      } else out.push(parseInt(grp, 16));
    }
    return out;
  };
  const halves = ip.split('::');
  const head = parse(halves[0]);
  if (halves.length === 1) return head;
  const tail = parse(halves[1]);
  return [...head, ...new Array(Math.max(0, 8 - head.length - tail.length)).fill(0), ...tail];
}

/** ValidateNonSpecialIP for a parsed v4 or v6 address. */
function nonSpecialIP(ip: string, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const v4 = parseIPv4(ip);
  if (v4 !== undefined) {
    if (v4 === 0) errs.push(field.invalid(path, ip, `may not be unspecified (${ip})`));
    if (v4 >>> 24 === 127) errs.push(field.invalid(path, ip, 'may not be in the loopback range (127.0.0.0/8, ::1/128)'));
    if (v4 >>> 16 === (169 << 8) + 254) errs.push(field.invalid(path, ip, 'may not be in the link-local range (169.254.0.0/16, fe80::/10)'));
    if (v4 >>> 8 === (224 << 16)) errs.push(field.invalid(path, ip, 'may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)'));
    return errs;
  }
  const g = ipv6Groups(ip);
  if (g.every((x) => x === 0)) errs.push(field.invalid(path, ip, `may not be unspecified (${ip})`));
  if (g.slice(0, 7).every((x) => x === 0) && g[7] === 1) errs.push(field.invalid(path, ip, 'may not be in the loopback range (127.0.0.0/8, ::1/128)'));
  if ((g[0] & 0xffc0) === 0xfe80) errs.push(field.invalid(path, ip, 'may not be in the link-local range (169.254.0.0/16, fe80::/10)'));
  if (g[0] === 0xff02) errs.push(field.invalid(path, ip, 'may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)'));
  return errs;
}

/** IsFullyQualifiedDomainName */
function fqdnErrors(name: string, path: string): FieldError[] {
  if (name.length === 0) return [field.required(path, '')];
  const n = name.endsWith('.') ? name.slice(0, -1) : name;
  const sub = isDNS1123Subdomain(n);
  if (sub.length > 0) return [field.invalid(path, n, sub.join(','))];
  const labels = n.split('.');
  if (labels.length < 2) return [field.invalid(path, n, 'should be a domain with at least two segments separated by dots')];
  for (const l of labels) {
    const e = isDNS1123Label(l);
    if (e.length > 0) return [field.invalid(path, l, e.join(','))];
  }
  return [];
}

function validateEndpoints(endpoints: Obj[], addressType: string): FieldError[] {
  const errs: FieldError[] = [];
  if (endpoints.length > MAX_ENDPOINTS) return [{ type: 'FieldValueTooMany', field: 'endpoints', value: endpoints.length, detail: `must have at most ${MAX_ENDPOINTS} items` }];
  endpoints.forEach((ep, i) => {
    const ip = `endpoints[${i}]`;
    const ap = `${ip}.addresses`;
    const addresses = arr<string>(ep?.addresses);
    if (addresses.length === 0) errs.push(field.required(ap, 'must contain at least 1 address'));
    else if (addresses.length > MAX_ADDRESSES) errs.push({ type: 'FieldValueTooMany', field: ap, value: addresses.length, detail: `must have at most ${MAX_ADDRESSES} items` });
    addresses.forEach((a, j) => {
      const p = `${ap}[${j}]`;
      const s = String(a);
      if (addressType === 'IPv4') {
        if (parseIPv4(s) === undefined) errs.push(field.invalid(p, s, 'must be a valid IPv4 address'));
        else errs.push(...nonSpecialIP(s, p));
      } else if (addressType === 'IPv6') {
        if (!isIPv6(s) || parseIPv4(s) !== undefined) errs.push(field.invalid(p, s, 'must be a valid IPv6 address'));
        else errs.push(...nonSpecialIP(s, p));
      } else if (addressType === 'FQDN') {
        errs.push(...fqdnErrors(s, p));
      }
    });
    if (ep?.nodeName != null) for (const m of nameIsDNSSubdomain(String(ep.nodeName), false)) errs.push(field.invalid(`${ip}.nodeName`, ep.nodeName, m));
    const topo = ep?.deprecatedTopology;
    if (isObj(topo) && Object.keys(topo).length > MAX_TOPOLOGY_LABELS) {
      errs.push({ type: 'FieldValueTooMany', field: `${ip}.deprecatedTopology`, value: Object.keys(topo).length, detail: `must have at most ${MAX_TOPOLOGY_LABELS} items` });
    }
    errs.push(...validateLabels(isObj(topo) ? topo : undefined, `${ip}.deprecatedTopology`));
    if (ep?.zone != null) errs.push(...validateLabels({ 'topology.kubernetes.io/zone': String(ep.zone) }, `${ip}.zone`));
    if (ep?.hostname != null) for (const m of isDNS1123Label(String(ep.hostname))) errs.push(field.invalid(`${ip}.hostname`, ep.hostname, m));
    if (ep?.hints != null) {
      const zones = arr(ep.hints.forZones);
      const hp = `${ip}.hints.forZones`;
      if (zones.length > MAX_ZONE_HINTS) errs.push({ type: 'FieldValueTooMany', field: hp, value: zones.length, detail: `must have at most ${MAX_ZONE_HINTS} items` });
      const seen = new Set<string>();
      zones.forEach((z, k) => {
        const zp = `${hp}[${k}].name`;
        if (seen.has(z?.name)) errs.push(field.duplicate(zp, z?.name));
        else seen.add(z?.name);
        errs.push(...validateLabels({ 'topology.kubernetes.io/zone': String(z?.name ?? '') }, zp));
      });
    }
  });
  return errs;
}

function validatePorts(ports: Obj[]): FieldError[] {
  if (ports.length > MAX_PORTS) return [{ type: 'FieldValueTooMany', field: 'ports', value: ports.length, detail: `must have at most ${MAX_PORTS} items` }];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  ports.forEach((p, i) => {
    const pp = `ports[${i}]`;
    const name = String(p?.name ?? '');
    if (name.length > 0) for (const m of isDNS1123Label(name)) errs.push(field.invalid(`${pp}.name`, name, m));
    if (names.has(name)) errs.push(field.duplicate(`${pp}.name`, name));
    else names.add(name);
    if (p?.protocol == null) errs.push(field.required(`${pp}.protocol`, ''));
    else if (!PROTOCOLS.includes(p.protocol)) errs.push(field.notSupported(`${pp}.protocol`, p.protocol, PROTOCOLS));
    if (p?.appProtocol != null) for (const m of isQualifiedName(String(p.appProtocol))) errs.push(field.invalid(`${pp}.appProtocol`, p.appProtocol, m));
  });
  return errs;
}

/** ValidateEndpointSlice */
export function validateEndpointSlice(obj: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, true, nameIsDNSSubdomain);
  const t = obj.addressType;
  if (!t) errs.push(field.required('addressType', ''));
  else if (!ADDRESS_TYPES.includes(t)) errs.push(field.notSupported('addressType', t, ADDRESS_TYPES));
  errs.push(...validateEndpoints(arr(obj.endpoints), t));
  errs.push(...validatePorts(arr(obj.ports)));
  return errs;
}

export function validateEndpointSliceUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs = validateObjectMetaUpdate(obj.metadata, old.metadata);
  errs.push(...validateEndpointSlice(obj));
  errs.push(...immutable(obj.addressType, old.addressType, 'addressType'));
  return errs;
}

function listWithMore(list: string[], more: boolean, count: number, max: number): string {
  const s = list.join(',');
  if (more) return `${s} + ${count - max} more...`;
  return s === '' ? '<unset>' : s;
}

export function endpointSliceRow(obj: KubeObject, now = Date.now()): unknown[] {
  const ports: string[] = [];
  let portCount = 0;
  let portMore = false;
  for (const p of arr(obj.ports)) {
    if (ports.length < 3) ports.push(p?.port != null ? String(p.port) : p?.name != null ? String(p.name) : '*');
    else portMore = true;
    portCount++;
  }
  const addrs: string[] = [];
  let addrCount = 0;
  let addrMore = false;
  for (const ep of arr(obj.endpoints)) {
    for (const a of arr<string>(ep?.addresses)) {
      if (addrs.length < 3) addrs.push(a);
      else addrMore = true;
      addrCount++;
    }
  }
  return [obj.metadata.name, obj.addressType ?? '', listWithMore(ports, portMore, portCount, 3), listWithMore(addrs, addrMore, addrCount, 3), ageOf(obj, now)];
}

export const endpointSliceKind: KindDef = {
  group: 'discovery.k8s.io',
  version: 'v1',
  kind: 'EndpointSlice',
  plural: 'endpointslices',
  singular: 'endpointslice',
  namespaced: true,
  definition: 'io.k8s.api.discovery.v1.EndpointSlice',
  columns: [
    NAME_COLUMN,
    col('AddressType', 'string', 'The kind of addresses the slice carries.'),
    col('Ports', 'string', 'Ports of the endpoints.'),
    col('Endpoints', 'string', 'Addresses of the endpoints.'),
    AGE_COLUMN,
  ],
  strategy: {
    defaults: defaultEndpointSlice,
    validate: validateEndpointSlice,
    validateUpdate: validateEndpointSliceUpdate,
    row: (obj) => endpointSliceRow(obj),
  },
};

export const discoveryKinds: KindDef[] = [endpointSliceKind];
