/**
 * pods/binding: assigning a pod to a node, as the scheduler does. Shared by the HTTP handler and
 * the in-process client so both doors refuse the same things.
 */
import { conflict, notFound } from '../apiserver/errors.js';
import { now } from './generic.js';
import type { KubeObject } from './types.js';

export function bindPod(cur: KubeObject | undefined, pod: string, node: string): KubeObject {
  if (!cur) throw notFound('', 'pods', pod);
  if (cur.metadata.deletionTimestamp) throw conflict('', 'pods/binding', pod, `pod ${pod} is being deleted, cannot be assigned to a host`);
  if (cur.spec?.nodeName) throw conflict('', 'pods/binding', pod, `pod ${pod} is already assigned to node "${cur.spec.nodeName}"`);
  cur.spec.nodeName = node;
  cur.status ??= {};
  cur.status.conditions = [
    ...(cur.status.conditions ?? []).filter((c: { type: string }) => c.type !== 'PodScheduled'),
    { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: now() },
  ];
  delete cur.metadata.resourceVersion;
  return cur;
}
