import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CompactedError, FutureRevisionError, StoreClosedError } from '../../server/store/index.js';
import { noSnapshots, openStore, putDurably, tempDir } from './helpers.js';

describe('store: revisions and preconditions', () => {
  it('increments the revision once per put and delete and tracks create/mod/version', async () => {
    const s = await openStore(tempDir(), noSnapshots);
    assert.equal(s.revision, 0);
    const a = s.put('/a', 'one');
    assert.ok(a.ok);
    assert.equal(a.revision, 1);
    assert.deepEqual(a.kv, { key: '/a', value: 'one', createRevision: 1, modRevision: 1, version: 1 });
    assert.equal(a.prevKv, undefined);
    // visible before durability
    assert.equal(s.get('/a')?.value, 'one');

    const b = s.put('/a', 'two');
    assert.ok(b.ok);
    assert.deepEqual(b.kv, { key: '/a', value: 'two', createRevision: 1, modRevision: 2, version: 2 });
    assert.equal(b.prevKv?.value, 'one');

    const d = s.delete('/a');
    assert.ok(d.ok);
    assert.equal(d.revision, 3);
    assert.equal(d.kv.modRevision, 3);
    assert.equal(d.kv.value, 'two');
    assert.equal(d.prevKv?.modRevision, 2);
    assert.equal(s.get('/a'), undefined);

    const again = s.put('/a', 'three');
    assert.ok(again.ok);
    assert.deepEqual(again.kv, { key: '/a', value: 'three', createRevision: 4, modRevision: 4, version: 1 });
    await Promise.all([a.durable, b.durable, d.durable, again.durable]);
    assert.equal(s.revision, 4);
    await s.close();
  });

  it('checks expectModRevision without consuming a revision on failure', async () => {
    const s = await openStore(tempDir(), noSnapshots);
    const created = s.put('/k', 'v1', { expectModRevision: 0 });
    assert.ok(created.ok);
    const dup = s.put('/k', 'v2', { expectModRevision: 0 });
    assert.equal(dup.ok, false);
    assert.equal(!dup.ok && dup.current?.value, 'v1');
    assert.equal(s.revision, 1);

    const stale = s.put('/k', 'v2', { expectModRevision: 7 });
    assert.equal(stale.ok, false);
    const fresh = s.put('/k', 'v2', { expectModRevision: 1 });
    assert.ok(fresh.ok);
    assert.equal(s.revision, 2);

    assert.equal(s.delete('/k', { expectModRevision: 1 }).ok, false);
    assert.equal(s.delete('/missing').ok, false);
    assert.equal(s.put('/missing', 'x', { expectModRevision: 3 }).ok, false);
    assert.equal(s.revision, 2);
    const del = s.delete('/k', { expectModRevision: 2 });
    assert.ok(del.ok);
    await del.durable;
    assert.equal(s.revision, 3);
    await s.close();
  });

  it('passes the new revision to a value function and leaves no trace when it throws', async () => {
    const s = await openStore(tempDir(), noSnapshots);
    await putDurably(s, '/x', 'a');
    const r = s.put('/obj', (rev) => JSON.stringify({ resourceVersion: String(rev) }));
    assert.ok(r.ok);
    assert.equal(JSON.parse(s.get('/obj')!.value).resourceVersion, '2');
    assert.throws(() => s.put('/bad', () => {
      throw new Error('boom');
    }), /boom/);
    assert.equal(s.revision, 2);
    assert.equal(s.get('/bad'), undefined);
    assert.throws(() => s.put('/nested', () => {
      s.put('/inner', 'x');
      return 'y';
    }), /value function must not write/);
    assert.equal(s.revision, 2);
    await s.close();
  });

  it('makes read-modify-write in one tick atomic', async () => {
    const s = await openStore(tempDir(), noSnapshots);
    await putDurably(s, '/counter', '0');
    const writes = [];
    for (let i = 0; i < 50; i++) {
      const cur = s.get('/counter')!;
      const r = s.put('/counter', String(Number(cur.value) + 1), { expectModRevision: cur.modRevision });
      assert.ok(r.ok);
      writes.push(r.durable);
    }
    await Promise.all(writes);
    assert.equal(s.get('/counter')!.value, '50');
    await s.close();
  });

  it('group-commits: writes queued while a commit is on disk share the next single commit', async () => {
    const s = await openStore(tempDir(), noSnapshots);
    const durableOf = (prefix: string) =>
      Array.from({ length: 16 }, (_, i) => {
        const r = s.put(`${prefix}${i}`, 'v');
        assert.ok(r.ok);
        return r.durable;
      });
    const first = durableOf('/g/a/');
    assert.equal(new Set(first).size, 1);
    // let the first commit start, then queue 16 more behind it
    await Promise.resolve();
    const second = durableOf('/g/b/');
    assert.equal(new Set(second).size, 1);
    assert.notEqual(second[0], first[0]);
    await Promise.all([...first, ...second]);
    await s.close();
  });

  it('rejects writes after close', async () => {
    const s = await openStore(tempDir(), noSnapshots);
    const r = s.put('/a', 'b');
    await s.close();
    assert.ok(r.ok);
    await r.durable;
    assert.throws(() => s.put('/a', 'c'), StoreClosedError);
    assert.throws(() => s.delete('/a'), StoreClosedError);
    await s.close();
  });
});

