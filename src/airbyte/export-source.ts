import { splitState } from '../../machines/connector-lifecycle.js';
import type {
  AirbyteFields,
  ArchiveInfo,
  BreakingChange,
  ConnectorIdentity,
  ConnectorType,
  Deprecation,
  ReleaseStage,
  SupportLevel,
} from '../../machines/connector-types.js';
import type { StoredConnector } from '../store/records.js';

/**
 * What the Airbyte exports (registry.json, metadata.yaml) are made from, and the defaults that keep
 * a connector without Airbyte fields valid against Airbyte's schemas (SPEC §11).
 */
export interface ExportSource extends ConnectorIdentity, AirbyteFields {
  supportLevel: SupportLevel;
  breakingChanges: Record<string, BreakingChange>;
  deprecation: Deprecation | null;
  archive: ArchiveInfo | null;
}

export interface ExportOptions {
  /** LIFECYCLE_DOCS_BASE_URL, without a trailing slash */
  docsBaseUrl: string;
  /** LIFECYCLE_DEFAULT_LICENSE */
  defaultLicense: string;
}

export function exportSourceOf(connector: StoredConnector): ExportSource {
  const c = connector.context;
  return { ...c, supportLevel: splitState(connector.state).supportLevel };
}

/** The id without its type prefix: `source-faker` → `faker`. */
export function shortName(id: string, type: ConnectorType): string {
  return id.startsWith(`${type}-`) ? id.slice(type.length + 1) : id;
}

export function documentationUrlOf(source: ExportSource, options: ExportOptions): string {
  return (
    source.documentationUrl ??
    `${options.docsBaseUrl}/${source.type}s/${shortName(source.id, source.type)}`
  );
}

/** The stored release stage, else generally_available for certified, alpha for community. */
export function releaseStageOf(source: ExportSource): ReleaseStage {
  if (source.releaseStage) return source.releaseStage;
  if (source.supportLevel === 'certified') return 'generally_available';
  return source.supportLevel === 'custom' ? 'custom' : 'alpha';
}

/** The stored tags, with `language:<language>` added when they name no language. */
export function tagsOf(source: ExportSource): string[] {
  const tags = source.tags ?? [];
  if (!source.language || tags.some((t) => t.startsWith('language:'))) return tags;
  return [...tags, `language:${source.language}`];
}

/**
 * The fields both exports (metadata.yaml's `data` and a registry entry) write alike, with Airbyte's
 * defaults for what is unknown. A custom connector has no supportLevel (Airbyte has no such level).
 */
export function exportedFields(source: ExportSource, options: ExportOptions) {
  const tags = tagsOf(source);
  return {
    name: source.name,
    dockerRepository: source.dockerRepository,
    dockerImageTag: source.dockerImageTag,
    documentationUrl: documentationUrlOf(source, options),
    releaseStage: releaseStageOf(source),
    license: source.license ?? options.defaultLicense,
    githubIssueLabel: source.githubIssueLabel ?? source.id,
    ...(source.supportLevel !== 'custom' ? { supportLevel: source.supportLevel } : {}),
    ...(tags.length > 0 ? { tags } : {}),
    ...(source.releaseDate ? { releaseDate: source.releaseDate } : {}),
  };
}

const PLAIN_VERSION = /^\d+\.\d+\.\d+$/;

export interface ExportedBreakingChange {
  message: string;
  /** date only, as Airbyte writes it */
  upgradeDeadline: string;
  migrationDocumentationUrl?: string;
  deadlineAction?: string;
  scopedImpact?: { scopeType: 'stream'; impactedScopes: string[] }[];
}

/**
 * Breaking changes as Airbyte writes them: keyed by plain X.Y.Z versions only (a key from before
 * that rule is left out), oldest first, with date-only deadlines. With `documentationUrl`, a change
 * without a migration URL gets Airbyte's default `<documentationUrl>-migrations#<version>`.
 */
export function exportedBreakingChanges(
  changes: Record<string, BreakingChange> | undefined,
  documentationUrl?: string,
): Record<string, ExportedBreakingChange> {
  const versions = Object.keys(changes ?? {})
    .filter((v) => PLAIN_VERSION.test(v))
    .sort(compareVersions);
  const out: Record<string, ExportedBreakingChange> = {};
  for (const version of versions) {
    const change = changes![version]!;
    const migrationDocumentationUrl =
      change.migrationDocumentationUrl ??
      (documentationUrl ? `${documentationUrl}-migrations#${version}` : undefined);
    out[version] = {
      message: change.message,
      upgradeDeadline: change.upgradeDeadline.slice(0, 10),
      ...(migrationDocumentationUrl ? { migrationDocumentationUrl } : {}),
      ...(change.deadlineAction ? { deadlineAction: change.deadlineAction } : {}),
      ...(change.scopedImpact ? { scopedImpact: change.scopedImpact } : {}),
    };
  }
  return out;
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** A plain JSON object (not an array), or undefined. */
export function asObject(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
