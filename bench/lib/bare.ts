/**
 * Runs bench/bare-server.ts as a child process, like the cluster: bundled with esbuild to plain
 * JavaScript and started with plain `node` (as dist/skiff.js is), so no TypeScript loader runs
 * inside the measured process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { ROOT } from '../../test/helpers/cluster.js';

export interface BareServer {
  port: number;
  pid: number;
  stop(): Promise<void>;
}

export async function startBareServer(opts: { cert: string; key: string; ca: string; bodyFile?: string; nodeArgs?: string[] }): Promise<BareServer> {
  const outDir = mkdtempSync(join(tmpdir(), 'skiff-bench-bare-'));
  const script = join(outDir, 'bare-server.js');
  buildSync({ entryPoints: [join(ROOT, 'bench/bare-server.ts')], outfile: script, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning' });
  const args = [...(opts.nodeArgs ?? []), script, '--cert', opts.cert, '--key', opts.key, '--ca', opts.ca];
  if (opts.bodyFile) args.push('--body-file', opts.bodyFile);
  const child: ChildProcess = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  child.on('exit', () => rmSync(outDir, { recursive: true, force: true }));
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`bare server did not start: ${err}`)), 15_000);
    child.stdout!.on('data', (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        resolve(JSON.parse(out.slice(0, nl)).port);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`bare server exited (${code}): ${err}`));
    });
  });
  return {
    port,
    pid: child.pid!,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    },
  };
}
