/**
 * events.k8s.io/v1 Event: the same stored objects as core/v1 events, under the newer field names
 * (regarding, note, reportingController, deprecated*). Stored in the core/v1 form.
 */
import { field } from '../../apiserver/errors.js';
import type { FieldError, KindDef, KubeObject } from '../types.js';
import { isDNS1123Subdomain, isQualifiedName, nameIsDNSSubdomain, validateObjectMeta, validateObjectMetaUpdate } from '../validation.js';
import { immutable, jsonEqual } from './core-common.js';
import { eventKind as coreEventKind, eventRow as coreEventRow, objectReferenceLabels } from './core.js';

type Obj = Record<string, any>;

const clone = <T>(v: T): T => (v === undefined ? v : JSON.parse(JSON.stringify(v)));

const REPORTING_INSTANCE_LIMIT = 128;
const ACTION_LIMIT = 128;
const REASON_LIMIT = 128;
const NOTE_LIMIT = 1024;

// ---- conversion ------------------------------------------------------------------------------------

/**
 * events.k8s.io/v1 to core/v1 (Convert_v1_Event_To_core_Event then core/v1 encoding): the core
 * form as a v1.33 server stores it, with its always-present fields.
 */
export function eventToCore(ev: KubeObject): KubeObject {
  const out: KubeObject = { apiVersion: 'v1', kind: 'Event', metadata: clone(ev.metadata ?? {}) };
  out.involvedObject = clone(ev.regarding ?? {});
  if (ev.reason) out.reason = ev.reason;
  if (ev.note) out.message = ev.note;
  out.source = clone(ev.deprecatedSource ?? {});
  out.firstTimestamp = ev.deprecatedFirstTimestamp ?? null;
  out.lastTimestamp = ev.deprecatedLastTimestamp ?? null;
  if (ev.deprecatedCount) out.count = ev.deprecatedCount;
  if (ev.type) out.type = ev.type;
  out.eventTime = ev.eventTime ?? null;
  if (ev.series != null) out.series = clone(ev.series);
  if (ev.action) out.action = ev.action;
  if (ev.related != null) out.related = clone(ev.related);
  out.reportingComponent = ev.reportingController ?? '';
  out.reportingInstance = ev.reportingInstance ?? '';
  return out;
}

/** core/v1 to events.k8s.io/v1 (Convert_core_Event_To_v1_Event then events/v1 encoding). */
export function eventFromCore(core: KubeObject): KubeObject {
  const out: KubeObject = { apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: clone(core.metadata ?? {}) };
  out.eventTime = core.eventTime ?? null;
  if (core.series != null) out.series = clone(core.series);
  if (core.reportingComponent) out.reportingController = core.reportingComponent;
  if (core.reportingInstance) out.reportingInstance = core.reportingInstance;
  if (core.action) out.action = core.action;
  if (core.reason) out.reason = core.reason;
  out.regarding = clone(core.involvedObject ?? {});
  if (core.related != null) out.related = clone(core.related);
  if (core.message) out.note = core.message;
  if (core.type) out.type = core.type;
  out.deprecatedSource = clone(core.source ?? {});
  out.deprecatedFirstTimestamp = core.firstTimestamp ?? null;
  out.deprecatedLastTimestamp = core.lastTimestamp ?? null;
  if (core.count) out.deprecatedCount = core.count;
  return out;
}

/** Accepts either form (rows and selectors may see stored or served objects). */
function asCore(obj: KubeObject): KubeObject {
  return obj.apiVersion === 'v1' || obj.involvedObject !== undefined ? obj : eventToCore(obj);
}

// ---- validation (ValidateEventCreate/Update for events.k8s.io/v1, on the core form) ---------------

function isZeroTime(t: unknown): boolean {
  return t == null || t === '' || (typeof t === 'string' && t.startsWith('0001-01-01'));
}

/** legacyValidateEvent, with the events.k8s.io field name for the reporting controller. */
function legacyValidate(ev: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const ns = ev.metadata.namespace ?? '';
  const involvedNs = ev.involvedObject?.namespace ?? '';
  if (isZeroTime(ev.eventTime)) {
    if (involvedNs.length === 0) {
      if (ns !== '' && ns !== 'default') errs.push(field.invalid('involvedObject.namespace', involvedNs, 'does not match event.namespace'));
    } else if (ns !== involvedNs) {
      errs.push(field.invalid('involvedObject.namespace', involvedNs, 'does not match event.namespace'));
    }
  } else {
    if (involvedNs.length === 0 && ns !== 'default' && ns !== 'kube-system') {
      errs.push(field.invalid('involvedObject.namespace', involvedNs, 'does not match event.namespace'));
    }
    const controller = String(ev.reportingComponent ?? '');
    if (controller.length === 0) errs.push(field.required('reportingController', ''));
    for (const m of isQualifiedName(controller)) errs.push(field.invalid('reportingController', controller, m));
    const instance = String(ev.reportingInstance ?? '');
    if (instance.length === 0) errs.push(field.required('reportingInstance', ''));
    if (instance.length > REPORTING_INSTANCE_LIMIT) errs.push(field.invalid('reportingInstance', '', `can have at most ${REPORTING_INSTANCE_LIMIT} characters`));
    const action = String(ev.action ?? '');
    if (action.length === 0) errs.push(field.required('action', ''));
    if (action.length > ACTION_LIMIT) errs.push(field.invalid('action', '', `can have at most ${ACTION_LIMIT} characters`));
    const reason = String(ev.reason ?? '');
    if (reason.length === 0) errs.push(field.required('reason', ''));
    if (reason.length > REASON_LIMIT) errs.push(field.invalid('reason', '', `can have at most ${REASON_LIMIT} characters`));
    if (String(ev.message ?? '').length > NOTE_LIMIT) errs.push(field.invalid('message', '', `can have at most ${NOTE_LIMIT} characters`));
  }
  for (const m of isDNS1123Subdomain(ns)) errs.push(field.invalid('namespace', ns, m));
  return errs;
}

