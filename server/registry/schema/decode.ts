/**
 * Decode-time checks, as kube-apiserver's JSON decoding does them.
 *
 * Built-in kinds are decoded upstream by sigs.k8s.io/json into Go structs: a value of the wrong JSON
 * type is a `json: cannot unmarshal ...` error (400), and fields the struct does not have are dropped,
 * or reported with fieldValidation=Strict (400, "strict decoding error") or Warn (warning headers).
 * Custom resources are decoded as unstructured JSON and then pruned and validated against the CRD's
 * structural schema (kube-openapi's validator), which reports 422 field errors.
 *
 * This module works on parsed JSON (objects, arrays, primitives) and the OpenAPI schemas of
 * ./index.ts. Messages follow upstream's wording; see each function for the exact shape.
 */
import type { FieldError, JSONSchema } from '../types.js';
import { OBJECT_META, REF_PREFIX, refName, resolve } from './index.js';

const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
const TIME = 'io.k8s.apimachinery.pkg.apis.meta.v1.Time';
const MICRO_TIME = 'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime';

// ---------------------------------------------------------------------------------------------
// Built-in kinds: unknown fields and Go type errors
// ---------------------------------------------------------------------------------------------

export interface DecodeCheck {
  /** paths of fields the Go types do not have, in document order: `spec.template.spec.containers[0].imagePullPolcy` */
  unknown: string[];
  /** the first decoding error, worded as Go's decoder words it (without the "cannot be handled as" prefix) */
  typeError?: string;
}

/** `Deployment in version "v1" cannot be handled as a Deployment: <message>` — the 400 a v1.33 server returns. */
export function cannotBeHandled(kind: string, version: string, message: string): string {
  return `${kind} in version "${version}" cannot be handled as a ${kind}: ${message}`;
}

/**
 * `strict decoding error: unknown field "spec.foo", unknown field "spec.bar"`; duplicate keys (see
 * duplicateFields) follow as `duplicate field "spec.replicas"`.
 */
export function strictDecodingError(unknown: string[], duplicates: string[] = []): string {
  const parts = [...unknown.map((u) => `unknown field "${u}"`), ...duplicates.map((d) => `duplicate field "${d}"`)];
  return `strict decoding error: ${parts.join(', ')}`;
}

/**
 * Keys that occur twice in one JSON object of a request body, as paths in the strict-decoding form
 * (`spec.replicas`, `spec.template.spec.containers[0].name`). JSON.parse keeps the last value
 * silently; Go's strict decoder reports each repeat. `text` must be valid JSON.
 */
export function duplicateFields(text: string): string[] {
  const out: string[] = [];
  type Frame = { obj: boolean; path: string; keys: Set<string>; index: number; key?: string };
  const stack: Frame[] = [];
  const childPath = (f: Frame | undefined): string => {
    if (!f) return '';
    if (f.obj) return f.path ? `${f.path}.${f.key}` : (f.key ?? '');
    return `${f.path}[${f.index}]`;
  };
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (j < n && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const str = JSON.parse(text.slice(i, j + 1)) as string;
      i = j + 1;
      const top = stack[stack.length - 1];
      if (top?.obj && top.key === undefined) {
        // a key: the next non-space character is ':'
        let k = i;
        while (k < n && /\s/.test(text[k])) k++;
        if (text[k] === ':') {
          if (top.keys.has(str)) out.push(top.path ? `${top.path}.${str}` : str);
          top.keys.add(str);
          top.key = str;
          i = k + 1;
        }
      }
      continue;
    }
    if (c === '{' || c === '[') {
      const parent = stack[stack.length - 1];
      stack.push({ obj: c === '{', path: childPath(parent), keys: new Set(), index: 0 });
    } else if (c === '}' || c === ']') {
      stack.pop();
    } else if (c === ',') {
      const top = stack[stack.length - 1];
      if (top?.obj) top.key = undefined;
      else if (top) top.index++;
    }
    i++;
  }
  return out;
}

/** The warnings fieldValidation=Warn sends, one per unknown field. */
export function unknownFieldWarnings(unknown: string[]): string[] {
  return unknown.map((u) => `unknown field "${u}"`);
}

/**
 * Walks an object as the Go decoder would decode it into the kind's struct.
 * `root` is the kind's schema or its definition name. Schemas marked
 * x-kubernetes-preserve-unknown-fields (RawExtension, FieldsV1, JSON) accept anything below them;
 * maps (labels, data) accept any key and check only their values.
 */
export function checkDecode(obj: unknown, root: JSONSchema | string): DecodeCheck {
  const schema = typeof root === 'string' ? { $ref: REF_PREFIX + root } : root;
  const rootName = refName(schema) ?? '';
  const w = new DecodeWalker();
  w.value(obj, schema, shortName(rootName), [], '');
  return { unknown: w.unknown, typeError: w.typeError };
}

