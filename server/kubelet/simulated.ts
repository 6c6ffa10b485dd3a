/**
 * The `simulated` runtime: containers without processes. They run until stopped, unless the pod
 * asks them to exit through annotations (README: "Simulated runtime"):
 *   sim.skiff.dev/exit-code: "1"        exit code of app containers (default: they never exit)
 *   sim.skiff.dev/exit-after: "3s"      how long they run before exiting (default 0s)
 *   sim.skiff.dev/ignore-sigterm: "true" containers wait out the whole grace period when stopped
 * Init containers exit 0 after a short run unless sim.skiff.dev/init-exit-code says otherwise.
 */
import type { KubeObject } from '../registry/types.js';
import type { ContainerRuntime, ContainerState } from './runtime.js';

export const SIM_EXIT_CODE = 'sim.skiff.dev/exit-code';
export const SIM_EXIT_AFTER = 'sim.skiff.dev/exit-after';
export const SIM_IGNORE_SIGTERM = 'sim.skiff.dev/ignore-sigterm';
export const SIM_INIT_EXIT_CODE = 'sim.skiff.dev/init-exit-code';

/** Tuning, overridable by tests and benchmarks. */
export const simTuning = { initRunMs: 100 };

export function parseDuration(text: string | undefined): number {
  if (!text) return 0;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m) return 0;
  const n = Number(m[1]);
  return n * ({ ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] ?? 's'] ?? 1000);
}

interface SimContainer {
  sandbox: string;
  state: ContainerState;
  exitCode?: number;
  exitAfterMs: number;
  ignoreSigterm: boolean;
  timer?: NodeJS.Timeout;
}

let nextId = 1;

export class SimulatedRuntime implements ContainerRuntime {
  readonly name = 'skiff-simulated';
  readonly version = '0.1.0';
  private containers = new Map<string, SimContainer>();
  private listeners: ((sandbox: string, id: string) => void)[] = [];

  async runPodSandbox(pod: KubeObject): Promise<string> {
    return `sandbox-${pod.metadata.uid}-${nextId++}`;
  }

  async removePodSandbox(sandboxId: string): Promise<void> {
    for (const [id, c] of this.containers) if (c.sandbox === sandboxId) this.drop(id);
  }

  async createContainer(sandboxId: string, pod: KubeObject, container: KubeObject, _attempt: number): Promise<string> {
    const ann = pod.metadata.annotations ?? {};
    const isInit = (pod.spec?.initContainers ?? []).some((c: KubeObject) => c.name === container.name);
    const id = `sim://${(nextId++).toString(16).padStart(12, '0')}`;
    const code = isInit ? Number(ann[SIM_INIT_EXIT_CODE] ?? 0) : ann[SIM_EXIT_CODE] !== undefined ? Number(ann[SIM_EXIT_CODE]) : undefined;
    this.containers.set(id, {
      sandbox: sandboxId,
      state: { state: 'created' },
      exitCode: Number.isFinite(code) ? code : undefined,
      exitAfterMs: isInit ? Math.max(simTuning.initRunMs, parseDuration(ann[SIM_EXIT_AFTER])) : parseDuration(ann[SIM_EXIT_AFTER]),
      ignoreSigterm: ann[SIM_IGNORE_SIGTERM] === 'true',
    });
    return id;
  }

  async startContainer(id: string): Promise<void> {
    this.run(id, Date.now());
  }

  private run(id: string, startedAt: number): void {
    const c = this.containers.get(id);
    if (!c) throw new Error(`simulated runtime: no container ${id}`);
    c.state = { state: 'running', startedAt };
    if (c.exitCode !== undefined) {
      c.timer = setTimeout(() => {
        c.state = { state: 'exited', startedAt, finishedAt: Date.now(), exitCode: c.exitCode!, reason: c.exitCode === 0 ? 'Completed' : 'Error' };
        for (const l of this.listeners) l(c.sandbox, id);
      }, Math.max(0, startedAt + c.exitAfterMs - Date.now()));
    }
  }

  async stopContainer(id: string, graceSeconds: number): Promise<void> {
    const c = this.containers.get(id);
    if (!c || c.state.state !== 'running') return;
    clearTimeout(c.timer);
    const startedAt = c.state.startedAt;
    if (c.ignoreSigterm && graceSeconds > 0) await new Promise((r) => setTimeout(r, graceSeconds * 1000));
    // A process that honours SIGTERM exits 0 at once; one killed after the grace period gets 137.
    const killed = c.ignoreSigterm && graceSeconds >= 0;
    c.state = { state: 'exited', startedAt, finishedAt: Date.now(), exitCode: killed ? 137 : 0, reason: killed ? 'Error' : 'Completed' };
  }

  async removeContainer(id: string): Promise<void> {
    this.drop(id);
  }

  containerStatus(id: string): ContainerState | undefined {
    return this.containers.get(id)?.state;
  }

  onExit(listener: (sandbox: string, id: string) => void): void {
    this.listeners.push(listener);
  }

  /** Re-creates a running container after the cluster process restarted (the node kept running). */
  async restore(sandboxId: string, startedAt: number, pod: KubeObject, container: KubeObject): Promise<string> {
    const id = await this.createContainer(sandboxId, pod, container, 0);
    this.run(id, startedAt);
    return id;
  }

  private drop(id: string): void {
    const c = this.containers.get(id);
    if (c) clearTimeout(c.timer);
    this.containers.delete(id);
  }
}
