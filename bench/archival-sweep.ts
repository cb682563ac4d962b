import { randomUUID } from 'node:crypto';
import { MACHINE_VERSION } from '../machines/connector-machine.js';
import { emptyAirbyteFields } from '../machines/connector-types.js';
import { usageWindowDates } from '../machines/archival-policy.js';
import { createServices } from '../src/app-services.js';
import { newSweepRecord } from '../src/archival/sweep-store.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { startRedisServer } from '../src/redis/redis-server.js';
import type { ConnectorRecord } from '../src/store/records.js';

export interface SweepBenchResult {
  connectors: number;
  usageDays: number;
  seedSeconds: number;
  dryRunSeconds: number;
  sweepSeconds: number;
  candidates: number;
  deprecated: number;
  peakRssMb: number;
  peakHeapMb: number;
  baselineRssMb: number;
  /** CPU time of this process (user + system) during the dry run and during the real sweep */
  dryRunCpuSeconds: number;
  sweepCpuSeconds: number;
  /** CPU time of redis-server's main thread during the dry run and during the real sweep */
  dryRunRedisCpuSeconds: number;
  sweepRedisCpuSeconds: number;
}

/** CPU seconds of this process so far. */
function processCpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

/**
 * A sweep over `connectors` community connectors with `days` days of usage each; about 1 % have
 * low usage and are deprecated. Seeding writes straight to Redis (same Lua commit as the API).
 */
export async function measureArchivalSweep({
  connectors = 100_000,
  days = 30,
} = {}): Promise<SweepBenchResult> {
  const redis = await startRedisServer({ persistent: false });
  const config = loadConfig({
    REDIS_URL: redis.url,
    LOG_LEVEL: 'silent',
    LIFECYCLE_ARCHIVAL_MIN_AGE_DAYS: '0',
    LIFECYCLE_USAGE_WINDOW_DAYS: String(days),
  });
  const s = createServices(config, createLogger('silent'), redis.url);
  /** CPU seconds of redis-server's main thread so far (INFO cpu). */
  const redisCpuSeconds = async (): Promise<number> => {
    const info = await s.redis.info('cpu');
    const field = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? NaN);
    return field('used_cpu_user_main_thread') + field('used_cpu_sys_main_thread');
  };
  try {
    const seedStart = performance.now();
    const now = new Date();
    const dates = usageWindowDates(now, days);
    const at = now.toISOString();
    const BATCH = 500;
    for (let i = 0; i < connectors; i += BATCH) {
      await Promise.all(
        Array.from({ length: Math.min(BATCH, connectors - i) }, async (_, j) => {
          const n = i + j;
          const id = `source-sweep-${n.toString().padStart(6, '0')}`;
          const record: ConnectorRecord = {
            machineVersion: MACHINE_VERSION,
            state: 'community.active',
            context: {
              id,
              definitionId: randomUUID(),
              name: id,
              type: 'source',
              language: 'python',
              ...emptyAirbyteFields(),
              archive: null,
              dockerRepository: `airbyte/${id}`,
              dockerImageTag: '1.0.0',
              cdkVersion: '6.0.0',
              maintainers: ['bench'],
              deprecation: null,
              breakingChanges: {},
              lastReleaseAt: at,
              gate: null,
              unarchiveRequest: null,
            },
            createdAt: at,
            updatedAt: at,
          };
          await s.store.commit({
            expectedVersion: 0,
            previous: null,
            next: record,
            history: {
              eventId: randomUUID(),
              type: 'REGISTER',
              actor: 'bench',
              at,
              from: null,
              to: record.state,
              payload: {},
            },
            outbox: [],
            runs: [],
          });
          // 1 % unused (0 connections a day), the rest busy (5 a day).
          const perDay = n % 100 === 0 ? 0 : 5;
          await s.redis.hset(
            s.keys.usage(id),
            Object.fromEntries(dates.map((d) => [d, `${perDay}:1`])),
          );
        }),
      );
    }
    const seedSeconds = (performance.now() - seedStart) / 1000;

    global.gc?.();
    const baselineRss = process.memoryUsage().rss;
    let peakRss = baselineRss;
    let peakHeap = process.memoryUsage().heapUsed;
    const sampler = setInterval(() => {
      const m = process.memoryUsage();
      peakRss = Math.max(peakRss, m.rss);
      peakHeap = Math.max(peakHeap, m.heapUsed);
    }, 20);

    const dryRedisCpu = await redisCpuSeconds();
    const dryCpu = processCpuSeconds();
    const dryStart = performance.now();
    const dry = await s.sweeper.run(
      newSweepRecord('bench-dry', { dryRun: true, trigger: 'manual', requestedBy: 'bench' }),
    );
    const dryRunSeconds = (performance.now() - dryStart) / 1000;
    const dryRunCpuSeconds = processCpuSeconds() - dryCpu;
    const dryRunRedisCpuSeconds = (await redisCpuSeconds()) - dryRedisCpu;

    const sweepRedisCpu = await redisCpuSeconds();
    const sweepCpu = processCpuSeconds();
    const sweepStart = performance.now();
    const real = await s.sweeper.run(
      newSweepRecord('bench-real', { dryRun: false, trigger: 'manual', requestedBy: 'bench' }),
    );
    const sweepSeconds = (performance.now() - sweepStart) / 1000;
    const sweepCpuSeconds = processCpuSeconds() - sweepCpu;
    const sweepRedisCpuSeconds = (await redisCpuSeconds()) - sweepRedisCpu;
    clearInterval(sampler);
    if (dry.status !== 'completed' || real.status !== 'completed') {
      throw new Error(`sweep failed: ${dry.error ?? real.error ?? ''}`);
    }
    return {
      connectors,
      usageDays: days,
      seedSeconds,
      dryRunSeconds,
      sweepSeconds,
      candidates: dry.summary.candidates,
      deprecated: real.summary.deprecated,
      peakRssMb: peakRss / 2 ** 20,
      peakHeapMb: peakHeap / 2 ** 20,
      baselineRssMb: baselineRss / 2 ** 20,
      dryRunCpuSeconds,
      sweepCpuSeconds,
      dryRunRedisCpuSeconds,
      sweepRedisCpuSeconds,
    };
  } finally {
    await s.close();
    await redis.stop();
  }
}
