/**
 * PodSpec and PodTemplateSpec: v1.33 defaulting (pkg/apis/core/v1/defaults.go) and validation
 * (pkg/apis/core/validation ValidatePodSpec / ValidatePodTemplateSpec), shared by Pods, the
 * workload kinds of apps/v1 and batch/v1, PodTemplates and ReplicationControllers.
 */
import { field } from '../../apiserver/errors.js';
import { canonicalizeResourceList, parseQuantity, QUANTITY_FORMAT_ERROR, QuantityError, tryParseQuantity } from '../quantity.js';
import type { FieldError } from '../types.js';
import {
  inclusiveRangeError,
  isConfigMapKey,
  isDNS1123Label,
  isDNS1123Subdomain,
  isEnvVarName,
  isQualifiedName,
  isValidIP,
  isValidLabelValue,
  isValidPortName,
  isValidPortNum,
  regexError,
  validateAnnotations,
  validateLabelName,
  validateLabels,
  validateLabelSelector,
} from '../validation.js';

type Obj = Record<string, any>;

const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);
const arr = <T = Obj>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);

export const notFound = (path: string, value: unknown): FieldError => ({ type: 'FieldValueNotFound', field: path, value });

// ---- defaulting -------------------------------------------------------------------------------

/**
 * The tag parsers.ParseImageName would report: "latest" when neither tag nor digest is given,
 * "" when the reference does not parse (e.g. upper-case repository path) or has only a digest.
 */
export function imageTag(image: string): string {
  if (typeof image !== 'string' || image === '' || image !== image.trim()) return '';
  const at = image.indexOf('@');
  const withoutDigest = at >= 0 ? image.slice(0, at) : image;
  const lastSlash = withoutDigest.lastIndexOf('/');
  const lastColon = withoutDigest.lastIndexOf(':');
  const name = lastColon > lastSlash ? withoutDigest.slice(0, lastColon) : withoutDigest;
  const parts = name.split('/');
  const hasDomain = parts.length > 1 && (parts[0].includes('.') || parts[0].includes(':') || parts[0] === 'localhost');
  const path = hasDomain ? parts.slice(1) : parts;
  if (path.some((p) => !/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/.test(p))) return '';
  if (lastColon > lastSlash) return withoutDigest.slice(lastColon + 1);
  return at >= 0 ? '' : 'latest';
}

function defaultHTTPGet(h: Obj | undefined): void {
  if (!isObj(h)) return;
  if (!h.path) h.path = '/';
  if (!h.scheme) h.scheme = 'HTTP';
}

function defaultProbe(p: Obj | undefined): void {
  if (!isObj(p)) return;
  if (!p.timeoutSeconds) p.timeoutSeconds = 1;
  if (!p.periodSeconds) p.periodSeconds = 10;
  if (!p.successThreshold) p.successThreshold = 1;
  if (!p.failureThreshold) p.failureThreshold = 3;
  defaultHTTPGet(p.httpGet);
}

function defaultLifecycleHandler(h: Obj | undefined): void {
  if (isObj(h)) defaultHTTPGet(h.httpGet);
}

function canonicalizeResources(r: Obj | undefined): void {
  if (!isObj(r)) return;
  canonicalizeResourceList(r.limits);
  canonicalizeResourceList(r.requests);
}

/** SetDefaults_Container plus the defaults of what a container holds (ports, env, probes). */
export function defaultContainer(c: Obj): void {
  if (!isObj(c)) return;
  if (!c.imagePullPolicy) c.imagePullPolicy = imageTag(c.image) === 'latest' ? 'Always' : 'IfNotPresent';
  if (!c.terminationMessagePath) c.terminationMessagePath = '/dev/termination-log';
  if (!c.terminationMessagePolicy) c.terminationMessagePolicy = 'File';
  // Container.Resources is a struct without omitempty: always serialised.
  if (!isObj(c.resources)) c.resources = {};
  canonicalizeResources(c.resources);
  for (const p of arr(c.ports)) if (isObj(p) && !p.protocol) p.protocol = 'TCP';
  for (const e of arr(c.env)) {
    if (isObj(e?.valueFrom?.fieldRef) && !e.valueFrom.fieldRef.apiVersion) e.valueFrom.fieldRef.apiVersion = 'v1';
    const rf = e?.valueFrom?.resourceFieldRef;
    if (isObj(rf) && rf.divisor !== undefined) rf.divisor = canonicalOrKeep(rf.divisor);
  }
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
  if (isObj(c.lifecycle)) {
    defaultLifecycleHandler(c.lifecycle.postStart);
    defaultLifecycleHandler(c.lifecycle.preStop);
  }
}

function canonicalOrKeep(v: unknown): unknown {
  if (typeof v !== 'string' && typeof v !== 'number') return v;
  return parseQuantity(v).toString();
}

function defaultDownwardAPIItems(items: unknown): void {
  for (const it of arr(items)) {
    if (isObj(it?.fieldRef) && !it.fieldRef.apiVersion) it.fieldRef.apiVersion = 'v1';
    if (isObj(it?.resourceFieldRef) && it.resourceFieldRef.divisor !== undefined) it.resourceFieldRef.divisor = canonicalOrKeep(it.resourceFieldRef.divisor);
  }
}

/** PVC spec defaults (SetDefaults_PersistentVolumeClaimSpec), for ephemeral volumes and claim templates. */
export function defaultPVCSpec(spec: Obj | undefined): void {
  if (!isObj(spec)) return;
  if (!spec.volumeMode) spec.volumeMode = 'Filesystem';
  if (isObj(spec.resources)) {
    canonicalizeResourceList(spec.resources.requests);
    canonicalizeResourceList(spec.resources.limits);
  }
}

const VOLUME_SOURCES = [
  'hostPath', 'emptyDir', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'secret', 'nfs', 'iscsi', 'glusterfs',
  'persistentVolumeClaim', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'downwardAPI', 'fc', 'azureFile', 'configMap',
  'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'projected', 'portworxVolume', 'scaleIO', 'storageos', 'csi',
  'ephemeral', 'image',
];

/** SetDefaults_Volume and the per-source defaults. */
export function defaultVolume(v: Obj): void {
  if (!isObj(v)) return;
  if (!VOLUME_SOURCES.some((s) => v[s] !== undefined && v[s] !== null)) v.emptyDir = {};
  if (isObj(v.emptyDir) && v.emptyDir.sizeLimit !== undefined) v.emptyDir.sizeLimit = canonicalOrKeep(v.emptyDir.sizeLimit);
  if (isObj(v.hostPath) && v.hostPath.type === undefined) v.hostPath.type = '';
  if (isObj(v.secret) && v.secret.defaultMode === undefined) v.secret.defaultMode = 420;
  if (isObj(v.configMap) && v.configMap.defaultMode === undefined) v.configMap.defaultMode = 420;
  if (isObj(v.downwardAPI)) {
    if (v.downwardAPI.defaultMode === undefined) v.downwardAPI.defaultMode = 420;
    defaultDownwardAPIItems(v.downwardAPI.items);
  }
  if (isObj(v.projected)) {
    if (v.projected.defaultMode === undefined) v.projected.defaultMode = 420;
    for (const s of arr(v.projected.sources)) {
      if (isObj(s?.serviceAccountToken) && s.serviceAccountToken.expirationSeconds === undefined) s.serviceAccountToken.expirationSeconds = 3600;
      if (isObj(s?.downwardAPI)) defaultDownwardAPIItems(s.downwardAPI.items);
    }
  }
  if (isObj(v.iscsi) && !v.iscsi.iscsiInterface) v.iscsi.iscsiInterface = 'default';
  if (isObj(v.rbd)) {
    if (!v.rbd.pool) v.rbd.pool = 'rbd';
    if (!v.rbd.user) v.rbd.user = 'admin';
    if (!v.rbd.keyring) v.rbd.keyring = '/etc/ceph/keyring';
  }
  if (isObj(v.azureDisk)) {
    if (!v.azureDisk.cachingMode) v.azureDisk.cachingMode = 'ReadWrite';
    if (!v.azureDisk.kind) v.azureDisk.kind = 'Shared';
    if (!v.azureDisk.fsType) v.azureDisk.fsType = 'ext4';
    if (v.azureDisk.readOnly === undefined) v.azureDisk.readOnly = false;
  }
  if (isObj(v.scaleIO)) {
    if (!v.scaleIO.storageMode) v.scaleIO.storageMode = 'ThinProvisioned';
    if (!v.scaleIO.fsType) v.scaleIO.fsType = 'xfs';
  }
  if (isObj(v.ephemeral?.volumeClaimTemplate)) {
    const t = v.ephemeral.volumeClaimTemplate;
    defaultPVCSpec(t.spec);
    // An embedded ObjectMeta serialises its zero creationTimestamp.
    if (isObj(t.metadata)) {
      if (!('creationTimestamp' in t.metadata)) t.metadata.creationTimestamp = null;
    } else t.metadata = { creationTimestamp: null };
  }
}

/**
 * Defaults common to pods and pod templates (SetDefaults_PodSpec, containers, volumes), plus the
 * v1 conversion's mirroring of serviceAccountName into the deprecated serviceAccount field.
 * Throws QuantityError for a malformed quantity (a decode error upstream).
 */
export function defaultPodSpec(spec: Obj): void {
  if (!isObj(spec)) return;
  if (!spec.dnsPolicy) spec.dnsPolicy = 'ClusterFirst';
  if (!spec.restartPolicy) spec.restartPolicy = 'Always';
  if (!isObj(spec.securityContext)) spec.securityContext = {};
  if (spec.terminationGracePeriodSeconds === undefined || spec.terminationGracePeriodSeconds === null) spec.terminationGracePeriodSeconds = 30;
  if (!spec.schedulerName) spec.schedulerName = 'default-scheduler';
  // Convert_v1_PodSpec_To_core_PodSpec / back: serviceAccount mirrors serviceAccountName.
  if (!spec.serviceAccountName && spec.serviceAccount) spec.serviceAccountName = spec.serviceAccount;
  if (spec.serviceAccountName) spec.serviceAccount = spec.serviceAccountName;
  else delete spec.serviceAccount;
  for (const c of arr(spec.initContainers)) defaultContainer(c);
  for (const c of arr(spec.containers)) defaultContainer(c);
  for (const c of arr(spec.ephemeralContainers)) defaultContainer(c);
  for (const v of arr(spec.volumes)) defaultVolume(v);
  if (isObj(spec.overhead)) canonicalizeResourceList(spec.overhead);
  if (isObj(spec.resources)) canonicalizeResources(spec.resources);
}

