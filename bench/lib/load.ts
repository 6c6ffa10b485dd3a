/**
 * Closed-loop HTTPS load generator: N clients, each with its own keep-alive connection (one
 * https.Agent, keepAlive, maxSockets N, client-certificate auth), each sending its next request
 * as soon as the previous response has been read completely. A warm-up period (JIT, connection
 * setup) is discarded; throughput and latency cover the measured window only. Server CPU time
 * over the window is read from /proc so the cost per request can be compared independently of
 * the client, which shares the machine's cores.
 */
import https from 'node:https';
import type { ClientTls } from './cluster.js';
import { cpuMsOf, selfCpuMs, systemCpuMs, waitForQuiet } from './proc.js';
import { Samples, percentileSorted, sleep } from './stats.js';

export interface LoadSpec {
  port: number;
  tls: ClientTls;
  method: 'GET' | 'POST' | 'PUT';
  /** path, or a path per request (`seq` is unique across all clients) */
  path: string | ((seq: number) => string);
  body?: (seq: number) => string;
  headers?: Record<string, string>;
  expectStatus: number;
  concurrency: number;
  durationMs: number;
  warmupMs: number;
  /** pid of the server process, for its CPU time */
  serverPid?: number;
  /** wait up to this long for other processes on the machine to go quiet before starting */
  quietWaitMs?: number;
}

export interface LoadResult {
  requests: number;
  errors: number;
  firstError?: string;
  windowMs: number;
  /** the measured window on the monotonic clock (µs), to select samples of a server CPU profile */
  windowUs: { fromUs: number; toUs: number };
  rate: number;
  p50: number;
  p99: number;
  max: number;
  meanBytes: number;
  /** server CPU over the window as a fraction of one core */
  serverCpu?: number;
  /** server CPU per request, microseconds */
  serverCpuPerReqUs?: number;
  clientCpu: number;
  clientCpuPerReqUs: number;
  /** CPU used by everything else on the machine over the window, in cores (other processes, plus steal) */
  otherCpu: number;
  /** raw measures, for merging runs (mergeLoad) */
  raw: RawLoad;
}

interface RawLoad {
  requests: number;
  errors: number;
  firstError?: string;
  windowMs: number;
  windowUs: { fromUs: number; toUs: number };
  latencies: Float64Array;
  bytes: number;
  /** NaN when the server pid was not given */
  serverCpuMs: number;
  clientCpuMs: number;
  otherCpuMs: number;
}

function summarize(raw: RawLoad): LoadResult {
  const sorted = raw.latencies.slice().sort();
  const n = raw.requests;
  const hasServer = !Number.isNaN(raw.serverCpuMs);
  return {
    requests: n,
    errors: raw.errors,
    firstError: raw.firstError,
    windowMs: raw.windowMs,
    windowUs: raw.windowUs,
    rate: (n * 1000) / raw.windowMs,
    p50: percentileSorted(sorted, 50),
    p99: percentileSorted(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1] : NaN,
    meanBytes: n ? raw.bytes / n : NaN,
    serverCpu: hasServer ? raw.serverCpuMs / raw.windowMs : undefined,
    serverCpuPerReqUs: hasServer && n ? (raw.serverCpuMs * 1000) / n : undefined,
    clientCpu: raw.clientCpuMs / raw.windowMs,
    clientCpuPerReqUs: n ? (raw.clientCpuMs * 1000) / n : NaN,
    otherCpu: Math.max(0, raw.otherCpuMs) / raw.windowMs,
    raw,
  };
}

