/**
 * apiextensions.k8s.io/v1: CustomResourceDefinition (defaulting, the validation of common
 * mistakes with upstream's messages, structural-schema checks) and `crdKindDefs`, which turns an
 * established CRD into the KindDefs of its served versions.
 */
import { field } from '../../apiserver/errors.js';
import type { ColumnDef, FieldError, JSONSchema, KindDef, KubeObject, ScaleSubresource } from '../types.js';
import {
  GoValue,
  goStringSlice,
  isDNS1035Label,
  isDNS1123Subdomain,
  nameIsDNSSubdomain,
  validateObjectMeta,
  validateObjectMetaUpdate,
} from '../validation.js';
import { CREATED_AT_COLUMN, createdAt } from './batch.js';
import { immutable } from './core-common.js';
import { NAME_COLUMN, translateTimestampSince as since } from './printers.js';

type Obj = Record<string, any>;

const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);
const arr = <T = Obj>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);

export const API_APPROVAL_ANNOTATION = 'api-approved.kubernetes.io';

const PRINTER_COLUMN_TYPES = ['boolean', 'date', 'integer', 'number', 'string'];
const PRINTER_COLUMN_FORMATS = ['byte', 'date', 'date-time', 'double', 'float', 'int32', 'int64', 'password'];
const OPENAPI_TYPES = ['array', 'boolean', 'integer', 'number', 'object', 'string'];

// ---- defaulting -----------------------------------------------------------------------------------

/** SetDefaults_CustomResourceDefinition (apiextensions/v1). */
export function defaultCRD(obj: KubeObject): void {
  if (!isObj(obj.spec)) obj.spec = {};
  const spec = obj.spec;
  if (!isObj(spec.names)) spec.names = {};
  const names = spec.names;
  if (!names.singular && typeof names.kind === 'string') names.singular = names.kind.toLowerCase();
  if (!names.listKind && names.kind) names.listKind = `${names.kind}List`;
  if (!isObj(spec.conversion)) spec.conversion = { strategy: 'None' };
  const svc = spec.conversion?.webhook?.clientConfig?.service;
  if (isObj(svc) && svc.port == null) svc.port = 443;
}

function storageVersion(obj: KubeObject): string | undefined {
  return arr(obj.spec?.versions).find((v) => v?.storage === true)?.name;
}

// ---- validation -----------------------------------------------------------------------------------

/** `Key(k)` of a field path. */
const key = (path: string, k: string) => `${path}[${k}]`;

function dns1035(path: string, value: string): FieldError[] {
  const errs = isDNS1035Label(value);
  return errs.length ? [field.invalid(path, value, errs.join(','))] : [];
}

/** ValidateCustomResourceDefinitionNames */
function validateNames(names: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (names.plural) errs.push(...dns1035(`${path}.plural`, String(names.plural)));
  if (names.singular) errs.push(...dns1035(`${path}.singular`, String(names.singular)));
  for (const [k, label] of [
    ['kind', names.kind],
    ['listKind', names.listKind],
  ] as const) {
    if (!label) continue;
    const e = isDNS1035Label(String(label).toLowerCase());
    if (e.length) errs.push(field.invalid(`${path}.${k}`, label, `may have mixed case, but should otherwise match: ${e.join(',')}`));
  }
  arr<string>(names.shortNames).forEach((s, i) => errs.push(...dns1035(`${path}.shortNames[${i}]`, String(s))));
  if (names.kind && names.kind === names.listKind) errs.push(field.invalid(`${path}.listKind`, names.listKind, 'kind and listKind may not be the same'));
  arr<string>(names.categories).forEach((c, i) => errs.push(...dns1035(`${path}.categories[${i}]`, String(c))));
  return errs;
}

/** validateSimpleJSONPath */
function simpleJSONPath(s: string, path: string): FieldError[] {
  if (s.length === 0) return [field.invalid(path, s, 'must not be empty')];
  if (s[0] !== '.') return [field.invalid(path, s, 'must be a simple json path starting with .')];
  return [];
}

function validateSubresources(sub: Obj | undefined, path: string): FieldError[] {
  if (!isObj(sub) || !isObj(sub.scale)) return [];
  const errs: FieldError[] = [];
  const scale = sub.scale;
  const sp = `${path}.scale.specReplicasPath`;
  if (!scale.specReplicasPath) errs.push(field.required(sp, ''));
  else {
    const e = simpleJSONPath(String(scale.specReplicasPath), sp);
    if (e.length) errs.push(...e);
    else if (!String(scale.specReplicasPath).startsWith('.spec.')) errs.push(field.invalid(sp, scale.specReplicasPath, 'should be a json path under .spec'));
  }
  const stp = `${path}.scale.statusReplicasPath`;
  if (!scale.statusReplicasPath) errs.push(field.required(stp, ''));
  else {
    const e = simpleJSONPath(String(scale.statusReplicasPath), stp);
    if (e.length) errs.push(...e);
    else if (!String(scale.statusReplicasPath).startsWith('.status.')) errs.push(field.invalid(stp, scale.statusReplicasPath, 'should be a json path under .status'));
  }
  if (scale.labelSelectorPath) {
    const lp = `${path}.scale.labelSelectorPath`;
    const e = simpleJSONPath(String(scale.labelSelectorPath), lp);
    if (e.length) errs.push(...e);
    else if (!String(scale.labelSelectorPath).startsWith('.spec.') && !String(scale.labelSelectorPath).startsWith('.status.')) {
      errs.push(field.invalid(lp, scale.labelSelectorPath, 'should be a json path under either .spec or .status'));
    }
  }
  return errs;
}

