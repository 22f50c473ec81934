// CPU accounting for the measurements that must say what limits them (the scale-out scenario,
// PostgreSQL's share in the workflow benchmark): the machine's busy time (/proc/stat) and the CPU
// time of given processes (/proc/<pid>/stat), over a measurement.
import { readFileSync } from 'node:fs';
import os from 'node:os';

const TICK = 100; // USER_HZ on Linux

function machine() {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const idle = cpu[3] + (cpu[4] ?? 0);
    return { total: cpu.reduce((a, b) => a + b, 0), idle };
  } catch {
    return null;
  }
}

function processSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICK; // utime + stime
  } catch {
    return 0;
  }
}

/**
 * Starts counting; `end()` returns { busy: share of all cores busy (0–1), seconds: wall time,
 * cpu: { name → CPU seconds } } for the named groups of pids (a function giving pids is
 * called at the end, e.g. the PostgreSQL backends of the bench database). `self` is this process.
 */
export function cpuMeter(groups) {
  const start = machine();
  const t0 = performance.now();
  const self0 = process.cpuUsage();
  const resolve = async () => Object.fromEntries(await Promise.all(Object.entries(groups).map(async ([name, pids]) => [name, typeof pids === 'function' ? await pids() : pids])));
  const before = resolve().then((g) => Object.fromEntries(Object.entries(g).map(([name, pids]) => [name, new Map(pids.map((pid) => [pid, processSeconds(pid)]))])));
  return {
    async end() {
      const end = machine();
      const seconds = (performance.now() - t0) / 1000;
      const b = await before;
      const now = await resolve();
      const cpu = {};
      for (const [name, pids] of Object.entries(now)) cpu[name] = pids.reduce((sum, pid) => sum + processSeconds(pid) - (b[name]?.get(pid) ?? 0), 0);
      const self = process.cpuUsage(self0);
      cpu['load generator'] = (self.user + self.system) / 1e6;
      const busy = start && end ? 1 - (end.idle - start.idle) / Math.max(1, end.total - start.total) : Number.NaN;
      return { busy, seconds, cores: os.cpus().length, cpu };
    },
  };
}

/** "servers 1.2 cores, PostgreSQL 0.6, load generator 0.3; machine 96% busy" */
export function describeCpu({ busy, seconds, cores, cpu }) {
  const parts = Object.entries(cpu).map(([name, s]) => `${name} ${(s / seconds).toFixed(2)}`);
  return `CPU cores used: ${parts.join(', ')}; machine ${(busy * 100).toFixed(0)}% busy of ${cores} cores`;
}

/** The pids of PostgreSQL backends serving `database` (same machine; empty if not readable). */
export async function backendPids(pool) {
  const { rows } = await pool.query('SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
  return rows.map((r) => r.pid);
}