/** Only the unknown-field paths (see checkDecode). */
export function unknownFields(obj: unknown, root: JSONSchema | string): string[] {
  return checkDecode(obj, root).unknown;
}

/** Only the first type error (see checkDecode). */
export function firstTypeError(obj: unknown, root: JSONSchema | string): string | undefined {
  return checkDecode(obj, root).typeError;
}

/**
 * Removes the fields the Go types do not have, as decoding drops them (fieldValidation Ignore/Warn).
 * Mutates `obj`; returns the removed paths.
 */
export function pruneUnknownFields(obj: unknown, root: JSONSchema | string): string[] {
  const schema = typeof root === 'string' ? { $ref: REF_PREFIX + root } : root;
  const w = new DecodeWalker();
  w.prune = true;
  w.value(obj, schema, shortName(refName(schema) ?? ''), [], '');
  return w.unknown;
}

function shortName(def: string): string {
  return def.slice(def.lastIndexOf('.') + 1);
}

/** Go's reflect Type.String() of a definition: package name, dot, type name (v1.DeploymentSpec). */
function goStructType(def: string): string {
  const parts = def.split('.');
  return `${parts[parts.length - 2]}.${parts[parts.length - 1]}`;
}

/**
 * Named string types of common fields (Go reports the declared type, e.g. v1.Protocol). Fields not
 * listed are reported as plain `string`.
 */
const NAMED_STRINGS: Record<string, string> = {
  'Container.imagePullPolicy': 'v1.PullPolicy',
  'Container.terminationMessagePolicy': 'v1.TerminationMessagePolicy',
  'Container.restartPolicy': 'v1.ContainerRestartPolicy',
  'EphemeralContainer.imagePullPolicy': 'v1.PullPolicy',
  'EphemeralContainer.terminationMessagePolicy': 'v1.TerminationMessagePolicy',
  'ContainerPort.protocol': 'v1.Protocol',
  'ServicePort.protocol': 'v1.Protocol',
  'EndpointPort.protocol': 'v1.Protocol',
  'PodSpec.restartPolicy': 'v1.RestartPolicy',
  'PodSpec.dnsPolicy': 'v1.DNSPolicy',
  'PodSpec.preemptionPolicy': 'v1.PreemptionPolicy',
  'ServiceSpec.type': 'v1.ServiceType',
  'ServiceSpec.sessionAffinity': 'v1.ServiceAffinity',
  'ServiceSpec.externalTrafficPolicy': 'v1.ServiceExternalTrafficPolicy',
  'ServiceSpec.internalTrafficPolicy': 'v1.ServiceInternalTrafficPolicy',
  'ServiceSpec.ipFamilyPolicy': 'v1.IPFamilyPolicy',
  'ServiceSpec.ipFamilies': 'v1.IPFamily',
  'Secret.type': 'v1.SecretType',
  'DeploymentStrategy.type': 'v1.DeploymentStrategyType',
  'DaemonSetUpdateStrategy.type': 'v1.DaemonSetUpdateStrategyType',
  'StatefulSetUpdateStrategy.type': 'v1.StatefulSetUpdateStrategyType',
  'StatefulSetSpec.podManagementPolicy': 'v1.PodManagementPolicyType',
  'PersistentVolumeClaimSpec.accessModes': 'v1.PersistentVolumeAccessMode',
  'PersistentVolumeClaimSpec.volumeMode': 'v1.PersistentVolumeMode',
  'PersistentVolumeSpec.accessModes': 'v1.PersistentVolumeAccessMode',
  'PersistentVolumeSpec.persistentVolumeReclaimPolicy': 'v1.PersistentVolumeReclaimPolicy',
  'PersistentVolumeSpec.volumeMode': 'v1.PersistentVolumeMode',
  'Toleration.operator': 'v1.TolerationOperator',
  'Toleration.effect': 'v1.TaintEffect',
  'Taint.effect': 'v1.TaintEffect',
  'CronJobSpec.concurrencyPolicy': 'v1.ConcurrencyPolicy',
  'HTTPGetAction.scheme': 'v1.URIScheme',
  'NodeSelectorRequirement.operator': 'v1.NodeSelectorOperator',
  'LabelSelectorRequirement.operator': 'v1.LabelSelectorOperator',
};

