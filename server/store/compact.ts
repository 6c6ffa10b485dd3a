/**
 * Automatic compaction policy: history is kept for `retentionMs` and for at most `maxRevisions`
 * revisions, whichever is shorter. The count bound caps memory during write bursts; the time
 * bound is what watch clients rely on (Kubernetes assumes about five minutes, as the API server
 * compacts etcd at that interval).
 */
export interface RetentionOptions {
  retentionMs: number;
  maxRevisions: number;
}

export class CompactionPolicy {
  /** (time, revision) samples, oldest first; a revision is older than t once a sample taken at t is */
  private samples: { at: number; revision: number }[] = [];
  /** the newest revision known to be older than the retention window */
  private expired = 0;
  /** how far past maxRevisions history may grow before a count-triggered compaction, so it runs in batches */
  private readonly slack: number;

  constructor(private readonly opts: RetentionOptions) {
    this.slack = Math.max(1, Math.ceil(opts.maxRevisions / 10));
  }

  /** How often the store should call onTick: the time bound is honoured to within this. */
  get tickMs(): number {
    return Math.max(1, Math.min(30_000, Math.floor(this.opts.retentionMs / 10)));
  }

  /** Samples the revision at `now` and returns the revision history may be compacted to. */
  onTick(now: number, revision: number): number {
    this.samples.push({ at: now, revision });
    while (this.samples.length > 0 && this.samples[0]!.at <= now - this.opts.retentionMs) this.expired = this.samples.shift()!.revision;
    return Math.max(this.expired, revision - this.opts.maxRevisions);
  }

  /** After a write: the revision to compact to when history has outgrown maxRevisions, else undefined. */
  onWrite(revision: number, compactRevision: number): number | undefined {
    return revision - compactRevision > this.opts.maxRevisions + this.slack ? revision - this.opts.maxRevisions : undefined;
  }
}
