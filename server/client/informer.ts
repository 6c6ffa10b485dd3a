/**
 * A shared informer: list, then watch from the list's resourceVersion, keeping a local cache and
 * telling handlers what changed. On 410 Expired (or any watch failure) it re-lists and reports
 * the difference, as client-go's reflector does. Cached objects are shared: never mutate them.
 */
import type { KubeObject } from '../registry/types.js';
import type { Client, GVR, ListOptions, WatchSubscription } from './types.js';

export interface InformerHandlers {
  add?(obj: KubeObject): void;
  update?(old: KubeObject, obj: KubeObject): void;
  delete?(obj: KubeObject): void;
}

export function keyOf(obj: KubeObject): string {
  return obj.metadata.namespace ? `${obj.metadata.namespace}/${obj.metadata.name}` : obj.metadata.name!;
}

export function splitKey(key: string): { namespace?: string; name: string } {
  const i = key.indexOf('/');
  return i < 0 ? { name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

export class Informer {
  private cache = new Map<string, KubeObject>();
  private handlers: InformerHandlers[] = [];
  private sub?: WatchSubscription;
  private stopped = false;
  private retry?: NodeJS.Timeout;
  synced = false;

  constructor(
    private client: Client,
    readonly gvr: GVR,
    private namespace?: string,
    private opts: ListOptions = {},
  ) {}

  on(h: InformerHandlers): void {
    this.handlers.push(h);
    if (this.synced) for (const o of this.cache.values()) h.add?.(o);
  }

  get(key: string): KubeObject | undefined {
    return this.cache.get(key);
  }

  list(namespace?: string): KubeObject[] {
    const all = [...this.cache.values()];
    return namespace === undefined ? all : all.filter((o) => o.metadata.namespace === namespace);
  }

  async start(): Promise<void> {
    await this.relist();
    this.synced = true;
  }

  stop(): void {
    this.stopped = true;
    this.sub?.stop();
    if (this.retry) clearTimeout(this.retry);
  }

  private async relist(): Promise<void> {
    if (this.stopped) return;
    const { items, resourceVersion } = await this.client.list(this.gvr, this.namespace, this.opts);
    const seen = new Set<string>();
    for (const obj of items) {
      const k = keyOf(obj);
      seen.add(k);
      this.upsert(k, obj);
    }
    for (const [k, old] of this.cache) {
      if (!seen.has(k)) {
        this.cache.delete(k);
        for (const h of this.handlers) h.delete?.(old);
      }
    }
    this.watchFrom(resourceVersion);
  }

  private upsert(k: string, obj: KubeObject): void {
    const old = this.cache.get(k);
    if (old && old.metadata.resourceVersion === obj.metadata.resourceVersion) return;
    this.cache.set(k, obj);
    for (const h of this.handlers) {
      if (old) h.update?.(old, obj);
      else h.add?.(obj);
    }
  }

  private watchFrom(rv: string): void {
    if (this.stopped) return;
    this.sub?.stop();
    this.sub = this.client.watch(
      this.gvr,
      this.namespace,
      rv,
      this.opts,
      (type, obj) => {
        const k = keyOf(obj);
        if (type === 'DELETED') {
          const old = this.cache.get(k);
          this.cache.delete(k);
          for (const h of this.handlers) h.delete?.(old ?? obj);
        } else {
          this.upsert(k, obj);
        }
      },
      () => {
        this.retry = setTimeout(() => this.relist().catch(() => this.watchFrom(rv)), 100);
      },
    );
  }
}
