/**
 * The store is the cluster's etcd: one global revision, MVCC history, watch from a revision,
 * compaction, durability. The API server depends on this interface only, so a client for a real
 * etcd can replace the embedded implementation.
 *
 * Rules:
 * - Every successful put or delete increments the global revision by exactly one and produces
 *   exactly one watch event carrying that revision.
 * - A write's promise resolves only once the write is durable (on disk for the embedded store).
 *   Its effect is visible to get/range immediately (synchronously after the call returns), so a
 *   read-modify-write in one tick is atomic. Watchers receive an event only after it is durable.
 * - Keys are plain strings (e.g. "/registry/deployments/default/web"); range(prefix) returns keys
 *   in ascending byte order.
 */
export interface KeyValue {
  key: string;
  value: string;
  createRevision: number;
  modRevision: number;
  /** number of writes to this key since its creation (1 after create) */
  version: number;
}

export interface WatchEvent {
  type: 'PUT' | 'DELETE';
  /** for DELETE: the key with the value it had before deletion, modRevision = deletion revision */
  kv: KeyValue;
  prevKv?: KeyValue;
}

export interface RangeOptions {
  /** first key to return (inclusive); used for paging */
  startKey?: string;
  /** at most this many keys; 0 or undefined = no limit */
  limit?: number;
  /** read as of this revision (must not be compacted); default: current */
  revision?: number;
}

export interface RangeResult {
  kvs: KeyValue[];
  /** true when keys beyond the limit exist */
  more: boolean;
  /** the revision the read was served at */
  revision: number;
}

export interface WriteOptions {
  /**
   * Precondition on the key's current modRevision: 0 means "must not exist",
   * a positive number means "must be at exactly this revision", undefined means unconditional.
   */
  expectModRevision?: number;
}

export type WriteResult =
  | { ok: true; revision: number; kv: KeyValue; prevKv?: KeyValue; durable: Promise<void> }
  | { ok: false; current?: KeyValue };

export interface Watcher {
  cancel(): void;
}

export interface Store {
  /** the revision of the latest write (0 for an empty store) */
  readonly revision: number;
  /** revisions at or below this one are compacted away */
  readonly compactRevision: number;
  get(key: string): KeyValue | undefined;
  range(prefix: string, opts?: RangeOptions): RangeResult;
  count(prefix: string): number;
  /**
   * Writes a key. `value` may be a function of the revision the write will get, so callers can
   * embed it (the API server stores metadata.resourceVersion inside the object). Returns at once:
   * the precondition result and, when ok, a `durable` promise.
   */
  put(key: string, value: string | ((revision: number) => string), opts?: WriteOptions): WriteResult;
  /**
   * Deletes a key; ok:false (no revision consumed) when it does not exist or the precondition
   * fails. On success `kv` is the deleted value with modRevision = the deletion revision.
   */
  delete(key: string, opts?: WriteOptions): WriteResult;
  /**
   * Streams every event for keys under `prefix` with revision > `afterRevision`, first the
   * history still held, then live events. Throws CompactedError when afterRevision < compactRevision.
   * Events are delivered in revision order, batched per durable group commit.
   */
  watch(prefix: string, afterRevision: number, onEvents: (events: WatchEvent[]) => void): Watcher;
  /**
   * Discards the history before `revision`: reads at and watches from lower revisions then throw
   * CompactedError. A no-op when already compacted that far; the embedded store also compacts on
   * its own (bounded history).
   */
  compact(revision: number): void;
  /** Waits for pending writes to become durable, ends all watches and releases the data directory. */
  close(): Promise<void>;
}

export class CompactedError extends Error {
  override readonly name = 'CompactedError';
  constructor(public readonly requested: number, public readonly compactRevision: number) {
    super(`store: required revision ${requested} has been compacted (compacted at ${compactRevision})`);
  }
}
