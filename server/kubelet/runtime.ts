/**
 * The container runtime as the kubelet sees it, shaped like CRI: a sandbox per pod, containers
 * created and started inside it, stopped with a grace period, and state read back. Runtimes tell
 * the kubelet when a container exits on its own so it can re-sync that pod.
 */
import type { KubeObject } from '../registry/types.js';

export type ContainerState =
  | { state: 'created' }
  | { state: 'running'; startedAt: number }
  | { state: 'exited'; startedAt: number; finishedAt: number; exitCode: number; reason: string };

export interface ContainerRuntime {
  readonly name: string;
  readonly version: string;
  runPodSandbox(pod: KubeObject): Promise<string>;
  removePodSandbox(sandboxId: string): Promise<void>;
  createContainer(sandboxId: string, pod: KubeObject, container: KubeObject, attempt: number): Promise<string>;
  startContainer(containerId: string): Promise<void>;
  /** SIGTERM, then SIGKILL after `graceSeconds` */
  stopContainer(containerId: string, graceSeconds: number): Promise<void>;
  removeContainer(containerId: string): Promise<void>;
  containerStatus(containerId: string): ContainerState | undefined;
  /** re-attaches to a container that kept running while the cluster process was down */
  restore?(sandboxId: string, startedAt: number, pod: KubeObject, container: KubeObject): Promise<string>;
  /** called when a container exits without being asked to */
  onExit(listener: (sandboxId: string, containerId: string) => void): void;
}
