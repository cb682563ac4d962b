import type { ApiClient, ConnectorFilters } from './api-client.js';
import type { Connector } from './api-types.js';
import { UnavailableError } from './cli-errors.js';

/** The largest page GET /v1/connectors serves. */
export const MAX_PAGE_SIZE = 500;

/** Every connector matching the filters: follows `nextCursor` to the last page (SPEC §12). */
export async function allConnectors(
  client: ApiClient,
  filters: ConnectorFilters,
  pageSize = MAX_PAGE_SIZE,
): Promise<Connector[]> {
  const items: Connector[] = [];
  const seen = new Set<string>();
  let cursor: string | null = null;
  do {
    const page = await client.listConnectors(filters, { limit: pageSize, cursor });
    items.push(...page.items);
    cursor = page.nextCursor;
    if (cursor !== null) {
      if (seen.has(cursor)) {
        throw new UnavailableError(`The service returned the cursor "${cursor}" twice.`);
      }
      seen.add(cursor);
    }
  } while (cursor !== null);
  return items;
}
