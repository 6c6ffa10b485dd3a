/**
 * Endpoints controller: for every Service with a selector, an Endpoints object of the same name
 * listing ready pod addresses and not-ready ones, grouped by resolved port set.
 */
import { StatusError } from '../apiserver/errors.js';
import type { KubeObject } from '../registry/types.js';
import type { InformerFactory } from '../client/factory.js';
import { keyOf, splitKey } from '../client/informer.js';
import { R, type Client } from '../client/types.js';
import { WorkQueue } from '../client/workqueue.js';
import { backendsOf, selectsPod } from './backends.js';

export class EndpointsController {
  private queue: WorkQueue;

  constructor(private client: Client, private informers: InformerFactory) {
    this.queue = new WorkQueue((key) => this.reconcile(key), 2);
    informers.for(R.services).on({ add: (s) => this.queue.add(keyOf(s)), update: (_o, s) => this.queue.add(keyOf(s)), delete: (s) => this.queue.add(keyOf(s)) });
    const podChanged = (p: KubeObject) => {
      for (const svc of informers.for(R.services).list(p.metadata.namespace)) if (selectsPod(svc, p)) this.queue.add(keyOf(svc));
    };
    informers.for(R.pods).on({
      add: podChanged,
      update: (old, p) => {
        podChanged(p);
        podChanged(old);
      },
      delete: podChanged,
    });
  }

  stop(): void {
    this.queue.stop();
  }

  async reconcile(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const svc = this.informers.for(R.services).get(key);
    if (!svc || !svc.spec?.selector || Object.keys(svc.spec.selector).length === 0) {
      // Endpoints of selector-less Services belong to whoever made them; of deleted ones, to the GC.
      if (!svc) await this.client.delete(R.endpoints, namespace, name).catch(() => {});
      return;
    }
    const groups = new Map<string, { addresses: any[]; notReadyAddresses: any[]; ports: any[] }>();
    const pods = this.informers.for(R.pods).list(namespace);
    for (const b of backendsOf(svc, pods)) {
      if (b.terminating && !svc.spec.publishNotReadyAddresses) continue;
      const ports = b.ports.map((p) => ({ ...(p.name ? { name: p.name } : {}), port: p.port, protocol: p.protocol }));
      const sig = JSON.stringify(ports);
      let g = groups.get(sig);
      if (!g) groups.set(sig, (g = { addresses: [], notReadyAddresses: [], ports }));
      const addr = { ip: b.ip, nodeName: b.pod.spec?.nodeName, targetRef: { kind: 'Pod', namespace, name: b.pod.metadata.name, uid: b.pod.metadata.uid } };
      (b.ready ? g.addresses : g.notReadyAddresses).push(addr);
    }
    const subsets = [...groups.values()].map((g) => {
      const s: Record<string, unknown> = {};
      const byIP = (a: any, b: any) => (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : 0);
      if (g.addresses.length) s.addresses = g.addresses.sort(byIP);
      if (g.notReadyAddresses.length) s.notReadyAddresses = g.notReadyAddresses.sort(byIP);
      if (g.ports.length) s.ports = g.ports;
      return s;
    });
    const labels = { ...(svc.metadata.labels ?? {}) };
    if (svc.spec.clusterIP === 'None') labels['service.kubernetes.io/headless'] = '';
    let current: KubeObject | undefined;
    try {
      current = await this.client.get(R.endpoints, namespace, name);
    } catch (e) {
      if (!(e instanceof StatusError && e.code === 404)) throw e;
    }
    if (current && JSON.stringify(current.subsets ?? []) === JSON.stringify(subsets) && JSON.stringify(current.metadata.labels ?? {}) === JSON.stringify(labels)) return;
    const body: KubeObject = { apiVersion: 'v1', kind: 'Endpoints', metadata: { ...(current?.metadata ?? { name, namespace }), labels }, subsets };
    if (!subsets.length) delete body.subsets;
    if (current) await this.client.update(R.endpoints, namespace, body);
    else await this.client.create(R.endpoints, namespace, body);
  }
}
