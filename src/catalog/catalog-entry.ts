import { splitState } from '../../machines/connector-lifecycle.js';
import type { StoredConnector } from '../store/records.js';

/** A connector as listed in the public catalog (never custom or archived ones). */
export interface CatalogEntry {
  id: string;
  definitionId: string;
  name: string;
  type: string;
  language: string;
  dockerRepository: string;
  dockerImageTag: string;
  cdkVersion: string;
  supportLevel: string;
  status: string;
  maintainers: string[];
  deprecation: unknown;
  breakingChanges: Record<string, unknown>;
  /** when the current release was published (registration counts as the first) */
  lastReleaseAt: string;
  version: number;
  updatedAt: string;
}

const LISTED = new Set(['community', 'certified']);

export function toCatalogEntry(connector: StoredConnector): CatalogEntry | null {
  const { supportLevel, status } = splitState(connector.state);
  if (!LISTED.has(supportLevel)) return null;
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
export function toRegistry(entries: CatalogEntry[]) {
  const sources: unknown[] = [];
  const destinations: unknown[] = [];
  for (const e of entries) {
    const item = {
      [e.type === 'source' ? 'sourceDefinitionId' : 'destinationDefinitionId']: e.definitionId,
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
          Object.entries(e.breakingChanges).map(([version, change]) => {
            const c = change as {
              message: string;
              upgradeDeadline: string;
              migrationDocumentationUrl: string;
            };
            return [
              version,
              {
                message: c.message,
                // Airbyte's metadata uses a date-only deadline.
                upgradeDeadline: c.upgradeDeadline.slice(0, 10),
                migrationDocumentationUrl: c.migrationDocumentationUrl,
              },
            ];
          }),
        ),
      },
    };
    (e.type === 'source' ? sources : destinations).push(item);
  }
  return { sources, destinations };
}
