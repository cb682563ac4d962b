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

export const DEADLINE_ACTIONS = ['auto_upgrade', 'disable'] as const;
export type DeadlineAction = (typeof DEADLINE_ACTIONS)[number];

/** Airbyte's scope of a breaking change: only the named streams are affected. */
export interface BreakingChangeScope {
  scopeType: 'stream';
  impactedScopes: string[];
}

export interface BreakingChange {
  message: string;
  /** ISO timestamp; a date-only deadline means 00:00 UTC of that day. */
  upgradeDeadline: string;
  /** absent when an imported Airbyte document names none */
  migrationDocumentationUrl?: string;
  /** Airbyte's action when the deadline is reached */
  deadlineAction?: DeadlineAction;
  scopedImpact?: BreakingChangeScope[];
}

/** Airbyte's release stages and connector subtypes (SPEC §11). */
export const RELEASE_STAGES = ['alpha', 'beta', 'generally_available', 'custom'] as const;
export type ReleaseStage = (typeof RELEASE_STAGES)[number];
export const CONNECTOR_SUBTYPES = [
  'api',
  'database',
  'datalake',
  'file',
  'custom',
  'message_queue',
  'unknown',
  'vectorstore',
] as const;
export type ConnectorSubtype = (typeof CONNECTOR_SUBTYPES)[number];

/**
 * The optional Airbyte fields of a connector (SPEC §11); null (tags: empty) when unknown. `airbyte`
 * keeps the other fields of an imported document verbatim, so that an export gives them back.
 */
export interface AirbyteFields {
  documentationUrl: string | null;
  releaseStage: ReleaseStage | null;
  connectorSubtype: ConnectorSubtype | null;
  license: string | null;
  githubIssueLabel: string | null;
  tags: string[];
  iconUrl: string | null;
  /** YYYY-MM-DD */
  releaseDate: string | null;
  /** the connector specification object */
  spec: Record<string, unknown> | null;
  airbyte: Record<string, unknown> | null;
}

export const AIRBYTE_FIELD_NAMES = [
  'documentationUrl',
  'releaseStage',
  'connectorSubtype',
  'license',
  'githubIssueLabel',
  'tags',
  'iconUrl',
  'releaseDate',
  'spec',
  'airbyte',
] as const satisfies readonly (keyof AirbyteFields)[];

export function emptyAirbyteFields(): AirbyteFields {
  return {
    documentationUrl: null,
    releaseStage: null,
    connectorSubtype: null,
    license: null,
    githubIssueLabel: null,
    tags: [],
    iconUrl: null,
    releaseDate: null,
    spec: null,
    airbyte: null,
  };
}

/** The Airbyte fields of a connector (or anything carrying them), in AIRBYTE_FIELD_NAMES order. */
export function airbyteFieldsOf(source: AirbyteFields): AirbyteFields {
  return {
    documentationUrl: source.documentationUrl,
    releaseStage: source.releaseStage,
    connectorSubtype: source.connectorSubtype,
    license: source.license,
    githubIssueLabel: source.githubIssueLabel,
    tags: source.tags,
    iconUrl: source.iconUrl,
    releaseDate: source.releaseDate,
    spec: source.spec,
    airbyte: source.airbyte,
  };
}

/** Where an archived connector's source is kept (SPEC §11). */
export interface ArchiveInfo {
  archivedAt: string;
  reason: string;
  sourceUrl: string;
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
  /** the spec the passing acceptance run left; becomes the connector's on approval */
  spec?: Record<string, unknown>;
}

/** What names a connector and its image: the first fields of its context, its view and its exports. */
export interface ConnectorIdentity {
  id: string;
  definitionId: string;
  name: string;
  type: ConnectorType;
  /** null when an imported document does not name it */
  language: string | null;
  dockerRepository: string;
  dockerImageTag: string;
  /** null for an imported connector whose CDK is unknown */
  cdkVersion: string | null;
}

/** The identity fields of a connector (or anything carrying them), in declaration order. */
export function connectorIdentityOf(source: ConnectorIdentity): ConnectorIdentity {
  return {
    id: source.id,
    definitionId: source.definitionId,
    name: source.name,
    type: source.type,
    language: source.language,
    dockerRepository: source.dockerRepository,
    dockerImageTag: source.dockerImageTag,
    cdkVersion: source.cdkVersion,
  };
}

export interface ConnectorContext extends ConnectorIdentity, AirbyteFields {
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
  /** set while archived */
  archive: ArchiveInfo | null;
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
