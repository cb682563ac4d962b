import { isDeepStrictEqual } from 'node:util';
import YAML from 'yaml';
import { airbyteSchemas } from './airbyte-schemas.js';
import { asObject, exportedBreakingChanges, exportedFields } from './export-source.js';
import type { ExportOptions, ExportSource } from './export-source.js';
import { ARCHIVED_SOURCE_TITLE, METADATA_OWNED_KEYS } from './metadata-fields.js';

/**
 * A connector as an Airbyte `metadata.yaml` that validates against ConnectorMetadataDefinitionV0
 * (SPEC §11): its fields, the kept fields of an imported document, and defaults for what is
 * unknown. A custom connector has no supportLevel (Airbyte has no such level); an archived one names
 * where its source is kept as an `externalDocumentationUrls` entry.
 */
export interface MetadataDocument {
  metadataSpecVersion: string;
  data: Record<string, unknown>;
}

export function metadataDocument(source: ExportSource, options: ExportOptions): MetadataDocument {
  const schemas = airbyteSchemas();
  const kept = source.airbyte ?? {};
  const data: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(kept)) {
    if (schemas.metadataDataKeys.has(key) && !METADATA_OWNED_KEYS.has(key)) data[key] = value;
  }

  const keptReleases = asObject(kept.releases) ?? {};
  const releases: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(keptReleases)) {
    if (schemas.metadataReleasesKeys.has(key) && key !== 'breakingChanges') releases[key] = value;
  }
  const changes = exportedBreakingChanges(source.breakingChanges);
  if (Object.keys(changes).length > 0) releases.breakingChanges = changes;
  if (Object.keys(releases).length > 0) data.releases = releases;

  const links = (
    Array.isArray(kept.externalDocumentationUrls) ? kept.externalDocumentationUrls : []
  ).filter((link) => asObject(link)?.title !== ARCHIVED_SOURCE_TITLE);
  if (source.supportLevel === 'archived' && source.archive) {
    links.push({ title: ARCHIVED_SOURCE_TITLE, url: source.archive.sourceUrl, type: 'other' });
  }
  if (links.length > 0) data.externalDocumentationUrls = links;
  else delete data.externalDocumentationUrls;

  Object.assign(data, {
    ...exportedFields(source, options),
    definitionId: source.definitionId,
    connectorType: source.type,
    connectorSubtype: source.connectorSubtype ?? 'unknown',
  });
  const sorted = Object.fromEntries(
    Object.keys(data)
      .sort()
      .map((key) => [key, data[key]]),
  );
  return { metadataSpecVersion: '1.0', data: sorted };
}

/**
 * The document as YAML text. Strings that YAML 1.1 readers (PyYAML, which Airbyte's tools use)
 * would read as dates, numbers or booleans are quoted; when the text would not read back the same
 * under YAML 1.2 either, every string is quoted.
 */
export function metadataYaml(source: ExportSource, options: ExportOptions): string {
  const document = metadataDocument(source, options);
  const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();
  const header = source.archive
    ? ` Archived ${source.archive.archivedAt}: ${oneLine(source.archive.reason)}\n Source: ${oneLine(source.archive.sourceUrl)}`
    : null;
  const render = (quoteAll: boolean) => {
    const doc = new YAML.Document(document, { version: '1.1' });
    if (header && source.supportLevel === 'archived') doc.commentBefore = header;
    return doc.toString(
      quoteAll ? { defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN' } : {},
    );
  };
  const text = render(false);
  return isDeepStrictEqual(YAML.parse(text), document) ? text : render(true);
}
