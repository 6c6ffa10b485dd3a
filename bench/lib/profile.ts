/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`): self and inclusive time per function,
 * optionally restricted to a time window, with bundle positions mapped back to source files
 * through the bundle's source map. Timestamps in a profile are CLOCK_MONOTONIC microseconds,
 * the same clock as process.hrtime() in any process on the machine, so a window measured by the
 * load generator selects the matching samples of the server's profile.
 */
import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT } from '../../test/helpers/cluster.js';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface FunctionCost {
  name: string;
  where: string;
  selfMs: number;
  totalMs: number;
  selfPct: number;
  totalPct: number;
}

export function summarizeProfile(file: string, window?: { fromUs: number; toUs: number }): { sampledMs: number; functions: FunctionCost[] } {
  const prof = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const n of prof.nodes) {
    byId.set(n.id, n);
    for (const c of n.children ?? []) parent.set(c, n.id);
  }
  const maps = new SourceMaps();
  const keyCache = new Map<number, { key: string; name: string; where: string }>();
  const keyOf = (id: number) => {
    let k = keyCache.get(id);
    if (!k) {
      const f = byId.get(id)!.callFrame;
      const where = maps.locate(f.url, f.lineNumber, f.columnNumber);
      const name = f.functionName || '(anonymous)';
      k = { key: `${name} ${where}`, name, where };
      keyCache.set(id, k);
    }
    return k;
  };

  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const info = new Map<string, { name: string; where: string }>();
  let t = prof.startTime;
  let sampled = 0;
  for (let i = 0; i < prof.samples.length; i++) {
    t += prof.timeDeltas[i];
    // Each sample stands for the interval until the next one.
    const dt = i + 1 < prof.timeDeltas.length ? prof.timeDeltas[i + 1] : 0;
    if (window && (t < window.fromUs || t > window.toUs)) continue;
    const leaf = prof.samples[i];
    const leafFrame = byId.get(leaf)!.callFrame.functionName;
    if (leafFrame === '(idle)') continue;
    sampled += dt;
    const lk = keyOf(leaf);
    self.set(lk.key, (self.get(lk.key) ?? 0) + dt);
    info.set(lk.key, lk);
    const seen = new Set<string>();
    for (let id: number | undefined = leaf; id !== undefined; id = parent.get(id)) {
      const k = keyOf(id);
      if (seen.has(k.key)) continue;
      seen.add(k.key);
      total.set(k.key, (total.get(k.key) ?? 0) + dt);
      info.set(k.key, k);
    }
  }
  const functions: FunctionCost[] = [];
  for (const [key, i] of info) {
    if (i.name === '(root)') continue;
    const s = self.get(key) ?? 0;
    const tt = total.get(key) ?? 0;
    functions.push({ name: i.name, where: i.where, selfMs: s / 1000, totalMs: tt / 1000, selfPct: sampled ? (100 * s) / sampled : 0, totalPct: sampled ? (100 * tt) / sampled : 0 });
  }
  functions.sort((a, b) => b.selfMs - a.selfMs);
  return { sampledMs: sampled / 1000, functions };
}

/** Formats the top functions by self time, and the top project functions by inclusive time. */
export function formatProfile(summary: { sampledMs: number; functions: FunctionCost[] }, top = 15): string {
  const lines: string[] = [`   busy samples: ${summary.sampledMs.toFixed(0)} ms`, '   by self time:'];
  for (const f of summary.functions.slice(0, top)) lines.push(`     ${f.selfPct.toFixed(1).padStart(5)}%  ${f.name}  ${f.where}`);
  const own = summary.functions
    .filter((f) => /^(server|bench|extension)\//.test(f.where))
    .sort((a, b) => b.totalMs - a.totalMs)
    .slice(0, top);
  if (own.length) {
    lines.push('   project functions by inclusive time:');
    for (const f of own) lines.push(`     ${f.totalPct.toFixed(1).padStart(5)}%  (self ${f.selfPct.toFixed(1)}%)  ${f.name}  ${f.where}`);
  }
  return lines.join('\n');
}

/** Maps generated positions to original ones using `<file>.map` (source map v3, no sections). */
class SourceMaps {
  private cache = new Map<string, Decoded | null>();

  locate(url: string, line: number, col: number): string {
    if (!url) return '(native)';
    if (url.startsWith('node:')) return url;
    let path = url;
    try {
      if (url.startsWith('file:')) path = fileURLToPath(url);
    } catch {
      return url;
    }
    const map = this.load(path);
    const orig = map?.lookup(line, col);
    if (orig) return `${orig.source}:${orig.line + 1}`;
    const rel = relative(ROOT, path);
    return `${rel.startsWith('..') ? path : rel}:${line + 1}`;
  }

  private load(path: string): Decoded | null {
    if (this.cache.has(path)) return this.cache.get(path)!;
    let decoded: Decoded | null = null;
    try {
      if (existsSync(`${path}.map`)) decoded = new Decoded(JSON.parse(readFileSync(`${path}.map`, 'utf8')), path);
    } catch {
      decoded = null;
    }
    this.cache.set(path, decoded);
    return decoded;
  }
}

const B64 = new Map([...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'].map((c, i) => [c, i]));

class Decoded {
  /** per generated line: [genCol, sourceIdx, origLine][] sorted by genCol */
  private lines: number[][][] = [];
  private sources: string[];

  constructor(map: { sources: string[]; sourceRoot?: string; mappings: string }, file: string) {
    this.sources = map.sources.map((s) => {
      const abs = new URL(s, `file://${file}`).pathname;
      const rel = relative(ROOT, abs);
      return rel.startsWith('..') ? s : rel.replace(/^node_modules\//, 'node_modules/');
    });
    let src = 0;
    let oline = 0;
    let ocol = 0;
    for (const group of map.mappings.split(';')) {
      let gcol = 0;
      const segs: number[][] = [];
      if (group) {
        for (const seg of group.split(',')) {
          const v = vlq(seg);
          gcol += v[0];
          if (v.length >= 4) {
            src += v[1];
            oline += v[2];
            ocol += v[3];
            segs.push([gcol, src, oline]);
          }
        }
      }
      this.lines.push(segs);
    }
  }

  lookup(line: number, col: number): { source: string; line: number } | undefined {
    const segs = this.lines[line];
    if (!segs || segs.length === 0) return undefined;
    let lo = 0;
    let hi = segs.length - 1;
    let best = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (segs[mid][0] <= col) {
        best = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return { source: this.sources[segs[best][1]], line: segs[best][2] };
  }
}

function vlq(seg: string): number[] {
  const out: number[] = [];
  let value = 0;
  let shift = 0;
  for (const c of seg) {
    const d = B64.get(c)!;
    value += (d & 31) << shift;
    if (d & 32) shift += 5;
    else {
      out.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return out;
}