function validatePrinterColumn(c: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!c.name) errs.push(field.required(`${path}.name`, ''));
  if (!c.type) errs.push(field.required(`${path}.type`, `must be one of ${PRINTER_COLUMN_TYPES.join(',')}`));
  else if (!PRINTER_COLUMN_TYPES.includes(c.type)) errs.push(field.invalid(`${path}.type`, c.type, `must be one of ${PRINTER_COLUMN_TYPES.join(',')}`));
  if (c.format && !PRINTER_COLUMN_FORMATS.includes(c.format)) errs.push(field.invalid(`${path}.format`, c.format, `must be one of ${PRINTER_COLUMN_FORMATS.join(',')}`));
  if (!c.jsonPath) errs.push(field.required(`${path}.JSONPath`, ''));
  else errs.push(...simpleJSONPath(String(c.jsonPath), `${path}.JSONPath`));
  return errs;
}

interface SchemaContext {
  allowDefaults: boolean;
  defaultsReason?: string;
  insideMeta: boolean;
}

/** ValidateCustomResourceDefinitionOpenAPISchema: the generic rules of a CRD schema. */
function validateOpenAPISchema(s: Obj | undefined, path: string, ctx: SchemaContext, isRoot: boolean): FieldError[] {
  if (!isObj(s)) return [];
  const errs: FieldError[] = [];
  if (s.type !== undefined && s.type !== '' && !OPENAPI_TYPES.includes(s.type)) {
    if (s.type === 'null') errs.push(field.forbidden(`${path}.type`, 'type cannot be set to null, use nullable as an alternative'));
    else errs.push(field.notSupported(`${path}.type`, s.type, OPENAPI_TYPES));
  }
  if (s.default !== undefined && !ctx.allowDefaults) errs.push(field.forbidden(`${path}.default`, `must not be set${ctx.defaultsReason ? ` ${ctx.defaultsReason}` : ''}`));
  if (s.id) errs.push(field.forbidden(`${path}.id`, 'id is not supported'));
  if (s.additionalItems !== undefined) errs.push(field.forbidden(`${path}.additionalItems`, 'additionalItems is not supported'));
  if (isObj(s.patternProperties) && Object.keys(s.patternProperties).length) errs.push(field.forbidden(`${path}.patternProperties`, 'patternProperties is not supported'));
  if (isObj(s.definitions) && Object.keys(s.definitions).length) errs.push(field.forbidden(`${path}.definitions`, 'definitions is not supported'));
  if (s.dependencies !== undefined) errs.push(field.forbidden(`${path}.dependencies`, 'dependencies is not supported'));
  if (s.$ref !== undefined) errs.push(field.forbidden(`${path}.$ref`, '$ref is not supported'));
  if (Array.isArray(s.items)) errs.push(field.forbidden(`${path}.items`, 'items must be a schema object and not an array'));
  if (ctx.insideMeta && s['x-kubernetes-embedded-resource']) errs.push(field.forbidden(`${path}.x-kubernetes-embedded-resource`, 'must not be used inside of resource meta'));
  if (s.uniqueItems === true) errs.push(field.forbidden(`${path}.uniqueItems`, 'uniqueItems cannot be set to true since the runtime complexity becomes quadratic'));
  const props: Obj = isObj(s.properties) ? s.properties : {};
  if (s.additionalProperties !== undefined && s.additionalProperties !== null) {
    if (Object.keys(props).length && (s.additionalProperties === false || isObj(s.additionalProperties))) {
      errs.push(field.forbidden(`${path}.additionalProperties`, 'additionalProperties and properties are mutual exclusive'));
    }
    const sub = ctx.insideMeta ? { ...ctx, allowDefaults: false, defaultsReason: 'inside additionalProperties applying to object metadata' } : ctx;
    if (isObj(s.additionalProperties)) errs.push(...validateOpenAPISchema(s.additionalProperties, `${path}.additionalProperties`, sub, false));
  }
  for (const [name, child] of Object.entries(props)) {
    let sub = ctx;
    if ((isRoot || s['x-kubernetes-embedded-resource']) && ['metadata', 'kind', 'apiVersion'].includes(name)) {
      sub = { ...ctx, insideMeta: true };
      if (isRoot) sub = { ...sub, allowDefaults: false, defaultsReason: `in top-level ${name}` };
    }
    errs.push(...validateOpenAPISchema(child, `${key(`${path}.properties`, name)}`, sub, false));
  }
  if (s.not !== undefined) errs.push(...validateOpenAPISchema(s.not, `${path}.not`, ctx, false));
  for (const k of ['allOf', 'oneOf', 'anyOf']) arr(s[k]).forEach((c, i) => errs.push(...validateOpenAPISchema(c, `${path}.${k}[${i}]`, ctx, false)));
  if (isObj(s.items)) errs.push(...validateOpenAPISchema(s.items, `${path}.items`, ctx, false));
  if (s['x-kubernetes-preserve-unknown-fields'] === false) errs.push(field.invalid(`${path}.x-kubernetes-preserve-unknown-fields`, false, 'must be true or undefined'));
  const mapType = s['x-kubernetes-map-type'];
  if (mapType != null && s.type !== 'object') {
    if (!s.type) errs.push(field.required(`${path}.type`, 'must be object if x-kubernetes-map-type is specified'));
    else errs.push(field.invalid(`${path}.type`, s.type, 'must be object if x-kubernetes-map-type is specified'));
  }
  if (mapType != null && mapType !== 'atomic' && mapType !== 'granular') errs.push(field.notSupported(`${path}.x-kubernetes-map-type`, mapType, ['atomic', 'granular']));
  const listType = s['x-kubernetes-list-type'];
  if (listType != null && s.type !== 'array') {
    if (!s.type) errs.push(field.required(`${path}.type`, 'must be array if x-kubernetes-list-type is specified'));
    else errs.push(field.invalid(`${path}.type`, s.type, 'must be array if x-kubernetes-list-type is specified'));
  }
  if (listType != null && !['atomic', 'set', 'map'].includes(listType)) errs.push(field.notSupported(`${path}.x-kubernetes-list-type`, listType, ['atomic', 'set', 'map']));
  const mapKeys = arr<string>(s['x-kubernetes-list-map-keys']);
  if (mapKeys.length > 0) {
    if (listType == null) errs.push(field.required(`${path}.x-kubernetes-list-type`, 'must be map if x-kubernetes-list-map-keys is non-empty'));
    else if (listType !== 'map') errs.push(field.invalid(`${path}.x-kubernetes-list-type`, listType, 'must be map if x-kubernetes-list-map-keys is non-empty'));
  }
  if (listType === 'map') {
    if (mapKeys.length === 0) errs.push(field.required(`${path}.x-kubernetes-list-map-keys`, 'must not be empty if x-kubernetes-list-type is map'));
    if (s.items == null) errs.push(field.required(`${path}.items`, 'must have a schema if x-kubernetes-list-type is map'));
    else if (isObj(s.items) && s.items.type !== 'object') errs.push(field.invalid(`${path}.items.type`, s.items.type ?? '', "must be object if parent array's x-kubernetes-list-type is map"));
    else if (isObj(s.items)) {
      const itemProps: Obj = s.items.properties ?? {};
      const required = new Set(arr<string>(s.items.required));
      const seen = new Set<string>();
      for (const k of mapKeys) {
        const p = itemProps[k];
        if (!p) errs.push(field.invalid(`${path}.x-kubernetes-list-map-keys`, goStringSlice(mapKeys), 'entries must all be names of item properties'));
        else {
          if (p.type === 'array' || p.type === 'object') errs.push(field.invalid(`${key(`${path}.items.properties`, k)}.type`, s.items.type, "must be a scalar type if parent array's x-kubernetes-list-type is map"));
          if (!required.has(k) && p.default === undefined) {
            errs.push(field.required(`${key(`${path}.items.properties`, k)}.default`, 'this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property'));
          }
          if (p.nullable) errs.push(field.forbidden(`${key(`${path}.items.properties`, k)}.nullable`, 'this property is in x-kubernetes-list-map-keys, so it cannot be nullable'));
        }
        if (seen.has(k)) errs.push(field.invalid(`${path}.x-kubernetes-list-map-keys`, goStringSlice(mapKeys), 'must not contain duplicate entries'));
        seen.add(k);
      }
    }
  }
  if ((listType === 'set' || listType === 'map') && isObj(s.items) && s.items.nullable) {
    errs.push(field.forbidden(`${path}.items.nullable`, `cannot be nullable when x-kubernetes-list-type is ${listType}`));
  }
  arr(s['x-kubernetes-validations']).forEach((rule, i) => {
    const rp = `${path}.x-kubernetes-validations[${i}]`;
    const r = String(rule?.rule ?? '').trim();
    const msg = String(rule?.message ?? '');
    if (!r) errs.push(field.required(`${rp}.rule`, 'rule is not specified'));
    else if (msg.length > 0 && msg.trim().length === 0) errs.push(field.invalid(`${rp}.message`, msg, 'message must be non-empty if specified'));
    else if (/[\n\r]/.test(msg.trim())) errs.push(field.invalid(`${rp}.message`, msg, 'message must not contain line breaks'));
    else if (/[\n\r]/.test(r) && msg.trim().length === 0) errs.push(field.required(`${rp}.message`, 'message must be specified if rule contains line breaks'));
  });
  return errs;
}

