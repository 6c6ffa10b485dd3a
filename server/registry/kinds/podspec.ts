/**
 * PodSpec and PodTemplateSpec: v1.33 defaulting (pkg/apis/core/v1/defaults.go) and validation
 * (pkg/apis/core/validation ValidatePodSpec / ValidatePodTemplateSpec), shared by Pods, the
 * workload kinds of apps/v1 and batch/v1, PodTemplates and ReplicationControllers.
 */
import { field } from '../../apiserver/errors.js';
import { canonicalizeResourceList, QuantityError, tryParseQuantity, parseQuantity } from '../quantity.js';
import type { FieldError } from '../types.js';
import {
  isCIdentifier,
  isConfigMapKey,
  isDNS1123Label,
  isDNS1123Subdomain,
  isEnvVarName,
  isQualifiedName,
  isValidIP,
  isValidPortName,
  isValidPortNum,
  validateAnnotations,
  validateLabels,
  validateLabelName,
  isValidLabelValue,
  validateLabelSelector,
  inclusiveRangeError,
} from '../validation.js';

type Obj = Record<string, any>;

const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);
const arr = <T = Obj>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);

export const notFound = (path: string, value: unknown): FieldError => ({ type: 'FieldValueNotFound', field: path, value });

// ---- defaulting -------------------------------------------------------------------------------

/** The tag parsers.ParseImageName would report: "latest" when neither tag nor digest is given. */
export function imageTag(image: string): string {
  if (typeof image !== 'string' || image.trim() === '' || image !== image.trim()) return '';
  if (/[A-Z]/.test(image.split('@')[0].split('/').slice(0, -1).join('/')) && false) return '';
  const at = image.indexOf('@');
  const withoutDigest = at >= 0 ? image.slice(0, at) : image;
  const lastSlash = withoutDigest.lastIndexOf('/');
  const lastColon = withoutDigest.lastIndexOf(':');
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

const SUPPORTED_PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];
const SUPPORTED_PORT_PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];
const DNS_POLICIES = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];
const TERMINATION_MESSAGE_POLICIES = ['File', 'FallbackToLogsOnError'];

function nonNegative(v: unknown, path: string): FieldError[] {
  return typeof v === 'number' && v < 0 ? [field.invalid(path, v, 'must be greater than or equal to 0')] : [];
}

function dns1123Label(value: string, path: string): FieldError[] {
  return isDNS1123Label(value).map((m) => field.invalid(path, value, m));
}

function dns1123Subdomain(value: string, path: string): FieldError[] {
  return isDNS1123Subdomain(value).map((m) => field.invalid(path, value, m));
}

/** ValidatePortNumOrName for probe and handler ports. */
function validatePortNumOrName(port: unknown, path: string): FieldError[] {
  if (typeof port === 'number') return isValidPortNum(port).map((m) => field.invalid(path, port, m));
  if (typeof port === 'string') {
    if (port === '') return [field.required(path, '')];
    return isValidPortName(port).map((m) => field.invalid(path, port, m));
  }
  return [field.required(path, '')];
}

const STANDARD_CONTAINER_RESOURCES = new Set(['cpu', 'memory', 'ephemeral-storage']);

function isHugePages(name: string): boolean {
  return name.startsWith('hugepages-');
}

function isNativeResource(name: string): boolean {
  return !name.includes('/') || name.includes('kubernetes.io/');
}

function isOvercommitAllowed(name: string): boolean {
  return isNativeResource(name) && !isHugePages(name);
}

function validateResourceName(name: string, path: string): FieldError[] {
  const errs = isQualifiedName(name).map((m) => field.invalid(path, name, m));
  if (errs.length) return errs;
  if (!name.includes('/') && !isStandardResourceName(name)) {
    return [field.invalid(path, name, 'must be a standard resource type or fully qualified')];
  }
  return [];
}

const STANDARD_RESOURCES = new Set([
  'cpu', 'memory', 'ephemeral-storage', 'requests.cpu', 'requests.memory', 'requests.ephemeral-storage', 'limits.cpu', 'limits.memory',
  'limits.ephemeral-storage', 'pods', 'services', 'replicationcontrollers', 'resourcequotas', 'secrets', 'persistentvolumeclaims',
  'configmaps', 'storage', 'requests.storage', 'services.nodeports', 'services.loadbalancers',
]);

function isStandardResourceName(name: string): boolean {
  return STANDARD_RESOURCES.has(name) || isHugePages(name) || name.startsWith('requests.hugepages-');
}

function validateContainerResourceName(name: string, path: string): FieldError[] {
  const errs = validateResourceName(name, path);
  if (errs.length) return errs;
  if (!name.includes('/')) {
    if (!STANDARD_CONTAINER_RESOURCES.has(name) && !isHugePages(name)) return [field.invalid(path, name, 'must be a standard resource for containers')];
  } else if (!isNativeResource(name)) {
    // IsExtendedResourceName: not requests.-prefixed and a qualified name with a prefix
    if (name.startsWith('requests.') || isQualifiedName(`requests.${name}`).length) {
      return [field.invalid(path, name, "doesn't follow extended resource name standard")];
    }
  }
  return [];
}

const INTEGER_RESOURCES = (name: string) => isHugePages(name) || (!isNativeResource(name) && name.includes('/'));

