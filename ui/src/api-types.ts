/**
 * The one place where the dashboard learns the shape of the API: every type (and the few pure
 * constants) comes from the server's own code, so that a change there fails the dashboard's
 * typecheck instead of its users. Type imports vanish from the bundle; the constants are pure.
 */
import type { connectorView } from '../../src/http/connector-view.js';
import type { describeMachine } from '../../machines/connector-lifecycle.js';
import type { ApiEventType } from '../../machines/connector-events.js';

export type { CatalogEntry } from '../../src/catalog/catalog-entry.js';
export type { CatalogDocument } from '../../src/catalog/catalog-service.js';
export type { AcceptanceRunRecord, HistoryEntry } from '../../src/store/records.js';
export type { SweepCandidate, SweepRecord } from '../../src/archival/sweep-store.js';
export type { ArchivalReason } from '../../machines/archival-policy.js';
export type {
  BreakingChange,
  Deprecation,
  StateName,
  Status,
  SupportLevel,
} from '../../machines/connector-types.js';
export type { ApiEventType } from '../../machines/connector-events.js';
export type { Role, WhoAmI } from '../../src/auth/roles.js';

export { API_EVENT_TYPES, EVENT_PERMISSIONS } from '../../machines/connector-events.js';
export { STATE_NAMES, STATUSES, SUPPORT_LEVELS } from '../../machines/connector-types.js';
export { hasRole } from '../../src/auth/roles.js';

/** Where an archived connector's source is kept (added to the connector by the archive change). */
export interface ArchiveInfo {
  sourceUrl?: string | null;
}

/** A connector as GET /v1/connectors/:id returns it. */
export type Connector = ReturnType<typeof connectorView> & { archive?: ArchiveInfo | null };

/** One page of GET /v1/connectors. */
export interface ConnectorPage {
  items: Connector[];
  nextCursor: string | null;
}

/** GET /v1/machine. */
export type MachineDescription = ReturnType<typeof describeMachine> & {
  events: readonly ApiEventType[];
  internalEvents: readonly string[];
};
export type MachineState = MachineDescription['states'][number];

/** An RFC 9457 problem, as src/http/problem.ts writes it. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code?: string;
  errors?: { path: string; message: string }[];
  allowedEvents?: string[];
  requestId?: string;
}
