/**
 * The real kubectl v1.33 reads these OpenAPI documents: `explain` renders the schemas, `apply`
 * finds fieldValidation support (so it sends fieldValidation=Strict and skips client-side checks),
 * client-side apply builds its strategic merge patch from the v3 schemas (custom resources get a
 * JSON merge patch), and `apply --server-side` sends an apply patch.
 *
 * A small HTTP server stands in for the API server: discovery comes from server/apiserver/discovery,
 * OpenAPI from server/apiserver/openapi, and resources from a map. Skipped when the kubectl binary
 * has not been unpacked (npm test's pretest does it: scripts/fetch-kubectl.mjs).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Discovery } from '../../server/apiserver/discovery.js';
import { openAPIDocumentForPath, openAPIIndexDocument } from '../../server/apiserver/openapi.js';
import { Registry } from '../../server/registry/registry.js';
import { customResourceSchemas, registerDefinition, unregisterDefinition } from '../../server/registry/schema/index.js';
import type { KindDef } from '../../server/registry/types.js';
import { builtinKindDefs } from './fixtures.js';

const KUBECTL = join(__dirname, '..', '..', '.tools', 'kubectl', 'kubectl');
const run = promisify(execFile);

interface Seen {
  method: string;
  url: string;
  contentType: string;
  body: string;
}

let server: http.Server;
let dir: string;
let base: string;
const seen: Seen[] = [];
const objects = new Map<string, unknown>();
const cr = customResourceSchemas('stable.example.com', 'v1', 'CronTab', {
  type: 'object',
  properties: { spec: { type: 'object', properties: { cronSpec: { type: 'string' }, replicas: { type: 'integer' } } } },
});

before(() => {
  if (!existsSync(KUBECTL)) return;
  registerDefinition(cr.name, cr.schema);
  registerDefinition(cr.listName, cr.listSchema);
  const crKind: KindDef = {
    group: 'stable.example.com', version: 'v1', kind: 'CronTab', plural: 'crontabs', singular: 'crontab', namespaced: true,
    definition: cr.name, columns: [], strategy: { row: () => [] },
  };
  const registry = new Registry([...builtinKindDefs(), crKind]);
  const discovery = new Discovery(registry);
  dir = mkdtempSync(join(tmpdir(), 'skiff-openapi-'));
  writeFileSync(join(dir, 'kubeconfig'), '');
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const url = new URL(req.url!, 'http://localhost');
      const p = url.pathname;
      const send = (code: number, json: string, type = 'application/json') => {
        res.writeHead(code, { 'Content-Type': type });
        res.end(json);
      };
      if (p === '/version') return send(200, JSON.stringify({ major: '1', minor: '33', gitVersion: 'v1.33.0' }));
      if (p === '/api' || p === '/apis') {
        const { doc, contentType } = discovery.root(p === '/api' ? 'api' : 'apis', String(req.headers.accept ?? ''));
        return send(200, doc.json, contentType);
      }
      if (p === '/openapi/v3') return send(200, openAPIIndexDocument(registry.all()).json);
      if (p.startsWith('/openapi/v3/')) {
        const d = openAPIDocumentForPath(p.slice('/openapi/v3/'.length), registry.all());
        return d ? send(200, d.json) : send(404, '{}');
      }
      const parts = p.split('/').filter(Boolean);
      if ((parts[0] === 'api' && parts.length === 2) || (parts[0] === 'apis' && parts.length === 3)) {
        const d = discovery.resourceList(parts.slice(1).join('/'));
        return d ? send(200, d.json) : send(404, '{}');
      }
      if (parts[0] === 'apis' && parts.length === 2) {
        const d = discovery.group(parts[1]);
        return d ? send(200, d.json) : send(404, '{}');
      }
      seen.push({ method: req.method!, url: req.url!, contentType: String(req.headers['content-type'] ?? ''), body });
      const notFound = JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'NotFound', code: 404, message: 'not found' });
      if (req.method === 'GET') return objects.has(p) ? send(200, JSON.stringify(objects.get(p))) : send(404, notFound);
      if (req.method === 'POST') {
        const o = JSON.parse(body);
        objects.set(`${p}/${o.metadata.name}`, o);
        return send(201, body);
      }
      if (req.method === 'PATCH') return objects.has(p) ? send(200, JSON.stringify(objects.get(p))) : send(201, JSON.stringify(JSON.parse(body)));
      return send(404, notFound);
    });
  });
  return new Promise<void>((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      resolve();
    }),
  );
});

after(() => {
  if (!server) return;
  server.close();
  rmSync(dir, { recursive: true, force: true });
  unregisterDefinition(cr.name);
  unregisterDefinition(cr.listName);
});

async function kubectl(...args: string[]): Promise<string> {
  const { stdout } = await run(KUBECTL, [`--server=${base}`, `--cache-dir=${join(dir, 'cache')}`, ...args], {
    env: { ...process.env, KUBECONFIG: join(dir, 'kubeconfig'), HOME: dir },
  });
  return stdout;
}

function lastPatch(): Seen | undefined {
  return seen.filter((s) => s.method === 'PATCH').pop();
}

const skip = !existsSync(KUBECTL) && 'kubectl not unpacked (run node scripts/fetch-kubectl.mjs)';

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: nginx
        image: nginx:1.25
        ports:
        - containerPort: 80
        env:
        - {name: A, value: "1"}
      - name: sidecar
        image: busybox
`;

test('kubectl explain renders a kind and a nested field from the v3 documents', { skip }, async () => {
  const out = await kubectl('explain', 'deployment.spec.strategy');
  assert.match(out, /GROUP:\s+apps/);
  assert.match(out, /KIND:\s+Deployment/);
  assert.match(out, /FIELD: strategy <DeploymentStrategy>/);
  assert.match(out, /rollingUpdate\s+<RollingUpdateDeployment>/);
  const pods = await kubectl('explain', 'pods.spec.containers.ports');
  assert.match(pods, /containerPort\s+<integer> -required-/);
  const kind = await kubectl('explain', 'service');
  assert.match(kind, /DESCRIPTION:\s+A stable name and virtual address/);
});

test('kubectl apply: Strict server-side validation, then a strategic merge patch built from the schemas', { skip }, async () => {
  writeFileSync(join(dir, 'web.yaml'), DEPLOYMENT);
  await kubectl('apply', '-f', join(dir, 'web.yaml'));
  const create = seen.find((s) => s.method === 'POST' && s.url.startsWith('/apis/apps/v1/namespaces/default/deployments'));
  assert.ok(create, 'created');
  assert.match(create.url, /fieldValidation=Strict/);

  writeFileSync(join(dir, 'web.yaml'), DEPLOYMENT.replace('nginx:1.25', 'nginx:1.27').replace(/ {8}env:\n.*\n/, ''));
  await kubectl('apply', '-f', join(dir, 'web.yaml'));
  const patch = lastPatch();
  assert.ok(patch);
  assert.equal(patch.contentType, 'application/strategic-merge-patch+json');
  assert.match(patch.url, /fieldValidation=Strict/);
  const body = JSON.parse(patch.body);
  // merge on container name: only the changed container, with the list order kept by directive
  assert.deepEqual(body.spec.template.spec['$setElementOrder/containers'], [{ name: 'nginx' }, { name: 'sidecar' }]);
  assert.deepEqual(body.spec.template.spec.containers, [{ env: null, image: 'nginx:1.27', name: 'nginx' }]);
});

test('kubectl apply --server-side sends an apply patch with Strict validation', { skip }, async () => {
  writeFileSync(join(dir, 'ssa.yaml'), DEPLOYMENT.replace('name: web', 'name: ssa'));
  await kubectl('apply', '--server-side', '-f', join(dir, 'ssa.yaml'));
  const patch = lastPatch();
  assert.ok(patch);
  assert.equal(patch.contentType, 'application/apply-patch+yaml');
  assert.match(patch.url, /\/deployments\/ssa\?/);
  assert.match(patch.url, /fieldManager=kubectl/);
  assert.match(patch.url, /fieldValidation=Strict/);
});

test('custom resources: explain works and apply falls back to a JSON merge patch', { skip }, async () => {
  assert.match(await kubectl('explain', 'crontab.spec'), /cronSpec\s+<string>/);
  const manifest = 'apiVersion: stable.example.com/v1\nkind: CronTab\nmetadata: {name: c1, namespace: default}\nspec: {cronSpec: "* * * * */5", replicas: 1}\n';
  writeFileSync(join(dir, 'ct.yaml'), manifest);
  await kubectl('apply', '-f', join(dir, 'ct.yaml'));
  writeFileSync(join(dir, 'ct.yaml'), manifest.replace('replicas: 1', 'replicas: 2'));
  await kubectl('apply', '-f', join(dir, 'ct.yaml'));
  const patch = lastPatch();
  assert.ok(patch);
  assert.equal(patch.contentType, 'application/merge-patch+json');
  assert.match(patch.url, /fieldValidation=Strict/);
});
