/**
 * The scheduler's view of the cluster: per node, its allocatable resources and what the pods
 * bound (or assumed bound) to it request. Updated from informers and from the scheduler's own
 * decisions before their bindings land, like kube-scheduler's cache with assumed pods.
 */
import type { KubeObject } from '../registry/types.js';
import { podRequests, resourceList } from './resources.js';

export interface NodeInfo {
  node: KubeObject;
  allocatable: Record<string, number>;
  requested: Record<string, number>;
  podCount: number;
  pods: KubeObject[];
  hostPorts: Set<string>;
}

function hostPortsOf(pod: KubeObject): string[] {
  const out: string[] = [];
  for (const c of pod.spec?.containers ?? []) for (const p of c.ports ?? []) if (p.hostPort) out.push(`${p.protocol ?? 'TCP'}/${p.hostIP || '0.0.0.0'}/${p.hostPort}`);
  return out;
}

const podKey = (p: KubeObject) => `${p.metadata.namespace}/${p.metadata.name}`;

const hasRequiredAntiAffinity = (p: KubeObject) => !!p.spec?.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.length;

export class SchedulingState {
  readonly nodes = new Map<string, NodeInfo>();
  /** pods with required anti-affinity, which every placement must respect (kept apart: they are rare) */
  private antiAffinity = new Map<string, { pod: KubeObject; node: string }>();
  private requestCache = new WeakMap<KubeObject, Record<string, number>>();
  private requestListCache = new WeakMap<KubeObject, [string, number][]>();

  /** The pod's non-zero requests as a list, for the fit check's hot loop. */
  requestList(pod: KubeObject): [string, number][] {
    let l = this.requestListCache.get(pod);
    if (!l) this.requestListCache.set(pod, (l = Object.entries(this.requestsOf(pod)).filter(([, v]) => v > 0)));
    return l;
  }

  /** A pod's requests, computed once per pod object. */
  requestsOf(pod: KubeObject): Record<string, number> {
    let r = this.requestCache.get(pod);
    if (!r) this.requestCache.set(pod, (r = podRequests(pod)));
    return r;
  }
  /** pod key -> node name, for every pod counted on a node */
  private placed = new Map<string, { node: string; pod: KubeObject }>();

  setNode(node: KubeObject): void {
    const name = node.metadata.name!;
    const info = this.nodes.get(name);
    const allocatable = resourceList(node.status?.allocatable ?? node.status?.capacity);
    allocatable.pods ??= 110;
    if (info) {
      info.node = node;
      info.allocatable = allocatable;
    } else {
      this.nodes.set(name, { node, allocatable, requested: {}, podCount: 0, pods: [], hostPorts: new Set() });
    }
  }

  removeNode(name: string): void {
    this.nodes.delete(name);
  }

  /** Counts a pod on its node (bound or assumed); a terminal pod frees its resources. */
  addPod(pod: KubeObject, nodeName = pod.spec?.nodeName): void {
    const key = podKey(pod);
    this.removePod(pod);
    const phase = pod.status?.phase;
    if (!nodeName || phase === 'Succeeded' || phase === 'Failed') return;
    const info = this.nodes.get(nodeName);
    this.placed.set(key, { node: nodeName, pod });
    if (hasRequiredAntiAffinity(pod)) this.antiAffinity.set(key, { pod, node: nodeName });
    if (!info) return;
    for (const [k, v] of Object.entries(this.requestsOf(pod))) info.requested[k] = (info.requested[k] ?? 0) + v;
    info.podCount++;
    info.pods.push(pod);
    for (const hp of hostPortsOf(pod)) info.hostPorts.add(hp);
  }

  removePod(pod: KubeObject): void {
    const key = podKey(pod);
    const prev = this.placed.get(key);
    if (!prev) return;
    this.placed.delete(key);
    this.antiAffinity.delete(key);
    const info = this.nodes.get(prev.node);
    if (!info) return;
    for (const [k, v] of Object.entries(this.requestsOf(prev.pod))) info.requested[k] = (info.requested[k] ?? 0) - v;
    info.podCount--;
    info.pods = info.pods.filter((p) => podKey(p) !== key);
    for (const hp of hostPortsOf(prev.pod)) info.hostPorts.delete(hp);
  }

  isPlaced(pod: KubeObject): boolean {
    return this.placed.has(podKey(pod));
  }

  *nodesWithLabel(key: string, value: string): Iterable<NodeInfo> {
    for (const n of this.nodes.values()) if (n.node.metadata.labels?.[key] === value) yield n;
  }

  *podsWithAntiAffinity(): Iterable<{ pod: KubeObject; node: NodeInfo }> {
    for (const { pod, node } of this.antiAffinity.values()) {
      const info = this.nodes.get(node);
      if (info) yield { pod, node: info };
    }
  }

  anyPodMatches(
    pod: KubeObject,
    term: any,
    matches: (sel: any, labels?: Record<string, string>) => boolean,
    namespacesOf: (pod: KubeObject, term: any) => string[] | undefined,
  ): boolean {
    const ns = namespacesOf(pod, term);
    for (const n of this.nodes.values()) {
      for (const p of n.pods) if ((!ns || ns.includes(p.metadata.namespace!)) && matches(term.labelSelector, p.metadata.labels)) return true;
    }
    return false;
  }
}
