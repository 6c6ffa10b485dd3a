/**
 * Skiff benchmarks: figures, never pass/fail. `npm run bench` (builds, unpacks kubectl, then runs
 * this with tsx). Everything is measured side by side in one run on this machine:
 *
 *   - process start references: `node -e 0`, `kubectl version --client`
 *   - cold start of `skiff up --foreground --port 0` on a fresh and on an existing data dir, until
 *     (a) the API answers HTTPS and (b) kubectl succeeds; median of 5
 *   - idle RSS of the cluster process after 5 s idle
 *   - GET / LIST (1,000) / durable CREATE of ConfigMaps, 16 keep-alive HTTPS clients, ~5 s each;
 *     GET and CREATE next to a bare Node.js HTTPS server (bench/bare-server.ts) measured the same
 *     way, in alternating 1 s slices so that other activity on the machine hits both alike
 *   - watch: 100 watchers while a writer creates/patches at 200/s; delivery latency
 *   - the embedded store's own benchmark (bench/store.ts), when present
 *
 * The load generator is this process; the cluster and the bare server are child processes. On a
 * 2-core machine client and server share the cores, so server CPU per request is also reported,
 * and CPU used by other processes during each window is flagged (the machine may be shared).
 *
 * Flags: --profile   also profile (--cpu-prof) a cluster's startup and GET/LIST/CREATE/watch runs and print
 *                    the top functions of each window
 *        --duration=MS  measured window per load run (default 5000)
 *        --only=a,b  run only the named steps: ref,cold,cluster,watch,bare,store,scale,profile
 */
import https from 'node:https';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { KUBECTL, ROOT, SKIFF } from '../test/helpers/cluster.js';
import { startBareServer, type BareServer } from './lib/bare.js';
import { BenchCluster, clientTls, readPki, type ClientTls, type Pki } from './lib/cluster.js';
import { coldStartSeries, timeCommand, type ColdStartSample } from './lib/coldstart.js';
import { makeDevPki } from './lib/devpki.js';
import { fdatasyncLatencies } from './lib/disk.js';
import { describeLoad, fanOut, monotonicUs, request, runLoad, sideBySide, type LoadResult, type LoadSpec } from './lib/load.js';
import { cpuMsOf, descendantsOf, memoryOf, waitForQuiet } from './lib/proc.js';
import { formatProfile, summarizeProfile } from './lib/profile.js';
import { Report } from './lib/report.js';
import { fmtMB, fmtMs, fmtRate, median, percentile, sleep } from './lib/stats.js';
import { runWatch } from './lib/watch.js';

const argv = process.argv.slice(2);
const flag = (name: string) => argv.find((a) => a === `--${name}` || a.startsWith(`--${name}=`));
const flagValue = (name: string) => flag(name)?.split('=')[1];
const PROFILE = Boolean(flag('profile'));
const DURATION_MS = Number(flagValue('duration') ?? 5000);
const WARMUP_MS = 1000;
/** before each load run, wait this long at most for other processes on the machine to go quiet */
const QUIET_WAIT_MS = 10_000;
const CONCURRENCY = 16;
const COLD_RUNS = 5;
const LIST_SIZE = 1000;
const WATCHERS = 100;
const WATCH_RATE = 200;
const ONLY = flagValue('only')?.split(',');
const enabled = (step: string) => (step === 'profile' ? PROFILE || Boolean(ONLY?.includes(step)) : !ONLY || ONLY.includes(step));

const report = new Report();
const tmpDirs: string[] = [];
const tmp = (prefix: string) => {
  const d = mkdtempSync(join(tmpdir(), prefix));
  tmpDirs.push(d);
  return d;
};

/** ConfigMap bodies: a few small keys, about what a real one carries. */
function configMap(name: string, extra: Record<string, string> = {}): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, labels: { app: 'bench', tier: 'load' } },
    data: { 'config.yaml': 'replicas: 3\nlogLevel: info\nfeature: enabled\n', version: '1.0.0', ...extra },
  };
}

