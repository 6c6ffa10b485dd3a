/**
 * StatefulSet controller: pods with stable names `<set>-<ordinal>`, created in order (each after
 * the previous is Running and Ready, with OrderedReady) and removed from the highest ordinal,
 * one PersistentVolumeClaim per volumeClaimTemplate and ordinal, rolling updates from the highest
 * ordinal down to the partition, one pod at a time.
 */
import { StatusError } from '../apiserver/errors.js';
import type { KubeObject } from '../registry/types.js';
import { EventRecorder } from '../client/events.js';
import type { InformerFactory } from '../client/factory.js';
import { keyOf, splitKey } from '../client/informer.js';
import { gvr, R, type Client } from '../client/types.js';
import { WorkQueue } from '../client/workqueue.js';
import { templateHash } from './deployment.js';
import { controllerOf, controllerRef, isPodAvailable, isPodReady } from './podutil.js';

const REVISION_HASH = 'controller-revision-hash';
const POD_NAME = 'statefulset.kubernetes.io/pod-name';
const POD_INDEX = 'apps.kubernetes.io/pod-index';
const PVCS = gvr('', 'v1', 'persistentvolumeclaims');

export class StatefulSetController {
  private queue: WorkQueue;
  private recorder: EventRecorder;

  constructor(private client: Client, private informers: InformerFactory) {
    this.queue = new WorkQueue((key) => this.reconcile(key), 2);
    this.recorder = new EventRecorder(client, 'statefulset-controller');
    informers.for(R.statefulsets).on({ add: (s) => this.queue.add(keyOf(s)), update: (_o, s) => this.queue.add(keyOf(s)), delete: (s) => this.queue.add(keyOf(s)) });
    const podChanged = (p: KubeObject) => {
      const ref = controllerOf(p);
      if (ref?.kind === 'StatefulSet') this.queue.add(`${p.metadata.namespace}/${ref.name}`);
    };
    informers.for(R.pods).on({ add: podChanged, update: (_o, p) => podChanged(p), delete: podChanged });
  }

  stop(): void {
    this.queue.stop();
  }

  private revision(sts: KubeObject): string {
    return `${sts.metadata.name}-${templateHash(sts.spec.template)}`;
  }

