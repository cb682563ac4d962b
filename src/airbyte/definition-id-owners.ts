import type { ConnectorStore } from '../store/connector-store.js';

/**
 * Which connector holds each definitionId (SPEC §4: definitionId is unique), read in two round
 * trips (every id, then every connector in one pipeline). Used to refuse an import of a new
 * connector whose definitionId is taken; an atomic definitionId index in the commit may replace it.
 */
export async function definitionIdOwners(store: ConnectorStore): Promise<Map<string, string>> {
  const connectors = await store.getMany(await store.allIds());
  const owners = new Map<string, string>();
  for (const connector of connectors) {
    if (connector) owners.set(connector.context.definitionId, connector.context.id);
  }
  return owners;
}
