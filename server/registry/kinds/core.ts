/**
 * core/v1: the kinds of the legacy API group, with their v1.33 defaulting, strategies,
 * validation and `kubectl get` columns. Pod and Service live in their own files.
 */
import { badRequest, field } from '../../apiserver/errors.js';
import { canonicalizeResourceList, QuantityError, tryParseQuantity } from '../quantity.js';
import type { ColumnDef, FieldError, KindDef, KubeObject } from '../types.js';
import {
  formatLabelSet,
  goStringMap,
  isConfigMapKey,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidIP,
  isValidLabelValue,
  nameIsDNSLabel,
  nameIsDNSSubdomain,
  nameIsPathSegment,
  validateFinalizerName,
  validateLabelName,
  validateCoreObjectMeta,
  validateObjectMetaUpdate,
  type NameValidator,
} from '../validation.js';
import { arr, decoding, immutable, isObj, jsonEqual, MAX_INT32, nonNegative, type Obj } from './core-common.js';
import { podKind } from './core-pod.js';
import { nonSpecialIP, serviceKind } from './core-service.js';
import {
  defaultPodTemplateSpec,
  defaultPVCSpec,
  isOvercommitAllowed,
  validateContainerResourceName,
  validatePodTemplateSpec,
  validatePVCSpec,
  validateQuantityValue,
  validateResourceName,
} from './podspec.js';
import { AGE_COLUMN, col, containersAndImages, NAME_COLUMN, translateTimestampSince } from './printers.js';

export { podKind } from './core-pod.js';
export { serviceKind } from './core-service.js';

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const age = (obj: KubeObject) => translateTimestampSince(obj.metadata.creationTimestamp);

function coreKind(d: Omit<KindDef, 'group' | 'version' | 'definition'>): KindDef {
  return { group: '', version: 'v1', definition: `io.k8s.api.core.v1.${d.kind}`, ...d };
}

/** validate = ValidateObjectMeta + `extra`; validateUpdate = ValidateObjectMetaUpdate + validate + `extraUpdate`. */
function metaRules(
  namespaced: boolean,
  nameFn: NameValidator,
  extra: (obj: KubeObject) => FieldError[] = () => [],
  extraUpdate: (obj: KubeObject, old: KubeObject) => FieldError[] = () => [],
): { validate(obj: KubeObject): FieldError[]; validateUpdate(obj: KubeObject, old: KubeObject): FieldError[] } {
  const validate = (obj: KubeObject) => [...validateCoreObjectMeta(obj.metadata, namespaced, nameFn), ...extra(obj)];
  return {
    validate,
    validateUpdate: (obj, old) => [...validateObjectMetaUpdate(obj.metadata, old.metadata), ...extraUpdate(obj, old), ...validate(obj)],
  };
}

// ---- Endpoints -----------------------------------------------------------------------------------

function formatEndpoints(ep: Obj): string {
  const subsets = arr(ep.subsets);
  if (subsets.length === 0) return '<none>';
  const list: string[] = [];
  const max = 3;
  let more = false;
  let count = 0;
  for (const ss of subsets) {
    const addrs = arr(ss?.addresses);
    const ports = arr(ss?.ports);
    if (ports.length === 0) {
      count += addrs.length;
      for (const a of addrs) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(a?.ip);
      }
      continue;
    }
    for (const p of ports) {
      count += addrs.length;
      for (const a of addrs) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(String(a?.ip).includes(':') ? `[${a?.ip}]:${p?.port}` : `${a?.ip}:${p?.port}`);
      }
    }
  }
  const ret = list.join(',');
  return more ? `${ret} + ${count - max} more...` : ret;
}

function validateEndpointSubsets(ep: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  arr(ep.subsets).forEach((ss, i) => {
    const p = `subsets[${i}]`;
    if (arr(ss?.addresses).length === 0 && arr(ss?.notReadyAddresses).length === 0) {
      errs.push(field.required(p, 'must specify `addresses` or `notReadyAddresses`'));
    }
    for (const kind of ['addresses', 'notReadyAddresses']) {
      arr(ss?.[kind]).forEach((a, j) => {
        const ap = `${p}.${kind}[${j}]`;
        const ipErrs = isValidIP(a?.ip ?? '').map((m) => field.invalid(`${ap}.ip`, a?.ip ?? '', m));
        errs.push(...ipErrs);
        if (a?.hostname) errs.push(...isDNS1123Label(a.hostname).map((m) => field.invalid(`${ap}.hostname`, a.hostname, m)));
        if (typeof a?.nodeName === 'string') errs.push(...isDNS1123Subdomain(a.nodeName).map((m) => field.invalid(`${ap}.nodeName`, a.nodeName, m)));
        if (ipErrs.length) errs.push(field.invalid(`${ap}.ip`, a?.ip ?? '', 'must be a valid IP address'));
        else errs.push(...nonSpecialIP(a.ip, `${ap}.ip`));
      });
    }
    const ports = arr(ss?.ports);
    ports.forEach((pt, j) => {
      const pp = `${p}.ports[${j}]`;
      if (ports.length > 1 && !pt?.name) errs.push(field.required(`${pp}.name`, ''));
      else if (pt?.name) errs.push(...isDNS1123Label(pt.name).map((m) => field.invalid(`${pp}.name`, pt.name, m)));
      if (!(Number.isInteger(pt?.port) && pt.port >= 1 && pt.port <= 65535)) errs.push(field.invalid(`${pp}.port`, pt?.port ?? 0, 'must be between 1 and 65535, inclusive'));
      if (!pt?.protocol) errs.push(field.required(`${pp}.protocol`, ''));
      else if (!['SCTP', 'TCP', 'UDP'].includes(pt.protocol)) errs.push(field.notSupported(`${pp}.protocol`, pt.protocol, ['SCTP', 'TCP', 'UDP']));
      if (typeof pt?.appProtocol === 'string') errs.push(...isQualifiedName(pt.appProtocol).map((m) => field.invalid(`${pp}.appProtocol`, pt.appProtocol, m)));
    });
  });
  return errs;
}

export const endpointsKind = coreKind({
  kind: 'Endpoints',
  plural: 'endpoints',
  singular: 'endpoints',
  namespaced: true,
  shortNames: ['ep'],
  columns: [NAME_COLUMN, col('Endpoints', 'string', 'Addresses and ports of the endpoints, the first three of them.'), AGE_COLUMN],
  strategy: {
    defaults(obj) {
      for (const ss of arr(obj.subsets)) for (const p of arr(ss?.ports)) if (isObj(p) && !p.protocol) p.protocol = 'TCP';
    },
    ...metaRules(true, nameIsDNSSubdomain, validateEndpointSubsets),
    row: (obj) => [obj.metadata.name, formatEndpoints(obj), age(obj)],
  },
});

// ---- Namespace -----------------------------------------------------------------------------------

