/**
 * One pod's life on a node: sandbox, init containers in order, app containers, restarts with
 * CrashLoopBackOff, readiness, graceful termination — and the PodStatus that reports it.
 * `sync` is level-triggered: it looks at the pod and the runtime as they are and takes the next
 * step; the kubelet calls it on every pod change, container exit or timer.
 */
import type { KubeObject } from '../registry/types.js';
import { now } from '../registry/generic.js';
import type { ContainerRuntime } from './runtime.js';

/** Upstream's container restart back-off: 10 s doubling to 5 min, reset after 10 min of running. */
export const backoffTuning = { initialMs: 10_000, maxMs: 300_000, resetAfterMs: 600_000, createDelayMs: 300 };

interface ContainerRecord {
  id?: string;
  restartCount: number;
  /** the previous run's termination, shown as lastState */
  last?: { exitCode: number; reason: string; startedAt: number; finishedAt: number; containerID: string };
  backoffMs: number;
  backoffUntil?: number;
  /** when the runtime may start it (image "pull" delay) */
  startAt?: number;
}

export interface PodWorkerHost {
  runtime: ContainerRuntime;
  nodeName: string;
  hostIP: string;
  /** wake me at this time (ms epoch) */
  wakeAt(pod: KubeObject, at: number): void;
  event(pod: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): void;
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export class PodWorker {
  sandbox?: string;
  podIP?: string;
  private init = new Map<string, ContainerRecord>();
  private app = new Map<string, ContainerRecord>();
  private startedAt?: number;
  terminated = false;

  constructor(private host: PodWorkerHost, readonly uid: string, podIP: string) {
    this.podIP = podIP;
  }

  /** After a restart of the cluster process: containers the pod reports running keep running. */
  async restore(pod: KubeObject): Promise<void> {
    const rt = this.host.runtime;
    if (!rt.restore) return;
    this.sandbox = await rt.runPodSandbox(pod);
    this.startedAt = Date.parse(pod.status?.startTime ?? '') || Date.now();
    const restoreList = async (specs: KubeObject[], statuses: any[], into: Map<string, ContainerRecord>) => {
      for (const c of specs) {
        const st = statuses.find((s) => s.name === c.name);
        const rec: ContainerRecord = { restartCount: st?.restartCount ?? 0, backoffMs: 0 };
        if (st?.state?.running) rec.id = await rt.restore!(this.sandbox!, Date.parse(st.state.running.startedAt) || Date.now(), pod, c);
        else if (st?.state?.terminated) {
          rec.id = await rt.createContainer(this.sandbox!, pod, c, rec.restartCount);
          rec.last = undefined;
          into.set(c.name, rec);
          await rt.startContainer(rec.id);
          await rt.stopContainer(rec.id, 0);
          continue;
        }
        into.set(c.name, rec);
      }
    };
    await restoreList(pod.spec?.initContainers ?? [], pod.status?.initContainerStatuses ?? [], this.init);
    await restoreList(pod.spec?.containers ?? [], pod.status?.containerStatuses ?? [], this.app);
  }

  /** Advances the pod one step and returns the status it should report. */
  async sync(pod: KubeObject): Promise<Record<string, any>> {
    const rt = this.host.runtime;
    const t = Date.now();
    if (pod.metadata.deletionTimestamp) {
      await this.stopAll(pod);
      return this.status(pod);
    }
    if (this.terminated) return this.status(pod);
    if (!this.sandbox) {
      this.sandbox = await rt.runPodSandbox(pod);
      this.startedAt = t;
    }
    const restartPolicy = pod.spec?.restartPolicy ?? 'Always';
    // Init containers, one at a time, in order.
    for (const c of pod.spec?.initContainers ?? []) {
      const rec = this.record(this.init, c.name);
      const st = rec.id ? rt.containerStatus(rec.id) : undefined;
      if (st?.state === 'exited' && st.exitCode === 0) continue;
      if (st?.state === 'running') return this.status(pod);
      if (st?.state === 'exited') {
        if (restartPolicy === 'Never') {
          this.terminated = true;
          return this.status(pod);
        }
        if (!(await this.restartable(pod, c, rec, t))) return this.status(pod);
      }
      await this.startContainer(pod, c, rec, t);
      return this.status(pod);
    }
    let allExited = true;
    for (const c of pod.spec?.containers ?? []) {
      const rec = this.record(this.app, c.name);
      const st = rec.id ? rt.containerStatus(rec.id) : undefined;
      if (!st || st.state === 'created') {
        allExited = false;
        await this.startContainer(pod, c, rec, t);
        continue;
      }
      if (st.state === 'running') {
        allExited = false;
        if (rec.backoffMs && t - st.startedAt > backoffTuning.resetAfterMs) rec.backoffMs = 0;
        continue;
      }
      const restart = restartPolicy === 'Always' || (restartPolicy === 'OnFailure' && st.exitCode !== 0);
      if (!restart) continue;
      allExited = false;
      if (await this.restartable(pod, c, rec, t)) await this.startContainer(pod, c, rec, t);
    }
    if (allExited && (pod.spec?.containers ?? []).length) this.terminated = true;
    this.scheduleReadiness(pod, t);
    return this.status(pod);
  }

  private record(map: Map<string, ContainerRecord>, name: string): ContainerRecord {
    let rec = map.get(name);
    if (!rec) {
      rec = { restartCount: 0, backoffMs: 0 };
      map.set(name, rec);
    }
    return rec;
  }

  /** Moves an exited container into lastState and decides whether its back-off has passed. */
  private async restartable(pod: KubeObject, c: KubeObject, rec: ContainerRecord, t: number): Promise<boolean> {
    const rt = this.host.runtime;
    const st = rec.id ? rt.containerStatus(rec.id) : undefined;
    if (st?.state === 'exited') {
      rec.last = { exitCode: st.exitCode, reason: st.reason, startedAt: st.startedAt, finishedAt: st.finishedAt, containerID: rec.id! };
      await rt.removeContainer(rec.id!);
      rec.id = undefined;
      rec.restartCount++;
      rec.backoffMs = rec.backoffMs ? Math.min(rec.backoffMs * 2, backoffTuning.maxMs) : backoffTuning.initialMs;
      rec.backoffUntil = t + rec.backoffMs;
      this.host.event(pod, 'Warning', 'BackOff', `Back-off restarting failed container ${c.name} in pod ${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`);
    }
    if (rec.backoffUntil && t < rec.backoffUntil) {
      this.host.wakeAt(pod, rec.backoffUntil);
      return false;
    }
    return true;
  }

  private async startContainer(pod: KubeObject, c: KubeObject, rec: ContainerRecord, t: number): Promise<void> {
    const rt = this.host.runtime;
    // Any sync during a back-off (a status write, another pod event) must not cut it short.
    if (rec.backoffUntil && t < rec.backoffUntil) {
      this.host.wakeAt(pod, rec.backoffUntil);
      return;
    }
    if (rec.startAt === undefined) {
      // The simulated image pull: the container sits in ContainerCreating briefly, as a real one would.
      rec.startAt = t + backoffTuning.createDelayMs;
      if (rec.restartCount === 0) this.host.event(pod, 'Normal', 'Pulling', `Pulling image "${c.image}"`);
      this.host.wakeAt(pod, rec.startAt);
      return;
    }
    if (t < rec.startAt) {
      this.host.wakeAt(pod, rec.startAt);
      return;
    }
    if (rec.restartCount === 0) {
      this.host.event(pod, 'Normal', 'Pulled', `Successfully pulled image "${c.image}" in ${backoffTuning.createDelayMs}ms (${backoffTuning.createDelayMs}ms including waiting). Image size: 0 bytes.`);
    }
    rec.id = await rt.createContainer(this.sandbox!, pod, c, rec.restartCount);
    this.host.event(pod, 'Normal', 'Created', `Created container: ${c.name}`);
    await rt.startContainer(rec.id);
    this.host.event(pod, 'Normal', 'Started', `Started container ${c.name}`);
    rec.backoffUntil = undefined;
  }

  private readyAt(c: KubeObject, startedAt: number): number {
    const probe = c.readinessProbe ?? c.startupProbe;
    return probe ? startedAt + (probe.initialDelaySeconds ?? 0) * 1000 : startedAt;
  }

  private scheduleReadiness(pod: KubeObject, t: number): void {
    for (const c of pod.spec?.containers ?? []) {
      const rec = this.app.get(c.name);
      const st = rec?.id ? this.host.runtime.containerStatus(rec.id) : undefined;
      if (st?.state !== 'running') continue;
      const at = this.readyAt(c, st.startedAt);
      if (at > t) this.host.wakeAt(pod, at);
    }
  }

  private async stopAll(pod: KubeObject): Promise<void> {
    const rt = this.host.runtime;
    const grace = pod.metadata.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
    const running = [...this.init.entries(), ...this.app.entries()].filter(([, r]) => r.id && rt.containerStatus(r.id)?.state === 'running');
    for (const [name] of running) this.host.event(pod, 'Normal', 'Killing', `Stopping container ${name}`);
    await Promise.all(running.map(([, r]) => rt.stopContainer(r.id!, grace)));
    this.terminated = true;
  }

  async teardown(): Promise<void> {
    if (this.sandbox) await this.host.runtime.removePodSandbox(this.sandbox);
    this.sandbox = undefined;
  }

  private containerStatus(c: KubeObject, rec: ContainerRecord | undefined, isInit: boolean, pod: KubeObject, t: number): Record<string, any> {
    const rt = this.host.runtime;
    const st = rec?.id ? rt.containerStatus(rec.id) : undefined;
    const out: Record<string, any> = { name: c.name, image: c.image, imageID: '', ready: false, restartCount: rec?.restartCount ?? 0, started: false };
    if (st?.state === 'running') {
      out.state = { running: { startedAt: iso(st.startedAt) } };
      out.started = true;
      out.ready = isInit ? false : t >= this.readyAt(c, st.startedAt);
      out.imageID = `docker.io/library/${c.image}@sha256:simulated`;
      out.containerID = rec!.id;
    } else if (st?.state === 'exited') {
      out.state = { terminated: { exitCode: st.exitCode, reason: st.reason, startedAt: iso(st.startedAt), finishedAt: iso(st.finishedAt), containerID: rec!.id } };
      out.containerID = rec!.id;
      out.imageID = `docker.io/library/${c.image}@sha256:simulated`;
      if (isInit && st.exitCode === 0) out.ready = false;
    } else if (rec?.backoffUntil && t < rec.backoffUntil) {
      out.state = { waiting: { reason: 'CrashLoopBackOff', message: `back-off ${Math.round(rec.backoffMs / 1000)}s restarting failed container=${c.name} pod=${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})` } };
    } else {
      out.state = { waiting: { reason: isInit || !this.initDone(pod) ? 'PodInitializing' : 'ContainerCreating' } };
      if (isInit) out.state = { waiting: { reason: 'PodInitializing' } };
    }
    if (rec?.last) {
      out.lastState = { terminated: { exitCode: rec.last.exitCode, reason: rec.last.reason, startedAt: iso(rec.last.startedAt), finishedAt: iso(rec.last.finishedAt), containerID: rec.last.containerID } };
    } else out.lastState = {};
    return out;
  }

  private initDone(pod: KubeObject): boolean {
    return (pod.spec?.initContainers ?? []).every((c: KubeObject) => {
      const rec = this.init.get(c.name);
      const st = rec?.id ? this.host.runtime.containerStatus(rec.id) : undefined;
      return st?.state === 'exited' && st.exitCode === 0;
    });
  }

  status(pod: KubeObject): Record<string, any> {
    const t = Date.now();
    const initStatuses = (pod.spec?.initContainers ?? []).map((c: KubeObject) => this.containerStatus(c, this.init.get(c.name), true, pod, t));
    const appStatuses = (pod.spec?.containers ?? []).map((c: KubeObject) => this.containerStatus(c, this.app.get(c.name), false, pod, t));
    const initialized = this.initDone(pod);
    const containersReady = appStatuses.length > 0 && appStatuses.every((s: any) => s.ready);
    const gatesOk = (pod.spec?.readinessGates ?? []).every((g: any) => (pod.status?.conditions ?? []).some((c: any) => c.type === g.conditionType && c.status === 'True'));
    let phase = 'Pending';
    const terminatedApp = appStatuses.filter((s: any) => s.state.terminated);
    const initFailed = initStatuses.some((s: any) => s.state.terminated && s.state.terminated.exitCode !== 0) && (pod.spec?.restartPolicy === 'Never');
    if (initFailed) phase = 'Failed';
    else if (appStatuses.some((s: any) => s.state.running)) phase = 'Running';
    else if (appStatuses.length && terminatedApp.length === appStatuses.length && this.terminated) {
      phase = terminatedApp.every((s: any) => s.state.terminated.exitCode === 0) ? 'Succeeded' : 'Failed';
    } else if (initialized && appStatuses.some((s: any) => s.lastState?.terminated || s.state.waiting?.reason === 'CrashLoopBackOff')) phase = 'Running';
    const previous = pod.status ?? {};
    const cond = (type: string, ok: boolean, reason?: string) => {
      const prev = (previous.conditions ?? []).find((c: any) => c.type === type);
      const status = ok ? 'True' : 'False';
      const c: Record<string, unknown> = { type, status, lastProbeTime: null, lastTransitionTime: prev?.status === status ? prev.lastTransitionTime : now() };
      if (!ok && reason) c.reason = reason;
      return c;
    };
    const notReady = appStatuses.filter((s: any) => !s.ready).map((s: any) => s.name);
    const terminal = phase === 'Succeeded' || phase === 'Failed';
    const conditions = [
      cond('PodReadyToStartContainers', !!this.sandbox && !terminal),
      cond('Initialized', initialized || terminal, initialized ? undefined : 'ContainersNotInitialized'),
      cond('Ready', containersReady && gatesOk && !terminal, terminal ? 'PodCompleted' : 'ContainersNotReady'),
      cond('ContainersReady', containersReady && !terminal, terminal ? 'PodCompleted' : 'ContainersNotReady'),
      cond('PodScheduled', true),
    ];
    for (const c of conditions) {
      if (c.status === 'False' && (c.type === 'Ready' || c.type === 'ContainersReady') && c.reason === 'ContainersNotReady') {
        c.message = `containers with unready status: [${notReady.join(' ')}]`;
      }
      if (c.type === 'Initialized' && c.status === 'False') {
        const pending = initStatuses.filter((s: any) => !(s.state.terminated && s.state.terminated.exitCode === 0)).map((s: any) => s.name);
        c.message = `containers with incomplete status: [${pending.join(' ')}]`;
      }
    }
    const status: Record<string, any> = {
      phase,
      conditions,
      hostIP: this.host.hostIP,
      hostIPs: [{ ip: this.host.hostIP }],
      startTime: iso(this.startedAt ?? t),
      containerStatuses: appStatuses,
      qosClass: previous.qosClass,
    };
    if (this.podIP && !terminal) {
      status.podIP = this.podIP;
      status.podIPs = [{ ip: this.podIP }];
    } else if (this.podIP && previous.podIP) {
      status.podIP = previous.podIP;
      status.podIPs = previous.podIPs;
    }
    if (initStatuses.length) status.initContainerStatuses = initStatuses;
    if (!status.qosClass) delete status.qosClass;
    return status;
  }
}
