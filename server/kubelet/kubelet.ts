/**
 * The kubelet of one node: registers the Node, keeps it alive with a Lease, hands out pod IPs
 * from the node's pod CIDR, runs the pods bound to it through a CRI-shaped runtime and reports
 * their status. On a control-plane node it also publishes the mirror pods of the components the
 * process runs, as a kubeadm node's static pods appear.
 */
import { StatusError } from '../apiserver/errors.js';
import { now } from '../registry/generic.js';
import type { KubeObject } from '../registry/types.js';
import { EventRecorder } from '../client/events.js';
import { Informer, keyOf } from '../client/informer.js';
import { R, type Client } from '../client/types.js';
import { WorkQueue } from '../client/workqueue.js';
import { PodWorker } from './podworker.js';
import type { ContainerRuntime } from './runtime.js';

export const KUBELET_VERSION = 'v1.33.0';
export const HEARTBEAT_ANNOTATION = 'sim.skiff.dev/heartbeat';
export const kubeletTuning = { leaseRenewMs: 10_000, leaseDurationSeconds: 40, statusCheckMs: 10_000, statusReportMs: 60_000 };

export interface NodeConfig {
  name: string;
  /** 0-based; picks the pod CIDR 10.244.<index>.0/24 and host IP */
  index: number;
  controlPlane: boolean;
  /** taint the control plane (kubeadm does; a single-node cluster takes workloads) */
  taintControlPlane: boolean;
  labels?: Record<string, string>;
  capacity?: Record<string, string>;
  taints?: { key: string; value?: string; effect: string }[];
}

const CONTROL_PLANE_LABEL = 'node-role.kubernetes.io/control-plane';
const DEFAULT_CAPACITY = { cpu: '4', memory: '8Gi', pods: '110', 'ephemeral-storage': '100Gi', 'hugepages-1Gi': '0', 'hugepages-2Mi': '0' };

export class Kubelet {
  private pods: Informer;
  private queue: WorkQueue;
  private workers = new Map<string, PodWorker>();
  private sandboxToPod = new Map<string, string>();
  private usedIPs = new Set<string>();
  private timers: NodeJS.Timeout[] = [];
  private recorder: EventRecorder;
  readonly hostIP: string;
  private stopped = false;
  private lastReport = 0;

  constructor(private client: Client, private runtime: ContainerRuntime, readonly config: NodeConfig) {
    this.hostIP = `172.18.0.${config.index + 2}`;
    this.recorder = new EventRecorder(client, 'kubelet', config.name);
    this.pods = new Informer(client, R.pods, undefined, { fieldSelector: `spec.nodeName=${config.name}` });
    this.queue = new WorkQueue((key) => this.syncPod(key), 4);
    this.pods.on({ add: (p) => this.queue.add(keyOf(p)), update: (_o, p) => this.queue.add(keyOf(p)), delete: (p) => this.queue.add(keyOf(p)) });
    runtime.onExit((sandbox) => {
      const key = this.sandboxToPod.get(sandbox);
      if (key) this.queue.add(key);
    });
  }

  get name(): string {
    return this.config.name;
  }

  podCIDR(): string {
    return `10.244.${this.config.index}.0/24`;
  }

  async start(): Promise<void> {
    await this.register();
    await this.renewLease();
    await this.pods.start();
    this.every(kubeletTuning.leaseRenewMs, () => this.renewLease());
    this.every(kubeletTuning.statusCheckMs, () => this.register());
    if (this.config.controlPlane) await this.publishMirrorPods();
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    this.queue.stop();
    this.pods.stop();
  }

  private every(ms: number, fn: () => Promise<void>): void {
    this.timers.push(setInterval(() => void fn().catch(() => {}), ms));
  }

  /** A node whose heartbeat was switched off by annotation simulates a dead kubelet. */
  private async heartbeatStopped(): Promise<boolean> {
    try {
      const node = await this.client.get(R.nodes, undefined, this.name);
      return node.metadata.annotations?.[HEARTBEAT_ANNOTATION] === 'stopped';
    } catch {
      return false;
    }
  }

