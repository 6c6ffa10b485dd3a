#!/usr/bin/env node
// Generates server/apiserver/protobuf/descriptors.json: the protobuf message layouts of the types
// Skiff serves, so server/apiserver/protobuf/decode.ts can turn `application/vnd.kubernetes.protobuf`
// request bodies (what kubectl's typed clients send) into the JSON objects the JSON path sees.
//
// Run by hand, like scripts/gen-schemas.mjs, after a kubectl upgrade; the output is committed:
//   node scripts/fetch-kubectl.mjs && node scripts/gen-proto.mjs [--check]
// (--check: fail if the committed file differs.)
//
// Source of the protocol facts: the real kubectl binary (.tools/kubectl/kubectl). Go's protobuf
// runtime registers every k8s.io/api/<group>/<version>/generated.proto (and the apimachinery ones)
// as a gzipped FileDescriptorProto, which the linker stores verbatim in the binary. We find every
// gzip member (header 1f 8b 08 00 00 00 00 00), inflate it, keep those that parse as a
// FileDescriptorProto named */generated.proto, and read them with a tiny reader for the parts of
// descriptor.proto we need. The descriptors still carry the gogoproto field options go-to-protobuf
// wrote: nullable tells Go pointers from values, customname gives the Go field name.
//
// Whether a zero on the wire shows up in Go's JSON: go-to-protobuf writes a Go value field always and
// a pointer only when set. A pointer's zero is therefore meant (kept); a value field's zero is kept
// only when its json tag lacks omitempty. The omitempty facts come from the Go struct tags, which
// the binary also holds (see goTags below); where those are ambiguous, from the `required` lists
// of server/registry/schema/definitions.json (the v1.33 OpenAPI schemas, scripts/gen-schemas.mjs):
// openapi-gen marks a field required only when it has no omitempty.
//
// The OpenAPI schemas also reveal embedded structs whose JSON is inline (`json:",inline"`, e.g.
// Volume.volumeSource, IngressRule.ingressRuleValue, SecretEnvSource.localObjectReference): proto
// has a field for them, the schema has the embedded struct's properties instead; and the two fields
// whose proto name is not their JSON name (uID -> uid, aPIGroup -> apiGroup). Both are cross-checked
// against the Go tags; a disagreement fails the run.
//
// Output format (keys sorted, one message per line):
//   { "source": ..., "packages": { "<apiVersion>": "<proto package>" }, "kinds": { "<apiVersion>": [kinds] },
//     "metaPackage": ..., "metaKinds": [kinds accepted in every group/version from meta.v1],
//     "messages": { "<fully.qualified.Message>": [[number, jsonName, type, flags, typeName?], ...] },
//     "mapEntries": [names], "arrayWrappers": [names], "special": { name: kind } }
//   type  = FieldDescriptorProto.Type (5 int32, 3 int64, 8 bool, 9 string, 11 message, 12 bytes, ...)
//   flags = 1 repeated | 2 keep zero values (Go pointer, or no omitempty) | 4 inline in JSON
//   typeName: fully-qualified message name (no leading dot), for message-typed fields.
//   mapEntries: synthetic XxxEntry messages of map<k, v> fields (key = 1, value = 2).
//   arrayWrappers: messages that stand for a Go slice type (e.g. meta.v1.Verbs {items}) -> JSON array.
//   special: messages with custom Go JSON (Time, MicroTime, Duration, Quantity, IntOrString,
//            RawExtension, FieldsV1), decoded by hand in decode.ts.

import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateRawSync } from 'node:zlib';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const KUBECTL = join(ROOT, '.tools/kubectl/kubectl');
const DEFINITIONS = join(ROOT, 'server/registry/schema/definitions.json');
const OUT = join(ROOT, 'server/apiserver/protobuf/descriptors.json');

/** The proto packages of the group/versions Skiff serves (plus what their messages reference). */
const SERVED_PACKAGES = [
  'k8s.io.api.core.v1',
  'k8s.io.api.apps.v1',
  'k8s.io.api.batch.v1',
  'k8s.io.api.autoscaling.v1',
  'k8s.io.api.autoscaling.v2',
  'k8s.io.api.networking.v1',
  'k8s.io.api.policy.v1',
  'k8s.io.api.rbac.v1',
  'k8s.io.api.storage.v1',
  'k8s.io.api.coordination.v1',
  'k8s.io.api.discovery.v1',
  'k8s.io.api.events.v1',
  'k8s.io.api.scheduling.v1',
  // serviceaccounts/token (TokenRequest) is served as a subresource.
  'k8s.io.api.authentication.v1',
  'k8s.io.api.authorization.v1',
  'k8s.io.api.certificates.v1',
  'k8s.io.api.flowcontrol.v1',
  'k8s.io.api.node.v1',
  // Bodies of options kinds (DeleteOptions...) are meta.v1 types registered in every group/version.
  'k8s.io.apimachinery.pkg.apis.meta.v1',
];

