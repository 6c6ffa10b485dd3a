/**
 * CronJob controller: at each scheduled time creates a Job from the template (named
 * `<cronjob>-<minutes since epoch>`, as upstream names them), honouring suspend,
 * concurrencyPolicy (Allow, Forbid, Replace) and startingDeadlineSeconds, and keeps only the
 * configured number of finished Jobs.
 */
import { StatusError } from '../apiserver/errors.js';
import type { KubeObject } from '../registry/types.js';
import { EventRecorder } from '../client/events.js';
import type { InformerFactory } from '../client/factory.js';
import { keyOf, splitKey } from '../client/informer.js';
import { R, type Client } from '../client/types.js';
import { WorkQueue } from '../client/workqueue.js';
import { lastScheduleBetween, nextSchedule, parseSchedule } from './cron.js';
import { controllerOf, controllerRef } from './podutil.js';

const SCHEDULED_AT = 'batch.kubernetes.io/cronjob-scheduled-timestamp';
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function jobFinished(job: KubeObject): 'Complete' | 'Failed' | undefined {
  const c = (job.status?.conditions ?? []).find((c: any) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
  return c?.type;
}

export class CronJobController {
  private queue: WorkQueue;
  private recorder: EventRecorder;

  constructor(private client: Client, private informers: InformerFactory) {
    this.queue = new WorkQueue((key) => this.reconcile(key), 1);
    this.recorder = new EventRecorder(client, 'cronjob-controller');
    informers.for(R.cronjobs).on({ add: (c) => this.queue.add(keyOf(c)), update: (_o, c) => this.queue.add(keyOf(c)) });
    const jobChanged = (j: KubeObject) => {
      const ref = controllerOf(j);
      if (ref?.kind === 'CronJob') this.queue.add(`${j.metadata.namespace}/${ref.name}`);
    };
    informers.for(R.jobs).on({ add: jobChanged, update: (_o, j) => jobChanged(j), delete: jobChanged });
  }

  stop(): void {
    this.queue.stop();
  }

  async reconcile(key: string): Promise<void> {
    const cj = this.informers.for(R.cronjobs).get(key);
    if (!cj || cj.metadata.deletionTimestamp) return;
    const { namespace } = splitKey(key);
    const jobs = this.informers.for(R.jobs).list(namespace).filter((j) => controllerOf(j)?.uid === cj.metadata.uid);
    const running = jobs.filter((j) => !jobFinished(j));
    const status: Record<string, any> = { ...(cj.status ?? {}) };
    status.active = running.map((j) => ({ kind: 'Job', namespace, name: j.metadata.name, uid: j.metadata.uid, apiVersion: 'batch/v1', resourceVersion: j.metadata.resourceVersion }));
    const succeededTimes = jobs.filter((j) => jobFinished(j) === 'Complete').map((j) => Date.parse(j.status?.completionTime ?? '')).filter(Number.isFinite);
    if (succeededTimes.length) status.lastSuccessfulTime = iso(Math.max(...succeededTimes));

    let schedule;
    try {
      schedule = parseSchedule(cj.spec.schedule, cj.spec.timeZone);
    } catch (e) {
      this.recorder.event(cj, 'Warning', 'UnparseableSchedule', `unparseable schedule: ${JSON.stringify(cj.spec.schedule)} : ${(e as Error).message}`);
      return;
    }
    const nowMs = Date.now();
    const since = Date.parse(cj.status?.lastScheduleTime ?? cj.metadata.creationTimestamp);
    const due = cj.spec.suspend ? undefined : lastScheduleBetween(schedule, since, nowMs);
    const tooLate = due !== undefined && cj.spec.startingDeadlineSeconds != null && due + cj.spec.startingDeadlineSeconds * 1000 < nowMs;
    if (due !== undefined && !tooLate) {
      const policy = cj.spec.concurrencyPolicy ?? 'Allow';
      if (policy === 'Forbid' && running.length) {
        this.recorder.event(cj, 'Normal', 'JobAlreadyActive', 'Not starting job because prior execution is running and concurrency policy is Forbid');
      } else {
        if (policy === 'Replace') {
          for (const j of running) {
            await this.client.delete(R.jobs, namespace, j.metadata.name!, { propagationPolicy: 'Background' }).catch(() => {});
            this.recorder.event(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${j.metadata.name}`);
          }
          status.active = [];
        }
        const job = await this.createJob(cj, due);
        if (job) status.active = [...status.active, { kind: 'Job', namespace, name: job.metadata.name, uid: job.metadata.uid, apiVersion: 'batch/v1', resourceVersion: job.metadata.resourceVersion }];
        status.lastScheduleTime = iso(due);
      }
    }
    if (!status.active.length) delete status.active;
    await this.prune(cj, jobs);
    if (JSON.stringify(status) !== JSON.stringify(cj.status ?? {})) {
      await this.client.updateStatus(R.cronjobs, namespace, { ...cj, status }).catch((e) => {
        if (!(e instanceof StatusError && (e.code === 404 || e.code === 409))) throw e;
        this.queue.addAfter(key, 100);
      });
    }
    const next = nextSchedule(schedule, nowMs);
    if (next !== undefined) this.queue.addAfter(key, next - Date.now() + 100);
  }

  private async createJob(cj: KubeObject, scheduled: number): Promise<KubeObject | undefined> {
    const tpl = cj.spec.jobTemplate ?? {};
    const name = `${cj.metadata.name}-${Math.floor(scheduled / 60_000)}`;
    try {
      const job = await this.client.create(R.jobs, cj.metadata.namespace, {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: {
          name,
          labels: tpl.metadata?.labels,
          annotations: { ...(tpl.metadata?.annotations ?? {}), [SCHEDULED_AT]: iso(scheduled) },
          ownerReferences: [controllerRef(cj, 'batch/v1', 'CronJob')],
        },
        spec: JSON.parse(JSON.stringify(tpl.spec ?? {})),
      });
      this.recorder.event(cj, 'Normal', 'SuccessfulCreate', `Created job ${name}`);
      return job;
    } catch (e) {
      if (e instanceof StatusError && e.code === 409) return undefined;
      this.recorder.event(cj, 'Warning', 'FailedCreate', `Error creating job: ${(e as Error).message}`);
      throw e;
    }
  }

  /** Keeps successfulJobsHistoryLimit (3) and failedJobsHistoryLimit (1) finished Jobs. */
  private async prune(cj: KubeObject, jobs: KubeObject[]): Promise<void> {
    const byTime = (a: KubeObject, b: KubeObject) => Date.parse(a.metadata.creationTimestamp!) - Date.parse(b.metadata.creationTimestamp!);
    for (const [kind, limit] of [['Complete', cj.spec.successfulJobsHistoryLimit ?? 3], ['Failed', cj.spec.failedJobsHistoryLimit ?? 1]] as const) {
      const done = jobs.filter((j) => jobFinished(j) === kind && !j.metadata.deletionTimestamp).sort(byTime);
      for (const j of done.slice(0, Math.max(0, done.length - limit))) {
        await this.client.delete(R.jobs, cj.metadata.namespace, j.metadata.name!, { propagationPolicy: 'Background' }).catch(() => {});
        this.recorder.event(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${j.metadata.name}`);
      }
    }
  }
}
