/**
 * Restart: a clean stop (SIGTERM) and start on the same data dir keeps every object byte for byte
 * (uid, resourceVersion, allocated clusterIP and nodePort), keeps CRDs serving their custom
 * resources, and the allocators remember what is taken.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYAML } from 'yaml';
import { ROOT, startTestCluster, type TestCluster } from '../helpers/cluster.js';

const NS = 'rst';
const CRD = parseYAML(readFileSync(join(ROOT, 'test', 'integration', 'fixtures', 'crontab-crd.yaml'), 'utf8'));

const service = (name: string, type: 'ClusterIP' | 'NodePort', extra: Record<string, unknown> = {}, port: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name },
  spec: { type, selector: { app: name }, ports: [{ port: 80, targetPort: 8080, ...port }], ...extra },
});

describe('restart', { timeout: 120_000 }, () => {
  let c: TestCluster;
  const paths = {
    deploy: `/apis/apps/v1/namespaces/${NS}/deployments/web`,
    svcs: ['svc-a', 'svc-b', 'svc-c', 'svc-d'].map((n) => `/api/v1/namespaces/${NS}/services/${n}`),
    crd: '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/crontabs.stable.example.com',
    cr: `/apis/stable.example.com/v1/namespaces/${NS}/crontabs/nightly`,
    ns: `/api/v1/namespaces/${NS}`,
  };
  const before0 = new Map<string, any>();

  async function create(path: string, body: unknown): Promise<any> {
    const r = await c.json('POST', path, body);
    assert.equal(r.status, 201, `POST ${path}: ${JSON.stringify(r.body)}`);
    return r.body;
  }

  before(async () => {
    c = await startTestCluster();
    await create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    await create(`/apis/apps/v1/namespaces/${NS}/deployments`, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', labels: { app: 'web' } },
      spec: {
        // 0 replicas: the controllers settle it quickly and then leave it alone
        replicas: 0,
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.25' }] } },
      },
    });
    await create(`/api/v1/namespaces/${NS}/services`, service('svc-a', 'ClusterIP'));
    await create(`/api/v1/namespaces/${NS}/services`, service('svc-b', 'NodePort'));
    await create(`/api/v1/namespaces/${NS}/services`, service('svc-c', 'NodePort'));
    await create(`/api/v1/namespaces/${NS}/services`, service('svc-d', 'ClusterIP', { clusterIP: 'None' }));
    await create('/apis/apiextensions.k8s.io/v1/customresourcedefinitions', CRD);
    const deadline = Date.now() + 30_000;
    for (;;) {
      const crd = await c.json('GET', paths.crd);
      if (crd.body.status?.conditions?.some((x: any) => x.type === 'Established' && x.status === 'True')) break;
      assert.ok(Date.now() < deadline, `CRD never Established: ${JSON.stringify(crd.body.status)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    // the CR endpoint may need a moment to be served after Established
    for (;;) {
      const r = await c.json('POST', `/apis/stable.example.com/v1/namespaces/${NS}/crontabs`, {
        apiVersion: 'stable.example.com/v1',
        kind: 'CronTab',
        metadata: { name: 'nightly' },
        spec: { cronSpec: '0 3 * * *', image: 'backup:1', replicas: 2 },
      });
      if (r.status === 201) break;
      assert.ok(Date.now() < deadline && r.status === 404, `POST CronTab: ${r.status} ${JSON.stringify(r.body)}`);
      await new Promise((res) => setTimeout(res, 100));
    }
    // wait until the controllers are done with these objects (status, conditions)
    let last = '';
    for (let i = 0, stable = 0; i < 40 && stable < 3; i++) {
      for (const p of [paths.deploy, ...paths.svcs, paths.crd, paths.cr, paths.ns]) {
        const r = await c.json('GET', p);
        assert.equal(r.status, 200, `GET ${p}: ${JSON.stringify(r.body)}`);
        before0.set(p, r.body);
      }
      const now = [...before0.values()].map((o) => o.metadata.resourceVersion).join(',');
      stable = now === last ? stable + 1 : 0;
      last = now;
      await new Promise((r) => setTimeout(r, 250));
    }
  });
  after(async () => {
    await c?.stop();
    c?.cleanup();
  });

  it('allocates clusterIPs and nodePorts before the restart', () => {
    for (const p of paths.svcs.slice(0, 3)) {
      const s = before0.get(p);
      assert.match(s.spec.clusterIP, /^\d+\.\d+\.\d+\.\d+$/, `${p} clusterIP`);
      assert.deepEqual(s.spec.clusterIPs, [s.spec.clusterIP]);
    }
    assert.equal(before0.get(paths.svcs[3]).spec.clusterIP, 'None');
    for (const p of paths.svcs.slice(1, 3)) {
      const port = before0.get(p).spec.ports[0].nodePort;
      assert.ok(port >= 30000 && port <= 32767, `${p} nodePort ${port}`);
    }
  });

  it('objects survive stop + start with the same uid, resourceVersion and content', async () => {
    await c.stop();
    await c.start();
    for (const [p, old] of before0) {
      const r = await c.json('GET', p);
      assert.equal(r.status, 200, `GET ${p} after restart: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.metadata.uid, old.metadata.uid, `${p} uid`);
      assert.equal(r.body.metadata.resourceVersion, old.metadata.resourceVersion, `${p} resourceVersion`);
      assert.deepEqual(r.body.spec, old.spec, `${p} spec`);
      assert.deepEqual(r.body.metadata, old.metadata, `${p} metadata`);
    }
  });

  it('kubectl works against the restarted server, CRs included', async () => {
    const r = await c.kubectl(['get', 'crontabs', '-n', NS, '-o', 'name']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'crontab.stable.example.com/nightly');
    const d = await c.kubectl(['get', 'deploy', 'web', '-n', NS, '-o', 'jsonpath={.spec.replicas}']);
    assert.equal(d.code, 0, d.stderr);
    assert.equal(d.stdout, '0');
    // CRs can still be written, and validated against the schema that was stored
    const bad = await c.json('POST', `/apis/stable.example.com/v1/namespaces/${NS}/crontabs`, {
      apiVersion: 'stable.example.com/v1',
      kind: 'CronTab',
      metadata: { name: 'bad' },
      spec: { replicas: 0 },
    });
    assert.equal(bad.status, 422, JSON.stringify(bad.body));
    assert.match(bad.body.message, /spec\.replicas in body should be greater than or equal to 1/);
  });

  it('new allocations do not collide with those made before the restart', async () => {
    const oldIPs = new Set(paths.svcs.slice(0, 3).map((p) => before0.get(p).spec.clusterIP));
    const oldPorts = new Set(paths.svcs.slice(1, 3).map((p) => before0.get(p).spec.ports[0].nodePort));
    const newIPs = new Set<string>();
    const newPorts = new Set<number>();
    for (let i = 0; i < 12; i++) {
      const s = await create(`/api/v1/namespaces/${NS}/services`, service(`new-${i}`, 'NodePort'));
      const ip = s.spec.clusterIP;
      const port = s.spec.ports[0].nodePort;
      assert.ok(!oldIPs.has(ip), `new-${i} got clusterIP ${ip}, already held by a service from before the restart`);
      assert.ok(!oldPorts.has(port), `new-${i} got nodePort ${port}, already held by a service from before the restart`);
      assert.ok(!newIPs.has(ip), `clusterIP ${ip} handed out twice`);
      assert.ok(!newPorts.has(port), `nodePort ${port} handed out twice`);
      newIPs.add(ip);
      newPorts.add(port);
    }
    // asking for a taken IP or port is refused (422), naming the field
    const takenIP = before0.get(paths.svcs[0]).spec.clusterIP;
    const ipClash = await c.json('POST', `/api/v1/namespaces/${NS}/services`, service('ip-clash', 'ClusterIP', { clusterIP: takenIP }));
    assert.equal(ipClash.status, 422, JSON.stringify(ipClash.body));
    assert.ok(ipClash.body.details.causes.some((x: any) => x.field === 'spec.clusterIPs'), JSON.stringify(ipClash.body));
    assert.match(ipClash.body.message, /provided IP is already allocated/);
    const takenPort = before0.get(paths.svcs[1]).spec.ports[0].nodePort;
    const portClash = await c.json('POST', `/api/v1/namespaces/${NS}/services`, service('port-clash', 'NodePort', {}, { nodePort: takenPort }));
    assert.equal(portClash.status, 422, JSON.stringify(portClash.body));
    assert.ok(portClash.body.details.causes.some((x: any) => x.field === 'spec.ports[0].nodePort'), JSON.stringify(portClash.body));
    assert.match(portClash.body.message, /provided port is already allocated/);
  });

  it('deleting a service releases its allocation', async () => {
    const s = before0.get(paths.svcs[2]);
    const del = await c.json('DELETE', paths.svcs[2]);
    assert.equal(del.status, 200, JSON.stringify(del.body));
    const again = await c.json('POST', `/api/v1/namespaces/${NS}/services`, service('reuse', 'NodePort', { clusterIP: s.spec.clusterIP }, { nodePort: s.spec.ports[0].nodePort }));
    assert.equal(again.status, 201, JSON.stringify(again.body));
    assert.equal(again.body.spec.clusterIP, s.spec.clusterIP);
    assert.equal(again.body.spec.ports[0].nodePort, s.spec.ports[0].nodePort);
  });

  it('resourceVersions keep increasing after the restart', async () => {
    const maxOld = [...before0.values()].reduce((m, o) => (BigInt(o.metadata.resourceVersion) > m ? BigInt(o.metadata.resourceVersion) : m), 0n);
    const cm = await create(`/api/v1/namespaces/${NS}/configmaps`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'late' } });
    assert.ok(BigInt(cm.metadata.resourceVersion) > maxOld, `${cm.metadata.resourceVersion} <= ${maxOld}`);
  });
});
