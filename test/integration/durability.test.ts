/**
 * Durability: a write the server acknowledged (201) survives a crash. ConfigMaps are created by 16
 * concurrent writers; the server is SIGKILLed while writes are in flight, restarted on the same data
 * dir, and every acknowledged object must be there with its data and resourceVersion. Twice, and
 * resourceVersions must keep increasing across the crashes.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';

const NS = 'durable';
const PATH = `/api/v1/namespaces/${NS}/configmaps`;
const WRITERS = 16;

interface Acked {
  data: Record<string, string>;
  rv: bigint;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function rv(s: unknown): bigint {
  assert.match(String(s), /^\d+$/, `resourceVersion ${String(s)} is not a decimal integer`);
  return BigInt(String(s));
}

describe('durability across SIGKILL', { timeout: 120_000 }, () => {
  let c: TestCluster;
  const acked = new Map<string, Acked>();
  let lastRV = 0n;

  before(async () => {
    c = await startTestCluster();
    const r = await c.json('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    assert.equal(r.status, 201, JSON.stringify(r.body));
  });
  after(async () => {
    await c?.kill();
    c?.cleanup();
  });

  /** Writes until killed; returns what was acknowledged and what went wrong besides the crash. */
  async function burstThenKill(prefix: string, runMs: number): Promise<{ count: number; unexpected: string[]; maxRV: bigint; minRV: bigint }> {
    let stop = false;
    let seq = 0;
    let count = 0;
    let maxRV = 0n;
    let minRV = -1n;
    const unexpected: string[] = [];
    const writer = async () => {
      while (!stop) {
        const name = `${prefix}-${seq++}`;
        const data = { name, payload: `${name}:${'x'.repeat(200)}` };
        try {
          const r = await c.request('POST', PATH, JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels: { round: prefix } }, data }));
          if (r.status === 201) {
            const v = rv(JSON.parse(r.body).metadata.resourceVersion);
            acked.set(name, { data, rv: v });
            count++;
            if (v > maxRV) maxRV = v;
            if (minRV < 0n || v < minRV) minRV = v;
          } else if (!stop) {
            unexpected.push(`${r.status} ${r.body.slice(0, 200)}`);
          }
        } catch (e) {
          // the connection died with the server: not acknowledged, so no promise was made
          if (!stop) unexpected.push(`request error before the kill: ${(e as Error).message}`);
        }
      }
    };
    const writers = Array.from({ length: WRITERS }, writer);
    await sleep(runMs);
    stop = true; // no new requests; those already sent are still in flight
    await c.kill();
    await Promise.allSettled(writers);
    return { count, unexpected, maxRV, minRV };
  }

  async function verifyAll(): Promise<bigint> {
    const r = await c.json('GET', PATH);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const byName = new Map<string, any>(r.body.items.map((i: any) => [i.metadata.name, i]));
    const missing: string[] = [];
    const wrong: string[] = [];
    for (const [name, a] of acked) {
      const got = byName.get(name);
      if (!got) {
        missing.push(name);
        continue;
      }
      if (JSON.stringify(got.data) !== JSON.stringify(a.data)) wrong.push(`${name}: data ${JSON.stringify(got.data).slice(0, 80)}`);
      if (rv(got.metadata.resourceVersion) !== a.rv) wrong.push(`${name}: resourceVersion ${got.metadata.resourceVersion} != acknowledged ${a.rv}`);
    }
    assert.deepEqual(missing, [], `${missing.length} of ${acked.size} acknowledged ConfigMaps lost: ${missing.slice(0, 20).join(', ')}`);
    assert.deepEqual(wrong, [], 'acknowledged ConfigMaps changed');
    // objects written but not acknowledged may exist; if they do they must be whole
    for (const item of r.body.items) if (item.metadata.labels?.round) assert.equal(item.data?.name, item.metadata.name, `torn object ${item.metadata.name}`);
    const listRV = rv(r.body.metadata.resourceVersion);
    for (const a of acked.values()) assert.ok(listRV >= a.rv, `list resourceVersion ${listRV} is behind an acknowledged write (${a.rv})`);
    return listRV;
  }

  it('round 1: acknowledged creates survive SIGKILL', async () => {
    const r = await burstThenKill('r1', 1500);
    assert.deepEqual(r.unexpected, []);
    assert.ok(r.count >= 20, `only ${r.count} creates acknowledged in 1.5 s`);
    console.log(`durability round 1: ${r.count} creates acknowledged before SIGKILL`);
    await c.start();
    lastRV = await verifyAll();
  });

  it('round 2: more writes, SIGKILL again; everything from both rounds survives and resourceVersions grow', async () => {
    // the first write after the restart continues the resourceVersion sequence
    const probe = await c.json('POST', PATH, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'probe', labels: { round: 'probe' } }, data: { name: 'probe' } });
    assert.equal(probe.status, 201, JSON.stringify(probe.body));
    const probeRV = rv(probe.body.metadata.resourceVersion);
    assert.ok(probeRV > lastRV, `resourceVersion went backwards after restart: ${probeRV} <= ${lastRV}`);
    acked.set('probe', { data: { name: 'probe' }, rv: probeRV });

    const r = await burstThenKill('r2', 1500);
    assert.deepEqual(r.unexpected, []);
    assert.ok(r.count >= 20, `only ${r.count} creates acknowledged in 1.5 s`);
    assert.ok(r.minRV > probeRV, `round 2 resourceVersions (${r.minRV}..) not above the probe (${probeRV})`);
    console.log(`durability round 2: ${r.count} creates acknowledged before SIGKILL`);
    await c.start();
    const rv2 = await verifyAll();
    assert.ok(rv2 >= r.maxRV);

    // and after the second restart, too
    const next = await c.json('POST', PATH, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'probe2', labels: { round: 'probe' } }, data: { name: 'probe2' } });
    assert.equal(next.status, 201, JSON.stringify(next.body));
    assert.ok(rv(next.body.metadata.resourceVersion) > rv2, 'resourceVersion went backwards after the second restart');
    // a watch from before the crash resumes or is told to re-list (410), never silently skips
    const w = await c.request('GET', `${PATH}?watch=true&resourceVersion=${rv2}&timeoutSeconds=1`);
    assert.equal(w.status, 200, w.body.slice(0, 300));
    const events = w.body
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    assert.ok(
      events.some((e) => e.type === 'ADDED' && e.object.metadata.name === 'probe2') || events.some((e) => e.type === 'ERROR' && e.object.code === 410),
      `watch from ${rv2} saw neither probe2 nor a 410: ${w.body.slice(0, 500)}`,
    );
  });
});
