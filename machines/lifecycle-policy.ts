import semver from 'semver';
import type { ConnectorContext, SupportLevel } from './connector-types.js';
import type { ConnectorEvent } from './connector-events.js';
import { addDays, DAY_MS, normalizeDeadline } from './time.js';

/** The policy settings the guards enforce (from configuration). */
export interface LifecyclePolicy {
  /** language → the current CDK version, e.g. { python: '6.0.0' } */
  latestCdkVersions: Record<string, string>;
  certifiedMinNoticeDays: number;
  /** notice used by the archival sweep and when DEPRECATE gives no noticeDays on community */
  archivalNoticeDays: number;
  minUpgradeWindowDays: { source: number; destination: number };
  /** days before a breaking change's deadline at which reminders go out */
  reminderDays: number[];
  /** where an archived connector's source is kept; `{connectorId}` is replaced (SPEC §11) */
  archiveSourceUrl: string;
}

export const DEFAULT_ARCHIVE_SOURCE_URL =
  'https://github.com/airbytehq/connector-archive/tree/main/{connectorId}';

/** An archived connector's source location, from the LIFECYCLE_ARCHIVE_SOURCE_URL template. */
export function archiveSourceUrl(template: string, connectorId: string): string {
  return template.replaceAll('{connectorId}', connectorId);
}

export const DEFAULT_POLICY: LifecyclePolicy = {
  latestCdkVersions: { python: '6.0.0', java: '0.40.0', manifest: '6.0.0' },
  certifiedMinNoticeDays: 90,
  archivalNoticeDays: 30,
  minUpgradeWindowDays: { source: 7, destination: 30 },
  reminderDays: [7, 1],
  archiveSourceUrl: DEFAULT_ARCHIVE_SOURCE_URL,
};

/** Why a guard blocked an event; the API answers 422 with it. */
export interface PolicyViolation {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

/** A version string as semver, tolerating a leading "v". */
export function toSemver(value: string): string | null {
  return semver.valid(semver.clean(value, { loose: false }) ?? value);
}

/** The notice (in days) a DEPRECATE gives when it names none. */
export function defaultNoticeDays(level: SupportLevel, policy: LifecyclePolicy): number {
  return level === 'certified'
    ? Math.max(policy.certifiedMinNoticeDays, policy.archivalNoticeDays)
    : policy.archivalNoticeDays;
}

/**
 * The policies of SPEC §2. Returns null when the event may proceed, otherwise why not.
 * The machine's guards call this, and the service calls it to explain a refusal.
 */
export function checkPolicy(
  level: SupportLevel,
  context: ConnectorContext,
  event: ConnectorEvent,
  policy: LifecyclePolicy,
): PolicyViolation | null {
  switch (event.type) {
    case 'DEPRECATE': {
      const notice = event.noticeDays ?? defaultNoticeDays(level, policy);
      if (!Number.isFinite(notice) || notice < 0) {
        return {
          code: 'NOTICE_INVALID',
          message: `noticeDays must be a number of days of at least 0; ${notice} given.`,
          details: { noticeDays: notice },
        };
      }
      if (level !== 'certified') return null;
      if (notice + 1e-9 >= policy.certifiedMinNoticeDays) return null;
      return {
        code: 'NOTICE_TOO_SHORT',
        message: `A certified connector needs at least ${policy.certifiedMinNoticeDays} days of notice before archival; ${notice} given.`,
        details: { minNoticeDays: policy.certifiedMinNoticeDays, noticeDays: notice },
      };
    }
    case 'PUBLISH_RELEASE':
      return checkRelease(level, context, event, policy);
    case 'REQUEST_UNARCHIVE': {
      // A connector whose language is unknown (imported without one) has no CDK floor to meet.
      const latest =
        context.language === null
          ? undefined
          : policy.latestCdkVersions[cdkLanguage(context.language)];
      const requested = toSemver(event.cdkVersion);
      if (!requested) {
        return {
          code: 'INVALID_CDK_VERSION',
          message: `cdkVersion "${event.cdkVersion}" is not a semantic version.`,
        };
      }
      if (!toSemver(event.dockerImageTag)) return invalidVersion(event.dockerImageTag);
      if (latest && semver.lt(requested, latest)) {
        return {
          code: 'CDK_OUTDATED',
          message: `cdkVersion ${requested} is older than the current ${context.language} CDK ${latest}; update the connector to CDK ${latest} or later first.`,
          details: {
            cdkVersion: requested,
            requiredCdkVersion: latest,
            language: context.language,
          },
        };
      }
      return null;
    }
    default:
      return null;
  }
}

function invalidVersion(dockerImageTag: string): PolicyViolation {
  return {
    code: 'INVALID_VERSION',
    message: `dockerImageTag "${dockerImageTag}" is not a semantic version.`,
  };
}

/** "manifest-only" and "low-code" connectors are built on the manifest CDK. */
export function cdkLanguage(language: string): string {
  return language === 'manifest-only' || language === 'low-code' ? 'manifest' : language;
}

function checkRelease(
  level: SupportLevel,
  context: ConnectorContext,
  event: Extract<ConnectorEvent, { type: 'PUBLISH_RELEASE' }>,
  policy: LifecyclePolicy,
): PolicyViolation | null {
  const next = toSemver(event.dockerImageTag);
  if (!next) return invalidVersion(event.dockerImageTag);
  const current = toSemver(context.dockerImageTag);
  if (current && !semver.gt(next, current)) {
    return {
      code: 'VERSION_NOT_GREATER',
      message: `dockerImageTag ${next} must be greater than the current ${current}.`,
      details: { dockerImageTag: next, currentDockerImageTag: current },
    };
  }
  if (event.cdkVersion !== undefined && !toSemver(event.cdkVersion)) {
    return {
      code: 'INVALID_CDK_VERSION',
      message: `cdkVersion "${event.cdkVersion}" is not a semantic version.`,
    };
  }
  const change = event.breakingChange;
  if (!change) return null;
  if (semver.prerelease(next) !== null) {
    return {
      code: 'BREAKING_CHANGE_VERSION',
      message: `A breaking change is keyed by a plain X.Y.Z version (as in Airbyte's metadata); ${next} is a pre-release. Publish the breaking change with the final version.`,
      details: { dockerImageTag: next },
    };
  }
  const deadline = normalizeDeadline(change.upgradeDeadline);
  if (!deadline) {
    return {
      code: 'INVALID_DEADLINE',
      message: `upgradeDeadline "${change.upgradeDeadline}" is not a date (YYYY-MM-DD) or an ISO timestamp.`,
    };
  }
  if (level !== 'certified') return null;
  const windowDays = policy.minUpgradeWindowDays[context.type];
  const earliest = addDays(event.at, windowDays);
  if (Date.parse(deadline) + 1 >= Date.parse(earliest)) return null;
  const earliestDate = new Date(Math.ceil(Date.parse(earliest) / DAY_MS) * DAY_MS)
    .toISOString()
    .slice(0, 10);
  return {
    code: 'UPGRADE_WINDOW_TOO_SHORT',
    message: `A breaking change on a certified ${context.type} needs an upgrade window of at least ${windowDays} days: the earliest allowed upgradeDeadline is ${earliest} (date-only: ${earliestDate}).`,
    details: { minUpgradeWindowDays: windowDays, earliestUpgradeDeadline: earliest, earliestDate },
  };
}
