/**
 * ReplicaSet controller (and, with a plain-map selector, the ReplicationController one — upstream
 * runs the same code for both): keeps the number of active pods a set controls equal to its
 * replicas, adopting matching orphans, and reports counts in status.
 */
import { StatusError } from '../apiserver/errors.js';
import type { KubeObject } from '../registry/types.js';
import { EventRecorder } from '../client/events.js';
import type { InformerFactory } from '../client/factory.js';
import { keyOf, splitKey } from '../client/informer.js';
import { R, type Client, type GVR } from '../client/types.js';
import { WorkQueue } from '../client/workqueue.js';
import { Expectations } from './expectations.js';
import { controllerOf, controllerRef, deletionRank, isPodActive, isPodAvailable, isPodReady, selectorMatches } from './podutil.js';

/** Upstream's burstReplicas: at most this many creates or deletes per sync. */
const BURST = 500;

export interface ReplicaSetFlavor {
  gvr: GVR;
  apiVersion: string;
  kind: string;
  component: string;
  /** the set's selector as a LabelSelector */
  selector(set: KubeObject): any;
}

export const replicaSetFlavor: ReplicaSetFlavor = {
  gvr: R.replicasets,
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  component: 'replicaset-controller',
  selector: (rs) => rs.spec?.selector,
};

export const replicationControllerFlavor: ReplicaSetFlavor = {
  gvr: R.replicationcontrollers,
  apiVersion: 'v1',
  kind: 'ReplicationController',
  component: 'replication-controller',
  selector: (rc) => ({ matchLabels: rc.spec?.selector ?? rc.spec?.template?.metadata?.labels ?? {} }),
};

export class ReplicaSetController {
  private queue: WorkQueue;
  private expectations = new Expectations();
  private recorder: EventRecorder;

  constructor(
    private client: Client,
    private informers: InformerFactory,
    private flavor: ReplicaSetFlavor = replicaSetFlavor,
  ) {
    this.queue = new WorkQueue((key) => this.reconcile(key), 2);
    this.recorder = new EventRecorder(client, flavor.component);
    const sets = informers.for(flavor.gvr);
    sets.on({
      add: (o) => this.queue.add(keyOf(o)),
      update: (_old, o) => this.queue.add(keyOf(o)),
      delete: (o) => {
        this.expectations.forget(keyOf(o));
        this.queue.add(keyOf(o));
      },
    });
    informers.for(R.pods).on({
      add: (p) => this.podChanged(p, 'add'),
      update: (old, p) => {
        this.podChanged(p);
        const was = controllerOf(old);
        if (was && was.uid !== controllerOf(p)?.uid) this.podChanged(old);
      },
      delete: (p) => this.podChanged(p, 'delete'),
    });
  }

  private podChanged(pod: KubeObject, what?: 'add' | 'delete'): void {
    const ref = controllerOf(pod);
    if (ref) {
      if (ref.kind !== this.flavor.kind) return;
      const key = `${pod.metadata.namespace}/${ref.name}`;
      if (what === 'add') this.expectations.observedAdd(key);
      if (what === 'delete') this.expectations.observedDelete(key);
      this.queue.add(key);
      return;
    }
    // An orphan: every set whose selector matches may want to adopt it.
    for (const set of this.informers.for(this.flavor.gvr).list(pod.metadata.namespace)) {
      if (selectorMatches(this.flavor.selector(set), pod.metadata.labels)) this.queue.add(keyOf(set));
    }
  }

  stop(): void {
    this.queue.stop();
  }

  async reconcile(key: string): Promise<void> {
    const set = this.informers.for(this.flavor.gvr).get(key);
    if (!set) {
      this.expectations.forget(key);
      return;
    }
    const { namespace } = splitKey(key);
    const selector = this.flavor.selector(set);
    const owned: KubeObject[] = [];
    for (const pod of this.informers.for(R.pods).list(namespace)) {
      const ref = controllerOf(pod);
      if (ref?.uid === set.metadata.uid) {
        owned.push(pod);
      } else if (!ref && !pod.metadata.deletionTimestamp && !set.metadata.deletionTimestamp && selectorMatches(selector, pod.metadata.labels)) {
        if (await this.adopt(set, pod)) owned.push(pod);
      }
    }
    const active = owned.filter(isPodActive);
    if (this.expectations.satisfied(key) && !set.metadata.deletionTimestamp) await this.manage(key, set, active);
    await this.updateStatus(set, active);
  }

