import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CompactionPolicy } from '../../server/store/compact.js';
import { CompactedError, FutureRevisionError } from '../../server/store/index.js';
import { EventSink, noSnapshots, openStore, putDurably, tempDir } from './helpers.js';

describe('store: compaction', () => {
  it('keeps the state at the compact revision and everything after it', async () => {
    const s = await openStore(tempDir(), noSnapshots);
    s.put('/k/a', 'a1'); // 1
    s.put('/k/b', 'b1'); // 2
    s.delete('/k/b'); // 3
    s.put('/k/a', 'a2'); // 4
    s.put('/k/c', 'c1'); // 5
    s.put('/k/a', 'a3'); // 6
    s.compact(4);
    assert.equal(s.compactRevision, 4);
    assert.deepEqual(s.range('/k/', { revision: 4 }).kvs.map((kv) => kv.value), ['a2']);
    assert.deepEqual(s.range('/k/', { revision: 5 }).kvs.map((kv) => kv.value), ['a2', 'c1']);
    assert.deepEqual(s.range('/k/').kvs.map((kv) => kv.value), ['a3', 'c1']);
    assert.throws(() => s.range('/k/', { revision: 3 }), CompactedError);
    assert.throws(() => s.compact(7), FutureRevisionError);

    // compacting to an older revision is a no-op
    s.compact(2);
    assert.equal(s.compactRevision, 4);

    const sink = new EventSink();
    s.watch('/k/', 4, sink.onEvents);
    await sink.until(2);
    assert.deepEqual(sink.events.map((e) => e.kv.modRevision), [5, 6]);
    assert.equal(sink.events[1]!.prevKv?.value, 'a2');
    await s.close();
  });

  it('compacts automatically to keep at most historyMaxRevisions', async () => {
    const s = await openStore(tempDir(), { ...noSnapshots, historyMaxRevisions: 100 });
    for (let i = 0; i < 1000; i++) s.put(`/auto/${i % 10}`, String(i));
    assert.ok(s.compactRevision >= 1000 - 110, `compactRevision ${s.compactRevision}`);
    assert.ok(s.compactRevision <= 1000 - 100, `compactRevision ${s.compactRevision}`);
    assert.equal(s.range('/auto/', { revision: s.compactRevision }).kvs.length, 10);
    assert.equal(s.count('/auto/'), 10);
    assert.throws(() => s.watch('', 0, () => {}), CompactedError);
    await putDurably(s, '/auto/last', 'x');
    await s.close();
  });

  it('derives time-based targets from revision samples', () => {
    const p = new CompactionPolicy({ retentionMs: 60_000, maxRevisions: 1_000_000 });
    assert.equal(p.tickMs, 6_000);
    assert.ok(p.onTick(0, 10) <= 0);
    assert.ok(p.onTick(30_000, 50) <= 0);
    // the revision sampled at t=0 is now older than the retention window
    assert.equal(p.onTick(60_000, 80), 10);
    assert.equal(p.onTick(95_000, 90), 50);
    assert.equal(p.onTick(96_000, 95), 50);

    const byCount = new CompactionPolicy({ retentionMs: 60_000, maxRevisions: 100 });
    assert.equal(byCount.onTick(0, 500), 400);
    assert.equal(byCount.onWrite(150, 40), undefined);
    assert.equal(byCount.onWrite(151, 40), 51);
  });
});
