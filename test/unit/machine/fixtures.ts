/**
 * Shared fixtures for the unit tests of the pure lifecycle machine (machines/).
 * A base connector context, event builders with their meta (eventId, actor, at), a helper that
 * drives a connector through accepted events, and the transition table of SPEC section 2.
 */
import {
  emptyAirbyteFields,
  type ConnectorContext,
  STATE_NAMES,
} from '../../../machines/connector-types.js';
import type {
  AcceptanceFailedEvent,
  AcceptancePassedEvent,
  ApiEventType,
  ApproveUnarchiveEvent,
  ArchiveDueEvent,
  ReminderDueEvent,
  SuggestReviewEvent,
  ArchiveEvent,
  CancelDeprecationEvent,
  ConnectorEvent,
  ConnectorEventType,
  ContributeEvent,
  DemoteEvent,
  DeprecateEvent,
  EventMeta,
  PublishReleaseEvent,
  RejectUnarchiveEvent,
  RequestCertificationEvent,
  RequestUnarchiveEvent,
} from '../../../machines/connector-events.js';
import {
  ConnectorLifecycle,
  type Decision,
  type LifecycleState,
} from '../../../machines/connector-lifecycle.js';
import { DEFAULT_POLICY, type LifecyclePolicy } from '../../../machines/lifecycle-policy.js';
import type { Effect } from '../../../machines/effects.js';

/** The ten states of SPEC §2 (STATE_NAMES), as a type. */
export type KnownState = (typeof STATE_NAMES)[number];

/** The instant at which every event is accepted unless a test says otherwise. */
export const T0 = '2025-01-01T00:00:00.000Z';
export const DAY = 86_400_000;

/** `iso` shifted by `days` (may be fractional or negative), as an ISO timestamp. */
export function plusDays(iso: string, days: number): string {
  return new Date(Date.parse(iso) + days * DAY).toISOString();
}

export const REPO = 'airbyte/source-faker';

export function baseContext(overrides: Partial<ConnectorContext> = {}): ConnectorContext {
  return {
    id: 'source-faker',
    definitionId: 'dfd88b22-b603-4c3d-aad7-3701784586b1',
    name: 'Sample Data (Faker)',
    type: 'source',
    language: 'python',
    dockerRepository: REPO,
    dockerImageTag: '1.0.0',
    cdkVersion: '6.0.0',
    maintainers: ['alice'],
    ...emptyAirbyteFields(),
    archive: null,
    deprecation: null,
    breakingChanges: {},
    lastReleaseAt: '2024-06-01T00:00:00.000Z',
    gate: null,
    unarchiveRequest: null,
    ...overrides,
  };
}

export function meta(overrides: Partial<EventMeta> = {}): EventMeta {
  return { eventId: 'evt-1', actor: 'maintainer-1', at: T0, ...overrides };
}

type Payload<E extends ConnectorEvent> = Partial<Omit<E, 'type'>>;

