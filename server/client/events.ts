/**
 * Records core/v1 Events about objects, worded as the upstream component would word them, so
 * `kubectl describe` and `kubectl get events` tell the story. Repeats of the same event within a
 * short window bump count and lastTimestamp instead of creating a new object, as client-go's
 * event correlator does.
 */
import { randomBytes } from 'node:crypto';
import type { KubeObject } from '../registry/types.js';
import { now } from '../registry/generic.js';
import { R, type Client } from './types.js';

export type EventKind = 'Normal' | 'Warning';

export class EventRecorder {
  private recent = new Map<string, { name: string; namespace: string; count: number }>();

  constructor(
    private client: Client,
    private component: string,
    private host = '',
  ) {}

  event(obj: KubeObject, type: EventKind, reason: string, message: string): void {
    void this.record(obj, type, reason, message).catch(() => {
      // Events are best effort upstream too: losing one never fails the caller.
    });
  }

  private async record(obj: KubeObject, type: EventKind, reason: string, message: string): Promise<void> {
    const namespace = obj.metadata.namespace || 'default';
    const key = `${obj.metadata.uid}|${type}|${reason}|${message}`;
    const ts = now();
    const seen = this.recent.get(key);
    if (seen) {
      seen.count++;
      await this.client.patch(R.events, seen.namespace, seen.name, 'merge', { count: seen.count, lastTimestamp: ts });
      return;
    }
    const name = `${obj.metadata.name}.${Date.now().toString(16)}${randomBytes(2).toString('hex')}`;
    await this.client.create(R.events, namespace, {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: {
        kind: obj.kind,
        namespace: obj.metadata.namespace,
        name: obj.metadata.name,
        uid: obj.metadata.uid,
        apiVersion: obj.apiVersion,
        resourceVersion: obj.metadata.resourceVersion,
      },
      reason,
      message,
      source: this.host ? { component: this.component, host: this.host } : { component: this.component },
      firstTimestamp: ts,
      lastTimestamp: ts,
      count: 1,
      type,
      eventTime: null,
      reportingComponent: this.component,
      reportingInstance: this.host,
    });
    this.recent.set(key, { name, namespace, count: 1 });
    if (this.recent.size > 4096) this.recent.delete(this.recent.keys().next().value!);
  }
}
