import { splitState, type ConnectorLifecycle } from '../../machines/connector-lifecycle.js';
import { airbyteFieldsOf, connectorIdentityOf } from '../../machines/connector-types.js';
import type { StoredConnector } from '../store/records.js';
import type { Connector } from './contract/connector.js';

/** A connector as the API returns it (its type is the contract's: ./contract/connector.ts). */
export function connectorView(
  connector: StoredConnector,
  lifecycle: ConnectorLifecycle,
): Connector {
  const c = connector.context;
  const { supportLevel, status } = splitState(connector.state);
  return {
    ...connectorIdentityOf(c),
    maintainers: c.maintainers,
    supportLevel,
    status,
    state: connector.state,
    version: connector.version,
    allowedEvents: lifecycle.allowedEvents(connector.state),
    deprecation: c.deprecation,
    archive: c.archive,
    breakingChanges: c.breakingChanges,
    ...airbyteFieldsOf(c),
    acceptanceRun: c.gate,
    unarchiveRequest: c.unarchiveRequest,
    lastReleaseAt: c.lastReleaseAt,
    createdAt: connector.createdAt,
    updatedAt: connector.updatedAt,
  };
}

export function connectorEtag(connector: Pick<StoredConnector, 'version'>): string {
  return `"v${connector.version}"`;
}

/** The version an If-Match header names, or undefined when absent; NaN when unparsable. */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const m = /^\s*(?:W\/)?"v(\d{1,15})"\s*$/.exec(header);
  return m ? Number(m[1]) : Number.NaN;
}

/** Whether an If-None-Match header (a list, weak or strong, or *) matches the ETag. */
export function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((t) => {
    const tag = t.trim().replace(/^W\//, '');
    return tag === etag || tag === '*';
  });
}
