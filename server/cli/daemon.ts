/**
 * The cluster process and its bookkeeping in the data dir.
 *
 * Files Skiff keeps in DIR (besides the store, which startCluster manages):
 *
 *   .skiff-data-dir  marker written when Skiff first uses DIR: which entries were already there
 *                    (reset keeps them) and whether Skiff created DIR itself (reset removes it)
 *   skiff.pid        lock: the pid of the `up --foreground` process that owns DIR, created with
 *                    O_EXCL before anything else happens, removed on exit
 *   cluster.json     {pid, port, host, startedAt, ...}: written (atomically) once the API server
 *                    serves and the kubeconfig is written; removed on exit
 *   kubeconfig       admin kubeconfig, context "skiff", rewritten on every start
 *   pki/             certificates and keys (server/kubeadm/pki.ts)
 *   skiff.log        output of a background cluster (skiff.log.1: the previous one once > 10 MiB)
 *
 * A cluster is running when the pid in skiff.pid / cluster.json is alive and is a skiff
 * `up --foreground` process (checked through /proc where there is one, so a reused pid is not
 * mistaken for the cluster); it is starting while only skiff.pid exists. Files left behind by a
 * dead process are removed when noticed.
 *
 * `skiff up` in the background spawns `node <this script> up --foreground ...` detached, with
 * stdout/stderr appended to skiff.log and an IPC channel over which the child reports ready (or
 * the one-line error that stopped it); the parent then disconnects and waits for the API server
 * to answer and the nodes to be Ready.
 */
