import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { startBenchServer } from './ceilings.js';
import { paced } from './load.js';
import { benchRedis, percentile, startServiceUnderTest } from './service-under-test.js';
import { eventLoopLagMaxMs, RedisLatencyMonitor } from './stall-monitor.js';

export interface LatencyFigures {
  events: number;
  /** how long the producer waited for its answer (the API's 200, queue.add resolved), p50/p99 */
  answerP50Ms: number;
  answerP99Ms: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** One measured round of one target, and what may have held it up. */
export interface RoundStalls {
  slowestMs: number;
  /** the service's longest event-loop delay in the round (null: a hop, or not exposed) */
  eventLoopMaxMs: number | null;
  /** the target's Redis: each latency-monitor event over its threshold in the round, slowest first */
  redis: [event: string, maxMs: number][];
  /** where the slowest webhook's time went (the service only; null: its job was not found) */
  slowestStages?: Stages | null;
}

/**
 * The stages of one event's webhook, from the service's own records (ms): the API's answer, then
 * the relay's adding its delivery job (the job's `timestamp`), the worker's taking it
 * (`processedOn`) and the POST's arrival at the receiver. Wall clocks of two processes on one host.
 */
export interface Stages {
  answerMs: number;
  toJobMs: number;
  toWorkerMs: number;
  toArrivalMs: number;
}

export interface LatencyResult {
  perSecond: number;
  service: LatencyFigures;
  ceiling: LatencyFigures;
  /** the raw hop behind an outbox committed with the state (./outbox-hop-worker.ts) */
  outboxHop: LatencyFigures;
  rounds: Record<TargetName, RoundStalls[]>;
}

/** Redis's latency monitor reports events slower than this (ms). */
export const STALL_THRESHOLD_MS = 10;

export const LATENCY_LOAD = {
  perSecond: 100,
  events: 1500,
  warmup: 200,
  connectors: 256,
  rounds: 3,
};

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

type Sample = { latency: number; answer: number; key: string; acceptedAt: number };

function figures(samples: Sample[]): LatencyFigures {
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

type Receiver = Awaited<ReturnType<typeof startReceiver>>;

/** Something that starts one effect per `send(i)` and resolves with the key the receiver will see. */
interface LatencyTarget {
  send(i: number): Promise<string>;
  stop(): Promise<void>;
  /** its Redis, watched by the latency monitor */
  redisUrl: string;
  /** the longest event-loop delay of its process since the last call (the service only) */
  eventLoopMaxMs?: () => Promise<number | null>;
  /** when each key's delivery job was added and taken, by its worker's clock (the service only) */
  jobTimes?: () => Promise<Map<string, { addedAt: number; takenAt: number }>>;
}

export type TargetName = 'service' | 'ceiling' | 'outboxHop';

/**
 * Event accepted (the API answered 200) → webhook received, PUBLISH_RELEASE events sent at a fixed
 * rate (open loop) over `connectors` connectors, one subscription to
 * connector.release_published. Ceiling, same run: one raw BullMQ hop (queue.add at the same pace
 * → a Worker in another process → POST to the same receiver), timed from add resolved; and the
 * same hop behind an outbox (./outbox-hop-worker.ts). All three run at once, each idle while
 * another is measured, in `rounds` alternating rounds after `warmup` events each, so that a slow
 * spell of the machine falls on all of them alike. Each round also reports what may have held it
 * up (./stall-monitor.ts): its target's Redis's latency monitor and the service's event loop.
 */
export async function measureNotificationLatency({
  perSecond = LATENCY_LOAD.perSecond,
  events = LATENCY_LOAD.events,
  warmup = LATENCY_LOAD.warmup,
  connectors = LATENCY_LOAD.connectors,
  rounds = LATENCY_LOAD.rounds,
} = {}): Promise<LatencyResult> {
  const receiver = await startReceiver();
  const started: LatencyTarget[] = [];
  const monitors = new Map<TargetName, RedisLatencyMonitor>();
  const start = async (target: Promise<LatencyTarget>) => {
    const t = await target;
    started.push(t);
    return t;
  };
  try {
    const targets: Record<TargetName, LatencyTarget> = {
      service: await start(serviceTarget(receiver, connectors)),
      ceiling: await start(rawHopTarget(receiver)),
      outboxHop: await start(outboxHopTarget(receiver)),
    };
    const names = Object.keys(targets) as TargetName[];
    for (const name of names) {
      monitors.set(
        name,
        await RedisLatencyMonitor.start(targets[name].redisUrl, STALL_THRESHOLD_MS),
      );
    }
    const sent = new Map<TargetName, number>(names.map((n) => [n, 0]));
    const one = async (name: TargetName) => {
      const i = sent.get(name)!;
      sent.set(name, i + 1);
      const at = performance.now();
      const key = await targets[name].send(i);
      const accepted = performance.now();
      const acceptedAt = Date.now();
      const latency = Math.max(0, (await receiver.arrival(key)) - accepted);
      return { latency, answer: accepted - at, key, acceptedAt };
    };
    for (const name of names) await paced(warmup, perSecond, () => one(name));
    const samples = new Map<TargetName, Sample[]>(names.map((n) => [n, []]));
    const stalls = new Map<TargetName, RoundStalls[]>(names.map((n) => [n, []]));
    /** the service's slowest event of each round, whose stages are read after the rounds */
    const serviceSlowest: Sample[] = [];
    const perRound = Math.ceil(events / rounds);
    for (let round = 0; round < rounds; round += 1) {
      for (const name of names) {
        const monitor = monitors.get(name)!;
        await monitor.reset();
        await targets[name].eventLoopMaxMs?.();
        const measured = await paced(perRound, perSecond, () => one(name));
        samples.get(name)!.push(...measured);
        const slowest = measured.reduce((a, b) => (b.latency > a.latency ? b : a));
        stalls.get(name)!.push({
          slowestMs: slowest.latency,
          eventLoopMaxMs: (await targets[name].eventLoopMaxMs?.()) ?? null,
          redis: await monitor.worst(),
        });
        if (name === 'service') serviceSlowest.push(slowest);
      }
    }
    const jobTimes = await targets.service.jobTimes?.();
    stalls.get('service')!.forEach((round, i) => {
      const s = serviceSlowest[i]!;
      const job = jobTimes?.get(s.key);
      round.slowestStages = job
        ? {
            answerMs: s.answer,
            toJobMs: job.addedAt - s.acceptedAt,
            toWorkerMs: job.takenAt - job.addedAt,
            toArrivalMs: s.acceptedAt + s.latency - job.takenAt,
          }
        : null;
    });
    return {
      perSecond,
      service: figures(samples.get('service')!),
      ceiling: figures(samples.get('ceiling')!),
      outboxHop: figures(samples.get('outboxHop')!),
      rounds: Object.fromEntries(stalls) as Record<TargetName, RoundStalls[]>,
    };
  } finally {
    for (const monitor of monitors.values()) monitor.close();
    for (const target of started.reverse()) await target.stop();
    await receiver.close();
  }
}

/** The service, with one subscription and `connectors` connectors; each send is one event. */
async function serviceTarget(receiver: Receiver, connectors: number): Promise<LatencyTarget> {
  const sut = await startServiceUnderTest();
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
    return {
      async send(i) {
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
      },
      stop: () => sut.stop(),
      redisUrl: sut.redis.url,
      eventLoopMaxMs: () => eventLoopLagMaxMs(sut.base),
      jobTimes: () => deliveryJobTimes(sut.redis.url),
    };
  } catch (err) {
    await sut.stop();
    throw err;
  }
}

/**
 * Every delivery job kept in the service's Redis, by the key the receiver sees
 * (`<connectorId>@<dockerImageTag>` of its body): when it was added and when a worker took it.
 */
async function deliveryJobTimes(
  redisUrl: string,
): Promise<Map<string, { addedAt: number; takenAt: number }>> {
  const redis = new Redis(redisUrl);
  try {
    const jobKeys: string[] = [];
    for await (const batch of redis.scanStream({ match: '*:deliveries:*', count: 1000 })) {
      jobKeys.push(...(batch as string[]));
    }
    // One round trip for all; the queue's own keys (lists, sorted sets, streams) answer WRONGTYPE.
    const pipeline = redis.pipeline();
    for (const key of jobKeys) pipeline.hmget(key, 'data', 'timestamp', 'processedOn');
    const times = new Map<string, { addedAt: number; takenAt: number }>();
    for (const [err, fields] of (await pipeline.exec()) ?? []) {
      const [data, timestamp, processedOn] = (fields ?? []) as (string | null)[];
      if (err || !data || !timestamp || !processedOn) continue;
      const body = JSON.parse((JSON.parse(data) as { body: string }).body) as {
        connectorId?: string;
        data?: { dockerImageTag?: string };
      };
      times.set(`${body.connectorId}@${body.data?.dockerImageTag}`, {
        addedAt: Number(timestamp),
        takenAt: Number(processedOn),
      });
    }
    return times;
  } finally {
    redis.disconnect();
  }
}

/** A Redis of its own (the service's settings) and one of the bench's worker scripts on it. */
async function hopWorker(script: string, env: Record<string, string>) {
  const redis = await benchRedis(true);
  const worker = await startBenchServer(script, { ...env, REDIS_URL: redis.url });
  const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
  return {
    connection,
    redisUrl: redis.url,
    async stop() {
      connection.disconnect();
      await worker.stop();
      await redis.stop();
    },
  };
}

/** The ceiling: one raw BullMQ hop, timed from queue.add resolved. */
async function rawHopTarget(receiver: Receiver): Promise<LatencyTarget> {
  const hop = await hopWorker('raw-hop-worker.ts', { TARGET_URL: receiver.url });
  const queue = new Queue('hop', { connection: hop.connection });
  return {
    async send(i) {
      const key = `hop-${i}`;
      await queue.add('hop', { key }, { removeOnComplete: true, removeOnFail: true });
      return key;
    },
    async stop() {
      await queue.close();
      await hop.stop();
    },
    redisUrl: hop.redisUrl,
  };
}

const OUTBOX_STREAM = 'outbox-hop:stream';
/** A state change and its outbox entry in one step (the minimal form of the service's commit). */
const COMMIT_WITH_OUTBOX =
  "redis.call('HSET', KEYS[1], 'version', ARGV[1]) redis.call('XADD', KEYS[2], '*', 'key', ARGV[2]) return 1";

/**
 * The same hop behind a transactional outbox, the least the service's guarantee (a state change
 * and its effects committed in one step) costs: one script writes a key and an outbox entry, timed
 * from its reply; ./outbox-hop-worker.ts relays the entry to BullMQ and POSTs the job.
 */
async function outboxHopTarget(receiver: Receiver): Promise<LatencyTarget> {
  const hop = await hopWorker('outbox-hop-worker.ts', { TARGET_URL: receiver.url, OUTBOX_STREAM });
  return {
    async send(i) {
      const key = `outbox-${i}`;
      const state = `outbox-hop:state:${i % 256}`;
      await hop.connection.eval(COMMIT_WITH_OUTBOX, 2, state, OUTBOX_STREAM, i, key);
      return key;
    },
    stop: () => hop.stop(),
    redisUrl: hop.redisUrl,
  };
}
