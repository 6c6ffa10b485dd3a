/**
 * Deployment controller: one ReplicaSet per pod template, rolled with RollingUpdate
 * (maxSurge/maxUnavailable) or Recreate, revisions carried in annotations, old sets pruned beyond
 * revisionHistoryLimit, and the status and conditions `kubectl rollout status` reads.
 * Dispatch reads like a priority list: deleting? paused? scaling? then by strategy.
 */
import { StatusError } from '../apiserver/errors.js';
import type { KubeObject } from '../registry/types.js';
import { now } from '../registry/generic.js';
import { EventRecorder } from '../client/events.js';
import type { InformerFactory } from '../client/factory.js';
import { keyOf, splitKey } from '../client/informer.js';
import { R, type Client } from '../client/types.js';
import { WorkQueue } from '../client/workqueue.js';
import { controllerOf, controllerRef, selectorMatches } from './podutil.js';

export const REVISION = 'deployment.kubernetes.io/revision';
const REVISION_HISTORY = 'deployment.kubernetes.io/revision-history';
const DESIRED_REPLICAS = 'deployment.kubernetes.io/desired-replicas';
const MAX_REPLICAS = 'deployment.kubernetes.io/max-replicas';
const HASH_LABEL = 'pod-template-hash';
/** Annotations of the Deployment that are not copied to its ReplicaSets. */
const NOT_COPIED = new Set(['kubectl.kubernetes.io/last-applied-configuration', REVISION, REVISION_HISTORY, DESIRED_REPLICAS, MAX_REPLICAS, 'deprecated.deployment.rollback.to']);
const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** FNV-1a over a stable rendering of the template, encoded with upstream's safe alphabet. */
export function templateHash(template: unknown, collisionCount = 0): string {
  let h = 0x811c9dc5;
  const text = stableJSON(template) + (collisionCount ? String(collisionCount) : '');
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return [...String(h)].map((c) => SAFE_ALPHABET[c.charCodeAt(0) % SAFE_ALPHABET.length]).join('');
}

