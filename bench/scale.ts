/**
 * Scale benchmarks of issue 3, run in-process against the real store, registry and components:
 * - scheduler throughput: 1,000 Node objects (no kubelets, as upstream's scheduler_perf does) and
 *   10,000 pending pods; pods/s from first create to last binding, and the process RSS;
 * - a 1,000-replica Deployment on 100 simulated nodes: time until the rollout completes, then a
 *   rolling update of the same to completion.
 * Prints figures only. Standalone: `node --import tsx bench/scale.ts`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCodecs, createFieldManager } from '../server/apiserver/codecs.js';
import { InformerFactory } from '../server/client/factory.js';
import { LocalClient } from '../server/client/local.js';
import { R } from '../server/client/types.js';
import { GenericStore } from '../server/registry/generic.js';
import { builtinKinds } from '../server/registry/kinds/index.js';
import { Registry } from '../server/registry/registry.js';
import { Scheduler } from '../server/scheduler/scheduler.js';
import { openStore } from '../server/store/index.js';
import { startCluster } from '../server/cluster.js';
import { createServer } from 'node:net';

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MB`;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export async function benchScheduler(nodes = 1000, pods = 10000): Promise<Record<string, string>> {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-bench-sched-'));
  const kv = await openStore(join(dir, 'store'));
  const registry = new Registry(builtinKinds());
  const codecs = createCodecs(registry);
  const store = new GenericStore(kv, registry, createFieldManager(registry));
  const client = new LocalClient(registry, store, codecs, 'bench');
  try {
    await client.create(R.namespaces, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bench' } });
    const batch = async <T>(n: number, f: (i: number) => Promise<T>) => {
      for (let i = 0; i < n; i += 200) await Promise.all(Array.from({ length: Math.min(200, n - i) }, (_, j) => f(i + j)));
    };
    await batch(nodes, async (i) => {
      const node = await client.create(R.nodes, undefined, { apiVersion: 'v1', kind: 'Node', metadata: { name: `node-${i}`, labels: { 'kubernetes.io/hostname': `node-${i}` } } });
      await client.updateStatus(R.nodes, undefined, {
        ...node,
        status: { capacity: { cpu: '32', memory: '128Gi', pods: '110' }, allocatable: { cpu: '32', memory: '128Gi', pods: '110' }, conditions: [{ type: 'Ready', status: 'True' }] },
      });
    });
    // As scheduler_perf does: the pods exist first, then the scheduler starts and binds them all.
    const createStart = Date.now();
    let created = 0;
    await batch(pods, async (i) => {
      await client.create(R.pods, 'bench', {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: `pod-${i}` },
        spec: { containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.10', resources: { requests: { cpu: '100m', memory: '128Mi' } } }] },
      });
      created++;
    });
    const createSeconds = (Date.now() - createStart) / 1000;
    const informers = new InformerFactory(client.as('default-scheduler'));
    const scheduler = new Scheduler(client.as('default-scheduler'), informers);
    const start = Date.now();
    await informers.start();
    while (scheduler.bound < pods) await new Promise((r) => setTimeout(r, 20));
    const elapsed = (Date.now() - start) / 1000;
    const rss = process.memoryUsage().rss;
    scheduler.stop();
    informers.stop();
    return {
      'scheduler: nodes / pods': `${nodes} / ${created}`,
      'scheduler: throughput (start → all bound, binds included)': `${(pods / elapsed).toFixed(0)} pods/s (${elapsed.toFixed(1)} s)`,
      'scheduler: pod creation through the API beforehand': `${(pods / createSeconds).toFixed(0)} pods/s`,
      'scheduler: process RSS at that scale': mb(rss),
    };
  } finally {
    await kv.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchDeployment(nodes = 100, replicas = 1000): Promise<Record<string, string>> {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-bench-deploy-'));
  const cluster = await startCluster({ dataDir: dir, host: '127.0.0.1', port: await freePort(), nodes, runtime: 'simulated' });
  const out: Record<string, string> = {};
  try {
    // A second client over the same API, from this process: the cluster's own door is HTTPS, so
    // this benchmark measures controllers + kubelets through kubectl-free polling of status.
    const { request } = await import('node:https');
    const { readFileSync } = await import('node:fs');
    const tls = { ca: readFileSync(join(dir, 'pki/ca.crt')), cert: readFileSync(join(dir, 'pki/admin.crt')), key: readFileSync(join(dir, 'pki/admin.key')) };
    const call = (method: string, path: string, body?: unknown, type = 'application/json') =>
      new Promise<any>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port: cluster.port, method, path, ...tls, headers: { 'Content-Type': type } }, (res) => {
          let data = '';
          res.on('data', (d) => (data += d));
          res.on('end', () => resolve(JSON.parse(data)));
        });
        req.on('error', reject);
        if (body !== undefined) req.write(JSON.stringify(body));
        req.end();
      });
    const done = async (image: string) => {
      for (;;) {
        const d = await call('GET', '/apis/apps/v1/namespaces/default/deployments/big');
        const s = d.status ?? {};
        if ((d.metadata.generation ?? 0) <= (s.observedGeneration ?? 0) && s.updatedReplicas === replicas && s.replicas === replicas && s.availableReplicas === replicas && d.spec.template.spec.containers[0].image === image) return;
        await new Promise((r) => setTimeout(r, 200));
      }
    };
    let t = Date.now();
    await call('POST', '/apis/apps/v1/namespaces/default/deployments', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'big' },
      spec: { replicas, selector: { matchLabels: { app: 'big' } }, template: { metadata: { labels: { app: 'big' } }, spec: { containers: [{ name: 'c', image: 'nginx:1' }] } } },
    });
    await done('nginx:1');
    out[`deployment: ${replicas} replicas on ${nodes} nodes, create → rollout complete`] = `${((Date.now() - t) / 1000).toFixed(1)} s`;
    t = Date.now();
    await call('PATCH', '/apis/apps/v1/namespaces/default/deployments/big', { spec: { template: { spec: { containers: [{ name: 'c', image: 'nginx:2' }] } } } }, 'application/strategic-merge-patch+json');
    await done('nginx:2');
    out['deployment: rolling update of the same to completion'] = `${((Date.now() - t) / 1000).toFixed(1)} s`;
    out['deployment: process RSS after the update'] = mb(process.memoryUsage().rss);
  } finally {
    await cluster.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

if (/(?:bench-scale\.js|scale\.ts)$/.test(process.argv[1] ?? '')) {
  (async () => {
    for (const [k, v] of Object.entries(await benchScheduler())) console.log(`${k}: ${v}`);
    for (const [k, v] of Object.entries(await benchDeployment())) console.log(`${k}: ${v}`);
    process.exit(0);
  })();
}
