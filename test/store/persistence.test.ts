import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { StoreLockedError, type Store } from '../../server/store/index.js';
import { EventSink, noSnapshots, openStore, snapshots, tempDir, walSegments } from './helpers.js';

/** Everything a reopen must restore: live state, MVCC history, compaction point, watch history. */
function fingerprint(s: Store): unknown {
  const history: unknown[] = [];
  for (let rev = s.compactRevision; rev <= s.revision; rev++) history.push(s.range('', { revision: rev }).kvs);
  return { revision: s.revision, compactRevision: s.compactRevision, live: s.range('').kvs, count: s.count(''), history };
}

async function writeWorkload(s: Store, n: number): Promise<void> {
  const pending = [];
  for (let i = 0; i < n; i++) {
    const key = `/p/${i % 37}`;
    const r = i % 11 === 10 && s.get(key) ? s.delete(key) : s.put(key, (rev) => `{"i":${i},"rev":${rev}}`);
    if (r.ok) pending.push(r.durable);
    if (i % 50 === 49) await Promise.all(pending.splice(0));
  }
  await Promise.all(pending);
}

describe('store: persistence', () => {
  it('reopen restores state, history and compact revision from the WAL alone', async () => {
    const dir = tempDir();
    const s = await openStore(dir, noSnapshots);
    await writeWorkload(s, 300);
    s.compact(120);
    const before = fingerprint(s);
    await s.close();
    assert.deepEqual(snapshots(dir), []);

    const again = await openStore(dir, noSnapshots);
    assert.deepEqual(fingerprint(again), before);
    const sink = new EventSink();
    again.watch('/p/', 250, sink.onEvents);
    await sink.until(again.revision - 250);
    assert.deepEqual(sink.events.map((e) => e.kv.modRevision), Array.from({ length: again.revision - 250 }, (_, i) => 251 + i));
    await again.close();
  });

  it('snapshots periodically, drops covered WAL segments and restores from snapshot + WAL', async () => {
    const dir = tempDir();
    const opts = { snapshotEveryRecords: 100, historyMaxRevisions: 150 };
    const s = await openStore(dir, opts);
    await writeWorkload(s, 1000);
    const before = fingerprint(s);
    await s.close();
    const snaps = snapshots(dir);
    assert.ok(snaps.length >= 1 && snaps.length <= 2, `snapshots: ${snaps.join(',')}`);
    // only segments with records above the older kept snapshot remain, and the first one reaches back to it
    const oldestSnap = parseInt(snaps[0]!, 16);
    const startRevs = walSegments(dir).map((f) => parseInt(path.basename(f).split(/[-.]/)[1]!, 16));
    assert.ok(startRevs[0]! > 0 && startRevs[0]! <= oldestSnap, `segments start at ${startRevs.join(',')}, snapshots ${snaps.join(',')}`);
    assert.ok(startRevs.slice(1).every((r) => r > oldestSnap), `segments start at ${startRevs.join(',')}, snapshots ${snaps.join(',')}`);

    const again = await openStore(dir, opts);
    assert.deepEqual(fingerprint(again), before);
    const r = again.put('/p/after', 'x');
    assert.ok(r.ok);
    await r.durable;
    await again.close();
    const third = await openStore(dir, opts);
    assert.equal(third.get('/p/after')?.value, 'x');
    await third.close();
  });

  it('falls back to the previous snapshot when the newest is damaged', async () => {
    const dir = tempDir();
    const opts = { snapshotEveryRecords: 100 };
    const s = await openStore(dir, opts);
    await writeWorkload(s, 600);
    const before = fingerprint(s);
    await s.close();
    const snaps = snapshots(dir);
    assert.equal(snaps.length, 2);
    const newest = path.join(dir, 'snap', snaps[1]!);
    const buf = fs.readFileSync(newest);
    buf[buf.length >> 1] ^= 0xff;
    fs.writeFileSync(newest, buf);

    const warnings: string[] = [];
    const again = await openStore(dir, { ...opts, onWarning: (m) => warnings.push(m) });
    assert.match(warnings.join('\n'), /^snapshot: crc mismatch at offset \d+ in [0-9a-f]{16}\.snap; trying an older snapshot/);
    assert.deepEqual(fingerprint(again), before);
    await again.close();
  });

  it('holds an exclusive lock on the directory until close', async () => {
    const dir = tempDir();
    const s = await openStore(dir, noSnapshots);
    await assert.rejects(openStore(dir, noSnapshots), (err: unknown) => err instanceof StoreLockedError && /already open in this process/.test(err.message));
    assert.equal(fs.readFileSync(path.join(dir, 'LOCK'), 'utf8').trim(), String(process.pid));
    await s.close();
    assert.equal(fs.existsSync(path.join(dir, 'LOCK')), false);
    const again = await openStore(dir, noSnapshots);
    await again.close();
  });

  it('refuses a lock held by another live process and takes over one left by a dead process', async () => {
    const dir = tempDir();
    // pid 1 is always running
    fs.writeFileSync(path.join(dir, 'LOCK'), '1\n');
    await assert.rejects(openStore(dir, noSnapshots), /store: .* is locked by running process 1/);
    // a pid far above pid_max can never be running
    fs.writeFileSync(path.join(dir, 'LOCK'), '2147483646\n');
    const s = await openStore(dir, noSnapshots);
    assert.equal(fs.readFileSync(path.join(dir, 'LOCK'), 'utf8').trim(), String(process.pid));
    await s.close();
  });

  it('close flushes writes that were not awaited', async () => {
    const dir = tempDir();
    const s = await openStore(dir, noSnapshots);
    for (let i = 0; i < 100; i++) s.put(`/unawaited/${i}`, String(i));
    await s.close();
    const again = await openStore(dir, noSnapshots);
    assert.equal(again.count('/unawaited/'), 100);
    await again.close();
  });
});