function stableJSON(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJSON).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v as object).sort().map((k) => `${JSON.stringify(k)}:${stableJSON((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

function withoutHash(template: any): any {
  const t = JSON.parse(JSON.stringify(template ?? {}));
  if (t.metadata?.labels) {
    delete t.metadata.labels[HASH_LABEL];
    if (Object.keys(t.metadata.labels).length === 0) delete t.metadata.labels;
  }
  return t;
}

/** Templates equal up to the pod-template-hash label (upstream EqualIgnoreHash). */
export function sameTemplate(a: any, b: any): boolean {
  return stableJSON(withoutHash(a)) === stableJSON(withoutHash(b));
}

/** intstr.GetScaledValueFromIntOrPercent. */
export function resolveIntOrPercent(v: number | string | undefined, total: number, roundUp: boolean, fallback: string): number {
  const val = v ?? fallback;
  if (typeof val === 'number') return val;
  const m = /^(\d+)%$/.exec(val);
  if (!m) return Number(val) || 0;
  const x = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(x) : Math.floor(x);
}

export function surgeAndUnavailable(d: KubeObject): { surge: number; unavailable: number } {
  const replicas = d.spec?.replicas ?? 1;
  if (d.spec?.strategy?.type === 'Recreate') return { surge: 0, unavailable: 0 };
  const ru = d.spec?.strategy?.rollingUpdate ?? {};
  const surge = resolveIntOrPercent(ru.maxSurge, replicas, true, '25%');
  let unavailable = resolveIntOrPercent(ru.maxUnavailable, replicas, false, '25%');
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable: Math.min(unavailable, replicas) };
}

const revisionOf = (rs: KubeObject): number => Number(rs.metadata.annotations?.[REVISION] ?? 0) || 0;
const specReplicas = (rs: KubeObject): number => rs.spec?.replicas ?? 0;
const sum = (list: KubeObject[], f: (rs: KubeObject) => number) => list.reduce((n, rs) => n + f(rs), 0);

export class DeploymentController {
  private queue: WorkQueue;
  private recorder: EventRecorder;

  constructor(private client: Client, private informers: InformerFactory) {
    this.queue = new WorkQueue((key) => this.reconcile(key), 2);
    this.recorder = new EventRecorder(client, 'deployment-controller');
    informers.for(R.deployments).on({
      add: (d) => this.queue.add(keyOf(d)),
      update: (_o, d) => this.queue.add(keyOf(d)),
      delete: (d) => this.queue.add(keyOf(d)),
    });
    const rsChanged = (rs: KubeObject) => {
      const ref = controllerOf(rs);
      if (ref?.kind === 'Deployment') this.queue.add(`${rs.metadata.namespace}/${ref.name}`);
      else if (!ref) for (const d of this.informers.for(R.deployments).list(rs.metadata.namespace)) if (selectorMatches(d.spec?.selector, rs.metadata.labels)) this.queue.add(keyOf(d));
    };
    informers.for(R.replicasets).on({ add: rsChanged, update: (_o, rs) => rsChanged(rs), delete: rsChanged });
  }

  stop(): void {
    this.queue.stop();
  }

  async reconcile(key: string): Promise<void> {
    const d = this.informers.for(R.deployments).get(key);
    if (!d) return;
    const { namespace } = splitKey(key);
    const all = await this.claimReplicaSets(d, namespace!);
    if (d.metadata.deletionTimestamp) return this.syncStatus(d, all, undefined);
    if (d.spec?.paused) {
      const newRS = all.find((rs) => sameTemplate(rs.spec?.template, d.spec.template));
      await this.scaleProportionally(d, all, newRS);
      return this.syncStatus(d, all, newRS);
    }
    const { newRS, created } = await this.newReplicaSet(d, all);
    const sets = created ? [...all, newRS] : all;
    const old = sets.filter((rs) => rs !== newRS);
    if (this.isScalingEvent(d, sets)) {
      await this.scaleProportionally(d, sets, newRS);
      return this.syncStatus(d, sets, newRS, created);
    }
    if (d.spec?.strategy?.type === 'Recreate') await this.recreate(d, newRS, old);
    else await this.rolling(d, newRS, old);
    await this.cleanup(d, old);
    return this.syncStatus(d, sets, newRS, created);
  }

  /** ReplicaSets this Deployment controls, adopting matching orphans. */
  private async claimReplicaSets(d: KubeObject, namespace: string): Promise<KubeObject[]> {
    const out: KubeObject[] = [];
    for (const rs of this.informers.for(R.replicasets).list(namespace)) {
      const ref = controllerOf(rs);
      if (ref?.uid === d.metadata.uid) out.push(rs);
      else if (!ref && !d.metadata.deletionTimestamp && selectorMatches(d.spec?.selector, rs.metadata.labels)) {
        try {
          out.push(
            await this.client.patch(R.replicasets, namespace, rs.metadata.name!, 'strategic', {
              metadata: { ownerReferences: [controllerRef(d, 'apps/v1', 'Deployment')], uid: rs.metadata.uid },
            }),
          );
        } catch {
          // someone else adopted or deleted it
        }
      }
    }
    return out;
  }

  /** Finds or creates the ReplicaSet for the current template, and stamps its revision. */
  private async newReplicaSet(d: KubeObject, all: KubeObject[]): Promise<{ newRS: KubeObject; created: boolean }> {
    const existing = all.find((rs) => sameTemplate(rs.spec?.template, d.spec.template));
    const old = all.filter((rs) => rs !== existing);
    const maxOld = Math.max(0, ...old.map(revisionOf));
    const { surge } = surgeAndUnavailable(d);
    const replicas = d.spec?.replicas ?? 1;
    if (existing) {
      const want = revisionOf(existing) > maxOld ? revisionOf(existing) : maxOld + 1;
      const annotations = this.rsAnnotations(d, existing, want, replicas, replicas + surge);
      if (JSON.stringify(annotations) !== JSON.stringify(existing.metadata.annotations ?? {}) || (existing.spec?.minReadySeconds ?? 0) !== (d.spec?.minReadySeconds ?? 0)) {
        const updated = await this.client.update(R.replicasets, existing.metadata.namespace, {
          ...existing,
          metadata: { ...existing.metadata, annotations },
          spec: { ...existing.spec, minReadySeconds: d.spec?.minReadySeconds ?? 0 },
        });
        await this.setDeploymentRevision(d, want);
        return { newRS: updated, created: false };
      }
      await this.setDeploymentRevision(d, want);
      return { newRS: existing, created: false };
    }
    const collisions = d.status?.collisionCount ?? 0;
    const hash = templateHash(withoutHash(d.spec.template), collisions);
    const template = withoutHash(d.spec.template);
    template.metadata = { ...(template.metadata ?? {}), labels: { ...(template.metadata?.labels ?? {}), [HASH_LABEL]: hash } };
    const selector = JSON.parse(JSON.stringify(d.spec.selector ?? {}));
    selector.matchLabels = { ...(selector.matchLabels ?? {}), [HASH_LABEL]: hash };
    const start = d.spec?.strategy?.type === 'Recreate' ? 0 : Math.max(0, Math.min(replicas, replicas + surge - sum(old, specReplicas)));
    const revision = maxOld + 1;
    const rs: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${d.metadata.name}-${hash}`,
        namespace: d.metadata.namespace,
        labels: { ...(d.spec.template?.metadata?.labels ?? {}), [HASH_LABEL]: hash },
        annotations: this.rsAnnotations(d, undefined, revision, replicas, replicas + surge),
        ownerReferences: [controllerRef(d, 'apps/v1', 'Deployment')],
      },
      spec: { replicas: start, minReadySeconds: d.spec?.minReadySeconds ?? 0, selector, template },
    };
    try {
      const created = await this.client.create(R.replicasets, d.metadata.namespace, rs);
      this.recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${created.metadata.name} from 0 to ${start}`);
      await this.setDeploymentRevision(d, revision);
      return { newRS: created, created: true };
    } catch (e) {
      if (e instanceof StatusError && e.code === 409) {
        // A set of that name with another template: bump collisionCount so the next hash differs.
        await this.client.updateStatus(R.deployments, d.metadata.namespace, { ...d, status: { ...(d.status ?? {}), collisionCount: collisions + 1 } });
      }
      throw e;
    }
  }

  private rsAnnotations(d: KubeObject, rs: KubeObject | undefined, revision: number, desired: number, max: number): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) if (!NOT_COPIED.has(k)) out[k] = v as string;
    const prev = rs ? revisionOf(rs) : 0;
    const history = rs?.metadata.annotations?.[REVISION_HISTORY];
    if (rs && prev && prev !== revision) out[REVISION_HISTORY] = history ? `${history},${prev}` : String(prev);
    else if (history) out[REVISION_HISTORY] = history;
    out[REVISION] = String(revision);
    out[DESIRED_REPLICAS] = String(desired);
    out[MAX_REPLICAS] = String(max);
    return out;
  }

  /** Through /status, as upstream does, so recording the revision does not bump generation. */
  private async setDeploymentRevision(d: KubeObject, revision: number): Promise<void> {
    if (d.metadata.annotations?.[REVISION] === String(revision)) return;
    await this.client.patch(R.deployments, d.metadata.namespace, d.metadata.name!, 'merge', { metadata: { annotations: { [REVISION]: String(revision) } } }, { subresource: 'status' });
  }

  private isScalingEvent(d: KubeObject, sets: KubeObject[]): boolean {
    const want = String(d.spec?.replicas ?? 1);
    return sets.some((rs) => specReplicas(rs) > 0 && rs.metadata.annotations?.[DESIRED_REPLICAS] !== undefined && rs.metadata.annotations[DESIRED_REPLICAS] !== want);
  }

  private async scaleRS(d: KubeObject, rs: KubeObject, replicas: number): Promise<KubeObject> {
    const from = specReplicas(rs);
    const { surge } = surgeAndUnavailable(d);
    const desired = d.spec?.replicas ?? 1;
    const annotations = { ...(rs.metadata.annotations ?? {}), [DESIRED_REPLICAS]: String(desired), [MAX_REPLICAS]: String(desired + surge) };
    if (from === replicas && JSON.stringify(annotations) === JSON.stringify(rs.metadata.annotations ?? {})) return rs;
    const updated = await this.client.update(R.replicasets, rs.metadata.namespace, { ...rs, metadata: { ...rs.metadata, annotations }, spec: { ...rs.spec, replicas } });
    if (from !== replicas) {
      const dir = replicas > from ? 'up' : 'down';
      this.recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled ${dir} replica set ${rs.metadata.name} from ${from} to ${replicas}`);
    }
    return updated;
  }

  /**
   * A replicas change mid-rollout is shared across active sets in proportion to their size
   * (upstream scale()): e.g. 10 → 15 with sets of 6 and 4 adds 3 and 2.
   */
  private async scaleProportionally(d: KubeObject, sets: KubeObject[], newRS: KubeObject | undefined): Promise<void> {
    const replicas = d.spec?.replicas ?? 1;
    const active = sets.filter((rs) => specReplicas(rs) > 0);
    if (active.length === 0 && newRS) {
      await this.scaleRS(d, newRS, replicas);
      return;
    }
    if (active.length === 1) {
      await this.scaleRS(d, active[0], replicas);
      return;
    }
    const { surge } = surgeAndUnavailable(d);
    const allowed = replicas + surge;
    const current = sum(active, specReplicas);
    let left = allowed - current;
    if (left === 0) return;
    const ordered = [...active].sort((a, b) => (left > 0 ? specReplicas(b) - specReplicas(a) : specReplicas(a) - specReplicas(b)));
    const targets = new Map<KubeObject, number>();
    let distributed = 0;
    for (const rs of ordered) {
      const share = Math.trunc((specReplicas(rs) * left) / current);
      targets.set(rs, specReplicas(rs) + share);
      distributed += share;
    }
    const leftover = left - distributed;
    if (ordered.length) targets.set(ordered[0], Math.max(0, targets.get(ordered[0])! + leftover));
    left = 0;
    for (const [rs, n] of targets) await this.scaleRS(d, rs, Math.max(0, n));
  }

  private async rolling(d: KubeObject, newRS: KubeObject, old: KubeObject[]): Promise<void> {
    const replicas = d.spec?.replicas ?? 1;
    const { surge, unavailable } = surgeAndUnavailable(d);
    // Scale up the new set within the surge budget.
    if (specReplicas(newRS) > replicas) {
      newRS = await this.scaleRS(d, newRS, replicas);
    } else if (specReplicas(newRS) < replicas) {
      const total = specReplicas(newRS) + sum(old, specReplicas);
      const room = replicas + surge - total;
      if (room > 0) newRS = await this.scaleRS(d, newRS, specReplicas(newRS) + Math.min(room, replicas - specReplicas(newRS)));
    }
    // Scale down old sets while keeping replicas - maxUnavailable pods available.
    const oldCount = sum(old, specReplicas);
    if (oldCount === 0) return;
    const allCount = oldCount + specReplicas(newRS);
    const minAvailable = replicas - unavailable;
    const newUnavailable = specReplicas(newRS) - (newRS.status?.availableReplicas ?? 0);
    let budget = allCount - minAvailable - newUnavailable;
    if (budget <= 0) return;
    const oldest = [...old].sort((a, b) => revisionOf(a) - revisionOf(b));
    // First pods that are not available anyway: removing them costs no availability.
    for (let i = 0; i < oldest.length && budget > 0; i++) {
      const rs = oldest[i];
      const unhealthy = specReplicas(rs) - (rs.status?.availableReplicas ?? 0);
      if (unhealthy <= 0 || specReplicas(rs) === 0) continue;
      const cut = Math.min(unhealthy, budget);
      oldest[i] = await this.scaleRS(d, rs, specReplicas(rs) - cut);
      budget -= cut;
    }
    const available = sum(oldest, (rs) => Math.min(rs.status?.availableReplicas ?? 0, specReplicas(rs))) + (newRS.status?.availableReplicas ?? 0);
    let scaleDown = Math.min(available - minAvailable, budget);
    for (const rs of oldest) {
      if (scaleDown <= 0) break;
      if (specReplicas(rs) === 0) continue;
      const cut = Math.min(specReplicas(rs), scaleDown);
      await this.scaleRS(d, rs, specReplicas(rs) - cut);
      scaleDown -= cut;
    }
  }

  private async recreate(d: KubeObject, newRS: KubeObject, old: KubeObject[]): Promise<void> {
    for (const rs of old) if (specReplicas(rs) > 0) await this.scaleRS(d, rs, 0);
    // The new set starts only once every old pod is gone.
    if (old.some((rs) => (rs.status?.replicas ?? 0) > 0 || specReplicas(rs) > 0)) return;
    const oldPods = this.informers.for(R.pods).list(d.metadata.namespace).filter((p) => old.some((rs) => controllerOf(p)?.uid === rs.metadata.uid));
    if (oldPods.length) return;
    await this.scaleRS(d, newRS, d.spec?.replicas ?? 1);
  }

  /** Deletes drained old sets beyond revisionHistoryLimit, oldest first. */
  private async cleanup(d: KubeObject, old: KubeObject[]): Promise<void> {
    const limit = d.spec?.revisionHistoryLimit ?? 10;
    const drained = old.filter((rs) => specReplicas(rs) === 0 && (rs.status?.replicas ?? 0) === 0 && !rs.metadata.deletionTimestamp).sort((a, b) => revisionOf(a) - revisionOf(b));
    const excess = drained.length - limit;
    for (const rs of drained.slice(0, Math.max(0, excess))) {
      try {
        await this.client.delete(R.replicasets, rs.metadata.namespace, rs.metadata.name!);
      } catch {
        // already gone
      }
    }
  }

  private async syncStatus(d: KubeObject, sets: KubeObject[], newRS: KubeObject | undefined, created = false): Promise<void> {
    // Re-read sets from the cache: the writes above changed their specs.
    const cache = this.informers.for(R.replicasets);
    const current = sets.map((rs) => cache.get(keyOf(rs)) ?? rs);
    const fresh = newRS ? cache.get(keyOf(newRS)) ?? newRS : undefined;
    const replicas = d.spec?.replicas ?? 1;
    const { unavailable } = surgeAndUnavailable(d);
    const total = sum(current, specReplicas);
    const available = sum(current, (rs) => rs.status?.availableReplicas ?? 0);
    const status: Record<string, any> = {
      observedGeneration: d.metadata.generation,
      replicas: sum(current, (rs) => rs.status?.replicas ?? 0),
      updatedReplicas: fresh?.status?.replicas ?? 0,
      readyReplicas: sum(current, (rs) => rs.status?.readyReplicas ?? 0),
      availableReplicas: available,
      unavailableReplicas: Math.max(0, total - available),
    };
    if (d.status?.collisionCount) status.collisionCount = d.status.collisionCount;
    for (const k of ['replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas']) if (!status[k]) delete status[k];

    const ts = now();
    const conditions: any[] = JSON.parse(JSON.stringify(d.status?.conditions ?? []));
    const setCondition = (type: string, value: string, reason: string, message: string, progress = false) => {
      const i = conditions.findIndex((c) => c.type === type);
      const prev = conditions[i];
      if (prev && prev.status === value && prev.reason === reason && prev.message === message && !progress) return;
      const c = { type, status: value, lastUpdateTime: ts, lastTransitionTime: prev && prev.status === value ? prev.lastTransitionTime : ts, reason, message };
      if (i >= 0) conditions[i] = c;
      else conditions.push(c);
    };
    if (available >= replicas - unavailable) setCondition('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.');
    else setCondition('Available', 'False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.');

    const progressing = conditions.find((c) => c.type === 'Progressing');
    const name = fresh?.metadata.name;
    const complete = fresh && (status.updatedReplicas ?? 0) === replicas && (status.availableReplicas ?? 0) >= replicas && (status.replicas ?? 0) === (status.updatedReplicas ?? 0);
    if (d.spec?.paused) {
      setCondition('Progressing', 'Unknown', 'DeploymentPaused', 'Deployment is paused');
    } else if (progressing?.reason === 'DeploymentPaused') {
      setCondition('Progressing', 'Unknown', 'DeploymentResumed', 'Deployment is resumed');
    } else if (complete) {
      setCondition('Progressing', 'True', 'NewReplicaSetAvailable', `ReplicaSet "${name}" has successfully progressed.`);
    } else if (created && name) {
      setCondition('Progressing', 'True', 'NewReplicaSetCreated', `Created new replica set "${name}"`);
    } else if (name && progressing?.reason !== 'ProgressDeadlineExceeded') {
      const moved = JSON.stringify([status.updatedReplicas, status.availableReplicas, status.replicas]) !==
        JSON.stringify([d.status?.updatedReplicas, d.status?.availableReplicas, d.status?.replicas]);
      if (!progressing) setCondition('Progressing', 'True', 'FoundNewReplicaSet', `Found new replica set "${name}"`);
      else if (moved || progressing.reason === 'NewReplicaSetAvailable') setCondition('Progressing', 'True', 'ReplicaSetUpdated', `ReplicaSet "${name}" is progressing.`, moved);
      const deadline = d.spec?.progressDeadlineSeconds;
      const p = conditions.find((c) => c.type === 'Progressing');
      if (deadline !== undefined && deadline !== null && p && Date.parse(p.lastUpdateTime) + deadline * 1000 < Date.now()) {
        setCondition('Progressing', 'False', 'ProgressDeadlineExceeded', `ReplicaSet "${name}" has timed out progressing.`);
      } else if (deadline) {
        this.queue.addAfter(keyOf(d), deadline * 1000 + 500);
      }
    }
    status.conditions = conditions.sort((a, b) => (a.type === 'Available' ? -1 : b.type === 'Available' ? 1 : 0));

    const strip = (s: any) => JSON.stringify({ ...s, conditions: (s?.conditions ?? []).map((c: any) => ({ ...c, lastUpdateTime: undefined, lastTransitionTime: undefined })) });
    if (strip(status) === strip(d.status ?? {}) && JSON.stringify(status.conditions) === JSON.stringify(d.status?.conditions ?? [])) return;
    try {
      await this.client.updateStatus(R.deployments, d.metadata.namespace, { ...d, status });
    } catch (e) {
      if (e instanceof StatusError && (e.code === 404 || e.code === 409)) {
        if (e.code === 409) this.queue.addAfter(keyOf(d), 50);
        return;
      }
      throw e;
    }
  }
}
