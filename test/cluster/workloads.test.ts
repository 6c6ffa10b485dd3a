/**
 * The workload controllers with the simulated kubelets on a 3-node cluster: the kubeadm-style
 * kube-system pods, DaemonSets, ordered StatefulSets, Jobs that complete and fail, CrashLoopBackOff,
 * namespace deletion, EndpointSlices and the default ServiceAccount.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { condition, deployment, isReady, kube, list, pod, table, waitFor, Watch } from './fixtures/util.js';

const WORKERS = ['skiff-worker', 'skiff-worker2'];
const NODES = ['skiff-control-plane', ...WORKERS];

function job(name: string, spec: Record<string, unknown>, annotations: Record<string, string>): any {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name },
    spec: {
      ...spec,
      template: {
        metadata: { annotations },
        spec: { restartPolicy: 'Never', containers: [{ name: 'work', image: 'busybox', command: ['sh', '-c', 'true'] }] },
      },
    },
  };
}

describe('workloads', { timeout: 240_000 }, () => {
  let c: TestCluster;
  const kb = kube(() => c);
  const { k } = kb;
  const describeAll = async (ns = 'default') => (await c.kubectl(['get', 'all', '-n', ns, '-o', 'wide'])).stdout;

  before(async () => {
    c = await startTestCluster(['--nodes', '3']);
  });
  after(async () => {
    await c?.stop();
    c?.cleanup();
  });

  it('kube-system runs the control-plane mirror pods and one kube-proxy per node', async () => {
    const pods = await waitFor(
      'kube-system pods to be Running',
      async () => {
        const ps = await kb.items(['pods', '-n', 'kube-system']);
        const proxies = ps.filter((p) => p.metadata.name.startsWith('kube-proxy-'));
        return proxies.length === 3 && ps.every((p) => p.status?.phase === 'Running') ? ps : undefined;
      },
      { describe: () => describeAll('kube-system') },
    );
    const names = pods.map((p) => p.metadata.name);
    for (const comp of ['kube-apiserver', 'etcd', 'kube-scheduler', 'kube-controller-manager']) {
      const name = `${comp}-skiff-control-plane`;
      assert.ok(names.includes(name), `no ${name} in ${names.join(' ')}`);
      const p = pods.find((x) => x.metadata.name === name);
      assert.equal(p.spec.nodeName, 'skiff-control-plane');
    }
    const proxies = pods.filter((p) => /^kube-proxy-[a-z0-9]{5}$/.test(p.metadata.name));
    assert.deepEqual(proxies.map((p) => p.spec.nodeName).sort(), NODES);
    const out = (await k(['get', 'pods', '-n', 'kube-system'])).stdout;
    assert.match(out, /kube-apiserver-skiff-control-plane\s+1\/1\s+Running/);
    assert.equal(table(out).filter((r) => r.NAME.startsWith('kube-proxy-') && r.STATUS === 'Running').length, 3, out);
  });

  it('kubectl logs answers for a started container and refuses one still waiting', async () => {
    await kb.apply(pod('logme'), pod('waits', { nodeSelector: { 'no-such-node': 'x' } }));
    await k(['wait', '--for=condition=Ready', 'pod/logme', '--timeout=60s']);
    const r = await k(['logs', 'logme']);
    assert.equal(r.stdout, '', 'simulated containers write nothing');
    const waiting = await kb.kFail(['logs', 'waits']);
    assert.match(waiting.stderr, /is waiting to start/);
    await k(['delete', 'pod', 'logme', 'waits', '--wait=false']);
  });

  it('kubectl get componentstatuses answers', async () => {
    const r = await k(['get', 'componentstatuses']);
    const rows = table(r.stdout);
    for (const name of ['scheduler', 'controller-manager', 'etcd-0']) {
      const row = rows.find((x) => x.NAME === name);
      assert.ok(row, `no ${name} in:\n${r.stdout}`);
      assert.equal(row.STATUS, 'Healthy');
    }
  });

  it('kubectl get componentstatuses prints the deprecation warning', async () => {
    // the API server's deprecated-API warning (KEP-1693), a `Warning: 299 - "..."` response header
    const r = await k(['get', 'componentstatuses']);
    assert.match(r.stderr, /^Warning: v1 ComponentStatus is deprecated in v1\.19\+$/m);
  });

  it('a DaemonSet runs one pod per worker (the control plane is tainted)', async () => {
    await kb.apply({
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'agent' },
      spec: {
        selector: { matchLabels: { app: 'agent' } },
        template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'agent', image: 'busybox', command: ['sleep', 'infinity'] }] } },
      },
    });
    await k(['rollout', 'status', 'daemonset/agent', '--timeout=60s']);
    const ps = (await kb.items(['pods', '-l', 'app=agent'])).filter((p) => !p.metadata.deletionTimestamp);
    assert.deepEqual(ps.map((p) => p.spec.nodeName).sort(), WORKERS);
    assert.ok(ps.every(isReady));
    const ds = await kb.getJSON(['get', 'ds', 'agent']);
    assert.equal(ds.status.desiredNumberScheduled, 2);
    assert.equal(ds.status.currentNumberScheduled, 2);
    assert.equal(ds.status.numberReady, 2);
    // the DaemonSet controller pins each pod with node affinity on metadata.name, and adds the
    // default NoExecute/NoSchedule tolerations (pkg/controller/daemon/util/daemonset_util.go)
    for (const p of ps) {
      const terms = p.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
      assert.deepEqual(terms, [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [p.spec.nodeName] }] }]);
      assert.ok(p.spec.tolerations?.some((t: any) => t.key === 'node.kubernetes.io/unreachable' && t.effect === 'NoExecute' && t.tolerationSeconds === undefined));
    }
    await k(['delete', 'ds', 'agent']);
  });

  it('a StatefulSet of 3 creates web-0, web-1, web-2 in order, each Ready before the next', async () => {
    const podsPath = '/api/v1/namespaces/default/pods?labelSelector=app%3Dweb';
    const listed = await list(c, podsPath);
    const state = new Map<string, any>();
    const order: string[] = [];
    const violations: string[] = [];
    const w = new Watch(c, `${podsPath}&resourceVersion=${listed.resourceVersion}`);
    w.on((e) => {
      const name = e.object?.metadata?.name;
      if (e.type === 'ADDED') {
        order.push(name);
        const m = /^web-(\d+)$/.exec(name);
        if (m && Number(m[1]) > 0) {
          const prev = state.get(`web-${Number(m[1]) - 1}`);
          if (!prev || !isReady(prev)) violations.push(`${name} created while web-${Number(m[1]) - 1} was ${prev ? `${prev.status?.phase}, Ready=${condition(prev, 'Ready')?.status}` : 'absent'}`);
        }
      }
      if (e.type === 'DELETED') state.delete(name);
      else state.set(name, e.object);
    });
    await w.ready;
    try {
      await kb.apply(
        { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { clusterIP: 'None', selector: { app: 'web' }, ports: [{ port: 80, name: 'web' }] } },
        {
          apiVersion: 'apps/v1',
          kind: 'StatefulSet',
          metadata: { name: 'web' },
          spec: {
            serviceName: 'web',
            replicas: 3,
            selector: { matchLabels: { app: 'web' } },
            template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx', ports: [{ containerPort: 80, name: 'web' }] }] } },
          },
        },
      );
      await k(['rollout', 'status', 'statefulset/web', '--timeout=90s']);
      await waitFor('the watch to see web-2 Ready', async () => isReady(state.get('web-2')));
    } finally {
      w.stop();
    }
    assert.deepEqual(order, ['web-0', 'web-1', 'web-2']);
    assert.deepEqual(violations, []);
    const ps = await kb.items(['pods', '-l', 'app=web']);
    const byName = new Map(ps.map((p) => [p.metadata.name, p]));
    for (let i = 0; i < 3; i++) {
      const p = byName.get(`web-${i}`);
      assert.ok(p, `no web-${i}`);
      assert.equal(p.metadata.labels['statefulset.kubernetes.io/pod-name'], `web-${i}`);
      assert.equal(p.metadata.labels['apps.kubernetes.io/pod-index'], String(i));
      assert.ok(p.metadata.ownerReferences?.some((o: any) => o.kind === 'StatefulSet' && o.name === 'web' && o.controller));
    }
    for (let i = 1; i < 3; i++) {
      const prevReady = Date.parse(condition(byName.get(`web-${i - 1}`), 'Ready').lastTransitionTime);
      const created = Date.parse(byName.get(`web-${i}`).metadata.creationTimestamp);
      assert.ok(created >= prevReady, `web-${i} created ${byName.get(`web-${i}`).metadata.creationTimestamp} before web-${i - 1} was Ready`);
    }
    const sts = await kb.getJSON(['get', 'sts', 'web']);
    assert.equal(sts.status.readyReplicas, 3);
    assert.equal(sts.status.availableReplicas, 3);
    await k(['delete', 'sts', 'web']);
    await k(['delete', 'svc', 'web']);
  });

  it('a Job with completions 3 and parallelism 1 completes, one pod at a time', async () => {
    await kb.apply(job('count', { completions: 3, parallelism: 1 }, { 'sim.skiff.dev/exit-code': '0', 'sim.skiff.dev/exit-after': '1s' }));
    await k(['wait', '--for=condition=complete', 'job/count', '--timeout=90s']);
    const j = await kb.getJSON(['get', 'job', 'count']);
    assert.equal(j.status.succeeded, 3);
    assert.equal(j.status.failed ?? 0, 0);
    assert.ok(j.status.completionTime, 'no completionTime');
    const row = table((await k(['get', 'job', 'count'])).stdout)[0];
    assert.equal(row.STATUS, 'Complete');
    assert.equal(row.COMPLETIONS, '3/3');
    const ps = (await kb.items(['pods', '-l', 'job-name=count'])).filter((p) => p.status.phase === 'Succeeded');
    assert.equal(ps.length, 3);
    const runs = ps
      .map((p) => p.status.containerStatuses[0].state.terminated)
      .map((t: any) => ({ start: Date.parse(t.startedAt), end: Date.parse(t.finishedAt) }))
      .sort((a: any, b: any) => a.start - b.start);
    for (let i = 1; i < runs.length; i++) assert.ok(runs[i].start >= runs[i - 1].end, `pods overlapped: ${JSON.stringify(runs)}`);
    for (const p of ps) {
      assert.equal(p.metadata.labels['batch.kubernetes.io/job-name'], 'count');
      assert.ok(p.metadata.ownerReferences?.some((o: any) => o.kind === 'Job' && o.name === 'count' && o.controller));
    }
  });

  it('a Job whose pods exit 1 fails once backoffLimit 1 is exceeded', async () => {
    await kb.apply(job('doomed', { backoffLimit: 1 }, { 'sim.skiff.dev/exit-code': '1', 'sim.skiff.dev/exit-after': '500ms' }));
    await k(['wait', '--for=condition=failed', 'job/doomed', '--timeout=120s']);
    const j = await kb.getJSON(['get', 'job', 'doomed']);
    const failed = condition(j, 'Failed');
    assert.equal(failed.status, 'True');
    assert.equal(failed.reason, 'BackoffLimitExceeded');
    assert.equal(failed.message, 'Job has reached the specified backoff limit');
    assert.equal(j.status.failed, 2);
    assert.equal(j.status.active ?? 0, 0);
    const row = table((await k(['get', 'job', 'doomed'])).stdout)[0];
    assert.equal(row.STATUS, 'Failed');
    const ps = await kb.items(['pods', '-l', 'job-name=doomed']);
    assert.equal(ps.filter((p) => p.status.phase === 'Failed').length, 2);
  });

  it('a pod that keeps exiting 1 goes into CrashLoopBackOff with restarts', async () => {
    await kb.apply({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'crasher', annotations: { 'sim.skiff.dev/exit-code': '1', 'sim.skiff.dev/exit-after': '1s' } },
      spec: { containers: [{ name: 'app', image: 'busybox', command: ['false'] }] },
    });
    const row = await waitFor(
      'crasher to show CrashLoopBackOff/Error with restarts',
      async () => {
        const r = table((await k(['get', 'pod', 'crasher'])).stdout)[0];
        return ['CrashLoopBackOff', 'Error'].includes(r.STATUS) && parseInt(r.RESTARTS, 10) >= 1 ? r : undefined;
      },
      { timeoutMs: 60_000, describe: async () => (await c.kubectl(['get', 'pod', 'crasher', '-o', 'yaml'])).stdout },
    );
    assert.match(row.RESTARTS, /^\d+ \(\d+s ago\)$/);
    assert.equal(row.READY, '0/1');
    const p = await kb.getJSON(['get', 'pod', 'crasher']);
    const cs = p.status.containerStatuses[0];
    assert.ok(cs.restartCount >= 1);
    assert.equal(cs.lastState.terminated.exitCode, 1);
    assert.equal(cs.lastState.terminated.reason, 'Error');
    await waitFor('a BackOff event for crasher', async () =>
      (await kb.items(['events', '--field-selector', 'involvedObject.name=crasher'])).some((e) => e.reason === 'BackOff' && /Back-off restarting failed container app/.test(e.message)),
    );
    await k(['delete', 'pod', 'crasher', '--wait=true']);
  });

  it('a new namespace gets the default ServiceAccount and kube-root-ca.crt', async () => {
    await k(['create', 'namespace', 'fresh']);
    await waitFor('default ServiceAccount in fresh', async () => (await c.kubectl(['get', 'serviceaccount', 'default', '-n', 'fresh'])).code === 0);
    await waitFor('kube-root-ca.crt in fresh', async () => (await c.kubectl(['get', 'configmap', 'kube-root-ca.crt', '-n', 'fresh'])).code === 0);
    const cm = await kb.getJSON(['get', 'configmap', 'kube-root-ca.crt', '-n', 'fresh']);
    assert.match(cm.data['ca.crt'], /^-----BEGIN CERTIFICATE-----/);
  });

  it('a Service gets an EndpointSlice listing its ready pods', async () => {
    await kb.apply(deployment('ep', 2), {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'ep' },
      spec: { selector: { app: 'ep' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
    });
    await k(['rollout', 'status', 'deployment/ep', '--timeout=60s']);
    const ps = (await kb.items(['pods', '-l', 'app=ep'])).filter((p) => !p.metadata.deletionTimestamp);
    const ips = ps.map((p) => p.status.podIP).sort();
    const slice = await waitFor(
      'an EndpointSlice for ep with 2 ready endpoints',
      async () => {
        const slices = await kb.items(['endpointslices', '-l', 'kubernetes.io/service-name=ep']);
        const s = slices[0];
        const ready = (s?.endpoints ?? []).filter((e: any) => e.conditions?.ready === true);
        return slices.length === 1 && ready.length === 2 ? s : undefined;
      },
      { describe: async () => (await c.kubectl(['get', 'endpointslices', '-o', 'yaml'])).stdout },
    );
    assert.equal(slice.addressType, 'IPv4');
    assert.equal(slice.metadata.labels['endpointslice.kubernetes.io/managed-by'], 'endpointslice-controller.k8s.io');
    assert.match(slice.metadata.name, /^ep-[a-z0-9]{5}$/);
    assert.ok(slice.metadata.ownerReferences?.some((o: any) => o.kind === 'Service' && o.name === 'ep' && o.controller));
    assert.deepEqual(slice.ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
    assert.deepEqual(slice.endpoints.map((e: any) => e.addresses[0]).sort(), ips);
    for (const e of slice.endpoints) {
      assert.equal(e.conditions.serving, true);
      assert.equal(e.conditions.terminating, false);
      assert.equal(e.targetRef.kind, 'Pod');
      assert.ok(WORKERS.includes(e.nodeName), `endpoint nodeName ${e.nodeName}`);
    }
    const out = (await k(['get', 'endpointslices', '-l', 'kubernetes.io/service-name=ep'])).stdout;
    assert.match(out, /ep-[a-z0-9]{5}\s+IPv4\s+8080\s+10\.244\./);
  });

  it('deleting a namespace removes its content, then the namespace', async () => {
    await k(['create', 'namespace', 'doomed']);
    await waitFor('default ServiceAccount in doomed', async () => (await c.kubectl(['get', 'serviceaccount', 'default', '-n', 'doomed'])).code === 0);
    await k(['-n', 'doomed', 'create', 'deployment', 'inner', '--image=nginx', '--replicas=2']);
    await k(['-n', 'doomed', 'create', 'configmap', 'settings', '--from-literal=a=b']);
    await k(['-n', 'doomed', 'expose', 'deployment', 'inner', '--port=80']);
    await k(['-n', 'doomed', 'rollout', 'status', 'deployment/inner', '--timeout=60s']);
    const r = await k(['delete', 'namespace', 'doomed', '--timeout=120s']);
    assert.match(r.stdout, /namespace "doomed" deleted/);
    const ns = await c.kubectl(['get', 'namespace', 'doomed']);
    assert.notEqual(ns.code, 0);
    assert.match(ns.stderr, /namespaces "doomed" not found/);
    for (const kind of ['pods', 'deployments', 'replicasets', 'services', 'configmaps', 'serviceaccounts', 'endpointslices']) {
      const left = await kb.items([kind, '-n', 'doomed']);
      assert.deepEqual(left.map((x) => x.metadata.name), [], `${kind} left in doomed`);
    }
  });
});
