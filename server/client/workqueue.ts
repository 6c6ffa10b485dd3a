/**
 * A work queue with client-go's guarantees: a key is never handled by two workers at once,
 * repeated adds collapse, a key added while being handled runs again afterwards, and failures
 * come back with per-key exponential back-off (5 ms doubling, capped at 1000 s).
 */
export const queueTuning = { baseDelayMs: 5, maxDelayMs: 1_000_000, maxRetries: 15 };

export class WorkQueue {
  private queue: string[] = [];
  private dirty = new Set<string>();
  private processing = new Set<string>();
  private failures = new Map<string, number>();
  private timers = new Map<string, NodeJS.Timeout>();
  private active = 0;
  private stopped = false;

  constructor(
    private handler: (key: string) => Promise<void>,
    private workers = 1,
    private onGiveUp?: (key: string, err: unknown) => void,
  ) {}

  add(key: string): void {
    if (this.stopped || this.dirty.has(key)) return;
    this.dirty.add(key);
    if (this.processing.has(key)) return;
    this.queue.push(key);
    this.schedulePump();
  }

  addAfter(key: string, delayMs: number): void {
    if (this.stopped) return;
    if (delayMs <= 0) return this.add(key);
    const existing = this.timers.get(key);
    if (existing) clearTimeout(existing);
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        this.add(key);
      }, delayMs),
    );
  }

  /** Re-queues a failed key with its back-off. */
  addRateLimited(key: string): void {
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    this.addAfter(key, Math.min(queueTuning.baseDelayMs * 2 ** n, queueTuning.maxDelayMs));
  }

  forget(key: string): void {
    this.failures.delete(key);
  }

  get length(): number {
    return this.queue.length;
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.queue = [];
  }

  private pumpScheduled = false;

  /** Starts work on the next microtask, so adds made in one burst of events collapse first. */
  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    queueMicrotask(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    while (!this.stopped && this.active < this.workers && this.queue.length) {
      const key = this.queue.shift()!;
      this.dirty.delete(key);
      this.processing.add(key);
      this.active++;
      void this.work(key);
    }
  }

  private async work(key: string): Promise<void> {
    try {
      await this.handler(key);
      this.forget(key);
    } catch (err) {
      if ((this.failures.get(key) ?? 0) >= queueTuning.maxRetries) {
        this.forget(key);
        this.onGiveUp?.(key, err);
      } else {
        this.addRateLimited(key);
      }
    } finally {
      this.processing.delete(key);
      this.active--;
      if (this.dirty.has(key) && !this.stopped) this.queue.push(key);
      this.pump();
    }
  }
}