/** Event builders with valid default payloads; every field can be overridden. */
export const ev = {
  contribute: (o: Payload<ContributeEvent> = {}): ContributeEvent => ({
    type: 'CONTRIBUTE',
    ...meta({ eventId: 'evt-contribute' }),
    ...o,
  }),
  requestCertification: (
    o: Payload<RequestCertificationEvent> = {},
  ): RequestCertificationEvent => ({
    type: 'REQUEST_CERTIFICATION',
    ...meta({ eventId: 'evt-certify' }),
    ...o,
  }),
  demote: (o: Payload<DemoteEvent> = {}): DemoteEvent => ({
    type: 'DEMOTE',
    ...meta({ eventId: 'evt-demote' }),
    reason: 'flaky in production',
    ...o,
  }),
  deprecate: (o: Payload<DeprecateEvent> = {}): DeprecateEvent => ({
    type: 'DEPRECATE',
    ...meta({ eventId: 'evt-deprecate' }),
    reason: 'superseded',
    ...o,
  }),
  cancelDeprecation: (o: Payload<CancelDeprecationEvent> = {}): CancelDeprecationEvent => ({
    type: 'CANCEL_DEPRECATION',
    ...meta({ eventId: 'evt-cancel' }),
    ...o,
  }),
  archive: (o: Payload<ArchiveEvent> = {}): ArchiveEvent => ({
    type: 'ARCHIVE',
    ...meta({ eventId: 'evt-archive' }),
    reason: 'abandoned',
    ...o,
  }),
  publishRelease: (o: Payload<PublishReleaseEvent> = {}): PublishReleaseEvent => ({
    type: 'PUBLISH_RELEASE',
    ...meta({ eventId: 'evt-release' }),
    dockerImageTag: '1.1.0',
    ...o,
  }),
  requestUnarchive: (o: Payload<RequestUnarchiveEvent> = {}): RequestUnarchiveEvent => ({
    type: 'REQUEST_UNARCHIVE',
    ...meta({ eventId: 'evt-unarchive', actor: 'carol' }),
    justification: 'we still use it',
    dockerImageTag: '2.0.0',
    cdkVersion: '6.0.0',
    ...o,
  }),
  approveUnarchive: (o: Payload<ApproveUnarchiveEvent> = {}): ApproveUnarchiveEvent => ({
    type: 'APPROVE_UNARCHIVE',
    ...meta({ eventId: 'evt-approve' }),
    ...o,
  }),
  rejectUnarchive: (o: Payload<RejectUnarchiveEvent> = {}): RejectUnarchiveEvent => ({
    type: 'REJECT_UNARCHIVE',
    ...meta({ eventId: 'evt-reject' }),
    reason: 'not maintained enough',
    ...o,
  }),
  passed: (runId: string, o: Payload<AcceptancePassedEvent> = {}): AcceptancePassedEvent => ({
    type: 'ACCEPTANCE_PASSED',
    ...meta({ eventId: `evt-passed-${runId}`, actor: 'acceptance-worker' }),
    runId,
    ...o,
  }),
  failed: (runId: string, o: Payload<AcceptanceFailedEvent> = {}): AcceptanceFailedEvent => ({
    type: 'ACCEPTANCE_FAILED',
    ...meta({ eventId: `evt-failed-${runId}`, actor: 'acceptance-worker' }),
    runId,
    outcome: 'failed',
    ...o,
  }),
  /** The timer for the deprecation in force, fired exactly at its archiveAt. */
  archiveDue: (archiveAt: string, o: Payload<ArchiveDueEvent> = {}): ArchiveDueEvent => ({
    type: 'ARCHIVE_DUE',
    ...meta({ eventId: `evt-archive-due-${archiveAt}`, actor: 'scheduler', at: archiveAt }),
    archiveAt,
    usageRecovered: false,
    ...o,
  }),
  /** A breaking-change reminder's timer, for the change published at `version`. */
  reminderDue: (
    version: string,
    upgradeDeadline: string,
    o: Payload<ReminderDueEvent> = {},
  ): ReminderDueEvent => ({
    type: 'REMINDER_DUE',
    ...meta({ eventId: `evt-reminder-${version}`, actor: 'scheduler' }),
    version,
    upgradeDeadline,
    daysBefore: 7,
    ...o,
  }),
  /** The archival sweep's review suggestion for a certified connector. */
  suggestReview: (o: Payload<SuggestReviewEvent> = {}): SuggestReviewEvent => ({
    type: 'SUGGEST_REVIEW',
    ...meta({ eventId: 'evt-suggest-review', actor: 'archival-sweep' }),
    reasons: [],
    reason: 'low usage',
    sweepId: 'sweep-1',
    ...o,
  }),
};

/** A minimal API event of each type, with a valid payload (used by the rejection matrix). */
export function apiEventOf(type: ApiEventType): ConnectorEvent {
  switch (type) {
    case 'CONTRIBUTE':
      return ev.contribute();
    case 'REQUEST_CERTIFICATION':
      return ev.requestCertification();
    case 'DEMOTE':
      return ev.demote();
    case 'DEPRECATE':
      return ev.deprecate({ noticeDays: 120 });
    case 'CANCEL_DEPRECATION':
      return ev.cancelDeprecation();
    case 'ARCHIVE':
      return ev.archive();
    case 'PUBLISH_RELEASE':
      return ev.publishRelease({ dockerImageTag: '9.9.9' });
    case 'REQUEST_UNARCHIVE':
      return ev.requestUnarchive();
    case 'APPROVE_UNARCHIVE':
      return ev.approveUnarchive();
    case 'REJECT_UNARCHIVE':
      return ev.rejectUnarchive();
  }
}

export function newLifecycle(policy: LifecyclePolicy = DEFAULT_POLICY): ConnectorLifecycle {
  return new ConnectorLifecycle(policy);
}

export type Accepted = Extract<Decision, { kind: 'accepted' }>;

/** Narrows a decision to `accepted`, failing with the decision itself otherwise. */
export function accepted(decision: Decision): Accepted {
  if (decision.kind !== 'accepted') {
    throw new Error(`expected the event to be accepted, got ${JSON.stringify(decision)}`);
  }
  return decision;
}

/** Applies events one after the other; each must be accepted. Returns the final state. */
export function drive(
  lifecycle: ConnectorLifecycle,
  start: LifecycleState,
  ...events: ConnectorEvent[]
): LifecycleState {
  let current = start;
  for (const event of events) current = accepted(lifecycle.decide(current, event)).next;
  return current;
}