import { spawn } from 'node:child_process';
import {
  accessSync,
  closeSync,
  constants as fsConstants,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  rmdirSync,
  statSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import { join, parse as parsePath, relative, resolve, isAbsolute } from 'node:path';
import type { RunningCluster, startCluster as StartCluster } from '../cluster.js';
import { writeKubeconfig } from '../kubeadm/kubeconfig.js';
import { ensurePki, type Pki } from '../kubeadm/pki.js';
import { EXIT_FAILURE, EXIT_NOT_RUNNING, EXIT_OK, upArgv, type Runtime, type UpArgs } from './args.js';

/** A small young generation: the cluster idles in less memory (about 79 MB instead of 85 MB). */
export const CLUSTER_NODE_FLAGS = ['--max-semi-space-size=1'];

export const DATA_FILES = {
  marker: '.skiff-data-dir',
  lock: 'skiff.pid',
  clusterJson: 'cluster.json',
  kubeconfig: 'kubeconfig',
  pki: 'pki',
  log: 'skiff.log',
  oldLog: 'skiff.log.1',
} as const;

/** The API server listens on loopback only. */
export const HOST = '127.0.0.1';

/** Tuning; tests may lower them. */
export const timeouts = {
  /** background `up`: the child must report ready within this */
  startMs: 60_000,
  /** background `up`: then the API server must answer within this */
  apiMs: 15_000,
  /** background `up`: then all nodes should be Ready within this (a warning otherwise) */
  nodesReadyMs: 30_000,
  /** `down`: SIGTERM, then SIGKILL after this */
  stopMs: 30_000,
  pollMs: 50,
};

const MAX_LOG_BYTES = 10 * 1024 * 1024;

/** A failure to report as one line `skiff: <message>` with this exit code. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: number = EXIT_FAILURE,
  ) {
    super(message);
  }
}

/** Contents of DIR/cluster.json. */
export interface ClusterInfo {
  pid: number;
  port: number;
  host: string;
  startedAt: string;
  dataDir: string;
  kubeconfig: string;
  nodes: number;
  runtime: Runtime;
}

export type ClusterState = { state: 'running'; info: ClusterInfo } | { state: 'starting'; pid: number } | { state: 'stopped' };

/** Messages from the background child to the `skiff up` that started it. */
type DaemonMessage =
  | { type: 'ready'; info: ClusterInfo }
  | { type: 'already-running'; pid: number }
  | { type: 'error'; message: string; exitCode: number };

interface Marker {
  skiff: 1;
  createdAt: string;
  /** Skiff created DIR itself, so reset may remove it */
  createdDir: boolean;
  /** entries DIR held before Skiff first used it; reset keeps them */
  preexisting: string[];
}

// ---------------------------------------------------------------------------------------------
// State

/** Reads DIR's state, removing skiff.pid / cluster.json left behind by a process that is gone. */
export function clusterState(dir: string): ClusterState {
  const lockPid = readLockPid(dir);
  const info = readClusterInfo(dir);
  for (const pid of new Set([lockPid, info?.pid])) {
    if (pid === undefined || !isSkiffProcess(pid)) continue;
    if (info && info.pid === pid) return { state: 'running', info };
    return { state: 'starting', pid };
  }
  removeIfOwnedBy(join(dir, DATA_FILES.lock), lockPid);
  if (info) removeIfOwnedBy(join(dir, DATA_FILES.clusterJson), info.pid);
  return { state: 'stopped' };
}

export function readClusterInfo(dir: string): ClusterInfo | undefined {
  try {
    const v = JSON.parse(readFileSync(join(dir, DATA_FILES.clusterJson), 'utf8')) as Partial<ClusterInfo>;
    if (!Number.isInteger(v.pid) || !Number.isInteger(v.port)) return undefined;
    return {
      pid: v.pid!,
      port: v.port!,
      host: v.host ?? HOST,
      startedAt: v.startedAt ?? '',
      dataDir: v.dataDir ?? dir,
      kubeconfig: v.kubeconfig ?? join(dir, DATA_FILES.kubeconfig),
      nodes: v.nodes ?? 0,
      runtime: v.runtime ?? 'auto',
    };
  } catch {
    return undefined;
  }
}

function readLockPid(dir: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(dir, DATA_FILES.lock), 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Removes a pid file or cluster.json only if it still names `pid` (another process may have
 * replaced it since it was read). */
function removeIfOwnedBy(path: string, pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    const text = readFileSync(path, 'utf8');
    const owner = path.endsWith('.json') ? (JSON.parse(text) as { pid?: number }).pid : Number(text.trim());
    if (owner === pid) unlinkSync(path);
  } catch {
    // already gone, or unreadable: nothing we can do better
  }
}

/**
 * True when `pid` is a live (not zombie) skiff `up --foreground` process. Where /proc exists the
 * command line is checked, so a pid reused by another program after a crash or reboot is not
 * taken for the cluster (and never signalled by `down`).
 */
export function isSkiffProcess(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false; // ESRCH: gone; EPERM: someone else's process, so not ours
  }
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return true; // no procfs (macOS): a live pid is all we can know
  }
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  if (state === 'Z' || state === 'X') return false;
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return args.includes('up') && args.includes('--foreground');
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Data dir

/** Refuses directories whose loss would be a disaster if a user pointed Skiff at them. */
function refuseDangerousDir(dir: string, home: string, action: string): void {
  if (parsePath(dir).root === dir) throw new CliError(`refusing to ${action} ${dir}: it is the root directory`);
  const h = resolve(home);
  if (dir === h) throw new CliError(`refusing to ${action} ${dir}: it is your home directory (use a directory inside it, e.g. ${join(h, '.skiff')})`);
  const rel = relative(dir, h);
  if (action === 'reset' && rel !== '' && !rel.startsWith('..') && !isAbsolute(rel)) {
    throw new CliError(`refusing to reset ${dir}: it contains your home directory`);
  }
}

/** Creates DIR if needed and writes the marker the first time Skiff uses it. */
export function prepareDataDir(dir: string, home: string): void {
  refuseDangerousDir(dir, home, 'use');
  let existed = true;
  try {
    if (!statSync(dir).isDirectory()) throw new CliError(`cannot use ${dir} as the data dir: it is not a directory`);
  } catch (err) {
    if (err instanceof CliError) throw err;
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw dirError(dir, err);
    existed = false;
  }
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const markerPath = join(dir, DATA_FILES.marker);
    if (readMarker(dir)) {
      accessSync(dir, fsConstants.W_OK);
      return;
    }
    const marker: Marker = { skiff: 1, createdAt: new Date().toISOString(), createdDir: !existed, preexisting: existed ? readdirSync(dir).sort() : [] };
    writeFileAtomic(markerPath, JSON.stringify(marker, null, 2) + '\n', 0o644);
  } catch (err) {
    throw dirError(dir, err);
  }
}

