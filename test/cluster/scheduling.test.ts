/**
 * Scheduling on a 3-node cluster (a tainted control plane and two workers): resources, taints and
 * tolerations, node affinity, pod anti-affinity, cordon, extended resources, and a node whose
 * kubelet stops heartbeating (NotReady, unreachable taints, taint-based eviction).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { condition, deployment, isReady, kube, pod, waitFor } from './fixtures/util.js';

// The node lifecycle grace period, shortened (inherited by the cluster process). It must stay
// above the kubelets' lease renew interval (10 s, a quarter of the 40 s lease, as upstream) or
// healthy nodes flap to NotReady between renewals.
const GRACE_SECONDS = 15;
process.env.SKIFF_NODE_MONITOR_GRACE_PERIOD = String(GRACE_SECONDS);

const CP_TAINT = 'node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }';
const DONGLE = 'example.com/dongle';

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('scheduling', { timeout: 240_000 }, () => {
  let c: TestCluster;
  const kb = kube(() => c);
  const { k } = kb;
  const getPod = (name: string) => kb.getJSON(['get', 'pod', name]);
  const describeAll = async () => (await c.kubectl(['get', 'pods,nodes', '-o', 'wide'])).stdout;

  /** Waits for PodScheduled=False (reason Unschedulable) and returns its message. */
  async function unschedulable(name: string): Promise<string> {
    const cond = await waitFor(
      `pod ${name} to be marked unschedulable`,
      async () => {
        const p = await getPod(name);
        const cnd = condition(p, 'PodScheduled');
        assert.equal(p.spec.nodeName, undefined, `pod ${name} was bound to ${p.spec.nodeName}`);
        return cnd?.status === 'False' ? cnd : undefined;
      },
      { describe: describeAll },
    );
    assert.equal(cond.reason, 'Unschedulable');
    const p = await getPod(name);
    assert.equal(p.status.phase, 'Pending');
    return cond.message;
  }

  async function scheduledOn(name: string, timeoutMs = 30_000): Promise<string> {
    return waitFor(
      `pod ${name} to be scheduled and Ready`,
      async () => {
        const p = await getPod(name);
        return isReady(p) ? (p.spec.nodeName as string) : undefined;
      },
      { timeoutMs, describe: async () => JSON.stringify((await getPod(name)).status, null, 1) },
    );
  }

  async function failedSchedulingEvent(name: string, re: RegExp): Promise<any> {
    return waitFor(
      `a FailedScheduling event for ${name} matching ${re}`,
      async () => {
        const evs = await kb.items(['events', '--field-selector', `involvedObject.name=${name},reason=FailedScheduling`]);
        return evs.find((e) => re.test(e.message));
      },
      { describe: async () => (await c.kubectl(['get', 'events', '--field-selector', `involvedObject.name=${name}`])).stdout },
    );
  }

  before(async () => {
    c = await startTestCluster(['--nodes', '3']);
  });
  after(async () => {
    await c?.stop();
    c?.cleanup();
  });

  it('the control plane is tainted NoSchedule, the workers are not', async () => {
    const cp = await kb.getJSON(['get', 'node', 'skiff-control-plane']);
    assert.deepEqual(cp.spec.taints, [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }]);
    for (const w of ['skiff-worker', 'skiff-worker2']) {
      const n = await kb.getJSON(['get', 'node', w]);
      assert.equal(n.spec.taints, undefined, `${w} taints ${JSON.stringify(n.spec.taints)}`);
      assert.equal(n.status.allocatable.cpu, '4');
      assert.equal(n.status.allocatable.memory, '8Gi');
      assert.equal(n.status.allocatable.pods, '110');
    }
  });

  it('a pod requesting more cpu than any node has stays Pending with a FailedScheduling event', async () => {
    await kb.apply(pod('big', { containers: [{ name: 'app', image: 'nginx', resources: { requests: { cpu: '100' } } }] }));
    const message = await unschedulable('big');
    const expected = new RegExp(`^0/3 nodes are available: 1 ${esc(CP_TAINT)}, 2 Insufficient cpu\\.`);
    assert.match(message, expected);
    await failedSchedulingEvent('big', expected);
    const out = (await k(['get', 'pod', 'big'])).stdout;
    assert.match(out, /big\s+0\/1\s+Pending\s+0/);
    await k(['delete', 'pod', 'big', '--wait=true']);
  });

  it('a taint keeps pods off a node; a toleration lets them on; untainting frees the waiting pod', async () => {
    await k(['taint', 'nodes', 'skiff-worker', 'dedicated=x:NoSchedule']);
    const n = await kb.getJSON(['get', 'node', 'skiff-worker']);
    assert.deepEqual(n.spec.taints, [{ key: 'dedicated', value: 'x', effect: 'NoSchedule' }]);
    await kb.apply(pod('pinned', { nodeSelector: { 'kubernetes.io/hostname': 'skiff-worker' } }));
    await unschedulable('pinned');
    await kb.apply(
      pod('tolerant', {
        nodeSelector: { 'kubernetes.io/hostname': 'skiff-worker' },
        tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'x', effect: 'NoSchedule' }],
      }),
    );
    assert.equal(await scheduledOn('tolerant'), 'skiff-worker');
    // still pending: the toleration of another pod changes nothing for it
    assert.equal((await getPod('pinned')).spec.nodeName, undefined);
    await k(['taint', 'nodes', 'skiff-worker', 'dedicated=x:NoSchedule-']);
    assert.equal(await scheduledOn('pinned'), 'skiff-worker');
    await k(['delete', 'pod', 'pinned', 'tolerant', '--wait=true']);
  });

  it('FailedScheduling counts each node under the first filter that rejects it, in kube-scheduler plugin order', async () => {
    // Upstream filter order (pkg/scheduler/apis/config/v1/default_plugins.go): NodeUnschedulable,
    // NodeName, TaintToleration, NodeAffinity, ... and a node stops at its first failing filter
    // (pkg/scheduler/framework/runtime/framework.go RunFilterPlugins). So the control plane counts
    // under its taint, skiff-worker under its taint, skiff-worker2 under the node selector.
    await k(['taint', 'nodes', 'skiff-worker', 'dedicated=x:NoSchedule']);
    try {
      await kb.apply(pod('pinned2', { nodeSelector: { 'kubernetes.io/hostname': 'skiff-worker' } }));
      const message = await unschedulable('pinned2');
      assert.match(
        message,
        new RegExp(`^0/3 nodes are available: 1 node\\(s\\) didn't match Pod's node affinity/selector, 1 node\\(s\\) had untolerated taint \\{dedicated: x\\}, 1 ${esc(CP_TAINT)}\\.`),
      );
    } finally {
      await k(['taint', 'nodes', 'skiff-worker', 'dedicated=x:NoSchedule-']);
      await k(['delete', 'pod', 'pinned2', '--ignore-not-found', '--wait=true']);
    }
  });

  it('required node affinity picks skiff-worker2', async () => {
    const affinity = {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['skiff-worker2'] }] }],
        },
      },
    };
    await kb.apply(pod('affine-a', { affinity }), pod('affine-b', { affinity }));
    assert.equal(await scheduledOn('affine-a'), 'skiff-worker2');
    assert.equal(await scheduledOn('affine-b'), 'skiff-worker2');
    // a value no node has: unschedulable
    await kb.apply(
      pod('affine-none', {
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['no-such-node'] }] }],
            },
          },
        },
      }),
    );
    const message = await unschedulable('affine-none');
    assert.match(message, /^0\/3 nodes are available: /);
    assert.match(message, /node\(s\) didn't match Pod's node affinity\/selector/);
    await k(['delete', 'pod', 'affine-a', 'affine-b', 'affine-none', '--wait=true']);
  });

  it('required pod anti-affinity spreads replicas over nodes; a third stays Pending', async () => {
    const antiAffinity = {
      podAntiAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'spread' } }, topologyKey: 'kubernetes.io/hostname' }],
      },
    };
    await kb.apply(deployment('spread', 2, { affinity: antiAffinity }));
    await k(['rollout', 'status', 'deployment/spread', '--timeout=60s']);
    const ps = (await kb.items(['pods', '-l', 'app=spread'])).filter((p) => !p.metadata.deletionTimestamp);
    assert.equal(ps.length, 2);
    assert.deepEqual(ps.map((p) => p.spec.nodeName).sort(), ['skiff-worker', 'skiff-worker2']);
    await k(['scale', 'deployment', 'spread', '--replicas=3']);
    const pending = await waitFor('a third spread pod', async () => (await kb.items(['pods', '-l', 'app=spread'])).find((p) => !p.spec.nodeName));
    const message = await unschedulable(pending.metadata.name);
    assert.match(message, new RegExp(`^0/3 nodes are available: 1 ${esc(CP_TAINT)}, 2 node\\(s\\) didn't match pod anti-affinity rules\\.`));
    const d = await kb.getJSON(['get', 'deployment', 'spread']);
    assert.equal(d.status.readyReplicas, 2);
    await k(['delete', 'deployment', 'spread']);
    await waitFor('spread pods to be gone', async () => (await kb.items(['pods', '-l', 'app=spread'])).length === 0);
  });

  it('a cordoned node takes no new pods; uncordon makes it schedulable again', async () => {
    await k(['cordon', 'skiff-worker']);
    try {
      const n = await kb.getJSON(['get', 'node', 'skiff-worker']);
      assert.equal(n.spec.unschedulable, true);
      const row = (await k(['get', 'node', 'skiff-worker'])).stdout;
      assert.match(row, /skiff-worker\s+Ready,SchedulingDisabled/);
      await kb.apply(deployment('cordoned', 3));
      await k(['rollout', 'status', 'deployment/cordoned', '--timeout=60s']);
      const ps = (await kb.items(['pods', '-l', 'app=cordoned'])).filter((p) => !p.metadata.deletionTimestamp);
      assert.deepEqual([...new Set(ps.map((p) => p.spec.nodeName))], ['skiff-worker2']);
      await kb.apply(pod('wants-cordoned', { nodeSelector: { 'kubernetes.io/hostname': 'skiff-worker' } }));
      const message = await unschedulable('wants-cordoned');
      assert.match(message, /1 node\(s\) were unschedulable/);
    } finally {
      await k(['uncordon', 'skiff-worker']);
    }
    const n = await kb.getJSON(['get', 'node', 'skiff-worker']);
    assert.equal(n.spec.unschedulable, undefined);
    assert.equal(await scheduledOn('wants-cordoned'), 'skiff-worker');
    await k(['delete', 'deployment', 'cordoned']);
    await k(['delete', 'pod', 'wants-cordoned', '--wait=true']);
  });

  it('cordon adds the node.kubernetes.io/unschedulable:NoSchedule taint, uncordon removes it', async () => {
    // pkg/controller/nodelifecycle/node_lifecycle_controller.go doNoScheduleTaintingPass
    await k(['cordon', 'skiff-worker']);
    try {
      await waitFor(
        'the unschedulable taint on skiff-worker',
        async () => (await kb.getJSON(['get', 'node', 'skiff-worker'])).spec.taints?.some((t: any) => t.key === 'node.kubernetes.io/unschedulable' && t.effect === 'NoSchedule'),
        { timeoutMs: 20_000, describe: async () => JSON.stringify((await kb.getJSON(['get', 'node', 'skiff-worker'])).spec) },
      );
    } finally {
      await k(['uncordon', 'skiff-worker']);
    }
    await waitFor('the unschedulable taint to go', async () => !(await kb.getJSON(['get', 'node', 'skiff-worker'])).spec.taints?.some((t: any) => t.key === 'node.kubernetes.io/unschedulable'), {
      timeoutMs: 20_000,
    });
  });

  let refreshed: Promise<any> | undefined;

  it('extended resources advertised on a node are scheduled against', async () => {
    // As in https://kubernetes.io/docs/tasks/administer-cluster/extended-resource-node/ (plus
    // allocatable, which the upstream kubelet derives from capacity on its next status update).
    const before = await kb.getJSON(['get', 'node', 'skiff-worker']);
    const hb0 = condition(before, 'Ready').lastHeartbeatTime;
    const path = DONGLE.replace('/', '~1');
    await k([
      'patch', 'node', 'skiff-worker', '--subresource=status', '--type=json',
      '-p', JSON.stringify([
        { op: 'add', path: `/status/capacity/${path}`, value: '4' },
        { op: 'add', path: `/status/allocatable/${path}`, value: '4' },
      ]),
    ]);
    const n = await kb.getJSON(['get', 'node', 'skiff-worker']);
    assert.equal(n.status.capacity[DONGLE], '4');
    // Watch in the background for the kubelet's next status post; a later test checks it.
    refreshed = waitFor(
      "skiff-worker's kubelet to post its status again",
      async () => {
        const node = await kb.getJSON(['get', 'node', 'skiff-worker']);
        return condition(node, 'Ready').lastHeartbeatTime !== hb0 ? node : undefined;
      },
      { timeoutMs: 150_000, intervalMs: 1000 },
    ).catch((e) => e);
    const dongles = (n: string) => ({ containers: [{ name: 'app', image: 'nginx', resources: { requests: { [DONGLE]: n }, limits: { [DONGLE]: n } } }] });
    await kb.apply(pod('dongle-a', dongles('3')));
    assert.equal(await scheduledOn('dongle-a'), 'skiff-worker');
    await kb.apply(pod('dongle-b', dongles('3')));
    const message = await unschedulable('dongle-b');
    assert.match(message, new RegExp(`^0/3 nodes are available: 1 ${esc(CP_TAINT)}, 2 Insufficient ${esc(DONGLE)}\\.`));
    await k(['delete', 'pod', 'dongle-a', '--wait=true']);
    assert.equal(await scheduledOn('dongle-b'), 'skiff-worker');
    await k(['delete', 'pod', 'dongle-b', '--wait=true']);
  });

  it("the kubelet's status updates keep the extended resource advertised on its node", async () => {
    // pkg/kubelet/nodestatus/setters.go MachineInfo sets the resources it knows and copies every
    // capacity entry (extended resources too) into allocatable; it does not drop them.
    assert.ok(refreshed, 'the extended resources test did not run');
    const node = await refreshed;
    if (node instanceof Error) throw node;
    assert.equal(node.status.capacity[DONGLE], '4', `capacity after the kubelet's status update: ${JSON.stringify(node.status.capacity)}`);
    assert.equal(node.status.allocatable[DONGLE], '4', `allocatable after the kubelet's status update: ${JSON.stringify(node.status.allocatable)}`);
  });

  it('a node that stops heartbeating turns NotReady, is tainted unreachable, and pods are evicted per tolerationSeconds', async (t) => {
    const node = 'skiff-worker2';
    const on = { nodeSelector: { 'kubernetes.io/hostname': node } };
    const unreachable = (seconds?: number) => ({ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', ...(seconds === undefined ? {} : { tolerationSeconds: seconds }) });
    await kb.apply(
      pod('evict-fast', { ...on, tolerations: [unreachable(5)] }),
      pod('evict-never', { ...on, tolerations: [unreachable()] }),
      pod('evict-default', on),
    );
    for (const p of ['evict-fast', 'evict-never', 'evict-default']) assert.equal(await scheduledOn(p), node);
    // DefaultTolerationSeconds admission gives the plain pod 300 s for not-ready and unreachable
    const plain = await getPod('evict-default');
    for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
      assert.ok(
        plain.spec.tolerations?.some((x: any) => x.key === key && x.operator === 'Exists' && x.effect === 'NoExecute' && x.tolerationSeconds === 300),
        `evict-default lacks the default ${key} toleration: ${JSON.stringify(plain.spec.tolerations)}`,
      );
    }

    const started = Date.now();
    await k(['annotate', 'node', node, 'sim.skiff.dev/heartbeat=stopped']);
    const notReady = await waitFor(
      `${node} to turn Ready=Unknown`,
      async () => {
        const n = await kb.getJSON(['get', 'node', node]);
        const ready = condition(n, 'Ready');
        return ready?.status === 'Unknown' ? ready : undefined;
      },
      { timeoutMs: 150_000, intervalMs: 1000 },
    );
    const elapsed = Math.round((Date.now() - started) / 1000);
    t.diagnostic(`${node} turned NotReady ${elapsed}s after its heartbeat stopped (SKIFF_NODE_MONITOR_GRACE_PERIOD=${GRACE_SECONDS}; the default grace is 50s)`);
    assert.equal(notReady.reason, 'NodeStatusUnknown');
    assert.equal(notReady.message, 'Kubelet stopped posting node status.');
    const row = (await k(['get', 'node', node])).stdout;
    assert.match(row, new RegExp(`${node}\\s+NotReady`));

    const taints = await waitFor(
      `${node} to get the unreachable taints`,
      async () => {
        const ts: any[] = (await kb.getJSON(['get', 'node', node])).spec.taints ?? [];
        return ts.some((x) => x.key === 'node.kubernetes.io/unreachable' && x.effect === 'NoExecute') && ts.some((x) => x.key === 'node.kubernetes.io/unreachable' && x.effect === 'NoSchedule') ? ts : undefined;
      },
      { timeoutMs: 30_000 },
    );
    assert.ok(taints.find((x) => x.effect === 'NoExecute').timeAdded, 'the NoExecute taint has no timeAdded');

    await waitFor(
      'evict-fast to be evicted',
      async () => {
        const r = await c.kubectl(['get', 'pod', 'evict-fast', '-o', 'json', '--ignore-not-found']);
        if (r.code !== 0) return undefined;
        return r.stdout.trim() === '' || !!JSON.parse(r.stdout).metadata.deletionTimestamp;
      },
      { timeoutMs: 60_000 },
    );
    const ev = await waitFor('a TaintManagerEviction event for evict-fast', async () =>
      (await kb.items(['events', '--field-selector', 'involvedObject.name=evict-fast'])).find((e) => e.reason === 'TaintManagerEviction'),
    );
    assert.match(ev.message, /Marking for deletion Pod default\/evict-fast/);
    // the pods tolerating longer (300 s) or forever are left alone
    for (const name of ['evict-never', 'evict-default']) {
      const p = await getPod(name);
      assert.equal(p.metadata.deletionTimestamp, undefined, `${name} was evicted`);
    }
    // new pods avoid the unreachable node
    await kb.apply(pod('after-outage'));
    assert.equal(await scheduledOn('after-outage'), 'skiff-worker');
    // the nodes that kept heartbeating stayed Ready and untainted all along
    for (const healthy of ['skiff-control-plane', 'skiff-worker']) {
      const n = await kb.getJSON(['get', 'node', healthy]);
      assert.equal(condition(n, 'Ready').status, 'True', `${healthy} is not Ready`);
      assert.ok(!(n.spec.taints ?? []).some((x: any) => x.key.startsWith('node.kubernetes.io/')), `${healthy} taints: ${JSON.stringify(n.spec.taints)}`);
    }
  });

  it('a node whose heartbeat resumes turns Ready again and loses the unreachable taints', async (t) => {
    const node = 'skiff-worker2';
    const started = Date.now();
    await k(['annotate', 'node', node, 'sim.skiff.dev/heartbeat-']);
    await waitFor(
      `${node} to be Ready and untainted`,
      async () => {
        const n = await kb.getJSON(['get', 'node', node]);
        return condition(n, 'Ready')?.status === 'True' && !(n.spec.taints ?? []).some((x: any) => x.key === 'node.kubernetes.io/unreachable');
      },
      { timeoutMs: 120_000, intervalMs: 1000, describe: async () => JSON.stringify((await kb.getJSON(['get', 'node', node])).spec) },
    );
    t.diagnostic(`${node} was Ready and untainted ${Math.round((Date.now() - started) / 1000)}s after its heartbeat resumed`);
    // the pods that tolerated the outage are still there and running
    for (const name of ['evict-never', 'evict-default']) assert.ok(isReady(await getPod(name)), `${name} is not Ready`);
  });
});
