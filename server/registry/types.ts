/**
 * The resource registry: the single source of truth per kind. Discovery, OpenAPI, validation,
 * strategic merge, server-side apply, tables and the extension's YAML features all read it.
 */

/** OpenAPI v3 schema object, with the Kubernetes extensions the server honours. */
export interface JSONSchema {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  format?: string;
  description?: string;
  properties?: Record<string, JSONSchema>;
  additionalProperties?: JSONSchema | boolean;
  items?: JSONSchema;
  required?: string[];
  enum?: unknown[];
  default?: unknown;
  $ref?: string;
  allOf?: JSONSchema[];
  oneOf?: JSONSchema[];
  anyOf?: JSONSchema[];
  not?: JSONSchema;
  nullable?: boolean;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  minProperties?: number;
  maxProperties?: number;
  pattern?: string;
  multipleOf?: number;
  uniqueItems?: boolean;
  'x-kubernetes-group-version-kind'?: { group: string; version: string; kind: string }[];
  'x-kubernetes-patch-merge-key'?: string;
  'x-kubernetes-patch-strategy'?: string;
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: 'atomic' | 'granular';
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  'x-kubernetes-unions'?: unknown[];
  'x-kubernetes-validations'?: unknown[];
}

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

/** One field error, as apimachinery's field.Error: it names the path and the kind of problem. */
export interface FieldError {
  type: FieldErrorType;
  /** dotted path with indices, e.g. spec.template.spec.containers[0].image */
  field: string;
  /** the offending value, when it is shown in the message */
  value?: unknown;
  /** why it is wrong, in upstream's words where upstream has them */
  detail?: string;
}

export type FieldErrorType =
  | 'FieldValueRequired'
  | 'FieldValueInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueDuplicate'
  | 'FieldValueForbidden'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'FieldValueTypeInvalid'
  | 'FieldValueNotFound'
  | 'InternalError';

/** A column of `kubectl get` output (meta.k8s.io/v1 TableColumnDefinition). */
export interface ColumnDef {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format?: string;
  description: string;
  /** 0 = always shown; 1 = shown with -o wide */
  priority: number;
}

/** Any stored object. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  [field: string]: any;
}

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  managedFields?: ManagedFieldsEntry[];
  [field: string]: any;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ManagedFieldsEntry {
  manager?: string;
  operation?: 'Apply' | 'Update';
  apiVersion?: string;
  time?: string;
  fieldsType?: 'FieldsV1';
  fieldsV1?: Record<string, unknown>;
  subresource?: string;
}

/** `autoscaling/v1 Scale` mapping for a kind's scale subresource. */
export interface ScaleSubresource {
  specReplicasPath: string;
  statusReplicasPath: string;
  labelSelectorPath?: string;
}

/**
 * Per-kind strategy, the shape of kube-apiserver's rest.RESTCreateStrategy / RESTUpdateStrategy.
 * Every hook is optional: the generic store supplies the behaviour common to all kinds
 * (uid, creationTimestamp, generation on spec change, status reset on create).
 */
export interface KindStrategy {
  /** v1.33 defaulting (SetObjectDefaults_*), applied on create and update, before validation */
  defaults?(obj: KubeObject): void;
  /** clear or set fields on create (e.g. status), after defaulting */
  prepareForCreate?(obj: KubeObject): void;
  /** carry over fields the caller may not change (e.g. status on a main-resource update) */
  prepareForUpdate?(obj: KubeObject, old: KubeObject): void;
  validate?(obj: KubeObject): FieldError[];
  /** create-time rules plus immutability; runs instead of validate on update */
  validateUpdate?(obj: KubeObject, old: KubeObject): FieldError[];
  /** server-side allocation (Service clusterIP/nodePort) — may throw a StatusError */
  allocate?(obj: KubeObject, old: KubeObject | undefined, ctx: AllocationContext): void;
  /** release what `allocate` took, on delete */
  release?(obj: KubeObject, ctx: AllocationContext): void;
  /** values of `kubectl get` columns, in the order of KindDef.columns */
  row(obj: KubeObject): unknown[];
  /** field selector values this kind supports besides metadata.name/namespace */
  fieldLabels?(obj: KubeObject): Record<string, string>;
}

/** Lets allocating strategies see what is already taken, without reaching into the store. */
export interface AllocationContext {
  /** every stored object of the given resource (group/resource), for allocators to rebuild their bitmaps */
  list(group: string, resource: string): KubeObject[];
}

export interface KindDef {
  group: string;
  version: string;
  kind: string;
  /** lower-case plural: the resource name in URLs */
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  /** OpenAPI definition name of the kind, e.g. io.k8s.api.apps.v1.Deployment */
  definition: string;
  /** verbs served; default: the full set */
  verbs?: string[];
  subresources?: {
    status?: boolean;
    scale?: ScaleSubresource;
    /** other subresources served by special handlers (pods/log, pods/binding, ...) */
    extra?: { name: string; kind: GroupVersionKind; verbs: string[] }[];
  };
  /**
   * When several group/versions serve one stored resource (autoscaling v1 and v2 HPA, core and
   * events.k8s.io Event), all but the storage version name it here and convert.
   */
  storage?: { group: string; plural: string; toStorage(obj: KubeObject): KubeObject; fromStorage(obj: KubeObject): KubeObject };
  columns: ColumnDef[];
  strategy: KindStrategy;
  /**
   * Create-only kinds that are answered, never stored (TokenReview, SubjectAccessReview, ...):
   * returns the object with its status filled in for the requesting user.
   */
  virtual?: { create(obj: KubeObject, requester: { user: string; groups: string[] }): KubeObject };
}
