/**
 * The apiextensions part of the API server: watches CustomResourceDefinitions, establishes them
 * (NamesAccepted, Established), serves their custom resources through the registry, and on CRD
 * deletion removes every custom resource before letting the CRD go — as upstream's
 * establishing controller and customresourcecleanup finalizer do.
 */
import type { GenericStore } from '../registry/generic.js';
import { now } from '../registry/generic.js';
import type { Registry } from '../registry/registry.js';
import type { KindDef, KubeObject } from '../registry/types.js';
import { customResourceSchemas, registerDefinition, unregisterDefinition } from '../registry/schema/index.js';

export const CLEANUP_FINALIZER = 'customresourcecleanup.apiextensions.k8s.io';

export interface CrdDeps {
  registry: Registry;
  store: GenericStore;
  crdDef: KindDef;
  kindDefsFor(crd: KubeObject): KindDef[];
}

function condition(type: string, reason: string, message: string) {
  return { type, status: 'True', lastTransitionTime: now(), reason, message };
}

function isEstablished(crd: KubeObject): boolean {
  return (crd.status?.conditions ?? []).some((c: any) => c.type === 'Established' && c.status === 'True');
}

export class CrdController {
  private stopWatch?: () => void;
  private queue = new Set<string>();
  private running = false;
  private published = new Map<string, string[]>();

  constructor(private deps: CrdDeps) {}

  /** Serves every stored CRD synchronously (so a restart resumes at once), then follows changes. */
  start(): void {
    const { store, crdDef } = this.deps;
    for (const crd of store.all(crdDef)) this.serve(crd);
    const handle = store.watch(crdDef, undefined, store.revision, undefined, (_type, obj) => this.enqueue(obj.metadata.name!));
    this.stopWatch = () => handle.stop();
    for (const crd of store.all(crdDef)) this.enqueue(crd.metadata.name!);
  }

  stop(): void {
    this.stopWatch?.();
  }

  /** Publishes the CRD's schemas (OpenAPI, validation) and serves its kinds. */
  private serve(crd: KubeObject): void {
    const name = crd.metadata.name!;
    if (crd.metadata.deletionTimestamp) return;
    this.unpublish(name);
    const published: string[] = [];
    for (const v of crd.spec?.versions ?? []) {
      if (!v.served) continue;
      const s = customResourceSchemas(crd.spec.group, v.name, crd.spec.names.kind, v.schema?.openAPIV3Schema);
      registerDefinition(s.name, s.schema);
      registerDefinition(s.listName, s.listSchema);
      published.push(s.name, s.listName);
    }
    this.published.set(name, published);
    this.deps.registry.setCustom(name, this.deps.kindDefsFor(crd));
  }

  private unpublish(name: string): void {
    for (const d of this.published.get(name) ?? []) unregisterDefinition(d);
    this.published.delete(name);
  }

  private enqueue(name: string): void {
    this.queue.add(name);
    if (!this.running) void this.drain();
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.size) {
        const [name] = this.queue;
        this.queue.delete(name);
        try {
          await this.reconcile(name);
        } catch (e) {
          console.error(`crd controller: ${name}:`, (e as Error).message);
        }
      }
    } finally {
      this.running = false;
    }
  }

  /** Level-triggered: looks at the CRD as it is now and moves it one step toward served or gone. */
  async reconcile(name: string): Promise<void> {
    const { store, crdDef, registry } = this.deps;
    const kv = store.getRaw(crdDef, undefined, name);
    if (!kv) {
      registry.setCustom(name, []);
      this.unpublish(name);
      return;
    }
    const crd = JSON.parse(kv.value) as KubeObject;
    const ctx = { manager: 'kube-apiserver', dryRun: false };
    if (crd.metadata.deletionTimestamp) {
      registry.setCustom(name, []);
      this.unpublish(name);
      const defs = this.deps.kindDefsFor(crd);
      for (const def of defs.slice(0, 1)) {
        for (const cr of store.all(def)) {
          try {
            await store.delete(def, cr.metadata.namespace, cr.metadata.name!, {}, ctx);
          } catch {
            // already gone
          }
        }
      }
      if ((crd.metadata.finalizers ?? []).includes(CLEANUP_FINALIZER)) {
        await store.update(crdDef, undefined, name, (cur) => {
          cur!.metadata.finalizers = (cur!.metadata.finalizers ?? []).filter((f: string) => f !== CLEANUP_FINALIZER);
          return cur!;
        }, ctx);
      }
      return;
    }
    if (!(crd.metadata.finalizers ?? []).includes(CLEANUP_FINALIZER)) {
      await store.update(crdDef, undefined, name, (cur) => {
        cur!.metadata.finalizers = [...(cur!.metadata.finalizers ?? []), CLEANUP_FINALIZER];
        delete cur!.metadata.resourceVersion;
        return cur!;
      }, ctx);
      return;
    }
    this.serve(crd);
    const accepted = JSON.stringify(crd.status?.acceptedNames) === JSON.stringify(crd.spec.names);
    if (!isEstablished(crd) || !accepted) {
      await store.update(crdDef, undefined, name, (cur) => {
        const c = cur!;
        c.status = {
          ...(c.status ?? {}),
          acceptedNames: c.spec.names,
          storedVersions: Array.from(new Set([...(c.status?.storedVersions ?? []), ...c.spec.versions.filter((v: any) => v.storage).map((v: any) => v.name)])),
          conditions: [
            condition('NamesAccepted', 'NoConflicts', 'no conflicts found'),
            condition('Established', 'InitialNamesAccepted', 'the initial names have been accepted'),
          ],
        };
        delete c.metadata.resourceVersion;
        return c;
      }, { ...ctx, subresource: 'status' });
    }
  }
}