type Level = 'root' | 'item' | 'field';

/** ValidateStructural: every specified node has a type, the root is an object, metadata is implicit. */
function validateStructural(s: Obj | undefined, path: string, level: Level): FieldError[] {
  if (!isObj(s)) return [];
  const errs: FieldError[] = [];
  const intOrString = s['x-kubernetes-int-or-string'] === true;
  const embedded = s['x-kubernetes-embedded-resource'] === true;
  const preserve = s['x-kubernetes-preserve-unknown-fields'] === true;
  if (intOrString && s.type) errs.push(field.invalid(`${path}.type`, s.type, 'must be empty if x-kubernetes-int-or-string is true'));
  if (embedded && s.type !== 'object') {
    if (!s.type) errs.push(field.required(`${path}.type`, 'must be object if x-kubernetes-embedded-resource is true'));
    else errs.push(field.invalid(`${path}.type`, s.type, 'must be object if x-kubernetes-embedded-resource is true'));
  }
  if (!s.type && !intOrString && !embedded && !preserve) {
    const detail = level === 'root' ? 'must not be empty at the root' : level === 'item' ? 'must not be empty for specified array items' : 'must not be empty for specified object fields';
    errs.push(field.required(`${path}.type`, detail));
  }
  if (s.type === 'array' && s.items == null) errs.push(field.required(`${path}.items`, 'must be specified'));
  if (level === 'root' && s.type && s.type !== 'object') errs.push(field.invalid(`${path}.type`, s.type, 'must be object at the root'));
  const props: Obj = isObj(s.properties) ? s.properties : {};
  if (level === 'root' || embedded) {
    for (const k of ['kind', 'apiVersion']) {
      if (isObj(props[k]) && props[k].type !== 'string') errs.push(field.invalid(`${key(`${path}.properties`, k)}.type`, props[k].type ?? '', 'must be string'));
    }
  }
  if (isObj(props.metadata) && (level === 'root' || embedded)) {
    const m = props.metadata;
    const mp = key(`${path}.properties`, 'metadata');
    if (m.type !== 'object') errs.push(field.invalid(`${mp}.type`, m.type ?? '', 'must be object'));
    if (level === 'root') {
      const mprops: Obj = isObj(m.properties) ? m.properties : {};
      for (const k of ['name', 'generateName']) {
        if (isObj(mprops[k]) && mprops[k].type !== 'string') errs.push(field.invalid(`${key(`${mp}.properties`, k)}.type`, mprops[k].type ?? '', 'must be string'));
      }
      const others = Object.keys(mprops).filter((k) => k !== 'name' && k !== 'generateName');
      const extraKeys = Object.keys(m).filter((k) => !['type', 'properties', 'description'].includes(k));
      if (others.length > 0 || extraKeys.length > 0) {
        errs.push(field.forbidden(mp, 'must not specify anything other than name and generateName, but metadata is implicitly specified'));
      }
    }
  }
  for (const [name, child] of Object.entries(props)) {
    if (level === 'root' && name === 'metadata') continue;
    errs.push(...validateStructural(child, key(`${path}.properties`, name), 'field'));
  }
  if (isObj(s.items)) errs.push(...validateStructural(s.items, `${path}.items`, 'item'));
  if (isObj(s.additionalProperties)) errs.push(...validateStructural(s.additionalProperties, `${path}.additionalProperties`, 'field'));
  return errs;
}

