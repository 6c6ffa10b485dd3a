#!/usr/bin/env node
// Generates server/registry/schema/definitions.json: the OpenAPI v3 component schemas of every type
// the served group/versions reach, keyed by upstream definition names (io.k8s.api.apps.v1.Deployment...).
//
// Source of field facts: the model classes of @kubernetes/client-node (generated from the Kubernetes
// v1.33.0 OpenAPI spec; see its model headers "OpenAPI spec version: v1.33.0"). Each class has an
// `attributeTypeMap` ({name, baseName, type, format}); its .d.ts marks required fields (no `?`).
//
// What client-node loses, this file puts back from hand-made tables checked against upstream v1.33:
//   - the API group of each type (derived from the API classes that serve it, see assignGroups);
//   - Quantity fields (client-node flattens them to string) and the any-typed apimachinery types;
//   - patch metadata (x-kubernetes-patch-strategy / -merge-key / -list-type / -list-map-keys / -map-type).
// Descriptions are our own: one sentence per top-level kind; fields carry none.
//
// Usage: node scripts/gen-schemas.mjs [--check]   (--check: fail if the committed file differs)

import { readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const GEN = join(ROOT, 'node_modules/@kubernetes/client-node/dist/gen');
const OUT = join(ROOT, 'server/registry/schema/definitions.json');
const REF = '#/components/schemas/';

// ---------------------------------------------------------------------------------------------
// 1. What is served: the client-node API classes of the served group/versions.
// ---------------------------------------------------------------------------------------------

/** API class -> group/version it serves. */
const SERVED_APIS = {
  CoreV1Api: ['', 'v1'],
  AppsV1Api: ['apps', 'v1'],
  BatchV1Api: ['batch', 'v1'],
  AutoscalingV1Api: ['autoscaling', 'v1'],
  AutoscalingV2Api: ['autoscaling', 'v2'],
  NetworkingV1Api: ['networking.k8s.io', 'v1'],
  PolicyV1Api: ['policy', 'v1'],
  RbacAuthorizationV1Api: ['rbac.authorization.k8s.io', 'v1'],
  StorageV1Api: ['storage.k8s.io', 'v1'],
  CoordinationV1Api: ['coordination.k8s.io', 'v1'],
  DiscoveryV1Api: ['discovery.k8s.io', 'v1'],
  EventsV1Api: ['events.k8s.io', 'v1'],
  SchedulingV1Api: ['scheduling.k8s.io', 'v1'],
  ApiextensionsV1Api: ['apiextensions.k8s.io', 'v1'],
  AdmissionregistrationV1Api: ['admissionregistration.k8s.io', 'v1'],
  ApiregistrationV1Api: ['apiregistration.k8s.io', 'v1'],
  AuthenticationV1Api: ['authentication.k8s.io', 'v1'],
  AuthorizationV1Api: ['authorization.k8s.io', 'v1'],
  CertificatesV1Api: ['certificates.k8s.io', 'v1'],
  FlowcontrolApiserverV1Api: ['flowcontrol.apiserver.k8s.io', 'v1'],
  NodeV1Api: ['node.k8s.io', 'v1'],
};
/** API classes whose types are needed too (discovery documents, /version). */
const EXTRA_APIS = ['CoreApi', 'ApisApi', 'AppsApi', 'VersionApi'];

/** Kinds served only as subresource bodies, which no list method reveals. */
const SUBRESOURCE_KINDS = {
  V1Scale: ['autoscaling', 'v1'],
  V1Eviction: ['policy', 'v1'],
  AuthenticationV1TokenRequest: ['authentication.k8s.io', 'v1'],
};

/** Upstream Go package of each group/version: the definition-name prefix. */
function packagePrefix(group, version) {
  switch (group) {
    case 'meta':
      return 'io.k8s.apimachinery.pkg.apis.meta.v1';
    case '':
      return `io.k8s.api.core.${version}`;
    case 'apiextensions.k8s.io':
      return `io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.${version}`;
    case 'apiregistration.k8s.io':
      return `io.k8s.kube-aggregator.pkg.apis.apiregistration.${version}`;
    case 'rbac.authorization.k8s.io':
      return `io.k8s.api.rbac.${version}`;
    case 'flowcontrol.apiserver.k8s.io':
      return `io.k8s.api.flowcontrol.${version}`;
    default:
      // networking.k8s.io -> networking, storage.k8s.io -> storage, apps -> apps ...
      return `io.k8s.api.${group.replace(/\.k8s\.io$/, '')}.${version}`;
  }
}

/** client-node prefixes some class names with the group (CoreV1Event vs EventsV1Event). */
const CLASS_PREFIX_GROUPS = {
  Core: '',
  Events: 'events.k8s.io',
  Discovery: 'discovery.k8s.io',
  Storage: 'storage.k8s.io',
  Rbac: 'rbac.authorization.k8s.io',
  Authentication: 'authentication.k8s.io',
  Apiextensions: 'apiextensions.k8s.io',
  Admissionregistration: 'admissionregistration.k8s.io',
  Apiregistration: 'apiregistration.k8s.io',
  Flowcontrol: 'flowcontrol.apiserver.k8s.io',
};

/** Roots of apimachinery's meta/v1 package; everything they reach is meta/v1 too. */
const META_SEEDS = [
  'V1ObjectMeta', 'V1ListMeta', 'V1Status', 'V1DeleteOptions', 'V1WatchEvent', 'V1APIResourceList',
  'V1APIGroupList', 'V1APIVersions', 'V1APIGroup', 'V1LabelSelector', 'V1Condition', 'V1Preconditions',
];

/**
 * Types that live in core/v1 upstream but which, among the served kinds, only a non-core kind reaches
 * (StorageClass.allowedTopologies). The reachability walk would otherwise file them under that group.
 */
const GROUP_OVERRIDES = {
  V1TopologySelectorTerm: ['', 'v1'],
  V1TopologySelectorLabelRequirement: ['', 'v1'],
};

// ---------------------------------------------------------------------------------------------
// 2. Facts client-node does not carry.
// ---------------------------------------------------------------------------------------------

const Q = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
const CORE = 'io.k8s.api.core.v1';
const APIEXT = 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1';

/** Fields of type resource.Quantity (scalar) or map[string]Quantity (ResourceList). */
const QUANTITY_FIELDS = {
  [`${CORE}.ResourceRequirements`]: ['limits', 'requests'],
  [`${CORE}.VolumeResourceRequirements`]: ['limits', 'requests'],
  [`${CORE}.LimitRangeItem`]: ['default', 'defaultRequest', 'max', 'maxLimitRequestRatio', 'min'],
  [`${CORE}.ResourceQuotaSpec`]: ['hard'],
  [`${CORE}.ResourceQuotaStatus`]: ['hard', 'used'],
  [`${CORE}.NodeStatus`]: ['allocatable', 'capacity'],
  [`${CORE}.PersistentVolumeSpec`]: ['capacity'],
  [`${CORE}.PersistentVolumeClaimStatus`]: ['allocatedResources', 'capacity'],
  [`${CORE}.ContainerStatus`]: ['allocatedResources'],
  [`${CORE}.PodSpec`]: ['overhead'],
  [`${CORE}.EmptyDirVolumeSource`]: ['sizeLimit'],
  [`${CORE}.ResourceFieldSelector`]: ['divisor'],
  'io.k8s.api.autoscaling.v2.MetricTarget': ['averageValue', 'value'],
  'io.k8s.api.autoscaling.v2.MetricValueStatus': ['averageValue', 'value'],
  'io.k8s.api.autoscaling.v2.HPAScalingRules': ['tolerance'],
  'io.k8s.api.storage.v1.CSIStorageCapacity': ['capacity', 'maximumVolumeSize'],
  'io.k8s.api.node.v1.Overhead': ['podFixed'],
};

/** Fields client-node types as `any`: which apimachinery/apiextensions type they really are. */
const ANY_FIELDS = {
  'V1ControllerRevision.data': { $ref: REF + 'io.k8s.apimachinery.pkg.runtime.RawExtension' },
  'V1WatchEvent.object': { $ref: REF + 'io.k8s.apimachinery.pkg.runtime.RawExtension' },
  'V1ManagedFieldsEntry.fieldsV1': { $ref: REF + `${META}.FieldsV1` },
  'V1CustomResourceSubresources.status': { $ref: REF + `${APIEXT}.CustomResourceSubresourceStatus` },
  'V1JSONSchemaProps.additionalItems': { $ref: REF + `${APIEXT}.JSONSchemaPropsOrBool` },
  'V1JSONSchemaProps.additionalProperties': { $ref: REF + `${APIEXT}.JSONSchemaPropsOrBool` },
  'V1JSONSchemaProps.default': { $ref: REF + `${APIEXT}.JSON` },
  'V1JSONSchemaProps.example': { $ref: REF + `${APIEXT}.JSON` },
  'V1JSONSchemaProps.items': { $ref: REF + `${APIEXT}.JSONSchemaPropsOrArray` },
  'V1JSONSchemaProps.enum': { type: 'array', items: { $ref: REF + `${APIEXT}.JSON` } },
  'V1JSONSchemaProps.dependencies': { type: 'object', additionalProperties: { $ref: REF + `${APIEXT}.JSONSchemaPropsOrStringArray` } },
};

/** Definitions client-node has no class for (scalars with custom JSON forms, untyped JSON). */
const HAND_DEFINITIONS = {
  [Q]: {
    description: 'A fixed-point number written as a string with an optional SI or binary suffix (such as 500m, 1.5, 2Gi), or as a plain JSON number.',
    oneOf: [{ type: 'string' }, { type: 'number' }],
  },
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': {
    description: 'A value that is either an integer or a string (a port number or a port name, a count or a percentage).',
    format: 'int-or-string',
    oneOf: [{ type: 'integer' }, { type: 'string' }],
    'x-kubernetes-int-or-string': true,
  },
  [`${META}.Time`]: { description: 'A timestamp in RFC 3339 form, to the second.', type: 'string', format: 'date-time' },
  [`${META}.MicroTime`]: { description: 'A timestamp in RFC 3339 form, to the microsecond.', type: 'string', format: 'date-time' },
  [`${META}.FieldsV1`]: {
    description: 'The set of fields a manager owns, as a trie in the FieldsV1 encoding.',
    type: 'object',
    'x-kubernetes-preserve-unknown-fields': true,
  },
  [`${META}.Patch`]: { description: 'The body of a PATCH request, in whichever patch format the Content-Type names.', type: 'object' },
  'io.k8s.apimachinery.pkg.runtime.RawExtension': {
    description: 'An embedded object of any kind, kept as it was sent.',
    type: 'object',
    'x-kubernetes-preserve-unknown-fields': true,
  },
  [`${APIEXT}.JSON`]: { description: 'Any JSON value.', 'x-kubernetes-preserve-unknown-fields': true },
  [`${APIEXT}.JSONSchemaPropsOrArray`]: {
    description: 'Either one schema or a list of schemas.',
    'x-kubernetes-preserve-unknown-fields': true,
  },
  [`${APIEXT}.JSONSchemaPropsOrBool`]: {
    description: 'Either a schema or a boolean that allows (true) or forbids (false) anything.',
    'x-kubernetes-preserve-unknown-fields': true,
  },
  [`${APIEXT}.JSONSchemaPropsOrStringArray`]: {
    description: 'Either a schema or a list of property names.',
    'x-kubernetes-preserve-unknown-fields': true,
  },
  [`${APIEXT}.CustomResourceSubresourceStatus`]: {
    description: 'Turns on the status subresource of a custom resource; it has no fields.',
    type: 'object',
  },
};

