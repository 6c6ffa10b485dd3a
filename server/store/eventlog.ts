/**
 * The retained events, one per revision above the compact revision, oldest first. Watch replay
 * reads it, compaction learns from it which keys have history to drop, and snapshots persist it.
 * Events share their KeyValue objects with the key index, so it costs a pointer per revision.
 */
import type { WatchEvent } from './types.js';

export class EventLog {
  private events: WatchEvent[] = [];

  push(event: WatchEvent): void {
    this.events.push(event);
  }

  /** position of the first event with revision > after */
  private indexAfter(after: number): number {
    let lo = 0;
    let hi = this.events.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.events[mid]!.kv.modRevision <= after) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** events for keys under `prefix` with after < revision <= through, oldest first */
  between(after: number, through: number, prefix: string): WatchEvent[] {
    const out: WatchEvent[] = [];
    for (let i = this.indexAfter(after); i < this.events.length; i++) {
      const e = this.events[i]!;
      if (e.kv.modRevision > through) break;
      if (e.kv.key.startsWith(prefix)) out.push(e);
    }
    return out;
  }

  /** Removes events with revision <= through, handing each to `dropped` first. */
  trimThrough(through: number, dropped: (event: WatchEvent) => void): void {
    const end = this.indexAfter(through);
    for (let i = 0; i < end; i++) dropped(this.events[i]!);
    this.events.splice(0, end);
  }
}