function schemaHasDefaults(s: unknown): boolean {
  if (!isObj(s)) return false;
  if (s.default !== undefined) return true;
  for (const v of Object.values(s.properties ?? {})) if (schemaHasDefaults(v)) return true;
  if (schemaHasDefaults(s.items) || schemaHasDefaults(s.additionalProperties)) return true;
  for (const k of ['allOf', 'oneOf', 'anyOf']) for (const c of arr(s[k])) if (schemaHasDefaults(c)) return true;
  return schemaHasDefaults(s.not);
}

function validateVersionSchema(schema: Obj | undefined, statusEnabled: boolean, path: string): FieldError[] {
  const s = schema?.openAPIV3Schema;
  if (!isObj(s)) return [];
  const errs: FieldError[] = [];
  const sp = `${path}.openAPIV3Schema`;
  if (statusEnabled && s.type && s.type !== 'object') {
    errs.push(field.invalid(`${sp}.type`, s.type, 'only "object" is allowed as the type at the root of the schema if the status subresource is enabled'));
  }
  if (s.nullable === true) errs.push(field.forbidden(`${sp}.nullable`, 'nullable cannot be true at the root'));
  errs.push(...validateOpenAPISchema(s, sp, { allowDefaults: true, insideMeta: false }, true));
  errs.push(...validateStructural(s, sp, 'root'));
  return errs;
}

