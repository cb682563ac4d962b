import type { ConnectorContext } from './connector-types.js';
import type { ConnectorEvent } from './connector-events.js';
import type {
  AcceptanceEffect,
  ArchiveDueEffect,
  BreakingChangeReminderEffect,
  CatalogEffect,
  NotifyEffect,
} from './effects.js';
import type { NotificationType } from './notification-types.js';
import type { LifecyclePolicy } from './lifecycle-policy.js';
import { addDays } from './time.js';

/**
 * The machine's effect actions. Their params ARE the effect descriptors (machines/effects.ts): the
 * lifecycle collects them as they are, with no re-shaping.
 */
export type Args = { context: ConnectorContext; event: ConnectorEvent };

export function image(context: ConnectorContext, tag = context.dockerImageTag): string {
  return `${context.dockerRepository}:${tag}`;
}

/** The effect slots of the machine's setup: the workers carry them out after the commit. */
export const effectSlots = {
  notify: (_: unknown, _params: NotifyEffect) => {},
  updateCatalog: (_: unknown, _params: CatalogEffect) => {},
  startAcceptanceRun: (_: unknown, _params: AcceptanceEffect) => {},
  scheduleArchiveDue: (_: unknown, _params: ArchiveDueEffect) => {},
  scheduleBreakingChangeReminder: (_: unknown, _params: BreakingChangeReminderEffect | null) => {},
};

export const notify = (
  type: NotificationType,
  data: (args: Args) => Record<string, unknown> = () => ({}),
) => ({
  type: 'notify' as const,
  params: (args: Args): NotifyEffect => ({ kind: 'notify', type, data: data(args) }),
});

const CATALOG: CatalogEffect = { kind: 'catalog' };
export const updateCatalog = { type: 'updateCatalog' as const, params: CATALOG };

export const gateResult = ({ context, event }: Args) => ({
  runId: 'runId' in event ? event.runId : undefined,
  image: context.gate?.image,
  outcome: event.type === 'ACCEPTANCE_FAILED' ? event.outcome : 'passed',
});
export const reasonOf = ({ event }: Args) => ({
  reason: 'reason' in event ? event.reason : undefined,
});

export const runGate = {
  type: 'startAcceptanceRun' as const,
  params: ({ context }: Args): AcceptanceEffect => ({
    kind: 'acceptance',
    runId: context.gate?.runId ?? '',
    purpose: context.gate?.purpose ?? 'certification',
    image: context.gate?.image ?? image(context),
  }),
};

export const deprecationEffects = [
  notify('connector.deprecated', ({ context }) => ({ deprecation: context.deprecation })),
  {
    type: 'scheduleArchiveDue' as const,
    params: ({ context }: Args): ArchiveDueEffect => ({
      kind: 'archiveDue',
      at: context.deprecation?.archiveAt ?? '',
      archiveAt: context.deprecation?.archiveAt ?? '',
    }),
  },
];

/** The breaking change the event at hand published, if any. */
function publishedBreakingChange({ context, event }: Args) {
  return event.type === 'PUBLISH_RELEASE' && event.breakingChange
    ? context.breakingChanges[context.dockerImageTag]
    : undefined;
}

/** One reminder timer per configured day before the deadline, unless that day has passed. */
function reminderTimer(daysBefore: number) {
  return {
    type: 'scheduleBreakingChangeReminder' as const,
    params: (args: Args): BreakingChangeReminderEffect | null => {
      const change = publishedBreakingChange(args);
      if (!change) return null;
      const at = addDays(change.upgradeDeadline, -daysBefore);
      if (Date.parse(at) <= Date.parse(args.event.at)) return null;
      return {
        kind: 'breakingChangeReminder',
        at,
        version: args.context.dockerImageTag,
        upgradeDeadline: change.upgradeDeadline,
        daysBefore,
      };
    },
  };
}

export const releaseEffects = (policy: LifecyclePolicy) => [
  notify('connector.release_published', (args) => ({
    dockerImageTag: args.context.dockerImageTag,
    cdkVersion: args.context.cdkVersion,
    breakingChange: publishedBreakingChange(args) ?? null,
  })),
  ...policy.reminderDays.map(reminderTimer),
];

/** What a reminder tells (SPEC §3): the breaking change, and how many days are left. */
export const reminderNotice = notify('connector.breaking_change_reminder', ({ context, event }) => {
  if (event.type !== 'REMINDER_DUE') return {};
  const change = context.breakingChanges[event.version];
  return {
    version: event.version,
    daysBefore: event.daysBefore,
    upgradeDeadline: change?.upgradeDeadline,
    message: change?.message,
    migrationDocumentationUrl: change?.migrationDocumentationUrl,
  };
});

/** What a review suggestion tells (SPEC §8): why the sweep would have archived the connector. */
export const reviewNotice = notify('connector.review_suggested', ({ event }) =>
  event.type === 'SUGGEST_REVIEW'
    ? { reasons: event.reasons, reason: event.reason, sweepId: event.sweepId }
    : {},
);
