/**
 * The real kubectl v1.33 and helm v3 against one cluster: the everyday commands, their output
 * formats, and the error messages users see. No controllers run yet, so only specs change.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { parse as parseYAML } from 'yaml';
import { KUBECTL, ROOT, startTestCluster, type RunResult, type TestCluster } from '../helpers/cluster.js';

const FIXTURES = join(ROOT, 'test', 'integration', 'fixtures');
const NS = 'kt';

const DEPLOYMENT = `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
spec:
  replicas: 1
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: nginx
          image: nginx:1.25
          ports:
            - containerPort: 80
        - name: sidecar
          image: busybox:1.36
          command: ["sleep", "infinity"]
`;

function configMap(name: string, data: Record<string, string>, labels: Record<string, string> = {}): string {
  return JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels }, data });
}

function lines(s: string): string[] {
  return s.trim().split('\n').filter(Boolean);
}

describe('kubectl and helm', { timeout: 240_000 }, () => {
  let c: TestCluster;

  /** kubectl that must succeed */
  async function k(args: string[], stdin?: string): Promise<RunResult> {
    const r = await c.kubectl(args, stdin);
    assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed (${r.code}):\n${r.stderr}${r.stdout}`);
    return r;
  }
  /** kubectl that must fail */
  async function kFail(args: string[], stdin?: string): Promise<RunResult> {
    const r = await c.kubectl(args, stdin);
    assert.notEqual(r.code, 0, `kubectl ${args.join(' ')} should have failed:\n${r.stdout}`);
    return r;
  }
  async function jsonpath(args: string[], path: string): Promise<string> {
    return (await k([...args, '-o', `jsonpath=${path}`])).stdout;
  }
  async function getJSON(args: string[]): Promise<any> {
    return JSON.parse((await k([...args, '-o', 'json'])).stdout);
  }

  before(async () => {
    c = await startTestCluster();
    // JSON body on purpose: `kubectl create namespace` is tested on its own below
    await k(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } }));
  });
  after(async () => {
    await c?.stop();
    c?.cleanup();
  });

  describe('create, apply, get', () => {
    it('apply creates a Deployment', async () => {
      const r = await k(['apply', '-n', NS, '-f', '-'], DEPLOYMENT);
      assert.equal(r.stdout.trim(), 'deployment.apps/web created');
    });

    it('get deploy shows the upstream columns', async () => {
      const r = await k(['get', 'deploy', '-n', NS]);
      const [header, row] = lines(r.stdout);
      assert.match(header, /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE$/);
      // READY is ready/desired; the numbers depend on how far the controllers got
      assert.match(row, /^web\s+\d+\/1\s+\d+\s+\d+\s+\d+[smhd]/);
    });

    it('get -o wide adds the priority-1 columns', async () => {
      const r = await k(['get', 'deploy', 'web', '-n', NS, '-o', 'wide']);
      const [header, row] = lines(r.stdout);
      assert.match(header, /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR$/);
      assert.match(row, /^web\s+\d+\/1\s+\d+\s+\d+\s+\S+\s+nginx,sidecar\s+nginx:1\.25,busybox:1\.36\s+app=web$/);
    });

    it('get -o yaml and -o json describe the same object, with server-set metadata and defaults', async () => {
      // controllers update the status meanwhile: compare two reads of the same resourceVersion
      let y: any;
      let j: any;
      for (let i = 0; i < 20; i++) {
        y = parseYAML((await k(['get', 'deploy', 'web', '-n', NS, '-o', 'yaml'])).stdout);
        j = await getJSON(['get', 'deploy', 'web', '-n', NS]);
        if (y.metadata.resourceVersion === j.metadata.resourceVersion) break;
      }
      assert.deepEqual(y, j);
      assert.equal(j.apiVersion, 'apps/v1');
      assert.equal(j.kind, 'Deployment');
      assert.match(j.metadata.uid, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      assert.ok(j.metadata.resourceVersion);
      assert.ok(j.metadata.creationTimestamp);
      assert.equal(j.metadata.generation, 1);
      assert.ok(j.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']);
      // v1.33 defaults (pkg/apis/apps/v1/defaults.go)
      assert.equal(j.spec.strategy.type, 'RollingUpdate');
      assert.equal(j.spec.strategy.rollingUpdate.maxSurge, '25%');
      assert.equal(j.spec.strategy.rollingUpdate.maxUnavailable, '25%');
      assert.equal(j.spec.revisionHistoryLimit, 10);
      assert.equal(j.spec.progressDeadlineSeconds, 600);
      assert.equal(j.spec.template.spec.restartPolicy, 'Always');
      assert.equal(j.spec.template.spec.containers[0].imagePullPolicy, 'IfNotPresent');
      assert.equal(j.spec.template.spec.containers[0].ports[0].protocol, 'TCP');
    });

    it('apply of the same manifest is unchanged; a changed one is configured', async () => {
      const same = await k(['apply', '-n', NS, '-f', '-'], DEPLOYMENT);
      assert.equal(same.stdout.trim(), 'deployment.apps/web unchanged');
      const changed = await k(['apply', '-n', NS, '-f', '-'], DEPLOYMENT.replace('replicas: 1', 'replicas: 2'));
      assert.equal(changed.stdout.trim(), 'deployment.apps/web configured');
      assert.equal(await jsonpath(['get', 'deploy', 'web', '-n', NS], '{.spec.replicas}'), '2');
    });

    it('describe works', async () => {
      const r = await k(['describe', 'deployment', 'web', '-n', NS]);
      assert.match(r.stdout, /^Name:\s+web$/m);
      assert.match(r.stdout, /^Namespace:\s+kt$/m);
      assert.match(r.stdout, /^Selector:\s+app=web$/m);
      assert.match(r.stdout, /^StrategyType:\s+RollingUpdate$/m);
      const ns = await k(['describe', 'namespace', NS]);
      assert.match(ns.stdout, /^Status:\s+Active$/m);
    });

    it('replace with an edited -o json round-trips', async () => {
      // a ConfigMap: nothing but us writes it, so its resourceVersion is ours to race
      await k(['apply', '-n', NS, '-f', '-'], configMap('replaceme', { a: '1' }));
      const obj = await getJSON(['get', 'cm', 'replaceme', '-n', NS]);
      obj.data.a = '2';
      const r = await k(['replace', '-f', '-'], JSON.stringify(obj));
      assert.equal(r.stdout.trim(), 'configmap/replaceme replaced');
      const after = await getJSON(['get', 'cm', 'replaceme', '-n', NS]);
      assert.equal(after.data.a, '2');
      assert.equal(after.metadata.uid, obj.metadata.uid);
      assert.notEqual(after.metadata.resourceVersion, obj.metadata.resourceVersion);
      // replacing with the now stale resourceVersion is a conflict
      const stale = await kFail(['replace', '-f', '-'], JSON.stringify(obj));
      assert.match(stale.stderr, /Error from server \(Conflict\): error when replacing "STDIN": Operation cannot be fulfilled on configmaps "replaceme": the object has been modified; please apply your changes to the latest version and try again/);

      // the Deployment (whose status the controllers write): without a resourceVersion, replace is unconditional
      const d = await getJSON(['get', 'deploy', 'web', '-n', NS]);
      delete d.metadata.resourceVersion;
      d.metadata.labels.replaced = 'yes';
      const rd = await k(['replace', '-f', '-'], JSON.stringify(d));
      assert.equal(rd.stdout.trim(), 'deployment.apps/web replaced');
      const d2 = await getJSON(['get', 'deploy', 'web', '-n', NS]);
      assert.equal(d2.metadata.labels.replaced, 'yes');
      assert.equal(d2.metadata.uid, d.metadata.uid);
    });
  });

  describe('patch, label, annotate, scale', () => {
    it('patch --type=json', async () => {
      const r = await k(['patch', 'deploy', 'web', '-n', NS, '--type=json', '-p', '[{"op":"replace","path":"/spec/replicas","value":4}]']);
      assert.equal(r.stdout.trim(), 'deployment.apps/web patched');
      assert.equal(await jsonpath(['get', 'deploy', 'web', '-n', NS], '{.spec.replicas}'), '4');
      // replace under a missing parent is an error (422). (gopkg.in/evanphx/json-patch.v4, which the
      // apiserver uses, treats replace of a missing key in an existing object like add.)
      const bad = await kFail(['patch', 'deploy', 'web', '-n', NS, '--type=json', '-p', '[{"op":"replace","path":"/spec/nothere/deeper","value":1}]']);
      assert.match(bad.stderr, /The request is invalid/);
      assert.equal(await jsonpath(['get', 'deploy', 'web', '-n', NS], '{.spec.replicas}'), '4');
    });

    it('patch --type=merge', async () => {
      await k(['patch', 'deploy', 'web', '-n', NS, '--type=merge', '-p', '{"metadata":{"annotations":{"team":"blue"}},"spec":{"minReadySeconds":5}}']);
      const d = await getJSON(['get', 'deploy', 'web', '-n', NS]);
      assert.equal(d.metadata.annotations.team, 'blue');
      assert.equal(d.spec.minReadySeconds, 5);
      // merge patch null deletes
      await k(['patch', 'deploy', 'web', '-n', NS, '--type=merge', '-p', '{"metadata":{"annotations":{"team":null}}}']);
      const d2 = await getJSON(['get', 'deploy', 'web', '-n', NS]);
      assert.equal(d2.metadata.annotations.team, undefined);
    });

    it('patch --type=strategic changes one container image and keeps the other container', async () => {
      const r = await k(['patch', 'deploy', 'web', '-n', NS, '--type=strategic', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.27"}]}}}}']);
      assert.equal(r.stdout.trim(), 'deployment.apps/web patched');
      const d = await getJSON(['get', 'deploy', 'web', '-n', NS]);
      const cs = d.spec.template.spec.containers;
      assert.deepEqual(
        cs.map((x: any) => [x.name, x.image]),
        [
          ['nginx', 'nginx:1.27'],
          ['sidecar', 'busybox:1.36'],
        ],
      );
      assert.deepEqual(cs[0].ports, [{ containerPort: 80, protocol: 'TCP' }]);
      assert.deepEqual(cs[1].command, ['sleep', 'infinity']);
    });

    it('kubectl set image (two-way strategic merge with $setElementOrder)', async () => {
      await k(['set', 'image', 'deployment/web', '-n', NS, 'sidecar=busybox:1.37']);
      const d = await getJSON(['get', 'deploy', 'web', '-n', NS]);
      assert.deepEqual(
        d.spec.template.spec.containers.map((x: any) => [x.name, x.image]),
        [
          ['nginx', 'nginx:1.27'],
          ['sidecar', 'busybox:1.37'],
        ],
      );
    });

    it('label and annotate, then remove them with key-', async () => {
      assert.equal((await k(['label', 'deploy', 'web', '-n', NS, 'env=prod'])).stdout.trim(), 'deployment.apps/web labeled');
      assert.equal(await jsonpath(['get', 'deploy', 'web', '-n', NS], '{.metadata.labels.env}'), 'prod');
      const clash = await kFail(['label', 'deploy', 'web', '-n', NS, 'env=dev']);
      assert.match(clash.stderr, /'env' already has a value \(prod\), and --overwrite is false/);
      await k(['label', 'deploy', 'web', '-n', NS, 'env=dev', '--overwrite']);
      assert.equal(await jsonpath(['get', 'deploy', 'web', '-n', NS], '{.metadata.labels.env}'), 'dev');
      assert.equal((await k(['label', 'deploy', 'web', '-n', NS, 'env-'])).stdout.trim(), 'deployment.apps/web unlabeled');
      const labels = (await getJSON(['get', 'deploy', 'web', '-n', NS])).metadata.labels;
      assert.equal(labels.env, undefined);
      assert.equal(labels.app, 'web');

      assert.equal((await k(['annotate', 'deploy', 'web', '-n', NS, 'note=hello world'])).stdout.trim(), 'deployment.apps/web annotated');
      assert.equal(await jsonpath(['get', 'deploy', 'web', '-n', NS], '{.metadata.annotations.note}'), 'hello world');
      await k(['annotate', 'deploy', 'web', '-n', NS, 'note-']);
      const ann = (await getJSON(['get', 'deploy', 'web', '-n', NS])).metadata.annotations;
      assert.equal(ann.note, undefined);
      assert.ok(ann['kubectl.kubernetes.io/last-applied-configuration'], 'other annotations must survive');
    });

    it('scale deployment changes spec.replicas through the scale subresource', async () => {
      const r = await k(['scale', 'deployment', 'web', '-n', NS, '--replicas=3']);
      assert.equal(r.stdout.trim(), 'deployment.apps/web scaled');
      assert.equal(await jsonpath(['get', 'deploy', 'web', '-n', NS], '{.spec.replicas}'), '3');
      // the Scale object itself
      const s = await c.json('GET', `/apis/apps/v1/namespaces/${NS}/deployments/web/scale`);
      assert.equal(s.status, 200);
      assert.equal(s.body.kind, 'Scale');
      assert.equal(s.body.apiVersion, 'autoscaling/v1');
      assert.equal(s.body.spec.replicas, 3);
      assert.equal(s.body.status.selector, 'app=web');
      // --current-replicas is a precondition: GET + PUT of the Scale
      await k(['scale', 'deployment', 'web', '-n', NS, '--current-replicas=3', '--replicas=1']);
      assert.equal(await jsonpath(['get', 'deploy', 'web', '-n', NS], '{.spec.replicas}'), '1');
      const wrong = await kFail(['scale', 'deployment', 'web', '-n', NS, '--current-replicas=7', '--replicas=2']);
      assert.match(wrong.stderr, /Expected replicas to be 7, was 1/);
    });

    it('delete --wait removes the object', async () => {
      await k(['apply', '-n', NS, '-f', '-'], configMap('doomed', { a: 'b' }));
      const r = await k(['delete', 'configmap', 'doomed', '-n', NS, '--wait=true', '--timeout=30s']);
      assert.equal(r.stdout.trim(), 'configmap "doomed" deleted');
      const g = await kFail(['get', 'configmap', 'doomed', '-n', NS]);
      assert.match(g.stderr, /Error from server \(NotFound\): configmaps "doomed" not found/);
      // deleting what is not there
      const again = await kFail(['delete', 'configmap', 'doomed', '-n', NS]);
      assert.match(again.stderr, /Error from server \(NotFound\): configmaps "doomed" not found/);
      assert.equal((await k(['delete', 'configmap', 'doomed', '-n', NS, '--ignore-not-found'])).stdout.trim(), '');
    });
  });

  describe('watch, paging, selectors', () => {
    it('get --watch --output-watch-events shows ADDED then MODIFIED', async () => {
      await k(['apply', '-n', NS, '-f', '-'], configMap('watched', { v: '1' }));
      const child = spawn(KUBECTL, ['get', 'configmap', 'watched', '-n', NS, '--watch', '--output-watch-events'], { env: { ...process.env, ...c.env }, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (err += d));
      const waitFor = async (re: RegExp, what: string) => {
        const deadline = Date.now() + 20_000;
        while (!re.test(out)) {
          if (child.exitCode !== null) assert.fail(`kubectl --watch exited (${child.exitCode}) before ${what}:\n${out}\n${err}`);
          if (Date.now() > deadline) assert.fail(`no ${what} from kubectl --watch:\n${out}\n${err}`);
          await new Promise((r) => setTimeout(r, 50));
        }
      };
      try {
        await waitFor(/^ADDED\s+watched\s+1\s/m, 'ADDED line');
        await k(['patch', 'configmap', 'watched', '-n', NS, '--type=merge', '-p', '{"data":{"w":"2"}}']);
        await waitFor(/^MODIFIED\s+watched\s+2\s/m, 'MODIFIED line');
        assert.match(out, /^EVENT\s+NAME\s+DATA\s+AGE$/m);
      } finally {
        child.kill('SIGKILL');
      }
    });

    it('--chunk-size=2 pages through 5 configmaps', async () => {
      const docs = ['c1', 'c2', 'c3', 'c4', 'c5'].map((n) => configMap(`chunk-${n}`, { n }, { chunk: 'yes' })).join('\n---\n');
      await k(['apply', '-n', NS, '-f', '-'], docs);
      const r = await k(['get', 'configmaps', '-n', NS, '-l', 'chunk=yes', '--chunk-size=2', '-o', 'name']);
      assert.deepEqual(lines(r.stdout), ['configmap/chunk-c1', 'configmap/chunk-c2', 'configmap/chunk-c3', 'configmap/chunk-c4', 'configmap/chunk-c5']);
      const table = await k(['get', 'configmaps', '-n', NS, '-l', 'chunk=yes', '--chunk-size=2']);
      const rows = lines(table.stdout);
      assert.equal(rows.filter((l) => l.startsWith('NAME')).length, 1, `one header across pages:\n${table.stdout}`);
      assert.equal(rows.length, 6);
      // the same with raw requests: limit + continue
      const names: string[] = [];
      let cont = '';
      let pages = 0;
      do {
        const q = `labelSelector=${encodeURIComponent('chunk=yes')}&limit=2${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`;
        const page = await c.json('GET', `/api/v1/namespaces/${NS}/configmaps?${q}`);
        assert.equal(page.status, 200, JSON.stringify(page.body));
        assert.ok(page.body.items.length <= 2);
        names.push(...page.body.items.map((i: any) => i.metadata.name));
        cont = page.body.metadata.continue ?? '';
        pages++;
      } while (cont && pages < 10);
      assert.deepEqual(names, ['chunk-c1', 'chunk-c2', 'chunk-c3', 'chunk-c4', 'chunk-c5']);
      assert.equal(pages, 3);
    });

    it('--chunk-size pages across namespaces (-A), where continue keys hold namespace/name', async () => {
      const all = await k(['get', 'configmaps', '-A', '-o', 'name']);
      const paged = await k(['get', 'configmaps', '-A', '--chunk-size=2', '-o', 'name']);
      assert.ok(lines(all.stdout).length > 4, all.stdout);
      assert.deepEqual(lines(paged.stdout), lines(all.stdout));
    });

    it('label selectors and field selectors', async () => {
      const docs = [
        configMap('sel-a', {}, { app: 'x', env: 'a' }),
        configMap('sel-b', {}, { app: 'x', env: 'b' }),
        configMap('sel-c', {}, { app: 'y', env: 'c' }),
        configMap('sel-d', {}, { app: 'y' }),
      ].join('\n---\n');
      await k(['apply', '-n', NS, '-f', '-'], docs);
      const names = async (...sel: string[]) => lines((await k(['get', 'configmaps', '-n', NS, '-o', 'name', ...sel])).stdout).filter((n) => n.startsWith('configmap/sel-'));
      assert.deepEqual(await names('-l', 'app=x'), ['configmap/sel-a', 'configmap/sel-b']);
      assert.deepEqual(await names('-l', 'env in (a,b)'), ['configmap/sel-a', 'configmap/sel-b']);
      assert.deepEqual(await names('-l', 'app=y,!env'), ['configmap/sel-d']);
      assert.deepEqual(await names('-l', 'env notin (a),app'), ['configmap/sel-b', 'configmap/sel-c', 'configmap/sel-d']);
      assert.deepEqual(await names('-l', 'app!=x'), ['configmap/sel-c', 'configmap/sel-d']);
      assert.deepEqual(await names('--field-selector', 'metadata.name=sel-c'), ['configmap/sel-c']);
      assert.deepEqual(await names('--field-selector', 'metadata.name!=sel-c', '-l', 'app=y'), ['configmap/sel-d']);
      const all = await k(['get', 'configmaps', '-A', '--field-selector', `metadata.namespace=${NS}`, '-l', 'app=x']);
      assert.match(all.stdout, /^NAMESPACE\s+NAME\s+DATA\s+AGE$/m);
      assert.match(all.stdout, /^kt\s+sel-a\s+0\s/m);
      const bad = await kFail(['get', 'configmaps', '-n', NS, '--field-selector', 'spec.foo=bar']);
      // ConfigMaps register no field label conversion: runtime.DefaultMetaV1FieldSelectorConversion answers
      assert.match(bad.stderr, /Error from server \(BadRequest\): .*"spec\.foo" is not a known field selector: only "metadata\.name", "metadata\.namespace"/);
    });
  });

  describe('server-side apply, diff, dry-run, generateName', () => {
    it('apply --server-side by two managers conflicts, then --force-conflicts takes over', async () => {
      const alice = configMap('ssa', { owner: 'alice', a: '1' });
      const r1 = await k(['apply', '--server-side', '--field-manager=alice', '-n', NS, '-f', '-'], alice);
      assert.equal(r1.stdout.trim(), 'configmap/ssa serverside-applied');
      const again = await k(['apply', '--server-side', '--field-manager=alice', '-n', NS, '-f', '-'], alice);
      assert.equal(again.stdout.trim(), 'configmap/ssa serverside-applied');

      const bob = configMap('ssa', { owner: 'bob' });
      const r2 = await kFail(['apply', '--server-side', '--field-manager=bob', '-n', NS, '-f', '-'], bob);
      assert.match(r2.stderr, /conflict/);
      assert.match(r2.stderr, /conflict with "alice"/);
      assert.match(r2.stderr, /\.data\.owner/);
      assert.equal(await jsonpath(['get', 'cm', 'ssa', '-n', NS], '{.data.owner}'), 'alice');

      await k(['apply', '--server-side', '--field-manager=bob', '--force-conflicts', '-n', NS, '-f', '-'], bob);
      const cm = await getJSON(['get', 'cm', 'ssa', '-n', NS, '--show-managed-fields']);
      assert.equal(cm.data.owner, 'bob');
      assert.equal(cm.data.a, '1', "alice still owns data.a; bob's apply must not remove it");
      const managers = Object.fromEntries(cm.metadata.managedFields.map((m: any) => [m.manager, m]));
      assert.equal(managers.alice?.operation, 'Apply');
      assert.equal(managers.bob?.operation, 'Apply');
      assert.equal(managers.alice.fieldsType, 'FieldsV1');
      assert.ok(managers.bob.fieldsV1['f:data']['f:owner'], 'bob owns data.owner');
      assert.equal(managers.alice.fieldsV1['f:data']['f:owner'], undefined, 'alice lost data.owner');
      assert.ok(managers.alice.fieldsV1['f:data']['f:a'], 'alice keeps data.a');
      // managedFields are hidden by default
      const plain = await getJSON(['get', 'cm', 'ssa', '-n', NS]);
      assert.equal(plain.metadata.managedFields, undefined);
    });

    it('diff exits 1 with a diff when different and 0 when the same', async () => {
      const base = configMap('difftest', { a: '1' });
      await k(['apply', '-n', NS, '-f', '-'], base);
      const same = await c.kubectl(['diff', '-n', NS, '-f', '-'], base);
      assert.equal(same.code, 0, `diff of an unchanged object must be empty:\n${same.stdout}${same.stderr}`);
      assert.equal(same.stdout, '');
      const changed = await c.kubectl(['diff', '-n', NS, '-f', '-'], configMap('difftest', { a: '2' }));
      assert.equal(changed.code, 1, changed.stderr);
      assert.match(changed.stdout, /^-\s+a: "1"$/m);
      assert.match(changed.stdout, /^\+\s+a: "2"$/m);
      // diff must not have changed anything
      assert.equal(await jsonpath(['get', 'cm', 'difftest', '-n', NS], '{.data.a}'), '1');
      // a new object diffs as all added
      const created = await c.kubectl(['diff', '-n', NS, '-f', '-'], configMap('diffnew', { z: '9' }));
      assert.equal(created.code, 1, created.stderr);
      assert.match(created.stdout, /^\+\s+z: "9"$/m);
      await kFail(['get', 'cm', 'diffnew', '-n', NS]);
    });

    it('--dry-run=server stores nothing', async () => {
      const r = await k(['create', '-n', NS, '-f', '-', '--dry-run=server', '-o', 'json'], configMap('dry', { a: 'b' }));
      const obj = JSON.parse(r.stdout);
      assert.equal(obj.metadata.name, 'dry');
      assert.ok(obj.metadata.uid, 'dry-run create returns the object as it would be stored');
      await kFail(['get', 'configmap', 'dry', '-n', NS]);
      const applied = await k(['apply', '--dry-run=server', '-n', NS, '-f', '-'], configMap('dry2', { a: 'b' }));
      assert.equal(applied.stdout.trim(), 'configmap/dry2 created (server dry run)');
      await kFail(['get', 'configmap', 'dry2', '-n', NS]);
      // dry-run update and delete leave the stored object alone
      const before = await getJSON(['get', 'cm', 'difftest', '-n', NS]);
      await k(['apply', '--dry-run=server', '-n', NS, '-f', '-'], configMap('difftest', { a: 'dry' }));
      const del = await k(['delete', 'configmap', 'difftest', '-n', NS, '--dry-run=server']);
      assert.equal(del.stdout.trim(), 'configmap "difftest" deleted (server dry run)');
      const afterObj = await getJSON(['get', 'cm', 'difftest', '-n', NS]);
      assert.equal(afterObj.data.a, '1');
      assert.equal(afterObj.metadata.resourceVersion, before.metadata.resourceVersion);
    });

    it('create -f of a manifest with generateName gets a generated name', async () => {
      const r1 = await k(['create', '-n', NS, '-f', join(FIXTURES, 'generate-name.yaml')]);
      const r2 = await k(['create', '-n', NS, '-f', join(FIXTURES, 'generate-name.yaml')]);
      // apiserver/pkg/storage/names/generate.go: 5 chars of utilrand's alphabet
      const re = /^configmap\/(gen-[bcdfghjklmnpqrstvwxz2456789]{5}) created$/;
      const n1 = r1.stdout.trim().match(re)?.[1];
      const n2 = r2.stdout.trim().match(re)?.[1];
      assert.ok(n1, r1.stdout);
      assert.ok(n2, r2.stdout);
      assert.notEqual(n1, n2);
      const got = await getJSON(['get', 'cm', n1!, '-n', NS]);
      assert.equal(got.metadata.generateName, 'gen-');
    });
  });

  describe('kubectl create <generator> (typed client: protobuf request bodies)', () => {
    // kubectl v1.33's generator commands use the typed clientset, which sends
    // `Content-Type: application/vnd.kubernetes.protobuf` (Accept: protobuf, then JSON).
    it('create namespace', async () => {
      const r = await k(['create', 'namespace', 'gen-ns']);
      assert.equal(r.stdout.trim(), 'namespace/gen-ns created');
      assert.equal(await jsonpath(['get', 'ns', 'gen-ns'], '{.status.phase}'), 'Active');
    });

    it('create configmap / secret', async () => {
      assert.equal((await k(['create', 'configmap', 'gen-cm', '-n', NS, '--from-literal=a=b'])).stdout.trim(), 'configmap/gen-cm created');
      assert.equal(await jsonpath(['get', 'cm', 'gen-cm', '-n', NS], '{.data.a}'), 'b');
      assert.equal((await k(['create', 'secret', 'generic', 'gen-secret', '-n', NS, '--from-literal=pw=s3cret'])).stdout.trim(), 'secret/gen-secret created');
      assert.equal(await jsonpath(['get', 'secret', 'gen-secret', '-n', NS], '{.data.pw}'), Buffer.from('s3cret').toString('base64'));
      assert.equal(await jsonpath(['get', 'secret', 'gen-secret', '-n', NS], '{.type}'), 'Opaque');
    });

    it('create deployment and expose it', async () => {
      assert.equal((await k(['create', 'deployment', 'gen-deploy', '-n', NS, '--image=nginx:1.25', '--replicas=2', '--port=80'])).stdout.trim(), 'deployment.apps/gen-deploy created');
      assert.equal(await jsonpath(['get', 'deploy', 'gen-deploy', '-n', NS], '{.spec.replicas}'), '2');
      const e = await k(['expose', 'deployment', 'gen-deploy', '-n', NS, '--port=8080', '--target-port=80']);
      assert.equal(e.stdout.trim(), 'service/gen-deploy exposed');
      const svc = await getJSON(['get', 'svc', 'gen-deploy', '-n', NS]);
      assert.deepEqual(svc.spec.selector, { app: 'gen-deploy' });
      assert.match(svc.spec.clusterIP, /^\d+\.\d+\.\d+\.\d+$/);
      assert.equal(svc.spec.ports[0].port, 8080);
    });

    it('create in a missing namespace is refused with NotFound', async () => {
      const r = await kFail(['create', 'configmap', 'lost', '-n', 'nope']);
      assert.match(r.stderr, /namespaces "nope" not found/);
    });

    it('create --dry-run=server', async () => {
      const r = await k(['create', 'configmap', 'gen-dry', '-n', NS, '--from-literal=a=b', '--dry-run=server', '-o', 'name']);
      assert.equal(r.stdout.trim(), 'configmap/gen-dry');
      await kFail(['get', 'cm', 'gen-dry', '-n', NS]);
    });
  });

  describe('namespaces', () => {
    it('the four system namespaces exist and are Active', async () => {
      const r = await k(['get', 'namespaces']);
      for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease', NS]) assert.match(r.stdout, new RegExp(`^${ns}\\s+Active\\s`, 'm'), `namespace ${ns}`);
      // set on every namespace since v1.21 (NamespaceDefaultLabelName)
      const ns = await getJSON(['get', 'namespace', NS]);
      assert.equal(ns.metadata.labels['kubernetes.io/metadata.name'], NS);
      assert.deepEqual(ns.spec.finalizers, ['kubernetes']);
      assert.equal(ns.status.phase, 'Active');
    });

    it('objects in a missing namespace are refused', async () => {
      const r = await kFail(['apply', '-n', 'nope', '-f', '-'], configMap('lost', { a: 'b' }));
      assert.match(r.stderr, /namespaces "nope" not found/);
    });
  });

  describe('custom resources', () => {
    const CR = (name: string, extra = '') => `
apiVersion: stable.example.com/v1
kind: CronTab
metadata:
  name: ${name}
spec:
  cronSpec: "* * * * */5"
  image: my-awesome-cron-image
${extra}`;

    it('create the CronTab CRD and wait for it to be established', async () => {
      const r = await k(['apply', '-f', join(FIXTURES, 'crontab-crd.yaml')]);
      assert.equal(r.stdout.trim(), 'customresourcedefinition.apiextensions.k8s.io/crontabs.stable.example.com created');
      const w = await k(['wait', '--for', 'condition=established', '--timeout=60s', 'crd/crontabs.stable.example.com']);
      assert.equal(w.stdout.trim(), 'customresourcedefinition.apiextensions.k8s.io/crontabs.stable.example.com condition met');
      const crd = await getJSON(['get', 'crd', 'crontabs.stable.example.com']);
      assert.equal(crd.status.acceptedNames.kind, 'CronTab');
      assert.deepEqual(crd.status.storedVersions, ['v1']);
    });

    it('create, get (by plural, singular and short name), list, patch, delete CronTabs', async () => {
      const r = await k(['apply', '-n', NS, '-f', '-'], CR('my-new-cron-object'));
      assert.equal(r.stdout.trim(), 'crontab.stable.example.com/my-new-cron-object created');
      await k(['create', '-n', NS, '-f', '-'], CR('second-cron'));

      const table = await k(['get', 'crontabs', '-n', NS]);
      const rows = lines(table.stdout);
      assert.match(rows[0], /^NAME\s+AGE$/);
      assert.match(rows[1], /^my-new-cron-object\s+\d+[smhd]/);
      assert.equal(rows.length, 3);
      assert.deepEqual(lines((await k(['get', 'ct', '-n', NS, '-o', 'name'])).stdout), ['crontab.stable.example.com/my-new-cron-object', 'crontab.stable.example.com/second-cron']);
      assert.equal(await jsonpath(['get', 'crontab', 'my-new-cron-object', '-n', NS], '{.spec.image}'), 'my-awesome-cron-image');
      assert.equal(await jsonpath(['get', 'crontabs.stable.example.com', 'my-new-cron-object', '-n', NS], '{.kind}'), 'CronTab');

      await k(['patch', 'ct', 'my-new-cron-object', '-n', NS, '--type=merge', '-p', '{"spec":{"replicas":5}}']);
      const obj = await getJSON(['get', 'ct', 'my-new-cron-object', '-n', NS]);
      assert.equal(obj.spec.replicas, 5);
      assert.equal(obj.spec.image, 'my-awesome-cron-image');
      assert.equal(obj.metadata.generation, 2);

      // client-side apply of a changed CR uses a JSON merge patch
      const applied = await k(['apply', '-n', NS, '-f', '-'], CR('my-new-cron-object').replace('my-awesome-cron-image', 'other-image'));
      assert.equal(applied.stdout.trim(), 'crontab.stable.example.com/my-new-cron-object configured');
      assert.equal(await jsonpath(['get', 'ct', 'my-new-cron-object', '-n', NS], '{.spec.image}'), 'other-image');

      const d = await k(['delete', 'ct', 'second-cron', '-n', NS]);
      assert.equal(d.stdout.trim(), 'crontab.stable.example.com "second-cron" deleted');
      assert.deepEqual(lines((await k(['get', 'ct', '-n', NS, '-o', 'name'])).stdout), ['crontab.stable.example.com/my-new-cron-object']);
    });

    it('a CR violating its schema is rejected with 422 naming the field', async () => {
      const bad = await c.json('POST', `/apis/stable.example.com/v1/namespaces/${NS}/crontabs`, {
        apiVersion: 'stable.example.com/v1',
        kind: 'CronTab',
        metadata: { name: 'bad-cron' },
        spec: { cronSpec: '* * * * *', replicas: 'three' },
      });
      assert.equal(bad.status, 422, JSON.stringify(bad.body));
      assert.equal(bad.body.kind, 'Status');
      assert.equal(bad.body.reason, 'Invalid');
      assert.ok(bad.body.details.causes.some((x: any) => x.field === 'spec.replicas'), JSON.stringify(bad.body));
      assert.match(bad.body.message, /^CronTab\.stable\.example\.com "bad-cron" is invalid: spec\.replicas: Invalid value: "string": spec\.replicas in body must be of type integer: "string"/);

      const min = await kFail(['apply', '-n', NS, '-f', '-'], CR('low-cron', '  replicas: 0'));
      assert.match(min.stderr, /The CronTab "low-cron" is invalid: spec\.replicas: Invalid value: 0: spec\.replicas in body should be greater than or equal to 1/);

      const unknown = await kFail(['apply', '-n', NS, '-f', '-'], CR('odd-cron', '  foo: bar'));
      assert.match(unknown.stderr, /unknown field "spec\.foo"/);
      await kFail(['get', 'ct', 'bad-cron', '-n', NS]);
      await kFail(['get', 'ct', 'low-cron', '-n', NS]);
      await kFail(['get', 'ct', 'odd-cron', '-n', NS]);
    });
  });

  describe('error messages', () => {
    it('NotFound', async () => {
      const r = await kFail(['get', 'deploy', 'nope', '-n', NS]);
      assert.equal(r.stderr.trim(), 'Error from server (NotFound): deployments.apps "nope" not found');
    });

    it('AlreadyExists', async () => {
      const cm = configMap('twice', { a: 'b' });
      await k(['create', '-n', NS, '-f', '-'], cm);
      const r = await kFail(['create', '-n', NS, '-f', '-'], cm);
      assert.match(r.stderr, /Error from server \(AlreadyExists\): error when creating "STDIN": configmaps "twice" already exists/);
    });

    it('Invalid name', async () => {
      const r = await kFail(['create', '-n', NS, '-f', '-'], configMap('Bad_Name', { a: 'b' }));
      assert.match(r.stderr, /The ConfigMap "Bad_Name" is invalid: metadata\.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters/);
    });

    it('unknown field with the default strict validation', async () => {
      const r = await kFail(['apply', '-n', NS, '-f', '-'], DEPLOYMENT.replace('name: web', 'name: strict').replace('replicas: 1', 'replicas: 1\n  foo: bar'));
      assert.match(r.stderr, /Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec\.foo"/);
      await kFail(['get', 'deploy', 'strict', '-n', NS]);
      // --validate=false drops the field instead
      await k(['apply', '--validate=false', '-n', NS, '-f', '-'], DEPLOYMENT.replace('name: web', 'name: lax').replace('replicas: 1', 'replicas: 1\n  foo: bar'));
      const lax = await getJSON(['get', 'deploy', 'lax', '-n', NS]);
      assert.equal(lax.spec.foo, undefined);
    });

    it('Invalid spec (validation of a built-in kind)', async () => {
      const bad = DEPLOYMENT.replace('name: web', 'name: badsel').replace('      app: web\n  template', '      app: other\n  template');
      const r = await kFail(['apply', '-n', NS, '-f', '-'], bad);
      assert.match(r.stderr, /The Deployment "badsel" is invalid/);
      assert.match(r.stderr, /spec\.template\.metadata\.labels: Invalid value: map\[string\]string\{"app":"web"\}: `selector` does not match template `labels`/);
    });
  });

  describe('helm', () => {
    const chart = join(FIXTURES, 'chart');
    const HNS = 'helm-test';
    const releaseList = async () => JSON.parse((await c.helm(['list', '-n', HNS, '-o', 'json'])).stdout);

    it('helm version', async () => {
      const r = await c.helm(['version']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /Version:"v3\./);
    });

    it('install, list', async () => {
      const r = await c.helm(['install', 'rel1', chart, '-n', HNS, '--create-namespace']);
      assert.equal(r.code, 0, r.stderr + r.stdout);
      assert.match(r.stdout, /STATUS: deployed/);
      assert.match(r.stdout, /REVISION: 1/);
      const list = await releaseList();
      assert.equal(list.length, 1);
      assert.equal(list[0].name, 'rel1');
      assert.equal(list[0].status, 'deployed');
      assert.equal(list[0].revision, '1');
      assert.equal(list[0].chart, 'tiny-0.1.0');
      const table = await c.helm(['list', '-n', HNS]);
      assert.match(table.stdout, /^rel1\s+helm-test\s+1\s+.*deployed\s+tiny-0\.1\.0\s+1\.0/m);

      const cm = await getJSON(['get', 'cm', 'rel1-config', '-n', HNS]);
      assert.equal(cm.data.greeting, 'hello');
      assert.equal(cm.metadata.labels['app.kubernetes.io/managed-by'], 'Helm');
      assert.equal(cm.metadata.annotations['meta.helm.sh/release-name'], 'rel1');
      assert.equal(cm.metadata.annotations['meta.helm.sh/release-namespace'], HNS);
      const svc = await getJSON(['get', 'svc', 'rel1-svc', '-n', HNS]);
      assert.match(svc.spec.clusterIP, /^\d+\.\d+\.\d+\.\d+$/);
      assert.equal(svc.spec.type, 'ClusterIP');
      assert.equal(svc.spec.ports[0].port, 8080);
    });

    it('installing the same release name again is refused', async () => {
      const r = await c.helm(['install', 'rel1', chart, '-n', HNS]);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /cannot re-use a name that is still in use/);
    });

    it('upgrade with a changed value', async () => {
      const r = await c.helm(['upgrade', 'rel1', chart, '-n', HNS, '--set', 'greeting=bye', '--set', 'port=9090']);
      assert.equal(r.code, 0, r.stderr + r.stdout);
      assert.match(r.stdout, /REVISION: 2/);
      assert.equal(await jsonpath(['get', 'cm', 'rel1-config', '-n', HNS], '{.data.greeting}'), 'bye');
      assert.equal(await jsonpath(['get', 'svc', 'rel1-svc', '-n', HNS], '{.spec.ports[0].port}'), '9090');
      const list = await releaseList();
      assert.equal(list[0].revision, '2');
    });

    it('rollback', async () => {
      const r = await c.helm(['rollback', 'rel1', '1', '-n', HNS]);
      assert.equal(r.code, 0, r.stderr + r.stdout);
      assert.match(r.stdout, /Rollback was a success/);
      assert.equal(await jsonpath(['get', 'cm', 'rel1-config', '-n', HNS], '{.data.greeting}'), 'hello');
      assert.equal(await jsonpath(['get', 'svc', 'rel1-svc', '-n', HNS], '{.spec.ports[0].port}'), '8080');
      const list = await releaseList();
      assert.equal(list[0].revision, '3');
      const hist = await c.helm(['history', 'rel1', '-n', HNS, '-o', 'json']);
      assert.equal(hist.code, 0, hist.stderr);
      assert.deepEqual(
        JSON.parse(hist.stdout).map((h: any) => [h.revision, h.status]),
        [
          [1, 'superseded'],
          [2, 'superseded'],
          [3, 'deployed'],
        ],
      );
    });

    it('release Secrets sh.helm.release.v1.<name>.v<N> carry owner=helm', async () => {
      const r = await k(['get', 'secrets', '-n', HNS, '-l', 'owner=helm,name=rel1', '-o', 'json']);
      const items = JSON.parse(r.stdout).items;
      assert.deepEqual(items.map((s: any) => s.metadata.name).sort(), ['sh.helm.release.v1.rel1.v1', 'sh.helm.release.v1.rel1.v2', 'sh.helm.release.v1.rel1.v3']);
      for (const s of items) {
        assert.equal(s.type, 'helm.sh/release.v1');
        assert.equal(s.metadata.labels.owner, 'helm');
        assert.ok(s.data.release, 'release payload');
      }
      const status = Object.fromEntries(items.map((s: any) => [s.metadata.name, s.metadata.labels.status]));
      assert.equal(status['sh.helm.release.v1.rel1.v3'], 'deployed');
      assert.equal(status['sh.helm.release.v1.rel1.v1'], 'superseded');
    });

    it('uninstall removes the objects and the release', async () => {
      const r = await c.helm(['uninstall', 'rel1', '-n', HNS]);
      assert.equal(r.code, 0, r.stderr + r.stdout);
      assert.match(r.stdout, /release "rel1" uninstalled/);
      await kFail(['get', 'cm', 'rel1-config', '-n', HNS]);
      await kFail(['get', 'svc', 'rel1-svc', '-n', HNS]);
      const secrets = await k(['get', 'secrets', '-n', HNS, '-l', 'owner=helm', '-o', 'name']);
      assert.equal(secrets.stdout.trim(), '');
      assert.deepEqual(await releaseList(), []);
    });
  });
});