function validateConversion(conv: Obj | undefined, path: string): FieldError[] {
  if (!isObj(conv)) return [];
  const errs: FieldError[] = [];
  const sp = `${path}.strategy`;
  if (!conv.strategy) errs.push(field.required(sp, ''));
  else if (conv.strategy !== 'None' && conv.strategy !== 'Webhook') errs.push(field.notSupported(sp, conv.strategy, ['None', 'Webhook']));
  const wh = conv.webhook;
  if (conv.strategy === 'Webhook') {
    const cc = wh?.clientConfig;
    const wp = `${path}.webhook.clientConfig`;
    if (!isObj(wh) || !isObj(cc)) errs.push(field.required(wp, 'required when strategy is set to Webhook'));
    else if ((cc.url == null) === (cc.service == null)) errs.push(field.required(wp, 'exactly one of url or service is required'));
    else if (cc.url != null && !/^https:\/\//.test(String(cc.url))) errs.push(field.invalid(`${wp}.url`, cc.url, "'https' is the only allowed URL scheme"));
    const versions = arr<string>(wh?.conversionReviewVersions);
    const vp = `${path}.webhook.conversionReviewVersions`;
    if (versions.length < 1) errs.push(field.required(vp, ''));
    else {
      const seen = new Set<string>();
      versions.forEach((v, i) => {
        if (seen.has(v)) {
          errs.push(field.invalid(`${vp}[${i}]`, v, 'duplicate version'));
          return;
        }
        seen.add(v);
        for (const m of isDNS1035Label(v)) errs.push(field.invalid(`${vp}[${i}]`, v, m));
      });
      if (!versions.some((v) => v === 'v1' || v === 'v1beta1')) errs.push(field.invalid(vp, goStringSlice(versions), 'must include at least one of v1, v1beta1'));
    }
  } else if (isObj(wh)) {
    if (wh.clientConfig != null) errs.push(field.forbidden(`${path}.webhook.clientConfig`, 'should not be set when strategy is not set to Webhook'));
    if (arr(wh.conversionReviewVersions).length > 0) errs.push(field.forbidden(`${path}.webhook.conversionReviewVersions`, 'should not be set when strategy is not set to Webhook'));
  }
  return errs;
}

/** validateAPIApproval: groups under k8s.io and kubernetes.io need the api-approved annotation. */
function validateAPIApproval(obj: KubeObject, old?: KubeObject): FieldError[] {
  const group = String(obj.spec?.group ?? '');
  const prot = ['k8s.io', 'kubernetes.io'].some((g) => group === g || group.endsWith(`.${g}`));
  if (!prot) return [];
  const state = (o: KubeObject | undefined): string => {
    const v = o?.metadata?.annotations?.[API_APPROVAL_ANNOTATION];
    if (v === undefined) return 'missing';
    if (v.startsWith('unapproved')) return 'bypassed';
    try {
      const u = new URL(v);
      return u.protocol === 'http:' || u.protocol === 'https:' ? 'approved' : 'invalid';
    } catch {
      return 'invalid';
    }
  };
  const now = state(obj);
  if (old && state(old) === now) return [];
  const path = `metadata.annotations[${API_APPROVAL_ANNOTATION}]`;
  if (now === 'missing') return [field.required(path, `protected groups must have approval annotation "${API_APPROVAL_ANNOTATION}", see https://github.com/kubernetes/enhancements/pull/1111`)];
  if (now === 'invalid') {
    return [
      field.invalid(
        path,
        obj.metadata.annotations?.[API_APPROVAL_ANNOTATION] ?? '',
        `protected groups must have approval annotation "${API_APPROVAL_ANNOTATION}" with either a URL or a reason starting with "unapproved", see https://github.com/kubernetes/enhancements/pull/1111`,
      ),
    ];
  }
  return [];
}

function versionsValue(versions: unknown): GoValue {
  return new GoValue(versions ?? null, `[]apiextensions.CustomResourceDefinitionVersion{${arr(versions).map((v) => `apiextensions.CustomResourceDefinitionVersion{Name:${JSON.stringify(v?.name ?? '')}, Served:${!!v?.served}, Storage:${!!v?.storage}, ...}`).join(', ')}}`);
}

/** validateCustomResourceDefinitionSpec (v1 options: schemas required and structural). */
function validateCRDSpec(spec: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const group = typeof spec.group === 'string' ? spec.group : '';
  if (!group) errs.push(field.required('spec.group', ''));
  else {
    const e = isDNS1123Subdomain(group);
    if (e.length) errs.push(field.invalid('spec.group', group, e.join(',')));
    else if (group.split('.').length < 2) errs.push(field.invalid('spec.group', group, 'should be a domain with at least one dot'));
  }
  if (!spec.scope) errs.push(field.required('spec.scope', ''));
  else if (spec.scope !== 'Cluster' && spec.scope !== 'Namespaced') errs.push(field.notSupported('spec.scope', spec.scope, ['Cluster', 'Namespaced']));
  const versions = arr(spec.versions);
  versions.forEach((v, i) => {
    if (!isObj(v?.schema) || !isObj(v.schema.openAPIV3Schema)) errs.push(field.required(`spec.versions[${i}].schema.openAPIV3Schema`, 'schemas are required'));
  });
  let storageCount = 0;
  const seen = new Set<string>();
  let unique = true;
  versions.forEach((v, i) => {
    const vp = `spec.versions[${i}]`;
    if (v?.storage === true) storageCount++;
    if (seen.has(v?.name)) unique = false;
    else seen.add(v?.name);
    errs.push(...dns1035(`${vp}.name`, String(v?.name ?? '')));
    if (!v?.deprecated && v?.deprecationWarning != null) errs.push(field.invalid(`${vp}.deprecationWarning`, v.deprecationWarning, 'can only be set for deprecated versions'));
    else if (v?.deprecationWarning != null) {
      const w = String(v.deprecationWarning);
      if (w.length > 256) errs.push(field.invalid(`${vp}.deprecationWarning`, w, 'must be <= 256 characters long'));
      if (w.length === 0) errs.push(field.invalid(`${vp}.deprecationWarning`, w, 'must not be an empty string'));
    }
    errs.push(...validateVersionSchema(v?.schema, isObj(v?.subresources?.status), `${vp}.schema`));
    errs.push(...validateSubresources(v?.subresources, `${vp}.subresources`));
    arr(v?.additionalPrinterColumns).forEach((c, j) => errs.push(...validatePrinterColumn(isObj(c) ? c : {}, `${vp}.additionalPrinterColumns[${j}]`)));
    arr(v?.selectableFields).forEach((f, j) => {
      if (!f?.jsonPath) errs.push(field.required(`${vp}.selectableFields[${j}].jsonPath`, ''));
    });
  });
  if (!unique) errs.push(field.invalid('spec.versions', versionsValue(spec.versions), 'must contain unique version names'));
  if (storageCount !== 1) errs.push(field.invalid('spec.versions', versionsValue(spec.versions), 'must have exactly one version marked as storage version'));
  const names: Obj = isObj(spec.names) ? spec.names : {};
  if (!names.plural) errs.push(field.required('spec.names.plural', ''));
  if (!names.singular) errs.push(field.required('spec.names.singular', ''));
  if (!names.kind) errs.push(field.required('spec.names.kind', ''));
  if (!names.listKind) errs.push(field.required('spec.names.listKind', ''));
  errs.push(...validateNames(names, 'spec.names'));
  if (isObj(spec.conversion) && spec.conversion.strategy && spec.conversion.strategy !== 'None' && spec.preserveUnknownFields === true) {
    errs.push(field.invalid('spec.conversion.strategy', spec.conversion.strategy, 'must be None if spec.preserveUnknownFields is true'));
  }
  errs.push(...validateConversion(spec.conversion, 'spec.conversion'));
  if (spec.preserveUnknownFields === true && versions.some((v) => schemaHasDefaults(v?.schema?.openAPIV3Schema))) {
    errs.push(field.invalid('spec.preserveUnknownFields', true, 'must be false in order to use defaults in the schema'));
  }
  return errs;
}

function validateStoredVersions(obj: KubeObject): FieldError[] {
  const stored = arr<string>(obj.status?.storedVersions);
  const path = 'status.storedVersions';
  if (stored.length === 0) return [field.invalid(path, goStringSlice(stored), 'must have at least one stored version')];
  const errs: FieldError[] = [];
  const remaining = new Map(stored.map((v, i) => [v, i]));
  for (const v of arr(obj.spec?.versions)) {
    const has = remaining.has(v?.name);
    if (v?.storage === true && !has) errs.push(field.invalid(path, v, `must have the storage version ${v.name}`));
    if (has) remaining.delete(v.name);
  }
  for (const [v, i] of remaining) errs.push(field.invalid(`${path}[${i}]`, v, 'must appear in spec.versions'));
  return errs;
}

/** ValidateCustomResourceDefinition */
export function validateCRD(obj: KubeObject): FieldError[] {
  const spec: Obj = isObj(obj.spec) ? obj.spec : {};
  const required = `${spec.names?.plural ?? ''}.${spec.group ?? ''}`;
  const nameFn = (name: string, prefix: boolean) => {
    const out = nameIsDNSSubdomain(name, prefix);
    if (name !== required) out.push('must be spec.names.plural+"."+spec.group');
    return out;
  };
  const errs = validateObjectMeta(obj.metadata, false, nameFn);
  errs.push(...validateCRDSpec(spec));
  errs.push(...validateNames(obj.status?.acceptedNames ?? {}, 'status.acceptedNames'));
  errs.push(...validateStoredVersions(obj));
  errs.push(...validateAPIApproval(obj));
  if (spec.preserveUnknownFields === true) {
    errs.push(field.invalid('spec.preserveUnknownFields', true, 'cannot set to true, set x-kubernetes-preserve-unknown-fields to true in openAPIV3Schema instead'));
  }
  return errs;
}

function isEstablished(obj: KubeObject): boolean {
  return arr(obj.status?.conditions).some((c) => c?.type === 'Established' && c?.status === 'True');
}

/** ValidateCustomResourceDefinitionUpdate */
export function validateCRDUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs = validateObjectMetaUpdate(obj.metadata, old.metadata);
  const spec: Obj = obj.spec ?? {};
  const oldSpec: Obj = old.spec ?? {};
  const required = `${spec.names?.plural ?? ''}.${spec.group ?? ''}`;
  const nameFn = (name: string, prefix: boolean) => {
    const out = nameIsDNSSubdomain(name, prefix);
    if (name !== required) out.push('must be spec.names.plural+"."+spec.group');
    return out;
  };
  errs.push(...validateObjectMeta(obj.metadata, false, nameFn));
  errs.push(...validateCRDSpec(spec));
  if (isEstablished(old)) {
    errs.push(...immutable(spec.scope, oldSpec.scope, 'spec.scope'));
    errs.push(...immutable(spec.names?.kind, oldSpec.names?.kind, 'spec.names.kind'));
  }
  errs.push(...immutable(spec.group, oldSpec.group, 'spec.group'));
  errs.push(...immutable(spec.names?.plural, oldSpec.names?.plural, 'spec.names.plural'));
  errs.push(...validateNames(obj.status?.acceptedNames ?? {}, 'status.acceptedNames'));
  errs.push(...validateStoredVersions(obj));
  errs.push(...validateAPIApproval(obj, old));
  if (spec.preserveUnknownFields === true && oldSpec.preserveUnknownFields !== true) {
    errs.push(field.invalid('spec.preserveUnknownFields', true, 'cannot set to true, set x-kubernetes-preserve-unknown-fields to true in openAPIV3Schema instead'));
  }
  return errs;
}

