import proxyAddr from 'proxy-addr';
import { z } from 'zod';
import {
  archiveSourceUrl,
  DEFAULT_ARCHIVE_SOURCE_URL,
  type LifecyclePolicy,
} from '../machines/lifecycle-policy.js';
import {
  DEFAULT_SUPPORT_LEVELS,
  loadSupportPolicyFile,
  type SupportLevelPolicy,
} from './airbyte/support-levels.js';
import {
  RUN_VARIABLE_NAMES,
  acceptanceEnvironment,
  isServiceSetting,
} from './acceptance/command-environment.js';
import { redisUrlSecrets, secretList } from './acceptance/secret-scrubber.js';

/** A number of days; decimals are allowed so that short periods can be tried (0.0001 ≈ 9 s). */
const days = (fallback: number) => z.coerce.number().finite().nonnegative().default(fallback);
const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const cdkVersions = z
  .string()
  .default('python=6.0.0,java=0.40.0,manifest=6.0.0')
  .transform((raw, ctx) => {
    const out: Record<string, string> = {};
    for (const part of raw
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean)) {
      const m = /^([a-z0-9][a-z0-9-]*)=(\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?)$/.exec(part);
      if (!m) {
        ctx.addIssue({
          code: 'custom',
          message: `"${part}" is not language=semver (e.g. python=6.0.0)`,
        });
        return z.NEVER;
      }
      out[m[1]!] = m[2]!;
    }
    return out;
  });

const reminderDays = z
  .string()
  .default('7,1')
  .transform((raw, ctx) => {
    const values = raw
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean)
      .map(Number);
    if (values.some((v) => !Number.isFinite(v) || v <= 0)) {
      ctx.addIssue({ code: 'custom', message: 'a comma-separated list of positive day counts' });
      return z.NEVER;
    }
    return [...new Set(values)].sort((a, b) => b - a);
  });

function isHttpUrl(value: string): boolean {
  try {
    return /^https?:$/.test(new URL(value).protocol);
  } catch {
    return false;
  }
}
/** LIFECYCLE_ALLOWED_DOCKER_REPOSITORIES: comma-separated globs (`airbyte/*,ghcr.io/acme/*`). */
const repositoryGlobs = z
  .string()
  .default('')
  .transform((raw, ctx) => {
    const globs = raw
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean);
    const bad = globs.filter((g) => !/^[\x21-\x7e]{1,255}$/.test(g));
    if (bad.length > 0) {
      ctx.addIssue({
        code: 'custom',
        message: `not a glob of a Docker repository: ${bad.map((g) => JSON.stringify(g)).join(', ')}`,
      });
      return z.NEVER;
    }
    return globs;
  });

/**
 * LIFECYCLE_TRUST_PROXY, Express's `trust proxy` value: `false`, `true`, a hop count, or a
 * comma-separated list of addresses or subnets (`loopback`, `10.0.0.0/8`, `fc00::/7` ...).
 */
const trustProxy = z
  .string()
  .default('false')
  .transform((raw, ctx): boolean | number | string[] => {
    const value = raw.trim();
    if (/^false$/i.test(value)) return false;
    if (/^true$/i.test(value)) return true;
    if (/^\d+$/.test(value)) return Number(value);
    const list = value
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean);
    try {
      proxyAddr.compile(list);
    } catch (err) {
      ctx.addIssue({
        code: 'custom',
        message: `false, true, a hop count, or a comma-separated list of addresses or subnets (${err instanceof Error ? err.message : String(err)})`,
      });
      return z.NEVER;
    }
    return list;
  });

/**
 * The service's settings that are not named `LIFECYCLE_*`: with every `LIFECYCLE_*` name, never
 * passed to the acceptance command, even when listed in LIFECYCLE_ACCEPTANCE_ENV_PASSTHROUGH.
 */
const SERVICE_SETTING_NAMES: readonly string[] = ['PORT', 'HOST', 'REDIS_URL', 'LOG_LEVEL'];