/** Go's Type.String() of the value a schema describes. `owner.field` picks named string types. */
function goType(s: JSONSchema, owner: string, field: string): string {
  const name = refName(s);
  if (name) {
    switch (name) {
      case QUANTITY:
        return 'resource.Quantity';
      case INT_OR_STRING:
        return 'intstr.IntOrString';
      default:
        return goStructType(name);
    }
  }
  const r = resolve(s);
  switch (r.type) {
    case 'array':
      return `[]${r.items ? goType(r.items, owner, field) : 'interface {}'}`;
    case 'object':
      if (r.additionalProperties && typeof r.additionalProperties === 'object') {
        if (refName(r.additionalProperties) === QUANTITY) return 'v1.ResourceList';
        return `map[string]${goType(r.additionalProperties, owner, field)}`;
      }
      return 'map[string]interface {}';
    case 'string':
      if (r.format === 'byte') return '[]uint8';
      return NAMED_STRINGS[`${owner}.${field}`] ?? 'string';
    case 'integer':
      return r.format === 'int32' ? 'int32' : r.format === 'int64' ? 'int64' : 'int';
    case 'number':
      return 'float64';
    case 'boolean':
      return 'bool';
    default:
      return 'interface {}';
  }
}

/** The word Go's decoder uses for a JSON value's kind. */
function jsonKind(v: unknown): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return 'array';
  return 'object';
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Whether a resolved schema accepts any content below it. */
function preserves(s: JSONSchema): boolean {
  return s['x-kubernetes-preserve-unknown-fields'] === true;
}

class DecodeWalker {
  unknown: string[] = [];
  typeError?: string;
  prune = false;

  private fail(message: string): void {
    if (this.typeError === undefined) this.typeError = message;
  }

  /** UnmarshalTypeError with the decoder's error context (innermost struct, field names without indices). */
  private mismatch(v: unknown, target: string, struct: string, fields: string[], valueWord = jsonKind(v)): void {
    if (fields.length === 0) this.fail(`json: cannot unmarshal ${valueWord} into Go value of type ${target}`);
    else this.fail(`json: cannot unmarshal ${valueWord} into Go struct field ${struct}.${fields.join('.')} of type ${target}`);
  }

  /**
   * @param s the (unresolved) schema of the value: its $ref names the Go type
   * @param struct innermost enclosing Go struct, for error context
   * @param fields struct field names from the root, for error context
   * @param path strict-decoding path with map keys and [indices]
   */
  value(v: unknown, s: JSONSchema, struct: string, fields: string[], path: string): void {
    if (v === null || v === undefined) return; // null decodes to the zero value everywhere
    const name = refName(s);
    if (name && this.special(name, v)) return;
    const r = resolve(s);
    if (preserves(r) && !r.properties) return; // RawExtension, FieldsV1, JSON: anything, kept as sent
    const owner = struct;
    const field = fields[fields.length - 1] ?? '';

    if (r.properties || (r.type === 'object' && !r.additionalProperties)) {
      // A Go struct.
      if (!isObject(v)) return this.mismatch(v, name ? goStructType(name) : goType(s, owner, field), struct, fields);
      const structName = name ? shortName(name) : struct;
      const props = r.properties ?? {};
      for (const key of Object.keys(v)) {
        const childPath = path ? `${path}.${key}` : key;
        const ps = props[key];
        if (ps === undefined) {
          if (preserves(r)) continue;
          this.unknown.push(childPath);
          if (this.prune) delete v[key];
          continue;
        }
        fields.push(key);
        this.value(v[key], ps, structName, fields, childPath);
        fields.pop();
      }
      return;
    }
    switch (r.type) {
      case 'object': {
        if (!isObject(v)) return this.mismatch(v, goType(s, owner, field), struct, fields);
        if (!r.additionalProperties || typeof r.additionalProperties !== 'object') return;
        for (const key of Object.keys(v)) {
          this.value(v[key], r.additionalProperties, struct, fields, path ? `${path}.${key}` : key);
        }
        return;
      }
      case 'array': {
        if (!Array.isArray(v)) return this.mismatch(v, goType(s, owner, field), struct, fields);
        if (!r.items) return;
        for (let i = 0; i < v.length; i++) this.value(v[i], r.items, struct, fields, `${path}[${i}]`);
        return;
      }
      case 'string': {
        if (typeof v !== 'string') return this.mismatch(v, goType(s, owner, field), struct, fields);
        if (r.format === 'byte') {
          const err = base64Error(v);
          if (err) this.fail(err);
        }
        return;
      }
      case 'integer': {
        if (typeof v !== 'number') return this.mismatch(v, goType(s, owner, field), struct, fields);
        const limit = r.format === 'int32' ? 2 ** 31 : 2 ** 63;
        if (!Number.isInteger(v) || v < -limit || v >= limit) {
          this.mismatch(v, goType(s, owner, field), struct, fields, `number ${goNumber(v)}`);
        }
        return;
      }
      case 'number':
        if (typeof v !== 'number') this.mismatch(v, goType(s, owner, field), struct, fields);
        return;
      case 'boolean':
        if (typeof v !== 'boolean') this.mismatch(v, goType(s, owner, field), struct, fields);
        return;
      default:
        return; // untyped: anything goes
    }
  }

