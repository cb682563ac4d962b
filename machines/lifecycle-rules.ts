import type { ConnectorContext, StateName, SupportLevel } from './connector-types.js';
import { DAY_MS } from './time.js';

/**
 * The lifecycle's rules that are not guards of one transition: what the public catalog lists, what
 * the archival sweep does with a candidate, when a breaking-change reminder still applies, and how
 * often a review may be suggested. Pure; the machine's guards and the services call these.
 */

/** The support levels the public catalog lists (SPEC §1, §6): never custom or archived ones. */
export const LISTED_SUPPORT_LEVELS = ['community', 'certified'] as const;
export type ListedSupportLevel = (typeof LISTED_SUPPORT_LEVELS)[number];

export function isListed(supportLevel: SupportLevel): supportLevel is ListedSupportLevel {
  return (LISTED_SUPPORT_LEVELS as readonly string[]).includes(supportLevel);
}

/** The support level of a state name (`community.active` → `community`). */
export function supportLevelOf(state: StateName): SupportLevel {
  return state.split('.')[0] as SupportLevel;
}

/**
 * What the archival sweep does with a candidate of a level (SPEC §8): community connectors are
 * deprecated automatically; certified ones are never archived automatically, their maintainers get
 * a review suggestion instead.
 */
export type SweepAction = 'deprecate' | 'suggest_review';
export function sweepActionFor(level: 'community' | 'certified'): SweepAction {
  return level === 'community' ? 'deprecate' : 'suggest_review';
}

export interface ReminderTarget {
  version: string;
  upgradeDeadline: string;
  daysBefore: number;
}

/** The key under which a sent reminder is remembered in the context. */
export function reminderKey(reminder: Pick<ReminderTarget, 'version' | 'daysBefore'>): string {
  return `${reminder.version}@${reminder.daysBefore}`;
}

/**
 * A breaking-change reminder goes out only while that breaking change is still the connector's
 * (same version, same deadline), the connector is not archived (custom connectors' owners are
 * reminded too), and this reminder was not sent yet.
 */
export function reminderApplies(
  state: StateName,
  context: ConnectorContext,
  reminder: ReminderTarget,
): boolean {
  const change = context.breakingChanges[reminder.version];
  return (
    change !== undefined &&
    change.upgradeDeadline === reminder.upgradeDeadline &&
    supportLevelOf(state) !== 'archived' &&
    !(context.remindersSent ?? []).includes(reminderKey(reminder))
  );
}

/** The quiet period after a review suggestion: the archival notice period, at least a minute. */
export function reviewQuietMs(archivalNoticeDays: number): number {
  return Math.max(60_000, Math.round(archivalNoticeDays * DAY_MS));
}

/** A review is suggested at most once per notice period (SPEC §8: sweeps are idempotent). */
export function reviewSuggestionDue(
  context: Pick<ConnectorContext, 'reviewSuggestedAt'>,
  at: string,
  archivalNoticeDays: number,
): boolean {
  if (!context.reviewSuggestedAt) return true;
  return (
    Date.parse(at) - Date.parse(context.reviewSuggestedAt) >= reviewQuietMs(archivalNoticeDays)
  );
}