/** SetDefaults_Pod: what only Pods (not templates) get on top of the PodSpec defaults. */
export function defaultPodOnly(spec: Obj): void {
  if (!isObj(spec)) return;
  for (const c of [...arr(spec.containers), ...arr(spec.initContainers)]) {
    if (!isObj(c)) continue;
    const limits = c.resources?.limits;
    if (isObj(limits)) {
      c.resources.requests ??= {};
      for (const [k, v] of Object.entries(limits)) if (c.resources.requests[k] === undefined) c.resources.requests[k] = v;
      if (Object.keys(c.resources.requests).length === 0) delete c.resources.requests;
    }
  }
  if (spec.enableServiceLinks === undefined || spec.enableServiceLinks === null) spec.enableServiceLinks = true;
  if (spec.hostNetwork) {
    for (const c of [...arr(spec.containers), ...arr(spec.initContainers)]) {
      for (const p of arr(c?.ports)) if (isObj(p) && !p.hostPort) p.hostPort = p.containerPort;
    }
  }
  // ServiceAccount admission: pods run as "default" unless told otherwise.
  if (!spec.serviceAccountName) {
    spec.serviceAccountName = 'default';
    spec.serviceAccount = 'default';
  }
}

/**
 * Defaults a PodTemplateSpec (workload templates): metadata serialises its zero
 * creationTimestamp as null, as a v1.33 server returns it.
 */
export function defaultPodTemplateSpec(tpl: Obj): void {
  if (!isObj(tpl)) return;
  if (!isObj(tpl.metadata)) tpl.metadata = {};
  if (!('creationTimestamp' in tpl.metadata)) tpl.metadata.creationTimestamp = null;
  if (!isObj(tpl.spec)) tpl.spec = {};
  defaultPodSpec(tpl.spec);
}

export { QuantityError };


// ---- validation ---------------------------------------------------------------------------------
// Order and paths follow pkg/apis/core/validation so aggregated messages read the same.

export interface PodSpecValidationOptions {
  /** the spec belongs to a Pod (not a template): pod-only rules apply */
  isPod?: boolean;
}

const SUPPORTED_PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];
const SUPPORTED_PORT_PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];
const DNS_POLICIES = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];
const TERMINATION_MESSAGE_POLICIES = ['File', 'FallbackToLogsOnError'];
const FILE_MODE_ERROR = 'must be a number between 0 and 0777 (octal), both inclusive';
const MAX_INT32 = 2147483647;

const set = (v: unknown): boolean => v !== undefined && v !== null;

function nonNegative(v: unknown, path: string): FieldError[] {
  return typeof v === 'number' && v < 0 ? [field.invalid(path, v, 'must be greater than or equal to 0')] : [];
}

function dns1123Label(value: string, path: string): FieldError[] {
  return isDNS1123Label(value).map((m) => field.invalid(path, value, m));
}

function dns1123Subdomain(value: string, path: string): FieldError[] {
  return isDNS1123Subdomain(value).map((m) => field.invalid(path, value, m));
}

function qualifiedName(value: string, path: string): FieldError[] {
  return isQualifiedName(value).map((m) => field.invalid(path, value, m));
}

function ipErrors(value: string, path: string): FieldError[] {
  return isValidIP(value).map((m) => field.invalid(path, value, m));
}

function idErrors(value: unknown, path: string): FieldError[] {
  return typeof value === 'number' && (value < 0 || value > MAX_INT32) ? [field.invalid(path, value, inclusiveRangeError(0, MAX_INT32))] : [];
}

/** ValidatePortNumOrName (probe, handler and service target ports). */
export function validatePortNumOrName(port: unknown, path: string): FieldError[] {
  if (typeof port === 'number') return isValidPortNum(port).map((m) => field.invalid(path, port, m));
  if (typeof port === 'string') return isValidPortName(port).map((m) => field.invalid(path, port, m));
  return [field.invalid(path, port ?? null, 'must be an integer or a port name')];
}

// ---- resources ----

const STANDARD_CONTAINER_RESOURCES = new Set(['cpu', 'memory', 'ephemeral-storage']);

function isHugePages(name: string): boolean {
  return name.startsWith('hugepages-');
}

/** helper.IsNativeResource: unprefixed or *kubernetes.io/ */
function isNativeResource(name: string): boolean {
  return !name.includes('/') || name.includes('kubernetes.io/');
}

/** helper.IsOvercommitAllowed */
export function isOvercommitAllowed(name: string): boolean {
  return isNativeResource(name) && !isHugePages(name);
}

const STANDARD_RESOURCES = new Set([
  'cpu', 'memory', 'ephemeral-storage', 'requests.cpu', 'requests.memory', 'requests.ephemeral-storage', 'limits.cpu',
  'limits.memory', 'limits.ephemeral-storage', 'pods', 'services', 'replicationcontrollers', 'resourcequotas', 'secrets',
  'persistentvolumeclaims', 'configmaps', 'storage', 'requests.storage', 'services.nodeports', 'services.loadbalancers',
]);

/** helper.IsStandardResourceName */
export function isStandardResourceName(name: string): boolean {
  return STANDARD_RESOURCES.has(name) || isHugePages(name) || name.startsWith('requests.hugepages-');
}

/** validateResourceName */
export function validateResourceName(name: string, path: string): FieldError[] {
  const errs = qualifiedName(name, path);
  if (errs.length) return errs;
  if (!name.includes('/') && !isStandardResourceName(name)) return [field.invalid(path, name, 'must be a standard resource type or fully qualified')];
  return [];
}

/** helper.IsExtendedResourceName */
function isExtendedResourceName(name: string): boolean {
  if (isNativeResource(name) || name.startsWith('requests.')) return false;
  return isQualifiedName(`requests.${name}`).length === 0;
}

/** validateContainerResourceName */
export function validateContainerResourceName(name: string, path: string): FieldError[] {
  const errs = validateResourceName(name, path);
  if (!name.includes('/')) {
    if (!STANDARD_CONTAINER_RESOURCES.has(name) && !isHugePages(name)) return [...errs, field.invalid(path, name, 'must be a standard resource for containers')];
  } else if (!isNativeResource(name) && !isExtendedResourceName(name)) {
    return [...errs, field.invalid(path, name, "doesn't follow extended resource name standard")];
  }
  return errs;
}

/** helper.IsIntegerResourceName: hugepages and extended resources. */
function isIntegerResourceName(name: string): boolean {
  return isHugePages(name) || isExtendedResourceName(name);
}

/** ValidateResourceQuantityValue: non-negative, integral for integer resources. */
export function validateQuantityValue(name: string, raw: unknown, path: string): FieldError[] {
  const q = tryParseQuantity(raw);
  if (!q) return [field.invalid(path, raw, QUANTITY_FORMAT_ERROR)];
  const errs: FieldError[] = [];
  if (q.sign < 0) errs.push(field.invalid(path, q.toString(), 'must be greater than or equal to 0'));
  if (isIntegerResourceName(name) && q.milliValue() % 1000 !== 0) errs.push(field.invalid(path, q.toString(), 'must be an integer'));
  return errs;
}

/** ValidateContainerResourceRequirements (also used for overhead, as limits). */
export function validateResourceRequirements(r: Obj | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!isObj(r)) return errs;
  const limPath = `${path}.limits`;
  const reqPath = `${path}.requests`;
  const limits: Obj = isObj(r.limits) ? r.limits : {};
  const requests: Obj = isObj(r.requests) ? r.requests : {};
  let limCPUOrMem = false;
  let reqCPUOrMem = false;
  let hugePages = false;
  for (const [name, raw] of Object.entries(limits)) {
    const p = `${limPath}[${name}]`;
    errs.push(...validateContainerResourceName(name, p));
    errs.push(...validateQuantityValue(name, raw, p));
    if (isHugePages(name)) hugePages = true;
    if (name === 'cpu' || name === 'memory') limCPUOrMem = true;
  }
  for (const [name, raw] of Object.entries(requests)) {
    const p = `${reqPath}[${name}]`;
    errs.push(...validateContainerResourceName(name, p));
    errs.push(...validateQuantityValue(name, raw, p));
    const q = tryParseQuantity(raw);
    if (name in limits) {
      const lim = tryParseQuantity(limits[name]);
      if (q && lim) {
        if (q.cmp(lim) !== 0 && !isOvercommitAllowed(name)) {
          errs.push(field.invalid(reqPath, q.toString(), `must be equal to ${name} limit of ${lim.toString()}`));
        } else if (q.cmp(lim) > 0) {
          errs.push(field.invalid(reqPath, q.toString(), `must be less than or equal to ${name} limit of ${lim.toString()}`));
        }
      }
    } else if (!isOvercommitAllowed(name)) {
      errs.push(field.required(limPath, 'Limit must be set for non overcommitable resources'));
    }
    if (isHugePages(name)) hugePages = true;
    if (name === 'cpu' || name === 'memory') reqCPUOrMem = true;
  }
  if (!limCPUOrMem && !reqCPUOrMem && hugePages) errs.push(field.forbidden(path, 'HugePages require cpu or memory'));
  return errs;
}

// ---- containers ----

function validateContainerPorts(ports: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  arr(ports).forEach((p, i) => {
    const ip = `${path}[${i}]`;
    if (!isObj(p)) return;
    if (p.name) {
      const msgs = isValidPortName(p.name);
      if (msgs.length) for (const m of msgs) errs.push(field.invalid(`${ip}.name`, p.name, m));
      else if (names.has(p.name)) errs.push(field.duplicate(`${ip}.name`, p.name));
      else names.add(p.name);
    }
    if (!p.containerPort) errs.push(field.required(`${ip}.containerPort`, ''));
    else for (const m of isValidPortNum(p.containerPort)) errs.push(field.invalid(`${ip}.containerPort`, p.containerPort, m));
    if (p.hostPort) for (const m of isValidPortNum(p.hostPort)) errs.push(field.invalid(`${ip}.hostPort`, p.hostPort, m));
    if (!p.protocol) errs.push(field.required(`${ip}.protocol`, ''));
    else if (!SUPPORTED_PORT_PROTOCOLS.includes(p.protocol)) errs.push(field.notSupported(`${ip}.protocol`, p.protocol, SUPPORTED_PORT_PROTOCOLS));
  });
  return errs;
}

