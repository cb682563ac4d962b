import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { percentile, startServiceUnderTest } from './service-under-test.js';

export interface LatencyResult {
  events: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/**
 * Event accepted (the API answered) → webhook received, for `events` PUBLISH_RELEASE events sent by
 * `clients` concurrent clients, with one subscription to connector.release_published.
 */
export async function measureNotificationLatency({
  events = 1000,
  clients = 8,
} = {}): Promise<LatencyResult> {
  const received = new Map<string, number>();
  const waiters = new Map<string, () => void>();
  const receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = performance.now();
      const body = JSON.parse(Buffer.concat(chunks).toString()) as {
        connectorId: string;
        data: { dockerImageTag: string };
      };
      const key = `${body.connectorId}@${body.data.dockerImageTag}`;
      if (!received.has(key)) received.set(key, at);
      waiters.get(key)?.();
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const port = (receiver.address() as AddressInfo).port;
  const sut = await startServiceUnderTest();
  try {
    const sub = await fetch(`${sut.base}/v1/subscriptions`, {
      method: 'POST',
      headers: sut.headers,
      body: JSON.stringify({
        url: `http://127.0.0.1:${port}/hook`,
        secret: 'bench-secret',
        events: ['connector.release_published'],
      }),
    });
    if (sub.status !== 201) throw new Error(`subscribe: ${sub.status}`);
    const ids = Array.from({ length: clients }, (_, i) => `source-latency-${i}`);
    await Promise.all(ids.map((id) => sut.register(id)));
    const latencies: number[] = [];
    let sent = 0;
    await Promise.all(
      ids.map(async (id) => {
        let patch = 0;
        while (sent < events) {
          sent += 1;
          patch += 1;
          const tag = `1.0.${patch}`;
          const key = `${id}@${tag}`;
          const arrived = new Promise<void>((resolve) => waiters.set(key, resolve));
          const res = await fetch(`${sut.base}/v1/connectors/${id}/events`, {
            method: 'POST',
            headers: sut.headers,
            body: JSON.stringify({ type: 'PUBLISH_RELEASE', dockerImageTag: tag }),
          });
          await res.text();
          const accepted = performance.now();
          if (res.status !== 200) throw new Error(`event: ${res.status}`);
          await arrived;
          latencies.push(Math.max(0, received.get(key)! - accepted));
        }
      }),
    );
    latencies.sort((a, b) => a - b);
    return {
      events: latencies.length,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      maxMs: latencies.at(-1) ?? 0,
    };
  } finally {
    await sut.stop();
    receiver.close();
  }
}
