/**
 * Real kubectl v1.33 request bodies, decoded. A tiny HTTP server answers discovery (Skiff's own
 * Discovery over the built-in registry) and records every write; each typed-client command's
 * protobuf body must decode into exactly the object kubectl renders for `--dry-run=client -o json`
 * (the same Go object through Go's encoding/json).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KUBECTL, run, type RunResult } from '../helpers/cluster.js';
import { Discovery } from '../../server/apiserver/discovery.js';
import { Registry } from '../../server/registry/registry.js';
import { builtinKinds } from '../../server/registry/kinds/index.js';
import { decodeProtobufObject } from '../../server/apiserver/protobuf/decode.js';

const PROTOBUF = 'application/vnd.kubernetes.protobuf';

interface Captured {
  method: string;
  path: string;
  contentType: string;
  body: Buffer;
}

/** Discovery, canned GET answers, and a record of every request with a body. */
class FakeAPIServer {
  readonly captured: Captured[] = [];
  /** GET answers by URL path (no query). */
  readonly objects = new Map<string, unknown>();
  /** Extra fields merged into the echo of a write, by URL path. */
  readonly replies = new Map<string, Record<string, unknown>>();
  private readonly discovery = new Discovery(new Registry(builtinKinds()));
  private server?: Server;
  port = 0;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => this.handle(req, res, Buffer.concat(chunks)));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  private send(res: ServerResponse, code: number, value: unknown, contentType = 'application/json'): void {
    res.writeHead(code, { 'content-type': contentType });
    res.end(typeof value === 'string' ? value : JSON.stringify(value));
  }

  private notFound(res: ServerResponse, path: string): void {
    this.send(res, 404, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `${path} not found`, reason: 'NotFound', code: 404 });
  }

  private handle(req: IncomingMessage, res: ServerResponse, body: Buffer): void {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const method = req.method ?? 'GET';
    if (method === 'GET') {
      if (path === '/api' || path === '/apis') {
        const r = this.discovery.root(path === '/api' ? 'api' : 'apis', String(req.headers.accept ?? ''));
        return this.send(res, 200, r.doc.json, r.contentType);
      }
      const gv = /^\/apis?\/(.+)$/.exec(path)?.[1];
      const doc = gv === undefined ? undefined : (this.discovery.resourceList(gv) ?? this.discovery.group(gv));
      if (doc) return this.send(res, 200, doc.json);
      if (this.objects.has(path)) return this.send(res, 200, this.objects.get(path));
      return this.notFound(res, path);
    }
    const contentType = String(req.headers['content-type'] ?? '');
    this.captured.push({ method, path, contentType, body });
    if (method === 'DELETE') return this.send(res, 200, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success' });
    if (method === 'PATCH') return this.objects.has(path) ? this.send(res, 200, this.objects.get(path)) : this.notFound(res, path);
    let obj: Record<string, unknown>;
    try {
      obj = contentType.startsWith(PROTOBUF) ? decodeProtobufObject(body) : JSON.parse(body.toString('utf8'));
    } catch (e) {
      return this.send(res, 400, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: (e as Error).message, reason: 'BadRequest', code: 400 });
    }
    this.send(res, 201, { ...obj, ...this.replies.get(path) });
  }
}

/** `rendered` without the null-valued keys that `decoded` lacks, recursively. */
function dropNullsAbsentIn(rendered: unknown, decoded: unknown): unknown {
  if (Array.isArray(rendered)) return rendered.map((v, i) => dropNullsAbsentIn(v, Array.isArray(decoded) ? decoded[i] : undefined));
  if (!rendered || typeof rendered !== 'object') return rendered;
  const d = decoded && typeof decoded === 'object' ? (decoded as Record<string, unknown>) : {};
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(rendered)) {
    if (v === null && !(k in d)) continue;
    out[k] = dropNullsAbsentIn(v, d[k]);
  }
  return out;
}

const haveKubectl = existsSync(KUBECTL);

