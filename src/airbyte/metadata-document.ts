import { toSemver } from '../../machines/lifecycle-policy.js';
import YAML from 'yaml';
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
import { ARCHIVED_SOURCE_TITLE, METADATA_OWNED_KEYS } from './metadata-fields.js';

/**
 * An Airbyte `metadata.yaml` (ConnectorMetadataDefinitionV0) as a connector (SPEC §11). The older
 * key `registries` is read as `registryOverrides`.
 */

function yamlMessage(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.length > 500 ? `${message.slice(0, 500)}…` : message;
}

/** Parses, validates with Airbyte's schema and maps one metadata.yaml text. */
export function parseMetadataText(text: string): ParsedDocument {
  let document: unknown;
  try {
    const docs = YAML.parseAllDocuments(text, { prettyErrors: true, uniqueKeys: true });
    if (docs.length !== 1) {
      return {
        ok: false,
        errors: [{ path: '', message: `must be one YAML document, not ${docs.length}` }],
      };
    }
    const [doc] = docs as [YAML.Document];
    if (doc.errors.length > 0) {
      return {
        ok: false,
        errors: [{ path: '', message: `is not valid YAML: ${yamlMessage(doc.errors[0])}` }],
      };
    }
    document = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    return {
      ok: false,
      errors: [{ path: '', message: `is not valid YAML: ${(err as Error).message}` }],
    };
  }
  const root = asObject(document);
  if (!root) return { ok: false, errors: [{ path: '', message: 'must be a YAML mapping' }] };
  const data = asObject(root.data);
  if (data && 'registries' in data && !('registryOverrides' in data)) {
    const { registries, ...rest } = data;
    root.data = { ...rest, registryOverrides: registries };
  }
  const repository = str(asObject(root.data)?.dockerRepository);
  const connectorId = repository ? idOfRepository(repository) : undefined;
  const errors = airbyteSchemas().validate('metadata', root);
  if (errors.length > 0) return { ok: false, ...(connectorId ? { connectorId } : {}), errors };
  const connector = projectMetadata(root);
  const identity = identityErrors(
    { ...connector, tag: str(asObject(root.data)!.dockerImageTag) ?? '' },
    {
      dockerRepository: 'data.dockerRepository',
      dockerImageTag: 'data.dockerImageTag',
      name: 'data.name',
    },
  );
  if (identity.length > 0) return { ok: false, connectorId: connector.id, errors: identity };
  return { ok: true, connector };
}

/** Maps a metadata document that validates against Airbyte's schema (no checks here). */
export function projectMetadata(root: Record<string, unknown>): ImportedConnector {
  const data = asObject(root.data) ?? {};
  const repository = str(data.dockerRepository) ?? '';
  const tag = str(data.dockerImageTag) ?? '';
  const tags = stringArray(data.tags);
  const airbyte = remainderOf(data, METADATA_OWNED_KEYS);
  let archiveSourceUrl: string | null = null;
  if (Array.isArray(airbyte.externalDocumentationUrls)) {
    const links = airbyte.externalDocumentationUrls.filter((link) => {
      const entry = asObject(link);
      if (entry?.title !== ARCHIVED_SOURCE_TITLE) return true;
      archiveSourceUrl ??= str(entry.url);
      return false;
    });
    if (links.length > 0) airbyte.externalDocumentationUrls = links;
    else delete airbyte.externalDocumentationUrls;
  }
  const releases = asObject(data.releases);
  if (releases) {
    const rest = without(releases, 'breakingChanges');
    if (Object.keys(rest).length > 0) airbyte.releases = rest;
  }
  return {
    format: 'metadata',
    id: idOfRepository(repository),
    type: data.connectorType === 'destination' ? 'destination' : 'source',
    definitionId: str(data.definitionId) ?? '',
    name: str(data.name) ?? '',
    dockerRepository: repository,
    dockerImageTag: toSemver(tag) ?? tag,
    supportLevel: supportLevelOf(data.supportLevel),
    language: languageOfTags(tags),
    cdkVersion: null,
    breakingChanges: breakingChangesOf(releases?.breakingChanges),
    documentationUrl: str(data.documentationUrl),
    releaseStage: releaseStageOf(data.releaseStage),
    connectorSubtype: subtypeOf(data.connectorSubtype),
    license: str(data.license),
    githubIssueLabel: str(data.githubIssueLabel),
    tags,
    iconUrl: null,
    releaseDate: str(data.releaseDate),
    spec: null,
    airbyte: Object.keys(airbyte).length > 0 ? airbyte : null,
    archiveSourceUrl,
  };
}