  private nodeStatus(previous?: KubeObject): Record<string, any> {
    // Resources the kubelet does not own (extended resources a device plugin or a user patched
    // in) stay, in capacity and allocatable alike.
    const own = { ...DEFAULT_CAPACITY, ...(this.config.capacity ?? {}) };
    const capacity = { ...(previous?.status?.capacity ?? {}), ...own };
    const allocatable = { ...capacity, ...(previous?.status?.allocatable ?? {}), ...own };
    const ts = now();
    const cond = (type: string, status: string, reason: string, message: string) => {
      const prev = (previous?.status?.conditions ?? []).find((c: any) => c.type === type);
      return { type, status, lastHeartbeatTime: ts, lastTransitionTime: prev?.status === status ? prev.lastTransitionTime : ts, reason, message };
    };
    return {
      capacity,
      allocatable,
      conditions: [
        cond('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
        cond('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        cond('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        cond('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
      ],
      addresses: [
        { type: 'InternalIP', address: this.hostIP },
        { type: 'Hostname', address: this.name },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        machineID: this.name.padEnd(32, '0').slice(0, 32).replace(/[^0-9a-f]/g, 'a'),
        systemUUID: this.name,
        bootID: this.name,
        kernelVersion: 'skiff',
        osImage: `Skiff simulated node`,
        containerRuntimeVersion: `${this.runtime.name}://${this.runtime.version}`,
        kubeletVersion: KUBELET_VERSION,
        kubeProxyVersion: '',
        operatingSystem: 'linux',
        architecture: 'amd64',
      },
    };
  }

  /** Creates the Node, or refreshes its status (the lease carries the frequent heartbeat). */
  private async register(): Promise<void> {
    if (this.stopped) return;
    let existing: KubeObject | undefined;
    try {
      existing = await this.client.get(R.nodes, undefined, this.name);
    } catch (e) {
      if (!(e instanceof StatusError && e.code === 404)) throw e;
    }
    if (existing?.metadata.annotations?.[HEARTBEAT_ANNOTATION] === 'stopped') return;
    if (!existing) {
      const labels: Record<string, string> = {
        'beta.kubernetes.io/arch': 'amd64',
        'beta.kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/hostname': this.name,
        'kubernetes.io/os': 'linux',
        ...(this.config.controlPlane ? { [CONTROL_PLANE_LABEL]: '' } : {}),
        ...(this.config.labels ?? {}),
      };
      const taints = [...(this.config.taints ?? [])];
      if (this.config.controlPlane && this.config.taintControlPlane) taints.push({ key: CONTROL_PLANE_LABEL, effect: 'NoSchedule' });
      const node = await this.client.create(R.nodes, undefined, {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: {
          name: this.name,
          labels,
          annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' },
        },
        spec: { podCIDR: this.podCIDR(), podCIDRs: [this.podCIDR()], ...(taints.length ? { taints } : {}) },
      });
      await this.client.updateStatus(R.nodes, undefined, { ...node, status: this.nodeStatus() });
      this.recorder.event({ ...node, metadata: { ...node.metadata, namespace: 'default' } }, 'Normal', 'Starting', 'Starting kubelet.');
      return;
    }
    // Post when something changed (a recovered node turns Ready within one check), else once a minute.
    const next = this.nodeStatus(existing);
    const strip = (s: any) => JSON.stringify({ ...s, conditions: (s?.conditions ?? []).map((c: any) => ({ ...c, lastHeartbeatTime: undefined, lastTransitionTime: undefined })) });
    const changed = strip({ ...existing.status, ...next }) !== strip(existing.status);
    if (!changed && Date.now() - this.lastReport < kubeletTuning.statusReportMs) return;
    await this.client.updateStatus(R.nodes, undefined, { ...existing, status: { ...existing.status, ...next } });
    this.lastReport = Date.now();
  }

  private async renewLease(): Promise<void> {
    if (this.stopped || (await this.heartbeatStopped())) return;
    const ns = 'kube-node-lease';
    const spec = { holderIdentity: this.name, leaseDurationSeconds: kubeletTuning.leaseDurationSeconds, renewTime: new Date().toISOString().replace('Z', '000Z') };
    try {
      const lease = await this.client.get(R.leases, ns, this.name);
      await this.client.update(R.leases, ns, { ...lease, spec: { ...lease.spec, ...spec } });
    } catch (e) {
      if (!(e instanceof StatusError && e.code === 404)) throw e;
      const node = await this.client.get(R.nodes, undefined, this.name);
      await this.client.create(R.leases, ns, {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name: this.name, ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: this.name, uid: node.metadata.uid! }] },
        spec,
      });
    }
  }

  private allocateIP(pod: KubeObject): string | undefined {
    if (pod.spec?.hostNetwork) return this.hostIP;
    const existing = pod.status?.podIP;
    if (existing && existing.startsWith(`10.244.${this.config.index}.`)) {
      this.usedIPs.add(existing);
      return existing;
    }
    for (let i = 2; i < 255; i++) {
      const ip = `10.244.${this.config.index}.${i}`;
      if (!this.usedIPs.has(ip)) {
        this.usedIPs.add(ip);
        return ip;
      }
    }
    return undefined;
  }