/** Messages whose Go type has its own JSON form; decode.ts handles each kind. */
const SPECIAL = {
  'k8s.io.apimachinery.pkg.apis.meta.v1.Time': 'time',
  'k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime': 'microtime',
  'k8s.io.apimachinery.pkg.apis.meta.v1.Duration': 'duration',
  'k8s.io.apimachinery.pkg.apis.meta.v1.FieldsV1': 'fieldsv1',
  'k8s.io.apimachinery.pkg.api.resource.Quantity': 'quantity',
  'k8s.io.apimachinery.pkg.api.resource.QuantityValue': 'quantity',
  'k8s.io.apimachinery.pkg.util.intstr.IntOrString': 'intorstring',
  'k8s.io.apimachinery.pkg.runtime.RawExtension': 'rawextension',
};

// gogoproto extension numbers (github.com/gogo/protobuf/gogoproto/gogo.proto).
const GOGO_NULLABLE = 65001;
const GOGO_CUSTOMNAME = 65004;
const GOGO_STRINGER = 64003; // goproto_stringer, set false on hand-written Go types

// ---------------------------------------------------------------------------------------------
// A minimal protobuf reader: enough of the wire format to walk descriptor.proto messages.
// ---------------------------------------------------------------------------------------------

/** Yields [fieldNumber, wireType, value] where value is a BigInt (varint), Buffer (bytes) or null. */
function* wire(buf) {
  let i = 0;
  const varint = () => {
    let r = 0n;
    let s = 0n;
    for (;;) {
      if (i >= buf.length) throw new Error('truncated varint');
      const x = buf[i++];
      r |= BigInt(x & 0x7f) << s;
      s += 7n;
      if (!(x & 0x80)) return r;
      if (s > 63n) throw new Error('varint too long');
    }
  };
  while (i < buf.length) {
    const key = Number(varint());
    const no = key >>> 3;
    const wt = key & 7;
    if (wt === 0) yield [no, wt, varint()];
    else if (wt === 2) {
      const n = Number(varint());
      if (i + n > buf.length) throw new Error('length past end');
      yield [no, wt, buf.subarray(i, i + n)];
      i += n;
    } else if (wt === 1) {
      i += 8;
      yield [no, wt, null];
    } else if (wt === 5) {
      i += 4;
      yield [no, wt, null];
    } else throw new Error(`unsupported wire type ${wt}`);
  }
}

function readOptions(buf) {
  const o = {};
  for (const [no, wt, v] of wire(buf)) o[no] = wt === 0 ? Number(v) : v.toString('utf8');
  return o;
}

function readField(buf) {
  const f = { options: {} };
  for (const [no, , v] of wire(buf)) {
    switch (no) {
      case 1: f.name = v.toString('utf8'); break;
      case 3: f.number = Number(v); break;
      case 4: f.label = Number(v); break;
      case 5: f.type = Number(v); break;
      case 6: f.typeName = v.toString('utf8').replace(/^\./, ''); break;
      case 8: f.options = readOptions(v); break;
      case 10: f.jsonName = v.toString('utf8'); break;
    }
  }
  return f;
}

function readMessage(buf, prefix, out) {
  const m = { fields: [], options: {} };
  const nested = [];
  for (const [no, , v] of wire(buf)) {
    if (no === 1) m.name = v.toString('utf8');
    else if (no === 2) m.fields.push(readField(v));
    else if (no === 3) nested.push(v);
    else if (no === 7) m.options = readOptions(v);
  }
  m.fullName = `${prefix}.${m.name}`;
  out.set(m.fullName, m);
  for (const n of nested) readMessage(n, m.fullName, out);
}

function readFile(buf) {
  const file = { dependency: [], messages: [] };
  for (const [no, , v] of wire(buf)) {
    if (no === 1) file.name = v.toString('utf8');
    else if (no === 2) file.package = v.toString('utf8');
    else if (no === 3) file.dependency.push(v.toString('utf8'));
    else if (no === 4) file.messages.push(v);
  }
  return file;
}

// ---------------------------------------------------------------------------------------------
// 1. Extract every generated.proto descriptor from the kubectl binary.
// ---------------------------------------------------------------------------------------------

