import { API_LOAD } from './api-throughput.js';
import { startMinimalExpress } from './ceilings.js';
import { alternate, eventLoad, type LoadResult } from './load.js';
import { CpuMeter, type ProcessesCpu } from './process-cpu.js';

export interface BudgetStep {
  /** CPU time the server spends per request on top of the ceiling's work, µs (0: the ceiling) */
  extraUs: number;
  load: LoadResult;
  /** CPU ms per request of the server, its Redis and the load generator */
  cpu: ProcessesCpu;
}

export const BUDGET_LOAD = { extraUs: [0, 200, 300, 400, 500], events: 6000, rounds: 3 };

/**
 * The API figure's CPU budget (issue 13): the figure's ceiling (./minimal-express-server.ts, each on
 * a Redis of its own) with a busy loop of `extraUs` per request on top, driven by the figure's load
 * (256 connectors, 32 clients, PUBLISH_RELEASE) in alternating rounds, against the plain ceiling in
 * the same run. How fast such a server goes tells how much more CPU per event than the ceiling a
 * single-process server may spend on this machine and still reach a ratio; the `api` figure's CPU
 * line gives what the service spends.
 */
export async function measureApiBudget({
  extraUs = BUDGET_LOAD.extraUs,
  events = BUDGET_LOAD.events,
  rounds = BUDGET_LOAD.rounds,
} = {}): Promise<BudgetStep[]> {
  const { connectors, clients, warmup } = API_LOAD;
  const ids = Array.from({ length: connectors }, (_, i) => `source-budget-${i}`);
  const servers: Awaited<ReturnType<typeof startMinimalExpress>>[] = [];
  try {
    for (const burnUs of extraUs) servers.push(await startMinimalExpress({ burnUs }));
    const targets = servers.map((server) => ({
      target: { base: server.base, headers: { 'content-type': 'application/json' } },
      tags: new Map<string, number>(),
      meter: new CpuMeter({ ...server.pids, load: process.pid }),
    }));
    for (const t of targets)
      await eventLoad(t.target, ids, { clients, events: warmup, tags: t.tags });
    const perRound = Math.ceil(events / rounds);
    const results = await alternate(
      rounds,
      Object.fromEntries(
        targets.map((t, i) => [
          String(i),
          () =>
            t.meter.measure(() =>
              eventLoad(t.target, ids, { clients, events: perRound, tags: t.tags }),
            ),
        ]),
      ),
    );
    return targets.map((t, i) => {
      const load = results[String(i)]!;
      return { extraUs: extraUs[i]!, load, cpu: t.meter.per(load.requests) };
    });
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
}
