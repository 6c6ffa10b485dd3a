/**
 * Namespace lifecycle: a namespace being deleted has its content removed, then its `kubernetes`
 * finalizer dropped so the API server lets it go — kube-controller-manager's namespace controller.
 */
import type { GenericStore } from '../registry/generic.js';
import type { Registry } from '../registry/registry.js';
import type { KindDef, KubeObject } from '../registry/types.js';

export class NamespaceController {
  private queue = new Set<string>();
  private running = false;
  private stopWatch?: () => void;
  private retry?: NodeJS.Timeout;

  constructor(private store: GenericStore, private registry: Registry, private nsDef: KindDef) {}

  start(): void {
    const handle = this.store.watch(this.nsDef, undefined, this.store.revision, undefined, (_t, ns) => {
      if (ns.metadata.deletionTimestamp) this.enqueue(ns.metadata.name!);
    });
    this.stopWatch = () => handle.stop();
    for (const ns of this.store.all(this.nsDef)) if (ns.metadata.deletionTimestamp) this.enqueue(ns.metadata.name!);
  }

  stop(): void {
    this.stopWatch?.();
    if (this.retry) clearTimeout(this.retry);
  }

  private enqueue(name: string): void {
    this.queue.add(name);
    if (!this.running) void this.drain();
  }

  private async drain(): Promise<void> {
    this.running = true;
    const again: string[] = [];
    try {
      while (this.queue.size) {
        const [name] = this.queue;
        this.queue.delete(name);
        try {
          if (!(await this.reconcile(name))) again.push(name);
        } catch (e) {
          console.error(`namespace controller: ${name}:`, (e as Error).message);
          again.push(name);
        }
      }
    } finally {
      this.running = false;
    }
    if (again.length) {
      // Content with finalizers or terminating pods goes on its own schedule: look again shortly.
      this.retry = setTimeout(() => again.forEach((n) => this.enqueue(n)), 1000);
    }
  }

  /** Returns true when the namespace is done (gone or not terminating). */
  async reconcile(name: string): Promise<boolean> {
    let ns: KubeObject;
    try {
      ns = this.store.get(this.nsDef, undefined, name);
    } catch {
      return true;
    }
    if (!ns.metadata.deletionTimestamp) return true;
    const ctx = { manager: 'namespace-controller', dryRun: false };
    let remaining = 0;
    const seen = new Set<string>();
    for (const def of this.registry.all()) {
      if (!def.namespaced) continue;
      const res = `${def.group}/${def.storage?.plural ?? def.plural}`;
      if (seen.has(res)) continue;
      seen.add(res);
      for (const obj of this.store.list(def, { namespace: name }).items) {
        remaining++;
        if (obj.metadata.deletionTimestamp) continue;
        try {
          await this.store.delete(def, name, obj.metadata.name!, { propagationPolicy: 'Background' }, ctx);
        } catch {
          // raced with another deleter
        }
      }
    }
    if (remaining > 0) {
      const left = this.registry.all().some((def) => def.namespaced && this.store.list(def, { namespace: name, limit: 1 }).items.length > 0);
      if (left) return false;
    }
    await this.store.update(this.nsDef, undefined, name, (cur) => {
      const c = cur!;
      c.spec = { ...(c.spec ?? {}), finalizers: (c.spec?.finalizers ?? []).filter((f: string) => f !== 'kubernetes') };
      delete c.metadata.resourceVersion;
      return c;
    }, { ...ctx, subresource: 'finalize' });
    return true;
  }
}