const spread = (xs: number[]) => (xs.length > 1 ? ` (min ${Math.round(Math.min(...xs))}, max ${Math.round(Math.max(...xs))}, n=${xs.length})` : ` (n=${xs.length})`);
const loadValue = (r: LoadResult) => `${fmtRate(r.rate)}, p50 ${fmtMs(r.p50, 2)}, p99 ${fmtMs(r.p99, 2)}${r.errors ? `, ${r.errors} errors` : ''}`;

// ---- state shared between steps ----------------------------------------------------------------
let clusterDir: string | undefined;
let cluster: BenchCluster | undefined;
let pki: Pki | undefined;
let tls: ClientTls | undefined;
let getBodyFile: string | undefined;
let bare: BareServer | undefined;
let bareTls: ClientTls | undefined;
let listItems = LIST_SIZE;
const results: { get?: LoadResult; list?: LoadResult; create?: LoadResult; bareGet?: LoadResult; barePost?: LoadResult; nodeStartMs?: number; kubectlStartMs?: number; nodeRss?: number; fsyncP50?: number } = {};

function requireCluster(): { cluster: BenchCluster; tls: ClientTls } {
  if (!cluster || !tls || cluster.exited) throw new Error('cluster is not running (an earlier step failed)');
  return { cluster, tls };
}

function loadSpec(port: number, t: ClientTls, serverPid: number, s: Pick<LoadSpec, 'method' | 'path' | 'body' | 'expectStatus'>): LoadSpec {
  return { port, tls: t, serverPid, concurrency: CONCURRENCY, durationMs: DURATION_MS, warmupMs: WARMUP_MS, quietWaitMs: QUIET_WAIT_MS, ...s };
}

async function ensureNamespace(agent: https.Agent, port: number, name: string): Promise<void> {
  const r = await request(agent, port, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  if (r.status !== 201 && r.status !== 409) throw new Error(`create namespace ${name}: HTTP ${r.status} ${r.body.slice(0, 300)}`);
}

/** Namespaces, the GET target and the LIST population. Returns the seeding rate. */
async function seed(port: number, t: ClientTls): Promise<{ seedMs: number }> {
  const agent = new https.Agent({ ...t, keepAlive: true, maxSockets: CONCURRENCY });
  try {
    for (const ns of ['bench', 'bench-list', 'bench-create']) await ensureNamespace(agent, port, ns);
    const g = await request(agent, port, 'POST', '/api/v1/namespaces/bench/configmaps', configMap('get-me'));
    if (g.status !== 201 && g.status !== 409) throw new Error(`create get-me: HTTP ${g.status} ${g.body.slice(0, 300)}`);
    const t0 = performance.now();
    await fanOut(LIST_SIZE, CONCURRENCY, async (i) => {
      const r = await request(agent, port, 'POST', '/api/v1/namespaces/bench-list/configmaps', configMap(`item-${String(i).padStart(4, '0')}`));
      if (r.status !== 201 && r.status !== 409) throw new Error(`seed item ${i}: HTTP ${r.status} ${r.body.slice(0, 300)}`);
    });
    const seedMs = performance.now() - t0;
    const body = await request(agent, port, 'GET', '/api/v1/namespaces/bench/configmaps/get-me');
    if (body.status === 200) {
      getBodyFile = join(tmp('skiff-bench-body-'), 'get-me.json');
      writeFileSync(getBodyFile, body.body);
    }
    // The namespace may hold objects of its own (kube-root-ca.crt), so at least LIST_SIZE.
    const list = await request(agent, port, 'GET', '/api/v1/namespaces/bench-list/configmaps');
    listItems = JSON.parse(list.body).items?.length ?? 0;
    if (listItems < LIST_SIZE) throw new Error(`LIST returned ${listItems} items, expected at least ${LIST_SIZE}`);
    return { seedMs };
  } finally {
    agent.destroy();
  }
}

// ---- steps -------------------------------------------------------------------------------------

async function stepReferences(): Promise<void> {
  const node: number[] = [];
  const kubectl: number[] = [];
  for (let i = 0; i < COLD_RUNS; i++) {
    node.push((await timeCommand(process.execPath, ['-e', '0'])).ms);
    const k = await timeCommand(KUBECTL, ['version', '--client']);
    if (k.code !== 0) throw new Error(`kubectl version --client failed: ${k.output}`);
    kubectl.push(k.ms);
  }
  results.nodeStartMs = median(node);
  results.kubectlStartMs = median(kubectl);
  report.add({ figure: 'process start: node -e 0', value: `${fmtMs(results.nodeStartMs)}${spread(node)}`, reference: 'floor for any Node.js process' });
  report.add({ figure: 'process start: kubectl version --client', value: `${fmtMs(results.kubectlStartMs)}${spread(kubectl)}`, reference: 'kubectl\'s own start; part of every kubectl figure' });

  const fsyncs = await fdatasyncLatencies(tmpdir(), 50);
  results.fsyncP50 = percentile(fsyncs, 50);
  report.add({
    figure: `disk under ${tmpdir()}: 4 KiB append + fdatasync, 50 in a row`,
    value: `p50 ${fmtMs(results.fsyncP50, 2)}, p99 ${fmtMs(percentile(fsyncs, 99), 2)}`,
    reference: 'floor of one durable WAL commit (group commit shares it)',
  });

  // RSS of an idle Node.js process with https loaded: the floor under the cluster's idle RSS.
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, ['-e', "require('node:https'); setTimeout(() => {}, 60000)"], { stdio: 'ignore' });
  try {
    await sleep(1000);
    const m = memoryOf(child.pid!);
    results.nodeRss = m.rss;
    report.add({ figure: 'idle RSS: node with https loaded', value: `${fmtMB(m.rss)} (anonymous ${fmtMB(m.anon)}, file-backed ${fmtMB(m.file)})`, reference: 'floor for any Node.js process' });
  } finally {
    child.kill('SIGKILL');
  }
}

