import { startMinimalExpress } from './ceilings.js';
import { alternate, eventLoad, type LoadResult } from './load.js';
import { startServiceUnderTest } from './service-under-test.js';

export interface ThroughputResult {
  connectors: number;
  clients: number;
  rounds: number;
  service: LoadResult;
  ceiling: LoadResult;
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
      const r = await alternate(rounds, {
        service: () => eventLoad(sut, ids, { clients, events: perRound, tags: serviceTags }),
        ceiling: () =>
          eventLoad(ceilingTarget, ids, { clients, events: perRound, tags: ceilingTags }),
      });
      return { connectors, clients, rounds, ...r };
    } finally {
      await minimal.stop();
    }
  } finally {
    await sut.stop();
  }
}
