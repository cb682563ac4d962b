import { assign, setup } from 'xstate';
import type { ConnectorContext, GatePurpose, StateName, SupportLevel } from './connector-types.js';
import type { ConnectorEvent } from './connector-events.js';
import {
  openGate,
  recordArchive,
  recordDeprecation,
  recordRelease,
  recordReminder,
  recordReviewSuggestion,
  recordSpec,
  recordUnarchiveRequest,
  settleUnarchiveRequest,
  takeOverConnector,
} from './context-updates.js';
import type { LifecyclePolicy } from './lifecycle-policy.js';
import {
  deprecationEffects,
  effectSlots,
  gateResult,
  notify,
  reasonOf,
  releaseEffects,
  reminderNotice,
  reviewNotice,
  runGate,
  updateCatalog,
} from './machine-effects.js';
import { machineGuards } from './machine-guards.js';

/**
 * Bumped whenever the shape of persisted snapshots changes, so that stored connectors can be
 * migrated (see src/store/snapshot-migrations.ts). 2: Airbyte fields and `archive` (SPEC §11).
 */
export const MACHINE_VERSION = 2;

/**
 * The connector lifecycle (SPEC §2). Pure: it decides the next state and names the side effects
 * (the effect actions are slots whose params are the effect descriptors, run by workers); it never
 * does I/O. Timers are durable jobs, not `after` delays: ARCHIVE_DUE and REMINDER_DUE arrive as
 * events, and so does the archival sweep's SUGGEST_REVIEW.
 */
export function createConnectorMachine(policy: LifecyclePolicy) {
  const publishRelease = (level: SupportLevel) => ({
    PUBLISH_RELEASE: {
      guard: { type: 'policyAllows' as const, params: { level } },
      actions: ['recordRelease' as const, ...releaseEffects(policy), updateCatalog],
    },
  });

  /** A breaking-change reminder, in every state where the connector is not archived. */
  const reminderDue = (state: StateName) => ({
    REMINDER_DUE: {
      guard: { type: 'reminderApplies' as const, params: { state } },
      actions: ['recordReminder' as const, reminderNotice, updateCatalog],
    },
  });

  const deprecateFrom = (level: 'community' | 'certified') => ({
    guard: { type: 'policyAllows' as const, params: { level } },
    target: 'deprecated',
    actions: [
      { type: 'recordDeprecation' as const, params: { level } },
      ...deprecationEffects,
      updateCatalog,
    ],
  });

  const cancelDeprecation = {
    target: 'active',
    actions: [
      'clearDeprecation' as const,
      notify('connector.deprecation_cancelled', reasonOf),
      updateCatalog,
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
        updateCatalog,
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
        updateCatalog,
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
      updateCatalog,
    ],
  };

  return setup({
    types: {
      context: {} as ConnectorContext,
      events: {} as ConnectorEvent,
      input: {} as ConnectorContext,
    },
    actions: {
      ...effectSlots,
      // Context updates (context-updates.ts).
      openGate: assign(({ context, event }, params: { purpose: GatePurpose }) =>
        openGate(context, event, params.purpose),
      ),
      closeGate: assign({ gate: null }),
      recordDeprecation: assign(({ event }, params: { level: SupportLevel }) =>
        recordDeprecation(event, params.level, policy),
      ),
      clearDeprecation: assign({ deprecation: null }),
      recordRelease: assign(({ context, event }) => recordRelease(context, event)),
      recordSpec: assign(({ context, event }) => recordSpec(context, event)),
      recordArchive: assign(({ context, event }) => recordArchive(context, event, policy)),
      recordUnarchiveRequest: assign(({ context, event }) =>
        recordUnarchiveRequest(context, event),
      ),
      settleUnarchiveRequest: assign(
        (
          { context, event },
          params: { outcome: 'ready' | 'approved' | 'rejected'; reason?: string },
        ) => settleUnarchiveRequest(context, event, params),
      ),
      takeOverConnector: assign(({ context, event }) => takeOverConnector(context, event)),
      recordReminder: assign(({ context, event }) => recordReminder(context, event)),
      recordReviewSuggestion: assign(({ event }) => recordReviewSuggestion(event)),
    },
    guards: machineGuards(policy),
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
                  updateCatalog,
                ],
              },
              ...publishRelease('custom'),
              ...reminderDue('custom.active'),
            },
          },
          contributing: {
            on: {
              ACCEPTANCE_PASSED: {
                guard: 'gateMatches',
                target: '#connector.community.active',
                actions: ['recordSpec', 'closeGate', updateCatalog],
              },
              ACCEPTANCE_FAILED: {
                guard: 'gateMatches',
                target: 'active',
                actions: ['closeGate', updateCatalog],
              },
              ...reminderDue('custom.contributing'),
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
                  updateCatalog,
                ],
              },
              DEPRECATE: deprecateFrom('community'),
              ARCHIVE: archiveNow,
              ...publishRelease('community'),
              ...reminderDue('community.active'),
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
                  updateCatalog,
                ],
              },
              ACCEPTANCE_FAILED: {
                guard: 'gateMatches',
                target: 'active',
                actions: [
                  notify('connector.certification_failed', gateResult),
                  'closeGate',
                  updateCatalog,
                ],
              },
              ...reminderDue('community.certifying'),
            },
          },
          deprecated: {
            on: {
              CANCEL_DEPRECATION: cancelDeprecation,
              ARCHIVE_DUE: archiveDue,
              ARCHIVE: archiveNow,
              ...publishRelease('community'),
              ...reminderDue('community.deprecated'),
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
                actions: [notify('connector.demoted', reasonOf), updateCatalog],
              },
              DEPRECATE: deprecateFrom('certified'),
              ...publishRelease('certified'),
              ...reminderDue('certified.active'),
              // Certified connectors are never archived automatically (SPEC §8).
              SUGGEST_REVIEW: {
                guard: 'reviewSuggestionDue',
                actions: ['recordReviewSuggestion', reviewNotice, updateCatalog],
              },
            },
          },
          deprecated: {
            on: {
              CANCEL_DEPRECATION: cancelDeprecation,
              ARCHIVE_DUE: archiveDue,
              ...publishRelease('certified'),
              ...reminderDue('certified.deprecated'),
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
                  updateCatalog,
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
                  updateCatalog,
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
                  updateCatalog,
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
                  updateCatalog,
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
                  updateCatalog,
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
