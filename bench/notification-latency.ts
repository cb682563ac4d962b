import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { startBenchServer } from './ceilings.js';
import { paced } from './load.js';
import { benchRedis, percentile, startServiceUnderTest } from './service-under-test.js';

export interface LatencyFigures {
  events: number;
  /** how long the producer waited for its answer (the API's 200, queue.add resolved), p50/p99 */
  answerP50Ms: number;
  answerP99Ms: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface LatencyResult {
  perSecond: number;
  service: LatencyFigures;
  ceiling: LatencyFigures;
}

export const LATENCY_LOAD = { perSecond: 100, events: 1500, warmup: 200, connectors: 256 };

/** A webhook receiver in this process: when did the body naming `key` arrive. */
async function startReceiver() {
  const arrivals = new Map<string, { at?: number; resolve?: (at: number) => void }>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = performance.now();
      const body = JSON.parse(Buffer.concat(chunks).toString()) as {
        key?: string;
        connectorId?: string;
        data?: { dockerImageTag?: string };
      };
      const key = body.key ?? `${body.connectorId}@${body.data?.dockerImageTag}`;
      const slot = arrivals.get(key);
      if (!slot) arrivals.set(key, { at });
      else if (slot.at === undefined) {
        slot.at = at;
        slot.resolve?.(at);
      }
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    /** the arrival time of `key` (already there, or when it comes; fails after 60 s) */
    arrival(key: string): Promise<number> {
      const slot = arrivals.get(key);
      if (slot?.at !== undefined) return Promise.resolve(slot.at);
      return new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no webhook for ${key}`)), 60_000);
        arrivals.set(key, {
          resolve: (at) => {
            clearTimeout(timer);
            resolve(at);
          },
        });
      });
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

function figures(samples: { latency: number; answer: number }[]): LatencyFigures {
  const latencies = samples.map((s) => s.latency).sort((a, b) => a - b);
  const answers = samples.map((s) => s.answer).sort((a, b) => a - b);
  return {
    events: latencies.length,
    answerP50Ms: percentile(answers, 50),
    answerP99Ms: percentile(answers, 99),
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    maxMs: latencies.at(-1) ?? 0,
  };
}

/**
 * Open loop at `perSecond`: `send(i)` resolves when the producer got its answer and returns the
 * key the receiver will see; the latency is from that answer to the arrival (0 when the webhook
 * came first). `warmup` events go first at the same pace and are not counted.
 */
async function pacedLatencies(
  receiver: Awaited<ReturnType<typeof startReceiver>>,
  { perSecond, events, warmup }: { perSecond: number; events: number; warmup: number },
  send: (i: number) => Promise<string>,
): Promise<LatencyFigures> {
  const one = async (i: number) => {
    const sent = performance.now();
    const key = await send(i);
    const accepted = performance.now();
    const latency = Math.max(0, (await receiver.arrival(key)) - accepted);
    return { latency, answer: accepted - sent };
  };
  await paced(warmup, perSecond, one);
  return figures(await paced(events, perSecond, (i) => one(warmup + i)));
}

/**
 * Event accepted (the API answered 200) → webhook received, PUBLISH_RELEASE events sent at a fixed
 * rate (open loop) over `connectors` connectors, one subscription to
 * connector.release_published. Ceiling, same run: one raw BullMQ hop (queue.add at the same pace
 * → a Worker in another process → POST to the same receiver), timed from add resolved.
 */
export async function measureNotificationLatency({
  perSecond = LATENCY_LOAD.perSecond,
  events = LATENCY_LOAD.events,
  warmup = LATENCY_LOAD.warmup,
  connectors = LATENCY_LOAD.connectors,
} = {}): Promise<LatencyResult> {
  const receiver = await startReceiver();
  try {
    const sut = await startServiceUnderTest();
    let service: LatencyFigures;
    try {
      const sub = await fetch(`${sut.base}/v1/subscriptions`, {
        method: 'POST',
        headers: sut.headers,
        body: JSON.stringify({
          url: receiver.url,
          secret: 'bench-secret',
          events: ['connector.release_published'],
        }),
      });
      if (sub.status !== 201) throw new Error(`subscribe: ${sub.status}`);
      const ids = Array.from({ length: connectors }, (_, i) => `source-latency-${i}`);
      await Promise.all(ids.map((id) => sut.register(id)));
      service = await pacedLatencies(receiver, { perSecond, events, warmup }, async (i) => {
        const id = ids[i % connectors]!;
        const tag = `1.0.${Math.floor(i / connectors) + 1}`;
        const res = await fetch(`${sut.base}/v1/connectors/${id}/events`, {
          method: 'POST',
          headers: sut.headers,
          body: JSON.stringify({ type: 'PUBLISH_RELEASE', dockerImageTag: tag }),
        });
        const text = await res.text();
        if (res.status !== 200) throw new Error(`event ${tag} on ${id}: ${res.status} ${text}`);
        return `${id}@${tag}`;
      });
    } finally {
      await sut.stop();
    }

    const redis = await benchRedis(true);
    const worker = await startBenchServer('raw-hop-worker.ts', {
      REDIS_URL: redis.url,
      TARGET_URL: receiver.url,
    });
    const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
    const queue = new Queue('hop', { connection });
    try {
      const ceiling = await pacedLatencies(receiver, { perSecond, events, warmup }, async (i) => {
        const key = `hop-${i}`;
        await queue.add('hop', { key }, { removeOnComplete: true, removeOnFail: true });
        return key;
      });
      return { perSecond, service, ceiling };
    } finally {
      await queue.close();
      connection.disconnect();
      await worker.stop();
      await redis.stop();
    }
  } finally {
    await receiver.close();
  }
}
