import { measureMinimalExpress } from './ceilings.js';
import { eventLoad, type LoadResult } from './load.js';
import { startServiceUnderTest } from './service-under-test.js';

export interface ThroughputResult {
  connectors: number;
  clients: number;
  service: LoadResult;
  ceiling: LoadResult;
}

export const API_LOAD = { connectors: 256, clients: 32, events: 8000, warmup: 1000 };

/**
 * Events per second through the HTTP API (issue 13): `connectors` connectors, `clients` concurrent
 * clients, each sending PUBLISH_RELEASE events (a full commit with history and outbox; the relay
 * and the workers run in the same service process, the default single process) to connectors of
 * its own, with the admin token. Then, in the same run, the same load against the ceiling.
 */
export async function measureApiThroughput({
  connectors = API_LOAD.connectors,
  clients = API_LOAD.clients,
  events = API_LOAD.events,
  warmup = API_LOAD.warmup,
} = {}): Promise<ThroughputResult> {
  const ids = Array.from({ length: connectors }, (_, i) => `source-bench-${i}`);
  const sut = await startServiceUnderTest();
  let service: LoadResult;
  try {
    await Promise.all(ids.map((id) => sut.register(id)));
    service = await eventLoad(sut, ids, { clients, events, warmup });
  } finally {
    await sut.stop();
  }
  const ceiling = await measureMinimalExpress(ids, { clients, events, warmup });
  return { connectors, clients, service, ceiling };
}