function validateNamespaceFinalizers(obj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of arr<string>(obj.spec?.finalizers)) {
    errs.push(...validateFinalizerName(f, 'spec.finalizers'));
    if (!f.includes('/') && !['kubernetes', 'orphan', 'foregroundDeletion'].includes(f)) {
      errs.push(field.invalid('spec.finalizers', f, 'name is neither a standard finalizer name nor is it fully qualified'));
    }
  }
  return errs;
}

export const namespaceKind = coreKind({
  kind: 'Namespace',
  plural: 'namespaces',
  singular: 'namespace',
  namespaced: false,
  shortNames: ['ns'],
  verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
  subresources: {
    status: true,
    extra: [{ name: 'finalize', kind: { group: '', version: 'v1', kind: 'Namespace' }, verbs: ['update'] }],
  },
  columns: [NAME_COLUMN, col('Status', 'string', 'The phase of the namespace: Active or Terminating.'), AGE_COLUMN],
  strategy: {
    defaults(obj) {
      // SetDefaults_Namespace / Canonicalize: the name label always matches the name.
      if (obj.metadata.name) obj.metadata.labels = { ...(obj.metadata.labels ?? {}), 'kubernetes.io/metadata.name': obj.metadata.name };
    },
    prepareForCreate(obj) {
      obj.status = { phase: 'Active' };
      const fins = arr<string>(obj.spec?.finalizers);
      obj.spec = { ...(obj.spec ?? {}), finalizers: fins.includes('kubernetes') ? fins : [...fins, 'kubernetes'] };
    },
    prepareForUpdate(obj, old) {
      if (old.spec?.finalizers === undefined) {
        if (isObj(obj.spec)) delete obj.spec.finalizers;
      } else obj.spec = { ...(obj.spec ?? {}), finalizers: old.spec.finalizers };
      if (isObj(obj.spec) && Object.keys(obj.spec).length === 0 && old.spec === undefined) delete obj.spec;
    },
    ...metaRules(false, nameIsDNSLabel, validateNamespaceFinalizers),
    row: (obj) => [obj.metadata.name, obj.status?.phase ?? '', age(obj)],
    fieldLabels: (obj) => ({ 'status.phase': obj.status?.phase ?? '' }),
  },
});

// ---- Node --------------------------------------------------------------------------------------

const stashedNodeStatus = new WeakMap<KubeObject, Obj>();

function validateNode(obj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Map<string, Set<string>>();
  arr(obj.spec?.taints).forEach((t, i) => {
    const p = `metadata.taints[${i}]`;
    errs.push(...validateLabelName(t?.key ?? '', `${p}.key`));
    const vm = isValidLabelValue(t?.value ?? '');
    if (vm.length) errs.push(field.invalid(`${p}.value`, t?.value ?? '', vm.join(';')));
    if (!t?.effect) errs.push(field.required(`${p}.effect`, ''));
    else if (!['NoSchedule', 'PreferNoSchedule', 'NoExecute'].includes(t.effect)) {
      errs.push(field.notSupported(`${p}.effect`, t.effect, ['NoSchedule', 'PreferNoSchedule', 'NoExecute']));
    }
    const keys = seen.get(t?.effect) ?? new Set<string>();
    if (keys.has(t?.key)) errs.push({ type: 'FieldValueDuplicate', field: p, value: t, detail: 'taints must be unique by key and effect pair' });
    keys.add(t?.key);
    seen.set(t?.effect, keys);
  });
  for (const k of ['capacity', 'allocatable']) {
    for (const [name, v] of Object.entries(obj.status?.[k] ?? {})) errs.push(...validateQuantityValue(name, v, `status.${k}.${name}`));
  }
  arr<string>(obj.spec?.podCIDRs).forEach((c, i) => {
    if (!/^[0-9a-fA-F.:]+\/\d{1,3}$/.test(c)) errs.push(field.invalid(`spec.podCIDRs[${i}]`, c, 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)'));
  });
  return errs;
}

function validateNodeUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const oldCIDRs = arr<string>(old.spec?.podCIDRs);
  if (oldCIDRs.length && !jsonEqual(oldCIDRs, arr(obj.spec?.podCIDRs))) {
    errs.push(field.forbidden('spec.podCIDRs', 'node updates may not change podCIDR except from "" to valid'));
  }
  if (old.spec?.providerID && old.spec.providerID !== obj.spec?.providerID) {
    errs.push(field.forbidden('spec.providerID', 'node updates may not change providerID except from "" to valid'));
  }
  if ((obj.spec?.externalID ?? '') !== (old.spec?.externalID ?? '')) errs.push(field.forbidden('spec.externalID', 'may not be updated'));
  return errs;
}

function nodeRoles(labels: Record<string, string> | undefined): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(labels ?? {})) {
    if (k.startsWith('node-role.kubernetes.io/')) {
      const r = k.slice('node-role.kubernetes.io/'.length);
      if (r) roles.add(r);
    } else if (k === 'kubernetes.io/role' && v) roles.add(v);
  }
  return [...roles].sort().join(',') || '<none>';
}

export function nodeRow(node: KubeObject, now = Date.now()): unknown[] {
  const status: Obj = node.status ?? {};
  const parts: string[] = [];
  const ready = arr(status.conditions).filter((c) => c?.type === 'Ready').pop();
  if (ready) parts.push(ready.status === 'True' ? 'Ready' : 'NotReady');
  if (parts.length === 0) parts.push('Unknown');
  if (node.spec?.unschedulable) parts.push('SchedulingDisabled');
  const info: Obj = status.nodeInfo ?? {};
  const addr = (t: string) => arr(status.addresses).find((a) => a?.type === t)?.address ?? '<none>';
  return [
    node.metadata.name,
    parts.join(','),
    nodeRoles(node.metadata.labels),
    translateTimestampSince(node.metadata.creationTimestamp, now),
    info.kubeletVersion ?? '',
    addr('InternalIP'),
    addr('ExternalIP'),
    info.osImage || '<unknown>',
    info.kernelVersion || '<unknown>',
    info.containerRuntimeVersion || '<unknown>',
  ];
}

