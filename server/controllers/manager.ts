/**
 * kube-controller-manager: the control loops, sharing one informer per resource, each writing
 * through its own client identity. Started after the API is serving; stopped before it closes.
 */
import type { LocalClient } from '../client/local.js';
import { InformerFactory } from '../client/factory.js';
import type { GVR } from '../client/types.js';
import { DaemonSetController } from './daemonset.js';
import { DeploymentController } from './deployment.js';
import { EndpointsController } from './endpoints.js';
import { EndpointSliceController } from './endpointslice.js';
import { GarbageCollector } from './garbagecollector.js';
import { JobController } from './job.js';
import { CronJobController } from './cronjob.js';
import { StatefulSetController } from './statefulset.js';
import { NodeLifecycleController, type NodeLifecycleOptions } from './nodelifecycle.js';
import { ReplicaSetController, replicationControllerFlavor } from './replicaset.js';
import { ServiceAccountController } from './serviceaccount.js';

export interface ControllerManagerOptions {
  /** every resource discovery lists, for the garbage collector */
  resources: GVR[];
  caCert: string;
  nodeLifecycle: NodeLifecycleOptions;
}

export class ControllerManager {
  private informers: InformerFactory;
  private controllers: { stop(): void }[] = [];
  private gc: GarbageCollector;

  constructor(client: LocalClient, opts: ControllerManagerOptions) {
    this.informers = new InformerFactory(client.as('kube-controller-manager'));
    const f = this.informers;
    this.controllers.push(
      new DeploymentController(client.as('deployment-controller'), f),
      new ReplicaSetController(client.as('replicaset-controller'), f),
      new ReplicaSetController(client.as('replication-controller'), f, replicationControllerFlavor),
      new DaemonSetController(client.as('daemonset-controller'), f),
      new StatefulSetController(client.as('statefulset-controller'), f),
      new JobController(client.as('job-controller'), f),
      new CronJobController(client.as('cronjob-controller'), f),
      new EndpointsController(client.as('endpoint-controller'), f),
      new EndpointSliceController(client.as('endpointslice-controller'), f),
      new NodeLifecycleController(client.as('node-controller'), f, opts.nodeLifecycle),
      new ServiceAccountController(client.as('serviceaccount-controller'), f, opts.caCert),
    );
    this.gc = new GarbageCollector(client.as('generic-garbage-collector'), f, opts.resources);
    this.controllers.push(this.gc);
  }

  async start(): Promise<void> {
    await this.informers.start();
    this.gc.begin();
  }

  stop(): void {
    for (const c of this.controllers) c.stop();
    this.informers.stop();
  }
}
