/**
 * The embedded store (the cluster's etcd). The API server codes against `Store` from types.ts;
 * `openStore` is the only way to get the embedded implementation.
 */
import { EmbeddedStore, type StoreOptions } from './store.js';
import type { Store } from './types.js';

export * from './types.js';
export { FutureRevisionError, SnapshotError, StoreClosedError, StoreLockedError, WalError } from './errors.js';
export type { StoreOptions } from './store.js';

/**
 * Opens (creating it if needed) the store in `dir`, recovering from the snapshot and WAL there.
 * Throws StoreLockedError when another process or another open store holds `dir`.
 */
export function openStore(dir: string, opts?: StoreOptions): Promise<Store> {
  return EmbeddedStore.open(dir, opts);
}