export const nodeKind = coreKind({
  kind: 'Node',
  plural: 'nodes',
  singular: 'node',
  namespaced: false,
  shortNames: ['no'],
  subresources: {
    status: true,
    extra: [{ name: 'proxy', kind: { group: '', version: 'v1', kind: 'NodeProxyOptions' }, verbs: ['create', 'delete', 'get', 'patch', 'update'] }],
  },
  columns: [
    NAME_COLUMN,
    col('Status', 'string', 'Whether the node is Ready, and whether scheduling is disabled.'),
    col('Roles', 'string', 'Roles from the node-role.kubernetes.io/ labels.'),
    AGE_COLUMN,
    col('Version', 'string', 'The kubelet version the node reports.'),
    col('Internal-IP', 'string', 'The first InternalIP address of the node.', 1),
    col('External-IP', 'string', 'The first ExternalIP address of the node.', 1),
    col('OS-Image', 'string', 'The operating system image the node reports.', 1),
    col('Kernel-Version', 'string', 'The kernel version the node reports.', 1),
    col('Container-Runtime', 'string', 'The container runtime and its version.', 1),
  ],
  strategy: {
    defaults(obj) {
      decoding('Node', 'v1', () => {
        const st = obj.status;
        if (isObj(st)) {
          canonicalizeResourceList(st.capacity);
          canonicalizeResourceList(st.allocatable);
          if (st.allocatable === undefined && isObj(st.capacity)) st.allocatable = { ...st.capacity };
          // The node strategy keeps the status a kubelet registers with; the generic store resets it.
          stashedNodeStatus.set(obj, JSON.parse(JSON.stringify(st)));
        }
      });
    },
    prepareForCreate(obj) {
      const st = stashedNodeStatus.get(obj);
      if (st) obj.status = st;
    },
    ...metaRules(false, nameIsDNSSubdomain, validateNode, validateNodeUpdate),
    row: (obj) => nodeRow(obj),
    fieldLabels: (obj) => ({ 'spec.unschedulable': String(!!obj.spec?.unschedulable) }),
  },
});

// ---- ConfigMap / Secret ------------------------------------------------------------------------

const MAX_SECRET_SIZE = 1024 * 1024;

function validateConfigMap(obj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  let total = 0;
  const data: Obj = isObj(obj.data) ? obj.data : {};
  const binary: Obj = isObj(obj.binaryData) ? obj.binaryData : {};
  for (const [k, v] of Object.entries(data)) {
    for (const m of isConfigMapKey(k)) errs.push(field.invalid(`data[${k}]`, k, m));
    if (k in binary) errs.push(field.invalid(`data[${k}]`, k, 'duplicate of key present in binaryData'));
    total += Buffer.byteLength(String(v ?? ''));
  }
  for (const [k, v] of Object.entries(binary)) {
    for (const m of isConfigMapKey(k)) errs.push(field.invalid(`binaryData[${k}]`, k, m));
    total += Buffer.from(String(v ?? ''), 'base64').length;
  }
  if (total > MAX_SECRET_SIZE) errs.push(field.tooLong('', MAX_SECRET_SIZE));
  return errs;
}

function immutableData(obj: KubeObject, old: KubeObject, keys: string[]): FieldError[] {
  if (old.immutable !== true) return [];
  const errs: FieldError[] = [];
  if (obj.immutable !== true) errs.push(field.forbidden('immutable', 'field is immutable when `immutable` is set'));
  for (const k of keys) if (!jsonEqual(obj[k] ?? {}, old[k] ?? {})) errs.push(field.forbidden(k, 'field is immutable when `immutable` is set'));
  return errs;
}

/**
 * Where Go's base64.StdEncoding.Decode reports CorruptInputError for `s` (undefined when valid):
 * strict padding, \r and \n skipped.
 */
export function base64ErrorOffset(s: string): number | undefined {
  const valid = (c: string) => /[A-Za-z0-9+/]/.test(c);
  const nl = (c: string) => c === '\n' || c === '\r';
  let si = 0;
  const n = s.length;
  for (;;) {
    let j = 0;
    for (; j < 4; j++) {
      if (si === n) {
        if (j === 0) return undefined;
        return si - j;
      }
      const c = s[si++];
      if (valid(c)) continue;
      if (nl(c)) {
        j--;
        continue;
      }
      if (c !== '=') return si - 1;
      if (j === 0 || j === 1) return si - 1;
      if (j === 2) {
        while (si < n && nl(s[si])) si++;
        if (si === n) return n;
        if (s[si] !== '=') return si - 1;
        si++;
      }
      while (si < n && nl(s[si])) si++;
      if (si < n) return si;
      return undefined;
    }
  }
}

function defaultSecret(obj: KubeObject): void {
  if (!obj.type) obj.type = 'Opaque';
  if (isObj(obj.data)) {
    for (const [k, v] of Object.entries(obj.data)) {
      if (v === null) continue;
      if (typeof v !== 'string') {
        const jsonType = Array.isArray(v) ? 'array' : typeof v === 'boolean' ? 'bool' : typeof v;
        throw badRequest(`Secret in version "v1" cannot be handled as a Secret: json: cannot unmarshal ${jsonType} into Go struct field Secret.data of type []uint8`);
      }
      const off = base64ErrorOffset(v);
      if (off !== undefined) throw badRequest(`Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte ${off}`);
      obj.data[k] = String(v).replace(/[\r\n]/g, '');
    }
  }
  // Conversion folds stringData into data (stringData wins) and drops it.
  if (isObj(obj.stringData)) {
    obj.data = { ...(isObj(obj.data) ? obj.data : {}) };
    for (const [k, v] of Object.entries(obj.stringData)) obj.data[k] = Buffer.from(String(v ?? '')).toString('base64');
    delete obj.stringData;
  }
}

function validateSecret(obj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const data: Obj = isObj(obj.data) ? obj.data : {};
  let total = 0;
  for (const [k, v] of Object.entries(data)) {
    for (const m of isConfigMapKey(k)) errs.push(field.invalid(`data[${k}]`, k, m));
    total += Buffer.from(String(v ?? ''), 'base64').length;
  }
  if (total > MAX_SECRET_SIZE) errs.push(field.tooLong('data', MAX_SECRET_SIZE));
  const has = (k: string) => k in data;
  const decoded = (k: string) => Buffer.from(String(data[k] ?? ''), 'base64').toString();
  switch (obj.type) {
    case 'kubernetes.io/service-account-token':
      if (!obj.metadata.annotations?.['kubernetes.io/service-account.name']) {
        errs.push(field.required('metadata.annotations[kubernetes.io/service-account.name]', ''));
      }
      break;
    case 'kubernetes.io/dockercfg':
    case 'kubernetes.io/dockerconfigjson': {
      const key = obj.type === 'kubernetes.io/dockercfg' ? '.dockercfg' : '.dockerconfigjson';
      if (!has(key)) {
        errs.push(field.required(`data[${key}]`, ''));
        break;
      }
      try {
        const parsed = JSON.parse(decoded(key));
        if (!isObj(parsed)) throw new Error(`json: cannot unmarshal ${Array.isArray(parsed) ? 'array' : typeof parsed} into Go value of type map[string]interface {}`);
      } catch (e) {
        const msg = e instanceof SyntaxError ? 'invalid character in JSON input' : (e as Error).message;
        errs.push(field.invalid(`data[${key}]`, '<secret contents redacted>', msg));
      }
      break;
    }
    case 'kubernetes.io/basic-auth':
      if (!has('username') && !has('password')) {
        errs.push(field.required('data[username]', ''));
        errs.push(field.required('data[password]', ''));
      }
      break;
    case 'kubernetes.io/ssh-auth':
      if (!data['ssh-privatekey']) errs.push(field.required('data[ssh-privatekey]', ''));
      break;
    case 'kubernetes.io/tls':
      if (!has('tls.crt')) errs.push(field.required('data[tls.crt]', ''));
      if (!has('tls.key')) errs.push(field.required('data[tls.key]', ''));
      break;
  }
  return errs;
}

