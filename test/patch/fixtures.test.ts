/**
 * Shared fixtures of the patch tests (this file holds no tests itself):
 * - a small slice of the Kubernetes v1.33 OpenAPI v3 schemas, shaped as the published document
 *   shapes them ($ref to components, struct fields with extensions wrapped in allOf);
 * - the Deployment `kubectl create deployment web --image=nginx` stores, and the managedFields a
 *   v1.33 server records for it.
 */
import type { JSONSchema, KubeObject } from '../../server/registry/types.js';
import { updateManagedFields } from '../../server/apiserver/patch/managedfields.js';

const PREFIX = '#/components/schemas/';
const ref = (name: string): JSONSchema => ({ $ref: PREFIX + name });
const str: JSONSchema = { type: 'string' };
const int: JSONSchema = { type: 'integer', format: 'int32' };
const bool: JSONSchema = { type: 'boolean' };
const stringMap: JSONSchema = { type: 'object', additionalProperties: { type: 'string' } };
const keyedList = (item: string, key: string, strategy = 'merge'): JSONSchema => ({
  type: 'array',
  items: ref(item),
  'x-kubernetes-list-type': 'map',
  'x-kubernetes-list-map-keys': [key],
  'x-kubernetes-patch-merge-key': key,
  'x-kubernetes-patch-strategy': strategy,
});