function validateKeySelector(ref: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const m of isDNS1123Subdomain(ref.name ?? '')) errs.push(field.invalid(`${path}.name`, ref.name ?? '', m));
  if (!ref.key) errs.push(field.required(`${path}.key`, ''));
  else for (const m of isConfigMapKey(ref.key)) errs.push(field.invalid(`${path}.key`, ref.key, m));
  return errs;
}

const VALID_ENV_FIELD_PATHS = [
  'metadata.name', 'metadata.namespace', 'metadata.uid', 'spec.nodeName', 'spec.serviceAccountName', 'status.hostIP',
  'status.hostIPs', 'status.podIP', 'status.podIPs',
];
const VALID_VOLUME_FIELD_PATHS = ['metadata.annotations', 'metadata.labels', 'metadata.name', 'metadata.namespace', 'metadata.uid'];
/** field labels podshelper.ConvertDownwardAPIFieldLabel accepts for v1 */
const DOWNWARD_API_LABELS = new Set([
  'metadata.annotations', 'metadata.labels', 'metadata.name', 'metadata.namespace', 'metadata.uid', 'spec.nodeName',
  'spec.restartPolicy', 'spec.serviceAccountName', 'spec.schedulerName', 'status.phase', 'status.hostIP', 'status.hostIPs',
  'status.podIP', 'status.podIPs',
]);

