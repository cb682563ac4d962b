import type { ArchivalReason } from './archival-policy.js';
import type { AirbyteFields, BreakingChange } from './connector-types.js';

/** Every event the machine sees carries who sent it, when, and a stable id. */
export interface EventMeta {
  eventId: string;
  actor: string;
  /** ISO timestamp at which the service accepted the event. */
  at: string;
}

export interface ContributeEvent extends EventMeta {
  type: 'CONTRIBUTE';
}
export interface RequestCertificationEvent extends EventMeta {
  type: 'REQUEST_CERTIFICATION';
}
export interface DemoteEvent extends EventMeta {
  type: 'DEMOTE';
  reason: string;
}
export interface DeprecateEvent extends EventMeta {
  type: 'DEPRECATE';
  reason: string;
  noticeDays?: number;
  replacement?: string;
  /** set only by the automated archival sweep, never from the API */
  automated?: boolean;
}
export interface CancelDeprecationEvent extends EventMeta {
  type: 'CANCEL_DEPRECATION';
  reason?: string;
}
export interface ArchiveEvent extends EventMeta {
  type: 'ARCHIVE';
  reason: string;
}
/** A release may also carry new values of the Airbyte fields (SPEC §11), e.g. a new `spec`. */
export interface PublishReleaseEvent extends EventMeta, Partial<AirbyteFields> {
  type: 'PUBLISH_RELEASE';
  dockerImageTag: string;
  cdkVersion?: string;
  breakingChange?: BreakingChange;
}
export interface RequestUnarchiveEvent extends EventMeta {
  type: 'REQUEST_UNARCHIVE';
  justification: string;
  dockerImageTag: string;
  cdkVersion: string;
}
export interface ApproveUnarchiveEvent extends EventMeta {
  type: 'APPROVE_UNARCHIVE';
  reason?: string;
}
export interface RejectUnarchiveEvent extends EventMeta {
  type: 'REJECT_UNARCHIVE';
  reason: string;
}

/** Internal: the acceptance worker reports a run's result. */
export interface AcceptancePassedEvent extends EventMeta {
  type: 'ACCEPTANCE_PASSED';
  runId: string;
  /** the connector specification the run left in `{reportDir}/spec.json` (SPEC §11) */
  spec?: Record<string, unknown>;
}
export interface AcceptanceFailedEvent extends EventMeta {
  type: 'ACCEPTANCE_FAILED';
  runId: string;
  outcome: string;
}
/** Internal: the durable timer fires at a deprecation's archiveAt. */
export interface ArchiveDueEvent extends EventMeta {
  type: 'ARCHIVE_DUE';
  archiveAt: string;
  /** measured by the timer worker: usage is back above the archival threshold */
  usageRecovered: boolean;
}

/** Internal: a breaking-change reminder's durable timer fired (SPEC §3). */
export interface ReminderDueEvent extends EventMeta {
  type: 'REMINDER_DUE';
  version: string;
  upgradeDeadline: string;
  daysBefore: number;
}
/** Internal: the archival sweep found a certified connector it would archive (SPEC §8). */
export interface SuggestReviewEvent extends EventMeta {
  type: 'SUGGEST_REVIEW';
  reasons: ArchivalReason[];
  reason: string;
  sweepId: string;
}

export type ApiEvent =
  | ContributeEvent
  | RequestCertificationEvent
  | DemoteEvent
  | DeprecateEvent
  | CancelDeprecationEvent
  | ArchiveEvent
  | PublishReleaseEvent
  | RequestUnarchiveEvent
  | ApproveUnarchiveEvent
  | RejectUnarchiveEvent;

export type InternalEvent =
  | AcceptancePassedEvent
  | AcceptanceFailedEvent
  | ArchiveDueEvent
  | ReminderDueEvent
  | SuggestReviewEvent;

export type ConnectorEvent = ApiEvent | InternalEvent;
export type ConnectorEventType = ConnectorEvent['type'];

export const API_EVENT_TYPES = [
  'CONTRIBUTE',
  'REQUEST_CERTIFICATION',
  'DEMOTE',
  'DEPRECATE',
  'CANCEL_DEPRECATION',
  'ARCHIVE',
  'PUBLISH_RELEASE',
  'REQUEST_UNARCHIVE',
  'APPROVE_UNARCHIVE',
  'REJECT_UNARCHIVE',
] as const satisfies readonly ApiEvent['type'][];
export type ApiEventType = (typeof API_EVENT_TYPES)[number];

export const INTERNAL_EVENT_TYPES = [
  'ACCEPTANCE_PASSED',
  'ACCEPTANCE_FAILED',
  'ARCHIVE_DUE',
  'REMINDER_DUE',
  'SUGGEST_REVIEW',
] as const satisfies readonly InternalEvent['type'][];

export function isApiEventType(type: string): type is ApiEventType {
  return (API_EVENT_TYPES as readonly string[]).includes(type);
}

/** Who may send an event (SPEC §4): the role needed, or a listed maintainer of the connector. */
export type EventPermission =
  | { kind: 'maintainerOrRole'; role: 'maintainer' }
  | { kind: 'role'; role: 'contributor' | 'maintainer' };

export const EVENT_PERMISSIONS: Record<ApiEventType, EventPermission> = {
  CONTRIBUTE: { kind: 'maintainerOrRole', role: 'maintainer' },
  PUBLISH_RELEASE: { kind: 'maintainerOrRole', role: 'maintainer' },
  REQUEST_UNARCHIVE: { kind: 'role', role: 'contributor' },
  REQUEST_CERTIFICATION: { kind: 'role', role: 'maintainer' },
  DEMOTE: { kind: 'role', role: 'maintainer' },
  DEPRECATE: { kind: 'role', role: 'maintainer' },
  CANCEL_DEPRECATION: { kind: 'role', role: 'maintainer' },
  ARCHIVE: { kind: 'role', role: 'maintainer' },
  APPROVE_UNARCHIVE: { kind: 'role', role: 'maintainer' },
  REJECT_UNARCHIVE: { kind: 'role', role: 'maintainer' },
};
