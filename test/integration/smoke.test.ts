/**
 * Smoke: the cluster starts, claims v1.33, guards its resources, and serves the discovery and
 * OpenAPI documents the real kubectl v1.33 reads before doing anything else.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { DEFAULT_GROUP_VERSIONS } from './fixtures/group-versions.js';

/** An HTTPS request that trusts the cluster CA but presents no client certificate. */
function anonymous(c: TestCluster, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; contentType: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      { host: '127.0.0.1', port: c.port, method: 'GET', path, ca: readFileSync(join(c.dir, 'pki', 'ca.crt')), headers },
      (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, contentType: String(res.headers['content-type'] ?? '') }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

function tableRows(stdout: string): string[][] {
  return stdout
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/));
}

describe('smoke', () => {
  let c: TestCluster;
  before(async () => {
    c = await startTestCluster();
  });
  after(async () => {
    await c?.stop();
    c?.cleanup();
  });

  it('/version claims Kubernetes 1.33', async () => {
    const r = await c.json('GET', '/version');
    assert.equal(r.status, 200);
    assert.equal(r.body.major, '1');
    assert.equal(r.body.minor, '33');
    assert.match(r.body.gitVersion, /^v1\.33\.\d+/);
    for (const k of ['gitCommit', 'buildDate', 'goVersion', 'compiler', 'platform']) assert.ok(r.body[k], `/version lacks ${k}`);
  });

  it('kubectl version prints Server Version v1.33.x', async () => {
    const r = await c.kubectl(['version']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Server Version: v1\.33\.\d+/);
    // kubectl warns on version skew > 1 minor; there must be none
    assert.doesNotMatch(r.stderr, /WARNING: version difference/);
  });

  it('/healthz, /livez, /readyz answer ok without credentials', async () => {
    for (const p of ['/healthz', '/livez', '/readyz']) {
      const r = await anonymous(c, p);
      assert.equal(r.status, 200, `${p}: ${r.body}`);
      assert.equal(r.body, 'ok');
    }
  });

  it('resource requests without a client certificate or token get a 401 Status', async () => {
    for (const p of ['/api/v1/namespaces/default/configmaps', '/apis/apps/v1/deployments', '/api/v1/namespaces']) {
      const r = await anonymous(c, p);
      assert.equal(r.status, 401, `${p}: ${r.body}`);
      const s = JSON.parse(r.body);
      assert.equal(s.kind, 'Status');
      assert.equal(s.apiVersion, 'v1');
      assert.equal(s.status, 'Failure');
      assert.equal(s.reason, 'Unauthorized');
      assert.equal(s.code, 401);
    }
    // a bogus bearer token is no better
    const r = await anonymous(c, '/api/v1/namespaces/default/configmaps', { Authorization: 'Bearer not-a-real-token' });
    assert.equal(r.status, 401, r.body);
    assert.equal(JSON.parse(r.body).reason, 'Unauthorized');
  });

  it('kubectl api-resources lists the built-in resources with short names, groups, scope and kind', async () => {
    const r = await c.kubectl(['api-resources']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n');
    assert.match(lines[0], /^NAME\s+SHORTNAMES\s+APIVERSION\s+NAMESPACED\s+KIND\s*$/);
    const expect: [string, string, string, string, string][] = [
      ['deployments', 'deploy', 'apps/v1', 'true', 'Deployment'],
      ['pods', 'po', 'v1', 'true', 'Pod'],
      ['services', 'svc', 'v1', 'true', 'Service'],
      ['configmaps', 'cm', 'v1', 'true', 'ConfigMap'],
      ['namespaces', 'ns', 'v1', 'false', 'Namespace'],
      ['customresourcedefinitions', 'crd,crds', 'apiextensions.k8s.io/v1', 'false', 'CustomResourceDefinition'],
      ['replicasets', 'rs', 'apps/v1', 'true', 'ReplicaSet'],
      ['horizontalpodautoscalers', 'hpa', 'autoscaling/v2', 'true', 'HorizontalPodAutoscaler'],
    ];
    const rows = tableRows(r.stdout);
    for (const e of expect) {
      const row = rows.find((cells) => cells[0] === e[0]);
      assert.ok(row, `api-resources lacks ${e[0]}:\n${r.stdout}`);
      assert.deepEqual(row, e, `api-resources row for ${e[0]}`);
    }
    // secrets have no short name: the SHORTNAMES column is blank, so the row has four cells
    const secrets = rows.find((cells) => cells[0] === 'secrets');
    assert.deepEqual(secrets, ['secrets', 'v1', 'true', 'Secret']);
  });

  it('kubectl api-versions lists the v1.33 group versions and none of the removed ones', async () => {
    const r = await c.kubectl(['api-versions']);
    assert.equal(r.code, 0, r.stderr);
    const versions = new Set(r.stdout.trim().split('\n'));
    const required = [
      'v1',
      'apps/v1',
      'autoscaling/v1',
      'autoscaling/v2',
      'batch/v1',
      'apiextensions.k8s.io/v1',
      'rbac.authorization.k8s.io/v1',
      'networking.k8s.io/v1',
      'policy/v1',
      'storage.k8s.io/v1',
      'coordination.k8s.io/v1',
      'discovery.k8s.io/v1',
      'events.k8s.io/v1',
    ];
    const missing = required.filter((v) => !versions.has(v));
    assert.deepEqual(missing, [], `api-versions lacks ${missing.join(', ')}:\n${r.stdout}`);
    // removed long before v1.33 (https://kubernetes.io/docs/reference/using-api/deprecation-guide/)
    const removed = ['extensions/v1beta1', 'apps/v1beta1', 'apps/v1beta2', 'policy/v1beta1', 'batch/v1beta1', 'autoscaling/v2beta2', 'networking.k8s.io/v1beta1', 'rbac.authorization.k8s.io/v1beta1'];
    const present = removed.filter((v) => versions.has(v));
    assert.deepEqual(present, [], `api-versions lists removed versions ${present.join(', ')}`);
  });

  it('serves every group version a default v1.33 kube-apiserver serves', async () => {
    // kube-apiserver v1.33 with default flags (no alpha/beta APIs enabled); kubectl auth can-i / whoami,
    // certificate approve, and charts with webhooks or APIServices use the ones beyond the core set above
    const all = [...DEFAULT_GROUP_VERSIONS];
    const r = await c.kubectl(['api-versions']);
    assert.equal(r.code, 0, r.stderr);
    const versions = new Set(r.stdout.trim().split('\n'));
    const missing = all.filter((v) => !versions.has(v));
    assert.deepEqual(missing, [], `not served: ${missing.join(', ')}`);
  });

  it('aggregated discovery answers in the v2 form kubectl asks for', async () => {
    const accept = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';
    const r = await c.request('GET', '/apis', undefined, { Accept: accept });
    assert.equal(r.status, 200);
    assert.match(String(r.headers['content-type']), /g=apidiscovery\.k8s\.io/);
    const body = JSON.parse(r.body);
    assert.equal(body.kind, 'APIGroupDiscoveryList');
    const apps = body.items.find((i: any) => i.metadata.name === 'apps');
    assert.ok(apps, 'no apps group in /apis');
    const deploy = apps.versions[0].resources.find((x: any) => x.resource === 'deployments');
    assert.ok(deploy.subresources.some((s: any) => s.subresource === 'scale' && s.responseKind.kind === 'Scale'), 'deployments/scale missing');
    // the plain fallback documents exist too (the scale client reads them)
    const legacy = await c.json('GET', '/apis/apps/v1');
    assert.equal(legacy.status, 200);
    assert.equal(legacy.body.kind, 'APIResourceList');
    assert.ok(legacy.body.resources.some((x: any) => x.name === 'deployments/scale'), 'APIResourceList lacks deployments/scale');
  });

  it('kubectl explain deployment.spec.strategy prints its fields', async () => {
    const r = await c.kubectl(['explain', 'deployment.spec.strategy']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /KIND:\s+Deployment/);
    assert.match(r.stdout, /FIELDS:/);
    assert.match(r.stdout, /^\s+rollingUpdate\s+<RollingUpdateDeployment>/m);
    assert.match(r.stdout, /^\s+type\s+<string>/m);
  });

  it('/openapi/v3 indexes the group versions with fieldValidation on patch operations', async () => {
    const idx = await c.json('GET', '/openapi/v3');
    assert.equal(idx.status, 200);
    const entry = idx.body.paths?.['apis/apps/v1'];
    assert.ok(entry?.serverRelativeURL, 'no apis/apps/v1 in /openapi/v3');
    const doc = await c.json('GET', entry.serverRelativeURL, undefined, { Accept: 'application/json' });
    assert.equal(doc.status, 200);
    const path = doc.body.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'];
    assert.ok(path?.patch, 'no patch operation on deployments/{name}');
    const params = [...(path.parameters ?? []), ...(path.patch.parameters ?? [])];
    assert.ok(params.some((p: any) => p.name === 'fieldValidation' || String(p.$ref ?? '').includes('fieldValidation')), 'patch lacks the fieldValidation parameter');
  });
});
