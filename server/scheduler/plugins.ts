/**
 * Filter and score plugins, named after kube-scheduler's: each filter returns undefined (fits) or
 * the reason string upstream reports, which FailedScheduling events count per node.
 */
import type { KubeObject } from '../registry/types.js';
import { selectorMatches as labelSelectorMatches } from '../registry/validation.js';
import type { NodeInfo, SchedulingState } from './state.js';

export type Filter = (pod: KubeObject, node: NodeInfo, state: SchedulingState) => string | undefined;

function tolerates(tolerations: any[] = [], taint: any): boolean {
  return tolerations.some((t) => {
    if (t.effect && t.effect !== taint.effect) return false;
    if (!t.key) return t.operator === 'Exists';
    if (t.key !== taint.key) return false;
    if (t.operator === 'Exists') return true;
    return (t.value ?? '') === (taint.value ?? '');
  });
}

export const nodeUnschedulable: Filter = (pod, node) => {
  if (!node.node.spec?.unschedulable) return undefined;
  return tolerates(pod.spec?.tolerations, { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }) ? undefined : 'node(s) were unschedulable';
};

export const taintToleration: Filter = (pod, node) => {
  for (const taint of node.node.spec?.taints ?? []) {
    if (taint.effect !== 'NoSchedule' && taint.effect !== 'NoExecute') continue;
    if (!tolerates(pod.spec?.tolerations, taint)) return `node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`;
  }
  return undefined;
};

function matchesNodeSelectorTerm(term: any, labels: Record<string, string>, fields: Record<string, string>): boolean {
  const exprs = term.matchExpressions ?? [];
  const fieldExprs = term.matchFields ?? [];
  if (exprs.length === 0 && fieldExprs.length === 0) return false;
  const check = (e: any, source: Record<string, string>) => {
    const has = Object.prototype.hasOwnProperty.call(source, e.key);
    const v = source[e.key];
    switch (e.operator) {
      case 'In': return has && (e.values ?? []).includes(v);
      case 'NotIn': return !has || !(e.values ?? []).includes(v);
      case 'Exists': return has;
      case 'DoesNotExist': return !has;
      case 'Gt': return has && Number(v) > Number(e.values?.[0]);
      case 'Lt': return has && Number(v) < Number(e.values?.[0]);
      default: return false;
    }
  };
  return exprs.every((e: any) => check(e, labels)) && fieldExprs.every((e: any) => check(e, fields));
}

export const nodeAffinity: Filter = (pod, node) => {
  const labels = node.node.metadata.labels ?? {};
  for (const [k, v] of Object.entries(pod.spec?.nodeSelector ?? {})) if (labels[k] !== v) return "node(s) didn't match Pod's node affinity/selector";
  const required = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (required?.nodeSelectorTerms?.length) {
    const fields = { 'metadata.name': node.node.metadata.name! };
    if (!required.nodeSelectorTerms.some((t: any) => matchesNodeSelectorTerm(t, labels, fields))) return "node(s) didn't match Pod's node affinity/selector";
  }
  return undefined;
};

export const nodeName: Filter = (pod, node) =>
  pod.spec?.nodeName && pod.spec.nodeName !== node.node.metadata.name ? "node(s) didn't match the requested node name" : undefined;

/** NodeResourcesFit: reports every resource short on the node, as upstream counts them. */
export const nodeResourcesFit: Filter = (pod, node, state) => insufficient(node, state.requestList(pod));

/** Every reason a node lacks room, one per line ("Too many pods", "Insufficient cpu"), or undefined when it fits. */
export function insufficient(node: NodeInfo, requests: readonly (readonly [string, number])[]): string | undefined {
  let out: string | undefined;
  if (node.podCount + 1 > node.allocatable.pods) out = 'Too many pods';
  // A hot loop (pods × nodes): no allocation unless the node does not fit.
  for (let i = 0; i < requests.length; i++) {
    const [res, amount] = requests[i];
    const free = (node.allocatable[res] ?? 0) - (node.requested[res] ?? 0);
    if (amount > free) out = out ? `${out}\nInsufficient ${res}` : `Insufficient ${res}`;
  }
  return out;
}

export const nodePorts: Filter = (pod, node) => {
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) {
      if (!p.hostPort) continue;
      const key = `${p.protocol ?? 'TCP'}/${p.hostIP || '0.0.0.0'}/${p.hostPort}`;
      if (node.hostPorts.has(key) || node.hostPorts.has(`${p.protocol ?? 'TCP'}/0.0.0.0/${p.hostPort}`)) return "node(s) didn't have free ports for the requested pod ports";
    }
  }
  return undefined;
};

function termNamespaces(pod: KubeObject, term: any): string[] | undefined {
  if (term.namespaceSelector && Object.keys(term.namespaceSelector).length === 0) return undefined;
  return term.namespaces?.length ? term.namespaces : [pod.metadata.namespace!];
}

/** Pods on nodes sharing `topologyKey`'s value with `node` that match an affinity term. */
function termSatisfiedIn(pod: KubeObject, term: any, node: NodeInfo, state: SchedulingState): boolean {
  const key = term.topologyKey;
  const value = node.node.metadata.labels?.[key];
  if (value === undefined) return false;
  const namespaces = termNamespaces(pod, term);
  for (const other of state.nodesWithLabel(key, value)) {
    for (const p of other.pods) {
      if (namespaces && !namespaces.includes(p.metadata.namespace!)) continue;
      if (labelSelectorMatches(term.labelSelector, p.metadata.labels)) return true;
    }
  }
  return false;
}

