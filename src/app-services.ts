import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';
import { ConnectorLifecycle } from '../machines/connector-lifecycle.js';
import { TokenStore } from './auth/token-store.js';
import { CatalogService } from './catalog/catalog-service.js';
import type { Config } from './config.js';
import { JobQueues } from './jobs/job-queues.js';
import { LifecycleService } from './lifecycle/lifecycle-service.js';
import { SubscriptionIndex } from './notifications/subscription-index.js';
import { SubscriptionStore } from './notifications/subscription-store.js';
import { WebhookClient } from './notifications/webhook-client.js';
import { WebhookTargetPolicy, type HostLookup } from './notifications/webhook-target-policy.js';
import { AcceptanceGates } from './acceptance/acceptance-gates.js';
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
  /**
   * The connection of the admission check of every /v1 request, with ioredis's auto-pipelining:
   * the checks of requests that arrive together go to Redis in one write, one round trip. Opened
   * on its first command, so that a process without the API role never opens it.
   */
  admissionRedis: Redis;
  keys: Keys;
  lifecycle: ConnectorLifecycle;
  store: ConnectorStore;
  service: LifecycleService;
  catalog: CatalogService;
  tokens: TokenStore;
  subscriptions: SubscriptionStore;
  /**
   * The subscriptions, kept in the process: the relay's fan-out, the deliveries' first attempts
   * and the commits (which leave out the notifications no subscription wants) read them here
   */
  subscriptionIndex: SubscriptionIndex;
  /**
   * Subscribes the index to the subscriptions' change notices, once per process (a connection of
   * its own, in subscriber mode); the roles that read the index call it when they start
   */
  watchSubscriptions(): Promise<void>;
  /** which webhook targets are allowed (SPEC §5) */
  webhookTargets: WebhookTargetPolicy;
  /** the HTTP client of deliveries, applying webhookTargets to the address connected to */
  webhookClient: WebhookClient;
  usage: UsageStore;
  sweeps: SweepStore;
  sweeper: ArchivalSweeper;
  gates: AcceptanceGates;
  queues: JobQueues;
  metrics: Metrics;
  /** the time as the rules see it (injectable, so that tests can move time) */
  clock: () => Date;
  /** a new connection (for blocking readers and workers) */
  connect(options?: RedisOptions): Redis;
  close(): Promise<void>;
}

/** What a process may replace, for tests: the host name resolver and the clock. */
export interface ServiceDeps {
  /** default: the system resolver (`dns.lookup` with `all: true`) */
  lookup?: HostLookup;
  /** the time as every rule sees it; the system clock by default */
  clock?: () => Date;
}

export function createServices(
  config: Config,
  logger: Logger,
  redisUrl: string,
  deps: ServiceDeps = {},
): AppServices {
  const clock = deps.clock ?? (() => new Date());
  const opened: Redis[] = [];
  const connect = (options: RedisOptions = {}) => {
    const client = new Redis(redisUrl, { maxRetriesPerRequest: null, ...options });
    client.on('error', (err) => logger.warn({ err }, 'redis connection error'));
    opened.push(client);
    return client;
  };
  // While Redis is unreachable a request fails fast (a 503 within about a second) instead of
  // queuing through reconnects: a command waits for two reconnect attempts at most, 500 ms apart.
  const failFast: RedisOptions = {
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt) => Math.min(attempt * 50, 500),
  };
  const redis = connect(failFast);
  const keys = new Keys(config.keyPrefix);
  const lifecycle = new ConnectorLifecycle(config.policy);
  const subscriptions = new SubscriptionStore(
    redis,
    keys,
    config.webhooks.maxSubscriptionsPerSubject,
  );
  const subscriptionIndex = new SubscriptionIndex(subscriptions);
  const store = new ConnectorStore(
    redis,
    config.keyPrefix,
    { archiveSourceUrl: config.policy.archiveSourceUrl },
    subscriptionIndex,
  );
  const queues = new JobQueues(connect(), keys.queuePrefix(), (err) =>
    logger.warn({ err: err.message }, 'queue connection error'),
  );
  const metrics = new Metrics({
    outboxBacklog: () => redis.xlen(keys.outbox()),
    outboxDeadLetters: () => redis.xlen(keys.outboxDeadLetters()),
    queueDepths: () => queues.counts(),
  });
  const service = new LifecycleService(
    store,
    lifecycle,
    clock,
    (event, from, to) => metrics.transitions.inc({ event, from, to }),
    config.allowedDockerRepositories,
  );
  const usage = new UsageStore(redis, keys);
  const sweeps = new SweepStore(redis, keys);
  const sweeper = new ArchivalSweeper({
    redis,
    keys,
    store,
    usage,
    sweeps,
    service,
    config,
    clock,
  });
  const gates = new AcceptanceGates({
    store,
    service,
    queues,
    logger: logger.child({ component: 'acceptance-gates' }),
    secrets: config.secrets,
    clock,
    pendingOutboxRunIds: () => store.pendingAcceptanceRunIds(),
  });
  const webhookTargets = new WebhookTargetPolicy({
    allowPrivateNetworks: config.webhooks.allowPrivateNetworks,
    ...(deps.lookup ? { lookup: deps.lookup } : {}),
  });
  const webhookClient = new WebhookClient(webhookTargets, config.webhooks.timeoutMs);
  let watching: Promise<void> | undefined;
  const watchSubscriptions = async () => {
    const subscriber = connect({ lazyConnect: true });
    const channel = keys.subscriptionsChanged();
    if (!(await subscriptionIndex.watch(subscriber, channel))) {
      subscriber.disconnect();
      logger.warn(
        { channel },
        "Redis's ACL refuses SUBSCRIBE on the subscriptions' change channel: each first delivery attempt reads the subscriptions' version from Redis, and a commit finds out about a subscription change a second later at most (grant the channel, e.g. &<prefix>:*, to save that read)",
      );
    }
  };
  return {
    config,
    logger,
    redisUrl,
    redis,
    admissionRedis: connect({ ...failFast, enableAutoPipelining: true, lazyConnect: true }),
    keys,
    lifecycle,
    store,
    service,
    catalog: new CatalogService(redis, keys, store),
    tokens: new TokenStore(redis, keys, config.adminToken),
    subscriptions,
    subscriptionIndex,
    watchSubscriptions: () => (watching ??= watchSubscriptions()),
    webhookTargets,
    webhookClient,
    usage,
    sweeps,
    sweeper,
    gates,
    queues,
    metrics,
    clock,
    connect,
    async close() {
      await queues.close();
      await webhookClient.close();
      // A connection never used (still 'wait': lazyConnect) is closed as it is; QUIT would open it.
      await Promise.all(
        opened.map(async (c) => {
          if (c.status === 'wait') c.disconnect();
          else await c.quit().catch(() => c.disconnect());
        }),
      );
    },
  };
}
