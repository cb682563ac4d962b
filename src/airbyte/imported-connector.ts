import { storedBreakingChange } from '../../machines/airbyte-updates.js';
import { toSemver } from '../../machines/lifecycle-policy.js';
import {
  CONNECTOR_SUBTYPES,
  RELEASE_STAGES,
  type AirbyteFields,
  type BreakingChange,
  type ConnectorIdentity,
  type ConnectorSubtype,
  type ReleaseStage,
  type SupportLevel,
} from '../../machines/connector-types.js';
import type { DocumentError } from './airbyte-schemas.js';
import { asObject, type ExportSource } from './export-source.js';

export type ImportFormat = 'metadata' | 'registry';
export type ImportedSupportLevel = 'certified' | 'community' | 'archived';

/**
 * What an Airbyte document (a metadata.yaml or a registry entry) says about a connector. Its `id` is
 * the last segment of dockerRepository.
 */
export interface ImportedConnector extends ConnectorIdentity, AirbyteFields {
  format: ImportFormat;
  /** null: the document names none */
  supportLevel: ImportedSupportLevel | null;
  /** as stored: ISO deadlines */
  breakingChanges: Record<string, BreakingChange>;
  /** the source location an archived document names, if any */
  archiveSourceUrl: string | null;
}

export type ParsedDocument =
  | { ok: true; connector: ImportedConnector }
  | { ok: false; connectorId?: string; errors: DocumentError[] };

const CONNECTOR_ID = /^(source|destination)-[a-z0-9][a-z0-9-]*$/;
const DOCKER_REPOSITORY = /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/;
const LANGUAGE = /^[a-z0-9][a-z0-9-]{0,49}$/;

export function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** The connector id of a Docker repository: its last segment (`airbyte/source-faker`). */
export function idOfRepository(repository: string): string {
  return repository.slice(repository.lastIndexOf('/') + 1);
}

/** The value when it is a language name (`python`, `java`, …), else null. */
export function languageOf(value: unknown): string | null {
  return typeof value === 'string' && LANGUAGE.test(value) ? value : null;
}

export function languageOfTags(tags: string[]): string | null {
  for (const tag of tags) {
    if (!tag.startsWith('language:')) continue;
    const language = languageOf(tag.slice('language:'.length));
    if (language) return language;
  }
  return null;
}

export function stringArray(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

export function releaseStageOf(value: unknown): ReleaseStage | null {
  return (RELEASE_STAGES as readonly unknown[]).includes(value) ? (value as ReleaseStage) : null;
}

export function subtypeOf(value: unknown): ConnectorSubtype | null {
  return (CONNECTOR_SUBTYPES as readonly unknown[]).includes(value)
    ? (value as ConnectorSubtype)
    : null;
}

export function supportLevelOf(value: unknown): ImportedSupportLevel | null {
  return value === 'certified' || value === 'community' || value === 'archived' ? value : null;
}

/** `releases.breakingChanges` of a document, as stored. */
export function breakingChangesOf(value: unknown): Record<string, BreakingChange> {
  const out: Record<string, BreakingChange> = {};
  for (const [version, raw] of Object.entries(asObject(value) ?? {})) {
    const change = asObject(raw);
    if (!change) continue;
    const scopes = Array.isArray(change.scopedImpact) ? change.scopedImpact : undefined;
    out[version] = storedBreakingChange({
      message: str(change.message) ?? '',
      upgradeDeadline: str(change.upgradeDeadline) ?? '',
      ...(str(change.migrationDocumentationUrl)
        ? { migrationDocumentationUrl: str(change.migrationDocumentationUrl)! }
        : {}),
      ...(change.deadlineAction === 'auto_upgrade' || change.deadlineAction === 'disable'
        ? { deadlineAction: change.deadlineAction }
        : {}),
      ...(scopes ? { scopedImpact: scopes as BreakingChange['scopedImpact'] } : {}),
    });
  }
  return out;
}

/** A copy without the given keys. */
export function without<T extends object, K extends keyof T>(object: T, ...keys: K[]): Omit<T, K> {
  const copy = { ...object };
  for (const key of keys) delete copy[key];
  return copy;
}

/** Without the given keys. */
export function remainderOf(
  object: Record<string, unknown>,
  owned: ReadonlySet<string>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(object)) if (!owned.has(key)) out[key] = value;
  return out;
}

/**
 * Our own checks beyond Airbyte's schema: the id (last segment of dockerRepository) is a connector id
 * of the document's type, the repository is a Docker repository name, the tag is semver.
 * `paths` names the document's fields.
 */
