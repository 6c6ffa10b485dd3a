import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { prefixEnd, SortedKeys } from '../../server/store/sortedkeys.js';

function scanAll(set: SortedKeys, from: string): string[] {
  const out: string[] = [];
  set.scan(from, (k) => (out.push(k), true));
  return out;
}

describe('store: SortedKeys', () => {
  it('matches a sorted-array model through random inserts and deletes across many blocks', () => {
    const set = new SortedKeys();
    const model = new Set<string>();
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let i = 0; i < 30_000; i++) {
      const k = `/k/${rand(8000).toString(16)}`;
      if (rand(3) === 0) assert.equal(set.delete(k), model.delete(k));
      else {
        assert.equal(set.add(k), !model.has(k));
        model.add(k);
      }
    }
    const sorted = [...model].sort();
    assert.equal(set.size, model.size);
    assert.deepEqual(scanAll(set, ''), sorted);
    assert.deepEqual(scanAll(set, '/k/7'), sorted.filter((k) => k >= '/k/7'));
    for (const p of ['/k/', '/k/a', '/k/ff', '/k/1f4', '/z', '']) assert.equal(set.countPrefix(p), sorted.filter((k) => k.startsWith(p)).length, p);
    for (const k of sorted) set.delete(k);
    assert.equal(set.size, 0);
    assert.deepEqual(scanAll(set, ''), []);
    assert.equal(set.countPrefix(''), 0);
  });

  it('computes the end of a prefix range', () => {
    assert.equal(prefixEnd('/a/'), '/a0');
    assert.equal(prefixEnd('a\uffff'), 'b');
    assert.equal(prefixEnd('\uffff'), undefined);
    assert.equal(prefixEnd(''), undefined);
  });
});