if (!existsSync(KUBECTL)) {
  console.error(`missing ${KUBECTL}: run node scripts/fetch-kubectl.mjs first`);
  process.exit(1);
}
const binary = readFileSync(KUBECTL);
const GZIP = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00]);
const files = new Map();
for (let at = binary.indexOf(GZIP); at >= 0; at = binary.indexOf(GZIP, at + 1)) {
  let data;
  try {
    // Raw deflate after the 10-byte header; inflate stops at the end of the member.
    data = inflateRawSync(binary.subarray(at + 10, at + 10 + 8 * 1024 * 1024));
  } catch {
    continue;
  }
  if (data[0] !== 0x0a) continue;
  let file;
  try {
    file = readFile(data);
  } catch {
    continue;
  }
  if (!file.name?.endsWith('/generated.proto') || !file.package) continue;
  files.set(file.name, file);
}
console.error(`found ${files.size} generated.proto descriptors in ${KUBECTL}`);

const messages = new Map();
const kubectlVersion = JSON.parse(execFileSync(KUBECTL, ['version', '--client', '-o', 'json'], { encoding: 'utf8' })).clientVersion.gitVersion;
for (const file of [...files.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) {
  for (const m of file.messages) readMessage(m, file.package, messages);
}

// ---------------------------------------------------------------------------------------------
// 2. The served packages and the closure of what they reference.
// ---------------------------------------------------------------------------------------------

const keep = new Set();
const queue = [...messages.keys()].filter((n) => SERVED_PACKAGES.some((p) => n.startsWith(`${p}.`)));
for (const p of SERVED_PACKAGES) {
  if (!queue.some((n) => n.startsWith(`${p}.`))) throw new Error(`package ${p} not found in kubectl`);
}
while (queue.length) {
  const n = queue.pop();
  if (keep.has(n)) continue;
  const m = messages.get(n);
  if (!m) throw new Error(`unresolved message ${n}`);
  keep.add(n);
  for (const f of m.fields) if (f.typeName && !keep.has(f.typeName)) queue.push(f.typeName);
}

// ---------------------------------------------------------------------------------------------
// 3. Field flags, from gogo options and the OpenAPI schemas.
// ---------------------------------------------------------------------------------------------

// Go struct tags. Go's runtime type data stores each struct field as <flags byte> <varint length>
// <Go name> <varint length> <tag>, so the binary holds `Name` + `json:"name" protobuf:"bytes,1,opt,name=name"`
// for every API struct field. The json part tells omitempty. The linker shares identical
// (name, tag) records, so this is a set per (Go name, protobuf tag) key, not per struct: a key
// whose records disagree is ambiguous and left to the OpenAPI `required` fallback.
const WIRE = { 1: 'fixed64', 2: 'fixed32', 3: 'varint', 4: 'varint', 5: 'varint', 6: 'fixed64', 7: 'fixed32', 8: 'varint', 9: 'bytes', 11: 'bytes', 12: 'bytes', 13: 'varint', 14: 'varint', 15: 'fixed32', 16: 'fixed64', 17: 'zigzag32', 18: 'zigzag64' };
const goTags = new Map();
{
  const text = binary.toString('latin1');
  const re = /([A-Za-z_][A-Za-z0-9_]*)(?:[\x80-\xff][\x01-\x7f]|[\x00-\x7f])json:"([^"]*)" protobuf:"([^"]*)"/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const [, run, json, pb] = m;
    // The Go name is the tail of `run` whose length byte precedes it.
    let goName;
    for (let k = 0; k < run.length && !goName; k++) if (text.charCodeAt(m.index + k - 1) === run.length - k) goName = run.slice(k);
    if (!goName) continue;
    const parts = pb.split(',');
    const name = parts.find((x) => x.startsWith('name='))?.slice(5);
    const key = `${goName}|${parts[0]},${parts[1]},${parts[2]},${name}`;
    const [jsonName, ...opts] = json.split(',');
    if (!goTags.has(key)) goTags.set(key, new Set());
    goTags.get(key).add(`${jsonName}${opts.includes('omitempty') ? ',omitempty' : ''}`);
  }
  console.error(`read ${goTags.size} Go struct tags`);
}
/** omitempty of a field per the Go struct tags, or undefined when unknown or ambiguous. */
function tagsOf(f) {
  const goName = f.options[GOGO_CUSTOMNAME] ?? f.name[0].toUpperCase() + f.name.slice(1);
  return goTags.get(`${goName}|${WIRE[f.type]},${f.number},${f.label === 3 ? 'rep' : 'opt'},${f.name}`);
}
function omitEmptyOf(f) {
  const variants = tagsOf(f);
  if (!variants) return undefined;
  const omits = new Set([...variants].map((v) => v.endsWith(',omitempty')));
  return omits.size === 1 ? [...omits][0] : undefined;
}