  private podFor(sts: KubeObject, ordinal: number, revision: string): KubeObject {
    const tpl = JSON.parse(JSON.stringify(sts.spec.template ?? {}));
    const name = `${sts.metadata.name}-${ordinal}`;
    const spec = tpl.spec ?? {};
    spec.hostname = name;
    if (sts.spec.serviceName) spec.subdomain = sts.spec.serviceName;
    const claimVolumes = (sts.spec.volumeClaimTemplates ?? []).map((c: KubeObject) => ({ name: c.metadata.name, persistentVolumeClaim: { claimName: `${c.metadata.name}-${name}` } }));
    spec.volumes = [...(spec.volumes ?? []).filter((v: any) => !claimVolumes.some((c: any) => c.name === v.name)), ...claimVolumes];
    return {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name,
        labels: { ...(tpl.metadata?.labels ?? {}), [REVISION_HASH]: revision, [POD_NAME]: name, [POD_INDEX]: String(ordinal) },
        annotations: tpl.metadata?.annotations,
        ownerReferences: [controllerRef(sts, 'apps/v1', 'StatefulSet')],
      },
      spec,
    };
  }

  private async ensureClaims(sts: KubeObject, ordinal: number): Promise<void> {
    for (const c of sts.spec.volumeClaimTemplates ?? []) {
      const name = `${c.metadata.name}-${sts.metadata.name}-${ordinal}`;
      await this.client
        .create(PVCS, sts.metadata.namespace, {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          metadata: { name, labels: { ...(sts.spec.selector?.matchLabels ?? {}), ...(c.metadata.labels ?? {}) } },
          spec: JSON.parse(JSON.stringify(c.spec ?? {})),
        })
        .catch((e) => {
          if (!(e instanceof StatusError && e.code === 409)) throw e;
        });
    }
  }

  async reconcile(key: string): Promise<void> {
    const sts = this.informers.for(R.statefulsets).get(key);
    if (!sts || sts.metadata.deletionTimestamp) return;
    const { namespace } = splitKey(key);
    const replicas: number = sts.spec.replicas ?? 1;
    const parallel = sts.spec.podManagementPolicy === 'Parallel';
    const updateRevision = this.revision(sts);
    const pods = new Map<number, KubeObject>();
    for (const p of this.informers.for(R.pods).list(namespace)) {
      if (controllerOf(p)?.uid !== sts.metadata.uid) continue;
      const m = new RegExp(`^${sts.metadata.name}-(\\d+)$`).exec(p.metadata.name!);
      if (m) pods.set(Number(m[1]), p);
    }
    const healthy = (p: KubeObject | undefined) => !!p && p.status?.phase === 'Running' && isPodReady(p) && !p.metadata.deletionTimestamp;
    // Create missing ordinals (in order unless Parallel); replace failed pods.
    for (let i = 0; i < replicas; i++) {
      const p = pods.get(i);
      if (p && (p.status?.phase === 'Failed' || p.status?.phase === 'Succeeded') && !p.metadata.deletionTimestamp) {
        await this.client.delete(R.pods, namespace, p.metadata.name!).catch(() => {});
        this.recorder.event(sts, 'Normal', 'SuccessfulDelete', `delete Pod ${p.metadata.name} in StatefulSet ${sts.metadata.name} successful`);
        if (!parallel) return;
        continue;
      }
      if (!p) {
        await this.ensureClaims(sts, i);
        await this.client.create(R.pods, namespace, this.podFor(sts, i, updateRevision)).catch((e) => {
          if (!(e instanceof StatusError && e.code === 409)) throw e;
        });
        this.recorder.event(sts, 'Normal', 'SuccessfulCreate', `create Pod ${sts.metadata.name}-${i} in StatefulSet ${sts.metadata.name} successful`);
        if (!parallel) return this.updateStatus(sts, pods, updateRevision);
        continue;
      }
      if (!parallel && !healthy(p)) return this.updateStatus(sts, pods, updateRevision);
    }
    // Scale down from the highest ordinal.
    const extra = [...pods.keys()].filter((i) => i >= replicas).sort((a, b) => b - a);
    for (const i of extra) {
      const p = pods.get(i)!;
      if (p.metadata.deletionTimestamp) {
        if (!parallel) return this.updateStatus(sts, pods, updateRevision);
        continue;
      }
      await this.client.delete(R.pods, namespace, p.metadata.name!).catch(() => {});
      this.recorder.event(sts, 'Normal', 'SuccessfulDelete', `delete Pod ${p.metadata.name} in StatefulSet ${sts.metadata.name} successful`);
      if (!parallel) return this.updateStatus(sts, pods, updateRevision);
    }
    // Rolling update: the highest ordinal not on the update revision goes first, one at a time.
    if ((sts.spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate') {
      const partition = sts.spec.updateStrategy?.rollingUpdate?.partition ?? 0;
      for (let i = replicas - 1; i >= partition; i--) {
        const p = pods.get(i);
        if (!p) break;
        if (p.metadata.labels?.[REVISION_HASH] !== updateRevision) {
          if (!p.metadata.deletionTimestamp) {
            await this.client.delete(R.pods, namespace, p.metadata.name!).catch(() => {});
            this.recorder.event(sts, 'Normal', 'SuccessfulDelete', `delete Pod ${p.metadata.name} in StatefulSet ${sts.metadata.name} successful`);
          }
          break;
        }
        if (!healthy(p)) break;
      }
    }
    return this.updateStatus(sts, pods, updateRevision);
  }

  private async updateStatus(sts: KubeObject, pods: Map<number, KubeObject>, updateRevision: string): Promise<void> {
    const list = [...pods.values()].filter((p) => !p.metadata.deletionTimestamp);
    const updated = list.filter((p) => p.metadata.labels?.[REVISION_HASH] === updateRevision);
    const replicas = sts.spec.replicas ?? 1;
    const currentRevision = updated.length === replicas ? updateRevision : (sts.status?.currentRevision ?? updateRevision);
    const status: Record<string, any> = {
      observedGeneration: sts.metadata.generation,
      replicas: list.length,
      readyReplicas: list.filter(isPodReady).length,
      currentReplicas: list.filter((p) => p.metadata.labels?.[REVISION_HASH] === currentRevision).length,
      updatedReplicas: updated.length,
      currentRevision,
      updateRevision,
      collisionCount: 0,
      availableReplicas: list.filter((p) => isPodAvailable(p, sts.spec.minReadySeconds ?? 0)).length,
    };
    for (const k of ['readyReplicas', 'currentReplicas', 'updatedReplicas']) if (!status[k]) delete status[k];
    if (JSON.stringify(status) === JSON.stringify(sts.status ?? {})) return;
    await this.client.updateStatus(R.statefulsets, sts.metadata.namespace, { ...sts, status }).catch((e) => {
      if (!(e instanceof StatusError && (e.code === 404 || e.code === 409))) throw e;
      this.queue.addAfter(keyOf(sts), 100);
    });
  }
}
