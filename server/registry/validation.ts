/**
 * Shared validators, with the messages of apimachinery's util/validation and api/validation
 * packages, plus label selectors: the structured (metav1.LabelSelector) form and the string form
 * of `?labelSelector=` as labels.Parse reads it.
 */
import { field } from '../apiserver/errors.js';
import type { FieldError, ObjectMeta } from './types.js';

// ---- rendering bad values as Go's %#v --------------------------------------------------------

/**
 * A value shown in a field error the way Go prints it (`map[string]string{"app":"x"}`,
 * `[]string{"10.96.0.10"}`). It serialises to the plain value (JSON.stringify) and carries the
 * Go rendering in `goString` for a renderer that knows it.
 */
export class GoValue {
  constructor(
    public readonly value: unknown,
    public readonly goString: string,
  ) {}
  toJSON(): unknown {
    return this.value;
  }
  toString(): string {
    return this.goString;
  }
}

function goQuote(s: string): string {
  return JSON.stringify(s);
}

export function goStringMap(m: Record<string, string> | undefined): GoValue {
  const v = m ?? {};
  const keys = Object.keys(v).sort();
  return new GoValue(v, `map[string]string{${keys.map((k) => `${goQuote(k)}:${goQuote(v[k])}`).join(', ')}}`);
}

export function goStringSlice(a: string[] | undefined): GoValue {
  const v = a ?? [];
  return new GoValue(v, `[]string{${v.map(goQuote).join(', ')}}`);
}

// ---- message helpers (util/validation) -------------------------------------------------------

export function emptyError(): string {
  return 'must be non-empty';
}

export function maxLenError(n: number): string {
  return `must be no more than ${n} characters`;
}

export function regexError(msg: string, fmt: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${fmt}')`;
  // upstream joins "'x', " pieces with " or ", hence the double space: (e.g. 'my-name',  or '123-abc', ...)
  return `${msg} (e.g. ${examples.map((e) => `'${e}', `).join(' or ')}regex used for validation is '${fmt}')`;
}

export function inclusiveRangeError(lo: number, hi: number): string {
  return `must be between ${lo} and ${hi}, inclusive`;
}

const DNS1123_LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_LABEL_MSG = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
const DNS1123_LABEL_RE = new RegExp(`^${DNS1123_LABEL_FMT}$`);
export const DNS1123_LABEL_MAX = 63;

