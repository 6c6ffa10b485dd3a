/**
 * DaemonSet controller: one pod per eligible node (node selector, required affinity, tolerated
 * taints), pinned with a matchFields node affinity and placed by the scheduler, rolled with
 * RollingUpdate (maxUnavailable) or OnDelete; each template is a ControllerRevision.
 */
import { StatusError } from '../apiserver/errors.js';
import type { KubeObject } from '../registry/types.js';
import { EventRecorder } from '../client/events.js';
import type { InformerFactory } from '../client/factory.js';
import { keyOf, splitKey } from '../client/informer.js';
import { R, type Client } from '../client/types.js';
import { WorkQueue } from '../client/workqueue.js';
import { templateHash, resolveIntOrPercent } from './deployment.js';
import { controllerOf, controllerRef, isPodActive, isPodAvailable, isPodReady } from './podutil.js';
import { nodeAffinity, taintToleration } from '../scheduler/plugins.js';

const REVISION_HASH = 'controller-revision-hash';

/** Tolerations the controller adds to every daemon pod (upstream AddOrUpdateDaemonPodTolerations). */
const DAEMON_TOLERATIONS = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
];

export class DaemonSetController {
  private queue: WorkQueue;
  private recorder: EventRecorder;

  constructor(private client: Client, private informers: InformerFactory) {
    this.queue = new WorkQueue((key) => this.reconcile(key), 2);
    this.recorder = new EventRecorder(client, 'daemonset-controller');
    const all = () => informers.for(R.daemonsets).list().forEach((d) => this.queue.add(keyOf(d)));
    informers.for(R.daemonsets).on({ add: (d) => this.queue.add(keyOf(d)), update: (_o, d) => this.queue.add(keyOf(d)), delete: (d) => this.queue.add(keyOf(d)) });
    informers.for(R.nodes).on({ add: all, update: all, delete: all });
    const podChanged = (p: KubeObject) => {
      const ref = controllerOf(p);
      if (ref?.kind === 'DaemonSet') this.queue.add(`${p.metadata.namespace}/${ref.name}`);
    };
    informers.for(R.pods).on({ add: podChanged, update: (_o, p) => podChanged(p), delete: podChanged });
    informers.for(R.controllerrevisions);
  }

  stop(): void {
    this.queue.stop();
  }