  private async syncPod(key: string): Promise<void> {
    const pod = this.pods.get(key);
    let worker = this.workers.get(key);
    if (!pod || (worker && pod.metadata.uid !== worker.uid)) {
      if (worker) await this.forget(key, worker);
      if (!pod) return;
      worker = undefined;
    }
    if (!worker) {
      const ip = this.allocateIP(pod);
      if (!ip) {
        this.recorder.event(pod, 'Warning', 'FailedCreatePodSandBox', `Failed to create pod sandbox: no IP addresses available in range set: 10.244.${this.config.index}.1-10.244.${this.config.index}.254`);
        return;
      }
      worker = new PodWorker(
        {
          runtime: this.runtime,
          nodeName: this.name,
          hostIP: this.hostIP,
          wakeAt: (p, at) => this.queue.addAfter(keyOf(p), Math.max(0, at - Date.now()) + 5),
          event: (p, type, reason, message) => this.recorder.event(p, type, reason, message),
        },
        pod.metadata.uid!,
        ip,
      );
      this.workers.set(key, worker);
      if (pod.status?.containerStatuses?.length) await worker.restore(pod);
    }
    const status = await worker.sync(pod);
    if (worker.sandbox) this.sandboxToPod.set(worker.sandbox, key);
    if (pod.metadata.deletionTimestamp && worker.terminated) {
      await this.writeStatus(pod, status);
      try {
        await this.client.delete(R.pods, pod.metadata.namespace, pod.metadata.name!, { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid } });
      } catch (e) {
        if (!(e instanceof StatusError && (e.code === 404 || e.code === 409))) throw e;
      }
      return;
    }
    await this.writeStatus(pod, status);
  }

  private async writeStatus(pod: KubeObject, status: Record<string, any>): Promise<void> {
    const strip = (s: any) =>
      JSON.stringify({ ...s, conditions: (s?.conditions ?? []).map((c: any) => ({ ...c, lastTransitionTime: undefined })) });
    if (strip(status) === strip(pod.status ?? {})) return;
    try {
      await this.client.updateStatus(R.pods, pod.metadata.namespace, { ...pod, metadata: { ...pod.metadata, resourceVersion: undefined }, status });
    } catch (e) {
      if (!(e instanceof StatusError && (e.code === 404 || e.code === 409))) throw e;
    }
  }

  private async forget(key: string, worker: PodWorker): Promise<void> {
    this.workers.delete(key);
    if (worker.sandbox) this.sandboxToPod.delete(worker.sandbox);
    if (worker.podIP && worker.podIP !== this.hostIP) this.usedIPs.delete(worker.podIP);
    await worker.teardown();
  }

  /** Mirror pods for the control-plane components running in this process (kubeadm's static pods). */
  private async publishMirrorPods(): Promise<void> {
    const node = await this.client.get(R.nodes, undefined, this.name);
    const components: [string, string, string[]][] = [
      ['etcd', 'registry.k8s.io/etcd:3.5.21-0', ['etcd']],
      ['kube-apiserver', `registry.k8s.io/kube-apiserver:${KUBELET_VERSION}`, ['kube-apiserver']],
      ['kube-controller-manager', `registry.k8s.io/kube-controller-manager:${KUBELET_VERSION}`, ['kube-controller-manager']],
      ['kube-scheduler', `registry.k8s.io/kube-scheduler:${KUBELET_VERSION}`, ['kube-scheduler']],
    ];
    for (const [component, image, command] of components) {
      const name = `${component}-${this.name}`;
      try {
        await this.client.get(R.pods, 'kube-system', name);
        continue;
      } catch (e) {
        if (!(e instanceof StatusError && e.code === 404)) throw e;
      }
      await this.client.create(R.pods, 'kube-system', {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name,
          labels: { component, tier: 'control-plane' },
          annotations: { 'kubernetes.io/config.mirror': node.metadata.uid!, 'kubernetes.io/config.source': 'file', 'kubernetes.io/config.seen': now() },
          ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: this.name, uid: node.metadata.uid!, controller: true }],
        },
        spec: {
          nodeName: this.name,
          hostNetwork: true,
          priorityClassName: 'system-node-critical',
          priority: 2000001000,
          tolerations: [{ operator: 'Exists', effect: 'NoExecute' }],
          containers: [{ name: component, image, command }],
        },
      });
    }
  }
}
