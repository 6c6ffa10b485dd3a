/** Which pods back a Service and on which ports: shared by the Endpoints and EndpointSlice controllers. */
import type { KubeObject } from '../registry/types.js';
import { isPodReady } from './podutil.js';

export interface Backend {
  pod: KubeObject;
  ip: string;
  ready: boolean;
  terminating: boolean;
  /** service port name -> resolved container port */
  ports: { name?: string; port: number; protocol: string }[];
}

export function selectsPod(svc: KubeObject, pod: KubeObject): boolean {
  const sel = svc.spec?.selector;
  if (!sel || Object.keys(sel).length === 0) return false;
  if (pod.metadata.namespace !== svc.metadata.namespace) return false;
  return Object.entries(sel).every(([k, v]) => pod.metadata.labels?.[k] === v);
}

/** targetPort as a number, or a named container port looked up in the pod. */
function resolvePort(pod: KubeObject, target: number | string | undefined, fallback: number, protocol: string): number | undefined {
  if (target === undefined || target === '') return fallback;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) if (p.name === target && (p.protocol ?? 'TCP') === protocol) return p.containerPort;
  }
  return undefined;
}

export function backendsOf(svc: KubeObject, pods: KubeObject[]): Backend[] {
  const out: Backend[] = [];
  for (const pod of pods) {
    if (!selectsPod(svc, pod)) continue;
    const ip = pod.status?.podIP;
    const phase = pod.status?.phase;
    if (!ip || phase === 'Succeeded' || phase === 'Failed') continue;
    const terminating = !!pod.metadata.deletionTimestamp;
    const ports: Backend['ports'] = [];
    for (const sp of svc.spec?.ports ?? []) {
      const protocol = sp.protocol ?? 'TCP';
      const port = resolvePort(pod, sp.targetPort, sp.port, protocol);
      if (port !== undefined) ports.push({ name: sp.name, port, protocol });
    }
    const ready = (isPodReady(pod) && !terminating) || !!svc.spec?.publishNotReadyAddresses;
    out.push({ pod, ip, ready, terminating, ports });
  }
  return out;
}