/** The acceptance-run ids of the gates opened by `reach` (SPEC: runId = run-<eventId>). */
export const RUN = {
  contribution: 'run-evt-contribute',
  certification: 'run-evt-certify',
  unarchive: 'run-evt-unarchive',
} as const;

/** Community/certified connectors reached by `reach` are deprecated with this notice. */
export const REACH_NOTICE_DAYS = { community: 30, certified: 90 } as const;

/**
 * A connector in `name`, reached from registration through accepted events only (so that its
 * context is what the machine itself produces).
 */
export function reach(
  lifecycle: ConnectorLifecycle,
  name: KnownState,
  context: ConnectorContext = baseContext(),
): LifecycleState {
  const custom = lifecycle.initialState('custom', context);
  const community = lifecycle.initialState('community', context);
  switch (name) {
    case 'custom.active':
      return custom;
    case 'custom.contributing':
      return drive(lifecycle, custom, ev.contribute());
    case 'community.active':
      return community;
    case 'community.certifying':
      return drive(lifecycle, community, ev.requestCertification());
    case 'community.deprecated':
      return drive(lifecycle, community, ev.deprecate({ noticeDays: REACH_NOTICE_DAYS.community }));
    case 'certified.active':
      return drive(
        lifecycle,
        reach(lifecycle, 'community.certifying', context),
        ev.passed(RUN.certification),
      );
    case 'certified.deprecated':
      return drive(
        lifecycle,
        reach(lifecycle, 'certified.active', context),
        ev.deprecate({ noticeDays: REACH_NOTICE_DAYS.certified }),
      );
    case 'archived.idle':
      return drive(lifecycle, community, ev.archive());
    case 'archived.unarchiveTesting':
      return drive(lifecycle, reach(lifecycle, 'archived.idle', context), ev.requestUnarchive());
    case 'archived.unarchiveReview':
      return drive(
        lifecycle,
        reach(lifecycle, 'archived.unarchiveTesting', context),
        ev.passed(RUN.unarchive),
      );
  }
}

export function notifyTypes(effects: Effect[]): string[] {
  return effects.flatMap((e) => (e.kind === 'notify' ? [e.type] : []));
}

export function effectKinds(effects: Effect[]): Effect['kind'][] {
  return effects.map((e) => e.kind);
}

/** One arrow of the diagram in SPEC section 2. */
export interface SpecTransition {
  from: KnownState;
  event: ConnectorEventType;
  to: KnownState;
  /** which guarded branch, when one event has several */
  variant?: string;
}

/** Every transition drawn in SPEC section 2 (the machine must have these and no others). */
export const SPEC_TRANSITIONS: readonly SpecTransition[] = [
  { from: 'custom.active', event: 'CONTRIBUTE', to: 'custom.contributing' },
  { from: 'custom.contributing', event: 'ACCEPTANCE_PASSED', to: 'community.active' },
  { from: 'custom.contributing', event: 'ACCEPTANCE_FAILED', to: 'custom.active' },
  { from: 'community.active', event: 'REQUEST_CERTIFICATION', to: 'community.certifying' },
  { from: 'community.certifying', event: 'ACCEPTANCE_PASSED', to: 'certified.active' },
  { from: 'community.certifying', event: 'ACCEPTANCE_FAILED', to: 'community.active' },
  { from: 'certified.active', event: 'DEMOTE', to: 'community.active' },
  { from: 'community.active', event: 'DEPRECATE', to: 'community.deprecated' },
  { from: 'certified.active', event: 'DEPRECATE', to: 'certified.deprecated' },
  { from: 'community.deprecated', event: 'CANCEL_DEPRECATION', to: 'community.active' },
  { from: 'certified.deprecated', event: 'CANCEL_DEPRECATION', to: 'certified.active' },
  { from: 'community.deprecated', event: 'ARCHIVE_DUE', to: 'archived.idle' },
  { from: 'certified.deprecated', event: 'ARCHIVE_DUE', to: 'archived.idle' },
  {
    from: 'community.deprecated',
    event: 'ARCHIVE_DUE',
    to: 'community.active',
    variant: 'usage recovered',
  },
  {
    from: 'certified.deprecated',
    event: 'ARCHIVE_DUE',
    to: 'certified.active',
    variant: 'usage recovered',
  },
  { from: 'community.active', event: 'ARCHIVE', to: 'archived.idle' },
  { from: 'community.deprecated', event: 'ARCHIVE', to: 'archived.idle' },
  { from: 'archived.idle', event: 'REQUEST_UNARCHIVE', to: 'archived.unarchiveTesting' },
  { from: 'archived.unarchiveTesting', event: 'ACCEPTANCE_PASSED', to: 'archived.unarchiveReview' },
  { from: 'archived.unarchiveTesting', event: 'ACCEPTANCE_FAILED', to: 'archived.idle' },
  { from: 'archived.unarchiveReview', event: 'APPROVE_UNARCHIVE', to: 'community.active' },
  { from: 'archived.unarchiveReview', event: 'REJECT_UNARCHIVE', to: 'archived.idle' },
  { from: 'custom.active', event: 'PUBLISH_RELEASE', to: 'custom.active' },
  { from: 'community.active', event: 'PUBLISH_RELEASE', to: 'community.active' },
  { from: 'community.deprecated', event: 'PUBLISH_RELEASE', to: 'community.deprecated' },
  { from: 'certified.active', event: 'PUBLISH_RELEASE', to: 'certified.active' },
  { from: 'certified.deprecated', event: 'PUBLISH_RELEASE', to: 'certified.deprecated' },
];

