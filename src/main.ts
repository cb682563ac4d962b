import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from './config.js';
import { toError } from './errors.js';
import { createLogger } from './logger.js';
import { SERVICE_ROLES, startService, type ServiceRole } from './service.js';

function parseRoles(): ServiceRole[] {
  const { values } = parseArgs({
    options: { role: { type: 'string', multiple: true } },
    allowPositionals: false,
  });
  const roles = (values.role ?? []).flatMap((r) => r.split(','));
  for (const role of roles) {
    if (!(SERVICE_ROLES as readonly string[]).includes(role)) {
      throw new Error(`--role ${role}: expected one of ${SERVICE_ROLES.join(', ')}`);
    }
  }
  return roles as ServiceRole[];
}

async function main(): Promise<void> {
  let roles: ServiceRole[];
  let config;
  try {
    roles = parseRoles();
    config = loadConfig();
  } catch (err) {
    console.error(
      err instanceof ConfigError ? err.message : `connector-lifecycle: ${toError(err).message}`,
    );
    process.exit(2);
  }
  const logger = createLogger(config.logLevel);
  const running = await startService(config, logger, { roles });
  let signalled = false;
  const shutdown = (signal: string) => {
    if (signalled) return;
    signalled = true;
    logger.info(
      { signal },
      'shutting down: no new requests, running jobs finish or are handed back',
    );
    running.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err: toError(err) }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  console.error(`connector-lifecycle failed to start: ${toError(err).message}`);
  process.exit(1);
});
