/** Small statistics helpers shared by the benchmark steps. */

export function median(xs: number[]): number {
  return percentile(xs, 50);
}

/** Nearest-rank percentile (p in 0..100) of an unsorted sample; NaN when empty. */
export function percentile(xs: ArrayLike<number>, p: number): number {
  if (xs.length === 0) return NaN;
  const sorted = Float64Array.from(xs as ArrayLike<number>).sort();
  return percentileSorted(sorted, p);
}

export function percentileSorted(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

/** A growable Float64 sample buffer: latency samples without per-sample allocation. */
export class Samples {
  private buf = new Float64Array(1 << 14);
  length = 0;

  push(x: number): void {
    if (this.length === this.buf.length) {
      const next = new Float64Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.length++] = x;
  }

  /** the samples in insertion order (a copy) */
  values(): Float64Array {
    return this.buf.slice(0, this.length);
  }

  sorted(): Float64Array {
    return this.buf.slice(0, this.length).sort();
  }
}

export function fmtMs(ms: number, digits = 1): string {
  if (!Number.isFinite(ms)) return 'n/a';
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  return `${ms.toFixed(digits)} ms`;
}

export function fmtRate(perSec: number): string {
  if (!Number.isFinite(perSec)) return 'n/a';
  return `${Math.round(perSec).toLocaleString('en-US')}/s`;
}

export function fmtMB(bytes: number): string {
  if (!Number.isFinite(bytes)) return 'n/a';
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
