/**
 * Test harness: runs the real built cluster (`dist/skiff.js up --foreground`) in a temp data dir
 * and drives it with the real kubectl and helm unpacked by scripts/fetch-kubectl.mjs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '../..');
export const KUBECTL = join(ROOT, '.tools/kubectl/kubectl');
export const HELM = join(ROOT, '.tools/helm/helm');
export const SKIFF = join(ROOT, 'dist/skiff.js');

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(cmd: string, args: string[], opts: { input?: string; env?: Record<string, string>; cwd?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { env: { ...process.env, ...opts.env }, cwd: opts.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code: code ?? -1, stdout, stderr });
    });
    child.stdin.end(opts.input ?? '');
  });
}

export class TestCluster {
  private child?: ChildProcess;
  port = 0;
  readonly home: string;

  constructor(readonly dir: string, private extraArgs: string[] = []) {
    this.home = join(dir, 'home');
  }

  get kubeconfig(): string {
    return join(this.dir, 'kubeconfig');
  }

  get env(): Record<string, string> {
    return { KUBECONFIG: this.kubeconfig, HOME: this.home, HELM_CACHE_HOME: join(this.home, '.cache/helm'), HELM_CONFIG_HOME: join(this.home, '.config/helm'), HELM_DATA_HOME: join(this.home, '.local/share/helm') };
  }

  async start(): Promise<void> {
    rmSync(join(this.dir, 'cluster.json'), { force: true });
    this.child = spawn(process.execPath, ['--max-semi-space-size=1', SKIFF, 'up', '--foreground', '--data-dir', this.dir, '--port', '0', ...this.extraArgs], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    this.child.stdout!.on('data', (d) => (output += d));
    this.child.stderr!.on('data', (d) => (output += d));
    const deadline = Date.now() + 30_000;
    while (!existsSync(join(this.dir, 'cluster.json'))) {
      if (this.child.exitCode !== null) throw new Error(`cluster exited early (${this.child.exitCode}): ${output}`);
      if (Date.now() > deadline) throw new Error(`cluster did not start: ${output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    this.port = JSON.parse(readFileSync(join(this.dir, 'cluster.json'), 'utf8')).port;
    await this.nodesReady(deadline);
  }

  /** The API answers before the kubelets have registered: wait for every node to be Ready. */
  private async nodesReady(deadline: number): Promise<void> {
    const i = this.extraArgs.indexOf('--nodes');
    const want = i >= 0 ? Number(this.extraArgs[i + 1]) : 3;
    for (;;) {
      const r = await this.json('GET', '/api/v1/nodes');
      const ready = (r.body?.items ?? []).filter((n: any) => (n.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True'));
      if (ready.length >= want) return;
      if (Date.now() > deadline) throw new Error(`only ${ready.length}/${want} nodes Ready`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** SIGTERM and wait: a clean shutdown. */
  async stop(): Promise<void> {
    await this.signal('SIGTERM');
  }

  /** SIGKILL: what a crash looks like to the store. */
  async kill(): Promise<void> {
    await this.signal('SIGKILL');
  }

  private async signal(sig: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill(sig);
    await exited;
  }

  kubectl(args: string[], input?: string): Promise<RunResult> {
    return run(KUBECTL, args, { input, env: this.env });
  }

  helm(args: string[], cwd?: string): Promise<RunResult> {
    return run(HELM, args, { env: this.env, cwd });
  }

  /** A raw HTTPS request with the admin client certificate. */
  request(method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
    const pki = join(this.dir, 'pki');
    return new Promise((resolvePromise, reject) => {
      const req = https.request(
        {
          host: '127.0.0.1',
          port: this.port,
          method,
          path,
          ca: readFileSync(join(pki, 'ca.crt')),
          cert: readFileSync(join(pki, 'admin.crt')),
          key: readFileSync(join(pki, 'admin.key')),
          headers: { ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...headers },
        },
        (res) => {
          let data = '';
          res.on('data', (d) => (data += d));
          res.on('end', () => resolvePromise({ status: res.statusCode ?? 0, headers: res.headers, body: data }));
        },
      );
      req.on('error', reject);
      if (body !== undefined) req.write(body);
      req.end();
    });
  }

  async json(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
    const r = await this.request(method, path, body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body), headers);
    let parsed: unknown = r.body;
    try {
      parsed = JSON.parse(r.body);
    } catch {
      // non-JSON bodies (healthz) are returned as text
    }
    return { status: r.status, body: parsed };
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export async function startTestCluster(extraArgs: string[] = []): Promise<TestCluster> {
  const c = new TestCluster(mkdtempSync(join(tmpdir(), 'skiff-test-')), extraArgs);
  await c.start();
  return c;
}