async function stepColdStart(mode: 'https' | 'kubectl'): Promise<void> {
  const errors: string[] = [];
  const series = await coldStartSeries(mode, COLD_RUNS, (e) => {
    errors.push((e as Error).message);
    console.log(`   run failed: ${(e as Error).message.split('\n')[0]}`);
  });
  const ready = (xs: ColdStartSample[]) => xs.map((s) => s.readyMs);
  const port = (xs: ColdStartSample[]) => xs.map((s) => s.portKnownMs);
  const what = mode === 'https' ? 'API answers HTTPS /version (node https)' : 'first successful `kubectl get --raw /version`';
  const ref =
    mode === 'https'
      ? `node -e 0 start: ${fmtMs(results.nodeStartMs ?? NaN)}`
      : `kubectl version --client alone: ${fmtMs(results.kubectlStartMs ?? NaN)}`;
  for (const [label, xs] of [
    ['existing dir', series.existing],
    ['fresh dir (incl. PKI + store creation)', series.fresh],
  ] as const) {
    if (!xs.length) continue;
    report.add({
      figure: `cold start → ${what}, ${label}, median of ${COLD_RUNS}`,
      value: `${fmtMs(median(ready(xs)))}${spread(ready(xs))}`,
      target: '< 300 ms',
      reference: `${ref}; port published (cluster.json) at ${fmtMs(median(port(xs)))}`,
    });
  }
  if (series.existing.length && series.fresh.length) {
    report.note(`cold start (${mode}): a fresh dir costs ${fmtMs(median(ready(series.fresh)) - median(ready(series.existing)))} more than an existing one (PKI generation, store creation, seeding system objects)`);
  }
  if (errors.length) throw new Error(`${errors.length} of ${2 * COLD_RUNS} runs failed; first: ${errors[0]}`);
}

