/**
 * The API as components see it: the verbs of client-go's dynamic client, addressed by
 * group/version/resource. The in-process implementation (local.ts) and an HTTPS one can both
 * satisfy it, so a component never knows — or cares — which door it came through.
 */
import type { KubeObject } from '../registry/types.js';

export interface GVR {
  group: string;
  version: string;
  resource: string;
}

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
}

export interface ObjectList {
  items: KubeObject[];
  resourceVersion: string;
}

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface WatchSubscription {
  stop(): void;
}

export interface WriteOptions {
  fieldManager?: string;
  dryRun?: boolean;
}

export type PatchType = 'merge' | 'json' | 'strategic';

export interface DeleteOptions {
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
}

export interface Client {
  get(gvr: GVR, namespace: string | undefined, name: string): Promise<KubeObject>;
  list(gvr: GVR, namespace: string | undefined, opts?: ListOptions): Promise<ObjectList>;
  /**
   * Events after `resourceVersion`. `onError` receives a StatusError — 410 Expired means re-list.
   */
  watch(
    gvr: GVR,
    namespace: string | undefined,
    resourceVersion: string,
    opts: ListOptions,
    onEvent: (type: EventType, obj: KubeObject) => void,
    onError: (err: Error) => void,
  ): WatchSubscription;
  create(gvr: GVR, namespace: string | undefined, obj: KubeObject, opts?: WriteOptions): Promise<KubeObject>;
  update(gvr: GVR, namespace: string | undefined, obj: KubeObject, opts?: WriteOptions): Promise<KubeObject>;
  updateStatus(gvr: GVR, namespace: string | undefined, obj: KubeObject, opts?: WriteOptions): Promise<KubeObject>;
  patch(gvr: GVR, namespace: string | undefined, name: string, type: PatchType, patch: unknown, opts?: WriteOptions & { subresource?: 'status' }): Promise<KubeObject>;
  delete(gvr: GVR, namespace: string | undefined, name: string, opts?: DeleteOptions): Promise<void>;
  /** pods/binding */
  bind(namespace: string, pod: string, node: string): Promise<void>;
}

export const gvr = (group: string, version: string, resource: string): GVR => ({ group, version, resource });

export const R = {
  pods: gvr('', 'v1', 'pods'),
  nodes: gvr('', 'v1', 'nodes'),
  services: gvr('', 'v1', 'services'),
  endpoints: gvr('', 'v1', 'endpoints'),
  namespaces: gvr('', 'v1', 'namespaces'),
  events: gvr('', 'v1', 'events'),
  configmaps: gvr('', 'v1', 'configmaps'),
  serviceaccounts: gvr('', 'v1', 'serviceaccounts'),
  replicationcontrollers: gvr('', 'v1', 'replicationcontrollers'),
  deployments: gvr('apps', 'v1', 'deployments'),
  replicasets: gvr('apps', 'v1', 'replicasets'),
  statefulsets: gvr('apps', 'v1', 'statefulsets'),
  daemonsets: gvr('apps', 'v1', 'daemonsets'),
  controllerrevisions: gvr('apps', 'v1', 'controllerrevisions'),
  jobs: gvr('batch', 'v1', 'jobs'),
  cronjobs: gvr('batch', 'v1', 'cronjobs'),
  endpointslices: gvr('discovery.k8s.io', 'v1', 'endpointslices'),
  leases: gvr('coordination.k8s.io', 'v1', 'leases'),
} as const;
