/**
 * One informer per resource, shared by every controller in the process — so ten controllers
 * watching pods cost one watch and one cache, as client-go's SharedInformerFactory arranges.
 */
import { Informer } from './informer.js';
import type { Client, GVR } from './types.js';

export class InformerFactory {
  private informers = new Map<string, Informer>();

  constructor(private client: Client) {}

  for(gvr: GVR): Informer {
    const key = `${gvr.group}/${gvr.version}/${gvr.resource}`;
    let inf = this.informers.get(key);
    if (!inf) {
      inf = new Informer(this.client, gvr);
      this.informers.set(key, inf);
    }
    return inf;
  }

  /** Starts every informer asked for so far and resolves once all have listed. */
  async start(): Promise<void> {
    await Promise.all([...this.informers.values()].filter((i) => !i.synced).map((i) => i.start()));
  }

  stop(): void {
    for (const i of this.informers.values()) i.stop();
  }
}