// Patch metadata: strategic merge (patchStrategy / patchMergeKey struct tags) and server-side apply
// (+listType / +listMapKey / +mapType / +structType markers) of upstream v1.33 types.
// Lists not named here are atomic, which is also how server-side apply treats unmarked lists.
const merge = (key, ...mapKeys) => ({ ps: 'merge', pk: key, lt: 'map', lk: mapKeys.length ? mapKeys : [key] });
const conditions = () => merge('type');
const PATCH_META = {
  [`${META}.ObjectMeta`]: {
    ownerReferences: merge('uid'),
    finalizers: { ps: 'merge', lt: 'set' },
  },
  [`${CORE}.PodSpec`]: {
    volumes: { ...merge('name'), ps: 'merge,retainKeys' },
    initContainers: merge('name'),
    containers: merge('name'),
    ephemeralContainers: merge('name'),
    imagePullSecrets: merge('name'),
    hostAliases: merge('ip'),
    topologySpreadConstraints: merge('topologyKey', 'topologyKey', 'whenUnsatisfiable'),
    schedulingGates: merge('name'),
    resourceClaims: { ...merge('name'), ps: 'merge,retainKeys' },
    nodeSelector: { mt: 'atomic' },
  },
  [`${CORE}.Container`]: {
    ports: merge('containerPort', 'containerPort', 'protocol'),
    env: merge('name'),
    volumeMounts: merge('mountPath'),
    volumeDevices: merge('devicePath'),
  },
  [`${CORE}.EphemeralContainer`]: {
    ports: merge('containerPort', 'containerPort', 'protocol'),
    env: merge('name'),
    volumeMounts: merge('mountPath'),
    volumeDevices: merge('devicePath'),
  },
  [`${CORE}.ContainerStatus`]: {
    volumeMounts: merge('mountPath'),
    allocatedResourcesStatus: merge('name'),
  },
  [`${CORE}.ResourceStatus`]: { resources: { lt: 'map', lk: ['resourceID'] } },
  [`${CORE}.ResourceRequirements`]: { claims: { lt: 'map', lk: ['name'] } },
  [`${CORE}.PodStatus`]: {
    conditions: conditions(),
    podIPs: merge('ip'),
    hostIPs: { ps: 'merge', pk: 'ip', lt: 'atomic' },
    resourceClaimStatuses: { ...merge('name'), ps: 'merge,retainKeys' },
  },
  [`${CORE}.ServiceSpec`]: {
    ports: merge('port', 'port', 'protocol'),
    selector: { mt: 'atomic' },
  },
  [`${CORE}.ServiceStatus`]: { conditions: conditions() },
  [`${CORE}.ServiceAccount`]: { secrets: merge('name') },
  [`${CORE}.NodeSpec`]: { podCIDRs: { ps: 'merge', lt: 'set' } },
  [`${CORE}.NodeStatus`]: { conditions: conditions(), addresses: merge('type') },
  [`${CORE}.NamespaceStatus`]: { conditions: conditions() },
  [`${CORE}.PersistentVolumeClaimStatus`]: { conditions: conditions(), allocatedResourceStatuses: { mt: 'granular' } },
  [`${CORE}.PersistentVolumeSpec`]: { claimRef: { mt: 'granular' } },
  [`${CORE}.ReplicationControllerSpec`]: { selector: { mt: 'atomic' } },
  [`${CORE}.ReplicationControllerStatus`]: { conditions: conditions() },
  [`${CORE}.ComponentStatus`]: { conditions: conditions() },
  'io.k8s.api.apps.v1.DeploymentSpec': { strategy: { ps: 'retainKeys' } },
  'io.k8s.api.apps.v1.DeploymentStatus': { conditions: conditions() },
  'io.k8s.api.apps.v1.ReplicaSetStatus': { conditions: conditions() },
  'io.k8s.api.apps.v1.DaemonSetStatus': { conditions: conditions() },
  'io.k8s.api.apps.v1.StatefulSetStatus': { conditions: conditions() },
  'io.k8s.api.batch.v1.JobStatus': { conditions: { ps: 'merge', pk: 'type', lt: 'atomic' } },
  'io.k8s.api.batch.v1.PodFailurePolicyOnExitCodesRequirement': { values: { lt: 'set' } },
  'io.k8s.api.batch.v1.UncountedTerminatedPods': { failed: { lt: 'set' }, succeeded: { lt: 'set' } },
  'io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerStatus': { conditions: conditions() },
  'io.k8s.api.policy.v1.PodDisruptionBudgetStatus': { conditions: conditions() },
  'io.k8s.api.networking.v1.ServiceCIDRStatus': { conditions: conditions() },
  'io.k8s.api.storage.v1.CSINodeSpec': { drivers: merge('name') },
  'io.k8s.api.storage.v1.CSIDriverSpec': { volumeLifecycleModes: { lt: 'set' } },
  'io.k8s.api.discovery.v1.Endpoint': { addresses: { lt: 'set' } },
  [`${APIEXT}.CustomResourceDefinitionStatus`]: { conditions: { lt: 'map', lk: ['type'] } },
  [`${APIEXT}.JSONSchemaProps`]: { 'x-kubernetes-validations': merge('rule') },
  'io.k8s.api.admissionregistration.v1.ValidatingWebhookConfiguration': { webhooks: merge('name') },
  'io.k8s.api.admissionregistration.v1.MutatingWebhookConfiguration': { webhooks: merge('name') },
  'io.k8s.api.admissionregistration.v1.ValidatingWebhook': { matchConditions: merge('name') },
  'io.k8s.api.admissionregistration.v1.MutatingWebhook': { matchConditions: merge('name') },
  'io.k8s.api.admissionregistration.v1.ValidatingAdmissionPolicySpec': { matchConditions: merge('name') },
  'io.k8s.api.admissionregistration.v1.ValidatingAdmissionPolicyStatus': { conditions: { lt: 'map', lk: ['type'] } },
  'io.k8s.kube-aggregator.pkg.apis.apiregistration.v1.APIServiceStatus': { conditions: conditions() },
  'io.k8s.api.certificates.v1.CertificateSigningRequestStatus': { conditions: { lt: 'map', lk: ['type'] } },
  'io.k8s.api.flowcontrol.v1.FlowSchemaStatus': { conditions: conditions() },
  'io.k8s.api.flowcontrol.v1.PriorityLevelConfigurationStatus': { conditions: conditions() },
  'io.k8s.api.flowcontrol.v1.ResourcePolicyRule': { verbs: { lt: 'set' }, apiGroups: { lt: 'set' }, resources: { lt: 'set' }, namespaces: { lt: 'set' } },
  'io.k8s.api.flowcontrol.v1.NonResourcePolicyRule': { verbs: { lt: 'set' }, nonResourceURLs: { lt: 'set' } },
  'io.k8s.api.node.v1.Scheduling': { nodeSelector: { mt: 'atomic' } },
};

