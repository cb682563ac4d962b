import { assign, setup } from 'xstate';
import type {
  ConnectorContext,
  GatePurpose,
  PendingGate,
  SupportLevel,
} from './connector-types.js';
import type { ConnectorEvent, EventMeta } from './connector-events.js';
import type { NotificationType } from './notification-types.js';
import {
  checkPolicy,
  defaultNoticeDays,
  toSemver,
  type LifecyclePolicy,
} from './lifecycle-policy.js';
import { addDays } from './time.js';
import { archiveInfo, releasedAirbyteFields, storedBreakingChange } from './airbyte-updates.js';

/**
 * Bumped whenever the shape of persisted snapshots changes, so that stored connectors can be
 * migrated (see src/store/snapshot-migrations.ts). 2: Airbyte fields and `archive` (SPEC §11).
 */
export const MACHINE_VERSION = 2;

export interface NotifyParams {
  type: NotificationType;
  data: Record<string, unknown>;
}
export interface StartAcceptanceRunParams {
  runId: string;
  purpose: GatePurpose;
  image: string;
}
export interface ScheduleArchiveDueParams {
  archiveAt: string;
}
export interface ScheduleRemindersParams {
  version: string;
  upgradeDeadline: string;
  reminders: { daysBefore: number; at: string }[];
}

function gateFor(event: EventMeta, purpose: GatePurpose, image: string): PendingGate {
  return {
    runId: `run-${event.eventId}`,
    purpose,
    image,
    requestedBy: event.actor,
    requestedAt: event.at,
  };
}

/** A timer fires for the deprecation in force (not a cancelled one) once its time has come. */
function isArchiveDueCurrent(context: ConnectorContext, event: ConnectorEvent): boolean {
  return (
    event.type === 'ARCHIVE_DUE' &&
    context.deprecation !== null &&
    context.deprecation.archiveAt === event.archiveAt &&
    Date.parse(event.at) >= Date.parse(event.archiveAt)
  );
}

function image(context: ConnectorContext, tag = context.dockerImageTag): string {
  return `${context.dockerRepository}:${tag}`;
}

/**
 * The connector lifecycle (SPEC §2). Pure: it decides the next state and names the side effects
 * (the actions below are slots, run by workers); it never does I/O. Timers are durable jobs, not
 * `after` delays: ARCHIVE_DUE arrives as an event.
 */
