import type { PublishReleaseEvent } from './connector-events.js';
import {
  AIRBYTE_FIELD_NAMES,
  type AirbyteFields,
  type ArchiveInfo,
  type BreakingChange,
} from './connector-types.js';
import { archiveSourceUrl, type LifecyclePolicy } from './lifecycle-policy.js';
import { normalizeDeadline } from './time.js';

const AIRBYTE_FIELDS: ReadonlySet<string> = new Set(AIRBYTE_FIELD_NAMES);

/**
 * The Airbyte fields a release carries (SPEC §11): only those it names change. The event's own
 * keys (a few) are looked up among the field names, not every field name in the event: most are
 * absent, and a lookup of an absent property is V8's slow path.
 */
export function releasedAirbyteFields(event: PublishReleaseEvent): Partial<AirbyteFields> {
  const out: Record<string, unknown> = {};
  const fields = event as unknown as Record<string, unknown>;
  for (const name of Object.keys(fields)) {
    if (AIRBYTE_FIELDS.has(name) && fields[name] !== undefined) out[name] = fields[name];
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
