/**
 * Garbage collector: deletes objects whose owners (ownerReferences) are all gone, and carries out
 * the two deletion modes that wait on dependents — Foreground (owner keeps the foregroundDeletion
 * finalizer until its blocking dependents are gone) and Orphan (dependents lose their reference
 * to the owner, then the orphan finalizer goes). Watches every resource discovery lists, as
 * upstream's graph builder does.
 */
import { StatusError } from '../apiserver/errors.js';
import type { KubeObject, OwnerReference } from '../registry/types.js';
import type { InformerFactory } from '../client/factory.js';
import type { Client, GVR } from '../client/types.js';
import { WorkQueue } from '../client/workqueue.js';

interface Node {
  gvr: GVR;
  obj: KubeObject;
}

const FOREGROUND = 'foregroundDeletion';
const ORPHAN = 'orphan';

export class GarbageCollector {
  /** uid -> the object, across every watched resource */
  private byUid = new Map<string, Node>();
  /** owner uid -> dependent uids */
  private dependents = new Map<string, Set<string>>();
  private queue: WorkQueue;
  private ready = false;

  constructor(private client: Client, factory: InformerFactory, resources: GVR[]) {
    this.queue = new WorkQueue((uid) => this.reconcile(uid), 4);
    for (const gvr of resources) {
      const inf = factory.for(gvr);
      inf.on({
        add: (o) => this.observe(gvr, o),
        update: (_old, o) => this.observe(gvr, o),
        delete: (o) => this.forget(o),
      });
    }
  }

  /** Starts judging once every informer has listed: before that a missing owner proves nothing. */
  begin(): void {
    this.ready = true;
    for (const uid of this.byUid.keys()) this.queue.add(uid);
  }

  stop(): void {
    this.queue.stop();
  }

  private observe(gvr: GVR, obj: KubeObject): void {
    const uid = obj.metadata.uid!;
    const prev = this.byUid.get(uid);
    for (const r of prev?.obj.metadata.ownerReferences ?? []) this.dependents.get(r.uid)?.delete(uid);
    this.byUid.set(uid, { gvr, obj });
    for (const r of obj.metadata.ownerReferences ?? []) {
      let set = this.dependents.get(r.uid);
      if (!set) this.dependents.set(r.uid, (set = new Set()));
      set.add(uid);
    }
    if (!this.ready) return;
    if (obj.metadata.ownerReferences?.length || obj.metadata.deletionTimestamp) this.queue.add(uid);
  }

  private forget(obj: KubeObject): void {
    const uid = obj.metadata.uid!;
    this.byUid.delete(uid);
    for (const r of obj.metadata.ownerReferences ?? []) {
      this.dependents.get(r.uid)?.delete(uid);
      // An owner waiting in foreground deletion may be free now.
      if (this.ready) this.queue.add(r.uid);
    }
    if (!this.ready) return;
    for (const dep of this.dependents.get(uid) ?? []) this.queue.add(dep);
  }

  private ownerAlive(ref: OwnerReference): boolean {
    const n = this.byUid.get(ref.uid);
    return !!n && n.obj.metadata.name === ref.name;
  }

  private async reconcile(uid: string): Promise<void> {
    const node = this.byUid.get(uid);
    if (!node) return;
    const { gvr, obj } = node;
    const ns = obj.metadata.namespace;
    const finalizers: string[] = obj.metadata.finalizers ?? [];
    if (obj.metadata.deletionTimestamp && finalizers.includes(ORPHAN)) return this.orphanDependents(node);
    if (obj.metadata.deletionTimestamp && finalizers.includes(FOREGROUND)) return this.deleteForeground(node);
    const refs = obj.metadata.ownerReferences ?? [];
    if (refs.length === 0 || obj.metadata.deletionTimestamp) return;
    const dead = refs.filter((r) => !this.ownerAlive(r));
    if (dead.length === 0) {
      // Owners deleting in the foreground take blocking dependents with them.
      const waiting = refs.some((r) => {
        const owner = this.byUid.get(r.uid)?.obj;
        return owner?.metadata.deletionTimestamp && (owner.metadata.finalizers ?? []).includes(FOREGROUND) && r.blockOwnerDeletion;
      });
      if (waiting) await this.remove(gvr, ns, obj, 'Foreground');
      return;
    }
    if (dead.length < refs.length) {
      // Some owners remain: drop only the references to the dead ones.
      const keep = refs.filter((r) => this.ownerAlive(r));
      await this.client.patch(gvr, ns, obj.metadata.name!, 'merge', { metadata: { ownerReferences: keep, uid } }).catch(() => {});
      return;
    }
    await this.remove(gvr, ns, obj, 'Background');
  }

  private async remove(gvr: GVR, ns: string | undefined, obj: KubeObject, policy: 'Background' | 'Foreground'): Promise<void> {
    try {
      await this.client.delete(gvr, ns, obj.metadata.name!, { propagationPolicy: policy, preconditions: { uid: obj.metadata.uid } });
    } catch (e) {
      if (!(e instanceof StatusError && (e.code === 404 || e.code === 409))) throw e;
    }
  }

  private async orphanDependents(node: Node): Promise<void> {
    const uid = node.obj.metadata.uid!;
    for (const depUid of [...(this.dependents.get(uid) ?? [])]) {
      const dep = this.byUid.get(depUid);
      if (!dep) continue;
      const keep = (dep.obj.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid);
      await this.client.patch(dep.gvr, dep.obj.metadata.namespace, dep.obj.metadata.name!, 'merge', { metadata: { ownerReferences: keep.length ? keep : null } }).catch(() => {});
    }
    await this.dropFinalizer(node, ORPHAN);
  }

  private async deleteForeground(node: Node): Promise<void> {
    const uid = node.obj.metadata.uid!;
    let blocking = 0;
    for (const depUid of [...(this.dependents.get(uid) ?? [])]) {
      const dep = this.byUid.get(depUid);
      if (!dep) continue;
      const ref = (dep.obj.metadata.ownerReferences ?? []).find((r) => r.uid === uid);
      if (ref?.blockOwnerDeletion) blocking++;
      if (!dep.obj.metadata.deletionTimestamp) await this.remove(dep.gvr, dep.obj.metadata.namespace, dep.obj, 'Foreground');
    }
    if (blocking === 0) await this.dropFinalizer(node, FOREGROUND);
  }

  private async dropFinalizer(node: Node, finalizer: string): Promise<void> {
    const current = node.obj;
    const finalizers = (current.metadata.finalizers ?? []).filter((f: string) => f !== finalizer);
    try {
      await this.client.patch(node.gvr, current.metadata.namespace, current.metadata.name!, 'merge', {
        metadata: { finalizers: finalizers.length ? finalizers : null, resourceVersion: current.metadata.resourceVersion },
      });
    } catch (e) {
      if (e instanceof StatusError && e.code === 409) {
        this.queue.addAfter(current.metadata.uid!, 100);
        return;
      }
      if (!(e instanceof StatusError && e.code === 404)) throw e;
    }
  }
}
