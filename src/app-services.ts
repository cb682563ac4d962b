import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';
import { ConnectorLifecycle } from '../machines/connector-lifecycle.js';
import { TokenStore } from './auth/token-store.js';
import { CatalogService } from './catalog/catalog-service.js';
import type { Config } from './config.js';
import { JobQueues } from './jobs/job-queues.js';
import { LifecycleService } from './lifecycle/lifecycle-service.js';
import { SubscriptionStore } from './notifications/subscription-store.js';
import { ArchivalSweeper } from './archival/archival-sweeper.js';
import { SweepStore } from './archival/sweep-store.js';
import { UsageStore } from './usage/usage-store.js';
import { Metrics } from './observability/metrics.js';
import { ConnectorStore } from './store/connector-store.js';
import { Keys } from './store/keys.js';

/** Everything the HTTP layer, the relay and the workers share, built once per process. */
export interface AppServices {
  config: Config;
  logger: Logger;
  redisUrl: string;
  redis: Redis;
  keys: Keys;
  lifecycle: ConnectorLifecycle;
  store: ConnectorStore;
  service: LifecycleService;
  catalog: CatalogService;
  tokens: TokenStore;
  subscriptions: SubscriptionStore;
  usage: UsageStore;
  sweeps: SweepStore;
  sweeper: ArchivalSweeper;
  queues: JobQueues;
  metrics: Metrics;
  /** a new connection (for blocking readers and workers) */
  connect(options?: RedisOptions): Redis;
  close(): Promise<void>;
}

export function createServices(config: Config, logger: Logger, redisUrl: string): AppServices {
  const opened: Redis[] = [];
  const connect = (options: RedisOptions = {}) => {
    const client = new Redis(redisUrl, { maxRetriesPerRequest: null, ...options });
    client.on('error', (err) => logger.warn({ err }, 'redis connection error'));
    opened.push(client);
    return client;
  };
  const redis = connect({ maxRetriesPerRequest: 2 });
  const keys = new Keys(config.keyPrefix);
  const lifecycle = new ConnectorLifecycle(config.policy);
  const store = new ConnectorStore(redis, config.keyPrefix, {
    archiveSourceUrl: config.policy.archiveSourceUrl,
  });
  const queues = new JobQueues(connect(), keys.queuePrefix(), (err) =>
    logger.warn({ err: err.message }, 'queue connection error'),
  );
  const metrics = new Metrics({
    outboxBacklog: () => redis.xlen(keys.outbox()),
    queueDepths: () => queues.counts(),
  });
  const service = new LifecycleService(store, lifecycle, undefined, (event, from, to) =>
    metrics.transitions.inc({ event, from, to }),
  );
  const usage = new UsageStore(redis, keys);
  const sweeps = new SweepStore(redis, keys);
  const sweeper = new ArchivalSweeper({ redis, keys, store, usage, sweeps, service, config });
  return {
    config,
    logger,
    redisUrl,
    redis,
    keys,
    lifecycle,
    store,
    service,
    catalog: new CatalogService(redis, keys, store),
    tokens: new TokenStore(redis, keys, config.adminToken),
    subscriptions: new SubscriptionStore(redis, keys),
    usage,
    sweeps,
    sweeper,
    queues,
    metrics,
    connect,
    async close() {
      await queues.close();
      await Promise.all(opened.map((c) => c.quit().catch(() => c.disconnect())));
    },
  };
}