export function identityErrors(
  connector: Pick<ImportedConnector, 'id' | 'type' | 'name' | 'dockerRepository'> & {
    tag: string;
  },
  paths: { dockerRepository: string; dockerImageTag: string; name: string },
): DocumentError[] {
  const errors: DocumentError[] = [];
  if (
    !DOCKER_REPOSITORY.test(connector.dockerRepository) ||
    connector.dockerRepository.length > 255
  ) {
    errors.push({ path: paths.dockerRepository, message: 'is not a Docker repository name' });
  } else if (!CONNECTOR_ID.test(connector.id) || connector.id.length > 200) {
    errors.push({
      path: paths.dockerRepository,
      message: `its last segment "${connector.id}" is not a connector id (^(source|destination)-[a-z0-9][a-z0-9-]*$)`,
    });
  } else if (!connector.id.startsWith(`${connector.type}-`)) {
    errors.push({
      path: paths.dockerRepository,
      message: `its last segment "${connector.id}" does not start with "${connector.type}-", the connector type`,
    });
  }
  if (!toSemver(connector.tag)) {
    errors.push({ path: paths.dockerImageTag, message: 'must be a semantic version (e.g. 1.2.3)' });
  }
  if (connector.name.trim().length === 0 || connector.name.length > 200) {
    errors.push({ path: paths.name, message: 'must be 1 to 200 characters' });
  }
  return errors;
}

/**
 * What a metadata.yaml's `data` and a registry entry hold under the same keys, mapped the same way
 * (no checks here): `shared`, and `airbyte`, the fields not `owned` (with what `releases` holds
 * besides its breaking changes), to be kept verbatim.
 */
export function sharedFields(fields: Record<string, unknown>, owned: ReadonlySet<string>) {
  const repository = str(fields.dockerRepository) ?? '';
  const tag = str(fields.dockerImageTag) ?? '';
  const tags = stringArray(fields.tags);
  const airbyte = remainderOf(fields, owned);
  const releases = keepRemainder(airbyte, 'releases', fields.releases, 'breakingChanges');
  const shared = {
    id: idOfRepository(repository),
    name: str(fields.name) ?? '',
    dockerRepository: repository,
    dockerImageTag: toSemver(tag) ?? tag,
    supportLevel: supportLevelOf(fields.supportLevel),
    /** the language the tags name */
    language: languageOfTags(tags),
    breakingChanges: breakingChangesOf(releases?.breakingChanges),
    documentationUrl: str(fields.documentationUrl),
    releaseStage: releaseStageOf(fields.releaseStage),
    connectorSubtype: subtypeOf(fields.connectorSubtype),
    license: str(fields.license),
    githubIssueLabel: str(fields.githubIssueLabel),
    tags,
    releaseDate: str(fields.releaseDate),
  };
  return { shared, airbyte };
}

/**
 * Keeps in `airbyte[key]` what the object `value` holds besides its `owned` key (nothing when that is
 * all it holds); returns the object, or undefined when `value` is none.
 */
export function keepRemainder(
  airbyte: Record<string, unknown>,
  key: string,
  value: unknown,
  owned: string,
): Record<string, unknown> | undefined {
  const object = asObject(value);
  if (object) {
    const rest = without(object, owned);
    if (Object.keys(rest).length > 0) airbyte[key] = rest;
  }
  return object;
}

/**
 * A document's parse result: its schema errors (naming the connector when `fields` name its
 * repository), else the connector `project` maps, unless its identity fails identityErrors.
 */
export function checkedDocument(
  fields: Record<string, unknown>,
  schemaErrors: DocumentError[],
  project: () => ImportedConnector,
  paths: { dockerRepository: string; dockerImageTag: string; name: string },
): ParsedDocument {
  const repository = str(fields.dockerRepository);
  const connectorId = repository ? idOfRepository(repository) : undefined;
  if (schemaErrors.length > 0) {
    return { ok: false, ...(connectorId ? { connectorId } : {}), errors: schemaErrors };
  }
  const connector = project();
  const identity = identityErrors({ ...connector, tag: str(fields.dockerImageTag) ?? '' }, paths);
  if (identity.length > 0) return { ok: false, connectorId: connector.id, errors: identity };
  return { ok: true, connector };
}

/** The connector a document describes, as an export source (to compare it with a stored one). */
export function candidateExportSource(
  candidate: ImportedConnector,
  supportLevel: SupportLevel,
): ExportSource {
  const fields = without(candidate, 'format', 'archiveSourceUrl', 'supportLevel');
  return { ...fields, supportLevel, deprecation: null, archive: null };
}
