import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * CPU time (user + system) that processes spent while a measurement ran, read from
 * /proc/<pid>/stat (Linux; elsewhere every figure is null). On a machine whose cores are all
 * busy, the processes of a figure share the CPU, so their CPU per request bounds its throughput.
 */

/** Clock ticks per second, the unit of /proc/<pid>/stat's utime and stime. */
const TICKS_PER_SECOND = (() => {
  const out = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  const ticks = Number(out.stdout?.trim());
  return Number.isFinite(ticks) && ticks > 0 ? ticks : 100;
})();

/** CPU milliseconds that `pid` has used so far, or null when unknown. */
export function processCpuMs(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  if (pid === process.pid) {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the fields after the command name (which may hold spaces) start at field 3: utime is 14
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** CPU ms of each named process, summed over the spans `measure` ran. */
export class CpuMeter<K extends string> {
  private readonly spent = new Map<K, number | null>();

  constructor(private readonly pids: Record<K, number | undefined>) {
    for (const name of Object.keys(pids) as K[]) this.spent.set(name, 0);
  }

  async measure<T>(work: () => Promise<T>): Promise<T> {
    const names = Object.keys(this.pids) as K[];
    const before = names.map((name) => processCpuMs(this.pids[name]));
    const result = await work();
    names.forEach((name, i) => {
      const start = before[i]!;
      const end = processCpuMs(this.pids[name]);
      const sum = this.spent.get(name)!;
      this.spent.set(
        name,
        start === null || end === null || sum === null ? null : sum + end - start,
      );
    });
    return result;
  }

  /** CPU ms per unit of work (e.g. per request) of each process; null where unknown. */
  per(units: number): Record<K, number | null> {
    const out = {} as Record<K, number | null>;
    for (const [name, ms] of this.spent) out[name] = ms === null ? null : ms / units;
    return out;
  }
}

/**
 * CPU ms per request of the processes of one figure: the server under load, its Redis (absent
 * when it has none) and the bench process that drives it.
 */
export type ProcessesCpu = Partial<Record<'server' | 'redis' | 'load', number | null>>;

/** The sum over the processes, or null when one of them is unknown. */
export function cpuTotal(cpu: ProcessesCpu): number | null {
  let total = 0;
  for (const ms of Object.values(cpu)) {
    if (ms === null || ms === undefined) return null;
    total += ms;
  }
  return total;
}
