/**
 * An ordered set of strings for prefix scans: a list of sorted blocks of at most MAX_BLOCK keys.
 * An insert or delete moves at most one block's worth of pointers plus the (short) block list,
 * which keeps writes cheap at 100k keys where one flat sorted array would shift everything.
 *
 * Order is JavaScript string order (UTF-16 code units). It equals UTF-8 byte order for every key
 * without characters above U+FFFF, which covers the ASCII paths the API server uses.
 */
const MAX_BLOCK = 512;

function lowerBound(block: readonly string[], key: string): number {
  let lo = 0;
  let hi = block.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (block[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The least string greater than every string starting with `prefix`; undefined when none exists. */
export function prefixEnd(prefix: string): string | undefined {
  let p = prefix;
  while (p.length > 0 && p.charCodeAt(p.length - 1) === 0xffff) p = p.slice(0, -1);
  if (p.length === 0) return undefined;
  return p.slice(0, -1) + String.fromCharCode(p.charCodeAt(p.length - 1) + 1);
}

export class SortedKeys {
  private blocks: string[][] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** index of the block that holds `key` or would receive it */
  private blockFor(key: string): number {
    let lo = 0;
    let hi = this.blocks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const block = this.blocks[mid]!;
      if (block[block.length - 1]! < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  add(key: string): boolean {
    if (this.blocks.length === 0) {
      this.blocks.push([key]);
      this.count = 1;
      return true;
    }
    const b = this.blockFor(key);
    const block = this.blocks[b]!;
    const i = lowerBound(block, key);
    if (block[i] === key) return false;
    block.splice(i, 0, key);
    this.count++;
    if (block.length > MAX_BLOCK) this.blocks.splice(b + 1, 0, block.splice(MAX_BLOCK >>> 1));
    return true;
  }

  delete(key: string): boolean {
    if (this.blocks.length === 0) return false;
    const b = this.blockFor(key);
    const block = this.blocks[b]!;
    const i = lowerBound(block, key);
    if (block[i] !== key) return false;
    block.splice(i, 1);
    this.count--;
    if (block.length === 0) this.blocks.splice(b, 1);
    return true;
  }

  /** Visits keys >= from in ascending order until `visit` returns false. */
  scan(from: string, visit: (key: string) => boolean): void {
    if (this.blocks.length === 0) return;
    let b = this.blockFor(from);
    let i = lowerBound(this.blocks[b]!, from);
    for (; b < this.blocks.length; b++, i = 0) {
      const block = this.blocks[b]!;
      for (; i < block.length; i++) if (!visit(block[i]!)) return;
    }
  }

  /** number of keys < key */
  private rank(key: string | undefined): number {
    if (key === undefined || this.blocks.length === 0) return this.count;
    const b = this.blockFor(key);
    let r = 0;
    for (let j = 0; j < b; j++) r += this.blocks[j]!.length;
    return r + lowerBound(this.blocks[b]!, key);
  }

  countPrefix(prefix: string): number {
    return this.rank(prefixEnd(prefix)) - this.rank(prefix);
  }
}
