/**
 * kube-scheduler: takes unbound pods one at a time, filters nodes, scores the survivors, assumes
 * the pod onto the best node in its cache and binds through pods/binding without waiting, so the
 * next decision already sees this one. Pods that fit nowhere get PodScheduled=False and a
 * FailedScheduling event, and wait until the cluster changes.
 */
import { StatusError } from '../apiserver/errors.js';
import { now } from '../registry/generic.js';
import type { KubeObject } from '../registry/types.js';
import { EventRecorder } from '../client/events.js';
import type { InformerFactory } from '../client/factory.js';
import { keyOf } from '../client/informer.js';
import { R, type Client } from '../client/types.js';
import { FILTERS, score } from './plugins.js';
import { SchedulingState } from './state.js';

export const DEFAULT_SCHEDULER = 'default-scheduler';
/** Upstream moves unschedulable pods back at the latest after this long, even without events. */
export const schedulerTuning = { unschedulableFlushMs: 5 * 60 * 1000 };

/**
 * kube-scheduler's numFeasibleNodesToFind with the adaptive percentage: all nodes below 100, else
 * (50 - nodes/125)% of them, at least 5% and at least 100 nodes.
 */
export function feasibleNodesToFind(nodes: number): number {
  if (nodes < 100) return nodes;
  const pct = Math.max(5, 50 - nodes / 125);
  return Math.max(100, Math.floor((nodes * pct) / 100));
}

export class Scheduler {
  readonly state = new SchedulingState();
  private active: string[] = [];
  private queued = new Set<string>();
  private unschedulable = new Set<string>();
  private running = false;
  private stopped = false;
  private recorder: EventRecorder;
  private flushTimer: NodeJS.Timeout;
  private nextStart = 0;
  /** pods bound so far, for the benchmark's figures */
  bound = 0;

  constructor(private client: Client, private informers: InformerFactory) {
    this.recorder = new EventRecorder(client, DEFAULT_SCHEDULER);
    informers.for(R.nodes).on({
      add: (n) => {
        this.state.setNode(n);
        this.retryUnschedulable();
      },
      update: (_o, n) => {
        this.state.setNode(n);
        this.retryUnschedulable();
      },
      delete: (n) => this.state.removeNode(n.metadata.name!),
    });
    informers.for(R.pods).on({
      add: (p) => this.podSeen(p),
      update: (_o, p) => this.podSeen(p),
      delete: (p) => {
        this.state.removePod(p);
        this.retryUnschedulable();
      },
    });
    this.flushTimer = setInterval(() => this.retryUnschedulable(), schedulerTuning.unschedulableFlushMs);
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.flushTimer);
  }

  private podSeen(pod: KubeObject): void {
    if (pod.spec?.nodeName) {
      const wasPlaced = this.state.isPlaced(pod);
      this.state.addPod(pod);
      // A pod finishing frees room: others may fit now.
      if (wasPlaced && !this.state.isPlaced(pod)) this.retryUnschedulable();
      return;
    }
    if ((pod.spec?.schedulerName ?? DEFAULT_SCHEDULER) !== DEFAULT_SCHEDULER || pod.metadata.deletionTimestamp) return;
    const key = keyOf(pod);
    if (this.unschedulable.has(key)) return;
    this.enqueue(key);
  }

  private enqueue(key: string): void {
    if (this.queued.has(key)) return;
    this.queued.add(key);
    this.active.push(key);
    if (!this.running) setImmediate(() => this.loop());
  }

  private retryUnschedulable(): void {
    if (this.unschedulable.size === 0) return;
    const keys = [...this.unschedulable];
    this.unschedulable.clear();
    for (const k of keys) this.enqueue(k);
  }

  private loop(): void {
    if (this.running || this.stopped) return;
    this.running = true;
    try {
      // Decide in slices so binds, watches and the API keep flowing between them.
      const deadline = Date.now() + 20;
      while (this.active.length && Date.now() < deadline) {
        const key = this.active.shift()!;
        this.queued.delete(key);
        this.scheduleOne(key);
      }
    } finally {
      this.running = false;
    }
    if (this.active.length && !this.stopped) setImmediate(() => this.loop());
  }

  private scheduleOne(key: string): void {
    const pod = this.informers.for(R.pods).get(key);
    if (!pod || pod.spec?.nodeName || pod.metadata.deletionTimestamp || this.state.isPlaced(pod)) return;
    const requests = this.state.requestsOf(pod);
    const reasons = new Map<string, number>();
    const count = (r: string) => reasons.set(r, (reasons.get(r) ?? 0) + 1);
    let best: { name: string; score: number } | undefined;
    // Like upstream's percentageOfNodesToScore: stop once enough feasible nodes are found, and
    // start each search where the last one stopped so every node gets its turn.
    const nodes = [...this.state.nodes.values()];
    const enough = feasibleNodesToFind(nodes.length);
    let feasible = 0;
    for (let k = 0; k < nodes.length && feasible < enough; k++) {
      const info = nodes[(this.nextStart + k) % nodes.length];
      let failed: string | undefined;
      for (const f of FILTERS) {
        failed = f(pod, info, this.state);
        if (failed) break;
      }
      if (failed) {
        for (const r of failed.split('\n')) count(r);
        continue;
      }
      feasible++;
      if (feasible === enough) this.nextStart = (this.nextStart + k + 1) % nodes.length;
      const s = score(pod, info, requests, this.state);
      if (!best || s > best.score) best = { name: info.node.metadata.name!, score: s };
    }
    if (!best) {
      void this.markUnschedulable(pod, this.fitError(reasons));
      return;
    }
    this.state.addPod(pod, best.name);
    void this.bind(pod, best.name);
  }

  /** upstream FitError: "0/3 nodes are available: 1 node(s) had untolerated taint {...}, 2 Insufficient cpu." */
  private fitError(reasons: Map<string, number>): string {
    const total = this.state.nodes.size;
    if (total === 0) return 'no nodes available to schedule pods';
    const parts = [...reasons].map(([r, n]) => `${n} ${r}`).sort();
    return `0/${total} nodes are available: ${parts.join(', ')}.`;
  }

  private async bind(pod: KubeObject, node: string): Promise<void> {
    try {
      await this.client.bind(pod.metadata.namespace!, pod.metadata.name!, node);
      this.bound++;
      this.recorder.event(pod, 'Normal', 'Scheduled', `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${node}`);
    } catch (e) {
      this.state.removePod(pod);
      if (e instanceof StatusError && (e.code === 404 || e.code === 409)) return;
      setTimeout(() => this.enqueue(keyOf(pod)), 1000);
    }
  }

  private async markUnschedulable(pod: KubeObject, message: string): Promise<void> {
    const key = keyOf(pod);
    this.unschedulable.add(key);
    const cond = (pod.status?.conditions ?? []).find((c: any) => c.type === 'PodScheduled');
    this.recorder.event(pod, 'Warning', 'FailedScheduling', message);
    if (cond?.status === 'False' && cond.message === message) return;
    const conditions = (pod.status?.conditions ?? []).filter((c: any) => c.type !== 'PodScheduled');
    conditions.push({ type: 'PodScheduled', status: 'False', lastProbeTime: null, lastTransitionTime: now(), reason: 'Unschedulable', message });
    try {
      await this.client.patch(R.pods, pod.metadata.namespace, pod.metadata.name!, 'strategic', { status: { conditions } }, { subresource: 'status' });
    } catch {
      // the pod went away or changed; its next event brings it back
    }
  }
}