function readMarker(dir: string): Marker | undefined {
  try {
    const m = JSON.parse(readFileSync(join(dir, DATA_FILES.marker), 'utf8')) as Partial<Marker>;
    if (m.skiff !== 1) return undefined;
    return { skiff: 1, createdAt: m.createdAt ?? '', createdDir: m.createdDir === true, preexisting: Array.isArray(m.preexisting) ? m.preexisting.map(String) : [] };
  } catch {
    return undefined;
  }
}

function dirError(dir: string, err: unknown): CliError {
  return new CliError(`cannot write to data dir ${dir}: ${describeErrno(err)}`);
}

function describeErrno(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  switch (e?.code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOTDIR':
      return 'a part of the path is not a directory';
    case 'ENOSPC':
      return 'no space left on device';
    case 'EEXIST':
      return 'a file is in the way';
    default:
      return e?.message ?? String(err);
  }
}

function writeFileAtomic(path: string, data: string, mode: number): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, data, { mode });
  renameSync(tmp, path);
}

// ---------------------------------------------------------------------------------------------
// Ports

/** Resolves when HOST:port can be bound; rejects with the user-facing error otherwise. */
async function checkPortFree(port: number): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolvePromise, reject) => {
    const server = net.createServer();
    server.once('error', (err: NodeJS.ErrnoException) => reject(portError(port, err)));
    server.listen({ host: HOST, port, exclusive: true }, () => server.close(() => resolvePromise()));
  });
}

function portError(port: number, err: unknown): CliError {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === 'EADDRINUSE') return new CliError(`port ${port} is already in use (use --port N, or --port 0 for any free port)`);
  if (code === 'EACCES') return new CliError(`not allowed to listen on port ${port} (use a port above 1023, or --port 0 for any free port)`);
  return new CliError(`cannot listen on ${HOST}:${port}: ${describeErrno(err)}`);
}

function isAddrInUse(err: unknown): boolean {
  const e = err as NodeJS.ErrnoException | undefined;
  return e?.code === 'EADDRINUSE' || /EADDRINUSE/.test(String(e?.message ?? ''));
}

// ---------------------------------------------------------------------------------------------
// Output

function kubeconfigPath(dir: string): string {
  return join(dir, DATA_FILES.kubeconfig);
}

function apiUrl(info: { host: string; port: number }): string {
  return `https://${info.host.includes(':') ? `[${info.host}]` : info.host}:${info.port}`;
}

/** Quotes a path for a POSIX shell when it needs it. */
function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:@%+=-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

function hintLines(dir: string): string[] {
  const kc = kubeconfigPath(dir);
  return [`Kubeconfig: ${kc}`, `To use it: export KUBECONFIG=${shellQuote(kc)}; kubectl get nodes`];
}

function say(lines: string[]): void {
  process.stdout.write(lines.join('\n') + '\n');
}

function warn(message: string): void {
  process.stderr.write(`skiff: warning: ${message}\n`);
}

function sayAlreadyRunning(dir: string, info: ClusterInfo | undefined, pid: number): void {
  const where = info ? `pid ${info.pid}, API server ${apiUrl(info)}` : `pid ${pid}, still starting`;
  say([`The Skiff cluster in ${dir} is already running (${where}).`, ...hintLines(dir)]);
}

// ---------------------------------------------------------------------------------------------
// up --foreground

/**
 * Runs the cluster in this process until SIGINT/SIGTERM/SIGHUP. Resolves with the exit code once
 * the cluster is closed (store flushed) and cluster.json and the lock are removed.
 */