/** ValidateResourceRequirements for containers (and overhead as limits). */
export function validateResourceRequirements(r: Obj | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!isObj(r)) return errs;
  const limPath = `${path}.limits`;
  const reqPath = `${path}.requests`;
  const limits: Obj = isObj(r.limits) ? r.limits : {};
  const requests: Obj = isObj(r.requests) ? r.requests : {};
  for (const [name, raw] of Object.entries(limits)) {
    const p = `${limPath}[${name}]`;
    errs.push(...validateContainerResourceName(name, p));
    errs.push(...validateQuantityValue(name, raw, p));
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
  }
  return errs;
}

/** ValidateResourceQuantityValue: non-negative, integral for integer resources. */
export function validateQuantityValue(name: string, raw: unknown, path: string): FieldError[] {
  const q = tryParseQuantity(raw);
  if (!q) return [field.invalid(path, raw, 'must be a valid quantity')];
  const errs: FieldError[] = [];
  if (q.sign < 0) errs.push(field.invalid(path, q.toString(), 'must be greater than or equal to 0'));
  if (INTEGER_RESOURCES(name) && q.milliValue() % 1000 !== 0) errs.push(field.invalid(path, q.toString(), 'must be an integer'));
  return errs;
}

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
    if (p.hostIP) for (const m of isValidIP(p.hostIP)) errs.push(field.invalid(`${ip}.hostIP`, p.hostIP, m));
  });
  return errs;
}

function validateKeySelector(ref: Obj, path: string, kind: 'configMap' | 'secret'): FieldError[] {
  const errs: FieldError[] = [];
  if (!ref.key) errs.push(field.required(`${path}.key`, ''));
  else for (const m of isConfigMapKey(ref.key)) errs.push(field.invalid(`${path}.key`, ref.key, m));
  if (!ref.name) errs.push(field.required(`${path}.name`, ''));
  else {
    const msgs = isDNS1123Subdomain(ref.name);
    for (const m of msgs) errs.push(field.invalid(`${path}.name`, ref.name, m));
  }
  void kind;
  return errs;
}

const VALID_ENV_FIELD_PATHS = [
  'metadata.annotations', 'metadata.labels', 'metadata.name', 'metadata.namespace', 'metadata.uid', 'spec.nodeName',
  'spec.serviceAccountName', 'status.hostIP', 'status.hostIPs', 'status.podIP', 'status.podIPs',
];

const VALID_DOWNWARD_VOLUME_FIELD_PATHS = ['metadata.annotations', 'metadata.labels', 'metadata.name', 'metadata.namespace', 'metadata.uid'];

function validateObjectFieldSelector(ref: Obj, allowed: string[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!ref.apiVersion) errs.push(field.required(`${path}.apiVersion`, ''));
  if (!ref.fieldPath) {
    errs.push(field.required(`${path}.fieldPath`, ''));
    return errs;
  }
  const fp: string = ref.fieldPath;
  const m = /^(metadata\.(?:labels|annotations))\['(.*)'\]$/.exec(fp);
  if (m) {
    const key = m[2];
    if (m[1] === 'metadata.annotations') for (const msg of isQualifiedName(key.toLowerCase())) errs.push(field.invalid(`${path}.fieldPath`, key, msg));
    else for (const msg of isQualifiedName(key)) errs.push(field.invalid(`${path}.fieldPath`, key, msg));
    return errs;
  }
  if (!allowed.includes(fp)) errs.push(field.notSupported(`${path}.fieldPath`, fp, allowed));
  return errs;
}

const VALID_RESOURCE_FIELD_REFS = ['limits.cpu', 'limits.memory', 'limits.ephemeral-storage', 'requests.cpu', 'requests.memory', 'requests.ephemeral-storage'];

function validateResourceFieldRef(ref: Obj, path: string, needContainer: boolean): FieldError[] {
  const errs: FieldError[] = [];
  if (needContainer && !ref.containerName) errs.push(field.required(`${path}.containerName`, ''));
  if (!ref.resource) errs.push(field.required(`${path}.resource`, ''));
  else if (!VALID_RESOURCE_FIELD_REFS.includes(ref.resource) && !/^(limits|requests)\.hugepages-/.test(ref.resource)) {
    errs.push(field.notSupported(`${path}.resource`, ref.resource, VALID_RESOURCE_FIELD_REFS));
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
    if (ev.valueFrom !== undefined && ev.valueFrom !== null) {
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
        errs.push(...validateKeySelector(vf.configMapKeyRef, `${vp}.configMapKeyRef`, 'configMap'));
      }
      if (isObj(vf.secretKeyRef)) {
        n++;
        errs.push(...validateKeySelector(vf.secretKeyRef, `${vp}.secretKeyRef`, 'secret'));
      }
      if (n === 0) errs.push(field.invalid(vp, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
      else if (ev.value && n !== 0) errs.push(field.invalid(vp, '', 'may not be specified when `value` is not empty'));
      else if (n > 1) errs.push(field.invalid(vp, '', 'may not have more than one field specified at a time'));
    }
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
    if (isObj(ef.configMapRef)) {
      n++;
      if (!ef.configMapRef.name) errs.push(field.required(`${ip}.configMapRef.name`, ''));
      else errs.push(...dns1123Subdomain(ef.configMapRef.name, `${ip}.configMapRef.name`));
    }
    if (isObj(ef.secretRef)) {
      n++;
      if (!ef.secretRef.name) errs.push(field.required(`${ip}.secretRef.name`, ''));
      else errs.push(...dns1123Subdomain(ef.secretRef.name, `${ip}.secretRef.name`));
    }
    if (n === 0) errs.push(field.invalid(ip, '', 'must specify one of: `configMapRef` or `secretRef`'));
    else if (n > 1) errs.push(field.invalid(ip, '', 'may not have more than one field specified at a time'));
  });
  return errs;
}