export const configMapKind = coreKind({
  kind: 'ConfigMap',
  plural: 'configmaps',
  singular: 'configmap',
  namespaced: true,
  shortNames: ['cm'],
  columns: [NAME_COLUMN, col('Data', 'string', 'Number of keys in data and binaryData.'), AGE_COLUMN],
  strategy: {
    ...metaRules(true, nameIsDNSSubdomain, validateConfigMap, (obj, old) => immutableData(obj, old, ['data', 'binaryData'])),
    row: (obj) => [obj.metadata.name, Object.keys(obj.data ?? {}).length + Object.keys(obj.binaryData ?? {}).length, age(obj)],
  },
});

export const secretKind = coreKind({
  kind: 'Secret',
  plural: 'secrets',
  singular: 'secret',
  namespaced: true,
  columns: [NAME_COLUMN, col('Type', 'string', 'The type of the secret.'), col('Data', 'string', 'Number of keys in data.'), AGE_COLUMN],
  strategy: {
    defaults: defaultSecret,
    ...metaRules(true, nameIsDNSSubdomain, validateSecret, (obj, old) => [
      ...immutable(obj.type, old.type, 'type'),
      ...immutableData(obj, old, ['data']),
    ]),
    row: (obj) => [obj.metadata.name, obj.type ?? '', Object.keys(obj.data ?? {}).length, age(obj)],
    fieldLabels: (obj) => ({ type: obj.type ?? '' }),
  },
});

// ---- ServiceAccount ------------------------------------------------------------------------------

