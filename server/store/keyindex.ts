/**
 * Per-key MVCC history plus two ordered key sets. `live` holds the keys that exist now, so
 * current reads and counts never step over deleted keys; `all` also holds deleted keys whose
 * history is still retained, for reads at an older revision.
 *
 * A key's history is its entries in revision order: KeyValues for puts, tombstones for deletes.
 * After compaction at C the first entry is the key's value at C (when it had one) and every other
 * entry is newer than C, which is all a read at C or later needs.
 */
import { SortedKeys } from './sortedkeys.js';
import type { KeyValue } from './types.js';

export interface Tombstone {
  readonly tombstone: true;
  readonly modRevision: number;
}

type Entry = KeyValue | Tombstone;

function isTombstone(e: Entry): e is Tombstone {
  return 'tombstone' in e;
}

/** index of the last entry with modRevision <= revision, -1 when none */
function entryAt(history: readonly Entry[], revision: number): number {
  let lo = 0;
  let hi = history.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (history[mid]!.modRevision <= revision) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

export interface ScanResult {
  kvs: KeyValue[];
  more: boolean;
}

export class KeyIndex {
  private histories = new Map<string, Entry[]>();
  private live = new SortedKeys();
  private all = new SortedKeys();

  get(key: string): KeyValue | undefined {
    const h = this.histories.get(key);
    const last = h?.[h.length - 1];
    return last === undefined || isTombstone(last) ? undefined : last;
  }

  getAt(key: string, revision: number): KeyValue | undefined {
    const h = this.histories.get(key);
    if (!h) return undefined;
    const e = h[entryAt(h, revision)];
    return e === undefined || isTombstone(e) ? undefined : e;
  }

  /** Appends a new version; kv.modRevision must exceed every revision already in the index. */
  put(kv: KeyValue): void {
    const h = this.histories.get(kv.key);
    if (h) h.push(kv);
    else {
      this.histories.set(kv.key, [kv]);
      this.all.add(kv.key);
    }
    this.live.add(kv.key);
  }

  /** Records the deletion of a live key at `revision`. */
  delete(key: string, revision: number): void {
    this.histories.get(key)?.push({ tombstone: true, modRevision: revision });
    this.live.delete(key);
  }

  /**
   * Keys starting with `prefix`, from `startKey` on, in ascending order, as of `revision`
   * (undefined = now). `limit` 0 means no limit.
   */
  range(prefix: string, startKey: string | undefined, limit: number, revision: number | undefined): ScanResult {
    const kvs: KeyValue[] = [];
    let more = false;
    const from = startKey !== undefined && startKey > prefix ? startKey : prefix;
    const set = revision === undefined ? this.live : this.all;
    set.scan(from, (key) => {
      if (!key.startsWith(prefix)) return false;
      const kv = revision === undefined ? this.get(key) : this.getAt(key, revision);
      if (!kv) return true;
      if (limit > 0 && kvs.length === limit) {
        more = true;
        return false;
      }
      kvs.push(kv);
      return true;
    });
    return { kvs, more };
  }

  count(prefix: string): number {
    return this.live.countPrefix(prefix);
  }

  /** Drops the versions of `key` that no read at `revision` or later can see. */
  compactKey(key: string, revision: number): void {
    const h = this.histories.get(key);
    if (!h) return;
    const at = entryAt(h, revision);
    if (at < 0) return;
    const drop = isTombstone(h[at]!) ? at + 1 : at;
    if (drop === 0) return;
    if (drop === h.length) {
      this.histories.delete(key);
      this.all.delete(key);
    } else h.splice(0, drop);
  }

  /** Every key's value as of `revision` (which must not be compacted), in key order. */
  forEachAt(revision: number, visit: (kv: KeyValue) => void): void {
    this.all.scan('', (key) => {
      const kv = this.getAt(key, revision);
      if (kv) visit(kv);
      return true;
    });
  }
}
