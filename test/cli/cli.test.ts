/**
 * The skiff CLI end to end, as a user runs it: real processes, a temp data dir, real signals.
 *
 * It runs `node --import tsx server/cli/main.ts` rather than the bundle dist/skiff.js, because
 * building the bundle (esbuild.mjs) builds every target and other parts of the tree may not
 * compile at any given moment; the code is the same.
 *
 * The tests that need a running cluster use the real startCluster (server/cluster.ts). When it
 * cannot be loaded they are skipped, unless SKIFF_CLI_TEST_STUB=1 runs them against the fixture
 * stub (test/cli/fixtures/stub-cluster.ts), which exercises the CLI's own process handling only.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import YAML from 'yaml';

const ROOT = resolve(__dirname, '../..');
const KUBECTL = join(ROOT, '.tools/kubectl/kubectl');
const USE_STUB = process.env.SKIFF_CLI_TEST_STUB === '1';
const ENTRY = join(ROOT, USE_STUB ? 'test/cli/fixtures/skiff-with-stub-cluster.ts' : 'server/cli/main.ts');

/** Why the cluster-backed tests cannot run, or false. */
const noCluster: string | false = (() => {
  if (USE_STUB) return false;
  try {
    const mod = require('../../server/cluster.js') as { startCluster?: unknown };
    return typeof mod.startCluster === 'function' ? false : 'server/cluster.ts exports no startCluster yet (SKIFF_CLI_TEST_STUB=1 runs these against a stub)';
  } catch (err) {
    return `server/cluster.ts does not load yet: ${String((err as Error).message).split('\n')[0]} (SKIFF_CLI_TEST_STUB=1 runs these against a stub)`;
  }
})();

