/**
 * One cluster process: store, PKI, API server, and the control-plane loops that live beside it.
 * `skiff up` calls startCluster; tests and the extension reach the cluster only through the API.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYAML } from 'yaml';
import { createApiServer } from './apiserver/server.js';
import { createCodecs, createFieldManager } from './apiserver/codecs.js';
import { CrdController } from './apiserver/crd.js';
import { OpenAPI } from './apiserver/openapi-provider.js';
import { NamespaceController } from './controllers/namespace.js';
import { ControllerManager } from './controllers/manager.js';
import { LocalClient } from './client/local.js';
import { InformerFactory } from './client/factory.js';
import { R, type GVR } from './client/types.js';
import { Kubelet, type NodeConfig } from './kubelet/kubelet.js';
import { SimulatedRuntime } from './kubelet/simulated.js';
import { Scheduler } from './scheduler/scheduler.js';
import { ensurePki, identityFromPeerCertificate } from './kubeadm/pki.js';
import { GenericStore } from './registry/generic.js';
import { crdKindDefs } from './registry/kinds/apiextensions.js';
import { builtinKinds } from './registry/kinds/index.js';
import { Registry } from './registry/registry.js';
import { StatusError } from './apiserver/errors.js';
import type { KindDef, KubeObject } from './registry/types.js';
import { openStore } from './store/index.js';

export interface ClusterOptions {
  dataDir: string;
  host: string;
  /** 0 = pick a free port */
  port: number;
  nodes: number;
  runtime: 'auto' | 'docker' | 'simulated';
  /** per-node overrides (name, labels, capacity, taints), by position */
  nodeConfigs?: Partial<NodeConfig>[];
  /** --node-monitor-grace-period in seconds (default 50, as upstream) */
  nodeMonitorGracePeriodSeconds?: number;
}

export interface RunningCluster {
  port: number;
  host: string;
  /** resolves once every kubelet has registered its node and the control loops run */
  ready: Promise<void>;
  /** stops serving and flushes the store */
  close(): Promise<void>;
}

const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

function kindOf(registry: Registry, group: string, version: string, kind: string): KindDef {
  const def = registry.lookupKind(group, version, kind);
  if (!def) throw new Error(`cluster: built-in kind ${group}/${version} ${kind} is not registered`);
  return def;
}

/** A static bearer token for the admin, for clients that cannot present a certificate. */
function adminToken(pkiDir: string): string {
  const file = join(pkiDir, 'admin.token');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const token = randomBytes(24).toString('base64url');
  writeFileSync(file, token + '\n', { mode: 0o600 });
  return token;
}

async function ensureObject(store: GenericStore, def: KindDef, namespace: string | undefined, obj: KubeObject): Promise<void> {
  if (store.getRaw(def, namespace, obj.metadata.name!)) return;
  try {
    await store.create(def, namespace, obj, { manager: 'kube-apiserver', dryRun: false });
  } catch (e) {
    if (!(e instanceof StatusError && e.code === 409)) throw e;
  }
}

export async function startCluster(opts: ClusterOptions): Promise<RunningCluster> {
  if (opts.runtime === 'docker') throw new Error('the docker runtime is not available yet: use --runtime simulated (or auto)');
  mkdirSync(opts.dataDir, { recursive: true });
  const [pki, kv] = await Promise.all([ensurePki(opts.dataDir), openStore(join(opts.dataDir, 'store'))]);
  const registry = new Registry(builtinKinds());
  const codecs = createCodecs(registry);
  const store = new GenericStore(kv, registry, createFieldManager(registry));
  const token = adminToken(join(opts.dataDir, 'pki'));

  const crdDef = kindOf(registry, 'apiextensions.k8s.io', 'v1', 'CustomResourceDefinition');
  const crds = new CrdController({ registry, store, crdDef, kindDefsFor: (crd) => crdKindDefs(crd, codecs.validateCustomResource, codecs.defaultCustomResource) });
  crds.start();

  const nsDef = kindOf(registry, '', 'v1', 'Namespace');
  for (const name of SYSTEM_NAMESPACES) await ensureObject(store, nsDef, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });

  const server = createApiServer({
    tls: { cert: pki.serverCert, key: pki.serverKey, ca: pki.caCert },
    registry,
    store,
    codecs,
    openapi: new OpenAPI(registry),
    identityFromCertificate: (cert) => {
      const id = identityFromPeerCertificate(cert);
      return id && { user: id.user, groups: [...id.groups, 'system:authenticated'] };
    },
    authenticateToken: (t) => (t === token ? { user: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] } : undefined),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as { port: number }).port;

  const svcDef = kindOf(registry, '', 'v1', 'Service');
  await ensureObject(store, svcDef, 'default', {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'kubernetes', labels: { component: 'apiserver', provider: 'kubernetes' } },
    spec: { type: 'ClusterIP', clusterIP: '10.96.0.1', ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: port }] },
  });

  const namespaces = new NamespaceController(store, registry, nsDef);
  namespaces.start();

  const client = new LocalClient(registry, store, codecs, 'kube-apiserver');
  const controllers = new ControllerManager(client, {
    resources: gcResources(registry),
    caCert: pki.caCert,
    nodeLifecycle: { gracePeriodMs: gracePeriodSeconds(opts) * 1000, monitorPeriodMs: 1000 },
  });
  const schedulerInformers = new InformerFactory(client.as('default-scheduler'));
  const scheduler = new Scheduler(client.as('default-scheduler'), schedulerInformers);
  const runtime = new SimulatedRuntime();
  const kubelets = nodeConfigs(opts).map((cfg) => new Kubelet(client.as(`kubelet`), runtime, cfg));
  // The API serves from here on; nodes register and the loops start behind it (`skiff up` waits
  // for the nodes to be Ready through the API, like any client would).
  const components = (async () => {
    await bootstrapObjects(client);
    await Promise.all(kubelets.map((k) => k.start()));
    await Promise.all([controllers.start(), schedulerInformers.start()]);
  })();
  components.catch((e) => console.error('cluster: a component failed to start:', e));

  return {
    port,
    host: opts.host,
    ready: components,
    async close() {
      await components.catch(() => {});
      for (const k of kubelets) k.stop();
      scheduler.stop();
      schedulerInformers.stop();
      controllers.stop();
      namespaces.stop();
      crds.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await kv.close();
    },
  };
}