/** Names of environment variables passed to the acceptance command (SPEC §10). */
const envNames = z
  .string()
  .default('')
  .transform((raw, ctx) => {
    const names = [
      ...new Set(
        raw
          .split(',')
          .map((p) => p.trim())
          .filter(Boolean),
      ),
    ];
    for (const name of names) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
        ctx.addIssue({ code: 'custom', message: `"${name}" is not an environment variable name` });
      } else if (isServiceSetting(name, SERVICE_SETTING_NAMES)) {
        ctx.addIssue({
          code: 'custom',
          message: `"${name}" is a setting of the service itself: it is never passed to the acceptance command`,
        });
      } else if (RUN_VARIABLE_NAMES.includes(name)) {
        ctx.addIssue({ code: 'custom', message: `"${name}" is set by the runner for every run` });
      }
    }
    return names;
  });

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default('0.0.0.0'),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
    .optional(),
  LIFECYCLE_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only')
    .default('lifecycle'),
  LIFECYCLE_DATA_DIR: z.string().default('.data'),
  LIFECYCLE_ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  LIFECYCLE_LATEST_CDK_VERSIONS: cdkVersions,
  LIFECYCLE_CERTIFIED_MIN_NOTICE_DAYS: days(90),
  LIFECYCLE_MIN_UPGRADE_WINDOW_DAYS_SOURCE: days(7),
  LIFECYCLE_MIN_UPGRADE_WINDOW_DAYS_DESTINATION: days(30),
  LIFECYCLE_ACCEPTANCE_COMMAND: z.string().trim().min(1).optional(),
  LIFECYCLE_ACCEPTANCE_TIMEOUT_S: z.coerce.number().positive().default(1800),
  LIFECYCLE_ACCEPTANCE_CONCURRENCY: positiveInt(2),
  LIFECYCLE_ACCEPTANCE_ENV_PASSTHROUGH: envNames,
  LIFECYCLE_JOB_LOCK_MS: z.coerce.number().int().min(1000).default(10_000),
  LIFECYCLE_ARCHIVAL_CRON: z.string().default('0 3 * * *'),
  LIFECYCLE_ARCHIVAL_MIN_AGE_DAYS: days(90),
  LIFECYCLE_USAGE_WINDOW_DAYS: days(30),
  LIFECYCLE_ARCHIVAL_MIN_USAGE: z.coerce.number().nonnegative().default(30),
  LIFECYCLE_UNMAINTAINED_DAYS: days(365),
  LIFECYCLE_ARCHIVAL_NOTICE_DAYS: days(30),
  LIFECYCLE_WEBHOOK_MAX_ATTEMPTS: positiveInt(10),
  LIFECYCLE_WEBHOOK_BACKOFF_MS: positiveInt(30000),
  LIFECYCLE_WEBHOOK_TIMEOUT_MS: positiveInt(10000),
  LIFECYCLE_WEBHOOK_ALLOW_PRIVATE_NETWORKS: z
    .stringbool({ error: 'must be true or false' })
    .default(false),
  LIFECYCLE_MAX_SUBSCRIPTIONS_PER_SUBJECT: positiveInt(25),
  LIFECYCLE_REMINDER_DAYS: reminderDays,
  LIFECYCLE_RATE_LIMIT_PER_MINUTE: positiveInt(1200),
  LIFECYCLE_DOCS_BASE_URL: z
    .string()
    .default('https://docs.airbyte.com/integrations')
    .refine(isHttpUrl, 'must be an http(s) URL')
    .transform((url) => url.replace(/\/+$/, '')),
  LIFECYCLE_DEFAULT_LICENSE: z.string().trim().min(1).max(100).default('MIT'),
  LIFECYCLE_ARCHIVE_SOURCE_URL: z
    .string()
    .default(DEFAULT_ARCHIVE_SOURCE_URL)
    .refine(
      (template) => isHttpUrl(archiveSourceUrl(template, 'source-example')),
      'must be an http(s) URL once {connectorId} is replaced',
    ),
  LIFECYCLE_SUPPORT_POLICY_FILE: z.string().optional(),
  LIFECYCLE_AUTH_FAILURES_PER_MINUTE: positiveInt(20),
  LIFECYCLE_TRUST_PROXY: trustProxy,
  LIFECYCLE_METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  LIFECYCLE_ALLOWED_DOCKER_REPOSITORIES: repositoryGlobs,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Env = z.input<typeof envSchema>;