export function createConnectorMachine(policy: LifecyclePolicy) {
  type Args = { context: ConnectorContext; event: ConnectorEvent };

  const notify = (
    type: NotificationType,
    data: (args: Args) => Record<string, unknown> = () => ({}),
  ) => ({
    type: 'notify' as const,
    params: (args: Args): NotifyParams => ({ type, data: data(args) }),
  });

  const gateResult = ({ context, event }: Args) => ({
    runId: 'runId' in event ? event.runId : undefined,
    image: context.gate?.image,
    outcome: event.type === 'ACCEPTANCE_FAILED' ? event.outcome : 'passed',
  });
  const reasonOf = ({ event }: Args) => ({ reason: 'reason' in event ? event.reason : undefined });

  const runGate = {
    type: 'startAcceptanceRun' as const,
    params: ({ context }: Args): StartAcceptanceRunParams => ({
      runId: context.gate?.runId ?? '',
      purpose: context.gate?.purpose ?? 'certification',
      image: context.gate?.image ?? image(context),
    }),
  };

  const deprecationEffects = [
    notify('connector.deprecated', ({ context }) => ({ deprecation: context.deprecation })),
    {
      type: 'scheduleArchiveDue' as const,
      params: ({ context }: Args): ScheduleArchiveDueParams => ({
        archiveAt: context.deprecation?.archiveAt ?? '',
      }),
    },
  ];

  const releaseEffects = [
    notify('connector.release_published', ({ context, event }) => ({
      dockerImageTag: context.dockerImageTag,
      cdkVersion: context.cdkVersion,
      breakingChange:
        event.type === 'PUBLISH_RELEASE' && event.breakingChange
          ? (context.breakingChanges[context.dockerImageTag] ?? null)
          : null,
    })),
    {
      type: 'scheduleBreakingChangeReminders' as const,
      params: ({ context, event }: Args): ScheduleRemindersParams => {
        const change =
          event.type === 'PUBLISH_RELEASE' && event.breakingChange
            ? context.breakingChanges[context.dockerImageTag]
            : undefined;
        if (!change) return { version: context.dockerImageTag, upgradeDeadline: '', reminders: [] };
        const reminders = policy.reminderDays
          .map((daysBefore) => ({ daysBefore, at: addDays(change.upgradeDeadline, -daysBefore) }))
          .filter((r) => Date.parse(r.at) > Date.parse(event.at));
        return {
          version: context.dockerImageTag,
          upgradeDeadline: change.upgradeDeadline,
          reminders,
        };
      },
    },
  ];

  const publishRelease = (level: SupportLevel) => ({
    PUBLISH_RELEASE: {
      guard: { type: 'policyAllows' as const, params: { level } },
      actions: ['recordRelease' as const, ...releaseEffects, 'updateCatalog' as const],
    },
  });

  const deprecateFrom = (level: 'community' | 'certified') => ({
    guard: { type: 'policyAllows' as const, params: { level } },
    target: 'deprecated',
    actions: [
      { type: 'recordDeprecation' as const, params: { level } },
      ...deprecationEffects,
      'updateCatalog' as const,
    ],
  });

  const cancelDeprecation = {
    target: 'active',
    actions: [
      'clearDeprecation' as const,
      notify('connector.deprecation_cancelled', reasonOf),
      'updateCatalog' as const,
    ],
  };

  const archiveDue = [
    {
      guard: 'archiveDueButRecovered' as const,
      target: 'active',
      actions: [
        'clearDeprecation' as const,
        notify('connector.deprecation_cancelled', () => ({
          reason: 'usage recovered',
          automated: true,
        })),
        'updateCatalog' as const,
      ],
    },
    {
      guard: 'archiveDueCurrent' as const,
      target: '#connector.archived.idle',
      actions: [
        'recordArchive' as const,
        notify('connector.archived', ({ context }) => ({
          reason: context.deprecation?.reason,
          deprecation: context.deprecation,
          archive: context.archive,
        })),
        'updateCatalog' as const,
      ],
    },
  ];

  const archiveNow = {
    target: '#connector.archived.idle',
    actions: [
      'recordArchive' as const,
      notify('connector.archived', (args) => ({
        ...reasonOf(args),
        archive: args.context.archive,
      })),
      'updateCatalog' as const,
    ],
  };

  return setup({
    types: {
      context: {} as ConnectorContext,
      events: {} as ConnectorEvent,
      input: {} as ConnectorContext,
    },
    actions: {
      // Slots: the workers carry them out after the change is committed.
      notify: (_: unknown, _params: NotifyParams) => {},
      updateCatalog: () => {},
      startAcceptanceRun: (_: unknown, _params: StartAcceptanceRunParams) => {},
      scheduleArchiveDue: (_: unknown, _params: ScheduleArchiveDueParams) => {},
      scheduleBreakingChangeReminders: (_: unknown, _params: ScheduleRemindersParams) => {},
      // Context updates.
      openGate: assign(({ context, event }, params: { purpose: GatePurpose }) => ({
        gate: gateFor(
          event,
          params.purpose,
          event.type === 'REQUEST_UNARCHIVE'
            ? image(context, toSemver(event.dockerImageTag) ?? event.dockerImageTag)
            : image(context),
        ),
      })),
      closeGate: assign({ gate: null }),
      recordDeprecation: assign(({ event }, params: { level: SupportLevel }) => {
        if (event.type !== 'DEPRECATE') return {};
        const notice = event.noticeDays ?? defaultNoticeDays(params.level, policy);
        return {
          deprecation: {
            reason: event.reason,
            deprecatedAt: event.at,
            archiveAt: addDays(event.at, notice),
            ...(event.replacement ? { replacement: event.replacement } : {}),
            automated: event.automated === true,
          },
        };
      }),
      clearDeprecation: assign({ deprecation: null }),
      recordRelease: assign(({ context, event }) => {
        if (event.type !== 'PUBLISH_RELEASE') return {};
        const tag = toSemver(event.dockerImageTag) ?? event.dockerImageTag;
        const breakingChanges = { ...context.breakingChanges };
        if (event.breakingChange) breakingChanges[tag] = storedBreakingChange(event.breakingChange);
        return {
          ...releasedAirbyteFields(event),
          dockerImageTag: tag,
          cdkVersion: event.cdkVersion
            ? (toSemver(event.cdkVersion) ?? event.cdkVersion)
            : context.cdkVersion,
          breakingChanges,
          lastReleaseAt: event.at,
        };
      }),
      recordSpec: assign(({ context, event }) => ({
        spec: event.type === 'ACCEPTANCE_PASSED' && event.spec ? event.spec : context.spec,
      })),
      recordArchive: assign(({ context, event }) => ({
        archive: archiveInfo(
          policy,
          context.id,
          event.at,
          ('reason' in event ? event.reason : undefined) ??
            context.deprecation?.reason ??
            'archived',
        ),
      })),
      recordUnarchiveRequest: assign(({ context, event }) => {
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
      }),
      settleUnarchiveRequest: assign(
        (
          { context, event },
          params: { outcome: 'ready' | 'approved' | 'rejected'; reason?: string },
        ) => {
          if (!context.unarchiveRequest) return {};
          const reason = params.reason ?? ('reason' in event ? event.reason : undefined);
          // The candidate image's spec waits in the request; it is taken over on approval.
          const spec = event.type === 'ACCEPTANCE_PASSED' ? event.spec : undefined;
          return {
            unarchiveRequest: {
              ...context.unarchiveRequest,
              outcome: params.outcome,
              ...(reason ? { reason } : {}),
              ...(spec ? { spec } : {}),
            },
          };
        },
      ),
      takeOverConnector: assign(({ context, event }) => {
        const request = context.unarchiveRequest;
        if (!request) return {};
        return {
          dockerImageTag: request.dockerImageTag,
          cdkVersion: request.cdkVersion,
          spec: request.spec ?? context.spec,
          maintainers: context.maintainers.includes(request.requester)
            ? context.maintainers
            : [...context.maintainers, request.requester],
          deprecation: null,
          archive: null,
          lastReleaseAt: event.at,
          activeSince: event.at,
        };
      }),
    },
    guards: {
      policyAllows: ({ context, event }, params: { level: SupportLevel }) =>
        checkPolicy(params.level, context, event, policy) === null,
      gateMatches: ({ context, event }) =>
        'runId' in event && context.gate !== null && context.gate.runId === event.runId,
      archiveDueCurrent: ({ context, event }) => isArchiveDueCurrent(context, event),
      // ARCHIVE_DUE re-checks the policy: an automated deprecation whose usage recovered is lifted.
      archiveDueButRecovered: ({ context, event }) =>
        isArchiveDueCurrent(context, event) &&
        event.type === 'ARCHIVE_DUE' &&
        event.usageRecovered &&
        context.deprecation?.automated === true,
    },
  }).createMachine({
    id: 'connector',
    context: ({ input }) => input,
    initial: 'community',
    states: {
      custom: {
        initial: 'active',
        states: {
          active: {
            on: {
              CONTRIBUTE: {
                target: 'contributing',
                actions: [
                  { type: 'openGate', params: { purpose: 'contribution' } },
                  runGate,
                  'updateCatalog',
                ],
              },
              ...publishRelease('custom'),
            },
          },
          contributing: {
            on: {
              ACCEPTANCE_PASSED: {
                guard: 'gateMatches',
                target: '#connector.community.active',
                actions: ['recordSpec', 'closeGate', 'updateCatalog'],
              },
              ACCEPTANCE_FAILED: {
                guard: 'gateMatches',
                target: 'active',
                actions: ['closeGate', 'updateCatalog'],
              },
            },
          },
        },
      },
      community: {
        initial: 'active',
        states: {
          active: {
            on: {
              REQUEST_CERTIFICATION: {
                target: 'certifying',
                actions: [
                  { type: 'openGate', params: { purpose: 'certification' } },
                  notify('connector.certification_started', ({ context }) => ({
                    runId: context.gate?.runId,
                    image: context.gate?.image,
                  })),
                  runGate,
                  'updateCatalog',
                ],
              },
              DEPRECATE: deprecateFrom('community'),
              ARCHIVE: archiveNow,
              ...publishRelease('community'),
            },
          },
          certifying: {
            on: {
              ACCEPTANCE_PASSED: {
                guard: 'gateMatches',
                target: '#connector.certified.active',
                actions: [
                  'recordSpec',
                  notify('connector.certified', gateResult),
                  'closeGate',
                  'updateCatalog',
                ],
              },
              ACCEPTANCE_FAILED: {
                guard: 'gateMatches',
                target: 'active',
                actions: [
                  notify('connector.certification_failed', gateResult),
                  'closeGate',
                  'updateCatalog',
                ],
              },
            },
          },
          deprecated: {
            on: {
              CANCEL_DEPRECATION: cancelDeprecation,
              ARCHIVE_DUE: archiveDue,
              ARCHIVE: archiveNow,
              ...publishRelease('community'),
            },
          },
        },
      },
      certified: {
        initial: 'active',
        states: {
          active: {
            on: {
              DEMOTE: {
                target: '#connector.community.active',
                actions: [notify('connector.demoted', reasonOf), 'updateCatalog'],
              },
              DEPRECATE: deprecateFrom('certified'),
              ...publishRelease('certified'),
            },
          },
          deprecated: {
            on: {
              CANCEL_DEPRECATION: cancelDeprecation,
              ARCHIVE_DUE: archiveDue,
              ...publishRelease('certified'),
            },
          },
        },
      },
      archived: {
        initial: 'idle',
        states: {
          idle: {
            on: {
              REQUEST_UNARCHIVE: {
                guard: { type: 'policyAllows', params: { level: 'archived' } },
                target: 'unarchiveTesting',
                actions: [
                  { type: 'openGate', params: { purpose: 'unarchive' } },
                  'recordUnarchiveRequest',
                  notify('connector.unarchive_requested', ({ context }) => ({
                    unarchiveRequest: context.unarchiveRequest,
                  })),
                  runGate,
                  'updateCatalog',
                ],
              },
            },
          },
          unarchiveTesting: {
            on: {
              ACCEPTANCE_PASSED: {
                guard: 'gateMatches',
                target: 'unarchiveReview',
                actions: [
                  { type: 'settleUnarchiveRequest', params: { outcome: 'ready' } },
                  notify('connector.unarchive_ready_for_review', (args) => ({
                    ...gateResult(args),
                    unarchiveRequest: args.context.unarchiveRequest,
                  })),
                  'closeGate',
                  'updateCatalog',
                ],
              },
              ACCEPTANCE_FAILED: {
                guard: 'gateMatches',
                target: 'idle',
                actions: [
                  {
                    type: 'settleUnarchiveRequest',
                    params: { outcome: 'rejected', reason: 'acceptance tests failed' },
                  },
                  notify('connector.unarchive_rejected', (args) => ({
                    ...gateResult(args),
                    reason: 'acceptance tests failed',
                    unarchiveRequest: args.context.unarchiveRequest,
                  })),
                  'closeGate',
                  'updateCatalog',
                ],
              },
            },
          },
          unarchiveReview: {
            on: {
              APPROVE_UNARCHIVE: {
                target: '#connector.community.active',
                actions: [
                  'takeOverConnector',
                  { type: 'settleUnarchiveRequest', params: { outcome: 'approved' } },
                  notify('connector.unarchived', ({ context, event }) => ({
                    ...reasonOf({ context, event }),
                    unarchiveRequest: context.unarchiveRequest,
                  })),
                  'updateCatalog',
                ],
              },
              REJECT_UNARCHIVE: {
                target: 'idle',
                actions: [
                  { type: 'settleUnarchiveRequest', params: { outcome: 'rejected' } },
                  notify('connector.unarchive_rejected', ({ context, event }) => ({
                    ...reasonOf({ context, event }),
                    unarchiveRequest: context.unarchiveRequest,
                  })),
                  'updateCatalog',
                ],
              },
            },
          },
        },
      },
    },
  });
}

export type ConnectorMachine = ReturnType<typeof createConnectorMachine>;
