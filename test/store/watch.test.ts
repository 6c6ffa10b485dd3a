import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CompactedError } from '../../server/store/index.js';
import { EventSink, noSnapshots, openStore, putDurably, tempDir } from './helpers.js';

describe('store: watch', () => {
  it('replays retained history after the given revision, then streams live events', async () => {
    const s = await openStore(tempDir(), noSnapshots);
    await putDurably(s, '/w/a', '1'); // 1
    await putDurably(s, '/w/b', '1'); // 2
    await putDurably(s, '/w/a', '2'); // 3

    const sink = new EventSink();
    s.watch('/w/', 1, sink.onEvents);
    await sink.until(2);
    assert.deepEqual(sink.events.map((e) => [e.type, e.kv.key, e.kv.modRevision]), [
      ['PUT', '/w/b', 2],
      ['PUT', '/w/a', 3],
    ]);
    assert.equal(sink.events[1]!.prevKv?.value, '1');

    const del = s.delete('/w/b');
    assert.ok(del.ok);
    s.put('/w/c', 'x');
    await sink.until(4);
    assert.deepEqual(sink.events.slice(2).map((e) => [e.type, e.kv.key, e.kv.modRevision]), [
      ['DELETE', '/w/b', 4],
      ['PUT', '/w/c', 5],
    ]);
    const delEvent = sink.events[2]!;
    assert.equal(delEvent.kv.value, '1');
    assert.equal(delEvent.prevKv?.modRevision, 2);
    await s.close();
  });

  it('delivers only keys under the prefix, in revision order, and nothing before durability', async () => {
    const s = await openStore(tempDir(), noSnapshots);
    const pods = new EventSink();
    const all = new EventSink();
    s.watch('/registry/pods/', s.revision, pods.onEvents);
    s.watch('', s.revision, all.onEvents);
    const results = [];
    for (let i = 0; i < 40; i++) results.push(s.put(i % 2 ? `/registry/pods/p${i}` : `/registry/services/s${i}`, String(i)));
    // applied but not yet durable: no delivery may have happened in this tick
    assert.equal(pods.events.length + all.events.length, 0);
    await all.until(40);
    await pods.until(20);
    assert.ok(pods.events.every((e) => e.kv.key.startsWith('/registry/pods/')));
    const revs = all.events.map((e) => e.kv.modRevision);
    assert.deepEqual(revs, Array.from({ length: 40 }, (_, i) => i + 1));
    // each event's write had resolved `durable` no later than delivery
    let settled = 0;
    await Promise.all(results.map((r) => r.ok && r.durable.then(() => settled++)));
    assert.equal(settled, 40);
    await s.close();
  });

  it('starts from a revision not yet reached and stops after cancel', async () => {
    const s = await openStore(tempDir(), noSnapshots);
    await putDurably(s, '/f/a', '1');
    const sink = new EventSink();
    const w = s.watch('/f/', 3, sink.onEvents);
    await putDurably(s, '/f/b', '2'); // 2, before the start revision
    await putDurably(s, '/f/c', '3'); // 3
    await putDurably(s, '/f/d', '4'); // 4
    await sink.until(1);
    assert.deepEqual(sink.events.map((e) => e.kv.modRevision), [4]);
    w.cancel();
    await putDurably(s, '/f/e', '5');
    await putDurably(s, '/f/g', '6');
    assert.equal(sink.events.length, 1);
    await s.close();
  });

  it('throws CompactedError for a compacted start revision and accepts the compact revision itself', async () => {
    const s = await openStore(tempDir(), noSnapshots);
    for (let i = 1; i <= 5; i++) await putDurably(s, `/c/${i}`, String(i));
    s.compact(3);
    assert.throws(() => s.watch('/c/', 2, () => {}), (err: unknown) => err instanceof CompactedError && err.requested === 2 && err.compactRevision === 3);
    const sink = new EventSink();
    s.watch('/c/', 3, sink.onEvents);
    await sink.until(2);
    assert.deepEqual(sink.events.map((e) => e.kv.modRevision), [4, 5]);
    await s.close();
  });

  it('cancels a watcher whose callback throws without disturbing others or writers', async () => {
    const s = await openStore(tempDir(), noSnapshots);
    const originalEmit = process.emitWarning;
    const emitted: string[] = [];
    process.emitWarning = ((m: string | Error) => emitted.push(String(m))) as typeof process.emitWarning;
    try {
      let calls = 0;
      s.watch('/t/', 0, () => {
        calls++;
        throw new Error('consumer bug');
      });
      const good = new EventSink();
      s.watch('/t/', 0, good.onEvents);
      await putDurably(s, '/t/1', 'a');
      await putDurably(s, '/t/2', 'b');
      await good.until(2);
      assert.equal(calls, 1);
      assert.match(emitted.join('\n'), /watch callback .* threw, watch cancelled: Error: consumer bug/);
    } finally {
      process.emitWarning = originalEmit;
    }
    await s.close();
  });

  it('never makes writers wait for a consumer that is stuck', async () => {
    const s = await openStore(tempDir(), noSnapshots);
    let received = 0;
    const stuck = new Promise<void>(() => {});
    s.watch('', 0, (async (events: unknown[]) => {
      received += events.length;
      await stuck;
    }) as unknown as () => void);
    for (let i = 0; i < 200; i++) await putDurably(s, `/slow/${i}`, 'x');
    assert.equal(s.revision, 200);
    await s.close();
    assert.equal(received, 200);
  });
});