export const defs: Record<string, JSONSchema> = {
  'io.k8s.apimachinery.pkg.apis.meta.v1.Time': { type: 'string', format: 'date-time' },
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': { format: 'int-or-string', oneOf: [{ type: 'integer' }, { type: 'string' }], 'x-kubernetes-int-or-string': true },
  'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta': {
    type: 'object',
    properties: {
      name: str,
      generateName: str,
      namespace: str,
      uid: str,
      resourceVersion: str,
      generation: { type: 'integer', format: 'int64' },
      creationTimestamp: ref('io.k8s.apimachinery.pkg.apis.meta.v1.Time'),
      labels: stringMap,
      annotations: stringMap,
      finalizers: { type: 'array', items: str, 'x-kubernetes-list-type': 'set', 'x-kubernetes-patch-strategy': 'merge' },
      ownerReferences: keyedList('io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference', 'uid'),
      managedFields: { type: 'array', items: ref('io.k8s.apimachinery.pkg.apis.meta.v1.ManagedFieldsEntry'), 'x-kubernetes-list-type': 'atomic' },
    },
  },
  'io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference': {
    type: 'object',
    required: ['apiVersion', 'kind', 'name', 'uid'],
    properties: { apiVersion: str, kind: str, name: str, uid: str, controller: bool, blockOwnerDeletion: bool },
    'x-kubernetes-map-type': 'atomic',
  },
  'io.k8s.apimachinery.pkg.apis.meta.v1.ManagedFieldsEntry': {
    type: 'object',
    properties: { manager: str, operation: str, apiVersion: str, time: ref('io.k8s.apimachinery.pkg.apis.meta.v1.Time'), fieldsType: str, fieldsV1: { type: 'object' }, subresource: str },
  },
  'io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector': {
    type: 'object',
    properties: { matchLabels: stringMap, matchExpressions: { type: 'array', items: { type: 'object' }, 'x-kubernetes-list-type': 'atomic' } },
    'x-kubernetes-map-type': 'atomic',
  },
  'io.k8s.api.apps.v1.Deployment': {
    type: 'object',
    properties: {
      apiVersion: str,
      kind: str,
      metadata: ref('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'),
      spec: ref('io.k8s.api.apps.v1.DeploymentSpec'),
      status: ref('io.k8s.api.apps.v1.DeploymentStatus'),
    },
    'x-kubernetes-group-version-kind': [{ group: 'apps', kind: 'Deployment', version: 'v1' }],
  },
  'io.k8s.api.apps.v1.DeploymentSpec': {
    type: 'object',
    required: ['selector', 'template'],
    properties: {
      replicas: int,
      selector: ref('io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector'),
      template: ref('io.k8s.api.core.v1.PodTemplateSpec'),
      strategy: { allOf: [ref('io.k8s.api.apps.v1.DeploymentStrategy')], 'x-kubernetes-patch-strategy': 'retainKeys' },
      minReadySeconds: int,
      revisionHistoryLimit: int,
      paused: bool,
      progressDeadlineSeconds: int,
    },
  },
  'io.k8s.api.apps.v1.DeploymentStrategy': {
    type: 'object',
    properties: { type: str, rollingUpdate: ref('io.k8s.api.apps.v1.RollingUpdateDeployment') },
  },
  'io.k8s.api.apps.v1.RollingUpdateDeployment': {
    type: 'object',
    properties: { maxUnavailable: ref('io.k8s.apimachinery.pkg.util.intstr.IntOrString'), maxSurge: ref('io.k8s.apimachinery.pkg.util.intstr.IntOrString') },
  },
  'io.k8s.api.apps.v1.DeploymentStatus': {
    type: 'object',
    properties: {
      replicas: int,
      observedGeneration: { type: 'integer', format: 'int64' },
      conditions: keyedList('io.k8s.api.apps.v1.DeploymentCondition', 'type'),
    },
  },
  'io.k8s.api.apps.v1.DeploymentCondition': { type: 'object', required: ['type', 'status'], properties: { type: str, status: str, reason: str } },
  'io.k8s.api.core.v1.PodTemplateSpec': {
    type: 'object',
    properties: { metadata: ref('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'), spec: ref('io.k8s.api.core.v1.PodSpec') },
  },
  'io.k8s.api.core.v1.PodSpec': {
    type: 'object',
    required: ['containers'],
    properties: {
      containers: keyedList('io.k8s.api.core.v1.Container', 'name'),
      initContainers: keyedList('io.k8s.api.core.v1.Container', 'name'),
      volumes: keyedList('io.k8s.api.core.v1.Volume', 'name', 'merge,retainKeys'),
      restartPolicy: str,
      terminationGracePeriodSeconds: { type: 'integer', format: 'int64' },
      dnsPolicy: str,
      schedulerName: str,
      serviceAccountName: str,
      securityContext: ref('io.k8s.api.core.v1.PodSecurityContext'),
      nodeSelector: { ...stringMap, 'x-kubernetes-map-type': 'atomic' },
      tolerations: { type: 'array', items: ref('io.k8s.api.core.v1.Toleration'), 'x-kubernetes-list-type': 'atomic' },
    },
  },
  'io.k8s.api.core.v1.PodSecurityContext': { type: 'object', properties: { runAsUser: { type: 'integer', format: 'int64' }, fsGroup: { type: 'integer', format: 'int64' } } },
  'io.k8s.api.core.v1.Toleration': { type: 'object', properties: { key: str, operator: str, value: str, effect: str } },
  'io.k8s.api.core.v1.Container': {
    type: 'object',
    required: ['name'],
    properties: {
      name: str,
      image: str,
      imagePullPolicy: str,
      command: { type: 'array', items: str, 'x-kubernetes-list-type': 'atomic' },
      args: { type: 'array', items: str, 'x-kubernetes-list-type': 'atomic' },
      ports: {
        type: 'array',
        items: ref('io.k8s.api.core.v1.ContainerPort'),
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['containerPort', 'protocol'],
        'x-kubernetes-patch-merge-key': 'containerPort',
        'x-kubernetes-patch-strategy': 'merge',
      },
      env: keyedList('io.k8s.api.core.v1.EnvVar', 'name'),
      resources: ref('io.k8s.api.core.v1.ResourceRequirements'),
      volumeMounts: keyedList('io.k8s.api.core.v1.VolumeMount', 'mountPath'),
      terminationMessagePath: str,
      terminationMessagePolicy: str,
    },
  },
  'io.k8s.api.core.v1.ContainerPort': {
    type: 'object',
    required: ['containerPort'],
    properties: { containerPort: int, protocol: { type: 'string', default: 'TCP' }, name: str, hostPort: int },
  },
  'io.k8s.api.core.v1.EnvVar': { type: 'object', required: ['name'], properties: { name: str, value: str } },
  'io.k8s.api.core.v1.VolumeMount': { type: 'object', required: ['name', 'mountPath'], properties: { name: str, mountPath: str } },
  'io.k8s.api.core.v1.ResourceRequirements': { type: 'object', properties: { limits: stringMap, requests: stringMap } },
  'io.k8s.api.core.v1.Volume': {
    type: 'object',
    required: ['name'],
    properties: {
      name: str,
      emptyDir: { type: 'object', properties: { medium: str } },
      configMap: { type: 'object', properties: { name: str } },
    },
  },
  'io.k8s.api.core.v1.ConfigMap': {
    type: 'object',
    properties: { apiVersion: str, kind: str, metadata: ref('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'), data: stringMap },
  },
};

