import { toSemver } from '../../machines/lifecycle-policy.js';
import type { ConnectorType } from '../../machines/connector-types.js';
import { airbyteSchemas } from './airbyte-schemas.js';
import { asObject } from './export-source.js';
import {
  breakingChangesOf,
  identityErrors,
  idOfRepository,
  languageOfTags,
  releaseStageOf,
  remainderOf,
  str,
  stringArray,
  subtypeOf,
  supportLevelOf,
  without,
  type ImportedConnector,
  type ParsedDocument,
} from './imported-connector.js';

/**
 * One entry of an Airbyte registry (`ConnectorRegistrySourceDefinition` /
 * `…DestinationDefinition`, as in `oss_registry.json`) as a connector (SPEC §11).
 */

/** Registry fields that map to connector fields, or that the export computes. */
const REGISTRY_OWNED = new Set([
  'sourceDefinitionId',
  'destinationDefinitionId',
  'definitionId',
  'connectorType',
  'name',
  'dockerRepository',
  'dockerImageTag',
  'documentationUrl',
  'releaseStage',
  'sourceType',
  'connectorSubtype',
  'license',
  'githubIssueLabel',
  'tags',
  'iconUrl',
  'releaseDate',
  'spec',
  'language',
  'supportLevel',
  'tombstone',
  'public',
  'custom',
  'deprecation',
  'releases',
  'packageInfo',
]);

/** Parses and validates one registry entry of the given type. */
export function parseRegistryEntry(entry: unknown, type: ConnectorType): ParsedDocument {
  const object = asObject(entry);
  if (!object) return { ok: false, errors: [{ path: '', message: 'must be a JSON object' }] };
  const repository = str(object.dockerRepository);
  const connectorId = repository ? idOfRepository(repository) : undefined;
  const errors = [...airbyteSchemas().validate(type, object), ...fieldErrors(object)];
  if (errors.length > 0) return { ok: false, ...(connectorId ? { connectorId } : {}), errors };
  const connector = projectRegistryEntry(object, type);
  const identity = identityErrors(
    { ...connector, tag: str(object.dockerImageTag) ?? '' },
    { dockerRepository: 'dockerRepository', dockerImageTag: 'dockerImageTag', name: 'name' },
  );
  if (identity.length > 0) return { ok: false, connectorId: connector.id, errors: identity };
  return { ok: true, connector };
}

function isUri(value: string): boolean {
  try {
    return new URL(value).protocol.length > 0;
  } catch {
    return false;
  }
}

/** Fields the registry schema leaves open that must still be what a metadata.yaml allows. */
function fieldErrors(entry: Record<string, unknown>) {
  const errors: { path: string; message: string }[] = [];
  if (typeof entry.documentationUrl === 'string' && !isUri(entry.documentationUrl)) {
    errors.push({ path: 'documentationUrl', message: 'must be a URI' });
  }
  for (const key of ['license', 'githubIssueLabel', 'language']) {
    if (entry[key] !== undefined && typeof entry[key] !== 'string') {
      errors.push({ path: key, message: 'must be a string' });
    }
  }
  if (
    entry.tags !== undefined &&
    (!Array.isArray(entry.tags) || entry.tags.some((t) => typeof t !== 'string'))
  ) {
    errors.push({ path: 'tags', message: 'must be an array of strings' });
  }
  return errors;
}

/** `python:6.1.0` → `6.1.0` (Airbyte prefixes the CDK version with its kind). */
function cdkVersionOf(value: unknown): string | null {
  const raw = str(value);
  if (!raw) return null;
  const version = raw.slice(raw.indexOf(':') + 1);
  return version.length > 0 ? version : null;
}

/** Maps a registry entry that validates against Airbyte's schema (no checks here). */
export function projectRegistryEntry(
  entry: Record<string, unknown>,
  type: ConnectorType,
): ImportedConnector {
  const repository = str(entry.dockerRepository) ?? '';
  const tag = str(entry.dockerImageTag) ?? '';
  const tags = stringArray(entry.tags);
  const airbyte = remainderOf(entry, REGISTRY_OWNED);
  const releases = asObject(entry.releases);
  if (releases) {
    const rest = without(releases, 'breakingChanges');
    if (Object.keys(rest).length > 0) airbyte.releases = rest;
  }
  const packageInfo = asObject(entry.packageInfo);
  if (packageInfo) {
    const rest = without(packageInfo, 'cdk_version');
    if (Object.keys(rest).length > 0) airbyte.packageInfo = rest;
  }
  const subtype = subtypeOf(entry.connectorSubtype ?? entry.sourceType);
  if (subtype === null && entry.sourceType !== undefined) airbyte.sourceType = entry.sourceType;
  const language = str(entry.language);
  return {
    format: 'registry',
    id: idOfRepository(repository),
    type,
    definitionId:
      str(type === 'source' ? entry.sourceDefinitionId : entry.destinationDefinitionId) ?? '',
    name: str(entry.name) ?? '',
    dockerRepository: repository,
    dockerImageTag: toSemver(tag) ?? tag,
    supportLevel: supportLevelOf(entry.supportLevel),
    language:
      language && /^[a-z0-9][a-z0-9-]{0,49}$/.test(language) ? language : languageOfTags(tags),
    cdkVersion: cdkVersionOf(packageInfo?.cdk_version),
    breakingChanges: breakingChangesOf(releases?.breakingChanges),
    documentationUrl: str(entry.documentationUrl),
    releaseStage: releaseStageOf(entry.releaseStage),
    connectorSubtype: subtype,
    license: str(entry.license),
    githubIssueLabel: str(entry.githubIssueLabel),
    tags,
    iconUrl: str(entry.iconUrl),
    releaseDate: str(entry.releaseDate),
    spec: asObject(entry.spec) ?? null,
    airbyte: Object.keys(airbyte).length > 0 ? airbyte : null,
    archiveSourceUrl: null,
  };
}
