import { Agent, get } from 'node:http';
import { percentile } from './service-under-test.js';

/**
 * The load generators, shared by each figure and its ceiling so that both are driven by the same
 * client code (fetch from this process; the server under load runs in another one).
 */

export interface LoadResult {
  requests: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  /** every request's latency (ms), sorted */
  latencies: number[];
}

function summarize(latencies: number[], seconds: number, errors: number): LoadResult {
  latencies.sort((a, b) => a - b);
  return {
    latencies,
    requests: latencies.length,
    seconds,
    perSecond: latencies.length / seconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    errors,
  };
}

export interface EventTarget {
  base: string;
  headers: Record<string, string>;
}

/**
 * Closed-loop PUBLISH_RELEASE events: `clients` concurrent clients, each sending to connectors of
 * its own (`ids[i]` belongs to client `i % clients`) in turn, with a greater tag every time.
 * `warmup` events go first and are not counted. A status other than 200 counts as an error.
 */
export async function eventLoad(
  target: EventTarget,
  ids: string[],
  {
    clients,
    events,
    warmup = 0,
    tags = new Map(),
  }: {
    clients: number;
    events: number;
    warmup?: number;
    /** the last patch number sent per connector (kept across calls on the same connectors) */
    tags?: Map<string, number>;
  },
): Promise<LoadResult> {
  const patch = tags;
  const turns = new Array<number>(clients).fill(0);
  const mine = Array.from({ length: clients }, (_, c) => ids.filter((_, i) => i % clients === c));
  const run = async (total: number) => {
    const latencies: number[] = [];
    let errors = 0;
    let sent = 0;
    const started = performance.now();
    await Promise.all(
      mine.map(async (own, client) => {
        while (sent < total && own.length > 0) {
          sent += 1;
          const id = own[turns[client]!++ % own.length]!;
          const next = (patch.get(id) ?? 0) + 1;
          patch.set(id, next);
          const t0 = performance.now();
          const res = await fetch(`${target.base}/v1/connectors/${id}/events`, {
            method: 'POST',
            headers: target.headers,
            body: JSON.stringify({ type: 'PUBLISH_RELEASE', dockerImageTag: `1.0.${next}` }),
          });
          await res.arrayBuffer();
          latencies.push(performance.now() - t0);
          if (res.status !== 200) errors += 1;
        }
      }),
    );
    return summarize(latencies, (performance.now() - started) / 1000, errors);
  };
  if (warmup > 0) await run(warmup);
  return run(events);
}

/** One GET over `agent`; the body is read and counted, never parsed or kept. */
function getOnce(
  agent: Agent,
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    get(url, { agent, headers }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes }));
      res.on('error', reject);
    }).on('error', reject);
  });
}

/**
 * Closed-loop GETs of `url` for `seconds` by `clients` clients, each on a kept-alive connection of
 * its own (node:http: undici's fetch is the bottleneck when reading multi-megabyte bodies); the body
 * is read, not parsed. A status other than `expect` counts as an error. `warmupSeconds` of the same
 * load go first.
 */
export async function getLoad(
  url: string,
  {
    clients,
    seconds,
    headers = {},
    expect = 200,
    warmupSeconds = 0,
  }: {
    clients: number;
    seconds: number;
    headers?: Record<string, string>;
    expect?: number;
    warmupSeconds?: number;
  },
): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: clients });
  const run = async (duration: number) => {
    const latencies: number[] = [];
    let errors = 0;
    const started = performance.now();
    const end = started + duration * 1000;
    await Promise.all(
      Array.from({ length: clients }, async () => {
        while (performance.now() < end) {
          const t0 = performance.now();
          const res = await getOnce(agent, url, headers);
          latencies.push(performance.now() - t0);
          if (res.status !== expect) errors += 1;
        }
      }),
    );
    return summarize(latencies, (performance.now() - started) / 1000, errors);
  };
  try {
    if (warmupSeconds > 0) await run(warmupSeconds);
    return await run(seconds);
  } finally {
    agent.destroy();
  }
}

/**
 * Open loop: calls `send(i)` for i = 0..count-1 at `perSecond` (on a fixed schedule, whether or not
 * earlier calls finished) and waits for all of them.
 */
export async function paced<T>(
  count: number,
  perSecond: number,
  send: (i: number) => Promise<T>,
): Promise<T[]> {
  const started = performance.now();
  const all: Promise<T>[] = [];
  for (let i = 0; i < count; i += 1) {
    const due = started + (i * 1000) / perSecond;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const result = send(i);
    // Handled now (Promise.all below still sees a failure): a rejection while later sends wait for
    // their turn must not end the process as an unhandled one.
    result.catch(() => {});
    all.push(result);
  }
  return Promise.all(all);
}

/** Several measurements of one target as one: all their requests over all their time. */
export function combine(results: LoadResult[]): LoadResult {
  return summarize(
    results.flatMap((r) => r.latencies),
    results.reduce((sum, r) => sum + r.seconds, 0),
    results.reduce((sum, r) => sum + r.errors, 0),
  );
}

/**
 * Measures each target in turn, `rounds` times (A, B, A, B…), and combines each target's rounds:
 * on a shared machine, a figure and its ceiling then see the same background load.
 */
export async function alternate<K extends string>(
  rounds: number,
  targets: Record<K, () => Promise<LoadResult>>,
): Promise<Record<K, LoadResult>> {
  const keys = Object.keys(targets) as K[];
  const results = new Map<K, LoadResult[]>(keys.map((k) => [k, []]));
  for (let round = 0; round < rounds; round += 1) {
    for (const k of keys) results.get(k)!.push(await targets[k]());
  }
  return Object.fromEntries(keys.map((k) => [k, combine(results.get(k)!)])) as Record<
    K,
    LoadResult
  >;
}