/** Follows $ref and single-element allOf, as the registry's resolver does. */
export function resolve(s: JSONSchema): JSONSchema {
  let cur = s;
  for (let i = 0; i < 16; i++) {
    if (cur.$ref) {
      const target = defs[cur.$ref.slice(PREFIX.length)];
      if (!target) throw new Error(`unknown ref ${cur.$ref}`);
      cur = target;
    } else if (cur.allOf?.length === 1) cur = cur.allOf[0];
    else return cur;
  }
  return cur;
}

export const deploymentSchema = ref('io.k8s.api.apps.v1.Deployment');
export const configMapSchema = ref('io.k8s.api.core.v1.ConfigMap');

export const T0 = '2025-01-01T00:00:00Z';

/** The fieldsV1 a v1.33 server records for `kubectl create deployment web --image=nginx`. */
export const KUBECTL_CREATE_FIELDS = {
  'f:metadata': { 'f:labels': { 'f:app': {}, '.': {} } },
  'f:spec': {
    'f:progressDeadlineSeconds': {},
    'f:replicas': {},
    'f:revisionHistoryLimit': {},
    'f:selector': {},
    'f:strategy': { 'f:rollingUpdate': { 'f:maxSurge': {}, 'f:maxUnavailable': {}, '.': {} }, 'f:type': {} },
    'f:template': {
      'f:metadata': { 'f:labels': { 'f:app': {}, '.': {} } },
      'f:spec': {
        'f:containers': {
          'k:{"name":"nginx"}': {
            'f:image': {},
            'f:imagePullPolicy': {},
            'f:name': {},
            'f:resources': {},
            'f:terminationMessagePath': {},
            'f:terminationMessagePolicy': {},
            '.': {},
          },
        },
        'f:dnsPolicy': {},
        'f:restartPolicy': {},
        'f:schedulerName': {},
        'f:securityContext': {},
        'f:terminationGracePeriodSeconds': {},
      },
    },
  },
};

/** The Deployment `kubectl create deployment web --image=nginx` stores, after v1.33 defaulting. */
export function createdDeployment(): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', uid: 'u-1', resourceVersion: '10', generation: 1, creationTimestamp: T0, labels: { app: 'web' } },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            {
              name: 'nginx',
              image: 'nginx',
              resources: {},
              terminationMessagePath: '/dev/termination-log',
              terminationMessagePolicy: 'File',
              imagePullPolicy: 'Always',
            },
          ],
          restartPolicy: 'Always',
          terminationGracePeriodSeconds: 30,
          dnsPolicy: 'ClusterFirst',
          securityContext: {},
          schedulerName: 'default-scheduler',
        },
      },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
    },
    status: {},
  };
}

/** createdDeployment() with the managedFields kubectl-create got for it. */
export function created(): KubeObject {
  const obj = createdDeployment();
  updateManagedFields(undefined, obj, 'kubectl-create', 'Update', undefined, deploymentSchema, resolve, 'apps/v1', T0);
  return obj;
}