function validateSeries(ev: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  if (ev.series != null) {
    if (!(Number(ev.series.count) >= 2)) errs.push(field.invalid('series.count', '', 'should be at least 2'));
    if (isZeroTime(ev.series.lastObservedTime)) errs.push(field.required('series.lastObservedTime', ''));
  }
  return errs;
}

/** ValidateEventCreate for events.k8s.io/v1 (served object in events form). */
export function validateEvent(obj: KubeObject): FieldError[] {
  const ev = eventToCore(obj);
  const errs = legacyValidate(ev);
  errs.push(...validateObjectMeta(ev.metadata, true, nameIsDNSSubdomain));
  errs.push(...validateSeries(ev));
  if (isZeroTime(ev.eventTime)) errs.push(field.required('eventTime', ''));
  if (ev.type !== 'Normal' && ev.type !== 'Warning') errs.push(field.invalid('type', '', `has invalid value: ${ev.type ?? ''}`));
  if (!isZeroTime(ev.firstTimestamp)) errs.push(field.invalid('deprecatedFirstTimestamp', '', 'needs to be unset'));
  if (!isZeroTime(ev.lastTimestamp)) errs.push(field.invalid('deprecatedLastTimestamp', '', 'needs to be unset'));
  if (ev.count) errs.push(field.invalid('deprecatedCount', '', 'needs to be unset'));
  if (ev.source?.component || ev.source?.host) errs.push(field.invalid('deprecatedSource', '', 'needs to be unset'));
  return errs;
}

/** Microsecond truncation of a MicroTime, for the eventTime comparison. */
function micros(t: unknown): string {
  if (typeof t !== 'string') return String(t);
  const m = /^(.*T\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)$/.exec(t);
  if (!m) return t;
  const frac = (m[2] ?? '.').slice(1).padEnd(6, '0').slice(0, 6);
  const base = Date.parse(`${m[1]}${m[3]}`);
  return Number.isNaN(base) ? t : `${base}.${frac}`;
}

/** ValidateEventUpdate for events.k8s.io/v1. */
export function validateEventUpdate(obj: KubeObject, oldObj: KubeObject): FieldError[] {
  const ev = eventToCore(obj);
  const old = eventToCore(oldObj);
  const errs = legacyValidate(ev);
  errs.push(...validateObjectMetaUpdate(ev.metadata, old.metadata));
  if (!jsonEqual(ev.series, old.series)) errs.push(...validateSeries(ev));
  errs.push(...immutable(ev.involvedObject, old.involvedObject, 'involvedObject'));
  errs.push(...immutable(ev.reason ?? '', old.reason ?? '', 'reason'));
  errs.push(...immutable(ev.message ?? '', old.message ?? '', 'message'));
  errs.push(...immutable(ev.source, old.source, 'source'));
  errs.push(...immutable(ev.firstTimestamp, old.firstTimestamp, 'firstTimestamp'));
  errs.push(...immutable(ev.lastTimestamp, old.lastTimestamp, 'lastTimestamp'));
  errs.push(...immutable(ev.count ?? 0, old.count ?? 0, 'count'));
  errs.push(...immutable(ev.reason ?? '', old.reason ?? '', 'reason'));
  errs.push(...immutable(ev.type ?? '', old.type ?? '', 'type'));
  if (micros(ev.eventTime) !== micros(old.eventTime)) errs.push(...immutable(ev.eventTime, old.eventTime, 'eventTime'));
  return errs;
}

// ---- table: core/v1's printEvent, on the core form ---------------------------------------------------

export function eventRow(obj: KubeObject, now = Date.now()): unknown[] {
  return coreEventRow(asCore(obj), now);
}

function eventFieldLabels(obj: KubeObject): Record<string, string> {
  const ev = asCore(obj);
  return {
    ...objectReferenceLabels('regarding', ev.involvedObject),
    reason: ev.reason ?? '',
    reportingController: ev.reportingComponent ?? '',
    type: ev.type ?? '',
  };
}

export const eventsV1Kind: KindDef = {
  group: 'events.k8s.io',
  version: 'v1',
  kind: 'Event',
  plural: 'events',
  singular: 'event',
  namespaced: true,
  shortNames: ['ev'],
  definition: 'io.k8s.api.events.v1.Event',
  storage: { group: '', plural: 'events', toStorage: eventToCore, fromStorage: eventFromCore },
  columns: coreEventKind.columns,
  strategy: {
    validate: validateEvent,
    validateUpdate: validateEventUpdate,
    row: (obj) => eventRow(obj),
    fieldLabels: eventFieldLabels,
  },
};

export const eventsKinds: KindDef[] = [eventsV1Kind];
