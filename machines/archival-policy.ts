import { DAY_MS } from './time.js';

/** The automated archival policy (SPEC §8), pure: what makes a connector a candidate. */
export interface ArchivalSettings {
  minAgeDays: number;
  usageWindowDays: number;
  minUsage: number;
  unmaintainedDays: number;
}

export type ArchivalReason =
  | { code: 'low_usage'; usage: number; threshold: number; windowDays: number; windowStart: string }
  | {
      code: 'unmaintained';
      lastReleaseAt: string;
      thresholdDays: number;
      daysSinceRelease: number;
    };

/** The start of today's UTC day (ms) and the number of days in a usage window of `windowDays`. */
function usageWindow(now: Date, windowDays: number): { today: number; days: number } {
  return {
    today: Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()),
    days: Math.max(1, Math.ceil(windowDays)),
  };
}

/** The UTC dates (YYYY-MM-DD) of the usage window ending today, today included, oldest first. */
export function usageWindowDates(now: Date, windowDays: number): string[] {
  const { today, days } = usageWindow(now, windowDays);
  return Array.from({ length: days }, (_, i) =>
    new Date(today - (days - 1 - i) * DAY_MS).toISOString().slice(0, 10),
  );
}

/** The first (oldest) date of the usage window: `usageWindowDates(now, windowDays)[0]`. */
export function usageWindowStart(now: Date, windowDays: number): string {
  const { today, days } = usageWindow(now, windowDays);
  return new Date(today - (days - 1) * DAY_MS).toISOString().slice(0, 10);
}

/** What the minimum age of a connector is measured on. */
export interface AgeInput {
  /** when the connector was registered */
  createdAt: string;
  /** when it was last revived (APPROVE_UNARCHIVE); absent when it never was */
  activeSince?: string | undefined;
}

/**
 * Where the minimum age counts from (SPEC §10): the connector's last revival when it has one, else
 * its registration. A connector taken over by a new maintainer gets the full age again before the
 * sweep may judge it.
 */
export function ageCountsFrom(connector: AgeInput): string {
  return connector.activeSince ?? connector.createdAt;
}

/** Old enough to be judged by the sweep: LIFECYCLE_ARCHIVAL_MIN_AGE_DAYS since `ageCountsFrom`. */
export function isOldEnough(connector: AgeInput, now: Date, settings: ArchivalSettings): boolean {
  return now.getTime() - Date.parse(ageCountsFrom(connector)) >= settings.minAgeDays * DAY_MS;
}

/** Why a connector should be archived; empty when it should not. */
export function archivalReasons(
  input: { usage: number; lastReleaseAt: string },
  now: Date,
  settings: ArchivalSettings,
): ArchivalReason[] {
  const reasons: ArchivalReason[] = [];
  if (input.usage < settings.minUsage) {
    reasons.push({
      code: 'low_usage',
      usage: input.usage,
      threshold: settings.minUsage,
      windowDays: settings.usageWindowDays,
      windowStart: usageWindowStart(now, settings.usageWindowDays),
    });
  }
  const sinceRelease = now.getTime() - Date.parse(input.lastReleaseAt);
  if (sinceRelease >= settings.unmaintainedDays * DAY_MS) {
    reasons.push({
      code: 'unmaintained',
      lastReleaseAt: input.lastReleaseAt,
      thresholdDays: settings.unmaintainedDays,
      daysSinceRelease: Math.floor(sinceRelease / DAY_MS),
    });
  }
  return reasons;
}

export function describeReasons(reasons: ArchivalReason[]): string {
  return reasons
    .map((r) =>
      r.code === 'low_usage'
        ? `low usage: ${r.usage} active-connection-days in the last ${r.windowDays} days (minimum ${r.threshold})`
        : `unmaintained: no release since ${r.lastReleaseAt.slice(0, 10)} (${r.daysSinceRelease} days; limit ${r.thresholdDays})`,
    )
    .join('; ');
}
