/**
 * Every built-in kind, in the order upstream's discovery lists groups (by group priority:
 * core, apps, events.k8s.io, autoscaling, batch, networking.k8s.io, policy, rbac, storage,
 * apiextensions, scheduling, coordination, discovery), each group's preferred version first.
 */
import type { KindDef } from '../types.js';
import { coreKinds } from './core.js';
import { appsKinds } from './apps.js';
import { eventsKinds } from './events.js';
import { autoscalingKinds } from './autoscaling.js';
import { batchKinds } from './batch.js';
import { networkingKinds } from './networking.js';
import { policyKinds } from './policy.js';
import { rbacKinds } from './rbac.js';
import { storageKinds } from './storage.js';
import { apiextensionsKinds } from './apiextensions.js';
import { schedulingKinds } from './scheduling.js';
import { coordinationKinds } from './coordination.js';
import { discoveryKinds } from './discovery.js';

export function builtinKinds(): KindDef[] {
  return [
    ...coreKinds,
    ...appsKinds,
    ...eventsKinds,
    ...autoscalingKinds,
    ...batchKinds,
    ...networkingKinds,
    ...policyKinds,
    ...rbacKinds,
    ...storageKinds,
    ...apiextensionsKinds,
    ...schedulingKinds,
    ...coordinationKinds,
    ...discoveryKinds,
  ];
}