/** Settings whose values are secrets (REDIS_URL may hold a password). */
export const SECRET_SETTINGS: ReadonlySet<string> = new Set([
  'REDIS_URL',
  'LIFECYCLE_ADMIN_TOKEN',
  'LIFECYCLE_METRICS_TOKEN',
]);

/** Settings whose values are secrets: scrubbed from what is kept of acceptance runs (SPEC §10). */
const SECRET_SETTING_NAMES = ['LIFECYCLE_ADMIN_TOKEN', 'LIFECYCLE_METRICS_TOKEN'] as const;

export interface Config {
  port: number;
  host: string;
  redisUrl: string | undefined;
  keyPrefix: string;
  dataDir: string;
  adminToken: string | undefined;
  logLevel: z.output<typeof envSchema>['LOG_LEVEL'];
  /** archiveSourceUrl: LIFECYCLE_ARCHIVE_SOURCE_URL, a template with {connectorId} */
  policy: LifecyclePolicy;
  /** Airbyte interoperability (SPEC §11) */
  airbyte: { docsBaseUrl: string; defaultLicense: string };
  /** GET /v1/support-levels: the defaults or LIFECYCLE_SUPPORT_POLICY_FILE */
  supportLevels: SupportLevelPolicy[];
  acceptance: {
    command: string | undefined;
    timeoutMs: number;
    concurrency: number;
    /** the names of LIFECYCLE_ACCEPTANCE_ENV_PASSTHROUGH */
    passthrough: string[];
    /** the command's base environment (SPEC §10), read once here */
    environment: Record<string, string>;
  };
  /** values of secret settings (tokens, the Redis URL and its password), longest first */
  secrets: string[];
  archival: {
    cron: string;
    minAgeDays: number;
    usageWindowDays: number;
    minUsage: number;
    unmaintainedDays: number;
  };
  webhooks: {
    maxAttempts: number;
    backoffMs: number;
    timeoutMs: number;
    /** SPEC §5: false refuses loopback, private, link-local, … targets (SSRF) */
    allowPrivateNetworks: boolean;
    maxSubscriptionsPerSubject: number;
  };
  /**
   * How long a worker's claim on a running job lasts without renewal (renewed at half of it): a
   * crashed worker's jobs are handed back after about this plus the 3 s stalled-job check.
   */
  jobLockMs: number;
  rateLimitPerMinute: number;
  /** failed authentications per client address and minute before it is locked out (SPEC §10) */
  authFailuresPerMinute: number;
  /** Express's `trust proxy` value: which proxies' X-Forwarded-For to believe */
  trustProxy: boolean | number | string[];
  /** when set, GET /metrics needs `Authorization: Bearer <metricsToken>` */
  metricsToken: string | undefined;
  /** globs of the Docker repositories connectors may name; empty: any */
  allowedDockerRepositories: string[];
}

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment once; every bad value is named in the error. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const cleaned = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== undefined && v !== ''),
  );
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => {
        const name = i.path.join('.');
        const value = env[name];
        // A secret's value never reaches a message (stderr, logs): only its length.
        const shown =
          SECRET_SETTINGS.has(name) && value !== undefined
            ? `<secret, ${value.length} characters>`
            : JSON.stringify(value ?? null);
        return `${name}=${shown}: ${i.message}`;
      }),
    );
  }
  const e = parsed.data;
  let supportLevels = DEFAULT_SUPPORT_LEVELS;
  if (e.LIFECYCLE_SUPPORT_POLICY_FILE) {
    try {
      supportLevels = loadSupportPolicyFile(e.LIFECYCLE_SUPPORT_POLICY_FILE);
    } catch (err) {
      throw new ConfigError([
        `LIFECYCLE_SUPPORT_POLICY_FILE=${JSON.stringify(e.LIFECYCLE_SUPPORT_POLICY_FILE)}: ${(err as Error).message}`,
      ]);
    }
  }
  return {
    port: e.PORT,
    host: e.HOST,
    redisUrl: e.REDIS_URL,
    keyPrefix: e.LIFECYCLE_KEY_PREFIX,
    dataDir: e.LIFECYCLE_DATA_DIR,
    adminToken: e.LIFECYCLE_ADMIN_TOKEN,
    logLevel: e.LOG_LEVEL,
    policy: {
      latestCdkVersions: e.LIFECYCLE_LATEST_CDK_VERSIONS,
      certifiedMinNoticeDays: e.LIFECYCLE_CERTIFIED_MIN_NOTICE_DAYS,
      archivalNoticeDays: e.LIFECYCLE_ARCHIVAL_NOTICE_DAYS,
      minUpgradeWindowDays: {
        source: e.LIFECYCLE_MIN_UPGRADE_WINDOW_DAYS_SOURCE,
        destination: e.LIFECYCLE_MIN_UPGRADE_WINDOW_DAYS_DESTINATION,
      },
      reminderDays: e.LIFECYCLE_REMINDER_DAYS,
      archiveSourceUrl: e.LIFECYCLE_ARCHIVE_SOURCE_URL,
    },
    airbyte: {
      docsBaseUrl: e.LIFECYCLE_DOCS_BASE_URL,
      defaultLicense: e.LIFECYCLE_DEFAULT_LICENSE,
    },
    supportLevels,
    acceptance: {
      command: e.LIFECYCLE_ACCEPTANCE_COMMAND,
      timeoutMs: Math.round(e.LIFECYCLE_ACCEPTANCE_TIMEOUT_S * 1000),
      concurrency: e.LIFECYCLE_ACCEPTANCE_CONCURRENCY,
      passthrough: e.LIFECYCLE_ACCEPTANCE_ENV_PASSTHROUGH,
      environment: acceptanceEnvironment(env, e.LIFECYCLE_ACCEPTANCE_ENV_PASSTHROUGH),
    },
    secrets: secretList([
      ...SECRET_SETTING_NAMES.map((name) => cleaned[name]),
      ...redisUrlSecrets(e.REDIS_URL),
    ]),
    archival: {
      cron: e.LIFECYCLE_ARCHIVAL_CRON,
      minAgeDays: e.LIFECYCLE_ARCHIVAL_MIN_AGE_DAYS,
      usageWindowDays: e.LIFECYCLE_USAGE_WINDOW_DAYS,
      minUsage: e.LIFECYCLE_ARCHIVAL_MIN_USAGE,
      unmaintainedDays: e.LIFECYCLE_UNMAINTAINED_DAYS,
    },
    webhooks: {
      maxAttempts: e.LIFECYCLE_WEBHOOK_MAX_ATTEMPTS,
      backoffMs: e.LIFECYCLE_WEBHOOK_BACKOFF_MS,
      timeoutMs: e.LIFECYCLE_WEBHOOK_TIMEOUT_MS,
      allowPrivateNetworks: e.LIFECYCLE_WEBHOOK_ALLOW_PRIVATE_NETWORKS,
      maxSubscriptionsPerSubject: e.LIFECYCLE_MAX_SUBSCRIPTIONS_PER_SUBJECT,
    },
    jobLockMs: e.LIFECYCLE_JOB_LOCK_MS,
    rateLimitPerMinute: e.LIFECYCLE_RATE_LIMIT_PER_MINUTE,
    authFailuresPerMinute: e.LIFECYCLE_AUTH_FAILURES_PER_MINUTE,
    trustProxy: e.LIFECYCLE_TRUST_PROXY,
    metricsToken: e.LIFECYCLE_METRICS_TOKEN,
    allowedDockerRepositories: e.LIFECYCLE_ALLOWED_DOCKER_REPOSITORIES,
  };
}