/**
 * Defaults upstream publishes where server-side apply needs them: a list-map key that may be omitted
 * (protocol) is matched with its default value filled in.
 */
const FIELD_DEFAULTS = {
  [`${CORE}.ContainerPort`]: { protocol: 'TCP' },
  [`${CORE}.ServicePort`]: { protocol: 'TCP' },
};

/** Structs that server-side apply replaces as a whole (+structType=atomic). */
const ATOMIC_STRUCTS = [
  `${CORE}.ConfigMapKeySelector`, `${CORE}.EndpointAddress`, `${CORE}.EndpointPort`, `${CORE}.LocalObjectReference`,
  `${CORE}.NodeSelector`, `${CORE}.NodeSelectorTerm`, `${CORE}.ObjectFieldSelector`, `${CORE}.ObjectReference`,
  `${CORE}.ResourceFieldSelector`, `${CORE}.ScopeSelector`, `${CORE}.SecretKeySelector`, `${CORE}.SecretReference`,
  `${CORE}.TopologySelectorTerm`, `${CORE}.TypedLocalObjectReference`,
  'io.k8s.api.autoscaling.v1.CrossVersionObjectReference', 'io.k8s.api.discovery.v1.EndpointPort',
  `${META}.LabelSelector`, `${META}.OwnerReference`,
  'io.k8s.api.rbac.v1.RoleRef', 'io.k8s.api.rbac.v1.Subject',
  'io.k8s.api.admissionregistration.v1.MatchResources', 'io.k8s.api.admissionregistration.v1.NamedRuleWithOperations',
  'io.k8s.api.admissionregistration.v1.ParamKind', 'io.k8s.api.admissionregistration.v1.ParamRef',
];

