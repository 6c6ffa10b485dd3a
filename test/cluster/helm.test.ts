/**
 * helm v3 against a running cluster: the chart `helm create` scaffolds installs and becomes ready
 * (`--wait` needs the controllers and kubelets), upgrades to 2 replicas, rolls back to 1, and
 * uninstalls everything it created.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestCluster, type RunResult, type TestCluster } from '../helpers/cluster.js';
import { isReady, kube, waitFor } from './fixtures/util.js';

const SELECTOR = 'app.kubernetes.io/instance=demo,app.kubernetes.io/name=demo';

describe('helm', { timeout: 240_000 }, () => {
  let c: TestCluster;
  let work: string;
  const kb = kube(() => c);
  const describeState = async () => (await c.kubectl(['get', 'deploy,rs,pods,svc,sa', '-o', 'wide'])).stdout;

  async function helm(args: string[], cwd = work): Promise<RunResult> {
    const r = await c.helm(args, cwd);
    assert.equal(r.code, 0, `helm ${args.join(' ')} failed (${r.code}):\n${r.stderr}${r.stdout}\n${await describeState()}`);
    return r;
  }
  const livePods = async () => (await kb.items(['pods', '-l', SELECTOR])).filter((p) => !p.metadata.deletionTimestamp);

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'skiff-helm-'));
    c = await startTestCluster(['--nodes', '2']);
  });
  after(async () => {
    await c?.stop();
    c?.cleanup();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('helm create scaffolds a chart', async () => {
    const r = await helm(['create', 'demo']);
    assert.match(r.stdout, /Creating demo/);
  });

  it('helm install --wait succeeds with a ready pod', async () => {
    const r = await helm(['install', 'demo', './demo', '--wait', '--timeout', '90s']);
    assert.match(r.stdout, /STATUS: deployed/);
    assert.match(r.stdout, /REVISION: 1/);
    const ps = await livePods();
    assert.equal(ps.length, 1);
    assert.ok(isReady(ps[0]), `pod not ready: ${JSON.stringify(ps[0].status)}`);
    const d = await kb.getJSON(['get', 'deployment', 'demo']);
    assert.equal(d.metadata.labels['app.kubernetes.io/managed-by'], 'Helm');
    assert.equal(d.metadata.annotations['meta.helm.sh/release-name'], 'demo');
    assert.equal(d.status.readyReplicas, 1);
    await kb.k(['get', 'service', 'demo']);
    await kb.k(['get', 'serviceaccount', 'demo']);
    const list = (await helm(['list', '-o', 'json'])).stdout;
    const releases = JSON.parse(list);
    assert.equal(releases.length, 1);
    assert.equal(releases[0].name, 'demo');
    assert.equal(releases[0].status, 'deployed');
  });

  it('helm upgrade --set replicaCount=2 --wait gives 2 ready pods', async () => {
    const r = await helm(['upgrade', 'demo', './demo', '--set', 'replicaCount=2', '--wait', '--timeout', '90s']);
    assert.match(r.stdout, /REVISION: 2/);
    const d = await kb.getJSON(['get', 'deployment', 'demo']);
    assert.equal(d.spec.replicas, 2);
    assert.equal(d.status.readyReplicas, 2);
    const ps = await livePods();
    assert.equal(ps.filter(isReady).length, 2, ps.map((p) => `${p.metadata.name} ${p.status?.phase}`).join('\n'));
  });

  it('helm rollback demo 1 --wait goes back to 1 replica', async () => {
    const r = await helm(['rollback', 'demo', '1', '--wait', '--timeout', '90s']);
    assert.match(r.stdout, /Rollback was a success/);
    const d = await kb.getJSON(['get', 'deployment', 'demo']);
    assert.equal(d.spec.replicas, 1);
    await waitFor('1 demo pod left', async () => (await livePods()).length === 1 && (await kb.items(['pods', '-l', SELECTOR])).length === 1, {
      describe: describeState,
    });
    const history = JSON.parse((await helm(['history', 'demo', '-o', 'json'])).stdout);
    assert.deepEqual(
      history.map((h: any) => [h.revision, h.status]),
      [
        [1, 'superseded'],
        [2, 'superseded'],
        [3, 'deployed'],
      ],
    );
  });

  it('helm uninstall removes the deployment, service, service account and pods', async () => {
    const r = await helm(['uninstall', 'demo']);
    assert.match(r.stdout, /release "demo" uninstalled/);
    for (const kind of ['deployment', 'service', 'serviceaccount']) {
      const g = await kb.k(['get', kind, 'demo', '--ignore-not-found']);
      assert.equal(g.stdout.trim(), '', `${kind}/demo still exists`);
    }
    await waitFor('demo pods and ReplicaSets to be garbage collected', async () => (await kb.items(['pods,rs', '-l', SELECTOR])).length === 0, {
      describe: describeState,
    });
    const secrets = await kb.items(['secrets', '-l', 'owner=helm,name=demo']);
    assert.deepEqual(secrets.map((s) => s.metadata.name), []);
  });
});