function validateObjectFieldSelector(ref: Obj, allowed: string[], path: string): FieldError[] {
  if (!ref.apiVersion) return [field.required(`${path}.apiVersion`, '')];
  if (!ref.fieldPath) return [field.required(`${path}.fieldPath`, '')];
  const fp: string = ref.fieldPath;
  if (ref.apiVersion !== 'v1') return [field.invalid(`${path}.fieldPath`, fp, `error converting fieldPath: unsupported pod version: ${ref.apiVersion}`)];
  const m = /^(metadata\.(?:labels|annotations))\['(.*)'\]$/.exec(fp);
  if (m) {
    const key = m[2];
    return m[1] === 'metadata.annotations' ? qualifiedName(key.toLowerCase(), path) : qualifiedName(key, path);
  }
  const sub = /^([^[]+)\[(.*)\]$/.exec(fp);
  const base = sub ? sub[1] : fp;
  if (!DOWNWARD_API_LABELS.has(base)) return [field.invalid(`${path}.fieldPath`, fp, `error converting fieldPath: field label not supported: ${fp}`)];
  if (sub) return [field.invalid(path, base, 'does not support subscript')];
  if (!allowed.includes(fp)) return [field.notSupported(`${path}.fieldPath`, fp, allowed)];
  return [];
}

const VALID_RESOURCE_FIELD_REFS = ['limits.cpu', 'limits.ephemeral-storage', 'limits.memory', 'requests.cpu', 'requests.ephemeral-storage', 'requests.memory'];
const MEMORY_DIVISORS = ['1', '1k', '1M', '1G', '1T', '1P', '1E', '1Ki', '1Mi', '1Gi', '1Ti', '1Pi', '1Ei'];

function validateResourceFieldRef(ref: Obj, path: string, volume: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const res: string = ref.resource ?? '';
  if (volume && !ref.containerName) errs.push(field.required(`${path}.containerName`, ''));
  else if (!res) errs.push(field.required(`${path}.resource`, ''));
  else if (!VALID_RESOURCE_FIELD_REFS.includes(res) && !/^(requests|limits)\.hugepages-/.test(res)) {
    errs.push(field.notSupported(`${path}.resource`, res, VALID_RESOURCE_FIELD_REFS));
  }
  const d = set(ref.divisor) ? tryParseQuantity(ref.divisor) : undefined;
  if (d && !d.isZero()) {
    const ds = d.toString();
    if ((res === 'limits.cpu' || res === 'requests.cpu') && !['1m', '1'].includes(ds)) {
      errs.push(field.invalid(`${path}.divisor`, res, "only divisor's values 1m and 1 are supported with the cpu resource"));
    } else if ((res === 'limits.memory' || res === 'requests.memory') && !MEMORY_DIVISORS.includes(ds)) {
      errs.push(field.invalid(`${path}.divisor`, res, `only divisor's values ${MEMORY_DIVISORS.join(', ')} are supported with the memory resource`));
    } else if ((res === 'limits.ephemeral-storage' || res === 'requests.ephemeral-storage') && !MEMORY_DIVISORS.includes(ds)) {
      errs.push(field.invalid(`${path}.divisor`, res, `only divisor's values ${MEMORY_DIVISORS.join(', ')} are supported with the local ephemeral storage resource`));
    }
  }
  return errs;
}

function validateEnv(env: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  arr(env).forEach((ev, i) => {
    const ip = `${path}[${i}]`;
    if (!isObj(ev)) return;
    if (!ev.name) errs.push(field.required(`${ip}.name`, ''));
    else for (const m of isEnvVarName(ev.name)) errs.push(field.invalid(`${ip}.name`, ev.name, m));
    if (!set(ev.valueFrom)) return;
    const vf: Obj = isObj(ev.valueFrom) ? ev.valueFrom : {};
    const vp = `${ip}.valueFrom`;
    let n = 0;
    if (isObj(vf.fieldRef)) {
      n++;
      errs.push(...validateObjectFieldSelector(vf.fieldRef, VALID_ENV_FIELD_PATHS, `${vp}.fieldRef`));
    }
    if (isObj(vf.resourceFieldRef)) {
      n++;
      errs.push(...validateResourceFieldRef(vf.resourceFieldRef, `${vp}.resourceFieldRef`, false));
    }
    if (isObj(vf.configMapKeyRef)) {
      n++;
      errs.push(...validateKeySelector(vf.configMapKeyRef, `${vp}.configMapKeyRef`));
    }
    if (isObj(vf.secretKeyRef)) {
      n++;
      errs.push(...validateKeySelector(vf.secretKeyRef, `${vp}.secretKeyRef`));
    }
    if (n === 0) errs.push(field.invalid(vp, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
    else if (ev.value) errs.push(field.invalid(vp, '', 'may not be specified when `value` is not empty'));
    else if (n > 1) errs.push(field.invalid(vp, '', 'may not have more than one field specified at a time'));
  });
  return errs;
}

function validateEnvFrom(envFrom: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  arr(envFrom).forEach((ef, i) => {
    const ip = `${path}[${i}]`;
    if (!isObj(ef)) return;
    if (ef.prefix) for (const m of isEnvVarName(ef.prefix)) errs.push(field.invalid(`${ip}.prefix`, ef.prefix, m));
    let n = 0;
    for (const k of ['configMapRef', 'secretRef']) {
      if (!isObj(ef[k])) continue;
      n++;
      const name = ef[k].name;
      if (!name) errs.push(field.required(`${ip}.${k}.name`, ''));
      else for (const m of isDNS1123Subdomain(name.length > 1 && name.endsWith('-') ? name.slice(0, -1) + 'a' : name)) errs.push(field.invalid(`${ip}.${k}.name`, name, m));
    }
    if (n === 0) errs.push(field.invalid(path, '', 'must specify one of: `configMapRef` or `secretRef`'));
    else if (n > 1) errs.push(field.invalid(path, '', 'may not have more than one field specified at a time'));
  });
  return errs;
}

const HTTP_HEADER_RE = /^[-A-Za-z0-9]+$/;

function validateHandler(h: Obj, path: string, kinds: string[], gracePeriod: unknown): FieldError[] {
  const errs: FieldError[] = [];
  let n = 0;
  for (const k of kinds) {
    if (!set(h[k])) continue;
    if (n > 0) {
      errs.push(field.forbidden(`${path}.${k}`, 'may not specify more than 1 handler type'));
      continue;
    }
    n++;
    const v: Obj = isObj(h[k]) ? h[k] : {};
    const p = `${path}.${k}`;
    switch (k) {
      case 'exec':
        if (arr(v.command).length === 0) errs.push(field.required(`${p}.command`, ''));
        break;
      case 'httpGet':
        if (!v.path) errs.push(field.required(`${p}.path`, ''));
        errs.push(...validatePortNumOrName(v.port, `${p}.port`));
        if (!['HTTP', 'HTTPS'].includes(v.scheme)) errs.push(field.notSupported(`${p}.scheme`, v.scheme ?? '', ['HTTP', 'HTTPS']));
        for (const hd of arr(v.httpHeaders)) {
          const name = String(hd?.name ?? '');
          if (!HTTP_HEADER_RE.test(name)) {
            errs.push(field.invalid(`${p}.httpHeaders`, name, regexError("a valid HTTP header must consist of alphanumeric characters or '-'", '[-A-Za-z0-9]+', 'X-Header-Name')));
          }
        }
        break;
      case 'tcpSocket':
        errs.push(...validatePortNumOrName(v.port, `${p}.port`));
        break;
      case 'grpc':
        errs.push(...validatePortNumOrName(typeof v.port === 'number' ? v.port : 0, `${p}.port`));
        break;
      case 'sleep': {
        const s = v.seconds;
        if (typeof gracePeriod === 'number' && (typeof s !== 'number' || s < 0 || s > gracePeriod)) {
          errs.push(field.invalid(p, s, `must be non-negative and less than terminationGracePeriodSeconds (${gracePeriod})`));
        }
        break;
      }
    }
  }
  if (n === 0) errs.push(field.required(path, 'must specify a handler type'));
  return errs;
}

const PROBE_HANDLERS = ['exec', 'httpGet', 'tcpSocket', 'grpc'];
const LIFECYCLE_HANDLERS = ['exec', 'httpGet', 'tcpSocket', 'sleep'];

function validateProbe(p: unknown, gracePeriod: unknown, path: string, kind: 'liveness' | 'readiness' | 'startup'): FieldError[] {
  if (!isObj(p)) return [];
  const errs = validateHandler(p, path, PROBE_HANDLERS, gracePeriod);
  for (const k of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold']) errs.push(...nonNegative(p[k], `${path}.${k}`));
  if (set(p.terminationGracePeriodSeconds) && p.terminationGracePeriodSeconds <= 0) {
    errs.push(field.invalid(`${path}.terminationGracePeriodSeconds`, p.terminationGracePeriodSeconds, 'must be greater than 0'));
  }
  if (kind === 'readiness') {
    if (set(p.terminationGracePeriodSeconds)) errs.push(field.invalid(`${path}.terminationGracePeriodSeconds`, p.terminationGracePeriodSeconds, 'must not be set for readinessProbes'));
  } else if ((p.successThreshold ?? 0) !== 1) {
    errs.push(field.invalid(`${path}.successThreshold`, p.successThreshold ?? 0, 'must be 1'));
  }
  return errs;
}

function validateLifecycle(l: unknown, gracePeriod: unknown, path: string): FieldError[] {
  if (!isObj(l)) return [];
  const errs: FieldError[] = [];
  if (isObj(l.postStart)) errs.push(...validateHandler(l.postStart, `${path}.postStart`, LIFECYCLE_HANDLERS, gracePeriod));
  if (isObj(l.preStop)) errs.push(...validateHandler(l.preStop, `${path}.preStop`, LIFECYCLE_HANDLERS, gracePeriod));
  return errs;
}

function validateLocalDescendingPath(p: string, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (p.startsWith('/')) errs.push(field.invalid(path, p, 'must be a relative path'));
  if (p.replace(/\\/g, '/').split('/').includes('..')) errs.push(field.invalid(path, p, "must not contain '..'"));
  return errs;
}

function validateLocalNonReservedPath(p: string, path: string): FieldError[] {
  const errs = validateLocalDescendingPath(p, path);
  if (p.startsWith('..') && !p.startsWith('../')) errs.push(field.invalid(path, p, "must not start with '..'"));
  return errs;
}

function validateVolumeMounts(c: Obj, volumes: Map<string, Obj>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const mountpoints = new Set<string>();
  const devices = new Map<string, string>(arr(c.volumeDevices).map((d) => [d?.name, d?.devicePath]));
  const privileged = c.securityContext?.privileged === true;
  arr(c.volumeMounts).forEach((m, i) => {
    const ip = `${path}[${i}]`;
    if (!isObj(m)) return;
    if (!m.name) errs.push(field.required(`${ip}.name`, ''));
    if (!volumes.has(m.name)) errs.push(notFound(`${ip}.name`, m.name ?? ''));
    if (!m.mountPath) errs.push(field.required(`${ip}.mountPath`, ''));
    if (mountpoints.has(m.mountPath)) errs.push(field.invalid(`${ip}.mountPath`, m.mountPath, 'must be unique'));
    mountpoints.add(m.mountPath);
    if (devices.has(m.name)) errs.push(field.invalid(`${ip}.name`, m.name, 'must not already exist in volumeDevices'));
    if ([...devices.values()].includes(m.mountPath)) errs.push(field.invalid(`${ip}.mountPath`, m.mountPath, 'must not already exist as a path in volumeDevices'));
    if (isObj(volumes.get(m.name)?.image)) {
      if (m.subPath) errs.push(field.invalid(`${ip}.subPath`, m.subPath, 'not allowed in image volume sources'));
      if (m.subPathExpr) errs.push(field.invalid(`${ip}.subPathExpr`, m.subPathExpr, 'not allowed in image volume sources'));
    }
    // upstream names these paths without the index
    if (m.subPath) errs.push(...validateLocalDescendingPath(m.subPath, `${path}.subPath`));
    if (m.subPathExpr) {
      if (m.subPath) errs.push(field.invalid(`${ip}.subPathExpr`, m.subPathExpr, 'subPathExpr and subPath are mutually exclusive'));
      errs.push(...validateLocalDescendingPath(m.subPathExpr, `${path}.subPathExpr`));
    }
    if (set(m.mountPropagation)) {
      const mp = m.mountPropagation;
      if (!['Bidirectional', 'HostToContainer', 'None'].includes(mp)) errs.push(field.notSupported(`${path}.mountPropagation`, mp, ['Bidirectional', 'HostToContainer', 'None']));
      if (mp === 'Bidirectional' && !privileged) errs.push(field.forbidden(`${path}.mountPropagation`, 'Bidirectional mount propagation is available only to privileged containers'));
    }
    if (set(m.recursiveReadOnly)) {
      const rro = m.recursiveReadOnly;
      const rp = `${path}.recursiveReadOnly`;
      if (rro === 'Enabled' || rro === 'IfPossible') {
        if (!m.readOnly) errs.push(field.forbidden(rp, 'may only be specified when readOnly is true'));
        if (set(m.mountPropagation) && m.mountPropagation !== 'None') errs.push(field.forbidden(rp, 'may only be specified when mountPropagation is None or not specified'));
      } else if (rro !== 'Disabled') {
        errs.push(field.notSupported(rp, rro, ['Disabled', 'Enabled', 'IfPossible']));
      }
    }
  });
  return errs;
}

function validateVolumeDevices(c: Obj, volumes: Map<string, Obj>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const mounts = new Map<string, string>(arr(c.volumeMounts).map((m) => [m?.name, m?.mountPath]));
  const paths = new Set<string>();
  const names = new Set<string>();
  arr(c.volumeDevices).forEach((d, i) => {
    const ip = `${path}[${i}]`;
    const name: string = d?.name ?? '';
    const devPath: string = d?.devicePath ?? '';
    const vol = volumes.get(name);
    if (!name) errs.push(field.required(`${ip}.name`, ''));
    if (names.has(name)) errs.push(field.invalid(`${ip}.name`, name, 'must be unique'));
    if (vol && !isObj(vol.persistentVolumeClaim) && !isObj(vol.ephemeral)) {
      errs.push(field.invalid(`${ip}.name`, name, 'can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode'));
    }
    if (!vol) errs.push(notFound(`${ip}.name`, name));
    if (!devPath) errs.push(field.required(`${ip}.devicePath`, ''));
    if (paths.has(devPath)) errs.push(field.invalid(`${ip}.devicePath`, devPath, 'must be unique'));
    if (devPath && devPath.split('/').includes('..')) errs.push(field.invalid(`${ip}.devicePath`, devPath, "can not contain backsteps ('..')"));
    else paths.add(devPath);
    if (mounts.has(name)) errs.push(field.invalid(`${ip}.name`, name, 'must not already exist in volumeMounts'));
    if ([...mounts.values()].includes(devPath)) errs.push(field.invalid(`${ip}.devicePath`, devPath, 'must not already exist as a path in volumeMounts'));
    if (name) names.add(name);
  });
  return errs;
}

function validateSeccompProfile(sp: unknown, path: string): FieldError[] {
  if (!isObj(sp)) return [];
  const errs: FieldError[] = [];
  const types = ['Localhost', 'RuntimeDefault', 'Unconfined'];
  if (!sp.type) errs.push(field.required(`${path}.type`, 'type is required when seccompProfile is set'));
  else if (!types.includes(sp.type)) errs.push(field.notSupported(`${path}.type`, sp.type, types));
  if (sp.type === 'Localhost') {
    if (!set(sp.localhostProfile)) errs.push(field.required(`${path}.localhostProfile`, 'must be set when seccomp type is Localhost'));
    else errs.push(...validateLocalDescendingPath(sp.localhostProfile, `${path}.localhostProfile`));
  } else if (set(sp.localhostProfile)) {
    errs.push(field.invalid(`${path}.localhostProfile`, sp, 'can only be set when seccomp type is Localhost'));
  }
  return errs;
}

function validateAppArmorProfile(p: unknown, path: string): FieldError[] {
  if (!isObj(p)) return [];
  const types = ['Localhost', 'RuntimeDefault', 'Unconfined'];
  switch (p.type) {
    case 'Localhost':
      if (!set(p.localhostProfile) || String(p.localhostProfile).trim() === '') return [field.required(`${path}.localhostProfile`, 'must be set when AppArmor type is Localhost')];
      if (String(p.localhostProfile).trim() !== p.localhostProfile) return [field.invalid(`${path}.localhostProfile`, p.localhostProfile, 'must not be padded with whitespace')];
      return [];
    case 'RuntimeDefault':
    case 'Unconfined':
      return set(p.localhostProfile) ? [field.invalid(`${path}.localhostProfile`, p.localhostProfile, 'can only be set when AppArmor type is Localhost')] : [];
    case undefined:
    case '':
      return [field.required(`${path}.type`, 'type is required when appArmorProfile is set')];
    default:
      return [field.notSupported(`${path}.type`, p.type, types)];
  }
}

function validateSecurityContext(sc: unknown, path: string, hostUsers: boolean): FieldError[] {
  if (!isObj(sc)) return [];
  const errs: FieldError[] = [];
  errs.push(...idErrors(sc.runAsUser, `${path}.runAsUser`));
  errs.push(...idErrors(sc.runAsGroup, `${path}.runAsGroup`));
  if (set(sc.procMount)) {
    if (!['Default', 'Unmasked'].includes(sc.procMount)) errs.push(field.notSupported(`${path}.procMount`, sc.procMount, ['Default', 'Unmasked']));
    if (hostUsers && sc.procMount === 'Unmasked') errs.push(field.invalid(`${path}.procMount`, sc.procMount, '`hostUsers` must be false to use `Unmasked`'));
  }
  errs.push(...validateSeccompProfile(sc.seccompProfile, `${path}.seccompProfile`));
  if (sc.allowPrivilegeEscalation === false) {
    if (sc.privileged === true) errs.push(field.invalid(path, sc, 'cannot set `allowPrivilegeEscalation` to false and `privileged` to true'));
    for (const cap of arr<string>(sc.capabilities?.add)) {
      if (cap === 'CAP_SYS_ADMIN') errs.push(field.invalid(path, sc, 'cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN'));
    }
  }
  errs.push(...validateAppArmorProfile(sc.appArmorProfile, `${path}.appArmorProfile`));
  return errs;
}

function validateResizePolicy(list: unknown, path: string, restartPolicy: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  arr(list).forEach((p, i) => {
    const rn = p?.resourceName ?? '';
    const rp = p?.restartPolicy ?? '';
    if (seen.has(rn)) errs.push(field.duplicate(`${path}[${i}]`, rn));
    seen.add(rn);
    if (rn === '') errs.push(field.required(path, ''));
    else if (rn !== 'cpu' && rn !== 'memory') errs.push(field.notSupported(path, rn, ['cpu', 'memory']));
    if (rp === '') errs.push(field.required(path, ''));
    else if (rp !== 'NotRequired' && rp !== 'RestartContainer') errs.push(field.notSupported(path, rp, ['NotRequired', 'RestartContainer']));
    if (restartPolicy === 'Never' && rp !== 'NotRequired') errs.push(field.invalid(path, rp, "must be 'NotRequired' when `restartPolicy` is 'Never'"));
  });
  return errs;
}

interface ContainerContext {
  volumes: Map<string, Obj>;
  restartPolicy: string;
  hostUsers: boolean;
}

/** validateContainerCommon */
function validateContainerCommon(c: Obj, path: string, ctx: ContainerContext): FieldError[] {
  const errs: FieldError[] = [];
  if (!c.name) errs.push(field.required(`${path}.name`, ''));
  else errs.push(...dns1123Label(c.name, `${path}.name`));
  if (!c.image) errs.push(field.required(`${path}.image`, ''));
  const tmp = c.terminationMessagePolicy ?? '';
  if (tmp === '') errs.push(field.required(`${path}.terminationMessagePolicy`, ''));
  else if (!TERMINATION_MESSAGE_POLICIES.includes(tmp)) errs.push(field.notSupported(`${path}.terminationMessagePolicy`, tmp, TERMINATION_MESSAGE_POLICIES));
  errs.push(...validateContainerPorts(c.ports, `${path}.ports`));
  errs.push(...validateEnv(c.env, `${path}.env`));
  errs.push(...validateEnvFrom(c.envFrom, `${path}.envFrom`));
  errs.push(...validateVolumeMounts(c, ctx.volumes, `${path}.volumeMounts`));
  errs.push(...validateVolumeDevices(c, ctx.volumes, `${path}.volumeDevices`));
  const pp = c.imagePullPolicy ?? '';
  if (pp === '') errs.push(field.required(`${path}.imagePullPolicy`, ''));
  else if (!SUPPORTED_PULL_POLICIES.includes(pp)) errs.push(field.notSupported(`${path}.imagePullPolicy`, pp, SUPPORTED_PULL_POLICIES));
  errs.push(...validateResourceRequirements(c.resources, `${path}.resources`));
  errs.push(...validateResizePolicy(c.resizePolicy, `${path}.resizePolicy`, ctx.restartPolicy));
  errs.push(...validateSecurityContext(c.securityContext, `${path}.securityContext`, ctx.hostUsers));
  return errs;
}

/** checkHostPortConflicts */
function hostPortConflicts(containers: Obj[], path: string, indexOffset = 0): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  containers.forEach((c, ci) => {
    arr(c?.ports).forEach((p, pi) => {
      if (!p?.hostPort) return;
      const key = `${p.protocol}/${p.hostIP ?? ''}/${p.hostPort}`;
      const fp = `${path}[${ci + indexOffset}].ports[${pi}].hostPort`;
      if (seen.has(key)) errs.push(field.duplicate(fp, key));
      else seen.add(key);
    });
  });
  return errs;
}

// ---- volumes ----

function validateKeyToPaths(items: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  arr(items).forEach((it, i) => {
    const ip = `${path}[${i}]`;
    if (!it?.key) errs.push(field.required(`${ip}.key`, ''));
    if (!it?.path) errs.push(field.required(`${ip}.path`, ''));
    errs.push(...validateLocalNonReservedPath(it?.path ?? '', `${ip}.path`));
    if (set(it?.mode) && (it.mode > 0o777 || it.mode < 0)) errs.push(field.invalid(`${ip}.mode`, it.mode, FILE_MODE_ERROR));
  });
  return errs;
}

function validateMode(mode: unknown, path: string): FieldError[] {
  if (!set(mode)) return [];
  if (typeof mode !== 'number' || mode > 0o777 || mode < 0) return [field.invalid(path, mode, FILE_MODE_ERROR)];
  return [];
}

function validateDownwardAPIFile(f: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!f?.path) errs.push(field.required(`${path}.path`, ''));
  errs.push(...validateLocalNonReservedPath(f?.path ?? '', `${path}.path`));
  if (isObj(f?.fieldRef)) {
    errs.push(...validateObjectFieldSelector(f.fieldRef, VALID_VOLUME_FIELD_PATHS, `${path}.fieldRef`));
    if (isObj(f.resourceFieldRef)) errs.push(field.invalid(path, 'resource', 'fieldRef and resourceFieldRef can not be specified simultaneously'));
  } else if (isObj(f?.resourceFieldRef)) {
    errs.push(...validateResourceFieldRef(f.resourceFieldRef, `${path}.resourceFieldRef`, true));
  } else {
    errs.push(field.required(path, 'one of fieldRef and resourceFieldRef is required'));
  }
  errs.push(...validateMode(f?.mode, `${path}.mode`));
  return errs;
}

const HOST_PATH_TYPES = ['', 'BlockDevice', 'CharDevice', 'Directory', 'DirectoryOrCreate', 'File', 'FileOrCreate', 'Socket'];

/** Source-specific checks, as validateVolumeSource's per-type validators. */
function validateOneVolumeSource(kind: string, v: Obj, p: string, volName: string, isPod: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const req = (k: string) => {
    if (!v[k]) errs.push(field.required(`${p}.${k}`, ''));
  };
  switch (kind) {
    case 'emptyDir': {
      const sl = set(v.sizeLimit) ? tryParseQuantity(v.sizeLimit) : undefined;
      if (sl && sl.sign < 0) errs.push(field.forbidden(`${p}.sizeLimit`, 'SizeLimit field must be a valid resource quantity'));
      break;
    }
    case 'hostPath':
      if (!v.path) {
        errs.push(field.required(`${p}.path`, ''));
        break;
      }
      if (String(v.path).split('/').includes('..')) errs.push(field.invalid(`${p}.path`, v.path, "must not contain '..'"));
      if (set(v.type) && !HOST_PATH_TYPES.includes(v.type)) errs.push(field.notSupported(`${p}.type`, v.type, HOST_PATH_TYPES));
      break;
    case 'gitRepo':
      req('repository');
      errs.push(...validateLocalDescendingPath(v.directory ?? '', `${p}.directory`));
      break;
    case 'secret':
      req('secretName');
      errs.push(...validateMode(v.defaultMode, `${p}.defaultMode`));
      errs.push(...validateKeyToPaths(v.items, `${p}.items`));
      break;
    case 'configMap':
      req('name');
      errs.push(...validateMode(v.defaultMode, `${p}.defaultMode`));
      errs.push(...validateKeyToPaths(v.items, `${p}.items`));
      break;
    case 'persistentVolumeClaim':
      req('claimName');
      break;
    case 'nfs':
      req('server');
      req('path');
      if (!String(v.path ?? '').startsWith('/')) errs.push(field.invalid(`${p}.path`, v.path ?? '', 'must be an absolute path'));
      break;
    case 'gcePersistentDisk':
      if (!v.pdName) errs.push(field.required(`${p.replace(/gcePersistentDisk$/, 'persistentDisk')}.pdName`, ''));
      break;
    case 'awsElasticBlockStore':
    case 'cinder':
    case 'portworxVolume':
      req('volumeID');
      break;
    case 'glusterfs':
      req('endpoints');
      req('path');
      break;
    case 'rbd':
      if (arr(v.monitors).length === 0) errs.push(field.required(`${p}.monitors`, ''));
      req('image');
      break;
    case 'cephfs':
      if (arr(v.monitors).length === 0) errs.push(field.required(`${p}.monitors`, ''));
      break;
    case 'iscsi':
      req('targetPortal');
      req('iqn');
      break;
    case 'flexVolume':
      req('driver');
      break;
    case 'azureFile':
      req('secretName');
      req('shareName');
      break;
    case 'azureDisk':
      req('diskName');
      if (!v.diskURI) errs.push(field.required(`${p}.diskURI`, ''));
      break;
    case 'vsphereVolume':
      req('volumePath');
      break;
    case 'photonPersistentDisk':
      req('pdID');
      break;
    case 'scaleIO':
      req('gateway');
      req('system');
      req('volumeName');
      break;
    case 'storageos':
      if (!v.volumeName) errs.push(field.required(`${p}.volumeName`, ''));
      else errs.push(...dns1123Label(v.volumeName, `${p}.volumeName`));
      break;
    case 'downwardAPI':
      errs.push(...validateMode(v.defaultMode, `${p}.defaultMode`));
      for (const f of arr(v.items)) errs.push(...validateDownwardAPIFile(f, p));
      break;
    case 'projected': {
      errs.push(...validateMode(v.defaultMode, `${p}.defaultMode`));
      const paths = new Set<string>();
      const dupe = (path: string, shown: unknown) => {
        if (paths.has(path)) errs.push(field.invalid(p, shown, 'conflicting duplicate paths'));
        else paths.add(path);
      };
      arr(v.sources).forEach((s, i) => {
        const sp = `${p}.sources[${i}]`;
        let n = 0;
        for (const k of ['secret', 'configMap']) {
          if (!isObj(s?.[k])) continue;
          n++;
          if (!s[k].name) errs.push(field.required(`${sp}.${k}.name`, ''));
          arr(s[k].items).forEach((kp, j) => {
            errs.push(...validateKeyToPaths([kp], `${sp}.${k}.items`).map((e) => ({ ...e, field: e.field.replace(`${sp}.${k}.items[0]`, `${sp}.${k}.items[${j}]`) })));
            if (kp?.path) dupe(kp.path, s[k].name);
          });
        }
        if (isObj(s?.downwardAPI)) {
          n++;
          for (const f of arr(s.downwardAPI.items)) {
            errs.push(...validateDownwardAPIFile(f, `${sp}.downwardAPI`));
            if (f?.path) dupe(f.path, f.path);
          }
        }
        if (isObj(s?.serviceAccountToken)) {
          n++;
          const t = s.serviceAccountToken;
          const tp = `${sp}.serviceAccountToken`;
          if (typeof t.expirationSeconds === 'number') {
            if (t.expirationSeconds < 600) errs.push(field.invalid(`${tp}.expirationSeconds`, t.expirationSeconds, 'may not specify a duration less than 10 minutes'));
            if (t.expirationSeconds > 2 ** 32) errs.push(field.invalid(`${tp}.expirationSeconds`, t.expirationSeconds, 'may not specify a duration larger than 2^32 seconds'));
          }
          if (!t.path) errs.push(field.required(`${p}.path`, ''));
          else errs.push(...validateLocalNonReservedPath(t.path, `${p}.path`));
        }
        if (isObj(s?.clusterTrustBundle)) {
          n++;
          const b = s.clusterTrustBundle;
          const bp = `${sp}.clusterTrustBundle`;
          if (!b.path) errs.push(field.required(`${bp}.path`, ''));
          if (set(b.name) && set(b.signerName)) errs.push(field.invalid(bp, b, 'only one of name and signerName may be used'));
          else if (!set(b.name) && !set(b.signerName)) errs.push(field.required(bp, 'either name or signerName must be specified'));
          if (b.path) dupe(b.path, b.path);
        }
        if (n > 1) errs.push(field.forbidden(sp, 'may not specify more than 1 volume type per source'));
      });
      break;
    }
    case 'csi':
      if (!v.driver) errs.push(field.required(`${p}.driver`, ''));
      else {
        if (v.driver.length > 63) errs.push(field.tooLong(`${p}.driver`, 63));
        for (const m of isDNS1123Subdomain(String(v.driver).toLowerCase())) errs.push(field.invalid(`${p}.driver`, v.driver, m));
      }
      if (isObj(v.nodePublishSecretRef) && !v.nodePublishSecretRef.name) errs.push(field.required(`${p}.nodePublishSecretRef.name`, ''));
      break;
    case 'ephemeral':
      if (!isObj(v.volumeClaimTemplate)) errs.push(field.required(`${p}.volumeClaimTemplate`, ''));
      else {
        const t = v.volumeClaimTemplate;
        const tp = `${p}.volumeClaimTemplate`;
        errs.push(...validateAnnotations(t.metadata?.annotations, `${tp}.metadata.annotations`));
        errs.push(...validateLabels(t.metadata?.labels, `${tp}.metadata.labels`));
        for (const k of Object.keys(t.metadata ?? {})) {
          if (!['labels', 'annotations', 'creationTimestamp'].includes(k)) errs.push(field.forbidden(`${tp}.metadata.${k}`, 'cannot be set'));
        }
        errs.push(...validatePVCSpec(t.spec, `${tp}.spec`));
      }
      void volName;
      break;
    case 'image':
      if (isPod && !v.reference) errs.push(field.required(`${p}.reference`, ''));
      if (v.pullPolicy !== undefined) {
        if (v.pullPolicy === '') errs.push(field.required(`${p}.pullPolicy`, ''));
        else if (!SUPPORTED_PULL_POLICIES.includes(v.pullPolicy)) errs.push(field.notSupported(`${p}.pullPolicy`, v.pullPolicy, SUPPORTED_PULL_POLICIES));
      }
      break;
  }
  return errs;
}

const ACCESS_MODES = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];

/** ValidatePersistentVolumeClaimSpec (the rules claim templates and PVCs share). */
export function validatePVCSpec(spec: Obj | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const s: Obj = isObj(spec) ? spec : {};
  const modes = arr<string>(s.accessModes);
  if (modes.length === 0) errs.push(field.required(`${path}.accessModes`, 'at least 1 access mode is required'));
  if (isObj(s.selector)) errs.push(...validateLabelSelector(s.selector, `${path}.selector`));
  let rwop = false;
  let other = false;
  for (const m of modes) {
    if (!ACCESS_MODES.includes(m)) errs.push(field.notSupported(`${path}.accessModes`, m, ACCESS_MODES));
    if (m === 'ReadWriteOncePod') rwop = true;
    else if (ACCESS_MODES.includes(m)) other = true;
  }
  if (rwop && other) errs.push(field.forbidden(`${path}.accessModes`, 'may not use ReadWriteOncePod with other access modes'));
  const storage = s.resources?.requests?.storage;
  const sp = `${path}.resources[storage]`;
  if (!set(storage)) errs.push(field.required(sp, ''));
  else {
    const q = tryParseQuantity(storage);
    if (q && q.sign <= 0) errs.push(field.invalid(sp, q.toString(), 'must be greater than zero'));
  }
  if (s.storageClassName) errs.push(...dns1123Subdomain(s.storageClassName, `${path}.storageClassName`));
  if (set(s.volumeMode) && !['Block', 'Filesystem'].includes(s.volumeMode)) errs.push(field.notSupported(`${path}.volumeMode`, s.volumeMode, ['Block', 'Filesystem']));
  return errs;
}

function validateVolumes(volumes: unknown, path: string, podName: string | undefined, isPod: boolean): { errs: FieldError[]; byName: Map<string, Obj> } {
  const errs: FieldError[] = [];
  const byName = new Map<string, Obj>();
  const createdPVCs = new Set<string>();
  if (podName) for (const v of arr(volumes)) if (isObj(v?.ephemeral)) createdPVCs.add(`${podName}-${v.name}`);
  arr(volumes).forEach((v, i) => {
    const ip = `${path}[${i}]`;
    if (!isObj(v)) return;
    const el: FieldError[] = [];
    let n = 0;
    for (const kind of VOLUME_SOURCES) {
      if (!set(v[kind])) continue;
      if (n > 0) {
        el.push(field.forbidden(`${ip}.${kind}`, 'may not specify more than 1 volume type'));
        continue;
      }
      n++;
      el.push(...validateOneVolumeSource(kind, isObj(v[kind]) ? v[kind] : {}, `${ip}.${kind}`, v.name ?? '', isPod));
      if (kind === 'ephemeral' && podName && v.name) {
        const pvcName = `${podName}-${v.name}`;
        for (const m of isDNS1123Subdomain(pvcName)) el.push(field.invalid(`${ip}.name`, v.name, `PVC name "${pvcName}": ${m}`));
      }
    }
    if (n === 0) el.push(field.required(ip, 'must specify a volume type'));
    if (!v.name) el.push(field.required(`${ip}.name`, ''));
    else el.push(...dns1123Label(v.name, `${ip}.name`));
    if (byName.has(v.name)) el.push(field.duplicate(`${ip}.name`, v.name));
    if (el.length === 0) byName.set(v.name, v);
    else errs.push(...el);
    if (isObj(v.persistentVolumeClaim) && createdPVCs.has(v.persistentVolumeClaim.claimName)) {
      errs.push(field.invalid(`${ip}.persistentVolumeClaim.claimName`, v.persistentVolumeClaim.claimName, 'must not reference a PVC that gets created for an ephemeral volume'));
    }
  });
  return { errs, byName };
}

// ---- scheduling ----

const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

/** ValidateTolerations */
export function validateTolerations(tols: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  arr(tols).forEach((t, i) => {
    const ip = `${path}[${i}]`;
    if (!isObj(t)) return;
    if (t.key) errs.push(...validateLabelName(t.key, `${ip}.key`));
    if (!t.key && t.operator !== 'Exists') {
      errs.push(field.invalid(`${ip}.operator`, t.operator ?? '', 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    }
    if (set(t.tolerationSeconds) && t.effect !== 'NoExecute') {
      errs.push(field.invalid(`${ip}.effect`, t.effect ?? '', "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
    switch (t.operator ?? '') {
      case 'Equal':
      case '': {
        const msgs = isValidLabelValue(t.value ?? '');
        if (msgs.length) errs.push(field.invalid(`${ip}.operator`, t.value ?? '', msgs.join(';')));
        break;
      }
      case 'Exists':
        if (t.value) errs.push(field.invalid(`${ip}.operator`, t.value, "value must be empty when `operator` is 'Exists'"));
        break;
      default:
        errs.push(field.notSupported(`${ip}.operator`, t.operator, ['Equal', 'Exists']));
    }
    if (t.effect && !TAINT_EFFECTS.includes(t.effect)) errs.push(field.notSupported(`${ip}.effect`, t.effect, TAINT_EFFECTS));
  });
  return errs;
}

/** ValidateNodeSelectorRequirement */
function validateNodeSelectorRequirement(r: Obj, path: string, allowInvalidValues: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const values = arr<string>(r?.values);
  switch (r?.operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) errs.push(field.required(`${path}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0) errs.push(field.forbidden(`${path}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      break;
    case 'Gt':
    case 'Lt':
      if (values.length !== 1) errs.push(field.required(`${path}.values`, "must be specified single value when `operator` is 'Lt' or 'Gt'"));
      break;
    default:
      errs.push(field.invalid(`${path}.operator`, r?.operator ?? '', 'not a valid selector operator'));
  }
  errs.push(...validateLabelName(r?.key ?? '', `${path}.key`));
  if (!allowInvalidValues) {
    values.forEach((v, i) => {
      for (const m of isValidLabelValue(v)) errs.push(field.invalid(`${path}.values[${i}]`, v, m));
    });
  }
  return errs;
}

function validateNodeSelectorTerm(term: Obj, path: string, allowInvalidValues: boolean): FieldError[] {
  const errs: FieldError[] = [];
  arr(term?.matchExpressions).forEach((r, j) => errs.push(...validateNodeSelectorRequirement(r, `${path}.matchExpressions[${j}]`, allowInvalidValues)));
  arr(term?.matchFields).forEach((r, j) => {
    const rp = `${path}.matchFields[${j}]`;
    const values = arr<string>(r?.values);
    if (r?.operator === 'In' || r?.operator === 'NotIn') {
      if (values.length !== 1) errs.push(field.required(`${rp}.values`, "must be only one value when `operator` is 'In' or 'NotIn' for node field selector"));
    } else errs.push(field.invalid(`${rp}.operator`, r?.operator ?? '', 'not a valid selector operator'));
    if (r?.key !== 'metadata.name') errs.push(field.invalid(`${rp}.key`, r?.key ?? '', 'not a valid field selector key'));
    else values.forEach((v, i) => errs.push(...dns1123Subdomain(v, `${rp}.values[${i}]`)));
  });
  return errs;
}

function validatePodAffinityTerm(t: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const term: Obj = isObj(t) ? t : {};
  errs.push(...validateLabelSelector(term.labelSelector, `${path}.labelSelector`));
  errs.push(...validateLabelSelector(term.namespaceSelector, `${path}.namespaceSelector`));
  for (const ns of arr<string>(term.namespaces)) errs.push(...dns1123Label(ns, `${path}.namespace`));
  arr<string>(term.matchLabelKeys).forEach((k, i) => errs.push(...validateLabelName(k, `${path}.matchLabelKeys[${i}]`)));
  arr<string>(term.mismatchLabelKeys).forEach((k, i) => errs.push(...validateLabelName(k, `${path}.mismatchLabelKeys[${i}]`)));
  if (!term.topologyKey) errs.push(field.required(`${path}.topologyKey`, 'can not be empty'));
  errs.push(...validateLabelName(term.topologyKey ?? '', `${path}.topologyKey`));
  return errs;
}

function validateAffinity(a: unknown, path: string): FieldError[] {
  if (!isObj(a)) return [];
  const errs: FieldError[] = [];
  const na = a.nodeAffinity;
  if (isObj(na)) {
    const np = `${path}.nodeAffinity`;
    const req = na.requiredDuringSchedulingIgnoredDuringExecution;
    if (isObj(req)) {
      const tp = `${np}.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms`;
      const terms = arr(req.nodeSelectorTerms);
      if (terms.length === 0) errs.push(field.required(tp, 'must have at least one node selector term'));
      else terms.forEach((t, i) => errs.push(...validateNodeSelectorTerm(t, `${tp}[${i}]`, false)));
    }
    arr(na.preferredDuringSchedulingIgnoredDuringExecution).forEach((p, i) => {
      const pp = `${np}.preferredDuringSchedulingIgnoredDuringExecution[${i}]`;
      if (typeof p?.weight !== 'number' || p.weight <= 0 || p.weight > 100) errs.push(field.invalid(`${pp}.weight`, p?.weight ?? 0, 'must be in the range 1-100'));
      errs.push(...validateNodeSelectorTerm(p?.preference, `${pp}.preference`, true));
    });
  }
  for (const kind of ['podAffinity', 'podAntiAffinity']) {
    const pa = a[kind];
    if (!isObj(pa)) continue;
    arr(pa.requiredDuringSchedulingIgnoredDuringExecution).forEach((t, i) => {
      errs.push(...validatePodAffinityTerm(t, `${path}.${kind}.requiredDuringSchedulingIgnoredDuringExecution[${i}]`));
    });
    arr(pa.preferredDuringSchedulingIgnoredDuringExecution).forEach((w, i) => {
      const wp = `${path}.${kind}.preferredDuringSchedulingIgnoredDuringExecution[${i}]`;
      if (typeof w?.weight !== 'number' || w.weight <= 0 || w.weight > 100) errs.push(field.invalid(`${wp}.weight`, w?.weight ?? 0, 'must be in the range 1-100'));
      errs.push(...validatePodAffinityTerm(w?.podAffinityTerm, `${wp}.podAffinityTerm`));
    });
  }
  return errs;
}

function validateTopologySpreadConstraints(cs: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const list = arr(cs);
  list.forEach((c, i) => {
    const p = `${path}[${i}]`;
    if (typeof c?.maxSkew !== 'number' || c.maxSkew <= 0) errs.push(field.invalid(`${p}.maxSkew`, c?.maxSkew ?? 0, 'must be greater than zero'));
    if (!c?.topologyKey) errs.push(field.required(`${p}.topologyKey`, 'can not be empty'));
    if (!['DoNotSchedule', 'ScheduleAnyway'].includes(c?.whenUnsatisfiable)) {
      errs.push(field.notSupported(`${p}.whenUnsatisfiable`, c?.whenUnsatisfiable ?? '', ['DoNotSchedule', 'ScheduleAnyway']));
    }
    for (const other of list.slice(i + 1)) {
      if (other?.topologyKey === c?.topologyKey && other?.whenUnsatisfiable === c?.whenUnsatisfiable) {
        errs.push(field.duplicate(`${p}.{topologyKey, whenUnsatisfiable}`, `{${c?.topologyKey}, ${c?.whenUnsatisfiable}}`));
        break;
      }
    }
    if (set(c?.minDomains)) {
      if (c.minDomains <= 0) errs.push(field.invalid(`${p}.minDomains`, c.minDomains, 'must be greater than zero'));
      if (c.whenUnsatisfiable !== 'DoNotSchedule') {
        errs.push(field.invalid(`${p}.minDomains`, c.minDomains, `can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ${c.whenUnsatisfiable ?? ''}`));
      }
    }
    for (const k of ['nodeAffinityPolicy', 'nodeTaintsPolicy']) {
      if (set(c?.[k]) && !['Honor', 'Ignore'].includes(c[k])) errs.push(field.notSupported(`${p}.${k}`, c[k], ['Honor', 'Ignore']));
    }
    errs.push(...validateLabelSelector(c?.labelSelector, `${p}.labelSelector`));
  });
  return errs;
}

function validatePodDNSConfig(cfg: unknown, dnsPolicy: string, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (dnsPolicy === 'None') {
    if (!isObj(cfg)) return [field.required(path, 'must provide `dnsConfig` when `dnsPolicy` is None')];
    if (arr(cfg.nameservers).length === 0) return [field.required(`${path}.nameservers`, 'must provide at least one DNS nameserver when `dnsPolicy` is None')];
  }
  if (!isObj(cfg)) return errs;
  const ns = arr<string>(cfg.nameservers);
  if (ns.length > 3) errs.push(field.invalid(`${path}.nameservers`, ns, 'must not have more than 3 nameservers'));
  ns.forEach((n, i) => errs.push(...ipErrors(n, `${path}.nameservers[${i}]`)));
  const searches = arr<string>(cfg.searches);
  if (searches.length > 32) errs.push(field.invalid(`${path}.searches`, searches, 'must not have more than 32 search paths'));
  if (searches.join(' ').length > 2048) errs.push(field.invalid(`${path}.searches`, searches, 'must not have more than 2048 characters (including spaces) in the search list'));
  searches.forEach((s, i) => {
    if (s === '.') return;
    const v = s.replace(/\.$/, '');
    // AllowRelaxedDNSSearchValidation: underscores allowed
    if (!/^[a-z0-9_]([-a-z0-9_]*[a-z0-9_])?(\.[a-z0-9_]([-a-z0-9_]*[a-z0-9_])?)*$/.test(v) || v.length > 253) errs.push(...dns1123Subdomain(v, `${path}.searches[${i}]`));
  });
  arr(cfg.options).forEach((o, i) => {
    if (!o?.name) errs.push(field.required(`${path}.options[${i}]`, 'must not be empty'));
  });
  return errs;
}

function validatePodSecurityContext(sc: unknown, path: string): FieldError[] {
  if (!isObj(sc)) return [];
  const errs: FieldError[] = [];
  errs.push(...idErrors(sc.fsGroup, `${path}.fsGroup`));
  errs.push(...idErrors(sc.runAsUser, `${path}.runAsUser`));
  errs.push(...idErrors(sc.runAsGroup, `${path}.runAsGroup`));
  arr<number>(sc.supplementalGroups).forEach((g, i) => errs.push(...idErrors(g, `${path}.supplementalGroups[${i}]`)));
  const names = new Set<string>();
  arr(sc.sysctls).forEach((s, i) => {
    const sp = `${path}.sysctls[${i}].name`;
    if (!s?.name) errs.push(field.required(sp, ''));
    else if (s.name.length > 253 || !/^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$/.test(s.name)) {
      errs.push(field.invalid(sp, s.name, 'must have at most 253 characters and match regex ^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\\./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$'));
    } else if (names.has(s.name)) errs.push(field.duplicate(sp, s.name));
    names.add(s?.name);
  });
  if (set(sc.fsGroupChangePolicy) && !['Always', 'OnRootMismatch'].includes(sc.fsGroupChangePolicy)) {
    errs.push(field.notSupported(`${path}.fsGroupChangePolicy`, sc.fsGroupChangePolicy, ['Always', 'OnRootMismatch']));
  }
  errs.push(...validateSeccompProfile(sc.seccompProfile, `${path}.seccompProfile`));
  errs.push(...validateAppArmorProfile(sc.appArmorProfile, `${path}.appArmorProfile`));
  if (set(sc.supplementalGroupsPolicy) && !['Merge', 'Strict'].includes(sc.supplementalGroupsPolicy)) {
    errs.push(field.notSupported(`${path}.supplementalGroupsPolicy`, sc.supplementalGroupsPolicy, ['Merge', 'Strict']));
  }
  if (set(sc.seLinuxChangePolicy) && !['MountOption', 'Recursive'].includes(sc.seLinuxChangePolicy)) {
    errs.push(field.notSupported(`${path}.seLinuxChangePolicy`, sc.seLinuxChangePolicy, ['MountOption', 'Recursive']));
  }
  return errs;
}

/**
 * ValidatePodSpec (v1.33): volumes, containers (regular, init, ephemeral), policies, scheduling
 * fields and names, in upstream's order. `opts.isPod` adds the Pod-only rules.
 */
export function validatePodSpec(spec: Obj | undefined, path: string, opts: PodSpecValidationOptions & { podName?: string } = {}): FieldError[] {
  const errs: FieldError[] = [];
  const s: Obj = isObj(spec) ? spec : {};
  const isPod = !!opts.isPod;
  if (!set(s.terminationGracePeriodSeconds)) errs.push(field.required(`${path}.terminationGracePeriodSeconds`, ''));
  const grace = s.terminationGracePeriodSeconds;
  const hostUsers = s.hostUsers !== false;
  const { errs: volErrs, byName } = validateVolumes(s.volumes, `${path}.volumes`, opts.podName, isPod);
  errs.push(...volErrs);
  const restartPolicy: string = s.restartPolicy ?? '';
  const ctx: ContainerContext = { volumes: byName, restartPolicy, hostUsers };

  // regular containers
  const containers = arr(s.containers);
  const cPath = `${path}.containers`;
  if (containers.length === 0) errs.push(field.required(cPath, ''));
  else {
    const names = new Set<string>();
    containers.forEach((c0, i) => {
      const c: Obj = isObj(c0) ? c0 : {};
      const ip = `${cPath}[${i}]`;
      errs.push(...validateContainerCommon(c, ip, ctx));
      if (names.has(c.name)) errs.push(field.duplicate(`${ip}.name`, c.name ?? ''));
      else names.add(c.name);
      if (set(c.lifecycle)) errs.push(...validateLifecycle(c.lifecycle, grace, `${ip}.lifecycle`));
      errs.push(...validateProbe(c.livenessProbe, grace, `${ip}.livenessProbe`, 'liveness'));
      errs.push(...validateProbe(c.readinessProbe, grace, `${ip}.readinessProbe`, 'readiness'));
      errs.push(...validateProbe(c.startupProbe, grace, `${ip}.startupProbe`, 'startup'));
      if (set(c.restartPolicy)) errs.push(field.forbidden(`${ip}.restartPolicy`, 'may not be set for non-init containers'));
    });
    errs.push(...hostPortConflicts(containers, cPath));
  }

  // init containers
  const icPath = `${path}.initContainers`;
  const allNames = new Set<string>(containers.map((c) => c?.name));
  arr(s.initContainers).forEach((c0, i) => {
    const c: Obj = isObj(c0) ? c0 : {};
    const ip = `${icPath}[${i}]`;
    errs.push(...validateContainerCommon(c, ip, ctx));
    let restartAlways = false;
    if (set(c.restartPolicy)) {
      if (c.restartPolicy !== 'Always') errs.push(field.notSupported(`${ip}.restartPolicy`, c.restartPolicy, ['Always']));
      restartAlways = c.restartPolicy === 'Always';
    }
    if (allNames.has(c.name)) errs.push(field.duplicate(`${ip}.name`, c.name ?? ''));
    else if (c.name) allNames.add(c.name);
    errs.push(...hostPortConflicts([c], icPath, i));
    if (restartAlways) {
      if (set(c.lifecycle)) errs.push(...validateLifecycle(c.lifecycle, grace, `${ip}.lifecycle`));
      errs.push(...validateProbe(c.livenessProbe, grace, `${ip}.livenessProbe`, 'liveness'));
      errs.push(...validateProbe(c.readinessProbe, grace, `${ip}.readinessProbe`, 'readiness'));
      errs.push(...validateProbe(c.startupProbe, grace, `${ip}.startupProbe`, 'startup'));
    } else {
      for (const k of ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe']) {
        if (set(c[k])) errs.push(field.forbidden(`${ip}.${k}`, 'may not be set for init containers without restartPolicy=Always'));
      }
    }
  });

  // ephemeral containers
  const ecPath = `${path}.ephemeralContainers`;
  const regular = new Set<string>([...containers.map((c) => c?.name), ...arr(s.initContainers).map((c) => c?.name)]);
  const every = new Set<string>(regular);
  arr(s.ephemeralContainers).forEach((c0, i) => {
    const c: Obj = isObj(c0) ? c0 : {};
    const ip = `${ecPath}[${i}]`;
    errs.push(...validateContainerCommon(c, ip, ctx));
    if (typeof c.image === 'string' && c.image.length !== c.image.trim().length) errs.push(field.invalid(`${ip}.image`, c.image, 'must not have leading or trailing whitespace'));
    if (every.has(c.name)) errs.push(field.duplicate(`${ip}.name`, c.name ?? ''));
    else every.add(c.name);
    if (c.targetContainerName && !regular.has(c.targetContainerName)) errs.push(notFound(`${ip}.targetContainerName`, c.targetContainerName));
    for (const k of ['ports', 'resources', 'livenessProbe', 'readinessProbe', 'startupProbe', 'lifecycle', 'resizePolicy', 'restartPolicy']) {
      const v = c[k];
      const isSet = k === 'resources' ? isObj(v) && Object.keys(v).length > 0 : Array.isArray(v) ? v.length > 0 : set(v);
      if (isSet) errs.push(field.forbidden(`${ip}.${k}`, 'cannot be set for an Ephemeral Container'));
    }
    arr(c.volumeMounts).forEach((vm, j) => {
      if (vm?.subPath) errs.push(field.forbidden(`${ip}.volumeMounts[${j}].subPath`, 'cannot be set for an Ephemeral Container'));
      if (vm?.subPathExpr) errs.push(field.forbidden(`${ip}.volumeMounts[${j}].subPathExpr`, 'cannot be set for an Ephemeral Container'));
    });
  });

  // hostNetwork: hostPort must match containerPort (templates may leave it 0)
  if (s.hostNetwork) {
    containers.forEach((c, i) => {
      arr(c?.ports).forEach((p, j) => {
        const hp = p?.hostPort ?? 0;
        const cp = p?.containerPort ?? 0;
        if ((isPod || hp !== 0) && hp !== cp) errs.push(field.invalid(`${cPath}[${i}].ports[${j}].hostPort`, hp, 'must match `containerPort` when `hostNetwork` is true'));
      });
    });
  }

  if (restartPolicy === '') errs.push(field.required(`${path}.restartPolicy`, ''));
  else if (!RESTART_POLICIES.includes(restartPolicy)) errs.push(field.notSupported(`${path}.restartPolicy`, restartPolicy, RESTART_POLICIES));
  const dnsPolicy: string = s.dnsPolicy ?? '';
  if (dnsPolicy === '') errs.push(field.required(`${path}.dnsPolicy`, ''));
  else if (!DNS_POLICIES.includes(dnsPolicy)) errs.push(field.notSupported(`${path}.dnsPolicy`, dnsPolicy, DNS_POLICIES));
  errs.push(...validateLabels(s.nodeSelector, `${path}.nodeSelector`));
  errs.push(...validatePodSecurityContext(s.securityContext, `${path}.securityContext`));
  if (s.securityContext?.shareProcessNamespace === true && s.hostPID) {
    errs.push(field.invalid(`${path}.securityContext.shareProcessNamespace`, true, 'ShareProcessNamespace and HostPID cannot both be enabled'));
  }
  arr(s.imagePullSecrets).forEach((r, i) => {
    if (isObj(r) && Object.keys(r).some((k) => k !== 'name')) errs.push(field.invalid(`${path}.imagePullSecrets[${i}]`, r, 'only name may be set'));
  });
  errs.push(...validateAffinity(s.affinity, `${path}.affinity`));
  errs.push(...validatePodDNSConfig(s.dnsConfig, dnsPolicy, `${path}.dnsConfig`));
  arr(s.readinessGates).forEach((g, i) => errs.push(...qualifiedName(g?.conditionType ?? '', `${path}.readinessGates[${i}].conditionType`)));
  const gates = new Set<string>();
  arr(s.schedulingGates).forEach((g, i) => {
    errs.push(...qualifiedName(g?.name ?? '', `${path}.schedulingGates[${i}]`));
    if (gates.has(g?.name)) errs.push(field.duplicate(`${path}.schedulingGates[${i}]`, g?.name));
    gates.add(g?.name);
  });
  errs.push(...validateTopologySpreadConstraints(s.topologySpreadConstraints, `${path}.topologySpreadConstraints`));
  if (s.hostUsers === false) {
    if (s.hostNetwork) errs.push(field.forbidden(`${path}.hostNetwork`, 'when `pod.Spec.HostUsers` is false'));
    if (s.hostPID) errs.push(field.forbidden(`${path}.HostPID`, 'when `pod.Spec.HostUsers` is false'));
    if (s.hostIPC) errs.push(field.forbidden(`${path}.HostIPC`, 'when `pod.Spec.HostUsers` is false'));
  }
  if (s.serviceAccountName) errs.push(...dns1123Subdomain(s.serviceAccountName, `${path}.serviceAccountName`));
  if (s.nodeName) errs.push(...dns1123Subdomain(s.nodeName, `${path}.nodeName`));
  if (set(s.activeDeadlineSeconds)) {
    const v = s.activeDeadlineSeconds;
    if (typeof v !== 'number' || v < 1 || v > MAX_INT32) errs.push(field.invalid(`${path}.activeDeadlineSeconds`, v, inclusiveRangeError(1, MAX_INT32)));
  }
  if (s.hostname) errs.push(...dns1123Label(s.hostname, `${path}.hostname`));
  if (s.subdomain) errs.push(...dns1123Label(s.subdomain, `${path}.subdomain`));
  errs.push(...validateTolerations(s.tolerations, `${path}.tolerations`));
  arr(s.hostAliases).forEach((h, i) => {
    errs.push(...ipErrors(h?.ip ?? '', `${path}.hostAliases[${i}].ip`));
    arr<string>(h?.hostnames).forEach((hn, j) => errs.push(...dns1123Subdomain(hn, `${path}.hostAliases[${i}].hostnames[${j}]`)));
  });
  if (s.priorityClassName) errs.push(...dns1123Subdomain(s.priorityClassName, `${path}.priorityClassName`));
  if (set(s.runtimeClassName)) errs.push(...dns1123Subdomain(s.runtimeClassName, `${path}.runtimeClassName`));
  if (set(s.preemptionPolicy)) {
    if (s.preemptionPolicy === '') errs.push(field.required(`${path}.preemptionPolicy`, ''));
    else if (!['PreemptLowerPriority', 'Never'].includes(s.preemptionPolicy)) errs.push(field.notSupported(`${path}.preemptionPolicy`, s.preemptionPolicy, ['PreemptLowerPriority', 'Never']));
  }
  if (isObj(s.overhead)) errs.push(...validateResourceRequirements({ limits: s.overhead }, `${path}.overhead`));
  if (isObj(s.os)) {
    if (!s.os.name) errs.push(field.required(`${path}.os.name`, 'cannot be empty'));
    else if (!['linux', 'windows'].includes(s.os.name)) errs.push(field.notSupported(`${path}.os`, s.os.name, ['linux', 'windows']));
  }

  if (isPod) {
    // Pod-only rules (validatePodMetadataAndSpec / ValidatePodCreate)
    if (!s.serviceAccountName) {
      arr(s.volumes).forEach((v, vi) => {
        arr(v?.projected?.sources).forEach((src, si) => {
          if (isObj(src?.serviceAccountToken)) {
            errs.push(field.forbidden(`${path}.volumes[${vi}].projected.sources[${si}].serviceAccountToken`, 'must not be specified when serviceAccountName is not set'));
          }
        });
      });
    }
    for (const [list, p] of [[containers, cPath], [arr(s.initContainers), icPath]] as const) {
      list.forEach((c, i) => {
        if (typeof c?.image === 'string' && c.image.length !== c.image.trim().length) {
          errs.push(field.invalid(`${p}[${i}].image`, c.image, 'must not have leading or trailing whitespace'));
        }
      });
    }
  }
  return errs;
}

/** ValidatePodTemplateSpec: labels, annotations, the spec, and no ephemeral containers. */
export function validatePodTemplateSpec(tpl: Obj | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const t: Obj = isObj(tpl) ? tpl : {};
  const meta: Obj = isObj(t.metadata) ? t.metadata : {};
  errs.push(...validateLabels(meta.labels, `${path}.labels`));
  errs.push(...validateAnnotations(meta.annotations, `${path}.annotations`));
  errs.push(...validatePodSpec(t.spec, `${path}.spec`));
  if (arr(t.spec?.ephemeralContainers).length > 0) {
    errs.push(field.forbidden(`${path}.spec.ephemeralContainers`, 'ephemeral containers not allowed in pod template'));
  }
  return errs;
}
