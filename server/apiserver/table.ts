/**
 * meta.k8s.io/v1 Table responses for `kubectl get`: the kind's columns, one row per object, and
 * the row object as PartialObjectMetadata unless the client asked for the full object.
 */
import type { ColumnDef, KindDef, KubeObject } from '../registry/types.js';

export type IncludeObject = 'None' | 'Metadata' | 'Object';

/** Does the Accept header ask for a Table (as=Table;g=meta.k8s.io)? */
export function wantsTable(accept: string): boolean {
  return accept.split(',').some((part) => /(^|;)\s*as=Table/.test(part) && /g=meta\.k8s\.io/.test(part));
}

/** as=PartialObjectMetadata / PartialObjectMetadataList (metadata-only clients such as the GC). */
export function wantsPartialMetadata(accept: string): boolean {
  return accept.split(',').some((part) => /as=PartialObjectMetadata/.test(part) && /g=meta\.k8s\.io/.test(part));
}

export function partialMetadata(obj: KubeObject): KubeObject {
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
}

function rowObject(obj: KubeObject, include: IncludeObject): KubeObject | undefined {
  if (include === 'None') return undefined;
  if (include === 'Object') return obj;
  return partialMetadata(obj);
}

function safeRow(def: KindDef, obj: KubeObject): unknown[] {
  try {
    return def.strategy.row(obj);
  } catch {
    // A printer must never fail a list; fall back to the name and blanks as upstream's defaults do.
    return def.columns.map((c, i) => (i === 0 ? obj.metadata.name : c.type === 'integer' ? 0 : '<unknown>'));
  }
}

export function columnDefinitions(def: KindDef): ColumnDef[] {
  return def.columns;
}

export function table(
  def: KindDef,
  objects: KubeObject[],
  include: IncludeObject,
  listMeta: { resourceVersion?: string; continue?: string; remainingItemCount?: number },
  withColumns = true,
): Record<string, unknown> {
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta,
    columnDefinitions: withColumns ? columnDefinitions(def) : null,
    rows: objects.map((o) => {
      const row: Record<string, unknown> = { cells: safeRow(def, o) };
      const ro = rowObject(o, include);
      if (ro) row.object = ro;
      return row;
    }),
  };
}
