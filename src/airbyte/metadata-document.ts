import YAML from 'yaml';
import { airbyteSchemas } from './airbyte-schemas.js';
import { asObject } from './export-source.js';
import {
  checkedDocument,
  sharedFields,
  str,
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
  return checkedDocument(
    asObject(root.data) ?? {},
    airbyteSchemas().validate('metadata', root),
    () => projectMetadata(root),
    {
      dockerRepository: 'data.dockerRepository',
      dockerImageTag: 'data.dockerImageTag',
      name: 'data.name',
    },
  );
}

/** Maps a metadata document that validates against Airbyte's schema (no checks here). */
export function projectMetadata(root: Record<string, unknown>): ImportedConnector {
  const data = asObject(root.data) ?? {};
  const { shared, airbyte } = sharedFields(data, METADATA_OWNED_KEYS);
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
  return {
    format: 'metadata',
    ...shared,
    type: data.connectorType === 'destination' ? 'destination' : 'source',
    definitionId: str(data.definitionId) ?? '',
    cdkVersion: null,
    iconUrl: null,
    spec: null,
    airbyte: Object.keys(airbyte).length > 0 ? airbyte : null,
    archiveSourceUrl,
  };
}