  private async adopt(set: KubeObject, pod: KubeObject): Promise<boolean> {
    try {
      await this.client.patch(R.pods, pod.metadata.namespace, pod.metadata.name!, 'strategic', {
        metadata: { ownerReferences: [controllerRef(set, this.flavor.apiVersion, this.flavor.kind)], uid: pod.metadata.uid },
      });
      return true;
    } catch {
      return false;
    }
  }

  private async manage(key: string, set: KubeObject, active: KubeObject[]): Promise<void> {
    const want = set.spec?.replicas ?? 1;
    const diff = active.length - want;
    if (diff < 0) {
      const n = Math.min(-diff, BURST);
      this.expectations.expect(key, n, 0);
      const tpl = set.spec.template ?? {};
      // Upstream creates in slow-start batches (1, 2, 4, ...) so a failing template costs one call.
      let created = 0;
      for (let batch = 1; created < n; batch *= 2) {
        const size = Math.min(batch, n - created);
        const results = await Promise.allSettled(Array.from({ length: size }, () => this.createPod(set, tpl)));
        const failed = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
        created += size;
        if (failed.length) {
          this.expectations.lower(key, failed.length + (n - created), 0);
          const err = failed[0].reason;
          this.recorder.event(set, 'Warning', 'FailedCreate', `Error creating: ${err instanceof Error ? err.message : String(err)}`);
          throw err;
        }
      }
    } else if (diff > 0) {
      const victims = [...active].sort(deletionRank).slice(0, Math.min(diff, BURST));
      this.expectations.expect(key, 0, victims.length);
      await Promise.all(
        victims.map(async (pod) => {
          try {
            await this.client.delete(R.pods, pod.metadata.namespace, pod.metadata.name!);
            this.recorder.event(set, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
          } catch (e) {
            this.expectations.lower(key, 0, 1);
            if (!(e instanceof StatusError && e.code === 404)) throw e;
          }
        }),
      );
    }
  }

  private async createPod(set: KubeObject, tpl: KubeObject): Promise<void> {
    const pod = await this.client.create(R.pods, set.metadata.namespace, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        generateName: `${set.metadata.name}-`,
        labels: { ...(tpl.metadata?.labels ?? {}) },
        annotations: tpl.metadata?.annotations ? { ...tpl.metadata.annotations } : undefined,
        ownerReferences: [controllerRef(set, this.flavor.apiVersion, this.flavor.kind)],
      },
      spec: JSON.parse(JSON.stringify(tpl.spec ?? {})),
    });
    this.recorder.event(set, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`);
  }

  private async updateStatus(set: KubeObject, active: KubeObject[]): Promise<void> {
    const minReady = set.spec?.minReadySeconds ?? 0;
    const tplLabels = set.spec?.template?.metadata?.labels ?? {};
    const status: Record<string, unknown> = {
      replicas: active.length,
      fullyLabeledReplicas: active.filter((p) => Object.entries(tplLabels).every(([k, v]) => p.metadata.labels?.[k] === v)).length,
      readyReplicas: active.filter(isPodReady).length,
      availableReplicas: active.filter((p) => isPodAvailable(p, minReady)).length,
      observedGeneration: set.metadata.generation,
    };
    for (const k of Object.keys(status)) if (status[k] === undefined || (status[k] === 0 && k !== 'replicas')) delete status[k];
    const old = set.status ?? {};
    const same = ['replicas', 'fullyLabeledReplicas', 'readyReplicas', 'availableReplicas', 'observedGeneration'].every((k) => (old[k] ?? 0) === (status[k] ?? 0));
    if (same && !old.conditions?.length) {
      this.requeueForAvailability(set, active, minReady);
      return;
    }
    try {
      await this.client.updateStatus(this.flavor.gvr, set.metadata.namespace, { ...set, status: { ...status, conditions: undefined } });
    } catch (e) {
      if (e instanceof StatusError && (e.code === 404 || e.code === 409)) return;
      throw e;
    }
    this.requeueForAvailability(set, active, minReady);
  }

  /** A pod that is ready but not yet available becomes available with time alone: look again then. */
  private requeueForAvailability(set: KubeObject, active: KubeObject[], minReady: number): void {
    if (!minReady) return;
    if (active.some((p) => isPodReady(p) && !isPodAvailable(p, minReady))) this.queue.addAfter(keyOf(set), minReady * 1000);
  }
}