const scratch = mkdtempSync(join(tmpdir(), 'skiff-cli-'));
const home = join(scratch, 'home');
mkdirSync(home);

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function skiff(args: string[], env: Record<string, string> = {}, timeoutMs = 120_000): Promise<Result> {
  return new Promise((resolvePromise, reject) => {
    const childEnv: NodeJS.ProcessEnv = { ...process.env, HOME: home, ...env };
    delete childEnv.SKIFF_DATA_DIR;
    delete childEnv.NODE_TEST_CONTEXT; // the CLI is not a test file
    const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, ...args], { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}

/** A usage or runtime error: exactly one line on stderr, `skiff: ...`, nothing on stdout. */
function assertOneLineError(r: Result, code: number, message: string | RegExp): void {
  assert.equal(r.code, code, `exit code; stderr: ${r.stderr}`);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^skiff: [^\n]+\n$/, `one line: ${JSON.stringify(r.stderr)}`);
  if (typeof message === 'string') assert.equal(r.stderr, `skiff: ${message}\n`);
  else assert.match(r.stderr, message);
}

function clusterJson(dir: string): { pid: number; port: number; host: string } {
  return JSON.parse(readFileSync(join(dir, 'cluster.json'), 'utf8'));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

function api(dir: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: string }> {
  const { port } = clusterJson(dir);
  return new Promise((resolvePromise, reject) => {
    const req = https.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        agent: false,
        ca: readFileSync(join(dir, 'pki/ca.crt')),
        cert: readFileSync(join(dir, 'pki/admin.crt')),
        key: readFileSync(join(dir, 'pki/admin.key')),
        headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      },
      (res) => {
        let data = '';
        res.on('data', (d) => (data += d));
        res.on('end', () => resolvePromise({ status: res.statusCode ?? 0, body: data }));
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

function run(cmd: string, args: string[]): Promise<Result> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
  });
}

/** Data dirs a test may have left a cluster running in. */
const used = new Set<string>();
function dataDir(name: string): string {
  const d = join(scratch, name);
  used.add(d);
  return d;
}

after(async () => {
  for (const d of used) {
    if (existsSync(join(d, 'cluster.json')) || existsSync(join(d, 'skiff.pid'))) await skiff(['down', '--data-dir', d]);
  }
  rmSync(scratch, { recursive: true, force: true });
});

describe('skiff CLI: usage and errors', () => {
  it('prints usage for no arguments, -h and --help', async () => {
    for (const args of [[], ['-h'], ['--help']]) {
      const r = await skiff(args);
      assert.equal(r.code, 0);
      assert.match(r.stdout, /^Usage:$/m);
      assert.match(r.stdout, /skiff up {5}\[--data-dir DIR\]/);
      assert.equal(r.stderr, '');
    }
    const up = await skiff(['up', '--help']);
    assert.equal(up.code, 0);
    assert.match(up.stdout, /^Usage: skiff up /);
  });

  it('rejects a bad flag, a bad value and an unknown command with one line and exit 2', async () => {
    assertOneLineError(await skiff(['up', '--bogus']), 2, `unknown flag --bogus for 'skiff up' (run 'skiff up --help' for usage)`);
    assertOneLineError(await skiff(['up', '--nodes', 'abc']), 2, 'invalid value "abc" for --nodes: must be a whole number from 1 to 5000');
    assertOneLineError(await skiff(['up', '--runtime', 'foo']), 2, 'invalid value "foo" for --runtime: must be one of auto, docker, simulated');
    assertOneLineError(await skiff(['launch']), 2, `unknown command "launch" (run 'skiff --help' for usage)`);
  });

  it('reports a port in use in one line, before starting anything', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as AddressInfo).port;
    try {
      const dir = dataDir('port-taken');
      const message = `port ${port} is already in use (use --port N, or --port 0 for any free port)`;
      assertOneLineError(await skiff(['up', '--data-dir', dir, '--port', String(port)]), 1, message);
      assertOneLineError(await skiff(['up', '--data-dir', dir, '--port', String(port), '--foreground']), 1, message);
      assert.ok(!existsSync(join(dir, 'cluster.json')));
      assert.ok(!existsSync(join(dir, 'skiff.pid')), 'the lock is released');
    } finally {
      blocker.close();
    }
  });

  it('reports a data dir it cannot write in one line', async () => {
    const file = join(scratch, 'a-file');
    writeFileSync(file, 'x');
    assertOneLineError(await skiff(['up', '--data-dir', join(file, 'sub'), '--port', '0']), 1, /^skiff: cannot write to data dir .*a-file\/sub: /);
  });

  it('reports a read-only data dir in one line', { skip: process.getuid?.() === 0 ? 'running as root: permissions do not apply' : false }, async () => {
    const dir = dataDir('read-only');
    mkdirSync(dir);
    chmodSync(dir, 0o500);
    try {
      assertOneLineError(await skiff(['up', '--data-dir', dir, '--port', '0']), 1, `cannot write to data dir ${dir}: permission denied`);
    } finally {
      chmodSync(dir, 0o700);
    }
  });

  it('status of a dir without a cluster: stopped, exit 3; down: not running, exit 0', async () => {
    const dir = dataDir('never-used');
    const status = await skiff(['status', '--data-dir', dir]);
    assert.equal(status.code, 3);
    assert.match(status.stdout, /^Skiff cluster: stopped$/m);
    assert.match(status.stdout, new RegExp(`data dir: +${dir}`));
    const down = await skiff(['down', '--data-dir', dir]);
    assert.equal(down.code, 0);
    assert.match(down.stdout, /is not running/);
  });

  it('cleans up a stale cluster.json whose process is gone', async () => {
    const dir = dataDir('stale');
    mkdirSync(dir);
    const dead = spawn(process.execPath, ['-e', '0']);
    await new Promise((r) => dead.on('exit', r));
    writeFileSync(join(dir, 'cluster.json'), JSON.stringify({ pid: dead.pid, port: 1, host: '127.0.0.1', startedAt: '' }));
    writeFileSync(join(dir, 'skiff.pid'), `${dead.pid}\n`);
    const status = await skiff(['status', '--data-dir', dir]);
    assert.equal(status.code, 3);
    assert.match(status.stdout, /stopped/);
    assert.ok(!existsSync(join(dir, 'cluster.json')));
    assert.ok(!existsSync(join(dir, 'skiff.pid')));
  });

  it('reset refuses /, the home directory and directories Skiff never used', async () => {
    assertOneLineError(await skiff(['reset', '--data-dir', '/']), 1, 'refusing to reset /: it is the root directory');
    assertOneLineError(await skiff(['reset', '--data-dir', home]), 1, /^skiff: refusing to reset .*: it is your home directory/);
    assertOneLineError(await skiff(['reset', '--data-dir', scratch], { HOME: home }), 1, /^skiff: refusing to reset .*: it contains your home directory\n$/);
    const foreign = dataDir('foreign');
    mkdirSync(foreign);
    writeFileSync(join(foreign, 'precious.txt'), 'keep me');
    assertOneLineError(await skiff(['reset', '--data-dir', foreign]), 1, `${foreign} is not a Skiff data dir (it has no .skiff-data-dir file); not deleting anything`);
    assert.equal(readFileSync(join(foreign, 'precious.txt'), 'utf8'), 'keep me');
    const missing = await skiff(['reset', '--data-dir', join(scratch, 'missing')]);
    assert.equal(missing.code, 0);
    assert.match(missing.stdout, /Nothing to reset/);
  });

  it('reset keeps what was in the dir before Skiff used it', async () => {
    const dir = dataDir('shared');
    mkdirSync(dir);
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    // what `skiff up` leaves behind, without running a cluster
    writeFileSync(join(dir, '.skiff-data-dir'), JSON.stringify({ skiff: 1, createdAt: '', createdDir: false, preexisting: ['notes.txt'] }));
    mkdirSync(join(dir, 'pki'));
    writeFileSync(join(dir, 'pki/ca.crt'), 'x');
    writeFileSync(join(dir, 'kubeconfig'), 'x');
    writeFileSync(join(dir, 'skiff.log'), 'x');
    const r = await skiff(['reset', '--data-dir', dir]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(existsSync(join(dir, 'notes.txt')));
    for (const f of ['pki', 'kubeconfig', 'skiff.log', '.skiff-data-dir']) assert.ok(!existsSync(join(dir, f)), f);
  });
});

describe('skiff CLI: cluster lifecycle', { skip: noCluster }, () => {
  const dir = dataDir('lifecycle');
  let pid = 0;
  let port = 0;

  it('up starts a background cluster, prints the kubeconfig and the hint, exits 0', async () => {
    const r = await skiff(['up', '--data-dir', dir, '--port', '0', '--runtime', 'simulated', '--nodes', '2']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.includes(`Kubeconfig: ${dir}/kubeconfig\n`), r.stdout);
    assert.ok(r.stdout.includes(`export KUBECONFIG=${dir}/kubeconfig; kubectl get nodes\n`), r.stdout);
    ({ pid, port } = clusterJson(dir));
    assert.ok(alive(pid));
    assert.ok(port > 0);
    assert.ok(existsSync(join(dir, 'skiff.log')));
  });

  it('status shows it running', async () => {
    const r = await skiff(['status', '--data-dir', dir]);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^Skiff cluster: running$/m);
    assert.match(r.stdout, new RegExp(`pid: +${pid}$`, 'm'));
    assert.match(r.stdout, new RegExp(`API server: +https://127\\.0\\.0\\.1:${port}$`, 'm'));
    assert.match(r.stdout, new RegExp(`kubeconfig: +${dir}/kubeconfig$`, 'm'));
    assert.match(r.stdout, new RegExp(`data dir: +${dir}$`, 'm'));
  });

  it('writes a kubeconfig with context skiff, mode 0600, that reaches the API', async () => {
    const path = join(dir, 'kubeconfig');
    assert.equal(statSync(path).mode & 0o777, 0o600);
    const kc = YAML.parse(readFileSync(path, 'utf8'));
    assert.equal(kc['current-context'], 'skiff');
    assert.equal(kc.contexts[0].name, 'skiff');
    assert.equal(kc.clusters[0].cluster.server, `https://127.0.0.1:${port}`);
    if (existsSync(KUBECTL)) {
      const r = await run(KUBECTL, ['--kubeconfig', path, 'get', '--raw', '/healthz']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.trim(), 'ok');
    }
  });

  it('a second up says it is already running and exits 0', async () => {
    const r = await skiff(['up', '--data-dir', dir, '--port', '0']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /already running/);
    assert.ok(r.stdout.includes(`${dir}/kubeconfig`));
    assert.equal(clusterJson(dir).pid, pid);
  });

  it('a second cluster in another data dir runs side by side', async () => {
    const other = dataDir('side-by-side');
    const r = await skiff(['up', '--data-dir', other, '--port', '0', '--runtime', 'simulated', '--nodes', '1']);
    assert.equal(r.code, 0, r.stderr);
    assert.notEqual(clusterJson(other).port, port);
    assert.equal((await skiff(['status', '--data-dir', dir])).code, 0);
    assert.equal((await skiff(['status', '--data-dir', other])).code, 0);
    const reset = await skiff(['reset', '--data-dir', other]);
    assert.equal(reset.code, 0, reset.stderr);
    assert.ok(!existsSync(other));
  });

  it('down stops it and keeps the state; status then says stopped', async () => {
    const created = await api(dir, 'POST', '/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kept' }, data: { a: '1' } });
    assert.equal(created.status, 201, created.body);

    const r = await skiff(['down', '--data-dir', dir]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Stopped /);
    assert.ok(!alive(pid));
    assert.ok(!existsSync(join(dir, 'cluster.json')));
    assert.ok(existsSync(join(dir, 'pki/ca.crt')));
    assert.ok(existsSync(join(dir, 'kubeconfig')));

    const status = await skiff(['status', '--data-dir', dir]);
    assert.equal(status.code, 3);
    assert.match(status.stdout, /^Skiff cluster: stopped$/m);

    const again = await skiff(['down', '--data-dir', dir]);
    assert.equal(again.code, 0);
    assert.match(again.stdout, /not running/);
  });

  it('up again resumes the same cluster', async () => {
    const ca = readFileSync(join(dir, 'pki/ca.crt'), 'utf8');
    const r = await skiff(['up', '--data-dir', dir, '--port', '0', '--runtime', 'simulated', '--nodes', '2']);
    assert.equal(r.code, 0, r.stderr);
    assert.notEqual(clusterJson(dir).pid, pid);
    assert.equal(readFileSync(join(dir, 'pki/ca.crt'), 'utf8'), ca, 'same CA');
    const got = await api(dir, 'GET', '/api/v1/namespaces/default/configmaps/kept');
    assert.equal(got.status, 200, got.body);
    assert.deepEqual(JSON.parse(got.body).data, { a: '1' });
  });

  it('reset stops it and removes its state', async () => {
    const running = clusterJson(dir).pid;
    const r = await skiff(['reset', '--data-dir', dir]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!alive(running));
    assert.ok(!existsSync(dir), 'Skiff created the dir, so reset removes it');
  });
});