// One sentence per top-level kind, in our own words. List kinds get a generated sentence.
const KIND_DESCRIPTIONS = {
  // core/v1
  Binding: 'Assigns a pod to a node; created through the pods/binding subresource by a scheduler.',
  ComponentStatus: 'The health of a control-plane component, as the API server last saw it (deprecated upstream).',
  ConfigMap: 'Non-secret configuration data, as string or binary values under keys, for pods to consume.',
  Endpoints: 'The network addresses and ports behind a Service, grouped into subsets.',
  Event: 'A record of something that happened to an object in the cluster, kept for a limited time.',
  LimitRange: 'Default, minimum and maximum compute resources for the containers and pods of a namespace.',
  Namespace: 'A named scope that groups and isolates the namespaced objects of the cluster.',
  Node: 'A machine, real or simulated, that runs pods; its status carries capacity, conditions and addresses.',
  PersistentVolume: 'A piece of storage provisioned in the cluster, available to be bound by a claim.',
  PersistentVolumeClaim: 'A request for storage by a user, bound to a PersistentVolume that satisfies it.',
  Pod: 'The smallest deployable unit: one or more containers scheduled together on a node with shared network and storage.',
  PodTemplate: 'A stored pod template that other objects can copy pods from.',
  ReplicationController: 'Keeps a given number of identical pods running, selected by an equality-based label selector.',
  ResourceQuota: 'Caps the total resources and object counts a namespace may use.',
  Secret: 'Sensitive data such as passwords, tokens or keys, held as base64-encoded values under keys.',
  Service: 'A stable name and virtual address that load-balances traffic to a selected set of pods.',
  ServiceAccount: 'An identity for processes that run in pods, with the credentials and pull secrets they use.',
  // apps/v1
  ControllerRevision: 'An immutable snapshot of a workload template, kept by controllers for rollback.',
  DaemonSet: 'Runs one copy of a pod on every eligible node.',
  Deployment: 'Declares the desired state of a set of identical pods and rolls ReplicaSets forward or back to reach it.',
  ReplicaSet: 'Keeps a given number of identical pods running, selected by a label selector.',
  StatefulSet: 'Runs pods with stable identities and stable storage, created and updated in order.',
  // batch/v1
  CronJob: 'Creates Jobs on a repeating schedule written in cron syntax.',
  Job: 'Runs pods until a given number of them complete successfully.',
  // autoscaling
  HorizontalPodAutoscaler: 'Adjusts the replica count of a scalable workload to keep observed metrics near their targets.',
  Scale: 'The replica count of a scalable resource, read and written through its scale subresource.',
  // networking.k8s.io/v1
  Ingress: 'Rules that route external HTTP and HTTPS traffic to Services by host and path.',
  IngressClass: 'Names the controller that implements a class of Ingresses, with its parameters.',
  NetworkPolicy: 'Limits the network traffic allowed to and from selected pods.',
  IPAddress: 'Records that one IP address is allocated, and to which object.',
  ServiceCIDR: 'A range of IP addresses from which Service cluster IPs are allocated.',
  // policy/v1
  Eviction: 'A request to remove a pod from its node, subject to its disruption budgets; posted to pods/eviction.',
  PodDisruptionBudget: 'Limits how many pods of a set may be down at once because of voluntary disruptions.',
  // rbac.authorization.k8s.io/v1
  ClusterRole: 'A set of permissions that applies cluster-wide or can be bound inside namespaces.',
  ClusterRoleBinding: 'Grants the permissions of a ClusterRole to users, groups or service accounts across the cluster.',
  Role: 'A set of permissions inside one namespace.',
  RoleBinding: 'Grants the permissions of a Role or ClusterRole to subjects within one namespace.',
  // storage.k8s.io/v1
  CSIDriver: 'Describes a Container Storage Interface driver installed in the cluster and how to talk to it.',
  CSINode: 'The Container Storage Interface drivers present on one node.',
  CSIStorageCapacity: 'How much storage a storage class can provide in a given topology segment.',
  StorageClass: 'A class of storage that dynamic provisioning creates volumes from.',
  VolumeAttachment: 'Asks for a volume to be attached to, or detached from, a node.',
  // coordination.k8s.io/v1
  Lease: 'A lightweight lock with a holder and a duration, used for leader election and node heartbeats.',
  // discovery.k8s.io/v1
  EndpointSlice: 'A slice of the network endpoints behind a Service, with their readiness and topology.',
  // scheduling.k8s.io/v1
  PriorityClass: 'Maps a class name to the integer priority that pods of that class are scheduled and preempted with.',
  // apiextensions.k8s.io/v1
  CustomResourceDefinition: 'Adds a new resource type to the API, with its names, versions and schema.',
  // authentication.k8s.io/v1
  TokenRequest: 'Asks for a bound token for a service account; posted to serviceaccounts/token.',
  TokenReview: 'Asks the server whether a bearer token is valid and whom it belongs to; answered, never stored.',
  SelfSubjectReview: 'Asks the server who the requesting user is; answered, never stored.',
  // authorization.k8s.io/v1
  SubjectAccessReview: 'Asks whether a given user may perform an action; answered, never stored.',
  SelfSubjectAccessReview: 'Asks whether the requesting user may perform an action; answered, never stored.',
  LocalSubjectAccessReview: 'Asks whether a given user may perform an action inside one namespace; answered, never stored.',
  SelfSubjectRulesReview: 'Asks which actions the requesting user may perform in a namespace; answered, never stored.',
  // admissionregistration.k8s.io/v1
  MutatingWebhookConfiguration: 'Webhooks that may change objects as they are admitted, with the requests each one receives.',
  ValidatingWebhookConfiguration: 'Webhooks that may reject objects as they are admitted, with the requests each one receives.',
  ValidatingAdmissionPolicy: 'Admission checks written as CEL expressions, applied where a binding says.',
  ValidatingAdmissionPolicyBinding: 'Applies a ValidatingAdmissionPolicy to matching resources, with parameters and enforcement actions.',
  // apiregistration.k8s.io/v1
  APIService: 'Registers a group/version of the API and the server (local or a Service) that answers it.',
  // certificates.k8s.io/v1
  CertificateSigningRequest: 'Asks a named signer to issue an X.509 certificate for a certificate request, once approved.',
  // flowcontrol.apiserver.k8s.io/v1
  FlowSchema: 'Sorts incoming API requests into flows and assigns them a priority level.',
  PriorityLevelConfiguration: 'A share of the API server\'s request concurrency, and how excess requests queue or are rejected.',
  // node.k8s.io/v1
  RuntimeClass: 'Names a container runtime configuration (handler) that pods can select, with its overhead and scheduling.',
  // meta/v1 and friends
  Status: 'The result of an operation that returns no object, most often an error.',
  DeleteOptions: 'Options for a delete request: grace period, preconditions and propagation policy.',
  WatchEvent: 'One event of a watch stream: its type and the object it concerns.',
};

