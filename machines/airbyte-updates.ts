import type { PublishReleaseEvent } from './connector-events.js';
import {
  AIRBYTE_FIELD_NAMES,
  type AirbyteFields,
  type ArchiveInfo,
  type BreakingChange,
} from './connector-types.js';
import { archiveSourceUrl, type LifecyclePolicy } from './lifecycle-policy.js';
import { normalizeDeadline } from './time.js';

/** The Airbyte fields a release carries (SPEC §11): only those it names change. */
export function releasedAirbyteFields(event: PublishReleaseEvent): Partial<AirbyteFields> {
  const out: Record<string, unknown> = {};
  for (const name of AIRBYTE_FIELD_NAMES) {
    if (event[name] !== undefined) out[name] = event[name];
  }
  return out;
}

/** A breaking change as stored: the deadline as an ISO timestamp, optional fields only when set. */
export function storedBreakingChange(change: BreakingChange): BreakingChange {
  return {
    message: change.message,
    upgradeDeadline: normalizeDeadline(change.upgradeDeadline) ?? change.upgradeDeadline,
    ...(change.migrationDocumentationUrl
      ? { migrationDocumentationUrl: change.migrationDocumentationUrl }
      : {}),
    ...(change.deadlineAction ? { deadlineAction: change.deadlineAction } : {}),
    ...(change.scopedImpact ? { scopedImpact: change.scopedImpact } : {}),
  };
}

/** Where an archived connector's source is kept, recorded when it is archived. */
export function archiveInfo(
  policy: LifecyclePolicy,
  connectorId: string,
  archivedAt: string,
  reason: string,
): ArchiveInfo {
  return {
    archivedAt,
    reason,
    sourceUrl: archiveSourceUrl(policy.archiveSourceUrl, connectorId),
  };
}