  /** Types with their own UnmarshalJSON: their errors carry no field context. */
  private special(name: string, v: unknown): boolean {
    switch (name) {
      case QUANTITY: {
        const text = typeof v === 'string' ? v : typeof v === 'number' ? goNumber(v) : JSON.stringify(v);
        const err = quantityError(text.trim());
        if (err) this.fail(err);
        return true;
      }
      case INT_OR_STRING: {
        if (typeof v === 'string') return true;
        // IntOrString.UnmarshalJSON hands anything but a JSON string to json.Unmarshal into an int32.
        if (typeof v === 'number') {
          if (!Number.isInteger(v) || v < -(2 ** 31) || v >= 2 ** 31) this.fail(`json: cannot unmarshal number ${goNumber(v)} into Go value of type int32`);
          return true;
        }
        this.fail(`json: cannot unmarshal ${jsonKind(v)} into Go value of type int32`);
        return true;
      }
      case TIME:
      case MICRO_TIME: {
        if (typeof v !== 'string') {
          this.fail(`json: cannot unmarshal ${jsonKind(v)} into Go value of type string`);
          return true;
        }
        const err = timeParseError(v, name === TIME ? RFC3339 : RFC3339_MICRO);
        if (err) this.fail(err);
        return true;
      }
      default:
        return false;
    }
  }
}

/** How Go's decoder prints a number literal it cannot store (the literal text as sent). */
function goNumber(n: number): string {
  return String(n);
}

// --- resource.Quantity ---------------------------------------------------------------------------

export const QUANTITY_FORMAT_ERROR = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
const QUANTITY_SUFFIX_ERROR = "unable to parse quantity's suffix";
const DEC_SUFFIXES = new Set(['n', 'u', 'm', '', 'k', 'M', 'G', 'T', 'P', 'E']);
const BIN_SUFFIXES = new Set(['Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei']);

/** The error resource.ParseQuantity returns for a string, or undefined when it parses. */
export function quantityError(str: string): string | undefined {
  if (str.length === 0) return QUANTITY_FORMAT_ERROR;
  if (str === '0') return undefined;
  const end = str.length;
  let pos = 0;
  const isDigit = (c: string) => c >= '0' && c <= '9';
  if (str[0] === '-' || str[0] === '+') pos++;
  while (pos < end && str[pos] === '0') pos++;
  if (pos >= end) return undefined;
  while (pos < end && isDigit(str[pos])) pos++;
  if (pos >= end) return undefined;
  if (str[pos] === '.') {
    pos++;
    while (pos < end && isDigit(str[pos])) pos++;
    if (pos >= end) return undefined;
  }
  const suffixStart = pos;
  while (pos < end && 'eEinumkKMGTP'.includes(str[pos])) pos++;
  if (pos < end && (str[pos] === '-' || str[pos] === '+')) pos++;
  while (pos < end && isDigit(str[pos])) pos++;
  if (pos < end) return QUANTITY_FORMAT_ERROR;
  const suffix = str.slice(suffixStart);
  if (DEC_SUFFIXES.has(suffix) || BIN_SUFFIXES.has(suffix)) return undefined;
  if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E') && /^[+-]?[0-9]+$/.test(suffix.slice(1))) return undefined;
  return QUANTITY_SUFFIX_ERROR;
}

// --- base64 ([]byte fields) ----------------------------------------------------------------------

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Go's base64.StdEncoding.Decode error for a string (`illegal base64 data at input byte N`), if any. */
export function base64Error(src: string): string | undefined {
  const corrupt = (at: number) => `illegal base64 data at input byte ${at}`;
  let si = 0;
  const n = src.length;
  while (si < n) {
    // decodeQuantum
    let j = 0;
    for (; j < 4; j++) {
      if (si === n) {
        if (j === 0) return undefined;
        return corrupt(si - j);
      }
      const c = src[si];
      si++;
      if (B64.includes(c)) continue;
      if (c === '\n' || c === '\r') {
        j--;
        continue;
      }
      if (c !== '=') return corrupt(si - 1);
      // padding
      if (j === 0 || j === 1) return corrupt(si - 1);
      if (j === 2) {
        while (si < n && (src[si] === '\n' || src[si] === '\r')) si++;
        if (si === n) return corrupt(n);
        if (src[si] !== '=') return corrupt(si - 1);
        si++;
      }
      while (si < n && (src[si] === '\n' || src[si] === '\r')) si++;
      if (si < n) return corrupt(si);
      return undefined;
    }
  }
  return undefined;
}

