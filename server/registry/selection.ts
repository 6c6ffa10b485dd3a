/**
 * List and watch filtering: `?labelSelector=` and `?fieldSelector=` compiled into one predicate.
 * Field selectors support metadata.name, metadata.namespace and the fields each kind declares
 * through its strategy's fieldLabels, with =, == and != as upstream's fields package does.
 */
import { badRequest } from '../apiserver/errors.js';
import type { KindDef, KubeObject } from './types.js';

export type Selector = (obj: KubeObject, def: KindDef) => boolean;

interface FieldRequirement {
  field: string;
  value: string;
  equal: boolean;
}

function parseFieldSelector(text: string): FieldRequirement[] {
  const reqs: FieldRequirement[] = [];
  for (const part of text.split(',')) {
    const term = part.trim();
    if (!term) continue;
    const m = /^([^=!]+?)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!m) throw badRequest(`invalid field selector: invalid selector: '${text}'; can't understand '${term}'`);
    reqs.push({ field: m[1].trim(), value: m[3].trim(), equal: m[2] !== '!=' });
  }
  return reqs;
}

function fieldValues(obj: KubeObject, def: KindDef): Record<string, string> {
  const base: Record<string, string> = { 'metadata.name': obj.metadata?.name ?? '' };
  if (def.namespaced) base['metadata.namespace'] = obj.metadata?.namespace ?? '';
  return def.strategy.fieldLabels ? { ...base, ...def.strategy.fieldLabels(obj) } : base;
}

export function compileSelector(
  def: KindDef,
  labelSelector: string | undefined,
  fieldSelector: string | undefined,
  parseLabels: (text: string) => (labels: Record<string, string>) => boolean,
): Selector | undefined {
  let labelMatch: ((labels: Record<string, string>) => boolean) | undefined;
  if (labelSelector && labelSelector.trim()) {
    try {
      labelMatch = parseLabels(labelSelector);
    } catch (e) {
      throw badRequest((e as Error).message);
    }
  }
  let fieldReqs: FieldRequirement[] = [];
  if (fieldSelector && fieldSelector.trim()) {
    fieldReqs = parseFieldSelector(fieldSelector);
    const probe = fieldValues({ metadata: {} }, def);
    const supported = new Set(Object.keys(probe));
    for (const r of fieldReqs) {
      if (supported.has(r.field)) continue;
      // Kinds with their own field label conversions (pods, events, ...) word it as upstream's do.
      if (def.strategy.fieldLabels) throw badRequest(`field label not supported: ${r.field}`);
      throw badRequest(`"${r.field}" is not a known field selector: only "${[...supported].join('", "')}"`);
    }
  }
  if (!labelMatch && fieldReqs.length === 0) return undefined;
  return (obj, d) => {
    if (labelMatch && !labelMatch(obj.metadata?.labels ?? {})) return false;
    if (fieldReqs.length) {
      const values = fieldValues(obj, d);
      for (const r of fieldReqs) if ((values[r.field] === r.value) !== r.equal) return false;
    }
    return true;
  };
}