const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*`;
const DNS1123_SUBDOMAIN_MSG = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
const DNS1123_SUBDOMAIN_RE = new RegExp(`^${DNS1123_SUBDOMAIN_FMT}$`);
export const DNS1123_SUBDOMAIN_MAX = 253;

const DNS1035_LABEL_FMT = '[a-z]([-a-z0-9]*[a-z0-9])?';
const DNS1035_LABEL_MSG = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character";
const DNS1035_LABEL_RE = new RegExp(`^${DNS1035_LABEL_FMT}$`);

const QUALIFIED_NAME_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const QUALIFIED_NAME_MSG = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const QUALIFIED_NAME_RE = new RegExp(`^${QUALIFIED_NAME_FMT}$`);
const QUALIFIED_NAME_MAX = 63;

const LABEL_VALUE_FMT = `(${QUALIFIED_NAME_FMT})?`;
const LABEL_VALUE_MSG = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const LABEL_VALUE_RE = new RegExp(`^${LABEL_VALUE_FMT}$`);
export const LABEL_VALUE_MAX = 63;

const C_IDENTIFIER_FMT = '[A-Za-z_][A-Za-z0-9_]*';
const C_IDENTIFIER_MSG = "a valid C identifier must start with alphabetic character or '_', followed by a string of alphanumeric characters or '_'";
const C_IDENTIFIER_RE = new RegExp(`^${C_IDENTIFIER_FMT}$`);

const CONFIG_MAP_KEY_FMT = '[-._a-zA-Z0-9]+';
const CONFIG_MAP_KEY_MSG = "a valid config key must consist of alphanumeric characters, '-', '_' or '.'";
const CONFIG_MAP_KEY_RE = new RegExp(`^${CONFIG_MAP_KEY_FMT}$`);

export const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

/** IsDNS1123Label */
export function isDNS1123Label(value: string): string[] {
  const errs: string[] = [];
  if (value.length > DNS1123_LABEL_MAX) errs.push(maxLenError(DNS1123_LABEL_MAX));
  if (!DNS1123_LABEL_RE.test(value)) errs.push(regexError(DNS1123_LABEL_MSG, DNS1123_LABEL_FMT, 'my-name', '123-abc'));
  return errs;
}

/** IsDNS1123Subdomain */
export function isDNS1123Subdomain(value: string): string[] {
  const errs: string[] = [];
  if (value.length > DNS1123_SUBDOMAIN_MAX) errs.push(maxLenError(DNS1123_SUBDOMAIN_MAX));
  if (!DNS1123_SUBDOMAIN_RE.test(value)) errs.push(regexError(DNS1123_SUBDOMAIN_MSG, DNS1123_SUBDOMAIN_FMT, 'example.com'));
  return errs;
}

/** IsDNS1035Label */
export function isDNS1035Label(value: string): string[] {
  const errs: string[] = [];
  if (value.length > DNS1123_LABEL_MAX) errs.push(maxLenError(DNS1123_LABEL_MAX));
  if (!DNS1035_LABEL_RE.test(value)) errs.push(regexError(DNS1035_LABEL_MSG, DNS1035_LABEL_FMT, 'my-name', 'abc-123'));
  return errs;
}

/** IsQualifiedName: an optional DNS subdomain prefix and a name part. */
export function isQualifiedName(value: string): string[] {
  const errs: string[] = [];
  const parts = value.split('/');
  let name: string;
  if (parts.length === 1) {
    name = parts[0];
  } else if (parts.length === 2) {
    const prefix = parts[0];
    name = parts[1];
    if (prefix.length === 0) errs.push('prefix part ' + emptyError());
    else for (const m of isDNS1123Subdomain(prefix)) errs.push('prefix part ' + m);
  } else {
    return [
      'a qualified name ' +
        regexError(QUALIFIED_NAME_MSG, QUALIFIED_NAME_FMT, 'MyName', 'my.name', '123-abc') +
        " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ];
  }
  if (name.length === 0) errs.push('name part ' + emptyError());
  else if (name.length > QUALIFIED_NAME_MAX) errs.push('name part ' + maxLenError(QUALIFIED_NAME_MAX));
  if (!QUALIFIED_NAME_RE.test(name)) errs.push('name part ' + regexError(QUALIFIED_NAME_MSG, QUALIFIED_NAME_FMT, 'MyName', 'my.name', '123-abc'));
  return errs;
}

/** IsValidLabelValue */
export function isValidLabelValue(value: string): string[] {
  const errs: string[] = [];
  if (value.length > LABEL_VALUE_MAX) errs.push(maxLenError(LABEL_VALUE_MAX));
  if (!LABEL_VALUE_RE.test(value)) errs.push(regexError(LABEL_VALUE_MSG, LABEL_VALUE_FMT, 'MyValue', 'my_value', '12345'));
  return errs;
}

/** IsCIdentifier */
export function isCIdentifier(value: string): string[] {
  return C_IDENTIFIER_RE.test(value) ? [] : [regexError(C_IDENTIFIER_MSG, C_IDENTIFIER_FMT, 'my_name', 'MY_NAME', 'MyName')];
}

function hasChDirPrefix(value: string): string[] {
  if (value === '.') return [`must not be '.'`];
  if (value === '..') return [`must not be '..'`];
  if (value.startsWith('..')) return [`must not start with '..'`];
  return [];
}

/** IsConfigMapKey: keys of ConfigMap/Secret data. */
export function isConfigMapKey(value: string): string[] {
  const errs: string[] = [];
  if (value.length > DNS1123_SUBDOMAIN_MAX) errs.push(maxLenError(DNS1123_SUBDOMAIN_MAX));
  if (!CONFIG_MAP_KEY_RE.test(value)) errs.push(regexError(CONFIG_MAP_KEY_MSG, CONFIG_MAP_KEY_FMT, 'key.name', 'KEY_NAME', 'key-name'));
  errs.push(...hasChDirPrefix(value));
  return errs;
}

/**
 * IsRelaxedEnvVarName (RelaxedEnvironmentVariableValidation is on by default in v1.33):
 * printable ASCII other than '='.
 */
export function isEnvVarName(value: string): string[] {
  const errs: string[] = [];
  if (value.length === 0) errs.push('environment variable name ' + emptyError());
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 32 || c > 126 || value[i] === '=') {
      errs.push("a valid environment variable name must consist only of printable ASCII characters other than '='");
      break;
    }
  }
  return errs;
}

/** IsValidPortNum */
export function isValidPortNum(port: number): string[] {
  return Number.isInteger(port) && port >= 1 && port <= 65535 ? [] : [inclusiveRangeError(1, 65535)];
}

/** IsValidPortName (IANA_SVC_NAME) */
export function isValidPortName(port: string): string[] {
  const errs: string[] = [];
  if (port.length > 15) errs.push(maxLenError(15));
  if (!/^[-a-z0-9]+$/.test(port)) errs.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  if (!/[a-z]/.test(port)) errs.push('must contain at least one letter (a-z)');
  if (port.includes('--')) errs.push('must not contain consecutive hyphens');
  if (port.length > 0 && (port[0] === '-' || port[port.length - 1] === '-')) errs.push('must not begin or end with a hyphen');
  return errs;
}

/** IsValidIP (v1.33 still accepts legacy leading-zero IPv4 on existing objects; new ones are strict). */
export function isValidIP(value: string): string[] {
  if (parseIPv4(value) !== undefined || isIPv6(value)) return [];
  return ['must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'];
}

export function parseIPv4(value: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(value);
  if (!m) return undefined;
  let n = 0;
  for (let i = 1; i <= 4; i++) {
    const part = m[i];
    if (part.length > 1 && part[0] === '0') return undefined;
    const v = Number(part);
    if (v > 255) return undefined;
    n = n * 256 + v;
  }
  return n;
}

export function formatIPv4(n: number): string {
  return [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export function isIPv6(value: string): boolean {
  if (!value.includes(':')) return false;
  if (!/^[0-9a-fA-F:.]+$/.test(value)) return false;
  const dbl = value.split('::');
  if (dbl.length > 2) return false;
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  const head = groups(dbl[0]);
  const tail = dbl.length === 2 ? groups(dbl[1]) : [];
  const all = [...head, ...tail];
  let count = 0;
  for (let i = 0; i < all.length; i++) {
    const g = all[i];
    if (i === all.length - 1 && g.includes('.')) {
      if (parseIPv4(g) === undefined) return false;
      count += 2;
      continue;
    }
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return false;
    count++;
  }
  return dbl.length === 2 ? count < 8 : count === 8;
}

// ---- name validators (ValidateNameFunc) ------------------------------------------------------

/** A ValidateNameFunc: `prefix` is true for generateName, whose trailing dash is allowed. */
export type NameValidator = (name: string, prefix: boolean) => string[];

function maskTrailingDash(name: string): string {
  return name.length > 1 && name.endsWith('-') ? name.slice(0, -1) + 'a' : name;
}

export const nameIsDNSSubdomain: NameValidator = (name, prefix) => isDNS1123Subdomain(prefix ? maskTrailingDash(name) : name);
export const nameIsDNSLabel: NameValidator = (name, prefix) => isDNS1123Label(prefix ? maskTrailingDash(name) : name);
export const nameIsDNS1035Label: NameValidator = (name, prefix) => isDNS1035Label(prefix ? maskTrailingDash(name) : name);

/** path.ValidatePathSegmentName: names that are safe in a URL path (Node, ConfigMap key-ish kinds). */
export const nameIsPathSegment: NameValidator = (name, prefix) => {
  if (!prefix) {
    if (name === '.' || name === '..') return [`may not be '${name}'`];
  }
  for (const bad of ['/', '%']) if (name.includes(bad)) return [`may not contain '${bad}'`];
  return [];
};

// ---- metadata ------------------------------------------------------------------------------

/** ValidateLabelName */
export function validateLabelName(name: string, path: string): FieldError[] {
  return isQualifiedName(name).map((m) => field.invalid(path, name, m));
}

/** ValidateLabels: errors name the labels map, not the key. */
export function validateLabels(labels: Record<string, string> | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    errs.push(...validateLabelName(k, path));
    if (typeof v !== 'string') {
      errs.push(field.invalid(path, v, 'label values must be strings'));
      continue;
    }
    for (const m of isValidLabelValue(v)) errs.push(field.invalid(path, v, m));
  }
  return errs;
}

/** ValidateAnnotations: qualified (lower-cased) keys, 256 KiB in total. */
export function validateAnnotations(annotations: Record<string, string> | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let total = 0;
  for (const [k, v] of Object.entries(annotations ?? {})) {
    for (const m of isQualifiedName(k.toLowerCase())) errs.push(field.invalid(path, k, m));
    total += Buffer.byteLength(k) + Buffer.byteLength(String(v ?? ''));
  }
  if (total > TOTAL_ANNOTATION_SIZE_LIMIT) errs.push(field.tooLong(path, TOTAL_ANNOTATION_SIZE_LIMIT));
  return errs;
}

function validateOwnerReferences(refs: ObjectMeta['ownerReferences'], path: string): FieldError[] {
  const errs: FieldError[] = [];
  const controllers: string[] = [];
  (refs ?? []).forEach((r, i) => {
    const p = `${path}[${i}]`;
    const version = typeof r.apiVersion === 'string' ? r.apiVersion.split('/').pop() ?? '' : '';
    if (!version) errs.push(field.invalid(`${p}.apiVersion`, version, 'version must not be empty'));
    if (!r.kind) errs.push(field.invalid(`${p}.kind`, r.kind ?? '', 'kind must not be empty'));
    if (!r.name) errs.push(field.invalid(`${p}.name`, r.name ?? '', 'name must not be empty'));
    if (!r.uid) errs.push(field.invalid(`${p}.uid`, r.uid ?? '', 'uid must not be empty'));
    if (r.controller) controllers.push(r.name);
  });
  if (controllers.length > 1) {
    errs.push(
      field.invalid(path, refs, `Only one reference can have Controller set to true. Found "true" in references for ${controllers.map((n) => `${n}`).join(' and ')}`),
    );
  }
  return errs;
}

/** ValidateFinalizerName (apimachinery part). */
export function validateFinalizerName(name: string, path: string): FieldError[] {
  return isQualifiedName(name).map((m) => field.invalid(path, name, m));
}

function validateFinalizers(finalizers: string[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of finalizers ?? []) errs.push(...validateFinalizerName(f, path));
  const list = finalizers ?? [];
  if (list.includes('orphan') && list.includes('foregroundDeletion')) {
    errs.push(field.invalid(path, goStringSlice(list), 'finalizer orphan and foregroundDeletion cannot be both set'));
  }
  return errs;
}

/** ValidateNamespaceName */
export const validateNamespaceName: NameValidator = nameIsDNSLabel;

/**
 * ValidateObjectMeta: name (or generateName) through `nameValidator`, namespace presence per
 * scope, labels, annotations, owner references and finalizers.
 */
export function validateObjectMeta(meta: ObjectMeta | undefined, namespaced: boolean, nameValidator: NameValidator, path = 'metadata'): FieldError[] {
  const errs: FieldError[] = [];
  const m = meta ?? {};
  if (m.generateName) {
    for (const msg of nameValidator(m.generateName, true)) errs.push(field.invalid(`${path}.generateName`, m.generateName, msg));
  }
  if (!m.name) errs.push(field.required(`${path}.name`, 'name or generateName is required'));
  else for (const msg of nameValidator(m.name, false)) errs.push(field.invalid(`${path}.name`, m.name, msg));
  if (namespaced) {
    if (!m.namespace) errs.push(field.required(`${path}.namespace`, ''));
    else for (const msg of validateNamespaceName(m.namespace, false)) errs.push(field.invalid(`${path}.namespace`, m.namespace, msg));
  } else if (m.namespace) {
    errs.push(field.forbidden(`${path}.namespace`, 'not allowed on this type'));
  }
  if (m.generation !== undefined && m.generation < 0) errs.push(field.invalid(`${path}.generation`, m.generation, 'must be greater than or equal to 0'));
  errs.push(...validateLabels(m.labels, `${path}.labels`));
  errs.push(...validateAnnotations(m.annotations, `${path}.annotations`));
  errs.push(...validateOwnerReferences(m.ownerReferences, `${path}.ownerReferences`));
  errs.push(...validateFinalizers(m.finalizers, `${path}.finalizers`));
  return errs;
}

const STANDARD_FINALIZERS = ['kubernetes', 'orphan', 'foregroundDeletion'];

/** validateKubeFinalizerName: an unqualified finalizer must be one of the standard ones. */
export function validateKubeFinalizers(finalizers: string[] | undefined, path = 'metadata.finalizers'): FieldError[] {
  const errs: FieldError[] = [];
  (finalizers ?? []).forEach((f, i) => {
    if (typeof f === 'string' && !f.includes('/') && !STANDARD_FINALIZERS.includes(f)) {
      errs.push(field.invalid(`${path}[${i}]`, f, 'name is neither a standard finalizer name nor is it fully qualified'));
    }
  });
  return errs;
}

/**
 * The ValidateObjectMeta of pkg/apis/core/validation (used by core, apps, batch, ...): the
 * apimachinery rules plus the standard-finalizer check.
 */
export function validateCoreObjectMeta(meta: ObjectMeta | undefined, namespaced: boolean, nameValidator: NameValidator, path = 'metadata'): FieldError[] {
  return [...validateObjectMeta(meta, namespaced, nameValidator, path), ...validateKubeFinalizers(meta?.finalizers, `${path}.finalizers`)];
}

/** ValidateObjectMetaUpdate: what may not change once stored. */
export function validateObjectMetaUpdate(meta: ObjectMeta, old: ObjectMeta, path = 'metadata'): FieldError[] {
  const errs: FieldError[] = [];
  if (old.deletionTimestamp && meta.finalizers) {
    const oldSet = new Set(old.finalizers ?? []);
    const added = meta.finalizers.filter((f) => !oldSet.has(f));
    if (added.length) {
      errs.push(field.forbidden(`${path}.finalizers`, `no new finalizers can be added if the object is being deleted, found new finalizers ${goStringSlice(added).goString}`));
    }
  }
  return errs;
}

/** Validates a metadata block embedded in another object (pod templates). */
export function validateTemplateMeta(meta: ObjectMeta | undefined, path: string): FieldError[] {
  const m = meta ?? {};
  return [...validateLabels(m.labels, `${path}.labels`), ...validateAnnotations(m.annotations, `${path}.annotations`)];
}

// ---- label selectors -----------------------------------------------------------------------

export interface LabelSelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

export type LabelMatcher = (labels: Record<string, string>) => boolean;

interface Requirement {
  key: string;
  op: 'in' | 'notin' | 'exists' | '!' | '=' | '==' | '!=' | 'gt' | 'lt';
  values: string[];
}

function matchRequirement(r: Requirement, labels: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const v = has ? labels[r.key] : undefined;
  switch (r.op) {
    case 'in':
    case '=':
    case '==':
      return has && r.values.includes(v as string);
    case 'notin':
    case '!=':
      return !has || !r.values.includes(v as string);
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt':
    case 'lt': {
      if (!has || !/^-?\d+$/.test(v as string)) return false;
      const lv = Number(v);
      const rv = Number(r.values[0]);
      return r.op === 'gt' ? lv > rv : lv < rv;
    }
  }
}

/** ValidateLabelSelector (metav1validation), with AllowInvalidLabelValueInSelector off. */
export function validateLabelSelector(sel: LabelSelector | undefined | null, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!sel) return errs;
  errs.push(...validateLabels(sel.matchLabels, `${path}.matchLabels`));
  (sel.matchExpressions ?? []).forEach((e, i) => {
    const p = `${path}.matchExpressions[${i}]`;
    const values = e.values ?? [];
    switch (e.operator) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) errs.push(field.required(`${p}.values`, 'must be specified when `operator` is \'In\' or \'NotIn\''));
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0) errs.push(field.forbidden(`${p}.values`, 'may not be specified when `operator` is \'Exists\' or \'DoesNotExist\''));
        break;
      default:
        errs.push(field.invalid(`${p}.operator`, e.operator, 'not a valid selector operator'));
    }
    errs.push(...validateLabelName(e.key ?? '', `${p}.key`));
    values.forEach((v, j) => {
      for (const m of isValidLabelValue(v)) errs.push(field.invalid(`${p}.values[${j}]`, v, m));
    });
  });
  return errs;
}

/**
 * metav1.LabelSelectorAsSelector as a matcher. `null`/undefined selects nothing; an empty
 * selector selects everything (upstream's semantics).
 */
export function labelSelectorMatcher(sel: LabelSelector | undefined | null): LabelMatcher {
  if (!sel) return () => false;
  const reqs: Requirement[] = [];
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) reqs.push({ key: k, op: '=', values: [v] });
  for (const e of sel.matchExpressions ?? []) {
    const op = ({ In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!' } as const)[e.operator as 'In'];
    if (!op) return () => false;
    reqs.push({ key: e.key, op, values: e.values ?? [] });
  }
  return (labels) => reqs.every((r) => matchRequirement(r, labels ?? {}));
}

/** Whether a structured label selector selects `labels` (nil selects nothing, {} everything). */
export function selectorMatches(sel: LabelSelector | undefined | null, labels: Record<string, string> | undefined): boolean {
  return labelSelectorMatcher(sel)(labels ?? {});
}

/** Whether a selector is empty (selects everything), as metav1 LabelSelector with no terms. */
export function selectorIsEmpty(sel: LabelSelector | undefined | null): boolean {
  return !!sel && Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0;
}

/**
 * The string form of a structured selector, as metav1.FormatLabelSelector prints it
 * (`app=x,tier in (a,b)`); `<none>` for an empty one, `<error>` for an invalid one.
 */
export function formatLabelSelector(sel: LabelSelector | undefined | null): string {
  if (!sel) return '<none>';
  const parts: string[] = [];
  const reqs: { key: string; text: string }[] = [];
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) reqs.push({ key: k, text: `${k}=${v}` });
  for (const e of sel.matchExpressions ?? []) {
    const vals = [...(e.values ?? [])].sort();
    switch (e.operator) {
      case 'In':
        reqs.push({ key: e.key, text: `${e.key} in (${vals.join(',')})` });
        break;
      case 'NotIn':
        reqs.push({ key: e.key, text: `${e.key} notin (${vals.join(',')})` });
        break;
      case 'Exists':
        reqs.push({ key: e.key, text: e.key });
        break;
      case 'DoesNotExist':
        reqs.push({ key: e.key, text: `!${e.key}` });
        break;
      default:
        return '<error>';
    }
  }
  // labels.Selector sorts its requirements by key (stable).
  reqs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const r of reqs) parts.push(r.text);
  const s = parts.join(',');
  return s === '' ? '<none>' : s;
}

/** labels.Set(m).String(): `k=v` pairs sorted by key, comma-joined. */
export function formatLabelSet(m: Record<string, string> | undefined): string {
  return Object.keys(m ?? {})
    .sort()
    .map((k) => `${k}=${m![k]}`)
    .join(',');
}

// ---- the string selector language (labels.Parse) ---------------------------------------------

type TokenKind =
  | 'error'
  | 'eos'
  | 'closedPar'
  | 'comma'
  | 'doesNotExist'
  | 'doubleEquals'
  | 'equals'
  | 'gt'
  | 'identifier'
  | 'in'
  | 'lt'
  | 'notEquals'
  | 'notIn'
  | 'openPar';

interface Token {
  kind: TokenKind;
  lit: string;
}

const SPECIAL_SYMBOLS: Record<string, TokenKind> = {
  '!': 'doesNotExist',
  '!=': 'notEquals',
  '(': 'openPar',
  ')': 'closedPar',
  ',': 'comma',
  '=': 'equals',
  '==': 'doubleEquals',
  '>': 'gt',
  '<': 'lt',
};

const STRING_TO_KEYWORD: Record<string, TokenKind> = { in: 'in', notin: 'notIn' };

function isWhitespace(ch: string): boolean {
  return ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';
}

function isSpecialSymbol(ch: string): boolean {
  return '=!(),><'.includes(ch);
}

/** labels.Lexer */
class Lexer {
  private pos = 0;
  constructor(private s: string) {}

  private read(): string {
    if (this.pos < this.s.length) return this.s[this.pos++];
    this.pos++;
    return '\0';
  }

  private unread(): void {
    this.pos--;
  }

  private scanIDOrKeyword(): Token {
    let buf = '';
    for (;;) {
      const ch = this.read();
      if (ch === '\0') break;
      if (isSpecialSymbol(ch) || isWhitespace(ch)) {
        this.unread();
        break;
      }
      buf += ch;
    }
    const kw = STRING_TO_KEYWORD[buf];
    return kw ? { kind: kw, lit: buf } : { kind: 'identifier', lit: buf };
  }

  private scanSpecialSymbol(): Token {
    let last: Token | undefined;
    let buf = '';
    for (;;) {
      const ch = this.read();
      if (ch === '\0') break;
      if (isSpecialSymbol(ch)) {
        buf += ch;
        const tok = SPECIAL_SYMBOLS[buf];
        if (tok) {
          last = { kind: tok, lit: buf };
        } else if (last) {
          this.unread();
          break;
        }
      } else {
        this.unread();
        break;
      }
    }
    if (!last) return { kind: 'error', lit: `error expected: keyword found '${buf}'` };
    return last;
  }

  private skipWhitespace(ch: string): string {
    for (;;) {
      if (!isWhitespace(ch)) return ch;
      ch = this.read();
    }
  }

  lex(): Token {
    const ch = this.skipWhitespace(this.read());
    if (ch === '\0') return { kind: 'eos', lit: '' };
    if (isSpecialSymbol(ch)) {
      this.unread();
      return this.scanSpecialSymbol();
    }
    this.unread();
    return this.scanIDOrKeyword();
  }
}

interface ScannedItem extends Token {}

type ParserContext = 'keyAndOperator' | 'values';

class LabelParseError extends Error {}

/** labels.Parser: a faithful port of the grammar and its error strings. */
class Parser {
  private scanned: ScannedItem[] = [];
  private position = 0;

  constructor(text: string) {
    const l = new Lexer(text);
    for (;;) {
      const t = l.lex();
      this.scanned.push(t);
      if (t.kind === 'eos') break;
    }
  }

  private lookahead(context: ParserContext): Token {
    let { kind, lit } = this.scanned[this.position];
    if (context === 'values' && (kind === 'in' || kind === 'notIn')) kind = 'identifier';
    return { kind, lit };
  }

  private consume(context: ParserContext): Token {
    this.position++;
    let { kind, lit } = this.scanned[this.position - 1];
    if (context === 'values' && (kind === 'in' || kind === 'notIn')) kind = 'identifier';
    return { kind, lit };
  }

  parse(): Requirement[] {
    const reqs: Requirement[] = [];
    for (;;) {
      const { kind, lit } = this.lookahead('values');
      switch (kind) {
        case 'identifier':
        case 'doesNotExist': {
          let r: Requirement;
          try {
            r = this.parseRequirement();
          } catch (e) {
            throw new LabelParseError(`unable to parse requirement: ${(e as Error).message}`);
          }
          reqs.push(r);
          const t = this.consume('values');
          switch (t.kind) {
            case 'eos':
              return reqs;
            case 'comma': {
              const t2 = this.lookahead('values');
              if (t2.kind !== 'identifier' && t2.kind !== 'doesNotExist') {
                throw new LabelParseError(`found '${t2.lit}', expected: identifier after ','`);
              }
              break;
            }
            default:
              throw new LabelParseError(`found '${t.lit}', expected: ',' or 'end of string'`);
          }
          break;
        }
        case 'eos':
          return reqs;
        default:
          throw new LabelParseError(`found '${lit}', expected: !, identifier, or 'end of string'`);
      }
    }
  }

  private parseRequirement(): Requirement {
    const { key, op: maybeOp } = this.parseKeyAndInferOperator();
    if (maybeOp === 'exists' || maybeOp === '!') return newRequirement(key, maybeOp, []);
    const op = this.parseOperator();
    let values: string[];
    switch (op) {
      case 'in':
      case 'notin':
        values = this.parseValues();
        break;
      default:
        values = this.parseExactValue();
    }
    return newRequirement(key, op, values);
  }

  private parseKeyAndInferOperator(): { key: string; op?: Requirement['op'] } {
    let op: Requirement['op'] | undefined;
    let t = this.consume('values');
    if (t.kind === 'doesNotExist') {
      op = '!';
      t = this.consume('values');
    }
    if (t.kind !== 'identifier') {
      throw new Error(`found '${t.lit}', expected: identifier`);
    }
    const key = t.lit;
    const errs = isQualifiedName(key);
    // validateLabelKey with the parser's (empty) path: the message starts with ": ".
    if (errs.length) throw new Error(`: Invalid value: ${JSON.stringify(key)}: ${errs.join('; ')}`);
    const next = this.lookahead('values').kind;
    if ((next === 'eos' || next === 'comma') && op !== '!') op = 'exists';
    return { key, op };
  }

  private parseOperator(): Requirement['op'] {
    const t = this.consume('keyAndOperator');
    switch (t.kind) {
      case 'equals':
        return '=';
      case 'doubleEquals':
        return '==';
      case 'gt':
        return 'gt';
      case 'lt':
        return 'lt';
      case 'in':
        return 'in';
      case 'notIn':
        return 'notin';
      case 'notEquals':
        return '!=';
      default:
        throw new Error(`found '${t.lit}', expected: ${OPERATORS_EXPECTED}`);
    }
  }

  private parseValues(): string[] {
    const t = this.consume('values');
    if (t.kind !== 'openPar') throw new Error(`found '${t.lit}' expected: '('`);
    const t2 = this.lookahead('values');
    switch (t2.kind) {
      case 'identifier':
      case 'comma': {
        const set = this.parseIdentifiersList();
        const t3 = this.consume('values');
        // upstream reports the token that followed '(' here
        if (t3.kind !== 'closedPar') throw new Error(`found '${t2.lit}', expected: ')'`);
        return [...new Set(set)].sort();
      }
      case 'closedPar':
        this.consume('values');
        return [''];
      default:
        throw new Error(`found '${t2.lit}', expected: ',', ')' or identifier`);
    }
  }

  private parseIdentifiersList(): string[] {
    const out = new Set<string>();
    for (;;) {
      const t = this.consume('values');
      switch (t.kind) {
        case 'identifier': {
          out.add(t.lit);
          const t2 = this.lookahead('values');
          if (t2.kind === 'closedPar') return [...out];
          if (t2.kind !== 'comma') throw new Error(`found '${t2.lit}', expected: ',' or ')'`);
          break;
        }
        case 'comma': {
          if (out.size === 0) out.add('');
          const t2 = this.lookahead('values');
          if (t2.kind === 'closedPar') {
            out.add('');
            return [...out];
          }
          if (t2.kind === 'comma') {
            this.consume('values');
            out.add('');
          }
          break;
        }
        default:
          throw new Error(`found '${t.lit}', expected: ',', or identifier`);
      }
    }
  }

  private parseExactValue(): string[] {
    const t = this.lookahead('values');
    if (t.kind === 'eos' || t.kind === 'comma') return [''];
    const t2 = this.consume('values');
    if (t2.kind === 'identifier') return [t2.lit];
    throw new Error(`found '${t2.lit}', expected: identifier`);
  }
}

const OPERATORS_EXPECTED = 'in, notin, =, ==, !=, gt, lt';

function aggregate(msgs: string[]): string {
  return msgs.length === 1 ? msgs[0] : `[${msgs.join(', ')}]`;
}

/** labels.NewRequirement's checks, with its field paths (`key`, `values[i]`). */
function newRequirement(key: string, op: Requirement['op'], values: string[]): Requirement {
  const msgs: string[] = [];
  switch (op) {
    case 'in':
    case 'notin':
      if (values.length === 0) msgs.push("values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty");
      break;
    case '=':
    case '==':
    case '!=':
      if (values.length !== 1) msgs.push(`values: Invalid value: ${goStringSlice(values).goString}: exact-match compatibility requires one single value`);
      break;
    case 'exists':
    case '!':
      if (values.length !== 0) msgs.push(`values: Invalid value: ${goStringSlice(values).goString}: values set must be empty for exists and does not exist`);
      break;
    case 'gt':
    case 'lt':
      if (values.length !== 1) msgs.push(`values: Invalid value: ${goStringSlice(values).goString}: for 'Gt', 'Lt' operators, exactly one value is required`);
      values.forEach((v, i) => {
        if (!/^[+-]?\d+$/.test(v) || !Number.isSafeInteger(Number(v))) msgs.push(`values[${i}]: Invalid value: ${JSON.stringify(v)}: for 'Gt', 'Lt' operators, the value must be an integer`);
      });
      break;
  }
  values.forEach((v, i) => {
    const m = isValidLabelValue(v);
    if (m.length) msgs.push(`values[${i}][${key}]: Invalid value: ${JSON.stringify(v)}: ${m.join('; ')}`);
  });
  if (msgs.length) throw new Error(aggregate(msgs));
  return { key, op, values };
}

export type LabelSelectorParse = { ok: true; matches: LabelMatcher } | { ok: false; error: string };

/**
 * Parses the string selector language of `?labelSelector=` (`a=b,c!=d,e in (x,y),!f,g`).
 * Errors are worded as labels.Parse's, whole (e.g. `unable to parse requirement: found '',
 * expected: '('` or `found ',', expected: identifier after ','`).
 */
export function parseLabelSelector(text: string): LabelSelectorParse {
  try {
    const reqs = new Parser(text).parse();
    return { ok: true, matches: (labels) => reqs.every((r) => matchRequirement(r, labels ?? {})) };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}

/** parseLabelSelector for callers that want an exception carrying labels.Parse's message. */
export function compileLabelSelector(text: string): LabelMatcher {
  const r = parseLabelSelector(text);
  if (!r.ok) throw new Error(r.error);
  return r.matches;
}
