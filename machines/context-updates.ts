import type {
  ConnectorContext,
  GatePurpose,
  PendingGate,
  SupportLevel,
} from './connector-types.js';
import type { ConnectorEvent, EventMeta } from './connector-events.js';
import { defaultNoticeDays, toSemver, type LifecyclePolicy } from './lifecycle-policy.js';
import { reminderKey } from './lifecycle-rules.js';
import { image } from './machine-effects.js';
import { addDays } from './time.js';
import { archiveInfo, releasedAirbyteFields, storedBreakingChange } from './airbyte-updates.js';
import { withFields } from './with-fields.js';

/**
 * How events change a connector's context, pure: each returns the fields to update (the machine
 * wraps them in `assign`).
 */
type Update = Partial<ConnectorContext>;

function gateFor(event: EventMeta, purpose: GatePurpose, gateImage: string): PendingGate {
  return {
    runId: `run-${event.eventId}`,
    purpose,
    image: gateImage,
    requestedBy: event.actor,
    requestedAt: event.at,
  };
}

export function openGate(
  context: ConnectorContext,
  event: ConnectorEvent,
  purpose: GatePurpose,
): Update {
  return {
    gate: gateFor(
      event,
      purpose,
      event.type === 'REQUEST_UNARCHIVE'
        ? image(context, toSemver(event.dockerImageTag) ?? event.dockerImageTag)
        : image(context),
    ),
  };
}

export function recordDeprecation(
  event: ConnectorEvent,
  level: SupportLevel,
  policy: LifecyclePolicy,
): Update {
  if (event.type !== 'DEPRECATE') return {};
  const notice = event.noticeDays ?? defaultNoticeDays(level, policy);
  return {
    deprecation: {
      reason: event.reason,
      deprecatedAt: event.at,
      archiveAt: addDays(event.at, notice),
      ...(event.replacement ? { replacement: event.replacement } : {}),
      automated: event.automated === true,
    },
  };
}

export function recordRelease(context: ConnectorContext, event: ConnectorEvent): Update {
  if (event.type !== 'PUBLISH_RELEASE') return {};
  const tag = toSemver(event.dockerImageTag) ?? event.dockerImageTag;
  const breakingChanges = { ...context.breakingChanges };
  if (event.breakingChange) breakingChanges[tag] = storedBreakingChange(event.breakingChange);
  return withFields(releasedAirbyteFields(event), {
    dockerImageTag: tag,
    cdkVersion: event.cdkVersion
      ? (toSemver(event.cdkVersion) ?? event.cdkVersion)
      : context.cdkVersion,
    breakingChanges,
    lastReleaseAt: event.at,
  });
}

export function recordUnarchiveRequest(context: ConnectorContext, event: ConnectorEvent): Update {
  if (event.type !== 'REQUEST_UNARCHIVE') return {};
  return {
    unarchiveRequest: {
      requester: event.actor,
      justification: event.justification,
      dockerImageTag: toSemver(event.dockerImageTag) ?? event.dockerImageTag,
      cdkVersion: toSemver(event.cdkVersion) ?? event.cdkVersion,
      requestedAt: event.at,
      runId: context.gate?.runId ?? '',
      outcome: 'pending' as const,
    },
  };
}

export function settleUnarchiveRequest(
  context: ConnectorContext,
  event: ConnectorEvent,
  params: { outcome: 'ready' | 'approved' | 'rejected'; reason?: string },
): Update {
  if (!context.unarchiveRequest) return {};
  const reason = params.reason ?? ('reason' in event ? event.reason : undefined);
  // The candidate image's spec waits in the request; it is taken over on approval (SPEC §11).
  const spec = event.type === 'ACCEPTANCE_PASSED' ? event.spec : undefined;
  return {
    unarchiveRequest: {
      ...context.unarchiveRequest,
      outcome: params.outcome,
      ...(reason ? { reason } : {}),
      ...(spec ? { spec } : {}),
    },
  };
}

export function takeOverConnector(context: ConnectorContext, event: ConnectorEvent): Update {
  const request = context.unarchiveRequest;
  if (!request) return {};
  return {
    dockerImageTag: request.dockerImageTag,
    cdkVersion: request.cdkVersion,
    spec: request.spec ?? context.spec,
    archive: null,
    maintainers: context.maintainers.includes(request.requester)
      ? context.maintainers
      : [...context.maintainers, request.requester],
    deprecation: null,
    lastReleaseAt: event.at,
    activeSince: event.at,
  };
}

/** A passing acceptance run that left a spec.json sets the connector's spec (SPEC §11). */
export function recordSpec(context: ConnectorContext, event: ConnectorEvent): Update {
  return { spec: event.type === 'ACCEPTANCE_PASSED' && event.spec ? event.spec : context.spec };
}

/** Where an archived connector's source is kept (SPEC §11). */
export function recordArchive(
  context: ConnectorContext,
  event: ConnectorEvent,
  policy: LifecyclePolicy,
): Update {
  const reason =
    ('reason' in event ? event.reason : undefined) ?? context.deprecation?.reason ?? 'archived';
  return { archive: archiveInfo(policy, context.id, event.at, reason) };
}

/** A reminder is remembered once sent, so that a retried timer sends it only once. */
export function recordReminder(context: ConnectorContext, event: ConnectorEvent): Update {
  if (event.type !== 'REMINDER_DUE') return {};
  return { remindersSent: [...(context.remindersSent ?? []), reminderKey(event)] };
}

/** A review suggestion is remembered, so that the next one waits a notice period. */
export function recordReviewSuggestion(event: ConnectorEvent): Update {
  return event.type === 'SUGGEST_REVIEW' ? { reviewSuggestedAt: event.at } : {};
}
