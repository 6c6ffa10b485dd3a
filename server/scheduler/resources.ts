/**
 * Resource arithmetic the scheduler needs, in integer units: cpu in millicores, everything else
 * in its base unit. A pod's request is max(sum of app containers, largest init container) plus
 * overhead, as upstream's resource helpers compute it.
 */
import { tryParseQuantity } from '../registry/quantity.js';
import type { KubeObject } from '../registry/types.js';

export function amount(resource: string, q: unknown): number {
  const parsed = tryParseQuantity(q);
  if (!parsed) return 0;
  return resource === 'cpu' ? parsed.milliValue() : parsed.value();
}

export function resourceList(list: Record<string, unknown> | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(list ?? {})) out[k] = amount(k, v);
  return out;
}

export function podRequests(pod: KubeObject): Record<string, number> {
  const total: Record<string, number> = {};
  for (const c of pod.spec?.containers ?? []) {
    for (const [k, v] of Object.entries(resourceList(c.resources?.requests ?? c.resources?.limits))) total[k] = (total[k] ?? 0) + v;
  }
  for (const c of pod.spec?.initContainers ?? []) {
    for (const [k, v] of Object.entries(resourceList(c.resources?.requests ?? c.resources?.limits))) total[k] = Math.max(total[k] ?? 0, v);
  }
  for (const [k, v] of Object.entries(resourceList(pod.spec?.overhead))) total[k] = (total[k] ?? 0) + v;
  return total;
}
