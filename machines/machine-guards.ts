import type { ConnectorContext, StateName, SupportLevel } from './connector-types.js';
import type { ConnectorEvent } from './connector-events.js';
import { checkPolicy, type LifecyclePolicy } from './lifecycle-policy.js';
import { reminderApplies, reviewSuggestionDue } from './lifecycle-rules.js';

/** The machine's guards, pure: each takes the context and event (and its params). */

/** A timer fires for the deprecation in force (not a cancelled one) once its time has come. */
export function isArchiveDueCurrent(context: ConnectorContext, event: ConnectorEvent): boolean {
  return (
    event.type === 'ARCHIVE_DUE' &&
    context.deprecation !== null &&
    context.deprecation.archiveAt === event.archiveAt &&
    Date.parse(event.at) >= Date.parse(event.archiveAt)
  );
}

/** ARCHIVE_DUE re-checks the policy: an automated deprecation whose usage recovered is lifted. */
export function isArchiveDueButRecovered(
  context: ConnectorContext,
  event: ConnectorEvent,
): boolean {
  return (
    isArchiveDueCurrent(context, event) &&
    event.type === 'ARCHIVE_DUE' &&
    event.usageRecovered &&
    context.deprecation?.automated === true
  );
}

export function machineGuards(policy: LifecyclePolicy) {
  return {
    policyAllows: (
      { context, event }: { context: ConnectorContext; event: ConnectorEvent },
      params: { level: SupportLevel },
    ) => checkPolicy(params.level, context, event, policy) === null,
    gateMatches: ({ context, event }: { context: ConnectorContext; event: ConnectorEvent }) =>
      'runId' in event && context.gate !== null && context.gate.runId === event.runId,
    archiveDueCurrent: ({ context, event }: { context: ConnectorContext; event: ConnectorEvent }) =>
      isArchiveDueCurrent(context, event),
    archiveDueButRecovered: ({
      context,
      event,
    }: {
      context: ConnectorContext;
      event: ConnectorEvent;
    }) => isArchiveDueButRecovered(context, event),
    /** the breaking change is still the connector's, it is not archived, and not reminded yet */
    reminderApplies: (
      { context, event }: { context: ConnectorContext; event: ConnectorEvent },
      params: { state: StateName },
    ) => event.type === 'REMINDER_DUE' && reminderApplies(params.state, context, event),
    /** at most one review suggestion per notice period */
    reviewSuggestionDue: ({
      context,
      event,
    }: {
      context: ConnectorContext;
      event: ConnectorEvent;
    }) =>
      event.type === 'SUGGEST_REVIEW' &&
      reviewSuggestionDue(context, event.at, policy.archivalNoticeDays),
  };
}
