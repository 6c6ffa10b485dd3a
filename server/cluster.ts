/**
 * One cluster process: store, PKI, API server, and the control-plane loops that live beside it.
 * `skiff up` calls startCluster; tests and the extension reach the cluster only through the API.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createApiServer } from './apiserver/server.js';
import { createCodecs, createFieldManager } from './apiserver/codecs.js';
import { CrdController } from './apiserver/crd.js';
import { OpenAPI } from './apiserver/openapi-provider.js';
import { NamespaceController } from './controllers/namespace.js';
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
}

export interface RunningCluster {
  port: number;
  host: string;
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
  mkdirSync(opts.dataDir, { recursive: true });
  const [pki, kv] = await Promise.all([ensurePki(opts.dataDir), openStore(join(opts.dataDir, 'store'))]);
  const registry = new Registry(builtinKinds());
  const codecs = createCodecs(registry);
  const store = new GenericStore(kv, registry, createFieldManager(registry));
  const token = adminToken(join(opts.dataDir, 'pki'));

  const crdDef = kindOf(registry, 'apiextensions.k8s.io', 'v1', 'CustomResourceDefinition');
  const crds = new CrdController({ registry, store, crdDef, kindDefsFor: (crd) => crdKindDefs(crd, codecs.validateCustomResource) });
  crds.start();

  const nsDef = kindOf(registry, '', 'v1', 'Namespace');
  for (const name of SYSTEM_NAMESPACES) await ensureObject(store, nsDef, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });

  const server = createApiServer({
    tls: { cert: pki.serverCert, key: pki.serverKey, ca: pki.caCert },
    registry,
    store,
    codecs,
    openapi: new OpenAPI(registry),
    identityFromCertificate: (cert) => identityFromPeerCertificate(cert),
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

  return {
    port,
    host: opts.host,
    async close() {
      namespaces.stop();
      crds.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await kv.close();
    },
  };
}