async function stepClusterStart(): Promise<void> {
  clusterDir = tmp('skiff-bench-cluster-');
  cluster = new BenchCluster(clusterDir);
  await cluster.start();
  pki = readPki(clusterDir);
  tls = clientTls(pki);
  console.log(`   cluster pid ${cluster.pid}, port ${cluster.port}; idling 5 s`);
  await sleep(5000);
  const mem = memoryOf(cluster.pid);
  const kids = descendantsOf(cluster.pid);
  const kidsRss = kids.reduce((sum, pid) => {
    try {
      return sum + memoryOf(pid).rss;
    } catch {
      return sum;
    }
  }, 0);
  report.add({
    figure: 'idle RSS of the cluster process after start + 5 s idle',
    value: `${fmtMB(mem.rss)} (peak ${fmtMB(mem.hwm)}; anonymous ${fmtMB(mem.anon)}, file-backed ${fmtMB(mem.file)})`,
    target: '< 80 MB',
    reference: `idle node with https: ${fmtMB(results.nodeRss ?? NaN)}${kids.length ? `; ${kids.length} child processes: ${fmtMB(kidsRss)} more` : ''}`,
  });
  const cpu0 = cpuMsOf(cluster.pid);
  await sleep(1000);
  report.note(`idle cluster CPU: ${((cpuMsOf(cluster.pid) - cpu0) / 10).toFixed(1)}% of a core over 1 s`);
}

async function stepSeed(): Promise<void> {
  const { cluster: c, tls: t } = requireCluster();
  const { seedMs } = await seed(c.port, t);
  report.note(`seeding ${LIST_SIZE} ConfigMaps with ${CONCURRENCY} concurrent creates took ${fmtMs(seedMs, 0)} (${fmtRate((LIST_SIZE * 1000) / seedMs)}, cold JIT)`);
}

const GET_PATH = '/api/v1/namespaces/bench/configmaps/get-me';
const CREATE_PATH = '/api/v1/namespaces/bench-create/configmaps';
const SLICES = 5;
let createSeq = 0;
const createSpec = (prefix: string): Pick<LoadSpec, 'method' | 'path' | 'body' | 'expectStatus'> => ({
  method: 'POST',
  path: CREATE_PATH,
  // one counter across slices and runs: every name is new
  body: () => JSON.stringify(configMap(`${prefix}-${createSeq++}`)),
  expectStatus: 201,
});

/** Starts the bare server with the cluster's serving certificate and the cluster's GET body. */
async function stepBareStart(): Promise<void> {
  let p = pki;
  if (!p) {
    const dir = tmp('skiff-bench-devpki-');
    makeDevPki(dir);
    p = readPki(dir);
    report.note('bare server: no cluster PKI was available, so it used an openssl-made ECDSA P-256 PKI instead');
  }
  if (!getBodyFile) report.note('bare server: the cluster\'s GET body was not available; it answers a built-in small ConfigMap instead');
  bare = await startBareServer({ cert: p.serverCertPath, key: p.serverKeyPath, ca: p.caPath, bodyFile: getBodyFile });
  bareTls = clientTls(p);
  console.log(`   bare server pid ${bare.pid}, port ${bare.port}`);
}

/** Cluster GET and bare GET in alternating slices (or whichever of the two is up). */
async function stepGet(): Promise<void> {
  const get = { method: 'GET' as const, path: GET_PATH, expectStatus: 200 };
  const c = cluster && tls && !cluster.exited ? loadSpec(cluster.port, tls, cluster.pid, get) : undefined;
  const b = bare && bareTls ? loadSpec(bare.port, bareTls, bare.pid, get) : undefined;
  if (c && b) [results.get, results.bareGet] = await sideBySide(c, b, SLICES);
  else if (c) results.get = await runLoad(c);
  else if (b) results.bareGet = await runLoad(b);
  else throw new Error('neither the cluster nor the bare server is running');
  if (results.get) console.log(`   cluster: ${describeLoad(results.get)}`);
  if (results.bareGet) console.log(`   bare:    ${describeLoad(results.bareGet)}`);
}

async function stepList(): Promise<void> {
  const { cluster: c, tls: t } = requireCluster();
  const r = (results.list = await runLoad(loadSpec(c.port, t, c.pid, { method: 'GET', path: '/api/v1/namespaces/bench-list/configmaps', expectStatus: 200 })));
  console.log(`   ${describeLoad(r)}`);
}

