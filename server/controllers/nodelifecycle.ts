/**
 * Node lifecycle: a node whose kubelet stops renewing its Lease turns Ready=Unknown
 * ("Kubelet stopped posting node status.") after the grace period and gets the unreachable
 * taints; pods on it are evicted once their toleration for that taint runs out (300 s by
 * default, from the DefaultTolerationSeconds admission plugin). Ready nodes lose the taints.
 */
import type { KubeObject } from '../registry/types.js';
import { now } from '../registry/generic.js';
import { EventRecorder } from '../client/events.js';
import type { InformerFactory } from '../client/factory.js';
import { keyOf } from '../client/informer.js';
import { R, type Client } from '../client/types.js';
import { WorkQueue } from '../client/workqueue.js';

export const UNREACHABLE = 'node.kubernetes.io/unreachable';
export const NOT_READY = 'node.kubernetes.io/not-ready';
export const UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';

export interface NodeLifecycleOptions {
  /** --node-monitor-grace-period; upstream default 50 s in v1.33 */
  gracePeriodMs: number;
  /** how often every node is checked */
  monitorPeriodMs: number;
}

export class NodeLifecycleController {
  private queue: WorkQueue;
  private timer: NodeJS.Timeout;
  private recorder: EventRecorder;

  constructor(private client: Client, private informers: InformerFactory, private opts: NodeLifecycleOptions) {
    this.queue = new WorkQueue((key) => this.reconcile(key), 1);
    this.recorder = new EventRecorder(client, 'node-controller');
    informers.for(R.nodes).on({ add: (n) => this.queue.add(keyOf(n)), update: (_o, n) => this.queue.add(keyOf(n)) });
    informers.for(R.leases);
    informers.for(R.pods);
    this.timer = setInterval(() => informers.for(R.nodes).list().forEach((n) => this.queue.add(keyOf(n))), opts.monitorPeriodMs);
  }

  stop(): void {
    clearInterval(this.timer);
    this.queue.stop();
  }

  private lastHeartbeat(node: KubeObject): number {
    const lease = this.informers.for(R.leases).get(`kube-node-lease/${node.metadata.name}`);
    const renew = Date.parse(lease?.spec?.renewTime ?? '');
    const ready = (node.status?.conditions ?? []).find((c: any) => c.type === 'Ready');
    const hb = Date.parse(ready?.lastHeartbeatTime ?? '');
    return Math.max(Number.isFinite(renew) ? renew : 0, Number.isFinite(hb) ? hb : 0, Date.parse(node.metadata.creationTimestamp ?? '') || 0);
  }

  async reconcile(key: string): Promise<void> {
    const node = this.informers.for(R.nodes).get(key);
    if (!node) return;
    const stale = Date.now() - this.lastHeartbeat(node) > this.opts.gracePeriodMs;
    const ready = (node.status?.conditions ?? []).find((c: any) => c.type === 'Ready');
    const taints: any[] = node.spec?.taints ?? [];
    const hasUnreachable = taints.some((t) => t.key === UNREACHABLE);
    if (stale) {
      if (ready?.status !== 'Unknown') {
        const ts = now();
        const conditions = (node.status?.conditions ?? []).map((c: any) =>
          ({ ...c, status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastTransitionTime: ts }),
        );
        await this.client.updateStatus(R.nodes, undefined, { ...node, status: { ...node.status, conditions } });
        this.recorder.event({ ...node, metadata: { ...node.metadata, namespace: 'default' } }, 'Normal', 'NodeNotReady', `Node ${node.metadata.name} status is now: NodeNotReady`);
        return;
      }
      if (!hasUnreachable) {
        const added = [
          { key: UNREACHABLE, effect: 'NoSchedule', timeAdded: undefined },
          { key: UNREACHABLE, effect: 'NoExecute', timeAdded: now() },
        ];
        await this.client.patch(R.nodes, undefined, node.metadata.name!, 'merge', { spec: { taints: [...taints.filter((t) => t.key !== NOT_READY), ...added.map((t) => (t.timeAdded ? t : { key: t.key, effect: t.effect }))] } });
        return;
      }
      await this.evict(node, taints.find((t) => t.key === UNREACHABLE && t.effect === 'NoExecute'));
      return;
    }
    if (hasUnreachable && ready?.status === 'True') {
      await this.client.patch(R.nodes, undefined, node.metadata.name!, 'merge', { spec: { taints: taints.filter((t) => t.key !== UNREACHABLE && t.key !== NOT_READY) } });
      return;
    }
    await this.syncUnschedulableTaint(node, taints);
  }

  /** A cordoned node (spec.unschedulable) carries node.kubernetes.io/unschedulable:NoSchedule, as upstream's TaintNodesByCondition does. */
  private async syncUnschedulableTaint(node: KubeObject, taints: any[]): Promise<void> {
    const has = taints.some((t) => t.key === UNSCHEDULABLE && t.effect === 'NoSchedule');
    const want = !!node.spec?.unschedulable;
    if (has === want) return;
    const next = want ? [...taints, { key: UNSCHEDULABLE, effect: 'NoSchedule', timeAdded: now() }] : taints.filter((t) => t.key !== UNSCHEDULABLE);
    await this.client.patch(R.nodes, undefined, node.metadata.name!, 'merge', { spec: { taints: next.length ? next : null } });
  }

  /** Taint-based eviction: pods that do not tolerate the NoExecute taint long enough are deleted. */
  private async evict(node: KubeObject, taint: any): Promise<void> {
    if (!taint) return;
    const since = Date.parse(taint.timeAdded ?? '') || Date.now();
    let next = Infinity;
    for (const pod of this.informers.for(R.pods).list()) {
      if (pod.spec?.nodeName !== node.metadata.name || pod.metadata.deletionTimestamp) continue;
      const tol = (pod.spec?.tolerations ?? []).find((t: any) => (t.key === taint.key || (!t.key && t.operator === 'Exists')) && (!t.effect || t.effect === 'NoExecute'));
      if (tol && tol.tolerationSeconds === undefined) continue;
      const deadline = since + (tol ? Math.max(0, tol.tolerationSeconds) * 1000 : 0);
      if (deadline > Date.now()) {
        next = Math.min(next, deadline);
        continue;
      }
      this.recorder.event(pod, 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${pod.metadata.namespace}/${pod.metadata.name}`);
      await this.client.delete(R.pods, pod.metadata.namespace, pod.metadata.name!).catch(() => {});
    }
    if (next !== Infinity) this.queue.addAfter(node.metadata.name!, next - Date.now() + 10);
  }
}