const definitions = JSON.parse(readFileSync(DEFINITIONS, 'utf8'));
const REF = '#/components/schemas/';
/** OpenAPI definition of a message: k8s.io.api.apps.v1.Deployment -> io.k8s.api.apps.v1.Deployment. */
function definitionOf(name) {
  return definitions[name.replace(/^k8s\.io\./, 'io.k8s.')];
}
/** Properties of a definition, following allOf/$ref as gen-schemas writes them. */
function propertiesOf(def) {
  return def?.properties ?? {};
}

/** Embedded structs inlined in their parent's JSON: parent def lacks the field, has the struct's fields. */
function isInline(parentDef, f) {
  if (!parentDef || !f.typeName || f.label === 3 || f.name in propertiesOf(parentDef)) return false;
  const shortType = f.typeName.slice(f.typeName.lastIndexOf('.') + 1);
  const sub = messages.get(f.typeName);
  return f.options[GOGO_CUSTOMNAME] === shortType && !!sub && sub.fields.every((sf) => sf.name in propertiesOf(parentDef));
}
// An inlined struct has no definition of its own: its fields' facts are in the parent's.
const inlineParentDef = new Map();
for (const name of keep) {
  const def = definitionOf(name);
  for (const f of messages.get(name).fields) if (isInline(def, f)) inlineParentDef.set(f.typeName, def);
}

const zeroFacts = { tags: 0, openapi: 0, differ: [] };
const nameMismatch = [];
const mapEntries = [];
const arrayWrappers = [];
const inlineFields = [];
const renamed = [];
const unmatched = [];
const out = {};
for (const name of [...keep].sort()) {
  const m = messages.get(name);
  if (m.options[7] === 1) mapEntries.push(name);
  if (m.options[GOGO_STRINGER] === 0 && m.fields.length === 1 && m.fields[0].name === 'items' && m.fields[0].label === 3 && !SPECIAL[name]) {
    arrayWrappers.push(name);
  }
  const def = definitionOf(name) ?? inlineParentDef.get(name);
  const props = propertiesOf(def);
  const required = new Set(def?.required ?? []);
  const fields = [];
  for (const f of [...m.fields].sort((a, b) => a.number - b.number)) {
    let flags = 0;
    let jsonName = f.name;
    if (f.label === 3) flags |= 1;
    if (isInline(def, f)) {
      flags |= 4;
      inlineFields.push(`${name}.${f.name}`);
    } else if (def && !(jsonName in props)) {
      // go-to-protobuf lower-cases only the first letter of a Go name (UID -> uID); JSON has its own tag.
      const match = Object.keys(props).find((k) => k.toLowerCase() === f.name.toLowerCase());
      if (match) {
        jsonName = match;
        renamed.push(`${name}.${f.name} -> ${match}`);
      } else unmatched.push(`${name}.${f.name}`);
    }
    // A Go pointer is on the wire only when set, so a zero there is meant; a value field is always
    // on the wire and Go's JSON drops its zero unless the field has no omitempty (= required).
    // []byte (type 12) is a slice: omitempty drops it when empty.
    const pointer = f.options[GOGO_NULLABLE] !== 0 && f.type !== 12;
    if (pointer) flags |= 2;
    else if (f.type !== 11 && f.label !== 3) {
      const omitEmpty = omitEmptyOf(f);
      const byOpenAPI = required.has(jsonName);
      if (omitEmpty === undefined) {
        zeroFacts.openapi++;
        if (byOpenAPI) flags |= 2;
      } else {
        zeroFacts.tags++;
        if (!omitEmpty) flags |= 2;
        if (!omitEmpty !== byOpenAPI && def) zeroFacts.differ.push(`${name}.${jsonName}`);
      }
    } else if (required.has(jsonName)) flags |= 2;
    // Cross-check the JSON name against the Go tags (inline fields have an empty one).
    const tagNames = new Set(SPECIAL[name] ? [] : [...(tagsOf(f) ?? [])].map((v) => v.split(',')[0]));
    if (tagNames.size === 1 && ![...tagNames][0] !== !!(flags & 4)) nameMismatch.push(`${name}.${f.name}: inline tag mismatch`);
    if (tagNames.size === 1 && !(flags & 4) && !tagNames.has(jsonName)) nameMismatch.push(`${name}.${f.name}: ${jsonName} vs tag ${[...tagNames][0]}`);
    const entry = [f.number, jsonName, f.type, flags];
    if (f.typeName) entry.push(f.typeName);
    fields.push(entry);
  }
  out[name] = fields;
}

