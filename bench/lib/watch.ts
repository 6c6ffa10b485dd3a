/**
 * Watch fan-out: N watchers on one namespace's ConfigMaps (each its own HTTPS connection, chunked
 * JSON frames) while a writer creates and merge-patches ConfigMaps at a fixed rate. Every write
 * carries its send time (performance.now() of this process) in `data.sentAt`; each delivery's
 * latency is receive time minus send time, so it includes the write's own round trip to storage.
 */
import https from 'node:https';
import type { ClientRequest } from 'node:http';
import type { ClientTls } from './cluster.js';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fanOut, request } from './load.js';
import { selfCpuMs } from './proc.js';
import { Samples, percentileSorted, sleep } from './stats.js';

export interface WatchSpec {
  port: number;
  tls: ClientTls;
  namespace: string;
  watchers: number;
  ratePerSec: number;
  durationMs: number;
  /** how long to wait for stragglers after the last write */
  drainMs: number;
}

export interface WatchResult {
  watchersConnected: number;
  connectMs: number;
  writesSent: number;
  writesAcked: number;
  writeErrors: number;
  firstWriteError?: string;
  writeAckP50: number;
  writeAckP99: number;
  /** achieved write rate */
  writeRate: number;
  deliveries: number;
  expectedDeliveries: number;
  p50: number;
  p99: number;
  max: number;
  /**
   * receive time minus the writer's receipt of the write's response: the fan-out part alone
   * (negative when the event arrives before the response does)
   */
  afterAckP50: number;
  afterAckP99: number;
  /** watchers that ended early (server closed the stream) */
  streamsEnded: number;
  streamErrors: string[];
  /** this process's CPU over the write phase, in cores, and its event-loop delay p99 (ms) */
  clientCpu: number;
  clientLoopDelayP99: number;
  /** worst write round trip per 500 ms of send time, to show whether slow writes cluster in time */
  worstAckPer500ms: number[];
}