export const interPodAffinity: Filter = (pod, node, state) => {
  const aff = pod.spec?.affinity;
  for (const term of aff?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []) {
    if (!termSatisfiedIn(pod, term, node, state)) {
      // Upstream lets the first pod of a self-affine group in when no pod matches anywhere.
      const selfMatch = labelSelectorMatches(term.labelSelector, pod.metadata.labels);
      if (!(selfMatch && !state.anyPodMatches(pod, term, labelSelectorMatches, termNamespaces)) || node.node.metadata.labels?.[term.topologyKey] === undefined) {
        return "node(s) didn't match pod affinity rules";
      }
    }
  }
  for (const term of aff?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []) {
    if (termSatisfiedIn(pod, term, node, state)) return "node(s) didn't match pod anti-affinity rules";
  }
  // Existing pods' anti-affinity toward this pod is symmetric.
  const value = (k: string) => node.node.metadata.labels?.[k];
  for (const other of state.podsWithAntiAffinity()) {
    for (const term of other.pod.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution) {
      const ns = termNamespaces(other.pod, term);
      if (ns && !ns.includes(pod.metadata.namespace!)) continue;
      if (!labelSelectorMatches(term.labelSelector, pod.metadata.labels)) continue;
      const v = value(term.topologyKey);
      if (v !== undefined && other.node.node.metadata.labels?.[term.topologyKey] === v) return "node(s) didn't satisfy existing pods anti-affinity rules";
    }
  }
  return undefined;
};

/** Count of matching pods per topology value, over nodes that pass the pod's node affinity. */
function spreadCounts(pod: KubeObject, c: any, state: SchedulingState): Map<string, number> {
  const counts = new Map<string, number>();
  for (const n of state.nodes.values()) {
    const v = n.node.metadata.labels?.[c.topologyKey];
    if (v === undefined) continue;
    if (nodeAffinity(pod, n, state) !== undefined) continue;
    let count = counts.get(v) ?? 0;
    for (const p of n.pods) if (p.metadata.namespace === pod.metadata.namespace && labelSelectorMatches(c.labelSelector, p.metadata.labels)) count++;
    counts.set(v, count);
  }
  return counts;
}

export const podTopologySpread: Filter = (pod, node, state) => {
  for (const c of pod.spec?.topologySpreadConstraints ?? []) {
    if (c.whenUnsatisfiable !== 'DoNotSchedule') continue;
    const v = node.node.metadata.labels?.[c.topologyKey];
    if (v === undefined) return "node(s) didn't match pod topology spread constraints (missing required label)";
    const counts = spreadCounts(pod, c, state);
    const min = counts.size ? Math.min(...counts.values()) : 0;
    const self = labelSelectorMatches(c.labelSelector, pod.metadata.labels) ? 1 : 0;
    if ((counts.get(v) ?? 0) + self - min > (c.maxSkew ?? 1)) return "node(s) didn't match pod topology spread constraints";
  }
  return undefined;
};

/** In kube-scheduler's default plugin order: a node is reported with the first filter it fails. */
export const FILTERS: Filter[] = [nodeUnschedulable, nodeName, taintToleration, nodeAffinity, nodePorts, nodeResourcesFit, podTopologySpread, interPodAffinity];

/** Scores 0..100 per node; higher is better. */
export function score(pod: KubeObject, node: NodeInfo, requests: Record<string, number>, state: SchedulingState): number {
  // LeastAllocated on cpu and memory, plus BalancedAllocation.
  const frac = (res: string) => {
    const alloc = node.allocatable[res] || 1;
    return Math.min(1, ((node.requested[res] ?? 0) + (requests[res] ?? 0)) / alloc);
  };
  const cpu = frac('cpu');
  const mem = frac('memory');
  let s = ((1 - cpu) * 50 + (1 - mem) * 50) + (1 - Math.abs(cpu - mem)) * 100;
  // Preferred node affinity.
  const labels = node.node.metadata.labels ?? {};
  for (const p of pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []) {
    if (matchesNodeSelectorTerm(p.preference ?? {}, labels, { 'metadata.name': node.node.metadata.name! })) s += p.weight ?? 0;
  }
  // Preferred pod (anti-)affinity.
  for (const p of pod.spec?.affinity?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []) {
    if (termSatisfiedIn(pod, p.podAffinityTerm, node, state)) s += p.weight ?? 0;
  }
  for (const p of pod.spec?.affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []) {
    if (termSatisfiedIn(pod, p.podAffinityTerm, node, state)) s -= p.weight ?? 0;
  }
  // Spread a controller's replicas (SelectorSpread / default topology spreading): fewer siblings is better.
  const owner = pod.metadata.ownerReferences?.find((r: any) => r.controller)?.uid;
  if (owner) s -= 30 * node.pods.filter((p) => p.metadata.ownerReferences?.some((r: any) => r.uid === owner)).length;
  for (const c of pod.spec?.topologySpreadConstraints ?? []) {
    if (c.whenUnsatisfiable !== 'ScheduleAnyway') continue;
    const v = labels[c.topologyKey];
    if (v !== undefined) s -= 10 * (spreadCounts(pod, c, state).get(v) ?? 0);
  }
  return s;
}