describe('skiff CLI: up --foreground', { skip: noCluster }, () => {
  let child: ChildProcess;
  let output = '';
  const dir = dataDir('foreground');

  before(async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: home };
    delete env.NODE_TEST_CONTEXT;
    child = spawn(process.execPath, ['--import', 'tsx', ENTRY, 'up', '--foreground', '--data-dir', dir, '--port', '0', '--runtime', 'simulated', '--nodes', '1'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    const deadline = Date.now() + 60_000;
    while (!existsSync(join(dir, 'cluster.json'))) {
      if (child.exitCode !== null) throw new Error(`exited early: ${output}`);
      if (Date.now() > deadline) throw new Error(`did not start: ${output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  });
  after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });

  it('serves, writes the kubeconfig and prints the hint', async () => {
    assert.equal(clusterJson(dir).pid, child.pid);
    assert.ok(existsSync(join(dir, 'kubeconfig')));
    await new Promise((r) => setTimeout(r, 100));
    assert.ok(output.includes(`export KUBECONFIG=${dir}/kubeconfig; kubectl get nodes`), output);
    const r = await skiff(['status', '--data-dir', dir]);
    assert.equal(r.code, 0);
  });

  it('stops cleanly on SIGTERM and removes cluster.json', async () => {
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    assert.equal(await exited, 0, output);
    assert.ok(!existsSync(join(dir, 'cluster.json')));
    assert.ok(!existsSync(join(dir, 'skiff.pid')));
  });
});
