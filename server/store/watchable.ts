/**
 * Watch fan-out. An event reaches watchers only once the WAL reports it durable, so no watcher
 * ever sees a write that a crash could undo. Delivery runs in a microtask per watcher, after the
 * WAL has already started its next group commit, so a watcher's callback never sits between a
 * writer and the disk; watchers that need to wait on I/O (an HTTP response) must buffer on their
 * side.
 */
import type { EventLog } from './eventlog.js';
import type { Watcher, WatchEvent } from './types.js';

class Subscription implements Watcher {
  private pending: WatchEvent[] = [];
  private scheduled = false;
  private active = true;

  constructor(
    private readonly owner: Watchable,
    private readonly prefix: string,
    private readonly after: number,
    private readonly onEvents: (events: WatchEvent[]) => void,
  ) {}

  offer(events: readonly WatchEvent[]): void {
    for (const e of events) if (e.kv.modRevision > this.after && e.kv.key.startsWith(this.prefix)) this.pending.push(e);
    if (this.pending.length > 0 && !this.scheduled) {
      this.scheduled = true;
      queueMicrotask(this.flush);
    }
  }

  private flush = (): void => {
    this.scheduled = false;
    if (!this.active) return;
    const batch = this.pending;
    this.pending = [];
    try {
      this.onEvents(batch);
    } catch (err) {
      // Skipping the batch and carrying on would leave the consumer silently inconsistent; ending
      // the watch makes the failure visible and isolates it from the other watchers and writers.
      this.cancel();
      process.emitWarning(`store: watch callback for prefix ${JSON.stringify(this.prefix)} threw, watch cancelled: ${String(err)}`);
    }
  };

  cancel(): void {
    if (!this.active) return;
    this.active = false;
    this.pending = [];
    this.owner.remove(this);
  }
}

export class Watchable {
  private readonly watchers = new Set<Subscription>();
  /** applied events not yet durable, in revision order */
  private undelivered: WatchEvent[] = [];

  constructor(private readonly log: EventLog, private durable: number) {}

  /** Holds an applied event until markDurable covers its revision. */
  enqueue(event: WatchEvent): void {
    this.undelivered.push(event);
  }

  markDurable(revision: number): void {
    if (revision <= this.durable) return;
    this.durable = revision;
    let n = 0;
    while (n < this.undelivered.length && this.undelivered[n]!.kv.modRevision <= revision) n++;
    if (n === 0) return;
    const ready = this.undelivered.splice(0, n);
    for (const w of this.watchers) w.offer(ready);
  }

  /** The caller has already checked `after` against the compact revision. */
  watch(prefix: string, after: number, onEvents: (events: WatchEvent[]) => void): Watcher {
    const sub = new Subscription(this, prefix, after, onEvents);
    this.watchers.add(sub);
    sub.offer(this.log.between(after, this.durable, prefix));
    return sub;
  }

  remove(sub: Subscription): void {
    this.watchers.delete(sub);
  }

  cancelAll(): void {
    for (const w of this.watchers) w.cancel();
  }
}