export const crdKind: KindDef = {
  group: 'apiextensions.k8s.io',
  version: 'v1',
  kind: 'CustomResourceDefinition',
  plural: 'customresourcedefinitions',
  singular: 'customresourcedefinition',
  namespaced: false,
  shortNames: ['crd', 'crds'],
  categories: ['api-extensions'],
  definition: 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition',
  subresources: { status: true },
  columns: [NAME_COLUMN, CREATED_AT_COLUMN],
  strategy: {
    defaults: defaultCRD,
    prepareForCreate(obj) {
      const stored = storageVersion(obj);
      obj.status = { acceptedNames: { kind: '', plural: '' }, storedVersions: stored ? [stored] : [] };
    },
    prepareForUpdate(obj) {
      // The status is the old one (status subresource); a new storage version joins storedVersions.
      const stored = storageVersion(obj);
      if (!stored) return;
      if (!isObj(obj.status)) obj.status = {};
      const list = arr<string>(obj.status.storedVersions);
      if (!list.includes(stored)) obj.status.storedVersions = [...list, stored];
    },
    validate: validateCRD,
    validateUpdate: validateCRDUpdate,
    row: (obj) => [obj.metadata.name, createdAt(obj)],
  },
};

export const apiextensionsKinds: KindDef[] = [crdKind];

