/**
 * Binds the request handlers and the generic store to the modules that own schemas, patches,
 * managed fields and selectors — everything reads the registry's one schema per kind.
 */
import type { Codecs } from './handlers.js';
import type { FieldManager, WriteContext } from '../registry/generic.js';
import type { Registry } from '../registry/registry.js';
import type { KindDef, KubeObject } from '../registry/types.js';
import { compileLabelSelector } from '../registry/validation.js';
import { checkDecode, defaultCustomResource, pruneUnknownFields, validateCustomResource } from '../registry/schema/decode.js';
import { resolve, schemaFor } from '../registry/schema/index.js';
import type { CustomResourceContext } from '../registry/kinds/apiextensions.js';
import { jsonPatch } from './patch/jsonpatch.js';
import { mergePatch } from './patch/mergepatch.js';
import { strategicMergePatch } from './patch/strategic.js';
import { serverSideApply, updateManagedFields } from './patch/apply.js';
import { apiVersionOf } from '../registry/registry.js';

export interface ClusterCodecs extends Codecs {
  validateCustomResource(obj: KubeObject, ctx: CustomResourceContext): ReturnType<typeof validateCustomResource>;
  defaultCustomResource(obj: KubeObject, ctx: CustomResourceContext): void;
}

/** How managed fields are tracked for a kind: custom resources compare untyped, and CRDs without a status subresource track status too. */
function trackingOptions(registry: Registry, def: KindDef) {
  const custom = registry.isCustom(def);
  return custom ? { typed: false, ...(def.subresources?.status ? {} : { resetFields: [] as string[][] }) } : {};
}

export function createCodecs(registry: Registry): ClusterCodecs {
  return {
    checkFields: (def, obj) => {
      if (!schemaFor(def.definition)) return { unknown: [] };
      const result = checkDecode(obj, def.definition);
      // Custom resources decode as unstructured: wrong types are schema violations (422), found later.
      return registry.isCustom(def) ? { unknown: result.unknown } : result;
    },
    prune: (def, obj) => {
      if (schemaFor(def.definition)) pruneUnknownFields(obj, def.definition);
    },
    jsonPatch,
    mergePatch,
    strategicPatch: (def, doc, patch) => strategicMergePatch(doc, patch, schemaFor(def.definition), resolve) as KubeObject,
    apply: (def, live, config, manager, force) =>
      serverSideApply(live, config, manager, force, schemaFor(def.definition), resolve, apiVersionOf(def), new Date(), { kind: def.kind, ...trackingOptions(registry, def) }),
    parseLabelSelector: compileLabelSelector,
    validateCustomResource: (obj, ctx) => (ctx.schema ? validateCustomResource(obj, ctx.schema) : []),
    defaultCustomResource: (obj, ctx) => {
      if (ctx.schema) defaultCustomResource(obj, ctx.schema);
    },
  };
}

/** Records every write in metadata.managedFields, as the apiserver's field manager does. */
export function createFieldManager(registry: Registry): FieldManager {
  return {
    update(def: KindDef, old: KubeObject | undefined, obj: KubeObject, ctx: WriteContext) {
      // Apply records its own entry; a binding writes storage directly upstream, without one.
      if (ctx.operation === 'Apply' || ctx.subresource === 'binding') return;
      const subresource = ctx.subresource === 'status' || ctx.subresource === 'scale' ? ctx.subresource : undefined;
      updateManagedFields(old, obj, ctx.manager, subresource, schemaFor(def.definition), resolve, apiVersionOf(def), new Date(), trackingOptions(registry, def));
    },
  };
}