/** Durable CREATE on the cluster, next to POST on the bare server, in alternating slices. */
async function stepCreate(): Promise<void> {
  const run = Date.now().toString(36);
  const c = cluster && tls && !cluster.exited ? loadSpec(cluster.port, tls, cluster.pid, createSpec(`c-${run}`)) : undefined;
  const b = bare && bareTls ? loadSpec(bare.port, bareTls, bare.pid, createSpec(`b-${run}`)) : undefined;
  if (c && b) [results.create, results.barePost] = await sideBySide(c, b, SLICES);
  else if (c) results.create = await runLoad(c);
  else if (b) results.barePost = await runLoad(b);
  else throw new Error('neither the cluster nor the bare server is running');
  if (results.create) console.log(`   cluster: ${describeLoad(results.create)}`);
  if (results.barePost) console.log(`   bare:    ${describeLoad(results.barePost)}`);
  if (cluster && !cluster.exited) {
    const mem = memoryOf(cluster.pid);
    report.note(`cluster RSS after the GET/LIST/CREATE runs: ${fmtMB(mem.rss)} (peak ${fmtMB(mem.hwm)})`);
  }
}

async function stepWatch(): Promise<void> {
  const { cluster: c, tls: t } = requireCluster();
  const other = await waitForQuiet([c.pid], QUIET_WAIT_MS);
  if (other > 0.15) report.note(`watch run: other processes used ${(other * 100).toFixed(0)}% of a core just before it started; that run may be disturbed`);
  const cpu0 = cpuMsOf(c.pid);
  const w0 = performance.now();
  const r = await runWatch({ port: c.port, tls: t, namespace: 'bench-watch', watchers: WATCHERS, ratePerSec: WATCH_RATE, durationMs: DURATION_MS, drainMs: 3000 });
  const serverCpu = (cpuMsOf(c.pid) - cpu0) / (performance.now() - w0);
  console.log(`   ${JSON.stringify(r)}`);
  report.add({
    figure: `watch: delivery latency, ${WATCHERS} watchers, writes at ${WATCH_RATE}/s for ${DURATION_MS / 1000} s`,
    value: `p50 ${fmtMs(r.p50, 2)}, p99 ${fmtMs(r.p99, 2)}, max ${fmtMs(r.max)}`,
    target: 'p99 < 20 ms',
    reference: `write round trip (create/patch acked): p50 ${fmtMs(r.writeAckP50, 2)}, p99 ${fmtMs(r.writeAckP99, 2)}; delivery after the writer got its response: p50 ${fmtMs(r.afterAckP50, 2)}, p99 ${fmtMs(r.afterAckP99, 2)}`,
  });
  report.add({
    figure: 'watch: events delivered / expected',
    value: `${r.deliveries.toLocaleString('en-US')} / ${r.expectedDeliveries.toLocaleString('en-US')}`,
    reference: `${r.writesAcked} writes acked of ${r.writesSent} at ${fmtRate(r.writeRate)}; ${WATCHERS} streams opened in ${fmtMs(r.connectMs, 0)}; server ~${(serverCpu * 100).toFixed(0)}% of a core, client ${(r.clientCpu * 100).toFixed(0)}% (its event-loop delay p99 ${fmtMs(r.clientLoopDelayP99)})`,
  });
  if (r.writeErrors) report.note(`watch: ${r.writeErrors} writes failed; first: ${r.firstWriteError}`);
  if (r.streamsEnded) report.note(`watch: ${r.streamsEnded} streams were closed by the server during the run`);
  if (r.streamErrors.length) report.note(`watch stream errors: ${r.streamErrors.join(' | ')}`);
}

