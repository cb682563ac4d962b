import { startMinimalExpress } from './ceilings.js';
import { alternate, eventLoad, type LoadResult } from './load.js';
import { CpuMeter, type ProcessesCpu } from './process-cpu.js';
import { startServiceUnderTest } from './service-under-test.js';

export interface ThroughputResult {
  connectors: number;
  clients: number;
  rounds: number;
  service: LoadResult;
  ceiling: LoadResult;
  /** CPU ms per request of each process during the measured rounds (null: unknown) */
  cpu: Record<'service' | 'ceiling', ProcessesCpu>;
}

export const API_LOAD = { connectors: 256, clients: 32, events: 8000, warmup: 1000, rounds: 4 };

/**
 * Events per second through the HTTP API (issue 13): `connectors` connectors, `clients` concurrent
 * clients, each sending PUBLISH_RELEASE events (a full commit with history and outbox; the relay
 * and the workers run in the same service process, the default single process) to connectors of
 * its own, with the admin token. The ceiling (./minimal-express-server.ts) runs at the same time,
 * idle while the service is measured and the other way round: `events` are sent to each in
 * `rounds` alternating rounds, after `warmup` events each.
 */
export async function measureApiThroughput({
  connectors = API_LOAD.connectors,
  clients = API_LOAD.clients,
  events = API_LOAD.events,
  warmup = API_LOAD.warmup,
  rounds = API_LOAD.rounds,
} = {}): Promise<ThroughputResult> {
  const ids = Array.from({ length: connectors }, (_, i) => `source-bench-${i}`);
  const sut = await startServiceUnderTest();
  try {
    const minimal = await startMinimalExpress();
    try {
      await Promise.all(ids.map((id) => sut.register(id)));
      const ceilingTarget = { base: minimal.base, headers: { 'content-type': 'application/json' } };
      const serviceTags = new Map<string, number>();
      const ceilingTags = new Map<string, number>();
      const perRound = Math.ceil(events / rounds);
      await eventLoad(sut, ids, { clients, events: warmup, tags: serviceTags });
      await eventLoad(ceilingTarget, ids, { clients, events: warmup, tags: ceilingTags });
      const serviceCpu = new CpuMeter({
        server: sut.process.pid,
        redis: sut.redis.process.pid,
        load: process.pid,
      });
      const ceilingCpu = new CpuMeter({ ...minimal.pids, load: process.pid });
      const r = await alternate(rounds, {
        service: () =>
          serviceCpu.measure(() =>
            eventLoad(sut, ids, { clients, events: perRound, tags: serviceTags }),
          ),
        ceiling: () =>
          ceilingCpu.measure(() =>
            eventLoad(ceilingTarget, ids, { clients, events: perRound, tags: ceilingTags }),
          ),
      });
      const cpu = {
        service: serviceCpu.per(r.service.requests),
        ceiling: ceilingCpu.per(r.ceiling.requests),
      };
      return { connectors, clients, rounds, ...r, cpu };
    } finally {
      await minimal.stop();
    }
  } finally {
    await sut.stop();
  }
}
