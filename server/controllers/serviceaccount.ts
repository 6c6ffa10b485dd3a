/**
 * ServiceAccounts controller: every active namespace has a `default` ServiceAccount, and a
 * `kube-root-ca.crt` ConfigMap holding the cluster CA (the root-ca-cert-publisher's job).
 */
import { StatusError } from '../apiserver/errors.js';
import type { InformerFactory } from '../client/factory.js';
import { keyOf } from '../client/informer.js';
import { R, type Client } from '../client/types.js';
import { WorkQueue } from '../client/workqueue.js';

export class ServiceAccountController {
  private queue: WorkQueue;

  constructor(private client: Client, private informers: InformerFactory, private caCert: string) {
    this.queue = new WorkQueue((ns) => this.reconcile(ns), 2);
    informers.for(R.namespaces).on({ add: (n) => this.queue.add(keyOf(n)), update: (_o, n) => this.queue.add(keyOf(n)) });
    informers.for(R.serviceaccounts).on({ delete: (sa) => sa.metadata.name === 'default' && this.queue.add(sa.metadata.namespace!) });
    informers.for(R.configmaps).on({ delete: (cm) => cm.metadata.name === 'kube-root-ca.crt' && this.queue.add(cm.metadata.namespace!) });
  }

  stop(): void {
    this.queue.stop();
  }

  async reconcile(namespace: string): Promise<void> {
    const ns = this.informers.for(R.namespaces).get(namespace);
    if (!ns || ns.metadata.deletionTimestamp) return;
    const ignoreExists = (e: unknown) => {
      if (!(e instanceof StatusError && (e.code === 409 || e.code === 403 || e.code === 404))) throw e;
    };
    if (!this.informers.for(R.serviceaccounts).get(`${namespace}/default`)) {
      await this.client.create(R.serviceaccounts, namespace, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' } }).catch(ignoreExists);
    }
    if (!this.informers.for(R.configmaps).get(`${namespace}/kube-root-ca.crt`)) {
      await this.client
        .create(R.configmaps, namespace, {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'kube-root-ca.crt' },
          data: { 'ca.crt': this.caCert },
        })
        .catch(ignoreExists);
    }
  }
}