describe('store: range and count', () => {
  it('returns prefix keys in ascending order with startKey/limit paging', async () => {
    const s = await openStore(tempDir(), noSnapshots);
    const keys: string[] = [];
    for (let i = 0; i < 300; i++) keys.push(`/registry/pods/ns${i % 3}/p${String(i).padStart(4, '0')}`);
    // out of order on purpose
    for (const k of [...keys].reverse()) s.put(k, k);
    s.put('/registry/pods', 'not under the prefix');
    s.put('/registry/podsecurity/x', 'not under the prefix either');
    s.put('/registry/services/x', 'other');
    const expected = [...keys].sort();

    const all = s.range('/registry/pods/');
    assert.deepEqual(all.kvs.map((kv) => kv.key), expected);
    assert.equal(all.more, false);
    assert.equal(all.revision, s.revision);
    assert.equal(s.count('/registry/pods/'), 300);
    assert.equal(s.count('/registry/pods/ns1/'), 100);
    assert.equal(s.count('/registry/'), 303);
    assert.equal(s.count(''), 303);
    assert.equal(s.count('/nothing/'), 0);

    const paged: string[] = [];
    let startKey: string | undefined;
    for (;;) {
      const page = s.range('/registry/pods/', { startKey, limit: 70 });
      paged.push(...page.kvs.map((kv) => kv.key));
      if (!page.more) break;
      assert.equal(page.kvs.length, 70);
      startKey = page.kvs[page.kvs.length - 1]!.key + '\0';
    }
    assert.deepEqual(paged, expected);

    const exact = s.range('/registry/pods/ns0/', { limit: 100 });
    assert.equal(exact.kvs.length, 100);
    assert.equal(exact.more, false);

    // a startKey before the prefix does not leak keys from outside it
    assert.equal(s.range('/registry/pods/ns2/', { startKey: '/a' }).kvs.length, 100);
    await s.close();
  });

  it('reads at an older revision (MVCC) and refuses compacted or future ones', async () => {
    const s = await openStore(tempDir(), noSnapshots);
    s.put('/m/a', 'a1'); // 1
    s.put('/m/b', 'b1'); // 2
    s.put('/m/a', 'a2'); // 3
    s.delete('/m/b'); // 4
    s.put('/m/c', 'c1'); // 5

    const at = (rev: number) => s.range('/m/', { revision: rev }).kvs.map((kv) => `${kv.key}=${kv.value}`);
    assert.deepEqual(at(1), ['/m/a=a1']);
    assert.deepEqual(at(2), ['/m/a=a1', '/m/b=b1']);
    assert.deepEqual(at(3), ['/m/a=a2', '/m/b=b1']);
    assert.deepEqual(at(4), ['/m/a=a2']);
    assert.deepEqual(at(5), ['/m/a=a2', '/m/c=c1']);
    assert.equal(s.range('/m/', { revision: 2 }).revision, 2);
    assert.deepEqual(s.range('/m/', { revision: 3, limit: 1 }).more, true);
    assert.throws(() => s.range('/m/', { revision: 6 }), FutureRevisionError);

    s.compact(3);
    assert.equal(s.compactRevision, 3);
    assert.deepEqual(at(3), ['/m/a=a2', '/m/b=b1']);
    assert.deepEqual(at(4), ['/m/a=a2']);
    assert.throws(() => s.range('/m/', { revision: 2 }), (err: unknown) => err instanceof CompactedError && err.requested === 2 && err.compactRevision === 3);
    await s.close();
  });

  it('stays correct with many keys inserted and deleted in random order', async () => {
    const s = await openStore(tempDir(), { ...noSnapshots, historyMaxRevisions: 1000 });
    const model = new Map<string, string>();
    let seed = 42;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let i = 0; i < 20_000; i++) {
      const k = `/r/${rand(5000).toString(36)}`;
      if (rand(4) === 0 && model.has(k)) {
        assert.ok(s.delete(k).ok);
        model.delete(k);
      } else {
        s.put(k, String(i));
        model.set(k, String(i));
      }
    }
    const expected = [...model.keys()].sort();
    assert.deepEqual(s.range('/r/').kvs.map((kv) => kv.key), expected);
    assert.equal(s.count('/r/'), model.size);
    assert.equal(s.count('/r/1'), expected.filter((k) => k.startsWith('/r/1')).length);
    await s.close();
  });
});