// ---------------------------------------------------------------------------------------------
// 3. Reading client-node.
// ---------------------------------------------------------------------------------------------

const MODELS = join(GEN, 'models');
const modelNames = new Set(
  readdirSync(MODELS)
    .filter((f) => f.endsWith('.js') && f !== 'all.js' && f !== 'ObjectSerializer.js')
    .map((f) => f.slice(0, -3)),
);

/** @type {Map<string, {attrs: {name:string, baseName:string, type:string, format:string}[], required: Set<string>}>} */
const models = new Map();
async function loadModel(name) {
  if (models.has(name)) return models.get(name);
  const mod = await import(pathToFileURL(join(MODELS, `${name}.js`)).href);
  const cls = mod[name];
  if (!cls?.attributeTypeMap) throw new Error(`gen-schemas: ${name} has no attributeTypeMap`);
  const dts = readFileSync(join(MODELS, `${name}.d.ts`), 'utf8');
  const required = new Set();
  for (const m of dts.matchAll(/^ {4}'([^']+)'(\??):/gm)) if (!m[2]) required.add(m[1]);
  const model = { attrs: cls.attributeTypeMap, required };
  models.set(name, model);
  return model;
}

/** Model class names mentioned in a client-node type expression. */
function referencedModels(type) {
  return (type.match(/[A-Za-z0-9]+/g) ?? []).filter((t) => modelNames.has(t));
}

