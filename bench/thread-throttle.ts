/**
 * Slows every thread of this process's child processes (the benchmark's Chromium: its browser,
 * renderer, GPU and utility processes, and every worker thread in them) to 1/rate of a CPU core, as
 * on a device whose cores are `rate` times slower.
 *
 * Why not DevTools: `Emulation.setCPUThrottlingRate` slows a page's main thread only. The exercise's
 * run worker (in the sandboxed frame's process), Monaco's workers and esbuild-wasm's are not slowed,
 * and Chromium refuses the command for worker targets ("only supported for pages").
 *
 * How: Linux cgroup v1 `cpu` controller (needs root and a writable /sys/fs/cgroup/cpu). Each thread is
 * moved into a cgroup of its own whose CFS quota is PERIOD_US / rate per PERIOD_US. A thread created
 * later starts in its creator's cgroup (so it is slowed from its first instruction, sharing its
 * creator's quota) until the next poll, every POLL_MS, gives it one of its own. The kernel enforces a
 * quota at its scheduler tick (4 ms here), so work shorter than a few ms is hardly slowed: measured with
 * busy loops in a page and a worker, 50–130 ms of work took 2.3–3.5× longer at rate 4, 2–3 ms tasks 100 ms
 * apart no longer (a 1 ms quota per 4 ms period did no better). `stop()` moves every
 * thread back and removes the cgroups. Returns null where cgroups cannot be written (the caller then
 * falls back to DevTools and says so).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const CPU_ROOT = '/sys/fs/cgroup/cpu';
const PERIOD_US = 10_000;
const POLL_MS = 50;

export interface ThreadThrottle {
  stop(): void;
}

/** Process ids of every descendant of `root` (from /proc/<pid>/stat's parent pid). */
function descendants(root: number): number[] {
  const parent = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // pid (comm) state ppid …; comm may hold spaces and parentheses: read after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parent.set(Number(name), ppid);
    } catch {
      // the process ended meanwhile
    }
  }
  const out: number[] = [];
  for (const pid of parent.keys()) {
    for (let p = parent.get(pid); p !== undefined && p > 1; p = parent.get(p)) {
      if (p === root) {
        out.push(pid);
        break;
      }
    }
  }
  return out;
}

function threadsOf(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).map(Number);
  } catch {
    return [];
  }
}

/** This process's cgroup under CPU_ROOT, made if cgroups can be written here; else null. */
function benchCgroup(): string | null {
  const base = path.join(CPU_ROOT, `qc-bench-${process.pid}`);
  try {
    if (!existsSync(path.join(CPU_ROOT, 'tasks'))) return null;
    mkdirSync(base, { recursive: true });
    return base;
  } catch {
    return null;
  }
}

/** Whether `throttleThreads` can work on this machine (cgroups writable); touches no thread. */
export function canThrottleThreads(): boolean {
  const base = benchCgroup();
  if (base === null) return false;
  try {
    rmdirSync(base);
  } catch {
    // in use by a throttle that is running: it removes it when it stops
  }
  return true;
}

export function throttleThreads(rate: number, root = process.pid): ThreadThrottle | null {
  const base = benchCgroup();
  if (base === null) return null;
  const quota = String(Math.max(1000, Math.round(PERIOD_US / rate)));
  const slowed = new Set<number>();
  const slow = (tid: number) => {
    if (slowed.has(tid)) return;
    const dir = path.join(base, `t${tid}`);
    try {
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, 'cpu.cfs_period_us'), String(PERIOD_US));
      writeFileSync(path.join(dir, 'cpu.cfs_quota_us'), quota);
      writeFileSync(path.join(dir, 'tasks'), String(tid));
      slowed.add(tid);
    } catch {
      // the thread ended meanwhile
    }
  };
  const poll = () => {
    for (const pid of descendants(root)) for (const tid of threadsOf(pid)) slow(tid);
  };
  poll();
  const timer = setInterval(poll, POLL_MS);
  return {
    stop() {
      clearInterval(timer);
      // Every thread back, also those made since the last poll (they sit in their creator's cgroup).
      for (const tid of new Set([...slowed, ...descendants(root).flatMap(threadsOf)])) {
        try {
          writeFileSync(path.join(CPU_ROOT, 'tasks'), String(tid));
        } catch {
          // ended
        }
      }
      for (const d of readdirSync(base)) {
        try {
          rmdirSync(path.join(base, d));
        } catch {
          // not empty yet (a thread ending): left for the kernel to free with its last task
        }
      }
      try {
        rmdirSync(base);
      } catch {
        // see above
      }
    },
  };
}
