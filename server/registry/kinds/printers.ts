/**
 * Shared pieces of the `kubectl get` tables (pkg/printers/internalversion): the NAME and AGE
 * columns, duration formatting as apimachinery's duration.HumanDuration, and small helpers the
 * per-kind row functions use.
 */
import type { ColumnDef, KubeObject } from '../types.js';

/**
 * duration.HumanDuration of a span in milliseconds: "45s", "3m20s", "5h10m", "3d4h", "2y30d".
 * Up to two seconds in the future counts as now; further is "<invalid>".
 */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = Math.trunc(ms / 60_000);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = Math.trunc(ms / 3_600_000);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.trunc(hours / 24)}d` : `${Math.trunc(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const dy = Math.trunc(hours / 24) % 365;
    const y = Math.trunc(hours / 24 / 365);
    return dy === 0 ? `${y}y` : `${y}y${dy}d`;
  }
  return `${Math.trunc(hours / 24 / 365)}y`;
}

/** translateTimestampSince: "<unknown>" for a missing timestamp, else the human age. */
export function translateTimestampSince(ts: string | undefined | null, now: number = Date.now()): string {
  if (!ts) return '<unknown>';
  const t = Date.parse(ts);
  if (Number.isNaN(t)) return '<unknown>';
  return humanDuration(now - t);
}

/** The AGE cell of an object. */
export function age(obj: KubeObject, now: number = Date.now()): string {
  return translateTimestampSince(obj.metadata?.creationTimestamp, now);
}

export const NAME_COLUMN: ColumnDef = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description: 'The unique name of the object within its namespace (or the cluster, for cluster-scoped kinds).',
  priority: 0,
};

export const AGE_COLUMN: ColumnDef = {
  name: 'Age',
  type: 'string',
  description: 'Time since the object was created (metadata.creationTimestamp).',
  priority: 0,
};

/** A column definition in one line: col('Ready', 'string', 'desc'), wide ones with priority 1. */
export function col(name: string, type: ColumnDef['type'], description: string, priority = 0): ColumnDef {
  return { name, type, description, priority };
}

/** "<none>" for empty strings, as the printers write absent values. */
export function orNone(s: string | undefined | null): string {
  return s ? s : '<none>';
}

/** Container names and images of a pod template, comma-joined (the CONTAINERS / IMAGES columns). */
export function containersAndImages(podSpec: { containers?: { name?: string; image?: string }[] } | undefined): [string, string] {
  const cs = Array.isArray(podSpec?.containers) ? podSpec!.containers! : [];
  return [cs.map((c) => c?.name ?? '').join(','), cs.map((c) => c?.image ?? '').join(',')];
}