export const serviceAccountKind = coreKind({
  kind: 'ServiceAccount',
  plural: 'serviceaccounts',
  singular: 'serviceaccount',
  namespaced: true,
  shortNames: ['sa'],
  subresources: {
    extra: [{ name: 'token', kind: { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest' }, verbs: ['create'] }],
  },
  columns: [NAME_COLUMN, col('Secrets', 'string', 'Number of secrets the service account lists.'), AGE_COLUMN],
  strategy: {
    ...metaRules(true, nameIsDNSSubdomain),
    row: (obj) => [obj.metadata.name, arr(obj.secrets).length, age(obj)],
  },
});

// ---- Event -------------------------------------------------------------------------------------

function validateEvent(ev: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const ns = ev.metadata.namespace ?? '';
  const io: Obj = ev.involvedObject ?? {};
  if (!ev.eventTime) {
    if (!io.namespace) {
      if (ns !== '' && ns !== 'default') errs.push(field.invalid('involvedObject.namespace', io.namespace ?? '', 'does not match event.namespace'));
    } else if (ns !== io.namespace) {
      errs.push(field.invalid('involvedObject.namespace', io.namespace, 'does not match event.namespace'));
    }
  } else {
    if (!io.namespace && ns !== 'default' && ns !== 'kube-system') errs.push(field.invalid('involvedObject.namespace', io.namespace ?? '', 'does not match event.namespace'));
    const rc = ev.reportingComponent ?? '';
    if (!rc) errs.push(field.required('reportingComponent', ''));
    for (const m of isQualifiedName(rc)) errs.push(field.invalid('reportingComponent', rc, m));
    const ri = ev.reportingInstance ?? '';
    if (!ri) errs.push(field.required('reportingInstance', ''));
    if (ri.length > 128) errs.push(field.invalid('reportingInstance', '', 'can have at most 128 characters'));
    if (!ev.action) errs.push(field.required('action', ''));
    if ((ev.action ?? '').length > 128) errs.push(field.invalid('action', '', 'can have at most 128 characters'));
    if (!ev.reason) errs.push(field.required('reason', ''));
    if ((ev.reason ?? '').length > 128) errs.push(field.invalid('reason', '', 'can have at most 128 characters'));
    if ((ev.message ?? '').length > 1024) errs.push(field.invalid('message', '', 'can have at most 1024 characters'));
  }
  for (const m of isDNS1123Subdomain(ns)) errs.push(field.invalid('namespace', ns, m));
  return errs;
}

export function eventRow(ev: KubeObject, now = Date.now()): unknown[] {
  let first = translateTimestampSince(ev.firstTimestamp, now);
  if (!ev.firstTimestamp) first = translateTimestampSince(ev.eventTime, now);
  let last = translateTimestampSince(ev.lastTimestamp, now);
  if (!ev.lastTimestamp) last = first;
  let count = ev.count ?? 0;
  if (isObj(ev.series)) {
    last = translateTimestampSince(ev.series.lastObservedTime, now);
    count = ev.series.count ?? 0;
  } else if (count === 0) count = 1;
  const io: Obj = ev.involvedObject ?? {};
  const kind = String(io.kind ?? '').toLowerCase();
  const target = io.name ? `${kind}/${io.name}` : kind;
  const component = ev.source?.component || ev.reportingComponent || '';
  const instance = ev.source?.host || ev.reportingInstance || '';
  const source = instance ? `${component}, ${instance}` : component;
  return [last, ev.type ?? '', ev.reason ?? '', target, io.fieldPath ?? '', source, String(ev.message ?? '').trim(), first, count, ev.metadata.name];
}

export const eventKind = coreKind({
  kind: 'Event',
  plural: 'events',
  singular: 'event',
  namespaced: true,
  shortNames: ['ev'],
  columns: [
    col('Last Seen', 'string', 'Time since the event was last observed.'),
    col('Type', 'string', 'Normal or Warning.'),
    col('Reason', 'string', 'Why the event happened, in CamelCase.'),
    col('Object', 'string', 'The object the event is about.'),
    col('Subobject', 'string', 'The part of the object the event is about, when narrower.', 1),
    col('Source', 'string', 'The component (and host) that reported the event.', 1),
    col('Message', 'string', 'A human-readable description.'),
    col('First Seen', 'string', 'Time since the event was first observed.', 1),
    col('Count', 'string', 'How many times the event was observed.', 1),
    { ...NAME_COLUMN, priority: 1 },
  ],
  strategy: {
    ...metaRules(true, nameIsDNSSubdomain, validateEvent),
    row: (obj) => eventRow(obj),
    fieldLabels(ev) {
      return {
        ...objectReferenceLabels('involvedObject', ev.involvedObject),
        reason: ev.reason ?? '',
        reportingComponent: ev.reportingComponent ?? '',
        source: ev.source?.component || ev.reportingComponent || '',
        type: ev.type ?? '',
      };
    },
  },
});

// ---- PersistentVolume / PersistentVolumeClaim ----------------------------------------------------

const ACCESS_MODE_SHORT: [string, string][] = [
  ['ReadWriteOnce', 'RWO'],
  ['ReadOnlyMany', 'ROX'],
  ['ReadWriteMany', 'RWX'],
  ['ReadWriteOncePod', 'RWOP'],
];

/** helper.GetAccessModesAsString */
function accessModes(modes: unknown): string {
  const set = new Set(arr<string>(modes));
  return ACCESS_MODE_SHORT.filter(([m]) => set.has(m)).map(([, s]) => s).join(',');
}

const PV_SOURCES = [
  'hostPath', 'gcePersistentDisk', 'awsElasticBlockStore', 'glusterfs', 'flocker', 'nfs', 'rbd', 'quobyte', 'cephfs', 'iscsi', 'cinder',
  'fc', 'azureFile', 'vsphereVolume', 'azureDisk', 'photonPersistentDisk', 'portworxVolume', 'scaleIO', 'local', 'storageos', 'csi', 'flexVolume',
];
const ACCESS_MODES = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];

function validatePV(pv: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const spec: Obj = pv.spec ?? {};
  const modes = arr<string>(spec.accessModes);
  if (modes.length === 0) errs.push(field.required('spec.accessModes', ''));
  let rwop = false;
  let other = false;
  for (const m of modes) {
    if (!ACCESS_MODES.includes(m)) errs.push(field.notSupported('spec.accessModes', m, ACCESS_MODES));
    if (m === 'ReadWriteOncePod') rwop = true;
    else if (ACCESS_MODES.includes(m)) other = true;
  }
  if (rwop && other) errs.push(field.forbidden('spec.accessModes', 'may not use ReadWriteOncePod with other access modes'));
  const cap: Obj = isObj(spec.capacity) ? spec.capacity : {};
  if (Object.keys(cap).length === 0) errs.push(field.required('spec.capacity', ''));
  if (!('storage' in cap) || Object.keys(cap).length > 1) errs.push(field.notSupported('spec.capacity', cap, ['storage']));
  for (const [k, v] of Object.entries(cap)) {
    const q = tryParseQuantity(v);
    if (q && q.sign <= 0) errs.push(field.invalid(`spec.capacity[${k}]`, q.toString(), 'must be greater than zero'));
  }
  if (spec.persistentVolumeReclaimPolicy && !['Delete', 'Recycle', 'Retain'].includes(spec.persistentVolumeReclaimPolicy)) {
    errs.push(field.notSupported('spec.persistentVolumeReclaimPolicy', spec.persistentVolumeReclaimPolicy, ['Delete', 'Recycle', 'Retain']));
  }
  const sources = PV_SOURCES.filter((s) => spec[s] !== undefined && spec[s] !== null);
  if (sources.length === 0) errs.push(field.required('spec', 'must specify a volume type'));
  for (const s of sources.slice(1)) errs.push(field.forbidden(`spec.${s}`, 'may not specify more than 1 volume type'));
  if (isObj(spec.hostPath) && !spec.hostPath.path) errs.push(field.required('spec.hostPath.path', ''));
  if (isObj(spec.nfs)) {
    if (!spec.nfs.server) errs.push(field.required('spec.nfs.server', ''));
    if (!spec.nfs.path) errs.push(field.required('spec.nfs.path', ''));
  }
  if (isObj(spec.local)) {
    if (!spec.local.path) errs.push(field.required('spec.local.path', ''));
    if (!isObj(spec.nodeAffinity)) errs.push(field.required('spec.nodeAffinity', 'Local volume requires node affinity'));
  }
  if (isObj(spec.csi)) {
    if (!spec.csi.driver) errs.push(field.required('spec.csi.driver', ''));
    if (!spec.csi.volumeHandle) errs.push(field.required('spec.csi.volumeHandle', ''));
  }
  if (spec.storageClassName) errs.push(...isDNS1123Subdomain(spec.storageClassName).map((m) => field.invalid('spec.storageClassName', spec.storageClassName, m)));
  if (spec.volumeMode && !['Block', 'Filesystem'].includes(spec.volumeMode)) errs.push(field.notSupported('spec.volumeMode', spec.volumeMode, ['Block', 'Filesystem']));
  if (isObj(spec.nodeAffinity) && !isObj(spec.nodeAffinity.required)) errs.push(field.required('spec.nodeAffinity.required', 'must specify required node constraints'));
  return errs;
}

function storageClassOf(obj: KubeObject): string {
  return obj.metadata.annotations?.['volume.beta.kubernetes.io/storage-class'] ?? obj.spec?.storageClassName ?? '';
}

function pvcUpdateRules(pvc: KubeObject, old: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const a: Obj = JSON.parse(JSON.stringify(old.spec ?? {}));
  const b: Obj = JSON.parse(JSON.stringify(pvc.spec ?? {}));
  if (!a.volumeName) a.volumeName = b.volumeName;
  if (!a.storageClassName && b.storageClassName && !old.metadata.annotations?.['volume.beta.kubernetes.io/storage-class']) a.storageClassName = b.storageClassName;
  if (pvc.status?.phase === 'Bound' && isObj(b.resources?.requests)) {
    b.resources.requests.storage = a.resources?.requests?.storage;
    b.volumeAttributesClassName = a.volumeAttributesClassName;
  }
  if (!jsonEqual(a, b)) {
    errs.push(field.forbidden('spec', 'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims'));
  }
  const oldSize = tryParseQuantity(old.spec?.resources?.requests?.storage);
  const newSize = tryParseQuantity(pvc.spec?.resources?.requests?.storage);
  if (oldSize && newSize && newSize.cmp(oldSize) < 0) {
    const statusSize = tryParseQuantity(old.status?.capacity?.storage);
    if (!statusSize || newSize.cmp(statusSize) <= 0) errs.push(field.forbidden('spec.resources.requests.storage', 'field can not be less than status.capacity'));
  }
  return errs;
}

export const persistentVolumeKind = coreKind({
  kind: 'PersistentVolume',
  plural: 'persistentvolumes',
  singular: 'persistentvolume',
  namespaced: false,
  shortNames: ['pv'],
  subresources: { status: true },
  columns: [
    NAME_COLUMN,
    col('Capacity', 'string', 'The storage capacity of the volume.'),
    col('Access Modes', 'string', 'How the volume can be mounted (RWO, ROX, RWX, RWOP).'),
    col('Reclaim Policy', 'string', 'What happens to the volume when its claim is released.'),
    col('Status', 'string', 'The phase of the volume.'),
    col('Claim', 'string', 'The claim bound to the volume, as namespace/name.'),
    col('StorageClass', 'string', 'The storage class of the volume.'),
    col('VolumeAttributesClass', 'string', 'The volume attributes class of the volume.'),
    col('Reason', 'string', 'Why the volume is in its phase, when failed.'),
    AGE_COLUMN,
    col('VolumeMode', 'string', 'Filesystem or Block.', 1),
  ],
  strategy: {
    defaults(obj) {
      decoding('PersistentVolume', 'v1', () => {
        const spec: Obj = obj.spec ?? (obj.spec = {});
        if (!spec.persistentVolumeReclaimPolicy) spec.persistentVolumeReclaimPolicy = 'Retain';
        if (!spec.volumeMode) spec.volumeMode = 'Filesystem';
        canonicalizeResourceList(spec.capacity);
        if (isObj(spec.hostPath) && spec.hostPath.type === undefined) spec.hostPath.type = '';
      });
    },
    prepareForCreate(obj) {
      obj.status = { phase: 'Pending', lastPhaseTransitionTime: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') };
    },
    ...metaRules(false, nameIsDNSSubdomain, validatePV),
    row(obj) {
      const spec: Obj = obj.spec ?? {};
      const claim = isObj(spec.claimRef) ? `${spec.claimRef.namespace ?? ''}/${spec.claimRef.name ?? ''}` : '';
      const phase = obj.metadata.deletionTimestamp ? 'Terminating' : (obj.status?.phase ?? '');
      return [
        obj.metadata.name,
        spec.capacity?.storage ?? '0',
        accessModes(spec.accessModes),
        spec.persistentVolumeReclaimPolicy ?? '',
        phase,
        claim,
        storageClassOf(obj),
        spec.volumeAttributesClassName ?? '<unset>',
        obj.status?.reason ?? '',
        age(obj),
        spec.volumeMode ?? '<unset>',
      ];
    },
  },
});

export const persistentVolumeClaimKind = coreKind({
  kind: 'PersistentVolumeClaim',
  plural: 'persistentvolumeclaims',
  singular: 'persistentvolumeclaim',
  namespaced: true,
  shortNames: ['pvc'],
  subresources: { status: true },
  columns: [
    NAME_COLUMN,
    col('Status', 'string', 'The phase of the claim.'),
    col('Volume', 'string', 'The volume bound to the claim.'),
    col('Capacity', 'string', 'The capacity of the bound volume.'),
    col('Access Modes', 'string', 'How the bound volume can be mounted.'),
    col('StorageClass', 'string', 'The storage class of the claim.'),
    col('VolumeAttributesClass', 'string', 'The volume attributes class of the claim.'),
    AGE_COLUMN,
    col('VolumeMode', 'string', 'Filesystem or Block.', 1),
  ],
  strategy: {
    defaults(obj) {
      decoding('PersistentVolumeClaim', 'v1', () => defaultPVCSpec(obj.spec ?? (obj.spec = {})));
    },
    prepareForCreate(obj) {
      obj.status = { phase: 'Pending' };
    },
    ...metaRules(true, nameIsDNSSubdomain, (obj) => validatePVCSpec(obj.spec, 'spec'), pvcUpdateRules),
    row(obj) {
      const spec: Obj = obj.spec ?? {};
      const phase = obj.metadata.deletionTimestamp ? 'Terminating' : (obj.status?.phase ?? '');
      const bound = !!spec.volumeName;
      return [
        obj.metadata.name,
        phase,
        spec.volumeName ?? '',
        bound ? (obj.status?.capacity?.storage ?? '0') : '',
        bound ? accessModes(obj.status?.accessModes) : '',
        storageClassOf(obj),
        spec.volumeAttributesClassName ?? '<unset>',
        age(obj),
        spec.volumeMode ?? '<unset>',
      ];
    },
  },
});

// ---- ResourceQuota / LimitRange ------------------------------------------------------------------

const STANDARD_QUOTA_RESOURCES = new Set([
  'pods', 'services', 'replicationcontrollers', 'resourcequotas', 'secrets', 'configmaps', 'persistentvolumeclaims', 'services.nodeports',
  'services.loadbalancers', 'cpu', 'memory', 'ephemeral-storage', 'requests.cpu', 'requests.memory', 'requests.storage',
  'requests.ephemeral-storage', 'limits.cpu', 'limits.memory', 'limits.ephemeral-storage',
]);

function validateQuotaResourceName(name: string, path: string): FieldError[] {
  const errs = validateResourceName(name, path);
  if (!name.includes('/') && !STANDARD_QUOTA_RESOURCES.has(name) && !name.startsWith('requests.hugepages-') && !name.startsWith('hugepages-') && !name.startsWith('count/')) {
    errs.push(field.invalid(path, name, 'must be a standard resource for quota'));
  }
  return errs;
}

function validateQuotaList(list: Obj | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(list ?? {})) {
    errs.push(...validateQuotaResourceName(k, `${path}[${k}]`));
    errs.push(...validateQuantityValue(k, v, `${path}[${k}]`));
  }
  return errs;
}

const QUOTA_SCOPES = ['Terminating', 'NotTerminating', 'BestEffort', 'NotBestEffort', 'PriorityClass', 'CrossNamespacePodAffinity', 'VolumeAttributesClass'];

function validateQuota(obj: KubeObject): FieldError[] {
  const errs = validateQuotaList(obj.spec?.hard, 'spec.hard');
  const scopes = arr<string>(obj.spec?.scopes);
  for (const s of scopes) if (!QUOTA_SCOPES.includes(s)) errs.push(field.invalid('spec.scopes', scopes, 'unsupported scope'));
  const set = new Set(scopes);
  if ((set.has('BestEffort') && set.has('NotBestEffort')) || (set.has('Terminating') && set.has('NotTerminating'))) {
    errs.push(field.invalid('spec.scopes', scopes, 'conflicting scopes'));
  }
  errs.push(...validateQuotaList(obj.status?.hard, 'status.hard'));
  errs.push(...validateQuotaList(obj.status?.used, 'status.used'));
  return errs;
}

/** printResourceQuota: `requests.cpu: 0/1, pods: 1/10` (limits.* go to LIMIT), by sorted name. */
function quotaRow(obj: KubeObject): unknown[] {
  const hard: Obj = obj.status?.hard ?? {};
  const used: Obj = obj.status?.used ?? {};
  const req: string[] = [];
  const lim: string[] = [];
  for (const r of Object.keys(hard).sort()) {
    const cell = `${r}: ${used[r] ?? '0'}/${hard[r]}`;
    if (r.split('.').length > 1 && r.split('.')[0] === 'limits') lim.push(cell);
    else req.push(cell);
  }
  return [obj.metadata.name, req.join(', '), lim.join(', '), age(obj)];
}

export const resourceQuotaKind = coreKind({
  kind: 'ResourceQuota',
  plural: 'resourcequotas',
  singular: 'resourcequota',
  namespaced: true,
  shortNames: ['quota'],
  subresources: { status: true },
  columns: [
    NAME_COLUMN,
    col('Request', 'string', 'Used and hard amounts of the non-limit resources.'),
    col('Limit', 'string', 'Used and hard amounts of the limits.* resources.'),
    AGE_COLUMN,
  ],
  strategy: {
    defaults(obj) {
      decoding('ResourceQuota', 'v1', () => {
        canonicalizeResourceList(obj.spec?.hard);
        canonicalizeResourceList(obj.status?.hard);
        canonicalizeResourceList(obj.status?.used);
      });
    },
    ...metaRules(true, nameIsDNSSubdomain, validateQuota, (obj, old) => {
      const a = [...arr<string>(obj.spec?.scopes)].sort();
      const b = [...arr<string>(old.spec?.scopes)].sort();
      return jsonEqual([...new Set(a)], [...new Set(b)]) ? [] : [field.invalid('spec.scopes', obj.spec?.scopes ?? null, 'field is immutable')];
    }),
    row: quotaRow,
  },
});

/** SetDefaults_LimitRangeItem for Container items. */
function defaultLimitRange(obj: KubeObject): void {
  for (const item of arr(obj.spec?.limits)) {
    if (!isObj(item)) continue;
    for (const k of ['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio']) canonicalizeResourceList(item[k]);
    if (item.type !== 'Container') continue;
    item.default = { ...(item.default ?? {}) };
    item.defaultRequest = { ...(item.defaultRequest ?? {}) };
    for (const [k, v] of Object.entries(item.max ?? {})) if (!(k in item.default)) item.default[k] = v;
    for (const [k, v] of Object.entries(item.default)) if (!(k in item.defaultRequest)) item.defaultRequest[k] = v;
    for (const [k, v] of Object.entries(item.min ?? {})) if (!(k in item.defaultRequest)) item.defaultRequest[k] = v;
  }
}

function validateLimitRange(obj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const types = new Set<string>();
  arr(obj.spec?.limits).forEach((item, i) => {
    const p = `spec.limits[${i}]`;
    const t: string = item?.type ?? '';
    const qn = isQualifiedName(t);
    if (qn.length) for (const m of qn) errs.push(field.invalid(`${p}.type`, t, m));
    else if (!t.includes('/') && !['Pod', 'Container', 'PersistentVolumeClaim'].includes(t)) {
      errs.push(field.invalid(`${p}.type`, t, 'must be a standard limit type or fully qualified'));
    }
    if (types.has(t)) errs.push(field.duplicate(`${p}.type`, t));
    types.add(t);
    const nameFn = t === 'Pod' || t === 'Container' ? validateContainerResourceName : validateResourceName;
    const lists: Record<string, Obj> = {};
    for (const k of ['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio']) {
      lists[k] = isObj(item?.[k]) ? item[k] : {};
      if (t === 'Pod' && (k === 'default' || k === 'defaultRequest')) {
        if (Object.keys(lists[k]).length) errs.push(field.forbidden(`${p}.${k}`, "may not be specified when `type` is 'Pod'"));
        continue;
      }
      for (const r of Object.keys(lists[k])) errs.push(...nameFn(r, `${p}.${k}[${r}]`));
    }
    if (t === 'PersistentVolumeClaim' && !('storage' in lists.min) && !('storage' in lists.max)) {
      errs.push(field.required(`${p}.limits`, 'either minimum or maximum storage value is required, but neither was provided'));
    }
    const keys = new Set(Object.values(lists).flatMap((l) => Object.keys(l)));
    for (const k of keys) {
      const q = (l: string) => (k in lists[l] ? tryParseQuantity(lists[l][k]) : undefined);
      const [min, max, def, defReq, ratio] = [q('min'), q('max'), q('default'), q('defaultRequest'), q('maxLimitRequestRatio')];
      if (min && max && min.cmp(max) > 0) errs.push(field.invalid(`${p}.min[${k}]`, min.toString(), `min value ${min} is greater than max value ${max}`));
      if (defReq && min && min.cmp(defReq) > 0) errs.push(field.invalid(`${p}.defaultRequest[${k}]`, defReq.toString(), `min value ${min} is greater than default request value ${defReq}`));
      if (defReq && max && defReq.cmp(max) > 0) errs.push(field.invalid(`${p}.defaultRequest[${k}]`, defReq.toString(), `default request value ${defReq} is greater than max value ${max}`));
      if (defReq && def && defReq.cmp(def) > 0) errs.push(field.invalid(`${p}.defaultRequest[${k}]`, defReq.toString(), `default request value ${defReq} is greater than default limit value ${def}`));
      if (def && min && min.cmp(def) > 0) errs.push(field.invalid(`${p}.default[${k}]`, min.toString(), `min value ${min} is greater than default value ${def}`));
      if (def && max && def.cmp(max) > 0) errs.push(field.invalid(`${p}.default[${k}]`, max.toString(), `default value ${def} is greater than max value ${max}`));
      if (ratio && ratio.toNumber() < 1) errs.push(field.invalid(`${p}.maxLimitRequestRatio[${k}]`, ratio.toString(), `ratio ${ratio} is less than 1`));
      if (!isOvercommitAllowed(k) && def && defReq && def.cmp(defReq) !== 0) {
        errs.push(field.invalid(`${p}.defaultRequest[${k}]`, defReq.toString(), `default value ${def} must equal to defaultRequest value ${defReq} in ${k}`));
      }
    }
  });
  return errs;
}

export const limitRangeKind = coreKind({
  kind: 'LimitRange',
  plural: 'limitranges',
  singular: 'limitrange',
  namespaced: true,
  shortNames: ['limits'],
  // No printer upstream: the default table (Name, Created At).
  columns: [NAME_COLUMN, { name: 'Created At', type: 'date', description: 'When the object was created (metadata.creationTimestamp).', priority: 0 }],
  strategy: {
    defaults(obj) {
      decoding('LimitRange', 'v1', () => defaultLimitRange(obj));
    },
    ...metaRules(true, nameIsDNSSubdomain, validateLimitRange),
    row: (obj) => [obj.metadata.name, obj.metadata.creationTimestamp ?? ''],
  },
});

// ---- ReplicationController / PodTemplate ---------------------------------------------------------

function selectorMapMatches(sel: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  return Object.entries(sel).every(([k, v]) => (labels ?? {})[k] === v);
}

function validateRC(obj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const spec: Obj = obj.spec ?? {};
  errs.push(...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  const sel: Record<string, string> = isObj(spec.selector) ? spec.selector : {};
  if (Object.keys(sel).length === 0) errs.push(field.required('spec.selector', ''));
  errs.push(...nonNegative(spec.replicas, 'spec.replicas'));
  if (!isObj(spec.template)) {
    errs.push(field.required('spec.template', ''));
    return errs;
  }
  if (Object.keys(sel).length && !selectorMapMatches(sel, spec.template.metadata?.labels)) {
    errs.push(field.invalid('spec.template.metadata.labels', goStringMap(spec.template.metadata?.labels), '`selector` does not match template `labels`'));
  }
  errs.push(...validatePodTemplateSpec(spec.template, 'spec.template'));
  if (spec.template.spec?.restartPolicy !== 'Always') errs.push(field.notSupported('spec.template.spec.restartPolicy', spec.template.spec?.restartPolicy ?? '', ['Always']));
  if (spec.template.spec?.activeDeadlineSeconds !== undefined && spec.template.spec?.activeDeadlineSeconds !== null) {
    errs.push(field.forbidden('spec.template.spec.activeDeadlineSeconds', 'activeDeadlineSeconds in ReplicationController is not Supported'));
  }
  return errs;
}

function validateRCStatus(status: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const s = status ?? {};
  for (const k of ['replicas', 'fullyLabeledReplicas', 'readyReplicas', 'availableReplicas', 'observedGeneration']) errs.push(...nonNegative(s[k], `status.${k}`));
  const r = s.replicas ?? 0;
  for (const k of ['fullyLabeledReplicas', 'readyReplicas', 'availableReplicas']) {
    if ((s[k] ?? 0) > r) errs.push(field.invalid(`status.${k}`, s[k], 'cannot be greater than status.replicas'));
  }
  if ((s.availableReplicas ?? 0) > (s.readyReplicas ?? 0)) errs.push(field.invalid('status.availableReplicas', s.availableReplicas, 'cannot be greater than readyReplicas'));
  return errs;
}

export const replicationControllerKind = coreKind({
  kind: 'ReplicationController',
  plural: 'replicationcontrollers',
  singular: 'replicationcontroller',
  namespaced: true,
  shortNames: ['rc'],
  categories: ['all'],
  subresources: { status: true, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.spec.selector' } },
  columns: [
    NAME_COLUMN,
    col('Desired', 'integer', 'Desired number of replicas.'),
    col('Current', 'integer', 'Replicas currently created.'),
    col('Ready', 'integer', 'Replicas ready.'),
    AGE_COLUMN,
    col('Containers', 'string', 'Names of each container in the template.', 1),
    col('Images', 'string', 'Images referenced by each container in the template.', 1),
    col('Selector', 'string', 'The label query over pods the controller manages.', 1),
  ],
  strategy: {
    defaults(obj) {
      decoding('ReplicationController', 'v1', () => {
        const spec: Obj = obj.spec ?? (obj.spec = {});
        const labels = spec.template?.metadata?.labels;
        if (labels) {
          if (!isObj(spec.selector) || Object.keys(spec.selector).length === 0) spec.selector = { ...labels };
          if (!obj.metadata.labels || Object.keys(obj.metadata.labels).length === 0) obj.metadata.labels = { ...labels };
        }
        if (spec.replicas === undefined || spec.replicas === null) spec.replicas = 1;
        if (isObj(spec.template)) defaultPodTemplateSpec(spec.template);
      });
    },
    prepareForCreate(obj) {
      obj.status = { replicas: 0 };
    },
    ...metaRules(true, nameIsDNSSubdomain, validateRC),
    validateUpdate(obj, old) {
      return [...validateObjectMetaUpdate(obj.metadata, old.metadata), ...validateCoreObjectMeta(obj.metadata, true, nameIsDNSSubdomain), ...validateRC(obj), ...validateRCStatus(obj.status)];
    },
    row(obj) {
      const [names, images] = containersAndImages(obj.spec?.template?.spec);
      return [obj.metadata.name, obj.spec?.replicas ?? 0, obj.status?.replicas ?? 0, obj.status?.readyReplicas ?? 0, age(obj), names, images, formatLabelSet(obj.spec?.selector) || '<none>'];
    },
    fieldLabels: (obj) => ({ 'status.replicas': String(obj.status?.replicas ?? 0) }),
  },
});

export const podTemplateKind = coreKind({
  kind: 'PodTemplate',
  plural: 'podtemplates',
  singular: 'podtemplate',
  namespaced: true,
  columns: [
    NAME_COLUMN,
    col('Containers', 'string', 'Names of each container in the template.'),
    col('Images', 'string', 'Images referenced by each container in the template.'),
    col('Pod Labels', 'string', 'The labels of the pod template.'),
  ],
  strategy: {
    defaults(obj) {
      decoding('PodTemplate', 'v1', () => {
        obj.template ??= {};
        defaultPodTemplateSpec(obj.template);
      });
    },
    ...metaRules(true, nameIsDNSSubdomain, (obj) => validatePodTemplateSpec(obj.template, 'template')),
    row(obj) {
      const [names, images] = containersAndImages(obj.template?.spec);
      return [obj.metadata.name, names, images, formatLabelSet(obj.template?.metadata?.labels) || '<none>'];
    },
  },
});

// ---- ComponentStatus -----------------------------------------------------------------------------

export const componentStatusKind = coreKind({
  kind: 'ComponentStatus',
  plural: 'componentstatuses',
  singular: 'componentstatus',
  namespaced: false,
  shortNames: ['cs'],
  verbs: ['get', 'list'],
  columns: [
    NAME_COLUMN,
    col('Status', 'string', 'Healthy, Unhealthy or Unknown.'),
    col('Message', 'string', 'The message of the Healthy condition.'),
    col('Error', 'string', 'The error of the Healthy condition.'),
  ],
  strategy: {
    ...metaRules(false, nameIsPathSegment),
    row(obj) {
      let status = 'Unknown';
      let message = '';
      let error = '';
      for (const c of arr(obj.conditions)) {
        if (c?.type === 'Healthy') {
          status = c.status === 'True' ? 'Healthy' : 'Unhealthy';
          message = c.message ?? '';
          error = c.error ?? '';
          break;
        }
      }
      return [obj.metadata.name, status, message, error];
    },
  },
});

// ---- the group -----------------------------------------------------------------------------------

/** Every core/v1 kind, in the order `kubectl api-resources` lists them (alphabetical by plural). */
export const coreKinds: KindDef[] = [
  componentStatusKind,
  configMapKind,
  endpointsKind,
  eventKind,
  limitRangeKind,
  namespaceKind,
  nodeKind,
  persistentVolumeClaimKind,
  persistentVolumeKind,
  podKind,
  podTemplateKind,
  replicationControllerKind,
  resourceQuotaKind,
  secretKind,
  serviceAccountKind,
  serviceKind,
];

export { ALL_VERBS, QuantityError, MAX_INT32 };
export type { ColumnDef };

/** Field-selector labels of an Event's object reference (involvedObject in core/v1, regarding in events.k8s.io/v1). */
export function objectReferenceLabels(prefix: string, ref: Obj | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of ['kind', 'namespace', 'name', 'uid', 'apiVersion', 'resourceVersion', 'fieldPath']) out[`${prefix}.${f}`] = ref?.[f] ?? '';
  return out;
}
