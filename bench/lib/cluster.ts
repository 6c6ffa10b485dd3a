/**
 * Launching the built cluster for measurement. Mirrors test/helpers/cluster.ts (same command
 * line, same readiness signal: `cluster.json` appearing in the data dir) but keeps the pid and
 * precise timestamps, and can pass Node flags (e.g. --cpu-prof) to the cluster process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import { createSecureContext, type ConnectionOptions } from 'node:tls';
import { join } from 'node:path';
import { SKIFF } from '../../test/helpers/cluster.js';
import { sleep } from './stats.js';
import { CLUSTER_NODE_FLAGS } from '../../server/cli/daemon.js';

export interface Pki {
  ca: Buffer;
  /** admin client certificate and key */
  cert: Buffer;
  key: Buffer;
  /** the API server's serving certificate and key (reused by the bare server) */
  serverCertPath: string;
  serverKeyPath: string;
  caPath: string;
}

/** Reads the PKI a cluster generated in `<dataDir>/pki`. */
export function readPki(dataDir: string): Pki {
  const dir = join(dataDir, 'pki');
  const files = readdirSync(dir);
  const pick = (preferred: string[], pattern: RegExp): string => {
    for (const p of preferred) if (files.includes(p)) return join(dir, p);
    const found = files.find((f) => pattern.test(f));
    if (!found) throw new Error(`no serving certificate in ${dir} (files: ${files.join(', ')})`);
    return join(dir, found);
  };
  const serverCertPath = pick(['apiserver.crt', 'server.crt', 'kube-apiserver.crt'], /^(?!ca\.|admin\.|.*client|front-proxy|sa\.).*\.crt$/);
  const serverKeyPath = serverCertPath.replace(/\.crt$/, '.key');
  return {
    ca: readFileSync(join(dir, 'ca.crt')),
    cert: readFileSync(join(dir, 'admin.crt')),
    key: readFileSync(join(dir, 'admin.key')),
    serverCertPath,
    serverKeyPath,
    caPath: join(dir, 'ca.crt'),
  };
}

export type ClientTls = Pick<ConnectionOptions, 'secureContext' | 'checkServerIdentity'>;

/**
 * TLS options for a client that authenticates with the admin certificate (for an agent or a
 * request). One prebuilt SecureContext rather than ca/cert/key: the https agent folds those into
 * its connection-pool key by string concatenation on every request, a client-side cost that
 * would otherwise be measured too.
 */
export function clientTls(pki: Pki): ClientTls {
  return {
    secureContext: createSecureContext({ ca: pki.ca, cert: pki.cert, key: pki.key }),
    // The chain is verified against the cluster CA; the host name is not what is measured.
    checkServerIdentity: () => undefined,
  };
}

export class BenchCluster {
  child?: ChildProcess;
  port = 0;
  /** performance.now() at spawn */
  spawnedAt = 0;
  output = '';

  constructor(
    readonly dir: string,
    private nodeArgs: string[] = [],
  ) {}

  get pid(): number {
    return this.child!.pid!;
  }

  get kubeconfig(): string {
    return join(this.dir, 'kubeconfig');
  }

  get exited(): boolean {
    return !this.child || this.child.exitCode !== null || this.child.signalCode !== null;
  }

  /** Spawns `skiff up --foreground`; returns at once (see waitForPort). */
  spawn(): void {
    rmSync(join(this.dir, 'cluster.json'), { force: true });
    this.spawnedAt = performance.now();
    // The flags `skiff up` and `npm start` give the cluster process.
    this.child = spawn(process.execPath, [...CLUSTER_NODE_FLAGS, ...this.nodeArgs, SKIFF, 'up', '--foreground', '--data-dir', this.dir, '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const collect = (d: Buffer) => {
      if (this.output.length < 64 * 1024) this.output += d;
    };
    this.child.stdout!.on('data', collect);
    this.child.stderr!.on('data', collect);
  }

  /** Polls for cluster.json (what the test harness waits for) and reads the port from it. */
  async waitForPort(timeoutMs = 30_000, pollMs = 2): Promise<number> {
    const file = join(this.dir, 'cluster.json');
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      if (this.exited) throw new Error(`cluster exited early (${this.child?.exitCode ?? this.child?.signalCode}): ${this.output.slice(-2000)}`);
      if (existsSync(file)) {
        try {
          const port = Number(JSON.parse(readFileSync(file, 'utf8')).port);
          if (port > 0) return (this.port = port);
        } catch {
          // written but not complete yet
        }
      }
      if (performance.now() > deadline) throw new Error(`cluster did not write cluster.json within ${timeoutMs} ms: ${this.output.slice(-2000)}`);
      await sleep(pollMs);
    }
  }

  /** Starts and waits until the API answers /version over HTTPS with the admin certificate. */
  async start(timeoutMs = 30_000): Promise<void> {
    this.spawn();
    await this.waitForPort(timeoutMs, 10);
    const tls = clientTls(readPki(this.dir));
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      try {
        const r = await httpsOnce(this.port, tls, '/version', 2000);
        if (r.status === 200) return;
      } catch {
        // not listening yet
      }
      if (this.exited) throw new Error(`cluster exited: ${this.output.slice(-2000)}`);
      if (performance.now() > deadline) throw new Error(`cluster did not answer /version within ${timeoutMs} ms`);
      await sleep(10);
    }
  }

  /** SIGTERM, then SIGKILL after `graceMs`. Resolves when the process has exited. */
  async stop(graceMs = 10_000): Promise<void> {
    const child = this.child;
    if (!child || this.exited) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }

  kill(): void {
    if (!this.exited) this.child!.kill('SIGKILL');
  }
}

/** One HTTPS request on a fresh connection (no agent); resolves with status and body. */
export function httpsOnce(
  port: number,
  tls: ClientTls,
  path: string,
  timeoutMs = 5000,
  method = 'GET',
  body?: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        ...tls,
        host: '127.0.0.1',
        port,
        path,
        method,
        agent: false,
        headers: body !== undefined ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } : {},
      },
      (res) => {
        let data = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (data += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: data }));
        res.on('error', reject);
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}
