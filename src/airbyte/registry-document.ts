import { AIRBYTE_FIELD_NAMES, type ConnectorType } from '../../machines/connector-types.js';
import { airbyteSchemas } from './airbyte-schemas.js';
import { asObject } from './export-source.js';
import {
  checkedDocument,
  keepRemainder,
  languageOf,
  sharedFields,
  str,
  subtypeOf,
  type ImportedConnector,
  type ParsedDocument,
} from './imported-connector.js';

/**
 * One entry of an Airbyte registry (`ConnectorRegistrySourceDefinition` /
 * `…DestinationDefinition`, as in `oss_registry.json`) as a connector (SPEC §11).
 */

/**
 * Registry fields that map to connector fields, or that the export computes: every Airbyte field
 * (under its own name) but `airbyte` itself, and these.
 */
const REGISTRY_OWNED = new Set<string>([
  ...AIRBYTE_FIELD_NAMES.filter((name) => name !== 'airbyte'),
  'sourceDefinitionId',
  'destinationDefinitionId',
  'definitionId',
  'connectorType',
  'name',
  'dockerRepository',
  'dockerImageTag',
  'sourceType',
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
  return checkedDocument(
    object,
    [...airbyteSchemas().validate(type, object), ...fieldErrors(object)],
    () => projectRegistryEntry(object, type),
    { dockerRepository: 'dockerRepository', dockerImageTag: 'dockerImageTag', name: 'name' },
  );
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
  const { shared, airbyte } = sharedFields(entry, REGISTRY_OWNED);
  const packageInfo = keepRemainder(airbyte, 'packageInfo', entry.packageInfo, 'cdk_version');
  const subtype = subtypeOf(entry.connectorSubtype ?? entry.sourceType);
  if (subtype === null && entry.sourceType !== undefined) airbyte.sourceType = entry.sourceType;
  return {
    format: 'registry',
    ...shared,
    type,
    definitionId:
      str(type === 'source' ? entry.sourceDefinitionId : entry.destinationDefinitionId) ?? '',
    language: languageOf(entry.language) ?? shared.language,
    cdkVersion: cdkVersionOf(packageInfo?.cdk_version),
    connectorSubtype: subtype,
    iconUrl: str(entry.iconUrl),
    spec: asObject(entry.spec) ?? null,
    airbyte: Object.keys(airbyte).length > 0 ? airbyte : null,
    archiveSourceUrl: null,
  };
}