/**
 * The internal self-transitions the machine has beside SPEC §2's diagram: breaking-change reminders
 * (SPEC §3) wherever the connector is not archived, review suggestions (SPEC §8) on certified ones.
 */
export const INTERNAL_SELF_TRANSITIONS: readonly SpecTransition[] = STATE_NAMES.filter(
  (s) => !s.startsWith('archived.'),
)
  .map((s): SpecTransition => ({ from: s, event: 'REMINDER_DUE', to: s }))
  .concat([{ from: 'certified.active', event: 'SUGGEST_REVIEW', to: 'certified.active' }]);

/**
 * A connector in `t.from` from which `eventForTransition(t)` takes the transition `t`: for the
 * "usage recovered" branch of ARCHIVE_DUE, the deprecation comes from the automated sweep.
 */
export function sourceFor(lifecycle: ConnectorLifecycle, t: SpecTransition): LifecycleState {
  if (t.variant !== 'usage recovered') return reach(lifecycle, t.from);
  const level = t.from === 'certified.deprecated' ? 'certified' : 'community';
  return drive(
    lifecycle,
    reach(lifecycle, `${level}.active`),
    ev.deprecate({ automated: true, noticeDays: 90 }),
  );
}

/** An event that takes the spec transition `t` from the state reached by `reach`. */
export function eventForTransition(t: SpecTransition, from: LifecycleState): ConnectorEvent {
  const runId = from.context.gate?.runId ?? 'no-gate';
  const archiveAt = from.context.deprecation?.archiveAt ?? T0;
  switch (t.event) {
    case 'ACCEPTANCE_PASSED':
      return ev.passed(runId);
    case 'ACCEPTANCE_FAILED':
      return ev.failed(runId);
    case 'ARCHIVE_DUE':
      return ev.archiveDue(archiveAt, { usageRecovered: t.variant === 'usage recovered' });
    case 'REMINDER_DUE':
      return ev.reminderDue('1.0.0', T0);
    case 'SUGGEST_REVIEW':
      return ev.suggestReview();
    case 'CONTRIBUTE':
      return ev.contribute();
    case 'REQUEST_CERTIFICATION':
      return ev.requestCertification();
    case 'DEMOTE':
      return ev.demote();
    case 'DEPRECATE':
      return ev.deprecate({ noticeDays: 90 });
    case 'CANCEL_DEPRECATION':
      return ev.cancelDeprecation();
    case 'ARCHIVE':
      return ev.archive();
    case 'PUBLISH_RELEASE':
      return ev.publishRelease({ dockerImageTag: '1.0.1' });
    case 'REQUEST_UNARCHIVE':
      return ev.requestUnarchive();
    case 'APPROVE_UNARCHIVE':
      return ev.approveUnarchive();
    case 'REJECT_UNARCHIVE':
      return ev.rejectUnarchive();
  }
}

export function edgeKey(t: { from: string; event: string; to: string }): string {
  return `${t.from} --${t.event}--> ${t.to}`;
}

/** The API events each state accepts, read off the SPEC section 2 diagram. */
export const SPEC_ALLOWED_EVENTS: Record<KnownState, ApiEventType[]> = {
  'custom.active': ['CONTRIBUTE', 'PUBLISH_RELEASE'],
  'custom.contributing': [],
  'community.active': ['REQUEST_CERTIFICATION', 'DEPRECATE', 'ARCHIVE', 'PUBLISH_RELEASE'],
  'community.certifying': [],
  'community.deprecated': ['CANCEL_DEPRECATION', 'ARCHIVE', 'PUBLISH_RELEASE'],
  'certified.active': ['DEMOTE', 'DEPRECATE', 'PUBLISH_RELEASE'],
  'certified.deprecated': ['CANCEL_DEPRECATION', 'PUBLISH_RELEASE'],
  'archived.idle': ['REQUEST_UNARCHIVE'],
  'archived.unarchiveTesting': [],
  'archived.unarchiveReview': ['APPROVE_UNARCHIVE', 'REJECT_UNARCHIVE'],
};
