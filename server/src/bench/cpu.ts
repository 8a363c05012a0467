import { readdirSync, readFileSync } from 'node:fs';

/**
 * Where the CPU went during one measured run, read from /proc (Linux): the load generator (this
 * process), the servers under test, MariaDB, Redis, and everything else on the machine. On two
 * cores they all compete, and this is what says which of them a figure was limited by.
 */

/** /proc/<pid>/stat counts in clock ticks; Linux reports 100 per second on every common build. */
const TICKS_PER_SECOND = 100;
const SERVICE_NAMES = { mysql: ['mariadbd', 'mysqld'], redis: ['redis-server'] } as const;

export type CpuShares = Record<string, number>;

function ticksOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start at ") ".
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]); // utime + stime
  } catch {
    return 0; // gone, or not Linux
  }
}

function machineBusyTicks(): number {
  try {
    const [cpu] = readFileSync('/proc/stat', 'utf8').split('\n');
    const values = cpu.trim().split(/\s+/).slice(1).map(Number);
    const idle = values[3] + (values[4] ?? 0);
    return values.slice(0, 8).reduce((a, b) => a + b, 0) - idle;
  } catch {
    return 0;
  }
}

function pidsNamed(names: readonly string[]): number[] {
  const pids: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return pids;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (names.includes(readFileSync(`/proc/${entry}/comm`, 'utf8').trim())) pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

/** Starts counting; `stop()` gives each group's CPU in % of one core over the interval. */
export function watchCpu(servers: Record<string, number[]>): { stop(): CpuShares } {
  const groups: Record<string, number[]> = { ...servers, mysql: pidsNamed(SERVICE_NAMES.mysql), redis: pidsNamed(SERVICE_NAMES.redis) };
  const sum = (pids: number[]) => pids.reduce((total, pid) => total + ticksOf(pid), 0);
  const before = Object.fromEntries(Object.entries(groups).map(([name, pids]) => [name, sum(pids)]));
  const selfBefore = process.cpuUsage();
  const busyBefore = machineBusyTicks();
  const startedAt = process.hrtime.bigint();
  return {
    stop() {
      const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
      const shares: CpuShares = {};
      const self = process.cpuUsage(selfBefore);
      shares['load generator'] = ((self.user + self.system) / 1e6 / seconds) * 100;
      for (const [name, pids] of Object.entries(groups)) shares[name] = ((sum(pids) - before[name]) / TICKS_PER_SECOND / seconds) * 100;
      const busy = ((machineBusyTicks() - busyBefore) / TICKS_PER_SECOND / seconds) * 100;
      const known = Object.values(shares).reduce((a, b) => a + b, 0);
      shares.other = Math.max(0, busy - known);
      return shares;
    },
  };
}

export function describeCpu(shares: CpuShares): string {
  return Object.entries(shares)
    .filter(([, percent]) => percent >= 0.5)
    .map(([name, percent]) => `${name} ${Math.round(percent)}%`)
    .join(', ');
}
