/**
 * Cold start: wall time from spawning `node dist/skiff.js up --foreground --data-dir DIR --port 0`
 * until (a) the API answers an HTTPS request made with node's https (polling /version on a new
 * connection each try) or (b) a kubectl command succeeds (kubectl's own process start included).
 * The port is only known once cluster.json appears (port 0), so both poll for that first.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KUBECTL } from '../../test/helpers/cluster.js';
import { BenchCluster, clientTls, httpsOnce, readPki } from './cluster.js';
import { sleep } from './stats.js';

export interface ColdStartSample {
  /** spawn → cluster.json with the port */
  portKnownMs: number;
  /** spawn → first success (HTTPS answer or kubectl exit 0) */
  readyMs: number;
}

/** Wall time of a command run to completion (spawn to exit). */
export function timeCommand(cmd: string, args: string[], env: Record<string, string> = {}): Promise<{ ms: number; code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ ms: performance.now() - t0, code: code ?? -1, output }));
  });
}

export function kubectlEnv(dir: string): Record<string, string> {
  const home = join(dir, 'home');
  mkdirSync(home, { recursive: true });
  return { KUBECONFIG: join(dir, 'kubeconfig'), HOME: home };
}

/**
 * One cold start in `dir` (fresh when it does not exist yet), measured until the first success
 * of `mode`. The cluster is stopped (SIGTERM) before returning.
 */
export async function coldStartOnce(dir: string, mode: 'https' | 'kubectl', timeoutMs = 30_000): Promise<ColdStartSample> {
  const cluster = new BenchCluster(dir);
  cluster.spawn();
  try {
    await cluster.waitForPort(timeoutMs, 1);
    const portKnownMs = performance.now() - cluster.spawnedAt;
    const deadline = cluster.spawnedAt + timeoutMs;
    let lastError = '';
    if (mode === 'https') {
      // The PKI is complete by the time the port is published.
      const tls = clientTls(readPki(dir));
      for (;;) {
        try {
          const r = await httpsOnce(cluster.port, tls, '/version', 2000);
          if (r.status === 200) return { portKnownMs, readyMs: performance.now() - cluster.spawnedAt };
          lastError = `HTTP ${r.status}: ${r.body.slice(0, 200)}`;
        } catch (e) {
          lastError = (e as Error).message;
        }
        if (cluster.exited) throw new Error(`cluster exited: ${cluster.output.slice(-1000)}`);
        if (performance.now() > deadline) throw new Error(`no HTTPS answer within ${timeoutMs} ms: ${lastError}`);
        await sleep(1);
      }
    } else {
      const env = kubectlEnv(dir);
      for (;;) {
        const r = await timeCommand(KUBECTL, ['get', '--raw', '/version'], env);
        if (r.code === 0) return { portKnownMs, readyMs: performance.now() - cluster.spawnedAt };
        lastError = r.output.trim().slice(0, 300);
        if (cluster.exited) throw new Error(`cluster exited: ${cluster.output.slice(-1000)}`);
        if (performance.now() > deadline) throw new Error(`kubectl did not succeed within ${timeoutMs} ms: ${lastError}`);
      }
    }
  } finally {
    await cluster.stop();
  }
}

export interface ColdStartSeries {
  fresh: ColdStartSample[];
  existing: ColdStartSample[];
}

/**
 * `runs` fresh-dir starts (each in a new dir: includes PKI generation and store creation) and
 * `runs` starts on an existing dir (PKI and store present, created by one untimed start).
 */
export async function coldStartSeries(mode: 'https' | 'kubectl', runs: number, onError: (e: unknown) => void): Promise<ColdStartSeries> {
  const root = mkdtempSync(join(tmpdir(), 'skiff-bench-cold-'));
  const out: ColdStartSeries = { fresh: [], existing: [] };
  try {
    const existing = join(root, 'existing');
    // Untimed first start creates the PKI and store the "existing" runs reuse.
    await coldStartOnce(existing, 'https');
    for (let i = 0; i < runs; i++) {
      // Alternate so drift (page cache, CPU frequency) affects both alike.
      try {
        const dir = join(root, `fresh-${i}`);
        out.fresh.push(await coldStartOnce(dir, mode));
        rmSync(dir, { recursive: true, force: true });
      } catch (e) {
        onError(e);
      }
      try {
        out.existing.push(await coldStartOnce(existing, mode));
      } catch (e) {
        onError(e);
      }
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  return out;
}
