import { percentile, startServiceUnderTest } from './service-under-test.js';

export interface ThroughputResult {
  events: number;
  seconds: number;
  eventsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

/**
 * Events per second through the HTTP API: `connectors` connectors, `clients` concurrent clients,
 * each sending PUBLISH_RELEASE events (a full commit with history and outbox; the relay and the
 * workers run in the same service process) to connectors of its own.
 */
export async function measureApiThroughput({
  connectors = 200,
  clients = 32,
  eventsTotal = 6000,
  persistent = true,
} = {}): Promise<ThroughputResult> {
  const sut = await startServiceUnderTest({ persistent });
  try {
    const ids = Array.from({ length: connectors }, (_, i) => `source-bench-${i}`);
    await Promise.all(ids.map((id) => sut.register(id)));
    const patch = new Map(ids.map((id) => [id, 0]));
    const latencies: number[] = [];
    let errors = 0;
    let sent = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: clients }, async (_, client) => {
        const mine = ids.filter((_, i) => i % clients === client);
        let turn = 0;
        while (sent < eventsTotal && mine.length > 0) {
          sent += 1;
          const id = mine[turn++ % mine.length]!;
          const next = (patch.get(id) ?? 0) + 1;
          patch.set(id, next);
          const t0 = performance.now();
          const res = await fetch(`${sut.base}/v1/connectors/${id}/events`, {
            method: 'POST',
            headers: sut.headers,
            body: JSON.stringify({ type: 'PUBLISH_RELEASE', dockerImageTag: `1.0.${next}` }),
          });
          await res.text();
          latencies.push(performance.now() - t0);
          if (res.status !== 200) errors += 1;
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    return {
      events: latencies.length,
      seconds,
      eventsPerSecond: latencies.length / seconds,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      errors,
    };
  } finally {
    await sut.stop();
  }
}
