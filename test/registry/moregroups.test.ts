/**
 * admissionregistration, apiregistration, authentication, authorization, certificates, flowcontrol
 * and node: defaults, validation messages, table rows, the answers of the create-only review kinds,
 * and that the registry now serves every group/version a default v1.33 kube-apiserver serves.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fieldErrorText } from '../../server/apiserver/errors.js';
import type { FieldError, KindDef, KubeObject } from '../../server/registry/types.js';
import { builtinKinds } from '../../server/registry/kinds/index.js';
import {
  mutatingWebhookConfigurationKind,
  validatingAdmissionPolicyBindingKind,
  validatingAdmissionPolicyBindingRow,
  validatingAdmissionPolicyKind,
  validatingWebhookConfigurationKind,
  webhookConfigurationRow,
} from '../../server/registry/kinds/admissionregistration.js';
import { apiServiceKind, apiServiceRow } from '../../server/registry/kinds/apiregistration.js';
import { selfSubjectReviewKind, tokenReviewKind } from '../../server/registry/kinds/authentication.js';
import { localSubjectAccessReviewKind, selfSubjectAccessReviewKind, selfSubjectRulesReviewKind, subjectAccessReviewKind } from '../../server/registry/kinds/authorization.js';
import { csrKind, csrRow } from '../../server/registry/kinds/certificates.js';
import { flowSchemaKind, flowSchemaRow, priorityLevelConfigurationKind, priorityLevelRow } from '../../server/registry/kinds/flowcontrol.js';
import { runtimeClassKind, runtimeClassRow } from '../../server/registry/kinds/node.js';

const definitions: Record<string, unknown> = JSON.parse(readFileSync(join(__dirname, '../../server/registry/schema/definitions.json'), 'utf8'));
const NOW = Date.parse('2025-06-01T12:00:00Z');
const CREATED = '2025-06-01T11:00:00Z';
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v));

/** What the generic store does on create, up to validation. */
function create(def: KindDef, input: Record<string, any>): { obj: KubeObject; errs: FieldError[] } {
  const obj = clone(input) as KubeObject;
  obj.apiVersion = `${def.group}/${def.version}`;
  obj.kind = def.kind;
  obj.metadata ??= {};
  obj.metadata.uid = 'uid-1';
  obj.metadata.creationTimestamp = CREATED;
  def.strategy.defaults?.(obj);
  if (def.subresources?.status) obj.status = {};
  def.strategy.prepareForCreate?.(obj);
  return { obj, errs: def.strategy.validate?.(obj) ?? [] };
}
const texts = (errs: FieldError[]) => errs.map(fieldErrorText);

const webhook = {
  name: 'check.example.com',
  clientConfig: { service: { namespace: 'default', name: 'hook' } },
  rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }],
  sideEffects: 'None',
  admissionReviewVersions: ['v1'],
};

