import type { Server } from 'node:http';
import { hostname } from 'node:os';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { GATE_CHECK_INTERVAL_MS } from './acceptance/acceptance-gates.js';
import { createServices, type AppServices, type ServiceDeps } from './app-services.js';
import type { Config } from './config.js';
import { createAppServer } from './http/app-server.js';
import { createApp } from './http/create-app.js';
import { startRedisServer, type RedisServerHandle } from './redis/redis-server.js';
import { WorkerRuntime, type WorkerRuntimeOptions } from './worker-runtime.js';
import { toError } from './errors.js';

export const SERVICE_ROLES = ['api', 'worker', 'scheduler'] as const;
export type ServiceRole = (typeof SERVICE_ROLES)[number];

export interface RunningService {
  services: AppServices;
  /** the API's address when the api role runs */
  url: string | null;
  workers: WorkerRuntime | null;
  stop(): Promise<void>;
}

export interface StartOptions {
  roles?: ServiceRole[];
  worker?: Partial<WorkerRuntimeOptions>;
  /** replaceable dependencies (tests): the host name resolver, the clock */
  deps?: ServiceDeps;
}

/**
 * Starts the roles of this process against one Redis. Without REDIS_URL a local redis-server of its
 * own is started (AOF with fsync always, data under LIFECYCLE_DATA_DIR/redis).
 */
export async function startService(
  config: Config,
  logger: Logger,
  options: StartOptions = {},
): Promise<RunningService> {
  const roles = new Set(options.roles?.length ? options.roles : SERVICE_ROLES);
  let ownRedis: RedisServerHandle | null = null;
  let redisUrl = config.redisUrl;
  if (!redisUrl) {
    ownRedis = await startRedisServer({ persistent: true, dir: `${config.dataDir}/redis` });
    redisUrl = ownRedis.url;
    logger.info(
      { redisUrl, dir: `${config.dataDir}/redis` },
      'started a local redis-server (REDIS_URL not set)',
    );
  }
  const services = createServices(config, logger, redisUrl, options.deps);

  let workers: WorkerRuntime | null = null;
  if (roles.has('worker')) {
    workers = new WorkerRuntime(services, {
      consumer: `${hostname()}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
      ...options.worker,
    });
    await workers.start();
    logger.info({ roles: [...roles] }, 'workers started');
  }

  if (roles.has('scheduler')) {
    // Idempotent: every scheduler process upserts the same Job Scheduler, so each cron tick
    // yields one sweep job however many schedulers run.
    try {
      await services.queues.get('sweeps').upsertJobScheduler(
        'archival-sweep',
        { pattern: config.archival.cron, tz: 'UTC' },
        {
          name: 'scheduled',
          data: { trigger: 'scheduled' },
          opts: { attempts: 30, backoff: { type: 'fixed', delay: 2000 } },
        },
      );
    } catch (err) {
      await workers?.stop();
      await services.close();
      await ownRedis?.stop();
      throw new Error(
        `LIFECYCLE_ARCHIVAL_CRON="${config.archival.cron}" is not a valid cron pattern: ${toError(err).message}`,
      );
    }
    logger.info({ cron: config.archival.cron }, 'archival sweep scheduled (UTC)');
    // Ends the gates whose acceptance job failed for good or went missing (SPEC §10).
    await services.queues.get('timers').upsertJobScheduler(
      'acceptance-gate-check',
      { every: GATE_CHECK_INTERVAL_MS },
      {
        name: 'checkGates',
        data: { timer: 'checkGates' },
        opts: { attempts: 1, removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } },
      },
    );
  }

  let server: Server | null = null;
  let url: string | null = null;
  if (roles.has('api')) {
    const clashes = await services.store.backfillDefinitionIds();
    for (const clash of clashes) {
      logger.warn(clash, 'connector shares its definitionId with another one (registered earlier)');
    }
    // the commits leave out the notifications no subscription wants, as the index tells them
    await services.watchSubscriptions();
    server = createAppServer(createApp(services), {
      requestTimeout: 30_000,
      headersTimeout: 10_000,
    });
    // Longer than clients' and load balancers' idle timeouts (60 s is common): the server never
    // closes a kept-alive connection just as a client sends its next request on it.
    server.keepAliveTimeout = 65_000;
    await new Promise<void>((resolve, reject) => {
      server!.once('error', reject);
      server!.listen(config.port, config.host, () => resolve());
    });
    const address = server.address() as AddressInfo;
    url = `http://${address.address === '0.0.0.0' || address.address === '::' ? '127.0.0.1' : address.address}:${address.port}`;
    logger.info({ url, roles: [...roles] }, 'connector-lifecycle API listening');
  }

  let stopping: Promise<void> | null = null;
  return {
    services,
    url,
    workers,
    stop() {
      stopping ??= (async () => {
        if (server) {
          const closed = new Promise<void>((resolve) => server.close(() => resolve()));
          server.closeIdleConnections();
          await closed;
        }
        await workers?.stop();
        await services.close();
        await ownRedis?.stop();
      })();
      return stopping;
    },
  };
}
