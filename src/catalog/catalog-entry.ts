import { splitState } from '../../machines/connector-lifecycle.js';
import { isListed } from '../../machines/lifecycle-rules.js';
import { emptyAirbyteFields } from '../../machines/connector-types.js';
import type { ExportSource } from '../airbyte/export-source.js';
import type { StoredConnector } from '../store/records.js';
import type { CatalogEntry } from '../http/contract/catalog-document.js';

/** A connector as listed in the public catalog (never custom or archived ones). */
export type { CatalogEntry };

export function toCatalogEntry(connector: StoredConnector): CatalogEntry | null {
  const { supportLevel, status } = splitState(connector.state);
  if (!isListed(supportLevel)) return null;
  const c = connector.context;
  // Every field named, no spread: see connectorView (../http/connector-view.ts) for why.
  return {
    id: c.id,
    definitionId: c.definitionId,
    name: c.name,
    type: c.type,
    language: c.language,
    dockerRepository: c.dockerRepository,
    dockerImageTag: c.dockerImageTag,
    cdkVersion: c.cdkVersion,
    supportLevel,
    status,
    maintainers: c.maintainers,
    deprecation: c.deprecation,
    breakingChanges: c.breakingChanges,
    documentationUrl: c.documentationUrl,
    releaseStage: c.releaseStage,
    connectorSubtype: c.connectorSubtype,
    license: c.license,
    githubIssueLabel: c.githubIssueLabel,
    tags: c.tags,
    iconUrl: c.iconUrl,
    releaseDate: c.releaseDate,
    spec: c.spec,
    airbyte: c.airbyte,
    lastReleaseAt: c.lastReleaseAt,
    version: connector.version,
    updatedAt: connector.updatedAt,
  };
}

/** A catalog entry as the source of an Airbyte export; entries written before SPEC §11 lack fields. */
export function exportSourceOfEntry(entry: CatalogEntry): ExportSource {
  return {
    ...emptyAirbyteFields(),
    ...entry,
    tags: entry.tags ?? [],
    archive: null,
  };
}
