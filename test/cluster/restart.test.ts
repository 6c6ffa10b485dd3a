/**
 * A clean restart of the cluster process with workloads running: the pods keep their names, uids,
 * nodes and IPs, stay Running, and the controllers, once they have caught up, create nothing new.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { condition, deployment, isReady, kube, list, waitFor, Watch } from './fixtures/util.js';

interface PodRecord {
  name: string;
  uid: string;
  node: string;
  ip: string;
  restarts: number;
  /** the container's state.running.startedAt: a restart of the cluster process restarts no container */
  startedAt: string;
}

describe('restart with running workloads', { timeout: 180_000 }, () => {
  let c: TestCluster;
  const kb = kube(() => c);
  const { k } = kb;
  let recorded: PodRecord[] = [];
  let rsBefore: any[] = [];
  const describeAll = async () => (await c.kubectl(['get', 'deploy,rs,pods', '-o', 'wide'])).stdout;

  const snapshot = async (): Promise<PodRecord[]> =>
    (await kb.items(['pods', '-l', 'app=steady']))
      .map((p) => ({ name: p.metadata.name, uid: p.metadata.uid, node: p.spec.nodeName, ip: p.status?.podIP, restarts: p.status?.containerStatuses?.[0]?.restartCount, startedAt: p.status?.containerStatuses?.[0]?.state?.running?.startedAt }))
      .sort((a, b) => a.name.localeCompare(b.name));

  before(async () => {
    c = await startTestCluster(['--nodes', '3']);
  });
  after(async () => {
    await c?.stop();
    c?.cleanup();
  });

  it('a 3-replica deployment becomes Ready', async () => {
    await kb.apply(deployment('steady', 3));
    await k(['rollout', 'status', 'deployment/steady', '--timeout=60s']);
    await waitFor('3 Ready steady pods', async () => {
      const ps = await kb.items(['pods', '-l', 'app=steady']);
      return ps.length === 3 && ps.every(isReady);
    });
    recorded = await snapshot();
    rsBefore = await kb.items(['rs', '-l', 'app=steady']);
    assert.equal(recorded.length, 3);
    assert.equal(rsBefore.length, 1);
    for (const p of recorded) {
      assert.match(p.ip, /^10\.244\.\d+\.\d+$/);
      assert.ok(['skiff-worker', 'skiff-worker2'].includes(p.node), `${p.name} on ${p.node}`);
    }
  });

  it('after stop and start the same pods run, and the controllers add none', async () => {
    assert.equal(recorded.length, 3, 'the previous test did not record the pods');
    await c.stop();
    await c.start();

    // Everything that happens to steady's pods from here on.
    const podsPath = '/api/v1/namespaces/default/pods?labelSelector=app%3Dsteady';
    const listed = await list(c, podsPath);
    const w = new Watch(c, `${podsPath}&resourceVersion=${listed.resourceVersion}`);
    await w.ready;
    try {
      // A barrier: the controllers work their queues in order, so once a deployment created after
      // the restart has rolled out, they have had their look at steady too.
      await kb.apply(deployment('probe', 1));
      await k(['rollout', 'status', 'deployment/probe', '--timeout=60s']);
      await k(['rollout', 'status', 'deployment/steady', '--timeout=60s']);
      await waitFor('steady pods to be Ready after the restart', async () => {
        const ps = await kb.items(['pods', '-l', 'app=steady']);
        return ps.length === 3 && ps.every(isReady);
      }, { describe: describeAll });
    } finally {
      w.stop();
    }
    const changes = w.events.filter((e) => e.type === 'ADDED' || e.type === 'DELETED').map((e) => `${e.type} ${e.object.metadata.name} uid=${e.object.metadata.uid} rv=${e.object.metadata.resourceVersion}`);
    assert.deepEqual(changes, [], `steady pods were created or deleted after the restart (list rv ${listed.resourceVersion}; before: ${JSON.stringify(recorded)})`);
    const deleting = w.events.filter((e) => e.object?.metadata?.deletionTimestamp).map((e) => e.object.metadata.name);
    assert.deepEqual(deleting, [], 'steady pods were marked for deletion after the restart');

    const after = await snapshot();
    assert.deepEqual(after, recorded);
    const ps = await kb.items(['pods', '-l', 'app=steady']);
    for (const p of ps) {
      assert.equal(p.status.phase, 'Running');
      assert.equal(condition(p, 'Ready').status, 'True');
      assert.ok(p.status.containerStatuses[0].state.running, `${p.metadata.name}: ${JSON.stringify(p.status.containerStatuses[0].state)}`);
    }
    const rsAfter = await kb.items(['rs', '-l', 'app=steady']);
    assert.deepEqual(rsAfter.map((r) => r.metadata.uid), rsBefore.map((r) => r.metadata.uid));
    const d = await kb.getJSON(['get', 'deployment', 'steady']);
    assert.equal(d.status.readyReplicas, 3);
    assert.equal(d.status.availableReplicas, 3);
    assert.equal(d.status.updatedReplicas, 3);
    assert.equal(d.status.replicas, 3);
    assert.equal(d.metadata.annotations['deployment.kubernetes.io/revision'], '1');
    const row = (await k(['get', 'deployment', 'steady'])).stdout;
    assert.match(row, /steady\s+3\/3\s+3\s+3/);
  });

  it('the restarted cluster still schedules, runs and scales', async () => {
    await k(['scale', 'deployment', 'steady', '--replicas=4']);
    await k(['rollout', 'status', 'deployment/steady', '--timeout=60s']);
    const now = await snapshot();
    assert.equal(now.length, 4);
    // the three survivors are untouched; the new pod got an IP no survivor holds
    for (const r of recorded) assert.deepEqual(now.find((p) => p.name === r.name), r);
    const fresh = now.find((p) => !recorded.some((r) => r.name === p.name))!;
    assert.ok(!recorded.some((r) => r.ip === fresh.ip), `new pod reuses IP ${fresh.ip}`);
  });
});
