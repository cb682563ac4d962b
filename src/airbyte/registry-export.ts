import { asObject, exportedBreakingChanges, exportedFields } from './export-source.js';
import type { ExportOptions, ExportSource } from './export-source.js';
import type {
  RegistryDestination,
  RegistryDocument,
  RegistrySource,
} from '../http/contract/registry-document.js';

/**
 * A connector as an entry of Airbyte's registry (`ConnectorRegistrySourceDefinition` /
 * `…DestinationDefinition`), filled the way Airbyte's registry generator fills it from a
 * metadata.yaml, with what we know (SPEC §11).
 */

/** Kept fields of an imported document that the registry does not carry, or that we compute. */
const NOT_COPIED = new Set([
  'registryOverrides',
  'registries',
  'connectorType',
  'connectorSubtype',
  'definitionId',
  'metadataSpecVersion',
  'sourceDefinitionId',
  'destinationDefinitionId',
  'releases',
]);

/** The registry's `sourceType` enum (sources only). */
const SOURCE_TYPES = new Set(['api', 'file', 'database', 'custom']);

export type RegistryEntry = Record<string, unknown>;

export function registryEntry(source: ExportSource, options: ExportOptions): RegistryEntry {
  const kept = source.airbyte ?? {};
  const out: RegistryEntry = {};
  for (const [key, value] of Object.entries(kept)) {
    if (!NOT_COPIED.has(key)) out[key] = value;
  }
  const fields = exportedFields(source, options);
  const { documentationUrl } = fields;
  const subtype = source.connectorSubtype;
  const sourceType =
    subtype && (source.type === 'destination' || SOURCE_TYPES.has(subtype)) ? subtype : undefined;
  const changes = exportedBreakingChanges(source.breakingChanges, documentationUrl);
  const keptReleases = asObject(kept.releases) ?? {};
  Object.assign(out, {
    [source.type === 'source' ? 'sourceDefinitionId' : 'destinationDefinitionId']:
      source.definitionId,
    ...fields,
    spec: source.spec ?? {},
    tombstone: false,
    public: true,
    custom: source.supportLevel === 'custom',
    ...(sourceType ? { sourceType } : {}),
    ...(source.iconUrl ? { iconUrl: source.iconUrl } : {}),
    ...(source.language ? { language: source.language } : {}),
    ...(source.language && source.cdkVersion
      ? {
          packageInfo: {
            ...asObject(kept.packageInfo),
            cdk_version: `${source.language}:${source.cdkVersion}`,
          },
        }
      : {}),
    // Airbyte's generator defaults: sl and ql 100.
    ab_internal: { sl: 100, ql: 100, ...asObject(kept.ab_internal) },
    ...(source.deprecation ? { deprecation: source.deprecation } : {}),
  });
  if (Object.keys(changes).length > 0) {
    out.releases = {
      ...(keptReleases.rolloutConfiguration !== undefined
        ? { rolloutConfiguration: keptReleases.rolloutConfiguration }
        : {}),
      migrationDocumentationUrl:
        typeof keptReleases.migrationDocumentationUrl === 'string'
          ? keptReleases.migrationDocumentationUrl
          : `${documentationUrl}-migrations`,
      breakingChanges: changes,
    };
  }
  return out;
}

/**
 * Airbyte's registry (`ConnectorRegistryV0`): sources and destinations, in the given order. The
 * entries are built field by field above (with the kept fields of an imported document); their
 * shape is the contract's, which the response-contract test checks against real answers.
 */
export function toRegistry(sources: ExportSource[], options: ExportOptions): RegistryDocument {
  const registry: RegistryDocument = { sources: [], destinations: [] };
  for (const source of sources) {
    const entry = registryEntry(source, options);
    if (source.type === 'source') registry.sources.push(entry as RegistrySource);
    else registry.destinations.push(entry as RegistryDestination);
  }
  return registry;
}