/** Rows for the request-load figures, cluster next to the bare server, added once both have run. */
function compareRows(): void {
  const { get, list, create, bareGet, barePost } = results;
  const cpu = (r: LoadResult) =>
    `${r.serverCpuPerReqUs?.toFixed(0)} µs server CPU/req (≈ ${fmtRate(1e6 / (r.serverCpuPerReqUs ?? NaN))} per server core), server at ${((r.serverCpu ?? NaN) * 100).toFixed(0)}% of a core`;
  if (get) {
    report.add({
      figure: `GET one ConfigMap (${Math.round(get.meanBytes)} B), ${CONCURRENCY} clients`,
      value: loadValue(get),
      target: '≥ 0.5× bare',
      reference: cpu(get),
    });
  }
  if (bareGet) {
    report.add({
      figure: `bare Node.js HTTPS server, GET same-size body, ${CONCURRENCY} clients`,
      value: loadValue(bareGet),
      reference: `${cpu(bareGet)}; client ${bareGet.clientCpuPerReqUs.toFixed(0)} µs/req, ${(bareGet.clientCpu * 100).toFixed(0)}% of a core`,
    });
  }
  if (get && bareGet) {
    report.add({ figure: 'GET throughput ÷ bare server', value: `${(get.rate / bareGet.rate).toFixed(2)}×`, target: '≥ 0.5×', reference: 'same client, TLS setup, certificates and body size' });
    if (get.serverCpuPerReqUs && bareGet.serverCpuPerReqUs) {
      report.add({
        figure: 'GET server CPU cost ÷ bare server\'s',
        value: `${(get.serverCpuPerReqUs / bareGet.serverCpuPerReqUs).toFixed(2)}× (${get.serverCpuPerReqUs.toFixed(0)} vs ${bareGet.serverCpuPerReqUs.toFixed(0)} µs)`,
        reference: `i.e. ${(bareGet.serverCpuPerReqUs / get.serverCpuPerReqUs).toFixed(2)}× bare throughput per server core, client cost aside`,
      });
    }
    report.note(
      `against the bare server the load generator itself used ${(bareGet.clientCpu * 100).toFixed(0)}% of a core (${bareGet.clientCpuPerReqUs.toFixed(0)} µs/request vs the server's ${bareGet.serverCpuPerReqUs?.toFixed(0)} µs): on 2 shared cores the client, not the bare server, sets "the limit", which flatters the GET ratio; the CPU-cost ratio compares the servers alone`,
    );
  }
  if (list) {
    report.add({
      figure: `LIST ${listItems} ConfigMaps (${(list.meanBytes / 1024).toFixed(0)} KiB), ${CONCURRENCY} clients`,
      value: loadValue(list),
      reference: `${fmtRate(list.rate * listItems)} objects; ${cpu(list)}`,
    });
  }
  if (create) {
    report.add({
      figure: `CREATE ConfigMap (durable, unique names), ${CONCURRENCY} clients`,
      value: loadValue(create),
      target: '≥ 2,000/s',
      reference: cpu(create),
    });
  }
  if (barePost) {
    report.add({ figure: `bare Node.js HTTPS server, POST same body, ${CONCURRENCY} clients`, value: loadValue(barePost), reference: cpu(barePost) });
  }
  for (const [name, r] of Object.entries({ GET: get, LIST: list, CREATE: create, 'bare GET': bareGet, 'bare POST': barePost })) {
    if (r && r.otherCpu > 0.1) report.note(`${name} run: other processes on the machine used ${(r.otherCpu * 100).toFixed(0)}% of a core during the window; that run is disturbed`);
    if (r?.errors) report.note(`${name} run: ${r.errors} failed requests; first: ${r.firstError}`);
  }
}

async function stepStore(): Promise<void> {
  const file = join(ROOT, 'bench/store.ts');
  if (!existsSync(file)) {
    report.note('store benchmark: bench/store.ts does not exist yet; skipped');
    return;
  }
  const mod = await import(pathToFileURL(file).href);
  const fn = mod.benchStore ?? mod.default?.benchStore;
  if (typeof fn !== 'function') throw new Error('bench/store.ts does not export benchStore()');
  const out: unknown = await fn();
  addStoreRows(out);
}

/** benchStore() may print its own figures; whatever it returns is added to the table. */
function addStoreRows(out: unknown, prefix = 'store'): void {
  if (out === undefined || out === null) return;
  if (Array.isArray(out)) {
    for (const item of out) {
      if (item && typeof item === 'object' && 'figure' in item && 'value' in item) {
        const r = item as Record<string, unknown>;
        report.add({ figure: `${prefix}: ${r.figure}`, value: String(r.value), target: r.target === undefined ? undefined : String(r.target), reference: r.reference === undefined ? undefined : String(r.reference) });
      } else report.add({ figure: prefix, value: JSON.stringify(item) });
    }
    return;
  }
  if (typeof out === 'object') {
    for (const [k, v] of Object.entries(out as Record<string, unknown>)) {
      if (v && typeof v === 'object' && !Array.isArray(v) && 'value' in v) addStoreRows([{ figure: k, ...(v as object) }], prefix);
      else if (v && typeof v === 'object') addStoreRows(v, `${prefix}: ${k}`);
      else report.add({ figure: `${prefix}: ${k}`, value: typeof v === 'number' ? String(Math.round(v * 100) / 100) : String(v) });
    }
    return;
  }
  report.add({ figure: prefix, value: String(out) });
}