// Kinds a body may carry, per group/version: the OpenAPI schemas' x-kubernetes-group-version-kind
// (object, list and subresource kinds), plus the meta.v1 kinds Go registers into every group/version.
const META_PACKAGE = 'k8s.io.apimachinery.pkg.apis.meta.v1';
const META_KINDS = ['CreateOptions', 'DeleteOptions', 'GetOptions', 'ListOptions', 'PatchOptions', 'Status', 'UpdateOptions', 'WatchEvent'];
const packages = {};
const kinds = {};
for (const name of [...keep].sort()) {
  if (name.startsWith(`${META_PACKAGE}.`)) continue;
  const pkg = name.slice(0, name.lastIndexOf('.'));
  for (const gvk of definitionOf(name)?.['x-kubernetes-group-version-kind'] ?? []) {
    const gv = gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version;
    if (`${pkg}.${gvk.kind}` !== name) throw new Error(`${name} claims ${gv} ${gvk.kind}`);
    if (packages[gv] && packages[gv] !== pkg) throw new Error(`${gv} in two packages: ${packages[gv]}, ${pkg}`);
    packages[gv] = pkg;
    (kinds[gv] ??= []).push(gvk.kind);
  }
}
for (const k of META_KINDS) if (!keep.has(`${META_PACKAGE}.${k}`)) throw new Error(`missing ${META_PACKAGE}.${k}`);
console.error(`group/versions: ${Object.keys(packages).sort().join(', ')}`);

const special = {};
for (const [name, kind] of Object.entries(SPECIAL)) if (keep.has(name)) special[name] = kind;

console.error(`kept ${keep.size} messages (${mapEntries.length} map entries)`);
console.error(`inline fields: ${inlineFields.join(', ')}`);
console.error(`renamed to their JSON names: ${renamed.join(', ')}`);
console.error(`zero handling of value scalars: ${zeroFacts.tags} from Go tags, ${zeroFacts.openapi} from OpenAPI required`);
console.error(`  Go tag says no omitempty, OpenAPI does not require (or the reverse): ${zeroFacts.differ.join(', ')}`);
if (nameMismatch.length) throw new Error(`JSON names disagree with the Go struct tags:\n  ${nameMismatch.join('\n  ')}`);
console.error(`array wrappers: ${arrayWrappers.join(', ')}`);
if (unmatched.length) console.error(`proto fields not in the OpenAPI schema (kept as they are): ${unmatched.join(', ')}`);

// ---------------------------------------------------------------------------------------------
// 4. Deterministic, diff-friendly output.
// ---------------------------------------------------------------------------------------------

const lines = [];
lines.push('{');
lines.push(`"source": ${JSON.stringify(`kubectl ${kubectlVersion} embedded generated.proto descriptors; generated by scripts/gen-proto.mjs`)},`);
lines.push(`"packages": ${JSON.stringify(Object.fromEntries(Object.entries(packages).sort()))},`);
lines.push(`"kinds": ${JSON.stringify(Object.fromEntries(Object.entries(kinds).sort().map(([gv, ks]) => [gv, ks.sort()])))},`);
lines.push(`"metaPackage": ${JSON.stringify(META_PACKAGE)},`);
lines.push(`"metaKinds": ${JSON.stringify(META_KINDS)},`);
lines.push(`"special": ${JSON.stringify(special)},`);
lines.push(`"mapEntries": ${JSON.stringify(mapEntries)},`);
lines.push(`"arrayWrappers": ${JSON.stringify(arrayWrappers)},`);
lines.push('"messages": {');
const names = Object.keys(out);
names.forEach((n, i) => lines.push(`${JSON.stringify(n)}: ${JSON.stringify(out[n])}${i < names.length - 1 ? ',' : ''}`));
lines.push('}');
lines.push('}');
const text = `${lines.join('\n')}\n`;
JSON.parse(text);

if (process.argv.includes('--check')) {
  const current = existsSync(OUT) ? readFileSync(OUT, 'utf8') : '';
  if (current !== text) {
    console.error(`${OUT} is out of date: run node scripts/gen-proto.mjs`);
    process.exit(1);
  }
  console.error(`${OUT} is up to date`);
} else {
  writeFileSync(OUT, text);
  console.error(`wrote ${OUT} (${text.length} bytes)`);
}