describe('admissionregistration.k8s.io/v1', () => {
  it('webhook configurations get upstream defaults', () => {
    const { obj, errs } = create(mutatingWebhookConfigurationKind, { metadata: { name: 'm' }, webhooks: [webhook] });
    assert.deepEqual(errs, []);
    const h = obj.webhooks[0];
    assert.equal(h.failurePolicy, 'Fail');
    assert.equal(h.matchPolicy, 'Equivalent');
    assert.equal(h.timeoutSeconds, 10);
    assert.equal(h.reinvocationPolicy, 'Never');
    assert.deepEqual(h.namespaceSelector, {});
    assert.deepEqual(h.objectSelector, {});
    assert.equal(h.rules[0].scope, '*');
    assert.equal(h.clientConfig.service.port, 443);
    const v = create(validatingWebhookConfigurationKind, { metadata: { name: 'v' }, webhooks: [webhook] }).obj;
    assert.equal(v.webhooks[0].reinvocationPolicy, undefined);
  });

  it('webhook names must be qualified and unique; sideEffects and review versions are required', () => {
    const bad = { ...webhook, name: 'short.name', sideEffects: undefined, admissionReviewVersions: undefined };
    const { errs } = create(validatingWebhookConfigurationKind, { metadata: { name: 'v' }, webhooks: [webhook, webhook, bad] });
    assert.deepEqual(texts(errs), [
      'webhooks[1].name: Duplicate value: "check.example.com"',
      'webhooks[2].name: Invalid value: "short.name": should be a domain with at least three segments separated by dots',
      'webhooks[2].sideEffects: Required value: must specify one of None, NoneOnDryRun',
      'webhooks[2].admissionReviewVersions: Required value: must specify one of v1, v1beta1',
    ]);
  });

  it('policies and bindings: defaults, required fields and rows', () => {
    const p = create(validatingAdmissionPolicyKind, {
      metadata: { name: 'p' },
      spec: { matchConstraints: { resourceRules: [{ operations: ['CREATE'], apiGroups: ['apps'], apiVersions: ['v1'], resources: ['deployments'] }] }, validations: [{ expression: 'true' }] },
    });
    assert.deepEqual(p.errs, []);
    assert.equal(p.obj.spec.failurePolicy, 'Fail');
    assert.equal(p.obj.spec.matchConstraints.matchPolicy, 'Equivalent');
    assert.equal(p.obj.spec.matchConstraints.resourceRules[0].scope, '*');
    assert.deepEqual(validatingAdmissionPolicyKind.strategy.row({ ...p.obj, metadata: { ...p.obj.metadata } }).slice(0, 3), ['p', 1, '<unset>']);
    const b = create(validatingAdmissionPolicyBindingKind, { metadata: { name: 'b' }, spec: {} });
    assert.deepEqual(texts(b.errs), ['spec.policyName: Required value', 'spec.validationActions: Required value: at least one validation action is required']);
    const ok = create(validatingAdmissionPolicyBindingKind, { metadata: { name: 'b' }, spec: { policyName: 'p', validationActions: ['Deny'], paramRef: { name: 'x', parameterNotFoundAction: 'Deny' } } });
    assert.deepEqual(ok.errs, []);
    assert.deepEqual(validatingAdmissionPolicyBindingRow(ok.obj, NOW), ['b', 'p', '*/x', '60m']);
    assert.deepEqual(webhookConfigurationRow({ metadata: { name: 'w', creationTimestamp: CREATED }, webhooks: [webhook] }, NOW), ['w', 1, '60m']);
  });
});

describe('apiregistration.k8s.io/v1', () => {
  it('the name must be <version>.<group>; local services are available', () => {
    const spec = { group: 'metrics.k8s.io', version: 'v1beta1', groupPriorityMinimum: 100, versionPriority: 100 };
    const bad = create(apiServiceKind, { metadata: { name: 'metrics' }, spec });
    assert.deepEqual(texts(bad.errs), ['metadata.name: Invalid value: "metrics": must be `spec.version+"."+spec.group`: "v1beta1.metrics.k8s.io"']);
    const local = create(apiServiceKind, { metadata: { name: 'v1beta1.metrics.k8s.io' }, spec });
    assert.deepEqual(local.errs, []);
    assert.deepEqual(apiServiceRow(local.obj, NOW), ['v1beta1.metrics.k8s.io', 'Local', 'True', '60m']);
    const remote = create(apiServiceKind, { metadata: { name: 'v1beta1.metrics.k8s.io' }, spec: { ...spec, service: { namespace: 'kube-system', name: 'metrics-server' } } });
    assert.deepEqual(remote.errs, []);
    assert.equal(remote.obj.spec.service.port, 443);
    assert.deepEqual(apiServiceRow(remote.obj, NOW), ['v1beta1.metrics.k8s.io', 'kube-system/metrics-server', 'Unknown', '60m']);
  });
});