// ---- custom resources -----------------------------------------------------------------------------

/** What the custom-resource schema validator gets to see. */
export interface CustomResourceContext {
  crd: KubeObject;
  /** the version the object is served in */
  version: string;
  /** that version's openAPIV3Schema */
  schema?: JSONSchema;
  /** the stored object, on update */
  old?: KubeObject;
}

/** Validates a custom resource against its CRD's schema (written elsewhere). */
export type CustomResourceValidator = (obj: KubeObject, ctx: CustomResourceContext) => FieldError[];
/** Applies schema defaults to a custom resource (optional; written elsewhere). */
export type CustomResourceDefaulter = (obj: KubeObject, ctx: CustomResourceContext) => void;

/** util.ToRESTFriendlyName of group/version/kind: the group's DNS labels reversed. */
export function crdDefinitionName(group: string, version: string, kind: string): string {
  return [group.split('.').reverse().join('.'), version, kind].join('.');
}

type Step = { key: string } | { index: number } | { filter: { path: string[]; value: string } } | { all: true };

/** Parses the simple JSONPath forms printer columns use: .a.b, [0], ['k'], [*], [?(@.x=="y")]. */
function parseJSONPath(expr: string): Step[] | undefined {
  let s = expr.trim();
  if (s.startsWith('{') && s.endsWith('}')) s = s.slice(1, -1);
  if (s.startsWith('$')) s = s.slice(1);
  const steps: Step[] = [];
  let i = 0;
  while (i < s.length) {
    if (s[i] === '.') {
      i++;
      let j = i;
      while (j < s.length && s[j] !== '.' && s[j] !== '[') j++;
      if (j > i) steps.push({ key: s.slice(i, j) });
      i = j;
    } else if (s[i] === '[') {
      const close = s.indexOf(']', i);
      if (close < 0) return undefined;
      const inner = s.slice(i + 1, close).trim();
      if (inner === '*') steps.push({ all: true });
      else if (/^-?\d+$/.test(inner)) steps.push({ index: Number(inner) });
      else if (/^['"].*['"]$/.test(inner)) steps.push({ key: inner.slice(1, -1) });
      else {
        const m = /^\?\(@((?:\.[^=!<> ]+)+)\s*==\s*['"]?([^'"]*)['"]?\)$/.exec(inner);
        if (!m) return undefined;
        steps.push({ filter: { path: m[1].slice(1).split('.'), value: m[2] } });
      }
      i = close + 1;
    } else {
      let j = i;
      while (j < s.length && s[j] !== '.' && s[j] !== '[') j++;
      steps.push({ key: s.slice(i, j) });
      i = j;
    }
  }
  return steps;
}

/** The first result of a simple JSONPath over an object, or undefined when it finds nothing. */
export function evalJSONPath(obj: unknown, expr: string): unknown {
  const steps = parseJSONPath(expr);
  if (!steps) return undefined;
  let cur: unknown[] = [obj];
  for (const st of steps) {
    const next: unknown[] = [];
    for (const v of cur) {
      if ('key' in st) {
        if (isObj(v) && st.key in v) next.push(v[st.key]);
      } else if ('index' in st) {
        if (Array.isArray(v)) {
          const idx = st.index < 0 ? v.length + st.index : st.index;
          if (idx >= 0 && idx < v.length) next.push(v[idx]);
        }
      } else if ('all' in st) {
        if (Array.isArray(v)) next.push(...v);
        else if (isObj(v)) next.push(...Object.values(v));
      } else if (Array.isArray(v)) {
        for (const item of v) {
          let x: unknown = item;
          for (const k of st.filter.path) x = isObj(x) ? x[k] : undefined;
          if (x !== undefined && String(x) === st.filter.value) next.push(item);
        }
      }
    }
    cur = next;
  }
  return cur.length ? cur[0] : undefined;
}

/** fmt.Sprint of a decoded JSON value, as the jsonpath printer writes it. */
function goSprint(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(goSprint).join(' ')}]`;
  if (isObj(v)) return `map[${Object.keys(v).sort().map((k) => `${k}:${goSprint(v[k])}`).join(' ')}]`;
  return String(v);
}

/** cellForJSONValue (and the string printer) of the custom resource table convertor. */
export function crCell(type: string, value: unknown, now = Date.now()): unknown {
  if (value === undefined || value === null) return null;
  switch (type) {
    case 'string':
      return goSprint(value);
    case 'integer':
      return typeof value === 'number' ? Math.trunc(value) : null;
    case 'number':
      return typeof value === 'number' ? value : null;
    case 'boolean':
      return typeof value === 'boolean' ? value : null;
    case 'date':
      if (typeof value !== 'string') return null;
      if (Number.isNaN(Date.parse(value))) return '<invalid>';
      return since(value, now);
  }
  return null;
}

/** The version's printer columns, or upstream's default (an Age column). */
function printerColumns(version: Obj): Obj[] {
  const cols = arr(version.additionalPrinterColumns);
  if (cols.length > 0) return cols;
  return [{ name: 'Age', type: 'date', description: 'Time since the server recorded the creation of the object.', jsonPath: '.metadata.creationTimestamp' }];
}

/** version.CompareKubeAwareVersionStrings: v2 > v1 > v1beta2 > v1beta1 > v1alpha1 > others (by name). */
export function compareKubeVersions(a: string, b: string): number {
  const parse = (v: string) => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return undefined;
    return { major: Number(m[1]), stability: m[2] === 'alpha' ? 0 : m[2] === 'beta' ? 1 : 2, minor: Number(m[3] ?? 0) };
  };
  const pa = parse(a);
  const pb = parse(b);
  if (pa && pb) {
    if (pa.stability !== pb.stability) return pb.stability - pa.stability;
    if (pa.major !== pb.major) return pb.major - pa.major;
    return pb.minor - pa.minor;
  }
  if (pa) return -1;
  if (pb) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The KindDefs a CRD contributes: one per served version, the preferred (highest by Kubernetes
 * version order) first. Non-storage versions share the storage version's keys; with conversion
 * strategy None only apiVersion changes.
 */
export function crdKindDefs(crd: KubeObject, validateCustomResource?: CustomResourceValidator, defaultCustomResource?: CustomResourceDefaulter): KindDef[] {
  const spec: Obj = crd.spec ?? {};
  const group = String(spec.group ?? '');
  const names: Obj = spec.names ?? {};
  const kind = String(names.kind ?? '');
  const plural = String(names.plural ?? '');
  const singular = String(names.singular || kind.toLowerCase());
  const namespaced = spec.scope !== 'Cluster';
  const stored = storageVersion(crd);
  const defs: KindDef[] = [];
  for (const v of arr(spec.versions)) {
    if (v?.served !== true) continue;
    const version = String(v.name);
    const schema: JSONSchema | undefined = v.schema?.openAPIV3Schema;
    const ctx = (old?: KubeObject): CustomResourceContext => ({ crd, version, schema, old });
    const sub: Obj = isObj(v.subresources) ? v.subresources : {};
    const hasStatus = isObj(sub.status);
    let scale: ScaleSubresource | undefined;
    if (isObj(sub.scale)) {
      scale = { specReplicasPath: String(sub.scale.specReplicasPath ?? ''), statusReplicasPath: String(sub.scale.statusReplicasPath ?? '') };
      if (sub.scale.labelSelectorPath) scale.labelSelectorPath = String(sub.scale.labelSelectorPath);
    }
    const pcols = printerColumns(v);
    const columns: ColumnDef[] = [
      NAME_COLUMN,
      ...pcols.map((c) => {
        const cd: ColumnDef = { name: String(c.name), type: c.type, description: String(c.description ?? ''), priority: Number(c.priority ?? 0) };
        if (c.format) cd.format = c.format;
        return cd;
      }),
    ];
    const selectable = arr(v.selectableFields).map((f) => String(f?.jsonPath ?? '')).filter((p) => p);
    const apiVersion = `${group}/${version}`;
    const def: KindDef = {
      group,
      version,
      kind,
      plural,
      singular,
      namespaced,
      definition: crdDefinitionName(group, version, kind),
      columns,
      strategy: {
        defaults: defaultCustomResource ? (obj) => defaultCustomResource(obj, ctx()) : undefined,
        prepareForCreate(obj) {
          if (hasStatus) delete obj.status;
        },
        validate(obj) {
          const errs = validateObjectMeta(obj.metadata, namespaced, nameIsDNSSubdomain);
          if (validateCustomResource) errs.push(...validateCustomResource(obj, ctx()));
          return errs;
        },
        validateUpdate(obj, old) {
          const errs = validateObjectMetaUpdate(obj.metadata, old.metadata);
          errs.push(...validateObjectMeta(obj.metadata, namespaced, nameIsDNSSubdomain));
          if (validateCustomResource) errs.push(...validateCustomResource(obj, ctx(old)));
          return errs;
        },
        row: (obj) => [obj.metadata.name, ...pcols.map((c) => crCell(c.type, evalJSONPath(obj, String(c.jsonPath ?? ''))))],
        fieldLabels: selectable.length
          ? (obj) => {
              const out: Record<string, string> = {};
              for (const p of selectable) {
                const val = evalJSONPath(obj, p);
                out[p.replace(/^\./, '')] = val === undefined || val === null ? '' : String(val);
              }
              return out;
            }
          : undefined,
      },
    };
    if (names.shortNames) def.shortNames = arr<string>(names.shortNames).map(String);
    if (names.categories) def.categories = arr<string>(names.categories).map(String);
    if (hasStatus || scale) {
      def.subresources = {};
      if (hasStatus) def.subresources.status = true;
      if (scale) def.subresources.scale = scale;
    }
    if (stored && version !== stored) {
      const storedApiVersion = `${group}/${stored}`;
      def.storage = {
        group,
        plural,
        toStorage: (obj) => ({ ...obj, apiVersion: storedApiVersion }),
        fromStorage: (obj) => ({ ...obj, apiVersion }),
      };
    }
    defs.push(def);
  }
  return defs.sort((a, b) => compareKubeVersions(a.version, b.version));
}
