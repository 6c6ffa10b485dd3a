/**
 * Every built-in kind, in the order upstream's discovery lists groups (by group priority:
 * core, apiregistration, apps, events.k8s.io, authentication, authorization, autoscaling, batch,
 * certificates, networking.k8s.io, policy, rbac, storage, admissionregistration, apiextensions,
 * scheduling, coordination, node, discovery, flowcontrol), each group's preferred version first.
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
import { admissionregistrationKinds } from './admissionregistration.js';
import { apiregistrationKinds } from './apiregistration.js';
import { authenticationKinds } from './authentication.js';
import { authorizationKinds } from './authorization.js';
import { certificatesKinds } from './certificates.js';
import { flowcontrolKinds } from './flowcontrol.js';
import { nodeKinds } from './node.js';

export function builtinKinds(): KindDef[] {
  return [
    ...coreKinds,
    ...apiregistrationKinds,
    ...appsKinds,
    ...eventsKinds,
    ...authenticationKinds,
    ...authorizationKinds,
    ...autoscalingKinds,
    ...batchKinds,
    ...certificatesKinds,
    ...networkingKinds,
    ...policyKinds,
    ...rbacKinds,
    ...storageKinds,
    ...admissionregistrationKinds,
    ...apiextensionsKinds,
    ...schedulingKinds,
    ...coordinationKinds,
    ...nodeKinds,
    ...discoveryKinds,
    ...flowcontrolKinds,
  ];
}