/**
 * Scheduler throughput at 1,000 nodes / 10,000 pods and the 1,000-replica Deployment on 100
 * nodes (bench/scale.ts), run bundled in a process of their own.
 */
async function stepScale(): Promise<void> {
  const { spawnSync } = await import('node:child_process');
  const script = join(ROOT, 'dist/bench-scale.js');
  if (!existsSync(script)) throw new Error('dist/bench-scale.js missing: build with node esbuild.mjs --bench');
  const r = spawnSync(process.execPath, [script], { encoding: 'utf8', timeout: 600_000 });
  if (r.status !== 0) throw new Error(`bench-scale exited ${r.status}: ${r.stderr.trim().split('\n').pop()}`);
  for (const line of r.stdout.trim().split('\n')) {
    const i = line.lastIndexOf(': ');
    if (i < 0) continue;
    const figure = line.slice(0, i);
    const target = figure.startsWith('scheduler: throughput') ? '≥ 1,000 pods/s' : figure.includes('RSS at that scale') ? '< 1.5 GB' : undefined;
    const reference = figure.startsWith('scheduler: throughput')
      ? "upstream's reference is scheduler_perf's SchedulingBasic (perf-dash); its figures could not be read from this machine"
      : undefined;
    report.add({ figure, value: line.slice(i + 2), target, reference });
  }
}

async function stepProfile(): Promise<void> {
  const dir = tmp('skiff-bench-prof-');
  const profDir = join(dir, 'prof');
  // An untimed first start creates the PKI and store, so the profiled start is an existing-dir one.
  const first = new BenchCluster(join(dir, 'data'));
  await first.start();
  await first.stop();
  const c = new BenchCluster(join(dir, 'data'), ['--cpu-prof', '--cpu-prof-dir', profDir]);
  await c.start();
  const windows: { name: string; win: { fromUs: number; toUs: number }; rate: string }[] = [
    { name: 'STARTUP (existing dir, until /version answered)', win: { fromUs: 0, toUs: monotonicUs() }, rate: `${fmtMs(performance.now() - c.spawnedAt, 0)} incl. profiler overhead` },
  ];
  try {
    const t = clientTls(readPki(c.dir));
    await seed(c.port, t);
    const run = Date.now().toString(36);
    const specs: [string, Pick<LoadSpec, 'method' | 'path' | 'body' | 'expectStatus'>][] = [
      ['GET', { method: 'GET', path: '/api/v1/namespaces/bench/configmaps/get-me', expectStatus: 200 }],
      ['LIST', { method: 'GET', path: '/api/v1/namespaces/bench-list/configmaps', expectStatus: 200 }],
      ['CREATE', { method: 'POST', path: '/api/v1/namespaces/bench-create/configmaps', body: (seq) => JSON.stringify(configMap(`p-${run}-${seq}`)), expectStatus: 201 }],
    ];
    for (const [name, s] of specs) {
      const r = await runLoad(loadSpec(c.port, t, c.pid, s));
      console.log(`   ${name} (profiled): ${describeLoad(r)}`);
      windows.push({ name, win: r.windowUs, rate: fmtRate(r.rate) });
    }
    const fromUs = monotonicUs();
    const w = await runWatch({ port: c.port, tls: t, namespace: 'bench-watch', watchers: WATCHERS, ratePerSec: WATCH_RATE, durationMs: DURATION_MS, drainMs: 3000 });
    console.log(`   WATCH (profiled): delivery p50 ${fmtMs(w.p50, 2)}, p99 ${fmtMs(w.p99, 2)}; write ack p50 ${fmtMs(w.writeAckP50, 2)}, p99 ${fmtMs(w.writeAckP99, 2)}`);
    windows.push({ name: `WATCH (${WATCHERS} watchers, ${WATCH_RATE} writes/s)`, win: { fromUs, toUs: monotonicUs() }, rate: `${fmtRate(w.writeRate)} writes` });
  } finally {
    await c.stop();
  }
  const files = existsSync(profDir) ? readdirSync(profDir).filter((f) => f.endsWith('.cpuprofile')) : [];
  if (!files.length) throw new Error(`no CPU profile written in ${profDir} (the cluster must exit normally on SIGTERM)`);
  // The main thread's profile is the biggest one.
  const file = files.map((f) => join(profDir, f)).sort((a, b) => statSync(b).size - statSync(a).size)[0];
  for (const w of windows) {
    console.log(`\n   -- ${w.name} window: cluster profile`);
    const summary = summarizeProfile(file, w.win);
    console.log(formatProfile(summary, 15));
    const top = summary.functions.slice(0, 5).map((f) => `${f.name} ${f.selfPct.toFixed(0)}%`);
    report.note(`profile ${w.name} (cluster under --cpu-prof, ${w.rate}): top self time: ${top.join(', ')}`);
  }
}