export async function runForeground(args: UpArgs, home: string): Promise<number> {
  const child = typeof process.send === 'function';
  try {
    return await foreground(args, home, child);
  } catch (err) {
    const e = err instanceof CliError ? err : new CliError(`could not start the cluster: ${errorMessage(err)}`);
    if (child) {
      // The log is the only place a background start's details go: keep the stack there.
      if (!(err instanceof CliError)) process.stderr.write(`${(err as Error)?.stack ?? err}\n`);
      await notifyParent({ type: 'error', message: e.message, exitCode: e.exitCode });
    }
    throw e;
  }
}

async function foreground(args: UpArgs, home: string, child: boolean): Promise<number> {
  const dir = args.dataDir;
  prepareDataDir(dir, home);

  // Take the data dir: skiff.pid created with O_EXCL. A stale one (dead pid) is removed and retried.
  const lockPath = join(dir, DATA_FILES.lock);
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(lockPath, `${process.pid}\n`, { flag: 'wx', mode: 0o644 });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw dirError(dir, err);
      const state = clusterState(dir);
      if (state.state !== 'stopped') {
        const pid = state.state === 'running' ? state.info.pid : state.pid;
        if (child) await notifyParent({ type: 'already-running', pid });
        else sayAlreadyRunning(dir, state.state === 'running' ? state.info : undefined, pid);
        return EXIT_OK;
      }
      if (attempt >= 3) throw new CliError(`cannot lock the data dir ${dir} (${lockPath} keeps reappearing)`);
    }
  }

  // From here on this process owns DIR: whatever happens, do not leave our files behind.
  const clusterJsonPath = join(dir, DATA_FILES.clusterJson);
  const cleanup = () => {
    removeIfOwnedBy(clusterJsonPath, process.pid);
    removeIfOwnedBy(lockPath, process.pid);
  };
  process.on('exit', cleanup);

  let stopRequested: (() => void) | undefined;
  const stopped = new Promise<void>((r) => (stopRequested = r));
  let signals = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    signals++;
    if (signals === 1) {
      say([`Stopping the Skiff cluster (${sig})...`]);
      stopRequested!();
    } else {
      process.stderr.write(`skiff: ${sig} received again, exiting without a clean shutdown\n`);
      process.exit(130);
    }
  };
  const handled: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const s of handled) process.on(s, onSignal);

  try {
    await checkPortFree(args.port);
    const pki = await ensurePki(dir);
    const startCluster = loadStartCluster();
    let cluster: RunningCluster;
    try {
      cluster = await startCluster({ dataDir: dir, host: HOST, port: args.port, nodes: args.nodes, runtime: args.runtime });
    } catch (err) {
      if (isAddrInUse(err)) throw portError(args.port, err);
      throw err;
    }
    try {
      if (signals === 0) {
        await writeKubeconfig(kubeconfigPath(dir), {
          server: apiUrl(cluster),
          caCert: pki.caCert,
          clientCert: pki.adminCert,
          clientKey: pki.adminKey,
          context: 'skiff',
          user: 'skiff-admin',
          cluster: 'skiff',
        });
        const info: ClusterInfo = {
          pid: process.pid,
          port: cluster.port,
          host: cluster.host,
          startedAt: new Date().toISOString(),
          dataDir: dir,
          kubeconfig: kubeconfigPath(dir),
          nodes: args.nodes,
          runtime: args.runtime,
        };
        writeFileAtomic(clusterJsonPath, JSON.stringify(info, null, 2) + '\n', 0o644);
        say([`Skiff cluster is running: API server ${apiUrl(cluster)}, ${args.nodes} node${args.nodes === 1 ? '' : 's'} (runtime ${args.runtime}), data dir ${dir}`, ...hintLines(dir)]);
        if (child) await notifyParent({ type: 'ready', info });
        else say(['Press Ctrl-C to stop.']);
      }
      await stopped;
    } finally {
      await cluster.close();
    }
    say(['Skiff cluster stopped; its state is kept (skiff up resumes it).']);
    return EXIT_OK;
  } finally {
    cleanup();
    process.off('exit', cleanup);
    for (const s of handled) process.off(s, onSignal);
  }
}

