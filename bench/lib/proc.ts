/** Reads a process's memory and CPU time from /proc (Linux). */
import { readdirSync, readFileSync } from 'node:fs';

/** VmRSS, VmHWM (peak RSS), and RSS split into anonymous (heaps) and file-backed (code) pages, in bytes. */
export function memoryOf(pid: number): { rss: number; hwm: number; anon: number; file: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => {
    const m = new RegExp(`^${key}:\\s+(\\d+)\\s+kB`, 'm').exec(status);
    return m ? Number(m[1]) * 1024 : NaN;
  };
  return { rss: kb('VmRSS'), hwm: kb('VmHWM'), anon: kb('RssAnon'), file: kb('RssFile') };
}

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** user+system CPU time of a process, in milliseconds (10 ms resolution). */
export function cpuMsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // comm may contain spaces; fields after the closing paren are space separated, starting at field 3
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  return (utime + stime) * TICK_MS;
}

/** Pids of all descendants of a process (children, grandchildren, ...). */
export function descendantsOf(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(entry));
      children.set(ppid, list);
    } catch {
      // process went away while scanning
    }
  }
  const out: number[] = [];
  const queue = [pid];
  while (queue.length) {
    for (const c of children.get(queue.shift()!) ?? []) {
      out.push(c);
      queue.push(c);
    }
  }
  return out;
}

/** Client-side CPU time of this process, in milliseconds. */
export function selfCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * Machine-wide CPU time (all cores) from /proc/stat, in milliseconds: busy (user, nice, system,
 * irq, softirq) and steal (taken by the hypervisor). Differences over a window show how much
 * else ran besides the client and the server.
 */
export function systemCpuMs(): { busy: number; steal: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0];
  const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  return { busy: (user + nice + system + irq + softirq) * TICK_MS, steal: (steal || 0) * TICK_MS };
}

/**
 * Waits (up to maxMs) until processes other than this one and `pids` use less than `threshold`
 * of a core, sampled over 300 ms. Returns the last sample, in cores.
 */
export async function waitForQuiet(pids: number[], maxMs: number, threshold = 0.15): Promise<number> {
  const deadline = performance.now() + maxMs;
  for (;;) {
    const own = () => selfCpuMs() + pids.reduce((sum, p) => sum + safeCpu(p), 0);
    const s0 = systemCpuMs();
    const o0 = own();
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, 300));
    const s1 = systemCpuMs();
    const other = Math.max(0, s1.busy - s0.busy + (s1.steal - s0.steal) - (own() - o0)) / (performance.now() - t0);
    if (other < threshold || performance.now() > deadline) return other;
  }
}

function safeCpu(pid: number): number {
  try {
    return cpuMsOf(pid);
  } catch {
    return 0;
  }
}
