/**
 * The kubectl walkthrough a new user follows, end to end on a 3-node cluster: create a deployment,
 * expose it, scale it, roll a new image out (watching the rolling-update bounds), look at the
 * history, undo, scale down and delete it, and the garbage collector takes the rest.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { isReady, kube, list, table, waitFor, Watch } from './fixtures/util.js';

const WORKERS = ['skiff-worker', 'skiff-worker2'];

describe('kubectl walkthrough', { timeout: 180_000 }, () => {
  let c: TestCluster;
  const kb = kube(() => c);
  const { k } = kb;
  const pods = () => kb.items(['pods', '-l', 'app=test1']);
  const describeState = async () => {
    const r = await c.kubectl(['get', 'deploy,rs,pods', '-o', 'wide']);
    return r.stdout + r.stderr;
  };

  before(async () => {
    c = await startTestCluster(['--nodes', '3']);
  });
  after(async () => {
    await c?.stop();
    c?.cleanup();
  });

  it('create deployment, rollout status, 1/1', async () => {
    await k(['create', 'deployment', 'test1', '--image=nginx']);
    await k(['rollout', 'status', 'deployment/test1', '--timeout=60s']);
    const rows = table((await k(['get', 'deployments'])).stdout);
    const row = rows.find((r) => r.NAME === 'test1');
    assert.ok(row, `no test1 in kubectl get deployments`);
    assert.equal(row.READY, '1/1');
    assert.equal(row['UP-TO-DATE'], '1');
    assert.equal(row.AVAILABLE, '1');
  });

  it('kubectl get pod -o wide shows a pod IP from the pod CIDR and a worker node', async () => {
    const out = (await k(['get', 'pod', '-o', 'wide'])).stdout;
    const rows = table(out).filter((r) => r.NAME.startsWith('test1-'));
    assert.equal(rows.length, 1, out);
    assert.match(rows[0].NAME, /^test1-[a-z0-9]+-[a-z0-9]{5}$/);
    assert.equal(rows[0].STATUS, 'Running');
    assert.equal(rows[0].READY, '1/1');
    assert.match(rows[0].IP, /^10\.244\.\d{1,3}\.\d{1,3}$/, out);
    assert.ok(WORKERS.includes(rows[0].NODE), `pod on ${rows[0].NODE}, not a worker:\n${out}`);
  });

  it('expose as NodePort: nodePort in range, endpoints list the pod IP:80', async () => {
    await k(['expose', 'deployment', 'test1', '--type=NodePort', '--port=80']);
    const svc = await kb.getJSON(['get', 'service', 'test1']);
    assert.equal(svc.spec.type, 'NodePort');
    // kubeadm's default service CIDR, 10.96.0.0/12
    const octets = svc.spec.clusterIP.split('.').map(Number);
    assert.ok(octets.length === 4 && octets[0] === 10 && octets[1] >= 96 && octets[1] <= 111, `clusterIP ${svc.spec.clusterIP}`);
    const nodePort = svc.spec.ports[0].nodePort;
    assert.ok(nodePort >= 30000 && nodePort <= 32767, `nodePort ${nodePort}`);
    const [p] = await pods();
    const podIP = p.status.podIP;
    await waitFor(
      `endpoints test1 to list ${podIP}:80`,
      async () => {
        const r = await c.kubectl(['get', 'endpoints', 'test1']);
        return r.code === 0 && table(r.stdout).find((row) => row.NAME === 'test1')?.ENDPOINTS === `${podIP}:80`;
      },
      { describe: async () => (await c.kubectl(['get', 'endpoints', 'test1', '-o', 'yaml'])).stdout },
    );
  });

  it('kubectl get endpoints prints the v1.33 deprecation warning', async () => {
    const r = await k(['get', 'endpoints', 'test1']);
    assert.match(r.stderr, /^Warning: v1 Endpoints is deprecated in v1\.33\+; use discovery\.k8s\.io\/v1 EndpointSlice$/m);
  });

  it('scale to 3: rollout completes, 3/3, spread over both workers, none on the control plane', async () => {
    await k(['scale', 'deployment', 'test1', '--replicas=3']);
    await k(['rollout', 'status', 'deployment/test1', '--timeout=60s']);
    const row = table((await k(['get', 'deployments'])).stdout).find((r) => r.NAME === 'test1');
    assert.equal(row?.READY, '3/3');
    const ps = (await pods()).filter((p) => !p.metadata.deletionTimestamp);
    assert.equal(ps.length, 3);
    const nodes = new Set(ps.map((p) => p.spec.nodeName));
    assert.deepEqual([...nodes].sort(), WORKERS, `pods on ${[...nodes].join(', ')}`);
  });

  it('set image rolls out within maxSurge 1 / maxUnavailable 0', async () => {
    const d = await kb.getJSON(['get', 'deployment', 'test1']);
    assert.equal(d.spec.strategy.type, 'RollingUpdate');
    assert.equal(d.spec.strategy.rollingUpdate.maxSurge, '25%');
    assert.equal(d.spec.strategy.rollingUpdate.maxUnavailable, '25%');
    const replicas = 3;
    const maxTotal = replicas + 1; // surge: ceil(25% of 3) = 1
    const minAvailable = replicas - 0; // unavailable: floor(25% of 3) = 0

    // Start from a consistent list, then watch from its resourceVersion.
    const rsPath = '/apis/apps/v1/namespaces/default/replicasets?labelSelector=app%3Dtest1';
    const podPath = '/api/v1/namespaces/default/pods?labelSelector=app%3Dtest1';
    const rsList = await list(c, rsPath);
    const podList = await list(c, podPath);
    const rsState = new Map<string, any>(rsList.items.map((r: any) => [r.metadata.name, r]));
    const podState = new Map<string, any>(podList.items.map((p: any) => [p.metadata.name, p]));
    const violations: string[] = [];
    const check = (what: string) => {
      const specTotal = [...rsState.values()].reduce((s, r) => s + (r.spec.replicas ?? 0), 0);
      const available = [...rsState.values()].reduce((s, r) => s + (r.status?.availableReplicas ?? 0), 0);
      if (specTotal > maxTotal) violations.push(`${what}: sum of ReplicaSet spec.replicas ${specTotal} > ${maxTotal}`);
      if (available < minAvailable) violations.push(`${what}: sum of ReplicaSet availableReplicas ${available} < ${minAvailable}`);
    };
    const checkPods = (what: string) => {
      const live = [...podState.values()].filter((p) => !p.metadata.deletionTimestamp && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
      const ready = live.filter(isReady);
      if (live.length > maxTotal) violations.push(`${what}: ${live.length} live pods > ${maxTotal}: ${live.map((p) => p.metadata.name).join(' ')}`);
      if (ready.length < minAvailable) violations.push(`${what}: ${ready.length} ready pods < ${minAvailable}`);
    };
    check('before');
    checkPods('before');
    assert.deepEqual(violations, []);
    const rsWatch = new Watch(c, `${rsPath}&resourceVersion=${rsList.resourceVersion}`);
    const podWatch = new Watch(c, `${podPath}&resourceVersion=${podList.resourceVersion}`);
    rsWatch.on((e) => {
      if (e.type === 'DELETED') rsState.delete(e.object.metadata.name);
      else if (e.type === 'ADDED' || e.type === 'MODIFIED') rsState.set(e.object.metadata.name, e.object);
      check(`after ${e.type} rs/${e.object?.metadata?.name} rv ${e.object?.metadata?.resourceVersion}`);
    });
    podWatch.on((e) => {
      if (e.type === 'DELETED') podState.delete(e.object.metadata.name);
      else if (e.type === 'ADDED' || e.type === 'MODIFIED') podState.set(e.object.metadata.name, e.object);
      checkPods(`after ${e.type} pod/${e.object?.metadata?.name} rv ${e.object?.metadata?.resourceVersion}`);
    });
    await Promise.all([rsWatch.ready, podWatch.ready]);
    try {
      await k(['set', 'image', 'deployments/test1', 'nginx=httpd']);
      await k(['rollout', 'status', 'deployment/test1', '--timeout=90s']);
      // the watch has caught up with the end of the rollout once it shows the new RS fully available
      await waitFor(
        'the watch to see the new ReplicaSet fully available and the old one at 0',
        async () => {
          const rss = [...rsState.values()];
          const newRS = rss.find((r) => r.spec.template.spec.containers[0].image === 'httpd');
          const oldRS = rss.find((r) => r.spec.template.spec.containers[0].image === 'nginx');
          return newRS?.status?.availableReplicas === 3 && oldRS?.spec.replicas === 0 && (oldRS.status?.replicas ?? 0) === 0;
        },
        { timeoutMs: 30_000, describe: describeState },
      );
    } finally {
      rsWatch.stop();
      podWatch.stop();
    }
    assert.deepEqual(violations, [], violations.join('\n'));
    assert.ok(rsWatch.events.some((e) => e.type === 'ADDED'), 'the watch never saw the new ReplicaSet');
    const row = table((await k(['get', 'deployments'])).stdout).find((r) => r.NAME === 'test1');
    assert.equal(row?.READY, '3/3');
    const live = (await pods()).filter((p) => !p.metadata.deletionTimestamp);
    assert.ok(live.every((p) => p.spec.containers[0].image === 'httpd'), 'pods still run the old image');
  });

  it('rollout history lists revisions 1 and 2', async () => {
    const out = (await k(['rollout', 'history', 'deployment', 'test1'])).stdout;
    assert.match(out, /deployment\.apps\/test1/);
    const revs = table(out.split('\n').slice(1).join('\n')).map((r) => r.REVISION);
    assert.deepEqual(revs, ['1', '2'], out);
    const rev2 = (await k(['rollout', 'history', 'deployment', 'test1', '--revision=2'])).stdout;
    assert.match(rev2, /Image:\s+httpd/);
  });

  it('rollout undo brings nginx back as revision 3', async () => {
    const r = await k(['rollout', 'undo', 'deployment', 'test1']);
    assert.match(r.stdout, /rolled back/);
    await k(['rollout', 'status', 'deployment/test1', '--timeout=90s']);
    const d = await kb.getJSON(['get', 'deployment', 'test1']);
    assert.equal(d.spec.template.spec.containers[0].image, 'nginx');
    assert.equal(d.metadata.annotations['deployment.kubernetes.io/revision'], '3');
    const out = (await k(['rollout', 'history', 'deployment', 'test1'])).stdout;
    const revs = table(out.split('\n').slice(1).join('\n')).map((row) => row.REVISION);
    assert.deepEqual(revs, ['2', '3'], out);
    // the nginx ReplicaSet was re-adopted, not duplicated
    const rss = await kb.items(['rs', '-l', 'app=test1']);
    assert.equal(rss.length, 2, rss.map((x) => x.metadata.name).join(' '));
    const nginxRS = rss.find((x) => x.spec.template.spec.containers[0].image === 'nginx');
    assert.equal(nginxRS.metadata.annotations['deployment.kubernetes.io/revision'], '3');
    assert.equal(nginxRS.metadata.annotations['deployment.kubernetes.io/revision-history'], '1');
  });

  it('scale down to 1', async () => {
    await k(['scale', 'deployment', 'test1', '--replicas=1']);
    await k(['rollout', 'status', 'deployment/test1', '--timeout=60s']);
    await waitFor('one test1 pod left', async () => (await pods()).length === 1, { describe: describeState });
    const row = table((await k(['get', 'deployments'])).stdout).find((r) => r.NAME === 'test1');
    assert.equal(row?.READY, '1/1');
  });

  it('delete deployment: its ReplicaSets and pods are garbage collected', async () => {
    const d = await kb.getJSON(['get', 'deployment', 'test1']);
    await k(['delete', 'deployment', 'test1']);
    await k(['get', 'deployment', 'test1', '--ignore-not-found']).then((r) => assert.equal(r.stdout.trim(), ''));
    await waitFor(
      'ReplicaSets and pods of test1 to be gone',
      async () => {
        const rss = (await kb.items(['rs'])).filter((r) => r.metadata.ownerReferences?.some((o: any) => o.uid === d.metadata.uid));
        const ps = await pods();
        return rss.length === 0 && ps.length === 0;
      },
      { timeoutMs: 60_000, describe: describeState },
    );
    // the service stays (nothing owns it); its endpoints empty out
    await waitFor('endpoints test1 to be empty', async () => {
      const ep = await kb.getJSON(['get', 'endpoints', 'test1']);
      return !(ep.subsets ?? []).some((s: any) => s.addresses?.length);
    });
  });
});