// ---- main --------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const started = performance.now();
  console.log(`Skiff benchmarks — node ${process.version}, ${(await import('node:os')).cpus().length} cores; load generator pid ${process.pid}`);
  for (const [what, path] of [
    ['dist/skiff.js (node esbuild.mjs)', SKIFF],
    ['kubectl (node scripts/fetch-kubectl.mjs)', KUBECTL],
  ]) {
    if (!existsSync(path)) console.log(`!! missing ${what}: ${path}; steps that need it will fail`);
  }

  if (enabled('ref')) await report.step('references: process start and idle RSS', stepReferences);
  if (enabled('cold')) {
    await report.step('cold start until HTTPS answers', () => stepColdStart('https'));
    await report.step('cold start until kubectl succeeds', () => stepColdStart('kubectl'));
  }
  if (enabled('cluster') || enabled('watch') || enabled('bare')) {
    if (enabled('cluster') || enabled('watch')) await report.step('cluster: start, idle RSS', stepClusterStart);
    if (enabled('cluster')) await report.step(`cluster: seed (${LIST_SIZE} ConfigMaps)`, stepSeed);
    if (enabled('bare')) await report.step('bare Node.js HTTPS server: start', stepBareStart);
    if (enabled('cluster') || enabled('bare')) {
      await report.step(`GET: cluster and bare server in ${SLICES} alternating slices`, stepGet);
      if (enabled('cluster')) await report.step('cluster: LIST', stepList);
      await report.step(`CREATE: cluster (durable) and bare server POST in ${SLICES} alternating slices`, stepCreate);
      compareRows();
    }
    if (enabled('watch')) await report.step('cluster: watch fan-out', stepWatch);
    const b = bare;
    if (b) {
      await report.step('bare server: stop', async () => {
        const mem = memoryOf(b.pid);
        report.note(`bare server RSS after its runs: ${fmtMB(mem.rss)}`);
        await b.stop();
      });
    }
    const c = cluster;
    if (c) await report.step('cluster: stop', () => c.stop());
  }
  if (enabled('store')) await report.step('embedded store (bench/store.ts)', stepStore);
  if (enabled('scale')) await report.step('scale: scheduler and a 1,000-replica Deployment (bench/scale.ts)', stepScale);
  if (enabled('profile')) await report.step('CPU profile of the cluster under GET/LIST/CREATE', stepProfile);

  report.note(`client and server share this machine's ${(await import('node:os')).cpus().length} cores; all figures are wall-clock on this machine, one load generator process`);
  report.print(`Skiff benchmark results (${((performance.now() - started) / 1000).toFixed(0)} s)`);
}

main()
  .catch((e) => {
    console.error('bench: unexpected failure:', e);
    process.exitCode = 1;
  })
  .finally(() => {
    cluster?.kill();
    void bare?.stop();
    for (const d of tmpDirs) rmSync(d, { recursive: true, force: true });
  });
