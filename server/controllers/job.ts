/**
 * Job controller: runs pods until `completions` succeed (or, with no completions, until one does),
 * at most `parallelism` at a time, giving up after `backoffLimit` failures or
 * `activeDeadlineSeconds`. Pods carry the job-tracking finalizer until their outcome is counted
 * in status, so a deleted pod is never forgotten or counted twice.
 */
import { StatusError } from '../apiserver/errors.js';
import { now } from '../registry/generic.js';
import type { KubeObject } from '../registry/types.js';
import { EventRecorder } from '../client/events.js';
import type { InformerFactory } from '../client/factory.js';
import { keyOf, splitKey } from '../client/informer.js';
import { R, type Client } from '../client/types.js';
import { WorkQueue } from '../client/workqueue.js';
import { Expectations } from './expectations.js';
import { controllerOf, controllerRef, isPodReady } from './podutil.js';

export const JOB_TRACKING = 'batch.kubernetes.io/job-tracking';
const INDEX_ANNOTATION = 'batch.kubernetes.io/job-completion-index';

const isFinished = (job: KubeObject) => (job.status?.conditions ?? []).some((c: any) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');

export class JobController {
  private queue: WorkQueue;
  private expectations = new Expectations();
  private recorder: EventRecorder;

  constructor(private client: Client, private informers: InformerFactory) {
    this.queue = new WorkQueue((key) => this.reconcile(key), 2);
    this.recorder = new EventRecorder(client, 'job-controller');
    informers.for(R.jobs).on({ add: (j) => this.queue.add(keyOf(j)), update: (_o, j) => this.queue.add(keyOf(j)), delete: (j) => this.queue.add(keyOf(j)) });
    const podChanged = (p: KubeObject, what?: 'add' | 'delete') => {
      const ref = controllerOf(p);
      if (ref?.kind !== 'Job') return;
      const key = `${p.metadata.namespace}/${ref.name}`;
      if (what === 'add') this.expectations.observedAdd(key);
      if (what === 'delete') this.expectations.observedDelete(key);
      this.queue.add(key);
    };
    informers.for(R.pods).on({ add: (p) => podChanged(p, 'add'), update: (_o, p) => podChanged(p), delete: (p) => podChanged(p, 'delete') });
  }

  stop(): void {
    this.queue.stop();
  }

  async reconcile(key: string): Promise<void> {
    const job = this.informers.for(R.jobs).get(key);
    const { namespace } = splitKey(key);
    const pods = this.informers.for(R.pods).list(namespace).filter((p) => job && controllerOf(p)?.uid === job.metadata.uid);
    if (!job) return;
    const spec = job.spec ?? {};
    const status: Record<string, any> = JSON.parse(JSON.stringify(job.status ?? {}));
    // Count outcomes of pods still holding the tracking finalizer.
    const uncounted = pods.filter((p) => (p.metadata.finalizers ?? []).includes(JOB_TRACKING) && ['Succeeded', 'Failed'].includes(p.status?.phase));
    for (const p of uncounted) {
      if (p.status.phase === 'Succeeded') status.succeeded = (status.succeeded ?? 0) + 1;
      else status.failed = (status.failed ?? 0) + 1;
      if (spec.completionMode === 'Indexed' && p.status.phase === 'Succeeded') {
        const done = new Set(expandIndexes(status.completedIndexes));
        done.add(Number(p.metadata.annotations?.[INDEX_ANNOTATION]));
        status.completedIndexes = compactIndexes([...done]);
      }
    }
    const active = pods.filter((p) => !['Succeeded', 'Failed'].includes(p.status?.phase) && !p.metadata.deletionTimestamp);
    const terminating = pods.filter((p) => p.metadata.deletionTimestamp && !['Succeeded', 'Failed'].includes(p.status?.phase));
    status.startTime ??= now();
    const succeeded = status.succeeded ?? 0;
    const failed = status.failed ?? 0;
    const completions: number | undefined = spec.completions ?? undefined;
    const parallelism: number = spec.parallelism ?? 1;
    let finish: { type: 'Complete' | 'Failed'; reason?: string; message?: string } | undefined;
    if (!isFinished(job)) {
      const deadline = spec.activeDeadlineSeconds;
      if (failed > (spec.backoffLimit ?? 6)) finish = { type: 'Failed', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' };
      else if (deadline && Date.parse(status.startTime) + deadline * 1000 <= Date.now()) finish = { type: 'Failed', reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' };
      else if (completions !== undefined ? succeeded >= completions : succeeded > 0 && active.length === 0) finish = { type: 'Complete' };
      if (deadline && !finish) this.queue.addAfter(key, Date.parse(status.startTime) + deadline * 1000 - Date.now() + 10);
    }
    if (finish) {
      for (const p of active) await this.client.delete(R.pods, namespace, p.metadata.name!).catch(() => {});
      const ts = now();
      const conds: any[] = status.conditions ?? [];
      const criteria = finish.type === 'Complete' ? 'SuccessCriteriaMet' : 'FailureTarget';
      conds.push({ type: criteria, status: 'True', lastProbeTime: ts, lastTransitionTime: ts, ...(finish.reason ? { reason: finish.reason, message: finish.message } : { reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' }) });
      conds.push({ type: finish.type, status: 'True', lastProbeTime: ts, lastTransitionTime: ts, ...(finish.reason ? { reason: finish.reason, message: finish.message } : { reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' }) });
      status.conditions = conds;
      if (finish.type === 'Complete') {
        status.completionTime = ts;
        this.recorder.event(job, 'Normal', 'Completed', 'Job completed');
      } else {
        this.recorder.event(job, 'Warning', finish.reason!, finish.message!);
      }
    } else if (!isFinished(job) && !spec.suspend && this.expectations.satisfied(key)) {
      const remaining = completions !== undefined ? completions - succeeded : succeeded > 0 ? 0 : parallelism;
      const want = Math.max(0, Math.min(parallelism, remaining));
      if (active.length < want) {
        const n = want - active.length;
        this.expectations.expect(key, n, 0);
        const indexes = spec.completionMode === 'Indexed' ? this.freeIndexes(status, active, completions ?? 1).slice(0, n) : [];
        for (let i = 0; i < n; i++) {
          try {
            await this.createPod(job, indexes[i]);
          } catch (e) {
            this.expectations.lower(key, n - i, 0);
            throw e;
          }
        }
      } else if (active.length > want) {
        for (const p of active.slice(want)) await this.client.delete(R.pods, namespace, p.metadata.name!).catch(() => {});
      }
    } else if (spec.suspend) {
      for (const p of active) await this.client.delete(R.pods, namespace, p.metadata.name!).catch(() => {});
    }
    status.active = finish ? 0 : active.length;
    status.ready = finish ? 0 : active.filter(isPodReady).length;
    status.terminating = terminating.length;
    status.uncountedTerminatedPods = {};
    for (const k of ['active', 'succeeded', 'failed']) if (!status[k]) delete status[k];
    if (JSON.stringify(status) !== JSON.stringify(job.status ?? {})) {
      try {
        await this.client.updateStatus(R.jobs, namespace, { ...job, status });
      } catch (e) {
        if (e instanceof StatusError && (e.code === 409 || e.code === 404)) {
          this.queue.addAfter(key, 50);
          return;
        }
        throw e;
      }
    }
    // Counted: release the pods' tracking finalizer.
    for (const p of uncounted) {
      const finalizers = (p.metadata.finalizers ?? []).filter((f: string) => f !== JOB_TRACKING);
      await this.client.patch(R.pods, namespace, p.metadata.name!, 'merge', { metadata: { finalizers: finalizers.length ? finalizers : null } }).catch(() => {});
    }
  }

  private freeIndexes(status: any, active: KubeObject[], completions: number): number[] {
    const used = new Set<number>([...expandIndexes(status.completedIndexes), ...active.map((p) => Number(p.metadata.annotations?.[INDEX_ANNOTATION]))]);
    const out: number[] = [];
    for (let i = 0; i < completions; i++) if (!used.has(i)) out.push(i);
    return out;
  }

  private async createPod(job: KubeObject, index?: number): Promise<void> {
    const tpl = job.spec.template ?? {};
    const annotations = { ...(tpl.metadata?.annotations ?? {}) };
    const labels = { ...(tpl.metadata?.labels ?? {}) };
    const spec = JSON.parse(JSON.stringify(tpl.spec ?? {}));
    if (index !== undefined) {
      annotations[INDEX_ANNOTATION] = String(index);
      labels[INDEX_ANNOTATION] = String(index);
      spec.hostname ??= `${job.metadata.name}-${index}`;
    }
    const pod = await this.client.create(R.pods, job.metadata.namespace, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        generateName: index !== undefined ? `${job.metadata.name}-${index}-` : `${job.metadata.name}-`,
        labels,
        annotations: Object.keys(annotations).length ? annotations : undefined,
        finalizers: [JOB_TRACKING],
        ownerReferences: [controllerRef(job, 'batch/v1', 'Job')],
      },
      spec,
    });
    this.recorder.event(job, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`);
  }
}

/** "1,3-5" -> [1,3,4,5] */
export function expandIndexes(text: string | undefined): number[] {
  const out: number[] = [];
  for (const part of (text ?? '').split(',').filter(Boolean)) {
    const [a, b] = part.split('-').map(Number);
    for (let i = a; i <= (b ?? a); i++) out.push(i);
  }
  return out;
}

/** [1,3,4,5] -> "1,3-5" */
export function compactIndexes(list: number[]): string {
  const sorted = [...new Set(list)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(i === j ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}