/**
 * The cluster (API server, store, controllers, kubelets) is loaded only by the process that runs
 * it, so `skiff status`, `down`, `reset` and the background `up` stay quick to start. (A plain
 * require: Skiff runs as CommonJS, bundled by esbuild or through tsx, and esbuild keeps a required
 * module's initialisation lazy.)
 */
function loadStartCluster(): typeof StartCluster {
  const mod = require('../cluster.js') as { startCluster?: typeof StartCluster };
  if (typeof mod.startCluster !== 'function') throw new CliError('this build of skiff has no cluster implementation (server/cluster.ts exports no startCluster)');
  return mod.startCluster;
}

/** Sends one message to the `skiff up` that spawned this process, then lets go of the channel. */
async function notifyParent(msg: DaemonMessage): Promise<void> {
  if (typeof process.send !== 'function' || !process.connected) return;
  await new Promise<void>((r) => process.send!(msg, undefined, {}, () => r()));
  if (process.connected) process.disconnect();
}

function errorMessage(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split('\n')[0];
}

// ---------------------------------------------------------------------------------------------
// up (background)

export async function startBackground(args: UpArgs, home: string): Promise<number> {
  const dir = args.dataDir;
  prepareDataDir(dir, home);

  const state = clusterState(dir);
  if (state.state === 'running') {
    sayAlreadyRunning(dir, state.info, state.info.pid);
    return EXIT_OK;
  }
  if (state.state === 'starting') return waitForOtherStart(dir, state.pid);

  await checkPortFree(args.port);

  const logPath = join(dir, DATA_FILES.log);
  rotateLog(dir);
  let fd: number;
  try {
    fd = openSync(logPath, 'a', 0o644);
    writeSync(fd, `--- skiff up at ${new Date().toISOString()}: ${upArgv(args, true).join(' ')}\n`);
  } catch (err) {
    throw dirError(dir, err);
  }
  const script = process.argv[1];
  const child = spawn(process.execPath, [...process.execArgv, ...CLUSTER_NODE_FLAGS, script, ...upArgv(args, true)], {
    detached: true,
    stdio: ['ignore', fd, fd, 'ipc'],
    env: process.env,
  });
  closeSync(fd);

  const outcome = await new Promise<DaemonMessage | { type: 'exit'; code: number | null; signal: NodeJS.Signals | null } | { type: 'timeout' }>((resolvePromise) => {
    const timer = setTimeout(() => resolvePromise({ type: 'timeout' }), timeouts.startMs);
    child.once('message', (m) => {
      clearTimeout(timer);
      resolvePromise(m as DaemonMessage);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ type: 'exit', code, signal });
    });
    child.once('error', (err) => {
      clearTimeout(timer);
      resolvePromise({ type: 'error', message: `could not start the cluster process: ${err.message}`, exitCode: EXIT_FAILURE });
    });
  });

  const release = () => {
    if (child.connected) child.disconnect();
    child.unref();
  };

  switch (outcome.type) {
    case 'ready':
      release();
      break;
    case 'already-running':
      release();
      return waitForOtherStart(dir, outcome.pid);
    case 'error':
      release();
      throw new CliError(outcome.message, outcome.exitCode);
    case 'exit': {
      const last = lastLogLine(logPath);
      throw new CliError(
        `the cluster process exited (${outcome.signal ?? `code ${outcome.code}`}) before it was ready${last ? `: ${last}` : ''}; see ${logPath}`,
      );
    }
    case 'timeout':
      child.kill('SIGTERM');
      release();
      throw new CliError(`the cluster did not start within ${Math.round(timeouts.startMs / 1000)}s and was stopped; see ${logPath}`);
  }

  const info = outcome.info;
  const pki = await ensurePki(dir);
  await waitForApi(info, pki, logPath);
  await waitForNodesReady(info, pki, args.nodes, logPath);
  say([
    `Skiff cluster is running: API server ${apiUrl(info)}, ${args.nodes} node${args.nodes === 1 ? '' : 's'} (runtime ${args.runtime}), data dir ${dir}`,
    ...hintLines(dir),
  ]);
  return EXIT_OK;
}