describe('kubectl protobuf request bodies', { skip: haveKubectl ? false : `no ${KUBECTL}: run node scripts/fetch-kubectl.mjs`, timeout: 180_000 }, () => {
  const api = new FakeAPIServer();
  let home = '';

  before(async () => {
    await api.start();
    home = mkdtempSync(join(tmpdir(), 'skiff-proto-'));
  });
  after(async () => {
    await api.stop();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  function kubectl(args: string[]): Promise<RunResult> {
    return run(KUBECTL, ['--server', `http://127.0.0.1:${api.port}`, ...args], {
      env: { HOME: home, KUBECONFIG: join(home, 'no-kubeconfig') },
      cwd: home,
      timeoutMs: 60_000,
    });
  }

  async function ok(args: string[]): Promise<RunResult> {
    const r = await kubectl(args);
    assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed (${r.code}):\n${r.stderr}${r.stdout}`);
    return r;
  }

  /** Runs a command and returns the body of the one write it made. */
  async function capture(args: string[], method = 'POST'): Promise<Captured> {
    const before = api.captured.length;
    await ok(args);
    const writes = api.captured.slice(before).filter((c) => c.method === method);
    assert.equal(writes.length, 1, `kubectl ${args.join(' ')}: expected one ${method}, saw ${api.captured.slice(before).map((c) => `${c.method} ${c.path}`).join(', ')}`);
    return writes[0];
  }

  /** The protobuf body of `args` decodes to what `args --dry-run=client -o json` prints. */
  async function sameAsClientRendering(args: string[], path: string): Promise<Record<string, any>> {
    const c = await capture(args);
    assert.equal(c.path, path);
    assert.equal(c.contentType, PROTOBUF, `kubectl ${args.join(' ')} sent ${c.contentType}`);
    const decoded = decodeProtobufObject(c.body);
    const dash = args.indexOf('--');
    const dryRun = ['--dry-run=client', '-o', 'json'];
    const renderArgs = dash < 0 ? [...args, ...dryRun] : [...args.slice(0, dash), ...dryRun, ...args.slice(dash)];
    const rendered = JSON.parse((await ok(renderArgs)).stdout);
    // The one stripped difference: Go writes a nil slice whose field lacks omitempty as `null`
    // (e.g. HPA status.currentMetrics); the wire cannot tell nil from empty and the decoder leaves
    // absent repeated fields out. So a `null` in the rendering is dropped where the decoded object
    // has no such key. Nulls the decoder does produce (zero metav1.Time) must match.
    // Key order may differ: protobuf field numbers do not follow Go struct order (Ingress paths).
    assert.deepStrictEqual(decoded, dropNullsAbsentIn(rendered, decoded));
    return decoded;
  }

  it('create deployment', async () => {
    const d = await sameAsClientRendering(['create', 'deployment', 'web', '--image=nginx', '--replicas=2', '--port=80'], '/apis/apps/v1/namespaces/default/deployments');
    // The zero-valued and Go-null parts survive as Go's JSON has them.
    assert.equal(d.metadata.creationTimestamp, null);
    assert.deepEqual(d.status, {});
    assert.deepEqual(d.spec.strategy, {});
    assert.deepEqual(d.spec.template.spec.containers[0], { name: 'nginx', image: 'nginx', ports: [{ containerPort: 80 }], resources: {} });
  });

  it('create deployment with several images', async () => {
    await sameAsClientRendering(['create', 'deployment', 'multi', '--image=nginx', '--image=busybox', '--replicas=0'], '/apis/apps/v1/namespaces/default/deployments');
  });

  it('create configmap (map<string,string>)', async () => {
    const cm = await sameAsClientRendering(['create', 'configmap', 'c', '--from-literal=a=b', '--from-literal=empty='], '/api/v1/namespaces/default/configmaps');
    assert.deepEqual(cm.data, { a: 'b', empty: '' });
  });

  it('create configmap from a binary file (binaryData map<string,bytes>)', async () => {
    writeFileSync(join(home, 'blob.bin'), Buffer.from([0, 1, 2, 0xff, 0xfe]));
    writeFileSync(join(home, 'text.txt'), 'héllo\n');
    const cm = await sameAsClientRendering(['create', 'configmap', 'files', `--from-file=${join(home, 'blob.bin')}`, `--from-file=${join(home, 'text.txt')}`], '/api/v1/namespaces/default/configmaps');
    assert.deepEqual(cm.binaryData, { 'blob.bin': Buffer.from([0, 1, 2, 0xff, 0xfe]).toString('base64') });
    assert.deepEqual(cm.data, { 'text.txt': 'héllo\n' });
  });

  it('create secret generic (map<string,bytes> as base64)', async () => {
    const s = await sameAsClientRendering(['create', 'secret', 'generic', 's', '--from-literal=k=v', '--type=Opaque'], '/api/v1/namespaces/default/secrets');
    assert.deepEqual(s.data, { k: Buffer.from('v').toString('base64') });
  });

  it('create secret docker-registry', async () => {
    await sameAsClientRendering(['create', 'secret', 'docker-registry', 'd', '--docker-server=srv', '--docker-username=u', '--docker-password=p'], '/api/v1/namespaces/default/secrets');
  });

  it('create service nodeport (IntOrString targetPort)', async () => {
    const s = await sameAsClientRendering(['create', 'service', 'nodeport', 'ns1', '--tcp=80:8080'], '/api/v1/namespaces/default/services');
    // targetPort: an IntOrString value struct; nodePort: an omitempty int32 left out at 0.
    assert.deepEqual(s.spec.ports[0], { name: '80-8080', protocol: 'TCP', port: 80, targetPort: 8080 });
  });

  it('create service clusterip headless', async () => {
    await sameAsClientRendering(['create', 'service', 'clusterip', 'cs', '--tcp=5678:8080', '--clusterip=None'], '/api/v1/namespaces/default/services');
  });

  it('create job', async () => {
    await sameAsClientRendering(['create', 'job', 'j', '--image=busybox', '--', 'sh', '-c', 'echo hi'], '/apis/batch/v1/namespaces/default/jobs');
  });

  it('create cronjob', async () => {
    await sameAsClientRendering(['create', 'cronjob', 'cj', '--image=busybox', '--schedule=*/1 * * * *', '--restart=OnFailure'], '/apis/batch/v1/namespaces/default/cronjobs');
  });

  it('create namespace', async () => {
    await sameAsClientRendering(['create', 'namespace', 'n'], '/api/v1/namespaces');
  });

  it('create role and clusterrole', async () => {
    await sameAsClientRendering(['create', 'role', 'r', '--verb=get', '--resource=pods'], '/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles');
    await sameAsClientRendering(['create', 'clusterrole', 'cr', '--verb=get,list', '--resource=deployments.apps', '--resource-name=x'], '/apis/rbac.authorization.k8s.io/v1/clusterroles');
  });

  it('create rolebinding and clusterrolebinding', async () => {
    await sameAsClientRendering(['create', 'rolebinding', 'rb', '--clusterrole=view', '--user=u', '--serviceaccount=default:sa'], '/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings');
    await sameAsClientRendering(['create', 'clusterrolebinding', 'crb', '--clusterrole=view', '--group=g'], '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings');
  });

  it('create priorityclass', async () => {
    const pc = await sameAsClientRendering(['create', 'priorityclass', 'pc', '--value=10', '--preemption-policy=Never', '--description=hi'], '/apis/scheduling.k8s.io/v1/priorityclasses');
    assert.equal(pc.value, 10);
    assert.equal(pc.preemptionPolicy, 'Never');
    // globalDefault: an omitempty bool, on the wire as false, left out as Go's JSON does.
    assert.equal('globalDefault' in pc, false);
  });

  it('create poddisruptionbudget (IntOrString int and string)', async () => {
    const a = await sameAsClientRendering(['create', 'poddisruptionbudget', 'pdb', '--selector=a=b', '--min-available=1'], '/apis/policy/v1/namespaces/default/poddisruptionbudgets');
    assert.equal(a.spec.minAvailable, 1);
    const b = await sameAsClientRendering(['create', 'poddisruptionbudget', 'pdb2', '--selector=a=b', '--max-unavailable=50%'], '/apis/policy/v1/namespaces/default/poddisruptionbudgets');
    assert.equal(b.spec.maxUnavailable, '50%');
  });

  it('create ingress (inline IngressRuleValue)', async () => {
    const i = await sameAsClientRendering(
      ['create', 'ingress', 'i', '--rule=foo.com/bar=svc:80', '--rule=foo.com/*=svc2:http,tls=sec', '--annotation=a=b', '--default-backend=svc3:8080'],
      '/apis/networking.k8s.io/v1/namespaces/default/ingresses',
    );
    assert.equal(i.spec.rules[0].http.paths.length, 2);
  });

  it('create quota (map<string,Quantity>)', async () => {
    const q = await sameAsClientRendering(['create', 'quota', 'q', '--hard=cpu=1,memory=1G,pods=2,requests.cpu=500m', '--scopes=BestEffort'], '/api/v1/namespaces/default/resourcequotas');
    assert.deepEqual(q.spec.hard, { cpu: '1', memory: '1G', pods: '2', 'requests.cpu': '500m' });
  });

  it('create serviceaccount', async () => {
    await sameAsClientRendering(['create', 'serviceaccount', 'sa'], '/api/v1/namespaces/default/serviceaccounts');
  });

  it('create token (TokenRequest subresource)', async () => {
    const path = '/api/v1/namespaces/default/serviceaccounts/sa/token';
    api.replies.set(path, { status: { token: 'tok', expirationTimestamp: '2030-01-01T00:00:00Z' } });
    const c = await capture(['create', 'token', 'sa', '--duration=10m', '--audience=a1', '--audience=a2']);
    assert.equal(c.path, path);
    assert.equal(c.contentType, PROTOBUF);
    assert.deepStrictEqual(decodeProtobufObject(c.body), {
      kind: 'TokenRequest',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: { creationTimestamp: null },
      spec: { audiences: ['a1', 'a2'], expirationSeconds: 600 },
      status: { token: '', expirationTimestamp: null },
    });
  });

  it('autoscale (autoscaling/v2 HorizontalPodAutoscaler)', async () => {
    api.objects.set('/apis/apps/v1/namespaces/default/deployments/web', {
      kind: 'Deployment',
      apiVersion: 'apps/v1',
      metadata: { name: 'web', namespace: 'default', uid: 'd1' },
      spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
    });
    const hpa = await sameAsClientRendering(['autoscale', 'deployment', 'web', '--min=2', '--max=5', '--cpu-percent=50'], '/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers');
    // desiredReplicas has no omitempty: its 0 is written.
    assert.deepEqual(hpa.status, { desiredReplicas: 0 });
  });

  it('create job --from=cronjob (ownerReferences, annotations)', async () => {
    api.objects.set('/apis/batch/v1/namespaces/default/cronjobs/nightly', {
      kind: 'CronJob',
      apiVersion: 'batch/v1',
      metadata: { name: 'nightly', namespace: 'default', uid: 'c1' },
      spec: { schedule: '0 0 * * *', jobTemplate: { metadata: { labels: { a: 'b' } }, spec: { backoffLimit: 0, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox', args: ['a', ''] }] } } } } },
    });
    const job = await sameAsClientRendering(['create', 'job', 'manual', '--from=cronjob/nightly'], '/apis/batch/v1/namespaces/default/jobs');
    assert.equal(job.spec.backoffLimit, 0);
    assert.deepEqual(job.spec.template.spec.containers[0].args, ['a', '']);
    assert.equal(job.metadata.ownerReferences[0].controller, true);
  });

  it('kubectl run sends JSON, not protobuf', async () => {
    // run builds an unstructured-style request through the generic REST helper.
    const c = await capture(['run', 'p', '--image=nginx', '--labels=a=b']);
    assert.equal(c.path, '/api/v1/namespaces/default/pods');
    assert.match(c.contentType, /^application\/json/);
  });

  it('drain evicts with a JSON body', async () => {
    // Only the create-style typed clients use protobuf in kubectl v1.33; drain's Eviction (like
    // run's Pod) goes out as JSON. decode.test.ts covers a protobuf Eviction built by hand.
    api.objects.set('/api/v1/nodes/n1', { kind: 'Node', apiVersion: 'v1', metadata: { name: 'n1', uid: 'u1', resourceVersion: '1' }, spec: {} });
    api.objects.set('/api/v1/pods', {
      kind: 'PodList',
      apiVersion: 'v1',
      metadata: { resourceVersion: '1' },
      items: [{ kind: 'Pod', apiVersion: 'v1', metadata: { name: 'victim', namespace: 'default', uid: 'p1' }, spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'nginx' }] }, status: { phase: 'Running' } }],
    });
    const before = api.captured.length;
    await ok(['drain', 'n1', '--force', '--grace-period=7', '--timeout=20s']);
    const evictions = api.captured.slice(before).filter((c) => c.path.endsWith('/eviction'));
    assert.equal(evictions.length, 1, api.captured.slice(before).map((c) => `${c.method} ${c.path} ${c.contentType}`).join('\n'));
    const [e] = evictions;
    assert.equal(e.path, '/api/v1/namespaces/default/pods/victim/eviction');
    assert.match(e.contentType, /^application\/json/);
    const body = JSON.parse(e.body.toString('utf8'));
    assert.equal(body.kind, 'Eviction');
    assert.equal(body.deleteOptions.gracePeriodSeconds, 7);
  });
});