describe('authentication.k8s.io/v1 and authorization.k8s.io/v1 reviews', () => {
  const requester = { user: 'kubernetes-admin', groups: ['kubeadm:cluster-admins', 'system:authenticated'] };
  it('are create-only and never stored', () => {
    for (const def of [tokenReviewKind, selfSubjectReviewKind, subjectAccessReviewKind, selfSubjectAccessReviewKind, localSubjectAccessReviewKind, selfSubjectRulesReviewKind]) {
      assert.deepEqual(def.verbs, ['create'], def.kind);
      assert.ok(def.virtual, def.kind);
    }
    assert.equal(localSubjectAccessReviewKind.namespaced, true);
    assert.equal(subjectAccessReviewKind.namespaced, false);
  });

  it('SelfSubjectReview answers with the requester', () => {
    const out = selfSubjectReviewKind.virtual!.create({ apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview', metadata: {} }, requester);
    assert.deepEqual(out.status, { userInfo: { username: 'kubernetes-admin', groups: ['kubeadm:cluster-admins', 'system:authenticated'] } });
    const bare = selfSubjectReviewKind.virtual!.create({ metadata: {} }, { user: 'alice', groups: [] });
    assert.deepEqual(bare.status, { userInfo: { username: 'alice', groups: ['system:authenticated'] } });
  });

  it('TokenReview cannot vouch for tokens', () => {
    const out = tokenReviewKind.virtual!.create({ metadata: {}, spec: { token: 'abc' } }, requester);
    assert.equal(out.status.authenticated, false);
    assert.equal(out.status.error, 'token review is not supported');
    assert.throws(() => tokenReviewKind.virtual!.create({ metadata: {}, spec: {} }, requester), /token is required/);
  });

  it('access reviews are allowed, rules reviews list wildcards', () => {
    const ssar = { metadata: {}, spec: { resourceAttributes: { verb: 'create', resource: 'pods', namespace: 'default' } } };
    assert.deepEqual(selfSubjectAccessReviewKind.strategy.validate!(ssar as KubeObject), []);
    const out = selfSubjectAccessReviewKind.virtual!.create(ssar as KubeObject, requester);
    assert.equal(out.status.allowed, true);
    assert.match(out.status.reason, /does not enforce authorization/);
    assert.deepEqual(texts(selfSubjectAccessReviewKind.strategy.validate!({ metadata: {}, spec: {} })), [
      'spec.resourceAttributes: Invalid value: null: exactly one of nonResourceAttributes or resourceAttributes must be specified',
    ]);
    assert.deepEqual(texts(subjectAccessReviewKind.strategy.validate!({ metadata: {}, spec: { nonResourceAttributes: { path: '/healthz', verb: 'get' } } })), [
      'spec.user: Invalid value: "": at least one of user or group must be specified',
    ]);
    const rules = selfSubjectRulesReviewKind.virtual!.create({ metadata: {}, spec: { namespace: 'default' } }, requester);
    assert.deepEqual(rules.status, {
      resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
      nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
      incomplete: false,
    });
  });
});

describe('certificates.k8s.io/v1', () => {
  const request = Buffer.from('-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----\n').toString('base64');
  it('validates request, usages, signer and duration; rows show the condition', () => {
    const ok = create(csrKind, { metadata: { name: 'alice' }, spec: { request, signerName: 'kubernetes.io/kube-apiserver-client', usages: ['client auth'], expirationSeconds: 86400, username: 'admin' } });
    assert.deepEqual(ok.errs, []);
    assert.deepEqual(csrRow(ok.obj, NOW), ['alice', '60m', 'kubernetes.io/kube-apiserver-client', 'admin', '24h', 'Pending']);
    ok.obj.status = { conditions: [{ type: 'Approved', status: 'True' }], certificate: 'eA==' };
    assert.equal(csrRow(ok.obj, NOW)[5], 'Approved,Issued');
    const bad = create(csrKind, { metadata: { name: 'bob' }, spec: { request: 'eA==', signerName: 'nope', usages: [], expirationSeconds: 60 } });
    assert.deepEqual(texts(bad.errs), [
      'spec.request: Invalid value: "eA==": PEM block type must be CERTIFICATE REQUEST',
      'spec.usages: Required value',
      "spec.signerName: Invalid value: \"nope\": must be a fully qualified domain and path of the form 'example.com/signer-name'",
      'spec.expirationSeconds: Invalid value: 60: may not specify a duration less than 600 seconds (10 minutes)',
    ]);
    assert.deepEqual(csrKind.shortNames, ['csr']);
    assert.ok(csrKind.subresources?.extra?.some((e) => e.name === 'approval'));
  });
});

describe('flowcontrol.apiserver.k8s.io/v1', () => {
  it('defaults and rows of FlowSchema and PriorityLevelConfiguration', () => {
    const fs = create(flowSchemaKind, {
      metadata: { name: 'fs', creationTimestamp: CREATED },
      spec: { priorityLevelConfiguration: { name: 'pl' }, rules: [{ subjects: [{ kind: 'User', user: { name: 'u' } }], nonResourceRules: [{ verbs: ['get'], nonResourceURLs: ['/x'] }] }] },
    });
    assert.deepEqual(fs.errs, []);
    assert.equal(fs.obj.spec.matchingPrecedence, 1000);
    assert.deepEqual(flowSchemaRow(fs.obj, NOW), ['fs', 'pl', 1000, '<none>', '60m', '?']);
    const pl = create(priorityLevelConfigurationKind, { metadata: { name: 'pl' }, spec: { type: 'Limited', limited: { limitResponse: { type: 'Queue', queuing: {} } } } });
    assert.deepEqual(pl.errs, []);
    assert.deepEqual(pl.obj.spec.limited, { nominalConcurrencyShares: 30, lendablePercent: 0, limitResponse: { type: 'Queue', queuing: { handSize: 8, queues: 64, queueLengthLimit: 50 } } });
    assert.deepEqual(priorityLevelRow(pl.obj, NOW), ['pl', 'Limited', 30, 64, 8, 50, '60m']);
    const bad = create(priorityLevelConfigurationKind, { metadata: { name: 'x' }, spec: { type: 'Limited' } });
    assert.deepEqual(texts(bad.errs), ['spec.limited: Required value: must not be empty when type is Limited']);
  });
});

describe('node.k8s.io/v1', () => {
  it('RuntimeClass handler is a required DNS label and immutable', () => {
    const ok = create(runtimeClassKind, { metadata: { name: 'gvisor', creationTimestamp: CREATED }, handler: 'runsc' });
    assert.deepEqual(ok.errs, []);
    assert.deepEqual(runtimeClassRow(ok.obj, NOW), ['gvisor', 'runsc', '60m']);
    assert.deepEqual(texts(create(runtimeClassKind, { metadata: { name: 'x' } }).errs), ['handler: Required value']);
    assert.equal(create(runtimeClassKind, { metadata: { name: 'x' }, handler: 'Bad_Handler' }).errs[0].field, 'handler');
    const upd = runtimeClassKind.strategy.validateUpdate!({ ...clone(ok.obj), handler: 'runc' }, ok.obj);
    assert.deepEqual(texts(upd), ['handler: Invalid value: "runc": field is immutable']);
  });
});

describe('builtinKinds coverage', () => {
  it('serves every group/version of a default v1.33 kube-apiserver, each with a definition', () => {
    const gvs = new Set(builtinKinds().map((k) => (k.group ? `${k.group}/${k.version}` : k.version)));
    for (const gv of [
      'admissionregistration.k8s.io/v1', 'apiextensions.k8s.io/v1', 'apiregistration.k8s.io/v1', 'apps/v1', 'authentication.k8s.io/v1',
      'authorization.k8s.io/v1', 'autoscaling/v1', 'autoscaling/v2', 'batch/v1', 'certificates.k8s.io/v1', 'coordination.k8s.io/v1',
      'discovery.k8s.io/v1', 'events.k8s.io/v1', 'flowcontrol.apiserver.k8s.io/v1', 'networking.k8s.io/v1', 'node.k8s.io/v1', 'policy/v1',
      'rbac.authorization.k8s.io/v1', 'scheduling.k8s.io/v1', 'storage.k8s.io/v1', 'v1',
    ]) {
      assert.ok(gvs.has(gv), `${gv} is not served`);
    }
    for (const k of builtinKinds()) assert.ok(definitions[k.definition], `${k.kind}: no definition ${k.definition}`);
  });

  it('lists groups in upstream discovery order', () => {
    const order: string[] = [];
    for (const k of builtinKinds()) if (!order.includes(k.group)) order.push(k.group);
    assert.deepEqual(order, [
      '', 'apiregistration.k8s.io', 'apps', 'events.k8s.io', 'authentication.k8s.io', 'authorization.k8s.io', 'autoscaling', 'batch',
      'certificates.k8s.io', 'networking.k8s.io', 'policy', 'rbac.authorization.k8s.io', 'storage.k8s.io', 'admissionregistration.k8s.io',
      'apiextensions.k8s.io', 'scheduling.k8s.io', 'coordination.k8s.io', 'node.k8s.io', 'discovery.k8s.io', 'flowcontrol.apiserver.k8s.io',
    ]);
  });
});