/** Combines runs of the same load (e.g. slices interleaved with another server's) into one result. */
export function mergeLoad(results: LoadResult[]): LoadResult {
  const raws = results.map((r) => r.raw);
  const latencies = new Float64Array(raws.reduce((n, r) => n + r.latencies.length, 0));
  let off = 0;
  for (const r of raws) {
    latencies.set(r.latencies, off);
    off += r.latencies.length;
  }
  const sum = (f: (r: RawLoad) => number) => raws.reduce((acc, r) => acc + f(r), 0);
  return summarize({
    requests: sum((r) => r.requests),
    errors: sum((r) => r.errors),
    firstError: raws.find((r) => r.firstError)?.firstError,
    windowMs: sum((r) => r.windowMs),
    windowUs: { fromUs: Math.min(...raws.map((r) => r.windowUs.fromUs)), toUs: Math.max(...raws.map((r) => r.windowUs.toUs)) },
    latencies,
    bytes: sum((r) => r.bytes),
    serverCpuMs: sum((r) => r.serverCpuMs),
    clientCpuMs: sum((r) => r.clientCpuMs),
    otherCpuMs: sum((r) => r.otherCpuMs),
  });
}

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  if (spec.quietWaitMs) {
    const other = await waitForQuiet(spec.serverPid ? [spec.serverPid] : [], spec.quietWaitMs);
    if (other >= 0.15) console.log(`   (machine not quiet: other processes use ${(other * 100).toFixed(0)}% of a core; measuring anyway)`);
  }
  const agent = new https.Agent({ ...spec.tls, keepAlive: true, maxSockets: spec.concurrency, maxFreeSockets: spec.concurrency, scheduling: 'lifo' });
  const samples = new Samples();
  let seq = 0;
  let errors = 0;
  let firstError: string | undefined;
  let bytes = 0;
  let measuring = false;
  let stopping = false;
  let counted = 0;

  const once = (): Promise<void> =>
    new Promise((resolve) => {
      const n = seq++;
      const path = typeof spec.path === 'string' ? spec.path : spec.path(n);
      const body = spec.body?.(n);
      const headers: Record<string, string | number> = { Accept: 'application/json', ...spec.headers };
      if (body !== undefined) {
        headers['Content-Type'] = 'application/json';
        headers['Content-Length'] = Buffer.byteLength(body);
      }
      const t0 = performance.now();
      const fail = (msg: string) => {
        if (measuring) errors++;
        firstError ??= msg;
        resolve();
      };
      const req = https.request({ host: '127.0.0.1', port: spec.port, method: spec.method, path, agent, headers }, (res) => {
        let size = 0;
        let text = '';
        const ok = res.statusCode === spec.expectStatus;
        res.on('data', (d: Buffer) => {
          size += d.length;
          if (!ok && text.length < 500) text += d;
        });
        res.on('end', () => {
          if (!ok) return fail(`${spec.method} ${path}: HTTP ${res.statusCode} ${text.slice(0, 300)}`);
          if (measuring) {
            samples.push(performance.now() - t0);
            bytes += size;
            counted++;
          }
          resolve();
        });
        res.on('error', (e) => fail(String(e)));
      });
      req.on('error', (e) => fail(`${spec.method} ${path}: ${e.message}`));
      req.end(body);
    });

  const worker = async () => {
    while (!stopping) {
      const before = errors;
      await once();
      // Back off a little on failure so a dead server does not turn into a busy loop.
      if (errors !== before) await sleep(5);
    }
  };

  const workers = Array.from({ length: spec.concurrency }, worker);
  await sleep(spec.warmupMs);
  const serverCpu0 = spec.serverPid ? cpuMsOf(spec.serverPid) : 0;
  const clientCpu0 = selfCpuMs();
  const sys0 = systemCpuMs();
  const w0 = performance.now();
  const fromUs = monotonicUs();
  measuring = true;
  await sleep(spec.durationMs);
  measuring = false;
  const windowMs = performance.now() - w0;
  const toUs = monotonicUs();
  const clientCpuMs = selfCpuMs() - clientCpu0;
  const serverCpuMs = spec.serverPid ? cpuMsOf(spec.serverPid) - serverCpu0 : NaN;
  const sys1 = systemCpuMs();
  const otherCpuMs = sys1.busy - sys0.busy + (sys1.steal - sys0.steal) - clientCpuMs - (spec.serverPid ? serverCpuMs : 0);
  stopping = true;
  await Promise.all(workers);
  agent.destroy();

  return summarize({
    requests: counted,
    errors,
    firstError,
    windowMs,
    windowUs: { fromUs, toUs },
    latencies: samples.values(),
    bytes,
    serverCpuMs,
    clientCpuMs,
    otherCpuMs,
  });
}

/** Monotonic clock in microseconds (CLOCK_MONOTONIC, the clock of V8 CPU profiles). */
export function monotonicUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

export async function fanOut(count: number, concurrency: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await fn(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}

/** One request over a keep-alive agent, for setup work; resolves with status and body. */
export function request(agent: https.Agent, port: number, method: string, path: string, body?: unknown): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const text = body === undefined ? undefined : JSON.stringify(body);
    const req = https.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        agent,
        headers: text !== undefined ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), Accept: 'application/json' } : { Accept: 'application/json' },
      },
      (res) => {
        let data = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (data += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: data }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(text);
  });
}

export function describeLoad(r: LoadResult): string {
  const parts = [`${r.requests} ok in ${(r.windowMs / 1000).toFixed(1)} s`, `p50 ${r.p50.toFixed(2)} ms`, `p99 ${r.p99.toFixed(2)} ms`, `max ${r.max.toFixed(1)} ms`, `${Math.round(r.meanBytes)} B/resp`];
  if (r.serverCpu !== undefined) parts.push(`server CPU ${(r.serverCpu * 100).toFixed(0)}% of a core, ${r.serverCpuPerReqUs!.toFixed(0)} µs/req`);
  parts.push(`client CPU ${(r.clientCpu * 100).toFixed(0)}%, ${r.clientCpuPerReqUs.toFixed(0)} µs/req`);
  parts.push(`other CPU on the machine ${(r.otherCpu * 100).toFixed(0)}%`);
  if (r.errors) parts.push(`${r.errors} errors (first: ${r.firstError})`);
  return parts.join(', ');
}

/**
 * Measures two servers under the same load in alternating slices (a b, b a, a b, ...), so that
 * whatever else the machine is doing at the time falls on both alike. Each slice opens its own
 * connections; the first slice of each warms up for the full warm-up, later ones for 300 ms.
 */
export async function sideBySide(a: LoadSpec, b: LoadSpec, slices: number): Promise<[LoadResult, LoadResult]> {
  const ra: LoadResult[] = [];
  const rb: LoadResult[] = [];
  for (let i = 0; i < slices; i++) {
    const slice = (s: LoadSpec): LoadSpec => ({
      ...s,
      durationMs: s.durationMs / slices,
      warmupMs: i === 0 ? s.warmupMs : Math.min(300, s.warmupMs),
      quietWaitMs: i === 0 && s === a ? s.quietWaitMs : undefined,
    });
    if (i % 2 === 0) {
      ra.push(await runLoad(slice(a)));
      rb.push(await runLoad(slice(b)));
    } else {
      rb.push(await runLoad(slice(b)));
      ra.push(await runLoad(slice(a)));
    }
  }
  return [mergeLoad(ra), mergeLoad(rb)];
}
