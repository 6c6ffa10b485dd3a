/**
 * EndpointSlice controller: one IPv4 slice per Service with a selector (Skiff's clusters stay far
 * below the 100-endpoint slice limit), owned by the Service, with ready/serving/terminating
 * conditions per endpoint.
 */
import type { KubeObject } from '../registry/types.js';
import type { InformerFactory } from '../client/factory.js';
import { keyOf, splitKey } from '../client/informer.js';
import { R, type Client } from '../client/types.js';
import { WorkQueue } from '../client/workqueue.js';
import { controllerRef, isPodReady } from './podutil.js';
import { backendsOf, selectsPod } from './backends.js';

const SERVICE_NAME = 'kubernetes.io/service-name';
const MANAGED_BY = 'endpointslice.kubernetes.io/managed-by';
const CONTROLLER = 'endpointslice-controller.k8s.io';

export class EndpointSliceController {
  private queue: WorkQueue;

  constructor(private client: Client, private informers: InformerFactory) {
    this.queue = new WorkQueue((key) => this.reconcile(key), 2);
    informers.for(R.services).on({ add: (s) => this.queue.add(keyOf(s)), update: (_o, s) => this.queue.add(keyOf(s)), delete: (s) => this.queue.add(keyOf(s)) });
    const podChanged = (p: KubeObject) => {
      for (const svc of informers.for(R.services).list(p.metadata.namespace)) if (selectsPod(svc, p)) this.queue.add(keyOf(svc));
    };
    informers.for(R.pods).on({ add: podChanged, update: (o, p) => { podChanged(p); podChanged(o); }, delete: podChanged });
    informers.for(R.endpointslices);
  }

  stop(): void {
    this.queue.stop();
  }

  async reconcile(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const svc = this.informers.for(R.services).get(key);
    const mine = this.informers.for(R.endpointslices).list(namespace).filter((s) => s.metadata.labels?.[SERVICE_NAME] === name && s.metadata.labels?.[MANAGED_BY] === CONTROLLER);
    if (!svc || !svc.spec?.selector || Object.keys(svc.spec.selector).length === 0) {
      for (const s of mine) await this.client.delete(R.endpointslices, namespace, s.metadata.name!).catch(() => {});
      return;
    }
    const backends = backendsOf(svc, this.informers.for(R.pods).list(namespace));
    const endpoints = backends
      .map((b) => ({
        addresses: [b.ip],
        conditions: { ready: b.ready && !b.terminating, serving: isPodReady(b.pod) || !!svc.spec.publishNotReadyAddresses, terminating: b.terminating },
        ...(b.pod.spec?.nodeName ? { nodeName: b.pod.spec.nodeName } : {}),
        targetRef: { kind: 'Pod', namespace, name: b.pod.metadata.name, uid: b.pod.metadata.uid },
      }))
      .sort((a, b) => (a.addresses[0] < b.addresses[0] ? -1 : 1));
    const ports = (svc.spec.ports ?? []).map((p: any) => {
      const resolved = backends.find((b) => b.ports.some((bp) => bp.name === p.name))?.ports.find((bp) => bp.name === p.name);
      return { name: p.name ?? '', port: resolved?.port ?? (typeof p.targetPort === 'number' ? p.targetPort : p.port), protocol: p.protocol ?? 'TCP' };
    });
    const labels = { ...(svc.metadata.labels ?? {}), [SERVICE_NAME]: name, [MANAGED_BY]: CONTROLLER };
    const [slice, ...extra] = mine;
    for (const s of extra) await this.client.delete(R.endpointslices, namespace, s.metadata.name!).catch(() => {});
    const body: KubeObject = {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: slice ? { ...slice.metadata, labels } : { generateName: `${name}-`, namespace, labels, ownerReferences: [controllerRef(svc, 'v1', 'Service')] },
      addressType: 'IPv4',
      endpoints,
      ports,
    };
    if (slice && JSON.stringify([slice.endpoints ?? [], slice.ports ?? [], slice.metadata.labels]) === JSON.stringify([endpoints, ports, labels])) return;
    if (slice) await this.client.update(R.endpointslices, namespace, body);
    else await this.client.create(R.endpointslices, namespace, body);
  }
}