// --- time.Parse (RFC 3339 layouts of metav1.Time and metav1.MicroTime) -----------------------------

const RFC3339 = '2006-01-02T15:04:05Z07:00';
const RFC3339_MICRO = '2006-01-02T15:04:05.000000Z07:00';

/** The error Go's time.Parse returns for `value` in one of the two RFC 3339 layouts, or undefined. */
export function timeParseError(value: string, layout: string = RFC3339): string | undefined {
  const q = (s: string) => JSON.stringify(s);
  const cannot = (valueElem: string, layoutElem: string) =>
    `parsing time ${q(value)} as ${q(layout)}: cannot parse ${q(valueElem)} as ${q(layoutElem)}`;
  const outOfRange = (what: string) => `parsing time ${q(value)}: ${what} out of range`;
  const micro = layout === RFC3339_MICRO;
  // The layout as Go splits it: literal prefixes and std chunks.
  const chunks: [string, string][] = [
    ['', '2006'], ['-', '01'], ['-', '02'], ['T', '15'], [':', '04'], [':', '05'],
    ...(micro ? ([['', '.000000']] as [string, string][]) : []),
    ['', 'Z07:00'],
  ];
  let rest = value;
  const isDigit = (s: string, i: number) => i < s.length && s[i] >= '0' && s[i] <= '9';
  let year = 0, month = 0, day = 0;
  for (let ci = 0; ci < chunks.length; ci++) {
    const [prefix, std] = chunks[ci];
    if (!rest.startsWith(prefix)) return cannot(rest, prefix);
    rest = rest.slice(prefix.length);
    const hold = rest;
    const bad = () => cannot(hold, std);
    const getnum = (fixed: boolean): number | undefined => {
      if (!isDigit(rest, 0)) return undefined;
      if (!isDigit(rest, 1)) {
        if (fixed) return undefined;
        const n = Number(rest[0]);
        rest = rest.slice(1);
        return n;
      }
      const n = Number(rest.slice(0, 2));
      rest = rest.slice(2);
      return n;
    };
    switch (std) {
      case '2006':
        if (rest.length < 4 || !isDigit(rest, 0) || !/^\d{4}/.test(rest)) return bad();
        year = Number(rest.slice(0, 4));
        rest = rest.slice(4);
        break;
      case '01': {
        const m = getnum(true);
        if (m === undefined) return bad();
        if (m <= 0 || m > 12) return outOfRange('month');
        month = m;
        break;
      }
      case '02': {
        const d = getnum(true);
        if (d === undefined) return bad();
        day = d;
        break;
      }
      case '15': {
        const h = getnum(false);
        if (h === undefined) return bad();
        if (h >= 24) return outOfRange('hour');
        break;
      }
      case '04': {
        const m = getnum(true);
        if (m === undefined) return bad();
        if (m >= 60) return outOfRange('minute');
        break;
      }
      case '05': {
        const s = getnum(true);
        if (s === undefined) return bad();
        if (s >= 60) return outOfRange('second');
        if (!micro && rest.length >= 2 && (rest[0] === '.' || rest[0] === ',') && isDigit(rest, 1)) {
          let k = 2;
          while (isDigit(rest, k)) k++;
          rest = rest.slice(k);
        }
        break;
      }
      case '.000000': {
        if (rest.length < 7) return bad();
        if (rest[0] !== '.' && rest[0] !== ',') return bad();
        if (!/^[0-9]{6}$/.test(rest.slice(1, 7))) return bad();
        rest = rest.slice(7);
        break;
      }
      case 'Z07:00': {
        if (rest[0] === 'Z') {
          rest = rest.slice(1);
          break;
        }
        if (rest.length < 6 || rest[3] !== ':') return bad();
        const sign = rest[0];
        const hh = rest.slice(1, 3);
        const mm = rest.slice(4, 6);
        if ((sign !== '+' && sign !== '-') || !/^\d\d$/.test(hh) || !/^\d\d$/.test(mm)) return bad();
        rest = rest.slice(6);
        break;
      }
    }
  }
  if (rest.length) return `parsing time ${q(value)}: extra text: ${q(rest)}`;
  const daysIn = [31, (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  if (day < 1 || day > daysIn) return outOfRange('day');
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Custom resources: pruning, defaulting and validation against a structural schema
// ---------------------------------------------------------------------------------------------

const ROOT_KEPT = new Set(['apiVersion', 'kind', 'metadata']);

/**
 * Prunes a custom resource as the CRD handler does: removes fields its structural schema does not
 * specify (unless x-kubernetes-preserve-unknown-fields), keeps apiVersion/kind/metadata at the root
 * and in x-kubernetes-embedded-resource objects (their metadata is held to ObjectMeta's fields), and
 * drops nulls in fields that are not nullable and have no default. Mutates `obj`.
 * Returns the paths of the removed fields: with fieldValidation=Strict these are the
 * `unknown field "..."` errors, with Warn the warnings. Dropped nulls are not reported.
 */
export function pruneCustomResource(obj: unknown, schema: JSONSchema): string[] {
  const pruned: string[] = [];
  if (isObject(obj)) {
    pruneObject(obj, schema, '', pruned, true);
    if (isObject(obj.metadata)) pruned.push(...pruneUnknownFields(obj.metadata, OBJECT_META).map((p) => `metadata.${p}`));
  }
  return pruned;
}

function pruneValue(v: unknown, s: JSONSchema, path: string, pruned: string[]): void {
  const r = resolve(s);
  if (isObject(v)) pruneObject(v, r, path, pruned, false);
  else if (Array.isArray(v) && r.items) {
    for (let i = 0; i < v.length; i++) {
      if (v[i] === null && dropNull(resolve(r.items))) continue;
      pruneValue(v[i], r.items, `${path}[${i}]`, pruned);
    }
  }
}

function dropNull(s: JSONSchema): boolean {
  return !s.nullable && s.default === undefined && !(preserves(s) && !s.type);
}

function pruneObject(v: Record<string, unknown>, schema: JSONSchema, path: string, pruned: string[], root: boolean): void {
  const s = resolve(schema);
  const embedded = s['x-kubernetes-embedded-resource'] === true;
  const props = s.properties;
  const additional = typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined;
  for (const key of Object.keys(v)) {
    const childPath = path ? `${path}.${key}` : key;
    if ((root || embedded) && ROOT_KEPT.has(key)) {
      // Held to ObjectMeta, not to the CRD schema (which may only constrain name/generateName).
      if (embedded && key === 'metadata' && isObject(v.metadata)) {
        pruned.push(...pruneUnknownFields(v.metadata, OBJECT_META).map((p) => `${childPath}.${p}`));
      }
      continue;
    }
    const child = props?.[key] ?? additional;
    if (child) {
      if (v[key] === null && dropNull(resolve(child))) {
        delete v[key];
        continue;
      }
      pruneValue(v[key], child, childPath, pruned);
      continue;
    }
    if (preserves(s) || s.additionalProperties === true) continue;
    pruned.push(childPath);
    delete v[key];
  }
}

/**
 * Applies `default` values of a structural schema to missing fields (and to null fields that are
 * not nullable), as the CRD handler's defaulting does. Mutates `obj`.
 */
export function defaultCustomResource(obj: unknown, schema: JSONSchema): void {
  const s = resolve(schema);
  if (isObject(obj)) {
    for (const [key, ps] of Object.entries(s.properties ?? {})) {
      const p = resolve(ps);
      if (p.default !== undefined && (obj[key] === undefined || (obj[key] === null && !p.nullable))) obj[key] = structuredClone(p.default);
      if (obj[key] !== undefined) defaultCustomResource(obj[key], ps);
    }
    if (typeof s.additionalProperties === 'object') {
      for (const key of Object.keys(obj)) if (!s.properties?.[key]) defaultCustomResource(obj[key], s.additionalProperties);
    }
  } else if (Array.isArray(obj) && s.items) {
    for (const item of obj) defaultCustomResource(item, s.items);
  }
}

/**
 * Validates a custom resource against its CRD's structural openAPIV3Schema, as kube-openapi's
 * validator and apiextensions' error conversion report it, e.g.
 * `{type:'FieldValueTypeInvalid', field:'spec.replicas', value:'string',
 *   detail:'spec.replicas in body must be of type integer: "string"'}`
 * which prints as `spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"`.
 * Covers type (with nullable and x-kubernetes-int-or-string), required, enum, minimum/maximum
 * (exclusive too), multipleOf, minLength/maxLength, pattern, common string formats, minItems/maxItems,
 * uniqueItems, min/maxProperties, items, properties, additionalProperties, allOf/anyOf/oneOf/not and
 * x-kubernetes-embedded-resource. CEL rules (x-kubernetes-validations) are not evaluated.
 */
export function validateCustomResource(obj: unknown, schema: JSONSchema): FieldError[] {
  const errs: FieldError[] = [];
  validateValue(obj, schema, '', errs);
  return errs;
}

function dataType(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  if (Array.isArray(v)) return 'array';
  return 'object';
}

/** Go's %v of a float64 limit. */
function goFloat(n: number): string {
  return String(n);
}

function childPath(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function typeNames(s: JSONSchema): string[] {
  if (s['x-kubernetes-int-or-string'] && !s.type) return ['integer', 'string'];
  return s.type ? [s.type] : [];
}

function typeMatches(types: string[], v: unknown): boolean {
  const t = dataType(v);
  if (types.includes(t)) return true;
  if (t === 'integer' && types.includes('number')) return true;
  return false;
}

function validateValue(v: unknown, schema: JSONSchema, path: string, errs: FieldError[]): void {
  const s = resolve(schema);
  const name = path;
  const types = typeNames(s);

  if (v === null || v === undefined) {
    if (!s.nullable && types.length) {
      errs.push({ type: 'FieldValueTypeInvalid', field: name, value: 'null', detail: `${name} in body must be of type ${types.join(',')}: "null"` });
    }
    if (s.enum && !s.enum.some((e) => e === null)) enumError(v, s, name, errs);
    return;
  }
  if (types.length && !typeMatches(types, v)) {
    const t = dataType(v);
    errs.push({ type: 'FieldValueTypeInvalid', field: name, value: t, detail: `${name} in body must be of type ${types.join(',')}: "${t}"` });
    return;
  }

  // allOf / anyOf / oneOf / not
  for (const sub of s.allOf ?? []) validateValue(v, sub, path, errs);
  if (s.anyOf?.length) {
    const results = s.anyOf.map((sub) => subErrors(v, sub, path));
    if (!results.some((r) => r.length === 0)) {
      errs.push({ type: 'FieldValueInvalid', field: name, value: v, detail: `${name || '.'} must validate at least one schema (anyOf)` });
      errs.push(...results[0]);
    }
  }
  if (s.oneOf?.length) {
    const results = s.oneOf.map((sub) => subErrors(v, sub, path));
    const valid = results.filter((r) => r.length === 0).length;
    if (valid !== 1) {
      const why = valid === 0 ? 'Found none valid' : `Found ${valid} valid alternatives`;
      errs.push({ type: 'FieldValueInvalid', field: name, value: v, detail: `${name || '.'} must validate one and only one schema (oneOf). ${why}` });
      if (valid === 0) errs.push(...results[0]);
    }
  }
  if (s.not && subErrors(v, s.not, path).length === 0) {
    errs.push({ type: 'FieldValueInvalid', field: name, value: v, detail: `${name || '.'} must not validate the schema (not)` });
  }

  if (typeof v === 'string') {
    const len = [...v].length;
    if (s.maxLength !== undefined && len > s.maxLength) {
      errs.push({ type: 'FieldValueTooLong', field: name, value: v, detail: `may not be more than ${s.maxLength} ${s.maxLength === 1 ? 'byte' : 'bytes'}` });
    }
    if (s.minLength !== undefined && len < s.minLength) {
      errs.push({ type: 'FieldValueInvalid', field: name, value: v, detail: `${name} in body should be at least ${s.minLength} chars long` });
    }
    if (s.pattern !== undefined && !patternMatches(s.pattern, v)) {
      errs.push({ type: 'FieldValueInvalid', field: name, value: v, detail: `${name} in body should match '${s.pattern}'` });
    }
    if (s.format && !formatOK(s.format, v)) {
      errs.push({ type: 'FieldValueTypeInvalid', field: name, value: v, detail: `${name} in body must be of type ${s.format}: ${JSON.stringify(v)}` });
    }
  }

  if (s.enum && !s.enum.some((e) => deepEqual(e, v))) enumError(v, s, name, errs);

  if (Array.isArray(v)) {
    if (s.items) for (let i = 0; i < v.length; i++) validateValue(v[i], s.items, `${path}[${i}]`, errs);
    if (s.minItems !== undefined && v.length < s.minItems) {
      errs.push({ type: 'FieldValueInvalid', field: name, value: v, detail: `${name} in body should have at least ${s.minItems} items` });
    }
    if (s.maxItems !== undefined && v.length > s.maxItems) {
      errs.push({ type: 'FieldValueTooMany', field: name, value: v.length, detail: `must have at most ${s.maxItems} items` });
    }
    if (s.uniqueItems && v.some((a, i) => v.findIndex((b) => deepEqual(a, b)) !== i)) {
      errs.push({ type: 'FieldValueDuplicate', field: name, value: v, detail: `${name} in body shouldn't contain duplicates` });
    }
  }

  if (typeof v === 'number') {
    if (s.multipleOf !== undefined && s.multipleOf > 0 && !isMultiple(v, s.multipleOf)) {
      errs.push({ type: 'FieldValueInvalid', field: name, value: v, detail: `${name} in body should be a multiple of ${goFloat(s.multipleOf)}` });
    }
    if (s.maximum !== undefined && (s.exclusiveMaximum ? v >= s.maximum : v > s.maximum)) {
      const rel = s.exclusiveMaximum ? 'less than' : 'less than or equal to';
      errs.push({ type: 'FieldValueInvalid', field: name, value: v, detail: `${name} in body should be ${rel} ${goFloat(s.maximum)}` });
    }
    if (s.minimum !== undefined && (s.exclusiveMinimum ? v <= s.minimum : v < s.minimum)) {
      const rel = s.exclusiveMinimum ? 'greater than' : 'greater than or equal to';
      errs.push({ type: 'FieldValueInvalid', field: name, value: v, detail: `${name} in body should be ${rel} ${goFloat(s.minimum)}` });
    }
  }

  if (isObject(v)) {
    const n = Object.keys(v).length;
    if (s.maxProperties !== undefined && n > s.maxProperties) {
      errs.push({ type: 'FieldValueTooMany', field: name, value: n, detail: `must have at most ${s.maxProperties} items` });
    }
    if (s.minProperties !== undefined && n < s.minProperties) {
      errs.push({ type: 'FieldValueInvalid', field: name, value: v, detail: `${name} in body should have at least ${s.minProperties} properties` });
    }
    for (const k of s.required ?? []) {
      if (!(k in v)) errs.push({ type: 'FieldValueRequired', field: childPath(path, k), detail: '' });
    }
    const props = s.properties ?? {};
    for (const k of Object.keys(props).sort()) {
      if (k in v) validateValue(v[k], props[k], childPath(path, k), errs);
    }
    if (typeof s.additionalProperties === 'object') {
      for (const k of Object.keys(v)) if (!(k in props)) validateValue(v[k], s.additionalProperties, childPath(path, k), errs);
    } else if (s.additionalProperties === false) {
      for (const k of Object.keys(v)) {
        if (!(k in props)) errs.push({ type: 'FieldValueInvalid', field: name, value: k, detail: `${name}.${k} in body is a forbidden property` });
      }
    }
    if (s['x-kubernetes-embedded-resource']) {
      if (typeof v.apiVersion !== 'string' || v.apiVersion === '') {
        errs.push({ type: 'FieldValueRequired', field: childPath(path, 'apiVersion'), detail: 'must not be empty' });
      }
      if (typeof v.kind !== 'string' || v.kind === '') errs.push({ type: 'FieldValueRequired', field: childPath(path, 'kind'), detail: 'must not be empty' });
    }
  }
}

function subErrors(v: unknown, s: JSONSchema, path: string): FieldError[] {
  const e: FieldError[] = [];
  validateValue(v, s, path, e);
  return e;
}

function enumError(v: unknown, s: JSONSchema, name: string, errs: FieldError[]): void {
  const values = (s.enum ?? []).map((e) => (typeof e === 'string' ? e : JSON.stringify(e)));
  errs.push({
    type: 'FieldValueNotSupported',
    field: name,
    value: v,
    detail: `supported values: ${values.map((x) => JSON.stringify(x)).join(', ')}`,
  });
}

function isMultiple(v: number, m: number): boolean {
  const q = v / m;
  return Math.abs(q - Math.round(q)) < 1e-9;
}

const patternCache = new Map<string, RegExp | null>();
function patternMatches(pattern: string, v: string): boolean {
  let re = patternCache.get(pattern);
  if (re === undefined) {
    try {
      re = new RegExp(pattern, 'u');
    } catch {
      re = null;
    }
    patternCache.set(pattern, re);
  }
  return re ? re.test(v) : true;
}

/** The string formats kube-openapi checks most often; unknown formats pass. */
function formatOK(format: string, v: string): boolean {
  switch (format) {
    case 'date-time':
    case 'datetime':
      return /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(v);
    case 'date':
      return /^\d{4}-\d{2}-\d{2}$/.test(v);
    case 'byte':
      return base64Error(v) === undefined;
    case 'uuid':
      return /^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$/.test(v);
    case 'ipv4':
      return /^((25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(25[0-5]|2[0-4]\d|1?\d?\d)$/.test(v);
    case 'ipv6':
      return v.includes(':') && /^[0-9a-fA-F:.]+$/.test(v);
    case 'cidr': {
      const [ip, bits, extra] = v.split('/');
      if (extra !== undefined || bits === undefined || !/^\d+$/.test(bits)) return false;
      return formatOK('ipv4', ip) ? Number(bits) <= 32 : formatOK('ipv6', ip) && Number(bits) <= 128;
    }
    case 'hostname':
      return v.length <= 255 && /^[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?)*$/.test(v);
    default:
      return true;
  }
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => deepEqual(x, bb[i]));
  }
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  return ka.length === kb.length && ka.every((k) => deepEqual((a as any)[k], (b as any)[k]));
}
