/**
 * Failures of the embedded store's storage layers. Each message starts with the layer that
 * detected it ("wal: ", "snapshot: ", "store: ") so an operator reading a log line knows which
 * file to look at.
 */

export class WalError extends Error {
  override readonly name = 'WalError';
}

export class SnapshotError extends Error {
  override readonly name = 'SnapshotError';
}

/** Another process (or another openStore in this one) holds the data directory. */
export class StoreLockedError extends Error {
  override readonly name = 'StoreLockedError';
  constructor(public readonly dir: string, public readonly holderPid: number | undefined) {
    super(
      holderPid === process.pid
        ? `store: ${dir} is already open in this process`
        : `store: ${dir} is locked by ${holderPid === undefined ? 'another process' : `running process ${holderPid}`} (see ${dir}/LOCK)`,
    );
  }
}

export class StoreClosedError extends Error {
  override readonly name = 'StoreClosedError';
  constructor() {
    super('store: closed');
  }
}

/** A read asked for a revision the store has not reached. */
export class FutureRevisionError extends Error {
  override readonly name = 'FutureRevisionError';
  constructor(public readonly requested: number, public readonly current: number) {
    super(`store: required revision ${requested} is in the future (current revision ${current})`);
  }
}