/** Another `up` is starting the cluster in DIR: wait for it, then report it as running. */
async function waitForOtherStart(dir: string, pid: number): Promise<number> {
  const deadline = Date.now() + timeouts.startMs;
  for (;;) {
    const state = clusterState(dir);
    if (state.state === 'running') {
      sayAlreadyRunning(dir, state.info, state.info.pid);
      return EXIT_OK;
    }
    if (state.state === 'stopped') throw new CliError(`another skiff up (pid ${pid}) was starting the cluster in ${dir} and stopped; see ${join(dir, DATA_FILES.log)}`);
    if (Date.now() > deadline) {
      sayAlreadyRunning(dir, undefined, state.pid);
      return EXIT_OK;
    }
    await sleep(timeouts.pollMs);
  }
}

/** The last error line in the log's tail (a `skiff: ` line or an uncaught error), for a one-line
 * report of a crash. */
function lastLogLine(logPath: string): string | undefined {
  try {
    const text = readFileSync(logPath, 'utf8');
    const lines = text
      .slice(-8192)
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.startsWith('skiff: ') || /^[A-Za-z]*Error( \[\w+\])?: /.test(l));
    const line = lines[lines.length - 1];
    return line ? line.replace(/^skiff: /, '').slice(0, 300) : undefined;
  } catch {
    return undefined;
  }
}

function rotateLog(dir: string): void {
  const logPath = join(dir, DATA_FILES.log);
  try {
    if (statSync(logPath).size > MAX_LOG_BYTES) renameSync(logPath, join(dir, DATA_FILES.oldLog));
  } catch {
    // no log yet
  }
}

interface ApiResponse {
  status: number;
  body: string;
}

