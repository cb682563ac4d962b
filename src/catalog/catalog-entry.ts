import { splitState } from '../../machines/connector-lifecycle.js';
import { isListed } from '../../machines/lifecycle-rules.js';
import type { StoredConnector } from '../store/records.js';
import type { CatalogEntry } from '../http/contract/catalog-document.js';
import type {
  RegistryDestination,
  RegistryDocument,
  RegistrySource,
} from '../http/contract/registry-document.js';

/** A connector as listed in the public catalog (never custom or archived ones). */
export type { CatalogEntry };

export function toCatalogEntry(connector: StoredConnector): CatalogEntry | null {
  const { supportLevel, status } = splitState(connector.state);
  if (!isListed(supportLevel)) return null;
  const c = connector.context;
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
    lastReleaseAt: c.lastReleaseAt,
    version: connector.version,
    updatedAt: connector.updatedAt,
  };
}

/** Airbyte's registry format (`sources`, `destinations`). */
export function toRegistry(entries: CatalogEntry[]): RegistryDocument {
  const sources: RegistrySource[] = [];
  const destinations: RegistryDestination[] = [];
  for (const e of entries) {
    const item: Omit<RegistrySource, 'sourceDefinitionId'> = {
      name: e.name,
      dockerRepository: e.dockerRepository,
      dockerImageTag: e.dockerImageTag,
      supportLevel: e.supportLevel,
      releaseStage: e.supportLevel === 'certified' ? 'generally_available' : 'alpha',
      language: e.language,
      tombstone: false,
      public: true,
      custom: false,
      ...(e.deprecation ? { deprecation: e.deprecation } : {}),
      releases: {
        breakingChanges: Object.fromEntries(
          Object.entries(e.breakingChanges).map(([version, c]) => [
            version,
            {
              message: c.message,
              // Airbyte's metadata uses a date-only deadline.
              upgradeDeadline: c.upgradeDeadline.slice(0, 10),
              migrationDocumentationUrl: c.migrationDocumentationUrl,
            },
          ]),
        ),
      },
    };
    if (e.type === 'source') sources.push({ sourceDefinitionId: e.definitionId, ...item });
    else destinations.push({ destinationDefinitionId: e.definitionId, ...item });
  }
  return { sources, destinations };
}