function validateHandler(h: Obj, path: string, isProbe: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const kinds = isProbe ? ['exec', 'httpGet', 'tcpSocket', 'grpc'] : ['exec', 'httpGet', 'tcpSocket', 'sleep'];
  const set = kinds.filter((k) => h[k] !== undefined && h[k] !== null);
  if (set.length === 0) {
    errs.push(field.required(path, 'must specify a handler type'));
    return errs;
  }
  if (set.length > 1) errs.push(field.forbidden(`${path}.${set[1]}`, 'may not specify more than 1 handler type'));
  if (isObj(h.exec) && arr(h.exec.command).length === 0) errs.push(field.required(`${path}.exec.command`, ''));
  if (isObj(h.httpGet)) {
    const g = h.httpGet;
    if (!g.path) errs.push(field.required(`${path}.httpGet.path`, ''));
    errs.push(...validatePortNumOrName(g.port, `${path}.httpGet.port`));
    if (g.scheme && !['HTTP', 'HTTPS'].includes(g.scheme)) errs.push(field.notSupported(`${path}.httpGet.scheme`, g.scheme, ['HTTP', 'HTTPS']));
    arr(g.httpHeaders).forEach((hd, i) => {
      const name = hd?.name ?? '';
      if (!/^[-!#$%&'*+.^_`|~0-9A-Za-z]+$/.test(name)) {
        errs.push(field.invalid(`${path}.httpGet.httpHeaders[${i}].name`, name, "a valid HTTP header must consist of alphanumeric characters, '-' and must start with an alphanumeric character"));
      }
    });
  }
  if (isObj(h.tcpSocket)) errs.push(...validatePortNumOrName(h.tcpSocket.port, `${path}.tcpSocket.port`));
  if (isObj(h.grpc)) {
    for (const m of isValidPortNum(h.grpc.port)) errs.push(field.invalid(`${path}.grpc.port`, h.grpc.port, m));
  }
  if (isObj(h.sleep) && typeof h.sleep.seconds === 'number' && h.sleep.seconds < 0) {
    errs.push(field.invalid(`${path}.sleep.seconds`, h.sleep.seconds, 'must be non-negative integer'));
  }
  return errs;
}

function validateProbe(p: unknown, gracePeriod: unknown, path: string): FieldError[] {
  if (!isObj(p)) return [];
  const errs = validateHandler(p, path, true);
  for (const k of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold']) errs.push(...nonNegative(p[k], `${path}.${k}`));
  if (p.terminationGracePeriodSeconds !== undefined && p.terminationGracePeriodSeconds !== null && p.terminationGracePeriodSeconds <= 0) {
    errs.push(field.invalid(`${path}.terminationGracePeriodSeconds`, p.terminationGracePeriodSeconds, 'must be greater than 0'));
  }
  void gracePeriod;
  return errs;
}

function validateLifecycle(l: unknown, path: string): FieldError[] {
  if (!isObj(l)) return [];
  const errs: FieldError[] = [];
  if (isObj(l.postStart)) errs.push(...validateHandler(l.postStart, `${path}.postStart`, false));
  if (isObj(l.preStop)) errs.push(...validateHandler(l.preStop, `${path}.preStop`, false));
  return errs;
}

function validateVolumeMounts(mounts: unknown, volumes: Map<string, Obj>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const mountpoints = new Set<string>();
  arr(mounts).forEach((m, i) => {
    const ip = `${path}[${i}]`;
    if (!isObj(m)) return;
    if (!m.name) errs.push(field.required(`${ip}.name`, ''));
    if (!volumes.has(m.name)) errs.push(notFound(`${ip}.name`, m.name ?? ''));
    if (!m.mountPath) errs.push(field.required(`${ip}.mountPath`, ''));
    if (mountpoints.has(m.mountPath)) errs.push(field.invalid(`${ip}.mountPath`, m.mountPath, 'must be unique'));
    mountpoints.add(m.mountPath);
    if (m.subPath) errs.push(...validateLocalDescendingPath(m.subPath, `${ip}.subPath`));
    if (m.subPath && m.subPathExpr) errs.push(field.invalid(`${ip}.subPathExpr`, m.subPathExpr, 'subPathExpr and subPath are mutually exclusive'));
    if (m.mountPropagation !== undefined && !['None', 'HostToContainer', 'Bidirectional'].includes(m.mountPropagation)) {
      errs.push(field.notSupported(`${ip}.mountPropagation`, m.mountPropagation, ['Bidirectional', 'HostToContainer', 'None']));
    }
  });
  return errs;
}

function validateLocalDescendingPath(p: string, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (p.startsWith('/')) errs.push(field.invalid(path, p, 'must be a relative path'));
  if (p.split('/').includes('..')) errs.push(field.invalid(path, p, "must not contain '..'"));
  return errs;
}

function validateSecurityContext(sc: unknown, path: string): FieldError[] {
  if (!isObj(sc)) return [];
  const errs: FieldError[] = [];
  if (sc.privileged === true && sc.allowPrivilegeEscalation === false) {
    errs.push(field.invalid(path, sc, 'cannot set `allowPrivilegeEscalation` to false and `privileged` to true'));
  }
  for (const k of ['runAsUser', 'runAsGroup']) {
    if (typeof sc[k] === 'number' && (sc[k] < 0 || sc[k] > 2147483647)) errs.push(field.invalid(`${path}.${k}`, sc[k], inclusiveRangeError(0, 2147483647)));
  }
  if (sc.procMount !== undefined && !['Default', 'Unmasked'].includes(sc.procMount)) {
    errs.push(field.notSupported(`${path}.procMount`, sc.procMount, ['Default', 'Unmasked']));
  }
  return errs;
}

interface ContainerContext {
  volumes: Map<string, Obj>;
  restartPolicy: string;
  hostNetwork: boolean;
  init: boolean;
}

function validateContainer(c: Obj, path: string, ctx: ContainerContext): FieldError[] {
  const errs: FieldError[] = [];
  if (!c.name) errs.push(field.required(`${path}.name`, ''));
  else errs.push(...dns1123Label(c.name, `${path}.name`));
  if (typeof c.image === 'string' && c.image.length !== c.image.trim().length) {
    errs.push(field.invalid(`${path}.image`, c.image, 'must not have leading or trailing whitespace'));
  }
  if (!c.imagePullPolicy) errs.push(field.required(`${path}.imagePullPolicy`, ''));
  else if (!SUPPORTED_PULL_POLICIES.includes(c.imagePullPolicy)) errs.push(field.notSupported(`${path}.imagePullPolicy`, c.imagePullPolicy, SUPPORTED_PULL_POLICIES));
  errs.push(...validateResourceRequirements(c.resources, `${path}.resources`));
  errs.push(...validateContainerPorts(c.ports, `${path}.ports`));
  errs.push(...validateEnv(c.env, `${path}.env`));
  errs.push(...validateEnvFrom(c.envFrom, `${path}.envFrom`));
  errs.push(...validateVolumeMounts(c.volumeMounts, ctx.volumes, `${path}.volumeMounts`));
  errs.push(...validateSecurityContext(c.securityContext, `${path}.securityContext`));
  if (!c.image) errs.push(field.required(`${path}.image`, ''));
  if (!c.terminationMessagePolicy) errs.push(field.required(`${path}.terminationMessagePolicy`, ''));
  else if (!TERMINATION_MESSAGE_POLICIES.includes(c.terminationMessagePolicy)) {
    errs.push(field.notSupported(`${path}.terminationMessagePolicy`, c.terminationMessagePolicy, TERMINATION_MESSAGE_POLICIES));
  }
  if (ctx.hostNetwork) {
    arr(c.ports).forEach((p, i) => {
      if (isObj(p) && p.hostPort && p.hostPort !== p.containerPort) {
        errs.push(field.invalid(`${path}.ports[${i}].containerPort`, p.containerPort, 'must match `hostPort` when `hostNetwork` is true'));
      }
    });
  }
  if (ctx.init) {
    const sidecar = c.restartPolicy === 'Always';
    if (c.restartPolicy !== undefined && c.restartPolicy !== null && !sidecar) errs.push(field.notSupported(`${path}.restartPolicy`, c.restartPolicy, ['Always']));
    if (!sidecar) {
      if (c.lifecycle) errs.push(field.forbidden(`${path}.lifecycle`, 'may not be set for init containers without restartPolicy=Always'));
      if (c.livenessProbe) errs.push(field.forbidden(`${path}.livenessProbe`, 'may not be set for init containers without restartPolicy=Always'));
      if (c.readinessProbe) errs.push(field.forbidden(`${path}.readinessProbe`, 'may not be set for init containers without restartPolicy=Always'));
      if (c.startupProbe) errs.push(field.forbidden(`${path}.startupProbe`, 'may not be set for init containers without restartPolicy=Always'));
    } else {
      errs.push(...validateLifecycle(c.lifecycle, `${path}.lifecycle`));
      errs.push(...validateProbe(c.livenessProbe, undefined, `${path}.livenessProbe`));
      errs.push(...validateProbe(c.readinessProbe, undefined, `${path}.readinessProbe`));
      errs.push(...validateProbe(c.startupProbe, undefined, `${path}.startupProbe`));
    }
  } else {
    if (c.restartPolicy !== undefined && c.restartPolicy !== null) errs.push(field.forbidden(`${path}.restartPolicy`, 'may not be set for non-init containers'));
    errs.push(...validateLifecycle(c.lifecycle, `${path}.lifecycle`));
    errs.push(...validateProbe(c.livenessProbe, undefined, `${path}.livenessProbe`));
    if (isObj(c.livenessProbe) && c.livenessProbe.successThreshold !== undefined && c.livenessProbe.successThreshold !== 1) {
      errs.push(field.invalid(`${path}.livenessProbe.successThreshold`, c.livenessProbe.successThreshold, 'must be 1'));
    }
    errs.push(...validateProbe(c.readinessProbe, undefined, `${path}.readinessProbe`));
    if (isObj(c.readinessProbe) && c.readinessProbe.terminationGracePeriodSeconds !== undefined) {
      errs.push(field.invalid(`${path}.readinessProbe.terminationGracePeriodSeconds`, c.readinessProbe.terminationGracePeriodSeconds, 'must not be set for readinessProbes'));
    }
    errs.push(...validateProbe(c.startupProbe, undefined, `${path}.startupProbe`));
    if (isObj(c.startupProbe) && c.startupProbe.successThreshold !== undefined && c.startupProbe.successThreshold !== 1) {
      errs.push(field.invalid(`${path}.startupProbe.successThreshold`, c.startupProbe.successThreshold, 'must be 1'));
    }
  }
  return errs;
}

function validateKeyToPaths(items: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  arr(items).forEach((it, i) => {
    const ip = `${path}[${i}]`;
    if (!it?.key) errs.push(field.required(`${ip}.key`, ''));
    if (!it?.path) errs.push(field.required(`${ip}.path`, ''));
    else errs.push(...validateLocalNonReservedPath(it.path, `${ip}.path`));
    if (it?.mode !== undefined && (it.mode > 0o777 || it.mode < 0)) errs.push(field.invalid(`${ip}.mode`, it.mode, 'must be a number between 0 and 0777 (octal), both inclusive'));
  });
  return errs;
}

function validateLocalNonReservedPath(p: string, path: string): FieldError[] {
  const errs = validateLocalDescendingPath(p, path);
  if (p.startsWith('..')) errs.push(field.invalid(path, p, "must not start with '..'"));
  return errs;
}

function validateMode(mode: unknown, path: string): FieldError[] {
  if (mode === undefined || mode === null) return [];
  if (typeof mode !== 'number' || mode > 0o777 || mode < 0) return [field.invalid(path, mode, 'must be a number between 0 and 0777 (octal), both inclusive')];
  return [];
}

function validateVolumeSource(v: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const set = VOLUME_SOURCES.filter((s) => v[s] !== undefined && v[s] !== null);
  if (set.length === 0) {
    errs.push(field.required(path, 'must specify a volume type'));
    return errs;
  }
  for (const s of set.slice(1)) errs.push(field.forbidden(`${path}.${s}`, 'may not specify more than 1 volume type'));
  if (isObj(v.hostPath)) {
    if (!v.hostPath.path) errs.push(field.required(`${path}.hostPath.path`, ''));
    const types = ['', 'DirectoryOrCreate', 'Directory', 'FileOrCreate', 'File', 'Socket', 'CharDevice', 'BlockDevice'];
    if (v.hostPath.type !== undefined && !types.includes(v.hostPath.type)) errs.push(field.notSupported(`${path}.hostPath.type`, v.hostPath.type, types));
  }
  if (isObj(v.emptyDir)) {
    if (v.emptyDir.medium !== undefined && !['', 'Memory', 'HugePages'].includes(v.emptyDir.medium) && !String(v.emptyDir.medium).startsWith('HugePages-')) {
      errs.push(field.notSupported(`${path}.emptyDir.medium`, v.emptyDir.medium, ['', 'Memory', 'HugePages']));
    }
    const sl = v.emptyDir.sizeLimit !== undefined ? tryParseQuantity(v.emptyDir.sizeLimit) : undefined;
    if (sl && sl.sign < 0) errs.push(field.forbidden(`${path}.emptyDir.sizeLimit`, 'SizeLimit field must be a valid resource quantity'));
  }
  if (isObj(v.secret)) {
    if (!v.secret.secretName) errs.push(field.required(`${path}.secret.secretName`, ''));
    errs.push(...validateMode(v.secret.defaultMode, `${path}.secret.defaultMode`));
    errs.push(...validateKeyToPaths(v.secret.items, `${path}.secret.items`));
  }
  if (isObj(v.configMap)) {
    if (!v.configMap.name) errs.push(field.required(`${path}.configMap.name`, ''));
    else errs.push(...dns1123Subdomain(v.configMap.name, `${path}.configMap.name`));
    errs.push(...validateMode(v.configMap.defaultMode, `${path}.configMap.defaultMode`));
    errs.push(...validateKeyToPaths(v.configMap.items, `${path}.configMap.items`));
  }
  if (isObj(v.persistentVolumeClaim) && !v.persistentVolumeClaim.claimName) errs.push(field.required(`${path}.persistentVolumeClaim.claimName`, ''));
  if (isObj(v.nfs)) {
    if (!v.nfs.server) errs.push(field.required(`${path}.nfs.server`, ''));
    if (!v.nfs.path) errs.push(field.required(`${path}.nfs.path`, ''));
    else if (!String(v.nfs.path).startsWith('/')) errs.push(field.invalid(`${path}.nfs.path`, v.nfs.path, 'must be an absolute path'));
  }
  if (isObj(v.downwardAPI)) {
    errs.push(...validateMode(v.downwardAPI.defaultMode, `${path}.downwardAPI.defaultMode`));
    arr(v.downwardAPI.items).forEach((it, i) => {
      const ip = `${path}.downwardAPI.items[${i}]`;
      if (!it?.path) errs.push(field.required(`${ip}.path`, ''));
      else errs.push(...validateLocalNonReservedPath(it.path, `${ip}.path`));
      if (isObj(it?.fieldRef)) errs.push(...validateObjectFieldSelector(it.fieldRef, VALID_DOWNWARD_VOLUME_FIELD_PATHS, `${ip}.fieldRef`));
      if (isObj(it?.resourceFieldRef)) errs.push(...validateResourceFieldRef(it.resourceFieldRef, `${ip}.resourceFieldRef`, true));
    });
  }
  if (isObj(v.projected)) {
    errs.push(...validateMode(v.projected.defaultMode, `${path}.projected.defaultMode`));
    arr(v.projected.sources).forEach((s, i) => {
      const sp = `${path}.projected.sources[${i}]`;
      const kinds = ['secret', 'configMap', 'downwardAPI', 'serviceAccountToken', 'clusterTrustBundle'].filter((k) => isObj(s?.[k]));
      if (kinds.length > 1) errs.push(field.forbidden(`${sp}.${kinds[1]}`, 'may not specify more than 1 volume type per source'));
      if (isObj(s?.secret)) errs.push(...validateKeyToPaths(s.secret.items, `${sp}.secret.items`));
      if (isObj(s?.configMap)) errs.push(...validateKeyToPaths(s.configMap.items, `${sp}.configMap.items`));
      if (isObj(s?.serviceAccountToken)) {
        const t = s.serviceAccountToken;
        if (!t.path) errs.push(field.required(`${sp}.serviceAccountToken.path`, ''));
        if (typeof t.expirationSeconds === 'number') {
          if (t.expirationSeconds < 600) errs.push(field.invalid(`${sp}.serviceAccountToken.expirationSeconds`, t.expirationSeconds, 'may not specify a duration less than 10 minutes'));
          else if (t.expirationSeconds > 1 << 32) errs.push(field.invalid(`${sp}.serviceAccountToken.expirationSeconds`, t.expirationSeconds, 'may not specify a duration larger than 2^32 seconds'));
        }
      }
    });
  }
  if (isObj(v.csi) && !v.csi.driver) errs.push(field.required(`${path}.csi.driver`, ''));
  if (isObj(v.ephemeral)) {
    if (!isObj(v.ephemeral.volumeClaimTemplate)) errs.push(field.required(`${path}.ephemeral.volumeClaimTemplate`, ''));
  }
  if (isObj(v.image) && !v.image.reference) errs.push(field.required(`${path}.image.reference`, ''));
  if (isObj(v.gitRepo)) {
    if (!v.gitRepo.repository) errs.push(field.required(`${path}.gitRepo.repository`, ''));
  }
  return errs;
}

function validateVolumes(volumes: unknown, path: string): { errs: FieldError[]; byName: Map<string, Obj> } {
  const errs: FieldError[] = [];
  const byName = new Map<string, Obj>();
  arr(volumes).forEach((v, i) => {
    const ip = `${path}[${i}]`;
    if (!isObj(v)) return;
    errs.push(...validateVolumeSource(v, ip));
    if (!v.name) errs.push(field.required(`${ip}.name`, ''));
    else errs.push(...dns1123Label(v.name, `${ip}.name`));
    if (byName.has(v.name)) errs.push(field.duplicate(`${ip}.name`, v.name));
    else if (v.name) byName.set(v.name, v);
  });
  return { errs, byName };
}

function validateTolerations(tols: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  arr(tols).forEach((t, i) => {
    const ip = `${path}[${i}]`;
    if (!isObj(t)) return;
    if (t.key) errs.push(...validateLabelName(t.key, `${ip}.key`));
    if (!t.key && t.operator !== 'Exists') errs.push(field.invalid(`${ip}.operator`, t.operator ?? '', 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    if (t.tolerationSeconds !== undefined && t.tolerationSeconds !== null && t.effect !== 'NoExecute') {
      errs.push(field.invalid(`${ip}.effect`, t.effect ?? '', 'effect must be \'NoExecute\' when `tolerationSeconds` is set'));
    }
    switch (t.operator) {
      case 'Equal':
      case '':
      case undefined:
        for (const m of isValidLabelValue(t.value ?? '')) errs.push(field.invalid(`${ip}.operator`, t.value, m));
        break;
      case 'Exists':
        if (t.value) errs.push(field.invalid(`${ip}.operator`, t, 'value must be empty when `operator` is \'Exists\''));
        break;
      default:
        errs.push(field.notSupported(`${ip}.operator`, t.operator, ['Equal', 'Exists']));
    }
    if (t.effect && !['NoSchedule', 'PreferNoSchedule', 'NoExecute'].includes(t.effect)) {
      errs.push(field.notSupported(`${ip}.effect`, t.effect, ['NoSchedule', 'PreferNoSchedule', 'NoExecute']));
    }
  });
  return errs;
}

function validateNodeSelectorTerms(terms: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  arr(terms).forEach((term, i) => {
    const tp = `${path}[${i}]`;
    arr(term?.matchExpressions).forEach((r, j) => {
      const rp = `${tp}.matchExpressions[${j}]`;
      errs.push(...validateNodeSelectorRequirement(r, rp, true));
    });
    arr(term?.matchFields).forEach((r, j) => {
      const rp = `${tp}.matchFields[${j}]`;
      if (r?.key !== 'metadata.name') errs.push(field.invalid(`${rp}.key`, r?.key, 'not a valid field selector key'));
      errs.push(...validateNodeSelectorRequirement(r, rp, false));
    });
  });
  return errs;
}

function validateNodeSelectorRequirement(r: Obj, path: string, labelKey: boolean): FieldError[] {
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
      errs.push(field.invalid(`${path}.operator`, r?.operator, 'not a valid selector operator'));
  }
  if (labelKey) errs.push(...validateLabelName(r?.key ?? '', `${path}.key`));
  return errs;
}

function validateAffinity(a: unknown, path: string): FieldError[] {
  if (!isObj(a)) return [];
  const errs: FieldError[] = [];
  const na = a.nodeAffinity;
  if (isObj(na)) {
    const req = na.requiredDuringSchedulingIgnoredDuringExecution;
    if (isObj(req)) {
      const rp = `${path}.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution`;
      if (arr(req.nodeSelectorTerms).length === 0) errs.push(field.required(`${rp}.nodeSelectorTerms`, 'must have at least one node selector term'));
      errs.push(...validateNodeSelectorTerms(req.nodeSelectorTerms, `${rp}.nodeSelectorTerms`));
    }
    arr(na.preferredDuringSchedulingIgnoredDuringExecution).forEach((p, i) => {
      const pp = `${path}.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[${i}]`;
      if (typeof p?.weight !== 'number' || p.weight < 1 || p.weight > 100) errs.push(field.invalid(`${pp}.weight`, p?.weight, inclusiveRangeError(1, 100)));
      errs.push(...validateNodeSelectorTerms([p?.preference], `${pp}.preference`).map((e) => ({ ...e, field: e.field.replace(`${pp}.preference[0]`, `${pp}.preference`) })));
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
      if (typeof w?.weight !== 'number' || w.weight < 1 || w.weight > 100) errs.push(field.invalid(`${wp}.weight`, w?.weight, inclusiveRangeError(1, 100)));
      errs.push(...validatePodAffinityTerm(w?.podAffinityTerm, `${wp}.podAffinityTerm`));
    });
  }
  return errs;
}

function validatePodAffinityTerm(t: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!isObj(t)) return errs;
  errs.push(...validateLabelSelector(t.labelSelector, `${path}.labelSelector`));
  errs.push(...validateLabelSelector(t.namespaceSelector, `${path}.namespaceSelector`));
  for (const ns of arr<string>(t.namespaces)) for (const m of isDNS1123Label(ns)) errs.push(field.invalid(`${path}.namespace`, ns, m));
  if (!t.topologyKey) errs.push(field.required(`${path}.topologyKey`, 'can not be empty'));
  else errs.push(...validateLabelName(t.topologyKey, `${path}.topologyKey`));
  return errs;
}

function validateTopologySpreadConstraints(cs: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  arr(cs).forEach((c, i) => {
    const p = `${path}[${i}]`;
    if (typeof c?.maxSkew !== 'number' || c.maxSkew <= 0) errs.push(field.invalid(`${p}.maxSkew`, c?.maxSkew, 'must be greater than zero'));
    if (!c?.topologyKey) errs.push(field.required(`${p}.topologyKey`, 'can not be empty'));
    else errs.push(...validateLabelName(c.topologyKey, `${p}.topologyKey`));
    if (!c?.whenUnsatisfiable) errs.push(field.required(`${p}.whenUnsatisfiable`, ''));
    else if (!['DoNotSchedule', 'ScheduleAnyway'].includes(c.whenUnsatisfiable)) {
      errs.push(field.notSupported(`${p}.whenUnsatisfiable`, c.whenUnsatisfiable, ['DoNotSchedule', 'ScheduleAnyway']));
    }
    errs.push(...validateLabelSelector(c?.labelSelector, `${p}.labelSelector`));
  });
  return errs;
}

/** ValidatePodSpec (v1.33), the rules that matter to real manifests. */
export function validatePodSpec(spec: Obj | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!isObj(spec)) return [field.required(`${path}.containers`, '')];
  const { errs: volErrs, byName } = validateVolumes(spec.volumes, `${path}.volumes`);
  errs.push(...volErrs);
  const restartPolicy: string = spec.restartPolicy ?? '';
  const hostNetwork = !!spec.hostNetwork;
  const names = new Set<string>();
  const containers = arr(spec.containers);
  if (containers.length === 0) errs.push(field.required(`${path}.containers`, ''));
  containers.forEach((c, i) => {
    const ip = `${path}.containers[${i}]`;
    if (!isObj(c)) return;
    errs.push(...validateContainer(c, ip, { volumes: byName, restartPolicy, hostNetwork, init: false }));
    if (c.name && names.has(c.name)) errs.push(field.duplicate(`${ip}.name`, c.name));
    else if (c.name) names.add(c.name);
  });
  arr(spec.initContainers).forEach((c, i) => {
    const ip = `${path}.initContainers[${i}]`;
    if (!isObj(c)) return;
    errs.push(...validateContainer(c, ip, { volumes: byName, restartPolicy, hostNetwork, init: true }));
    if (c.name && names.has(c.name)) errs.push(field.duplicate(`${ip}.name`, c.name));
    else if (c.name) names.add(c.name);
  });
  arr(spec.ephemeralContainers).forEach((c, i) => {
    const ip = `${path}.ephemeralContainers[${i}]`;
    if (!isObj(c)) return;
    if (c.name && names.has(c.name)) errs.push(field.duplicate(`${ip}.name`, c.name));
    else if (c.name) names.add(c.name);
    if (!c.name) errs.push(field.required(`${ip}.name`, ''));
    else errs.push(...dns1123Label(c.name, `${ip}.name`));
    if (!c.image) errs.push(field.required(`${ip}.image`, ''));
  });
  // restartPolicy
  if (restartPolicy === '') errs.push(field.required(`${path}.restartPolicy`, ''));
  else if (!RESTART_POLICIES.includes(restartPolicy)) errs.push(field.notSupported(`${path}.restartPolicy`, restartPolicy, RESTART_POLICIES));
  // dnsPolicy
  const dnsPolicy: string = spec.dnsPolicy ?? '';
  if (dnsPolicy === '') errs.push(field.required(`${path}.dnsPolicy`, ''));
  else if (!DNS_POLICIES.includes(dnsPolicy)) errs.push(field.notSupported(`${path}.dnsPolicy`, dnsPolicy, DNS_POLICIES));
  if (dnsPolicy === 'None' && !isObj(spec.dnsConfig)) errs.push(field.required(`${path}.dnsConfig`, "must provide `dnsConfig` when `dnsPolicy` is None"));
  if (isObj(spec.dnsConfig)) {
    const ns = arr<string>(spec.dnsConfig.nameservers);
    if (ns.length > 3) errs.push(field.invalid(`${path}.dnsConfig.nameservers`, ns, 'must not have more than 3 nameservers'));
    ns.forEach((n, i) => {
      for (const m of isValidIP(n)) errs.push(field.invalid(`${path}.dnsConfig.nameservers[${i}]`, n, m));
    });
    if (dnsPolicy === 'None' && ns.length === 0) errs.push(field.required(`${path}.dnsConfig.nameservers`, 'must provide at least one DNS nameserver when `dnsPolicy` is None'));
  }
  // nodeSelector, names, numbers
  errs.push(...validateLabels(spec.nodeSelector, `${path}.nodeSelector`));
  if (spec.serviceAccountName) errs.push(...dns1123Subdomain(spec.serviceAccountName, `${path}.serviceAccountName`));
  if (spec.nodeName) errs.push(...dns1123Subdomain(spec.nodeName, `${path}.nodeName`));
  if (spec.activeDeadlineSeconds !== undefined && spec.activeDeadlineSeconds !== null) {
    const v = spec.activeDeadlineSeconds;
    if (typeof v !== 'number' || v < 1 || v > 2147483647) errs.push(field.invalid(`${path}.activeDeadlineSeconds`, v, inclusiveRangeError(1, 2147483647)));
  }
  errs.push(...nonNegative(spec.terminationGracePeriodSeconds, `${path}.terminationGracePeriodSeconds`));
  if (spec.hostname) errs.push(...dns1123Label(spec.hostname, `${path}.hostname`));
  if (spec.subdomain) errs.push(...dns1123Label(spec.subdomain, `${path}.subdomain`));
  if (spec.priorityClassName) errs.push(...dns1123Subdomain(spec.priorityClassName, `${path}.priorityClassName`));
  if (spec.runtimeClassName) errs.push(...dns1123Subdomain(spec.runtimeClassName, `${path}.runtimeClassName`));
  arr(spec.imagePullSecrets).forEach((s, i) => {
    if (!s?.name) errs.push(field.required(`${path}.imagePullSecrets[${i}].name`, ''));
  });
  errs.push(...validateTolerations(spec.tolerations, `${path}.tolerations`));
  errs.push(...validateAffinity(spec.affinity, `${path}.affinity`));
  errs.push(...validateTopologySpreadConstraints(spec.topologySpreadConstraints, `${path}.topologySpreadConstraints`));
  if (isObj(spec.securityContext)) {
    const sc = spec.securityContext;
    for (const k of ['runAsUser', 'runAsGroup', 'fsGroup']) {
      if (typeof sc[k] === 'number' && (sc[k] < 0 || sc[k] > 2147483647)) errs.push(field.invalid(`${path}.securityContext.${k}`, sc[k], inclusiveRangeError(0, 2147483647)));
    }
    arr<number>(sc.supplementalGroups).forEach((g, i) => {
      if (typeof g === 'number' && (g < 0 || g > 2147483647)) errs.push(field.invalid(`${path}.securityContext.supplementalGroups[${i}]`, g, inclusiveRangeError(0, 2147483647)));
    });
    arr(sc.sysctls).forEach((s, i) => {
      if (!s?.name) errs.push(field.required(`${path}.securityContext.sysctls[${i}].name`, ''));
    });
  }
  arr(spec.hostAliases).forEach((h, i) => {
    for (const m of isValidIP(h?.ip ?? '')) errs.push(field.invalid(`${path}.hostAliases[${i}].ip`, h?.ip ?? '', m));
    arr<string>(h?.hostnames).forEach((hn, j) => errs.push(...dns1123Subdomain(hn, `${path}.hostAliases[${i}].hostnames[${j}]`)));
  });
  if (isObj(spec.os) && spec.os.name !== undefined && !['linux', 'windows'].includes(spec.os.name)) {
    errs.push(field.notSupported(`${path}.os.name`, spec.os.name, ['linux', 'windows']));
  }
  if (isObj(spec.overhead)) errs.push(...validateResourceRequirements({ limits: spec.overhead }, `${path}.overhead`).map((e) => ({ ...e, field: e.field.replace(`${path}.overhead.limits`, `${path}.overhead`) })));
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

/** Used by config-key based validators elsewhere. */
export { isCIdentifier };