/** --node-monitor-grace-period: the option, else SKIFF_NODE_MONITOR_GRACE_PERIOD, else upstream's 50 s. */
function gracePeriodSeconds(opts: ClusterOptions): number {
  const env = Number(process.env.SKIFF_NODE_MONITOR_GRACE_PERIOD);
  return opts.nodeMonitorGracePeriodSeconds ?? (Number.isFinite(env) && env > 0 ? env : 50);
}

/**
 * Per-node settings from `DIR/nodes.yaml`: a list, by position, of {name, labels, capacity,
 * taints} — e.g. a worker advertising `nvidia.com/gpu: "1"` as a device plugin would.
 */
function nodesFile(dataDir: string): Partial<NodeConfig>[] | undefined {
  const file = join(dataDir, 'nodes.yaml');
  if (!existsSync(file)) return undefined;
  const parsed = parseYAML(readFileSync(file, 'utf8'));
  if (!Array.isArray(parsed)) throw new Error(`${file}: expected a list of nodes`);
  return parsed as Partial<NodeConfig>[];
}

/** kubeadm's topology: node 1 is the control plane (tainted unless it is alone), the rest workers. */
export function nodeConfigs(opts: ClusterOptions): NodeConfig[] {
  const out: NodeConfig[] = [];
  const configured = opts.nodeConfigs ?? nodesFile(opts.dataDir);
  for (let i = 0; i < opts.nodes; i++) {
    const o = configured?.[i] ?? {};
    const controlPlane = i === 0;
    out.push({
      name: o.name ?? (controlPlane ? 'skiff-control-plane' : i === 1 ? 'skiff-worker' : `skiff-worker${i}`),
      index: i,
      controlPlane,
      taintControlPlane: opts.nodes > 1,
      labels: o.labels,
      capacity: o.capacity,
      taints: o.taints,
    });
  }
  return out;
}

/** Every resource the garbage collector follows: one per storage, events left out (they own nothing). */
function gcResources(registry: Registry): GVR[] {
  return registry
    .all()
    .filter((d) => !d.storage && d.plural !== 'events' && d.plural !== 'componentstatuses' && (d.verbs ?? ['watch']).includes('watch'))
    .map((d) => ({ group: d.group, version: d.version, resource: d.plural }));
}

const PRIORITY_CLASSES = [
  { name: 'system-node-critical', value: 2000001000 },
  { name: 'system-cluster-critical', value: 2000000000 },
];

/** What kubeadm installs into a new cluster: priority classes and kube-proxy, a DaemonSet. */
async function bootstrapObjects(client: LocalClient): Promise<void> {
  const ensure = async (gvr: GVR, ns: string | undefined, obj: KubeObject) => {
    try {
      await client.get(gvr, ns, obj.metadata.name!);
    } catch (e) {
      if (!(e instanceof StatusError && e.code === 404)) throw e;
      await client.create(gvr, ns, obj).catch((err) => {
        if (!(err instanceof StatusError && err.code === 409)) throw err;
      });
    }
  };
  for (const pc of PRIORITY_CLASSES) {
    await ensure({ group: 'scheduling.k8s.io', version: 'v1', resource: 'priorityclasses' }, undefined, {
      apiVersion: 'scheduling.k8s.io/v1',
      kind: 'PriorityClass',
      metadata: { name: pc.name },
      value: pc.value,
      description: 'Reserved for pods the node or the cluster cannot run without.',
    });
  }
  await ensure(R.serviceaccounts, 'kube-system', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'kube-proxy' } });
  await ensure(R.daemonsets, 'kube-system', {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'kube-proxy', labels: { 'k8s-app': 'kube-proxy' } },
    spec: {
      selector: { matchLabels: { 'k8s-app': 'kube-proxy' } },
      template: {
        metadata: { labels: { 'k8s-app': 'kube-proxy' } },
        spec: {
          priorityClassName: 'system-node-critical',
          serviceAccountName: 'kube-proxy',
          hostNetwork: true,
          nodeSelector: { 'kubernetes.io/os': 'linux' },
          tolerations: [{ operator: 'Exists' }],
          containers: [{ name: 'kube-proxy', image: 'registry.k8s.io/kube-proxy:v1.33.0', command: ['/usr/local/bin/kube-proxy', '--config=/var/lib/kube-proxy/config.conf'] }],
        },
      },
    },
  });
}
