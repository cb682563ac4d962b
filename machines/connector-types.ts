/** The data a connector carries through its lifecycle (the machine's context). Pure types. */

export const SUPPORT_LEVELS = ['certified', 'community', 'custom', 'archived'] as const;
export type SupportLevel = (typeof SUPPORT_LEVELS)[number];

export const STATUSES = [
  'active',
  'contributing',
  'certifying',
  'deprecated',
  'idle',
  'unarchiveTesting',
  'unarchiveReview',
] as const;
export type Status = (typeof STATUSES)[number];

export const CONNECTOR_TYPES = ['source', 'destination'] as const;
export type ConnectorType = (typeof CONNECTOR_TYPES)[number];

export interface Deprecation {
  reason: string;
  deprecatedAt: string;
  archiveAt: string;
  replacement?: string;
  /** true when the automated archival sweep deprecated it. */
  automated: boolean;
}

export interface BreakingChange {
  message: string;
  /** ISO timestamp; a date-only deadline means 00:00 UTC of that day. */
  upgradeDeadline: string;
  migrationDocumentationUrl: string;
}

export type GatePurpose = 'contribution' | 'certification' | 'unarchive';

/** An acceptance-test run that gates the current transition. */
export interface PendingGate {
  runId: string;
  purpose: GatePurpose;
  image: string;
  requestedBy: string;
  requestedAt: string;
}

export interface UnarchiveRequest {
  requester: string;
  justification: string;
  dockerImageTag: string;
  cdkVersion: string;
  requestedAt: string;
  runId: string;
  /** pending → ready (tests passed) → approved | rejected */
  outcome: 'pending' | 'ready' | 'approved' | 'rejected';
  reason?: string;
}

export interface ConnectorContext {
  id: string;
  definitionId: string;
  name: string;
  type: ConnectorType;
  language: string;
  dockerRepository: string;
  dockerImageTag: string;
  cdkVersion: string;
  maintainers: string[];
  deprecation: Deprecation | null;
  /** keyed by the version that breaks, as in Airbyte's metadata.yaml */
  breakingChanges: Record<string, BreakingChange>;
  lastReleaseAt: string;
  /** when the connector last came (back) into the catalog by un-archiving; absent: since registration */
  activeSince?: string;
  gate: PendingGate | null;
  unarchiveRequest: UnarchiveRequest | null;
  /** when the archival sweep last suggested a review (certified connectors); absent: never */
  reviewSuggestedAt?: string;
  /** the breaking-change reminders already sent, as `<version>@<daysBefore>` */
  remindersSent?: string[];
}

export const STATE_NAMES = [
  'custom.active',
  'custom.contributing',
  'community.active',
  'community.certifying',
  'community.deprecated',
  'certified.active',
  'certified.deprecated',
  'archived.idle',
  'archived.unarchiveTesting',
  'archived.unarchiveReview',
] as const satisfies readonly `${SupportLevel}.${Status}`[];

/** The states the machine has (not every support level has every status). */
export type StateName = (typeof STATE_NAMES)[number];