async function closure(roots) {
  const seen = new Set();
  const stack = [...roots];
  while (stack.length) {
    const n = stack.pop();
    if (seen.has(n) || !modelNames.has(n)) continue;
    seen.add(n);
    const m = await loadModel(n);
    for (const a of m.attrs) for (const r of referencedModels(a.type)) if (!seen.has(r)) stack.push(r);
  }
  return seen;
}

function readApi(apiClass) {
  return readFileSync(join(GEN, 'apis', `${apiClass}.d.ts`), 'utf8');
}

/**
 * Kinds an API class serves: the item types of its lists, and the bodies of its plain create calls.
 * Returns kind class -> list class (undefined when the kind has no list).
 */
async function kindsOfApi(apiClass) {
  const src = readApi(apiClass);
  /** @type {Map<string, string|undefined>} */
  const kinds = new Map();
  for (const m of src.matchAll(/list\w*WithHttpInfo\(response: ResponseContext\): Promise<HttpInfo<(\w+)>>/g)) {
    const list = await loadModel(m[1]);
    const items = list.attrs.find((a) => a.baseName === 'items');
    const item = items && /^Array<(\w+)>$/.exec(items.type)?.[1];
    if (!item) throw new Error(`gen-schemas: ${m[1]} has no items`);
    kinds.set(item, m[1]);
  }
  for (const m of src.matchAll(/^ {4}create(\w+)\((?:namespace: string, )?body: (\w+)/gm)) {
    const [, suffix, body] = m;
    const plain = suffix.replace(/^Namespaced/, '');
    if (localName(body) === plain && !kinds.has(body)) kinds.set(body, undefined);
  }
  return kinds;
}

/** Every model an API class's signatures mention. */
function apiModels(apiClass) {
  const src = readApi(apiClass);
  return [...src.matchAll(/import \{ (\w+) \} from '\.\.\/models\//g)].map((m) => m[1]);
}

function classPrefix(name) {
  return /^([A-Z][a-z]+)?(V\d+(?:alpha\d+|beta\d+)?)(?=[A-Z])/.exec(name);
}

function localName(name) {
  if (name === 'VersionInfo') return 'Info';
  const m = classPrefix(name);
  return m ? name.slice(m[0].length) : name;
}

// ---------------------------------------------------------------------------------------------
// 4. Group assignment: which upstream package each reachable class belongs to.
// ---------------------------------------------------------------------------------------------

async function assignGroups() {
  /** @type {Map<string, [string, string]>} class -> [group, version] */
  const groupOf = new Map();
  /** @type {Map<string, {group:string, version:string, kind:string}>} */
  const gvkOf = new Map();

  const roots = new Set(META_SEEDS);
  for (const api of [...Object.keys(SERVED_APIS), ...EXTRA_APIS]) for (const m of apiModels(api)) roots.add(m);
  const reachable = await closure(roots);

  for (const [n, gv] of Object.entries(GROUP_OVERRIDES)) groupOf.set(n, gv);
  for (const n of reachable) {
    const m = classPrefix(n);
    if (m?.[1] && m[1] in CLASS_PREFIX_GROUPS) groupOf.set(n, [CLASS_PREFIX_GROUPS[m[1]], m[2].toLowerCase()]);
  }
  for (const n of await closure(META_SEEDS)) if (!groupOf.has(n)) groupOf.set(n, ['meta', 'v1']);
  groupOf.set('VersionInfo', ['version', '']);

  // Kinds, in an order that lets lower layers claim shared types first: core, then the rest.
  const kindOrder = [];
  for (const [api, [group, version]] of Object.entries(SERVED_APIS)) {
    for (const [k, list] of await kindsOfApi(api)) {
      if (!groupOf.has(k)) groupOf.set(k, [group, version]);
      kindOrder.push(k);
      gvkOf.set(k, { group, version, kind: localName(k) });
      if (list) {
        if (!groupOf.has(list)) groupOf.set(list, [group, version]);
        gvkOf.set(list, { group, version, kind: localName(list) });
      }
    }
  }
  for (const [k, [group, version]] of Object.entries(SUBRESOURCE_KINDS)) {
    if (!groupOf.has(k)) groupOf.set(k, [group, version]);
    kindOrder.push(k);
    gvkOf.set(k, { group, version, kind: localName(k) });
  }
  for (const k of kindOrder) {
    const [group, version] = groupOf.get(k);
    for (const n of await closure([k])) if (!groupOf.has(n)) groupOf.set(n, [group, version]);
  }
  const missing = [...reachable].filter((n) => !groupOf.has(n));
  if (missing.length) throw new Error(`gen-schemas: no group for ${missing.join(', ')}`);
  return { reachable, groupOf, gvkOf };
}

function definitionName(cls, groupOf) {
  if (cls === 'VersionInfo') return 'io.k8s.apimachinery.pkg.version.Info';
  const [group, version] = groupOf.get(cls);
  return `${packagePrefix(group, version)}.${localName(cls)}`;
}

// ---------------------------------------------------------------------------------------------
// 5. Building schemas.
// ---------------------------------------------------------------------------------------------

function typeSchema(type, format, ctx) {
  let m;
  if ((m = /^Array<(.+)>$/.exec(type))) return { type: 'array', items: typeSchema(m[1], format, ctx) };
  if ((m = /^\{ \[key: string\]: (.+); \}$/.exec(type))) return { type: 'object', additionalProperties: typeSchema(m[1], format, ctx) };
  switch (type) {
    case 'string':
      return format ? { type: 'string', format } : { type: 'string' };
    case 'number':
      if (format === 'int32' || format === 'int64') return { type: 'integer', format };
      return format ? { type: 'number', format } : { type: 'number' };
    case 'boolean':
      return { type: 'boolean' };
    case 'Date':
      return { $ref: REF + `${META}.Time` };
    case 'V1MicroTime':
      return { $ref: REF + `${META}.MicroTime` };
    case 'IntOrString':
      return { $ref: REF + 'io.k8s.apimachinery.pkg.util.intstr.IntOrString' };
    case 'any':
      throw new Error(`gen-schemas: ${ctx} is typed any and is missing from ANY_FIELDS`);
  }
  if (modelNames.has(type)) return { $ref: REF + ctx.nameOf(type) };
  throw new Error(`gen-schemas: unknown type ${type} at ${ctx}`);
}

/** Replaces string leaves (the element of a map, or the field itself) with Quantity refs. */
function quantify(schema, where) {
  if (schema.type === 'string') return { $ref: REF + Q };
  if (schema.type === 'object' && schema.additionalProperties?.type === 'string') {
    return { ...schema, additionalProperties: { $ref: REF + Q } };
  }
  throw new Error(`gen-schemas: ${where} is listed as a Quantity but is ${JSON.stringify(schema)}`);
}

function applyPatchMeta(schema, meta, where) {
  const out = { ...schema };
  if (meta.lt || meta.lk || (meta.ps && schema.type === 'array')) {
    if (schema.type !== 'array') throw new Error(`gen-schemas: ${where} has list metadata but is not a list`);
  }
  if (meta.mt && schema.type !== 'object' && !schema.$ref) throw new Error(`gen-schemas: ${where} has map metadata but is not a map`);
  if (schema.$ref && (meta.ps || meta.mt)) {
    // A struct field with its own extension: wrap the reference, as upstream's v3 documents do.
    delete out.$ref;
    out.allOf = [{ $ref: schema.$ref }];
  }
  if (meta.pk) out['x-kubernetes-patch-merge-key'] = meta.pk;
  if (meta.ps) out['x-kubernetes-patch-strategy'] = meta.ps;
  if (meta.lt) out['x-kubernetes-list-type'] = meta.lt;
  if (meta.lk) out['x-kubernetes-list-map-keys'] = meta.lk;
  if (meta.mt) out['x-kubernetes-map-type'] = meta.mt;
  return out;
}

/** Sorts object keys recursively (except property order inside `required` and similar arrays). */
function canonical(v) {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') {
    const out = {};
    for (const k of Object.keys(v).sort()) out[k] = canonical(v[k]);
    return out;
  }
  return v;
}

function listDescription(kind) {
  const item = kind.slice(0, -'List'.length);
  return `A list of ${item} objects, as returned by a list request.`;
}

/** The Kubernetes version the client-node models were generated from (their header names it). */
function sourceVersion() {
  const header = readFileSync(join(MODELS, 'V1Pod.js'), 'utf8');
  const m = /OpenAPI spec version: (v[0-9.]+)/.exec(header);
  if (!m) throw new Error('gen-schemas: cannot tell which Kubernetes version client-node was generated from');
  if (!m[1].startsWith('v1.33.')) throw new Error(`gen-schemas: client-node models are from ${m[1]}, Skiff serves v1.33`);
  return m[1];
}

async function main() {
  const check = process.argv.includes('--check');
  const version = sourceVersion();
  const { reachable, groupOf, gvkOf } = await assignGroups();
  const nameOf = (cls) => definitionName(cls, groupOf);
  const defs = {};
  const usedPatch = new Set();
  const usedQuantity = new Set();
  const usedAny = new Set();

  for (const cls of [...reachable].sort()) {
    const name = nameOf(cls);
    if (defs[name]) throw new Error(`gen-schemas: two classes map to ${name}`);
    const model = await loadModel(cls);
    const properties = {};
    for (const a of model.attrs) {
      const where = `${name}.${a.baseName}`;
      const ctx = Object.assign(new String(where), { nameOf });
      let s;
      const anyKey = `${cls}.${a.baseName}`;
      if (ANY_FIELDS[anyKey]) {
        s = structuredClone(ANY_FIELDS[anyKey]);
        usedAny.add(anyKey);
      } else {
        s = typeSchema(a.type, a.format, ctx);
      }
      if (QUANTITY_FIELDS[name]?.includes(a.baseName)) {
        s = quantify(s, where);
        usedQuantity.add(where);
      }
      const meta = PATCH_META[name]?.[a.baseName];
      if (meta) {
        s = applyPatchMeta(s, meta, where);
        usedPatch.add(where);
      } else if (s.type === 'array') {
        s['x-kubernetes-list-type'] = 'atomic';
      }
      const dflt = FIELD_DEFAULTS[name]?.[a.baseName];
      if (dflt !== undefined) s.default = dflt;
      properties[a.baseName] = s;
    }
    const def = { type: 'object', properties };
    const required = model.attrs.map((a) => a.baseName).filter((b, i) => model.required.has(model.attrs[i].name));
    if (required.length) def.required = required;
    const gvk = gvkOf.get(cls);
    if (gvk) {
      def['x-kubernetes-group-version-kind'] = [gvk];
      const desc = gvk.kind.endsWith('List') && !KIND_DESCRIPTIONS[gvk.kind] ? listDescription(gvk.kind) : KIND_DESCRIPTIONS[gvk.kind];
      if (!desc) throw new Error(`gen-schemas: no description for kind ${gvk.kind}`);
      def.description = desc;
    }
    if (ATOMIC_STRUCTS.includes(name)) def['x-kubernetes-map-type'] = 'atomic';
    defs[name] = def;
  }

  // Meta types that name every served group/version (upstream lists all of them).
  const servedGVs = [['', 'v1'], ...Object.values(SERVED_APIS).filter(([g]) => g !== '')];
  for (const kind of ['DeleteOptions', 'WatchEvent']) {
    const d = defs[`${META}.${kind}`];
    d['x-kubernetes-group-version-kind'] = servedGVs.map(([group, version]) => ({ group, version, kind }));
    d.description = KIND_DESCRIPTIONS[kind];
  }
  defs[`${META}.Status`]['x-kubernetes-group-version-kind'] = [{ group: '', version: 'v1', kind: 'Status' }];
  defs[`${META}.Status`].description = KIND_DESCRIPTIONS.Status;

  for (const [name, d] of Object.entries(HAND_DEFINITIONS)) {
    if (defs[name]) throw new Error(`gen-schemas: ${name} exists already`);
    defs[name] = d;
  }

  // Every table entry must have been used: a typo or an upstream rename would otherwise go unnoticed.
  for (const [def, fields] of Object.entries(PATCH_META)) {
    for (const f of Object.keys(fields)) if (!usedPatch.has(`${def}.${f}`)) throw new Error(`gen-schemas: PATCH_META ${def}.${f} matched no field`);
  }
  for (const [def, fields] of Object.entries(QUANTITY_FIELDS)) {
    for (const f of fields) if (!usedQuantity.has(`${def}.${f}`)) throw new Error(`gen-schemas: QUANTITY_FIELDS ${def}.${f} matched no field`);
  }
  for (const k of Object.keys(ANY_FIELDS)) if (!usedAny.has(k)) throw new Error(`gen-schemas: ANY_FIELDS ${k} matched no field`);
  for (const n of ATOMIC_STRUCTS) if (!defs[n]) throw new Error(`gen-schemas: ATOMIC_STRUCTS ${n} is not a definition`);

  // Every reference must resolve.
  const text = JSON.stringify(canonical(defs));
  for (const m of text.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)) {
    if (!defs[m[1]]) throw new Error(`gen-schemas: dangling reference ${m[1]}`);
  }

  const out = text + '\n';
  if (check) {
    const cur = existsSync(OUT) ? readFileSync(OUT, 'utf8') : '';
    if (cur !== out) {
      console.error('gen-schemas: definitions.json is out of date; run node scripts/gen-schemas.mjs');
      process.exit(1);
    }
    console.log('gen-schemas: definitions.json is up to date');
    return;
  }
  writeFileSync(OUT, out);
  console.log(`gen-schemas: ${Object.keys(defs).length} definitions from Kubernetes ${version} models, ${out.length} bytes -> ${OUT}`);
}

await main();