function apiGet(info: ClusterInfo, pki: Pki, path: string, timeoutMs: number): Promise<ApiResponse> {
  return new Promise((resolvePromise, reject) => {
    const req = https.request(
      {
        host: info.host,
        port: info.port,
        path,
        method: 'GET',
        ca: pki.caCert,
        cert: pki.adminCert,
        key: pki.adminKey,
        agent: false,
        headers: { Accept: 'application/json', 'User-Agent': 'skiff-cli' },
        timeout: timeoutMs,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolvePromise({ status: res.statusCode ?? 0, body }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end();
  });
}

/** Any HTTP answer over a TLS connection verified with the cluster CA counts. */
async function waitForApi(info: ClusterInfo, pki: Pki, logPath: string): Promise<void> {
  const deadline = Date.now() + timeouts.apiMs;
  let last = '';
  for (;;) {
    try {
      await apiGet(info, pki, '/healthz', 2000);
      return;
    } catch (err) {
      last = errorMessage(err);
    }
    if (Date.now() > deadline) throw new CliError(`the API server at ${apiUrl(info)} did not answer (${last}); see ${logPath}`);
    await sleep(timeouts.pollMs);
  }
}

/**
 * Waits until `nodes` Node objects report Ready=True. Not being able to list nodes at all (the
 * API does not serve them) ends the wait; running out of time is a warning, not a failure: the
 * API server is up and the kubeconfig works.
 */
async function waitForNodesReady(info: ClusterInfo, pki: Pki, nodes: number, logPath: string): Promise<void> {
  const deadline = Date.now() + timeouts.nodesReadyMs;
  let ready = 0;
  for (;;) {
    try {
      const res = await apiGet(info, pki, '/api/v1/nodes', 5000);
      if (res.status !== 200) return;
      const list = JSON.parse(res.body) as { items?: { status?: { conditions?: { type?: string; status?: string }[] } }[] };
      ready = (list.items ?? []).filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
      if (ready >= nodes) return;
    } catch {
      // not answering for a moment: keep waiting
    }
    if (Date.now() > deadline) {
      warn(`${ready} of ${nodes} node${nodes === 1 ? ' is' : 's are'} Ready after ${Math.round(timeouts.nodesReadyMs / 1000)}s; see ${logPath}`);
      return;
    }
    await sleep(Math.max(timeouts.pollMs, 200));
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

// ---------------------------------------------------------------------------------------------
// down, status, reset

/** Stops the cluster in DIR (SIGTERM, SIGKILL after timeouts.stopMs). Not running is not an error. */
export async function stopCluster(dir: string, opts: { quiet?: boolean } = {}): Promise<number> {
  const state = clusterState(dir);
  if (state.state === 'stopped') {
    if (!opts.quiet) say([`The Skiff cluster in ${dir} is not running.`]);
    return EXIT_OK;
  }
  const pid = state.state === 'running' ? state.info.pid : state.pid;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    // exited in between
  }
  let exited = await waitForExit(pid, timeouts.stopMs);
  if (!exited) {
    warn(`the cluster (pid ${pid}) did not stop within ${Math.round(timeouts.stopMs / 1000)}s; killing it`);
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // exited in between
    }
    exited = await waitForExit(pid, 5000);
    if (!exited) throw new CliError(`could not stop the cluster (pid ${pid})`);
  }
  clusterState(dir); // removes what a killed process left behind
  if (!opts.quiet) say([`Stopped the Skiff cluster in ${dir} (pid ${pid}); its state is kept (skiff up resumes it).`]);
  return EXIT_OK;
}

async function waitForExit(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (isSkiffProcess(pid)) {
    if (Date.now() > deadline) return false;
    await sleep(timeouts.pollMs);
  }
  return true;
}

/** Prints the state of DIR's cluster; EXIT_OK when running, EXIT_NOT_RUNNING otherwise. */
export function printStatus(dir: string): number {
  const state = clusterState(dir);
  const kc = kubeconfigPath(dir);
  const hasKubeconfig = fileExists(kc);
  switch (state.state) {
    case 'running':
      say([
        'Skiff cluster: running',
        `  pid:         ${state.info.pid}`,
        `  API server:  ${apiUrl(state.info)}`,
        `  kubeconfig:  ${kc}`,
        `  data dir:    ${dir}`,
        `  nodes:       ${state.info.nodes} (runtime ${state.info.runtime})`,
        `  started:     ${state.info.startedAt}`,
      ]);
      return EXIT_OK;
    case 'starting':
      say(['Skiff cluster: starting', `  pid:         ${state.pid}`, `  data dir:    ${dir}`]);
      return EXIT_NOT_RUNNING;
    case 'stopped':
      say(['Skiff cluster: stopped', ...(hasKubeconfig ? [`  kubeconfig:  ${kc}`] : []), `  data dir:    ${dir}${fileExists(dir) ? '' : ' (does not exist)'}`]);
      return EXIT_NOT_RUNNING;
  }
}

function fileExists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Stops the cluster and deletes what Skiff created in DIR: every entry except those the marker
 * says were there before Skiff first used DIR; DIR itself too when Skiff created it.
 */
export async function resetDataDir(dir: string, home: string): Promise<number> {
  refuseDangerousDir(dir, home, 'reset');
  if (!fileExists(dir)) {
    say([`Nothing to reset: ${dir} does not exist.`]);
    return EXIT_OK;
  }
  const marker = readMarker(dir);
  if (!marker) throw new CliError(`${dir} is not a Skiff data dir (it has no ${DATA_FILES.marker} file); not deleting anything`);
  await stopCluster(dir, { quiet: true });
  const keep = new Set(marker.preexisting);
  try {
    for (const entry of readdirSync(dir)) {
      if (entry === DATA_FILES.marker || keep.has(entry)) continue;
      rmSync(join(dir, entry), { recursive: true, force: true });
    }
    unlinkSync(join(dir, DATA_FILES.marker));
    if (marker.createdDir && readdirSync(dir).length === 0) rmdirSync(dir);
  } catch (err) {
    throw new CliError(`could not delete the state in ${dir}: ${describeErrno(err)}`);
  }
  say([`Deleted the Skiff cluster state in ${dir}.`]);
  return EXIT_OK;
}
