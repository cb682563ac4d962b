import { splitState } from '../../machines/connector-lifecycle.js';
import { isListed } from '../../machines/lifecycle-rules.js';
import {
  airbyteFieldsOf,
  connectorIdentityOf,
  emptyAirbyteFields,
} from '../../machines/connector-types.js';
import type { ExportSource } from '../airbyte/export-source.js';
import type { StoredConnector } from '../store/records.js';
import type { CatalogEntry } from '../http/contract/catalog-document.js';

/** A connector as listed in the public catalog (never custom or archived ones). */
export type { CatalogEntry };

export function toCatalogEntry(connector: StoredConnector): CatalogEntry | null {
  const { supportLevel, status } = splitState(connector.state);
  if (!isListed(supportLevel)) return null;
  const c = connector.context;
  return {
    ...connectorIdentityOf(c),
    supportLevel,
    status,
    maintainers: c.maintainers,
    deprecation: c.deprecation,
    breakingChanges: c.breakingChanges,
    ...airbyteFieldsOf(c),
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