  private podFor(ds: KubeObject, node: string, hash: string): KubeObject {
    const tpl = JSON.parse(JSON.stringify(ds.spec.template ?? {}));
    const spec = tpl.spec ?? {};
    const tolerations = [...(spec.tolerations ?? [])];
    for (const t of DAEMON_TOLERATIONS) if (!tolerations.some((x: any) => x.key === t.key && x.effect === t.effect)) tolerations.push(t);
    spec.tolerations = tolerations;
    spec.affinity = {
      ...(spec.affinity ?? {}),
      nodeAffinity: {
        ...(spec.affinity?.nodeAffinity ?? {}),
        requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [node] }] }] },
      },
    };
    return {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        generateName: `${ds.metadata.name}-`,
        labels: { ...(tpl.metadata?.labels ?? {}), [REVISION_HASH]: hash, 'pod-template-generation': String(ds.metadata.generation ?? 1) },
        annotations: tpl.metadata?.annotations,
        ownerReferences: [controllerRef(ds, 'apps/v1', 'DaemonSet')],
      },
      spec,
    };
  }

  /** Would a daemon pod run on this node? Node selector/affinity and taints, as upstream's predicates. */
  private eligible(ds: KubeObject, node: KubeObject, hash: string): boolean {
    const probe = this.podFor(ds, node.metadata.name!, hash);
    const info = { node, allocatable: {}, requested: {}, podCount: 0, pods: [], hostPorts: new Set<string>() };
    return nodeAffinity(probe, info, undefined as never) === undefined && taintToleration(probe, info, undefined as never) === undefined;
  }

  private async ensureRevision(ds: KubeObject, hash: string): Promise<void> {
    const name = `${ds.metadata.name}-${hash}`;
    const existing = this.informers.for(R.controllerrevisions).get(`${ds.metadata.namespace}/${name}`);
    const owned = this.informers.for(R.controllerrevisions).list(ds.metadata.namespace).filter((r) => controllerOf(r)?.uid === ds.metadata.uid);
    const max = Math.max(0, ...owned.map((r) => r.revision ?? 0));
    if (existing) {
      if ((existing.revision ?? 0) < max) await this.client.update(R.controllerrevisions, ds.metadata.namespace, { ...existing, revision: max + 1 }).catch(() => {});
      return;
    }
    await this.client
      .create(R.controllerrevisions, ds.metadata.namespace, {
        apiVersion: 'apps/v1',
        kind: 'ControllerRevision',
        metadata: { name, labels: { ...(ds.spec.template?.metadata?.labels ?? {}), [REVISION_HASH]: hash }, ownerReferences: [controllerRef(ds, 'apps/v1', 'DaemonSet')] },
        data: { spec: { template: { ...ds.spec.template, $patch: 'replace' } } },
        revision: max + 1,
      })
      .catch((e) => {
        if (!(e instanceof StatusError && e.code === 409)) throw e;
      });
  }

  async reconcile(key: string): Promise<void> {
    const ds = this.informers.for(R.daemonsets).get(key);
    if (!ds || ds.metadata.deletionTimestamp) return;
    const { namespace } = splitKey(key);
    const hash = templateHash(ds.spec.template);
    await this.ensureRevision(ds, hash);
    const nodes = this.informers.for(R.nodes).list();
    const pods = this.informers.for(R.pods).list(namespace).filter((p) => controllerOf(p)?.uid === ds.metadata.uid);
    const podNode = (p: KubeObject) => p.spec?.nodeName ?? p.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms?.[0]?.matchFields?.[0]?.values?.[0];
    const byNode = new Map<string, KubeObject[]>();
    for (const p of pods) {
      const n = podNode(p);
      if (!n) continue;
      if (!byNode.has(n)) byNode.set(n, []);
      byNode.get(n)!.push(p);
    }
    const desired = nodes.filter((n) => this.eligible(ds, n, hash));
    const desiredNames = new Set(desired.map((n) => n.metadata.name!));
    const toCreate: string[] = [];
    const toDelete: KubeObject[] = [];
    for (const n of desired) {
      const mine = (byNode.get(n.metadata.name!) ?? []).filter(isPodActive);
      const failed = (byNode.get(n.metadata.name!) ?? []).filter((p) => p.status?.phase === 'Failed');
      toDelete.push(...failed);
      if (mine.length === 0) toCreate.push(n.metadata.name!);
      else toDelete.push(...mine.slice(1));
    }
    for (const [n, ps] of byNode) if (!desiredNames.has(n)) toDelete.push(...ps.filter((p) => !p.metadata.deletionTimestamp));
    // Rolling update: replace old-template pods, keeping at most maxUnavailable down at once.
    if ((ds.spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate') {
      const maxUnavailable = resolveIntOrPercent(ds.spec.updateStrategy?.rollingUpdate?.maxUnavailable, desired.length, true, '1') || 1;
      const active = pods.filter(isPodActive);
      const unavailable = desired.length - active.filter((p) => isPodAvailable(p, ds.spec.minReadySeconds ?? 0)).length;
      let budget = maxUnavailable - Math.max(0, unavailable);
      for (const p of active.filter((p) => p.metadata.labels?.[REVISION_HASH] !== hash)) {
        if (!isPodAvailable(p, ds.spec.minReadySeconds ?? 0)) toDelete.push(p);
        else if (budget > 0) {
          toDelete.push(p);
          budget--;
        }
      }
    }
    for (const node of toCreate) {
      const pod = await this.client.create(R.pods, namespace, this.podFor(ds, node, hash));
      this.recorder.event(ds, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`);
    }
    for (const p of new Set(toDelete)) {
      await this.client.delete(R.pods, namespace, p.metadata.name!).catch(() => {});
      this.recorder.event(ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`);
    }
    const scheduled = pods.filter((p) => isPodActive(p) && desiredNames.has(podNode(p)));
    const status: Record<string, number> = {
      currentNumberScheduled: scheduled.length,
      numberMisscheduled: pods.filter((p) => isPodActive(p) && !desiredNames.has(podNode(p))).length,
      desiredNumberScheduled: desired.length,
      numberReady: scheduled.filter(isPodReady).length,
      observedGeneration: ds.metadata.generation ?? 0,
      updatedNumberScheduled: scheduled.filter((p) => p.metadata.labels?.[REVISION_HASH] === hash).length,
      numberAvailable: scheduled.filter((p) => isPodAvailable(p, ds.spec.minReadySeconds ?? 0)).length,
    };
    status.numberUnavailable = Math.max(0, desired.length - status.numberAvailable);
    for (const k of ['updatedNumberScheduled', 'numberAvailable', 'numberUnavailable']) if (!status[k]) delete status[k];
    const old = ds.status ?? {};
    if (Object.keys({ ...old, ...status }).every((k) => k === 'conditions' || old[k] === status[k])) return;
    await this.client.updateStatus(R.daemonsets, namespace, { ...ds, status }).catch((e) => {
      if (!(e instanceof StatusError && (e.code === 404 || e.code === 409))) throw e;
      this.queue.addAfter(key, 100);
    });
  }
}