export async function runWatch(spec: WatchSpec): Promise<WatchResult> {
  // The writer sends on a fixed schedule over up to 16 keep-alive connections; when writes take
  // longer than 16 intervals, requests queue in the agent and the achieved rate drops below the target.
  const writeAgent = new https.Agent({ ...spec.tls, keepAlive: true, maxSockets: 16 });
  const watchAgent = new https.Agent({ ...spec.tls, keepAlive: false, maxSockets: Infinity });
  const base = `/api/v1/namespaces/${spec.namespace}/configmaps`;

  const ns = await request(writeAgent, spec.port, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: spec.namespace } });
  if (ns.status !== 201 && ns.status !== 409) throw new Error(`create namespace: HTTP ${ns.status} ${ns.body.slice(0, 300)}`);
  // A pool of objects the writer patches; created before the watch starts, so not delivered.
  const POOL = 50;
  await fanOut(POOL, 8, async (i) => {
    const r = await request(writeAgent, spec.port, 'POST', base, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `pool-${i}` }, data: { seq: '-1' } });
    if (r.status !== 201 && r.status !== 409) throw new Error(`create pool object: HTTP ${r.status} ${r.body.slice(0, 300)}`);
  });
  const listed = await request(writeAgent, spec.port, 'GET', `${base}?limit=1`);
  if (listed.status !== 200) throw new Error(`list: HTTP ${listed.status} ${listed.body.slice(0, 300)}`);
  const rv = JSON.parse(listed.body).metadata.resourceVersion as string;

  const latencies = new Samples();
  /** (seq, receive time) pairs */
  const received = new Samples();
  const streamErrors: string[] = [];
  let streamsEnded = 0;
  let deliveries = 0;
  let stopping = false;
  const requests: ClientRequest[] = [];

  const t0 = performance.now();
  await Promise.all(
    Array.from(
      { length: spec.watchers },
      () =>
        new Promise<void>((resolve, reject) => {
          const req = https.request(
            { host: '127.0.0.1', port: spec.port, method: 'GET', path: `${base}?watch=true&resourceVersion=${rv}`, agent: watchAgent, headers: { Accept: 'application/json' } },
            (res) => {
              if (res.statusCode !== 200) {
                let body = '';
                res.on('data', (d) => (body += d));
                res.on('end', () => reject(new Error(`watch: HTTP ${res.statusCode} ${body.slice(0, 300)}`)));
                return;
              }
              resolve();
              let pending = '';
              res.setEncoding('utf8');
              res.on('data', (chunk: string) => {
                const now = performance.now();
                pending += chunk;
                let nl: number;
                while ((nl = pending.indexOf('\n')) >= 0) {
                  const line = pending.slice(0, nl);
                  pending = pending.slice(nl + 1);
                  if (!line.trim()) continue;
                  try {
                    const ev = JSON.parse(line) as { type: string; object: { data?: Record<string, string> } };
                    const sentAt = Number(ev.object?.data?.sentAt);
                    if ((ev.type === 'ADDED' || ev.type === 'MODIFIED') && Number.isFinite(sentAt)) {
                      latencies.push(now - sentAt);
                      received.push(Number(ev.object.data!.seq));
                      received.push(now);
                      deliveries++;
                    } else if (ev.type === 'ERROR' && streamErrors.length < 5) streamErrors.push(line.slice(0, 300));
                  } catch (e) {
                    if (streamErrors.length < 5) streamErrors.push(`bad frame: ${(e as Error).message}: ${line.slice(0, 100)}`);
                  }
                }
              });
              res.on('end', () => {
                if (!stopping) streamsEnded++;
              });
              res.on('error', () => {});
            },
          );
          req.on('error', (e) => {
            if (!stopping && streamErrors.length < 5) streamErrors.push(e.message);
            reject(e);
          });
          req.end();
          requests.push(req);
        }),
    ),
  );
  const connectMs = performance.now() - t0;

  // Writer: open loop at a fixed rate; even writes create a new object, odd ones merge-patch a pool object.
  const ack = new Samples();
  const ackAt: number[] = [];
  const worst: number[] = [];
  let w0 = 0;
  let sent = 0;
  let acked = 0;
  let writeErrors = 0;
  let firstWriteError: string | undefined;
  const inflight = new Set<Promise<void>>();
  const write = (i: number) => {
    const sentAt = performance.now();
    const name = i % 2 === 0 ? `w-${i}` : `pool-${(i >> 1) % POOL}`;
    const body = i % 2 === 0 ? { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { sentAt: String(sentAt), seq: String(i) } } : { data: { sentAt: String(sentAt), seq: String(i) } };
    const text = JSON.stringify(body);
    const p = new Promise<void>((resolve) => {
      const req = https.request(
        {
          host: '127.0.0.1',
          port: spec.port,
          method: i % 2 === 0 ? 'POST' : 'PATCH',
          path: i % 2 === 0 ? base : `${base}/${name}`,
          agent: writeAgent,
          headers: { 'Content-Type': i % 2 === 0 ? 'application/json' : 'application/merge-patch+json', 'Content-Length': Buffer.byteLength(text), Accept: 'application/json' },
        },
        (res) => {
          let b = '';
          res.on('data', (d) => {
            if (b.length < 300) b += d;
          });
          res.on('end', () => {
            if (res.statusCode === 200 || res.statusCode === 201) {
              acked++;
              const now = performance.now();
              ack.push(now - sentAt);
              ackAt[i] = now;
              const bucket = Math.floor((sentAt - w0) / 500);
              worst[bucket] = Math.max(worst[bucket] ?? 0, now - sentAt);
            } else {
              writeErrors++;
              firstWriteError ??= `HTTP ${res.statusCode} ${b.slice(0, 300)}`;
            }
            resolve();
          });
        },
      );
      req.on('error', (e) => {
        writeErrors++;
        firstWriteError ??= e.message;
        resolve();
      });
      req.end(text);
    });
    inflight.add(p);
    void p.then(() => inflight.delete(p));
  };

  const loopDelay = monitorEventLoopDelay({ resolution: 1 });
  loopDelay.enable();
  const cpu0 = selfCpuMs();
  const total = Math.round((spec.ratePerSec * spec.durationMs) / 1000);
  const interval = 1000 / spec.ratePerSec;
  w0 = performance.now();
  for (let i = 0; i < total; i++) {
    const due = w0 + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    write(i);
    sent++;
  }
  await Promise.all(inflight);
  const writeMs = performance.now() - w0;
  const clientCpu = (selfCpuMs() - cpu0) / writeMs;
  loopDelay.disable();

  const expected = () => acked * spec.watchers;
  const drainEnd = performance.now() + spec.drainMs;
  while (deliveries < expected() && performance.now() < drainEnd) await sleep(10);
  stopping = true;
  for (const r of requests) r.destroy();
  writeAgent.destroy();
  watchAgent.destroy();

  const sorted = latencies.sorted();
  const afterAck = new Samples();
  const pairs = received.values();
  for (let k = 0; k + 1 < pairs.length; k += 2) {
    const at = ackAt[pairs[k]];
    if (at !== undefined) afterAck.push(pairs[k + 1] - at);
  }
  const afterAckSorted = afterAck.sorted();
  const ackSorted = ack.sorted();
  return {
    watchersConnected: requests.length,
    connectMs,
    writesSent: sent,
    writesAcked: acked,
    writeErrors,
    firstWriteError,
    writeAckP50: percentileSorted(ackSorted, 50),
    writeAckP99: percentileSorted(ackSorted, 99),
    writeRate: (acked * 1000) / writeMs,
    deliveries,
    expectedDeliveries: expected(),
    p50: percentileSorted(sorted, 50),
    p99: percentileSorted(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1] : NaN,
    afterAckP50: percentileSorted(afterAckSorted, 50),
    afterAckP99: percentileSorted(afterAckSorted, 99),
    streamsEnded,
    streamErrors,
    clientCpu,
    clientLoopDelayP99: loopDelay.percentile(99) / 1e6,
    worstAckPer500ms: Array.from(worst, (x) => Math.round(x ?? 0)),
  };
}
